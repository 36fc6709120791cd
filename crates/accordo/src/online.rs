//! `accordo online pdq FILE…`: the PDQ hash and quality of each image, for analysts and
//! tests (needs no database); `accordo online import FILE --as USER`: a capture tool's export
//! recorded whole or not at all.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accordo_online::pdq;

/// Prints `HASH QUALITY FILE` for every image hashed, names each file that was not on
/// standard error; exit 0 when every file was hashed, 1 otherwise.
pub fn pdq(files: &[PathBuf]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut refused = 0;
    for file in files {
        let hashed =
            read_capped(file).and_then(|bytes| pdq::hash_image(&bytes).map_err(|e| e.to_string()));
        match hashed {
            Ok(p) => {
                if writeln!(out, "{} {} {}", p.hash, p.quality, file.display()).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            Err(why) => {
                refused += 1;
                eprintln!("error: {}: {why}", file.display());
            }
        }
    }
    if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The file's bytes, or why not: unreadable, or over [`pdq::MAX_BYTES`] (read no further).
fn read_capped(file: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(pdq::MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > pdq::MAX_BYTES {
        return Err(format!(
            "over {} MB: larger than any captured image",
            pdq::MAX_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// Records the posts of `file` as `user`, all or nothing, with a progress bar.
pub async fn import(
    platform: &accordo_service::Platform,
    file: &Path,
    user: &str,
    format: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use accordo_online_app::service::{self, Format};
    use anyhow::Context;
    let format = match format.map(str::to_owned).or_else(|| {
        file.extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
    }) {
        Some(f) if f == "csv" => Format::Csv,
        Some(f) if f == "jsonl" || f == "ndjson" => Format::JsonLines,
        other => anyhow::bail!(
            "{}: give --format csv or --format jsonl (the file's extension says {})",
            file.display(),
            other.unwrap_or_else(|| "nothing".to_owned())
        ),
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut conn = platform.store.read().await?;
    let row = accordo_store::accounts::find_user_by_username(&mut conn, user)
        .await?
        .with_context(|| format!("no user named `{user}`"))?;
    drop(conn);
    let ctx = accordo_service::Ctx {
        actor: accordo_service::auth::actor_for(platform, &row).await?,
        request_id: None,
    };
    let bar = indicatif::ProgressBar::new(0).with_style(crate::bar_style());
    bar.set_message("posts placed");
    let done = service::import(platform, &ctx, format, &bytes, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    match done {
        Ok(n) => {
            println!("imported {n} posts for {} as {user}", row.agency);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!(
                "error: {} was refused; nothing was imported: {e}",
                file.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}
