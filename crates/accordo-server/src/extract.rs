//! Extractors: the caller (from a bearer token or a session cookie, with CSRF checked), and
//! JSON bodies that reject unknown fields and name the bad one.

use std::net::SocketAddr;

use accordo_service::auth::{self, Authenticated};
use accordo_service::{AuthFailure, Ctx};
use accordo_store::auth::CredentialKind;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::problem::Problem;

pub const SESSION_COOKIE: &str = "accordo_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The `Set-Cookie` value of the session cookie (`max_age` 0 clears it). `Secure` when the
/// request came through an HTTPS proxy.
pub fn session_cookie(value: &str, max_age: i64, headers: &HeaderMap) -> HeaderValue {
    let secure = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v == "https");
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static(""))
}

/// The signed-in caller of a request.
pub struct Caller {
    pub ctx: Ctx,
    pub auth: Authenticated,
    /// The session secret, when signed in through the browser.
    pub session_secret: Option<String>,
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// The client's address: the socket's peer, or behind a trusted proxy the client it names in
/// `X-Forwarded-For` (see `accordo_domain::net::client_address`).
pub fn client_address(parts: &Parts, trusted: &[accordo_domain::net::Cidr]) -> String {
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    accordo_domain::net::client_address(peer, &forwarded, trusted).to_string()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What a credential got with a temporary password may do: change it, read who it is, sign out.
fn usable_with_temporary_password(method: &Method, path: &str) -> bool {
    matches!(
        (method.as_str(), path),
        ("POST", "/api/v1/me/password")
            | ("GET", "/api/v1/me")
            | ("DELETE", "/api/v1/auth/session")
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let request_id = request_id(&parts.headers);
        let with_id = |mut p: Problem| {
            p.request_id = request_id.clone();
            p
        };
        let (kind, secret) = if let Some(token) = bearer(&parts.headers) {
            (CredentialKind::Token, token.to_owned())
        } else if let Some(session) = cookie(&parts.headers, SESSION_COOKIE) {
            (CredentialKind::Session, session.to_owned())
        } else {
            return Err(with_id(Problem::from(accordo_service::ServiceError::from(
                AuthFailure::Missing,
            ))));
        };
        let authed = auth::authenticate(&state.platform, kind, &secret)
            .await
            .map_err(|e| with_id(e.into()))?;
        // A cookie is sent by the browser on its own: a state-changing request must also prove
        // it comes from our page. Bearer tokens are never sent implicitly and need no such proof.
        if kind == CredentialKind::Session && !is_safe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(auth::csrf_token(&secret).as_str()) {
                return Err(with_id(Problem::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "the request lacks this session's CSRF token (header X-CSRF-Token); reload the page and try again",
                )));
            }
        }
        if authed.user.must_change_password
            && !usable_with_temporary_password(&parts.method, parts.uri.path())
        {
            return Err(with_id(
                accordo_service::ServiceError::from(AuthFailure::PasswordChangeRequired).into(),
            ));
        }
        let ctx = Ctx {
            actor: authed.actor.clone(),
            request_id,
        };
        let session_secret = (kind == CredentialKind::Session).then_some(secret);
        Ok(Caller {
            ctx,
            auth: authed,
            session_secret,
        })
    }
}

/// A JSON body: unknown fields refused, a bad field named by its path, size limited.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "the request body is larger than this route accepts",
                )
            } else {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable_body",
                    rejection.body_text(),
                )
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses JSON, naming the path of the field that failed.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let detail = inner.to_string();
        let (code, status) = if inner.is_syntax() || inner.is_eof() {
            ("malformed_json", StatusCode::BAD_REQUEST)
        } else if detail.starts_with("unknown field") {
            ("unknown_field", StatusCode::UNPROCESSABLE_ENTITY)
        } else {
            ("invalid_field", StatusCode::UNPROCESSABLE_ENTITY)
        };
        let field = if detail.starts_with("unknown field") {
            // serde names the unknown field in backticks: point the path at it.
            let name = detail.split('`').nth(1).unwrap_or("");
            if path == "." || path.is_empty() || path == name || path.ends_with(&format!(".{name}"))
            {
                if path == "." || path.is_empty() {
                    name.to_owned()
                } else {
                    path
                }
            } else {
                format!("{path}.{name}")
            }
        } else {
            path
        };
        let mut p = Problem::new(status, code, detail);
        if !field.is_empty() && field != "." {
            p.field = Some(field);
        }
        p
    })
}
