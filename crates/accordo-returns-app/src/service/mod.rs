//! The returns pillar: return cases, readmission requests to the partners' central
//! authorities under their agreements' terms, travel documents, the return itself, centres
//! and their independent monitoring.
//!
//! Every step of a case goes through `accordo_returns::case::check`, which names every rule
//! that blocks it; the safeguards (asylum pending, unaccompanied minor without a
//! best-interests assessment) are among those rules, so no role can skip them. Deadlines are
//! calendar dates in the requested authority's time zone.

mod agreements;
mod cases;
mod centres;
mod requests;

pub use agreements::*;
pub use cases::*;
pub use centres::*;
pub use requests::*;

use std::collections::HashMap;

use crate::store::{
    self as store, AgreementRow, CaseDocumentRow, CaseRow, CentreRow, PauseRow, RequestFilter,
    RequestRow, SafeguardRow, StayRow,
};
use accordo_domain::access::{Action, Addressee, Resource};
use accordo_domain::{AgencyCode, CountryCode, Handling, RecordScope, can};
use accordo_returns::agreement::{EVIDENCE_KINDS, add_days, days_between};
use accordo_returns::case::{self, Facts, ReturnKind, Transition};
use accordo_returns::{Asylum, Deadline, Pause, Rule, State, Terms, Vulnerability};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use accordo_documents_app::service as documents;
use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications};

use crate::policy;

/// Kinds of safeguard record. Recording a `best_interests_assessment` satisfies the
/// unaccompanied-minor safeguard.
pub const SAFEGUARD_KINDS: &[&str] = &[
    "best_interests_assessment",
    "vulnerability_screening",
    "legal_information",
    "asylum_information",
    "medical_examination",
    "guardian_appointed",
];

/// Kinds of document a case may hold (the person's own, or a copy).
pub const DOCUMENT_KINDS: &[&str] = &[
    "passport",
    "passport_copy",
    "identity_card",
    "other_document",
];

/// The longest listing returned at once.
pub(crate) const LIST_LIMIT: i64 = 500;

// ---------------------------------------------------------------- time

pub(crate) fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// The readmission requests `ctx` may read that `filter` selects, or none for a reader who
/// may read no request (a case is then shown without them).
pub(crate) async fn readable_requests(
    conn: &mut accordo_store::Conn,
    ctx: &Ctx,
    filter: &RequestFilter,
    limit: i64,
) -> Result<Vec<RequestRow>> {
    match accordo_domain::scope(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST) {
        Ok(scope) => Ok(store::requests(conn, &scope, filter, limit).await?),
        Err(_) => Ok(Vec::new()),
    }
}

/// Today in the host state's zone (`Settings::host_time_zone`).
pub fn host_today(platform: &Platform) -> Date {
    today_in(platform, &platform.settings.host_time_zone)
}

/// Today's date in a time zone.
pub fn today_in(platform: &Platform, tz: &str) -> Date {
    platform.clock.now().to_zoned(zone(tz)).date()
}

/// The instant a deadline date ends in its zone (the start of the next day), in µs.
pub(crate) fn end_of_day_us(date: Date, tz: &str) -> i64 {
    date.tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(zone(tz)).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_microsecond())
}

/// An ISO 8601 calendar date, `YYYY-MM-DD` exactly (`accordo_domain::dates`).
pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date> {
    accordo_domain::dates::parse(text)
        .map_err(|message| ServiceError::refused_value(field, "date", Vec::new(), message))
}

/// An optional date: absent or empty is none; anything else must be a date.
pub(crate) fn parse_optional_date(field: &str, text: Option<&str>) -> Result<Option<Date>> {
    text.filter(|t| !t.is_empty())
        .map(|t| parse_date(field, t))
        .transpose()
}

/// Refuses a return decision dated before the person was born.
pub(crate) fn decision_after_birth(decision: Option<Date>, birth: Option<Date>) -> Result<()> {
    match (decision, birth) {
        (Some(d), Some(b)) if d < b => Err(ServiceError::invalid(
            "return_decision_date",
            format!("the return decision ({d}) is dated before the date of birth ({b})"),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn row_date(text: &Option<String>) -> Option<Date> {
    text.as_deref().and_then(|t| t.parse().ok())
}

pub(crate) fn agency_code(text: &str) -> Result<AgencyCode> {
    AgencyCode::parse(text).map_err(|e| ServiceError::invalid("agency", e.to_string()))
}

pub(crate) async fn agency_zone(platform: &Platform, code: &str) -> Result<String> {
    let mut conn = platform.store.read().await?;
    Ok(accordo_store::accounts::find_agency(&mut conn, code)
        .await?
        .map_or_else(|| "UTC".to_owned(), |a| a.time_zone))
}
