//! Apportionment properties for every method: exact totals, floors and caps hold; for the
//! divisor methods, raising one partner's weight never lowers its allocation.

use accordo_cooperation::{Claim, Method, apportion};
use proptest::prelude::*;

fn claims_strategy() -> impl Strategy<Value = (u64, Vec<Claim>)> {
    (1usize..8, 0u64..400).prop_flat_map(|(n, seats)| {
        (
            Just(seats),
            prop::collection::vec((0.0f64..100.0, 0u64..30, prop::option::of(0u64..200)), n),
        )
            .prop_map(|(seats, raw)| {
                let claims = raw
                    .into_iter()
                    .enumerate()
                    .map(|(i, (weight, floor, cap))| Claim {
                        code: format!("P{i}"),
                        // Some partners have no weight at all.
                        weight: if weight < 10.0 { 0.0 } else { weight },
                        floor,
                        cap: cap.map(|c| c.max(floor)),
                    })
                    .collect();
                (seats, claims)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn totals_are_exact_and_bounds_hold((seats, claims) in claims_strategy()) {
        for method in Method::ALL {
            match apportion(method, seats, &claims) {
                Ok(got) => {
                    prop_assert_eq!(got.iter().sum::<u64>(), seats, "{:?}", method);
                    for (c, s) in claims.iter().zip(&got) {
                        prop_assert!(*s >= c.floor, "{:?} {} below its floor", method, c.code);
                        prop_assert!(c.cap.is_none_or(|cap| *s <= cap), "{:?} {} above its cap", method, c.code);
                        if c.weight == 0.0 {
                            prop_assert_eq!(*s, c.floor, "{:?}: no weight, nothing beyond the floor", method);
                        }
                    }
                }
                Err(e) => {
                    // Refused only when the bounds really cannot be met.
                    let floors: u64 = claims.iter().map(|c| c.floor).sum();
                    let placeable: u64 = claims
                        .iter()
                        .map(|c| if c.weight > 0.0 { c.cap.unwrap_or(seats).min(seats).max(c.floor) } else { c.floor })
                        .sum();
                    prop_assert!(floors > seats || placeable < seats, "{:?} refused {:?}: {}", method, claims, e);
                }
            }
        }
    }

    #[test]
    fn raising_a_weight_never_lowers_the_allocation(
        (seats, claims) in claims_strategy(),
        who in 0usize..8,
        raise in 0.0f64..200.0,
    ) {
        let who = who % claims.len();
        let mut raised = claims.clone();
        raised[who].weight += raise;
        for method in [Method::Dhondt, Method::SainteLague] {
            if let (Ok(before), Ok(after)) = (apportion(method, seats, &claims), apportion(method, seats, &raised)) {
                prop_assert!(after[who] >= before[who], "{:?}: {} went from {} to {}", method, who, before[who], after[who]);
            }
        }
    }

    #[test]
    fn without_bounds_each_method_stays_within_one_of_the_exact_share(
        weights in prop::collection::vec(1.0f64..100.0, 1..8),
        seats in 0u64..500,
    ) {
        let claims: Vec<Claim> = weights.iter().enumerate().map(|(i, w)| Claim::new(format!("P{i}"), *w)).collect();
        let total: f64 = weights.iter().sum();
        let got = apportion(Method::LargestRemainder, seats, &claims).unwrap();
        for (w, s) in weights.iter().zip(&got) {
            let share = seats as f64 * w / total;
            // Hamilton satisfies quota: floor or ceiling of the exact share.
            prop_assert!((*s as f64) >= share.floor() - 1e-9 && (*s as f64) <= share.ceil() + 1e-9, "share {} got {}", share, s);
        }
    }
}
