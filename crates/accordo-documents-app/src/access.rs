//! The documents pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and IT-UI's records they are tried on: a report of the register with the canary in its
//! notes, and an AMBER forgery alert addressed to ES-PN.

// Test data: a failed arrangement is the matrix test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, OPERATOR_ADMINS, SPECIMEN_TD3 as S1, Who::*,
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
            path: "/documents",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/documents/check",
            body: json!(null),
            who: Holders(CHECKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/documents/check",
            body: json!({"mrz": S1}),
            who: Holders(CHECKERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "get",
            path: "/documents/register",
            body: json!(null),
            who: Holders(REPORTERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/documents/register",
            body: json!({"issuing_state": "ITA", "document_type": "P", "document_number": "MX2", "status": "lost", "reported_on": "2026-11-01"}),
            who: Holders(REPORTERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/documents/register/import",
            body: json!({"csv": "issuing_state,document_type,document_number,status,reported_on\nITA,P,MX3,lost,2026-11-01\n"}),
            who: Holders(REPORTERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/documents/register/{id}/withdraw",
            body: json!({}),
            who: Only(&[]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/documents/alerts",
            body: json!(null),
            who: Holders(ALERT_READERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/documents/alerts",
            body: json!({"issuing_state": "PAK", "what_forged": "data page", "how_to_recognise": "laminate", "handling": "GREEN"}),
            who: Holders(ALERT_WRITERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/documents/alerts/{id}/withdraw",
            body: json!({}),
            who: Only(&[]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
    ]
}

/// Those who check documents: every role but the monitor and the employer, anywhere; of
/// administrators, the operator's.
const CHECKERS: &[(Role, At)] = &[
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Admin, At::Operator),
];
/// Those who keep their agency's register: officers and analysts; the operator's admins read
/// and import every agency's.
const REPORTERS: &[(Role, At)] = &[
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Admin, At::Operator),
];
/// Forgery alerts are read and published by those who check documents, under TLP; no
/// administrator by office.
const ALERT_READERS: &[(Role, At)] = &[
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
];
const ALERT_WRITERS: &[(Role, At)] =
    &[(Role::Analyst, At::Anywhere), (Role::Officer, At::Anywhere)];
/// IT-UI's AMBER alert is addressed to ES-PN: its readers there see it.
const ALERT_READERS_AT_ES_PN: &[(Role, At)] = &[
    (Role::Analyst, At::Agency("ES-PN")),
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Caseworker, At::Agency("ES-PN")),
    (Role::PartnerAuthority, At::Agency("ES-PN")),
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "post",
            path: "/api/v1/documents/check",
            body: json!({"mrz": S1}),
            who: Holders(CHECKERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/check/batch",
            body: json!({"mrzs": [S1, S1]}),
            who: Holders(CHECKERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/documents/reports",
            body: json!(null),
            who: Holders(REPORTERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/reports",
            body: json!({"issuing_state": "ITA", "document_type": "P", "document_number": "MX1", "status": "lost"}),
            who: Holders(REPORTERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        // IT-UI's report: only IT-UI's officers, analysts or admins may withdraw it, and
        // IT-UI has none; the operator's admin may not withdraw another agency's report.
        AccessRow {
            method: "post",
            path: "/api/v1/documents/reports/{id}/withdraw",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/documents/alerts",
            body: json!(null),
            who: Holders(ALERT_READERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/alerts",
            body: json!({"issuing_state": "PAK", "what_forged": "data page", "how_to_recognise": "laminate", "handling": "GREEN"}),
            who: Holders(ALERT_WRITERS),
            sees_canary: Holders(ALERT_READERS_AT_ES_PN),
        },
        // IT-UI's alert: withdrawn by IT-UI's officers only, and it has none.
        AccessRow {
            method: "post",
            path: "/api/v1/documents/alerts/{id}/withdraw",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
    ]
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        let csv = format!(
            "issuing_state,document_type,document_number,status,reported_on,notes\nUTO,P,L898902C3,stolen,2026-11-01,seen in {CANARY}\n"
        );
        let imported = crate::service::import_csv(
            &app.platform,
            &accordo_service::demo::command_line_ctx(),
            "IT-UI",
            csv.as_bytes(),
            |_, _| {},
        )
        .await
        .unwrap();
        assert_eq!(imported, crate::service::Imported::Written(1));
        let admin = app.token("ita.admin").await;
        let reports = app.get("/api/v1/documents/reports", &admin).await.json();
        let report_id = reports[0]["id"].as_str().unwrap().to_owned();
        // IT-UI's only user is a caseworker; its alert is published as an officer of IT-UI
        // would.
        let it_ui_officer =
            accordo_server::testing::matrix::victim_as(accordo_domain::Role::Officer);
        let alert = crate::service::publish_alert(
            &app.platform,
            &it_ui_officer,
            crate::service::NewAlertInput {
                issuing_state: "UTO".into(),
                document_type: String::new(),
                number_from: String::new(),
                number_to: String::new(),
                number_pattern: "L89*".into(),
                what_forged: format!("data page {CANARY}"),
                how_to_recognise: "the laminate peels".into(),
                handling: "AMBER".into(),
                addressees: vec!["agency:ES-PN".into()],
            },
        )
        .await
        .unwrap();
        vec![
            ("/api/v1/documents/reports/", report_id.clone()),
            ("/api/v1/documents/alerts/", alert.id.to_string()),
            ("/documents/register/", report_id),
            ("/documents/alerts/", alert.id.to_string()),
        ]
    })
}
