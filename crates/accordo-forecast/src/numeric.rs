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

/// `[lo80, hi80, lo95, hi95]` of simulated values (sorted in place): the 10%, 90%, 2.5% and
/// 97.5% quantiles.
pub fn bands(values: &mut [f64]) -> [f64; 4] {
    // Four quantiles need eight order statistics, not a sorted column: each is selected
    // among the values at or beyond the one before (linear time each), and the next one up
    // is the least of those beyond it. Simulated intervals read thousands of columns.
    let n = values.len();
    if n == 0 {
        return [f64::NAN; 4];
    }
    let mut from = 0;
    let [lo95, lo80, hi80, hi95] = [0.025, 0.1, 0.9, 0.975].map(|q: f64| {
        let pos = q * (n - 1) as f64;
        let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
        let (_, at, beyond) = values[from..].select_nth_unstable_by(lo - from, f64::total_cmp);
        let at = *at;
        from = lo;
        match beyond.iter().copied().min_by(f64::total_cmp) {
            Some(next) => at + frac * (next - at),
            None => at,
        }
    });
    [lo80, hi80, lo95, hi95]
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
