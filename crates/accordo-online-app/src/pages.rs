//! The online pillar's pages: the review queue (the list component: search, filters by
//! decision, platform and language, sorting, paging, CSV), capture, an item with its score,
//! cluster and the decision form, the partnership's referrals with the removal figures (charts
//! with their tables), a referral of the reader's agency with its notice and outcomes, and the
//! bank's hits.

use accordo_server::AppState;
use accordo_server::extract::{Path, Query};
use accordo_server::pages::{
    Chrome, Fields, FormErrors, PageRoutes, SignedForm, Viewer, chart, done, list, render,
    viewer_error_page,
};
use accordo_server::testing::matrix::{AccessRow, At, Who::*};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::service::{
    self, CATEGORIES, Decision, ItemSummary, NewItem, NewOutcome, OUTCOMES, PLATFORMS,
    ReferralView, RemovalFigures,
};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/online", queue_page)
        .get("/online/capture", capture_page)
        .post("/online/items", capture)
        .get("/online/items/{id}", item_page)
        .post("/online/items/{id}/decision", decide)
        .get("/online/referrals", referrals_page)
        .get("/online/referrals/{id}", referral_page)
        .get("/online/referrals/{id}/notice.txt", notice_document)
        .post("/online/referrals/{id}/outcomes", record_outcome)
        .get("/online/hits", hits_page)
}

fn all() -> (String, String) {
    (String::new(), "list-all".to_owned())
}

fn queue_list() -> list::Spec<ItemSummary> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/online",
        columns: vec![
            // Those waiting for review before those decided, each by score: the order a
            // reviewer works in.
            Column {
                key: "score",
                label: "online-score",
                sort: Some(|i| {
                    Some(Key::Number(
                        i.score + if i.decision.is_empty() { 1_000 } else { 0 },
                    ))
                }),
            },
            Column {
                key: "post",
                label: "online-post",
                sort: None,
            },
            Column {
                key: "captured",
                label: "online-captured",
                sort: Some(|i| Some(Key::Number(i.captured_at_us))),
            },
            Column {
                key: "decision",
                label: "online-decision",
                sort: Some(|i| Some(Key::Text(i.decision.clone()))),
            },
        ],
        default_sort: ("score", true),
        search: |i| format!("{} {} {} {}", i.url, i.account, i.excerpt, i.platform),
        filters: vec![
            Filter {
                key: "decision",
                label: "online-decision",
                choices: vec![
                    all(),
                    ("pending".into(), "online-decision-pending".into()),
                    ("referred".into(), "online-decision-referred".into()),
                    ("dismissed".into(), "online-decision-dismissed".into()),
                ],
                narrows: true,
                passes: Box::new(|i, v| {
                    if v == "pending" {
                        i.decision.is_empty()
                    } else {
                        i.decision == v
                    }
                }),
            },
            Filter {
                key: "platform",
                label: "online-platform",
                choices: std::iter::once(all())
                    .chain(
                        PLATFORMS
                            .iter()
                            .map(|p| ((*p).to_owned(), format!("online-platform-{p}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|i, v| i.platform == v),
            },
        ],
        csv_header: &[
            "id",
            "score",
            "platform",
            "url",
            "account",
            "captured_at",
            "language",
            "decision",
            "cluster",
        ],
        csv_row: |i| {
            vec![
                i.id.clone(),
                i.score.to_string(),
                i.platform.clone(),
                i.url.clone(),
                i.account.clone(),
                accordo_web::time::machine(i.captured_at_us),
                i.language.clone(),
                i.decision.clone(),
                i.cluster_id.clone(),
            ]
        },
    }
}

async fn queue_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    let found = match service::queue(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let pending = found.iter().filter(|i| i.decision.is_empty()).count();
    let view = match queue_list().apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/online", Some(&headers)),
        StatusCode::OK,
        "online/queue.html",
        context! {
            items => view,
            pending => pending,
            cutoff => accordo_online::score::REVIEW_CUTOFF,
            may_capture => service::may_capture(&viewer.ctx),
            tab => "queue",
        },
    )
}

/// A `datetime-local` value (`2026-11-30T14:05`), read in the reader's time zone, as the
/// service takes it (RFC 3339); a value that is not one is passed on for the service to refuse.
fn utc_of(local: &str, tz: &str) -> String {
    let local = local.trim();
    let zoned = local
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.in_tz(tz).ok());
    match zoned {
        Some(z) => z.timestamp().to_string(),
        None => local.to_owned(),
    }
}

async fn capture_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    if let Err(e) = service::may_create(&viewer.ctx) {
        return viewer_error_page(state, viewer, &e);
    }
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, "/online/capture", headers),
        status,
        "online/capture.html",
        context! {
            platforms => PLATFORMS,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tab => "capture",
        },
    )
}

async fn capture_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    capture_with(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn capture(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["url", "account", "captured_at"]);
    let input = NewItem {
        url: f.get("url").to_owned(),
        platform: f.get("platform").to_owned(),
        account: f.get("account").to_owned(),
        captured_at: utc_of(f.get("captured_at"), v.tz()),
        language: Some(f.get("language").to_owned()).filter(|l| !l.trim().is_empty()),
        text: f.get("text").to_owned(),
        images: Vec::new(),
    };
    let no = service::refusals(&state.platform, &v.ctx, &input);
    errors.add_refusals(&state, &v.lang, &no, "url", str::to_owned);
    if errors.is_empty() {
        match service::capture(&state.platform, &v.ctx, &input).await {
            Ok(item) => {
                return done(
                    &format!("/online/items/{}", item.summary.id),
                    "online-captured-done",
                );
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "url") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    capture_with(
        &state,
        v,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

async fn item_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let item = match service::open(&state.platform, &viewer.ctx, &id.to_string()).await {
        Ok(item) => item,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let (values, errors) = form;
    let may_decide = item.summary.decision.is_empty()
        && accordo_domain::can(
            &viewer.ctx.actor,
            accordo_domain::access::Action::Update,
            accordo_domain::access::Resource::record(
                &crate::policy::ONLINE_ITEM,
                &accordo_domain::RecordScope::owned_by(viewer.ctx.actor.agency.clone()),
            ),
        )
        .is_ok();
    render(
        state,
        &Chrome::signed_in(viewer, "/online", headers),
        status,
        "online/item.html",
        context! {
            item => item,
            may_decide => may_decide,
            categories => CATEGORIES,
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tab => "queue",
        },
    )
}

async fn item_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    item_with(
        &state,
        &viewer,
        Some(&headers),
        id,
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn decide(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let d = Decision {
        decision: f.get("decision").to_owned(),
        reason: f.get("reason").to_owned(),
        category: f.get("category").to_owned(),
        show_referrer: f.get("show_referrer") == "yes",
        trusted_flagger: f.get("trusted_flagger") == "yes",
        notifier_email: f.get("notifier_email").to_owned(),
    };
    let mut errors = FormErrors::default();
    // The form says whether it joins a partner's referral; `decide` checks it again.
    let no = service::decision_refusals_of(&d, f.get("joining") == "yes");
    errors.add_refusals(&state, &v.lang, &no, "decision", str::to_owned);
    if errors.is_empty() {
        match service::decide(&state.platform, &v.ctx, &id.to_string(), &d).await {
            Ok(_) => return done(&format!("/online/items/{id}"), "online-decided"),
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "decision") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    item_with(
        &state,
        v,
        None,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

fn referrals_list() -> list::Spec<ReferralView> {
    use list::{Column, Filter, Key, Spec};
    Spec {
        path: "/online/referrals",
        columns: vec![
            Column {
                key: "referred",
                label: "online-referred-at",
                sort: Some(|r| Some(Key::Number(r.referred_at_us))),
            },
            Column {
                key: "address",
                label: "online-address",
                sort: Some(|r| Some(Key::Text(r.url.clone()))),
            },
            Column {
                key: "status",
                label: "online-status",
                sort: Some(|r| Some(Key::Text(r.status.clone()))),
            },
            Column {
                key: "recheck",
                label: "online-recheck",
                sort: Some(|r| Some(Key::Text(r.recheck_on.clone()))),
            },
        ],
        default_sort: ("referred", true),
        search: |r| {
            format!(
                "{} {} {} {}",
                r.url,
                r.platform,
                r.referrer.clone().unwrap_or_default(),
                r.supporters.join(" ")
            )
        },
        filters: vec![
            Filter {
                key: "status",
                label: "online-status",
                choices: std::iter::once(all())
                    .chain(
                        std::iter::once("pending")
                            .chain(OUTCOMES)
                            .map(|s| (s.to_owned(), format!("online-status-{s}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|r, v| r.status == v),
            },
            Filter {
                key: "platform",
                label: "online-platform",
                choices: std::iter::once(all())
                    .chain(
                        PLATFORMS
                            .iter()
                            .map(|p| ((*p).to_owned(), format!("online-platform-{p}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|r, v| r.platform == v),
            },
            Filter {
                key: "own",
                label: "online-referrer",
                choices: vec![all(), ("own".into(), "online-own-agency".into())],
                narrows: true,
                passes: Box::new(|r, v| v != "own" || r.own),
            },
        ],
        csv_header: &[
            "id",
            "platform",
            "url",
            "category",
            "status",
            "referred_at",
            "resolved_at",
            "recheck_on",
            "referrer",
            "supporters",
        ],
        csv_row: |r| {
            vec![
                r.id.clone(),
                r.platform.clone(),
                r.url.clone(),
                r.category.clone(),
                r.status.clone(),
                accordo_web::time::machine(r.referred_at_us),
                r.resolved_at_us
                    .map(accordo_web::time::machine)
                    .unwrap_or_default(),
                r.recheck_on.clone(),
                r.referrer.clone().unwrap_or_default(),
                r.supporters.join(" "),
            ]
        },
    }
}

/// One bar of a chart: a platform, its value and the bar's length in the chart's units.
#[derive(Serialize)]
struct Bar {
    platform: String,
    value: f64,
    width: f64,
}

async fn referrals_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<list::Params>,
) -> Response {
    let found = match service::referrals(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let figures: Vec<RemovalFigures> =
        match service::removal_figures(&state.platform, &viewer.ctx).await {
            Ok(f) => f,
            Err(e) => return viewer_error_page(&state, &viewer, &e),
        };
    let view = match referrals_list().apply(found, &params) {
        list::Outcome::Page(view) => view,
        list::Outcome::Csv(csv) => return csv,
    };
    let by_platform: Vec<&RemovalFigures> =
        figures.iter().filter(|f| f.category == "all").collect();
    let by_category: Vec<&RemovalFigures> =
        figures.iter().filter(|f| f.category != "all").collect();
    // Removal rate: a percentage axis. Time to removal: hours on a scale to the largest median.
    let rates: Vec<Bar> = by_platform
        .iter()
        .map(|f| Bar {
            platform: f.platform.clone(),
            value: (f.removal_rate * 1000.0).round() / 10.0,
            width: f.removal_rate * 100.0,
        })
        .collect();
    let peak_hours = by_platform
        .iter()
        .filter_map(|f| f.median_hours_to_removal)
        .fold(0.0_f64, f64::max)
        .ceil() as i64;
    let hours_scale = chart::scale(peak_hours);
    let hours: Vec<Bar> = by_platform
        .iter()
        .filter_map(|f| {
            f.median_hours_to_removal.map(|h| Bar {
                platform: f.platform.clone(),
                value: h,
                width: h / hours_scale.top as f64 * 100.0,
            })
        })
        .collect();
    render(
        &state,
        &Chrome::signed_in(&viewer, "/online/referrals", Some(&headers)),
        StatusCode::OK,
        "online/referrals.html",
        context! {
            referrals => view,
            by_platform => by_platform,
            by_category => by_category,
            rates => rates,
            hours => hours,
            hours_ticks => hours_scale.ticks,
            hours_top => hours_scale.top,
            tab => "referrals",
        },
    )
}

async fn referral_with(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    form: (Option<&Fields>, Option<&FormErrors>),
) -> Response {
    let id = id.to_string();
    let notice = match service::notice(&state.platform, &viewer.ctx, &id).await {
        Ok(n) => n,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let outcomes = match service::outcomes(&state.platform, &viewer.ctx, &id).await {
        Ok(o) => o,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let referral = service::referrals(&state.platform, &viewer.ctx)
        .await
        .ok()
        .and_then(|all| all.into_iter().find(|r| r.id == id));
    let (values, errors) = form;
    render(
        state,
        &Chrome::signed_in(viewer, "/online/referrals", headers),
        status,
        "online/referral.html",
        context! {
            notice => notice,
            referral => referral,
            outcomes => outcomes,
            statuses => OUTCOMES,
            gone => outcomes.last().is_some_and(|o| o.status == "removed"),
            values => values.map(Fields::kept),
            errors => errors.map(|e| &e.by_field),
            tab => "referrals",
        },
    )
}

async fn referral_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    referral_with(
        &state,
        &viewer,
        Some(&headers),
        id,
        StatusCode::OK,
        (None, None),
    )
    .await
}

async fn notice_document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> Response {
    match service::notice(&state.platform, &viewer.ctx, &id.to_string()).await {
        // Shown as text where it opens; the page's link downloads it (`download`).
        Ok(n) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                // It names the notifier: not for a shared cache.
                (header::CACHE_CONTROL, "no-store"),
            ],
            service::notice_document(&n),
        )
            .into_response(),
        Err(e) => viewer_error_page(&state, &viewer, &e),
    }
}

async fn record_outcome(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let o = NewOutcome {
        status: f.get("status").to_owned(),
        reason: f.get("reason").to_owned(),
        checked_on: f.get("checked_on").to_owned(),
        recheck_on: f.get("recheck_on").to_owned(),
    };
    let mut errors = FormErrors::default();
    let no = service::outcome_refusals(&state.platform, &o);
    errors.add_refusals(&state, &v.lang, &no, "status", str::to_owned);
    if errors.is_empty() {
        match service::record_outcome(&state.platform, &v.ctx, &id.to_string(), &o).await {
            Ok(_) => {
                return done(
                    &format!("/online/referrals/{id}"),
                    "online-outcome-recorded",
                );
            }
            Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "status") {
                Some(more) => errors = more,
                None => return viewer_error_page(&state, v, &e),
            },
        }
    }
    referral_with(
        &state,
        v,
        None,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        (Some(f), Some(&errors)),
    )
    .await
}

async fn hits_page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    let hits = match service::bank_hits(&state.platform, &viewer.ctx).await {
        Ok(h) => h,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    render(
        &state,
        &Chrome::signed_in(&viewer, "/online/hits", Some(&headers)),
        StatusCode::OK,
        "online/hits.html",
        context! { hits => hits, tab => "hits" },
    )
}

/// The officers and analysts of every agency work on the virtual dimension.
const UNITS: &[(accordo_domain::Role, At)] = &[
    (accordo_domain::Role::Officer, At::Anywhere),
    (accordo_domain::Role::Analyst, At::Anywhere),
];

fn row(
    method: &'static str,
    path: &'static str,
    body: serde_json::Value,
    who: accordo_server::testing::matrix::Who,
    sees: accordo_server::testing::matrix::Who,
) -> AccessRow {
    AccessRow {
        method,
        path,
        body,
        who,
        sees_canary: sees,
    }
}

/// The pages' rows of the access matrix.
pub fn matrix_rows() -> Vec<AccessRow> {
    vec![
        row("get", "/online", json!(null), Holders(UNITS), Only(&[])),
        row(
            "get",
            "/online/capture",
            json!(null),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "post",
            "/online/items",
            json!({"url": "https://t.me/matrix_page/1", "platform": "telegram",
                "account": "matrix_page", "captured_at": "2026-11-20T10:00", "text": "Boat from Sfax"}),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "get",
            "/online/items/{id}",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/online/items/{id}/decision",
            json!({"decision": "dismiss", "reason": "Matrix"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/online/referrals",
            json!(null),
            Holders(UNITS),
            Holders(UNITS),
        ),
        row(
            "get",
            "/online/referrals/{id}",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/online/referrals/{id}/notice.txt",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/online/referrals/{id}/outcomes",
            json!({"status": "no_answer", "checked_on": "2026-11-20", "recheck_on": "2026-12-20"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/online/hits",
            json!(null),
            Holders(UNITS),
            Only(&[]),
        ),
    ]
}
