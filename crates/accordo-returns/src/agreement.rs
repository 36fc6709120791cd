//! A readmission agreement's terms, as data an administrator edits, and the reply deadline
//! they give a request.
//!
//! Deadlines are calendar dates in the requested authority's time zone: a request sent on
//! 1 March with 30 days to reply is due on 31 March, and a reply on 31 March is in time. A
//! request for more information pauses the clock when the agreement says so: the deadline
//! moves by the days the pause lasted (while it lasts, by the days so far).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Kinds of evidence a readmission request may carry.
pub const EVIDENCE_KINDS: &[&str] = &[
    "passport",
    "passport_copy",
    "identity_card",
    "other_document",
    "mrz_check",
    "interview_record",
    "biometric_match",
    "witness_statement",
];

/// The terms of one agreement between the host state and a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// Calendar days the requested authority has to reply.
    pub reply_days: u32,
    /// No reply by the deadline counts as acceptance.
    pub silence_is_acceptance: bool,
    /// Evidence the partner accepts as proof or presumption of nationality.
    pub accepted_evidence: Vec<String>,
    /// The requested authority may ask once for more days, and how many.
    pub extension_days: Option<u32>,
    /// A request for more information stops the clock until it is answered.
    pub pause_on_more_information: bool,
    /// Days the travel document must be valid for, counted from the day it is recorded
    /// (its issue): e.g. six months under the EU–Pakistan agreement.
    pub travel_document_validity_days: u32,
    /// Days the partner has to issue the travel document after confirming nationality.
    pub travel_document_issue_days: Option<u32>,
    /// Days allowed for the transfer after nationality is confirmed.
    pub transfer_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("`reply_days` must be between 1 and 365, not {0}")]
    ReplyDays(u32),
    #[error("`accepted_evidence`: `{0}` is not a kind of evidence (known: {known})", known = EVIDENCE_KINDS.join(", "))]
    Evidence(String),
    #[error("`{field}` must be between 1 and 3650 days, not {value}")]
    Days { field: &'static str, value: u32 },
}

impl Terms {
    pub fn validate(&self) -> Result<(), TermsError> {
        if !(1..=365).contains(&self.reply_days) {
            return Err(TermsError::ReplyDays(self.reply_days));
        }
        if let Some(bad) = self
            .accepted_evidence
            .iter()
            .find(|e| !EVIDENCE_KINDS.contains(&e.as_str()))
        {
            return Err(TermsError::Evidence(bad.clone()));
        }
        let optional = [
            ("extension_days", self.extension_days),
            (
                "travel_document_issue_days",
                self.travel_document_issue_days,
            ),
            ("transfer_days", self.transfer_days),
        ];
        for (field, value) in optional {
            if let Some(value) = value
                && !(1..=3650).contains(&value)
            {
                return Err(TermsError::Days { field, value });
            }
        }
        if self.travel_document_validity_days > 3650 {
            return Err(TermsError::Days {
                field: "travel_document_validity_days",
                value: self.travel_document_validity_days,
            });
        }
        Ok(())
    }

    /// The deadline of a request sent on `sent`, given its pauses, as of `today`.
    pub fn deadline(&self, sent: Date, pauses: &[Pause], extended: bool, today: Date) -> Deadline {
        let mut paused_days = 0i64;
        let mut paused = false;
        if self.pause_on_more_information {
            for pause in pauses {
                let until = match pause.until {
                    Some(until) => until,
                    None => {
                        paused = true;
                        today
                    }
                };
                paused_days += days_between(pause.from, until).max(0);
            }
        }
        let extension = if extended {
            i64::from(self.extension_days.unwrap_or(0))
        } else {
            0
        };
        let date = add_days(sent, i64::from(self.reply_days) + paused_days + extension);
        Deadline {
            date,
            paused,
            paused_days,
            days_left: days_between(today, date),
        }
    }
}

/// A request for more information: from the day it was asked until the day it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The last day on which a reply is in time.
    pub date: Date,
    /// The clock is stopped now: the partner awaits more information.
    pub paused: bool,
    pub paused_days: i64,
    /// Days from today to the deadline; 0 is "due today", negative is overdue.
    pub days_left: i64,
}

impl Deadline {
    /// A reply given on `day` is late.
    pub fn is_late(&self, day: Date) -> bool {
        day > self.date
    }
}

/// Whole calendar days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

/// `date` plus `days`, saturating at the calendar's ends.
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(days.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn terms() -> Terms {
        Terms {
            reply_days: 30,
            silence_is_acceptance: true,
            accepted_evidence: vec!["passport".into(), "passport_copy".into()],
            extension_days: Some(30),
            pause_on_more_information: true,
            travel_document_validity_days: 183,
            travel_document_issue_days: None,
            transfer_days: Some(90),
        }
    }

    #[test]
    fn the_deadline_counts_calendar_days_and_the_last_day_is_in_time() {
        let t = terms();
        let d = t.deadline(date(2026, 3, 1), &[], false, date(2026, 3, 10));
        assert_eq!(d.date, date(2026, 3, 31));
        assert_eq!(d.days_left, 21);
        assert!(!d.is_late(date(2026, 3, 31)));
        assert!(d.is_late(date(2026, 4, 1)));
        // Across a leap day and a year end.
        let d = t.deadline(date(2027, 12, 15), &[], false, date(2027, 12, 15));
        assert_eq!(d.date, date(2028, 1, 14));
        let d = t.deadline(date(2028, 2, 1), &[], false, date(2028, 2, 1));
        assert_eq!(d.date, date(2028, 3, 2));
    }

    #[test]
    fn a_pause_moves_the_deadline_by_its_days_when_the_agreement_says_so() {
        let mut t = terms();
        let pauses = [Pause {
            from: date(2026, 3, 10),
            until: Some(date(2026, 3, 17)),
        }];
        let d = t.deadline(date(2026, 3, 1), &pauses, false, date(2026, 3, 20));
        assert_eq!(
            (d.date, d.paused_days, d.paused),
            (date(2026, 4, 7), 7, false)
        );
        // An open pause grows every day.
        let open = [Pause {
            from: date(2026, 3, 10),
            until: None,
        }];
        let d = t.deadline(date(2026, 3, 1), &open, false, date(2026, 3, 15));
        assert_eq!((d.date, d.paused), (date(2026, 4, 5), true));
        t.pause_on_more_information = false;
        let d = t.deadline(date(2026, 3, 1), &pauses, false, date(2026, 3, 20));
        assert_eq!(d.date, date(2026, 3, 31), "no pause under this agreement");
    }

    #[test]
    fn an_extension_adds_its_days() {
        let d = terms().deadline(date(2026, 3, 1), &[], true, date(2026, 3, 1));
        assert_eq!(d.date, date(2026, 4, 30));
    }

    #[test]
    fn bad_terms_name_the_field() {
        let mut t = terms();
        t.reply_days = 0;
        assert_eq!(t.validate(), Err(TermsError::ReplyDays(0)));
        let mut t = terms();
        t.accepted_evidence.push("hearsay".into());
        assert_eq!(t.validate(), Err(TermsError::Evidence("hearsay".into())));
        let mut t = terms();
        t.transfer_days = Some(0);
        assert!(matches!(
            t.validate(),
            Err(TermsError::Days {
                field: "transfer_days",
                ..
            })
        ));
        terms().validate().unwrap();
    }

    #[test]
    fn terms_refuse_unknown_fields() {
        let mut json = serde_json::to_value(terms()).unwrap();
        json["grace_days"] = 3.into();
        assert!(serde_json::from_value::<Terms>(json).is_err());
    }
}
