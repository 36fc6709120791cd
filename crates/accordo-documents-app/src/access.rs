//! The documents pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and IT-UI's records they are tried on: a report of the register with the canary in its
//! notes, and an AMBER forgery alert addressed to ES-PN.

// Test data: a failed arrangement is the matrix test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, CANARY, SPECIMEN_TD3 as S1, VICTIM, Who::*,
};
use serde_json::json;

pub const MATRIX: AccessMatrix = AccessMatrix { rows, arrange };

/// Roles that check documents: all but the monitor and the employer.
const CHECKERS: &[&str] = &[
    VICTIM,
    "ita.caseworker",
    "ita.officer",
    "ita.coastguard",
    "ita.analyst",
    "ita.admin",
    "esp.officer",
    "grc.officer",
    "tun.officer",
    "tun.partner_authority",
    "tur.officer",
    "pak.officer",
    "pak.partner_authority",
];
/// Roles that keep a register of their agency's reports: officers, analysts, admins.
const REPORTERS: &[&str] = &[
    "ita.officer",
    "ita.coastguard",
    "ita.analyst",
    "ita.admin",
    "esp.officer",
    "grc.officer",
    "tun.officer",
    "tur.officer",
    "pak.officer",
];

/// Forgery alerts are read and published by those who check documents, under TLP; no
/// administrator by office.
const ALERT_READERS: &[&str] = &[
    VICTIM,
    "ita.caseworker",
    "ita.officer",
    "ita.coastguard",
    "ita.analyst",
    "esp.officer",
    "grc.officer",
    "tun.officer",
    "tun.partner_authority",
    "tur.officer",
    "pak.officer",
    "pak.partner_authority",
];
const ALERT_WRITERS: &[&str] = &[
    "ita.officer",
    "ita.coastguard",
    "ita.analyst",
    "esp.officer",
    "grc.officer",
    "tun.officer",
    "tur.officer",
    "pak.officer",
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "post",
            path: "/api/v1/documents/check",
            body: json!({"mrz": S1}),
            who: Only(CHECKERS),
            sees_canary: // IT-UI's AMBER alert is addressed to ES-PN.
            Only(&[VICTIM, "ita.caseworker", "esp.officer"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/check/batch",
            body: json!({"mrzs": [S1, S1]}),
            who: Only(CHECKERS),
            sees_canary: // IT-UI's AMBER alert is addressed to ES-PN.
            Only(&[VICTIM, "ita.caseworker", "esp.officer"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/documents/reports",
            body: json!(null),
            who: Only(REPORTERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/reports",
            body: json!({"issuing_state": "ITA", "document_type": "P", "document_number": "MX1", "status": "lost"}),
            who: Only(REPORTERS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        // IT-UI's report: only IT-UI's officers, analysts or admins may withdraw it, and
        // IT-UI has none; the operator's admin may not withdraw another agency's report.
        AccessRow {
            method: "post",
            path: "/api/v1/documents/reports/{id}/withdraw",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/documents/alerts",
            body: json!(null),
            who: Only(ALERT_READERS),
            sees_canary: // IT-UI's AMBER alert is addressed to ES-PN.
            Only(&[VICTIM, "ita.caseworker", "esp.officer"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/documents/alerts",
            body: json!({"issuing_state": "PAK", "what_forged": "data page", "how_to_recognise": "laminate", "handling": "GREEN"}),
            who: Only(ALERT_WRITERS),
            sees_canary: // IT-UI's AMBER alert is addressed to ES-PN.
            Only(&[VICTIM, "ita.caseworker", "esp.officer"]),
        },
        // IT-UI's alert: withdrawn by IT-UI's officers only, and it has none.
        AccessRow {
            method: "post",
            path: "/api/v1/documents/alerts/{id}/withdraw",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&["ita.admin", VICTIM]),
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
        let it_ui_officer = accordo_service::Ctx {
            actor: accordo_domain::Actor {
                user_id: uuid::Uuid::now_v7(),
                username: "victim.officer".into(),
                agency: accordo_domain::AgencyCode::parse("IT-UI").unwrap(),
                country: Some(accordo_domain::CountryCode::parse("ITA").unwrap()),
                roles: [accordo_domain::Role::Officer].into_iter().collect(),
                operator: false,
                host_state: true,
                mandate: Vec::new(),
            },
            request_id: None,
        };
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
            ("/api/v1/documents/reports/", report_id),
            ("/api/v1/documents/alerts/", alert.id.to_string()),
        ]
    })
}
