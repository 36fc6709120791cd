//! The events recorded on the platform: the list the viewer may read under TLP (search,
//! filters, sorting, paging, CSV), the form that records one for the viewer's agency, and
//! one event's page, where its agency withdraws it.

use accordo_flows::event::{EventInput, EventKind, Vessel};
use accordo_flows::vocab;
use accordo_server::AppState;
use accordo_server::extract::{Path, Query};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, done, list, render, viewer_error_page,
};
use accordo_service::ServiceError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;
use uuid::Uuid;

use crate::service::events::{self, EventView};

/// The list of events (the list component).
fn events_list(mine: String) -> list::Spec<EventView> {
    use list::{Column, Filter, Key, Spec};
    let all = || (String::new(), "list-all".to_owned());
    Spec {
        path: "/flows/events",
        columns: vec![
            Column {
                key: "date",
                label: "flows-event-date",
                sort: Some(|e| Some(Key::Text(e.date.clone()))),
            },
            Column {
                key: "kind",
                label: "flows-event-kind",
                sort: Some(|e| Some(Key::Text(e.kind.clone()))),
            },
            Column {
                key: "place",
                label: "flows-event-place",
                sort: Some(|e| Some(Key::Text(e.place.to_lowercase()))),
            },
            Column {
                key: "people",
                label: "flows-event-people",
                sort: Some(|e| Some(Key::Number(e.people))),
            },
            Column {
                key: "dead",
                label: "flows-event-dead-missing",
                sort: Some(|e| Some(Key::Number(e.dead + e.missing))),
            },
            Column {
                key: "agency",
                label: "flows-event-agency",
                sort: Some(|e| Some(Key::Text(e.agency.clone()))),
            },
        ],
        default_sort: ("date", true),
        // Places, agencies and routes as written; countries by code and by name, in English
        // and in Italian.
        search: |e| {
            let country = |c: &str| {
                format!(
                    "{c} {} {}",
                    accordo_flows::vocab::nationality_name(c).unwrap_or_default(),
                    accordo_web::countries::name(c, "it").unwrap_or_default()
                )
            };
            let countries: Vec<String> = e
                .nationalities
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(e.departure_country.as_deref())
                .map(country)
                .collect();
            format!(
                "{} {} {} {}",
                e.place,
                e.agency,
                e.route,
                countries.join(" ")
            )
        },
        filters: vec![
            Filter {
                key: "kind",
                label: "flows-event-kind",
                choices: std::iter::once(all())
                    .chain(EventKind::ALL.iter().map(|k| {
                        (
                            k.as_str().to_owned(),
                            format!("flows-event-kind-{}", k.as_str()),
                        )
                    }))
                    .collect(),
                narrows: true,
                passes: Box::new(|e, v| e.kind == v),
            },
            Filter {
                key: "route",
                label: "flows-route",
                choices: std::iter::once(all())
                    .chain(vocab::ROUTES.iter().map(|r| {
                        let key = vocab::route_key(r);
                        (key.clone(), format!("flows-route-{key}"))
                    }))
                    .collect(),
                narrows: true,
                passes: Box::new(|e, v| e.route_key == v),
            },
            Filter {
                key: "from",
                label: "flows-event-agency",
                choices: vec![
                    all(),
                    ("mine".into(), "flows-events-mine".into()),
                    ("others".into(), "flows-events-others".into()),
                ],
                narrows: true,
                passes: Box::new(move |e, v| (v == "mine") == (e.agency == mine)),
            },
        ],
        csv_header: &[
            "id",
            "date",
            "kind",
            "route",
            "border",
            "place",
            "latitude",
            "longitude",
            "departure_country",
            "vessel",
            "people",
            "dead",
            "missing",
            "nationalities",
            "agency",
            "handling",
        ],
        csv_row: |e| {
            vec![
                e.id.to_string(),
                e.date.clone(),
                e.kind.clone(),
                e.route.clone(),
                e.border.clone(),
                e.place.clone(),
                e.latitude.to_string(),
                e.longitude.to_string(),
                e.departure_country.clone().unwrap_or_default(),
                e.vessel.clone().unwrap_or_default(),
                e.people.to_string(),
                e.dead.to_string(),
                e.missing.to_string(),
                e.nationalities
                    .iter()
                    .map(|(n, c)| format!("{n} {c}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                e.agency.clone(),
                e.handling.clone(),
            ]
        },
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    let found = match events::list(&state.platform, &viewer.ctx, &Default::default()).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let capped = found.len() as i64 >= events::EVENTS_MAX;
    let view = match events_list(viewer.ctx.actor.agency.to_string()).apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/flows/events", Some(&headers)),
        StatusCode::OK,
        "flows/events.html",
        context! {
            events => view,
            capped => capped.then_some(events::EVENTS_MAX),
            may_record => events::may_record(&viewer.ctx).is_ok(),
            tab => "events",
            tab_events => true,
        },
    )
}

/// The form that records an event: empty, or as the user left it with the errors beside.
async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    // Whoever may not record is told so, not shown a form that cannot succeed.
    if let Err(e) = events::may_record(&viewer.ctx) {
        return viewer_error_page(state, viewer, &e);
    }
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, "/flows/events/new", headers),
        status,
        "flows/event_new.html",
        context! {
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            kinds => EventKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            vessels => Vessel::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            routes => vocab::ROUTES.iter().map(|r| vocab::route_key(r)).collect::<Vec<_>>(),
            handlings => ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"],
            tab => "events",
            tab_events => true,
        },
    )
}

pub async fn new_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    form_page(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
    )
    .await
}

/// A decimal number as people type it: `35.4997` or `35,4997`.
fn decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = if t.contains(',') && !t.contains('.') {
        t.replace(',', ".")
    } else {
        t.to_owned()
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// People by nationality as typed: `BGD 20, EGY 25` (a comma, a semicolon or a new line
/// between entries; a space, `:` or `=` between code and count).
fn nationalities(text: &str) -> Option<Vec<(String, i64)>> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (code, count) = entry
                .split_once([' ', ':', '='])
                .map(|(c, n)| (c.trim(), n.trim().trim_start_matches([':', '=']).trim()))?;
            Some((code.to_ascii_uppercase(), count.parse::<i64>().ok()?))
        })
        .collect()
}

pub async fn record(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(
        f,
        &[
            "date",
            "kind",
            "route",
            "border",
            "place",
            "latitude",
            "longitude",
            "handling",
        ],
    );
    let number = |errors: &mut FormErrors, name: &str| -> i64 {
        match f.get(name).trim() {
            "" => 0,
            t => t.parse::<i64>().unwrap_or_else(|_| {
                errors.add(name, "error-whole-number");
                0
            }),
        }
    };
    let (people, dead, missing) = (
        number(&mut errors, "people"),
        number(&mut errors, "dead"),
        number(&mut errors, "missing"),
    );
    let mut degrees = |name: &str| -> f64 {
        if f.get(name).trim().is_empty() {
            return 0.0;
        }
        decimal(f.get(name)).unwrap_or_else(|| {
            errors.add(name, "error-number");
            0.0
        })
    };
    let (latitude, longitude) = (degrees("latitude"), degrees("longitude"));
    let by_nationality = nationalities(f.get("nationalities")).unwrap_or_else(|| {
        errors.add("nationalities", "flows-error-nationalities-form");
        Vec::new()
    });
    let input = EventInput {
        date: f.get("date").to_owned(),
        kind: f.get("kind").to_owned(),
        route: f.get("route").to_owned(),
        border: f.get("border").to_owned(),
        place: f.get("place").to_owned(),
        latitude,
        longitude,
        departure_country: f.get("departure_country").trim().to_ascii_uppercase(),
        vessel: f.get("vessel").to_owned(),
        people,
        dead,
        missing,
        nationalities: by_nationality,
    };
    let addressees: Vec<String> = f
        .get("addressees")
        .split([',', ' ', ';'])
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    // Every mistake at once: what the page could not read, then what the rules refuse.
    match events::checked(
        &state.platform,
        &v.ctx,
        &input,
        f.get("handling"),
        &addressees,
    )
    .await
    {
        Err(e) => return viewer_error_page(&state, v, &e),
        Ok(Err(refused)) => {
            errors.add_refusals(&state, &v.lang, &refused, "place", str::to_owned);
        }
        Ok(Ok(_)) => {}
    }
    if !errors.is_empty() {
        return form_page(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            (Some(f), Some(&errors)),
        )
        .await;
    }
    match events::record(
        &state.platform,
        &v.ctx,
        &input,
        f.get("handling"),
        &addressees,
    )
    .await
    {
        Ok(event) => done(
            &format!("/flows/events/{}", event.id),
            "flows-event-recorded",
        ),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "place") {
            Some(errors) => {
                form_page(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (Some(f), Some(&errors)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

pub async fn event_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    let event = match events::get(&state.platform, &viewer.ctx, id).await {
        Ok(e) => e,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let names: std::collections::BTreeMap<String, String> = event
        .nationalities
        .iter()
        .map(|(n, _)| (n.clone(), super::nationality_words(&state, &viewer.lang, n)))
        .chain(
            event
                .departure_country
                .iter()
                .map(|c| (c.clone(), super::nationality_words(&state, &viewer.lang, c))),
        )
        .collect();
    let named: i64 = event.nationalities.iter().map(|(_, n)| n).sum();
    render(
        &state,
        &Chrome::signed_in(&viewer, &format!("/flows/events/{id}"), Some(&headers)),
        StatusCode::OK,
        "flows/event.html",
        context! {
            may_withdraw => events::may_withdraw(&viewer.ctx, &event),
            unknown_nationality => event.people - named,
            e => event,
            names => names,
            tab => "events",
            tab_events => true,
        },
    )
}

pub async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    match events::withdraw(&state.platform, &form.viewer.ctx, id).await {
        Ok(_) | Err(ServiceError::Rules { .. }) => {
            done(&format!("/flows/events/{id}"), "flows-event-withdrawn")
        }
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_nationalities_read_as_people_type_them() {
        assert_eq!(decimal("35,4997"), Some(35.4997));
        assert_eq!(decimal(" 12.6 "), Some(12.6));
        assert_eq!(decimal("1,234.5"), None);
        assert_eq!(decimal("north"), None);
        assert_eq!(
            nationalities("bgd 20, EGY: 25;\nSDN=3").unwrap(),
            vec![("BGD".into(), 20), ("EGY".into(), 25), ("SDN".into(), 3)]
        );
        assert_eq!(nationalities("  ").unwrap(), vec![]);
        assert_eq!(nationalities("BGD twenty"), None);
        assert_eq!(nationalities("BGD"), None);
    }
}
