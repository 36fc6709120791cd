//! Early-warning subscriptions: a reader of the statistics follows forecast series (a route,
//! a nationality, a total) and is told of their warnings, on the home page and in a
//! notification once for each new warning. Following is the reader's own choice, for
//! themselves only; each change is audited.

use accordo_forecast::warning::Direction;
use serde_json::json;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, notifications};

use super::forecasts::{self, SeriesKey, Warning};
use crate::store;

/// The most series one user follows.
pub const MAX: usize = 50;

/// The series the caller follows, by name (`ITA/total`, `FRONTEX/Central Mediterranean`,
/// `FRONTEX/nationality/SYR`).
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<String>> {
    forecasts::may_read(ctx)?;
    let mut conn = platform.store.read().await?;
    Ok(store::subscriptions(&mut conn, &ctx.actor.user_id.to_string()).await?)
}

/// A warning's identity among a series' warnings: what is notified once.
fn alert_key(w: &Warning) -> String {
    let direction = serde_json::to_value(w.direction)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{}/{}/{direction}", w.kind, w.period)
}

/// Counts the warnings `key` has now as seen by `user`: following begins after them.
async fn mark_seen(
    platform: &Platform,
    ctx: &Ctx,
    tx: &mut accordo_store::Tx,
    user: &str,
    key: &SeriesKey,
    now: i64,
) -> Result<()> {
    if let Some(f) = forecasts::get(platform, ctx, key)? {
        for w in &f.warnings {
            store::mark_alert_sent(tx, user, &key.name(), &alert_key(w), now).await?;
        }
    }
    Ok(())
}

/// Audits a change of the caller's subscriptions and commits it.
async fn commit(
    platform: &Platform,
    ctx: &Ctx,
    mut tx: accordo_store::Tx,
    before: &[String],
    after: &[String],
) -> Result<()> {
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "flows.subscriptions.set",
        "flow_subscription",
        None,
        json!({"series": after, "before": before}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Makes `series` what the caller follows. Each must name a series this platform forecasts;
/// the warnings a newly followed series has now count as seen (only later ones are notified).
pub async fn set(platform: &Platform, ctx: &Ctx, series: &[String]) -> Result<Vec<String>> {
    forecasts::may_read(ctx)?;
    let mut keys = Vec::new();
    for (i, name) in series.iter().enumerate() {
        let key = SeriesKey::parse(name).ok_or_else(|| {
            ServiceError::invalid(
                "series",
                format!(
                    "item {}: `{name}` is not a forecast series (ITA/total, FRONTEX/total, FRONTEX/<route>, FRONTEX/nationality/<code>)",
                    i + 1
                ),
            )
        })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if keys.len() > MAX {
        return Err(ServiceError::invalid(
            "series",
            format!("at most {MAX} series, not {}", keys.len()),
        ));
    }
    let names: Vec<String> = keys.iter().map(SeriesKey::name).collect();
    let user = ctx.actor.user_id.to_string();
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    // Read in the transaction that writes: two changes at once do not lose one.
    let before = store::subscriptions(tx.conn(), &user).await?;
    store::set_subscriptions(&mut tx, &user, ctx.actor.agency.as_str(), &names, now).await?;
    for key in keys.iter().filter(|k| !before.contains(&k.name())) {
        mark_seen(platform, ctx, &mut tx, &user, key, now).await?;
    }
    commit(platform, ctx, tx, &before, &names).await?;
    Ok(names)
}

/// Follows or stops following one series, keeping the others (in one transaction with the
/// rest of the list, so that two clicks at once both count).
pub async fn follow(platform: &Platform, ctx: &Ctx, series: &str, on: bool) -> Result<Vec<String>> {
    forecasts::may_read(ctx)?;
    let name = SeriesKey::parse(series).map(|k| k.name()).ok_or_else(|| {
        ServiceError::invalid("series", format!("`{series}` is not a forecast series"))
    })?;
    let user = ctx.actor.user_id.to_string();
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let before = store::subscriptions(tx.conn(), &user).await?;
    let mut after: Vec<String> = before.iter().filter(|s| **s != name).cloned().collect();
    if on {
        after.push(name.clone());
    }
    if after.len() > MAX {
        return Err(ServiceError::invalid(
            "series",
            format!("at most {MAX} series"),
        ));
    }
    if on && !before.contains(&name) {
        store::add_subscription(&mut tx, &user, ctx.actor.agency.as_str(), &name, now).await?;
        if let Some(key) = SeriesKey::parse(&name) {
            mark_seen(platform, ctx, &mut tx, &user, &key, now).await?;
        }
    } else if !on {
        store::remove_subscription(&mut tx, &user, &name).await?;
    }
    commit(platform, ctx, tx, &before, &after).await?;
    after.sort();
    Ok(after)
}

/// The warnings of the series the caller follows, newest month first; `None` while the
/// forecasts are pending.
pub async fn alerts(platform: &Platform, ctx: &Ctx) -> Result<Option<Vec<(SeriesKey, Warning)>>> {
    let followed = list(platform, ctx).await?;
    let Some(all) = forecasts::all_warnings(platform, ctx)? else {
        return Ok(None);
    };
    let mut mine: Vec<(SeriesKey, Warning)> = all
        .into_iter()
        .filter(|(k, _)| followed.contains(&k.name()))
        .collect();
    mine.sort_by(|a, b| b.1.period.cmp(&a.1.period));
    Ok(Some(mine))
}

/// Tells each subscriber, once, of each warning of the series it follows that it was not yet
/// told of: a notification to the user, all in one transaction. Returns how many were sent.
pub async fn notify_new(platform: &Platform) -> Result<usize> {
    let ctx = accordo_service::demo::command_line_ctx();
    let subscriptions = {
        let mut conn = platform.store.read().await?;
        store::all_subscriptions(&mut conn).await?
    };
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let Some(all) = forecasts::all_warnings(platform, &ctx)? else {
        return Ok(0);
    };
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    let mut sent = 0;
    // Each follower as it is now: a disabled account, or one that may no longer read the
    // statistics, is told nothing.
    let mut readers = std::collections::BTreeMap::new();
    {
        let mut conn = platform.store.read().await?;
        for (user, _, _) in &subscriptions {
            if readers.contains_key(user) {
                continue;
            }
            let may = match uuid::Uuid::parse_str(user) {
                Ok(id) => match accordo_store::accounts::find_user_by_id(&mut conn, id).await? {
                    Some(row) if !row.disabled => {
                        let actor = accordo_service::auth::actor_for(platform, &row).await?;
                        forecasts::may_read(&Ctx {
                            actor,
                            request_id: None,
                        })
                        .is_ok()
                    }
                    _ => false,
                },
                Err(_) => false,
            };
            readers.insert(user.clone(), may);
        }
    }
    for (user, agency, series) in &subscriptions {
        let Ok(user_id) = uuid::Uuid::parse_str(user) else {
            continue;
        };
        if !readers.get(user).copied().unwrap_or(false) {
            continue;
        }
        for (key, w) in all.iter().filter(|(k, _)| k.name() == *series) {
            if !store::mark_alert_sent(&mut tx, user, series, &alert_key(w), now).await? {
                continue;
            }
            let message = match (w.kind, w.direction) {
                ("surprise", Direction::Up) => "flows-alert-surprise-up",
                ("surprise", _) => "flows-alert-surprise-down",
                (_, Direction::Up) => "flows-alert-change-up",
                _ => "flows-alert-change-down",
            };
            notifications::notify(
                platform,
                &mut tx,
                (agency, Some(user_id)),
                "flows.alert",
                message,
                json!({
                    "series": key.name(),
                    "period": w.period,
                    "observed": w.observed.map(|v| v.round() as i64),
                    "expected": w.expected.map(|v| v.round() as i64),
                    "percent": w.ratio.map(|r| ((r - 1.0).abs() * 100.0).round() as i64),
                }),
                Some(("flow_series", &key.name())),
            )
            .await?;
            sent += 1;
        }
    }
    if sent == 0 {
        return Ok(0);
    }
    let audited = audit::record_system(
        platform,
        &mut tx,
        "accordo",
        "flows.alerts.notified",
        "flow_subscription",
        None,
        None,
        json!({"notifications": sent}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(sent)
}
