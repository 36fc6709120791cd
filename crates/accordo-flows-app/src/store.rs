//! The published series: one row per figure (`flow_counts`).

use sqlx::Row;

use accordo_flows::import::Count;
use accordo_store::transfer::Col::{Int, Text};
use accordo_store::{Conn, Result, Tx};

pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[accordo_store::migration!(
    "../migrations",
    13,
    "0013_flow_counts"
)];

pub static TABLES: &[accordo_store::transfer::TableSpec] = &[accordo_store::transfer::TableSpec {
    name: "flow_counts",
    columns: &[
        ("source", Text),
        ("freq", Text),
        ("period", Text),
        ("route", Text),
        ("border", Text),
        ("nationality", Text),
        ("count", Int),
        ("basis", Text),
        ("imported_at", Int),
    ],
    order_by: "source, freq, period, route, border, nationality",
}];

/// Figures per statement (9 parameters each). Small: sqlx's SQLite driver looks each `$n` up
/// among the statement's parameters, so a statement's binding costs the square of their
/// number (400 figures a statement took 1.7 s for Frontex's 34,273, 50 take 0.6 s; see
/// bench/flows).
pub const BATCH: usize = 50;

/// Writes figures, replacing those with the same key whose count or basis differ; returns how
/// many rows were added or changed (none, when the same file is imported again).
pub async fn upsert(tx: &mut Tx, counts: &[Count], now_us: i64) -> Result<u64> {
    let mut changed = 0;
    for batch in counts.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO flow_counts (source, freq, period, route, border, nationality, count, basis, imported_at) VALUES ",
        );
        for i in 0..batch.len() {
            let b = i * 9;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        sql.push_str(
            " ON CONFLICT (source, freq, period, route, border, nationality) DO UPDATE
             SET count = excluded.count, basis = excluded.basis, imported_at = excluded.imported_at
             WHERE flow_counts.count <> excluded.count OR flow_counts.basis <> excluded.basis",
        );
        let mut q = sqlx::query(&sql);
        for c in batch {
            q = q
                .bind(c.source.as_str())
                .bind(c.period.freq().as_str())
                .bind(c.period.to_string())
                .bind(c.route.unwrap_or(""))
                .bind(c.border.map_or("", |b| b.as_str()))
                .bind(c.nationality.clone().unwrap_or_default())
                .bind(c.count)
                .bind(&c.basis)
                .bind(now_us);
        }
        changed += q.execute(tx.conn()).await?.rows_affected();
    }
    Ok(changed)
}

/// A series' figures as published: `(freq, period, count)`, summed over routes and sea or
/// land where the filters leave them open. `route` and `nationality` empty mean every route
/// and the totals (not the nationality rows).
pub async fn series(
    conn: &mut Conn,
    source: &str,
    route: &str,
    nationality: &str,
) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT freq, period, CAST(SUM(count) AS BIGINT) AS total FROM flow_counts
         WHERE source = $1 AND nationality = $2 AND ($3 = '' OR route = $3)
         GROUP BY freq, period ORDER BY freq, period",
    )
    .bind(source)
    .bind(nationality)
    .bind(route)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("freq")?,
                r.try_get("period")?,
                r.try_get("total")?,
            ))
        })
        .collect()
}

/// The figures by nationality of a source within a year (`year` a `YYYY` prefix of the
/// periods), summed: `(nationality, count)`.
pub async fn by_nationality(
    conn: &mut Conn,
    source: &str,
    route: &str,
    year: &str,
) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT nationality, CAST(SUM(count) AS BIGINT) AS total FROM flow_counts
         WHERE source = $1 AND nationality <> '' AND ($2 = '' OR route = $2)
           AND substr(period, 1, 4) = $3
         GROUP BY nationality",
    )
    .bind(source)
    .bind(route)
    .bind(year)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("nationality")?, r.try_get("total")?)))
        .collect()
}

/// A source's monthly totals per route and year: `(route, year, count, months)`.
pub async fn routes_by_year(
    conn: &mut Conn,
    source: &str,
) -> Result<Vec<(String, String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT route, substr(period, 1, 4) AS year, CAST(SUM(count) AS BIGINT) AS total, COUNT(DISTINCT period) AS months
         FROM flow_counts WHERE source = $1 AND nationality = '' AND freq = 'month' AND route <> ''
         GROUP BY route, substr(period, 1, 4) ORDER BY route, year",
    )
    .bind(source)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("route")?,
                r.try_get("year")?,
                r.try_get("total")?,
                r.try_get("months")?,
            ))
        })
        .collect()
}
