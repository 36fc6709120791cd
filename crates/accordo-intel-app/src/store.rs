//! The intel pillar's SQL: cases, messages, their entities, reads and hits. Who reads a
//! message or a case is decided by `shared_record_filter` over `record_addressees`, in every
//! query that returns one.

use accordo_domain::Scope;
use accordo_store::inserts::Inserts;
use accordo_store::scope::{Binds, shared_record_filter};
use accordo_store::transfer::Col::{Int, Text};
use accordo_store::{Conn, Result, Store, StoreError, Tx};
use sqlx::Row;
use uuid::Uuid;

pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 2026120601, "2026120601_intel"),
    accordo_store::migration!("../migrations", 2026120602, "2026120602_intel_sharing"),
    accordo_store::migration!("../migrations", 2026120603, "2026120603_intel_attachments"),
    accordo_store::migration!("../migrations", 2026120604, "2026120604_intel_units"),
    accordo_store::migration!("../migrations", 2026120605, "2026120605_intel_relations"),
    accordo_store::migration!("../migrations", 2026120606, "2026120606_intel_operations"),
    accordo_store::migration!("../migrations", 2026120607, "2026120607_intel_courses"),
];

pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "intel_cases",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("title", Text),
            ("status", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_messages",
        columns: &[
            ("id", Text),
            ("case_id", Text),
            ("parent_id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("subject", Text),
            ("body", Text),
            ("reliability", Text),
            ("credibility", Text),
            ("no_onward_sharing", Int),
            ("no_court_use", Int),
            ("distribution_visible", Int),
            ("names_person", Int),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_entities",
        columns: &[
            ("message_id", Text),
            ("position", Int),
            ("kind", Text),
            ("value", Text),
            ("normalised", Text),
            ("reason", Text),
            ("note", Text),
            ("source", Text),
        ],
        order_by: "message_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_relations",
        columns: &[
            ("message_id", Text),
            ("position", Int),
            ("subject_kind", Text),
            ("subject_key", Text),
            ("relation", Text),
            ("object_kind", Text),
            ("object_key", Text),
        ],
        order_by: "message_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_operations",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("name", Text),
            ("starts_on", Text),
            ("ends_on", Text),
            ("area", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_operation_events",
        columns: &[
            ("id", Text),
            ("operation_id", Text),
            ("agency", Text),
            ("kind", Text),
            ("flow_event_id", Text),
            ("occurred_on", Text),
            ("place", Text),
            ("latitude_e6", Int),
            ("longitude_e6", Int),
            ("arrested", Int),
            ("description", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_courses",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("title", Text),
            ("topic", Text),
            ("starts_on", Text),
            ("ends_on", Text),
            ("place", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_course_participants",
        columns: &[("course_id", Text), ("agency", Text), ("trainees", Int)],
        order_by: "course_id, agency",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_reads",
        columns: &[
            ("message_id", Text),
            ("username", Text),
            ("agency", Text),
            ("read_at", Int),
        ],
        order_by: "message_id, username",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_hits",
        columns: &[
            ("id", Text),
            ("pair", Text),
            ("agency", Text),
            ("message_id", Text),
            ("kind", Text),
            ("normalised", Text),
            ("other_agency", Text),
            ("other_handling", Text),
            ("other_message_id", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_share_requests",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("handling", Text),
            ("hit_id", Text),
            ("message_id", Text),
            ("message_agency", Text),
            ("kind", Text),
            ("normalised", Text),
            ("requested_by", Text),
            ("requested_by_id", Text),
            ("requested_at", Int),
            ("status", Text),
            ("decided_by", Text),
            ("decided_at", Int),
        ],
        order_by: "requested_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_shares",
        columns: &[
            ("message_id", Text),
            ("addressee_type", Text),
            ("addressee", Text),
            ("shared_by", Text),
            ("shared_at", Int),
            ("request_id", Text),
        ],
        order_by: "shared_at, message_id, addressee_type, addressee",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_attachments",
        columns: &[
            ("id", Text),
            ("message_id", Text),
            ("position", Int),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
            ("sha256", Text),
            ("content", Text),
        ],
        order_by: "message_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "intel_units",
        columns: &[
            ("id", Text),
            ("agency", Text),
            ("name", Text),
            ("country", Text),
            ("competences", Text),
            ("languages", Text),
            ("contact", Text),
            ("phone", Text),
            ("email", Text),
            ("updated_by", Text),
            ("updated_at", Int),
        ],
        order_by: "agency, name, id",
    },
];

/// The kinds of record in `record_addressees`.
pub const MESSAGE_KIND: &str = "intel_message";
pub const CASE_KIND: &str = "intel_case";
pub const REQUEST_KIND: &str = "intel_share_request";

fn uuid(text: &str, table: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| StoreError::Invalid(format!("bad UUID in {table}")))
}

fn opt_uuid(text: Option<String>, table: &str) -> Result<Option<Uuid>> {
    text.as_deref().map(|t| uuid(t, table)).transpose()
}

// ---- cases ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub title: String,
    pub status: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_case(tx: &mut Tx, case: &CaseRow, participants: &[String]) -> Result<()> {
    sqlx::query(
        "INSERT INTO intel_cases (id, owner_agency, handling, title, status, created_by, created_at)
         VALUES ($1, $2, 'AMBER+STRICT', $3, $4, $5, $6)",
    )
    .bind(case.id.to_string())
    .bind(&case.owner_agency)
    .bind(&case.title)
    .bind(&case.status)
    .bind(&case.created_by)
    .bind(case.created_at)
    .execute(tx.conn())
    .await?;
    let addressees: Vec<(String, String)> = participants
        .iter()
        .map(|a| ("agency".to_owned(), a.clone()))
        .collect();
    accordo_store::scope::insert_addressees(tx, CASE_KIND, &case.id.to_string(), &addressees).await
}

/// Whether the case `id` is open, holding its row until the transaction ends: a close that
/// commits meanwhile waits for this transaction, or this one sees it closed.
pub async fn hold_open_case(tx: &mut Tx, id: Uuid) -> Result<bool> {
    let done =
        sqlx::query("UPDATE intel_cases SET status = status WHERE id = $1 AND status = 'open'")
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a case from status `from` to `to`; false when it was not in `from` (changed meanwhile).
pub async fn set_case_status(tx: &mut Tx, id: Uuid, from: &str, to: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE intel_cases SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id.to_string())
        .bind(from)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The cases `scope` reads (all of them, or the one `id`), newest first.
pub async fn visible_cases(
    conn: &mut Conn,
    scope: &Scope,
    id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    let mut binds = Binds::default();
    let mut cond = shared_record_filter(scope, "c", &mut binds);
    if let Some(id) = id {
        cond = format!("{cond} AND c.id = {}", binds.text(&id.to_string()));
    }
    let sql = format!(
        "SELECT c.id, c.owner_agency, c.title, c.status, c.created_by, c.created_at
         FROM intel_cases c WHERE {cond} ORDER BY c.created_at DESC, c.id LIMIT {limit}"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(CaseRow {
                id: uuid(&r.try_get::<String, _>("id")?, "intel_cases")?,
                owner_agency: r.try_get("owner_agency")?,
                title: r.try_get("title")?,
                status: r.try_get("status")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The agencies of a case: its owner and its participants, in order.
pub async fn case_agencies(conn: &mut Conn, case: &CaseRow) -> Result<Vec<String>> {
    owner_and_addressees(conn, CASE_KIND, case.id, &case.owner_agency).await
}

/// A record's owner, then its addressed agencies, each once.
async fn owner_and_addressees(
    conn: &mut Conn,
    kind: &str,
    id: Uuid,
    owner: &str,
) -> Result<Vec<String>> {
    let mut out = vec![owner.to_owned()];
    for (_, agency) in accordo_store::scope::addressees(conn, kind, &id.to_string()).await? {
        if !out.contains(&agency) {
            out.push(agency);
        }
    }
    Ok(out)
}

// ---- messages -------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub owner_agency: String,
    pub handling: String,
    pub subject: String,
    pub body: String,
    pub reliability: String,
    pub credibility: String,
    pub no_onward_sharing: bool,
    pub no_court_use: bool,
    pub distribution_visible: bool,
    pub names_person: bool,
    pub created_by: String,
    pub created_at: i64,
}

/// An entity as stored: `normalised` is `None` for an invalid value, which keeps its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub kind: String,
    pub value: String,
    pub normalised: Option<String>,
    /// The reason's code (`''` when valid).
    pub reason: String,
    /// The note's code (`''` for none).
    pub note: String,
    /// `entered` or `extracted`.
    pub source: String,
}

/// A relation a message states, between two of its entities by kind and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRow {
    pub message_id: Uuid,
    pub subject_kind: String,
    pub subject_key: String,
    /// `uses`, `owns`, `paid-to` or `travelled-with`.
    pub relation: String,
    pub object_kind: String,
    pub object_key: String,
}

/// Adds to `rows` the relations a message states.
pub fn relation_rows(rows: &mut Inserts, relations: &[RelationRow]) {
    for (position, r) in relations.iter().enumerate() {
        rows.row(
            "intel_relations",
            &[
                "message_id",
                "position",
                "subject_kind",
                "subject_key",
                "relation",
                "object_kind",
                "object_key",
            ],
            vec![
                r.message_id.to_string().into(),
                (position as i64).into(),
                (&r.subject_kind).into(),
                (&r.subject_key).into(),
                (&r.relation).into(),
                (&r.object_kind).into(),
                (&r.object_key).into(),
            ],
        );
    }
}

/// The relations the messages of `ids` state, by message and in the order given. The caller
/// reads the messages: a relation is read with its message.
pub async fn relations(conn: &mut Conn, ids: &[Uuid]) -> Result<Vec<RelationRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let list: Vec<String> = ids.iter().map(|i| binds.text(&i.to_string())).collect();
    let sql = format!(
        "SELECT message_id, subject_kind, subject_key, relation, object_kind, object_key
         FROM intel_relations WHERE message_id IN ({}) ORDER BY message_id, position",
        list.join(", ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(RelationRow {
                message_id: uuid(&r.try_get::<String, _>("message_id")?, "intel_relations")?,
                subject_kind: r.try_get("subject_kind")?,
                subject_key: r.try_get("subject_key")?,
                relation: r.try_get("relation")?,
                object_kind: r.try_get("object_kind")?,
                object_key: r.try_get("object_key")?,
            })
        })
        .collect()
}

/// Adds to `rows` a message, its entities and its addressees (`(type, value)`: `agency`, or
/// `user` with the user's id for RED), to be written with others in one round trip.
pub fn message_rows(
    rows: &mut Inserts,
    m: &MessageRow,
    entities: &[EntityRow],
    addressees: &[(String, String)],
) {
    let id = m.id.to_string();
    rows.row(
        "intel_messages",
        &[
            "id",
            "case_id",
            "parent_id",
            "owner_agency",
            "handling",
            "subject",
            "body",
            "reliability",
            "credibility",
            "no_onward_sharing",
            "no_court_use",
            "distribution_visible",
            "names_person",
            "created_by",
            "created_at",
        ],
        vec![
            (&id).into(),
            m.case_id.map(|c| c.to_string()).into(),
            m.parent_id.map(|p| p.to_string()).into(),
            (&m.owner_agency).into(),
            (&m.handling).into(),
            (&m.subject).into(),
            (&m.body).into(),
            (&m.reliability).into(),
            (&m.credibility).into(),
            m.no_onward_sharing.into(),
            m.no_court_use.into(),
            m.distribution_visible.into(),
            m.names_person.into(),
            (&m.created_by).into(),
            m.created_at.into(),
        ],
    );
    for (position, e) in entities.iter().enumerate() {
        rows.row(
            "intel_entities",
            &[
                "message_id",
                "position",
                "kind",
                "value",
                "normalised",
                "reason",
                "note",
                "source",
            ],
            vec![
                (&id).into(),
                (position as i64).into(),
                (&e.kind).into(),
                (&e.value).into(),
                e.normalised.clone().into(),
                (&e.reason).into(),
                (&e.note).into(),
                (&e.source).into(),
            ],
        );
    }
    accordo_store::scope::addressee_rows(rows, MESSAGE_KIND, &id, addressees);
}

/// Which messages a list asks for, within what the caller may read.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub id: Option<Uuid>,
    /// Only these messages (of those the caller reads).
    pub ids: Option<Vec<Uuid>>,
    pub case_id: Option<Uuid>,
    /// The replies to this message.
    pub parent_id: Option<Uuid>,
    /// Messages sent by this agency (`outbox`), or by another (`inbox`, `Some(false)`).
    pub sent_by: Option<(String, bool)>,
    pub limit: i64,
}

const MESSAGE_COLUMNS: &str = "m.id, m.case_id, m.parent_id, m.owner_agency, m.handling,
    m.subject, m.body, m.reliability, m.credibility, m.no_onward_sharing, m.no_court_use,
    m.distribution_visible, m.names_person, m.created_by, m.created_at";

fn message_of(r: &sqlx::any::AnyRow) -> Result<MessageRow> {
    let flag = |c: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(c)? != 0) };
    Ok(MessageRow {
        id: uuid(&r.try_get::<String, _>("id")?, "intel_messages")?,
        case_id: opt_uuid(r.try_get("case_id")?, "intel_messages")?,
        parent_id: opt_uuid(r.try_get("parent_id")?, "intel_messages")?,
        owner_agency: r.try_get("owner_agency")?,
        handling: r.try_get("handling")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        reliability: r.try_get("reliability")?,
        credibility: r.try_get("credibility")?,
        no_onward_sharing: flag("no_onward_sharing")?,
        no_court_use: flag("no_court_use")?,
        distribution_visible: flag("distribution_visible")?,
        names_person: flag("names_person")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The messages `scope` reads that `filter` asks for, newest first.
pub async fn visible_messages(
    conn: &mut Conn,
    scope: &Scope,
    filter: &MessageFilter,
) -> Result<Vec<MessageRow>> {
    let mut binds = Binds::default();
    let mut conds = vec![shared_record_filter(scope, "m", &mut binds)];
    if let Some(id) = filter.id {
        conds.push(format!("m.id = {}", binds.text(&id.to_string())));
    }
    if let Some(ids) = &filter.ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(|i| binds.text(&i.to_string())).collect();
        conds.push(format!("m.id IN ({})", list.join(", ")));
    }
    if let Some(parent) = filter.parent_id {
        conds.push(format!("m.parent_id = {}", binds.text(&parent.to_string())));
    }
    if let Some(case) = filter.case_id {
        conds.push(format!("m.case_id = {}", binds.text(&case.to_string())));
    }
    if let Some((agency, sent)) = &filter.sent_by {
        let op = if *sent { "=" } else { "<>" };
        conds.push(format!("m.owner_agency {op} {}", binds.text(agency)));
    }
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM intel_messages m WHERE {} ORDER BY m.created_at DESC, m.id LIMIT {}",
        conds.join(" AND "),
        filter.limit.max(1)
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter().map(message_of).collect()
}

/// A message's entities, in the order they were given.
pub async fn entities(conn: &mut Conn, message: Uuid) -> Result<Vec<EntityRow>> {
    let rows = sqlx::query(
        "SELECT kind, value, normalised, reason, note, source FROM intel_entities
         WHERE message_id = $1 ORDER BY position",
    )
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EntityRow {
                kind: r.try_get("kind")?,
                value: r.try_get("value")?,
                normalised: r.try_get("normalised")?,
                reason: r.try_get("reason")?,
                note: r.try_get("note")?,
                source: r.try_get("source")?,
            })
        })
        .collect()
}

/// A message's addressees: agencies, and the named users (username and agency) of a RED one.
pub async fn message_addressees(
    conn: &mut Conn,
    message: Uuid,
) -> Result<(Vec<String>, Vec<(String, String)>)> {
    let rows = sqlx::query(
        "SELECT x.addressee_type, x.addressee, u.username, u.agency FROM record_addressees x
         LEFT JOIN users u ON x.addressee_type = 'user' AND u.id = x.addressee
         WHERE x.kind = $1 AND x.record_id = $2 ORDER BY x.addressee_type, x.addressee",
    )
    .bind(MESSAGE_KIND)
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    let (mut agencies, mut users) = (Vec::new(), Vec::new());
    for r in &rows {
        match r.try_get::<String, _>("addressee_type")?.as_str() {
            "agency" => agencies.push(r.try_get("addressee")?),
            "user" => {
                if let (Some(name), Some(agency)) = (
                    r.try_get::<Option<String>, _>("username")?,
                    r.try_get::<Option<String>, _>("agency")?,
                ) {
                    users.push((name, agency));
                }
            }
            _ => {}
        }
    }
    Ok((agencies, users))
}

/// Records the first read of a message by `username` (of an agency other than the sender's).
pub async fn record_read(
    tx: &mut Tx,
    message: Uuid,
    username: &str,
    agency: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO intel_reads (message_id, username, agency, read_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (message_id, username) DO NOTHING",
    )
    .bind(message.to_string())
    .bind(username)
    .bind(agency)
    .bind(at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Records that `username` of `agency` read each of `messages` (each first read kept), a few
/// hundred rows a statement.
pub async fn record_reads(
    tx: &mut Tx,
    messages: &[Uuid],
    username: &str,
    agency: &str,
    at: i64,
) -> Result<()> {
    for chunk in messages.chunks(500) {
        let mut binds = Binds::default();
        let rows: Vec<String> = chunk
            .iter()
            .map(|m| {
                format!(
                    "({}, {}, {}, {})",
                    binds.text(&m.to_string()),
                    binds.text(username),
                    binds.text(agency),
                    binds.int(at)
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO intel_reads (message_id, username, agency, read_at) VALUES {}
             ON CONFLICT (message_id, username) DO NOTHING",
            rows.join(", ")
        );
        binds.bind_all(sqlx::query(&sql)).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Who has read a message: `(username, agency, first read)`, in order of reading.
pub async fn reads(conn: &mut Conn, message: Uuid) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT username, agency, read_at FROM intel_reads WHERE message_id = $1 ORDER BY read_at, username",
    )
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("username")?,
                r.try_get("agency")?,
                r.try_get("read_at")?,
            ))
        })
        .collect()
}

// ---- hits ------------------------------------------------------------------------------

/// A message `scope` may not read that names one of `keys` (kind, normalised).
#[derive(Debug, Clone)]
pub struct Hidden {
    pub message_id: Uuid,
    pub owner_agency: String,
    pub handling: String,
    pub kind: String,
    pub normalised: String,
}

/// The query of the messages `scope` may not read that name one of `keys`, found by the
/// keys' index (`intel_entities_key`): run with the new message's rows, in the sender's
/// transaction ([`accordo_store::inserts::Inserts::select`]), and read by [`hidden_of`].
/// `None` when there are no keys.
pub fn hidden_matches(scope: &Scope, keys: &[(String, String)]) -> Option<(String, Binds)> {
    if keys.is_empty() {
        return None;
    }
    let mut binds = Binds::default();
    let readable = shared_record_filter(scope, "m", &mut binds);
    let wanted: Vec<String> = keys
        .iter()
        .map(|(kind, key)| {
            format!(
                "(e.kind = {} AND e.normalised = {})",
                binds.text(kind),
                binds.text(key)
            )
        })
        .collect();
    let sql = format!(
        "SELECT m.id, m.owner_agency, m.handling, e.kind, e.normalised
         FROM intel_entities e JOIN intel_messages m ON m.id = e.message_id
         WHERE ({}) AND NOT {readable}
         ORDER BY m.created_at, m.id, e.position",
        wanted.join(" OR ")
    );
    Some((sql, binds))
}

/// The rows of [`hidden_matches`]' query, each message and key once.
pub fn hidden_of(rows: &[accordo_store::Row]) -> Result<Vec<Hidden>> {
    let mut out: Vec<Hidden> = Vec::new();
    for r in rows {
        let hidden = Hidden {
            message_id: uuid(&r.try_get::<String, _>("id")?, "intel_messages")?,
            owner_agency: r.try_get("owner_agency")?,
            handling: r.try_get("handling")?,
            kind: r.try_get("kind")?,
            normalised: r.try_get("normalised")?,
        };
        let again = out.iter().any(|h| {
            h.message_id == hidden.message_id
                && h.kind == hidden.kind
                && h.normalised == hidden.normalised
        });
        if !again {
            out.push(hidden);
        }
    }
    Ok(out)
}

/// An agency a message or case names, as the one query of [`addressed`] finds it.
#[derive(Debug, Clone)]
pub struct Addressed {
    pub code: String,
    /// The roles the agency's users may hold.
    pub roles: Vec<String>,
    /// The ids of its users who hold one of the roles asked for and are not disabled, in
    /// username order.
    pub readers: Vec<Uuid>,
}

/// The agencies of `codes` that exist, each with its users who hold one of `roles`, in one
/// query: whether a message may go there, and who is told.
pub async fn addressed(
    conn: &mut Conn,
    codes: &[String],
    roles: &[&str],
) -> Result<Vec<Addressed>> {
    let mut out: Vec<Addressed> = Vec::new();
    for chunk in codes.chunks(accordo_store::rows_per_statement(1)) {
        let sql = format!(
            "SELECT a.code, a.roles AS agency_roles, u.id, u.roles
             FROM agencies a LEFT JOIN users u ON u.agency = a.code AND u.disabled = 0
             WHERE a.code IN {} ORDER BY a.code, u.username",
            accordo_store::values(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for code in chunk {
            query = query.bind(code);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let code: String = r.try_get("code")?;
            if out.last().is_none_or(|a| a.code != code) {
                let agency_roles: String = r.try_get("agency_roles")?;
                out.push(Addressed {
                    code,
                    roles: agency_roles
                        .split(',')
                        .filter(|r| !r.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    readers: Vec::new(),
                });
            }
            let (Some(id), Some(held)) = (
                r.try_get::<Option<String>, _>("id")?,
                r.try_get::<Option<String>, _>("roles")?,
            ) else {
                continue;
            };
            if held.split(',').any(|h| roles.contains(&h)) {
                let last = out.len() - 1;
                out[last].readers.push(uuid(&id, "users")?);
            }
        }
    }
    Ok(out)
}

/// The users of `agencies` who hold one of `roles` and are not disabled, `(agency, user)` by
/// agency and username, in one query: who is told.
pub async fn users_with_roles(
    conn: &mut Conn,
    agencies: &[String],
    roles: &[&str],
) -> Result<Vec<(String, Uuid)>> {
    let mut out = Vec::new();
    for chunk in agencies.chunks(accordo_store::rows_per_statement(1)) {
        let sql = format!(
            "SELECT agency, id, roles FROM users WHERE agency IN {} AND disabled = 0
             ORDER BY agency, username",
            accordo_store::values(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for a in chunk {
            query = query.bind(a);
        }
        for r in query.fetch_all(&mut *conn).await? {
            let held: String = r.try_get("roles")?;
            if held.split(',').any(|h| roles.contains(&h)) {
                out.push((
                    r.try_get("agency")?,
                    uuid(&r.try_get::<String, _>("id")?, "users")?,
                ));
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct HitRow {
    pub id: Uuid,
    pub pair: Uuid,
    pub agency: String,
    pub message_id: Uuid,
    pub kind: String,
    pub normalised: String,
    pub other_agency: String,
    pub other_handling: String,
    pub other_message_id: Uuid,
    pub created_at: i64,
}

/// Writes hits (both sides of each), many rows a statement.
pub async fn insert_hits(tx: &mut Tx, hits: &[HitRow]) -> Result<()> {
    const WIDTH: usize = 10;
    for chunk in hits.chunks(accordo_store::rows_per_statement(WIDTH)) {
        let sql = format!(
            "INSERT INTO intel_hits (id, pair, agency, message_id, kind, normalised, other_agency,
                other_handling, other_message_id, created_at)
             VALUES {}",
            accordo_store::values(chunk.len(), WIDTH)
        );
        let mut query = sqlx::query(&sql);
        for hit in chunk {
            query = query
                .bind(hit.id.to_string())
                .bind(hit.pair.to_string())
                .bind(&hit.agency)
                .bind(hit.message_id.to_string())
                .bind(&hit.kind)
                .bind(&hit.normalised)
                .bind(&hit.other_agency)
                .bind(&hit.other_handling)
                .bind(hit.other_message_id.to_string())
                .bind(hit.created_at);
        }
        query.execute(tx.conn()).await?;
    }
    Ok(())
}

/// The hits `scope` reads (its agency's), newest first; of one message only, if asked.
pub async fn visible_hits(
    conn: &mut Conn,
    scope: &Scope,
    message: Option<Uuid>,
    limit: i64,
) -> Result<Vec<HitRow>> {
    let mut binds = Binds::default();
    // Hits are owned by the agency told: the filter's owner column is `agency`.
    let mut cond = shared_record_filter(scope, "h", &mut binds);
    if let Some(id) = message {
        cond = format!("{cond} AND h.message_id = {}", binds.text(&id.to_string()));
    }
    let sql = format!(
        "SELECT h.id, h.pair, h.agency, h.message_id, h.kind, h.normalised, h.other_agency,
                h.other_handling, h.other_message_id, h.created_at
         FROM (SELECT x.*, x.agency AS owner_agency, 'RED' AS handling FROM intel_hits x) h
         WHERE {cond} ORDER BY h.created_at DESC, h.id LIMIT {limit}"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter().map(hit_of).collect()
}

/// A hit from its row.
fn hit_of(r: &sqlx::any::AnyRow) -> Result<HitRow> {
    Ok(HitRow {
        id: uuid(&r.try_get::<String, _>("id")?, "intel_hits")?,
        pair: uuid(&r.try_get::<String, _>("pair")?, "intel_hits")?,
        agency: r.try_get("agency")?,
        message_id: uuid(&r.try_get::<String, _>("message_id")?, "intel_hits")?,
        kind: r.try_get("kind")?,
        normalised: r.try_get("normalised")?,
        other_agency: r.try_get("other_agency")?,
        other_handling: r.try_get("other_handling")?,
        other_message_id: uuid(&r.try_get::<String, _>("other_message_id")?, "intel_hits")?,
        created_at: r.try_get("created_at")?,
    })
}

// ---- the match index's source ----------------------------------------------------------

/// Calls `f(message, kind, normalised)` for every valid entity, read in pages; returns how
/// many.
pub async fn for_each_key(store: &Store, mut f: impl FnMut(Uuid, &str, &str)) -> Result<u64> {
    let (mut after_message, mut after_position) = (String::new(), -1i64);
    let mut n = 0;
    loop {
        let mut conn = store.read().await?;
        let rows = sqlx::query(
            "SELECT message_id, position, kind, normalised FROM intel_entities
             WHERE normalised IS NOT NULL
               AND (message_id > $1 OR (message_id = $1 AND position > $2))
             ORDER BY message_id, position LIMIT 20000",
        )
        .bind(&after_message)
        .bind(after_position)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let Some(last) = rows.last() else {
            return Ok(n);
        };
        after_message = last.try_get("message_id")?;
        after_position = last.try_get("position")?;
        for r in &rows {
            let id = uuid(&r.try_get::<String, _>("message_id")?, "intel_entities")?;
            f(
                id,
                &r.try_get::<String, _>("kind")?,
                &r.try_get::<String, _>("normalised")?,
            );
            n += 1;
        }
    }
}

/// The valid keys of one message.
pub async fn keys_of(conn: &mut Conn, message: Uuid) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT kind, normalised FROM intel_entities WHERE message_id = $1 AND normalised IS NOT NULL",
    )
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("kind")?, r.try_get("normalised")?)))
        .collect()
}

// ---- the network ------------------------------------------------------------------------

/// A valid entity of a message, as the network reads it.
#[derive(Debug, Clone)]
pub struct MentionRow {
    pub message_id: Uuid,
    /// The message's agency.
    pub owner_agency: String,
    pub case_id: Option<Uuid>,
    pub kind: String,
    pub normalised: String,
}

/// The valid entities of the messages `scope` reads that name one of `keys` or belong to one
/// of `cases`, at most `limit` rows (the caller asks one more to know it was cut).
pub async fn readable_mentions(
    conn: &mut Conn,
    scope: &Scope,
    keys: &[(String, String)],
    cases: &[Uuid],
    limit: i64,
) -> Result<Vec<MentionRow>> {
    if keys.is_empty() && cases.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let readable = shared_record_filter(scope, "m", &mut binds);
    let mut naming: Vec<String> = keys
        .iter()
        .map(|(kind, key)| {
            format!(
                "SELECT ek.message_id FROM intel_entities ek WHERE ek.kind = {} AND ek.normalised = {}",
                binds.text(kind),
                binds.text(key)
            )
        })
        .collect();
    if !cases.is_empty() {
        let ids: Vec<String> = cases.iter().map(|c| binds.text(&c.to_string())).collect();
        naming.push(format!(
            "SELECT mc.id FROM intel_messages mc WHERE mc.case_id IN ({})",
            ids.join(", ")
        ));
    }
    let sql = format!(
        "SELECT m.id, m.owner_agency, m.case_id, e.kind, e.normalised
         FROM intel_messages m JOIN intel_entities e ON e.message_id = m.id
         WHERE e.normalised IS NOT NULL AND m.id IN ({}) AND {readable}
         ORDER BY m.created_at, m.id, e.position LIMIT {limit}",
        naming.join(" UNION ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(MentionRow {
                message_id: uuid(&r.try_get::<String, _>("id")?, "intel_messages")?,
                owner_agency: r.try_get("owner_agency")?,
                case_id: r
                    .try_get::<Option<String>, _>("case_id")?
                    .map(|c| uuid(&c, "intel_messages"))
                    .transpose()?,
                kind: r.try_get("kind")?,
                normalised: r.try_get("normalised")?,
            })
        })
        .collect()
}

/// The titles of the cases of `ids` that `scope` reads.
pub async fn readable_case_titles(
    conn: &mut Conn,
    scope: &Scope,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let readable = shared_record_filter(scope, "c", &mut binds);
    let wanted: Vec<String> = ids.iter().map(|c| binds.text(&c.to_string())).collect();
    let sql = format!(
        "SELECT c.id, c.title FROM intel_cases c WHERE c.id IN ({}) AND {readable} ORDER BY c.id",
        wanted.join(", ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok((
                uuid(&r.try_get::<String, _>("id")?, "intel_cases")?,
                r.try_get("title")?,
            ))
        })
        .collect()
}

// ---- the units' directory ----------------------------------------------------------------

/// A specialised unit, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: Uuid,
    pub agency: String,
    pub name: String,
    /// The agency's country (ISO 3166-1 alpha-3).
    pub country: String,
    /// Space-separated competence codes.
    pub competences: String,
    /// Space-separated ISO 639-1 language codes.
    pub languages: String,
    /// The contact point: a desk or a duty officer's post.
    pub contact: String,
    pub phone: String,
    pub email: String,
    pub updated_by: String,
    pub updated_at: i64,
}

const UNIT_COLUMNS: &str = "id, agency, name, country, competences, languages, contact, phone, email, updated_by, updated_at";

fn unit_of(r: &accordo_store::Row) -> Result<UnitRow> {
    Ok(UnitRow {
        id: uuid(&r.try_get::<String, _>("id")?, "intel_units")?,
        agency: r.try_get("agency")?,
        name: r.try_get("name")?,
        country: r.try_get("country")?,
        competences: r.try_get("competences")?,
        languages: r.try_get("languages")?,
        contact: r.try_get("contact")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Every unit of the directory (or the one `id`), by country, agency and name.
pub async fn units(conn: &mut Conn, id: Option<Uuid>) -> Result<Vec<UnitRow>> {
    let rows = match id {
        Some(id) => {
            sqlx::query(&format!(
                "SELECT {UNIT_COLUMNS} FROM intel_units WHERE id = $1"
            ))
            .bind(id.to_string())
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {UNIT_COLUMNS} FROM intel_units ORDER BY country, agency, name, id"
            ))
            .fetch_all(conn)
            .await?
        }
    };
    rows.iter().map(unit_of).collect()
}

/// Writes a unit, new or changed (by its id).
pub async fn put_unit(tx: &mut Tx, u: &UnitRow) -> Result<()> {
    // One statement, the row changed in place (a delete and an insert would drop it for a
    // moment, and any row that came to refer to it).
    sqlx::query(&format!(
        "INSERT INTO intel_units ({UNIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (id) DO UPDATE SET agency = excluded.agency, name = excluded.name, \
         country = excluded.country, competences = excluded.competences, \
         languages = excluded.languages, contact = excluded.contact, phone = excluded.phone, \
         email = excluded.email, updated_by = excluded.updated_by, updated_at = excluded.updated_at"
    ))
    .bind(u.id.to_string())
    .bind(&u.agency)
    .bind(&u.name)
    .bind(&u.country)
    .bind(&u.competences)
    .bind(&u.languages)
    .bind(&u.contact)
    .bind(&u.phone)
    .bind(&u.email)
    .bind(&u.updated_by)
    .bind(u.updated_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The channel on which nodes announce new messages (PostgreSQL's `LISTEN`/`NOTIFY`).
pub const CHANNEL: &str = "accordo_intel";

/// The announcement of a new message to the other nodes ([`CHANNEL`], sent with the message's
/// rows and delivered on commit): its id, and its keys, one per line, kind TAB key, unless they
/// would not fit, when the listener reads them.
pub fn announcement(message: Uuid, keys: &[(String, String)]) -> String {
    let mut payload = message.to_string();
    if keys.is_empty() {
        payload.push('\n');
    }
    for (kind, key) in keys {
        payload.push('\n');
        payload.push_str(kind);
        payload.push('\t');
        payload.push_str(key);
    }
    // PostgreSQL's limit is 8,000 bytes.
    if payload.len() > 7_000 {
        payload = message.to_string();
    }
    payload
}

/// A new message announced by a node: its id, and its keys when they came with it.
pub type Heard = (Uuid, Option<Vec<(String, String)>>);

/// New messages announced by any node.
pub struct Changes(sqlx::postgres::PgListener);

/// What the listener heard: a message, or `None` when notifications may have been missed
/// (the connection dropped): then everything is loaded again.
impl Changes {
    /// The next message heard; `Ok(None)` when notices may have been missed.
    pub async fn next(&mut self) -> Result<Option<Heard>> {
        let Some(n) = self.0.try_recv().await? else {
            return Ok(None);
        };
        let mut lines = n.payload().split('\n');
        let Some(id) = lines.next().and_then(|l| Uuid::parse_str(l).ok()) else {
            return Ok(None);
        };
        let keys: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let sent_keys = n.payload().contains('\n');
        Ok(Some((id, sent_keys.then_some(keys))))
    }
}

/// Listens to new messages; `None` on SQLite (a single node).
pub async fn listen(store: &Store) -> Result<Option<Changes>> {
    Ok(store.listen(CHANNEL).await?.map(Changes))
}

/// How many messages the platform holds.
pub async fn message_count(conn: &mut Conn) -> Result<i64> {
    let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM intel_messages")
        .fetch_one(conn)
        .await?;
    Ok(row.try_get("n")?)
}

// ---- onward sharing ---------------------------------------------------------------------

/// Adds `(type, value)` addressees to a message and records who shared it, and on whose
/// request; an addressee it already had is left as it was. Returns those added.
pub async fn share(
    tx: &mut Tx,
    message: Uuid,
    to: &[(String, String)],
    by: &str,
    at: i64,
    request: Option<Uuid>,
) -> Result<Vec<(String, String)>> {
    let current =
        accordo_store::scope::addressees(tx.conn(), MESSAGE_KIND, &message.to_string()).await?;
    let fresh: Vec<(String, String)> = to
        .iter()
        .filter(|a| !current.contains(a))
        .cloned()
        .collect();
    accordo_store::scope::insert_addressees(tx, MESSAGE_KIND, &message.to_string(), &fresh).await?;
    for (kind, value) in &fresh {
        sqlx::query(
            "INSERT INTO intel_shares (message_id, addressee_type, addressee, shared_by, shared_at, request_id)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(message.to_string())
        .bind(kind)
        .bind(value)
        .bind(by)
        .bind(at)
        .bind(request.map(|r| r.to_string()))
        .execute(tx.conn())
        .await?;
    }
    Ok(fresh)
}

/// The onward shares of a message: `(type, value, by, at)`, in order.
pub async fn shares(conn: &mut Conn, message: Uuid) -> Result<Vec<(String, String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT addressee_type, addressee, shared_by, shared_at FROM intel_shares
         WHERE message_id = $1 ORDER BY shared_at, addressee_type, addressee",
    )
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("addressee_type")?,
                r.try_get("addressee")?,
                r.try_get("shared_by")?,
                r.try_get("shared_at")?,
            ))
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: Uuid,
    /// The requesting agency.
    pub owner_agency: String,
    pub hit_id: Uuid,
    pub message_id: Uuid,
    /// The agency that holds the message and decides.
    pub message_agency: String,
    pub kind: String,
    pub normalised: String,
    pub requested_by: String,
    pub requested_by_id: Uuid,
    pub requested_at: i64,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

pub async fn insert_request(tx: &mut Tx, r: &RequestRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO intel_share_requests (id, owner_agency, handling, hit_id, message_id,
            message_agency, kind, normalised, requested_by, requested_by_id, requested_at, status)
         VALUES ($1, $2, 'AMBER+STRICT', $3, $4, $5, $6, $7, $8, $9, $10, 'pending')",
    )
    .bind(r.id.to_string())
    .bind(&r.owner_agency)
    .bind(r.hit_id.to_string())
    .bind(r.message_id.to_string())
    .bind(&r.message_agency)
    .bind(&r.kind)
    .bind(&r.normalised)
    .bind(&r.requested_by)
    .bind(r.requested_by_id.to_string())
    .bind(r.requested_at)
    .execute(tx.conn())
    .await?;
    accordo_store::scope::insert_addressees(
        tx,
        REQUEST_KIND,
        &r.id.to_string(),
        &[("agency".to_owned(), r.message_agency.clone())],
    )
    .await
}

/// The requests `scope` reads (made by its agency, or addressed to it), newest first; one
/// by its id, or the one made on a hit.
pub async fn visible_requests(
    conn: &mut Conn,
    scope: &Scope,
    by: (Option<Uuid>, Option<Uuid>),
    limit: i64,
) -> Result<Vec<RequestRow>> {
    let mut binds = Binds::default();
    let mut cond = shared_record_filter(scope, "r", &mut binds);
    if let Some(id) = by.0 {
        cond = format!("{cond} AND r.id = {}", binds.text(&id.to_string()));
    }
    if let Some(hit) = by.1 {
        cond = format!("{cond} AND r.hit_id = {}", binds.text(&hit.to_string()));
    }
    let sql = format!(
        "SELECT r.id, r.owner_agency, r.hit_id, r.message_id, r.message_agency, r.kind,
                r.normalised, r.requested_by, r.requested_by_id, r.requested_at, r.status,
                r.decided_by, r.decided_at
         FROM intel_share_requests r WHERE {cond} ORDER BY r.requested_at DESC, r.id LIMIT {limit}"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(RequestRow {
                id: uuid(&r.try_get::<String, _>("id")?, "intel_share_requests")?,
                owner_agency: r.try_get("owner_agency")?,
                hit_id: uuid(&r.try_get::<String, _>("hit_id")?, "intel_share_requests")?,
                message_id: uuid(
                    &r.try_get::<String, _>("message_id")?,
                    "intel_share_requests",
                )?,
                message_agency: r.try_get("message_agency")?,
                kind: r.try_get("kind")?,
                normalised: r.try_get("normalised")?,
                requested_by: r.try_get("requested_by")?,
                requested_by_id: uuid(
                    &r.try_get::<String, _>("requested_by_id")?,
                    "intel_share_requests",
                )?,
                requested_at: r.try_get("requested_at")?,
                status: r.try_get("status")?,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
            })
        })
        .collect()
}

/// Decides a pending request; false when it was decided already (by another click).
pub async fn decide_request(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    by: &str,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE intel_share_requests SET status = $1, decided_by = $2, decided_at = $3
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(status)
    .bind(by)
    .bind(at)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One hit row by its id, whoever's it is (the service checks the reader's agency).
pub async fn hit(conn: &mut Conn, id: Uuid) -> Result<Option<HitRow>> {
    let row = sqlx::query(
        "SELECT id, pair, agency, message_id, kind, normalised, other_agency, other_handling,
                other_message_id, created_at FROM intel_hits WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(hit_of).transpose()
}

// ---- attachments -------------------------------------------------------------------------

/// An attachment as stored: its content in base64.
#[derive(Debug, Clone)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub message_id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    /// Base64; empty when only the description was read.
    pub content: String,
}

pub async fn insert_attachments(tx: &mut Tx, rows: &[AttachmentRow]) -> Result<()> {
    for (position, a) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO intel_attachments (id, message_id, position, name, media_type, size, sha256, content)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.id.to_string())
        .bind(a.message_id.to_string())
        .bind(position as i64)
        .bind(&a.name)
        .bind(&a.media_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(&a.content)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

fn attachment_of(r: &sqlx::any::AnyRow, with_content: bool) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: uuid(&r.try_get::<String, _>("id")?, "intel_attachments")?,
        message_id: uuid(&r.try_get::<String, _>("message_id")?, "intel_attachments")?,
        name: r.try_get("name")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        content: if with_content {
            r.try_get("content")?
        } else {
            String::new()
        },
    })
}

/// A message's attachments, described (without their content), in order.
pub async fn attachments(conn: &mut Conn, message: Uuid) -> Result<Vec<AttachmentRow>> {
    let rows = sqlx::query(
        "SELECT id, message_id, name, media_type, size, sha256 FROM intel_attachments
         WHERE message_id = $1 ORDER BY position",
    )
    .bind(message.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| attachment_of(r, false)).collect()
}

/// One attachment with its content (the service checks that its message may be read).
pub async fn attachment(conn: &mut Conn, id: Uuid) -> Result<Option<AttachmentRow>> {
    let row = sqlx::query(
        "SELECT id, message_id, name, media_type, size, sha256, content FROM intel_attachments WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|r| attachment_of(&r, true)).transpose()
}

/// The kind of record an operation's addressee rows belong to.
const OPERATION_KIND: &str = "intel_operation";

/// A joint operation.
#[derive(Debug, Clone)]
pub struct OperationRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `LAT LON` lines (`accordo_intel::area::Area::to_text`).
    pub area: String,
    pub created_by: String,
    pub created_at: i64,
}

/// An event of an operation: an interception's or a rescue's date, place and people are its
/// flows event's, and `None` here.
#[derive(Debug, Clone)]
pub struct OperationEventRow {
    pub id: Uuid,
    pub operation_id: Uuid,
    pub agency: String,
    pub kind: String,
    pub flow_event_id: Option<Uuid>,
    pub occurred_on: Option<String>,
    pub place: Option<String>,
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub arrested: Option<i64>,
    pub description: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_operation(
    tx: &mut Tx,
    op: &OperationRow,
    participants: &[String],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO intel_operations (id, owner_agency, handling, name, starts_on, ends_on, area, created_by, created_at)
         VALUES ($1, $2, 'AMBER+STRICT', $3, $4, $5, $6, $7, $8)",
    )
    .bind(op.id.to_string())
    .bind(&op.owner_agency)
    .bind(&op.name)
    .bind(&op.starts_on)
    .bind(&op.ends_on)
    .bind(&op.area)
    .bind(&op.created_by)
    .bind(op.created_at)
    .execute(tx.conn())
    .await?;
    let addressees: Vec<(String, String)> = participants
        .iter()
        .map(|a| ("agency".to_owned(), a.clone()))
        .collect();
    accordo_store::scope::insert_addressees(tx, OPERATION_KIND, &op.id.to_string(), &addressees)
        .await
}

/// The operations `scope` reads (its agency leads or takes part), newest first.
pub async fn visible_operations(
    conn: &mut Conn,
    scope: &Scope,
    id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<OperationRow>> {
    let mut binds = Binds::default();
    let mut cond = shared_record_filter(scope, "o", &mut binds);
    if let Some(id) = id {
        cond = format!("{cond} AND o.id = {}", binds.text(&id.to_string()));
    }
    let sql = format!(
        "SELECT o.id, o.owner_agency, o.name, o.starts_on, o.ends_on, o.area, o.created_by, o.created_at
         FROM intel_operations o WHERE {cond} ORDER BY o.starts_on DESC, o.created_at DESC, o.id LIMIT {limit}"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(OperationRow {
                id: uuid(&r.try_get::<String, _>("id")?, "intel_operations")?,
                owner_agency: r.try_get("owner_agency")?,
                name: r.try_get("name")?,
                starts_on: r.try_get("starts_on")?,
                ends_on: r.try_get("ends_on")?,
                area: r.try_get("area")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The agencies of an operation: its lead and the others, in order.
pub async fn operation_agencies(conn: &mut Conn, op: &OperationRow) -> Result<Vec<String>> {
    owner_and_addressees(conn, OPERATION_KIND, op.id, &op.owner_agency).await
}

pub async fn insert_operation_event(tx: &mut Tx, e: &OperationEventRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO intel_operation_events (id, operation_id, agency, kind, flow_event_id,
            occurred_on, place, latitude_e6, longitude_e6, arrested, description, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.id.to_string())
    .bind(e.operation_id.to_string())
    .bind(&e.agency)
    .bind(&e.kind)
    .bind(e.flow_event_id.map(|f| f.to_string()))
    .bind(&e.occurred_on)
    .bind(&e.place)
    .bind(e.latitude_e6)
    .bind(e.longitude_e6)
    .bind(e.arrested)
    .bind(&e.description)
    .bind(&e.created_by)
    .bind(e.created_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The events of the operation `id` (its reader has been checked), in the order recorded.
pub async fn operation_events(conn: &mut Conn, id: Uuid) -> Result<Vec<OperationEventRow>> {
    let rows = sqlx::query(
        "SELECT id, operation_id, agency, kind, flow_event_id, occurred_on, place, latitude_e6,
                longitude_e6, arrested, description, created_by, created_at
         FROM intel_operation_events WHERE operation_id = $1 ORDER BY created_at, id",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OperationEventRow {
                id: uuid(&r.try_get::<String, _>("id")?, "intel_operation_events")?,
                operation_id: uuid(
                    &r.try_get::<String, _>("operation_id")?,
                    "intel_operation_events",
                )?,
                agency: r.try_get("agency")?,
                kind: r.try_get("kind")?,
                flow_event_id: opt_uuid(r.try_get("flow_event_id")?, "intel_operation_events")?,
                occurred_on: r.try_get("occurred_on")?,
                place: r.try_get("place")?,
                latitude_e6: r.try_get("latitude_e6")?,
                longitude_e6: r.try_get("longitude_e6")?,
                arrested: r.try_get("arrested")?,
                description: r.try_get("description")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A course of joint training.
#[derive(Debug, Clone)]
pub struct CourseRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub title: String,
    pub topic: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_course(
    tx: &mut Tx,
    course: &CourseRow,
    participants: &[(String, i64)],
) -> Result<()> {
    let id = course.id.to_string();
    let mut rows = Inserts::new();
    rows.row(
        "intel_courses",
        &[
            "id",
            "owner_agency",
            "title",
            "topic",
            "starts_on",
            "ends_on",
            "place",
            "created_by",
            "created_at",
        ],
        vec![
            (&id).into(),
            (&course.owner_agency).into(),
            (&course.title).into(),
            (&course.topic).into(),
            (&course.starts_on).into(),
            (&course.ends_on).into(),
            (&course.place).into(),
            (&course.created_by).into(),
            course.created_at.into(),
        ],
    );
    for (agency, trainees) in participants {
        rows.row(
            "intel_course_participants",
            &["course_id", "agency", "trainees"],
            vec![(&id).into(), agency.into(), (*trainees).into()],
        );
    }
    rows.run(tx).await?;
    Ok(())
}

/// The courses starting in `span` (both days included; all without one), newest first.
pub async fn courses(conn: &mut Conn, span: Option<(&str, &str)>) -> Result<Vec<CourseRow>> {
    let mut binds = Binds::default();
    let cond = match span {
        Some((from, until)) => format!(
            "WHERE starts_on >= {} AND starts_on <= {}",
            binds.text(from),
            binds.text(until)
        ),
        None => String::new(),
    };
    let sql = format!(
        "SELECT id, owner_agency, title, topic, starts_on, ends_on, place, created_by, created_at
         FROM intel_courses {cond} ORDER BY starts_on DESC, id LIMIT 5000"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(CourseRow {
                id: uuid(&r.try_get::<String, _>("id")?, "intel_courses")?,
                owner_agency: r.try_get("owner_agency")?,
                title: r.try_get("title")?,
                topic: r.try_get("topic")?,
                starts_on: r.try_get("starts_on")?,
                ends_on: r.try_get("ends_on")?,
                place: r.try_get("place")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The participants of the courses of `ids`: `(course, agency, trainees)`.
pub async fn course_participants(
    conn: &mut Conn,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let list: Vec<String> = ids.iter().map(|i| binds.text(&i.to_string())).collect();
    let sql = format!(
        "SELECT course_id, agency, trainees FROM intel_course_participants
         WHERE course_id IN ({}) ORDER BY course_id, agency",
        list.join(", ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok((
                uuid(
                    &r.try_get::<String, _>("course_id")?,
                    "intel_course_participants",
                )?,
                r.try_get("agency")?,
                r.try_get("trainees")?,
            ))
        })
        .collect()
}
