#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The access matrix: every API route, tried by a user of every role from the owning
//! agency, the same country and unrelated agencies, and without credentials.
//!
//! The routes come from the OpenAPI document, so a new route without a row here fails the
//! test. The expected outcome is an oracle written independently of `can`: who may use the
//! route on a record of the victim's agency (IT-UI). A 2xx for anyone else is a leak; so is a
//! canary string of IT-UI's records in anyone else's answer.

use crate::common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const CANARY: &str = "CANARY-IT-UI";
/// ICAO's specimen passport: IT-UI reports it stolen, with the canary in its notes.
const S1: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const VICTIM: &str = "victim.caseworker";

/// Routes anyone may call without credentials.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/session"),
];

/// Every user of the demo plus the victim (a second caseworker of IT-UI).
fn actors() -> Vec<&'static str> {
    let mut all: Vec<&str> = accordo_service::demo::USERS
        .iter()
        .map(|u| u.0)
        .filter(|u| *u != "ita.admin")
        .collect();
    all.insert(0, VICTIM);
    // The platform admin goes last: its writes (disable, reset) would end the victim's access.
    all.push("ita.admin");
    all
}

enum Who {
    Everyone,
    Only(&'static [&'static str]),
}

impl Who {
    fn allows(&self, user: &str) -> bool {
        match self {
            Who::Everyone => true,
            Who::Only(list) => list.contains(&user),
        }
    }
}

/// (method, path template, body, who may)
fn oracle() -> Vec<(&'static str, &'static str, Value, Who)> {
    use Who::*;
    const ADMIN: &[&str] = &["ita.admin"];
    // Roles that check documents: all but the monitor and the employer.
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
    // Roles that keep a register of their agency's reports: officers, analysts, admins.
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
    const CASEWORKERS: &[&str] = &[VICTIM, "ita.caseworker"];
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
    const REQUEST_PARTIES: &[&str] = &[VICTIM, "ita.caseworker", "tun.partner_authority"];
    const CENTRE_READERS: &[&str] = &[
        VICTIM,
        "ita.caseworker",
        "ita.analyst",
        "ita.admin",
        "unhcr.monitor",
    ];
    vec![
        (
            "post",
            "/api/v1/documents/check",
            json!({"mrz": S1}),
            Only(CHECKERS),
        ),
        (
            "post",
            "/api/v1/documents/check/batch",
            json!({"mrzs": [S1, S1]}),
            Only(CHECKERS),
        ),
        (
            "get",
            "/api/v1/documents/reports",
            json!(null),
            Only(REPORTERS),
        ),
        (
            "post",
            "/api/v1/documents/reports",
            json!({"issuing_state": "ITA", "document_type": "P", "document_number": "MX1", "status": "lost"}),
            Only(REPORTERS),
        ),
        // IT-UI's report: only IT-UI's officers, analysts or admins may withdraw it, and
        // IT-UI has none; the operator's admin may not withdraw another agency's report.
        (
            "post",
            "/api/v1/documents/reports/{id}/withdraw",
            json!(null),
            Only(&[]),
        ),
        (
            "get",
            "/api/v1/documents/alerts",
            json!(null),
            Only(CHECKERS),
        ),
        (
            "post",
            "/api/v1/documents/alerts",
            json!({"issuing_state": "PAK", "what_forged": "data page", "how_to_recognise": "laminate", "handling": "GREEN"}),
            Only(REPORTERS),
        ),
        // IT-UI's alert: withdrawn by IT-UI's officers only, and it has none.
        (
            "post",
            "/api/v1/documents/alerts/{id}/withdraw",
            json!(null),
            Only(&[]),
        ),
        // Returns: IT-UI's case (the canary in the surname), its request to TN-MI, a centre
        // of IT-MI monitored by UNHCR, and the TN-MI agreement.
        (
            "get",
            "/api/v1/returns/cases",
            json!(null),
            Only(&[VICTIM, "ita.caseworker", "ita.admin"]),
        ),
        (
            "post",
            "/api/v1/returns/cases",
            json!({"person": {"surname": "NUOVO", "given_names": "MATRICE", "claimed_nationality": "TUN"}, "asylum": "none"}),
            Only(CASEWORKERS),
        ),
        (
            "get",
            "/api/v1/returns/cases/{id}",
            json!(null),
            Only(CASEWORKERS),
        ),
        (
            "patch",
            "/api/v1/returns/cases/{id}",
            json!({"asylum": "rejected"}),
            Only(CASEWORKERS),
        ),
        (
            "post",
            "/api/v1/returns/cases/{id}/transitions",
            json!({"to": "closed", "reason": "left the territory"}),
            Only(CASEWORKERS),
        ),
        (
            "post",
            "/api/v1/returns/cases/{id}/safeguards",
            json!({"kind": "legal_information", "note": "information given in Arabic"}),
            Only(CASEWORKERS),
        ),
        (
            "post",
            "/api/v1/returns/cases/{id}/documents",
            json!({"kind": "passport_copy", "mrz": S1}),
            Only(CASEWORKERS),
        ),
        // The case already has a request awaiting its reply: its caseworkers are told so
        // (409), everyone else finds no case.
        (
            "post",
            "/api/v1/returns/cases/{id}/readmission-requests",
            json!({"partner_agency": "TN-MI", "evidence": [{"kind": "passport_copy"}]}),
            Only(CASEWORKERS),
        ),
        (
            "get",
            "/api/v1/returns/readmission-requests",
            json!(null),
            Only(&[
                VICTIM,
                "ita.caseworker",
                "ita.admin",
                "tun.partner_authority",
                "pak.partner_authority",
            ]),
        ),
        (
            "get",
            "/api/v1/returns/readmission-requests/{id}",
            json!(null),
            Only(REQUEST_PARTIES),
        ),
        // Only TN-MI replies and issues the travel document, only IT-UI answers questions;
        // the other party is told which rule stops it (409), everyone else finds nothing.
        (
            "post",
            "/api/v1/returns/readmission-requests/{id}/reply",
            json!({"decision": "more_information", "reason": "send the interview record"}),
            Only(REQUEST_PARTIES),
        ),
        (
            "post",
            "/api/v1/returns/readmission-requests/{id}/extension",
            json!(null),
            Only(REQUEST_PARTIES),
        ),
        (
            "post",
            "/api/v1/returns/readmission-requests/{id}/information",
            json!({"answer": "attached"}),
            Only(REQUEST_PARTIES),
        ),
        (
            "post",
            "/api/v1/returns/readmission-requests/{id}/travel-document",
            json!({"number": "LP123", "valid_until": "2027-12-31"}),
            Only(REQUEST_PARTIES),
        ),
        (
            "get",
            "/api/v1/returns/agreements",
            json!(null),
            Only(&[
                VICTIM,
                "ita.caseworker",
                "ita.analyst",
                "ita.admin",
                "tun.partner_authority",
                "pak.partner_authority",
                "unhcr.monitor",
            ]),
        ),
        (
            "put",
            "/api/v1/returns/agreements/{id}",
            json!({"name": "Italy–Tunisia", "terms": {"reply_days": 30, "silence_is_acceptance": false, "accepted_evidence": ["passport"], "extension_days": null, "pause_on_more_information": true, "travel_document_validity_days": 0, "travel_document_issue_days": null, "transfer_days": null}, "source": "matrix", "confirmed": false, "version": 1}),
            Only(ADMIN),
        ),
        (
            "get",
            "/api/v1/returns/centres",
            json!(null),
            Only(CENTRE_READERS),
        ),
        (
            "post",
            "/api/v1/returns/centres",
            json!({"name": "New centre", "country": "ITA", "capacity": 20, "monitored_by": "UNHCR"}),
            Only(ADMIN),
        ),
        (
            "post",
            "/api/v1/returns/cases/{id}/stays",
            json!({"centre": null}),
            Only(CASEWORKERS),
        ),
        (
            "get",
            "/api/v1/returns/centres/{id}",
            json!(null),
            Only(CENTRE_READERS),
        ),
        (
            "get",
            "/api/v1/cooperation/scores",
            json!(null),
            Only(INDEX_READERS),
        ),
        (
            "get",
            "/api/v1/cooperation/policies",
            json!(null),
            Only(INDEX_READERS),
        ),
        (
            "post",
            "/api/v1/cooperation/policies",
            json!({"policy": {"indicators": [{"indicator": "identification_rate", "weight": 1, "worst": 0, "best": 1}]}, "note": "matrix"}),
            Only(MINISTRY),
        ),
        (
            "post",
            "/api/v1/cooperation/values",
            json!({"country": "TUN", "year": 2026, "indicator": "joint_trainings", "value": 2, "source": "matrix"}),
            Only(MINISTRY),
        ),
        (
            "get",
            "/api/v1/quotas/totals",
            json!(null),
            Only(QUOTA_READERS),
        ),
        (
            "post",
            "/api/v1/quotas/what-if",
            json!({"year": 2026, "category": "matrix", "seats": 100, "weights": {}}),
            Only(MINISTRY),
        ),
        (
            "get",
            "/api/v1/quotas/allocations",
            json!(null),
            Only(QUOTA_READERS),
        ),
        (
            "post",
            "/api/v1/quotas/allocations",
            json!({"year": 2026, "category": "matrix", "seats": 100}),
            Only(MINISTRY),
        ),
        (
            "get",
            "/api/v1/quotas/allocations/{id}",
            json!(null),
            Only(QUOTA_READERS),
        ),
        ("delete", "/api/v1/auth/session", json!(null), Everyone),
        ("get", "/api/v1/me", json!(null), Everyone),
        ("patch", "/api/v1/me", json!({"language": "en"}), Everyone),
        (
            "post",
            "/api/v1/me/password",
            json!({"current_password": "accordo-demo", "new_password": "matrix-password-1"}),
            Everyone,
        ),
        ("post", "/api/v1/me/totp", json!({}), Everyone),
        (
            "post",
            "/api/v1/me/totp/confirm",
            json!({"code": "000000"}),
            Everyone,
        ),
        ("get", "/api/v1/me/sessions", json!(null), Everyone),
        ("get", "/api/v1/me/tokens", json!(null), Everyone),
        (
            "post",
            "/api/v1/me/tokens",
            json!({"label": "matrix"}),
            Everyone,
        ),
        (
            "delete",
            "/api/v1/tokens/{id}",
            json!(null),
            Only(&[VICTIM, "ita.admin"]),
        ),
        (
            "delete",
            "/api/v1/sessions/{id}",
            json!(null),
            Only(&[VICTIM, "ita.admin"]),
        ),
        ("get", "/api/v1/agencies", json!(null), Everyone),
        (
            "post",
            "/api/v1/agencies",
            json!({"code": "XX-NEW", "name": "New agency", "country": "ITA"}),
            Only(ADMIN),
        ),
        ("get", "/api/v1/users", json!(null), Only(ADMIN)),
        (
            "post",
            "/api/v1/users",
            json!({"username": "matrix.user", "display_name": "M", "agency": "IT-UI", "roles": ["officer"], "password": "matrix-password-1"}),
            Only(ADMIN),
        ),
        ("get", "/api/v1/users/{id}", json!(null), Only(ADMIN)),
        (
            "post",
            "/api/v1/users/{id}/disable",
            json!(null),
            Only(ADMIN),
        ),
        (
            "post",
            "/api/v1/users/{id}/enable",
            json!(null),
            Only(ADMIN),
        ),
        (
            "put",
            "/api/v1/users/{id}/roles",
            json!({"roles": ["caseworker"]}),
            Only(ADMIN),
        ),
        (
            "post",
            "/api/v1/users/{id}/reset-password",
            json!({"password": "matrix-password-2"}),
            Only(ADMIN),
        ),
        (
            "post",
            "/api/v1/users/{id}/revoke-credentials",
            json!(null),
            Only(ADMIN),
        ),
        (
            "get",
            "/api/v1/audit",
            json!(null),
            Only(&["ita.admin", "unhcr.monitor"]),
        ),
        (
            "get",
            "/api/v1/audit/export",
            json!(null),
            Only(&["ita.admin", "unhcr.monitor"]),
        ),
        (
            "get",
            "/api/v1/settings/retention",
            json!(null),
            Only(ADMIN),
        ),
        (
            "put",
            "/api/v1/settings/retention/{kind}",
            json!({"keep_days": 30}),
            Only(ADMIN),
        ),
        (
            "get",
            "/api/v1/settings/second-factor",
            json!(null),
            Only(ADMIN),
        ),
        (
            "put",
            "/api/v1/settings/second-factor/{role}",
            json!({"required": false}),
            Only(ADMIN),
        ),
        ("get", "/api/v1/notifications", json!(null), Everyone),
        (
            "post",
            "/api/v1/notifications/{id}/read",
            json!(null),
            Only(&[VICTIM, "ita.caseworker"]),
        ),
    ]
}

/// Who may see the canary of IT-UI's records in an answer.
fn may_see_canary(user: &str, route: &str) -> bool {
    match route {
        // IT-UI's notifications, and ES-PN's notice of the alert addressed to it (published
        // through the service, which tells the addressees).
        "/api/v1/notifications" => {
            user == VICTIM || user == "ita.caseworker" || user == "esp.officer"
        }
        "/api/v1/users" | "/api/v1/users/{id}" | "/api/v1/audit" | "/api/v1/audit/export" => {
            user == "ita.admin"
        }
        "/api/v1/me" => user == VICTIM,
        "/api/v1/returns/cases"
        | "/api/v1/returns/cases/{id}"
        | "/api/v1/returns/cases/{id}/transitions"
        | "/api/v1/returns/cases/{id}/safeguards"
        | "/api/v1/returns/cases/{id}/documents"
        | "/api/v1/returns/cases/{id}/stays" => user == VICTIM || user == "ita.caseworker",
        "/api/v1/returns/readmission-requests"
        | "/api/v1/returns/readmission-requests/{id}"
        | "/api/v1/returns/readmission-requests/{id}/reply"
        | "/api/v1/returns/readmission-requests/{id}/information"
        | "/api/v1/returns/readmission-requests/{id}/extension"
        | "/api/v1/returns/readmission-requests/{id}/travel-document" => {
            user == VICTIM || user == "ita.caseworker" || user == "tun.partner_authority"
        }
        // Centres name cases by reference only.
        "/api/v1/returns/centres" | "/api/v1/returns/centres/{id}" => false,
        // IT-UI's AMBER alert is addressed to ES-PN.
        "/api/v1/documents/alerts"
        | "/api/v1/documents/check"
        | "/api/v1/documents/check/batch" => {
            user == VICTIM || user == "ita.caseworker" || user == "esp.officer"
        }
        _ => user == "ita.admin" || user == VICTIM,
    }
}

fn routes_in_openapi(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

struct Victim {
    user_id: String,
    token: String,
    token_id: String,
    session_id: String,
    notification_id: String,
    report_id: String,
    alert_id: String,
    case_id: String,
    request_id: String,
    agreement_id: String,
    centre_id: String,
    allocation_id: String,
}

async fn arrange(app: &TestApp) -> Victim {
    let admin = app.token("ita.admin").await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": VICTIM, "display_name": format!("Victim {CANARY}"), "agency": "IT-UI",
                   "roles": ["caseworker"], "password": "accordo-demo"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let user_id = created.json()["id"].as_str().unwrap().to_owned();
    let token = app.token(VICTIM).await;
    let tokens = app.get("/api/v1/me/tokens", &token).await.json();
    let token_id = tokens[0]["id"].as_str().unwrap().to_owned();
    let session = app
        .post(
            "/api/v1/auth/session",
            None,
            json!({"username": VICTIM, "password": "accordo-demo"}),
        )
        .await;
    assert_eq!(session.status, StatusCode::OK);
    let sessions = app.get("/api/v1/me/sessions", &token).await.json();
    let session_id = sessions[0]["id"].as_str().unwrap().to_owned();
    let mut tx = app.store().write().await.unwrap();
    let notification_id = accordo_service::notifications::notify(
        &app.platform,
        &mut tx,
        "IT-UI",
        None,
        "test",
        &format!("Request received {CANARY}"),
        "A readmission reply arrived.",
        None,
    )
    .await
    .unwrap()
    .to_string();
    tx.commit().await.unwrap();
    let csv = format!(
        "issuing_state,document_type,document_number,status,reported_on,notes\nUTO,P,L898902C3,stolen,2026-11-01,seen in {CANARY}\n"
    );
    let imported = accordo_documents_app::service::import_csv(
        &app.platform,
        &accordo_service::demo::command_line_ctx(),
        "IT-UI",
        csv.as_bytes(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(
        imported,
        accordo_documents_app::service::Imported::Written(1)
    );
    let reports = app.get("/api/v1/documents/reports", &admin).await.json();
    let report_id = reports[0]["id"].as_str().unwrap().to_owned();
    // IT-UI's only user is a caseworker; its alert is published as an officer of IT-UI would.
    let it_ui_officer = accordo_service::Ctx {
        actor: accordo_domain::Actor {
            user_id: uuid::Uuid::now_v7(),
            username: "victim.officer".into(),
            agency: accordo_domain::AgencyCode::parse("IT-UI").unwrap(),
            country: Some(accordo_domain::CountryCode::parse("ITA").unwrap()),
            roles: [accordo_domain::Role::Officer].into_iter().collect(),
            operator: false,
            mandate: Vec::new(),
        },
        request_id: None,
    };
    let alert = accordo_documents_app::service::publish_alert(
        &app.platform,
        &it_ui_officer,
        accordo_documents_app::service::NewAlertInput {
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
    let alert_id = alert.id;
    let alert_id = alert_id.to_string();
    let (case_id, request_id, agreement_id, centre_id) = arrange_return_case(app, &token).await;
    let allocation_id = accordo_cooperation_app::service::publish(
        &app.platform,
        &accordo_service::demo::command_line_ctx(),
        accordo_cooperation_app::service::AllocationInput {
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
    .unwrap()
    .id
    .unwrap()
    .to_string();
    Victim {
        allocation_id,
        case_id,
        request_id,
        agreement_id,
        centre_id,
        user_id,
        token,
        token_id,
        session_id,
        notification_id,
        report_id,
        alert_id,
    }
}

/// IT-UI's return case with the canary in the surname, held at a centre monitored by
/// UNHCR, with a safeguard recorded and a readmission request to TN-MI.
async fn arrange_return_case(app: &TestApp, token: &str) -> (String, String, String, String) {
    let agreements = app.get("/api/v1/returns/agreements", token).await.json();
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
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let centre = made.json()["id"].as_str().unwrap().to_owned();
    let created = app
        .post(
            "/api/v1/returns/cases",
            Some(token),
            json!({"person": {"surname": CANARY, "given_names": "TEST", "date_of_birth": "1990-01-01", "claimed_nationality": "TUN"},
                   "asylum": "rejected", "return_decision_date": "2026-10-01", "centre": centre}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let case_id = created.json()["id"].as_str().unwrap().to_owned();
    let safeguard = app
        .post(
            &format!("/api/v1/returns/cases/{case_id}/safeguards"),
            Some(token),
            json!({"kind": "vulnerability_screening", "note": "screened, no vulnerability found"}),
        )
        .await;
    assert_eq!(safeguard.status, StatusCode::CREATED, "{}", safeguard.text);
    let request = app
        .post(
            &format!("/api/v1/returns/cases/{case_id}/readmission-requests"),
            Some(token),
            json!({"partner_agency": "TN-MI", "evidence": [{"kind": "passport_copy", "note": "copy on file"}]}),
        )
        .await;
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.text);
    let request_id = request.json()["id"].as_str().unwrap().to_owned();
    (case_id, request_id, agreement_id, centre.to_string())
}

fn concrete(template: &str, victim: &Victim) -> String {
    let id = if template.starts_with("/api/v1/returns/cases/") {
        &victim.case_id
    } else if template.starts_with("/api/v1/returns/readmission-requests/") {
        &victim.request_id
    } else if template.starts_with("/api/v1/returns/agreements/") {
        &victim.agreement_id
    } else if template.starts_with("/api/v1/returns/centres/") {
        &victim.centre_id
    } else if template.starts_with("/api/v1/quotas/allocations/") {
        &victim.allocation_id
    } else if template.starts_with("/api/v1/tokens/") {
        &victim.token_id
    } else if template.starts_with("/api/v1/sessions/") {
        &victim.session_id
    } else if template.starts_with("/api/v1/notifications/") {
        &victim.notification_id
    } else if template.starts_with("/api/v1/documents/reports/") {
        &victim.report_id
    } else if template.starts_with("/api/v1/documents/alerts/") {
        &victim.alert_id
    } else {
        &victim.user_id
    };
    template
        .replace("{id}", id)
        .replace("{kind}", "session")
        .replace("{role}", "monitor")
}

#[tokio::test]
async fn every_route_every_role_every_tenant() {
    let probe = common::app_sqlite().await;
    let doc = probe
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    probe.finish().await;
    let documented = routes_in_openapi(&doc);
    let rows = oracle();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let public: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = documented
        .difference(&covered)
        .filter(|r| !public.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );

    let mut failures = Vec::new();
    for (method, template, body, who) in &rows {
        // A fresh installation per route: one route's writes never change another's answer.
        let app = common::app_sqlite().await;
        let victim = arrange(&app).await;
        let path = concrete(template, &victim);
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = (!body.is_null()).then_some(body);

        let anonymous = app.request(method.clone(), &path, None, body).await;
        if anonymous.status != StatusCode::UNAUTHORIZED {
            failures.push(format!(
                "{method} {template} without credentials: {}",
                anonymous.status
            ));
        }
        for user in actors() {
            let token = if user == VICTIM {
                victim.token.clone()
            } else {
                app.token(user).await
            };
            let reply = app.request(method.clone(), &path, Some(&token), body).await;
            let denied = matches!(
                reply.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            );
            let allowed = who.allows(user);
            if allowed && denied {
                failures.push(format!(
                    "{method} {template} as {user}: refused ({}) but should be allowed: {}",
                    reply.status, reply.text
                ));
            }
            if !allowed && !denied {
                failures.push(format!(
                    "{method} {template} as {user}: LEAK, answered {}: {}",
                    reply.status, reply.text
                ));
            }
            if reply.text.contains(CANARY) && !may_see_canary(user, template) {
                failures.push(format!(
                    "{method} {template} as {user}: LEAK of IT-UI data: {}",
                    reply.text
                ));
            }
        }
        app.finish().await;
    }
    assert!(
        failures.is_empty(),
        "{} access failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
