//! STIX 2.1 out: what the caller may read of a case, as a bundle the partners' other tools
//! (MISP, OpenCTI) take in. Written by hand (the Rust `stix2` crate has wrong TLP 2.0 marking
//! ids); CI checks every bundle the tests export with OASIS's `stix2-validator` and reads it
//! back with the Python `stix2` library (`.ci/run`).
//!
//! - the case: a `grouping` (its title, the objects below);
//! - each agency that sent a message: an `identity` (organization), `created_by_ref` of what
//!   its messages say;
//! - each message: a `note` (subject and text; grading and restrictions as labels) over an
//!   `observed-data` of its valid identifiers, marked with its TLP 2.0 marking definition
//!   (OASIS's ids and objects) and, when it has restrictions, a statement marking;
//! - identifiers: e-mail addresses as `email-addr`, links as `url`, account names, telephone
//!   numbers and bank accounts as `user-account` (`account_type` `handle`, `phone`, `iban`:
//!   STIX has no observable of its own for the last two); a person as an `identity`
//!   (individual); ships, vehicles and documents are kept to the note's text, having no STIX
//!   object;
//! - two identifiers named in one message: a `related-to` relationship, marked as the
//!   message; a relation the message states between two of them: a relationship of its
//!   own type (`uses`, `owns`, `paid-to`, `travelled-with`; STIX allows a type outside its
//!   vocabulary, and the validator only warns).
//!
//! Ids are stable: observables take STIX's deterministic UUIDv5 of their identifying
//! properties, the rest a UUIDv5 of what they stand for, so a second export names the same
//! objects and an importer merges them.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use accordo_intel::Kind;

use crate::store::{CaseRow, EntityRow, MessageRow, RelationRow};

/// STIX's namespace for the ids of cyber-observables (STIX 2.1, 2.9).
const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);
/// accordo's namespace for the ids of what it exports.
const ACCORDO_NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_2b7a_3c4e_5d8f_9a0b_1c2d_3e4f_5a6b);
/// The TLP 2.0 extension's definition (OASIS, cti-stix-common-objects).
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// OASIS's TLP 2.0 marking definition ids, by accordo's handling code.
pub fn tlp_marking_id(handling: &str) -> Option<&'static str> {
    Some(match handling {
        "CLEAR" => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "GREEN" => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "AMBER" => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "AMBER+STRICT" => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "RED" => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        _ => return None,
    })
}

/// OASIS's TLP 2.0 marking definition object for `handling`.
fn tlp_marking(handling: &str) -> Option<Value> {
    Some(json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp_marking_id(handling)?,
        "created": "2022-10-01T00:00:00.000Z",
        "name": format!("TLP:{handling}"),
        "extensions": {
            TLP2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": handling.to_lowercase(),
            }
        }
    }))
}

/// A STIX timestamp (UTC, milliseconds) of microseconds since the epoch.
pub fn timestamp(us: i64) -> String {
    let t = jiff::Timestamp::from_microsecond(us).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn ours(kind: &str, what: &str) -> String {
    format!(
        "{kind}--{}",
        Uuid::new_v5(&ACCORDO_NAMESPACE, format!("{kind}:{what}").as_bytes())
    )
}

/// An observable's id: UUIDv5 in STIX's namespace of its identifying properties, as JSON with
/// sorted keys and no spaces (STIX 2.1, 2.9).
fn sco_id(kind: &str, contributing: &Value) -> String {
    // serde_json's map keeps keys sorted (no `preserve_order`), and `to_string` adds no spaces.
    let canonical = contributing.to_string();
    format!(
        "{kind}--{}",
        Uuid::new_v5(&STIX_SCO_NAMESPACE, canonical.as_bytes())
    )
}

/// The STIX object of a valid identifier: its id and the object, or `None` for a kind STIX has
/// no object for.
fn identifier(kind: Kind, key: &str) -> Option<(String, Value)> {
    let sco = |stix: &str, props: Value| {
        let id = sco_id(stix, &props);
        let mut object = json!({"type": stix, "spec_version": "2.1", "id": id});
        if let (Some(o), Some(p)) = (object.as_object_mut(), props.as_object()) {
            o.extend(p.clone());
        }
        (id, object)
    };
    match kind {
        Kind::Email => Some(sco("email-addr", json!({"value": key}))),
        Kind::Url => Some(sco("url", json!({"value": key}))),
        Kind::Handle => Some(sco(
            "user-account",
            json!({"account_type": "handle", "account_login": key}),
        )),
        Kind::Phone => Some(sco(
            "user-account",
            json!({"account_type": "phone", "account_login": key}),
        )),
        Kind::Iban => Some(sco(
            "user-account",
            json!({"account_type": "iban", "account_login": key}),
        )),
        Kind::Person => {
            let id = ours("identity", &format!("person:{key}"));
            Some((
                id.clone(),
                json!({
                    "type": "identity", "spec_version": "2.1", "id": id,
                    "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                    "name": key, "identity_class": "individual",
                }),
            ))
        }
        Kind::Imo | Kind::Mmsi | Kind::Vehicle | Kind::Document => None,
    }
}

/// A message as exported: the row and its entities.
pub struct Exported<'a> {
    pub message: &'a MessageRow,
    pub entities: &'a [EntityRow],
    pub relations: &'a [RelationRow],
}

/// The bundle of `case` and `messages` (the caller's readable messages of the case, any order).
pub fn bundle(case: &CaseRow, messages: &[Exported<'_>]) -> Value {
    // By id, so that an object named by several messages is written once, in a stable order.
    let mut objects: BTreeMap<String, Value> = BTreeMap::new();
    let mut in_case: Vec<String> = Vec::new();
    for m in messages {
        let row = m.message;
        let at = timestamp(row.created_at);
        let agency = ours("identity", &format!("agency:{}", row.owner_agency));
        objects.entry(agency.clone()).or_insert_with(|| {
            json!({
                "type": "identity", "spec_version": "2.1", "id": agency,
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "name": row.owner_agency, "identity_class": "organization",
            })
        });
        let mut markings: Vec<Value> = Vec::new();
        if let Some(tlp) = tlp_marking(&row.handling) {
            markings.push(tlp["id"].clone());
            objects.insert(tlp["id"].as_str().unwrap_or_default().to_owned(), tlp);
        }
        let mut restrictions: Vec<&str> = Vec::new();
        if row.no_onward_sharing {
            restrictions.push("no onward sharing without the owner's consent");
        }
        if row.no_court_use {
            restrictions.push("not for use in court without the owner's consent");
        }
        if !restrictions.is_empty() {
            let statement = format!("Handling: {}.", restrictions.join("; "));
            let id = ours("marking-definition", &statement);
            markings.push(json!(id));
            objects.insert(
                id.clone(),
                json!({
                    "type": "marking-definition", "spec_version": "2.1", "id": id,
                    "created": "2026-01-01T00:00:00.000Z",
                    "definition_type": "statement", "definition": {"statement": statement},
                }),
            );
        }
        let mut observed: Vec<String> = Vec::new();
        let mut named: Vec<String> = Vec::new();
        for e in m.entities {
            let (Some(key), Ok(kind)) = (&e.normalised, Kind::parse(&e.kind)) else {
                continue;
            };
            let Some((id, object)) = identifier(kind, key) else {
                continue;
            };
            if object["type"].as_str() != Some("identity") {
                observed.push(id.clone());
            }
            if !named.contains(&id) {
                named.push(id.clone());
            }
            objects.entry(id).or_insert(object);
        }
        let message = row.id.to_string();
        let mut note_refs: Vec<String> = named.clone();
        if !observed.is_empty() {
            let id = ours("observed-data", &message);
            objects.insert(
                id.clone(),
                json!({
                    "type": "observed-data", "spec_version": "2.1", "id": id,
                    "created_by_ref": agency, "created": at, "modified": at,
                    "first_observed": at, "last_observed": at, "number_observed": 1,
                    "object_refs": observed, "object_marking_refs": markings,
                }),
            );
            note_refs.push(id);
        }
        for (i, a) in named.iter().enumerate() {
            for b in &named[i + 1..] {
                let id = ours("relationship", &format!("{message}:{a}:{b}"));
                objects.insert(
                    id.clone(),
                    json!({
                        "type": "relationship", "spec_version": "2.1", "id": id,
                        "created_by_ref": agency, "created": at, "modified": at,
                        "relationship_type": "related-to", "source_ref": a, "target_ref": b,
                        "description": "Named together in one message.",
                        "object_marking_refs": markings,
                    }),
                );
                note_refs.push(id);
            }
        }
        for r in m.relations {
            let end = |kind: &str, key: &str| {
                Kind::parse(kind)
                    .ok()
                    .and_then(|k| identifier(k, key))
                    .map(|(id, _)| id)
            };
            let (Some(a), Some(b)) = (
                end(&r.subject_kind, &r.subject_key),
                end(&r.object_kind, &r.object_key),
            ) else {
                // A ship, a vehicle or a document has no STIX object: the note's text keeps it.
                continue;
            };
            let id = ours("relationship", &format!("{message}:{a}:{}:{b}", r.relation));
            objects.insert(
                id.clone(),
                json!({
                    "type": "relationship", "spec_version": "2.1", "id": id,
                    "created_by_ref": agency, "created": at, "modified": at,
                    "relationship_type": r.relation, "source_ref": a, "target_ref": b,
                    "description": "Stated in one message.",
                    "object_marking_refs": markings,
                }),
            );
            note_refs.push(id);
        }
        let note = ours("note", &message);
        let mut note_object = json!({
            "type": "note", "spec_version": "2.1", "id": note,
            "created_by_ref": agency, "created": at, "modified": at,
            "abstract": row.subject, "content": row.body,
            "authors": [row.created_by],
            "labels": [format!("reliability:{}", row.reliability), format!("credibility:{}", row.credibility)],
            "object_refs": note_refs,
            "object_marking_refs": markings,
        });
        if note_refs.is_empty() {
            // A note names at least one object: the agency that wrote it.
            note_object["object_refs"] = json!([agency]);
        }
        objects.insert(note.clone(), note_object);
        in_case.push(note);
    }
    let mut all: Vec<Value> = objects.into_values().collect();
    if !in_case.is_empty() {
        let grouping = ours("grouping", &case.id.to_string());
        let created = timestamp(case.created_at);
        all.push(json!({
            "type": "grouping", "spec_version": "2.1", "id": grouping,
            "created": created, "modified": created,
            "name": case.title, "context": "suspicious-activity",
            "object_refs": in_case,
        }));
    }
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", Uuid::new_v4()),
        "objects": all,
    })
}

/// The bundle of what the caller may read of case `id`: the case if the caller reads it (not
/// found otherwise), and of its messages those the caller reads. An audited read of them.
pub async fn export(
    platform: &accordo_service::Platform,
    ctx: &accordo_service::Ctx,
    id: Uuid,
) -> accordo_service::Result<Value> {
    use accordo_domain::access::Action;
    super::messages::may_read(ctx)?;
    let (case, _) = super::cases::readable(platform, ctx, id)
        .await?
        .ok_or_else(|| accordo_service::ServiceError::not_found("intel_case", id))?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &crate::policy::INTEL_MESSAGE)?;
    let mut conn = platform.store.read().await?;
    let rows = crate::store::visible_messages(
        &mut conn,
        &scope,
        &crate::store::MessageFilter {
            case_id: Some(id),
            limit: super::LIST_MAX,
            ..Default::default()
        },
    )
    .await?;
    let mut entities = Vec::with_capacity(rows.len());
    for row in &rows {
        entities.push(crate::store::entities(&mut conn, row.id).await?);
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let relations = crate::store::relations(&mut conn, &ids).await?;
    drop(conn);
    let stated: Vec<Vec<RelationRow>> = ids
        .iter()
        .map(|id| {
            relations
                .iter()
                .filter(|r| r.message_id == *id)
                .cloned()
                .collect()
        })
        .collect();
    let exported: Vec<Exported<'_>> = rows
        .iter()
        .zip(&entities)
        .zip(&stated)
        .map(|((message, entities), relations)| Exported {
            message,
            entities,
            relations,
        })
        .collect();
    let bundle = bundle(&case, &exported);
    let mut tx = platform.store.write().await?;
    // An export hands the messages over: each is read, and its sender sees who read it.
    for row in rows
        .iter()
        .filter(|r| r.owner_agency != ctx.actor.agency.as_str())
    {
        crate::store::record_read(
            &mut tx,
            row.id,
            &ctx.actor.username,
            ctx.actor.agency.as_str(),
            platform.now_us(),
        )
        .await?;
    }
    let audited = accordo_service::audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_case.export",
        crate::policy::INTEL_CASE.kind,
        Some(&id.to_string()),
        json!({"format": "stix-2.1", "messages": rows.iter().map(|r| r.id.to_string()).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(bundle)
}

/// The most objects a bundle may bring.
pub const IMPORT_MAX_OBJECTS: usize = 1_000;

/// The types an imported bundle may hold: those this module writes, and reports and
/// indicators' neighbours it can read as text.
const IMPORTED_TYPES: &[&str] = &[
    "identity",
    "marking-definition",
    "note",
    "report",
    "observed-data",
    "grouping",
    "relationship",
    "email-addr",
    "url",
    "user-account",
];

/// What an imported bundle makes: one message of the case, its text from the notes and
/// reports, its identifiers from the observables and persons, under the most restrictive TLP
/// marking any object carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub subject: String,
    pub body: String,
    pub tlp: String,
    pub entities: Vec<(String, String)>,
    pub reliability: String,
    pub credibility: String,
}

/// A refusal of one object of the bundle: which, and why.
fn bad(index: usize, id: &str, reason: &str) -> accordo_service::ServiceError {
    accordo_service::ServiceError::refused_value(
        &format!("objects[{index}]"),
        "stix-object",
        vec![("id", id.to_owned()), ("reason", reason.to_owned())],
        format!("object {id}: {reason}"),
    )
}

/// TLP 2.0 (and 1.0) marking definition ids to accordo's codes, most restrictive last.
fn tlp_of_marking(id: &str) -> Option<&'static str> {
    const TLP1: &[(&str, &str)] = &[
        (
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
            "CLEAR",
        ),
        (
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            "GREEN",
        ),
        (
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
            "AMBER",
        ),
        (
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
            "RED",
        ),
    ];
    ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
        .into_iter()
        .find(|h| tlp_marking_id(h) == Some(id))
        .or_else(|| TLP1.iter().find(|(i, _)| *i == id).map(|(_, h)| *h))
}

fn rank(tlp: &str) -> usize {
    ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
        .iter()
        .position(|h| *h == tlp)
        .unwrap_or(0)
}

/// Reads `bundle` into what its message says; refuses the whole bundle, naming the first
/// object at fault and why, when an object is not STIX 2.1 as this module takes it.
pub fn read_bundle(bundle: &Value) -> accordo_service::Result<Imported> {
    use accordo_service::ServiceError;
    if bundle["type"] != "bundle" {
        return Err(ServiceError::refused_value(
            "type",
            "stix-bundle",
            vec![],
            "expected a STIX 2.1 bundle: {\"type\": \"bundle\", \"objects\": [...]}",
        ));
    }
    let Some(objects) = bundle["objects"].as_array() else {
        return Err(ServiceError::refused_value(
            "objects",
            "stix-bundle",
            vec![],
            "a bundle holds its objects in an array `objects`",
        ));
    };
    if objects.is_empty() || objects.len() > IMPORT_MAX_OBJECTS {
        return Err(ServiceError::refused_value(
            "objects",
            "stix-objects-count",
            vec![("max", IMPORT_MAX_OBJECTS.to_string())],
            format!("a bundle of 1 to {IMPORT_MAX_OBJECTS} objects"),
        ));
    }
    let mut ids: std::collections::HashSet<&str> =
        std::collections::HashSet::with_capacity(objects.len());
    let mut order: Vec<&str> = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        let id = o["id"].as_str().unwrap_or("");
        let kind = o["type"].as_str().unwrap_or("");
        let shown = if id.is_empty() { "(no id)" } else { id };
        let well_formed = id
            .split_once("--")
            .is_some_and(|(t, u)| t == kind && Uuid::parse_str(u).is_ok());
        if !well_formed {
            return Err(bad(
                i,
                shown,
                "the id is not TYPE--UUID of the object's type",
            ));
        }
        if o["spec_version"] != "2.1" {
            return Err(bad(i, shown, "spec_version must be \"2.1\""));
        }
        if !IMPORTED_TYPES.contains(&kind) {
            return Err(bad(
                i,
                shown,
                &format!("objects of type {kind} are not taken in here"),
            ));
        }
        if o.get("granular_markings").is_some() {
            return Err(bad(
                i,
                shown,
                "granular markings are not taken in: mark whole objects (object_marking_refs)",
            ));
        }
        ids.insert(id);
        order.push(id);
    }
    // With no TLP marking, the most restrictive code a case's message may carry: nothing
    // unmarked is taken to be free to share.
    let mut marked = false;
    let mut imported = Imported {
        subject: String::new(),
        body: String::new(),
        tlp: "CLEAR".to_owned(),
        entities: Vec::new(),
        reliability: "X".to_owned(),
        credibility: "4".to_owned(),
    };
    let mut texts: Vec<String> = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let id = order[i];
        let text = |key: &str| o[key].as_str().map(str::trim).unwrap_or("");
        for key in ["object_refs", "object_marking_refs"] {
            let Some(refs) = o.get(key) else { continue };
            let Some(refs) = refs.as_array() else {
                return Err(bad(i, id, &format!("{key} must be a list of ids")));
            };
            for r in refs {
                let r = r.as_str().unwrap_or("");
                if key == "object_marking_refs" {
                    if let Some(tlp) = tlp_of_marking(r) {
                        marked = true;
                        if rank(tlp) > rank(&imported.tlp) {
                            imported.tlp = tlp.to_owned();
                        }
                    }
                    if tlp_of_marking(r).is_some() {
                        continue;
                    }
                }
                if !ids.contains(&r) {
                    return Err(bad(
                        i,
                        id,
                        &format!("{key} names {r}, which is not in the bundle"),
                    ));
                }
            }
        }
        match o["type"].as_str().unwrap_or("") {
            "email-addr" | "url" => {
                let value = text("value");
                if value.is_empty() {
                    return Err(bad(i, id, "an observable of this type needs its value"));
                }
                let kind = if o["type"] == "url" { "url" } else { "email" };
                imported.entities.push((kind.to_owned(), value.to_owned()));
            }
            "user-account" => {
                let login = text("account_login");
                if login.is_empty() {
                    return Err(bad(i, id, "a user-account needs its account_login"));
                }
                let kind = match text("account_type") {
                    "phone" => "phone",
                    "iban" => "iban",
                    _ => "handle",
                };
                imported.entities.push((kind.to_owned(), login.to_owned()));
            }
            "identity" if text("identity_class") == "individual" => {
                let name = text("name");
                if name.is_empty() {
                    return Err(bad(i, id, "an identity needs its name"));
                }
                imported
                    .entities
                    .push(("person".to_owned(), name.to_owned()));
            }
            "relationship" => {
                for end in ["source_ref", "target_ref"] {
                    let r = text(end);
                    if !ids.contains(&r) {
                        return Err(bad(
                            i,
                            id,
                            &format!("{end} names {r:?}, which is not in the bundle"),
                        ));
                    }
                }
            }
            "note" | "report" => {
                let (title, content) = if o["type"] == "note" {
                    (text("abstract"), text("content"))
                } else {
                    (text("name"), text("description"))
                };
                if content.is_empty() && title.is_empty() {
                    return Err(bad(i, id, "a note or report with no text"));
                }
                if imported.subject.is_empty() {
                    imported.subject = title.to_owned();
                }
                texts.push(
                    [title, content]
                        .into_iter()
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                for label in o["labels"].as_array().into_iter().flatten() {
                    let label = label.as_str().unwrap_or("");
                    if let Some(r) = label.strip_prefix("reliability:") {
                        imported.reliability = r.to_owned();
                    }
                    if let Some(c) = label.strip_prefix("credibility:") {
                        imported.credibility = c.to_owned();
                    }
                }
            }
            "grouping" if imported.subject.is_empty() => {
                imported.subject = text("name").to_owned();
            }
            _ => {}
        }
    }
    if imported.entities.is_empty() && texts.is_empty() {
        return Err(ServiceError::refused_value(
            "objects",
            "stix-empty",
            vec![],
            "the bundle names no identifier and holds no note or report",
        ));
    }
    if !marked {
        imported.tlp = "AMBER+STRICT".to_owned();
    }
    let mut seen = std::collections::HashSet::new();
    imported.entities.retain(|e| seen.insert(e.clone()));
    if imported.subject.is_empty() {
        imported.subject = "STIX import".to_owned();
    }
    imported.subject = imported.subject.chars().take(200).collect();
    imported.body = if texts.is_empty() {
        "Identifiers taken in from a STIX 2.1 bundle.".to_owned()
    } else {
        texts.join("\n\n")
    };
    Ok(imported)
}

/// Takes `bundle` into case `id` as one message of the caller's agency to the case's other
/// agencies: all of it, or nothing and the first object at fault named. With no TLP marking
/// it is AMBER+STRICT, and its restrictions are on, as the form has them.
pub async fn import(
    platform: &accordo_service::Platform,
    ctx: &accordo_service::Ctx,
    id: Uuid,
    bundle: &Value,
) -> accordo_service::Result<super::messages::MessageView> {
    super::messages::may_read(ctx)?;
    let (case, agencies) = super::cases::readable(platform, ctx, id)
        .await?
        .ok_or_else(|| accordo_service::ServiceError::not_found("intel_case", id))?;
    let imported = read_bundle(bundle)?;
    if imported.tlp == "RED" {
        return Err(accordo_service::ServiceError::refused_value(
            "objects",
            "stix-red",
            vec![],
            "a bundle under TLP:RED goes to named users: send it as a message with its recipients",
        ));
    }
    let addressees: Vec<String> = agencies
        .into_iter()
        .filter(|a| a != ctx.actor.agency.as_str())
        .collect();
    let input = super::messages::NewMessage {
        case: Some(case.id),
        subject: imported.subject,
        body: imported.body,
        tlp: imported.tlp,
        addressees,
        entities: imported.entities,
        reliability: imported.reliability,
        credibility: imported.credibility,
        // As the form has them: on, whatever the bundle's own statements say.
        no_onward_sharing: true,
        no_court_use: true,
        ..Default::default()
    };
    super::messages::send(platform, ctx, &input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observables_take_stix_deterministic_ids() {
        // The ids the Python `stix2` library (3.0.2) gives the same observables.
        let (id, _) = identifier(Kind::Email, "john@example.com").unwrap();
        assert_eq!(id, "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934");
        let (id, _) = identifier(Kind::Phone, "+923001234567").unwrap();
        assert_eq!(id, "user-account--a9a244cb-f681-537a-9a25-0048019bdc28");
    }

    #[test]
    fn tlp_markings_are_oasis_own() {
        let amber = tlp_marking("AMBER+STRICT").unwrap();
        assert_eq!(
            amber["id"],
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        );
        assert_eq!(
            amber["extensions"][TLP2_EXTENSION]["tlp_2_0"],
            "amber+strict"
        );
        assert_eq!(tlp_marking("AMBER+"), None);
        assert_eq!(timestamp(1_795_000_000_123_456), "2026-11-18T11:06:40.123Z");
    }

    use proptest::prelude::*;

    /// Any JSON value, a few levels deep, with the strings a bundle's fields take among the
    /// rest.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just("bundle".to_owned()),
                Just("2.1".to_owned()),
                Just("email-addr".to_owned()),
                Just("user-account".to_owned()),
                Just("note".to_owned()),
                Just("relationship".to_owned()),
                Just("email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934".to_owned()),
                Just(tlp_marking_id("RED").unwrap_or_default().to_owned()),
                ".{0,40}",
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("type".to_owned()),
                        Just("id".to_owned()),
                        Just("spec_version".to_owned()),
                        Just("objects".to_owned()),
                        Just("object_refs".to_owned()),
                        Just("object_marking_refs".to_owned()),
                        Just("value".to_owned()),
                        Just("labels".to_owned()),
                        "[a-z_]{1,12}",
                    ],
                    inner,
                    0..8
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever a caller posts, the reader answers with what it makes or a refusal:
        /// it never panics, and what it makes always has a subject, a text and a known TLP.
        #[test]
        fn any_json_is_read_or_refused(objects in prop::collection::vec(json_value(), 0..12), top in json_value()) {
            for bundle in [json!({"type": "bundle", "id": "bundle--x", "objects": objects}), top] {
                if let Ok(made) = read_bundle(&bundle) {
                    prop_assert!(!made.subject.is_empty());
                    prop_assert!(!made.body.is_empty());
                    prop_assert!(tlp_marking_id(&made.tlp).is_some());
                }
            }
        }
    }
}
