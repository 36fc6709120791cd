#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! `accordo online pdq FILE…`: `HASH QUALITY FILE` per image, Meta's reference hashes, exit
//! 1 naming each file that is not an image, no database touched.

use std::path::PathBuf;
use std::process::Command;

fn reference(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../accordo-online/tests/pdq/{file}"))
}

#[test]
fn pdq_prints_each_image_s_hash_and_quality_and_names_what_it_could_not_read() {
    let dir = std::env::temp_dir().join(format!("accordo-online-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_an_image = dir.join("notes.txt");
    std::fs::write(&not_an_image, "Zuwara, departure Thursday, 2000 EUR").unwrap();
    let run = |files: &[PathBuf]| {
        Command::new(env!("CARGO_BIN_EXE_accordo"))
            .arg("--data-dir")
            .arg(dir.join("never-created"))
            .args(["online", "pdq"])
            .args(files)
            .env_remove("ACCORDO_DATABASE_URL")
            .output()
            .unwrap()
    };
    let images = [reference("bridge-1-original.jpg"), reference("small.jpg")];
    let out = run(&images);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22 100 {}",
                images[0].display()
            ),
            // A featureless image still gets its line, with quality 0.
            format!(
                "0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff 0 {}",
                images[1].display()
            ),
        ]
    );
    // A file that is not an image: the others are still hashed, it is named, exit 1.
    let out = run(&[not_an_image.clone(), images[0].clone()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.starts_with("f8f8f0ce"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{}: not an image", not_an_image.display())),
        "{stderr}"
    );
    // A file that cannot be read is named too, and nothing is printed for it.
    let missing = dir.join("missing.jpg");
    let out = run(std::slice::from_ref(&missing));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{}: cannot read it", missing.display())),
        "{stderr}"
    );
    assert!(
        !dir.join("never-created").exists(),
        "pdq created a data directory"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_records_a_capture_tool_s_export_whole_or_refuses_it_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("accordo-online-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_accordo"))
            .arg("--data-dir")
            .arg(&dir)
            .args(args)
            .env_remove("ACCORDO_DATABASE_URL")
            .output()
            .unwrap()
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let made = run(&[
        "agency",
        "add",
        "--code",
        "IT-PS",
        "--name",
        "Polizia",
        "--country",
        "ITA",
        "--operator",
    ]);
    assert!(made.status.success(), "{}", text(&made));
    let user = run(&[
        "user",
        "add",
        "--username",
        "iru.officer",
        "--display-name",
        "Referral Unit",
        "--agency",
        "IT-PS",
        "--roles",
        "officer",
    ]);
    assert!(user.status.success(), "{}", text(&user));
    let header = "url,platform,account,captured_at,language,text\n";
    let bad = dir.join("capture.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}https://t.me/route_x/1,telegram,route_x,2026-11-20T08:00:00Z,,Departure from Sfax tonight\nhttps://t.me/route_x/2,telegram,route_x,last week,,Boat to Italy\n"
        ),
    )
    .unwrap();
    let out = run(&[
        "online",
        "import",
        bad.to_str().unwrap(),
        "--as",
        "iru.officer",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("nothing was imported") && text(&out).contains("line 3: captured_at"),
        "{}",
        text(&out)
    );
    let good = dir.join("capture2.csv");
    std::fs::write(
        &good,
        std::fs::read_to_string(&bad)
            .unwrap()
            .replace("last week", "2026-11-21T09:30:00Z"),
    )
    .unwrap();
    let out = run(&[
        "online",
        "import",
        good.to_str().unwrap(),
        "--as",
        "iru.officer",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("imported 2 posts for IT-PS"),
        "{}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
