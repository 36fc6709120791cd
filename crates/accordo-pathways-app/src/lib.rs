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
pub mod pages;
pub mod policy;
pub mod service;
mod store;
pub mod training;

use std::future::Future;
use std::pin::Pin;

use accordo_server::Module;
use accordo_server::pages::{NavItem, may_read};
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
    pages: pages::routes,
    nav: &[NavItem {
        href: "/pathways",
        label: "nav-pathways",
        // Those who work on it: employers, labour offices, partners' authorities, the
        // ministry and its analysts. (Anyone at work may still open the click days.)
        shown: |a| {
            may_read(a, &policy::PATHWAYS_APPLICATION)
                || may_read(a, &policy::PATHWAYS_COURSE)
                || (may_read(a, &policy::PATHWAYS_WINDOW)
                    && (a.roles.contains(accordo_domain::Role::Admin)
                        || a.roles.contains(accordo_domain::Role::Analyst)))
        },
    }],
    cards: None,
    templates: &[
        (
            "pathways/_tabs.html",
            include_str!("../templates/pathways/_tabs.html"),
        ),
        (
            "pathways/applications.html",
            include_str!("../templates/pathways/applications.html"),
        ),
        (
            "pathways/new.html",
            include_str!("../templates/pathways/new.html"),
        ),
        (
            "pathways/application.html",
            include_str!("../templates/pathways/application.html"),
        ),
        (
            "pathways/windows.html",
            include_str!("../templates/pathways/windows.html"),
        ),
        (
            "pathways/outcomes.html",
            include_str!("../templates/pathways/outcomes.html"),
        ),
        (
            "pathways/simulation.html",
            include_str!("../templates/pathways/simulation.html"),
        ),
        (
            "pathways/courses.html",
            include_str!("../templates/pathways/courses.html"),
        ),
        (
            "pathways/click_day.html",
            include_str!("../templates/pathways/click_day.html"),
        ),
        (
            "pathways/status.html",
            include_str!("../templates/pathways/status.html"),
        ),
        (
            "pathways/certificate.html",
            include_str!("../templates/pathways/certificate.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/pathways.ftl")),
        ("it", include_str!("../locales/it/pathways.ftl")),
    ],
    background: Some(|platform| Box::pin(service::follow(platform))),
    access: access::MATRIX,
};

/// The windows, read into memory at every start; the cooperation index told how to count
/// trainees certified before departure.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    accordo_cooperation_app::service::contribute(
        platform,
        "pre_departure_certified",
        training::certified_for_index,
    );
    Box::pin(service::load(platform))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}
