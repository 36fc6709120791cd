//! The returns pillar and the cooperation index through the API, on both engines: a case
//! from the request to the partner to the return, the safeguards (every blocking rule named
//! at once), deadlines in the partner's zone with pauses and late replies, a partner reaching
//! for another's request, the monitor's view without names, the index per partner, and quota
//! allocations (what-if writes nothing, publishing is audited, bad bounds are refused).

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, each_engine};
use serde_json::{Value, json};

const DAY: i64 = 86_400;

/// Sets the TN-MI agreement to known terms (as the operator's admin), so the test does not
/// depend on the demo's figures.
async fn tunisia_terms(app: &TestApp, silence: bool) {
    let admin = app.token("ita.admin").await;
    let list = app.get("/api/v1/returns/agreements", &admin).await.json();
    let tn = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["authority_agency"] == "TN-MI")
        .unwrap()
        .clone();
    let put = app
        .request(
            axum::http::Method::PUT,
            &format!("/api/v1/returns/agreements/{}", tn["id"].as_str().unwrap()),
            Some(&admin),
            Some(&json!({"name": tn["name"], "source": "test terms", "confirmed": false, "version": tn["version"],
                "terms": {"reply_days": 30, "silence_is_acceptance": silence, "accepted_evidence": ["passport", "passport_copy", "interview_record"],
                          "extension_days": null, "pause_on_more_information": true, "travel_document_validity_days": 90,
                          "travel_document_issue_days": null, "transfer_days": 60}})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(put.json()["version"], tn["version"].as_i64().unwrap() + 1);
}

async fn new_case(app: &TestApp, token: &str, body: Value) -> String {
    let made = app.post("/api/v1/returns/cases", Some(token), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.json()["state"], "open");
    made.json()["id"].as_str().unwrap().to_owned()
}

fn tunisian(surname: &str) -> Value {
    json!({"person": {"surname": surname, "given_names": "SAMI", "date_of_birth": "1995-05-05", "claimed_nationality": "TUN"},
           "asylum": "rejected", "return_decision_date": "2026-10-01"})
}

async fn send_request(app: &TestApp, token: &str, case: &str) -> Value {
    let sent = app
        .post(
            &format!("/api/v1/returns/cases/{case}/readmission-requests"),
            Some(token),
            json!({"partner_agency": "TN-MI", "evidence": [{"kind": "interview_record", "note": "interview of 20 November"}]}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    sent.json()
}

async fn transition(app: &TestApp, token: &str, case: &str, body: Value) -> common::Reply {
    app.post(
        &format!("/api/v1/returns/cases/{case}/transitions"),
        Some(token),
        body,
    )
    .await
}

fn rules(reply: &common::Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text);
    reply.json()["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_case_goes_from_request_to_return_through_the_partners_inbox() {
    each_engine(|app| async move {
        tunisia_terms(&app, false).await;
        let cw = app.token("ita.caseworker").await;
        let tn = app.token("tun.partner_authority").await;
        let pk = app.token("pak.partner_authority").await;
        let case = new_case(&app, &cw, tunisian("CAMPIONE")).await;
        // Sent on 2026-11-23 in Tunis: 30 calendar days.
        let sent = send_request(&app, &cw, &case).await;
        assert_eq!(sent["deadline"], "2026-12-23");
        // The deadline ends at midnight in Tunis (UTC+1).
        assert_eq!(sent["due_at"], "2026-12-23T23:00:00Z");
        let id = sent["id"].as_str().unwrap().to_owned();

        // The inbox: Tunisia sees it with the person, Pakistan sees nothing of it.
        let inbox = app
            .get("/api/v1/returns/readmission-requests?open=true", &tn)
            .await
            .json();
        let mine = inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id.as_str())
            .unwrap();
        assert_eq!(mine["person"]["surname"], "CAMPIONE");
        assert_eq!(mine["deadline"]["days_left"], 30);
        let other = app.get("/api/v1/returns/readmission-requests", &pk).await;
        assert!(
            !other.text.contains(&id),
            "PK-MOI must not see TN-MI's request"
        );
        let reach = app
            .get(&format!("/api/v1/returns/readmission-requests/{id}"), &pk)
            .await;
        assert_eq!(reach.status, StatusCode::NOT_FOUND);
        let meddle = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&pk),
                json!({"decision": "rejected", "reason": "not ours"}),
            )
            .await;
        assert_eq!(meddle.status, StatusCode::NOT_FOUND);

        // More information stops the clock for the days it lasts.
        let asked = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "more_information", "reason": "place of birth?"}),
            )
            .await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
        assert_eq!(asked.json()["deadline"]["paused"], true);
        let empty = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "rejected"}),
            )
            .await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a rejection needs its reason"
        );
        app.clock.advance(5 * DAY);
        let answered = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/information"),
                Some(&cw),
                json!({"answer": "Sfax, as declared"}),
            )
            .await;
        assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
        assert_eq!(answered.json()["deadline"]["date"], "2026-12-28");
        assert_eq!(answered.json()["deadline"]["paused"], false);

        // Before confirmation, scheduling names what is missing.
        let early = transition(
            &app,
            &cw,
            &case,
            json!({"to": "scheduled", "kind": "flight", "date": "2026-12-10"}),
        )
        .await;
        assert_eq!(
            rules(&early),
            ["readmission_not_confirmed", "travel_document_missing"]
        );

        let confirmed = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "confirmed"}),
            )
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
        assert_eq!(confirmed.json()["late"], false);
        let again = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "rejected", "reason": "changed our mind"}),
            )
            .await;
        assert_eq!(rules(&again), ["already_answered"]);
        let view = app
            .get(&format!("/api/v1/returns/cases/{case}"), &cw)
            .await
            .json();
        assert_eq!(view["state"], "nationality_confirmed");

        let no_document = transition(
            &app,
            &cw,
            &case,
            json!({"to": "scheduled", "kind": "flight", "date": "2026-12-10"}),
        )
        .await;
        assert_eq!(rules(&no_document), ["travel_document_missing"]);
        // A laissez-passer valid too briefly for the agreement's 90 days is refused.
        let short = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/travel-document"),
                Some(&tn),
                json!({"number": "LP-7781", "valid_until": "2027-01-15"}),
            )
            .await;
        assert_eq!(
            short.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            short.text
        );
        assert_eq!(short.json()["field"], "valid_until");
        assert!(short.text.contains("90 days"), "{}", short.text);
        let issued = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/travel-document"),
                Some(&tn),
                json!({"number": "LP-7782", "valid_until": "2027-06-30"}),
            )
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.text);
        // On the day of the return the document must still be valid, and the transfer
        // within the agreement's 60 days of the confirmation (2026-11-28).
        let expired = transition(
            &app,
            &cw,
            &case,
            json!({"to": "scheduled", "kind": "charter", "date": "2027-07-02"}),
        )
        .await;
        assert_eq!(
            rules(&expired),
            [
                "transfer_period_exceeded",
                "travel_document_validity_too_short"
            ]
        );
        let late_transfer = transition(
            &app,
            &cw,
            &case,
            json!({"to": "scheduled", "kind": "charter", "date": "2027-02-01"}),
        )
        .await;
        assert_eq!(rules(&late_transfer), ["transfer_period_exceeded"]);
        let scheduled = transition(
            &app,
            &cw,
            &case,
            json!({"to": "scheduled", "kind": "charter", "date": "2026-12-10"}),
        )
        .await;
        assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.text);
        assert_eq!(scheduled.json()["state"], "scheduled");
        let future = transition(
            &app,
            &cw,
            &case,
            json!({"to": "executed", "date": "2026-12-10"}),
        )
        .await;
        assert_eq!(rules(&future), ["date_in_future"]);
        app.clock.advance(15 * DAY);
        let done = transition(
            &app,
            &cw,
            &case,
            json!({"to": "executed", "date": "2026-12-10"}),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        let after = transition(&app, &cw, &case, json!({"to": "closed", "reason": "again"})).await;
        assert_eq!(rules(&after), ["out_of_order"]);

        // The partner's steps reached the caseworker's agency, and the log has every step.
        let notes = app.get("/api/v1/notifications", &cw).await.text;
        assert!(
            notes.contains("Richieste ulteriori informazioni")
                && notes.contains("Documento di viaggio rilasciato"),
            "the caseworker reads them in the language of its account: {notes}"
        );
        let admin = app.token("ita.admin").await;
        let log = app
            .get(&format!("/api/v1/audit?resource_id={case}"), &admin)
            .await
            .text;
        for action in [
            "return_case.create",
            "return_case.transition",
            "return_case.read",
        ] {
            assert!(log.contains(action), "{action} missing from the audit log");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn the_safeguards_block_scheduling_and_name_every_rule_at_once() {
    each_engine(|app| async move {
        let cw = app.token("ita.caseworker").await;
        let minor = new_case(
            &app,
            &cw,
            json!({"person": {"surname": "MODULO", "given_names": "KARIM", "date_of_birth": "2011-02-02", "claimed_nationality": "TUN"},
                   "vulnerabilities": ["minor", "unaccompanied"], "asylum": "appeal_pending", "return_decision_date": null}),
        )
        .await;
        let refused = transition(&app, &cw, &minor, json!({"to": "scheduled", "kind": "assisted_voluntary", "date": "2026-12-01"})).await;
        assert_eq!(
            rules(&refused),
            [
                "asylum_pending",
                "best_interests_assessment_missing",
                "return_decision_missing",
                "readmission_not_confirmed",
                "travel_document_missing"
            ]
        );
        assert!(refused.json()["detail"].as_str().unwrap().contains("asylum_pending"));
        // The case page says the same before anyone tries.
        let view = app.get(&format!("/api/v1/returns/cases/{minor}"), &cw).await.json();
        let schedule = view["next"].as_array().unwrap().iter().find(|s| s["to"] == "scheduled").unwrap();
        assert!(schedule["blocked_by"].to_string().contains("best_interests_assessment_missing"));
        // Recording the assessment and the appeal's outcome lifts those two rules only.
        let bia = app
            .post(&format!("/api/v1/returns/cases/{minor}/safeguards"), Some(&cw),
                  json!({"kind": "best_interests_assessment", "note": "assessment by the social services of Rome"}))
            .await;
        assert_eq!(bia.status, StatusCode::CREATED, "{}", bia.text);
        let patched = app
            .request(axum::http::Method::PATCH, &format!("/api/v1/returns/cases/{minor}"), Some(&cw),
                     Some(&json!({"asylum": "rejected", "return_decision_date": "2026-11-20"})))
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
        let still = transition(&app, &cw, &minor, json!({"to": "scheduled", "kind": "assisted_voluntary", "date": "2026-12-01"})).await;
        assert_eq!(rules(&still), ["readmission_not_confirmed", "travel_document_missing"]);
        // Bad input names its field; nothing is written.
        for (body, field) in [
            (json!({"to": "scheduled", "kind": "rowing boat", "date": "2026-12-01"}), "kind"),
            (json!({"to": "scheduled", "kind": "flight", "date": "1 December"}), "date"),
            (json!({"to": "executed"}), "date"),
            (json!({"to": "readmission_requested"}), "to"),
        ] {
            let bad = transition(&app, &cw, &minor, body).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
            assert_eq!(bad.json()["field"], field);
        }
        let bad_case = app
            .post("/api/v1/returns/cases", Some(&cw), json!({"person": {"surname": "X", "claimed_nationality": "ZZZ"}, "asylum": "none"}))
            .await;
        assert_eq!(bad_case.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_case.json()["field"], "person.claimed_nationality");
        let view = app.get(&format!("/api/v1/returns/cases/{minor}"), &cw).await.json();
        assert_eq!(view["state"], "open");
        app
    })
    .await;
}

#[tokio::test]
async fn late_replies_are_recorded_and_silence_can_be_acceptance() {
    each_engine(|app| async move {
        tunisia_terms(&app, false).await;
        let cw = app.token("ita.caseworker").await;
        let tn = app.token("tun.partner_authority").await;
        let case = new_case(&app, &cw, tunisian("SAGGIO")).await;
        let id = send_request(&app, &cw, &case).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.clock.advance(31 * DAY);
        let late = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "confirmed"}),
            )
            .await;
        assert_eq!(
            late.status,
            StatusCode::OK,
            "a late reply is recorded, not refused: {}",
            late.text
        );
        assert_eq!(late.json()["late"], true);

        // Under an agreement where silence is acceptance, the request reads as accepted the
        // day after the deadline, and the partner may issue the travel document.
        tunisia_terms(&app, true).await;
        let case = new_case(&app, &cw, tunisian("SCHEMA")).await;
        let id = send_request(&app, &cw, &case).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.clock.advance(30 * DAY);
        let due = app
            .get(&format!("/api/v1/returns/readmission-requests/{id}"), &tn)
            .await
            .json();
        assert_eq!(due["status"], "pending", "the last day is still in time");
        assert_eq!(due["deadline"]["days_left"], 0);
        app.clock.advance(DAY);
        let silent = app
            .get(&format!("/api/v1/returns/readmission-requests/{id}"), &cw)
            .await
            .json();
        assert_eq!(silent["status"], "deemed_accepted");
        let view = app
            .get(&format!("/api/v1/returns/cases/{case}"), &cw)
            .await
            .json();
        let schedule = view["next"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["to"] == "scheduled")
            .unwrap();
        assert!(
            !schedule["blocked_by"]
                .to_string()
                .contains("readmission_not_confirmed")
        );
        let issued = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/travel-document"),
                Some(&tn),
                json!({"number": "LP1", "valid_until": "2027-12-31"}),
            )
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.text);
        assert_eq!(issued.json()["status"], "deemed_accepted");
        assert_eq!(
            issued.json()["reply_reason"],
            "accepted by silence under the agreement"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_monitor_reads_centres_without_names_and_writes_nothing() {
    each_engine(|app| async move {
        let monitor = app.token("unhcr.monitor").await;
        let centres = app.get("/api/v1/returns/centres", &monitor).await.json();
        let centres = centres.as_array().unwrap();
        assert_eq!(
            centres.len(),
            2,
            "the demo's two centres are monitored by UNHCR"
        );
        let ponte = centres
            .iter()
            .find(|c| c["name"].as_str().unwrap().contains("Ponte Galeria"))
            .unwrap();
        assert!(ponte["occupancy"].as_i64().unwrap() >= 1);
        let report = app
            .get(
                &format!(
                    "/api/v1/returns/centres/{}?from=2026-10-15&to=2026-11-23",
                    ponte["id"].as_str().unwrap()
                ),
                &monitor,
            )
            .await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.text);
        let body = report.json();
        assert_eq!(body["occupancy"].as_array().unwrap().len(), 40);
        // The legal information given on 2026-10-21, within the period.
        let safeguards = body["safeguards"].as_array().unwrap();
        assert_eq!(safeguards.len(), 1, "{safeguards:?}");
        assert_eq!(safeguards[0]["kind"], "legal_information");
        // The demo's person held there is FITTIZIO AHMED: never named to the monitor.
        assert!(!report.text.contains("FITTIZIO") && !report.text.contains("AHMED"));
        // The case is named by its pseudonym at this centre, which no case id gives away:
        // the caseworker, who knows the case, sees the same reference on its stay.
        let case_ref = body["stays"][0]["case_ref"].as_str().unwrap().to_owned();
        assert_eq!(case_ref.len(), 10);
        assert_eq!(safeguards[0]["case_ref"], case_ref.as_str());
        let cw = app.token("ita.caseworker").await;
        let cases = app.get("/api/v1/returns/cases", &cw).await.json();
        let held = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["surname"] == "FITTIZIO")
            .expect("the demo's person held at Ponte Galeria");
        let held_id = held["id"].as_str().unwrap();
        assert!(
            !held_id.replace('-', "").contains(&case_ref),
            "the reference {case_ref} is part of the case id {held_id}"
        );
        let case = app
            .get(&format!("/api/v1/returns/cases/{held_id}"), &cw)
            .await
            .json();
        assert!(
            case["stays"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["case_ref"] == case_ref.as_str()),
            "{case}"
        );
        assert!(case["safeguards"][0].get("case_ref").is_none());
        // No case, no request, no write.
        let some_case = cases[0]["id"].as_str().unwrap();
        assert_eq!(
            app.get(&format!("/api/v1/returns/cases/{some_case}"), &monitor)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let write = transition(
            &app,
            &monitor,
            some_case,
            json!({"to": "closed", "reason": "monitor"}),
        )
        .await;
        assert!(matches!(
            write.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ));
        let too_long = app
            .get(
                &format!(
                    "/api/v1/returns/centres/{}?from=2024-01-01&to=2026-11-23",
                    ponte["id"].as_str().unwrap()
                ),
                &monitor,
            )
            .await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}

#[tokio::test]
async fn the_index_is_per_partner_versioned_and_allocates_quotas_exactly() {
    each_engine(|app| async move {
        let analyst = app.token("ita.analyst").await;
        let pk = app.token("pak.partner_authority").await;
        // Under the first policy (the demo's latest is the second, which counts pre-departure
        // training).
        let all = app.get("/api/v1/cooperation/scores?year=2026&policy_version=1", &analyst).await.json();
        let all = all.as_array().unwrap();
        let countries: Vec<&str> = all.iter().map(|s| s["country"].as_str().unwrap()).collect();
        assert_eq!(countries.len(), 3, "{countries:?}");
        for s in all {
            let points: f64 = s["contributions"].as_array().unwrap().iter().map(|c| c["points"].as_f64().unwrap()).sum();
            assert!((points - s["score"].as_f64().unwrap()).abs() < 1e-6, "contributions add up to the score");
            assert!(s["sources"]["answered_in_time"].is_string(), "computed from the platform's requests");
        }
        let tun = all.iter().find(|s| s["country"] == "TUN").unwrap();
        assert!(tun["sources"]["eurostat_return_rate"].as_str().unwrap().contains("Eurostat 2016"));
        // A partner sees its own score only.
        let own = app.get("/api/v1/cooperation/scores?year=2026", &pk).await.json();
        assert_eq!(own.as_array().unwrap().len(), 1);
        assert_eq!(own[0]["country"], "PAK");

        // A policy whose weights do not add up is refused; a good one is a new version, and
        // the old version's scores stay as they were.
        let bad = app
            .post("/api/v1/cooperation/policies", Some(&analyst), json!({"note": "test", "policy": {"indicators": [
                {"indicator": "identification_rate", "weight": 0.5, "worst": 0, "best": 1},
                {"indicator": "answered_in_time", "weight": 0.4, "worst": 0, "best": 1}]}}))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("add up to 0.9"), "{}", bad.text);
        let v2 = app
            .post("/api/v1/cooperation/policies", Some(&analyst), json!({"note": "identification only", "policy": {"indicators": [
                {"indicator": "identification_rate", "weight": 1, "worst": 0, "best": 1}]}}))
            .await;
        assert_eq!(v2.status, StatusCode::CREATED, "{}", v2.text);
        assert_eq!(v2.json()["version"], 3, "after the demo's two");
        let v1_again = app.get("/api/v1/cooperation/scores?year=2026&policy_version=1", &analyst).await.json();
        assert_eq!(v1_again.to_string(), Value::Array(all.clone()).to_string());

        // What-if writes nothing; publishing divides exactly and is audited.
        let before = app.get("/api/v1/quotas/allocations", &analyst).await.json();
        let what_if = app
            .post("/api/v1/quotas/what-if", Some(&analyst), json!({"year": 2026, "category": "seasonal agriculture, reserved", "seats": 4875,
                "policy_version": 1, "weights": {"answered_in_time": 0.6, "median_reply_days": 0.0}}))
            .await;
        assert_eq!(what_if.status, StatusCode::UNPROCESSABLE_ENTITY, "a zero weight is refused: {}", what_if.text);
        let what_if = app
            .post("/api/v1/quotas/what-if", Some(&analyst), json!({"year": 2026, "category": "seasonal agriculture, reserved", "seats": 4875,
                "policy_version": 1, "method": "sainte-lague", "weights": {"answered_in_time": 0.30, "median_reply_days": 0.05}, "floors": {"TUR": 500}}))
            .await;
        assert_eq!(what_if.status, StatusCode::OK, "{}", what_if.text);
        for side in ["baseline", "proposed"] {
            let lines = what_if.json()[side]["lines"].as_array().unwrap().clone();
            assert_eq!(lines.iter().map(|l| l["seats"].as_u64().unwrap()).sum::<u64>(), 4875, "{side}");
            assert!(lines.iter().find(|l| l["country"] == "TUR").unwrap()["seats"].as_u64().unwrap() >= 500);
        }
        assert_eq!(app.get("/api/v1/quotas/allocations", &analyst).await.json(), before);
        let floors = app
            .post("/api/v1/quotas/allocations", Some(&analyst), json!({"year": 2026, "category": "x", "seats": 100, "floors": {"TUN": 80, "PAK": 30}}))
            .await;
        assert_eq!(floors.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(floors.text.contains("floors add up to 110"), "{}", floors.text);
        let published = app
            .post("/api/v1/quotas/allocations", Some(&analyst), json!({"year": 2026, "category": "seasonal agriculture, reserved", "seats": 4875, "method": "dhondt", "policy_version": 1}))
            .await;
        assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
        let id = published.json()["id"].as_str().unwrap().to_owned();
        // Published quotas are public; the scores behind them follow the index's rule.
        let seen = app.get(&format!("/api/v1/quotas/allocations/{id}"), &pk).await.json();
        for line in seen["lines"].as_array().unwrap() {
            if line["country"] == "PAK" {
                assert!(line["score"].is_number(), "its own score");
            } else {
                assert!(line["score"].is_null(), "{line}");
                assert!(line["contributions"].as_array().unwrap().is_empty());
            }
        }
        let csv = app.get(&format!("/api/v1/quotas/allocations/{id}?format=csv"), &pk).await;
        assert_eq!(csv.status, StatusCode::OK);
        let total: u64 = csv.text.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap()).sum();
        assert_eq!(total, 4875);
        let admin = app.token("ita.admin").await;
        let log = app.get(&format!("/api/v1/audit?resource_id={id}"), &admin).await.text;
        assert!(log.contains("quota_allocation.publish"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_published_allocation_and_a_policy_version_cannot_be_changed_even_in_the_database() {
    each_engine(|app| async move {
        let analyst = app.token("ita.analyst").await;
        let published = app
            .post(
                "/api/v1/quotas/allocations",
                Some(&analyst),
                json!({"year": 2026, "category": "test", "seats": 10}),
            )
            .await;
        assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
        let id = published.json()["id"].as_str().unwrap().to_owned();
        let pool = app.store().pool();
        for sql in [
            format!("UPDATE quota_allocations SET seats = 11 WHERE id = '{id}'"),
            format!("DELETE FROM quota_allocations WHERE id = '{id}'"),
            "UPDATE cooperation_policies SET note = 'rewritten' WHERE version = 1".to_owned(),
            "DELETE FROM cooperation_policies WHERE version = 1".to_owned(),
        ] {
            assert!(
                sqlx::query(&sql).execute(pool).await.is_err(),
                "{sql} must be refused"
            );
        }
        let again = app
            .get(&format!("/api/v1/quotas/allocations/{id}"), &analyst)
            .await
            .json();
        assert_eq!(again["seats"], 10);
        app
    })
    .await;
}

#[tokio::test]
async fn a_new_centre_is_monitored_and_a_person_moved_there_ends_the_previous_stay() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let cw = app.token("ita.caseworker").await;
        let monitor = app.token("unhcr.monitor").await;
        let bad = app
            .post("/api/v1/returns/centres", Some(&admin), json!({"name": "Bari", "country": "ITA", "capacity": 0}))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["field"], "capacity");
        let made = app
            .post("/api/v1/returns/centres", Some(&admin), json!({"name": "CPR Bari (test)", "country": "ITA", "capacity": 30, "monitored_by": "UNHCR"}))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let bari = made.json()["id"].as_str().unwrap().to_owned();
        let seen = app.get("/api/v1/returns/centres", &monitor).await.text;
        assert!(seen.contains("CPR Bari (test)"), "the monitor reads the centres addressed to it");

        let case = new_case(&app, &cw, tunisian("TIPO")).await;
        let first = app.post(&format!("/api/v1/returns/cases/{case}/stays"), Some(&cw), json!({"centre": bari, "from": "2026-11-01"})).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text);
        let centres = app.get("/api/v1/returns/centres", &admin).await.json();
        let ponte = centres.as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().contains("Ponte")).unwrap()["id"].as_str().unwrap().to_owned();
        let before = app.post(&format!("/api/v1/returns/cases/{case}/stays"), Some(&cw), json!({"centre": ponte, "from": "2026-10-01"})).await;
        assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY, "a move cannot start before the current stay");
        let moved = app.post(&format!("/api/v1/returns/cases/{case}/stays"), Some(&cw), json!({"centre": ponte, "from": "2026-11-20"})).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
        let stays = moved.json();
        assert_eq!(stays.as_array().unwrap().len(), 2);
        assert_eq!(stays[0]["until_on"], "2026-11-20");
        assert_eq!(stays[0]["days"], 20);
        assert!(stays[1]["until_on"].is_null());
        let report = app.get(&format!("/api/v1/returns/centres/{bari}?from=2026-11-01&to=2026-11-23"), &monitor).await.json();
        let present: Vec<i64> = report["occupancy"].as_array().unwrap().iter().map(|d| d["present"].as_i64().unwrap()).collect();
        assert_eq!(present[0], 1);
        assert_eq!(present[22], 0, "moved out on the 20th");
        assert_eq!(report["median_stay_days"], 20.0);
        app
    })
    .await;
}

#[tokio::test]
async fn the_partner_takes_the_extension_its_agreement_allows_once() {
    each_engine(|app| async move {
        let pk = app.token("pak.partner_authority").await;
        let cw = app.token("ita.caseworker").await;
        let inbox = app
            .get("/api/v1/returns/readmission-requests?open=true", &pk)
            .await
            .json();
        let pending = inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == "pending" && r["person"]["surname"] == "FITTIZIO")
            .unwrap()
            .clone();
        let id = pending["id"].as_str().unwrap();
        let days = pending["terms"]["extension_days"]
            .as_i64()
            .expect("the EU–Pakistan terms allow an extension");
        let before: jiff::civil::Date = pending["deadline"]["date"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let cw_try = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/extension"),
                Some(&cw),
                json!(null),
            )
            .await;
        assert_eq!(rules(&cw_try), ["only_the_requested_authority_extends"]);
        let taken = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/extension"),
                Some(&pk),
                json!(null),
            )
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{}", taken.text);
        let after: jiff::civil::Date = taken.json()["deadline"]["date"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(before.until(after).unwrap().get_days() as i64, days);
        assert_eq!(taken.json()["extended"], true);
        let again = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/extension"),
                Some(&pk),
                json!(null),
            )
            .await;
        assert_eq!(rules(&again), ["already_extended"]);
        // Tunisia's agreement (as the test sets it) has none.
        tunisia_terms(&app, false).await;
        let case = new_case(&app, &cw, tunisian("MODELLO")).await;
        let tn_id = send_request(&app, &cw, &case).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let tn = app.token("tun.partner_authority").await;
        let none = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{tn_id}/extension"),
                Some(&tn),
                json!(null),
            )
            .await;
        assert_eq!(rules(&none), ["no_extension_under_the_agreement"]);
        app
    })
    .await;
}

#[tokio::test]
async fn review_fixes_hold_nationality_withdrawal_silence_stale_writes_and_bounds() {
    each_engine(|app| async move {
        tunisia_terms(&app, true).await;
        let cw = app.token("ita.caseworker").await;
        let tn = app.token("tun.partner_authority").await;
        let analyst = app.token("ita.analyst").await;
        // A Tunisian is never sent to Pakistan's authority.
        let case = new_case(&app, &cw, tunisian("ESERCIZIO")).await;
        let wrong = app
            .post(
                &format!("/api/v1/returns/cases/{case}/readmission-requests"),
                Some(&cw),
                json!({"partner_agency": "PK-MOI", "evidence": [{"kind": "interview_record"}]}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.text.contains("claims TUN nationality"),
            "{}",
            wrong.text
        );
        // Ask, answer, ask again on the same day: two pauses.
        let id = send_request(&app, &cw, &case).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for _ in 0..2 {
            let asked = app
                .post(
                    &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                    Some(&tn),
                    json!({"decision": "more_information", "reason": "which town?"}),
                )
                .await;
            assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
            let answered = app
                .post(
                    &format!("/api/v1/returns/readmission-requests/{id}/information"),
                    Some(&cw),
                    json!({"answer": "Sfax"}),
                )
                .await;
            assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
        }
        // Closing the case withdraws what still waits in the partner's inbox.
        let closed = transition(
            &app,
            &cw,
            &case,
            json!({"to": "closed", "reason": "left the territory"}),
        )
        .await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
        let inbox = app
            .get("/api/v1/returns/readmission-requests?open=true", &tn)
            .await
            .text;
        assert!(
            !inbox.contains(&id),
            "a closed case's request left in the inbox"
        );
        let late = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{id}/reply"),
                Some(&tn),
                json!({"decision": "confirmed"}),
            )
            .await;
        assert_eq!(rules(&late), ["request_withdrawn"]);

        // Silence: accepted, a travel document recorded, but never counted as a reply.
        let before = app
            .get("/api/v1/cooperation/scores?year=2026", &analyst)
            .await
            .json();
        let tun_before = before
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["country"] == "TUN")
            .unwrap()
            .clone();
        let silent_case = new_case(&app, &cw, tunisian("MODULO")).await;
        let silent = send_request(&app, &cw, &silent_case).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.clock.advance(31 * DAY);
        let question = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{silent}/reply"),
                Some(&tn),
                json!({"decision": "more_information", "reason": "too late to ask"}),
            )
            .await;
        assert_eq!(rules(&question), ["deemed_accepted"]);
        let document = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{silent}/travel-document"),
                Some(&tn),
                json!({"number": "LP9", "valid_until": "2027-12-31"}),
            )
            .await;
        assert_eq!(document.status, StatusCode::OK, "{}", document.text);
        assert_eq!(document.json()["status"], "deemed_accepted");
        assert!(document.json()["replied_on"].is_null());
        let after = app
            .get("/api/v1/cooperation/scores?year=2026", &analyst)
            .await
            .json();
        let tun_after = after
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["country"] == "TUN")
            .unwrap()
            .clone();
        let share = |s: &Value| s["values"]["answered_in_time"].as_f64().unwrap();
        assert!(
            share(&tun_after) < share(&tun_before),
            "silence lowers the share answered in time"
        );
        assert!(
            tun_after["sources"]["travel_documents_per_confirmation"]
                .as_str()
                .unwrap()
                .contains("acceptances by silence")
        );

        // A write based on a stale read is refused by the store: see the returns crate's
        // `store::tests`.

        // Bounds: no endless report, no panic on a strange year.
        let monitor = app.token("unhcr.monitor").await;
        let centres = app.get("/api/v1/returns/centres", &monitor).await.json();
        let centre = centres[0]["id"].as_str().unwrap();
        let far = app
            .get(
                &format!("/api/v1/returns/centres/{centre}?from=9999-12-01&to=9999-12-31"),
                &monitor,
            )
            .await;
        assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
        for year in ["99999", "-5", "1999"] {
            let odd = app
                .get(&format!("/api/v1/cooperation/scores?year={year}"), &analyst)
                .await;
            assert!(
                matches!(
                    odd.status,
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
                ),
                "year {year}: {}",
                odd.status
            );
        }
        let what_if = app
            .post(
                "/api/v1/quotas/what-if",
                Some(&analyst),
                json!({"year": 40000, "category": "x", "seats": 10}),
            )
            .await;
        assert_eq!(what_if.status, StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}

#[tokio::test]
async fn a_listing_of_people_says_in_the_log_whose_data_it_showed() {
    each_engine(|app| async move {
        let pk = app.token("pak.partner_authority").await;
        let inbox = app
            .get("/api/v1/returns/readmission-requests", &pk)
            .await
            .json();
        let first_case = inbox[0]["case_id"].as_str().unwrap().to_owned();
        let admin = app.token("ita.admin").await;
        let log = app
            .get("/api/v1/audit?action=readmission_request.list", &admin)
            .await
            .json();
        let entry = log
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["actor"] == "pak.partner_authority" || e["actor_name"] == "pak.partner_authority"
            })
            .unwrap_or(&log[0])
            .clone();
        assert!(entry.to_string().contains(&first_case), "{entry}");
        app
    })
    .await;
}

#[tokio::test]
async fn retention_blanks_a_finished_case_and_keeps_its_counts() {
    each_engine(|app| async move {
        tunisia_terms(&app, false).await;
        let cw = app.token("ita.caseworker").await;
        let admin = app.token("ita.admin").await;
        let case = new_case(&app, &cw, tunisian("BOZZA")).await;
        let doc = app
            .post(&format!("/api/v1/returns/cases/{case}/documents"), Some(&cw),
                  json!({"kind": "passport_copy", "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}))
            .await;
        assert_eq!(doc.status, StatusCode::CREATED, "{}", doc.text);
        let request = send_request(&app, &cw, &case).await["id"].as_str().unwrap().to_owned();
        let open_case = new_case(&app, &cw, tunisian("SCHEMA")).await;
        let closed = transition(&app, &cw, &case, json!({"to": "closed", "reason": "left"})).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
        for kind in ["return_case", "case_document", "readmission_request"] {
            let set = app
                .request(axum::http::Method::PUT, &format!("/api/v1/settings/retention/{kind}"), Some(&admin), Some(&json!({"keep_days": 365})))
                .await;
            assert_eq!(set.status, StatusCode::NO_CONTENT, "{kind}: {}", set.text);
        }
        app.clock.advance(366 * DAY);
        let done = accordo_service::retention::run(&app.platform, &accordo_service::demo::command_line_ctx(), |_| {})
            .await
            .unwrap();
        let affected = |kind: &str| done.iter().find(|o| o.kind == kind).unwrap().affected;
        assert!(affected("return_case") >= 1 && affected("case_document") >= 1 && affected("readmission_request") >= 1);
        let cw = app.token("ita.caseworker").await;
        let view = app.get(&format!("/api/v1/returns/cases/{case}"), &cw).await.json();
        assert_eq!(view["person"]["surname"], "");
        assert!(view["person"]["date_of_birth"].is_null());
        assert_eq!(view["state"], "closed", "the case stays, for the counts");
        assert!(view["documents"].as_array().unwrap().is_empty());
        let req = app.get(&format!("/api/v1/returns/readmission-requests/{request}"), &cw).await.json();
        assert_eq!(req["evidence"], json!([]));
        // A case still open keeps everything.
        let open = app.get(&format!("/api/v1/returns/cases/{open_case}"), &cw).await.json();
        assert_eq!(open["person"]["surname"], "SCHEMA");
        app
    })
    .await;
}

/// A case whose first request was rejected and whose second awaits a reply is listed with the
/// second's status and deadline, and counts as at risk when that deadline is near (the
/// listing once took the first request it saw, the oldest).
#[tokio::test]
async fn the_case_list_shows_the_newest_request_of_each_case() {
    each_engine(|app| async move {
        tunisia_terms(&app, false).await;
        let cw = app.token("ita.caseworker").await;
        let tn = app.token("tun.partner_authority").await;
        let case = new_case(&app, &cw, tunisian("RINNOVO")).await;
        let first = send_request(&app, &cw, &case).await;
        let rejected = app
            .post(
                &format!(
                    "/api/v1/returns/readmission-requests/{}/reply",
                    first["id"].as_str().unwrap()
                ),
                Some(&tn),
                json!({"decision": "rejected", "reason": "identity not established"}),
            )
            .await;
        assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
        // A day later, a second request with new evidence.
        app.clock.advance(DAY);
        let second = send_request(&app, &cw, &case).await;
        assert_ne!(second["id"], first["id"]);

        let list = app.get("/api/v1/returns/cases", &cw).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let listed = list.json();
        let row = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == case.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["request_status"], "pending", "{row}");
        assert_eq!(row["deadline"], second["deadline"], "{row}");
        assert_eq!(row["days_left"], 30, "{row}");
        app
    })
    .await;
}

/// The host state's records are dated in its zone, a setting: at 09:00 UTC on 23 November it
/// is still the 22nd in Pago Pago.
#[tokio::test]
async fn the_host_states_calendar_follows_its_time_zone_setting() {
    let db = accordo_store::testing::TestDb::sqlite().await;
    let clock = std::sync::Arc::new(accordo_domain::clock::FixedClock::at(
        "2026-11-23T09:00:00Z".parse().unwrap(),
    ));
    let cores = accordo_server::Module::cores(accordo::MODULES);
    let today = |zone: &str| {
        let settings = accordo_service::Settings {
            host_time_zone: zone.to_owned(),
            ..accordo_service::Settings::default()
        };
        let platform = accordo_service::Platform::with_clock(
            db.store.clone(),
            settings,
            clock.clone(),
            &cores,
        );
        accordo_returns_app::service::host_today(&platform).to_string()
    };
    assert_eq!(today("Europe/Rome"), "2026-11-23");
    assert_eq!(today("Pacific/Pago_Pago"), "2026-11-22");
    db.drop_db().await;
}

#[tokio::test]
async fn dates_are_iso_calendar_days_and_plausible() {
    each_engine(|app| async move {
        let cw = app.token("ita.caseworker").await;
        let person = |birth: &str| {
            json!({"person": {"surname": "DATA", "given_names": "PROVA", "date_of_birth": birth, "claimed_nationality": "TUN"}, "asylum": "none"})
        };
        for bad in ["20260101", " 2001-01-01", "+002001-01-01", "0000-01-01", "2001-02-30"] {
            let reply = app.post("/api/v1/returns/cases", Some(&cw), person(bad)).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {}", reply.text);
            assert_eq!(reply.json()["field"], "person.date_of_birth", "{bad:?}");
        }
        // A return decision before the person was born.
        let mut before_birth = person("2001-05-04");
        before_birth["return_decision_date"] = json!("1999-01-01");
        let reply = app.post("/api/v1/returns/cases", Some(&cw), before_birth).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
        assert_eq!(reply.json()["field"], "return_decision_date");
        // A travel document valid until the year 9999.
        let tn = app.token("tun.partner_authority").await;
        let inbox = app.get("/api/v1/returns/readmission-requests", &tn).await.json();
        let request = inbox[0]["id"].as_str().unwrap();
        let reply = app
            .post(
                &format!("/api/v1/returns/readmission-requests/{request}/travel-document"),
                Some(&tn),
                json!({"number": "LP9", "valid_until": "9999-12-31"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
        assert_eq!(reply.json()["field"], "valid_until");
        // `%` and `_` in a search are characters, not wildcards.
        let officer = app.token("ita.officer").await;
        let all = app.get("/api/v1/documents/reports", &officer).await.json();
        assert!(!all.as_array().unwrap().is_empty());
        for pattern in ["%25", "_", "Y%25", "Y_"] {
            let found = app
                .get(&format!("/api/v1/documents/reports?number={pattern}"), &officer)
                .await;
            assert_eq!(found.status, StatusCode::UNPROCESSABLE_ENTITY, "{pattern}: {}", found.text);
            assert_eq!(found.json()["field"], "number");
        }
        let prefix = app.get("/api/v1/documents/reports?number=ya-765", &officer).await.json();
        assert_eq!(prefix.as_array().unwrap().len(), 1, "{prefix}");
        app
    })
    .await;
}
