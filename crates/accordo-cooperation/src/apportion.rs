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
//! Quotients and remainders are compared exactly, on each weight's decimal value (the
//! shortest decimal that is the number given), never on rounded floating-point products:
//! weights 127.362230265686 and 90.97302161834715 stand in the ratio 1.39999…, not 1.4, and
//! D'Hondt gives their 11 seats 6/5, not the 7/4 a rounded tie would. Only a true tie is
//! broken: by the larger weight, then by the code in alphabetical order, so a result never
//! depends on the order the claims were given in.
//!
//! The largest remainder method finds which partners its floors and caps bind by a search in
//! floating point, then divides the rest among the others exactly (unless their weights span
//! more than about 20 orders of magnitude, where it keeps the floating-point division).

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
    fn double_divisor(self, seats: u64) -> u128 {
        match self {
            Method::Dhondt => 2 * (u128::from(seats) + 1),
            Method::SainteLague | Method::LargestRemainder => 2 * u128::from(seats) + 1,
        }
    }
}

/// A weight as an exact decimal, `m × 10^e`: the shortest decimal that is the `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    m: u128,
    e: i32,
}

impl Decimal {
    fn of(w: f64) -> Self {
        // Rust prints the shortest decimal that reads back as the same f64, e.g.
        // `1.27362230265686e2`: at most 17 digits.
        let text = format!("{w:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let m = format!("{int}{frac}").parse().unwrap_or(0);
        let e = exponent.parse::<i32>().unwrap_or(0) - frac.len() as i32;
        Decimal { m, e }
    }

    /// `self` as a whole number of units of `10^unit` (`unit` at most `self.e`), if it fits.
    fn in_units(self, unit: i32) -> Option<u128> {
        let shift = u32::try_from(self.e - unit).ok()?;
        10u128.checked_pow(shift)?.checked_mul(self.m)
    }
}

/// `a·x` against `b·y`, exactly.
fn cmp_scaled(a: Decimal, x: u128, b: Decimal, y: u128) -> Ordering {
    let (l, r) = (a.m * x, b.m * y);
    if l == 0 || r == 0 {
        return l.cmp(&r);
    }
    // Too big to shift means bigger: the other side fits in 128 bits.
    if a.e >= b.e {
        match 10u128
            .checked_pow((a.e - b.e) as u32)
            .and_then(|p| l.checked_mul(p))
        {
            Some(l) => l.cmp(&r),
            None => Ordering::Greater,
        }
    } else {
        match 10u128
            .checked_pow((b.e - a.e) as u32)
            .and_then(|p| r.checked_mul(p))
        {
            Some(r) => l.cmp(&r),
            None => Ordering::Less,
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
    weight: Decimal,
    /// The double divisor at the partner's current seats.
    divisor: u128,
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
    /// `w_a / d_a` against `w_b / d_b`, cross-multiplied and compared exactly.
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_scaled(self.weight, other.divisor, other.weight, self.divisor)
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
            weight: Decimal::of(claim.weight),
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
    if let Some(exact) = largest_remainder_exact(seats, claims, &shares) {
        return exact;
    }
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

/// The largest remainder division done exactly, given the floating-point `shares`: the
/// partners they put at their floor or cap (or with weight 0) keep that many, and the seats
/// left go to the others in proportion to their decimal weights, whole parts first, then one
/// each by the largest remainder. `None` when the weights are too far apart to hold in 128
/// bits at one scale.
fn largest_remainder_exact(seats: u64, claims: &[Claim], shares: &[f64]) -> Option<Vec<u64>> {
    let bound = |c: &Claim| (c.floor, c.cap_or(seats).max(c.floor));
    let free: Vec<usize> = (0..claims.len())
        .filter(|&i| {
            let (floor, cap) = bound(&claims[i]);
            claims[i].weight > 0.0 && shares[i] > floor as f64 && shares[i] < cap as f64
        })
        .collect();
    let mut out: Vec<u64> = claims
        .iter()
        .zip(shares)
        .map(|(c, s)| {
            let (floor, cap) = bound(c);
            if *s <= floor as f64 { floor } else { cap }
        })
        .collect();
    if free.is_empty() {
        return (out.iter().sum::<u64>() == seats).then_some(out);
    }
    let clamped: u64 = (0..claims.len())
        .filter(|i| !free.contains(i))
        .map(|i| out[i])
        .sum();
    let rest = u128::from(seats.checked_sub(clamped)?);
    let weights: Vec<Decimal> = free
        .iter()
        .map(|&i| Decimal::of(claims[i].weight))
        .collect();
    let unit = weights.iter().map(|w| w.e).min()?;
    let units: Vec<u128> = weights
        .iter()
        .map(|w| w.in_units(unit))
        .collect::<Option<_>>()?;
    let total = units.iter().try_fold(0u128, |t, u| t.checked_add(*u))?;
    let mut remainders = Vec::with_capacity(free.len());
    let mut given = 0u128;
    for (&i, &u) in free.iter().zip(&units) {
        let product = rest.checked_mul(u)?;
        let whole = product / total;
        out[i] = u64::try_from(whole).ok()?;
        given += whole;
        remainders.push((i, product % total));
    }
    // Largest remainder first; a true tie by the larger weight, then the code.
    remainders
        .sort_by(|(a, ra), (b, rb)| rb.cmp(ra).then_with(|| tie_break(&claims[*b], &claims[*a])));
    for (i, _) in remainders.iter().take(usize::try_from(rest - given).ok()?) {
        out[*i] += 1;
    }
    // A floating-point share just under a cap could give cap + 1 here: then keep the
    // floating-point division, which respects every bound.
    let within = claims.iter().zip(&out).all(|(c, n)| {
        let (floor, cap) = bound(c);
        (floor..=cap).contains(n)
    });
    (within && out.iter().sum::<u64>() == seats).then_some(out)
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
    fn quotients_one_unit_apart_are_compared_exactly_not_tied() {
        // 127.362230265686 / 90.97302161834715 = 1.3999999999999999…: B's fifth quotient
        // (b/5) beats A's seventh (a/7) by 1e-15, which a floating-point cross product rounds
        // into a tie that the larger weight would win.
        let c = claims(&[("AAA", 127.362230265686), ("BBB", 90.97302161834715)]);
        for method in Method::ALL {
            assert_eq!(apportion(method, 11, &c).unwrap(), vec![6, 5], "{method:?}");
        }
        // A true tie still goes to the larger weight, then the code.
        let tie = claims(&[("AAA", 1.4), ("BBB", 1.0)]);
        assert_eq!(apportion(Method::Dhondt, 11, &tie).unwrap(), vec![7, 4]);
        let equal = claims(&[("BBB", 2.5), ("AAA", 2.5)]);
        assert_eq!(
            apportion(Method::LargestRemainder, 3, &equal).unwrap(),
            vec![1, 2]
        );
    }

    #[test]
    fn decimals_are_the_shortest_that_read_back() {
        assert_eq!(
            Decimal::of(127.362230265686),
            Decimal {
                m: 127362230265686,
                e: -12
            }
        );
        assert_eq!(Decimal::of(0.1), Decimal { m: 1, e: -1 });
        assert_eq!(Decimal::of(3e20), Decimal { m: 3, e: 20 });
        assert_eq!(
            cmp_scaled(Decimal::of(0.1), 3, Decimal::of(0.3), 1),
            Ordering::Equal,
            "0.1 × 3 is 0.3 in decimals"
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
