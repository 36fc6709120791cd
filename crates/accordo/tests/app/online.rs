#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The online pillar over the API: captures scored and clustered, one referral an address
//! across two partners, notices under the DSA, outcomes and removal figures, the shared bank's
//! hit/no-hit, and bad input refused whole, naming the field.

use axum::http::StatusCode;
use base64::Engine;
use serde_json::{Value, json};

use crate::common::{TestApp, each_engine};

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

/// The audit entries of openings of item `id`, chained or waiting to be.
async fn reads_of(app: &TestApp, id: &str) -> i64 {
    use sqlx::Row;
    let mut conn = app.store().read().await.unwrap();
    let mut n = 0;
    for table in ["audit_log", "audit_pending"] {
        let c: i64 = sqlx::query(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}
             WHERE action = 'online_item.read' AND resource_id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        n += c;
    }
    n
}

fn capture(url: &str, text: &str) -> Value {
    json!({"url": url, "platform": "facebook", "account": "Safe Trip Test",
        "captured_at": "2026-11-20T08:00:00Z", "text": text})
}

/// Not among the demo's posts, which are the labelled set's.
const ADVERT: &str = "Fast boat trip from Sabratha to Sicily on Tuesday night, seats left, 3500 euro each, write to wa.me/218911111111";

async fn captured(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post("/api/v1/online/items", Some(token), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()
}

fn refer(show: bool) -> Value {
    json!({"decision": "refer", "reason": "Offers an irregular crossing for payment.",
        "category": "smuggling_offer", "show_referrer": show, "notifier_email": "iru@example.org"})
}

#[tokio::test]
async fn one_referral_an_address_across_two_partners_the_referrer_named_only_if_it_allows() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let tur = app.token("tur.officer").await;
        let item = captured(
            &app,
            &ita,
            capture(
                "https://www.facebook.com/groups/777/posts/888/?utm_source=share",
                ADVERT,
            ),
        )
        .await;
        // The score says why: every feature with its weight.
        assert!(item["for_review"].as_bool().unwrap(), "{item}");
        let present: Vec<&str> = item["score_parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["present"] == true)
            .map(|p| p["feature"].as_str().unwrap())
            .collect();
        assert_eq!(
            present,
            [
                "contact_link",
                "price",
                "departure_place",
                "destination",
                "crossing_word",
                "crossing_words_several"
            ]
        );
        assert_eq!(item["language"], "eng");
        let id = item["id"].as_str().unwrap();
        let decided = app
            .post(
                &format!("/api/v1/online/items/{id}/decision"),
                Some(&ita),
                refer(false),
            )
            .await;
        assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
        let referral = decided.json()["referral"].clone();
        assert_eq!(referral["own"], true);
        assert_eq!(referral["referrer"], "IT-PS");
        let referral_id = referral["id"].as_str().unwrap().to_owned();

        // Turkey captures the same post under another spelling of its address, and refers it:
        // it joins Italy's referral, which sends no second notice.
        let before = count(&app, "online_referrals").await;
        let theirs = captured(
            &app,
            &tur,
            capture(
                "http://m.facebook.com/groups/777/posts/888",
                "Re-posted offer, write now",
            ),
        )
        .await;
        assert_eq!(theirs["referral"]["id"], referral_id.as_str(), "{theirs}");
        assert_eq!(
            theirs["referral"]["referrer"],
            Value::Null,
            "Italy did not allow its name"
        );
        // Its address was referred already: that weighs in its score.
        assert!(
            theirs["score_parts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["feature"] == "address_referred" && p["present"] == true),
            "{theirs}"
        );
        let joined = app
            .post(
                &format!(
                    "/api/v1/online/items/{}/decision",
                    theirs["id"].as_str().unwrap()
                ),
                Some(&tur),
                refer(true),
            )
            .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
        assert_eq!(count(&app, "online_referrals").await, before);
        let list = app.get("/api/v1/online/referrals", &tur).await.json();
        let seen: Vec<&Value> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["id"] == referral_id.as_str())
            .collect();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0]["supporters"], json!(["TR-SG"]));
        assert_eq!(seen[0]["referrer"], Value::Null);

        // Spain meets it too and keeps its name from the partners: Turkey does not see Spain,
        // Spain sees itself; Italy meeting its own address again adds no supporter.
        let esp = app.token("esp.officer").await;
        let spain = captured(
            &app,
            &esp,
            capture("https://facebook.com/groups/777/posts/888", "Seen again"),
        )
        .await;
        let joined = app
            .post(
                &format!(
                    "/api/v1/online/items/{}/decision",
                    spain["id"].as_str().unwrap()
                ),
                Some(&esp),
                json!({"decision": "refer", "reason": "The same offer.", "show_referrer": false}),
            )
            .await;
        assert_eq!(
            joined.status,
            StatusCode::OK,
            "joining needs no category or notifier: {}",
            joined.text
        );
        let again = captured(
            &app,
            &ita,
            capture(
                "https://www.facebook.com/groups/777/posts/888",
                "Italy meets it again",
            ),
        )
        .await;
        app.post(
            &format!(
                "/api/v1/online/items/{}/decision",
                again["id"].as_str().unwrap()
            ),
            Some(&ita),
            refer(true),
        )
        .await;
        let supporters_for = |list: &Value| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == referral_id.as_str())
                .unwrap()["supporters"]
                .clone()
        };
        assert_eq!(
            supporters_for(&app.get("/api/v1/online/referrals", &tur).await.json()),
            json!(["TR-SG"])
        );
        assert_eq!(
            supporters_for(&app.get("/api/v1/online/referrals", &esp).await.json()),
            json!(["ES-PN", "TR-SG"])
        );
        assert_eq!(
            supporters_for(&app.get("/api/v1/online/referrals", &ita).await.json()),
            json!(["TR-SG"])
        );

        // The notice is Italy's: art. 16's parts, as JSON and as a document; Turkey's is none.
        let notice = app
            .get(
                &format!("/api/v1/online/referrals/{referral_id}/notice"),
                &ita,
            )
            .await;
        assert_eq!(notice.status, StatusCode::OK, "{}", notice.text);
        let n = notice.json();
        assert_eq!(
            n["url"],
            "https://www.facebook.com/groups/777/posts/888/?utm_source=share"
        );
        assert_eq!(
            n["explanation"],
            "Offers an irregular crossing for payment."
        );
        assert_eq!(n["notifier_email"], "iru@example.org");
        assert!(
            n["notifier_name"].as_str().unwrap().contains("Laura Prova"),
            "{n}"
        );
        assert!(
            n["good_faith_statement"]
                .as_str()
                .unwrap()
                .contains("bona fide")
        );
        let doc = app
            .get(
                &format!("/api/v1/online/referrals/{referral_id}/notice.txt"),
                &ita,
            )
            .await;
        assert_eq!(doc.status, StatusCode::OK);
        assert!(
            doc.text.contains("Article 16") && doc.text.contains("Exact location"),
            "{}",
            doc.text
        );
        let not_theirs = app
            .get(
                &format!("/api/v1/online/referrals/{referral_id}/notice"),
                &tur,
            )
            .await;
        assert_eq!(
            not_theirs.status,
            StatusCode::NOT_FOUND,
            "{}",
            not_theirs.text
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_repost_joins_its_cluster_and_shows_the_earlier_decision_and_reads_are_audited() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let first = captured(&app, &ita, capture("https://t.me/test_route/1", ADVERT)).await;
        let id = first["id"].as_str().unwrap();
        let decided = app
            .post(
                &format!("/api/v1/online/items/{id}/decision"),
                Some(&ita),
                refer(true),
            )
            .await;
        assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
        // Posted again with another number and price.
        let again = captured(
            &app,
            &ita,
            capture(
                "https://t.me/test_route/2",
                &ADVERT
                    .replace("3500", "3000")
                    .replace("218912345671", "218919999999"),
            ),
        )
        .await;
        assert_eq!(again["cluster_id"], id, "{again}");
        assert_eq!(again["joined_by"]["by"], "text");
        assert_eq!(again["cluster"][0]["decision"], "referred");
        let near = again["score_parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["feature"] == "near_duplicate_of_referred")
            .unwrap()
            .clone();
        assert_eq!(near["present"], true);
        // Another agency's officer does not find it; opening one's own is audited.
        let esp = app.token("esp.officer").await;
        let hidden = app.get(&format!("/api/v1/online/items/{id}"), &esp).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        let before = reads_of(&app, id).await;
        let opened = app.get(&format!("/api/v1/online/items/{id}"), &ita).await;
        assert_eq!(opened.status, StatusCode::OK);
        assert_eq!(reads_of(&app, id).await, before + 1);
        app
    })
    .await;
}

/// A PNG of `w` × `h` with a pattern that `seed` shifts.
fn png(seed: u32) -> Vec<u8> {
    let img = pdqhash::image::RgbImage::from_fn(64, 64, |x, y| {
        let v = ((x * 7 + y * 13 + seed) % 256) as u8;
        pdqhash::image::Rgb([v, v.wrapping_mul(3), 255 - v])
    });
    let mut out = Vec::new();
    pdqhash::image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, pdqhash::image::ImageOutputFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn a_referred_advert_s_image_is_a_hit_for_another_partner_that_meets_it() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let tur = app.token("tur.officer").await;
        let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
        let mut body = capture("https://www.instagram.com/p/BANK1/", "Departure soon");
        body["images"] = json!([{"base64": b64(png(0))}]);
        let item = captured(&app, &ita, body).await;
        assert_eq!(item["images"][0]["pdq"].as_str().unwrap().len(), 64);
        assert_eq!(item["images"][0]["sha256"].as_str().unwrap().len(), 64);
        let id = item["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/online/items/{id}/decision"),
            Some(&ita),
            refer(false),
        )
        .await;
        // Turkey meets the same picture in another post: its item carries the bank's hit, and
        // both agencies are told, each of the other agency only.
        let mut body = capture("https://www.instagram.com/p/OTHER2/", "Nice sea today");
        body["images"] = json!([{"base64": b64(png(0))}]);
        let theirs = captured(&app, &tur, body).await;
        let in_bank = theirs["score_parts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["feature"] == "image_in_bank" && p["present"] == true);
        assert!(in_bank, "{theirs}");
        let tur_hits = app.get("/api/v1/online/bank/hits", &tur).await.json();
        assert_eq!(tur_hits.as_array().unwrap().len(), 1, "{tur_hits}");
        // Italy's referral keeps its referrer from the partners: so does its hit.
        assert_eq!(tur_hits[0]["other_agency"], Value::Null);
        assert!(!tur_hits.to_string().contains("IT-PS"), "{tur_hits}");
        assert_eq!(tur_hits[0]["own_record"], theirs["id"]);
        let ita_hits = app.get("/api/v1/online/bank/hits", &ita).await.json();
        assert_eq!(ita_hits[0]["other_agency"], "TR-SG");
        assert!(
            !ita_hits
                .to_string()
                .contains(theirs["id"].as_str().unwrap())
        );
        // A different picture is no hit.
        let mut body = capture("https://www.instagram.com/p/OTHER3/", "Nice sea today");
        body["images"] = json!([{"base64": b64(png(90))}]);
        captured(&app, &tur, body).await;
        assert_eq!(
            app.get("/api/v1/online/bank/hits", &tur)
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        app
    })
    .await;
}

#[tokio::test]
async fn outcomes_make_the_removal_figures() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let mut body = capture("https://www.tiktok.com/@x/video/1", ADVERT);
        body["platform"] = json!("tiktok");
        let item = captured(&app, &ita, body).await;
        let id = item["id"].as_str().unwrap();
        let r = app
            .post(&format!("/api/v1/online/items/{id}/decision"), Some(&ita), refer(true))
            .await
            .json();
        let rid = r["referral"]["id"].as_str().unwrap();
        // No answer yet: a re-check date is required.
        let missing = app
            .post(
                &format!("/api/v1/online/referrals/{rid}/outcomes"),
                Some(&ita),
                json!({"status": "no_answer", "checked_on": "2026-11-22"}),
            )
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.text.contains("recheck_on"), "{}", missing.text);
        let refused = app
            .post(
                &format!("/api/v1/online/referrals/{rid}/outcomes"),
                Some(&ita),
                json!({"status": "refused", "checked_on": "2026-11-22", "recheck_on": "2026-11-29"}),
            )
            .await;
        assert!(refused.text.contains("reason"), "{}", refused.text);
        let before = app.get("/api/v1/online/removals", &ita).await.json();
        let tiktok = |v: &Value| {
            v.as_array()
                .unwrap()
                .iter()
                .find(|f| f["platform"] == "tiktok" && f["category"] == "all")
                .cloned()
                .unwrap()
        };
        let was = tiktok(&before);
        let ok = app
            .post(
                &format!("/api/v1/online/referrals/{rid}/outcomes"),
                Some(&ita),
                json!({"status": "removed", "checked_on": "2026-11-23"}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
        assert_eq!(ok.json()["status"], "removed");
        let now = tiktok(&app.get("/api/v1/online/removals", &ita).await.json());
        assert_eq!(now["referred"], was["referred"], "{was} {now}");
        assert_eq!(
            now["removed"].as_i64().unwrap(),
            was["removed"].as_i64().unwrap() + 1
        );
        assert!(now["removal_rate"].as_f64().unwrap() > was["removal_rate"].as_f64().unwrap());
        assert!(now["median_hours_to_removal"].is_number(), "{now}");
        let outcomes = app
            .get(&format!("/api/v1/online/referrals/{rid}/outcomes"), &ita)
            .await
            .json();
        assert_eq!(outcomes.as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_a_bad_row_refuses_the_whole_file() {
    each_engine(|app| async move {
        let ita = app.token("ita.officer").await;
        let bomb = {
            // A PNG header claiming 100,000 × 100,000 pixels, and nothing after.
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
            b.extend(100_000u32.to_be_bytes());
            b.extend(100_000u32.to_be_bytes());
            b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        for (body, field) in [
            (json!({"url": "not an address", "platform": "facebook", "account": "a",
                "captured_at": "2026-11-20T08:00:00Z", "text": "x"}), "url"),
            (json!({"url": "https://t.me/a/1", "platform": "", "account": "a",
                "captured_at": "2026-11-20T08:00:00Z", "text": "x"}), "platform"),
            (json!({"url": "https://t.me/a/1", "platform": "telegram", "account": "a",
                "captured_at": "yesterday", "text": "x"}), "captured_at"),
            (json!({"url": "https://t.me/a/1", "platform": "telegram", "account": "a",
                "captured_at": "2026-11-20T08:00:00Z", "text": "x",
                "images": [{"base64": base64::engine::general_purpose::STANDARD.encode(b"not an image")}]}), "images[0]"),
            (json!({"url": "https://t.me/a/1", "platform": "telegram", "account": "a",
                "captured_at": "2026-11-20T08:00:00Z", "text": "x",
                "images": [{"base64": bomb}]}), "images[0]"),
        ] {
            let reply = app.post("/api/v1/online/items", Some(&ita), body.clone()).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
            assert!(reply.text.contains(field), "{field}: {}", reply.text);
        }
        // A referral without a reason.
        let item = captured(&app, &ita, capture("https://t.me/a/9", ADVERT)).await;
        let id = item["id"].as_str().unwrap();
        let no_reason = app
            .post(
                &format!("/api/v1/online/items/{id}/decision"),
                Some(&ita),
                json!({"decision": "refer", "reason": " ", "category": "smuggling_offer",
                    "notifier_email": "iru@example.org"}),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.text.contains("reason"), "{}", no_reason.text);
        // A file whose third row names no platform: nothing of it is written.
        let items = count(&app, "online_items").await;
        let csv = "url,platform,account,captured_at,language,text\n\
            https://t.me/bulk/1,telegram,bulk,2026-11-20T08:00:00Z,,Departure from Sfax tonight\n\
            https://t.me/bulk/2,,bulk,2026-11-20T08:00:00Z,,Boat to Italy\n";
        let reply = app
            .post("/api/v1/online/imports", Some(&ita), json!({"format": "csv", "content": csv}))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
        assert!(reply.text.contains("line 3: platform"), "{}", reply.text);
        assert_eq!(count(&app, "online_items").await, items);
        // The same file made good is written whole.
        let good = csv.replace(",,bulk", ",telegram,bulk");
        let reply = app
            .post("/api/v1/online/imports", Some(&ita), json!({"format": "csv", "content": good}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.json()["items"], 2);
        assert_eq!(count(&app, "online_items").await, items + 2);
        app
    })
    .await;
}
