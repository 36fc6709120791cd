//! Extractors: the caller (from a bearer token or a session cookie, with CSRF checked), and
//! JSON bodies that reject unknown fields and name the bad one.

use std::net::SocketAddr;

use accordo_service::auth::{self, Authenticated};
use accordo_service::{AuthFailure, Ctx, ServiceError};
use accordo_store::auth::CredentialKind;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
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

/// A refusal of what the URL carries (a query parameter or a path segment): an RFC 9457
/// problem for the API, the error page for a page, each naming the parameter.
fn url_refusal(parts: &Parts, state: &AppState, field: &str, message: String) -> Response {
    let error = ServiceError::invalid(field, message);
    if parts.uri.path().starts_with("/api/") {
        Problem::from(error).into_response()
    } else {
        let lang = crate::pages::request_language(state, &parts.headers);
        crate::pages::error_page(state, &lang, &error)
    }
}

/// What no text field accepts: PostgreSQL cannot store it, and no person's name or document
/// holds it.
pub const NUL_MESSAGE: &str = "contains a NUL character (U+0000), which no field accepts";

/// The query string, deserialized into `T`: a bad value answers 422 naming its parameter (the
/// framework's own would be a plain-text 400), and no value may hold a NUL character.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name.contains('\0') || value.contains('\0') {
                return Err(url_refusal(parts, state, &name, NUL_MESSAGE.into()));
            }
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                let field = err.path().to_string();
                let message = err.into_inner().to_string();
                // serde names a missing or unknown parameter in backticks.
                let field = if field.is_empty() || field == "." {
                    message.split('`').nth(1).unwrap_or("query").to_owned()
                } else {
                    field
                };
                url_refusal(parts, state, &field, message)
            })
    }
}

/// The route's path parameters, deserialized into `T`: a segment that is not what the route
/// takes (an id that is not a UUID) answers 422 naming it, not a plain-text 400.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                use axum::extract::path::ErrorKind;
                let (field, message) = match &rejection {
                    axum::extract::rejection::PathRejection::FailedToDeserializePathParams(e) => {
                        match e.kind() {
                            ErrorKind::ParseErrorAtKey {
                                key, expected_type, ..
                            } => (key.clone(), format!("is not a valid {expected_type}")),
                            ErrorKind::InvalidUtf8InPathParam { key } => {
                                (key.clone(), "is not valid UTF-8".to_owned())
                            }
                            ErrorKind::ParseErrorAtIndex {
                                index,
                                expected_type,
                                ..
                            } => (
                                path_param(parts, *index),
                                format!("is not a valid {expected_type}"),
                            ),
                            ErrorKind::ParseError { expected_type, .. } => (
                                path_param(parts, 0),
                                format!("is not a valid {expected_type}"),
                            ),
                            ErrorKind::DeserializeError { key, message, .. } => {
                                (key.clone(), message.clone())
                            }
                            other => ("path".to_owned(), other.to_string()),
                        }
                    }
                    other => ("path".to_owned(), other.body_text()),
                };
                Err(url_refusal(parts, state, &field, message))
            }
        }
    }
}

/// The name of the route's `index`-th path parameter (`id` of `/cases/{id}`).
fn path_param(parts: &Parts, index: usize) -> String {
    parts
        .extensions
        .get::<axum::extract::MatchedPath>()
        .and_then(|m| {
            m.as_str()
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
                .nth(index)
                .map(|name| name.trim_start_matches('*').to_owned())
        })
        .unwrap_or_else(|| "path".to_owned())
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

/// Parses JSON, naming the path of the field that failed. The body is an object (serde would
/// take an array for a struct, by position), and no string in it holds a NUL character.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected_object",
            "the body must be a JSON object with named fields, not an array",
        ));
    }
    // In valid JSON a NUL can only be written as an escape.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = nul_in(&value, "")
    {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("{field}: {NUL_MESSAGE}"),
        )
        .field(field));
    }
    parse_fields(bytes)
}

/// The path of the first string (or key) holding a NUL, as `a.b[2].c`.
fn nul_in(value: &serde_json::Value, at: &str) -> Option<String> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if at.is_empty() { ".".into() } else { at.into() })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, &format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "\\u0000")))
            } else {
                nul_in(v, &join(k))
            }
        }),
        _ => None,
    }
}

fn parse_fields<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
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
