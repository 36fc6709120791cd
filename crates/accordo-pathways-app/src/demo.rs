//! The demo's legal pathways: the ministry publishes the 2026 reserve for cooperating
//! countries of the seasonal-agriculture quota (4,875 of the first 40,075 places, Nota 64 of
//! 12 January 2026) and opens that category's click day; the non-seasonal window opens later.
//! The demo employer has pre-filled one application (of three it may); Pakistan's Bureau of
//! Emigration runs a language course and has certified one trainee. Last year's
//! seasonal-tourism click day, demo-sized (40 places), shows where assigned places stopped on
//! their way to a residence permit. Every worker and trainee is synthetic.

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
    let tz = crate::service::host_tz(platform);
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
            // As the ministry types it: in Italian.
            category: "lavoro stagionale agricolo: riservato ai Paesi che cooperano".into(),
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
    past_window(platform, &admin, i64::from(year) - 1).await?;
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
    second_policy(platform).await
}

/// The index's second policy: the first, with trainees certified before departure counted
/// (5%, from answered in time's 25%), as the ministry's analyst would make it.
async fn second_policy(platform: &Platform) -> Result<()> {
    let analyst = ctx_of(platform, "ita.analyst").await?;
    let first = accordo_cooperation_app::service::policies(platform, &analyst).await?;
    let Some(latest) = first.first() else {
        return Ok(());
    };
    let mut policy = latest.policy.clone();
    for w in &mut policy.indicators {
        if w.indicator == "answered_in_time" {
            w.weight -= 0.05;
        }
    }
    policy
        .indicators
        .push(accordo_cooperation::index::Weighted {
            indicator: "pre_departure_certified".into(),
            weight: 0.05,
            worst: 0.0,
            best: 100.0,
            target: Some(50.0),
        });
    accordo_cooperation_app::service::new_policy(
        platform,
        &analyst,
        policy,
        // Written by the Italian ministry's analyst, in Italian.
        "Conta la formazione pre-partenza: 5%, tolto dal 25% delle richieste con risposta nei termini.",
    )
    .await?;
    Ok(())
}

/// How far last year's demo places went: of 40 assigned, so many reached each step.
const REACHED: [usize; 5] = [34, 26, 22, 12, 10];
const NATIONALITIES: [&str; 4] = ["PAK", "TUN", "BGD", "EGY"];
const PROVINCES: [&str; 5] = ["RM", "LT", "FG", "RG", "VR"];
/// Made-up names for the demo's past workers.
const GIVEN: [&str; 8] = [
    "ALI", "SANA", "KARIM", "AMINA", "RAHIM", "NUR", "OMAR", "HIBA",
];
const SURNAMES: [&str; 7] = [
    "ESEMPIO", "MODELLO", "PROVA", "CAMPIONE", "FITTIZIO", "SAMPLE", "PRIMO",
];

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_string() + &chars.as_str().to_lowercase()
    })
}

/// Last year's seasonal-tourism click day, closed and assigned, with each place's path:
/// written as the records would stand a year on (the writer only takes submissions while a
/// window is open).
async fn past_window(platform: &Platform, admin: &accordo_service::Ctx, year: i64) -> Result<()> {
    use crate::store::{self, ApplicationRow, NewSubmission, SubmissionRow, WindowRow};
    let invalid = |e: String| accordo_service::ServiceError::invalid("demo", e);
    let tz = crate::service::host_tz(platform);
    let at = |month: i8, day: i8, hour: i8| -> Result<jiff::Zoned> {
        i16::try_from(year)
            .map_err(|e| invalid(e.to_string()))
            .and_then(|y| {
                jiff::civil::date(y, month, day)
                    .at(hour, 0, 0, 0)
                    .to_zoned(tz.clone())
                    .map_err(|e| invalid(e.to_string()))
            })
    };
    let opens = at(2, 12, 9)?;
    let closes = at(12, 31, 18)?;
    let window = WindowRow {
        id: accordo_service::new_id().to_string(),
        year,
        category: "seasonal_tourism".into(),
        opens_at: opens.timestamp().as_microsecond(),
        closes_at: closes.timestamp().as_microsecond(),
        general_places: 40,
        policy: r#"{"kind":"time_order"}"#.into(),
        allocation_id: String::new(),
        received: 48,
        assigned_at: closes.timestamp().as_microsecond(),
        created_by: admin.actor.username.clone(),
        created_at: opens.timestamp().as_microsecond(),
    };
    let mut rows = accordo_store::inserts::Inserts::new();
    store::window_rows(&mut rows, &window, &[]);
    for n in 0..48usize {
        let nationality = NATIONALITIES[n % NATIONALITIES.len()];
        let birth = jiff::civil::date(
            1990 + (n % 10) as i16,
            1 + (n % 12) as i8,
            1 + (n % 28) as i8,
        );
        let number = format!("DW{n:07}");
        let mrz = accordo_mrz::generate(&accordo_mrz::Fields {
            format: accordo_mrz::Format::Td3,
            document_code: "P".into(),
            issuing_state: nationality.into(),
            names: accordo_mrz::Names {
                primary: SURNAMES[n % SURNAMES.len()].into(),
                secondary: GIVEN[n % GIVEN.len()].into(),
                truncated: false,
            },
            document_number: number.clone(),
            nationality: nationality.into(),
            birth_date: Some(birth),
            sex: if n % 2 == 0 { "M" } else { "F" }.into(),
            expiry_date: Some(jiff::civil::date(2032, 1, 1)),
            optional_data: String::new(),
        })
        .map_err(|e| invalid(e.to_string()))?;
        let received = opens.timestamp().as_microsecond() + n as i64 * 1_700_000;
        let application = ApplicationRow {
            id: accordo_service::new_id().to_string(),
            code: format!("DEMO-{:04}-{}", year, n + 1),
            owner_agency: "IT-CONF".into(),
            window_id: window.id.clone(),
            worker_name: format!(
                "{} {}",
                title_case(GIVEN[n % GIVEN.len()]),
                title_case(SURNAMES[n % SURNAMES.len()])
            ),
            worker_birth_date: birth.to_string(),
            worker_nationality: nationality.into(),
            worker_mrz: mrz,
            worker_document: number,
            contract: "fixed_term".into(),
            monthly_wage_eur: 1_380,
            months: 6,
            province: PROVINCES[n % PROVINCES.len()].into(),
            certificate_code: String::new(),
            created_by: "ita.association".into(),
            created_at: received - 86_400_000_000,
        };
        store::application_rows(&mut rows, &application);
        let submission = SubmissionRow {
            position: n as i64 + 1,
            received_at: received,
            idempotency_key: format!("demo-{}", n + 1),
            body_sha256: String::new(),
        };
        store::submission_rows(
            &mut rows,
            &NewSubmission {
                application_id: &application.id,
                window_id: &window.id,
                owner_agency: "IT-CONF",
                submitted_by: "ita.association",
                row: &submission,
            },
        );
        let (outcome, rank) = if n < 40 {
            ("assigned", n + 1)
        } else {
            ("reserve", n - 39)
        };
        store::assignment_row(
            &mut rows,
            &application.id,
            &window.id,
            outcome,
            "",
            rank as i64,
        );
        if n < 40 {
            for (step, reached) in accordo_pathways::STEPS.iter().zip(REACHED) {
                if n >= reached {
                    break;
                }
                let month = 3 + accordo_pathways::STEPS
                    .iter()
                    .position(|s| s == step)
                    .unwrap_or(0) as i8;
                let on = jiff::civil::date(
                    i16::try_from(year).unwrap_or(2025),
                    month,
                    1 + (n % 27) as i8,
                );
                store::step_row(
                    &mut rows,
                    &application.id,
                    step,
                    &on.to_string(),
                    if *step == "residence_permit" {
                        "IT-UI"
                    } else {
                        "IT-SUI"
                    },
                    "ita.labour",
                    platform.now_us(),
                );
            }
        }
    }
    let mut tx = platform.store.write().await?;
    let (audited, _) = accordo_service::audit::record_with(
        platform,
        &mut tx,
        admin,
        "pathways_window.demo",
        crate::policy::PATHWAYS_WINDOW.kind,
        Some(&window.id),
        serde_json::json!({"year": year, "applications": 48}),
        rows,
    )
    .await?;
    tx.commit(audited).await?;
    service::load(platform).await
}
