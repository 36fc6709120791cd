//! Retention: what each kind of record keeps, and the SQL that applies it.
//!
//! A module declares a [`RetentionTarget`] per kind: the rule (from the domain) and one SQL
//! statement taking the cut-off (`$1`, microseconds since the epoch) that erases or
//! anonymises what is older. The platform's are [`FOUNDATION`]; a module hands over its own.

use accordo_domain::retention::{RetentionAction, RetentionRule};
use sqlx::Row;

use crate::{Conn, Result, Tx};

pub struct RetentionTarget {
    pub rule: RetentionRule,
    pub sql: &'static str,
}

/// The platform's own retention targets; each module hands over its own in its `Module`.
pub static FOUNDATION: &[RetentionTarget] = &[
    RetentionTarget {
        rule: RetentionRule {
            kind: "audit_details",
            description: "Details of audit entries (may name persons); the entries and their chain are kept",
            default_days: 730,
            min_days: 180,
            max_days: 3650,
            action: RetentionAction::Erase,
        },
        // Not the details of erasure entries (resource kind `audit_details`): they name what
        // was erased, for `audit verify`. `audit::details_to_erase` selects the same rows.
        sql: "DELETE FROM audit_details WHERE seq IN (SELECT seq FROM audit_log WHERE at < $1 AND resource_kind <> 'audit_details')",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "session",
            description: "Ended browser sessions (expired or signed out)",
            default_days: 90,
            min_days: 1,
            max_days: 730,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "api_token",
            description: "Expired or revoked API tokens",
            default_days: 365,
            min_days: 1,
            max_days: 1825,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "notification",
            description: "Notifications to agencies and users",
            default_days: 180,
            min_days: 7,
            max_days: 1825,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM notifications WHERE created_at < $1",
    },
];

pub fn target<'a>(targets: &[&'a RetentionTarget], kind: &str) -> Option<&'a RetentionTarget> {
    targets.iter().copied().find(|t| t.rule.kind == kind)
}

/// The period in force for each kind: the admin's setting, else the default.
pub async fn periods<'a>(
    conn: &mut Conn,
    targets: &[&'a RetentionTarget],
) -> Result<Vec<(&'a RetentionTarget, u32)>> {
    let rows = sqlx::query("SELECT kind, keep_days FROM retention_settings")
        .fetch_all(conn)
        .await?;
    let mut set = std::collections::HashMap::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let days: i64 = row.try_get("keep_days")?;
        set.insert(kind, days);
    }
    Ok(targets
        .iter()
        .map(|&t| {
            let days = set
                .get(t.rule.kind)
                .and_then(|d| t.rule.check_period(*d).ok())
                .unwrap_or(t.rule.default_days);
            (t, days)
        })
        .collect())
}

pub async fn set_period(tx: &mut Tx, kind: &str, days: u32, now_us: i64, by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO retention_settings (kind, keep_days, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind) DO UPDATE SET keep_days = excluded.keep_days, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by",
    )
    .bind(kind)
    .bind(i64::from(days))
    .bind(now_us)
    .bind(by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Applies one target's rule in `tx`; returns the number of records erased or anonymised.
pub async fn apply(tx: &mut Tx, target: &RetentionTarget, cutoff_us: i64) -> Result<u64> {
    let done = sqlx::query(target.sql)
        .bind(cutoff_us)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}
