//! Sign-in, sessions, API tokens, the second factor, and failed-sign-in throttling.

use std::collections::HashMap;
use std::sync::Mutex;

use accordo_domain::access::Actor;
use accordo_domain::{AgencyCode, CountryCode, Role, RoleSet};
use accordo_store::accounts::{self, UserRow};
use accordo_store::auth::{self as creds, CredentialKind, CredentialRow};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

use crate::error::AuthFailure;
use crate::{Ctx, Platform, Result, ServiceError, audit, new_id, passwords};

/// What a sign-in offers.
#[derive(Debug, Clone)]
pub struct SignIn<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp: Option<&'a str>,
    /// The client's address, for throttling and the audit log.
    pub address: &'a str,
    pub request_id: Option<&'a str>,
}

/// A secret handed to the client once; only its hash is kept.
#[derive(Debug, Clone)]
pub struct IssuedSecret {
    pub id: Uuid,
    pub secret: String,
    pub expires_at_us: i64,
}

/// How often a credential's `last_used_at` is written at most.
const TOUCH_EVERY_US: i64 = 60_000_000;

/// When this node last noted each credential's use. Every request that finds a credential's
/// `last_used_at` over a minute old would write it: a client with many connections on one
/// token sent a crowd of writes at once, every minute (up to 3 s each on SQLite in the click
/// day's benchmark). The first notes it; the others find it here.
#[derive(Debug, Default)]
struct Touched(Mutex<HashMap<Uuid, i64>>);

impl Touched {
    /// Whether a use at `now_us` is the first this node notes within [`TOUCH_EVERY_US`].
    fn first(&self, credential: Uuid, now_us: i64) -> bool {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map
            .get(&credential)
            .is_some_and(|at| now_us - at <= TOUCH_EVERY_US)
        {
            return false;
        }
        // Bounded: the credentials not used within the last minute are forgotten.
        if map.len() >= 10_000 {
            map.retain(|_, at| now_us - *at <= TOUCH_EVERY_US);
        }
        map.insert(credential, now_us);
        true
    }
}

/// Failed sign-ins per client address, in this node's memory: many names tried from one
/// address (password spraying) block the address for a while.
#[derive(Debug, Default)]
pub struct AddressThrottle {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl AddressThrottle {
    fn check(
        &self,
        address: &str,
        now_us: i64,
        limit: u32,
        window_s: i64,
    ) -> Result<(), AuthFailure> {
        let map = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match map.get(address) {
            Some(&(count, since)) if count >= limit && now_us - since < window_s * 1_000_000 => {
                Err(AuthFailure::Throttled {
                    retry_after_seconds: window_s - (now_us - since) / 1_000_000,
                })
            }
            _ => Ok(()),
        }
    }

    fn fail(&self, address: &str, now_us: i64, window_s: i64) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now_us - *since < window_s * 1_000_000);
        }
        let entry = map.entry(address.to_owned()).or_insert((0, now_us));
        if now_us - entry.1 >= window_s * 1_000_000 {
            *entry = (0, now_us);
        }
        entry.0 += 1;
    }
}

/// Failed sign-ins per (username, address) pair, in this node's memory, with backoff: from the
/// `free`-th failure on, each next attempt of the pair waits 1, 2, 4 … seconds, up to a limit.
/// It slows whoever guesses one account from one address, never the account's owner at their
/// own address (an account is never locked), and a name that exists and one that does not are
/// throttled alike, so the throttle says nothing about which names exist.
#[derive(Debug, Default)]
pub struct PairThrottle {
    failures: Mutex<HashMap<Pair, PairFailures>>,
}

/// (username lower-cased, address).
type Pair = (String, String);

/// (failures, not before this instant, last failure), in microseconds.
type PairFailures = (u32, i64, i64);

impl PairThrottle {
    fn key(username: &str, address: &str) -> (String, String) {
        (username.trim().to_lowercase(), address.to_owned())
    }

    /// Takes one attempt of the pair, or refuses it while the pair waits. The attempt is
    /// counted here, in the same lock as the check, so a burst of concurrent requests cannot
    /// all pass the check before any failure is counted; a sign-in that succeeds gives the
    /// count back ([`PairThrottle::clear`]).
    fn attempt(
        &self,
        username: &str,
        address: &str,
        now_us: i64,
        free: u32,
        max_delay_s: i64,
    ) -> Result<(), AuthFailure> {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > 100_000 {
            // Pairs quiet for twice the longest delay start again from nothing.
            map.retain(|_, (_, _, last)| now_us - *last < 2 * max_delay_s * 1_000_000);
        }
        let entry = map
            .entry(Self::key(username, address))
            .or_insert((0, now_us, now_us));
        if now_us < entry.1 {
            return Err(AuthFailure::Throttled {
                retry_after_seconds: (entry.1 - now_us + 999_999) / 1_000_000,
            });
        }
        entry.2 = now_us;
        entry.0 += 1;
        // From the `free`-th attempt in a row on, the next one waits 1, 2, 4 … seconds.
        if entry.0 >= free {
            let doublings = (entry.0 - free).min(30);
            let delay_s = (1i64 << doublings).min(max_delay_s);
            entry.1 = now_us + delay_s * 1_000_000;
        }
        Ok(())
    }

    fn clear(&self, username: &str, address: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&Self::key(username, address));
    }
}

/// 256 random bits from the operating system's generator (a signing key's seed).
pub fn random_key() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// 256 random bits, URL-safe, after `prefix`.
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Tokens and session ids are 256 random bits: a fast hash is the right one to store.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session: derived from the session secret, so it needs no storage and
/// cannot be guessed without the cookie.
pub fn csrf_token(session_secret: &str) -> String {
    hex::encode(Sha256::digest(
        format!("accordo-csrf:{session_secret}").as_bytes(),
    ))[..40]
        .to_owned()
}

/// Builds the actor for a user row.
pub async fn actor_for(platform: &Platform, user: &UserRow) -> Result<Actor> {
    let mut conn = platform.store.read().await?;
    actor_on(&mut conn, user).await
}

/// [`actor_for`] on a connection the caller holds (each connection taken from the pool and
/// given back costs a round trip to the database).
async fn actor_on(conn: &mut accordo_store::Conn, user: &UserRow) -> Result<Actor> {
    let (agency, host_state) = accounts::find_agency_in_host_state(conn, &user.agency)
        .await?
        .ok_or_else(|| ServiceError::not_found("agency", &user.agency))?;
    actor_of(user, agency, host_state)
}

/// The actor a user of `agency` is.
fn actor_of(
    user: &UserRow,
    agency: accordo_store::accounts::AgencyRow,
    host_state: bool,
) -> Result<Actor> {
    let bad = |what: &str| {
        ServiceError::invalid(
            what,
            format!("stored value for user {} is invalid", user.username),
        )
    };
    Ok(Actor {
        user_id: user.id,
        username: user.username.clone(),
        agency: AgencyCode::parse(&agency.code).map_err(|_| bad("agency"))?,
        country: agency
            .country
            .as_deref()
            .map(CountryCode::parse)
            .transpose()
            .map_err(|_| bad("country"))?,
        roles: RoleSet::parse_list(&user.roles).map_err(|_| bad("roles"))?,
        operator: agency.operator,
        host_state,
        mandate: agency.mandate,
    })
}

/// Checks a username and password (and second factor); returns the user. Every failure is
/// audited and counted.
pub async fn sign_in(platform: &Platform, attempt: &SignIn<'_>) -> Result<UserRow> {
    let now = platform.now_us();
    let s = &platform.settings;
    platform.throttle.check(
        attempt.address,
        now,
        s.address_failures,
        s.address_window_seconds,
    )?;
    // No account has a longer name: refused before it takes a place in the throttle.
    if attempt.username.len() > 64 {
        return Err(AuthFailure::InvalidCredentials.into());
    }
    // Known and unknown names alike: the throttle must not tell which exist.
    platform.pair_throttle.attempt(
        attempt.username,
        attempt.address,
        now,
        s.pair_free_failures,
        s.pair_max_delay_seconds,
    )?;
    let mut conn = platform.store.read().await?;
    let user = accounts::find_user_by_username(&mut conn, attempt.username).await?;
    let required_roles = accounts::totp_required_roles(&mut conn).await?;
    drop(conn);

    let Some(user) = user else {
        passwords::waste_verification_blocking(s.password_cost).await;
        return Err(fail(platform, attempt, None, AuthFailure::InvalidCredentials).await);
    };
    if !passwords::verify_blocking(attempt.password, &user.password_hash).await {
        return Err(fail(
            platform,
            attempt,
            Some(&user),
            AuthFailure::InvalidCredentials,
        )
        .await);
    }
    if user.disabled {
        return Err(fail(platform, attempt, Some(&user), AuthFailure::Disabled).await);
    }
    let seconds = platform.clock.now().as_second();
    // The step of the code given, accepted below only if no code of it or a later step was.
    let mut step_used = None;
    match (&user.totp_secret, attempt.totp) {
        (Some(_), None) => return Err(AuthFailure::TotpRequired.into()),
        (Some(secret), Some(code)) => match totp_step(secret, code, seconds) {
            Some(step) => step_used = Some(step),
            None => {
                return Err(fail(platform, attempt, Some(&user), AuthFailure::TotpInvalid).await);
            }
        },
        (None, code) if roles_need_totp(&user.roles, &required_roles) => {
            // Only with the temporary password an administrator handed over (first sign-in,
            // or after a reset) may a second factor be enrolled here; otherwise whoever learnt
            // an established password could bind the account to their own phone.
            if !user.must_change_password {
                return Err(AuthFailure::TotpEnrolmentRequired.into());
            }
            match (&user.totp_pending, code) {
                (Some(pending), Some(code)) if totp_matches(pending, code, seconds) => {
                    let mut tx = platform.store.write().await?;
                    accounts::set_totp(&mut tx, user.id, Some(pending), None, now).await?;
                    let fresh = match totp_step(pending, code, seconds) {
                        Some(step) => accounts::use_totp_step(&mut tx, user.id, step).await?,
                        None => false,
                    };
                    if !fresh {
                        // Two sign-ins racing with one code: the second is a replay.
                        drop(tx);
                        return Err(
                            fail(platform, attempt, Some(&user), AuthFailure::TotpInvalid).await,
                        );
                    }
                    let audited = audit::record_system(
                        platform,
                        &mut tx,
                        &user.username,
                        "user.totp_enrol",
                        "user",
                        Some(&user.id.to_string()),
                        attempt.request_id,
                        json!({"at": "sign-in"}),
                    )
                    .await?;
                    tx.commit(audited).await?;
                }
                (Some(_), Some(_)) => {
                    return Err(
                        fail(platform, attempt, Some(&user), AuthFailure::TotpInvalid).await,
                    );
                }
                (pending, _) => {
                    // The same key until it is confirmed, so reloading the page does not
                    // change what the app was given.
                    let secret = match pending {
                        Some(p) => p.clone(),
                        None => {
                            let secret = new_totp_secret();
                            let mut tx = platform.store.write().await?;
                            accounts::set_totp(&mut tx, user.id, None, Some(&secret), now).await?;
                            let audited = audit::record_system(
                                platform,
                                &mut tx,
                                &user.username,
                                "user.totp_begin",
                                "user",
                                Some(&user.id.to_string()),
                                attempt.request_id,
                                json!({"at": "sign-in"}),
                            )
                            .await?;
                            tx.commit(audited).await?;
                            secret
                        }
                    };
                    let uri = otpauth_uri(&user.username, &secret);
                    return Err(AuthFailure::TotpEnrolmentStarted { secret, uri }.into());
                }
            }
        }
        _ => {}
    }
    let mut tx = platform.store.write().await?;
    if let Some(step) = step_used
        && !accounts::use_totp_step(&mut tx, user.id, step).await?
    {
        // A code already used, or older than one that was (RFC 6238, section 5.2).
        drop(tx);
        return Err(fail(platform, attempt, Some(&user), AuthFailure::TotpInvalid).await);
    }
    // The pair's attempts are given back; the address's failures are not (one account's
    // sign-in must not reset what guessing at others from that address counted).
    platform
        .pair_throttle
        .clear(attempt.username, attempt.address);
    let audited = audit::record_system(
        platform,
        &mut tx,
        &user.username,
        "auth.sign_in",
        "user",
        Some(&user.id.to_string()),
        attempt.request_id,
        json!({"address": attempt.address}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(user)
}

fn roles_need_totp(roles: &str, required: &[String]) -> bool {
    roles.split(',').any(|r| required.iter().any(|q| q == r))
}

/// Counts and audits a failed sign-in, and returns the failure to report.
async fn fail(
    platform: &Platform,
    attempt: &SignIn<'_>,
    user: Option<&UserRow>,
    failure: AuthFailure,
) -> ServiceError {
    let now = platform.now_us();
    let s = &platform.settings;
    platform
        .throttle
        .fail(attempt.address, now, s.address_window_seconds);
    let result: Result<()> = async {
        let mut tx = platform.store.write().await?;
        let audited = audit::record_system(
            platform,
            &mut tx,
            attempt.username,
            "auth.sign_in_failed",
            "user",
            user.map(|u| u.id.to_string()).as_deref(),
            attempt.request_id,
            json!({"reason": failure.code(), "address": attempt.address}),
        )
        .await?;
        tx.commit(audited).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => failure.into(),
        // A failed audit write fails the request: report the database, not the password.
        Err(e) => e,
    }
}

fn totp_for(secret_b32: &str) -> Option<TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

/// RFC 6238 with one step of tolerance either side: the time step (seconds / 30) whose code
/// `code` is, if any. The caller accepts it once ([`accounts::use_totp_step`]).
pub fn totp_step(secret_b32: &str, code: &str, unix_seconds: i64) -> Option<i64> {
    let totp = totp_for(secret_b32)?;
    let code = code.trim().as_bytes();
    let now = unix_seconds.div_euclid(30);
    (now - 1..=now + 1).rev().find(|step| {
        let at = u64::try_from(step * 30).unwrap_or(0);
        let expected = totp.generate(at);
        // Every byte compared, whatever the first difference.
        expected.len() == code.len()
            && expected
                .bytes()
                .zip(code)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

/// Whether `code` is a current code of the secret (replays not considered).
pub fn totp_matches(secret_b32: &str, code: &str, unix_seconds: i64) -> bool {
    totp_step(secret_b32, code, unix_seconds).is_some()
}

/// The current code for a secret (for tests and the CLI's enrolment helper).
pub fn totp_now(secret_b32: &str, unix_seconds: i64) -> Option<String> {
    totp_for(secret_b32).map(|t| t.generate(u64::try_from(unix_seconds).unwrap_or(0)))
}

/// Issues an API token for a user who has just signed in (or for the CLI).
pub async fn issue_token(
    platform: &Platform,
    ctx: &Ctx,
    label: &str,
    days: Option<i64>,
) -> Result<IssuedSecret> {
    let own = accordo_domain::RecordScope::owned_by(ctx.actor.agency.clone())
        .about_user(ctx.actor.user_id);
    accordo_domain::can(
        &ctx.actor,
        accordo_domain::Action::Create,
        accordo_domain::Resource::record(&crate::policy::CREDENTIAL, &own),
    )?;
    let s = &platform.settings;
    let days = days.unwrap_or(s.token_days_default);
    if !(1..=s.token_days_max).contains(&days) {
        return Err(ServiceError::refused_value(
            "days",
            "token-days",
            vec![("max", s.token_days_max.to_string())],
            format!("must be between 1 and {}", s.token_days_max),
        ));
    }
    let label = label.trim();
    if label.is_empty() || label.len() > 100 {
        return Err(ServiceError::refused_value(
            "label",
            "token-label",
            Vec::new(),
            "must be 1 to 100 characters",
        ));
    }
    let now = platform.now_us();
    let issued = IssuedSecret {
        id: new_id(),
        secret: random_secret("acc_"),
        expires_at_us: now + days * 86_400_000_000,
    };
    let mut tx = platform.store.write().await?;
    creds::insert_token(
        &mut tx,
        issued.id,
        &secret_hash(&issued.secret),
        ctx.actor.user_id,
        label,
        now,
        issued.expires_at_us,
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "credential.create",
        "credential",
        Some(&issued.id.to_string()),
        json!({"type": "token", "label": label, "days": days}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(issued)
}

/// Opens a browser session for a user who has just signed in.
pub async fn open_session(
    platform: &Platform,
    ctx: &Ctx,
    address: &str,
    user_agent: &str,
) -> Result<IssuedSecret> {
    let now = platform.now_us();
    let issued = IssuedSecret {
        id: new_id(),
        secret: random_secret(""),
        expires_at_us: now + platform.settings.session_hours * 3_600_000_000,
    };
    let agent: String = user_agent.chars().take(200).collect();
    let mut tx = platform.store.write().await?;
    let session = creds::NewSession {
        id: issued.id,
        token_hash: &secret_hash(&issued.secret),
        user: ctx.actor.user_id,
        expires_us: issued.expires_at_us,
        address,
        user_agent: &agent,
    };
    creds::insert_session(&mut tx, &session, now).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "credential.create",
        "credential",
        Some(&issued.id.to_string()),
        json!({"type": "session", "address": address}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(issued)
}

/// A verified credential and who holds it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub credential: CredentialRow,
    pub kind: CredentialKind,
    pub user: UserRow,
}

/// Resolves a bearer token or a session secret to its actor, or says why not.
pub async fn authenticate(
    platform: &Platform,
    kind: CredentialKind,
    secret: &str,
) -> Result<Authenticated> {
    let now = platform.now_us();
    let hash = secret_hash(secret);
    let mut conn = platform.store.read().await?;
    // One query for the credential, its holder and the agency; when it finds nothing, the
    // others say why.
    let (credential, user, agency) =
        match creds::find_live_holder(&mut conn, kind, &hash, now).await? {
            Some(h) => (h.credential, h.user, Some((h.agency, h.host_state))),
            None => {
                let Some(credential) = creds::find_live(&mut conn, kind, &hash, now).await? else {
                    let why = match (kind, creds::find_any(&mut conn, kind, &hash).await?) {
                        (CredentialKind::Session, _) => AuthFailure::SessionEnded,
                        (_, None) => AuthFailure::TokenUnknown,
                        (_, Some(c)) if c.revoked_at.is_some() => AuthFailure::TokenRevoked,
                        (_, Some(_)) => AuthFailure::TokenExpired,
                    };
                    return Err(why.into());
                };
                let user = accounts::find_user_by_id(&mut conn, credential.user_id)
                    .await?
                    .ok_or(AuthFailure::TokenUnknown)?;
                (credential, user, None)
            }
        };
    if kind == CredentialKind::Session {
        let idle_limit = platform.settings.session_idle_minutes * 60_000_000;
        if credential
            .last_used_at
            .is_some_and(|seen| now - seen > idle_limit)
        {
            return Err(AuthFailure::SessionEnded.into());
        }
    }
    if user.disabled {
        return Err(AuthFailure::Disabled.into());
    }
    // Note the use at most once a minute, so reads do not each cost a write; and once on this
    // node, not by every request that arrives in the same moment with the same credential.
    if credential
        .last_used_at
        .is_none_or(|t| now - t > TOUCH_EVERY_US)
        && platform.state::<Touched>().first(credential.id, now)
    {
        creds::touch(&mut conn, kind, credential.id, now).await?;
    }
    // The actor last, after the checks that say why a credential no longer works.
    let actor = match agency {
        Some((agency, host_state)) => actor_of(&user, agency, host_state)?,
        None => actor_on(&mut conn, &user).await?,
    };
    drop(conn);
    Ok(Authenticated {
        actor,
        credential,
        kind,
        user,
    })
}

/// Ends a session or revokes a token of the actor's (or, for an admin, of its users).
pub async fn revoke(platform: &Platform, ctx: &Ctx, kind: CredentialKind, id: Uuid) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let found = creds::get(&mut conn, kind, id).await?;
    let owner = match &found {
        Some(c) => accounts::find_user_by_id(&mut conn, c.user_id).await?,
        None => None,
    };
    drop(conn);
    let (Some(_), Some(owner)) = (found, owner) else {
        return Err(ServiceError::not_found("credential", id));
    };
    let scope = credential_scope(&owner)?;
    let resource = accordo_domain::Resource::record(&crate::policy::CREDENTIAL, &scope);
    if accordo_domain::can(&ctx.actor, accordo_domain::Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("credential", id));
    }
    accordo_domain::can(&ctx.actor, accordo_domain::Action::Delete, resource)?;
    let mut tx = platform.store.write().await?;
    creds::revoke(&mut tx, kind, id, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "credential.revoke",
        "credential",
        Some(&id.to_string()),
        json!({"user": owner.username}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

pub(crate) fn credential_scope(owner: &UserRow) -> Result<accordo_domain::RecordScope> {
    let agency = AgencyCode::parse(&owner.agency)
        .map_err(|e| ServiceError::invalid("agency", e.to_string()))?;
    Ok(accordo_domain::RecordScope::owned_by(agency).about_user(owner.id))
}

/// Lists the actor's own sessions or tokens.
pub async fn list_own(
    platform: &Platform,
    ctx: &Ctx,
    kind: CredentialKind,
) -> Result<Vec<CredentialRow>> {
    let mut conn = platform.store.read().await?;
    Ok(creds::list_for_user(&mut conn, kind, ctx.actor.user_id).await?)
}

/// Lists the sessions or tokens of a user the actor administers (an admin of the user's
/// agency, or of the operator); a user it may not see is "not found".
pub async fn list_for_user(
    platform: &Platform,
    ctx: &Ctx,
    kind: CredentialKind,
    user_id: Uuid,
) -> Result<Vec<CredentialRow>> {
    let mut conn = platform.store.read().await?;
    let owner = accounts::find_user_by_id(&mut conn, user_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("user", user_id))?;
    let scope = credential_scope(&owner)?;
    let resource = accordo_domain::Resource::record(&crate::policy::CREDENTIAL, &scope);
    if accordo_domain::can(&ctx.actor, accordo_domain::Action::Read, resource).is_err() {
        return Err(ServiceError::not_found("user", user_id));
    }
    Ok(creds::list_for_user(&mut conn, kind, user_id).await?)
}

/// Starts enrolment (or replacement) of a second factor: a new secret, pending until confirmed
/// with a code. It takes the password and, when a factor is enrolled, a current code of it: a
/// session or token alone cannot bind the account to another device. An account whose role
/// requires a factor and has none enrols only at sign-in with an administrator's temporary
/// password, never from its established password alone.
pub async fn begin_totp(
    platform: &Platform,
    ctx: &Ctx,
    password: &str,
    code: Option<&str>,
) -> Result<(String, String)> {
    let mut conn = platform.store.read().await?;
    let user = accounts::find_user_by_id(&mut conn, ctx.actor.user_id)
        .await?
        .ok_or(AuthFailure::TokenUnknown)?;
    let required_roles = accounts::totp_required_roles(&mut conn).await?;
    drop(conn);
    // Guesses at the password or the code through a session are throttled like sign-ins.
    proof_attempt(platform, &user.username)?;
    if !passwords::verify_blocking(password, &user.password_hash).await {
        return Err(ServiceError::refused_value(
            "password",
            "password-not-current",
            Vec::new(),
            "is not your password",
        ));
    }
    let seconds = platform.clock.now().as_second();
    let step = match &user.totp_secret {
        Some(secret) => {
            let code = code
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    ServiceError::refused_value(
                        "code",
                        "totp-code-needed",
                        Vec::new(),
                        "a code of your current second factor is needed",
                    )
                })?;
            Some(totp_step(secret, code, seconds).ok_or_else(|| {
                ServiceError::refused_value(
                    "code",
                    "totp-code-wrong",
                    Vec::new(),
                    "the code does not match your current second factor",
                )
            })?)
        }
        None if roles_need_totp(&user.roles, &required_roles) && !user.must_change_password => {
            return Err(ServiceError::refused_value(
                "password",
                "totp-none",
                Vec::new(),
                "your role requires a second factor and you have none: an administrator resets your password, and you set it up at the next sign-in",
            ));
        }
        None => None,
    };
    proof_accepted(platform, &user.username);
    let secret = new_totp_secret();
    let mut tx = platform.store.write().await?;
    if let Some(step) = step
        && !accounts::use_totp_step(&mut tx, user.id, step).await?
    {
        return Err(ServiceError::refused_value(
            "code",
            "totp-code-used",
            Vec::new(),
            "this code was used already; wait for the next one",
        ));
    }
    accounts::set_totp(
        &mut tx,
        ctx.actor.user_id,
        user.totp_secret.as_deref(),
        Some(&secret),
        platform.now_us(),
    )
    .await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.totp_begin",
        "user",
        Some(&ctx.actor.user_id.to_string()),
        json!({"replacing": user.totp_secret.is_some()}),
    )
    .await?;
    tx.commit(audited).await?;
    let uri = otpauth_uri(&ctx.actor.username, &secret);
    Ok((secret, uri))
}

/// Takes one attempt at proving the password (or a code) from a signed-in session, under the
/// same throttle as sign-in (the pair of the username and `account`): a stolen session
/// cannot guess them at will.
pub(crate) fn proof_attempt(platform: &Platform, username: &str) -> Result<()> {
    let s = &platform.settings;
    platform.pair_throttle.attempt(
        username,
        "account",
        platform.now_us(),
        s.pair_free_failures,
        s.pair_max_delay_seconds,
    )?;
    Ok(())
}

/// The proof succeeded: its attempts are given back.
pub(crate) fn proof_accepted(platform: &Platform, username: &str) {
    platform.pair_throttle.clear(username, "account");
}

/// Whether the user may set up a second factor from the account page: always to replace one,
/// and without one unless their role requires one (then only at sign-in with a temporary
/// password).
pub async fn may_enrol_totp(platform: &Platform, user: &UserRow) -> Result<bool> {
    if user.totp_secret.is_some() || user.must_change_password {
        return Ok(true);
    }
    let mut conn = platform.store.read().await?;
    let required = accounts::totp_required_roles(&mut conn).await?;
    Ok(!roles_need_totp(&user.roles, &required))
}

/// Confirms enrolment with a code from the authenticator; the pending secret becomes active.
pub async fn confirm_totp(platform: &Platform, ctx: &Ctx, code: &str) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let user = accounts::find_user_by_id(&mut conn, ctx.actor.user_id)
        .await?
        .ok_or(AuthFailure::TokenUnknown)?;
    drop(conn);
    let pending = user.totp_pending.ok_or_else(|| {
        ServiceError::refused_value(
            "code",
            "totp-no-enrolment",
            Vec::new(),
            "no enrolment is in progress; start one first",
        )
    })?;
    let Some(step) = totp_step(&pending, code, platform.clock.now().as_second()) else {
        return Err(ServiceError::refused_value(
            "code",
            "totp-enrol-wrong",
            Vec::new(),
            "the code does not match; check the authenticator's clock and try the next code",
        ));
    };
    let mut tx = platform.store.write().await?;
    accounts::set_totp(
        &mut tx,
        ctx.actor.user_id,
        Some(&pending),
        None,
        platform.now_us(),
    )
    .await?;
    // The new factor's code counts as used: it cannot also sign in.
    accounts::use_totp_step(&mut tx, user.id, step).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.totp_enrol",
        "user",
        Some(&ctx.actor.user_id.to_string()),
        json!({}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// For each role, whether its users must have a second factor.
pub async fn totp_policy(platform: &Platform, ctx: &Ctx) -> Result<Vec<(Role, bool)>> {
    accordo_domain::can(
        &ctx.actor,
        accordo_domain::Action::Read,
        accordo_domain::Resource::collection(&crate::policy::SETTINGS),
    )?;
    let mut conn = platform.store.read().await?;
    let required = accounts::totp_required_roles(&mut conn).await?;
    Ok(Role::ALL
        .iter()
        .map(|r| (*r, required.iter().any(|q| q == r.as_str())))
        .collect())
}

/// Enrols a second factor for a user directly, from the command line: the operator hands the
/// secret to the user in person. Returns the secret and its `otpauth://` URI.
pub async fn enrol_totp_directly(
    platform: &Platform,
    ctx: &Ctx,
    user: &UserRow,
) -> Result<(String, String)> {
    let secret = new_totp_secret();
    let mut tx = platform.store.write().await?;
    accounts::set_totp(&mut tx, user.id, Some(&secret), None, platform.now_us()).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "user.totp_enrol",
        "user",
        Some(&user.id.to_string()),
        json!({"by": "command line"}),
    )
    .await?;
    tx.commit(audited).await?;
    let uri = otpauth_uri(&user.username, &secret);
    Ok((secret, uri))
}

/// 160 random bits, base32: the RFC 4226 recommended length for SHA-1.
fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    totp_rs::Secret::Raw(bytes.to_vec())
        .to_encoded()
        .to_string()
}

/// The `otpauth://` URI an authenticator app reads (for a QR code).
pub fn otpauth_uri(username: &str, secret: &str) -> String {
    format!(
        "otpauth://totp/accordo:{username}?secret={secret}&issuer=accordo&algorithm=SHA1&digits=6&period=30"
    )
}

#[cfg(test)]
mod touched_tests {
    use super::*;

    #[test]
    fn a_credentials_use_is_noted_once_a_minute_on_a_node() {
        let touched = Touched::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(touched.first(a, 0));
        assert!(!touched.first(a, 1), "the same moment: noted already");
        assert!(touched.first(b, 1), "another credential");
        assert!(!touched.first(a, TOUCH_EVERY_US));
        assert!(touched.first(a, TOUCH_EVERY_US + 1), "a minute on");
        // Many credentials: once 10,000 are held, those not used within a minute are
        // forgotten.
        for i in 0..10_000 {
            assert!(touched.first(Uuid::now_v7(), TOUCH_EVERY_US + i));
        }
        assert!(touched.first(Uuid::now_v7(), 3 * TOUCH_EVERY_US));
        let held = touched.0.lock().unwrap_or_else(|p| p.into_inner()).len();
        assert_eq!(held, 1, "only the newest is within a minute");
    }
}
