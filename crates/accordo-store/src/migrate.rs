//! Forward-only migrations for both engines.
//!
//! Each migration has a version, a name and one SQL file per engine, embedded in the binary.
//! The platform has its own ([`FOUNDATION`]); each module declares its list beside its code
//! with [`migration!`](crate::migration) and hands it over in its `Module`. The runner takes
//! every list, applies what is missing in version order, each in its own transaction, and
//! records it with the checksum of the file; an applied migration whose file has since changed
//! stops the start-up (migrations are never edited once landed: add a new one).
//!
//! Versions are one number space across modules, so that the order of applying is the order
//! of writing: the four that landed before modules had their own crates are 1 to 4; a new
//! migration takes its date and a sequence, `YYYYMMDDNN` (e.g. `2026120101`), which two
//! modules written side by side will not both pick. Two modules claiming one version stop the
//! start-up with both names.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Engine, Result, Store, StoreError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// A [`Migration`] from the files `<dir>/sqlite/<name>.sql` and `<dir>/postgres/<name>.sql`,
/// `dir` relative to the file that names it.
#[macro_export]
macro_rules! migration {
    ($dir:literal, $version:expr, $name:literal) => {
        $crate::migrate::Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!($dir, "/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!($dir, "/postgres/", $name, ".sql")),
        }
    };
}

/// The platform's own migrations (accounts, sign-in, audit, notifications, retention).
pub static FOUNDATION: &[Migration] = &[
    crate::migration!("../migrations", 1, "0001_foundation"),
    crate::migration!("../migrations", 5, "0005_agency_roles"),
    crate::migration!("../migrations", 7, "0007_totp_replay"),
    crate::migration!("../migrations", 8, "0008_audit_erasures"),
    crate::migration!("../migrations", 9, "0009_audit_checkpoints"),
    crate::migration!("../migrations", 10, "0010_audit_pending"),
    crate::migration!("../migrations", 11, "0011_audit_pending_guard"),
    crate::migration!("../migrations", 12, "0012_notification_messages"),
];

/// The migrations of every list, in version order; two with one version are refused.
pub fn ordered<'a>(lists: &[&'a [Migration]]) -> Result<Vec<&'a Migration>> {
    let mut all: Vec<&Migration> = lists.iter().flat_map(|l| l.iter()).collect();
    all.sort_by_key(|m| m.version);
    if let Some(pair) = all.windows(2).find(|w| w[0].version == w[1].version) {
        return Err(StoreError::Migration(format!(
            "migrations {} and {} both claim version {}; give the newer one the next free version",
            pair[0].name, pair[1].name, pair[0].version
        )));
    }
    Ok(all)
}

impl Migration {
    fn sql(&self, engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        }
    }

    /// The SHA-256 of this engine's file, as `schema_migrations` records it.
    pub fn checksum(&self, engine: Engine) -> String {
        hex::encode(Sha256::digest(self.sql(engine).as_bytes()))
    }
}

/// Applies what is missing of `lists` (the platform's and each module's); returns the names
/// applied now.
pub async fn run(
    store: &Store,
    now_us: i64,
    lists: &[&'static [Migration]],
) -> Result<Vec<&'static str>> {
    run_until(store, now_us, lists, i64::MAX).await
}

/// Applies the migrations up to version `last` (an import of an older export stops there).
pub async fn run_until(
    store: &Store,
    now_us: i64,
    lists: &[&'static [Migration]],
    last: i64,
) -> Result<Vec<&'static str>> {
    let mut migrations = ordered(lists)?;
    migrations.retain(|m| m.version <= last);
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
    for migration in migrations {
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

/// The newest version of `lists`.
pub fn latest_version(lists: &[&[Migration]]) -> i64 {
    lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}
