//! Fresh databases for tests, on both engines.
//!
//! [`each_engine`] runs one test body on SQLite (a new file in a temporary directory) and,
//! when `ACCORDO_TEST_DATABASE_URL` is set, on PostgreSQL (a new database created for the
//! test and dropped after it). Without that variable it prints that the PostgreSQL half was
//! skipped, so a run never passes silently on one engine.

use std::future::Future;
use std::path::PathBuf;

use crate::Store;

pub const PG_ENV: &str = "ACCORDO_TEST_DATABASE_URL";

/// A database made for one test.
pub struct TestDb {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("accordo-test-{}", uuid::Uuid::now_v7()));
        let store = Store::open_sqlite(&dir).await.expect("open test SQLite");
        TestDb {
            store,
            cleanup: Cleanup::Dir(dir),
        }
    }

    pub async fn postgres(admin_url: &str) -> TestDb {
        let name = format!("accordo_test_{}", uuid::Uuid::now_v7().simple());
        let admin = Store::connect(admin_url)
            .await
            .expect("connect to ACCORDO_TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
            .expect("create test database");
        admin.close().await;
        let url = with_database(admin_url, &name);
        let store = Store::connect(&url)
            .await
            .expect("connect to the test database");
        TestDb {
            store,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        }
    }

    /// Closes the store and removes the database.
    pub async fn drop_db(self) {
        self.store.close().await;
        self.cleanup.remove().await;
    }
}

impl Cleanup {
    async fn remove(self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Store::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(admin.pool())
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// A database kept, closed, as the original of copies: made once (seeded, with the records a
/// test needs), copied for every case that writes, so that no case sees another's writes and
/// none pays for the seeding again.
pub struct Template {
    original: Cleanup,
}

impl TestDb {
    /// Closes the store and keeps its database as a template.
    pub async fn into_template(self) -> Template {
        self.store.close().await;
        Template {
            original: self.cleanup,
        }
    }
}

impl Template {
    /// A fresh copy of the template, open.
    pub async fn copy(&self) -> TestDb {
        match &self.original {
            Cleanup::Dir(dir) => {
                let copy =
                    std::env::temp_dir().join(format!("accordo-test-{}", uuid::Uuid::now_v7()));
                std::fs::create_dir_all(&copy).expect("create the copy's directory");
                for entry in std::fs::read_dir(dir).expect("read the template's directory") {
                    let from = entry.expect("a template file").path();
                    if let Some(name) = from.file_name() {
                        std::fs::copy(&from, copy.join(name)).expect("copy the template");
                    }
                }
                let store = Store::open_sqlite(&copy).await.expect("open the copy");
                TestDb {
                    store,
                    cleanup: Cleanup::Dir(copy),
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let copy = format!("accordo_test_{}", uuid::Uuid::now_v7().simple());
                let admin = Store::connect(admin_url)
                    .await
                    .expect("connect to ACCORDO_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {copy} TEMPLATE {name}"))
                    .execute(admin.pool())
                    .await
                    .expect("copy the template database");
                admin.close().await;
                let store = Store::connect(&with_database(admin_url, &copy))
                    .await
                    .expect("connect to the copy");
                TestDb {
                    store,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name: copy,
                    },
                }
            }
        }
    }

    /// Removes the template.
    pub async fn drop_template(self) {
        self.original.remove().await;
    }
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs `body` once per available engine, each time on a fresh database.
pub async fn each_engine<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = TestDb::sqlite().await;
    body(db.store.clone()).await;
    db.drop_db().await;
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => {
            let db = TestDb::postgres(&url).await;
            body(db.store.clone()).await;
            db.drop_db().await;
        }
        _ => say_postgres_skipped(),
    }
}

/// Lifts the audit log's append-only guard, as an attacker with database access would: for
/// the tests that tamper with the chain.
pub async fn lift_audit_guard(store: &Store) {
    let sql = match store.engine() {
        crate::Engine::Sqlite => {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        }
        crate::Engine::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log;",
    };
    sqlx::raw_sql(sql)
        .execute(store.pool())
        .await
        .expect("drop the audit log's triggers");
}

/// Says, past the test harness's output capture, that the PostgreSQL half did not run.
pub fn say_postgres_skipped() {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "note: PostgreSQL half skipped: {PG_ENV} is not set (CI sets it; see README)"
    );
}

/// The columns of the database that `tables` do not list (`table.column`): what an export
/// would silently lose. The audit head (rebuilt by the import) and the migrations' record
/// are left out.
pub async fn unexported_columns(
    store: &Store,
    tables: &[&crate::transfer::TableSpec],
) -> Vec<String> {
    use sqlx::Row;
    let sql = match store.engine() {
        crate::Engine::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        crate::Engine::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    let rows = sqlx::query(sql)
        .fetch_all(store.pool())
        .await
        .expect("list the database's columns");
    let mut missing = Vec::new();
    for row in rows {
        let (t, c): (String, String) = (row.get("t"), row.get("c"));
        // Rebuilt by the target: its migrations, the chain's head, and the order numbers of
        // entries waiting to be chained (given again, in the exported order, on import).
        if t == "schema_migrations" || t == "audit_head" || (t == "audit_pending" && c == "pid") {
            continue;
        }
        let listed = tables
            .iter()
            .find(|spec| spec.name == t)
            .is_some_and(|spec| spec.columns.iter().any(|(name, _)| *name == c));
        if !listed {
            missing.push(format!("{t}.{c}"));
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_database_name() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h:1/test?sslmode=disable", "x"),
            "postgres://h:1/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
