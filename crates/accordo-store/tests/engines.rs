#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! Storage on both engines, the same bodies: migrations, the audit chain and its tampering,
//! all-or-nothing writes, export and import between engines, and the shared-record filter
//! against the access decision.

use accordo_domain::access::{
    Action, Actor, Addressee, Grant, KindPolicy, Reach, RecordScope, Resource, can,
};
use accordo_domain::audit::ChainBreak;
use accordo_domain::{AgencyCode, CountryCode, Handling, Role};
use accordo_store::audit::{self, NewEntry};
use accordo_store::scope::{Binds, shared_record_filter};
use accordo_store::testing::{TestDb, each_engine};
use accordo_store::{Store, StoreError, migrate};
use sqlx::Row;
use uuid::Uuid;

fn entry(n: i64) -> NewEntry {
    NewEntry {
        id: Uuid::now_v7(),
        at_us: 1_795_000_000_000_000 + n,
        actor_user: None,
        actor_name: "test".into(),
        actor_agency: Some("IT-PS".into()),
        action: "thing.do".into(),
        resource_kind: "thing".into(),
        resource_id: Some(format!("t{n}")),
        request_id: None,
        details: format!("{{\"n\":{n}}}"),
    }
}

async fn append_entries(store: &Store, n: i64) {
    for i in 1..=n {
        let mut tx = store.write().await.unwrap();
        let audited = audit::append(&mut tx, entry(i)).await.unwrap();
        tx.commit(audited).await.unwrap();
    }
}

async fn verify(store: &Store) -> Result<i64, ChainBreak> {
    audit::verify(store, &[], i64::MAX / 2, |_, _| {})
        .await
        .unwrap()
        .map(|s| s.entries)
}

#[tokio::test]
async fn migrations_apply_once() {
    each_engine(|store| async move {
        let first = migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        assert_eq!(first.len(), migrate::FOUNDATION.len());
        assert!(
            migrate::run(&store, 0, &[migrate::FOUNDATION])
                .await
                .unwrap()
                .is_empty(),
            "a second run applies nothing"
        );
        assert_eq!(
            migrate::current_version(&store).await.unwrap(),
            migrate::latest_version(&[migrate::FOUNDATION])
        );
        // A changed migration file is caught at start.
        sqlx::query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
            .execute(store.pool())
            .await
            .unwrap();
        let err = migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Migration(m) if m.contains("forward-only")));
    })
    .await;
}

/// Export and import move every table: a table a migration adds must be listed in
/// `transfer::FOUNDATION` (or its module's tables) with every column, or a backup would
/// silently lose it. The composed application's test does the same with every module.
#[tokio::test]
async fn every_table_and_column_is_exported() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        let missing =
            accordo_store::testing::unexported_columns(&store, &foundation_tables()).await;
        assert!(missing.is_empty(), "not exported: {missing:?}");
    })
    .await;
}

#[tokio::test]
async fn audit_chain_verifies_and_names_tampering() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        append_entries(&store, 6).await;
        assert_eq!(verify(&store).await, Ok(6));

        // The log refuses changes by itself.
        let refused = sqlx::query("UPDATE audit_log SET actor_name = 'x' WHERE seq = 2")
            .execute(store.pool())
            .await;
        assert!(refused.is_err(), "audit_log must be append-only");

        // Retention may erase details, when an erasure entry in the same transaction names
        // them: still intact.
        let cutoff = 1_795_000_000_000_000 + 3;
        let mut tx = store.write().await.unwrap();
        let named = audit::details_to_erase(&mut tx, cutoff).await.unwrap();
        let erased = accordo_store::retention::apply(
            &mut tx,
            &accordo_store::retention::FOUNDATION[0],
            cutoff,
        )
        .await
        .unwrap();
        let mut erasure = entry(7);
        // Retention erases only entries older than its shortest period (180 days).
        erasure.at_us += 200 * 86_400_000_000;
        erasure.resource_kind = accordo_domain::audit::ERASURE_KIND.into();
        erasure.details = serde_json::json!({
            "erased": accordo_domain::audit::ranges_of(&named)
        })
        .to_string();
        let erasure_details = erasure.details.clone();
        let audited = audit::append(&mut tx, erasure).await.unwrap();
        tx.commit(audited).await.unwrap();
        assert_eq!((named, erased), (vec![1, 2], 2));
        assert_eq!(verify(&store).await, Ok(7));

        accordo_store::testing::lift_audit_guard(&store).await;
        sqlx::query("UPDATE audit_details SET details = '{\"n\":99}' WHERE seq = 5")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            verify(&store).await,
            Err(ChainBreak::DetailsAltered { seq: 5 })
        );
        sqlx::query("UPDATE audit_details SET details = '{\"n\":5}' WHERE seq = 5")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor_name = 'someone' WHERE seq = 4")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(verify(&store).await, Err(ChainBreak::Altered { seq: 4 }));
        sqlx::query("UPDATE audit_log SET actor_name = 'test' WHERE seq = 4")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(verify(&store).await, Ok(7));
        // A details row deleted with no erasure entry naming it: tampering, not retention.
        sqlx::query("DELETE FROM audit_details WHERE seq = 5")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            verify(&store).await,
            Err(ChainBreak::DetailsMissing { seq: 5 })
        );
        sqlx::query("INSERT INTO audit_details (seq, details) VALUES (5, '{\"n\":5}')")
            .execute(store.pool())
            .await
            .unwrap();
        // Nor may the erasure entry's own details go.
        sqlx::query("DELETE FROM audit_details WHERE seq = 7")
            .execute(store.pool())
            .await
            .unwrap();
        assert!(verify(&store).await.is_err());
        sqlx::query("INSERT INTO audit_details (seq, details) VALUES (7, $1)")
            .bind(&erasure_details)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(verify(&store).await, Ok(7));
        sqlx::query("DELETE FROM audit_details WHERE seq = 3")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = 3")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            verify(&store).await,
            Err(ChainBreak::Gap {
                seq: 4,
                expected: 3
            })
        );
    })
    .await;
}

#[tokio::test]
async fn a_failed_write_leaves_nothing() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        let agency = |code: &str| accordo_store::accounts::AgencyRow {
            code: code.into(),
            name: "Test".into(),
            country: Some("ITA".into()),
            operator: false,
            mandate: vec![],
            time_zone: "Europe/Rome".into(),
            roles: vec!["admin".into()],
        };
        for (code, name) in CountryCode::all().take(120) {
            accordo_store::accounts::upsert_country(
                store.pool().acquire().await.unwrap().as_mut(),
                code,
                name,
            )
            .await
            .unwrap();
        }
        let mut tx = store.write().await.unwrap();
        audit::append(&mut tx, entry(1)).await.unwrap();
        accordo_store::accounts::insert_agency(&mut tx, &agency("IT-AA"), 0)
            .await
            .unwrap();
        let second = accordo_store::accounts::insert_agency(&mut tx, &agency("IT-AA"), 0).await;
        assert!(matches!(second, Err(StoreError::Conflict { .. })));
        drop(tx); // rolled back
        assert!(
            accordo_store::accounts::list_agencies(&store)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            audit::len(&store).await.unwrap(),
            0,
            "the audit entry went with the change"
        );
    })
    .await;
}

#[tokio::test]
async fn export_then_import_into_the_other_engine() {
    let source = TestDb::sqlite().await;
    migrate::run(&source.store, 0, &[migrate::FOUNDATION])
        .await
        .unwrap();
    append_entries(&source.store, 4).await;
    let mut lines = Vec::new();
    accordo_store::transfer::export(&source.store, &foundation_tables(), |l| {
        lines.push(l);
        Ok(())
    })
    .await
    .unwrap();
    let target = match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => TestDb::postgres(&url).await,
        _ => {
            accordo_store::testing::say_postgres_skipped();
            TestDb::sqlite().await
        }
    };
    migrate::run(&target.store, 0, &[migrate::FOUNDATION])
        .await
        .unwrap();
    let numbered: Vec<(usize, String)> = lines
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();

    // A bad line rejects the whole file, naming the line.
    let mut broken = numbered.clone();
    broken.push((
        broken.len() + 1,
        "{\"table\": \"nope\", \"row\": {}}".into(),
    ));
    let err = accordo_store::transfer::import(
        &target.store,
        &foundation_tables(),
        broken.clone(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("line {}:", broken.len())),
        "{err}"
    );
    assert_eq!(
        audit::len(&target.store).await.unwrap(),
        0,
        "nothing imported"
    );

    // An entry committed while the export ran comes as a pending one, chained by the target;
    // its line goes where its table is in the export's order, after the chain's tables.
    let pending = serde_json::json!({"table": "audit_pending", "row": {
        "id": Uuid::now_v7().to_string(), "at": 1_795_000_000_000_005_i64, "actor_user": null,
        "actor_name": "test", "actor_agency": "IT-PS", "action": "thing.do", "resource_kind": "thing",
        "resource_id": null, "request_id": null, "details": "{\"n\":5}"}})
    .to_string();
    let after_chain = lines
        .iter()
        .rposition(|l| l.contains("\"table\":\"audit_"))
        .unwrap();
    let mut with_pending = lines.clone();
    with_pending.insert(after_chain + 1, pending);
    let numbered: Vec<(usize, String)> = with_pending
        .into_iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();
    let n = accordo_store::transfer::import(&target.store, &foundation_tables(), numbered, |_| {})
        .await
        .unwrap();
    assert_eq!(n as usize, lines.len());
    assert_eq!(
        verify(&target.store).await,
        Ok(5),
        "the chain verifies on the new engine, the pending entry chained after the others"
    );
    let again = accordo_store::transfer::import(
        &target.store,
        &foundation_tables(),
        vec![(1, lines[0].clone())],
        |_| {},
    )
    .await;
    assert!(again.unwrap_err().to_string().contains("not empty"));
    source.drop_db().await;
    target.drop_db().await;
}

static REPORT: KindPolicy = KindPolicy {
    kind: "report",
    personal: false,
    grants: &[
        Grant::new(Role::Officer, Action::Read, Reach::Shared),
        Grant::new(Role::PartnerAuthority, Action::Read, Reach::Addressed),
    ],
};

/// The SQL filter and `can` agree on every combination of handling, addressees and actor.
#[tokio::test]
async fn shared_record_filter_agrees_with_can() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION]).await.unwrap();
        sqlx::query("CREATE TABLE report (id TEXT PRIMARY KEY, owner_agency TEXT NOT NULL, handling TEXT NOT NULL)")
            .execute(store.pool())
            .await
            .unwrap();
        let ag = |c: &str| AgencyCode::parse(c).unwrap();
        let actor = |code: &str, country: &str, role: Role, n: u128| Actor {
            user_id: Uuid::from_u128(n),
            username: format!("u{n}"),
            agency: ag(code),
            country: Some(CountryCode::parse(country).unwrap()),
            roles: [role].into_iter().collect(),
            operator: false,
            host_state: country == "ITA",
            mandate: vec![],
        };
        let actors = [
            actor("ES-PN", "ESP", Role::Officer, 1),
            actor("GR-HP", "GRC", Role::Officer, 2),
            actor("PK-MOI", "PAK", Role::PartnerAuthority, 3),
            actor("IT-PS", "ITA", Role::Officer, 4),
        ];
        let addressee_sets: Vec<Vec<Addressee>> = vec![
            vec![],
            vec![Addressee::Agency(ag("ES-PN"))],
            vec![Addressee::Country(CountryCode::parse("ESP").unwrap())],
            vec![Addressee::User(Uuid::from_u128(1))],
            vec![Addressee::Agency(ag("PK-MOI")), Addressee::Country(CountryCode::parse("GRC").unwrap())],
            vec![Addressee::User(Uuid::from_u128(3))],
        ];
        let mut records = Vec::new();
        for handling in Handling::ALL {
            for to in &addressee_sets {
                let id = Uuid::now_v7().to_string();
                sqlx::query("INSERT INTO report (id, owner_agency, handling) VALUES ($1, 'IT-PS', $2)")
                    .bind(&id)
                    .bind(handling.as_str())
                    .execute(store.pool())
                    .await
                    .unwrap();
                for a in to {
                    let (t, v) = match a {
                        Addressee::Agency(c) => ("agency", c.to_string()),
                        Addressee::Country(c) => ("country", c.to_string()),
                        Addressee::User(u) => ("user", u.to_string()),
                    };
                    sqlx::query("INSERT INTO record_addressees (kind, record_id, addressee_type, addressee) VALUES ('report', $1, $2, $3)")
                        .bind(&id)
                        .bind(t)
                        .bind(v)
                        .execute(store.pool())
                        .await
                        .unwrap();
                }
                records.push((id, RecordScope { owner_agency: ag("IT-PS"), handling, addressees: to.clone(), subject_user: None }));
            }
        }
        for actor in &actors {
            // An actor with no grant gets no scope, and so lists nothing.
            let by_sql: std::collections::BTreeSet<String> = match accordo_domain::scope(actor, Action::Read, &REPORT) {
                Ok(scope) => {
                    let mut binds = Binds::default();
                    let filter = shared_record_filter(&scope, "r", &mut binds);
                    let sql = format!("SELECT r.id FROM report r WHERE {filter}");
                    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(store.pool()).await.unwrap();
                    rows.iter().map(|r| r.try_get::<String, _>("id").unwrap()).collect()
                }
                Err(_) => Default::default(),
            };
            for (id, scope) in &records {
                let by_can = can(actor, Action::Read, Resource::record(&REPORT, scope)).is_ok();
                assert_eq!(by_sql.contains(id), by_can, "{} on {:?} to {:?}", actor.username, scope.handling, scope.addressees);
            }
        }
    })
    .await;
}

fn foundation_tables() -> Vec<&'static accordo_store::transfer::TableSpec> {
    accordo_store::transfer::FOUNDATION.iter().collect()
}

/// A write commits only with the proof of its own audit entry.
#[tokio::test]
async fn a_transaction_commits_only_with_its_own_audit_entry() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        let mut first = store.write().await.unwrap();
        let proof = audit::append(&mut first, entry(1)).await.unwrap();
        first.commit(proof).await.unwrap();
        // Another transaction cannot borrow that proof: it rolls back instead.
        let mut second = store.write().await.unwrap();
        sqlx::query("INSERT INTO system_state (key, value) VALUES ('probe', '1')")
            .execute(second.conn())
            .await
            .unwrap();
        let refused = second.commit(proof).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("its own audit entry")),
            "{refused:?}"
        );
        let row = sqlx::query("SELECT COUNT(*) AS n FROM system_state WHERE key = 'probe'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(
            row.get::<i64, _>("n"),
            0,
            "the unproven write was rolled back"
        );
        assert_eq!(verify(&store).await, Ok(1));
    })
    .await;
}

/// Writers running side by side, with sealers racing them and one another: every committed
/// entry is chained exactly once, in one unbroken chain, and nothing is left waiting.
#[tokio::test]
async fn concurrent_writers_and_sealers_chain_every_entry_once() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sealers: Vec<_> = (0..2)
            .map(|_| {
                let (store, stop) = (store.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut sealed = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        sealed += audit::seal(&store).await.unwrap();
                        tokio::task::yield_now().await;
                    }
                    sealed
                })
            })
            .collect();
        // Verifying while writers and sealers run never reports a break.
        let verifier = {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let mut runs = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let result = audit::verify(&store, &[], i64::MAX / 2, |_, _| {})
                        .await
                        .unwrap();
                    assert!(result.is_ok(), "a false alarm under load: {result:?}");
                    runs += 1;
                }
                runs
            })
        };
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..40 {
                        let mut tx = store.write().await.unwrap();
                        let audited = audit::append(&mut tx, entry(w * 1000 + i)).await.unwrap();
                        // A write that fails after its entry leaves no entry behind.
                        if i % 10 == 9 {
                            drop(tx);
                            continue;
                        }
                        tx.commit(audited).await.unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(
            verifier.await.unwrap() > 0,
            "the chain was verified during the writes"
        );
        let mut sealed = 0;
        for s in sealers {
            sealed += s.await.unwrap();
        }
        sealed += audit::seal(&store).await.unwrap();
        assert!(sealed <= 8 * 36, "no entry chained twice: {sealed}");
        assert_eq!(audit::pending(&store).await.unwrap(), 0);
        assert_eq!(verify(&store).await, Ok(8 * 36));
        let distinct: i64 = sqlx::query("SELECT COUNT(DISTINCT id) AS n FROM audit_log")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get("n");
        assert_eq!(distinct, 8 * 36);
    })
    .await;
}

/// An entry waiting to be chained cannot be changed, and an import refuses pending entries that
/// could never be chained (the sealer would stop at them).
#[tokio::test]
async fn pending_entries_are_append_only_and_imported_only_when_they_chain() {
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        let mut tx = store.write().await.unwrap();
        let audited = audit::append(&mut tx, entry(1)).await.unwrap();
        tx.commit(audited).await.unwrap();
        let edited = sqlx::query("UPDATE audit_pending SET action = 'nothing.happened'")
            .execute(store.pool())
            .await;
        assert!(
            edited.unwrap_err().to_string().contains("append-only"),
            "a pending entry was changed"
        );
        assert_eq!(verify(&store).await, Ok(1));
    })
    .await;
    let target = TestDb::sqlite().await;
    migrate::run(&target.store, 0, &[migrate::FOUNDATION])
        .await
        .unwrap();
    let header = serde_json::json!({"accordo_export": 1,
        "schema_version": migrate::latest_version(&[migrate::FOUNDATION])})
    .to_string();
    let bad = serde_json::json!({"table": "audit_pending", "row": {
        "id": "not-a-uuid", "at": 1, "actor_user": null, "actor_name": "x", "actor_agency": null,
        "action": "thing.do", "resource_kind": "thing", "resource_id": null, "request_id": null,
        "details": "{}"}})
    .to_string();
    let err = accordo_store::transfer::import(
        &target.store,
        &foundation_tables(),
        vec![(1, header), (2, bad)],
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("must be UUIDs"), "{err}");
    assert_eq!(
        audit::pending(&target.store).await.unwrap(),
        0,
        "nothing imported"
    );
    target.drop_db().await;
}

/// Verifying needs no write: on a read-only connection (a replica, an auditor's role) the chain
/// is checked as it stands, the entries still waiting left for a writer to chain.
#[tokio::test]
async fn verify_reads_the_chain_on_a_read_only_connection() {
    let Ok(url) = std::env::var(accordo_store::testing::PG_ENV) else {
        accordo_store::testing::say_postgres_skipped();
        return;
    };
    if url.is_empty() {
        accordo_store::testing::say_postgres_skipped();
        return;
    }
    let db = TestDb::postgres(&url).await;
    migrate::run(&db.store, 0, &[migrate::FOUNDATION])
        .await
        .unwrap();
    append_entries(&db.store, 3).await;
    audit::seal(&db.store).await.unwrap();
    let mut tx = db.store.write().await.unwrap();
    let audited = audit::append(&mut tx, entry(4)).await.unwrap();
    tx.commit(audited).await.unwrap();
    let name: String = sqlx::query("SELECT current_database()::text AS n")
        .fetch_one(db.store.pool())
        .await
        .unwrap()
        .get("n");
    let own = accordo_store::testing::with_database(&url, &name);
    let read_only = Store::connect(&format!(
        "{own}?options=-c%20default_transaction_read_only%3Don"
    ))
    .await
    .unwrap();
    let refused = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(read_only.pool())
        .await;
    assert!(refused.is_err(), "the connection is read-only");
    assert_eq!(verify(&read_only).await, Ok(3), "the chain as it stands");
    assert_eq!(
        audit::pending(&read_only).await.unwrap(),
        1,
        "left for a writer"
    );
    read_only.close().await;
    assert_eq!(verify(&db.store).await, Ok(4));
    db.drop_db().await;
}

/// The pool hands out a connection used within the last second without asking the server
/// first (a round trip saved on every acquire); one idle longer is asked, and one whose
/// server end is gone is replaced, never handed out.
#[tokio::test]
async fn a_pooled_connection_whose_server_went_away_is_replaced() {
    let Ok(url) = std::env::var("ACCORDO_TEST_DATABASE_URL") else {
        accordo_store::testing::say_postgres_skipped();
        return;
    };
    let db = TestDb::postgres(&url).await;
    let store = db.store.clone();
    // Four connections in the pool, all used and idle.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(store.read().await.unwrap());
    }
    for conn in &mut held {
        sqlx::query("SELECT 1").execute(&mut **conn).await.unwrap();
    }
    drop(held);
    // The server ends every other session of this database, as a restart or a failover would.
    let mut killer = store.read().await.unwrap();
    let ended: i64 = sqlx::query(
        "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(&mut *killer)
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
    assert!(ended >= 3, "{ended} sessions ended");
    drop(killer);
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    // Every connection handed out now works: the dead ones were found out and replaced.
    let mut again = Vec::new();
    for _ in 0..4 {
        again.push(store.read().await.unwrap());
    }
    for conn in &mut again {
        let one: i64 = sqlx::query("SELECT CAST(1 AS BIGINT) AS one")
            .fetch_one(&mut **conn)
            .await
            .expect("a live connection")
            .try_get("one")
            .unwrap();
        assert_eq!(one, 1);
    }
    drop(again);
    db.drop_db().await;
}

/// Rows for several tables written together (one statement on PostgreSQL, one a table on
/// SQLite): a row may reference one added before it to another table; a row that breaks a
/// rule fails the whole and leaves nothing.
#[tokio::test]
async fn inserts_across_tables_write_all_or_nothing() {
    use accordo_store::inserts::Inserts;
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        const COUNTRY: &[&str] = &["code", "name"];
        const AGENCY: &[&str] = &["code", "name", "country", "created_at"];
        let mut rows = Inserts::new();
        rows.row("countries", COUNTRY, vec!["XAA".into(), "Atlantis".into()]);
        rows.row("countries", COUNTRY, vec!["XAB".into(), "Lemuria".into()]);
        rows.row(
            "agencies",
            AGENCY,
            vec!["XA-P".into(), "Police".into(), "XAA".into(), 0.into()],
        );
        rows.row(
            "agencies",
            AGENCY,
            vec!["XB-P".into(), "Police".into(), Some("XAB").into(), 0.into()],
        );
        let mut tx = store.write().await.unwrap();
        let audited = audit::append(&mut tx, entry(1)).await.unwrap();
        rows.run(&mut tx).await.unwrap();
        tx.commit(audited).await.unwrap();
        let agencies = accordo_store::accounts::list_agencies(&store)
            .await
            .unwrap();
        let found: Vec<(&str, Option<&str>)> = agencies
            .iter()
            .map(|a| (a.code.as_str(), a.country.as_deref()))
            .collect();
        assert_eq!(found, [("XA-P", Some("XAA")), ("XB-P", Some("XAB"))]);

        // An agency of a country nobody added: the statement fails, the country before it
        // is not written either.
        let mut rows = Inserts::new();
        rows.row("countries", COUNTRY, vec!["XAC".into(), "Mu".into()]);
        rows.row(
            "agencies",
            AGENCY,
            vec!["XC-P".into(), "Police".into(), "XZZ".into(), 0.into()],
        );
        let mut tx = store.write().await.unwrap();
        audit::append(&mut tx, entry(2)).await.unwrap();
        assert!(rows.run(&mut tx).await.is_err());
        drop(tx);
        assert_eq!(
            accordo_store::accounts::country_count(&store)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            accordo_store::accounts::list_agencies(&store)
                .await
                .unwrap()
                .len(),
            2
        );

        // A row of the wrong width is refused before anything is sent.
        let mut rows = Inserts::new();
        rows.row("countries", COUNTRY, vec!["XAD".into()]);
        let mut tx = store.write().await.unwrap();
        audit::append(&mut tx, entry(3)).await.unwrap();
        assert!(matches!(
            rows.run(&mut tx).await,
            Err(StoreError::Invalid(_))
        ));
    })
    .await;
}

/// A query sent with the rows ([`Inserts::select`]) is answered in the same call, its
/// placeholders its own whatever the rows bind, and a failing row fails it too.
#[tokio::test]
async fn a_query_sent_with_rows_returns_its_rows() {
    use accordo_store::inserts::Inserts;
    each_engine(|store| async move {
        migrate::run(&store, 0, &[migrate::FOUNDATION])
            .await
            .unwrap();
        const COUNTRY: &[&str] = &["code", "name"];
        let mut rows = Inserts::new();
        rows.row("countries", COUNTRY, vec!["XAA".into(), "Atlantis".into()]);
        rows.row("countries", COUNTRY, vec!["XAB".into(), "Lemuria".into()]);
        let mut tx = store.write().await.unwrap();
        let (audited, none) = audit::append_with(&mut tx, entry(1), rows).await.unwrap();
        assert!(none.is_empty(), "no query, no rows");
        tx.commit(audited).await.unwrap();

        // More countries, and a query naming one written before, one written now and one
        // nobody wrote: PostgreSQL's query sees the database before the rows, SQLite's after.
        // In one statement, and (over 30,000 values) in several.
        let postgres = store.engine() == accordo_store::Engine::Postgres;
        for (round, extra) in [(0, 0), (1, 15_000)] {
            let mut rows = Inserts::new();
            let new_code = format!("XC{round}");
            rows.row(
                "countries",
                COUNTRY,
                vec![new_code.clone().into(), "Mu".into()],
            );
            for i in 0..extra {
                rows.row(
                    "countries",
                    COUNTRY,
                    vec![format!("Y{i:05}").into(), "Filler".into()],
                );
            }
            let mut binds = Binds::default();
            let sql = format!(
                "SELECT code, name FROM countries WHERE code IN ({}, {}, {}) ORDER BY code",
                binds.text("XAB"),
                binds.text(&new_code),
                binds.text("XAZ")
            );
            rows.select(sql, binds);
            let mut tx = store.write().await.unwrap();
            let (audited, found) = audit::append_with(&mut tx, entry(2 + round), rows)
                .await
                .unwrap();
            let found: Vec<String> = found.iter().map(|r| r.get("code")).collect();
            if postgres {
                assert_eq!(found, ["XAB"], "round {round}");
            } else {
                assert_eq!(found, ["XAB".to_owned(), new_code], "round {round}");
            }
            tx.commit(audited).await.unwrap();
        }
        assert_eq!(
            accordo_store::accounts::country_count(&store)
                .await
                .unwrap(),
            15_004,
            "the rows beside the query were written"
        );

        // A row that breaks a rule: no rows back, an error, nothing written.
        let mut rows = Inserts::new();
        rows.row("countries", COUNTRY, vec!["XAA".into(), "Again".into()]);
        let mut binds = Binds::default();
        let sql = format!(
            "SELECT code FROM countries WHERE code = {}",
            binds.text("XAA")
        );
        rows.select(sql, binds);
        let mut tx = store.write().await.unwrap();
        assert!(audit::append_with(&mut tx, entry(4), rows).await.is_err());
        drop(tx);
        assert_eq!(
            accordo_store::accounts::country_count(&store)
                .await
                .unwrap(),
            15_004
        );
    })
    .await;
}
