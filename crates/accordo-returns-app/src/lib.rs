//! The returns pillar, all of its I/O: return cases, readmission requests to the partners'
//! central authorities (their inbox, replies, travel documents), readmission agreements'
//! terms, centres under independent monitoring; their SQL, API routes, pages, templates,
//! messages, migration and demo data. The rules (the case's state machine and its
//! safeguards, agreements' terms, deadlines) are in the pure crate `accordo-returns`. The
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
        name: "returns",
        policies: &[
            &policy::RETURN_CASE,
            &policy::READMISSION_REQUEST,
            &policy::READMISSION_AGREEMENT,
            &policy::CENTRE,
        ],
        // Migration 0004 landed as one file with the cooperation pillar's tables too; it
        // stays here (its checksum is recorded), and the cooperation module comes after this.
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: store::RETENTION,
        prepare: None,
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[NavItem {
        href: "/returns",
        label: "nav-returns",
        shown: |a| {
            may_read(a, &policy::RETURN_CASE)
                || may_read(a, &policy::READMISSION_REQUEST)
                || may_read(a, &policy::CENTRE)
        },
    }],
    cards: Some(cards),
    templates: &[
        (
            "returns/agreements.html",
            include_str!("../templates/returns/agreements.html"),
        ),
        (
            "returns/case.html",
            include_str!("../templates/returns/case.html"),
        ),
        (
            "returns/cases.html",
            include_str!("../templates/returns/cases.html"),
        ),
        (
            "returns/centre.html",
            include_str!("../templates/returns/centre.html"),
        ),
        (
            "returns/centres.html",
            include_str!("../templates/returns/centres.html"),
        ),
        (
            "returns/inbox.html",
            include_str!("../templates/returns/inbox.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/returns.ftl")),
        ("it", include_str!("../locales/it/returns.ftl")),
    ],
    background: None,
    access: access::MATRIX,
};

fn cards<'a>(
    state: &'a accordo_server::AppState,
    viewer: &'a accordo_server::pages::Viewer,
) -> Pin<Box<dyn Future<Output = Vec<accordo_server::pages::home::Card>> + Send + 'a>> {
    Box::pin(async move {
        pages::returns_card(state, viewer)
            .await
            .into_iter()
            .collect()
    })
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}

/// What the cooperation index measures of this pillar, read for every partner at once (no
/// caller's scope: the index is an aggregate the platform computes). The only way another
/// crate reads this pillar's tables.
pub mod measured {
    pub use crate::store::{AgreementRow, PauseRow, RequestRow};
    use accordo_store::{Conn, Result};
    use uuid::Uuid;

    /// Every readmission agreement.
    pub async fn agreements(conn: &mut Conn) -> Result<Vec<AgreementRow>> {
        crate::store::agreements(conn).await
    }

    /// Per claimed nationality: (nationality, cases with a return decision dated in `year`,
    /// of them executed).
    pub async fn returns_by_nationality(
        conn: &mut Conn,
        year: i64,
    ) -> Result<Vec<(String, i64, i64)>> {
        crate::store::returns_by_nationality(conn, year).await
    }

    /// Every request sent to `authority` in `[from_us, to_us)`.
    pub async fn requests_to(
        conn: &mut Conn,
        authority: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RequestRow>> {
        crate::store::requests_to(conn, authority, from_us, to_us).await
    }

    /// The pauses of these requests.
    pub async fn pauses(conn: &mut Conn, requests: &[Uuid]) -> Result<Vec<PauseRow>> {
        crate::store::pauses(conn, requests).await
    }
}
