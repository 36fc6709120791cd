//! The flows statistics over HTTP.

use accordo_flows::period::Freq;
use accordo_flows::vocab::{self, Source};
use accordo_server::extract::Query;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use accordo_server::AppState;
use accordo_server::extract::Caller;
use accordo_server::problem::{ApiResult, Problem};
use accordo_service::ServiceError;

use crate::service::{self, SeriesQuery};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(totals))
        .routes(routes!(nationalities))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TotalsParams {
    /// The country whose national series is asked for (`ITA`: its Interior Ministry's sea
    /// arrivals). Give this or `source`.
    reporting_country: Option<String>,
    /// The publisher: `ITA` or `FRONTEX`.
    source: Option<String>,
    /// `year` (the default) or `month`.
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
    /// `published` (as the source gave it: a month, or a year's official total) or
    /// `sum_of_months` (a year the source gave no total for).
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
        (None, Some(s)) => Source::parse(s)
            .filter(|s| *s != Source::Platform)
            .ok_or_else(|| {
                ServiceError::invalid("source", format!("`{s}` is not a source: ITA or FRONTEX"))
            })?,
        (None, None) => {
            return Err(ServiceError::invalid(
                "source",
                "say whose series: reporting_country=ITA, or source=ITA or FRONTEX",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "source",
                "give reporting_country or source, not both",
            ));
        }
    };
    let freq = match p.period.as_deref().unwrap_or("year") {
        "year" => Freq::Year,
        "month" => Freq::Month,
        other => {
            return Err(ServiceError::invalid(
                "period",
                format!("`{other}` is not a period here: year or month"),
            ));
        }
    };
    let route = match p.route.as_deref() {
        None | Some("") => None,
        Some(r) => Some(
            vocab::route(r)
                .or_else(|| vocab::route_of_key(r))
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "route",
                        format!("`{r}` is not a route: {}", vocab::ROUTES.join(", ")),
                    )
                })?,
        ),
    };
    let nationality = match p.nationality.as_deref() {
        None | Some("") => None,
        Some(n) if vocab::is_nationality(n) => Some(n.to_owned()),
        Some(n) => {
            return Err(ServiceError::invalid(
                "nationality",
                format!("`{n}` is not an ISO 3166-1 alpha-3 code nor XKX, STL, OOO, OOS or OTH"),
            ));
        }
    };
    Ok((
        SeriesQuery {
            source,
            route,
            nationality,
        },
        freq,
    ))
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
                basis: match t.basis {
                    accordo_flows::stats::Basis::Published => "published",
                    accordo_flows::stats::Basis::SumOfMonths => "sum_of_months",
                }
                .to_owned(),
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
    /// `ITA` or `FRONTEX`.
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
