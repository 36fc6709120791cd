//! What the pages' charts (SVG drawn by the templates, no script) share: a value axis that
//! starts at zero and ends on a round number, with its ticks.

use serde::Serialize;

/// A value axis from 0 to `top`, labelled at `ticks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub top: i64,
    pub ticks: Vec<i64>,
}

/// The axis for values up to `max`: `top` is the smallest of 1, 2 or 5 times a power of ten
/// that is at least `max` (at least 5, so that one unit stays visible), with about five
/// whole-number ticks.
pub fn scale(max: i64) -> Scale {
    let max = max.max(5);
    let mut power = 1_i64;
    let top = loop {
        if let Some(step) = [1, 2, 5].iter().map(|m| m * power).find(|t| *t >= max) {
            break step;
        }
        power = power.saturating_mul(10);
    };
    let step = (top / 5).max(1);
    Scale {
        top,
        ticks: (0..=top / step).map(|i| i * step).collect(),
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
        assert_eq!(scale(7).top, 10);
        assert_eq!(scale(10).ticks, vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(scale(11).top, 20);
        assert_eq!(
            scale(180),
            Scale {
                top: 200,
                ticks: vec![0, 40, 80, 120, 160, 200]
            }
        );
        assert_eq!(scale(201).top, 500);
        assert_eq!(scale(1_000_001).top, 2_000_000);
    }
}
