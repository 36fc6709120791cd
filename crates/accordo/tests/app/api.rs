#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The API end to end: sign-in, tokens, sessions and CSRF, the second factor, accounts,
//! the audit log, and bad input. Each test runs on SQLite and on PostgreSQL.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Reply, TestApp, each_engine};
use serde_json::json;

#[tokio::test]
async fn token_sign_in_and_me() {
    each_engine(|app| async move {
        let token = app.token("pak.partner_authority").await;
        assert!(token.starts_with("acc_") && token.len() > 40);
        let me = app.get("/api/v1/me", &token).await;
        assert_eq!(me.status, StatusCode::OK);
        let me = me.json();
        assert_eq!(me["username"], "pak.partner_authority");
        assert_eq!(me["agency"], "PK-MOI");
        assert_eq!(me["country"], "PAK");
        assert_eq!(me["roles"], json!(["partner_authority"]));
        let monitor = app
            .get("/api/v1/me", &app.token("unhcr.monitor").await)
            .await
            .json();
        assert_eq!(
            monitor["country"],
            json!(null),
            "an international body has no country"
        );

        let agencies = app.get("/api/v1/agencies", &token).await.json();
        let codes: Vec<&str> = agencies
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        for code in [
            "IT-PS", "PK-FIA", "TR-SG", "UNHCR", "IT-MI", "PK-MOI", "TN-MI",
        ] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
        }
        app
    })
    .await;
}

/// A sign-in from `address`, the socket's peer, optionally through a proxy's header.
async fn sign_in_from(
    app: &TestApp,
    address: &str,
    forwarded_for: Option<&str>,
    username: &str,
    password: &str,
) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let mut req = req
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    app.send(req).await
}

#[tokio::test]
async fn bad_sign_ins_are_refused_and_audited() {
    each_engine(|app| async move {
        let attacker = "203.0.113.9";
        let owner = "198.51.100.20";
        let wrong = sign_in_from(&app, attacker, None, "ita.officer", "nope").await;
        assert_eq!(
            (wrong.status, wrong.code().as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
        let nobody = sign_in_from(&app, attacker, None, "no.body", "nope").await;
        assert_eq!(
            (
                nobody.status,
                nobody.code(),
                nobody.json()["detail"].clone()
            ),
            (wrong.status, wrong.code(), wrong.json()["detail"].clone()),
            "an unknown user reads like a wrong password"
        );

        // Five free failures per name and address, then each attempt waits 1, 2, 4 … s: the
        // same for a name that exists and one that does not.
        for name in ["ita.officer", "no.body"] {
            for _ in 0..4 {
                sign_in_from(&app, attacker, None, name, "nope").await;
            }
            let slowed = sign_in_from(&app, attacker, None, name, "nope").await;
            assert_eq!(
                slowed.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{name}: {}",
                slowed.text
            );
            assert_eq!(slowed.headers[header::RETRY_AFTER], "1");
        }
        app.clock.advance(1);
        assert_eq!(
            sign_in_from(&app, attacker, None, "ita.officer", "nope")
                .await
                .code(),
            "invalid_credentials"
        );
        let doubled = sign_in_from(&app, attacker, None, "ita.officer", "nope").await;
        assert_eq!(doubled.headers[header::RETRY_AFTER], "2");

        // The owner, from their own address, is never locked out: no account lockout.
        let own = sign_in_from(&app, owner, None, "ita.officer", "accordo-demo").await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.text);
        // And the attacker's right guess still waits its turn.
        let guessed = sign_in_from(&app, attacker, None, "ita.officer", "accordo-demo").await;
        assert_eq!(guessed.status, StatusCode::TOO_MANY_REQUESTS);

        let admin = app.token("ita.admin").await;
        let failures = app
            .get("/api/v1/audit?action=auth.sign_in_failed&limit=50", &admin)
            .await
            .json();
        assert!(
            failures.as_array().unwrap().len() >= 11,
            "every failure is audited: {failures}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    let app = TestApp::with_settings(accordo::MODULES, |s| {
        s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    // Straight from the internet, a forged header changes nothing: six failures from one
    // address, whatever each claims, and that address waits.
    for i in 0..5 {
        let forged = format!("198.51.100.{i}");
        sign_in_from(&app, "203.0.113.9", Some(&forged), "ita.officer", "nope").await;
    }
    let forged = sign_in_from(
        &app,
        "203.0.113.9",
        Some("198.51.100.99"),
        "ita.officer",
        "nope",
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        forged.text
    );
    // Through the proxy, each client is itself: one is slowed, another is not.
    for _ in 0..5 {
        sign_in_from(
            &app,
            "10.0.0.2",
            Some("198.51.100.1"),
            "ita.analyst",
            "nope",
        )
        .await;
    }
    let slowed = sign_in_from(
        &app,
        "10.0.0.2",
        Some("198.51.100.1"),
        "ita.analyst",
        "nope",
    )
    .await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    let other = sign_in_from(
        &app,
        "10.0.0.2",
        Some("198.51.100.2"),
        "ita.analyst",
        "accordo-demo",
    )
    .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    // The audit log names the client, not the proxy.
    let admin = app.token("ita.admin").await;
    let failures = app
        .get("/api/v1/audit?action=auth.sign_in_failed&limit=50", &admin)
        .await
        .text;
    assert!(
        failures.contains("198.51.100.1") && !failures.contains("10.0.0.2"),
        "{failures}"
    );
    app.finish().await;
}

#[tokio::test]
async fn tokens_expire_and_revoke_and_die_with_their_user() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let short = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": "esp.officer", "password": "accordo-demo", "days": 1}),
            )
            .await
            .json();
        let short_token = short["token"].as_str().unwrap().to_owned();
        assert_eq!(
            app.get("/api/v1/me", &short_token).await.status,
            StatusCode::OK
        );
        app.clock.advance(86_400 + 1);
        let expired = app.get("/api/v1/me", &short_token).await;
        assert_eq!(
            (expired.status, expired.code().as_str()),
            (StatusCode::UNAUTHORIZED, "token_expired")
        );

        let token = app.token("esp.officer").await;
        let tokens = app.get("/api/v1/me/tokens", &token).await.json();
        let current = tokens
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["current"] == true)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let revoke = app
            .request(
                Method::DELETE,
                &format!("/api/v1/tokens/{current}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(revoke.status, StatusCode::NO_CONTENT, "{}", revoke.text);
        assert_eq!(app.get("/api/v1/me", &token).await.code(), "token_revoked");

        let token = app.token("grc.officer").await;
        let id = app.user_id(&admin, "grc.officer").await;
        let disabled = app
            .post(
                &format!("/api/v1/users/{id}/disable"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);
        assert_eq!(disabled.json()["disabled"], true);
        assert_eq!(
            app.get("/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "disabling revokes tokens"
        );
        let again = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": "grc.officer", "password": "accordo-demo"}),
            )
            .await;
        assert_eq!(again.code(), "account_disabled");
        app
    })
    .await;
}

async fn session(app: &TestApp, username: &str) -> (String, String) {
    let reply = app
        .post(
            "/api/v1/auth/session",
            None,
            json!({"username": username, "password": "accordo-demo"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    let pair = cookie.split(';').next().unwrap().to_owned();
    (
        pair,
        reply.json()["csrf_token"].as_str().unwrap().to_owned(),
    )
}

async fn with_cookie(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: serde_json::Value,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(csrf) = csrf {
        req = req.header("x-csrf-token", csrf);
    }
    app.send(req.body(Body::from(body.to_string())).unwrap())
        .await
}

#[tokio::test]
async fn sessions_need_the_csrf_token_to_change_anything() {
    each_engine(|app| async move {
        let (cookie, csrf) = session(&app, "ita.analyst").await;
        let me = with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, json!(null)).await;
        assert_eq!(me.status, StatusCode::OK, "a read needs no CSRF token");
        let body = json!({"label": "laptop"});
        let forged = with_cookie(
            &app,
            Method::POST,
            "/api/v1/me/tokens",
            &cookie,
            None,
            body.clone(),
        )
        .await;
        assert_eq!(
            (forged.status, forged.code().as_str()),
            (StatusCode::FORBIDDEN, "csrf_failed")
        );
        let wrong = with_cookie(
            &app,
            Method::POST,
            "/api/v1/me/tokens",
            &cookie,
            Some("0000"),
            body.clone(),
        )
        .await;
        assert_eq!(wrong.code(), "csrf_failed");
        let ok = with_cookie(
            &app,
            Method::POST,
            "/api/v1/me/tokens",
            &cookie,
            Some(&csrf),
            body,
        )
        .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);

        let out = with_cookie(
            &app,
            Method::DELETE,
            "/api/v1/auth/session",
            &cookie,
            Some(&csrf),
            json!(null),
        )
        .await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        let after = with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, json!(null)).await;
        assert_eq!(after.code(), "session_ended");
        app
    })
    .await;
}

#[tokio::test]
async fn second_factor_enrolment_and_policy() {
    each_engine(|app| async move {
        let token = app.token("ita.officer").await;
        // A session or token alone cannot bind the account to a device: the password too.
        let bare = app
            .post(
                "/api/v1/me/totp",
                Some(&token),
                json!({"password": "not-my-password"}),
            )
            .await;
        assert_eq!(
            bare.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            bare.text
        );
        assert_eq!(bare.json()["field"], "password");
        let enrol = app
            .post(
                "/api/v1/me/totp",
                Some(&token),
                json!({"password": "accordo-demo"}),
            )
            .await;
        assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.text);
        let enrol = enrol.json();
        let secret = enrol["secret"].as_str().unwrap().to_owned();
        assert!(
            enrol["otpauth_uri"]
                .as_str()
                .unwrap()
                .starts_with("otpauth://totp/accordo:ita.officer?")
        );
        let wrong = app
            .post(
                "/api/v1/me/totp/confirm",
                Some(&token),
                json!({"code": "000000"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let code = accordo_service::auth::totp_now(&secret, app.clock.now_seconds()).unwrap();
        let ok = app
            .post(
                "/api/v1/me/totp/confirm",
                Some(&token),
                json!({"code": code}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);

        let creds = json!({"username": "ita.officer", "password": "accordo-demo"});
        assert_eq!(
            app.post("/api/v1/auth/token", None, creds.clone())
                .await
                .code(),
            "totp_required"
        );
        let with = |code: &str| {
            let mut c = creds.clone();
            c["totp"] = json!(code);
            c
        };
        assert_eq!(
            app.post(
                "/api/v1/auth/token",
                None,
                with(if code == "123456" { "654321" } else { "123456" })
            )
            .await
            .code(),
            "totp_invalid"
        );
        // The code that confirmed the enrolment was used: it does not also sign in.
        assert_eq!(
            app.post("/api/v1/auth/token", None, with(&code))
                .await
                .code(),
            "totp_invalid",
            "a code is accepted once"
        );
        app.clock.advance(30);
        let next = accordo_service::auth::totp_now(&secret, app.clock.now_seconds()).unwrap();
        let signed_in = app.post("/api/v1/auth/token", None, with(&next)).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
        assert_eq!(
            app.post("/api/v1/auth/token", None, with(&next))
                .await
                .code(),
            "totp_invalid",
            "a replay in the same window is refused"
        );
        // The previous step's code is still within the tolerance, but older than one used.
        assert_eq!(
            app.post("/api/v1/auth/token", None, with(&code))
                .await
                .code(),
            "totp_invalid",
            "an older step is refused"
        );

        // Replacing the factor takes a current code of it as well.
        let token = signed_in.json()["token"].as_str().unwrap().to_owned();
        let no_code = app
            .post(
                "/api/v1/me/totp",
                Some(&token),
                json!({"password": "accordo-demo"}),
            )
            .await;
        assert_eq!(
            no_code.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            no_code.text
        );
        assert_eq!(no_code.json()["field"], "code");
        app.clock.advance(30);
        let third = accordo_service::auth::totp_now(&secret, app.clock.now_seconds()).unwrap();
        let replaced = app
            .post(
                "/api/v1/me/totp",
                Some(&token),
                json!({"password": "accordo-demo", "code": third}),
            )
            .await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);

        // An admin requires the second factor for analysts: one without it cannot sign in,
        // and the sessions and tokens it opened without one end.
        let analyst = app.token("ita.analyst").await;
        let admin = app.token("ita.admin").await;
        let set = app
            .request(
                Method::PUT,
                "/api/v1/settings/second-factor/analyst",
                Some(&admin),
                Some(&json!({"required": true})),
            )
            .await;
        assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
        assert_eq!(
            app.get("/api/v1/me", &analyst).await.status,
            StatusCode::UNAUTHORIZED
        );
        let refused = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": "ita.analyst", "password": "accordo-demo"}),
            )
            .await;
        assert_eq!(refused.code(), "totp_enrolment_required");
        app
    })
    .await;
}

#[tokio::test]
async fn changes_to_an_account_end_the_credentials_they_make_stale() {
    each_engine(|app| async move {
        // A password change ends every other session and token; the one used stays.
        let used = app.token("grc.officer").await;
        let other = app.token("grc.officer").await;
        let changed = app
            .post(
                "/api/v1/me/password",
                Some(&used),
                json!({"current_password": "accordo-demo", "new_password": "a-better-passphrase"}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
        assert_eq!(app.get("/api/v1/me", &used).await.status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/me", &other).await.code(), "token_revoked");

        // A role change ends what was granted under the old roles.
        let officer = app.token("tur.officer").await;
        let admin = app.token("ita.admin").await;
        let id = app.user_id(&admin, "tur.officer").await;
        let roles = app
            .request(
                Method::PUT,
                &format!("/api/v1/users/{id}/roles"),
                Some(&admin),
                Some(&json!({"roles": ["officer"]})),
            )
            .await;
        assert_eq!(roles.status, StatusCode::OK, "{}", roles.text);
        assert_eq!(
            app.get("/api/v1/me", &officer).await.code(),
            "token_revoked"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_temporary_password_signs_in_only_to_be_changed() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let made = app
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"username": "new.caseworker", "display_name": "Synthetic Caseworker", "agency": "IT-UI",
                       "roles": ["caseworker"], "password": "temporary-password-1"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let signed_in = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": "new.caseworker", "password": "temporary-password-1"}),
            )
            .await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
        let token = signed_in.json()["token"].as_str().unwrap().to_owned();
        let cases = app.get("/api/v1/returns/cases", &token).await;
        assert_eq!(cases.status, StatusCode::FORBIDDEN, "{}", cases.text);
        assert_eq!(cases.code(), "password_change_required");
        let tokens = app.get("/api/v1/me/tokens", &token).await;
        assert_eq!(tokens.code(), "password_change_required");
        assert_eq!(app.get("/api/v1/me", &token).await.json()["must_change_password"], true);
        let changed = app
            .post(
                "/api/v1/me/password",
                Some(&token),
                json!({"current_password": "temporary-password-1", "new_password": "a-better-passphrase"}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
        assert_eq!(app.get("/api/v1/returns/cases", &token).await.status, StatusCode::OK);
        app
    })
    .await;
}

#[tokio::test]
async fn accounts_are_managed_within_the_admins_reach() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let new_analyst = json!({"username": "tur.analyst", "display_name": "Synthetic Analyst", "agency": "TR-EGM",
                                 "roles": ["analyst"], "password": "temporary-password-1"});
        // TR-EGM holds no analyst role until the operator grants it one.
        let refused = app.post("/api/v1/users", Some(&admin), new_analyst.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert_eq!(refused.json()["field"], "roles");
        assert!(refused.text.contains("does not hold analyst"), "{}", refused.text);
        let granted = app
            .request(Method::PUT, "/api/v1/agencies/TR-EGM/roles", Some(&admin), Some(&json!({"roles": ["analyst"]})))
            .await;
        assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
        assert_eq!(granted.json()["roles"], json!(["admin", "analyst"]));
        let created = app.post("/api/v1/users", Some(&admin), new_analyst).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!(created.json()["must_change_password"], true);
        let duplicate = app
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"username": "tur.analyst", "display_name": "Again", "agency": "TR-EGM",
                       "roles": ["analyst"], "password": "temporary-password-1"}),
            )
            .await;
        assert_eq!(duplicate.status, StatusCode::CONFLICT);
        let bad_role = app
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"username": "x.y", "display_name": "X", "agency": "TR-EGM", "roles": ["root"], "password": "temporary-password-1"}),
            )
            .await;
        assert_eq!((bad_role.status, bad_role.json()["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("roles")));

        // The new user changes the temporary password.
        let token = app.post("/api/v1/auth/token", None, json!({"username": "tur.analyst", "password": "temporary-password-1"})).await.json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let change = app
            .post("/api/v1/me/password", Some(&token), json!({"current_password": "temporary-password-1", "new_password": "a-better-passphrase"}))
            .await;
        assert_eq!(change.status, StatusCode::NO_CONTENT, "{}", change.text);
        assert_eq!(app.get("/api/v1/me", &token).await.json()["must_change_password"], false);

        let audit = app.get("/api/v1/audit?action=user.create", &admin).await.json();
        assert_eq!(audit[0]["details"]["username"], "tur.analyst");
        // A role one of its users holds is not taken from the agency.
        let taken = app
            .request(Method::PUT, "/api/v1/agencies/TR-EGM/roles", Some(&admin), Some(&json!({"roles": []})))
            .await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", taken.text);
        assert!(taken.text.contains("tur.analyst"), "{}", taken.text);
        app
    })
    .await;
}

/// Makes an administrator of `agency` through the operator's admin; returns its token.
async fn agency_admin(app: &TestApp, username: &str, agency: &str) -> String {
    let operator = app.token("ita.admin").await;
    let made = app
        .post(
            "/api/v1/users",
            Some(&operator),
            json!({"username": username, "display_name": "Synthetic Admin", "agency": agency,
                   "roles": ["admin"], "password": "temporary-password-1"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let temporary = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": username, "password": "temporary-password-1"}),
        )
        .await;
    assert_eq!(temporary.status, StatusCode::OK, "{}", temporary.text);
    let changed = app
        .post(
            "/api/v1/me/password",
            Some(temporary.json()["token"].as_str().unwrap()),
            json!({"current_password": "temporary-password-1", "new_password": "a-better-passphrase"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    let signed_in = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": username, "password": "a-better-passphrase"}),
        )
        .await;
    signed_in.json()["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_partner_administrator_administers_its_users_and_nothing_else() {
    each_engine(|app| async move {
        let fia = agency_admin(&app, "pak.fia.admin", "PK-FIA").await;
        let moi = agency_admin(&app, "pak.moi.admin", "PK-MOI").await;
        // Its own agency's users, within the roles the agency holds.
        let officer = app
            .post("/api/v1/users", Some(&fia), json!({"username": "pak.fia.officer2", "display_name": "Synthetic Officer",
                   "agency": "PK-FIA", "roles": ["officer"], "password": "temporary-password-1"}))
            .await;
        assert_eq!(officer.status, StatusCode::CREATED, "{}", officer.text);
        let officer_id = officer.json()["id"].as_str().unwrap().to_owned();
        let authority = app
            .request(Method::PUT, &format!("/api/v1/users/{officer_id}/roles"), Some(&fia),
                     Some(&json!({"roles": ["partner_authority"]})))
            .await;
        assert_eq!(authority.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", authority.text);
        assert!(authority.text.contains("PK-FIA does not hold partner_authority"), "{}", authority.text);
        let elsewhere = app
            .post("/api/v1/users", Some(&fia), json!({"username": "pak.moi.x", "display_name": "X",
                   "agency": "PK-MOI", "roles": ["partner_authority"], "password": "temporary-password-1"}))
            .await;
        assert_eq!(elsewhere.status, StatusCode::FORBIDDEN, "{}", elsewhere.text);
        // Not its own roles, not the agency's.
        let me = app.user_id(&moi, "pak.moi.admin").await;
        let own = app
            .request(Method::PUT, &format!("/api/v1/users/{me}/roles"), Some(&moi),
                     Some(&json!({"roles": ["admin", "partner_authority"]})))
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.text);
        assert!(own.text.contains("your own roles"), "{}", own.text);
        // Nor its own password from a session alone: that is the account page's, with the
        // current one.
        let reset = app
            .post(
                &format!("/api/v1/users/{me}/reset-password"),
                Some(&moi),
                json!({"password": "a-password-i-chose-1"}),
            )
            .await;
        assert_eq!(reset.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reset.text);
        assert!(reset.text.contains("your own password"), "{}", reset.text);
        let widen = app
            .request(Method::PUT, "/api/v1/agencies/PK-FIA/roles", Some(&fia), Some(&json!({"roles": ["partner_authority"]})))
            .await;
        assert_eq!(widen.status, StatusCode::FORBIDDEN, "{}", widen.text);
        // Nothing of any pillar: no partner's scores, no centre, no case, no register.
        for path in [
            "/api/v1/cooperation/scores",
            "/api/v1/returns/centres",
            "/api/v1/returns/cases",
            "/api/v1/returns/readmission-requests",
            "/api/v1/documents/reports",
            "/api/v1/quotas/allocations",
        ] {
            for token in [&fia, &moi] {
                let reply = app.get(path, token).await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}: {}", reply.text);
            }
        }
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_named_and_writes_nothing() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let before = accordo_store::audit::len(app.store()).await.unwrap();
        let unknown = app
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"username": "a.b", "nickname": "x"}),
            )
            .await;
        assert_eq!(
            (unknown.status, unknown.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field")
        );
        assert_eq!(unknown.json()["field"], "nickname");
        let wrong_type = app
            .post(
                "/api/v1/settings/second-factor/analyst",
                Some(&admin),
                json!({"required": "yes"}),
            )
            .await;
        assert_eq!(
            wrong_type.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "POST is not a method of this route"
        );
        let wrong_type = app
            .request(
                Method::PUT,
                "/api/v1/settings/second-factor/analyst",
                Some(&admin),
                Some(&json!({"required": "yes"})),
            )
            .await;
        assert_eq!(
            (wrong_type.status, wrong_type.json()["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("required"))
        );

        let malformed = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"username\": "))
            .unwrap();
        assert_eq!(app.send(malformed).await.code(), "malformed_json");

        let big = "x".repeat(accordo_server::DEFAULT_BODY_LIMIT + 1);
        let oversized = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": big, "password": "p"}),
            )
            .await;
        assert_eq!(
            (oversized.status, oversized.code().as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
        );

        let not_json = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/token")
            .body(Body::from("username=a"))
            .unwrap();
        assert_eq!(
            app.send(not_json).await.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );

        let bad_days = app
            .post(
                "/api/v1/me/tokens",
                Some(&admin),
                json!({"label": "x", "days": 9999}),
            )
            .await;
        assert_eq!(bad_days.json()["field"], "days");
        let after = accordo_store::audit::len(app.store()).await.unwrap();
        assert_eq!(before, after, "refused requests wrote nothing");
        app
    })
    .await;
}

#[tokio::test]
async fn public_routes_and_the_openapi_document() {
    each_engine(|app| async move {
        for path in ["/healthz", "/readyz", "/api/v1/openapi.json"] {
            let reply = app.request(Method::GET, path, None, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
        }
        let doc = app
            .request(Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(doc["paths"]["/api/v1/auth/token"]["post"].is_object());
        let unauth = app.request(Method::GET, "/api/v1/users", None, None).await;
        assert_eq!(
            (unauth.status, unauth.code().as_str()),
            (StatusCode::UNAUTHORIZED, "unauthenticated")
        );
        assert!(
            unauth.json()["request_id"].is_string(),
            "problems carry the request id"
        );
        assert_eq!(
            unauth.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
        let metrics = app.request(Method::GET, "/metrics", None, None).await;
        assert_eq!(
            metrics.status,
            StatusCode::UNAUTHORIZED,
            "off loopback, metrics need a token"
        );
        let token = app.token("ita.analyst").await;
        let metrics = app
            .request(Method::GET, "/metrics", Some(&token), None)
            .await;
        assert!(
            metrics.text.contains("accordo_http_requests_total{"),
            "{}",
            metrics.text
        );
        assert!(metrics.text.contains("accordo_db_pool_connections"));
        app
    })
    .await;
}

#[tokio::test]
async fn audit_log_scopes_and_chain() {
    each_engine(|app| async move {
        let admin = app.token("ita.admin").await;
        let monitor = app.token("unhcr.monitor").await;
        let officer = app.token("pak.officer").await;
        assert_eq!(
            app.get("/api/v1/audit", &officer).await.status,
            StatusCode::FORBIDDEN
        );
        let all = app.get("/api/v1/audit?limit=1000", &admin).await.json();
        assert!(
            all.as_array()
                .unwrap()
                .iter()
                .any(|e| e["resource_kind"] == "credential")
        );
        let seen = app.get("/api/v1/audit?limit=1000", &monitor).await.json();
        let mandate = [
            "return_case",
            "readmission_request",
            "centre",
            "centre_stay",
            "safeguard",
        ];
        for entry in seen.as_array().unwrap() {
            assert!(
                mandate.contains(&entry["resource_kind"].as_str().unwrap()),
                "outside the mandate: {entry}"
            );
        }
        let csv = app.get("/api/v1/audit/export?format=csv", &admin).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.text.starts_with("seq,at,actor,agency,action"));
        let verified = accordo_service::audit::verify(&app.platform, |_, _| {})
            .await
            .unwrap();
        assert!(verified.is_ok(), "{verified:?}");
        app
    })
    .await;
}

#[tokio::test]
async fn nothing_but_health_answers_until_ready() {
    let db = accordo_store::testing::TestDb::sqlite().await;
    let platform = accordo_service::Platform::new(
        db.store.clone(),
        accordo_service::Settings::default(),
        &accordo_server::Module::cores(accordo::MODULES),
    );
    let state = accordo_server::AppState::new(platform.clone(), accordo::MODULES).unwrap();
    let router = accordo_server::app(state.clone());
    let get = |path: &'static str| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let req = Request::builder().uri(path).body(Body::empty()).unwrap();
            router.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(get("/healthz").await, StatusCode::OK, "the process is up");
    assert_eq!(
        get("/readyz").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "not migrated yet"
    );
    assert_eq!(
        get("/api/v1/openapi.json").await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    platform.prepare().await.unwrap();
    state.mark_ready();
    assert_eq!(get("/readyz").await, StatusCode::OK);
    assert_eq!(get("/api/v1/openapi.json").await, StatusCode::OK);
    db.drop_db().await;
}

/// Every operation that takes a body shows an example of it in the OpenAPI document, and the
/// example names only fields the body has (so it stays true when the type changes).
#[tokio::test]
async fn every_request_body_has_an_example_the_schema_knows() {
    let app = crate::common::app_sqlite().await;
    let doc = app
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut problems = Vec::new();
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(body) = op.get("requestBody") else {
                continue;
            };
            bodies += 1;
            let schema = &body["content"]["application/json"]["schema"];
            let component = schema["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .map(|name| &doc["components"]["schemas"][name]);
            let Some(component) = component else {
                problems.push(format!("{method} {path}: the body has no named schema"));
                continue;
            };
            let Some(example) = component.get("example").and_then(|e| e.as_object()) else {
                problems.push(format!("{method} {path}: no example"));
                continue;
            };
            let known = component["properties"].as_object().unwrap();
            for field in example.keys() {
                if !known.contains_key(field) {
                    problems.push(format!(
                        "{method} {path}: the example's `{field}` is no field"
                    ));
                }
            }
        }
    }
    assert!(bodies >= 30, "only {bodies} operations take a body?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    app.finish().await;
}

/// Every answer but a 204 declares its body in the OpenAPI document, so a client generated
/// from it knows what it gets.
#[tokio::test]
async fn every_successful_answer_but_204_declares_its_body() {
    let app = crate::common::app_sqlite().await;
    let doc = app
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut bare = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, answer) in op["responses"].as_object().unwrap() {
                let content = answer.get("content").and_then(|c| c.as_object());
                if status.starts_with('2')
                    && status != "204"
                    && content.is_none_or(|c| c.is_empty())
                {
                    bare.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(bare.is_empty(), "answers without a body: {bare:?}");
    app.finish().await;
}

#[tokio::test]
async fn bad_input_at_the_edge_is_a_named_problem_and_writes_nothing() {
    each_engine(|app| async move {
        let cw = app.token("ita.caseworker").await;
        let before = app.get("/api/v1/returns/cases", &cw).await.json();
        let problem = |reply: &Reply, status: StatusCode, field: &str| {
            assert_eq!(reply.status, status, "{}", reply.text);
            assert_eq!(
                reply.headers[header::CONTENT_TYPE], "application/problem+json",
                "{}",
                reply.text
            );
            assert_eq!(reply.json()["field"], field, "{}", reply.text);
            assert!(!reply.code().is_empty());
        };
        // A NUL character in any text: refused before it reaches the store, on both engines.
        let nul = app
            .post(
                "/api/v1/returns/cases",
                Some(&cw),
                json!({"person": {"surname": "ROSSI\u{0}X", "given_names": "MARIO", "claimed_nationality": "TUN"}, "asylum": "none"}),
            )
            .await;
        problem(&nul, StatusCode::UNPROCESSABLE_ENTITY, "person.surname");
        let officer = app.token("ita.officer").await;
        let in_query = app.get("/api/v1/documents/reports?number=AB%00", &officer).await;
        problem(&in_query, StatusCode::UNPROCESSABLE_ENTITY, "number");
        // An array where an object is expected.
        let array = app
            .request(
                Method::POST,
                "/api/v1/returns/cases",
                Some(&cw),
                Some(&json!([{"surname": "ROSSI"}, "none"])),
            )
            .await;
        assert_eq!(array.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", array.text);
        assert_eq!(array.code(), "expected_object");
        // A path segment that is not what the route takes.
        let path = app.get("/api/v1/returns/cases/not-a-uuid", &cw).await;
        problem(&path, StatusCode::UNPROCESSABLE_ENTITY, "id");
        // Query values of the wrong type, out of range, or not taken at all.
        let admin = app.token("ita.admin").await;
        problem(
            &app.get("/api/v1/audit?limit=abc", &admin).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "limit",
        );
        problem(
            &app.get("/api/v1/audit?limit=-1", &admin).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "limit",
        );
        problem(
            &app.get("/api/v1/audit?format=xml", &admin).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "format",
        );
        problem(
            &app.get(
                "/api/v1/audit?from=2026-11-23T00:00:00Z&to=2026-11-01T00:00:00Z",
                &admin,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "to",
        );
        let undeclared = app.get("/api/v1/returns/cases?format=xml", &cw).await;
        problem(&undeclared, StatusCode::UNPROCESSABLE_ENTITY, "format");
        assert_eq!(undeclared.code(), "unknown_parameter");
        // Nothing was written.
        assert_eq!(app.get("/api/v1/returns/cases", &cw).await.json(), before);
        app
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_declares_problems_401_and_429() {
    let app = common::app_sqlite().await;
    let doc = app
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            for (status, response) in responses {
                let content = response["content"].as_object();
                let problem_as_json = content
                    .and_then(|c| c.get("application/json"))
                    .is_some_and(|c| c.to_string().contains("schemas/Problem"));
                assert!(
                    !problem_as_json,
                    "{method} {path} {status}: a problem is application/problem+json"
                );
            }
            let public = path == "/api/v1/auth/token" || path == "/api/v1/auth/session";
            // A module's route open to all says so (`security: [{}]`) and has no 401.
            if !public && op["security"] == serde_json::json!([{}]) {
                assert!(!responses.contains_key("401"), "{method} {path} is open");
                continue;
            }
            if public && method == "post" {
                assert!(responses.contains_key("429"), "{method} {path} lacks 429");
            } else {
                let unauthorized = &responses
                    .get("401")
                    .unwrap_or_else(|| panic!("{method} {path} lacks 401"))["content"];
                assert!(
                    unauthorized.get("application/problem+json").is_some(),
                    "{method} {path}: {unauthorized}"
                );
            }
        }
    }
    assert!(operations > 60, "{operations} operations");
    app.finish().await;
}

/// The newest entry that is not an erasure entry.
async fn newest_plain_entry(app: &TestApp) -> i64 {
    use sqlx::Row;
    accordo_store::audit::seal(app.store()).await.unwrap();
    sqlx::query("SELECT MAX(seq) AS s FROM audit_log WHERE resource_kind <> 'audit_details'")
        .fetch_one(app.store().pool())
        .await
        .unwrap()
        .get("s")
}

#[tokio::test]
async fn erasing_audit_details_is_recorded_and_a_deletion_is_tampering() {
    each_engine(|app| async move {
        // Retention erases the details of entries older than two years, and says which.
        app.clock.advance(800 * 86_400);
        let ctx = accordo_service::demo::command_line_ctx();
        accordo_service::retention::run(&app.platform, &ctx, |_| {})
            .await
            .unwrap();
        let summary = accordo_service::audit::verify(&app.platform, |_, _| {})
            .await
            .unwrap()
            .unwrap();
        assert!(summary.erased_details > 0, "{summary:?}");
        let admin = app.token("ita.admin").await;
        let erasures = app
            .get("/api/v1/audit?resource_kind=audit_details", &admin)
            .await
            .json();
        let named = erasures[0]["details"]["erased"].as_array().unwrap();
        assert!(!named.is_empty(), "{erasures}");

        // A details row deleted by hand, with no erasure entry naming it.
        let seq = newest_plain_entry(&app).await;
        sqlx::query("DELETE FROM audit_details WHERE seq = $1")
            .bind(seq)
            .execute(app.store().pool())
            .await
            .unwrap();
        let broken = accordo_service::audit::verify(&app.platform, |_, _| {})
            .await
            .unwrap();
        assert_eq!(
            broken,
            Err(accordo_domain::audit::ChainBreak::DetailsMissing { seq })
        );
        app
    })
    .await;
}

#[tokio::test]
async fn an_upgrade_names_the_erasures_of_the_version_before_once() {
    each_engine(|app| async move {
        // As an earlier version's retention left it: a details row gone, no entry naming it,
        // and migration 0008 marked the log `pending`.
        let old = newest_plain_entry(&app).await;
        sqlx::query("DELETE FROM audit_details WHERE seq = $1")
            .bind(old)
            .execute(app.store().pool())
            .await
            .unwrap();
        sqlx::query(
            "UPDATE system_state SET value = 'pending' WHERE key = 'audit_erasures_recorded'",
        )
        .execute(app.store().pool())
        .await
        .unwrap();
        // The upgrade comes later than the old retention could have erased it.
        app.clock.advance(200 * 86_400);
        app.platform.prepare().await.unwrap();
        let verified = accordo_service::audit::verify(&app.platform, |_, _| {})
            .await
            .unwrap();
        assert!(verified.is_ok(), "{verified:?}");
        // From then on, nothing more is named: a new deletion is tampering, even after a
        // restart.
        app.token("ita.officer").await;
        let new = newest_plain_entry(&app).await;
        assert!(new > old);
        sqlx::query("DELETE FROM audit_details WHERE seq = $1")
            .bind(new)
            .execute(app.store().pool())
            .await
            .unwrap();
        app.platform.prepare().await.unwrap();
        assert_eq!(
            accordo_service::audit::verify(&app.platform, |_, _| {})
                .await
                .unwrap(),
            Err(accordo_domain::audit::ChainBreak::DetailsMissing { seq: new })
        );
        app
    })
    .await;
}

#[tokio::test]
async fn signed_checkpoints_catch_a_truncation_the_head_was_rewound_to_hide() {
    use accordo_domain::audit::{ChainBreak, Checkpoint, CheckpointError};
    each_engine(|app| async move {
        let store = app.store().clone();
        let key = ed25519_dalek::SigningKey::from_bytes(&[42u8; 32]);
        app.token("ita.officer").await;
        let (seq, hash) = accordo_store::audit::head(&store).await.unwrap();
        let signed = Checkpoint::sign(&key, seq, &hash, app.platform.now_us());
        accordo_store::audit::save_checkpoint(&store, &signed).await.unwrap();

        // The monitor fetches and keeps them; a partner's officer may not.
        let monitor = app.token("unhcr.monitor").await;
        let fetched = app.get("/api/v1/audit/checkpoints", &monitor).await;
        assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.text);
        #[derive(serde::Deserialize)]
        struct Kept {
            checkpoints: Vec<Checkpoint>,
        }
        let kept: Kept = serde_json::from_str(&fetched.text).unwrap();
        assert!(kept.checkpoints.iter().any(|c| c.seq == seq), "{}", fetched.text);
        for c in &kept.checkpoints {
            assert_eq!(c.verify(None), Ok(()));
        }
        let officer = app.token("pak.officer").await;
        assert_eq!(
            app.get("/api/v1/audit/checkpoints", &officer).await.status,
            StatusCode::FORBIDDEN
        );

        // More entries, then the attack: the guard dropped, the last entries (the
        // checkpointed one among them) deleted and the head rewound to an earlier entry.
        app.token("ita.analyst").await;
        let keep_to = seq - 2;
        accordo_store::audit::seal(&store).await.unwrap();
        accordo_store::testing::lift_audit_guard(&store).await;
        for table in ["audit_details", "audit_log"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE seq > $1"))
                .bind(keep_to)
                .execute(store.pool())
                .await
                .unwrap();
        }
        sqlx::query(
            "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
        )
        .bind(keep_to)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query("DELETE FROM audit_checkpoints")
            .execute(store.pool())
            .await
            .unwrap();
        // Inside the database, nothing shows.
        let inside = accordo_service::audit::verify(&app.platform, |_, _| {})
            .await
            .unwrap();
        assert!(inside.is_ok(), "{inside:?}");
        // Against what the monitor kept, it does.
        let outside =
            accordo_service::audit::verify_against(&app.platform, &kept.checkpoints, |_, _| {})
                .await
                .unwrap();
        assert_eq!(
            outside,
            Err(ChainBreak::BehindCheckpoint {
                last: keep_to,
                checkpoint: seq
            })
        );
        // A checkpoint with a forged signature is refused before anything else.
        let mut forged = kept.checkpoints[0].clone();
        forged.head_hash = hash.replace(&hash[..1], if &hash[..1] == "0" { "1" } else { "0" });
        assert_eq!(
            forged.verify(None),
            Err(CheckpointError::BadSignature { seq: forged.seq })
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_server_signs_a_checkpoint_of_a_moved_head_only() {
    let key = std::sync::Arc::new(ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]));
    let app = TestApp::with_settings(accordo::MODULES, |s| s.audit_key = Some(key.clone())).await;
    let first = accordo_service::audit::write_checkpoint(&app.platform)
        .await
        .unwrap()
        .expect("the demo's log has entries");
    assert_eq!(
        first.verify(Some(&hex::encode(key.verifying_key().as_bytes()))),
        Ok(())
    );
    assert!(
        accordo_service::audit::write_checkpoint(&app.platform)
            .await
            .unwrap()
            .is_none(),
        "the same head is not signed twice"
    );
    app.token("ita.officer").await;
    let second = accordo_service::audit::write_checkpoint(&app.platform)
        .await
        .unwrap()
        .unwrap();
    assert!(second.seq > first.seq);
    let admin = app.token("ita.admin").await;
    let listed = app.get("/api/v1/audit/checkpoints", &admin).await.json();
    assert_eq!(
        listed["public_key"],
        hex::encode(key.verifying_key().as_bytes())
    );
    assert_eq!(listed["checkpoints"][0]["seq"], second.seq);
    assert_eq!(listed["checkpoints"][1]["seq"], first.seq);
    app.finish().await;
}
