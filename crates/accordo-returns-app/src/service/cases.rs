//! Return cases: the person, their legal situation, documents and safeguards, and every step
//! towards the return through `accordo_returns::case::check`.

use super::*;

/// A new case, as the caseworker enters it.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
    pub claimed_nationality: String,
    pub vulnerabilities: Vec<String>,
    pub asylum: String,
    pub return_decision_date: Option<String>,
    /// An opaque reference to biometric data held elsewhere; generated when empty.
    pub biometric_ref: Option<String>,
    /// The centre the person is held at, and since when (today when empty).
    pub centre: Option<Uuid>,
    pub centre_from: Option<String>,
}

pub(crate) fn parse_vulnerabilities(list: &[String]) -> Result<Vec<Vulnerability>> {
    let mut out = Vec::new();
    for v in list {
        let parsed = Vulnerability::parse(v.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "vulnerabilities",
                format!(
                    "`{v}` is not a vulnerability: expected {}",
                    names(Vulnerability::ALL)
                ),
            )
        })?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

pub(crate) fn names<T: Copy + std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn parse_asylum(text: &str) -> Result<Asylum> {
    Asylum::parse(text.trim()).ok_or_else(|| {
        ServiceError::invalid(
            "asylum",
            format!(
                "`{text}` is not an asylum status: expected {}",
                names(Asylum::ALL)
            ),
        )
    })
}

pub(crate) fn case_scope(row: &CaseRow) -> Result<RecordScope> {
    Ok(RecordScope::owned_by(agency_code(&row.owner_agency)?))
}

/// Loads a case the actor may act on with `action`; another tenant's case is "not found".
pub(crate) async fn load_case(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    action: Action,
) -> Result<CaseRow> {
    let mut conn = platform.store.read().await?;
    let row = store::case(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", id))?;
    let scope = case_scope(&row)?;
    let resource = Resource::record(&policy::RETURN_CASE, &scope);
    if can(&ctx.actor, Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("return_case", id));
    }
    can(&ctx.actor, action, resource)?;
    Ok(row)
}

/// The claimed nationality as ISO 3166-1 alpha-3.
fn nationality_of(text: &str) -> Result<CountryCode> {
    CountryCode::parse(text.trim()).map_err(|e| {
        ServiceError::refused_value(
            "person.claimed_nationality",
            "country",
            Vec::new(),
            e.to_string(),
        )
    })
}

/// Every refusal of a new case's own fields, in the form's order: a form shows them all at
/// once, [`create_case`] answers the first. The centre, which needs the database, is checked
/// in [`create_case`].
pub fn case_refusals(platform: &Platform, input: &NewCase) -> Vec<ServiceError> {
    let today = host_today(platform);
    let mut out = Vec::new();
    if input.surname.trim().is_empty() {
        out.push(ServiceError::refused_value(
            "person.surname",
            "surname-required",
            Vec::new(),
            "the surname is required",
        ));
    }
    let birth = parse_optional_date("person.date_of_birth", input.date_of_birth.as_deref())
        .map_err(|e| out.push(e))
        .ok()
        .flatten();
    if birth.is_some_and(|b| b > today) {
        out.push(ServiceError::refused_value(
            "person.date_of_birth",
            "birth-future",
            Vec::new(),
            "the date of birth is in the future",
        ));
    }
    out.extend(nationality_of(&input.claimed_nationality).err());
    out.extend(parse_vulnerabilities(&input.vulnerabilities).err());
    out.extend(parse_asylum(&input.asylum).err());
    let decision = parse_optional_date(
        "return_decision_date",
        input.return_decision_date.as_deref(),
    )
    .map_err(|e| out.push(e))
    .ok()
    .flatten();
    if decision.is_some_and(|d| d > today) {
        out.push(ServiceError::refused_value(
            "return_decision_date",
            "decision-future",
            Vec::new(),
            "the return decision is dated in the future",
        ));
    }
    out.extend(decision_after_birth(decision, birth).err());
    out.extend(parse_optional_date("centre_from", input.centre_from.as_deref()).err());
    out
}

/// Opens a case. The person is synthetic in every test and demo.
pub async fn create_case(platform: &Platform, ctx: &Ctx, input: NewCase) -> Result<CaseRow> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::RETURN_CASE),
    )?;
    if let Some(first) = case_refusals(platform, &input).into_iter().next() {
        return Err(first);
    }
    let today = host_today(platform);
    let surname = input.surname.trim().to_uppercase();
    let given_names = input.given_names.trim().to_uppercase();
    let birth = parse_optional_date("person.date_of_birth", input.date_of_birth.as_deref())?;
    let nationality = nationality_of(&input.claimed_nationality)?;
    let vulnerabilities = parse_vulnerabilities(&input.vulnerabilities)?;
    let asylum = parse_asylum(&input.asylum)?;
    let decision = parse_optional_date(
        "return_decision_date",
        input.return_decision_date.as_deref(),
    )?;
    let centre = match input.centre {
        Some(id) => Some(centre_for_write(platform, id).await?),
        None => None,
    };
    let centre_from =
        parse_optional_date("centre_from", input.centre_from.as_deref())?.unwrap_or(today);
    let now = platform.now_us();
    let id = new_id();
    let row = CaseRow {
        id,
        owner_agency: ctx.actor.agency.to_string(),
        caseworker: ctx.actor.username.clone(),
        surname,
        given_names,
        date_of_birth: birth,
        claimed_nationality: nationality.to_string(),
        biometric_ref: input
            .biometric_ref
            .filter(|b| !b.trim().is_empty())
            .map_or_else(
                || format!("BIO-{}", &new_id().simple().to_string()[20..]),
                |b| b.trim().to_owned(),
            ),
        vulnerabilities,
        best_interests_on: None,
        asylum,
        return_decision_on: decision,
        state: State::Open,
        return_kind: None,
        return_on: None,
        outcome_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    // The case, its stay and its audit entry: one round trip.
    let mut rows = accordo_store::inserts::Inserts::new();
    store::case_rows(&mut rows, &row);
    if let Some(centre) = &centre {
        store::stay_rows(
            &mut rows,
            &StayRow {
                id: new_id(),
                centre_id: centre.id,
                case_id: id,
                from_on: centre_from.to_string(),
                until_on: None,
            },
        );
    }
    let mut tx = platform.store.write().await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "return_case.create",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"centre": centre.map(|c| c.id)}),
        rows,
    )
    .await?;
    tx.commit(audited).await?;
    Ok(row)
}

pub(crate) async fn centre_for_write(platform: &Platform, id: Uuid) -> Result<CentreRow> {
    let mut conn = platform.store.read().await?;
    store::centre(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::invalid("centre", format!("there is no centre `{id}`")))
}

/// A readmission request as its reader sees it, with the deadline worked out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub requesting_agency: String,
    pub partner_agency: String,
    /// pending, more_information, confirmed, rejected; or `deemed_accepted` when the
    /// agreement counts silence past the deadline as acceptance.
    pub status: String,
    pub person: PersonView,
    pub evidence: serde_json::Value,
    pub sent_at: i64,
    /// The day it was sent, in the requested authority's zone.
    #[schema(value_type = String)]
    pub sent_on: Date,
    #[schema(value_type = Object)]
    pub deadline: Deadline,
    /// The instant the deadline ends (midnight after it, in the requested authority's
    /// zone), for showing in the reader's zone.
    pub due_at: i64,
    pub time_zone: String,
    pub replied_on: Option<String>,
    pub reply_reason: Option<String>,
    pub late: Option<bool>,
    pub travel_document: Option<TravelDocument>,
    pub pauses: Vec<PauseView>,
    #[schema(value_type = Object)]
    pub terms: Terms,
    pub agreement_version: i64,
    /// The extension the agreement allows has been taken.
    pub extended: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub surname: String,
    pub given_names: String,
    #[schema(value_type = Option<String>)]
    pub date_of_birth: Option<Date>,
    pub claimed_nationality: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TravelDocument {
    pub number: String,
    pub valid_until: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PauseView {
    pub from_on: String,
    pub until_on: Option<String>,
    pub question: String,
    pub answer: Option<String>,
}

pub(crate) fn request_terms(row: &RequestRow) -> Result<Terms> {
    serde_json::from_str(&row.terms)
        .map_err(|e| ServiceError::invalid("terms", format!("stored terms are unreadable: {e}")))
}

/// The request's deadline and effective status as of today (in the partner's zone).
pub(crate) fn deadline_of(
    row: &RequestRow,
    terms: &Terms,
    pauses: &[PauseRow],
    today: Date,
) -> (Deadline, String) {
    let sent = row.sent_on.parse().unwrap_or(today);
    let pauses: Vec<Pause> = pauses
        .iter()
        .filter_map(|p| {
            Some(Pause {
                from: p.from_on.parse().ok()?,
                until: row_date(&p.until_on),
            })
        })
        .collect();
    let deadline = terms.deadline(sent, &pauses, row.extended, today);
    let status = if row.status == "pending" && terms.silence_is_acceptance && today > deadline.date
    {
        "deemed_accepted".to_owned()
    } else {
        row.status.clone()
    };
    (deadline, status)
}

pub(crate) async fn request_views(
    platform: &Platform,
    rows: Vec<RequestRow>,
) -> Result<Vec<RequestView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let case_ids: Vec<Uuid> = rows.iter().map(|r| r.case_id).collect();
    // Three queries for the whole list: the pauses, the cases, the agencies' zones.
    let mut conn = platform.store.read().await?;
    let all_pauses = store::pauses(&mut conn, &ids).await?;
    let cases: HashMap<Uuid, CaseRow> = store::cases_by_id(&mut conn, &case_ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    drop(conn);
    let zones: HashMap<String, String> = accordo_store::accounts::list_agencies(&platform.store)
        .await?
        .into_iter()
        .map(|a| (a.code, a.time_zone))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let tz = zones
            .get(&row.partner_agency)
            .cloned()
            .unwrap_or_else(|| "UTC".to_owned());
        // Two requests of one case each take a copy of its person.
        let case = cases
            .get(&row.case_id)
            .cloned()
            .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
        let pauses: Vec<PauseRow> = all_pauses
            .iter()
            .filter(|p| p.request_id == row.id)
            .cloned()
            .collect();
        let terms = request_terms(&row)?;
        let today = platform.clock.now().to_zoned(zone(&tz)).date();
        let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
        out.push(RequestView {
            id: row.id,
            case_id: row.case_id,
            requesting_agency: row.owner_agency.clone(),
            partner_agency: row.partner_agency.clone(),
            status,
            person: PersonView {
                surname: case.surname,
                given_names: case.given_names,
                date_of_birth: case.date_of_birth,
                claimed_nationality: case.claimed_nationality,
            },
            evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
            sent_at: row.sent_at,
            sent_on: row.sent_on.parse().unwrap_or(today),
            due_at: end_of_day_us(deadline.date, &tz),
            deadline,
            time_zone: tz,
            replied_on: row.replied_on.clone(),
            reply_reason: row.reply_reason.clone(),
            late: row.late,
            travel_document: row
                .travel_document_number
                .clone()
                .map(|number| TravelDocument {
                    number,
                    valid_until: row.travel_document_valid_until.clone().unwrap_or_default(),
                }),
            pauses: pauses
                .into_iter()
                .map(|p| PauseView {
                    from_on: p.from_on,
                    until_on: p.until_on,
                    question: p.question,
                    answer: p.answer,
                })
                .collect(),
            terms,
            agreement_version: row.agreement_version,
            extended: row.extended,
        });
    }
    Ok(out)
}

/// A case with everything the caseworker needs on one page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    #[schema(value_type = String)]
    pub state: State,
    pub owner_agency: String,
    pub caseworker: String,
    pub person: PersonView,
    pub biometric_ref: String,
    #[schema(value_type = Vec<String>)]
    pub vulnerabilities: Vec<Vulnerability>,
    #[schema(value_type = Option<String>)]
    pub best_interests_on: Option<Date>,
    #[schema(value_type = String)]
    pub asylum: Asylum,
    #[schema(value_type = Option<String>)]
    pub return_decision_date: Option<Date>,
    #[schema(value_type = Option<String>)]
    pub return_kind: Option<ReturnKind>,
    #[schema(value_type = Option<String>)]
    pub return_date: Option<Date>,
    pub outcome_reason: Option<String>,
    pub documents: Vec<CaseDocumentView>,
    pub requests: Vec<RequestView>,
    pub safeguards: Vec<SafeguardView>,
    pub stays: Vec<StayView>,
    /// Each step the caseworker may take next, and what blocks it now.
    pub next: Vec<NextStep>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDocumentView {
    pub id: Uuid,
    pub kind: String,
    pub document_number: String,
    pub valid_until: Option<String>,
    pub mrz: String,
    pub check_verdict: String,
    /// The check's reasons, in English.
    pub check_reasons: Vec<String>,
    /// The same as messages of the catalogues (`{id, args}`), for a reader of another
    /// language; a document checked before they were kept has its English words here.
    #[schema(value_type = Vec<Object>)]
    pub check_reason_messages: Vec<serde_json::Value>,
}

/// The stored reasons of a check: each its English words and its message.
fn stored_reasons(reasons: &[String], messages: &[impl Serialize]) -> String {
    let kept: Vec<serde_json::Value> = reasons
        .iter()
        .zip(messages)
        .map(|(text, message)| json!({"text": text, "message": message}))
        .collect();
    serde_json::Value::Array(kept).to_string()
}

/// Reads stored reasons: English words and messages (a bare string, as kept before messages
/// were, serves as both).
pub(crate) fn read_reasons(stored: &str) -> (Vec<String>, Vec<serde_json::Value>) {
    let items: Vec<serde_json::Value> = serde_json::from_str(stored).unwrap_or_default();
    items
        .into_iter()
        .map(|item| match item {
            serde_json::Value::String(text) => (text.clone(), serde_json::Value::String(text)),
            other => (
                other["text"].as_str().unwrap_or_default().to_owned(),
                other["message"].clone(),
            ),
        })
        .unzip()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SafeguardView {
    pub id: Uuid,
    /// In a centre's report, the case's pseudonym at that centre (see [`StayView`]); absent
    /// where the reader knows the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_ref: Option<String>,
    pub kind: String,
    pub recorded_on: String,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StayView {
    pub centre_id: Uuid,
    /// The case's pseudonym at this centre: what the centre's monitor knows it by. It names
    /// nobody and cannot be derived from the case's identifier.
    pub case_ref: String,
    pub from_on: String,
    pub until_on: Option<String>,
    /// Days so far (or in all, when it ended), counting both ends.
    pub days: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NextStep {
    pub to: String,
    /// Rules that block the step now, by machine name; empty when it may be taken.
    pub blocked_by: Vec<BlockingRule>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BlockingRule {
    pub rule: String,
    pub explanation: String,
}

/// A case's pseudonym at a centre: ten hex digits of SHA-256 over the centre's secret key and
/// the case id. It names nobody, differs from centre to centre, and without the key (never
/// shown) it cannot be joined to a case id seen elsewhere, such as in a readmission request.
pub(crate) fn case_ref(centre_key: &str, case_id: Uuid) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("accordo-case-ref:{centre_key}:{case_id}").as_bytes());
    hex::encode(digest)[..10].to_owned()
}

/// A new centre's pseudonym key: 244 random bits.
pub(crate) fn new_pseudonym_key() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// A safeguard record; `centre_key` names the case by its pseudonym at that centre.
pub(crate) fn safeguard_view(s: SafeguardRow, centre_key: Option<&str>) -> SafeguardView {
    SafeguardView {
        id: s.id,
        case_ref: centre_key.map(|key| case_ref(key, s.case_id)),
        kind: s.kind,
        recorded_on: s.recorded_on,
        note: s.note,
        recorded_by: s.created_by,
    }
}

pub(crate) fn stay_view((s, centre_key): (StayRow, String), today: Date) -> StayView {
    let from: Date = s.from_on.parse().unwrap_or(today);
    let until = row_date(&s.until_on).unwrap_or(today);
    StayView {
        centre_id: s.centre_id,
        case_ref: case_ref(&centre_key, s.case_id),
        days: days_between(from, until).max(0) + 1,
        from_on: s.from_on,
        until_on: s.until_on,
    }
}

/// The facts the state machine looks at, gathered from the case and its latest request.
pub(crate) async fn facts_of(platform: &Platform, row: &CaseRow) -> Result<Facts> {
    let today = host_today(platform);
    let mut conn = platform.store.read().await?;
    let requests = store::requests_of_case(&mut conn, row.id).await?;
    let latest = requests.last().cloned();
    let docs = store::documents(&mut conn, row.id).await?;
    drop(conn);
    let mut facts = Facts {
        today,
        asylum: row.asylum,
        vulnerabilities: row.vulnerabilities.clone(),
        best_interests_assessment: row.best_interests_on.is_some(),
        return_decision: row.return_decision_on,
        readmission_pending: false,
        nationality_confirmed_on: None,
        travel_document_valid_until: None,
        required_validity_days: 0,
        transfer_days: None,
    };
    if let Some(req) = latest {
        let terms = request_terms(&req)?;
        let views = request_views(platform, vec![req.clone()]).await?;
        let view = views.first();
        // The agreement's validity is checked when the document is recorded; on the day of
        // the transfer it must simply still be valid.
        facts.required_validity_days = 0;
        facts.transfer_days = terms.transfer_days;
        match view.map(|v| v.status.as_str()) {
            Some("pending" | "more_information") => facts.readmission_pending = true,
            Some("confirmed") => facts.nationality_confirmed_on = row_date(&req.replied_on),
            Some("deemed_accepted") => {
                facts.nationality_confirmed_on = view.map(|v| add_days(v.deadline.date, 1));
            }
            _ => {}
        }
        facts.travel_document_valid_until = row_date(&req.travel_document_valid_until);
    }
    if facts.travel_document_valid_until.is_none() {
        // A valid passport the person holds will do; its MRZ check must not have failed.
        facts.travel_document_valid_until = docs
            .iter()
            .filter(|d| d.kind == "passport" && d.check_verdict == "clear")
            .filter_map(|d| row_date(&d.valid_until))
            .max();
    }
    Ok(facts)
}

/// The steps a caseworker takes through `transitions`, with what blocks each now.
pub(crate) fn next_steps(state: State, facts: &Facts) -> Vec<NextStep> {
    let probe_date = facts.today;
    let steps = [
        Transition::Schedule {
            kind: ReturnKind::Flight,
            date: probe_date,
        },
        Transition::Execute { date: probe_date },
        Transition::Fail {
            reason: "probe".into(),
        },
        Transition::Close {
            reason: "probe".into(),
        },
    ];
    steps
        .iter()
        .filter(|t| {
            !case::check(state, t, facts).is_err_and(|rules| rules.contains(&Rule::OutOfOrder))
        })
        .map(|t| NextStep {
            to: t.target().as_str().to_owned(),
            blocked_by: case::check(state, t, facts)
                .err()
                .unwrap_or_default()
                .into_iter()
                // The probe's own date says nothing about the caseworker's.
                .filter(|r| {
                    !matches!(
                        r,
                        Rule::DateInPast | Rule::DateInFuture | Rule::TransferPeriodExceeded
                    )
                })
                .map(blocking)
                .collect(),
        })
        .collect()
}

pub(crate) fn blocking(rule: Rule) -> BlockingRule {
    BlockingRule {
        rule: rule.as_str().to_owned(),
        explanation: rule.explain().to_owned(),
    }
}

/// One case, with its documents, requests, safeguards, stays and next steps. Reading it is
/// audited.
pub async fn get_case(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<CaseView> {
    let row = load_case(platform, ctx, id, Action::Read).await?;
    let facts = facts_of(platform, &row).await?;
    let mut conn = platform.store.read().await?;
    let docs = store::documents(&mut conn, id).await?;
    let requests = readable_requests(
        &mut conn,
        ctx,
        &RequestFilter {
            case_id: Some(id),
            open_only: false,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT,
    )
    .await?;
    let safeguards = store::safeguards_of_case(&mut conn, id).await?;
    let stays = store::stays_of_case(&mut conn, id).await?;
    drop(conn);
    let requests = request_views(platform, requests).await?;
    let mut tx = platform.store.write().await?;
    // The kind is personal, so its read is always logged; a kind that is not would have no
    // entry, and the empty transaction would simply roll back.
    if let Some(audited) = audit::record_read(
        platform,
        &mut tx,
        ctx,
        &policy::RETURN_CASE,
        &id.to_string(),
    )
    .await?
    {
        tx.commit(audited).await?;
    }
    let state = row.state;
    Ok(CaseView {
        id,
        state: row.state,
        owner_agency: row.owner_agency,
        caseworker: row.caseworker,
        person: PersonView {
            surname: row.surname,
            given_names: row.given_names,
            date_of_birth: row.date_of_birth,
            claimed_nationality: row.claimed_nationality,
        },
        biometric_ref: row.biometric_ref,
        vulnerabilities: row.vulnerabilities,
        best_interests_on: row.best_interests_on,
        asylum: row.asylum,
        return_decision_date: row.return_decision_on,
        return_kind: row.return_kind,
        return_date: row.return_on,
        outcome_reason: row.outcome_reason,
        documents: docs
            .into_iter()
            .map(|d| CaseDocumentView {
                id: d.id,
                kind: d.kind,
                document_number: d.document_number,
                valid_until: d.valid_until,
                mrz: d.mrz,
                check_verdict: d.check_verdict,
                check_reasons: read_reasons(&d.check_reasons).0,
                check_reason_messages: read_reasons(&d.check_reasons).1,
            })
            .collect(),
        requests,
        safeguards: safeguards
            .into_iter()
            .map(|s| safeguard_view(s, None))
            .collect(),
        stays: stays
            .into_iter()
            .map(|s| stay_view(s, facts.today))
            .collect(),
        next: next_steps(state, &facts),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A line of "my cases".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    #[schema(value_type = String)]
    pub state: State,
    pub surname: String,
    pub given_names: String,
    /// The person's biometric reference: what tells two people of the same name apart.
    pub biometric_ref: String,
    pub claimed_nationality: String,
    pub caseworker: String,
    #[schema(value_type = String)]
    pub asylum: Asylum,
    #[schema(value_type = Vec<String>)]
    pub vulnerabilities: Vec<Vulnerability>,
    /// The open request's deadline, if one awaits a reply.
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Date>,
    pub days_left: Option<i64>,
    pub request_status: Option<String>,
    pub updated_at: i64,
}

/// Deadlines this close are "at risk" on the caseworker's page.
pub const AT_RISK_DAYS: i64 = 7;

/// The cases of the actor's agency, most recently changed first, with their open
/// request's deadline. The listing is audited as one read.
pub async fn list_cases(platform: &Platform, ctx: &Ctx) -> Result<Vec<CaseSummary>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::RETURN_CASE),
    )?;
    let mut conn = platform.store.read().await?;
    let rows = store::cases(
        &mut conn,
        &accordo_domain::scope(&ctx.actor, Action::Read, &policy::RETURN_CASE)?,
        LIST_LIMIT,
    )
    .await?;
    let requests = readable_requests(
        &mut conn,
        ctx,
        &RequestFilter {
            case_ids: Some(rows.iter().map(|r| r.id).collect()),
            latest_of_case: true,
            ..RequestFilter::default()
        },
        // One request per case at most.
        LIST_LIMIT,
    )
    .await?;
    drop(conn);
    let views = request_views(platform, requests).await?;
    let latest: HashMap<Uuid, &RequestView> = views.iter().map(|v| (v.case_id, v)).collect();
    let out: Vec<CaseSummary> = rows
        .into_iter()
        .map(|r| {
            let req = latest
                .get(&r.id)
                .filter(|v| matches!(v.status.as_str(), "pending" | "more_information"));
            CaseSummary {
                id: r.id,
                state: r.state,
                surname: r.surname,
                given_names: r.given_names,
                biometric_ref: r.biometric_ref,
                claimed_nationality: r.claimed_nationality,
                caseworker: r.caseworker,
                asylum: r.asylum,
                vulnerabilities: r.vulnerabilities,
                deadline: req.map(|v| v.deadline.date),
                days_left: req.map(|v| v.deadline.days_left),
                request_status: latest.get(&r.id).map(|v| v.status.clone()),
                updated_at: r.updated_at,
            }
        })
        .collect();
    let mut tx = platform.store.write().await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.list",
        policy::RETURN_CASE.kind,
        None,
        // Whose data was shown, case by case (the details are erasable under retention).
        json!({"count": out.len(), "cases": out.iter().map(|c| c.id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(out)
}

/// Changes to a case's legal situation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct LegalUpdate {
    pub asylum: Option<String>,
    pub return_decision_date: Option<String>,
    pub vulnerabilities: Option<Vec<String>>,
}

pub async fn update_legal(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    update: LegalUpdate,
) -> Result<CaseRow> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    if row.state.is_final() {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let today = host_today(platform);
    let mut new = row.clone();
    if let Some(a) = &update.asylum {
        new.asylum = parse_asylum(a)?;
    }
    if let Some(d) = &update.return_decision_date {
        let date = parse_optional_date("return_decision_date", Some(d))?;
        if date.is_some_and(|d| d > today) {
            return Err(ServiceError::refused_value(
                "return_decision_date",
                "decision-future",
                Vec::new(),
                "the return decision is dated in the future",
            ));
        }
        decision_after_birth(date, new.date_of_birth)?;
        new.return_decision_on = date;
    }
    if let Some(v) = &update.vulnerabilities {
        new.vulnerabilities = parse_vulnerabilities(v)?;
    }
    new.updated_at = platform.now_us();
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.update",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"asylum": [row.asylum, new.asylum], "return_decision_date": [row.return_decision_on, new.return_decision_on], "vulnerabilities": [joined(&row.vulnerabilities), joined(&new.vulnerabilities)]}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(new)
}

/// Vulnerabilities as the audit log has always written them: names joined by commas.
fn joined(list: &[Vulnerability]) -> String {
    list.iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Records a safeguard step on a case. A `best_interests_assessment` satisfies the
/// unaccompanied-minor safeguard from its date.
pub async fn record_safeguard(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    kind: &str,
    recorded_on: Option<&str>,
    note: &str,
) -> Result<SafeguardView> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    if !SAFEGUARD_KINDS.contains(&kind) {
        return Err(ServiceError::invalid(
            "kind",
            format!(
                "`{kind}` is not a safeguard: expected {}",
                SAFEGUARD_KINDS.join(", ")
            ),
        ));
    }
    let today = host_today(platform);
    let on = parse_optional_date("recorded_on", recorded_on)?.unwrap_or(today);
    if on > today {
        return Err(ServiceError::refused_value(
            "recorded_on",
            "safeguard-future",
            Vec::new(),
            "a safeguard cannot be recorded for a future day",
        ));
    }
    if note.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "note",
            "safeguard-note",
            Vec::new(),
            "say what was done and by whom",
        ));
    }
    let record = SafeguardRow {
        id: new_id(),
        case_id: id,
        kind: kind.to_owned(),
        recorded_on: on.to_string(),
        note: note.trim().to_owned(),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_safeguard(&mut tx, &record).await?;
    if kind == "best_interests_assessment" {
        let mut new = row.clone();
        new.best_interests_on = Some(on);
        new.updated_at = record.created_at;
        if !store::update_case(&mut tx, &new, row.version).await? {
            return Err(refused("changed_meanwhile"));
        }
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.safeguard",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"kind": kind, "on": on}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(safeguard_view(record, None))
}

/// Adds a document the person holds (or a copy) to the case, with its MRZ checked against
/// the rules, the register and the alerts.
pub async fn add_document(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    kind: &str,
    mrz: &str,
) -> Result<CaseDocumentView> {
    load_case(platform, ctx, id, Action::Update).await?;
    if !DOCUMENT_KINDS.contains(&kind) {
        return Err(ServiceError::invalid(
            "kind",
            format!(
                "`{kind}` is not a kind of document: expected {}",
                DOCUMENT_KINDS.join(", ")
            ),
        ));
    }
    let outcome = documents::check(platform, ctx, &[mrz])
        .await?
        .pop()
        .ok_or_else(|| {
            ServiceError::refused_value(
                "mrz",
                "check-empty",
                Vec::new(),
                "the check returned nothing",
            )
        })?;
    let fields = outcome.mrz.fields.as_ref();
    let row = CaseDocumentRow {
        id: new_id(),
        case_id: id,
        kind: kind.to_owned(),
        document_number: fields
            .map(|f| f.document_number.clone())
            .unwrap_or_default(),
        valid_until: fields.and_then(|f| f.expiry_date).map(|d| d.to_string()),
        mrz: mrz.trim().to_owned(),
        check_verdict: serde_json::to_value(outcome.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        check_reasons: stored_reasons(&outcome.reasons, &outcome.reason_messages),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_document(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.document",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"document": row.id, "verdict": row.check_verdict}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(CaseDocumentView {
        id: row.id,
        kind: row.kind,
        document_number: row.document_number,
        valid_until: row.valid_until,
        mrz: row.mrz,
        check_verdict: row.check_verdict,
        check_reason_messages: read_reasons(&row.check_reasons).1,
        check_reasons: outcome.reasons,
    })
}

// ---------------------------------------------------------------- transitions

/// A step the caseworker asks for: `scheduled` (with `kind` and `date`), `executed` (with
/// `date`), `failed` or `closed` (with `reason`).
#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    pub to: String,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub reason: Option<String>,
}

pub(crate) fn transition_of(input: &TransitionInput) -> Result<Transition> {
    let date = |field: &str| -> Result<Date> {
        let text = input
            .date
            .as_deref()
            .filter(|d| !d.is_empty())
            .ok_or_else(|| {
                ServiceError::refused_value(
                    field,
                    "date",
                    Vec::new(),
                    "a date is required (YYYY-MM-DD)",
                )
            })?;
        parse_date(field, text)
    };
    let reason = || input.reason.clone().unwrap_or_default();
    match input.to.as_str() {
        "scheduled" => {
            let kind_text = input.kind.as_deref().unwrap_or_default();
            let kind = ReturnKind::parse(kind_text).ok_or_else(|| {
                ServiceError::invalid(
                    "kind",
                    format!(
                        "`{kind_text}` is not a kind of return: expected {}",
                        names(ReturnKind::ALL)
                    ),
                )
            })?;
            Ok(Transition::Schedule {
                kind,
                date: date("date")?,
            })
        }
        "executed" => Ok(Transition::Execute {
            date: date("date")?,
        }),
        "failed" => Ok(Transition::Fail { reason: reason() }),
        "closed" => Ok(Transition::Close { reason: reason() }),
        other => Err(ServiceError::invalid(
            "to",
            format!(
                "`{other}` cannot be asked for here: expected scheduled, executed, failed or closed (the other states follow the partner's replies)"
            ),
        )),
    }
}

/// Moves a case to the state asked for, or refuses with every rule that blocks it.
pub async fn transition(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    input: TransitionInput,
) -> Result<CaseRow> {
    let row = load_case(platform, ctx, id, Action::Update).await?;
    let step = transition_of(&input)?;
    let facts = facts_of(platform, &row).await?;
    let from = row.state;
    let to = case::check(from, &step, &facts).map_err(rules_error)?;
    let mut new = row.clone();
    new.state = to;
    new.updated_at = platform.now_us();
    match &step {
        Transition::Schedule { kind, date } => {
            new.return_kind = Some(*kind);
            new.return_on = Some(*date);
            new.outcome_reason = None;
        }
        Transition::Execute { date } => new.return_on = Some(*date),
        Transition::Fail { reason } | Transition::Close { reason } => {
            new.outcome_reason = Some(reason.trim().to_owned());
        }
        _ => {}
    }
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    if let Transition::Execute { date } = &step {
        store::end_stay(&mut tx, id, &date.to_string()).await?;
    }
    if let Transition::Close { .. } = &step {
        store::end_stay(&mut tx, id, &facts.today.to_string()).await?;
        // Nothing is left in a partner's inbox for a closed case.
        store::withdraw_open_requests(&mut tx, id, &facts.today.to_string()).await?;
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.transition",
        policy::RETURN_CASE.kind,
        Some(&id.to_string()),
        json!({"from": row.state, "to": new.state, "kind": new.return_kind, "date": new.return_on, "reason": new.outcome_reason}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(new)
}
