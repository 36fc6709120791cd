//! Importing the published series and reading their statistics.

use std::collections::BTreeMap;

use accordo_domain::access::{Action, Resource};
use accordo_domain::can;
use accordo_flows::import::{self, FileKind};
use accordo_flows::period::{Freq, Period};
use accordo_flows::stats::{self, Point, Total, YearToDate};
use accordo_flows::vocab::{self, Source};
use serde::Serialize;
use serde_json::json;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit};

use crate::{policy, store};

pub mod events;
pub mod forecasts;
pub mod subscriptions;

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    #[schema(value_type = String)]
    pub kind: FileKind,
    pub source: String,
    /// Figures in the file.
    pub rows: usize,
    /// Figures added or changed (none when the same file is imported again).
    pub changed: u64,
    /// Rows left out because they restate others (a year summed from its own months).
    pub restated: usize,
    /// Figures held from an earlier edition, within the file's span, that this one no longer
    /// has (revised away): removed with the import.
    pub removed: u64,
}

/// Imports a published file of `source`, whole or not at all: one bad row refuses it, naming
/// its line, column and reason; one transaction writes every figure and the audit entry.
/// `progress(done, of)` is told after each batch.
pub async fn import(
    platform: &Platform,
    ctx: &Ctx,
    source: Source,
    bytes: &[u8],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Imported> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::FLOW_STATISTIC),
    )?;
    if source == Source::Platform {
        return Err(ServiceError::invalid(
            "source",
            "the platform's own events are recorded on it, not imported",
        ));
    }
    let parsed = import::parse(bytes, source).map_err(|e| {
        ServiceError::refused_value(
            "file",
            "import-row",
            vec![
                ("line", e.line.to_string()),
                ("column", e.column.clone()),
                ("reason", e.reason.clone()),
            ],
            e.to_string(),
        )
    })?;
    let total = parsed.counts.len() as u64;
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let mut changed = 0;
    let mut done = 0;
    for batch in parsed.counts.chunks(store::BATCH * 10) {
        changed += store::upsert(&mut tx, batch, now).await?;
        done += batch.len() as u64;
        progress(done, total);
    }
    let dropped = remove_dropped(&mut tx, source, &parsed.counts).await?;
    let removed = dropped.len() as u64;
    // What was removed, so that it can be traced and restored (the first thousand).
    let removed_figures: Vec<serde_json::Value> = dropped
        .iter()
        .take(1000)
        .map(|((period, route, border, nationality), count)| {
            json!({"period": period, "route": route, "border": border, "nationality": nationality, "count": count})
        })
        .collect();
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "flow_statistic.import",
        policy::FLOW_STATISTIC.kind,
        None,
        json!({"source": source.as_str(), "kind": parsed.kind.as_str(), "rows": total, "changed": changed, "removed": removed, "removed_figures": removed_figures}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(Imported {
        kind: parsed.kind,
        source: source.as_str().to_owned(),
        rows: parsed.counts.len(),
        changed,
        restated: parsed.restated,
        removed,
    })
}

/// A file speaks for each cell it gives: a period, route and border's total, or its
/// nationalities (Frontex leaves out a nationality with no detection). A nationality held
/// from an earlier edition in a cell the file gives, that the file no longer has, was revised
/// to nothing, and is removed in the import's transaction; the removed figures are returned
/// (key and count) for the audit entry. Cells the file does not give stay as they were: a
/// partial file changes only what it covers. (A route's monthly total that a later edition
/// leaves out stays: the file cannot say whether it fell to zero or was left out.)
async fn remove_dropped(
    tx: &mut accordo_store::Tx,
    source: Source,
    counts: &[import::Count],
) -> Result<Vec<(store::FigureKey, i64)>> {
    let rows: Vec<&import::Count> = counts.iter().filter(|c| c.nationality.is_some()).collect();
    let (Some(first), Some(last)) = (
        rows.iter().map(|c| c.period).min(),
        rows.iter().map(|c| c.period).max(),
    ) else {
        return Ok(Vec::new());
    };
    let key = |c: &import::Count| -> store::FigureKey {
        (
            c.period.to_string(),
            c.route.unwrap_or("").to_owned(),
            c.border.map_or("", |b| b.as_str()).to_owned(),
            c.nationality.clone().unwrap_or_default(),
        )
    };
    let in_file: std::collections::HashSet<store::FigureKey> =
        rows.iter().map(|c| key(c)).collect();
    let cells: std::collections::HashSet<(&str, &str, &str)> = in_file
        .iter()
        .map(|(p, r, b, _)| (p.as_str(), r.as_str(), b.as_str()))
        .collect();
    // A file has one frequency.
    let freq = first.freq().as_str();
    let held = store::nationality_keys_in_span(
        tx,
        source.as_str(),
        freq,
        (&first.to_string(), &last.to_string()),
    )
    .await?;
    let gone: Vec<store::FigureKey> = held
        .into_iter()
        .filter(|k| {
            cells.contains(&(k.0.as_str(), k.1.as_str(), k.2.as_str())) && !in_file.contains(k)
        })
        .collect();
    Ok(store::delete_figures(tx, source.as_str(), freq, &gone).await?)
}

/// Which series: a source, a route (or every route), a nationality (or the totals).
#[derive(Debug, Clone)]
pub struct SeriesQuery {
    pub source: Source,
    pub route: Option<&'static str>,
    pub nationality: Option<String>,
}

/// Whether the caller may read the statistics (asked first, before what is asked is read).
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::FLOW_STATISTIC),
    )?;
    Ok(())
}

/// The events the reader may count beyond CLEAR and GREEN ones: those its scope of
/// `FLOW_EVENT` reads (none for a reader of the statistics who reads no events).
fn event_scope(ctx: &Ctx) -> Option<accordo_domain::Scope> {
    accordo_domain::scope(&ctx.actor, Action::Read, &policy::FLOW_EVENT).ok()
}

async fn points(platform: &Platform, ctx: &Ctx, q: &SeriesQuery) -> Result<Vec<Point>> {
    let mut conn = platform.store.read().await?;
    let (route, nationality) = (
        q.route.unwrap_or(""),
        q.nationality.as_deref().unwrap_or(""),
    );
    let rows: Vec<(String, i64)> = if q.source == Source::Platform {
        store::events_by_day(&mut conn, event_scope(ctx).as_ref(), route, nationality).await?
    } else {
        store::series(&mut conn, q.source.as_str(), route, nationality)
            .await?
            .into_iter()
            .map(|(_, period, count)| (period, count))
            .collect()
    };
    rows.into_iter()
        .map(|(period, count)| {
            let period = Period::parse(&period)
                .map_err(|e| ServiceError::invalid("period", format!("stored period: {e}")))?;
            Ok(Point { period, count })
        })
        .collect()
}

/// A source's totals at `freq` over its figures: the published series with their basis, or
/// the platform's events summed by day into periods.
fn totals_of(source: Source, points: &[Point], freq: Freq) -> Vec<Total> {
    if source == Source::Platform {
        stats::recorded(points, freq)
    } else {
        stats::totals(points, freq)
    }
}

/// The monthly figures of a series, for year to date.
fn by_month(source: Source, points: &[Point]) -> Vec<Point> {
    if source == Source::Platform {
        // A month without an event counted none: zeros from the first month to the last.
        let months: BTreeMap<Period, i64> = stats::recorded(points, Freq::Month)
            .into_iter()
            .map(|t| (t.period, t.count))
            .collect();
        match (months.first_key_value(), months.last_key_value()) {
            (Some((first, _)), Some((last, _))) => stats::dense(&months, *first, *last),
            _ => Vec::new(),
        }
    } else {
        points.to_vec()
    }
}

/// A series' totals by month or year, oldest first, each with its basis.
pub async fn totals(
    platform: &Platform,
    ctx: &Ctx,
    q: &SeriesQuery,
    freq: Freq,
) -> Result<Vec<Total>> {
    may_read(ctx)?;
    Ok(totals_of(q.source, &points(platform, ctx, q).await?, freq))
}

/// One route's figures over two years, for the routes table.
#[derive(Debug, Clone, Serialize)]
pub struct RouteYear {
    pub route: &'static str,
    pub key: String,
    pub previous: i64,
    pub latest: i64,
    pub change_percent: Option<f64>,
}

/// A nationality's share of a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub nationality: String,
    pub count: i64,
    pub percent: Option<f64>,
}

/// What the statistics page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Italy's sea arrivals by year, with their basis.
    pub italy_years: Vec<Total>,
    /// The last three complete years of Italy's series, each with its change from the year
    /// before (the first's from the year before it, when known).
    pub italy_latest: Vec<(Total, Option<f64>)>,
    pub italy_ytd: Option<YearToDate>,
    /// Italy's arrivals by declared nationality in its latest year with them.
    pub italy_nationalities_year: Option<i16>,
    pub italy_nationalities: Vec<Share>,
    /// Frontex's detections per route: the last two complete years.
    pub frontex_years: Option<(i16, i16)>,
    pub frontex_routes: Vec<RouteYear>,
    pub frontex_ytd: Option<YearToDate>,
    /// The people of the platform's events by month, the last twelve months with any.
    pub platform_months: Vec<Total>,
}

/// The statistics page's figures.
pub async fn overview(platform: &Platform, ctx: &Ctx) -> Result<Overview> {
    may_read(ctx)?;
    let italy = SeriesQuery {
        source: Source::Ita,
        route: None,
        nationality: None,
    };
    let italy_points = points(platform, ctx, &italy).await?;
    let italy_years = stats::totals(&italy_points, Freq::Year);
    // A complete year: an official total, or twelve months.
    let complete: Vec<&Total> = italy_years
        .iter()
        .filter(|t| t.basis == stats::Basis::Published || t.months == Some(12))
        .collect();
    let italy_latest: Vec<(Total, Option<f64>)> = complete
        .iter()
        .enumerate()
        .skip(complete.len().saturating_sub(3))
        .map(|(i, t)| {
            let before = i.checked_sub(1).map(|j| complete[j].count);
            (
                (*t).clone(),
                before.and_then(|b| stats::change_percent(b, t.count)),
            )
        })
        .collect();
    let mut conn = platform.store.read().await?;
    let (italy_nationalities_year, italy_nationalities) = match italy_years.last() {
        Some(_) => {
            let years: Vec<i16> = italy_years.iter().rev().map(|t| t.period.year()).collect();
            latest_shares(&mut conn, ctx, Source::Ita, None, &years).await?
        }
        None => (None, Vec::new()),
    };
    let routes = store::routes_by_year(&mut conn, "FRONTEX").await?;
    drop(conn);
    // The last two years with twelve months on every route that has them.
    let mut full_years: Vec<i16> = routes
        .iter()
        .filter(|r| r.3 == 12)
        .filter_map(|r| r.1.parse().ok())
        .collect();
    full_years.sort_unstable();
    full_years.dedup();
    let frontex_years = match full_years.as_slice() {
        [.., a, b] => Some((*a, *b)),
        _ => None,
    };
    let frontex_routes = frontex_years
        .map(|(a, b)| {
            vocab::ROUTES
                .iter()
                .map(|route| {
                    // Frontex leaves out the months without a detection: in a year the
                    // file covers, a route without a figure had none.
                    let of = |y: i16| {
                        routes
                            .iter()
                            .find(|r| r.0 == *route && r.1 == y.to_string())
                            .map_or(0, |r| r.2)
                    };
                    let (previous, latest) = (of(a), of(b));
                    RouteYear {
                        route,
                        key: vocab::route_key(route),
                        previous,
                        latest,
                        change_percent: stats::change_percent(previous, latest),
                    }
                })
                .filter(|r| r.previous > 0 || r.latest > 0)
                .collect()
        })
        .unwrap_or_default();
    let frontex = points(
        platform,
        ctx,
        &SeriesQuery {
            source: Source::Frontex,
            route: None,
            nationality: None,
        },
    )
    .await?;
    let platform_days = points(
        platform,
        ctx,
        &SeriesQuery {
            source: Source::Platform,
            route: None,
            nationality: None,
        },
    )
    .await?;
    let mut platform_months = totals_of(Source::Platform, &platform_days, Freq::Month);
    platform_months.drain(..platform_months.len().saturating_sub(12));
    Ok(Overview {
        platform_months,
        italy_ytd: stats::year_to_date(&italy_points),
        italy_years,
        italy_latest,
        italy_nationalities_year,
        italy_nationalities,
        frontex_years,
        frontex_routes,
        frontex_ytd: stats::year_to_date(&frontex),
    })
}

/// The largest nationalities of the first of `years` (latest first) that has a breakdown,
/// with the rest as "other nationalities": `(year, shares)`.
async fn latest_shares(
    conn: &mut accordo_store::Conn,
    ctx: &Ctx,
    source: Source,
    route: Option<&str>,
    years: &[i16],
) -> Result<(Option<i16>, Vec<Share>)> {
    for year in years {
        let shares = if source == Source::Platform {
            store::events_by_nationality(
                conn,
                event_scope(ctx).as_ref(),
                route.unwrap_or(""),
                &year.to_string(),
            )
            .await?
        } else {
            store::by_nationality(
                conn,
                source.as_str(),
                route.unwrap_or(""),
                &year.to_string(),
            )
            .await?
        };
        if shares.is_empty() {
            continue;
        }
        let total: i64 = shares.iter().map(|s| s.1).sum();
        let named: BTreeMap<String, i64> = shares
            .into_iter()
            .filter(|(n, _)| n != vocab::OTHERS)
            .collect();
        let mut top: Vec<Share> = stats::top(&named, total, 10)
            .into_iter()
            .map(|(nationality, count, percent)| Share {
                nationality,
                count,
                percent,
            })
            .collect();
        let others = total - top.iter().map(|s| s.count).sum::<i64>();
        if others > 0 {
            top.push(Share {
                nationality: vocab::OTHERS.to_owned(),
                count: others,
                percent: (total > 0)
                    .then(|| (others as f64 * 1000.0 / total as f64).round() / 10.0),
            });
        }
        return Ok((Some(*year), top));
    }
    Ok((None, Vec::new()))
}

/// One route of a source: its figures by month and by year, year to date, and the largest
/// nationalities of its latest year with a breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct RouteView {
    pub route: &'static str,
    pub key: String,
    pub months: Vec<Total>,
    pub years: Vec<Total>,
    pub ytd: Option<YearToDate>,
    pub nationalities_year: Option<i16>,
    pub nationalities: Vec<Share>,
}

/// A route's statistics (Frontex's detections).
pub async fn route_view(platform: &Platform, ctx: &Ctx, route: &'static str) -> Result<RouteView> {
    may_read(ctx)?;
    let q = SeriesQuery {
        source: Source::Frontex,
        route: Some(route),
        nationality: None,
    };
    // Frontex leaves out the months without a detection: within the file's span (its first
    // month to its last, over every route), a route's missing month is a zero.
    let every = points(
        platform,
        ctx,
        &SeriesQuery {
            source: Source::Frontex,
            route: None,
            nationality: None,
        },
    )
    .await?;
    let months_of = |ps: &[Point]| -> Vec<Period> {
        ps.iter()
            .map(|p| p.period)
            .filter(|p| p.freq() == Freq::Month)
            .collect()
    };
    let span = months_of(&every);
    let published = {
        let own: BTreeMap<Period, i64> = points(platform, ctx, &q)
            .await?
            .into_iter()
            .map(|p| (p.period, p.count))
            .collect();
        match (span.first(), span.last()) {
            (Some(first), Some(last)) => stats::dense(&own, *first, *last),
            _ => own
                .into_iter()
                .map(|(period, count)| Point { period, count })
                .collect(),
        }
    };
    let years = stats::totals(&published, Freq::Year);
    // The nationalities of the latest complete year (a partial one only when none is).
    let complete = |t: &&Total| t.months == Some(12);
    let order: Vec<i16> = years
        .iter()
        .rev()
        .filter(complete)
        .chain(years.iter().rev().filter(|t| !complete(t)))
        .map(|t| t.period.year())
        .collect();
    let mut conn = platform.store.read().await?;
    let (nationalities_year, nationalities) =
        latest_shares(&mut conn, ctx, Source::Frontex, Some(route), &order).await?;
    Ok(RouteView {
        route,
        key: vocab::route_key(route),
        months: stats::totals(&published, Freq::Month),
        ytd: stats::year_to_date(&published),
        years,
        nationalities_year,
        nationalities,
    })
}

/// A series' breakdown by nationality and its year to date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    /// The year of the breakdown: the one asked for, else the latest complete year with one.
    pub year: Option<i16>,
    /// The largest nationalities, then the others together (`OTH`).
    pub nationalities: Vec<Share>,
    /// The latest year's months so far against the same months of the year before.
    #[schema(value_type = Option<Object>)]
    pub year_to_date: Option<YearToDate>,
}

/// The largest nationalities of a series (a source and a route, or every route) in `year`
/// (else its latest complete year with a breakdown), and its year to date.
pub async fn breakdown(
    platform: &Platform,
    ctx: &Ctx,
    source: Source,
    route: Option<&'static str>,
    year: Option<i16>,
) -> Result<Breakdown> {
    may_read(ctx)?;
    let q = SeriesQuery {
        source,
        route,
        nationality: None,
    };
    let published = points(platform, ctx, &q).await?;
    let years = totals_of(source, &published, Freq::Year);
    let order: Vec<i16> = match year {
        Some(y) => vec![y],
        None => {
            let complete = |t: &&Total| t.months == Some(12) || t.basis == stats::Basis::Published;
            years
                .iter()
                .rev()
                .filter(complete)
                .chain(years.iter().rev().filter(|t| !complete(t)))
                .map(|t| t.period.year())
                .collect()
        }
    };
    let mut conn = platform.store.read().await?;
    let (year, nationalities) = latest_shares(&mut conn, ctx, source, route, &order).await?;
    Ok(Breakdown {
        year,
        nationalities,
        year_to_date: stats::year_to_date(&by_month(source, &published)),
    })
}
