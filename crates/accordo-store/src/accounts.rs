//! Countries, agencies, users and the per-role sign-in policy.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use accordo_domain::access::{Reach, Scope};

use crate::{Conn, Result, Store, StoreError, Tx, flag};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyRow {
    pub code: String,
    pub name: String,
    /// `None` for an international body.
    pub country: Option<String>,
    pub operator: bool,
    /// Kinds of record the agency monitors (the independent monitor's mandate).
    pub mandate: Vec<String>,
    pub time_zone: String,
    /// The roles its users may hold, which the operator's administrator grants the agency
    /// (a ministry is a readmission authority only once it is made one).
    pub roles: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub agency: String,
    pub roles: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub language: String,
    pub time_zone: String,
    pub created_at: i64,
}

pub async fn upsert_country(conn: &mut Conn, code: &str, name: &str) -> Result<()> {
    sqlx::query("INSERT INTO countries (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = excluded.name")
        .bind(code)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn country_count(store: &Store) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM countries")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("n")?)
}

pub async fn insert_agency(tx: &mut Tx, agency: &AgencyRow, now_us: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO agencies (code, name, country, operator, mandate, time_zone, roles, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&agency.code)
    .bind(&agency.name)
    .bind(&agency.country)
    .bind(flag(agency.operator))
    .bind(agency.mandate.join(","))
    .bind(&agency.time_zone)
    .bind(agency.roles.join(","))
    .bind(now_us)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_as(e, format!("agency {}", agency.code)))?;
    Ok(())
}

/// Sets the roles an agency's users may hold.
pub async fn set_agency_roles(tx: &mut Tx, code: &str, roles: &[String]) -> Result<bool> {
    let done = sqlx::query("UPDATE agencies SET roles = $1 WHERE code = $2")
        .bind(roles.join(","))
        .bind(code)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The usernames of an agency's users whose roles include `role`.
pub async fn users_holding(conn: &mut Conn, agency: &str, role: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT username FROM users WHERE agency = $1 AND (',' || roles || ',') LIKE $2 ORDER BY username",
    )
    .bind(agency)
    .bind(format!("%,{role},%"))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("username")?))
        .collect()
}

fn list_of(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Named, not `*`: a statement prepared before a migration added a column would otherwise
/// read the wrong number of columns on SQLite.
const AGENCY_COLUMNS: &str = "code, name, country, operator, mandate, time_zone, roles";

fn agency_from_row(row: &AnyRow) -> Result<AgencyRow> {
    agency_from(row, "")
}

/// An agency from columns named with `prefix` (see [`aliased`]).
pub(crate) fn agency_from(row: &AnyRow, prefix: &str) -> Result<AgencyRow> {
    let col = |c: &str| format!("{prefix}{c}");
    let mandate: String = row.try_get(col("mandate").as_str())?;
    let roles: String = row.try_get(col("roles").as_str())?;
    Ok(AgencyRow {
        code: row.try_get(col("code").as_str())?,
        name: row.try_get(col("name").as_str())?,
        country: row.try_get(col("country").as_str())?,
        operator: row.try_get::<i64, _>(col("operator").as_str())? != 0,
        mandate: list_of(&mandate),
        time_zone: row.try_get(col("time_zone").as_str())?,
        roles: list_of(&roles),
    })
}

/// `columns` of the table aliased `table`, each renamed with `prefix`: `u.id AS u_id, …`, for
/// a join whose tables share column names.
pub(crate) fn aliased(columns: &str, table: &str, prefix: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{c} AS {prefix}{c}", c = c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of an agency, aliased `table`, named with `prefix`.
pub(crate) fn agency_columns(table: &str, prefix: &str) -> String {
    aliased(AGENCY_COLUMNS, table, prefix)
}

/// Whether the agency aliased `table` belongs to the host state: one SQL expression.
pub(crate) fn host_state_sql(table: &str) -> String {
    format!(
        "({table}.country IS NOT NULL AND {table}.country IN
            (SELECT o.country FROM agencies o WHERE o.operator = 1))"
    )
}

/// Reads the flag [`host_state_sql`] computes: a boolean on PostgreSQL, an integer on SQLite.
pub(crate) fn host_state_from(row: &AnyRow, column: &str) -> Result<bool> {
    Ok(row
        .try_get::<bool, _>(column)
        .or_else(|_| row.try_get::<i64, _>(column).map(|n| n != 0))?)
}

/// Agencies are reference data every signed-in user reads (their codes address records).
pub async fn list_agencies(store: &Store) -> Result<Vec<AgencyRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY code"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(agency_from_row).collect()
}

pub async fn find_agency(conn: &mut Conn, code: &str) -> Result<Option<AgencyRow>> {
    let row = sqlx::query(&format!(
        "SELECT {AGENCY_COLUMNS} FROM agencies WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(agency_from_row).transpose()
}

/// An agency and whether it belongs to the host state (the country of the agency that
/// operates the platform), in one query: every authenticated request asks.
pub async fn find_agency_in_host_state(
    conn: &mut Conn,
    code: &str,
) -> Result<Option<(AgencyRow, bool)>> {
    let row = sqlx::query(&format!(
        "SELECT {AGENCY_COLUMNS}, {} AS host_state FROM agencies WHERE code = $1",
        host_state_sql("agencies")
    ))
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|r| Ok((agency_from_row(r)?, host_state_from(r, "host_state")?)))
        .transpose()
}

pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub display_name: &'a str,
    pub agency: &'a str,
    pub roles: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub language: &'a str,
    pub time_zone: &'a str,
}

pub async fn insert_user(tx: &mut Tx, user: &NewUser<'_>, now_us: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, username, display_name, agency, roles, password_hash, must_change_password,
            language, time_zone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(user.id.to_string())
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.agency)
    .bind(user.roles)
    .bind(user.password_hash)
    .bind(flag(user.must_change_password))
    .bind(user.language)
    .bind(user.time_zone)
    .bind(now_us)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_as(e, format!("user {}", user.username)))?;
    Ok(())
}

/// Named, not `*` (see [`AGENCY_COLUMNS`]).
const USER_COLUMNS: &str = "id, username, display_name, agency, roles, password_hash, totp_secret, totp_pending, disabled, must_change_password, language, time_zone, created_at";

fn user_from_row(row: &AnyRow) -> Result<UserRow> {
    user_from(row, "")
}

/// A user from columns named with `prefix` (see [`aliased`]).
pub(crate) fn user_from(row: &AnyRow, prefix: &str) -> Result<UserRow> {
    let col = |c: &str| format!("{prefix}{c}");
    let id: String = row.try_get(col("id").as_str())?;
    Ok(UserRow {
        id: Uuid::parse_str(&id).map_err(|_| StoreError::Invalid(format!("bad user id `{id}`")))?,
        username: row.try_get(col("username").as_str())?,
        display_name: row.try_get(col("display_name").as_str())?,
        agency: row.try_get(col("agency").as_str())?,
        roles: row.try_get(col("roles").as_str())?,
        password_hash: row.try_get(col("password_hash").as_str())?,
        totp_secret: row.try_get(col("totp_secret").as_str())?,
        totp_pending: row.try_get(col("totp_pending").as_str())?,
        disabled: row.try_get::<i64, _>(col("disabled").as_str())? != 0,
        must_change_password: row.try_get::<i64, _>(col("must_change_password").as_str())? != 0,
        language: row.try_get(col("language").as_str())?,
        time_zone: row.try_get(col("time_zone").as_str())?,
        created_at: row.try_get(col("created_at").as_str())?,
    })
}

/// The columns of a user, aliased `table`, named with `prefix`.
pub(crate) fn user_columns(table: &str, prefix: &str) -> String {
    aliased(USER_COLUMNS, table, prefix)
}

/// Finds a user by name with no scope: for sign-in (the caller is not yet known) and the
/// command line (whose operator holds the database).
pub async fn find_user_by_username(conn: &mut Conn, username: &str) -> Result<Option<UserRow>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Resolves the user behind a verified session or token.
pub async fn find_user_by_id(conn: &mut Conn, id: Uuid) -> Result<Option<UserRow>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The users a scope of kind `user` reaches: all (the platform), its agency's, itself.
fn user_scope_sql(scope: &Scope, binds: &mut crate::scope::Binds) -> String {
    let mut ors = Vec::new();
    if scope.has(Reach::Platform) || scope.has(Reach::Everyone) {
        ors.push("1 = 1".to_owned());
    }
    if scope.has(Reach::OwnAgency) {
        ors.push(format!(
            "agency = {}",
            binds.text(scope.actor().agency.as_str())
        ));
    }
    if scope.has(Reach::Itself) {
        ors.push(format!(
            "id = {}",
            binds.text(&scope.actor().user_id.to_string())
        ));
    }
    if ors.is_empty() {
        "1 = 0".into()
    } else {
        format!("({})", ors.join(" OR "))
    }
}

pub async fn list_users(store: &Store, scope: &Scope) -> Result<Vec<UserRow>> {
    let mut binds = crate::scope::Binds::default();
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {} ORDER BY agency, username",
        user_scope_sql(scope, &mut binds)
    );
    let rows = binds
        .bind_all(sqlx::query(&sql))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(user_from_row).collect()
}

pub async fn get_user(conn: &mut Conn, scope: &Scope, id: Uuid) -> Result<Option<UserRow>> {
    let mut binds = crate::scope::Binds::default();
    let filter = user_scope_sql(scope, &mut binds);
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = {} AND {filter}",
        binds.text(&id.to_string())
    );
    let row = binds
        .bind_all(sqlx::query(&sql))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn set_user_disabled(tx: &mut Tx, id: Uuid, disabled: bool, now_us: i64) -> Result<()> {
    sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(disabled))
        .bind(now_us)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_user_roles(tx: &mut Tx, id: Uuid, roles: &str, now_us: i64) -> Result<()> {
    sqlx::query("UPDATE users SET roles = $1, updated_at = $2 WHERE id = $3")
        .bind(roles)
        .bind(now_us)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records that a second-factor code of time step `step` was used, unless one of that step or
/// a later one already was: `false` is a replay, refused. One statement, so two sign-ins
/// racing with one code cannot both pass.
pub async fn use_totp_step(tx: &mut Tx, id: Uuid, step: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The users holding `role` without a second factor enrolled.
pub async fn holders_without_totp(conn: &mut Conn, role: &str) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "SELECT id FROM users WHERE totp_secret IS NULL AND (',' || roles || ',') LIKE $1",
    )
    .bind(format!("%,{role},%"))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Uuid::parse_str(&id).map_err(|_| StoreError::Invalid(format!("bad user id `{id}`")))
        })
        .collect()
}

pub async fn set_password(
    tx: &mut Tx,
    id: Uuid,
    hash: &str,
    must_change: bool,
    now_us: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL,
            updated_at = $3 WHERE id = $4",
    )
    .bind(hash)
    .bind(flag(must_change))
    .bind(now_us)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn set_preferences(
    tx: &mut Tx,
    id: Uuid,
    language: &str,
    time_zone: &str,
    now_us: i64,
) -> Result<()> {
    sqlx::query("UPDATE users SET language = $1, time_zone = $2, updated_at = $3 WHERE id = $4")
        .bind(language)
        .bind(time_zone)
        .bind(now_us)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Sets the pending (not yet confirmed) or the active second-factor secret.
pub async fn set_totp(
    tx: &mut Tx,
    id: Uuid,
    active: Option<&str>,
    pending: Option<&str>,
    now_us: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_pending = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(active)
    .bind(pending)
    .bind(now_us)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Roles whose users must have a second factor.
pub async fn totp_required_roles(conn: &mut Conn) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT role FROM role_policies WHERE totp_required = 1 ORDER BY role")
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("role")?)).collect()
}

pub async fn set_totp_required(tx: &mut Tx, role: &str, required: bool) -> Result<()> {
    sqlx::query(
        "INSERT INTO role_policies (role, totp_required) VALUES ($1, $2)
         ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required",
    )
    .bind(role)
    .bind(flag(required))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn get_state(conn: &mut Conn, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM system_state WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get("value")).transpose()?)
}

pub async fn set_state(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO system_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(tx.conn())
    .await?;
    Ok(())
}
