//! The documents pillar's rules, as plain values and functions: what identifies a document
//! in the shared register ([`DocumentKey`]), the statuses a report may have, the in-memory
//! index that answers "is it reported?" ([`Index`]), and the CSV format of a bulk import
//! ([`import`]).

pub mod alert;
pub mod import;
mod index;

pub use index::{Fingerprint, Index, PassThrough};

use serde::{Deserialize, Serialize};

/// Why a document is in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Lost,
    Stolen,
    Revoked,
    Forged,
    FraudulentlyObtained,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Lost,
        Status::Stolen,
        Status::Revoked,
        Status::Forged,
        Status::FraudulentlyObtained,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Lost => "lost",
            Status::Stolen => "stolen",
            Status::Revoked => "revoked",
            Status::Forged => "forged",
            Status::FraudulentlyObtained => "fraudulently_obtained",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The kind of travel document, as the first letter of its MRZ document code.
pub const DOCUMENT_TYPES: &[(char, &str)] = &[
    ('P', "passport"),
    ('I', "identity card"),
    ('A', "identity card (A)"),
    ('C', "identity card (C)"),
    ('V', "visa"),
];

/// What identifies a document in the register: issuing state, document type and number,
/// normalised as an MRZ writes them (upper case, no fillers or spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DocumentKey {
    pub issuing_state: String,
    pub document_type: char,
    pub document_number: String,
}

/// A key that could not be made, naming the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "issuing_state: expected 1 to 3 letters (ISO 3166 alpha-3 or an ICAO code), found `{0}`"
    )]
    IssuingState(String),
    #[error(
        "document_type: expected one of P, I, A, C, V (the first letter of the MRZ document code), found `{0}`"
    )]
    DocumentType(String),
    #[error("document_number: expected 1 to 24 letters or digits, found `{0}`")]
    DocumentNumber(String),
}

impl DocumentKey {
    /// Normalises and checks the three parts.
    pub fn new(issuing_state: &str, document_type: &str, number: &str) -> Result<Self, KeyError> {
        let state: String = issuing_state
            .trim()
            .trim_end_matches('<')
            .to_ascii_uppercase();
        if state.is_empty() || state.len() > 3 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(KeyError::IssuingState(issuing_state.to_owned()));
        }
        let mut letters = document_type.trim().chars();
        let kind = letters
            .next()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| DOCUMENT_TYPES.iter().any(|(t, _)| t == c))
            .ok_or_else(|| KeyError::DocumentType(document_type.to_owned()))?;
        // "P" or an MRZ code such as "PP" or "P<" are all passports.
        if letters.any(|c| !(c.is_ascii_alphabetic() || c == '<')) {
            return Err(KeyError::DocumentType(document_type.to_owned()));
        }
        let number: String = number
            .chars()
            .filter(|c| !matches!(c, '<' | ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if number.is_empty()
            || number.len() > 24
            || !number.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(KeyError::DocumentNumber(number));
        }
        Ok(Self {
            issuing_state: state,
            document_type: kind,
            document_number: number,
        })
    }

    /// The text stored in the database's `doc_key` column and hashed by the index.
    pub fn as_text(&self) -> String {
        format!(
            "{}|{}|{}",
            self.issuing_state, self.document_type, self.document_number
        )
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.as_text().as_bytes())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised_as_an_mrz_writes_them() {
        let a = DocumentKey::new("uto", "PP", "l898902c3").unwrap();
        let b = DocumentKey::new("UTO", "P<", "L898902C3<").unwrap();
        let c = DocumentKey::new(" D<< ", "P", "C01X 0006H").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_text(), "UTO|P|L898902C3");
        assert_eq!(c.as_text(), "D|P|C01X0006H");
        assert_eq!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn a_bad_part_is_named() {
        assert!(matches!(
            DocumentKey::new("ITAL", "P", "1"),
            Err(KeyError::IssuingState(_))
        ));
        assert!(matches!(
            DocumentKey::new("ITA", "X", "1"),
            Err(KeyError::DocumentType(_))
        ));
        assert!(matches!(
            DocumentKey::new("ITA", "P1", "1"),
            Err(KeyError::DocumentType(_))
        ));
        assert!(matches!(
            DocumentKey::new("ITA", "P", "<<<"),
            Err(KeyError::DocumentNumber(_))
        ));
        assert!(matches!(
            DocumentKey::new("ITA", "P", "AB/12"),
            Err(KeyError::DocumentNumber(_))
        ));
        assert!(matches!(
            DocumentKey::new("ITA", "P", "é1"),
            Err(KeyError::DocumentNumber(_))
        ));
    }

    #[test]
    fn statuses_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("missing"), None);
    }
}
