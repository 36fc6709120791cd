//! The legal pathways' services: click-day windows, applications, their submission in the
//! server's order of receipt, the assignment of places.
//!
//! **Submissions** go through one writer a node ([`Writer`]): every request hands its
//! submission to a queue and waits; the writer takes everything queued, writes it in one
//! transaction (group commit) that locks each window's counter row, numbers the new
//! submissions after it, writes them with one audit entry each and moves the counter, then
//! answers. A position is written before it is told, is given once on every node (the
//! counter row is locked by whichever node writes), and an aborted batch gives none. A retry
//! with the same key and body is told the first answer, whether the first is written already
//! or queued beside it; a key is bound to its application and body.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use accordo_domain::access::{Action, Addressee, RecordScope, Resource};
use accordo_domain::{AgencyCode, CountryCode, Handling, can};
use accordo_pathways::{Category, Outcome, Places, Policy};
use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};
use accordo_store::inserts::Inserts;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::policy;
use crate::store::{self, ApplicationRow, Joined, SubmissionRow, WindowRow};

/// The most applications one private employer may pre-fill a year (the decree's limit for
/// employers who are not in an association).
pub const EMPLOYER_LIMIT: i64 = 3;

/// The most submissions one transaction writes.
const BATCH_MAX: usize = 1_000;

/// Submissions waiting for the writer, at most: past this a request waits to be queued.
const QUEUE: usize = 65_536;

// ---- the pillar's memory ----

/// What the public click-day page shows without touching the database, and the writer's
/// queue.
#[derive(Default)]
pub struct Live {
    windows: RwLock<Vec<LiveWindow>>,
    queue: OnceLock<mpsc::Sender<Job>>,
    /// The shipped scenarios' simulations by (scenario, seed, minutes): deterministic, so
    /// a page reloaded is not computed again (at most `SIMULATIONS_KEPT`).
    simulations: std::sync::Mutex<HashMap<(String, u64, u32), Simulation>>,
    /// Each application's employer and window, which never change: a submission reads them
    /// from here rather than from the database (at most `OWNERS_KEPT`).
    owners: RwLock<HashMap<String, (String, String)>>,
}

/// Applications whose employer and window are kept in memory.
const OWNERS_KEPT: usize = 2_000_000;

fn remember_owner(platform: &Platform, id: &str, agency: &str, window: &str) {
    let live = platform.state::<Live>();
    let mut owners = write_lock(&live.owners);
    if owners.len() >= OWNERS_KEPT {
        owners.clear();
    }
    owners.insert(id.to_owned(), (agency.to_owned(), window.to_owned()));
}

/// Simulations kept in memory.
const SIMULATIONS_KEPT: usize = 32;

#[derive(Debug, Clone)]
struct LiveWindow {
    row: WindowRow,
    shares: Vec<(String, i64)>,
}

/// Reads every window into memory (at start, and after another node's changes).
pub async fn load(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let rows = store::windows(&mut conn).await?;
    let mut shares: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    for (window, country, places) in store::shares(&mut conn).await? {
        shares.entry(window).or_default().push((country, places));
    }
    let windows = rows
        .into_iter()
        .map(|row| LiveWindow {
            shares: shares.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect();
    *write_lock(&platform.state::<Live>().windows) = windows;
    Ok(())
}

/// Follows other nodes' counts once a second: the public page's figure is at most a second
/// behind a node that did not write it.
pub async fn follow(platform: Platform) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let counts = async {
            let mut conn = platform.store.read().await?;
            store::counts(&mut conn).await
        }
        .await;
        match counts {
            Ok(counts) => {
                let known = read_lock(&platform.state::<Live>().windows).len();
                if counts.len() != known {
                    if let Err(e) = load(&platform).await {
                        tracing::warn!(error = %e, "the click-day windows could not be read");
                    }
                    continue;
                }
                let live = platform.state::<Live>();
                let mut windows = write_lock(&live.windows);
                for (id, received) in counts {
                    if let Some(w) = windows.iter_mut().find(|w| w.row.id == id) {
                        w.row.received = w.row.received.max(received);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "the click-day counts could not be read"),
        }
    }
}

fn read_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // A poisoned lock only means a panic elsewhere while writing whole values.
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

// ---- windows ----

/// A click-day window as everyone at work reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WindowView {
    pub id: String,
    pub year: i64,
    pub category: String,
    /// RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
    /// The same in microseconds, for the pages.
    pub opens_at_us: i64,
    pub closes_at_us: i64,
    /// `before`, `open` or `closed`, at the server's time.
    pub state: String,
    pub general_places: i64,
    /// The places reserved to each nationality (`country` → places).
    pub shares: BTreeMap<String, i64>,
    pub places: i64,
    #[schema(value_type = Object)]
    pub policy: Policy,
    /// Submissions received so far.
    pub received: i64,
    /// Whether the places have been assigned.
    pub assigned: bool,
}

fn rfc3339(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn state_at(row: &WindowRow, now: i64) -> &'static str {
    if now < row.opens_at {
        "before"
    } else if now < row.closes_at {
        "open"
    } else {
        "closed"
    }
}

fn window_view(w: &LiveWindow, now: i64) -> WindowView {
    let shares: BTreeMap<String, i64> = w.shares.iter().cloned().collect();
    WindowView {
        id: w.row.id.clone(),
        year: w.row.year,
        category: w.row.category.clone(),
        opens_at: rfc3339(w.row.opens_at),
        closes_at: rfc3339(w.row.closes_at),
        opens_at_us: w.row.opens_at,
        closes_at_us: w.row.closes_at,
        state: state_at(&w.row, now).to_owned(),
        general_places: w.row.general_places,
        places: w.row.general_places + shares.values().sum::<i64>(),
        shares,
        policy: serde_json::from_str(&w.row.policy).unwrap_or(Policy::TimeOrder),
        received: w.row.received,
        assigned: w.row.assigned_at > 0,
    }
}

/// The public click-day page's figures, from memory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClickDay {
    /// The server's time, RFC 3339: the clock that decides, not the reader's.
    pub server_time: String,
    /// Whether any window is open now.
    pub open: bool,
    pub windows: Vec<WindowView>,
}

/// The windows, their state and counts: public, and served from memory.
pub fn click_day(platform: &Platform) -> ClickDay {
    let now = platform.now_us();
    let live = platform.state::<Live>();
    let mut windows: Vec<WindowView> = read_lock(&live.windows)
        .iter()
        .map(|w| window_view(w, now))
        .collect();
    // Those open first, then those to come, then those closed, the latest first.
    let rank = |w: &WindowView| match w.state.as_str() {
        "open" => 0,
        "before" => 1,
        _ => 2,
    };
    windows.sort_by_key(|w| {
        let r = rank(w);
        (
            r,
            if r == 2 {
                -w.opens_at_us
            } else {
                w.opens_at_us
            },
        )
    });
    ClickDay {
        server_time: rfc3339(now),
        open: windows.iter().any(|w| w.state == "open"),
        windows,
    }
}

/// The windows, for a reader at work.
pub fn windows(platform: &Platform, ctx: &Ctx) -> Result<Vec<WindowView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    Ok(click_day(platform).windows)
}

/// What the ministry sets for a window.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2027, "category": "seasonal_tourism", "opens_at": "2027-02-05T09:00:00+01:00", "closes_at": "2027-12-31T18:00:00+01:00", "general_places": 13000, "policy": {"kind": "time_order"}}))]
pub struct NewWindow {
    pub year: i64,
    /// One of the decree's categories, e.g. `seasonal_agriculture`.
    pub category: String,
    /// RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
    /// Places open to every nationality.
    pub general_places: i64,
    /// A published quota allocation whose lines are reserved shares, by nationality.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// `{"kind": "time_order"}` (the default) or `{"kind": "lottery", "minutes": 30, "seed": 2026}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub policy: Option<Policy>,
}

fn instant(field: &str, text: &str) -> Result<i64> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_microsecond())
        .map_err(|_| {
            ServiceError::refused_value(
                field,
                "instant",
                Vec::new(),
                "an instant in RFC 3339, e.g. 2027-02-05T09:00:00+01:00",
            )
        })
}

fn category_of(text: &str) -> Result<Category> {
    Category::parse(text.trim()).ok_or_else(|| {
        ServiceError::refused_value(
            "category",
            "category",
            Vec::new(),
            format!(
                "one of the decree's categories: {}",
                Category::ALL.map(Category::as_str).join(", ")
            ),
        )
    })
}

/// Every refusal of a new window's own fields, in the form's order: a form shows them all at
/// once, [`create_window`] answers the first. The allocation's and the duplicate's checks,
/// which read the database, come after them in [`create_window`].
pub fn window_refusals(platform: &Platform, input: &NewWindow) -> Vec<ServiceError> {
    let mut out = Vec::new();
    if let Err(e) = category_of(&input.category) {
        out.push(e);
    }
    if !(2000..=2100).contains(&input.year) {
        out.push(ServiceError::refused_value(
            "year",
            "window-year",
            Vec::new(),
            "a year between 2000 and 2100",
        ));
    }
    let opens = instant("opens_at", &input.opens_at).map_err(|e| out.push(e));
    let closes = instant("closes_at", &input.closes_at).map_err(|e| out.push(e));
    if let (Ok(opens), Ok(closes)) = (opens, closes)
        && closes <= opens
    {
        out.push(ServiceError::refused_value(
            "closes_at",
            "closes-after-opens",
            Vec::new(),
            "a window closes after it opens",
        ));
    }
    if closes.is_ok_and(|closes| closes <= platform.now_us()) {
        out.push(ServiceError::refused_value(
            "closes_at",
            "window-in-past",
            Vec::new(),
            "a window that has not closed yet: this one closes in the past",
        ));
    }
    if !(0..=10_000_000).contains(&input.general_places) {
        out.push(ServiceError::refused_value(
            "general_places",
            "window-places",
            Vec::new(),
            "a number of places from 0 to 10,000,000",
        ));
    }
    if let Some(Policy::Lottery { minutes, .. }) = input.policy
        && !(1..=24 * 60).contains(&minutes)
    {
        out.push(ServiceError::refused_value(
            "policy.minutes",
            "lottery-minutes",
            Vec::new(),
            "a lottery among the first 1 to 1,440 minutes",
        ));
    }
    out
}

/// Opens a window: its instant, its places, its policy.
pub async fn create_window(platform: &Platform, ctx: &Ctx, input: NewWindow) -> Result<WindowView> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    let category = category_of(&input.category)?;
    if let Some(first) = window_refusals(platform, &input).into_iter().next() {
        return Err(first);
    }
    let opens = instant("opens_at", &input.opens_at)?;
    let closes = instant("closes_at", &input.closes_at)?;
    let policy = input.policy.unwrap_or(Policy::TimeOrder);
    let mut shares = Vec::new();
    let allocation_id = match input.allocation_id.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(id) => {
            let uuid = Uuid::parse_str(id).map_err(|_| {
                ServiceError::refused_value(
                    "allocation_id",
                    "allocation-id",
                    Vec::new(),
                    "a published allocation's id",
                )
            })?;
            let allocation =
                accordo_cooperation_app::service::allocation(platform, ctx, uuid).await?;
            if i64::from(allocation.year) != input.year {
                return Err(ServiceError::refused_value(
                    "allocation_id",
                    "allocation-year",
                    vec![
                        ("year", input.year.to_string()),
                        ("allocation", allocation.year.to_string()),
                    ],
                    format!(
                        "an allocation of {}; this one is of {}",
                        input.year, allocation.year
                    ),
                ));
            }
            for line in allocation.lines.iter().filter(|l| l.seats > 0) {
                shares.push((line.country.clone(), line.seats as i64));
            }
            id.to_owned()
        }
    };
    if shares.is_empty() && input.general_places == 0 {
        return Err(ServiceError::refused_value(
            "general_places",
            "no-places",
            Vec::new(),
            "a window needs places: general ones or an allocation's shares",
        ));
    }
    let mut conn = platform.store.read().await?;
    if store::window_for(&mut conn, input.year, category.as_str())
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(format!(
            "a window for {} in {}",
            category.as_str(),
            input.year
        )));
    }
    drop(conn);
    let row = WindowRow {
        id: new_id().to_string(),
        year: input.year,
        category: category.as_str().to_owned(),
        opens_at: opens,
        closes_at: closes,
        general_places: input.general_places,
        policy: serde_json::to_string(&policy).unwrap_or_default(),
        allocation_id,
        received: 0,
        assigned_at: 0,
        created_by: ctx.actor.username.clone(),
        created_at: platform.now_us(),
    };
    let mut rows = Inserts::new();
    store::window_rows(&mut rows, &row, &shares);
    let mut tx = platform.store.write().await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_window.create",
        policy::PATHWAYS_WINDOW.kind,
        Some(&row.id),
        json!({"category": row.category, "year": row.year, "places": row.general_places, "shares": shares.len()}),
        rows,
    )
    .await
    .map_err(|e| unique_to_conflict(e, "a window for this category and year"))?;
    tx.commit(audited).await?;
    let live = LiveWindow { row, shares };
    let view = window_view(&live, platform.now_us());
    write_lock(&platform.state::<Live>().windows).push(live);
    Ok(view)
}

fn unique_to_conflict(e: ServiceError, what: &str) -> ServiceError {
    match &e {
        ServiceError::Store(s) if s.to_string().to_lowercase().contains("unique") => {
            ServiceError::Conflict(what.to_owned())
        }
        _ => e,
    }
}

// ---- applications ----

/// What an employer pre-fills.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// One of the decree's categories, e.g. `seasonal_agriculture`.
    pub category: String,
    /// The year of the quota; this year's when absent.
    #[serde(default)]
    pub year: Option<i64>,
    pub worker_name: String,
    /// `YYYY-MM-DD`.
    pub worker_birth_date: String,
    /// ISO 3166-1 alpha-3.
    pub worker_nationality: String,
    /// The passport's machine-readable zone, two lines of 44.
    pub worker_mrz: String,
    /// `permanent`, `fixed_term` or `self_employed`.
    pub contract: String,
    pub monthly_wage_eur: i64,
    /// Absent for a permanent contract.
    #[serde(default)]
    pub months: Option<u32>,
    /// The province's two-letter code, e.g. `LT`.
    pub province: String,
    /// The worker's pre-departure certificate, if they hold one.
    #[serde(default)]
    pub certificate_code: Option<String>,
}

/// An application as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    /// For the public status page.
    pub code: String,
    pub employer: String,
    pub category: String,
    pub year: i64,
    pub worker_name: String,
    pub worker_birth_date: String,
    pub worker_nationality: String,
    pub worker_document: String,
    pub contract: String,
    pub monthly_wage_eur: i64,
    pub months: Option<i64>,
    pub province: String,
    pub certified: bool,
    /// `prefilled`, `received`, `assigned` or `reserve`.
    pub status: String,
    pub position: Option<i64>,
    pub received_at: Option<String>,
    /// The same in microseconds, for the pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at_us: Option<i64>,
    /// The place's share (a nationality) or `general`, once assigned.
    pub share: Option<String>,
    /// The rank among the assigned or in the reserve.
    pub rank: Option<i64>,
    pub created_at: String,
    /// The path after the click day (when one application is read; empty in lists).
    pub steps: Vec<StepView>,
}

fn scope_of(a: &ApplicationRow) -> RecordScope {
    RecordScope {
        owner_agency: AgencyCode::parse(&a.owner_agency)
            .unwrap_or_else(|_| AgencyCode::parse("XXX").unwrap_or_else(|_| unreachable!())),
        handling: Handling::Amber,
        addressees: CountryCode::parse(&a.worker_nationality)
            .map(|c| vec![Addressee::Country(c)])
            .unwrap_or_default(),
        subject_user: None,
    }
}

fn status_of(j: &Joined) -> &'static str {
    match (&j.submission, &j.assignment) {
        (_, Some((o, _, _))) if o == "assigned" => "assigned",
        (_, Some(_)) => "reserve",
        (Some(_), None) => "received",
        (None, None) => "prefilled",
    }
}

fn view_of(j: &Joined, windows: &[LiveWindow]) -> ApplicationView {
    let a = &j.application;
    let window = windows.iter().find(|w| w.row.id == a.window_id);
    ApplicationView {
        id: a.id.clone(),
        code: a.code.clone(),
        employer: a.owner_agency.clone(),
        category: window.map(|w| w.row.category.clone()).unwrap_or_default(),
        year: window.map_or(0, |w| w.row.year),
        worker_name: a.worker_name.clone(),
        worker_birth_date: a.worker_birth_date.clone(),
        worker_nationality: a.worker_nationality.clone(),
        worker_document: a.worker_document.clone(),
        contract: a.contract.clone(),
        monthly_wage_eur: a.monthly_wage_eur,
        months: (a.months > 0).then_some(a.months),
        province: a.province.clone(),
        certified: !a.certificate_code.is_empty(),
        status: status_of(j).to_owned(),
        position: j.submission.as_ref().map(|s| s.position),
        received_at: j.submission.as_ref().map(|s| rfc3339(s.received_at)),
        received_at_us: j.submission.as_ref().map(|s| s.received_at),
        share: j.assignment.as_ref().and_then(|(o, share, _)| {
            (o == "assigned").then(|| {
                if share.is_empty() {
                    "general".to_owned()
                } else {
                    share.clone()
                }
            })
        }),
        rank: j.assignment.as_ref().map(|(_, _, r)| *r),
        created_at: rfc3339(a.created_at),
        steps: Vec::new(),
    }
}

/// A public code as people type it (lower case, spaces, without or with hyphens) in the form
/// it is given: 12 letters and digits in groups of four joined by hyphens. Anything else is
/// left as typed (upper case), to be found by nothing.
pub fn normal_code(typed: &str) -> String {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    if chars.len() != 12 || !chars.iter().all(char::is_ascii_alphanumeric) {
        return typed.trim().to_uppercase();
    }
    in_fours(&chars)
}

/// `chars` in groups of four joined by hyphens, as public codes are written.
fn in_fours(chars: &[char]) -> String {
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code anyone can type: 12 letters and digits without look-alikes, in groups of four.
fn public_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    in_fours(&chars)
}

/// The host state's time zone (UTC if the setting names none known).
pub(crate) fn host_tz(platform: &Platform) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(&platform.settings.host_time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
}

fn host_today(platform: &Platform) -> Date {
    platform.clock.now().to_zoned(host_tz(platform)).date()
}

/// How many more applications the caller's agency may pre-fill for the windows of `year` (the
/// limit counts a decree's year, as [`prefill`] does): `None` for a registered association,
/// which has no limit.
pub async fn room(platform: &Platform, ctx: &Ctx, year: i64) -> Result<Option<i64>> {
    let agency = ctx.actor.agency.to_string();
    let mut conn = platform.store.read().await?;
    if store::is_association(&mut conn, &agency).await? {
        return Ok(None);
    }
    let used = store::count_for_year(&mut conn, &agency, year).await?;
    Ok(Some((EMPLOYER_LIMIT - used).max(0)))
}

/// The host state's day of an instant (microseconds since 1970).
fn host_day(platform: &Platform, us: i64) -> Option<Date> {
    jiff::Timestamp::from_microsecond(us)
        .ok()
        .map(|t| t.to_zoned(host_tz(platform)).date())
}

/// Refusals of the prefill rules as one error: the first's field, every rule in the words.
fn refusals(found: &[accordo_pathways::prefill::Refusal]) -> ServiceError {
    let words: Vec<String> = found
        .iter()
        .map(|r| format!("{} ({}): {}", r.rule, r.field, r.detail))
        .collect();
    ServiceError::refused_value(
        found.first().map_or("application", |r| r.field),
        "prefill",
        vec![(
            "rules",
            found.iter().map(|r| r.rule).collect::<Vec<_>>().join(", "),
        )],
        words.join("; "),
    )
}

/// Every rule `input` breaks, each with its field (for a form to show beside each field).
pub fn prefill_refusals(
    platform: &Platform,
    input: &NewApplication,
) -> Vec<accordo_pathways::prefill::Refusal> {
    let today = host_today(platform);
    let birth = accordo_domain::dates::parse(input.worker_birth_date.trim()).ok();
    let mut out = Vec::new();
    if birth.is_none() {
        out.push(accordo_pathways::prefill::Refusal {
            rule: "date",
            field: "worker_birth_date",
            detail: "a date as YYYY-MM-DD".into(),
        });
    }
    // A nationality that is no country's code: said at once, not only once the passport it
    // is compared with reads.
    if accordo_domain::CountryCode::parse(input.worker_nationality.trim()).is_err() {
        out.push(accordo_pathways::prefill::Refusal {
            rule: "nationality",
            field: "worker_nationality",
            detail: "a nationality as ISO 3166-1 alpha-3, e.g. PAK".into(),
        });
    }
    if Category::parse(input.category.trim()).is_none() {
        out.push(accordo_pathways::prefill::Refusal {
            rule: "category",
            field: "category",
            detail: "one of the decree's categories".into(),
        });
    }
    let category = Category::parse(input.category.trim()).unwrap_or(Category::NonSeasonal);
    let worker = accordo_pathways::prefill::Worker {
        name: &input.worker_name,
        birth_date: birth.unwrap_or(today),
        nationality: input.worker_nationality.trim(),
        mrz: &input.worker_mrz,
    };
    let offer = accordo_pathways::prefill::Offer {
        contract: input.contract.trim(),
        monthly_wage_eur: input.monthly_wage_eur,
        months: input.months,
        province: input.province.trim(),
    };
    let mut rules = accordo_pathways::prefill::check(category, &worker, &offer, today);
    // A rule that compares with a value missing or refused above would say what misleads: the
    // birth date's, a contract's and a duration's without their category, a duration's
    // without its contract.
    if birth.is_none() {
        rules.retain(|r| r.field != "worker_birth_date");
    }
    if Category::parse(input.category.trim()).is_none() {
        rules.retain(|r| !matches!(r.rule, "contract-category" | "duration"));
    }
    if accordo_pathways::Contract::parse(input.contract.trim()).is_none() {
        rules.retain(|r| r.rule != "duration");
    }
    out.extend(rules);
    out
}

/// Registers an employers' association (an agency whose users hold the employer role): it
/// files for its members and is not held to a private employer's limit. The ministry's.
pub async fn register_association(platform: &Platform, ctx: &Ctx, agency: &str) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    let found = accordo_store::accounts::list_agencies(&platform.store)
        .await?
        .into_iter()
        .find(|a| a.code == agency);
    match found {
        Some(a) if a.roles.iter().any(|r| r == "employer") => {}
        _ => {
            return Err(ServiceError::invalid(
                "agency",
                "an agency whose users may be employers",
            ));
        }
    }
    let mut rows = Inserts::new();
    store::association_row(&mut rows, agency, &ctx.actor.username, platform.now_us());
    let mut tx = platform.store.write().await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_association.register",
        policy::PATHWAYS_WINDOW.kind,
        Some(agency),
        json!({}),
        rows,
    )
    .await
    .map_err(|e| unique_to_conflict(e, "this association"))?;
    tx.commit(audited).await?;
    Ok(())
}

/// An employer pre-fills an application: checked by the law's rules at pre-filling, for the
/// window of its category and year, within the employer's limit.
pub async fn prefill(
    platform: &Platform,
    ctx: &Ctx,
    input: NewApplication,
) -> Result<ApplicationView> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::PATHWAYS_APPLICATION,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let found = prefill_refusals(platform, &input);
    if !found.is_empty() {
        return Err(refusals(&found));
    }
    let category = category_of(&input.category)?;
    let year = input
        .year
        .unwrap_or_else(|| i64::from(host_today(platform).year()));
    let agency = ctx.actor.agency.to_string();
    let nationality = input.worker_nationality.trim().to_owned();
    let window = {
        let live = platform.state::<Live>();
        let windows = read_lock(&live.windows);
        windows
            .iter()
            .find(|w| w.row.year == year && w.row.category == category.as_str())
            .cloned()
    };
    let Some(window) = window else {
        return Err(ServiceError::refused_value(
            "category",
            "no-window",
            vec![
                ("category", category.as_str().to_owned()),
                ("year", year.to_string()),
            ],
            format!("no click day is set for {} in {year}", category.as_str()),
        ));
    };
    if window.row.general_places == 0 && !window.shares.iter().any(|(c, _)| *c == nationality) {
        return Err(ServiceError::refused_value(
            "worker_nationality",
            "no-places-for-country",
            vec![("country", nationality.clone())],
            format!(
                "this window's places are reserved to the countries of its allocation, and {nationality} has none"
            ),
        ));
    }
    if platform.now_us() >= window.row.closes_at {
        return Err(ServiceError::refused_value(
            "category",
            "window-closed",
            vec![("closed", rfc3339(window.row.closes_at))],
            format!("the click day closed at {}", rfc3339(window.row.closes_at)),
        ));
    }
    let certificate = input
        .certificate_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_uppercase);
    let mrz = input.worker_mrz.trim().replace("\r\n", "\n");
    let document = accordo_mrz::check(&mrz, host_today(platform))
        .fields
        .map(|f| f.document_number)
        .unwrap_or_default();
    if let Some(code) = &certificate {
        let found = {
            let mut conn = platform.store.read().await?;
            crate::store::certificate(&mut conn, code).await?
        };
        let Some((trainee, _)) = found.filter(|(t, _)| t.revoked_on.is_empty()) else {
            return Err(ServiceError::refused_value(
                "certificate_code",
                "certificate-invalid",
                Vec::new(),
                "a valid pre-departure certificate's code, or none",
            ));
        };
        // The priority is the certified worker's: the certificate must be this worker's, by
        // the passport the course enrolled and the birth date and nationality typed here.
        if trainee.document_number != document
            || trainee.birth_date != input.worker_birth_date.trim()
            || trainee.nationality != nationality
        {
            return Err(ServiceError::refused_value(
                "certificate_code",
                "certificate-other-worker",
                Vec::new(),
                "this certificate was given to another worker: its passport number, birth date and nationality must be this worker's",
            ));
        }
    }
    let row = ApplicationRow {
        id: new_id().to_string(),
        code: public_code(),
        owner_agency: agency.clone(),
        window_id: window.row.id.clone(),
        worker_name: input.worker_name.trim().to_owned(),
        worker_birth_date: input.worker_birth_date.trim().to_owned(),
        worker_nationality: nationality,
        worker_mrz: mrz,
        worker_document: document,
        contract: input.contract.trim().to_owned(),
        monthly_wage_eur: input.monthly_wage_eur,
        months: input.months.map_or(0, i64::from),
        province: input.province.trim().to_owned(),
        certificate_code: certificate.unwrap_or_default(),
        created_by: ctx.actor.username.clone(),
        created_at: platform.now_us(),
    };
    let mut rows = Inserts::new();
    store::application_rows(&mut rows, &row);
    // The limit is counted under the agency's lock, so two pre-fillings at once cannot both
    // take the last place.
    let mut tx = platform
        .store
        .write_locked(&[lock_key("pathways-employer", &agency)], None)
        .await?;
    // An association files for its members: its applications are not counted (a click day's
    // association may have hundreds of thousands).
    let limited = !store::is_association(tx.conn(), &agency).await?;
    if limited && store::count_for_year(tx.conn(), &agency, year).await? >= EMPLOYER_LIMIT {
        return Err(ServiceError::Rules {
            rules: vec!["employer-limit".into()],
        });
    }
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_application.create",
        policy::PATHWAYS_APPLICATION.kind,
        Some(&row.id),
        json!({"window": row.window_id}),
        rows,
    )
    .await?;
    tx.commit(audited).await?;
    remember_owner(platform, &row.id, &row.owner_agency, &row.window_id);
    let joined = Joined {
        application: row,
        submission: None,
        assignment: None,
    };
    let windows = [window];
    Ok(view_of(&joined, &windows))
}

fn lock_key(space: &str, name: &str) -> u64 {
    let digest = Sha256::digest(format!("{space}\0{name}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The applications the actor may read, newest first: an employer's own, a partner's
/// nationals', every one for the host state's labour offices.
pub async fn applications(platform: &Platform, ctx: &Ctx) -> Result<Vec<ApplicationView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::PATHWAYS_APPLICATION),
    )?;
    let agency = ctx.actor.agency.to_string();
    let country = ctx.actor.country.map(|c| c.to_string());
    let everything = can(
        &ctx.actor,
        Action::Read,
        Resource::record(
            &policy::PATHWAYS_APPLICATION,
            &RecordScope::owned_by(AgencyCode::parse("ZZZ").unwrap_or_else(|_| unreachable!())),
        ),
    )
    .is_ok();
    let filter = if everything {
        store::Filter::All
    } else if ctx
        .actor
        .roles
        .contains(accordo_domain::Role::PartnerAuthority)
        && let Some(c) = country.as_deref()
    {
        store::Filter::Nationality(c)
    } else {
        store::Filter::Agency(&agency)
    };
    let mut conn = platform.store.read().await?;
    let rows = store::applications(&mut conn, filter, 5_000).await?;
    drop(conn);
    let live = platform.state::<Live>();
    let windows = read_lock(&live.windows).clone();
    Ok(rows
        .iter()
        .filter(|j| {
            can(
                &ctx.actor,
                Action::Read,
                Resource::record(&policy::PATHWAYS_APPLICATION, &scope_of(&j.application)),
            )
            .is_ok()
        })
        .map(|j| view_of(j, &windows))
        .collect())
}

/// One application, its reading audited.
pub async fn application(platform: &Platform, ctx: &Ctx, id: &str) -> Result<ApplicationView> {
    let mut conn = platform.store.read().await?;
    let joined = store::application(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("pathways_application", id))?;
    drop(conn);
    can(
        &ctx.actor,
        Action::Read,
        Resource::record(
            &policy::PATHWAYS_APPLICATION,
            &scope_of(&joined.application),
        ),
    )
    .map_err(|_| ServiceError::not_found("pathways_application", id))?;
    let mut tx = platform.store.write().await?;
    if let Some(audited) =
        audit::record_read(platform, &mut tx, ctx, &policy::PATHWAYS_APPLICATION, id).await?
    {
        tx.commit(audited).await?;
    }
    let live = platform.state::<Live>();
    let windows = read_lock(&live.windows).clone();
    let mut view = view_of(&joined, &windows);
    view.steps = steps(platform, id).await?;
    Ok(view)
}

/// What the public status page says of an application by its code: nothing about the worker
/// or the employer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub code: String,
    pub category: String,
    pub year: i64,
    pub status: String,
    pub position: Option<i64>,
    pub received_at: Option<String>,
    pub rank: Option<i64>,
    /// The steps recorded after the assignment, in order: the step and its date (not the
    /// office).
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<serde_json::Value>,
}

/// The status of the application with this code (public).
pub async fn public_status(platform: &Platform, code: &str) -> Result<PublicStatus> {
    let code = normal_code(code);
    let mut conn = platform.store.read().await?;
    let joined = store::application_by_code(&mut conn, &code)
        .await?
        .ok_or_else(|| ServiceError::not_found("pathways_application", &code))?;
    drop(conn);
    let live = platform.state::<Live>();
    let windows = read_lock(&live.windows).clone();
    let view = view_of(&joined, &windows);
    Ok(PublicStatus {
        code,
        category: view.category,
        year: view.year,
        status: view.status,
        position: view.position,
        received_at: view.received_at,
        rank: view.rank,
        steps: steps(platform, &joined.application.id)
            .await?
            .into_iter()
            .map(|s| json!({"step": s.step, "on": s.on}))
            .collect(),
    })
}

// ---- submission ----

/// The acknowledgement of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: String,
    /// The server's order of receipt in the window, from 1, gap-free.
    pub position: i64,
    /// RFC 3339, the server's clock.
    pub received_at: String,
}

/// A submission handed to the writer.
struct Job {
    application: String,
    window: String,
    agency: String,
    key: String,
    sha: String,
    ctx: Ctx,
    reply: oneshot::Sender<Result<Receipt>>,
}

/// The longest idempotency key accepted.
pub const KEY_MAX: usize = 255;

/// Submits an application: the server numbers it in its order of receipt. `key` is the
/// client's idempotency key, bound to this application and `body`.
pub async fn submit(
    platform: &Platform,
    ctx: &Ctx,
    id: &str,
    key: Option<&str>,
    body: &serde_json::Value,
) -> Result<Receipt> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::PATHWAYS_SUBMISSION),
    )?;
    let known = read_lock(&platform.state::<Live>().owners).get(id).cloned();
    let (agency, window) = match known {
        Some(k) => k,
        None => {
            let mut conn = platform.store.read().await?;
            let keys = store::application_keys(&mut conn, id).await?;
            drop(conn);
            let Some((agency, window, _)) = keys else {
                return Err(ServiceError::not_found("pathways_application", id));
            };
            remember_owner(platform, id, &agency, &window);
            (agency, window)
        }
    };
    // Only its employer submits it; anyone else is told there is no such application.
    let owner = AgencyCode::parse(&agency)
        .map_err(|_| ServiceError::not_found("pathways_application", id))?;
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::PATHWAYS_SUBMISSION, &RecordScope::owned_by(owner)),
    )
    .map_err(|_| ServiceError::not_found("pathways_application", id))?;
    let key = key.map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > KEY_MAX || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ServiceError::refused_value(
            "Idempotency-Key",
            "idempotency-key",
            Vec::new(),
            format!(
                "a header Idempotency-Key of 1 to {KEY_MAX} visible ASCII characters, the same for every retry (e.g. a UUID)"
            ),
        ));
    }
    if !body.is_object() {
        return Err(ServiceError::invalid(
            "body",
            "a JSON object ({} is enough)",
        ));
    }
    // serde_json's maps are ordered: the same object gives the same text.
    let sha = hex::encode(Sha256::digest(body.to_string().as_bytes()));
    let (reply, answer) = oneshot::channel();
    let job = Job {
        application: id.to_owned(),
        window,
        agency,
        key: key.to_owned(),
        sha,
        ctx: ctx.clone(),
        reply,
    };
    queue(platform).send(job).await.map_err(|_| writer_gone())?;
    answer.await.map_err(|_| writer_gone())?
}

fn writer_gone() -> ServiceError {
    ServiceError::Store(accordo_store::StoreError::Invalid(
        "the submission writer stopped".into(),
    ))
}

/// The writer's queue, the writer started on first use (in the runtime of that use).
fn queue(platform: &Platform) -> mpsc::Sender<Job> {
    let live = platform.state::<Live>();
    live.queue
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(Writer::run(platform.clone(), rx));
            tx
        })
        .clone()
}

/// The one writer of a node's submissions.
struct Writer;

impl Writer {
    async fn run(platform: Platform, mut rx: mpsc::Receiver<Job>) {
        let mut batch = Vec::with_capacity(BATCH_MAX);
        while rx.recv_many(&mut batch, BATCH_MAX).await > 0 {
            let jobs = std::mem::take(&mut batch);
            match write_batch(&platform, &jobs).await {
                Ok(answers) => answer(jobs, answers),
                Err(e) if jobs.len() == 1 => answer(jobs, vec![Err(e)]),
                Err(e) => {
                    // One submission's fault (say another node took its key at the same
                    // moment) must not fail the others: each alone, in order.
                    tracing::warn!(error = %e, batch = jobs.len(), "a batch of submissions failed; writing them one by one");
                    for job in jobs {
                        let one = [job];
                        let result = write_batch(&platform, &one)
                            .await
                            .and_then(|mut r| r.pop().unwrap_or_else(|| Err(writer_gone())));
                        answer(Vec::from(one), vec![result]);
                    }
                }
            }
        }
    }
}

fn answer(jobs: Vec<Job>, answers: Vec<Result<Receipt>>) {
    for (job, result) in jobs.into_iter().zip(answers) {
        // A client that went away is told nothing; its submission stands.
        let _ = job.reply.send(result);
    }
}

/// Writes a batch in one transaction and says what each job is answered.
async fn write_batch(platform: &Platform, jobs: &[Job]) -> Result<Vec<Result<Receipt>>> {
    let mut tx = platform.store.write().await?;
    let now = platform.now_us();
    // The counters, in one order on every node.
    let windows: BTreeSet<&str> = jobs.iter().map(|j| j.window.as_str()).collect();
    let mut counters: HashMap<&str, (i64, i64, i64)> = HashMap::new();
    for w in &windows {
        if let Some(c) = store::lock_window(&mut tx, w).await? {
            counters.insert(w, c);
        }
    }
    let ids: Vec<&str> = jobs.iter().map(|j| j.application.as_str()).collect();
    let keys: Vec<(&str, &str)> = jobs
        .iter()
        .map(|j| (j.agency.as_str(), j.key.as_str()))
        .collect();
    let mut by_application: HashMap<String, SubmissionRow> = HashMap::new();
    let mut by_key: HashMap<(String, String), String> = HashMap::new();
    for (application, agency, row) in store::existing(&mut tx, &ids, &keys).await? {
        by_key.insert((agency, row.idempotency_key.clone()), application.clone());
        by_application.insert(application, row);
    }
    let mut answers = Vec::with_capacity(jobs.len());
    let mut rows = Inserts::new();
    let mut entries = Vec::new();
    let mut written = Vec::new();
    for job in jobs {
        let receipt = |row: &SubmissionRow| Receipt {
            id: job.application.clone(),
            position: row.position,
            received_at: rfc3339(row.received_at),
        };
        if let Some(row) = by_application.get(&job.application) {
            answers.push(
                if row.idempotency_key == job.key && row.body_sha256 == job.sha {
                    Ok(receipt(row))
                } else if row.idempotency_key == job.key {
                    Err(ServiceError::refused_value(
                        "Idempotency-Key",
                        "key-other-body",
                        Vec::new(),
                        "this key was used with another body: a retry sends the same body",
                    ))
                } else {
                    Err(ServiceError::refused_value(
                        "application",
                        "already-submitted",
                        vec![("position", row.position.to_string())],
                        format!(
                            "submitted already, at position {}, under another key",
                            row.position
                        ),
                    ))
                },
            );
            continue;
        }
        if by_key.contains_key(&(job.agency.clone(), job.key.clone())) {
            answers.push(Err(ServiceError::refused_value(
                "Idempotency-Key",
                "key-other-application",
                Vec::new(),
                "this key was used for another application: each application has its own",
            )));
            continue;
        }
        let Some((received, opens, closes)) = counters.get_mut(job.window.as_str()) else {
            answers.push(Err(ServiceError::not_found("pathways_window", &job.window)));
            continue;
        };
        if now < *opens {
            answers.push(Err(ServiceError::refused_value(
                "window",
                "window-not-open",
                vec![("opens", rfc3339(*opens))],
                format!("the click day opens at {}", rfc3339(*opens)),
            )));
            continue;
        }
        if now >= *closes {
            answers.push(Err(ServiceError::refused_value(
                "window",
                "window-closed",
                vec![("closed", rfc3339(*closes))],
                format!("the click day closed at {}", rfc3339(*closes)),
            )));
            continue;
        }
        *received += 1;
        let row = SubmissionRow {
            position: *received,
            received_at: now,
            idempotency_key: job.key.clone(),
            body_sha256: job.sha.clone(),
        };
        store::submission_rows(
            &mut rows,
            &store::NewSubmission {
                application_id: &job.application,
                window_id: &job.window,
                owner_agency: &job.agency,
                submitted_by: &job.ctx.actor.username,
                row: &row,
            },
        );
        entries.push(audit::BatchEntry {
            ctx: &job.ctx,
            action: "pathways_application.submit",
            kind: policy::PATHWAYS_APPLICATION.kind,
            resource_id: Some(job.application.clone()),
            details: json!({"position": row.position, "window": job.window}),
        });
        answers.push(Ok(receipt(&row)));
        by_key.insert(
            (job.agency.clone(), job.key.clone()),
            job.application.clone(),
        );
        by_application.insert(job.application.clone(), row);
        written.push(job.window.as_str());
    }
    if entries.is_empty() {
        // Nothing new: the transaction ends without a write.
        return Ok(answers);
    }
    for (w, (received, _, _)) in &counters {
        if written.contains(w) {
            store::set_received(&mut tx, w, *received).await?;
        }
    }
    let (audited, _) = audit::record_each(platform, &mut tx, entries, rows).await?;
    tx.commit(audited).await?;
    let live = platform.state::<Live>();
    let mut memory = write_lock(&live.windows);
    for w in memory.iter_mut() {
        if let Some((received, _, _)) = counters.get(w.row.id.as_str()) {
            w.row.received = w.row.received.max(*received);
        }
    }
    Ok(answers)
}

// ---- assignment ----

/// What an assignment gave.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentSummary {
    pub window: String,
    pub policy: String,
    pub received: i64,
    pub assigned: i64,
    pub reserve: i64,
    /// Places given from each share (`general` for those open to all).
    pub by_share: BTreeMap<String, i64>,
}

/// Assigns a closed window's places under its policy, once.
pub async fn assign(platform: &Platform, ctx: &Ctx, window_id: &str) -> Result<AssignmentSummary> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    let window = {
        let live = platform.state::<Live>();
        let windows = read_lock(&live.windows);
        windows.iter().find(|w| w.row.id == window_id).cloned()
    }
    .ok_or_else(|| ServiceError::not_found("pathways_window", window_id))?;
    if platform.now_us() < window.row.closes_at {
        return Err(ServiceError::refused_value(
            "window",
            "window-still-open",
            vec![("closes", rfc3339(window.row.closes_at))],
            format!(
                "places are assigned once the window closes, at {}",
                rfc3339(window.row.closes_at)
            ),
        ));
    }
    let policy: Policy = serde_json::from_str(&window.row.policy).unwrap_or(Policy::TimeOrder);
    let mut tx = platform
        .store
        .write_locked(&[lock_key("pathways-assign", window_id)], None)
        .await?;
    let Some(_) = store::lock_window(&mut tx, window_id).await? else {
        return Err(ServiceError::not_found("pathways_window", window_id));
    };
    let current = store::window(tx.conn(), window_id).await?;
    if current.is_some_and(|w| w.assigned_at > 0) {
        return Err(ServiceError::Rules {
            rules: vec!["assigned-once".into()],
        });
    }
    let rows = store::entries(tx.conn(), window_id).await?;
    let entries: Vec<accordo_pathways::Entry> = rows
        .iter()
        .map(
            |(_, position, received, nationality, certified)| accordo_pathways::Entry {
                position: *position as u64,
                received_us: *received,
                nationality: nationality.clone(),
                certified: *certified,
            },
        )
        .collect();
    let places = Places {
        general: window.row.general_places as u64,
        shares: window
            .shares
            .iter()
            .map(|(c, n)| (c.clone(), *n as u64))
            .collect(),
    };
    let outcomes = accordo_pathways::assign(&entries, &places, &policy, window.row.opens_at);
    let mut inserts = Inserts::new();
    let mut summary = AssignmentSummary {
        window: window_id.to_owned(),
        policy: policy.name().to_owned(),
        received: rows.len() as i64,
        assigned: 0,
        reserve: 0,
        by_share: BTreeMap::new(),
    };
    for ((application, ..), outcome) in rows.iter().zip(&outcomes) {
        match outcome {
            Outcome::Assigned { share, rank } => {
                summary.assigned += 1;
                *summary
                    .by_share
                    .entry(share.clone().unwrap_or_else(|| "general".into()))
                    .or_default() += 1;
                store::assignment_row(
                    &mut inserts,
                    application,
                    window_id,
                    "assigned",
                    share.as_deref().unwrap_or(""),
                    *rank as i64,
                );
            }
            Outcome::Reserve { rank } => {
                summary.reserve += 1;
                store::assignment_row(
                    &mut inserts,
                    application,
                    window_id,
                    "reserve",
                    "",
                    *rank as i64,
                );
            }
        }
    }
    let now = platform.now_us();
    store::set_assigned(&mut tx, window_id, now).await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_window.assign",
        policy::PATHWAYS_WINDOW.kind,
        Some(window_id),
        json!({"policy": summary.policy, "assigned": summary.assigned, "reserve": summary.reserve}),
        inserts,
    )
    .await?;
    tx.commit(audited).await?;
    let live = platform.state::<Live>();
    if let Some(w) = write_lock(&live.windows)
        .iter_mut()
        .find(|w| w.row.id == window_id)
    {
        w.row.assigned_at = now;
    }
    Ok(summary)
}

/// The gap-free check: every position of a window from 1 to its count, once, in the order
/// of receipt. For tests and the load benchmark's check after a restart.
pub async fn positions(platform: &Platform, window_id: &str) -> Result<Vec<(i64, i64)>> {
    let mut conn = platform.store.read().await?;
    Ok(store::positions(&mut conn, window_id).await?)
}

/// A shared handle the pages use to know the windows without a query.
pub fn window_of(platform: &Platform, id: &str) -> Option<WindowView> {
    let now = platform.now_us();
    let live: Arc<Live> = platform.state::<Live>();
    read_lock(&live.windows)
        .iter()
        .find(|w| w.row.id == id)
        .map(|w| window_view(w, now))
}

// ---- simulation ----

/// The same day of demand under both policies.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Simulation {
    pub places: u64,
    pub applications: u64,
    pub seed: u64,
    pub lottery_minutes: u32,
    /// Where the day's figures come from, and what is assumed.
    pub source: String,
    #[schema(value_type = Vec<Object>)]
    pub time_order: Vec<accordo_pathways::simulate::Share>,
    #[schema(value_type = Vec<Object>)]
    pub lottery: Vec<accordo_pathways::simulate::Share>,
}

/// The Ministry's published counts of the click days (data/click-days, with its provenance).
const CLICK_DAYS: &str = include_str!("../data/click-days/click_days.csv");

/// The places of the three click days of March 2024 together (the source gives the total only).
const MARCH_2024_PLACES: u64 = 151_000;

/// March 2024's click days as published: (submissions in all, in the first five minutes).
pub fn march_2024() -> (u64, u64) {
    CLICK_DAYS
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("2024-03-"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((
                f.get(5)?.parse::<u64>().ok()?,
                f.get(4)?.parse::<u64>().ok()?,
            ))
        })
        .fold((0, 0), |(t, e), (total, early)| (t + total, e + early))
}

/// The shipped days of demand: (name, demand, source).
pub fn scenarios() -> Vec<(
    &'static str,
    accordo_pathways::simulate::Demand,
    &'static str,
)> {
    use accordo_pathways::simulate::{Demand, Group};
    let (total, _) = march_2024();
    let group = |name: &str, share: f64, median_seconds: f64, spread: f64| Group {
        name: name.to_owned(),
        applications: (total as f64 * share).round() as u64,
        median_seconds,
        spread,
    };
    // The split and the delays are assumptions, chosen so that the share received in the first
    // five minutes is the Ministry's (a test holds them to it).
    let mut groups = vec![
        group("automated", 0.10, 3.0, 1.0),
        group("associations", 0.20, 150.0, 1.0),
        group("by_hand", 0.70, 14_400.0, 1.5),
    ];
    // The rounding's remainder to those by hand: the total is the published one.
    let drawn: u64 = groups.iter().map(|g| g.applications).sum();
    if let Some(last) = groups.last_mut() {
        last.applications = (last.applications + total).saturating_sub(drawn);
    }
    vec![(
        "march-2024",
        Demand {
            places: MARCH_2024_PLACES,
            groups,
        },
        "689,047 submissions for 151,000 places on the click days of March 2024, 25.6% of them in the first five minutes (Ministry of the Interior, 27 March 2024; data/click-days/PROVENANCE.md). How fast each kind of submitter sends (10% by software in seconds, 20% through associations in minutes, 70% by hand over the day) is an assumption fitted to that share, not a statistic.",
    )]
}

/// Both policies on a shipped scenario or a given day of demand.
pub fn simulate(
    platform: &Platform,
    ctx: &Ctx,
    scenario: Option<&str>,
    demand: Option<accordo_pathways::simulate::Demand>,
    seed: u64,
    lottery_minutes: u32,
) -> Result<Simulation> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    let key = scenario.map(|n| (n.trim().to_owned(), seed, lottery_minutes));
    if let Some(key) = &key {
        let live = platform.state::<Live>();
        let kept = live.simulations.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = kept.get(key) {
            return Ok(found.clone());
        }
    }
    let (demand, source) = match (scenario.map(str::trim), demand) {
        (Some(name), None) => scenarios()
            .into_iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, d, s)| (d, s.to_owned()))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "scenario",
                    format!(
                        "one of: {}",
                        scenarios()
                            .iter()
                            .map(|s| s.0)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        (None, Some(d)) => (d, "the demand given".to_owned()),
        _ => {
            return Err(ServiceError::invalid(
                "scenario",
                "a scenario's name or a demand, one of the two",
            ));
        }
    };
    if !(1..=24 * 60).contains(&lottery_minutes) {
        return Err(ServiceError::invalid(
            "lottery_minutes",
            "1 to 1,440 minutes",
        ));
    }
    let refused = || {
        ServiceError::invalid(
            "demand",
            format!(
                "at most {} applications, each group's median a positive number of seconds and its spread 0 or more",
                accordo_pathways::simulate::MAX_APPLICATIONS
            ),
        )
    };
    let time_order = accordo_pathways::simulate::simulate(&demand, &Policy::TimeOrder, seed)
        .ok_or_else(refused)?;
    let lottery = accordo_pathways::simulate::simulate(
        &demand,
        &Policy::Lottery {
            minutes: lottery_minutes,
            seed,
        },
        seed,
    )
    .ok_or_else(refused)?;
    let simulation = Simulation {
        places: demand.places,
        applications: demand.groups.iter().map(|g| g.applications).sum(),
        seed,
        lottery_minutes,
        source,
        time_order,
        lottery,
    };
    if let Some(key) = key {
        let live = platform.state::<Live>();
        let mut kept = live.simulations.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= SIMULATIONS_KEPT {
            kept.clear();
        }
        kept.insert(key, simulation.clone());
    }
    Ok(simulation)
}

// ---- after the click day ----

/// One step of an application's path.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    /// `authorisation` (nulla osta), `visa`, `arrival`, `residence_permit`, `contract_signed`.
    pub step: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    /// The agency that recorded it.
    pub office: String,
}

/// The steps of an application, in order.
pub async fn steps(platform: &Platform, id: &str) -> Result<Vec<StepView>> {
    let mut conn = platform.store.read().await?;
    Ok(store::steps(&mut conn, id)
        .await?
        .into_iter()
        .map(|(step, on, office)| StepView { step, on, office })
        .collect())
}

/// Records the next step of an assigned application's path, with its date: the host state's
/// offices, each step after the one before it, never in the future. Audited.
pub async fn record_step(
    platform: &Platform,
    ctx: &Ctx,
    id: &str,
    step: &str,
    on: &str,
) -> Result<Vec<StepView>> {
    let mut conn = platform.store.read().await?;
    let joined = store::application(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("pathways_application", id))?;
    let done = store::steps(&mut conn, id).await?;
    drop(conn);
    let scope = scope_of(&joined.application);
    can(
        &ctx.actor,
        Action::Read,
        Resource::record(&policy::PATHWAYS_APPLICATION, &scope),
    )
    .map_err(|_| ServiceError::not_found("pathways_application", id))?;
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::PATHWAYS_APPLICATION, &scope),
    )?;
    if status_of(&joined) != "assigned" {
        return Err(ServiceError::Rules {
            rules: vec!["step-needs-place".into()],
        });
    }
    let Some(index) = accordo_pathways::STEPS
        .iter()
        .position(|s| *s == step.trim())
    else {
        return Err(ServiceError::invalid(
            "step",
            format!("one of: {}", accordo_pathways::STEPS.join(", ")),
        ));
    };
    if done.len() != index {
        return Err(ServiceError::refused_value(
            "step",
            "step-order",
            vec![(
                "next",
                accordo_pathways::STEPS
                    .get(done.len())
                    .copied()
                    .unwrap_or("none")
                    .to_owned(),
            )],
            format!(
                "the steps follow one another: the next is {}",
                accordo_pathways::STEPS
                    .get(done.len())
                    .copied()
                    .unwrap_or("none (the path is complete)")
            ),
        ));
    }
    let date = accordo_domain::dates::parse(on.trim())
        .map_err(|e| ServiceError::invalid("on", e.to_string()))?;
    if date > host_today(platform) {
        return Err(ServiceError::refused_value(
            "on",
            "step-future",
            Vec::new(),
            "a step is recorded once it has happened: not a future date",
        ));
    }
    if let Some((_, last, _)) = done.last()
        && date.to_string() < *last
    {
        return Err(ServiceError::refused_value(
            "on",
            "step-before-previous",
            vec![("previous", last.clone())],
            format!("on or after the previous step's date, {last}"),
        ));
    }
    // The first step follows the click day: not before the day the application was received.
    if done.is_empty()
        && let Some(received) = joined
            .submission
            .as_ref()
            .and_then(|s| host_day(platform, s.received_at))
        && date < received
    {
        return Err(ServiceError::refused_value(
            "on",
            "step-before-receipt",
            vec![("received", received.to_string())],
            format!("on or after the day the application was received, {received}"),
        ));
    }
    let mut rows = Inserts::new();
    store::step_row(
        &mut rows,
        id,
        accordo_pathways::STEPS[index],
        &date.to_string(),
        ctx.actor.agency.as_str(),
        &ctx.actor.username,
        platform.now_us(),
    );
    let mut tx = platform.store.write().await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_application.step",
        policy::PATHWAYS_APPLICATION.kind,
        Some(id),
        json!({"step": accordo_pathways::STEPS[index], "on": date.to_string()}),
        rows,
    )
    .await
    .map_err(|e| unique_to_conflict(e, "this step"))?;
    tx.commit(audited).await?;
    steps(platform, id).await
}

/// How far a group of assigned places went: the figure that shows where quotas stop becoming
/// permits.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Funnel {
    pub category: String,
    pub year: i64,
    /// The nationality, or `all`.
    pub country: String,
    /// The province, or `all`.
    pub province: String,
    /// The window's places (for `all` and `all`), else `None`.
    pub places: Option<i64>,
    pub assigned: i64,
    pub authorisation: i64,
    pub visa: i64,
    pub arrival: i64,
    pub residence_permit: i64,
    pub contract_signed: i64,
    /// Residence permits over places (over assigned places below the window's line).
    pub permit_share: f64,
}

/// The path of every window's assigned places, whole and by nationality and province. A
/// partner's authorities see their nationals' lines only.
pub async fn outcomes(platform: &Platform, ctx: &Ctx) -> Result<Vec<Funnel>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    )?;
    let own_country = (!ctx.actor.host_state
        && ctx
            .actor
            .roles
            .contains(accordo_domain::Role::PartnerAuthority))
    .then(|| ctx.actor.country.map(|c| c.to_string()))
    .flatten();
    let partner_only = !ctx.actor.host_state && !ctx.actor.operator;
    let mut conn = platform.store.read().await?;
    let paths = store::paths(&mut conn).await?;
    drop(conn);
    let live = platform.state::<Live>();
    let windows = read_lock(&live.windows).clone();
    let mut lines: BTreeMap<(String, String, String, String), Funnel> = BTreeMap::new();
    for (window, nationality, province, reached) in paths {
        let Some(w) = windows.iter().find(|w| w.row.id == window) else {
            continue;
        };
        let keys = [
            ("all".to_owned(), "all".to_owned()),
            (nationality.clone(), "all".to_owned()),
            ("all".to_owned(), province.clone()),
        ];
        for (country, prov) in keys {
            let f = lines
                .entry((
                    w.row.id.clone(),
                    w.row.category.clone(),
                    country.clone(),
                    prov.clone(),
                ))
                .or_insert_with(|| Funnel {
                    category: w.row.category.clone(),
                    year: w.row.year,
                    country,
                    province: prov,
                    ..Funnel::default()
                });
            f.assigned += 1;
            for step in &reached {
                match step.as_str() {
                    "authorisation" => f.authorisation += 1,
                    "visa" => f.visa += 1,
                    "arrival" => f.arrival += 1,
                    "residence_permit" => f.residence_permit += 1,
                    "contract_signed" => f.contract_signed += 1,
                    _ => {}
                }
            }
        }
    }
    let mut out: Vec<Funnel> = lines
        .into_iter()
        .map(|((window, ..), mut f)| {
            if f.country == "all" && f.province == "all" {
                let places = windows
                    .iter()
                    .find(|w| w.row.id == window)
                    .map(|w| w.row.general_places + w.shares.iter().map(|s| s.1).sum::<i64>());
                f.places = places;
            }
            let base = f.places.unwrap_or(f.assigned).max(1);
            f.permit_share = f.residence_permit as f64 / base as f64;
            f
        })
        .collect();
    if partner_only {
        // A partner sees its nationals' lines, nothing of another's.
        out.retain(|f| own_country.as_deref() == Some(f.country.as_str()));
    }
    out.sort_by(|a, b| {
        (
            b.year,
            &a.category,
            a.country != "all",
            &a.country,
            a.province != "all",
            &a.province,
        )
            .cmp(&(
                a.year,
                &b.category,
                b.country != "all",
                &b.country,
                b.province != "all",
                &b.province,
            ))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_code_is_found_however_it_is_typed() {
        for typed in [
            "8SSP-UCVK-RU9U",
            "8sspucvkru9u",
            " 8SSP UCVK RU9U ",
            "8ssp-ucvk ru9u",
        ] {
            assert_eq!(normal_code(typed), "8SSP-UCVK-RU9U", "{typed:?}");
        }
        // Not a code: left as it was typed, found by nothing.
        assert_eq!(normal_code("abc"), "ABC");
        assert_eq!(normal_code("8SSP-UCVK-RU9U-X"), "8SSP-UCVK-RU9U-X");
        assert_eq!(normal_code("ÀSSP UCVK RU9U"), "ÀSSP UCVK RU9U");
    }

    #[test]
    fn march_2024_is_the_ministrys_count_and_the_scenario_fits_its_first_five_minutes() {
        let (total, early) = march_2024();
        assert_eq!((total, early), (689_047, 176_650));
        let (_, demand, _) = scenarios().remove(0);
        assert_eq!(
            demand.groups.iter().map(|g| g.applications).sum::<u64>(),
            total
        );
        // The share the scenario's delays put in the first five minutes, in expectation: the
        // normal distribution's function at each group's log-delay.
        let phi = |z: f64| 0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2));
        let expected: f64 = demand
            .groups
            .iter()
            .map(|g| g.applications as f64 * phi((300.0_f64 / g.median_seconds).ln() / g.spread))
            .sum::<f64>()
            / total as f64;
        let published = early as f64 / total as f64;
        assert!(
            (expected - published).abs() < 0.01,
            "the scenario puts {expected:.3} in the first five minutes, the Ministry {published:.3}"
        );
    }

    /// The error function (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
    fn erf(x: f64) -> f64 {
        let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
        let y = 1.0
            - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736)
                * t
                + 0.254_829_592)
                * t
                * (-x * x).exp();
        y.copysign(x)
    }
}
