//! The legal pathways over HTTP: the public click-day figures, windows and their assignment,
//! applications and their submission, the public status of an application and of a
//! certificate, pre-departure courses, and the simulation of the policies.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json, Path};
use accordo_server::problem::{ApiResult, Problem};

use crate::service::{
    self, ApplicationView, AssignmentSummary, ClickDay, NewApplication, NewWindow, PublicStatus,
    Receipt, WindowView,
};
use crate::training::{self, CourseView, NewCourse, NewTrainee, TraineeView, Verification};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(click_day))
        .routes(routes!(list_windows, create_window))
        .routes(routes!(assign))
        .routes(routes!(register_association))
        .routes(routes!(list_applications, prefill))
        .routes(routes!(get_application))
        .routes(routes!(submit))
        .routes(routes!(record_step))
        .routes(routes!(outcomes))
        .routes(routes!(public_status))
        .routes(routes!(verify_certificate))
        .routes(routes!(list_courses, create_course))
        .routes(routes!(enrol))
        .routes(routes!(certify))
        .routes(routes!(simulate))
}

/// Whether a window is open, how many submissions it has received, and the server's time:
/// the page people reload at 09:00, served from memory. Public.
#[utoipa::path(get, path = "/api/v1/pathways/click-day", tag = "pathways", security(()),
    responses((status = 200, description = "the click day", body = ClickDay)))]
async fn click_day(State(state): State<AppState>) -> axum::Json<ClickDay> {
    axum::Json(service::click_day(&state.platform))
}

/// The click-day windows with their places, shares, policy and count.
#[utoipa::path(get, path = "/api/v1/pathways/windows", tag = "pathways",
    responses((status = 200, description = "the windows", body = Vec<WindowView>), (status = 403, body = Problem)))]
async fn list_windows(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<WindowView>>> {
    Ok(axum::Json(service::windows(&state.platform, &caller.ctx)?))
}

/// Sets a click day for a category and year: when it opens and closes, its places (general,
/// and a published allocation's shares by nationality) and its policy. The ministry's.
#[utoipa::path(post, path = "/api/v1/pathways/windows", tag = "pathways", request_body = NewWindow,
    responses((status = 201, description = "the window", body = WindowView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_window(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewWindow>,
) -> ApiResult<(StatusCode, axum::Json<WindowView>)> {
    let view = service::create_window(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Assigns a closed window's places under its policy, once: each submission gets a place of
/// its nationality's share, then of the general places; the rest are kept in order as a
/// reserve.
#[utoipa::path(post, path = "/api/v1/pathways/windows/{id}/assignment", tag = "pathways",
    params(("id" = Uuid, Path, description = "the window")),
    responses((status = 200, description = "what was assigned", body = AssignmentSummary), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<AssignmentSummary>> {
    Ok(axum::Json(
        service::assign(&state.platform, &caller.ctx, &id.to_string()).await?,
    ))
}

/// An employers' association to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agency": "IT-CONF"}))]
pub struct AssociationIn {
    /// The agency's code.
    agency: String,
}

/// Registers an employers' association: it files for its members and is not held to a
/// private employer's limit of 3 applications a year. The ministry's. Audited.
#[utoipa::path(post, path = "/api/v1/pathways/associations", tag = "pathways", request_body = AssociationIn,
    responses((status = 204, description = "registered"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn register_association(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<AssociationIn>,
) -> ApiResult<StatusCode> {
    service::register_association(&state.platform, &caller.ctx, input.agency.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The applications the caller may read: an employer's own, a partner's nationals', all of
/// them for the host state's labour offices.
#[utoipa::path(get, path = "/api/v1/pathways/applications", tag = "pathways",
    responses((status = 200, description = "the applications", body = Vec<ApplicationView>), (status = 403, body = Problem)))]
async fn list_applications(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<ApplicationView>>> {
    Ok(axum::Json(
        service::applications(&state.platform, &caller.ctx).await?,
    ))
}

/// An application as an employer pre-fills it. The example works as `ita.employer` in the
/// demo, whose seasonal-agriculture window is open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "category": "seasonal_agriculture",
    "worker_name": "Ali Esempio",
    "worker_birth_date": "1996-03-14",
    "worker_nationality": "PAK",
    "worker_mrz": "P<PAKESEMPIO<<ALI<<<<<<<<<<<<<<<<<<<<<<<<<<<\nAK04123451PAK9603149M3106305<<<<<<<<<<<<<<08",
    "contract": "fixed_term",
    "monthly_wage_eur": 1450,
    "months": 6,
    "province": "LT"
}))]
pub struct ApplicationIn {
    /// `seasonal_agriculture`, `seasonal_tourism`, `non_seasonal`, `self_employment` or
    /// `care_work`.
    category: String,
    /// The quota's year; this year's when absent.
    #[serde(default)]
    year: Option<i64>,
    worker_name: String,
    /// `YYYY-MM-DD`.
    worker_birth_date: String,
    /// ISO 3166-1 alpha-3: decides which share the application draws on.
    worker_nationality: String,
    /// The passport's machine-readable zone, two lines of 44 (checked by the documents
    /// pillar's rules; it must agree with the nationality and birth date).
    worker_mrz: String,
    /// `fixed_term` (seasonal work, 1 to 9 months), `permanent` or `fixed_term` of 12 months
    /// or more (other work), `self_employed`.
    contract: String,
    monthly_wage_eur: i64,
    /// Absent for a permanent contract.
    #[serde(default)]
    months: Option<u32>,
    /// The province's two-letter code.
    province: String,
    /// The worker's pre-departure certificate, if any: served first.
    #[serde(default)]
    certificate_code: Option<String>,
}

/// The demo's first synthetic worker's application, for the window the demo opens (the
/// OpenAPI example above is the same, written out: tests/app/pathways.rs posts it).
pub fn application_example() -> serde_json::Value {
    let a = crate::demo::application_for(0, "seasonal_agriculture");
    serde_json::json!({
        "category": a.category, "worker_name": a.worker_name,
        "worker_birth_date": a.worker_birth_date, "worker_nationality": a.worker_nationality,
        "worker_mrz": a.worker_mrz, "contract": a.contract,
        "monthly_wage_eur": a.monthly_wage_eur, "months": a.months, "province": a.province,
    })
}

/// Pre-fills an application: the law's checks at pre-filling, each refusal naming its rule
/// and field; at most 3 a year for a private employer. Audited.
#[utoipa::path(post, path = "/api/v1/pathways/applications", tag = "pathways",
    request_body(content = ApplicationIn, example = json!({
        "category": "seasonal_agriculture",
        "worker_name": "Ali Esempio",
        "worker_birth_date": "1996-03-14",
        "worker_nationality": "PAK",
        "worker_mrz": "P<PAKESEMPIO<<ALI<<<<<<<<<<<<<<<<<<<<<<<<<<<\nAK04123451PAK9603149M3106305<<<<<<<<<<<<<<08",
        "contract": "fixed_term",
        "monthly_wage_eur": 1450,
        "months": 6,
        "province": "LT"
    })),
    responses((status = 201, description = "the application", body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn prefill(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ApplicationIn>,
) -> ApiResult<(StatusCode, axum::Json<ApplicationView>)> {
    let input = NewApplication {
        category: input.category,
        year: input.year,
        worker_name: input.worker_name,
        worker_birth_date: input.worker_birth_date,
        worker_nationality: input.worker_nationality,
        worker_mrz: input.worker_mrz,
        contract: input.contract,
        monthly_wage_eur: input.monthly_wage_eur,
        months: input.months,
        province: input.province,
        certificate_code: input.certificate_code,
    };
    let view = service::prefill(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// One application with its submission and assignment. Audited.
#[utoipa::path(get, path = "/api/v1/pathways/applications/{id}", tag = "pathways",
    params(("id" = Uuid, Path, description = "the application")),
    responses((status = 200, description = "the application", body = ApplicationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_application(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ApplicationView>> {
    Ok(axum::Json(
        service::application(&state.platform, &caller.ctx, &id.to_string()).await?,
    ))
}

/// A submission's body: `{}` is enough.
#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reference": "my-ref-0001"}))]
pub struct SubmitIn {
    /// The caller's own reference for the submission, kept with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

/// Submits an application on the click day: the answer is its position, the server's order
/// of receipt (gap-free, written before it is told). Send an `Idempotency-Key` header and
/// send the same key and body again after a timeout: the answer is the first one. A key is
/// bound to its application and body; another body or application with it is refused.
#[utoipa::path(post, path = "/api/v1/pathways/applications/{id}/submit", tag = "pathways",
    request_body(content = SubmitIn, description = "a JSON object; `{}` is enough", example = json!({})),
    params(("id" = Uuid, Path, description = "the application"),
        ("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, e.g. a UUID; the same for every retry")),
    responses((status = 200, description = "the acknowledgement", body = Receipt), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(body): Json<SubmitIn>,
) -> ApiResult<axum::Json<Receipt>> {
    let body = serde_json::to_value(&body).unwrap_or_default();
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    Ok(axum::Json(
        service::submit(&state.platform, &caller.ctx, &id.to_string(), key, &body).await?,
    ))
}

/// The next step of an application's path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"step": "authorisation", "on": "2026-11-20"}))]
pub struct StepIn {
    /// `authorisation` (nulla osta), `visa`, `arrival`, `residence_permit` or
    /// `contract_signed`, in that order.
    step: String,
    /// `YYYY-MM-DD`, not in the future.
    on: String,
}

/// Records the next step of an assigned application, with its date; the recording office is
/// the caller's agency. The host state's offices'. Audited.
#[utoipa::path(post, path = "/api/v1/pathways/applications/{id}/steps", tag = "pathways", request_body = StepIn,
    params(("id" = Uuid, Path, description = "the application")),
    responses((status = 200, description = "the steps so far", body = Vec<service::StepView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn record_step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<StepIn>,
) -> ApiResult<axum::Json<Vec<service::StepView>>> {
    Ok(axum::Json(
        service::record_step(
            &state.platform,
            &caller.ctx,
            &id.to_string(),
            &input.step,
            &input.on,
        )
        .await?,
    ))
}

/// How far each window's assigned places went (authorisation, visa, arrival, residence
/// permit, contract), whole and by nationality and province: the share of quotas that became
/// permits. A partner's authorities see their nationals' lines only.
#[utoipa::path(get, path = "/api/v1/pathways/outcomes", tag = "pathways",
    responses((status = 200, description = "the funnels", body = Vec<service::Funnel>), (status = 403, body = Problem)))]
async fn outcomes(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<service::Funnel>>> {
    Ok(axum::Json(
        service::outcomes(&state.platform, &caller.ctx).await?,
    ))
}

/// What became of an application, by the code its employer gives the worker: its status,
/// position and steps, nothing of the worker. Public.
#[utoipa::path(get, path = "/api/v1/pathways/status/{code}", tag = "pathways", security(()),
    params(("code" = String, Path, description = "the application's code, e.g. ABCD-EFGH-JKLM")),
    responses((status = 200, description = "the status", body = PublicStatus), (status = 404, body = Problem)))]
async fn public_status(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<PublicStatus>> {
    Ok(axum::Json(
        service::public_status(&state.platform, &code).await?,
    ))
}

/// Whether a pre-departure certificate is valid, and nothing of its holder. Public.
#[utoipa::path(get, path = "/api/v1/pathways/certificates/{code}", tag = "pathways", security(()),
    params(("code" = String, Path, description = "the certificate's code, e.g. PDT-ABCDEFGHJK")),
    responses((status = 200, description = "its validity", body = Verification)))]
async fn verify_certificate(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<Verification>> {
    Ok(axum::Json(training::verify(&state.platform, &code).await?))
}

/// The pre-departure courses the caller may read, with their trainees.
#[utoipa::path(get, path = "/api/v1/pathways/courses", tag = "pathways",
    responses((status = 200, description = "the courses", body = Vec<CourseView>), (status = 403, body = Problem)))]
async fn list_courses(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CourseView>>> {
    Ok(axum::Json(
        training::courses(&state.platform, &caller.ctx).await?,
    ))
}

/// Sets up a pre-departure course in the caller's country. Audited.
#[utoipa::path(post, path = "/api/v1/pathways/courses", tag = "pathways", request_body = NewCourse,
    responses((status = 201, description = "the course", body = CourseView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_course(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewCourse>,
) -> ApiResult<(StatusCode, axum::Json<CourseView>)> {
    let view = training::create_course(&state.platform, &caller.ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Enrols a trainee in one of the caller's agency's courses. Audited.
#[utoipa::path(post, path = "/api/v1/pathways/courses/{id}/trainees", tag = "pathways", request_body = NewTrainee,
    params(("id" = Uuid, Path, description = "the course")),
    responses((status = 201, description = "the trainee", body = TraineeView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn enrol(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<NewTrainee>,
) -> ApiResult<(StatusCode, axum::Json<TraineeView>)> {
    let view = training::enrol(&state.platform, &caller.ctx, &id.to_string(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Which trainee of the course to certify.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"trainee": "0193a0e4-5c3b-7a11-9d1e-2f3a4b5c6d7e"}))]
pub struct CertifyIn {
    trainee: Uuid,
}

/// Certifies a trainee who completed the course: the answer carries the certificate's code.
/// Audited.
#[utoipa::path(post, path = "/api/v1/pathways/courses/{id}/certificates", tag = "pathways", request_body = CertifyIn,
    params(("id" = Uuid, Path, description = "the course")),
    responses((status = 200, description = "the trainee certified", body = TraineeView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn certify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<CertifyIn>,
) -> ApiResult<axum::Json<TraineeView>> {
    Ok(axum::Json(
        training::certify(
            &state.platform,
            &caller.ctx,
            &id.to_string(),
            &input.trainee.to_string(),
        )
        .await?,
    ))
}

/// A day of demand and the policies to compare on it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scenario": "march-2024", "seed": 1, "lottery_minutes": 60}))]
pub struct SimulationIn {
    /// A shipped scenario (`march-2024`), or `demand` below.
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    demand: Option<accordo_pathways::simulate::Demand>,
    /// The seed of the arrivals and of the lottery's draw.
    seed: u64,
    /// The lottery's window: those received in the first minutes are drawn.
    lottery_minutes: u32,
}

/// Who would get places under time order and under a lottery, on a day of demand:
/// deterministic for a seed.
#[utoipa::path(post, path = "/api/v1/pathways/simulation", tag = "pathways", request_body = SimulationIn,
    responses((status = 200, description = "places by group under each policy", body = service::Simulation), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn simulate(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<SimulationIn>,
) -> ApiResult<axum::Json<service::Simulation>> {
    // Hundreds of thousands of arrivals drawn and sorted twice: off the request threads.
    let platform = state.platform.clone();
    let simulation = tokio::task::spawn_blocking(move || {
        service::simulate(
            &platform,
            &caller.ctx,
            input.scenario.as_deref(),
            input.demand,
            input.seed,
            input.lottery_minutes,
        )
    })
    .await
    .map_err(|e| {
        accordo_service::ServiceError::Store(accordo_store::StoreError::Invalid(e.to_string()))
    })??;
    Ok(axum::Json(simulation))
}
