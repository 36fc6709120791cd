//! The checks made when an employer pre-fills an application: the worker (of age, with a
//! passport whose machine-readable zone passes every check of ICAO 9303 and agrees with what
//! the employer typed) and the job offer (a contract the category allows, for as long as it
//! allows, at a wage, in a province). Every refusal names its rule and the field.

use jiff::civil::Date;
use serde::Serialize;

use crate::{Category, Contract, PROVINCES};

/// The worker as the employer gives them.
#[derive(Debug, Clone)]
pub struct Worker<'a> {
    pub name: &'a str,
    pub birth_date: Date,
    /// ISO 3166-1 alpha-3, as in the passport.
    pub nationality: &'a str,
    /// The passport's machine-readable zone, its two lines.
    pub mrz: &'a str,
}

/// The job offer.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    pub contract: &'a str,
    /// Gross a month, in whole euros.
    pub monthly_wage_eur: i64,
    /// `None` for a permanent contract.
    pub months: Option<u32>,
    /// The province's two-letter code.
    pub province: &'a str,
}

/// One rule an application breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Stable, e.g. `mrz-nationality`.
    pub rule: &'static str,
    /// The field it is about.
    pub field: &'static str,
    /// What was expected, in English.
    pub detail: String,
}

fn refuse(rule: &'static str, field: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal {
        rule,
        field,
        detail: detail.into(),
    }
}

/// The most a month's wage may be written as: anything above is a typing error.
pub const WAGE_MAX_EUR: i64 = 100_000;

/// Every rule the application breaks, in the order of the form; empty when it may be saved.
pub fn check(category: Category, worker: &Worker, offer: &Offer, today: Date) -> Vec<Refusal> {
    let mut out = Vec::new();
    let name = worker.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        out.push(refuse(
            "worker-name",
            "worker_name",
            "the worker's name as in the passport, 1 to 200 characters",
        ));
    }
    let adult = worker
        .birth_date
        .checked_add(jiff::Span::new().years(18))
        .is_ok_and(|d| d <= today);
    if !adult {
        out.push(refuse(
            "worker-adult",
            "worker_birth_date",
            "the worker must be 18 or over",
        ));
    }
    out.extend(passport(worker, today));
    let contract = Contract::parse(offer.contract);
    match contract {
        Some(c) if category.contracts().contains(&c) => {}
        _ => out.push(refuse(
            "contract-category",
            "contract",
            format!(
                "a contract this category allows: {}",
                category
                    .contracts()
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
    let (least, most) = category.months();
    match (contract, offer.months) {
        (Some(Contract::Permanent), None) => {}
        (Some(Contract::Permanent), Some(_)) => out.push(refuse(
            "duration",
            "months",
            "a permanent contract has no duration",
        )),
        (_, Some(m)) if m >= least && most.is_none_or(|most| m <= most) => {}
        _ => out.push(refuse(
            "duration",
            "months",
            match most {
                Some(most) => format!("between {least} and {most} months"),
                None => format!("at least {least} months"),
            },
        )),
    }
    if !(1..=WAGE_MAX_EUR).contains(&offer.monthly_wage_eur) {
        out.push(refuse(
            "wage",
            "monthly_wage_eur",
            format!("a gross monthly wage in whole euros, 1 to {WAGE_MAX_EUR}"),
        ));
    }
    if !PROVINCES.contains(&offer.province) {
        out.push(refuse(
            "province",
            "province",
            "an Italian province by its two-letter code, e.g. LT",
        ));
    }
    out
}

/// The passport: valid by ICAO 9303, a passport, not expired, and the worker's own.
fn passport(worker: &Worker, today: Date) -> Vec<Refusal> {
    let report = accordo_mrz::check(worker.mrz, today);
    if !report.valid {
        let failed = report
            .checks
            .iter()
            .find(|c| !c.ok)
            .map_or("the zone could not be read".to_owned(), |c| {
                c.detail.clone()
            });
        return vec![refuse(
            "mrz-valid",
            "worker_mrz",
            format!("a passport's machine-readable zone that passes every check: {failed}"),
        )];
    }
    let Some(fields) = report.fields else {
        return vec![refuse(
            "mrz-valid",
            "worker_mrz",
            "a passport's machine-readable zone",
        )];
    };
    let mut out = Vec::new();
    if !fields.document_code.starts_with('P') {
        out.push(refuse(
            "mrz-passport",
            "worker_mrz",
            format!(
                "a passport (P), not a document of code {}",
                fields.document_code
            ),
        ));
    }
    if fields.expiry_date.is_none_or(|d| d < today) {
        out.push(refuse(
            "mrz-expired",
            "worker_mrz",
            "a passport that has not expired",
        ));
    }
    if fields.nationality != worker.nationality {
        out.push(refuse(
            "mrz-nationality",
            "worker_nationality",
            format!(
                "the nationality the passport gives ({})",
                fields.nationality
            ),
        ));
    }
    if !worker.name.trim().is_empty() && !surname_in(worker.name, &fields.names) {
        out.push(refuse(
            "mrz-name",
            "worker_name",
            format!(
                "the name as in the passport, whose surname is {}",
                fields.names.primary
            ),
        ));
    }
    if fields.birth_date != Some(worker.birth_date) {
        out.push(refuse(
            "mrz-birth-date",
            "worker_birth_date",
            match fields.birth_date {
                Some(d) => format!("the birth date the passport gives ({d})"),
                None => "a birth date the passport gives".to_owned(),
            },
        ));
    }
    out
}

/// Whether the name typed holds every word of the passport's surname (its primary
/// identifier), as the zone writes words: Latin capitals without accents, apostrophes dropped,
/// anything else between words. The given names are not compared (their order and spelling
/// vary more), nor is the surname's order; a surname the zone truncated may end a typed word.
/// ICAO 9303 writes Ä, Ö, Ü and Å as AE, OE, UE and AA or as A, O, U and A: either passes.
fn surname_in(typed: &str, names: &accordo_mrz::Names) -> bool {
    let surname: Vec<&str> = names.primary.split_whitespace().collect();
    if surname.is_empty() {
        return true;
    }
    let last = surname.len() - 1;
    [false, true].into_iter().any(|long| {
        let words = zone_words(typed, long);
        surname.iter().enumerate().all(|(i, s)| {
            words
                .iter()
                .any(|w| w == s || (names.truncated && i == last && w.starts_with(s)))
        })
    })
}

/// A name's words as a machine-readable zone writes them; `long` spells Ä, Ö, Ü and Å in two
/// letters.
fn zone_words(name: &str, long: bool) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut text = String::new();
    for c in name.chars().flat_map(char::to_uppercase) {
        match (long, c) {
            (true, 'Ä') => text.push_str("AE"),
            (true, 'Ö') => text.push_str("OE"),
            (true, 'Ü') => text.push_str("UE"),
            (true, 'Å') => text.push_str("AA"),
            (_, 'Æ') => text.push_str("AE"),
            (_, 'Ø' | 'Œ') => text.push_str("OE"),
            (_, 'Þ') => text.push_str("TH"),
            (_, '\'' | '\u{2019}') => {}
            _ => {
                for d in std::iter::once(c).nfd() {
                    if d.is_ascii_uppercase() {
                        text.push(d);
                    } else if !is_combining_mark(d) {
                        text.push(' ');
                    }
                }
            }
        }
    }
    text.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// ICAO 9303 part 4's specimen, with the nationality and expiry the tests need
    /// (generated, so its check digits are right).
    fn mrz(nationality: &str, birth: Date, expiry: Date) -> String {
        accordo_mrz::generate(&accordo_mrz::Fields {
            format: accordo_mrz::Format::Td3,
            document_code: "P".into(),
            issuing_state: nationality.into(),
            names: accordo_mrz::Names {
                primary: "ESEMPIO".into(),
                secondary: "ALI".into(),
                truncated: false,
            },
            document_number: "AB1234567".into(),
            nationality: nationality.into(),
            birth_date: Some(birth),
            sex: "M".into(),
            expiry_date: Some(expiry),
            optional_data: String::new(),
        })
        .unwrap_or_else(|e| panic!("specimen: {e}"))
    }

    const TODAY: Date = date(2026, 11, 23);

    fn offer() -> Offer<'static> {
        Offer {
            contract: "fixed_term",
            monthly_wage_eur: 1450,
            months: Some(6),
            province: "LT",
        }
    }

    #[test]
    fn a_good_application_breaks_no_rule() {
        let m = mrz("PAK", date(1995, 3, 14), date(2030, 1, 1));
        let w = Worker {
            name: "Ali Esempio",
            birth_date: date(1995, 3, 14),
            nationality: "PAK",
            mrz: &m,
        };
        assert_eq!(
            check(Category::SeasonalAgriculture, &w, &offer(), TODAY),
            vec![]
        );
    }

    #[test]
    fn every_broken_rule_is_named_with_its_field() {
        let m = mrz("PAK", date(1995, 3, 14), date(2026, 1, 1));
        let w = Worker {
            name: " ",
            birth_date: date(2010, 3, 14),
            nationality: "TUN",
            mrz: &m,
        };
        let bad = Offer {
            contract: "permanent",
            monthly_wage_eur: 0,
            months: Some(12),
            province: "XX",
        };
        let rules: Vec<(&str, &str)> = check(Category::SeasonalTourism, &w, &bad, TODAY)
            .iter()
            .map(|r| (r.rule, r.field))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("worker-name", "worker_name"),
                ("worker-adult", "worker_birth_date"),
                ("mrz-expired", "worker_mrz"),
                ("mrz-nationality", "worker_nationality"),
                ("mrz-birth-date", "worker_birth_date"),
                ("contract-category", "contract"),
                ("duration", "months"),
                ("wage", "monthly_wage_eur"),
                ("province", "province"),
            ]
        );
    }

    #[test]
    fn the_name_must_hold_the_passports_surname_as_the_zone_writes_it() {
        let names = |primary: &str, truncated: bool| accordo_mrz::Names {
            primary: primary.into(),
            secondary: "ALI".into(),
            truncated,
        };
        for (typed, primary, truncated) in [
            ("Ali Esempio", "ESEMPIO", false),
            ("ali esempio", "ESEMPIO", false),
            ("Esempio, Ali", "ESEMPIO", false),
            ("Jürgen Müller", "MUELLER", false),
            ("Jürgen Müller", "MULLER", false),
            ("Zoë D'Angelo", "DANGELO", false),
            ("Nadia Prova-Esempio", "PROVA ESEMPIO", false),
            ("Ahmad Abdulrahmanbinmohammed", "ABDULRAHMANBINMOH", true),
        ] {
            assert!(
                surname_in(typed, &names(primary, truncated)),
                "{typed} with {primary}"
            );
        }
        for (typed, primary) in [
            ("Mario Rossi", "PROVA"),
            ("Nadia Prova", "PROVA ESEMPIO"),
            ("نادية", "PROVA"),
            ("Ahmad Abdulrahmanbinmohammed", "ABDULRAHMANBINMOH"),
        ] {
            assert!(
                !surname_in(typed, &names(primary, false)),
                "{typed} is not {primary}"
            );
        }
        // Through the rules: another person's passport is refused on the name's field.
        let m = mrz("PAK", date(1995, 3, 14), date(2030, 1, 1));
        let w = Worker {
            name: "Mario Rossi",
            birth_date: date(1995, 3, 14),
            nationality: "PAK",
            mrz: &m,
        };
        let found = check(Category::SeasonalAgriculture, &w, &offer(), TODAY);
        assert_eq!(
            found.iter().map(|r| (r.rule, r.field)).collect::<Vec<_>>(),
            vec![("mrz-name", "worker_name")]
        );
    }

    #[test]
    fn a_wrong_check_digit_is_refused_by_the_documents_rules() {
        let mut m = mrz("PAK", date(1995, 3, 14), date(2030, 1, 1));
        // The document number's first letter changed: its check digit no longer agrees.
        let line2 = m.find('\n').map_or(0, |i| i + 1);
        m.replace_range(line2..line2 + 1, "X");
        let w = Worker {
            name: "Ali Esempio",
            birth_date: date(1995, 3, 14),
            nationality: "PAK",
            mrz: &m,
        };
        let refusals = check(Category::SeasonalAgriculture, &w, &offer(), TODAY);
        assert_eq!(refusals.len(), 1, "{refusals:?}");
        assert_eq!(refusals[0].rule, "mrz-valid");
    }

    #[test]
    fn seasonal_work_lasts_at_most_nine_months_and_other_work_at_least_twelve() {
        let m = mrz("PAK", date(1995, 3, 14), date(2030, 1, 1));
        let w = Worker {
            name: "Ali Esempio",
            birth_date: date(1995, 3, 14),
            nationality: "PAK",
            mrz: &m,
        };
        let ten = Offer {
            months: Some(10),
            ..offer()
        };
        assert_eq!(
            check(Category::SeasonalAgriculture, &w, &ten, TODAY)[0].rule,
            "duration"
        );
        assert_eq!(
            check(Category::NonSeasonal, &w, &ten, TODAY)[0].rule,
            "duration"
        );
        let year = Offer {
            months: Some(12),
            ..offer()
        };
        assert!(check(Category::NonSeasonal, &w, &year, TODAY).is_empty());
        let permanent = Offer {
            contract: "permanent",
            months: None,
            ..offer()
        };
        assert!(check(Category::CareWork, &w, &permanent, TODAY).is_empty());
    }
}
