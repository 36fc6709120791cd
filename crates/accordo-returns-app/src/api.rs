//! The returns pillar: return cases, readmission requests to partner authorities, travel
//! documents, the steps of a return, agreements' terms, centres under monitoring.

use crate::service::{
    self as service, Agreement, AgreementEdit, CaseSummary, CaseView, CentreReport, CentreSummary,
    Decision, Evidence, LegalUpdate, NewCase, NewCentre, RequestView, SafeguardView, StayView,
    TransitionInput,
};
use crate::store::CaseRow;
use accordo_returns::case::ReturnKind;
use accordo_returns::{State as CaseState, Terms};
use accordo_server::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json};
use accordo_server::problem::ApiResult;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, create_case))
        .routes(routes!(get_case))
        .routes(routes!(update_case))
        .routes(routes!(transition))
        .routes(routes!(add_safeguard))
        .routes(routes!(add_document))
        .routes(routes!(create_request))
        .routes(routes!(list_requests))
        .routes(routes!(get_request))
        .routes(routes!(reply))
        .routes(routes!(answer))
        .routes(routes!(extend))
        .routes(routes!(travel_document))
        .routes(routes!(list_agreements))
        .routes(routes!(edit_agreement))
        .routes(routes!(list_centres, create_centre))
        .routes(routes!(place))
        .routes(routes!(centre_report))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    surname: String,
    #[serde(default)]
    given_names: String,
    /// YYYY-MM-DD, when known.
    #[serde(default)]
    date_of_birth: Option<String>,
    /// ISO 3166 alpha-3.
    claimed_nationality: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person": {"surname": "ESEMPIO", "given_names": "SAMI", "date_of_birth": "1995-05-05", "claimed_nationality": "TUN"}, "asylum": "rejected", "return_decision_date": "2026-10-01", "vulnerabilities": []}))]
pub struct CaseIn {
    person: PersonIn,
    /// minor, unaccompanied, medical, trafficking_victim.
    #[serde(default)]
    vulnerabilities: Vec<String>,
    /// none, pending, appeal_pending, rejected, granted.
    asylum: String,
    /// YYYY-MM-DD or null.
    #[serde(default)]
    return_decision_date: Option<String>,
    /// An opaque reference to biometric data held elsewhere; generated when absent.
    #[serde(default)]
    biometric_ref: Option<String>,
    /// The centre the person is held at.
    #[serde(default)]
    centre: Option<Uuid>,
    /// Since when (YYYY-MM-DD); today when absent.
    #[serde(default)]
    centre_from: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    id: Uuid,
    /// open, readmission_requested, nationality_confirmed, travel_document_issued,
    /// scheduled, executed, failed, closed.
    #[schema(value_type = String)]
    state: CaseState,
    /// flight, charter, assisted_voluntary.
    #[schema(value_type = Option<String>)]
    return_kind: Option<ReturnKind>,
    /// YYYY-MM-DD.
    #[schema(value_type = Option<String>)]
    return_date: Option<Date>,
    outcome_reason: Option<String>,
}

impl From<CaseRow> for CaseOut {
    fn from(r: CaseRow) -> Self {
        Self {
            id: r.id,
            state: r.state,
            return_kind: r.return_kind,
            return_date: r.return_on,
            outcome_reason: r.outcome_reason,
        }
    }
}

/// Opens a return case for the caller's agency.
#[utoipa::path(post, path = "/api/v1/returns/cases", tag = "returns", request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 403, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    Json(c): Json<CaseIn>,
) -> ApiResult<(StatusCode, axum::Json<CaseOut>)> {
    let input = NewCase {
        surname: c.person.surname,
        given_names: c.person.given_names,
        date_of_birth: c.person.date_of_birth,
        claimed_nationality: c.person.claimed_nationality,
        vulnerabilities: c.vulnerabilities,
        asylum: c.asylum,
        return_decision_date: c.return_decision_date,
        biometric_ref: c.biometric_ref,
        centre: c.centre,
        centre_from: c.centre_from,
    };
    let row = service::create_case(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// The caller's agency's cases, most recently changed first, with the open request's
/// deadline (audited as one read).
#[utoipa::path(get, path = "/api/v1/returns/cases", tag = "returns",
    responses((status = 200, description = "the cases", body = Vec<CaseSummary>), (status = 403, body = accordo_server::problem::Problem)))]
async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CaseSummary>>> {
    Ok(axum::Json(
        service::list_cases(&state.platform, &caller.ctx).await?,
    ))
}

/// One case with its documents, requests, safeguards, stays, and each next step with the
/// rules that block it now. Audited.
#[utoipa::path(get, path = "/api/v1/returns/cases/{id}", tag = "returns", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the case", body = CaseView), (status = 404, body = accordo_server::problem::Problem)))]
async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<CaseView>> {
    Ok(axum::Json(
        service::get_case(&state.platform, &caller.ctx, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"asylum": "rejected", "return_decision_date": "2026-10-01", "vulnerabilities": ["medical"]}))]
pub struct LegalIn {
    /// none, pending, appeal_pending, rejected, granted.
    #[serde(default)]
    asylum: Option<String>,
    /// YYYY-MM-DD; "" removes it.
    #[serde(default)]
    return_decision_date: Option<String>,
    #[serde(default)]
    vulnerabilities: Option<Vec<String>>,
}

/// Changes a case's legal situation (asylum, return decision, vulnerabilities).
#[utoipa::path(patch, path = "/api/v1/returns/cases/{id}", tag = "returns", params(("id" = Uuid, Path)), request_body = LegalIn,
    responses((status = 200, body = CaseOut), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn update_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(l): Json<LegalIn>,
) -> ApiResult<axum::Json<CaseOut>> {
    let update = LegalUpdate {
        asylum: l.asylum,
        return_decision_date: l.return_decision_date,
        vulnerabilities: l.vulnerabilities,
    };
    let row = service::update_legal(&state.platform, &caller.ctx, id, update).await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "scheduled", "kind": "flight", "date": "2026-12-20"}))]
pub struct TransitionIn {
    /// scheduled, executed, failed or closed.
    to: String,
    /// For `scheduled`: flight, charter or assisted_voluntary.
    #[serde(default)]
    kind: Option<String>,
    /// For `scheduled` and `executed`: YYYY-MM-DD.
    #[serde(default)]
    date: Option<String>,
    /// For `failed` and `closed`.
    #[serde(default)]
    reason: Option<String>,
}

/// Moves a case to a new state, or answers 409 with `rules`: every rule that blocks it
/// (e.g. `asylum_pending`, `best_interests_assessment_missing`, `readmission_not_confirmed`).
#[utoipa::path(post, path = "/api/v1/returns/cases/{id}/transitions", tag = "returns", params(("id" = Uuid, Path)), request_body = TransitionIn,
    responses((status = 200, body = CaseOut), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn transition(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(t): Json<TransitionIn>,
) -> ApiResult<axum::Json<CaseOut>> {
    let input = TransitionInput {
        to: t.to,
        kind: t.kind,
        date: t.date,
        reason: t.reason,
    };
    let row = service::transition(&state.platform, &caller.ctx, id, input).await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "legal_information", "note": "Information given in Arabic by the centre's legal service"}))]
pub struct SafeguardIn {
    /// best_interests_assessment, vulnerability_screening, legal_information,
    /// asylum_information, medical_examination, guardian_appointed.
    kind: String,
    /// YYYY-MM-DD; today when absent.
    #[serde(default)]
    recorded_on: Option<String>,
    note: String,
}

/// Records a safeguard step on a case.
#[utoipa::path(post, path = "/api/v1/returns/cases/{id}/safeguards", tag = "returns", params(("id" = Uuid, Path)), request_body = SafeguardIn,
    responses((status = 201, description = "recorded", body = SafeguardView), (status = 404, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn add_safeguard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(s): Json<SafeguardIn>,
) -> ApiResult<(StatusCode, axum::Json<SafeguardView>)> {
    let view = service::record_safeguard(
        &state.platform,
        &caller.ctx,
        id,
        &s.kind,
        s.recorded_on.as_deref(),
        &s.note,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "passport_copy", "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}))]
pub struct DocumentIn {
    /// passport, passport_copy, identity_card, other_document.
    kind: String,
    /// The machine-readable zone; it is checked like any document.
    mrz: String,
}

/// Adds a document the person holds (or a copy), checked against the MRZ rules, the
/// register and the alerts.
#[utoipa::path(post, path = "/api/v1/returns/cases/{id}/documents", tag = "returns", params(("id" = Uuid, Path)), request_body = DocumentIn,
    responses((status = 201, description = "added", body = service::CaseDocumentView), (status = 404, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn add_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(d): Json<DocumentIn>,
) -> ApiResult<(StatusCode, axum::Json<service::CaseDocumentView>)> {
    let view = service::add_document(&state.platform, &caller.ctx, id, &d.kind, &d.mrz).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_agency": "TN-MI", "evidence": [{"kind": "interview_record", "note": "interview of 20 November"}]}))]
pub struct RequestIn {
    /// The partner's central authority (an agency code of `GET /api/v1/agencies`).
    partner_agency: String,
    /// Each with `kind` (passport, passport_copy, identity_card, other_document, mrz_check,
    /// interview_record, biometric_match, witness_statement), optionally `document_id` (a
    /// document of the case) and `note`.
    #[schema(value_type = Vec<Object>)]
    evidence: Vec<Evidence>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestCreated {
    id: Uuid,
    /// The last day for the reply, in the requested authority's zone (YYYY-MM-DD).
    deadline: String,
    /// When that day ends (RFC 3339).
    due_at: String,
}

/// Sends a readmission request to a partner authority under its agreement's terms.
#[utoipa::path(post, path = "/api/v1/returns/cases/{id}/readmission-requests", tag = "returns", params(("id" = Uuid, Path)), request_body = RequestIn,
    responses((status = 201, body = RequestCreated), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(r): Json<RequestIn>,
) -> ApiResult<(StatusCode, axum::Json<RequestCreated>)> {
    let view = service::request_readmission(
        &state.platform,
        &caller.ctx,
        id,
        &r.partner_agency,
        r.evidence,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RequestCreated {
            id: view.id,
            deadline: view.deadline.date.to_string(),
            due_at: accordo_server::api::rfc3339(view.due_at),
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestParams {
    /// Only those awaiting a reply.
    #[serde(default)]
    open: bool,
}

/// The requests the caller may see: a partner authority, those addressed to it; a
/// caseworker, its agency's. Oldest first, each with its deadline.
#[utoipa::path(get, path = "/api/v1/returns/readmission-requests", tag = "returns", params(RequestParams),
    responses((status = 200, description = "the requests", body = Vec<RequestView>), (status = 403, body = accordo_server::problem::Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<RequestParams>,
) -> ApiResult<axum::Json<Vec<RequestView>>> {
    Ok(axum::Json(
        service::list_requests(&state.platform, &caller.ctx, p.open).await?,
    ))
}

/// One request (audited).
#[utoipa::path(get, path = "/api/v1/returns/readmission-requests/{id}", tag = "returns", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the request", body = RequestView), (status = 404, body = accordo_server::problem::Problem)))]
async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        service::get_request(&state.platform, &caller.ctx, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "confirmed"}))]
pub struct ReplyIn {
    /// confirmed, rejected or more_information.
    decision: String,
    /// Required to reject or to ask for information.
    #[serde(default)]
    reason: String,
}

/// The requested authority's reply. A reply after the deadline is recorded as late.
#[utoipa::path(post, path = "/api/v1/returns/readmission-requests/{id}/reply", tag = "returns", params(("id" = Uuid, Path)), request_body = ReplyIn,
    responses((status = 200, description = "the request", body = RequestView), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn reply(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(r): Json<ReplyIn>,
) -> ApiResult<axum::Json<RequestView>> {
    let decision = Decision::parse(&r.decision)?;
    Ok(axum::Json(
        service::reply(&state.platform, &caller.ctx, id, decision, &r.reason).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "The interview record is attached to the case."}))]
pub struct AnswerIn {
    answer: String,
}

/// The requesting agency answers a request for more information; the clock runs again.
#[utoipa::path(post, path = "/api/v1/returns/readmission-requests/{id}/information", tag = "returns", params(("id" = Uuid, Path)), request_body = AnswerIn,
    responses((status = 200, description = "the request", body = RequestView), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem)))]
async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(a): Json<AnswerIn>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        service::answer_information(&state.platform, &caller.ctx, id, &a.answer).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "LP123456", "valid_until": "2027-03-31"}))]
pub struct TravelDocumentIn {
    number: String,
    /// YYYY-MM-DD.
    valid_until: String,
}

/// The requested authority records the travel document (laissez-passer) it issued.
#[utoipa::path(post, path = "/api/v1/returns/readmission-requests/{id}/travel-document", tag = "returns", params(("id" = Uuid, Path)), request_body = TravelDocumentIn,
    responses((status = 200, description = "the request", body = RequestView), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn travel_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(t): Json<TravelDocumentIn>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        service::record_travel_document(
            &state.platform,
            &caller.ctx,
            id,
            &t.number,
            &t.valid_until,
        )
        .await?,
    ))
}

/// The readmission agreements and their terms.
#[utoipa::path(get, path = "/api/v1/returns/agreements", tag = "returns",
    responses((status = 200, description = "the agreements", body = Vec<Agreement>), (status = 403, body = accordo_server::problem::Problem)))]
async fn list_agreements(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<Agreement>>> {
    Ok(axum::Json(
        service::agreements(&state.platform, &caller.ctx).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Italy–Tunisia", "terms": {"reply_days": 30, "silence_is_acceptance": false, "accepted_evidence": ["passport", "interview_record"], "extension_days": null, "pause_on_more_information": true, "travel_document_validity_days": 90, "travel_document_issue_days": null, "transfer_days": 60}, "source": "Agreement text, art. 5", "confirmed": true, "version": 1}))]
pub struct AgreementIn {
    name: String,
    #[schema(value_type = Object)]
    terms: Terms,
    source: String,
    confirmed: bool,
    /// The version being replaced (409 `stale_version` if someone changed it meanwhile).
    version: i64,
}

/// Replaces an agreement's terms with a new version (the operator's administrator).
#[utoipa::path(put, path = "/api/v1/returns/agreements/{id}", tag = "returns", params(("id" = Uuid, Path)), request_body = AgreementIn,
    responses((status = 200, description = "the agreement", body = Agreement), (status = 403, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn edit_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(a): Json<AgreementIn>,
) -> ApiResult<axum::Json<Agreement>> {
    let edit = AgreementEdit {
        name: a.name,
        terms: a.terms,
        source: a.source,
        confirmed: a.confirmed,
        version: a.version,
    };
    Ok(axum::Json(
        service::edit_agreement(&state.platform, &caller.ctx, id, edit).await?,
    ))
}

/// The centres the caller may see (the monitor: those it monitors), with today's occupancy.
#[utoipa::path(get, path = "/api/v1/returns/centres", tag = "returns",
    responses((status = 200, description = "the centres", body = Vec<CentreSummary>), (status = 403, body = accordo_server::problem::Problem)))]
async fn list_centres(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CentreSummary>>> {
    Ok(axum::Json(
        service::centres(&state.platform, &caller.ctx).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    /// YYYY-MM-DD; 29 days before `to` when absent.
    from: Option<String>,
    /// YYYY-MM-DD; today when absent.
    to: Option<String>,
}

/// A centre over a period: occupancy by day, stays and their lengths, safeguard records.
/// Cases are named by reference only.
#[utoipa::path(get, path = "/api/v1/returns/centres/{id}", tag = "returns", params(("id" = Uuid, Path), PeriodParams),
    responses((status = 200, description = "the report", body = CentreReport), (status = 404, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn centre_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(p): Query<PeriodParams>,
) -> ApiResult<axum::Json<CentreReport>> {
    Ok(axum::Json(
        service::centre_report(
            &state.platform,
            &caller.ctx,
            id,
            p.from.as_deref(),
            p.to.as_deref(),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "CPR Bari", "country": "ITA", "capacity": 120, "monitored_by": "UNHCR"}))]
pub struct CentreIn {
    name: String,
    /// ISO 3166 alpha-3 of where it is.
    country: String,
    capacity: i64,
    /// The agency that monitors it (e.g. UNHCR): it reads occupancy, stays and safeguards.
    #[serde(default)]
    monitored_by: Option<String>,
}

/// Adds a centre (the operator's administrator).
#[utoipa::path(post, path = "/api/v1/returns/centres", tag = "returns", request_body = CentreIn,
    responses((status = 201, description = "the centre", body = CentreSummary), (status = 403, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn create_centre(
    State(state): State<AppState>,
    caller: Caller,
    Json(c): Json<CentreIn>,
) -> ApiResult<(StatusCode, axum::Json<CentreSummary>)> {
    let input = NewCentre {
        name: c.name,
        country: c.country,
        capacity: c.capacity,
        monitored_by: c.monitored_by,
    };
    let made = service::create_centre(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(made)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"centre": "0193a5f0-7c2e-7000-8000-000000000001", "from": "2026-11-20"}))]
pub struct PlaceIn {
    /// The centre; null releases the person.
    centre: Option<Uuid>,
    /// YYYY-MM-DD; today when absent.
    #[serde(default)]
    from: Option<String>,
}

/// Places the person of a case in a centre from a day (ending the current stay), or
/// releases them; answers the case's stays.
#[utoipa::path(post, path = "/api/v1/returns/cases/{id}/stays", tag = "returns", params(("id" = Uuid, Path)), request_body = PlaceIn,
    responses((status = 200, description = "the stays", body = Vec<StayView>), (status = 404, body = accordo_server::problem::Problem), (status = 422, body = accordo_server::problem::Problem)))]
async fn place(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(p): Json<PlaceIn>,
) -> ApiResult<axum::Json<Vec<StayView>>> {
    Ok(axum::Json(
        service::place(
            &state.platform,
            &caller.ctx,
            id,
            p.centre,
            p.from.as_deref(),
        )
        .await?,
    ))
}

/// The requested authority takes the extension its agreement allows (once, before the
/// deadline); 409 names the rule when the agreement has none or it was taken.
#[utoipa::path(post, path = "/api/v1/returns/readmission-requests/{id}/extension", tag = "returns", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the request", body = RequestView), (status = 404, body = accordo_server::problem::Problem), (status = 409, body = accordo_server::problem::Problem)))]
async fn extend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        service::extend(&state.platform, &caller.ctx, id).await?,
    ))
}
