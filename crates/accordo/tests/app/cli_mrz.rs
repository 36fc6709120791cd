#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! `accordo mrz check`: one JSON line per MRZ, exit 0/1/2, no database touched, no panic on
//! garbage.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mrz_check(input: &[u8]) -> Output {
    let dir = std::env::temp_dir().join(format!("accordo-mrz-cli-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_accordo"))
        // A data directory that does not exist: the command must not need one.
        .arg("--data-dir")
        .arg(dir.join("never-created"))
        .args(["mrz", "check"])
        .env_remove("ACCORDO_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = input.to_vec();
    // Written from a thread: a large input must not deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        !dir.join("never-created").exists(),
        "mrz check created a data directory"
    );
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const S1: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn every_block_gets_its_line_and_the_exit_status_says_whether_all_are_valid() {
    let broken = S1.replace("L898902C36", "L898902C37");
    let input = format!("{S1}\n\n  \n{broken}\r\n\nP<UTO\n");
    let out = mrz_check(input.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = lines(&out);
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0]["valid"], true);
    assert_eq!(reports[0]["format"], "TD3");
    assert_eq!(reports[0]["line"], 1);
    assert_eq!(reports[0]["fields"]["document_number"], "L898902C3");
    assert_eq!(reports[1]["valid"], false);
    assert_eq!(reports[1]["line"], 5);
    let failed: Vec<&str> = reports[1]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        failed.contains(&"document_number_check_digit"),
        "{failed:?}"
    );
    assert_eq!(
        reports[2]["valid"], false,
        "a one-line block is reported, not skipped"
    );
    assert_eq!(reports[2]["line"], 8);

    let only_valid = mrz_check(format!("{S1}\n").as_bytes());
    assert_eq!(only_valid.status.code(), Some(0));
}

#[test]
fn input_that_is_not_text_exits_2_and_names_where() {
    let mut input = S1.as_bytes().to_vec();
    input.extend_from_slice(b"\n\n\xff\xfe garbage");
    let out = mrz_check(&input);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not UTF-8") && err.contains("line 4"), "{err}");
    assert!(out.stdout.is_empty(), "nothing is half-written");
}

#[test]
fn ten_megabytes_of_garbage_is_reported_not_a_panic() {
    let mut garbage = String::with_capacity(10 << 20);
    let mut x: u32 = 12345;
    while garbage.len() < 10 << 20 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let c = match x % 7 {
            0 => '\n',
            1 => '<',
            2 => 'é',
            _ => char::from(b'0' + (x % 43) as u8),
        };
        garbage.push(c);
    }
    let out = mrz_check(garbage.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = lines(&out);
    assert!(reports.len() > 1000);
    assert!(reports.iter().all(|r| r["valid"] == false));
}

#[test]
fn an_empty_input_says_there_is_no_mrz() {
    let out = mrz_check(b"\n \n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no MRZ"));
}
