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
