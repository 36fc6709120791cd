//! Accuracy measured the way forecasts are used: from rolling origins, each model fitted on
//! the series up to the origin and scored on what followed. MASE (Hyndman and Koehler 2006,
//! scaled by the in-sample seasonal naive error), sMAPE (as in the M3 competition), and the
//! share of held-out values inside the 80% and 95% intervals.

use serde::Serialize;

use crate::{BACKTEST_PATHS, Forecast, ForecastError, ets, mstl, naive, theta};

/// The candidate models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    SeasonalNaive,
    Theta,
    Ets,
    Mstl,
    /// The mean of exponential smoothing's and the theta family's forecasts, bound by bound.
    #[serde(rename = "ets_theta")]
    Combination,
}

impl Model {
    pub const ALL: [Model; 5] = [
        Model::SeasonalNaive,
        Model::Theta,
        Model::Ets,
        Model::Mstl,
        Model::Combination,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::SeasonalNaive => "seasonal_naive",
            Model::Theta => "theta",
            Model::Ets => "ets",
            Model::Mstl => "mstl",
            Model::Combination => "ets_theta",
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
            Model::Combination => Ok(mean_of(
                &Model::Ets.forecast(y, m, h)?,
                &Model::Theta.forecast(y, m, h)?,
            )),
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

/// The in-sample mean absolute seasonal difference of `y`: MASE's scale. Where it is 0 (the
/// same value a season apart all along, e.g. a route with no crossings), the mean absolute
/// first difference, then the mean absolute value, then 1: errors stay finite and keep the
/// series' own units of change.
fn scale(y: &[f64], m: usize) -> f64 {
    let mean_abs_diff = |lag: usize| -> f64 {
        let n = y.len();
        if n <= lag {
            return 0.0;
        }
        (lag..n).map(|t| (y[t] - y[t - lag]).abs()).sum::<f64>() / (n - lag) as f64
    };
    let level = y.iter().map(|v| v.abs()).sum::<f64>() / y.len().max(1) as f64;
    [mean_abs_diff(m.max(1)), mean_abs_diff(1), level]
        .into_iter()
        .find(|s| *s > 0.0)
        .unwrap_or(1.0)
}

/// The mean of two forecasts, bound by bound (the combination's; a mean of quantiles).
fn mean_of(a: &Forecast, b: &Forecast) -> Forecast {
    let mid = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| (p + q) / 2.0).collect();
    Forecast {
        mean: mid(&a.mean, &b.mean),
        lo80: mid(&a.lo80, &b.lo80),
        hi80: mid(&a.hi80, &b.hi80),
        lo95: mid(&a.lo95, &b.lo95),
        hi95: mid(&a.hi95, &b.hi95),
    }
}

/// Where the origins are: `origins` of them, the last `h` steps before the end of `n` values,
/// each one step after the one before.
fn origins_of(n: usize, h: usize, origins: usize) -> Result<Vec<usize>, ForecastError> {
    if origins == 0 || n < h + origins {
        return Err(ForecastError::TooShort {
            needed: h + origins,
            got: n,
        });
    }
    Ok((0..origins).map(|k| n - h - (origins - 1 - k)).collect())
}

/// `model`'s forecasts from each origin. The models that estimate parameters (exponential
/// smoothing, the theta family, MSTL) are fitted at the first origin only, and carried to the
/// later ones with their parameters fixed (as statsforecast's `cross_validation(refit=False)`):
/// fitting them again at each of 24 origins would cost the backtest 24 times as much.
/// Exponential smoothing fits `spec` when given (the model AICc chose on the whole series), or
/// chooses among all at the first origin. Simulated intervals are read from
/// [`BACKTEST_PATHS`] paths.
fn from_origins(
    model: Model,
    y: &[f64],
    m: usize,
    h: usize,
    at: &[usize],
    spec: Option<ets::Spec>,
) -> Result<Vec<Forecast>, ForecastError> {
    let Some((&first, later)) = at.split_first() else {
        return Ok(Vec::new());
    };
    let head = &y[..first];
    let mut out = Vec::with_capacity(at.len());
    match model {
        Model::Ets => {
            let fit = match spec {
                Some(spec) => ets::fit(head, m, spec).or_else(|_| ets::auto(head, m))?,
                None => ets::auto(head, m)?,
            };
            out.push(fit.forecast_with(h, BACKTEST_PATHS));
            for &origin in later {
                out.push(fit.extend(&y[..origin]).forecast_with(h, BACKTEST_PATHS));
            }
        }
        Model::Theta => {
            let (f, fit) = theta::forecast_with(head, m, h, None, BACKTEST_PATHS)?;
            out.push(f);
            for &origin in later {
                let prefix = &y[..origin];
                out.push(match theta::extend(&fit, prefix, m, h, BACKTEST_PATHS) {
                    Ok(f) => f,
                    Err(_) => theta::forecast_with(prefix, m, h, None, BACKTEST_PATHS)?.0,
                });
            }
        }
        Model::Mstl => {
            let (f, fit) = mstl::fit(head, m, h, true)?;
            out.push(f);
            for &origin in later {
                out.push(mstl::extend(&fit, &y[..origin], m, h)?);
            }
        }
        Model::Combination => {
            let ets = from_origins(Model::Ets, y, m, h, at, spec)?;
            let theta = from_origins(Model::Theta, y, m, h, at, None)?;
            out = ets.iter().zip(&theta).map(|(a, b)| mean_of(a, b)).collect();
        }
        Model::SeasonalNaive => {
            for &origin in at {
                out.push(model.forecast(&y[..origin], m, h)?);
            }
        }
    }
    Ok(out)
}

/// The scores of `model`'s forecasts `fs` made from the origins `at`.
fn scored(model: Model, y: &[f64], m: usize, h: usize, at: &[usize], fs: &[Forecast]) -> Scores {
    let n = y.len();
    let (mut mase, mut smapes, mut counted) = (vec![0.0; h], vec![0.0; h], vec![0usize; h]);
    let (mut in80, mut in95, mut total) = (0usize, 0usize, 0usize);
    for (&origin, f) in at.iter().zip(fs) {
        let s = scale(&y[..origin], m);
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
    Scores {
        model,
        mase,
        smape: smapes,
        coverage80: in80 as f64 / total.max(1) as f64,
        coverage95: in95 as f64 / total.max(1) as f64,
        mean_mase,
    }
}

/// Scores `model` on `y` (period `m`) from `origins` rolling origins, the last one `h` steps
/// before the end, each one step after the one before.
pub fn score(
    model: Model,
    y: &[f64],
    m: usize,
    h: usize,
    origins: usize,
) -> Result<Scores, ForecastError> {
    let at = origins_of(y.len(), h, origins)?;
    let fs = from_origins(model, y, m, h, &at, None)?;
    Ok(scored(model, y, m, h, &at, &fs))
}

/// The choice for a series: every candidate's scores, and the one chosen ([`choose`]: the
/// combination unless another did 20% better; among those, the lowest mean MASE, the simpler
/// on a tie).
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub chosen: Model,
    pub scores: Vec<Scores>,
}

/// How much better than the combination's a model's backtest must be for it to be chosen
/// instead: 20% lower mean MASE. A backtest over a few dozen origins is a small sample, and
/// choosing its winner outright chose noise: on M3's 1,428 monthly series the lowest mean MASE
/// gave 0.870, the combination alone 0.838, this rule 0.849 (M1: 1.057 against the
/// combination's 1.037; Tourism: 1.493 against 1.537), each below statsforecast's AutoETS and
/// AutoTheta (bench/flows).
pub const SWITCH_MARGIN: f64 = 0.2;

impl Choice {
    /// The scores of `model`, when it was a candidate for this series.
    pub fn of(&self, model: Model) -> Option<&Scores> {
        self.scores.iter().find(|s| s.model == model)
    }
}

/// Backtests every candidate on `y` and chooses: the combination of exponential smoothing and
/// the theta family (combinations won the M competitions), unless another candidate did
/// [`SWITCH_MARGIN`] better. The combination is scored from its members' forecasts, not
/// fitted twice.
pub fn choose(y: &[f64], m: usize, h: usize, origins: usize) -> Result<Choice, ForecastError> {
    choose_with(y, m, h, origins, None)
}

/// [`choose`], exponential smoothing's model (`spec`) already chosen on the whole series.
fn choose_with(
    y: &[f64],
    m: usize,
    h: usize,
    origins: usize,
    spec: Option<ets::Spec>,
) -> Result<Choice, ForecastError> {
    let at = origins_of(y.len(), h, origins)?;
    // A candidate that cannot forecast this series (MSTL without a season, say) is left out,
    // not the series.
    let mut made: Vec<(Model, Vec<Forecast>)> = Vec::new();
    let mut failed = None;
    for model in Model::ALL {
        let fs = if model == Model::Combination {
            let of = |wanted: Model| {
                made.iter()
                    .find(|(m, _)| *m == wanted)
                    .map(|(_, fs)| fs.as_slice())
            };
            let (Some(ets), Some(theta)) = (of(Model::Ets), of(Model::Theta)) else {
                continue;
            };
            ets.iter().zip(theta).map(|(a, b)| mean_of(a, b)).collect()
        } else {
            match from_origins(model, y, m, h, &at, spec) {
                Ok(fs) => fs,
                Err(e) => {
                    failed = failed.or(Some(e));
                    continue;
                }
            }
        };
        made.push((model, fs));
    }
    if made.is_empty() {
        return Err(failed.unwrap_or(ForecastError::NoFit));
    }
    let scores: Vec<Scores> = made
        .iter()
        .map(|(model, fs)| scored(*model, y, m, h, &at, fs))
        .collect();
    let best = scores
        .iter()
        .min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase))
        .ok_or(ForecastError::NoFit)?;
    let combination = scores.iter().find(|s| s.model == Model::Combination);
    let chosen = match combination {
        Some(c) if best.mean_mase > (1.0 - SWITCH_MARGIN) * c.mean_mase => Model::Combination,
        _ => best.model,
    };
    Ok(Choice { chosen, scores })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::numeric::Normal;

    /// The rule, restated: the lowest mean MASE if it beats the combination's by 20%, else
    /// the combination.
    pub(crate) fn expected(choice: &Choice) -> Model {
        let of = |m: Model| choice.of(m).unwrap().mean_mase;
        let best = choice
            .scores
            .iter()
            .min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase))
            .unwrap();
        if best.mean_mase <= 0.8 * of(Model::Combination) {
            best.model
        } else {
            Model::Combination
        }
    }

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
        let of = |m: Model| choice.of(m).unwrap().mean_mase;
        assert!(of(Model::Theta) < of(Model::SeasonalNaive), "{choice:?}");
        assert!(of(Model::Ets) < of(Model::SeasonalNaive), "{choice:?}");
        assert_ne!(choice.chosen, Model::SeasonalNaive);
        assert_eq!(choice.chosen, expected(&choice));
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
    fn mase_s_scale_falls_back_when_the_seasonal_differences_are_all_zero() {
        let seasonal = [3.0, 9.0, 3.0, 9.0, 3.0, 9.0];
        assert_eq!(
            scale(&seasonal, 2),
            6.0,
            "a season apart: equal; a month apart: 6"
        );
        assert_eq!(scale(&[4.0, 4.0, 4.0], 1), 4.0, "flat: its level");
        assert_eq!(scale(&[0.0, 0.0, 0.0], 1), 1.0, "all zero: 1");
        assert_eq!(scale(&[1.0, 3.0, 2.0, 5.0], 1), 2.0);
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
/// the last a season before the end), choose ([`choose`]), and forecast `h` steps with it on
/// the whole series.
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
    // Exponential smoothing chooses its model (AICc) once, on the whole series; the backtest
    // fits that model from its first origin, and the forecast is this fit's.
    let full = ets::auto(y, m).ok();
    let choice = choose_with(y, m, hb, origins, full.as_ref().map(|f| f.spec))?;
    let forecast = match (choice.chosen, &full) {
        (Model::Ets, Some(fit)) => fit.forecast(h),
        (Model::Combination, Some(fit)) => {
            mean_of(&fit.forecast(h), &theta::forecast(y, m, h, None)?.0)
        }
        (model, _) => model.forecast(y, m, h)?,
    };
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
        assert_eq!(out.choice.chosen, super::tests::expected(&out.choice));
        assert_eq!(
            forecast_chosen(&y[..needed(4) - 1], 4, 8).unwrap_err(),
            ForecastError::TooShort {
                needed: needed(4),
                got: needed(4) - 1
            }
        );
    }

    #[test]
    fn a_candidate_that_cannot_forecast_a_series_is_left_out_not_the_series() {
        // No season (m = 1): MSTL has nothing to decompose; the others still choose.
        let y: Vec<f64> = (0..40)
            .map(|t| 50.0 + t as f64 + [3.0, -2.0][t % 2])
            .collect();
        let out = forecast_chosen(&y, 1, 3).unwrap();
        assert!(out.choice.scores.iter().all(|s| s.model != Model::Mstl));
        assert!(
            out.choice
                .scores
                .iter()
                .any(|s| s.model == Model::Combination)
        );
        assert_eq!(out.forecast.mean.len(), 3);
    }
}
