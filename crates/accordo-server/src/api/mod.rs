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

/// Microseconds since the epoch as RFC 3339 text.
pub fn rfc3339(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
