//! The words the sources use, kept as they are and labelled: Frontex's routes, sea or land,
//! the reporting bodies, and nationality codes (ISO 3166-1 alpha-3 and the few codes the
//! sources add).

use accordo_domain::CountryCode;
use serde::Serialize;

/// Frontex's routes, named as in its monthly detections file (shortened as its intermediary
/// did: "Central Mediterranean Route" is `Central Mediterranean`).
pub const ROUTES: &[&str] = &[
    "Central Mediterranean",
    "Eastern Mediterranean",
    "Western Mediterranean",
    "Western African",
    "Western Balkan",
    "Eastern Land Borders",
    "Black Sea",
    "Circular route Albania-Greece",
    "Other",
];

/// Where each route's crossings are, roughly, as a point to draw it at on a map (longitude,
/// latitude): the sea or the border the route crosses. "Other" has no place.
pub const ROUTE_PLACES: &[(&str, (f64, f64))] = &[
    ("Central Mediterranean", (14.0, 34.8)),
    ("Eastern Mediterranean", (26.6, 37.4)),
    ("Western Mediterranean", (-3.2, 36.2)),
    ("Western African", (-16.5, 27.0)),
    ("Western Balkan", (20.6, 44.2)),
    ("Eastern Land Borders", (24.5, 52.5)),
    ("Black Sea", (33.5, 43.4)),
    ("Circular route Albania-Greece", (20.4, 40.2)),
];

/// Where a route is drawn on a map, if anywhere.
pub fn route_place(route: &str) -> Option<(f64, f64)> {
    ROUTE_PLACES
        .iter()
        .find(|(r, _)| *r == route)
        .map(|(_, p)| *p)
}

/// The route of this name, as the vocabulary spells it (`None` for a name it lacks).
pub fn route(name: &str) -> Option<&'static str> {
    ROUTES.iter().copied().find(|r| *r == name)
}

/// A route's name as a stable key for URLs and message ids: `central-mediterranean`.
pub fn route_key(route: &str) -> String {
    route
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The route whose key is `key`.
pub fn route_of_key(key: &str) -> Option<&'static str> {
    ROUTES.iter().copied().find(|r| route_key(r) == key)
}

/// Where a crossing was: at sea or by land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Border {
    Sea,
    Land,
}

impl Border {
    pub fn as_str(self) -> &'static str {
        match self {
            Border::Sea => "sea",
            Border::Land => "land",
        }
    }

    /// `Sea` or `Land` as Frontex writes them, or the lower-case words.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Sea" | "sea" => Some(Border::Sea),
            "Land" | "land" => Some(Border::Land),
            _ => None,
        }
    }
}

/// Who published a series. A source's figures are never added to another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Source {
    /// Italy's Interior Ministry (its daily statistical dashboard).
    #[serde(rename = "ITA")]
    Ita,
    /// Frontex's monthly detections of illegal border crossings.
    #[serde(rename = "FRONTEX")]
    Frontex,
    /// Events recorded on the platform by its agencies.
    #[serde(rename = "PLATFORM")]
    Platform,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Ita, Source::Frontex, Source::Platform];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ita => "ITA",
            Source::Frontex => "FRONTEX",
            Source::Platform => "PLATFORM",
        }
    }

    /// `ITA`, `FRONTEX` or `PLATFORM` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// The row of nationalities a source does not name one by one ("altre" in Italy's tables).
pub const OTHERS: &str = "OTH";

/// Codes the sources use beside ISO 3166-1, with what they mean (Frontex's, through IOM).
pub const EXTRA_CODES: &[(&str, &str)] = &[
    ("XKX", "Kosovo (UNSCR 1244)"),
    ("STL", "Stateless"),
    ("OOO", "Unknown or not specified"),
    ("OOS", "Unidentified Sub-Saharan Africa"),
    (OTHERS, "Other nationalities"),
];

/// Whether `code` is a nationality of the vocabulary: ISO 3166-1 alpha-3 or one the sources
/// add.
pub fn is_nationality(code: &str) -> bool {
    CountryCode::parse(code).is_ok() || EXTRA_CODES.iter().any(|(c, _)| *c == code)
}

/// The English name of a nationality code of the vocabulary.
pub fn nationality_name(code: &str) -> Option<&'static str> {
    CountryCode::parse(code).ok().map(|c| c.name()).or_else(|| {
        EXTRA_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| *n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_have_keys_that_lead_back() {
        for r in ROUTES {
            assert_eq!(route_of_key(&route_key(r)), Some(*r));
        }
        assert_eq!(
            route_key("Circular route Albania-Greece"),
            "circular-route-albania-greece"
        );
        assert_eq!(route("central mediterranean"), None, "names are exact");
    }

    #[test]
    fn every_route_but_other_has_a_place() {
        for r in ROUTES {
            assert_eq!(route_place(r).is_some(), *r != "Other", "{r}");
        }
    }

    #[test]
    fn the_sources_codes_are_nationalities_and_named() {
        for code in ["PAK", "TUN", "XKX", "STL", "OOO", "OOS", OTHERS] {
            assert!(is_nationality(code), "{code}");
            assert!(nationality_name(code).is_some(), "{code}");
        }
        assert!(!is_nationality("XYZ"));
        assert!(!is_nationality("pak"));
    }
}
