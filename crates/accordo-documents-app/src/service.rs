//! The documents pillar: one check of a travel document (its MRZ, the shared register),
//! reports to the register, their withdrawal and bulk import.
//!
//! Checks are answered from [`Register`], an in-memory index of the fingerprints of every
//! live report, built at start and kept current on every write: on this node directly, and
//! on every other `serve` node through PostgreSQL's notifications ([`follow_changes`]). A hit
//! in the index is confirmed in the database, audited, and notified to the reporting agency.

use accordo_mrz::message::{Arg, Message};
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::store::{self as store, AlertRow, Heard, NewAlert, NewReport, ReportRow};
use accordo_documents::alert::AlertTarget;
use accordo_documents::{DocumentKey, Index, Status, import};
use accordo_domain::Handling;
use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, RecordScope, can};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications, sharing};

use crate::policy;

/// At most this many MRZs in one batch check.
pub const BATCH_MAX: usize = 10_000;

/// The in-memory index of the register, shared by every request of this node.
#[derive(Debug, Default)]
pub struct Register {
    index: RwLock<Index>,
    loaded: AtomicBool,
}

impl Register {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Documents with a live report, as the index counts them.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::SeqCst)
    }
}

/// (Re)builds the index from the database.
pub async fn load_index(platform: &Platform) -> Result<u64> {
    let mut fresh = Index::default();
    let count = store::for_each_live_key(&platform.store, |key| {
        fresh.insert(accordo_documents::Fingerprint::of(key.as_bytes()));
    })
    .await?;
    *platform.state::<Register>().write() = fresh;
    platform
        .state::<Register>()
        .loaded
        .store(true, Ordering::SeqCst);
    Ok(count)
}

/// Brings one key of the index in line with the database (after a write here or elsewhere).
async fn refresh_key(platform: &Platform, doc_key: &str) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let live = store::is_live(&mut conn, doc_key).await?;
    drop(conn);
    let f = accordo_documents::Fingerprint::of(doc_key.as_bytes());
    let register = platform.state::<Register>();
    let mut index = register.write();
    if live {
        index.insert(f);
    } else {
        index.remove(f);
    }
    Ok(())
}

/// Follows the other nodes' changes until the connection cannot be made again. Returns at
/// once on SQLite, where this node is the only one.
pub async fn follow_changes(platform: Platform) -> Result<()> {
    let Some(mut changes) = store::listen(&platform.store).await? else {
        return Ok(());
    };
    // Anything written between the first load and the LISTEN is caught by a second load.
    load_index(&platform).await?;
    loop {
        match changes.next().await? {
            Heard::Key(key) => refresh_key(&platform, &key).await?,
            Heard::Everything => {
                load_index(&platform).await?;
            }
        }
    }
}

/// A report to make.
#[derive(Debug, Clone)]
pub struct NewReportInput {
    pub issuing_state: String,
    pub document_type: String,
    pub document_number: String,
    pub status: String,
    /// YYYY-MM-DD; today when empty.
    pub reported_on: String,
    pub notes: String,
}

fn today(platform: &Platform) -> jiff::civil::Date {
    platform
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn key_error(e: accordo_documents::KeyError) -> ServiceError {
    let text = e.to_string();
    match text.split_once(": ") {
        Some((field, message)) => ServiceError::invalid(field, message),
        None => ServiceError::invalid("document_number", text),
    }
}

/// Reports a document to the register, as the caller's agency.
pub async fn report(platform: &Platform, ctx: &Ctx, input: NewReportInput) -> Result<ReportRow> {
    let own = RecordScope::owned_by(ctx.actor.agency.clone());
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::DOCUMENT_REPORT, &own),
    )?;
    let key = DocumentKey::new(
        &input.issuing_state,
        &input.document_type,
        &input.document_number,
    )
    .map_err(key_error)?;
    let status = Status::parse(input.status.trim()).ok_or_else(|| {
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        ServiceError::invalid("status", format!("expected one of {}", all.join(", ")))
    })?;
    let today = today(platform);
    let reported_on = match input.reported_on.trim() {
        "" => today,
        text => accordo_domain::dates::parse(text)
            .map_err(|message| ServiceError::invalid("reported_on", message))?,
    };
    if reported_on > today {
        return Err(ServiceError::refused_value(
            "reported_on",
            "date-future",
            Vec::new(),
            "is in the future",
        ));
    }
    if input.notes.chars().count() > import::MAX_NOTES {
        return Err(ServiceError::invalid(
            "notes",
            format!("longer than {} characters", import::MAX_NOTES),
        ));
    }
    let id = new_id();
    let text = key.as_text();
    let kind = key.document_type.to_string();
    let date = reported_on.to_string();
    let agency = ctx.actor.agency.to_string();
    let new = NewReport {
        id,
        doc_key: &text,
        issuing_state: &key.issuing_state,
        document_type: &kind,
        document_number: &key.document_number,
        status: status.as_str(),
        owner_agency: &agency,
        reported_on: &date,
        notes: input.notes.trim(),
        created_by: &ctx.actor.username,
    };
    let mut tx = platform.store.write().await?;
    store::insert(&mut tx, std::slice::from_ref(&new), platform.now_us()).await?;
    store::announce(&mut tx, &[&text]).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "document_report.create",
        policy::DOCUMENT_REPORT.kind,
        Some(&id.to_string()),
        json!({"document": text, "status": status.as_str()}),
    )
    .await?;
    tx.commit(audited).await?;
    platform
        .state::<Register>()
        .write()
        .insert(key.fingerprint());
    let mut conn = platform.store.read().await?;
    store::get(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("document_report", id))
}

/// What a bulk import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Every row was written, owned by this agency.
    Written(usize),
    /// The file was refused whole: these errors (at most `import::MAX_LISTED`) of this many
    /// bad rows. Nothing was written.
    Refused(Vec<import::RowError>, usize),
}

/// Imports a CSV file into the register for `agency` (the caller's own; another agency's
/// only for the operator's admin), in one transaction.
pub async fn import_csv(
    platform: &Platform,
    ctx: &Ctx,
    agency: &str,
    bytes: &[u8],
    mut progress: impl FnMut(usize, usize),
) -> Result<Imported> {
    let owner =
        AgencyCode::parse(agency).map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    let scope = RecordScope::owned_by(owner);
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::DOCUMENT_REPORT, &scope),
    )?;
    let mut conn = platform.store.read().await?;
    if accordo_store::accounts::find_agency(&mut conn, agency)
        .await?
        .is_none()
    {
        return Err(ServiceError::invalid(
            "agency",
            format!("there is no agency `{agency}`: see `GET /api/v1/agencies`"),
        ));
    }
    drop(conn);
    let rows = match import::parse(bytes, today(platform)) {
        Ok(rows) => rows,
        Err((errors, bad)) => return Ok(Imported::Refused(errors, bad)),
    };
    let prepared: Vec<(Uuid, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                new_id(),
                r.key.as_text(),
                r.key.document_type.to_string(),
                r.reported_on.to_string(),
            )
        })
        .collect();
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let total = rows.len();
    let mut written = 0;
    for (chunk_rows, chunk_prepared) in rows.chunks(2000).zip(prepared.chunks(2000)) {
        let batch: Vec<NewReport<'_>> = chunk_rows
            .iter()
            .zip(chunk_prepared)
            .map(|(r, (id, text, kind, date))| NewReport {
                id: *id,
                doc_key: text,
                issuing_state: &r.key.issuing_state,
                document_type: kind,
                document_number: &r.key.document_number,
                status: r.status.as_str(),
                owner_agency: agency,
                reported_on: date,
                notes: &r.notes,
                created_by: &ctx.actor.username,
            })
            .collect();
        store::insert(&mut tx, &batch, now).await?;
        written += batch.len();
        progress(written, total);
    }
    store::announce(&mut tx, &[store::EVERYTHING]).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "document_report.import",
        policy::DOCUMENT_REPORT.kind,
        None,
        json!({"agency": agency, "rows": total}),
    )
    .await?;
    tx.commit(audited).await?;
    {
        let register = platform.state::<Register>();
        let mut index = register.write();
        for r in &rows {
            index.insert(r.key.fingerprint());
        }
    }
    Ok(Imported::Written(total))
}

fn report_scope(row: &ReportRow) -> Result<RecordScope> {
    let owner = AgencyCode::parse(&row.owner_agency)
        .map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    Ok(RecordScope::owned_by(owner))
}

/// Withdraws a report; only its agency may.
pub async fn withdraw(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<ReportRow> {
    let mut conn = platform.store.read().await?;
    let found = store::get(&mut conn, id).await?;
    drop(conn);
    let Some(row) = found else {
        return Err(ServiceError::not_found("document_report", id));
    };
    let scope = report_scope(&row)?;
    let resource = Resource::record(&policy::DOCUMENT_REPORT, &scope);
    if can(&ctx.actor, Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("document_report", id));
    }
    can(&ctx.actor, Action::Delete, resource)?;
    let mut tx = platform.store.write().await?;
    if !store::withdraw(&mut tx, id, &ctx.actor.username, platform.now_us()).await? {
        return Err(ServiceError::Rules {
            rules: vec!["already_withdrawn".into()],
        });
    }
    store::announce(&mut tx, &[&row.doc_key]).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "document_report.withdraw",
        policy::DOCUMENT_REPORT.kind,
        Some(&id.to_string()),
        json!({"document": row.doc_key}),
    )
    .await?;
    tx.commit(audited).await?;
    refresh_key(platform, &row.doc_key).await?;
    let mut conn = platform.store.read().await?;
    store::get(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("document_report", id))
}

/// The caller's agency's reports (the operator's admin: all), newest first.
pub async fn list(
    platform: &Platform,
    ctx: &Ctx,
    number: Option<&str>,
    include_withdrawn: bool,
) -> Result<Vec<ReportRow>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::DOCUMENT_REPORT)?;
    // The start of a number as the register keeps it: letters and digits, with the spaces,
    // hyphens and fillers people type dropped. Anything else (`%`, `_`) is refused, not
    // dropped: a search for `%` must not silently list every report.
    let number = number
        .filter(|n| !n.is_empty())
        .map(|n| {
            if let Some(bad) = n
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '<')))
            {
                return Err(ServiceError::invalid(
                    "number",
                    format!("`{bad}` is not part of a document number: letters and digits only"),
                ));
            }
            let kept: String = n
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            if kept.is_empty() {
                return Err(ServiceError::refused_value(
                    "number",
                    "number-prefix",
                    Vec::new(),
                    "give the start of a document number (letters and digits)",
                ));
            }
            Ok(kept)
        })
        .transpose()?;
    let mut conn = platform.store.read().await?;
    Ok(store::list(&mut conn, &scope, number.as_deref(), include_withdrawn, 500).await?)
}

/// A report found by a check: what the checker may know of it (not the reporting agency's
/// notes, which stay with its agency).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub report_id: Uuid,
    pub status: String,
    pub reporting_agency: String,
    pub reported_on: String,
}

/// The one-word answer of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Clear,
    InvalidMrz,
    RegisterHit,
    AlertMatch,
}

/// Everything a check found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckOutcome {
    pub verdict: Verdict,
    /// The document's expiry date has passed: not a sign of forgery (the verdict can stay
    /// `clear`), but a warning to whoever holds it, never a green light.
    pub expired: bool,
    /// The expiry date, when the zone gives one.
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<jiff::civil::Date>,
    /// Every reason behind the verdict, most serious first, in English.
    pub reasons: Vec<String>,
    /// The same reasons as messages of the catalogues (`documents-reason-*`), for a reader of
    /// another language.
    #[schema(value_type = Vec<Object>)]
    pub reason_messages: Vec<Message>,
    /// The MRZ check: every check by its stable name, the fields, the OCR suggestion.
    #[schema(value_type = Object)]
    pub mrz: accordo_mrz::Report,
    pub register_hits: Vec<Hit>,
    /// Forgery alerts the checker may read that match the document.
    pub alerts: Vec<Alert>,
}

fn key_of(report: &accordo_mrz::Report) -> Option<DocumentKey> {
    let fields = report.fields.as_ref()?;
    DocumentKey::new(
        &fields.issuing_state,
        &fields.document_code,
        &fields.document_number,
    )
    .ok()
}

/// Checks MRZs: each against the rules, the register and the alerts. Register hits are
/// audited and notified to the reporting agency, all in one transaction.
pub async fn check(platform: &Platform, ctx: &Ctx, mrzs: &[&str]) -> Result<Vec<CheckOutcome>> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::DOCUMENT_CHECK),
    )?;
    if mrzs.len() > BATCH_MAX {
        return Err(ServiceError::invalid(
            "mrzs",
            format!(
                "at most {BATCH_MAX} MRZs in one check; this batch has {}",
                mrzs.len()
            ),
        ));
    }
    let today = today(platform);
    let reports: Vec<accordo_mrz::Report> =
        mrzs.iter().map(|m| accordo_mrz::check(m, today)).collect();
    let keys: Vec<Option<DocumentKey>> = reports.iter().map(key_of).collect();
    let alerts: Vec<(AlertTarget, Alert)> = visible_alerts(platform, ctx, false)
        .await?
        .into_iter()
        .filter_map(|a| Some((target_of(&a)?, a)))
        .collect();
    // Fingerprint the whole batch first, then look up under the lock: the lookups' cache
    // misses overlap and the lock is held only for them (bench/register measures both).
    let fingerprints: Vec<Option<accordo_documents::Fingerprint>> = keys
        .iter()
        .map(|k| k.as_ref().map(DocumentKey::fingerprint))
        .collect();
    let candidates: Vec<usize> = {
        let register = platform.state::<Register>();
        let index = register.read();
        fingerprints
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_some_and(|f| index.may_contain(f)))
            .map(|(i, _)| i)
            .collect()
    };
    let mut hits: Vec<Vec<ReportRow>> = vec![Vec::new(); mrzs.len()];
    if !candidates.is_empty() {
        let mut conn = platform.store.read().await?;
        for &i in &candidates {
            if let Some(key) = &keys[i] {
                hits[i] = store::live_by_key(&mut conn, &key.as_text()).await?;
            }
        }
    }
    if hits.iter().any(|h| !h.is_empty()) {
        let mut tx = platform.store.write().await?;
        // One entry per hit: `any` above says there is at least one.
        let mut audited = None;
        for (i, found) in hits.iter().enumerate() {
            for row in found {
                audited = Some(
                    audit::record(
                        platform,
                        &mut tx,
                        ctx,
                        "document_check.hit",
                        policy::DOCUMENT_REPORT.kind,
                        Some(&row.id.to_string()),
                        json!({"document": row.doc_key, "status": row.status, "batch_position": i}),
                    )
                    .await?,
                );
                notifications::notify(
                    platform,
                    &mut tx,
                    (&row.owner_agency, None),
                    "document_register_hit",
                    "documents-notice-register-hit",
                    json!({
                        "document": row.doc_key.replace('|', " "),
                        "status": {"id": format!("documents-status-{}", row.status), "args": {}},
                        "date": row.reported_on,
                        "agency": ctx.actor.agency.as_str(),
                        "user": ctx.actor.username,
                    }),
                    Some((policy::DOCUMENT_REPORT.kind, &row.id.to_string())),
                )
                .await?;
            }
        }
        if let Some(audited) = audited {
            tx.commit(audited).await?;
        }
    }
    Ok(reports
        .into_iter()
        .zip(hits)
        .zip(keys)
        .map(|((mrz, found), key)| {
            let matching: Vec<Alert> = key
                .map(|k| {
                    alerts
                        .iter()
                        .filter(|(target, _)| target.matches(&k))
                        .map(|(_, a)| a.clone())
                        .collect()
                })
                .unwrap_or_default();
            outcome(mrz, found, matching, today)
        })
        .collect())
}

fn outcome(
    mrz: accordo_mrz::Report,
    found: Vec<ReportRow>,
    alerts: Vec<Alert>,
    today: jiff::civil::Date,
) -> CheckOutcome {
    let mut reasons = Vec::new();
    let mut reason_messages = Vec::new();
    let text = |s: &str| Arg::Text(s.to_owned());
    for row in &found {
        reasons.push(format!(
            "reported {} by {} on {}",
            row.status, row.owner_agency, row.reported_on
        ));
        let status = Message::new(format!("documents-status-{}", row.status), Vec::new());
        reason_messages.push(Message::new(
            "documents-reason-reported",
            vec![
                ("status", Arg::Message(status)),
                ("agency", text(&row.owner_agency)),
                ("date", text(&row.reported_on)),
            ],
        ));
    }
    for alert in &alerts {
        reasons.push(format!(
            "matches a forgery alert of {}: {}",
            alert.agency, alert.what_forged
        ));
        reason_messages.push(Message::new(
            "documents-reason-alert",
            // Its words are the author's (shown apart, isolated); the reason names its agency.
            vec![("agency", text(&alert.agency))],
        ));
    }
    if !mrz.valid {
        let failed: Vec<&str> = mrz
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name)
            .collect();
        reasons.push(format!("the MRZ fails: {}", failed.join(", ")));
        // Each failed check by its name in the reader's language.
        let names = failed
            .iter()
            .map(|name| Message::new(format!("documents-check-name-{name}"), Vec::new()))
            .collect();
        reason_messages.push(Message::new(
            "documents-reason-mrz-fails",
            vec![(
                "checks",
                Arg::Message(Message::joined(names, "documents-mrz-comma")),
            )],
        ));
    }
    // Not a sign of forgery, so not a verdict of its own, but the officer must see it.
    let expires_on = mrz.fields.as_ref().and_then(|f| f.expiry_date);
    let expired = expires_on.is_some_and(|d| d < today);
    if let Some(expiry) = expires_on.filter(|_| expired) {
        reasons.push(format!("the document expired on {expiry}"));
        reason_messages.push(Message::new(
            "documents-reason-expired",
            vec![("date", text(&expiry.to_string()))],
        ));
    }
    let verdict = if !found.is_empty() {
        Verdict::RegisterHit
    } else if !alerts.is_empty() {
        Verdict::AlertMatch
    } else if !mrz.valid {
        Verdict::InvalidMrz
    } else {
        Verdict::Clear
    };
    CheckOutcome {
        verdict,
        expired,
        expires_on,
        reasons,
        reason_messages,
        register_hits: found
            .into_iter()
            .map(|r| Hit {
                report_id: r.id,
                status: r.status,
                reporting_agency: r.owner_agency,
                reported_on: r.reported_on,
            })
            .collect(),
        alerts,
        mrz,
    }
}

/// A forgery alert as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: Uuid,
    pub agency: String,
    /// TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED.
    pub handling: String,
    pub issuing_state: Option<String>,
    pub document_type: Option<String>,
    pub number_from: Option<String>,
    pub number_to: Option<String>,
    pub number_pattern: Option<String>,
    pub what_forged: String,
    pub how_to_recognise: String,
    /// `agency:PK-FIA`, `country:PAK`, `user:<id>`.
    pub addressees: Vec<String>,
    pub created_at_us: i64,
    pub withdrawn: bool,
}

impl From<AlertRow> for Alert {
    fn from(a: AlertRow) -> Self {
        Self {
            id: a.id,
            agency: a.owner_agency,
            handling: a.handling,
            issuing_state: a.issuing_state,
            document_type: a.document_type,
            number_from: a.number_from,
            number_to: a.number_to,
            number_pattern: a.number_pattern,
            what_forged: a.what_forged,
            how_to_recognise: a.how_to_recognise,
            addressees: a
                .addressees
                .into_iter()
                .map(|(t, v)| format!("{t}:{v}"))
                .collect(),
            created_at_us: a.created_at,
            withdrawn: a.withdrawn_at.is_some(),
        }
    }
}

fn target_of(a: &Alert) -> Option<AlertTarget> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    AlertTarget::new(
        &s(&a.issuing_state),
        &s(&a.document_type),
        &s(&a.number_from),
        &s(&a.number_to),
        &s(&a.number_pattern),
    )
    .ok()
}

/// The alerts the actor may read (TLP, in SQL), newest first.
pub async fn visible_alerts(
    platform: &Platform,
    ctx: &Ctx,
    include_withdrawn: bool,
) -> Result<Vec<Alert>> {
    // A checker who may read no alert sees none (the check itself goes on).
    let Ok(scope) = accordo_domain::scope(&ctx.actor, Action::Read, &policy::FORGERY_ALERT) else {
        return Ok(Vec::new());
    };
    let mut conn = platform.store.read().await?;
    Ok(store::visible_alerts(&mut conn, &scope, include_withdrawn)
        .await?
        .into_iter()
        .map(Alert::from)
        .collect())
}

/// Lists alerts for a reader who may read alerts at all (a refusal otherwise).
pub async fn list_alerts(
    platform: &Platform,
    ctx: &Ctx,
    include_withdrawn: bool,
) -> Result<Vec<Alert>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::FORGERY_ALERT),
    )?;
    visible_alerts(platform, ctx, include_withdrawn).await
}

/// A forgery alert to publish.
#[derive(Debug, Clone, Default)]
pub struct NewAlertInput {
    pub issuing_state: String,
    pub document_type: String,
    pub number_from: String,
    pub number_to: String,
    pub number_pattern: String,
    pub what_forged: String,
    pub how_to_recognise: String,
    /// TLP label.
    pub handling: String,
    /// `agency:CODE`, `country:ISO3` (or a bare agency code).
    pub addressees: Vec<String>,
}

/// Publishes an alert for the caller's agency.
pub async fn publish_alert(platform: &Platform, ctx: &Ctx, input: NewAlertInput) -> Result<Alert> {
    let own = RecordScope::owned_by(ctx.actor.agency.clone());
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::FORGERY_ALERT, &own),
    )?;
    let target = AlertTarget::new(
        &input.issuing_state,
        &input.document_type,
        &input.number_from,
        &input.number_to,
        &input.number_pattern,
    )
    .map_err(|e| ServiceError::refused_value(e.field, e.code, Vec::new(), e.message))?;
    let handling = sharing::handling(&input.handling)?;
    for (field, text, max) in [
        ("what_forged", &input.what_forged, 500),
        ("how_to_recognise", &input.how_to_recognise, 4000),
    ] {
        if text.trim().is_empty() {
            return Err(ServiceError::invalid(field, "is required"));
        }
        if text.chars().count() > max {
            return Err(ServiceError::invalid(
                field,
                format!("longer than {max} characters"),
            ));
        }
    }
    let addressees = sharing::addressees(handling, &input.addressees)?;
    sharing::agencies_exist(platform, &addressees).await?;
    if handling == Handling::Red {
        return Err(ServiceError::refused_value(
            "handling",
            "handling-red",
            Vec::new(),
            "RED is for named persons; publish a forgery alert as AMBER+STRICT to the agencies that need it",
        ));
    }
    let id = new_id();
    let kind = target.document_type.map(|c| c.to_string());
    let agency = ctx.actor.agency.to_string();
    let new = NewAlert {
        id,
        owner_agency: &agency,
        handling: handling.as_str(),
        issuing_state: target.issuing_state.as_deref(),
        document_type: kind.as_deref(),
        number_from: target.number_from.as_deref(),
        number_to: target.number_to.as_deref(),
        number_pattern: target.number_pattern.as_deref(),
        what_forged: input.what_forged.trim(),
        how_to_recognise: input.how_to_recognise.trim(),
        created_by: &ctx.actor.username,
        addressees: &addressees,
    };
    let mut tx = platform.store.write().await?;
    store::insert_alert(&mut tx, &new, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "forgery_alert.create",
        policy::FORGERY_ALERT.kind,
        Some(&id.to_string()),
        json!({"handling": handling.as_str(), "addressees": addressees.len()}),
    )
    .await?;
    for (kind, to) in &addressees {
        if kind == "agency" {
            notifications::notify(
                platform,
                &mut tx,
                (to, None),
                "forgery_alert",
                "documents-notice-alert",
                json!({"agency": agency.as_str(), "what": input.what_forged.trim()}),
                Some((policy::FORGERY_ALERT.kind, &id.to_string())),
            )
            .await?;
        }
    }
    tx.commit(audited).await?;
    visible_alerts(platform, ctx, true)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ServiceError::not_found("forgery_alert", id))
}

/// Withdraws an alert; only its agency may.
pub async fn withdraw_alert(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let found = store::alert_owner(&mut conn, id).await?;
    drop(conn);
    let Some((owner, _handling, withdrawn)) = found else {
        return Err(ServiceError::not_found("forgery_alert", id));
    };
    let owner =
        AgencyCode::parse(&owner).map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    let scope = RecordScope::owned_by(owner);
    let resource = Resource::record(&policy::FORGERY_ALERT, &scope);
    // Whoever cannot read it (as its owner would) is told it does not exist.
    if !visible_alerts(platform, ctx, true)
        .await?
        .iter()
        .any(|a| a.id == id)
    {
        return Err(ServiceError::not_found("forgery_alert", id));
    }
    can(&ctx.actor, Action::Delete, resource)?;
    if withdrawn {
        return Err(ServiceError::Rules {
            rules: vec!["already_withdrawn".into()],
        });
    }
    let mut tx = platform.store.write().await?;
    store::withdraw_alert(&mut tx, id, &ctx.actor.username, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "forgery_alert.withdraw",
        policy::FORGERY_ALERT.kind,
        Some(&id.to_string()),
        json!({}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}
