//! Public routes: health, readiness, metrics and the OpenAPI document.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;

use crate::AppState;
use crate::problem::Problem;

pub fn router(openapi: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(openapi.as_ref().clone()) }),
        )
}

async fn readyz(State(state): State<AppState>) -> Response {
    if !state.ready.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "starting: migrations or seeding not done",
        )
            .into_response();
    }
    if !state.platform.store.ping().await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer",
        )
            .into_response();
    }
    "ready".into_response()
}

/// Metrics are open on loopback (the local Prometheus agent); elsewhere they need a token.
async fn metrics(State(state): State<AppState>, parts: Parts) -> Response {
    let headers = &parts.headers;
    let loopback = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|p| p.0.ip().is_loopback());
    if !loopback {
        let Some(token) = crate::extract::bearer(headers) else {
            return Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "metrics need a bearer token off loopback",
            )
            .into_response();
        };
        let kind = accordo_store::auth::CredentialKind::Token;
        if let Err(e) = accordo_service::auth::authenticate(&state.platform, kind, token).await {
            return Problem::from(e).into_response();
        }
    }
    let body = state.metrics.render(state.platform.store.pool_stats());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
