//! Tidy checks (rust-analyzer's `tidy` is the model): rules of the workspace that would
//! otherwise hold only by convention, each a test that fails when one is broken.

use std::path::{Path, PathBuf};

use accordo_store::Engine;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// SQL text lives in store modules: `accordo-store` for the platform's tables, a pillar
/// crate's `store` module for its own. Handlers, services and pages build none.
#[test]
fn sql_text_lives_only_in_store_modules() {
    const SQL: &[&str] = &[
        "SELECT ",
        "INSERT INTO",
        "DELETE FROM",
        "CREATE TABLE",
        "ALTER TABLE",
        "DROP TABLE",
        " SET ",
        "ORDER BY",
        "GROUP BY",
    ];
    let crates = root().join("crates");
    let mut offences = Vec::new();
    for krate in std::fs::read_dir(&crates).unwrap().flatten() {
        let name = krate.file_name().to_string_lossy().into_owned();
        let mut files = Vec::new();
        rust_files(&krate.path().join("src"), &mut files);
        for file in files {
            let rel = file
                .strip_prefix(&crates)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let in_store = name == "accordo-store"
                || rel.ends_with("/src/store.rs")
                || rel.contains("/src/store/");
            if in_store {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (no, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || !code.contains('"') {
                    continue;
                }
                // Only what is inside string literals counts.
                let literals: String = code.split('"').skip(1).step_by(2).collect();
                if let Some(word) = SQL.iter().find(|w| literals.contains(*w)) {
                    offences.push(format!("{rel}:{}: `{}` ({word})", no + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "SQL outside a store module (move it into the crate's store):\n{}",
        offences.join("\n")
    );
}

/// Landed migrations are frozen: `migrations.lock` at the root of the workspace records each
/// one's files by checksum, and a migration that changed, vanished or is not in the lock fails.
/// A new migration adds its line to the lock in the commit that adds it.
#[test]
fn landed_migrations_are_frozen() {
    let mut lists = vec![accordo_store::migrate::FOUNDATION];
    lists.extend(accordo::MODULES.iter().map(|m| m.core.migrations));
    let code: Vec<String> = accordo_store::migrate::ordered(&lists)
        .unwrap()
        .into_iter()
        .map(|m| {
            format!(
                "{} {} sqlite:{} postgres:{}",
                m.version,
                m.name,
                m.checksum(Engine::Sqlite),
                m.checksum(Engine::Postgres)
            )
        })
        .collect();
    let lock_text = std::fs::read_to_string(root().join("migrations.lock")).unwrap();
    let locked: Vec<&str> = lock_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let mut problems = Vec::new();
    for line in &locked {
        let version = line.split(' ').next().unwrap_or("");
        match code.iter().find(|c| c.split(' ').next() == Some(version)) {
            Some(now) if now == line => {}
            Some(now) => problems.push(format!(
                "migration {version} was edited after it landed (never edit one: add the next)\n  locked: {line}\n  now:    {now}"
            )),
            None => problems.push(format!("migration {version} was removed: {line}")),
        }
    }
    for now in &code {
        if !locked.contains(&now.as_str()) && !problems.iter().any(|p| p.contains(now.as_str())) {
            problems.push(format!(
                "a migration is not in migrations.lock; add this line with it:\n{now}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Only the fronts (the binary and its tests) depend on the composition, `accordo`: a
/// platform or pillar crate that did would make the platform name every pillar.
#[test]
fn only_the_fronts_depend_on_the_composition() {
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut offenders = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        if name == "accordo" {
            continue;
        }
        if package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "accordo")
        {
            offenders.push(name.to_owned());
        }
    }
    assert!(
        offenders.is_empty(),
        "these crates depend on the composition `accordo`: {offenders:?}"
    );
}
