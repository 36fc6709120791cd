//! Sign-in: API tokens, browser sessions, the caller's own account.

use crate::extract::Path;
use accordo_service::auth::{self as service, SignIn};
use accordo_service::{Ctx, accounts};
use accordo_store::auth::CredentialKind;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::rfc3339;
use crate::AppState;
use crate::extract::{Caller, Json, client_address, request_id, session_cookie};
use crate::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token))
        .routes(routes!(sign_in_session, sign_out_session))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(begin_totp))
        .routes(routes!(confirm_totp))
        .routes(routes!(my_sessions))
        .routes(routes!(my_tokens, new_token))
        .routes(routes!(revoke_token))
        .routes(routes!(revoke_session))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "ita.caseworker", "password": "accordo-demo", "totp": null}))]
pub struct Credentials {
    username: String,
    password: String,
    /// The current code of the second factor, when the account has one.
    #[serde(default)]
    totp: Option<String>,
    /// A name for the token (defaults to "api").
    #[serde(default)]
    label: Option<String>,
    /// Lifetime in days (default 90, at most 365).
    #[serde(default)]
    days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenIssued {
    /// Send as `Authorization: Bearer <token>`. Shown once: only its hash is kept.
    token: String,
    id: Uuid,
    expires_at: String,
}

/// The `SignIn` of a request, from the body and the connection.
fn attempt<'a>(c: &'a Credentials, address: &'a str, request_id: Option<&'a str>) -> SignIn<'a> {
    SignIn {
        username: &c.username,
        password: &c.password,
        totp: c.totp.as_deref(),
        address,
        request_id,
    }
}

async fn signed_in_ctx(
    state: &AppState,
    c: &Credentials,
    address: &str,
    rid: Option<String>,
) -> ApiResult<Ctx> {
    let user = service::sign_in(&state.platform, &attempt(c, address, rid.as_deref()))
        .await
        .map_err(with_rid(&rid))?;
    let actor = service::actor_for(&state.platform, &user)
        .await
        .map_err(with_rid(&rid))?;
    Ok(Ctx {
        actor,
        request_id: rid,
    })
}

fn with_rid(rid: &Option<String>) -> impl Fn(accordo_service::ServiceError) -> Problem + '_ {
    move |e| {
        let mut p = Problem::from(e);
        p.request_id = rid.clone();
        p
    }
}

/// Exchanges a username and password (and second-factor code) for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", security(()),
    request_body = Credentials,
    responses((status = 200, body = TokenIssued), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn create_token(
    State(state): State<AppState>,
    parts: Parts,
    Json(c): Json<Credentials>,
) -> ApiResult<axum::Json<TokenIssued>> {
    let rid = request_id(&parts.headers);
    let ctx = signed_in_ctx(
        &state,
        &c,
        &client_address(&parts, &state.platform.settings.trusted_proxies),
        rid.clone(),
    )
    .await?;
    let issued = service::issue_token(
        &state.platform,
        &ctx,
        c.label.as_deref().unwrap_or("api"),
        c.days,
    )
    .await
    .map_err(with_rid(&rid))?;
    Ok(axum::Json(TokenIssued {
        token: issued.secret,
        id: issued.id,
        expires_at: rfc3339(issued.expires_at_us),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOpened {
    /// Send as header `X-CSRF-Token` with every state-changing request of this session.
    csrf_token: String,
    expires_at: String,
}

/// Signs in for a browser session: sets an HttpOnly, SameSite=Strict cookie.
#[utoipa::path(post, path = "/api/v1/auth/session", tag = "auth", security(()),
    request_body = Credentials,
    responses((status = 200, body = SessionOpened), (status = 401, body = Problem)))]
async fn sign_in_session(
    State(state): State<AppState>,
    parts: Parts,
    Json(c): Json<Credentials>,
) -> ApiResult<Response> {
    let rid = request_id(&parts.headers);
    let address = client_address(&parts, &state.platform.settings.trusted_proxies);
    let ctx = signed_in_ctx(&state, &c, &address, rid.clone()).await?;
    let agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let issued = service::open_session(&state.platform, &ctx, &address, agent)
        .await
        .map_err(with_rid(&rid))?;
    let max_age = state.platform.settings.session_hours * 3600;
    let body = SessionOpened {
        csrf_token: service::csrf_token(&issued.secret),
        expires_at: rfc3339(issued.expires_at_us),
    };
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(&issued.secret, max_age, &parts.headers),
        )],
        axum::Json(body),
    )
        .into_response())
}

/// Signs out: ends the current session.
#[utoipa::path(delete, path = "/api/v1/auth/session", tag = "auth", responses((status = 204), (status = 401, body = Problem)))]
async fn sign_out_session(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if caller.auth.kind == CredentialKind::Session {
        service::revoke(
            &state.platform,
            &caller.ctx,
            CredentialKind::Session,
            caller.auth.credential.id,
        )
        .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie("", 0, &headers))],
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    username: String,
    display_name: String,
    /// The agency code, as in `GET /api/v1/agencies`.
    agency: String,
    /// ISO 3166 alpha-3; null for an international body.
    country: Option<String>,
    roles: Vec<String>,
    language: String,
    time_zone: String,
    totp_enrolled: bool,
    must_change_password: bool,
}

/// Who am I: the caller's account, agency, country and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(caller: Caller) -> axum::Json<Me> {
    let u = &caller.auth.user;
    axum::Json(Me {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        agency: caller.ctx.actor.agency.to_string(),
        country: caller.ctx.actor.country.map(|c| c.to_string()),
        roles: caller
            .ctx
            .actor
            .roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        language: u.language.clone(),
        time_zone: u.time_zone.clone(),
        totp_enrolled: u.totp_secret.is_some(),
        must_change_password: u.must_change_password,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"language": "it", "time_zone": "Europe/Rome"}))]
pub struct Preferences {
    /// `en` or `it` (more as catalogues land).
    language: Option<String>,
    /// An IANA time zone, e.g. `Europe/Rome`.
    time_zone: Option<String>,
}

/// Changes the caller's language or time zone.
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", request_body = Preferences,
    responses((status = 204), (status = 422, body = Problem)))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(p): Json<Preferences>,
) -> ApiResult<StatusCode> {
    let u = &caller.auth.user;
    accounts::set_preferences(
        &state.platform,
        &caller.ctx,
        p.language.as_deref().unwrap_or(&u.language),
        p.time_zone.as_deref().unwrap_or(&u.time_zone),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "accordo-demo", "new_password": "a-longer-new-password"}))]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the caller's password. Every other session and token of the caller ends; the one
/// this request is made with stays. After sign-in with a temporary password this is the one
/// route the token may use.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(p): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    accounts::change_own_password(
        &state.platform,
        &caller.ctx,
        &p.current_password,
        &p.new_password,
        Some(caller.auth.credential.id),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32 secret to type into an authenticator app.
    secret: String,
    /// The same as an `otpauth://` URI (for a QR code).
    otpauth_uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "accordo-demo", "code": "123456"}))]
pub struct TotpBegin {
    /// The caller's password.
    password: String,
    /// A current code of the enrolled second factor, when replacing one.
    code: Option<String>,
}

/// Starts enrolling (or replacing) a second factor (TOTP, RFC 6238); confirm with a code. It
/// takes the password and, to replace a factor, a current code of it (422 names the field).
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "account", request_body = TotpBegin,
    responses((status = 200, body = TotpEnrolment), (status = 422, body = Problem)))]
async fn begin_totp(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<TotpBegin>,
) -> ApiResult<axum::Json<TotpEnrolment>> {
    let (secret, otpauth_uri) =
        service::begin_totp(&state.platform, &caller.ctx, &b.password, b.code.as_deref()).await?;
    Ok(axum::Json(TotpEnrolment {
        secret,
        otpauth_uri,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct TotpCode {
    code: String,
}

/// Confirms the second factor with a current code; from then on sign-in asks for it.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "account", request_body = TotpCode,
    responses((status = 204), (status = 422, body = Problem)))]
async fn confirm_totp(
    State(state): State<AppState>,
    caller: Caller,
    Json(c): Json<TotpCode>,
) -> ApiResult<StatusCode> {
    service::confirm_totp(&state.platform, &caller.ctx, &c.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialOut {
    id: Uuid,
    /// The token's label, or the session's browser.
    label: String,
    created_at: String,
    expires_at: String,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
    /// This is the credential of the current request.
    current: bool,
}

fn credential_out(c: &accordo_store::auth::CredentialRow, current: Uuid) -> CredentialOut {
    CredentialOut {
        id: c.id,
        label: c.label.clone(),
        created_at: rfc3339(c.created_at),
        expires_at: rfc3339(c.expires_at),
        revoked_at: c.revoked_at.map(rfc3339),
        last_used_at: c.last_used_at.map(rfc3339),
        current: c.id == current,
    }
}

/// The caller's browser sessions.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "account", responses((status = 200, body = [CredentialOut])))]
async fn my_sessions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CredentialOut>>> {
    let list = service::list_own(&state.platform, &caller.ctx, CredentialKind::Session).await?;
    Ok(axum::Json(
        list.iter()
            .map(|c| credential_out(c, caller.auth.credential.id))
            .collect(),
    ))
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account", responses((status = 200, body = [CredentialOut])))]
async fn my_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CredentialOut>>> {
    let list = service::list_own(&state.platform, &caller.ctx, CredentialKind::Token).await?;
    Ok(axum::Json(
        list.iter()
            .map(|c| credential_out(c, caller.auth.credential.id))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "case management system", "days": 90}))]
pub struct NewToken {
    label: String,
    #[serde(default)]
    days: Option<i64>,
}

/// Creates another API token for the signed-in caller.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "account", request_body = NewToken,
    responses((status = 201, body = TokenIssued), (status = 422, body = Problem)))]
async fn new_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(t): Json<NewToken>,
) -> ApiResult<(StatusCode, axum::Json<TokenIssued>)> {
    let issued = service::issue_token(&state.platform, &caller.ctx, &t.label, t.days).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenIssued {
            token: issued.secret,
            id: issued.id,
            expires_at: rfc3339(issued.expires_at_us),
        }),
    ))
}

/// Revokes an API token: the caller's own, or (for an admin) one of its agency's users.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::revoke(&state.platform, &caller.ctx, CredentialKind::Token, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a browser session: the caller's own, or (for an admin) one of its agency's users.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "account", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::revoke(&state.platform, &caller.ctx, CredentialKind::Session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
