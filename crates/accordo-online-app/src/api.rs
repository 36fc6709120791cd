//! The online pillar over HTTP: captures, the review queue, decisions, referrals with their
//! notices and outcomes, the removal figures and the bank's hits.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use accordo_server::AppState;
use accordo_server::extract::{Caller, Json, Path};
use accordo_server::problem::{ApiResult, Problem};
use accordo_service::ServiceError;

use crate::service::{
    self, Decision, Format, HitView, ItemSummary, ItemView, NewImage, NewItem, NewOutcome, Notice,
    OutcomeView, ReferralView, RemovalFigures,
};

/// A capture carries up to 8 images of 5 MB in base64 within its JSON.
const CAPTURE_BODY_LIMIT: usize = 56 * 1024 * 1024;
/// A bulk file of up to 32 MB, within its JSON.
const IMPORT_BODY_LIMIT: usize = 48 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            OpenApiRouter::new()
                .routes(routes!(list_items, capture))
                .layer(DefaultBodyLimit::max(CAPTURE_BODY_LIMIT)),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import))
                .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .routes(routes!(get_item))
        .routes(routes!(decide))
        .routes(routes!(list_referrals))
        .routes(routes!(notice))
        .routes(routes!(notice_document))
        .routes(routes!(list_outcomes, record_outcome))
        .routes(routes!(removals))
        .routes(routes!(bank_hits))
}

/// An image or a video frame as captured.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageIn {
    /// `image` (the default) or `video_frame`.
    #[serde(default)]
    kind: Option<String>,
    /// The file, in base64: JPEG, PNG, GIF, WebP, BMP or TIFF, at most 5 MB.
    base64: String,
}

/// A post as the analyst's tool captured it. Nothing is fetched from the address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://www.facebook.com/groups/100200300/posts/400500600", "platform": "facebook", "account": "Safe Trip Europe", "captured_at": "2026-11-30T14:05:00Z", "text": "Boat trip from Zuwara to Lampedusa every Friday, 3500 euro, WhatsApp wa.me/218912345671", "images": []}))]
pub struct ItemIn {
    /// `http` or `https`, the post's exact address.
    url: String,
    /// `facebook`, `instagram`, `tiktok`, `telegram`, `x`, `youtube`, `snapchat` or `other`.
    platform: String,
    /// The account that posted it, as the platform shows it.
    account: String,
    /// RFC 3339.
    captured_at: String,
    /// ISO 639-3 when the capturing tool knows it; read from the text otherwise.
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    text: String,
    /// At most 8.
    #[serde(default)]
    images: Vec<ImageIn>,
}

fn item_of(input: ItemIn) -> Result<NewItem, ServiceError> {
    let mut images = Vec::new();
    for (i, img) in input.images.into_iter().enumerate() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(img.base64.trim())
            .map_err(|e| ServiceError::invalid(&format!("images[{i}].base64"), e.to_string()))?;
        images.push(NewImage {
            kind: img.kind.unwrap_or_else(|| "image".to_owned()),
            bytes,
        });
    }
    Ok(NewItem {
        url: input.url,
        platform: input.platform,
        account: input.account,
        captured_at: input.captured_at,
        language: input.language,
        text: input.text,
        images,
    })
}

/// The caller's agency's items: pending first by score, then those decided.
#[utoipa::path(get, path = "/api/v1/online/items", tag = "online",
    responses((status = 200, description = "the queue", body = Vec<ItemSummary>), (status = 403, body = Problem)))]
async fn list_items(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<ItemSummary>>> {
    Ok(axum::Json(
        service::queue(&state.platform, &caller.ctx).await?,
    ))
}

/// Records a captured post for the caller's agency: images hashed (SHA-256 and PDQ), language
/// and signals read, its near-duplicates' cluster, its score, and the shared bank's hits.
/// Audited.
#[utoipa::path(post, path = "/api/v1/online/items", tag = "online", request_body = ItemIn,
    responses((status = 201, description = "the item", body = ItemView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn capture(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ItemIn>,
) -> ApiResult<(StatusCode, axum::Json<ItemView>)> {
    let item = item_of(input)?;
    let view = service::capture(&state.platform, &caller.ctx, &item).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// A bulk file exported by a capture tool.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"format": "csv", "content": "url,platform,account,captured_at,language,text\nhttps://t.me/safe_road_europe/812,telegram,safe_road_europe,2026-11-29T08:00:00Z,,Departure from Sfax tonight 2000 EUR\n"}))]
pub struct ImportIn {
    /// `csv` (header `url,platform,account,captured_at,language,text`) or `jsonl` (one item
    /// a line, as `POST /api/v1/online/items` takes it).
    format: String,
    content: String,
}

/// How many items an import recorded.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Imported {
    items: usize,
}

/// Records every item of a bulk file in one transaction, or none: a bad row refuses the file,
/// naming its line and field.
#[utoipa::path(post, path = "/api/v1/online/imports", tag = "online", request_body = ImportIn,
    responses((status = 201, description = "the items recorded", body = Imported), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ImportIn>,
) -> ApiResult<(StatusCode, axum::Json<Imported>)> {
    let format = match input.format.as_str() {
        "csv" => Format::Csv,
        "jsonl" => Format::JsonLines,
        other => {
            return Err(ServiceError::invalid(
                "format",
                format!("`{other}`: expected csv or jsonl"),
            )
            .into());
        }
    };
    let items = service::import(
        &state.platform,
        &caller.ctx,
        format,
        input.content.as_bytes(),
        &|_, _| {},
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(Imported { items })))
}

/// One item of the caller's agency with its score's parts, signals, images, cluster and the
/// referral of its address. Audited.
#[utoipa::path(get, path = "/api/v1/online/items/{id}", tag = "online",
    params(("id" = Uuid, Path, description = "the item")),
    responses((status = 200, description = "the item", body = ItemView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_item(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ItemView>> {
    Ok(axum::Json(
        service::open(&state.platform, &caller.ctx, &id.to_string()).await?,
    ))
}

/// A person's decision on an item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "refer", "reason": "Offers an irregular sea crossing from Libya to Italy for payment, with a contact number: migrant smuggling (Directive 2002/90/EC).", "category": "smuggling_offer", "show_referrer": true, "trusted_flagger": false, "notifier_email": "iru@example.org"}))]
pub struct DecisionIn {
    /// `refer` or `dismiss`.
    decision: String,
    /// Why: a referral's explanation to the platform.
    reason: String,
    /// When referring: `smuggling_offer`, `forged_documents` or `fraudulent_job_offer`.
    #[serde(default)]
    category: String,
    /// Whether other partners may see that the caller's agency referred it.
    #[serde(default)]
    show_referrer: bool,
    /// Whether the agency holds trusted-flagger status under DSA art. 22.
    #[serde(default)]
    trusted_flagger: bool,
    /// When referring: the notifier's e-mail address for the platform.
    #[serde(default)]
    notifier_email: String,
}

/// Refers an item to its platform, or dismisses it, with the reason; a referral of an address
/// already referred by a partner joins it instead of sending a second notice. Audited.
#[utoipa::path(post, path = "/api/v1/online/items/{id}/decision", tag = "online", request_body = DecisionIn,
    params(("id" = Uuid, Path, description = "the item")),
    responses((status = 200, description = "the item decided", body = ItemView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<DecisionIn>,
) -> ApiResult<axum::Json<ItemView>> {
    let d = Decision {
        decision: input.decision,
        reason: input.reason,
        category: input.category,
        show_referrer: input.show_referrer,
        trusted_flagger: input.trusted_flagger,
        notifier_email: input.notifier_email,
    };
    Ok(axum::Json(
        service::decide(&state.platform, &caller.ctx, &id.to_string(), &d).await?,
    ))
}

/// The partnership's referrals, newest first: the referrer named only to itself or where it
/// allows.
#[utoipa::path(get, path = "/api/v1/online/referrals", tag = "online",
    responses((status = 200, description = "the referrals", body = Vec<ReferralView>), (status = 403, body = Problem)))]
async fn list_referrals(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<ReferralView>>> {
    Ok(axum::Json(
        service::referrals(&state.platform, &caller.ctx).await?,
    ))
}

/// A referral's notice to the platform (DSA art. 16) as JSON, for the agency that made it.
#[utoipa::path(get, path = "/api/v1/online/referrals/{id}/notice", tag = "online",
    params(("id" = Uuid, Path, description = "the referral")),
    responses((status = 200, description = "the notice", body = Notice), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Notice>> {
    Ok(axum::Json(
        service::notice(&state.platform, &caller.ctx, &id.to_string()).await?,
    ))
}

/// The same notice as a plain-text document.
#[utoipa::path(get, path = "/api/v1/online/referrals/{id}/notice.txt", tag = "online",
    params(("id" = Uuid, Path, description = "the referral")),
    responses((status = 200, description = "the notice", content_type = "text/plain"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn notice_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::response::Response> {
    let n = service::notice(&state.platform, &caller.ctx, &id.to_string()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"notice-{id}.txt\""),
            ),
        ],
        service::notice_document(&n),
    )
        .into_response())
}

/// A referral's outcomes, oldest first, for the agency that made it.
#[utoipa::path(get, path = "/api/v1/online/referrals/{id}/outcomes", tag = "online",
    params(("id" = Uuid, Path, description = "the referral")),
    responses((status = 200, description = "the outcomes", body = Vec<OutcomeView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_outcomes(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<OutcomeView>>> {
    Ok(axum::Json(
        service::outcomes(&state.platform, &caller.ctx, &id.to_string()).await?,
    ))
}

/// What the platform did with a referral, or that it has not answered.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "no_answer", "reason": "", "checked_on": "2026-12-01", "recheck_on": "2026-12-08"}))]
pub struct OutcomeIn {
    /// `removed`, `geo_blocked`, `refused` or `no_answer`.
    status: String,
    /// The platform's reason; required when it refused.
    #[serde(default)]
    reason: String,
    /// `YYYY-MM-DD`, not after today.
    checked_on: String,
    /// `YYYY-MM-DD`, after `checked_on`: required unless removed.
    #[serde(default)]
    recheck_on: String,
}

/// Records an outcome of a referral of the caller's agency. Audited.
#[utoipa::path(post, path = "/api/v1/online/referrals/{id}/outcomes", tag = "online", request_body = OutcomeIn,
    params(("id" = Uuid, Path, description = "the referral")),
    responses((status = 201, description = "the referral", body = ReferralView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn record_outcome(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<OutcomeIn>,
) -> ApiResult<(StatusCode, axum::Json<ReferralView>)> {
    let o = NewOutcome {
        status: input.status,
        reason: input.reason,
        checked_on: input.checked_on,
        recheck_on: input.recheck_on,
    };
    let view = service::record_outcome(&state.platform, &caller.ctx, &id.to_string(), &o).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Removal rate and time to removal per platform (`category` `all`) and per platform and
/// category, over every partner's referrals.
#[utoipa::path(get, path = "/api/v1/online/removals", tag = "online",
    responses((status = 200, description = "the figures", body = Vec<RemovalFigures>), (status = 403, body = Problem)))]
async fn removals(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<RemovalFigures>>> {
    Ok(axum::Json(
        service::removal_figures(&state.platform, &caller.ctx).await?,
    ))
}

/// The caller's agency's hits of the shared bank: the other agency, never its record.
#[utoipa::path(get, path = "/api/v1/online/bank/hits", tag = "online",
    responses((status = 200, description = "the hits", body = Vec<HitView>), (status = 403, body = Problem)))]
async fn bank_hits(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<axum::Json<Vec<HitView>>> {
    Ok(axum::Json(
        service::bank_hits(&state.platform, &caller.ctx).await?,
    ))
}
