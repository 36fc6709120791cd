//! The documents pillar's pages: "Check a document" (paste or type the MRZ; every check
//! green or red with its reason, register hits) and the agency's register (search, add,
//! import, withdraw).

use crate::service::{self, Imported, NewAlertInput, NewReportInput};
use accordo_server::extract::{Path, Query};
use accordo_service::ServiceError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::pages::PageRoutes;
use accordo_server::pages::home::{Card, Count};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, done, list, render, viewer_error_page,
};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/documents", |_: Viewer| async {
            axum::response::Redirect::to("/documents/check")
        })
        .get("/documents/check", check_page)
        .post("/documents/check", check)
        .get("/documents/register", register)
        .post("/documents/register", add)
        .post("/documents/register/import", import)
        .post("/documents/register/{id}/withdraw", withdraw)
        .get("/documents/alerts", alerts)
        .post("/documents/alerts", publish)
        .post("/documents/alerts/{id}/withdraw", withdraw_alert)
}

fn statuses() -> Vec<&'static str> {
    accordo_documents::Status::ALL
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// Which of the pillar's tabs the viewer may open: no tab leads to a refusal.
fn tabs(viewer: &Viewer) -> Value {
    let actor = &viewer.ctx.actor;
    context! {
        tab_check => accordo_domain::can(
            actor,
            accordo_domain::Action::Create,
            accordo_domain::Resource::collection(&crate::policy::DOCUMENT_CHECK),
        )
        .is_ok(),
        tab_register => accordo_server::pages::may_read(actor, &crate::policy::DOCUMENT_REPORT),
        tab_alerts => accordo_server::pages::may_read(actor, &crate::policy::FORGERY_ALERT),
    }
}

async fn check_page(State(state): State<AppState>, viewer: Viewer) -> Response {
    // Whoever may not check documents is told so here, not after typing an MRZ.
    if let Err(e) = accordo_domain::can(
        &viewer.ctx.actor,
        accordo_domain::Action::Create,
        accordo_domain::Resource::collection(&crate::policy::DOCUMENT_CHECK),
    ) {
        return viewer_error_page(&state, &viewer, &e.into());
    }
    render(
        &state,
        &Chrome::signed_in(&viewer, "/documents/check", None),
        StatusCode::OK,
        "documents/check.html",
        context! { mrz => "", samples => samples(&state).await, ..tabs(&viewer) },
    )
}

/// The demo's synthetic documents to try, on a demo installation only.
async fn samples(state: &AppState) -> Vec<Value> {
    if !accordo_service::demo::is_demo(&state.platform)
        .await
        .unwrap_or(false)
    {
        return Vec::new();
    }
    crate::demo::samples()
        .into_iter()
        .map(|s| context! { what => s.caption, mrz => s.mrz })
        .collect()
}

async fn check(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let mrz = form.fields.raw("mrz").trim().to_owned();
    if mrz.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("mrz", "error-required");
        return render(
            &state,
            &Chrome::signed_in(v, "/documents/check", None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "documents/check.html",
            context! { mrz => mrz, errors => errors.by_field, ..tabs(v) },
        );
    }
    match service::check(&state.platform, &v.ctx, &[mrz.as_str()]).await {
        Ok(mut outcomes) => {
            let outcome = outcomes.pop();
            render(
                &state,
                &Chrome::signed_in(v, "/documents/check", None),
                StatusCode::OK,
                "documents/check.html",
                context! { mrz => mrz, outcome => outcome, samples => samples(&state).await, ..tabs(v) },
            )
        }
        Err(e) => viewer_error_page(&state, v, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    withdrawn: String,
}

#[allow(clippy::too_many_arguments)]
async fn register_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    query: &RegisterQuery,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
    import_errors: Option<(Vec<String>, usize)>,
) -> Response {
    let number = Some(query.number.as_str()).filter(|n| !n.trim().is_empty());
    let withdrawn = query.withdrawn == "1";
    let rows = match service::list(&state.platform, &viewer.ctx, number, withdrawn).await {
        Ok(rows) => rows,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let reports: Vec<Value> = rows
        .iter()
        .map(|r| {
            context! {
                id => r.id, issuing_state => r.issuing_state, document_type => r.document_type,
                document_number => r.document_number, status => r.status,
                agency => r.owner_agency, reported_on => r.reported_on, notes => r.notes,
                created_us => r.created_at, withdrawn_us => r.withdrawn_at,
                own => r.owner_agency == viewer.ctx.actor.agency.as_str(),
            }
        })
        .collect();
    let (import_list, import_bad) = import_errors.unwrap_or_default();
    render(
        state,
        &Chrome::signed_in(viewer, "/documents/register", headers),
        status,
        "documents/register.html",
        context! {
            reports => reports,
            number => query.number,
            withdrawn => withdrawn,
            statuses => statuses(),
            types => accordo_documents::DOCUMENT_TYPES.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>(),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            import_errors => import_list,
            import_bad => import_bad,
            agency => viewer.ctx.actor.agency.to_string(),
            ..tabs(viewer)
        },
    )
}

async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(query): Query<RegisterQuery>,
) -> Response {
    register_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &query,
        None,
        None,
        None,
    )
    .await
}

async fn add(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(
        f,
        &[
            "issuing_state",
            "document_type",
            "document_number",
            "status",
        ],
    );
    let refused = |errors: FormErrors| {
        let state = state.clone();
        async move {
            register_view(
                &state,
                v,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterQuery::default(),
                Some(f),
                Some(&errors),
                None,
            )
            .await
        }
    };
    if !errors.is_empty() {
        return refused(errors).await;
    }
    let input = NewReportInput {
        issuing_state: f.get("issuing_state").to_owned(),
        document_type: f.get("document_type").to_owned(),
        document_number: f.get("document_number").to_owned(),
        status: f.get("status").to_owned(),
        reported_on: f.get("reported_on").to_owned(),
        notes: f.get("notes").to_owned(),
    };
    match service::report(&state.platform, &v.ctx, input).await {
        Ok(_) => done("/documents/register", "documents-reported"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "document_number") {
            Some(errors) => refused(errors).await,
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn import(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let csv = form.fields.raw("csv");
    if csv.trim().is_empty() {
        let mut errors = FormErrors::default();
        errors.add("csv", "error-required");
        return register_view(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            &RegisterQuery::default(),
            None,
            Some(&errors),
            None,
        )
        .await;
    }
    let agency = v.ctx.actor.agency.to_string();
    match service::import_csv(&state.platform, &v.ctx, &agency, csv.as_bytes(), |_, _| {}).await {
        Ok(Imported::Written(_)) => done("/documents/register", "documents-imported"),
        Ok(Imported::Refused(errors, bad)) => {
            let list = errors.iter().map(ToString::to_string).collect();
            register_view(
                &state,
                v,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterQuery::default(),
                Some(&form.fields),
                None,
                Some((list, bad)),
            )
            .await
        }
        Err(e) => viewer_error_page(&state, v, &e),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    match service::withdraw(&state.platform, &form.viewer.ctx, id).await {
        Ok(_) => done("/documents/register", "documents-withdrawn"),
        Err(ServiceError::Rules { .. }) => done("/documents/register", "documents-withdrawn"),
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

/// The forgery alerts the viewer may read (the list component); `mine` filters on the viewer's
/// agency.
fn alerts_list(mine: String) -> list::Spec<service::Alert> {
    use list::{Column, Filter, Key, Spec};
    let all = || (String::new(), "list-all".to_owned());
    Spec {
        path: "/documents/alerts",
        columns: vec![
            Column {
                key: "what",
                label: "documents-what-forged",
                sort: Some(|a| Some(Key::Text(a.what_forged.to_lowercase()))),
            },
            Column {
                key: "document",
                label: "documents-alert-document",
                sort: Some(|a| a.issuing_state.clone().map(Key::Text)),
            },
            Column {
                key: "agency",
                label: "admin-agency",
                sort: Some(|a| Some(Key::Text(a.agency.clone()))),
            },
            Column {
                key: "handling",
                label: "documents-handling",
                sort: Some(|a| Some(Key::Text(a.handling.clone()))),
            },
            Column {
                key: "published",
                label: "documents-published-on",
                sort: Some(|a| Some(Key::Number(a.created_at_us))),
            },
        ],
        default_sort: ("published", true),
        search: |a| {
            format!(
                "{} {} {} {} {} {} {}",
                a.what_forged,
                a.how_to_recognise,
                a.agency,
                a.issuing_state.as_deref().unwrap_or_default(),
                a.number_from.as_deref().unwrap_or_default(),
                a.number_to.as_deref().unwrap_or_default(),
                a.number_pattern.as_deref().unwrap_or_default(),
            )
        },
        filters: vec![
            Filter {
                // Not `handling`: the publish form beside the list has a field of that name.
                key: "tlp",
                label: "documents-handling",
                choices: std::iter::once(all())
                    .chain(
                        ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
                            .into_iter()
                            .map(|h| {
                                let id = h.to_lowercase().replace('+', "-");
                                (h.to_owned(), format!("documents-tlp-{id}"))
                            }),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|a, v| a.handling == v),
            },
            Filter {
                key: "from",
                label: "admin-agency",
                choices: vec![
                    all(),
                    ("mine".into(), "documents-from-mine".into()),
                    ("others".into(), "documents-from-others".into()),
                ],
                narrows: true,
                passes: Box::new(move |a, v| (v == "mine") == (a.agency == mine)),
            },
        ],
        csv_header: &[
            "id",
            "agency",
            "handling",
            "issuing_state",
            "document_type",
            "number_from",
            "number_to",
            "number_pattern",
            "what_forged",
            "how_to_recognise",
            "published_at",
        ],
        csv_row: |a| {
            let text = |o: &Option<String>| o.clone().unwrap_or_default();
            vec![
                a.id.to_string(),
                a.agency.clone(),
                a.handling.clone(),
                text(&a.issuing_state),
                text(&a.document_type),
                text(&a.number_from),
                text(&a.number_to),
                text(&a.number_pattern),
                a.what_forged.clone(),
                a.how_to_recognise.clone(),
                accordo_web::time::machine(a.created_at_us),
            ]
        },
    }
}

async fn alerts_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    params: &list::Params,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let (values, errors) = form;
    let alerts = match service::list_alerts(&state.platform, &viewer.ctx, false).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let alerts = match alerts_list(viewer.ctx.actor.agency.to_string()).apply(alerts, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let may_publish = accordo_domain::can(
        &viewer.ctx.actor,
        accordo_domain::Action::Create,
        accordo_domain::Resource::record(
            &crate::policy::FORGERY_ALERT,
            &accordo_domain::RecordScope::owned_by(viewer.ctx.actor.agency.clone()),
        ),
    )
    .is_ok();
    render(
        state,
        &Chrome::signed_in(viewer, "/documents/alerts", headers),
        status,
        "documents/alerts.html",
        context! {
            alerts => alerts,
            agency => viewer.ctx.actor.agency.to_string(),
            may_publish => may_publish,
            types => accordo_documents::DOCUMENT_TYPES.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>(),
            handlings => ["GREEN", "AMBER", "AMBER+STRICT", "CLEAR"],
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            ..tabs(viewer)
        },
    )
}

async fn alerts(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    alerts_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &params,
        (None, None),
    )
    .await
}

async fn publish(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["what_forged", "how_to_recognise", "handling"]);
    if !errors.is_empty() {
        return alerts_view(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            &list::Params::default(),
            (Some(f), Some(&errors)),
        )
        .await;
    }
    let input = NewAlertInput {
        issuing_state: f.get("issuing_state").to_owned(),
        document_type: f.get("document_type").to_owned(),
        number_from: f.get("number_from").to_owned(),
        number_to: f.get("number_to").to_owned(),
        number_pattern: f.get("number_pattern").to_owned(),
        what_forged: f.get("what_forged").to_owned(),
        how_to_recognise: f.get("how_to_recognise").to_owned(),
        handling: f.get("handling").to_owned(),
        addressees: f
            .get("addressees")
            .split([',', ' '])
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    match service::publish_alert(&state.platform, &v.ctx, input).await {
        Ok(_) => done("/documents/alerts", "documents-alert-published"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "what_forged") {
            Some(errors) => {
                alerts_view(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &list::Params::default(),
                    (Some(f), Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn withdraw_alert(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    match service::withdraw_alert(&state.platform, &form.viewer.ctx, id).await {
        Ok(()) | Err(ServiceError::Rules { .. }) => {
            done("/documents/alerts", "documents-alert-withdrawn")
        }
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

/// The home page's card: how many of the register's live reports are the reader's agency's.
pub async fn home_cards(state: &AppState, viewer: &Viewer) -> Vec<Card> {
    documents_card(state, viewer).await.into_iter().collect()
}

async fn documents_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    let live = service::list(&state.platform, &viewer.ctx, None, false)
        .await
        .ok()?;
    let own = live
        .iter()
        .filter(|r| r.owner_agency == viewer.ctx.actor.agency.as_str())
        .count() as i64;
    Some(Card {
        id: "documents",
        title: "home-documents",
        icon: "it-card",
        href: Some("/documents/register"),
        counts: vec![Count {
            label: "home-documents-live",
            value: own,
            text: None,
            href: Some("/documents/register".into()),
            warn: false,
        }],
        ..Card::default()
    })
}
