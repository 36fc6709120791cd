#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! A burst of concurrent audited writes to a real `accordo serve`, killed with SIGKILL in the
//! middle, on SQLite and on PostgreSQL: every write the server acknowledged is in the
//! database with its audit entry, and the chain verifies.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request on a new connection; the status and the body.
pub(crate) async fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    http_with(port, method, path, token, "", body).await
}

/// [`http`] with more header lines (each ending in `\r\n`).
pub(crate) async fn http_with(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.get(9..12)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    Some((status, body))
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn start(dir: &std::path::Path, database_url: Option<&str>, port: u16) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accordo"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("ACCORDO_DATABASE_URL");
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd.args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until the server on `port` is ready and signs in as `username`: the token.
pub(crate) async fn ready_token(port: u16, username: &str) -> String {
    let mut ready = false;
    for _ in 0..600 {
        if let Some((200, _)) = http(port, "GET", "/readyz", None, "").await {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not become ready");
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        &format!(r#"{{"username": "{username}", "password": "accordo-demo"}}"#),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates return cases from 16 writers until 120 are acknowledged, kills the server with
/// SIGKILL while they still write, and returns the acknowledged ids.
async fn burst_then_kill(mut server: Child, port: u16) -> Vec<String> {
    let token = ready_token(port, "ita.caseworker").await;
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..16 {
        let (token, acked) = (token.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let body = format!(
                    r#"{{"person": {{"surname": "CRASH{w}X{n}", "given_names": "PROVA", "claimed_nationality": "TUN"}}, "asylum": "none"}}"#
                );
                match http(port, "POST", "/api/v1/returns/cases", Some(&token), &body).await {
                    Some((201, answer)) => {
                        let id = serde_json::from_str::<serde_json::Value>(&answer).unwrap()["id"]
                            .as_str()
                            .unwrap()
                            .to_owned();
                        acked.lock().unwrap().push(id);
                    }
                    // Refused, or the server is gone: nothing was acknowledged.
                    _ => break,
                }
            }
        }));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 120 {
        assert!(
            std::time::Instant::now() < deadline,
            "120 writes were not acknowledged within a minute"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    acked.lock().unwrap().clone()
}

async fn check(store: &accordo_store::Store, acked: &[String]) {
    use sqlx::Row;
    // Entries committed with their writes and not chained before the kill are chained now,
    // as the restarted server would.
    // (On PostgreSQL a transaction whose COMMIT was sent before the kill may still land after
    // the count: at least those counted are chained.)
    let waiting = accordo_store::audit::pending(store).await.unwrap();
    let chained = accordo_store::audit::seal(store).await.unwrap();
    assert!(
        chained >= waiting as u64,
        "{chained} chained, {waiting} waiting"
    );
    eprintln!("{waiting} entries were committed but not yet chained when the server was killed");
    assert_eq!(accordo_store::audit::pending(store).await.unwrap(), 0);
    for id in acked {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM return_cases WHERE id = $1) AS cases,
                    (SELECT COUNT(*) FROM audit_log WHERE action = 'return_case.create' AND resource_id = $1) AS entries",
        )
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
        let (cases, entries): (i64, i64) = (row.get("cases"), row.get("entries"));
        assert_eq!((cases, entries), (1, 1), "acknowledged case {id}");
    }
    let verified = accordo_store::audit::verify(store, &[], i64::MAX / 2, |_, _| {})
        .await
        .unwrap();
    assert!(verified.is_ok(), "{verified:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_write_loses_its_audit_entry_under_kill_9() {
    let dir = std::env::temp_dir().join(format!("accordo-crash-{}", uuid::Uuid::now_v7()));
    let port = free_port();
    let acked = burst_then_kill(start(&dir, None, port), port).await;
    assert!(acked.len() >= 120);
    let store = accordo_store::Store::open_sqlite(&dir).await.unwrap();
    check(&store, &acked).await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => {
            let db = accordo_store::testing::TestDb::postgres(&url).await;
            let name = db.store.clone();
            // The server needs the database's own URL: the test's, with its name.
            let row: (String,) = sqlx::query_as("SELECT current_database()::text")
                .fetch_one(name.pool())
                .await
                .unwrap();
            let own = accordo_store::testing::with_database(&url, &row.0);
            let port = free_port();
            let dir = std::env::temp_dir().join(format!("accordo-crash-{}", uuid::Uuid::now_v7()));
            let acked = burst_then_kill(start(&dir, Some(&own), port), port).await;
            check(&db.store, &acked).await;
            db.drop_db().await;
            let _ = std::fs::remove_dir_all(&dir);
        }
        _ => accordo_store::testing::say_postgres_skipped(),
    }
}
