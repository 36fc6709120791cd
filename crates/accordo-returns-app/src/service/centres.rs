//! Centres, the stays of people in them, and the independent monitor's report (no names).

use super::*;

/// A centre with today's occupancy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CentreSummary {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub capacity: i64,
    pub occupancy: i64,
    pub monitored_by: Option<String>,
}

pub(crate) fn centre_scope(row: &CentreRow) -> Result<RecordScope> {
    Ok(RecordScope {
        owner_agency: agency_code(&row.owner_agency)?,
        handling: Handling::AmberStrict,
        addressees: row
            .monitored_by
            .as_deref()
            .map(agency_code)
            .transpose()?
            .map(Addressee::Agency)
            .into_iter()
            .collect(),
        subject_user: None,
    })
}

/// The centres the actor may see, with today's occupancy.
pub async fn centres(platform: &Platform, ctx: &Ctx) -> Result<Vec<CentreSummary>> {
    can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::CENTRE),
    )?;
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::CENTRE)?;
    let today = host_today(platform).to_string();
    let mut conn = platform.store.read().await?;
    let rows = store::centres_with_occupancy(&mut conn, &scope, &today).await?;
    Ok(rows
        .into_iter()
        .map(|(c, occupancy)| CentreSummary {
            id: c.id,
            name: c.name,
            country: c.country,
            capacity: c.capacity,
            occupancy,
            monitored_by: c.monitored_by,
        })
        .collect())
}

/// What the monitor (and the host state) read about a centre over a period: occupancy by
/// day, stays and their lengths, safeguard records; cases named only by reference.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CentreReport {
    pub centre: CentreSummary,
    #[schema(value_type = String)]
    pub from: Date,
    #[schema(value_type = String)]
    pub to: Date,
    pub occupancy: Vec<DayOccupancy>,
    pub stays: Vec<StayView>,
    /// Median length of the stays that ended in the period, in days.
    pub median_stay_days: Option<f64>,
    pub safeguards: Vec<SafeguardView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayOccupancy {
    #[schema(value_type = String)]
    pub day: Date,
    pub present: i64,
    pub capacity: i64,
}

/// The longest period a centre report covers.
pub const REPORT_MAX_DAYS: i64 = 366;

pub async fn centre_report(
    platform: &Platform,
    ctx: &Ctx,
    id: Uuid,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<CentreReport> {
    let mut conn = platform.store.read().await?;
    let row = store::centre(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("centre", id))?;
    let scope = centre_scope(&row)?;
    if can(
        &ctx.actor,
        Action::Read,
        Resource::record(&policy::CENTRE, &scope),
    )
    .is_err()
    {
        return Err(ServiceError::not_found("centre", id));
    }
    let today = host_today(platform);
    let to = parse_optional_date("to", to)?.unwrap_or(today);
    let from = parse_optional_date("from", from)?.unwrap_or_else(|| add_days(to, -29));
    for (field, day) in [("from", from), ("to", to)] {
        if !(1900..=2200).contains(&day.year()) {
            return Err(ServiceError::refused_value(
                field,
                "date",
                Vec::new(),
                "a date between 1900 and 2200",
            ));
        }
    }
    if from > to {
        return Err(ServiceError::refused_value(
            "from",
            "period-reversed",
            Vec::new(),
            "the period starts after it ends",
        ));
    }
    if days_between(from, to) >= REPORT_MAX_DAYS {
        return Err(ServiceError::refused_value(
            "from",
            "report-days",
            vec![("days", REPORT_MAX_DAYS.to_string())],
            format!("a report covers at most {REPORT_MAX_DAYS} days"),
        ));
    }
    let stays = store::stays(&mut conn, id, &from.to_string(), &to.to_string()).await?;
    let safeguards = store::safeguards_at_centre(&mut conn, id).await?;
    drop(conn);
    let spans: Vec<(Date, Date)> = stays
        .iter()
        .map(|(s, _)| {
            (
                s.from_on.parse().unwrap_or(from),
                row_date(&s.until_on).unwrap_or(Date::MAX),
            )
        })
        .collect();
    let occupancy: Vec<DayOccupancy> = (0..=days_between(from, to))
        .map(|i| add_days(from, i))
        .map(|day| DayOccupancy {
            day,
            present: spans.iter().filter(|(a, b)| *a <= day && day <= *b).count() as i64,
            capacity: row.capacity,
        })
        .collect();
    let mut ended: Vec<i64> = stays
        .iter()
        .filter_map(|(s, _)| {
            let until = row_date(&s.until_on)?;
            let start: Date = s.from_on.parse().ok()?;
            (until >= from && until <= to).then(|| days_between(start, until) + 1)
        })
        .collect();
    ended.sort_unstable();
    let median_stay_days = match ended.len() {
        0 => None,
        n if n % 2 == 1 => Some(ended[n / 2] as f64),
        n => Some((ended[n / 2 - 1] + ended[n / 2]) as f64 / 2.0),
    };
    let present_today = occupancy.last().map_or(0, |d| d.present);
    Ok(CentreReport {
        centre: CentreSummary {
            id: row.id,
            name: row.name,
            country: row.country,
            capacity: row.capacity,
            occupancy: present_today,
            monitored_by: row.monitored_by,
        },
        from,
        to,
        occupancy,
        stays: stays.into_iter().map(|s| stay_view(s, today)).collect(),
        median_stay_days,
        safeguards: safeguards
            .into_iter()
            .filter(|s| {
                s.recorded_on.as_str() >= from.to_string().as_str()
                    && s.recorded_on.as_str() <= to.to_string().as_str()
            })
            .map(|s| safeguard_view(s, Some(&row.pseudonym_key)))
            .collect(),
    })
}

/// A new centre, added by the operator's administrator.
#[derive(Debug, Clone, Default)]
pub struct NewCentre {
    pub name: String,
    pub country: String,
    pub capacity: i64,
    /// The agency that monitors it (the independent monitor), if any.
    pub monitored_by: Option<String>,
}

pub async fn create_centre(
    platform: &Platform,
    ctx: &Ctx,
    input: NewCentre,
) -> Result<CentreSummary> {
    can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::CENTRE),
    )?;
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(ServiceError::refused_value(
            "name",
            "centre-name",
            Vec::new(),
            "the centre needs a name",
        ));
    }
    let country = CountryCode::parse(input.country.trim()).map_err(|e| {
        ServiceError::refused_value("country", "country", Vec::new(), e.to_string())
    })?;
    if !(1..=100_000).contains(&input.capacity) {
        return Err(ServiceError::refused_value(
            "capacity",
            "capacity-range",
            Vec::new(),
            "a capacity between 1 and 100,000 places",
        ));
    }
    let monitored_by = match input
        .monitored_by
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(code) => {
            let mut conn = platform.store.read().await?;
            let agency = accordo_store::accounts::find_agency(&mut conn, code)
                .await?
                .ok_or_else(|| {
                    ServiceError::refused_value(
                        "monitored_by",
                        "no-agency",
                        vec![("code", code.to_string())],
                        format!("there is no agency `{code}`"),
                    )
                })?;
            Some(agency.code)
        }
        None => None,
    };
    let row = CentreRow {
        id: new_id(),
        owner_agency: ctx.actor.agency.to_string(),
        name,
        country: country.to_string(),
        capacity: input.capacity,
        monitored_by,
        created_at: platform.now_us(),
        pseudonym_key: new_pseudonym_key(),
    };
    let mut tx = platform.store.write().await?;
    store::insert_centre(&mut tx, &row).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "centre.create",
        policy::CENTRE.kind,
        Some(&row.id.to_string()),
        json!({"name": row.name, "capacity": row.capacity, "monitored_by": row.monitored_by}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(CentreSummary {
        id: row.id,
        name: row.name,
        country: row.country,
        capacity: row.capacity,
        occupancy: 0,
        monitored_by: row.monitored_by,
    })
}

/// Places the person of a case in a centre from a day (ending the stay they are in), or
/// releases them (`centre` = `None`).
pub async fn place(
    platform: &Platform,
    ctx: &Ctx,
    case_id: Uuid,
    centre: Option<Uuid>,
    from: Option<&str>,
) -> Result<Vec<StayView>> {
    let row = load_case(platform, ctx, case_id, Action::Update).await?;
    if row.state.is_final() {
        return Err(refused(Rule::OutOfOrder.as_str()));
    }
    let today = host_today(platform);
    let from = parse_optional_date("from", from)?.unwrap_or(today);
    if from > today {
        return Err(ServiceError::refused_value(
            "from",
            "stay-future",
            Vec::new(),
            "a stay cannot start in the future",
        ));
    }
    let centre = match centre {
        Some(id) => Some(centre_for_write(platform, id).await?),
        None => None,
    };
    let mut conn = platform.store.read().await?;
    let stays = store::stays_of_case(&mut conn, case_id).await?;
    drop(conn);
    if let Some((open, _)) = stays.iter().find(|(s, _)| s.until_on.is_none())
        && open.from_on.as_str() > from.to_string().as_str()
    {
        return Err(ServiceError::refused_value(
            "from",
            "stay-began-after",
            vec![("date", open.from_on.to_string())],
            format!("the current stay began on {}, after this day", open.from_on),
        ));
    }
    let mut tx = platform.store.write().await?;
    store::end_stay(&mut tx, case_id, &from.to_string()).await?;
    if let Some(c) = &centre {
        store::insert_stay(
            &mut tx,
            &StayRow {
                id: new_id(),
                centre_id: c.id,
                case_id,
                from_on: from.to_string(),
                until_on: None,
            },
        )
        .await?;
    }
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "return_case.place",
        policy::RETURN_CASE.kind,
        Some(&case_id.to_string()),
        json!({"centre": centre.as_ref().map(|c| c.id), "from": from}),
    )
    .await?;
    tx.commit(audited).await?;
    let mut conn = platform.store.read().await?;
    Ok(store::stays_of_case(&mut conn, case_id)
        .await?
        .into_iter()
        .map(|s| stay_view(s, today))
        .collect())
}

/// What the home page counts, without any name: the caseworker's open cases and deadlines at
/// risk, the partner authority's requests awaiting it and those past their deadline.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub open_cases: Option<i64>,
    pub at_risk: Option<i64>,
    pub awaiting_reply: Option<i64>,
    pub overdue: Option<i64>,
}

/// Counts only: nothing about a person leaves the service, so nothing is audited.
pub async fn counts(platform: &Platform, ctx: &Ctx) -> Result<Counts> {
    let mut out = Counts::default();
    let may_cases = can(
        &ctx.actor,
        Action::Create,
        Resource::collection(&policy::RETURN_CASE),
    )
    .is_ok();
    let may_requests = can(
        &ctx.actor,
        Action::Read,
        Resource::collection(&policy::READMISSION_REQUEST),
    )
    .is_ok();
    if !may_cases && !may_requests {
        return Err(ServiceError::Forbidden(accordo_domain::Denied::NoGrant {
            action: "read",
            kind: policy::RETURN_CASE.kind,
        }));
    }
    let mut conn = platform.store.read().await?;
    let open = readable_requests(
        &mut conn,
        ctx,
        &RequestFilter {
            case_id: None,
            open_only: true,
            case_ids: None,
            latest_of_case: false,
        },
        LIST_LIMIT * 4,
    )
    .await?;
    let cases = if may_cases {
        store::cases(
            &mut conn,
            &accordo_domain::scope(&ctx.actor, Action::Read, &policy::RETURN_CASE)?,
            LIST_LIMIT,
        )
        .await?
    } else {
        Vec::new()
    };
    drop(conn);
    let views = request_views(platform, open).await?;
    let awaiting: Vec<&RequestView> = views
        .iter()
        .filter(|v| matches!(v.status.as_str(), "pending" | "more_information"))
        .collect();
    if may_cases {
        out.open_cases = Some(cases.iter().filter(|c| !c.state.is_final()).count() as i64);
        out.at_risk = Some(
            awaiting
                .iter()
                .filter(|v| {
                    v.requesting_agency == ctx.actor.agency.as_str()
                        && v.deadline.days_left <= AT_RISK_DAYS
                })
                .count() as i64,
        );
    }
    if ctx
        .actor
        .roles
        .contains(accordo_domain::Role::PartnerAuthority)
    {
        let mine: Vec<&&RequestView> = awaiting
            .iter()
            .filter(|v| v.partner_agency == ctx.actor.agency.as_str())
            .collect();
        out.awaiting_reply = Some(mine.len() as i64);
        out.overdue = Some(mine.iter().filter(|v| v.deadline.days_left < 0).count() as i64);
    }
    Ok(out)
}
