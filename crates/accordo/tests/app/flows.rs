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
        ("source=PLATFORM", "source"),
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
        assert_eq!(after, before + 4);
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
