//! Agencies and user accounts.

use crate::extract::Path;
use accordo_service::accounts::{self, NewAccount, NewAgency, UserView};
use accordo_store::accounts::AgencyRow;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Caller, Json};
use crate::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agencies, create_agency))
        .routes(routes!(set_agency_roles))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(set_roles))
        .routes(routes!(reset_password))
        .routes(routes!(revoke_credentials))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Agency {
    /// The code used wherever the API names an agency, e.g. `IT-PS`.
    code: String,
    name: String,
    /// ISO 3166 alpha-3, or null for an international body.
    country: Option<String>,
    /// The roles its users may hold.
    roles: Vec<String>,
}

impl From<AgencyRow> for Agency {
    fn from(a: AgencyRow) -> Self {
        Self {
            code: a.code,
            name: a.name,
            country: a.country,
            roles: a.roles,
        }
    }
}

/// The agencies of the partnership.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies", responses((status = 200, body = [Agency])))]
async fn list_agencies(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<Agency>>> {
    let list = accounts::list_agencies(&state.platform, &caller.ctx).await?;
    Ok(axum::Json(list.into_iter().map(Agency::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "ES-PN", "name": "Policía Nacional", "country": "ESP", "time_zone": "Europe/Madrid", "roles": ["officer", "analyst"]}))]
pub struct AgencyIn {
    code: String,
    name: String,
    country: Option<String>,
    #[serde(default)]
    mandate: Vec<String>,
    /// The roles its users may hold; `admin` is always held.
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default = "default_tz")]
    time_zone: String,
}

fn default_tz() -> String {
    "UTC".into()
}

/// Adds an agency (the platform operator's admin).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies", request_body = AgencyIn,
    responses((status = 201, body = Agency), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn create_agency(
    State(state): State<AppState>,
    caller: Caller,
    Json(a): Json<AgencyIn>,
) -> ApiResult<(StatusCode, axum::Json<Agency>)> {
    let new = NewAgency {
        code: a.code,
        name: a.name,
        country: a.country,
        mandate: a.mandate,
        time_zone: a.time_zone,
        roles: a.roles,
        operator: false,
    };
    let row = accounts::create_agency(&state.platform, &caller.ctx, new).await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// Sets the roles an agency's users may hold (the operator's admin). A role one of its users
/// still holds is not taken away (422 names them).
#[utoipa::path(put, path = "/api/v1/agencies/{code}/roles", tag = "agencies", params(("code" = String, Path)), request_body = RolesIn,
    responses((status = 200, body = Agency), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_agency_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(r): Json<RolesIn>,
) -> ApiResult<axum::Json<Agency>> {
    Ok(axum::Json(
        accounts::set_agency_roles(&state.platform, &caller.ctx, &code, &r.roles)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    id: Uuid,
    username: String,
    display_name: String,
    agency: String,
    roles: Vec<String>,
    disabled: bool,
    totp_enrolled: bool,
    must_change_password: bool,
}

impl From<UserView> for User {
    fn from(u: UserView) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            agency: u.agency,
            roles: u.roles,
            disabled: u.disabled,
            totp_enrolled: u.totp_enrolled,
            must_change_password: u.must_change_password,
        }
    }
}

/// User accounts the caller administers (its agency's, or all for the operator).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = [User]), (status = 403, body = Problem)))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<User>>> {
    let list = accounts::list_users(&state.platform, &caller.ctx).await?;
    Ok(axum::Json(list.into_iter().map(User::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "mario.rossi", "display_name": "Mario Rossi", "agency": "IT-PS", "roles": ["officer"], "password": "a-long-temporary-password"}))]
pub struct UserIn {
    username: String,
    display_name: String,
    agency: String,
    roles: Vec<String>,
    /// A temporary password; the user must change it at first sign-in.
    password: String,
}

/// Creates a user account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(u): Json<UserIn>,
) -> ApiResult<(StatusCode, axum::Json<User>)> {
    let new = NewAccount {
        username: u.username,
        display_name: u.display_name,
        agency: u.agency,
        roles: u.roles,
        password: u.password,
        must_change_password: true,
    };
    let user = accounts::create_user(&state.platform, &caller.ctx, new).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// One user account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        accounts::get_user(&state.platform, &caller.ctx, id)
            .await?
            .into(),
    ))
}

/// Disables an account and ends all its sessions and tokens.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        accounts::set_disabled(&state.platform, &caller.ctx, id, true)
            .await?
            .into(),
    ))
}

/// Enables a disabled account.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
async fn enable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        accounts::set_disabled(&state.platform, &caller.ctx, id, false)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["officer", "analyst"]}))]
pub struct RolesIn {
    roles: Vec<String>,
}

/// Replaces an account's roles: only roles its agency holds, and never one's own.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = Uuid, Path)), request_body = RolesIn,
    responses((status = 200, body = User), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(r): Json<RolesIn>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        accounts::set_roles(&state.platform, &caller.ctx, id, &r.roles)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "a-long-temporary-password"}))]
pub struct PasswordReset {
    /// A temporary password the user must change at next sign-in.
    password: String,
}

/// Resets an account's password; ends its sessions and tokens.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = Uuid, Path)), request_body = PasswordReset,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(p): Json<PasswordReset>,
) -> ApiResult<StatusCode> {
    accounts::reset_password(&state.platform, &caller.ctx, id, &p.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    revoked: u64,
}

/// Ends every session and token of an account.
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke-credentials", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = Revoked), (status = 404, body = Problem)))]
async fn revoke_credentials(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Revoked>> {
    Ok(axum::Json(Revoked {
        revoked: accounts::revoke_all(&state.platform, &caller.ctx, id).await?,
    }))
}
