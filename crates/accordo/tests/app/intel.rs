#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The intel pillar over the API: messages read under their handling codes, entities checked
//! and kept when invalid, hits that tell both sides and reveal no content, and bad input
//! refused whole.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, each_engine};

async fn message_count(app: &TestApp) -> i64 {
    use sqlx::Row;
    let mut conn = app.store().read().await.unwrap();
    sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM intel_messages")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// A message of `subject` in `folder` of `user`'s list.
async fn find(app: &TestApp, token: &str, folder: &str, subject: &str) -> Option<Value> {
    app.get(&format!("/api/v1/intel/messages?folder={folder}"), token)
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["subject"].as_str().unwrap().starts_with(subject))
        .cloned()
}

/// Another officer at `agency`, signed in.
async fn another_officer(app: &TestApp, username: &str, agency: &str) -> String {
    another_user(app, username, agency, "officer").await
}

/// Another user of `role` at `agency`, signed in.
async fn another_user(app: &TestApp, username: &str, agency: &str, role: &str) -> String {
    let ctx = accordo_service::demo::command_line_ctx();
    accordo_service::accounts::create_user(
        &app.platform,
        &ctx,
        accordo_service::accounts::NewAccount {
            username: username.into(),
            display_name: "Another user".into(),
            agency: agency.into(),
            roles: vec![role.into()],
            password: accordo_service::demo::DEMO_PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    app.token(username).await
}

fn message(extra: Value) -> Value {
    let mut m = json!({
        "subject": "Test", "body": "Nothing to add.", "tlp": "AMBER",
        "addressees": ["ES-PN"], "reliability": "B", "credibility": "2"
    });
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

#[tokio::test]
async fn the_demo_s_network_gives_hits_to_both_sides_and_no_content_to_either() {
    each_engine(|app| async move {
        let tur = app.token("tur.officer").await;
        let pak = app.token("pak.officer").await;
        let esp = app.token("esp.officer").await;
        // Turkey's coast guard named Pakistan's recruiter's number, in a message Pakistan may
        // not read, and Pakistan's message is not Turkey's to read either.
        let hits = app.get("/api/v1/intel/hits", &tur).await;
        assert_eq!(hits.status, StatusCode::OK, "{}", hits.text);
        let hits = hits.json();
        assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
        assert_eq!(
            hits[0]["entity"],
            json!({"kind": "phone", "normalised": "+923001234567"})
        );
        assert_eq!(hits[0]["other_agency"], "PK-FIA");
        assert_eq!(hits[0]["other_tlp"], "AMBER");
        // Nothing of Pakistan's message: not its subject, its text, its recruiter or its id.
        let text = app.get("/api/v1/intel/hits", &tur).await.text;
        for secret in ["Recruiter", "Gujrat", "Karim", "PK36"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // Pakistan's side: the same number with Turkey's coast guard, and its account with
        // Spain's police, each on Pakistan's own message.
        let pak_hits = app.get("/api/v1/intel/hits", &pak).await.json();
        let mut seen: Vec<(String, String, String)> = pak_hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["other_agency"].as_str().unwrap().to_owned(),
                    h["entity"]["kind"].as_str().unwrap().to_owned(),
                    h["entity"]["normalised"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                (
                    "ES-PN".into(),
                    "iban".into(),
                    "PK36SCBL0000001123456702".into()
                ),
                ("TR-SG".into(), "phone".into(), "+923001234567".into()),
            ]
        );
        let own = find(&app, &pak, "outbox", "Recruiter").await.unwrap();
        assert!(
            pak_hits
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["message"] == own["id"])
        );
        // Pakistan is told, and the notice names Turkey's agency and TLP, not its content.
        let notices = app.get("/api/v1/notifications", &pak).await.text;
        assert!(notices.contains("Hit with TR-SG (AMBER)"), "{notices}");
        assert!(notices.contains("Your phone +923001234567"), "{notices}");
        for secret in ["Gerze", "9074729", "Fishing"] {
            assert!(!notices.contains(secret), "{secret} in {notices}");
        }
        // Spain's hit is Spain's: Turkey's is not in its list.
        let esp_hits = app.get("/api/v1/intel/hits", &esp).await.json();
        let esp_hits = esp_hits.as_array().unwrap();
        assert_eq!(esp_hits.len(), 1, "{esp_hits:?}");
        assert_eq!(esp_hits[0]["other_agency"], "PK-FIA");
        assert_eq!(esp_hits[0]["entity"]["kind"], "iban");
        app
    })
    .await;
}

#[tokio::test]
async fn entities_are_normalised_in_the_sender_s_plan_and_invalid_ones_are_kept_flagged() {
    each_engine(|app| async move {
        let pak = app.token("pak.officer").await;
        let sent = app
            .post(
                "/api/v1/intel/messages",
                Some(&pak),
                message(json!({
                    "body": "Call him on 0039 06 1234 5678.",
                    "entities": [
                        {"kind": "imo", "value": "IMO 9074728"},
                        {"kind": "iban", "value": "PK36SCBL0000001123456702"},
                        {"kind": "email", "value": "Karim.D@Example.ORG"}
                    ]
                })),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
        let m = sent.json();
        let entities = m["entities"].as_array().unwrap();
        assert_eq!(entities.len(), 4, "{m}");
        assert_eq!(entities[0]["valid"], false);
        assert_eq!(entities[0]["normalised"], Value::Null);
        assert_eq!(entities[0]["reason_code"], "imo_check_digit");
        assert!(entities[0]["reason"].as_str().unwrap().contains("should be 9"));
        assert_eq!(entities[1]["note"], "iban_format_unchecked");
        assert_eq!(entities[2]["normalised"], "Karim.D@example.org");
        // Found in the text, in Pakistan's dialling plan: Italy's number with its 0.
        assert_eq!(
            entities[3],
            json!({"kind": "phone", "value": "0039 06 1234 5678", "normalised": "+390612345678",
                   "valid": true, "reason": null, "reason_code": null, "note": null, "source": "extracted"})
        );
        // The invalid IMO is never matched: Turkey's valid IMO 9074729 is another number.
        assert!(m["hits"].as_array().unwrap().iter().all(|h| h["entity"]["kind"] != "imo"));
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_by_its_field_and_nothing_is_written() {
    each_engine(|app| async move {
        let esp = app.token("esp.officer").await;
        let before = message_count(&app).await;
        let cases = [
            (
                json!({"entities": [{"kind": "boat", "value": "x"}]}),
                "entities[0].kind",
            ),
            (json!({"tlp": "AMBER+"}), "tlp"),
            (json!({"addressees": ["XX-NONE"]}), "addressees"),
            (json!({"addressees": []}), "addressees"),
            (json!({"reliability": "E"}), "reliability"),
            (json!({"credibility": "5"}), "credibility"),
            (json!({"tlp": "RED"}), "recipients"),
            (json!({"recipients": ["esp.officer"]}), "recipients"),
            (
                json!({"case": "0190f5a0-0000-7000-8000-000000000000"}),
                "case",
            ),
            (
                json!({"reply_to": "0190f5a0-0000-7000-8000-000000000000"}),
                "reply_to",
            ),
            (json!({"subject": ""}), "subject"),
            // A relation's end must be one of the message's entities, of a kind it joins.
            (
                json!({"relations": [{"from": "person:Nobody Demo", "relation": "uses", "to": "phone:+390612345678"}]}),
                "relations[0].from",
            ),
            (
                json!({"entities": [{"kind": "imo", "value": "9074729"}, {"kind": "person", "value": "Ana Demo"}],
                       "relations": [{"from": "imo:9074729", "relation": "travelled-with", "to": "person:Ana Demo"}]}),
                "relations[0].from",
            ),
            (
                json!({"entities": [{"kind": "person", "value": "Ana Demo"}, {"kind": "email", "value": "a@example.org"}],
                       "relations": [{"from": "person:Ana Demo", "relation": "owns", "to": "email:a@example.org"}]}),
                "relations[0].to",
            ),
            (
                json!({"entities": [{"kind": "person", "value": "Ana Demo"}],
                       "relations": [{"from": "person:Ana Demo", "relation": "knows", "to": "person:Ana Demo"}]}),
                "relations[0].relation",
            ),
            (
                json!({"entities": [{"kind": "person", "value": "Ana Demo"}],
                       "relations": [{"from": "person:Ana Demo", "relation": "travelled-with", "to": "person: ana  demo"}]}),
                "relations[0].to",
            ),
            (
                json!({"relations": [{"from": "Ana Demo", "relation": "uses", "to": "phone:+390612345678"}]}),
                "relations[0].from",
            ),
        ];
        for (extra, field) in cases {
            let reply = app
                .post("/api/v1/intel/messages", Some(&esp), message(extra.clone()))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{extra}: {}",
                reply.text
            );
            assert!(reply.text.contains(field), "{extra}: {}", reply.text);
        }
        assert_eq!(message_count(&app).await, before, "nothing half-written");
        // A reply to a message Spain may not read is refused as one that does not exist.
        let pak = app.token("pak.officer").await;
        let hidden = find(&app, &pak, "outbox", "Recruiter").await.unwrap();
        let reply = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"reply_to": hidden["id"]})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The same refusal as for a message that does not exist, but for the id.
        let hidden_id = hidden["id"].as_str().unwrap();
        let none_id = "0190f5a0-0000-7000-8000-000000000000";
        let nothing = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"reply_to": none_id})),
            )
            .await;
        assert_eq!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .replace(hidden_id, "ID"),
            nothing.json()["detail"]
                .as_str()
                .unwrap()
                .replace(none_id, "ID")
        );
        // A caseworker may not send at all.
        let caseworker = app.token("ita.caseworker").await;
        let reply = app
            .post(
                "/api/v1/intel/messages",
                Some(&caseworker),
                message(json!({})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(message_count(&app).await, before);
        app
    })
    .await;
}

#[tokio::test]
async fn reading_follows_the_handling_code_and_addressees_do_not_learn_each_other() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let esp = app.token("esp.officer").await;
        let grc = app.token("grc.officer").await;
        let tur = app.token("tur.officer").await;
        let es_colleague = another_officer(&app, "esp.officer2", "ES-PN").await;
        // AMBER+STRICT to Spain and Greece, the distribution not shown.
        let sent = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"subject": "Strict", "tlp": "AMBER+STRICT", "addressees": ["ES-PN", "GR-HP"]})),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
        let id = sent.json()["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/intel/messages/{id}");
        let seen = app.get(&path, &esp).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
        let seen = seen.json();
        assert_eq!(seen["addressees"], json!(["ES-PN"]), "Spain sees itself only");
        assert_eq!(seen["distribution_visible"], false);
        assert!(seen.get("distribution_withheld").is_none(), "nothing says there are others");
        assert!(!app.get(&path, &esp).await.text.contains("GR-HP"));
        assert_eq!(seen["reads"], Value::Null, "only the sender sees the reads");
        assert_eq!(app.get(&path, &grc).await.json()["addressees"], json!(["GR-HP"]));
        // Turkey was not addressed: not found, and not in its lists.
        let denied = app.get(&path, &tur).await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND);
        assert!(find(&app, &tur, "all", "Strict").await.is_none());
        // The sender sees the whole distribution and who has read it.
        let own = app.get(&path, &ita).await.json();
        assert_eq!(own["addressees"], json!(["ES-PN", "GR-HP"]));
        let readers: Vec<&str> = own["reads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["username"].as_str().unwrap())
            .collect();
        assert_eq!(readers, ["esp.officer", "grc.officer"]);
        // Each opening is audited.
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_message.read", &admin)
            .await;
        assert!(audit.text.matches(&id).count() >= 4, "{}", audit.text);
        // RED: the demo's message to Spain's officer by name; another officer of Spain's
        // police may not read it.
        let red = find(&app, &esp, "inbox", "Source in Zuwara").await.unwrap();
        assert_eq!(red["tlp"], "RED");
        let red_path = format!("/api/v1/intel/messages/{}", red["id"].as_str().unwrap());
        assert_eq!(app.get(&red_path, &esp).await.status, StatusCode::OK);
        assert_eq!(
            app.get(&red_path, &es_colleague).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(find(&app, &es_colleague, "all", "Source in Zuwara")
            .await
            .is_none());
        assert_eq!(app.get(&red_path, &ita).await.status, StatusCode::OK, "the sender's agency");
        app
    })
    .await;
}

#[tokio::test]
async fn a_case_s_messages_go_to_its_participants() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let esp = app.token("esp.officer").await;
        let pak = app.token("pak.officer").await;
        // An agency with no officers or analysts could never open the case: refused, by name,
        // and no case is written.
        let before = app.get("/api/v1/intel/cases", &ita).await.json();
        let refused = app
            .post(
                "/api/v1/intel/cases",
                Some(&ita),
                json!({"title": "Test case", "participants": ["ES-PN", "IT-UI"]}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.json()["field"], "participants", "{}", refused.text);
        assert!(refused.text.contains("IT-UI"), "{}", refused.text);
        assert_eq!(app.get("/api/v1/intel/cases", &ita).await.json(), before);
        let opened = app
            .post(
                "/api/v1/intel/cases",
                Some(&ita),
                json!({"title": "Test case", "participants": ["ES-PN"]}),
            )
            .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
        let case = opened.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(opened.json()["participants"], json!(["IT-PS", "ES-PN"]));
        // Pakistan does not take part: it may not address the case, nor see it.
        let outsider = app
            .post(
                "/api/v1/intel/messages",
                Some(&pak),
                message(json!({"case": case})),
            )
            .await;
        assert_eq!(outsider.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.get(&format!("/api/v1/intel/cases/{case}"), &pak)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Within the case, only its participants may be addressed.
        let wide = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"case": case, "addressees": ["IT-PS", "PK-FIA"]})),
            )
            .await;
        assert_eq!(wide.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wide.text.contains("PK-FIA does not take part"),
            "{}",
            wide.text
        );
        let inside = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"case": case, "subject": "In the case", "addressees": ["IT-PS"]})),
            )
            .await;
        assert_eq!(inside.status, StatusCode::CREATED, "{}", inside.text);
        let view = app
            .get(&format!("/api/v1/intel/cases/{case}"), &ita)
            .await
            .json();
        let subjects: Vec<&str> = view["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["subject"].as_str().unwrap())
            .collect();
        assert_eq!(subjects, ["In the case"]);

        // The owner closes the case; a participant may not, an outsider does not see it.
        let close = format!("/api/v1/intel/cases/{case}/close");
        assert_eq!(
            app.post(&close, Some(&esp), json!(null)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(&close, Some(&pak), json!(null)).await.status,
            StatusCode::NOT_FOUND
        );
        let closed = app.post(&close, Some(&ita), json!(null)).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
        assert_eq!(closed.json()["status"], "closed");
        let again = app.post(&close, Some(&ita), json!(null)).await;
        assert_eq!(
            again.json()["status"],
            "closed",
            "closing twice changes nothing"
        );
        let notices = app.get("/api/v1/notifications", &esp).await.text;
        assert!(notices.contains("Case closed by IT-PS"), "{notices}");
        // A closed case takes no new message, and its exchange stays readable.
        let late = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"case": case, "subject": "Too late", "addressees": ["IT-PS"]})),
            )
            .await;
        assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(late.text.contains("the case is closed"), "{}", late.text);
        let view = app
            .get(&format!("/api/v1/intel/cases/{case}"), &esp)
            .await
            .json();
        assert_eq!(view["status"], "closed");
        assert_eq!(view["messages"].as_array().unwrap().len(), 1);
        let audit = app
            .get(
                "/api/v1/audit?action=intel_case.close",
                &app.token("ita.admin").await,
            )
            .await;
        assert!(audit.text.contains(&case), "{}", audit.text);
        // Reopened, it takes messages again.
        let reopened = app
            .post(
                &format!("/api/v1/intel/cases/{case}/reopen"),
                Some(&ita),
                json!(null),
            )
            .await;
        assert_eq!(reopened.json()["status"], "open", "{}", reopened.text);
        let after = app
            .post(
                "/api/v1/intel/messages",
                Some(&esp),
                message(json!({"case": case, "subject": "Reopened", "addressees": ["IT-PS"]})),
            )
            .await;
        assert_eq!(after.status, StatusCode::CREATED, "{}", after.text);
        app
    })
    .await;
}

#[tokio::test]
async fn notices_reach_only_those_who_may_read_and_replies_stay_in_the_audience() {
    each_engine(|app| async move {
        // An administrator of Pakistan's FIA reads no intelligence: no notice of the demo's
        // hits or messages reaches them, though their agency's officer was told.
        let admin = another_user(&app, "pak.admin2", "PK-FIA", "admin").await;
        let notices = app.get("/api/v1/notifications", &admin).await.json();
        assert!(
            notices
                .as_array()
                .unwrap()
                .iter()
                .all(|n| !n["topic"].as_str().unwrap().starts_with("intel")),
            "{notices}"
        );
        let pak = app.token("pak.officer").await;
        let theirs = app.get("/api/v1/notifications", &pak).await.text;
        assert!(theirs.contains("intel_hit"), "{theirs}");
        // A reply goes back to the message's audience, never further.
        let ita = app.token("ita.officer").await;
        let first = find(&app, &ita, "inbox", "Recruiter").await.unwrap();
        let wider = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"reply_to": first["id"], "addressees": ["PK-FIA", "ES-PN"]})),
            )
            .await;
        assert_eq!(wider.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wider.text);
        assert!(wider.text.contains("ES-PN did not receive"), "{}", wider.text);
        // RED to ita.officer by name; the answer, to Italy's police, names the message
        // answered only to whoever may read it.
        let red = app
            .post(
                "/api/v1/intel/messages",
                Some(&pak),
                message(json!({"subject": "For the liaison only", "tlp": "RED",
                    "addressees": ["IT-PS"], "recipients": ["ita.officer"]})),
            )
            .await;
        assert_eq!(red.status, StatusCode::CREATED, "{}", red.text);
        let red_id = red.json()["id"].as_str().unwrap().to_owned();
        let answer = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"reply_to": red_id, "subject": "Answer",
                    "addressees": ["IT-PS"], "tlp": "AMBER"})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        let answer_id = answer.json()["id"].as_str().unwrap().to_owned();
        let colleague = another_officer(&app, "ita.officer2", "IT-PS").await;
        let seen = app
            .get(&format!("/api/v1/intel/messages/{answer_id}"), &colleague)
            .await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
        assert_eq!(seen.json()["reply_to"], Value::Null, "{}", seen.text);
        assert!(!seen.text.contains(&red_id));
        let listed = find(&app, &colleague, "all", "Answer").await.unwrap();
        assert_eq!(listed["reply_to"], Value::Null);
        // The reply threads under the message it answers, for whoever reads both.
        let thread = app
            .get(&format!("/api/v1/intel/messages/{red_id}"), &ita)
            .await
            .json();
        assert_eq!(thread["replies"][0]["id"], answer_id.as_str());
        let theirs = app
            .get(&format!("/api/v1/intel/messages/{red_id}"), &pak)
            .await
            .json();
        assert_eq!(theirs["replies"], json!([]), "Pakistan does not read Italy's answer to Italy");
        // The named officer sees what it answers.
        let own = app
            .get(&format!("/api/v1/intel/messages/{answer_id}"), &ita)
            .await
            .json();
        assert_eq!(own["reply_to"], red_id.as_str());
        // Intelligence goes to officers and analysts: not to an agency without them, nor by
        // name to a caseworker.
        let caseworker = app
            .post(
                "/api/v1/intel/messages",
                Some(&pak),
                message(json!({"tlp": "RED", "addressees": ["IT-PS"], "recipients": ["ita.caseworker"]})),
            )
            .await;
        assert_eq!(caseworker.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", caseworker.text);
        let no_police = app
            .post(
                "/api/v1/intel/messages",
                Some(&pak),
                message(json!({"addressees": ["IT-EMP"]})),
            )
            .await;
        assert_eq!(no_police.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_police.text.contains("IT-EMP has no officers"), "{}", no_police.text);
        app
    })
    .await;
}

#[tokio::test]
async fn onward_sharing_is_an_act_of_the_holder_on_a_one_click_request() {
    each_engine(|app| async move {
        let tur = app.token("tur.officer").await;
        let pak = app.token("pak.officer").await;
        let esp = app.token("esp.officer").await;
        let hit = app.get("/api/v1/intel/hits", &tur).await.json()[0].clone();
        assert_eq!(hit["request"], Value::Null);
        let path = format!("/api/v1/intel/hits/{}/request", hit["id"].as_str().unwrap());
        let asked = app.post(&path, Some(&tur), json!(null)).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text);
        let request = asked.json();
        assert_eq!(request["status"], "pending");
        assert_eq!(
            request["message"],
            Value::Null,
            "the requester learns no message"
        );
        assert_eq!(request["holding_agency"], "PK-FIA");
        // One click twice is one request; another agency's hit is not found.
        let again = app.post(&path, Some(&tur), json!(null)).await.json();
        assert_eq!(again["id"], request["id"]);
        assert_eq!(
            app.post(&path, Some(&esp), json!(null)).await.status,
            StatusCode::NOT_FOUND
        );
        // The holder sees which of its messages is asked for, and may decide.
        let received = app.get("/api/v1/intel/requests", &pak).await.json();
        let mine = received
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == request["id"])
            .unwrap()
            .clone();
        let own = find(&app, &pak, "outbox", "Recruiter").await.unwrap();
        assert_eq!(mine["message"], own["id"]);
        assert_eq!(mine["may_decide"], true);
        assert_eq!(
            mine["hit"],
            Value::Null,
            "the holder learns no hit of Turkey's"
        );
        // Turkey reads its request but may not grant it; Spain does not even see it.
        let id = request["id"].as_str().unwrap();
        let grant = format!("/api/v1/intel/requests/{id}/grant");
        assert_eq!(
            app.post(&grant, Some(&tur), json!(null)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(&grant, Some(&esp), json!(null)).await.status,
            StatusCode::NOT_FOUND
        );
        // Before the grant Turkey may not read Pakistan's message; after it, it may.
        let pakistan_s = format!("/api/v1/intel/messages/{}", own["id"].as_str().unwrap());
        assert_eq!(
            app.get(&pakistan_s, &tur).await.status,
            StatusCode::NOT_FOUND
        );
        let granted = app.post(&grant, Some(&pak), json!(null)).await;
        assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
        assert_eq!(granted.json()["status"], "granted");
        assert_eq!(app.get(&pakistan_s, &tur).await.status, StatusCode::OK);
        let twice = app.post(&grant, Some(&pak), json!(null)).await;
        assert!(twice.status.is_client_error(), "{}", twice.text);
        // The share is recorded on the message for its agency, and audited.
        let shared = app.get(&pakistan_s, &pak).await.json();
        assert_eq!(shared["shares"][0]["to"], "TR-SG");
        assert_eq!(shared["shares"][0]["by"], "pak.officer");
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_share_request.grant", &admin)
            .await;
        assert!(audit.text.contains(id), "{}", audit.text);
        let hits = app.get("/api/v1/intel/hits", &tur).await.json();
        assert_eq!(hits[0]["request"]["status"], "granted");
        // The owner shares on its own initiative; never RED with an agency, never another's.
        let ita = app.token("ita.officer").await;
        let sent = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"subject": "To share"})),
            )
            .await
            .json();
        let share = format!(
            "/api/v1/intel/messages/{}/share",
            sent["id"].as_str().unwrap()
        );
        let grc = app.token("grc.officer").await;
        let before = format!("/api/v1/intel/messages/{}", sent["id"].as_str().unwrap());
        assert_eq!(app.get(&before, &grc).await.status, StatusCode::NOT_FOUND);
        let done = app
            .post(&share, Some(&ita), json!({"agencies": ["GR-HP"]}))
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(app.get(&before, &grc).await.status, StatusCode::OK);
        assert_eq!(
            app.post(&share, Some(&esp), json!({"agencies": ["TR-SG"]}))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "an addressee does not share onward"
        );
        let red = find(&app, &ita, "outbox", "Source in Zuwara")
            .await
            .unwrap();
        let red_share = format!(
            "/api/v1/intel/messages/{}/share",
            red["id"].as_str().unwrap()
        );
        let refused = app
            .post(&red_share, Some(&ita), json!({"agencies": ["GR-HP"]}))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        app
    })
    .await;
}

/// Who may read a message of Italy's police (IT-PS) under `tlp` to `addressees` (and, under
/// RED, to `named`): an officer or analyst of the sender's agency, of an addressed agency
/// (not under RED), or named (under RED). Written from the issue, independently of `can`.
fn may_read(
    agency: &str,
    role: accordo_domain::Role,
    username: &str,
    tlp: &str,
    addressees: &[&str],
    named: &[&str],
) -> bool {
    use accordo_domain::Role;
    matches!(role, Role::Officer | Role::Analyst)
        && (agency == "IT-PS"
            || (tlp != "RED" && addressees.contains(&agency))
            || (tlp == "RED" && named.contains(&username)))
}

#[tokio::test]
async fn every_tlp_code_and_addressee_set_against_every_role_at_every_kind_of_agency() {
    each_engine(|app| async move {
        use accordo_domain::Role;
        // A user of every role at the sender's agency, another of the host state, the
        // operator, two member states, a partner and the monitor.
        let agencies = ["IT-PS", "IT-MI", "ES-PN", "GR-HP", "PK-FIA", "UNHCR"];
        let hash = accordo_service::passwords::hash(
            accordo_service::PasswordCost::Test,
            accordo_service::demo::DEMO_PASSWORD,
        );
        let mut people: Vec<(String, &str, Role)> = Vec::new();
        let mut tx = app.store().write().await.unwrap();
        for agency in agencies {
            for role in Role::ALL {
                let username = format!("t.{}.{}", agency.to_lowercase(), role.as_str());
                accordo_store::accounts::insert_user(
                    &mut tx,
                    &accordo_store::accounts::NewUser {
                        id: accordo_service::new_id(),
                        username: &username,
                        display_name: "TLP test",
                        agency,
                        roles: role.as_str(),
                        password_hash: &hash,
                        must_change_password: false,
                        language: "en",
                        time_zone: "Europe/Rome",
                    },
                    0,
                )
                .await
                .unwrap();
                people.push((username, agency, role));
            }
        }
        let audited = accordo_service::audit::record(
            &app.platform,
            &mut tx,
            &accordo_service::demo::command_line_ctx(),
            "user.create",
            "user",
            None,
            json!({"tlp_test": people.len()}),
        )
        .await
        .unwrap();
        tx.commit(audited).await.unwrap();
        let mut tokens = std::collections::HashMap::new();
        for (username, _, _) in &people {
            tokens.insert(username.clone(), app.token(username).await);
        }
        let sender = app.token("ita.officer").await;
        let named = ["t.es-pn.officer"];
        let mut cases: Vec<(String, Vec<&str>)> = Vec::new();
        for tlp in ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"] {
            for addressees in [vec!["ES-PN"], vec!["ES-PN", "GR-HP"], vec!["PK-FIA"]] {
                cases.push((tlp.to_owned(), addressees));
            }
        }
        cases.push(("RED".to_owned(), vec!["ES-PN"]));
        for (n, (tlp, addressees)) in cases.iter().enumerate() {
            let subject = format!("TLP case {n}");
            let mut body =
                message(json!({"subject": subject, "tlp": tlp, "addressees": addressees}));
            if tlp == "RED" {
                body["recipients"] = json!(named);
            }
            let sent = app
                .post("/api/v1/intel/messages", Some(&sender), body)
                .await;
            assert_eq!(
                sent.status,
                StatusCode::CREATED,
                "{tlp} {addressees:?}: {}",
                sent.text
            );
            let path = format!(
                "/api/v1/intel/messages/{}",
                sent.json()["id"].as_str().unwrap()
            );
            for (username, agency, role) in &people {
                let token = &tokens[username];
                let expected = may_read(agency, *role, username, tlp, addressees, &named);
                let got = app.get(&path, token).await;
                assert_eq!(
                    got.status == StatusCode::OK,
                    expected,
                    "{username} reading {tlp} to {addressees:?}: {} {}",
                    got.status,
                    got.text
                );
                if expected {
                    // An addressee sees only itself among the addressees; the sender's agency
                    // all of them.
                    let seen = got.json()["addressees"].clone();
                    if *agency == "IT-PS" {
                        assert_eq!(seen, json!(addressees), "{username}");
                    } else {
                        assert_eq!(seen, json!([agency]), "{username}: {seen}");
                    }
                } else {
                    assert!(
                        got.status == StatusCode::NOT_FOUND || got.status == StatusCode::FORBIDDEN,
                        "{username}: {}",
                        got.status
                    );
                    assert!(!got.text.contains(&subject), "{username}: {}", got.text);
                }
                // The lists agree with the reads, and say nothing more.
                if matches!(role, Role::Officer | Role::Analyst) {
                    let listed = app
                        .get("/api/v1/intel/messages?folder=all", token)
                        .await
                        .text;
                    assert_eq!(
                        listed.contains(&format!("\"{subject}\"")),
                        expected,
                        "{username}'s list, {tlp} to {addressees:?}"
                    );
                }
            }
        }
        app
    })
    .await;
}

#[tokio::test]
async fn attachments_are_checked_against_their_type_and_read_like_their_message() {
    each_engine(|app| async move {
        use base64::Engine as _;
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let ita = app.token("ita.officer").await;
        let esp = app.token("esp.officer").await;
        let grc = app.token("grc.officer").await;
        let before = message_count(&app).await;
        // A program declared a PDF: refused by its field, nothing written.
        let refused = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"attachments": [
                    {"name": "note.txt", "type": "text/plain", "content": b64("Seen in Zuwara.".as_bytes())},
                    {"name": "report.pdf", "type": "application/pdf", "content": b64(b"MZ\x90\x00")}
                ]})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(refused.text.contains("attachments[1].content"), "{}", refused.text);
        for (files, field) in [
            (json!([{"name": "x.exe", "type": "application/x-msdownload", "content": b64(b"MZ")}]), "attachments[0].type"),
            (json!([{"name": "x.txt", "type": "text/plain", "content": "not base64!"}]), "attachments[0].content"),
            (json!([{"name": "", "type": "text/plain", "content": b64(b"a")}]), "attachments[0].name"),
        ] {
            let reply = app
                .post("/api/v1/intel/messages", Some(&ita), message(json!({"attachments": files})))
                .await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
            assert!(reply.text.contains(field), "{field}: {}", reply.text);
        }
        assert_eq!(message_count(&app).await, before, "nothing half-written");
        // A text and a PDF: stored with their size and hash, read by the addressee only.
        let pdf = b"%PDF-1.4\n% synthetic\n".to_vec();
        let sent = app
            .post(
                "/api/v1/intel/messages",
                Some(&ita),
                message(json!({"subject": "With files", "attachments": [
                    {"name": "../../etc/note.txt", "type": "text/plain", "content": b64("Seen in Zuwara.".as_bytes())},
                    {"name": "rapporto.pdf", "type": "application/pdf", "content": b64(&pdf)}
                ]})),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
        let files = sent.json()["attachments"].clone();
        assert_eq!(files[0]["name"], "note.txt", "a name, never a path");
        assert_eq!(files[1]["media_type"], "application/pdf");
        assert_eq!(files[1]["size"], pdf.len());
        assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);
        let path = format!("/api/v1/intel/attachments/{}", files[1]["id"].as_str().unwrap());
        let got = app.get(&path, &esp).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.headers["content-type"], "application/pdf");
        assert!(got.headers["content-disposition"].to_str().unwrap().contains("rapporto.pdf"));
        assert_eq!(got.text.as_bytes(), &pdf[..]);
        assert_eq!(app.get(&path, &grc).await.status, StatusCode::NOT_FOUND);
        // The download is an opening of the message: audited, and the sender sees the read.
        let own = app
            .get(&format!("/api/v1/intel/messages/{}", sent.json()["id"].as_str().unwrap()), &ita)
            .await
            .json();
        assert_eq!(own["reads"][0]["username"], "esp.officer");
        app
    })
    .await;
}

/// Two agencies that cannot read each other's messages name one new identifier at the same
/// moment: exactly one of the two is answered with the hit on the other's, never neither
/// (the second to write waits for the first's lock on the key, then sees its message).
#[tokio::test]
async fn two_messages_naming_one_key_at_once_make_one_hit() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let tur = app.token("tur.officer").await;
        for i in 0..12 {
            let phone = json!([{"kind": "phone", "value": format!("+216 20 555 {i:03}")}]);
            let italy = message(json!({"subject": format!("Race {i}"), "entities": phone}));
            let turkey = message(json!({"subject": format!("Race {i}"), "entities": phone,
                "addressees": ["GR-HP"]}));
            let (a, b) = tokio::join!(
                app.post("/api/v1/intel/messages", Some(&ita), italy),
                app.post("/api/v1/intel/messages", Some(&tur), turkey),
            );
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
            assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
            let hits = |r: &crate::common::Reply| r.json()["hits"].as_array().unwrap().len();
            assert_eq!(
                hits(&a) + hits(&b),
                1,
                "round {i}: exactly one side finds the other's message\n{}\n{}",
                a.text,
                b.text
            );
        }
        app
    })
    .await;
}

/// On PostgreSQL, every node's match index hears of the messages written on the others: the
/// announcement goes with the message's key locks and is delivered when it commits.
#[tokio::test]
async fn a_second_node_s_match_index_hears_the_first_node_s_messages() {
    use accordo_intel_app::service::index::{self, Matches};
    let Ok(url) = std::env::var(accordo_store::testing::PG_ENV) else {
        accordo_store::testing::say_postgres_skipped();
        return;
    };
    let db = accordo_store::testing::TestDb::postgres(&url).await;
    let app = crate::common::app_on(db).await;
    let url_two = app.store().postgres_url().unwrap().to_owned();
    let store_two = accordo_store::Store::connect(&url_two).await.unwrap();
    let node_two = accordo_service::Platform::new(
        store_two,
        accordo_service::Settings::default(),
        &accordo_server::Module::cores(accordo::MODULES),
    );
    let follower = tokio::spawn(index::follow_changes(node_two.clone()));
    let key = [("phone".to_owned(), "+393331234567".to_owned())];
    let loaded = crate::common::wait_for(|| node_two.state::<Matches>().keys() > 0).await;
    assert!(loaded, "node two loaded the demo's keys");
    assert!(!node_two.state::<Matches>().names_any(&key));

    let ita = app.token("ita.officer").await;
    let before = node_two.state::<Matches>().keys();
    let sent = app
        .post(
            "/api/v1/intel/messages",
            Some(&ita),
            message(json!({"entities": [{"kind": "phone", "value": "+39 333 123 4567"}]})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    let heard = crate::common::wait_for(|| node_two.state::<Matches>().names_any(&key)).await;
    assert!(heard, "node two's index did not hear of node one's message");
    assert_eq!(node_two.state::<Matches>().keys(), before + 1);
    follower.abort();
    let _ = follower.await;
    node_two.store.close().await;
    app.finish().await;
}

/// The ids of a graph answer's nodes.
fn node_ids(graph: &Value) -> Vec<String> {
    graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_network_holds_only_what_its_reader_may_read() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let grc = app.token("grc.officer").await;
        let pak = app.token("pak.officer").await;
        // Italy reads Pakistan's message (the recruiter: his number, name and account) and
        // Spain's in the case (the same account); not Turkey's to Greece (the vessel).
        let got = app
            .get(
                "/api/v1/intel/graph?entity=phone:%2B923001234567&depth=2",
                &ita,
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text);
        let graph = got.json();
        let ids = node_ids(&graph);
        assert_eq!(ids[0], "phone:+923001234567");
        assert_eq!(graph["nodes"][0]["distance"], 0);
        let iban = "iban:PK36SCBL0000001123456702";
        assert!(ids.iter().any(|i| i == iban), "{ids:?}");
        assert!(ids.iter().any(|i| i.starts_with("person:")), "{ids:?}");
        let case = graph["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "case")
            .expect("the case of Spain's message, two edges away");
        assert_eq!(case["distance"], 2);
        assert!(case["label"].as_str().unwrap().contains("Zuwara"));
        for hidden in ["imo:", "mmsi:"] {
            assert!(!ids.iter().any(|i| i.starts_with(hidden)), "{}", got.text);
            assert!(!got.text.contains("9074729"), "{}", got.text);
        }
        let edge = graph["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["source"] == "iban:PK36SCBL0000001123456702" || e["target"] == iban)
            .unwrap()
            .clone();
        assert!(["co-occurs", "in-case"].contains(&edge["relation"].as_str().unwrap()));
        assert!(!graph["most_connected"].as_array().unwrap().is_empty());

        // Greece reads Turkey's message: the vessel, and neither the name nor the account.
        // Turkey sees that Greece's officer was shown what its message names (a read), as if
        // Greece had opened it.
        let tur = app.token("tur.officer").await;
        let gerze = find(&app, &tur, "outbox", "Fishing vessel").await.unwrap();
        let gerze = format!("/api/v1/intel/messages/{}", gerze["id"].as_str().unwrap());
        let readers = |m: &Value| -> Vec<String> {
            m["reads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["username"].as_str().unwrap().to_owned())
                .collect()
        };
        assert!(!readers(&app.get(&gerze, &tur).await.json()).contains(&"grc.officer".to_owned()));
        let graph = app
            .get(
                "/api/v1/intel/graph?entity=phone:%2B923001234567&depth=1",
                &grc,
            )
            .await
            .json();
        assert_eq!(
            readers(&app.get(&gerze, &tur).await.json()),
            ["grc.officer"],
            "the network's read is the sender's to see"
        );
        let ids = node_ids(&graph);
        assert!(ids.contains(&"imo:9074729".to_owned()), "{ids:?}");
        assert!(
            !ids.iter()
                .any(|i| i.starts_with("iban:") || i.starts_with("person:"))
        );
        // Pakistan sees its own message's entities, and, at any depth, no case (Spain's
        // message in it is not Pakistan's to read) and no vessel.
        let graph = app
            .get(
                "/api/v1/intel/graph?entity=phone:%2B923001234567&depth=3",
                &pak,
            )
            .await
            .json();
        let ids = node_ids(&graph);
        assert!(ids.contains(&iban.to_owned()));
        assert!(
            !ids.iter()
                .any(|i| i.starts_with("case:") || i.starts_with("imo:")),
            "{ids:?}"
        );

        // An entity the caller reads nothing of is not found, exactly like one nobody named.
        let hidden = app
            .get("/api/v1/intel/graph?entity=imo:9074729", &ita)
            .await;
        let unknown = app
            .get("/api/v1/intel/graph?entity=imo:1234567", &ita)
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
        assert_eq!(
            hidden.json()["detail"]
                .as_str()
                .unwrap()
                .replace("9074729", "N"),
            unknown.json()["detail"]
                .as_str()
                .unwrap()
                .replace("1234567", "N")
        );

        // Bad input: by field and rule.
        for (query, field) in [
            ("entity=phone:%2B923001234567&depth=4", "depth"),
            ("entity=phone:%2B923001234567&depth=0", "depth"),
            ("entity=%2B923001234567", "entity"),
            ("entity=boat:X1", "entity"),
            ("entity=imo:123", "entity"),
        ] {
            let refused = app.get(&format!("/api/v1/intel/graph?{query}"), &ita).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {}",
                refused.text
            );
            assert_eq!(refused.json()["field"], field, "{query}");
        }
        // Who holds no office here may not ask.
        let caseworker = app.token("ita.caseworker").await;
        let refused = app
            .get(
                "/api/v1/intel/graph?entity=phone:%2B923001234567",
                &caseworker,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // The shortest path: the number and the account were named together in one message.
        let path = app
            .get(
                &format!("/api/v1/intel/graph/path?from=phone:%2B923001234567&to={iban}"),
                &ita,
            )
            .await;
        assert_eq!(path.status, StatusCode::OK, "{}", path.text);
        let path = path.json();
        assert_eq!(path["found"], true);
        assert_eq!(node_ids(&path), ["phone:+923001234567", iban]);
        // Greece reads the vessel; Italy does not, and is told nothing of it.
        let path = app
            .get(
                "/api/v1/intel/graph/path?from=phone:%2B923001234567&to=imo:9074729",
                &grc,
            )
            .await
            .json();
        assert_eq!(node_ids(&path), ["phone:+923001234567", "imo:9074729"]);
        let refused = app
            .get(
                "/api/v1/intel/graph/path?from=phone:%2B923001234567&to=imo:9074729",
                &ita,
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);

        // Each answer is an audited read of the messages it drew on.
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_graph.read", &admin)
            .await;
        assert!(audit.text.contains("phone:+923001234567"), "{}", audit.text);
        app
    })
    .await;
}

/// Writes `bundle` where CI validates it (`ACCORDO_STIX_OUT`, set by `.ci/run`, which runs
/// OASIS's `stix2-validator` and the Python `stix2` library over every file there).
#[tokio::test]
async fn a_stated_relation_is_kept_with_its_message_drawn_from_its_subject_and_exported() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        // Pakistan's FIA stated that the recruiter uses a telephone and owns an account
        // (the demo): Italy, an addressee, reads it in the message and in the network.
        let recruiter = find(&app, &ita, "inbox", "Recruiter").await.unwrap();
        let id = recruiter["id"].as_str().unwrap();
        let m = app
            .get(&format!("/api/v1/intel/messages/{id}"), &ita)
            .await
            .json();
        let relations = m["relations"].as_array().unwrap();
        assert_eq!(relations.len(), 2, "{m}");
        let person = relations[0]["from"].as_str().unwrap().to_owned();
        assert!(person.starts_with("person:"), "{person}");
        assert_eq!(relations[0]["relation"], "uses");
        assert_eq!(
            relations[0]["to"], "phone:+923001234567",
            "read in Pakistan's plan"
        );
        assert_eq!(relations[1]["relation"], "owns");
        assert_eq!(relations[1]["to"], "iban:PK36SCBL0000001123456702");

        let path = format!(
            "/api/v1/intel/graph?entity={}&depth=1",
            person.replace(' ', "%20")
        );
        let graph = app.get(&path, &ita).await;
        assert_eq!(graph.status, StatusCode::OK, "{}", graph.text);
        let graph = graph.json();
        let edge = |relation: &str| -> Vec<(String, String, i64)> {
            graph["edges"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["relation"] == relation)
                .map(|e| {
                    (
                        e["source"].as_str().unwrap().to_owned(),
                        e["target"].as_str().unwrap().to_owned(),
                        e["messages"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        // From the person to what it uses, although the telephone's id sorts first.
        assert_eq!(
            edge("uses"),
            [(person.clone(), "phone:+923001234567".to_owned(), 1)]
        );
        assert_eq!(
            edge("owns"),
            [(
                person.clone(),
                "iban:PK36SCBL0000001123456702".to_owned(),
                1
            )]
        );
        // Named together too: the person's neighbours are counted once each.
        assert!(!edge("co-occurs").is_empty());
        let centre = &graph["nodes"][0];
        assert_eq!(centre["id"], person.as_str());
        assert_eq!(
            centre["degree"].as_u64().unwrap() as usize,
            graph["nodes"].as_array().unwrap().len() - 1
        );

        // Greece's police read no message naming the recruiter: not found, nothing drawn.
        let grc = app.token("grc.officer").await;
        let hidden = app.get(&path, &grc).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
        assert!(!hidden.text.contains("PK36"), "{}", hidden.text);

        // Spain's message in the case states a payment: exported as its own relationship,
        // from the person's identity to the account.
        let cases = app.get("/api/v1/intel/cases", &ita).await.json();
        let case = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"].as_str().unwrap().contains("Zuwara"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let bundle = app
            .get(&format!("/api/v1/intel/cases/{case}/stix"), &ita)
            .await
            .json();
        let objects = bundle["objects"].as_array().unwrap();
        let paid: Vec<&Value> = objects
            .iter()
            .filter(|o| o["type"] == "relationship" && o["relationship_type"] == "paid-to")
            .collect();
        assert_eq!(paid.len(), 1, "{bundle}");
        let by_id = |id: &Value| objects.iter().find(|o| o["id"] == *id).unwrap();
        assert_eq!(by_id(&paid[0]["source_ref"])["type"], "identity");
        assert_eq!(
            by_id(&paid[0]["target_ref"])["account_login"],
            "PK36SCBL0000001123456702"
        );
        keep_for_validation(
            &format!("case-with-relations-{:?}", app.store().engine()),
            &bundle,
        );
        app
    })
    .await;
}

fn keep_for_validation(name: &str, bundle: &Value) {
    match std::env::var("ACCORDO_STIX_OUT") {
        Ok(dir) => {
            std::fs::create_dir_all(&dir).unwrap();
            let path = std::path::Path::new(&dir).join(format!("{name}.json"));
            std::fs::write(path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
        }
        Err(_) => eprintln!(
            "note: {name}'s STIX bundle is checked here for what it holds; OASIS's validator runs on it in CI (.ci/run sets ACCORDO_STIX_OUT)"
        ),
    }
}

#[tokio::test]
async fn a_case_exports_as_stix_what_its_reader_may_read_of_it() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let tur = app.token("tur.officer").await;
        let pak = app.token("pak.officer").await;
        let cases = app.get("/api/v1/intel/cases", &ita).await.json();
        let case = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"].as_str().unwrap().contains("Zuwara"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/intel/cases/{case}/stix");
        let got = app.get(&path, &ita).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text);
        let bundle = got.json();
        keep_for_validation(&format!("case-as-ita-{:?}", app.store().engine()), &bundle);
        assert_eq!(bundle["type"], "bundle");
        let objects = bundle["objects"].as_array().unwrap();
        let of_type =
            |t: &str| -> Vec<&Value> { objects.iter().filter(|o| o["type"] == t).collect() };
        // Italy reads both messages of the case: its own (AMBER+STRICT) and Spain's (AMBER).
        assert_eq!(of_type("note").len(), 2, "{}", got.text);
        let grouping = of_type("grouping");
        assert_eq!(grouping.len(), 1);
        assert!(grouping[0]["name"].as_str().unwrap().contains("Zuwara"));
        let markings: Vec<&str> = of_type("marking-definition")
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        assert!(markings.contains(&"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"));
        assert!(markings.contains(&"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"));
        assert!(
            got.text.contains("PK36SCBL0000001123456702"),
            "Spain's account"
        );
        // Every reference points into the bundle.
        let ids: Vec<&str> = objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
        for o in objects {
            for key in ["object_refs", "object_marking_refs"] {
                for r in o[key].as_array().into_iter().flatten() {
                    assert!(
                        ids.contains(&r.as_str().unwrap()),
                        "{key} {r} of {}",
                        o["id"]
                    );
                }
            }
        }

        // Turkey takes part in the case but was not sent Spain's message: not in its bundle.
        let bundle = app.get(&path, &tur).await.json();
        keep_for_validation(&format!("case-as-tur-{:?}", app.store().engine()), &bundle);
        let text = bundle.to_string();
        assert_eq!(
            bundle["objects"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["type"] == "note")
                .count(),
            1
        );
        assert!(!text.contains("PK36SCBL"), "{text}");
        assert!(!text.contains("Almería"), "{text}");
        // The export is a read of Italy's message by Turkey: Italy sees it.
        let italys = app
            .get(
                &format!("/api/v1/intel/messages?folder=outbox&case={case}"),
                &ita,
            )
            .await
            .json()[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let read = app
            .get(&format!("/api/v1/intel/messages/{italys}"), &ita)
            .await
            .json();
        assert!(read["reads"].to_string().contains("tur.officer"), "{read}");
        // Pakistan does not take part: the case is not found; a caseworker holds no office here.
        assert_eq!(app.get(&path, &pak).await.status, StatusCode::NOT_FOUND);
        let caseworker = app.token("ita.caseworker").await;
        assert_eq!(
            app.get(&path, &caseworker).await.status,
            StatusCode::FORBIDDEN
        );
        // The export is audited.
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_case.export", &admin)
            .await;
        assert!(audit.text.contains(&case), "{}", audit.text);
        app
    })
    .await;
}

/// The observables' ids of a bundle, sorted.
fn observable_ids(bundle: &Value) -> Vec<String> {
    let mut ids: Vec<String> = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| ["email-addr", "url", "user-account"].contains(&o["type"].as_str().unwrap()))
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_stix_bundle_goes_into_a_case_whole_or_not_at_all_and_comes_back_out_the_same() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let cases = app.get("/api/v1/intel/cases", &ita).await.json();
        let zuwara = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"].as_str().unwrap().contains("Zuwara"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let exported = app
            .get(&format!("/api/v1/intel/cases/{zuwara}/stix"), &ita)
            .await
            .json();
        // Into a new case of Italy's with Spain.
        let case = app
            .post(
                "/api/v1/intel/cases",
                Some(&ita),
                json!({"title": "STIX import", "participants": ["ES-PN"]}),
            )
            .await
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/intel/cases/{case}/stix");
        let before = message_count(&app).await;

        // One bad object refuses the whole bundle, naming it and why.
        let mut broken = exported.clone();
        let objects = broken["objects"].as_array_mut().unwrap();
        let at = objects.iter().position(|o| o["type"] == "observed-data").unwrap();
        let bad_id = objects[at]["id"].as_str().unwrap().to_owned();
        objects[at]["object_refs"] = json!(["url--00000000-0000-4000-8000-000000000000"]);
        let refused = app.post(&path, Some(&ita), broken).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        let problem = refused.json();
        assert_eq!(problem["field"], format!("objects[{at}]"));
        assert!(problem["detail"].as_str().unwrap().contains(&bad_id), "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("not in the bundle"), "{problem}");
        let mut unknown = exported.clone();
        unknown["objects"].as_array_mut().unwrap().push(json!({
            "type": "malware", "spec_version": "2.1", "id": "malware--11111111-1111-4111-8111-111111111111",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": "X", "is_family": false}));
        let refused = app.post(&path, Some(&ita), unknown).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(refused.text.contains("malware--11111111"), "{}", refused.text);
        let refused = app
            .post(&path, Some(&ita), json!({"type": "bundle", "objects": []}))
            .await;
        assert_eq!(refused.json()["field"], "objects");
        assert_eq!(message_count(&app).await, before, "nothing written");

        // Whole: one message of the case, under the most restrictive TLP of the bundle.
        let made = app.post(&path, Some(&ita), exported.clone()).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let message = made.json();
        assert_eq!(message["case"], case.as_str());
        assert_eq!(message["tlp"], "AMBER+STRICT");
        assert_eq!(message["addressees"], json!(["ES-PN"]));
        let keys: Vec<&str> = message["entities"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["normalised"].as_str())
            .collect();
        assert!(keys.contains(&"PK36SCBL0000001123456702"), "{keys:?}");
        assert_eq!(message_count(&app).await, before + 1);
        // Out again: the same observables, by the same ids.
        let again = app.get(&path, &ita).await.json();
        keep_for_validation(&format!("reimported-{:?}", app.store().engine()), &again);
        assert_eq!(observable_ids(&again), observable_ids(&exported));

        // A bundle with no TLP marking is taken as AMBER+STRICT, its restrictions on.
        let unmarked = json!({"type": "bundle", "id": "bundle--6a3e4c8b-1d2f-4e5a-9b7c-0d1e2f3a4b5c",
            "objects": [{"type": "email-addr", "spec_version": "2.1",
                "id": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934", "value": "john@example.com"}]});
        let made = app.post(&path, Some(&ita), unmarked).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let made = made.json();
        assert_eq!(made["tlp"], "AMBER+STRICT");
        assert_eq!(made["no_onward_sharing"], true);
        assert_eq!(made["no_court_use"], true);
        // A case the caller does not take part in is not found; nor is its existence shown.
        let pak = app.token("pak.officer").await;
        let refused = app.post(&path, Some(&pak), exported).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn a_large_network_is_cut_at_its_limits_and_says_so() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        // Four messages, each naming one number and 100 addresses of their own: 401 nodes
        // one step from the number, and every pair in a message linked.
        for m in 0..4 {
            let mut entities = vec![json!({"kind": "phone", "value": "+39 333 000 1111"})];
            for i in 0..100 {
                entities.push(json!({"kind": "email", "value": format!("m{m}.u{i}@example.org")}));
            }
            let sent = app
                .post(
                    "/api/v1/intel/messages",
                    Some(&ita),
                    message(json!({"entities": entities})),
                )
                .await;
            assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
        }
        let graph = app
            .get(
                "/api/v1/intel/graph?entity=phone:%2B393330001111&depth=1",
                &ita,
            )
            .await
            .json();
        assert_eq!(graph["truncated"], true);
        assert_eq!(graph["nodes"].as_array().unwrap().len(), 300);
        assert_eq!(
            graph["nodes"][0]["id"], "phone:+393330001111",
            "the nearest are kept"
        );
        assert!(graph["edges"].as_array().unwrap().len() <= 1_000);
        // Every edge joins two nodes of the answer.
        let ids = node_ids(&graph);
        for e in graph["edges"].as_array().unwrap() {
            assert!(ids.contains(&e["source"].as_str().unwrap().to_owned()));
            assert!(ids.contains(&e["target"].as_str().unwrap().to_owned()));
        }
        // A search that finds nothing is recorded too.
        let missed = app
            .get("/api/v1/intel/graph?entity=phone:%2B393330002222", &ita)
            .await;
        assert_eq!(missed.status, StatusCode::NOT_FOUND);
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_graph.read", &admin)
            .await;
        assert!(audit.text.contains("+393330002222"), "{}", audit.text);
        app
    })
    .await;
}

#[tokio::test]
async fn every_agency_reads_the_units_directory_and_each_keeps_its_own() {
    each_engine(|app| async move {
        let esp = app.token("esp.officer").await;
        let caseworker = app.token("ita.caseworker").await;
        // The demo's five units, read by a caseworker too, by country.
        let units = app.get("/api/v1/intel/units", &caseworker).await;
        assert_eq!(units.status, StatusCode::OK, "{}", units.text);
        let units = units.json();
        let countries: Vec<&str> = units
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["country"].as_str().unwrap())
            .collect();
        assert_eq!(countries, ["ESP", "GRC", "ITA", "PAK", "TUR"]);
        let italian = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["country"] == "ITA")
            .unwrap();
        assert_eq!(italian["phone"], "+390646861000");
        let italian_id = italian["id"].as_str().unwrap().to_owned();

        // Spain adds one of its own: its country is Spain's, its number read in Spain's plan.
        let unit = json!({"name": "Document fraud desk", "competences": ["document-fraud"],
            "languages": ["es", "EN"], "contact": "Desk", "phone": "913 220 001",
            "email": "Desk@Example.org"});
        let added = app
            .post("/api/v1/intel/units", Some(&esp), unit.clone())
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
        let added = added.json();
        assert_eq!(added["country"], "ESP");
        assert_eq!(added["agency"], "ES-PN");
        assert_eq!(added["phone"], "+34913220001");
        assert_eq!(added["languages"], "es en");
        // Bad input, by field.
        for (change, field) in [
            (json!({"competences": ["cooking"]}), "competences"),
            (json!({"competences": []}), "competences"),
            (json!({"languages": ["spanish"]}), "languages"),
            (json!({"phone": "12"}), "phone"),
            (json!({"email": "desk"}), "email"),
            // A `mailto:` link must not carry fields of its own.
            (
                json!({"email": "desk?cc=x%40evil.org@example.org"}),
                "email",
            ),
            (json!({"name": " "}), "name"),
        ] {
            let mut bad = unit.clone();
            for (k, v) in change.as_object().unwrap() {
                bad[k] = v.clone();
            }
            let refused = app.post("/api/v1/intel/units", Some(&esp), bad).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{change}: {}",
                refused.text
            );
            assert_eq!(refused.json()["field"], field, "{change}");
        }
        // Spain changes its own unit, not Italy's; a caseworker adds none.
        let id = added["id"].as_str().unwrap();
        let mut changed = unit.clone();
        changed["contact"] = json!("Night desk");
        let done = app
            .post(
                &format!("/api/v1/intel/units/{id}"),
                Some(&esp),
                changed.clone(),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json()["contact"], "Night desk");
        let refused = app
            .post(
                &format!("/api/v1/intel/units/{italian_id}"),
                Some(&esp),
                changed,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        let refused = app
            .post("/api/v1/intel/units", Some(&caseworker), unit)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.get("/api/v1/intel/units", &esp)
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            6
        );
        let admin = app.token("ita.admin").await;
        let audit = app
            .get("/api/v1/audit?action=intel_unit.update", &admin)
            .await;
        assert!(audit.text.contains(id), "{}", audit.text);
        app
    })
    .await;
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sqlx::Row;
    let mut conn = app.store().read().await.unwrap();
    sqlx::query(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"
    ))
    .fetch_one(&mut *conn)
    .await
    .unwrap()
    .try_get("n")
    .unwrap()
}

/// The Central Mediterranean's platform series in November 2026, as `token` reads it.
async fn november(app: &TestApp, token: &str) -> i64 {
    let totals = app
        .get(
            "/api/v1/flows/totals?source=PLATFORM&period=month&route=central-mediterranean",
            token,
        )
        .await;
    assert_eq!(totals.status, StatusCode::OK, "{}", totals.text);
    totals
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["period"].as_str().unwrap().starts_with("2026-11"))
        .map(|t| t["count"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn an_interception_recorded_in_an_operation_appears_once_in_flows_series() {
    each_engine(|app| async move {
        let gc = app.token("ita.coastguard").await;
        let tur = app.token("tur.officer").await;
        let esp = app.token("esp.officer").await;
        let area = "33.0 11.0\n33.0 14.0\n34.5 14.0\n34.5 11.0";
        let operation = |extra: Value| {
            let mut o = json!({"name": "Test: off Zuwara", "participants": ["TR-SG"],
                "starts_on": "2026-11-01", "ends_on": "2026-12-31", "area": area});
            for (k, v) in extra.as_object().unwrap() {
                o[k] = v.clone();
            }
            o
        };
        // Bad operations: refused by their field, nothing written.
        let before = count(&app, "intel_operations").await;
        for (extra, field, code) in [
            (
                json!({"area": "33 11\n34 14\n33 14\n34 11"}),
                "area",
                "crosses",
            ),
            (json!({"area": "33 11\n34 12\n35 13"}), "area", ""),
            (json!({"area": "33 11\n34 x\n35 13"}), "area", "vertex 2"),
            (
                json!({"ends_on": "2026-10-01"}),
                "ends_on",
                "ends before it starts",
            ),
            (
                json!({"participants": []}),
                "participants",
                "at least one other agency",
            ),
            (json!({"starts_on": "2026-13-01"}), "starts_on", ""),
        ] {
            let reply = app
                .post(
                    "/api/v1/intel/operations",
                    Some(&gc),
                    operation(extra.clone()),
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{extra}: {}",
                reply.text
            );
            assert_eq!(reply.json()["field"], field, "{extra}: {}", reply.text);
            assert!(reply.text.contains(code), "{extra}: {}", reply.text);
        }
        assert_eq!(
            count(&app, "intel_operations").await,
            before,
            "nothing half-written"
        );

        let created = app
            .post("/api/v1/intel/operations", Some(&gc), operation(json!({})))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let op = created.json();
        assert_eq!(op["participants"], json!(["IT-GC", "TR-SG"]));
        assert_eq!(op["area"].as_array().unwrap().len(), 4);
        let id = op["id"].as_str().unwrap().to_owned();
        let events = format!("/api/v1/intel/operations/{id}/events");

        // Bad events: outside the area or the period, in the future, or refused by the flows
        // pillar's own rules; nothing written in either pillar.
        let interception = |extra: Value| {
            let mut e = json!({"kind": "interception", "date": "2026-11-14",
                "place": "42 nm north of Zuwara", "latitude": 33.6, "longitude": 12.1,
                "route": "Central Mediterranean", "border": "sea", "people": 30,
                "vessel": "rubber", "departure_country": "LBY"});
            for (k, v) in extra.as_object().unwrap() {
                e[k] = v.clone();
            }
            e
        };
        let flow_events = count(&app, "flow_events").await;
        let mine = november(&app, &gc).await;
        for (extra, field, code) in [
            (
                json!({"latitude": 36.0}),
                "latitude",
                "outside the operation's area",
            ),
            (
                json!({"date": "2026-10-30"}),
                "date",
                "the operation runs from",
            ),
            (json!({"people": -3}), "people", ""),
            (
                json!({"kind": "boarding"}),
                "kind",
                "not an event of an operation",
            ),
            (
                json!({"kind": "arrest", "arrested": 0}),
                "arrested",
                "how many people",
            ),
            (
                json!({"kind": "arrest", "arrested": 1, "date": "2026-12-20"}),
                "date",
                "after today",
            ),
            (json!({"kind": "seizure"}), "description", "what was seized"),
        ] {
            let reply = app
                .post(&events, Some(&gc), interception(extra.clone()))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{extra}: {}",
                reply.text
            );
            assert_eq!(reply.json()["field"], field, "{extra}: {}", reply.text);
            assert!(reply.text.contains(code), "{extra}: {}", reply.text);
        }
        assert_eq!(count(&app, "flow_events").await, flow_events);
        assert_eq!(
            count(&app, "intel_operation_events").await,
            1,
            "the demo's arrest only"
        );

        // The interception: one event of the flows pillar, counted once in its series.
        let recorded = app.post(&events, Some(&gc), interception(json!({}))).await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
        let recorded = recorded.json();
        let flow = recorded["flow_event"].as_str().unwrap().to_owned();
        assert_eq!(recorded["people"], 30);
        assert_eq!(count(&app, "flow_events").await, flow_events + 1);
        assert_eq!(november(&app, &gc).await, mine + 30, "counted once");
        // An arrest by Turkey's coast guard, a participant: the operation's alone.
        let arrest = app
            .post(
                &events,
                Some(&tur),
                json!({"kind": "arrest", "date": "2026-11-14", "place": "Same boat",
                    "latitude": 33.6, "longitude": 12.1, "arrested": 2}),
            )
            .await;
        assert_eq!(arrest.status, StatusCode::CREATED, "{}", arrest.text);
        assert_eq!(november(&app, &gc).await, mine + 30);
        assert_eq!(count(&app, "flow_events").await, flow_events + 1);

        // Turkey reads the operation, with the interception's figures from flows, and the
        // flows event itself (addressed to it); Spain, not taking part, reads neither.
        let seen = app
            .get(&format!("/api/v1/intel/operations/{id}"), &tur)
            .await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
        let seen = seen.json();
        let kinds: Vec<(&str, Option<i64>)> = seen["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["kind"].as_str().unwrap(), e["people"].as_i64()))
            .collect();
        assert_eq!(kinds, [("interception", Some(30)), ("arrest", None)]);
        assert_eq!(seen["events"][0]["date"], "2026-11-14");
        let flow_path = format!("/api/v1/flows/events/{flow}");
        assert_eq!(app.get(&flow_path, &tur).await.status, StatusCode::OK);
        for path in [format!("/api/v1/intel/operations/{id}"), flow_path.clone()] {
            let hidden = app.get(&path, &esp).await;
            assert_eq!(
                hidden.status,
                StatusCode::NOT_FOUND,
                "{path}: {}",
                hidden.text
            );
        }
        let listed = app.get("/api/v1/intel/operations", &esp).await.json();
        assert!(!listed.to_string().contains("off Zuwara"), "{listed}");
        assert!(
            app.post(&events, Some(&esp), interception(json!({})))
                .await
                .status
                == StatusCode::NOT_FOUND
        );

        // A flows event no longer shared with a participant (its addressees changed there):
        // Turkey still sees the operation's entry, but neither its date, its place nor its
        // position (they were 0,0 and an empty date), listed after the dated ones.
        sqlx::query("DELETE FROM record_addressees WHERE kind = 'flow_event' AND record_id = $1")
            .bind(&flow)
            .execute(app.store().pool())
            .await
            .unwrap();
        assert_eq!(
            app.get(&flow_path, &tur).await.status,
            StatusCode::NOT_FOUND
        );
        let seen = app
            .get(&format!("/api/v1/intel/operations/{id}"), &tur)
            .await
            .json();
        let events = seen["events"].as_array().unwrap();
        assert_eq!(events[0]["kind"], "arrest");
        assert_eq!(events[0]["date"], "2026-11-14");
        let hidden = &events[1];
        assert_eq!(
            (
                hidden["kind"].as_str(),
                hidden["hidden"].as_bool(),
                hidden["date"].is_null(),
                hidden["latitude"].is_null(),
                hidden["longitude"].is_null(),
                hidden["people"].is_null()
            ),
            (Some("interception"), Some(true), true, true, true, true),
            "{hidden}"
        );

        // Withdrawn in flows, it leaves the series, and the operation says so.
        let withdrawn = app
            .post(&format!("{flow_path}/withdraw"), Some(&gc), json!(null))
            .await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
        assert_eq!(november(&app, &gc).await, mine);
        let seen = app
            .get(&format!("/api/v1/intel/operations/{id}"), &gc)
            .await
            .json();
        assert_eq!(seen["events"][0]["withdrawn"], true);
        app
    })
    .await;
}

/// Tunisia's `joint_trainings` in 2026 and its source, as the ministry's analyst reads the
/// index.
async fn tunisia_trainings(app: &TestApp, token: &str) -> (f64, String) {
    let scores = app.get("/api/v1/cooperation/scores?year=2026", token).await;
    assert_eq!(scores.status, StatusCode::OK, "{}", scores.text);
    let scores = scores.json();
    let tun = scores
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["country"] == "TUN")
        .unwrap()
        .clone();
    (
        tun["values"]["joint_trainings"].as_f64().unwrap(),
        tun["sources"]["joint_trainings"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[tokio::test]
async fn a_joint_course_counts_in_the_cooperation_index_of_each_country_taking_part() {
    each_engine(|app| async move {
        let officer = app.token("ita.officer").await;
        let analyst = app.token("ita.analyst").await;
        // The demo's courses: five with Tunisia's agencies this year.
        let (before, source) = tunisia_trainings(&app, &analyst).await;
        assert_eq!(before, 5.0, "{source}");
        assert!(source.contains("training register"), "{source}");

        let course = |extra: Value| {
            let mut c = json!({"title": "Test: interviewing rescued people", "topic": "human-rights",
                "starts_on": "2026-11-20", "ends_on": "2026-11-21", "place": "Tunis",
                "participants": [{"agency": "TN-GN", "trainees": 7}, {"agency": "IT-PS", "trainees": 2}]});
            for (k, v) in extra.as_object().unwrap() {
                c[k] = v.clone();
            }
            c
        };
        let courses = count(&app, "intel_courses").await;
        for (extra, field) in [
            // Officers of one country only: not joint.
            (
                json!({"participants": [{"agency": "IT-GC", "trainees": 7}]}),
                "participants",
            ),
            (
                json!({"participants": [{"agency": "TN-GN", "trainees": 0}]}),
                "participants[0].trainees",
            ),
            (
                json!({"participants": [{"agency": "XX-NONE", "trainees": 3}]}),
                "participants[0].agency",
            ),
            (
                json!({"participants": [{"agency": "TN-GN", "trainees": 3}, {"agency": "TN-GN", "trainees": 3}]}),
                "participants[1].agency",
            ),
            (json!({"ends_on": "2026-11-01"}), "ends_on"),
            (json!({"topic": "cooking"}), "topic"),
            (json!({"title": ""}), "title"),
        ] {
            let reply = app
                .post("/api/v1/intel/courses", Some(&officer), course(extra.clone()))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{extra}: {}",
                reply.text
            );
            assert_eq!(reply.json()["field"], field, "{extra}: {}", reply.text);
        }
        assert_eq!(count(&app, "intel_courses").await, courses);
        assert_eq!(tunisia_trainings(&app, &analyst).await.0, before);

        let added = app
            .post("/api/v1/intel/courses", Some(&officer), course(json!({})))
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
        let added = added.json();
        assert_eq!(added["countries"], json!(["ITA", "TUN"]));
        assert_eq!(added["trainees"], 9);
        // One more for Tunisia; a course of next year does not count in this one.
        let (after, source) = tunisia_trainings(&app, &analyst).await;
        assert_eq!(after, before + 1.0, "{source}");
        let next_year = app
            .post(
                "/api/v1/intel/courses",
                Some(&officer),
                course(json!({"starts_on": "2027-01-10", "ends_on": "2027-01-11"})),
            )
            .await;
        assert_eq!(next_year.status, StatusCode::CREATED, "{}", next_year.text);
        assert_eq!(tunisia_trainings(&app, &analyst).await.0, after);
        // No longer entered by hand.
        let entered = app
            .post(
                "/api/v1/cooperation/values",
                Some(&analyst),
                json!({"country": "TUN", "year": 2026, "indicator": "joint_trainings", "value": 40, "source": "hand"}),
            )
            .await;
        assert_eq!(entered.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", entered.text);
        // Read by every agency's officers and analysts; not by a caseworker.
        let tur = app.token("tur.officer").await;
        let listed = app.get("/api/v1/intel/courses", &tur).await;
        assert!(listed.text.contains("Test: interviewing rescued people"));
        let caseworker = app.token("ita.caseworker").await;
        assert_eq!(
            app.get("/api/v1/intel/courses", &caseworker).await.status,
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}
