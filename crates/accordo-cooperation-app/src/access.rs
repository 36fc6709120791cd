//! The cooperation pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and the record they are tried on: a published allocation.

// Test data: a failed arrangement is the matrix test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{AccessMatrix, AccessRow, Arranged, VICTIM, Who::*};
use serde_json::json;

pub const MATRIX: AccessMatrix = AccessMatrix { rows, arrange };

/// The host state's ministry: its analysts and the operator's administrator.
const MINISTRY: &[&str] = &["ita.admin", "ita.analyst"];
const INDEX_READERS: &[&str] = &[
    "ita.admin",
    "ita.analyst",
    "unhcr.monitor",
    "tun.partner_authority",
    "pak.partner_authority",
];
const QUOTA_READERS: &[&str] = &[
    VICTIM,
    "ita.caseworker",
    "ita.admin",
    "ita.analyst",
    "ita.employer",
    "unhcr.monitor",
    "tun.partner_authority",
    "pak.partner_authority",
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/api/v1/cooperation/scores",
            body: json!(null),
            who: Only(INDEX_READERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/cooperation/policies",
            body: json!(null),
            who: Only(INDEX_READERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/cooperation/policies",
            body: json!({"policy": {"indicators": [{"indicator": "identification_rate", "weight": 1, "worst": 0, "best": 1}]}, "note": "matrix"}),
            who: Only(MINISTRY),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/cooperation/values",
            body: json!({"country": "TUN", "year": 2026, "indicator": "joint_trainings", "value": 2, "source": "matrix"}),
            who: Only(MINISTRY),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/totals",
            body: json!(null),
            who: Only(QUOTA_READERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/quotas/what-if",
            body: json!({"year": 2026, "category": "matrix", "seats": 100, "weights": {}}),
            who: Only(MINISTRY),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/allocations",
            body: json!(null),
            who: Only(QUOTA_READERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/quotas/allocations",
            body: json!({"year": 2026, "category": "matrix", "seats": 100}),
            who: Only(MINISTRY),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/quotas/allocations/{id}",
            body: json!(null),
            who: Only(QUOTA_READERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
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
