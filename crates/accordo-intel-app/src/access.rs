//! The intel pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`):
//! IT-UI's message and case, AMBER to ES-PN, are read there and nowhere else.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, Who::*, victim_as,
};
use serde_json::json;

use crate::service::{cases, messages};

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

/// Officers and analysts exchange intelligence, wherever they serve.
const READERS: &[(Role, At)] = &[(Role::Officer, At::Anywhere), (Role::Analyst, At::Anywhere)];
/// IT-UI's message and case go to ES-PN: its officers and analysts read them.
const READERS_AT_ES_PN: &[(Role, At)] = &[
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Analyst, At::Agency("ES-PN")),
];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/api/v1/intel/messages",
            body: json!(null),
            who: Holders(READERS),
            // Under `folder=inbox`, the default: IT-UI's message is in ES-PN's inbox.
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/messages",
            body: json!({"subject": "Matrix", "body": "A test message.", "tlp": "GREEN",
                "addressees": ["ES-PN"], "reliability": "X", "credibility": "4"}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/messages/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/hits",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/cases",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/cases",
            body: json!({"title": "Matrix case", "participants": ["ES-PN"]}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/cases/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
    ]
}

fn pages() -> Vec<AccessRow> {
    let row = |method, path, body, who, sees_canary| AccessRow {
        method,
        path,
        body,
        who,
        sees_canary,
    };
    vec![
        row(
            "get",
            "/intel",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/outbox",
            json!(null),
            Holders(READERS),
            Only(&[]),
        ),
        // The form offers the open cases the writer reads: IT-UI's, at ES-PN.
        row(
            "get",
            "/intel/messages/new",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "post",
            "/intel/messages",
            json!({"subject": "Matrix", "body": "A test message.", "tlp": "GREEN",
                "addressees": "ES-PN", "reliability": "X", "credibility": "4"}),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/messages/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/cases",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "post",
            "/intel/cases",
            json!({"title": "Matrix case", "participants": "ES-PN"}),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/cases/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/hits",
            json!(null),
            Holders(READERS),
            Only(&[]),
        ),
    ]
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        // IT-UI's only user is a caseworker; its message and case are written as an officer
        // of IT-UI would.
        let officer = victim_as(Role::Officer);
        let case = cases::open(
            &app.platform,
            &officer,
            &format!("Case {CANARY}"),
            &["ES-PN".to_owned()],
        )
        .await
        .unwrap_or_else(|e| panic!("the matrix's case: {e}"));
        let message = messages::send(
            &app.platform,
            &officer,
            &messages::NewMessage {
                subject: format!("Message {CANARY}"),
                body: format!("Body {CANARY}"),
                tlp: "AMBER".into(),
                addressees: vec!["ES-PN".into()],
                reliability: "B".into(),
                credibility: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("the matrix's message: {e}"));
        vec![
            ("/api/v1/intel/messages/", message.id.to_string()),
            ("/api/v1/intel/cases/", case.id.to_string()),
            ("/intel/messages/", message.id.to_string()),
            ("/intel/cases/", case.id.to_string()),
        ]
    })
}
