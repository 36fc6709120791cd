//! The platform's JSON API. Each area has a file with its handlers and a `routes` function;
//! [`router`] merges them with each module's routes.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod notifications;
pub mod settings;
pub mod system;

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "accordo", description = "The shared operational platform of a migration partnership."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// Every API route of the platform and of `modules`, with its OpenAPI description.
pub fn router(modules: &[&'static crate::Module]) -> OpenApiRouter<AppState> {
    let platform = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::routes())
        .merge(accounts::routes())
        .merge(audit::routes())
        .merge(settings::routes())
        .merge(notifications::routes());
    modules
        .iter()
        .fold(platform, |router, module| router.merge((module.api)()))
}

/// Routes anyone may call without credentials (sign-in).
pub const PUBLIC: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/session"),
];

/// What every operation answers besides its own: errors as `application/problem+json`, 401
/// on every route that needs credentials, 429 on sign-in (the throttle). Applied to the whole
/// document so that no route can forget it.
pub fn finish_document(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let methods = [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
            ("PATCH", item.patch.as_mut()),
            ("DELETE", item.delete.as_mut()),
        ];
        for (method, operation) in methods {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            for response in responses.values_mut() {
                if let RefOr::T(response) = response
                    && let Some(content) = response.content.shift_remove("application/json")
                {
                    let is_problem = serde_json::to_string(&content.schema)
                        .is_ok_and(|s| s.contains("#/components/schemas/Problem"));
                    let key = if is_problem {
                        "application/problem+json"
                    } else {
                        "application/json"
                    };
                    response.content.insert(key.to_owned(), content);
                }
            }
            let public = PUBLIC.contains(&(method, path.as_str()));
            // A module's route open to all declares `security(())`: no credentials, no 401.
            let open = operation.security.as_ref().is_some_and(|s| {
                s.iter()
                    .any(|r| serde_json::to_string(r).is_ok_and(|t| t == "{}"))
            });
            if open && !public {
                continue;
            }
            if !public {
                responses.entry("401".to_owned()).or_insert_with(|| {
                    problem("no valid credentials: sign in, or send a bearer token")
                });
            } else {
                responses
                    .entry("429".to_owned())
                    .or_insert_with(|| problem("too many failed sign-ins from this address or for this name; see Retry-After"));
            }
        }
    }
}

/// The query parameters each operation declares, by (method, path template).
pub type DeclaredQueries = std::collections::HashMap<(String, String), Vec<String>>;

pub fn declared_queries(openapi: &utoipa::openapi::OpenApi) -> DeclaredQueries {
    use utoipa::openapi::path::ParameterIn;
    let mut out = DeclaredQueries::new();
    for (path, item) in &openapi.paths.paths {
        for (method, operation) in operations(item) {
            let names = operation
                .parameters
                .iter()
                .flatten()
                .filter(|p| p.parameter_in == ParameterIn::Query)
                .map(|p| p.name.clone())
                .collect();
            out.insert((method.to_owned(), path.clone()), names);
        }
    }
    out
}

/// The operations of a path item with their HTTP methods.
pub fn operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = (&'static str, &utoipa::openapi::path::Operation)> {
    [
        ("GET", item.get.as_ref()),
        ("POST", item.post.as_ref()),
        ("PUT", item.put.as_ref()),
        ("PATCH", item.patch.as_ref()),
        ("DELETE", item.delete.as_ref()),
    ]
    .into_iter()
    .filter_map(|(m, o)| o.map(|o| (m, o)))
}

/// Refuses a query parameter the route does not declare (`?format=xml` where no format is
/// taken, a misspelt filter): silently ignored, it would answer something else than asked.
pub async fn refuse_undeclared_query(
    declared: std::sync::Arc<DeclaredQueries>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let (Some(query), Some(matched)) = (
        req.uri().query(),
        req.extensions().get::<axum::extract::MatchedPath>(),
    ) {
        let key = (
            req.method().as_str().to_owned(),
            matched.as_str().to_owned(),
        );
        if let Some(allowed) = declared.get(&key) {
            for (name, _) in form_urlencoded::parse(query.as_bytes()) {
                if !allowed.iter().any(|a| *a == name) {
                    let takes = if allowed.is_empty() {
                        "none".to_owned()
                    } else {
                        allowed.join(", ")
                    };
                    return crate::problem::Problem::new(
                        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        "unknown_parameter",
                        format!("`{name}` is not a parameter of this route; it takes: {takes}"),
                    )
                    .field(name.into_owned())
                    .into_response();
                }
            }
        }
    }
    next.run(req).await
}

/// Microseconds since the epoch as RFC 3339 text.
pub fn rfc3339(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
