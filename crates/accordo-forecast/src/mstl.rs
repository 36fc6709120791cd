//! A decomposition model, as statsforecast's `MSTL`: the series is split by STL (Cleveland et
//! al. 1990, the `stlrs` crate, with the settings statsmodels' `STL` takes under
//! statsforecast: a seasonal window of 11 and degree 0, trend window 21, low-pass 13, every
//! jump 1, five inner loops, no robustness loops), the seasonally adjusted series is forecast
//! by exponential smoothing without a season ([`ets::auto`] with no period, statsforecast's
//! `AutoETS(model="ZZN")`), and the last season of the seasonal component is added back,
//! repeated, to the mean and to the intervals.
//!
//! For counts, [`forecast`] can work on `ln(1 + y)` and transform back (`exp(z) - 1`): a
//! seasonal swing then scales with the level instead of pushing a low season below zero, and
//! the back-transformed mean is the forecast median (intervals, being quantiles, carry over).

use crate::{Forecast, ForecastError, ets};

/// The seasonal component of `y` with period `m`, or `None` when STL refuses it (under two
/// periods).
pub fn seasonal(y: &[f64], m: usize) -> Option<Vec<f64>> {
    if m < 2 || y.len() < 2 * m {
        return None;
    }
    let series: Vec<f32> = y.iter().map(|v| *v as f32).collect();
    let seasonal_window = 11;
    let trend_window = {
        let t = (1.5 * m as f64 / (1.0 - 1.5 / seasonal_window as f64)).ceil() as usize;
        if t.is_multiple_of(2) { t + 1 } else { t }
    };
    let low_pass = if m.is_multiple_of(2) { m + 1 } else { m };
    let fitted = stlrs::params()
        .seasonal_length(seasonal_window)
        .trend_length(trend_window)
        .low_pass_length(low_pass)
        .seasonal_degree(0)
        .trend_degree(1)
        .low_pass_degree(1)
        .seasonal_jump(1)
        .trend_jump(1)
        .low_pass_jump(1)
        .inner_loops(5)
        .outer_loops(0)
        .fit(&series, m)
        .ok()?;
    Some(fitted.seasonal().iter().map(|v| f64::from(*v)).collect())
}

/// A fitted MSTL: the trend model of the adjusted series, and the scale it works on.
#[derive(Debug, Clone)]
pub struct Fit {
    pub trend: ets::Fit,
    pub log: bool,
}

/// Forecasts `h` steps of `y` with period `m`, on `ln(1 + y)` when `log` (every value must
/// then be 0 or more).
pub fn forecast(y: &[f64], m: usize, h: usize, log: bool) -> Result<Forecast, ForecastError> {
    fit(y, m, h, log).map(|(f, _)| f)
}

/// [`forecast`], with the fit that made it.
pub fn fit(y: &[f64], m: usize, h: usize, log: bool) -> Result<(Forecast, Fit), ForecastError> {
    let (z, season) = adjusted(y, m, log)?;
    let with_season: Vec<f64> = z.iter().zip(&season).map(|(v, s)| v - s).collect();
    let trend = ets::auto(&with_season, 1)?;
    let f = compose(&trend, &season, m, h, log);
    Ok((f, Fit { trend, log }))
}

/// The same trend model, its parameters and initial states fixed, on `y` (the series it was
/// fitted on with what came after; decomposed again): a later origin of a backtest without
/// fitting again.
pub fn extend(fitted: &Fit, y: &[f64], m: usize, h: usize) -> Result<Forecast, ForecastError> {
    let (z, season) = adjusted(y, m, fitted.log)?;
    let without: Vec<f64> = z.iter().zip(&season).map(|(v, s)| v - s).collect();
    let trend = fitted.trend.extend(&without);
    Ok(compose(&trend, &season, m, h, fitted.log))
}

/// The series on its working scale and its seasonal component.
fn adjusted(y: &[f64], m: usize, log: bool) -> Result<(Vec<f64>, Vec<f64>), ForecastError> {
    let needed = 2 * m.max(2);
    if y.len() < needed {
        return Err(ForecastError::TooShort {
            needed,
            got: y.len(),
        });
    }
    let z: Vec<f64> = if log {
        y.iter().map(|v| v.max(0.0).ln_1p()).collect()
    } else {
        y.to_vec()
    };
    let season = seasonal(&z, m).ok_or(ForecastError::NoFit)?;
    Ok((z, season))
}

/// The trend model's forecast with the last season added back, on the original scale.
fn compose(trend: &ets::Fit, season: &[f64], m: usize, h: usize, log: bool) -> Forecast {
    let inner = trend.forecast_uncut(h);
    let n = season.len();
    let back = |v: f64| if log { v.exp_m1() } else { v };
    let mut mean = Vec::with_capacity(h);
    let mut bands = Vec::with_capacity(h);
    for j in 0..h {
        // The seasonal naive of the component: the value a season before, repeated.
        let s = season[n - m + j % m];
        mean.push(back(inner.mean[j] + s));
        bands.push([
            back(inner.lo80[j] + s),
            back(inner.hi80[j] + s),
            back(inner.lo95[j] + s),
            back(inner.hi95[j] + s),
        ]);
    }
    Forecast::from_bands(mean, &bands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Normal;

    fn seasonal_counts(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Normal::seeded(seed);
        (0..n)
            .map(|t| {
                let season = [0.2, 0.3, 0.6, 1.0, 1.5, 1.9, 2.2, 2.0, 1.4, 0.9, 0.4, 0.2][t % 12];
                ((300.0 + 2.0 * t as f64) * season * (1.0 + 0.05 * rng.draw())).max(0.0)
            })
            .collect()
    }

    #[test]
    fn the_seasonal_component_repeats_the_pattern_and_the_forecast_follows_it() {
        let y = seasonal_counts(120, 3);
        let s = seasonal(&y, 12).unwrap();
        assert_eq!(s.len(), 120);
        // July's component above January's, as the pattern has it.
        assert!(s[114] > s[108] + 300.0, "{:?}", &s[108..]);
        for log in [false, true] {
            let f = forecast(&y, 12, 12, log).unwrap();
            assert!(f.mean[6] > 3.0 * f.mean[0], "{log}: {:?}", f.mean);
            for j in 0..12 {
                assert!(f.lo95[j] >= 0.0);
                assert!(
                    f.lo95[j] <= f.lo80[j] && f.lo80[j] <= f.mean[j],
                    "{log} {j}"
                );
                assert!(
                    f.mean[j] <= f.hi80[j] && f.hi80[j] <= f.hi95[j],
                    "{log} {j}"
                );
            }
        }
    }

    #[test]
    fn on_the_log_scale_a_low_season_stays_above_zero_where_the_raw_scale_cuts_it() {
        // A falling series with a deep season: additively, the low months go below zero
        // (cut to 0); on the log scale they stay positive.
        let y: Vec<f64> = (0..96)
            .map(|t| {
                let level = 1000.0 * (-(t as f64) / 40.0).exp();
                level * [0.05, 0.1, 0.5, 1.0, 1.8, 2.4, 2.6, 2.0, 1.4, 0.8, 0.2, 0.05][t % 12]
            })
            .collect();
        let raw = forecast(&y, 12, 12, false).unwrap();
        let logged = forecast(&y, 12, 12, true).unwrap();
        assert!(raw.mean.contains(&0.0), "{:?}", raw.mean);
        assert!(logged.mean.iter().all(|v| *v > 0.0), "{:?}", logged.mean);
        assert_eq!(
            forecast(&y[..23], 12, 6, true).unwrap_err(),
            ForecastError::TooShort {
                needed: 24,
                got: 23
            }
        );
    }

    #[test]
    fn a_fit_carried_over_its_own_series_forecasts_as_it_did() {
        let y = seasonal_counts(96, 8);
        let (f, fitted) = fit(&y[..84], 12, 6, true).unwrap();
        assert_eq!(extend(&fitted, &y[..84], 12, 6).unwrap(), f);
        let later = extend(&fitted, &y, 12, 6).unwrap();
        assert_ne!(later, f);
        assert_eq!(later.mean.len(), 6);
    }
}
