//! Onward sharing: never a side effect. The agency that holds a message shares it with more
//! agencies as a recorded act (audited, each share kept with who made it), on its own
//! initiative or by granting a request that the other side of a hit made in one click. The
//! requester learns nothing of the record until it is shared: not its id, not its subject.

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, Handling, RecordScope, can};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications};
use accordo_store::Tx;

use super::LIST_MAX;
use super::hits::{HitEntity, reader_roles};
use super::messages::{self, MessageView};
use crate::policy;
use crate::store::{self, RequestRow};

/// A request as each side sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    /// The identifier both records name.
    pub entity: HitEntity,
    pub requesting_agency: String,
    /// The agency that holds the record asked for, and decides.
    pub holding_agency: String,
    pub requested_by: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    pub requested_at_us: i64,
    /// Who decided (the holding agency's officer or analyst), and when.
    pub decided_by: Option<String>,
    pub decided_at_us: Option<i64>,
    /// The requester's hit (the requesting agency only).
    pub hit: Option<Uuid>,
    /// The message asked for (the holding agency only).
    pub message: Option<Uuid>,
    /// Whether the reader may grant or refuse it now.
    pub may_decide: bool,
}

fn view(ctx: &Ctx, r: RequestRow) -> RequestView {
    let mine = ctx.actor.agency.as_str();
    let holder = r.message_agency == mine;
    RequestView {
        id: r.id,
        entity: HitEntity {
            kind: r.kind,
            normalised: r.normalised,
        },
        hit: (r.owner_agency == mine).then_some(r.hit_id),
        message: holder.then_some(r.message_id),
        may_decide: holder && r.status == "pending" && may_share(ctx, &r.message_agency).is_ok(),
        requesting_agency: r.owner_agency,
        holding_agency: r.message_agency,
        requested_by: r.requested_by,
        status: r.status,
        requested_at_us: r.requested_at,
        decided_by: r.decided_by,
        decided_at_us: r.decided_at,
    }
}

/// Whether the caller may share the messages of `agency` (its own agency's, as an officer or
/// analyst).
pub fn may_share(ctx: &Ctx, agency: &str) -> Result<()> {
    let owner =
        AgencyCode::parse(agency).map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::INTEL_MESSAGE, &RecordScope::owned_by(owner)),
    )?;
    Ok(())
}

/// Whether the caller may ask for records to be shared.
pub fn may_request(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_SHARE_REQUEST,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Tells `agency`'s officers and analysts (by name) of `message` with `args`.
async fn tell_agency(
    platform: &Platform,
    tx: &mut Tx,
    agency: &str,
    (topic, message): (&str, &str),
    args: serde_json::Value,
    resource: (&str, &str),
) -> Result<()> {
    let readers = reader_roles(&policy::INTEL_MESSAGE);
    let told: Vec<(String, Option<Uuid>)> =
        store::users_with_roles(tx.conn(), &[agency.to_owned()], &readers)
            .await?
            .into_iter()
            .map(|(agency, user)| (agency, Some(user)))
            .collect();
    notifications::notify_all(platform, tx, &told, topic, message, args, Some(resource)).await?;
    Ok(())
}

/// Asks the agency on the other side of the caller's hit `hit` to share its record. Asking
/// again returns the first request.
pub async fn request(platform: &Platform, ctx: &Ctx, hit_id: Uuid) -> Result<RequestView> {
    may_request(ctx)?;
    let mut conn = platform.store.read().await?;
    let hit = store::hit(&mut conn, hit_id)
        .await?
        .filter(|h| h.agency == ctx.actor.agency.as_str())
        .ok_or_else(|| ServiceError::not_found("intel_hit", hit_id))?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_SHARE_REQUEST)?;
    if let Some(first) = store::visible_requests(&mut conn, &scope, (None, Some(hit_id)), 1)
        .await?
        .pop()
    {
        return Ok(view(ctx, first));
    }
    drop(conn);
    let row = RequestRow {
        id: new_id(),
        owner_agency: ctx.actor.agency.to_string(),
        hit_id,
        message_id: hit.other_message_id,
        message_agency: hit.other_agency.clone(),
        kind: hit.kind.clone(),
        normalised: hit.normalised.clone(),
        requested_by: ctx.actor.username.clone(),
        requested_by_id: ctx.actor.user_id,
        requested_at: platform.now_us(),
        status: "pending".into(),
        decided_by: None,
        decided_at: None,
    };
    let mut tx = platform.store.write().await?;
    store::insert_request(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_share_request.create",
        policy::INTEL_SHARE_REQUEST.kind,
        Some(&row.id.to_string()),
        json!({"hit": hit_id, "holding_agency": row.message_agency}),
    )
    .await?;
    tell_agency(
        platform,
        &mut tx,
        &row.message_agency,
        ("intel_share_request", "intel-notice-request"),
        json!({"agency": row.owner_agency, "kind": row.kind, "key": row.normalised}),
        (policy::INTEL_SHARE_REQUEST.kind, &row.id.to_string()),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(view(ctx, row))
}

/// The requests the caller's agency made or must decide, newest first.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<RequestView>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_SHARE_REQUEST)?;
    let mut conn = platform.store.read().await?;
    Ok(
        store::visible_requests(&mut conn, &scope, (None, None), LIST_MAX)
            .await?
            .into_iter()
            .map(|r| view(ctx, r))
            .collect(),
    )
}

/// Grants (the requester's agency, or under RED the requester by name, becomes an addressee
/// of the message) or refuses a request addressed to the caller's agency. Deciding twice is
/// refused by the rules; a request the caller may not read is not found.
pub async fn decide(platform: &Platform, ctx: &Ctx, id: Uuid, grant: bool) -> Result<RequestView> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_SHARE_REQUEST)?;
    let mut conn = platform.store.read().await?;
    let row = store::visible_requests(&mut conn, &scope, (Some(id), None), 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("intel_share_request", id))?;
    drop(conn);
    // Only the holder decides; the requester reads its request but may not grant it.
    if row.message_agency != ctx.actor.agency.as_str() {
        return Err(ServiceError::Forbidden(
            accordo_domain::Denied::OutOfReach {
                kind: policy::INTEL_MESSAGE.kind,
            },
        ));
    }
    may_share(ctx, &row.message_agency)?;
    let message = messages::readable(platform, ctx, row.message_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("intel_message", row.message_id))?;
    let to = if message.handling == Handling::Red.as_str() {
        ("user".to_owned(), row.requested_by_id.to_string())
    } else {
        ("agency".to_owned(), row.owner_agency.clone())
    };
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let status = if grant { "granted" } else { "refused" };
    if !store::decide_request(&mut tx, id, status, &ctx.actor.username, now).await? {
        return Err(ServiceError::Rules {
            rules: vec!["already_decided".into()],
        });
    }
    if grant {
        store::share(
            &mut tx,
            row.message_id,
            &[to],
            &ctx.actor.username,
            now,
            Some(id),
        )
        .await?;
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        if grant {
            "intel_share_request.grant"
        } else {
            "intel_share_request.refuse"
        },
        policy::INTEL_SHARE_REQUEST.kind,
        Some(&id.to_string()),
        json!({"message": row.message_id, "requesting_agency": row.owner_agency}),
    )
    .await?;
    notifications::notify(
        platform,
        &mut tx,
        (&row.owner_agency, Some(row.requested_by_id)),
        "intel_share_request",
        if grant {
            "intel-notice-request-granted"
        } else {
            "intel-notice-request-refused"
        },
        json!({"agency": row.message_agency, "kind": row.kind, "key": row.normalised}),
        Some((policy::INTEL_SHARE_REQUEST.kind, &id.to_string())),
    )
    .await?;
    tx.commit(audited).await?;
    let mut conn = platform.store.read().await?;
    let decided = store::visible_requests(&mut conn, &scope, (Some(id), None), 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("intel_share_request", id))?;
    Ok(view(ctx, decided))
}

/// Shares a message of the caller's agency with more agencies, on its own initiative. RED
/// goes to named persons only: a RED message is not shared with agencies.
pub async fn share(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    agencies: &[String],
) -> Result<MessageView> {
    let message = messages::readable(platform, ctx, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("intel_message", id))?;
    may_share(ctx, &message.owner_agency)?;
    if message.handling == Handling::Red.as_str() {
        return Err(ServiceError::refused_value(
            "agencies",
            "share-red",
            Vec::new(),
            "RED goes to named persons only: write them a message of their own",
        ));
    }
    let chosen = messages::intel_agencies(platform, "agencies", agencies).await?;
    let to: Vec<(String, String)> = chosen
        .iter()
        .filter(|a| **a != message.owner_agency)
        .map(|a| ("agency".to_owned(), a.clone()))
        .collect();
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let added = store::share(&mut tx, id, &to, &ctx.actor.username, now, None).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_message.share",
        policy::INTEL_MESSAGE.kind,
        Some(&id.to_string()),
        json!({"agencies": added.iter().map(|(_, a)| a).collect::<Vec<_>>()}),
    )
    .await?;
    for (_, agency) in &added {
        tell_agency(
            platform,
            &mut tx,
            agency,
            ("intel_message", "intel-notice-shared"),
            json!({"agency": message.owner_agency, "tlp": message.handling}),
            (policy::INTEL_MESSAGE.kind, &id.to_string()),
        )
        .await?;
    }
    tx.commit(audited).await?;
    messages::open(platform, ctx, id).await
}
