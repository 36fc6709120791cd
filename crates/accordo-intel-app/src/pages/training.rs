//! Joint training: the partnership's courses (a list with search, a filter by topic, sorting,
//! paging and CSV) and the form that records one of the reader's agency.

use accordo_server::AppState;
use accordo_server::extract::Query;
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, done, list, render, viewer_error_page,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;

use crate::service::training::{self, CourseView, NewCourse};

/// The participant rows the form offers.
const ROWS: usize = 6;

fn courses_list() -> list::Spec<CourseView> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/intel/training",
        columns: vec![
            Column {
                key: "period",
                label: "intel-operation-period",
                sort: Some(|c| Some(Key::Text(c.starts_on.clone()))),
            },
            Column {
                key: "title",
                label: "intel-course-title",
                sort: Some(|c| Some(Key::Text(c.title.to_lowercase()))),
            },
            Column {
                key: "agencies",
                label: "intel-course-participants",
                sort: None,
            },
            Column {
                key: "trainees",
                label: "intel-course-trainees",
                sort: Some(|c| Some(Key::Number(c.trainees))),
            },
        ],
        default_sort: ("period", true),
        search: |c| {
            format!(
                "{} {} {} {} {}",
                c.title,
                c.place,
                c.organiser,
                c.participants
                    .iter()
                    .map(|p| p.agency.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                c.countries.join(" ")
            )
        },
        filters: vec![Filter {
            key: "topic",
            label: "intel-course-topic",
            choices: std::iter::once(super::all())
                .chain(
                    training::TOPICS
                        .iter()
                        .map(|t| ((*t).to_owned(), format!("intel-topic-{t}"))),
                )
                .collect(),
            narrows: true,
            passes: Box::new(|c, v| c.topic == v),
        }],
        csv_header: &[
            "id",
            "title",
            "topic",
            "organiser",
            "starts_on",
            "ends_on",
            "place",
            "participants",
            "trainees",
        ],
        csv_row: |c| {
            vec![
                c.id.to_string(),
                c.title.clone(),
                c.topic.clone(),
                c.organiser.clone(),
                c.starts_on.clone(),
                c.ends_on.clone(),
                c.place.clone(),
                c.participants
                    .iter()
                    .map(|p| format!("{}:{}", p.agency, p.trainees))
                    .collect::<Vec<_>>()
                    .join(" "),
                c.trainees.to_string(),
            ]
        },
    }
}

async fn with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    params: &list::Params,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let found = match training::list(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let view = match courses_list().apply(found, params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let (values, errors) = form;
    let rows: Vec<(String, String)> = (0..ROWS)
        .map(|i| {
            values.map_or_else(Default::default, |f| {
                (
                    f.get(&format!("agency_{i}")).to_owned(),
                    f.get(&format!("trainees_{i}")).to_owned(),
                )
            })
        })
        .collect();
    let agencies: Vec<(String, String)> =
        accordo_store::accounts::list_agencies(&state.platform.store)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.country.is_some())
            .map(|a| (a.code, a.name))
            .collect();
    render(
        state,
        &Chrome::signed_in(viewer, "/intel/training", headers),
        status,
        "intel/training.html",
        context! {
            courses => view,
            may_add => training::may_add(&viewer.ctx),
            topics => training::TOPICS,
            agencies => agencies,
            participant_rows => rows,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tab => "training",
        },
    )
}

/// The partnership's joint training, and the form that records a course.
pub async fn training_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    with(
        &state,
        &viewer,
        Some(&headers),
        &params,
        StatusCode::OK,
        (None, None),
    )
    .await
}

/// The form field of an API field: `participants[i].agency` is the i-th filled row's.
fn row_field(field: &str, filled: &[usize]) -> String {
    if let Some((index, part)) = field
        .strip_prefix("participants[")
        .and_then(|rest| rest.split_once("]."))
        && let Ok(index) = index.parse::<usize>()
        && let Some(row) = filled.get(index)
    {
        let name = if part == "trainees" {
            "trainees"
        } else {
            "agency"
        };
        return format!("{name}_{row}");
    }
    field.to_owned()
}

pub async fn add_course(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["title", "place", "starts_on", "ends_on"]);
    let filled: Vec<usize> = (0..ROWS)
        .filter(|i| !f.get(&format!("agency_{i}")).is_empty())
        .collect();
    let mut participants = Vec::new();
    for &i in &filled {
        let name = format!("trainees_{i}");
        let trainees = match f.get(&name).trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.add(&name, "error-whole-number");
                0
            }
        };
        participants.push((f.get(&format!("agency_{i}")).to_owned(), trainees));
    }
    let input = NewCourse {
        title: f.get("title").to_owned(),
        topic: f.get("topic").to_owned(),
        starts_on: f.get("starts_on").to_owned(),
        ends_on: f.get("ends_on").to_owned(),
        place: f.get("place").to_owned(),
        participants,
    };
    match training::refusals(&state.platform, &v.ctx, &input).await {
        Err(e) => return viewer_error_page(&state, v, &e),
        Ok(no) => errors.add_refusals(&state, &v.lang, &no, "title", |field| {
            row_field(field, &filled)
        }),
    }
    if errors.is_empty() {
        match training::add(&state.platform, &v.ctx, &input).await {
            Ok(_) => return done("/intel/training", "intel-course-added"),
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "title") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    with(
        &state,
        v,
        None,
        &list::Params::default(),
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}
