//! Sessions (browser sign-in) and API tokens. Only hashes of their secrets are stored.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::{Conn, Result, StoreError, Tx};

/// Which credential table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Session,
    Token,
}

impl CredentialKind {
    fn table(self) -> &'static str {
        match self {
            CredentialKind::Session => "sessions",
            CredentialKind::Token => "api_tokens",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CredentialRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// The token's label, or the session's browser.
    pub label: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// Last use: tokens only; sessions report their last activity.
    pub last_used_at: Option<i64>,
}

/// A new browser session; `token_hash` is the hash of the cookie's secret.
pub struct NewSession<'a> {
    pub id: Uuid,
    pub token_hash: &'a str,
    pub user: Uuid,
    pub expires_us: i64,
    pub address: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert_session(tx: &mut Tx, s: &NewSession<'_>, now_us: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, address, user_agent)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(s.id.to_string())
    .bind(s.token_hash)
    .bind(s.user.to_string())
    .bind(now_us)
    .bind(s.expires_us)
    .bind(s.address)
    .bind(s.user_agent)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn insert_token(
    tx: &mut Tx,
    id: Uuid,
    token_hash: &str,
    user: Uuid,
    label: &str,
    now_us: i64,
    expires_us: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, user_id, label, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(token_hash)
    .bind(user.to_string())
    .bind(label)
    .bind(now_us)
    .bind(expires_us)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_as(e, "token"))?;
    Ok(())
}

fn row_to_credential(kind: CredentialKind, row: &AnyRow) -> Result<CredentialRow> {
    let uuid = |col: &str| -> Result<Uuid> {
        let text: String = row.try_get(col)?;
        Uuid::parse_str(&text).map_err(|_| StoreError::Invalid(format!("bad UUID in {col}")))
    };
    let (label, last_used_at) = match kind {
        CredentialKind::Token => (row.try_get("label")?, row.try_get("last_used_at")?),
        CredentialKind::Session => (
            row.try_get("user_agent")?,
            Some(row.try_get("last_seen_at")?),
        ),
    };
    Ok(CredentialRow {
        id: uuid("id")?,
        user_id: uuid("user_id")?,
        label,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        last_used_at,
    })
}

/// Finds a live (not revoked, not expired) credential by the hash of its secret.
pub async fn find_live(
    conn: &mut Conn,
    kind: CredentialKind,
    token_hash: &str,
    now_us: i64,
) -> Result<Option<CredentialRow>> {
    let sql = format!(
        "SELECT * FROM {} WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        kind.table()
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now_us)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| row_to_credential(kind, r)).transpose()
}

/// A live credential, its holder and the holder's agency.
#[derive(Debug, Clone)]
pub struct Holder {
    pub credential: CredentialRow,
    pub user: crate::accounts::UserRow,
    pub agency: crate::accounts::AgencyRow,
    /// Whether the agency belongs to the host state.
    pub host_state: bool,
}

/// [`find_live`], with the holder and its agency, in one query: every authenticated request
/// asks. `None` when there is no live credential, or no user or agency behind it (the caller
/// then asks [`find_live`] and the others, to say which).
pub async fn find_live_holder(
    conn: &mut Conn,
    kind: CredentialKind,
    token_hash: &str,
    now_us: i64,
) -> Result<Option<Holder>> {
    let sql = format!(
        "SELECT c.*, {}, {}, {} AS a_host_state
         FROM {} c JOIN users u ON u.id = c.user_id JOIN agencies a ON a.code = u.agency
         WHERE c.token_hash = $1 AND c.revoked_at IS NULL AND c.expires_at > $2",
        crate::accounts::user_columns("u", "u_"),
        crate::accounts::agency_columns("a", "a_"),
        crate::accounts::host_state_sql("a"),
        kind.table()
    );
    let Some(row) = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now_us)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Holder {
        credential: row_to_credential(kind, &row)?,
        user: crate::accounts::user_from(&row, "u_")?,
        agency: crate::accounts::agency_from(&row, "a_")?,
        host_state: crate::accounts::host_state_from(&row, "a_host_state")?,
    }))
}

/// Finds a credential by its hash whatever its state, to say why it no longer works.
pub async fn find_any(
    conn: &mut Conn,
    kind: CredentialKind,
    token_hash: &str,
) -> Result<Option<CredentialRow>> {
    let sql = format!("SELECT * FROM {} WHERE token_hash = $1", kind.table());
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| row_to_credential(kind, r)).transpose()
}

/// Notes the use of a credential; called at most once a minute per credential.
pub async fn touch(conn: &mut Conn, kind: CredentialKind, id: Uuid, now_us: i64) -> Result<()> {
    let column = match kind {
        CredentialKind::Session => "last_seen_at",
        CredentialKind::Token => "last_used_at",
    };
    let sql = format!("UPDATE {} SET {column} = $1 WHERE id = $2", kind.table());
    sqlx::query(&sql)
        .bind(now_us)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Lists a user's credentials, newest first.
pub async fn list_for_user(
    conn: &mut Conn,
    kind: CredentialKind,
    user: Uuid,
) -> Result<Vec<CredentialRow>> {
    let sql = format!(
        "SELECT * FROM {} WHERE user_id = $1 ORDER BY created_at DESC",
        kind.table()
    );
    let rows = sqlx::query(&sql)
        .bind(user.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| row_to_credential(kind, r)).collect()
}

pub async fn get(conn: &mut Conn, kind: CredentialKind, id: Uuid) -> Result<Option<CredentialRow>> {
    let sql = format!("SELECT * FROM {} WHERE id = $1", kind.table());
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| row_to_credential(kind, r)).transpose()
}

pub async fn revoke(tx: &mut Tx, kind: CredentialKind, id: Uuid, now_us: i64) -> Result<bool> {
    let sql = format!(
        "UPDATE {} SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        kind.table()
    );
    let done = sqlx::query(&sql)
        .bind(now_us)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live session and token of a user; returns how many.
pub async fn revoke_all_for_user(tx: &mut Tx, user: Uuid, now_us: i64) -> Result<u64> {
    revoke_others_of_user(tx, user, None, now_us).await
}

/// Ends every session and token of a user but `keep` (the one in use); returns how many.
pub async fn revoke_others_of_user(
    tx: &mut Tx,
    user: Uuid,
    keep: Option<Uuid>,
    now_us: i64,
) -> Result<u64> {
    let mut n = 0;
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    for kind in [CredentialKind::Session, CredentialKind::Token] {
        let sql = format!(
            "UPDATE {} SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
            kind.table()
        );
        n += sqlx::query(&sql)
            .bind(now_us)
            .bind(user.to_string())
            .bind(&keep)
            .execute(tx.conn())
            .await?
            .rows_affected();
    }
    Ok(n)
}
