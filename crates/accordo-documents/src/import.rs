//! The CSV format of a bulk import into the register, read in full before anything is
//! written: every bad row is reported by line and column, and a file with any bad row is
//! refused whole.
//!
//! ```text
//! issuing_state,document_type,document_number,status,reported_on,notes
//! PAK,P,AB1234567,stolen,2026-11-02,theft reported at Lahore
//! ```
//! `notes` is optional; columns may come in any order; a header names them.

use jiff::civil::Date;

use crate::{DocumentKey, Status};

/// A row ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Line of the file (the header is line 1).
    pub line: u64,
    pub key: DocumentKey,
    pub status: Status,
    pub reported_on: Date,
    pub notes: String,
}

/// One thing wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

const REQUIRED: [&str; 5] = [
    "issuing_state",
    "document_type",
    "document_number",
    "status",
    "reported_on",
];
/// Notes longer than this are refused, not cut.
pub const MAX_NOTES: usize = 2000;
/// At most this many errors are listed; the count says how many there were.
pub const MAX_LISTED: usize = 200;

/// Reads a whole CSV file; `today` bounds `reported_on`. Either every row, or the errors
/// (at most [`MAX_LISTED`]) with the total number of bad rows.
pub fn parse(bytes: &[u8], today: Date) -> Result<Vec<Row>, (Vec<RowError>, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let fail = |line: u64, column: Option<&'static str>, message: String| RowError {
        line,
        column,
        message,
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err((
                vec![fail(1, None, format!("cannot read the header: {e}"))],
                1,
            ));
        }
    };
    let position = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| position(c).is_none())
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "the header lacks {}; expected the columns {}, notes (optional)",
            missing.join(", "),
            REQUIRED.join(", ")
        );
        return Err((vec![fail(1, None, message)], 1));
    }
    let known = |name: &str| {
        REQUIRED
            .iter()
            .chain(&["notes"])
            .any(|k| k.eq_ignore_ascii_case(name))
    };
    let mut header_errors = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        if !known(name) {
            header_errors.push(fail(
                1,
                None,
                format!(
                    "unknown column `{name}`; the columns are {}, notes (optional)",
                    REQUIRED.join(", ")
                ),
            ));
        } else if headers
            .iter()
            .take(i)
            .any(|earlier| earlier.eq_ignore_ascii_case(name))
        {
            header_errors.push(fail(1, None, format!("the column `{name}` appears twice")));
        }
    }
    if !header_errors.is_empty() {
        let n = header_errors.len();
        return Err((header_errors, n));
    }
    let col = |name: &str| position(name).unwrap_or_default();
    let (state, kind, number, status, reported, notes) = (
        col("issuing_state"),
        col("document_type"),
        col("document_number"),
        col("status"),
        col("reported_on"),
        position("notes"),
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut errors = Vec::new();
    let mut bad = 0usize;
    // The line each document was first given on: a second row for it is refused.
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                bad += 1;
                let line = e.position().map_or(line, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("has {len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                if errors.len() < MAX_LISTED {
                    errors.push(fail(line, None, message));
                }
                // A malformed record may leave the reader unable to go on.
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let get = |i: usize| record.get(i).unwrap_or("");
        let mut row_errors = Vec::new();
        let key = DocumentKey::new(get(state), get(kind), get(number));
        let key = match key {
            Ok(k) => Some(k),
            Err(e) => {
                let column = match e {
                    crate::KeyError::IssuingState(_) => "issuing_state",
                    crate::KeyError::DocumentType(_) => "document_type",
                    crate::KeyError::DocumentNumber(_) => "document_number",
                };
                let text = e.to_string();
                let message = text
                    .split_once(": ")
                    .map_or(text.clone(), |(_, m)| m.to_owned());
                row_errors.push(fail(line, Some(column), message));
                None
            }
        };
        let parsed_status = Status::parse(&get(status).to_ascii_lowercase());
        if parsed_status.is_none() {
            let expected: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            row_errors.push(fail(
                line,
                Some("status"),
                format!(
                    "expected one of {}, found `{}`",
                    expected.join(", "),
                    get(status)
                ),
            ));
        }
        let date = match accordo_domain::dates::parse(get(reported)) {
            Ok(d) if d > today => {
                row_errors.push(fail(
                    line,
                    Some("reported_on"),
                    format!("{d} is in the future"),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(message) => {
                row_errors.push(fail(line, Some("reported_on"), message));
                None
            }
        };
        if let Some(key) = &key {
            if let Some(first) = seen.get(&key.as_text()) {
                row_errors.push(fail(
                    line,
                    Some("document_number"),
                    format!("the same document as line {first}; give each document once"),
                ));
            } else {
                seen.insert(key.as_text(), line);
            }
        }
        let note = notes.map(get).unwrap_or("").to_owned();
        if note.chars().count() > MAX_NOTES {
            row_errors.push(fail(
                line,
                Some("notes"),
                format!("longer than {MAX_NOTES} characters"),
            ));
        }
        match (key, parsed_status, date, row_errors.is_empty()) {
            (Some(key), Some(status), Some(reported_on), true) => rows.push(Row {
                line,
                key,
                status,
                reported_on,
                notes: note,
            }),
            _ => {
                bad += 1;
                for e in row_errors {
                    if errors.len() < MAX_LISTED {
                        errors.push(e);
                    }
                }
            }
        }
    }
    if bad > 0 {
        return Err((errors, bad));
    }
    if rows.is_empty() {
        return Err((
            vec![fail(
                2,
                None,
                "the file holds a header and no row".to_owned(),
            )],
            1,
        ));
    }
    Ok(rows)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 23)
    }

    #[test]
    fn unknown_and_twice_given_columns_and_documents_are_refused_with_their_line() {
        let unknown = "issuing_state,document_type,document_number,status,reported_on,colour\n\
                       PAK,P,AB1,stolen,2026-11-02,red\n";
        let (errors, _) = parse(unknown.as_bytes(), today()).unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(
            errors[0].message.contains("unknown column `colour`"),
            "{errors:?}"
        );
        let twice = "issuing_state,document_type,document_number,status,reported_on,Status\n\
                     PAK,P,AB1,stolen,2026-11-02,lost\n";
        let (errors, _) = parse(twice.as_bytes(), today()).unwrap_err();
        assert!(
            errors[0].message.contains("`Status` appears twice"),
            "{errors:?}"
        );
        let duplicate = "issuing_state,document_type,document_number,status,reported_on\n\
                         PAK,P,AB1,stolen,2026-11-02\n\
                         PAK,P,AB2,stolen,2026-11-02\n\
                         pak,P,ab1,lost,2026-11-03\n";
        let (errors, bad) = parse(duplicate.as_bytes(), today()).unwrap_err();
        assert_eq!(bad, 1);
        assert_eq!(
            errors[0].to_string(),
            "line 4, column document_number: the same document as line 2; give each document once"
        );
        let compact = "issuing_state,document_type,document_number,status,reported_on\n\
                       PAK,P,AB1,stolen,20261102\n";
        let (errors, _) = parse(compact.as_bytes(), today()).unwrap_err();
        assert_eq!(errors[0].column, Some("reported_on"));
    }

    #[test]
    fn a_good_file_gives_every_row_with_its_line() {
        let csv = "document_number,issuing_state,document_type,status,reported_on,notes\n\
                   AB1234567,PAK,P,stolen,2026-11-02,theft at Lahore\n\
                   \"ZX 99\",tun,ID,Lost,2026-01-31,\n";
        let rows = parse(csv.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].key.as_text(), "PAK|P|AB1234567");
        assert_eq!(rows[0].notes, "theft at Lahore");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].key.as_text(), "TUN|I|ZX99");
        assert_eq!(rows[1].status, Status::Lost);
    }

    #[test]
    fn every_bad_row_is_named_by_line_and_column_and_nothing_is_returned() {
        let csv = "issuing_state,document_type,document_number,status,reported_on\n\
                   PAK,P,AB1,stolen,2026-11-02\n\
                   PAKI,P,AB2,stolen,2026-11-02\n\
                   PAK,P,AB3,misplaced,2099-01-01\n\
                   PAK,P,AB4,lost\n\
                   PAK,P,AB5,lost,02/11/2026\n";
        let (errors, bad) = parse(csv.as_bytes(), today()).unwrap_err();
        assert_eq!(bad, 4);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text[0].starts_with("line 3, column issuing_state"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("line 4, column status: expected one of lost, stolen"),
            "{text:?}"
        );
        assert!(
            text[2].starts_with("line 4, column reported_on: 2099-01-01 is in the future"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with("line 5: has 4 fields where the header has 5"),
            "{text:?}"
        );
        assert!(
            text[4].starts_with(
                "line 6, column reported_on: `02/11/2026` is not a date: expected YYYY-MM-DD"
            ),
            "{text:?}"
        );
    }

    #[test]
    fn a_header_without_a_required_column_is_refused() {
        let (errors, _) = parse(b"issuing_state,number\nPAK,1\n", today()).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("lacks document_type, document_number, status, reported_on")
        );
        let (errors, _) = parse(b"", today()).unwrap_err();
        assert_eq!(errors[0].line, 1);
        let (errors, _) = parse(
            b"issuing_state,document_type,document_number,status,reported_on\n",
            today(),
        )
        .unwrap_err();
        assert!(errors[0].message.contains("no row"));
    }

    #[test]
    fn bytes_that_are_not_text_are_named() {
        let mut csv = b"issuing_state,document_type,document_number,status,reported_on\nPAK,P,A\xff1,lost,2026-01-01\n".to_vec();
        csv.extend_from_slice(b"PAK,P,B2,lost,2026-01-01\n");
        let (errors, bad) = parse(&csv, today()).unwrap_err();
        assert_eq!(bad, 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("UTF-8"));
    }

    proptest! {
        #[test]
        fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse(&bytes, today());
        }

        #[test]
        fn csv_shaped_input_never_panics(text in "([A-Za-z0-9,<\" \n-]{0,40}\n){0,20}") {
            let with_header = format!("issuing_state,document_type,document_number,status,reported_on,notes\n{text}");
            let _ = parse(with_header.as_bytes(), today());
        }
    }
}
