//! Country names in the reader's language, for the languages that have a table
//! (`data/country-names`, with its provenance). English names are ISO 3166's, in
//! `accordo-domain`: a caller falls back to them.

use std::collections::HashMap;
use std::sync::OnceLock;

const IT: &str = include_str!("../data/country-names/it.tsv");

fn table(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines().filter_map(|l| l.split_once('\t')).collect()
}

/// The name of the country with ISO 3166-1 alpha-3 code `code` in `lang`, if that language
/// has a table and the code is in it.
pub fn name(code: &str, lang: &str) -> Option<&'static str> {
    static ITALIAN: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    match lang {
        "it" => ITALIAN.get_or_init(|| table(IT)).get(code).copied(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_have_their_italian_names() {
        assert_eq!(name("LBY", "it"), Some("Libia"));
        assert_eq!(name("CIV", "it"), Some("Costa d'Avorio"));
        assert_eq!(name("DEU", "it"), Some("Germania"));
        assert_eq!(name("LBY", "en"), None, "English is ISO 3166's, elsewhere");
        assert_eq!(name("XKX", "it"), None, "not ISO 3166-1");
        assert_eq!(IT.lines().count(), 249, "every ISO 3166-1 country");
    }
}
