//! The entities a message's text names: what an officer pasted into the body is linked like
//! what they entered. Only what checks as valid is kept (a date or a case number is not a
//! telephone number because it has digits), each once.

use std::collections::HashSet;
use std::sync::LazyLock;

use accordo_domain::CountryCode;
use regex::Regex;

use crate::entity::{Checked, Kind, ascii_digit, check};

/// The patterns, in the order they claim text: a span one claims is not read by the next
/// (an IBAN's digits are not a telephone number, nor an e-mail address's name a handle).
static PATTERNS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    let p = |kind, re: &str| (kind, Regex::new(re).unwrap_or_else(|e| unreachable!("{e}")));
    vec![
        (p(
            Kind::Url,
            r"(?i)\b(?:https?://|www\.|wa\.me/|t\.me/|chat\.whatsapp\.com/)[^\s<>\x22'()]+",
        )),
        p(
            Kind::Email,
            r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}",
        ),
        p(
            Kind::Iban,
            r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
        ),
        p(Kind::Imo, r"(?i)\bIMO[ :]*[0-9]{7}\b"),
        p(Kind::Mmsi, r"(?i)\bMMSI[ :]*[0-9]{9}\b"),
        p(Kind::Phone, r"(?:\+|\b)[0-9][0-9 ().-]{5,20}[0-9]\b"),
        p(Kind::Handle, r"(?:^|[\s(])@([\p{L}\p{N}_.]{2,64})"),
    ]
});

/// The valid entities `text` names, each once (by kind and key), in the order of the
/// patterns; telephone numbers are read in the dialling plan of `country`.
pub fn extract(text: &str, country: Option<CountryCode>) -> Vec<Checked> {
    // Digits of every script as ASCII, so that one pattern reads them all.
    let text: String = text.chars().map(ascii_digit).collect();
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for caps in re.captures_iter(&text) {
            let whole = caps.get(0).unwrap_or_else(|| unreachable!("a match"));
            let found = caps.get(1).unwrap_or(whole);
            let (start, end) = (found.start(), found.end());
            if claimed.iter().any(|(s, e)| start < *e && *s < end) {
                continue;
            }
            let value = found
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?']);
            let checked = check(*kind, value, country);
            if let Some(key) = &checked.normalised {
                claimed.push((start, end));
                if seen.insert((*kind, key.clone())) {
                    out.push(checked);
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn keys(text: &str, country: &str) -> Vec<(Kind, String)> {
        extract(text, CountryCode::parse(country).ok())
            .into_iter()
            .map(|c| (c.kind, c.normalised.unwrap()))
            .collect()
    }

    #[test]
    fn a_message_s_identifiers_are_found_and_checked() {
        let body = "Boat leaves Zuwara Friday. Contact 0039 06 1234 5678 or wa.me/390612345678, \
                    pay to IT60 X054 2811 1010 0000 0123 456 (ref 2026-11-30). Ship IMO 9074729, \
                    MMSI 247123456. Mail ahmed.k@Example.com, Telegram @Boss_Zuwara.";
        let found = keys(body, "PAK");
        assert_eq!(
            found,
            [
                (Kind::Url, "https://wa.me/390612345678".to_owned()),
                (Kind::Email, "ahmed.k@example.com".to_owned()),
                (Kind::Iban, "IT60X0542811101000000123456".to_owned()),
                (Kind::Imo, "9074729".to_owned()),
                (Kind::Mmsi, "247123456".to_owned()),
                (Kind::Phone, "+390612345678".to_owned()),
                (Kind::Handle, "boss_zuwara".to_owned()),
            ]
        );
    }

    #[test]
    fn arabic_and_urdu_digits_are_read_and_dates_are_not_numbers() {
        let body = "اتصل على ٠٣٠٠ ١٢٣٤٥٦٧ — رابطہ ۰۳۰۰ ۱۲۳۴۵۶۷ — 30.11.2026 — 12/2026";
        assert_eq!(
            keys(body, "PAK"),
            [(Kind::Phone, "+923001234567".to_owned())]
        );
    }

    #[test]
    fn an_invalid_identifier_in_the_text_is_not_an_entity() {
        // A failed IMO check digit, an unknown MID, a number no plan knows.
        assert!(keys("IMO 9074728, MMSI 123456789, tel +39 612345678", "ITA").is_empty());
    }
}
