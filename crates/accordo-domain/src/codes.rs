//! Identifiers that are codes: countries (ISO 3166-1 alpha-3) and agencies.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The ISO 3166-1 alpha-3 list, code TAB English name, one per line, sorted by code.
const ISO_3166_ALPHA3: &str = include_str!("../data/iso3166-alpha3.tsv");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("`{0}` is not an ISO 3166-1 alpha-3 country code (three capital letters, e.g. ITA)")]
    UnknownCountry(String),
    #[error(
        "`{0}` is not a valid agency code: 2 to 16 characters A-Z, 0-9 and '-', starting with a letter (e.g. IT-PS)"
    )]
    BadAgency(String),
}

/// A country by its ISO 3166-1 alpha-3 code, checked against the standard's list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    /// Parses a code such as `ITA`; lower case is refused rather than guessed.
    ///
    /// ```
    /// use accordo_domain::CountryCode;
    /// assert_eq!(CountryCode::parse("PAK").unwrap().as_str(), "PAK");
    /// assert!(CountryCode::parse("XYZ").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let bytes: [u8; 3] = text
            .as_bytes()
            .try_into()
            .map_err(|_| CodeError::UnknownCountry(text.to_owned()))?;
        if Self::name_of(text).is_none() {
            return Err(CodeError::UnknownCountry(text.to_owned()));
        }
        Ok(Self(bytes))
    }

    pub fn as_str(&self) -> &str {
        // The bytes were copied from a string that matched a list entry of ASCII capitals.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The English short name of the country.
    pub fn name(&self) -> &'static str {
        Self::name_of(self.as_str()).unwrap_or("")
    }

    fn name_of(code: &str) -> Option<&'static str> {
        ISO_3166_ALPHA3.lines().find_map(|line| {
            line.split_once('\t')
                .filter(|(c, _)| *c == code)
                .map(|(_, n)| n)
        })
    }

    /// Every code of the standard with its name, in code order.
    pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
        ISO_3166_ALPHA3
            .lines()
            .filter_map(|line| line.split_once('\t'))
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

/// The short code of an agency, e.g. `IT-PS` (Polizia di Stato), `PK-FIA`, `UNHCR`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let ok_len = (2..=16).contains(&text.len());
        let ok_start = text.starts_with(|c: char| c.is_ascii_uppercase());
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok_len && ok_start && ok_chars && !text.ends_with('-') {
            Ok(Self(text.to_owned()))
        } else {
            Err(CodeError::BadAgency(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgencyCode({})", self.0)
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgencyCode> for String {
    fn from(value: AgencyCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_list_is_complete_and_sorted() {
        let codes: Vec<&str> = CountryCode::all().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), 249);
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "list must be sorted and unique"
        );
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn country_codes() {
        let cases = [
            ("ITA", Ok("Italy")),
            ("PAK", Ok("Pakistan")),
            ("TUN", Ok("Tunisia")),
            ("ita", Err(())),
            ("IT", Err(())),
            ("ITAL", Err(())),
            ("UTO", Err(())), // ICAO's specimen state is not an ISO country
            ("", Err(())),
        ];
        for (input, expected) in cases {
            let got = CountryCode::parse(input).map(|c| c.name()).map_err(|_| ());
            assert_eq!(got, expected, "input {input:?}");
        }
    }

    #[test]
    fn agency_codes() {
        for ok in ["IT-PS", "PK-FIA", "TR-SG", "UNHCR", "IT-MI"] {
            assert_eq!(
                AgencyCode::parse(ok).map(|a| a.to_string()),
                Ok(ok.to_owned())
            );
        }
        for bad in [
            "",
            "I",
            "it-ps",
            "-IT",
            "IT-",
            "IT PS",
            "1T-PS",
            "ABCDEFGHIJKLMNOPQ",
        ] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
