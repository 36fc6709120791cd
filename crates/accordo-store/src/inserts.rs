//! Rows for several tables written together, in one round trip however many tables: on
//! PostgreSQL in one statement (each table's rows an `INSERT` in a `WITH` clause, the last one
//! the statement itself); on SQLite, which has no data-modifying `WITH`, one multi-row
//! `INSERT` a table, all sent in one call to the connection's thread (SQLite runs them in
//! turn; `$n` names the same value in every one). Both write the same rows in the caller's
//! transaction. When one fails on SQLite, those before it stay written in that transaction
//! until it rolls back: the caller returns the error, and the dropped `Tx` rolls back.
//!
//! PostgreSQL checks foreign keys at the end of the statement, when every part's rows are
//! written, so a row may reference one added before it to another table. A notice to the
//! other nodes ([`Inserts::notify`], delivered on commit) goes in the same statement, and so
//! may one `SELECT` whose rows `run` returns ([`Inserts::select`]): on PostgreSQL it reads the
//! database as it was before the statement (the rows written beside it are not yet visible to
//! it); on SQLite it runs after them and sees them.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;

use crate::scope::Binds;
use crate::{Engine, Result, Tx};

/// A value to write: text or a whole number, either possibly NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(Some(v.clone()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_owned))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(Some(crate::flag(v)))
    }
}

struct Part {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

/// Rows to add, table by table, in the order given.
#[derive(Default)]
pub struct Inserts {
    parts: Vec<Part>,
    notice: Option<(&'static str, String)>,
    /// A query to run with the rows, its placeholders numbered from `$1`.
    select: Option<(String, Binds)>,
    /// The first row given with a width other than its columns': refused by `run`.
    misfit: Option<&'static str>,
}

/// Parameters one statement may carry on both engines, with room to spare.
const MAX_BINDS: usize = 30_000;

impl Inserts {
    pub fn new() -> Inserts {
        Inserts::default()
    }

    /// Adds a row to `table`, its values in the order of `columns`. Rows of one table given
    /// one after the other are written by one `INSERT`.
    ///
    /// # Errors
    /// None here; [`Inserts::run`] refuses a row whose width is not its columns'.
    pub fn row(&mut self, table: &'static str, columns: &'static [&'static str], row: Vec<Value>) {
        if row.is_empty() || row.len() != columns.len() {
            self.misfit.get_or_insert(table);
            return;
        }
        match self.parts.last_mut() {
            Some(last) if last.table == table && last.columns == columns => {
                last.values.extend(row);
            }
            _ => self.parts.push(Part {
                table,
                columns,
                values: row,
            }),
        }
    }

    /// Whether no row was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Sends `payload` on `channel` (`pg_notify`, delivered to the listening nodes if the
    /// transaction commits) with the rows, in their statement. PostgreSQL only: SQLite has one
    /// node and nobody to tell, and there it does nothing.
    pub fn notify(&mut self, channel: &'static str, payload: String) {
        self.notice = Some((channel, payload));
    }

    /// Runs `sql`, a `SELECT` whose placeholders are `binds` (numbered from `$1`), in the same
    /// round trip as the rows, and has [`Inserts::run`] return its rows. On PostgreSQL it sees
    /// the database as it was before the rows were written; on SQLite, after. With a notice as
    /// well, the notice goes in a statement of its own on PostgreSQL.
    pub fn select(&mut self, sql: String, binds: Binds) {
        self.select = Some((sql, binds));
    }

    /// Writes every row in `tx`; the rows of the [`Inserts::select`] query, if one was given.
    pub async fn run(self, tx: &mut Tx) -> Result<Vec<AnyRow>> {
        if let Some(table) = self.misfit {
            return Err(crate::StoreError::Invalid(format!(
                "a row for {table} does not have one value a column"
            )));
        }
        let Inserts {
            parts,
            notice,
            select,
            ..
        } = self;
        let first = select.as_ref().map_or(1, |(_, b)| b.len() + 1);
        let binds: usize = first - 1 + parts.iter().map(|p| p.values.len()).sum::<usize>();
        let postgres = tx.engine() == Engine::Postgres;
        let mut notice = notice.filter(|_| postgres);
        let combined = binds <= MAX_BINDS
            && if postgres {
                parts.len() > 1 || notice.is_some() || select.is_some()
            } else {
                parts.len() > 1 || select.is_some()
            };
        if combined && select.is_some() {
            // A `SELECT` is the statement's last part, where the notice would go.
            if let Some((channel, payload)) = notice.take() {
                notify(tx, channel, &payload).await?;
            }
        }
        if combined {
            let (main, select_binds) = match select {
                Some((sql, binds)) => (Some(sql), Some(binds)),
                None => (None, None),
            };
            let sql = if postgres {
                one_statement(&parts, first, main.as_deref(), notice.is_some())
            } else {
                statements(&parts, first, main.as_deref())
            };
            let mut query = sqlx::query(&sql);
            if let Some(b) = select_binds {
                query = b.bind_all(query);
            }
            for p in parts {
                query = bind(query, p.values);
            }
            if let Some((channel, payload)) = notice {
                query = query.bind(channel).bind(payload);
            }
            return Ok(query.fetch_all(tx.conn()).await?);
        }
        if let Some((channel, payload)) = notice {
            notify(tx, channel, &payload).await?;
        }
        // Where the query sees the database is the same as in one statement: on PostgreSQL
        // before the rows, on SQLite after them.
        let mut selected = None;
        if postgres && let Some((sql, binds)) = select.as_ref() {
            selected = Some(
                binds
                    .clone()
                    .bind_all(sqlx::query(sql))
                    .fetch_all(tx.conn())
                    .await?,
            );
        }
        for p in parts {
            let width = p.columns.len();
            let rows_per = crate::rows_per_statement(width);
            for chunk in p.values.chunks(rows_per * width) {
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES {}",
                    p.table,
                    p.columns.join(", "),
                    crate::values(chunk.len() / width, width)
                );
                bind(sqlx::query(&sql), chunk.to_vec())
                    .execute(tx.conn())
                    .await?;
            }
        }
        match (selected, select) {
            (Some(rows), _) => Ok(rows),
            (None, Some((sql, binds))) => Ok(binds
                .bind_all(sqlx::query(&sql))
                .fetch_all(tx.conn())
                .await?),
            (None, None) => Ok(Vec::new()),
        }
    }
}

async fn notify(tx: &mut Tx, channel: &str, payload: &str) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Each part's `INSERT`, the placeholders numbered through from `$first`.
fn inserts(parts: &[Part], first: usize) -> Vec<String> {
    let mut next = first;
    parts
        .iter()
        .map(|p| {
            let width = p.columns.len();
            let rows = p.values.len() / width;
            let mut tuples = Vec::with_capacity(rows);
            for _ in 0..rows {
                let cells: Vec<String> = (next..next + width).map(|n| format!("${n}")).collect();
                next += width;
                tuples.push(format!("({})", cells.join(", ")));
            }
            format!(
                "INSERT INTO {} ({}) VALUES {}",
                p.table,
                p.columns.join(", "),
                tuples.join(", ")
            )
        })
        .collect()
}

/// `INSERT …; INSERT …`: SQLite's statements in one call, `select` after them.
fn statements(parts: &[Part], first: usize, select: Option<&str>) -> String {
    let mut all = inserts(parts, first);
    all.extend(select.map(str::to_owned));
    all.join("; ")
}

/// `WITH p0 AS (INSERT …), p1 AS (INSERT …) INSERT …`, the placeholders numbered through from
/// `$first`. With `select` or `notice`, every part is in the `WITH` (PostgreSQL runs each
/// data-modifying one exactly once) and the statement is `select`, or `SELECT pg_notify(…)`
/// on the last two placeholders.
fn one_statement(parts: &[Part], first: usize, select: Option<&str>, notice: bool) -> String {
    let inserts = inserts(parts, first);
    let next = first + parts.iter().map(|p| p.values.len()).sum::<usize>();
    let with_all = |inserts: &[String]| -> Vec<String> {
        inserts
            .iter()
            .enumerate()
            .map(|(i, insert)| format!("p{i} AS ({insert})"))
            .collect()
    };
    let last_statement = match select {
        Some(sql) => Some(sql.to_owned()),
        None => notice.then(|| format!("SELECT pg_notify(${next}, ${})", next + 1)),
    };
    if let Some(main) = last_statement {
        return if inserts.is_empty() {
            main
        } else {
            format!("WITH {} {main}", with_all(&inserts).join(", "))
        };
    }
    let Some((last, before)) = inserts.split_last() else {
        return String::new();
    };
    let with = with_all(before);
    if with.is_empty() {
        last.clone()
    } else {
        format!("WITH {} {last}", with.join(", "))
    }
}

fn bind<'q>(
    mut query: Query<'q, sqlx::Any, AnyArguments<'q>>,
    values: Vec<Value>,
) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
    for v in values {
        query = match v {
            Value::Text(t) => query.bind(t),
            Value::Int(i) => query.bind(i),
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_statement_numbers_the_placeholders_through_every_part() {
        let parts = vec![
            Part {
                table: "a",
                columns: &["x", "y"],
                values: vec![1.into(), 2.into()],
            },
            Part {
                table: "b",
                columns: &["z"],
                values: vec!["p".into(), "q".into()],
            },
            Part {
                table: "c",
                columns: &["w"],
                values: vec![true.into()],
            },
        ];
        assert_eq!(
            one_statement(&parts, 1, None, false),
            "WITH p0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), \
             p1 AS (INSERT INTO b (z) VALUES ($3), ($4)) \
             INSERT INTO c (w) VALUES ($5)"
        );
        assert_eq!(
            one_statement(&parts[2..], 1, None, true),
            "WITH p0 AS (INSERT INTO c (w) VALUES ($1)) SELECT pg_notify($2, $3)"
        );
        assert_eq!(
            one_statement(&[], 1, None, true),
            "SELECT pg_notify($1, $2)"
        );
        assert_eq!(
            statements(&parts[1..], 1, None),
            "INSERT INTO b (z) VALUES ($1), ($2); INSERT INTO c (w) VALUES ($3)"
        );
        // A query's own placeholders come first, the rows' after them.
        let select = "SELECT x FROM a WHERE y = $1";
        assert_eq!(
            one_statement(&parts[1..], 2, Some(select), true),
            "WITH p0 AS (INSERT INTO b (z) VALUES ($2), ($3)), \
             p1 AS (INSERT INTO c (w) VALUES ($4)) SELECT x FROM a WHERE y = $1"
        );
        assert_eq!(
            statements(&parts[2..], 2, Some(select)),
            "INSERT INTO c (w) VALUES ($2); SELECT x FROM a WHERE y = $1"
        );
    }
}
