//! The demo's returns data: the readmission agreements with their real terms
//! (`data/agreements.json`, sources in `data/AGREEMENTS-PROVENANCE.md`), two centres under
//! UNHCR monitoring, and a year of synthetic return cases and readmission requests, so that
//! the cooperation index has something to measure. Every person is invented; names are
//! Italian placeholder words.

use crate::store::{
    self as store, AgreementRow, CaseDocumentRow, CaseRow, CentreRow, PauseRow, RequestRow,
    SafeguardRow, StayRow,
};
use accordo_returns::agreement::add_days;
use accordo_returns::case::ReturnKind;
use accordo_returns::{Asylum, State, Terms, Vulnerability};
use accordo_store::Tx;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Platform, Result, ServiceError, audit, demo, new_id};

pub const AGREEMENTS_JSON: &str = include_str!("../data/agreements.json");

#[derive(Debug, Deserialize)]
struct SeedAgreement {
    name: String,
    partner_country: String,
    authority_agency: String,
    terms: Terms,
    source: String,
    confirmed: bool,
}

fn bad_data(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::invalid("demo data", format!("{what}: {e}"))
}

/// The agreements of the demo, checked.
fn agreements() -> Result<Vec<SeedAgreement>> {
    let list: Vec<SeedAgreement> =
        serde_json::from_str(AGREEMENTS_JSON).map_err(|e| bad_data("data/agreements.json", e))?;
    for a in &list {
        a.terms
            .validate()
            .map_err(|e| bad_data(&format!("data/agreements.json, {}", a.name), e))?;
    }
    Ok(list)
}

/// The message id (without the module's prefix) of words shipped with the agreements'
/// reference data: `agreement-<country>-name` or `-source`; `None` for other words.
pub fn shipped_words(words: &str) -> Option<String> {
    let list = agreements().ok()?;
    list.iter().find_map(|a| {
        let country = a.partner_country.to_lowercase();
        if a.name == words {
            Some(format!("agreement-{country}-name"))
        } else if a.source == words {
            Some(format!("agreement-{country}-source"))
        } else {
            None
        }
    })
}

/// A deterministic sequence, so the demo is the same every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// 0 ≤ n < bound.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES: &[&str] = &[
    "FITTIZIO",
    "ESEMPIO",
    "PROVA",
    "CAMPIONE",
    "MODELLO",
    "DEMO",
    "ESERCIZIO",
    "SAGGIO",
    "BOZZA",
    "TIPO",
    "SCHEMA",
    "MODULO",
];

fn given_names(country: &str) -> &'static [&'static str] {
    match country {
        "PAK" => &["AHMED", "IMRAN", "BILAL", "USMAN", "KAMRAN", "FARHAN"],
        "TUN" => &["SAMI", "AMINE", "KARIM", "YASSINE", "WALID", "HEDI"],
        _ => &["MEHMET", "EMRE", "MURAT", "SERKAN", "OZAN", "BURAK"],
    }
}

/// How a partner answered in the demo's year: (requests, % answered in time, % answered
/// late, % confirmed of answers, % travel documents of confirmations, % executed of those).
fn profile(authority: &str) -> (u64, u64, u64, u64, u64, u64) {
    match authority {
        "TN-MI" => (22, 80, 12, 85, 90, 70),
        "PK-MOI" => (16, 45, 35, 70, 65, 50),
        _ => (9, 30, 30, 55, 60, 40),
    }
}

struct Writer<'a> {
    tx: &'a mut Tx,
    now: i64,
    today: Date,
}

impl Writer<'_> {
    fn at(&self, day: Date) -> i64 {
        // Noon UTC of the day, in µs (the demo's past).
        let days = accordo_returns::agreement::days_between(self.today, day);
        self.now + days * 86_400_000_000
    }

    #[allow(clippy::too_many_arguments)] // one per fact of the synthetic person
    async fn case(
        &mut self,
        surname: &str,
        given: &str,
        birth: &str,
        nationality: &str,
        vulnerabilities: &str,
        asylum: &str,
        decision: Option<Date>,
        state: &str,
        created: Date,
    ) -> Result<CaseRow> {
        let row = CaseRow {
            id: new_id(),
            owner_agency: "IT-UI".into(),
            caseworker: "ita.caseworker".into(),
            surname: surname.into(),
            given_names: given.into(),
            // The demo's own constants: a bad one is a defect the seed test catches.
            date_of_birth: Some(
                birth
                    .parse()
                    .map_err(|e| bad_data("a demo birth date", e))?,
            ),
            claimed_nationality: nationality.into(),
            biometric_ref: format!("BIO-{}", &new_id().simple().to_string()[20..]),
            vulnerabilities: vulnerabilities
                .split(',')
                .filter(|v| !v.is_empty())
                .map(|v| Vulnerability::parse(v).ok_or_else(|| bad_data("a demo vulnerability", v)))
                .collect::<Result<_>>()?,
            best_interests_on: None,
            asylum: Asylum::parse(asylum)
                .ok_or_else(|| bad_data("a demo asylum status", asylum))?,
            return_decision_on: decision,
            state: State::parse(state).ok_or_else(|| bad_data("a demo case state", state))?,
            return_kind: None,
            return_on: None,
            outcome_reason: None,
            created_at: self.at(created),
            updated_at: self.now,
            version: 1,
        };
        store::insert_case(self.tx, &row).await?;
        Ok(row)
    }

    async fn request(
        &mut self,
        case: &CaseRow,
        agreement: &AgreementRow,
        sent: Date,
        evidence: serde_json::Value,
    ) -> Result<RequestRow> {
        let row = RequestRow {
            id: new_id(),
            case_id: case.id,
            owner_agency: "IT-UI".into(),
            partner_agency: agreement.authority_agency.clone(),
            handling: "AMBER+STRICT".into(),
            agreement_id: agreement.id,
            agreement_version: agreement.version,
            terms: agreement.terms.clone(),
            evidence: evidence.to_string(),
            sent_at: self.at(sent),
            sent_on: sent.to_string(),
            status: "pending".into(),
            extended: false,
            replied_at: None,
            replied_on: None,
            reply_reason: None,
            late: None,
            travel_document_number: None,
            travel_document_valid_until: None,
            travel_document_at: None,
            created_by: "ita.caseworker".into(),
            version: 1,
        };
        store::insert_request(self.tx, &row).await?;
        Ok(row)
    }
}

/// Writes the demo's agreements, centres, cases and requests.
pub async fn seed(platform: &Platform) -> Result<()> {
    let now = platform.now_us();
    let today = crate::service::host_today(platform);
    let mut tx = platform.store.write().await?;
    let mut rows = Vec::new();
    for a in agreements()? {
        let row = AgreementRow {
            id: new_id(),
            name: a.name,
            partner_country: a.partner_country,
            authority_agency: a.authority_agency,
            terms: serde_json::to_string(&a.terms).unwrap_or_default(),
            source: a.source,
            confirmed: a.confirmed,
            version: 1,
            updated_at: now,
            updated_by: "demo".into(),
        };
        store::insert_agreement(&mut tx, &row).await?;
        rows.push((row, a.terms));
    }
    let centres = [
        CentreRow {
            id: new_id(),
            owner_agency: "IT-MI".into(),
            name: "CPR Roma – Ponte Galeria (demo)".into(),
            country: "ITA".into(),
            capacity: 125,
            monitored_by: Some("UNHCR".into()),
            created_at: now,
            pseudonym_key: crate::service::new_pseudonym_key(),
        },
        CentreRow {
            id: new_id(),
            owner_agency: "IT-MI".into(),
            name: "Gjadër, Albania (demo)".into(),
            country: "ALB".into(),
            capacity: 144,
            monitored_by: Some("UNHCR".into()),
            created_at: now,
            pseudonym_key: crate::service::new_pseudonym_key(),
        },
    ];
    for c in &centres {
        store::insert_centre(&mut tx, c).await?;
    }
    let mut w = Writer {
        tx: &mut tx,
        now,
        today,
    };
    let mut rng = Lcg(2026);
    let mut cases = 0;
    let mut requests = 0;
    // A year of history with each partner, for the index.
    for (agreement, terms) in &rows {
        let (count, in_time, late, confirm, td, executed) = profile(&agreement.authority_agency);
        let nationality = agreement.partner_country.clone();
        for i in 0..count {
            let sent = add_days(
                today,
                -(40 + (i as i64 * 270 / count as i64) + rng.below(5) as i64),
            );
            let decision = add_days(sent, -(10 + rng.below(20) as i64));
            let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
            let names = given_names(&nationality);
            let given = names[rng.below(names.len() as u64) as usize];
            let birth = format!(
                "{}-{:02}-{:02}",
                1975 + rng.below(30),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let case = w
                .case(
                    surname,
                    given,
                    &birth,
                    &nationality,
                    "",
                    "rejected",
                    Some(decision),
                    "readmission_requested",
                    decision,
                )
                .await?;
            let mut req = w
                .request(&case, agreement, sent, json!([{"kind": "interview_record", "note": "interview in the centre", "document": null}]))
                .await?;
            cases += 1;
            requests += 1;
            let roll = rng.below(100);
            let reply_days = i64::from(terms.reply_days);
            let answered_after = if roll < in_time {
                Some(1 + rng.below(reply_days as u64) as i64)
            } else if roll < in_time + late {
                Some(reply_days + 1 + rng.below(30) as i64)
            } else {
                None
            };
            let mut case_new = case.clone();
            match answered_after {
                Some(after) if add_days(sent, after) <= today => {
                    let on = add_days(sent, after);
                    let confirmed = rng.chance(confirm);
                    req.status = if confirmed { "confirmed" } else { "rejected" }.into();
                    req.replied_on = Some(on.to_string());
                    req.replied_at = Some(w.at(on));
                    req.late = Some(after > reply_days);
                    if confirmed {
                        case_new.state = State::NationalityConfirmed;
                        if rng.chance(td) {
                            let issued = add_days(on, 3 + rng.below(20) as i64);
                            req.travel_document_number =
                                Some(format!("LP{}", 100_000 + rng.below(900_000)));
                            req.travel_document_valid_until =
                                Some(add_days(issued, 200).to_string());
                            req.travel_document_at = Some(w.at(issued));
                            case_new.state = State::TravelDocumentIssued;
                            if rng.chance(executed) {
                                let on = add_days(issued, 7 + rng.below(20) as i64).min(today);
                                case_new.state = State::Executed;
                                case_new.return_kind = Some(if rng.chance(20) {
                                    ReturnKind::AssistedVoluntary
                                } else {
                                    ReturnKind::Flight
                                });
                                case_new.return_on = Some(on);
                            }
                        }
                    } else {
                        req.reply_reason =
                            Some("no record of the person in the national registry".into());
                        case_new.state = State::Open;
                    }
                }
                _ => {}
            }
            store::update_request(w.tx, &req, 1).await?;
            store::update_case(w.tx, &case_new, case.version).await?;
        }
    }
    let by_authority = |code: &str| {
        rows.iter()
            .find(|(a, _)| a.authority_agency == code)
            .map(|(a, _)| a.clone())
    };
    // The cases a newcomer meets on the caseworker's page.
    if let (Some(pk), Some(tn)) = (by_authority("PK-MOI"), by_authority("TN-MI")) {
        let passport = accordo_documents_app::demo::sample_mrzs();
        let mrz_of = |number: &str| {
            passport
                .iter()
                .find(|(what, _)| what.contains(number))
                .map(|(_, m)| m.clone())
        };
        // 1. Awaiting Pakistan's reply; held at Ponte Galeria; a passport copy that the
        //    register knows as stolen.
        let a = w
            .case(
                "FITTIZIO",
                "AHMED",
                "1991-03-14",
                "PAK",
                "",
                "rejected",
                Some(add_days(today, -60)),
                "readmission_requested",
                add_days(today, -40),
            )
            .await?;
        store::insert_stay(
            w.tx,
            &StayRow {
                id: new_id(),
                centre_id: centres[0].id,
                case_id: a.id,
                from_on: add_days(today, -34).to_string(),
                until_on: None,
            },
        )
        .await?;
        let mut evidence = vec![
            json!({"kind": "interview_record", "note": "interview of 2 November, Urdu interpreter", "document": null}),
        ];
        if let Some(mrz) = mrz_of("AB1234567") {
            let doc = CaseDocumentRow {
                id: new_id(),
                case_id: a.id,
                kind: "passport_copy".into(),
                document_number: "AB1234567".into(),
                valid_until: Some("2029-05-01".into()),
                mrz: mrz.clone(),
                check_verdict: "register_hit".into(),
                check_reasons: json!([{
                    "text": "reported stolen by PK-FIA on 2026-11-02",
                    "message": {"id": "documents-reason-reported", "args": {
                        "status": {"id": "documents-status-stolen", "args": {}},
                        "agency": "PK-FIA",
                        "date": "2026-11-02",
                    }},
                }])
                .to_string(),
                created_at: now,
                created_by: "ita.caseworker".into(),
            };
            store::insert_document(w.tx, &doc).await?;
            evidence.push(json!({"kind": "passport_copy", "note": "copy found in the person's phone", "document": {"id": doc.id, "kind": doc.kind, "document_number": doc.document_number, "mrz": mrz, "check_verdict": doc.check_verdict}}));
        }
        w.request(
            &a,
            &pk,
            add_days(today, -12),
            serde_json::Value::Array(evidence),
        )
        .await?;
        safeguard(
            w.tx,
            a.id,
            "legal_information",
            add_days(today, -33),
            "Information on rights and on asylum given in Urdu.",
            now,
        )
        .await?;
        // 2. Tunisia asked for more information six days ago: the clock is stopped.
        let b = w
            .case(
                "ESEMPIO",
                "SAMI",
                "1998-11-02",
                "TUN",
                "medical",
                "none",
                Some(add_days(today, -45)),
                "readmission_requested",
                add_days(today, -30),
            )
            .await?;
        store::insert_stay(
            w.tx,
            &StayRow {
                id: new_id(),
                centre_id: centres[1].id,
                case_id: b.id,
                from_on: add_days(today, -28).to_string(),
                until_on: None,
            },
        )
        .await?;
        let mut rb = w.request(&b, &tn, add_days(today, -20), json!([{"kind": "interview_record", "note": "interview in Gjadër", "document": null}])).await?;
        rb.status = "more_information".into();
        store::update_request(w.tx, &rb, 1).await?;
        store::insert_pause(
            w.tx,
            &PauseRow {
                id: new_id(),
                request_id: rb.id,
                from_on: add_days(today, -6).to_string(),
                until_on: None,
                question: "Send the place of birth and the parents' names as declared.".into(),
                answer: None,
            },
        )
        .await?;
        safeguard(
            w.tx,
            b.id,
            "medical_examination",
            add_days(today, -27),
            "Examined by the centre's doctor; chronic condition under treatment.",
            now,
        )
        .await?;
        // 3. Ready to schedule: confirmed, laissez-passer issued.
        let c = w
            .case(
                "MISAL",
                "IMRAN",
                "2001-06-05",
                "PAK",
                "",
                "rejected",
                Some(add_days(today, -90)),
                "travel_document_issued",
                add_days(today, -80),
            )
            .await?;
        let mut rc = w.request(&c, &pk, add_days(today, -70), json!([{"kind": "passport_copy", "note": "copy of the data page", "document": null}])).await?;
        rc.status = "confirmed".into();
        rc.replied_on = Some(add_days(today, -41).to_string());
        rc.replied_at = Some(w.at(add_days(today, -41)));
        rc.late = Some(false);
        rc.travel_document_number = Some("LP884120".into());
        rc.travel_document_valid_until = Some(add_days(today, 240).to_string());
        rc.travel_document_at = Some(w.at(add_days(today, -30)));
        store::update_request(w.tx, &rc, 1).await?;
        // 4. An unaccompanied minor, confirmed and documented: no return until the
        //    best-interests assessment is recorded.
        let d = w
            .case(
                "BOZZA",
                "KARIM",
                &format!("{}-04-10", today.year() - 16),
                "TUN",
                "minor,unaccompanied",
                "none",
                Some(add_days(today, -50)),
                "travel_document_issued",
                add_days(today, -48),
            )
            .await?;
        let mut rd = w
            .request(
                &d,
                &tn,
                add_days(today, -45),
                json!([{"kind": "identity_card", "note": "school card", "document": null}]),
            )
            .await?;
        rd.status = "confirmed".into();
        rd.replied_on = Some(add_days(today, -35).to_string());
        rd.replied_at = Some(w.at(add_days(today, -35)));
        rd.late = Some(false);
        rd.travel_document_number = Some("TNLP2201".into());
        rd.travel_document_valid_until = Some(add_days(today, 180).to_string());
        rd.travel_document_at = Some(w.at(add_days(today, -25)));
        store::update_request(w.tx, &rd, 1).await?;
        safeguard(
            w.tx,
            d.id,
            "guardian_appointed",
            add_days(today, -47),
            "Guardian appointed by the juvenile court of Rome.",
            now,
        )
        .await?;
        // 5. An appeal is pending: no return can be scheduled.
        let e = w
            .case(
                "PROVA",
                "KAMRAN",
                "1987-09-21",
                "PAK",
                "",
                "appeal_pending",
                Some(add_days(today, -100)),
                "nationality_confirmed",
                add_days(today, -95),
            )
            .await?;
        let mut re = w.request(&e, &pk, add_days(today, -92), json!([{"kind": "passport", "note": "original passport, expired", "document": null}])).await?;
        re.status = "confirmed".into();
        re.replied_on = Some(add_days(today, -50).to_string());
        re.replied_at = Some(w.at(add_days(today, -50)));
        re.late = Some(true);
        store::update_request(w.tx, &re, 1).await?;
        cases += 5;
        requests += 5;
    }
    let audited = audit::record(
        platform,
        &mut tx,
        &demo::command_line_ctx(),
        "system.demo_returns",
        "return_case",
        None,
        json!({"agreements": rows.len(), "centres": centres.len(), "cases": cases, "requests": requests}),
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

async fn safeguard(
    tx: &mut Tx,
    case_id: Uuid,
    kind: &str,
    on: Date,
    note: &str,
    now: i64,
) -> Result<()> {
    store::insert_safeguard(
        tx,
        &SafeguardRow {
            id: new_id(),
            case_id,
            kind: kind.into(),
            recorded_on: on.to_string(),
            note: note.into(),
            created_at: now,
            created_by: "ita.caseworker".into(),
        },
    )
    .await?;
    Ok(())
}
