//! The cooperation index (scores, policy versions, values entered by hand) and the
//! legal-entry quotas it allocates (totals, what-if, publish, published allocations).

use std::collections::BTreeMap;

use crate::service::{self as service, Allocation, AllocationInput, PartnerScore, PolicyVersion};
use accordo_cooperation::Policy;
use accordo_server::extract::{Path, Query};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json};
use accordo_server::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(scores))
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(enter_value))
        .routes(routes!(quota_totals))
        .routes(routes!(what_if))
        .routes(routes!(list_allocations, publish))
        .routes(routes!(get_allocation))
}

/// The current year in the platform's clock (UTC).
pub fn this_year(state: &AppState) -> i32 {
    i32::from(
        state
            .platform
            .clock
            .now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .year(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScoreParams {
    /// The year measured; this year when absent.
    year: Option<i32>,
    /// The policy version; the latest when absent.
    policy_version: Option<i64>,
}

/// The partners' scores the caller may see (a partner authority: its own), best first,
/// each with the indicators' values, sources and contributions.
#[utoipa::path(get, path = "/api/v1/cooperation/scores", tag = "cooperation", params(ScoreParams),
    responses((status = 200, description = "the scores", body = Vec<PartnerScore>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn scores(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ScoreParams>,
) -> ApiResult<axum::Json<Vec<PartnerScore>>> {
    let year = p.year.unwrap_or_else(|| this_year(&state));
    Ok(axum::Json(
        service::scores(&state.platform, &caller.ctx, year, p.policy_version).await?,
    ))
}

/// Every version of the index's policy, newest first.
#[utoipa::path(get, path = "/api/v1/cooperation/policies", tag = "cooperation",
    responses((status = 200, description = "the versions", body = Vec<PolicyVersion>), (status = 403, body = Problem)))]
async fn list_policies(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<PolicyVersion>>> {
    Ok(axum::Json(
        service::policies(&state.platform, &caller.ctx).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"policy": {"indicators": [{"indicator": "identification_rate", "weight": 0.6, "worst": 0, "best": 1}, {"indicator": "answered_in_time", "weight": 0.4, "worst": 0, "best": 1}]}, "note": "Identification weighs more from 2027"}))]
pub struct PolicyIn {
    /// `{"indicators": [{"indicator", "weight", "worst", "best", "target"}], "missing":
    /// "reweight"|"worst"}`; the weights must add up to 1.
    #[schema(value_type = Object)]
    policy: Policy,
    /// Why the policy changes.
    note: String,
}

/// Makes a new policy version (the old ones stay, so old scores can be reproduced).
#[utoipa::path(post, path = "/api/v1/cooperation/policies", tag = "cooperation", request_body = PolicyIn,
    responses((status = 201, description = "the new version", body = PolicyVersion), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_policy(
    State(state): State<AppState>,
    caller: Caller,
    Json(p): Json<PolicyIn>,
) -> ApiResult<(StatusCode, axum::Json<PolicyVersion>)> {
    let v = service::new_policy(&state.platform, &caller.ctx, p.policy, &p.note).await?;
    Ok((StatusCode::CREATED, axum::Json(v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"country": "TUN", "year": 2026, "indicator": "awareness_campaigns", "value": 4, "source": "Joint training register, Ministry of the Interior"}))]
pub struct ValueIn {
    /// ISO 3166 alpha-3 of the partner.
    country: String,
    year: i32,
    /// awareness_campaigns, joint_trainings or departures_prevented.
    indicator: String,
    value: f64,
    /// Where the figure comes from.
    source: String,
}

/// Enters an indicator the partnership records by hand, with its source.
#[utoipa::path(post, path = "/api/v1/cooperation/values", tag = "cooperation", request_body = ValueIn,
    responses((status = 204, description = "entered"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn enter_value(
    State(state): State<AppState>,
    caller: Caller,
    Json(v): Json<ValueIn>,
) -> ApiResult<StatusCode> {
    service::enter_value(
        &state.platform,
        &caller.ctx,
        &v.country,
        v.year,
        &v.indicator,
        v.value,
        &v.source,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaTotal {
    /// A year, or `2026/2028` for a three-year total.
    period: String,
    category: String,
    subcategory: String,
    quota: i64,
    source: String,
}

/// The quota totals of the decree, by period and category, with their sources.
#[utoipa::path(get, path = "/api/v1/quotas/totals", tag = "quotas",
    responses((status = 200, body = [QuotaTotal]), (status = 403, body = Problem)))]
async fn quota_totals(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<QuotaTotal>>> {
    let rows = service::quota_totals(&state.platform, &caller.ctx).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| QuotaTotal {
                period: r.period,
                category: r.category,
                subcategory: r.subcategory,
                quota: r.quota,
                source: r.source,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "category": "non-seasonal work", "seats": 1000, "method": "dhondt", "weights": {"PAK": 0.62, "TUN": 0.71}, "floors": {"PAK": 50}, "caps": {}}))]
pub struct AllocationIn {
    /// The year whose cooperation is measured.
    year: i32,
    /// What is divided, in words.
    category: String,
    /// How many quotas.
    seats: u64,
    /// largest-remainder (default), dhondt or sainte-lague.
    #[serde(default = "default_method")]
    method: String,
    /// The policy version; the latest when absent.
    #[serde(default)]
    policy_version: Option<i64>,
    /// What-if only: indicator → weight, replacing the policy's (they must add up to 1).
    #[serde(default)]
    weights: BTreeMap<String, f64>,
    /// Country → least quotas.
    #[serde(default)]
    floors: BTreeMap<String, u64>,
    /// Country → most quotas.
    #[serde(default)]
    caps: BTreeMap<String, u64>,
}

fn default_method() -> String {
    "largest-remainder".into()
}

impl From<AllocationIn> for AllocationInput {
    fn from(a: AllocationIn) -> Self {
        AllocationInput {
            year: a.year,
            category: a.category,
            seats: a.seats,
            method: a.method,
            policy_version: a.policy_version,
            weights: a.weights,
            floors: a.floors,
            caps: a.caps,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhatIf {
    /// The allocation under the policy as it stands.
    #[schema(value_type = Object)]
    baseline: Allocation,
    /// The allocation with the changed weights, totals, floors or caps.
    #[schema(value_type = Object)]
    proposed: Allocation,
}

/// Computes an allocation and, beside it, the one under the policy as it stands. Writes
/// nothing.
///
/// Quotients and remainders are compared exactly on the weights' decimal values; a true tie
/// goes to the larger weight, then to the code first in alphabetical order.
#[utoipa::path(post, path = "/api/v1/quotas/what-if", tag = "quotas", request_body = AllocationIn,
    responses((status = 200, body = WhatIf), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn what_if(
    State(state): State<AppState>,
    caller: Caller,
    Json(a): Json<AllocationIn>,
) -> ApiResult<axum::Json<WhatIf>> {
    let (baseline, proposed) = service::what_if(&state.platform, &caller.ctx, a.into()).await?;
    Ok(axum::Json(WhatIf { baseline, proposed }))
}

/// Published allocations, newest first.
#[utoipa::path(get, path = "/api/v1/quotas/allocations", tag = "quotas",
    responses((status = 200, description = "the allocations", body = Vec<Allocation>), (status = 403, body = Problem)))]
async fn list_allocations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<Allocation>>> {
    Ok(axum::Json(
        service::allocations(&state.platform, &caller.ctx).await?,
    ))
}

/// Publishes an allocation under a stored policy version: immutable, audited.
///
/// Quotients and remainders are compared exactly on the weights' decimal values; a true tie
/// goes to the larger weight, then to the code first in alphabetical order.
#[utoipa::path(post, path = "/api/v1/quotas/allocations", tag = "quotas", request_body = AllocationIn,
    responses((status = 201, description = "published", body = Allocation), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Json(a): Json<AllocationIn>,
) -> ApiResult<(StatusCode, axum::Json<Allocation>)> {
    let published = service::publish(&state.platform, &caller.ctx, a.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(published)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FormatParams {
    /// json (default) or csv.
    format: Option<String>,
}

/// One published allocation, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/quotas/allocations/{id}", tag = "quotas", params(("id" = Uuid, Path), FormatParams),
    responses((status = 200, description = "the allocation (as CSV with ?format=csv)", content((Allocation = "application/json"), (String = "text/csv"))), (status = 404, body = Problem)))]
async fn get_allocation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(p): Query<FormatParams>,
) -> ApiResult<Response> {
    let a = service::allocation(&state.platform, &caller.ctx, id).await?;
    match p.format.as_deref() {
        None | Some("json") => Ok(axum::Json(a).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"allocation-{id}.csv\""),
                ),
            ],
            service::allocation_csv(&a),
        )
            .into_response()),
        Some(other) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("format: `{other}` is not a format; expected json or csv"),
        )
        .field("format")),
    }
}
