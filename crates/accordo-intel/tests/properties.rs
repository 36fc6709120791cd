//! Properties of the normalisers: no input panics; a key checked again is itself
//! (idempotent); two spellings of one identifier give one key.

use accordo_domain::CountryCode;
use accordo_intel::extract::extract;
use accordo_intel::{Kind, check};
use proptest::prelude::*;

fn country(code: &str) -> Option<CountryCode> {
    CountryCode::parse(code).ok()
}

fn countries() -> impl Strategy<Value = Option<CountryCode>> {
    prop_oneof![
        Just(None),
        Just(country("ITA")),
        Just(country("PAK")),
        Just(country("TUR")),
        Just(country("USA")),
        Just(country("TUN")),
    ]
}

fn kinds() -> impl Strategy<Value = Kind> {
    proptest::sample::select(Kind::ALL.to_vec())
}

/// Text with the characters the normalisers treat specially, in any order.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 +().:/@|٠-٩۰-۹a-zA-Z_-]{0,40}",
        "(IMO|MMSI|ITA|wa\\.me/|https?://|www\\.|@|mailto:)?[0-9A-Za-z .@/-]{0,30}",
    ]
}

/// Sprinkles `sep` (one of the separators the kind allows) between the characters of `s`
/// where `cuts` says so.
fn spell(s: &str, cuts: &[bool], sep: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && cuts.get(i).copied().unwrap_or(false) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn key(kind: Kind, value: &str, from: Option<CountryCode>) -> Option<String> {
    check(kind, value, from).normalised
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_input_panics_and_keys_are_fixed_points(kind in kinds(), text in texty(), from in countries()) {
        let checked = check(kind, &text, from);
        prop_assert_eq!(checked.valid(), checked.reason.is_none());
        if let Some(k) = checked.normalised {
            // A key is a valid value of its kind and checks to itself, from any country
            // (a telephone key carries its `+`).
            prop_assert_eq!(key(kind, &k, from), Some(k.clone()), "{:?} {:?}", kind, text);
            prop_assert_eq!(key(kind, &k, country("USA")), Some(k));
        }
        // Extraction neither panics nor keeps an invalid entity.
        for found in extract(&text, from) {
            prop_assert!(found.valid());
        }
    }

    #[test]
    fn a_telephone_number_spelled_two_ways_is_one(
        // Italy's landlines and mobiles, Pakistan's and Turkey's mobiles.
        (cc, national) in prop_oneof![
            (Just("39"), "06[0-9]{8}"),
            (Just("39"), "3[2-9][0-9]{8}"),
            (Just("92"), "30[0-9]{8}"),
            (Just("90"), "5[3-5][0-9]{8}"),
        ],
        cuts in proptest::collection::vec(any::<bool>(), 12),
        sep in prop_oneof![Just(" "), Just("-"), Just("."), Just("\u{a0}")],
        from in prop_oneof![Just("ITA"), Just("PAK"), Just("TUR"), Just("TUN")],
    ) {
        let plus = key(Kind::Phone, &format!("+{cc}{national}"), None);
        prop_assume!(plus.is_some());
        let spelled = spell(&national, &cuts, sep);
        prop_assert_eq!(&key(Kind::Phone, &format!("+{cc} {spelled}"), country(from)), &plus);
        // The writer's international prefix (00 in each of these countries) for `+`.
        prop_assert_eq!(&key(Kind::Phone, &format!("00{cc} {spelled}"), country(from)), &plus);
    }

    #[test]
    fn other_identifiers_spelled_two_ways_are_one(
        imo6 in "[0-9]{6}",
        account in "[0-9]{10}",
        local in "[a-z][a-z0-9.]{0,10}",
        host in "[a-z]{3,10}",
        upper in any::<bool>(),
        cuts in proptest::collection::vec(any::<bool>(), 30),
    ) {
        let case = |s: &str| if upper { s.to_uppercase() } else { s.to_lowercase() };
        // IMO: the check digit made, written with or without its label.
        let d: Vec<u32> = imo6.bytes().map(|b| u32::from(b - b'0')).collect();
        let check_digit = (0..6).map(|i| d[i] * (7 - i as u32)).sum::<u32>() % 10;
        let imo = format!("{imo6}{check_digit}");
        prop_assert_eq!(key(Kind::Imo, &format!("{} {}", case("imo"), spell(&imo, &cuts, " ")), None), Some(imo.clone()));
        // An IBAN made with its check digits (Italy: CIN letter, ABI, CAB, account).
        let bban = format!("X0542811101{account}{}", &account[..2]);
        let iban = with_check_digits("IT", &bban);
        let k = key(Kind::Iban, &iban, None);
        prop_assert!(k.is_some(), "{}", iban);
        prop_assert_eq!(&key(Kind::Iban, &spell(&case(&iban), &cuts, " "), None), &k);
        // E-mail domains fold; links fold host, scheme, www and tracking.
        let mail = format!("{local}@{host}.org");
        prop_assert_eq!(key(Kind::Email, &format!("{local}@{}.ORG", case(&host)), None), Some(mail));
        let link = key(Kind::Url, &format!("https://t.me/{local}x"), None);
        prop_assert!(link.is_some());
        prop_assert_eq!(&key(Kind::Url, &format!("http://WWW.{}/{local}x/?utm_source={host}", case("t.me")), None), &link);
        // Names fold case and spacing.
        let name = format!("{host} {local}x");
        prop_assert_eq!(key(Kind::Person, &case(&name), None), key(Kind::Person, &format!("  {}   {local}x", case(&host)), None));
    }
}

/// `country` + the ISO 13616 check digits + `bban`.
fn with_check_digits(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}
