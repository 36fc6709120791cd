//! The reader's own account: language and time zone, password, second factor, sessions and
//! API tokens.

use crate::extract::Path;
use accordo_service::{ServiceError, accounts, auth};
use accordo_store::auth::{CredentialKind, CredentialRow};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Serialize;
use uuid::Uuid;

use super::{Chrome, FormErrors, SignedForm, Viewer, done, render, viewer_error_page};
use crate::AppState;
use crate::extract::cookie;
use crate::pages::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/account", account)
        .post("/account/language", language)
        .post("/account/preferences", preferences)
        .post("/account/password", password)
        .post("/account/totp", begin_totp)
        .post("/account/totp/confirm", confirm_totp)
        .post("/account/tokens", new_token)
        .post("/account/tokens/{id}/revoke", revoke_token)
        .post("/account/sessions/{id}/revoke", revoke_session)
}

#[derive(Serialize)]
struct CredentialView {
    id: Uuid,
    label: String,
    created_us: i64,
    expires_us: i64,
    last_used_us: Option<i64>,
    current: bool,
}

fn live(rows: Vec<CredentialRow>, now: i64, current: Option<Uuid>) -> Vec<CredentialView> {
    rows.into_iter()
        .filter(|c| c.revoked_at.is_none() && c.expires_at > now)
        .map(|c| CredentialView {
            current: Some(c.id) == current,
            id: c.id,
            label: c.label,
            created_us: c.created_at,
            expires_us: c.expires_at,
            last_used_us: c.last_used_at,
        })
        .collect()
}

/// The account page, with what a form just produced (`extra`) and its errors.
async fn show(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    status: StatusCode,
    extra: Value,
    errors: Option<&FormErrors>,
) -> Response {
    let p = &state.platform;
    let now = p.now_us();
    let listed = async {
        let sessions = auth::list_own(p, &viewer.ctx, CredentialKind::Session).await?;
        let tokens = auth::list_own(p, &viewer.ctx, CredentialKind::Token).await?;
        let enrolment_open = auth::may_enrol_totp(p, &viewer.auth.user).await?;
        Ok::<_, ServiceError>((sessions, tokens, enrolment_open))
    }
    .await;
    let (sessions, tokens, enrolment_open) = match listed {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let current =
        (viewer.auth.kind == CredentialKind::Session).then_some(viewer.auth.credential.id);
    let user = &viewer.auth.user;
    let chrome = Chrome {
        lang: &viewer.lang,
        tz: viewer.tz(),
        path: "/account",
        viewer: Some(viewer),
        flash: if status == StatusCode::OK {
            cookie(headers, super::FLASH_COOKIE).map(str::to_owned)
        } else {
            None
        },
    };
    let page = context! {
        account => context! {
            username => user.username,
            display_name => user.display_name,
            agency => user.agency,
            language => user.language,
            time_zone => user.time_zone,
            totp_enrolled => user.totp_secret.is_some(),
            totp_pending => user.totp_pending.is_some(),
            totp_enrolment_open => enrolment_open,
            must_change_password => user.must_change_password,
        },
        // An enrolment begun and not confirmed shows its key again (after a wrong code, or a
        // reload), rather than asking for a code of a key the page no longer shows.
        pending_enrolment => user.totp_pending.as_deref().map(|secret| {
            enrolment(secret, &auth::otpauth_uri(&user.username, secret))
        }),
        zones => accordo_web::time::zone_names(),
        sessions => live(sessions, now, current),
        tokens => live(tokens, now, None),
        errors => errors.map(|e| &e.by_field),
        ..extra
    };
    render(state, &chrome, status, "account.html", page)
}

async fn account(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    show(&state, &viewer, &headers, StatusCode::OK, context! {}, None).await
}

/// The account page again after a form the page itself refused (422).
async fn again(state: &AppState, viewer: &Viewer, extra: Value, errors: &FormErrors) -> Response {
    show(
        state,
        viewer,
        &HeaderMap::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
        extra,
        Some(errors),
    )
    .await
}

/// The account page again after a refused form: the error next to its field.
async fn refused(
    state: &AppState,
    form: &SignedForm,
    error: ServiceError,
    default_field: &str,
    extra: Value,
) -> Response {
    match FormErrors::from_service(state, &form.viewer.lang, &error, default_field) {
        Some(errors) => {
            show(
                state,
                &form.viewer,
                &HeaderMap::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
                Some(&errors),
            )
            .await
        }
        None => viewer_error_page(state, &form.viewer, &error),
    }
}

/// The language menu of the header: saves the choice to the account.
async fn language(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let chosen = form.fields.get("language");
    if let Err(e) =
        accounts::set_preferences(&state.platform, &v.ctx, chosen, &v.auth.user.time_zone).await
    {
        return viewer_error_page(&state, v, &e);
    }
    let next = form.fields.get("next");
    let next = if next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/home"
    };
    Redirect::to(next).into_response()
}

async fn preferences(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["language", "time_zone"]);
    if !errors.is_empty() {
        return again(&state, v, context! {}, &errors).await;
    }
    match accounts::set_preferences(
        &state.platform,
        &v.ctx,
        f.get("language"),
        f.get("time_zone"),
    )
    .await
    {
        Ok(()) => done("/account", "account-preferences-saved"),
        Err(e) => refused(&state, &form, e, "time_zone", context! {}).await,
    }
}

async fn password(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["current_password", "new_password", "confirm_password"]);
    if errors.is_empty() && f.raw("new_password") != f.raw("confirm_password") {
        errors.add("confirm_password", "account-password-mismatch");
    }
    if !errors.is_empty() {
        return again(&state, v, context! {}, &errors).await;
    }
    match accounts::change_own_password(
        &state.platform,
        &v.ctx,
        f.raw("current_password"),
        f.raw("new_password"),
        Some(v.auth.credential.id),
    )
    .await
    {
        Ok(_) => done("/account", "account-password-changed"),
        Err(e) => refused(&state, &form, e, "new_password", context! {}).await,
    }
}

/// The `otpauth://` URI as a QR code (inline SVG, drawn here: nothing leaves the server),
/// for an authenticator app to scan. `None` if the text cannot be encoded.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // An inline <svg> takes no XML declaration.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg ", "<svg role=\"img\" aria-label=\"QR code\" ", 1))
}

/// The enrolment box's values: the key grouped in fours, its URI and the QR code.
pub fn enrolment(secret: &str, uri: &str) -> minijinja::Value {
    minijinja::context! {
        secret => grouped(secret),
        uri => uri,
        qr => qr_svg(uri).map(minijinja::Value::from_safe_string),
    }
}

/// Groups a base32 secret in fours, easier to type into an authenticator.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn begin_totp(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["totp_password"]);
    if v.auth.user.totp_secret.is_some() {
        errors.require(f, &["totp_current"]);
    }
    if !errors.is_empty() {
        return again(&state, v, context! {}, &errors).await;
    }
    let code = Some(f.get("totp_current")).filter(|c| !c.is_empty());
    match auth::begin_totp(&state.platform, &v.ctx, f.raw("totp_password"), code).await {
        Ok((secret, uri)) => {
            show(
                &state,
                v,
                &HeaderMap::new(),
                StatusCode::OK,
                context! { enrolment => enrolment(&secret, &uri) },
                None,
            )
            .await
        }
        Err(ServiceError::Invalid {
            field,
            message,
            code,
        }) => {
            // The service names `password` and `code`; the form's fields are these.
            let field = if field == "code" {
                "totp_current"
            } else {
                "totp_password"
            };
            let e = ServiceError::Invalid {
                field: field.into(),
                message,
                code,
            };
            refused(&state, &form, e, field, context! {}).await
        }
        Err(e) => viewer_error_page(&state, v, &e),
    }
}

async fn confirm_totp(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let code = form.fields.get("code");
    if code.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("code", "error-required");
        return again(&state, v, context! {}, &errors).await;
    }
    match auth::confirm_totp(&state.platform, &v.ctx, code).await {
        Ok(()) => done("/account", "account-totp-enrolled"),
        Err(e) => refused(&state, &form, e, "code", context! {}).await,
    }
}

async fn new_token(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["label"]);
    let days = match f.get("days") {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("days", "error-whole-number");
                None
            }
        },
    };
    if !errors.is_empty() {
        return show(
            &state,
            v,
            &HeaderMap::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { token_values => f.kept() },
            Some(&errors),
        )
        .await;
    }
    match auth::issue_token(&state.platform, &v.ctx, f.get("label"), days).await {
        // Shown once, on this response: only its hash is kept.
        Ok(issued) => show(
            &state,
            v,
            &HeaderMap::new(),
            StatusCode::OK,
            context! { new_token => issued.secret, new_token_expires_us => issued.expires_at_us },
            None,
        )
        .await,
        Err(e) => {
            refused(
                &state,
                &form,
                e,
                "label",
                context! { token_values => f.kept() },
            )
            .await
        }
    }
}

async fn revoke(state: &AppState, form: &SignedForm, kind: CredentialKind, id: Uuid) -> Response {
    let v = &form.viewer;
    match auth::revoke(&state.platform, &v.ctx, kind, id).await {
        Ok(()) if kind == CredentialKind::Session && id == v.auth.credential.id => {
            Redirect::to("/sign-in?why=signed_out").into_response()
        }
        Ok(()) => done("/account", "account-revoked"),
        Err(e) => viewer_error_page(state, v, &e),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    revoke(&state, &form, CredentialKind::Token, id).await
}

async fn revoke_session(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    revoke(&state, &form, CredentialKind::Session, id).await
}
