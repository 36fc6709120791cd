//! Handling codes of the Traffic Light Protocol, version 2.0 (FIRST).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How far a shared record may travel.
///
/// * `Clear`: no limit.
/// * `Green`: the community (every member of the partnership), not the public.
/// * `Amber`: the recipients' organisations (here: addressed agencies, and the agencies of
///   addressed countries) on a need-to-know basis.
/// * `AmberStrict`: the recipients' organisation only (here: addressed agencies only;
///   a country addressee does not widen it).
/// * `Red`: the named individual recipients only (here: addressed users only).
///
/// The owner agency always reads its own records: TLP governs what the source shares,
/// not how it handles its own information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Handling {
    #[serde(rename = "CLEAR")]
    Clear,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(rename = "AMBER")]
    Amber,
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    #[serde(rename = "RED")]
    Red,
}

impl Handling {
    pub const ALL: [Handling; 5] = [
        Handling::Clear,
        Handling::Green,
        Handling::Amber,
        Handling::AmberStrict,
        Handling::Red,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Handling::Clear => "CLEAR",
            Handling::Green => "GREEN",
            Handling::Amber => "AMBER",
            Handling::AmberStrict => "AMBER+STRICT",
            Handling::Red => "RED",
        }
    }
}

impl fmt::Display for Handling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a TLP 2.0 handling code; expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED")]
pub struct UnknownHandling(pub String);

impl FromStr for Handling {
    type Err = UnknownHandling;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // TLP 2.0 writes the label as "TLP:AMBER+STRICT"; accept it with or without prefix.
        let bare = s.strip_prefix("TLP:").unwrap_or(s);
        Handling::ALL
            .into_iter()
            .find(|h| h.as_str() == bare)
            .ok_or_else(|| UnknownHandling(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_labels() {
        assert_eq!("AMBER+STRICT".parse(), Ok(Handling::AmberStrict));
        assert_eq!("TLP:RED".parse(), Ok(Handling::Red));
        assert!("amber".parse::<Handling>().is_err());
        assert!(
            "WHITE".parse::<Handling>().is_err(),
            "TLP 1.0's WHITE became CLEAR in 2.0"
        );
        for h in Handling::ALL {
            assert_eq!(h.as_str().parse(), Ok(h));
        }
    }
}
