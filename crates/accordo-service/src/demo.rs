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
        "Azienda Agricola Demo (employer)",
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
        "audit,return_case,readmission_request,centre,centre_stay,safeguard",
        "Europe/Rome",
    ),
];

/// (username, display name, agency, roles, language)
pub const USERS: &[(&str, &str, &str, &str, &str)] = &[
    ("ita.admin", "Giulia Demo (admin)", "IT-MI", "admin", "it"),
    (
        "ita.analyst",
        "Marco Esempio (analyst)",
        "IT-MI",
        "analyst",
        "it",
    ),
    (
        "ita.officer",
        "Laura Prova (officer)",
        "IT-PS",
        "officer",
        "it",
    ),
    (
        "ita.coastguard",
        "Paolo Fittizio (officer)",
        "IT-GC",
        "officer",
        "it",
    ),
    (
        "ita.caseworker",
        "Sara Campione (caseworker)",
        "IT-UI",
        "caseworker",
        "it",
    ),
    (
        "ita.employer",
        "Azienda Demo (employer)",
        "IT-EMP",
        "employer",
        "it",
    ),
    (
        "esp.officer",
        "Lucía Ejemplo (officer)",
        "ES-PN",
        "officer",
        "en",
    ),
    (
        "grc.officer",
        "Nikos Paradeigma (officer)",
        "GR-HP",
        "officer",
        "en",
    ),
    (
        "tun.officer",
        "Amine Exemple (officer)",
        "TN-GN",
        "officer",
        "en",
    ),
    (
        "tun.partner_authority",
        "Leila Exemple (readmission)",
        "TN-MI",
        "partner_authority",
        "en",
    ),
    (
        "tur.officer",
        "Deniz Örnek (officer)",
        "TR-SG",
        "officer",
        "en",
    ),
    (
        "pak.officer",
        "Imran Misaal (officer)",
        "PK-FIA",
        "officer",
        "en",
    ),
    (
        "pak.partner_authority",
        "Ayesha Misaal (readmission)",
        "PK-MOI",
        "partner_authority",
        "en",
    ),
    (
        "unhcr.monitor",
        "Anna Sample (monitor)",
        "UNHCR",
        "monitor",
        "en",
    ),
];

/// Roles that read RED material: outside the demo they need a second factor by default.
const TOTP_BY_DEFAULT: &[Role] = &[Role::Admin, Role::Analyst, Role::Officer];

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
            mandate: Vec::new(),
        },
        request_id: None,
    }
}

/// Countries, the default second-factor policy, the official statistics, the quota totals
/// and the first cooperation-index policy, written once.
pub async fn ensure_reference_data(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let no_quotas = accordo_store::cooperation::quota_totals(&mut conn)
        .await?
        .is_empty();
    drop(conn);
    if no_quotas {
        // An installation from before the returns pillar gets them too.
        let mut tx = platform.store.write().await?;
        crate::demo_returns::reference(platform, &mut tx).await?;
        audit::record(
            platform,
            &mut tx,
            &command_line_ctx(),
            "system.reference_statistics",
            "quota_total",
            None,
            json!({"official_statistics": crate::demo_returns::official_rows()?.len(), "quota_totals": crate::demo_returns::quota_rows()?.len()}),
        )
        .await?;
        tx.commit().await?;
    }
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
    audit::record(
        platform,
        &mut tx,
        &ctx,
        "system.reference_data",
        "country",
        None,
        json!({"countries": CountryCode::all().count()}),
    )
    .await?;
    tx.commit().await?;
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
    audit::record(
        platform,
        &mut tx,
        &ctx,
        "system.demo_seed",
        "agency",
        None,
        json!({"agencies": AGENCIES.len(), "users": USERS.len()}),
    )
    .await?;
    tx.commit().await?;
    seed_documents(platform).await?;
    crate::demo_returns::seed(platform).await?;
    Ok(true)
}

/// A synthetic travel document of the demo (every person is invented).
struct DemoDocument {
    issuing_state: &'static str,
    code: &'static str,
    number: &'static str,
    surname: &'static str,
    given: &'static str,
    nationality: &'static str,
    birth: &'static str,
    sex: &'static str,
    expiry: &'static str,
    /// Its status in the register, or "" when it is not reported.
    status: &'static str,
    reported_by: &'static str,
    notes: &'static str,
}

const DEMO_DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        issuing_state: "PAK",
        code: "PP",
        number: "AB1234567",
        surname: "FITTIZIO",
        given: "AHMED",
        nationality: "PAK",
        birth: "1991-03-14",
        sex: "M",
        expiry: "2029-05-01",
        status: "stolen",
        reported_by: "PK-FIA",
        notes: "reported at Lahore passport office",
    },
    DemoDocument {
        issuing_state: "TUN",
        code: "P",
        number: "TN0045781",
        surname: "ESEMPIO",
        given: "SALMA",
        nationality: "TUN",
        birth: "1998-11-02",
        sex: "F",
        expiry: "2030-02-17",
        status: "lost",
        reported_by: "TN-GN",
        notes: "",
    },
    DemoDocument {
        issuing_state: "ITA",
        code: "PA",
        number: "YA7654321",
        surname: "PROVA",
        given: "GIULIO",
        nationality: "ITA",
        birth: "1985-07-30",
        sex: "M",
        expiry: "2031-09-09",
        status: "stolen",
        reported_by: "IT-PS",
        notes: "stolen from a car in Bari",
    },
    DemoDocument {
        issuing_state: "TUR",
        code: "P",
        number: "U12398765",
        surname: "DENEME",
        given: "AYSE",
        nationality: "TUR",
        birth: "1979-01-21",
        sex: "F",
        expiry: "2028-12-31",
        status: "forged",
        reported_by: "TR-SG",
        notes: "data page substituted",
    },
    DemoDocument {
        issuing_state: "PAK",
        code: "PP",
        number: "AB9000417",
        surname: "MISAL",
        given: "IMRAN",
        nationality: "PAK",
        birth: "2001-06-05",
        sex: "M",
        expiry: "2032-04-11",
        status: "",
        reported_by: "",
        notes: "",
    },
];

fn demo_fields(d: &DemoDocument) -> accordo_mrz::Fields {
    accordo_mrz::Fields {
        format: accordo_mrz::Format::Td3,
        document_code: d.code.to_owned(),
        issuing_state: d.issuing_state.to_owned(),
        names: accordo_mrz::Names {
            primary: d.surname.to_owned(),
            secondary: d.given.to_owned(),
            truncated: false,
        },
        document_number: d.number.to_owned(),
        nationality: d.nationality.to_owned(),
        birth_date: d.birth.parse().ok(),
        sex: d.sex.to_owned(),
        expiry_date: d.expiry.parse().ok(),
        optional_data: String::new(),
    }
}

/// MRZs of the demo's synthetic documents, to paste into "Check a document": (what it
/// shows, MRZ). Empty outside the demo.
pub fn sample_mrzs() -> Vec<(String, String)> {
    DEMO_DOCUMENTS
        .iter()
        .filter_map(|d| {
            let mrz = accordo_mrz::generate(&demo_fields(d)).ok()?;
            let what = if d.status.is_empty() {
                format!("{} {}: not reported", d.issuing_state, d.number)
            } else {
                format!(
                    "{} {}: reported {} by {}",
                    d.issuing_state, d.number, d.status, d.reported_by
                )
            };
            Some((what, mrz))
        })
        .collect()
}

/// The demo's register entries and a forgery alert, written once with the demo.
async fn seed_documents(platform: &Platform) -> Result<()> {
    let now = platform.now_us();
    let reports: Vec<_> = DEMO_DOCUMENTS
        .iter()
        .filter(|d| !d.status.is_empty())
        .filter_map(|d| {
            let key =
                accordo_documents::DocumentKey::new(d.issuing_state, d.code, d.number).ok()?;
            Some((key, d))
        })
        .map(|(key, d)| (new_id(), key.as_text(), key, d))
        .collect();
    let mut tx = platform.store.write().await?;
    for (id, text, key, d) in &reports {
        let kind = key.document_type.to_string();
        let new = accordo_store::documents::NewReport {
            id: *id,
            doc_key: text,
            issuing_state: &key.issuing_state,
            document_type: &kind,
            document_number: &key.document_number,
            status: d.status,
            owner_agency: d.reported_by,
            reported_on: "2026-11-02",
            notes: d.notes,
            created_by: "demo",
        };
        accordo_store::documents::insert(&mut tx, std::slice::from_ref(&new), now).await?;
    }
    let addressees = vec![
        ("agency".to_owned(), "PK-FIA".to_owned()),
        ("agency".to_owned(), "IT-PS".to_owned()),
        ("country".to_owned(), "GRC".to_owned()),
    ];
    let alert = accordo_store::documents::NewAlert {
        id: new_id(),
        owner_agency: "TR-SG",
        handling: "AMBER",
        issuing_state: Some("PAK"),
        document_type: Some("P"),
        number_from: None,
        number_to: None,
        number_pattern: Some("AB9*"),
        what_forged: "Counterfeit passports of the AB9 series",
        how_to_recognise: "The ghost image lacks the holographic border; the MRZ font is slightly too narrow.",
        created_by: "demo",
        addressees: &addressees,
    };
    accordo_store::documents::insert_alert(&mut tx, &alert, now).await?;
    audit::record(
        platform,
        &mut tx,
        &command_line_ctx(),
        "system.demo_documents",
        "document_report",
        None,
        json!({"reports": reports.len(), "alerts": 1}),
    )
    .await?;
    tx.commit().await?;
    crate::documents::load_index(platform).await?;
    Ok(())
}
