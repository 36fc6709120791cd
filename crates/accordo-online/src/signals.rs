//! What a post's text says that matters to a referral unit, in the languages of the routes:
//! the identifiers of the intel pillar's model (telephone numbers, links, handles: read by
//! `accordo_intel::extract`, so that they match what officers exchange), the contact links
//! smugglers give (`wa.me`, `t.me`, WhatsApp groups), prices with their currency, the places
//! of departure and arrival, and the words of a crossing.

use std::sync::LazyLock;

use accordo_domain::CountryCode;
use accordo_intel::entity::{Checked, Kind, ascii_digit};
use regex::Regex;
use serde::Serialize;

/// A price a post names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    /// In whole units of the currency.
    pub amount: i64,
    /// ISO 4217, or `DIN` for a dinar of no named country.
    pub currency: &'static str,
}

/// Whether a place is where crossings leave from or where they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Departure,
    Destination,
}

/// A place of the routes a post names, by its English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    pub name: &'static str,
    pub kind: PlaceKind,
}

/// Everything read from one post.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// Valid identifiers of the intel pillar's kinds (phone numbers in E.164, URLs, handles…).
    pub entities: Vec<Checked>,
    /// `wa.me`, `t.me` and WhatsApp-group links, as written.
    pub contact_links: Vec<String>,
    pub prices: Vec<Price>,
    pub places: Vec<Place>,
    /// The words of a crossing the post uses, as listed in [`CROSSING_WORDS`].
    pub crossing_words: Vec<&'static str>,
}

impl Signals {
    pub fn phones(&self) -> usize {
        self.entities
            .iter()
            .filter(|e| e.kind == Kind::Phone)
            .count()
    }
}

/// The places of the routes, with the spellings of the routes' languages.
pub const PLACES: &[(&str, PlaceKind, &[&str])] = &[
    (
        "Libya",
        PlaceKind::Departure,
        &["libya", "libia", "libye", "ليبيا", "لیبیا", "লিবিয়া", "ሊብያ"],
    ),
    (
        "Turkey",
        PlaceKind::Departure,
        &[
            "turkey",
            "turchia",
            "turquie",
            "türkiye",
            "تركيا",
            "ترکی",
            "ترکیې",
        ],
    ),
    (
        "Zuwara",
        PlaceKind::Departure,
        &["zuwara", "zuwarah", "zuara", "zouara", "زوارة", "زواره"],
    ),
    (
        "Sabratha",
        PlaceKind::Departure,
        &["sabratha", "sabrata", "صبراتة", "صبراته"],
    ),
    (
        "Tripoli",
        PlaceKind::Departure,
        &["tripoli", "طرابلس", "ٹریپولی", "ত্রিপোলি", "ትሪፖሊ"],
    ),
    (
        "Benghazi",
        PlaceKind::Departure,
        &["benghazi", "bengasi", "بنغازي", "بن غازی", "বেনগাজি", "ቤንጋዚ"],
    ),
    ("Tobruk", PlaceKind::Departure, &["tobruk", "طبرق"]),
    (
        "Misrata",
        PlaceKind::Departure,
        &["misrata", "misurata", "مصراتة"],
    ),
    ("Sfax", PlaceKind::Departure, &["sfax", "صفاقس"]),
    ("Mahdia", PlaceKind::Departure, &["mahdia", "المهدية"]),
    ("Kelibia", PlaceKind::Departure, &["kelibia", "قليبية"]),
    ("Zarzis", PlaceKind::Departure, &["zarzis", "جرجيس"]),
    ("Annaba", PlaceKind::Departure, &["annaba", "عنابة"]),
    ("Gerze", PlaceKind::Departure, &["gerze"]),
    (
        "Izmir",
        PlaceKind::Departure,
        &["izmir", "i̇zmir", "إزمير", "ازمیر"],
    ),
    ("Bodrum", PlaceKind::Departure, &["bodrum"]),
    ("Çeşme", PlaceKind::Departure, &["çeşme", "cesme"]),
    ("Ayvalık", PlaceKind::Departure, &["ayvalık", "ayvalik"]),
    ("Mersin", PlaceKind::Departure, &["mersin", "مرسين"]),
    (
        "Lampedusa",
        PlaceKind::Destination,
        &["lampedusa", "لامبيدوزا", "لامبدوزا", "ল্যাম্পেডুসা", "ላምፐዱሳ"],
    ),
    (
        "Sicily",
        PlaceKind::Destination,
        &["sicily", "sicilia", "sicile", "sicilya", "صقلية"],
    ),
    (
        "Calabria",
        PlaceKind::Destination,
        &["calabria", "calabre", "crotone", "كالابريا"],
    ),
    (
        "Italy",
        PlaceKind::Destination,
        &[
            "italy",
            "italia",
            "italie",
            "italya",
            "إيطاليا",
            "ايطاليا",
            "اٹلی",
            "ایټالیا",
            "ایتالیا",
            "ইতালি",
            "ኢጣልያ",
            "ጣልያን",
        ],
    ),
    (
        "Greece",
        PlaceKind::Destination,
        &[
            "greece",
            "grecia",
            "grèce",
            "yunanistan",
            "اليونان",
            "یونان",
        ],
    ),
    (
        "Europe",
        PlaceKind::Destination,
        &[
            "europe",
            "europa",
            "avrupa",
            "أوروبا",
            "اوروبا",
            "یورپ",
            "اروپا",
            "ইউরোপ",
            "ኤውሮጳ",
        ],
    ),
];

/// The words of a crossing, in the routes' languages (a boat, a trip, a departure, a
/// guarantee, places being few). A word is found when a word of the post begins with it.
pub const CROSSING_WORDS: &[&str] = &[
    // English
    "boat",
    "trip",
    "crossing",
    "departure",
    "guaranteed",
    "safe passage",
    "seats left",
    "no visa",
    // Italian
    "barca",
    "gommone",
    "viaggio",
    "partenza",
    "traversata",
    "posti limitati",
    "senza visto",
    // French
    "bateau",
    "traversée",
    "départ",
    "passage",
    "places limitées",
    "harraga",
    "sans visa",
    // Turkish
    "tekne",
    "bot ",
    "yolculuk",
    "geçiş",
    "kalkış",
    "garantili",
    "vizesiz",
    // Arabic
    "قارب",
    "مركب",
    "رحلة",
    "حرقة",
    "حراقة",
    "الحرقة",
    "تهريب",
    "انطلاق",
    "مضمون",
    "بدون فيزا",
    "فلوكة",
    // Urdu
    "کشتی",
    "سفر",
    "روانگی",
    "ڈنکی",
    "بغیر ویزا",
    "گارنٹی",
    // Pashto
    "کښتۍ",
    "سفر",
    "روانېدل",
    "ډنکي",
    "بې ویزې",
    // Bengali
    "নৌকা",
    "যাত্রা",
    "ভিসা ছাড়া",
    "গ্যারান্টি",
    "গেম",
    // Tigrinya
    "ጀልባ",
    "ጉዕዞ",
    "ምንቅስቓስ",
    "ብዘይ ቪዛ",
    "ውሕስ",
];

/// Currencies by the ways posts write them. Symbols stand before or after the amount.
const CURRENCIES: &[(&str, &[&str])] = &[
    (
        "EUR",
        &[
            "€",
            "eur",
            "euro",
            "euros",
            "يورو",
            "یورو",
            "ইউরো",
            "avro",
            "ዩሮ",
        ],
    ),
    (
        "USD",
        &[
            "$",
            "usd",
            "dollar",
            "dollars",
            "دولار",
            "ڈالر",
            "ډالر",
            "ডলার",
            "dolar",
            "ዶላር",
        ],
    ),
    ("GBP", &["£", "gbp"]),
    ("TRY", &["₺", "tl", "try", "lira", "ليرة تركية"]),
    ("TND", &["tnd", "dt", "دينار تونسي"]),
    ("LYD", &["lyd", "دينار ليبي"]),
    ("DIN", &["dinar", "dinars", "دينار"]),
    (
        "PKR",
        &["pkr", "rs", "rs.", "rupees", "روپے", "روپیہ", "روپۍ"],
    ),
    ("BDT", &["৳", "bdt", "taka", "টাকা"]),
    ("ERN", &["nakfa", "ናቕፋ"]),
];

static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = CURRENCIES
        .iter()
        .flat_map(|(_, n)| n.iter().copied())
        .collect();
    // Longest first, so that `دينار تونسي` wins over `دينار`.
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    let alternatives = names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    let amount = r"[0-9](?:[0-9]|[.,' ][0-9]{3})*(?:\s?[kK]\b)?";
    let pattern = format!(
        r"(?i)(?:(?P<c1>{alternatives})\s?(?P<a1>{amount})|(?P<a2>{amount})\s?(?P<c2>{alternatives}))(?:[^\p{{L}}]|$)"
    );
    Regex::new(&pattern).unwrap_or_else(|e| unreachable!("{e}"))
});

static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://)?(?:wa\.me/[0-9+]+|t\.me/[A-Za-z0-9_+/]+|chat\.whatsapp\.com/[A-Za-z0-9]+|api\.whatsapp\.com/send\?phone=[0-9]+)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Reads `text`: `country` is the dialling plan of numbers written without `+` (the capturing
/// agency's country, or none).
pub fn read(text: &str, country: Option<CountryCode>) -> Signals {
    let entities = accordo_intel::extract::extract(text, country);
    let ascii: String = text
        .chars()
        .map(ascii_digit)
        .map(|c| match c {
            '٬' => ',',
            '٫' => '.',
            c => c,
        })
        .collect();
    let lower = ascii.to_lowercase();
    let mut contact_links: Vec<String> = CONTACT
        .find_iter(&ascii)
        .map(|m| m.as_str().to_owned())
        .collect();
    contact_links.dedup();
    let mut prices = Vec::new();
    for caps in PRICE.captures_iter(&ascii) {
        let (Some(a), Some(c)) = (
            caps.name("a1").or(caps.name("a2")),
            caps.name("c1").or(caps.name("c2")),
        ) else {
            continue;
        };
        let Some(amount) = amount_of(a.as_str()) else {
            continue;
        };
        let written = c.as_str().to_lowercase();
        let Some((code, _)) = CURRENCIES
            .iter()
            .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == written))
        else {
            continue;
        };
        let price = Price {
            amount,
            currency: code,
        };
        if !prices.contains(&price) {
            prices.push(price);
        }
    }
    let mut places = Vec::new();
    for (name, kind, spellings) in PLACES {
        if spellings.iter().any(|s| contains_word(&lower, s)) {
            places.push(Place { name, kind: *kind });
        }
    }
    let mut crossing_words: Vec<&'static str> = Vec::new();
    for w in CROSSING_WORDS {
        if contains_word(&lower, w) && !crossing_words.contains(w) {
            crossing_words.push(w);
        }
    }
    Signals {
        entities,
        contact_links,
        prices,
        places,
        crossing_words,
    }
}

/// Whether `text` (lower case) has `word` at the start of one of its words. Scripts that join
/// prepositions to the word (Arabic's بـ, لـ) are matched anywhere.
fn contains_word(text: &str, word: &str) -> bool {
    let latin = word
        .chars()
        .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c));
    text.match_indices(word).any(|(i, _)| {
        !latin
            || text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// `3.500`, `3,500`, `3 500`, `3500`, `3k` as whole units.
fn amount_of(written: &str) -> Option<i64> {
    let thousands = written.trim_end().ends_with(['k', 'K']);
    let digits: String = written.chars().filter(|c| c.is_ascii_digit()).collect();
    let n: i64 = digits.get(..digits.len().min(12))?.parse().ok()?;
    let n = if thousands { n.checked_mul(1000)? } else { n };
    (n > 0).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arabic_advert() {
        let s = read(
            "رحلة من زوارة إلى إيطاليا، السعر ٣٥٠٠ يورو، واتساب wa.me/218912345678",
            CountryCode::parse("LBY").ok(),
        );
        assert_eq!(
            s.prices,
            vec![Price {
                amount: 3500,
                currency: "EUR"
            }]
        );
        let names: Vec<&str> = s.places.iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["Zuwara", "Italy"]);
        assert_eq!(s.contact_links, vec!["wa.me/218912345678"]);
        assert!(s.crossing_words.contains(&"رحلة"), "{:?}", s.crossing_words);
    }

    #[test]
    fn prices_in_several_forms() {
        let s = read("Only €2,500 or 3000 TL, Rs 450,000 and 5k dollars", None);
        let got: Vec<(i64, &str)> = s.prices.iter().map(|p| (p.amount, p.currency)).collect();
        assert_eq!(
            got,
            vec![
                (2500, "EUR"),
                (3000, "TRY"),
                (450_000, "PKR"),
                (5000, "USD")
            ]
        );
        // A word that begins with a currency's letters is not a price.
        assert!(
            read("3 dtrucks and 40 eurostar trains", None)
                .prices
                .is_empty()
        );
    }

    #[test]
    fn places_are_words_not_parts_of_words() {
        let s = read("Our office in Sfax sells tickets for Italy", None);
        assert_eq!(s.places.len(), 2);
        // A word that begins with a place's name is read as the place (Sfaxien, Italia's
        // Italiani); one that only contains it is not.
        assert_eq!(read("club sfaxien", None).places.len(), 1);
        assert!(read("abitaly and besfax", None).places.is_empty());
    }
}
