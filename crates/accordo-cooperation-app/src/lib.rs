//! The cooperation pillar, all of its I/O: the cooperation index computed from what partners
//! do on the platform (the returns pillar's requests and cases), Eurostat's statistics and
//! values entered by hand; its versioned policy; quota allocations (what-if, published,
//! immutable); their SQL, API routes, pages, templates, messages and reference data. The
//! rules (apportionment, the index policy) are in the pure crate `accordo-cooperation`. The
//! server gets all of it as [`MODULE`].
//!
//! It reads the returns pillar's records through `accordo-returns-app`, so it is composed
//! after that module (whose migration 0004 also made this pillar's tables).

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
        name: "cooperation",
        policies: &[
            &policy::COOPERATION_INDEX,
            &policy::COOPERATION_POLICY,
            &policy::COOPERATION_INDICATOR,
            &policy::QUOTA_ALLOCATION,
        ],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: &[],
        prepare: Some(prepare),
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[NavItem {
        href: "/cooperation",
        label: "nav-cooperation",
        shown: |a| {
            may_read(a, &policy::COOPERATION_INDEX) || may_read(a, &policy::QUOTA_ALLOCATION)
        },
    }],
    cards: Some(cards),
    templates: &[
        (
            "cooperation/index.html",
            include_str!("../templates/cooperation/index.html"),
        ),
        (
            "cooperation/quotas.html",
            include_str!("../templates/cooperation/quotas.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/cooperation.ftl")),
        ("it", include_str!("../locales/it/cooperation.ftl")),
    ],
    background: None,
    access: access::MATRIX,
};

fn cards<'a>(
    state: &'a accordo_server::AppState,
    viewer: &'a accordo_server::pages::Viewer,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Vec<accordo_server::pages::home::Card>> + Send + 'a>,
> {
    Box::pin(async move {
        pages::quotas_card(state, viewer)
            .await
            .into_iter()
            .collect()
    })
}

/// The official statistics, the decree's quota totals and the first policy, written once.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::reference(platform))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
