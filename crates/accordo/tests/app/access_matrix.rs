#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The access matrix: every API route and every page, tried without credentials, by every
//! demo user and by a user of every role at every kind of agency (operator, the host state's
//! other agencies, a member state, a partner, the monitor), on SQLite and on PostgreSQL.
//!
//! The routes come from the OpenAPI document and the pages from their routes' own list
//! (`PageRoutes`), so a new route or page without a row fails the test. The expected outcome
//! is an oracle written independently of `can`: who may use the route on a record of the
//! victim's agency (IT-UI). An answer other than a refusal for anyone else is a leak; so is a
//! canary string of IT-UI's records in the answer of anyone outside IT-UI. The platform's rows
//! are here; each module brings its own (`Module::access`, in its crate's `access.rs`), with
//! the IT-UI records they are tried on.
//!
//! Each engine's installation is seeded and arranged once and kept as a template: the reads
//! run on one copy, each write on a copy of its own, so no row sees another's writes.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use accordo_domain::Role;
use accordo_server::testing::matrix::{
    AccessRow, Arranged, At, CANARY, KINDS, OPERATOR_ADMINS, Person, VICTIM, Who::*, persons,
};
use accordo_store::testing::TestDb;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use serde_json::{Value, json};

/// Routes anyone may call without credentials.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/session"),
    // The click day's figures, an application's status by its code, a certificate's
    // validity: nothing of anyone (tested in tests/app/pathways.rs).
    ("get", "/api/v1/pathways/click-day"),
    ("get", "/api/v1/pathways/status/{code}"),
    ("get", "/api/v1/pathways/certificates/{code}"),
];

/// Pages anyone may open without signing in.
const PUBLIC_PAGES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/static/{version}/{*path}"),
    ("get", "/sign-in"),
    ("post", "/sign-in"),
    ("get", "/language"),
    // The click day's figures, an application's status by code, a certificate's validity.
    ("get", "/click-day"),
    ("get", "/pathways/status"),
    ("get", "/pathways/certificates"),
];

/// Every role at ES-PN, which IT-UI's AMBER forgery alert is addressed to (and notified).
const EVERYONE_AT_ES_PN: &[(Role, At)] = &[
    (Role::Admin, At::Agency("ES-PN")),
    (Role::Analyst, At::Agency("ES-PN")),
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Caseworker, At::Agency("ES-PN")),
    (Role::PartnerAuthority, At::Agency("ES-PN")),
    (Role::Monitor, At::Agency("ES-PN")),
    (Role::Employer, At::Agency("ES-PN")),
];

/// The platform's rows; each module adds its own.
fn platform_rows() -> Vec<AccessRow> {
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
            body: json!({"password": "accordo-demo"}),
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
            who: Either(&[VICTIM], OPERATOR_ADMINS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "delete",
            path: "/api/v1/sessions/{id}",
            body: json!(null),
            who: Either(&[VICTIM], OPERATOR_ADMINS),
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
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/agencies/{code}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Only(&["ita.admin", VICTIM]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/users",
            body: json!(null),
            who: Holders(&[(Role::Admin, At::Anywhere)]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users",
            body: json!({"username": "matrix.user", "display_name": "M", "agency": "IT-UI", "roles": ["officer"], "password": "matrix-password-1"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/users/{id}",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/disable",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/enable",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/users/{id}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/reset-password",
            body: json!({"password": "matrix-password-2"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/users/{id}/revoke-credentials",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/audit",
            body: json!(null),
            who: Holders(&[
                (Role::Admin, At::Anywhere),
                (Role::Monitor, At::Agency("UNHCR")),
            ]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/audit/export",
            body: json!(null),
            who: Holders(&[
                (Role::Admin, At::Anywhere),
                (Role::Monitor, At::Agency("UNHCR")),
            ]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/audit/checkpoints",
            body: json!(null),
            who: Holders(&[(Role::Admin, At::Operator), (Role::Monitor, At::Anywhere)]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/settings/retention",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/settings/retention/{kind}",
            body: json!({"keep_days": 30}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/settings/second-factor",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/settings/second-factor/{role}",
            body: json!({"required": false}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/notifications",
            body: json!(null),
            who: Everyone,
            sees_canary: Holders(EVERYONE_AT_ES_PN),
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

/// Who sees IT-UI's records on the home page: the notified agency (ES-PN, for IT-UI's
/// alert) and the operator's admins (the victim among the users without a second factor).
const HOME_CANARY: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Admin, At::Agency("ES-PN")),
    (Role::Analyst, At::Agency("ES-PN")),
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Caseworker, At::Agency("ES-PN")),
    (Role::PartnerAuthority, At::Agency("ES-PN")),
    (Role::Monitor, At::Agency("ES-PN")),
    (Role::Employer, At::Agency("ES-PN")),
];

/// The platform's pages; each module adds its own. A form's fields are posted with the
/// session's CSRF field.
fn platform_pages() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/home",
            body: json!(null),
            who: Everyone,
            sees_canary: Holders(HOME_CANARY),
        },
        AccessRow {
            method: "post",
            path: "/notifications/{id}/read",
            body: json!({}),
            who: Only(&[VICTIM, "ita.caseworker"]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/sign-out",
            body: json!({}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/account",
            body: json!(null),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/language",
            body: json!({"language": "en", "next": "/account"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/preferences",
            body: json!({"language": "en", "time_zone": "Europe/Rome"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/password",
            body: json!({"current_password": "accordo-demo", "new_password": "matrix-password-1", "confirm_password": "matrix-password-1"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/totp",
            body: json!({"totp_password": "accordo-demo"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/totp/confirm",
            body: json!({"code": "000000"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/tokens",
            body: json!({"label": "matrix"}),
            who: Everyone,
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/account/tokens/{id}/revoke",
            body: json!({}),
            who: Either(&[VICTIM], OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/account/sessions/{id}/revoke",
            body: json!({}),
            who: Either(&[VICTIM], OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/audit",
            body: json!(null),
            who: Holders(&[
                (Role::Admin, At::Anywhere),
                (Role::Monitor, At::Agency("UNHCR")),
            ]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin",
            body: json!(null),
            // A redirect to the users' page, which refuses whoever is not an admin.
            who: Everyone,
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin/users",
            body: json!(null),
            who: Holders(&[(Role::Admin, At::Anywhere)]),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users",
            body: json!({"username": "matrix.page", "display_name": "M", "agency": "IT-UI", "roles": ["caseworker"], "password": "matrix-password-1"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin/users/{id}",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users/{id}/disable",
            body: json!({}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users/{id}/enable",
            body: json!({}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users/{id}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users/{id}/reset-password",
            body: json!({"password": "matrix-password-2"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/users/{id}/revoke-credentials",
            body: json!({}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/credentials/{kind}/{id}/revoke",
            body: json!({}),
            who: Either(&[VICTIM], OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin/agencies",
            body: json!(null),
            // The directory of agencies is reference data, as in the API.
            who: Everyone,
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/agencies",
            body: json!({"code": "XX-NEW", "name": "New agency", "country": "ITA", "time_zone": "UTC"}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/agencies/{code}/roles",
            body: json!({"roles": ["caseworker"]}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin/security",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/security",
            // Requiring a factor would end the sessions of the next admins tried.
            body: json!({}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "get",
            path: "/admin/retention",
            body: json!(null),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
        AccessRow {
            method: "post",
            path: "/admin/retention",
            body: json!({}),
            who: Holders(OPERATOR_ADMINS),
            sees_canary: Holders(OPERATOR_ADMINS),
        },
    ]
}

/// Every row: the platform's and each module's, API routes and pages.
fn oracle() -> (Vec<AccessRow>, Vec<AccessRow>) {
    let mut api = platform_rows();
    let mut pages = platform_pages();
    for module in accordo::MODULES {
        api.extend((module.access.rows)());
        pages.extend((module.access.pages)());
    }
    (api, pages)
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

/// Fails when a route has no row, or a row no route.
fn check_coverage(
    what: &str,
    routes: &BTreeSet<(String, String)>,
    rows: &[AccessRow],
    public: &[(&str, &str)],
) {
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        // A row may carry a query string: the route is the path before it.
        .map(|row| {
            let route = row.path.split('?').next().unwrap_or(row.path);
            (row.method.to_owned(), route.to_owned())
        })
        .collect();
    let public: BTreeSet<(String, String)> = public
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = routes
        .difference(&covered)
        .filter(|r| !public.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "{what} without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(routes).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for {what} that do not exist: {stale:?}"
    );
}

/// What a person signs in with: an API token and a page session's cookie value.
struct Credentials {
    token: String,
    session: String,
}

/// IT-UI's records (the victim user's own, its token, session and a notification, and each
/// module's, as `(path prefix, id)`), and everyone's credentials.
struct Victim {
    user_id: String,
    records: Arranged,
    credentials: HashMap<String, Credentials>,
}

/// Adds the victim (its display name carries the canary) and a user of every role at every
/// kind of agency, straight into the store: the matrix tries the policies even for a role an
/// agency should not have been granted. Returns the victim's id.
async fn add_every_role_everywhere(app: &TestApp) -> uuid::Uuid {
    let hash = accordo_service::passwords::hash(
        accordo_service::PasswordCost::Test,
        accordo_service::demo::DEMO_PASSWORD,
    );
    let mut tx = app.store().write().await.unwrap();
    let victim = accordo_service::new_id();
    let demo: Vec<&str> = accordo_service::demo::USERS.iter().map(|u| u.0).collect();
    for person in persons()
        .iter()
        .filter(|p| !demo.contains(&p.username.as_str()))
    {
        let is_victim = person.username == VICTIM;
        accordo_store::accounts::insert_user(
            &mut tx,
            &accordo_store::accounts::NewUser {
                id: if is_victim {
                    victim
                } else {
                    accordo_service::new_id()
                },
                username: &person.username,
                display_name: &if is_victim {
                    format!("Victim {CANARY}")
                } else {
                    format!("Matrix {}", person.username)
                },
                agency: person.agency,
                roles: &person.roles.to_list(),
                password_hash: &hash,
                must_change_password: false,
                language: "en",
                time_zone: "Europe/Rome",
            },
            0,
        )
        .await
        .unwrap();
    }
    let audited = accordo_service::audit::record(
        &app.platform,
        &mut tx,
        &accordo_service::demo::command_line_ctx(),
        "user.create",
        "user",
        None,
        json!({"matrix": KINDS.len()}),
    )
    .await
    .unwrap();
    tx.commit(audited).await.unwrap();
    victim
}

/// Signs in through the API for a token and a session.
async fn sign_in(app: &TestApp, username: &str) -> Credentials {
    let password = accordo_service::demo::DEMO_PASSWORD;
    let session = app
        .post(
            "/api/v1/auth/session",
            None,
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(
        session.status,
        StatusCode::OK,
        "{username}: {}",
        session.text
    );
    let cookie = session
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("accordo_session="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    Credentials {
        token: app.token(username).await,
        session: cookie,
    }
}

async fn arrange(app: &TestApp) -> Victim {
    let user_id = add_every_role_everywhere(app).await.to_string();
    let mut credentials = HashMap::new();
    for person in persons() {
        let signed_in = sign_in(app, &person.username).await;
        credentials.insert(person.username, signed_in);
    }
    let victim_token = credentials[VICTIM].token.clone();
    let tokens = app.get("/api/v1/me/tokens", &victim_token).await.json();
    let token_id = tokens[0]["id"].as_str().unwrap().to_owned();
    let sessions = app.get("/api/v1/me/sessions", &victim_token).await.json();
    let session_id = sessions[0]["id"].as_str().unwrap().to_owned();
    let mut tx = app.store().write().await.unwrap();
    let notification_id = accordo_service::notifications::notify(
        &app.platform,
        &mut tx,
        ("IT-UI", None),
        "test",
        "returns-notice-information",
        serde_json::json!({"owner": CANARY}),
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
        ("/api/v1/tokens/", token_id.clone()),
        ("/api/v1/sessions/", session_id.clone()),
        ("/api/v1/notifications/", notification_id.clone()),
        ("/account/tokens/", token_id),
        ("/account/sessions/", session_id.clone()),
        ("/admin/credentials/", session_id),
        ("/notifications/", notification_id),
    ];
    for module in accordo::MODULES {
        records.extend((module.access.arrange)(app, &victim_token).await);
    }
    Victim {
        user_id,
        records,
        credentials,
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
        .replace("{role}", "monitor")
        .replace("{code}", "IT-UI")
}

#[tokio::test]
async fn every_route_and_page_every_role_every_tenant() {
    let probe = common::app_sqlite().await;
    let doc = probe
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    probe.finish().await;
    let (api, pages) = oracle();
    check_coverage("routes", &routes_in_openapi(&doc), &api, PUBLIC);
    let page_routes: BTreeSet<(String, String)> = accordo_server::pages::routes(accordo::MODULES)
        .listed()
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    check_coverage("pages", &page_routes, &pages, PUBLIC_PAGES);

    // Both engines: the scopes are SQL, and each dialect must keep them.
    let mut engines = vec![None];
    match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => engines.push(Some(url)),
        _ => accordo_store::testing::say_postgres_skipped(),
    }
    let everyone = persons();
    let mut failures = Vec::new();
    for engine in &engines {
        let on = engine.as_ref().map_or("SQLite", |_| "PostgreSQL");
        let db = match engine {
            None => TestDb::sqlite().await,
            Some(url) => TestDb::postgres(url).await,
        };
        let app = common::app_on(db).await;
        let victim = arrange(&app).await;
        let template = app.into_template().await;
        // The reads on one copy: they change nothing another read answers.
        let reads = common::app_on_copy(template.copy().await).await;
        for (row, page) in api
            .iter()
            .map(|r| (r, false))
            .chain(pages.iter().map(|r| (r, true)))
        {
            if row.method == "get" {
                Trial {
                    app: &reads,
                    row,
                    page,
                    on,
                    victim: &victim,
                    everyone: &everyone,
                }
                .run(&mut failures)
                .await;
            }
        }
        reads.finish().await;
        // Each write on a copy of its own.
        for (row, page) in api
            .iter()
            .map(|r| (r, false))
            .chain(pages.iter().map(|r| (r, true)))
        {
            if row.method != "get" {
                let app = common::app_on_copy(template.copy().await).await;
                Trial {
                    app: &app,
                    row,
                    page,
                    on,
                    victim: &victim,
                    everyone: &everyone,
                }
                .run(&mut failures)
                .await;
                app.finish().await;
            }
        }
        template.drop_template().await;
    }
    assert!(
        failures.is_empty(),
        "{} access failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One row tried without credentials and as everyone.
struct Trial<'a> {
    app: &'a TestApp,
    row: &'a AccessRow,
    page: bool,
    on: &'a str,
    victim: &'a Victim,
    everyone: &'a [Person],
}

impl Trial<'_> {
    async fn run(&self, failures: &mut Vec<String>) {
        let Trial {
            row, on, victim, ..
        } = self;
        let template = row.path;
        let path = concrete(template, victim);
        let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).unwrap();

        let anonymous = self.send(method.clone(), &path, None).await;
        let refused = if self.page {
            anonymous.status == StatusCode::UNAUTHORIZED
                || anonymous.status == StatusCode::FORBIDDEN
                || location(&anonymous).starts_with("/sign-in?next=")
        } else {
            anonymous.status == StatusCode::UNAUTHORIZED
        };
        if !refused || anonymous.text.contains(CANARY) {
            failures.push(format!(
                "{on}: {method} {template} without credentials: {} {}",
                anonymous.status,
                location(&anonymous)
            ));
        }
        for person in self.everyone.iter() {
            let credentials = &victim.credentials[&person.username];
            let reply = self.send(method.clone(), &path, Some(credentials)).await;
            let denied = matches!(
                reply.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ) || location(&reply).starts_with("/sign-in?next=");
            let user = &person.username;
            // A page or route that fails is no answer to who may use it.
            if reply.status.is_server_error() {
                failures.push(format!(
                    "{on}: {method} {template} as {user}: {}: {}",
                    reply.status,
                    excerpt(&reply.text)
                ));
            }
            let allowed = row.who.allows(person);
            if allowed && denied {
                failures.push(format!(
                    "{on}: {method} {template} as {user}: refused ({}) but should be allowed: {}",
                    reply.status,
                    excerpt(&reply.text)
                ));
            }
            if !allowed && !denied {
                failures.push(format!(
                    "{on}: {method} {template} as {user}: LEAK, answered {} {}: {}",
                    reply.status,
                    location(&reply),
                    excerpt(&reply.text)
                ));
            }
            // IT-UI's own users see IT-UI's records.
            if reply.text.contains(CANARY)
                && person.agency != "IT-UI"
                && !row.sees_canary.allows(person)
            {
                failures.push(format!(
                    "{on}: {method} {template} as {user}: LEAK of IT-UI data: {}",
                    excerpt(&reply.text)
                ));
            }
        }
    }

    /// The request: JSON with a bearer token to the API; a form with the session cookie and
    /// its CSRF field to a page.
    async fn send(
        &self,
        method: Method,
        path: &str,
        credentials: Option<&Credentials>,
    ) -> common::Reply {
        let body = &self.row.body;
        if !self.page {
            let token = credentials.map(|c| c.token.as_str());
            let body = (!body.is_null()).then_some(body);
            return self.app.request(method, path, token, body).await;
        }
        let mut request = Request::builder().method(method.clone()).uri(path);
        if let Some(c) = credentials {
            request = request.header(header::COOKIE, format!("accordo_session={}", c.session));
        }
        if method == Method::GET {
            return self.app.send(request.body(Body::empty()).unwrap()).await;
        }
        let mut form = form_urlencoded::Serializer::new(String::new());
        if let Some(c) = credentials {
            form.append_pair("csrf", &accordo_service::auth::csrf_token(&c.session));
        }
        if let Some(fields) = body.as_object() {
            for (name, value) in fields {
                match value {
                    Value::Array(all) => {
                        for v in all {
                            form.append_pair(name, v.as_str().unwrap());
                        }
                    }
                    v => {
                        form.append_pair(name, v.as_str().unwrap());
                    }
                }
            }
        }
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.app
            .send(request.body(Body::from(form.finish())).unwrap())
            .await
    }
}

fn location(reply: &common::Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The start of an answer, enough to see why.
fn excerpt(text: &str) -> &str {
    let end = text.char_indices().nth(300).map_or(text.len(), |(i, _)| i);
    &text[..end]
}
