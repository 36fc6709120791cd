//! The real public series the demo starts with, copied into `data/` with their provenance
//! (each folder's PROVENANCE.md): Italy's sea arrivals by month and year and by declared
//! nationality (Interior Ministry), and Frontex's detections by route, month and
//! nationality.

use accordo_domain::{Actor, AgencyCode, CountryCode, Role, RoleSet};
use accordo_flows::event::EventInput;
use accordo_flows::vocab::Source;
use accordo_service::{Ctx, Platform, Result, ServiceError};

use crate::service;

/// The files, in the order they are imported: `(source, name, bytes)`.
pub const FILES: &[(Source, &str, &[u8])] = &[
    (
        Source::Ita,
        "italy-sea-arrivals/yearly.csv",
        include_bytes!("../data/italy-sea-arrivals/yearly.csv"),
    ),
    (
        Source::Ita,
        "italy-sea-arrivals/monthly.csv",
        include_bytes!("../data/italy-sea-arrivals/monthly.csv"),
    ),
    (
        Source::Ita,
        "italy-arrivals-by-nationality/year_end_by_nationality.csv",
        include_bytes!("../data/italy-arrivals-by-nationality/year_end_by_nationality.csv"),
    ),
    (
        Source::Frontex,
        "frontex-detections/by_route_month.csv",
        include_bytes!("../data/frontex-detections/by_route_month.csv"),
    ),
];

/// Frontex's detections by nationality (34,273 figures): imported by `serve --demo` once it
/// is ready, in the background, rather than with every demo (and every test's).
pub const LATER: (Source, &str, &[u8]) = (
    Source::Frontex,
    "frontex-detections/by_route_nationality_month.csv",
    include_bytes!("../data/frontex-detections/by_route_nationality_month.csv"),
);

/// Imports the files the demo starts with (once: a file already imported changes nothing).
pub async fn seed(platform: &Platform) -> Result<()> {
    let ctx = accordo_service::demo::command_line_ctx();
    for (source, _, bytes) in FILES {
        service::import(platform, &ctx, *source, bytes, &|_, _| {}).await?;
    }
    seed_events(platform).await?;
    seed_subscriptions(platform).await
}

/// The demo's analyst at the Interior Ministry follows the Central Mediterranean and Italy's
/// arrivals: the first forecasts notify their warnings, and the home page lists them.
async fn seed_subscriptions(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let analyst = accordo_store::accounts::find_user_by_username(&mut conn, "ita.analyst").await?;
    drop(conn);
    let Some(analyst) = analyst else {
        return Ok(());
    };
    let series = [
        "FRONTEX/Central Mediterranean".to_owned(),
        "ITA/total".to_owned(),
    ];
    let mut tx = platform.store.write().await?;
    crate::store::set_subscriptions(
        &mut tx,
        &analyst.id.to_string(),
        &analyst.agency,
        &series,
        platform.now_us(),
    )
    .await?;
    let audited = accordo_service::audit::record_system(
        platform,
        &mut tx,
        "accordo",
        "flows.subscriptions.set",
        "flow_subscription",
        None,
        None,
        serde_json::json!({"series": series, "user": analyst.username, "demo": true}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// The demo's events (`data/demo-events.psv`): synthetic, real places with invented figures.
pub const EVENTS: &str = include_str!("../data/demo-events.psv");

/// Records [`EVENTS`] for their agencies, dated back from today: once (a demo already seeded
/// has them).
async fn seed_events(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let any = crate::store::event_count(&mut conn).await?;
    drop(conn);
    if any > 0 {
        return Ok(());
    }
    let today = platform
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    for (n, line) in EVENTS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| {
            ServiceError::invalid(
                "demo data",
                format!("data/demo-events.psv, line {}: {what}", n + 1),
            )
        };
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        let [
            days,
            agency,
            kind,
            route,
            border,
            place,
            lat,
            lon,
            departure,
            vessel,
            people,
            dead,
            missing,
            by,
            handling,
            to,
        ] = f[..]
        else {
            return Err(bad("expected 16 fields"));
        };
        let int = |t: &str| t.parse::<i64>().map_err(|_| bad(t));
        let deg = |t: &str| t.parse::<f64>().map_err(|_| bad(t));
        let code = AgencyCode::parse(agency).map_err(|_| bad(agency))?;
        let country = match &agency[..2] {
            "IT" => "ITA",
            "ES" => "ESP",
            "GR" => "GRC",
            "TR" => "TUR",
            "TN" => "TUN",
            _ => return Err(bad(agency)),
        };
        let ctx = Ctx {
            actor: Actor {
                user_id: uuid::Uuid::nil(),
                username: "system.demo_seed".into(),
                agency: code,
                country: CountryCode::parse(country).ok(),
                roles: [Role::Officer].into_iter().collect::<RoleSet>(),
                operator: false,
                host_state: country == "ITA",
                mandate: Vec::new(),
            },
            request_id: None,
        };
        let date = today
            .checked_sub(jiff::Span::new().days(int(days)?))
            .map_err(|e| bad(&e.to_string()))?;
        let mut nationalities = Vec::new();
        for pair in by.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (code, count) = pair.split_once(' ').ok_or_else(|| bad(pair))?;
            nationalities.push((code.to_owned(), int(count)?));
        }
        let input = EventInput {
            date: date.to_string(),
            kind: kind.into(),
            route: route.into(),
            border: border.into(),
            place: place.into(),
            latitude: deg(lat)?,
            longitude: deg(lon)?,
            departure_country: departure.into(),
            vessel: vessel.into(),
            people: int(people)?,
            dead: int(dead)?,
            missing: int(missing)?,
            nationalities,
        };
        let to: Vec<String> = to.split_whitespace().map(str::to_owned).collect();
        service::events::record(platform, &ctx, &input, handling, &to).await?;
    }
    Ok(())
}

/// On a demo installation, imports [`LATER`] (again changes nothing).
pub async fn import_later(platform: &Platform) -> Result<()> {
    if !accordo_service::demo::is_demo(platform).await? {
        return Ok(());
    }
    let (source, name, bytes) = LATER;
    let ctx = accordo_service::demo::command_line_ctx();
    let done = service::import(platform, &ctx, source, bytes, &|_, _| {}).await?;
    tracing::info!(
        file = name,
        figures = done.rows,
        changed = done.changed,
        "demo flows imported"
    );
    Ok(())
}
