//! The HTTP front of accordo: the JSON API under `/api/v1` with its OpenAPI document,
//! health and metrics endpoints, and (from the pages issue) the web pages.
//!
//! Handlers never build SQL and never decide access themselves: they extract the caller,
//! call a service (which asks `can` and filters in the store), and map errors through
//! [`problem::Problem`] in one place.

// A `Problem` is the response itself, built once per failed request: boxing it would buy
// nothing but an allocation.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod extract;
pub mod metrics;
pub mod module;
pub mod pages;
pub mod problem;
pub mod testing;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use accordo_service::Platform;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use crate::module::Module;
use crate::problem::Problem;

/// The default body limit: API bodies are small. Routes that need more set their own.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub platform: Platform,
    pub metrics: Arc<metrics::Metrics>,
    /// Set once migrations and seeding are done.
    pub ready: Arc<AtomicBool>,
    /// Templates, translation catalogues and assets of the pages.
    pub web: Arc<accordo_web::Web>,
    /// The modules composed into this application, in order.
    pub modules: Arc<[&'static Module]>,
}

impl AppState {
    /// With the built-in catalogues and the modules'. Fails only when a built-in template or
    /// catalogue does not parse (a build defect the tests catch).
    pub fn new(
        platform: Platform,
        modules: &[&'static Module],
    ) -> Result<Self, accordo_web::WebError> {
        Ok(Self::with_web(platform, web(modules, &[])?, modules))
    }

    /// With pages built from other catalogues (see [`web`]).
    pub fn with_web(
        platform: Platform,
        web: accordo_web::Web,
        modules: &[&'static Module],
    ) -> Self {
        Self {
            platform,
            metrics: Arc::default(),
            ready: Arc::new(AtomicBool::new(false)),
            web: Arc::new(web),
            modules: modules.into(),
        }
    }

    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }
}

/// The pages' templates and catalogues: the platform's, each module's, and `extra`
/// catalogues loaded at start (`serve --locales`).
pub fn web(
    modules: &[&'static Module],
    extra: &[(String, String)],
) -> Result<accordo_web::Web, accordo_web::WebError> {
    let locales: Vec<(&str, &str)> = modules
        .iter()
        .flat_map(|m| m.locales.iter().copied())
        .collect();
    let templates: Vec<(&'static str, &'static str)> = modules
        .iter()
        .flat_map(|m| m.templates.iter().copied())
        .collect();
    let catalogues = accordo_web::Catalogues::builtin_and(&locales, extra)?;
    accordo_web::Web::with_parts(catalogues, &templates)
}

/// The whole application, ready to serve or to drive in tests.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let (api_router, mut openapi) = api::router(&state.modules).split_for_parts();
    api::finish_document(&mut openapi);
    let declared = Arc::new(api::declared_queries(&openapi));
    let api_router = api_router.layer(axum::middleware::from_fn(move |req, next| {
        api::refuse_undeclared_query(declared.clone(), req, next)
    }));
    let openapi = Arc::new(openapi);
    api_router
        .merge(api::system::router(openapi))
        .merge(pages::router(&state.modules))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
        })
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), until_ready))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// An unknown API path gets a problem document; any other path, the "not found" page.
async fn not_found(
    state: axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    if request.uri().path().starts_with("/api/") {
        return axum::response::IntoResponse::into_response(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such route; see /api/v1/openapi.json",
        ));
    }
    pages::not_found(state, request).await
}

/// Until migrations and seeding are done, only the health routes answer.
async fn until_ready(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    if state.ready.load(Ordering::SeqCst) || path == "/healthz" || path == "/readyz" {
        return next.run(request).await;
    }
    axum::response::IntoResponse::into_response(Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "starting",
        "the platform is starting (migrations or seeding); try again in a moment",
    ))
}

/// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let router = app(state);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
    // Give load balancers a moment to notice /readyz before the listener closes.
    tokio::time::sleep(Duration::from_millis(100)).await;
}
