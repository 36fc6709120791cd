//! The flows pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`).
//! Its statistics are published figures, no agency's records: nobody's canary is in them.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{AccessMatrix, AccessRow, Arranged, At, Who::*};
use serde_json::json;

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

/// Every role at work in the partnership reads the statistics (not the employer); of the
/// administrators, the operator's.
const READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            // Asked without a series: the readers get 422 (say which), the others 403.
            path: "/api/v1/flows/totals",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/flows/nationalities",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
    ]
}

fn pages() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/flows",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/flows/routes/{id}",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
    ]
}

fn arrange<'a>(
    _app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    // A route's page, by its key.
    Box::pin(async move { vec![("/flows/routes/", "central-mediterranean".to_owned())] })
}
