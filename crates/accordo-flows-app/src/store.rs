//! The published series: one row per figure (`flow_counts`).

use accordo_domain::Scope;
use sqlx::Row;
use uuid::Uuid;

use accordo_flows::import::Count;
use accordo_store::transfer::Col::{Int, Text};
use accordo_store::{Conn, Result, StoreError, Tx};

pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 13, "0013_flow_counts"),
    accordo_store::migration!("../migrations", 2026120501, "2026120501_flow_events"),
    accordo_store::migration!("../migrations", 2026120502, "2026120502_flow_subscriptions"),
];

pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
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
    },
    accordo_store::transfer::TableSpec {
        name: "flow_events",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("occurred_on", Text),
            ("kind", Text),
            ("route", Text),
            ("border", Text),
            ("place", Text),
            ("latitude_e6", Int),
            ("longitude_e6", Int),
            ("departure_country", Text),
            ("vessel", Text),
            ("people", Int),
            ("dead", Int),
            ("missing", Int),
            ("created_at", Int),
            ("created_by", Text),
            ("withdrawn_at", Int),
            ("withdrawn_by", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "flow_event_people",
        columns: &[("event_id", Text), ("nationality", Text), ("count", Int)],
        order_by: "event_id, nationality",
    },
    accordo_store::transfer::TableSpec {
        name: "flow_subscriptions",
        columns: &[
            ("user_id", Text),
            ("agency", Text),
            ("series", Text),
            ("created_at", Int),
        ],
        order_by: "user_id, series",
    },
    accordo_store::transfer::TableSpec {
        name: "flow_alerts_sent",
        columns: &[
            ("user_id", Text),
            ("series", Text),
            ("alert", Text),
            ("sent_at", Int),
        ],
        order_by: "user_id, series, alert",
    },
];

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
        let mut sql = format!(
            "INSERT INTO flow_counts (source, freq, period, route, border, nationality, count, basis, imported_at) VALUES {}",
            accordo_store::values(batch.len(), 9)
        );
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

/// A figure's key within a source and frequency: `(period, route, border, nationality)`.
pub type FigureKey = (String, String, String, String);

/// The keys of a source's figures by nationality at `freq` from `from` to `to` (periods of
/// that frequency).
pub async fn nationality_keys_in_span(
    tx: &mut Tx,
    source: &str,
    freq: &str,
    (from, to): (&str, &str),
) -> Result<Vec<FigureKey>> {
    let rows = sqlx::query(
        "SELECT period, route, border, nationality FROM flow_counts
         WHERE source = $1 AND freq = $2 AND period >= $3 AND period <= $4 AND nationality <> ''",
    )
    .bind(source)
    .bind(freq)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("period")?,
                r.try_get("route")?,
                r.try_get("border")?,
                r.try_get("nationality")?,
            ))
        })
        .collect()
}

/// Deletes a source's figures at `freq` by key; returns each one deleted with its count.
pub async fn delete_figures(
    tx: &mut Tx,
    source: &str,
    freq: &str,
    keys: &[FigureKey],
) -> Result<Vec<(FigureKey, i64)>> {
    let mut deleted = Vec::new();
    for key in keys {
        let (period, route, border, nationality) = key;
        let row = sqlx::query(
            "DELETE FROM flow_counts WHERE source = $1 AND freq = $2 AND period = $3 AND route = $4 AND border = $5 AND nationality = $6
             RETURNING count",
        )
        .bind(source)
        .bind(freq)
        .bind(period)
        .bind(route)
        .bind(border)
        .bind(nationality)
        .fetch_optional(tx.conn())
        .await?;
        if let Some(row) = row {
            deleted.push((key.clone(), row.try_get("count")?));
        }
    }
    Ok(deleted)
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

/// A source's `limit` most frequent nationalities over its last `months` monthly periods
/// (every route), most frequent first.
pub async fn top_nationalities(
    conn: &mut Conn,
    source: &str,
    months: i64,
    limit: usize,
) -> Result<Vec<String>> {
    let last: Option<String> = sqlx::query_scalar(
        "SELECT MAX(period) FROM flow_counts WHERE source = $1 AND nationality <> '' AND freq = 'month'",
    )
    .bind(source)
    .fetch_one(&mut *conn)
    .await?;
    let Some(since) = last.and_then(|p| {
        let (y, m) = (
            p.get(..4)?.parse::<i64>().ok()?,
            p.get(5..7)?.parse::<i64>().ok()?,
        );
        let index = y * 12 + (m - 1) - (months - 1);
        Some(format!(
            "{:04}-{:02}",
            index.div_euclid(12),
            index.rem_euclid(12) + 1
        ))
    }) else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT nationality, CAST(SUM(count) AS BIGINT) AS total FROM flow_counts
         WHERE source = $1 AND nationality <> '' AND freq = 'month' AND period >= $2
         GROUP BY nationality ORDER BY total DESC, nationality LIMIT $3",
    )
    .bind(source)
    .bind(since)
    .bind(limit as i64)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("nationality")?)).collect()
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

/// The kind of an event in `record_addressees`.
pub const EVENT_KIND: &str = "flow_event";

/// An event to write (checked).
pub struct NewEvent<'a> {
    pub id: Uuid,
    pub owner_agency: &'a str,
    pub handling: &'a str,
    pub event: &'a accordo_flows::event::Event,
    pub created_by: &'a str,
    pub addressees: &'a [(String, String)],
}

pub async fn insert_event(tx: &mut Tx, n: &NewEvent<'_>, now_us: i64) -> Result<()> {
    let e = n.event;
    let id = n.id.to_string();
    sqlx::query(
        "INSERT INTO flow_events (id, owner_agency, handling, occurred_on, kind, route, border, place, latitude_e6, longitude_e6, departure_country, vessel, people, dead, missing, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(n.owner_agency)
    .bind(n.handling)
    .bind(e.date.to_string())
    .bind(e.kind.as_str())
    .bind(e.route)
    .bind(e.border.as_str())
    .bind(&e.place)
    .bind(e.latitude_e6)
    .bind(e.longitude_e6)
    .bind(e.departure_country.as_ref().map_or("", |c| c.as_str()))
    .bind(e.vessel.map_or("", |v| v.as_str()))
    .bind(e.people)
    .bind(e.dead)
    .bind(e.missing)
    .bind(now_us)
    .bind(n.created_by)
    .execute(tx.conn())
    .await?;
    for (nationality, count) in &e.nationalities {
        sqlx::query(
            "INSERT INTO flow_event_people (event_id, nationality, count) VALUES ($1, $2, $3)",
        )
        .bind(&id)
        .bind(nationality)
        .bind(*count)
        .execute(tx.conn())
        .await?;
    }
    accordo_store::scope::insert_addressees(tx, EVENT_KIND, &id, n.addressees).await
}

/// An event as stored.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub handling: String,
    pub occurred_on: String,
    pub kind: String,
    pub route: String,
    pub border: String,
    pub place: String,
    pub latitude_e6: i64,
    pub longitude_e6: i64,
    pub departure_country: String,
    pub vessel: String,
    pub people: i64,
    pub dead: i64,
    pub missing: i64,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
}

const EVENT_COLUMNS: &str = "e.id, e.owner_agency, e.handling, e.occurred_on, e.kind, e.route, e.border, e.place, e.latitude_e6, e.longitude_e6, e.departure_country, e.vessel, e.people, e.dead, e.missing, e.created_at, e.withdrawn_at";

/// The most events one list reads (the newest that pass its filters).
pub const EVENTS_MAX: i64 = 5000;

/// Which events a list asks for, beyond what the reader may read.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only these events (none when empty).
    pub ids: Option<Vec<Uuid>>,
    /// `YYYY-MM-DD`, both ends included.
    pub from: Option<String>,
    pub to: Option<String>,
    pub route: Option<&'static str>,
    pub kind: Option<&'static str>,
    pub include_withdrawn: bool,
}

/// The SQL condition over `flow_events e` for the events `scope` lets its actor read and
/// `filter` asks for.
fn event_condition(
    scope: &Scope,
    filter: &EventFilter,
    binds: &mut accordo_store::scope::Binds,
) -> String {
    let mut cond = accordo_store::scope::shared_record_filter(scope, "e", binds);
    if let Some(ids) = &filter.ids {
        let listed: Vec<String> = ids.iter().map(|id| binds.text(&id.to_string())).collect();
        if listed.is_empty() {
            cond.push_str(" AND 1 = 0");
        } else {
            cond.push_str(&format!(" AND e.id IN ({})", listed.join(", ")));
        }
    }
    if let Some(from) = &filter.from {
        cond.push_str(&format!(" AND e.occurred_on >= {}", binds.text(from)));
    }
    if let Some(to) = &filter.to {
        cond.push_str(&format!(" AND e.occurred_on <= {}", binds.text(to)));
    }
    if let Some(route) = filter.route {
        cond.push_str(&format!(" AND e.route = {}", binds.text(route)));
    }
    if let Some(kind) = filter.kind {
        cond.push_str(&format!(" AND e.kind = {}", binds.text(kind)));
    }
    if !filter.include_withdrawn {
        cond.push_str(" AND e.withdrawn_at IS NULL");
    }
    cond
}

/// The events the scope lets its actor read that the filter asks for, newest first (at most
/// [`EVENTS_MAX`]), each with its people by nationality (largest first) and its addressees
/// (`kind:value`): three queries, whatever their number.
pub async fn visible_events(
    conn: &mut Conn,
    scope: &Scope,
    filter: &EventFilter,
) -> Result<Vec<(EventRow, Vec<(String, i64)>, Vec<String>)>> {
    let mut binds = accordo_store::scope::Binds::default();
    let cond = event_condition(scope, filter, &mut binds);
    let chosen = format!(
        "SELECT e.id FROM flow_events e WHERE {cond} ORDER BY e.occurred_on DESC, e.created_at DESC LIMIT {EVENTS_MAX}"
    );
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM flow_events e WHERE {cond} ORDER BY e.occurred_on DESC, e.created_at DESC LIMIT {EVENTS_MAX}"
    );
    let rows = binds
        .clone()
        .bind_all(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let mut events: Vec<EventRow> = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        events.push(EventRow {
            id: Uuid::parse_str(&id)
                .map_err(|_| StoreError::Invalid("bad UUID in flow_events".into()))?,
            owner_agency: r.try_get("owner_agency")?,
            handling: r.try_get("handling")?,
            occurred_on: r.try_get("occurred_on")?,
            kind: r.try_get("kind")?,
            route: r.try_get("route")?,
            border: r.try_get("border")?,
            place: r.try_get("place")?,
            latitude_e6: r.try_get("latitude_e6")?,
            longitude_e6: r.try_get("longitude_e6")?,
            departure_country: r.try_get("departure_country")?,
            vessel: r.try_get("vessel")?,
            people: r.try_get("people")?,
            dead: r.try_get("dead")?,
            missing: r.try_get("missing")?,
            created_at: r.try_get("created_at")?,
            withdrawn_at: r.try_get("withdrawn_at")?,
        });
    }
    let mut people: std::collections::HashMap<String, Vec<(String, i64)>> = Default::default();
    let people_sql = format!(
        "SELECT p.event_id, p.nationality, p.count FROM flow_event_people p
         WHERE p.event_id IN ({chosen}) ORDER BY p.event_id, p.count DESC, p.nationality"
    );
    for r in binds
        .clone()
        .bind_all(sqlx::query(&people_sql))
        .fetch_all(&mut *conn)
        .await?
    {
        people
            .entry(r.try_get("event_id")?)
            .or_default()
            .push((r.try_get("nationality")?, r.try_get("count")?));
    }
    let mut addressed: std::collections::HashMap<String, Vec<String>> = Default::default();
    let addressed_sql = format!(
        "SELECT x.record_id, x.addressee_type, x.addressee FROM record_addressees x
         WHERE x.kind = '{EVENT_KIND}' AND x.record_id IN ({chosen})
         ORDER BY x.record_id, x.addressee_type, x.addressee"
    );
    for r in binds
        .bind_all(sqlx::query(&addressed_sql))
        .fetch_all(&mut *conn)
        .await?
    {
        addressed
            .entry(r.try_get("record_id")?)
            .or_default()
            .push(format!(
                "{}:{}",
                r.try_get::<String, _>("addressee_type")?,
                r.try_get::<String, _>("addressee")?
            ));
    }
    Ok(events
        .into_iter()
        .map(|e| {
            let id = e.id.to_string();
            let p = people.remove(&id).unwrap_or_default();
            let a = addressed.remove(&id).unwrap_or_default();
            (e, p, a)
        })
        .collect())
}

/// An event's owner and whether it was withdrawn.
pub async fn event_owner(conn: &mut Conn, id: Uuid) -> Result<Option<(String, bool)>> {
    let row = sqlx::query("SELECT owner_agency, withdrawn_at FROM flow_events WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        Ok((
            r.try_get("owner_agency")?,
            r.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
        ))
    })
    .transpose()
}

/// Withdraws a live event; whether it was live (a concurrent withdrawal finds it was not).
pub async fn withdraw_event(tx: &mut Tx, id: Uuid, by: &str, now_us: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE flow_events SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now_us)
    .bind(by)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected()
        == 1)
}

/// Which events a statistic counts for its reader: CLEAR and GREEN ones for every reader of
/// the statistics (TLP lets them go to the whole community), and those further shared with
/// the reader when it may read events (`scope`); every live event for the operator's
/// administrators. A SQL condition over `flow_events e`.
fn counted(scope: Option<&Scope>, binds: &mut accordo_store::scope::Binds) -> String {
    let shared = scope.map(|s| accordo_store::scope::shared_record_filter(s, "e", binds));
    match shared {
        Some(cond) => {
            format!("e.withdrawn_at IS NULL AND (e.handling IN ('CLEAR', 'GREEN') OR {cond})")
        }
        None => "e.withdrawn_at IS NULL AND e.handling IN ('CLEAR', 'GREEN')".to_owned(),
    }
}

/// The people of the live events the reader may count, by day (`YYYY-MM-DD`, count), of a
/// route (or all, `''`) and a nationality (or all of them, `''`): the source `PLATFORM`.
pub async fn events_by_day(
    conn: &mut Conn,
    scope: Option<&Scope>,
    route: &str,
    nationality: &str,
) -> Result<Vec<(String, i64)>> {
    let mut binds = accordo_store::scope::Binds::default();
    let cond = counted(scope, &mut binds);
    let route = binds.text(route);
    let sql = if nationality.is_empty() {
        format!(
            "SELECT e.occurred_on AS day, CAST(SUM(e.people) AS BIGINT) AS total FROM flow_events e
             WHERE {cond} AND ({route} = '' OR e.route = {route})
             GROUP BY e.occurred_on ORDER BY e.occurred_on"
        )
    } else {
        let nationality = binds.text(nationality);
        format!(
            "SELECT e.occurred_on AS day, CAST(SUM(p.count) AS BIGINT) AS total FROM flow_events e
             JOIN flow_event_people p ON p.event_id = e.id
             WHERE {cond} AND ({route} = '' OR e.route = {route}) AND p.nationality = {nationality}
             GROUP BY e.occurred_on ORDER BY e.occurred_on"
        )
    };
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("day")?, r.try_get("total")?)))
        .collect()
}

/// The people of the live events the reader may count by nationality within `year` (`YYYY`),
/// of a route or all. People whose nationality is not known are counted as `OOO` (not
/// specified).
pub async fn events_by_nationality(
    conn: &mut Conn,
    scope: Option<&Scope>,
    route: &str,
    year: &str,
) -> Result<Vec<(String, i64)>> {
    let mut binds = accordo_store::scope::Binds::default();
    let cond = counted(scope, &mut binds);
    let (route, year) = (binds.text(route), binds.text(year));
    let within = format!(
        "{cond} AND ({route} = '' OR e.route = {route}) AND substr(e.occurred_on, 1, 4) = {year}"
    );
    let named_sql = format!(
        "SELECT p.nationality AS nationality, CAST(SUM(p.count) AS BIGINT) AS total FROM flow_events e
         JOIN flow_event_people p ON p.event_id = e.id WHERE {within} GROUP BY p.nationality"
    );
    let mut out: Vec<(String, i64)> = binds
        .clone()
        .bind_all(sqlx::query(&named_sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("nationality")?, r.try_get("total")?)))
        .collect::<Result<_>>()?;
    let people_sql = format!(
        "SELECT CAST(COALESCE(SUM(e.people), 0) AS BIGINT) AS total FROM flow_events e WHERE {within}"
    );
    let people: i64 = binds
        .bind_all(sqlx::query(&people_sql))
        .fetch_one(&mut *conn)
        .await?
        .try_get("total")?;
    let named: i64 = out.iter().map(|(_, n)| n).sum();
    if people > named {
        match out.iter_mut().find(|(n, _)| n == "OOO") {
            Some(unknown) => unknown.1 += people - named,
            None => out.push(("OOO".to_owned(), people - named)),
        }
    }
    Ok(out)
}

/// How many events are recorded, withdrawn or not.
pub async fn event_count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM flow_events")
        .fetch_one(conn)
        .await?)
}

/// What tells that the figures changed: the latest import that wrote one (µs; 0 when none is
/// held) and how many there are (an import that only removes figures writes none).
pub async fn figures_stamp(conn: &mut Conn) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(MAX(imported_at), 0) AS BIGINT) AS at, COUNT(*) AS n FROM flow_counts",
    )
    .fetch_one(conn)
    .await?;
    Ok((row.try_get("at")?, row.try_get("n")?))
}

/// The series a user follows, by name.
pub async fn subscriptions(conn: &mut Conn, user_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT series FROM flow_subscriptions WHERE user_id = $1 ORDER BY series",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Every subscription: `(user_id, agency, series)`.
pub async fn all_subscriptions(conn: &mut Conn) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT user_id, agency, series FROM flow_subscriptions ORDER BY series, user_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("user_id")?,
                r.try_get("agency")?,
                r.try_get("series")?,
            ))
        })
        .collect()
}

/// Makes `series` the user's subscriptions (those it had and no longer names end).
pub async fn set_subscriptions(
    tx: &mut Tx,
    user_id: &str,
    agency: &str,
    series: &[String],
    now_us: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM flow_subscriptions WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    for s in series {
        sqlx::query(
            "INSERT INTO flow_subscriptions (user_id, agency, series, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(agency)
        .bind(s)
        .bind(now_us)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Adds one series to a user's subscriptions (nothing when it is there already).
pub async fn add_subscription(
    tx: &mut Tx,
    user_id: &str,
    agency: &str,
    series: &str,
    now_us: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO flow_subscriptions (user_id, agency, series, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, series) DO NOTHING",
    )
    .bind(user_id)
    .bind(agency)
    .bind(series)
    .bind(now_us)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes one series from a user's subscriptions.
pub async fn remove_subscription(tx: &mut Tx, user_id: &str, series: &str) -> Result<()> {
    sqlx::query("DELETE FROM flow_subscriptions WHERE user_id = $1 AND series = $2")
        .bind(user_id)
        .bind(series)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records that `user_id` was told of (or saw) `alert` on `series`: `false` when it already was.
pub async fn mark_alert_sent(
    tx: &mut Tx,
    user_id: &str,
    series: &str,
    alert: &str,
    now_us: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO flow_alerts_sent (user_id, series, alert, sent_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, series, alert) DO NOTHING",
    )
    .bind(user_id)
    .bind(series)
    .bind(alert)
    .bind(now_us)
    .execute(tx.conn())
    .await?
    .rows_affected()
        == 1)
}
