//! Forecasts of the published monthly series (Italy's sea arrivals, Frontex's total, each of
//! its routes and its most frequent nationalities), 24 months ahead, each by the model its rolling-origin backtest chose (`accordo-forecast`).
//! Computed in the background, on the server's own copy: at start, and again whenever an
//! import changed the figures (this process's or another's, the command line's). Until then a
//! forecast is pending.

use std::collections::BTreeMap;
use std::sync::RwLock;

use accordo_flows::period::Period;
use accordo_flows::vocab::{self, Source};
use accordo_forecast::Forecast;
use accordo_forecast::backtest::{self, Choice};
use accordo_forecast::warning;
use serde::Serialize;

use accordo_service::{Ctx, Platform, Result};

use crate::store;

/// How far ahead, in months.
pub const HORIZON: usize = 24;

/// Which series: a source, and a route or a nationality (neither: the source's total).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub source: Source,
    pub route: Option<&'static str>,
    /// ISO 3166-1 alpha-3 (or Frontex's own codes), over every route.
    pub nationality: Option<String>,
}

impl SeriesKey {
    /// A source's total.
    pub fn total(source: Source) -> Self {
        SeriesKey {
            source,
            route: None,
            nationality: None,
        }
    }

    /// A Frontex route.
    pub fn route(route: &'static str) -> Self {
        SeriesKey {
            source: Source::Frontex,
            route: Some(route),
            nationality: None,
        }
    }

    /// A nationality over Frontex's routes.
    pub fn nationality(code: &str) -> Self {
        SeriesKey {
            source: Source::Frontex,
            route: None,
            nationality: Some(code.to_owned()),
        }
    }

    /// `ITA/total`, `FRONTEX/Central Mediterranean`, `FRONTEX/nationality/SYR`: the name the
    /// command line and subscriptions use.
    pub fn name(&self) -> String {
        match (self.route, &self.nationality) {
            (Some(r), _) => format!("{}/{r}", self.source.as_str()),
            (None, Some(n)) => format!("{}/nationality/{n}", self.source.as_str()),
            (None, None) => format!("{}/total", self.source.as_str()),
        }
    }

    /// The key [`SeriesKey::name`] names, when it is one this platform may forecast (a
    /// nationality's is forecast while it is among the most frequent).
    pub fn parse(name: &str) -> Option<Self> {
        let (source, rest) = name.split_once('/')?;
        let source = Source::parse(source).filter(|s| *s != Source::Platform)?;
        if rest == "total" {
            return Some(SeriesKey::total(source));
        }
        if let Some(code) = rest.strip_prefix("nationality/") {
            let valid = source == Source::Frontex && vocab::is_nationality(code);
            return valid.then(|| SeriesKey::nationality(code));
        }
        let route = vocab::ROUTES.iter().find(|r| **r == rest)?;
        (source == Source::Frontex).then(|| SeriesKey::route(route))
    }
}

/// How many nationalities get their own forecast: the most frequent over Frontex's last two
/// years.
pub const NATIONALITIES: usize = 15;

/// One series' forecast.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesForecast {
    /// The months forecast (`2025-05`, …), the first after the series' last.
    pub periods: Vec<String>,
    pub forecast: Forecast,
    /// The backtest: every candidate's MASE and sMAPE by horizon, their coverage, the choice.
    pub backtest: Choice,
    /// Early warnings: months of the last two years outside the 95% interval forecast for them
    /// one month before, and changes of level (on the log scale) in the last three; newest
    /// first.
    pub warnings: Vec<Warning>,
}

/// One early warning on a series.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    /// `surprise` (a month outside its forecast's 95% interval) or `change` (a change of
    /// level from that month on).
    pub kind: &'static str,
    /// The month (`2023-07`).
    pub period: String,
    /// `up` or `down`.
    pub direction: warning::Direction,
    /// `low`, `medium` or `high`: how far outside the interval (a surprise), or how large the
    /// change (a change: high at ×2 or ÷2 and beyond, medium at ×1.5 or ÷1.5).
    pub severity: warning::Severity,
    pub observed: Option<f64>,
    pub expected: Option<f64>,
    pub lo95: Option<f64>,
    pub hi95: Option<f64>,
    /// A change's ratio of the new level to the old.
    pub ratio: Option<f64>,
}

/// How far back warnings are looked for, in months: surprises, changes of level.
const SURPRISES_OVER: usize = 24;
const CHANGES_OVER: usize = 36;

/// The warnings of a series starting at `first`.
fn warnings_of(first: Period, values: &[f64]) -> Vec<Warning> {
    let period_at = |i: usize| -> Option<String> {
        let mut p = first;
        for _ in 0..i {
            p = p.next()?;
        }
        Some(p.to_string())
    };
    let mut out: Vec<(usize, Warning)> = Vec::new();
    for s in warning::surprises(values, 12, SURPRISES_OVER).unwrap_or_default() {
        if let Some(period) = period_at(s.at) {
            out.push((
                s.at,
                Warning {
                    kind: "surprise",
                    period,
                    direction: s.direction,
                    severity: s.severity,
                    observed: Some(s.observed),
                    expected: Some(s.expected),
                    lo95: Some(s.lo95),
                    hi95: Some(s.hi95),
                    ratio: None,
                },
            ));
        }
    }
    let recent = values.len().saturating_sub(CHANGES_OVER);
    for c in warning::change_points(values, 12, 6) {
        if c.at < recent {
            continue;
        }
        let size = if c.ratio >= 1.0 {
            c.ratio
        } else {
            1.0 / c.ratio
        };
        let severity = if size >= 2.0 {
            warning::Severity::High
        } else if size >= 1.5 {
            warning::Severity::Medium
        } else {
            warning::Severity::Low
        };
        if let Some(period) = period_at(c.at) {
            out.push((
                c.at,
                Warning {
                    kind: "change",
                    period,
                    direction: c.direction,
                    severity,
                    observed: None,
                    expected: None,
                    lo95: None,
                    hi95: None,
                    ratio: Some(c.ratio),
                },
            ));
        }
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.0));
    out.into_iter().map(|(_, w)| w).collect()
}

/// A warning with its series.
pub type SeriesWarning = (SeriesKey, Warning);

/// Every series' warnings, newest first within each; `None` while pending.
pub fn all_warnings(platform: &Platform, ctx: &Ctx) -> Result<Option<Vec<SeriesWarning>>> {
    may_read(ctx)?;
    let held = platform.state::<Forecasts>();
    let state = held.state.read().unwrap_or_else(|e| e.into_inner());
    Ok(state.as_ref().map(|(_, all)| {
        all.iter()
            .flat_map(|(key, f)| f.warnings.iter().map(move |w| (key.clone(), w.clone())))
            .collect()
    }))
}

/// The figures' stamp a computation followed (`store::figures_stamp`), and its forecasts.
type Computed = ((i64, i64), BTreeMap<SeriesKey, SeriesForecast>);

/// What the server holds: the forecasts, and the figures they were computed from.
#[derive(Debug, Default)]
pub struct Forecasts {
    state: RwLock<Option<Computed>>,
}

/// Whether the caller may read them (those who read the statistics).
pub fn may_read(ctx: &Ctx) -> Result<()> {
    super::may_read(ctx)
}

/// The forecast of a series, `None` while it is pending (or when the series is too short).
pub fn get(platform: &Platform, ctx: &Ctx, key: &SeriesKey) -> Result<Option<SeriesForecast>> {
    may_read(ctx)?;
    let held = platform.state::<Forecasts>();
    let state = held.state.read().unwrap_or_else(|e| e.into_inner());
    Ok(state.as_ref().and_then(|(_, all)| all.get(key).cloned()))
}

/// Every series' forecast, in the order of their keys; `None` while pending.
pub fn all(platform: &Platform, ctx: &Ctx) -> Result<Option<Vec<(SeriesKey, SeriesForecast)>>> {
    may_read(ctx)?;
    let held = platform.state::<Forecasts>();
    let state = held.state.read().unwrap_or_else(|e| e.into_inner());
    Ok(state
        .as_ref()
        .map(|(_, all)| all.iter().map(|(k, f)| (k.clone(), f.clone())).collect()))
}

/// Whether the forecasts are computed (for the page's "pending").
pub fn ready(platform: &Platform) -> bool {
    let held = platform.state::<Forecasts>();
    let state = held.state.read().unwrap_or_else(|e| e.into_inner());
    state.is_some()
}

/// A source's monthly figures as a dense series from its first month to its last, a missing
/// month a zero (Frontex leaves out months without a detection): `(first, values)`.
async fn monthly(platform: &Platform, key: &SeriesKey) -> Result<Option<(Period, Vec<f64>)>> {
    let mut conn = platform.store.read().await?;
    let rows = store::series(
        &mut conn,
        key.source.as_str(),
        key.route.unwrap_or(""),
        key.nationality.as_deref().unwrap_or(""),
    )
    .await?;
    let months: BTreeMap<Period, i64> = rows
        .into_iter()
        .filter(|(freq, _, _)| freq == "month")
        .filter_map(|(_, p, c)| Period::parse(&p).ok().map(|p| (p, c)))
        .collect();
    let (Some((&first, _)), Some((&last, _))) = (months.first_key_value(), months.last_key_value())
    else {
        return Ok(None);
    };
    let values = accordo_flows::stats::dense(&months, first, last)
        .into_iter()
        .map(|p| p.count as f64)
        .collect();
    Ok(Some((first, values)))
}

/// Recomputes every forecast if the figures changed since the last computation (or none was
/// made); returns how many series were forecast, `None` when nothing had changed.
pub async fn refresh(platform: &Platform) -> Result<Option<usize>> {
    refresh_with(platform, std::sync::Arc::new(|_, _| {})).await
}

/// [`refresh`], telling `progress(done, total)` before each series (`done` finished so
/// far). Followers are notified of new warnings at the end ([`super::subscriptions`]).
pub async fn refresh_with(
    platform: &Platform,
    progress: std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>,
) -> Result<Option<usize>> {
    let mut conn = platform.store.read().await?;
    let stamp = store::figures_stamp(&mut conn).await?;
    drop(conn);
    let held = platform.state::<Forecasts>();
    if held
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|(at, _)| *at == stamp)
    {
        return Ok(None);
    }
    let mut keys: Vec<SeriesKey> = vec![
        SeriesKey::total(Source::Ita),
        SeriesKey::total(Source::Frontex),
    ];
    keys.extend(vocab::ROUTES.iter().map(|r| SeriesKey::route(r)));
    let mut conn = platform.store.read().await?;
    let top =
        store::top_nationalities(&mut conn, Source::Frontex.as_str(), 24, NATIONALITIES).await?;
    drop(conn);
    keys.extend(top.iter().map(|n| SeriesKey::nationality(n)));
    let mut inputs = Vec::new();
    for key in keys {
        if let Some(series) = monthly(platform, &key).await? {
            inputs.push((key, series));
        }
    }
    // The fitting is arithmetic: off the request threads.
    let total = inputs.len();
    let computed = tokio::task::spawn_blocking(move || {
        inputs
            .into_iter()
            .enumerate()
            .filter_map(|(i, (key, (first, values)))| {
                progress(i, total);
                let chosen = backtest::forecast_chosen(&values, 12, HORIZON).ok()?;
                let mut p = first;
                for _ in 1..values.len() {
                    p = p.next()?;
                }
                let periods = (0..HORIZON)
                    .map(|_| {
                        p = p.next()?;
                        Some(p.to_string())
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some((
                    key,
                    SeriesForecast {
                        periods,
                        forecast: chosen.forecast,
                        backtest: chosen.choice,
                        warnings: warnings_of(first, &values),
                    },
                ))
            })
            .collect::<BTreeMap<_, _>>()
    })
    .await
    .map_err(|e| accordo_service::ServiceError::invalid("forecast", e.to_string()))?;
    let n = computed.len();
    *held.state.write().unwrap_or_else(|e| e.into_inner()) = Some((stamp, computed));
    // Subscribers hear of the warnings they were not yet told of.
    super::subscriptions::notify_new(platform).await?;
    Ok(Some(n))
}
