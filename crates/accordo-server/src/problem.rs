//! Errors as RFC 9457 problem documents, mapped in one place.

use accordo_service::{AuthFailure, ServiceError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An HTTP error: a status, a stable machine code, and what to tell the user.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code, e.g. `invalid_field`, `forbidden`, `token_expired`.
    pub code: String,
    /// JSON path of the offending field, for input errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Machine names of the rules that refused the action, all of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip)]
    pub retry_after: Option<i64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            type_uri: format!("https://accordo.invalid/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            field: None,
            rules: Vec::new(),
            request_id: None,
            retry_after: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} was not found"),
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// How a service error reads over HTTP, for the API and the pages alike: this is the one
/// place that decides its status and stable code, and which catalogue messages a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub status: StatusCode,
    /// Stable machine code, the `code` of the problem document.
    pub code: &'static str,
    /// Catalogue ids of the error page's title and text.
    pub title: &'static str,
    pub body: &'static str,
}

pub fn classify(err: &ServiceError) -> Classified {
    let (status, code, title, body) = match err {
        ServiceError::Unauthenticated(failure) => (
            match failure {
                AuthFailure::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                // Signed in, but only to change the temporary password.
                AuthFailure::PasswordChangeRequired => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            },
            failure.code(),
            "error-session-title",
            "error-session-body",
        ),
        ServiceError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "error-forbidden-title",
            "error-forbidden-body",
        ),
        ServiceError::NotFound { .. } => (
            StatusCode::NOT_FOUND,
            "not_found",
            "error-not-found-title",
            "error-not-found-body",
        ),
        ServiceError::Invalid { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "error-invalid-title",
            "error-invalid-body",
        ),
        ServiceError::Conflict(_) => (
            StatusCode::CONFLICT,
            "conflict",
            "error-invalid-title",
            "error-invalid-body",
        ),
        ServiceError::Rules { .. } => (
            StatusCode::CONFLICT,
            "refused_by_rules",
            "error-invalid-title",
            "error-invalid-body",
        ),
        ServiceError::Store(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "error-unavailable-title",
            "error-unavailable-body",
        ),
    };
    Classified {
        status,
        code,
        title,
        body,
    }
}

impl From<ServiceError> for Problem {
    fn from(err: ServiceError) -> Self {
        let Classified { status, code, .. } = classify(&err);
        match err {
            ServiceError::Unauthenticated(failure) => {
                let mut p = Problem::new(status, code, failure.to_string());
                if let AuthFailure::Throttled {
                    retry_after_seconds,
                } = failure
                {
                    p.retry_after = Some(retry_after_seconds);
                }
                p
            }
            ServiceError::Invalid { field, message, .. } => {
                Problem::new(status, code, format!("{field}: {message}")).field(field)
            }
            ServiceError::Conflict(what) => {
                Problem::new(status, code, format!("{what} already exists"))
            }
            ServiceError::Rules { rules } => {
                let mut p = Problem::new(
                    status,
                    code,
                    format!("refused by the rules: {}", rules.join(", ")),
                );
                p.rules = rules;
                p
            }
            ServiceError::Store(e) => {
                // Never shown: logged with the request id, which the answer carries.
                tracing::error!(error = %e, "store error");
                Problem::new(
                    status,
                    code,
                    "an internal error occurred; quote the request id to the administrator",
                )
            }
            e @ (ServiceError::Forbidden(_) | ServiceError::NotFound { .. }) => {
                Problem::new(status, code, e.to_string())
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(v) = retry.and_then(|s| HeaderValue::from_str(&s.max(1).to_string()).ok()) {
            headers.insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"accordo\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, Problem>;
