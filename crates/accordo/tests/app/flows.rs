#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! The flows pillar: the real series the demo holds, over the API; imports whole or not at
//! all, and again changing nothing.

use accordo_flows::vocab::Source;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, each_engine};

/// Imports a file of Frontex's as the command line does.
async fn frontex(
    app: &common::TestApp,
    file: &[u8],
) -> accordo_service::Result<accordo_flows_app::service::Imported> {
    let ctx = accordo_service::demo::command_line_ctx();
    accordo_flows_app::service::import(&app.platform, &ctx, Source::Frontex, file, &|_, _| {}).await
}

fn year(list: &Value, period: &str) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["period"] == period)
        .cloned()
        .unwrap_or_else(|| panic!("no {period} in {list}"))
}

/// Italy's sea arrivals: 157,652 in 2023 and 66,317 in 2024, the Ministry's official year-end
/// totals, each with the lower sum of its months as first published beside it.
#[tokio::test]
async fn the_demo_holds_italys_arrivals_and_frontexs_routes() {
    each_engine(|app| async move {
        let token = app.token("ita.analyst").await;
        let years = app
            .get("/api/v1/flows/totals?reporting_country=ITA&period=year", &token)
            .await;
        assert_eq!(years.status, StatusCode::OK, "{}", years.text);
        let years = years.json();
        assert_eq!(
            year(&years, "2023"),
            json!({"period": "2023", "count": 157652, "basis": "published", "months": 12, "monthly_sum": 155515})
        );
        assert_eq!(year(&years, "2024")["count"], 66317);
        assert_eq!(year(&years, "2024")["monthly_sum"], 64148);
        // 2014 has no official total: the file's yearly figure was the sum of UNHCR's
        // months, which say it themselves.
        assert_eq!(
            year(&years, "2014"),
            json!({"period": "2014", "count": 170100, "basis": "sum_of_months", "months": 12})
        );
        assert_eq!(years.as_array().unwrap().len(), 12, "2014 to 2025");
        let months = app
            .get("/api/v1/flows/totals?reporting_country=ITA&period=month", &token)
            .await
            .json();
        assert_eq!(year(&months, "2023-01")["count"], 4959);
        assert_eq!(year(&months, "2023-03")["count"], 12853);
        assert_eq!(months.as_array().unwrap().len(), 140);
        // Frontex: the Central Mediterranean's detections, from its months.
        let central = app
            .get(
                "/api/v1/flows/totals?source=FRONTEX&route=central-mediterranean",
                &token,
            )
            .await
            .json();
        assert_eq!(
            year(&central, "2023"),
            json!({"period": "2023", "count": 158026, "basis": "sum_of_months", "months": 12})
        );
        assert_eq!(year(&central, "2024")["count"], 66855);
        assert_eq!(year(&central, "2009")["months"], 12, "from 2009");
        assert_eq!(year(&central, "2025")["months"], 4, "2025 has January to April");
        // Every route together is Frontex's whole file.
        let all = app
            .get("/api/v1/flows/totals?source=FRONTEX", &token)
            .await
            .json();
        assert_eq!(year(&all, "2023")["count"], 381319);
        assert_eq!(year(&all, "2024")["count"], 240021);
        // A partner reads the same published figures.
        let partner = app.token("pak.partner_authority").await;
        let seen = app
            .get("/api/v1/flows/totals?reporting_country=ITA", &partner)
            .await;
        assert_eq!(seen.status, StatusCode::OK);
        assert_eq!(seen.json(), years);
        app
    })
    .await;
}

#[tokio::test]
async fn a_question_the_series_cannot_answer_is_refused_by_its_field() {
    let app = common::app_sqlite().await;
    let token = app.token("ita.analyst").await;
    for (query, field) in [
        ("reporting_country=FRA", "reporting_country"),
        ("", "source"),
        ("reporting_country=ITA&source=ITA", "source"),
        ("source=FRONTEX&period=week", "period"),
        ("source=FRONTEX&route=Atlantic", "route"),
        ("source=FRONTEX&nationality=XYZ", "nationality"),
    ] {
        let r = app
            .get(&format!("/api/v1/flows/totals?{query}"), &token)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.text
        );
        assert_eq!(r.json()["field"], field, "{query}: {}", r.text);
    }
    app.finish().await;
}

/// A file with one bad row changes nothing; a good one imported twice changes nothing the
/// second time; the nationality rows answer their own series.
#[tokio::test]
async fn an_import_is_whole_or_nothing_and_again_changes_nothing() {
    each_engine(|app| async move {
        let file = "month,route,border_type,nationality_code,detections\n\
                    2025-05,Central Mediterranean,Sea,TUN,120\n\
                    2025-05,Central Mediterranean,Sea,BGD,80\n\
                    2025-06,Central Mediterranean,Sea,TUN,30\n";
        let bad = format!("{file}2025-06,Central Mediterranean,Sea,TUN,-3\n");
        let refused = frontex(&app, bad.as_bytes()).await.unwrap_err();
        assert!(
            refused.to_string().contains("line 5, column `detections`"),
            "{refused}"
        );
        let token = app.token("ita.analyst").await;
        let admin = app.token("ita.admin").await;
        let imports = |log: Value| log.as_array().unwrap().len();
        let before = imports(
            app.get("/api/v1/audit?action=flow_statistic.import", &admin)
                .await
                .json(),
        );
        let tunisians = "/api/v1/flows/totals?source=FRONTEX&nationality=TUN&period=month";
        assert_eq!(app.get(tunisians, &token).await.json(), json!([]));
        let first = frontex(&app, file.as_bytes()).await.unwrap();
        assert_eq!((first.rows, first.changed), (3, 3));
        let again = frontex(&app, file.as_bytes()).await.unwrap();
        assert_eq!((again.rows, again.changed), (3, 0));
        assert_eq!(
            app.get(tunisians, &token).await.json(),
            json!([
                {"period": "2025-05", "count": 120, "basis": "published"},
                {"period": "2025-06", "count": 30, "basis": "published"}
            ])
        );
        // The totals are Frontex's own route totals, not the sum of these rows.
        let may = app
            .get("/api/v1/flows/totals?source=FRONTEX&period=month", &token)
            .await
            .json();
        assert!(
            may.as_array()
                .unwrap()
                .iter()
                .all(|t| t["period"] != "2025-05"),
            "no route total was published for May 2025: {may}"
        );
        // A revised figure replaces the one before; the others stay unchanged.
        let revised = file.replace("TUN,30", "TUN,35");
        let third = frontex(&app, revised.as_bytes()).await.unwrap();
        assert_eq!((third.rows, third.changed), (3, 1));
        assert_eq!(app.get(tunisians, &token).await.json()[1]["count"], 35);
        // A later edition without a figure it gave before (Frontex leaves out zeros): the
        // figure goes with the import. A file that does not give a cell leaves it be.
        let dropped = revised.replace("2025-05,Central Mediterranean,Sea,BGD,80\n", "");
        let fourth = frontex(&app, dropped.as_bytes()).await.unwrap();
        assert_eq!((fourth.rows, fourth.changed, fourth.removed), (2, 0, 1));
        let bangladeshis = "/api/v1/flows/totals?source=FRONTEX&nationality=BGD&period=month";
        assert_eq!(app.get(bangladeshis, &token).await.json(), json!([]));
        let partial = "month,route,border_type,nationality_code,detections\n\
                       2025-06,Central Mediterranean,Sea,TUN,35\n";
        let fifth = frontex(&app, partial.as_bytes()).await.unwrap();
        assert_eq!((fifth.changed, fifth.removed), (0, 0));
        assert_eq!(app.get(tunisians, &token).await.json()[0]["count"], 120);
        // A file of many statements (more figures than one holds) is written whole.
        let many: String =
            std::iter::once("month,route,border_type,nationality_code,detections\n".to_owned())
                .chain((1..=12).flat_map(|m| {
                    [
                        "AFG", "BGD", "EGY", "ERI", "PAK", "SDN", "SYR", "TUN", "GIN", "MLI",
                    ]
                    .into_iter()
                    .map(move |n| format!("2030-{m:02},Other,Land,{n},{m}\n"))
                }))
                .collect();
        let written = frontex(&app, many.as_bytes()).await.unwrap();
        assert_eq!((written.rows, written.changed), (120, 120));
        let afghans = app
            .get(
                "/api/v1/flows/totals?source=FRONTEX&nationality=AFG&period=year&route=Other",
                &token,
            )
            .await
            .json();
        assert_eq!(year(&afghans, "2030")["count"], 78, "1 + 2 + … + 12");
        // Each import that was taken is in the log; the refused one is not.
        let after = imports(
            app.get("/api/v1/audit?action=flow_statistic.import", &admin)
                .await
                .json(),
        );
        assert_eq!(after, before + 6);
        app
    })
    .await;
}

/// A series' nationalities add up to its year, largest first, the rest together last; its
/// year to date compares the same months.
#[tokio::test]
async fn the_nationalities_add_up_to_the_year_and_the_year_to_date_compares_like_months() {
    each_engine(|app| async move {
        let token = app.token("ita.caseworker").await;
        let italy = app
            .get("/api/v1/flows/nationalities?reporting_country=ITA&year=2024", &token)
            .await;
        assert_eq!(italy.status, StatusCode::OK, "{}", italy.text);
        let italy = italy.json();
        assert_eq!(italy["year"], 2024);
        let shares = italy["nationalities"].as_array().unwrap();
        let counts: Vec<i64> = shares.iter().map(|s| s["count"].as_i64().unwrap()).collect();
        assert_eq!(counts.iter().sum::<i64>(), 66317, "the year's official total");
        assert_eq!(shares.last().unwrap()["nationality"], "OTH");
        let named = &counts[..counts.len() - 1];
        assert!(named.windows(2).all(|w| w[0] >= w[1]), "{named:?}");
        assert_eq!(
            italy["year_to_date"],
            json!({"year": 2025, "through_month": 8, "count": 41727, "previous": 40442, "change_percent": 3.2})
        );
        // By route, from the figures by nationality.
        frontex(&app, b"month,route,border_type,nationality_code,detections\n2024-01,Central Mediterranean,Sea,BGD,700\n2024-02,Central Mediterranean,Sea,TUN,300\n2024-02,Western Balkan,Land,SYR,50\n").await
        .unwrap();
        let central = app
            .get(
                "/api/v1/flows/nationalities?source=FRONTEX&route=central-mediterranean&year=2024",
                &token,
            )
            .await
            .json();
        assert_eq!(
            central["nationalities"],
            json!([
                {"nationality": "BGD", "count": 700, "percent": 70.0},
                {"nationality": "TUN", "count": 300, "percent": 30.0}
            ])
        );
        let refused = app
            .get("/api/v1/flows/nationalities?source=FRONTEX&route=Atlantic", &token)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}

/// The people of the demo's events, from its data file: `(all, CLEAR or GREEN, of BGD in
/// CLEAR or GREEN ones)`.
fn demo_event_people() -> (i64, i64, i64) {
    let (mut all, mut green, mut bgd) = (0, 0, 0);
    for line in accordo_flows_app::demo::EVENTS.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('|').collect();
        let people = f[10].parse::<i64>().unwrap();
        all += people;
        if matches!(f[14], "CLEAR" | "GREEN") {
            green += people;
            for pair in f[13].split(';').map(str::trim) {
                if let Some(n) = pair.strip_prefix("BGD ") {
                    bgd += n.parse::<i64>().unwrap();
                }
            }
        }
    }
    (all, green, bgd)
}

async fn platform_total(app: &common::TestApp, token: &str) -> i64 {
    sum(&app
        .get("/api/v1/flows/totals?source=PLATFORM&period=year", token)
        .await
        .json())
}

fn sum(list: &Value) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["count"].as_i64().unwrap())
        .sum()
}

/// Each agency reads the events their handling codes let it read; the platform's series counts
/// for each reader the people TLP lets it count, and names no place.
#[tokio::test]
async fn events_are_read_under_their_handling_and_counted_in_the_platforms_series() {
    each_engine(|app| async move {
        let ids = |list: &Value| -> Vec<(String, String, String)> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["agency"].as_str().unwrap().to_owned(),
                        e["handling"].as_str().unwrap().to_owned(),
                        e["id"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        // Turkey's coast guard is addressed by every AMBER event of the demo: it reads all.
        let all = app
            .get("/api/v1/flows/events", &app.token("tur.officer").await)
            .await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.text);
        let all = ids(&all.json());
        assert_eq!(all.len(), 20);
        // No administrator reads events by office: TLP names their readers.
        let admin = app
            .get("/api/v1/flows/events", &app.token("ita.admin").await)
            .await;
        assert_eq!(admin.status, StatusCode::FORBIDDEN, "{}", admin.text);
        let amber = |from: &str, h: &str| {
            all.iter()
                .filter(|(a, hh, _)| a == from && hh == h)
                .map(|(_, _, id)| id.clone())
                .collect::<Vec<_>>()
        };
        // TR-SG's AMBER to IT-GC and GR-HP; IT-GC's AMBER to Turkey, and its AMBER+STRICT to TR-SG.
        let (tr_amber, it_amber, it_strict) = (
            amber("TR-SG", "AMBER"),
            amber("IT-GC", "AMBER"),
            amber("IT-GC", "AMBER+STRICT"),
        );
        assert_eq!((tr_amber.len(), it_amber.len(), it_strict.len()), (1, 1, 1));
        for (user, sees, not) in [
            (
                "esp.officer",
                vec![],
                vec![&tr_amber[0], &it_amber[0], &it_strict[0]],
            ),
            (
                "grc.officer",
                vec![&tr_amber[0]],
                vec![&it_amber[0], &it_strict[0]],
            ),
            (
                "tur.officer",
                vec![&tr_amber[0], &it_amber[0], &it_strict[0]],
                vec![],
            ),
            (
                "ita.coastguard",
                vec![&tr_amber[0], &it_amber[0], &it_strict[0]],
                vec![],
            ),
            (
                "ita.officer",
                vec![],
                vec![&tr_amber[0], &it_amber[0], &it_strict[0]],
            ),
        ] {
            let token = app.token(user).await;
            let list = app.get("/api/v1/flows/events", &token).await.json();
            let read: Vec<String> = ids(&list).into_iter().map(|(_, _, id)| id).collect();
            assert_eq!(read.len(), 20 - not.len(), "{user}");
            for id in sees {
                assert!(read.contains(id), "{user} reads {id}");
                let one = app.get(&format!("/api/v1/flows/events/{id}"), &token).await;
                assert_eq!(one.status, StatusCode::OK, "{user}: {}", one.text);
            }
            for id in not {
                assert!(!read.contains(id), "{user} must not read {id}");
                let one = app.get(&format!("/api/v1/flows/events/{id}"), &token).await;
                assert_eq!(one.status, StatusCode::NOT_FOUND, "{user}: {}", one.text);
            }
        }
        // The caseworker reads the statistics, not the events.
        let caseworker = app.token("ita.caseworker").await;
        let refused = app.get("/api/v1/flows/events", &caseworker).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        // The platform's own series counts what TLP lets each reader count: CLEAR and GREEN
        // events for every reader of the statistics, the rest where they are shared.
        let (all_people, green, bgd) = demo_event_people();
        assert!(green < all_people, "the demo has AMBER events");
        for period in ["day", "week", "month", "year"] {
            let totals = app
                .get(
                    &format!("/api/v1/flows/totals?source=PLATFORM&period={period}"),
                    &caseworker,
                )
                .await;
            assert_eq!(totals.status, StatusCode::OK, "{period}: {}", totals.text);
            let totals = totals.json();
            assert_eq!(sum(&totals), green, "{period}");
            assert!(
                totals
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|t| t["basis"] == "recorded")
            );
            assert!(
                !totals.to_string().contains("Lampedusa"),
                "no place in a sum"
            );
        }
        for (user, expected) in [
            ("ita.admin", green),
            ("tur.officer", all_people),
            ("esp.officer", green),
            ("unhcr.monitor", green),
        ] {
            assert_eq!(
                platform_total(&app, &app.token(user).await).await,
                expected,
                "{user}"
            );
        }
        let weeks = app
            .get(
                "/api/v1/flows/totals?source=PLATFORM&period=week",
                &caseworker,
            )
            .await
            .json();
        assert!(
            weeks[0]["period"].as_str().unwrap().contains("-W"),
            "{weeks}"
        );
        let of_bgd = app
            .get(
                "/api/v1/flows/totals?source=PLATFORM&period=year&nationality=BGD",
                &caseworker,
            )
            .await
            .json();
        assert_eq!(sum(&of_bgd), bgd);
        // Never added to another source's figures.
        let italy = app
            .get(
                "/api/v1/flows/totals?reporting_country=ITA&period=year",
                &caseworker,
            )
            .await
            .json();
        assert_eq!(year(&italy, "2023")["count"], 157652);
        app
    })
    .await;
}

/// An event is checked field by field and written whole or not at all; its agency withdraws
/// it, and it leaves the sums.
#[tokio::test]
async fn an_event_is_recorded_whole_and_withdrawn_by_its_agency() {
    each_engine(|app| async move {
        let coastguard = app.token("ita.coastguard").await;
        let analyst = app.token("ita.analyst").await;
        // Its own agency counts every event it records; another counts what TLP lets it.
        let before = platform_total(&app, &coastguard).await;
        let analyst_before = platform_total(&app, &analyst).await;
        let good = json!({
            "date": "2026-11-20", "kind": "rescue", "route": "Central Mediterranean", "border": "sea",
            "place": "SAR zone, 30 nm south of Lampedusa", "latitude": 35.0, "longitude": 12.55,
            "departure_country": "LBY", "vessel": "rubber", "people": 60, "dead": 1, "missing": 2,
            "nationalities": {"SDN": 30, "ERI": 20}, "handling": "AMBER", "addressees": ["agency:TN-GN"]
        });
        for (change, field) in [
            (json!({"nationalities": {"SDN": 50, "ERI": 20}}), "nationalities"),
            (json!({"date": "2026-12-25"}), "date"),
            (json!({"date": "2026-02-30"}), "date"),
            (json!({"people": -3}), "people"),
            (json!({"route": "Atlantic"}), "route"),
            (json!({"departure_country": "XXX"}), "departure_country"),
            (json!({"nationalities": {"XYZ": 3}}), "nationalities"),
            (json!({"border": "land"}), "border"),
            (json!({"addressees": []}), "addressees"),
            (json!({"handling": "RED"}), "handling"),
            (json!({"latitude": 95.0}), "latitude"),
            (json!({"addressees": ["agency:TN-GNX"]}), "addressees"),
        ] {
            let mut body = good.clone();
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app.post("/api/v1/flows/events", Some(&coastguard), body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {}", r.text);
            assert_eq!(r.json()["field"], field, "{change}: {}", r.text);
        }
        assert_eq!(platform_total(&app, &coastguard).await, before, "nothing written");
        // Who may not record is refused before anything is read.
        for user in ["ita.caseworker", "pak.partner_authority", "unhcr.monitor"] {
            let r = app
                .post("/api/v1/flows/events", Some(&app.token(user).await), good.clone())
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}: {}", r.text);
        }
        let made = app.post("/api/v1/flows/events", Some(&coastguard), good.clone()).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let made = made.json();
        assert_eq!(made["agency"], "IT-GC");
        assert_eq!(made["nationalities"], json!([["SDN", 30], ["ERI", 20]]));
        assert_eq!(made["latitude"], 35.0);
        let id = made["id"].as_str().unwrap().to_owned();
        assert_eq!(platform_total(&app, &coastguard).await, before + 60);
        assert_eq!(
            platform_total(&app, &analyst).await,
            analyst_before,
            "AMBER to Tunisia: not IT-MI's to count"
        );
        let tunisia_total = platform_total(&app, &app.token("tun.officer").await).await;
        // The addressed agency's officer reads it and is told; another does not read it.
        let tunisia = app.token("tun.officer").await;
        let read = app.get(&format!("/api/v1/flows/events/{id}"), &tunisia).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        let told = app.get("/api/v1/notifications", &tunisia).await.json();
        assert!(told.to_string().contains(&id), "{told}");
        let spain = app.token("esp.officer").await;
        let hidden = app.get(&format!("/api/v1/flows/events/{id}"), &spain).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        // Another agency's officer may not withdraw it; its own may, once.
        let r = app
            .post(&format!("/api/v1/flows/events/{id}/withdraw"), Some(&tunisia), json!(null))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = app
            .post(&format!("/api/v1/flows/events/{id}/withdraw"), Some(&coastguard), json!(null))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["withdrawn"], true);
        assert_eq!(platform_total(&app, &tunisia).await, tunisia_total - 60, "out of every sum");
        assert_eq!(platform_total(&app, &coastguard).await, before);
        let again = app
            .post(&format!("/api/v1/flows/events/{id}/withdraw"), Some(&coastguard), json!(null))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
        // Both writes are in the audit log.
        let admin = app.token("ita.admin").await;
        let audit = app
            .get(&format!("/api/v1/audit?resource_id={id}"), &admin)
            .await;
        let actions = audit.text;
        assert!(actions.contains("flow_event.create"), "{actions}");
        assert!(actions.contains("flow_event.withdraw"), "{actions}");
        app
    })
    .await;
}

/// Forecasts are computed in the background, pending until then; each published monthly
/// series gets 24 months by the model its backtest chose, never below zero; an import that
/// changes the figures makes them again, one that changes nothing does not.
#[tokio::test]
async fn forecasts_follow_the_figures_by_the_model_their_backtest_chose() {
    each_engine(|app| async move {
        let token = app.token("ita.caseworker").await;
        let url = "/api/v1/flows/forecasts?source=FRONTEX&route=central-mediterranean";
        let pending = app.get(url, &token).await;
        assert_eq!(pending.status, StatusCode::OK, "{}", pending.text);
        assert_eq!(pending.json()["status"], "pending");
        let made = accordo_flows_app::service::forecasts::refresh(&app.platform)
            .await
            .unwrap();
        assert!(made.is_some_and(|n| n >= 10), "{made:?}");
        let ready = app.get(url, &token).await.json();
        assert_eq!(ready["status"], "ready", "{ready}");
        let f = &ready["forecast"];
        let periods = f["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 24);
        assert_eq!(periods[0], "2025-05", "the month after Frontex's last");
        let col = |k: &str| -> Vec<f64> {
            f["forecast"][k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let (mean, lo80, hi80, lo95, hi95) = (
            col("mean"),
            col("lo80"),
            col("hi80"),
            col("lo95"),
            col("hi95"),
        );
        for j in 0..24 {
            assert!(lo95[j] >= 0.0, "never below zero");
            assert!(
                lo95[j] <= lo80[j]
                    && lo80[j] <= mean[j]
                    && mean[j] <= hi80[j]
                    && hi80[j] <= hi95[j],
                "step {j}"
            );
        }
        let scores = f["backtest"]["scores"].as_array().unwrap();
        assert_eq!(
            scores.len(),
            5,
            "seasonal naive, theta, ETS, MSTL and their combination"
        );
        // The combination, unless another did 20% better.
        let mase = |s: &Value| s["mean_mase"].as_f64().unwrap();
        let best = scores
            .iter()
            .min_by(|a, b| mase(a).total_cmp(&mase(b)))
            .unwrap();
        let combination = scores.iter().find(|s| s["model"] == "ets_theta").unwrap();
        let expected = if mase(best) <= 0.8 * mase(combination) {
            &best["model"]
        } else {
            &combination["model"]
        };
        assert_eq!(&f["backtest"]["chosen"], expected);
        assert_eq!(
            scores[0]["mase"].as_array().unwrap().len(),
            12,
            "1 to 12 months ahead"
        );
        // Early warning: the 2023 surge and the 2024 fall on the Central Mediterranean.
        let warned = app.get("/api/v1/flows/warnings", &token).await.json();
        assert_eq!(warned["status"], "ready");
        let central: Vec<&Value> = warned["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["route"] == "Central Mediterranean")
            .collect();
        let fall = central
            .iter()
            .find(|w| {
                w["kind"] == "change"
                    && w["direction"] == "down"
                    && w["period"].as_str().unwrap().starts_with("2024")
            })
            .unwrap_or_else(|| panic!("no 2024 fall: {central:?}"));
        assert!(fall["ratio"].as_f64().unwrap() < 0.6, "{fall}");
        assert_eq!(fall["severity"], "high");
        assert!(
            central.iter().any(|w| w["kind"] == "change"
                && w["direction"] == "up"
                && w["period"].as_str().unwrap() < "2023-04"),
            "the level's rise into the 2023 surge: {central:?}"
        );
        assert!(
            central.iter().any(|w| w["kind"] == "surprise"
                && w["direction"] == "up"
                && w["period"].as_str().unwrap().starts_with("2023")),
            "a 2023 month above its forecast: {central:?}"
        );
        // Italy's national series too.
        let italy = app
            .get("/api/v1/flows/forecasts?source=ITA", &token)
            .await
            .json();
        assert_eq!(italy["status"], "ready");
        // Nothing changed: nothing recomputed. A new month: recomputed.
        assert_eq!(
            accordo_flows_app::service::forecasts::refresh(&app.platform)
                .await
                .unwrap(),
            None
        );
        frontex(
            &app,
            b"month,route,border_type,detections\n2025-05,Central Mediterranean,Sea,7000\n",
        )
        .await
        .unwrap();
        assert!(
            accordo_flows_app::service::forecasts::refresh(&app.platform)
                .await
                .unwrap()
                .is_some()
        );
        let after = app.get(url, &token).await.json();
        assert_eq!(after["forecast"]["periods"][0], "2025-06");
        // By nationality: none before Frontex's figures by nationality are in; then its most
        // frequent nationalities of the last two years get their own.
        let syrians = "/api/v1/flows/forecasts?source=FRONTEX&nationality=SYR";
        assert_eq!(
            app.get(syrians, &token).await.json()["status"],
            "unavailable"
        );
        accordo_flows_app::demo::import_later(&app.platform)
            .await
            .unwrap();
        let made = accordo_flows_app::service::forecasts::refresh(&app.platform)
            .await
            .unwrap();
        assert!(made.is_some_and(|n| n >= 20), "{made:?}");
        let syr = app.get(syrians, &token).await.json();
        assert_eq!(syr["status"], "ready", "{syr}");
        assert_eq!(syr["forecast"]["periods"].as_array().unwrap().len(), 24);
        let warned = app.get("/api/v1/flows/warnings", &token).await.json();
        assert!(
            warned["warnings"].as_array().unwrap().iter().all(|w| {
                let series = w["series"].as_str().unwrap();
                match w["nationality"].as_str() {
                    Some(n) => series == format!("FRONTEX/nationality/{n}"),
                    None => series.starts_with(w["source"].as_str().unwrap()),
                }
            }),
            "{warned}"
        );
        for (query, field) in [
            ("source=PLATFORM", "source"),
            ("", "source"),
            ("source=FRONTEX&route=Atlantic", "route"),
            ("source=FRONTEX&nationality=syria", "nationality"),
            (
                "source=FRONTEX&route=central-mediterranean&nationality=SYR",
                "nationality",
            ),
        ] {
            let r = app
                .get(&format!("/api/v1/flows/forecasts?{query}"), &token)
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(r.json()["field"], field, "{query}");
        }
        app
    })
    .await;
}

/// An officer follows series: an unknown one refuses the list whole; the warnings already
/// there are seen, not notified; a month that comes outside its forecast afterwards is
/// notified once, to the follower alone, and is among the follower's alerts.
#[tokio::test]
async fn a_follower_is_told_once_of_each_new_warning_on_the_series_it_follows() {
    each_engine(|app| async move {
        let analyst = app.token("esp.officer").await;
        let demo_analyst = app.token("ita.analyst").await;
        let other = app.token("ita.caseworker").await;
        accordo_flows_app::service::forecasts::refresh(&app.platform)
            .await
            .unwrap();
        let url = "/api/v1/flows/subscriptions";
        let put = |body: Value| {
            let app = &app;
            let analyst = analyst.clone();
            async move {
                app.request(axum::http::Method::PUT, url, Some(&analyst), Some(&body))
                    .await
            }
        };
        let refused = put(json!({"series": ["ITA/total", "FRONTEX/Atlantis"]})).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.json()["field"], "series");
        assert!(refused.text.contains("item 2"), "{}", refused.text);
        assert_eq!(app.get(url, &analyst).await.json()["series"], json!([]));
        let set =
            put(json!({"series": ["FRONTEX/Central Mediterranean", "ITA/total", "ITA/total"]}))
                .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        assert_eq!(
            app.get(url, &analyst).await.json()["series"],
            json!(["FRONTEX/Central Mediterranean", "ITA/total"])
        );
        // The Central Mediterranean's warnings are the follower's alerts, and only theirs.
        let alerts = app.get("/api/v1/flows/alerts", &analyst).await.json();
        assert_eq!(alerts["status"], "ready");
        let listed = alerts["alerts"].as_array().unwrap();
        assert!(
            listed
                .iter()
                .any(|a| a["series"] == "FRONTEX/Central Mediterranean")
        );
        assert!(
            listed
                .iter()
                .all(|a| a["series"] == "FRONTEX/Central Mediterranean"
                    || a["series"] == "ITA/total")
        );
        assert_eq!(
            app.get("/api/v1/flows/alerts", &other).await.json()["alerts"],
            json!([])
        );
        let notified = |token: String| {
            let app = &app;
            async move {
                app.get("/api/v1/notifications", &token)
                    .await
                    .json()
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter(|n| n["topic"] == "flows.alert")
                            .cloned()
                            .collect::<Vec<Value>>()
                    })
                    .unwrap_or_default()
            }
        };
        assert!(
            notified(analyst.clone()).await.is_empty(),
            "warnings already there are seen"
        );
        // The demo's analyst followed the Central Mediterranean and Italy from the start: the
        // first forecasts told it of their warnings.
        assert_eq!(
            app.get(url, &demo_analyst).await.json()["series"],
            json!(["FRONTEX/Central Mediterranean", "ITA/total"])
        );
        assert!(!notified(demo_analyst.clone()).await.is_empty());
        // May 2025 at ten times its level: a surprise, told once.
        frontex(
            &app,
            b"month,route,border_type,detections\n2025-05,Central Mediterranean,Sea,90000\n",
        )
        .await
        .unwrap();
        accordo_flows_app::service::forecasts::refresh(&app.platform)
            .await
            .unwrap();
        let told = notified(analyst.clone()).await;
        assert!(
            told.iter()
                .any(|n| n["title"].as_str().unwrap().contains("2025-05")),
            "{told:?}"
        );
        assert!(
            notified(other.clone()).await.is_empty(),
            "only the follower"
        );
        // Recomputed again (another month elsewhere): nothing told twice.
        frontex(
            &app,
            b"month,route,border_type,detections\n2025-05,Black Sea,Sea,1\n",
        )
        .await
        .unwrap();
        accordo_flows_app::service::forecasts::refresh(&app.platform)
            .await
            .unwrap();
        assert_eq!(notified(analyst.clone()).await.len(), told.len());
        app
    })
    .await;
}
