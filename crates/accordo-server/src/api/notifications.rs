//! Notifications for the caller's agency.

use crate::extract::{Path, Query};
use accordo_store::notifications::Notification;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::Caller;
use crate::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark_read))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only unread ones.
    #[serde(default)]
    unread: bool,
}

/// Notifications for the caller's agency, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(ListParams), responses((status = 200, description = "the caller's notifications, newest first", body = Vec<Notification>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ListParams>,
) -> ApiResult<axum::Json<Vec<Notification>>> {
    let list = accordo_service::notifications::list(&state.platform, &caller.ctx, p.unread).await?;
    // In the language of the caller's account.
    Ok(axum::Json(crate::pages::home::in_language(
        &state,
        &caller.auth.user.language,
        list,
    )))
}

/// Marks a notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    accordo_service::notifications::mark_read(&state.platform, &caller.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
