//! The cooperation pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and the record they are tried on: a published allocation.

// Test data: a failed arrangement is the matrix test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, OPERATOR_ADMINS, Who::*,
};
use serde_json::json;

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

fn pages() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/cooperation",
            body: json!(null),
            // The index, or for those who may not read it, the quotas.
            who: Holders(COOPERATION_PAGE),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/cooperation/values",
            body: json!({"country": "TUN", "year": "2026", "indicator": "awareness_campaigns", "value": "2", "source": "matrix"}),
            who: Holders(MINISTRY),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/cooperation/policies",
            body: json!({"note": "matrix"}),
            who: Holders(MINISTRY),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/cooperation/quotas",
            body: json!(null),
            who: Holders(QUOTA_READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/cooperation/quotas",
            body: json!({"year": "2026", "category": "matrix", "seats": "100"}),
            who: Holders(MINISTRY),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/cooperation/quotas/publish",
            body: json!({"year": "2026", "category": "matrix", "seats": "100"}),
            who: Holders(MINISTRY),
            sees_canary: Only(&[]),
        },
    ]
}

/// The ministry: the operator's administrators and analysts.
const MINISTRY: &[(Role, At)] = &[(Role::Admin, At::Operator), (Role::Analyst, At::Operator)];
/// Scores: the operator's admins, the host state's analysts, the monitor whose mandate names
/// the index, and each partner authority (its own country's score).
const SCORE_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::HostState),
    (Role::Monitor, At::Agency("UNHCR")),
    (Role::PartnerAuthority, At::Anywhere),
];
/// The index's method is public to everyone measured by it.
const POLICY_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
];
/// Published allocations are public.
const QUOTA_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::Employer, At::Anywhere),
];

/// Whoever reads the scores or the quotas.
const COOPERATION_PAGE: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::Employer, At::Anywhere),
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/api/v1/cooperation/scores",
            body: json!(null),
            who: Holders(SCORE_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/cooperation/policies",
            body: json!(null),
            who: Holders(POLICY_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/cooperation/policies",
            body: json!({"policy": {"indicators": [{"indicator": "identification_rate", "weight": 1, "worst": 0, "best": 1}]}, "note": "matrix"}),
            who: Holders(MINISTRY),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/cooperation/values",
            body: json!({"country": "TUN", "year": 2026, "indicator": "awareness_campaigns", "value": 2, "source": "matrix"}),
            who: Holders(MINISTRY),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/totals",
            body: json!(null),
            who: Holders(QUOTA_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/quotas/what-if",
            body: json!({"year": 2026, "category": "matrix", "seats": 100, "weights": {}}),
            who: Holders(MINISTRY),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/allocations",
            body: json!(null),
            who: Holders(QUOTA_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/quotas/allocations",
            body: json!({"year": 2026, "category": "matrix", "seats": 100}),
            who: Holders(MINISTRY),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/allocations/{id}",
            body: json!(null),
            who: Holders(QUOTA_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
    ]
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        let allocation = crate::service::publish(
            &app.platform,
            &accordo_service::demo::command_line_ctx(),
            crate::service::AllocationInput {
                year: 2026,
                category: "matrix".into(),
                seats: 10,
                method: "dhondt".into(),
                policy_version: None,
                weights: Default::default(),
                floors: Default::default(),
                caps: Default::default(),
            },
        )
        .await
        .unwrap();
        vec![(
            "/api/v1/quotas/allocations/",
            allocation.id.unwrap().to_string(),
        )]
    })
}
