//! The intel pillar over HTTP: messages, cases and hits.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json, Path, Query};
use accordo_server::problem::{ApiResult, Problem};
use accordo_service::ServiceError;

use crate::service::cases::{self, CaseView};
use crate::service::graph::{self as network, GraphView, PathView};
use crate::service::hits::{self, HitView};
use crate::service::messages::{self, Folder, MessageSummary, MessageView, NewMessage};
use crate::service::operations;
use crate::service::sharing::{self, RequestView};
use crate::service::training;

/// A message may carry up to 5 MB of files, in base64 within its JSON.
const MESSAGE_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// A STIX bundle of up to 1,000 objects.
const BUNDLE_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            OpenApiRouter::new()
                .routes(routes!(list_messages, send_message))
                .layer(DefaultBodyLimit::max(MESSAGE_BODY_LIMIT)),
        )
        .routes(routes!(attachment))
        .routes(routes!(open_message))
        .routes(routes!(list_hits))
        .routes(routes!(list_cases, open_case))
        .routes(routes!(get_case))
        .routes(routes!(close_case))
        .routes(routes!(reopen_case))
        .routes(routes!(request_share))
        .routes(routes!(list_requests))
        .routes(routes!(grant_request))
        .routes(routes!(refuse_request))
        .routes(routes!(share_message))
        .routes(routes!(graph))
        .routes(routes!(graph_path))
        .merge(
            // A case's bundle carries its messages' texts: more than the default body.
            OpenApiRouter::new()
                .routes(routes!(case_stix, import_stix))
                .layer(DefaultBodyLimit::max(BUNDLE_BODY_LIMIT)),
        )
        .routes(routes!(list_units, add_unit))
        .routes(routes!(change_unit))
        .routes(routes!(list_operations, create_operation))
        .routes(routes!(get_operation))
        .routes(routes!(record_operation_event))
        .routes(routes!(list_courses, add_course))
}

/// An entity as the sender enters it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityIn {
    /// `person`, `phone`, `imo`, `mmsi`, `vehicle`, `iban`, `email`, `handle`, `url` or
    /// `document`.
    kind: String,
    /// As written: a telephone number without `+` is read in the dialling plan of the
    /// sender agency's country.
    value: String,
}

/// A relation a message states: a person uses a telephone, owns a vessel, paid an account,
/// travelled with another person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "person:Karim Demo", "relation": "uses", "to": "phone:+390612345678"}))]
pub struct RelationIn {
    /// The subject, `KIND:VALUE`.
    from: String,
    /// `uses` (object: phone, email, handle, url, vehicle, imo, mmsi, document), `owns` (imo,
    /// mmsi, vehicle, iban, phone), `paid-to` (iban, person, handle, phone) or
    /// `travelled-with` (person to person); the subject is a person, or a handle for the
    /// first three.
    relation: String,
    /// The object, `KIND:VALUE`.
    to: String,
}

/// A message to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"case": null, "subject": "Crossing offered from Zuwara", "attachments": [{"name": "note.txt", "type": "text/plain", "content": "Qm9hdCBsZWF2ZXMgb24gRnJpZGF5Lg=="}], "body": "Contact 0039 06 1234 5678 (WhatsApp), payment to IBAN IT60 X054 2811 1010 0000 0123 456.", "tlp": "AMBER", "addressees": ["ES-PN", "TR-SG"], "entities": [{"kind": "person", "value": "Karim Demo"}, {"kind": "imo", "value": "IMO 9074729"}], "relations": [{"from": "person:Karim Demo", "relation": "owns", "to": "imo:9074729"}], "reliability": "B", "credibility": "2"}))]
pub struct MessageIn {
    /// The case it belongs to (its participants' agencies only may be addressed).
    #[serde(default)]
    case: Option<Uuid>,
    /// The message it answers (of the same case).
    #[serde(default)]
    reply_to: Option<Uuid>,
    subject: String,
    body: String,
    /// TLP 2.0: `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED`.
    tlp: String,
    /// Agency codes (`GET /api/v1/agencies`).
    addressees: Vec<String>,
    /// Under RED, the usernames that read it (of the addressed agencies or the sender's).
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default)]
    entities: Vec<EntityIn>,
    /// What the message states between two of its entities (each end one of `entities` or
    /// found in the text); at most 100.
    #[serde(default)]
    relations: Vec<RelationIn>,
    /// Source reliability: `A`, `B`, `C` or `X`.
    reliability: String,
    /// Information credibility: `1`, `2`, `3` or `4`.
    credibility: String,
    /// No onward sharing without the sender's consent (the default).
    #[serde(default = "yes")]
    no_onward_sharing: bool,
    /// Not for use in court without the sender's consent (the default).
    #[serde(default = "yes")]
    no_court_use: bool,
    /// Whether each addressee may see the others (by default each sees the sender and
    /// itself).
    #[serde(default)]
    distribution_visible: bool,
    /// Files: at most 5, 2 MB each, 5 MB in all; PDF, JPEG, PNG, plain text or CSV, each
    /// checked against its declared type.
    #[serde(default)]
    attachments: Vec<AttachmentIn>,
}

/// A file to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIn {
    /// Its file name.
    name: String,
    /// Its media type: `application/pdf`, `image/jpeg`, `image/png`, `text/plain` or
    /// `text/csv`.
    #[serde(rename = "type")]
    media_type: String,
    /// Its content, in base64.
    content: String,
}

fn yes() -> bool {
    true
}

/// Sends a message for the caller's agency. Its entities are checked (an invalid one is kept
/// and flagged, never matched) and matched: the answer carries the hits of the sender's
/// agency, which exist before it is returned.
#[utoipa::path(post, path = "/api/v1/intel/messages", tag = "intel", request_body = MessageIn,
    responses((status = 201, description = "the message", body = MessageView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Json(m): Json<MessageIn>,
) -> ApiResult<(StatusCode, axum::Json<MessageView>)> {
    messages::may_send(&caller.ctx)?;
    let mut attachments = Vec::with_capacity(m.attachments.len());
    for (i, a) in m.attachments.into_iter().enumerate() {
        use base64::Engine as _;
        let content = base64::engine::general_purpose::STANDARD
            .decode(a.content.trim())
            .map_err(|_| {
                ServiceError::invalid(
                    &format!("attachments[{i}].content"),
                    "expected the file's content in base64",
                )
            })?;
        attachments.push(messages::NewAttachment {
            name: a.name,
            media_type: a.media_type,
            content,
        });
    }
    let input = NewMessage {
        case: m.case,
        reply_to: m.reply_to,
        subject: m.subject,
        body: m.body,
        tlp: m.tlp,
        addressees: m.addressees,
        recipients: m.recipients,
        entities: m.entities.into_iter().map(|e| (e.kind, e.value)).collect(),
        reliability: m.reliability,
        credibility: m.credibility,
        no_onward_sharing: m.no_onward_sharing,
        no_court_use: m.no_court_use,
        distribution_visible: m.distribution_visible,
        attachments,
        relations: m
            .relations
            .into_iter()
            .map(|r| messages::NewRelation {
                from: r.from,
                relation: r.relation,
                to: r.to,
            })
            .collect(),
    };
    let view = messages::send(&state.platform, &caller.ctx, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessageParams {
    /// `inbox` (sent to the caller's agency, the default), `outbox` (sent by it) or `all`.
    folder: Option<String>,
    /// Only the messages of this case.
    case: Option<Uuid>,
}

/// The messages the caller may read, newest first (at most 500), without their text:
/// opening one is the audited read.
#[utoipa::path(get, path = "/api/v1/intel/messages", tag = "intel", params(MessageParams),
    responses((status = 200, description = "messages", body = Vec<MessageSummary>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<MessageParams>,
) -> ApiResult<axum::Json<Vec<MessageSummary>>> {
    messages::may_read(&caller.ctx)?;
    let folder = match p.folder.as_deref() {
        None | Some("") | Some("inbox") => Folder::Inbox,
        Some("outbox") => Folder::Outbox,
        Some("all") => Folder::All,
        Some(_) => {
            return Err(ServiceError::invalid("folder", "expected inbox, outbox or all").into());
        }
    };
    Ok(axum::Json(
        messages::list(&state.platform, &caller.ctx, folder, p.case).await?,
    ))
}

/// One message the caller may read (not found otherwise). Audited; a first read by another
/// agency than the sender's is shown to the sender.
#[utoipa::path(get, path = "/api/v1/intel/messages/{id}", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the message", body = MessageView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn open_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<MessageView>> {
    Ok(axum::Json(
        messages::open(&state.platform, &caller.ctx, id).await?,
    ))
}

/// The hits of the caller's agency, newest first: its own message and entity, the other
/// record's agency and TLP code, never its content.
#[utoipa::path(get, path = "/api/v1/intel/hits", tag = "intel",
    responses((status = 200, description = "hits", body = Vec<HitView>), (status = 403, body = Problem)))]
async fn list_hits(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<HitView>>> {
    hits::may_read(&caller.ctx)?;
    Ok(axum::Json(hits::list(&state.platform, &caller.ctx).await?))
}

/// A case to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Zuwara crossings, autumn 2026", "participants": ["ES-PN", "TR-SG", "PK-FIA"]}))]
pub struct CaseIn {
    title: String,
    /// The agencies taking part besides the caller's (`GET /api/v1/agencies`).
    #[serde(default)]
    participants: Vec<String>,
}

/// Opens a case for the caller's agency; each participating agency is told.
#[utoipa::path(post, path = "/api/v1/intel/cases", tag = "intel", request_body = CaseIn,
    responses((status = 201, description = "the case", body = CaseView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn open_case(
    State(state): State<AppState>,
    caller: Caller,
    Json(c): Json<CaseIn>,
) -> ApiResult<(StatusCode, axum::Json<CaseView>)> {
    cases::may_open(&caller.ctx)?;
    let case = cases::open(&state.platform, &caller.ctx, &c.title, &c.participants).await?;
    Ok((StatusCode::CREATED, axum::Json(case)))
}

/// The cases the caller's agency takes part in, newest first.
#[utoipa::path(get, path = "/api/v1/intel/cases", tag = "intel",
    responses((status = 200, description = "cases", body = Vec<CaseView>), (status = 403, body = Problem)))]
async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<CaseView>>> {
    cases::may_read(&caller.ctx)?;
    Ok(axum::Json(cases::list(&state.platform, &caller.ctx).await?))
}

/// One case the caller's agency takes part in, with its messages the caller may read.
#[utoipa::path(get, path = "/api/v1/intel/cases/{id}", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the case", body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<CaseView>> {
    Ok(axum::Json(
        cases::get(&state.platform, &caller.ctx, id).await?,
    ))
}

/// Closes a case of your agency: it takes no new message, its exchange stays readable. The
/// other participants' officers and analysts are told. Closing a closed case changes nothing.
#[utoipa::path(post, path = "/api/v1/intel/cases/{id}/close", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the case", body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn close_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<CaseView>> {
    Ok(axum::Json(
        cases::set_open(&state.platform, &caller.ctx, id, false).await?,
    ))
}

/// Reopens a closed case of your agency; the other participants are told.
#[utoipa::path(post, path = "/api/v1/intel/cases/{id}/reopen", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the case", body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn reopen_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<CaseView>> {
    Ok(axum::Json(
        cases::set_open(&state.platform, &caller.ctx, id, true).await?,
    ))
}

/// Asks the agency on the other side of one of your agency's hits to share its record with
/// your agency: one click, no body. Asking again returns the first request. The holder is
/// told, and decides.
#[utoipa::path(post, path = "/api/v1/intel/hits/{id}/request", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 201, description = "the request", body = RequestView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn request_share(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<RequestView>)> {
    sharing::may_request(&caller.ctx)?;
    let made = sharing::request(&state.platform, &caller.ctx, id).await?;
    Ok((StatusCode::CREATED, axum::Json(made)))
}

/// The requests to share that your agency made, and those it must decide, newest first.
#[utoipa::path(get, path = "/api/v1/intel/requests", tag = "intel",
    responses((status = 200, description = "requests", body = Vec<RequestView>), (status = 403, body = Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<RequestView>>> {
    Ok(axum::Json(
        sharing::list(&state.platform, &caller.ctx).await?,
    ))
}

/// Grants a request addressed to your agency: the requesting agency (under RED, the
/// requester by name) becomes an addressee of the message, a recorded and audited act.
#[utoipa::path(post, path = "/api/v1/intel/requests/{id}/grant", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the request", body = RequestView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn grant_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        sharing::decide(&state.platform, &caller.ctx, id, true).await?,
    ))
}

/// Refuses a request addressed to your agency; the requester is told.
#[utoipa::path(post, path = "/api/v1/intel/requests/{id}/refuse", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the request", body = RequestView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn refuse_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(
        sharing::decide(&state.platform, &caller.ctx, id, false).await?,
    ))
}

/// Agencies to share a message with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agencies": ["GR-HP"]}))]
pub struct ShareIn {
    /// Agency codes (`GET /api/v1/agencies`).
    agencies: Vec<String>,
}

/// Shares a message of your agency with more agencies, on your agency's own initiative (not
/// RED, which goes to named persons only). Each is told; the share is audited and listed on
/// the message for your agency.
#[utoipa::path(post, path = "/api/v1/intel/messages/{id}/share", tag = "intel", params(("id" = Uuid, Path)), request_body = ShareIn,
    responses((status = 200, description = "the message", body = MessageView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn share_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(s): Json<ShareIn>,
) -> ApiResult<axum::Json<MessageView>> {
    Ok(axum::Json(
        sharing::share(&state.platform, &caller.ctx, id, &s.agencies).await?,
    ))
}

/// A file as a download: its media type, and its name for the browser to save it under.
pub(crate) fn download(
    (name, media_type, bytes): (String, String, Vec<u8>),
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    // RFC 6266 / 5987: an ASCII fallback and the UTF-8 name, percent-encoded.
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// An attachment's content, for whoever may read its message (an audited opening of the
/// message); not found otherwise.
#[utoipa::path(get, path = "/api/v1/intel/attachments/{id}", tag = "intel", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::response::Response> {
    Ok(download(
        messages::attachment(&state.platform, &caller.ctx, id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GraphParams {
    /// `KIND:VALUE`, e.g. `phone:+923001234567` (a number without `+` is read in the dialling
    /// plan of the caller's agency's country).
    entity: String,
    /// Edges from the entity, 1 to 3 (default 2).
    depth: Option<usize>,
}

/// The network around an entity, through the messages the caller may read only: entities and
/// cases as nodes, named together in a message (`co-occurs`) or in a case's message
/// (`in-case`) as edges, nearest first, with the most connected entities. An entity the caller
/// reads no message of is not found. Audited (it shows what messages name).
#[utoipa::path(get, path = "/api/v1/intel/graph", tag = "intel", params(GraphParams),
    responses((status = 200, description = "the network", body = GraphView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn graph(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<GraphParams>,
) -> ApiResult<axum::Json<GraphView>> {
    Ok(axum::Json(
        network::neighbourhood(&state.platform, &caller.ctx, &p.entity, p.depth).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PathParams {
    /// `KIND:VALUE`.
    from: String,
    /// `KIND:VALUE`.
    to: String,
}

/// The shortest path between two entities (at most 6 edges) through the messages the caller
/// may read; `found` is false when there is none. Either entity unknown to the caller: not
/// found. Audited.
#[utoipa::path(get, path = "/api/v1/intel/graph/path", tag = "intel", params(PathParams),
    responses((status = 200, description = "the path", body = PathView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn graph_path(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<PathParams>,
) -> ApiResult<axum::Json<PathView>> {
    Ok(axum::Json(
        network::path(&state.platform, &caller.ctx, &p.from, &p.to).await?,
    ))
}

/// What the caller may read of a case, as a STIX 2.1 bundle: the case as a `grouping`, each
/// readable message as a `note` over an `observed-data` of its identifiers, the sending
/// agencies as `identity` objects, identifiers named together as `related-to`
/// relationships, each object marked with its message's TLP 2.0 marking definition (OASIS's
/// ids). A case the caller does not read is not found. Audited.
#[utoipa::path(get, path = "/api/v1/intel/cases/{id}/stix", tag = "intel",
    params(("id" = Uuid, Path, description = "the case")),
    responses((status = 200, description = "a STIX 2.1 bundle", body = serde_json::Value), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn case_stix(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    Ok(axum::Json(
        crate::service::stix::export(&state.platform, &caller.ctx, id).await?,
    ))
}

/// A STIX 2.1 bundle: its objects are checked one by one (`service::stix::read_bundle`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"type": "bundle", "id": "bundle--5d0a3f4e-7c1b-4a8e-9f2d-3b6c8e1a0d47", "objects": [{"type": "email-addr", "spec_version": "2.1", "id": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934", "value": "john@example.com"}]}))]
pub struct BundleIn {
    /// `bundle`.
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    objects: Vec<serde_json::Value>,
}

/// Takes a STIX 2.1 bundle into a case as one message of the caller's agency to the case's
/// other agencies: its text from the notes and reports, its identifiers from the observables
/// (email-addr, url, user-account) and persons (individual identities), under the most
/// restrictive TLP marking it carries (AMBER+STRICT when it carries none; RED is refused: it
/// goes to named users), the restrictions on as the form has them. A bundle with
/// one object this route cannot take is refused whole, naming the object and why.
#[utoipa::path(post, path = "/api/v1/intel/cases/{id}/stix", tag = "intel",
    params(("id" = Uuid, Path, description = "the case")),
    request_body = BundleIn,
    responses((status = 201, description = "the message it made", body = MessageView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn import_stix(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(bundle): Json<BundleIn>,
) -> ApiResult<(StatusCode, axum::Json<MessageView>)> {
    let bundle =
        serde_json::json!({"type": bundle.kind, "id": bundle.id, "objects": bundle.objects});
    let view = crate::service::stix::import(&state.platform, &caller.ctx, id, &bundle).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// A specialised unit as its agency writes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Squadra Mobile, sezione immigrazione", "competences": ["migrant-smuggling", "document-fraud"], "languages": ["it", "en", "ar"], "contact": "Duty desk", "phone": "+39 06 4686 1111", "email": "desk@example.org"}))]
pub struct UnitIn {
    name: String,
    /// `migrant-smuggling`, `trafficking`, `document-fraud`, `maritime`, `online`,
    /// `financial`.
    competences: Vec<String>,
    /// ISO 639-1 codes.
    languages: Vec<String>,
    /// The contact point: a desk or a duty post, not a person.
    contact: String,
    phone: String,
    email: String,
}

impl From<UnitIn> for crate::service::units::NewUnit {
    fn from(u: UnitIn) -> Self {
        crate::service::units::NewUnit {
            name: u.name,
            competences: u.competences,
            languages: u.languages,
            contact: u.contact,
            phone: u.phone,
            email: u.email,
        }
    }
}

/// The directory of specialised anti-smuggling units of the partnership (the G7 plan's
/// network), by country, agency and name: every agency's users read it.
#[utoipa::path(get, path = "/api/v1/intel/units", tag = "intel",
    responses((status = 200, description = "the units", body = Vec<crate::store::UnitRow>), (status = 403, body = Problem)))]
async fn list_units(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<crate::store::UnitRow>>> {
    Ok(axum::Json(
        crate::service::units::list(&state.platform, &caller.ctx).await?,
    ))
}

/// Adds a unit of the caller's agency (its officers and analysts). Audited.
#[utoipa::path(post, path = "/api/v1/intel/units", tag = "intel", request_body = UnitIn,
    responses((status = 201, description = "the unit", body = crate::store::UnitRow), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_unit(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<UnitIn>,
) -> ApiResult<(StatusCode, axum::Json<crate::store::UnitRow>)> {
    let unit = crate::service::units::add(&state.platform, &caller.ctx, &input.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(unit)))
}

/// Changes a unit of the caller's agency (another agency's is refused: it keeps its own).
/// Audited.
#[utoipa::path(post, path = "/api/v1/intel/units/{id}", tag = "intel", request_body = UnitIn,
    params(("id" = Uuid, Path, description = "the unit")),
    responses((status = 200, description = "the unit", body = crate::store::UnitRow), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn change_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<UnitIn>,
) -> ApiResult<axum::Json<crate::store::UnitRow>> {
    Ok(axum::Json(
        crate::service::units::change(&state.platform, &caller.ctx, id, &input.into()).await?,
    ))
}

/// A joint operation to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Demo-Mare II: waters off Zuwara", "participants": ["TR-SG"], "starts_on": "2026-11-01", "ends_on": "2026-12-31", "area": "33.0 11.0\n33.0 14.0\n34.5 14.0\n34.5 11.0"}))]
pub struct OperationIn {
    name: String,
    /// The other agencies taking part (codes); at least one.
    participants: Vec<String>,
    /// `YYYY-MM-DD`, both days included; at most two years.
    starts_on: String,
    ends_on: String,
    /// A simple polygon: `LAT LON` vertices (decimal degrees, latitude first), one a line or
    /// separated by `;`; 3 to 200 vertices, its edges not crossing.
    area: String,
}

impl From<OperationIn> for operations::NewOperation {
    fn from(o: OperationIn) -> Self {
        operations::NewOperation {
            name: o.name,
            participants: o.participants,
            starts_on: o.starts_on,
            ends_on: o.ends_on,
            area: o.area,
        }
    }
}

/// What happened in an operation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "interception", "date": "2026-11-14", "place": "42 nm north of Zuwara", "latitude": 33.6, "longitude": 12.1, "route": "Central Mediterranean", "border": "sea", "people": 48, "vessel": "rubber", "departure_country": "LBY", "description": "Taken aboard by the Turkish patrol vessel."}))]
pub struct OperationEventIn {
    /// `interception` or `rescue` (events of the flows pillar), `arrest` or `seizure`.
    kind: String,
    /// `YYYY-MM-DD`, within the operation's period.
    date: String,
    place: String,
    /// Decimal degrees, within the operation's area.
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    description: String,
    /// An arrest's people arrested.
    #[serde(default)]
    arrested: i64,
    /// An interception's or a rescue's Frontex route (`GET /api/v1/flows/routes`).
    #[serde(default)]
    route: String,
    /// `sea` or `land` (an interception or a rescue).
    #[serde(default)]
    border: String,
    /// People intercepted or rescued.
    #[serde(default)]
    people: i64,
    #[serde(default)]
    dead: i64,
    #[serde(default)]
    missing: i64,
    /// ISO 3166-1 alpha-3, when known.
    #[serde(default)]
    departure_country: String,
    /// `rubber`, `wooden`, `metal`, `fibreglass`, `sailing`, `fishing` or `other`, when known.
    #[serde(default)]
    vessel: String,
    /// People by nationality (ISO 3166-1 alpha-3), where known.
    #[serde(default)]
    #[schema(value_type = Object)]
    nationalities: std::collections::BTreeMap<String, i64>,
}

impl From<OperationEventIn> for operations::NewOperationEvent {
    fn from(e: OperationEventIn) -> Self {
        operations::NewOperationEvent {
            kind: e.kind,
            date: e.date,
            place: e.place,
            latitude: e.latitude,
            longitude: e.longitude,
            description: e.description,
            arrested: e.arrested,
            route: e.route,
            border: e.border,
            people: e.people,
            dead: e.dead,
            missing: e.missing,
            departure_country: e.departure_country,
            vessel: e.vessel,
            nationalities: e.nationalities.into_iter().collect(),
        }
    }
}

/// The joint operations the caller's agency leads or takes part in, newest first.
#[utoipa::path(get, path = "/api/v1/intel/operations", tag = "intel",
    responses((status = 200, description = "the operations", body = Vec<operations::OperationView>), (status = 403, body = Problem)))]
async fn list_operations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<operations::OperationView>>> {
    Ok(axum::Json(
        operations::list(&state.platform, &caller.ctx).await?,
    ))
}

/// Records a joint operation led by the caller's agency; the participants are told. Audited.
#[utoipa::path(post, path = "/api/v1/intel/operations", tag = "intel", request_body = OperationIn,
    responses((status = 201, description = "the operation", body = operations::OperationView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_operation(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<OperationIn>,
) -> ApiResult<(StatusCode, axum::Json<operations::OperationView>)> {
    let op = operations::create(&state.platform, &caller.ctx, &input.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(op)))
}

/// One operation the caller's agency takes part in, with its events (an interception's or a
/// rescue's figures are its flows event's).
#[utoipa::path(get, path = "/api/v1/intel/operations/{id}", tag = "intel",
    params(("id" = Uuid, Path, description = "the operation")),
    responses((status = 200, description = "the operation", body = operations::OperationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_operation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<operations::OperationView>> {
    Ok(axum::Json(
        operations::get(&state.platform, &caller.ctx, id).await?,
    ))
}

/// Records an event of an operation for the caller's agency, a participant: an interception
/// or a rescue is written as the flows pillar's event (counted there once), shared
/// AMBER+STRICT with the other participants. Audited.
#[utoipa::path(post, path = "/api/v1/intel/operations/{id}/events", tag = "intel", request_body = OperationEventIn,
    params(("id" = Uuid, Path, description = "the operation")),
    responses((status = 201, description = "the event", body = operations::OperationEventView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn record_operation_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<OperationEventIn>,
) -> ApiResult<(StatusCode, axum::Json<operations::OperationEventView>)> {
    let e = operations::record_event(&state.platform, &caller.ctx, id, &input.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(e)))
}

/// An agency taking part in a course.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseParticipantIn {
    /// Its code (`GET /api/v1/agencies`).
    agency: String,
    /// Its officers trained: 1 to 10,000.
    trainees: i64,
}

/// A course of joint training organised by the caller's agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Detecting forged travel documents", "topic": "document-fraud", "starts_on": "2026-11-09", "ends_on": "2026-11-13", "place": "Ankara", "participants": [{"agency": "TR-EGM", "trainees": 18}, {"agency": "IT-PS", "trainees": 4}]}))]
pub struct CourseIn {
    title: String,
    /// `document-fraud`, `smuggling-networks`, `search-and-rescue`, `human-rights`,
    /// `online-investigation` or `financial-investigation`.
    topic: String,
    /// `YYYY-MM-DD`, both days included.
    starts_on: String,
    ends_on: String,
    place: String,
    /// The agencies whose officers took part (the organiser's own too, if it trained any);
    /// a joint course has officers of two countries or more.
    participants: Vec<CourseParticipantIn>,
}

/// The partnership's courses of joint training, newest first.
#[utoipa::path(get, path = "/api/v1/intel/courses", tag = "intel",
    responses((status = 200, description = "the courses", body = Vec<training::CourseView>), (status = 403, body = Problem)))]
async fn list_courses(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<training::CourseView>>> {
    Ok(axum::Json(
        training::list(&state.platform, &caller.ctx).await?,
    ))
}

/// Records a course organised by the caller's agency; it counts in the cooperation index's
/// `joint_trainings` of every country taking part. Audited.
#[utoipa::path(post, path = "/api/v1/intel/courses", tag = "intel", request_body = CourseIn,
    responses((status = 201, description = "the course", body = training::CourseView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_course(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<CourseIn>,
) -> ApiResult<(StatusCode, axum::Json<training::CourseView>)> {
    let input = training::NewCourse {
        title: input.title,
        topic: input.topic,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        place: input.place,
        participants: input
            .participants
            .into_iter()
            .map(|p| (p.agency, p.trainees))
            .collect(),
    };
    let course = training::add(&state.platform, &caller.ctx, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(course)))
}
