//! The cooperation pillar's reference data, which every installation has: Eurostat's return
//! statistics (`data/eurostat-returns`), the decree's quota totals (`data/italy-quotas`), each
//! with its PROVENANCE.md, and the first index policy (`data/cooperation-policy.json`); and
//! the demo's hand-entered values of the partnership's joint work (illustrative).

use accordo_service::demo::command_line_ctx;
use accordo_service::{Platform, Result, ServiceError, audit, new_id};
use serde_json::json;

use crate::store::{self as coop, ManualValueRow, OfficialRow, PolicyRow, QuotaTotalRow};

pub const EUROSTAT_CSV: &str =
    include_str!("../data/eurostat-returns/eurostat_returns_by_citizenship.csv");
pub const QUOTAS_CSV: &str = include_str!("../data/italy-quotas/quotas.csv");
pub const POLICY_JSON: &str = include_str!("../data/cooperation-policy.json");

fn bad_data(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::invalid("reference data", format!("{what}: {e}"))
}

/// Eurostat's figures, as published (empty cells stay unknown).
pub fn official_rows() -> Result<Vec<OfficialRow>> {
    let mut reader = csv::Reader::from_reader(EUROSTAT_CSV.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad_data("eurostat csv", e))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(year), Some(geo), Some(cit), Some(ord), Some(ret), Some(third), Some(src)) = (
        col("year"),
        col("geo"),
        col("citizenship"),
        col("ordered_to_leave"),
        col("returned"),
        col("returned_to_third_country"),
        col("source"),
    ) else {
        return Err(bad_data("eurostat csv", "a column is missing"));
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| bad_data("eurostat csv", e))?;
        let num = |c: usize| r.get(c).and_then(|v| v.parse::<i64>().ok());
        out.push(OfficialRow {
            year: num(year)
                .ok_or_else(|| bad_data("eurostat csv", format!("line {}: year", i + 2)))?,
            geo: r.get(geo).unwrap_or_default().to_owned(),
            citizenship: r.get(cit).unwrap_or_default().to_owned(),
            ordered_to_leave: num(ord),
            returned: num(ret),
            returned_to_third_country: num(third),
            source: format!(
                "Eurostat migr_eiord/migr_eirtn via {}",
                r.get(src).unwrap_or_default()
            ),
        });
    }
    Ok(out)
}

/// The note of the first index policy, written with every installation (its words are in the
/// catalogues, `cooperation-first-policy-note`, for readers of every language).
pub const FIRST_POLICY_NOTE: &str = "First policy: the platform's own records weigh 85%, official statistics 5%, the partnership's joint work 10%.";

/// The decree's quota totals, as found (see data/italy-quotas/PROVENANCE.md).
pub fn quota_rows() -> Result<Vec<QuotaTotalRow>> {
    let sources = [
        ("A", "lavorosi.it on the DPCM of 2 Oct 2025"),
        ("B", "winenews.it quoting Palazzo Chigi, July 2025"),
        (
            "C",
            "joint circular of 16 Oct 2025, via studioviglionelibretti.it",
        ),
        ("D", "gdc.ancidigitale.it"),
        ("E", "Nota 64 of 12 Jan 2026, via edotto.com"),
        ("F", "DPCM 2023 via ciservi.it"),
        ("G", "difesapopolo.it"),
    ];
    let mut reader = csv::Reader::from_reader(QUOTAS_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| bad_data("quotas csv", e))?;
        let field = |n: usize| r.get(n).unwrap_or_default().to_owned();
        let quota = field(3)
            .parse::<i64>()
            .map_err(|_| bad_data("quotas csv", format!("line {}: quota", i + 2)))?;
        let letter = field(4);
        let source = sources
            .iter()
            .find(|(l, _)| *l == letter)
            .map_or(letter.clone(), |(l, s)| format!("{l}: {s}"));
        out.push(QuotaTotalRow {
            period: field(0),
            category: field(1),
            subcategory: field(2),
            quota,
            source,
        });
    }
    Ok(out)
}

/// Writes the reference figures (official statistics, quota totals) and the first index
/// policy, if absent. Every installation has them.
async fn write_reference(platform: &Platform, tx: &mut accordo_store::Tx) -> Result<()> {
    for row in official_rows()? {
        coop::upsert_official(tx, &row).await?;
    }
    for row in quota_rows()? {
        coop::upsert_quota_total(tx, &row).await?;
    }
    let policy: accordo_cooperation::Policy = serde_json::from_str(POLICY_JSON)
        .map_err(|e| bad_data("data/cooperation-policy.json", e))?;
    policy
        .validate()
        .map_err(|e| bad_data("data/cooperation-policy.json", e))?;
    let mut conn = platform.store.read().await?;
    let none_yet = coop::policies(&mut conn).await?.is_empty();
    drop(conn);
    if none_yet {
        coop::insert_policy(
            tx,
            &PolicyRow {
                version: 1,
                policy: serde_json::to_string(&policy).unwrap_or_default(),
                note: FIRST_POLICY_NOTE.into(),
                created_at: platform.now_us(),
                created_by: "cli".into(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Writes the reference figures and the first policy once (an installation from before the
/// returns pillar gets them too).
pub async fn reference(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let no_quotas = coop::quota_totals(&mut conn).await?.is_empty();
    drop(conn);
    if !no_quotas {
        return Ok(());
    }
    let mut tx = platform.store.write().await?;
    write_reference(platform, &mut tx).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        &command_line_ctx(),
        "system.reference_statistics",
        "quota_total",
        None,
        json!({"official_statistics": official_rows()?.len(), "quota_totals": quota_rows()?.len()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// The demo's hand-entered values of the partnership's joint work.
pub async fn seed(platform: &Platform) -> Result<()> {
    let now = platform.now_us();
    let today = accordo_returns_app::service::host_today(platform);
    let mut tx = platform.store.write().await?;
    // The partnership's joint work, as the ministry would enter it (illustrative values).
    // Joint training is counted from the intel pillar's course register (its demo has them).
    for (country, campaigns) in [("PAK", 2), ("TUN", 4), ("TUR", 1)] {
        for (indicator, value) in [("awareness_campaigns", campaigns)] {
            coop::insert_manual_value(
                &mut tx,
                &ManualValueRow {
                    id: new_id(),
                    partner_country: country.into(),
                    year: i64::from(today.year()),
                    indicator: indicator.into(),
                    value: value.to_string(),
                    // Written by the Italian ministry's analyst, in Italian.
                    source: "voce dimostrativa: illustrativa, non è una statistica".into(),
                    created_at: now,
                    created_by: "ita.analyst".into(),
                },
            )
            .await?;
        }
    }
    let audited = audit::record(
        platform,
        &mut tx,
        &command_line_ctx(),
        "system.demo_cooperation",
        "cooperation_indicator",
        None,
        json!({"manual_values": 6}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}
