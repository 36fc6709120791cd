//! The intel pages: the inbox and the outbox (the handling of every message shown), a
//! message (the audited read), the form that writes one, the cases and one case, the hits
//! of the reader's agency, and the network around an entity; the home page's card.

use accordo_intel::{Credibility, Kind, Reliability};
use accordo_server::AppState;
use accordo_server::extract::{Path, Query};
use accordo_server::pages::home::{Card, Count};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, PageRoutes, SignedForm, Viewer, done, list, render,
    viewer_error_page,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;
use uuid::Uuid;

use crate::service::cases::{self, CaseView};
use crate::service::graph as network;
use crate::service::hits::{self, HitView};
use crate::service::messages::{self, Folder, MessageSummary, NewMessage};
use crate::service::sharing;
use crate::service::units;
use crate::store::UnitRow;

mod operations;
mod training;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/intel", inbox)
        .get("/intel/outbox", outbox)
        .get("/intel/messages/new", compose)
        .post("/intel/messages", send)
        .get("/intel/messages/{id}", message_page)
        .get("/intel/cases", cases_page)
        .post("/intel/cases", open_case)
        .get("/intel/cases/{id}", case_page)
        .post("/intel/cases/{id}/close", close_case)
        .post("/intel/cases/{id}/reopen", reopen_case)
        .get("/intel/hits", hits_page)
        .post("/intel/hits/{id}/request", request_share)
        .post("/intel/requests/{id}/grant", grant)
        .post("/intel/requests/{id}/refuse", refuse)
        .post("/intel/messages/{id}/share", share)
        .get("/intel/attachments/{id}", attachment_page)
        .get("/intel/graph", graph_page)
        .get("/intel/graph/expand", graph_expand)
        .get("/intel/graph/path", path_page)
        .get("/intel/units", units_page)
        .post("/intel/units", add_unit)
        .get("/intel/operations", operations::operations_page)
        .post("/intel/operations", operations::create_operation)
        .get("/intel/operations/{id}", operations::operation_page)
        .post("/intel/operations/{id}", operations::record_event)
        .get("/intel/training", training::training_page)
        .post("/intel/training", training::add_course)
}

/// An attachment's content, for whoever may read its message (an audited opening).
async fn attachment_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> Response {
    match messages::attachment(&state.platform, &viewer.ctx, id).await {
        Ok(file) => crate::api::download(file),
        Err(e) => viewer_error_page(&state, &viewer, &e),
    }
}

const HANDLINGS: [&str; 5] = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];
/// The entity rows the form offers (more through the API; the text is searched too).
const ENTITY_ROWS: usize = 6;
/// The relation rows the form offers (the API takes up to `messages::RELATIONS_MAX`).
const RELATION_ROWS: usize = 3;

fn all() -> (String, String) {
    (String::new(), "list-all".to_owned())
}

fn tlp_filter<T: 'static>(tlp: fn(&T) -> &str) -> list::Filter<T> {
    list::Filter {
        key: "tlp",
        label: "intel-tlp",
        choices: std::iter::once(all())
            .chain(
                HANDLINGS
                    .iter()
                    .map(|h| ((*h).to_owned(), format!("TLP:{h}"))),
            )
            .collect(),
        narrows: true,
        passes: Box::new(move |row, v| tlp(row) == v),
    }
}

/// A list of messages (the list component).
fn messages_list(path: &'static str) -> list::Spec<MessageSummary> {
    use list::{Column, Key, Spec};
    Spec {
        path,
        columns: vec![
            Column {
                key: "sent",
                label: "intel-sent",
                sort: Some(|m| Some(Key::Number(m.sent_at_us))),
            },
            Column {
                key: "subject",
                label: "intel-subject",
                sort: Some(|m| Some(Key::Text(m.subject.to_lowercase()))),
            },
            Column {
                key: "agency",
                label: "intel-sender",
                sort: Some(|m| Some(Key::Text(m.sender_agency.clone()))),
            },
            Column {
                key: "grading",
                label: "intel-grading",
                sort: Some(|m| Some(Key::Text(format!("{}{}", m.reliability, m.credibility)))),
            },
        ],
        default_sort: ("sent", true),
        search: |m| format!("{} {} {}", m.subject, m.sender_agency, m.sender),
        filters: vec![tlp_filter(|m: &MessageSummary| m.tlp.as_str())],
        csv_header: &[
            "id",
            "sent_at_us",
            "subject",
            "sender_agency",
            "sender",
            "tlp",
            "reliability",
            "credibility",
            "case",
        ],
        csv_row: |m| {
            vec![
                m.id.to_string(),
                m.sent_at_us.to_string(),
                m.subject.clone(),
                m.sender_agency.clone(),
                m.sender.clone(),
                m.tlp.clone(),
                m.reliability.clone(),
                m.credibility.clone(),
                m.case.map(|c| c.to_string()).unwrap_or_default(),
            ]
        },
    }
}

async fn folder_page(
    state: AppState,
    viewer: Viewer,
    headers: HeaderMap,
    params: list::Params,
    folder: Folder,
) -> Response {
    let (path, tab) = match folder {
        Folder::Outbox => ("/intel/outbox", "outbox"),
        _ => ("/intel", "inbox"),
    };
    let found = match messages::list(&state.platform, &viewer.ctx, folder, None).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let view = match messages_list(path).apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, path, Some(&headers)),
        StatusCode::OK,
        "intel/messages.html",
        context! {
            messages => view,
            path => path,
            tab => tab,
            may_send => messages::may_send(&viewer.ctx).is_ok(),
        },
    )
}

async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    folder_page(state, viewer, headers, params, Folder::Inbox).await
}

async fn outbox(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    folder_page(state, viewer, headers, params, Folder::Outbox).await
}

/// The agencies a message may go to, `(code, name)`: every agency but the sender's that has
/// officers or analysts to read it (the service refuses the others: they are not offered).
async fn agencies(state: &AppState, viewer: &Viewer) -> Vec<(String, String)> {
    let readers = crate::service::hits::reader_roles(&crate::policy::INTEL_MESSAGE);
    accordo_store::accounts::list_agencies(&state.platform.store)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.code != viewer.ctx.actor.agency.as_str())
        .filter(|a| a.roles.iter().any(|r| readers.contains(&r.as_str())))
        .map(|a| (a.code, a.name))
        .collect()
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ComposeParams {
    /// The message answered.
    reply_to: Option<Uuid>,
    /// The case written in.
    case: Option<Uuid>,
}

/// The form that writes a message: empty (or answering one, or in a case), or as the user
/// left it with the errors beside.
async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
    given: (Option<Uuid>, Option<Uuid>),
) -> Response {
    // Whoever may not send is told so, not shown a form that cannot succeed.
    if let Err(e) = messages::may_send(&viewer.ctx) {
        return viewer_error_page(state, viewer, &e);
    }
    let (values, errors) = form;
    let (reply_to, case) = given;
    // What is answered, and the case, only as far as the writer may read them.
    let answered = match reply_to {
        Some(id) => match messages::readable(&state.platform, &viewer.ctx, id).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                let e = accordo_service::ServiceError::not_found("intel_message", id);
                return viewer_error_page(state, viewer, &e);
            }
            Err(e) => return viewer_error_page(state, viewer, &e),
        },
        None => None,
    };
    let case = case.or(answered.as_ref().and_then(|m| m.case_id));
    let open_cases: Vec<CaseView> = cases::list(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.status == "open")
        .collect();
    let chosen: Vec<String> = match values {
        Some(f) => f
            .all("addressees")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        None => answered
            .as_ref()
            .map(|m| vec![m.owner_agency.clone()])
            .unwrap_or_default(),
    };
    let entity_rows: Vec<(String, String)> = (0..ENTITY_ROWS)
        .map(|i| match values {
            Some(f) => (
                f.get(&format!("entity_kind_{i}")).to_owned(),
                f.get(&format!("entity_value_{i}")).to_owned(),
            ),
            None => (String::new(), String::new()),
        })
        .collect();
    let relation_rows: Vec<[String; 3]> = (0..RELATION_ROWS)
        .map(|i| {
            ["relation_from", "relation", "relation_to"]
                .map(|f| values.map_or_else(String::new, |v| v.get(&format!("{f}_{i}")).to_owned()))
        })
        .collect();
    let fresh = values.is_none();
    render(
        state,
        &Chrome::signed_in(viewer, "/intel/messages/new", headers),
        status,
        "intel/compose.html",
        context! {
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            chosen => chosen,
            agencies => agencies(state, viewer).await,
            handlings => HANDLINGS,
            reliabilities => Reliability::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            credibilities => Credibility::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            kinds => Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            entity_rows => entity_rows,
            relation_rows => relation_rows,
            relations => accordo_intel::relation::Stated::ALL.map(|r| r.as_str()),
            cases => open_cases,
            case => case,
            reply_to => answered.as_ref().map(|m| m.id),
            reply_subject => answered.as_ref().map(|m| format!("Re: {}", m.subject)),
            // Restrictions start on; a kept form keeps what was chosen.
            restrict_onward => fresh || values.is_some_and(|f| f.get("no_onward_sharing") == "1"),
            restrict_court => fresh || values.is_some_and(|f| f.get("no_court_use") == "1"),
            distribution_visible => values.is_some_and(|f| f.get("distribution_visible") == "1"),
            tab => "compose",
        },
    )
}

async fn compose(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(p): Query<ComposeParams>,
) -> Response {
    form_page(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
        (p.reply_to, p.case),
    )
    .await
}

/// A form's optional UUID field: `None` when blank, `Err` when not a UUID.
fn uuid_field(f: &Fields, name: &str) -> Result<Option<Uuid>, ()> {
    match f.get(name) {
        "" => Ok(None),
        t => Uuid::parse_str(t).map(Some).map_err(|_| ()),
    }
}

fn list_field(text: &str) -> Vec<String> {
    text.split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn send(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    let case = uuid_field(f, "case").unwrap_or_else(|()| {
        errors.add("case", "intel-error-case-unknown");
        None
    });
    let reply_to = uuid_field(f, "reply_to").unwrap_or_else(|()| {
        errors.add("reply_to", "intel-error-reply-unknown");
        None
    });
    let entities: Vec<(String, String)> = (0..ENTITY_ROWS)
        .filter_map(|i| {
            let value = f.get(&format!("entity_value_{i}"));
            (!value.is_empty()).then(|| {
                (
                    f.get(&format!("entity_kind_{i}")).to_owned(),
                    value.to_owned(),
                )
            })
        })
        .collect();
    let input = NewMessage {
        case,
        reply_to,
        subject: f.get("subject").to_owned(),
        body: f.raw("body").to_owned(),
        tlp: f.get("tlp").to_owned(),
        addressees: f
            .all("addressees")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        recipients: list_field(f.get("recipients")),
        entities,
        reliability: f.get("reliability").to_owned(),
        credibility: f.get("credibility").to_owned(),
        no_onward_sharing: f.get("no_onward_sharing") == "1",
        no_court_use: f.get("no_court_use") == "1",
        distribution_visible: f.get("distribution_visible") == "1",
        // Files are attached through the API (`attachments`); the form sends text.
        attachments: Vec::new(),
        relations: filled_relations(f)
            .map(|i| messages::NewRelation {
                from: f.get(&format!("relation_from_{i}")).to_owned(),
                relation: f.get(&format!("relation_{i}")).to_owned(),
                to: f.get(&format!("relation_to_{i}")).to_owned(),
            })
            .collect(),
    };
    // Every mistake at once: what the page could not read, then what the rules refuse (an
    // entity's refusal under its row's field).
    match messages::refusals(&state.platform, &v.ctx, &input).await {
        Err(e) => return viewer_error_page(&state, v, &e),
        Ok(refused) => {
            errors.add_refusals(&state, &v.lang, &refused, "subject", |field| {
                entity_field(field, f)
            });
        }
    }
    let given = (reply_to, case);
    if !errors.is_empty() {
        return kept(&state, v, f, &errors, given).await;
    }
    match messages::send(&state.platform, &v.ctx, &input).await {
        Ok(m) => done(&format!("/intel/messages/{}", m.id), "intel-sent-done"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "subject") {
            Some(errors) => kept(&state, v, f, &errors, given).await,
            None => viewer_error_page(&state, v, &e),
        },
    }
}

/// The form again as the user left it, with its errors.
async fn kept(
    state: &AppState,
    viewer: &Viewer,
    fields: &Fields,
    errors: &FormErrors,
    given: (Option<Uuid>, Option<Uuid>),
) -> Response {
    form_page(
        state,
        viewer,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(fields), Some(errors)),
        given,
    )
    .await
}

/// The relation rows the user filled in (an end written), by row.
fn filled_relations(f: &Fields) -> impl Iterator<Item = usize> + '_ {
    (0..RELATION_ROWS).filter(|i| {
        !f.get(&format!("relation_from_{i}")).is_empty()
            || !f.get(&format!("relation_to_{i}")).is_empty()
    })
}

/// The form field of an API field: `entities[i].kind` is the i-th filled row's kind select,
/// `relations[i].from` the i-th filled relation row's first end.
fn entity_field(field: &str, f: &Fields) -> String {
    if let Some((index, part)) = field
        .strip_prefix("relations[")
        .and_then(|rest| rest.split_once("]."))
        && let Ok(index) = index.parse::<usize>()
    {
        let name = match part {
            "from" => "relation_from",
            "to" => "relation_to",
            _ => "relation",
        };
        return filled_relations(f)
            .nth(index)
            .map_or_else(|| field.to_owned(), |row| format!("{name}_{row}"));
    }
    let Some(index) = field
        .strip_prefix("entities[")
        .and_then(|rest| rest.strip_suffix("].kind"))
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return field.to_owned();
    };
    (0..ENTITY_ROWS)
        .filter(|i| !f.get(&format!("entity_value_{i}")).is_empty())
        .nth(index)
        .map_or_else(|| field.to_owned(), |row| format!("entity_kind_{row}"))
}

async fn message_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    message_with(&state, &viewer, Some(&headers), id, StatusCode::OK, None).await
}

/// A message's page (the audited read), with the share form's errors when it was refused.
async fn message_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    errors: Option<&FormErrors>,
) -> Response {
    let m = match messages::open(&state.platform, &viewer.ctx, id).await {
        Ok(m) => m,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let case = match m.case {
        Some(c) => cases::readable(&state.platform, &viewer.ctx, c)
            .await
            .ok()
            .flatten()
            .map(|(row, _)| row.title),
        None => None,
    };
    let own = m.sender_agency == viewer.ctx.actor.agency.as_str();
    // The owner may share a message that is not RED with the agencies it does not go to yet.
    let may_share =
        own && m.tlp != "RED" && sharing::may_share(&viewer.ctx, &m.sender_agency).is_ok();
    let more: Vec<(String, String)> = if may_share {
        agencies(state, viewer)
            .await
            .into_iter()
            .filter(|(code, _)| !m.addressees.contains(code))
            .collect()
    } else {
        Vec::new()
    };
    render(
        state,
        &Chrome::signed_in(viewer, &format!("/intel/messages/{id}"), headers),
        status,
        "intel/message.html",
        context! {
            may_reply => messages::may_send(&viewer.ctx).is_ok(),
            own => own,
            may_share => may_share && !more.is_empty(),
            more => more,
            errors => errors.map(|e| &e.by_field),
            case_title => case,
            m => m,
            tab => if own { "outbox" } else { "inbox" },
        },
    )
}

fn cases_list() -> list::Spec<CaseView> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/intel/cases",
        columns: vec![
            Column {
                key: "opened",
                label: "intel-opened",
                sort: Some(|c| Some(Key::Number(c.opened_at_us))),
            },
            Column {
                key: "title",
                label: "intel-case-title",
                sort: Some(|c| Some(Key::Text(c.title.to_lowercase()))),
            },
            Column {
                key: "owner",
                label: "intel-case-owner",
                sort: Some(|c| Some(Key::Text(c.owner_agency.clone()))),
            },
            Column {
                key: "participants",
                label: "intel-case-participants",
                sort: Some(|c| Some(Key::Number(c.participants.len() as i64))),
            },
        ],
        default_sort: ("opened", true),
        search: |c| format!("{} {}", c.title, c.participants.join(" ")),
        filters: vec![Filter {
            key: "status",
            label: "intel-case-status",
            choices: vec![
                all(),
                ("open".into(), "intel-case-status-open".into()),
                ("closed".into(), "intel-case-status-closed".into()),
            ],
            narrows: true,
            passes: Box::new(|c, v| c.status == v),
        }],
        csv_header: &[
            "id",
            "opened_at_us",
            "title",
            "owner_agency",
            "participants",
            "status",
        ],
        csv_row: |c| {
            vec![
                c.id.to_string(),
                c.opened_at_us.to_string(),
                c.title.clone(),
                c.owner_agency.clone(),
                c.participants.join(" "),
                c.status.clone(),
            ]
        },
    }
}

async fn cases_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    params: &list::Params,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let found = match cases::list(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let view = match cases_list().apply(found, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let (values, errors) = form;
    let chosen: Vec<String> = values
        .map(|f| {
            f.all("participants")
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        })
        .unwrap_or_default();
    render(
        state,
        &Chrome::signed_in(viewer, "/intel/cases", headers),
        status,
        "intel/cases.html",
        context! {
            cases => view,
            may_open => cases::may_open(&viewer.ctx).is_ok(),
            agencies => agencies(state, viewer).await,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            chosen => chosen,
            tab => "cases",
        },
    )
}

async fn cases_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    cases_with(
        &state,
        &viewer,
        Some(&headers),
        &params,
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn open_case(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let participants: Vec<String> = f
        .all("participants")
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    match cases::open(&state.platform, &v.ctx, f.get("title"), &participants).await {
        Ok(c) => done(&format!("/intel/cases/{}", c.id), "intel-case-opened"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "title") {
            Some(errors) => {
                cases_with(
                    &state,
                    v,
                    None,
                    &list::Params::default(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (Some(f), Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn case_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    let case = match cases::get(&state.platform, &viewer.ctx, id).await {
        Ok(c) => c,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, &format!("/intel/cases/{id}"), Some(&headers)),
        StatusCode::OK,
        "intel/case.html",
        context! {
            may_send => messages::may_send(&viewer.ctx).is_ok() && case.status == "open",
            may_close => cases::may_close(&viewer.ctx, &case.owner_agency).is_ok(),
            c => case,
            tab => "cases",
        },
    )
}

async fn set_open(state: AppState, form: SignedForm, id: Uuid, open: bool) -> Response {
    match cases::set_open(&state.platform, &form.viewer.ctx, id, open).await {
        Ok(_) => done(
            &format!("/intel/cases/{id}"),
            if open {
                "intel-case-reopened"
            } else {
                "intel-case-closed"
            },
        ),
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

async fn close_case(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    set_open(state, form, id, false).await
}

async fn reopen_case(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    set_open(state, form, id, true).await
}

fn hits_list() -> list::Spec<HitView> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/intel/hits",
        columns: vec![
            Column {
                key: "at",
                label: "intel-hit-at",
                sort: Some(|h| Some(Key::Number(h.at_us))),
            },
            Column {
                key: "entity",
                label: "intel-hit-entity",
                sort: Some(|h| {
                    Some(Key::Text(format!(
                        "{} {}",
                        h.entity.kind, h.entity.normalised
                    )))
                }),
            },
            Column {
                key: "agency",
                label: "intel-hit-agency",
                sort: Some(|h| Some(Key::Text(h.other_agency.clone()))),
            },
        ],
        default_sort: ("at", true),
        search: |h| {
            format!(
                "{} {} {}",
                h.entity.normalised, h.entity.kind, h.other_agency
            )
        },
        filters: vec![
            Filter {
                key: "kind",
                label: "intel-entity-kind",
                choices: std::iter::once(all())
                    .chain(
                        Kind::ALL
                            .iter()
                            .map(|k| (k.as_str().to_owned(), format!("intel-kind-{}", k.as_str()))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|h, v| h.entity.kind == v),
            },
            tlp_filter(|h: &HitView| h.other_tlp.as_str()),
        ],
        csv_header: &[
            "id",
            "at_us",
            "message",
            "kind",
            "normalised",
            "other_agency",
            "other_tlp",
        ],
        csv_row: |h| {
            vec![
                h.id.to_string(),
                h.at_us.to_string(),
                h.message.to_string(),
                h.entity.kind.clone(),
                h.entity.normalised.clone(),
                h.other_agency.clone(),
                h.other_tlp.clone(),
            ]
        },
    }
}

async fn hits_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    let found = match hits::list(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let view = match hits_list().apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let requests = sharing::list(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    render(
        &state,
        &Chrome::signed_in(&viewer, "/intel/hits", Some(&headers)),
        StatusCode::OK,
        "intel/hits.html",
        context! {
            hits => view,
            may_request => sharing::may_request(&viewer.ctx).is_ok(),
            received => requests.iter().filter(|r| r.message.is_some()).collect::<Vec<_>>(),
            tab => "hits",
        },
    )
}

/// One click on a hit: the request to share the other record.
async fn request_share(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    match sharing::request(&state.platform, &form.viewer.ctx, id).await {
        Ok(_) => done("/intel/hits", "intel-requested"),
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

async fn decide(state: AppState, form: SignedForm, id: Uuid, grant: bool) -> Response {
    match sharing::decide(&state.platform, &form.viewer.ctx, id, grant).await {
        // Decided meanwhile (another click): the list says how.
        Ok(_) | Err(accordo_service::ServiceError::Rules { .. }) => done(
            "/intel/hits#h-requests",
            if grant {
                "intel-granted"
            } else {
                "intel-refused"
            },
        ),
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

async fn grant(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    decide(state, form, id, true).await
}

async fn refuse(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    decide(state, form, id, false).await
}

/// The owner shares its message with the agencies ticked.
async fn share(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let agencies: Vec<String> = form
        .fields
        .all("agencies")
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    match sharing::share(&state.platform, &v.ctx, id, &agencies).await {
        Ok(_) => done(&format!("/intel/messages/{id}"), "intel-shared"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "agencies") {
            Some(errors) => {
                message_with(
                    &state,
                    v,
                    None,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(&errors),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

/// The home page's card: the agency's hits and the messages in its inbox.
pub async fn home_cards(state: &AppState, viewer: &Viewer) -> Vec<Card> {
    if messages::may_read(&viewer.ctx).is_err() {
        return Vec::new();
    }
    let inbox = messages::list(&state.platform, &viewer.ctx, Folder::Inbox, None)
        .await
        .map(|l| l.len() as i64)
        .unwrap_or(0);
    let found = hits::list(&state.platform, &viewer.ctx)
        .await
        .map(|l| l.len() as i64)
        .unwrap_or(0);
    vec![Card {
        id: "intel",
        title: "home-intel-title",
        icon: "it-mail",
        href: Some("/intel"),
        counts: vec![
            Count {
                label: "home-intel-inbox",
                value: inbox,
                text: None,
                href: Some("/intel".into()),
                warn: false,
            },
            Count {
                label: "home-intel-hits",
                value: found,
                text: None,
                href: Some("/intel/hits".into()),
                warn: found > 0,
            },
        ],
        items: Vec::new(),
        empty: None,
    }]
}

/// The network page's form: an entity by kind and value, and a depth.
#[derive(Debug, Default, serde::Deserialize)]
struct GraphForm {
    kind: Option<String>,
    value: Option<String>,
    depth: Option<String>,
}

/// The network around an entity, drawn (the vendored cytoscape.js) and in tables beside it;
/// the form keeps what was asked. An entity the reader reads nothing of is said so, like one
/// nobody named.
async fn graph_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(form): Query<GraphForm>,
) -> Response {
    if let Err(e) = messages::may_read(&viewer.ctx) {
        return viewer_error_page(&state, &viewer, &e);
    }
    let kind = form.kind.unwrap_or_else(|| "phone".to_owned());
    let value = form.value.unwrap_or_default();
    let depth = form
        .depth
        .unwrap_or_else(|| network::DEFAULT_DEPTH.to_string());
    let (mut graph, mut not_found, mut errors) = (None, false, None);
    if !value.trim().is_empty() {
        let asked = network::neighbourhood(
            &state.platform,
            &viewer.ctx,
            &format!("{kind}:{value}"),
            Some(depth.parse().unwrap_or(0)),
        )
        .await;
        match asked {
            Ok(found) => graph = Some(found),
            Err(accordo_service::ServiceError::NotFound { .. }) => not_found = true,
            Err(e) => match FormErrors::from_service(&state, &viewer.lang, &e, "value") {
                Some(mut refused) => {
                    // The service's `entity` is this form's kind and value.
                    if let Some(error) = refused.by_field.remove("entity") {
                        refused.by_field.insert("value".to_owned(), error);
                    }
                    errors = Some(refused);
                }
                None => return viewer_error_page(&state, &viewer, &e),
            },
        }
    }
    let drawing = graph
        .as_ref()
        .map(|g| serde_json::to_string(g).unwrap_or_default());
    render(
        &state,
        &Chrome::signed_in(&viewer, "/intel/graph", Some(&headers)),
        if errors.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "intel/graph.html",
        context! {
            kinds => Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            kind,
            value,
            depth,
            depths => (1..=network::MAX_DEPTH).map(|d| d.to_string()).collect::<Vec<_>>(),
            max_nodes => network::MAX_NODES,
            max_edges => network::MAX_EDGES,
            graph,
            drawing,
            not_found,
            errors => errors.map(|e| e.by_field),
            tab => "network",
        },
    )
}

/// The path form: two entities, each by kind and value.
#[derive(Debug, Default, serde::Deserialize)]
struct PathForm {
    from_kind: Option<String>,
    from: Option<String>,
    to_kind: Option<String>,
    to: Option<String>,
}

/// The shortest path between two entities through the reader's messages, as a list of steps
/// with the link of each; the form keeps what was asked. An end the reader reads nothing of is
/// said so, like one nobody named.
async fn path_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(form): Query<PathForm>,
) -> Response {
    if let Err(e) = messages::may_read(&viewer.ctx) {
        return viewer_error_page(&state, &viewer, &e);
    }
    let from_kind = form.from_kind.unwrap_or_else(|| "phone".to_owned());
    let to_kind = form.to_kind.unwrap_or_else(|| "phone".to_owned());
    let (from, to) = (form.from.unwrap_or_default(), form.to.unwrap_or_default());
    let (mut path, mut unknown, mut errors) = (None, None, None);
    if !from.trim().is_empty() || !to.trim().is_empty() {
        let mut missing = FormErrors::default();
        for (name, value) in [("from", &from), ("to", &to)] {
            if value.trim().is_empty() {
                missing.add(name, "error-required");
            }
        }
        if missing.is_empty() {
            let (a, b) = (format!("{from_kind}:{from}"), format!("{to_kind}:{to}"));
            match network::path(&state.platform, &viewer.ctx, &a, &b).await {
                Ok(found) => path = Some(found),
                Err(accordo_service::ServiceError::NotFound { id, .. }) => {
                    // Which end: the far one is looked for first.
                    let far = network::parse_entity(&viewer.ctx, "to", &b)
                        .ok()
                        .map(|n| network::node_id(&n));
                    unknown = Some(if far.as_deref() == Some(id.as_str()) {
                        "to"
                    } else {
                        "from"
                    });
                }
                Err(e) => match FormErrors::from_service(&state, &viewer.lang, &e, "from") {
                    Some(refused) => errors = Some(refused),
                    None => return viewer_error_page(&state, &viewer, &e),
                },
            }
        } else {
            errors = Some(missing);
        }
    }
    render(
        &state,
        &Chrome::signed_in(&viewer, "/intel/graph", Some(&headers)),
        if errors.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "intel/path.html",
        context! {
            kinds => Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            from_kind,
            from_value => from,
            to_kind,
            to_value => to,
            max_length => network::MAX_PATH,
            path,
            unknown,
            errors => errors.map(|e| e.by_field),
            tab => "network",
        },
    )
}

#[derive(Debug, serde::Deserialize)]
struct ExpandParams {
    entity: String,
}

/// One more edge around a node of the drawing, for the page's script: the network at depth
/// 1 around `entity` (`KIND:KEY`), as JSON, under the same rules and audit as the page.
async fn graph_expand(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(p): Query<ExpandParams>,
) -> Response {
    use axum::response::IntoResponse;
    match network::neighbourhood(&state.platform, &viewer.ctx, &p.entity, Some(1)).await {
        Ok(found) => axum::Json(found).into_response(),
        Err(e) => accordo_server::problem::Problem::from(e).into_response(),
    }
}

fn units_list() -> list::Spec<UnitRow> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/intel/units",
        columns: vec![
            Column {
                key: "country",
                label: "intel-unit-country",
                sort: Some(|u| Some(Key::Text(u.country.clone()))),
            },
            Column {
                key: "name",
                label: "intel-unit-name",
                sort: Some(|u| Some(Key::Text(u.name.to_lowercase()))),
            },
            Column {
                key: "competences",
                label: "intel-unit-competences",
                sort: None,
            },
            Column {
                key: "contact",
                label: "intel-unit-contact",
                sort: None,
            },
        ],
        default_sort: ("country", false),
        search: |u| {
            format!(
                "{} {} {} {} {} {}",
                u.name, u.agency, u.country, u.competences, u.languages, u.contact
            )
        },
        filters: vec![Filter {
            key: "competence",
            label: "intel-unit-competence",
            choices: std::iter::once(all())
                .chain(
                    units::COMPETENCES
                        .iter()
                        .map(|c| ((*c).to_owned(), format!("intel-competence-{c}"))),
                )
                .collect(),
            narrows: true,
            passes: Box::new(|u, v| u.competences.split(' ').any(|c| c == v)),
        }],
        csv_header: &[
            "id",
            "agency",
            "country",
            "name",
            "competences",
            "languages",
            "contact",
            "phone",
            "email",
        ],
        csv_row: |u| {
            vec![
                u.id.to_string(),
                u.agency.clone(),
                u.country.clone(),
                u.name.clone(),
                u.competences.clone(),
                u.languages.clone(),
                u.contact.clone(),
                u.phone.clone(),
                u.email.clone(),
            ]
        },
    }
}

async fn units_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    params: &list::Params,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let found = match units::list(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let view = match units_list().apply(found, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let (values, errors) = form;
    let chosen: Vec<String> = values
        .map(|f| {
            f.all("competences")
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        })
        .unwrap_or_default();
    render(
        state,
        &Chrome::signed_in(viewer, "/intel/units", headers),
        status,
        "intel/units.html",
        context! {
            units => view,
            may_add => units::may_add(&viewer.ctx),
            intel => messages::may_read(&viewer.ctx).is_ok(),
            competences => units::COMPETENCES,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            chosen => chosen,
            tab => "units",
        },
    )
}

/// The directory of specialised units: a list with search, a filter by competence, sorting,
/// paging and CSV; the form that adds one of the reader's agency, for those who may.
async fn units_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    units_with(
        &state,
        &viewer,
        Some(&headers),
        &params,
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn add_unit(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let split = |name: &str| -> Vec<String> {
        f.get(name)
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let input = units::NewUnit {
        name: f.get("name").to_owned(),
        competences: f
            .all("competences")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        languages: split("languages"),
        contact: f.get("contact").to_owned(),
        phone: f.get("phone").to_owned(),
        email: f.get("email").to_owned(),
    };
    match units::add(&state.platform, &v.ctx, &input).await {
        Ok(_) => done("/intel/units", "intel-unit-added"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "name") {
            Some(errors) => {
                units_with(
                    &state,
                    v,
                    None,
                    &list::Params::default(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (Some(f), Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}
