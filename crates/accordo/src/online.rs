//! `accordo online pdq FILE…`: the PDQ hash and quality of each image, for analysts and
//! tests. Needs no database.

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
