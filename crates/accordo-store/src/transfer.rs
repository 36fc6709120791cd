//! Export and import of a whole installation, to move it between engines.
//!
//! The file is JSON Lines: a header `{"accordo_export": 1, "schema_version": N}`, then one
//! `{"table": …, "row": {…}}` per row, tables in dependency order. Import goes into an empty,
//! migrated database of the same schema version, in one transaction: a bad line writes nothing.

use serde_json::{Map, Value};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store, StoreError, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Int,
    Text,
}

pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
    pub order_by: &'static str,
}

use Col::{Int, Text};

/// The platform's tables, parents before children. Each module hands over its own in its
/// `Module`; an export writes the platform's first, then the modules' in their order.
pub static FOUNDATION: &[TableSpec] = &[
    TableSpec {
        name: "countries",
        columns: &[("code", Text), ("name", Text)],
        order_by: "code",
    },
    TableSpec {
        name: "agencies",
        columns: &[
            ("code", Text),
            ("name", Text),
            ("country", Text),
            ("operator", Int),
            ("mandate", Text),
            ("time_zone", Text),
            ("roles", Text),
            ("created_at", Int),
        ],
        order_by: "code",
    },
    TableSpec {
        name: "users",
        columns: &[
            ("id", Text),
            ("username", Text),
            ("display_name", Text),
            ("agency", Text),
            ("roles", Text),
            ("password_hash", Text),
            ("totp_secret", Text),
            ("totp_pending", Text),
            ("totp_last_step", Int),
            ("disabled", Int),
            ("failed_logins", Int),
            ("locked_until", Int),
            ("must_change_password", Int),
            ("language", Text),
            ("time_zone", Text),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "role_policies",
        columns: &[("role", Text), ("totp_required", Int)],
        order_by: "role",
    },
    TableSpec {
        name: "sessions",
        columns: &[
            ("id", Text),
            ("token_hash", Text),
            ("user_id", Text),
            ("created_at", Int),
            ("last_seen_at", Int),
            ("expires_at", Int),
            ("revoked_at", Int),
            ("address", Text),
            ("user_agent", Text),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "api_tokens",
        columns: &[
            ("id", Text),
            ("token_hash", Text),
            ("user_id", Text),
            ("label", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("revoked_at", Int),
            ("last_used_at", Int),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "audit_log",
        columns: &[
            ("seq", Int),
            ("id", Text),
            ("at", Int),
            ("actor_user", Text),
            ("actor_name", Text),
            ("actor_agency", Text),
            ("action", Text),
            ("resource_kind", Text),
            ("resource_id", Text),
            ("request_id", Text),
            ("details_hash", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
        order_by: "seq",
    },
    TableSpec {
        name: "audit_details",
        columns: &[("seq", Int), ("details", Text)],
        order_by: "seq",
    },
    TableSpec {
        name: "audit_checkpoints",
        columns: &[
            ("seq", Int),
            ("head_hash", Text),
            ("at", Int),
            ("public_key", Text),
            ("signature", Text),
        ],
        order_by: "seq, public_key",
    },
    // Entries committed but not yet chained (the export seals first, so only those written
    // while it ran); their numbers are the target's to give.
    TableSpec {
        name: "audit_pending",
        columns: &[
            ("id", Text),
            ("at", Int),
            ("actor_user", Text),
            ("actor_name", Text),
            ("actor_agency", Text),
            ("action", Text),
            ("resource_kind", Text),
            ("resource_id", Text),
            ("request_id", Text),
            ("details", Text),
        ],
        order_by: "pid",
    },
    TableSpec {
        name: "retention_settings",
        columns: &[
            ("kind", Text),
            ("keep_days", Int),
            ("updated_at", Int),
            ("updated_by", Text),
        ],
        order_by: "kind",
    },
    TableSpec {
        name: "record_addressees",
        columns: &[
            ("kind", Text),
            ("record_id", Text),
            ("addressee_type", Text),
            ("addressee", Text),
        ],
        order_by: "kind, record_id, addressee_type, addressee",
    },
    TableSpec {
        name: "notifications",
        columns: &[
            ("id", Text),
            ("agency", Text),
            ("user_id", Text),
            ("topic", Text),
            ("title", Text),
            ("body", Text),
            ("resource_kind", Text),
            ("resource_id", Text),
            ("created_at", Int),
            ("read_at", Int),
            ("message", Text),
        ],
        order_by: "id",
    },
    TableSpec {
        name: "system_state",
        columns: &[("key", Text), ("value", Text)],
        order_by: "key",
    },
];

/// Counts the rows to export, for a progress bar.
pub async fn count_rows(store: &Store, tables: &[&TableSpec]) -> Result<u64> {
    let mut total = 0u64;
    for t in tables {
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", t.name))
            .fetch_one(store.pool())
            .await?;
        total += u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
    }
    Ok(total)
}

/// Writes the header and every row through `emit`, one JSON line at a time.
pub async fn export(
    store: &Store,
    tables: &[&TableSpec],
    mut emit: impl FnMut(String) -> std::io::Result<()>,
) -> Result<u64> {
    crate::audit::seal(store).await?;
    let version = crate::migrate::current_version(store).await?;
    let io = |e: std::io::Error| StoreError::Invalid(format!("cannot write the export: {e}"));
    emit(serde_json::json!({"accordo_export": 1, "schema_version": version}).to_string())
        .map_err(io)?;
    let mut n = 0;
    // Read in one transaction so the export is a consistent snapshot: on PostgreSQL one
    // snapshot for every statement (REPEATABLE READ; READ COMMITTED takes one per statement,
    // and an entry chained between the reads of audit_log and audit_pending would be in
    // neither), on SQLite the read transaction's own.
    let mut tx = match store.engine() {
        crate::Engine::Postgres => {
            store
                .pool()
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
        crate::Engine::Sqlite => store.pool().begin().await?,
    };
    for t in tables {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            t.name,
            t.order_by
        );
        let rows = sqlx::query(&sql).fetch_all(&mut *tx).await?;
        for row in rows {
            let line = serde_json::json!({"table": t.name, "row": row_to_json(t, &row)?});
            emit(line.to_string()).map_err(io)?;
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}

fn row_to_json(t: &TableSpec, row: &AnyRow) -> Result<Value> {
    let mut map = Map::new();
    for (name, col) in t.columns {
        let value = match col {
            Int => row.try_get::<Option<i64>, _>(*name)?.map(Value::from),
            Text => row.try_get::<Option<String>, _>(*name)?.map(Value::from),
        };
        map.insert((*name).to_owned(), value.unwrap_or(Value::Null));
    }
    Ok(Value::Object(map))
}

/// An error in the import file, with the line it is on.
fn bad(line: usize, what: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("line {line}: {what}"))
}

/// The schema version an export was made at, from its header line.
pub fn export_version(header: &str) -> Result<i64> {
    let header: Value =
        serde_json::from_str(header).map_err(|e| bad(1, format!("not JSON: {e}")))?;
    if header.get("accordo_export").and_then(Value::as_i64) != Some(1) {
        return Err(bad(
            1,
            "not an accordo export (header `accordo_export: 1` missing)",
        ));
    }
    header
        .get("schema_version")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad(1, "header lacks `schema_version`"))
}

/// Imports an export into an empty store, whatever the version of accordo that made it: the
/// store is migrated to the export's schema version, the rows are imported (in one
/// transaction), then the later migrations run over them as over any installation. An export
/// from a newer accordo is refused.
pub async fn import_and_migrate(
    store: &Store,
    now_us: i64,
    migrations: &[&'static [crate::migrate::Migration]],
    tables: &[&TableSpec],
    lines: Vec<(usize, String)>,
    progress: impl FnMut(u64),
) -> Result<u64> {
    let version = export_version(lines.first().map_or("", |(_, l)| l.as_str()))?;
    let newest = crate::migrate::ordered(migrations)?
        .last()
        .map_or(0, |m| m.version);
    if version > newest {
        return Err(bad(
            1,
            format!(
                "export has schema version {version}, newer than this accordo's {newest}; import it with the accordo that made it or a newer one"
            ),
        ));
    }
    crate::migrate::run_until(store, now_us, migrations, version).await?;
    let n = import(store, tables, lines, progress).await?;
    crate::migrate::run(store, now_us, migrations).await?;
    Ok(n)
}

/// Imports lines produced by [`export`] into this (empty, migrated) store in one transaction.
/// `lines` yields `(line_number, text)`; `progress` is called after each row.
pub async fn import(
    store: &Store,
    tables: &[&TableSpec],
    lines: impl IntoIterator<Item = (usize, String)>,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut tx = store.write().await?;
    for table in ["users", "agencies", "audit_log"] {
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(tx.conn())
            .await?;
        if row.try_get::<i64, _>("n")? > 0 {
            return Err(StoreError::Invalid(format!(
                "the target database is not empty (table {table} has rows); import into a fresh database"
            )));
        }
    }
    let mut lines = lines.into_iter();
    let (first_no, header) = lines.next().ok_or_else(|| bad(1, "the file is empty"))?;
    let header: Value =
        serde_json::from_str(&header).map_err(|e| bad(first_no, format!("not JSON: {e}")))?;
    let want = crate::migrate::current_version(store).await?;
    match header.get("schema_version").and_then(Value::as_i64) {
        _ if header.get("accordo_export").and_then(Value::as_i64) != Some(1) => {
            return Err(bad(
                first_no,
                "not an accordo export (header `accordo_export: 1` missing)",
            ));
        }
        Some(v) if v == want => {}
        Some(v) => {
            return Err(bad(
                first_no,
                format!(
                    "export has schema version {v}, this database has {want}; use the same accordo version"
                ),
            ));
        }
        None => return Err(bad(first_no, "header lacks `schema_version`")),
    }
    let mut n = 0;
    let mut last_audit: Option<(i64, String)> = None;
    let mut has_pending = false;
    let mut rank = 0usize;
    for (no, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let line: Value =
            serde_json::from_str(&text).map_err(|e| bad(no, format!("not JSON: {e}")))?;
        let name = line
            .get("table")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(no, "field `table` missing"))?;
        let (pos, spec) = tables
            .iter()
            .copied()
            .enumerate()
            .find(|(_, t)| t.name == name)
            .ok_or_else(|| bad(no, format!("unknown table `{name}`")))?;
        if pos < rank {
            return Err(bad(
                no,
                format!("table `{name}` comes after tables it must precede"),
            ));
        }
        rank = pos;
        let row = line
            .get("row")
            .and_then(Value::as_object)
            .ok_or_else(|| bad(no, "field `row` missing"))?;
        insert_row(&mut tx, spec, row, no).await?;
        has_pending |= name == "audit_pending";
        if name == "audit_log" {
            let seq = row
                .get("seq")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad(no, "audit_log.seq missing"))?;
            let hash = row
                .get("hash")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(no, "audit_log.hash missing"))?;
            last_audit = Some((seq, hash.to_owned()));
        }
        n += 1;
        progress(n);
    }
    // Entries waiting to be chained must chain: a bad one would stop the sealer for good. (An
    // export older than the table has none, and the table may not be there yet.)
    let pending = if !has_pending {
        Vec::new()
    } else {
        sqlx::query(
        "SELECT p.id, p.actor_user, (SELECT COUNT(*) FROM audit_log l WHERE l.id = p.id) AS chained
         FROM audit_pending p ORDER BY p.pid",
        )
        .fetch_all(tx.conn())
        .await?
    };
    for row in &pending {
        let id: String = row.try_get("id")?;
        let user: Option<String> = row.try_get("actor_user")?;
        let chained: i64 = row.try_get("chained")?;
        if uuid::Uuid::parse_str(&id).is_err()
            || user.is_some_and(|u| uuid::Uuid::parse_str(&u).is_err())
        {
            return Err(StoreError::Invalid(format!(
                "audit_pending entry `{id}`: its id and actor_user must be UUIDs"
            )));
        }
        if chained > 0 {
            return Err(StoreError::Invalid(format!(
                "audit_pending entry `{id}` is already in audit_log"
            )));
        }
    }
    if let Some((seq, hash)) = last_audit {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(tx.conn())
            .await?;
    }
    tx.commit_restored().await?;
    Ok(n)
}

async fn insert_row(
    tx: &mut Tx,
    spec: &TableSpec,
    row: &Map<String, Value>,
    no: usize,
) -> Result<()> {
    if let Some(unknown) = row
        .keys()
        .find(|k| !spec.columns.iter().any(|(c, _)| c == k))
    {
        return Err(bad(no, format!("unknown column `{}.{unknown}`", spec.name)));
    }
    // The columns the row has: an export made before a migration added a column lacks it,
    // and the column (not there yet either: see `import_and_migrate`) is left to the
    // migration that adds it.
    let present: Vec<&(&str, Col)> = spec
        .columns
        .iter()
        .filter(|(c, _)| row.contains_key(*c))
        .collect();
    let cols: Vec<&str> = present.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
    // `system_state` and `countries` may already hold rows written by migrations or start-up.
    let conflict = match spec.name {
        "countries" => " ON CONFLICT (code) DO NOTHING",
        "system_state" => " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        "role_policies" => {
            " ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required"
        }
        _ => "",
    };
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}){conflict}",
        spec.name,
        cols.join(", "),
        marks.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (name, col) in present {
        let value = row.get(*name).unwrap_or(&Value::Null);
        query = match (col, value) {
            (Int, Value::Null) => query.bind(None::<i64>),
            (Text, Value::Null) => query.bind(None::<String>),
            (Int, Value::Number(num)) => query
                .bind(num.as_i64().ok_or_else(|| {
                    bad(no, format!("`{}.{name}` must be an integer", spec.name))
                })?),
            (Text, Value::String(s)) => query.bind(s.clone()),
            _ => {
                return Err(bad(
                    no,
                    format!("`{}.{name}` has the wrong type", spec.name),
                ));
            }
        };
    }
    query
        .execute(tx.conn())
        .await
        .map_err(|e| bad(no, format!("cannot insert into {}: {e}", spec.name)))?;
    Ok(())
}
