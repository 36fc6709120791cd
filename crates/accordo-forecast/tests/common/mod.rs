//! Reading the reference files of `tests/reference` (made by `bench/forecast/reference.py`).
#![allow(dead_code, clippy::unwrap_used)] // each test file uses its part; a bad fixture fails the test

use std::collections::BTreeMap;

/// The input series by name.
pub fn series() -> BTreeMap<String, Vec<f64>> {
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in include_str!("../reference/series.csv").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        out.entry(f[0].to_owned())
            .or_default()
            .push(f[2].parse().unwrap());
    }
    out
}

/// A CSV line's fields, double quotes honoured.
pub fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// A file of `series,model,step,mean,lo80,hi80,lo95,hi95`: `(series, model)` → per step
/// `[mean, lo80, hi80, lo95, hi95]` (an empty field is NaN).
pub fn forecasts(text: &str) -> BTreeMap<(String, String), Vec<[f64; 5]>> {
    let mut out: BTreeMap<(String, String), Vec<[f64; 5]>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f = fields(line);
        let v: Vec<f64> = f[3..8]
            .iter()
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect();
        out.entry((f[0].clone(), f[1].clone()))
            .or_default()
            .push([v[0], v[1], v[2], v[3], v[4]]);
    }
    out
}
