//! Retention: the periods in force, changing them, and applying them.

use accordo_domain::access::{Action, Resource};
use accordo_domain::audit::{ERASURE_KIND, ranges_of};
use accordo_domain::can;
use accordo_domain::retention::{RetentionAction, RetentionRule};
use serde::Serialize;
use serde_json::json;

use crate::{Ctx, Platform, Result, ServiceError, audit, policy};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RetentionSetting {
    pub kind: &'static str,
    pub description: &'static str,
    pub keep_days: u32,
    pub default_days: u32,
    pub min_days: u32,
    pub max_days: u32,
    /// erase or anonymise.
    #[schema(value_type = String)]
    pub action: RetentionAction,
}

pub async fn settings(platform: &Platform, ctx: &Ctx) -> Result<Vec<RetentionSetting>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::SETTINGS),
    )?;
    let mut conn = platform.store.read().await?;
    let periods =
        accordo_store::retention::periods(&mut conn, &platform.retention_targets()).await?;
    Ok(periods
        .into_iter()
        .map(|(t, days)| RetentionSetting {
            kind: t.rule.kind,
            description: t.rule.description,
            keep_days: days,
            default_days: t.rule.default_days,
            min_days: t.rule.min_days,
            max_days: t.rule.max_days,
            action: t.rule.action,
        })
        .collect())
}

pub async fn set_period(platform: &Platform, ctx: &Ctx, kind: &str, days: i64) -> Result<()> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::SETTINGS),
    )?;
    let target = accordo_store::retention::target(&platform.retention_targets(), kind)
        .ok_or_else(|| ServiceError::not_found("retention kind", kind))?;
    let days = target
        .rule
        .check_period(days)
        .map_err(|e| ServiceError::invalid("keep_days", e.to_string()))?;
    let mut tx = platform.store.write().await?;
    accordo_store::retention::set_period(
        &mut tx,
        kind,
        days,
        platform.now_us(),
        &ctx.actor.username,
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "settings.retention",
        "settings",
        Some(kind),
        json!({"keep_days": days}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// What one kind's retention did.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionOutcome {
    pub kind: &'static str,
    pub action: RetentionAction,
    pub keep_days: u32,
    pub affected: u64,
}

/// Applies every kind's rule, each kind in its own transaction with its audit entry.
pub async fn run(
    platform: &Platform,
    ctx: &Ctx,
    mut progress: impl FnMut(&str),
) -> Result<Vec<RetentionOutcome>> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::SETTINGS),
    )?;
    let mut conn = platform.store.read().await?;
    let periods =
        accordo_store::retention::periods(&mut conn, &platform.retention_targets()).await?;
    drop(conn);
    // Entries still waiting to be chained have no details row yet for retention to see.
    accordo_store::audit::seal(&platform.store).await?;
    let mut out = Vec::new();
    for (target, days) in periods {
        progress(target.rule.kind);
        let cutoff = RetentionRule::cutoff_us(days, platform.now_us());
        let mut tx = platform.store.write().await?;
        // Erasing audit details is itself an erasure entry naming what it erased: a details
        // row missing without one is tampering (`audit verify`).
        let erased = if target.rule.kind == ERASURE_KIND {
            Some(accordo_store::audit::details_to_erase(&mut tx, cutoff).await?)
        } else {
            None
        };
        let affected = accordo_store::retention::apply(&mut tx, target, cutoff).await?;
        let mut details = json!({"keep_days": days, "affected": affected});
        if let Some(seqs) = &erased {
            details["erased"] = json!(ranges_of(seqs));
        }
        let audited = audit::record(
            platform,
            &mut tx,
            ctx,
            &format!("retention.{}", target.rule.action.as_str()),
            target.rule.kind,
            None,
            details,
        )
        .await?;
        tx.commit(audited).await?;
        out.push(RetentionOutcome {
            kind: target.rule.kind,
            action: target.rule.action,
            keep_days: days,
            affected,
        });
    }
    Ok(out)
}
