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
        name: "intel",
        policies: &[
            &policy::INTEL_MESSAGE,
            &policy::INTEL_CASE,
            &policy::INTEL_HIT,
            &policy::INTEL_UNIT,
            &policy::INTEL_OPERATION,
            &policy::INTEL_COURSE,
            &policy::INTEL_SHARE_REQUEST,
        ],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: &[],
        prepare: Some(prepare),
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[
        NavItem {
            href: "/intel",
            label: "nav-intel",
            shown: |a| may_read(a, &policy::INTEL_MESSAGE),
        },
        // The units' directory, for those who read it but exchange no intelligence (its tab
        // is under Intelligence for those who do).
        NavItem {
            href: "/intel/units",
            label: "nav-intel-units",
            shown: |a| may_read(a, &policy::INTEL_UNIT) && !may_read(a, &policy::INTEL_MESSAGE),
        },
    ],
    cards: Some(cards),
    templates: &[
        (
            "intel/_tabs.html",
            include_str!("../templates/intel/_tabs.html"),
        ),
        (
            "intel/_macros.html",
            include_str!("../templates/intel/_macros.html"),
        ),
        (
            "intel/messages.html",
            include_str!("../templates/intel/messages.html"),
        ),
        (
            "intel/message.html",
            include_str!("../templates/intel/message.html"),
        ),
        (
            "intel/compose.html",
            include_str!("../templates/intel/compose.html"),
        ),
        (
            "intel/cases.html",
            include_str!("../templates/intel/cases.html"),
        ),
        (
            "intel/case.html",
            include_str!("../templates/intel/case.html"),
        ),
        (
            "intel/hits.html",
            include_str!("../templates/intel/hits.html"),
        ),
        (
            "intel/graph.html",
            include_str!("../templates/intel/graph.html"),
        ),
        (
            "intel/path.html",
            include_str!("../templates/intel/path.html"),
        ),
        (
            "intel/units.html",
            include_str!("../templates/intel/units.html"),
        ),
        (
            "intel/operations.html",
            include_str!("../templates/intel/operations.html"),
        ),
        (
            "intel/operation.html",
            include_str!("../templates/intel/operation.html"),
        ),
        (
            "intel/training.html",
            include_str!("../templates/intel/training.html"),
        ),
    ],
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

fn cards<'a>(
    state: &'a accordo_server::AppState,
    viewer: &'a accordo_server::pages::Viewer,
) -> Pin<Box<dyn Future<Output = Vec<accordo_server::pages::home::Card>> + Send + 'a>> {
    Box::pin(pages::home_cards(state, viewer))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
