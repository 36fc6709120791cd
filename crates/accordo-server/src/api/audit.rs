//! Searching and exporting the audit log.

use crate::extract::Query;
use accordo_store::audit::{AuditQuery, AuditRecord};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::AppState;
use crate::extract::Caller;
use crate::problem::{ApiResult, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(export))
        .routes(routes!(checkpoints))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CheckpointParams {
    /// Only the checkpoints of entries after this one (to fetch what is new since the last).
    after: Option<i64>,
}

/// One signed checkpoint of the chain's head.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CheckpointOut {
    /// The last entry of the chain when it was signed.
    seq: i64,
    /// That entry's hash (hex).
    head_hash: String,
    /// When it was signed, in microseconds since the epoch (signed as such) and as RFC 3339.
    at_us: i64,
    at: String,
    /// The Ed25519 public key that signed it (hex).
    public_key: String,
    /// The signature (hex) of `accordo audit checkpoint v1\nseq {seq}\nhead {head_hash}\nat {at_us}\n`.
    signature: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Checkpoints {
    /// The key this server signs with now, if it signs.
    public_key: Option<String>,
    /// Newest first.
    checkpoints: Vec<CheckpointOut>,
}

/// Signed checkpoints of the audit chain's head (Ed25519), newest first, for the independent
/// monitor to keep: `accordo audit verify --checkpoints FILE` (FILE: this answer) then finds
/// any truncation or rewrite of the log behind a checkpoint kept. The operator's admin and
/// monitors read them.
#[utoipa::path(get, path = "/api/v1/audit/checkpoints", tag = "audit", params(CheckpointParams),
    responses((status = 200, body = Checkpoints), (status = 403, body = Problem)))]
async fn checkpoints(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<CheckpointParams>,
) -> ApiResult<axum::Json<Checkpoints>> {
    let found = accordo_service::audit::checkpoints(&state.platform, &caller.ctx, p.after).await?;
    Ok(axum::Json(Checkpoints {
        public_key: state
            .platform
            .settings
            .audit_key
            .as_ref()
            .map(|k| hex::encode(k.verifying_key().as_bytes())),
        checkpoints: found
            .into_iter()
            .map(|c| CheckpointOut {
                at: rfc3339(c.at_us),
                seq: c.seq,
                head_hash: c.head_hash,
                at_us: c.at_us,
                public_key: c.public_key,
                signature: c.signature,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Username of the actor ("what did this user do").
    actor: Option<String>,
    /// Action, e.g. `user.create`.
    action: Option<String>,
    /// Kind of record, e.g. `user` ("who read this record" with `resource_id`).
    resource_kind: Option<String>,
    resource_id: Option<String>,
    /// RFC 3339 time, inclusive.
    from: Option<String>,
    /// RFC 3339 time, exclusive.
    to: Option<String>,
    /// Entries before this sequence number (paging back).
    before: Option<i64>,
    /// At most this many (default 100, at most 10,000).
    limit: Option<i64>,
    /// `jsonl` (default) or `csv`, for the export.
    format: Option<String>,
}

fn parse_time(field: &str, value: Option<&str>) -> ApiResult<Option<i64>> {
    value
        .map(|v| {
            v.parse::<jiff::Timestamp>()
                .map(|t| t.as_microsecond())
                .map_err(|_| {
                    Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_field",
                        format!("{field}: expected an RFC 3339 time such as 2026-11-23T08:00:00Z"),
                    )
                    .field(field)
                })
        })
        .transpose()
}

fn to_query(p: &AuditParams, default_limit: i64) -> ApiResult<AuditQuery> {
    if let Some(limit) = p.limit
        && !(1..=10_000).contains(&limit)
    {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("limit: {limit} is not between 1 and 10000"),
        )
        .field("limit"));
    }
    let from_us = parse_time("from", p.from.as_deref())?;
    let to_us = parse_time("to", p.to.as_deref())?;
    if let (Some(from), Some(to)) = (from_us, to_us)
        && to <= from
    {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "to: the period ends before it starts",
        )
        .field("to"));
    }
    Ok(AuditQuery {
        actor: p.actor.clone(),
        action: p.action.clone(),
        resource_kind: p.resource_kind.clone(),
        resource_id: p.resource_id.clone(),
        from_us,
        to_us,
        before_seq: p.before,
        limit: p.limit.unwrap_or(default_limit),
    })
}

/// Searches the audit log within the caller's reach (an admin: its agency, or all for the
/// operator; the monitor: the kinds of record in its mandate). Newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, description = "entries, newest first", body = Vec<accordo_store::audit::AuditRecord>), (status = 403, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AuditParams>,
) -> ApiResult<axum::Json<Vec<AuditRecord>>> {
    if p.format.is_some() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "format: only the export (GET /api/v1/audit/export) takes a format",
        )
        .field("format"));
    }
    let query = to_query(&p, 100)?;
    Ok(axum::Json(
        accordo_service::audit::search(&state.platform, &caller.ctx, &query, false).await?,
    ))
}

/// Exports the matching entries as JSON Lines or CSV.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit", params(AuditParams),
    responses((status = 200, description = "a file: JSON Lines of entries, or CSV with ?format=csv", content((String = "application/x-ndjson"), (String = "text/csv"))), (status = 403, body = Problem)))]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AuditParams>,
) -> ApiResult<Response> {
    let query = to_query(&p, 10_000)?;
    let format = p.format.as_deref().unwrap_or("jsonl");
    if format != "jsonl" && format != "csv" {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "format: expected jsonl or csv",
        )
        .field("format"));
    }
    let found = accordo_service::audit::search(&state.platform, &caller.ctx, &query, true).await?;
    let (body, mime, ext) = if format == "csv" {
        (to_csv(&found), "text/csv; charset=utf-8", "csv")
    } else {
        let lines: Vec<String> = found
            .iter()
            .filter_map(|r| serde_json::to_string(r).ok())
            .collect();
        (lines.join("\n") + "\n", "application/x-ndjson", "jsonl")
    };
    let disposition = format!("attachment; filename=\"accordo-audit.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn csv_field(text: &str) -> String {
    // Quote every field; a leading formula character is defused for spreadsheets.
    let safe = crate::pages::list::defused(text);
    format!("\"{}\"", safe.replace('"', "\"\""))
}

fn to_csv(records: &[AuditRecord]) -> String {
    let mut out =
        String::from("seq,at,actor,agency,action,resource_kind,resource_id,request_id,details\n");
    for r in records {
        let e = &r.entry;
        let fields = [
            e.seq.to_string(),
            rfc3339(e.at_us),
            e.actor_name.clone(),
            e.actor_agency.clone().unwrap_or_default(),
            e.action.clone(),
            e.resource_kind.clone(),
            e.resource_id.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            r.details
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "(erased)".into()),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
