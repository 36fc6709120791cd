//! What the pages' charts (SVG drawn by the templates, no script) share: a value axis that
//! starts at zero and ends on a round number, with its ticks.

use serde::Serialize;

/// A value axis from 0 to `top`, labelled at `ticks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub top: i64,
    pub ticks: Vec<i64>,
}

/// The axis for values up to `max` (at least 5, so that one unit stays visible): the step is
/// the smallest of 1, 2 or 5 times a power of ten that reaches `max` in at most five steps, and
/// `top` the first multiple of the step at or above `max`.
pub fn scale(max: i64) -> Scale {
    let max = max.max(5);
    let mut power = 1_i64;
    let step = loop {
        if let Some(step) = [1, 2, 5]
            .iter()
            .map(|m| m * power)
            .find(|step| (max + step - 1) / step <= 5)
        {
            break step;
        }
        power = power.saturating_mul(10);
    };
    let steps = (max + step - 1) / step;
    Scale {
        top: steps * step,
        ticks: (0..=steps).map(|i| i * step).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_tops_and_whole_ticks() {
        assert_eq!(
            scale(0),
            Scale {
                top: 5,
                ticks: vec![0, 1, 2, 3, 4, 5]
            }
        );
        assert_eq!(
            scale(7),
            Scale {
                top: 8,
                ticks: vec![0, 2, 4, 6, 8]
            }
        );
        assert_eq!(scale(10).ticks, vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(
            scale(125),
            Scale {
                top: 150,
                ticks: vec![0, 50, 100, 150]
            }
        );
        assert_eq!(scale(180).top, 200);
        assert_eq!(scale(2250).ticks, vec![0, 500, 1000, 1500, 2000, 2500]);
        assert_eq!(scale(1_000_001).top, 1_500_000);
        for max in 0..3000 {
            let s = scale(max);
            assert!(s.top >= max && s.ticks.len() <= 6, "{max}: {s:?}");
            assert!(
                s.top < max.max(5) * 2 + 1,
                "{max}: the axis wastes over half: {s:?}"
            );
        }
    }
}
