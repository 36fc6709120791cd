//! The directory of specialised anti-smuggling units (the G7 plan's network): who to call in
//! each partner country, for what, in which languages. Every agency of the partnership reads
//! it; each agency keeps its own units (`INTEL_UNIT`).

use accordo_domain::access::{Action, Resource};
use accordo_domain::can;
use accordo_intel::{Kind, check};
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};

use crate::policy;
use crate::store::{self, UnitRow};

/// What a unit may be competent for.
pub const COMPETENCES: [&str; 6] = [
    "migrant-smuggling",
    "trafficking",
    "document-fraud",
    "maritime",
    "online",
    "financial",
];
/// The most languages a unit lists.
const LANGUAGES_MAX: usize = 12;

/// A unit as its agency writes it.
#[derive(Debug, Clone, Default)]
pub struct NewUnit {
    pub name: String,
    pub competences: Vec<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    pub contact: String,
    pub phone: String,
    pub email: String,
}

/// Whether the caller may read the directory.
pub fn may_read(ctx: &Ctx) -> Result<()> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_UNIT),
    )?;
    Ok(())
}

/// Whether the caller may add units of its agency.
pub fn may_add(ctx: &Ctx) -> bool {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::INTEL_UNIT),
    )
    .is_ok()
}

/// The whole directory, by country, agency and name.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<UnitRow>> {
    may_read(ctx)?;
    let mut conn = platform.store.read().await?;
    Ok(store::units(&mut conn, None).await?)
}

fn text(field: &str, value: &str, max: usize, no: &mut Vec<ServiceError>) -> String {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        no.push(ServiceError::refused_value(
            field,
            "unit-text",
            vec![("max", max.to_string())],
            format!("1 to {max} characters"),
        ));
    }
    value.to_owned()
}

/// The unit `input` makes for the caller's agency, or every refusal of it.
fn checked(ctx: &Ctx, id: Uuid, input: &NewUnit, now: i64) -> Result<UnitRow> {
    let mut no: Vec<ServiceError> = Vec::new();
    let name = text("name", &input.name, 200, &mut no);
    let contact = text("contact", &input.contact, 200, &mut no);
    let mut competences: Vec<String> = Vec::new();
    for c in &input.competences {
        let c = c.trim();
        if !COMPETENCES.contains(&c) {
            no.push(ServiceError::refused_value(
                "competences",
                "unit-competence",
                vec![("given", c.to_owned())],
                format!("{c} is not a competence ({})", COMPETENCES.join(", ")),
            ));
        } else if !competences.iter().any(|k| k == c) {
            competences.push(c.to_owned());
        }
    }
    if input.competences.is_empty() {
        no.push(ServiceError::refused_value(
            "competences",
            "unit-competences",
            vec![],
            "at least one competence",
        ));
    }
    let mut languages: Vec<String> = Vec::new();
    for l in &input.languages {
        let l = l.trim().to_lowercase();
        if l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase()) {
            no.push(ServiceError::refused_value(
                "languages",
                "unit-language",
                vec![("given", l.clone())],
                format!("{l} is not a two-letter language code (ISO 639-1: it, en, ar, ur …)"),
            ));
        } else if !languages.contains(&l) {
            languages.push(l);
        }
    }
    if languages.is_empty() || languages.len() > LANGUAGES_MAX {
        no.push(ServiceError::refused_value(
            "languages",
            "unit-languages",
            vec![("max", LANGUAGES_MAX.to_string())],
            format!("1 to {LANGUAGES_MAX} languages"),
        ));
    }
    let phone = check(Kind::Phone, &input.phone, ctx.actor.country);
    if phone.normalised.is_none() {
        no.push(ServiceError::refused_value(
            "phone",
            "unit-phone",
            vec![],
            "a telephone number, with its country's prefix (+39 06 …)",
        ));
    }
    let email = check(Kind::Email, &input.email, None);
    // The address becomes a `mailto:` link every partner clicks: its local part is plain, so
    // that it cannot carry a `?cc=` of its own.
    let plain = email.normalised.as_deref().is_some_and(|e| {
        e.split_once('@').is_some_and(|(local, _)| {
            local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        })
    });
    if !plain {
        no.push(ServiceError::refused_value(
            "email",
            "unit-email",
            vec![],
            "an e-mail address (name@domain)",
        ));
    }
    if let Some(first) = no.into_iter().next() {
        return Err(first);
    }
    Ok(UnitRow {
        id,
        agency: ctx.actor.agency.to_string(),
        name,
        country: ctx.actor.country.map(|c| c.to_string()).unwrap_or_default(),
        competences: competences.join(" "),
        languages: languages.join(" "),
        contact,
        phone: phone.normalised.unwrap_or_default(),
        email: email.normalised.unwrap_or_default(),
        updated_by: ctx.actor.username.clone(),
        updated_at: now,
    })
}

async fn write(platform: &Platform, ctx: &Ctx, unit: &UnitRow, action: &str) -> Result<()> {
    let mut tx = platform.store.write().await?;
    store::put_unit(&mut tx, unit).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        action,
        policy::INTEL_UNIT.kind,
        Some(&unit.id.to_string()),
        json!({"name": unit.name, "competences": unit.competences, "languages": unit.languages,
               "contact": unit.contact, "phone": unit.phone, "email": unit.email}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Adds a unit of the caller's agency. Audited.
pub async fn add(platform: &Platform, ctx: &Ctx, input: &NewUnit) -> Result<UnitRow> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::INTEL_UNIT),
    )?;
    let unit = checked(ctx, new_id(), input, platform.now_us())?;
    write(platform, ctx, &unit, "intel_unit.create").await?;
    Ok(unit)
}

/// Changes a unit of the caller's agency (another agency's: refused, as its own to keep).
/// Audited.
pub async fn change(platform: &Platform, ctx: &Ctx, id: Uuid, input: &NewUnit) -> Result<UnitRow> {
    may_read(ctx)?;
    let mut conn = platform.store.read().await?;
    let existing = store::units(&mut conn, Some(id))
        .await?
        .pop()
        .ok_or_else(|| ServiceError::not_found("intel_unit", id))?;
    drop(conn);
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(
            &policy::INTEL_UNIT,
            &accordo_domain::access::RecordScope::owned_by(
                accordo_domain::AgencyCode::parse(&existing.agency)
                    .map_err(|e| ServiceError::invalid("agency", e.to_string()))?,
            ),
        ),
    )?;
    let unit = checked(ctx, id, input, platform.now_us())?;
    write(platform, ctx, &unit, "intel_unit.update").await?;
    Ok(unit)
}
