//! Classical seasonal decomposition (moving averages), as statsmodels' `seasonal_decompose`
//! does it: the trend a centred moving average over one period, the seasonal component the
//! average of each position's detrended values, normalised.

/// How the seasonal component combines with the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Additive,
    Multiplicative,
}

/// The seasonal component of `y` for period `m` (as long as `y`), or `None` when `y` is
/// shorter than two periods.
pub fn seasonal(y: &[f64], m: usize, kind: Kind) -> Option<Vec<f64>> {
    let n = y.len();
    if m < 2 || n < 2 * m {
        return None;
    }
    // The centred moving average: for an even period, m + 1 weights with halves at the ends.
    let weights: Vec<f64> = if m.is_multiple_of(2) {
        let mut w = vec![1.0 / m as f64; m + 1];
        w[0] = 0.5 / m as f64;
        w[m] = 0.5 / m as f64;
        w
    } else {
        vec![1.0 / m as f64; m]
    };
    let half = weights.len() / 2;
    let trend: Vec<Option<f64>> = (0..n)
        .map(|t| {
            (t >= half && t + half < n).then(|| {
                weights
                    .iter()
                    .enumerate()
                    .map(|(k, w)| w * y[t + k - half])
                    .sum()
            })
        })
        .collect();
    let detrended: Vec<Option<f64>> = y
        .iter()
        .zip(&trend)
        .map(|(v, tr)| {
            tr.map(|tr| match kind {
                Kind::Additive => v - tr,
                Kind::Multiplicative => v / tr,
            })
        })
        .collect();
    let mut averages: Vec<f64> = (0..m)
        .map(|i| {
            let seen: Vec<f64> = detrended
                .iter()
                .skip(i)
                .step_by(m)
                .flatten()
                .copied()
                .collect();
            seen.iter().sum::<f64>() / seen.len().max(1) as f64
        })
        .collect();
    let mean = averages.iter().sum::<f64>() / m as f64;
    for a in &mut averages {
        match kind {
            Kind::Additive => *a -= mean,
            Kind::Multiplicative => *a /= mean,
        }
    }
    Some((0..n).map(|t| averages[t % m]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pure_seasonal_pattern_is_recovered() {
        let pattern = [1.2, 0.8, 1.0, 1.0];
        let y: Vec<f64> = (0..24).map(|t| 100.0 * pattern[t % 4]).collect();
        let s = seasonal(&y, 4, Kind::Multiplicative).unwrap();
        for (t, v) in s.iter().enumerate() {
            assert!((v - pattern[t % 4]).abs() < 1e-9, "{t}: {v}");
        }
        let a = seasonal(&y, 4, Kind::Additive).unwrap();
        assert!(
            (a[0] - 20.0).abs() < 1e-9 && (a[1] + 20.0).abs() < 1e-9,
            "{a:?}"
        );
        assert!(seasonal(&y[..7], 4, Kind::Additive).is_none());
    }
}
