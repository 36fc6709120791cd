//! Signing in and out, and the language chosen before signing in.
//!
//! The sign-in form is bound to the browser that loaded it: loading it sets a random
//! `accordo_presession` cookie (SameSite=Strict) and the form carries that cookie's CSRF
//! token as a hidden field, so a sign-in forged by another site is refused.

use crate::extract::Query;
use accordo_service::auth::{self, SignIn};
use accordo_service::{AuthFailure, Ctx, ServiceError, accounts, demo};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::{
    Chrome, Fields, FormErrors, LANG_COOKIE, PRESESSION_COOKIE, SignedForm, clear_cookie,
    csrf_page, error_page, render, request_language,
};
use crate::AppState;
use crate::extract::{client_address, cookie, request_id, session_cookie};
use crate::pages::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/sign-in", sign_in_page)
        .post("/sign-in", sign_in)
        .post("/sign-out", sign_out)
        .get("/language", choose_language)
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    next: Option<String>,
    /// Why the reader is here: `session_ended`, `signed_out`, `disabled`.
    #[serde(default)]
    why: Option<String>,
}

/// Only a path of this site may be returned to after signing in.
fn local_path(next: Option<&str>) -> &str {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .filter(|n| !n.starts_with("/sign-in") && !n.starts_with("/sign-out"))
        .unwrap_or("/home")
}

fn presession_cookie(value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{PRESESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=7200"
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

/// The demo users listed on a demo installation's sign-in page.
async fn demo_users(state: &AppState) -> Vec<minijinja::Value> {
    if !demo::is_demo(&state.platform).await.unwrap_or(false) {
        return Vec::new();
    }
    demo::USERS
        .iter()
        .map(|(username, display, agency, roles, _)| {
            context! { username => username, display_name => display, agency => agency, roles => roles.split(',').collect::<Vec<_>>() }
        })
        .collect()
}

/// A refused sign-in: what was typed, the errors, and the key to enrol when that is why.
struct Refused<'a> {
    fields: &'a Fields,
    errors: FormErrors,
    enrolment: Option<minijinja::Value>,
}

/// Renders the sign-in form; reuses the browser's pre-session secret or makes one.
async fn form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: &str,
    why: Option<&str>,
    refused: Option<Refused<'_>>,
) -> Response {
    let existing = cookie(headers, PRESESSION_COOKIE).filter(|s| s.len() >= 32);
    let presession = existing.map_or_else(|| auth::random_secret(""), str::to_owned);
    let lang = request_language(state, headers);
    let chrome = Chrome {
        lang: &lang,
        tz: "UTC",
        path: "/sign-in",
        viewer: None,
        flash: None,
    };
    let why = why.filter(|w| ["session_ended", "signed_out", "disabled"].contains(w));
    let page = context! {
        csrf => auth::csrf_token(&presession),
        next => next,
        why => why,
        values => refused.as_ref().map(|r| r.fields.kept()),
        errors => refused.as_ref().map(|r| &r.errors.by_field),
        demo_users => demo_users(state).await,
        demo_password => demo::DEMO_PASSWORD,
        enrolment => refused.and_then(|r| r.enrolment),
    };
    let mut response = render(state, &chrome, status, "sign_in.html", page);
    if existing.is_none() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, presession_cookie(&presession));
    }
    response
}

async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignInQuery>,
) -> Response {
    let next = local_path(q.next.as_deref()).to_owned();
    form(
        &state,
        &headers,
        StatusCode::OK,
        &next,
        q.why.as_deref(),
        None,
    )
    .await
}

/// Where each sign-in failure is shown, and with which message.
fn failure_field(failure: &AuthFailure) -> (&'static str, &'static str) {
    match failure {
        AuthFailure::TotpRequired => ("totp", "sign-in-error-totp-required"),
        AuthFailure::TotpInvalid => ("totp", "sign-in-error-totp-invalid"),
        AuthFailure::TotpEnrolmentRequired => ("totp", "sign-in-error-totp-enrolment"),
        AuthFailure::Disabled => ("username", "sign-in-error-disabled"),
        AuthFailure::Throttled { .. } => ("password", "sign-in-error-throttled"),
        _ => ("password", "sign-in-error-credentials"),
    }
}

async fn sign_in(State(state): State<AppState>, parts: Parts, body: axum::body::Bytes) -> Response {
    let headers = &parts.headers;
    let fields = Fields::parse(&body);
    let next = local_path(Some(fields.get("next"))).to_owned();
    let presession = cookie(headers, PRESESSION_COOKIE).unwrap_or("");
    if presession.is_empty() || fields.get("csrf") != auth::csrf_token(presession) {
        return csrf_page(&state, &request_language(&state, headers));
    }
    let again = |errors: FormErrors, enrolment: Option<minijinja::Value>| {
        let state = state.clone();
        let fields = &fields;
        let next = next.clone();
        async move {
            let refused = Refused {
                fields,
                errors,
                enrolment,
            };
            form(
                &state,
                headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &next,
                None,
                Some(refused),
            )
            .await
        }
    };
    let mut errors = FormErrors::default();
    errors.require(&fields, &["username", "password"]);
    if !errors.is_empty() {
        return again(errors, None).await;
    }
    let address = client_address(&parts, &state.platform.settings.trusted_proxies);
    let rid = request_id(headers);
    let totp = Some(fields.get("totp")).filter(|t| !t.is_empty());
    let attempt = SignIn {
        username: fields.get("username"),
        password: fields.raw("password"),
        totp,
        address: &address,
        request_id: rid.as_deref(),
    };
    let lang = request_language(&state, headers);
    let user = match auth::sign_in(&state.platform, &attempt).await {
        Ok(user) => user,
        Err(ServiceError::Unauthenticated(AuthFailure::TotpEnrolmentStarted { secret, uri })) => {
            // First sign-in of a role that needs a second factor: the key, then the code.
            let mut errors = FormErrors::default();
            errors.add("totp", "sign-in-enrol-now");
            let enrolment = super::account::enrolment(&secret, &uri);
            return again(errors, Some(enrolment)).await;
        }
        Err(ServiceError::Unauthenticated(failure)) => {
            let (field, id) = failure_field(&failure);
            let mut errors = FormErrors::default();
            errors.add(field, id);
            return again(errors, None).await;
        }
        Err(other) => return error_page(&state, &lang, &other),
    };
    let opened = async {
        let actor = auth::actor_for(&state.platform, &user).await?;
        let ctx = Ctx {
            actor,
            request_id: rid.clone(),
        };
        // A language chosen on the sign-in page becomes the user's.
        if let Some(chosen) = cookie(headers, LANG_COOKIE)
            .filter(|c| *c != user.language && state.web.catalogues.has(c))
        {
            accounts::set_preferences(&state.platform, &ctx, chosen, &user.time_zone).await?;
        }
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        auth::open_session(&state.platform, &ctx, &address, agent).await
    }
    .await;
    let issued = match opened {
        Ok(issued) => issued,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let target = if user.must_change_password {
        "/account#password"
    } else {
        next.as_str()
    };
    let max_age = state.platform.settings.session_hours * 3600;
    let mut response = Redirect::to(target).into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        session_cookie(&issued.secret, max_age, headers),
    );
    h.append(header::SET_COOKIE, clear_cookie(PRESESSION_COOKIE));
    response
}

async fn sign_out(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let result = auth::revoke(
        &state.platform,
        &v.ctx,
        accordo_store::auth::CredentialKind::Session,
        v.auth.credential.id,
    )
    .await;
    if let Err(e) = result {
        return error_page(&state, &v.lang, &e);
    }
    let mut response = Redirect::to("/sign-in?why=signed_out").into_response();
    // The language stays with the browser for the next sign-in page.
    if let Ok(lang) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000",
        v.lang
    )) {
        response.headers_mut().append(header::SET_COOKIE, lang);
    }
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie("", 0, &HeaderMap::new()));
    response
}

#[derive(Debug, Deserialize)]
pub struct LanguageQuery {
    code: String,
    #[serde(default)]
    next: Option<String>,
}

/// Chooses the language before signing in (kept in a cookie; signed-in users change theirs
/// in the account page or the header menu, which saves it to their account).
async fn choose_language(
    State(state): State<AppState>,
    Query(q): Query<LanguageQuery>,
) -> Response {
    // Back to where the menu was, the sign-in page included.
    let next = match q.next.as_deref() {
        Some(n) if n.starts_with("/sign-in") => n,
        other => local_path(other),
    };
    let mut response = Redirect::to(next).into_response();
    if state.web.catalogues.has(&q.code)
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000",
            q.code
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path(Some("/audit?actor=x")), "/audit?actor=x");
        assert_eq!(local_path(Some("//evil.example/")), "/home");
        assert_eq!(local_path(Some("https://evil.example/")), "/home");
        assert_eq!(local_path(Some("/\\evil.example")), "/home");
        assert_eq!(local_path(Some("/sign-out")), "/home");
        assert_eq!(local_path(None), "/home");
    }
}
