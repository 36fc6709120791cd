//! The statistics page: Italy's sea arrivals by year (a chart and its table), the change
//! between its last two complete years, its year to date and its declared nationalities;
//! Frontex's routes over their last two complete years. Every table is also a CSV.

use accordo_server::AppState;
use accordo_server::extract::Path;
use accordo_server::extract::Query;
use accordo_server::pages::chart;
use accordo_server::pages::home::Card;
use accordo_server::pages::list::csv_file as csv;
use accordo_server::pages::{
    Chrome, PageRoutes, SignedForm, Viewer, done, render, viewer_error_page,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use crate::service;

mod events;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/flows", flows)
        .get("/flows/routes/{id}", route)
        .get("/flows/events", events::list_page)
        .post("/flows/events", events::record)
        .get("/flows/events/new", events::new_page)
        .get("/flows/events/{id}", events::event_page)
        .post("/flows/events/{id}/withdraw", events::withdraw)
        .post("/flows/subscriptions", follow)
}

/// Follows (`follow=1`) or stops following (`follow=0`) one forecast series, then back to the
/// flows page it was asked from.
async fn follow(State(state): State<AppState>, form: SignedForm) -> Response {
    let on = form.fields.get("follow") == "1";
    let back = form.fields.get("back");
    // Only back to a flows page of this site.
    let back = if back.starts_with("/flows")
        && !back.contains("//")
        && !back.contains('\\')
        && back.bytes().all(|b| b.is_ascii_graphic())
    {
        back
    } else {
        "/flows"
    };
    match service::subscriptions::follow(
        &state.platform,
        &form.viewer.ctx,
        form.fields.get("series"),
        on,
    )
    .await
    {
        Ok(_) => done(
            back,
            if on {
                "flows-followed"
            } else {
                "flows-unfollowed"
            },
        ),
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

/// The home page's card: the early warnings of the series the reader follows.
pub async fn home_cards(state: &AppState, viewer: &Viewer) -> Vec<Card> {
    use accordo_server::pages::home::{Count, Item};
    let Ok(followed) = service::subscriptions::list(&state.platform, &viewer.ctx).await else {
        return Vec::new();
    };
    let alerts = match service::subscriptions::alerts(&state.platform, &viewer.ctx).await {
        Ok(found) => found.unwrap_or_default(),
        Err(_) => return Vec::new(),
    };
    let text = |id: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, accordo_web::i18n::ArgValue)> = args
            .iter()
            .map(|(k, v)| (*k, accordo_web::i18n::ArgValue::Text(v.clone())))
            .collect();
        accordo_server::pages::catalogue_text_with(state, &viewer.lang, id, &args)
            .unwrap_or_else(|| id.to_owned())
    };
    let items = alerts
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, (key, w))| {
            let label = series_label(state, &viewer.lang, key);
            let up = w.direction == accordo_forecast::warning::Direction::Up;
            let body = if w.kind == "surprise" {
                text(
                    &format!(
                        "flows-warning-surprise-{}{}",
                        if up { "up" } else { "down" },
                        // Italy's figures are arrivals, Frontex's detections.
                        if key.source == accordo_flows::vocab::Source::Ita {
                            "-arrivals"
                        } else {
                            ""
                        }
                    ),
                    &[
                        ("observed", whole(w.observed)),
                        ("expected", whole(w.expected)),
                        ("lo", whole(w.lo95)),
                        ("hi", whole(w.hi95)),
                    ],
                )
            } else {
                let percent = w.ratio.map(|r| ((r - 1.0).abs() * 100.0).round());
                text(
                    &format!("flows-warning-change-{}", if up { "up" } else { "down" }),
                    &[("percent", whole(percent))],
                )
            };
            Item {
                id: format!("flows-alert-{i}"),
                title: format!("{label} · {}", month_words(state, &viewer.lang, &w.period)),
                body,
                // A month's warning, not a moment's: no time shown.
                at_us: 0,
                href: Some(match key.route {
                    Some(route) => format!(
                        "/flows/routes/{}#h-warnings",
                        accordo_flows::vocab::route_key(route)
                    ),
                    None => "/flows#h-forecasts".to_owned(),
                }),
                can_mark_read: false,
            }
        })
        .collect();
    vec![Card {
        id: "flows-alerts",
        title: "flows-home-alerts",
        icon: "it-warning-circle",
        href: Some("/flows#h-forecasts"),
        counts: vec![
            Count {
                label: "flows-home-followed",
                value: followed.len() as i64,
                text: None,
                href: Some("/flows#h-forecasts".into()),
                warn: false,
            },
            Count {
                label: "flows-home-alerts-count",
                value: alerts.len() as i64,
                text: None,
                href: None,
                warn: !alerts.is_empty(),
            },
        ],
        items,
        empty: Some(if followed.is_empty() {
            "flows-home-follow-none"
        } else {
            "flows-home-no-alerts"
        }),
    }]
}

/// `2023-10` as the reader says it: "ottobre 2023", "October 2023".
fn month_words(state: &AppState, lang: &str, period: &str) -> String {
    let month = period.get(5..7).and_then(|m| m.parse::<u8>().ok());
    match (period.get(..4), month) {
        (Some(year), Some(m)) => {
            accordo_server::pages::catalogue_text(state, lang, &format!("flows-month-{m}"))
                .map_or_else(|| period.to_owned(), |name| format!("{name} {year}"))
        }
        _ => period.to_owned(),
    }
}

/// A figure as a whole number with no grouping (the catalogue formats it), or a dash.
fn whole(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{}", v.round() as i64))
}

/// A forecast series' name in the reader's language.
fn series_label(state: &AppState, lang: &str, key: &service::forecasts::SeriesKey) -> String {
    match (&key.nationality, key.route) {
        (Some(code), _) => nationality_words(state, lang, code),
        (None, Some(route)) => accordo_server::pages::catalogue_text(
            state,
            lang,
            &format!("flows-route-{}", accordo_flows::vocab::route_key(route)),
        )
        .unwrap_or_else(|| route.to_owned()),
        (None, None) => accordo_server::pages::catalogue_text(
            state,
            lang,
            &format!("flows-series-{}", key.source.as_str().to_lowercase()),
        )
        .unwrap_or_else(|| key.name()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowsQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    table: String,
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
                o.frontex_routes.iter().map(|r| {
                    let (a, b) = o.frontex_years.unwrap_or_default();
                    vec![
                        r.route.to_owned(),
                        a.to_string(),
                        r.previous.to_string(),
                        b.to_string(),
                        r.latest.to_string(),
                        opt(r.change_percent),
                    ]
                }),
            ),
            "platform-months" => csv(
                "platform-events-by-month",
                &["month", "people", "basis"],
                o.platform_months.iter().map(|t| {
                    vec![
                        t.period.to_string(),
                        t.count.to_string(),
                        t.basis.as_str().to_owned(),
                    ]
                }),
            ),
            "italy-nationalities" => csv(
                "italy-nationalities",
                &["year", "nationality", "arrivals", "percent"],
                o.italy_nationalities.iter().map(|s| {
                    vec![
                        opt(o.italy_nationalities_year),
                        s.nationality.clone(),
                        s.count.to_string(),
                        opt(s.percent),
                    ]
                }),
            ),
            _ => csv(
                "italy-sea-arrivals",
                &["year", "arrivals", "basis", "months", "monthly_sum"],
                o.italy_years.iter().map(|t| {
                    vec![
                        t.period.to_string(),
                        t.count.to_string(),
                        t.basis.as_str().to_owned(),
                        opt(t.months),
                        opt(t.monthly_sum),
                    ]
                }),
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
                nationality_words(&state, &viewer.lang, &s.nationality),
            )
        })
        .collect();
    let events = if accordo_server::pages::may_read(&viewer.ctx.actor, &crate::policy::FLOW_EVENT) {
        match service::events::list(&state.platform, &viewer.ctx, &Default::default()).await {
            Ok(found) => Some(found),
            Err(e) => return viewer_error_page(&state, &viewer, &e),
        }
    } else {
        None
    };
    let map = map_view(&o, events.as_deref());
    let forecasts = match forecast_rows(&state, &viewer).await {
        Ok(rows) => rows,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/flows", Some(&headers)),
        StatusCode::OK,
        "flows/index.html",
        context! {
            forecasts => forecasts,
            forecast_pending => !service::forecasts::ready(&state.platform),
            map => map,
            o => o,
            peak => scale.top,
            ticks => scale.ticks,
            nat_peak => nat_scale.top,
            nat_ticks => nat_scale.ticks,
            names => names.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            tab => "stats",
            tab_events => accordo_server::pages::may_read(&viewer.ctx.actor, &crate::policy::FLOW_EVENT),
        },
    )
}

/// The events drawn on the map at most (the newest the reader may read).
const MAP_EVENTS: usize = 200;

/// The map's drawing: the countries, a circle per route sized by its detections of the
/// latest complete year (area for count), a dot per event the reader may read (`None`: the
/// reader reads no events); and the newest events for the table beside, with their links.
/// The drawing is one image (`role="img"`): its links are in the tables.
fn map_view(
    o: &service::Overview,
    events: Option<&[service::events::EventView]>,
) -> minijinja::Value {
    use crate::map::{VIEW, land};
    let peak = o
        .frontex_routes
        .iter()
        .map(|r| r.latest)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let routes: Vec<minijinja::Value> = o
        .frontex_routes
        .iter()
        .filter(|r| r.latest > 0)
        .filter_map(|r| {
            let (x, y) = VIEW.project(accordo_flows::vocab::route_place(r.route)?);
            Some(context! {
                key => r.key,
                x => format!("{x:.1}"),
                y => format!("{y:.1}"),
                r => format!("{:.1}", 4.0 + 30.0 * (r.latest as f64 / peak).sqrt()),
                count => r.latest,
            })
        })
        .collect();
    let plotted: Vec<&service::events::EventView> = events
        .unwrap_or_default()
        .iter()
        .filter(|e| VIEW.contains((e.longitude, e.latitude)))
        .take(MAP_EVENTS)
        .collect();
    let dots: Vec<minijinja::Value> = plotted
        .iter()
        .map(|e| {
            let (x, y) = VIEW.project((e.longitude, e.latitude));
            context! {
                id => e.id,
                x => format!("{x:.1}"),
                y => format!("{y:.1}"),
                r => format!("{:.1}", 2.0 + (e.people as f64).sqrt() / 3.0),
                place => e.place,
                date => e.date,
                people => e.people,
            }
        })
        .collect();
    context! {
        width => VIEW.width,
        height => format!("{:.0}", VIEW.height()),
        land => minijinja::Value::from_safe_string(land().to_owned()),
        routes => routes,
        reads_events => events.is_some(),
        dots => dots,
        newest => plotted.into_iter().take(10).collect::<Vec<_>>(),
    }
}

/// One of Frontex's routes: its detections month by month since 2009 (a line on an axis from
/// 0, with the year-by-month table beside it), year to date, and its largest nationalities.
async fn route(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(q): Query<FlowsQuery>,
) -> Response {
    // Whoever may not read the statistics is told so whatever the key.
    if let Err(e) = service::may_read(&viewer.ctx) {
        return viewer_error_page(&state, &viewer, &e);
    }
    let Some(route) = accordo_flows::vocab::route_of_key(&key) else {
        return viewer_error_page(
            &state,
            &viewer,
            &accordo_service::ServiceError::not_found("route", &key),
        );
    };
    let v = match service::route_view(&state.platform, &viewer.ctx, route).await {
        Ok(v) => v,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    if q.format == "csv" {
        return csv(
            &format!("frontex-{key}"),
            &["month", "detections"],
            v.months
                .iter()
                .map(|t| vec![t.period.to_string(), t.count.to_string()]),
        );
    }
    // The line: one point per month, x from the first month to the last.
    // The forecast beyond the last month, when computed: its mean dashed, its 80% and 95%
    // bands shaded, on the same axis.
    let forecast = match service::forecasts::get(
        &state.platform,
        &viewer.ctx,
        &service::forecasts::SeriesKey::route(route),
    ) {
        Ok(f) => f,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let series = service::forecasts::SeriesKey::route(route).name();
    let followed = match service::subscriptions::list(&state.platform, &viewer.ctx).await {
        Ok(list) => list.contains(&series),
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let ahead = forecast.as_ref().map_or(0, |f| f.periods.len());
    let peak = v
        .months
        .iter()
        .map(|t| t.count)
        .chain(
            forecast
                .iter()
                .flat_map(|f| f.forecast.hi80.iter().map(|h| h.ceil() as i64)),
        )
        .max()
        .unwrap_or(0);
    let scale = chart::scale(peak);
    let n = (v.months.len() + ahead).max(2) as f64;
    let x_of = |i: usize| 70.0 + 520.0 * i as f64 / (n - 1.0);
    let y_of = |c: f64| (220.0 - 200.0 * c / scale.top.max(1) as f64).max(10.0);
    let points: Vec<String> = v
        .months
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{:.1},{:.1}", x_of(i), y_of(t.count as f64)))
        .collect();
    let band = |lo: &[f64], hi: &[f64]| -> String {
        let start = v.months.len();
        let upper = hi
            .iter()
            .enumerate()
            .map(|(j, h)| format!("{:.1},{:.1}", x_of(start + j), y_of(*h)));
        let lower = lo
            .iter()
            .enumerate()
            .rev()
            .map(|(j, l)| format!("{:.1},{:.1}", x_of(start + j), y_of(*l)));
        upper.chain(lower).collect::<Vec<_>>().join(" ")
    };
    let forecast_view = forecast.as_ref().map(|f| {
        let start = v.months.len();
        // The dashed mean starts from the last observed month.
        let last = v.months.last().map(|t| format!("{:.1},{:.1}", x_of(start - 1), y_of(t.count as f64)));
        let mean: Vec<String> = last
            .into_iter()
            .chain(f.forecast.mean.iter().enumerate().map(|(j, m)| format!("{:.1},{:.1}", x_of(start + j), y_of(*m))))
            .collect();
        let rows: Vec<minijinja::Value> = f
            .periods
            .iter()
            .enumerate()
            .map(|(j, p)| {
                context! {
                    period => p,
                    mean => f.forecast.mean[j].round() as i64,
                    lo80 => f.forecast.lo80[j].round() as i64,
                    hi80 => f.forecast.hi80[j].round() as i64,
                    lo95 => f.forecast.lo95[j].round() as i64,
                    hi95 => f.forecast.hi95[j].round() as i64,
                }
            })
            .collect();
        let scores: Vec<minijinja::Value> = f
            .backtest
            .scores
            .iter()
            .map(|s| {
                context! {
                    model => s.model.as_str(),
                    chosen => s.model == f.backtest.chosen,
                    mase => format!("{:.2}", s.mean_mase),
                    smape => format!("{:.1}", s.smape.iter().sum::<f64>() / s.smape.len().max(1) as f64),
                    mase_1 => format!("{:.2}", s.mase.first().copied().unwrap_or(f64::NAN)),
                    mase_last => format!("{:.2}", s.mase.last().copied().unwrap_or(f64::NAN)),
                    coverage80 => (s.coverage80 * 100.0).round() as i64,
                    coverage95 => (s.coverage95 * 100.0).round() as i64,
                }
            })
            .collect();
        let warnings: Vec<minijinja::Value> = f
            .warnings
            .iter()
            .map(|w| {
                context! {
                    kind => w.kind,
                    period => w.period,
                    up => w.direction == accordo_forecast::warning::Direction::Up,
                    severity => serde_json::to_value(w.severity).ok().and_then(|v| v.as_str().map(str::to_owned)),
                    observed => w.observed.map(|v| v.round() as i64),
                    expected => w.expected.map(|v| v.round() as i64),
                    lo95 => w.lo95.map(|v| v.round() as i64),
                    hi95 => w.hi95.map(|v| v.round() as i64),
                    // How much the level rose or fell, in percent of the old level.
                    percent => w.ratio.map(|r| ((r - 1.0).abs() * 100.0).round() as i64),
                }
            })
            .collect();
        context! {
            warnings => warnings,
            model => f.backtest.chosen.as_str(),
            mean => mean.join(" "),
            band80 => band(&f.forecast.lo80, &f.forecast.hi80),
            band95 => band(&f.forecast.lo95, &f.forecast.hi95),
            rows => rows,
            scores => scores,
            horizon => f.backtest.scores.first().map_or(0, |s| s.mase.len()),
        }
    });
    // A label at each January, every few years so that they do not overlap.
    let first_year = v.months.first().map(|t| t.period.year()).unwrap_or(0);
    let years: Vec<minijinja::Value> = v
        .months
        .iter()
        .enumerate()
        .filter(|(_, t)| t.period.month() == Some(1) && (t.period.year() - first_year) % 2 == 0)
        .map(|(i, t)| context! { x => x_of(i), year => t.period.year() })
        .collect();
    // The table: a row per year, a column per month.
    let mut grid: std::collections::BTreeMap<i16, [Option<i64>; 12]> = Default::default();
    for t in &v.months {
        if let Some(m) = t.period.month() {
            grid.entry(t.period.year()).or_default()[(m - 1) as usize] = Some(t.count);
        }
    }
    let rows: Vec<minijinja::Value> = grid
        .iter()
        .rev()
        .map(|(year, months)| {
            context! {
                year => year,
                months => months.to_vec(),
                total => months.iter().flatten().sum::<i64>(),
                complete => months.iter().all(Option::is_some),
            }
        })
        .collect();
    let nat_peak = v.nationalities.iter().map(|s| s.count).max().unwrap_or(0);
    let nat_scale = chart::scale(nat_peak);
    let names: std::collections::BTreeMap<String, String> = v
        .nationalities
        .iter()
        .map(|s| {
            (
                s.nationality.clone(),
                nationality_words(&state, &viewer.lang, &s.nationality),
            )
        })
        .collect();
    render(
        &state,
        &Chrome::signed_in(&viewer, &format!("/flows/routes/{key}"), Some(&headers)),
        StatusCode::OK,
        "flows/route.html",
        context! {
            v => v,
            points => points.join(" "),
            forecast => forecast_view,
            forecast_pending => !service::forecasts::ready(&state.platform),
            series => series,
            followed => followed,
            back => format!("/flows/routes/{key}"),
            peak => scale.top,
            ticks => scale.ticks,
            years => years,
            rows => rows,
            nat_peak => nat_scale.top,
            nat_ticks => nat_scale.ticks,
            names => names,
        },
    )
}

/// The rows of `/flows`' forecast table: Italy's arrivals, Frontex's total, then each
/// nationality forecast (the largest next month first), with the next three months.
async fn forecast_rows(
    state: &AppState,
    viewer: &Viewer,
) -> accordo_service::Result<Vec<minijinja::Value>> {
    use service::forecasts::SeriesKey;
    let all = service::forecasts::all(&state.platform, &viewer.ctx)?.unwrap_or_default();
    let followed = service::subscriptions::list(&state.platform, &viewer.ctx).await?;
    let mut nationalities: Vec<&(SeriesKey, service::forecasts::SeriesForecast)> = all
        .iter()
        .filter(|(k, _)| k.nationality.is_some())
        .collect();
    nationalities.sort_by(|a, b| b.1.forecast.mean[0].total_cmp(&a.1.forecast.mean[0]));
    let totals = all
        .iter()
        .filter(|(k, _)| k.route.is_none() && k.nationality.is_none());
    Ok(totals
        .chain(nationalities)
        .map(|(key, f)| {
            let label = series_label(state, &viewer.lang, key);
            let steps: Vec<minijinja::Value> = (0..3.min(f.periods.len()))
                .map(|j| {
                    context! {
                        period => f.periods[j],
                        mean => f.forecast.mean[j].round() as i64,
                        lo => f.forecast.lo80[j].round() as i64,
                        hi => f.forecast.hi80[j].round() as i64,
                    }
                })
                .collect();
            context! {
                series => key.name(),
                followed => followed.contains(&key.name()),
                nationality => key.nationality,
                label => label,
                model => f.backtest.chosen.as_str(),
                steps => steps,
                warnings => f.warnings.len(),
            }
        })
        .collect())
}

/// A nationality's name in the reader's language: a country's (ISO 3166's in English), or
/// the words of the catalogue for the sources' own codes (stateless, unknown, …).
pub(crate) fn nationality_words(state: &AppState, lang: &str, code: &str) -> String {
    accordo_web::countries::name(code, lang)
        .map(str::to_owned)
        .or_else(|| {
            accordo_server::pages::catalogue_text(state, lang, &format!("nationality-{code}"))
        })
        .or_else(|| accordo_flows::vocab::nationality_name(code).map(str::to_owned))
        .unwrap_or_else(|| code.to_owned())
}
