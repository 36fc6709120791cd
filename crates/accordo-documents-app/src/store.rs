//! The shared register of lost, stolen, revoked, forged and fraudulently obtained documents.
//!
//! The register is shared by design: every partner's checks read every live report. Listing
//! the reports themselves (with their notes) is scoped to the owning agency, or to the whole
//! register for the operator (a `Scope` with the platform reach).

use accordo_domain::access::{Reach, Scope};
use sqlx::Row;
use uuid::Uuid;

use accordo_store::{Conn, Engine, Result, Store, StoreError, Tx};

/// PostgreSQL channel on which every change to the register is announced (payload: the
/// document key), so every `serve` node keeps its in-memory index current.
pub const CHANNEL: &str = "accordo_documents";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: Uuid,
    pub doc_key: String,
    pub issuing_state: String,
    pub document_type: String,
    pub document_number: String,
    pub status: String,
    pub owner_agency: String,
    pub reported_on: String,
    pub notes: String,
    pub created_at: i64,
    pub created_by: String,
    pub withdrawn_at: Option<i64>,
}

/// A report to write.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub id: Uuid,
    pub doc_key: &'a str,
    pub issuing_state: &'a str,
    pub document_type: &'a str,
    pub document_number: &'a str,
    pub status: &'a str,
    pub owner_agency: &'a str,
    pub reported_on: &'a str,
    pub notes: &'a str,
    pub created_by: &'a str,
}

const COLUMNS: &str = "id, doc_key, issuing_state, document_type, document_number, status, owner_agency, reported_on, notes, created_at, created_by, withdrawn_at";

fn row_of(row: &sqlx::any::AnyRow) -> Result<ReportRow> {
    let id: String = row.try_get("id")?;
    Ok(ReportRow {
        id: Uuid::parse_str(&id)
            .map_err(|_| StoreError::Invalid("bad UUID in document_reports".into()))?,
        doc_key: row.try_get("doc_key")?,
        issuing_state: row.try_get("issuing_state")?,
        document_type: row.try_get("document_type")?,
        document_number: row.try_get("document_number")?,
        status: row.try_get("status")?,
        owner_agency: row.try_get("owner_agency")?,
        reported_on: row.try_get("reported_on")?,
        notes: row.try_get("notes")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        withdrawn_at: row.try_get("withdrawn_at")?,
    })
}

/// Rows per INSERT statement of a bulk write (12 parameters each, well under SQLite's limit).
const CHUNK: usize = 400;

/// Writes reports in the caller's transaction, several rows per statement.
pub async fn insert(tx: &mut Tx, reports: &[NewReport<'_>], now_us: i64) -> Result<()> {
    for chunk in reports.chunks(CHUNK) {
        let mut sql = format!("INSERT INTO document_reports ({COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 11;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, NULL)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11
            ));
        }
        let mut query = sqlx::query(&sql);
        for r in chunk {
            query = query
                .bind(r.id.to_string())
                .bind(r.doc_key)
                .bind(r.issuing_state)
                .bind(r.document_type)
                .bind(r.document_number)
                .bind(r.status)
                .bind(r.owner_agency)
                .bind(r.reported_on)
                .bind(r.notes)
                .bind(now_us)
                .bind(r.created_by);
        }
        query.execute(tx.conn()).await?;
    }
    Ok(())
}

/// Announces changed keys to the other nodes (PostgreSQL delivers on commit; SQLite has one
/// node and nothing to announce).
pub async fn announce(tx: &mut Tx, keys: &[&str]) -> Result<()> {
    if tx.engine() != Engine::Postgres {
        return Ok(());
    }
    for key in keys {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(*key)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// The live reports of one document.
pub async fn live_by_key(conn: &mut Conn, doc_key: &str) -> Result<Vec<ReportRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM document_reports WHERE doc_key = $1 AND withdrawn_at IS NULL ORDER BY created_at"
    ))
    .bind(doc_key)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row_of).collect()
}

pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<ReportRow>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM document_reports WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(row_of).transpose()
}

/// Marks a live report withdrawn; false when it was not live.
pub async fn withdraw(tx: &mut Tx, id: Uuid, by: &str, now_us: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE document_reports SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now_us)
    .bind(by)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reports in scope, newest first, optionally only those whose number starts with `number`.
pub async fn list(
    conn: &mut Conn,
    scope: &Scope,
    number: Option<&str>,
    include_withdrawn: bool,
    limit: i64,
) -> Result<Vec<ReportRow>> {
    // Every agency's reports for the operator, the agency's own otherwise.
    let all = scope.has(Reach::Platform);
    if !all && !scope.has(Reach::OwnAgency) {
        return Ok(Vec::new());
    }
    let mut sql = format!("SELECT {COLUMNS} FROM document_reports WHERE 1 = 1");
    let mut binds: Vec<String> = Vec::new();
    if !all {
        binds.push(scope.actor().agency.to_string());
        sql.push_str(&format!(" AND owner_agency = ${}", binds.len()));
    }
    if let Some(n) = number.filter(|n| !n.is_empty()) {
        // A prefix, taken literally: `%` and `_` in it are characters, not wildcards.
        let literal = n
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        binds.push(format!("{literal}%"));
        sql.push_str(&format!(
            " AND document_number LIKE ${} ESCAPE '\\'",
            binds.len()
        ));
    }
    if !include_withdrawn {
        sql.push_str(" AND withdrawn_at IS NULL");
    }
    sql.push_str(&format!(
        " ORDER BY created_at DESC, id DESC LIMIT ${}",
        binds.len() + 1
    ));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.bind(limit.clamp(1, 1000)).fetch_all(conn).await?;
    rows.iter().map(row_of).collect()
}

/// Calls `each` with every live document key, in pages (for building the index at start).
pub async fn for_each_live_key(store: &Store, mut each: impl FnMut(&str)) -> Result<u64> {
    let mut after = String::new();
    let mut seen = 0u64;
    loop {
        let mut conn = store.read().await?;
        let rows = sqlx::query(
            "SELECT id, doc_key FROM document_reports WHERE withdrawn_at IS NULL AND id > $1 ORDER BY id LIMIT 20000",
        )
        .bind(&after)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let Some(last) = rows.last() else {
            return Ok(seen);
        };
        after = last.try_get("id")?;
        for row in &rows {
            let key: String = row.try_get("doc_key")?;
            each(&key);
            seen += 1;
        }
    }
}

/// Whether a document still has a live report (after a withdrawal).
pub async fn is_live(conn: &mut Conn, doc_key: &str) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM document_reports WHERE doc_key = $1 AND withdrawn_at IS NULL",
    )
    .bind(doc_key)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Changes to the register announced by any node (PostgreSQL only).
pub struct Changes(sqlx::postgres::PgListener);

/// What the listener heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// This document key changed.
    Key(String),
    /// Notifications may have been missed (the connection dropped, or a bulk import
    /// announced everything): rebuild from the database.
    Everything,
}

/// The bulk-change payload: an import announces this instead of every key.
pub const EVERYTHING: &str = "*";

impl Changes {
    pub async fn next(&mut self) -> Result<Heard> {
        match self.0.try_recv().await? {
            Some(n) if n.payload() == EVERYTHING => Ok(Heard::Everything),
            Some(n) => Ok(Heard::Key(n.payload().to_owned())),
            None => Ok(Heard::Everything),
        }
    }
}

/// Listens to the register's changes; `None` on SQLite (a single node).
pub async fn listen(store: &Store) -> Result<Option<Changes>> {
    Ok(store.listen(CHANNEL).await?.map(Changes))
}

/// The kind name of forgery alerts in `record_addressees` and the audit log.
pub const ALERT_KIND: &str = "forgery_alert";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub handling: String,
    pub issuing_state: Option<String>,
    pub document_type: Option<String>,
    pub number_from: Option<String>,
    pub number_to: Option<String>,
    pub number_pattern: Option<String>,
    pub what_forged: String,
    pub how_to_recognise: String,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
    /// `(type, addressee)`: ("agency", "PK-FIA"), ("country", "PAK"), ("user", uuid).
    pub addressees: Vec<(String, String)>,
}

/// An alert to write.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    pub id: Uuid,
    pub owner_agency: &'a str,
    pub handling: &'a str,
    pub issuing_state: Option<&'a str>,
    pub document_type: Option<&'a str>,
    pub number_from: Option<&'a str>,
    pub number_to: Option<&'a str>,
    pub number_pattern: Option<&'a str>,
    pub what_forged: &'a str,
    pub how_to_recognise: &'a str,
    pub created_by: &'a str,
    pub addressees: &'a [(String, String)],
}

const ALERT_COLUMNS: &str = "a.id, a.owner_agency, a.handling, a.issuing_state, a.document_type, a.number_from, a.number_to, a.number_pattern, a.what_forged, a.how_to_recognise, a.created_at, a.withdrawn_at";

pub async fn insert_alert(tx: &mut Tx, a: &NewAlert<'_>, now_us: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO forgery_alerts (id, owner_agency, handling, issuing_state, document_type, number_from, number_to, number_pattern, what_forged, how_to_recognise, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(a.id.to_string())
    .bind(a.owner_agency)
    .bind(a.handling)
    .bind(a.issuing_state)
    .bind(a.document_type)
    .bind(a.number_from)
    .bind(a.number_to)
    .bind(a.number_pattern)
    .bind(a.what_forged)
    .bind(a.how_to_recognise)
    .bind(now_us)
    .bind(a.created_by)
    .execute(tx.conn())
    .await?;
    accordo_store::scope::insert_addressees(tx, ALERT_KIND, &a.id.to_string(), a.addressees).await
}

/// Live alerts the actor may read: `filter` is `scope::shared_record_filter` over alias `a`.
pub async fn visible_alerts(
    conn: &mut Conn,
    scope: &Scope,
    include_withdrawn: bool,
) -> Result<Vec<AlertRow>> {
    let mut binds = accordo_store::scope::Binds::default();
    let filter = accordo_store::scope::shared_record_filter(scope, "a", &mut binds);
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM forgery_alerts a WHERE {filter} {} ORDER BY a.created_at DESC LIMIT 1000",
        if include_withdrawn {
            ""
        } else {
            "AND a.withdrawn_at IS NULL"
        }
    );
    let rows = binds
        .bind_all(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let mut alerts = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        alerts.push(AlertRow {
            id: Uuid::parse_str(&id)
                .map_err(|_| StoreError::Invalid("bad UUID in forgery_alerts".into()))?,
            owner_agency: row.try_get("owner_agency")?,
            handling: row.try_get("handling")?,
            issuing_state: row.try_get("issuing_state")?,
            document_type: row.try_get("document_type")?,
            number_from: row.try_get("number_from")?,
            number_to: row.try_get("number_to")?,
            number_pattern: row.try_get("number_pattern")?,
            what_forged: row.try_get("what_forged")?,
            how_to_recognise: row.try_get("how_to_recognise")?,
            created_at: row.try_get("created_at")?,
            withdrawn_at: row.try_get("withdrawn_at")?,
            addressees: Vec::new(),
        });
    }
    for alert in &mut alerts {
        alert.addressees =
            accordo_store::scope::addressees(&mut *conn, ALERT_KIND, &alert.id.to_string()).await?;
    }
    Ok(alerts)
}

/// The owner and the handling of one alert, for the access decision before a withdrawal.
pub async fn alert_owner(conn: &mut Conn, id: Uuid) -> Result<Option<(String, String, bool)>> {
    let row = sqlx::query(
        "SELECT owner_agency, handling, withdrawn_at FROM forgery_alerts WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("owner_agency")?,
            r.try_get("handling")?,
            r.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
        ))
    })
    .transpose()
}

pub async fn withdraw_alert(tx: &mut Tx, id: Uuid, by: &str, now_us: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE forgery_alerts SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now_us)
    .bind(by)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

// What the platform needs of this module's tables: their export, retention and migrations.

use accordo_store::transfer::Col::{Int, Text};
/// This module's tables, parents before children, for export and import.
pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "document_reports",
        columns: &[
            ("id", Text),
            ("doc_key", Text),
            ("issuing_state", Text),
            ("document_type", Text),
            ("document_number", Text),
            ("status", Text),
            ("owner_agency", Text),
            ("reported_on", Text),
            ("notes", Text),
            ("created_at", Int),
            ("created_by", Text),
            ("withdrawn_at", Int),
            ("withdrawn_by", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "forgery_alerts",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("issuing_state", Text),
            ("document_type", Text),
            ("number_from", Text),
            ("number_to", Text),
            ("number_pattern", Text),
            ("what_forged", Text),
            ("how_to_recognise", Text),
            ("created_at", Int),
            ("created_by", Text),
            ("withdrawn_at", Int),
            ("withdrawn_by", Text),
        ],
        order_by: "id",
    },
];

/// How long this module's records are kept.
pub static RETENTION: &[accordo_store::retention::RetentionTarget] = &[
    accordo_store::retention::RetentionTarget {
        rule: accordo_domain::retention::RetentionRule {
            kind: "document_report",
            description: "Withdrawn reports of the document register (live reports are kept until withdrawn)",
            default_days: 1825,
            min_days: 30,
            max_days: 3650,
            action: accordo_domain::retention::RetentionAction::Erase,
        },
        sql: "DELETE FROM document_reports WHERE withdrawn_at < $1",
    },
    accordo_store::retention::RetentionTarget {
        rule: accordo_domain::retention::RetentionRule {
            kind: "forgery_alert",
            description: "Withdrawn forgery alerts (live alerts are kept until withdrawn)",
            default_days: 1825,
            min_days: 30,
            max_days: 3650,
            action: accordo_domain::retention::RetentionAction::Erase,
        },
        sql: "DELETE FROM forgery_alerts WHERE withdrawn_at < $1",
    },
];

/// This module's migrations (see `accordo_store::migrate` for their versions).
pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 2, "0002_documents"),
    accordo_store::migration!("../migrations", 3, "0003_forgery_alerts"),
];
