//! Notifications to an agency's users.

use accordo_domain::access::{Action, Resource};
use accordo_domain::{RecordScope, can, scope};
use accordo_store::notifications::{self, Notification};
use uuid::Uuid;

use crate::{Ctx, Platform, Result, ServiceError, audit, new_id, policy};

pub async fn list(platform: &Platform, ctx: &Ctx, unread_only: bool) -> Result<Vec<Notification>> {
    let scope = scope(&ctx.actor, Action::Read, &policy::NOTIFICATION)?;
    let mut conn = platform.store.read().await?;
    Ok(notifications::for_user(&mut conn, &scope, unread_only, 200).await?)
}

pub async fn mark_read(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<()> {
    let own = RecordScope::owned_by(ctx.actor.agency.clone());
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::NOTIFICATION, &own),
    )?;
    let mut tx = platform.store.write().await?;
    if !notifications::mark_read(
        &mut tx,
        id,
        ctx.actor.agency.as_str(),
        ctx.actor.user_id,
        platform.now_us(),
    )
    .await?
    {
        return Err(ServiceError::not_found("notification", id));
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "notification.read",
        "notification",
        Some(&id.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Notifies an agency (or one of its users) inside the caller's transaction: modules call
/// this when something reaches another agency (a register hit, a request received).
/// `message` names a message of the module's catalogues, the title, whose `-body` message is
/// the body; both are given `args` and rendered in each reader's language.
pub async fn notify(
    platform: &Platform,
    tx: &mut accordo_store::Tx,
    to: (&str, Option<Uuid>),
    topic: &str,
    message: &str,
    args: serde_json::Value,
    resource: Option<(&str, &str)>,
) -> Result<Uuid> {
    let (agency, user) = to;
    let ids = notify_all(
        platform,
        tx,
        &[(agency.to_owned(), user)],
        topic,
        message,
        args,
        resource,
    )
    .await?;
    Ok(ids[0])
}

/// [`notify`] to several readers at once, one statement for all: the ids, in `to`'s order.
pub async fn notify_all(
    platform: &Platform,
    tx: &mut accordo_store::Tx,
    to: &[(String, Option<Uuid>)],
    topic: &str,
    message: &str,
    args: serde_json::Value,
    resource: Option<(&str, &str)>,
) -> Result<Vec<Uuid>> {
    let all = notices(platform, to, topic, message, args, resource);
    notifications::insert_all(tx, &all).await?;
    Ok(all.iter().map(|n| n.id).collect())
}

/// The notifications [`notify_all`] writes, for a module to write with its own rows
/// ([`accordo_store::notifications::add_rows`]).
pub fn notices(
    platform: &Platform,
    to: &[(String, Option<Uuid>)],
    topic: &str,
    message: &str,
    args: serde_json::Value,
    resource: Option<(&str, &str)>,
) -> Vec<Notification> {
    let text = serde_json::json!({"id": message, "args": args}).to_string();
    let now = platform.now_us();
    to.iter()
        .map(|(agency, user)| Notification {
            id: new_id(),
            agency: agency.clone(),
            user_id: *user,
            topic: topic.to_owned(),
            title: message.to_owned(),
            body: String::new(),
            message: Some(text.clone()),
            resource_kind: resource.map(|r| r.0.to_owned()),
            resource_id: resource.map(|r| r.1.to_owned()),
            created_at: now,
            read_at: None,
        })
        .collect()
}
