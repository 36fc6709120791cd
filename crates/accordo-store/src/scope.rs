//! SQL for access scopes, and a small bind-list builder for queries assembled at run time.
//!
//! [`shared_record_filter`] is the SQL twin of `accordo_domain::access::can` for records
//! that carry an owner agency, a TLP handling code and addressees (in `record_addressees`).
//! Modules call it in every list query of a shared kind.

use accordo_domain::access::{Reach, Scope};
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::{Conn, Result, Tx};

/// Writes the addressees of a shared record (`(type, value)`: `agency`, `country` or `user`).
pub async fn insert_addressees(
    tx: &mut Tx,
    kind: &str,
    record_id: &str,
    addressees: &[(String, String)],
) -> Result<()> {
    let mut rows = crate::inserts::Inserts::new();
    addressee_rows(&mut rows, kind, record_id, addressees);
    rows.run(tx).await.map(drop)
}

/// The rows [`insert_addressees`] writes, added to `rows`, to be written with others.
pub fn addressee_rows(
    rows: &mut crate::inserts::Inserts,
    kind: &str,
    record_id: &str,
    addressees: &[(String, String)],
) {
    for (to_type, to) in addressees {
        rows.row(
            "record_addressees",
            &["kind", "record_id", "addressee_type", "addressee"],
            vec![kind.into(), record_id.into(), to_type.into(), to.into()],
        );
    }
}

/// The addressees of a shared record, `(type, value)`, in order.
pub async fn addressees(
    conn: &mut Conn,
    kind: &str,
    record_id: &str,
) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT addressee_type, addressee FROM record_addressees WHERE kind = $1 AND record_id = $2 ORDER BY addressee_type, addressee",
    )
    .bind(kind)
    .bind(record_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("addressee_type")?, r.try_get("addressee")?)))
        .collect()
}

/// Values to bind, in `$n` order.
#[derive(Debug, Default, Clone)]
pub struct Binds(Vec<Bind>);

#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

impl Binds {
    /// Adds a text value and returns its placeholder.
    pub fn text(&mut self, value: &str) -> String {
        self.0.push(Bind::Text(value.to_owned()));
        format!("${}", self.0.len())
    }

    pub fn int(&mut self, value: i64) -> String {
        self.0.push(Bind::Int(value));
        format!("${}", self.0.len())
    }

    /// How many values there are: the last placeholder's number.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn bind_all<'q>(
        self,
        mut query: Query<'q, sqlx::Any, AnyArguments<'q>>,
    ) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
        for value in self.0 {
            query = match value {
                Bind::Text(t) => query.bind(t),
                Bind::Int(i) => query.bind(i),
            };
        }
        query
    }
}

/// A boolean SQL expression over a record table aliased `alias` (with columns `id`,
/// `owner_agency`, `handling`) that holds exactly for the records the scope's reaches let
/// its actor see. An empty reach list yields `1 = 0`.
pub fn shared_record_filter(scope: &Scope, alias: &str, binds: &mut Binds) -> String {
    let (actor, kind, reaches) = (scope.actor(), scope.kind(), scope.reaches());
    // A wide reach first, before any value is bound: binds added for a narrower reach and
    // then dropped would shift the placeholders of what follows.
    if reaches.iter().any(|r| {
        matches!(
            r,
            Reach::Everyone | Reach::Platform | Reach::HostState | Reach::Mandate
        )
    }) {
        return "1 = 1".into();
    }
    let mut ors: Vec<String> = Vec::new();
    let agency = actor.agency.as_str();
    let user = actor.user_id.to_string();
    let addressed = |binds: &mut Binds, kinds: &[(&str, &str)]| -> String {
        let k = binds.text(kind);
        let conds: Vec<String> = kinds
            .iter()
            .map(|(t, v)| {
                format!(
                    "(x.addressee_type = '{t}' AND x.addressee = {})",
                    binds.text(v)
                )
            })
            .collect();
        format!(
            "EXISTS (SELECT 1 FROM record_addressees x WHERE x.kind = {k} AND x.record_id = {alias}.id AND ({}))",
            conds.join(" OR ")
        )
    };
    for reach in reaches {
        match reach {
            Reach::Everyone | Reach::Platform | Reach::HostState | Reach::Mandate => {
                return "1 = 1".into();
            }
            Reach::OwnAgency => ors.push(format!("{alias}.owner_agency = {}", binds.text(agency))),
            Reach::Itself => {}
            Reach::Shared => {
                ors.push(format!("{alias}.owner_agency = {}", binds.text(agency)));
                ors.push(format!("{alias}.handling IN ('CLEAR', 'GREEN')"));
                let mut amber = vec![("agency", agency), ("user", user.as_str())];
                let country = actor.country.map(|c| c.as_str().to_owned());
                if let Some(c) = &country {
                    amber.push(("country", c.as_str()));
                }
                ors.push(format!(
                    "({alias}.handling = 'AMBER' AND {})",
                    addressed(binds, &amber)
                ));
                ors.push(format!(
                    "({alias}.handling = 'AMBER+STRICT' AND {})",
                    addressed(binds, &[("agency", agency), ("user", user.as_str())])
                ));
                ors.push(format!(
                    "({alias}.handling = 'RED' AND {})",
                    addressed(binds, &[("user", user.as_str())])
                ));
            }
            Reach::Addressed => {
                ors.push(format!("{alias}.owner_agency = {}", binds.text(agency)));
                ors.push(format!(
                    "({alias}.handling <> 'RED' AND {})",
                    addressed(binds, &[("agency", agency), ("user", user.as_str())])
                ));
                ors.push(format!(
                    "({alias}.handling = 'RED' AND {})",
                    addressed(binds, &[("user", user.as_str())])
                ));
            }
        }
    }
    if ors.is_empty() {
        "1 = 0".into()
    } else {
        format!("({})", ors.join(" OR "))
    }
}
