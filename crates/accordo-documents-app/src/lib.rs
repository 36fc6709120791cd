//! The documents pillar, all of its I/O: one check of a travel document (its MRZ with
//! `accordo-mrz`, the shared register of lost, stolen and forged documents), reports to the
//! register and their bulk import, forgery alerts; their SQL, API routes, pages, templates,
//! messages, migrations and demo data. The rules are in the pure crates `accordo-mrz` and
//! `accordo-documents`. The server gets all of it as [`MODULE`].

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

use accordo_domain::access::{Action, Resource};
use accordo_server::Module;
use accordo_server::pages::NavItem;
use accordo_service::{ModuleCore, Platform, Result};

pub static MODULE: Module = Module {
    core: ModuleCore {
        name: "documents",
        policies: &[
            &policy::DOCUMENT_REPORT,
            &policy::DOCUMENT_CHECK,
            &policy::FORGERY_ALERT,
        ],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: store::RETENTION,
        prepare: Some(prepare),
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[NavItem {
        href: "/documents/check",
        label: "nav-documents",
        shown: |a| {
            accordo_domain::can(
                a,
                Action::Create,
                Resource::collection(&policy::DOCUMENT_CHECK),
            )
            .is_ok()
        },
    }],
    cards: Some(cards),
    templates: &[
        (
            "documents/_tabs.html",
            include_str!("../templates/documents/_tabs.html"),
        ),
        (
            "documents/alerts.html",
            include_str!("../templates/documents/alerts.html"),
        ),
        (
            "documents/check.html",
            include_str!("../templates/documents/check.html"),
        ),
        (
            "documents/register.html",
            include_str!("../templates/documents/register.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/documents.ftl")),
        ("it", include_str!("../locales/it/documents.ftl")),
    ],
    background: Some(|platform| {
        Box::pin(async move {
            // On PostgreSQL, other nodes' changes to the register reach this node's index.
            if let Err(e) = service::follow_changes(platform).await {
                tracing::error!(error = %e, "stopped following the document register's changes; restart this node to catch up");
            }
        })
    }),
    access: access::MATRIX,
};

/// The register's in-memory index, built from the database at every start.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(async move { service::load_index(platform).await.map(drop) })
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
