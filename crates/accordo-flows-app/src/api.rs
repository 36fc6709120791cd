//! The flows statistics over HTTP.

use accordo_flows::event::EventInput;
use accordo_flows::period::Freq;
use accordo_flows::vocab::{self, Source};
use accordo_server::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::Caller;
use accordo_server::problem::{ApiResult, Problem};
use accordo_service::ServiceError;

use crate::service::events::{self, EventView};
use crate::service::{self, SeriesQuery};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(totals))
        .routes(routes!(nationalities))
        .routes(routes!(list_events, record_event))
        .routes(routes!(get_event))
        .routes(routes!(withdraw_event))
        .routes(routes!(forecast))
        .routes(routes!(warnings))
        .routes(routes!(subscriptions, set_subscriptions))
        .routes(routes!(alerts))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TotalsParams {
    /// The country whose national series is asked for (`ITA`: its Interior Ministry's sea
    /// arrivals). Give this or `source`.
    reporting_country: Option<String>,
    /// The publisher: `ITA`, `FRONTEX`, or `PLATFORM` (the people of the events recorded on
    /// the platform, whatever their TLP: never added to another source's figures).
    source: Option<String>,
    /// `year` (the default) or `month`; for `PLATFORM` also `week` (ISO, `2025-W01`) and
    /// `day`.
    period: Option<String>,
    /// A Frontex route, by name (`Central Mediterranean`) or key (`central-mediterranean`).
    route: Option<String>,
    /// A nationality (ISO 3166-1 alpha-3, or XKX, STL, OOO, OOS, OTH): the figures for it
    /// instead of the totals.
    nationality: Option<String>,
}

/// A total of one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalView {
    /// `2023`, or `2024-01` by month.
    pub period: String,
    pub count: i64,
    /// `published` (as the source gave it: a month, or a year's official total),
    /// `sum_of_months` (a year the source gave no total for) or `recorded` (the sum of the
    /// platform's events).
    pub basis: String,
    /// A year's months in the series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<u8>,
    /// Their sum, where it differs from the official total (the source revised the year,
    /// not its months).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_sum: Option<i64>,
}

fn query(p: &TotalsParams) -> Result<(SeriesQuery, Freq), ServiceError> {
    let source = match (p.reporting_country.as_deref(), p.source.as_deref()) {
        (Some(c), None) if c.eq_ignore_ascii_case("ITA") => Source::Ita,
        (Some(c), None) => {
            return Err(ServiceError::invalid(
                "reporting_country",
                format!("no national series of `{c}` is held: ITA is; or ask by source=FRONTEX"),
            ));
        }
        (None, Some(s)) => Source::parse(s).ok_or_else(|| {
            ServiceError::invalid(
                "source",
                format!("`{s}` is not a source: ITA, FRONTEX or PLATFORM"),
            )
        })?,
        (None, None) => {
            return Err(ServiceError::invalid(
                "source",
                "say whose series: reporting_country=ITA, or source=ITA, FRONTEX or PLATFORM",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "source",
                "give reporting_country or source, not both",
            ));
        }
    };
    let freq = match Freq::parse(p.period.as_deref().unwrap_or("year")) {
        Some(Freq::Day | Freq::Week) if source != Source::Platform => {
            return Err(ServiceError::invalid(
                "period",
                "ITA and FRONTEX publish months and years; days and weeks are the platform's own events (source=PLATFORM)",
            ));
        }
        Some(freq) => freq,
        None => {
            return Err(ServiceError::invalid(
                "period",
                format!(
                    "`{}` is not a period: year, month, week or day",
                    p.period.as_deref().unwrap_or_default()
                ),
            ));
        }
    };
    let route = route_param(p.route.as_deref())?;
    let nationality = nationality_param(p.nationality.as_deref())?;
    Ok((
        SeriesQuery {
            source,
            route,
            nationality,
        },
        freq,
    ))
}

/// A route asked for by name or key (none: every route).
fn route_param(r: Option<&str>) -> Result<Option<&'static str>, ServiceError> {
    match r {
        None | Some("") => Ok(None),
        Some(r) => vocab::route(r)
            .or_else(|| vocab::route_of_key(r))
            .map(Some)
            .ok_or_else(|| {
                ServiceError::invalid(
                    "route",
                    format!("`{r}` is not a route: {}", vocab::ROUTES.join(", ")),
                )
            }),
    }
}

/// A series' totals by year or month, oldest first: Italy's national series
/// (`reporting_country=ITA`) or a source's (`source=FRONTEX`), for a route and a nationality
/// if asked. A year takes the source's official total where it published one, and gives the
/// sum of its months beside it when they differ.
#[utoipa::path(get, path = "/api/v1/flows/totals", tag = "flows", params(TotalsParams),
    responses((status = 200, description = "the totals", body = Vec<TotalView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn totals(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<TotalsParams>,
) -> ApiResult<axum::Json<Vec<TotalView>>> {
    service::may_read(&caller.ctx)?;
    let (q, freq) = query(&p)?;
    let totals = service::totals(&state.platform, &caller.ctx, &q, freq).await?;
    Ok(axum::Json(
        totals
            .into_iter()
            .map(|t| TotalView {
                period: t.period.to_string(),
                count: t.count,
                basis: t.basis.as_str().to_owned(),
                months: t.months,
                monthly_sum: t.monthly_sum,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BreakdownParams {
    /// `ITA` for Italy's national series. Give this or `source`.
    reporting_country: Option<String>,
    /// `ITA`, `FRONTEX` or `PLATFORM`.
    source: Option<String>,
    /// A Frontex route, by name or key.
    route: Option<String>,
    /// The year; the latest complete year with a breakdown when absent.
    year: Option<i16>,
}

/// A series' largest nationalities in a year (the rest together as `OTH`), each with its
/// share, and the series' year to date against the same months of the year before.
#[utoipa::path(get, path = "/api/v1/flows/nationalities", tag = "flows", params(BreakdownParams),
    responses((status = 200, description = "the breakdown", body = service::Breakdown), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn nationalities(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<BreakdownParams>,
) -> ApiResult<axum::Json<service::Breakdown>> {
    service::may_read(&caller.ctx)?;
    let (q, _) = query(&TotalsParams {
        reporting_country: p.reporting_country,
        source: p.source,
        period: None,
        route: p.route,
        nationality: None,
    })?;
    Ok(axum::Json(
        service::breakdown(&state.platform, &caller.ctx, q.source, q.route, p.year).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventParams {
    /// The first day (`YYYY-MM-DD`).
    from: Option<String>,
    /// The last day (`YYYY-MM-DD`).
    to: Option<String>,
    /// A Frontex route, by name or key.
    route: Option<String>,
    /// `landing`, `interception`, `rescue`, `detection` or `prevented_departure`.
    kind: Option<String>,
    /// Include withdrawn events.
    #[serde(default)]
    withdrawn: bool,
}

/// The events the caller may read under TLP (their agency's, and those shared with it) that
/// the filters ask for, newest first, at most 5,000 (narrow the dates to reach older ones).
#[utoipa::path(get, path = "/api/v1/flows/events", tag = "flows", params(EventParams),
    responses((status = 200, description = "events", body = Vec<EventView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<EventParams>,
) -> ApiResult<axum::Json<Vec<EventView>>> {
    // Who may not read events is told so before anything asked is read.
    events::may_list(&caller.ctx)?;
    let day = |field: &str, v: &Option<String>| -> Result<Option<String>, ServiceError> {
        match v.as_deref() {
            None | Some("") => Ok(None),
            Some(d) => accordo_domain::dates::parse(d)
                .map(|d| Some(d.to_string()))
                .map_err(|e| ServiceError::invalid(field, e)),
        }
    };
    let kind = match p.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(
            accordo_flows::event::EventKind::parse(k)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "kind",
                        "expected landing, interception, rescue, detection or prevented_departure",
                    )
                })?
                .as_str(),
        ),
    };
    let filter = events::EventFilter {
        ids: None,
        from: day("from", &p.from)?,
        to: day("to", &p.to)?,
        route: route_param(p.route.as_deref())?,
        kind,
        include_withdrawn: p.withdrawn,
    };
    Ok(axum::Json(
        events::list(&state.platform, &caller.ctx, &filter).await?,
    ))
}

/// An event to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-11-20", "kind": "rescue", "route": "Central Mediterranean", "border": "sea", "place": "SAR zone, 30 nm south of Lampedusa", "latitude": 35.0, "longitude": 12.55, "departure_country": "LBY", "vessel": "rubber", "people": 60, "dead": 1, "missing": 2, "nationalities": {"SDN": 30, "ERI": 20}, "handling": "AMBER", "addressees": ["agency:TN-GN"]}))]
pub struct EventIn {
    /// When it happened (`YYYY-MM-DD`), not after today.
    date: String,
    /// `landing`, `interception`, `rescue`, `detection` or `prevented_departure`.
    kind: String,
    /// A Frontex route, by name or key.
    route: String,
    /// `sea` or `land` (a landing, an interception and a rescue are at sea).
    border: String,
    place: String,
    /// Decimal degrees, north positive.
    latitude: f64,
    /// Decimal degrees, east positive.
    longitude: f64,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    departure_country: Option<String>,
    /// `rubber`, `wooden`, `metal`, `fibreglass`, `sailing`, `fishing` or `other`.
    #[serde(default)]
    vessel: Option<String>,
    #[serde(default)]
    people: i64,
    #[serde(default)]
    dead: i64,
    #[serde(default)]
    missing: i64,
    /// People by nationality where known: `{"BGD": 20, "EGY": 25}` (at most `people` in all).
    #[serde(default)]
    #[schema(value_type = Object)]
    nationalities: std::collections::BTreeMap<String, i64>,
    /// TLP 2.0: `CLEAR`, `GREEN`, `AMBER` or `AMBER+STRICT`.
    handling: String,
    /// `agency:CODE` or `country:ISO3` (AMBER needs one; AMBER+STRICT agencies only).
    #[serde(default)]
    addressees: Vec<String>,
}

/// Records an event for the caller's agency; addressed agencies are told. Its people count
/// in the platform's series (`source=PLATFORM`) at once.
#[utoipa::path(post, path = "/api/v1/flows/events", tag = "flows", request_body = EventIn,
    responses((status = 201, description = "the event", body = EventView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn record_event(
    State(state): State<AppState>,
    caller: Caller,
    Json(e): Json<EventIn>,
) -> ApiResult<(StatusCode, axum::Json<EventView>)> {
    let input = EventInput {
        date: e.date,
        kind: e.kind,
        route: e.route,
        border: e.border,
        place: e.place,
        latitude: e.latitude,
        longitude: e.longitude,
        departure_country: e.departure_country.unwrap_or_default(),
        vessel: e.vessel.unwrap_or_default(),
        people: e.people,
        dead: e.dead,
        missing: e.missing,
        nationalities: e.nationalities.into_iter().collect(),
    };
    let event = events::record(
        &state.platform,
        &caller.ctx,
        &input,
        &e.handling,
        &e.addressees,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(event)))
}

/// One event the caller may read.
#[utoipa::path(get, path = "/api/v1/flows/events/{id}", tag = "flows", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the event", body = EventView), (status = 404, body = Problem)))]
async fn get_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<EventView>> {
    Ok(axum::Json(
        events::get(&state.platform, &caller.ctx, id).await?,
    ))
}

/// Withdraws an event recorded in error (its agency only): it stays, out of every sum.
#[utoipa::path(post, path = "/api/v1/flows/events/{id}/withdraw", tag = "flows", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the withdrawn event", body = EventView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<EventView>> {
    Ok(axum::Json(
        events::withdraw(&state.platform, &caller.ctx, id).await?,
    ))
}

/// A nationality parameter: none, or a code Frontex or the ministry publishes.
fn nationality_param(given: Option<&str>) -> Result<Option<String>, ServiceError> {
    match given {
        None | Some("") => Ok(None),
        Some(n) if vocab::is_nationality(n) => Ok(Some(n.to_owned())),
        Some(n) => Err(ServiceError::invalid(
            "nationality",
            format!("`{n}` is not an ISO 3166-1 alpha-3 code nor XKX, STL, OOO, OOS or OTH"),
        )),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ForecastParams {
    /// `ITA` (Italy's monthly sea arrivals) or `FRONTEX`.
    source: Option<String>,
    /// A Frontex route, by name or key; none for the source's total.
    route: Option<String>,
    /// A nationality (ISO 3166-1 alpha-3), over Frontex's routes: forecast for the most
    /// frequent fifteen of the last two years.
    nationality: Option<String>,
}

/// A series' forecast and the backtest that chose its model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastView {
    /// `ready`; `pending` while the server computes (after a start or an import);
    /// `unavailable` when the series is too short to forecast.
    pub status: String,
    /// The months ahead with the mean and the 80% and 95% intervals, the model, and every
    /// candidate's backtest (MASE and sMAPE by horizon, coverage).
    #[schema(value_type = Option<Object>)]
    pub forecast: Option<service::forecasts::SeriesForecast>,
}

/// The forecast of a published monthly series, 24 months ahead: Italy's sea arrivals or a
/// Frontex route's detections, by the model a rolling-origin backtest chose.
#[utoipa::path(get, path = "/api/v1/flows/forecasts", tag = "flows", params(ForecastParams),
    responses((status = 200, description = "the forecast, or pending", body = ForecastView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn forecast(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ForecastParams>,
) -> ApiResult<axum::Json<ForecastView>> {
    service::forecasts::may_read(&caller.ctx)?;
    let given = p.source.as_deref().unwrap_or_default();
    let source = Source::parse(given)
        .filter(|s| *s != Source::Platform)
        .ok_or_else(|| {
            ServiceError::invalid(
                "source",
                format!("`{given}` is not a published source: ITA or FRONTEX"),
            )
        })?;
    let route = route_param(p.route.as_deref())?;
    let nationality = nationality_param(p.nationality.as_deref())?;
    if route.is_some() && nationality.is_some() {
        return Err(ServiceError::invalid(
            "nationality",
            "forecasts are by route or by nationality, not both",
        )
        .into());
    }
    let key = service::forecasts::SeriesKey {
        source,
        route,
        nationality,
    };
    let found = service::forecasts::get(&state.platform, &caller.ctx, &key)?;
    let status = match (&found, service::forecasts::ready(&state.platform)) {
        (Some(_), _) => "ready",
        (None, false) => "pending",
        (None, true) => "unavailable",
    };
    Ok(axum::Json(ForecastView {
        status: status.to_owned(),
        forecast: found,
    }))
}

/// An early warning on a published monthly series.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningView {
    /// `ITA` or `FRONTEX`.
    pub source: String,
    /// The route (none: the source's total or a nationality).
    pub route: Option<String>,
    /// The nationality, over every route.
    pub nationality: Option<String>,
    /// The series' name: `ITA/total`, `FRONTEX/Central Mediterranean`,
    /// `FRONTEX/nationality/SYR` (what subscriptions name).
    pub series: String,
    /// `surprise` (a month outside the 95% interval forecast for it one month before) or
    /// `change` (a change of level on the log scale from that month on).
    pub kind: String,
    /// The month, `2023-07`.
    pub period: String,
    /// `up` or `down`.
    pub direction: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
    pub observed: Option<f64>,
    pub expected: Option<f64>,
    pub lo95: Option<f64>,
    pub hi95: Option<f64>,
    /// A change's new level over the old.
    pub ratio: Option<f64>,
}

fn warning_view(key: service::forecasts::SeriesKey, w: service::forecasts::Warning) -> WarningView {
    let word = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    WarningView {
        source: key.source.as_str().to_owned(),
        route: key.route.map(str::to_owned),
        series: key.name(),
        nationality: key.nationality,
        kind: w.kind.to_owned(),
        period: w.period,
        direction: word(serde_json::to_value(w.direction)),
        severity: word(serde_json::to_value(w.severity)),
        observed: w.observed,
        expected: w.expected,
        lo95: w.lo95,
        hi95: w.hi95,
        ratio: w.ratio,
    }
}

/// The series a user follows.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"series": ["FRONTEX/Central Mediterranean", "FRONTEX/nationality/SYR", "ITA/total"]}))]
pub struct Subscriptions {
    /// Series names: `ITA/total`, `FRONTEX/total`, `FRONTEX/<route>` (e.g.
    /// `FRONTEX/Central Mediterranean`), `FRONTEX/nationality/<code>` (ISO 3166-1 alpha-3).
    pub series: Vec<String>,
}

/// The series the caller follows for early warnings.
#[utoipa::path(get, path = "/api/v1/flows/subscriptions", tag = "flows",
    responses((status = 200, body = Subscriptions), (status = 403, body = Problem)))]
async fn subscriptions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Subscriptions>> {
    Ok(axum::Json(Subscriptions {
        series: service::subscriptions::list(&state.platform, &caller.ctx).await?,
    }))
}

/// Replaces the series the caller follows (at most 50); their warnings from now on reach the
/// caller's home page and notifications. An unknown series refuses the whole list.
#[utoipa::path(put, path = "/api/v1/flows/subscriptions", tag = "flows", request_body = Subscriptions,
    responses((status = 200, body = Subscriptions), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_subscriptions(
    State(state): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Subscriptions>> {
    // Who may is asked before the body is read: a refused caller learns nothing from it.
    service::forecasts::may_read(&caller.ctx)?;
    let wanted: Subscriptions = serde_json::from_slice(&body).map_err(|e| {
        ServiceError::invalid("series", format!("expected {{\"series\": [names]}}: {e}"))
    })?;
    Ok(axum::Json(Subscriptions {
        series: service::subscriptions::set(&state.platform, &caller.ctx, &wanted.series).await?,
    }))
}

/// The early warnings of the series the caller follows, newest month first:
/// `{"status": "ready" | "pending", "alerts": [...]}` (each as in `/api/v1/flows/warnings`).
#[utoipa::path(get, path = "/api/v1/flows/alerts", tag = "flows",
    responses((status = 200, description = "the caller's alerts, or pending", body = Object), (status = 403, body = Problem)))]
async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let found = service::subscriptions::alerts(&state.platform, &caller.ctx).await?;
    Ok(axum::Json(match found {
        None => serde_json::json!({"status": "pending", "alerts": []}),
        Some(list) => {
            let views: Vec<WarningView> =
                list.into_iter().map(|(k, w)| warning_view(k, w)).collect();
            serde_json::json!({"status": "ready", "alerts": views})
        }
    }))
}

/// The early warnings: `{"status": "ready" | "pending", "warnings": [...]}`, surprises of the
/// last 24 months and changes of level of the last 36, newest first within each series.
#[utoipa::path(get, path = "/api/v1/flows/warnings", tag = "flows",
    responses((status = 200, description = "the warnings, or pending", body = Object), (status = 403, body = Problem)))]
async fn warnings(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let found = service::forecasts::all_warnings(&state.platform, &caller.ctx)?;
    Ok(axum::Json(match found {
        None => serde_json::json!({"status": "pending", "warnings": []}),
        Some(list) => {
            let views: Vec<WarningView> = list
                .into_iter()
                .map(|(key, w)| warning_view(key, w))
                .collect();
            serde_json::json!({"status": "ready", "warnings": views})
        }
    }))
}
