//! Pre-departure training: a partner's authorities run courses (language, safety, trade
//! skills) in their country, enrol trainees and certify those who complete them. A
//! certificate has a code anyone may check on a public page, which says only whether it is
//! valid; a worker who holds one is served first on a click day; the certified trainees of a
//! year are the cooperation index's `pre_departure_certified`.

use accordo_domain::access::{Action, RecordScope, Resource};
use accordo_domain::{AgencyCode, can};
use accordo_service::{Ctx, Platform, Result, ServiceError, audit, new_id};
use accordo_store::inserts::Inserts;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::policy;
use crate::store::{self, CourseRow, TraineeRow};

/// The kinds of course.
pub const KINDS: &[&str] = &["language", "safety", "trade"];

/// What the public page says of a certificate: its validity and nothing of its holder.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub code: String,
    pub valid: bool,
    /// The course's kind, when the code is a certificate.
    pub kind: Option<String>,
    /// The day it was given, when it is valid.
    pub certified_on: Option<String>,
}

/// Checks a certificate's code (public).
pub async fn verify(platform: &Platform, code: &str) -> Result<Verification> {
    let code = code.trim().to_uppercase();
    let mut conn = platform.store.read().await?;
    let found = if code.is_empty() || code.len() > 64 {
        None
    } else {
        store::certificate(&mut conn, &code).await?
    };
    Ok(match found {
        Some((trainee, course)) if trainee.revoked_on.is_empty() => Verification {
            code,
            valid: true,
            kind: Some(course.kind),
            certified_on: Some(trainee.certified_on),
        },
        _ => Verification {
            code,
            valid: false,
            kind: None,
            certified_on: None,
        },
    })
}

/// A course as it is set up.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Safety at work in agriculture", "kind": "safety", "place": "Islamabad", "starts_on": "2027-01-11", "ends_on": "2027-01-29"}))]
pub struct NewCourse {
    pub title: String,
    /// `language`, `safety` or `trade`.
    pub kind: String,
    pub place: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
}

/// A course with its trainees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    pub id: String,
    pub agency: String,
    pub country: String,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub starts_on: String,
    pub ends_on: String,
    pub trainees: Vec<TraineeView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TraineeView {
    pub id: String,
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    pub document_number: String,
    /// Set once certified.
    pub certificate_code: Option<String>,
    pub certified_on: Option<String>,
}

fn own(ctx: &Ctx) -> RecordScope {
    RecordScope::owned_by(ctx.actor.agency.clone())
}

fn scope_of(course: &CourseRow) -> RecordScope {
    RecordScope::owned_by(
        AgencyCode::parse(&course.owner_agency)
            .unwrap_or_else(|_| AgencyCode::parse("XXX").unwrap_or_else(|_| unreachable!())),
    )
}

fn date(field: &str, text: &str) -> Result<String> {
    accordo_domain::dates::parse(text.trim())
        .map(|d| d.to_string())
        .map_err(|e| ServiceError::refused_value(field, "date", Vec::new(), e.to_string()))
}

fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.contains('\0') {
        return Err(ServiceError::refused_value(
            field,
            "text-length",
            vec![("max", max.to_string())],
            format!("1 to {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// A partner's authority sets up a course in its country.
pub async fn create_course(platform: &Platform, ctx: &Ctx, input: NewCourse) -> Result<CourseView> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::record(&policy::PATHWAYS_COURSE, &own(ctx)),
    )?;
    let Some(country) = ctx.actor.country else {
        return Err(ServiceError::refused_value(
            "agency",
            "course-country",
            Vec::new(),
            "courses are run by an agency of a country",
        ));
    };
    let title = text("title", &input.title, 200)?;
    let place = text("place", &input.place, 200)?;
    let kind = input.kind.trim();
    if !KINDS.contains(&kind) {
        return Err(ServiceError::refused_value(
            "kind",
            "course-kind",
            Vec::new(),
            "language, safety or trade",
        ));
    }
    let starts_on = date("starts_on", &input.starts_on)?;
    let ends_on = date("ends_on", &input.ends_on)?;
    if ends_on < starts_on {
        return Err(ServiceError::refused_value(
            "ends_on",
            "course-dates",
            Vec::new(),
            "a course ends on or after the day it starts",
        ));
    }
    let row = CourseRow {
        id: new_id().to_string(),
        owner_agency: ctx.actor.agency.to_string(),
        country: country.to_string(),
        title,
        kind: kind.to_owned(),
        place,
        starts_on,
        ends_on,
        created_by: ctx.actor.username.clone(),
        created_at: platform.now_us(),
    };
    let mut rows = Inserts::new();
    store::course_rows(&mut rows, &row);
    let mut tx = platform.store.write().await?;
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_course.create",
        policy::PATHWAYS_COURSE.kind,
        Some(&row.id),
        json!({"kind": row.kind, "starts_on": row.starts_on}),
        rows,
    )
    .await?;
    tx.commit(audited).await?;
    Ok(course_view(row, Vec::new()))
}

fn course_view(c: CourseRow, trainees: Vec<TraineeRow>) -> CourseView {
    CourseView {
        id: c.id,
        agency: c.owner_agency,
        country: c.country,
        title: c.title,
        kind: c.kind,
        place: c.place,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        trainees: trainees
            .into_iter()
            .map(|t| TraineeView {
                id: t.id,
                name: t.name,
                birth_date: t.birth_date,
                nationality: t.nationality,
                document_number: t.document_number,
                certificate_code: t.certificate_code,
                certified_on: (!t.certified_on.is_empty()).then_some(t.certified_on),
            })
            .collect(),
    }
}

/// The courses the actor may read, with their trainees, newest first.
pub async fn courses(platform: &Platform, ctx: &Ctx) -> Result<Vec<CourseView>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::PATHWAYS_COURSE),
    )?;
    let mut conn = platform.store.read().await?;
    let all = store::courses(&mut conn).await?;
    let mut out = Vec::new();
    for c in all {
        if can(
            &ctx.actor,
            Action::Read,
            Resource::record(&policy::PATHWAYS_COURSE, &scope_of(&c)),
        )
        .is_ok()
        {
            let trainees = store::trainees(&mut conn, &c.id).await?;
            out.push(course_view(c, trainees));
        }
    }
    Ok(out)
}

/// A trainee as enrolled.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sana Modello", "birth_date": "1999-07-02", "nationality": "PAK", "document_number": "AK0498765"}))]
pub struct NewTrainee {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// ISO 3166-1 alpha-3.
    pub nationality: String,
    pub document_number: String,
}

async fn own_course(platform: &Platform, ctx: &Ctx, course_id: &str) -> Result<CourseRow> {
    let mut conn = platform.store.read().await?;
    let course = store::course(&mut conn, course_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("pathways_course", course_id))?;
    can(
        &ctx.actor,
        Action::Update,
        Resource::record(&policy::PATHWAYS_COURSE, &scope_of(&course)),
    )
    .map_err(|_| ServiceError::not_found("pathways_course", course_id))?;
    Ok(course)
}

/// Enrols a trainee in one of the actor's agency's courses.
pub async fn enrol(
    platform: &Platform,
    ctx: &Ctx,
    course_id: &str,
    input: NewTrainee,
) -> Result<TraineeView> {
    let course = own_course(platform, ctx, course_id).await?;
    let name = text("name", &input.name, 200)?;
    let birth_date = date("birth_date", &input.birth_date)?;
    let nationality = accordo_domain::CountryCode::parse(input.nationality.trim())
        .map_err(|e| {
            ServiceError::refused_value("nationality", "country", Vec::new(), e.to_string())
        })?
        .to_string();
    let document_number = text("document_number", &input.document_number, 20)?.to_uppercase();
    // A passport's number is 9 characters at most in its machine-readable zone (ICAO 9303).
    if !(5..=9).contains(&document_number.len())
        || !document_number.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(ServiceError::refused_value(
            "document_number",
            "trainee-document",
            Vec::new(),
            "5 to 9 letters and digits, as in the passport",
        ));
    }
    // A course prepares a worker for a job: an adult on the day the course starts.
    let adult_from = accordo_domain::dates::parse(&course.starts_on)
        .ok()
        .and_then(|d| d.checked_sub(jiff::Span::new().years(18)).ok());
    if adult_from.is_some_and(|limit| birth_date > limit.to_string()) {
        return Err(ServiceError::refused_value(
            "birth_date",
            "trainee-adult",
            Vec::new(),
            "a trainee of 18 or more on the day the course starts",
        ));
    }
    let row = TraineeRow {
        id: new_id().to_string(),
        course_id: course.id.clone(),
        name,
        birth_date,
        nationality,
        document_number,
        certificate_code: None,
        certified_on: String::new(),
        revoked_on: String::new(),
        created_by: ctx.actor.username.clone(),
        created_at: platform.now_us(),
    };
    let mut rows = Inserts::new();
    store::trainee_rows(&mut rows, &row);
    let mut tx = platform.store.write().await?;
    // Once a passport a course: the index `pathways_trainees_once` refuses the second, even
    // when two arrive at the same instant.
    let (audited, _) = audit::record_with(
        platform,
        &mut tx,
        ctx,
        "pathways_course.enrol",
        policy::PATHWAYS_COURSE.kind,
        Some(&course.id),
        json!({"trainee": row.id}),
        rows,
    )
    .await
    .map_err(|e| match e {
        ServiceError::Store(s) if s.is_unique_violation() => ServiceError::refused_value(
            "document_number",
            "trainee-enrolled",
            Vec::new(),
            "this passport is enrolled in this course already",
        ),
        e => e,
    })?;
    tx.commit(audited).await?;
    Ok(course_view(course, vec![row]).trainees.remove(0))
}

/// A certificate code: `PDT-` and 10 letters and digits without look-alikes.
fn certificate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("PDT-{body}")
}

/// Certifies a trainee who completed the course (on or after its last day).
pub async fn certify(
    platform: &Platform,
    ctx: &Ctx,
    course_id: &str,
    trainee_id: &str,
) -> Result<TraineeView> {
    let course = own_course(platform, ctx, course_id).await?;
    let tz = crate::service::host_tz(platform);
    let today = platform.clock.now().to_zoned(tz).date().to_string();
    if today < course.ends_on {
        return Err(ServiceError::refused_value(
            "trainee",
            "course-not-ended",
            vec![("ends", course.ends_on.clone())],
            format!(
                "a trainee is certified once the course ends, on {}",
                course.ends_on
            ),
        ));
    }
    let code = certificate_code();
    let mut tx = platform.store.write().await?;
    let changed = store::certify(&mut tx, course_id, trainee_id, &code, &today).await?;
    if !changed {
        return Err(ServiceError::Rules {
            rules: vec!["certified-once".into()],
        });
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "pathways_course.certify",
        policy::PATHWAYS_COURSE.kind,
        Some(course_id),
        json!({"trainee": trainee_id}),
    )
    .await?;
    tx.commit(audited).await?;
    let mut conn = platform.store.read().await?;
    let trainees = store::trainees(&mut conn, course_id).await?;
    course_view(course, trainees)
        .trainees
        .into_iter()
        .find(|t| t.id == trainee_id)
        .ok_or_else(|| ServiceError::not_found("pathways_trainee", trainee_id))
}

/// Trainees certified in `year` by country (ISO 3166-1 alpha-3): the cooperation index's
/// `pre_departure_certified`.
pub async fn certified_by_country(
    platform: &Platform,
    year: i32,
) -> Result<std::collections::BTreeMap<String, i64>> {
    let mut conn = platform.store.read().await?;
    Ok(store::certified_by_country(
        &mut conn,
        &format!("{year:04}-01-01"),
        &format!("{year:04}-12-31"),
    )
    .await?)
}

/// The cooperation index's `pre_departure_certified`: each partner's trainees certified in
/// `year`, with the source in words.
pub fn certified_for_index(
    platform: &Platform,
    year: i32,
) -> accordo_cooperation_app::service::ContributedValues<'_> {
    Box::pin(async move {
        Ok(certified_by_country(platform, year)
            .await?
            .into_iter()
            .map(|(country, trainees)| {
                let contributed = accordo_cooperation_app::service::Contributed {
                    value: trainees as f64,
                    english: format!(
                        "{trainees} trainees certified in pre-departure courses in {year}, from the course register"
                    ),
                    message: json!({"id": "pathways-source-certified", "args": {"trainees": trainees, "year": year.to_string()}}),
                };
                (country, contributed)
            })
            .collect())
    })
}
