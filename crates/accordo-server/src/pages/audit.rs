//! The audit log's search and export, for an admin (its agency; the operator's admin, all)
//! and for the independent monitor (the kinds in its mandate).

use crate::extract::Query;
use accordo_service::audit;
use accordo_store::audit::AuditQuery;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::{Chrome, FormErrors, Viewer, encode, render, viewer_error_page};
use crate::AppState;
use crate::pages::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/audit", search)
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct AuditForm {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    resource_kind: String,
    #[serde(default)]
    resource_id: String,
    /// A calendar date in the reader's zone, inclusive.
    #[serde(default)]
    from: String,
    /// A calendar date in the reader's zone, inclusive.
    #[serde(default)]
    to: String,
    /// Continue with entries before this sequence number.
    #[serde(default)]
    before: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The start of a calendar date in a zone, in microseconds.
fn start_of(date: &str, tz: &str) -> Option<i64> {
    let date: jiff::civil::Date = date.parse().ok()?;
    let zoned = date.to_zoned(accordo_web::time::zone(tz)).ok()?;
    Some(zoned.timestamp().as_microsecond())
}

const PAGE: i64 = 100;

async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(form): Query<AuditForm>,
) -> Response {
    let tz = viewer.tz().to_owned();
    let mut errors = FormErrors::default();
    let before = match form.before.trim() {
        "" => None,
        b => b.parse::<i64>().ok().or_else(|| {
            errors.add("before", "error-whole-number");
            None
        }),
    };
    let from_us = match form.from.trim() {
        "" => None,
        d => start_of(d, &tz).or_else(|| {
            errors.add("from", "error-date");
            None
        }),
    };
    let to_us = match form.to.trim() {
        "" => None,
        d => start_of(d, &tz)
            // The end date is included: up to the start of the next day.
            .map(|us| us + 86_400_000_000)
            .or_else(|| {
                errors.add("to", "error-date");
                None
            }),
    };
    // A period that ends before it starts finds nothing: it is a mistake to point out.
    if let (Some(from), Some(to)) = (from_us, to_us)
        && to <= from
    {
        errors.add("to", "audit-period-reversed");
    }
    let query = AuditQuery {
        actor: some(&form.actor),
        action: some(&form.action),
        resource_kind: some(&form.resource_kind),
        resource_id: some(&form.resource_id),
        from_us,
        to_us,
        before_seq: before,
        limit: PAGE + 1,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // Opening the page shows the latest entries within the reader's scope (a search, which
    // the service audits like any other); a refused filter shows the form and its errors.
    let searched = errors.is_empty();
    let found = if searched {
        match audit::search(&state.platform, &viewer.ctx, &query, false).await {
            Ok(found) => Some(found),
            Err(e) => return viewer_error_page(&state, &viewer, &e),
        }
    } else {
        // Still refuse whoever may not read the log at all.
        if let Err(e) = accordo_domain::can(
            &viewer.ctx.actor,
            accordo_domain::Action::Read,
            accordo_domain::Resource::collection(&accordo_service::policy::AUDIT),
        ) {
            return viewer_error_page(&state, &viewer, &e.into());
        }
        None
    };
    // The action filter offers the actions the viewer's entries have (and keeps one typed in
    // a link, even if none has it).
    let mut actions = audit::actions(&state.platform, &viewer.ctx)
        .await
        .unwrap_or_default();
    if let Some(asked) = some(&form.action)
        && !actions.contains(&asked)
    {
        actions.push(asked);
    }
    let more = found.as_ref().is_some_and(|f| f.len() as i64 > PAGE);
    let entries: Vec<_> = found
        .unwrap_or_default()
        .into_iter()
        .take(PAGE as usize)
        .collect();
    let older = more.then(|| entries.last().map(|e| e.entry.seq)).flatten();
    // The export takes the same filter, as RFC 3339 instants.
    let mut export = Vec::new();
    for (name, value) in [
        ("actor", &form.actor),
        ("action", &form.action),
        ("resource_kind", &form.resource_kind),
        ("resource_id", &form.resource_id),
    ] {
        if !value.trim().is_empty() {
            export.push(format!("{name}={}", encode(value.trim())));
        }
    }
    if let Some(us) = from_us {
        export.push(format!("from={}", encode(&accordo_web::time::machine(us))));
    }
    if let Some(us) = to_us {
        export.push(format!("to={}", encode(&accordo_web::time::machine(us))));
    }
    let export_query = export.join("&");
    let chrome = Chrome {
        lang: &viewer.lang,
        tz: &tz,
        path: "/audit",
        viewer: Some(&viewer),
        flash: None,
    };
    render(
        &state,
        &chrome,
        status,
        "audit/search.html",
        context! {
            form => form,
            actions => actions,
            searched => searched,
            entries => entries,
            export_query => export_query,
            older_query => older.map(|_| {
                // Same filter, in the page's own terms (dates), plus where to continue.
                let mut q: Vec<String> = Vec::new();
                for (name, value) in [("actor", &form.actor), ("action", &form.action),
                    ("resource_kind", &form.resource_kind), ("resource_id", &form.resource_id),
                    ("from", &form.from), ("to", &form.to)] {
                    if !value.trim().is_empty() {
                        q.push(format!("{name}={}", encode(value.trim())));
                    }
                }
                q.push(format!("before={}", older.unwrap_or_default()));
                q.join("&")
            }),
            errors => errors.by_field,
        },
    )
}
