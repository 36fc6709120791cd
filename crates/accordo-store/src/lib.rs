//! Storage of accordo: connections, transactions, migrations, scopes, and the SQL of the
//! platform's own tables. Each module keeps the SQL of its tables in its own crate's `store`
//! module, on the types of this one.
//!
//! One set of queries serves both engines through sqlx's `Any` driver: SQLite (embedded,
//! the default) and PostgreSQL (production). Queries use `$1`-style parameters, which both
//! engines read; types are kept to what both share (TEXT, BIGINT). Where the dialects
//! differ (DDL, triggers), the engine's own file is used (see [`migrate`]).
//!
//! Invariants:
//! * every function that reads records on behalf of a user takes that user's scope and
//!   filters on it in SQL;
//! * every write happens in a [`Tx`] from [`Store::write`] and commits only with its audit
//!   entry ([`Audited`]), so the change and its entry commit together or not at all. The entry
//!   waits in `audit_pending` until [`audit::seal`] chains it; writers share no row, and on
//!   SQLite (one writer at a time by design) they queue in the process, not in SQLite's
//!   sleeping busy handler.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod inserts;
pub mod migrate;
pub mod notifications;
pub mod retention;
pub mod scope;
pub mod testing;
pub mod transfer;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor};

pub use sqlx::AnyConnection as Conn;
/// A row a query returned, read by the store module that wrote the query.
pub use sqlx::any::AnyRow as Row;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {target}: {source}")]
    Unreachable {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("{what} already exists")]
    Conflict { what: String },
    #[error("{0}")]
    Migration(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`] naming `what`.
    pub fn conflict_as(err: sqlx::Error, what: impl Into<String>) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict { what: what.into() }
            }
            _ => StoreError::Database(err),
        }
    }

    /// Whether the engine refused a write because it would break a unique index.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// SQLite's writers' own connections (`None` on PostgreSQL, whose writers use `pool`).
    writers: Option<AnyPool>,
    engine: Engine,
    /// The PostgreSQL URL, for the connection that listens to change notifications.
    url: Option<String>,
    /// SQLite's one writer at a time, queued here in order of arrival.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Told when a transaction commits an audit entry, for the sealer.
    pending: Arc<tokio::sync::Notify>,
}

/// A write transaction. It commits only with the proof that an audit entry was appended in it
/// ([`Audited`], from [`audit::append`]); dropped, it rolls back.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    engine: Engine,
    /// Tells this transaction's [`Audited`] from another's.
    id: u64,
    pending: Arc<tokio::sync::Notify>,
    /// On SQLite, this process's turn to write, held until the transaction ends.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// Proof that an audit entry was appended in one transaction: only [`audit::append`] makes
/// one, and [`Tx::commit`] asks for it, so a write cannot commit without its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audited {
    tx: u64,
}

impl Tx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The proof for this transaction, for [`audit::append`] alone.
    pub(crate) fn audited(&self) -> Audited {
        Audited { tx: self.id }
    }

    /// Commits the change and its audit entry together.
    pub async fn commit(self, audited: Audited) -> Result<()> {
        if audited.tx != self.id {
            return Err(StoreError::Invalid(
                "a transaction may commit only with its own audit entry".into(),
            ));
        }
        self.inner.commit().await?;
        self.pending.notify_one();
        Ok(())
    }

    /// Commits a write that is not an action to audit, for this crate alone: rows restored
    /// from an export, whose audit entries are themselves restored rows (the import checks
    /// the chain); the audit chain's signed checkpoints, which state the head and so cannot
    /// move it; and the sealing of pending entries into the chain.
    pub(crate) async fn commit_restored(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }
}

/// How long a write waits for its turn on SQLite before it gives up.
const WRITE_TURN_WAIT: Duration = Duration::from_secs(10);

static NEXT_TX: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Store {
    /// Opens (creating if needed) the SQLite file `<data_dir>/accordo.db` in WAL mode.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join("accordo.db");
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to `sqlite://…` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let unreachable = |source| StoreError::Unreachable {
            target: redact(url),
            source,
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(unreachable)?
            .log_statements(log::LevelFilter::Trace)
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = pool_options(engine, if engine == Engine::Sqlite { 8 } else { 16 })
            .connect_with(options.clone())
            .await
            .map_err(unreachable)?;
        // SQLite's writers have connections of their own, so that those waiting for their
        // turn never hold the connections readers need.
        let writers = match engine {
            Engine::Sqlite => Some(
                pool_options(engine, 3)
                    .connect_with(options)
                    .await
                    .map_err(unreachable)?,
            ),
            Engine::Postgres => None,
        };
        let url = (engine == Engine::Postgres).then(|| url.to_owned());
        Ok(Self {
            pool,
            writers,
            engine,
            url,
            writer: Arc::default(),
            pending: Arc::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The PostgreSQL URL this store connected with (it may hold a password: never log it;
    /// `redact` it first). `None` on SQLite.
    pub fn postgres_url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection listening on `channel` for what other nodes announce with `pg_notify`
    /// (delivered when their transactions commit); `None` on SQLite, where this node is the
    /// only one.
    pub async fn listen(&self, channel: &str) -> Result<Option<sqlx::postgres::PgListener>> {
        let Some(url) = self.postgres_url() else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect(url)
            .await
            .map_err(|source| StoreError::Unreachable {
                target: redact(url),
                source,
            })?;
        listener.listen(channel).await?;
        Ok(Some(listener))
    }

    /// Connections in the pool: (open, idle).
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a write transaction. On PostgreSQL it takes no lock of its own: writers run side
    /// by side and their audit entries are chained after commit ([`audit::seal`]). On SQLite,
    /// which has one writer at a time, the transaction first takes a connection, then this
    /// process's turn (a fair queue, where SQLite's busy handler would poll and sleep up to
    /// 100 ms), then SQLite's write lock at once with `BEGIN IMMEDIATE` (a deferred one could
    /// fail to upgrade from reading to writing). The connection comes before the turn so that
    /// the writer holding the turn never waits for a connection held by a task queued behind it.
    pub async fn write(&self) -> Result<Tx> {
        let (inner, turn) = match self.engine {
            Engine::Postgres => (self.pool.begin().await?, None),
            Engine::Sqlite => {
                let conn = self
                    .writers
                    .as_ref()
                    .unwrap_or(&self.pool)
                    .acquire()
                    .await?;
                // As long as SQLite's own busy timeout would have waited.
                let turn = tokio::time::timeout(WRITE_TURN_WAIT, self.writer.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        StoreError::Invalid(
                            "the database is busy: another write has held it for 10 seconds".into(),
                        )
                    })?;
                let inner = sqlx::Transaction::begin(conn, Some("BEGIN IMMEDIATE".into())).await?;
                (inner, Some(turn))
            }
        };
        Ok(Tx {
            inner,
            engine: self.engine,
            id: NEXT_TX.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            pending: self.pending.clone(),
            _turn: turn,
        })
    }

    /// [`Store::write`], holding until the transaction ends a lock on each of `keys`
    /// (PostgreSQL's transaction-level advisory locks, taken in one statement in the keys'
    /// unsigned order, the order every node uses): two writers naming one key run one after
    /// the other, on any node. SQLite has one writer at a time already: there it is
    /// [`Store::write`]. The locks are taken inside the transaction sqlx knows of, so a request
    /// cancelled while it waits, or a failed wait, rolls back and releases them.
    ///
    /// `notice`, `(channel, payload)`, is sent with the locks (`pg_notify`, delivered to the
    /// listening nodes if the transaction commits; on PostgreSQL only, and only with keys):
    /// in that statement it costs no round trip of its own.
    pub async fn write_locked(
        &self,
        keys: &[u64],
        notice: Option<(&'static str, String)>,
    ) -> Result<Tx> {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut tx = self.write().await?;
        if self.engine != Engine::Postgres || sorted.is_empty() {
            return Ok(tx);
        }
        let values: Vec<String> = (1..=sorted.len())
            .map(|i| format!("(${i}::bigint, {i})"))
            .collect();
        let next = sorted.len() + 1;
        // PostgreSQL computes the volatile calls of the select list after sorting: the locks
        // in order, the notice once.
        let notify = match notice {
            Some(_) => format!(
                ", CASE WHEN n = 1 THEN pg_notify(${next}, ${}) END",
                next + 1
            ),
            None => String::new(),
        };
        let sql = format!(
            "SELECT pg_advisory_xact_lock(k){notify} FROM (VALUES {}) AS keys(k, n) ORDER BY n",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for k in sorted {
            // The same 64 bits, as PostgreSQL's bigint.
            query = query.bind(k as i64);
        }
        if let Some((channel, payload)) = notice {
            query = query.bind(channel).bind(payload);
        }
        query.execute(tx.conn()).await?;
        Ok(tx)
    }

    /// Resolves when a transaction has committed an audit entry since the last call (or
    /// will at once if one did before anyone waited): the sealer's wake-up.
    pub async fn audit_entries_committed(&self) {
        self.pending.notified().await;
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// A consistent copy of a SQLite database while it is in use (`VACUUM INTO`).
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Invalid(
                "backup copies SQLite databases; for PostgreSQL use pg_dump (see accordo backup --help)".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Invalid(format!(
                "{} exists already; choose a new file",
                target.display()
            )));
        }
        let path = target.to_string_lossy().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{path}'"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(writers) = &self.writers {
            writers.close().await;
        }
        self.pool.close().await;
    }
}

/// A pooled connection idle this long is pinged before it is handed out.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// The pool settings of both engines: SQLite's pragmas on every connection, and no
/// connection handed out inside a transaction.
fn pool_options(engine: Engine, size: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA synchronous = NORMAL",
                    ] {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        })
        // sqlx pings every connection it hands out: a round trip to PostgreSQL, a hop to
        // SQLite's worker thread, on every acquire, that is, several times a request. A
        // connection used within the last second is handed out as it is (HikariCP's bypass
        // window); one idle for longer is pinged first, and closed if it does not answer.
        // (sqlx also pings each connection when it is released, in a task of its own, off the
        // request path.)
        .test_before_acquire(false)
        // A connection still inside a transaction when it is taken again (the rollback a
        // dropped transaction queued failed: a request cancelled mid-statement) would keep
        // SQLite's write lock, or nest the next writer's transaction in one that never
        // commits: it is closed instead. The pool ran that rollback when the connection came
        // back, so this costs no round trip.
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                use sqlx::Connection;
                if conn.is_in_transaction() {
                    tracing::warn!("a pooled connection was left inside a transaction; closing it");
                    return Ok(false);
                }
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// A URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// 0/1 flags, stored as BIGINT on both engines.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// The `VALUES` list of a multi-row statement: `rows` tuples of `width` placeholders,
/// numbered from `$1` (`values(2, 3)` is `($1, $2, $3), ($4, $5, $6)`). One statement writes
/// many rows: one round trip, not one a row.
pub fn values(rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * width + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// Rows a multi-row statement of `width` columns may carry within both engines' limits on
/// bound parameters (SQLite's 32,766, PostgreSQL's 65,535), with room to spare.
pub fn rows_per_statement(width: usize) -> usize {
    (30_000 / width.max(1)).clamp(1, 1_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_numbers_every_placeholder_once_in_order() {
        assert_eq!(super::values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values(1, 1), "($1)");
        assert_eq!(super::values(0, 4), "");
        assert_eq!(super::rows_per_statement(10), 1_000);
        assert_eq!(super::rows_per_statement(100), 300);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(super::redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
