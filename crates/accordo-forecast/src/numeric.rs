//! Small numerical pieces: the autocorrelation, normal quantiles, a seeded random source and
//! a bounded Nelder–Mead minimiser.

/// Sample autocorrelations at lags 1..=`lags` (the denominator is the lag-0 sum, as
/// statsmodels' `acf` computes them).
pub fn acf(y: &[f64], lags: usize) -> Vec<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let d: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let denom: f64 = d.iter().map(|v| v * v).sum();
    (1..=lags)
        .map(|k| {
            if denom == 0.0 || k >= n {
                return 0.0;
            }
            d[..n - k]
                .iter()
                .zip(&d[k..])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / denom
        })
        .collect()
}

/// `Σ aᵢbᵢ` over the shorter of the two, in four running sums (the additions of one sum wait
/// on each other; four run side by side, and in vector registers).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut sums = [0.0f64; 4];
    let (whole_a, rest_a) = a.split_at(n - n % 4);
    let (whole_b, rest_b) = b.split_at(n - n % 4);
    for (x, y) in whole_a.chunks_exact(4).zip(whole_b.chunks_exact(4)) {
        for l in 0..4 {
            sums[l] += x[l] * y[l];
        }
    }
    let rest: f64 = rest_a.iter().zip(rest_b).map(|(x, y)| x * y).sum();
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest
}

/// The standard normal quantiles the intervals use: 90% (one-sided 95%), 80% and 95%.
pub const Z_90_ONE_SIDED: f64 = 1.644_853_626_951_472_2;
pub const Z_80: f64 = 1.281_551_565_544_600_5;
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A seeded source of normal deviates (xorshift64* with Box–Muller): the same paths on every
/// run, so that a forecast is reproducible.
pub struct Normal {
    state: u64,
    spare: Option<f64>,
}

impl Normal {
    pub fn seeded(seed: u64) -> Self {
        Normal {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            spare: None,
        }
    }

    fn uniform(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let bits = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        // In (0, 1): never 0, whose logarithm is infinite.
        (bits as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal deviate.
    pub fn draw(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let angle = std::f64::consts::TAU * v;
        self.spare = Some(r * angle.sin());
        r * angle.cos()
    }
}

/// The `q` quantile of `values` (sorted in place), interpolating linearly between order
/// statistics (numpy's default).
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
    match values.get(lo + 1) {
        Some(next) => values[lo] + frac * (next - values[lo]),
        None => values[lo],
    }
}

/// `[lo80, hi80, lo95, hi95]` of simulated values (reordered in place): the 10%, 90%, 2.5% and
/// 97.5% quantiles, as [`quantile`] interpolates them.
pub fn bands(values: &mut [f64]) -> [f64; 4] {
    let n = values.len();
    if n == 0 {
        return [f64::NAN; 4];
    }
    // Four quantiles need eight order statistics, not a sorted column: the ones at and after
    // each position, put in place by selection (simulated intervals read thousands of
    // columns).
    let at = [0.1, 0.9, 0.025, 0.975].map(|q: f64| {
        let pos = q * (n - 1) as f64;
        (pos.floor() as usize, pos - pos.floor())
    });
    let mut ranks: Vec<usize> = at
        .iter()
        .flat_map(|&(lo, _)| [lo, (lo + 1).min(n - 1)])
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    select_ranks(values, &ranks);
    at.map(|(lo, frac)| match values.get(lo + 1) {
        Some(next) => values[lo] + frac * (next - values[lo]),
        None => values[lo],
    })
}

/// Puts the order statistics of the sorted, distinct `ranks` in their places, each part
/// split at the rank nearest its middle (a tail's ranks are then found among few values).
fn select_ranks(values: &mut [f64], ranks: &[usize]) {
    if ranks.is_empty() || values.len() < 2 {
        return;
    }
    let middle = values.len() / 2;
    let i = (0..ranks.len())
        .min_by_key(|&i| ranks[i].abs_diff(middle))
        .unwrap_or(0);
    let r = ranks[i];
    let (left, _, right) = values.select_nth_unstable_by(r, f64::total_cmp);
    select_ranks(left, &ranks[..i]);
    let shifted: Vec<usize> = ranks[i + 1..].iter().map(|k| k - r - 1).collect();
    select_ranks(right, &shifted);
}

/// The first `count` deviates of `Normal::seeded(seed)`, to `read`. Simulated intervals draw
/// the same stream on every call (a forecast is reproducible); a backtest makes dozens of
/// them, and drawing them afresh each time was a quarter of its time. The stream is kept per
/// thread and seed, and grows as needed.
pub fn with_draws<R>(seed: u64, count: usize, read: impl FnOnce(&[f64]) -> R) -> R {
    use std::cell::RefCell;
    thread_local! {
        static STREAMS: RefCell<Vec<(u64, Normal, Vec<f64>)>> = const { RefCell::new(Vec::new()) };
    }
    STREAMS.with(|streams| {
        let mut streams = streams.borrow_mut();
        let at = match streams.iter().position(|(s, _, _)| *s == seed) {
            Some(at) => at,
            None => {
                streams.push((seed, Normal::seeded(seed), Vec::new()));
                streams.len() - 1
            }
        };
        let (_, source, drawn) = &mut streams[at];
        while drawn.len() < count {
            drawn.push(source.draw());
        }
        read(&drawn[..count])
    })
}

/// Minimises `f` over the box `lower..=upper` from `x0` with the adaptive Nelder–Mead method
/// (Gao and Han's coefficients), every trial point clamped into the box; stops when the spread
/// of the simplex's values falls below `tol` or after `max_iter` iterations. Returns the best
/// point and its value.
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    tol: f64,
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let n = x0.len();
    let clamp = |x: &mut Vec<f64>| {
        for (i, v) in x.iter_mut().enumerate() {
            *v = v.clamp(lower[i], upper[i]);
        }
    };
    let nf = n as f64;
    let (reflect, expand, contract, shrink) =
        (1.0, 1.0 + 2.0 / nf, 0.75 - 1.0 / (2.0 * nf), 1.0 - 1.0 / nf);
    let mut start = x0.to_vec();
    clamp(&mut start);
    let mut simplex: Vec<Vec<f64>> = vec![start; n + 1];
    for (i, vertex) in simplex.iter_mut().take(n).enumerate() {
        let v = vertex[i];
        vertex[i] = (if v == 0.0 { 1e-4 } else { v * 1.05 }).clamp(lower[i], upper[i]);
    }
    let mut values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    let mut best = 0;
    for _ in 0..max_iter {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
        best = order[0];
        let (worst, second) = (order[n], order[n - 1]);
        let mean = values.iter().sum::<f64>() / (n + 1) as f64;
        let spread =
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n + 1) as f64).sqrt();
        if spread < tol {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| {
                simplex
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != worst)
                    .map(|(_, x)| x[j])
                    .sum::<f64>()
                    / nf
            })
            .collect();
        let towards = |t: f64, from: &[f64]| -> Vec<f64> {
            let mut p: Vec<f64> = centroid
                .iter()
                .zip(from)
                .map(|(c, x)| c + t * (x - c))
                .collect();
            clamp(&mut p);
            p
        };
        let reflected = towards(-reflect, &simplex[worst]);
        let fr = f(&reflected);
        if values[best] <= fr && fr < values[second] {
            simplex[worst] = reflected;
            values[worst] = fr;
            continue;
        }
        if fr < values[best] {
            let expanded = towards(expand, &reflected);
            let fe = f(&expanded);
            if fe < fr {
                simplex[worst] = expanded;
                values[worst] = fe;
            } else {
                simplex[worst] = reflected;
                values[worst] = fr;
            }
            continue;
        }
        if fr < values[worst] {
            // Outside contraction, towards the reflected point.
            let outside = towards(contract, &reflected);
            let fo = f(&outside);
            if fo <= fr {
                simplex[worst] = outside;
                values[worst] = fo;
                continue;
            }
        } else {
            // Inside contraction, towards the worst point.
            let inside = towards(contract, &simplex[worst].clone());
            let fi = f(&inside);
            if fi < values[worst] {
                simplex[worst] = inside;
                values[worst] = fi;
                continue;
            }
        }
        let anchor = simplex[best].clone();
        for (i, vertex) in simplex.iter_mut().enumerate() {
            if i == best {
                continue;
            }
            for (v, a) in vertex.iter_mut().zip(&anchor) {
                *v = a + shrink * (*v - a);
            }
            clamp(vertex);
            values[i] = f(vertex);
        }
    }
    let best = (0..=n)
        .min_by(|a, b| values[*a].total_cmp(&values[*b]))
        .unwrap_or(best);
    (simplex[best].clone(), values[best])
}

/// A least-squares objective linearised at a point: its value (any increasing function of the
/// sum of squares `S = Σ r²`), and the Gauss–Newton normal equations `JᵀJ` (row-major, `k × k`)
/// and `Jᵀr` of its residuals `r`, each up to one positive factor (the step they give does not
/// depend on it).
pub struct Linearised {
    pub value: f64,
    pub jtj: Vec<f64>,
    pub jtr: Vec<f64>,
}

/// Solves `a·x = b` for a symmetric positive definite `a` (row-major, `n × n`) by Cholesky;
/// `None` when `a` is not positive definite.
fn cholesky_solve(mut a: Vec<f64>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for k in 0..j {
                v -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = v / d;
        }
    }
    for i in 0..n {
        let mut v = b[i];
        for k in 0..i {
            v -= a[i * n + k] * b[k];
        }
        b[i] = v / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut v = b[i];
        for k in i + 1..n {
            v -= a[k * n + i] * b[k];
        }
        b[i] = v / a[i * n + i];
    }
    Some(b)
}

/// Minimises a least-squares objective over the box `lower..=upper` from `x0` by
/// Levenberg–Marquardt (Marquardt's scaling by the diagonal of `JᵀJ`; the damping divided by
/// three after a step that gains, multiplied by a factor that doubles after each one that
/// does not), each trial point clamped into the box and the coordinates held at a bound the
/// gradient pushes beyond left out of the step. `value` is the objective alone (a trial point),
/// `linearise` the objective with its normal equations (an accepted point); `None` or a value
/// that is not finite is a point outside the model's domain. Stops when an accepted step gains
/// less than `tol`, when no step gains, or after `max_iter` steps. Returns the best point and
/// its value.
pub fn levenberg_marquardt(
    value: &dyn Fn(&[f64]) -> f64,
    linearise: &dyn Fn(&[f64]) -> Option<Linearised>,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    tol: f64,
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut x: Vec<f64> = (0..n).map(|i| x0[i].clamp(lower[i], upper[i])).collect();
    let Some(mut here) = linearise(&x).filter(|l| l.value.is_finite()) else {
        return (x, f64::INFINITY);
    };
    let (mut lambda, mut nu) = (1e-3, 2.0);
    for _ in 0..max_iter {
        // The coordinates that may move: not at a bound the descent direction leaves by.
        let free: Vec<usize> = (0..n)
            .filter(|&i| {
                let g = here.jtr[i];
                !((x[i] <= lower[i] && g > 0.0) || (x[i] >= upper[i] && g < 0.0))
            })
            .collect();
        if free.is_empty() {
            break;
        }
        let k = free.len();
        let mut a = vec![0.0; k * k];
        for (r, &i) in free.iter().enumerate() {
            for (c, &j) in free.iter().enumerate() {
                a[r * k + c] = here.jtj[i * n + j];
            }
            a[r * k + r] += lambda * here.jtj[i * n + i].max(1e-12);
        }
        let b: Vec<f64> = free.iter().map(|&i| -here.jtr[i]).collect();
        // The step's point, if the objective is lower there and the model holds.
        let accepted = cholesky_solve(a, b)
            .map(|step| {
                let mut trial = x.clone();
                for (&i, d) in free.iter().zip(&step) {
                    trial[i] = (x[i] + d).clamp(lower[i], upper[i]);
                }
                trial
            })
            .filter(|trial| {
                let v = value(trial);
                v.is_finite() && v < here.value
            })
            .and_then(|trial| {
                let next = linearise(&trial).filter(|l| l.value.is_finite())?;
                Some((trial, next))
            });
        match accepted {
            Some((trial, next)) => {
                let gain = here.value - next.value;
                x = trial;
                here = next;
                lambda = (lambda / 3.0).max(1e-12);
                nu = 2.0;
                if gain < tol {
                    break;
                }
            }
            None => {
                // Towards steepest descent, in ever shorter steps.
                lambda *= nu;
                nu *= 2.0;
                if lambda > 1e16 {
                    break;
                }
            }
        }
    }
    (x, here.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_a_bounded_minimum() {
        let f = |x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] + 1.0).powi(2);
        let (x, v) = nelder_mead(&f, &[0.5, 0.5], &[-10.0, -10.0], &[10.0, 10.0], 1e-12, 2000);
        assert!(
            (x[0] - 3.0).abs() < 1e-4 && (x[1] + 1.0).abs() < 1e-4,
            "{x:?}"
        );
        assert!(v < 1e-8);
        // The box binds: the minimum over x ≤ 2 is at its edge.
        let (x, _) = nelder_mead(&f, &[0.5, 0.5], &[-10.0, -10.0], &[2.0, 10.0], 1e-12, 2000);
        assert!((x[0] - 2.0).abs() < 1e-6, "{x:?}");
    }

    #[test]
    fn levenberg_marquardt_fits_a_curve_within_a_box() {
        // y = a·exp(b·t) sampled without noise; the residuals' Jacobian by hand.
        let t: Vec<f64> = (0..20).map(|i| i as f64 / 4.0).collect();
        let y: Vec<f64> = t.iter().map(|t| 3.0 * (-0.7 * t).exp()).collect();
        let sse = |x: &[f64]| -> f64 {
            t.iter()
                .zip(&y)
                .map(|(t, y)| (x[0] * (x[1] * t).exp() - y).powi(2))
                .sum()
        };
        let linearise = |x: &[f64]| {
            let (mut jtj, mut jtr) = (vec![0.0; 4], vec![0.0; 2]);
            for (t, y) in t.iter().zip(&y) {
                let e = (x[1] * t).exp();
                let r = x[0] * e - y;
                let j = [e, x[0] * t * e];
                for a in 0..2 {
                    jtr[a] += j[a] * r;
                    for b in 0..2 {
                        jtj[a * 2 + b] += j[a] * j[b];
                    }
                }
            }
            Some(Linearised {
                value: sse(x),
                jtj,
                jtr,
            })
        };
        let (x, v) = levenberg_marquardt(
            &sse,
            &linearise,
            &[1.0, 0.0],
            &[0.0, -5.0],
            &[10.0, 5.0],
            0.0,
            200,
        );
        assert!(
            (x[0] - 3.0).abs() < 1e-6 && (x[1] + 0.7).abs() < 1e-6,
            "{x:?}"
        );
        assert!(v < 1e-12);
        // A bound that binds: with a at most 2, the best a is 2 and b follows.
        let (x, _) = levenberg_marquardt(
            &sse,
            &linearise,
            &[1.0, 0.0],
            &[0.0, -5.0],
            &[2.0, 5.0],
            0.0,
            200,
        );
        assert_eq!(x[0], 2.0, "{x:?}");
        for d in [-1e-4, 1e-4] {
            assert!(
                sse(&x) < sse(&[2.0, x[1] + d]),
                "{x:?} is not the least along b"
            );
        }
    }

    #[test]
    fn normal_deviates_have_mean_0_and_variance_1_and_repeat() {
        let mut g = Normal::seeded(7);
        let draws: Vec<f64> = (0..200_000).map(|_| g.draw()).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.01,
            "{mean} {var}"
        );
        let mut within = draws.clone();
        let q = quantile(&mut within, 0.975);
        assert!((q - Z_95).abs() < 0.03, "{q}");
        assert_eq!(Normal::seeded(7).draw(), draws[0]);
        // The kept stream is the same stream, however it is read.
        with_draws(7, 10, |d| assert_eq!(d, &draws[..10]));
        with_draws(7, 1000, |d| assert_eq!(d, &draws[..1000]));
        with_draws(7, 3, |d| assert_eq!(d, &draws[..3]));
        // The bands are the four quantiles, whatever the number of values.
        for n in [1, 2, 3, 7, 40, 999, 2000] {
            let b = bands(&mut draws[..n].to_vec());
            let q = |p: f64| quantile(&mut draws[..n].to_vec(), p);
            assert_eq!(b, [q(0.1), q(0.9), q(0.025), q(0.975)], "{n} values");
        }
    }

    #[test]
    fn acf_of_a_seasonal_series_peaks_at_its_period() {
        let y: Vec<f64> = (0..120)
            .map(|t| ((t % 12) as f64 * 0.5).sin() * 10.0 + 50.0)
            .collect();
        let r = acf(&y, 12);
        assert!(r[11] > 0.9, "{r:?}");
        assert!(r[5] < 0.0);
    }
}
