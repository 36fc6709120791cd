//! The return case as a state machine.
//!
//! ```text
//! open ──request──▶ readmission_requested ──confirmed──▶ nationality_confirmed
//!   ▲                      │ rejected                          │ travel document
//!   └──────────────────────┘                                   ▼
//!             scheduled ◀──schedule── travel_document_issued (or a valid passport held)
//!             │   │  ▲
//!   executed ◀┘   └──┴─▶ failed ──schedule again──▶ scheduled
//!   closed ◀── any state that is not final (with a reason)
//! ```
//!
//! [`check`] decides a transition from the case's state and its [`Facts`]. When it refuses,
//! it names every rule that blocks the transition, not only the first, so the caseworker
//! sees at once all that is missing. The safeguards are rules like the others and no role
//! can skip them: no return is scheduled or carried out while an asylum claim or appeal is
//! pending, nor for an unaccompanied minor without the best-interests assessment recorded.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::agreement::add_days;

macro_rules! names {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names! {
    /// Where a return case stands.
    pub enum State {
        Open => "open",
        ReadmissionRequested => "readmission_requested",
        NationalityConfirmed => "nationality_confirmed",
        TravelDocumentIssued => "travel_document_issued",
        Scheduled => "scheduled",
        Executed => "executed",
        Failed => "failed",
        Closed => "closed",
    }
}

impl State {
    /// No transition leaves a final state.
    pub fn is_final(self) -> bool {
        matches!(self, State::Executed | State::Closed)
    }
}

names! {
    /// The person's asylum situation.
    pub enum Asylum {
        None => "none",
        Pending => "pending",
        AppealPending => "appeal_pending",
        Rejected => "rejected",
        Granted => "granted",
    }
}

names! {
    pub enum Vulnerability {
        Minor => "minor",
        Unaccompanied => "unaccompanied",
        Medical => "medical",
        TraffickingVictim => "trafficking_victim",
    }
}

names! {
    /// How a return is carried out.
    pub enum ReturnKind {
        Flight => "flight",
        Charter => "charter",
        AssistedVoluntary => "assisted_voluntary",
    }
}

names! {
    /// A rule that can block a transition, by its machine name.
    pub enum Rule {
        OutOfOrder => "out_of_order",
        AsylumPending => "asylum_pending",
        ProtectionGranted => "protection_granted",
        BestInterestsAssessmentMissing => "best_interests_assessment_missing",
        ReturnDecisionMissing => "return_decision_missing",
        ReadmissionPending => "readmission_pending",
        ReadmissionNotConfirmed => "readmission_not_confirmed",
        TravelDocumentMissing => "travel_document_missing",
        TravelDocumentValidityTooShort => "travel_document_validity_too_short",
        TransferPeriodExceeded => "transfer_period_exceeded",
        DateInPast => "date_in_past",
        DateInFuture => "date_in_future",
        ReasonMissing => "reason_missing",
    }
}

impl Rule {
    /// What the rule means, for the caseworker.
    pub fn explain(self) -> &'static str {
        match self {
            Rule::OutOfOrder => "the case is not in a state this step can follow",
            Rule::AsylumPending => "an asylum claim or appeal is pending",
            Rule::ProtectionGranted => "the person has been granted protection",
            Rule::BestInterestsAssessmentMissing => {
                "the person is an unaccompanied minor and no best-interests assessment is recorded"
            }
            Rule::ReturnDecisionMissing => "no return decision is recorded",
            Rule::ReadmissionPending => "a readmission request is already awaiting its reply",
            Rule::ReadmissionNotConfirmed => {
                "the partner has not confirmed nationality (nor accepted by silence)"
            }
            Rule::TravelDocumentMissing => {
                "there is no travel document: neither a laissez-passer nor a valid passport held"
            }
            Rule::TravelDocumentValidityTooShort => {
                "the travel document is not valid long enough after the return date, as the agreement requires"
            }
            Rule::TransferPeriodExceeded => {
                "the date is after the time the agreement allows for the transfer"
            }
            Rule::DateInPast => "the date is in the past",
            Rule::DateInFuture => "the date is in the future",
            Rule::ReasonMissing => "a reason is required",
        }
    }
}

/// A step the case may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    RequestReadmission,
    ConfirmNationality,
    RejectNationality,
    IssueTravelDocument,
    Schedule { kind: ReturnKind, date: Date },
    Execute { date: Date },
    Fail { reason: String },
    Close { reason: String },
}

impl Transition {
    /// The state the case is in after the step.
    pub fn target(&self) -> State {
        match self {
            Transition::RequestReadmission => State::ReadmissionRequested,
            Transition::ConfirmNationality => State::NationalityConfirmed,
            Transition::RejectNationality => State::Open,
            Transition::IssueTravelDocument => State::TravelDocumentIssued,
            Transition::Schedule { .. } => State::Scheduled,
            Transition::Execute { .. } => State::Executed,
            Transition::Fail { .. } => State::Failed,
            Transition::Close { .. } => State::Closed,
        }
    }

    /// The states the step can follow, before any fact is looked at.
    fn follows(&self, from: State) -> bool {
        use State::*;
        match self {
            Transition::RequestReadmission => from == Open,
            Transition::ConfirmNationality | Transition::RejectNationality => {
                from == ReadmissionRequested
            }
            Transition::IssueTravelDocument => from == NationalityConfirmed,
            // Scheduling is possible from any open state: whatever is missing is said by
            // the rules on the facts (readmission, travel document), which helps more
            // than "out of order".
            Transition::Schedule { .. } => !from.is_final(),
            Transition::Execute { .. } | Transition::Fail { .. } => from == Scheduled,
            Transition::Close { .. } => !from.is_final(),
        }
    }
}

/// What the rules look at, gathered by the service from the case, its readmission request
/// and the agreement with the partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub today: Date,
    pub asylum: Asylum,
    pub vulnerabilities: Vec<Vulnerability>,
    pub best_interests_assessment: bool,
    pub return_decision: Option<Date>,
    /// A readmission request is awaiting its reply.
    pub readmission_pending: bool,
    /// The day nationality was confirmed (or accepted by the partner's silence).
    pub nationality_confirmed_on: Option<Date>,
    /// The last day of validity of the document the person would travel on: the
    /// laissez-passer issued by the partner, or a valid passport held.
    pub travel_document_valid_until: Option<Date>,
    /// Days the travel document must still be valid on the day of the transfer.
    pub required_validity_days: u32,
    /// Days the agreement allows for the transfer after confirmation.
    pub transfer_days: Option<u32>,
}

impl Facts {
    fn unaccompanied_minor(&self) -> bool {
        self.vulnerabilities.contains(&Vulnerability::Minor)
            && self.vulnerabilities.contains(&Vulnerability::Unaccompanied)
    }

    /// The safeguards every removal step answers to.
    fn safeguards(&self, blocked: &mut Vec<Rule>) {
        if matches!(self.asylum, Asylum::Pending | Asylum::AppealPending) {
            blocked.push(Rule::AsylumPending);
        }
        if self.asylum == Asylum::Granted {
            blocked.push(Rule::ProtectionGranted);
        }
        if self.unaccompanied_minor() && !self.best_interests_assessment {
            blocked.push(Rule::BestInterestsAssessmentMissing);
        }
    }
}

/// Whether `transition` may happen to a case in `from`; the new state, or every rule that
/// blocks it.
pub fn check(from: State, transition: &Transition, facts: &Facts) -> Result<State, Vec<Rule>> {
    let mut blocked = Vec::new();
    if !transition.follows(from) {
        blocked.push(Rule::OutOfOrder);
    }
    match transition {
        Transition::RequestReadmission => {
            if facts.return_decision.is_none() {
                blocked.push(Rule::ReturnDecisionMissing);
            }
            if facts.asylum == Asylum::Granted {
                blocked.push(Rule::ProtectionGranted);
            }
            if facts.readmission_pending {
                blocked.push(Rule::ReadmissionPending);
            }
        }
        Transition::ConfirmNationality
        | Transition::RejectNationality
        | Transition::IssueTravelDocument => {}
        Transition::Schedule { date, .. } => {
            facts.safeguards(&mut blocked);
            if facts.return_decision.is_none() {
                blocked.push(Rule::ReturnDecisionMissing);
            }
            match facts.nationality_confirmed_on {
                None => blocked.push(Rule::ReadmissionNotConfirmed),
                Some(confirmed) => {
                    if let Some(days) = facts.transfer_days
                        && *date > add_days(confirmed, i64::from(days))
                    {
                        blocked.push(Rule::TransferPeriodExceeded);
                    }
                }
            }
            match facts.travel_document_valid_until {
                None => blocked.push(Rule::TravelDocumentMissing),
                Some(until) => {
                    if until < add_days(*date, i64::from(facts.required_validity_days)) {
                        blocked.push(Rule::TravelDocumentValidityTooShort);
                    }
                }
            }
            if *date < facts.today {
                blocked.push(Rule::DateInPast);
            }
        }
        Transition::Execute { date } => {
            facts.safeguards(&mut blocked);
            if *date > facts.today {
                blocked.push(Rule::DateInFuture);
            }
        }
        Transition::Fail { reason } | Transition::Close { reason } => {
            if reason.trim().is_empty() {
                blocked.push(Rule::ReasonMissing);
            }
        }
    }
    if blocked.is_empty() {
        Ok(transition.target())
    } else {
        Err(blocked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 23);

    /// A case ready for every step: return decision, nationality confirmed, a laissez-passer
    /// valid a year.
    fn ready() -> Facts {
        Facts {
            today: TODAY,
            asylum: Asylum::Rejected,
            vulnerabilities: vec![],
            best_interests_assessment: false,
            return_decision: Some(date(2026, 9, 1)),
            readmission_pending: false,
            nationality_confirmed_on: Some(date(2026, 11, 1)),
            travel_document_valid_until: Some(date(2027, 11, 1)),
            required_validity_days: 183,
            transfer_days: Some(90),
        }
    }

    fn schedule(day: Date) -> Transition {
        Transition::Schedule {
            kind: ReturnKind::Flight,
            date: day,
        }
    }

    fn all_transitions() -> Vec<Transition> {
        vec![
            Transition::RequestReadmission,
            Transition::ConfirmNationality,
            Transition::RejectNationality,
            Transition::IssueTravelDocument,
            schedule(date(2026, 12, 1)),
            Transition::Execute { date: TODAY },
            Transition::Fail {
                reason: "refused boarding".into(),
            },
            Transition::Close {
                reason: "left the territory".into(),
            },
        ]
    }

    #[test]
    fn every_allowed_transition_from_every_state() {
        use State::*;
        let expected: &[(State, &[State])] = &[
            (Open, &[ReadmissionRequested, Scheduled, Closed]),
            (
                ReadmissionRequested,
                &[NationalityConfirmed, Open, Scheduled, Closed],
            ),
            (
                NationalityConfirmed,
                &[TravelDocumentIssued, Scheduled, Closed],
            ),
            (TravelDocumentIssued, &[Scheduled, Closed]),
            (Scheduled, &[Scheduled, Executed, Failed, Closed]),
            (Failed, &[Scheduled, Closed]),
            (Executed, &[]),
            (Closed, &[]),
        ];
        for (from, targets) in expected {
            let reached: Vec<State> = all_transitions()
                .iter()
                .filter_map(|t| check(*from, t, &ready()).ok())
                .collect();
            assert_eq!(&reached, targets, "from {from}");
        }
        assert_eq!(expected.len(), State::ALL.len());
    }

    #[test]
    fn a_step_out_of_order_is_refused_by_name() {
        let got = check(State::Open, &Transition::Execute { date: TODAY }, &ready());
        assert_eq!(got, Err(vec![Rule::OutOfOrder]));
        let got = check(State::Executed, &schedule(date(2026, 12, 1)), &ready());
        assert_eq!(got, Err(vec![Rule::OutOfOrder]));
        let got = check(
            State::Closed,
            &Transition::Close {
                reason: "again".into(),
            },
            &ready(),
        );
        assert_eq!(got, Err(vec![Rule::OutOfOrder]));
    }

    #[test]
    fn no_return_is_scheduled_or_executed_while_asylum_is_pending() {
        for asylum in [Asylum::Pending, Asylum::AppealPending] {
            let facts = Facts { asylum, ..ready() };
            assert_eq!(
                check(
                    State::TravelDocumentIssued,
                    &schedule(date(2026, 12, 1)),
                    &facts
                ),
                Err(vec![Rule::AsylumPending])
            );
            assert_eq!(
                check(
                    State::Scheduled,
                    &Transition::Execute { date: TODAY },
                    &facts
                ),
                Err(vec![Rule::AsylumPending]),
                "a claim made after scheduling stops the return"
            );
        }
        let granted = Facts {
            asylum: Asylum::Granted,
            ..ready()
        };
        assert_eq!(
            check(
                State::TravelDocumentIssued,
                &schedule(date(2026, 12, 1)),
                &granted
            ),
            Err(vec![Rule::ProtectionGranted])
        );
        assert_eq!(
            check(State::Open, &Transition::RequestReadmission, &granted),
            Err(vec![Rule::ProtectionGranted])
        );
        for asylum in [Asylum::None, Asylum::Rejected] {
            let facts = Facts { asylum, ..ready() };
            assert!(
                check(
                    State::TravelDocumentIssued,
                    &schedule(date(2026, 12, 1)),
                    &facts
                )
                .is_ok()
            );
        }
    }

    #[test]
    fn an_unaccompanied_minor_needs_the_best_interests_assessment() {
        let minor = Facts {
            vulnerabilities: vec![Vulnerability::Minor, Vulnerability::Unaccompanied],
            ..ready()
        };
        assert_eq!(
            check(
                State::TravelDocumentIssued,
                &schedule(date(2026, 12, 1)),
                &minor
            ),
            Err(vec![Rule::BestInterestsAssessmentMissing])
        );
        assert_eq!(
            check(
                State::Scheduled,
                &Transition::Execute { date: TODAY },
                &minor
            ),
            Err(vec![Rule::BestInterestsAssessmentMissing])
        );
        let assessed = Facts {
            best_interests_assessment: true,
            ..minor.clone()
        };
        assert!(
            check(
                State::TravelDocumentIssued,
                &schedule(date(2026, 12, 1)),
                &assessed
            )
            .is_ok()
        );
        // A minor with family, or an unaccompanied adult, is not this safeguard's case.
        for v in [Vulnerability::Minor, Vulnerability::Unaccompanied] {
            let facts = Facts {
                vulnerabilities: vec![v, Vulnerability::Medical],
                ..ready()
            };
            assert!(
                check(
                    State::TravelDocumentIssued,
                    &schedule(date(2026, 12, 1)),
                    &facts
                )
                .is_ok()
            );
        }
    }

    #[test]
    fn every_blocking_rule_is_named_at_once() {
        let facts = Facts {
            asylum: Asylum::AppealPending,
            vulnerabilities: vec![Vulnerability::Unaccompanied, Vulnerability::Minor],
            return_decision: None,
            nationality_confirmed_on: None,
            travel_document_valid_until: None,
            ..ready()
        };
        assert_eq!(
            check(State::Open, &schedule(date(2026, 11, 1)), &facts),
            Err(vec![
                Rule::AsylumPending,
                Rule::BestInterestsAssessmentMissing,
                Rule::ReturnDecisionMissing,
                Rule::ReadmissionNotConfirmed,
                Rule::TravelDocumentMissing,
                Rule::DateInPast,
            ])
        );
    }

    #[test]
    fn the_travel_document_and_the_transfer_follow_the_agreement() {
        // Valid until 2027-11-01; 183 days needed: a return after 2027-05-02 is too late.
        let f = Facts {
            transfer_days: None,
            ..ready()
        };
        assert!(check(State::TravelDocumentIssued, &schedule(date(2027, 5, 2)), &f).is_ok());
        assert_eq!(
            check(State::TravelDocumentIssued, &schedule(date(2027, 5, 3)), &f),
            Err(vec![Rule::TravelDocumentValidityTooShort])
        );
        // Confirmed 2026-11-01 with 90 days for the transfer: by 2027-01-30.
        assert!(
            check(
                State::TravelDocumentIssued,
                &schedule(date(2027, 1, 30)),
                &ready()
            )
            .is_ok()
        );
        assert_eq!(
            check(
                State::TravelDocumentIssued,
                &schedule(date(2027, 1, 31)),
                &ready()
            ),
            Err(vec![Rule::TransferPeriodExceeded])
        );
    }

    #[test]
    fn readmission_requests_need_a_return_decision_and_go_one_at_a_time() {
        let f = Facts {
            return_decision: None,
            readmission_pending: true,
            ..ready()
        };
        assert_eq!(
            check(State::Open, &Transition::RequestReadmission, &f),
            Err(vec![Rule::ReturnDecisionMissing, Rule::ReadmissionPending])
        );
    }

    #[test]
    fn execution_dates_and_reasons() {
        assert_eq!(
            check(
                State::Scheduled,
                &Transition::Execute {
                    date: date(2026, 11, 24)
                },
                &ready()
            ),
            Err(vec![Rule::DateInFuture])
        );
        for t in [
            Transition::Fail {
                reason: "  ".into(),
            },
            Transition::Close {
                reason: String::new(),
            },
        ] {
            let from = if matches!(t, Transition::Fail { .. }) {
                State::Scheduled
            } else {
                State::Open
            };
            assert_eq!(check(from, &t, &ready()), Err(vec![Rule::ReasonMissing]));
        }
    }

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(*s));
        }
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.as_str()), Some(*r));
            assert!(!r.explain().is_empty());
        }
        assert_eq!(
            serde_json::to_string(&Rule::AsylumPending).unwrap(),
            "\"asylum_pending\""
        );
    }
}
