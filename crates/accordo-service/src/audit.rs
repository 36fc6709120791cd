//! Writing and reading the audit log.

use accordo_domain::access::{Action, Resource};
use accordo_domain::audit::{
    ChainBreak, ChainSummary, ChainVerifier, Checkpoint, ERASURE_KIND, ranges_of,
};
use accordo_domain::{can, scope};
use accordo_store::audit::{AuditQuery, AuditRecord, NewEntry};
use accordo_store::{Audited, Row, Tx};
use serde_json::{Value, json};

use crate::{Ctx, Platform, Result, new_id, policy};

/// Who an entry is by.
struct Author {
    user: Option<uuid::Uuid>,
    name: String,
    agency: Option<String>,
    request_id: Option<String>,
}

#[allow(clippy::too_many_arguments)] // one per column of the entry, and the rows it goes with
async fn append(
    platform: &Platform,
    tx: &mut Tx,
    author: Author,
    action: &str,
    kind: &str,
    resource_id: Option<&str>,
    details: Value,
    rows: accordo_store::inserts::Inserts,
) -> Result<(Audited, Vec<Row>)> {
    let entry = NewEntry {
        id: new_id(),
        at_us: platform.now_us(),
        actor_user: author.user,
        actor_name: author.name,
        actor_agency: author.agency,
        action: action.to_owned(),
        resource_kind: kind.to_owned(),
        resource_id: resource_id.map(str::to_owned),
        request_id: author.request_id,
        details: details.to_string(),
    };
    Ok(accordo_store::audit::append_with(tx, entry, rows).await?)
}

/// Appends an entry for an action taken by `ctx`'s actor, inside the caller's transaction.
/// `action` reads `<kind>.<verb>`; `details` must not repeat what the record holds.
pub async fn record(
    platform: &Platform,
    tx: &mut Tx,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    resource_id: Option<&str>,
    details: Value,
) -> Result<Audited> {
    let rows = accordo_store::inserts::Inserts::new();
    Ok(
        record_with(platform, tx, ctx, action, kind, resource_id, details, rows)
            .await?
            .0,
    )
}

/// [`record`], the entry written with the change's own `rows` ([`accordo_store::inserts`]):
/// on PostgreSQL the change and its entry are one statement, one round trip. Returns the rows
/// of their query, if they have one ([`accordo_store::inserts::Inserts::select`]).
#[allow(clippy::too_many_arguments)] // one per column of the entry, and the rows it goes with
pub async fn record_with(
    platform: &Platform,
    tx: &mut Tx,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    resource_id: Option<&str>,
    details: Value,
    rows: accordo_store::inserts::Inserts,
) -> Result<(Audited, Vec<Row>)> {
    let author = Author {
        user: Some(ctx.actor.user_id),
        name: ctx.actor.username.clone(),
        agency: Some(ctx.actor.agency.to_string()),
        request_id: ctx.request_id.clone(),
    };
    append(
        platform,
        tx,
        author,
        action,
        kind,
        resource_id,
        details,
        rows,
    )
    .await
}

/// One action of a batch written by [`record_each`].
pub struct BatchEntry<'a> {
    pub ctx: &'a Ctx,
    pub action: &'a str,
    pub kind: &'a str,
    pub resource_id: Option<String>,
    pub details: Value,
}

/// [`record_with`] for a batch of actions, each by its own actor (a click day's submissions,
/// written together): one entry each, all with `rows` in one round trip.
pub async fn record_each(
    platform: &Platform,
    tx: &mut Tx,
    actions: Vec<BatchEntry<'_>>,
    rows: accordo_store::inserts::Inserts,
) -> Result<(Audited, Vec<Row>)> {
    let at_us = platform.now_us();
    let entries = actions
        .into_iter()
        .map(|a| NewEntry {
            id: new_id(),
            at_us,
            actor_user: Some(a.ctx.actor.user_id),
            actor_name: a.ctx.actor.username.clone(),
            actor_agency: Some(a.ctx.actor.agency.to_string()),
            action: a.action.to_owned(),
            resource_kind: a.kind.to_owned(),
            resource_id: a.resource_id,
            request_id: a.ctx.request_id.clone(),
            details: a.details.to_string(),
        })
        .collect();
    Ok(accordo_store::audit::append_each(tx, entries, rows).await?)
}

/// Appends an entry for something done before an actor is known: a sign-in, successful or
/// not, named by the username it gave.
#[allow(clippy::too_many_arguments)] // one per column of the entry; a struct would only rename them
pub async fn record_system(
    platform: &Platform,
    tx: &mut Tx,
    actor_name: &str,
    action: &str,
    kind: &str,
    resource_id: Option<&str>,
    request_id: Option<&str>,
    details: Value,
) -> Result<Audited> {
    let author = Author {
        user: None,
        name: actor_name.to_owned(),
        agency: None,
        request_id: request_id.map(str::to_owned),
    };
    append(
        platform,
        tx,
        author,
        action,
        kind,
        resource_id,
        details,
        accordo_store::inserts::Inserts::new(),
    )
    .await
    .map(|(audited, _)| audited)
}

/// Searches the log within the actor's reach. Searching the log is itself audited: who
/// looked at whose trail is part of the trail.
pub async fn search(
    platform: &Platform,
    ctx: &Ctx,
    query: &AuditQuery,
    export: bool,
) -> Result<Vec<AuditRecord>> {
    let action = if export { Action::Export } else { Action::Read };
    can(&ctx.actor, action, Resource::collection(&policy::AUDIT))?;
    let found = accordo_store::audit::search(
        &platform.store,
        &scope(&ctx.actor, action, &policy::AUDIT)?,
        query,
    )
    .await?;
    let mut tx = platform.store.write().await?;
    let audited = record(
        platform,
        &mut tx,
        ctx,
        if export {
            "audit.export"
        } else {
            "audit.search"
        },
        "audit",
        None,
        serde_json::json!({
            "actor": query.actor, "action": query.action, "resource_kind": query.resource_kind,
            "resource_id": query.resource_id, "results": found.len(),
        }),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(found)
}

/// The actions of the entries within the actor's reach: the choices of the search's filter.
/// It shows no entry, so it is not itself logged.
pub async fn actions(platform: &Platform, ctx: &Ctx) -> Result<Vec<String>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::AUDIT),
    )?;
    Ok(accordo_store::audit::actions(
        &platform.store,
        &scope(&ctx.actor, Action::Read, &policy::AUDIT)?,
    )
    .await?)
}

/// How many entries within the actor's reach were written since `since_us` (at most
/// `cap`), for the home page. It shows no entry, so it is not itself logged: the page is
/// loaded often, and a log entry per view would drown the searches that matter.
pub async fn recent_count(
    platform: &Platform,
    ctx: &Ctx,
    since_us: i64,
    cap: i64,
) -> Result<usize> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::AUDIT),
    )?;
    let query = AuditQuery {
        actor: None,
        action: None,
        resource_kind: None,
        resource_id: None,
        from_us: Some(since_us),
        to_us: None,
        before_seq: None,
        limit: cap,
    };
    let found = accordo_store::audit::search(
        &platform.store,
        &scope(&ctx.actor, Action::Read, &policy::AUDIT)?,
        &query,
    )
    .await?;
    Ok(found.len())
}

const ERASURES_RECORDED: &str = "audit_erasures_recorded";

/// Once, on the first start after an upgrade from a version that did not record erasures
/// (migration 0008 marks it `pending`): the details that version's retention erased are named
/// by one erasure entry, so that from then on any details row missing without one is
/// tampering. What was deleted before this start is accepted as erased: run
/// `accordo audit verify` before upgrading.
pub async fn record_erasures_of_earlier_versions(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let state = accordo_store::accounts::get_state(&mut conn, ERASURES_RECORDED).await?;
    drop(conn);
    if state.as_deref() != Some("pending") {
        return Ok(());
    }
    let store = &platform.store;
    let now = platform.now_us();
    let recorded =
        ChainVerifier::with_erasures(accordo_store::audit::recorded_erasures(store).await?, now);
    // Named here; `audit verify` still accepts only those older than retention's shortest
    // period at this entry's time, so nothing deleted lately is made good.
    let unnamed: Vec<i64> = accordo_store::audit::without_details(store)
        .await?
        .into_iter()
        .filter(|(seq, at)| !recorded.names(*seq, *at))
        .map(|(seq, _)| seq)
        .collect();
    let mut tx = platform.store.write().await?;
    accordo_store::accounts::set_state(&mut tx, ERASURES_RECORDED, "since_upgrade").await?;
    let audited = append(
        platform,
        &mut tx,
        Author {
            user: None,
            name: "accordo".into(),
            agency: None,
            request_id: None,
        },
        "retention.erase",
        ERASURE_KIND,
        None,
        json!({"erased": ranges_of(&unnamed), "affected": unnamed.len(),
               "note": "details erased before erasures were recorded (upgrade)"}),
        accordo_store::inserts::Inserts::new(),
    )
    .await?
    .0;
    tx.commit(audited).await?;
    Ok(())
}

/// Recomputes the whole chain.
pub async fn verify(
    platform: &Platform,
    progress: impl FnMut(i64, i64),
) -> Result<Result<ChainSummary, ChainBreak>> {
    verify_against(platform, &[], progress).await
}

/// Recomputes the whole chain and holds it to checkpoints a monitor kept (their signatures
/// already checked with [`Checkpoint::verify`]): a log rewritten or cut behind one of them
/// is broken even if its head was rewound to match.
pub async fn verify_against(
    platform: &Platform,
    checkpoints: &[Checkpoint],
    progress: impl FnMut(i64, i64),
) -> Result<Result<ChainSummary, ChainBreak>> {
    Ok(
        accordo_store::audit::verify(&platform.store, checkpoints, platform.now_us(), progress)
            .await?,
    )
}

/// Signs and keeps a checkpoint of the chain's head, unless the log is empty or this key has
/// already signed this head. Nothing without `Settings::audit_key`.
pub async fn write_checkpoint(platform: &Platform) -> Result<Option<Checkpoint>> {
    let Some(key) = &platform.settings.audit_key else {
        return Ok(None);
    };
    let store = &platform.store;
    let (seq, hash) = accordo_store::audit::head(store).await?;
    if seq == 0 {
        return Ok(None);
    }
    let mine = hex::encode(key.verifying_key().as_bytes());
    let signed = accordo_store::audit::checkpoints(store, Some(seq - 1), 100).await?;
    if let Some(same) = signed.iter().find(|c| c.seq == seq && c.public_key == mine) {
        if same.head_hash != hash {
            // This key signed another head for this entry: the log was rewritten under it.
            tracing::error!(
                seq,
                signed = %same.head_hash,
                now = %hash,
                "the audit chain's head differs from the one this key signed for the same entry; run `accordo audit verify`"
            );
            return Err(crate::ServiceError::Store(
                accordo_store::StoreError::Invalid(format!(
                    "the audit chain's head at entry {seq} differs from the one signed for it"
                )),
            ));
        }
        return Ok(None);
    }
    let checkpoint = Checkpoint::sign(key, seq, &hash, platform.now_us());
    accordo_store::audit::save_checkpoint(store, &checkpoint).await?;
    Ok(Some(checkpoint))
}

/// The checkpoints, newest first (at most 10,000), those after entry `after` if given: for
/// the monitor to fetch and keep.
pub async fn checkpoints(
    platform: &Platform,
    ctx: &Ctx,
    after: Option<i64>,
) -> Result<Vec<Checkpoint>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::AUDIT_CHECKPOINT),
    )?;
    Ok(accordo_store::audit::checkpoints(&platform.store, after, 10_000).await?)
}

/// The audited accessor's half: a module that reads one record of a kind whose policy is
/// `personal` calls this in the transaction of the read (`platform.store.write()`), so
/// that "who read this person's record" is always answerable. Kinds that are not personal
/// are not logged on read.
pub async fn record_read(
    platform: &Platform,
    tx: &mut Tx,
    ctx: &Ctx,
    policy: &accordo_domain::KindPolicy,
    resource_id: &str,
) -> Result<Option<Audited>> {
    if !policy.personal {
        return Ok(None);
    }
    let action = format!("{}.read", policy.kind);
    record(
        platform,
        tx,
        ctx,
        &action,
        policy.kind,
        Some(resource_id),
        serde_json::json!({}),
    )
    .await
    .map(Some)
}
