//! The legal-pathways pillar's SQL. A window's `received` is the counter its submissions are
//! numbered by: [`lock_window`] takes its row (PostgreSQL's row lock, SQLite's one writer)
//! in the transaction that writes them and [`set_received`] moves it, so a position is given
//! once, on every node, and an aborted batch gives none.

use accordo_store::inserts::Inserts;
use accordo_store::transfer::Col::{Int, Text};
use accordo_store::{Conn, Result, Tx};
use sqlx::Row;
use sqlx::any::AnyRow;

pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 2026120801, "2026120801_pathways"),
    accordo_store::migration!("../migrations", 2026120802, "2026120802_pathways_indexes"),
    accordo_store::migration!("../migrations", 2026120901, "2026120901_pathways_key_index"),
    accordo_store::migration!(
        "../migrations",
        2026121001,
        "2026121001_pathways_trainee_once"
    ),
];

pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "pathways_windows",
        columns: &[
            ("id", Text),
            ("year", Int),
            ("category", Text),
            ("opens_at", Int),
            ("closes_at", Int),
            ("general_places", Int),
            ("policy", Text),
            ("allocation_id", Text),
            ("received", Int),
            ("assigned_at", Int),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_shares",
        columns: &[("window_id", Text), ("country", Text), ("places", Int)],
        order_by: "window_id, country",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_associations",
        columns: &[
            ("agency", Text),
            ("registered_by", Text),
            ("registered_at", Int),
        ],
        order_by: "agency",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_applications",
        columns: &[
            ("id", Text),
            ("code", Text),
            ("owner_agency", Text),
            ("window_id", Text),
            ("worker_name", Text),
            ("worker_birth_date", Text),
            ("worker_nationality", Text),
            ("worker_mrz", Text),
            ("worker_document", Text),
            ("contract", Text),
            ("monthly_wage_eur", Int),
            ("months", Int),
            ("province", Text),
            ("certificate_code", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_submissions",
        columns: &[
            ("application_id", Text),
            ("window_id", Text),
            ("position", Int),
            ("received_at", Int),
            ("owner_agency", Text),
            ("idempotency_key", Text),
            ("body_sha256", Text),
            ("submitted_by", Text),
        ],
        order_by: "window_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_assignments",
        columns: &[
            ("application_id", Text),
            ("window_id", Text),
            ("outcome", Text),
            ("share", Text),
            ("rank", Int),
        ],
        order_by: "window_id, application_id",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_steps",
        columns: &[
            ("application_id", Text),
            ("step", Text),
            ("on_date", Text),
            ("office", Text),
            ("recorded_by", Text),
            ("recorded_at", Int),
        ],
        order_by: "application_id, step",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_courses",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("country", Text),
            ("title", Text),
            ("kind", Text),
            ("place", Text),
            ("starts_on", Text),
            ("ends_on", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "pathways_trainees",
        columns: &[
            ("id", Text),
            ("course_id", Text),
            ("name", Text),
            ("birth_date", Text),
            ("nationality", Text),
            ("document_number", Text),
            ("certificate_code", Text),
            ("certified_on", Text),
            ("revoked_on", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
];

// ---- windows ----

#[derive(Debug, Clone)]
pub struct WindowRow {
    pub id: String,
    pub year: i64,
    pub category: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub general_places: i64,
    pub policy: String,
    pub allocation_id: String,
    pub received: i64,
    pub assigned_at: i64,
    pub created_by: String,
    pub created_at: i64,
}

const WINDOW_COLUMNS: &[&str] = &[
    "id",
    "year",
    "category",
    "opens_at",
    "closes_at",
    "general_places",
    "policy",
    "allocation_id",
    "received",
    "assigned_at",
    "created_by",
    "created_at",
];

fn window_of(r: &AnyRow) -> Result<WindowRow> {
    Ok(WindowRow {
        id: r.try_get("id")?,
        year: r.try_get("year")?,
        category: r.try_get("category")?,
        opens_at: r.try_get("opens_at")?,
        closes_at: r.try_get("closes_at")?,
        general_places: r.try_get("general_places")?,
        policy: r.try_get("policy")?,
        allocation_id: r.try_get("allocation_id")?,
        received: r.try_get("received")?,
        assigned_at: r.try_get("assigned_at")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A window and its shares (`country`, places).
pub fn window_rows(rows: &mut Inserts, w: &WindowRow, shares: &[(String, i64)]) {
    rows.row(
        "pathways_windows",
        WINDOW_COLUMNS,
        vec![
            (&w.id).into(),
            w.year.into(),
            (&w.category).into(),
            w.opens_at.into(),
            w.closes_at.into(),
            w.general_places.into(),
            (&w.policy).into(),
            (&w.allocation_id).into(),
            w.received.into(),
            w.assigned_at.into(),
            (&w.created_by).into(),
            w.created_at.into(),
        ],
    );
    for (country, places) in shares {
        rows.row(
            "pathways_shares",
            &["window_id", "country", "places"],
            vec![(&w.id).into(), country.into(), (*places).into()],
        );
    }
}

pub async fn windows(conn: &mut Conn) -> Result<Vec<WindowRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM pathways_windows ORDER BY opens_at DESC, category",
        WINDOW_COLUMNS.join(", ")
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(window_of).collect()
}

pub async fn window(conn: &mut Conn, id: &str) -> Result<Option<WindowRow>> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM pathways_windows WHERE id = $1",
        WINDOW_COLUMNS.join(", ")
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(window_of).transpose()
}

pub async fn window_for(conn: &mut Conn, year: i64, category: &str) -> Result<Option<WindowRow>> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM pathways_windows WHERE year = $1 AND category = $2",
        WINDOW_COLUMNS.join(", ")
    ))
    .bind(year)
    .bind(category)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(window_of).transpose()
}

/// Every window's shares: (`window_id`, `country`, places).
pub async fn shares(conn: &mut Conn) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT window_id, country, places FROM pathways_shares ORDER BY window_id, country",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Takes the window's row for the rest of the transaction: (received, opens, closes).
pub async fn lock_window(tx: &mut Tx, id: &str) -> Result<Option<(i64, i64, i64)>> {
    let row = sqlx::query(
        "UPDATE pathways_windows SET received = received WHERE id = $1 \
         RETURNING received, opens_at, closes_at",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}

pub async fn set_received(tx: &mut Tx, id: &str, received: i64) -> Result<()> {
    sqlx::query("UPDATE pathways_windows SET received = $1 WHERE id = $2")
        .bind(received)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_assigned(tx: &mut Tx, id: &str, at: i64) -> Result<()> {
    sqlx::query("UPDATE pathways_windows SET assigned_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Each window's count: (`id`, received).
pub async fn counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT id, received FROM pathways_windows")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

// ---- applications ----

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: String,
    pub code: String,
    pub owner_agency: String,
    pub window_id: String,
    pub worker_name: String,
    pub worker_birth_date: String,
    pub worker_nationality: String,
    pub worker_mrz: String,
    pub worker_document: String,
    pub contract: String,
    pub monthly_wage_eur: i64,
    pub months: i64,
    pub province: String,
    pub certificate_code: String,
    pub created_by: String,
    pub created_at: i64,
}

const APPLICATION_COLUMNS: &[&str] = &[
    "id",
    "code",
    "owner_agency",
    "window_id",
    "worker_name",
    "worker_birth_date",
    "worker_nationality",
    "worker_mrz",
    "worker_document",
    "contract",
    "monthly_wage_eur",
    "months",
    "province",
    "certificate_code",
    "created_by",
    "created_at",
];

fn application_of(r: &AnyRow) -> Result<ApplicationRow> {
    Ok(ApplicationRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        owner_agency: r.try_get("owner_agency")?,
        window_id: r.try_get("window_id")?,
        worker_name: r.try_get("worker_name")?,
        worker_birth_date: r.try_get("worker_birth_date")?,
        worker_nationality: r.try_get("worker_nationality")?,
        worker_mrz: r.try_get("worker_mrz")?,
        worker_document: r.try_get("worker_document")?,
        contract: r.try_get("contract")?,
        monthly_wage_eur: r.try_get("monthly_wage_eur")?,
        months: r.try_get("months")?,
        province: r.try_get("province")?,
        certificate_code: r.try_get("certificate_code")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub fn application_rows(rows: &mut Inserts, a: &ApplicationRow) {
    rows.row(
        "pathways_applications",
        APPLICATION_COLUMNS,
        vec![
            (&a.id).into(),
            (&a.code).into(),
            (&a.owner_agency).into(),
            (&a.window_id).into(),
            (&a.worker_name).into(),
            (&a.worker_birth_date).into(),
            (&a.worker_nationality).into(),
            (&a.worker_mrz).into(),
            (&a.worker_document).into(),
            (&a.contract).into(),
            a.monthly_wage_eur.into(),
            a.months.into(),
            (&a.province).into(),
            (&a.certificate_code).into(),
            (&a.created_by).into(),
            a.created_at.into(),
        ],
    );
}

/// The columns of an application with its submission and assignment, for a list or a page.
fn joined_columns() -> String {
    let mut cols: Vec<String> = APPLICATION_COLUMNS
        .iter()
        .map(|c| format!("a.{c}"))
        .collect();
    cols.extend(
        [
            "s.position",
            "s.received_at",
            "s.idempotency_key",
            "s.body_sha256",
            "g.outcome",
            "g.share",
            "g.rank",
        ]
        .map(str::to_owned),
    );
    cols.join(", ")
}

const JOINS: &str = "FROM pathways_applications a \
     LEFT JOIN pathways_submissions s ON s.application_id = a.id \
     LEFT JOIN pathways_assignments g ON g.application_id = a.id";

/// An application with what became of it.
#[derive(Debug, Clone)]
pub struct Joined {
    pub application: ApplicationRow,
    pub submission: Option<SubmissionRow>,
    /// (outcome, share, rank)
    pub assignment: Option<(String, String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    pub position: i64,
    pub received_at: i64,
    pub idempotency_key: String,
    pub body_sha256: String,
}

fn joined_of(r: &AnyRow) -> Result<Joined> {
    let position: Option<i64> = r.try_get("position")?;
    let submission = match position {
        Some(position) => Some(SubmissionRow {
            position,
            received_at: r.try_get("received_at")?,
            idempotency_key: r.try_get("idempotency_key")?,
            body_sha256: r.try_get("body_sha256")?,
        }),
        None => None,
    };
    let outcome: Option<String> = r.try_get("outcome")?;
    let assignment = match outcome {
        Some(o) => Some((o, r.try_get("share")?, r.try_get("rank")?)),
        None => None,
    };
    Ok(Joined {
        application: application_of(r)?,
        submission,
        assignment,
    })
}

pub async fn application(conn: &mut Conn, id: &str) -> Result<Option<Joined>> {
    let row = sqlx::query(&format!(
        "SELECT {} {JOINS} WHERE a.id = $1",
        joined_columns()
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(joined_of).transpose()
}

pub async fn application_by_code(conn: &mut Conn, code: &str) -> Result<Option<Joined>> {
    let row = sqlx::query(&format!(
        "SELECT {} {JOINS} WHERE a.code = $1",
        joined_columns()
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(joined_of).transpose()
}

/// Which applications a list holds.
pub enum Filter<'a> {
    All,
    Agency(&'a str),
    Nationality(&'a str),
}

/// Applications, newest first, at most `limit`.
pub async fn applications(conn: &mut Conn, filter: Filter<'_>, limit: i64) -> Result<Vec<Joined>> {
    let (cond, bind) = match filter {
        Filter::All => ("1 = 1", None),
        Filter::Agency(a) => ("a.owner_agency = $2", Some(a)),
        Filter::Nationality(n) => ("a.worker_nationality = $2", Some(n)),
    };
    let sql = format!(
        "SELECT {} {JOINS} WHERE {cond} ORDER BY a.created_at DESC, a.id LIMIT $1",
        joined_columns()
    );
    let mut q = sqlx::query(&sql).bind(limit);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(joined_of).collect()
}

/// Whether the agency is a registered employers' association.
pub async fn is_association(conn: &mut Conn, agency: &str) -> Result<bool> {
    let row = sqlx::query("SELECT agency FROM pathways_associations WHERE agency = $1")
        .bind(agency)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

pub fn association_row(rows: &mut Inserts, agency: &str, by: &str, at: i64) {
    rows.row(
        "pathways_associations",
        &["agency", "registered_by", "registered_at"],
        vec![agency.into(), by.into(), at.into()],
    );
}

/// How many applications the agency has for windows of `year`.
pub async fn count_for_year(conn: &mut Conn, agency: &str, year: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM pathways_applications a \
         JOIN pathways_windows w ON w.id = a.window_id \
         WHERE a.owner_agency = $1 AND w.year = $2",
    )
    .bind(agency)
    .bind(year)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// (`owner_agency`, `window_id`, `worker_nationality`) of an application: what a submission
/// needs to know of it.
pub async fn application_keys(
    conn: &mut Conn,
    id: &str,
) -> Result<Option<(String, String, String)>> {
    let row = sqlx::query(
        "SELECT owner_agency, window_id, worker_nationality FROM pathways_applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}

// ---- submissions ----

/// A submission already written: (`application_id`, `owner_agency`, submission).
pub type Existing = (String, String, SubmissionRow);

/// The submissions of these applications, and those holding these keys of these agencies
/// (`keys`: (agency, key)). Each part reads an index (the primary key; the unique
/// (owner_agency, idempotency_key)): an `OR` of the two would scan the table, slower with
/// every submission a click day adds.
pub async fn existing(
    tx: &mut Tx,
    applications: &[&str],
    keys: &[(&str, &str)],
) -> Result<Vec<Existing>> {
    const COLUMNS: &str =
        "application_id, owner_agency, position, received_at, idempotency_key, body_sha256";
    let mut next = 1;
    let mut placeholders = |n: usize| {
        let list = (next..next + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        next += n;
        list
    };
    let mut parts = vec![format!(
        "SELECT {COLUMNS} FROM pathways_submissions WHERE application_id IN ({})",
        placeholders(applications.len())
    )];
    let mut by_agency: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (agency, key) in keys {
        by_agency.entry(agency).or_default().push(key);
    }
    for keys in by_agency.values() {
        let agency = placeholders(1);
        parts.push(format!(
            "SELECT {COLUMNS} FROM pathways_submissions WHERE owner_agency = {agency} AND idempotency_key IN ({})",
            placeholders(keys.len())
        ));
    }
    let sql = parts.join(" UNION ");
    let mut q = sqlx::query(&sql);
    for id in applications {
        q = q.bind(*id);
    }
    for (agency, keys) in &by_agency {
        q = q.bind(*agency);
        for key in keys {
            q = q.bind(*key);
        }
    }
    let rows = q.fetch_all(tx.conn()).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                SubmissionRow {
                    position: r.try_get(2)?,
                    received_at: r.try_get(3)?,
                    idempotency_key: r.try_get(4)?,
                    body_sha256: r.try_get(5)?,
                },
            ))
        })
        .collect()
}

pub struct NewSubmission<'a> {
    pub application_id: &'a str,
    pub window_id: &'a str,
    pub owner_agency: &'a str,
    pub submitted_by: &'a str,
    pub row: &'a SubmissionRow,
}

pub fn submission_rows(rows: &mut Inserts, s: &NewSubmission<'_>) {
    rows.row(
        "pathways_submissions",
        &[
            "application_id",
            "window_id",
            "position",
            "received_at",
            "owner_agency",
            "idempotency_key",
            "body_sha256",
            "submitted_by",
        ],
        vec![
            s.application_id.into(),
            s.window_id.into(),
            s.row.position.into(),
            s.row.received_at.into(),
            s.owner_agency.into(),
            (&s.row.idempotency_key).into(),
            (&s.row.body_sha256).into(),
            s.submitted_by.into(),
        ],
    );
}

// ---- assignment ----

/// A window's submissions for the assignment: (`application_id`, position, received,
/// nationality, certified).
pub async fn entries(
    conn: &mut Conn,
    window: &str,
) -> Result<Vec<(String, i64, i64, String, bool)>> {
    let rows = sqlx::query(
        "SELECT s.application_id, s.position, s.received_at, a.worker_nationality, a.certificate_code \
         FROM pathways_submissions s JOIN pathways_applications a ON a.id = s.application_id \
         WHERE s.window_id = $1 ORDER BY s.position",
    )
    .bind(window)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let certificate: String = r.try_get(4)?;
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                !certificate.is_empty(),
            ))
        })
        .collect()
}

pub fn assignment_row(
    rows: &mut Inserts,
    application: &str,
    window: &str,
    outcome: &str,
    share: &str,
    rank: i64,
) {
    rows.row(
        "pathways_assignments",
        &["application_id", "window_id", "outcome", "share", "rank"],
        vec![
            application.into(),
            window.into(),
            outcome.into(),
            share.into(),
            rank.into(),
        ],
    );
}

/// Every (position, `received_at`) of a window, in order: what a check of gap-free
/// positions reads.
pub async fn positions(conn: &mut Conn, window: &str) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT position, received_at FROM pathways_submissions WHERE window_id = $1 ORDER BY position",
    )
    .bind(window)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

// ---- training ----

#[derive(Debug, Clone)]
pub struct CourseRow {
    pub id: String,
    pub owner_agency: String,
    pub country: String,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub starts_on: String,
    pub ends_on: String,
    pub created_by: String,
    pub created_at: i64,
}

const COURSE_COLUMNS: &[&str] = &[
    "id",
    "owner_agency",
    "country",
    "title",
    "kind",
    "place",
    "starts_on",
    "ends_on",
    "created_by",
    "created_at",
];

fn course_of(r: &AnyRow) -> Result<CourseRow> {
    Ok(CourseRow {
        id: r.try_get("id")?,
        owner_agency: r.try_get("owner_agency")?,
        country: r.try_get("country")?,
        title: r.try_get("title")?,
        kind: r.try_get("kind")?,
        place: r.try_get("place")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub fn course_rows(rows: &mut Inserts, c: &CourseRow) {
    rows.row(
        "pathways_courses",
        COURSE_COLUMNS,
        vec![
            (&c.id).into(),
            (&c.owner_agency).into(),
            (&c.country).into(),
            (&c.title).into(),
            (&c.kind).into(),
            (&c.place).into(),
            (&c.starts_on).into(),
            (&c.ends_on).into(),
            (&c.created_by).into(),
            c.created_at.into(),
        ],
    );
}

pub async fn courses(conn: &mut Conn) -> Result<Vec<CourseRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM pathways_courses ORDER BY starts_on DESC, id",
        COURSE_COLUMNS.join(", ")
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(course_of).collect()
}

pub async fn course(conn: &mut Conn, id: &str) -> Result<Option<CourseRow>> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM pathways_courses WHERE id = $1",
        COURSE_COLUMNS.join(", ")
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(course_of).transpose()
}

#[derive(Debug, Clone)]
pub struct TraineeRow {
    pub id: String,
    pub course_id: String,
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    pub document_number: String,
    pub certificate_code: Option<String>,
    pub certified_on: String,
    pub revoked_on: String,
    pub created_by: String,
    pub created_at: i64,
}

const TRAINEE_COLUMNS: &[&str] = &[
    "id",
    "course_id",
    "name",
    "birth_date",
    "nationality",
    "document_number",
    "certificate_code",
    "certified_on",
    "revoked_on",
    "created_by",
    "created_at",
];

fn trainee_of(r: &AnyRow) -> Result<TraineeRow> {
    Ok(TraineeRow {
        id: r.try_get("id")?,
        course_id: r.try_get("course_id")?,
        name: r.try_get("name")?,
        birth_date: r.try_get("birth_date")?,
        nationality: r.try_get("nationality")?,
        document_number: r.try_get("document_number")?,
        certificate_code: r.try_get("certificate_code")?,
        certified_on: r.try_get("certified_on")?,
        revoked_on: r.try_get("revoked_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub fn trainee_rows(rows: &mut Inserts, t: &TraineeRow) {
    rows.row(
        "pathways_trainees",
        TRAINEE_COLUMNS,
        vec![
            (&t.id).into(),
            (&t.course_id).into(),
            (&t.name).into(),
            (&t.birth_date).into(),
            (&t.nationality).into(),
            (&t.document_number).into(),
            t.certificate_code.clone().into(),
            (&t.certified_on).into(),
            (&t.revoked_on).into(),
            (&t.created_by).into(),
            t.created_at.into(),
        ],
    );
}

pub async fn trainees(conn: &mut Conn, course: &str) -> Result<Vec<TraineeRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM pathways_trainees WHERE course_id = $1 ORDER BY name, id",
        TRAINEE_COLUMNS.join(", ")
    ))
    .bind(course)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(trainee_of).collect()
}

/// Certifies a trainee of the course not yet certified; whether it did.
pub async fn certify(
    tx: &mut Tx,
    course: &str,
    trainee: &str,
    code: &str,
    on: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE pathways_trainees SET certificate_code = $1, certified_on = $2 \
         WHERE id = $3 AND course_id = $4 AND certificate_code IS NULL",
    )
    .bind(code)
    .bind(on)
    .bind(trainee)
    .bind(course)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The trainee holding a certificate, and the course.
pub async fn certificate(conn: &mut Conn, code: &str) -> Result<Option<(TraineeRow, CourseRow)>> {
    let t: Vec<String> = TRAINEE_COLUMNS.iter().map(|c| format!("t.{c}")).collect();
    let row = sqlx::query(&format!(
        "SELECT {} FROM pathways_trainees t WHERE t.certificate_code = $1",
        t.join(", ")
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(trainee) = row.as_ref().map(trainee_of).transpose()? else {
        return Ok(None);
    };
    let course = course(conn, &trainee.course_id).await?;
    Ok(course.map(|c| (trainee, c)))
}

/// Trainees certified between two days (inclusive), by their country.
pub async fn certified_by_country(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<std::collections::BTreeMap<String, i64>> {
    let rows = sqlx::query(
        "SELECT c.country, COUNT(*) FROM pathways_trainees t \
         JOIN pathways_courses c ON c.id = t.course_id \
         WHERE t.certificate_code IS NOT NULL AND t.revoked_on = '' \
         AND t.certified_on >= $1 AND t.certified_on <= $2 GROUP BY c.country",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

// ---- the path after the click day ----

/// An application's steps: (`step`, `on_date`, `office`).
pub async fn steps(conn: &mut Conn, application: &str) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT step, on_date, office FROM pathways_steps WHERE application_id = $1 ORDER BY on_date, recorded_at",
    )
    .bind(application)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

pub fn step_row(
    rows: &mut Inserts,
    application: &str,
    step: &str,
    on: &str,
    office: &str,
    by: &str,
    at: i64,
) {
    rows.row(
        "pathways_steps",
        &[
            "application_id",
            "step",
            "on_date",
            "office",
            "recorded_by",
            "recorded_at",
        ],
        vec![
            application.into(),
            step.into(),
            on.into(),
            office.into(),
            by.into(),
            at.into(),
        ],
    );
}

/// Every assigned application's window, nationality and province with the steps it reached:
/// (`window_id`, nationality, province, steps).
pub async fn paths(conn: &mut Conn) -> Result<Vec<(String, String, String, Vec<String>)>> {
    let rows = sqlx::query(
        "SELECT a.id, a.window_id, a.worker_nationality, a.province, s.step \
         FROM pathways_applications a \
         JOIN pathways_assignments g ON g.application_id = a.id AND g.outcome = 'assigned' \
         LEFT JOIN pathways_steps s ON s.application_id = a.id \
         ORDER BY a.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(String, String, String, String, Vec<String>)> = Vec::new();
    for r in &rows {
        let id: String = r.try_get(0)?;
        let step: Option<String> = r.try_get(4)?;
        match out.last_mut() {
            Some(last) if last.0 == id => last.4.extend(step),
            _ => out.push((
                id,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                step.into_iter().collect(),
            )),
        }
    }
    Ok(out
        .into_iter()
        .map(|(_, w, n, p, s)| (w, n, p, s))
        .collect())
}
