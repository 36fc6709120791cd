//! The seasonal naive method: each period repeats the same period of the last season; the
//! benchmark every other model must beat. Intervals as statsforecast's: σ from the seasonal
//! differences, widening with each completed season ahead.

use crate::numeric::{Z_80, Z_95};
use crate::{Forecast, ForecastError};

/// Forecasts `h` steps of `y` with period `m` (1: the naive method).
pub fn forecast(y: &[f64], m: usize, h: usize) -> Result<Forecast, ForecastError> {
    let m = m.max(1);
    let n = y.len();
    if n <= m {
        return Err(ForecastError::TooShort {
            needed: m + 1,
            got: n,
        });
    }
    let sse: f64 = (m..n).map(|t| (y[t] - y[t - m]).powi(2)).sum();
    let sigma = (sse / (n - m) as f64).sqrt();
    let mean: Vec<f64> = (0..h).map(|j| y[n - m + j % m]).collect();
    let bands: Vec<[f64; 4]> = mean
        .iter()
        .enumerate()
        .map(|(j, mu)| {
            let sd = sigma * (((j / m) + 1) as f64).sqrt();
            [
                mu - Z_80 * sd,
                mu + Z_80 * sd,
                mu - Z_95 * sd,
                mu + Z_95 * sd,
            ]
        })
        .collect();
    Ok(Forecast::from_bands(mean, &bands))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_season_repeats_and_the_band_widens_each_season() {
        let y = [10.0, 20.0, 30.0, 12.0, 22.0, 33.0];
        let f = forecast(&y, 3, 7).unwrap();
        assert_eq!(f.mean, vec![12.0, 22.0, 33.0, 12.0, 22.0, 33.0, 12.0]);
        // σ² = (2² + 2² + 3²) / 3.
        let sigma = (17.0f64 / 3.0).sqrt();
        assert!((f.hi95[0] - (12.0 + Z_95 * sigma)).abs() < 1e-9);
        assert!((f.hi95[3] - (12.0 + Z_95 * sigma * 2f64.sqrt())).abs() < 1e-9);
        // Never below zero for counts.
        assert!(f.lo95.iter().all(|v| *v >= 0.0));
        assert!(forecast(&y[..3], 3, 1).is_err());
    }
}
