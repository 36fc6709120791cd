//! Early warning on a series: the periods that fell outside the 95% interval the model had
//! forecast for them one step before (a surge, or a fall), and the change points of its level
//! on the log scale (binary segmentation of the seasonally adjusted `ln(1 + y)`, each split
//! kept when it lowers the squared error by more than a BIC-like penalty).

use serde::Serialize;

use crate::decompose::{self, Kind};
use crate::{ForecastError, theta};

/// Which way a series moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// How far outside: beyond the bound by less than half the interval's half-width (low), by
/// less than one and a half (medium), or more (high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// A period observed outside the 95% interval forecast for it one step before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surprise {
    /// Its index in the series.
    pub at: usize,
    pub observed: f64,
    pub expected: f64,
    pub lo95: f64,
    pub hi95: f64,
    pub direction: Direction,
    pub severity: Severity,
}

/// The last `last` periods of `y` (period `m`), each against the theta family's one-step
/// forecast from the periods before it (at least two seasons of them): fitted on the periods
/// before the first, and carried forward with its parameters fixed (`theta::extend`), so that
/// a surge does not teach the model to expect itself. A period whose forecast fails is
/// skipped, not the others.
pub fn surprises(y: &[f64], m: usize, last: usize) -> Result<Vec<Surprise>, ForecastError> {
    let n = y.len();
    let first = n.saturating_sub(last).max(2 * m.max(2));
    let mut out = Vec::new();
    if first >= n {
        return Ok(out);
    }
    let (_, fitted) = theta::forecast(&y[..first], m, 1, None)?;
    for t in first..n {
        let Ok(f) = theta::extend(&fitted, &y[..t], m, 1, crate::PATHS) else {
            continue;
        };
        let (mean, lo, hi) = (f.mean[0], f.lo95[0], f.hi95[0]);
        let half = ((hi - lo) / 2.0).max(1e-9);
        let (direction, beyond) = if y[t] > hi {
            (Direction::Up, y[t] - hi)
        } else if y[t] < lo {
            (Direction::Down, lo - y[t])
        } else {
            continue;
        };
        let severity = match beyond / half {
            r if r < 0.5 => Severity::Low,
            r if r < 1.5 => Severity::Medium,
            _ => Severity::High,
        };
        out.push(Surprise {
            at: t,
            observed: y[t],
            expected: mean,
            lo95: lo,
            hi95: hi,
            direction,
            severity,
        });
    }
    Ok(out)
}

/// A change of level: from index `at` on, the series' seasonally adjusted level is `ratio`
/// times what it was in the segment before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangePoint {
    pub at: usize,
    pub ratio: f64,
    pub direction: Direction,
}

fn sse(v: &[f64]) -> f64 {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| (x - mean).powi(2)).sum()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The change points of `y`'s level on the log scale, in time order. Segments are at least
/// `min_len` periods long.
pub fn change_points(y: &[f64], m: usize, min_len: usize) -> Vec<ChangePoint> {
    let logs: Vec<f64> = y.iter().map(|v| v.max(0.0).ln_1p()).collect();
    let adjusted: Vec<f64> = match decompose::seasonal(&logs, m, Kind::Additive) {
        Some(s) if m >= 2 => logs.iter().zip(&s).map(|(v, s)| v - s).collect(),
        _ => logs,
    };
    let n = adjusted.len();
    let min_len = min_len.max(2);
    if n < 2 * min_len {
        return Vec::new();
    }
    // The noise from successive differences, robustly (median absolute difference).
    let mut diffs: Vec<f64> = adjusted.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    diffs.sort_by(f64::total_cmp);
    let mad = diffs[diffs.len() / 2];
    let sigma = (mad / (0.6745 * std::f64::consts::SQRT_2)).max(1e-6);
    let penalty = 3.0 * sigma * sigma * (n as f64).ln();
    let mut cuts: Vec<usize> = Vec::new();
    let mut pending: Vec<(usize, usize)> = vec![(0, n)];
    while let Some((a, b)) = pending.pop() {
        if b - a < 2 * min_len {
            continue;
        }
        let whole = sse(&adjusted[a..b]);
        let best = (a + min_len..=b - min_len)
            .map(|k| (k, sse(&adjusted[a..k]) + sse(&adjusted[k..b])))
            .min_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((k, split)) = best
            && whole - split > penalty
        {
            cuts.push(k);
            pending.push((a, k));
            pending.push((k, b));
        }
    }
    cuts.sort_unstable();
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(cuts.iter().copied())
        .chain(std::iter::once(n))
        .collect();
    bounds
        .windows(3)
        .map(|w| {
            let (before, after) = (mean(&adjusted[w[0]..w[1]]), mean(&adjusted[w[1]..w[2]]));
            let ratio = (after - before).exp();
            ChangePoint {
                at: w[1],
                ratio,
                direction: if ratio >= 1.0 {
                    Direction::Up
                } else {
                    Direction::Down
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Normal;

    fn seasonal_with_shift(n: usize, shift_at: usize, factor: f64, seed: u64) -> Vec<f64> {
        let mut rng = Normal::seeded(seed);
        (0..n)
            .map(|t| {
                let season = [0.6, 0.7, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6][t % 12];
                let level = if t >= shift_at {
                    1000.0 * factor
                } else {
                    1000.0
                };
                (level * season * (1.0 + 0.05 * rng.draw())).max(0.0)
            })
            .collect()
    }

    #[test]
    fn a_tripling_is_a_change_point_near_its_date() {
        let y = seasonal_with_shift(120, 72, 3.0, 5);
        let found = change_points(&y, 12, 6);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((found[0].at as i64 - 72).abs() <= 1, "{found:?}");
        assert_eq!(found[0].direction, Direction::Up);
        assert!((found[0].ratio - 3.0).abs() < 0.3, "{found:?}");
        // A steady series has none.
        assert!(change_points(&seasonal_with_shift(120, 200, 1.0, 6), 12, 6).is_empty());
    }

    #[test]
    fn a_sudden_surge_is_a_surprise_and_ordinary_months_are_not() {
        let mut y = seasonal_with_shift(96, 200, 1.0, 9);
        y[90] *= 4.0;
        let found = surprises(&y, 12, 12).unwrap();
        assert!(
            found.iter().any(|s| s.at == 90
                && s.direction == Direction::Up
                && s.severity == Severity::High),
            "{found:?}"
        );
        // About 1 month in 20 falls outside a 95% interval by chance: few, and low.
        assert!(
            found.iter().filter(|s| s.at != 90).count() <= 2,
            "{found:?}"
        );
    }
}
