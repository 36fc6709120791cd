//! The demo's legal pathways: the ministry publishes the 2026 reserve for cooperating
//! countries of the seasonal-agriculture quota (4,875 of the first 40,075 places, Nota 64 of
//! 12 January 2026) and opens that category's click day; the non-seasonal window opens later.
//! The demo employer has pre-filled one application (of three it may); Pakistan's Bureau of
//! Emigration runs a language course and has certified one trainee. Every worker and trainee
//! is synthetic.

use std::collections::BTreeMap;

use accordo_service::demo::ctx_of;
use accordo_service::{Platform, Result};
use jiff::ToSpan;

use crate::service::{self, NewApplication, NewWindow};
use crate::training::{self, NewCourse, NewTrainee};

/// The 2026 first allocation of seasonal agriculture, and its part reserved for countries
/// with migration-cooperation agreements (data/italy-quotas in the cooperation pillar).
const SEASONAL_AGRICULTURE_2026: i64 = 40_075;
const RESERVED_2026: u64 = 4_875;

/// A synthetic worker the demo and the API's example use: (name, birth date, nationality,
/// passport MRZ). The MRZ is made by the documents pillar's generator and passes its checks.
pub const WORKERS: &[(&str, &str, &str, &str)] = &[
    (
        "Ali Esempio",
        "1996-03-14",
        "PAK",
        "P<PAKESEMPIO<<ALI<<<<<<<<<<<<<<<<<<<<<<<<<<<\nAK04123451PAK9603149M3106305<<<<<<<<<<<<<<08",
    ),
    (
        "Sana Modello",
        "1999-07-02",
        "PAK",
        "P<PAKMODELLO<<SANA<<<<<<<<<<<<<<<<<<<<<<<<<<\nAK04987655PAK9907021F3106305<<<<<<<<<<<<<<06",
    ),
    (
        "Karim Prova",
        "1994-11-30",
        "TUN",
        "P<TUNPROVA<<KARIM<<<<<<<<<<<<<<<<<<<<<<<<<<<\nTN77123451TUN9411302M3106305<<<<<<<<<<<<<<00",
    ),
    (
        "Amina Campione",
        "2000-01-21",
        "TUN",
        "P<TUNCAMPIONE<<AMINA<<<<<<<<<<<<<<<<<<<<<<<<\nTN77987655TUN0001214F3106305<<<<<<<<<<<<<<06",
    ),
];

/// The application of a demo worker, for the employer's form and the tests.
pub fn application_for(worker: usize, category: &str) -> NewApplication {
    let (name, birth, nationality, mrz) = WORKERS[worker % WORKERS.len()];
    NewApplication {
        category: category.to_owned(),
        year: None,
        worker_name: name.to_owned(),
        worker_birth_date: birth.to_owned(),
        worker_nationality: nationality.to_owned(),
        worker_mrz: mrz.to_owned(),
        contract: "fixed_term".to_owned(),
        monthly_wage_eur: 1_450,
        months: Some(6),
        province: "LT".to_owned(),
        certificate_code: None,
    }
}

/// Writes the demo's windows, application and course once.
pub async fn seed(platform: &Platform) -> Result<()> {
    if !service::click_day(platform).windows.is_empty() {
        return Ok(());
    }
    let admin = ctx_of(platform, "ita.admin").await?;
    let employer = ctx_of(platform, "ita.employer").await?;
    let labour = ctx_of(platform, "pak.labour").await?;
    let tz = jiff::tz::TimeZone::get(&platform.settings.host_time_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let now = platform.clock.now().to_zoned(tz.clone());
    let year = now.year();
    // Opened at 09:00 today, or yesterday if it is not yet 09:00; open for four weeks.
    let nine = now
        .date()
        .at(9, 0, 0, 0)
        .to_zoned(tz.clone())
        .map_err(|e| accordo_service::ServiceError::invalid("demo", e.to_string()))?;
    let opens = if nine.timestamp() <= now.timestamp() {
        nine
    } else {
        nine.checked_sub(1.day())
            .map_err(|e| accordo_service::ServiceError::invalid("demo", e.to_string()))?
    };
    let later = |z: &jiff::Zoned, days: i64| -> String {
        z.checked_add(days.days())
            .map(|z| z.timestamp().to_string())
            .unwrap_or_default()
    };
    let allocation = accordo_cooperation_app::service::publish(
        platform,
        &admin,
        accordo_cooperation_app::service::AllocationInput {
            year: i32::from(year),
            category: "seasonal agriculture: reserved for cooperating countries".into(),
            seats: RESERVED_2026,
            method: "largest-remainder".into(),
            policy_version: None,
            weights: BTreeMap::new(),
            floors: BTreeMap::new(),
            caps: BTreeMap::new(),
        },
    )
    .await?;
    service::create_window(
        platform,
        &admin,
        NewWindow {
            year: i64::from(year),
            category: "seasonal_agriculture".into(),
            opens_at: opens.timestamp().to_string(),
            closes_at: later(&opens, 28),
            general_places: SEASONAL_AGRICULTURE_2026 - RESERVED_2026 as i64,
            allocation_id: allocation.id.map(|id| id.to_string()),
            policy: None,
        },
    )
    .await?;
    service::create_window(
        platform,
        &admin,
        NewWindow {
            year: i64::from(year),
            category: "non_seasonal".into(),
            opens_at: later(&opens, 45),
            closes_at: later(&opens, 73),
            general_places: 76_200,
            allocation_id: None,
            policy: None,
        },
    )
    .await?;
    service::prefill(
        platform,
        &employer,
        application_for(1, "seasonal_agriculture"),
    )
    .await?;
    service::register_association(platform, &admin, "IT-CONF").await?;
    let start = now.date().checked_sub(30.days()).unwrap_or(now.date());
    let end = now.date().checked_sub(2.days()).unwrap_or(now.date());
    let course = training::create_course(
        platform,
        &labour,
        NewCourse {
            title: "Italian for agricultural work (A1)".into(),
            kind: "language".into(),
            place: "Lahore".into(),
            starts_on: start.to_string(),
            ends_on: end.to_string(),
        },
    )
    .await?;
    let mut first = None;
    for worker in [0, 1] {
        let (name, birth, nationality, mrz) = WORKERS[worker];
        let trainee = training::enrol(
            platform,
            &labour,
            &course.id,
            NewTrainee {
                name: name.into(),
                birth_date: birth.into(),
                nationality: nationality.into(),
                document_number: mrz
                    .lines()
                    .nth(1)
                    .map(|l| l[..9].trim_end_matches('<').to_owned())
                    .unwrap_or_default(),
            },
        )
        .await?;
        first.get_or_insert(trainee.id);
    }
    if let Some(trainee) = first {
        training::certify(platform, &labour, &course.id, &trainee).await?;
    }
    Ok(())
}
