//! The cooperation index and legal-entry quotas: policy versions, hand-entered indicator
//! values, imported official statistics, quota totals and published allocations.
//!
//! Policies and published allocations are written once and never changed: a new policy is
//! a new version, and no statement here updates `quota_allocations`.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use accordo_store::{Conn, Result, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRow {
    pub version: i64,
    /// JSON of `accordo_cooperation::Policy`.
    pub policy: String,
    pub note: String,
    pub created_at: i64,
    pub created_by: String,
}

fn policy_of(row: &AnyRow) -> Result<PolicyRow> {
    Ok(PolicyRow {
        version: row.try_get("version")?,
        policy: row.try_get("policy")?,
        note: row.try_get("note")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}

/// Adds a policy as the next version (the primary key refuses a race).
pub async fn insert_policy(tx: &mut Tx, p: &PolicyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO cooperation_policies (version, policy, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.version)
    .bind(&p.policy)
    .bind(&p.note)
    .bind(p.created_at)
    .bind(&p.created_by)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_as(e, format!("policy version {}", p.version)))?;
    Ok(())
}

pub async fn policies(conn: &mut Conn) -> Result<Vec<PolicyRow>> {
    let rows = sqlx::query(
        "SELECT version, policy, note, created_at, created_by FROM cooperation_policies ORDER BY version DESC",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(policy_of).collect()
}

pub async fn policy(conn: &mut Conn, version: i64) -> Result<Option<PolicyRow>> {
    let row = sqlx::query(
        "SELECT version, policy, note, created_at, created_by FROM cooperation_policies WHERE version = $1",
    )
    .bind(version)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(policy_of).transpose()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualValueRow {
    pub id: Uuid,
    pub partner_country: String,
    pub year: i64,
    pub indicator: String,
    /// A decimal number as text (exact as entered).
    pub value: String,
    pub source: String,
    pub created_at: i64,
    pub created_by: String,
}

pub async fn insert_manual_value(tx: &mut Tx, v: &ManualValueRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO cooperation_manual_values (id, partner_country, year, indicator, value, source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(v.id.to_string())
    .bind(&v.partner_country)
    .bind(v.year)
    .bind(&v.indicator)
    .bind(&v.value)
    .bind(&v.source)
    .bind(v.created_at)
    .bind(&v.created_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Values of a year, the latest entry of each (partner, indicator) last.
pub async fn manual_values(conn: &mut Conn, year: i64) -> Result<Vec<ManualValueRow>> {
    let rows = sqlx::query(
        "SELECT id, partner_country, year, indicator, value, source, created_at, created_by FROM cooperation_manual_values WHERE year = $1 ORDER BY partner_country, indicator, created_at, id",
    )
    .bind(year)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            Ok(ManualValueRow {
                id: Uuid::parse_str(&id).map_err(|_| {
                    StoreError::Invalid("bad UUID in cooperation_manual_values".into())
                })?,
                partner_country: row.try_get("partner_country")?,
                year: row.try_get("year")?,
                indicator: row.try_get("indicator")?,
                value: row.try_get("value")?,
                source: row.try_get("source")?,
                created_at: row.try_get("created_at")?,
                created_by: row.try_get("created_by")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialRow {
    pub year: i64,
    pub geo: String,
    pub citizenship: String,
    pub ordered_to_leave: Option<i64>,
    pub returned: Option<i64>,
    pub returned_to_third_country: Option<i64>,
    pub source: String,
}

pub async fn upsert_official(tx: &mut Tx, r: &OfficialRow) -> Result<()> {
    sqlx::query(
        "DELETE FROM official_return_statistics WHERE year = $1 AND geo = $2 AND citizenship = $3",
    )
    .bind(r.year)
    .bind(&r.geo)
    .bind(&r.citizenship)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO official_return_statistics (year, geo, citizenship, ordered_to_leave, returned, returned_to_third_country, source) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.year)
    .bind(&r.geo)
    .bind(&r.citizenship)
    .bind(r.ordered_to_leave)
    .bind(r.returned)
    .bind(r.returned_to_third_country)
    .bind(&r.source)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Official figures of one reporting country (`geo`), every year.
pub async fn official(conn: &mut Conn, geo: &str) -> Result<Vec<OfficialRow>> {
    let rows = sqlx::query(
        "SELECT year, geo, citizenship, ordered_to_leave, returned, returned_to_third_country, source FROM official_return_statistics WHERE geo = $1 ORDER BY citizenship, year",
    )
    .bind(geo)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OfficialRow {
                year: row.try_get("year")?,
                geo: row.try_get("geo")?,
                citizenship: row.try_get("citizenship")?,
                ordered_to_leave: row.try_get("ordered_to_leave")?,
                returned: row.try_get("returned")?,
                returned_to_third_country: row.try_get("returned_to_third_country")?,
                source: row.try_get("source")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaTotalRow {
    pub period: String,
    pub category: String,
    pub subcategory: String,
    pub quota: i64,
    pub source: String,
}

pub async fn upsert_quota_total(tx: &mut Tx, q: &QuotaTotalRow) -> Result<()> {
    sqlx::query(
        "DELETE FROM quota_totals WHERE period = $1 AND category = $2 AND subcategory = $3",
    )
    .bind(&q.period)
    .bind(&q.category)
    .bind(&q.subcategory)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO quota_totals (period, category, subcategory, quota, source) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&q.period)
    .bind(&q.category)
    .bind(&q.subcategory)
    .bind(q.quota)
    .bind(&q.source)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn quota_totals(conn: &mut Conn) -> Result<Vec<QuotaTotalRow>> {
    let rows = sqlx::query(
        "SELECT period, category, subcategory, quota, source FROM quota_totals ORDER BY period, category, subcategory",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(QuotaTotalRow {
                period: row.try_get("period")?,
                category: row.try_get("category")?,
                subcategory: row.try_get("subcategory")?,
                quota: row.try_get("quota")?,
                source: row.try_get("source")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRow {
    pub id: Uuid,
    pub year: i64,
    pub category: String,
    pub seats: i64,
    pub method: String,
    pub policy_version: i64,
    /// JSON: the claims (weights, floors, caps) and the scores behind them.
    pub inputs: String,
    /// JSON: `{"CODE": seats, …}`.
    pub result: String,
    pub published_at: i64,
    pub published_by: String,
}

const ALLOCATION_COLUMNS: &str =
    "id, year, category, seats, method, policy_version, inputs, result, published_at, published_by";

fn allocation_of(row: &AnyRow) -> Result<AllocationRow> {
    let id: String = row.try_get("id")?;
    Ok(AllocationRow {
        id: Uuid::parse_str(&id)
            .map_err(|_| StoreError::Invalid("bad UUID in quota_allocations".into()))?,
        year: row.try_get("year")?,
        category: row.try_get("category")?,
        seats: row.try_get("seats")?,
        method: row.try_get("method")?,
        policy_version: row.try_get("policy_version")?,
        inputs: row.try_get("inputs")?,
        result: row.try_get("result")?,
        published_at: row.try_get("published_at")?,
        published_by: row.try_get("published_by")?,
    })
}

/// Publishes an allocation: written once, never updated.
pub async fn insert_allocation(tx: &mut Tx, a: &AllocationRow) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO quota_allocations ({ALLOCATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(a.id.to_string())
    .bind(a.year)
    .bind(&a.category)
    .bind(a.seats)
    .bind(&a.method)
    .bind(a.policy_version)
    .bind(&a.inputs)
    .bind(&a.result)
    .bind(a.published_at)
    .bind(&a.published_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn allocations(conn: &mut Conn) -> Result<Vec<AllocationRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ALLOCATION_COLUMNS} FROM quota_allocations ORDER BY published_at DESC, id DESC"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(allocation_of).collect()
}

pub async fn allocation(conn: &mut Conn, id: Uuid) -> Result<Option<AllocationRow>> {
    let row = sqlx::query(&format!(
        "SELECT {ALLOCATION_COLUMNS} FROM quota_allocations WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(allocation_of).transpose()
}

// What the platform needs of this module's tables: their export, retention and migrations.

use accordo_store::transfer::Col::{Int, Text};
/// This module's tables, parents before children, for export and import.
pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "cooperation_policies",
        columns: &[
            ("version", Int),
            ("policy", Text),
            ("note", Text),
            ("created_at", Int),
            ("created_by", Text),
        ],
        order_by: "version",
    },
    accordo_store::transfer::TableSpec {
        name: "cooperation_manual_values",
        columns: &[
            ("id", Text),
            ("partner_country", Text),
            ("year", Int),
            ("indicator", Text),
            ("value", Text),
            ("source", Text),
            ("created_at", Int),
            ("created_by", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "official_return_statistics",
        columns: &[
            ("year", Int),
            ("geo", Text),
            ("citizenship", Text),
            ("ordered_to_leave", Int),
            ("returned", Int),
            ("returned_to_third_country", Int),
            ("source", Text),
        ],
        order_by: "year, geo, citizenship",
    },
    accordo_store::transfer::TableSpec {
        name: "quota_totals",
        columns: &[
            ("period", Text),
            ("category", Text),
            ("subcategory", Text),
            ("quota", Int),
            ("source", Text),
        ],
        order_by: "period, category, subcategory",
    },
    accordo_store::transfer::TableSpec {
        name: "quota_allocations",
        columns: &[
            ("id", Text),
            ("year", Int),
            ("category", Text),
            ("seats", Int),
            ("method", Text),
            ("policy_version", Int),
            ("inputs", Text),
            ("result", Text),
            ("published_at", Int),
            ("published_by", Text),
        ],
        order_by: "id",
    },
];

/// This module's migrations (see `accordo_store::migrate` for their versions).
pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[];
