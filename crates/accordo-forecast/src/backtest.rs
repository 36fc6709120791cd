//! Accuracy measured the way forecasts are used: from rolling origins, each model fitted on
//! the series up to the origin and scored on what followed. MASE (Hyndman and Koehler 2006,
//! scaled by the in-sample seasonal naive error), sMAPE (as in the M3 competition), and the
//! share of held-out values inside the 80% and 95% intervals.

use serde::Serialize;

use crate::{Forecast, ForecastError, ets, mstl, naive, theta};

/// The candidate models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    SeasonalNaive,
    Theta,
    Ets,
    Mstl,
}

impl Model {
    pub const ALL: [Model; 4] = [Model::SeasonalNaive, Model::Theta, Model::Ets, Model::Mstl];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::SeasonalNaive => "seasonal_naive",
            Model::Theta => "theta",
            Model::Ets => "ets",
            Model::Mstl => "mstl",
        }
    }

    /// The model [`Model::as_str`] names.
    pub fn parse(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Fits on `y` and forecasts `h` steps with period `m`.
    pub fn forecast(self, y: &[f64], m: usize, h: usize) -> Result<Forecast, ForecastError> {
        match self {
            Model::SeasonalNaive => naive::forecast(y, m, h),
            Model::Theta => theta::forecast(y, m, h, None).map(|(f, _)| f),
            Model::Ets => ets::forecast(y, m, h).map(|(f, _)| f),
            // On ln(1 + y): counts, whose season scales with their level.
            Model::Mstl => mstl::forecast(y, m, h, true),
        }
    }
}

/// One model's scores over the origins, by horizon (index 0 is one step ahead).
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub model: Model,
    pub mase: Vec<f64>,
    pub smape: Vec<f64>,
    /// Share of held-out values inside the 80% and 95% intervals, over every horizon.
    pub coverage80: f64,
    pub coverage95: f64,
    /// The mean of `mase` over the horizons: what the choice compares.
    pub mean_mase: f64,
}

/// sMAPE of one value, in percent (0 when both are 0).
fn smape(actual: f64, forecast: f64) -> f64 {
    let denom = actual.abs() + forecast.abs();
    if denom == 0.0 {
        0.0
    } else {
        200.0 * (actual - forecast).abs() / denom
    }
}

/// The in-sample mean absolute seasonal difference of `y`: MASE's scale (1 when it is 0, a
/// constant series, so that errors stay finite).
fn scale(y: &[f64], m: usize) -> f64 {
    let m = m.max(1);
    let n = y.len();
    if n <= m {
        return 1.0;
    }
    let s = (m..n).map(|t| (y[t] - y[t - m]).abs()).sum::<f64>() / (n - m) as f64;
    if s > 0.0 { s } else { 1.0 }
}

/// Scores `model` on `y` (period `m`) from `origins` rolling origins, the last one `h` steps
/// before the end, each one step after the one before. Exponential smoothing is fitted at the
/// first origin only, and carried to the later ones with its parameters and initial states
/// fixed (as statsforecast's `cross_validation(refit=False)`): choosing among fifteen models
/// again at every origin would cost the backtest 24 times as much.
pub fn score(
    model: Model,
    y: &[f64],
    m: usize,
    h: usize,
    origins: usize,
) -> Result<Scores, ForecastError> {
    let n = y.len();
    if origins == 0 || n < h + origins {
        return Err(ForecastError::TooShort {
            needed: h + origins,
            got: n,
        });
    }
    let (mut mase, mut smapes, mut counted) = (vec![0.0; h], vec![0.0; h], vec![0usize; h]);
    let (mut in80, mut in95, mut total) = (0usize, 0usize, 0usize);
    let mut fitted: Option<ets::Fit> = None;
    for k in 0..origins {
        let origin = n - h - (origins - 1 - k);
        let train = &y[..origin];
        let f = match (model, &fitted) {
            (Model::Ets, Some(first)) => first.extend(train).forecast(h),
            (Model::Ets, None) => {
                let fit = ets::auto(train, m)?;
                let f = fit.forecast(h);
                fitted = Some(fit);
                f
            }
            _ => model.forecast(train, m, h)?,
        };
        let s = scale(train, m);
        for j in 0..h.min(n - origin) {
            let actual = y[origin + j];
            mase[j] += (actual - f.mean[j]).abs() / s;
            smapes[j] += smape(actual, f.mean[j]);
            counted[j] += 1;
            in80 += usize::from(f.lo80[j] <= actual && actual <= f.hi80[j]);
            in95 += usize::from(f.lo95[j] <= actual && actual <= f.hi95[j]);
            total += 1;
        }
    }
    for j in 0..h {
        let c = counted[j].max(1) as f64;
        mase[j] /= c;
        smapes[j] /= c;
    }
    let mean_mase = mase.iter().sum::<f64>() / h as f64;
    Ok(Scores {
        model,
        mase,
        smape: smapes,
        coverage80: in80 as f64 / total.max(1) as f64,
        coverage95: in95 as f64 / total.max(1) as f64,
        mean_mase,
    })
}

/// The choice for a series: every candidate's scores, and the one with the lowest mean MASE
/// (the simpler on a tie: seasonal naive first).
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub chosen: Model,
    pub scores: Vec<Scores>,
}

/// Backtests every candidate on `y` and chooses.
pub fn choose(y: &[f64], m: usize, h: usize, origins: usize) -> Result<Choice, ForecastError> {
    let mut scores = Vec::new();
    for model in Model::ALL {
        scores.push(score(model, y, m, h, origins)?);
    }
    let chosen = scores
        .iter()
        .min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase))
        .map(|s| s.model)
        .ok_or(ForecastError::NoFit)?;
    Ok(Choice { chosen, scores })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Normal;

    /// A seasonal series with a trend and noise, never negative.
    fn simulated(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Normal::seeded(seed);
        (0..n)
            .map(|t| {
                let season = [0.6, 0.7, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6][t % 12];
                (1000.0 + 5.0 * t as f64) * season + 40.0 * rng.draw()
            })
            .map(|v: f64| v.max(0.0))
            .collect()
    }

    #[test]
    fn a_trending_seasonal_series_chooses_a_model_that_beats_the_naive_benchmark() {
        let y = simulated(144, 11);
        let choice = choose(&y, 12, 6, 24).unwrap();
        let of = |m: Model| {
            choice
                .scores
                .iter()
                .find(|s| s.model == m)
                .unwrap()
                .mean_mase
        };
        assert!(of(Model::Theta) < of(Model::SeasonalNaive), "{choice:?}");
        assert!(of(Model::Ets) < of(Model::SeasonalNaive), "{choice:?}");
        assert_ne!(choice.chosen, Model::SeasonalNaive);
        assert_eq!(of(choice.chosen), of(Model::Theta).min(of(Model::Ets)));
        assert_eq!(choice.scores[0].mase.len(), 6);
    }

    #[test]
    fn intervals_cover_about_what_they_say_on_a_simulated_series() {
        // Over 20 simulated series and 24 origins each, the 95% intervals of the theta
        // family cover between 85% and 100% of the held-out values, the 80% ones 65% to 95%.
        let (mut c80, mut c95) = (0.0, 0.0);
        for seed in 0..20 {
            let s = score(Model::Theta, &simulated(120, 100 + seed), 12, 6, 24).unwrap();
            c80 += s.coverage80 / 20.0;
            c95 += s.coverage95 / 20.0;
        }
        assert!((0.85..=1.0).contains(&c95), "95%: {c95}");
        assert!((0.65..=0.95).contains(&c80), "80%: {c80}");
    }

    #[test]
    fn forecasts_are_never_negative() {
        // A falling series near zero: the paths would cross zero; counts do not.
        let y: Vec<f64> = (0..60)
            .map(|t| (60 - t) as f64 * 3.0 + [5.0, 0.0, 9.0][t % 3])
            .collect();
        for model in Model::ALL {
            let f = model.forecast(&y, 12, 24).unwrap();
            for v in f.mean.iter().chain(&f.lo80).chain(&f.lo95).chain(&f.hi95) {
                assert!(*v >= 0.0, "{model:?}: {v}");
            }
        }
    }

    #[test]
    fn a_series_too_short_is_refused() {
        assert!(matches!(
            choose(&[1.0, 2.0, 3.0], 12, 6, 4),
            Err(ForecastError::TooShort { .. })
        ));
    }
}

/// A series' forecast by the model its backtest chose, with the backtest that chose it.
#[derive(Debug, Clone, Serialize)]
pub struct Chosen {
    pub forecast: Forecast,
    pub choice: Choice,
}

/// The fewest values a series needs for the whole pipeline with period `m`: two seasons, the
/// backtest's horizon and four origins.
pub fn needed(m: usize) -> usize {
    2 * m.max(1) + backtest_horizon(m) + 4
}

/// How far ahead the backtest scores: a season, at most 12 steps.
fn backtest_horizon(m: usize) -> usize {
    m.clamp(1, 12)
}

/// The whole pipeline on one series: backtest every candidate from rolling origins (up to 24,
/// the last a season before the end), choose the lowest mean MASE, and forecast `h` steps with
/// it on the whole series.
pub fn forecast_chosen(y: &[f64], m: usize, h: usize) -> Result<Chosen, ForecastError> {
    let need = needed(m);
    if y.len() < need {
        return Err(ForecastError::TooShort {
            needed: need,
            got: y.len(),
        });
    }
    let hb = backtest_horizon(m);
    let origins = (y.len() - hb - 2 * m.max(1)).clamp(1, 24);
    let choice = choose(y, m, hb, origins)?;
    let forecast = choice.chosen.forecast(y, m, h)?;
    Ok(Chosen { forecast, choice })
}

#[cfg(test)]
mod pipeline_tests {
    use super::*;

    #[test]
    fn the_pipeline_forecasts_with_the_model_its_backtest_chose() {
        let y: Vec<f64> = (0..96)
            .map(|t| 100.0 + 2.0 * t as f64 + [30.0, -10.0, -20.0, 0.0][t % 4] * 1.0)
            .collect();
        let out = forecast_chosen(&y, 4, 8).unwrap();
        assert_eq!(out.forecast.mean.len(), 8);
        let best = out
            .choice
            .scores
            .iter()
            .min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase))
            .unwrap();
        assert_eq!(best.model, out.choice.chosen);
        assert_eq!(
            forecast_chosen(&y[..needed(4) - 1], 4, 8).unwrap_err(),
            ForecastError::TooShort {
                needed: needed(4),
                got: needed(4) - 1
            }
        );
    }
}
