//! The documents pillar: one check of a document (MRZ, register, alerts), and the shared
//! register of lost, stolen and forged documents.

use crate::service::{
    self as service, Alert, BATCH_MAX, CheckOutcome, NewAlertInput, NewReportInput,
};
use crate::store::ReportRow;
use accordo_server::extract::{Path, Query};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json};
use accordo_server::problem::{ApiResult, Problem};

/// A batch of 10,000 MRZs of 90 characters is about 1 MB of JSON.
const BATCH_BODY_LIMIT: usize = 4 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(list_reports, create_report))
        .routes(routes!(withdraw_report))
        .routes(routes!(list_alerts, publish_alert))
        .routes(routes!(withdraw_alert))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(check_batch))
                .layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT)),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}))]
pub struct CheckIn {
    /// The machine-readable zone: 2 or 3 lines, LF or CRLF.
    mrz: String,
}

/// Checks one document: every MRZ check, register hits and matching alerts, and a verdict
/// (`clear`, `invalid_mrz`, `register_hit`, `alert_match`) with its reasons. A register hit
/// is audited and notified to the reporting agency.
#[utoipa::path(post, path = "/api/v1/documents/check", tag = "documents", request_body = CheckIn,
    responses((status = 200, description = "the outcome", body = CheckOutcome), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn check(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CheckIn>,
) -> ApiResult<axum::Json<CheckOutcome>> {
    let mut found = service::check(&state.platform, &caller.ctx, &[body.mrz.as_str()]).await?;
    let outcome = found.pop().ok_or_else(|| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the check returned nothing",
        )
    })?;
    Ok(axum::Json(outcome))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mrzs": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"]}))]
pub struct BatchIn {
    /// Up to 10,000 MRZs.
    mrzs: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    /// One outcome per MRZ, in the order sent.
    #[schema(value_type = Vec<Object>)]
    results: Vec<CheckOutcome>,
}

/// Checks up to 10,000 documents in one request, in order.
#[utoipa::path(post, path = "/api/v1/documents/check/batch", tag = "documents", request_body = BatchIn,
    responses((status = 200, body = BatchOut), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn check_batch(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<BatchIn>,
) -> ApiResult<axum::Json<BatchOut>> {
    if body.mrzs.len() > BATCH_MAX {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!(
                "mrzs: at most {BATCH_MAX} in one batch; this one has {}",
                body.mrzs.len()
            ),
        )
        .field("mrzs"));
    }
    let texts: Vec<&str> = body.mrzs.iter().map(String::as_str).collect();
    let results = service::check(&state.platform, &caller.ctx, &texts).await?;
    Ok(axum::Json(BatchOut { results }))
}

/// A report in the register, as its agency sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    id: Uuid,
    issuing_state: String,
    /// First letter of the MRZ document code: P, I, A, C, V.
    document_type: String,
    document_number: String,
    /// lost, stolen, revoked, forged, fraudulently_obtained.
    status: String,
    reporting_agency: String,
    /// YYYY-MM-DD.
    reported_on: String,
    notes: String,
    created_at: String,
    withdrawn_at: Option<String>,
}

impl From<ReportRow> for Report {
    fn from(r: ReportRow) -> Self {
        Self {
            id: r.id,
            issuing_state: r.issuing_state,
            document_type: r.document_type,
            document_number: r.document_number,
            status: r.status,
            reporting_agency: r.owner_agency,
            reported_on: r.reported_on,
            notes: r.notes,
            created_at: accordo_server::api::rfc3339(r.created_at),
            withdrawn_at: r.withdrawn_at.map(accordo_server::api::rfc3339),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only numbers that start with this.
    number: Option<String>,
    /// Include withdrawn reports.
    #[serde(default)]
    withdrawn: bool,
}

/// The caller's agency's reports (the operator's admin: every agency's), newest first.
#[utoipa::path(get, path = "/api/v1/documents/reports", tag = "documents", params(ListParams),
    responses((status = 200, body = [Report]), (status = 403, body = Problem)))]
async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ListParams>,
) -> ApiResult<axum::Json<Vec<Report>>> {
    let rows = service::list(
        &state.platform,
        &caller.ctx,
        p.number.as_deref(),
        p.withdrawn,
    )
    .await?;
    Ok(axum::Json(rows.into_iter().map(Report::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"issuing_state": "ITA", "document_type": "P", "document_number": "YA7654321", "status": "stolen", "reported_on": "2026-11-02", "notes": "stolen from a car"}))]
pub struct ReportIn {
    /// ISO 3166 alpha-3 or an ICAO code, e.g. PAK, D.
    issuing_state: String,
    /// P, I, A, C or V (or a full MRZ code such as PP).
    document_type: String,
    document_number: String,
    /// lost, stolen, revoked, forged, fraudulently_obtained.
    status: String,
    /// YYYY-MM-DD; today when absent.
    #[serde(default)]
    reported_on: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

/// Reports a document to the shared register, as the caller's agency.
#[utoipa::path(post, path = "/api/v1/documents/reports", tag = "documents", request_body = ReportIn,
    responses((status = 201, body = Report), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_report(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<ReportIn>,
) -> ApiResult<(StatusCode, axum::Json<Report>)> {
    let input = NewReportInput {
        issuing_state: r.issuing_state,
        document_type: r.document_type,
        document_number: r.document_number,
        status: r.status,
        reported_on: r.reported_on.unwrap_or_default(),
        notes: r.notes.unwrap_or_default(),
    };
    let row = service::report(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// Withdraws a report (its agency only).
#[utoipa::path(post, path = "/api/v1/documents/reports/{id}/withdraw", tag = "documents", params(("id" = Uuid, Path)),
    responses((status = 200, body = Report), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Report>> {
    let row = service::withdraw(&state.platform, &caller.ctx, id).await?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// Include withdrawn alerts.
    #[serde(default)]
    withdrawn: bool,
}

/// The forgery alerts the caller may read under TLP, newest first.
#[utoipa::path(get, path = "/api/v1/documents/alerts", tag = "documents", params(AlertParams),
    responses((status = 200, description = "alerts", body = Vec<Alert>), (status = 403, body = Problem)))]
async fn list_alerts(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AlertParams>,
) -> ApiResult<axum::Json<Vec<Alert>>> {
    Ok(axum::Json(
        service::list_alerts(&state.platform, &caller.ctx, p.withdrawn).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"issuing_state": "PAK", "document_type": "P", "number_pattern": "AB9*", "what_forged": "Counterfeit passports of the AB9 series", "how_to_recognise": "The ghost image lacks the holographic border", "handling": "AMBER", "addressees": ["agency:IT-PS", "country:GRC"]}))]
pub struct AlertIn {
    #[serde(default)]
    issuing_state: Option<String>,
    /// P, I, A, C or V.
    #[serde(default)]
    document_type: Option<String>,
    /// A range of numbers, both ends of one length.
    #[serde(default)]
    number_from: Option<String>,
    #[serde(default)]
    number_to: Option<String>,
    /// `?` one character, `*` any run, e.g. `TN*9?`.
    #[serde(default)]
    number_pattern: Option<String>,
    what_forged: String,
    how_to_recognise: String,
    /// TLP 2.0: CLEAR, GREEN, AMBER, AMBER+STRICT.
    handling: String,
    /// Agency codes, or `country:ISO3` (AMBER only).
    #[serde(default)]
    addressees: Vec<String>,
}

/// Publishes a forgery alert for the caller's agency; addressed agencies are notified.
#[utoipa::path(post, path = "/api/v1/documents/alerts", tag = "documents", request_body = AlertIn,
    responses((status = 201, description = "the alert", body = Alert), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn publish_alert(
    State(state): State<AppState>,
    caller: Caller,
    Json(a): Json<AlertIn>,
) -> ApiResult<(StatusCode, axum::Json<Alert>)> {
    let input = NewAlertInput {
        issuing_state: a.issuing_state.unwrap_or_default(),
        document_type: a.document_type.unwrap_or_default(),
        number_from: a.number_from.unwrap_or_default(),
        number_to: a.number_to.unwrap_or_default(),
        number_pattern: a.number_pattern.unwrap_or_default(),
        what_forged: a.what_forged,
        how_to_recognise: a.how_to_recognise,
        handling: a.handling,
        addressees: a.addressees,
    };
    let alert = service::publish_alert(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(alert)))
}

/// Withdraws a forgery alert (its agency only).
#[utoipa::path(post, path = "/api/v1/documents/alerts/{id}/withdraw", tag = "documents", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::withdraw_alert(&state.platform, &caller.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
