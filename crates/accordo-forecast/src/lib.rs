//! Forecasts of counts with prediction intervals.
//!
//! - [`backtest`]: rolling-origin scores (MASE, sMAPE, interval coverage) and the choice.
//! - [`naive`]: seasonal naive, the benchmark.
//! - [`theta`]: the theta family (STM, OTM, DSTM, DOTM) and its automatic choice.
//! - [`ets`]: exponential smoothing (ETS) and its automatic choice by AICc (AutoETS).
//! - [`mstl`]: STL decomposition with exponential smoothing of the adjusted series (MSTL).
//! - [`decompose`]: classical seasonal decomposition.
//! - [`warning`]: surprises against one-step forecasts, and change points on the log scale.
//! - [`numeric`]: the autocorrelation, normal quantiles, a seeded normal source, Nelder–Mead
//!   and Levenberg–Marquardt.
//!
//! Counts are never negative: a forecast and its intervals are cut at zero. Pure: no I/O.

pub mod backtest;
pub mod decompose;
pub mod ets;
pub mod mstl;
pub mod naive;
pub mod numeric;
pub mod theta;
pub mod warning;

use serde::Serialize;

/// How many simulated paths a forecast's intervals are read from, where they are simulated
/// (multiplicative seasons, the theta family).
pub const PATHS: usize = 2000;

/// How many a backtest's forecasts read theirs from: their intervals only count how often the
/// held-out values fall inside (the choice reads the means), and a backtest makes dozens of
/// forecasts a series. A quarter of [`PATHS`] puts each bound within about a sixth of a
/// percentage point of coverage of where 2,000 paths put it.
pub const BACKTEST_PATHS: usize = 500;

/// A forecast: the mean path and its 80% and 95% prediction intervals, never below zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub mean: Vec<f64>,
    pub lo80: Vec<f64>,
    pub hi80: Vec<f64>,
    pub lo95: Vec<f64>,
    pub hi95: Vec<f64>,
}

impl Forecast {
    /// From the mean and, per step, `[lo80, hi80, lo95, hi95]`; cut at zero.
    pub fn from_bands(mean: Vec<f64>, bands: &[[f64; 4]]) -> Self {
        Forecast::uncut(mean, bands).cut()
    }

    /// From the mean and the bands as they are (a component of a forecast, which may be
    /// negative where the whole is not).
    pub fn uncut(mean: Vec<f64>, bands: &[[f64; 4]]) -> Self {
        let col = |i: usize| bands.iter().map(|b| b[i]).collect();
        Forecast {
            mean,
            lo80: col(0),
            hi80: col(1),
            lo95: col(2),
            hi95: col(3),
        }
    }

    /// Every value cut at zero: counts are never negative.
    pub fn cut(self) -> Self {
        let cut = |v: Vec<f64>| v.into_iter().map(|x| x.max(0.0)).collect();
        Forecast {
            mean: cut(self.mean),
            lo80: cut(self.lo80),
            hi80: cut(self.hi80),
            lo95: cut(self.lo95),
            hi95: cut(self.hi95),
        }
    }
}

/// Why a series could not be forecast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    #[error("the series is too short to forecast: {got} values, at least {needed} needed")]
    TooShort { needed: usize, got: usize },
    #[error("no model could be fitted to the series")]
    NoFit,
}
