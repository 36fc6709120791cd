//! Hit/no-hit: when a new message names an identifier that a record its sender may not read
//! also names, neither side sees the other's content. Both agencies are told that there is a
//! hit, on which of their own entities, with which agency, under which TLP code; the owner of
//! the hidden record decides whether to share.

use accordo_domain::Scope;
use accordo_domain::access::{Action, Resource};
use accordo_domain::can;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, new_id, notifications};
use accordo_store::Tx;

use super::LIST_MAX;
use crate::policy;
use crate::store::{self, HitRow, MessageRow};

/// An entity by its kind and key: one of the reader's own.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HitEntity {
    pub kind: String,
    pub normalised: String,
}

/// A hit as the agency told sees it: its own message and entity, and of the other record only
/// its agency and its TLP code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HitView {
    pub id: Uuid,
    /// The reader's agency's own message that names the entity.
    pub message: Uuid,
    pub entity: HitEntity,
    /// The agency that holds the other record.
    pub other_agency: String,
    /// The other record's TLP code.
    pub other_tlp: String,
    pub at_us: i64,
    /// The reader's agency's request to share the other record, if it made one.
    pub request: Option<HitRequest>,
}

/// A request made on a hit: its id and `pending`, `granted` or `refused`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HitRequest {
    pub id: Uuid,
    pub status: String,
}

fn view(row: HitRow) -> HitView {
    HitView {
        id: row.id,
        message: row.message_id,
        entity: HitEntity {
            kind: row.kind,
            normalised: row.normalised,
        },
        other_agency: row.other_agency,
        other_tlp: row.other_handling,
        at_us: row.created_at,
        request: None,
    }
}

/// The hits with the requests the reader's agency made on them.
async fn with_requests(
    conn: &mut accordo_store::Conn,
    ctx: &Ctx,
    rows: Vec<HitRow>,
) -> Result<Vec<HitView>> {
    let requests =
        match accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_SHARE_REQUEST) {
            Ok(scope) => store::visible_requests(conn, &scope, (None, None), LIST_MAX).await?,
            Err(_) => Vec::new(),
        };
    Ok(rows
        .into_iter()
        .map(|row| {
            let request = requests
                .iter()
                .find(|r| r.hit_id == row.id && r.owner_agency == row.agency)
                .map(|r| HitRequest {
                    id: r.id,
                    status: r.status.clone(),
                });
            HitView {
                request,
                ..view(row)
            }
        })
        .collect())
}

/// The roles that read `policy`'s records: who is told of them.
pub(crate) fn reader_roles(policy: &accordo_domain::KindPolicy) -> Vec<&'static str> {
    let mut roles: Vec<&'static str> = policy
        .grants
        .iter()
        .filter(|g| g.action == Action::Read)
        .map(|g| g.role.as_str())
        .collect();
    roles.dedup();
    roles
}

/// Tells the users of `agency` who read hits (not `except`, who is answered already) of its
/// hit on `kind` `key` with `other` under `tlp`.
#[allow(clippy::too_many_arguments)]
async fn tell(
    platform: &Platform,
    tx: &mut Tx,
    agency: &str,
    except: Option<Uuid>,
    hit: Uuid,
    (kind, key): (&str, &str),
    (other, tlp): (&str, &str),
) -> Result<()> {
    let told: Vec<(String, Option<Uuid>)> = store::users_with_roles(
        tx.conn(),
        &[agency.to_owned()],
        &reader_roles(&policy::INTEL_HIT),
    )
    .await?
    .into_iter()
    .filter(|(_, u)| Some(*u) != except)
    .map(|(agency, user)| (agency, Some(user)))
    .collect();
    notifications::notify_all(
        platform,
        tx,
        &told,
        "intel_hit",
        "intel-notice-hit",
        json!({"kind": kind, "key": key, "agency": other, "tlp": tlp}),
        Some((policy::INTEL_HIT.kind, &hit.to_string())),
    )
    .await?;
    Ok(())
}

/// Writes the hits of the new message `row` in its transaction: for each message `sender`
/// may not read that names one of its keys (`hidden`, [`store::hidden_matches`]), a hit for
/// each side. Each agency's readers of hits are told once of each of its identifiers with each
/// other agency (the sender is answered with the hits instead).
pub(crate) async fn record(
    platform: &Platform,
    tx: &mut Tx,
    sender: &Scope,
    row: &MessageRow,
    hidden: &[store::Hidden],
) -> Result<Vec<HitView>> {
    if hidden.is_empty() {
        return Ok(Vec::new());
    }
    let mut sender_side = Vec::with_capacity(hidden.len());
    let now = platform.now_us();
    let mut told: Vec<(String, String, String, String)> = Vec::new();
    let mut rows: Vec<HitRow> = Vec::with_capacity(2 * hidden.len());
    for h in hidden {
        let pair = new_id();
        let mine = HitRow {
            id: new_id(),
            pair,
            agency: row.owner_agency.clone(),
            message_id: row.id,
            kind: h.kind.clone(),
            normalised: h.normalised.clone(),
            other_agency: h.owner_agency.clone(),
            other_handling: h.handling.clone(),
            other_message_id: h.message_id,
            created_at: now,
        };
        let theirs = HitRow {
            id: new_id(),
            pair,
            agency: h.owner_agency.clone(),
            message_id: h.message_id,
            kind: h.kind.clone(),
            normalised: h.normalised.clone(),
            other_agency: row.owner_agency.clone(),
            other_handling: row.handling.clone(),
            other_message_id: row.id,
            created_at: now,
        };
        sender_side.push(view(mine.clone()));
        rows.push(mine);
        rows.push(theirs);
    }
    store::insert_hits(tx, &rows).await?;
    for pair in rows.chunks(2) {
        let (mine, theirs) = (&pair[0], &pair[1]);
        for (hit, except) in [(mine, Some(sender.actor().user_id)), (theirs, None)] {
            let once = (
                hit.agency.clone(),
                hit.other_agency.clone(),
                hit.kind.clone(),
                hit.normalised.clone(),
            );
            if told.contains(&once) {
                continue;
            }
            tell(
                platform,
                tx,
                &hit.agency,
                except,
                hit.id,
                (&hit.kind, &hit.normalised),
                (&hit.other_agency, &hit.other_handling),
            )
            .await?;
            told.push(once);
        }
    }
    Ok(sender_side)
}

/// Whether the caller may read hits at all.
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_HIT),
    )?;
    Ok(())
}

/// The hits of the caller's agency, newest first.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<HitView>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_HIT)?;
    let mut conn = platform.store.read().await?;
    let rows = store::visible_hits(&mut conn, &scope, None, LIST_MAX).await?;
    with_requests(&mut conn, ctx, rows).await
}

/// The hits of the caller's agency on one of its messages (none for a caller who may not
/// read hits).
pub async fn of_message(platform: &Platform, ctx: &Ctx, message: Uuid) -> Result<Vec<HitView>> {
    let Ok(scope) = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_HIT) else {
        return Ok(Vec::new());
    };
    let mut conn = platform.store.read().await?;
    let rows = store::visible_hits(&mut conn, &scope, Some(message), LIST_MAX).await?;
    with_requests(&mut conn, ctx, rows).await
}
