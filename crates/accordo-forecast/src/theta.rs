//! The theta family as Fiorucci et al. (2016) write it in state-space form: the standard
//! theta method (STM: θ = 2, Assimakopoulos and Nikolopoulos 2000), the optimised one (OTM:
//! θ fitted) and their dynamic versions (DSTM, DOTM: the linear trend's coefficients updated
//! with each observation). `auto` fits the four and keeps the smallest mean squared error, as
//! statsforecast's `AutoTheta` does, after a classical decomposition when the series is
//! seasonal (a 90% test on the autocorrelation at lag m).
//!
//! The parameters (initial level, α, θ) minimise the sum of squared one-step errors after
//! the first three, divided by the series' mean absolute value, with the bounded Nelder–Mead
//! method of `numeric`.

use crate::decompose::{self, Kind};
use crate::numeric;
use crate::{Forecast, ForecastError};

/// Which member of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Stm,
    Otm,
    Dstm,
    Dotm,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::Stm, Variant::Otm, Variant::Dstm, Variant::Dotm];

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Stm => "STM",
            Variant::Otm => "OTM",
            Variant::Dstm => "DSTM",
            Variant::Dotm => "DOTM",
        }
    }

    fn dynamic(self) -> bool {
        matches!(self, Variant::Dstm | Variant::Dotm)
    }

    fn optimises_theta(self) -> bool {
        matches!(self, Variant::Otm | Variant::Dotm)
    }
}

/// The state after an observation: the smoothed level, the running mean, the trend line's
/// intercept and slope (A, B), and the one-step forecast μ.
#[derive(Debug, Clone, Copy)]
struct State {
    level: f64,
    mean: f64,
    a: f64,
    b: f64,
    mu: f64,
}

#[derive(Debug, Clone, Copy)]
struct Params {
    level0: f64,
    alpha: f64,
    theta: f64,
}

/// A fitted member of the family.
#[derive(Debug, Clone)]
pub struct Fit {
    pub variant: Variant,
    pub alpha: f64,
    pub theta: f64,
    /// Mean squared error of the one-step forecasts (the objective, as statsforecast states it).
    pub mse: f64,
    level0: f64,
    /// How the series was seasonally adjusted before the fit (none: not seasonal).
    season: Option<Kind>,
    states: Vec<State>,
    residuals: Vec<f64>,
}

fn initial(y: &[f64], variant: Variant, p: Params) -> State {
    let (a, b, mu) = if variant.dynamic() {
        (y[0], 0.0, y[0])
    } else {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let weighted = y
            .iter()
            .enumerate()
            .map(|(t, v)| (t + 1) as f64 * v)
            .sum::<f64>()
            / n;
        let b = 6.0 * (2.0 * weighted - (n + 1.0) * mean) / (n * n - 1.0);
        let a = mean - (n + 1.0) * b / 2.0;
        (a, b, p.level0 + (1.0 - 1.0 / p.theta) * (a + b))
    };
    State {
        level: p.alpha * y[0] + (1.0 - p.alpha) * p.level0,
        mean: y[0],
        a,
        b,
        mu,
    }
}

/// The state at step `i` (0-based) from the one before, having observed `y` (or, forecasting,
/// its own one-step forecast when `y` is `None`).
fn step(prev: &State, i: usize, variant: Variant, p: Params, y: Option<f64>) -> State {
    step_decayed(prev, i, variant, p, y, decay(p, i))
}

/// `(1 - α)^i`, which the one-step forecast at step `i` weighs the trend line by.
fn decay(p: Params, i: usize) -> f64 {
    (1.0 - p.alpha).powi(i as i32)
}

/// The one-step forecast at a step whose [`decay`] is `decay`.
fn forecast_decayed(prev: &State, p: Params, decay: f64) -> f64 {
    prev.level
        + (1.0 - 1.0 / p.theta)
            * (prev.a * decay + prev.b * (1.0 - decay * (1.0 - p.alpha)) / p.alpha)
}

/// [`step`], its [`decay`] given: simulated paths share it at each step.
fn step_decayed(
    prev: &State,
    i: usize,
    variant: Variant,
    p: Params,
    y: Option<f64>,
    decay: f64,
) -> State {
    let mu = forecast_decayed(prev, p, decay);
    let y = y.unwrap_or(mu);
    let i_f = i as f64;
    let mean = (i_f * prev.mean + y) / (i_f + 1.0);
    let (a, b) = if variant.dynamic() {
        let b = ((i_f - 1.0) * prev.b + 6.0 * (y - prev.mean) / (i_f + 1.0)) / (i_f + 2.0);
        (mean - b * (i_f + 2.0) / 2.0, b)
    } else {
        (prev.a, prev.b)
    };
    State {
        level: p.alpha * y + (1.0 - p.alpha) * prev.level,
        mean,
        a,
        b,
        mu,
    }
}

/// Runs the model through `y`: the states and the one-step errors.
fn run(y: &[f64], variant: Variant, p: Params) -> (Vec<State>, Vec<f64>) {
    let mut states = Vec::with_capacity(y.len());
    let first = initial(y, variant, p);
    let mut errors = vec![y[0] - first.mu];
    states.push(first);
    for (i, v) in y.iter().enumerate().skip(1) {
        let next = step(&states[i - 1], i, variant, p, Some(*v));
        errors.push(v - next.mu);
        states.push(next);
    }
    (states, errors)
}

fn objective(y: &[f64], variant: Variant, p: Params) -> f64 {
    let (_, errors) = run(y, variant, p);
    let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64).max(1e-10);
    let sse: f64 = errors.iter().skip(3).map(|e| e * e).sum();
    if sse.is_finite() {
        sse / scale
    } else {
        f64::INFINITY
    }
}

/// Fits one member of the family to `y` (at least four observations).
pub fn fit(y: &[f64], variant: Variant) -> Result<Fit, ForecastError> {
    if y.len() < 4 {
        return Err(ForecastError::TooShort {
            needed: 4,
            got: y.len(),
        });
    }
    let start = Params {
        level0: y[0] / 2.0,
        alpha: 0.5,
        theta: 2.0,
    };
    let mut x0 = vec![start.level0, start.alpha];
    let mut lower = vec![-1e10, 0.1];
    let mut upper = vec![1e10, 0.99];
    if variant.optimises_theta() {
        x0.push(start.theta);
        lower.push(1.0);
        upper.push(1e10);
    }
    let params = |x: &[f64]| Params {
        level0: x[0],
        alpha: x[1],
        theta: x.get(2).copied().unwrap_or(2.0),
    };
    let f = |x: &[f64]| objective(y, variant, params(x));
    let (best, _) = numeric::nelder_mead(&f, &x0, &lower, &upper, 1e-4, 1000);
    let p = params(&best);
    let (states, residuals) = run(y, variant, p);
    let mse = residuals.iter().skip(3).map(|e| e * e).sum::<f64>() / (y.len() - 3) as f64;
    Ok(Fit {
        variant,
        alpha: p.alpha,
        theta: p.theta,
        mse,
        level0: p.level0,
        season: None,
        states,
        residuals,
    })
}

impl Fit {
    fn params(&self) -> Params {
        Params {
            level0: 0.0,
            alpha: self.alpha,
            theta: self.theta,
        }
    }

    /// The point forecasts `h` steps on.
    pub fn mean(&self, h: usize) -> Vec<f64> {
        let n = self.states.len();
        let mut last = *self.states.last().unwrap_or_else(|| unreachable!("fitted"));
        (0..h)
            .map(|j| {
                last = step(&last, n + j, self.variant, self.params(), None);
                last.mu
            })
            .collect()
    }

    /// Simulated future paths (`paths` of them, seeded): each step adds a normal error of
    /// the residuals' standard deviation and updates the state with it.
    fn paths(&self, h: usize, paths: usize) -> Vec<Vec<f64>> {
        let tail: Vec<f64> = self.residuals.iter().skip(3).copied().collect();
        let sd = std_dev(if tail.len() >= 2 {
            &tail
        } else {
            &self.residuals
        });
        let n = self.states.len();
        let mut by_step = vec![Vec::with_capacity(paths); h];
        if h == 0 {
            return by_step;
        }
        let p = self.params();
        let decays: Vec<f64> = (n..n + h).map(|i| decay(p, i)).collect();
        // The paths advance together, a step at a time: independent work the processor
        // overlaps, where one path's steps wait on each other.
        let first = *self.states.last().unwrap_or_else(|| unreachable!("fitted"));
        let mut states = vec![first; paths];
        numeric::with_draws(0x7E7A, paths * h, |draws| {
            for (j, column) in by_step.iter_mut().enumerate() {
                for (i, state) in states.iter_mut().enumerate() {
                    let y = forecast_decayed(state, p, decays[j]) + sd * draws[i * h + j];
                    *state = step_decayed(state, n + j, self.variant, p, Some(y), decays[j]);
                    column.push(y);
                }
            }
        });
        by_step
    }
}

fn std_dev(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Fits the theta family to `y` with seasonal period `m` (1: none) and forecasts `h` steps:
/// the four variants, or only `only`, after a seasonal adjustment when the series is seasonal.
pub fn forecast(
    y: &[f64],
    m: usize,
    h: usize,
    only: Option<Variant>,
) -> Result<(Forecast, Fit), ForecastError> {
    forecast_with(y, m, h, only, crate::PATHS)
}

/// [`forecast`], the intervals read from `paths` simulated paths.
pub fn forecast_with(
    y: &[f64],
    m: usize,
    h: usize,
    only: Option<Variant>,
    paths: usize,
) -> Result<(Forecast, Fit), ForecastError> {
    let n = y.len();
    if n < 4 {
        return Err(ForecastError::TooShort { needed: 4, got: n });
    }
    let seasonal_test = m >= 4 && n >= 2 * m && {
        let r = numeric::acf(y, m);
        let stat = ((1.0 + 2.0 * r[..m - 1].iter().map(|v| v * v).sum::<f64>()) / n as f64).sqrt();
        r[m - 1].abs() / stat > numeric::Z_90_ONE_SIDED
    };
    let (adjusted, season): (Vec<f64>, Option<(Vec<f64>, Kind)>) = if seasonal_test {
        let positive = y.iter().all(|v| *v > 0.0);
        let mut kind = if positive {
            Kind::Multiplicative
        } else {
            Kind::Additive
        };
        let mut s = decompose::seasonal(y, m, kind).unwrap_or_else(|| vec![1.0; n]);
        if kind == Kind::Multiplicative && s.iter().any(|v| *v < 0.01) {
            kind = Kind::Additive;
            s = decompose::seasonal(y, m, kind).unwrap_or_else(|| vec![0.0; n]);
        }
        let adjusted = y
            .iter()
            .zip(&s)
            .map(|(v, s)| match kind {
                Kind::Additive => v - s,
                Kind::Multiplicative => v / s,
            })
            .collect();
        // The seasonal forecast: the component's last period, repeated.
        (adjusted, Some((s[n - m..].to_vec(), kind)))
    } else {
        (y.to_vec(), None)
    };
    let variants: Vec<Variant> = only.map_or(Variant::ALL.to_vec(), |v| vec![v]);
    let mut best: Option<Fit> = None;
    for v in variants {
        let fitted = fit(&adjusted, v)?;
        if fitted.mse.is_finite() && best.as_ref().is_none_or(|b| fitted.mse < b.mse) {
            best = Some(fitted);
        }
    }
    let mut best = best.ok_or(ForecastError::NoFit)?;
    best.season = season.as_ref().map(|(_, kind)| *kind);
    Ok((finish(&best, season, m, h, paths), best))
}

/// The forecast of a fitted member: its mean and simulated intervals, the season put back.
fn finish(
    best: &Fit,
    season: Option<(Vec<f64>, Kind)>,
    m: usize,
    h: usize,
    paths: usize,
) -> Forecast {
    let mut mean = best.mean(h);
    let mut bands: Vec<[f64; 4]> = best
        .paths(h, paths)
        .into_iter()
        .map(|mut column| numeric::bands(&mut column))
        .collect();
    if let Some((last, kind)) = season {
        for j in 0..h {
            let s = last[j % m];
            let apply = |v: &mut f64| match kind {
                Kind::Additive => *v += s,
                Kind::Multiplicative => *v *= s,
            };
            apply(&mut mean[j]);
            bands[j].iter_mut().for_each(apply);
        }
    }
    Forecast::from_bands(mean, &bands)
}

/// The same member, its parameters (initial level, α, θ) and seasonal adjustment fixed,
/// forecast from the end of `y` (the series it was fitted on with what came after): a later
/// origin of a backtest without fitting again. The intervals are read from `paths` simulated
/// paths.
pub fn extend(
    fitted: &Fit,
    y: &[f64],
    m: usize,
    h: usize,
    paths: usize,
) -> Result<Forecast, ForecastError> {
    if y.len() < 4 {
        return Err(ForecastError::TooShort {
            needed: 4,
            got: y.len(),
        });
    }
    let n = y.len();
    let season = match fitted.season {
        None => None,
        Some(kind) => {
            let s = decompose::seasonal(y, m, kind).ok_or(ForecastError::NoFit)?;
            // As `forecast` would not divide by a factor near 0 (months without any), this
            // fit does not carry over: the caller fits afresh.
            if kind == Kind::Multiplicative && s.iter().any(|v| !(v.is_finite() && *v >= 0.01)) {
                return Err(ForecastError::NoFit);
            }
            Some((s, kind))
        }
    };
    let adjusted: Vec<f64> = match &season {
        None => y.to_vec(),
        Some((s, kind)) => y
            .iter()
            .zip(s)
            .map(|(v, s)| match kind {
                Kind::Additive => v - s,
                Kind::Multiplicative => v / s,
            })
            .collect(),
    };
    let p = Params {
        level0: fitted.level0,
        alpha: fitted.alpha,
        theta: fitted.theta,
    };
    let (states, residuals) = run(&adjusted, fitted.variant, p);
    let moved = Fit {
        states,
        residuals,
        ..fitted.clone()
    };
    Ok(finish(
        &moved,
        season.map(|(s, kind)| (s[n - m..].to_vec(), kind)),
        m,
        h,
        paths,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Normal;

    fn seasonal(n: usize) -> Vec<f64> {
        let mut rng = Normal::seeded(21);
        (0..n)
            .map(|t| {
                let season = [0.6, 0.7, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6][t % 12];
                (500.0 + 3.0 * t as f64) * season * (1.0 + 0.03 * rng.draw())
            })
            .collect()
    }

    #[test]
    fn a_fit_carried_over_its_own_series_forecasts_as_it_did_and_moves_on_with_more() {
        let y = seasonal(96);
        let (f, fit) = forecast(&y[..84], 12, 6, None).unwrap();
        assert!(fit.season.is_some(), "a seasonal series is adjusted");
        assert_eq!(extend(&fit, &y[..84], 12, 6, crate::PATHS).unwrap(), f);
        // Twelve months on: the forecast starts from the new end, a season later.
        let later = extend(&fit, &y, 12, 6, crate::PATHS).unwrap();
        assert_ne!(later, f);
        assert!((later.mean[0] - y[84]).abs() < 0.25 * y[84], "{later:?}");
    }
}
