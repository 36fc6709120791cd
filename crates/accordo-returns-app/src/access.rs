//! The returns pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`)
//! and IT-UI's records they are tried on: a case with the canary in the surname, held at a
//! centre of IT-MI monitored by UNHCR, with a safeguard and a readmission request to TN-MI;
//! and the TN-MI agreement.

// Test data: a failed arrangement is the matrix test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, OPERATOR_ADMINS, SPECIMEN_TD3 as S1, VICTIM,
    Who::*,
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
            path: "/returns",
            body: json!(null),
            // The first returns page the user may use.
            who: Holders(&[
                (Role::Caseworker, At::Anywhere),
                (Role::PartnerAuthority, At::Anywhere),
                (Role::Analyst, At::Anywhere),
                (Role::Monitor, At::Anywhere),
                (Role::Admin, At::Operator),
            ]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/returns/cases",
            body: json!(null),
            who: Holders(&[(Role::Caseworker, At::Anywhere)]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases",
            body: json!({"surname": "NUOVO", "given_names": "MATRICE", "claimed_nationality": "TUN", "asylum": "none"}),
            who: Holders(&[(Role::Caseworker, At::Anywhere)]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/returns/cases/{id}",
            body: json!(null),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/transition",
            body: json!({"to": "closed", "reason": "left the territory"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/safeguard",
            body: json!({"kind": "legal_information", "note": "information given in Arabic"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/document",
            body: json!({"kind": "passport_copy", "mrz": S1}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/request",
            body: json!({"partner_agency": "TN-MI", "evidence": ["passport_copy"]}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/legal",
            body: json!({"asylum": "rejected", "return_decision_date": "2026-10-01"}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/returns/inbox",
            body: json!(null),
            // Requests: those addressed to a partner authority, those a caseworker's agency sent.
            who: Holders(&[
                (Role::Caseworker, At::Anywhere),
                (Role::PartnerAuthority, At::Anywhere),
            ]),
            sees_canary: Only(&["tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/returns/requests/{id}/reply",
            body: json!({"decision": "more_information", "reason": "send the interview record"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&["tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/returns/requests/{id}/travel-document",
            body: json!({"number": "LP123", "valid_until": "2027-12-31"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&["tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/returns/requests/{id}/information",
            body: json!({"answer": "attached"}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&["tun.partner_authority"]),
        },
        AccessRow {
            method: "post",
            path: "/returns/requests/{id}/extension",
            body: json!({}),
            who: Only(REQUEST_PARTIES),
            sees_canary: Only(&["tun.partner_authority"]),
        },
        AccessRow {
            method: "get",
            path: "/returns/centres",
            body: json!(null),
            who: Holders(CENTRE_LISTERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/centres",
            body: json!({"name": "New centre", "country": "ITA", "capacity": "20", "monitored_by": "UNHCR"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/returns/cases/{id}/place",
            body: json!({"centre": ""}),
            who: Only(CASEWORKERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/returns/centres/{id}",
            body: json!(null),
            who: Holders(CENTRE_READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/returns/agreements",
            body: json!(null),
            who: Holders(AGREEMENT_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/returns/agreements/{id}",
            body: json!({"name": "Italy–Tunisia", "reply_days": "30", "accepted_evidence": ["passport"], "source": "matrix", "version": "1"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
    ]
}

const CASEWORKERS: &[&str] = &[VICTIM, "ita.caseworker"];
const REQUEST_PARTIES: &[&str] = &[VICTIM, "ita.caseworker", "tun.partner_authority"];
/// Agreements' terms: everyone who works with them; of administrators, the operator's.
const AGREEMENT_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Monitor, At::Anywhere),
];
/// Centres: the host state's caseworkers and analysts, the operator's admins, and monitors
/// (each list holds only the centres addressed to its agency, or its own).
const CENTRE_LISTERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::HostState),
    (Role::Caseworker, At::HostState),
    (Role::Monitor, At::Anywhere),
];
/// IT-MI's centre monitored by UNHCR: also IT-MI's own monitor.
const CENTRE_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::HostState),
    (Role::Caseworker, At::HostState),
    (Role::Monitor, At::Agency("UNHCR")),
    (Role::Monitor, At::Agency("IT-MI")),
];

fn rows() -> Vec<AccessRow> {
    vec![
        // Returns: IT-UI's case (the canary in the surname), its request to TN-MI, a centre
        // of IT-MI monitored by UNHCR, and the TN-MI agreement.
        AccessRow {
            method: "get",
            path: "/api/v1/returns/cases",
            body: json!(null),
            who: Holders(&[(Role::Caseworker, At::Anywhere)]),
            sees_canary: Only(&[VICTIM, "ita.caseworker"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/cases",
            body: json!({"person": {"surname": "NUOVO", "given_names": "MATRICE", "claimed_nationality": "TUN"}, "asylum": "none"}),
            who: Holders(&[(Role::Caseworker, At::Anywhere)]),
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
            who: Holders(&[
                (Role::Caseworker, At::Anywhere),
                (Role::PartnerAuthority, At::Anywhere),
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
            who: Holders(AGREEMENT_READERS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/returns/agreements/{id}",
            body: json!({"name": "Italy–Tunisia", "terms": {"reply_days": 30, "silence_is_acceptance": false, "accepted_evidence": ["passport"], "extension_days": null, "pause_on_more_information": true, "travel_document_validity_days": 0, "travel_document_issue_days": null, "transfer_days": null}, "source": "matrix", "confirmed": false, "version": 1}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/returns/centres",
            body: json!(null),
            who: Holders(CENTRE_LISTERS),
            sees_canary: // Centres name cases by reference only.
            Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/returns/centres",
            body: json!({"name": "New centre", "country": "ITA", "capacity": 20, "monitored_by": "UNHCR"}),
            who: Holders(OPERATOR_ADMINS),
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
            who: Holders(CENTRE_READERS),
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
            ("/api/v1/returns/cases/", case_id.clone()),
            ("/api/v1/returns/readmission-requests/", request_id.clone()),
            ("/api/v1/returns/agreements/", agreement_id.clone()),
            ("/api/v1/returns/centres/", centre.clone()),
            ("/returns/cases/", case_id),
            ("/returns/requests/", request_id),
            ("/returns/agreements/", agreement_id),
            ("/returns/centres/", centre),
        ]
    })
}
