//! Reference data every installation has, and the demo partnership (`serve --demo`).
//!
//! Every person in the demo is synthetic. The demo's agencies are real institutions by
//! name only, so that the partnership reads as it would in use.

use accordo_domain::CountryCode;
use accordo_domain::access::Actor;
use accordo_domain::{AgencyCode, Role, RoleSet};
use accordo_store::accounts::{self, AgencyRow, NewUser};
use serde_json::json;
use uuid::Uuid;

use crate::{Ctx, Platform, Result, ServiceError, audit, new_id, passwords};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "accordo-demo";

const DEMO_STATE_KEY: &str = "demo_partnership";

/// (code, name, country, operator, mandate, time zone)
type DemoAgency = (
    &'static str,
    &'static str,
    Option<&'static str>,
    bool,
    &'static str,
    &'static str,
);

const AGENCIES: &[DemoAgency] = &[
    (
        "IT-MI",
        "Ministero dell'Interno – policy unit",
        Some("ITA"),
        true,
        "",
        "Europe/Rome",
    ),
    (
        "IT-PS",
        "Polizia di Stato",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "IT-GC",
        "Guardia Costiera",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "IT-UI",
        "Ufficio Immigrazione – Questura di Roma",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "IT-EMP",
        "Azienda Agricola Demo",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "IT-SUI",
        "Sportello Unico per l'Immigrazione – Prefettura di Latina",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "IT-CONF",
        "Confagricoltura Latina",
        Some("ITA"),
        false,
        "",
        "Europe/Rome",
    ),
    (
        "ES-PN",
        "Policía Nacional",
        Some("ESP"),
        false,
        "",
        "Europe/Madrid",
    ),
    (
        "GR-HP",
        "Hellenic Police",
        Some("GRC"),
        false,
        "",
        "Europe/Athens",
    ),
    (
        "PK-FIA",
        "Federal Investigation Agency",
        Some("PAK"),
        false,
        "",
        "Asia/Karachi",
    ),
    (
        "PK-MOI",
        "Ministry of Interior – central readmission authority",
        Some("PAK"),
        false,
        "",
        "Asia/Karachi",
    ),
    (
        "PK-BEOE",
        "Bureau of Emigration and Overseas Employment",
        Some("PAK"),
        false,
        "",
        "Asia/Karachi",
    ),
    (
        "TR-SG",
        "Sahil Güvenlik Komutanlığı (Coast Guard)",
        Some("TUR"),
        false,
        "",
        "Europe/Istanbul",
    ),
    (
        "TR-EGM",
        "Emniyet Genel Müdürlüğü (Police)",
        Some("TUR"),
        false,
        "",
        "Europe/Istanbul",
    ),
    (
        "TN-GN",
        "Garde nationale",
        Some("TUN"),
        false,
        "",
        "Africa/Tunis",
    ),
    (
        "TN-MI",
        "Ministère de l'Intérieur – readmission",
        Some("TUN"),
        false,
        "",
        "Africa/Tunis",
    ),
    (
        "UNHCR",
        "UNHCR – independent monitor",
        None,
        false,
        "audit,return_case,readmission_request,centre,centre_stay,safeguard,cooperation_index",
        "Europe/Rome",
    ),
];

/// (username, display name, agency, roles, language)
pub const USERS: &[(&str, &str, &str, &str, &str)] = &[
    ("ita.admin", "Giulia Demo", "IT-MI", "admin", "it"),
    ("ita.analyst", "Marco Esempio", "IT-MI", "analyst", "it"),
    ("ita.officer", "Laura Prova", "IT-PS", "officer", "it"),
    ("ita.coastguard", "Paolo Fittizio", "IT-GC", "officer", "it"),
    (
        "ita.caseworker",
        "Sara Campione",
        "IT-UI",
        "caseworker",
        "it",
    ),
    ("ita.employer", "Azienda Demo", "IT-EMP", "employer", "it"),
    ("ita.labour", "Chiara Modello", "IT-SUI", "caseworker", "it"),
    (
        "ita.association",
        "Confagricoltura Demo",
        "IT-CONF",
        "employer",
        "it",
    ),
    ("esp.officer", "Lucía Ejemplo", "ES-PN", "officer", "en"),
    ("grc.officer", "Nikos Paradeigma", "GR-HP", "officer", "en"),
    ("tun.officer", "Amine Exemple", "TN-GN", "officer", "en"),
    (
        "tun.partner_authority",
        "Leila Exemple",
        "TN-MI",
        "partner_authority",
        "en",
    ),
    ("tur.officer", "Deniz Örnek", "TR-SG", "officer", "en"),
    ("pak.officer", "Imran Misaal", "PK-FIA", "officer", "en"),
    (
        "pak.partner_authority",
        "Ayesha Misaal",
        "PK-MOI",
        "partner_authority",
        "en",
    ),
    (
        "pak.labour",
        "Bilal Namuna",
        "PK-BEOE",
        "partner_authority",
        "en",
    ),
    ("unhcr.monitor", "Anna Sample", "UNHCR", "monitor", "en"),
];

/// Roles that read RED material: outside the demo they need a second factor by default.
const TOTP_BY_DEFAULT: &[Role] = &[Role::Admin, Role::Analyst, Role::Officer];

/// The context of a demo user by name, for a module's demo to act as that user would.
pub async fn ctx_of(platform: &Platform, username: &str) -> Result<Ctx> {
    let mut conn = platform.store.read().await?;
    let user = accounts::find_user_by_username(&mut conn, username)
        .await?
        .ok_or_else(|| ServiceError::invalid("demo", format!("no demo user {username}")))?;
    drop(conn);
    Ok(Ctx {
        actor: crate::auth::actor_for(platform, &user).await?,
        request_id: None,
    })
}

/// The actor for command-line operations: whoever holds the database holds the platform.
pub fn command_line_ctx() -> Ctx {
    Ctx {
        actor: Actor {
            user_id: Uuid::nil(),
            username: "cli".into(),
            // "CLI" is a syntactically valid agency code; it names no agency.
            agency: AgencyCode::parse("CLI")
                .unwrap_or_else(|_| unreachable!("CLI is a valid agency code")),
            country: None,
            roles: [Role::Admin].into_iter().collect::<RoleSet>(),
            operator: true,
            host_state: true,
            mandate: Vec::new(),
        },
        request_id: None,
    }
}

/// Countries and the default second-factor policy, written once. (Each module writes its own
/// reference data in its `prepare` hook.)
pub async fn ensure_reference_data(platform: &Platform) -> Result<()> {
    if accounts::country_count(&platform.store).await? > 0 {
        return Ok(());
    }
    let mut tx = platform.store.write().await?;
    for (code, name) in CountryCode::all() {
        accounts::upsert_country(tx.conn(), code, name).await?;
    }
    for role in TOTP_BY_DEFAULT {
        accounts::set_totp_required(&mut tx, role.as_str(), true).await?;
    }
    let ctx = command_line_ctx();
    let audited = audit::record(
        platform,
        &mut tx,
        &ctx,
        "system.reference_data",
        "country",
        None,
        json!({"countries": CountryCode::all().count()}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// Whether this database holds the demo partnership.
pub async fn is_demo(platform: &Platform) -> Result<bool> {
    let mut conn = platform.store.read().await?;
    Ok(accounts::get_state(&mut conn, DEMO_STATE_KEY)
        .await?
        .is_some())
}

/// Whether this database holds any agency (a demo must start from an empty one).
async fn has_agencies(platform: &Platform) -> Result<bool> {
    Ok(!accounts::list_agencies(&platform.store).await?.is_empty())
}

/// A demo agency holds every role if it operates the platform; else its own administrator's
/// and those of its demo users.
fn demo_agency_roles(code: &str, operator: bool) -> Vec<String> {
    let mut set = if operator {
        RoleSet::all()
    } else {
        [Role::Admin].into_iter().collect()
    };
    for (_, _, agency, roles, _) in USERS {
        if *agency == code {
            for role in RoleSet::parse_list(roles).unwrap_or_default().iter() {
                set.insert(role);
            }
        }
    }
    set.iter().map(|r| r.as_str().to_owned()).collect()
}

/// Seeds the demo partnership once, in one transaction. Refuses a database that already
/// holds a real installation.
pub async fn seed(platform: &Platform) -> Result<bool> {
    if is_demo(platform).await? {
        return Ok(false);
    }
    if has_agencies(platform).await? {
        return Err(ServiceError::invalid(
            "--demo",
            "this database holds a real installation; the demo needs a fresh data directory",
        ));
    }
    let now = platform.now_us();
    let ctx = command_line_ctx();
    let mut tx = platform.store.write().await?;
    for (code, name, country, operator, mandate, tz) in AGENCIES {
        let row = AgencyRow {
            code: (*code).into(),
            name: (*name).into(),
            country: country.map(str::to_owned),
            operator: *operator,
            mandate: mandate
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            time_zone: (*tz).into(),
            roles: demo_agency_roles(code, *operator),
        };
        accounts::insert_agency(&mut tx, &row, now).await?;
    }
    let hash = passwords::hash(platform.settings.password_cost, DEMO_PASSWORD);
    for (username, display, agency, roles, language) in USERS {
        let tz = AGENCIES
            .iter()
            .find(|a| a.0 == *agency)
            .map_or("UTC", |a| a.5);
        let user = NewUser {
            id: new_id(),
            username,
            display_name: display,
            agency,
            roles,
            password_hash: &hash,
            must_change_password: false,
            language,
            time_zone: tz,
        };
        accounts::insert_user(&mut tx, &user, now).await?;
    }
    // The demo signs in without a second factor, so that a newcomer can look around.
    for role in Role::ALL {
        accounts::set_totp_required(&mut tx, role.as_str(), false).await?;
    }
    accounts::set_state(&mut tx, DEMO_STATE_KEY, "1").await?;
    let audited = audit::record(
        platform,
        &mut tx,
        &ctx,
        "system.demo_seed",
        "agency",
        None,
        json!({"agencies": AGENCIES.len(), "users": USERS.len()}),
    )
    .await?;
    tx.commit(audited).await?;
    for module in platform.modules.iter() {
        if let Some(seed) = module.seed {
            seed(platform).await?;
        }
    }
    Ok(true)
}
