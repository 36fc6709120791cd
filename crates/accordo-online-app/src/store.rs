//! The online pillar's SQL. Items are read by their agency only (`owner_agency` in every query
//! that returns one); referrals and the bank are the partnership's.

use accordo_store::inserts::Inserts;
use accordo_store::scope::Binds;
use accordo_store::transfer::Col::{Int, Text};
use accordo_store::{Conn, Result, Tx};
use sqlx::Row;
use sqlx::any::AnyRow;

pub static MIGRATIONS: &[accordo_store::migrate::Migration] = &[
    accordo_store::migration!("../migrations", 2026120701, "2026120701_online"),
    accordo_store::migration!(
        "../migrations",
        2026120702,
        "2026120702_online_supporters_shown"
    ),
];

pub static TABLES: &[accordo_store::transfer::TableSpec] = &[
    accordo_store::transfer::TableSpec {
        name: "online_items",
        columns: &[
            ("id", Text),
            ("owner_agency", Text),
            ("url", Text),
            ("url_key", Text),
            ("platform", Text),
            ("account", Text),
            ("captured_at", Int),
            ("text", Text),
            ("language", Text),
            ("language_confidence", Text),
            ("language_method", Text),
            ("score", Int),
            ("details", Text),
            ("cluster_id", Text),
            ("joined_by", Text),
            ("decision", Text),
            ("decision_reason", Text),
            ("decided_by", Text),
            ("decided_at", Int),
            ("referral_id", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        order_by: "created_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "online_item_entities",
        columns: &[
            ("item_id", Text),
            ("position", Int),
            ("kind", Text),
            ("value", Text),
            ("normalised", Text),
        ],
        order_by: "item_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "online_images",
        columns: &[
            ("item_id", Text),
            ("position", Int),
            ("kind", Text),
            ("sha256", Text),
            ("pdq", Text),
            ("quality", Int),
        ],
        order_by: "item_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "online_referrals",
        columns: &[
            ("id", Text),
            ("platform", Text),
            ("url_key", Text),
            ("url", Text),
            ("item_id", Text),
            ("owner_agency", Text),
            ("show_referrer", Int),
            ("category", Text),
            ("reasons", Text),
            ("trusted_flagger", Int),
            ("notifier_name", Text),
            ("notifier_email", Text),
            ("status", Text),
            ("recheck_on", Text),
            ("referred_at", Int),
            ("resolved_at", Int),
            ("created_by", Text),
        ],
        order_by: "referred_at, id",
    },
    accordo_store::transfer::TableSpec {
        name: "online_referral_supporters",
        columns: &[
            ("referral_id", Text),
            ("agency", Text),
            ("item_id", Text),
            ("joined_at", Int),
            ("shown", Int),
        ],
        order_by: "referral_id, item_id",
    },
    accordo_store::transfer::TableSpec {
        name: "online_outcomes",
        columns: &[
            ("referral_id", Text),
            ("position", Int),
            ("status", Text),
            ("reason", Text),
            ("checked_on", Text),
            ("recheck_on", Text),
            ("recorded_by", Text),
            ("recorded_at", Int),
        ],
        order_by: "referral_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "online_bank",
        columns: &[
            ("referral_id", Text),
            ("position", Int),
            ("pdq", Text),
            ("agency", Text),
            ("added_at", Int),
        ],
        order_by: "referral_id, position",
    },
    accordo_store::transfer::TableSpec {
        name: "online_bank_hits",
        columns: &[
            ("id", Text),
            ("pair", Text),
            ("agency", Text),
            ("other_agency", Text),
            ("own_record", Text),
            ("distance", Int),
            ("created_at", Int),
            ("other_shown", Int),
        ],
        order_by: "created_at, id",
    },
];

/// A captured post as stored.
#[derive(Debug, Clone, Default)]
pub struct ItemRow {
    pub id: String,
    pub owner_agency: String,
    pub url: String,
    pub url_key: String,
    pub platform: String,
    pub account: String,
    pub captured_at: i64,
    pub text: String,
    pub language: String,
    pub language_confidence: String,
    pub language_method: String,
    pub score: i64,
    /// JSON: the score's parts and the signals.
    pub details: String,
    pub cluster_id: String,
    /// JSON: why it joined its cluster, or `null`.
    pub joined_by: String,
    pub decision: String,
    pub decision_reason: String,
    pub decided_by: String,
    pub decided_at: i64,
    pub referral_id: String,
    pub created_by: String,
    pub created_at: i64,
}

const ITEM_COLUMNS: &[&str] = &[
    "id",
    "owner_agency",
    "url",
    "url_key",
    "platform",
    "account",
    "captured_at",
    "text",
    "language",
    "language_confidence",
    "language_method",
    "score",
    "details",
    "cluster_id",
    "joined_by",
    "decision",
    "decision_reason",
    "decided_by",
    "decided_at",
    "referral_id",
    "created_by",
    "created_at",
];

fn item_of(r: &AnyRow) -> Result<ItemRow> {
    Ok(ItemRow {
        id: r.try_get("id")?,
        owner_agency: r.try_get("owner_agency")?,
        url: r.try_get("url")?,
        url_key: r.try_get("url_key")?,
        platform: r.try_get("platform")?,
        account: r.try_get("account")?,
        captured_at: r.try_get("captured_at")?,
        text: r.try_get("text")?,
        language: r.try_get("language")?,
        language_confidence: r.try_get("language_confidence")?,
        language_method: r.try_get("language_method")?,
        score: r.try_get("score")?,
        details: r.try_get("details")?,
        cluster_id: r.try_get("cluster_id")?,
        joined_by: r.try_get("joined_by")?,
        decision: r.try_get("decision")?,
        decision_reason: r.try_get("decision_reason")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        referral_id: r.try_get("referral_id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// An image or video frame of an item.
#[derive(Debug, Clone)]
pub struct ImageRow {
    pub kind: String,
    pub sha256: String,
    pub pdq: String,
    pub quality: i64,
}

/// An item with its entities (`kind`, `value`, `normalised`) and images, written together.
pub struct NewItemRows<'a> {
    pub item: &'a ItemRow,
    pub entities: &'a [(String, String, String)],
    pub images: &'a [ImageRow],
}

/// Adds the rows of `items` to `rows`.
pub fn item_rows(rows: &mut Inserts, new: &NewItemRows<'_>) {
    let i = new.item;
    rows.row(
        "online_items",
        ITEM_COLUMNS,
        vec![
            (&i.id).into(),
            (&i.owner_agency).into(),
            (&i.url).into(),
            (&i.url_key).into(),
            (&i.platform).into(),
            (&i.account).into(),
            i.captured_at.into(),
            (&i.text).into(),
            (&i.language).into(),
            (&i.language_confidence).into(),
            (&i.language_method).into(),
            i.score.into(),
            (&i.details).into(),
            (&i.cluster_id).into(),
            (&i.joined_by).into(),
            (&i.decision).into(),
            (&i.decision_reason).into(),
            (&i.decided_by).into(),
            i.decided_at.into(),
            (&i.referral_id).into(),
            (&i.created_by).into(),
            i.created_at.into(),
        ],
    );
    for (n, (kind, value, key)) in new.entities.iter().enumerate() {
        rows.row(
            "online_item_entities",
            &["item_id", "position", "kind", "value", "normalised"],
            vec![
                (&i.id).into(),
                (n as i64).into(),
                kind.into(),
                value.into(),
                key.into(),
            ],
        );
    }
    for (n, img) in new.images.iter().enumerate() {
        rows.row(
            "online_images",
            &["item_id", "position", "kind", "sha256", "pdq", "quality"],
            vec![
                (&i.id).into(),
                (n as i64).into(),
                (&img.kind).into(),
                (&img.sha256).into(),
                (&img.pdq).into(),
                img.quality.into(),
            ],
        );
    }
}

fn item_select() -> String {
    format!("SELECT {} FROM online_items", ITEM_COLUMNS.join(", "))
}

/// The item `id` of `agency`.
pub async fn item(conn: &mut Conn, agency: &str, id: &str) -> Result<Option<ItemRow>> {
    let sql = format!("{} WHERE id = $1 AND owner_agency = $2", item_select());
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(agency)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(item_of).transpose()
}

/// `limit` items of `agency` in the order of review: those waiting first, each by score, then
/// the newest.
pub async fn items(conn: &mut Conn, agency: &str, limit: i64) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "{} WHERE owner_agency = $1
         ORDER BY CASE WHEN decision = '' THEN 0 ELSE 1 END, score DESC, created_at DESC, id DESC
         LIMIT $2",
        item_select()
    );
    let rows = sqlx::query(&sql)
        .bind(agency)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(item_of).collect()
}

/// The items of `agency` in cluster `cluster`, oldest first.
pub async fn cluster_members(conn: &mut Conn, agency: &str, cluster: &str) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "{} WHERE owner_agency = $1 AND cluster_id = $2 ORDER BY created_at, id LIMIT 200",
        item_select()
    );
    let rows = sqlx::query(&sql)
        .bind(agency)
        .bind(cluster)
        .fetch_all(conn)
        .await?;
    rows.iter().map(item_of).collect()
}

/// Every item's agency, id, cluster and text from `from` (`created_at`), in order of
/// capture, with its images' PDQ hashes: what the clusters are built from.
pub async fn items_since(
    conn: &mut Conn,
    from: i64,
) -> Result<Vec<(String, String, String, String, i64, Vec<String>)>> {
    let rows = sqlx::query(
        "SELECT i.owner_agency, i.id, i.cluster_id, i.text, i.created_at,
                (SELECT COUNT(*) FROM online_images m WHERE m.item_id = i.id) AS images
         FROM online_items i
         WHERE i.created_at >= $1
         ORDER BY i.created_at, i.id",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        let n: i64 = r.try_get("images")?;
        let hashes = if n > 0 {
            images(conn, &id)
                .await?
                .into_iter()
                .map(|i| i.pdq)
                .collect()
        } else {
            Vec::new()
        };
        out.push((
            r.try_get("owner_agency")?,
            id,
            r.try_get("cluster_id")?,
            r.try_get("text")?,
            r.try_get("created_at")?,
            hashes,
        ));
    }
    Ok(out)
}

pub async fn images(conn: &mut Conn, item: &str) -> Result<Vec<ImageRow>> {
    let rows = sqlx::query(
        "SELECT kind, sha256, pdq, quality FROM online_images
         WHERE item_id = $1 ORDER BY position",
    )
    .bind(item)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ImageRow {
                kind: r.try_get("kind")?,
                sha256: r.try_get("sha256")?,
                pdq: r.try_get("pdq")?,
                quality: r.try_get("quality")?,
            })
        })
        .collect()
}

/// An item's entities: `(kind, value, normalised)`.
pub async fn entities(conn: &mut Conn, item: &str) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT kind, value, normalised FROM online_item_entities
         WHERE item_id = $1 ORDER BY position",
    )
    .bind(item)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("kind")?,
                r.try_get("value")?,
                r.try_get("normalised")?,
            ))
        })
        .collect()
}

/// Records the decision on a pending item; false when it was decided meanwhile.
pub async fn decide(
    tx: &mut Tx,
    id: &str,
    decision: &str,
    reason: &str,
    by: &str,
    at: i64,
    referral: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE online_items SET decision = $1, decision_reason = $2, decided_by = $3,
             decided_at = $4, referral_id = $5
         WHERE id = $6 AND decision = ''",
    )
    .bind(decision)
    .bind(reason)
    .bind(by)
    .bind(at)
    .bind(referral)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A referral as stored.
#[derive(Debug, Clone, Default)]
pub struct ReferralRow {
    pub id: String,
    pub platform: String,
    pub url_key: String,
    pub url: String,
    pub item_id: String,
    pub owner_agency: String,
    pub show_referrer: bool,
    pub category: String,
    pub reasons: String,
    pub trusted_flagger: bool,
    pub notifier_name: String,
    pub notifier_email: String,
    pub status: String,
    pub recheck_on: String,
    pub referred_at: i64,
    pub resolved_at: i64,
    pub created_by: String,
}

const REFERRAL_COLUMNS: &[&str] = &[
    "id",
    "platform",
    "url_key",
    "url",
    "item_id",
    "owner_agency",
    "show_referrer",
    "category",
    "reasons",
    "trusted_flagger",
    "notifier_name",
    "notifier_email",
    "status",
    "recheck_on",
    "referred_at",
    "resolved_at",
    "created_by",
];

fn referral_of(r: &AnyRow) -> Result<ReferralRow> {
    Ok(ReferralRow {
        id: r.try_get("id")?,
        platform: r.try_get("platform")?,
        url_key: r.try_get("url_key")?,
        url: r.try_get("url")?,
        item_id: r.try_get("item_id")?,
        owner_agency: r.try_get("owner_agency")?,
        show_referrer: r.try_get::<i64, _>("show_referrer")? != 0,
        category: r.try_get("category")?,
        reasons: r.try_get("reasons")?,
        trusted_flagger: r.try_get::<i64, _>("trusted_flagger")? != 0,
        notifier_name: r.try_get("notifier_name")?,
        notifier_email: r.try_get("notifier_email")?,
        status: r.try_get("status")?,
        recheck_on: r.try_get("recheck_on")?,
        referred_at: r.try_get("referred_at")?,
        resolved_at: r.try_get("resolved_at")?,
        created_by: r.try_get("created_by")?,
    })
}

pub fn referral_rows(rows: &mut Inserts, r: &ReferralRow) {
    rows.row(
        "online_referrals",
        REFERRAL_COLUMNS,
        vec![
            (&r.id).into(),
            (&r.platform).into(),
            (&r.url_key).into(),
            (&r.url).into(),
            (&r.item_id).into(),
            (&r.owner_agency).into(),
            r.show_referrer.into(),
            (&r.category).into(),
            (&r.reasons).into(),
            r.trusted_flagger.into(),
            (&r.notifier_name).into(),
            (&r.notifier_email).into(),
            (&r.status).into(),
            (&r.recheck_on).into(),
            r.referred_at.into(),
            r.resolved_at.into(),
            (&r.created_by).into(),
        ],
    );
}

fn referral_select() -> String {
    format!(
        "SELECT {} FROM online_referrals",
        REFERRAL_COLUMNS.join(", ")
    )
}

/// The referral of `url_key` on `platform`, whoever made it.
pub async fn referral_at(
    conn: &mut Conn,
    platform: &str,
    url_key: &str,
) -> Result<Option<ReferralRow>> {
    let sql = format!("{} WHERE platform = $1 AND url_key = $2", referral_select());
    let row = sqlx::query(&sql)
        .bind(platform)
        .bind(url_key)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(referral_of).transpose()
}

pub async fn referral(conn: &mut Conn, id: &str) -> Result<Option<ReferralRow>> {
    let sql = format!("{} WHERE id = $1", referral_select());
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(referral_of).transpose()
}

/// The newest `limit` referrals of the partnership.
pub async fn referrals(conn: &mut Conn, limit: i64) -> Result<Vec<ReferralRow>> {
    let sql = format!(
        "{} ORDER BY referred_at DESC, id DESC LIMIT $1",
        referral_select()
    );
    let rows = sqlx::query(&sql).bind(limit).fetch_all(conn).await?;
    rows.iter().map(referral_of).collect()
}

/// The agencies supporting the referrals `ids`: `(referral, agency, shown)`, each once.
pub async fn supporters(conn: &mut Conn, ids: &[&str]) -> Result<Vec<(String, String, bool)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let list: Vec<String> = ids.iter().map(|i| binds.text(i)).collect();
    let sql = format!(
        "SELECT referral_id, agency, MAX(shown) AS shown FROM online_referral_supporters
         WHERE referral_id IN ({}) GROUP BY referral_id, agency ORDER BY referral_id, agency",
        list.join(", ")
    );
    let rows = binds.bind_all(sqlx::query(&sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("referral_id")?,
                r.try_get("agency")?,
                r.try_get::<i64, _>("shown")? != 0,
            ))
        })
        .collect()
}

pub fn supporter_row(
    rows: &mut Inserts,
    referral: &str,
    agency: &str,
    item: &str,
    at: i64,
    shown: bool,
) {
    rows.row(
        "online_referral_supporters",
        &["referral_id", "agency", "item_id", "joined_at", "shown"],
        vec![
            referral.into(),
            agency.into(),
            item.into(),
            at.into(),
            shown.into(),
        ],
    );
}

/// An answer of the platform, or its silence, as recorded.
#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub status: String,
    pub reason: String,
    pub checked_on: String,
    pub recheck_on: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

pub async fn outcomes(conn: &mut Conn, referral: &str) -> Result<Vec<OutcomeRow>> {
    let rows = sqlx::query(
        "SELECT status, reason, checked_on, recheck_on, recorded_by, recorded_at
         FROM online_outcomes WHERE referral_id = $1 ORDER BY position",
    )
    .bind(referral)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutcomeRow {
                status: r.try_get("status")?,
                reason: r.try_get("reason")?,
                checked_on: r.try_get("checked_on")?,
                recheck_on: r.try_get("recheck_on")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

/// Appends an outcome and sets the referral's status, re-check date and, the first time it
/// is gone, when; false when the referral's status changed meanwhile.
pub async fn add_outcome(
    tx: &mut Tx,
    referral: &str,
    was: &str,
    o: &OutcomeRow,
    resolved_at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE online_referrals SET status = $1, recheck_on = $2,
             resolved_at = CASE WHEN resolved_at = 0 THEN $3 ELSE resolved_at END
         WHERE id = $4 AND status = $5",
    )
    .bind(&o.status)
    .bind(&o.recheck_on)
    .bind(resolved_at)
    .bind(referral)
    .bind(was)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO online_outcomes (referral_id, position, status, reason, checked_on,
             recheck_on, recorded_by, recorded_at)
         SELECT $1, COUNT(*), $2, $3, $4, $5, $6, $7 FROM online_outcomes WHERE referral_id = $1",
    )
    .bind(referral)
    .bind(&o.status)
    .bind(&o.reason)
    .bind(&o.checked_on)
    .bind(&o.recheck_on)
    .bind(&o.recorded_by)
    .bind(o.recorded_at)
    .execute(tx.conn())
    .await?;
    Ok(true)
}

pub fn bank_rows(rows: &mut Inserts, referral: &str, hashes: &[String], agency: &str, at: i64) {
    for (n, h) in hashes.iter().enumerate() {
        rows.row(
            "online_bank",
            &["referral_id", "position", "pdq", "agency", "added_at"],
            vec![
                referral.into(),
                (n as i64).into(),
                h.into(),
                agency.into(),
                at.into(),
            ],
        );
    }
}

/// The bank from `from` (`added_at`): `(referral, position, pdq, agency, shown, added_at)` in
/// order, `shown` whether the referral names its referrer to the others.
pub async fn bank_since(
    conn: &mut Conn,
    from: i64,
) -> Result<Vec<(String, i64, String, String, bool, i64)>> {
    let rows = sqlx::query(
        "SELECT b.referral_id, b.position, b.pdq, b.agency, r.show_referrer, b.added_at
         FROM online_bank b JOIN online_referrals r ON r.id = b.referral_id
         WHERE b.added_at >= $1 ORDER BY b.added_at, b.referral_id, b.position",
    )
    .bind(from)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("referral_id")?,
                r.try_get("position")?,
                r.try_get("pdq")?,
                r.try_get("agency")?,
                r.try_get::<i64, _>("show_referrer")? != 0,
                r.try_get("added_at")?,
            ))
        })
        .collect()
}

/// A bank hit as one agency sees it.
#[derive(Debug, Clone)]
pub struct HitRow {
    pub id: String,
    /// The other agency; `None` where it keeps its name from the partners (its referral does).
    pub other_agency: Option<String>,
    pub own_record: String,
    pub distance: i64,
    pub created_at: i64,
}

/// Adds a hit's two rows: `own` is the capturing side `(agency, item)`, `holder` the bank's
/// `(agency, referral, shown)`; each row's `own_record` is `item:<id>` or `referral:<id>`. The
/// capturing side learns the holder's agency only where the holder's referral shows it.
pub fn hit_rows(
    rows: &mut Inserts,
    ids: (&str, &str),
    own: (&str, &str),
    holder: (&str, &str, bool),
    distance: i64,
    at: i64,
) {
    let pair = ids.0;
    let own_record = format!("item:{}", own.1);
    let holder_record = format!("referral:{}", holder.1);
    for (id, agency, record, other, shown) in [
        (ids.0, own.0, own_record.as_str(), holder.0, holder.2),
        (ids.1, holder.0, holder_record.as_str(), own.0, true),
    ] {
        rows.row(
            "online_bank_hits",
            &[
                "id",
                "pair",
                "agency",
                "other_agency",
                "own_record",
                "distance",
                "created_at",
                "other_shown",
            ],
            vec![
                id.into(),
                pair.into(),
                agency.into(),
                other.into(),
                record.into(),
                distance.into(),
                at.into(),
                shown.into(),
            ],
        );
    }
}

pub async fn hits(conn: &mut Conn, agency: &str) -> Result<Vec<HitRow>> {
    let rows = sqlx::query(
        "SELECT id, other_agency, other_shown, own_record, distance, created_at
         FROM online_bank_hits WHERE agency = $1 ORDER BY created_at DESC, id LIMIT 500",
    )
    .bind(agency)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let shown = r.try_get::<i64, _>("other_shown")? != 0;
            let other: String = r.try_get("other_agency")?;
            Ok(HitRow {
                id: r.try_get("id")?,
                other_agency: shown.then_some(other),
                own_record: r.try_get("own_record")?,
                distance: r.try_get("distance")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Moves a referral's times back (the demo's referrals, made over past weeks).
pub async fn backdate(tx: &mut Tx, id: &str, referred_at: i64, resolved_at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE online_referrals SET referred_at = $1,
             resolved_at = CASE WHEN resolved_at = 0 THEN 0 ELSE $2 END WHERE id = $3",
    )
    .bind(referred_at)
    .bind(resolved_at)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}
