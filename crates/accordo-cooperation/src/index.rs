//! The cooperation index: a partner's score from 0 to 100, computed by a [`Policy`] that is
//! data (which indicators, their weights, how each is normalised, the target the partnership
//! aims at), never code. Each [`Score`] lists how every indicator contributed, so a partner
//! can see why it scored what it did; a policy is versioned by the store, so an old score is
//! reproduced by its policy version and its inputs.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

/// What an indicator measures, and where its value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndicatorKind {
    pub id: &'static str,
    pub unit: &'static str,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the platform's own records (readmission requests, returns, joint
    /// courses).
    Platform,
    /// Imported official statistics (Eurostat).
    Official,
    /// Entered on a page by the ministry, with its source.
    Manual,
}

/// Every indicator a policy may use.
pub const INDICATORS: &[IndicatorKind] = &[
    IndicatorKind {
        id: "answered_in_time",
        unit: "share",
        source: Source::Platform,
    },
    IndicatorKind {
        id: "median_reply_days",
        unit: "days",
        source: Source::Platform,
    },
    IndicatorKind {
        id: "identification_rate",
        unit: "share",
        source: Source::Platform,
    },
    IndicatorKind {
        id: "travel_documents_per_confirmation",
        unit: "ratio",
        source: Source::Platform,
    },
    IndicatorKind {
        id: "returns_per_decision",
        unit: "ratio",
        source: Source::Platform,
    },
    IndicatorKind {
        id: "eurostat_return_rate",
        unit: "share",
        source: Source::Official,
    },
    IndicatorKind {
        id: "awareness_campaigns",
        unit: "count",
        source: Source::Manual,
    },
    IndicatorKind {
        id: "joint_trainings",
        unit: "count",
        // The intel pillar's training register (joint courses the partner's agencies took
        // part in), no longer entered by hand.
        source: Source::Platform,
    },
    IndicatorKind {
        id: "pre_departure_certified",
        unit: "count",
        // The legal-pathways pillar's course register: the partner's trainees certified
        // before departure in the year.
        source: Source::Platform,
    },
    IndicatorKind {
        id: "departures_prevented",
        unit: "count",
        source: Source::Manual,
    },
];

pub fn indicator(id: &str) -> Option<&'static IndicatorKind> {
    INDICATORS.iter().find(|k| k.id == id)
}

/// One indicator of a policy. The value is mapped linearly so that `worst` scores 0 and
/// `best` scores 1, clamped; `best` may be below `worst` (fewer days is better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weighted {
    pub indicator: String,
    pub weight: f64,
    pub worst: f64,
    pub best: f64,
    /// What the partnership aims at, shown beside the value; `None` when there is none.
    #[serde(default)]
    pub target: Option<f64>,
}

/// What to do with a partner that has no value for an indicator (no requests yet, no
/// official figure for its nationals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Leave the indicator out and share its weight among the others, saying so.
    #[default]
    Reweight,
    /// Count it as the worst value.
    Worst,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub indicators: Vec<Weighted>,
    #[serde(default)]
    pub missing: Missing,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("a policy needs at least one indicator")]
    Empty,
    #[error("indicator {position}: `{id}` is not an indicator (known: {known})")]
    Unknown {
        position: usize,
        id: String,
        known: String,
    },
    #[error("indicator {position}: `{id}` appears twice")]
    Duplicate { position: usize, id: String },
    #[error(
        "indicator {position} (`{id}`): the weight must be above 0 and at most 1, not {weight}"
    )]
    BadWeight {
        position: usize,
        id: String,
        weight: f64,
    },
    #[error("indicator {position} (`{id}`): `worst` and `best` must be different numbers")]
    BadRange { position: usize, id: String },
    #[error("the weights add up to {sum}, not 1")]
    WeightsDoNotSum { sum: f64 },
}

impl Policy {
    /// Checks the policy; every score is computed from a checked policy.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.indicators.is_empty() {
            return Err(PolicyError::Empty);
        }
        let mut seen = HashSet::new();
        for (i, w) in self.indicators.iter().enumerate() {
            let (position, id) = (i + 1, w.indicator.clone());
            if indicator(&w.indicator).is_none() {
                let known = INDICATORS
                    .iter()
                    .map(|k| k.id)
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(PolicyError::Unknown {
                    position,
                    id,
                    known,
                });
            }
            if !seen.insert(w.indicator.as_str()) {
                return Err(PolicyError::Duplicate { position, id });
            }
            if !(w.weight.is_finite() && w.weight > 0.0 && w.weight <= 1.0) {
                return Err(PolicyError::BadWeight {
                    position,
                    id,
                    weight: w.weight,
                });
            }
            if !(w.worst.is_finite() && w.best.is_finite()) || w.worst == w.best {
                return Err(PolicyError::BadRange { position, id });
            }
        }
        let sum: f64 = self.indicators.iter().map(|w| w.weight).sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(PolicyError::WeightsDoNotSum { sum });
        }
        Ok(())
    }

    /// The partner's score from its indicator values (by indicator id).
    pub fn score(&self, values: &BTreeMap<String, f64>) -> Score {
        let present = |w: &Weighted| values.get(&w.indicator).is_some_and(|v| v.is_finite());
        let weight_in_play: f64 = self
            .indicators
            .iter()
            .filter(|w| self.missing == Missing::Worst || present(w))
            .map(|w| w.weight)
            .sum();
        let mut contributions = Vec::with_capacity(self.indicators.len());
        let mut total = 0.0;
        for w in &self.indicators {
            let value = values.get(&w.indicator).copied().filter(|v| v.is_finite());
            let normalised = match (value, self.missing) {
                (Some(v), _) => Some(((v - w.worst) / (w.best - w.worst)).clamp(0.0, 1.0)),
                (None, Missing::Worst) => Some(0.0),
                (None, Missing::Reweight) => None,
            };
            let effective_weight = match normalised {
                Some(_) if weight_in_play > 0.0 => w.weight / weight_in_play,
                _ => 0.0,
            };
            let points = normalised.unwrap_or(0.0) * effective_weight * 100.0;
            total += points;
            contributions.push(Contribution {
                indicator: w.indicator.clone(),
                value,
                normalised,
                weight: w.weight,
                effective_weight,
                points,
                target: w.target,
                target_met: match (value, w.target) {
                    (Some(v), Some(t)) => Some(if w.best >= w.worst { v >= t } else { v <= t }),
                    _ => None,
                },
            });
        }
        Score {
            score: total,
            contributions,
        }
    }
}

/// One indicator's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub indicator: String,
    /// The partner's value; `None` when it has none.
    pub value: Option<f64>,
    /// The value mapped to 0..1; `None` when the indicator was left out.
    pub normalised: Option<f64>,
    /// The weight in the policy.
    pub weight: f64,
    /// The weight after leaving out missing indicators.
    pub effective_weight: f64,
    /// What it added to the score (the points of all indicators sum to the score).
    pub points: f64,
    pub target: Option<f64>,
    pub target_met: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 0 to 100.
    pub score: f64,
    pub contributions: Vec<Contribution>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            indicators: vec![
                Weighted {
                    indicator: "answered_in_time".into(),
                    weight: 0.5,
                    worst: 0.0,
                    best: 1.0,
                    target: Some(0.9),
                },
                Weighted {
                    indicator: "median_reply_days".into(),
                    weight: 0.25,
                    worst: 90.0,
                    best: 10.0,
                    target: Some(30.0),
                },
                Weighted {
                    indicator: "identification_rate".into(),
                    weight: 0.25,
                    worst: 0.0,
                    best: 1.0,
                    target: None,
                },
            ],
            missing: Missing::Reweight,
        }
    }

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn contributions_add_up_to_the_score() {
        let p = policy();
        p.validate().unwrap();
        let s = p.score(&values(&[
            ("answered_in_time", 0.8),
            ("median_reply_days", 50.0),
            ("identification_rate", 1.0),
        ]));
        // 0.5·0.8 + 0.25·0.5 + 0.25·1 = 0.775
        assert!((s.score - 77.5).abs() < 1e-9, "{}", s.score);
        let sum: f64 = s.contributions.iter().map(|c| c.points).sum();
        assert!((sum - s.score).abs() < 1e-9);
        assert_eq!(s.contributions[0].target_met, Some(false));
        assert_eq!(
            s.contributions[1].target_met,
            Some(false),
            "50 days is over the 30 aimed at"
        );
    }

    #[test]
    fn lower_is_better_and_values_are_clamped() {
        let p = policy();
        let s = p.score(&values(&[
            ("answered_in_time", 1.7),
            ("median_reply_days", 5.0),
            ("identification_rate", -3.0),
        ]));
        assert_eq!(s.contributions[0].normalised, Some(1.0));
        assert_eq!(s.contributions[1].normalised, Some(1.0));
        assert_eq!(s.contributions[1].target_met, Some(true));
        assert_eq!(s.contributions[2].normalised, Some(0.0));
        assert!((s.score - 75.0).abs() < 1e-9);
    }

    #[test]
    fn a_missing_indicator_is_reweighted_or_counted_worst() {
        let mut p = policy();
        let v = values(&[("answered_in_time", 1.0), ("median_reply_days", 10.0)]);
        let s = p.score(&v);
        assert_eq!(s.contributions[2].normalised, None);
        assert!(
            (s.score - 100.0).abs() < 1e-9,
            "the others carry its weight"
        );
        assert!((s.contributions[0].effective_weight - 0.5 / 0.75).abs() < 1e-9);
        p.missing = Missing::Worst;
        assert!((p.score(&v).score - 75.0).abs() < 1e-9);
        assert_eq!(
            Policy {
                missing: Missing::Reweight,
                ..policy()
            }
            .score(&BTreeMap::new())
            .score,
            0.0
        );
    }

    #[test]
    fn bad_policies_name_the_fault() {
        let mut p = policy();
        p.indicators[0].weight = 0.4;
        assert!(matches!(
            p.validate(),
            Err(PolicyError::WeightsDoNotSum { .. })
        ));
        let mut p = policy();
        p.indicators[1].indicator = "bribes".into();
        assert!(matches!(
            p.validate(),
            Err(PolicyError::Unknown { position: 2, .. })
        ));
        let mut p = policy();
        p.indicators[2].indicator = "answered_in_time".into();
        assert!(matches!(
            p.validate(),
            Err(PolicyError::Duplicate { position: 3, .. })
        ));
        let mut p = policy();
        p.indicators[2].best = 0.0;
        assert!(matches!(
            p.validate(),
            Err(PolicyError::BadRange { position: 3, .. })
        ));
        let mut p = policy();
        p.indicators[0].weight = f64::NAN;
        assert!(matches!(
            p.validate(),
            Err(PolicyError::BadWeight { position: 1, .. })
        ));
        assert_eq!(
            Policy {
                indicators: vec![],
                missing: Missing::Reweight
            }
            .validate(),
            Err(PolicyError::Empty)
        );
    }

    #[test]
    fn a_policy_reads_from_json_and_refuses_unknown_fields() {
        let p: Policy = serde_json::from_str(
            r#"{"indicators":[{"indicator":"joint_trainings","weight":1,"worst":0,"best":4}]}"#,
        )
        .unwrap();
        p.validate().unwrap();
        assert!(
            serde_json::from_str::<Policy>(
                r#"{"indicators":[{"indicator":"joint_trainings","weight":1,"worst":0,"best":4,"bonus":2}]}"#
            )
            .is_err()
        );
    }
}
