#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! `accordo documents import`: all or nothing, bad rows named by line and column.

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

#[test]
fn an_import_is_refused_whole_on_a_bad_row_and_taken_whole_when_good() {
    let dir = std::env::temp_dir().join(format!("accordo-docs-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let made = accordo(
        &dir,
        &[
            "agency",
            "add",
            "--code",
            "IT-PS",
            "--name",
            "Polizia",
            "--country",
            "ITA",
            "--operator",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "issuing_state,document_type,document_number,status,reported_on\nPAK,P,AB1,stolen,2026-01-02\nPAK,Q,AB2,stolen,2026-01-02\n",
    )
    .unwrap();
    let out = accordo(
        &dir,
        &[
            "documents",
            "import",
            bad.to_str().unwrap(),
            "--agency",
            "IT-PS",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing was imported") && err.contains("line 3, column document_type"),
        "{err}"
    );

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "issuing_state,document_type,document_number,status,reported_on,notes\nPAK,P,AB1,stolen,2026-01-02,\"a, quoted note\"\nPAK,P,AB2,lost,2026-01-03,\n",
    )
    .unwrap();
    let out = accordo(
        &dir,
        &[
            "documents",
            "import",
            good.to_str().unwrap(),
            "--agency",
            "IT-PS",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 reports for IT-PS"));
    let verify = accordo(&dir, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "the import is in an intact audit chain"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
