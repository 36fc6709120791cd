#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! Early warning on Frontex's real Central Mediterranean detections (2009-01 to 2025-04,
//! `tests/reference/series.csv`): the 2023 surge and the 2024 fall are found.

use accordo_forecast::warning::{self, Direction};

fn central_mediterranean() -> Vec<f64> {
    include_str!("reference/series.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[0] == "central_mediterranean")
        .map(|f| f[2].parse().unwrap())
        .collect()
}

/// The index of a month of the series (it starts in January 2009).
fn month(year: usize, m: usize) -> usize {
    (year - 2009) * 12 + m - 1
}

#[test]
fn the_2023_surge_and_the_2024_fall_are_change_points() {
    let y = central_mediterranean();
    let found = warning::change_points(&y, 12, 6);
    let up = found
        .iter()
        .find(|c| c.direction == Direction::Up && (month(2022, 6)..=month(2023, 3)).contains(&c.at))
        .unwrap_or_else(|| panic!("no rise before the 2023 surge: {found:?}"));
    assert!(up.ratio > 1.8, "{up:?}");
    let down = found
        .iter()
        .find(|c| {
            c.direction == Direction::Down && (month(2023, 10)..=month(2024, 6)).contains(&c.at)
        })
        .unwrap_or_else(|| panic!("no fall in 2024: {found:?}"));
    assert!(down.ratio < 0.6, "{down:?}");
}

#[test]
fn a_month_of_the_2023_surge_came_above_its_forecast() {
    let y = central_mediterranean();
    let found = warning::surprises(&y, 12, 36).unwrap();
    assert!(
        found.iter().any(|s| s.direction == Direction::Up
            && (month(2023, 1)..=month(2023, 12)).contains(&s.at)
            && s.observed > s.hi95),
        "{found:?}"
    );
}
