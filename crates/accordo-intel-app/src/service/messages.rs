//! Messages: written by an officer or analyst for their agency under its handling rules,
//! read by the addressed agencies (under RED, by the named users only) and by the sender's
//! agency; their entities checked and matched against every record of the partnership before
//! the sender is answered (hit/no-hit, [`super::hits`]).

use std::collections::BTreeSet;

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, Handling, RecordScope, can};
use accordo_intel::attachment;
use accordo_intel::extract::extract;
use accordo_intel::{Checked, Credibility, Kind, Reliability, check};
use base64::Engine as _;
use serde::Serialize;
use serde_json::json;
use sha2::Digest as _;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id, notifications, sharing};

use super::hits::{self, HitView};
use super::index::{self, Matches};
use super::refused;
use super::{LIST_MAX, cases};
use crate::policy;
use crate::store::{self, EntityRow, MessageFilter, MessageRow, RelationRow};

/// The longest subject and body, in characters.
pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
/// The most entities a sender may enter, and addressees a message may have.
pub const ENTITIES_MAX: usize = 200;
pub const ADDRESSEES_MAX: usize = 50;
/// The longest entity value stored (a longer one is refused, not kept).
pub const ENTITY_VALUE_MAX: usize = 1_000;

/// A message as written (API or form).
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub case: Option<Uuid>,
    pub reply_to: Option<Uuid>,
    pub subject: String,
    pub body: String,
    /// TLP 2.0.
    pub tlp: String,
    /// Agency codes.
    pub addressees: Vec<String>,
    /// Usernames, for RED.
    pub recipients: Vec<String>,
    /// `(kind, value)` as the sender entered them.
    pub entities: Vec<(String, String)>,
    pub reliability: String,
    pub credibility: String,
    pub no_onward_sharing: bool,
    pub no_court_use: bool,
    pub distribution_visible: bool,
    pub attachments: Vec<NewAttachment>,
    /// What the message states between two of its entities.
    pub relations: Vec<NewRelation>,
}

/// A relation as written: its ends as `KIND:VALUE`, its name (`uses`, `owns`, `paid-to`,
/// `travelled-with`).
#[derive(Debug, Clone, Default)]
pub struct NewRelation {
    pub from: String,
    pub relation: String,
    pub to: String,
}

/// The most relations a message may state.
pub const RELATIONS_MAX: usize = 100;

/// A file to attach: its name, its declared media type and its content.
#[derive(Debug, Clone, Default)]
pub struct NewAttachment {
    pub name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

/// An attachment as the reader sees it (its content at `GET /api/v1/intel/attachments/{id}`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub name: String,
    /// The media type, checked against the content when it was sent.
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the content, hexadecimal.
    pub sha256: String,
}

/// An entity as the reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntityView {
    /// `person`, `phone`, `imo`, `mmsi`, `vehicle`, `iban`, `email`, `handle`, `url` or
    /// `document`.
    pub kind: String,
    /// As written.
    pub value: String,
    /// The key two spellings share; absent when the value is invalid.
    pub normalised: Option<String>,
    pub valid: bool,
    /// Why it is invalid, in English.
    pub reason: Option<String>,
    /// The reason's stable code.
    pub reason_code: Option<String>,
    /// What was not checked (`iban_format_unchecked`).
    pub note: Option<String>,
    /// `entered` by the sender, or `extracted` from the text.
    pub source: String,
}

impl EntityView {
    fn of(row: &EntityRow) -> Self {
        let code = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        EntityView {
            kind: row.kind.clone(),
            value: row.value.clone(),
            normalised: row.normalised.clone(),
            valid: row.normalised.is_some(),
            reason: code(&row.reason).map(|c| reason_text(&row.kind, &row.value, &c)),
            reason_code: code(&row.reason),
            note: code(&row.note),
            source: row.source.clone(),
        }
    }
}

/// The English reason of a stored invalid entity (the check is run again: the code alone
/// does not carry its details, such as the expected check digit).
fn reason_text(kind: &str, value: &str, code: &str) -> String {
    Kind::parse(kind)
        .ok()
        .and_then(|k| check(k, value, None).reason)
        .filter(|r| r.code() == code)
        .map_or_else(|| code.replace('_', " "), |r| r.to_string())
}

/// A relation a message states: from its subject to its object, each `KIND:KEY`, and each as
/// the message wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RelationView {
    pub from: String,
    /// `uses`, `owns`, `paid-to` or `travelled-with`.
    pub relation: String,
    pub to: String,
    pub from_kind: String,
    pub to_kind: String,
    /// The ends as entered or found in the text (the key when the message has no such entity).
    pub from_value: String,
    pub to_value: String,
}

impl RelationView {
    fn of(r: &RelationRow, entities: &[EntityRow]) -> Self {
        let written = |kind: &str, key: &str| {
            entities
                .iter()
                .find(|e| e.kind == kind && e.normalised.as_deref() == Some(key))
                .map_or_else(|| key.to_owned(), |e| e.value.clone())
        };
        RelationView {
            from: format!("{}:{}", r.subject_kind, r.subject_key),
            relation: r.relation.clone(),
            to: format!("{}:{}", r.object_kind, r.object_key),
            from_kind: r.subject_kind.clone(),
            to_kind: r.object_kind.clone(),
            from_value: written(&r.subject_kind, &r.subject_key),
            to_value: written(&r.object_kind, &r.object_key),
        }
    }
}

/// A first read by another agency's user.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadView {
    pub username: String,
    pub agency: String,
    pub read_at_us: i64,
}

/// An onward share: to whom (an agency, or a user's name under RED), by whom, when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShareView {
    pub to: String,
    pub by: String,
    pub at_us: i64,
}

/// A message as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub case: Option<Uuid>,
    /// The message this one answers, when the reader may read it.
    pub reply_to: Option<Uuid>,
    pub sender_agency: String,
    pub sender: String,
    /// TLP 2.0.
    pub tlp: String,
    pub subject: String,
    pub body: String,
    /// Source reliability: A, B, C or X.
    pub reliability: String,
    /// Information credibility: 1 to 4.
    pub credibility: String,
    /// No onward sharing without the sender's consent.
    pub no_onward_sharing: bool,
    /// Not for use in court without the sender's consent.
    pub no_court_use: bool,
    /// Whether every addressee sees the others.
    pub distribution_visible: bool,
    /// The addressed agencies the reader may see: all of them for the sender's agency or a
    /// visible distribution; else the reader's own (nothing says whether there are others).
    pub addressees: Vec<String>,
    /// Under RED, the named users the reader may see (the same rule).
    pub recipients: Vec<String>,
    pub entities: Vec<EntityView>,
    /// What it states between two of its entities, in the order written.
    pub relations: Vec<RelationView>,
    pub attachments: Vec<AttachmentView>,
    /// Who of other agencies has read it (the sender's agency only).
    pub reads: Option<Vec<ReadView>>,
    /// Its onward shares after it was sent (the sender's agency only).
    pub shares: Option<Vec<ShareView>>,
    /// The hits of the reader's agency on this message.
    pub hits: Vec<HitView>,
    /// The replies to it that the reader may read, oldest first: the thread below it.
    pub replies: Vec<MessageSummary>,
    pub sent_at_us: i64,
}

/// A message in a list (opening it is the audited read).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageSummary {
    pub id: Uuid,
    pub case: Option<Uuid>,
    pub reply_to: Option<Uuid>,
    pub sender_agency: String,
    pub sender: String,
    pub tlp: String,
    pub subject: String,
    pub reliability: String,
    pub credibility: String,
    pub no_onward_sharing: bool,
    pub no_court_use: bool,
    pub sent_at_us: i64,
}

fn summary(row: &MessageRow) -> MessageSummary {
    MessageSummary {
        id: row.id,
        case: row.case_id,
        reply_to: row.parent_id,
        sender_agency: row.owner_agency.clone(),
        sender: row.created_by.clone(),
        tlp: row.handling.clone(),
        subject: row.subject.clone(),
        reliability: row.reliability.clone(),
        credibility: row.credibility.clone(),
        no_onward_sharing: row.no_onward_sharing,
        no_court_use: row.no_court_use,
        sent_at_us: row.created_at,
    }
}

/// Whether the caller may send messages for their agency (the refusal if not).
pub fn may_send(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_MESSAGE,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Whether the caller may read messages at all (asked before anything asked is read).
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_MESSAGE),
    )?;
    Ok(())
}

/// What a checked message writes.
struct Prepared {
    row: MessageRow,
    /// The named recipients' usernames (RED).
    recipient_names: Vec<String>,
    entities: Vec<EntityRow>,
    relations: Vec<RelationRow>,
    attachments: Vec<store::AttachmentRow>,
    /// `(type, value)` rows of `record_addressees`.
    addressees: Vec<(String, String)>,
    /// Who is told: `(agency, user)`.
    told: Vec<(String, Option<Uuid>)>,
}

/// The entities a message names: those entered (checked, kept when invalid), then those
/// found in its subject and body that were not entered.
fn entity_rows(
    entered: &[(Kind, String)],
    subject: &str,
    body: &str,
    country: Option<accordo_domain::CountryCode>,
) -> Vec<EntityRow> {
    let row = |c: &Checked, source: &str| EntityRow {
        kind: c.kind.as_str().to_owned(),
        value: c.value.clone(),
        normalised: c.normalised.clone(),
        reason: c
            .reason
            .as_ref()
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
        note: c.note.map(|n| n.code().to_owned()).unwrap_or_default(),
        source: source.to_owned(),
    };
    let mut out: Vec<EntityRow> = entered
        .iter()
        .map(|(kind, value)| row(&check(*kind, value, country), "entered"))
        .collect();
    let text = format!("{subject}\n{body}");
    for found in extract(&text, country) {
        let known = out
            .iter()
            .any(|e| e.kind == found.kind.as_str() && e.normalised == found.normalised);
        if !known {
            out.push(row(&found, "extracted"));
        }
    }
    out
}

/// Checks a message field by field: every refusal at once (a form names all its mistakes).
/// The outer error is no fault of the input (the caller may not send; the database).
async fn prepare(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewMessage,
) -> Result<std::result::Result<Prepared, Vec<ServiceError>>> {
    may_send(ctx)?;
    let mut no: Vec<ServiceError> = Vec::new();
    let subject = input.subject.trim();
    if subject.is_empty() || subject.chars().count() > SUBJECT_MAX {
        no.push(refused(
            "subject",
            "subject",
            vec![("max", SUBJECT_MAX.to_string())],
            format!("expected a subject of 1 to {SUBJECT_MAX} characters"),
        ));
    }
    let body = input.body.trim_end();
    if body.trim().is_empty() || body.chars().count() > BODY_MAX {
        no.push(refused(
            "body",
            "body",
            vec![("max", BODY_MAX.to_string())],
            format!("expected a text of 1 to {BODY_MAX} characters"),
        ));
    }
    let handling = match sharing::handling(&input.tlp) {
        Ok(h) => Some(h),
        Err(e) => {
            no.push(retitled(e, "tlp"));
            None
        }
    };
    let reliability = Reliability::parse(input.reliability.trim())
        .map_err(|e| {
            no.push(refused(
                "reliability",
                "reliability",
                Vec::new(),
                e.to_string(),
            ))
        })
        .ok();
    let credibility = Credibility::parse(input.credibility.trim())
        .map_err(|e| {
            no.push(refused(
                "credibility",
                "credibility",
                Vec::new(),
                e.to_string(),
            ))
        })
        .ok();

    // Entities: an unknown kind refuses the message; an invalid value is kept and flagged.
    if input.entities.len() > ENTITIES_MAX {
        no.push(refused(
            "entities",
            "entities-max",
            vec![("max", ENTITIES_MAX.to_string())],
            format!("at most {ENTITIES_MAX} entities"),
        ));
    }
    let mut entered: Vec<(Kind, String)> = Vec::new();
    for (i, (kind, value)) in input.entities.iter().enumerate() {
        if value.chars().count() > ENTITY_VALUE_MAX {
            no.push(refused(
                &format!("entities[{i}].value"),
                "entity-value-max",
                vec![("max", ENTITY_VALUE_MAX.to_string())],
                format!("at most {ENTITY_VALUE_MAX} characters"),
            ));
            continue;
        }
        match Kind::parse(kind.trim()) {
            Ok(k) => entered.push((k, value.clone())),
            Err(e) => no.push(refused(
                &format!("entities[{i}].kind"),
                "entity-kind",
                vec![("given", kind.clone())],
                e.to_string(),
            )),
        }
    }

    // Attachments: of the types a message may carry, each its declared type, within size.
    let mut files: Vec<store::AttachmentRow> = Vec::new();
    if input.attachments.len() > attachment::MAX_COUNT {
        no.push(refused(
            "attachments",
            "attachments-max",
            vec![("max", attachment::MAX_COUNT.to_string())],
            format!("at most {} attachments", attachment::MAX_COUNT),
        ));
    }
    let total: usize = input.attachments.iter().map(|a| a.content.len()).sum();
    if total > attachment::MAX_TOTAL_BYTES {
        no.push(refused(
            "attachments",
            "attachments-total",
            vec![("max", attachment::MAX_TOTAL_BYTES.to_string())],
            format!(
                "{total} bytes in all, over the limit of {} bytes a message",
                attachment::MAX_TOTAL_BYTES
            ),
        ));
    }
    for (i, a) in input.attachments.iter().enumerate() {
        // A name, never a path: what follows the last separator.
        let name = a.name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            no.push(refused(
                &format!("attachments[{i}].name"),
                "attachment-name",
                Vec::new(),
                "expected a file name of 1 to 200 characters".to_owned(),
            ));
        }
        match attachment::check(&a.media_type, &a.content) {
            Ok(kind) => files.push(store::AttachmentRow {
                id: new_id(),
                message_id: Uuid::nil(),
                name: name.to_owned(),
                media_type: kind.as_str().to_owned(),
                size: a.content.len() as i64,
                sha256: hex::encode(sha2::Sha256::digest(&a.content)),
                content: base64::engine::general_purpose::STANDARD.encode(&a.content),
            }),
            Err(e) => {
                let field = match e {
                    attachment::AttachmentError::UnknownType(_) => "type",
                    _ => "content",
                };
                no.push(refused(
                    &format!("attachments[{i}].{field}"),
                    e.code(),
                    vec![("max", attachment::MAX_BYTES.to_string())],
                    e.to_string(),
                ));
            }
        }
    }

    // Addressees: agencies of the partnership that exchange intelligence.
    let (agencies, readers, refusals) =
        agencies_of(platform, "addressees", &input.addressees).await?;
    no.extend(refusals);
    let as_pairs: Vec<(String, String)> = agencies
        .iter()
        .map(|a| ("agency".to_owned(), a.clone()))
        .collect();

    // Recipients: named users under RED, of the agencies it goes to (or the sender's).
    let mut recipients: Vec<(Uuid, String)> = Vec::new();
    let named: Vec<&str> = input
        .recipients
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    match handling {
        Some(Handling::Red) if named.is_empty() => no.push(refused(
            "recipients",
            "recipients-needed",
            Vec::new(),
            "RED goes to named users: give their usernames in `recipients`".to_owned(),
        )),
        Some(Handling::Red) if named.len() > ADDRESSEES_MAX => no.push(refused(
            "recipients",
            "too-many-addressees",
            vec![("max", ADDRESSEES_MAX.to_string())],
            format!("at most {ADDRESSEES_MAX} recipients"),
        )),
        Some(Handling::Red) => {
            let readers = hits::reader_roles(&policy::INTEL_MESSAGE);
            let mut conn = platform.store.read().await?;
            for name in named.iter().copied() {
                let user = accordo_store::accounts::find_user_by_username(&mut conn, name).await?;
                match user {
                    Some(u)
                        if !u.disabled
                            && u.roles.split(',').any(|r| readers.contains(&r))
                            && (agencies.contains(&u.agency)
                                || u.agency == ctx.actor.agency.as_str()) =>
                    {
                        if !recipients.iter().any(|(id, _)| *id == u.id) {
                            recipients.push((u.id, u.agency));
                        }
                    }
                    _ => no.push(refused(
                        "recipients",
                        "recipient",
                        vec![("given", name.to_owned())],
                        format!("`{name}` is not an active user of an agency this message goes to"),
                    )),
                }
            }
        }
        Some(_) if !named.is_empty() => no.push(refused(
            "recipients",
            "recipients-not-red",
            Vec::new(),
            "named recipients are for RED; under other labels the addressed agencies read"
                .to_owned(),
        )),
        _ => {}
    }

    // The case and the message answered: only what the sender may read.
    let mut case_id = input.case;
    if let Some(parent) = input.reply_to {
        match readable(platform, ctx, parent).await? {
            Some(row) => {
                // A reply goes back to the parent's sender and addressees, never further: a
                // reply is not a way around the parent's handling.
                let mut conn = platform.store.read().await?;
                let (mut audience, _) = store::message_addressees(&mut conn, row.id).await?;
                drop(conn);
                audience.push(row.owner_agency.clone());
                for a in agencies.iter().filter(|a| !audience.contains(a)) {
                    no.push(refused(
                        "addressees",
                        "reply-addressee",
                        vec![("agency", a.clone())],
                        format!("{a} did not receive the message answered"),
                    ));
                }
                if input.case.is_some() && input.case != row.case_id {
                    no.push(refused(
                        "case",
                        "reply-case",
                        Vec::new(),
                        "a reply belongs to the case of the message it answers".to_owned(),
                    ));
                }
                case_id = row.case_id;
            }
            None => no.push(refused(
                "reply_to",
                "reply-unknown",
                Vec::new(),
                format!("no message {parent} that you may read"),
            )),
        }
    }
    if let Some(case) = case_id {
        match cases::readable(platform, ctx, case).await? {
            Some((row, members)) => {
                if row.status != "open" {
                    no.push(refused(
                        "case",
                        "case-closed",
                        Vec::new(),
                        "the case is closed".to_owned(),
                    ));
                }
                for a in agencies.iter().filter(|a| !members.contains(a)) {
                    no.push(refused(
                        "addressees",
                        "addressee-not-in-case",
                        vec![("agency", a.clone())],
                        format!("{a} does not take part in this case"),
                    ));
                }
            }
            None => no.push(refused(
                "case",
                "case-unknown",
                Vec::new(),
                format!("no case {case} that you may read"),
            )),
        }
    }

    // Relations: each between two valid entities of the message, of kinds it joins.
    let entities = entity_rows(&entered, subject, body, ctx.actor.country);
    let relations = stated(&input.relations, &entities, ctx.actor.country, &mut no);

    let (Some(handling), Some(reliability), Some(credibility)) =
        (handling, reliability, credibility)
    else {
        return Ok(Err(no));
    };
    if !no.is_empty() {
        return Ok(Err(no));
    }
    let names_person = entities
        .iter()
        .any(|e| Kind::parse(&e.kind).is_ok_and(Kind::names_a_person));
    let mut addressees = as_pairs;
    let mut told: Vec<(String, Option<Uuid>)> = Vec::new();
    if handling == Handling::Red {
        for (id, agency) in &recipients {
            addressees.push(("user".to_owned(), id.to_string()));
            told.push((agency.clone(), Some(*id)));
        }
    } else {
        // Each addressed agency's officers and analysts, by name: nobody else there reads it.
        told.extend(readers.into_iter().map(|(a, user)| (a, Some(user))));
    }
    let id = new_id();
    for f in &mut files {
        f.message_id = id;
    }
    let relations = relations
        .into_iter()
        .map(|r| RelationRow {
            message_id: id,
            ..r
        })
        .collect();
    let mut recipient_names: Vec<String> = named.iter().map(|n| (*n).to_owned()).collect();
    recipient_names.sort();
    recipient_names.dedup();
    if handling != Handling::Red {
        recipient_names.clear();
    }
    Ok(Ok(Prepared {
        recipient_names,
        attachments: files,
        row: MessageRow {
            id,
            case_id,
            parent_id: input.reply_to,
            owner_agency: ctx.actor.agency.to_string(),
            handling: handling.as_str().to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            reliability: reliability.as_str().to_owned(),
            credibility: credibility.as_str().to_owned(),
            no_onward_sharing: input.no_onward_sharing,
            no_court_use: input.no_court_use,
            distribution_visible: input.distribution_visible,
            names_person,
            created_by: ctx.actor.username.clone(),
            created_at: platform.now_us(),
        },
        entities,
        relations,
        addressees,
        told,
    }))
}

/// The relations a message states, checked: each end `KIND:VALUE` a valid entity of the
/// message (entered or found in its text), the relation one that joins their kinds. Every
/// refusal is added to `no`, under `relations[i].from`, `.relation` or `.to`.
fn stated(
    given: &[NewRelation],
    entities: &[EntityRow],
    country: Option<accordo_domain::CountryCode>,
    no: &mut Vec<ServiceError>,
) -> Vec<RelationRow> {
    if given.len() > RELATIONS_MAX {
        no.push(refused(
            "relations",
            "relations-max",
            vec![("max", RELATIONS_MAX.to_string())],
            format!("at most {RELATIONS_MAX} relations"),
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, r) in given.iter().enumerate() {
        let mut end = |field: &str, text: &str| -> Option<(Kind, String)> {
            let field = format!("relations[{i}].{field}");
            let (kind, key) = match super::graph::parse_entity_in(country, &field, text) {
                Ok(accordo_intel::graph::Node::Entity { kind, key }) => (kind, key),
                Ok(accordo_intel::graph::Node::Case(_)) => return None,
                Err(e) => {
                    no.push(e);
                    return None;
                }
            };
            let named = entities
                .iter()
                .any(|e| e.kind == kind.as_str() && e.normalised.as_deref() == Some(key.as_str()));
            if !named {
                no.push(refused(
                    &field,
                    "relation-entity-absent",
                    vec![("entity", format!("{}:{key}", kind.as_str()))],
                    format!(
                        "{}:{key} is not among the message's entities: enter it as an entity, or name it in the text",
                        kind.as_str()
                    ),
                ));
                return None;
            }
            Some((kind, key))
        };
        let (Some(from), Some(to)) = (end("from", &r.from), end("to", &r.to)) else {
            continue;
        };
        match accordo_intel::relation::check(from.0, &r.relation, to.0, from == to) {
            Ok(relation) => {
                let row = RelationRow {
                    message_id: Uuid::nil(),
                    subject_kind: from.0.as_str().to_owned(),
                    subject_key: from.1,
                    relation: relation.as_str().to_owned(),
                    object_kind: to.0.as_str().to_owned(),
                    object_key: to.1,
                };
                // Stated twice, kept once.
                if !out.contains(&row) {
                    out.push(row);
                }
            }
            Err(e) => {
                let field = match e {
                    accordo_intel::relation::RelationError::Subject { .. } => "from",
                    accordo_intel::relation::RelationError::Object { .. }
                    | accordo_intel::relation::RelationError::Itself => "to",
                    accordo_intel::relation::RelationError::Unknown(_) => "relation",
                };
                no.push(refused(
                    &format!("relations[{i}].{field}"),
                    e.code(),
                    vec![("relation", r.relation.clone())],
                    e.to_string(),
                ));
            }
        }
    }
    out
}

/// The agencies `raw` names (codes, or `agency:CODE`), each once, with their officers and
/// analysts (who is told), and every refusal: a code that is not one, an agency the
/// partnership does not have or that has no officers or analysts, none at all, too many.
/// `field` names them in the refusals.
async fn agencies_of(
    platform: &Platform,
    field: &str,
    raw: &[String],
) -> Result<(Vec<String>, Vec<(String, Uuid)>, Vec<ServiceError>)> {
    let mut no = Vec::new();
    let mut agencies: Vec<String> = Vec::new();
    for raw in raw.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let code = raw.strip_prefix("agency:").unwrap_or(raw);
        match AgencyCode::parse(code) {
            Ok(c) if !agencies.contains(&c.to_string()) => agencies.push(c.to_string()),
            Ok(_) => {}
            Err(_) => no.push(refused(
                field,
                "agency-code",
                vec![("given", raw.to_owned())],
                format!("`{raw}`: expected an agency code of the partnership (PK-FIA)"),
            )),
        }
    }
    if agencies.is_empty() {
        no.push(refused(
            field,
            "message-addressees",
            Vec::new(),
            "a message goes to at least one agency".to_owned(),
        ));
    } else if agencies.len() > ADDRESSEES_MAX {
        no.push(refused(
            field,
            "too-many-addressees",
            vec![("max", ADDRESSEES_MAX.to_string())],
            format!("at most {ADDRESSEES_MAX} addressees"),
        ));
    }
    let roles = hits::reader_roles(&policy::INTEL_MESSAGE);
    let mut conn = platform.store.read().await?;
    let found = store::addressed(&mut conn, &agencies, &roles).await?;
    drop(conn);
    let mut readers = Vec::new();
    for a in &agencies {
        match found.iter().find(|row| &row.code == a) {
            None => no.push(refused(
                field,
                "no-agency",
                vec![("code", a.clone())],
                format!("there is no agency {a}"),
            )),
            Some(row) if !row.roles.iter().any(|r| roles.contains(&r.as_str())) => {
                no.push(refused(
                    field,
                    "agency-not-intel",
                    vec![("agency", a.clone())],
                    format!("{a} has no officers or analysts to read it"),
                ))
            }
            Some(row) => readers.extend(row.readers.iter().map(|u| (a.clone(), *u))),
        }
    }
    Ok((agencies, readers, no))
}

/// The agencies `raw` names, checked as [`agencies_of`] does; the first refusal if any.
pub async fn intel_agencies(
    platform: &Platform,
    field: &str,
    raw: &[String],
) -> Result<Vec<String>> {
    let (agencies, _, mut no) = agencies_of(platform, field, raw).await?;
    if no.is_empty() {
        Ok(agencies)
    } else {
        Err(no.remove(0))
    }
}

/// The platform's refusal of a label, under this API's field name.
fn retitled(e: ServiceError, field: &str) -> ServiceError {
    match e {
        ServiceError::Invalid { message, code, .. } => ServiceError::Invalid {
            field: field.to_owned(),
            message,
            code,
        },
        other => other,
    }
}

/// Every refusal of `input`, or none: what a form shows beside its fields.
pub async fn refusals(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewMessage,
) -> Result<Vec<ServiceError>> {
    Ok(prepare(platform, ctx, input)
        .await?
        .err()
        .unwrap_or_default())
}

/// Sends a message for the caller's agency. One transaction writes it, its entities and
/// addressees, its audit entry, the notices to its addressees and its hits (both sides), so
/// that its hits exist when the sender is answered.
pub async fn send(platform: &Platform, ctx: &Ctx, input: &NewMessage) -> Result<MessageView> {
    let p = match prepare(platform, ctx, input).await? {
        Ok(p) => p,
        Err(mut refused) => return Err(refused.remove(0)),
    };
    let keys: Vec<(String, String)> = p
        .entities
        .iter()
        .filter_map(|e| e.normalised.clone().map(|n| (e.kind.clone(), n)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_MESSAGE)?;
    let id = p.row.id;
    let fingerprints: Vec<u64> = keys
        .iter()
        .filter_map(|(kind, key)| index::key_of(kind, key).map(|k| k.0))
        .collect();
    // A lock on each key: two messages naming one key are matched one after the other, so the
    // second sees the first, whichever node each is sent on.
    // With the locks, the message's announcement to the other nodes (delivered on commit).
    let announce = (store::CHANNEL, store::announcement(id, &keys));
    let mut tx = platform
        .store
        .write_locked(&fingerprints, Some(announce))
        .await?;
    // Checked again in the transaction: a case closed since `prepare` takes no message.
    if let Some(case) = p.row.case_id
        && !store::hold_open_case(&mut tx, case).await?
    {
        return Err(refused(
            "case",
            "case-closed",
            Vec::new(),
            "the case is closed".to_owned(),
        ));
    }
    let matches = platform.state::<Matches>();
    // SQLite: this node's index is complete for the one writer (see `index`); PostgreSQL:
    // another node's message may not have reached it yet.
    let ask = tx.engine() == accordo_store::Engine::Postgres || matches.names_any(&keys);
    // The message, its entities, addressees, notices and audit entry, and the search for the
    // messages naming its keys that the sender may not read: one round trip on PostgreSQL.
    // There the search sees the database as the locks left it, before these rows.
    let mut rows = accordo_store::inserts::Inserts::new();
    if ask && let Some((sql, binds)) = store::hidden_matches(&scope, &keys) {
        rows.select(sql, binds);
    }
    store::message_rows(&mut rows, &p.row, &p.entities, &p.addressees);
    store::relation_rows(&mut rows, &p.relations);
    accordo_store::notifications::add_rows(
        &mut rows,
        &notifications::notices(
            platform,
            &p.told,
            "intel_message",
            "intel-notice-message",
            json!({"agency": p.row.owner_agency, "tlp": p.row.handling}),
            Some((policy::INTEL_MESSAGE.kind, &id.to_string())),
        ),
    );
    let (audited, found) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "intel_message.create",
        policy::INTEL_MESSAGE.kind,
        Some(&id.to_string()),
        json!({
            "tlp": p.row.handling,
            "case": p.row.case_id,
            "reply_to": p.row.parent_id,
            "addressees": p.addressees.len(),
            "entities": p.entities.len(),
            "relations": p.relations.len(),
            "attachments": p.attachments.iter().map(|a| &a.sha256).collect::<Vec<_>>(),
        }),
        rows,
    )
    .await?;
    store::insert_attachments(&mut tx, &p.attachments).await?;
    let hits = hits::record(
        platform,
        &mut tx,
        &scope,
        &p.row,
        &store::hidden_of(&found)?,
    )
    .await?;
    // Before the commit, so that the next writer's index holds it (a rolled-back message's
    // keys only make the database be asked for nothing).
    matches.add(id, &keys);
    tx.commit(audited).await?;
    // The answer from what was written, not read again: the sender's own view of a message
    // nobody has opened or shared yet.
    let mut addressees: Vec<String> = p
        .addressees
        .iter()
        .filter(|(kind, _)| kind == "agency")
        .map(|(_, a)| a.clone())
        .collect();
    addressees.sort();
    let row = p.row;
    Ok(MessageView {
        id: row.id,
        case: row.case_id,
        reply_to: row.parent_id,
        sender_agency: row.owner_agency,
        sender: row.created_by,
        tlp: row.handling,
        subject: row.subject,
        body: row.body,
        reliability: row.reliability,
        credibility: row.credibility,
        no_onward_sharing: row.no_onward_sharing,
        no_court_use: row.no_court_use,
        distribution_visible: row.distribution_visible,
        addressees,
        recipients: p.recipient_names,
        entities: p.entities.iter().map(EntityView::of).collect(),
        relations: p
            .relations
            .iter()
            .map(|r| RelationView::of(r, &p.entities))
            .collect(),
        attachments: p
            .attachments
            .into_iter()
            .map(|a| AttachmentView {
                id: a.id,
                name: a.name,
                media_type: a.media_type,
                size: a.size,
                sha256: a.sha256,
            })
            .collect(),
        reads: Some(Vec::new()),
        shares: Some(Vec::new()),
        hits,
        replies: Vec::new(),
        sent_at_us: row.created_at,
    })
}

/// The message `id` if the caller may read it.
pub async fn readable(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<Option<MessageRow>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_MESSAGE)?;
    let mut conn = platform.store.read().await?;
    Ok(store::visible_messages(
        &mut conn,
        &scope,
        &MessageFilter {
            id: Some(id),
            limit: 1,
            ..MessageFilter::default()
        },
    )
    .await?
    .pop())
}

/// Opens a message: audited (messages name people), and a first read by another agency's
/// user is shown to the sender. Not found for whoever may not read it.
pub async fn open(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<MessageView> {
    let row = readable(platform, ctx, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("intel_message", id))?;
    record_opening(platform, ctx, &row).await?;
    view(platform, ctx, row).await
}

/// Records that the caller opened `row` (audited; a first read by another agency's user is
/// shown to the sender).
async fn record_opening(platform: &Platform, ctx: &Ctx, row: &MessageRow) -> Result<()> {
    let mut tx = platform.store.write().await?;
    if ctx.actor.agency.as_str() != row.owner_agency {
        store::record_read(
            &mut tx,
            row.id,
            &ctx.actor.username,
            ctx.actor.agency.as_str(),
            platform.now_us(),
        )
        .await?;
    }
    if let Some(audited) = audit::record_read(
        platform,
        &mut tx,
        ctx,
        &policy::INTEL_MESSAGE,
        &row.id.to_string(),
    )
    .await?
    {
        tx.commit(audited).await?;
    }
    Ok(())
}

/// An attachment's name, media type and content, for whoever may read its message (an
/// opening of the message, audited); not found otherwise.
pub async fn attachment(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
) -> Result<(String, String, Vec<u8>)> {
    may_read(ctx)?;
    let mut conn = platform.store.read().await?;
    let found = store::attachment(&mut conn, id).await?;
    drop(conn);
    let not_found = || ServiceError::not_found("intel_attachment", id);
    let a = found.ok_or_else(not_found)?;
    let row = readable(platform, ctx, a.message_id)
        .await?
        .ok_or_else(not_found)?;
    record_opening(platform, ctx, &row).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&a.content)
        .map_err(|_| ServiceError::invalid("attachment", "stored content is not base64"))?;
    Ok((a.name, a.media_type, bytes))
}

/// A message as the caller may see it: the distribution as its rule allows, who has read it
/// for the sender's agency, the hits of the caller's agency on it.
async fn view(platform: &Platform, ctx: &Ctx, row: MessageRow) -> Result<MessageView> {
    let mine = ctx.actor.agency.as_str();
    let own = row.owner_agency == mine;
    let mut conn = platform.store.read().await?;
    let entities = store::entities(&mut conn, row.id).await?;
    let relations = store::relations(&mut conn, &[row.id]).await?;
    let attachments: Vec<AttachmentView> = store::attachments(&mut conn, row.id)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id,
            name: a.name,
            media_type: a.media_type,
            size: a.size,
            sha256: a.sha256,
        })
        .collect();
    let (agencies, users) = store::message_addressees(&mut conn, row.id).await?;
    let reads = if own {
        Some(
            store::reads(&mut conn, row.id)
                .await?
                .into_iter()
                .map(|(username, agency, at)| ReadView {
                    username,
                    agency,
                    read_at_us: at,
                })
                .collect(),
        )
    } else {
        None
    };
    let shares = if own {
        let mut out = Vec::new();
        for (kind, to, by, at) in store::shares(&mut conn, row.id).await? {
            let to = if kind == "user" {
                match Uuid::parse_str(&to) {
                    Ok(uid) => accordo_store::accounts::find_user_by_id(&mut conn, uid)
                        .await?
                        .map_or(to, |u| u.username),
                    Err(_) => to,
                }
            } else {
                to
            };
            out.push(ShareView { to, by, at_us: at });
        }
        Some(out)
    } else {
        None
    };
    drop(conn);
    let whole = own || row.distribution_visible;
    let addressees: Vec<String> = agencies
        .iter()
        .filter(|a| whole || a.as_str() == mine)
        .cloned()
        .collect();
    let recipients: Vec<String> = users
        .iter()
        .filter(|(_, agency)| whole || agency == mine)
        .map(|(name, _)| name.clone())
        .collect();
    let hits = hits::of_message(platform, ctx, row.id).await?;
    let reply_to = match row.parent_id {
        Some(parent) => readable(platform, ctx, parent).await?.map(|p| p.id),
        None => None,
    };
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_MESSAGE)?;
    let mut conn = platform.store.read().await?;
    let mut replies: Vec<MessageSummary> = store::visible_messages(
        &mut conn,
        &scope,
        &MessageFilter {
            parent_id: Some(row.id),
            limit: LIST_MAX,
            ..MessageFilter::default()
        },
    )
    .await?
    .iter()
    .map(summary)
    .collect();
    drop(conn);
    replies.reverse();
    Ok(MessageView {
        id: row.id,
        case: row.case_id,
        reply_to,
        sender_agency: row.owner_agency,
        sender: row.created_by,
        tlp: row.handling,
        subject: row.subject,
        body: row.body,
        reliability: row.reliability,
        credibility: row.credibility,
        no_onward_sharing: row.no_onward_sharing,
        no_court_use: row.no_court_use,
        distribution_visible: row.distribution_visible,
        addressees,
        recipients,
        entities: entities.iter().map(EntityView::of).collect(),
        relations: relations
            .iter()
            .map(|r| RelationView::of(r, &entities))
            .collect(),
        attachments,
        reads,
        shares,
        hits,
        replies,
        sent_at_us: row.created_at,
    })
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Folder {
    /// Sent to the caller's agency by others.
    #[default]
    Inbox,
    /// Sent by the caller's agency.
    Outbox,
    /// Both.
    All,
}

/// The messages the caller may read in `folder` (of one case, if asked), newest first.
pub async fn list(
    platform: &Platform,
    ctx: &Ctx,
    folder: Folder,
    case: Option<Uuid>,
) -> Result<Vec<MessageSummary>> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_MESSAGE)?;
    let agency = ctx.actor.agency.to_string();
    let filter = MessageFilter {
        case_id: case,
        sent_by: match folder {
            Folder::Inbox => Some((agency, false)),
            Folder::Outbox => Some((agency, true)),
            Folder::All => None,
        },
        limit: LIST_MAX,
        ..MessageFilter::default()
    };
    let mut conn = platform.store.read().await?;
    let rows = store::visible_messages(&mut conn, &scope, &filter).await?;
    // The messages answered that the reader may read: the others are not named.
    let parents: Vec<Uuid> = rows.iter().filter_map(|r| r.parent_id).collect();
    let readable_parents: Vec<Uuid> = if parents.is_empty() {
        Vec::new()
    } else {
        store::visible_messages(
            &mut conn,
            &scope,
            &MessageFilter {
                ids: Some(parents),
                limit: LIST_MAX,
                ..MessageFilter::default()
            },
        )
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect()
    };
    Ok(rows
        .iter()
        .map(|r| {
            let mut s = summary(r);
            s.reply_to = s.reply_to.filter(|p| readable_parents.contains(p));
            s
        })
        .collect())
}
