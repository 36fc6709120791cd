//! The flows pillar, all of its I/O: the published series of arrivals and detections
//! (Italy's Interior Ministry, Frontex), imported whole or not at all, their totals and
//! comparisons over HTTP and on a page. The rules (vocabularies, periods, parsers,
//! statistics) are in the pure crate `accordo-flows`. The server gets all of it as
//! [`MODULE`].

// A `Problem` is the response itself, built once per failed request.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod api;
pub mod demo;
pub mod map;
pub mod pages;
pub mod policy;
pub mod service;
mod store;

use std::future::Future;
use std::pin::Pin;

use accordo_server::Module;
use accordo_server::pages::{NavItem, may_read};
use accordo_service::{ModuleCore, Platform, Result};

pub static MODULE: Module = Module {
    core: ModuleCore {
        name: "flows",
        policies: &[&policy::FLOW_STATISTIC, &policy::FLOW_EVENT],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: &[],
        prepare: None,
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[NavItem {
        href: "/flows",
        label: "nav-flows",
        shown: |a| may_read(a, &policy::FLOW_STATISTIC),
    }],
    cards: Some(cards),
    templates: &[
        (
            "flows/index.html",
            include_str!("../templates/flows/index.html"),
        ),
        (
            "flows/route.html",
            include_str!("../templates/flows/route.html"),
        ),
        (
            "flows/_tabs.html",
            include_str!("../templates/flows/_tabs.html"),
        ),
        (
            "flows/events.html",
            include_str!("../templates/flows/events.html"),
        ),
        (
            "flows/event.html",
            include_str!("../templates/flows/event.html"),
        ),
        (
            "flows/event_new.html",
            include_str!("../templates/flows/event_new.html"),
        ),
        (
            "flows/_macros.html",
            include_str!("../templates/flows/_macros.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/flows.ftl")),
        ("it", include_str!("../locales/it/flows.ftl")),
    ],
    background: Some(|platform| {
        Box::pin(async move {
            refresh(&platform).await;
            if let Err(e) = demo::import_later(&platform).await {
                tracing::error!(error = %e, "the demo's Frontex figures by nationality were not imported");
            }
            // The forecasts follow the figures, whoever imported them (this server or the
            // command line).
            loop {
                refresh(&platform).await;
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            }
        })
    }),
    access: access::MATRIX,
};

/// Recomputes the forecasts if the figures changed, saying so in the log.
async fn refresh(platform: &Platform) {
    match service::forecasts::refresh(platform).await {
        Ok(Some(n)) => tracing::info!(series = n, "flows forecasts computed"),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "the flows forecasts were not computed"),
    }
}

fn cards<'a>(
    state: &'a accordo_server::AppState,
    viewer: &'a accordo_server::pages::Viewer,
) -> Pin<Box<dyn Future<Output = Vec<accordo_server::pages::home::Card>> + Send + 'a>> {
    Box::pin(pages::home_cards(state, viewer))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
