//! The demo's intelligence exchange: a small synthetic smuggling network across four partners
//! (Pakistan's FIA, Italy's police, Turkey's coast guard, Spain's police), whose messages name
//! the same telephone number, account and ship, so that the hits show. Every name, number and
//! account is made up; the IBAN and IMO check digits are computed, the telephone numbers are
//! in ranges the numbering plans allocate, and none is known to be in use.

use accordo_service::{Platform, Result};

use crate::service::{cases, messages, operations, training, units};
use crate::store;

use accordo_service::demo::ctx_of;

/// Relations as `(from, relation, to)`.
fn relations(list: &[(&str, &str, &str)]) -> Vec<messages::NewRelation> {
    list.iter()
        .map(|(from, relation, to)| messages::NewRelation {
            from: (*from).to_owned(),
            relation: (*relation).to_owned(),
            to: (*to).to_owned(),
        })
        .collect()
}

fn entities(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Writes the demo's cases and messages once.
pub async fn seed(platform: &Platform) -> Result<()> {
    let mut conn = platform.store.read().await?;
    let any = store::message_count(&mut conn).await?;
    drop(conn);
    if any > 0 {
        return Ok(());
    }
    let pak = ctx_of(platform, "pak.officer").await?;
    let ita = ctx_of(platform, "ita.officer").await?;
    let tur = ctx_of(platform, "tur.officer").await?;
    let esp = ctx_of(platform, "esp.officer").await?;

    // Pakistan's FIA to Italy's police: a recruiter, his number and his account.
    let first = messages::send(
        platform,
        &pak,
        &messages::NewMessage {
            subject: "Recruiter for the Libya route, Gujrat district".into(),
            body: "A recruiter known as Karim Demo offers the crossing Karachi – Benghazi – \
                   Italy for 8,000 USD. Contact 0300 1234567 (WhatsApp); the first instalment \
                   is paid to PK36 SCBL 0000 0011 2345 6702."
                .into(),
            tlp: "AMBER".into(),
            addressees: vec!["IT-PS".into()],
            entities: entities(&[("person", "Karim Demo")]),
            relations: relations(&[
                ("person:Karim Demo", "uses", "phone:0300 1234567"),
                (
                    "person:Karim Demo",
                    "owns",
                    "iban:PK36 SCBL 0000 0011 2345 6702",
                ),
            ]),
            reliability: "B".into(),
            credibility: "2".into(),
            no_onward_sharing: true,
            no_court_use: true,
            ..Default::default()
        },
    )
    .await?;

    // Italy's police open a case with Spain, Turkey and Greece.
    let case = cases::open(
        platform,
        &ita,
        "Operazione Demo-Mare: departures from Zuwara",
        &["ES-PN".into(), "TR-SG".into(), "GR-HP".into()],
    )
    .await?;
    messages::send(
        platform,
        &ita,
        &messages::NewMessage {
            case: Some(case.id),
            subject: "Boats leaving Zuwara on Fridays".into(),
            body: "The organiser's Telegram channel t.me/demo_zuwara_trips announces Friday \
                   departures. Payments collected in cash in Zuwara."
                .into(),
            tlp: "AMBER+STRICT".into(),
            addressees: vec!["ES-PN".into(), "TR-SG".into(), "GR-HP".into()],
            reliability: "B".into(),
            credibility: "3".into(),
            no_onward_sharing: true,
            no_court_use: true,
            distribution_visible: true,
            ..Default::default()
        },
    )
    .await?;

    // Turkey's coast guard to Greece's police, outside the case: the same number. Turkey may
    // not read Pakistan's message: a hit for both.
    messages::send(
        platform,
        &tur,
        &messages::NewMessage {
            subject: "Fishing vessel stopped off Gerze".into(),
            body: "Crew member's phone called +92 300 1234567 twelve times before departure. \
                   Vessel IMO 9074729, MMSI 271000001."
                .into(),
            tlp: "AMBER".into(),
            addressees: vec!["GR-HP".into()],
            reliability: "A".into(),
            credibility: "2".into(),
            no_onward_sharing: true,
            no_court_use: false,
            ..Default::default()
        },
    )
    .await?;

    // Spain's police, in the case: the recruiter's account. A hit with Pakistan's FIA.
    messages::send(
        platform,
        &esp,
        &messages::NewMessage {
            case: Some(case.id),
            subject: "Transfers from Almería to a Pakistani account".into(),
            body: "Three transfers of 2,500 EUR to IBAN PK36SCBL0000001123456702, ordered by a \
                   money-transfer agent in Almería, Yusuf Demo."
                .into(),
            tlp: "AMBER".into(),
            addressees: vec!["IT-PS".into()],
            entities: entities(&[("person", "Yusuf Demo")]),
            relations: relations(&[(
                "person:Yusuf Demo",
                "paid-to",
                "iban:PK36SCBL0000001123456702",
            )]),
            reliability: "B".into(),
            credibility: "3".into(),
            no_onward_sharing: true,
            no_court_use: true,
            ..Default::default()
        },
    )
    .await?;

    // Italy's police answer Pakistan's FIA, and write RED to Spain's officer by name.
    messages::send(
        platform,
        &ita,
        &messages::NewMessage {
            reply_to: Some(first.id),
            subject: "Re: Recruiter for the Libya route".into(),
            body: "Thank you. The number appears in our records of Zuwara departures; we ask \
                   for the recruiter's travel history."
                .into(),
            tlp: "AMBER".into(),
            addressees: vec!["PK-FIA".into()],
            reliability: "A".into(),
            credibility: "2".into(),
            no_onward_sharing: true,
            no_court_use: true,
            ..Default::default()
        },
    )
    .await?;
    messages::send(
        platform,
        &ita,
        &messages::NewMessage {
            subject: "Source in Zuwara: meeting".into(),
            body: "Our source asks to meet your liaison officer in Lampedusa next week.".into(),
            tlp: "RED".into(),
            addressees: vec!["ES-PN".into()],
            recipients: vec!["esp.officer".into()],
            reliability: "A".into(),
            credibility: "1".into(),
            no_onward_sharing: true,
            no_court_use: true,
            ..Default::default()
        },
    )
    .await?;
    seed_units(platform).await?;
    seed_operation(platform).await?;
    seed_courses(platform).await
}

/// Courses of joint training this year: with Pakistan's agencies 3, Tunisia's 5, Turkey's 2
/// (the figures the ministry entered by hand before the register counted them).
async fn seed_courses(platform: &Platform) -> Result<()> {
    let ps = ctx_of(platform, "ita.officer").await?;
    let today = host_today(platform);
    // Begun this year, on or before today: days before today, never before 1 January.
    let begun = |days: i64| {
        let first = jiff::civil::date(today.year(), 1, 1);
        let d = today
            .checked_sub(jiff::Span::new().days(days))
            .unwrap_or(first);
        if d < first { first } else { d }
    };
    // Title, topic, place, days before today it began, agencies and officers trained.
    type Course<'a> = (&'a str, &'a str, &'a str, i64, &'a [(&'a str, i64)]);
    let courses: [Course; 10] = [
        (
            "Forged passports: what the ICAO 9303 checks catch",
            "document-fraud",
            "Islamabad",
            40,
            &[("PK-FIA", 16), ("IT-PS", 3)],
        ),
        (
            "Following the money of smuggling networks",
            "financial-investigation",
            "Rome",
            30,
            &[("PK-FIA", 6), ("IT-PS", 8)],
        ),
        (
            "Online adverts for crossings",
            "online-investigation",
            "Lahore",
            12,
            &[("PK-MOI", 10), ("IT-PS", 2)],
        ),
        (
            "Search and rescue off Sfax",
            "search-and-rescue",
            "Sfax",
            60,
            &[("TN-GN", 22), ("IT-GC", 6)],
        ),
        (
            "Boat drivers and organisers: building the case",
            "smuggling-networks",
            "Tunis",
            45,
            &[("TN-GN", 15), ("IT-PS", 4)],
        ),
        (
            "Human rights at sea and at the border",
            "human-rights",
            "Tunis",
            33,
            &[("TN-MI", 12), ("IT-PS", 2)],
        ),
        (
            "Detecting forged visas",
            "document-fraud",
            "Lampedusa",
            20,
            &[("TN-GN", 9), ("IT-PS", 9)],
        ),
        (
            "Financial flows of the Zuwara–Sfax route",
            "financial-investigation",
            "Palermo",
            8,
            &[("TN-MI", 5), ("IT-PS", 5)],
        ),
        (
            "Joint patrols off Gerze",
            "search-and-rescue",
            "Samsun",
            50,
            &[("TR-SG", 20), ("IT-GC", 4)],
        ),
        (
            "Detecting forged travel documents",
            "document-fraud",
            "Ankara",
            25,
            &[("TR-EGM", 18), ("IT-PS", 4)],
        ),
    ];
    for (title, topic, place, days, participants) in courses {
        let starts = begun(days);
        training::add(
            platform,
            &ps,
            &training::NewCourse {
                title: title.into(),
                topic: topic.into(),
                starts_on: starts.to_string(),
                ends_on: starts
                    .checked_add(jiff::Span::new().days(4))
                    .unwrap_or(starts)
                    .to_string(),
                place: place.into(),
                participants: participants
                    .iter()
                    .map(|(a, n)| ((*a).to_owned(), *n))
                    .collect(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Today in the host state's time zone (the platform's setting), by the platform's clock.
fn host_today(platform: &Platform) -> jiff::civil::Date {
    let zone = jiff::tz::TimeZone::get(&platform.settings.host_time_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    platform.clock.now().to_zoned(zone).date()
}

/// Italy's and Turkey's coast guards off Libya: an operation over the last two months and the
/// next, its area north of Zuwara, and an arrest. (No interception: the flows pillar's demo
/// figures are its own file's, which its tests sum; one recorded on the operation's page
/// shows in flows at once.)
async fn seed_operation(platform: &Platform) -> Result<()> {
    let gc = ctx_of(platform, "ita.coastguard").await?;
    let today = host_today(platform);
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .map(|d| d.to_string())
            .map_err(|e| accordo_service::ServiceError::invalid("date", e.to_string()))
    };
    let op = operations::create(
        platform,
        &gc,
        &operations::NewOperation {
            name: "Mare Sicuro Demo: waters north of Zuwara".into(),
            participants: vec!["TR-SG".into()],
            starts_on: day(-60)?,
            ends_on: day(30)?,
            area: "33.0 11.2\n33.0 13.0\n34.6 13.6\n34.6 11.2".into(),
        },
    )
    .await?;
    operations::record_event(
        platform,
        &gc,
        op.id,
        &operations::NewOperationEvent {
            kind: "arrest".into(),
            date: day(-20)?,
            place: "40 nm north of Zuwara".into(),
            latitude: 33.55,
            longitude: 12.05,
            arrested: 2,
            description: "The two boat drivers, handed to the police at Lampedusa.".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The demo's directory of specialised units: one of each intel agency's, with made-up desks,
/// telephone numbers in the plans' ranges and addresses at example domains.
async fn seed_units(platform: &Platform) -> Result<()> {
    // (user, name, competences, languages, contact, telephone, e-mail)
    #[allow(clippy::type_complexity)] // a table, read once below
    let list: [(&str, &str, &[&str], &[&str], &str, &str, &str); 5] = [
        (
            "ita.officer",
            "Anti-smuggling squad, Central Operations Service (demo)",
            &["migrant-smuggling", "maritime", "financial"],
            &["it", "en", "ar"],
            "Duty desk, 24 hours",
            "+39 06 4686 1000",
            "sco.demo@example.org",
        ),
        (
            "esp.officer",
            "Illegal immigration networks unit, UCRIF (demo)",
            &["migrant-smuggling", "document-fraud", "trafficking"],
            &["es", "en", "fr"],
            "Liaison desk",
            "+34 91 322 0000",
            "ucrif.demo@example.org",
        ),
        (
            "grc.officer",
            "Migrant smuggling division, Attica (demo)",
            &["migrant-smuggling", "online"],
            &["el", "en"],
            "Operations room",
            "+30 210 640 0000",
            "attica.demo@example.org",
        ),
        (
            "tur.officer",
            "Irregular migration section, Coast Guard Command (demo)",
            &["maritime", "migrant-smuggling"],
            &["tr", "en"],
            "Command centre",
            "+90 312 416 0000",
            "sg.demo@example.org",
        ),
        (
            "pak.officer",
            "Anti-human smuggling circle (demo)",
            &["migrant-smuggling", "trafficking", "document-fraud"],
            &["ur", "en"],
            "Circle desk",
            "+92 51 920 0000",
            "ahsc.demo@example.org",
        ),
    ];
    for (user, name, competences, languages, contact, phone, email) in list {
        let ctx = ctx_of(platform, user).await?;
        units::add(
            platform,
            &ctx,
            &units::NewUnit {
                name: name.to_owned(),
                competences: competences.iter().map(|c| (*c).to_owned()).collect(),
                languages: languages.iter().map(|l| (*l).to_owned()).collect(),
                contact: contact.to_owned(),
                phone: phone.to_owned(),
                email: email.to_owned(),
            },
        )
        .await?;
    }
    Ok(())
}
