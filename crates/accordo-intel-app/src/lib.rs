//! The intel pillar, all of its I/O: police and coast-guard messages under their senders'
//! handling rules, grouped in cases, their entities checked and matched against what the
//! partnership holds (hit/no-hit) before the sender is answered. The rules (entity kinds and
//! keys, extraction, grading, the match index) are in the pure crate `accordo-intel`. The
//! server gets all of it as [`MODULE`].

// A `Problem` is the response itself, built once per failed request.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod api;
pub mod demo;
pub mod policy;
pub mod service;
mod store;

use std::future::Future;
use std::pin::Pin;

use accordo_server::Module;
use accordo_server::pages::PageRoutes;
use accordo_service::{ModuleCore, Platform, Result};

pub static MODULE: Module = Module {
    core: ModuleCore {
        name: "intel",
        policies: &[
            &policy::INTEL_MESSAGE,
            &policy::INTEL_CASE,
            &policy::INTEL_HIT,
        ],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: &[],
        prepare: Some(prepare),
        seed: Some(seed),
    },
    api: api::routes,
    pages: PageRoutes::new,
    nav: &[],
    cards: None,
    templates: &[],
    locales: &[
        ("en", include_str!("../locales/en/intel.ftl")),
        ("it", include_str!("../locales/it/intel.ftl")),
    ],
    background: Some(|platform| {
        Box::pin(async move {
            // On PostgreSQL, other nodes' messages reach this node's match index.
            if let Err(e) = service::index::follow_changes(platform).await {
                tracing::error!(error = %e, "stopped following the intel messages of other nodes; restart this node to catch up");
            }
        })
    }),
    access: access::MATRIX,
};

/// The match index, built from the database at every start.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(async move { service::index::load(platform).await.map(drop) })
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
