//! Who would get places under each [`Policy`]: a click day's demand as groups of submitters,
//! each arriving after the window opens by its own spread of delays (log-normal around a
//! median), served by [`crate::assign`]. Deterministic for a seed.

use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::assign::{Entry, Outcome, Places, Policy, assign};

/// Submitters alike in how fast they send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub applications: u64,
    /// Half of the group has sent by then, in seconds after the window opens.
    pub median_seconds: f64,
    /// The spread of the delays (the standard deviation of their logarithm): 0 sends all at
    /// the median.
    pub spread: f64,
}

/// A day of demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    pub places: u64,
    pub groups: Vec<Group>,
}

/// One group's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub name: String,
    pub applications: u64,
    pub assigned: u64,
    /// `assigned / applications`.
    pub rate: f64,
}

/// The most submissions a simulation draws: a day of demand is smaller.
pub const MAX_APPLICATIONS: u64 = 5_000_000;

/// Each group's places under `policy`, for arrivals drawn by `seed`. `None` when the demand
/// has more than [`MAX_APPLICATIONS`] or a delay that is not a positive number.
pub fn simulate(demand: &Demand, policy: &Policy, seed: u64) -> Option<Vec<Share>> {
    let total: u64 = demand.groups.iter().map(|g| g.applications).sum();
    if total > MAX_APPLICATIONS
        || demand.groups.iter().any(|g| {
            !(g.median_seconds.is_finite()
                && g.median_seconds > 0.0
                && g.spread.is_finite()
                && g.spread >= 0.0)
        })
    {
        return None;
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // (arrival, group)
    let mut arrivals: Vec<(i64, usize)> = Vec::with_capacity(total as usize);
    for (g, group) in demand.groups.iter().enumerate() {
        for _ in 0..group.applications {
            // Box–Muller: a standard normal from two uniforms.
            let u1: f64 = rng.r#gen::<f64>().max(f64::MIN_POSITIVE);
            let u2: f64 = rng.r#gen();
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            let seconds = group.median_seconds * (group.spread * z).exp();
            arrivals.push(((seconds * 1e6).min(1e15) as i64, g));
        }
    }
    // The server's order of receipt; ties by group then draw order, stable.
    arrivals.sort_by_key(|(at, _)| *at);
    let entries: Vec<Entry> = arrivals
        .iter()
        .enumerate()
        .map(|(i, (at, _))| Entry {
            position: i as u64 + 1,
            received_us: *at,
            nationality: String::new(),
            certified: false,
        })
        .collect();
    let places = Places {
        general: demand.places,
        shares: Default::default(),
    };
    let outcomes = assign(&entries, &places, policy, 0);
    let mut assigned = vec![0u64; demand.groups.len()];
    for ((_, g), o) in arrivals.iter().zip(outcomes) {
        if matches!(o, Outcome::Assigned { .. }) {
            assigned[*g] += 1;
        }
    }
    Some(
        demand
            .groups
            .iter()
            .zip(assigned)
            .map(|(g, a)| Share {
                name: g.name.clone(),
                applications: g.applications,
                assigned: a,
                rate: if g.applications == 0 {
                    0.0
                } else {
                    a as f64 / g.applications as f64
                },
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand() -> Demand {
        Demand {
            places: 1_000,
            groups: vec![
                Group {
                    name: "software".into(),
                    applications: 1_000,
                    median_seconds: 5.0,
                    spread: 0.5,
                },
                Group {
                    name: "by hand".into(),
                    applications: 3_000,
                    median_seconds: 600.0,
                    spread: 1.0,
                },
            ],
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_result_and_another_seed_another_draw() {
        let lottery = Policy::Lottery {
            minutes: 60,
            seed: 7,
        };
        let a = simulate(&demand(), &lottery, 1);
        assert_eq!(a, simulate(&demand(), &lottery, 1));
        assert_ne!(
            a,
            simulate(
                &demand(),
                &Policy::Lottery {
                    minutes: 60,
                    seed: 8
                },
                1
            )
        );
    }

    #[test]
    fn time_order_gives_the_fast_the_places_and_a_lottery_shares_them() {
        let fast = simulate(&demand(), &Policy::TimeOrder, 1).unwrap_or_default();
        assert_eq!(fast.iter().map(|s| s.assigned).sum::<u64>(), 1_000);
        // Almost every place goes to the software under time order ...
        assert!(fast[0].assigned > 950, "{fast:?}");
        let drawn = simulate(
            &demand(),
            &Policy::Lottery {
                minutes: 60,
                seed: 7,
            },
            1,
        )
        .unwrap_or_default();
        // ... and about in proportion to the first hour's arrivals under a lottery of an hour:
        // the software's 1,000 and most of the 3,000 (median 10 minutes).
        assert!(
            (180..=320).contains(&drawn[0].assigned),
            "a quarter or so: {drawn:?}"
        );
        assert_eq!(drawn.iter().map(|s| s.assigned).sum::<u64>(), 1_000);
    }

    #[test]
    fn impossible_demand_is_refused() {
        let mut d = demand();
        d.groups[0].median_seconds = f64::NAN;
        assert_eq!(simulate(&d, &Policy::TimeOrder, 1), None);
        d.groups[0].median_seconds = 1.0;
        d.groups[0].applications = MAX_APPLICATIONS + 1;
        assert_eq!(simulate(&d, &Policy::TimeOrder, 1), None);
    }
}
