//! Retention: every kind of record says how long it is kept and what happens then.

use serde::{Deserialize, Serialize};

/// What happens to a record once its retention period has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    /// The record is deleted.
    Erase,
    /// Personal fields are blanked; the record stays for statistics.
    Anonymise,
}

impl RetentionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionAction::Erase => "erase",
            RetentionAction::Anonymise => "anonymise",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "erase" => Some(Self::Erase),
            "anonymise" => Some(Self::Anonymise),
            _ => None,
        }
    }
}

/// A kind's declared retention: the default period (an admin may change it within bounds)
/// and the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRule {
    pub kind: &'static str,
    pub description: &'static str,
    pub default_days: u32,
    /// The shortest period an admin may set (legal minimums, e.g. for the audit log).
    pub min_days: u32,
    pub max_days: u32,
    pub action: RetentionAction,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retention for `{kind}` must be between {min} and {max} days, not {got}")]
pub struct PeriodOutOfBounds {
    pub kind: &'static str,
    pub min: u32,
    pub max: u32,
    pub got: i64,
}

impl RetentionRule {
    pub fn check_period(&self, days: i64) -> Result<u32, PeriodOutOfBounds> {
        u32::try_from(days)
            .ok()
            .filter(|d| (self.min_days..=self.max_days).contains(d))
            .ok_or(PeriodOutOfBounds {
                kind: self.kind,
                min: self.min_days,
                max: self.max_days,
                got: days,
            })
    }

    /// The cut-off: records older than this (microseconds since the epoch) are due.
    pub fn cutoff_us(days: u32, now_us: i64) -> i64 {
        now_us - i64::from(days) * 86_400 * 1_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: RetentionRule = RetentionRule {
        kind: "session",
        description: "sessions",
        default_days: 30,
        min_days: 1,
        max_days: 365,
        action: RetentionAction::Erase,
    };

    #[test]
    fn period_bounds() {
        assert_eq!(RULE.check_period(30), Ok(30));
        assert_eq!(RULE.check_period(1), Ok(1));
        assert!(RULE.check_period(0).is_err());
        assert!(RULE.check_period(366).is_err());
        assert!(RULE.check_period(-5).is_err());
        assert_eq!(
            RetentionRule::cutoff_us(1, 86_400_000_000 * 3),
            86_400_000_000 * 2
        );
    }
}
