//! The documents pillar through the API, on both engines: a check's verdicts, register hits
//! audited and notified, withdrawal, all-or-nothing import, batch limits, and (on
//! PostgreSQL) a second node's index following the first node's writes.

#![allow(clippy::unwrap_used)]

use crate::common::{self, wait_for};

use std::time::Duration;

use accordo_documents_app::service::{self as documents, Imported};
use axum::http::StatusCode;
use common::{TestApp, each_engine};
use serde_json::json;

const S1: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const S3: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

async fn report_s1(app: &TestApp, token: &str) -> String {
    let made = app
        .post(
            "/api/v1/documents/reports",
            Some(token),
            json!({"issuing_state": "UTO", "document_type": "P", "document_number": "L898902C3",
                   "status": "stolen", "reported_on": "2026-11-20", "notes": "taken at the port of Bari"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.json()["reporting_agency"], "IT-PS");
    made.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_reported_document_is_a_hit_audited_and_notified_until_withdrawn() {
    each_engine(|app| async move {
        let officer = app.token("ita.officer").await;
        let checker = app.token("pak.officer").await;
        // Before any report: valid and clear.
        let clear = app
            .post(
                "/api/v1/documents/check",
                Some(&checker),
                json!({"mrz": S1}),
            )
            .await;
        assert_eq!(clear.status, StatusCode::OK, "{}", clear.text);
        assert_eq!(clear.json()["verdict"], "clear");
        assert_eq!(clear.json()["mrz"]["valid"], true);
        assert_eq!(
            clear.json()["mrz"]["fields"]["document_number"],
            "L898902C3"
        );

        let id = report_s1(&app, &officer).await;
        let hit = app
            .post(
                "/api/v1/documents/check",
                Some(&checker),
                json!({"mrz": S1}),
            )
            .await;
        let body = hit.json();
        assert_eq!(body["verdict"], "register_hit");
        assert_eq!(body["register_hits"][0]["status"], "stolen");
        assert_eq!(body["register_hits"][0]["reporting_agency"], "IT-PS");
        assert!(
            !hit.text.contains("Bari"),
            "the reporting agency's notes stay with it"
        );
        assert!(
            body["reasons"][0]
                .as_str()
                .unwrap()
                .contains("reported stolen by IT-PS")
        );

        // The reporting agency is told, and the log says who checked.
        let told = app.get("/api/v1/notifications", &officer).await.json();
        let note = told
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["topic"] == "document_register_hit");
        let note = note.expect("a register-hit notification");
        assert!(note["body"].as_str().unwrap().contains("PK-FIA"));
        // Kept as a message, it reads in the language of the reader's account (Italian).
        assert_eq!(
            note["title"].as_str().unwrap(),
            "Riscontro nel registro: UTO P L898902C3",
            "{note}"
        );
        assert!(
            note["body"].as_str().unwrap().contains("(Rubato)"),
            "{note}"
        );
        let admin = app.token("ita.admin").await;
        let log = app
            .get("/api/v1/audit?action=document_check.hit", &admin)
            .await
            .json();
        assert_eq!(log.as_array().unwrap().len(), 1);
        assert_eq!(log[0]["actor_name"], "pak.officer");
        assert_eq!(log[0]["resource_id"], id.as_str());

        // Another agency may not withdraw it; its own agency may, once.
        let refused = app
            .post(
                &format!("/api/v1/documents/reports/{id}/withdraw"),
                Some(&checker),
                json!(null),
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let done = app
            .post(
                &format!("/api/v1/documents/reports/{id}/withdraw"),
                Some(&officer),
                json!(null),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert!(done.json()["withdrawn_at"].is_string());
        let again = app
            .post(
                &format!("/api/v1/documents/reports/{id}/withdraw"),
                Some(&officer),
                json!(null),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let after = app
            .post(
                "/api/v1/documents/check",
                Some(&checker),
                json!({"mrz": S1}),
            )
            .await;
        assert_eq!(after.json()["verdict"], "clear");
        app
    })
    .await;
}

#[tokio::test]
async fn a_broken_mrz_is_invalid_with_its_reasons_and_a_suggestion() {
    let app = common::app_sqlite().await;
    let token = app.token("tun.partner_authority").await;
    let ocr = S1.replace("7408122", "74O8122");
    let reply = app
        .post("/api/v1/documents/check", Some(&token), json!({"mrz": ocr}))
        .await;
    let body = reply.json();
    assert_eq!(body["verdict"], "invalid_mrz");
    assert!(body["reasons"][0].as_str().unwrap().contains("birth_date"));
    assert_eq!(body["mrz"]["suggestion"]["changes"][0]["from"], "O");
    // A monitor does not check documents.
    let monitor = app.token("unhcr.monitor").await;
    let refused = app
        .post(
            "/api/v1/documents/check",
            Some(&monitor),
            json!({"mrz": S1}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn a_batch_keeps_its_order_and_its_limit() {
    let app = common::app_sqlite().await;
    let token = app.token("ita.officer").await;
    report_s1(&app, &token).await;
    let reply = app
        .post(
            "/api/v1/documents/check/batch",
            Some(&token),
            json!({"mrzs": [S3, S1, "garbage"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let results = reply.json()["results"].clone();
    assert_eq!(results[0]["verdict"], "clear");
    assert_eq!(results[0]["mrz"]["format"], "TD1");
    assert_eq!(results[1]["verdict"], "register_hit");
    assert_eq!(results[2]["verdict"], "invalid_mrz");
    let too_many = vec![S3; documents::BATCH_MAX + 1];
    let reply = app
        .post(
            "/api/v1/documents/check/batch",
            Some(&token),
            json!({"mrzs": too_many}),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.json()["field"], "mrzs");
    app.finish().await;
}

#[tokio::test]
async fn an_import_with_a_bad_row_writes_nothing_and_a_good_one_is_checked_at_once() {
    each_engine(|app| async move {
        let ctx = accordo_service::demo::command_line_ctx();
        let bad = "issuing_state,document_type,document_number,status,reported_on\n\
                   UTO,P,L898902C3,stolen,2026-11-01\n\
                   UTO,P,X1,misplaced,2026-11-01\n";
        let outcome = documents::import_csv(&app.platform, &ctx, "GR-HP", bad.as_bytes(), |_, _| {})
            .await
            .unwrap();
        let Imported::Refused(errors, count) = outcome else {
            panic!("a bad row must refuse the file");
        };
        assert_eq!(count, 1);
        assert_eq!(errors[0].to_string(), "line 3, column status: expected one of lost, stolen, revoked, forged, fraudulently_obtained, found `misplaced`");
        let checker = app.token("esp.officer").await;
        let check = app.post("/api/v1/documents/check", Some(&checker), json!({"mrz": S1})).await;
        assert_eq!(check.json()["verdict"], "clear", "nothing of the refused file was written");

        let good = "issuing_state,document_type,document_number,status,reported_on\n\
                    UTO,P,L898902C3,forged,2026-11-01\n\
                    UTO,I,D23145890,lost,2026-10-01\n";
        let outcome = documents::import_csv(&app.platform, &ctx, "GR-HP", good.as_bytes(), |_, _| {})
            .await
            .unwrap();
        assert_eq!(outcome, Imported::Written(2));
        let check = app
            .post("/api/v1/documents/check/batch", Some(&checker), json!({"mrzs": [S1, S3]}))
            .await
            .json();
        assert_eq!(check["results"][0]["register_hits"][0]["status"], "forged");
        assert_eq!(check["results"][1]["register_hits"][0]["reporting_agency"], "GR-HP");
        // The demo's four reports, and these two.
        assert_eq!(app.platform.state::<documents::Register>().len(), 6);
        app
    })
    .await;
}

#[tokio::test]
async fn a_second_node_on_postgresql_follows_the_first_nodes_writes() {
    let Ok(url) = std::env::var(accordo_store::testing::PG_ENV) else {
        accordo_store::testing::say_postgres_skipped();
        return;
    };
    let db = accordo_store::testing::TestDb::postgres(&url).await;
    let app = common::app_on(db).await;
    // Node two: another pool on the same database, with its own index and listener.
    let url_two = app.store().postgres_url().unwrap().to_owned();
    let store_two = accordo_store::Store::connect(&url_two).await.unwrap();
    let node_two = accordo_service::Platform::new(
        store_two,
        accordo_service::Settings::default(),
        &accordo_server::Module::cores(accordo::MODULES),
    );
    documents::load_index(&node_two).await.unwrap();
    let follower = tokio::spawn(documents::follow_changes(node_two.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = node_two.state::<documents::Register>().len();
    assert_eq!(before, 4, "node two loaded the demo's four reports");

    let officer = app.token("ita.officer").await;
    let id = report_s1(&app, &officer).await;
    let seen = wait_for(|| node_two.state::<documents::Register>().len() == before + 1).await;
    assert!(seen, "node two's index did not learn of node one's report");

    app.post(
        &format!("/api/v1/documents/reports/{id}/withdraw"),
        Some(&officer),
        json!(null),
    )
    .await;
    let gone = wait_for(|| node_two.state::<documents::Register>().len() == before).await;
    assert!(gone, "node two's index did not learn of the withdrawal");
    follower.abort();
    let _ = follower.await;
    node_two.store.close().await;
    app.finish().await;
}

#[tokio::test]
async fn an_alert_is_shown_to_whom_its_handling_allows_and_matched_by_checks() {
    each_engine(|app| async move {
        let publisher = app.token("ita.officer").await;
        let refused = app
            .post(
                "/api/v1/documents/alerts",
                Some(&publisher),
                json!({"issuing_state": "UTO", "number_pattern": "L89*", "what_forged": "data page",
                       "how_to_recognise": "laminate", "handling": "AMBER"}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["field"], "addressees");
        let made = app
            .post(
                "/api/v1/documents/alerts",
                Some(&publisher),
                json!({"issuing_state": "UTO", "document_type": "P", "number_pattern": "L89*",
                       "what_forged": "substituted data page",
                       "how_to_recognise": "the laminate has no optically variable feature",
                       "handling": "AMBER", "addressees": ["PK-FIA", "country:GRC"]}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let id = made.json()["id"].as_str().unwrap().to_owned();

        // Addressed: PK-FIA by agency, Greece by country. Not addressed: Tunisia.
        for (user, sees) in [
            ("pak.officer", true),
            ("grc.officer", true),
            ("tun.officer", false),
            ("ita.officer", true),
        ] {
            let token = app.token(user).await;
            let check = app
                .post("/api/v1/documents/check", Some(&token), json!({"mrz": S1}))
                .await
                .json();
            let expected = if sees { "alert_match" } else { "clear" };
            assert_eq!(check["verdict"], expected, "{user}");
            let listed = app.get("/api/v1/documents/alerts", &token).await.json();
            let ours = listed
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["what_forged"] == "substituted data page")
                .count();
            assert_eq!(ours, usize::from(sees), "{user}");
            if sees {
                assert_eq!(
                    check["alerts"][0]["how_to_recognise"],
                    "the laminate has no optically variable feature"
                );
            }
        }
        // PK-FIA was told.
        let pak = app.token("pak.officer").await;
        let told = app.get("/api/v1/notifications", &pak).await.json();
        assert!(
            told.as_array()
                .unwrap()
                .iter()
                .any(|n| n["topic"] == "forgery_alert")
        );
        // A number outside the pattern does not match.
        let check = app
            .post("/api/v1/documents/check", Some(&pak), json!({"mrz": S3}))
            .await
            .json();
        assert_eq!(check["verdict"], "clear");
        // Only its agency withdraws it; then nobody sees it in checks.
        let other = app
            .post(
                &format!("/api/v1/documents/alerts/{id}/withdraw"),
                Some(&pak),
                json!(null),
            )
            .await;
        assert_eq!(
            other.status,
            StatusCode::FORBIDDEN,
            "PK-FIA reads it but may not withdraw it"
        );
        let done = app
            .post(
                &format!("/api/v1/documents/alerts/{id}/withdraw"),
                Some(&publisher),
                json!(null),
            )
            .await;
        assert_eq!(done.status, StatusCode::NO_CONTENT);
        let check = app
            .post("/api/v1/documents/check", Some(&pak), json!({"mrz": S1}))
            .await
            .json();
        assert_eq!(check["verdict"], "clear");
        app
    })
    .await;
}

#[tokio::test]
async fn the_demo_register_answers_its_sample_documents() {
    let app = common::app_sqlite().await;
    let token = app.token("grc.officer").await;
    let samples = accordo_documents_app::demo::sample_mrzs();
    assert_eq!(samples.len(), 5);
    let mrzs: Vec<&str> = samples.iter().map(|(_, m)| m.as_str()).collect();
    let reply = app
        .post(
            "/api/v1/documents/check/batch",
            Some(&token),
            json!({"mrzs": mrzs}),
        )
        .await
        .json();
    let verdicts: Vec<&str> = reply["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    // Four reported documents, and one that matches TR-SG's alert addressed to Greece.
    assert_eq!(
        verdicts,
        [
            "register_hit",
            "register_hit",
            "register_hit",
            "register_hit",
            "alert_match"
        ]
    );
    for r in reply["results"].as_array().unwrap() {
        assert_eq!(r["mrz"]["valid"], true, "{}", r["mrz"]);
    }
    app.finish().await;
}

#[tokio::test]
async fn an_expired_document_is_said_to_be_expired() {
    each_engine(|app| async move {
        let officer = app.token("esp.officer").await;
        // The ICAO specimen expired on 2012-04-15.
        let reply = app
            .post(
                "/api/v1/documents/check",
                Some(&officer),
                json!({"mrz": S1}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let body = reply.json();
        assert_eq!(body["verdict"], "clear", "expiry is not forgery");
        assert_eq!(body["expired"], true, "{body}");
        assert_eq!(body["expires_on"], "2012-04-15");
        assert!(
            body["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "the document expired on 2012-04-15"),
            "{body}"
        );
        app
    })
    .await;
}
