//! Installations made before the pillars had their own crates keep working: their database
//! opens and serves under today's modules, their export imports, and every table of every
//! module is exported.

use axum::http::StatusCode;

use crate::common::{self, TestApp};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/before-modules");

#[tokio::test]
async fn a_database_made_before_the_modules_opens_and_serves() {
    let dir = std::env::temp_dir().join(format!("accordo-upgrade-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(format!("{FIXTURE}/accordo.db"), dir.join("accordo.db")).unwrap();
    let store = accordo_store::Store::open_sqlite(&dir).await.unwrap();
    let app = TestApp::existing(store.clone(), accordo::MODULES).await;
    // Every migration was recorded under its version and checksum: nothing to apply.
    let applied = accordo_store::migrate::run(&store, 0, &app.platform.migrations())
        .await
        .unwrap();
    assert!(applied.is_empty(), "applied again: {applied:?}");
    assert_eq!(
        accordo_store::migrate::current_version(&store)
            .await
            .unwrap(),
        accordo_store::migrate::latest_version(&app.platform.migrations())
    );
    let verified = accordo_service::audit::verify(&app.platform, |_, _| {})
        .await
        .unwrap();
    assert!(verified.is_ok(), "{verified:?}");

    // Each pillar answers from the old data.
    let cw = app.token("ita.caseworker").await;
    let cases = app.get("/api/v1/returns/cases", &cw).await;
    assert_eq!(cases.status, StatusCode::OK, "{}", cases.text);
    assert!(
        cases.json().as_array().unwrap().len() > 10,
        "{}",
        cases.text
    );
    let officer = app.token("ita.officer").await;
    let register = app.get("/api/v1/documents/reports", &officer).await;
    assert_eq!(register.status, StatusCode::OK, "{}", register.text);
    assert!(!register.json().as_array().unwrap().is_empty());
    let analyst = app.token("ita.analyst").await;
    let scores = app.get("/api/v1/cooperation/scores", &analyst).await;
    assert_eq!(scores.status, StatusCode::OK, "{}", scores.text);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_export_made_before_the_modules_imports_whole() {
    let text = std::fs::read_to_string(format!("{FIXTURE}/export.jsonl")).unwrap();
    let lines: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect();
    let rows = lines.len() as u64 - 1;
    let db = accordo_store::testing::TestDb::sqlite().await;
    let platform = accordo_service::Platform::new(
        db.store.clone(),
        accordo_service::Settings::default(),
        &accordo_server::Module::cores(accordo::MODULES),
    );
    // Made at schema version 4: imported at that version, then migrated like any
    // installation.
    let imported = accordo_store::transfer::import_and_migrate(
        &db.store,
        0,
        &platform.migrations(),
        &platform.tables(),
        lines,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(imported, rows);
    let newest = platform
        .migrations()
        .iter()
        .flat_map(|l| l.iter())
        .map(|m| m.version)
        .max();
    assert_eq!(
        Some(
            accordo_store::migrate::current_version(&db.store)
                .await
                .unwrap()
        ),
        newest
    );
    // The later migrations ran over the imported rows: each agency holds its users' roles.
    let agencies = accordo_store::accounts::list_agencies(&db.store)
        .await
        .unwrap();
    assert!(!agencies.is_empty());
    let users: Vec<(String, String)> = {
        use sqlx::Row;
        sqlx::query("SELECT agency, roles FROM users")
            .fetch_all(db.store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("agency"), r.get("roles")))
            .collect()
    };
    for (agency, roles) in users {
        let held = &agencies.iter().find(|a| a.code == agency).unwrap().roles;
        for role in roles.split(',') {
            assert!(
                held.iter().any(|h| h == role),
                "{agency} lost {role}: {held:?}"
            );
        }
    }
    let verified = accordo_service::audit::verify(&platform, |_, _| {})
        .await
        .unwrap();
    assert!(verified.is_ok(), "{verified:?}");
    db.drop_db().await;
}

/// A table a module's migration adds must be in that module's `TABLES` with every column,
/// or a backup would silently lose it.
#[tokio::test]
async fn every_table_of_every_module_is_exported() {
    common::each_engine(|app| async move {
        let missing =
            accordo_store::testing::unexported_columns(app.store(), &app.platform.tables()).await;
        assert!(missing.is_empty(), "not exported: {missing:?}");
        app
    })
    .await;
}

/// Two modules may not claim one table, kind of record or retention kind.
#[tokio::test]
async fn modules_that_claim_one_name_twice_are_refused() {
    let db = accordo_store::testing::TestDb::sqlite().await;
    let cores = accordo_server::Module::cores(accordo::MODULES);
    let fine = accordo_service::Platform::new(
        db.store.clone(),
        accordo_service::Settings::default(),
        &cores,
    );
    assert!(fine.check_modules().is_ok());
    let mut twice = cores.clone();
    twice.push(cores[0]);
    let clash = accordo_service::Platform::new(
        db.store.clone(),
        accordo_service::Settings::default(),
        &twice,
    );
    let err = clash.check_modules().unwrap_err().to_string();
    assert!(err.contains("declare the"), "{err}");
    assert!(clash.prepare().await.is_err());
    db.drop_db().await;
}
