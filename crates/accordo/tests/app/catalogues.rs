//! Each module's messages live in its own crate, named after it, in every language the
//! platform speaks; the platform's catalogue names no module.

use std::collections::BTreeSet;

fn ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim()))
        .filter(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_module_brings_its_own_messages_in_every_language() {
    let platform: BTreeSet<String> =
        ids(include_str!("../../../accordo-web/locales/en/accordo.ftl"));
    for module in accordo::MODULES {
        let name = module.core.name;
        let prefixes = [
            format!("{name}-"),
            format!("nav-{name}"),
            format!("home-{name}"),
        ];
        // A module may bring several texts in one language (the documents module brings its
        // checking crate's): each language's together.
        let mut by_language: Vec<(&str, BTreeSet<String>)> = Vec::new();
        for (lang, text) in module.locales {
            let mine = ids(text);
            for id in &mine {
                assert!(
                    prefixes.iter().any(|p| id.starts_with(p.as_str())),
                    "{name}'s {lang} catalogue holds `{id}`, which is not named after it"
                );
            }
            match by_language.iter_mut().find(|(l, _)| l == lang) {
                Some((_, ids)) => ids.extend(mine),
                None => by_language.push((*lang, mine)),
            }
        }
        let languages: BTreeSet<&str> = by_language.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            languages,
            BTreeSet::from(["en", "it"]),
            "{name} speaks every language of the platform"
        );
        let (first_lang, first) = &by_language[0];
        for (lang, other) in &by_language[1..] {
            assert_eq!(
                first.symmetric_difference(other).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{name}: {first_lang} and {lang} differ"
            );
        }
        for id in &platform {
            assert!(
                !prefixes.iter().any(|p| id.starts_with(p.as_str())),
                "the platform's catalogue holds {name}'s `{id}`"
            );
        }
    }
}
