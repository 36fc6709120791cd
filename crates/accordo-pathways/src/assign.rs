//! Who gets the places of a click day. Submissions are served in an order the [`Policy`]
//! sets; each takes a place of its nationality's reserved share while the share lasts, then
//! one of the places open to every nationality; the rest are kept, in the same order, as a
//! reserve for places given back.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// The order submissions are served in: data, chosen by the ministry for each window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Policy {
    /// In the order the server received them (the law today).
    TimeOrder,
    /// A draw among those received in the first `minutes`, by a seed published beforehand,
    /// then the rest in the order received (what critics of the click day propose).
    Lottery { minutes: u32, seed: u64 },
}

impl Policy {
    pub fn name(&self) -> &'static str {
        match self {
            Policy::TimeOrder => "time_order",
            Policy::Lottery { .. } => "lottery",
        }
    }
}

/// A submission as the assignment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The server's order of receipt, from 1, gap-free.
    pub position: u64,
    /// Microseconds since the epoch.
    pub received_us: i64,
    /// ISO 3166-1 alpha-3.
    pub nationality: String,
    /// The worker holds a pre-departure training certificate: served before the others.
    pub certified: bool,
}

/// The places of a window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    /// Open to every nationality.
    pub general: u64,
    /// Reserved to a nationality (the published allocation's lines).
    pub shares: BTreeMap<String, u64>,
}

impl Places {
    pub fn total(&self) -> u64 {
        self.general + self.shares.values().sum::<u64>()
    }
}

/// What became of one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A place, from its nationality's share (`Some`) or the general places.
    Assigned { share: Option<String>, rank: u64 },
    /// No place: `rank` in the reserve, from 1.
    Reserve { rank: u64 },
}

/// The order `entries` are served in under `policy`, as indices into `entries`: certified
/// workers first, each group in the policy's order.
pub fn order(entries: &[Entry], policy: &Policy, opens_us: i64) -> Vec<usize> {
    let mut by_position: Vec<usize> = (0..entries.len()).collect();
    by_position.sort_by_key(|&i| entries[i].position);
    let ordered = match policy {
        Policy::TimeOrder => by_position,
        Policy::Lottery { minutes, seed } => {
            let cutoff = opens_us.saturating_add(i64::from(*minutes) * 60_000_000);
            let (mut drawn, rest): (Vec<usize>, Vec<usize>) = by_position
                .into_iter()
                .partition(|&i| entries[i].received_us < cutoff);
            // ChaCha8 is specified, so a seed gives the same draw on every machine and
            // version.
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(*seed);
            drawn.shuffle(&mut rng);
            drawn.extend(rest);
            drawn
        }
    };
    let (mut first, rest): (Vec<usize>, Vec<usize>) =
        ordered.into_iter().partition(|&i| entries[i].certified);
    first.extend(rest);
    first
}

/// Each entry's outcome, in the order of `entries`.
pub fn assign(entries: &[Entry], places: &Places, policy: &Policy, opens_us: i64) -> Vec<Outcome> {
    let mut left = places.shares.clone();
    let mut general = places.general;
    let mut out = vec![Outcome::Reserve { rank: 0 }; entries.len()];
    let (mut rank, mut reserve) = (0u64, 0u64);
    for i in order(entries, policy, opens_us) {
        let e = &entries[i];
        if let Some(n) = left.get_mut(&e.nationality).filter(|n| **n > 0) {
            *n -= 1;
            rank += 1;
            out[i] = Outcome::Assigned {
                share: Some(e.nationality.clone()),
                rank,
            };
        } else if general > 0 {
            general -= 1;
            rank += 1;
            out[i] = Outcome::Assigned { share: None, rank };
        } else {
            reserve += 1;
            out[i] = Outcome::Reserve { rank: reserve };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(position: u64, seconds: i64, nationality: &str) -> Entry {
        Entry {
            position,
            received_us: seconds * 1_000_000,
            nationality: nationality.into(),
            certified: false,
        }
    }

    #[test]
    fn time_order_fills_the_share_then_the_general_places_then_the_reserve() {
        let entries = vec![
            entry(3, 3, "TUN"),
            entry(1, 1, "PAK"),
            entry(2, 2, "PAK"),
            entry(4, 4, "PAK"),
            entry(5, 5, "EGY"),
        ];
        let places = Places {
            general: 2,
            shares: [("PAK".to_owned(), 1)].into(),
        };
        let out = assign(&entries, &places, &Policy::TimeOrder, 0);
        assert_eq!(
            out,
            vec![
                Outcome::Assigned {
                    share: None,
                    rank: 3
                },
                Outcome::Assigned {
                    share: Some("PAK".into()),
                    rank: 1
                },
                Outcome::Assigned {
                    share: None,
                    rank: 2
                },
                Outcome::Reserve { rank: 1 },
                Outcome::Reserve { rank: 2 },
            ]
        );
    }

    #[test]
    fn a_certified_worker_is_served_first() {
        let mut entries = vec![entry(1, 1, "PAK"), entry(2, 2, "PAK")];
        entries[1].certified = true;
        let places = Places {
            general: 1,
            shares: BTreeMap::new(),
        };
        let out = assign(&entries, &places, &Policy::TimeOrder, 0);
        assert_eq!(out[0], Outcome::Reserve { rank: 1 });
        assert!(matches!(out[1], Outcome::Assigned { .. }));
    }

    #[test]
    fn the_lottery_draws_among_the_first_minutes_only_and_is_the_same_for_a_seed() {
        // 100 in the first minute, 100 after.
        let entries: Vec<Entry> = (1..=200).map(|p| entry(p, p as i64, "PAK")).collect();
        let lottery = Policy::Lottery {
            minutes: 1,
            seed: 42,
        };
        let a = order(&entries, &lottery, 0);
        assert_eq!(a, order(&entries, &lottery, 0));
        let other = order(
            &entries,
            &Policy::Lottery {
                minutes: 1,
                seed: 43,
            },
            0,
        );
        assert_ne!(a, other);
        // The first 59 seconds' arrivals (positions 1..=59) are drawn, in some order; the rest
        // follow in time order.
        let mut drawn: Vec<usize> = a[..59].to_vec();
        assert_ne!(drawn, (0..59).collect::<Vec<_>>(), "a draw, not time order");
        drawn.sort_unstable();
        assert_eq!(drawn, (0..59).collect::<Vec<_>>());
        assert_eq!(a[59..], (59..200).collect::<Vec<_>>());
    }

    proptest! {
        #[test]
        fn places_are_never_given_twice_nor_beyond_the_shares(
            nationalities in proptest::collection::vec(0usize..3, 0..200),
            general in 0u64..50,
            share in 0u64..30,
            seed in any::<u64>(),
        ) {
            let names = ["PAK", "TUN", "EGY"];
            let entries: Vec<Entry> = nationalities
                .iter()
                .enumerate()
                .map(|(i, n)| entry(i as u64 + 1, i as i64, names[*n]))
                .collect();
            let places = Places { general, shares: [("PAK".to_owned(), share)].into() };
            for policy in [Policy::TimeOrder, Policy::Lottery { minutes: 1, seed }] {
                let out = assign(&entries, &places, &policy, 0);
                let assigned = out.iter().filter(|o| matches!(o, Outcome::Assigned { .. })).count() as u64;
                let pak_share = out.iter().filter(|o| matches!(o, Outcome::Assigned { share: Some(_), .. })).count() as u64;
                prop_assert_eq!(assigned, (entries.len() as u64).min(places.total())
                    .min(general + share.min(nationalities.iter().filter(|n| **n == 0).count() as u64)));
                prop_assert!(pak_share <= share);
                // Ranks are 1..n for the assigned, 1..m for the reserve, each once.
                let mut ranks: Vec<u64> = out.iter().filter_map(|o| match o { Outcome::Assigned { rank, .. } => Some(*rank), _ => None }).collect();
                ranks.sort_unstable();
                prop_assert_eq!(ranks, (1..=assigned).collect::<Vec<_>>());
                let mut reserve: Vec<u64> = out.iter().filter_map(|o| match o { Outcome::Reserve { rank } => Some(*rank), _ => None }).collect();
                reserve.sort_unstable();
                prop_assert_eq!(reserve, (1..=(entries.len() as u64 - assigned)).collect::<Vec<_>>());
            }
        }
    }
}
