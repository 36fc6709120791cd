//! `accordo mrz check [FILE]`: checks machine-readable zones read from a file or standard
//! input, one JSON object per MRZ per output line. Needs no database.

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use accordo_domain::clock::{Clock, SystemClock};

/// A block of non-blank lines and the input line it starts on (1-based).
#[derive(Debug, PartialEq, Eq)]
pub struct Block<'a> {
    pub line: usize,
    pub text: String,
    lines: Vec<&'a str>,
}

/// Splits the input into MRZ blocks: runs of non-blank lines, separated by blank lines.
pub fn blocks(input: &str) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
    let mut current: Option<Block<'_>> = None;
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let block = current.get_or_insert_with(|| Block {
            line: n + 1,
            text: String::new(),
            lines: Vec::new(),
        });
        block.lines.push(line);
    }
    out.extend(current);
    for b in &mut out {
        b.text = b.lines.join("\n");
    }
    out
}

/// Runs the command: exit 0 when every MRZ is valid, 1 when any is not (or there is none),
/// 2 when the input cannot be read as text.
pub fn check(file: Option<&Path>) -> ExitCode {
    let mut bytes = Vec::new();
    let read = match file {
        Some(path) => std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)),
        None => std::io::stdin().lock().read_to_end(&mut bytes),
    };
    let source = file.map_or_else(|| "standard input".to_owned(), |p| p.display().to_string());
    if let Err(e) = read {
        eprintln!("error: cannot read {source}: {e}");
        return ExitCode::from(2);
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            eprintln!(
                "error: {source} is not UTF-8 text (line {line}, byte {}): an MRZ is plain text",
                e.valid_up_to() + 1
            );
            return ExitCode::from(2);
        }
    };
    let today = SystemClock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let found = blocks(text);
    if found.is_empty() {
        eprintln!(
            "error: {source} holds no MRZ (expected blocks of 2 or 3 lines, separated by blank lines)"
        );
        return ExitCode::from(1);
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut all_valid = true;
    for block in &found {
        let report = accordo_mrz::check(&block.text, today);
        all_valid &= report.valid;
        let mut value = match serde_json::to_value(&report) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: cannot write the report of line {}: {e}", block.line);
                return ExitCode::from(2);
            }
        };
        if let Some(object) = value.as_object_mut() {
            object.insert("line".into(), block.line.into());
        }
        if writeln!(out, "{value}").is_err() {
            // The reader went away (a closed pipe): nothing more to say.
            return ExitCode::from(2);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::blocks;

    #[test]
    fn blocks_are_separated_by_blank_lines_and_know_their_first_line() {
        let input = "\n  \nA1\nA2\n\n\nB1\r\nB2\r\nB3\n   \nC1";
        let found = blocks(input);
        let summary: Vec<(usize, &str)> = found.iter().map(|b| (b.line, b.text.as_str())).collect();
        assert_eq!(summary, vec![(3, "A1\nA2"), (7, "B1\nB2\nB3"), (11, "C1")]);
    }

    #[test]
    fn no_text_is_no_block() {
        assert!(blocks("").is_empty());
        assert!(blocks("\n \n\t\n").is_empty());
    }
}
