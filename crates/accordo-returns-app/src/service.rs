//! The returns pillar: return cases, readmission requests to the partners' central
//! authorities under their agreements' terms, travel documents, the return itself, centres
//! and their independent monitoring.
//!
//! Every step of a case goes through `accordo_returns::case::check`, which names every rule
//! that blocks it; the safeguards (asylum pending, unaccompanied minor without a
//! best-interests assessment) are among those rules, so no role can skip them. Deadlines are
//! calendar dates in the requested authority's time zone.

use std::collections::HashMap;

use crate::store::{
    self as store, AgreementRow, CaseDocumentRow, CaseRow, CentreRow, PauseRow, RequestFilter,
    RequestRow, SafeguardRow, StayRow,
};
use accordo_domain::access::{Action, Addressee, Resource, reaches_for};
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
const LIST_LIMIT: i64 = 500;

// ---------------------------------------------------------------- time

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// Today's date in a time zone.
pub fn today_in(platform: &Platform, tz: &str) -> Date {
    platform.clock.now().to_zoned(zone(tz)).date()
}

/// The instant a deadline date ends in its zone (the start of the next day), in µs.
fn end_of_day_us(date: Date, tz: &str) -> i64 {
    date.tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(zone(tz)).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_microsecond())
}

fn parse_date(field: &str, text: &str) -> Result<Date> {
    text.parse::<Date>().map_err(|_| {
        ServiceError::invalid(
            field,
            format!("`{text}` is not a date: expected YYYY-MM-DD"),
        )
    })
}

fn parse_optional_date(field: &str, text: Option<&str>) -> Result<Option<Date>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| parse_date(field, t.trim()))
        .transpose()
}

fn row_date(text: &Option<String>) -> Option<Date> {
    text.as_deref().and_then(|t| t.parse().ok())
}

fn agency_code(text: &str) -> Result<AgencyCode> {
    AgencyCode::parse(text).map_err(|e| ServiceError::invalid("agency", e.to_string()))
}

async fn agency_zone(platform: &Platform, code: &str) -> Result<String> {
    let mut conn = platform.store.read().await?;
    Ok(accordo_store::accounts::find_agency(&mut conn, code)
        .await?
        .map_or_else(|| "UTC".to_owned(), |a| a.time_zone))
}

// ---------------------------------------------------------------- agreements

/// An agreement with a partner authority, its terms parsed.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub id: Uuid,
    pub name: String,
    pub partner_country: String,
    pub authority_agency: String,
    pub terms: Terms,
    /// Where the terms come from.
    pub source: String,
    /// The terms were read in the agreement's own text; false when only a secondary source
    /// was found.
    pub confirmed: bool,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

fn agreement_of(row: AgreementRow) -> Result<Agreement> {
    let terms: Terms = serde_json::from_str(&row.terms)
        .map_err(|e| ServiceError::invalid("terms", format!("stored terms are unreadable: {e}")))?;
    Ok(Agreement {
        id: row.id,
        name: row.name,
        partner_country: row.partner_country,
        authority_agency: row.authority_agency,
        terms,
        source: row.source,
        confirmed: row.confirmed,
        version: row.version,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
    })
}

pub async fn agreements(platform: &Platform, ctx: &Ctx) -> Result<Vec<Agreement>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_AGREEMENT),
    )?;
    let mut conn = platform.store.read().await?;
    store::agreements(&mut conn)
        .await?
        .into_iter()
        .map(agreement_of)
        .collect()
}

/// New terms for an agreement, given with the version they replace.
#[derive(Debug, Clone)]
pub struct AgreementEdit {
    pub name: String,
    pub terms: Terms,
    pub source: String,
    pub confirmed: bool,
    pub version: i64,
}

/// Replaces an agreement's terms (a new version; requests already sent keep theirs).
pub async fn edit_agreement(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    edit: AgreementEdit,
) -> Result<Agreement> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::READMISSION_AGREEMENT),
    )?;
    edit.terms
        .validate()
        .map_err(|e| ServiceError::invalid("terms", e.to_string()))?;
    if edit.name.trim().is_empty() {
        return Err(ServiceError::invalid("name", "the agreement needs a name"));
    }
    if edit.source.trim().is_empty() {
        return Err(ServiceError::invalid(
            "source",
            "say where the terms come from (the agreement's text, or the secondary source read)",
        ));
    }
    let mut conn = platform.store.read().await?;
    let old = store::agreement(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_agreement", id))?;
    drop(conn);
    let new = AgreementRow {
        name: edit.name.trim().to_owned(),
        terms: serde_json::to_string(&edit.terms).unwrap_or_default(),
        source: edit.source.trim().to_owned(),
        confirmed: edit.confirmed,
        version: old.version + 1,
        updated_at: platform.now_us(),
        updated_by: ctx.actor.username.clone(),
        ..old.clone()
    };
    let mut tx = platform.store.write().await?;
    if !store::update_agreement(&mut tx, &new, edit.version).await? {
        return Err(refused("stale_version"));
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_agreement.update",
        policy::READMISSION_AGREEMENT.kind,
        Some(&id.to_string()),
        json!({"version": new.version, "before": serde_json::from_str::<serde_json::Value>(&old.terms).unwrap_or_default(), "after": edit.terms}),
    )
    .await?;
    tx.commit().await?;
    agreement_of(new)
}

// ---------------------------------------------------------------- cases

/// A new case, as the caseworker enters it.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
    pub claimed_nationality: String,
    pub vulnerabilities: Vec<String>,
    pub asylum: String,
    pub return_decision_date: Option<String>,
    /// An opaque reference to biometric data held elsewhere; generated when empty.
    pub biometric_ref: Option<String>,
    /// The centre the person is held at, and since when (today when empty).
    pub centre: Option<Uuid>,
    pub centre_from: Option<String>,
}

fn parse_vulnerabilities(list: &[String]) -> Result<Vec<Vulnerability>> {
    let mut out = Vec::new();
    for v in list {
        let parsed = Vulnerability::parse(v.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "vulnerabilities",
                format!(
                    "`{v}` is not a vulnerability: expected {}",
                    names(Vulnerability::ALL)
                ),
            )
        })?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

fn names<T: Copy + std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_asylum(text: &str) -> Result<Asylum> {
    Asylum::parse(text.trim()).ok_or_else(|| {
        ServiceError::invalid(
            "asylum",
            format!(
                "`{text}` is not an asylum status: expected {}",
                names(Asylum::ALL)
            ),
        )
    })
}

fn case_scope(row: &CaseRow) -> Result<RecordScope> {
    Ok(RecordScope::owned_by(agency_code(&row.owner_agency)?))
}

/// Loads a case the actor may act on with `action`; another tenant's case is "not found".
async fn load_case(platform: &Platform, ctx: &Ctx, id: Uuid, action: Action) -> Result<CaseRow> {
    let mut conn = platform.store.read().await?;
    let row = store::case(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", id))?;
    let scope = case_scope(&row)?;
    let resource = Resource::record(&policy::RETURN_CASE, &scope);
    if can(&ctx.actor, Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("return_case", id));
    }
    can(&ctx.actor, action, resource)?;
    Ok(row)
}

/// Opens a case. The person is synthetic in every test and demo.
pub async fn create_case(platform: &Platform, ctx: &Ctx, input: NewCase) -> Result<CaseRow> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::RETURN_CASE),
    )?;
    let today = today_in(platform, "Europe/Rome");
    let surname = input.surname.trim().to_uppercase();
    if surname.is_empty() {
        return Err(ServiceError::invalid(
            "person.surname",
            "the surname is required",
        ));
    }
    let given_names = input.given_names.trim().to_uppercase();
    let birth = parse_optional_date("person.date_of_birth", input.date_of_birth.as_deref())?;
    if birth.is_some_and(|b| b > today) {
        return Err(ServiceError::invalid(
            "person.date_of_birth",
            "the date of birth is in the future",
        ));
    }
    let nationality = CountryCode::parse(input.claimed_nationality.trim())
        .map_err(|e| ServiceError::invalid("person.claimed_nationality", e.to_string()))?;
    let vulnerabilities = parse_vulnerabilities(&input.vulnerabilities)?;
    let asylum = parse_asylum(&input.asylum)?;
    let decision = parse_optional_date(
        "return_decision_date",
        input.return_decision_date.as_deref(),
    )?;
    if decision.is_some_and(|d| d > today) {
        return Err(ServiceError::invalid(
            "return_decision_date",
            "the return decision is dated in the future",
        ));
    }
    let centre = match input.centre {
        Some(id) => Some(centre_for_write(platform, id).await?),
        None => None,
    };
    let centre_from =
        parse_optional_date("centre_from", input.centre_from.as_deref())?.unwrap_or(today);
    let now = platform.now_us();
    let id = new_id();
    let row = CaseRow {
        id,
        owner_agency: ctx.actor.agency.to_string(),
        caseworker: ctx.actor.username.clone(),
        surname,
        given_names,
        date_of_birth: birth.map(|d| d.to_string()),
        claimed_nationality: nationality.to_string(),
        biometric_ref: input
            .biometric_ref
            .filter(|b| !b.trim().is_empty())
            .map_or_else(
                || format!("BIO-{}", &new_id().simple().to_string()[20..]),
                |b| b.trim().to_owned(),
            ),
        vulnerabilities: vulnerabilities
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(","),
        best_interests_on: None,
        asylum: asylum.as_str().to_owned(),
        return_decision_on: decision.map(|d| d.to_string()),
        state: State::Open.as_str().to_owned(),
        return_kind: None,
        return_on: None,
        outcome_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let mut tx = platform.store.write().await?;
    store::insert_case(&mut tx, &row).await?;
    if let Some(centre) = &centre {
        store::insert_stay(
            &mut tx,
            &StayRow {
                id: new_id(),
                centre_id: centre.id,
                case_id: id,
                from_on: centre_from.to_string(),
                until_on: None,
            },
        )
        .await?;
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.create",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"centre": centre.map(|c| c.id)}),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

async fn centre_for_write(platform: &Platform, id: Uuid) -> Result<CentreRow> {
    let mut conn = platform.store.read().await?;
    store::centre(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::invalid("centre", format!("there is no centre `{id}`")))
}

/// A readmission request as its reader sees it, with the deadline worked out.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub requesting_agency: String,
    pub partner_agency: String,
    /// pending, more_information, confirmed, rejected; or `deemed_accepted` when the
    /// agreement counts silence past the deadline as acceptance.
    pub status: String,
    pub person: PersonView,
    pub evidence: serde_json::Value,
    pub sent_at: i64,
    /// The day it was sent, in the requested authority's zone.
    pub sent_on: Date,
    pub deadline: Deadline,
    /// The instant the deadline ends (midnight after it, in the requested authority's
    /// zone), for showing in the reader's zone.
    pub due_at: i64,
    pub time_zone: String,
    pub replied_on: Option<String>,
    pub reply_reason: Option<String>,
    pub late: Option<bool>,
    pub travel_document: Option<TravelDocument>,
    pub pauses: Vec<PauseView>,
    pub terms: Terms,
    pub agreement_version: i64,
    /// The extension the agreement allows has been taken.
    pub extended: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
    pub claimed_nationality: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TravelDocument {
    pub number: String,
    pub valid_until: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PauseView {
    pub from_on: String,
    pub until_on: Option<String>,
    pub question: String,
    pub answer: Option<String>,
}

fn request_terms(row: &RequestRow) -> Result<Terms> {
    serde_json::from_str(&row.terms)
        .map_err(|e| ServiceError::invalid("terms", format!("stored terms are unreadable: {e}")))
}

/// The request's deadline and effective status as of today (in the partner's zone).
fn deadline_of(
    row: &RequestRow,
    terms: &Terms,
    pauses: &[PauseRow],
    today: Date,
) -> (Deadline, String) {
    let sent = row.sent_on.parse().unwrap_or(today);
    let pauses: Vec<Pause> = pauses
        .iter()
        .filter_map(|p| {
            Some(Pause {
                from: p.from_on.parse().ok()?,
                until: row_date(&p.until_on),
            })
        })
        .collect();
    let deadline = terms.deadline(sent, &pauses, row.extended, today);
    let status = if row.status == "pending" && terms.silence_is_acceptance && today > deadline.date
    {
        "deemed_accepted".to_owned()
    } else {
        row.status.clone()
    };
    (deadline, status)
}

async fn request_views(platform: &Platform, rows: Vec<RequestRow>) -> Result<Vec<RequestView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut conn = platform.store.read().await?;
    let all_pauses = store::pauses(&mut conn, &ids).await?;
    let mut zones: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let tz = match zones.get(&row.partner_agency) {
            Some(tz) => tz.clone(),
            None => {
                let tz = accordo_store::accounts::find_agency(&mut conn, &row.partner_agency)
                    .await?
                    .map_or_else(|| "UTC".to_owned(), |a| a.time_zone);
                zones.insert(row.partner_agency.clone(), tz.clone());
                tz
            }
        };
        let case = store::case(&mut conn, row.case_id)
            .await?
            .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
        let pauses: Vec<PauseRow> = all_pauses
            .iter()
            .filter(|p| p.request_id == row.id)
            .cloned()
            .collect();
        let terms = request_terms(&row)?;
        let today = platform.clock.now().to_zoned(zone(&tz)).date();
        let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
        out.push(RequestView {
            id: row.id,
            case_id: row.case_id,
            requesting_agency: row.owner_agency.clone(),
            partner_agency: row.partner_agency.clone(),
            status,
            person: PersonView {
                surname: case.surname,
                given_names: case.given_names,
                date_of_birth: case.date_of_birth,
                claimed_nationality: case.claimed_nationality,
            },
            evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
            sent_at: row.sent_at,
            sent_on: row.sent_on.parse().unwrap_or(today),
            due_at: end_of_day_us(deadline.date, &tz),
            deadline,
            time_zone: tz,
            replied_on: row.replied_on.clone(),
            reply_reason: row.reply_reason.clone(),
            late: row.late,
            travel_document: row
                .travel_document_number
                .clone()
                .map(|number| TravelDocument {
                    number,
                    valid_until: row.travel_document_valid_until.clone().unwrap_or_default(),
                }),
            pauses: pauses
                .into_iter()
                .map(|p| PauseView {
                    from_on: p.from_on,
                    until_on: p.until_on,
                    question: p.question,
                    answer: p.answer,
                })
                .collect(),
            terms,
            agreement_version: row.agreement_version,
            extended: row.extended,
        });
    }
    Ok(out)
}

/// A case with everything the caseworker needs on one page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: Uuid,
    pub state: String,
    pub owner_agency: String,
    pub caseworker: String,
    pub person: PersonView,
    pub biometric_ref: String,
    pub vulnerabilities: Vec<String>,
    pub best_interests_on: Option<String>,
    pub asylum: String,
    pub return_decision_date: Option<String>,
    pub return_kind: Option<String>,
    pub return_date: Option<String>,
    pub outcome_reason: Option<String>,
    pub documents: Vec<CaseDocumentView>,
    pub requests: Vec<RequestView>,
    pub safeguards: Vec<SafeguardView>,
    pub stays: Vec<StayView>,
    /// Each step the caseworker may take next, and what blocks it now.
    pub next: Vec<NextStep>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDocumentView {
    pub id: Uuid,
    pub kind: String,
    pub document_number: String,
    pub valid_until: Option<String>,
    pub mrz: String,
    pub check_verdict: String,
    pub check_reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SafeguardView {
    pub id: Uuid,
    /// A reference to the case that names nobody.
    pub case_ref: String,
    pub kind: String,
    pub recorded_on: String,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StayView {
    pub centre_id: Uuid,
    pub case_ref: String,
    pub from_on: String,
    pub until_on: Option<String>,
    /// Days so far (or in all, when it ended), counting both ends.
    pub days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub to: String,
    /// Rules that block the step now, by machine name; empty when it may be taken.
    pub blocked_by: Vec<BlockingRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockingRule {
    pub rule: String,
    pub explanation: String,
}

/// A reference to a case that names nobody: eight hex digits of the identifier's random
/// part (the leading ones are its creation time, which would say when the person came).
fn case_ref(id: Uuid) -> String {
    id.simple().to_string()[24..].to_owned()
}

fn safeguard_view(s: SafeguardRow) -> SafeguardView {
    SafeguardView {
        id: s.id,
        case_ref: case_ref(s.case_id),
        kind: s.kind,
        recorded_on: s.recorded_on,
        note: s.note,
        recorded_by: s.created_by,
    }
}

fn stay_view(s: StayRow, today: Date) -> StayView {
    let from: Date = s.from_on.parse().unwrap_or(today);
    let until = row_date(&s.until_on).unwrap_or(today);
    StayView {
        centre_id: s.centre_id,
        case_ref: case_ref(s.case_id),
        days: days_between(from, until).max(0) + 1,
        from_on: s.from_on,
        until_on: s.until_on,
    }
}

/// The facts the state machine looks at, gathered from the case and its latest request.
async fn facts_of(platform: &Platform, row: &CaseRow) -> Result<Facts> {
    let today = today_in(platform, "Europe/Rome");
    let mut conn = platform.store.read().await?;
    let requests = store::requests_of_case(&mut conn, row.id).await?;
    let latest = requests.last().cloned();
    let docs = store::documents(&mut conn, row.id).await?;
    drop(conn);
    let mut facts = Facts {
        today,
        asylum: Asylum::parse(&row.asylum).unwrap_or(Asylum::None),
        vulnerabilities: row
            .vulnerabilities
            .split(',')
            .filter_map(Vulnerability::parse)
            .collect(),
        best_interests_assessment: row.best_interests_on.is_some(),
        return_decision: row_date(&row.return_decision_on),
        readmission_pending: false,
        nationality_confirmed_on: None,
        travel_document_valid_until: None,
        required_validity_days: 0,
        transfer_days: None,
    };
    if let Some(req) = latest {
        let terms = request_terms(&req)?;
        let views = request_views(platform, vec![req.clone()]).await?;
        let view = views.first();
        // The agreement's validity is checked when the document is recorded; on the day of
        // the transfer it must simply still be valid.
        facts.required_validity_days = 0;
        facts.transfer_days = terms.transfer_days;
        match view.map(|v| v.status.as_str()) {
            Some("pending" | "more_information") => facts.readmission_pending = true,
            Some("confirmed") => facts.nationality_confirmed_on = row_date(&req.replied_on),
            Some("deemed_accepted") => {
                facts.nationality_confirmed_on = view.map(|v| add_days(v.deadline.date, 1));
            }
            _ => {}
        }
        facts.travel_document_valid_until = row_date(&req.travel_document_valid_until);
    }
    if facts.travel_document_valid_until.is_none() {
        // A valid passport the person holds will do; its MRZ check must not have failed.
        facts.travel_document_valid_until = docs
            .iter()
            .filter(|d| d.kind == "passport" && d.check_verdict == "clear")
            .filter_map(|d| row_date(&d.valid_until))
            .max();
    }
    Ok(facts)
}

/// The steps a caseworker takes through `transitions`, with what blocks each now.
fn next_steps(state: State, facts: &Facts) -> Vec<NextStep> {
    let probe_date = facts.today;
    let steps = [
        Transition::Schedule {
            kind: ReturnKind::Flight,
            date: probe_date,
        },
        Transition::Execute { date: probe_date },
        Transition::Fail {
            reason: "probe".into(),
        },
        Transition::Close {
            reason: "probe".into(),
        },
    ];
    steps
        .iter()
        .filter(|t| {
            !case::check(state, t, facts).is_err_and(|rules| rules.contains(&Rule::OutOfOrder))
        })
        .map(|t| NextStep {
            to: t.target().as_str().to_owned(),
            blocked_by: case::check(state, t, facts)
                .err()
                .unwrap_or_default()
                .into_iter()
                // The probe's own date says nothing about the caseworker's.
                .filter(|r| {
                    !matches!(
                        r,
                        Rule::DateInPast | Rule::DateInFuture | Rule::TransferPeriodExceeded
                    )
                })
                .map(blocking)
                .collect(),
        })
        .collect()
}

fn blocking(rule: Rule) -> BlockingRule {
    BlockingRule {
        rule: rule.as_str().to_owned(),
        explanation: rule.explain().to_owned(),
    }
}

/// One case, with its documents, requests, safeguards, stays and next steps. Reading it is
/// audited.
pub async fn get_case(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<CaseView> {
    let row = load_case(platform, ctx, id, Action::Read).await?;
    let facts = facts_of(platform, &row).await?;
    let mut conn = platform.store.read().await?;
    let docs = store::documents(&mut conn, id).await?;
    let requests = store::requests(
        &mut conn,
        &ctx.actor,
        &reaches_for(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST),
        &RequestFilter {
            case_id: Some(id),
            open_only: false,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT,
    )
    .await?;
    let safeguards = store::safeguards_of_case(&mut conn, id).await?;
    let stays = store::stays_of_case(&mut conn, id).await?;
    drop(conn);
    let requests = request_views(platform, requests).await?;
    let mut tx = platform.store.write().await?;
    audit::record_read(
        platform,
        &mut tx,
        ctx,
        &policy::RETURN_CASE,
        &id.to_string(),
    )
    .await?;
    tx.commit().await?;
    let state = State::parse(&row.state).unwrap_or(State::Open);
    Ok(CaseView {
        id,
        state: row.state.clone(),
        owner_agency: row.owner_agency,
        caseworker: row.caseworker,
        person: PersonView {
            surname: row.surname,
            given_names: row.given_names,
            date_of_birth: row.date_of_birth,
            claimed_nationality: row.claimed_nationality,
        },
        biometric_ref: row.biometric_ref,
        vulnerabilities: row
            .vulnerabilities
            .split(',')
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect(),
        best_interests_on: row.best_interests_on,
        asylum: row.asylum,
        return_decision_date: row.return_decision_on,
        return_kind: row.return_kind,
        return_date: row.return_on,
        outcome_reason: row.outcome_reason,
        documents: docs
            .into_iter()
            .map(|d| CaseDocumentView {
                id: d.id,
                kind: d.kind,
                document_number: d.document_number,
                valid_until: d.valid_until,
                mrz: d.mrz,
                check_verdict: d.check_verdict,
                check_reasons: serde_json::from_str(&d.check_reasons).unwrap_or_default(),
            })
            .collect(),
        requests,
        safeguards: safeguards.into_iter().map(safeguard_view).collect(),
        stays: stays
            .into_iter()
            .map(|s| stay_view(s, facts.today))
            .collect(),
        next: next_steps(state, &facts),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A line of "my cases".
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: Uuid,
    pub state: String,
    pub surname: String,
    pub given_names: String,
    pub claimed_nationality: String,
    pub caseworker: String,
    pub asylum: String,
    pub vulnerabilities: Vec<String>,
    /// The open request's deadline, if one awaits a reply.
    pub deadline: Option<Date>,
    pub days_left: Option<i64>,
    pub request_status: Option<String>,
    pub updated_at: i64,
}

/// Deadlines this close are "at risk" on the caseworker's page.
pub const AT_RISK_DAYS: i64 = 7;

/// The cases of the actor's agency, most recently changed first, with their open
/// request's deadline. The listing is audited as one read.
pub async fn list_cases(platform: &Platform, ctx: &Ctx) -> Result<Vec<CaseSummary>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::RETURN_CASE),
    )?;
    let mut conn = platform.store.read().await?;
    let rows = store::cases(&mut conn, Some(ctx.actor.agency.as_str()), LIST_LIMIT).await?;
    let requests = store::requests(
        &mut conn,
        &ctx.actor,
        &reaches_for(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST),
        &RequestFilter {
            case_ids: Some(rows.iter().map(|r| r.id).collect()),
            latest_of_case: true,
            ..RequestFilter::default()
        },
        // One request per case at most.
        LIST_LIMIT,
    )
    .await?;
    drop(conn);
    let views = request_views(platform, requests).await?;
    let latest: HashMap<Uuid, &RequestView> = views.iter().map(|v| (v.case_id, v)).collect();
    let out: Vec<CaseSummary> = rows
        .into_iter()
        .map(|r| {
            let req = latest
                .get(&r.id)
                .filter(|v| matches!(v.status.as_str(), "pending" | "more_information"));
            CaseSummary {
                id: r.id,
                state: r.state,
                surname: r.surname,
                given_names: r.given_names,
                claimed_nationality: r.claimed_nationality,
                caseworker: r.caseworker,
                asylum: r.asylum,
                vulnerabilities: r
                    .vulnerabilities
                    .split(',')
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect(),
                deadline: req.map(|v| v.deadline.date),
                days_left: req.map(|v| v.deadline.days_left),
                request_status: latest.get(&r.id).map(|v| v.status.clone()),
                updated_at: r.updated_at,
            }
        })
        .collect();
    let mut tx = platform.store.write().await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.list",
        policy::RETURN_CASE.kind,
        None,
        // Whose data was shown, case by case (the details are erasable under retention).
        json!({"count": out.len(), "cases": out.iter().map(|c| c.id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes to a case's legal situation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct LegalUpdate {
    pub asylum: Option<String>,
    pub return_decision_date: Option<String>,
    pub vulnerabilities: Option<Vec<String>>,
}

pub async fn update_legal(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    update: LegalUpdate,
) -> Result<CaseRow> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    if State::parse(&row.state).is_some_and(State::is_final) {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let today = today_in(platform, "Europe/Rome");
    let mut new = row.clone();
    if let Some(a) = &update.asylum {
        new.asylum = parse_asylum(a)?.as_str().to_owned();
    }
    if let Some(d) = &update.return_decision_date {
        let date = parse_optional_date("return_decision_date", Some(d))?;
        if date.is_some_and(|d| d > today) {
            return Err(ServiceError::invalid(
                "return_decision_date",
                "the return decision is dated in the future",
            ));
        }
        new.return_decision_on = date.map(|d| d.to_string());
    }
    if let Some(v) = &update.vulnerabilities {
        new.vulnerabilities = parse_vulnerabilities(v)?
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(",");
    }
    new.updated_at = platform.now_us();
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.update",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"asylum": [row.asylum, new.asylum], "return_decision_date": [row.return_decision_on, new.return_decision_on], "vulnerabilities": [row.vulnerabilities, new.vulnerabilities]}),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// Records a safeguard step on a case. A `best_interests_assessment` satisfies the
/// unaccompanied-minor safeguard from its date.
pub async fn record_safeguard(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    kind: &str,
    recorded_on: Option<&str>,
    note: &str,
) -> Result<SafeguardView> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    if !SAFEGUARD_KINDS.contains(&kind) {
        return Err(ServiceError::invalid(
            "kind",
            format!(
                "`{kind}` is not a safeguard: expected {}",
                SAFEGUARD_KINDS.join(", ")
            ),
        ));
    }
    let today = today_in(platform, "Europe/Rome");
    let on = parse_optional_date("recorded_on", recorded_on)?.unwrap_or(today);
    if on > today {
        return Err(ServiceError::invalid(
            "recorded_on",
            "a safeguard cannot be recorded for a future day",
        ));
    }
    if note.trim().is_empty() {
        return Err(ServiceError::invalid(
            "note",
            "say what was done and by whom",
        ));
    }
    let record = SafeguardRow {
        id: new_id(),
        case_id: id,
        kind: kind.to_owned(),
        recorded_on: on.to_string(),
        note: note.trim().to_owned(),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_safeguard(&mut tx, &record).await?;
    if kind == "best_interests_assessment" {
        let mut new = row.clone();
        new.best_interests_on = Some(on.to_string());
        new.updated_at = record.created_at;
        if !store::update_case(&mut tx, &new, row.version).await? {
            return Err(refused("changed_meanwhile"));
        }
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.safeguard",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"kind": kind, "on": on}),
    )
    .await?;
    tx.commit().await?;
    Ok(safeguard_view(record))
}

/// Adds a document the person holds (or a copy) to the case, with its MRZ checked against
/// the rules, the register and the alerts.
pub async fn add_document(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    kind: &str,
    mrz: &str,
) -> Result<CaseDocumentView> {
    load_case(platform, ctx, id, Action::Update).await?;
    if !DOCUMENT_KINDS.contains(&kind) {
        return Err(ServiceError::invalid(
            "kind",
            format!(
                "`{kind}` is not a kind of document: expected {}",
                DOCUMENT_KINDS.join(", ")
            ),
        ));
    }
    let outcome = documents::check(platform, ctx, &[mrz])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::invalid("mrz", "the check returned nothing"))?;
    let fields = outcome.mrz.fields.as_ref();
    let row = CaseDocumentRow {
        id: new_id(),
        case_id: id,
        kind: kind.to_owned(),
        document_number: fields
            .map(|f| f.document_number.clone())
            .unwrap_or_default(),
        valid_until: fields.and_then(|f| f.expiry_date).map(|d| d.to_string()),
        mrz: mrz.trim().to_owned(),
        check_verdict: serde_json::to_value(outcome.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        check_reasons: serde_json::to_string(&outcome.reasons).unwrap_or_default(),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_document(&mut tx, &row).await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.document",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"document": row.id, "verdict": row.check_verdict}),
    )
    .await?;
    tx.commit().await?;
    Ok(CaseDocumentView {
        id: row.id,
        kind: row.kind,
        document_number: row.document_number,
        valid_until: row.valid_until,
        mrz: row.mrz,
        check_verdict: row.check_verdict,
        check_reasons: outcome.reasons,
    })
}

// ---------------------------------------------------------------- readmission requests

/// One piece of evidence attached to a request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: String,
    /// A document of the case this evidence is (its MRZ check result travels with it).
    #[serde(default)]
    pub document_id: Option<Uuid>,
    #[serde(default)]
    pub note: String,
}

/// Sends a readmission request for a case to a partner's central authority, under the
/// terms of the agreement with it. The authority is notified.
pub async fn request_readmission(
    platform: &Platform,
    ctx: &Ctx,
    case_id: Uuid,
    partner_agency: &str,
    evidence: Vec<Evidence>,
) -> Result<RequestView> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::READMISSION_REQUEST),
    )?;
    let case = load_case(platform, ctx, case_id, Action::Update).await?;
    let mut conn = platform.store.read().await?;
    let agreement = store::agreement_with(&mut conn, partner_agency.trim())
        .await?
        .ok_or_else(|| {
            ServiceError::invalid(
                "partner_agency",
                format!("`{partner_agency}` has no readmission agreement on the platform"),
            )
        })?;
    let docs = store::documents(&mut conn, case_id).await?;
    drop(conn);
    if agreement.partner_country != case.claimed_nationality {
        // A partner reads the person's data through its inbox: never someone it was not
        // asked about.
        return Err(ServiceError::invalid(
            "partner_agency",
            format!(
                "the person claims {} nationality; the agreement with {} is for nationals of {}",
                case.claimed_nationality, agreement.authority_agency, agreement.partner_country
            ),
        ));
    }
    let terms: Terms = agreement_of(agreement.clone())?.terms;
    if evidence.is_empty() {
        return Err(ServiceError::invalid(
            "evidence",
            "attach at least one piece of evidence",
        ));
    }
    let mut attached = Vec::with_capacity(evidence.len());
    for (i, e) in evidence.iter().enumerate() {
        let field = format!("evidence[{i}].kind");
        if !EVIDENCE_KINDS.contains(&e.kind.as_str()) {
            return Err(ServiceError::invalid(
                &field,
                format!(
                    "`{}` is not a kind of evidence: expected {}",
                    e.kind,
                    EVIDENCE_KINDS.join(", ")
                ),
            ));
        }
        if !terms.accepted_evidence.contains(&e.kind) {
            return Err(ServiceError::invalid(
                &field,
                format!(
                    "the agreement with {} does not accept `{}`; it accepts {}",
                    agreement.authority_agency,
                    e.kind,
                    terms.accepted_evidence.join(", ")
                ),
            ));
        }
        let document = match e.document_id {
            Some(id) => {
                let d = docs.iter().find(|d| d.id == id).ok_or_else(|| {
                    ServiceError::invalid(
                        &format!("evidence[{i}].document_id"),
                        format!("the case has no document `{id}`"),
                    )
                })?;
                Some(
                    json!({"id": d.id, "kind": d.kind, "document_number": d.document_number, "mrz": d.mrz, "check_verdict": d.check_verdict, "check_reasons": serde_json::from_str::<serde_json::Value>(&d.check_reasons).unwrap_or_default()}),
                )
            }
            None => None,
        };
        attached.push(json!({"kind": e.kind, "note": e.note.trim(), "document": document}));
    }
    let facts = facts_of(platform, &case).await?;
    let state = State::parse(&case.state).unwrap_or(State::Open);
    if let Err(rules) = case::check(state, &Transition::RequestReadmission, &facts) {
        return Err(rules_error(rules));
    }
    let tz = agency_zone(platform, &agreement.authority_agency).await?;
    let now = platform.now_us();
    let sent_on = today_in(platform, &tz);
    let row = RequestRow {
        id: new_id(),
        case_id,
        owner_agency: ctx.actor.agency.to_string(),
        partner_agency: agreement.authority_agency.clone(),
        handling: "AMBER+STRICT".into(),
        agreement_id: agreement.id,
        agreement_version: agreement.version,
        terms: agreement.terms.clone(),
        evidence: serde_json::Value::Array(attached).to_string(),
        sent_at: now,
        sent_on: sent_on.to_string(),
        status: "pending".into(),
        extended: false,
        replied_at: None,
        replied_on: None,
        reply_reason: None,
        late: None,
        travel_document_number: None,
        travel_document_valid_until: None,
        travel_document_at: None,
        created_by: ctx.actor.username.clone(),
        version: 1,
    };
    let mut new_case = case.clone();
    new_case.state = State::ReadmissionRequested.as_str().into();
    new_case.updated_at = now;
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new_case, case.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    store::insert_request(&mut tx, &row).await?;
    let deadline = terms.deadline(sent_on, &[], false, sent_on);
    notifications::notify(
        platform,
        &mut tx,
        &row.partner_agency,
        None,
        "readmission_request",
        "New readmission request",
        &format!(
            "{} asks you to confirm the nationality of a person; reply by {} ({} days under the agreement).",
            row.owner_agency, deadline.date, terms.reply_days
        ),
        Some((policy::READMISSION_REQUEST.kind, &row.id.to_string())),
    )
    .await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.create",
        policy::READMISSION_REQUEST.kind,
        Some(&row.id.to_string()),
        json!({"case": case_id, "to": row.partner_agency, "agreement_version": row.agreement_version, "deadline": deadline.date}),
    )
    .await?;
    tx.commit().await?;
    request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", case_id))
}

/// A refusal by one named rule (a state the record is in, not the caller's input).
fn refused(rule: &str) -> ServiceError {
    ServiceError::Rules {
        rules: vec![rule.to_owned()],
    }
}

fn rules_error(rules: Vec<Rule>) -> ServiceError {
    ServiceError::Rules {
        rules: rules.into_iter().map(|r| r.as_str().to_owned()).collect(),
    }
}

fn request_scope(row: &RequestRow) -> Result<RecordScope> {
    Ok(RecordScope {
        owner_agency: agency_code(&row.owner_agency)?,
        handling: Handling::AmberStrict,
        addressees: vec![Addressee::Agency(agency_code(&row.partner_agency)?)],
        subject_user: None,
    })
}

async fn load_request(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    action: Action,
) -> Result<RequestRow> {
    let mut conn = platform.store.read().await?;
    let row = store::request(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    let scope = request_scope(&row)?;
    let resource = Resource::record(&policy::READMISSION_REQUEST, &scope);
    if can(&ctx.actor, Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("readmission_request", id));
    }
    can(&ctx.actor, action, resource)?;
    Ok(row)
}

/// The requests the actor may see: a partner authority its inbox, a caseworker its
/// agency's. Oldest first; `open_only` keeps those awaiting a reply. Audited as one read.
pub async fn list_requests(
    platform: &Platform,
    ctx: &Ctx,
    open_only: bool,
) -> Result<Vec<RequestView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_REQUEST),
    )?;
    let reaches = reaches_for(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST);
    let mut conn = platform.store.read().await?;
    let rows = store::requests(
        &mut conn,
        &ctx.actor,
        &reaches,
        &RequestFilter {
            case_id: None,
            open_only,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT,
    )
    .await?;
    drop(conn);
    let views = request_views(platform, rows).await?;
    let mut tx = platform.store.write().await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.list",
        policy::READMISSION_REQUEST.kind,
        None,
        json!({"count": views.len(), "open_only": open_only, "requests": views.iter().map(|v| v.id).collect::<Vec<_>>(), "cases": views.iter().map(|v| v.case_id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    Ok(views)
}

/// One request; reading it is audited.
pub async fn get_request(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Read).await?;
    let view = request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    let mut tx = platform.store.write().await?;
    audit::record_read(
        platform,
        &mut tx,
        ctx,
        &policy::READMISSION_REQUEST,
        &id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// The partner authority's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirmed,
    Rejected,
    MoreInformation,
}

impl Decision {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "confirmed" => Ok(Decision::Confirmed),
            "rejected" => Ok(Decision::Rejected),
            "more_information" => Ok(Decision::MoreInformation),
            other => Err(ServiceError::invalid(
                "decision",
                format!(
                    "`{other}` is not a decision: expected confirmed, rejected or more_information"
                ),
            )),
        }
    }
}

/// The partner authority replies. A reply after the deadline is recorded as late, not
/// refused; a request for more information stops the clock if the agreement says so.
pub async fn reply(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    decision: Decision,
    reason: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        // Only the addressed authority replies (the sender may read, not answer itself).
        return Err(refused("only_the_requested_authority_replies"));
    }
    let reason = reason.trim();
    if matches!(decision, Decision::Rejected | Decision::MoreInformation) && reason.is_empty() {
        return Err(ServiceError::invalid(
            "reason",
            if decision == Decision::Rejected {
                "say why nationality is not confirmed"
            } else {
                "say what information is needed"
            },
        ));
    }
    let terms = request_terms(&row)?;
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    let case = store::case(&mut conn, row.case_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
    drop(conn);
    let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(row.status.as_str(), "pending" | "more_information") {
        return Err(refused(if row.status == "withdrawn" {
            "request_withdrawn"
        } else {
            "already_answered"
        }));
    }
    if decision == Decision::MoreInformation && row.status == "more_information" {
        return Err(refused("information_already_asked"));
    }
    if decision == Decision::MoreInformation && status == "deemed_accepted" {
        // Silence has already made the acceptance; a late question cannot undo it.
        return Err(refused("deemed_accepted"));
    }
    let late = deadline.is_late(today);
    let now = platform.now_us();
    let mut new = row.clone();
    let mut new_case = case.clone();
    new_case.updated_at = now;
    match decision {
        Decision::Confirmed | Decision::Rejected => {
            new.status = if decision == Decision::Confirmed {
                "confirmed"
            } else {
                "rejected"
            }
            .into();
            new.replied_at = Some(now);
            new.replied_on = Some(today.to_string());
            new.reply_reason = Some(reason.to_owned()).filter(|r| !r.is_empty());
            new.late = Some(late);
            let transition = if decision == Decision::Confirmed {
                Transition::ConfirmNationality
            } else {
                Transition::RejectNationality
            };
            let facts = facts_of(platform, &case).await?;
            let from = State::parse(&case.state).unwrap_or(State::Open);
            new_case.state = case::check(from, &transition, &facts)
                .map_err(rules_error)?
                .as_str()
                .into();
        }
        Decision::MoreInformation => {
            new.status = "more_information".into();
        }
    }
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    if decision == Decision::MoreInformation {
        store::insert_pause(
            &mut tx,
            &PauseRow {
                id: new_id(),
                request_id: id,
                from_on: today.to_string(),
                until_on: None,
                question: reason.to_owned(),
                answer: None,
            },
        )
        .await?;
    } else {
        // A reply given while information was awaited ends the pause that day.
        store::close_pause(&mut tx, id, &today.to_string(), "").await?;
        if !store::update_case(&mut tx, &new_case, case.version).await? {
            return Err(refused("changed_meanwhile"));
        }
    }
    let (title, body) = match decision {
        Decision::Confirmed => (
            "Nationality confirmed",
            format!(
                "{} confirmed the nationality{}.",
                row.partner_agency,
                if late { " (late)" } else { "" }
            ),
        ),
        Decision::Rejected => (
            "Readmission request rejected",
            format!("{} rejected the request: {reason}", row.partner_agency),
        ),
        Decision::MoreInformation => (
            "More information asked",
            format!("{} asks: {reason}", row.partner_agency),
        ),
    };
    notifications::notify(
        platform,
        &mut tx,
        &row.owner_agency,
        None,
        "readmission_reply",
        title,
        &body,
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.reply",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"decision": new.status, "late": late, "deadline": deadline.date}),
    )
    .await?;
    tx.commit().await?;
    refreshed_request(platform, id).await
}

async fn refreshed_request(platform: &Platform, id: Uuid) -> Result<RequestView> {
    let mut conn = platform.store.read().await?;
    let row = store::request(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    drop(conn);
    request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))
}

/// The requested authority asks for the extension its agreement allows: once, before the
/// deadline has passed.
pub async fn extend(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        return Err(refused("only_the_requested_authority_extends"));
    }
    let terms = request_terms(&row)?;
    let Some(days) = terms.extension_days else {
        return Err(refused("no_extension_under_the_agreement"));
    };
    if row.extended {
        return Err(refused("already_extended"));
    }
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    drop(conn);
    let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(status.as_str(), "pending" | "more_information") {
        return Err(refused("already_answered"));
    }
    if deadline.is_late(today) {
        return Err(refused("deadline_passed"));
    }
    let mut new = row.clone();
    new.extended = true;
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    notifications::notify(
        platform,
        &mut tx,
        &row.owner_agency,
        None,
        "readmission_reply",
        "Extension taken",
        &format!(
            "{} takes the {days} more days its agreement allows; the deadline moves from {}.",
            row.partner_agency, deadline.date
        ),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.extend",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"days": days, "deadline_before": deadline.date}),
    )
    .await?;
    tx.commit().await?;
    refreshed_request(platform, id).await
}

/// The requesting caseworker answers a request for more information; the clock runs again.
pub async fn answer_information(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    answer: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.owner_agency {
        return Err(refused("only_the_requesting_agency_answers"));
    }
    if row.status != "more_information" {
        return Err(refused("no_information_asked"));
    }
    if answer.trim().is_empty() {
        return Err(ServiceError::invalid(
            "answer",
            "give the information asked for",
        ));
    }
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut new = row.clone();
    new.status = "pending".into();
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    store::close_pause(&mut tx, id, &today.to_string(), answer.trim()).await?;
    notifications::notify(
        platform,
        &mut tx,
        &row.partner_agency,
        None,
        "readmission_request",
        "Information provided",
        &format!(
            "{} answered your question; the clock runs again.",
            row.owner_agency
        ),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.answer",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    refreshed_request(platform, id).await
}

/// The partner authority records the travel document (laissez-passer) it issued.
pub async fn record_travel_document(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    number: &str,
    valid_until: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        return Err(refused("only_the_requested_authority_issues"));
    }
    let number = number.trim().to_uppercase();
    if number.is_empty()
        || number.len() > 30
        || !number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ServiceError::invalid(
            "number",
            "the document number: 1 to 30 letters, digits or hyphens",
        ));
    }
    let until = parse_date("valid_until", valid_until.trim())?;
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    if until <= today {
        return Err(ServiceError::invalid(
            "valid_until",
            "the travel document has already expired",
        ));
    }
    let terms = request_terms(&row)?;
    let needed = add_days(today, i64::from(terms.travel_document_validity_days));
    if until < needed {
        return Err(ServiceError::invalid(
            "valid_until",
            format!(
                "the agreement asks for a travel document valid at least {} days from its issue, until {needed} or later",
                terms.travel_document_validity_days
            ),
        ));
    }
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    let case = store::case(&mut conn, row.case_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
    drop(conn);
    let (_, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(status.as_str(), "confirmed" | "deemed_accepted") {
        return Err(refused(Rule::ReadmissionNotConfirmed.as_str()));
    }
    if State::parse(&case.state).is_some_and(State::is_final) {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let now = platform.now_us();
    let mut new = row.clone();
    if status == "deemed_accepted" {
        // Silence became acceptance the day after the deadline: write it down now, as
        // silence (no reply, so never counted as one in the cooperation index).
        new.status = "deemed_accepted".into();
        new.reply_reason = Some("accepted by silence under the agreement".into());
    }
    new.travel_document_number = Some(number.clone());
    new.travel_document_valid_until = Some(until.to_string());
    new.travel_document_at = Some(now);
    let mut new_case = case.clone();
    new_case.updated_at = now;
    let mut state = State::parse(&case.state).unwrap_or(State::Open);
    if state == State::ReadmissionRequested {
        state = State::NationalityConfirmed;
    }
    if state == State::NationalityConfirmed {
        state = State::TravelDocumentIssued;
    }
    new_case.state = state.as_str().into();
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await?
        || !store::update_case(&mut tx, &new_case, case.version).await?
    {
        return Err(refused("changed_meanwhile"));
    }
    notifications::notify(
        platform,
        &mut tx,
        &row.owner_agency,
        None,
        "readmission_reply",
        "Travel document issued",
        &format!(
            "{} issued travel document {number}, valid until {until}.",
            row.partner_agency
        ),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.travel_document",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"valid_until": until}),
    )
    .await?;
    tx.commit().await?;
    refreshed_request(platform, id).await
}

// ---------------------------------------------------------------- transitions

/// A step the caseworker asks for: `scheduled` (with `kind` and `date`), `executed` (with
/// `date`), `failed` or `closed` (with `reason`).
#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    pub to: String,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub reason: Option<String>,
}

fn transition_of(input: &TransitionInput) -> Result<Transition> {
    let date = |field: &str| -> Result<Date> {
        let text = input
            .date
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| ServiceError::invalid(field, "a date is required (YYYY-MM-DD)"))?;
        parse_date(field, text.trim())
    };
    let reason = || input.reason.clone().unwrap_or_default();
    match input.to.as_str() {
        "scheduled" => {
            let kind_text = input.kind.as_deref().unwrap_or_default();
            let kind = ReturnKind::parse(kind_text).ok_or_else(|| {
                ServiceError::invalid(
                    "kind",
                    format!(
                        "`{kind_text}` is not a kind of return: expected {}",
                        names(ReturnKind::ALL)
                    ),
                )
            })?;
            Ok(Transition::Schedule {
                kind,
                date: date("date")?,
            })
        }
        "executed" => Ok(Transition::Execute {
            date: date("date")?,
        }),
        "failed" => Ok(Transition::Fail { reason: reason() }),
        "closed" => Ok(Transition::Close { reason: reason() }),
        other => Err(ServiceError::invalid(
            "to",
            format!(
                "`{other}` cannot be asked for here: expected scheduled, executed, failed or closed (the other states follow the partner's replies)"
            ),
        )),
    }
}

/// Moves a case to the state asked for, or refuses with every rule that blocks it.
pub async fn transition(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    input: TransitionInput,
) -> Result<CaseRow> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    let step = transition_of(&input)?;
    let facts = facts_of(platform, &row).await?;
    let from = State::parse(&row.state).unwrap_or(State::Open);
    let to = case::check(from, &step, &facts).map_err(rules_error)?;
    let mut new = row.clone();
    new.state = to.as_str().into();
    new.updated_at = platform.now_us();
    match &step {
        Transition::Schedule { kind, date } => {
            new.return_kind = Some(kind.as_str().into());
            new.return_on = Some(date.to_string());
            new.outcome_reason = None;
        }
        Transition::Execute { date } => new.return_on = Some(date.to_string()),
        Transition::Fail { reason } | Transition::Close { reason } => {
            new.outcome_reason = Some(reason.trim().to_owned());
        }
        _ => {}
    }
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    if let Transition::Execute { date } = &step {
        store::end_stay(&mut tx, id, &date.to_string()).await?;
    }
    if let Transition::Close { .. } = &step {
        store::end_stay(&mut tx, id, &facts.today.to_string()).await?;
        // Nothing is left in a partner's inbox for a closed case.
        store::withdraw_open_requests(&mut tx, id, &facts.today.to_string()).await?;
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.transition",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"from": row.state, "to": new.state, "kind": new.return_kind, "date": new.return_on, "reason": new.outcome_reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

// ---------------------------------------------------------------- centres

/// A centre with today's occupancy.
#[derive(Debug, Clone, Serialize)]
pub struct CentreSummary {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub capacity: i64,
    pub occupancy: i64,
    pub monitored_by: Option<String>,
}

fn centre_scope(row: &CentreRow) -> Result<RecordScope> {
    Ok(RecordScope {
        owner_agency: agency_code(&row.owner_agency)?,
        handling: Handling::AmberStrict,
        addressees: row
            .monitored_by
            .as_deref()
            .map(agency_code)
            .transpose()?
            .map(Addressee::Agency)
            .into_iter()
            .collect(),
        subject_user: None,
    })
}

/// The centres the actor may see, with today's occupancy.
pub async fn centres(platform: &Platform, ctx: &Ctx) -> Result<Vec<CentreSummary>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::CENTRE),
    )?;
    let reaches = reaches_for(&ctx.actor, Action::Read, &policy::CENTRE);
    let today = today_in(platform, "Europe/Rome").to_string();
    let mut conn = platform.store.read().await?;
    let rows = store::centres(&mut conn, &ctx.actor, &reaches).await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let occupancy = store::stays(&mut conn, c.id, &today, &today).await?.len() as i64;
        out.push(CentreSummary {
            id: c.id,
            name: c.name,
            country: c.country,
            capacity: c.capacity,
            occupancy,
            monitored_by: c.monitored_by,
        });
    }
    Ok(out)
}

/// What the monitor (and the host state) read about a centre over a period: occupancy by
/// day, stays and their lengths, safeguard records; cases named only by reference.
#[derive(Debug, Clone, Serialize)]
pub struct CentreReport {
    pub centre: CentreSummary,
    pub from: Date,
    pub to: Date,
    pub occupancy: Vec<DayOccupancy>,
    pub stays: Vec<StayView>,
    /// Median length of the stays that ended in the period, in days.
    pub median_stay_days: Option<f64>,
    pub safeguards: Vec<SafeguardView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayOccupancy {
    pub day: Date,
    pub present: i64,
    pub capacity: i64,
}

/// The longest period a centre report covers.
pub const REPORT_MAX_DAYS: i64 = 366;

pub async fn centre_report(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<CentreReport> {
    let mut conn = platform.store.read().await?;
    let row = store::centre(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("centre", id))?;
    let scope = centre_scope(&row)?;
    if can(
        &ctx.actor,
        Action::Read,
        Resource::record(&policy::CENTRE, &scope),
    )
    .is_err()
    {
        return Err(ServiceError::not_found("centre", id));
    }
    let today = today_in(platform, "Europe/Rome");
    let to = parse_optional_date("to", to)?.unwrap_or(today);
    let from = parse_optional_date("from", from)?.unwrap_or_else(|| add_days(to, -29));
    for (field, day) in [("from", from), ("to", to)] {
        if !(1900..=2200).contains(&day.year()) {
            return Err(ServiceError::invalid(field, "a date between 1900 and 2200"));
        }
    }
    if from > to {
        return Err(ServiceError::invalid(
            "from",
            "the period starts after it ends",
        ));
    }
    if days_between(from, to) >= REPORT_MAX_DAYS {
        return Err(ServiceError::invalid(
            "from",
            format!("a report covers at most {REPORT_MAX_DAYS} days"),
        ));
    }
    let stays = store::stays(&mut conn, id, &from.to_string(), &to.to_string()).await?;
    let safeguards = store::safeguards_at_centre(&mut conn, id).await?;
    drop(conn);
    let spans: Vec<(Date, Date)> = stays
        .iter()
        .map(|s| {
            (
                s.from_on.parse().unwrap_or(from),
                row_date(&s.until_on).unwrap_or(Date::MAX),
            )
        })
        .collect();
    let occupancy: Vec<DayOccupancy> = (0..=days_between(from, to))
        .map(|i| add_days(from, i))
        .map(|day| DayOccupancy {
            day,
            present: spans.iter().filter(|(a, b)| *a <= day && day <= *b).count() as i64,
            capacity: row.capacity,
        })
        .collect();
    let mut ended: Vec<i64> = stays
        .iter()
        .filter_map(|s| {
            let until = row_date(&s.until_on)?;
            let start: Date = s.from_on.parse().ok()?;
            (until >= from && until <= to).then(|| days_between(start, until) + 1)
        })
        .collect();
    ended.sort_unstable();
    let median_stay_days = match ended.len() {
        0 => None,
        n if n % 2 == 1 => Some(ended[n / 2] as f64),
        n => Some((ended[n / 2 - 1] + ended[n / 2]) as f64 / 2.0),
    };
    let present_today = occupancy.last().map_or(0, |d| d.present);
    Ok(CentreReport {
        centre: CentreSummary {
            id: row.id,
            name: row.name,
            country: row.country,
            capacity: row.capacity,
            occupancy: present_today,
            monitored_by: row.monitored_by,
        },
        from,
        to,
        occupancy,
        stays: stays.into_iter().map(|s| stay_view(s, today)).collect(),
        median_stay_days,
        safeguards: safeguards
            .into_iter()
            .filter(|s| {
                s.recorded_on.as_str() >= from.to_string().as_str()
                    && s.recorded_on.as_str() <= to.to_string().as_str()
            })
            .map(safeguard_view)
            .collect(),
    })
}

/// A new centre, added by the operator's administrator.
#[derive(Debug, Clone, Default)]
pub struct NewCentre {
    pub name: String,
    pub country: String,
    pub capacity: i64,
    /// The agency that monitors it (the independent monitor), if any.
    pub monitored_by: Option<String>,
}

pub async fn create_centre(
    platform: &Platform,
    ctx: &Ctx,
    input: NewCentre,
) -> Result<CentreSummary> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::CENTRE),
    )?;
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(ServiceError::invalid("name", "the centre needs a name"));
    }
    let country = CountryCode::parse(input.country.trim())
        .map_err(|e| ServiceError::invalid("country", e.to_string()))?;
    if !(1..=100_000).contains(&input.capacity) {
        return Err(ServiceError::invalid(
            "capacity",
            "a capacity between 1 and 100,000 places",
        ));
    }
    let monitored_by = match input
        .monitored_by
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(code) => {
            let mut conn = platform.store.read().await?;
            let agency = accordo_store::accounts::find_agency(&mut conn, code)
                .await?
                .ok_or_else(|| {
                    ServiceError::invalid("monitored_by", format!("there is no agency `{code}`"))
                })?;
            Some(agency.code)
        }
        None => None,
    };
    let row = CentreRow {
        id: new_id(),
        owner_agency: ctx.actor.agency.to_string(),
        name,
        country: country.to_string(),
        capacity: input.capacity,
        monitored_by,
        created_at: platform.now_us(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_centre(&mut tx, &row).await?;
    audit::record(
        platform,
        &mut tx,
        ctx,
        "centre.create",
        policy::CENTRE.kind,
        Some(&row.id.to_string()),
        json!({"name": row.name, "capacity": row.capacity, "monitored_by": row.monitored_by}),
    )
    .await?;
    tx.commit().await?;
    Ok(CentreSummary {
        id: row.id,
        name: row.name,
        country: row.country,
        capacity: row.capacity,
        occupancy: 0,
        monitored_by: row.monitored_by,
    })
}

/// Places the person of a case in a centre from a day (ending the stay they are in), or
/// releases them (`centre` = `None`).
pub async fn place(
    platform: &Platform,
    ctx: &Ctx,
    case_id: Uuid,
    centre: Option<Uuid>,
    from: Option<&str>,
) -> Result<Vec<StayView>> {
    let row = load_case(platform, ctx, case_id, Action::Update).await?;
    if State::parse(&row.state).is_some_and(State::is_final) {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let today = today_in(platform, "Europe/Rome");
    let from = parse_optional_date("from", from)?.unwrap_or(today);
    if from > today {
        return Err(ServiceError::invalid(
            "from",
            "a stay cannot start in the future",
        ));
    }
    let centre = match centre {
        Some(id) => Some(centre_for_write(platform, id).await?),
        None => None,
    };
    let mut conn = platform.store.read().await?;
    let stays = store::stays_of_case(&mut conn, case_id).await?;
    drop(conn);
    if let Some(open) = stays.iter().find(|s| s.until_on.is_none())
        && open.from_on.as_str() > from.to_string().as_str()
    {
        return Err(ServiceError::invalid(
            "from",
            format!("the current stay began on {}, after this day", open.from_on),
        ));
    }
    let mut tx = platform.store.write().await?;
    store::end_stay(&mut tx, case_id, &from.to_string()).await?;
    if let Some(c) = &centre {
        store::insert_stay(
            &mut tx,
            &StayRow {
                id: new_id(),
                centre_id: c.id,
                case_id,
                from_on: from.to_string(),
                until_on: None,
            },
        )
        .await?;
    }
    audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.place",
        policy::RETURN_CASE.kind,
        Some(&case_id.to_string()),
        json!({"centre": centre.as_ref().map(|c| c.id), "from": from}),
    )
    .await?;
    tx.commit().await?;
    let mut conn = platform.store.read().await?;
    Ok(store::stays_of_case(&mut conn, case_id)
        .await?
        .into_iter()
        .map(|s| stay_view(s, today))
        .collect())
}

/// What the home page counts, without any name: the caseworker's open cases and deadlines at
/// risk, the partner authority's requests awaiting it and those past their deadline.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub open_cases: Option<i64>,
    pub at_risk: Option<i64>,
    pub awaiting_reply: Option<i64>,
    pub overdue: Option<i64>,
}

/// Counts only: nothing about a person leaves the service, so nothing is audited.
pub async fn counts(platform: &Platform, ctx: &Ctx) -> Result<Counts> {
    let mut out = Counts::default();
    let may_cases = can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::RETURN_CASE),
    )
    .is_ok();
    let may_requests = can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_REQUEST),
    )
    .is_ok();
    if !may_cases && !may_requests {
        return Err(ServiceError::Forbidden(accordo_domain::Denied::NoGrant {
            action: "read",
            kind: policy::RETURN_CASE.kind,
        }));
    }
    let reaches = reaches_for(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST);
    let mut conn = platform.store.read().await?;
    let open = store::requests(
        &mut conn,
        &ctx.actor,
        &reaches,
        &RequestFilter {
            case_id: None,
            open_only: true,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT * 4,
    )
    .await?;
    let cases = if may_cases {
        store::cases(&mut conn, Some(ctx.actor.agency.as_str()), LIST_LIMIT).await?
    } else {
        Vec::new()
    };
    drop(conn);
    let views = request_views(platform, open).await?;
    let awaiting: Vec<&RequestView> = views
        .iter()
        .filter(|v| matches!(v.status.as_str(), "pending" | "more_information"))
        .collect();
    if may_cases {
        out.open_cases = Some(
            cases
                .iter()
                .filter(|c| !State::parse(&c.state).is_some_and(State::is_final))
                .count() as i64,
        );
        out.at_risk = Some(
            awaiting
                .iter()
                .filter(|v| {
                    v.requesting_agency == ctx.actor.agency.as_str()
                        && v.deadline.days_left <= AT_RISK_DAYS
                })
                .count() as i64,
        );
    }
    if ctx
        .actor
        .roles
        .contains(accordo_domain::Role::PartnerAuthority)
    {
        let mine: Vec<&&RequestView> = awaiting
            .iter()
            .filter(|v| v.partner_agency == ctx.actor.agency.as_str())
            .collect();
        out.awaiting_reply = Some(mine.len() as i64);
        out.overdue = Some(mine.iter().filter(|v| v.deadline.days_left < 0).count() as i64);
    }
    Ok(out)
}
