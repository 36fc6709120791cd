//! The legal-pathways pillar, all of its I/O: click-day windows with their places and shares
//! (the cooperation pillar's published allocations), employers' applications checked at
//! pre-filling, their submission numbered in the server's order of receipt by one writer with
//! group commit, the assignment of places with a reserve, pre-departure courses with
//! certificates anyone can verify, and the simulation of the click day's policies. The rules
//! are in the pure crate `accordo-pathways`. The server gets all of it as [`MODULE`].
//!
//! It reads the published allocations through `accordo-cooperation-app`, so it is composed
//! after that module.

// A `Problem` is the response itself, built once per failed request.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod api;
pub mod demo;
pub mod policy;
pub mod service;
mod store;
pub mod training;

use std::future::Future;
use std::pin::Pin;

use accordo_server::Module;
use accordo_server::pages::PageRoutes;
use accordo_service::{ModuleCore, Platform, Result};

pub static MODULE: Module = Module {
    core: ModuleCore {
        name: "pathways",
        policies: &[
            &policy::PATHWAYS_WINDOW,
            &policy::PATHWAYS_APPLICATION,
            &policy::PATHWAYS_COURSE,
            &policy::PATHWAYS_SUBMISSION,
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
        ("en", include_str!("../locales/en/pathways.ftl")),
        ("it", include_str!("../locales/it/pathways.ftl")),
    ],
    background: Some(|platform| Box::pin(service::follow(platform))),
    access: access::MATRIX,
};

/// The windows, read into memory at every start.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(service::load(platform))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
