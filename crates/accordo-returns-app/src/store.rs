//! Returns: readmission agreements, return cases and their documents, readmission requests
//! and their pauses, centres, stays and safeguard records.
//!
//! Dates (`*_on`) are ISO 8601 calendar dates as text; instants (`*_at`) are microseconds.
//! Requests are addressed to the partner authority through `record_addressees` (kind
//! `readmission_request`), so listing them goes through [`accordo_store::scope::shared_record_filter`].

use accordo_domain::access::{Reach, Scope};
use accordo_returns::case::ReturnKind;
use accordo_returns::{Asylum, State, Vulnerability};
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use accordo_store::inserts::Inserts;
use accordo_store::scope::{Binds, shared_record_filter};
use accordo_store::{Conn, Result, StoreError, Tx};

fn uuid(row: &AnyRow, column: &str) -> Result<Uuid> {
    let text: String = row.try_get(column)?;
    Uuid::parse_str(&text).map_err(|_| StoreError::Invalid(format!("bad UUID in {column}")))
}

fn flag(row: &AnyRow, column: &str) -> Result<Option<bool>> {
    let v: Option<i64> = row.try_get(column)?;
    Ok(v.map(|v| v != 0))
}

// ---------------------------------------------------------------- agreements

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    pub id: Uuid,
    pub name: String,
    pub partner_country: String,
    pub authority_agency: String,
    /// JSON of `accordo_returns::Terms`.
    pub terms: String,
    pub source: String,
    pub confirmed: bool,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

const AGREEMENT_COLUMNS: &str = "id, name, partner_country, authority_agency, terms, source, confirmed, version, updated_at, updated_by";

fn agreement_of(row: &AnyRow) -> Result<AgreementRow> {
    Ok(AgreementRow {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        partner_country: row.try_get("partner_country")?,
        authority_agency: row.try_get("authority_agency")?,
        terms: row.try_get("terms")?,
        source: row.try_get("source")?,
        confirmed: flag(row, "confirmed")?.unwrap_or(false),
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

pub async fn insert_agreement(tx: &mut Tx, a: &AgreementRow) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO readmission_agreements ({AGREEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(a.id.to_string())
    .bind(&a.name)
    .bind(&a.partner_country)
    .bind(&a.authority_agency)
    .bind(&a.terms)
    .bind(&a.source)
    .bind(i64::from(a.confirmed))
    .bind(a.version)
    .bind(a.updated_at)
    .bind(&a.updated_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Replaces the terms of an agreement if it is still at `version`; false when someone else
/// changed it first.
pub async fn update_agreement(tx: &mut Tx, a: &AgreementRow, version: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE readmission_agreements SET name = $1, terms = $2, source = $3, confirmed = $4, version = $5, updated_at = $6, updated_by = $7 WHERE id = $8 AND version = $9",
    )
    .bind(&a.name)
    .bind(&a.terms)
    .bind(&a.source)
    .bind(i64::from(a.confirmed))
    .bind(a.version)
    .bind(a.updated_at)
    .bind(&a.updated_by)
    .bind(a.id.to_string())
    .bind(version)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn agreements(conn: &mut Conn) -> Result<Vec<AgreementRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {AGREEMENT_COLUMNS} FROM readmission_agreements ORDER BY partner_country, authority_agency"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(agreement_of).collect()
}

pub async fn agreement(conn: &mut Conn, id: Uuid) -> Result<Option<AgreementRow>> {
    let row = sqlx::query(&format!(
        "SELECT {AGREEMENT_COLUMNS} FROM readmission_agreements WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(agreement_of).transpose()
}

pub async fn agreement_with(conn: &mut Conn, authority: &str) -> Result<Option<AgreementRow>> {
    let row = sqlx::query(&format!(
        "SELECT {AGREEMENT_COLUMNS} FROM readmission_agreements WHERE authority_agency = $1"
    ))
    .bind(authority)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(agreement_of).transpose()
}

// ---------------------------------------------------------------- cases

/// A return case as the store holds it, typed: the one record of a case from the store to
/// the API and the pages (which serialise it, or parts of it, once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: Uuid,
    pub owner_agency: String,
    /// The user who handles the case.
    pub caseworker: String,
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<Date>,
    pub claimed_nationality: String,
    pub biometric_ref: String,
    pub vulnerabilities: Vec<Vulnerability>,
    pub best_interests_on: Option<Date>,
    pub asylum: Asylum,
    pub return_decision_on: Option<Date>,
    pub state: State,
    pub return_kind: Option<ReturnKind>,
    pub return_on: Option<Date>,
    pub outcome_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Raised by every change (1 when written).
    pub version: i64,
}

const CASE_COLUMNS: &str = "id, owner_agency, caseworker, surname, given_names, date_of_birth, claimed_nationality, biometric_ref, vulnerabilities, best_interests_on, asylum, return_decision_on, state, return_kind, return_on, outcome_reason, created_at, updated_at, version";

/// A stored value that is not what this version writes: a damaged or foreign row, named.
fn unreadable(column: &str, value: &str) -> StoreError {
    StoreError::Invalid(format!(
        "return_cases.{column} holds `{value}`, which this version does not know"
    ))
}

fn named<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| unreadable(column, &text))
}

fn date(row: &AnyRow, column: &str) -> Result<Option<Date>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| t.parse().map_err(|_| unreadable(column, &t)))
        .transpose()
}

fn case_of(row: &AnyRow) -> Result<CaseRow> {
    let vulnerabilities: String = row.try_get("vulnerabilities")?;
    let return_kind: Option<String> = row.try_get("return_kind")?;
    Ok(CaseRow {
        id: uuid(row, "id")?,
        owner_agency: row.try_get("owner_agency")?,
        caseworker: row.try_get("caseworker")?,
        surname: row.try_get("surname")?,
        given_names: row.try_get("given_names")?,
        date_of_birth: date(row, "date_of_birth")?,
        claimed_nationality: row.try_get("claimed_nationality")?,
        biometric_ref: row.try_get("biometric_ref")?,
        vulnerabilities: vulnerabilities
            .split(',')
            .filter(|v| !v.is_empty())
            .map(|v| Vulnerability::parse(v).ok_or_else(|| unreadable("vulnerabilities", v)))
            .collect::<Result<_>>()?,
        best_interests_on: date(row, "best_interests_on")?,
        asylum: named(row, "asylum", Asylum::parse)?,
        return_decision_on: date(row, "return_decision_on")?,
        state: named(row, "state", State::parse)?,
        return_kind: return_kind
            .map(|k| ReturnKind::parse(&k).ok_or_else(|| unreadable("return_kind", &k)))
            .transpose()?,
        return_on: date(row, "return_on")?,
        outcome_reason: row.try_get("outcome_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// The stored text of a case's vulnerabilities (comma-separated names).
fn vulnerabilities_text(list: &[Vulnerability]) -> String {
    list.iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn date_text(date: Option<Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

pub async fn insert_case(tx: &mut Tx, c: &CaseRow) -> Result<()> {
    let mut rows = Inserts::new();
    case_rows(&mut rows, c);
    rows.run(tx).await.map(drop)
}

/// Adds a new case's row (at version 1) to `rows`, to be written with others in one round trip.
pub fn case_rows(rows: &mut Inserts, c: &CaseRow) {
    rows.row(
        "return_cases",
        &[
            "id",
            "owner_agency",
            "caseworker",
            "surname",
            "given_names",
            "date_of_birth",
            "claimed_nationality",
            "biometric_ref",
            "vulnerabilities",
            "best_interests_on",
            "asylum",
            "return_decision_on",
            "state",
            "return_kind",
            "return_on",
            "outcome_reason",
            "created_at",
            "updated_at",
            "version",
        ],
        vec![
            c.id.to_string().into(),
            (&c.owner_agency).into(),
            (&c.caseworker).into(),
            (&c.surname).into(),
            (&c.given_names).into(),
            date_text(c.date_of_birth).into(),
            (&c.claimed_nationality).into(),
            (&c.biometric_ref).into(),
            vulnerabilities_text(&c.vulnerabilities).into(),
            date_text(c.best_interests_on).into(),
            c.asylum.as_str().into(),
            date_text(c.return_decision_on).into(),
            c.state.as_str().into(),
            c.return_kind.map(ReturnKind::as_str).into(),
            date_text(c.return_on).into(),
            c.outcome_reason.clone().into(),
            c.created_at.into(),
            c.updated_at.into(),
            1.into(),
        ],
    );
}

pub async fn case(conn: &mut Conn, id: Uuid) -> Result<Option<CaseRow>> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM return_cases WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(case_of).transpose()
}

/// Writes the case's changeable fields if it is still at the version read (`read_version`):
/// two people acting at once, the second is told, never silently overwritten, and no rule
/// is checked against facts that changed in between.
pub async fn update_case(tx: &mut Tx, c: &CaseRow, read_version: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE return_cases SET vulnerabilities = $1, best_interests_on = $2, asylum = $3, return_decision_on = $4, state = $5, return_kind = $6, return_on = $7, outcome_reason = $8, updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11",
    )
    .bind(vulnerabilities_text(&c.vulnerabilities))
    .bind(date_text(c.best_interests_on))
    .bind(c.asylum.as_str())
    .bind(date_text(c.return_decision_on))
    .bind(c.state.as_str())
    .bind(c.return_kind.map(ReturnKind::as_str))
    .bind(date_text(c.return_on))
    .bind(&c.outcome_reason)
    .bind(c.updated_at)
    .bind(c.id.to_string())
    .bind(read_version)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The cases the scope reaches (its agency's; every agency's with the platform reach), most
/// recently changed first.
pub async fn cases(conn: &mut Conn, scope: &Scope, limit: i64) -> Result<Vec<CaseRow>> {
    let mut binds = Binds::default();
    // Cases are the owning agency's (the operator reads every agency's).
    let filter = if scope.has(Reach::Platform) {
        "1 = 1".to_owned()
    } else if scope.has(Reach::OwnAgency) {
        format!(
            "owner_agency = {}",
            binds.text(scope.actor().agency.as_str())
        )
    } else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM return_cases WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT {}",
        binds.int(limit)
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter().map(case_of).collect()
}

/// Return decisions and executed returns per claimed nationality, for the cooperation index:
/// (nationality, cases with a decision dated in `year`, of them executed).
pub async fn returns_by_nationality(conn: &mut Conn, year: i64) -> Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT claimed_nationality, COUNT(*) AS decided, SUM(CASE WHEN state = 'executed' THEN 1 ELSE 0 END) AS executed FROM return_cases WHERE return_decision_on >= $1 AND return_decision_on < $2 GROUP BY claimed_nationality",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{:04}-01-01", year + 1))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("claimed_nationality")?,
                r.try_get::<i64, _>("decided")?,
                r.try_get::<Option<i64>, _>("executed")?.unwrap_or(0),
            ))
        })
        .collect()
}

// ---------------------------------------------------------------- case documents

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDocumentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub document_number: String,
    pub valid_until: Option<String>,
    pub mrz: String,
    pub check_verdict: String,
    /// JSON array of the check's reasons.
    pub check_reasons: String,
    pub created_at: i64,
    pub created_by: String,
}

const DOCUMENT_COLUMNS: &str = "id, case_id, kind, document_number, valid_until, mrz, check_verdict, check_reasons, created_at, created_by";

pub async fn insert_document(tx: &mut Tx, d: &CaseDocumentRow) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO case_documents ({DOCUMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(d.id.to_string())
    .bind(d.case_id.to_string())
    .bind(&d.kind)
    .bind(&d.document_number)
    .bind(&d.valid_until)
    .bind(&d.mrz)
    .bind(&d.check_verdict)
    .bind(&d.check_reasons)
    .bind(d.created_at)
    .bind(&d.created_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn documents(conn: &mut Conn, case_id: Uuid) -> Result<Vec<CaseDocumentRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM case_documents WHERE case_id = $1 ORDER BY created_at, id"
    ))
    .bind(case_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CaseDocumentRow {
                id: uuid(row, "id")?,
                case_id: uuid(row, "case_id")?,
                kind: row.try_get("kind")?,
                document_number: row.try_get("document_number")?,
                valid_until: row.try_get("valid_until")?,
                mrz: row.try_get("mrz")?,
                check_verdict: row.try_get("check_verdict")?,
                check_reasons: row.try_get("check_reasons")?,
                created_at: row.try_get("created_at")?,
                created_by: row.try_get("created_by")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- readmission requests

pub const REQUEST_KIND: &str = "readmission_request";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub owner_agency: String,
    pub partner_agency: String,
    pub handling: String,
    pub agreement_id: Uuid,
    pub agreement_version: i64,
    /// The agreement's terms when the request was sent (JSON).
    pub terms: String,
    /// JSON array of the evidence.
    pub evidence: String,
    pub sent_at: i64,
    /// The day it was sent, in the requested authority's time zone.
    pub sent_on: String,
    pub status: String,
    pub extended: bool,
    pub replied_at: Option<i64>,
    pub replied_on: Option<String>,
    pub reply_reason: Option<String>,
    pub late: Option<bool>,
    pub travel_document_number: Option<String>,
    pub travel_document_valid_until: Option<String>,
    pub travel_document_at: Option<i64>,
    pub created_by: String,
    /// Raised by every change (1 when written).
    pub version: i64,
}

const REQUEST_COLUMNS: &str = "id, case_id, owner_agency, partner_agency, handling, agreement_id, agreement_version, terms, evidence, sent_at, sent_on, status, extended, replied_at, replied_on, reply_reason, late, travel_document_number, travel_document_valid_until, travel_document_at, created_by, version";

fn request_of(row: &AnyRow) -> Result<RequestRow> {
    Ok(RequestRow {
        id: uuid(row, "id")?,
        case_id: uuid(row, "case_id")?,
        owner_agency: row.try_get("owner_agency")?,
        partner_agency: row.try_get("partner_agency")?,
        handling: row.try_get("handling")?,
        agreement_id: uuid(row, "agreement_id")?,
        agreement_version: row.try_get("agreement_version")?,
        terms: row.try_get("terms")?,
        evidence: row.try_get("evidence")?,
        sent_at: row.try_get("sent_at")?,
        sent_on: row.try_get("sent_on")?,
        status: row.try_get("status")?,
        extended: flag(row, "extended")?.unwrap_or(false),
        replied_at: row.try_get("replied_at")?,
        replied_on: row.try_get("replied_on")?,
        reply_reason: row.try_get("reply_reason")?,
        late: flag(row, "late")?,
        travel_document_number: row.try_get("travel_document_number")?,
        travel_document_valid_until: row.try_get("travel_document_valid_until")?,
        travel_document_at: row.try_get("travel_document_at")?,
        created_by: row.try_get("created_by")?,
        version: row.try_get("version")?,
    })
}

/// Writes a request and addresses it to the partner authority.
pub async fn insert_request(tx: &mut Tx, r: &RequestRow) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO readmission_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1)"
    ))
    .bind(r.id.to_string())
    .bind(r.case_id.to_string())
    .bind(&r.owner_agency)
    .bind(&r.partner_agency)
    .bind(&r.handling)
    .bind(r.agreement_id.to_string())
    .bind(r.agreement_version)
    .bind(&r.terms)
    .bind(&r.evidence)
    .bind(r.sent_at)
    .bind(&r.sent_on)
    .bind(&r.status)
    .bind(i64::from(r.extended))
    .bind(r.replied_at)
    .bind(&r.replied_on)
    .bind(&r.reply_reason)
    .bind(r.late.map(i64::from))
    .bind(&r.travel_document_number)
    .bind(&r.travel_document_valid_until)
    .bind(r.travel_document_at)
    .bind(&r.created_by)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO record_addressees (kind, record_id, addressee_type, addressee) VALUES ($1, $2, 'agency', $3)",
    )
    .bind(REQUEST_KIND)
    .bind(r.id.to_string())
    .bind(&r.partner_agency)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn request(conn: &mut Conn, id: Uuid) -> Result<Option<RequestRow>> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM readmission_requests WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(request_of).transpose()
}

/// Every request of a case, oldest first (for the service's rules, not for listing).
pub async fn requests_of_case(conn: &mut Conn, case_id: Uuid) -> Result<Vec<RequestRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM readmission_requests WHERE case_id = $1 ORDER BY sent_at, id"
    ))
    .bind(case_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_of).collect()
}

/// Which requests a listing holds, besides the actor's reach.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub case_id: Option<Uuid>,
    /// Only the requests of these cases.
    pub case_ids: Option<Vec<Uuid>>,
    /// Only those awaiting a reply (pending or more information asked).
    pub open_only: bool,
    /// Only each case's newest request (by the time it was sent).
    pub latest_of_case: bool,
}

/// Requests within the actor's reach, oldest sent first (the inbox order).
pub async fn requests(
    conn: &mut Conn,
    scope: &Scope,
    filter: &RequestFilter,
    limit: i64,
) -> Result<Vec<RequestRow>> {
    let mut binds = Binds::default();
    let mut sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM readmission_requests r WHERE {}",
        shared_record_filter(scope, "r", &mut binds)
    );
    if let Some(case_id) = filter.case_id {
        sql.push_str(&format!(
            " AND r.case_id = {}",
            binds.text(&case_id.to_string())
        ));
    }
    if let Some(case_ids) = &filter.case_ids {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = case_ids
            .iter()
            .map(|id| binds.text(&id.to_string()))
            .collect();
        sql.push_str(&format!(" AND r.case_id IN ({})", list.join(", ")));
    }
    if filter.latest_of_case {
        // Only a case's newest request: none of the same case was sent after it.
        sql.push_str(
            " AND NOT EXISTS (SELECT 1 FROM readmission_requests n WHERE n.case_id = r.case_id \
             AND (n.sent_at > r.sent_at OR (n.sent_at = r.sent_at AND n.id > r.id)))",
        );
    }
    if filter.open_only {
        sql.push_str(" AND r.status IN ('pending', 'more_information')");
    }
    sql.push_str(&format!(
        " ORDER BY r.sent_at, r.id LIMIT {}",
        binds.int(limit)
    ));
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter().map(request_of).collect()
}

/// Every request sent to `partner_agency` in `[from_us, to_us)`, for the cooperation index.
pub async fn requests_to(
    conn: &mut Conn,
    partner_agency: &str,
    from_us: i64,
    to_us: i64,
) -> Result<Vec<RequestRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM readmission_requests WHERE partner_agency = $1 AND sent_at >= $2 AND sent_at < $3 ORDER BY sent_at"
    ))
    .bind(partner_agency)
    .bind(from_us)
    .bind(to_us)
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_of).collect()
}

/// Writes the request's reply, travel document and extension fields if it is still at the
/// version read.
pub async fn update_request(tx: &mut Tx, r: &RequestRow, read_version: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE readmission_requests SET status = $1, extended = $2, replied_at = $3, replied_on = $4, reply_reason = $5, late = $6, travel_document_number = $7, travel_document_valid_until = $8, travel_document_at = $9, version = version + 1 WHERE id = $10 AND version = $11",
    )
    .bind(&r.status)
    .bind(i64::from(r.extended))
    .bind(r.replied_at)
    .bind(&r.replied_on)
    .bind(&r.reply_reason)
    .bind(r.late.map(i64::from))
    .bind(&r.travel_document_number)
    .bind(&r.travel_document_valid_until)
    .bind(r.travel_document_at)
    .bind(r.id.to_string())
    .bind(read_version)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub from_on: String,
    pub until_on: Option<String>,
    pub question: String,
    pub answer: Option<String>,
}

pub async fn insert_pause(tx: &mut Tx, p: &PauseRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO readmission_pauses (id, request_id, from_on, until_on, question, answer) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(p.id.to_string())
    .bind(p.request_id.to_string())
    .bind(&p.from_on)
    .bind(&p.until_on)
    .bind(&p.question)
    .bind(&p.answer)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Ends the open pause of a request with the requester's answer.
pub async fn close_pause(
    tx: &mut Tx,
    request_id: Uuid,
    until_on: &str,
    answer: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE readmission_pauses SET until_on = $1, answer = $2 WHERE request_id = $3 AND until_on IS NULL",
    )
    .bind(until_on)
    .bind(answer)
    .bind(request_id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The pauses of the given requests.
pub async fn pauses(conn: &mut Conn, request_ids: &[Uuid]) -> Result<Vec<PauseRow>> {
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let list: Vec<String> = request_ids
        .iter()
        .map(|id| binds.text(&id.to_string()))
        .collect();
    let sql = format!(
        "SELECT id, request_id, from_on, until_on, question, answer FROM readmission_pauses WHERE request_id IN ({}) ORDER BY request_id, from_on, id",
        list.join(", ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            Ok(PauseRow {
                id: uuid(row, "id")?,
                request_id: uuid(row, "request_id")?,
                from_on: row.try_get("from_on")?,
                until_on: row.try_get("until_on")?,
                question: row.try_get("question")?,
                answer: row.try_get("answer")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- centres

pub const CENTRE_KIND: &str = "centre";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreRow {
    pub id: Uuid,
    pub owner_agency: String,
    pub name: String,
    pub country: String,
    pub capacity: i64,
    pub monitored_by: Option<String>,
    pub created_at: i64,
    /// The key of the centre's pseudonyms for cases (see `service::cases::case_ref`); never
    /// shown.
    pub pseudonym_key: String,
}

const CENTRE_COLUMNS: &str =
    "id, owner_agency, name, country, capacity, monitored_by, created_at, pseudonym_key";

fn centre_of(row: &AnyRow) -> Result<CentreRow> {
    Ok(CentreRow {
        id: uuid(row, "id")?,
        owner_agency: row.try_get("owner_agency")?,
        name: row.try_get("name")?,
        country: row.try_get("country")?,
        capacity: row.try_get("capacity")?,
        monitored_by: row.try_get("monitored_by")?,
        created_at: row.try_get("created_at")?,
        pseudonym_key: row.try_get("pseudonym_key")?,
    })
}

/// Writes a centre; its monitor is addressed through `record_addressees` (kind `centre`).
pub async fn insert_centre(tx: &mut Tx, c: &CentreRow) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO centres ({CENTRE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(c.id.to_string())
    .bind(&c.owner_agency)
    .bind(&c.name)
    .bind(&c.country)
    .bind(c.capacity)
    .bind(&c.monitored_by)
    .bind(c.created_at)
    .bind(&c.pseudonym_key)
    .execute(tx.conn())
    .await?;
    if let Some(monitor) = &c.monitored_by {
        sqlx::query(
            "INSERT INTO record_addressees (kind, record_id, addressee_type, addressee) VALUES ($1, $2, 'agency', $3)",
        )
        .bind(CENTRE_KIND)
        .bind(c.id.to_string())
        .bind(monitor)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

pub async fn centre(conn: &mut Conn, id: Uuid) -> Result<Option<CentreRow>> {
    let row = sqlx::query(&format!(
        "SELECT {CENTRE_COLUMNS} FROM centres WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(centre_of).transpose()
}

/// Centres within the actor's reach. Centres carry no handling column: they are shared
/// with their monitor as AMBER+STRICT.
/// The centres within the actor's reach, each with the people present on `day`, in one query.
pub async fn centres_with_occupancy(
    conn: &mut Conn,
    scope: &Scope,
    day: &str,
) -> Result<Vec<(CentreRow, i64)>> {
    let mut binds = Binds::default();
    let filter = shared_record_filter(scope, "c", &mut binds);
    let (from, until) = (binds.text(day), binds.text(day));
    let sql = format!(
        "SELECT {CENTRE_COLUMNS}, (SELECT COUNT(*) FROM centre_stays s WHERE s.centre_id = c.id AND s.from_on <= {from} AND (s.until_on IS NULL OR s.until_on >= {until})) AS present \
         FROM (SELECT c.*, 'AMBER+STRICT' AS handling FROM centres c) c WHERE {filter} ORDER BY c.name"
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|row| Ok((centre_of(row)?, row.try_get::<i64, _>("present")?)))
        .collect()
}

/// The cases of these ids (any agency's: the caller has already been scoped to them), in
/// one query per 500.
pub async fn cases_by_id(conn: &mut Conn, ids: &[Uuid]) -> Result<Vec<CaseRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut binds = Binds::default();
        let list: Vec<String> = chunk.iter().map(|id| binds.text(&id.to_string())).collect();
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM return_cases WHERE id IN ({})",
            list.join(", ")
        );
        let rows = binds
            .bind_all(sqlx::query(&sql))
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            out.push(case_of(row)?);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayRow {
    pub id: Uuid,
    pub centre_id: Uuid,
    pub case_id: Uuid,
    pub from_on: String,
    pub until_on: Option<String>,
}

pub async fn insert_stay(tx: &mut Tx, s: &StayRow) -> Result<()> {
    let mut rows = Inserts::new();
    stay_rows(&mut rows, s);
    rows.run(tx).await.map(drop)
}

/// Adds a stay's row to `rows`, to be written with others in one round trip.
pub fn stay_rows(rows: &mut Inserts, s: &StayRow) {
    rows.row(
        "centre_stays",
        &["id", "centre_id", "case_id", "from_on", "until_on"],
        vec![
            s.id.to_string().into(),
            s.centre_id.to_string().into(),
            s.case_id.to_string().into(),
            (&s.from_on).into(),
            s.until_on.clone().into(),
        ],
    );
}

/// Ends the case's open stay, if any.
pub async fn end_stay(tx: &mut Tx, case_id: Uuid, until_on: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE centre_stays SET until_on = $1 WHERE case_id = $2 AND until_on IS NULL",
    )
    .bind(until_on)
    .bind(case_id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

fn stay_of(row: &AnyRow) -> Result<StayRow> {
    Ok(StayRow {
        id: uuid(row, "id")?,
        centre_id: uuid(row, "centre_id")?,
        case_id: uuid(row, "case_id")?,
        from_on: row.try_get("from_on")?,
        until_on: row.try_get("until_on")?,
    })
}

/// A stay read with its centre's pseudonym key.
fn stay_with_key(row: &AnyRow) -> Result<(StayRow, String)> {
    Ok((stay_of(row)?, row.try_get("centre_key")?))
}

/// Stays at a centre that overlap `[from_on, to_on]`, each with the centre's pseudonym key.
pub async fn stays(
    conn: &mut Conn,
    centre_id: Uuid,
    from_on: &str,
    to_on: &str,
) -> Result<Vec<(StayRow, String)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.centre_id, s.case_id, s.from_on, s.until_on, c.pseudonym_key AS centre_key FROM centre_stays s JOIN centres c ON c.id = s.centre_id WHERE s.centre_id = $1 AND s.from_on <= $2 AND (s.until_on IS NULL OR s.until_on >= $3) ORDER BY s.from_on, s.id",
    )
    .bind(centre_id.to_string())
    .bind(to_on)
    .bind(from_on)
    .fetch_all(conn)
    .await?;
    rows.iter().map(stay_with_key).collect()
}

pub async fn stays_of_case(conn: &mut Conn, case_id: Uuid) -> Result<Vec<(StayRow, String)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.centre_id, s.case_id, s.from_on, s.until_on, c.pseudonym_key AS centre_key FROM centre_stays s JOIN centres c ON c.id = s.centre_id WHERE s.case_id = $1 ORDER BY s.from_on, s.id",
    )
    .bind(case_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(stay_with_key).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeguardRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub recorded_on: String,
    pub note: String,
    pub created_at: i64,
    pub created_by: String,
}

fn safeguard_of(row: &AnyRow) -> Result<SafeguardRow> {
    Ok(SafeguardRow {
        id: uuid(row, "id")?,
        case_id: uuid(row, "case_id")?,
        kind: row.try_get("kind")?,
        recorded_on: row.try_get("recorded_on")?,
        note: row.try_get("note")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}

pub async fn insert_safeguard(tx: &mut Tx, s: &SafeguardRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO safeguard_records (id, case_id, kind, recorded_on, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id.to_string())
    .bind(s.case_id.to_string())
    .bind(&s.kind)
    .bind(&s.recorded_on)
    .bind(&s.note)
    .bind(s.created_at)
    .bind(&s.created_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn safeguards_of_case(conn: &mut Conn, case_id: Uuid) -> Result<Vec<SafeguardRow>> {
    let rows = sqlx::query(
        "SELECT id, case_id, kind, recorded_on, note, created_at, created_by FROM safeguard_records WHERE case_id = $1 ORDER BY recorded_on, id",
    )
    .bind(case_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(safeguard_of).collect()
}

/// Safeguard records made while the person stayed at the centre (not those of a stay
/// elsewhere, which that centre's monitor has no mandate for).
pub async fn safeguards_at_centre(conn: &mut Conn, centre_id: Uuid) -> Result<Vec<SafeguardRow>> {
    let rows = sqlx::query(
        "SELECT s.id, s.case_id, s.kind, s.recorded_on, s.note, s.created_at, s.created_by FROM safeguard_records s WHERE EXISTS (SELECT 1 FROM centre_stays c WHERE c.centre_id = $1 AND c.case_id = s.case_id AND c.from_on <= s.recorded_on AND (c.until_on IS NULL OR c.until_on >= s.recorded_on)) ORDER BY s.recorded_on, s.id",
    )
    .bind(centre_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(safeguard_of).collect()
}

/// Withdraws the case's requests that still await a reply (the case was closed), ending
/// their pauses; returns how many.
pub async fn withdraw_open_requests(tx: &mut Tx, case_id: Uuid, on: &str) -> Result<u64> {
    sqlx::query(
        "UPDATE readmission_pauses SET until_on = $1 WHERE until_on IS NULL AND request_id IN (SELECT id FROM readmission_requests WHERE case_id = $2 AND status IN ('pending', 'more_information'))",
    )
    .bind(on)
    .bind(case_id.to_string())
    .execute(tx.conn())
    .await?;
    let done = sqlx::query(
        "UPDATE readmission_requests SET status = 'withdrawn', version = version + 1 WHERE case_id = $1 AND status IN ('pending', 'more_information')",
    )
    .bind(case_id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

// What the platform needs of this module's tables: their export, retention and migrations.

use accordo_store::transfer::Col::{Int, Text};
/// This module's tables, parents before children, for export and import.
pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "readmission_agreements",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("partner_country", Text),
            ("authority_agency", Text),
            ("terms", Text),
            ("source", Text),
            ("confirmed", Int),
            ("version", Int),
            ("updated_at", Int),
            ("updated_by", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "centres",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("name", Text),
            ("country", Text),
            ("capacity", Int),
            ("monitored_by", Text),
            ("created_at", Int),
            ("pseudonym_key", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "return_cases",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("caseworker", Text),
            ("surname", Text),
            ("given_names", Text),
            ("date_of_birth", Text),
            ("claimed_nationality", Text),
            ("biometric_ref", Text),
            ("vulnerabilities", Text),
            ("best_interests_on", Text),
            ("asylum", Text),
            ("return_decision_on", Text),
            ("state", Text),
            ("return_kind", Text),
            ("return_on", Text),
            ("outcome_reason", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("version", Int),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "case_documents",
        columns: &[
            ("id", Text),
            ("case_id", Text),
            ("kind", Text),
            ("document_number", Text),
            ("valid_until", Text),
            ("mrz", Text),
            ("check_verdict", Text),
            ("check_reasons", Text),
            ("created_at", Int),
            ("created_by", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "readmission_requests",
        columns: &[
            ("id", Text),
            ("case_id", Text),
            ("owner_agency", Text),
            ("partner_agency", Text),
            ("handling", Text),
            ("agreement_id", Text),
            ("agreement_version", Int),
            ("terms", Text),
            ("evidence", Text),
            ("sent_at", Int),
            ("sent_on", Text),
            ("status", Text),
            ("extended", Int),
            ("replied_at", Int),
            ("replied_on", Text),
            ("reply_reason", Text),
            ("late", Int),
            ("travel_document_number", Text),
            ("travel_document_valid_until", Text),
            ("travel_document_at", Int),
            ("created_by", Text),
            ("version", Int),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "readmission_pauses",
        columns: &[
            ("id", Text),
            ("request_id", Text),
            ("from_on", Text),
            ("until_on", Text),
            ("question", Text),
            ("answer", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "centre_stays",
        columns: &[
            ("id", Text),
            ("centre_id", Text),
            ("case_id", Text),
            ("from_on", Text),
            ("until_on", Text),
        ],
        order_by: "id",
    },
    accordo_store::transfer::TableSpec {
        name: "safeguard_records",
        columns: &[
            ("id", Text),
            ("case_id", Text),
            ("kind", Text),
            ("recorded_on", Text),
            ("note", Text),
            ("created_at", Int),
            ("created_by", Text),
        ],
        order_by: "id",
    },
];

/// How long this module's records are kept.
pub static RETENTION: &[accordo_store::retention::RetentionTarget] = &[
    // Finished return cases (returned or closed): the person's data goes, the counts stay.
    // The documents and the requests' evidence go first (they name the person too); the
    // case's own fields are blanked last, each by its own rule.
    accordo_store::retention::RetentionTarget {
        rule: accordo_domain::retention::RetentionRule {
            kind: "case_document",
            description: "Documents held or copied of finished return cases (their MRZs name the person)",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: accordo_domain::retention::RetentionAction::Erase,
        },
        sql: "DELETE FROM case_documents WHERE case_id IN (SELECT id FROM return_cases WHERE state IN ('executed', 'closed') AND updated_at < $1)",
    },
    accordo_store::retention::RetentionTarget {
        rule: accordo_domain::retention::RetentionRule {
            kind: "readmission_request",
            description: "Evidence sent with the readmission requests of finished return cases; the requests stay for the cooperation index",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: accordo_domain::retention::RetentionAction::Anonymise,
        },
        sql: "UPDATE readmission_requests SET evidence = '[]', version = version + 1 WHERE evidence <> '[]' AND case_id IN (SELECT id FROM return_cases WHERE state IN ('executed', 'closed') AND updated_at < $1)",
    },
    accordo_store::retention::RetentionTarget {
        rule: accordo_domain::retention::RetentionRule {
            kind: "return_case",
            description: "Names, date of birth and biometric reference of finished return cases; the case stays for statistics",
            default_days: 1825,
            min_days: 365,
            max_days: 3650,
            action: accordo_domain::retention::RetentionAction::Anonymise,
        },
        sql: "UPDATE return_cases SET surname = '', given_names = '', date_of_birth = NULL, biometric_ref = '', version = version + 1 WHERE state IN ('executed', 'closed') AND updated_at < $1 AND (surname <> '' OR biometric_ref <> '')",
    },
];

/// This module's migrations (see `accordo_store::migrate` for their versions).
pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 4, "0004_returns"),
    accordo_store::migration!("../migrations", 6, "0006_centre_pseudonyms"),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test that panics is a failed test

    /// Two people acting on one case at once: the second write, based on the version both
    /// read, is refused instead of silently overwriting the first.
    #[tokio::test]
    async fn a_write_based_on_a_stale_read_is_refused() {
        let modules: &[&'static accordo_server::Module] =
            &[&accordo_documents_app::MODULE, &crate::MODULE];
        accordo_server::testing::each_engine(modules, |app| async move {
            let mut conn = app.store().read().await.unwrap();
            let caseworker = accordo_domain::Actor {
                user_id: uuid::Uuid::now_v7(),
                username: "ita.caseworker".into(),
                agency: accordo_domain::AgencyCode::parse("IT-UI").unwrap(),
                country: Some(accordo_domain::CountryCode::parse("ITA").unwrap()),
                roles: [accordo_domain::Role::Caseworker].into_iter().collect(),
                operator: false,
                host_state: true,
                mandate: Vec::new(),
            };
            let scope = accordo_domain::scope(
                &caseworker,
                accordo_domain::Action::Read,
                &crate::policy::RETURN_CASE,
            )
            .unwrap();
            let row = super::cases(&mut conn, &scope, 1)
                .await
                .unwrap()
                .pop()
                .expect("the demo has cases");
            drop(conn);
            let mut tx = app.store().write().await.unwrap();
            assert!(
                super::update_case(&mut tx, &row, row.version)
                    .await
                    .unwrap()
            );
            assert!(
                !super::update_case(&mut tx, &row, row.version)
                    .await
                    .unwrap(),
                "the second write read an older version"
            );
            let audited = accordo_service::audit::record(
                &app.platform,
                &mut tx,
                &accordo_service::demo::command_line_ctx(),
                "return_case.update",
                "return_case",
                Some(&row.id.to_string()),
                serde_json::json!({}),
            )
            .await
            .unwrap();
            tx.commit(audited).await.unwrap();
            app
        })
        .await;
    }
}
