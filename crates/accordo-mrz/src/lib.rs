//! Parsing and validation of ICAO Doc 9303 (8th edition) machine-readable zones.
//!
//! Formats: TD1 (3×30), TD2 (2×36), TD3 passports (2×44), MRV-A (2×44) and MRV-B (2×36)
//! visas. The crate is pure: no I/O, no `unsafe`, no wall clock (today's date is an
//! argument), and no panic on any input.
//!
//! - [`check`] reads an MRZ and reports every check by name ([`CHECK_NAMES`]) with a detail
//!   that says what was expected and, on failure, where (1-based line and column); it also
//!   proposes a [`Suggestion`] when the only faults are typical OCR confusions in numeric
//!   fields.
//! - [`validate`] is the allocation-free fast path: the same checks, only the verdict.
//! - [`generate`] writes an MRZ from [`Fields`], computing every check digit.
//!
//! ```
//! use jiff::civil::date;
//! let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
//!            L898902C<3UTO6908061F9406236ZE184226B<<<<<14";
//! let report = accordo_mrz::check(mrz, date(2026, 11, 23));
//! assert!(report.valid && report.specimen);
//! let fields = report.fields.unwrap();
//! assert_eq!(fields.document_number, "L898902C");
//! assert_eq!(fields.birth_date, Some(date(1969, 8, 6)));
//! assert!(accordo_mrz::validate(mrz, date(2026, 11, 23)));
//! ```
//!
//! Two-digit years: a birth date takes the latest century that does not put it after
//! today; an expiry date takes the century that puts it nearest to today (on an exact tie,
//! the later one). Doc 9303 defines no rule; this is how a border officer reads them.

mod codes;
mod digits;
mod eval;
mod generate;
mod input;
mod layout;
pub mod message;
mod ocr;
mod td3;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use codes::known_codes;
pub use digits::check_digit;
pub use generate::{GenerateError, generate};

/// Every check name a [`Report`] can contain, in the order checks are reported.
///
/// - `line_count`: 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1).
/// - `line_length`: every line has the format's length (30, 36 or 44).
/// - `charset`: only `A`–`Z`, `0`–`9` and `<`; the detail gives the first bad column per line.
/// - `document_code`: `P` + `<` or a Part 4 letter (TD3); `A`, `C` or `I` (TD1, TD2);
///   `V` (visas).
/// - `issuing_state`: ISO 3166-1 alpha-3 or a Doc 9303 addition (`D<<`, `XXX`, `UNO`, ...).
/// - `names`: the name field holds only letters and fillers, and at least one letter.
/// - `document_number_check_digit`: including TD1/TD2 long numbers.
/// - `nationality`: as `issuing_state`.
/// - `birth_date`: a calendar date (or `<<<<<<`, unknown), century inferred.
/// - `birth_date_check_digit`
/// - `sex`: `M`, `F`, `X` or `<`.
/// - `expiry_date`: a calendar date, century inferred.
/// - `expiry_date_check_digit`
/// - `optional_data_check_digit`: TD3 only; `<` or `0` accepted when the field is empty.
/// - `composite_check_digit`: TD1, TD2 and TD3 (visas have none).
/// - `birth_not_in_future`
/// - `expiry_after_birth`
/// - `specimen_state`: present only when `UTO` (Utopia) appears; always ok, a notice.
pub const CHECK_NAMES: &[&str] = &[
    "line_count",
    "line_length",
    "charset",
    "document_code",
    "issuing_state",
    "names",
    "document_number_check_digit",
    "nationality",
    "birth_date",
    "birth_date_check_digit",
    "sex",
    "expiry_date",
    "expiry_date_check_digit",
    "optional_data_check_digit",
    "composite_check_digit",
    "birth_not_in_future",
    "expiry_after_birth",
    "specimen_state",
];

/// The MRZ format, decided by line count, line length and first letter (`V` = visa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// ID card size, 3 lines of 30.
    #[serde(rename = "TD1")]
    Td1,
    /// 2 lines of 36.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport, 2 lines of 44.
    #[serde(rename = "TD3")]
    Td3,
    /// Visa, 2 lines of 44.
    #[serde(rename = "MRVA")]
    MrvA,
    /// Visa, 2 lines of 36.
    #[serde(rename = "MRVB")]
    MrvB,
}

impl Format {
    /// (number of lines, characters per line).
    pub const fn shape(self) -> (usize, usize) {
        match self {
            Format::Td1 => (3, 30),
            Format::Td2 | Format::MrvB => (2, 36),
            Format::Td3 | Format::MrvA => (2, 44),
        }
    }

    /// The name Doc 9303 uses, e.g. `MRV-A`.
    pub const fn label(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }

    /// Whether this is a visa format.
    pub const fn is_visa(self) -> bool {
        matches!(self, Format::MrvA | Format::MrvB)
    }
}

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// One of [`CHECK_NAMES`].
    pub name: &'static str,
    pub ok: bool,
    /// What was expected and, on failure, where (1-based line and column), in English.
    pub detail: String,
    /// The same as a message of the crate's catalogues ([`message::CATALOGUES`]), for a
    /// reader of another language.
    pub message: message::Message,
}

/// The holder's name as read from the MRZ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    /// Primary identifier (surname), `<` inside read as a space.
    pub primary: String,
    /// Secondary identifier (given names), `<` inside read as a space.
    pub secondary: String,
    /// The name fills its field to the last character, so it may have been truncated.
    pub truncated: bool,
}

/// The data elements of an MRZ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    pub format: Format,
    /// E.g. `P`, `PP`, `I`, `ID`, `V` (fillers removed).
    pub document_code: String,
    /// As in the MRZ without fillers, e.g. `UTO`, `D`.
    pub issuing_state: String,
    pub names: Names,
    /// The full number (a long TD1/TD2 number joined), trailing fillers removed.
    pub document_number: String,
    pub nationality: String,
    /// `None` when unknown (`<<<<<<`) or not a valid date.
    pub birth_date: Option<Date>,
    /// `M`, `F`, `X` or `<`.
    pub sex: String,
    /// `None` when not a valid date.
    pub expiry_date: Option<Date>,
    /// Trailing fillers removed; `<` inside is kept. TD3: the personal number. TD1: optional
    /// data 1 (after a long number's continuation), then, if optional data 2 (line 2) is not
    /// empty, optional data 1 unpadded followed by optional data 2. TD2 and visas: the field.
    pub optional_data: String,
}

/// A corrected MRZ proposed for OCR output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The corrected MRZ, lines joined with `\n`.
    pub mrz: String,
    pub changes: Vec<Change>,
}

/// One changed character (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Change {
    pub line: usize,
    pub column: usize,
    pub from: char,
    pub to: char,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every check passed.
    pub valid: bool,
    /// `None` when line count and lengths fit no format.
    pub format: Option<Format>,
    /// As much as could be read; `None` only when the structure is unusable.
    pub fields: Option<Fields>,
    pub checks: Vec<Check>,
    /// The issuing state or nationality is `UTO`, ICAO's specimen state.
    pub specimen: bool,
    /// For an invalid MRZ whose only faults are typical OCR confusions in numeric fields
    /// (O→0, Q→0, D→0, I→1, L→1, Z→2, S→5, G→6, B→8): the corrected MRZ, which passes every
    /// check. The report itself stays invalid.
    pub suggestion: Option<Suggestion>,
}

impl Report {
    /// The check of that name, if it was made.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// Reads and validates an MRZ. Surrounding whitespace, blank lines, CRLF and LF are accepted.
pub fn check(text: &str, today: Date) -> Report {
    let inp = input::Input::new(text);
    let mut sink = eval::Full {
        checks: Vec::with_capacity(18),
    };
    let (format, parsed) = eval::run(&inp, today, &mut sink);
    let valid = sink.checks.iter().all(|c| c.ok);
    let fields = parsed.as_ref().map(|p| eval::fields(&inp, p));
    let suggestion = match &parsed {
        Some(p) if !valid => ocr::suggest(&inp, p, today),
        _ => None,
    };
    Report {
        valid,
        format,
        fields,
        checks: sink.checks,
        specimen: parsed.as_ref().is_some_and(|p| p.specimen),
        suggestion,
    }
}

/// The fast path: `check(text, today).valid`, without allocating.
pub fn validate(text: &str, today: Date) -> bool {
    // The common case, two lines of a TD3 and nothing else, at fixed offsets.
    if let Some(valid) = td3::validate(text.as_bytes(), today) {
        return valid;
    }
    let inp = input::Input::new(text);
    let mut sink = eval::Fast { ok: true };
    eval::run(&inp, today, &mut sink);
    sink.ok
}
