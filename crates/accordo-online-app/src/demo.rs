//! The demo's referral units at work: Italy's police (IT-PS) and Turkey's coast guard (TR-SG)
//! capture posts (the synthetic posts of the labelled set in `accordo-online`, every name,
//! number and account made up), refer the adverts, dismiss ordinary posts, and record what the
//! platforms did over the past weeks; Turkey captures one address Italy already referred, and
//! joins its referral.

use accordo_service::{Platform, Result};

use crate::service::{self, Decision, NewItem, NewOutcome, rfc3339};
use crate::store;

/// The labelled set of synthetic posts, shared with the score's tests.
const POSTS: &str = include_str!("../../accordo-online/tests/labelled/posts.jsonl");

use accordo_service::demo::ctx_of;

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

/// Writes the demo's captures, referrals and outcomes once.
pub async fn seed(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let any = store::items(&mut conn, "IT-PS", 1).await?;
    drop(conn);
    if !any.is_empty() {
        return Ok(());
    }
    let ita = ctx_of(platform, "ita.officer").await?;
    let tur = ctx_of(platform, "tur.officer").await?;
    let now = platform.now_us();
    let platforms = ["facebook", "tiktok", "telegram", "instagram"];
    let posts: Vec<serde_json::Value> = POSTS
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut referred: Vec<(String, &str, i64)> = Vec::new();
    for (n, p) in posts.iter().enumerate() {
        let advert = p["advert"].as_bool().unwrap_or(false);
        // Italy captures the posts in Italian, Arabic, Urdu, Pashto, Bengali, Tigrinya,
        // French and English; Turkey those in Turkish.
        let lang = p["lang"].as_str().unwrap_or_default();
        let who = if lang == "tur" { &tur } else { &ita };
        let platform_name = platforms[n % platforms.len()];
        let captured = now - (40 - (n as i64 % 40)) * DAY;
        let url = match platform_name {
            "telegram" => format!("https://t.me/demo_channel_{n}/{}", 100 + n),
            "tiktok" => format!(
                "https://www.tiktok.com/@demo_account_{n}/video/{}",
                7_300_000_000_000_000_000u64 + n as u64
            ),
            "instagram" => format!("https://www.instagram.com/p/DEMO{n:04}/"),
            _ => format!(
                "https://www.facebook.com/groups/demo{n}/posts/{}",
                900_000 + n
            ),
        };
        let item = service::capture(
            platform,
            who,
            &NewItem {
                url,
                platform: platform_name.into(),
                account: format!("demo_account_{n}"),
                captured_at: rfc3339(captured),
                language: None,
                text: p["text"].as_str().unwrap_or_default().to_owned(),
                images: Vec::new(),
            },
        )
        .await?;
        // Every third post waits for review; the rest are decided.
        if n % 3 == 2 {
            continue;
        }
        let decision = if advert {
            Decision {
                decision: "refer".into(),
                reason: "Offers an irregular crossing to Europe for payment, with a contact: \
                         facilitation of unauthorised entry (Directive 2002/90/EC)."
                    .into(),
                category: "smuggling_offer".into(),
                show_referrer: n % 2 == 0,
                trusted_flagger: who.actor.agency.as_str() == "IT-PS",
                notifier_email: format!(
                    "iru.{}@example.org",
                    who.actor.agency.as_str().to_lowercase()
                ),
            }
        } else {
            Decision {
                decision: "dismiss".into(),
                reason: "An ordinary post: no offer of a crossing.".into(),
                ..Default::default()
            }
        };
        let decided = service::decide(platform, who, &item.summary.id, &decision).await?;
        if let Some(r) = decided.referral.filter(|r| r.own) {
            referred.push((r.id, platform_name, captured));
        }
    }
    // What the platforms did: most removed within hours or days, some geo-blocked, one
    // refused, the rest silent and to be checked again.
    let mut backdated = Vec::new();
    for (i, (id, platform_name, captured)) in referred.iter().enumerate() {
        let referred_at = captured + 2 * HOUR;
        let (status, after) = match (platform_name, i % 5) {
            (_, 4) => ("no_answer", 0),
            (&"telegram", _) if i % 3 == 0 => ("refused", 0),
            (&"tiktok", _) => ("removed", 5 * HOUR + (i as i64 % 4) * 7 * HOUR),
            (&"facebook", _) => ("removed", 30 * HOUR + (i as i64 % 3) * 20 * HOUR),
            (&"instagram", _) if i % 2 == 0 => ("geo_blocked", 3 * DAY),
            _ => ("removed", 4 * DAY + (i as i64 % 3) * DAY),
        };
        backdated.push((id.clone(), status, referred_at, after));
    }
    for (id, status, referred_at, after) in &backdated {
        let checked = if *after > 0 {
            referred_at + after
        } else {
            referred_at + 3 * DAY
        };
        let day = |us: i64| {
            jiff::Timestamp::from_microsecond(us)
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
                .unwrap_or_default()
        };
        let owner = if service::referrals(platform, &ita)
            .await?
            .iter()
            .any(|r| r.id == *id && r.own)
        {
            &ita
        } else {
            &tur
        };
        service::record_outcome(
            platform,
            owner,
            id,
            &NewOutcome {
                status: (*status).into(),
                reason: if *status == "refused" {
                    "The platform found no violation of its terms.".into()
                } else {
                    String::new()
                },
                checked_on: day(checked.min(now)),
                recheck_on: if *status == "removed" {
                    String::new()
                } else {
                    day(checked.min(now) + 7 * DAY)
                },
            },
        )
        .await?;
    }
    // The referrals were made and answered over the past weeks: their times moved back, so
    // that the time to removal shows (one audited write).
    let mut tx = platform.store.write().await?;
    for (id, _, referred_at, after) in &backdated {
        store::backdate(
            &mut tx,
            id,
            *referred_at,
            if *after > 0 { referred_at + after } else { 0 },
        )
        .await?;
    }
    let audited = accordo_service::audit::record(
        platform,
        &mut tx,
        &ita,
        "online_referral.demo_backdate",
        crate::policy::ONLINE_REFERRAL.kind,
        None,
        serde_json::json!({"referrals": backdated.len()}),
    )
    .await?;
    tx.commit(audited).await?;
    // Turkey meets one of Italy's referred addresses again: it joins Italy's referral.
    if let Some(first) = service::referrals(platform, &ita)
        .await?
        .into_iter()
        .find(|r| r.own)
    {
        let item = service::capture(
            platform,
            &tur,
            &NewItem {
                url: first.url.clone(),
                platform: first.platform.clone(),
                account: "demo_account_repost".into(),
                captured_at: rfc3339(now - DAY),
                language: None,
                text: "Re-posted: boat trip to Italy, places limited, write now".into(),
                images: Vec::new(),
            },
        )
        .await?;
        service::decide(
            platform,
            &tur,
            &item.summary.id,
            &Decision {
                decision: "refer".into(),
                reason: "The same smuggling offer, captured by Turkey's unit.".into(),
                category: "smuggling_offer".into(),
                show_referrer: true,
                trusted_flagger: false,
                notifier_email: "iru.tr-sg@example.org".into(),
            },
        )
        .await?;
    }
    Ok(())
}
