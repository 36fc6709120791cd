//! The returns pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and IT-UI's records they are tried on: a case with the canary in the surname, held at a
//! centre of IT-MI monitored by UNHCR, with a safeguard and a readmission request to TN-MI;
//! and the TN-MI agreement.

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

const ADMIN: &[&str] = &["ita.admin"];
const CASEWORKERS: &[&str] = &[VICTIM, "ita.caseworker"];
const REQUEST_PARTIES: &[&str] = &[VICTIM, "ita.caseworker", "tun.partner_authority"];
const CENTRE_READERS: &[&str] = &[
    VICTIM,
    "ita.caseworker",
    "ita.analyst",
    "ita.admin",
    "unhcr.monitor",
];

fn rows() -> Vec<AccessRow> {
    vec![
        // Returns: IT-UI's case (the canary in the surname), its request to TN-MI, a centre
        // of IT-MI monitored by UNHCR, and the TN-MI agreement.
        AccessRow {
            method: "get",
            path: "/api/v1/returns/cases",
            body: json!(null),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases",
            body: json!({"person": {"surname": "NUOVO", "given_names": "MATRICE", "claimed_nationality": "TUN"}, "asylum": "none"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/cases/{id}",
            body: json!(null),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "patch",
            path: "/api/v1/returns/cases/{id}",
            body: json!({"asylum": "rejected"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases/{id}/transitions",
            body: json!({"to": "closed", "reason": "left the territory"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases/{id}/safeguards",
            body: json!({"kind": "legal_information", "note": "information given in Arabic"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases/{id}/documents",
            body: json!({"kind": "passport_copy", "mrz": S1}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        // The case already has a request awaiting its reply: its caseworkers are told so
        // (409), everyone else finds no case.
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases/{id}/readmission-requests",
            body: json!({"partner_agency": "TN-MI", "evidence": [{"kind": "passport_copy"}]}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/readmission-requests",
            body: json!(null),
            who: Only(&[
                VICTIM,
                "ita.caseworker",
                "tun.partner_authority",
                "pak.partner_authority",
            ]),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/readmission-requests/{id}",
            body: json!(null),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        // Only TN-MI replies and issues the travel document, only IT-UI answers questions;
        // the other party is told which rule stops it (409), everyone else finds nothing.
        AccessRow {
            method: "post",
            path: "/api/v1/returns/readmission-requests/{id}/reply",
            body: json!({"decision": "more_information", "reason": "send the interview record"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/readmission-requests/{id}/extension",
            body: json!(null),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/readmission-requests/{id}/information",
            body: json!({"answer": "attached"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/readmission-requests/{id}/travel-document",
            body: json!({"number": "LP123", "valid_until": "2027-12-31"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&[VICTIM, "ita.caseworker", "tun.partner_authority"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/agreements",
            body: json!(null),
            who: Only(&[
                VICTIM,
                "ita.caseworker",
                "ita.analyst",
                "ita.admin",
                "tun.partner_authority",
                "pak.partner_authority",
                "unhcr.monitor",
            ]),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/returns/agreements/{id}",
            body: json!({"name": "Italy–Tunisia", "terms": {"reply_days": 30, "silence_is_acceptance": false, "accepted_evidence": ["passport"], "extension_days": null, "pause_on_more_information": true, "travel_document_validity_days": 0, "travel_document_issue_days": null, "transfer_days": null}, "source": "matrix", "confirmed": false, "version": 1}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/centres",
            body: json!(null),
            who: Only(CENTRE_READERS),
            sees_canary: // Centres name cases by reference only.
            Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/centres",
            body: json!({"name": "New centre", "country": "ITA", "capacity": 20, "monitored_by": "UNHCR"}),
            who: Only(ADMIN),
            sees_canary: // Centres name cases by reference only.
            Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases/{id}/stays",
            body: json!({"centre": null}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/centres/{id}",
            body: json!(null),
            who: Only(CENTRE_READERS),
            sees_canary: // Centres name cases by reference only.
            Only(&[]),
        },
    ]
}

fn arrange<'a>(
    app: &'a TestApp,
    victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        let agreements = app.get("/api/v1/returns/agreements", victim).await.json();
        let agreement_id = agreements
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["authority_agency"] == "TN-MI")
            .expect("the demo has an agreement with TN-MI")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let admin = app.token("ita.admin").await;
        let made = app
            .post(
                "/api/v1/returns/centres",
                Some(&admin),
                json!({"name": "Matrix centre", "country": "ITA", "capacity": 10, "monitored_by": "UNHCR"}),
            )
            .await;
        assert_eq!(made.status.as_u16(), 201, "{}", made.text);
        let centre = made.json()["id"].as_str().unwrap().to_owned();
        let created = app
            .post(
                "/api/v1/returns/cases",
                Some(victim),
                json!({"person": {"surname": CANARY, "given_names": "TEST", "date_of_birth": "1990-01-01", "claimed_nationality": "TUN"},
                       "asylum": "rejected", "return_decision_date": "2026-10-01", "centre": centre}),
            )
            .await;
        assert_eq!(created.status.as_u16(), 201, "{}", created.text);
        let case_id = created.json()["id"].as_str().unwrap().to_owned();
        let safeguard = app
            .post(
                &format!("/api/v1/returns/cases/{case_id}/safeguards"),
                Some(victim),
                json!({"kind": "vulnerability_screening", "note": "screened, no vulnerability found"}),
            )
            .await;
        assert_eq!(safeguard.status.as_u16(), 201, "{}", safeguard.text);
        let request = app
            .post(
                &format!("/api/v1/returns/cases/{case_id}/readmission-requests"),
                Some(victim),
                json!({"partner_agency": "TN-MI", "evidence": [{"kind": "passport_copy", "note": "copy on file"}]}),
            )
            .await;
        assert_eq!(request.status.as_u16(), 201, "{}", request.text);
        let request_id = request.json()["id"].as_str().unwrap().to_owned();
        vec![
            ("/api/v1/returns/cases/", case_id),
            ("/api/v1/returns/readmission-requests/", request_id),
            ("/api/v1/returns/agreements/", agreement_id),
            ("/api/v1/returns/centres/", centre),
        ]
    })
}
