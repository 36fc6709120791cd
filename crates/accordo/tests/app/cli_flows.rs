#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! `accordo flows import`: a published file whole or not at all; again, nothing changes.

use std::process::{Command, Output};

fn accordo(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accordo"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ACCORDO_DATABASE_URL")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_published_file_is_imported_whole_once_and_a_bad_one_not_at_all() {
    let dir = std::env::temp_dir().join(format!("accordo-flows-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let yearly = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../accordo-flows-app/data/italy-sea-arrivals/yearly.csv"
    );
    let first = accordo(&dir, &["flows", "import", yearly, "--source", "ITA"]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("imported 9 figures of ITA (italy_yearly)")
            && text(&first).contains(": 9 new or changed; 3 yearly rows left to their months"),
        "{}",
        text(&first)
    );
    let again = accordo(&dir, &["flows", "import", yearly, "--source", "ita"]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains(": 0 new or changed"),
        "{}",
        text(&again)
    );
    // One bad row: refused whole, by line and column (that nothing of it is written is
    // tested over the API, in flows.rs).
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "year,arrivals,as_of,basis,monthly_rows,monthly_sum,monthly_minus_yearly\n2030,5,,b,,,\n2031,many,,b,,,\n",
    )
    .unwrap();
    let refused = accordo(
        &dir,
        &["flows", "import", bad.to_str().unwrap(), "--source", "ITA"],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused)
            .contains("nothing was imported. line 3, column `arrivals`: expected a whole number"),
        "{}",
        text(&refused)
    );
    // Another publisher's file, or an unknown source, is refused before anything is read.
    let wrong = accordo(&dir, &["flows", "import", yearly, "--source", "FRONTEX"]);
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(
        text(&wrong).contains("this is a file of ITA"),
        "{}",
        text(&wrong)
    );
    let unknown = accordo(&dir, &["flows", "import", yearly, "--source", "UNHCR"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `accordo flows forecast-file`: Italy's monthly sea arrivals as an analyst would give them,
/// forecast 6 months ahead with no database; a bad file refused by line and column, and
/// nothing written.
#[test]
fn an_analysts_own_series_is_forecast_and_a_bad_file_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("accordo-forecast-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let monthly = include_str!("../../../accordo-flows-app/data/italy-sea-arrivals/monthly.csv");
    let mut file = String::from("series,period,value\n");
    let mut last = String::new();
    for line in monthly.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        file.push_str(&format!("italy,{},{}\n", f[0], f[1]));
        last = f[0].to_owned();
    }
    let input = dir.join("italy.csv");
    std::fs::write(&input, &file).unwrap();
    let out = dir.join("forecast.csv");
    let made = accordo(
        &dir,
        &[
            "flows",
            "forecast-file",
            input.to_str().unwrap(),
            "--horizon",
            "6",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(made.status.success(), "{}", text(&made));
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "series,period,mean,lo80,hi80,lo95,hi95,model");
    assert_eq!(lines.len(), 7, "{written}");
    // The first forecast month is the one after the file's last.
    let (y, m): (i32, u32) = (last[..4].parse().unwrap(), last[5..].parse().unwrap());
    let next = if m == 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    };
    assert!(
        lines[1].starts_with(&format!("italy,{next},")),
        "{}",
        lines[1]
    );
    for l in &lines[1..] {
        let v: Vec<f64> = l
            .split(',')
            .skip(2)
            .take(5)
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(
            v.iter().all(|x| *x >= 0.0) && v[3] <= v[0] && v[0] <= v[4],
            "{l}"
        );
    }
    // A negative value on line 5: refused, naming it; the earlier answer is left as it was.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, file.replacen("italy,2014-04,", "italy,2014-04,-", 1)).unwrap();
    let refused = accordo(
        &dir,
        &[
            "flows",
            "forecast-file",
            bad.to_str().unwrap(),
            "--horizon",
            "6",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("nothing was written. line 5, column `value`")
            && text(&refused).contains("negative"),
        "{}",
        text(&refused)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let zero = accordo(
        &dir,
        &[
            "flows",
            "forecast-file",
            input.to_str().unwrap(),
            "--horizon",
            "0",
        ],
    );
    assert_eq!(zero.status.code(), Some(1));
    assert!(text(&zero).contains("from 1 to 60"), "{}", text(&zero));
    // One model for every series, with no backtest: each line names it.
    let forced = accordo(
        &dir,
        &[
            "flows",
            "forecast-file",
            input.to_str().unwrap(),
            "--horizon",
            "3",
            "--model",
            "seasonal_naive",
        ],
    );
    assert!(forced.status.success(), "{}", text(&forced));
    let stdout = String::from_utf8_lossy(&forced.stdout).into_owned();
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(
        stdout
            .lines()
            .skip(1)
            .all(|l| l.ends_with(",seasonal_naive")),
        "{stdout}"
    );
    let unknown = accordo(
        &dir,
        &[
            "flows",
            "forecast-file",
            input.to_str().unwrap(),
            "--horizon",
            "3",
            "--model",
            "prophet",
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown)
            .contains("--model must be auto or one of seasonal_naive, theta, ets, mstl, ets_theta"),
        "{}",
        text(&unknown)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `accordo flows forecast`: with nothing imported, nothing to forecast (exit 1); after
/// Italy's monthly arrivals, their 24 months by the model the backtest chose, written whole.
#[test]
fn the_published_series_are_forecast_again_from_the_database() {
    let dir = std::env::temp_dir().join(format!("accordo-forecast-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("all.csv");
    let empty = accordo(&dir, &["flows", "forecast"]);
    assert_eq!(empty.status.code(), Some(1), "{}", text(&empty));
    assert!(text(&empty).contains("import the published figures first"));
    let monthly = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../accordo-flows-app/data/italy-sea-arrivals/monthly.csv"
    );
    let imported = accordo(&dir, &["flows", "import", monthly, "--source", "ITA"]);
    assert!(imported.status.success(), "{}", text(&imported));
    let made = accordo(&dir, &["flows", "forecast", "--out", out.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made));
    assert!(
        text(&made).contains("1 series forecast 24 months ahead"),
        "{}",
        text(&made)
    );
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "series,period,mean,lo80,hi80,lo95,hi95,model");
    assert_eq!(lines.len(), 25, "{written}");
    let model = lines[1].rsplit(',').next().unwrap();
    assert!(
        ["seasonal_naive", "theta", "ets", "mstl", "ets_theta"].contains(&model),
        "{model}"
    );
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.starts_with("ITA/total,") && l.ends_with(model)),
        "{written}"
    );
    assert!(text(&made).contains("ITA/total") && text(&made).contains(model));
    let _ = std::fs::remove_dir_all(&dir);
}
