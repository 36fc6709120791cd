//! Readmission requests to the partners' central authorities: sending, the partner's inbox,
//! replies, pauses and extensions, travel documents; deadlines in the authority's zone.

use super::*;

/// One piece of evidence attached to a request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: String,
    /// A document of the case this evidence is (its MRZ check result travels with it).
    #[serde(default)]
    pub document_id: Option<Uuid>,
    #[serde(default)]
    pub note: String,
}

/// Sends a readmission request for a case to a partner's central authority, under the
/// terms of the agreement with it. The authority is notified.
pub async fn request_readmission(
    platform: &Platform,
    ctx: &Ctx,
    case_id: Uuid,
    partner_agency: &str,
    evidence: Vec<Evidence>,
) -> Result<RequestView> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::READMISSION_REQUEST),
    )?;
    let case = load_case(platform, ctx, case_id, Action::Update).await?;
    let mut conn = platform.store.read().await?;
    let agreement = store::agreement_with(&mut conn, partner_agency.trim())
        .await?
        .ok_or_else(|| {
            ServiceError::refused_value(
                "partner_agency",
                "no-agreement",
                vec![("agency", partner_agency.to_string())],
                format!("`{partner_agency}` has no readmission agreement on the platform"),
            )
        })?;
    let docs = store::documents(&mut conn, case_id).await?;
    drop(conn);
    if agreement.partner_country != case.claimed_nationality {
        // A partner reads the person's data through its inbox: never someone it was not
        // asked about.
        return Err(ServiceError::refused_value(
            "partner_agency",
            "other-nationality",
            vec![
                ("claimed", case.claimed_nationality.clone()),
                ("authority", agreement.authority_agency.clone()),
                ("country", agreement.partner_country.clone()),
            ],
            format!(
                "the person claims {} nationality; the agreement with {} is for nationals of {}",
                case.claimed_nationality, agreement.authority_agency, agreement.partner_country
            ),
        ));
    }
    let terms: Terms = agreement_of(agreement.clone())?.terms;
    if evidence.is_empty() {
        return Err(ServiceError::refused_value(
            "evidence",
            "evidence-none",
            Vec::new(),
            "attach at least one piece of evidence",
        ));
    }
    let mut attached = Vec::with_capacity(evidence.len());
    for (i, e) in evidence.iter().enumerate() {
        let field = format!("evidence[{i}].kind");
        if !EVIDENCE_KINDS.contains(&e.kind.as_str()) {
            return Err(ServiceError::invalid(
                &field,
                format!(
                    "`{}` is not a kind of evidence: expected {}",
                    e.kind,
                    EVIDENCE_KINDS.join(", ")
                ),
            ));
        }
        if !terms.accepted_evidence.contains(&e.kind) {
            return Err(ServiceError::refused_value(
                &field,
                "evidence-not-accepted",
                vec![("authority", agreement.authority_agency.clone())],
                format!(
                    "the agreement with {} does not accept `{}`; it accepts {}",
                    agreement.authority_agency,
                    e.kind,
                    terms.accepted_evidence.join(", ")
                ),
            ));
        }
        let document = match e.document_id {
            Some(id) => {
                let d = docs.iter().find(|d| d.id == id).ok_or_else(|| {
                    ServiceError::invalid(
                        &format!("evidence[{i}].document_id"),
                        format!("the case has no document `{id}`"),
                    )
                })?;
                // The check's reasons go to the partner as messages, never as the English
                // words: those name a matched forgery alert in its author's words, which
                // the alert's handling may not let reach this partner.
                let (_, messages) = super::cases::read_reasons(&d.check_reasons);
                let messages: Vec<serde_json::Value> =
                    messages.into_iter().filter(|m| m.is_object()).collect();
                Some(
                    json!({"id": d.id, "kind": d.kind, "document_number": d.document_number, "mrz": d.mrz, "check_verdict": d.check_verdict, "check_reasons": messages}),
                )
            }
            None => None,
        };
        attached.push(json!({"kind": e.kind, "note": e.note.trim(), "document": document}));
    }
    let facts = facts_of(platform, &case).await?;
    let state = case.state;
    if let Err(rules) = case::check(state, &Transition::RequestReadmission, &facts) {
        return Err(rules_error(rules));
    }
    let tz = agency_zone(platform, &agreement.authority_agency).await?;
    let now = platform.now_us();
    let sent_on = today_in(platform, &tz);
    let row = RequestRow {
        id: new_id(),
        case_id,
        owner_agency: ctx.actor.agency.to_string(),
        partner_agency: agreement.authority_agency.clone(),
        handling: "AMBER+STRICT".into(),
        agreement_id: agreement.id,
        agreement_version: agreement.version,
        terms: agreement.terms.clone(),
        evidence: serde_json::Value::Array(attached).to_string(),
        sent_at: now,
        sent_on: sent_on.to_string(),
        status: "pending".into(),
        extended: false,
        replied_at: None,
        replied_on: None,
        reply_reason: None,
        late: None,
        travel_document_number: None,
        travel_document_valid_until: None,
        travel_document_at: None,
        created_by: ctx.actor.username.clone(),
        version: 1,
    };
    let mut new_case = case.clone();
    new_case.state = State::ReadmissionRequested;
    new_case.updated_at = now;
    let mut tx = platform.store.write().await?;
    if !store::update_case(&mut tx, &new_case, case.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    store::insert_request(&mut tx, &row).await?;
    let deadline = terms.deadline(sent_on, &[], false, sent_on);
    notifications::notify(
        platform,
        &mut tx,
        (&row.partner_agency, None),
        "readmission_request",
        "returns-notice-request",
        json!({"owner": row.owner_agency, "deadline": deadline.date, "days": terms.reply_days}),
        Some((policy::READMISSION_REQUEST.kind, &row.id.to_string())),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.create",
        policy::READMISSION_REQUEST.kind,
        Some(&row.id.to_string()),
        json!({"case": case_id, "to": row.partner_agency, "agreement_version": row.agreement_version, "deadline": deadline.date}),
    )
    .await?;
    tx.commit(audited).await?;
    request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", case_id))
}

/// A refusal by one named rule (a state the record is in, not the caller's input).
pub(crate) fn refused(rule: &str) -> ServiceError {
    ServiceError::Rules {
        rules: vec![rule.to_owned()],
    }
}

pub(crate) fn rules_error(rules: Vec<Rule>) -> ServiceError {
    ServiceError::Rules {
        rules: rules.into_iter().map(|r| r.as_str().to_owned()).collect(),
    }
}

pub(crate) fn request_scope(row: &RequestRow) -> Result<RecordScope> {
    Ok(RecordScope {
        owner_agency: agency_code(&row.owner_agency)?,
        handling: Handling::AmberStrict,
        addressees: vec![Addressee::Agency(agency_code(&row.partner_agency)?)],
        subject_user: None,
    })
}

pub(crate) async fn load_request(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    action: Action,
) -> Result<RequestRow> {
    let mut conn = platform.store.read().await?;
    let row = store::request(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    let scope = request_scope(&row)?;
    let resource = Resource::record(&policy::READMISSION_REQUEST, &scope);
    if can(&ctx.actor, Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("readmission_request", id));
    }
    can(&ctx.actor, action, resource)?;
    Ok(row)
}

/// The requests the actor may see: a partner authority its inbox, a caseworker its
/// agency's. Oldest first; `open_only` keeps those awaiting a reply. Audited as one read.
pub async fn list_requests(
    platform: &Platform,
    ctx: &Ctx,
    open_only: bool,
) -> Result<Vec<RequestView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_REQUEST),
    )?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::READMISSION_REQUEST)?;
    let mut conn = platform.store.read().await?;
    let rows = store::requests(
        &mut conn,
        &scope,
        &RequestFilter {
            case_id: None,
            open_only,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT,
    )
    .await?;
    drop(conn);
    let views = request_views(platform, rows).await?;
    let mut tx = platform.store.write().await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.list",
        policy::READMISSION_REQUEST.kind,
        None,
        json!({"count": views.len(), "open_only": open_only, "requests": views.iter().map(|v| v.id).collect::<Vec<_>>(), "cases": views.iter().map(|v| v.case_id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(views)
}

/// One request; reading it is audited.
pub async fn get_request(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Read).await?;
    let view = request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    let mut tx = platform.store.write().await?;
    // The kind is personal, so its read is always logged; a kind that is not would have no
    // entry, and the empty transaction would simply roll back.
    if let Some(audited) = audit::record_read(
        platform,
        &mut tx,
        ctx,
        &policy::READMISSION_REQUEST,
        &id.to_string(),
    )
    .await?
    {
        tx.commit(audited).await?;
    }
    Ok(view)
}

/// The partner authority's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirmed,
    Rejected,
    MoreInformation,
}

impl Decision {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "confirmed" => Ok(Decision::Confirmed),
            "rejected" => Ok(Decision::Rejected),
            "more_information" => Ok(Decision::MoreInformation),
            other => Err(ServiceError::refused_value(
                "decision",
                "decision",
                Vec::new(),
                format!(
                    "`{other}` is not a decision: expected confirmed, rejected or more_information"
                ),
            )),
        }
    }
}

/// The partner authority replies. A reply after the deadline is recorded as late, not
/// refused; a request for more information stops the clock if the agreement says so.
pub async fn reply(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    decision: Decision,
    reason: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        // Only the addressed authority replies (the sender may read, not answer itself).
        return Err(refused("only_the_requested_authority_replies"));
    }
    let reason = reason.trim();
    if matches!(decision, Decision::Rejected | Decision::MoreInformation) && reason.is_empty() {
        return Err(if decision == Decision::Rejected {
            ServiceError::refused_value(
                "reason",
                "reason-rejected",
                Vec::new(),
                "say why nationality is not confirmed",
            )
        } else {
            ServiceError::refused_value(
                "reason",
                "reason-question",
                Vec::new(),
                "say what information is needed",
            )
        });
    }
    let terms = request_terms(&row)?;
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    let case = store::case(&mut conn, row.case_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
    drop(conn);
    let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(row.status.as_str(), "pending" | "more_information") {
        return Err(refused(if row.status == "withdrawn" {
            "request_withdrawn"
        } else {
            "already_answered"
        }));
    }
    if decision == Decision::MoreInformation && row.status == "more_information" {
        return Err(refused("information_already_asked"));
    }
    if decision == Decision::MoreInformation && status == "deemed_accepted" {
        // Silence has already made the acceptance; a late question cannot undo it.
        return Err(refused("deemed_accepted"));
    }
    let late = deadline.is_late(today);
    let now = platform.now_us();
    let mut new = row.clone();
    let mut new_case = case.clone();
    new_case.updated_at = now;
    match decision {
        Decision::Confirmed | Decision::Rejected => {
            new.status = if decision == Decision::Confirmed {
                "confirmed"
            } else {
                "rejected"
            }
            .into();
            new.replied_at = Some(now);
            new.replied_on = Some(today.to_string());
            new.reply_reason = Some(reason.to_owned()).filter(|r| !r.is_empty());
            new.late = Some(late);
            let transition = if decision == Decision::Confirmed {
                Transition::ConfirmNationality
            } else {
                Transition::RejectNationality
            };
            let facts = facts_of(platform, &case).await?;
            let from = case.state;
            new_case.state = case::check(from, &transition, &facts).map_err(rules_error)?;
        }
        Decision::MoreInformation => {
            new.status = "more_information".into();
        }
    }
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    if decision == Decision::MoreInformation {
        store::insert_pause(
            &mut tx,
            &PauseRow {
                id: new_id(),
                request_id: id,
                from_on: today.to_string(),
                until_on: None,
                question: reason.to_owned(),
                answer: None,
            },
        )
        .await?;
    } else {
        // A reply given while information was awaited ends the pause that day.
        store::close_pause(&mut tx, id, &today.to_string(), "").await?;
        if !store::update_case(&mut tx, &new_case, case.version).await? {
            return Err(refused("changed_meanwhile"));
        }
    }
    let message = match decision {
        Decision::Confirmed if late => "returns-notice-confirmed-late",
        Decision::Confirmed => "returns-notice-confirmed",
        Decision::Rejected => "returns-notice-rejected",
        Decision::MoreInformation => "returns-notice-more-information",
    };
    notifications::notify(
        platform,
        &mut tx,
        (&row.owner_agency, None),
        "readmission_reply",
        message,
        json!({"partner": row.partner_agency, "reason": reason}),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.reply",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"decision": new.status, "late": late, "deadline": deadline.date}),
    )
    .await?;
    tx.commit(audited).await?;
    refreshed_request(platform, id).await
}

pub(crate) async fn refreshed_request(platform: &Platform, id: Uuid) -> Result<RequestView> {
    let mut conn = platform.store.read().await?;
    let row = store::request(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))?;
    drop(conn);
    request_views(platform, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("readmission_request", id))
}

/// The requested authority asks for the extension its agreement allows: once, before the
/// deadline has passed.
pub async fn extend(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        return Err(refused("only_the_requested_authority_extends"));
    }
    let terms = request_terms(&row)?;
    let Some(days) = terms.extension_days else {
        return Err(refused("no_extension_under_the_agreement"));
    };
    if row.extended {
        return Err(refused("already_extended"));
    }
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    drop(conn);
    let (deadline, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(status.as_str(), "pending" | "more_information") {
        return Err(refused("already_answered"));
    }
    if deadline.is_late(today) {
        return Err(refused("deadline_passed"));
    }
    let mut new = row.clone();
    new.extended = true;
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    notifications::notify(
        platform,
        &mut tx,
        (&row.owner_agency, None),
        "readmission_reply",
        "returns-notice-extension",
        json!({"partner": row.partner_agency, "days": days, "deadline": deadline.date}),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.extend",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"days": days, "deadline_before": deadline.date}),
    )
    .await?;
    tx.commit(audited).await?;
    refreshed_request(platform, id).await
}

/// The requesting caseworker answers a request for more information; the clock runs again.
pub async fn answer_information(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    answer: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.owner_agency {
        return Err(refused("only_the_requesting_agency_answers"));
    }
    if row.status != "more_information" {
        return Err(refused("no_information_asked"));
    }
    if answer.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "answer",
            "answer-needed",
            Vec::new(),
            "give the information asked for",
        ));
    }
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    let mut new = row.clone();
    new.status = "pending".into();
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await? {
        return Err(refused("changed_meanwhile"));
    }
    store::close_pause(&mut tx, id, &today.to_string(), answer.trim()).await?;
    notifications::notify(
        platform,
        &mut tx,
        (&row.partner_agency, None),
        "readmission_request",
        "returns-notice-information",
        json!({"owner": row.owner_agency}),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.answer",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({}),
    )
    .await?;
    tx.commit(audited).await?;
    refreshed_request(platform, id).await
}

/// The partner authority records the travel document (laissez-passer) it issued.
pub async fn record_travel_document(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    number: &str,
    valid_until: &str,
) -> Result<RequestView> {
    let row = load_request(platform, ctx, id, Action::Update).await?;
    if ctx.actor.agency.as_str() != row.partner_agency {
        return Err(refused("only_the_requested_authority_issues"));
    }
    let number = number.trim().to_uppercase();
    if number.is_empty()
        || number.len() > 30
        || !number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ServiceError::refused_value(
            "number",
            "travel-number",
            Vec::new(),
            "the document number: 1 to 30 letters, digits or hyphens",
        ));
    }
    let until = parse_date("valid_until", valid_until)?;
    let tz = agency_zone(platform, &row.partner_agency).await?;
    let today = today_in(platform, &tz);
    if until <= today {
        return Err(ServiceError::refused_value(
            "valid_until",
            "travel-expired",
            Vec::new(),
            "the travel document has already expired",
        ));
    }
    // A travel document for one journey: no document is issued for more than ten years.
    if until > add_days(today, 3653) {
        return Err(ServiceError::refused_value(
            "valid_until",
            "ten-years",
            vec![("date", until.to_string())],
            format!("{until} is more than ten years away: check the year"),
        ));
    }
    let terms = request_terms(&row)?;
    let needed = add_days(today, i64::from(terms.travel_document_validity_days));
    if until < needed {
        return Err(ServiceError::refused_value(
            "valid_until",
            "validity-short",
            vec![
                ("days", terms.travel_document_validity_days.to_string()),
                ("date", needed.to_string()),
            ],
            format!(
                "the agreement asks for a travel document valid at least {} days from its issue, until {needed} or later",
                terms.travel_document_validity_days
            ),
        ));
    }
    let mut conn = platform.store.read().await?;
    let pauses = store::pauses(&mut conn, &[id]).await?;
    let case = store::case(&mut conn, row.case_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("return_case", row.case_id))?;
    drop(conn);
    let (_, status) = deadline_of(&row, &terms, &pauses, today);
    if !matches!(status.as_str(), "confirmed" | "deemed_accepted") {
        return Err(refused(Rule::ReadmissionNotConfirmed.as_str()));
    }
    if case.state.is_final() {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let now = platform.now_us();
    let mut new = row.clone();
    if status == "deemed_accepted" {
        // Silence became acceptance the day after the deadline: write it down now, as
        // silence (no reply, so never counted as one in the cooperation index).
        new.status = "deemed_accepted".into();
        new.reply_reason = Some("accepted by silence under the agreement".into());
    }
    new.travel_document_number = Some(number.clone());
    new.travel_document_valid_until = Some(until.to_string());
    new.travel_document_at = Some(now);
    let mut new_case = case.clone();
    new_case.updated_at = now;
    let mut state = case.state;
    if state == State::ReadmissionRequested {
        state = State::NationalityConfirmed;
    }
    if state == State::NationalityConfirmed {
        state = State::TravelDocumentIssued;
    }
    new_case.state = state;
    let mut tx = platform.store.write().await?;
    if !store::update_request(&mut tx, &new, row.version).await?
        || !store::update_case(&mut tx, &new_case, case.version).await?
    {
        return Err(refused("changed_meanwhile"));
    }
    notifications::notify(
        platform,
        &mut tx,
        (&row.owner_agency, None),
        "readmission_reply",
        "returns-notice-travel-document",
        json!({"partner": row.partner_agency, "number": number, "until": until}),
        Some((policy::READMISSION_REQUEST.kind, &id.to_string())),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_request.travel_document",
        policy::READMISSION_REQUEST.kind,
        Some(&id.to_string()),
        json!({"valid_until": until}),
    )
    .await?;
    tx.commit(audited).await?;
    refreshed_request(platform, id).await
}
