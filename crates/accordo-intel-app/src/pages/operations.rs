//! The joint operations' pages: the list with the form that records one (its area drawn on
//! the flows pillar's map, or typed), and an operation with its map, its events and the form
//! that records one.

use accordo_flows::map::View;
use accordo_flows_app::map::{VIEW, land, land_in};
use accordo_server::AppState;
use accordo_server::extract::{Path, Query};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, done, list, render, viewer_error_page,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;
use uuid::Uuid;

use crate::service::operations::{self, NewOperation, NewOperationEvent, OperationView};

fn operations_list() -> list::Spec<OperationView> {
    use list::{Column, Key, Spec};
    Spec {
        path: "/intel/operations",
        columns: vec![
            Column {
                key: "period",
                label: "intel-operation-period",
                sort: Some(|o| Some(Key::Text(o.starts_on.clone()))),
            },
            Column {
                key: "name",
                label: "intel-operation-name",
                sort: Some(|o| Some(Key::Text(o.name.to_lowercase()))),
            },
            Column {
                key: "participants",
                label: "intel-operation-participants",
                sort: None,
            },
        ],
        default_sort: ("period", true),
        search: |o| format!("{} {}", o.name, o.participants.join(" ")),
        filters: Vec::new(),
        csv_header: &["id", "name", "lead", "participants", "starts_on", "ends_on"],
        csv_row: |o| {
            vec![
                o.id.to_string(),
                o.name.clone(),
                o.owner_agency.clone(),
                o.participants.join(" "),
                o.starts_on.clone(),
                o.ends_on.clone(),
            ]
        },
    }
}

/// The window of the flows pillar's map an area is drawn in: the area with a margin of half
/// its size each way (at least 3 degrees across), or the whole map when there is no area.
fn window_of(area: &[[f64; 2]]) -> View {
    let Some(first) = area.first() else {
        return VIEW;
    };
    let (mut south, mut north, mut west, mut east) = (first[0], first[0], first[1], first[1]);
    for [lat, lon] in area {
        south = south.min(*lat);
        north = north.max(*lat);
        west = west.min(*lon);
        east = east.max(*lon);
    }
    let margin = ((north - south).max(east - west) / 2.0).max(1.5);
    let (mut south, mut north) = (south - margin, north + margin);
    let (mut west, mut east) = (west - margin, east + margin);
    // The flows map's proportions: widen the narrower side (in drawn units) to match.
    let middle = ((south + north) / 2.0).to_radians().cos().max(0.2);
    let (ratio, tall) = (VIEW.height() / VIEW.width, north - south);
    let wide = (east - west) * middle;
    if tall / wide > ratio {
        let grow = (tall / ratio / middle - (east - west)) / 2.0;
        (west, east) = (west - grow, east + grow);
    } else {
        let grow = (wide * ratio - tall) / 2.0;
        (south, north) = (south - grow, north + grow);
    }
    let window = View {
        west: west.max(-180.0),
        east: east.min(180.0),
        south: south.max(-85.0),
        north: north.min(85.0),
        width: VIEW.width,
    };
    // Near a pole, or wider than the globe, the window cannot hold the area: the whole map.
    if area.iter().any(|[lat, lon]| !window.contains((*lon, *lat))) {
        return VIEW;
    }
    window
}

/// The map in `view` (the flows pillar's whole window, or one fitted to an area), its land,
/// with `area` outlined and `dots` placed.
fn map(view: &View, area: &[[f64; 2]], dots: &[(Uuid, &str, &str, f64, f64)]) -> minijinja::Value {
    let at = |lat: f64, lon: f64| view.project((lon, lat));
    let land = if *view == VIEW {
        land().to_owned()
    } else {
        land_in(view)
    };
    context! {
        width => view.width,
        height => format!("{:.0}", view.height()),
        west => view.west,
        east => view.east,
        south => view.south,
        north => view.north,
        land => minijinja::Value::from_safe_string(land),
        area => area
            .iter()
            .map(|[lat, lon]| {
                let (x, y) = at(*lat, *lon);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" "),
        dots => dots
            .iter()
            .map(|(id, kind, date, lat, lon)| {
                let (x, y) = at(*lat, *lon);
                context! { id => id, kind => kind, date => date, x => format!("{x:.1}"), y => format!("{y:.1}") }
            })
            .collect::<Vec<_>>(),
    }
}

async fn list_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    params: &list::Params,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let found = match operations::list(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let view = match operations_list().apply(found, params) {
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
        &Chrome::signed_in(viewer, "/intel/operations", headers),
        status,
        "intel/operations.html",
        context! {
            operations => view,
            may_create => operations::may_create(&viewer.ctx).is_ok(),
            agencies => super::agencies(state, viewer).await,
            map => map(&VIEW, &[], &[]),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            chosen => chosen,
            tab => "operations",
        },
    )
}

/// The operations the reader's agency takes part in: a list with search, sorting, paging and
/// CSV; the form that records one, for those who may.
pub async fn operations_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    list_with(
        &state,
        &viewer,
        Some(&headers),
        &params,
        StatusCode::OK,
        (None, None),
    )
    .await
}

pub async fn create_operation(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let input = NewOperation {
        name: f.get("name").to_owned(),
        participants: f
            .all("participants")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        starts_on: f.get("starts_on").to_owned(),
        ends_on: f.get("ends_on").to_owned(),
        area: f.raw("area").to_owned(),
    };
    let st = &state;
    let kept = |errors: FormErrors| async move {
        list_with(
            st,
            v,
            None,
            &list::Params::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
            (Some(f), Some(&errors)),
        )
        .await
    };
    match operations::refusals(&state.platform, &v.ctx, &input).await {
        Err(e) => return viewer_error_page(&state, v, &e),
        Ok(no) if !no.is_empty() => {
            // A field left empty is said to be required, not to be malformed.
            let mut errors = FormErrors::default();
            errors.require(f, &["name", "starts_on", "ends_on"]);
            errors.add_refusals(&state, &v.lang, &no, "name", str::to_owned);
            return kept(errors).await;
        }
        Ok(_) => {}
    }
    match operations::create(&state.platform, &v.ctx, &input).await {
        Ok(op) => done(
            &format!("/intel/operations/{}", op.id),
            "intel-operation-created",
        ),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "name") {
            Some(errors) => kept(errors).await,
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn operation_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let op = match operations::get(&state.platform, &viewer.ctx, id).await {
        Ok(op) => op,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let dots: Vec<(Uuid, &str, &str, f64, f64)> = op
        .events
        .iter()
        .flatten()
        .filter(|e| !e.withdrawn)
        .filter_map(|e| {
            Some((
                e.id,
                e.kind.as_str(),
                e.date.as_deref()?,
                e.latitude?,
                e.longitude?,
            ))
        })
        .collect();
    let drawn = map(&window_of(&op.area), &op.area, &dots);
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, &format!("/intel/operations/{id}"), headers),
        status,
        "intel/operation.html",
        context! {
            op => op,
            map => drawn,
            may_record => operations::may_create(&viewer.ctx).is_ok(),
            kinds => operations::EVENT_KINDS,
            routes => accordo_flows::vocab::ROUTES
                .iter()
                .map(|r| (*r, accordo_flows::vocab::route_key(r)))
                .collect::<Vec<_>>(),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tab => "operations",
        },
    )
}

/// An operation: its participants, period, area (drawn and as a table), its events, and the
/// form that records one for a participant's officers and analysts.
pub async fn operation_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    operation_with(
        &state,
        &viewer,
        Some(&headers),
        id,
        StatusCode::OK,
        (None, None),
    )
    .await
}

pub async fn record_event(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["date", "place", "latitude", "longitude"]);
    let mut number = |name: &str, whole: bool| -> f64 {
        let text = f.get(name).trim();
        if text.is_empty() {
            return 0.0;
        }
        match text.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() && (!whole || n.fract() == 0.0) => n,
            _ => {
                errors.add(
                    name,
                    if whole {
                        "error-whole-number"
                    } else {
                        "intel-error-operation-number"
                    },
                );
                0.0
            }
        }
    };
    let latitude = number("latitude", false);
    let longitude = number("longitude", false);
    let people = number("people", true) as i64;
    let arrested = number("arrested", true) as i64;
    let kind = f.get("kind").to_owned();
    let flow = matches!(kind.as_str(), "interception" | "rescue");
    let input = NewOperationEvent {
        kind,
        date: f.get("date").to_owned(),
        place: f.get("place").to_owned(),
        latitude,
        longitude,
        description: f.get("description").to_owned(),
        arrested,
        route: if flow {
            f.get("route").to_owned()
        } else {
            String::new()
        },
        border: if flow {
            "sea".to_owned()
        } else {
            String::new()
        },
        people,
        ..NewOperationEvent::default()
    };
    let st = &state;
    let kept = |errors: FormErrors| async move {
        operation_with(
            st,
            v,
            None,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            (Some(f), Some(&errors)),
        )
        .await
    };
    match operations::event_refusals(&state.platform, &v.ctx, id, &input).await {
        Err(e) => return viewer_error_page(&state, v, &e),
        Ok(no) => errors.add_refusals(&state, &v.lang, &no, "kind", str::to_owned),
    }
    if !errors.is_empty() {
        return kept(errors).await;
    }
    match operations::record_event(&state.platform, &v.ctx, id, &input).await {
        Ok(_) => done(
            &format!("/intel/operations/{id}"),
            "intel-operation-event-recorded",
        ),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "kind") {
            Some(errors) => kept(errors).await,
            None => viewer_error_page(&state, v, &e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_s_map_is_fitted_in_the_flows_map_s_proportions() {
        // A north–south strip, an east–west strip, a square: each holds its area, with the
        // flows map's proportions (not 2,000 px tall).
        for area in [
            vec![[33.0, 12.0], [37.0, 12.0], [37.0, 12.5]],
            vec![[35.0, 5.0], [35.5, 5.0], [35.5, 25.0]],
            vec![[33.0, 11.0], [34.5, 11.0], [34.5, 14.0], [33.0, 14.0]],
        ] {
            let w = window_of(&area);
            let ratio = w.height() / w.width;
            assert!(
                (ratio - VIEW.height() / VIEW.width).abs() < 0.1,
                "{area:?}: {ratio}"
            );
            for [lat, lon] in &area {
                assert!(w.contains((*lon, *lat)), "{area:?} in {w:?}");
            }
        }
        // Near a pole the window would be empty: the whole map instead.
        assert_eq!(window_of(&[[87.0, 0.0], [88.0, 0.0], [88.0, 10.0]]), VIEW);
        assert_eq!(window_of(&[]), VIEW);
    }
}
