#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! `accordo quotas apportion`: the arithmetic alone, JSON out, exit 2 with a reason.

use std::collections::BTreeMap;
use std::process::{Command, Output};

fn apportion(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("accordo-quotas-cli-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_accordo"))
        .arg("--data-dir")
        .arg(dir.join("never-created"))
        .args(["quotas", "apportion"])
        .args(args)
        .env_remove("ACCORDO_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!dir.join("never-created").exists(), "no database is opened");
    out
}

fn seats(out: &Output) -> BTreeMap<String, u64> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn divides_the_reserved_agricultural_quotas_exactly() {
    // 2026: 4,875 of the 40,075 agricultural quotas are reserved for cooperating countries.
    for method in ["largest-remainder", "dhondt", "sainte-lague"] {
        let out = apportion(&[
            "--method", method, "--seats", "4875", "--floor", "TUR=500", "--cap", "PAK=2000",
            "PAK=71.5", "TUN=64.2", "TUR=12.0",
        ]);
        let got = seats(&out);
        assert_eq!(got.values().sum::<u64>(), 4875, "{method}: {got:?}");
        assert!(got["TUR"] >= 500 && got["PAK"] <= 2000, "{method}: {got:?}");
        assert!(got["TUN"] > got["TUR"], "{method}: {got:?}");
    }
}

#[test]
fn the_methods_give_the_textbook_answers() {
    let got = seats(&apportion(&[
        "--method", "dhondt", "--seats", "8", "A=100000", "B=80000", "C=30000", "D=20000",
    ]));
    assert_eq!(
        got,
        BTreeMap::from([
            ("A".into(), 4),
            ("B".into(), 3),
            ("C".into(), 1),
            ("D".into(), 0)
        ])
    );
    let got = seats(&apportion(&["--seats", "10", "A=53", "B=24", "C=23"]));
    assert_eq!(got["B"], 3, "largest remainder is the default: {got:?}");
}

#[test]
fn impossible_bounds_and_bad_arguments_exit_2_with_the_reason() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--seats", "10", "--floor", "A=8", "--floor", "B=5", "A=1", "B=1",
            ],
            "floors add up to 13",
        ),
        (
            &["--seats", "10", "--cap", "A=3", "A=1", "B=0"],
            "only 3 of the 10",
        ),
        (
            &["--seats", "10", "--method", "hare", "A=1"],
            "unknown method `hare`",
        ),
        (
            &["--seats", "10", "A=heavy"],
            "`A=heavy`: the weight must be a number",
        ),
        (
            &["--seats", "10", "--floor", "Z=1", "A=1"],
            "Z is not among the partners",
        ),
        (&["--seats", "10", "A1"], "expected CODE=WEIGHT"),
    ];
    for (args, expected) in cases {
        let out = apportion(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
