//! Forward-only migrations for both engines.
//!
//! Each migration has a version, a name and one SQL file per engine, embedded in the binary.
//! A migration is applied in its own transaction and recorded with the checksum of the file;
//! an applied migration whose file has since changed stops the start-up (migrations are
//! never edited once landed: add a new one). A module adds its migration to [`MIGRATIONS`].

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Engine, Result, Store, StoreError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

macro_rules! migration {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

/// Every migration, in order.
pub static MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_documents"),
    migration!(3, "0003_forgery_alerts"),
    migration!(4, "0004_returns"),
];

impl Migration {
    fn sql(&self, engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        }
    }

    fn checksum(&self, engine: Engine) -> String {
        hex::encode(Sha256::digest(self.sql(engine).as_bytes()))
    }
}

/// Applies what is missing; returns the names applied now.
pub async fn run(store: &Store, now_us: i64) -> Result<Vec<&'static str>> {
    let engine = store.engine();
    let mut conn = store.pool().acquire().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    drop(conn);

    let mut applied = Vec::new();
    for migration in MIGRATIONS {
        let mut tx = store.pool().begin().await?;
        if engine == Engine::Postgres {
            // Several nodes may start at once: one migrates, the others wait and then see it done.
            sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
                .execute(&mut *tx)
                .await?;
        }
        let row = sqlx::query("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(migration.version)
            .fetch_optional(&mut *tx)
            .await?;
        let checksum = migration.checksum(engine);
        if let Some(row) = row {
            let recorded: String = row.try_get("checksum")?;
            if recorded != checksum {
                return Err(StoreError::Migration(format!(
                    "migration {} ({}) was changed after it was applied; migrations are forward-only: restore the file and add a new migration",
                    migration.version, migration.name
                )));
            }
            continue;
        }
        sqlx::raw_sql(migration.sql(engine))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::Migration(format!("migration {} failed: {e}", migration.name))
            })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(checksum)
        .bind(now_us)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied.push(migration.name);
    }
    Ok(applied)
}

/// The newest applied version, 0 for an empty database.
pub async fn current_version(store: &Store) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("v")?)
}

/// The newest version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
