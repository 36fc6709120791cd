//! The cooperation index and the legal-entry quotas it allocates.
//!
//! Indicators come from the platform's own records where it holds them (readmission
//! requests to the partner's authorities, their replies, travel documents, returns), from
//! official statistics where it does not (Eurostat), and from values the ministry enters
//! with their source. A versioned policy (`accordo_cooperation::Policy`) turns them into a
//! score that lists how each indicator contributed. Quotas reserved for cooperating
//! countries are divided by those scores with an exact apportionment method; a what-if
//! writes nothing, a published allocation is immutable and audited.

use std::collections::{BTreeMap, HashMap};

use crate::store::{self as store, AllocationRow, ManualValueRow, PolicyRow, QuotaTotalRow};
use accordo_cooperation::{Claim, Method, Policy, Score, apportion};
use accordo_domain::access::{Action, Addressee, Resource};
use accordo_domain::{AgencyCode, CountryCode, Handling, RecordScope, can};
use accordo_returns::Terms;
use accordo_returns::agreement::{Pause, days_between};
use accordo_returns_app::measured as returns_store;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};

use crate::policy;

/// A policy version as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyVersion {
    pub version: i64,
    #[schema(value_type = Object)]
    pub policy: Policy,
    pub note: String,
    pub created_at: i64,
    pub created_by: String,
}

fn version_of(row: PolicyRow) -> Result<PolicyVersion> {
    let policy: Policy = serde_json::from_str(&row.policy).map_err(|e| {
        ServiceError::invalid(
            "policy",
            format!("stored policy {} is unreadable: {e}", row.version),
        )
    })?;
    Ok(PolicyVersion {
        version: row.version,
        policy,
        note: row.note,
        created_at: row.created_at,
        created_by: row.created_by,
    })
}

/// Every policy version, newest first.
pub async fn policies(platform: &Platform, ctx: &Ctx) -> Result<Vec<PolicyVersion>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::COOPERATION_POLICY),
    )?;
    let mut conn = platform.store.read().await?;
    store::policies(&mut conn)
        .await?
        .into_iter()
        .map(version_of)
        .collect()
}

async fn policy_version(platform: &Platform, version: Option<i64>) -> Result<PolicyVersion> {
    let mut conn = platform.store.read().await?;
    let row = match version {
        Some(v) => store::policy(&mut conn, v).await?,
        None => store::policies(&mut conn).await?.into_iter().next(),
    };
    let row = row.ok_or_else(|| match version {
        Some(v) => {
            ServiceError::invalid("policy_version", format!("there is no policy version {v}"))
        }
        None => ServiceError::refused_value(
            "policy_version",
            "no-policy",
            Vec::new(),
            "no policy has been set",
        ),
    })?;
    version_of(row)
}

/// Makes a new policy version; the old ones stay, so every old score can be reproduced.
pub async fn new_policy(
    platform: &Platform,
    ctx: &Ctx,
    policy_in: Policy,
    note: &str,
) -> Result<PolicyVersion> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::COOPERATION_POLICY),
    )?;
    policy_in
        .validate()
        .map_err(|e| ServiceError::invalid("policy", e.to_string()))?;
    if note.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "note",
            "policy-note",
            Vec::new(),
            "say why the policy changes",
        ));
    }
    let mut conn = platform.store.read().await?;
    let latest = store::policies(&mut conn)
        .await?
        .first()
        .map_or(0, |p| p.version);
    drop(conn);
    let row = PolicyRow {
        version: latest + 1,
        policy: serde_json::to_string(&policy_in).unwrap_or_default(),
        note: note.trim().to_owned(),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_policy(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "cooperation_policy.create",
        policy::COOPERATION_POLICY.kind,
        Some(&row.version.to_string()),
        json!({"policy": policy_in, "note": row.note}),
    )
    .await?;
    tx.commit(audited).await?;
    version_of(row)
}

/// One partner's score for a year, with its inputs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerScore {
    pub country: String,
    pub country_name: String,
    pub year: i32,
    pub policy_version: i64,
    /// The indicator values (absent when the partner has none).
    pub values: BTreeMap<String, f64>,
    /// Where each value comes from, in English words.
    pub sources: BTreeMap<String, String>,
    /// The same as messages of the catalogues (`{id, args}`), for a reader of another
    /// language.
    #[schema(value_type = Object)]
    pub source_messages: BTreeMap<String, serde_json::Value>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub score: Score,
}

fn median(mut v: Vec<i64>) -> Option<f64> {
    v.sort_unstable();
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2] as f64),
        n => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

/// The years a score or an allocation may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn check_year(year: i32) -> Result<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "year",
            format!(
                "a year between {} and {}, not {year}",
                YEARS.start(),
                YEARS.end()
            ),
        ))
    }
}

fn year_bounds_us(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        i16::try_from(y)
            .ok()
            .and_then(|y| Date::new(y, 1, 1).ok())
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map_or(0, |z| z.timestamp().as_microsecond())
    };
    (start(year), start(year + 1))
}

/// The partners measured: every country with a readmission agreement.
async fn partners(platform: &Platform) -> Result<Vec<(String, Vec<String>)>> {
    let mut conn = platform.store.read().await?;
    let mut by_country: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in returns_store::agreements(&mut conn).await? {
        by_country
            .entry(a.partner_country)
            .or_default()
            .push(a.authority_agency);
    }
    Ok(by_country.into_iter().collect())
}

/// A value another pillar measures for the index: the partner's value, its source in English
/// words, and the same as a message of the catalogues (`{id, args}`).
#[derive(Debug, Clone)]
pub struct Contributed {
    pub value: f64,
    pub english: String,
    pub message: serde_json::Value,
}

/// What a [`Contributor`] answers: the values by partner country (ISO 3166-1 alpha-3).
pub type ContributedValues<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<BTreeMap<String, Contributed>>> + Send + 'a>,
>;

/// The values of one indicator for `year` by partner country.
pub type Contributor = for<'a> fn(&'a Platform, i32) -> ContributedValues<'a>;

/// The indicators other pillars measure, registered by them when the platform starts (a
/// pillar composed after this one, whose records this one cannot name): `(indicator, how)`.
#[derive(Default)]
pub struct Contributors(std::sync::RwLock<Vec<(&'static str, Contributor)>>);

/// Registers `indicator`, measured by `how` (a pillar's `prepare` hook calls it); a second
/// registration of one indicator replaces the first.
pub fn contribute(platform: &Platform, indicator: &'static str, how: Contributor) {
    let contributors = platform.state::<Contributors>();
    let mut list = contributors.0.write().unwrap_or_else(|e| e.into_inner());
    list.retain(|(id, _)| *id != indicator);
    list.push((indicator, how));
}

/// The indicator values of every partner for `year`, as of today.
/// Each partner's indicator values, and their sources (English words and a message).
type Sources = BTreeMap<String, (String, serde_json::Value)>;

async fn indicator_values(
    platform: &Platform,
    year: i32,
) -> Result<Vec<(String, BTreeMap<String, f64>, Sources)>> {
    let (from_us, to_us) = year_bounds_us(year);
    let partners = partners(platform).await?;
    // The authorities' zones, read once for every request.
    let zones: HashMap<String, String> = accordo_store::accounts::list_agencies(&platform.store)
        .await?
        .into_iter()
        .map(|a| (a.code, a.time_zone))
        .collect();
    let mut conn = platform.store.read().await?;
    let returns: HashMap<String, (i64, i64)> =
        returns_store::returns_by_nationality(&mut conn, i64::from(year))
            .await?
            .into_iter()
            .map(|(c, d, e)| (c, (d, e)))
            .collect();
    let official = store::official(&mut conn, "IT").await?;
    let manual: Vec<ManualValueRow> = store::manual_values(&mut conn, i64::from(year)).await?;
    drop(conn);
    // Joint courses begun in the year, up to today (the host state's calendar).
    let today = accordo_returns_app::service::host_today(platform);
    let last = if today.year() as i32 == year {
        today.to_string()
    } else {
        format!("{year}-12-31")
    };
    let trainings = accordo_intel_app::service::training::joint_by_country(
        platform,
        &format!("{year:04}-01-01"),
        &last,
    )
    .await?;
    let contributors: Vec<(&'static str, Contributor)> = platform
        .state::<Contributors>()
        .0
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut contributed: Vec<(&'static str, BTreeMap<String, Contributed>)> = Vec::new();
    for (indicator, how) in contributors {
        contributed.push((indicator, how(platform, year).await?));
    }
    let mut conn = platform.store.read().await?;
    let mut out = Vec::new();
    for (country, authorities) in partners {
        let mut values = BTreeMap::new();
        // Each indicator's source: its English words, and its message of the catalogues.
        let mut sources = Sources::new();
        let mut note = |indicator: &str, english: String, id: &str, args: serde_json::Value| {
            sources.insert(
                indicator.to_owned(),
                (english, json!({"id": id, "args": args})),
            );
        };
        let mut requests = Vec::new();
        for authority in &authorities {
            requests
                .extend(returns_store::requests_to(&mut conn, authority, from_us, to_us).await?);
        }
        let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
        let pauses = returns_store::pauses(&mut conn, &ids).await?;
        let (mut due, mut in_time, mut answered, mut confirmed, mut documents) =
            (0u32, 0u32, 0u32, 0u32, 0u32);
        // Acceptances by silence: no reply, so not answered; but a travel document issued
        // after one counts.
        let mut deemed = 0u32;
        let mut reply_days = Vec::new();
        for r in &requests {
            let tz = zones.get(&r.partner_agency).map_or("UTC", String::as_str);
            let today = accordo_returns_app::service::today_in(platform, tz);
            let Ok(terms) = serde_json::from_str::<Terms>(&r.terms) else {
                continue;
            };
            let sent: Date = r.sent_on.parse().unwrap_or(today);
            let own: Vec<Pause> = pauses
                .iter()
                .filter(|p| p.request_id == r.id)
                .filter_map(|p| {
                    Some(Pause {
                        from: p.from_on.parse().ok()?,
                        until: p.until_on.as_deref().and_then(|u| u.parse().ok()),
                    })
                })
                .collect();
            let deadline = terms.deadline(sent, &own, r.extended, today);
            let replied: Option<Date> = r.replied_on.as_deref().and_then(|d| d.parse().ok());
            if replied.is_some() || today > deadline.date {
                due += 1;
            }
            if r.status == "deemed_accepted" {
                deemed += 1;
                if r.travel_document_number.is_some() {
                    documents += 1;
                }
            }
            if let Some(on) = replied {
                answered += 1;
                reply_days.push(days_between(sent, on));
                if r.late == Some(false) {
                    in_time += 1;
                }
                if r.status == "confirmed" {
                    confirmed += 1;
                    if r.travel_document_number.is_some() {
                        documents += 1;
                    }
                }
            }
        }
        let n = requests.len();
        if due > 0 {
            values.insert(
                "answered_in_time".into(),
                f64::from(in_time) / f64::from(due),
            );
            note(
                "answered_in_time",
                format!(
                    "{in_time} of {due} requests due in {year} answered by the deadline ({n} sent)"
                ),
                "cooperation-source-answered-in-time",
                json!({"in_time": in_time, "due": due, "year": year.to_string(), "sent": n}),
            );
        }
        if let Some(m) = median(reply_days) {
            values.insert("median_reply_days".into(), m);
            note(
                "median_reply_days",
                format!("median over {answered} replies"),
                "cooperation-source-median",
                json!({"answered": answered}),
            );
        }
        if answered > 0 {
            values.insert(
                "identification_rate".into(),
                f64::from(confirmed) / f64::from(answered),
            );
            note(
                "identification_rate",
                format!("{confirmed} confirmed of {answered} answered"),
                "cooperation-source-identification",
                json!({"confirmed": confirmed, "answered": answered}),
            );
        }
        if confirmed + deemed > 0 {
            values.insert(
                "travel_documents_per_confirmation".into(),
                f64::from(documents) / f64::from(confirmed + deemed),
            );
            note(
                "travel_documents_per_confirmation",
                format!(
                    "{documents} travel documents for {confirmed} confirmations and {deemed} acceptances by silence"
                ),
                "cooperation-source-travel-documents",
                json!({"documents": documents, "confirmed": confirmed, "deemed": deemed}),
            );
        }
        if let Some((decided, executed)) = returns.get(&country).filter(|(d, _)| *d > 0) {
            values.insert(
                "returns_per_decision".into(),
                *executed as f64 / *decided as f64,
            );
            note(
                "returns_per_decision",
                format!(
                    "{executed} returns executed for {decided} return decisions of {year} on the platform"
                ),
                "cooperation-source-returns",
                json!({"executed": executed, "decided": decided, "year": year.to_string()}),
            );
        }
        if let Some(o) = official
            .iter()
            .filter(|o| o.citizenship == country && o.year <= i64::from(year))
            .filter_map(|o| Some((o, o.ordered_to_leave.filter(|v| *v > 0)?, o.returned?)))
            .max_by_key(|(o, _, _)| o.year)
        {
            let (row, ordered, returned) = o;
            values.insert(
                "eurostat_return_rate".into(),
                returned as f64 / ordered as f64,
            );
            note(
                "eurostat_return_rate",
                format!(
                    "Eurostat {}: {returned} returned / {ordered} ordered to leave from Italy (latest year with both; not a cohort)",
                    row.year
                ),
                "cooperation-source-eurostat",
                json!({"year": row.year.to_string(), "returned": returned, "ordered": ordered}),
            );
        }
        if let Some((courses, trainees)) = trainings.get(&country) {
            values.insert("joint_trainings".into(), *courses as f64);
            note(
                "joint_trainings",
                format!(
                    "{courses} joint courses begun in {year} with the partner's agencies ({trainees} of its officers trained), from the training register"
                ),
                "cooperation-source-trainings",
                json!({"courses": courses, "trainees": trainees, "year": year.to_string()}),
            );
        }
        // Entered by hand: the indicators that are (an entry made before one was computed
        // from the platform's records is kept, and no longer counts).
        for m in manual.iter().filter(|m| {
            m.partner_country == country
                && accordo_cooperation::index::indicator(&m.indicator)
                    .is_some_and(|k| k.source == accordo_cooperation::index::Source::Manual)
        }) {
            if let Ok(v) = m.value.parse::<f64>() {
                // Later entries replace earlier ones (the rows come oldest first).
                values.insert(m.indicator.clone(), v);
                note(
                    &m.indicator,
                    format!("entered by {}: {}", m.created_by, m.source),
                    "cooperation-source-manual",
                    json!({"user": m.created_by, "source": m.source}),
                );
            }
        }
        // Measured by another pillar.
        for (indicator, values_of) in &contributed {
            if let Some(c) = values_of.get(&country) {
                values.insert((*indicator).to_owned(), c.value);
                sources.insert(
                    (*indicator).to_owned(),
                    (c.english.clone(), c.message.clone()),
                );
            }
        }
        out.push((country, values, sources));
    }
    Ok(out)
}

fn score_scope(operator: &AgencyCode, country: &str) -> Result<RecordScope> {
    let country =
        CountryCode::parse(country).map_err(|e| ServiceError::invalid("country", e.to_string()))?;
    Ok(RecordScope {
        // Scores are the operator's records, shared with each partner about itself.
        owner_agency: operator.clone(),
        handling: Handling::Amber,
        addressees: vec![Addressee::Country(country)],
        subject_user: None,
    })
}

/// The scores of the partners the actor may see for `year` under a policy version (the
/// latest when `None`), best first.
pub async fn scores(
    platform: &Platform,
    ctx: &Ctx,
    year: i32,
    version: Option<i64>,
) -> Result<Vec<PartnerScore>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::COOPERATION_INDEX),
    )?;
    check_year(year)?;
    let policy = policy_version(platform, version).await?;
    let all = compute(platform, year, &policy.policy, policy.version).await?;
    let operator = operator(platform, ctx).await?;
    let mut out = Vec::new();
    for s in all {
        let scope = score_scope(&operator, &s.country)?;
        if can(
            &ctx.actor,
            Action::Read,
            Resource::record(&policy::COOPERATION_INDEX, &scope),
        )
        .is_ok()
        {
            out.push(s);
        }
    }
    Ok(out)
}

async fn compute(
    platform: &Platform,
    year: i32,
    policy: &Policy,
    version: i64,
) -> Result<Vec<PartnerScore>> {
    let mut out: Vec<PartnerScore> = indicator_values(platform, year)
        .await?
        .into_iter()
        .map(|(country, values, noted)| PartnerScore {
            country_name: CountryCode::parse(&country)
                .map(|c| c.name().to_owned())
                .unwrap_or_default(),
            score: policy.score(&values),
            country,
            year,
            policy_version: version,
            values,
            sources: noted
                .iter()
                .map(|(k, (english, _))| (k.clone(), english.clone()))
                .collect(),
            source_messages: noted.into_iter().map(|(k, (_, m))| (k, m)).collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .score
            .total_cmp(&a.score.score)
            .then_with(|| a.country.cmp(&b.country))
    });
    Ok(out)
}

/// A value entered by hand, with its source.
pub async fn enter_value(
    platform: &Platform,
    ctx: &Ctx,
    country: &str,
    year: i32,
    indicator: &str,
    value: f64,
    source: &str,
) -> Result<()> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::COOPERATION_INDICATOR),
    )?;
    let kind = accordo_cooperation::index::indicator(indicator).ok_or_else(|| {
        ServiceError::invalid("indicator", format!("`{indicator}` is not an indicator"))
    })?;
    if kind.source != accordo_cooperation::index::Source::Manual {
        return Err(ServiceError::invalid(
            "indicator",
            format!(
                "`{indicator}` is computed from the platform's records or official statistics, not entered"
            ),
        ));
    }
    let country = CountryCode::parse(country.trim())
        .map_err(|e| ServiceError::invalid("country", e.to_string()))?;
    check_year(year)?;
    if !(value.is_finite() && value >= 0.0) {
        return Err(ServiceError::refused_value(
            "value",
            "non-negative",
            Vec::new(),
            "a number of zero or more",
        ));
    }
    if source.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "source",
            "figure-source",
            Vec::new(),
            "say where the figure comes from",
        ));
    }
    let row = ManualValueRow {
        id: new_id(),
        partner_country: country.to_string(),
        year: i64::from(year),
        indicator: indicator.to_owned(),
        value: value.to_string(),
        source: source.trim().to_owned(),
        created_at: platform.now_us(),
        created_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_manual_value(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "cooperation_indicator.create",
        policy::COOPERATION_INDICATOR.kind,
        Some(&row.id.to_string()),
        json!({"country": row.partner_country, "year": year, "indicator": indicator, "value": value, "source": row.source}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Quota totals as the decree sets them.
pub async fn quota_totals(platform: &Platform, ctx: &Ctx) -> Result<Vec<QuotaTotalRow>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::QUOTA_ALLOCATION),
    )?;
    let mut conn = platform.store.read().await?;
    Ok(store::quota_totals(&mut conn).await?)
}

/// What an allocation is asked to do.
#[derive(Debug, Clone)]
pub struct AllocationInput {
    pub year: i32,
    /// What is divided, e.g. "seasonal agriculture: reserved for cooperating countries".
    pub category: String,
    pub seats: u64,
    pub method: String,
    /// The policy version whose scores weigh the partners (the latest when `None`).
    pub policy_version: Option<i64>,
    /// A what-if: these weights replace the policy's (indicator → weight).
    pub weights: BTreeMap<String, f64>,
    pub floors: BTreeMap<String, u64>,
    pub caps: BTreeMap<String, u64>,
}

/// One partner's line of an allocation.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AllocationLine {
    pub country: String,
    pub country_name: String,
    /// The partner's score; `None` for a reader who may not read that partner's score (a
    /// partner authority sees its own only, as on the index).
    pub score: Option<f64>,
    pub floor: u64,
    pub cap: Option<u64>,
    pub seats: u64,
    #[schema(value_type = Vec<Object>)]
    pub contributions: Vec<accordo_cooperation::index::Contribution>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Allocation {
    /// Set once published.
    pub id: Option<Uuid>,
    pub year: i32,
    pub category: String,
    pub seats: u64,
    pub method: String,
    pub policy_version: i64,
    /// The weights used, when a what-if changed them.
    pub weights: Option<BTreeMap<String, f64>>,
    pub lines: Vec<AllocationLine>,
    pub published_at: Option<i64>,
    pub published_by: Option<String>,
}

async fn allocate(platform: &Platform, input: &AllocationInput) -> Result<Allocation> {
    let method = Method::parse(&input.method).ok_or_else(|| {
        ServiceError::invalid(
            "method",
            format!(
                "`{}` is not a method: expected largest-remainder, dhondt or sainte-lague",
                input.method
            ),
        )
    })?;
    if input.category.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "category",
            "category-needed",
            Vec::new(),
            "say what is divided",
        ));
    }
    check_year(input.year)?;
    let version = policy_version(platform, input.policy_version).await?;
    let mut policy = version.policy.clone();
    let weights = if input.weights.is_empty() {
        None
    } else {
        for (indicator, weight) in &input.weights {
            let line = policy
                .indicators
                .iter_mut()
                .find(|w| &w.indicator == indicator)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "weights",
                        format!("`{indicator}` is not in policy version {}", version.version),
                    )
                })?;
            line.weight = *weight;
        }
        policy
            .validate()
            .map_err(|e| ServiceError::invalid("weights", e.to_string()))?;
        Some(input.weights.clone())
    };
    let scores = compute(platform, input.year, &policy, version.version).await?;
    for code in input.floors.keys().chain(input.caps.keys()) {
        if !scores.iter().any(|s| &s.country == code) {
            return Err(ServiceError::invalid(
                "floors",
                format!("{code} is not a partner with an agreement"),
            ));
        }
    }
    let claims: Vec<Claim> = scores
        .iter()
        .map(|s| Claim {
            code: s.country.clone(),
            weight: s.score.score,
            floor: input.floors.get(&s.country).copied().unwrap_or(0),
            cap: input.caps.get(&s.country).copied(),
        })
        .collect();
    let seats = apportion(method, input.seats, &claims)
        .map_err(|e| ServiceError::invalid("seats", e.to_string()))?;
    Ok(Allocation {
        id: None,
        year: input.year,
        category: input.category.trim().to_owned(),
        seats: input.seats,
        method: method.as_str().to_owned(),
        policy_version: version.version,
        weights,
        lines: scores
            .into_iter()
            .zip(claims)
            .zip(seats)
            .map(|((s, c), seats)| AllocationLine {
                country: s.country,
                country_name: s.country_name,
                score: Some(s.score.score),
                floor: c.floor,
                cap: c.cap,
                seats,
                contributions: s.score.contributions,
            })
            .collect(),
        published_at: None,
        published_by: None,
    })
}

/// What an allocation would give, beside what the policy as it stands gives: writes nothing.
pub async fn what_if(
    platform: &Platform,
    ctx: &Ctx,
    input: AllocationInput,
) -> Result<(Allocation, Allocation)> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::QUOTA_ALLOCATION),
    )?;
    let proposed = allocate(platform, &input).await?;
    let baseline = allocate(
        platform,
        &AllocationInput {
            weights: BTreeMap::new(),
            ..input
        },
    )
    .await?;
    Ok((baseline, proposed))
}

/// Publishes an allocation under a stored policy version: immutable from then on.
pub async fn publish(platform: &Platform, ctx: &Ctx, input: AllocationInput) -> Result<Allocation> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::QUOTA_ALLOCATION),
    )?;
    if !input.weights.is_empty() {
        return Err(ServiceError::refused_value(
            "weights",
            "weights-unstored",
            Vec::new(),
            "a published allocation follows a stored policy version: make the new weights a policy version first",
        ));
    }
    let mut allocation = allocate(platform, &input).await?;
    let now = platform.now_us();
    let row = AllocationRow {
        id: new_id(),
        year: i64::from(allocation.year),
        category: allocation.category.clone(),
        seats: i64::try_from(allocation.seats).unwrap_or(i64::MAX),
        method: allocation.method.clone(),
        policy_version: allocation.policy_version,
        inputs: serde_json::to_string(&allocation.lines).unwrap_or_default(),
        result: serde_json::to_string(
            &allocation
                .lines
                .iter()
                .map(|l| (l.country.clone(), l.seats))
                .collect::<BTreeMap<_, _>>(),
        )
        .unwrap_or_default(),
        published_at: now,
        published_by: ctx.actor.username.clone(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_allocation(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "quota_allocation.publish",
        policy::QUOTA_ALLOCATION.kind,
        Some(&row.id.to_string()),
        json!({"year": row.year, "category": row.category, "seats": row.seats, "method": row.method, "policy_version": row.policy_version, "result": serde_json::from_str::<serde_json::Value>(&row.result).unwrap_or_default()}),
    )
    .await?;
    tx.commit(audited).await?;
    allocation.id = Some(row.id);
    allocation.published_at = Some(now);
    allocation.published_by = Some(row.published_by);
    Ok(allocation)
}

fn allocation_of(row: AllocationRow) -> Allocation {
    Allocation {
        id: Some(row.id),
        year: i32::try_from(row.year).unwrap_or_default(),
        category: row.category,
        seats: u64::try_from(row.seats).unwrap_or_default(),
        method: row.method,
        policy_version: row.policy_version,
        weights: None,
        lines: serde_json::from_str(&row.inputs).unwrap_or_default(),
        published_at: Some(row.published_at),
        published_by: Some(row.published_by),
    }
}

/// The operator agency, whose records the scores are.
async fn operator(platform: &Platform, ctx: &Ctx) -> Result<AgencyCode> {
    Ok(accordo_store::accounts::list_agencies(&platform.store)
        .await?
        .into_iter()
        .find(|a| a.operator)
        .map(|a| AgencyCode::parse(&a.code))
        .transpose()
        .map_err(|e| ServiceError::invalid("agency", e.to_string()))?
        .unwrap_or_else(|| ctx.actor.agency.clone()))
}

/// A published allocation is public to the partnership; the scores behind its lines follow
/// the index's rule (each partner reads its own).
fn redact(mut a: Allocation, ctx: &Ctx, operator: &AgencyCode) -> Allocation {
    for line in &mut a.lines {
        let readable = score_scope(operator, &line.country).is_ok_and(|scope| {
            can(
                &ctx.actor,
                Action::Read,
                Resource::record(&policy::COOPERATION_INDEX, &scope),
            )
            .is_ok()
        });
        if !readable {
            line.score = None;
            line.contributions.clear();
        }
    }
    a
}

/// Published allocations, newest first.
pub async fn allocations(platform: &Platform, ctx: &Ctx) -> Result<Vec<Allocation>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::QUOTA_ALLOCATION),
    )?;
    let operator = operator(platform, ctx).await?;
    let mut conn = platform.store.read().await?;
    Ok(store::allocations(&mut conn)
        .await?
        .into_iter()
        .map(allocation_of)
        .map(|a| redact(a, ctx, &operator))
        .collect())
}

pub async fn allocation(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<Allocation> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::QUOTA_ALLOCATION),
    )?;
    let operator = operator(platform, ctx).await?;
    let mut conn = platform.store.read().await?;
    store::allocation(&mut conn, id)
        .await?
        .map(allocation_of)
        .map(|a| redact(a, ctx, &operator))
        .ok_or_else(|| ServiceError::not_found("quota_allocation", id))
}

/// An allocation as CSV: one line per partner.
pub fn allocation_csv(a: &Allocation) -> String {
    let mut out =
        String::from("year,category,method,policy_version,country,score,floor,cap,quotas\n");
    for l in &a.lines {
        let category = a.category.replace('"', "\"\"");
        out.push_str(&format!(
            "{},\"{category}\",{},{},{},{},{},{},{}\n",
            a.year,
            a.method,
            a.policy_version,
            l.country,
            l.score.map(|v| format!("{v:.2}")).unwrap_or_default(),
            l.floor,
            l.cap.map(|c| c.to_string()).unwrap_or_default(),
            l.seats
        ));
    }
    out
}
