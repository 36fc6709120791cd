//! Retention: what each kind of record keeps, and the SQL that applies it.
//!
//! A module declares a [`RetentionTarget`] per kind: the rule (from the domain) and one SQL
//! statement taking the cut-off (`$1`, microseconds since the epoch) that erases or
//! anonymises what is older. The registry [`TARGETS`] lists them all.

use accordo_domain::retention::{RetentionAction, RetentionRule};
use sqlx::Row;

use crate::{Conn, Result, Tx};

pub struct RetentionTarget {
    pub rule: RetentionRule,
    pub sql: &'static str,
}

/// Every retention target, foundation first; a module appends its own.
pub static TARGETS: &[RetentionTarget] = &[
    RetentionTarget {
        rule: RetentionRule {
            kind: "audit_details",
            description: "Details of audit entries (may name persons); the entries and their chain are kept",
            default_days: 730,
            min_days: 180,
            max_days: 3650,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM audit_details WHERE seq IN (SELECT seq FROM audit_log WHERE at < $1)",
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
    RetentionTarget {
        rule: RetentionRule {
            kind: "document_report",
            description: "Withdrawn reports of the document register (live reports are kept until withdrawn)",
            default_days: 1825,
            min_days: 30,
            max_days: 3650,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM document_reports WHERE withdrawn_at < $1",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "forgery_alert",
            description: "Withdrawn forgery alerts (live alerts are kept until withdrawn)",
            default_days: 1825,
            min_days: 30,
            max_days: 3650,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM forgery_alerts WHERE withdrawn_at < $1",
    },
    // Finished return cases (returned or closed): the person's data goes, the counts stay.
    // The documents and the requests' evidence go first (they name the person too); the
    // case's own fields are blanked last, each by its own rule.
    RetentionTarget {
        rule: RetentionRule {
            kind: "case_document",
            description: "Documents held or copied of finished return cases (their MRZs name the person)",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: RetentionAction::Erase,
        },
        sql: "DELETE FROM case_documents WHERE case_id IN (SELECT id FROM return_cases WHERE state IN ('executed', 'closed') AND updated_at < $1)",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "readmission_request",
            description: "Evidence sent with the readmission requests of finished return cases; the requests stay for the cooperation index",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: RetentionAction::Anonymise,
        },
        sql: "UPDATE readmission_requests SET evidence = '[]', version = version + 1 WHERE evidence <> '[]' AND case_id IN (SELECT id FROM return_cases WHERE state IN ('executed', 'closed') AND updated_at < $1)",
    },
    RetentionTarget {
        rule: RetentionRule {
            kind: "return_case",
            description: "Names, date of birth and biometric reference of finished return cases; the case stays for statistics",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: RetentionAction::Anonymise,
        },
        sql: "UPDATE return_cases SET surname = '', given_names = '', date_of_birth = NULL, biometric_ref = '', version = version + 1 WHERE state IN ('executed', 'closed') AND updated_at < $1 AND (surname <> '' OR biometric_ref <> '')",
    },
];

pub fn target(kind: &str) -> Option<&'static RetentionTarget> {
    TARGETS.iter().find(|t| t.rule.kind == kind)
}

/// The period in force for each kind: the admin's setting, else the default.
pub async fn periods(conn: &mut Conn) -> Result<Vec<(&'static RetentionTarget, u32)>> {
    let rows = sqlx::query("SELECT kind, keep_days FROM retention_settings")
        .fetch_all(conn)
        .await?;
    let mut set = std::collections::HashMap::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let days: i64 = row.try_get("keep_days")?;
        set.insert(kind, days);
    }
    Ok(TARGETS
        .iter()
        .map(|t| {
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
