//! Events at the border recorded on the platform: recorded by an agency's officers and
//! analysts, read under TLP 2.0 by those it shares them with, withdrawn by their agency when
//! recorded in error. Their sums, whatever their TLP, are the series of source `PLATFORM`.

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, Handling, RecordScope, can};
use accordo_flows::event::{self, EventInput};
use accordo_flows::vocab;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications, sharing};

use crate::policy;
use crate::store::{self, EventRow, NewEvent};
pub use crate::store::{EVENTS_MAX, EventFilter};

/// An event as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: Uuid,
    /// The reporting agency.
    pub agency: String,
    /// TLP 2.0.
    pub handling: String,
    /// When it happened (`YYYY-MM-DD`).
    pub date: String,
    /// `landing`, `interception`, `rescue`, `detection` or `prevented_departure`.
    pub kind: String,
    /// Frontex's route.
    pub route: String,
    pub route_key: String,
    /// `sea` or `land`.
    pub border: String,
    pub place: String,
    /// Decimal degrees, north positive.
    pub latitude: f64,
    /// Decimal degrees, east positive.
    pub longitude: f64,
    /// ISO 3166-1 alpha-3, when known.
    pub departure_country: Option<String>,
    /// `rubber`, `wooden`, `metal`, `fibreglass`, `sailing`, `fishing` or `other`, when known.
    pub vessel: Option<String>,
    pub people: i64,
    pub dead: i64,
    pub missing: i64,
    /// People by nationality where known (largest first); the rest are of unknown
    /// nationality.
    #[schema(value_type = Vec<Object>)]
    pub nationalities: Vec<(String, i64)>,
    /// `agency:CODE` or `country:ISO3`.
    pub addressees: Vec<String>,
    pub recorded_at_us: i64,
    pub withdrawn: bool,
    /// When it was withdrawn.
    pub withdrawn_at_us: Option<i64>,
}

fn view(row: EventRow, nationalities: Vec<(String, i64)>, addressees: Vec<String>) -> EventView {
    let text = |s: String| (!s.is_empty()).then_some(s);
    EventView {
        id: row.id,
        agency: row.owner_agency,
        handling: row.handling,
        date: row.occurred_on,
        kind: row.kind,
        route_key: vocab::route_key(&row.route),
        route: row.route,
        border: row.border,
        place: row.place,
        latitude: row.latitude_e6 as f64 / 1e6,
        longitude: row.longitude_e6 as f64 / 1e6,
        departure_country: text(row.departure_country),
        vessel: text(row.vessel),
        people: row.people,
        dead: row.dead,
        missing: row.missing,
        nationalities,
        addressees,
        recorded_at_us: row.created_at,
        withdrawn: row.withdrawn_at.is_some(),
        withdrawn_at_us: row.withdrawn_at,
    }
}

/// Today's date in the time zone of the recording agency (UTC for one the partnership does
/// not have): an event is "in the future" by the calendar of those who record it.
async fn agency_today(platform: &Platform, agency: &str) -> Result<jiff::civil::Date> {
    let mut conn = platform.store.read().await?;
    let zone = accordo_store::accounts::find_agency(&mut conn, agency)
        .await?
        .and_then(|a| jiff::tz::TimeZone::get(&a.time_zone).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(platform.clock.now().to_zoned(zone).date())
}

/// A checked event, its handling and its addressees, or every refusal (a field's each).
type Checked =
    std::result::Result<(event::Event, Handling, Vec<(String, String)>), Vec<ServiceError>>;

/// Checks what a form or a request gives, field by field: every refusal at once, so that a
/// form names all its mistakes in one round. The outer error is no fault of the input (the
/// caller may not record, the database is unavailable).
pub async fn checked(
    platform: &Platform,
    ctx: &Ctx,
    input: &EventInput,
    handling: &str,
    addressees: &[String],
) -> Result<Checked> {
    may_record(ctx)?;
    let today = agency_today(platform, ctx.actor.agency.as_str()).await?;
    let mut refused: Vec<ServiceError> = Vec::new();
    let event = event::check(input, today).map_err(|all| {
        all.into_iter()
            .map(|r| ServiceError::refused_value(r.field, r.code, r.args, r.message))
            .collect::<Vec<_>>()
    });
    let event = match event {
        Ok(e) => Some(e),
        Err(all) => {
            refused.extend(all);
            None
        }
    };
    let handling = match sharing::handling(handling) {
        Ok(Handling::Red) => {
            refused.push(ServiceError::refused_value(
                "handling",
                "event-handling-red",
                Vec::new(),
                "RED is for named persons; record an event as AMBER+STRICT to the agencies that need it",
            ));
            None
        }
        Ok(h) => Some(h),
        Err(e) => {
            refused.push(e);
            None
        }
    };
    let addressees = match handling.map(|h| sharing::addressees(h, addressees)) {
        Some(Ok(list)) => match sharing::agencies_exist(platform, &list).await {
            Ok(()) => Some(list),
            Err(e @ ServiceError::Invalid { .. }) => {
                refused.push(e);
                None
            }
            Err(e) => return Err(e),
        },
        Some(Err(e)) => {
            refused.push(e);
            None
        }
        None => None,
    };
    Ok(match (event, handling, addressees) {
        (Some(e), Some(h), Some(a)) if refused.is_empty() => Ok((e, h, a)),
        _ => Err(refused),
    })
}

/// Records an event for the caller's agency, shared under `handling` with `addressees`
/// (each addressed agency is told). One transaction writes it, its people by nationality,
/// its addressees and its audit entry.
pub async fn record(
    platform: &Platform,
    ctx: &Ctx,
    input: &EventInput,
    handling: &str,
    addressees: &[String],
) -> Result<EventView> {
    let (checked, handling, addressees) =
        match checked(platform, ctx, input, handling, addressees).await? {
            Ok(taken) => taken,
            Err(mut refused) => return Err(refused.remove(0)),
        };
    let id = new_id();
    let mut tx = platform.store.write().await?;
    let audited = write(platform, &mut tx, ctx, id, &checked, handling, &addressees).await?;
    tx.commit(audited).await?;
    get(platform, ctx, id).await
}

/// Writes a checked event `id` for the caller's agency in `tx`: its rows, its audit entry
/// (`flow_event.create`) and its notices to the addressed agencies. [`record`] commits it
/// alone; another pillar that records an event as part of its own record (a joint
/// operation's interception) writes it in its own transaction, and the event is counted here
/// once.
pub async fn write(
    platform: &Platform,
    tx: &mut accordo_store::Tx,
    ctx: &Ctx,
    id: Uuid,
    checked: &event::Event,
    handling: Handling,
    addressees: &[(String, String)],
) -> Result<accordo_store::Audited> {
    // Asked again here: `write` is public, and a caller may have checked the event otherwise.
    may_record(ctx)?;
    if handling == Handling::Red {
        return Err(ServiceError::invalid(
            "handling",
            "RED is for named persons; an event is at most AMBER+STRICT",
        ));
    }
    let agency = ctx.actor.agency.to_string();
    store::insert_event(
        tx,
        &NewEvent {
            id,
            owner_agency: &agency,
            handling: handling.as_str(),
            event: checked,
            created_by: &ctx.actor.username,
            addressees,
        },
        platform.now_us(),
    )
    .await?;
    let audited = audit::record(
        platform,
        tx,
        ctx,
        "flow_event.create",
        policy::FLOW_EVENT.kind,
        Some(&id.to_string()),
        json!({
            "handling": handling.as_str(),
            "kind": checked.kind.as_str(),
            "route": checked.route,
            "date": checked.date.to_string(),
            "people": checked.people,
            "addressees": addressees.len(),
        }),
    )
    .await?;
    for (kind, to) in addressees {
        if kind == "agency" {
            notifications::notify(
                platform,
                tx,
                (to, None),
                "flow_event",
                "flows-notice-event",
                json!({"agency": agency.as_str(), "place": checked.place, "date": checked.date.to_string()}),
                Some((policy::FLOW_EVENT.kind, &id.to_string())),
            )
            .await?;
        }
    }
    Ok(audited)
}

/// The events the caller may read (TLP, in SQL) that `filter` asks for, newest first (at most
/// [`store::EVENTS_MAX`]), each with its people by nationality and its addressees.
pub async fn list(platform: &Platform, ctx: &Ctx, filter: &EventFilter) -> Result<Vec<EventView>> {
    may_list(ctx)?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::FLOW_EVENT)?;
    let mut conn = platform.store.read().await?;
    Ok(store::visible_events(&mut conn, &scope, filter)
        .await?
        .into_iter()
        .map(|(row, people, addressees)| view(row, people, addressees))
        .collect())
}

/// Whether the caller may read events at all (asked before what is asked is read).
pub fn may_list(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::FLOW_EVENT),
    )?;
    Ok(())
}

/// One event the caller may read (not found otherwise, withdrawn or not).
pub async fn get(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<EventView> {
    among(platform, ctx, &[id])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("flow_event", id))
}

/// The events among `ids` the caller may read, withdrawn or not, in as few reads as the list
/// allows (a joint operation's events, say); those it may not read are left out.
pub async fn among(platform: &Platform, ctx: &Ctx, ids: &[Uuid]) -> Result<Vec<EventView>> {
    /// Ids a read: well under either engine's limit of bound values.
    const CHUNK: usize = 500;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let filter = EventFilter {
            ids: Some(chunk.to_vec()),
            include_withdrawn: true,
            ..EventFilter::default()
        };
        out.extend(list(platform, ctx, &filter).await?);
    }
    Ok(out)
}

/// Whether the caller may withdraw events of their own agency (the page offers it then).
pub fn may_withdraw(ctx: &Ctx, event: &EventView) -> bool {
    AgencyCode::parse(&event.agency).is_ok_and(|owner| {
        can(
            &ctx.actor,
            Action::Delete,
            Resource::record(&policy::FLOW_EVENT, &RecordScope::owned_by(owner)),
        )
        .is_ok()
    }) && !event.withdrawn
}

/// Whether the caller may record events for their agency (the refusal if not).
pub fn may_record(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::FLOW_EVENT,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Withdraws an event recorded in error: it stays, out of every sum. Its agency only.
pub async fn withdraw(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<EventView> {
    // Whoever cannot read it is told it does not exist.
    let event = get(platform, ctx, id).await?;
    let mut conn = platform.store.read().await?;
    let Some((owner, withdrawn)) = store::event_owner(&mut conn, id).await? else {
        return Err(ServiceError::not_found("flow_event", id));
    };
    drop(conn);
    let owner =
        AgencyCode::parse(&owner).map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    can(
        &ctx.actor,
        Action::Delete,
        Resource::record(&policy::FLOW_EVENT, &RecordScope::owned_by(owner)),
    )?;
    let already = || ServiceError::Rules {
        rules: vec!["already_withdrawn".into()],
    };
    if withdrawn {
        return Err(already());
    }
    let mut tx = platform.store.write().await?;
    // Another withdrawal may have come first: one withdrawal, one audit entry.
    if !store::withdraw_event(&mut tx, id, &ctx.actor.username, platform.now_us()).await? {
        return Err(already());
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "flow_event.withdraw",
        policy::FLOW_EVENT.kind,
        Some(&id.to_string()),
        json!({"people": event.people, "date": event.date}),
    )
    .await?;
    tx.commit(audited).await?;
    get(platform, ctx, id).await
}
