//! Readmission agreements: their terms as data, versioned, edited by the operator.

use super::*;

/// An agreement with a partner authority, its terms parsed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    pub name: String,
    pub partner_country: String,
    pub authority_agency: String,
    #[schema(value_type = Object)]
    pub terms: Terms,
    /// Where the terms come from.
    pub source: String,
    /// The terms were read in the agreement's own text; false when only a secondary source
    /// was found.
    pub confirmed: bool,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

pub(crate) fn agreement_of(row: AgreementRow) -> Result<Agreement> {
    let terms: Terms = serde_json::from_str(&row.terms)
        .map_err(|e| ServiceError::invalid("terms", format!("stored terms are unreadable: {e}")))?;
    Ok(Agreement {
        id: row.id,
        name: row.name,
        partner_country: row.partner_country,
        authority_agency: row.authority_agency,
        terms,
        source: row.source,
        confirmed: row.confirmed,
        version: row.version,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
    })
}

pub async fn agreements(platform: &Platform, ctx: &Ctx) -> Result<Vec<Agreement>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_AGREEMENT),
    )?;
    let mut conn = platform.store.read().await?;
    store::agreements(&mut conn)
        .await?
        .into_iter()
        .map(agreement_of)
        .collect()
}

/// New terms for an agreement, given with the version they replace.
#[derive(Debug, Clone)]
pub struct AgreementEdit {
    pub name: String,
    pub terms: Terms,
    pub source: String,
    pub confirmed: bool,
    pub version: i64,
}

/// Replaces an agreement's terms (a new version; requests already sent keep theirs).
pub async fn edit_agreement(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    edit: AgreementEdit,
) -> Result<Agreement> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::READMISSION_AGREEMENT),
    )?;
    edit.terms
        .validate()
        .map_err(|e| ServiceError::invalid("terms", e.to_string()))?;
    if edit.name.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "name",
            "agreement-name",
            Vec::new(),
            "the agreement needs a name",
        ));
    }
    if edit.source.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "source",
            "agreement-source",
            Vec::new(),
            "say where the terms come from (the agreement's text, or the secondary source read)",
        ));
    }
    let mut conn = platform.store.read().await?;
    let old = store::agreement(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("readmission_agreement", id))?;
    drop(conn);
    let new = AgreementRow {
        name: edit.name.trim().to_owned(),
        terms: serde_json::to_string(&edit.terms).unwrap_or_default(),
        source: edit.source.trim().to_owned(),
        confirmed: edit.confirmed,
        version: old.version + 1,
        updated_at: platform.now_us(),
        updated_by: ctx.actor.username.clone(),
        ..old.clone()
    };
    let mut tx = platform.store.write().await?;
    if !store::update_agreement(&mut tx, &new, edit.version).await? {
        return Err(refused("stale_version"));
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "readmission_agreement.update",
        policy::READMISSION_AGREEMENT.kind,
        Some(&id.to_string()),
        json!({"version": new.version, "before": serde_json::from_str::<serde_json::Value>(&old.terms).unwrap_or_default(), "after": edit.terms}),
    )
    .await?;
    tx.commit(audited).await?;
    agreement_of(new)
}
