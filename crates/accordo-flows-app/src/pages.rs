//! The statistics page: Italy's sea arrivals by year (a chart and its table), the change
//! between its last two complete years, its year to date and its declared nationalities;
//! Frontex's routes over their last two complete years. Every table is also a CSV.

use accordo_server::AppState;
use accordo_server::extract::Query;
use accordo_server::pages::chart;
use accordo_server::pages::{Chrome, PageRoutes, Viewer, render, viewer_error_page};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use crate::service;

pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/flows", flows)
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowsQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    table: String,
}

/// A table as CSV (a header, then rows), downloaded under `name`.
fn csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        out,
    )
        .into_response()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn flows(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(q): Query<FlowsQuery>,
) -> Response {
    let o = match service::overview(&state.platform, &viewer.ctx).await {
        Ok(o) => o,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    if q.format == "csv" {
        return match q.table.as_str() {
            "frontex-routes" => csv(
                "frontex-routes",
                &[
                    "route",
                    "previous_year",
                    "previous",
                    "latest_year",
                    "latest",
                    "change_percent",
                ],
                o.frontex_routes
                    .iter()
                    .map(|r| {
                        let (a, b) = o.frontex_years.unwrap_or_default();
                        vec![
                            r.route.to_owned(),
                            a.to_string(),
                            r.previous.to_string(),
                            b.to_string(),
                            r.latest.to_string(),
                            opt(r.change_percent),
                        ]
                    })
                    .collect(),
            ),
            "italy-nationalities" => csv(
                "italy-nationalities",
                &["year", "nationality", "arrivals", "percent"],
                o.italy_nationalities
                    .iter()
                    .map(|s| {
                        vec![
                            opt(o.italy_nationalities_year),
                            s.nationality.clone(),
                            s.count.to_string(),
                            opt(s.percent),
                        ]
                    })
                    .collect(),
            ),
            _ => csv(
                "italy-sea-arrivals",
                &["year", "arrivals", "basis", "months", "monthly_sum"],
                o.italy_years
                    .iter()
                    .map(|t| {
                        vec![
                            t.period.to_string(),
                            t.count.to_string(),
                            serde_json::to_value(t.basis)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            opt(t.months),
                            opt(t.monthly_sum),
                        ]
                    })
                    .collect(),
            ),
        };
    }
    let peak = o.italy_years.iter().map(|t| t.count).max().unwrap_or(0);
    let scale = chart::scale(peak);
    let nat_peak = o
        .italy_nationalities
        .iter()
        .map(|s| s.count)
        .max()
        .unwrap_or(0);
    let nat_scale = chart::scale(nat_peak);
    let names: Vec<(String, String)> = o
        .italy_nationalities
        .iter()
        .map(|s| {
            (
                s.nationality.clone(),
                accordo_flows::vocab::nationality_name(&s.nationality)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    render(
        &state,
        &Chrome::signed_in(&viewer, "/flows", Some(&headers)),
        StatusCode::OK,
        "flows/index.html",
        context! {
            o => o,
            peak => scale.top,
            ticks => scale.ticks,
            nat_peak => nat_scale.top,
            nat_ticks => nat_scale.ticks,
            names => names.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        },
    )
}
