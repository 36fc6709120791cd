//! Writing and reading the audit log.

use accordo_domain::access::{Action, Reach, Resource, reaches_for};
use accordo_domain::audit::{ChainBreak, ChainSummary};
use accordo_domain::can;
use accordo_store::Tx;
use accordo_store::audit::{AuditQuery, AuditRecord, AuditScope, NewEntry};
use serde_json::Value;

use crate::{Ctx, Platform, Result, new_id, policy};

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
) -> Result<()> {
    accordo_store::audit::append(
        tx,
        NewEntry {
            id: new_id(),
            at_us: platform.now_us(),
            actor_user: Some(ctx.actor.user_id),
            actor_name: ctx.actor.username.clone(),
            actor_agency: Some(ctx.actor.agency.to_string()),
            action: action.to_owned(),
            resource_kind: kind.to_owned(),
            resource_id: resource_id.map(str::to_owned),
            request_id: ctx.request_id.clone(),
            details: details.to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Appends an entry for something done without a signed-in actor: a failed sign-in, a
/// command-line operation, the retention run.
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
) -> Result<()> {
    accordo_store::audit::append(
        tx,
        NewEntry {
            id: new_id(),
            at_us: platform.now_us(),
            actor_user: None,
            actor_name: actor_name.to_owned(),
            actor_agency: None,
            action: action.to_owned(),
            resource_kind: kind.to_owned(),
            resource_id: resource_id.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
            details: details.to_string(),
        },
    )
    .await?;
    Ok(())
}

/// The scope of the audit log the actor may read (or export).
fn scope_for(ctx: &Ctx, action: Action) -> AuditScope {
    let reaches = reaches_for(&ctx.actor, action, &policy::AUDIT);
    AuditScope {
        all: reaches.contains(&Reach::Platform),
        agency: reaches
            .contains(&Reach::OwnAgency)
            .then(|| ctx.actor.agency.to_string()),
        // `audit` in a mandate grants access to the log itself, not to the entries about
        // searches of the log, which would show what others looked for.
        kinds: if reaches.contains(&Reach::Mandate) {
            ctx.actor
                .mandate
                .iter()
                .filter(|k| *k != policy::AUDIT.kind)
                .cloned()
                .collect()
        } else {
            Vec::new()
        },
    }
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
    let found =
        accordo_store::audit::search(&platform.store, &scope_for(ctx, action), query).await?;
    let mut tx = platform.store.write().await?;
    record(
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
    tx.commit().await?;
    Ok(found)
}

/// Recomputes the whole chain.
pub async fn verify(
    platform: &Platform,
    progress: impl FnMut(i64, i64),
) -> Result<Result<ChainSummary, ChainBreak>> {
    Ok(accordo_store::audit::verify(&platform.store, progress).await?)
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
) -> Result<()> {
    if !policy.personal {
        return Ok(());
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
}
