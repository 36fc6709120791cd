//! The 4×4 grading of information exchanged between law-enforcement services (as Europol's
//! handling codes use it): how reliable the source is, and how credible the information.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The source's reliability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reliability {
    /// No doubt of the source's authenticity, trustworthiness or competence, or a history of
    /// complete reliability.
    #[serde(rename = "A")]
    A,
    /// A source whose information has in most instances proved reliable.
    #[serde(rename = "B")]
    B,
    /// A source whose information has in most instances proved unreliable.
    #[serde(rename = "C")]
    C,
    /// The reliability of the source cannot be assessed.
    #[serde(rename = "X")]
    X,
}

impl Reliability {
    pub const ALL: [Reliability; 4] = [
        Reliability::A,
        Reliability::B,
        Reliability::C,
        Reliability::X,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::A => "A",
            Reliability::B => "B",
            Reliability::C => "C",
            Reliability::X => "X",
        }
    }

    pub fn parse(text: &str) -> Result<Self, GradeError> {
        Reliability::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| GradeError::Reliability(text.to_owned()))
    }
}

/// The information's credibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Credibility {
    /// Known to be true without reservation.
    #[serde(rename = "1")]
    Known,
    /// Known personally to the source but not to the official passing it on.
    #[serde(rename = "2")]
    KnownToSource,
    /// Not known personally to the source, but corroborated by information already recorded.
    #[serde(rename = "3")]
    Corroborated,
    /// Not known personally to the source, and cannot be corroborated.
    #[serde(rename = "4")]
    Uncorroborated,
}

impl Credibility {
    pub const ALL: [Credibility; 4] = [
        Credibility::Known,
        Credibility::KnownToSource,
        Credibility::Corroborated,
        Credibility::Uncorroborated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Credibility::Known => "1",
            Credibility::KnownToSource => "2",
            Credibility::Corroborated => "3",
            Credibility::Uncorroborated => "4",
        }
    }

    pub fn parse(text: &str) -> Result<Self, GradeError> {
        Credibility::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| GradeError::Credibility(text.to_owned()))
    }
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Credibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("`{0}` is not a source reliability; expected A, B, C or X")]
    Reliability(String),
    #[error("`{0}` is not an information credibility; expected 1, 2, 3 or 4")]
    Credibility(String),
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn grades_round_trip_as_the_api_writes_them() {
        for r in Reliability::ALL {
            assert_eq!(Reliability::parse(r.as_str()), Ok(r));
        }
        for c in Credibility::ALL {
            assert_eq!(Credibility::parse(c.as_str()), Ok(c));
        }
        assert_eq!(
            serde_json::to_string(&(Reliability::B, Credibility::Corroborated)).unwrap(),
            r#"["B","3"]"#
        );
        assert!(
            Reliability::parse("a")
                .unwrap_err()
                .to_string()
                .contains("A, B, C or X")
        );
        assert!(Credibility::parse("5").is_err());
    }
}
