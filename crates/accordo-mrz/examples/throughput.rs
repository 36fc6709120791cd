//! Rough single-core throughput of `validate` and `check` on a TD3 (best of 10 rounds).
//!
//! `cargo run --release -p accordo-mrz --example throughput`

use std::hint::black_box;
use std::time::Instant;

fn best_ns(rounds: u32, per_round: u32, mut f: impl FnMut() -> bool) -> f64 {
    let mut best = f64::MAX;
    let mut valid = 0u32;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            valid += u32::from(f());
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / f64::from(per_round));
    }
    assert_eq!(valid, rounds * per_round);
    best
}

fn main() {
    let today = jiff::civil::date(2026, 11, 23);
    let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
               L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    let ns = best_ns(10, 500_000, || {
        accordo_mrz::validate(black_box(mrz), black_box(today))
    });
    println!("validate: {:.2} M TD3/s ({ns:.0} ns each)", 1e3 / ns);
    if std::env::args().any(|a| a == "--validate-only") {
        return;
    }
    let ns = best_ns(10, 20_000, || {
        accordo_mrz::check(black_box(mrz), black_box(today)).valid
    });
    println!("check:    {:.2} M TD3/s ({ns:.0} ns each)", 1e3 / ns);
}
