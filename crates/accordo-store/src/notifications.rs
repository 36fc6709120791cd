//! Notifications to an agency (or one of its users): a register hit, a request received.

use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

use accordo_domain::access::{Reach, Scope};

use crate::{Conn, Result, StoreError, Tx};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub agency: String,
    pub user_id: Option<Uuid>,
    pub topic: String,
    /// In the reader's language where the notification keeps a message (the API and the
    /// pages render it); as written for one made before messages were kept.
    pub title: String,
    pub body: String,
    /// The message of the catalogues, JSON `{"id", "args"}`: the title is message `id`, the
    /// body `id-body`.
    #[serde(skip)]
    pub message: Option<String>,
    pub resource_kind: Option<String>,
    pub resource_id: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub async fn insert(tx: &mut Tx, n: &Notification) -> Result<()> {
    insert_all(tx, std::slice::from_ref(n)).await
}

/// Writes notifications in the caller's transaction, many rows a statement.
pub async fn insert_all(tx: &mut Tx, all: &[Notification]) -> Result<()> {
    let mut rows = crate::inserts::Inserts::new();
    add_rows(&mut rows, all);
    rows.run(tx).await.map(drop)
}

/// The rows [`insert_all`] writes, added to `rows`, to be written with others.
pub fn add_rows(rows: &mut crate::inserts::Inserts, all: &[Notification]) {
    for n in all {
        rows.row(
            "notifications",
            &[
                "id",
                "agency",
                "user_id",
                "topic",
                "title",
                "body",
                "resource_kind",
                "resource_id",
                "created_at",
                "message",
            ],
            vec![
                n.id.to_string().into(),
                (&n.agency).into(),
                n.user_id.map(|u| u.to_string()).into(),
                (&n.topic).into(),
                (&n.title).into(),
                (&n.body).into(),
                n.resource_kind.clone().into(),
                n.resource_id.clone().into(),
                n.created_at.into(),
                n.message.clone().into(),
            ],
        );
    }
}

/// What a user sees, newest first: the notifications a scope of kind `notification` reaches,
/// its agency's that are to the agency as a whole or to its actor (none without the agency
/// reach).
pub async fn for_user(
    conn: &mut Conn,
    scope: &Scope,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>> {
    if !scope.has(Reach::OwnAgency) {
        return Ok(Vec::new());
    }
    let (agency, user) = (scope.actor().agency.as_str(), scope.actor().user_id);
    let sql = format!(
        "SELECT * FROM notifications WHERE agency = $1 AND (user_id IS NULL OR user_id = $2) {}
         ORDER BY created_at DESC LIMIT $3",
        if unread_only {
            "AND read_at IS NULL"
        } else {
            ""
        }
    );
    let rows = sqlx::query(&sql)
        .bind(agency)
        .bind(user.to_string())
        .bind(limit.clamp(1, 500))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            let uuid = |t: String| {
                Uuid::parse_str(&t)
                    .map_err(|_| StoreError::Invalid("bad UUID in notifications".into()))
            };
            Ok(Notification {
                id: uuid(row.try_get("id")?)?,
                agency: row.try_get("agency")?,
                user_id: row
                    .try_get::<Option<String>, _>("user_id")?
                    .map(uuid)
                    .transpose()?,
                topic: row.try_get("topic")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                message: row.try_get("message")?,
                resource_kind: row.try_get("resource_kind")?,
                resource_id: row.try_get("resource_id")?,
                created_at: row.try_get("created_at")?,
                read_at: row.try_get("read_at")?,
            })
        })
        .collect()
}

/// Marks one notification read (again is fine), within the reader's agency; false if none
/// the reader may see matched.
pub async fn mark_read(
    tx: &mut Tx,
    id: Uuid,
    agency: &str,
    user: Uuid,
    now_us: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1)
         WHERE id = $2 AND agency = $3 AND (user_id IS NULL OR user_id = $4)",
    )
    .bind(now_us)
    .bind(id.to_string())
    .bind(agency)
    .bind(user.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
