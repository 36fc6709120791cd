//! The cooperation pages: the index per partner (each score with how every indicator
//! contributed, and the values the ministry enters by hand), and the legal-entry quotas
//! (the decree's totals, a what-if beside the policy as it stands, publishing, CSV).

use std::collections::BTreeMap;

use crate::policy;
use crate::service::{self as service, AllocationInput};
use accordo_domain::access::{Action, Resource};
use accordo_server::extract::Query;
use accordo_service::ServiceError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use accordo_server::AppState;
use accordo_server::pages::PageRoutes;
use accordo_server::pages::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, catalogue_text, done, render, viewer_error_page,
};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cooperation", index)
        .post("/cooperation/values", enter_value)
        .post("/cooperation/policies", new_policy)
        .get("/cooperation/quotas", quotas)
        .post("/cooperation/quotas", what_if)
        .post("/cooperation/quotas/publish", publish)
}

fn may(viewer: &Viewer, action: Action, policy: &'static accordo_domain::KindPolicy) -> bool {
    accordo_domain::can(&viewer.ctx.actor, action, Resource::collection(policy)).is_ok()
}

fn show(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    path: &str,
    status: StatusCode,
    template: &str,
    page: Value,
) -> Response {
    let mut tabs = Vec::new();
    if may(viewer, Action::Read, &policy::COOPERATION_INDEX) {
        tabs.push(context! { href => "/cooperation", label => "cooperation-index" });
    }
    if may(viewer, Action::Read, &policy::QUOTA_ALLOCATION) {
        tabs.push(context! { href => "/cooperation/quotas", label => "cooperation-quotas" });
    }
    let chrome = Chrome::signed_in(viewer, path, headers);
    render(
        state,
        &chrome,
        status,
        template,
        context! { tabs => tabs, ..page },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    year: Option<i32>,
    policy_version: Option<i64>,
}

async fn index_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    q: &IndexQuery,
    status: StatusCode,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
) -> Response {
    if !may(viewer, Action::Read, &policy::COOPERATION_INDEX) {
        // An employer reads the quotas only.
        return quotas_view(state, viewer, headers, StatusCode::OK, None, None, None).await;
    }
    let year = q.year.unwrap_or_else(|| crate::api::this_year(state));
    let scores = match service::scores(&state.platform, &viewer.ctx, year, q.policy_version).await {
        Ok(s) => s,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let policies = service::policies(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    let shown_version = q
        .policy_version
        .or_else(|| policies.first().map(|p| p.version));
    let policy = policies
        .iter()
        .find(|p| Some(p.version) == shown_version)
        .cloned();
    // Every indicator, with its line in the shown policy (if any), for the new-version form.
    let policy_lines: Vec<Value> = accordo_cooperation::index::INDICATORS
        .iter()
        .map(|k| {
            let line = policy
                .as_ref()
                .and_then(|p| p.policy.indicators.iter().find(|w| w.indicator == k.id));
            context! {
                id => k.id,
                weight => line.map(|w| w.weight.to_string()).unwrap_or_default(),
                worst => line.map(|w| w.worst.to_string()).unwrap_or_default(),
                best => line.map(|w| w.best.to_string()).unwrap_or_default(),
                target => line.and_then(|w| w.target).map(|t| t.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let manual: Vec<&str> = accordo_cooperation::index::INDICATORS
        .iter()
        .filter(|k| k.source == accordo_cooperation::index::Source::Manual)
        .map(|k| k.id)
        .collect();
    show(
        state,
        viewer,
        headers,
        "/cooperation",
        status,
        "cooperation/index.html",
        context! {
            year => year,
            scores => scores,
            policies => policies,
            first_note => crate::demo::FIRST_POLICY_NOTE,
            policy => policy,
            manual_indicators => manual,
            may_enter => may(viewer, Action::Create, &policy::COOPERATION_INDICATOR),
            may_version => may(viewer, Action::Create, &policy::COOPERATION_POLICY),
            policy_lines => policy_lines,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
        },
    )
}

async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(q): Query<IndexQuery>,
) -> Response {
    index_view(
        &state,
        &viewer,
        Some(&headers),
        &q,
        StatusCode::OK,
        None,
        None,
    )
    .await
}

async fn enter_value(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["country", "year", "indicator", "value", "source"]);
    let year: Option<i32> = f.get("year").parse().ok();
    let value: Option<f64> = f.get("value").replace(',', ".").parse().ok();
    if !f.get("year").is_empty() && year.is_none() {
        errors.add("year", "error-number");
    }
    if !f.get("value").is_empty() && value.is_none() {
        errors.add("value", "error-number");
    }
    if errors.is_empty() {
        let result = service::enter_value(
            &state.platform,
            &v.ctx,
            f.get("country"),
            year.unwrap_or_default(),
            f.get("indicator"),
            value.unwrap_or_default(),
            f.get("source"),
        )
        .await;
        match result {
            Ok(()) => {
                return done(
                    &format!("/cooperation?year={}", year.unwrap_or_default()),
                    "cooperation-value-entered",
                );
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "value") {
                Some(found) => errors = found,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    let q = IndexQuery {
        year,
        policy_version: None,
    };
    index_view(
        &state,
        v,
        None,
        &q,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(f),
        Some(&errors),
    )
    .await
}

/// The what-if's result beside the policy as it stands.
struct Compared {
    baseline: service::Allocation,
    proposed: service::Allocation,
}

async fn quotas_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    compared: Option<Compared>,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
) -> Response {
    let totals = match service::quota_totals(&state.platform, &viewer.ctx).await {
        Ok(t) => t,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let published = service::allocations(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    let policies = service::policies(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    let lines: Vec<Value> = compared
        .as_ref()
        .map(|c| {
            c.proposed
                .lines
                .iter()
                .map(|p| {
                    let base = c.baseline.lines.iter().find(|b| b.country == p.country);
                    context! {
                        country => p.country, country_name => p.country_name,
                        score => p.score, seats => p.seats,
                        base_score => base.and_then(|b| b.score), base_seats => base.map(|b| b.seats),
                        floor => p.floor, cap => p.cap,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let peak = compared
        .as_ref()
        .map(|c| {
            c.proposed
                .lines
                .iter()
                .chain(&c.baseline.lines)
                .map(|l| l.seats)
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .unwrap_or(1);
    // The seats axis ends on a round number, with its ticks.
    let scale = accordo_server::pages::chart::scale(i64::try_from(peak).unwrap_or(i64::MAX));
    let partners: Vec<String> = compared
        .as_ref()
        .map(|c| c.proposed.lines.iter().map(|l| l.country.clone()).collect())
        .unwrap_or_else(|| vec!["PAK".into(), "TUN".into(), "TUR".into()]);
    show(
        state,
        viewer,
        headers,
        "/cooperation/quotas",
        status,
        "cooperation/quotas.html",
        context! {
            totals => totals.iter().map(|t| context! {
                period => t.period, quota => t.quota,
                category => quota_words(state, &viewer.lang, &t.category),
                subcategory => quota_words(state, &viewer.lang, &t.subcategory),
                source => t.source.split_once(':')
                    .and_then(|(letter, _)| catalogue_text(state, &viewer.lang, &format!("quota-source-{letter}")))
                    .unwrap_or_else(|| t.source.clone()),
            }).collect::<Vec<_>>(),
            published => published,
            policies => policies,
            proposed => compared.as_ref().map(|c| &c.proposed),
            lines => lines,
            peak => scale.top,
            ticks => scale.ticks,
            partners => partners,
            methods => accordo_cooperation::Method::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            indicators => policies.first().map(|p| p.policy.indicators.iter().map(|w| context! { id => w.indicator, weight => w.weight }).collect::<Vec<_>>()),
            may_allocate => may(viewer, Action::Create, &policy::QUOTA_ALLOCATION),
            year => crate::api::this_year(state),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
        },
    )
}

async fn quotas(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    quotas_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        None,
        None,
        None,
    )
    .await
}

/// Reads the allocation form: the numbers are checked here, the rest by the service.
fn allocation_input(f: &Fields, with_weights: bool) -> Result<AllocationInput, FormErrors> {
    let mut errors = FormErrors::default();
    errors.require(f, &["year", "category", "seats"]);
    let number = |name: &str, errors: &mut FormErrors| -> Option<u64> {
        let text = f.get(name);
        if text.is_empty() {
            return None;
        }
        let parsed = text.replace(['.', ' ', '\u{a0}'], "").parse().ok();
        if parsed.is_none() {
            errors.add(name, "error-number");
        }
        parsed
    };
    let year = number("year", &mut errors);
    let seats = number("seats", &mut errors);
    let bounds = |prefix: &str, errors: &mut FormErrors| -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for country in f.all("partner") {
            let name = format!("{prefix}_{country}");
            if let Some(n) = number(&name, errors) {
                out.insert(country.to_owned(), n);
            }
        }
        out
    };
    let floors = bounds("floor", &mut errors);
    let caps = bounds("cap", &mut errors);
    let mut weights = BTreeMap::new();
    if with_weights {
        for (name, value) in f.kept() {
            if let Some(indicator) = name.strip_prefix("weight_")
                && !value.trim().is_empty()
            {
                match value.trim().replace(',', ".").parse::<f64>() {
                    Ok(w) => {
                        weights.insert(indicator.to_owned(), w);
                    }
                    Err(_) => errors.add(name, "error-number"),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AllocationInput {
        year: i32::try_from(year.unwrap_or_default()).unwrap_or_default(),
        category: f.get("category").to_owned(),
        seats: seats.unwrap_or_default(),
        method: Some(f.get("method"))
            .filter(|m| !m.is_empty())
            .unwrap_or("largest-remainder")
            .to_owned(),
        policy_version: f.get("policy_version").parse().ok(),
        weights,
        floors,
        caps,
    })
}

async fn what_if(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let errors = match allocation_input(f, true) {
        Ok(input) => match service::what_if(&state.platform, &v.ctx, input).await {
            Ok((baseline, proposed)) => {
                let compared = Compared { baseline, proposed };
                return quotas_view(
                    &state,
                    v,
                    None,
                    StatusCode::OK,
                    Some(compared),
                    Some(f),
                    None,
                )
                .await;
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "seats") {
                Some(errors) => errors,
                None => return viewer_error_page(&state, v, &e),
            },
        },
        Err(errors) => errors,
    };
    quotas_view(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some(f),
        Some(&errors),
    )
    .await
}

async fn publish(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let errors = match allocation_input(f, false) {
        Ok(input) => match service::publish(&state.platform, &v.ctx, input).await {
            Ok(_) => return done("/cooperation/quotas", "cooperation-published-done"),
            Err(e @ ServiceError::Forbidden(_)) => return viewer_error_page(&state, v, &e),
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "seats") {
                Some(errors) => errors,
                None => return viewer_error_page(&state, v, &e),
            },
        },
        Err(errors) => errors,
    };
    quotas_view(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some(f),
        Some(&errors),
    )
    .await
}

/// Reads the new-version form: an indicator with an empty or zero weight is left out.
fn policy_of(f: &Fields) -> Result<accordo_cooperation::Policy, FormErrors> {
    let mut errors = FormErrors::default();
    let mut indicators = Vec::new();
    for kind in accordo_cooperation::index::INDICATORS {
        let number = |part: &str, errors: &mut FormErrors| -> Option<f64> {
            let name = format!("{part}_{}", kind.id);
            let text = f.get(&name).replace(',', ".");
            if text.is_empty() {
                return None;
            }
            let parsed = text.parse::<f64>().ok();
            if parsed.is_none() {
                errors.add(&name, "error-number");
            }
            parsed
        };
        let weight = number("w", &mut errors);
        let worst = number("worst", &mut errors);
        let best = number("best", &mut errors);
        let target = number("target", &mut errors);
        if let Some(weight) = weight.filter(|w| *w != 0.0) {
            if worst.is_none() {
                errors.add(&format!("worst_{}", kind.id), "error-required");
            }
            if best.is_none() {
                errors.add(&format!("best_{}", kind.id), "error-required");
            }
            indicators.push(accordo_cooperation::index::Weighted {
                indicator: kind.id.to_owned(),
                weight,
                worst: worst.unwrap_or_default(),
                best: best.unwrap_or_default(),
                target,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(accordo_cooperation::Policy {
        indicators,
        missing: if f.get("missing") == "worst" {
            accordo_cooperation::index::Missing::Worst
        } else {
            accordo_cooperation::index::Missing::Reweight
        },
    })
}

async fn new_policy(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let errors = match policy_of(f) {
        Ok(policy) => {
            match service::new_policy(&state.platform, &v.ctx, policy, f.get("note")).await {
                Ok(version) => {
                    return done(
                        &format!("/cooperation?policy_version={}", version.version),
                        "cooperation-policy-saved",
                    );
                }
                Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "note") {
                    Some(errors) => errors,
                    None => return viewer_error_page(&state, v, &e),
                },
            }
        }
        Err(errors) => errors,
    };
    let q = IndexQuery::default();
    index_view(
        &state,
        v,
        None,
        &q,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(f),
        Some(&errors),
    )
    .await
}

/// The employer's card on the home page: the quotas published for this year, the ones it can
/// claim, each allocation a line.
pub async fn quotas_card(
    state: &AppState,
    viewer: &Viewer,
) -> Option<accordo_server::pages::home::Card> {
    use accordo_server::pages::home::{Card, Count, Item};
    use accordo_web::i18n::ArgValue;
    if !viewer
        .ctx
        .actor
        .roles
        .contains(accordo_domain::Role::Employer)
    {
        return None;
    }
    let year = crate::api::this_year(state);
    let published: Vec<service::Allocation> = service::allocations(&state.platform, &viewer.ctx)
        .await
        .ok()?
        .into_iter()
        .filter(|a| a.year == year)
        .collect();
    let seats: u64 = published.iter().map(|a| a.seats).sum();
    let catalogues = &state.web.catalogues;
    Some(Card {
        id: "quotas",
        title: "home-cooperation-quotas",
        icon: "it-file",
        href: Some("/cooperation/quotas"),
        counts: vec![Count {
            label: "home-cooperation-quotas-seats",
            value: i64::try_from(seats).unwrap_or(i64::MAX),
            text: None,
            href: Some("/cooperation/quotas".into()),
            warn: false,
        }],
        items: published
            .iter()
            .map(|a| Item {
                id: a.id.map(|id| id.to_string()).unwrap_or_default(),
                title: catalogues.message(
                    &viewer.lang,
                    "home-cooperation-quotas-allocation",
                    &[
                        ("category", ArgValue::Text(a.category.clone())),
                        ("year", ArgValue::Number(f64::from(a.year))),
                    ],
                ),
                body: catalogues.message(
                    &viewer.lang,
                    "home-cooperation-quotas-allocation-seats",
                    &[
                        ("seats", ArgValue::Number(a.seats as f64)),
                        ("partners", ArgValue::Number(a.lines.len() as f64)),
                    ],
                ),
                at_us: a.published_at.unwrap_or_default(),
                href: Some("/cooperation/quotas".into()),
                can_mark_read: false,
            })
            .collect(),
        empty: Some("home-cooperation-quotas-none"),
    })
}

/// A category or subcategory of the decree's quota table in the reader's language: message
/// `cooperation-quota-<words as a slug>`, else the words of the data file.
fn quota_words(state: &AppState, lang: &str, words: &str) -> String {
    let slug: String = words
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    catalogue_text(state, lang, &format!("quota-{slug}")).unwrap_or_else(|| words.to_owned())
}
