//! Joint operations (Italian and Turkish coast guards off Libya): an agency leads, others take
//! part, over a period and an area drawn on the flows pillar's map. Their participants record
//! what happens: an interception or a rescue is written as an event of the flows pillar, in
//! the same transaction, and counted there once (the operation keeps only the link); an
//! arrest or a seizure is the operation's own record.

use std::collections::HashMap;

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, Handling, RecordScope, can};
use accordo_flows::event::EventInput;
use accordo_intel::area::{Area, Point};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications};

use super::{LIST_MAX, date_of, refused};
use crate::policy;
use crate::store::{self, OperationEventRow, OperationRow};

/// The longest name, in characters; the most participants; the longest operation in days.
pub const NAME_MAX: usize = 200;
pub const PARTICIPANTS_MAX: usize = 50;
pub const PERIOD_MAX_DAYS: i64 = 731;
/// The longest place and description of an event, in characters.
pub const PLACE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2_000;

/// What an operation's participants record. The first two are the flows pillar's events.
pub const EVENT_KINDS: [&str; 4] = ["interception", "rescue", "arrest", "seizure"];

fn is_flow(kind: &str) -> bool {
    matches!(kind, "interception" | "rescue")
}

/// An operation as its participants see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationView {
    pub id: Uuid,
    pub name: String,
    /// The agency that leads it.
    pub owner_agency: String,
    /// Every agency taking part, the lead first.
    pub participants: Vec<String>,
    /// `YYYY-MM-DD`, both days included.
    pub starts_on: String,
    pub ends_on: String,
    /// The area's vertices, `[latitude, longitude]` in decimal degrees (the ring is closed
    /// from the last to the first).
    #[schema(value_type = Vec<Vec<f64>>)]
    pub area: Vec<[f64; 2]>,
    pub created_by: String,
    pub created_at_us: i64,
    /// What happened in it, oldest first (with `GET` of one operation).
    pub events: Option<Vec<OperationEventView>>,
}

/// An event of an operation. An interception's or a rescue's date, place and people are
/// those of its event in the flows pillar (`flow_event`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationEventView {
    pub id: Uuid,
    /// `interception`, `rescue`, `arrest` or `seizure`.
    pub kind: String,
    /// The participating agency that recorded it.
    pub agency: String,
    /// `YYYY-MM-DD`; `None` when the event is the flows pillar's and not shared with the
    /// caller's agency (`hidden`), as are the place and position then.
    pub date: Option<String>,
    pub place: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// People intercepted or rescued (the flows pillar's count).
    pub people: Option<i64>,
    /// People arrested.
    pub arrested: Option<i64>,
    pub description: String,
    /// The flows pillar's event (`GET /api/v1/flows/events/{id}`).
    pub flow_event: Option<Uuid>,
    /// Whether that event was withdrawn as recorded in error (out of every sum).
    pub withdrawn: bool,
    /// Whether that event is not shared with the caller's agency (the flows pillar's rules):
    /// its date, place, position and people are then not shown.
    pub hidden: bool,
    pub recorded_by: String,
    pub recorded_at_us: i64,
}

/// An operation as written.
#[derive(Debug, Clone, Default)]
pub struct NewOperation {
    pub name: String,
    /// Agency codes of the other participants.
    pub participants: Vec<String>,
    pub starts_on: String,
    pub ends_on: String,
    /// `LAT LON` vertices, one a line or separated by `;`.
    pub area: String,
}

/// An event as written. `route`, `border`, `people`, `dead`, `missing`,
/// `departure_country`, `vessel` and `nationalities` are an interception's or a rescue's (the
/// flows pillar's fields); `arrested` an arrest's.
#[derive(Debug, Clone, Default)]
pub struct NewOperationEvent {
    pub kind: String,
    pub date: String,
    pub place: String,
    pub latitude: f64,
    pub longitude: f64,
    pub description: String,
    pub arrested: i64,
    pub route: String,
    pub border: String,
    pub people: i64,
    pub dead: i64,
    pub missing: i64,
    pub departure_country: String,
    pub vessel: String,
    pub nationalities: Vec<(String, i64)>,
}

/// Whether the caller may lead operations for their agency.
pub fn may_create(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_OPERATION,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Whether the caller may read operations at all.
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_OPERATION),
    )?;
    Ok(())
}

fn area_refusal(e: &accordo_intel::area::AreaError) -> ServiceError {
    refused(
        "area",
        e.code,
        vec![(
            "vertex",
            e.vertex.map(|v| v.to_string()).unwrap_or_default(),
        )],
        e.to_string(),
    )
}

/// Every refusal of `input` at once (a form names all its mistakes), or what it writes.
async fn checked(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewOperation,
) -> Result<std::result::Result<(OperationRow, Vec<String>), Vec<ServiceError>>> {
    may_create(ctx)?;
    let mut no = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        no.push(refused(
            "name",
            "operation-name",
            vec![("max", NAME_MAX.to_string())],
            format!("expected a name of 1 to {NAME_MAX} characters"),
        ));
    }
    let starts = date_of("starts_on", &input.starts_on, &mut no);
    let ends = date_of("ends_on", &input.ends_on, &mut no);
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            no.push(refused(
                "ends_on",
                "operation-ends-before",
                Vec::new(),
                "the operation ends before it starts".to_owned(),
            ));
        } else if (e - s).get_days() >= PERIOD_MAX_DAYS as i32 {
            no.push(refused(
                "ends_on",
                "operation-too-long",
                vec![("max", PERIOD_MAX_DAYS.to_string())],
                format!("an operation lasts at most {PERIOD_MAX_DAYS} days; record the next phase as another"),
            ));
        }
    }
    let area = Area::parse(&input.area)
        .map_err(|e| no.push(area_refusal(&e)))
        .ok();
    let own = ctx.actor.agency.to_string();
    let mut agencies: Vec<String> = Vec::new();
    if input.participants.len() > PARTICIPANTS_MAX {
        no.push(refused(
            "participants",
            "too-many-addressees",
            vec![("max", PARTICIPANTS_MAX.to_string())],
            format!("at most {PARTICIPANTS_MAX} participants"),
        ));
        return Ok(Err(no));
    }
    for raw in input
        .participants
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        match AgencyCode::parse(raw) {
            Ok(code) => {
                let code = code.to_string();
                if code != own && !agencies.contains(&code) {
                    agencies.push(code);
                }
            }
            Err(_) => no.push(refused(
                "participants",
                "agency-code",
                vec![("given", raw.to_owned())],
                format!("`{raw}`: expected an agency code of the partnership (TR-SG)"),
            )),
        }
    }
    if agencies.is_empty() {
        no.push(refused(
            "participants",
            "operation-joint",
            Vec::new(),
            "a joint operation has at least one other agency".to_owned(),
        ));
    } else if agencies.len() > PARTICIPANTS_MAX {
        no.push(refused(
            "participants",
            "too-many-addressees",
            vec![("max", PARTICIPANTS_MAX.to_string())],
            format!("at most {PARTICIPANTS_MAX} participants"),
        ));
    } else if let Err(e) =
        super::messages::intel_agencies(platform, "participants", &agencies).await
    {
        match e {
            ServiceError::Invalid { .. } => no.push(e),
            other => return Err(other),
        }
    }
    Ok(match (starts, ends, area) {
        (Some(s), Some(e), Some(area)) if no.is_empty() => Ok((
            OperationRow {
                id: new_id(),
                owner_agency: own,
                name: name.to_owned(),
                starts_on: s.to_string(),
                ends_on: e.to_string(),
                area: area.to_text(),
                created_by: ctx.actor.username.clone(),
                created_at: platform.now_us(),
            },
            agencies,
        )),
        _ => Err(no),
    })
}

/// Every refusal of an operation as written (empty when it would be recorded).
pub async fn refusals(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewOperation,
) -> Result<Vec<ServiceError>> {
    Ok(checked(platform, ctx, input)
        .await?
        .err()
        .unwrap_or_default())
}

/// Records an operation led by the caller's agency; the participants' officers and analysts
/// are told.
pub async fn create(platform: &Platform, ctx: &Ctx, input: &NewOperation) -> Result<OperationView> {
    let (row, agencies) = match checked(platform, ctx, input).await? {
        Ok(taken) => taken,
        Err(mut no) => return Err(no.remove(0)),
    };
    let mut tx = platform.store.write().await?;
    store::insert_operation(&mut tx, &row, &agencies).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_operation.create",
        policy::INTEL_OPERATION.kind,
        Some(&row.id.to_string()),
        json!({"participants": agencies, "starts_on": row.starts_on, "ends_on": row.ends_on}),
    )
    .await?;
    let readers = super::hits::reader_roles(&policy::INTEL_OPERATION);
    let told: Vec<(String, Option<Uuid>)> = store::users_with_roles(tx.conn(), &agencies, &readers)
        .await?
        .into_iter()
        .map(|(agency, user)| (agency, Some(user)))
        .collect();
    notifications::notify_all(
        platform,
        &mut tx,
        &told,
        "intel_operation",
        "intel-notice-operation",
        json!({"agency": row.owner_agency, "name": row.name}),
        Some((policy::INTEL_OPERATION.kind, &row.id.to_string())),
    )
    .await?;
    tx.commit(audited).await?;
    let mut participants = vec![row.owner_agency.clone()];
    participants.extend(agencies);
    Ok(view(row, participants, None))
}

fn view(
    row: OperationRow,
    participants: Vec<String>,
    events: Option<Vec<OperationEventView>>,
) -> OperationView {
    let area = Area::parse(&row.area)
        .map(|a| {
            a.vertices()
                .iter()
                .map(|p| [p.latitude, p.longitude])
                .collect()
        })
        .unwrap_or_default();
    OperationView {
        id: row.id,
        name: row.name,
        owner_agency: row.owner_agency,
        participants,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        area,
        created_by: row.created_by,
        created_at_us: row.created_at,
        events,
    }
}

/// The operations the caller's agency takes part in, newest first.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<OperationView>> {
    may_read(ctx)?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_OPERATION)?;
    let mut conn = platform.store.read().await?;
    let rows = store::visible_operations(&mut conn, &scope, None, LIST_MAX).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let agencies = store::operation_agencies(&mut conn, &row).await?;
        out.push(view(row, agencies, None));
    }
    Ok(out)
}

async fn readable(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<(OperationRow, Vec<String>)> {
    may_read(ctx)?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_OPERATION)?;
    let mut conn = platform.store.read().await?;
    let row = store::visible_operations(&mut conn, &scope, Some(id), 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("intel_operation", id))?;
    let agencies = store::operation_agencies(&mut conn, &row).await?;
    Ok((row, agencies))
}

/// One operation the caller's agency takes part in, with its events.
pub async fn get(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<OperationView> {
    let (row, agencies) = readable(platform, ctx, id).await?;
    let mut conn = platform.store.read().await?;
    let rows = store::operation_events(&mut conn, id).await?;
    drop(conn);
    let flows = flow_events(platform, ctx, &rows).await?;
    let mut events: Vec<OperationEventView> =
        rows.into_iter().map(|r| event_view(r, &flows)).collect();
    // By date, the events whose date is not the caller's to read last.
    events.sort_by(|a, b| {
        (a.date.is_none(), &a.date, a.recorded_at_us).cmp(&(
            b.date.is_none(),
            &b.date,
            b.recorded_at_us,
        ))
    });
    Ok(view(row, agencies, Some(events)))
}

/// The flows pillar's events of `rows` the caller may read, under that pillar's rules (every
/// participant is an addressee), read together.
async fn flow_events(
    platform: &Platform,
    ctx: &Ctx,
    rows: &[OperationEventRow],
) -> Result<HashMap<Uuid, accordo_flows_app::service::events::EventView>> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.flow_event_id).collect();
    match accordo_flows_app::service::events::among(platform, ctx, &ids).await {
        Ok(events) => Ok(events.into_iter().map(|e| (e.id, e)).collect()),
        // A reader of operations who may read no flows event sees none of them.
        Err(ServiceError::Forbidden { .. }) => Ok(HashMap::new()),
        Err(e) => Err(e),
    }
}

fn event_view(
    r: OperationEventRow,
    flows: &HashMap<Uuid, accordo_flows_app::service::events::EventView>,
) -> OperationEventView {
    let mut v = OperationEventView {
        id: r.id,
        kind: r.kind,
        agency: r.agency,
        date: r.occurred_on,
        place: r.place,
        latitude: r.latitude_e6.map(|l| l as f64 / 1e6),
        longitude: r.longitude_e6.map(|l| l as f64 / 1e6),
        people: None,
        arrested: r.arrested,
        description: r.description,
        flow_event: r.flow_event_id,
        withdrawn: false,
        hidden: false,
        recorded_by: r.created_by,
        recorded_at_us: r.created_at,
    };
    if let Some(flow) = r.flow_event_id {
        match flows.get(&flow) {
            Some(e) => {
                v.date = Some(e.date.clone());
                v.place = Some(e.place.clone());
                v.latitude = Some(e.latitude);
                v.longitude = Some(e.longitude);
                v.people = Some(e.people);
                v.withdrawn = e.withdrawn;
            }
            None => v.hidden = true,
        }
    }
    v
}

/// An interception's or a rescue's event of the flows pillar, checked there, with its
/// handling and addressees.
type FlowEvent = (accordo_flows::event::Event, Handling, Vec<(String, String)>);

/// What an event as written records: its refusals, field by field, or its checked parts.
struct CheckedEvent {
    row: OperationEventRow,
    flow: Option<FlowEvent>,
}

async fn checked_event(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    input: &NewOperationEvent,
) -> Result<std::result::Result<CheckedEvent, Vec<ServiceError>>> {
    let (op, agencies) = readable(platform, ctx, id).await?;
    // A participant's officers and analysts record (their agency's record).
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_OPERATION,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let mut no = Vec::new();
    let kind = input.kind.trim();
    if !EVENT_KINDS.contains(&kind) {
        no.push(refused(
            "kind",
            "operation-event-kind",
            vec![("given", kind.to_owned())],
            format!(
                "{kind} is not an event of an operation ({})",
                EVENT_KINDS.join(", ")
            ),
        ));
    }
    let date = date_of("date", &input.date, &mut no);
    if let Some(d) = date
        && (d.to_string() < op.starts_on || d.to_string() > op.ends_on)
    {
        no.push(refused(
            "date",
            "operation-event-period",
            vec![("from", op.starts_on.clone()), ("to", op.ends_on.clone())],
            format!("the operation runs from {} to {}", op.starts_on, op.ends_on),
        ));
    }
    // Coordinates off the globe are refused by their own rule (the flows pillar's for its
    // events, below), not as outside the area.
    let lat_ok = (-90.0..=90.0).contains(&input.latitude);
    let lon_ok = (-180.0..=180.0).contains(&input.longitude);
    let point = Point::new(input.latitude, input.longitude);
    match Area::parse(&op.area) {
        Ok(area) if lat_ok && lon_ok && !area.contains(point) => no.push(refused(
            "latitude",
            "operation-event-outside",
            Vec::new(),
            format!(
                "{}, {} lies outside the operation's area",
                input.latitude, input.longitude
            ),
        )),
        _ => {}
    }
    let description = input.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        no.push(refused(
            "description",
            "operation-event-description",
            vec![("max", DESCRIPTION_MAX.to_string())],
            format!("at most {DESCRIPTION_MAX} characters"),
        ));
    }
    let place = input.place.trim();
    let mut flow = None;
    if is_flow(kind) {
        // The flows pillar checks its own fields, and is told who reads: the other
        // participants, as AMBER+STRICT.
        let others: Vec<String> = agencies
            .iter()
            .filter(|a| a.as_str() != ctx.actor.agency.as_str())
            .map(|a| format!("agency:{a}"))
            .collect();
        let event = EventInput {
            date: input.date.clone(),
            kind: kind.to_owned(),
            route: input.route.clone(),
            border: input.border.clone(),
            place: input.place.clone(),
            latitude: input.latitude,
            longitude: input.longitude,
            departure_country: input.departure_country.clone(),
            vessel: input.vessel.clone(),
            people: input.people,
            dead: input.dead,
            missing: input.missing,
            nationalities: input.nationalities.clone(),
        };
        match accordo_flows_app::service::events::checked(platform, ctx, &event, "AMBER+STRICT", &others).await? {
            Ok(taken) => flow = Some(taken),
            // The fields they share are refused once, by this check's own words.
            Err(refusals) => no.extend(refusals.into_iter().filter(|e| {
                !matches!(e, ServiceError::Invalid { field, .. } if field == "date" && date.is_none())
            })),
        }
    } else {
        if place.is_empty() || place.chars().count() > PLACE_MAX {
            no.push(refused(
                "place",
                "operation-event-place",
                vec![("max", PLACE_MAX.to_string())],
                format!("expected a place of 1 to {PLACE_MAX} characters"),
            ));
        }
        if !lat_ok || !lon_ok {
            no.push(refused(
                if lat_ok { "longitude" } else { "latitude" },
                "operation-event-coordinates",
                Vec::new(),
                "latitude from -90 to 90 and longitude from -180 to 180, in decimal degrees"
                    .to_owned(),
            ));
        }
        // What is recorded has happened, by the calendar of the agency that records it.
        let zone = {
            let mut conn = platform.store.read().await?;
            accordo_store::accounts::find_agency(&mut conn, ctx.actor.agency.as_str())
                .await?
                .and_then(|a| jiff::tz::TimeZone::get(&a.time_zone).ok())
                .unwrap_or(jiff::tz::TimeZone::UTC)
        };
        if date.is_some_and(|d| d > platform.clock.now().to_zoned(zone).date()) {
            no.push(refused(
                "date",
                "operation-event-future",
                Vec::new(),
                "an event is recorded once it has happened: the date is after today".to_owned(),
            ));
        }
        if kind == "arrest" && !(1..=10_000).contains(&input.arrested) {
            no.push(refused(
                "arrested",
                "operation-event-arrested",
                Vec::new(),
                "an arrest names how many people were arrested (1 to 10,000)".to_owned(),
            ));
        }
        if kind == "seizure" && description.is_empty() {
            no.push(refused(
                "description",
                "operation-event-seized",
                Vec::new(),
                "a seizure says what was seized".to_owned(),
            ));
        }
    }
    if !no.is_empty() {
        return Ok(Err(no));
    }
    let flow_event_id = flow.as_ref().map(|_| new_id());
    let own = !is_flow(kind);
    Ok(Ok(CheckedEvent {
        row: OperationEventRow {
            id: new_id(),
            operation_id: id,
            agency: ctx.actor.agency.to_string(),
            kind: kind.to_owned(),
            flow_event_id,
            occurred_on: own.then(|| date.map(|d| d.to_string()).unwrap_or_default()),
            place: own.then(|| place.to_owned()),
            latitude_e6: own.then(|| (input.latitude * 1e6).round() as i64),
            longitude_e6: own.then(|| (input.longitude * 1e6).round() as i64),
            arrested: own.then(|| if kind == "arrest" { input.arrested } else { 0 }),
            description: description.to_owned(),
            created_by: ctx.actor.username.clone(),
            created_at: platform.now_us(),
        },
        flow,
    }))
}

/// Every refusal of an event as written (empty when it would be recorded).
pub async fn event_refusals(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    input: &NewOperationEvent,
) -> Result<Vec<ServiceError>> {
    Ok(checked_event(platform, ctx, id, input)
        .await?
        .err()
        .unwrap_or_default())
}

/// Records an event of the operation `id` for the caller's agency, a participant. An
/// interception or a rescue is written as the flows pillar's event in the same transaction
/// (audited there as `flow_event.create` too), and linked.
pub async fn record_event(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    input: &NewOperationEvent,
) -> Result<OperationEventView> {
    let checked = match checked_event(platform, ctx, id, input).await? {
        Ok(c) => c,
        Err(mut no) => return Err(no.remove(0)),
    };
    let mut tx = platform.store.write().await?;
    if let (Some(flow_id), Some((event, handling, addressees))) =
        (checked.row.flow_event_id, &checked.flow)
    {
        accordo_flows_app::service::events::write(
            platform, &mut tx, ctx, flow_id, event, *handling, addressees,
        )
        .await?;
    }
    store::insert_operation_event(&mut tx, &checked.row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_operation.event",
        policy::INTEL_OPERATION.kind,
        Some(&id.to_string()),
        json!({"event": checked.row.id, "kind": checked.row.kind, "flow_event": checked.row.flow_event_id}),
    )
    .await?;
    tx.commit(audited).await?;
    let flows = flow_events(platform, ctx, std::slice::from_ref(&checked.row)).await?;
    Ok(event_view(checked.row, &flows))
}
