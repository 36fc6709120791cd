//! The online pillar, all of its I/O: posts captured by the partners' internet referral units,
//! ranked for review by a transparent score with their near-duplicates, referred to the
//! platforms by a person's decision as notices under the Digital Services Act (one an address
//! and platform across the partnership), followed until they are gone, and the partners'
//! shared bank of confirmed adverts' image hashes. The rules (PDQ, the match index, language,
//! signals, the score, clusters) are in the pure crate `accordo-online`. The server gets all
//! of it as [`MODULE`].

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
        name: "online",
        policies: &[
            &policy::ONLINE_ITEM,
            &policy::ONLINE_REFERRAL,
            &policy::ONLINE_BANK_HIT,
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
        href: "/online",
        label: "nav-online",
        shown: |a| may_read(a, &policy::ONLINE_REFERRAL),
    }],
    cards: None,
    templates: &[
        (
            "online/_tabs.html",
            include_str!("../templates/online/_tabs.html"),
        ),
        (
            "online/queue.html",
            include_str!("../templates/online/queue.html"),
        ),
        (
            "online/item.html",
            include_str!("../templates/online/item.html"),
        ),
        (
            "online/capture.html",
            include_str!("../templates/online/capture.html"),
        ),
        (
            "online/referrals.html",
            include_str!("../templates/online/referrals.html"),
        ),
        (
            "online/referral.html",
            include_str!("../templates/online/referral.html"),
        ),
        (
            "online/hits.html",
            include_str!("../templates/online/hits.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/online.ftl")),
        ("it", include_str!("../locales/it/online.ftl")),
    ],
    background: None,
    access: access::MATRIX,
};

/// The clusters and the bank, built from the database at every start.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(service::load(platform))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
