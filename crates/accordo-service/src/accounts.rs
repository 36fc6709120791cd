//! Agencies and user accounts: create, list, disable, roles, passwords.

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, CountryCode, RecordScope, Role, RoleSet, can, scope};
use accordo_store::accounts::{self, AgencyRow, NewUser, UserRow};
use accordo_store::auth as creds;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::auth::credential_scope;
use crate::{Ctx, Platform, Result, ServiceError, audit, new_id, passwords, policy};

/// A user account as others see it: never the password hash or the second-factor secret.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub agency: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub totp_enrolled: bool,
    pub must_change_password: bool,
    pub language: String,
    pub time_zone: String,
}

impl From<&UserRow> for UserView {
    fn from(u: &UserRow) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            agency: u.agency.clone(),
            roles: u
                .roles
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            disabled: u.disabled,
            totp_enrolled: u.totp_secret.is_some(),
            must_change_password: u.must_change_password,
            language: u.language.clone(),
            time_zone: u.time_zone.clone(),
        }
    }
}

pub async fn list_agencies(platform: &Platform, ctx: &Ctx) -> Result<Vec<AgencyRow>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::AGENCY),
    )?;
    Ok(accounts::list_agencies(&platform.store).await?)
}

/// What a new agency needs.
#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub country: Option<String>,
    pub mandate: Vec<String>,
    pub time_zone: String,
    /// The roles its users may hold; the operator's agency holds every role.
    pub roles: Vec<String>,
    /// The agency operates the platform (its admins administer every agency). Only the
    /// command line sets this, when it creates the first agency of an installation.
    pub operator: bool,
}

pub async fn create_agency(platform: &Platform, ctx: &Ctx, new: NewAgency) -> Result<AgencyRow> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::AGENCY),
    )?;
    let code =
        AgencyCode::parse(&new.code).map_err(|e| ServiceError::invalid("code", e.to_string()))?;
    let country = new
        .country
        .as_deref()
        .map(CountryCode::parse)
        .transpose()
        .map_err(|e| ServiceError::invalid("country", e.to_string()))?;
    if new.name.trim().is_empty() {
        return Err(ServiceError::refused_value(
            "name",
            "empty",
            Vec::new(),
            "must not be empty",
        ));
    }
    jiff::tz::TimeZone::get(&new.time_zone).map_err(|_| {
        ServiceError::invalid(
            "time_zone",
            format!("`{}` is not an IANA time zone", new.time_zone),
        )
    })?;
    let operator = new.operator && ctx.actor.username == "cli";
    let roles = if operator {
        RoleSet::all()
    } else {
        agency_roles(&new.roles)?
    };
    let row = AgencyRow {
        code: code.to_string(),
        name: new.name.trim().to_owned(),
        country: country.map(|c| c.to_string()),
        operator,
        mandate: new.mandate,
        time_zone: new.time_zone,
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
    };
    let mut tx = platform.store.write().await?;
    accounts::insert_agency(&mut tx, &row, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "agency.create",
        "agency",
        Some(&row.code),
        json!({"name": row.name, "roles": row.roles}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(row)
}

/// The roles an agency may hold: any, and `admin` always (its own administrator).
fn agency_roles(roles: &[String]) -> Result<RoleSet> {
    let mut set = RoleSet::parse_list(&roles.join(","))
        .map_err(|e| ServiceError::invalid("roles", e.to_string()))?;
    set.insert(Role::Admin);
    Ok(set)
}

/// Sets the roles an agency's users may hold (the operator's administrator). A role still
/// held by one of its users is not taken away: their roles change first.
pub async fn set_agency_roles(
    platform: &Platform,
    ctx: &Ctx,
    code: &str,
    roles: &[String],
) -> Result<AgencyRow> {
    let code = AgencyCode::parse(code).map_err(|_| ServiceError::not_found("agency", code))?;
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::AGENCY, &RecordScope::owned_by(code.clone())),
    )?;
    let set = agency_roles(roles)?;
    let mut conn = platform.store.read().await?;
    let before = accounts::find_agency(&mut conn, code.as_str())
        .await?
        .ok_or_else(|| ServiceError::not_found("agency", code.as_str()))?;
    if before.operator && set != RoleSet::all() {
        return Err(ServiceError::refused_value(
            "roles",
            "roles-operator",
            Vec::new(),
            "the operator's agency holds every role",
        ));
    }
    for role in Role::ALL.iter().filter(|r| !set.contains(**r)) {
        let holders = accounts::users_holding(&mut conn, code.as_str(), role.as_str()).await?;
        if !holders.is_empty() {
            return Err(ServiceError::invalid(
                "roles",
                format!(
                    "`{}` is still held by {}; change their roles first",
                    role.as_str(),
                    holders.join(", ")
                ),
            ));
        }
    }
    drop(conn);
    let list: Vec<String> = set.iter().map(|r| r.as_str().to_owned()).collect();
    let mut tx = platform.store.write().await?;
    accounts::set_agency_roles(&mut tx, code.as_str(), &list).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "agency.roles",
        "agency",
        Some(code.as_str()),
        json!({"from": before.roles, "to": list}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(AgencyRow {
        roles: list,
        ..before
    })
}

/// Refuses roles the user's agency does not hold.
fn check_agency_holds(agency: &AgencyRow, roles: &RoleSet) -> Result<()> {
    let missing: Vec<&str> = roles
        .iter()
        .map(|r| r.as_str())
        .filter(|r| !agency.roles.iter().any(|held| held == r))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "roles",
            format!(
                "agency {} does not hold {}; the operator's administrator grants an agency its roles",
                agency.code,
                missing.join(", ")
            ),
        ))
    }
}

pub async fn list_users(platform: &Platform, ctx: &Ctx) -> Result<Vec<UserView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::USER),
    )?;
    let rows = accounts::list_users(
        &platform.store,
        &scope(&ctx.actor, Action::Read, &policy::USER)?,
    )
    .await?;
    Ok(rows.iter().map(UserView::from).collect())
}

/// Loads a user the actor may `action`; one it may not even read is "not found".
async fn load_user(platform: &Platform, ctx: &Ctx, id: Uuid, action: Action) -> Result<UserRow> {
    let not_found = || ServiceError::not_found("user", id);
    // No read grant at all reads as "not found" too, as before the one scope type.
    let readable = scope(&ctx.actor, Action::Read, &policy::USER).map_err(|_| not_found())?;
    let mut conn = platform.store.read().await?;
    let user = accounts::get_user(&mut conn, &readable, id)
        .await?
        .ok_or_else(not_found)?;
    let agency = AgencyCode::parse(&user.agency)
        .map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    let scope = RecordScope::owned_by(agency).about_user(user.id);
    can(&ctx.actor, action, Resource::record(&policy::USER, &scope))?;
    Ok(user)
}

pub async fn get_user(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<UserView> {
    Ok(UserView::from(
        &load_user(platform, ctx, id, Action::Read).await?,
    ))
}

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub agency: String,
    pub roles: Vec<String>,
    pub password: String,
    /// The user must choose a new password at first sign-in.
    pub must_change_password: bool,
}

/// Every refusal of a new account's own fields, for a form to show at once (`create_user`
/// checks them too, with what needs the database, and answers the first).
pub fn user_refusals(new: &NewAccount) -> Vec<ServiceError> {
    let mut out = Vec::new();
    out.extend(check_username(&new.username).err());
    out.extend(parse_roles(&new.roles).err());
    out.extend(
        AgencyCode::parse(&new.agency)
            .err()
            .map(|e| ServiceError::invalid("agency", e.to_string())),
    );
    out.extend(passwords::check_policy("password", &new.password, &new.username).err());
    if new.display_name.trim().is_empty() {
        out.push(ServiceError::refused_value(
            "display_name",
            "empty",
            Vec::new(),
            "must not be empty",
        ));
    }
    out
}

pub fn check_username(username: &str) -> Result<()> {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && username.starts_with(|c: char| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(ServiceError::refused_value(
            "username",
            "username-form",
            Vec::new(),
            "3 to 64 characters a-z, 0-9, '.', '_' or '-', starting with a letter",
        ))
    }
}

pub fn parse_roles(roles: &[String]) -> Result<RoleSet> {
    let set = RoleSet::parse_list(&roles.join(","))
        .map_err(|e| ServiceError::invalid("roles", e.to_string()))?;
    if set.is_empty() {
        return Err(ServiceError::refused_value(
            "roles",
            "roles-none",
            Vec::new(),
            "at least one role is needed",
        ));
    }
    Ok(set)
}

pub async fn create_user(platform: &Platform, ctx: &Ctx, new: NewAccount) -> Result<UserView> {
    check_username(&new.username)?;
    let roles = parse_roles(&new.roles)?;
    let agency = AgencyCode::parse(&new.agency)
        .map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    let scope = RecordScope::owned_by(agency.clone());
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::USER, &scope),
    )?;
    // The rest of the fields' checks, as the form shows them (the ones above passed).
    if let Some(first) = user_refusals(&new).into_iter().next() {
        return Err(first);
    }
    let mut conn = platform.store.read().await?;
    let agency_row = accounts::find_agency(&mut conn, agency.as_str())
        .await?
        .ok_or_else(|| {
            ServiceError::invalid(
                "agency",
                format!("no agency `{agency}`; see GET /api/v1/agencies"),
            )
        })?;
    drop(conn);
    check_agency_holds(&agency_row, &roles)?;
    let id = new_id();
    let hash = passwords::hash_blocking(platform.settings.password_cost, &new.password).await;
    let mut tx = platform.store.write().await?;
    accounts::insert_user(
        &mut tx,
        &NewUser {
            id,
            username: &new.username,
            display_name: new.display_name.trim(),
            agency: agency.as_str(),
            roles: &roles.to_list(),
            password_hash: &hash,
            must_change_password: new.must_change_password,
            language: "en",
            time_zone: &agency_row.time_zone,
        },
        platform.now_us(),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.create",
        "user",
        Some(&id.to_string()),
        json!({"username": new.username, "agency": agency.as_str(), "roles": roles.to_list()}),
    )
    .await?;
    tx.commit(audited).await?;
    let mut conn = platform.store.read().await?;
    let row = accounts::find_user_by_id(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("user", id))?;
    Ok(UserView::from(&row))
}

/// Disables (or re-enables) an account. Disabling also ends every session and token.
pub async fn set_disabled(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    disabled: bool,
) -> Result<UserView> {
    let user = load_user(platform, ctx, id, Action::Update).await?;
    if disabled && user.id == ctx.actor.user_id {
        return Err(ServiceError::refused_value(
            "id",
            "disable-self",
            Vec::new(),
            "you cannot disable your own account",
        ));
    }
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    accounts::set_user_disabled(&mut tx, id, disabled, now).await?;
    let revoked = if disabled {
        creds::revoke_all_for_user(&mut tx, id, now).await?
    } else {
        0
    };
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        action,
        "user",
        Some(&id.to_string()),
        json!({"username": user.username, "revoked_credentials": revoked}),
    )
    .await?;
    tx.commit(audited).await?;
    get_user(platform, ctx, id).await
}

/// Ends every session and token of a user.
pub async fn revoke_all(platform: &Platform, ctx: &Ctx, id: Uuid) -> Result<u64> {
    let user = load_user(platform, ctx, id, Action::Read).await?;
    can(
        &ctx.actor,
        Action::Delete,
        Resource::record(&policy::CREDENTIAL, &credential_scope(&user)?),
    )?;
    let mut tx = platform.store.write().await?;
    let n = creds::revoke_all_for_user(&mut tx, id, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "credential.revoke_all",
        "user",
        Some(&id.to_string()),
        json!({"username": user.username, "revoked": n}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(n)
}

pub async fn set_roles(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    roles: &[String],
) -> Result<UserView> {
    let user = load_user(platform, ctx, id, Action::Update).await?;
    // Not one's own: the boundary that matters is `agencies.roles` (an admin may create
    // another admin within them), but no session should widen its own grants.
    if user.id == ctx.actor.user_id {
        return Err(ServiceError::invalid(
            "roles",
            "you cannot change your own roles; another administrator can",
        ));
    }
    let set = parse_roles(roles)?;
    let mut conn = platform.store.read().await?;
    let agency = accounts::find_agency(&mut conn, &user.agency)
        .await?
        .ok_or_else(|| ServiceError::not_found("agency", &user.agency))?;
    drop(conn);
    check_agency_holds(&agency, &set)?;
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    accounts::set_user_roles(&mut tx, id, &set.to_list(), now).await?;
    // What a session was granted under the old roles ends with them.
    let ended = creds::revoke_all_for_user(&mut tx, id, now).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.roles",
        "user",
        Some(&id.to_string()),
        json!({"username": user.username, "from": user.roles, "to": set.to_list(), "revoked_credentials": ended}),
    )
    .await?;
    tx.commit(audited).await?;
    get_user(platform, ctx, id).await
}

/// An admin sets a temporary password; the user must change it at next sign-in, and every
/// session and token of theirs ends.
pub async fn reset_password(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    temporary: &str,
) -> Result<()> {
    let user = load_user(platform, ctx, id, Action::Update).await?;
    if user.id == ctx.actor.user_id {
        // A session or token alone must never set a password: one's own is changed with the
        // current one (`change_own_password`).
        return Err(ServiceError::refused_value(
            "id",
            "reset-self",
            Vec::new(),
            "you cannot reset your own password; change it on your account page, with the current one",
        ));
    }
    passwords::check_policy("password", temporary, &user.username)?;
    let hash = passwords::hash_blocking(platform.settings.password_cost, temporary).await;
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    accounts::set_password(&mut tx, id, &hash, true, now).await?;
    let revoked = creds::revoke_all_for_user(&mut tx, id, now).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.password_reset",
        "user",
        Some(&id.to_string()),
        json!({"username": user.username, "revoked_credentials": revoked}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// A user changes their own password, proving the current one. Every other session and token
/// of theirs ends (whoever knew the old password may hold one); `keep`, the credential the
/// change is made with, stays. Returns how many ended.
pub async fn change_own_password(
    platform: &Platform,
    ctx: &Ctx,
    current: &str,
    new: &str,
    keep: Option<Uuid>,
) -> Result<u64> {
    let mut conn = platform.store.read().await?;
    let user = accounts::find_user_by_id(&mut conn, ctx.actor.user_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("user", ctx.actor.user_id))?;
    drop(conn);
    crate::auth::proof_attempt(platform, &user.username)?;
    if !passwords::verify_blocking(current, &user.password_hash).await {
        return Err(ServiceError::refused_value(
            "current_password",
            "password-not-current",
            Vec::new(),
            "is not your current password",
        ));
    }
    crate::auth::proof_accepted(platform, &user.username);
    passwords::check_policy("new_password", new, &user.username)?;
    if current == new {
        return Err(ServiceError::refused_value(
            "new_password",
            "password-unchanged",
            Vec::new(),
            "must differ from the current one",
        ));
    }
    let hash = passwords::hash_blocking(platform.settings.password_cost, new).await;
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    accounts::set_password(&mut tx, user.id, &hash, false, now).await?;
    let ended = creds::revoke_others_of_user(&mut tx, user.id, keep, now).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.password_change",
        "user",
        Some(&user.id.to_string()),
        json!({"revoked_credentials": ended}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(ended)
}

/// Sets whether a role's users must have a second factor.
pub async fn set_totp_required(
    platform: &Platform,
    ctx: &Ctx,
    role: &str,
    required: bool,
) -> Result<()> {
    can(
        &ctx.actor,
        Action::Update,
        Resource::collection(&policy::SETTINGS),
    )?;
    let role: accordo_domain::Role =
        role.parse()
            .map_err(|e: accordo_domain::role::UnknownRole| {
                ServiceError::invalid("role", e.to_string())
            })?;
    // Once a factor is required, the sessions and tokens of the role's users without one end:
    // they were opened without it.
    let stale = if required {
        let mut conn = platform.store.read().await?;
        accounts::holders_without_totp(&mut conn, role.as_str()).await?
    } else {
        Vec::new()
    };
    let now = platform.now_us();
    let mut tx = platform.store.write().await?;
    accounts::set_totp_required(&mut tx, role.as_str(), required).await?;
    let mut ended = 0;
    for user in &stale {
        ended += creds::revoke_all_for_user(&mut tx, *user, now).await?;
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "settings.totp_policy",
        "settings",
        Some(role.as_str()),
        json!({"required": required, "revoked_credentials": ended}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Languages the interface is built with (more may be loaded at start: `Settings::languages`).
pub const LANGUAGES: &[&str] = &["en", "it"];

/// The caller sets their own language and time zone.
pub async fn set_preferences(
    platform: &Platform,
    ctx: &Ctx,
    language: &str,
    time_zone: &str,
) -> Result<()> {
    let offered = &platform.settings.languages;
    if !offered.iter().any(|l| l == language) {
        return Err(ServiceError::invalid(
            "language",
            format!("must be one of {}", offered.join(", ")),
        ));
    }
    jiff::tz::TimeZone::get(time_zone).map_err(|_| {
        ServiceError::invalid(
            "time_zone",
            format!("`{time_zone}` is not an IANA time zone such as Europe/Rome"),
        )
    })?;
    let mut tx = platform.store.write().await?;
    accounts::set_preferences(
        &mut tx,
        ctx.actor.user_id,
        language,
        time_zone,
        platform.now_us(),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.preferences",
        "user",
        Some(&ctx.actor.user_id.to_string()),
        json!({"language": language, "time_zone": time_zone}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}
