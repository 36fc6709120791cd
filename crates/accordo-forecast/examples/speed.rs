//! Where the forecast pipeline's time goes, on synthetic monthly series like bench/flows'
//! speed run (level, trend, multiplicative season, noise): `cargo run --release -p
//! accordo-forecast --example speed -- [SERIES] [WHAT]`, WHAT one of ets, ets_theta, auto, or
//! a spec (MAM…) to fit alone.
use std::time::Instant;

use accordo_forecast::{backtest, ets, numeric::Normal};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let what = args.get(2).map(String::as_str).unwrap_or("ets");
    let mut rng = Normal::seeded(17);
    let series: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let level = 50.0 + (i as f64 * 37.0) % 4950.0;
            let slope = -0.004 + (i as f64 * 0.0013) % 0.016;
            let amp = 0.05 + (i as f64 * 0.071) % 0.45;
            let phase = i as f64;
            let noise = 0.02 + (i as f64 * 0.013) % 0.18;
            (0..120)
                .map(|t| {
                    let base = level * (1.0 + slope * t as f64).max(0.1);
                    let s = 1.0 + amp * (std::f64::consts::TAU * t as f64 / 12.0 + phase).sin();
                    ((base * s + noise * level * rng.draw()).max(0.0) * 10.0).round() / 10.0
                })
                .collect()
        })
        .collect();
    let t0 = Instant::now();
    let mut check = 0.0;
    for y in &series {
        check += match what {
            "auto" => backtest::forecast_chosen(y, 12, 12).map(|c| c.forecast.mean[11]),
            "ets" => ets::forecast(y, 12, 12).map(|(f, _)| f.mean[11]),
            "ets_theta" => backtest::Model::Combination
                .forecast(y, 12, 12)
                .map(|f| f.mean[11]),
            spec => ets::fit(y, 12, ets::Spec::parse(spec).expect("a spec"))
                .map(|f| f.forecast(12).mean[11]),
        }
        .unwrap_or(0.0);
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{what}: {n} series in {secs:.3} s, {:.2} ms a series (check {check:.1})",
        1000.0 * secs / n as f64
    );
}
