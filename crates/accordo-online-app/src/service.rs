//! The online pillar's services: capture (one post, or a whole export), the review queue, a
//! person's decision on each item, referrals to the platforms under the Digital Services Act,
//! their outcomes and the partnership's removal figures, and the shared bank of confirmed
//! adverts' image hashes. Each asks `can` before it reads or writes.
//!
//! Near-duplicate clusters are kept per agency (a partner never learns of another's capture
//! through a cluster) in [`Platform::state`], built from the database on first use and brought
//! up to date from it before each capture, so that several nodes on one PostgreSQL agree.

use std::collections::{BTreeMap, HashMap, HashSet};

use accordo_domain::access::{Action, Resource};
use accordo_domain::{RecordScope, can};
use accordo_online::cluster::{Clusters, ImageSet, Why};
use accordo_online::pdq::{self, PdqHash};
use accordo_online::{lang, score, signals};
use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};
use accordo_store::inserts::Inserts;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::policy;
use crate::store::{self, ImageRow, ItemRow, NewItemRows, OutcomeRow, ReferralRow};

/// The platforms adverts are found on.
pub const PLATFORMS: [&str; 8] = [
    "facebook",
    "instagram",
    "tiktok",
    "telegram",
    "x",
    "youtube",
    "snapchat",
    "other",
];
/// What a referral is about (the platforms' own categories of illegal content).
pub const CATEGORIES: [&str; 3] = [
    "smuggling_offer",
    "forged_documents",
    "fraudulent_job_offer",
];
/// What a platform did with a referral, or its silence.
pub const OUTCOMES: [&str; 4] = ["removed", "geo_blocked", "refused", "no_answer"];
/// Images and video frames of one item.
pub const IMAGES_MAX: usize = 8;
pub const IMAGE_BYTES_MAX: usize = 5 * 1024 * 1024;
pub const TEXT_MAX: usize = 10_000;
pub const URL_MAX: usize = 2_000;
pub const ACCOUNT_MAX: usize = 200;
pub const REASON_MAX: usize = 4_000;
/// Rows of one bulk import.
pub const IMPORT_MAX: usize = 50_000;
/// Items in the queue.
pub const QUEUE_MAX: i64 = 2_000;

/// A refusal of `field` by the rule `id` (its catalogue message `online-error-<id>`).
fn refused(
    field: &str,
    id: &'static str,
    args: Vec<(&'static str, String)>,
    text: String,
) -> ServiceError {
    ServiceError::refused_value(field, id, args, text)
}

/// A refusal of each field (named after `prefix`) holding a NUL character, which PostgreSQL
/// cannot store in text and no one types.
fn nul_refusals(prefix: &str, fields: &[(&str, &str)]) -> Vec<ServiceError> {
    fields
        .iter()
        .filter(|(_, value)| value.contains('\0'))
        .map(|(name, _)| {
            refused(
                &format!("{prefix}{name}"),
                "nul",
                Vec::new(),
                "a NUL character is not text".to_owned(),
            )
        })
        .collect()
}

// ---- addresses --------------------------------------------------------------------------

/// An address as a referral unit means it: `https` or `http` with a host; its key drops what
/// does not change the page (the scheme, `www.` and `m.`, the fragment, tracking parameters
/// and a trailing slash), so that two partners' captures of one post have one key.
pub fn url_key(raw: &str) -> std::result::Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > URL_MAX {
        return Err(format!("expected an address of 1 to {URL_MAX} characters"));
    }
    let parsed = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not an address: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{raw}`: expected an http or https address"));
    }
    let host = parsed
        .host_str()
        .filter(|h| h.contains('.'))
        .ok_or_else(|| format!("`{raw}`: the address has no host name"))?;
    let host = host
        .trim_start_matches("www.")
        .trim_start_matches("m.")
        .trim_start_matches("mobile.");
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| {
            !(k.starts_with("utm_")
                || matches!(k.as_ref(), "fbclid" | "igshid" | "si" | "ref" | "mibextid"))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The host is case-blind; a path or a query may not be (Instagram's and YouTube's ids).
    let mut key = format!(
        "{}{}",
        host.to_lowercase(),
        parsed.path().trim_end_matches('/')
    );
    if !kept.is_empty() {
        let q: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
        key.push('?');
        key.push_str(&q.join("&"));
    }
    Ok(key)
}

// ---- state --------------------------------------------------------------------------------

/// The clusters of one agency's items: the n-th post of `clusters` is `items[n]`, `(id,
/// cluster id)`.
#[derive(Default)]
struct AgencyClusters {
    clusters: Clusters,
    items: Vec<(String, String)>,
}

#[derive(Default)]
struct Inner {
    agencies: HashMap<String, AgencyClusters>,
    /// The bank: the n-th hash is `bank_entries[n]`, `(agency, referral, shown)`.
    bank: ImageSet,
    bank_entries: Vec<(String, String, bool)>,
    /// What was read from the database, and the latest time stamp of each.
    known_items: HashSet<String>,
    known_bank: HashSet<(String, i64)>,
    items_seen: i64,
    bank_seen: i64,
    /// Items were placed here and their write has not committed (or was abandoned midway, a
    /// request cancelled): the next user reads everything again.
    dirty: bool,
}

/// How far back each catch-up reads again: a write stamps its rows before it commits (an
/// import of 50,000 rows takes a while), so rows may commit in another order than their
/// stamps. Rows already read are skipped.
const CATCH_UP_WINDOW_US: i64 = 3_600_000_000;

/// The online pillar's memory, one per platform.
#[derive(Default)]
pub struct State {
    inner: Mutex<Inner>,
}

fn hash_of(text: &str) -> Option<PdqHash> {
    text.parse().ok()
}

/// Reads what the database has that `inner` has not: other nodes' captures and referrals.
async fn catch_up(platform: &Platform, inner: &mut Inner) -> Result<()> {
    if inner.dirty {
        *inner = Inner::default();
    }
    let mut conn = platform.store.read().await?;
    let from = (inner.items_seen - CATCH_UP_WINDOW_US).max(0);
    for (agency, id, cluster, text, at, hashes) in store::items_since(&mut conn, from).await? {
        if inner.known_items.contains(&id) {
            continue;
        }
        let images: Vec<PdqHash> = hashes.iter().filter_map(|h| hash_of(h)).collect();
        let a = inner.agencies.entry(agency).or_default();
        a.clusters.add(&text, &images);
        a.items.push((id.clone(), cluster));
        inner.known_items.insert(id);
        inner.items_seen = inner.items_seen.max(at);
    }
    let from = (inner.bank_seen - CATCH_UP_WINDOW_US).max(0);
    for (referral, position, h, agency, shown, at) in store::bank_since(&mut conn, from).await? {
        if !inner.known_bank.insert((referral.clone(), position)) {
            continue;
        }
        if let Some(h) = hash_of(&h) {
            inner.bank.add(h, inner.bank_entries.len() as u32);
            inner.bank_entries.push((agency, referral, shown));
        }
        inner.bank_seen = inner.bank_seen.max(at);
    }
    Ok(())
}

/// Builds the state from the database (the module's `prepare` hook).
pub async fn load(platform: &Platform) -> Result<()> {
    let state = platform.state::<State>();
    let mut inner = state.inner.lock().await;
    catch_up(platform, &mut inner).await
}

// ---- capture ------------------------------------------------------------------------------

/// An image or video frame as captured.
#[derive(Debug, Clone)]
pub struct NewImage {
    /// `image` or `video_frame`.
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// A post as an analyst's tool captured it.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub url: String,
    pub platform: String,
    pub account: String,
    /// RFC 3339, e.g. `2026-11-30T14:05:00Z`.
    pub captured_at: String,
    /// ISO 639-3 when the capturing tool knows it; read from the text otherwise.
    pub language: Option<String>,
    pub text: String,
    pub images: Vec<NewImage>,
}

/// A captured item checked: everything to write but its cluster and score.
struct Checked {
    row: ItemRow,
    entities: Vec<(String, String, String)>,
    images: Vec<ImageRow>,
    hashes: Vec<PdqHash>,
    signals: signals::Signals,
}

/// Every refusal of `input` (fields named under `prefix`, e.g. `line 4: `), or it checked.
fn check_item(
    now: i64,
    ctx: &Ctx,
    input: &NewItem,
    prefix: &str,
) -> std::result::Result<Checked, Vec<ServiceError>> {
    let f = |name: &str| format!("{prefix}{name}");
    let mut no = nul_refusals(
        prefix,
        &[
            ("url", &input.url),
            ("platform", &input.platform),
            ("account", &input.account),
            ("captured_at", &input.captured_at),
            ("text", &input.text),
            ("language", input.language.as_deref().unwrap_or_default()),
        ],
    );
    if !no.is_empty() {
        return Err(no);
    }
    let url_key = match url_key(&input.url) {
        Ok(k) => k,
        Err(e) => {
            no.push(refused(
                &f("url"),
                "url",
                vec![("given", input.url.clone())],
                e,
            ));
            String::new()
        }
    };
    let platform_name = input.platform.trim().to_lowercase();
    if !PLATFORMS.contains(&platform_name.as_str()) {
        no.push(refused(
            &f("platform"),
            "platform",
            vec![("given", input.platform.clone())],
            if platform_name.is_empty() {
                format!("a capture needs its platform ({})", PLATFORMS.join(", "))
            } else {
                format!(
                    "`{}` is not a platform ({})",
                    input.platform,
                    PLATFORMS.join(", ")
                )
            },
        ));
    }
    let account = input.account.trim();
    if account.is_empty() || account.chars().count() > ACCOUNT_MAX {
        no.push(refused(
            &f("account"),
            "account",
            vec![("max", ACCOUNT_MAX.to_string())],
            format!("expected the account that posted it, 1 to {ACCOUNT_MAX} characters"),
        ));
    }
    let captured_at = match input.captured_at.trim().parse::<jiff::Timestamp>() {
        Ok(t) if t.as_microsecond() > now + 60_000_000 => {
            no.push(refused(
                &f("captured_at"),
                "captured-future",
                Vec::new(),
                "the capture time is in the future".to_owned(),
            ));
            0
        }
        Ok(t) => t.as_microsecond(),
        Err(_) => {
            no.push(refused(
                &f("captured_at"),
                "captured-at",
                vec![("given", input.captured_at.clone())],
                format!(
                    "`{}`: expected a time such as 2026-11-30T14:05:00Z",
                    input.captured_at
                ),
            ));
            0
        }
    };
    let text = input.text.trim();
    if text.chars().count() > TEXT_MAX {
        no.push(refused(
            &f("text"),
            "text",
            vec![("max", TEXT_MAX.to_string())],
            format!("at most {TEXT_MAX} characters"),
        ));
    }
    if text.is_empty() && input.images.is_empty() {
        no.push(refused(
            &f("text"),
            "empty",
            Vec::new(),
            "a capture has its text, an image, or both".to_owned(),
        ));
    }
    let detected = lang::detect(text);
    let (language, confidence, method) = match input.language.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => {
            if l.len() == 3 && l.chars().all(|c| c.is_ascii_lowercase()) {
                (l.to_owned(), "1".to_owned(), "given".to_owned())
            } else {
                no.push(refused(
                    &f("language"),
                    "language",
                    vec![("given", l.to_owned())],
                    format!("`{l}`: expected an ISO 639-3 code such as ara, pus, tir"),
                ));
                (String::new(), String::new(), String::new())
            }
        }
        _ => match detected {
            Some(d) => (
                d.code.to_owned(),
                format!("{:.2}", d.confidence),
                match d.method {
                    lang::Method::Model => "model".to_owned(),
                    lang::Method::Letters => "letters".to_owned(),
                },
            ),
            None => ("und".to_owned(), "0".to_owned(), "none".to_owned()),
        },
    };
    if input.images.len() > IMAGES_MAX {
        no.push(refused(
            &f("images"),
            "images-many",
            vec![("max", IMAGES_MAX.to_string())],
            format!("at most {IMAGES_MAX} images and frames an item"),
        ));
    }
    let mut images = Vec::new();
    let mut hashes = Vec::new();
    for (i, img) in input.images.iter().enumerate().take(IMAGES_MAX) {
        let field = f(&format!("images[{i}]"));
        if !matches!(img.kind.as_str(), "image" | "video_frame") {
            no.push(refused(
                &format!("{field}.kind"),
                "image-kind",
                vec![("given", img.kind.clone())],
                format!("`{}`: expected image or video_frame", img.kind),
            ));
            continue;
        }
        if img.bytes.len() > IMAGE_BYTES_MAX {
            no.push(refused(
                &field,
                "image-large",
                vec![("max", (IMAGE_BYTES_MAX / 1024 / 1024).to_string())],
                format!("an image of at most {} MB", IMAGE_BYTES_MAX / 1024 / 1024),
            ));
            continue;
        }
        match pdq::hash_image(&img.bytes) {
            Ok(p) => {
                images.push(ImageRow {
                    kind: img.kind.clone(),
                    sha256: hex::encode(Sha256::digest(&img.bytes)),
                    pdq: p.hash.to_string(),
                    quality: i64::from(p.quality),
                });
                hashes.push(p.hash);
            }
            Err(e) => no.push(refused(
                &field,
                "image",
                vec![("detail", e.to_string())],
                e.to_string(),
            )),
        }
    }
    if !no.is_empty() {
        return Err(no);
    }
    let country = ctx.actor.country;
    let signals = signals::read(text, country);
    let entities = signals
        .entities
        .iter()
        .filter_map(|e| {
            e.normalised
                .as_ref()
                .map(|k| (e.kind.as_str().to_owned(), e.value.clone(), k.clone()))
        })
        .collect();
    Ok(Checked {
        row: ItemRow {
            id: new_id().to_string(),
            owner_agency: ctx.actor.agency.to_string(),
            url: input.url.trim().to_owned(),
            url_key,
            platform: platform_name,
            account: account.to_owned(),
            captured_at,
            text: text.to_owned(),
            language,
            language_confidence: confidence,
            language_method: method,
            created_by: ctx.actor.username.clone(),
            created_at: now,
            ..Default::default()
        },
        entities,
        images,
        hashes,
        signals,
    })
}

/// A hit of the bank found for a new item: the holder's agency and referral, the distance.
struct BankHit {
    agency: String,
    referral: String,
    /// Whether the holder's referral names its referrer to the partners.
    shown: bool,
    distance: u32,
}

/// Places `c` in its agency's clusters, scores it and adds its rows (and its hits' rows) to
/// `rows`; adds it to the memory, which the caller resets if the write then fails.
async fn place(
    platform: &Platform,
    inner: &mut Inner,
    mut c: Checked,
    rows: &mut Inserts,
) -> Result<ItemRow> {
    let agency = c.row.owner_agency.clone();
    // Stamped as it is placed, under the state's lock: the stamps of one node follow the order
    // its writes are placed in.
    c.row.created_at = platform.now_us();
    let mut hits: Vec<BankHit> = Vec::new();
    for h in &c.hashes {
        if let Some((n, distance)) = inner.bank.nearest(h) {
            let (holder, referral, shown) = &inner.bank_entries[n as usize];
            if !hits.iter().any(|x| x.referral == *referral) {
                hits.push(BankHit {
                    agency: holder.clone(),
                    referral: referral.clone(),
                    shown: *shown || *holder == c.row.owner_agency,
                    distance,
                });
            }
        }
    }
    let a = inner.agencies.entry(agency.clone()).or_default();
    let joined = a.clusters.nearest(&c.row.text, &c.hashes);
    let (cluster, near_referred) = match joined {
        Some(why) => {
            let (with, cluster) = a.items[why.with() as usize].clone();
            let mut conn = platform.store.read().await?;
            let decided = store::item(&mut conn, &agency, &with)
                .await?
                .is_some_and(|i| i.decision == "referred");
            (cluster, decided)
        }
        None => (c.row.id.clone(), false),
    };
    let address_referred = {
        let mut conn = platform.store.read().await?;
        store::referral_at(&mut conn, &c.row.platform, &c.row.url_key)
            .await?
            .is_some()
    };
    let s = score::score(
        &c.signals,
        score::Known {
            image_in_bank: !hits.is_empty(),
            near_duplicate_of_referred: near_referred,
            address_referred,
        },
    );
    c.row.score = i64::from(s.total);
    c.row.cluster_id = cluster.clone();
    c.row.joined_by = match joined {
        Some(why) => {
            let with = &a.items[why.with() as usize].0;
            match why {
                Why::Text { similarity, .. } => {
                    json!({"by": "text", "item": with, "similarity": similarity})
                }
                Why::Image { distance, .. } => {
                    json!({"by": "image", "item": with, "distance": distance})
                }
            }
            .to_string()
        }
        None => "null".to_owned(),
    };
    c.row.details = json!({
        "score": s.parts,
        "prices": c.signals.prices,
        "places": c.signals.places,
        "contact_links": c.signals.contact_links,
        "crossing_words": c.signals.crossing_words,
        "bank_hits": hits.iter().map(|h| json!({"agency": h.shown.then_some(&h.agency), "distance": h.distance})).collect::<Vec<_>>(),
    })
    .to_string();
    a.clusters.add(&c.row.text, &c.hashes);
    a.items.push((c.row.id.clone(), cluster));
    inner.known_items.insert(c.row.id.clone());
    inner.items_seen = inner.items_seen.max(c.row.created_at);
    store::item_rows(
        rows,
        &NewItemRows {
            item: &c.row,
            entities: &c.entities,
            images: &c.images,
        },
    );
    for h in &hits {
        if h.agency == agency {
            continue;
        }
        let (a_id, b_id) = (new_id().to_string(), new_id().to_string());
        store::hit_rows(
            rows,
            (&a_id, &b_id),
            (&agency, &c.row.id),
            (&h.agency, &h.referral, h.shown),
            i64::from(h.distance),
            c.row.created_at,
        );
    }
    Ok(c.row)
}

/// The refusal of a capture by the caller's roles, if any.
pub fn may_create(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::ONLINE_ITEM,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// Whether the caller may capture items for their agency.
pub fn may_capture(ctx: &Ctx) -> bool {
    may_create(ctx).is_ok()
}

/// Every refusal of `input` (empty when it would be recorded).
pub fn refusals(platform: &Platform, ctx: &Ctx, input: &NewItem) -> Vec<ServiceError> {
    check_item(platform.now_us(), ctx, input, "")
        .err()
        .unwrap_or_default()
}

/// Records a captured post for the caller's agency: its images hashed, its language and
/// signals read, its cluster found, its score, and hits of the shared bank told to both sides,
/// in one transaction with its audit entry.
pub async fn capture(platform: &Platform, ctx: &Ctx, input: &NewItem) -> Result<ItemView> {
    may_create(ctx)?;
    // Decoding and hashing images is work for a blocking thread, not the request's.
    let (now, who, item) = (platform.now_us(), ctx.clone(), input.clone());
    let checked = tokio::task::spawn_blocking(move || check_item(now, &who, &item, ""))
        .await
        .map_err(|e| {
            ServiceError::invalid("images", format!("the capture could not be checked: {e}"))
        })?
        .map_err(|mut no| no.remove(0))?;
    let id = write_items(platform, ctx, vec![checked], &|_, _| {})
        .await?
        .remove(0);
    open(platform, ctx, &id).await
}

/// The format of a bulk file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A header `url,platform,account,captured_at,language,text` (language may be empty).
    Csv,
    /// One JSON object a line: `url`, `platform`, `account`, `captured_at`, optional
    /// `language`, `text`, optional `images` (`[{"kind", "base64"}]`).
    JsonLines,
}

/// Reads a bulk file into items, or every refusal by line and field.
pub fn parse_import(
    format: Format,
    bytes: &[u8],
) -> std::result::Result<Vec<(usize, NewItem)>, Vec<ServiceError>> {
    let mut out = Vec::new();
    let mut no = Vec::new();
    match format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(false)
                .from_reader(bytes);
            let expected = [
                "url",
                "platform",
                "account",
                "captured_at",
                "language",
                "text",
            ];
            match reader.headers() {
                Ok(h) if h.iter().map(str::trim).eq(expected) => {}
                _ => {
                    return Err(vec![refused(
                        "line 1",
                        "import-header",
                        vec![("expected", expected.join(","))],
                        format!("expected the header {}", expected.join(",")),
                    )]);
                }
            }
            for (n, record) in reader.records().enumerate() {
                let line = n + 2;
                match record {
                    Ok(r) => out.push((
                        line,
                        NewItem {
                            url: r[0].to_owned(),
                            platform: r[1].to_owned(),
                            account: r[2].to_owned(),
                            captured_at: r[3].to_owned(),
                            language: Some(r[4].to_owned()).filter(|l| !l.trim().is_empty()),
                            text: r[5].to_owned(),
                            images: Vec::new(),
                        },
                    )),
                    Err(e) => no.push(refused(
                        &format!("line {line}"),
                        "import-row",
                        vec![("detail", e.to_string())],
                        format!("not a row of six fields: {e}"),
                    )),
                }
            }
        }
        Format::JsonLines => {
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    return Err(vec![refused(
                        "file",
                        "import-utf8",
                        Vec::new(),
                        format!("not UTF-8 text: {e}"),
                    )]);
                }
            };
            for (n, raw) in text.lines().enumerate() {
                let line = n + 1;
                if raw.trim().is_empty() {
                    continue;
                }
                match json_item(raw) {
                    Ok(item) => out.push((line, item)),
                    Err(e) => no.push(refused(
                        &format!("line {line}"),
                        "import-row",
                        vec![("detail", e.clone())],
                        e,
                    )),
                }
            }
        }
    }
    if out.len() > IMPORT_MAX {
        no.push(refused(
            "file",
            "import-large",
            vec![("max", IMPORT_MAX.to_string())],
            format!("at most {IMPORT_MAX} items a file"),
        ));
    }
    if no.is_empty() { Ok(out) } else { Err(no) }
}

fn json_item(raw: &str) -> std::result::Result<NewItem, String> {
    let v: serde_json::Value = serde_json::from_str(raw).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v.as_object().ok_or("expected a JSON object")?;
    let allowed = [
        "url",
        "platform",
        "account",
        "captured_at",
        "language",
        "text",
        "images",
    ];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "unknown field `{k}` (expected {})",
            allowed.join(", ")
        ));
    }
    let text = |k: &str| -> std::result::Result<String, String> {
        match obj.get(k) {
            None | Some(serde_json::Value::Null) => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("`{k}`: expected a string")),
        }
    };
    let mut images = Vec::new();
    if let Some(list) = obj.get("images") {
        let list = list.as_array().ok_or("`images`: expected an array")?;
        for (i, img) in list.iter().enumerate() {
            let kind = img["kind"].as_str().unwrap_or("image").to_owned();
            let data = img["base64"].as_str().ok_or(format!(
                "`images[{i}].base64`: expected the image in base64"
            ))?;
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.trim())
                .map_err(|e| format!("`images[{i}].base64`: {e}"))?;
            images.push(NewImage { kind, bytes });
        }
    }
    Ok(NewItem {
        url: text("url")?,
        platform: text("platform")?,
        account: text("account")?,
        captured_at: text("captured_at")?,
        language: Some(text("language")?).filter(|l| !l.is_empty()),
        text: text("text")?,
        images,
    })
}

/// Records every item of a bulk file in one transaction, or none: every refusal is named by
/// line and field. `progress` is told how many items of how many were placed so far.
pub async fn import(
    platform: &Platform,
    ctx: &Ctx,
    format: Format,
    bytes: &[u8],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<usize> {
    may_create(ctx)?;
    let parsed = parse_import(format, bytes).map_err(|mut no| no.remove(0))?;
    let (now, who) = (platform.now_us(), ctx.clone());
    // Decoding and hashing images is work for a blocking thread, not the request's.
    let (checked, no) = tokio::task::spawn_blocking(move || {
        let mut checked = Vec::with_capacity(parsed.len());
        let mut no = Vec::new();
        for (line, item) in &parsed {
            match check_item(now, &who, item, &format!("line {line}: ")) {
                Ok(c) => checked.push(c),
                Err(e) => no.extend(e),
            }
        }
        (checked, no)
    })
    .await
    .map_err(|e| ServiceError::invalid("file", format!("the file could not be checked: {e}")))?;
    if let Some(first) = no.into_iter().next() {
        return Err(first);
    }
    if checked.is_empty() {
        return Err(refused(
            "file",
            "import-empty",
            Vec::new(),
            "the file has no items".to_owned(),
        ));
    }
    let n = checked.len();
    write_items(platform, ctx, checked, progress).await?;
    Ok(n)
}

/// Places and writes `items` in one transaction with one audit entry; the memory is rebuilt
/// from the database if anything fails.
async fn write_items(
    platform: &Platform,
    ctx: &Ctx,
    items: Vec<Checked>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<String>> {
    let state = platform.state::<State>();
    let mut inner = state.inner.lock().await;
    catch_up(platform, &mut inner).await?;
    inner.dirty = true;
    let result = async {
        let mut rows = Inserts::new();
        let total = items.len();
        let mut ids = Vec::with_capacity(total);
        let mut scores = Vec::new();
        for (i, c) in items.into_iter().enumerate() {
            let row = place(platform, &mut inner, c, &mut rows).await?;
            scores.push(row.score);
            ids.push(row.id);
            progress(i + 1, total);
        }
        let mut tx = platform.store.write().await?;
        rows.run(&mut tx).await?;
        let audited = audit::record(
            platform,
            &mut tx,
            ctx,
            if ids.len() == 1 {
                "online_item.create"
            } else {
                "online_item.import"
            },
            policy::ONLINE_ITEM.kind,
            (ids.len() == 1).then(|| ids[0].as_str()),
            json!({"items": ids.len(), "ids": ids.iter().take(1000).collect::<Vec<_>>(), "scores": scores.iter().take(1000).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit(audited).await?;
        Ok::<_, ServiceError>(ids)
    }
    .await;
    // Placed in memory and written, or not written: then read everything again next time (as
    // when this future is dropped midway, which leaves `dirty` set).
    inner.dirty = result.is_err();
    result
}

// ---- reading ------------------------------------------------------------------------------

/// An item in the queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemSummary {
    pub id: String,
    pub url: String,
    pub platform: String,
    pub account: String,
    /// Microseconds since the epoch.
    pub captured_at_us: i64,
    pub language: String,
    pub score: i64,
    /// At or above the review cut-off.
    pub for_review: bool,
    /// `''` pending, `referred` or `dismissed`.
    pub decision: String,
    pub cluster_id: String,
    /// The first words of the text.
    pub excerpt: String,
}

/// A line of an item's score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScorePart {
    pub feature: String,
    pub weight: i64,
    pub present: bool,
}

/// An image or frame of an item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImageView {
    pub kind: String,
    pub sha256: String,
    /// 64 hexadecimal digits.
    pub pdq: String,
    /// PDQ's quality, 0 to 100: below 50 the hash says little.
    pub quality: i64,
}

/// An identifier the text names, in the intel pillar's model.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntityView {
    pub kind: String,
    pub value: String,
    pub normalised: String,
}

/// An earlier item of the same cluster, and what was decided on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClusterMember {
    pub id: String,
    pub url: String,
    pub captured_at_us: i64,
    pub decision: String,
    pub decision_reason: String,
}

/// A captured item as its agency's officers and analysts see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    #[serde(flatten)]
    pub summary: ItemSummary,
    pub text: String,
    pub url_key: String,
    /// How sure the language reading is, 0 to 1, and how it was made (`model`, `letters`,
    /// `given`).
    pub language_confidence: String,
    pub language_method: String,
    pub score_parts: Vec<ScorePart>,
    /// Prices, places, contact links and crossing words read from the text.
    #[schema(value_type = Object)]
    pub signals: serde_json::Value,
    pub entities: Vec<EntityView>,
    pub images: Vec<ImageView>,
    /// Why it joined its cluster (`{"by": "text"|"image", "item", …}`), or null.
    #[schema(value_type = Object)]
    pub joined_by: serde_json::Value,
    pub cluster: Vec<ClusterMember>,
    pub decision_reason: String,
    pub decided_by: String,
    /// The referral of its address on its platform, whoever made it.
    pub referral: Option<ReferralView>,
    pub created_by: String,
}

fn summary(r: &ItemRow) -> ItemSummary {
    let mut excerpt: String = r.text.chars().take(140).collect();
    if r.text.chars().count() > 140 {
        excerpt.push('…');
    }
    ItemSummary {
        id: r.id.clone(),
        url: r.url.clone(),
        platform: r.platform.clone(),
        account: r.account.clone(),
        captured_at_us: r.captured_at,
        language: r.language.clone(),
        score: r.score,
        for_review: r.score >= i64::from(score::REVIEW_CUTOFF),
        decision: r.decision.clone(),
        cluster_id: r.cluster_id.clone(),
        excerpt,
    }
}

fn may_read_items(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::record(
            &policy::ONLINE_ITEM,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    Ok(())
}

/// The caller's agency's items (at most [`QUEUE_MAX`]): those waiting first, by score, then
/// those decided, by score; audited as one read of them all.
pub async fn queue(platform: &Platform, ctx: &Ctx) -> Result<Vec<ItemSummary>> {
    may_read_items(ctx)?;
    let mut conn = platform.store.read().await?;
    let rows = store::items(&mut conn, ctx.actor.agency.as_str(), QUEUE_MAX).await?;
    drop(conn);
    // The queue names accounts: a list of personal records, audited as one read.
    let mut tx = platform.store.write().await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "online_item.list",
        policy::ONLINE_ITEM.kind,
        None,
        json!({"items": rows.len(), "ids": rows.iter().take(200).map(|r| r.id.as_str()).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(rows.iter().map(summary).collect())
}

/// One item of the caller's agency, with its cluster and the referral of its address;
/// audited (it names an account). Not found for another agency's.
pub async fn open(platform: &Platform, ctx: &Ctx, id: &str) -> Result<ItemView> {
    may_read_items(ctx)?;
    let agency = ctx.actor.agency.to_string();
    let mut conn = platform.store.read().await?;
    let row = store::item(&mut conn, &agency, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("online_item", id))?;
    let members = store::cluster_members(&mut conn, &agency, &row.cluster_id).await?;
    let images = store::images(&mut conn, id).await?;
    let entities = store::entities(&mut conn, id).await?;
    let referral = store::referral_at(&mut conn, &row.platform, &row.url_key).await?;
    let supporters = match &referral {
        Some(r) => store::supporters(&mut conn, &[r.id.as_str()]).await?,
        None => Vec::new(),
    };
    drop(conn);
    let mut tx = platform.store.write().await?;
    if let Some(audited) =
        audit::record_read(platform, &mut tx, ctx, &policy::ONLINE_ITEM, id).await?
    {
        tx.commit(audited).await?;
    }
    let details: serde_json::Value = serde_json::from_str(&row.details).unwrap_or_default();
    let score_parts = details["score"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .map(|p| ScorePart {
                    feature: p["feature"].as_str().unwrap_or_default().to_owned(),
                    weight: p["weight"].as_i64().unwrap_or_default(),
                    present: p["present"].as_bool().unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let signals = json!({
        "prices": details["prices"],
        "places": details["places"],
        "contact_links": details["contact_links"],
        "crossing_words": details["crossing_words"],
        "bank_hits": details["bank_hits"],
    });
    Ok(ItemView {
        summary: summary(&row),
        text: row.text.clone(),
        url_key: row.url_key.clone(),
        language_confidence: row.language_confidence.clone(),
        language_method: row.language_method.clone(),
        score_parts,
        signals,
        entities: entities
            .into_iter()
            .map(|(kind, value, normalised)| EntityView {
                kind,
                value,
                normalised,
            })
            .collect(),
        images: images
            .into_iter()
            .map(|i| ImageView {
                kind: i.kind,
                sha256: i.sha256,
                pdq: i.pdq,
                quality: i.quality,
            })
            .collect(),
        joined_by: serde_json::from_str(&row.joined_by).unwrap_or_default(),
        cluster: members
            .iter()
            .filter(|m| m.id != row.id)
            .map(|m| ClusterMember {
                id: m.id.clone(),
                url: m.url.clone(),
                captured_at_us: m.captured_at,
                decision: m.decision.clone(),
                decision_reason: m.decision_reason.clone(),
            })
            .collect(),
        decision_reason: row.decision_reason.clone(),
        decided_by: row.decided_by.clone(),
        referral: referral.map(|r| referral_view(ctx, &r, &supporters)),
        created_by: row.created_by,
    })
}

// ---- decisions and referrals --------------------------------------------------------------

/// A person's decision on an item.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// `refer` or `dismiss`.
    pub decision: String,
    /// Why: the notice's explanation under DSA art. 16(2)(a) when referring.
    pub reason: String,
    /// One of [`CATEGORIES`] (when referring).
    pub category: String,
    /// Whether the other partners may see that the caller's agency referred it.
    pub show_referrer: bool,
    /// Whether the agency is a trusted flagger awarded under DSA art. 22.
    pub trusted_flagger: bool,
    /// The notifier's e-mail address, for the platform's confirmation (art. 16(2)(c)).
    pub notifier_email: String,
}

/// Every refusal of `d`; `joining` when the address was referred by another agency already
/// (its notice then names no new category or notifier).
fn decision_refusals(d: &Decision, joining: bool) -> Vec<ServiceError> {
    let mut no = nul_refusals(
        "",
        &[
            ("decision", &d.decision),
            ("reason", &d.reason),
            ("category", &d.category),
            ("notifier_email", &d.notifier_email),
        ],
    );
    if !no.is_empty() {
        no.truncate(1);
        return no;
    }
    if !matches!(d.decision.as_str(), "refer" | "dismiss") {
        no.push(refused(
            "decision",
            "decision",
            vec![("given", d.decision.clone())],
            "expected refer or dismiss".to_owned(),
        ));
    }
    let reason = d.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        no.push(refused(
            "reason",
            "reason",
            vec![("max", REASON_MAX.to_string())],
            format!("every decision has its reason, 1 to {REASON_MAX} characters"),
        ));
    }
    if d.decision == "refer" && !joining {
        if !CATEGORIES.contains(&d.category.as_str()) {
            no.push(refused(
                "category",
                "category",
                vec![("given", d.category.clone())],
                format!("expected one of {}", CATEGORIES.join(", ")),
            ));
        }
        let email = d.notifier_email.trim();
        let ok = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.contains('@'));
        if !ok {
            no.push(refused(
                "notifier_email",
                "email",
                Vec::new(),
                "the notice names the notifier's e-mail address (DSA art. 16(2)(c))".to_owned(),
            ));
        }
    }
    no
}

/// Every refusal of a decision as written (`joining`: see [`decide`]).
pub fn decision_refusals_of(d: &Decision, joining: bool) -> Vec<ServiceError> {
    decision_refusals(d, joining)
}

/// Records a person's decision on a pending item of their agency. Referring it makes the
/// referral of its address on its platform, or, when a partner (or the agency itself) already
/// referred that address, joins that referral as a supporter: one notice an address and
/// platform across the partnership. A referral's images enter the shared bank.
pub async fn decide(platform: &Platform, ctx: &Ctx, id: &str, d: &Decision) -> Result<ItemView> {
    let agency = ctx.actor.agency.to_string();
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(
            &policy::ONLINE_ITEM,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let mut conn = platform.store.read().await?;
    let item = store::item(&mut conn, &agency, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("online_item", id))?;
    let existing = store::referral_at(&mut conn, &item.platform, &item.url_key).await?;
    let joining = existing.as_ref().is_some_and(|r| r.owner_agency != agency);
    if let Some(first) = decision_refusals(d, joining).into_iter().next() {
        return Err(first);
    }
    if !item.decision.is_empty() {
        return Err(refused(
            "decision",
            "decided",
            Vec::new(),
            format!("this item was already decided: {}", item.decision),
        ));
    }
    let images = store::images(&mut conn, id).await?;
    let user =
        accordo_store::accounts::find_user_by_username(&mut conn, &ctx.actor.username).await?;
    let agency_row = accordo_store::accounts::find_agency(&mut conn, &agency).await?;
    drop(conn);
    let now = platform.now_us();
    let reason = d.reason.trim().to_owned();
    let mut rows = Inserts::new();
    let mut new_bank: Vec<PdqHash> = Vec::new();
    let (decision, referral_id, action) = if d.decision == "dismiss" {
        ("dismissed", String::new(), "online_item.dismiss")
    } else if let Some(r) = existing.as_ref().filter(|r| r.owner_agency == agency) {
        // The agency's own referral of the address: the item is linked to it, nothing more.
        ("referred", r.id.clone(), "online_referral.join")
    } else if let Some(r) = &existing {
        store::supporter_row(&mut rows, &r.id, &agency, id, now, d.show_referrer);
        ("referred", r.id.clone(), "online_referral.join")
    } else {
        let referral = ReferralRow {
            id: new_id().to_string(),
            platform: item.platform.clone(),
            url_key: item.url_key.clone(),
            url: item.url.clone(),
            item_id: id.to_owned(),
            owner_agency: agency.clone(),
            show_referrer: d.show_referrer,
            category: d.category.clone(),
            reasons: reason.clone(),
            trusted_flagger: d.trusted_flagger,
            notifier_name: format!(
                "{} — {}",
                user.map(|u| u.display_name)
                    .unwrap_or_else(|| ctx.actor.username.clone()),
                agency_row.map(|a| a.name).unwrap_or_else(|| agency.clone())
            ),
            notifier_email: d.notifier_email.trim().to_owned(),
            status: "pending".to_owned(),
            recheck_on: String::new(),
            referred_at: now,
            resolved_at: 0,
            created_by: ctx.actor.username.clone(),
        };
        store::referral_rows(&mut rows, &referral);
        let hashes: Vec<String> = images.iter().map(|i| i.pdq.clone()).collect();
        new_bank = hashes.iter().filter_map(|h| hash_of(h)).collect();
        store::bank_rows(&mut rows, &referral.id, &hashes, &agency, now);
        ("referred", referral.id, "online_referral.create")
    };
    let mut tx = platform.store.write().await?;
    if !store::decide(
        &mut tx,
        id,
        decision,
        &reason,
        &ctx.actor.username,
        now,
        &referral_id,
    )
    .await?
    {
        return Err(refused(
            "decision",
            "decided",
            Vec::new(),
            "this item was decided meanwhile".to_owned(),
        ));
    }
    rows.run(&mut tx).await.map_err(|e| match e {
        accordo_store::StoreError::Database(sqlx::Error::Database(db))
            if db.is_unique_violation() =>
        {
            refused(
                "decision",
                "referred-meanwhile",
                Vec::new(),
                "another partner referred this address meanwhile: send the decision again to join its referral".to_owned(),
            )
        }
        other => ServiceError::from(other),
    })?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        action,
        policy::ONLINE_ITEM.kind,
        Some(id),
        json!({"decision": decision, "referral": referral_id, "category": d.category}),
    )
    .await?;
    tx.commit(audited).await?;
    if !new_bank.is_empty() {
        // The next capture reads the bank from the database as well; this spares it the query.
        let state = platform.state::<State>();
        let mut inner = state.inner.lock().await;
        if let Err(e) = catch_up(platform, &mut inner).await {
            tracing::warn!(error = %e, "the online bank will be read again at the next capture");
        }
    }
    open(platform, ctx, id).await
}

/// A referral as a partner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: String,
    pub platform: String,
    pub url: String,
    pub category: String,
    /// `pending`, or the last outcome: `removed`, `geo_blocked`, `refused`, `no_answer`.
    pub status: String,
    /// `YYYY-MM-DD`: when to look again, until it is gone.
    pub recheck_on: String,
    pub referred_at_us: i64,
    /// When it was first found removed or geo-blocked.
    pub resolved_at_us: Option<i64>,
    /// The referring agency: shown to itself, and to the others only if it allows.
    pub referrer: Option<String>,
    /// Whether the caller's agency made it.
    pub own: bool,
    /// The partners whose own captures joined it.
    pub supporters: Vec<String>,
    pub trusted_flagger: bool,
}

fn referral_view(
    ctx: &Ctx,
    r: &ReferralRow,
    supporters: &[(String, String, bool)],
) -> ReferralView {
    let own = r.owner_agency == ctx.actor.agency.as_str();
    let visible = own || r.show_referrer;
    ReferralView {
        id: r.id.clone(),
        platform: r.platform.clone(),
        url: r.url.clone(),
        category: r.category.clone(),
        status: r.status.clone(),
        recheck_on: r.recheck_on.clone(),
        referred_at_us: r.referred_at,
        resolved_at_us: (r.resolved_at > 0).then_some(r.resolved_at),
        referrer: visible.then(|| r.owner_agency.clone()),
        own,
        // Each supporter to itself, and to the others where it let them see.
        supporters: supporters
            .iter()
            .filter(|(id, agency, shown)| {
                *id == r.id
                    && *agency != r.owner_agency
                    && (*shown || agency == ctx.actor.agency.as_str())
            })
            .map(|(_, a, _)| a.clone())
            .collect(),
        // Trusted-flagger status belongs to named agencies: shown with the referrer only.
        trusted_flagger: visible && r.trusted_flagger,
    }
}

fn may_read_referrals(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::ONLINE_REFERRAL),
    )?;
    Ok(())
}

/// The partnership's referrals, newest first.
pub async fn referrals(platform: &Platform, ctx: &Ctx) -> Result<Vec<ReferralView>> {
    may_read_referrals(ctx)?;
    let mut conn = platform.store.read().await?;
    let rows = store::referrals(&mut conn, 5_000).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut supporters = Vec::new();
    for chunk in ids.chunks(500) {
        supporters.extend(store::supporters(&mut conn, chunk).await?);
    }
    Ok(rows
        .iter()
        .map(|r| referral_view(ctx, r, &supporters))
        .collect())
}

/// A referral of the caller's agency (to export its notice or record an outcome).
async fn own_referral(platform: &Platform, ctx: &Ctx, id: &str) -> Result<ReferralRow> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(
            &policy::ONLINE_REFERRAL,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let mut conn = platform.store.read().await?;
    store::referral(&mut conn, id)
        .await?
        .filter(|r| r.owner_agency == ctx.actor.agency.as_str())
        .ok_or_else(|| ServiceError::not_found("online_referral", id))
}

/// One referral of the caller's agency as the partnership sees it.
pub async fn own_referral_view(platform: &Platform, ctx: &Ctx, id: &str) -> Result<ReferralView> {
    let r = own_referral(platform, ctx, id).await?;
    let mut conn = platform.store.read().await?;
    let supporters = store::supporters(&mut conn, &[r.id.as_str()]).await?;
    Ok(referral_view(ctx, &r, &supporters))
}

/// The notice to the platform, in the form of the Digital Services Act's article 16.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notice {
    /// `Regulation (EU) 2022/2065, Article 16`.
    pub legal_basis: String,
    pub notice_id: String,
    pub platform: String,
    /// Art. 16(2)(b): the exact electronic location.
    pub url: String,
    pub category: String,
    /// Art. 16(2)(a): why the notifier holds the content illegal.
    pub explanation: String,
    /// Art. 16(2)(c): the notifier's name and e-mail address.
    pub notifier_name: String,
    pub notifier_email: String,
    pub notifier_agency: String,
    /// Art. 16(2)(d): the statement of good faith.
    pub good_faith_statement: String,
    /// Art. 22: whether the notice comes from a trusted flagger.
    pub trusted_flagger: bool,
    /// The capture: when, the account, and each image's SHA-256.
    pub captured_at: String,
    pub account: String,
    pub evidence_sha256: Vec<String>,
    /// RFC 3339.
    pub sent_at: String,
}

pub const GOOD_FAITH: &str = "The notifier states a bona fide belief that the information and allegations contained in this notice are accurate and complete.";

/// RFC 3339 to the second, in UTC.
pub(crate) fn rfc3339(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us - us.rem_euclid(1_000_000))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The notice of a referral of the caller's agency.
pub async fn notice(platform: &Platform, ctx: &Ctx, id: &str) -> Result<Notice> {
    let r = own_referral(platform, ctx, id).await?;
    let mut conn = platform.store.read().await?;
    let item = store::item(&mut conn, &r.owner_agency, &r.item_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("online_item", &r.item_id))?;
    let images = store::images(&mut conn, &r.item_id).await?;
    drop(conn);
    // The notice names the item's account: a read of the item, audited.
    let mut tx = platform.store.write().await?;
    if let Some(audited) =
        audit::record_read(platform, &mut tx, ctx, &policy::ONLINE_ITEM, &r.item_id).await?
    {
        tx.commit(audited).await?;
    }
    Ok(Notice {
        legal_basis: "Regulation (EU) 2022/2065 (Digital Services Act), Article 16".to_owned(),
        notice_id: r.id.clone(),
        platform: r.platform.clone(),
        url: r.url.clone(),
        category: r.category.clone(),
        explanation: r.reasons.clone(),
        notifier_name: r.notifier_name.clone(),
        notifier_email: r.notifier_email.clone(),
        notifier_agency: r.owner_agency.clone(),
        good_faith_statement: GOOD_FAITH.to_owned(),
        trusted_flagger: r.trusted_flagger,
        captured_at: rfc3339(item.captured_at),
        account: item.account,
        evidence_sha256: images.into_iter().map(|i| i.sha256).collect(),
        sent_at: rfc3339(r.referred_at),
    })
}

/// The notice as a plain-text document, to attach or paste into a platform's form.
pub fn notice_document(n: &Notice) -> String {
    let mut out = String::new();
    out.push_str("NOTICE OF ILLEGAL CONTENT\n");
    out.push_str(&format!("{}\n\n", n.legal_basis));
    out.push_str(&format!("Notice:           {}\n", n.notice_id));
    out.push_str(&format!("Sent:             {}\n", n.sent_at));
    out.push_str(&format!("Platform:         {}\n", n.platform));
    out.push_str(&format!("Exact location:   {}\n", n.url));
    out.push_str(&format!("Account:          {}\n", n.account));
    out.push_str(&format!("Captured:         {}\n", n.captured_at));
    out.push_str(&format!("Category:         {}\n\n", n.category));
    out.push_str("Explanation (Art. 16(2)(a)):\n");
    out.push_str(&n.explanation);
    out.push_str("\n\nNotifier (Art. 16(2)(c)):\n");
    out.push_str(&format!(
        "  {}\n  {}\n  agency {}\n",
        n.notifier_name, n.notifier_email, n.notifier_agency
    ));
    if n.trusted_flagger {
        out.push_str(
            "  Submitted by a trusted flagger (Art. 22): to be processed with priority.\n",
        );
    }
    out.push_str("\nStatement of good faith (Art. 16(2)(d)):\n");
    out.push_str(&n.good_faith_statement);
    if !n.evidence_sha256.is_empty() {
        out.push_str("\n\nEvidence kept by the notifier (SHA-256 of each captured image):\n");
        for h in &n.evidence_sha256 {
            out.push_str(&format!("  {h}\n"));
        }
    }
    out.push('\n');
    out
}

/// An answer of the platform, or its silence.
#[derive(Debug, Clone, Default)]
pub struct NewOutcome {
    /// One of [`OUTCOMES`].
    pub status: String,
    /// The platform's reason (required when it refused).
    pub reason: String,
    /// `YYYY-MM-DD`: when the item was checked.
    pub checked_on: String,
    /// `YYYY-MM-DD`: when to look again; required unless it was removed.
    pub recheck_on: String,
}

/// An outcome as recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutcomeView {
    pub status: String,
    pub reason: String,
    pub checked_on: String,
    pub recheck_on: String,
    pub recorded_by: String,
}

/// Every refusal of an outcome as written.
pub fn outcome_refusals(platform: &Platform, o: &NewOutcome) -> Vec<ServiceError> {
    let mut no = Vec::new();
    if !OUTCOMES.contains(&o.status.as_str()) {
        no.push(refused(
            "status",
            "outcome",
            vec![("given", o.status.clone())],
            format!("expected one of {}", OUTCOMES.join(", ")),
        ));
    }
    if o.status == "refused" && o.reason.trim().is_empty() {
        no.push(refused(
            "reason",
            "outcome-reason",
            Vec::new(),
            "a refusal is recorded with the platform's reason".to_owned(),
        ));
    }
    if o.reason.chars().count() > REASON_MAX {
        no.push(refused(
            "reason",
            "outcome-reason-long",
            vec![("max", REASON_MAX.to_string())],
            format!("at most {REASON_MAX} characters"),
        ));
    }
    if let Some(first) = nul_refusals(
        "",
        &[
            ("status", &o.status),
            ("reason", &o.reason),
            ("checked_on", &o.checked_on),
            ("recheck_on", &o.recheck_on),
        ],
    )
    .into_iter()
    .next()
    {
        no.push(first);
        return no;
    }
    let today = jiff::Timestamp::from_microsecond(platform.now_us())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .ok();
    let checked = match accordo_domain::dates::parse(o.checked_on.trim()) {
        Ok(d) if today.is_some_and(|t| d > t) => {
            no.push(refused(
                "checked_on",
                "checked-future",
                Vec::new(),
                "the check is in the future".to_owned(),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            no.push(refused(
                "checked_on",
                "date",
                vec![("given", o.checked_on.clone())],
                e.to_string(),
            ));
            None
        }
    };
    let gone = o.status == "removed";
    match (o.recheck_on.trim(), gone) {
        ("", true) => {}
        ("", false) => no.push(refused(
            "recheck_on",
            "recheck-needed",
            Vec::new(),
            "until the item is removed, a date to check it again".to_owned(),
        )),
        (text, _) => match accordo_domain::dates::parse(text) {
            Ok(d) if checked.is_some_and(|c| d <= c) => no.push(refused(
                "recheck_on",
                "recheck-after",
                Vec::new(),
                "the next check comes after this one".to_owned(),
            )),
            Ok(_) => {}
            Err(e) => no.push(refused(
                "recheck_on",
                "date",
                vec![("given", text.to_owned())],
                e.to_string(),
            )),
        },
    }
    no
}

/// Records what the platform did with a referral of the caller's agency (or that it has not
/// answered), and when to look again.
pub async fn record_outcome(
    platform: &Platform,
    ctx: &Ctx,
    id: &str,
    o: &NewOutcome,
) -> Result<ReferralView> {
    let r = own_referral(platform, ctx, id).await?;
    if let Some(first) = outcome_refusals(platform, o).into_iter().next() {
        return Err(first);
    }
    let now = platform.now_us();
    let gone = matches!(o.status.as_str(), "removed" | "geo_blocked");
    let row = OutcomeRow {
        status: o.status.clone(),
        reason: o.reason.trim().to_owned(),
        checked_on: o.checked_on.trim().to_owned(),
        recheck_on: if o.status == "removed" {
            String::new()
        } else {
            o.recheck_on.trim().to_owned()
        },
        recorded_by: ctx.actor.username.clone(),
        recorded_at: now,
    };
    let mut tx = platform.store.write().await?;
    if !store::add_outcome(&mut tx, id, &r.status, &row, if gone { now } else { 0 }).await? {
        return Err(refused(
            "status",
            "outcome-meanwhile",
            Vec::new(),
            "another outcome was recorded meanwhile; look at the referral again".to_owned(),
        ));
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "online_referral.outcome",
        policy::ONLINE_REFERRAL.kind,
        Some(id),
        json!({"status": row.status, "checked_on": row.checked_on, "recheck_on": row.recheck_on}),
    )
    .await?;
    tx.commit(audited).await?;
    own_referral_view(platform, ctx, id).await
}

/// A referral's outcomes, oldest first, for the agency that made it.
pub async fn outcomes(platform: &Platform, ctx: &Ctx, id: &str) -> Result<Vec<OutcomeView>> {
    own_referral(platform, ctx, id).await?;
    let mut conn = platform.store.read().await?;
    Ok(store::outcomes(&mut conn, id)
        .await?
        .into_iter()
        .map(|o| OutcomeView {
            status: o.status,
            reason: o.reason,
            checked_on: o.checked_on,
            recheck_on: o.recheck_on,
            recorded_by: o.recorded_by,
        })
        .collect())
}

// ---- figures ------------------------------------------------------------------------------

/// Referrals and removals of one platform (and category, or all).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RemovalFigures {
    pub platform: String,
    /// A category, or `all`.
    pub category: String,
    pub referred: i64,
    pub removed: i64,
    pub geo_blocked: i64,
    pub refused: i64,
    /// No answer yet, or none recorded.
    pub waiting: i64,
    /// (removed + geo-blocked) / referred, 0 to 1.
    pub removal_rate: f64,
    /// Of those gone: the median hours from the referral to the first check that found it gone.
    pub median_hours_to_removal: Option<f64>,
    pub p90_hours_to_removal: Option<f64>,
}

fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    Some((sorted[at] * 10.0).round() / 10.0)
}

/// Removal rate and time to removal per platform (category `all`) and per platform and
/// category: the partnership's figures, aggregates only.
pub async fn removal_figures(platform: &Platform, ctx: &Ctx) -> Result<Vec<RemovalFigures>> {
    may_read_referrals(ctx)?;
    let mut conn = platform.store.read().await?;
    let rows = store::referrals(&mut conn, 1_000_000).await?;
    let mut groups: BTreeMap<(String, String), (RemovalFigures, Vec<f64>)> = BTreeMap::new();
    for r in &rows {
        for category in ["all".to_owned(), r.category.clone()] {
            let (f, hours) = groups
                .entry((r.platform.clone(), category.clone()))
                .or_insert_with(|| {
                    (
                        RemovalFigures {
                            platform: r.platform.clone(),
                            category,
                            ..Default::default()
                        },
                        Vec::new(),
                    )
                });
            f.referred += 1;
            match r.status.as_str() {
                "removed" => f.removed += 1,
                "geo_blocked" => f.geo_blocked += 1,
                "refused" => f.refused += 1,
                _ => f.waiting += 1,
            }
            if r.resolved_at > 0 {
                hours.push((r.resolved_at - r.referred_at) as f64 / 3_600_000_000.0);
            }
        }
    }
    Ok(groups
        .into_values()
        .map(|(mut f, mut hours)| {
            hours.sort_by(f64::total_cmp);
            f.removal_rate =
                ((f.removed + f.geo_blocked) as f64 / f.referred as f64 * 1000.0).round() / 1000.0;
            f.median_hours_to_removal = quantile(&hours, 0.5);
            f.p90_hours_to_removal = quantile(&hours, 0.9);
            f
        })
        .collect())
}

// ---- the bank's hits ----------------------------------------------------------------------

/// A hit of the shared bank as one agency sees it: the other agency, never its record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HitView {
    pub id: String,
    /// The agency on the other side; none where its referral keeps its name from the
    /// partners.
    pub other_agency: Option<String>,
    /// The caller's own record: an item it captured (`item`), or a referral it made whose
    /// image was met (`referral`).
    pub own_kind: String,
    pub own_record: String,
    pub distance: i64,
    pub found_at_us: i64,
}

/// The caller's agency's hits of the shared bank, newest first.
pub async fn bank_hits(platform: &Platform, ctx: &Ctx) -> Result<Vec<HitView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::record(
            &policy::ONLINE_BANK_HIT,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let mut conn = platform.store.read().await?;
    Ok(store::hits(&mut conn, ctx.actor.agency.as_str())
        .await?
        .into_iter()
        .map(|h| {
            let (kind, record) = h
                .own_record
                .split_once(':')
                .map(|(k, r)| (k.to_owned(), r.to_owned()))
                .unwrap_or_else(|| ("item".to_owned(), h.own_record.clone()));
            HitView {
                id: h.id,
                other_agency: h.other_agency,
                own_kind: kind,
                own_record: record,
                distance: h.distance,
                found_at_us: h.created_at,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_spellings_of_one_post_have_one_key() {
        let a =
            url_key("https://www.facebook.com/groups/123/posts/456/?utm_source=x&fbclid=abc#top")
                .expect("an address");
        let b = url_key("http://m.facebook.com/groups/123/posts/456").expect("an address");
        assert_eq!(a, b);
        assert_eq!(a, "facebook.com/groups/123/posts/456");
        // The host is case-blind, an id in the path is not.
        assert_eq!(
            url_key("https://WWW.Instagram.com/p/AbC/").expect("an address"),
            "instagram.com/p/AbC"
        );
        assert_ne!(
            url_key("https://instagram.com/p/abc").expect("an address"),
            url_key("https://instagram.com/p/ABC").expect("an address")
        );
        assert_ne!(
            url_key("https://t.me/channel/1").expect("an address"),
            url_key("https://t.me/channel/2").expect("an address")
        );
        assert!(url_key("ftp://example.org/a").is_err());
        assert!(url_key("not an address").is_err());
        assert!(url_key("https://localhost/x").is_err());
    }

    #[test]
    fn a_bulk_file_with_a_bad_row_is_refused_naming_the_line() {
        let csv = "url,platform,account,captured_at,language,text\nhttps://t.me/a/1,telegram,a,2026-11-30T10:00:00Z,,ok\nhttps://t.me/a/2,telegram,a\n";
        let no = parse_import(Format::Csv, csv.as_bytes()).expect_err("a short row");
        assert!(no[0].to_string().starts_with("line 3:"), "{}", no[0]);
        let jsonl = "{\"url\": \"https://t.me/a/1\"}\n{\"url\": 3}\n";
        let no = parse_import(Format::JsonLines, jsonl.as_bytes()).expect_err("a bad field");
        assert!(no[0].to_string().contains("line 2"), "{}", no[0]);
        assert!(no[0].to_string().contains("`url`"), "{}", no[0]);
    }
}
