//! The returns pillar's pages: the caseworker's cases (deadlines at risk first) and a case
//! with every next step and what blocks it; the partner authority's inbox with each
//! deadline counting down; centres for the monitor; the agreements' terms.

use crate::policy;
use crate::service::{self, Decision, Evidence, NewCase, TransitionInput};
use accordo_domain::Role;
use accordo_domain::access::{Action, Resource};
use accordo_server::extract::{Path, Query};
use accordo_service::ServiceError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::pages::home::{Card, Count};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, catalogue_text, done, error_page, render,
    viewer_error_page,
};
use accordo_server::pages::{PageRoutes, list};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/returns", entry)
        .get("/returns/cases", cases)
        .post("/returns/cases", create_case)
        .get("/returns/cases/{id}", case)
        .post("/returns/cases/{id}/transition", transition)
        .post("/returns/cases/{id}/safeguard", safeguard)
        .post("/returns/cases/{id}/document", document)
        .post("/returns/cases/{id}/request", request)
        .post("/returns/cases/{id}/legal", legal)
        .get("/returns/inbox", inbox)
        .post("/returns/requests/{id}/reply", reply)
        .post("/returns/requests/{id}/travel-document", travel_document)
        .post("/returns/requests/{id}/information", information)
        .post("/returns/requests/{id}/extension", extension)
        .get("/returns/centres", centres)
        .post("/returns/centres", create_centre)
        .post("/returns/cases/{id}/place", place)
        .post("/returns/agreements/{id}", edit_agreement)
        .get("/returns/centres/{id}", centre)
        .get("/returns/agreements", agreements)
}

fn may(viewer: &Viewer, action: Action, policy: &'static accordo_domain::KindPolicy) -> bool {
    accordo_domain::can(&viewer.ctx.actor, action, Resource::collection(policy)).is_ok()
}

/// The returns tabs this viewer has.
fn tabs(viewer: &Viewer) -> Vec<Value> {
    let a = &viewer.ctx.actor;
    let mut out = Vec::new();
    if may(viewer, Action::Create, &policy::RETURN_CASE) {
        out.push(context! { href => "/returns/cases", label => "returns-cases" });
    }
    if a.roles.contains(accordo_domain::Role::PartnerAuthority) {
        out.push(context! { href => "/returns/inbox", label => "returns-inbox" });
    }
    if may(viewer, Action::Read, &policy::CENTRE) {
        out.push(context! { href => "/returns/centres", label => "returns-centres" });
    }
    if may(viewer, Action::Read, &policy::READMISSION_AGREEMENT) {
        out.push(context! { href => "/returns/agreements", label => "returns-agreements" });
    }
    out
}

fn show(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    path: &str,
    status: StatusCode,
    template: &str,
    page: Value,
) -> Response {
    let page = context! { tabs => tabs(viewer), ..page };
    render(
        state,
        &Chrome::signed_in(viewer, path, headers),
        status,
        template,
        page,
    )
}

/// `/returns`: each role's own first page.
async fn entry(State(state): State<AppState>, viewer: Viewer) -> Response {
    match tabs(&viewer).first() {
        Some(tab) => Redirect::to(
            &tab.get_attr("href")
                .map(|h| h.to_string())
                .unwrap_or_default(),
        )
        .into_response(),
        None => error_page(
            &state,
            &viewer.lang,
            &accordo_domain::can(
                &viewer.ctx.actor,
                Action::Read,
                Resource::collection(&policy::RETURN_CASE),
            )
            .err()
            .map_or_else(
                || ServiceError::not_found("page", "/returns"),
                ServiceError::from,
            ),
        ),
    }
}

fn vulnerabilities() -> Vec<&'static str> {
    accordo_returns::Vulnerability::ALL
        .iter()
        .map(|v| v.as_str())
        .collect()
}

fn asylum_states() -> Vec<&'static str> {
    accordo_returns::Asylum::ALL
        .iter()
        .map(|v| v.as_str())
        .collect()
}

/// The caseworker's list of cases (the list component: search, filters, sorting, pages, CSV).
fn cases_list() -> list::Spec<service::CaseSummary> {
    use accordo_returns::case::State as CaseState;
    use list::{Column, Filter, Key};
    let mut states = vec![(String::new(), "list-all".to_owned())];
    states.extend(CaseState::ALL.iter().map(|s| {
        (
            s.as_str().to_owned(),
            format!("returns-state-{}", s.as_str()),
        )
    }));
    let deadlines = ["overdue", "soon", "later", "none"]
        .into_iter()
        .map(|d| (d.to_owned(), format!("returns-deadline-filter-{d}")));
    list::Spec {
        path: "/returns/cases",
        columns: vec![
            Column {
                key: "person",
                label: "returns-person",
                sort: Some(|c| Some(Key::Text(format!("{} {}", c.surname, c.given_names)))),
            },
            Column {
                key: "reference",
                label: "returns-biometric-ref",
                sort: Some(|c| Some(Key::Text(c.biometric_ref.clone()))),
            },
            Column {
                key: "nationality",
                label: "returns-nationality",
                sort: Some(|c| Some(Key::Text(c.claimed_nationality.clone()))),
            },
            Column {
                key: "state",
                label: "returns-state",
                sort: Some(|c| Some(Key::Text(c.state.as_str().to_owned()))),
            },
            Column {
                key: "request",
                label: "returns-request-column",
                sort: Some(|c| c.request_status.clone().map(Key::Text)),
            },
            Column {
                key: "deadline",
                label: "returns-deadline",
                sort: Some(|c| c.deadline.map(|d| Key::Text(d.to_string()))),
            },
            Column {
                key: "updated",
                label: "returns-changed",
                sort: Some(|c| Some(Key::Number(c.updated_at))),
            },
        ],
        default_sort: ("updated", true),
        search: |c| {
            format!(
                "{} {} {} {} {}",
                c.surname, c.given_names, c.biometric_ref, c.claimed_nationality, c.caseworker
            )
        },
        filters: vec![
            Filter {
                key: "state",
                label: "returns-state",
                choices: states,
                narrows: true,
                passes: Box::new(|c, v| c.state.as_str() == v),
            },
            Filter {
                key: "deadline",
                label: "returns-deadline",
                choices: std::iter::once((String::new(), "list-all".to_owned()))
                    .chain(deadlines)
                    .collect(),
                narrows: true,
                passes: Box::new(|c, v| match (v, c.days_left) {
                    ("overdue", Some(d)) => d < 0,
                    ("soon", Some(d)) => (0..=service::AT_RISK_DAYS).contains(&d),
                    ("later", Some(d)) => d > service::AT_RISK_DAYS,
                    ("none", None) => true,
                    _ => false,
                }),
            },
        ],
        csv_header: &[
            "id",
            "surname",
            "given_names",
            "biometric_ref",
            "claimed_nationality",
            "state",
            "asylum",
            "request_status",
            "deadline",
            "caseworker",
        ],
        csv_row: |c| {
            vec![
                c.id.to_string(),
                c.surname.clone(),
                c.given_names.clone(),
                c.biometric_ref.clone(),
                c.claimed_nationality.clone(),
                c.state.as_str().to_owned(),
                c.asylum.as_str().to_owned(),
                c.request_status.clone().unwrap_or_default(),
                c.deadline.map(|d| d.to_string()).unwrap_or_default(),
                c.caseworker.clone(),
            ]
        },
    }
}

async fn cases_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    params: &list::Params,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
) -> Response {
    let all = match service::list_cases(&state.platform, &viewer.ctx).await {
        Ok(list) => list,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    // Within the next days, not overdue: the overdue are a filter of the list.
    let at_risk: Vec<_> = all
        .iter()
        .filter(|c| {
            c.days_left
                .is_some_and(|d| (0..=service::AT_RISK_DAYS).contains(&d))
        })
        .cloned()
        .collect();
    let overdue = all
        .iter()
        .filter(|c| c.days_left.is_some_and(|d| d < 0))
        .count();
    let listed = match cases_list().apply(all, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let centres = service::centres(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    show(
        state,
        viewer,
        headers,
        "/returns/cases",
        status,
        "returns/cases.html",
        context! {
            cases => listed,
            at_risk => at_risk,
            overdue => overdue,
            at_risk_days => service::AT_RISK_DAYS,
            centres => centres,
            vulnerabilities => vulnerabilities(),
            asylum_states => asylum_states(),
            values => values.map(Fields::kept),
            checked => values.map(|f| f.all("vulnerabilities").into_iter().map(str::to_owned).collect::<Vec<_>>()),
            errors => errors.map(|e| &e.by_field),
        },
    )
}

async fn cases(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    cases_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &params,
        None,
        None,
    )
    .await
}

fn optional(f: &Fields, name: &str) -> Option<String> {
    Some(f.get(name).to_owned()).filter(|v| !v.is_empty())
}

async fn create_case(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["surname", "claimed_nationality", "asylum"]);
    let input = NewCase {
        surname: f.get("surname").to_owned(),
        given_names: f.get("given_names").to_owned(),
        date_of_birth: optional(f, "date_of_birth"),
        claimed_nationality: f.get("claimed_nationality").to_owned(),
        vulnerabilities: f
            .all("vulnerabilities")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        asylum: f.get("asylum").to_owned(),
        return_decision_date: optional(f, "return_decision_date"),
        biometric_ref: optional(f, "biometric_ref"),
        centre: f.get("centre").parse().ok(),
        centre_from: optional(f, "centre_from"),
    };
    // Every mistake of the fields at once, beside the ones found empty (a field keeps its
    // first error); the API's `person.surname` is the form's `surname`.
    errors.add_refusals(
        &state,
        &v.lang,
        &service::case_refusals(&state.platform, &input),
        "surname",
        |field| field.trim_start_matches("person.").to_owned(),
    );
    if errors.is_empty() {
        match service::create_case(&state.platform, &v.ctx, input).await {
            Ok(row) => return done(&format!("/returns/cases/{}", row.id), "returns-case-opened"),
            Err(e) => match form_errors(&state, &v.lang, &e, "surname") {
                Some(found) => errors = found,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    cases_view(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        &list::Params::default(),
        Some(f),
        Some(&errors),
    )
    .await
}

/// A service's refusal as form errors; `person.surname` becomes the form's `surname`.
fn form_errors(
    state: &AppState,
    lang: &str,
    e: &ServiceError,
    default_field: &str,
) -> Option<FormErrors> {
    let mut errors = FormErrors::from_service(state, lang, e, default_field)?;
    errors.by_field = std::mem::take(&mut errors.by_field)
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches("person.").to_owned(), v))
        .collect();
    Some(errors)
}

/// Which form of the case page was refused, with its values and errors.
struct Refused<'a> {
    form: &'a str,
    fields: &'a Fields,
    errors: FormErrors,
}

async fn case_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    refused: Option<Refused<'_>>,
) -> Response {
    let view = match service::get_case(&state.platform, &viewer.ctx, id).await {
        Ok(view) => view,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let agreements = service::agreements(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    let centres = service::centres(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    let centre_names: std::collections::BTreeMap<String, String> = centres
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (form, values, errors) = match &refused {
        Some(r) => (
            Some(r.form),
            Some(r.fields.kept()),
            Some(&r.errors.by_field),
        ),
        None => (None, None, None),
    };
    // Boxes ticked in a refused form stay ticked.
    let chosen_evidence: Vec<&str> = refused
        .as_ref()
        .map(|r| r.fields.all("evidence"))
        .unwrap_or_default();
    show(
        state,
        viewer,
        headers,
        "/returns/cases",
        status,
        "returns/case.html",
        context! {
            case => view,
            // An agreement's name as shipped reads in the reader's language.
            agreement_names => agreements.iter().map(|a| (
                a.authority_agency.clone(),
                crate::demo::shipped_words(&a.name)
                    .and_then(|id| catalogue_text(state, &viewer.lang, &id))
                    .unwrap_or_else(|| a.name.clone()),
            )).collect::<std::collections::BTreeMap<_, _>>(),
            agreements => agreements,
            centres => centres,
            centre_names => centre_names,
            evidence_kinds => accordo_returns::agreement::EVIDENCE_KINDS,
            safeguard_kinds => service::SAFEGUARD_KINDS,
            document_kinds => service::DOCUMENT_KINDS,
            return_kinds => accordo_returns::case::ReturnKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            vulnerabilities => vulnerabilities(),
            asylum_states => asylum_states(),
            form => form,
            values => values,
            errors => errors,
            chosen_evidence => chosen_evidence,
        },
    )
}

async fn case(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    case_view(&state, &viewer, Some(&headers), id, None).await
}

/// Runs a case form: on success back to the case with a message; a refusal shows the case
/// again with the errors beside the form's fields.
async fn case_form<F, Fut>(
    state: AppState,
    form: SignedForm,
    id: Uuid,
    name: &str,
    default_field: &str,
    flash: &str,
    act: F,
) -> Response
where
    F: FnOnce(AppState, accordo_service::Ctx, Fields) -> Fut,
    Fut: std::future::Future<Output = Result<(), ServiceError>>,
{
    let SignedForm { viewer, fields } = form;
    match act(state.clone(), viewer.ctx.clone(), fields.clone()).await {
        Ok(()) => done(&format!("/returns/cases/{id}"), flash),
        Err(e) => match FormErrors::from_service(&state, &viewer.lang, &e, default_field) {
            Some(errors) => {
                let refused = Refused {
                    form: name,
                    fields: &fields,
                    errors,
                };
                case_view(&state, &viewer, None, id, Some(refused)).await
            }
            None => viewer_error_page(&state, &viewer, &e),
        },
    }
}

async fn transition(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let to = form.fields.get("to").to_owned();
    let name = format!("transition-{to}");
    case_form(
        state,
        form,
        id,
        &name,
        "to",
        "returns-case-moved",
        |s, ctx, f| async move {
            let input = TransitionInput {
                to: f.get("to").to_owned(),
                kind: optional(&f, "kind"),
                date: optional(&f, "date"),
                reason: optional(&f, "reason"),
            };
            service::transition(&s.platform, &ctx, id, input)
                .await
                .map(|_| ())
        },
    )
    .await
}

async fn safeguard(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    case_form(
        state,
        form,
        id,
        "safeguard",
        "note",
        "returns-safeguard-recorded",
        |s, ctx, f| async move {
            service::record_safeguard(
                &s.platform,
                &ctx,
                id,
                f.get("kind"),
                optional(&f, "recorded_on").as_deref(),
                f.get("note"),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

async fn document(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    case_form(
        state,
        form,
        id,
        "document",
        "mrz",
        "returns-document-added",
        |s, ctx, f| async move {
            service::add_document(&s.platform, &ctx, id, f.get("kind"), f.raw("mrz"))
                .await
                .map(|_| ())
        },
    )
    .await
}

async fn request(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    case_form(
        state,
        form,
        id,
        "request",
        "partner_agency",
        "returns-request-sent",
        |s, ctx, f| async move {
            let note = f.get("evidence_note").to_owned();
            let document_id: Option<Uuid> = f.get("document_id").parse().ok();
            let evidence: Vec<Evidence> = f
                .all("evidence")
                .into_iter()
                .map(|kind| Evidence {
                    kind: kind.to_owned(),
                    document_id: document_id.filter(|_| {
                        matches!(
                            kind,
                            "passport"
                                | "passport_copy"
                                | "identity_card"
                                | "other_document"
                                | "mrz_check"
                        )
                    }),
                    note: note.clone(),
                })
                .collect();
            service::request_readmission(&s.platform, &ctx, id, f.get("partner_agency"), evidence)
                .await
                .map(|_| ())
        },
    )
    .await
}

async fn legal(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    case_form(
        state,
        form,
        id,
        "legal",
        "asylum",
        "returns-case-updated",
        |s, ctx, f| async move {
            let update = service::LegalUpdate {
                asylum: Some(f.get("asylum").to_owned()),
                return_decision_date: Some(f.get("return_decision_date").to_owned()),
                vulnerabilities: Some(
                    f.all("vulnerabilities")
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                ),
            };
            service::update_legal(&s.platform, &ctx, id, update)
                .await
                .map(|_| ())
        },
    )
    .await
}

/// Whether a request awaits the partner's reply.
fn awaits_reply(r: &service::RequestView) -> bool {
    matches!(r.status.as_str(), "pending" | "more_information")
}

/// The partner's inbox (the list component). Its first order: what awaits a reply, the
/// nearest deadline first; then what silence accepted (its travel document awaited); then
/// what was answered. `all=1` lists the answered ones too.
fn inbox_list() -> list::Spec<service::RequestView> {
    use list::{Column, Filter, Key};
    let deadlines = ["overdue", "soon", "later"]
        .into_iter()
        .map(|d| (d.to_owned(), format!("returns-deadline-filter-{d}")));
    list::Spec {
        path: "/returns/inbox",
        columns: vec![
            Column {
                key: "deadline",
                label: "returns-deadline",
                sort: Some(|r| {
                    let rank = match r.status.as_str() {
                        "pending" | "more_information" => 0,
                        "deemed_accepted" => 1,
                        _ => 2,
                    };
                    Some(Key::Text(format!("{rank} {}", r.deadline.date)))
                }),
            },
            Column {
                key: "person",
                label: "returns-person",
                sort: Some(|r| {
                    Some(Key::Text(format!(
                        "{} {}",
                        r.person.surname.to_lowercase(),
                        r.person.given_names.to_lowercase()
                    )))
                }),
            },
            Column {
                key: "sent",
                label: "returns-sent",
                sort: Some(|r| Some(Key::Number(r.sent_at))),
            },
            Column {
                key: "from",
                label: "returns-requested-by",
                sort: Some(|r| Some(Key::Text(r.requesting_agency.clone()))),
            },
        ],
        default_sort: ("deadline", false),
        search: |r| {
            format!(
                "{} {} {} {}",
                r.person.surname,
                r.person.given_names,
                r.person.claimed_nationality,
                r.requesting_agency
            )
        },
        filters: vec![
            Filter {
                key: "all",
                label: "returns-inbox-which",
                choices: vec![
                    (String::new(), "returns-show-open".to_owned()),
                    ("1".into(), "returns-show-all".to_owned()),
                ],
                // The service lists the open ones or all: a choice of what the list holds,
                // not a narrowing of it.
                narrows: false,
                passes: Box::new(|_, _| true),
            },
            Filter {
                key: "deadline",
                label: "returns-deadline",
                choices: std::iter::once((String::new(), "list-all".to_owned()))
                    .chain(deadlines)
                    .collect(),
                narrows: true,
                passes: Box::new(|r, v| {
                    let d = r.deadline.days_left;
                    awaits_reply(r)
                        && match v {
                            "overdue" => d < 0,
                            "soon" => (0..=service::AT_RISK_DAYS).contains(&d),
                            _ => d > service::AT_RISK_DAYS,
                        }
                }),
            },
        ],
        csv_header: &[
            "id",
            "requesting_agency",
            "partner_agency",
            "status",
            "surname",
            "given_names",
            "date_of_birth",
            "claimed_nationality",
            "sent_on",
            "deadline",
            "days_left",
            "replied_on",
        ],
        csv_row: |r| {
            vec![
                r.id.to_string(),
                r.requesting_agency.clone(),
                r.partner_agency.clone(),
                r.status.clone(),
                r.person.surname.clone(),
                r.person.given_names.clone(),
                r.person
                    .date_of_birth
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                r.person.claimed_nationality.clone(),
                r.sent_on.to_string(),
                r.deadline.date.to_string(),
                if awaits_reply(r) {
                    r.deadline.days_left.to_string()
                } else {
                    String::new()
                },
                r.replied_on.clone().unwrap_or_default(),
            ]
        },
    }
}

async fn inbox_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    params: &list::Params,
    refused: Option<(Uuid, &Fields, FormErrors)>,
) -> Response {
    let all = params.filters.get("all").is_some_and(|v| v == "1");
    let mut requests = match service::list_requests(&state.platform, &viewer.ctx, !all).await {
        Ok(list) => list,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    // A refused reply shows its request alone, the reason beside the form, whatever page of
    // the list it was on.
    if let Some((id, _, _)) = &refused {
        requests.retain(|r| r.id == *id);
    }
    let requests = match inbox_list().apply(requests, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (refused_id, values, errors) = match &refused {
        Some((id, f, e)) => (Some(id.to_string()), Some(f.kept()), Some(&e.by_field)),
        None => (None, None, None),
    };
    show(
        state,
        viewer,
        headers,
        "/returns/inbox",
        status,
        "returns/inbox.html",
        context! {
            requests => requests,
            all => all,
            agency => viewer.ctx.actor.agency.to_string(),
            refused_id => refused_id,
            values => values,
            errors => errors,
        },
    )
}

async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    inbox_view(&state, &viewer, Some(&headers), &params, None).await
}

/// Runs a request form of the inbox (the partner's) or of the case page (the caseworker's).
async fn request_form<F, Fut>(
    state: AppState,
    form: SignedForm,
    id: Uuid,
    default_field: &str,
    flash: &str,
    act: F,
) -> Response
where
    F: FnOnce(AppState, accordo_service::Ctx, Fields) -> Fut,
    Fut: std::future::Future<Output = Result<service::RequestView, ServiceError>>,
{
    let SignedForm { viewer, fields } = form;
    let back = fields.get("back").to_owned();
    match act(state.clone(), viewer.ctx.clone(), fields.clone()).await {
        Ok(view) => {
            let to = if back == "case" {
                format!("/returns/cases/{}", view.case_id)
            } else {
                "/returns/inbox".to_owned()
            };
            done(&to, flash)
        }
        Err(e) => match FormErrors::from_service(&state, &viewer.lang, &e, default_field) {
            Some(errors) => {
                let mut all = list::Params::default();
                all.filters.insert("all".into(), "1".into());
                inbox_view(&state, &viewer, None, &all, Some((id, &fields, errors))).await
            }
            None => viewer_error_page(&state, &viewer, &e),
        },
    }
}

async fn reply(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    request_form(
        state,
        form,
        id,
        "reason",
        "returns-reply-sent",
        |s, ctx, f| async move {
            let decision = Decision::parse(f.get("decision"))?;
            service::reply(&s.platform, &ctx, id, decision, f.get("reason")).await
        },
    )
    .await
}

async fn travel_document(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    request_form(
        state,
        form,
        id,
        "number",
        "returns-travel-document-recorded",
        |s, ctx, f| async move {
            service::record_travel_document(
                &s.platform,
                &ctx,
                id,
                f.get("number"),
                f.get("valid_until"),
            )
            .await
        },
    )
    .await
}

async fn information(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    request_form(
        state,
        form,
        id,
        "answer",
        "returns-information-sent",
        |s, ctx, f| async move {
            service::answer_information(&s.platform, &ctx, id, f.get("answer")).await
        },
    )
    .await
}

/// The centres the viewer may read (the list component).
fn centres_list() -> list::Spec<service::CentreSummary> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/returns/centres",
        columns: vec![
            Column {
                key: "name",
                label: "returns-centre",
                sort: Some(|c| Some(Key::Text(c.name.to_lowercase()))),
            },
            Column {
                key: "country",
                label: "returns-country",
                sort: Some(|c| Some(Key::Text(c.country.clone()))),
            },
            Column {
                key: "occupancy",
                label: "returns-occupancy",
                sort: Some(|c| Some(Key::Number(c.occupancy))),
            },
            Column {
                key: "capacity",
                label: "returns-capacity",
                sort: Some(|c| Some(Key::Number(c.capacity))),
            },
            Column {
                key: "monitored_by",
                label: "returns-monitored-by",
                sort: Some(|c| c.monitored_by.clone().map(Key::Text)),
            },
        ],
        default_sort: ("name", false),
        search: |c| {
            format!(
                "{} {} {}",
                c.name,
                c.country,
                c.monitored_by.as_deref().unwrap_or_default()
            )
        },
        filters: vec![Filter {
            key: "fill",
            label: "returns-occupancy",
            choices: vec![
                (String::new(), "list-all".to_owned()),
                ("full".into(), "returns-centres-full".into()),
                ("room".into(), "returns-centres-room".into()),
            ],
            narrows: true,
            passes: Box::new(|c, v| (v == "full") == (c.occupancy >= c.capacity)),
        }],
        csv_header: &[
            "id",
            "name",
            "country",
            "occupancy",
            "capacity",
            "monitored_by",
        ],
        csv_row: |c| {
            vec![
                c.id.to_string(),
                c.name.clone(),
                c.country.clone(),
                c.occupancy.to_string(),
                c.capacity.to_string(),
                c.monitored_by.clone().unwrap_or_default(),
            ]
        },
    }
}

async fn centres_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    params: &list::Params,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let (values, errors) = form;
    match service::centres(&state.platform, &viewer.ctx).await {
        Ok(found) => show(
            state,
            viewer,
            headers,
            "/returns/centres",
            status,
            "returns/centres.html",
            context! {
                centres => match centres_list().apply(found, params) {
                    list::Outcome::Page(view) => view,
                    list::Outcome::Csv(csv) => return csv,
                },
                may_add => may(viewer, Action::Create, &policy::CENTRE),
                values => values.map(Fields::kept),
                errors => errors.map(|e| &e.by_field),
            },
        ),
        Err(e) => viewer_error_page(state, viewer, &e),
    }
}

async fn centres(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    centres_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &params,
        (None, None),
    )
    .await
}

async fn create_centre(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["name", "country", "capacity"]);
    let capacity: Option<i64> = f.get("capacity").parse().ok();
    if !f.get("capacity").is_empty() && capacity.is_none() {
        errors.add("capacity", "error-number");
    }
    if errors.is_empty() {
        let input = service::NewCentre {
            name: f.get("name").to_owned(),
            country: f.get("country").to_owned(),
            capacity: capacity.unwrap_or_default(),
            monitored_by: optional(f, "monitored_by"),
        };
        match service::create_centre(&state.platform, &v.ctx, input).await {
            Ok(_) => return done("/returns/centres", "returns-centre-added"),
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "name") {
                Some(found) => errors = found,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    centres_view(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        &list::Params::default(),
        (Some(f), Some(&errors)),
    )
    .await
}

async fn place(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    case_form(
        state,
        form,
        id,
        "place",
        "centre",
        "returns-case-placed",
        |s, ctx, f| async move {
            let centre: Option<Uuid> = f.get("centre").parse().ok();
            service::place(
                &s.platform,
                &ctx,
                id,
                centre,
                optional(&f, "from").as_deref(),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn centre(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let from = Some(q.from.as_str()).filter(|s| !s.is_empty());
    let to = Some(q.to.as_str()).filter(|s| !s.is_empty());
    match service::centre_report(&state.platform, &viewer.ctx, id, from, to).await {
        Ok(report) => {
            let peak = report
                .occupancy
                .iter()
                .map(|d| d.present)
                .max()
                .unwrap_or(0)
                .max(report.centre.capacity);
            let scale = accordo_server::pages::chart::scale(peak);
            show(
                &state,
                &viewer,
                Some(&headers),
                "/returns/centres",
                StatusCode::OK,
                "returns/centre.html",
                context! { report => report, scale => scale },
            )
        }
        Err(ServiceError::Invalid {
            field,
            message,
            code,
        }) => {
            let e = ServiceError::Invalid {
                field,
                message,
                code,
            };
            viewer_error_page(&state, &viewer, &e)
        }
        Err(e) => viewer_error_page(&state, &viewer, &e),
    }
}

async fn agreements_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    refused: Option<(Uuid, &Fields, FormErrors)>,
) -> Response {
    let list = match service::agreements(&state.platform, &viewer.ctx).await {
        Ok(list) => list,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (refused_id, errors) = match &refused {
        Some((id, _, e)) => (Some(id.to_string()), Some(&e.by_field)),
        None => (None, None),
    };
    show(
        state,
        viewer,
        headers,
        "/returns/agreements",
        status,
        "returns/agreements.html",
        context! {
            // The words shipped with the reference data read in the reader's language; words
            // an administrator wrote read as written.
            shown => list.iter().map(|a| context! {
                name => crate::demo::shipped_words(&a.name)
                    .and_then(|id| catalogue_text(state, &viewer.lang, &id))
                    .unwrap_or_else(|| a.name.clone()),
                source => crate::demo::shipped_words(&a.source)
                    .and_then(|id| catalogue_text(state, &viewer.lang, &id))
                    .unwrap_or_else(|| a.source.clone()),
            }).collect::<Vec<_>>(),
            agreements => list,
            may_edit => may(viewer, Action::Update, &policy::READMISSION_AGREEMENT),
            evidence_kinds => accordo_returns::agreement::EVIDENCE_KINDS,
            refused_id => refused_id,
            values => refused.as_ref().map(|(_, f, _)| f.kept()),
            errors => errors,
        },
    )
}

async fn agreements(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    agreements_view(&state, &viewer, Some(&headers), None).await
}

/// Reads the terms form: every number is checked here, naming its field.
fn terms_of(f: &Fields) -> Result<accordo_returns::Terms, FormErrors> {
    let mut errors = FormErrors::default();
    let days = |name: &str, required: bool, errors: &mut FormErrors| -> Option<u32> {
        let text = f.get(name);
        if text.is_empty() {
            if required {
                errors.add(name, "error-required");
            }
            return None;
        }
        let parsed = text.parse().ok();
        if parsed.is_none() {
            errors.add(name, "error-number");
        }
        parsed
    };
    let reply_days = days("reply_days", true, &mut errors);
    let extension_days = days("extension_days", false, &mut errors);
    let validity = days("travel_document_validity_days", false, &mut errors);
    let issue = days("travel_document_issue_days", false, &mut errors);
    let transfer = days("transfer_days", false, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(accordo_returns::Terms {
        reply_days: reply_days.unwrap_or_default(),
        silence_is_acceptance: f.get("silence_is_acceptance") == "1",
        accepted_evidence: f
            .all("accepted_evidence")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        extension_days,
        pause_on_more_information: f.get("pause_on_more_information") == "1",
        travel_document_validity_days: validity.unwrap_or(0),
        travel_document_issue_days: issue,
        transfer_days: transfer,
    })
}

async fn edit_agreement(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let errors = match terms_of(f) {
        Ok(terms) => {
            let edit = service::AgreementEdit {
                name: f.get("name").to_owned(),
                terms,
                source: f.get("source").to_owned(),
                confirmed: f.get("confirmed") == "1",
                version: f.get("version").parse().unwrap_or_default(),
            };
            match service::edit_agreement(&state.platform, &v.ctx, id, edit).await {
                Ok(_) => return done("/returns/agreements", "returns-agreement-saved"),
                Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "source") {
                    Some(errors) => errors,
                    None => return viewer_error_page(&state, v, &e),
                },
            }
        }
        Err(errors) => errors,
    };
    agreements_view(&state, v, None, Some((id, f, errors))).await
}

async fn extension(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    request_form(
        state,
        form,
        id,
        "extension",
        "returns-extension-taken",
        |s, ctx, _| async move { service::extend(&s.platform, &ctx, id).await },
    )
    .await
}

/// The caseworker's open cases and deadlines at risk; the partner authority's requests
/// awaiting its reply; the monitor's centres.
pub async fn returns_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    let actor = &viewer.ctx.actor;
    let mut counts = Vec::new();
    if actor.roles.contains(Role::Caseworker) || actor.roles.contains(Role::PartnerAuthority) {
        let n = service::counts(&state.platform, &viewer.ctx).await.ok()?;
        if let (Some(open), Some(at_risk)) = (n.open_cases, n.at_risk) {
            counts.push(Count {
                label: "home-returns-open",
                value: open,
                text: None,
                href: Some("/returns/cases".into()),
                warn: false,
            });
            counts.push(Count {
                label: "home-returns-at-risk",
                value: at_risk,
                text: None,
                href: Some("/returns/cases".into()),
                warn: at_risk > 0,
            });
        }
        if let (Some(awaiting), Some(overdue)) = (n.awaiting_reply, n.overdue) {
            counts.push(Count {
                label: "home-returns-inbox",
                value: awaiting,
                text: None,
                href: Some("/returns/inbox".into()),
                warn: awaiting > 0,
            });
            counts.push(Count {
                label: "home-returns-overdue",
                value: overdue,
                text: None,
                href: Some("/returns/inbox".into()),
                warn: overdue > 0,
            });
        }
    }
    if actor.roles.contains(Role::Monitor) {
        let centres = service::centres(&state.platform, &viewer.ctx).await.ok()?;
        let present: i64 = centres.iter().map(|c| c.occupancy).sum();
        counts.push(Count {
            label: "home-returns-centres",
            value: centres.len() as i64,
            text: None,
            href: Some("/returns/centres".into()),
            warn: false,
        });
        counts.push(Count {
            label: "home-returns-present",
            value: present,
            text: None,
            href: Some("/returns/centres".into()),
            warn: false,
        });
    }
    if counts.is_empty() {
        return None;
    }
    Some(Card {
        id: "returns",
        title: "home-returns",
        icon: "it-folder",
        href: Some("/returns"),
        counts,
        ..Card::default()
    })
}
