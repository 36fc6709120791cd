//! The legal-pathways pillar's rules, pure.
//!
//! - [`Category`]: the decree's categories of work, and what a job offer in each must be.
//! - [`prefill`]: the checks the law makes when an employer pre-fills an application (the
//!   worker's passport, age and nationality, the offer), each refusal naming its rule.
//! - [`assign`]: the order a click day's submissions are served in, by a [`Policy`] that is
//!   data (time order, or a seeded lottery among the first minutes' arrivals), and places
//!   given within each share, the rest kept in order as a reserve.
//! - [`simulate`]: both policies on a day of demand, to show who gets places under each.

pub mod assign;
pub mod prefill;
pub mod simulate;

use serde::{Deserialize, Serialize};

pub use assign::{Entry, Outcome, Places, Policy, assign};

/// A category of work as the decree names it (D.P.C.M. 2 October 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Lavoro stagionale agricolo.
    SeasonalAgriculture,
    /// Lavoro stagionale turistico.
    SeasonalTourism,
    /// Lavoro subordinato non stagionale.
    NonSeasonal,
    /// Lavoro autonomo.
    SelfEmployment,
    /// Assistenza familiare (domestic and care work).
    CareWork,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::SeasonalAgriculture,
        Category::SeasonalTourism,
        Category::NonSeasonal,
        Category::SelfEmployment,
        Category::CareWork,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::SeasonalAgriculture => "seasonal_agriculture",
            Category::SeasonalTourism => "seasonal_tourism",
            Category::NonSeasonal => "non_seasonal",
            Category::SelfEmployment => "self_employment",
            Category::CareWork => "care_work",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Seasonal work: a fixed-term contract of at most nine months (art. 24 of the
    /// consolidated immigration act).
    pub fn seasonal(self) -> bool {
        matches!(
            self,
            Category::SeasonalAgriculture | Category::SeasonalTourism
        )
    }

    /// The contracts an offer in this category may be.
    pub fn contracts(self) -> &'static [Contract] {
        match self {
            Category::SeasonalAgriculture | Category::SeasonalTourism => &[Contract::FixedTerm],
            Category::NonSeasonal | Category::CareWork => {
                &[Contract::Permanent, Contract::FixedTerm]
            }
            Category::SelfEmployment => &[Contract::SelfEmployed],
        }
    }

    /// The months an offer in this category may last (`None`: no upper bound, a permanent
    /// contract).
    pub fn months(self) -> (u32, Option<u32>) {
        if self.seasonal() {
            (1, Some(9))
        } else {
            (12, None)
        }
    }
}

/// The kind of contract a job offer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    Permanent,
    FixedTerm,
    SelfEmployed,
}

impl Contract {
    pub const ALL: [Contract; 3] = [
        Contract::Permanent,
        Contract::FixedTerm,
        Contract::SelfEmployed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Permanent => "permanent",
            Contract::FixedTerm => "fixed_term",
            Contract::SelfEmployed => "self_employed",
        }
    }

    pub fn parse(text: &str) -> Option<Contract> {
        Contract::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Italy's provinces by their two-letter codes (sigle), where a job is.
pub const PROVINCES: &[&str] = &[
    "AG", "AL", "AN", "AO", "AP", "AQ", "AR", "AT", "AV", "BA", "BG", "BI", "BL", "BN", "BO", "BR",
    "BS", "BT", "BZ", "CA", "CB", "CE", "CH", "CL", "CN", "CO", "CR", "CS", "CT", "CZ", "EN", "FC",
    "FE", "FG", "FI", "FM", "FR", "GE", "GO", "GR", "IM", "IS", "KR", "LC", "LE", "LI", "LO", "LT",
    "LU", "MB", "MC", "ME", "MI", "MN", "MO", "MS", "MT", "NA", "NO", "NU", "OR", "PA", "PC", "PD",
    "PE", "PG", "PI", "PN", "PO", "PR", "PT", "PU", "PV", "PZ", "RA", "RC", "RE", "RG", "RI", "RM",
    "RN", "RO", "SA", "SI", "SO", "SP", "SR", "SS", "SU", "SV", "TA", "TE", "TN", "TO", "TP", "TR",
    "TS", "TV", "UD", "VA", "VB", "VC", "VE", "VI", "VR", "VT", "VV",
];

/// The steps an application goes through after its place is assigned, in order.
pub const STEPS: &[&str] = &[
    "authorisation",
    "visa",
    "arrival",
    "residence_permit",
    "contract_signed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_are_107_sorted_and_distinct() {
        assert_eq!(PROVINCES.len(), 107);
        assert!(PROVINCES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn categories_round_trip_and_seasonal_work_is_fixed_term_up_to_nine_months() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("seasonal"), None);
        assert_eq!(
            Category::SeasonalTourism.contracts(),
            &[Contract::FixedTerm]
        );
        assert_eq!(Category::SeasonalAgriculture.months(), (1, Some(9)));
        assert_eq!(Category::CareWork.months(), (12, None));
    }
}
