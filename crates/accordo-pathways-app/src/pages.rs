//! The legal pathways' pages: the applications (an employer's own, a partner's nationals', all
//! of them for the labour offices) with the list component; pre-filling, Italian first; an
//! application with its submission and its path; the click-day windows (set and assigned by
//! the ministry); the outcomes, a chart with its table; the policies' simulation; the
//! pre-departure courses. Public, without signing in: the click day's figures (from memory),
//! an application's status by its code, a certificate's validity.

use accordo_domain::access::{Action, RecordScope, Resource};
use accordo_domain::can;
use accordo_server::AppState;
use accordo_server::extract::{Path, Query};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, PageRoutes, SignedForm, Viewer, chart, done, list, render,
    request_language, viewer_error_page,
};
use accordo_server::testing::matrix::{AccessRow, At, Who::*, row};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::policy;
use crate::service::{self, ApplicationView, NewApplication, NewWindow};
use crate::training::{self, NewCourse, NewTrainee};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/pathways", applications_page)
        .get("/pathways/new", new_page)
        .post("/pathways/applications", prefill)
        .get("/pathways/applications/{id}", application_page)
        .post("/pathways/applications/{id}/submit", submit)
        .post("/pathways/applications/{id}/steps", record_step)
        .get("/pathways/windows", windows_page)
        .post("/pathways/windows", create_window)
        .post("/pathways/windows/{id}/assignment", assign)
        .get("/pathways/outcomes", outcomes_page)
        .get("/pathways/simulation", simulation_page)
        .get("/pathways/courses", courses_page)
        .post("/pathways/courses", create_course)
        .post("/pathways/courses/{id}/trainees", enrol)
        .post("/pathways/courses/{id}/certificates", certify)
        .get("/click-day", click_day_page)
        .get("/pathways/status", status_page)
        .get("/pathways/certificates", certificate_page)
}

fn may(viewer: &Viewer, action: Action, kind: &'static accordo_domain::KindPolicy) -> bool {
    can(&viewer.ctx.actor, action, Resource::collection(kind)).is_ok()
}

/// The tabs a reader may open.
fn tabs(viewer: &Viewer) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    if may(viewer, Action::Read, &policy::PATHWAYS_APPLICATION) {
        out.push(("applications", "/pathways", "pathways-tab-applications"));
    }
    if may(viewer, Action::Read, &policy::PATHWAYS_WINDOW) {
        out.push(("windows", "/pathways/windows", "pathways-tab-windows"));
        out.push(("outcomes", "/pathways/outcomes", "pathways-tab-outcomes"));
        out.push((
            "simulation",
            "/pathways/simulation",
            "pathways-tab-simulation",
        ));
    }
    if may(viewer, Action::Read, &policy::PATHWAYS_COURSE) {
        out.push(("courses", "/pathways/courses", "pathways-tab-courses"));
    }
    out
}

fn all() -> (String, String) {
    (String::new(), "list-all".to_owned())
}

fn applications_list() -> list::Spec<ApplicationView> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/pathways",
        columns: vec![
            Column {
                key: "worker",
                label: "pathways-worker",
                sort: Some(|a| Some(Key::Text(a.worker_name.to_lowercase()))),
            },
            Column {
                key: "category",
                label: "pathways-category",
                sort: Some(|a| Some(Key::Text(a.category.clone()))),
            },
            Column {
                key: "status",
                label: "pathways-status",
                sort: Some(|a| Some(Key::Text(a.status.clone()))),
            },
            Column {
                key: "position",
                label: "pathways-position",
                sort: Some(|a| a.position.map(Key::Number)),
            },
            Column {
                key: "created",
                label: "pathways-created",
                sort: Some(|a| Some(Key::Text(a.created_at.clone()))),
            },
        ],
        default_sort: ("created", true),
        search: |a| {
            format!(
                "{} {} {} {} {}",
                a.worker_name, a.code, a.worker_nationality, a.province, a.employer
            )
        },
        filters: vec![
            Filter {
                key: "status",
                label: "pathways-status",
                choices: std::iter::once(all())
                    .chain(
                        ["prefilled", "received", "assigned", "reserve"]
                            .iter()
                            .map(|s| ((*s).to_owned(), format!("pathways-status-{s}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|a, v| a.status == v),
            },
            Filter {
                key: "category",
                label: "pathways-category",
                choices: std::iter::once(all())
                    .chain(accordo_pathways::Category::ALL.iter().map(|c| {
                        (
                            c.as_str().to_owned(),
                            format!("pathways-category-{}", c.as_str()),
                        )
                    }))
                    .collect(),
                narrows: true,
                passes: Box::new(|a, v| a.category == v),
            },
        ],
        csv_header: &[
            "id",
            "code",
            "employer",
            "category",
            "year",
            "worker_nationality",
            "province",
            "status",
            "position",
            "received_at",
            "share",
            "rank",
        ],
        csv_row: |a| {
            vec![
                a.id.clone(),
                a.code.clone(),
                a.employer.clone(),
                a.category.clone(),
                a.year.to_string(),
                a.worker_nationality.clone(),
                a.province.clone(),
                a.status.clone(),
                a.position.map(|p| p.to_string()).unwrap_or_default(),
                a.received_at.clone().unwrap_or_default(),
                a.share.clone().unwrap_or_default(),
                a.rank.map(|r| r.to_string()).unwrap_or_default(),
            ]
        },
    }
}

async fn applications_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    // A reader of the windows who reads no application starts at the windows.
    if !may(&viewer, Action::Read, &policy::PATHWAYS_APPLICATION)
        && may(&viewer, Action::Read, &policy::PATHWAYS_WINDOW)
    {
        return axum::response::IntoResponse::into_response(axum::response::Redirect::to(
            "/pathways/windows",
        ));
    }
    let found = match service::applications(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let view = match applications_list().apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let windows = service::click_day(&state.platform).windows;
    // Offered only where it can succeed: a window still to pre-fill for, and room left in it.
    let may_prefill = if may(&viewer, Action::Create, &policy::PATHWAYS_APPLICATION) {
        let open: Vec<service::WindowView> = windows
            .iter()
            .filter(|w| w.state != "closed")
            .cloned()
            .collect();
        match rooms(&state, &viewer, &open).await {
            Ok((_, no_room)) => !open.is_empty() && !no_room,
            Err(e) => return viewer_error_page(&state, &viewer, &e),
        }
    } else {
        false
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/pathways", Some(&headers)),
        StatusCode::OK,
        "pathways/applications.html",
        context! {
            applications => view,
            windows => windows,
            may_prefill => may_prefill,
            tabs => tabs(&viewer),
            tab => "applications",
        },
    )
}

// ---- pre-filling ----

/// The room the viewer's agency has left in each year of `windows` (none for an association,
/// which has no limit), and whether it has none left in any.
async fn rooms(
    state: &AppState,
    viewer: &Viewer,
    windows: &[service::WindowView],
) -> accordo_service::Result<(Vec<(i64, i64)>, bool)> {
    let mut years: Vec<i64> = windows.iter().map(|w| w.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut rooms = Vec::new();
    for year in years {
        if let Some(room) = service::room(&state.platform, &viewer.ctx, year).await? {
            rooms.push((year, room));
        }
    }
    let no_room = !rooms.is_empty() && rooms.iter().all(|&(_, room)| room == 0);
    Ok((rooms, no_room))
}

async fn new_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    if let Err(e) = can(
        &viewer.ctx.actor,
        Action::Create,
        Resource::record(
            &policy::PATHWAYS_APPLICATION,
            &RecordScope::owned_by(viewer.ctx.actor.agency.clone()),
        ),
    ) {
        return viewer_error_page(state, viewer, &accordo_service::ServiceError::from(e));
    }
    let windows: Vec<service::WindowView> = service::click_day(&state.platform)
        .windows
        .into_iter()
        .filter(|w| w.state != "closed")
        .collect();
    let (values, errors) = form;
    // An employer with no room left in the years it can pre-fill for is told so, not given a
    // form it cannot send; otherwise how many are left, a line a decree's year.
    let (rooms, no_room) = match rooms(state, viewer, &windows).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let rooms: Vec<_> = rooms
        .into_iter()
        .map(|(year, room)| context! { year => year.to_string(), room => room })
        .collect();
    render(
        state,
        &Chrome::signed_in(viewer, "/pathways/new", headers),
        status,
        "pathways/new.html",
        context! {
            windows => windows,
            contracts => accordo_pathways::Contract::ALL.map(accordo_pathways::Contract::as_str),
            provinces => accordo_pathways::PROVINCES,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            limit => service::EMPLOYER_LIMIT,
            rooms => rooms,
            no_room => no_room,
            tabs => tabs(viewer),
            tab => "applications",
        },
    )
}

async fn new_page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    new_with(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn prefill(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(
        f,
        &[
            "category",
            "worker_name",
            "worker_birth_date",
            "worker_nationality",
            "worker_mrz",
            "contract",
            "monthly_wage_eur",
            "province",
        ],
    );
    // "2026|seasonal_agriculture": the window's year and category.
    let (year, category) = f.get("category").split_once('|').unwrap_or(("", ""));
    let input = NewApplication {
        category: category.to_owned(),
        year: year.parse().ok(),
        worker_name: f.get("worker_name").to_owned(),
        worker_birth_date: f.get("worker_birth_date").to_owned(),
        worker_nationality: f.get("worker_nationality").trim().to_uppercase(),
        worker_mrz: f.raw("worker_mrz").to_owned(),
        contract: f.get("contract").to_owned(),
        monthly_wage_eur: f.get("monthly_wage_eur").trim().parse().unwrap_or(0),
        months: f.get("months").trim().parse().ok(),
        province: f.get("province").to_owned(),
        certificate_code: Some(f.get("certificate_code").to_owned())
            .filter(|c| !c.trim().is_empty()),
    };
    // Every mistake at once: the rules' refusals beside the fields the page found empty (a field
    // keeps its first error).
    for r in service::prefill_refusals(&state.platform, &input) {
        errors.add(r.field, &format!("pathways-rule-{}", r.rule));
    }
    if errors.is_empty() {
        match service::prefill(&state.platform, &v.ctx, input).await {
            Ok(a) => {
                return done(
                    &format!("/pathways/applications/{}", a.id),
                    "pathways-prefilled",
                );
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "category") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    new_with(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

// ---- one application ----

async fn application_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let a = match service::application(&state.platform, &viewer.ctx, &id.to_string()).await {
        Ok(a) => a,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let windows = service::click_day(&state.platform).windows;
    let window = windows
        .iter()
        .find(|w| w.category == a.category && w.year == a.year)
        .cloned();
    let own = a.employer == viewer.ctx.actor.agency.as_str();
    let may_submit = own
        && a.status == "prefilled"
        && window.as_ref().is_some_and(|w| w.state == "open")
        && may(viewer, Action::Create, &policy::PATHWAYS_SUBMISSION);
    let next_step = (a.status == "assigned")
        .then(|| accordo_pathways::STEPS.get(a.steps.len()).copied())
        .flatten();
    let may_record = next_step.is_some()
        && viewer.ctx.actor.host_state
        && can(
            &viewer.ctx.actor,
            Action::Update,
            Resource::collection(&policy::PATHWAYS_APPLICATION),
        )
        .is_ok();
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, "/pathways", headers),
        status,
        "pathways/application.html",
        context! {
            a => a,
            window => window,
            may_submit => may_submit,
            // A key made when the page is drawn: sending the form twice is one submission.
            key => Uuid::now_v7().to_string(),
            next_step => next_step,
            may_record => may_record,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tabs => tabs(viewer),
            tab => "applications",
        },
    )
}

async fn application_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    application_with(
        &state,
        &viewer,
        Some(&headers),
        id,
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn submit(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    match service::submit(
        &state.platform,
        &v.ctx,
        &id.to_string(),
        Some(f.get("key")),
        &json!({}),
    )
    .await
    {
        Ok(_) => done(
            &format!("/pathways/applications/{id}"),
            "pathways-submitted",
        ),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "submit") {
            Some(errors) => {
                application_with(
                    &state,
                    v,
                    None,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (Some(f), Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn record_step(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["on"]);
    if errors.is_empty() {
        match service::record_step(
            &state.platform,
            &v.ctx,
            &id.to_string(),
            f.get("step"),
            f.get("on"),
        )
        .await
        {
            Ok(_) => {
                return done(
                    &format!("/pathways/applications/{id}"),
                    "pathways-step-recorded",
                );
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "on") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    application_with(
        &state,
        v,
        None,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

// ---- windows ----

async fn windows_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let windows = match service::windows(&state.platform, &viewer.ctx) {
        Ok(w) => w,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let (values, errors) = form;
    let now = state.platform.now_us();
    let may_set = may(viewer, Action::Create, &policy::PATHWAYS_WINDOW);
    // The published allocations a window's shares may come from, to choose by name.
    let allocations: Vec<serde_json::Value> = if may_set {
        match accordo_cooperation_app::service::allocations(&state.platform, &viewer.ctx).await {
            Ok(all) => all
                .into_iter()
                .filter_map(|a| {
                    a.id.map(|id| {
                        json!({"id": id.to_string(), "year": a.year, "category": a.category, "seats": a.seats})
                    })
                })
                .collect(),
            Err(e) => return viewer_error_page(state, viewer, &e),
        }
    } else {
        Vec::new()
    };
    render(
        state,
        &Chrome::signed_in(viewer, "/pathways/windows", headers),
        status,
        "pathways/windows.html",
        context! {
            windows => windows,
            server_time => now,
            may_set => may_set,
            allocations => allocations,
            categories => accordo_pathways::Category::ALL.map(accordo_pathways::Category::as_str),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tabs => tabs(viewer),
            tab => "windows",
        },
    )
}

async fn windows_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    windows_with(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
    )
    .await
}

/// A `datetime-local` value read in the reader's zone, as RFC 3339; anything else is passed
/// on for the service to refuse.
fn instant_of(local: &str, tz: &str) -> String {
    let local = local.trim();
    local
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.in_tz(tz).ok())
        .map_or_else(|| local.to_owned(), |z| z.timestamp().to_string())
}

async fn create_window(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    if let Err(e) = can(
        &v.ctx.actor,
        Action::Create,
        Resource::collection(&policy::PATHWAYS_WINDOW),
    ) {
        return viewer_error_page(&state, v, &accordo_service::ServiceError::from(e));
    }
    let mut errors = FormErrors::default();
    errors.require(
        f,
        &[
            "year",
            "category",
            "opens_at",
            "closes_at",
            "general_places",
        ],
    );
    let policy = match f.get("policy") {
        "lottery" => Some(accordo_pathways::Policy::Lottery {
            minutes: f.get("lottery_minutes").trim().parse().unwrap_or(0),
            seed: f.get("lottery_seed").trim().parse().unwrap_or(0),
        }),
        _ => Some(accordo_pathways::Policy::TimeOrder),
    };
    let input = NewWindow {
        year: f.get("year").trim().parse().unwrap_or(0),
        category: f.get("category").to_owned(),
        opens_at: instant_of(f.get("opens_at"), v.tz()),
        closes_at: instant_of(f.get("closes_at"), v.tz()),
        general_places: f.get("general_places").trim().parse().unwrap_or(-1),
        allocation_id: Some(f.get("allocation_id").to_owned()),
        policy,
    };
    // Every mistake of the fields at once, beside the ones the page found empty (a field keeps
    // its first error); the API's `policy.minutes` is the form's `lottery_minutes`.
    let field_of = |field: &str| match field {
        "policy.minutes" => "lottery_minutes".to_owned(),
        other => other.to_owned(),
    };
    errors.add_refusals(
        &state,
        &v.lang,
        &service::window_refusals(&state.platform, &input),
        "category",
        field_of,
    );
    if errors.is_empty() {
        match service::create_window(&state.platform, &v.ctx, input).await {
            Ok(_) => return done("/pathways/windows", "pathways-window-set"),
            Err(e) if FormErrors::from_service(&state, &v.lang, &e, "category").is_none() => {
                return viewer_error_page(&state, v, &e);
            }
            Err(e) => errors.add_refusals(&state, &v.lang, &[e], "category", field_of),
        }
    }
    windows_with(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

async fn assign(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let v = &form.viewer;
    match service::assign(&state.platform, &v.ctx, &id.to_string()).await {
        Ok(_) => done("/pathways/windows", "pathways-assigned"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "assign") {
            Some(errors) => {
                windows_with(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (None, Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

// ---- outcomes and simulation ----

/// One bar of a chart: its label, value and length in per cent of the axis.
#[derive(Serialize)]
struct Bar {
    label: String,
    value: i64,
    width: f64,
}

async fn outcomes_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    let funnels = match service::outcomes(&state.platform, &viewer.ctx).await {
        Ok(f) => f,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    // The chart: each window's places and how many reached each step, whole; a partner, who
    // sees only its nationals' lines, has its own.
    let whole: std::collections::HashSet<(&str, i64)> = funnels
        .iter()
        .filter(|f| f.country == "all" && f.province == "all")
        .map(|f| (f.category.as_str(), f.year))
        .collect();
    let charts: Vec<serde_json::Value> = funnels
        .iter()
        .filter(|f| {
            f.province == "all"
                && (f.country == "all" || !whole.contains(&(f.category.as_str(), f.year)))
        })
        .map(|f| {
            // A nationality's line has no places of its own: its bars start at the assigned.
            let places = f.places.map(|p| ("places", p));
            let values: Vec<(&str, i64)> = places
                .into_iter()
                .chain([
                ("assigned", f.assigned),
                ("authorisation", f.authorisation),
                ("visa", f.visa),
                ("arrival", f.arrival),
                ("residence_permit", f.residence_permit),
                ("contract_signed", f.contract_signed),
                ])
                .collect();
            let top = chart::scale(values.iter().map(|v| v.1).max().unwrap_or(0));
            let bars: Vec<Bar> = values
                .iter()
                .map(|(label, value)| Bar {
                    label: (*label).to_owned(),
                    value: *value,
                    width: *value as f64 / top.top as f64 * 100.0,
                })
                .collect();
            json!({"category": f.category, "year": f.year, "country": f.country, "bars": bars, "ticks": top.ticks, "top": top.top, "share": f.permit_share})
        })
        .collect();
    render(
        &state,
        &Chrome::signed_in(&viewer, "/pathways/outcomes", Some(&headers)),
        StatusCode::OK,
        "pathways/outcomes.html",
        context! {
            funnels => funnels,
            charts => charts,
            tabs => tabs(&viewer),
            tab => "outcomes",
        },
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulationParams {
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    minutes: Option<u32>,
}

async fn simulation_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<SimulationParams>,
) -> Response {
    let seed = params.seed.unwrap_or(1);
    let minutes = params.minutes.unwrap_or(60);
    let platform = state.platform.clone();
    let ctx = viewer.ctx.clone();
    let simulation = tokio::task::spawn_blocking(move || {
        service::simulate(&platform, &ctx, Some("march-2024"), None, seed, minutes)
    })
    .await;
    let simulation = match simulation {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return viewer_error_page(&state, &viewer, &e),
        Err(e) => {
            return viewer_error_page(
                &state,
                &viewer,
                &accordo_service::ServiceError::Store(accordo_store::StoreError::Invalid(
                    e.to_string(),
                )),
            );
        }
    };
    let top = chart::scale(
        simulation
            .time_order
            .iter()
            .chain(&simulation.lottery)
            .map(|s| s.assigned as i64)
            .max()
            .unwrap_or(0),
    );
    let bars = |shares: &[accordo_pathways::simulate::Share]| -> Vec<Bar> {
        shares
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: s.assigned as i64,
                width: s.assigned as f64 / top.top as f64 * 100.0,
            })
            .collect()
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/pathways/simulation", Some(&headers)),
        StatusCode::OK,
        "pathways/simulation.html",
        context! {
            s => &simulation,
            time_order => bars(&simulation.time_order),
            lottery => bars(&simulation.lottery),
            ticks => top.ticks,
            top => top.top,
            tabs => tabs(&viewer),
            tab => "simulation",
        },
    )
}

// ---- courses ----

async fn courses_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let courses = match training::courses(&state.platform, &viewer.ctx).await {
        Ok(c) => c,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let own = viewer.ctx.actor.agency.to_string();
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, "/pathways/courses", headers),
        status,
        "pathways/courses.html",
        context! {
            courses => courses,
            own => own,
            may_run => may(viewer, Action::Create, &policy::PATHWAYS_COURSE) && viewer.ctx.actor.country.is_some(),
            kinds => training::KINDS,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tabs => tabs(viewer),
            tab => "courses",
        },
    )
}

async fn courses_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    courses_with(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
    )
    .await
}

/// The courses page again with the form's errors, or the error page.
async fn courses_refused(
    state: &AppState,
    form: &SignedForm,
    e: &accordo_service::ServiceError,
    field: &str,
) -> Response {
    let v = &form.viewer;
    match FormErrors::from_service(state, &v.lang, e, field) {
        Some(errors) => {
            courses_with(
                state,
                v,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                (Some(&form.fields), Some(&errors)),
            )
            .await
        }
        None => viewer_error_page(state, v, e),
    }
}

async fn create_course(State(state): State<AppState>, form: SignedForm) -> Response {
    let f = &form.fields;
    let input = NewCourse {
        title: f.get("title").to_owned(),
        kind: f.get("kind").to_owned(),
        place: f.get("place").to_owned(),
        starts_on: f.get("starts_on").to_owned(),
        ends_on: f.get("ends_on").to_owned(),
    };
    match training::create_course(&state.platform, &form.viewer.ctx, input).await {
        Ok(_) => done("/pathways/courses", "pathways-course-set"),
        Err(e) => courses_refused(&state, &form, &e, "title").await,
    }
}

async fn enrol(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let f = &form.fields;
    let input = NewTrainee {
        name: f.get("name").to_owned(),
        birth_date: f.get("birth_date").to_owned(),
        nationality: f.get("nationality").trim().to_uppercase(),
        document_number: f.get("document_number").to_owned(),
    };
    match training::enrol(&state.platform, &form.viewer.ctx, &id.to_string(), input).await {
        Ok(_) => done("/pathways/courses", "pathways-enrolled"),
        Err(e) => courses_refused(&state, &form, &e, "name").await,
    }
}

async fn certify(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let trainee = form.fields.get("trainee").to_owned();
    match training::certify(&state.platform, &form.viewer.ctx, &id.to_string(), &trainee).await {
        Ok(_) => done("/pathways/courses", "pathways-certified"),
        Err(e) => courses_refused(&state, &form, &e, "trainee").await,
    }
}

// ---- public pages ----

fn public_chrome<'a>(state: &'a AppState, lang: &'a str, path: &'a str) -> Chrome<'a> {
    Chrome {
        lang,
        tz: &state.platform.settings.host_time_zone,
        path,
        viewer: None,
        flash: None,
    }
}

async fn click_day_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = request_language(&state, &headers);
    let day = service::click_day(&state.platform);
    let now = state.platform.now_us();
    render(
        &state,
        &public_chrome(&state, &lang, "/click-day"),
        StatusCode::OK,
        "pathways/click_day.html",
        context! { day => day, server_time => now },
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeParams {
    #[serde(default)]
    code: Option<String>,
}

async fn status_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<CodeParams>,
) -> Response {
    let lang = request_language(&state, &headers);
    let code = params.code.unwrap_or_default();
    let (found, missing) = if code.trim().is_empty() {
        (None, false)
    } else {
        match service::public_status(&state.platform, &code).await {
            Ok(s) => (Some(s), false),
            Err(accordo_service::ServiceError::NotFound { .. }) => (None, true),
            Err(e) => return accordo_server::pages::error_page(&state, &lang, &e),
        }
    };
    render(
        &state,
        &public_chrome(&state, &lang, "/pathways/status"),
        StatusCode::OK,
        "pathways/status.html",
        context! { code => code, found => found, missing => missing },
    )
}

async fn certificate_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<CodeParams>,
) -> Response {
    let lang = request_language(&state, &headers);
    let code = params.code.unwrap_or_default();
    let found = if code.trim().is_empty() {
        None
    } else {
        match training::verify(&state.platform, &code).await {
            Ok(v) => Some(v),
            Err(e) => return accordo_server::pages::error_page(&state, &lang, &e),
        }
    };
    render(
        &state,
        &public_chrome(&state, &lang, "/pathways/certificates"),
        StatusCode::OK,
        "pathways/certificate.html",
        context! { code => code, found => found },
    )
}

// ---- the access matrix's rows of the pages ----

const EMPLOYERS: &[(accordo_domain::Role, At)] = &[(accordo_domain::Role::Employer, At::Anywhere)];

pub fn matrix_rows() -> Vec<AccessRow> {
    use accordo_domain::Role;
    const READERS: &[(Role, At)] = &[
        (Role::Caseworker, At::HostState),
        (Role::PartnerAuthority, At::Agency("PK-MOI")),
        (Role::PartnerAuthority, At::Agency("PK-BEOE")),
    ];
    const WINDOW_READERS: &[(Role, At)] = &[
        (Role::Admin, At::Operator),
        (Role::Analyst, At::Anywhere),
        (Role::Officer, At::Anywhere),
        (Role::Caseworker, At::Anywhere),
        (Role::PartnerAuthority, At::Anywhere),
        (Role::Monitor, At::Anywhere),
        (Role::Employer, At::Anywhere),
    ];
    const MINISTRY: &[(Role, At)] = &[(Role::Admin, At::Operator)];
    const COURSE_READERS: &[(Role, At)] = &[
        (Role::PartnerAuthority, At::Anywhere),
        (Role::Caseworker, At::HostState),
    ];
    const PARTNERS: &[(Role, At)] = &[(Role::PartnerAuthority, At::Anywhere)];
    vec![
        row(
            "get",
            "/pathways",
            json!(null),
            Holders(WINDOW_READERS),
            Holders(READERS),
        ),
        row(
            "get",
            "/pathways/new",
            json!(null),
            Holders(EMPLOYERS),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/applications",
            json!({"category": "2026|seasonal_agriculture", "worker_name": "Matrix Worker"}),
            Holders(EMPLOYERS),
            Only(&[]),
        ),
        row(
            "get",
            "/pathways/applications/{id}",
            json!(null),
            Holders(READERS),
            Holders(READERS),
        ),
        row(
            "post",
            "/pathways/applications/{id}/submit",
            json!({"key": "matrix"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/applications/{id}/steps",
            json!({"step": "authorisation", "on": "2026-11-20"}),
            Holders(&[(Role::Caseworker, At::HostState)]),
            Holders(&[(Role::Caseworker, At::HostState)]),
        ),
        row(
            "get",
            "/pathways/windows",
            json!(null),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/windows",
            json!({"year": "2026", "category": "care_work"}),
            Holders(MINISTRY),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/windows/{id}/assignment",
            json!({}),
            Holders(MINISTRY),
            Only(&[]),
        ),
        row(
            "get",
            "/pathways/outcomes",
            json!(null),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/pathways/simulation?seed=1&minutes=1",
            json!(null),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/pathways/courses",
            json!(null),
            Holders(COURSE_READERS),
            Holders(&[(Role::Caseworker, At::HostState)]),
        ),
        row(
            "post",
            "/pathways/courses",
            json!({"title": "Matrix course", "kind": "safety"}),
            Holders(PARTNERS),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/courses/{id}/trainees",
            json!({"name": "Matrix"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/pathways/courses/{id}/certificates",
            json!({"trainee": "x"}),
            Only(&[]),
            Only(&[]),
        ),
    ]
}
