#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! A click day's burst of submissions to a real `accordo serve`, killed with SIGKILL in the
//! middle, then restarted, on SQLite and on PostgreSQL: every submission acknowledged before
//! the kill is in the database at the position it was told, none twice, the positions
//! gap-free; after the restart a retry with the same key is told the same position, and new
//! submissions continue the count. (The 700,000-submission version is bench/pathways.)

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::Row;

use crate::crash::{free_port, http, http_with, ready_token, start};

const APPLICATIONS: usize = 400;
const KILL_AFTER: usize = 150;

/// The example application the OpenAPI document gives.
async fn example(port: u16, token: &str) -> String {
    let (_, doc) = http(port, "GET", "/api/v1/openapi.json", Some(token), "")
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    doc["paths"]["/api/v1/pathways/applications"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .to_string()
}

async fn submit(port: u16, token: &str, id: &str) -> Option<(u16, String)> {
    http_with(
        port,
        "POST",
        &format!("/api/v1/pathways/applications/{id}/submit"),
        Some(token),
        &format!("Idempotency-Key: key-{id}\r\n"),
        "{}",
    )
    .await
}

/// Pre-fills the applications, then submits them from 16 writers and kills the server once
/// `KILL_AFTER` are acknowledged. The applications, and the acknowledged positions by id.
async fn burst_then_kill(
    mut server: std::process::Child,
    port: u16,
) -> (Vec<String>, BTreeMap<String, i64>) {
    let token = ready_token(port, "ita.association").await;
    let body = example(port, &token).await;
    let mut ids = Vec::new();
    for _ in 0..APPLICATIONS {
        let (status, answer) = http(
            port,
            "POST",
            "/api/v1/pathways/applications",
            Some(&token),
            &body,
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{answer}");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let queue = Arc::new(Mutex::new(ids.clone()));
    let acked = Arc::new(Mutex::new(BTreeMap::<String, i64>::new()));
    let mut writers = Vec::new();
    for _ in 0..16 {
        let (token, queue, acked) = (token.clone(), queue.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            loop {
                let Some(id) = queue.lock().unwrap().pop() else {
                    break;
                };
                match submit(port, &token, &id).await {
                    Some((200, answer)) => {
                        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                        acked
                            .lock()
                            .unwrap()
                            .insert(id, v["position"].as_i64().unwrap());
                    }
                    // The server is gone: this one was not acknowledged.
                    _ => break,
                }
            }
        }));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < KILL_AFTER {
        assert!(
            std::time::Instant::now() < deadline,
            "{KILL_AFTER} submissions were not acknowledged within a minute"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    (ids, acked)
}

/// Every position written, by application.
async fn written(store: &accordo_store::Store) -> BTreeMap<String, i64> {
    sqlx::query(
        "SELECT application_id, position FROM pathways_submissions WHERE window_id IN \
         (SELECT id FROM pathways_windows WHERE category = 'seasonal_agriculture')",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
    .collect()
}

fn gap_free(positions: &BTreeMap<String, i64>) {
    let mut all: Vec<i64> = positions.values().copied().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (1..=all.len() as i64).collect::<Vec<_>>(),
        "positions gap-free, each once"
    );
}

async fn check_then_resume(
    store: &accordo_store::Store,
    restart: impl FnOnce(u16) -> std::process::Child,
    ids: &[String],
    acked: &BTreeMap<String, i64>,
) {
    let before = written(store).await;
    gap_free(&before);
    for (id, position) in acked {
        assert_eq!(before.get(id), Some(position), "acknowledged {id}");
    }
    eprintln!(
        "{} acknowledged before the kill, {} written",
        acked.len(),
        before.len()
    );
    // Restarted: every written one retried with its key gets its position; the others get
    // the next ones.
    let port = free_port();
    let mut server = restart(port);
    let token = ready_token(port, "ita.association").await;
    let mut after = BTreeMap::new();
    for id in ids {
        let (status, answer) = submit(port, &token, id).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        after.insert(id.clone(), v["position"].as_i64().unwrap());
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for (id, position) in &before {
        assert_eq!(after.get(id), Some(position), "the retry of {id}");
    }
    gap_free(&after);
    assert_eq!(written(store).await, after, "the database agrees");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_click_day_loses_no_acknowledged_submission_and_duplicates_none() {
    let dir = std::env::temp_dir().join(format!("accordo-click-{}", uuid::Uuid::now_v7()));
    let port = free_port();
    let (ids, acked) = burst_then_kill(start(&dir, None, port), port).await;
    let store = accordo_store::Store::open_sqlite(&dir).await.unwrap();
    check_then_resume(&store, |port| start(&dir, None, port), &ids, &acked).await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => {
            let db = accordo_store::testing::TestDb::postgres(&url).await;
            let row: (String,) = sqlx::query_as("SELECT current_database()::text")
                .fetch_one(db.store.pool())
                .await
                .unwrap();
            let own = accordo_store::testing::with_database(&url, &row.0);
            let dir = std::env::temp_dir().join(format!("accordo-click-{}", uuid::Uuid::now_v7()));
            let port = free_port();
            let (ids, acked) = burst_then_kill(start(&dir, Some(&own), port), port).await;
            check_then_resume(
                &db.store,
                |port| start(&dir, Some(&own), port),
                &ids,
                &acked,
            )
            .await;
            db.drop_db().await;
            let _ = std::fs::remove_dir_all(&dir);
        }
        _ => accordo_store::testing::say_postgres_skipped(),
    }
}
