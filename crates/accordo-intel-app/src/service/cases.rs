//! Cases: one investigation or operation, opened by an agency with the agencies taking part;
//! its messages go to its participants.

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, RecordScope, can};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications};

use super::LIST_MAX;
use super::messages::{self, MessageSummary};
use crate::policy;
use crate::store::{self, CaseRow};

/// The longest title, in characters; the most participants.
pub const TITLE_MAX: usize = 200;
pub const PARTICIPANTS_MAX: usize = 50;

/// A case as its participants see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub title: String,
    /// The agency that opened it.
    pub owner_agency: String,
    /// Every agency taking part, the owner first.
    pub participants: Vec<String>,
    /// `open` or `closed`.
    pub status: String,
    pub opened_by: String,
    pub opened_at_us: i64,
    /// Its messages the reader may read, newest first (with `GET` of one case).
    pub messages: Option<Vec<MessageSummary>>,
}

/// Whether the caller may open cases for their agency.
pub fn may_open(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_CASE,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Opens a case for the caller's agency with `participants` (agency codes); each is told.
pub async fn open(
    platform: &Platform,
    ctx: &Ctx,
    title: &str,
    participants: &[String],
) -> Result<CaseView> {
    may_open(ctx)?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(ServiceError::refused_value(
            "title",
            "title",
            vec![("max", TITLE_MAX.to_string())],
            format!("expected a title of 1 to {TITLE_MAX} characters"),
        ));
    }
    let own = ctx.actor.agency.to_string();
    let mut agencies: Vec<String> = Vec::new();
    for raw in participants
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        let code = AgencyCode::parse(raw).map_err(|_| {
            ServiceError::refused_value(
                "participants",
                "agency-code",
                vec![("given", raw.to_owned())],
                format!("`{raw}`: expected an agency code of the partnership (PK-FIA)"),
            )
        })?;
        let code = code.to_string();
        if code != own && !agencies.contains(&code) {
            agencies.push(code);
        }
    }
    if agencies.len() > PARTICIPANTS_MAX {
        return Err(ServiceError::refused_value(
            "participants",
            "too-many-addressees",
            vec![("max", PARTICIPANTS_MAX.to_string())],
            format!("at most {PARTICIPANTS_MAX} participants"),
        ));
    }
    // Agencies of the partnership whose officers or analysts can read the case: the others
    // could never open it.
    if !agencies.is_empty() {
        super::messages::intel_agencies(platform, "participants", &agencies).await?;
    }
    let row = CaseRow {
        id: new_id(),
        owner_agency: own.clone(),
        title: title.to_owned(),
        status: "open".into(),
        created_by: ctx.actor.username.clone(),
        created_at: platform.now_us(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_case(&mut tx, &row, &agencies).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_case.create",
        policy::INTEL_CASE.kind,
        Some(&row.id.to_string()),
        json!({"participants": agencies}),
    )
    .await?;
    tell(
        platform,
        &mut tx,
        &agencies,
        "intel-notice-case",
        json!({"agency": own, "title": row.title}),
        row.id,
    )
    .await?;
    tx.commit(audited).await?;
    let mut participants = vec![own];
    participants.extend(agencies);
    Ok(view(row, participants, None))
}

fn view(
    row: CaseRow,
    participants: Vec<String>,
    messages: Option<Vec<MessageSummary>>,
) -> CaseView {
    CaseView {
        id: row.id,
        title: row.title,
        owner_agency: row.owner_agency,
        participants,
        status: row.status,
        opened_by: row.created_by,
        opened_at_us: row.created_at,
        messages,
    }
}

/// Whether the caller may close and reopen the cases of `owner` (its own agency's, as an
/// officer or analyst).
pub fn may_close(ctx: &Ctx, owner: &str) -> Result<()> {
    let owner =
        AgencyCode::parse(owner).map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::INTEL_CASE, &RecordScope::owned_by(owner)),
    )?;
    Ok(())
}

/// Closes a case of the caller's agency (`open` false) or reopens it: a closed case takes no
/// new message, and its exchange stays readable. The other participants' officers and
/// analysts are told. Asking for the status the case has already changes nothing.
pub async fn set_open(platform: &Platform, ctx: &Ctx, id: Uuid, open: bool) -> Result<CaseView> {
    let (mut row, agencies) = readable(platform, ctx, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("intel_case", id))?;
    may_close(ctx, &row.owner_agency)?;
    let (from, to) = if open {
        ("closed", "open")
    } else {
        ("open", "closed")
    };
    if row.status == to {
        return Ok(view(row, agencies, None));
    }
    let mut tx = platform.store.write().await?;
    if !store::set_case_status(&mut tx, id, from, to).await? {
        // Changed meanwhile: say how it is now.
        drop(tx);
        let (row, agencies) = readable(platform, ctx, id)
            .await?
            .ok_or_else(|| ServiceError::not_found("intel_case", id))?;
        return Ok(view(row, agencies, None));
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        if open {
            "intel_case.reopen"
        } else {
            "intel_case.close"
        },
        policy::INTEL_CASE.kind,
        Some(&id.to_string()),
        json!({"status": to}),
    )
    .await?;
    let others: Vec<String> = agencies
        .iter()
        .filter(|a| **a != row.owner_agency)
        .cloned()
        .collect();
    tell(
        platform,
        &mut tx,
        &others,
        if open {
            "intel-notice-case-reopened"
        } else {
            "intel-notice-case-closed"
        },
        json!({"agency": row.owner_agency, "title": row.title}),
        id,
    )
    .await?;
    tx.commit(audited).await?;
    row.status = to.to_owned();
    Ok(view(row, agencies, None))
}

/// Tells the officers and analysts of `agencies` of the case `id`, by name: nobody else there
/// reads it.
async fn tell(
    platform: &Platform,
    tx: &mut accordo_store::Tx,
    agencies: &[String],
    message: &str,
    args: serde_json::Value,
    id: Uuid,
) -> Result<()> {
    let readers = super::hits::reader_roles(&policy::INTEL_CASE);
    let told: Vec<(String, Option<Uuid>)> = store::users_with_roles(tx.conn(), agencies, &readers)
        .await?
        .into_iter()
        .map(|(agency, user)| (agency, Some(user)))
        .collect();
    notifications::notify_all(
        platform,
        tx,
        &told,
        "intel_case",
        message,
        args,
        Some((policy::INTEL_CASE.kind, &id.to_string())),
    )
    .await?;
    Ok(())
}

/// The case `id` and its agencies, if the caller may read it.
pub async fn readable(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
) -> Result<Option<(CaseRow, Vec<String>)>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_CASE)?;
    let mut conn = platform.store.read().await?;
    let Some(row) = store::visible_cases(&mut conn, &scope, Some(id), 1)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let agencies = store::case_agencies(&mut conn, &row).await?;
    Ok(Some((row, agencies)))
}

/// Whether the caller may read cases at all.
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_CASE),
    )?;
    Ok(())
}

/// The cases the caller takes part in, newest first.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<CaseView>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_CASE)?;
    let mut conn = platform.store.read().await?;
    let rows = store::visible_cases(&mut conn, &scope, None, LIST_MAX).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let agencies = store::case_agencies(&mut conn, &row).await?;
        out.push(view(row, agencies, None));
    }
    Ok(out)
}

/// One case with its messages the caller may read; not found for a non-participant.
pub async fn get(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<CaseView> {
    let (row, agencies) = readable(platform, ctx, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("intel_case", id))?;
    let messages = match messages::may_read(ctx) {
        Ok(()) => Some(messages::list(platform, ctx, messages::Folder::All, Some(id)).await?),
        Err(_) => None,
    };
    Ok(view(row, agencies, messages))
}
