//! Exponential smoothing in the innovations state-space form of Hyndman, Koehler, Ord and
//! Snyder (2008): additive or multiplicative errors, no, additive or damped trend, no,
//! additive or multiplicative season; and the automatic choice among them by AICc, as R's
//! `forecast::ets` and statsforecast's `AutoETS` make it.
//!
//! Written after statsforecast 2.1.1 (`ets.py`, `src/ets.cpp`), and tested against its output
//! (`tests/ets_reference.rs`: the model at its fitted points, and a search that ends no worse):
//! - the initial states: a classical decomposition of the whole series for the season (series
//!   of three seasons or more; shorter ones get no seasonal model here, where statsforecast
//!   fits a Fourier term), then the mean, or a regression line, of the first `max(10, 2m)`
//!   seasonally adjusted values;
//! - the smoothing parameters and the initial states are estimated together by minimising
//!   `n·ln(Σe²)` (plus `2·Σ ln|ŷ|` for multiplicative errors) from statsforecast's start values
//!   and within its box (α, β, γ in [1e-4, 0.9999] with β ≤ α₀ and γ ≤ 1 − α₀, φ in
//!   [0.8, 0.98]). statsforecast searches with Nelder–Mead, which stops at its 1,000-iteration
//!   limit before converging on every seasonal model (14 to 17 coordinates); here the search is
//!   Levenberg–Marquardt on the filter's exact derivatives ([`numeric`]), which converges, to a
//!   likelihood at least as good, in about a sixth of the time (see [`search`] for the one case
//!   where Nelder–Mead still runs);
//! - the candidates, in statsforecast's order: errors A then M, trends N then A (damped first),
//!   seasons N, A, M; no multiplicative trend, no additive error with a multiplicative season,
//!   nothing multiplicative unless every value is positive;
//! - the prediction intervals: analytic for additive seasons (Hyndman et al.'s classes 1 and
//!   2), from 2,000 simulated paths for multiplicative ones (class 3).
//!
//! Where statsforecast's code departs from the method, this follows the method, and the tests
//! say where the references differ: the search bounds are set afresh for each candidate (in
//! statsforecast they narrow from one candidate to the next), a failed evaluation counts as
//! the worst (statsforecast's counts as the best), class 2's MAA uses α + βj (not αβj), and a
//! damped trend's forecast `j` steps on carries φ + φ² + … + φʲ of it (statsforecast's carries
//! φ + φ + φ² + … + φʲ⁻¹: its `phistar` takes one power too few at each step).

use crate::numeric;
use crate::{Forecast, ForecastError};

/// How the error enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    Additive,
    Multiplicative,
}

/// The trend: none, additive, or additive damped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    None,
    Additive,
    Damped,
}

/// The season: none, additive or multiplicative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    None,
    Additive,
    Multiplicative,
}

/// One model of the family, named as in the literature: `ETS(error, trend, season)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub error: Error,
    pub trend: Trend,
    pub season: Season,
}

impl Spec {
    /// The short name: `ANN`, `AAdA`, `MAM`…
    pub fn name(self) -> String {
        let e = match self.error {
            Error::Additive => "A",
            Error::Multiplicative => "M",
        };
        let t = match self.trend {
            Trend::None => "N",
            Trend::Additive => "A",
            Trend::Damped => "Ad",
        };
        let s = match self.season {
            Season::None => "N",
            Season::Additive => "A",
            Season::Multiplicative => "M",
        };
        format!("{e}{t}{s}")
    }

    /// The spec a short name gives.
    pub fn parse(name: &str) -> Option<Spec> {
        Spec::all().into_iter().find(|s| s.name() == name)
    }

    /// Every spec this module fits, in statsforecast's search order.
    fn all() -> Vec<Spec> {
        let mut out = Vec::new();
        for error in [Error::Additive, Error::Multiplicative] {
            for trended in [false, true] {
                for season in [Season::None, Season::Additive, Season::Multiplicative] {
                    if error == Error::Additive && season == Season::Multiplicative {
                        continue;
                    }
                    let trends: &[Trend] = if trended {
                        &[Trend::Damped, Trend::Additive]
                    } else {
                        &[Trend::None]
                    };
                    for trend in trends {
                        out.push(Spec {
                            error,
                            trend: *trend,
                            season,
                        });
                    }
                }
            }
        }
        out
    }

    /// The candidates for `y` with period `m`: nothing multiplicative unless every value is
    /// positive, nothing seasonal unless there is a period and three seasons of data.
    pub fn candidates(y: &[f64], m: usize) -> Vec<Spec> {
        let positive = y.iter().all(|v| *v > 0.0);
        let seasonal = m > 1 && y.len() >= 3 * m;
        Spec::all()
            .into_iter()
            .filter(|s| {
                positive || (s.error == Error::Additive && s.season != Season::Multiplicative)
            })
            .filter(|s| seasonal || s.season == Season::None)
            .collect()
    }

    fn has_trend(self) -> bool {
        self.trend != Trend::None
    }

    fn has_season(self) -> bool {
        self.season != Season::None
    }
}

/// The smoothing parameters (β, γ and φ unused where the spec has no such component).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub phi: f64,
}

/// The states: level, trend, and the seasonal states newest first (`season[m-1]` is the one
/// the next observation uses).
#[derive(Debug, Clone, PartialEq)]
pub struct States {
    pub level: f64,
    pub trend: f64,
    pub season: Vec<f64>,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub spec: Spec,
    pub m: usize,
    pub params: Params,
    /// The estimated initial states, and the states after the last observation.
    pub initial: States,
    pub last: States,
    /// The innovations' variance (relative errors for multiplicative errors).
    pub sigma2: f64,
    /// `-2 log L` up to a constant, and the information criteria from it.
    pub lik: f64,
    pub aic: f64,
    pub aicc: f64,
    /// The one-step errors in the model's own terms.
    pub residuals: Vec<f64>,
}

const LOWER: [f64; 4] = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER: [f64; 4] = [0.9999, 0.9999, 0.9999, 0.98];
const TINY: f64 = 1e-10;
const HUGE: f64 = 1e10;

/// The filter's running state, the season in a ring: `ring[slot]` holds the seasonal state
/// the next observation uses, and receives the one the observation a season later will.
struct Filter<'a> {
    spec: Spec,
    p: Params,
    level: f64,
    trend: f64,
    ring: &'a mut [f64],
    slot: usize,
}

impl<'a> Filter<'a> {
    fn new(spec: Spec, p: Params, level: f64, trend: f64, ring: &'a mut [f64]) -> Self {
        Filter {
            spec,
            p,
            level,
            trend,
            ring,
            slot: 0,
        }
    }

    /// The seasonal state the next observation uses (0 without a season).
    #[inline]
    fn season(&self) -> f64 {
        self.ring.get(self.slot).copied().unwrap_or(0.0)
    }

    /// The one-step forecast of the next observation.
    #[inline]
    fn forecast(&self) -> f64 {
        one_step(self.spec, self.p, self.level, self.trend, self.season())
    }

    /// Observes `y`, the next observation.
    #[inline]
    fn update(&mut self, y: f64) {
        let (level, trend, season) =
            updated(self.spec, self.p, self.level, self.trend, self.season(), y);
        self.level = level;
        self.trend = trend;
        if self.spec.has_season() {
            self.ring[self.slot] = season;
            self.slot += 1;
            if self.slot == self.ring.len() {
                self.slot = 0;
            }
        }
    }
}

/// `q`, the level's part of the forecast, and the damped trend `φb` that made it.
#[inline]
fn base(spec: Spec, p: Params, level: f64, trend: f64) -> (f64, f64) {
    match spec.trend {
        Trend::None => (level, 0.0),
        Trend::Additive => (level + trend, trend),
        Trend::Damped => (level + p.phi * trend, p.phi * trend),
    }
}

/// The one-step forecast from the level, the trend and the seasonal state it uses.
#[inline]
fn one_step(spec: Spec, p: Params, level: f64, trend: f64, season: f64) -> f64 {
    let (q, _) = base(spec, p, level, trend);
    match spec.season {
        Season::None => q,
        Season::Additive => q + season,
        Season::Multiplicative => q * season,
    }
}

/// The states after observing `y`: the new level and trend, and the seasonal state that
/// replaces `old`, the one `y` used (the trend unchanged without one).
#[inline]
fn updated(spec: Spec, p: Params, level: f64, trend: f64, old: f64, y: f64) -> (f64, f64, f64) {
    let (q, phib) = base(spec, p, level, trend);
    let deseasoned = match spec.season {
        Season::None => y,
        Season::Additive => y - old,
        Season::Multiplicative if old.abs() < TINY => HUGE,
        Season::Multiplicative => y / old,
    };
    let new_level = q + p.alpha * (deseasoned - q);
    let new_trend = if spec.has_trend() {
        let r = new_level - level;
        phib + (p.beta / p.alpha) * (r - phib)
    } else {
        trend
    };
    let season = match spec.season {
        Season::None => old,
        Season::Multiplicative if q.abs() < TINY => old + p.gamma * (HUGE - old),
        Season::Multiplicative => old + p.gamma * (y / q - old),
        Season::Additive => old + p.gamma * (y - q - old),
    };
    (new_level, new_trend, season)
}

/// The ring of seasonal states from the layout newest first.
fn ring_of(season: &[f64]) -> Vec<f64> {
    season.iter().rev().copied().collect()
}

/// Runs the model through `y` from `initial`: `-2 log L` up to a constant, the errors, and
/// the states after the last observation.
fn run(
    y: &[f64],
    spec: Spec,
    m: usize,
    p: Params,
    initial: &States,
    errors: Option<&mut Vec<f64>>,
) -> (f64, States) {
    let mut ring = ring_of(&initial.season);
    let mut f = Filter::new(spec, p, initial.level, initial.trend, &mut ring);
    let (mut sse, mut logs, mut product) = (0.0, 0.0, 1.0f64);
    let mut errors = errors;
    for v in y {
        let mut hat = f.forecast();
        let e = match spec.error {
            Error::Additive => v - hat,
            Error::Multiplicative => {
                if hat.abs() < TINY {
                    hat += TINY;
                }
                // Σ ln|ŷ| as the logarithm of products, each kept within 1e±100 so that
                // none overflows: a logarithm every few steps instead of every step.
                let a = hat.abs();
                if (1e-100..=1e100).contains(&a) {
                    product *= a;
                    if !(1e-100..=1e100).contains(&product) {
                        logs += product.ln();
                        product = 1.0;
                    }
                } else {
                    logs += a.ln();
                }
                (v - hat) / hat
            }
        };
        if let Some(out) = errors.as_deref_mut() {
            out.push(e);
        }
        sse += e * e;
        f.update(*v);
    }
    let n = y.len() as f64;
    let mut lik = n * sse.ln();
    if spec.error == Error::Multiplicative {
        logs += product.ln();
        lik += 2.0 * logs;
    }
    let lik = if lik.is_nan() {
        f64::INFINITY
    } else {
        lik.max(-HUGE)
    };
    let (level, trend) = (f.level, f.trend);
    // Back to the layout, newest first: the newest is the one observation n-1 wrote.
    let season = if spec.has_season() {
        (0..m)
            .map(|j| ring[(y.len() + 2 * m - 1 - j) % m])
            .collect()
    } else {
        Vec::new()
    };
    (
        lik,
        States {
            level,
            trend,
            season,
        },
    )
}

/// The least-squares line through `(1, y[0]), (2, y[1])…`: intercept (at 0) and slope.
fn line(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean_t = (n + 1.0) / 2.0;
    let mean_y = y.iter().sum::<f64>() / n;
    let (mut sty, mut stt) = (0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dt = (i + 1) as f64 - mean_t;
        sty += dt * (v - mean_y);
        stt += dt * dt;
    }
    let slope = if stt > 0.0 { sty / stt } else { 0.0 };
    (mean_y - slope * mean_t, slope)
}

/// The heuristic initial states statsforecast starts from: `[l0, b0?, s_0 … s_{m-2}]`.
fn initial_states(y: &[f64], spec: Spec, m: usize) -> Vec<f64> {
    let n = y.len();
    let mut seasonal_init = Vec::new();
    let adjusted: Vec<f64> = match spec.season {
        Season::None => y.to_vec(),
        kind => {
            let multiplicative = kind == Season::Multiplicative;
            let decomposition = if multiplicative {
                crate::decompose::Kind::Multiplicative
            } else {
                crate::decompose::Kind::Additive
            };
            let s = crate::decompose::seasonal(y, m, decomposition)
                .unwrap_or_else(|| vec![if multiplicative { 1.0 } else { 0.0 }; n]);
            seasonal_init = s[1..m].iter().rev().copied().collect();
            if multiplicative {
                for v in &mut seasonal_init {
                    *v = v.max(1e-2);
                }
                let sum: f64 = seasonal_init.iter().sum();
                if sum > m as f64 {
                    let total: f64 = seasonal_init.iter().map(|v| v + 1e-2).sum();
                    for v in &mut seasonal_init {
                        *v /= total;
                    }
                }
                y.iter().zip(&s).map(|(v, s)| v / s.max(1e-2)).collect()
            } else {
                y.iter().zip(&s).map(|(v, s)| v - s).collect()
            }
        }
    };
    let period = if spec.has_season() { m } else { 1 };
    let maxn = (2 * period).max(10).min(n);
    let mut out = if spec.has_trend() {
        let (mut l0, mut b0) = line(&adjusted[..maxn]);
        if (l0 + b0).abs() < 1e-8 {
            l0 *= 1.0 + 1e-3;
            b0 *= 1.0 - 1e-3;
        }
        vec![l0, b0]
    } else {
        vec![adjusted[..maxn].iter().sum::<f64>() / maxn as f64]
    };
    out.extend(seasonal_init);
    out
}

/// The layout of the vector the optimiser moves: the free smoothing parameters, then the
/// initial states.
struct Layout {
    spec: Spec,
    m: usize,
    smoothing: usize,
}

impl Layout {
    fn new(spec: Spec, m: usize) -> Self {
        let smoothing = 1
            + usize::from(spec.has_trend())
            + usize::from(spec.has_season())
            + usize::from(spec.trend == Trend::Damped);
        Layout { spec, m, smoothing }
    }

    fn params(&self, x: &[f64]) -> Params {
        let mut i = 1;
        let mut next = |present: bool, absent: f64| {
            if present {
                i += 1;
                x[i - 1]
            } else {
                absent
            }
        };
        let beta = next(self.spec.has_trend(), 0.0);
        let gamma = next(self.spec.has_season(), 0.0);
        let phi = next(self.spec.trend == Trend::Damped, 1.0);
        Params {
            alpha: x[0],
            beta,
            gamma,
            phi,
        }
    }

    /// The initial states, the oldest seasonal state completing the sum (0, or m when
    /// multiplicative); `None` when a multiplicative one is negative.
    fn states(&self, x: &[f64]) -> Option<States> {
        let s = &x[self.smoothing..];
        let level = s[0];
        let (trend, rest) = if self.spec.has_trend() {
            (s[1], &s[2..])
        } else {
            (0.0, &s[1..])
        };
        let mut season = Vec::new();
        if self.spec.has_season() {
            let target = if self.spec.season == Season::Multiplicative {
                self.m as f64
            } else {
                0.0
            };
            season.extend_from_slice(rest);
            season.push(target - rest.iter().sum::<f64>());
            if self.spec.season == Season::Multiplicative && season.iter().any(|v| *v < 0.0) {
                return None;
            }
        }
        Some(States {
            level,
            trend,
            season,
        })
    }
}

/// `-2 log L` (as [`run`] computes it) at `x`, with the normal equations of its residuals: the
/// filter carries, beside each state, its derivatives by every coordinate of `x` (forward
/// mode). The residuals are the one-step errors, times the geometric mean of `|ŷ|` for
/// multiplicative errors (then `n·ln Σr²` is the whole objective, `Σ ln|ŷ|` included). `None`
/// where the model leaves its domain (a forecast or a multiplicative state at zero).
fn linearised(y: &[f64], layout: &Layout, x: &[f64]) -> Option<numeric::Linearised> {
    let spec = layout.spec;
    let k = x.len();
    let p = layout.params(x);
    let initial = layout.states(x)?;
    // Where each parameter sits in x.
    let trended = usize::from(spec.has_trend());
    let seasonal = spec.has_season();
    let i_beta = 1;
    let i_gamma = 1 + trended;
    let i_phi = layout.smoothing - 1;
    let i_level = layout.smoothing;
    let i_season = i_level + 1 + trended;
    let m = if seasonal { layout.m } else { 0 };

    let (mut level, mut trend) = (initial.level, initial.trend);
    let mut d_level = vec![0.0; k];
    d_level[i_level] = 1.0;
    let mut d_trend = vec![0.0; k];
    if spec.has_trend() {
        d_trend[i_level + 1] = 1.0;
    }
    // The ring of seasonal states (as the filter's) and their derivatives, `k` a state.
    let mut ring = ring_of(&initial.season);
    let mut d_ring = vec![0.0; m * k];
    for i in 0..m {
        let j = m - 1 - i;
        if j < m - 1 {
            d_ring[i * k + i_season + j] = 1.0;
        } else {
            // The oldest completes the sum: minus every other.
            for v in &mut d_ring[i * k + i_season..i * k + i_season + m - 1] {
                *v = -1.0;
            }
        }
    }
    let (mut dq, mut d_phib, mut d_hat, mut de, mut dp) = (
        vec![0.0; k],
        vec![0.0; k],
        vec![0.0; k],
        vec![0.0; k],
        vec![0.0; k],
    );
    let mut d_new = vec![0.0; k];
    let (mut sse, mut logs) = (0.0, 0.0);
    // The errors and, column by column, their derivatives (`n` values a coordinate): the
    // normal equations are their dot products, taken once at the end.
    let n = y.len();
    let mut errors = Vec::with_capacity(n);
    let mut jacobian = vec![0.0; k * n];
    let mut d_logs = vec![0.0; k];
    let mut slot = 0;
    for (t, &v) in y.iter().enumerate() {
        // q: the level's part of the forecast; φb: the trend it carries.
        let (q, phib) = match spec.trend {
            Trend::None => {
                dq.copy_from_slice(&d_level);
                d_phib.fill(0.0);
                (level, 0.0)
            }
            Trend::Additive => {
                for i in 0..k {
                    dq[i] = d_level[i] + d_trend[i];
                }
                d_phib.copy_from_slice(&d_trend);
                (level + trend, trend)
            }
            Trend::Damped => {
                for i in 0..k {
                    d_phib[i] = p.phi * d_trend[i];
                }
                d_phib[i_phi] += trend;
                for i in 0..k {
                    dq[i] = d_level[i] + d_phib[i];
                }
                (level + p.phi * trend, p.phi * trend)
            }
        };
        let (old, d_old) = if seasonal {
            (ring[slot], &d_ring[slot * k..(slot + 1) * k])
        } else {
            (0.0, &dq[..0])
        };
        let hat = match spec.season {
            Season::None => {
                d_hat.copy_from_slice(&dq);
                q
            }
            Season::Additive => {
                for i in 0..k {
                    d_hat[i] = dq[i] + d_old[i];
                }
                q + old
            }
            Season::Multiplicative => {
                for i in 0..k {
                    d_hat[i] = old * dq[i] + q * d_old[i];
                }
                q * old
            }
        };
        let e = match spec.error {
            Error::Additive => {
                for i in 0..k {
                    de[i] = -d_hat[i];
                }
                v - hat
            }
            Error::Multiplicative => {
                if hat.abs() < TINY {
                    return None;
                }
                let f = -v / (hat * hat);
                for i in 0..k {
                    de[i] = f * d_hat[i];
                    d_logs[i] += d_hat[i] / hat;
                }
                logs += hat.abs().ln();
                (v - hat) / hat
            }
        };
        sse += e * e;
        errors.push(e);
        for (i, d) in de.iter().enumerate() {
            jacobian[i * n + t] = *d;
        }
        // The deseasonalised observation.
        let deseasoned = match spec.season {
            Season::None => {
                dp.fill(0.0);
                v
            }
            Season::Additive => {
                for i in 0..k {
                    dp[i] = -d_old[i];
                }
                v - old
            }
            Season::Multiplicative => {
                if old.abs() < TINY {
                    return None;
                }
                let f = -v / (old * old);
                for i in 0..k {
                    dp[i] = f * d_old[i];
                }
                v / old
            }
        };
        let new_level = q + p.alpha * (deseasoned - q);
        for i in 0..k {
            d_new[i] = dq[i] + p.alpha * (dp[i] - dq[i]);
        }
        d_new[0] += deseasoned - q;
        if spec.has_trend() {
            let r = new_level - level;
            let c = p.beta / p.alpha;
            let gap = r - phib;
            for i in 0..k {
                d_trend[i] = d_phib[i] + c * (d_new[i] - d_level[i] - d_phib[i]);
            }
            d_trend[0] -= gap * p.beta / (p.alpha * p.alpha);
            d_trend[i_beta] += gap / p.alpha;
            trend = phib + c * gap;
        }
        level = new_level;
        d_level.copy_from_slice(&d_new);
        if seasonal {
            let d_target = &mut dp;
            let t = match spec.season {
                Season::Multiplicative => {
                    if q.abs() < TINY {
                        return None;
                    }
                    let f = -v / (q * q);
                    for i in 0..k {
                        d_target[i] = f * dq[i];
                    }
                    v / q
                }
                _ => {
                    for i in 0..k {
                        d_target[i] = -dq[i];
                    }
                    v - q
                }
            };
            let d_slot = &mut d_ring[slot * k..(slot + 1) * k];
            for i in 0..k {
                d_slot[i] += p.gamma * (d_target[i] - d_slot[i]);
            }
            d_slot[i_gamma] += t - old;
            ring[slot] = old + p.gamma * (t - old);
            slot += 1;
            if slot == m {
                slot = 0;
            }
        }
    }
    let column = |i: usize| &jacobian[i * n..(i + 1) * n];
    let mut jtr: Vec<f64> = (0..k).map(|i| numeric::dot(column(i), &errors)).collect();
    let mut jtj = vec![0.0; k * k];
    for i in 0..k {
        for j in i..k {
            let v = numeric::dot(column(i), column(j));
            jtj[i * k + j] = v;
            jtj[j * k + i] = v;
        }
    }
    let n = n as f64;
    let mut value = n * sse.ln();
    if spec.error == Error::Multiplicative {
        // r = e·g, g = exp(Σ ln|ŷ| / n): J = g·(de + e·dlg), dlg = Σ(dŷ/ŷ) / n. The common
        // factor g² is left out of both sides.
        value += 2.0 * logs;
        let dlg: Vec<f64> = d_logs.iter().map(|d| d / n).collect();
        let v = jtr.clone();
        for i in 0..k {
            for j in 0..k {
                jtj[i * k + j] += v[i] * dlg[j] + dlg[i] * v[j] + sse * dlg[i] * dlg[j];
            }
            jtr[i] += sse * dlg[i];
        }
    }
    value
        .is_finite()
        .then_some(numeric::Linearised { value, jtj, jtr })
}

/// Whether every one-step forecast of a multiplicative-error model at `x` is above zero (its
/// errors are relative to them); always true for additive errors.
fn forecasts_positive(y: &[f64], layout: &Layout, x: &[f64]) -> bool {
    if layout.spec.error == Error::Additive {
        return true;
    }
    let Some(initial) = layout.states(x) else {
        return false;
    };
    let mut ring = ring_of(&initial.season);
    let mut f = Filter::new(
        layout.spec,
        layout.params(x),
        initial.level,
        initial.trend,
        &mut ring,
    );
    y.iter().all(|v| {
        let positive = f.forecast() > TINY;
        f.update(*v);
        positive
    })
}

/// The search for the parameters and initial states: Levenberg–Marquardt from `x0`, on the
/// filter's exact derivatives ([`linearised`]). It converges where Nelder–Mead (statsforecast's
/// search) stops at its iteration limit, in a fraction of the evaluations. It cannot cross the
/// poles of a multiplicative error's likelihood (a one-step forecast at zero); where its end
/// still has a forecast at or below zero, it was kept on the wrong side of one, and
/// Nelder–Mead's wider moves start it again (the lower of the three ends is kept).
fn search(y: &[f64], layout: &Layout, x0: &[f64], lower: &[f64], upper: &[f64]) -> (Vec<f64>, f64) {
    let period = if layout.spec.has_season() {
        layout.m
    } else {
        1
    };
    let objective = |x: &[f64]| match layout.states(x) {
        Some(s) => run(y, layout.spec, period, layout.params(x), &s, None).0,
        None => f64::INFINITY,
    };
    let lin = |x: &[f64]| linearised(y, layout, x);
    let lm = |from: &[f64]| {
        numeric::levenberg_marquardt(&objective, &lin, from, lower, upper, 1e-4, 200)
    };
    let first = lm(x0);
    if first.1.is_finite() && forecasts_positive(y, layout, &first.0) {
        return first;
    }
    let wide = numeric::nelder_mead(&objective, x0, lower, upper, 1e-4, 1000);
    let polished = lm(&wide.0);
    [first, wide, polished]
        .into_iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or_else(|| unreachable!("three candidates"))
}

/// Where the search starts and the box it keeps to: `(x0, lower, upper)` over the free
/// smoothing parameters (α, β, γ, φ as the spec has them) then the initial states
/// `[l0, b0?, s_0 … s_{m-2}]`, as statsforecast sets them.
pub fn start(y: &[f64], m: usize, spec: Spec) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let period = if spec.has_season() { m } else { 1 };
    let states0 = initial_states(y, spec, m);
    let alpha0 = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / period as f64;
    let beta_upper = UPPER[1].min(alpha0);
    let gamma_upper = UPPER[2].min(1.0 - alpha0);
    let (mut x0, mut lower, mut upper) = (vec![alpha0], vec![LOWER[0]], vec![UPPER[0]]);
    if spec.has_trend() {
        x0.push(LOWER[1] + 0.1 * (beta_upper - LOWER[1]));
        lower.push(LOWER[1]);
        upper.push(beta_upper);
    }
    if spec.has_season() {
        x0.push(LOWER[2] + 0.05 * (gamma_upper - LOWER[2]));
        lower.push(LOWER[2]);
        upper.push(gamma_upper);
    }
    if spec.trend == Trend::Damped {
        x0.push(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]));
        lower.push(LOWER[3]);
        upper.push(UPPER[3]);
    }
    for v in &states0 {
        x0.push(*v);
        lower.push(f64::NEG_INFINITY);
        upper.push(f64::INFINITY);
    }
    (x0, lower, upper)
}

/// Fits `spec` to `y` with period `m`.
pub fn fit(y: &[f64], m: usize, spec: Spec) -> Result<Fit, ForecastError> {
    let n = y.len();
    let needed = if spec.has_season() { 3 * m } else { 4 };
    if n < needed.max(4) {
        return Err(ForecastError::TooShort { needed, got: n });
    }
    let layout = Layout::new(spec, m);
    let (x0, lower, upper) = start(y, m, spec);
    // AICc and σ² divide by n - k - 1, k = x0.len() + 1: at least one degree of freedom left.
    if x0.len() + 2 >= n {
        return Err(ForecastError::TooShort {
            needed: x0.len() + 3,
            got: n,
        });
    }
    let (best, lik) = search(y, &layout, &x0, &lower, &upper);
    if !lik.is_finite() {
        return Err(ForecastError::NoFit);
    }
    let params = layout.params(&best);
    let initial = layout.states(&best).ok_or(ForecastError::NoFit)?;
    Fit::of(y, m, spec, params, initial)
}

impl Fit {
    /// The model `spec` with the parameters `params` and the initial states `initial` (as
    /// [`fit`] estimates them: the seasonal ones summing to 0, or to `m` when multiplicative),
    /// run through `y`: its likelihood, information criteria, variance and last states, as if
    /// the search had ended there.
    pub fn of(
        y: &[f64],
        m: usize,
        spec: Spec,
        params: Params,
        initial: States,
    ) -> Result<Fit, ForecastError> {
        let period = if spec.has_season() { m } else { 1 };
        let n = y.len();
        let mut residuals = Vec::with_capacity(n);
        let (lik, last) = run(y, spec, period, params, &initial, Some(&mut residuals));
        // Every smoothing parameter, the level, the trend, m - 1 seasonal states and σ.
        let layout = Layout::new(spec, m);
        let states = 1 + usize::from(spec.has_trend()) + initial.season.len().saturating_sub(1);
        let k = (layout.smoothing + states + 1) as f64;
        let nf = n as f64;
        let aic = lik + 2.0 * k;
        let aicc = aic + 2.0 * k * (k + 1.0) / (nf - k - 1.0);
        let sigma2 = residuals.iter().map(|e| e * e).sum::<f64>() / (nf - k - 1.0);
        if !(lik.is_finite() && aicc.is_finite() && sigma2.is_finite()) {
            return Err(ForecastError::NoFit);
        }
        Ok(Fit {
            spec,
            m: period,
            params,
            initial,
            last,
            sigma2,
            lik,
            aic,
            aicc,
            residuals,
        })
    }
}

/// Fits every candidate and keeps the lowest AICc.
pub fn auto(y: &[f64], m: usize) -> Result<Fit, ForecastError> {
    let mut best: Option<Fit> = None;
    let mut short = None;
    for spec in Spec::candidates(y, m) {
        match fit(y, m, spec) {
            Ok(f) => {
                if best.as_ref().is_none_or(|b| f.aicc < b.aicc) {
                    best = Some(f);
                }
            }
            Err(e @ ForecastError::TooShort { .. }) => short = short.or(Some(e)),
            Err(ForecastError::NoFit) => {}
        }
    }
    best.ok_or(short.unwrap_or(ForecastError::NoFit))
}

impl Fit {
    /// The same model, its parameters and initial states unchanged, run through `y` (the
    /// series it was fitted on, with what came after): the states to forecast from a later
    /// origin without fitting again. `lik` and the residuals follow `y`; σ², AIC and AICc stay
    /// the fit's.
    pub fn extend(&self, y: &[f64]) -> Fit {
        let mut residuals = Vec::with_capacity(y.len());
        let (lik, last) = run(
            y,
            self.spec,
            self.m,
            self.params,
            &self.initial,
            Some(&mut residuals),
        );
        Fit {
            last,
            lik,
            residuals,
            ..self.clone()
        }
    }

    /// The point forecasts `h` steps on.
    pub fn mean(&self, h: usize) -> Vec<f64> {
        let mut ring = ring_of(&self.last.season);
        let mut f = self.filter(&mut ring);
        (0..h)
            .map(|_| {
                let v = f.forecast();
                f.update(v);
                v
            })
            .collect()
    }

    fn filter<'a>(&self, ring: &'a mut [f64]) -> Filter<'a> {
        Filter::new(
            self.spec,
            self.params,
            self.last.level,
            self.last.trend,
            ring,
        )
    }

    /// `c_j = w'F^{j-1}g` for j = 1…h-1: how an error now moves the forecast j steps on.
    fn c(&self, h: usize) -> Vec<f64> {
        let Params {
            alpha,
            beta,
            gamma,
            phi,
        } = self.params;
        let mut damped_sum = 0.0;
        (1..h)
            .map(|j| {
                let mut c = alpha;
                match self.spec.trend {
                    Trend::None => {}
                    Trend::Additive => c += beta * j as f64,
                    Trend::Damped => {
                        damped_sum += phi.powi(j as i32);
                        c += beta * damped_sum;
                    }
                }
                if self.spec.has_season() && j % self.m == 0 {
                    c += gamma;
                }
                c
            })
            .collect()
    }

    /// The forecast `h` steps on with its 80% and 95% intervals, never below zero.
    pub fn forecast(&self, h: usize) -> Forecast {
        self.forecast_with(h, crate::PATHS)
    }

    /// [`Fit::forecast`], the intervals of a multiplicative season read from `paths`
    /// simulated paths.
    pub fn forecast_with(&self, h: usize, paths: usize) -> Forecast {
        self.forecast_uncut_with(h, paths).cut()
    }

    /// [`Fit::forecast`] before it is cut at zero: for a component of another model's
    /// forecast (a seasonally adjusted series, a logarithm).
    pub fn forecast_uncut(&self, h: usize) -> Forecast {
        self.forecast_uncut_with(h, crate::PATHS)
    }

    fn forecast_uncut_with(&self, h: usize, paths: usize) -> Forecast {
        let mean = self.mean(h);
        let variance: Option<Vec<f64>> = match (self.spec.error, self.spec.season) {
            (_, Season::Multiplicative) => None,
            (Error::Additive, _) => {
                let mut sum = 0.0;
                let c = self.c(h);
                Some(
                    (0..h)
                        .map(|j| {
                            if j > 0 {
                                sum += c[j - 1] * c[j - 1];
                            }
                            self.sigma2 * (1.0 + sum)
                        })
                        .collect(),
                )
            }
            (Error::Multiplicative, _) => {
                let c = self.c(h);
                let mut theta: Vec<f64> = Vec::with_capacity(h);
                for k in 0..h {
                    let carried: f64 = (0..k).map(|j| c[j] * c[j] * theta[k - 1 - j]).sum();
                    theta.push(mean[k] * mean[k] + self.sigma2 * carried);
                }
                Some(
                    (0..h)
                        .map(|k| (1.0 + self.sigma2) * theta[k] - mean[k] * mean[k])
                        .collect(),
                )
            }
        };
        let bands: Vec<[f64; 4]> = match variance {
            Some(v) => mean
                .iter()
                .zip(&v)
                .map(|(mu, v)| {
                    let sd = v.max(0.0).sqrt();
                    [
                        mu - numeric::Z_80 * sd,
                        mu + numeric::Z_80 * sd,
                        mu - numeric::Z_95 * sd,
                        mu + numeric::Z_95 * sd,
                    ]
                })
                .collect(),
            None => self.simulated(h, paths),
        };
        Forecast::uncut(mean, &bands)
    }

    /// Quantiles of `paths` simulated futures (seeded), each step drawing an innovation of
    /// the fitted variance. The paths advance together, a step at a time: they are
    /// independent, so a step of every path is work the processor overlaps, where one path's
    /// steps wait on each other.
    fn simulated(&self, h: usize, paths: usize) -> Vec<[f64; 4]> {
        if h == 0 {
            return Vec::new();
        }
        let sd = self.sigma2.max(0.0).sqrt();
        let (spec, p) = (self.spec, self.params);
        let seasons = self.last.season.len();
        let mut level = vec![self.last.level; paths];
        let mut trend = vec![self.last.trend; paths];
        // Path `i`'s seasonal state in slot `s` of its ring is `ring[s * paths + i]`.
        let mut ring: Vec<f64> = ring_of(&self.last.season)
            .into_iter()
            .flat_map(|v| std::iter::repeat_n(v, paths))
            .collect();
        let mut column = vec![0.0; paths];
        numeric::with_draws(0xE75, paths * h, |draws| {
            (0..h)
                .map(|j| {
                    let slot = if seasons > 0 { j % seasons } else { 0 };
                    let mut seasonal = ring.get_mut(slot * paths..(slot + 1) * paths);
                    for i in 0..paths {
                        let old = seasonal.as_deref().map_or(0.0, |s| s[i]);
                        let hat = one_step(spec, p, level[i], trend[i], old);
                        let z = draws[i * h + j];
                        let y = match spec.error {
                            Error::Additive => hat + sd * z,
                            Error::Multiplicative => hat * (1.0 + sd * z),
                        };
                        let (l, b, s) = updated(spec, p, level[i], trend[i], old, y);
                        level[i] = l;
                        trend[i] = b;
                        if let Some(seasonal) = seasonal.as_deref_mut() {
                            seasonal[i] = s;
                        }
                        column[i] = y;
                    }
                    numeric::bands(&mut column)
                })
                .collect()
        })
    }
}

/// AutoETS: the candidate with the lowest AICc, forecast `h` steps with its intervals.
pub fn forecast(y: &[f64], m: usize, h: usize) -> Result<(Forecast, Fit), ForecastError> {
    let fit = auto(y, m)?;
    Ok((fit.forecast(h), fit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Normal;

    /// A seasonal series with a trend and multiplicative noise.
    fn simulated(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Normal::seeded(seed);
        (0..n)
            .map(|t| {
                let season = [0.6, 0.7, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6][t % 12];
                (1000.0 + 5.0 * t as f64) * season * (1.0 + 0.04 * rng.draw())
            })
            .collect()
    }

    #[test]
    fn names_round_trip_and_the_search_follows_the_data() {
        for spec in Spec::all() {
            assert_eq!(Spec::parse(&spec.name()), Some(spec));
        }
        let positive = simulated(60, 1);
        assert_eq!(Spec::candidates(&positive, 12).len(), 15);
        let mut with_zero = positive.clone();
        with_zero[3] = 0.0;
        let names: Vec<String> = Spec::candidates(&with_zero, 12)
            .into_iter()
            .map(Spec::name)
            .collect();
        assert_eq!(names, ["ANN", "ANA", "AAdN", "AAN", "AAdA", "AAA"]);
        // Under three seasons, nothing seasonal.
        assert!(
            Spec::candidates(&positive[..35], 12)
                .iter()
                .all(|s| s.season == Season::None)
        );
    }

    #[test]
    fn a_multiplicative_seasonal_series_is_fitted_by_a_multiplicative_season() {
        let y = simulated(120, 5);
        let fit = auto(&y, 12).unwrap();
        assert_eq!(
            fit.spec.season,
            Season::Multiplicative,
            "{}",
            fit.spec.name()
        );
        let f = fit.forecast(12);
        // The next season's peak in month 7 and trough in months 1 and 12 come back.
        assert!(f.mean[6] > 1.8 * f.mean[0], "{:?}", f.mean);
        for j in 0..12 {
            assert!(f.lo95[j] <= f.lo80[j] && f.lo80[j] <= f.mean[j]);
            assert!(f.mean[j] <= f.hi80[j] && f.hi80[j] <= f.hi95[j]);
        }
    }

    #[test]
    fn the_filter_s_last_states_are_those_forecasts_start_from() {
        // Refitting from the fitted initial states reproduces the last states, and the
        // one-step forecast after the series is the first point of the forecast.
        let y = simulated(72, 9);
        let fit = fit(&y, 12, Spec::parse("AAA").unwrap()).unwrap();
        let (_, last) = run(&y, fit.spec, 12, fit.params, &fit.initial, None);
        assert_eq!(last, fit.last);
        let q = last.level + last.trend;
        assert!((fit.mean(1)[0] - (q + last.season[11])).abs() < 1e-9);
        // Carried over its own series, a fit is itself; over six more months, its states
        // move on with the same parameters.
        let same = fit.extend(&y);
        assert_eq!(same.last, fit.last);
        assert_eq!(same.residuals, fit.residuals);
        let longer: Vec<f64> = y.iter().chain(&simulated(78, 9)[72..]).copied().collect();
        let moved = fit.extend(&longer);
        assert_eq!(moved.params, fit.params);
        assert_eq!(moved.residuals.len(), 78);
        assert_ne!(moved.last, fit.last);
    }

    /// The residuals `linearised` differentiates: the one-step errors, times the geometric
    /// mean of `|ŷ|` for multiplicative errors; `ŷ = y / (1 + e)` there.
    fn residuals(y: &[f64], layout: &Layout, x: &[f64]) -> Vec<f64> {
        let mut e = Vec::new();
        let states = layout.states(x).unwrap();
        let period = if layout.spec.has_season() { 12 } else { 1 };
        run(
            y,
            layout.spec,
            period,
            layout.params(x),
            &states,
            Some(&mut e),
        );
        if layout.spec.error == Error::Additive {
            return e;
        }
        let g = (y
            .iter()
            .zip(&e)
            .map(|(v, e)| (v / (1.0 + e)).abs().ln())
            .sum::<f64>()
            / y.len() as f64)
            .exp();
        e.iter().map(|e| e * g).collect()
    }

    #[test]
    fn the_normal_equations_are_those_of_the_residuals_by_finite_differences() {
        // For every spec, at a point inside the box near where the search starts: the value is
        // run's likelihood, and JᵀJ and Jᵀr are those of the residuals' Jacobian taken by
        // central differences (up to the common factor g² for multiplicative errors).
        let y = simulated(72, 3);
        for spec in Spec::all() {
            let layout = Layout::new(spec, 12);
            let (mut x, lower, upper) = start(&y, 12, spec);
            for i in 0..layout.smoothing {
                x[i] = (x[i] * 1.7).clamp(lower[i], upper[i] - 1e-3);
            }
            let lin = linearised(&y, &layout, &x).unwrap();
            let states = layout.states(&x).unwrap();
            let period = if spec.has_season() { 12 } else { 1 };
            let (lik, _) = run(&y, spec, period, layout.params(&x), &states, None);
            assert!(
                (lin.value - lik).abs() < 1e-9 * lik.abs(),
                "{}",
                spec.name()
            );
            let r = residuals(&y, &layout, &x);
            // g², the factor linearised leaves out: Σr² / Σe².
            let mut e = Vec::new();
            run(&y, spec, period, layout.params(&x), &states, Some(&mut e));
            let factor =
                r.iter().map(|v| v * v).sum::<f64>() / e.iter().map(|v| v * v).sum::<f64>();
            let k = x.len();
            let jacobian: Vec<Vec<f64>> = (0..k)
                .map(|i| {
                    let h = 1e-6 * x[i].abs().max(1e-3);
                    let (mut up, mut down) = (x.clone(), x.clone());
                    up[i] += h;
                    down[i] -= h;
                    let (a, b) = (residuals(&y, &layout, &up), residuals(&y, &layout, &down));
                    a.iter().zip(&b).map(|(a, b)| (a - b) / (2.0 * h)).collect()
                })
                .collect();
            for i in 0..k {
                let jtr: f64 = jacobian[i].iter().zip(&r).map(|(j, r)| j * r).sum::<f64>() / factor;
                let scale = lin
                    .jtr
                    .iter()
                    .map(|v| v.abs())
                    .fold(0.0, f64::max)
                    .max(jtr.abs());
                assert!(
                    (lin.jtr[i] - jtr).abs() <= 1e-4 * scale,
                    "{} Jtr[{i}]: {} vs {jtr}",
                    spec.name(),
                    lin.jtr[i]
                );
                for j in 0..k {
                    let jtj: f64 = jacobian[i]
                        .iter()
                        .zip(&jacobian[j])
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
                        / factor;
                    let scale = (lin.jtj[i * k + i] * lin.jtj[j * k + j]).sqrt();
                    assert!(
                        (lin.jtj[i * k + j] - jtj).abs() <= 1e-4 * scale.max(1e-12),
                        "{} JtJ[{i},{j}]: {} vs {jtj}",
                        spec.name(),
                        lin.jtj[i * k + j]
                    );
                }
            }
        }
    }

    #[test]
    fn ets_intervals_cover() {
        // Series drawn from an ETS(M,N,M) with known parameters; the fitted model's 80% and
        // 95% intervals, read from simulated paths, cover about what they say of the 12
        // months held out (40 series, 480 values).
        let pattern = [0.6, 0.7, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6];
        let spec = Spec::parse("MNM").unwrap();
        let (mut in80, mut in95, mut total) = (0, 0, 0);
        for seed in 0..40 {
            let mut rng = Normal::seeded(1000 + seed);
            let mut ring: Vec<f64> = pattern.to_vec();
            let p = Params {
                alpha: 0.3,
                beta: 0.0,
                gamma: 0.1,
                phi: 1.0,
            };
            let mut f = Filter::new(spec, p, 1000.0, 0.0, &mut ring);
            let y: Vec<f64> = (0..120)
                .map(|_| {
                    let v = f.forecast() * (1.0 + 0.05 * rng.draw());
                    f.update(v);
                    v
                })
                .collect();
            let fitted = fit(&y[..108], 12, spec).unwrap();
            let out = fitted.forecast(12);
            for j in 0..12 {
                let v = y[108 + j];
                in80 += usize::from(out.lo80[j] <= v && v <= out.hi80[j]);
                in95 += usize::from(out.lo95[j] <= v && v <= out.hi95[j]);
                total += 1;
            }
        }
        let (c80, c95) = (in80 as f64 / total as f64, in95 as f64 / total as f64);
        assert!((0.88..=1.0).contains(&c95), "95%: {c95}");
        assert!((0.68..=0.92).contains(&c80), "80%: {c80}");
    }
}
