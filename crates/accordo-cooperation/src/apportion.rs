//! Dividing a whole number of quotas (seats) among partners in proportion to their weights
//! (their cooperation index), with exact integer totals and per-partner floors and caps.
//!
//! Three methods:
//! - **largest remainder** (Hamilton): each partner's exact share, bounded by its floor and
//!   cap, rounded down; the seats left go to the largest fractions.
//! - **D'Hondt** and **Sainte-Laguë**: divisor methods, run as the sequential highest-averages
//!   procedure starting from every partner's floor and never passing its cap. The next seat
//!   goes to the partner with the highest `weight / d(seats)`, where `d(s) = s + 1` (D'Hondt)
//!   or `s + ½` (Sainte-Laguë). This is the divisor method with minimum and maximum
//!   restrictions; raising one partner's weight never lowers its allocation.
//!
//! Ties are broken by the larger weight, then by the code in alphabetical order, so a result
//! never depends on the order the claims were given in.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashSet};

use serde::{Deserialize, Serialize};

/// The largest number of seats [`apportion`] divides. The divisor methods hand out one seat
/// at a time (about 20 ns each); Italy's largest yearly quota is 166,850.
pub const MAX_SEATS: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    LargestRemainder,
    Dhondt,
    SainteLague,
}

impl Method {
    pub const ALL: [Method; 3] = [
        Method::LargestRemainder,
        Method::Dhondt,
        Method::SainteLague,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::LargestRemainder => "largest-remainder",
            Method::Dhondt => "dhondt",
            Method::SainteLague => "sainte-lague",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Twice the divisor for a partner holding `seats`, so that both methods stay in
    /// whole numbers: D'Hondt `2(s + 1)`, Sainte-Laguë `2s + 1`.
    fn double_divisor(self, seats: u64) -> f64 {
        match self {
            Method::Dhondt => 2.0 * (seats as f64 + 1.0),
            Method::SainteLague | Method::LargestRemainder => 2.0 * seats as f64 + 1.0,
        }
    }
}

/// One partner's claim: its weight (any non-negative number; only ratios matter), and the
/// least and most it may receive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub code: String,
    pub weight: f64,
    #[serde(default)]
    pub floor: u64,
    #[serde(default)]
    pub cap: Option<u64>,
}

impl Claim {
    pub fn new(code: impl Into<String>, weight: f64) -> Self {
        Self {
            code: code.into(),
            weight,
            floor: 0,
            cap: None,
        }
    }

    fn cap_or(&self, seats: u64) -> u64 {
        self.cap.unwrap_or(seats).min(seats)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApportionError {
    #[error("there is no partner to divide the quotas among")]
    NoClaims,
    #[error("partner {code} is named twice")]
    Duplicate { code: String },
    #[error("the weight of {code} must be a number of zero or more, not {weight}")]
    BadWeight { code: String, weight: f64 },
    #[error("the floor of {code} ({floor}) is above its cap ({cap})")]
    FloorAboveCap { code: String, floor: u64, cap: u64 },
    #[error(
        "no partner has a weight above 0, so the {seats} quotas beyond the floors go to nobody"
    )]
    NoWeight { seats: u64 },
    #[error("the floors add up to {floors}, more than the {seats} quotas to divide")]
    FloorsExceedSeats { floors: u64, seats: u64 },
    #[error(
        "only {placeable} of the {seats} quotas can be placed: the caps, and the floors of partners with weight 0, hold no more"
    )]
    CapsTooLow { placeable: u64, seats: u64 },
    #[error("at most {max} quotas can be divided at once, not {seats}", max = MAX_SEATS)]
    TooManySeats { seats: u64 },
}

/// Divides `seats` among `claims`. The result is in the order of `claims`, sums to `seats`
/// exactly, and gives each partner at least its floor and at most its cap.
pub fn apportion(method: Method, seats: u64, claims: &[Claim]) -> Result<Vec<u64>, ApportionError> {
    validate(seats, claims)?;
    Ok(match method {
        Method::LargestRemainder => largest_remainder(seats, claims),
        Method::Dhondt | Method::SainteLague => highest_averages(method, seats, claims),
    })
}

/// [`apportion`], keyed by code.
pub fn apportion_by_code(
    method: Method,
    seats: u64,
    claims: &[Claim],
) -> Result<BTreeMap<String, u64>, ApportionError> {
    let seats_each = apportion(method, seats, claims)?;
    Ok(claims
        .iter()
        .zip(seats_each)
        .map(|(c, s)| (c.code.clone(), s))
        .collect())
}

fn validate(seats: u64, claims: &[Claim]) -> Result<(), ApportionError> {
    if seats > MAX_SEATS {
        return Err(ApportionError::TooManySeats { seats });
    }
    if claims.is_empty() {
        return Err(ApportionError::NoClaims);
    }
    let mut seen = HashSet::new();
    let (mut floors, mut placeable) = (0u64, 0u64);
    for claim in claims {
        if !seen.insert(claim.code.as_str()) {
            return Err(ApportionError::Duplicate {
                code: claim.code.clone(),
            });
        }
        // A subnormal weight (below 2.2e-308) would overflow the search for the exact shares.
        if !(claim.weight == 0.0 || (claim.weight.is_normal() && claim.weight > 0.0)) {
            return Err(ApportionError::BadWeight {
                code: claim.code.clone(),
                weight: claim.weight,
            });
        }
        if let Some(cap) = claim.cap
            && claim.floor > cap
        {
            return Err(ApportionError::FloorAboveCap {
                code: claim.code.clone(),
                floor: claim.floor,
                cap,
            });
        }
        floors = floors.saturating_add(claim.floor);
        placeable = placeable.saturating_add(if claim.weight > 0.0 {
            claim.cap_or(seats).max(claim.floor)
        } else {
            claim.floor
        });
    }
    if floors > seats {
        return Err(ApportionError::FloorsExceedSeats { floors, seats });
    }
    if floors < seats && claims.iter().all(|c| c.weight == 0.0) {
        return Err(ApportionError::NoWeight { seats });
    }
    if placeable < seats {
        return Err(ApportionError::CapsTooLow { placeable, seats });
    }
    Ok(())
}

/// Ties: larger weight first, then the code.
fn tie_break(a: &Claim, b: &Claim) -> Ordering {
    a.weight
        .total_cmp(&b.weight)
        .then_with(|| b.code.cmp(&a.code))
}

struct Bid<'a> {
    index: usize,
    claim: &'a Claim,
    /// The double divisor at the partner's current seats.
    divisor: f64,
}

impl PartialEq for Bid<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Bid<'_> {}
impl PartialOrd for Bid<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Bid<'_> {
    /// `w_a / d_a` against `w_b / d_b`, cross-multiplied so no division rounds.
    fn cmp(&self, other: &Self) -> Ordering {
        (self.claim.weight * other.divisor)
            .total_cmp(&(other.claim.weight * self.divisor))
            .then_with(|| tie_break(self.claim, other.claim))
    }
}

fn highest_averages(method: Method, seats: u64, claims: &[Claim]) -> Vec<u64> {
    let mut out: Vec<u64> = claims.iter().map(|c| c.floor).collect();
    let mut left = seats - out.iter().sum::<u64>();
    let mut heap: BinaryHeap<Bid> = claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.weight > 0.0 && c.floor < c.cap_or(seats))
        .map(|(index, claim)| Bid {
            index,
            claim,
            divisor: method.double_divisor(claim.floor),
        })
        .collect();
    while left > 0 {
        // `validate` made sure the caps hold every seat.
        let Some(mut bid) = heap.pop() else { break };
        out[bid.index] += 1;
        left -= 1;
        if out[bid.index] < bid.claim.cap_or(seats) {
            bid.divisor = method.double_divisor(out[bid.index]);
            heap.push(bid);
        }
    }
    out
}

fn largest_remainder(seats: u64, claims: &[Claim]) -> Vec<u64> {
    let bounded = |c: &Claim, lambda: f64| -> f64 {
        if c.weight > 0.0 {
            (lambda * c.weight).clamp(c.floor as f64, c.cap_or(seats).max(c.floor) as f64)
        } else {
            c.floor as f64
        }
    };
    let total = |lambda: f64| -> f64 { claims.iter().map(|c| bounded(c, lambda)).sum() };
    // The exact shares: find λ with Σ clamp(λ·w, floor, cap) = seats. The sum grows with λ;
    // at `high` every partner with a weight is at its cap (or holds all seats).
    let mut high = claims
        .iter()
        .filter(|c| c.weight > 0.0)
        .map(|c| (seats.max(c.floor) as f64 + 1.0) / c.weight)
        .fold(0.0f64, f64::max);
    let mut low = 0.0f64;
    if total(0.0) < seats as f64 {
        for _ in 0..200 {
            let mid = low + (high - low) / 2.0;
            if mid <= low || mid >= high {
                break;
            }
            if total(mid) < seats as f64 {
                low = mid;
            } else {
                high = mid;
            }
        }
    } else {
        high = 0.0;
    }
    let shares: Vec<f64> = claims.iter().map(|c| bounded(c, high)).collect();
    let mut out: Vec<u64> = claims
        .iter()
        .zip(&shares)
        .map(|(c, s)| (s.floor() as u64).clamp(c.floor, c.cap_or(seats).max(c.floor)))
        .collect();
    let mut left = seats.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..claims.len())
        .filter(|&i| claims[i].weight > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        let fa = shares[a] - out[a] as f64;
        let fb = shares[b] - out[b] as f64;
        fb.total_cmp(&fa)
            .then_with(|| tie_break(&claims[b], &claims[a]))
    });
    // One pass gives every remaining seat; further passes only absorb float rounding.
    while left > 0 {
        let before = left;
        for &i in &order {
            if left == 0 {
                break;
            }
            if out[i] < claims[i].cap_or(seats) {
                out[i] += 1;
                left -= 1;
            }
        }
        if left == before {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, f64)]) -> Vec<Claim> {
        pairs.iter().map(|(c, w)| Claim::new(*c, *w)).collect()
    }

    #[test]
    fn largest_remainder_differs_from_the_divisor_methods() {
        // 10 seats, weights 53 / 24 / 23. Averages: A 53, 17.7, 10.6, 7.57, 5.89, 4.82 (odd
        // divisors) beat B's third 4.8, so Sainte-Laguë gives A six, like D'Hondt; Hamilton's
        // shares 5.3 / 2.4 / 2.3 give the last seat to B's 0.4.
        let c = claims(&[("A", 53.0), ("B", 24.0), ("C", 23.0)]);
        assert_eq!(apportion(Method::Dhondt, 10, &c).unwrap(), vec![6, 2, 2]);
        assert_eq!(
            apportion(Method::SainteLague, 10, &c).unwrap(),
            vec![6, 2, 2]
        );
        assert_eq!(
            apportion(Method::LargestRemainder, 10, &c).unwrap(),
            vec![5, 3, 2]
        );
    }

    #[test]
    fn wikipedia_dhondt_example() {
        // 8 seats; 100,000 / 80,000 / 30,000 / 20,000 votes -> 4 / 3 / 1 / 0.
        let c = claims(&[
            ("A", 100_000.0),
            ("B", 80_000.0),
            ("C", 30_000.0),
            ("D", 20_000.0),
        ]);
        assert_eq!(apportion(Method::Dhondt, 8, &c).unwrap(), vec![4, 3, 1, 0]);
        assert_eq!(
            apportion(Method::SainteLague, 8, &c).unwrap(),
            vec![3, 3, 1, 1]
        );
    }

    #[test]
    fn floors_and_caps_bind() {
        let mut c = claims(&[("PAK", 80.0), ("TUN", 15.0), ("TUR", 5.0)]);
        c[2].floor = 20;
        c[0].cap = Some(50);
        for method in Method::ALL {
            let got = apportion(method, 100, &c).unwrap();
            assert_eq!(got.iter().sum::<u64>(), 100, "{method:?}");
            assert!(got[2] >= 20 && got[0] <= 50, "{method:?}: {got:?}");
            assert_eq!(got[0], 50, "{method:?} PAK is held at its cap");
        }
    }

    #[test]
    fn impossible_bounds_are_refused_with_the_reason() {
        let mut c = claims(&[("A", 1.0), ("B", 1.0)]);
        c[0].floor = 8;
        c[1].floor = 5;
        assert_eq!(
            apportion(Method::Dhondt, 10, &c),
            Err(ApportionError::FloorsExceedSeats {
                floors: 13,
                seats: 10
            })
        );
        let mut c = claims(&[("A", 1.0), ("B", 0.0)]);
        c[0].cap = Some(3);
        c[1].floor = 2;
        assert_eq!(
            apportion(Method::LargestRemainder, 10, &c),
            Err(ApportionError::CapsTooLow {
                placeable: 5,
                seats: 10
            })
        );
        let mut c = claims(&[("A", 1.0)]);
        c[0].floor = 4;
        c[0].cap = Some(3);
        assert!(matches!(
            apportion(Method::SainteLague, 10, &c),
            Err(ApportionError::FloorAboveCap { .. })
        ));
        assert!(matches!(
            apportion(Method::Dhondt, 1, &claims(&[("A", f64::NAN)])),
            Err(ApportionError::BadWeight { .. })
        ));
        assert!(matches!(
            apportion(Method::Dhondt, 1, &claims(&[("A", 1.0), ("A", 2.0)])),
            Err(ApportionError::Duplicate { .. })
        ));
        assert_eq!(
            apportion(Method::Dhondt, 1, &[]),
            Err(ApportionError::NoClaims)
        );
    }

    #[test]
    fn ties_do_not_depend_on_input_order() {
        let a = claims(&[("TUN", 1.0), ("PAK", 1.0), ("TUR", 1.0)]);
        let b = claims(&[("TUR", 1.0), ("TUN", 1.0), ("PAK", 1.0)]);
        for method in Method::ALL {
            let x = apportion_by_code(method, 4, &a).unwrap();
            let y = apportion_by_code(method, 4, &b).unwrap();
            assert_eq!(x, y, "{method:?}");
            assert_eq!(
                x["PAK"], 2,
                "{method:?}: the alphabetically first code wins the tie"
            );
        }
    }

    #[test]
    fn zero_seats_and_zero_weights() {
        let c = claims(&[("A", 0.0), ("B", 2.0)]);
        for method in Method::ALL {
            assert_eq!(apportion(method, 0, &c).unwrap(), vec![0, 0]);
            assert_eq!(apportion(method, 7, &c).unwrap(), vec![0, 7]);
        }
    }

    #[test]
    fn method_names_round_trip() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(method));
        }
        assert_eq!(Method::parse("hare"), None);
    }
}
