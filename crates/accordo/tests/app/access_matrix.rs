#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The access matrix: every API route, tried by a user of every role from the owning
//! agency, the same country and unrelated agencies, and without credentials.
//!
//! The routes come from the OpenAPI document, so a new route without a row fails the
//! test. The expected outcome is an oracle written independently of `can`: who may use the
//! route on a record of the victim's agency (IT-UI). A 2xx for anyone else is a leak; so is a
//! canary string of IT-UI's records in anyone else's answer. The platform's rows are here;
//! each module brings its own (`Module::access`, in its crate's `access.rs`), with the
//! IT-UI records they are tried on.

use crate::common;

use std::collections::BTreeSet;

use accordo_server::testing::matrix::{AccessRow, Arranged, CANARY, VICTIM, Who::*};
use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

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

/// The platform's rows; each module adds its own.
fn platform_rows() -> Vec<AccessRow> {
    const ADMIN: &[&str] = &["ita.admin"];
    vec![
        AccessRow {
            method: "delete",
            path: "/api/v1/auth/session",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/me",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&[VICTIM]),
        },
        AccessRow {
            method: "patch",
            path: "/api/v1/me",
            body: json!({"language": "en"}),
            who: Everyone,
            sees_canary: Only(&[VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/me/password",
            body: json!({"current_password": "accordo-demo", "new_password": "matrix-password-1"}),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/me/totp",
            body: json!({}),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/me/totp/confirm",
            body: json!({"code": "000000"}),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/me/sessions",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/me/tokens",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/me/tokens",
            body: json!({"label": "matrix"}),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "delete",
            path: "/api/v1/tokens/{id}",
            body: json!(null),
            who: Only(&[VICTIM, "ita.admin"]),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "delete",
            path: "/api/v1/sessions/{id}",
            body: json!(null),
            who: Only(&[VICTIM, "ita.admin"]),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/agencies",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/agencies",
            body: json!({"code": "XX-NEW", "name": "New agency", "country": "ITA"}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/agencies/{code}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/users",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users",
            body: json!({"username": "matrix.user", "display_name": "M", "agency": "IT-UI", "roles": ["officer"], "password": "matrix-password-1"}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/users/{id}",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/disable",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/enable",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/users/{id}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/reset-password",
            body: json!({"password": "matrix-password-2"}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/revoke-credentials",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/audit",
            body: json!(null),
            who: Only(&["ita.admin", "unhcr.monitor"]),
            sees_canary: Only(&["ita.admin"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/audit/export",
            body: json!(null),
            who: Only(&["ita.admin", "unhcr.monitor"]),
            sees_canary: Only(&["ita.admin"]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/settings/retention",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/settings/retention/{kind}",
            body: json!({"keep_days": 30}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/settings/second-factor",
            body: json!(null),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/settings/second-factor/{role}",
            body: json!({"required": false}),
            who: Only(ADMIN),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/notifications",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&[VICTIM, "ita.caseworker", "esp.officer"]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/notifications/{id}/read",
            body: json!(null),
            who: Only(&[VICTIM, "ita.caseworker"]),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
    ]
}

/// Every row: the platform's and each module's.
fn oracle() -> Vec<AccessRow> {
    let mut rows = platform_rows();
    for module in accordo::MODULES {
        rows.extend((module.access.rows)());
    }
    rows
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

/// IT-UI's records: the victim user's own (its token, session and a notification) and each
/// module's, as `(path prefix, id)`.
struct Victim {
    user_id: String,
    token: String,
    records: Arranged,
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
    let audited = accordo_service::audit::record(
        &app.platform,
        &mut tx,
        &accordo_service::demo::command_line_ctx(),
        "notification.create",
        "notification",
        Some(&notification_id),
        json!({}),
    )
    .await
    .unwrap();
    tx.commit(audited).await.unwrap();
    let mut records: Arranged = vec![
        ("/api/v1/tokens/", token_id),
        ("/api/v1/sessions/", session_id),
        ("/api/v1/notifications/", notification_id),
    ];
    for module in accordo::MODULES {
        records.extend((module.access.arrange)(app, &token).await);
    }
    Victim {
        user_id,
        token,
        records,
    }
}

/// The path of a route template on IT-UI's record: the arranged record with the longest
/// matching prefix, else the victim user.
fn concrete(template: &str, victim: &Victim) -> String {
    let id = victim
        .records
        .iter()
        .filter(|(prefix, _)| template.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map_or(victim.user_id.as_str(), |(_, id)| id.as_str());
    template
        .replace("{id}", id)
        .replace("{kind}", "session")
        .replace("{code}", "IT-UI")
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
        .map(|row| (row.method.to_owned(), row.path.to_owned()))
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

    // Both engines: the scopes are SQL, and each dialect must keep them.
    let mut engines = vec![None];
    match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => engines.push(Some(url)),
        _ => accordo_store::testing::say_postgres_skipped(),
    }
    let mut failures = Vec::new();
    for engine in &engines {
        let on = engine.as_ref().map_or("SQLite", |_| "PostgreSQL");
        for row in &rows {
            // A fresh installation per route: one route's writes never change another's
            // answer.
            let app = match engine {
                None => common::app_sqlite().await,
                Some(url) => {
                    common::app_on(accordo_store::testing::TestDb::postgres(url).await).await
                }
            };
            try_route(&app, row, on, &mut failures).await;
            app.finish().await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} access failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Tries one route without credentials and as every user, on IT-UI's records.
async fn try_route(app: &TestApp, row: &AccessRow, on: &str, failures: &mut Vec<String>) {
    let AccessRow {
        method,
        path: template,
        body,
        who,
        sees_canary,
    } = row;
    let victim = arrange(app).await;
    let path = concrete(template, &victim);
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let body = (!body.is_null()).then_some(body);

    let anonymous = app.request(method.clone(), &path, None, body).await;
    if anonymous.status != StatusCode::UNAUTHORIZED {
        failures.push(format!(
            "{on}: {method} {template} without credentials: {}",
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
                "{on}: {method} {template} as {user}: refused ({}) but should be allowed: {}",
                reply.status, reply.text
            ));
        }
        if !allowed && !denied {
            failures.push(format!(
                "{on}: {method} {template} as {user}: LEAK, answered {}: {}",
                reply.status, reply.text
            ));
        }
        if reply.text.contains(CANARY) && !sees_canary.allows(user) {
            failures.push(format!(
                "{on}: {method} {template} as {user}: LEAK of IT-UI data: {}",
                reply.text
            ));
        }
    }
}
