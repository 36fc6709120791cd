//! Joint training of law enforcement (the Italy–Turkey document): courses, each recorded by
//! the agency that organises it, with the agencies whose officers took part and how many.
//! What a partner's agencies did together here is the cooperation index's `joint_trainings`
//! ([`joint_by_country`]), instead of a figure entered by hand.

use std::collections::{BTreeMap, BTreeSet};

use accordo_domain::access::{Action, Resource};
use accordo_domain::{AgencyCode, RecordScope, can};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};

use super::{date_of, refused};
use crate::policy;
use crate::store::{self, CourseRow};

/// What a course is about.
pub const TOPICS: [&str; 6] = [
    "document-fraud",
    "smuggling-networks",
    "search-and-rescue",
    "human-rights",
    "online-investigation",
    "financial-investigation",
];
pub const TITLE_MAX: usize = 200;
pub const PLACE_MAX: usize = 200;
pub const PARTICIPANTS_MAX: usize = 50;
pub const TRAINEES_MAX: i64 = 10_000;
pub const DAYS_MAX: i32 = 366;

/// An agency taking part in a course.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub agency: String,
    /// ISO 3166-1 alpha-3; none for an international body.
    pub country: Option<String>,
    pub trainees: i64,
}

/// A course as every agency's officers and analysts see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    pub id: Uuid,
    pub title: String,
    /// One of [`TOPICS`].
    pub topic: String,
    /// The agency that organised it.
    pub organiser: String,
    /// `YYYY-MM-DD`, both days included.
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    /// The agencies whose officers took part, by agency code.
    pub participants: Vec<ParticipantView>,
    /// Officers trained in all.
    pub trainees: i64,
    /// The countries of the organiser and the participants: a course is joint when there are
    /// two or more.
    pub countries: Vec<String>,
    pub recorded_by: String,
    pub recorded_at_us: i64,
}

/// A course as written.
#[derive(Debug, Clone, Default)]
pub struct NewCourse {
    pub title: String,
    pub topic: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    /// `(agency code, trainees)`.
    pub participants: Vec<(String, i64)>,
}

/// Whether the caller may record courses for their agency.
pub fn may_add(ctx: &Ctx) -> bool {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_COURSE,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )
    .is_ok()
}

/// Every refusal of `input` at once, or the course and its participants to write.
async fn checked(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewCourse,
) -> Result<std::result::Result<(CourseRow, Vec<(String, i64)>), Vec<ServiceError>>> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(
            &policy::INTEL_COURSE,
            &RecordScope::owned_by(ctx.actor.agency.clone()),
        ),
    )?;
    let mut no = Vec::new();
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        no.push(refused(
            "title",
            "course-title",
            vec![("max", TITLE_MAX.to_string())],
            format!("expected a title of 1 to {TITLE_MAX} characters"),
        ));
    }
    let topic = input.topic.trim();
    if !TOPICS.contains(&topic) {
        no.push(refused(
            "topic",
            "course-topic",
            vec![("given", topic.to_owned())],
            format!("{topic} is not a topic ({})", TOPICS.join(", ")),
        ));
    }
    let place = input.place.trim();
    if place.is_empty() || place.chars().count() > PLACE_MAX {
        no.push(refused(
            "place",
            "course-place",
            vec![("max", PLACE_MAX.to_string())],
            format!("expected a place of 1 to {PLACE_MAX} characters"),
        ));
    }
    let starts = date_of("starts_on", &input.starts_on, &mut no);
    let ends = date_of("ends_on", &input.ends_on, &mut no);
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            no.push(refused(
                "ends_on",
                "course-ends-before",
                Vec::new(),
                "the course ends before it starts".to_owned(),
            ));
        } else if (e - s).get_days() >= DAYS_MAX {
            no.push(refused(
                "ends_on",
                "course-too-long",
                vec![("max", DAYS_MAX.to_string())],
                format!("a course lasts at most {DAYS_MAX} days"),
            ));
        }
    }
    let own = ctx.actor.agency.to_string();
    let mut participants: Vec<(String, i64)> = Vec::new();
    if input.participants.len() > PARTICIPANTS_MAX {
        no.push(refused(
            "participants",
            "too-many-addressees",
            vec![("max", PARTICIPANTS_MAX.to_string())],
            format!("at most {PARTICIPANTS_MAX} agencies"),
        ));
        return Ok(Err(no));
    }
    let mut countries: BTreeSet<String> = BTreeSet::new();
    let mut conn = platform.store.read().await?;
    if let Some(a) = accordo_store::accounts::find_agency(&mut conn, &own).await? {
        countries.extend(a.country);
    }
    for (i, (raw, trainees)) in input.participants.iter().enumerate() {
        let field = format!("participants[{i}]");
        let raw = raw.trim();
        let found = match AgencyCode::parse(raw) {
            Ok(code) => accordo_store::accounts::find_agency(&mut conn, code.as_str()).await?,
            Err(_) => None,
        };
        let Some(agency) = found else {
            no.push(refused(
                &format!("{field}.agency"),
                "agency-code",
                vec![("given", raw.to_owned())],
                format!("`{raw}`: expected an agency code of the partnership (TR-EGM)"),
            ));
            continue;
        };
        if !(1..=TRAINEES_MAX).contains(trainees) {
            no.push(refused(
                &format!("{field}.trainees"),
                "course-trainees",
                vec![("max", TRAINEES_MAX.to_string())],
                format!("from 1 to {TRAINEES_MAX} officers trained"),
            ));
            continue;
        }
        if participants.iter().any(|(a, _)| *a == agency.code) {
            no.push(refused(
                &format!("{field}.agency"),
                "course-participant-twice",
                vec![("given", agency.code.clone())],
                format!("{} is named twice", agency.code),
            ));
            continue;
        }
        countries.extend(agency.country.clone());
        participants.push((agency.code, *trainees));
    }
    drop(conn);
    if no.is_empty() && countries.len() < 2 {
        no.push(refused(
            "participants",
            "course-joint",
            Vec::new(),
            "a joint course has officers of at least one other country".to_owned(),
        ));
    }
    Ok(match (starts, ends) {
        (Some(s), Some(e)) if no.is_empty() => Ok((
            CourseRow {
                id: new_id(),
                owner_agency: own,
                title: title.to_owned(),
                topic: topic.to_owned(),
                starts_on: s.to_string(),
                ends_on: e.to_string(),
                place: place.to_owned(),
                created_by: ctx.actor.username.clone(),
                created_at: platform.now_us(),
            },
            participants,
        )),
        _ => Err(no),
    })
}

/// Every refusal of a course as written (empty when it would be recorded).
pub async fn refusals(
    platform: &Platform,
    ctx: &Ctx,
    input: &NewCourse,
) -> Result<Vec<ServiceError>> {
    Ok(checked(platform, ctx, input)
        .await?
        .err()
        .unwrap_or_default())
}

/// Records a course organised by the caller's agency, with its participants, in one
/// transaction with its audit entry.
pub async fn add(platform: &Platform, ctx: &Ctx, input: &NewCourse) -> Result<CourseView> {
    let (row, participants) = match checked(platform, ctx, input).await? {
        Ok(taken) => taken,
        Err(mut no) => return Err(no.remove(0)),
    };
    let mut tx = platform.store.write().await?;
    store::insert_course(&mut tx, &row, &participants).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_course.create",
        policy::INTEL_COURSE.kind,
        Some(&row.id.to_string()),
        json!({"topic": row.topic, "starts_on": row.starts_on, "participants": participants}),
    )
    .await?;
    tx.commit(audited).await?;
    let id = row.id;
    list(platform, ctx)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ServiceError::not_found("intel_course", id))
}

/// Every course of the partnership, newest first.
pub async fn list(platform: &Platform, ctx: &Ctx) -> Result<Vec<CourseView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::INTEL_COURSE),
    )?;
    courses(platform, None).await
}

/// The courses (of those starting in `span`, both days included), with their participants
/// and each agency's country.
async fn courses(platform: &Platform, span: Option<(&str, &str)>) -> Result<Vec<CourseView>> {
    let mut conn = platform.store.read().await?;
    let rows = store::courses(&mut conn, span).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let taking_part = store::course_participants(&mut conn, &ids).await?;
    drop(conn);
    let countries: BTreeMap<String, Option<String>> =
        accordo_store::accounts::list_agencies(&platform.store)
            .await?
            .into_iter()
            .map(|a| (a.code, a.country))
            .collect();
    let country = |a: &str| countries.get(a).cloned().flatten();
    Ok(rows
        .into_iter()
        .map(|r| {
            let participants: Vec<ParticipantView> = taking_part
                .iter()
                .filter(|(course, _, _)| *course == r.id)
                .map(|(_, agency, trainees)| ParticipantView {
                    country: country(agency),
                    agency: agency.clone(),
                    trainees: *trainees,
                })
                .collect();
            let mut all: BTreeSet<String> = participants
                .iter()
                .filter_map(|p| p.country.clone())
                .collect();
            all.extend(country(&r.owner_agency));
            CourseView {
                id: r.id,
                title: r.title,
                topic: r.topic,
                organiser: r.owner_agency,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                place: r.place,
                trainees: participants.iter().map(|p| p.trainees).sum(),
                participants,
                countries: all.into_iter().collect(),
                recorded_by: r.created_by,
                recorded_at_us: r.created_at,
            }
        })
        .collect())
}

/// For each country, the joint courses (two countries or more) its agencies organised or
/// took part in that started from `from` to `until` (both `YYYY-MM-DD`, included), and its
/// officers trained in them: the cooperation index's `joint_trainings`. Counts only, for the
/// index: no course is shown.
pub async fn joint_by_country(
    platform: &Platform,
    from: &str,
    until: &str,
) -> Result<BTreeMap<String, (i64, i64)>> {
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for c in courses(platform, Some((from, until))).await? {
        if c.countries.len() < 2 {
            continue;
        }
        for country in &c.countries {
            let entry = out.entry(country.clone()).or_default();
            entry.0 += 1;
            entry.1 += c
                .participants
                .iter()
                .filter(|p| p.country.as_deref() == Some(country))
                .map(|p| p.trainees)
                .sum::<i64>();
        }
    }
    Ok(out)
}
