//! The kinds of entity a message names, and the check that turns a value into its key.

use std::fmt;

use accordo_domain::CountryCode;
use serde::{Deserialize, Serialize};

use crate::{identifiers, phone};

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A person's name, as written (weak: matched only by its folded spelling).
    Person,
    /// A telephone number, kept in E.164 (`+390612345678`).
    Phone,
    /// A ship's IMO number (seven digits, the last a check digit).
    Imo,
    /// A ship's or station's MMSI (nine digits with its country's maritime identification
    /// digits).
    Mmsi,
    /// A vehicle by its registration country and plate (`ITA:AB123CD`).
    Vehicle,
    /// A bank account's IBAN (`IT60X0542811101000000123456`).
    Iban,
    /// An e-mail address, its domain in lower case.
    Email,
    /// An account name on a social network or messenger, without its `@`.
    Handle,
    /// A link (`https://wa.me/…`), without tracking parameters.
    Url,
    /// A travel document by the documents pillar's key (issuing state, type, number).
    Document,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Person,
        Kind::Phone,
        Kind::Imo,
        Kind::Mmsi,
        Kind::Vehicle,
        Kind::Iban,
        Kind::Email,
        Kind::Handle,
        Kind::Url,
        Kind::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Phone => "phone",
            Kind::Imo => "imo",
            Kind::Mmsi => "mmsi",
            Kind::Vehicle => "vehicle",
            Kind::Iban => "iban",
            Kind::Email => "email",
            Kind::Handle => "handle",
            Kind::Url => "url",
            Kind::Document => "document",
        }
    }

    /// The kind a name gives, or an error listing the kinds.
    pub fn parse(text: &str) -> Result<Kind, UnknownKind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| UnknownKind(text.to_owned()))
    }

    /// Whether an entity of this kind identifies a person, so that reading a record holding
    /// one is audited as a read of personal data.
    pub fn names_a_person(self) -> bool {
        matches!(
            self,
            Kind::Person | Kind::Phone | Kind::Email | Kind::Handle | Kind::Document | Kind::Iban
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a kind of entity; expected person, phone, imo, mmsi, vehicle, iban, email, handle, url or document"
)]
pub struct UnknownKind(pub String);

/// Why a value is not a valid identifier of its kind. [`Reason::code`] is stable (the pages'
/// message `intel-reason-<code>`); the `Display` text is the API's English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Empty,
    TooLong,
    PhoneUnreadable,
    /// Written without `+`, by an agency whose country is not known: no dialling plan.
    PhoneNoCountry,
    /// Read, but not a number of its country's plan (e.g. `+39612345678`).
    PhoneNotInPlan(String),
    ImoFormat,
    ImoCheckDigit {
        expected: u32,
    },
    MmsiFormat,
    MmsiCountry(String),
    VehicleFormat,
    IbanShape,
    IbanChecksum,
    IbanFormat(String),
    EmailFormat,
    HandleFormat,
    UrlFormat,
    UrlScheme(String),
    Document(String),
    PersonFormat,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::TooLong => "too_long",
            Reason::PhoneUnreadable => "phone_unreadable",
            Reason::PhoneNoCountry => "phone_no_country",
            Reason::PhoneNotInPlan(_) => "phone_not_in_plan",
            Reason::ImoFormat => "imo_format",
            Reason::ImoCheckDigit { .. } => "imo_check_digit",
            Reason::MmsiFormat => "mmsi_format",
            Reason::MmsiCountry(_) => "mmsi_country",
            Reason::VehicleFormat => "vehicle_format",
            Reason::IbanShape => "iban_shape",
            Reason::IbanChecksum => "iban_checksum",
            Reason::IbanFormat(_) => "iban_format",
            Reason::EmailFormat => "email_format",
            Reason::HandleFormat => "handle_format",
            Reason::UrlFormat => "url_format",
            Reason::UrlScheme(_) => "url_scheme",
            Reason::Document(_) => "document",
            Reason::PersonFormat => "person_format",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => write!(f, "the value is empty"),
            Reason::TooLong => write!(f, "the value is longer than {MAX_LEN} characters"),
            Reason::PhoneUnreadable => write!(
                f,
                "not a telephone number: expected 4 to 17 digits, after `+` or the international prefix when the number is foreign, with spaces, dots, dashes or brackets between them"
            ),
            Reason::PhoneNoCountry => write!(
                f,
                "written without `+`, and the sending agency has no country whose dialling plan could read it: write it with `+` and the country code"
            ),
            Reason::PhoneNotInPlan(read) => write!(
                f,
                "read as {read}, which is not a number of that country's numbering plan"
            ),
            Reason::ImoFormat => write!(f, "expected seven digits, optionally after `IMO`"),
            Reason::ImoCheckDigit { expected } => write!(
                f,
                "the seventh digit is the check digit of the first six and should be {expected}"
            ),
            Reason::MmsiFormat => write!(f, "expected nine digits, optionally after `MMSI`"),
            Reason::MmsiCountry(mid) => write!(
                f,
                "its maritime identification digits {mid} name no country (201 to 775)"
            ),
            Reason::VehicleFormat => write!(
                f,
                "expected the registration country's ISO 3166 alpha-3 code and the plate, e.g. `ITA AB123CD`; the plate 2 to 12 letters and digits"
            ),
            Reason::IbanShape => write!(
                f,
                "not an IBAN: expected a country code, two check digits and up to 30 letters and digits"
            ),
            Reason::IbanChecksum => write!(f, "the IBAN's check digits do not match (ISO 13616)"),
            Reason::IbanFormat(country) => write!(
                f,
                "the check digits match, but the account part is not in {country}'s IBAN format"
            ),
            Reason::EmailFormat => write!(
                f,
                "not an e-mail address: expected name@domain, the domain with a dot"
            ),
            Reason::HandleFormat => write!(
                f,
                "expected an account name of 2 to 64 letters, digits, `_` or `.`, with or without `@`"
            ),
            Reason::UrlFormat => write!(
                f,
                "not a link: expected an address such as https://t.me/name"
            ),
            Reason::UrlScheme(scheme) => {
                write!(
                    f,
                    "the scheme `{scheme}` is not a web link's (http or https)"
                )
            }
            Reason::Document(detail) => write!(
                f,
                "expected the issuing state, the document type and the number, e.g. `UTO P L898902C3`: {detail}"
            ),
            Reason::PersonFormat => write!(f, "a name needs at least two letters"),
        }
    }
}

/// A remark on a valid value: what was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// An IBAN of a country whose national format is not known here (Pakistan's, in the
    /// `iban_validate` crate's registry of 2026): only its check digits were checked.
    IbanFormatUnchecked,
}

impl Note {
    pub fn code(self) -> &'static str {
        match self {
            Note::IbanFormatUnchecked => "iban_format_unchecked",
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::IbanFormatUnchecked => write!(
                f,
                "the check digits match; the country's account format is not known here and was not checked"
            ),
        }
    }
}

/// The longest value checked, in characters.
pub const MAX_LEN: usize = 256;

/// A value as written and what the check made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: Kind,
    /// As the officer wrote it (or as found in the text).
    pub value: String,
    /// The key two spellings of one identifier share; `None` when the value is invalid.
    pub normalised: Option<String>,
    pub reason: Option<Reason>,
    pub note: Option<Note>,
}

impl Checked {
    pub fn valid(&self) -> bool {
        self.normalised.is_some()
    }
}

/// Checks `value` as an entity of `kind`, written by an agency of `country` (whose dialling
/// plan reads a telephone number written without `+`).
pub fn check(kind: Kind, value: &str, country: Option<CountryCode>) -> Checked {
    let trimmed = value.trim();
    let result = if trimmed.is_empty() {
        Err(Reason::Empty)
    } else if trimmed.chars().count() > MAX_LEN {
        Err(Reason::TooLong)
    } else {
        match kind {
            Kind::Phone => phone::normalise(trimmed, country).map(|k| (k, None)),
            Kind::Iban => identifiers::iban(trimmed),
            other => identifiers::normalise(other, trimmed).map(|k| (k, None)),
        }
    };
    match result {
        Ok((key, note)) => Checked {
            kind,
            value: value.to_owned(),
            normalised: Some(key),
            reason: None,
            note,
        },
        Err(reason) => Checked {
            kind,
            value: value.to_owned(),
            normalised: None,
            reason: Some(reason),
            note: None,
        },
    }
}

/// Maps a decimal digit of the scripts the routes write in (Arabic-Indic; Eastern
/// Arabic-Indic, as in Urdu and Pashto; Bengali; Devanagari; full-width) to its ASCII digit;
/// other characters are returned unchanged (Ethiopic numerals are not positional digits).
pub fn ascii_digit(c: char) -> char {
    let zero = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{09E6}'..='\u{09EF}' => 0x09E6,
        '\u{0966}'..='\u{096F}' => 0x0966,
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        _ => return c,
    };
    char::from(b'0' + (c as u32 - zero) as u8)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_an_unknown_one_lists_them() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Ok(kind));
        }
        let err = Kind::parse("boat").unwrap_err().to_string();
        assert!(err.contains("`boat`") && err.contains("mmsi"), "{err}");
    }

    #[test]
    fn digits_of_other_scripts_read_as_ascii() {
        let folded: String = "٠٣٠٠ ۱۲۳ ০৯ ९ ０".chars().map(ascii_digit).collect();
        assert_eq!(folded, "0300 123 09 9 0");
    }

    #[test]
    fn an_empty_or_overlong_value_is_kept_and_flagged() {
        let c = check(Kind::Email, "   ", None);
        assert_eq!((c.valid(), c.reason), (false, Some(Reason::Empty)));
        let long = "a".repeat(MAX_LEN + 1);
        let c = check(Kind::Person, &long, None);
        assert_eq!(c.reason, Some(Reason::TooLong));
        assert_eq!(c.value, long);
    }
}
