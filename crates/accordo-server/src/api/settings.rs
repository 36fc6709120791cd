//! Platform settings: retention periods and the second factor per role.

use crate::extract::Path;
use accordo_service::retention::{self, RetentionSetting};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{Caller, Json};
use crate::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_retention))
        .routes(routes!(set_retention))
        .routes(routes!(get_second_factor))
        .routes(routes!(set_second_factor))
}

/// Retention period in force for each kind of record.
#[utoipa::path(get, path = "/api/v1/settings/retention", tag = "settings", responses((status = 200, description = "each kind's period in force and its bounds", body = Vec<RetentionSetting>), (status = 403, body = Problem)))]
async fn get_retention(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<RetentionSetting>>> {
    Ok(axum::Json(
        retention::settings(&state.platform, &caller.ctx).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"keep_days": 730}))]
pub struct RetentionIn {
    keep_days: i64,
}

/// Sets the retention period of a kind, within its bounds.
#[utoipa::path(put, path = "/api/v1/settings/retention/{kind}", tag = "settings", params(("kind" = String, Path)), request_body = RetentionIn,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_retention(
    State(state): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    Json(r): Json<RetentionIn>,
) -> ApiResult<StatusCode> {
    retention::set_period(&state.platform, &caller.ctx, &kind, r.keep_days).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorRule {
    role: String,
    required: bool,
}

/// Which roles must sign in with a second factor.
#[utoipa::path(get, path = "/api/v1/settings/second-factor", tag = "settings", responses((status = 200, body = [SecondFactorRule]), (status = 403, body = Problem)))]
async fn get_second_factor(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<SecondFactorRule>>> {
    let rules = accordo_service::auth::totp_policy(&state.platform, &caller.ctx).await?;
    Ok(axum::Json(
        rules
            .into_iter()
            .map(|(r, required)| SecondFactorRule {
                role: r.as_str().into(),
                required,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"required": true}))]
pub struct SecondFactorIn {
    required: bool,
}

/// Requires (or stops requiring) a second factor for a role.
#[utoipa::path(put, path = "/api/v1/settings/second-factor/{role}", tag = "settings", params(("role" = String, Path)), request_body = SecondFactorIn,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_second_factor(
    State(state): State<AppState>,
    caller: Caller,
    Path(role): Path<String>,
    Json(r): Json<SecondFactorIn>,
) -> ApiResult<StatusCode> {
    accordo_service::accounts::set_totp_required(&state.platform, &caller.ctx, &role, r.required)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
