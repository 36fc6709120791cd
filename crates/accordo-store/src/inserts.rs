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
//! other nodes ([`Inserts::notify`], delivered on commit) goes in the same statement.

use sqlx::any::AnyArguments;
use sqlx::query::Query;

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

    /// Writes every row in `tx`.
    pub async fn run(self, tx: &mut Tx) -> Result<()> {
        if let Some(table) = self.misfit {
            return Err(crate::StoreError::Invalid(format!(
                "a row for {table} does not have one value a column"
            )));
        }
        let binds: usize = self.parts.iter().map(|p| p.values.len()).sum();
        let postgres = tx.engine() == Engine::Postgres;
        let notice = self.notice.filter(|_| postgres);
        if postgres && (self.parts.len() > 1 || notice.is_some()) && binds <= MAX_BINDS {
            let sql = one_statement(&self.parts, notice.is_some());
            let mut query = sqlx::query(&sql);
            for p in self.parts {
                query = bind(query, p.values);
            }
            if let Some((channel, payload)) = notice {
                query = query.bind(channel).bind(payload);
            }
            query.execute(tx.conn()).await?;
            return Ok(());
        }
        if let Some((channel, payload)) = notice {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(tx.conn())
                .await?;
        }
        if !postgres && self.parts.len() > 1 && binds <= MAX_BINDS {
            let sql = statements(&self.parts);
            let mut query = sqlx::query(&sql);
            for p in self.parts {
                query = bind(query, p.values);
            }
            query.execute(tx.conn()).await?;
            return Ok(());
        }
        for p in self.parts {
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
        Ok(())
    }
}

/// Each part's `INSERT`, the placeholders numbered through.
fn inserts(parts: &[Part]) -> Vec<String> {
    let mut next = 1;
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

/// `INSERT …; INSERT …`: SQLite's statements in one call.
fn statements(parts: &[Part]) -> String {
    inserts(parts).join("; ")
}

/// `WITH p0 AS (INSERT …), p1 AS (INSERT …) INSERT …`, the placeholders numbered through; with
/// `notice`, every part is in the `WITH` (PostgreSQL runs each data-modifying one exactly
/// once) and the statement is `SELECT pg_notify(…)` on the last two placeholders.
fn one_statement(parts: &[Part], notice: bool) -> String {
    let inserts = inserts(parts);
    let next = parts.iter().map(|p| p.values.len()).sum::<usize>() + 1;
    let with_all = |inserts: &[String]| -> Vec<String> {
        inserts
            .iter()
            .enumerate()
            .map(|(i, insert)| format!("p{i} AS ({insert})"))
            .collect()
    };
    if notice {
        let call = format!("SELECT pg_notify(${next}, ${})", next + 1);
        return if inserts.is_empty() {
            call
        } else {
            format!("WITH {} {call}", with_all(&inserts).join(", "))
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
            one_statement(&parts, false),
            "WITH p0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), \
             p1 AS (INSERT INTO b (z) VALUES ($3), ($4)) \
             INSERT INTO c (w) VALUES ($5)"
        );
        assert_eq!(
            one_statement(&parts[2..], true),
            "WITH p0 AS (INSERT INTO c (w) VALUES ($1)) SELECT pg_notify($2, $3)"
        );
        assert_eq!(one_statement(&[], true), "SELECT pg_notify($1, $2)");
        assert_eq!(
            statements(&parts[1..]),
            "INSERT INTO b (z) VALUES ($1), ($2); INSERT INTO c (w) VALUES ($3)"
        );
    }
}
