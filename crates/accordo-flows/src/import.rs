//! The real public data sets, read as published (see each file's PROVENANCE.md). A file is
//! recognised by its header; one bad row refuses the whole file, naming its line, its column
//! and what was expected.

use std::collections::HashMap;

use serde::Serialize;

use crate::period::{Freq, Period};
use crate::vocab::{self, Border, Source};

/// The files this crate reads, by their header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Italy's sea arrivals per month: `month,arrivals,basis`.
    ItalyMonthly,
    /// Italy's yearly totals: `year,arrivals,as_of,basis,…`.
    ItalyYearly,
    /// Italy's year-end arrivals by declared nationality: `year,as_of,nationality_iso3,…`.
    ItalyByNationality,
    /// Frontex's detections per month and route: `month,route,border_type,detections`.
    FrontexByRoute,
    /// The same by nationality: `month,route,border_type,nationality_code,detections`.
    FrontexByRouteNationality,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::ItalyMonthly => "italy_monthly",
            FileKind::ItalyYearly => "italy_yearly",
            FileKind::ItalyByNationality => "italy_by_nationality",
            FileKind::FrontexByRoute => "frontex_by_route",
            FileKind::FrontexByRouteNationality => "frontex_by_route_nationality",
        }
    }

    /// Who publishes the files of this kind.
    pub fn source(self) -> Source {
        match self {
            FileKind::ItalyMonthly | FileKind::ItalyYearly | FileKind::ItalyByNationality => {
                Source::Ita
            }
            FileKind::FrontexByRoute | FileKind::FrontexByRouteNationality => Source::Frontex,
        }
    }

    /// The columns of its header, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            FileKind::ItalyMonthly => &["month", "arrivals", "basis"],
            FileKind::ItalyYearly => &[
                "year",
                "arrivals",
                "as_of",
                "basis",
                "monthly_rows",
                "monthly_sum",
                "monthly_minus_yearly",
            ],
            FileKind::ItalyByNationality => &[
                "year",
                "as_of",
                "nationality_iso3",
                "nationality_published",
                "arrivals",
                "extracted_by",
            ],
            FileKind::FrontexByRoute => &["month", "route", "border_type", "detections"],
            FileKind::FrontexByRouteNationality => &[
                "month",
                "route",
                "border_type",
                "nationality_code",
                "detections",
            ],
        }
    }

    const ALL: [FileKind; 5] = [
        FileKind::ItalyMonthly,
        FileKind::ItalyYearly,
        FileKind::ItalyByNationality,
        FileKind::FrontexByRoute,
        FileKind::FrontexByRouteNationality,
    ];
}

/// One published figure: the count of a source for a period, a route (none for a national
/// series), sea or land, and a nationality (none for the total; [`vocab::OTHERS`] for the
/// published "other nationalities").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub source: Source,
    pub period: Period,
    pub route: Option<&'static str>,
    pub border: Option<Border>,
    pub nationality: Option<String>,
    pub count: i64,
    /// How the publisher made it (`cruscotto_year_end`, `unhcr_monthly`, `frontex_ibc`, …).
    pub basis: String,
}

impl Count {
    /// What makes a figure the same figure again (a later import of it replaces it).
    pub fn key(
        &self,
    ) -> (
        Source,
        Period,
        Option<&'static str>,
        Option<Border>,
        Option<&str>,
    ) {
        (
            self.source,
            self.period,
            self.route,
            self.border,
            self.nationality.as_deref(),
        )
    }
}

/// Why a file was refused: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {reason}", if column.is_empty() { String::new() } else { format!(", column `{column}`") })]
pub struct ImportError {
    /// 1-based, the header being line 1.
    pub line: u64,
    pub column: String,
    pub reason: String,
}

/// A file read: what kind it was, its figures in file order, and how many rows it restated
/// from others (a yearly total made by summing the months, left to the months).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub kind: FileKind,
    pub counts: Vec<Count>,
    pub restated: usize,
}

/// The most a figure may count (a country's arrivals in a year are far below it; a count
/// above it is a typing or unit error, and would overflow the sums).
pub const MAX_COUNT: i64 = 1_000_000_000;

pub(crate) fn refuse(line: u64, column: &str, reason: impl Into<String>) -> ImportError {
    ImportError {
        line,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// What [`open_csv`] gives: the text, a reader over its rows, the header's names.
pub(crate) type OpenCsv<'a> = (&'a str, csv::Reader<&'a [u8]>, Vec<String>);

/// A CSV file's text (UTF-8; a byte-order mark skipped), a reader over its rows, and its
/// header's names, trimmed: what every file this crate reads starts with.
pub(crate) fn open_csv(bytes: &[u8]) -> Result<OpenCsv<'_>, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1;
        refuse(
            line,
            "",
            "the file is not UTF-8 text (save it as UTF-8 CSV and try again)",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| refuse(1, "", format!("the header cannot be read: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    Ok((text, reader, header))
}

/// Reads a file of `source` (its bytes, which must be UTF-8; a byte-order mark is skipped).
pub fn parse(bytes: &[u8], source: Source) -> Result<Parsed, ImportError> {
    let (text, mut reader, header) = open_csv(bytes)?;
    let kind = FileKind::ALL
        .into_iter()
        .find(|k| {
            k.columns()
                .iter()
                .copied()
                .eq(header.iter().map(String::as_str))
        })
        .ok_or_else(|| {
            refuse(
                1,
                "",
                format!(
                    "the header `{}` is not one of the files this import reads: {}",
                    header.join(","),
                    FileKind::ALL
                        .iter()
                        .map(|k| format!("`{}`", k.columns().join(",")))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )
        })?;
    if kind.source() != source {
        return Err(refuse(
            1,
            "",
            format!(
                "this is a file of {} ({}), not of {}",
                kind.source().as_str(),
                kind.as_str(),
                source.as_str()
            ),
        ));
    }
    let mut counts = Vec::new();
    let mut restated = 0;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        // The line the row starts on (empty lines and quoted line breaks counted).
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(text, p.byte()));
            match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => refuse(
                    line,
                    "",
                    format!("{len} fields where the header has {}", kind.columns().len()),
                ),
                _ => refuse(line, "", format!("the row cannot be read: {e}")),
            }
        })?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        // A year the file made by summing its own months restates them: the months say it.
        if kind == FileKind::ItalyYearly && get(kind, &record, "basis").ends_with("_sum") {
            restated += 1;
            continue;
        }
        let count = row(kind, line, &record)?;
        let key = format!("{:?}", count.key());
        if let Some(first) = seen.insert(key, line) {
            return Err(refuse(
                line,
                kind.columns()[0],
                format!("the same figure as line {first} (period, route, border and nationality)"),
            ));
        }
        counts.push(count);
    }
    Ok(Parsed {
        kind,
        counts,
        restated,
    })
}

/// The end of the line breaks at byte `at` of `bytes` (a record's position is where its
/// reading began, before the empty lines the reader skips).
fn past_breaks(bytes: &[u8], at: u64) -> usize {
    let mut end = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
        end += 1;
    }
    end
}

/// The 1-based line of the first character at or after byte `at` of `text` that is not a
/// line break, counting every line.
fn line_at(text: &str, at: u64) -> u64 {
    let bytes = text.as_bytes();
    bytes[..past_breaks(bytes, at)]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// [`line_at`] for positions that only grow, as a reader's records do: each byte is counted
/// once, not once a row (which made a 34,000-row file take seconds).
struct Lines<'t> {
    text: &'t str,
    upto: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            text,
            upto: 0,
            line: 1,
        }
    }

    fn at(&mut self, at: u64) -> u64 {
        let bytes = self.text.as_bytes();
        let end = past_breaks(bytes, at);
        if end < self.upto {
            return line_at(self.text, at);
        }
        self.line += bytes[self.upto..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.upto = end;
        self.line
    }
}

/// The field of column `name` in a row of a file of `kind`.
fn get<'r>(kind: FileKind, record: &'r csv::StringRecord, name: &str) -> &'r str {
    let i = kind.columns().iter().position(|c| *c == name).unwrap_or(0);
    record.get(i).unwrap_or("").trim()
}

/// One row of a file of `kind`.
fn row(kind: FileKind, line: u64, record: &csv::StringRecord) -> Result<Count, ImportError> {
    let field = |name: &str| get(kind, record, name);
    let period = |column: &str, freq: Freq| -> Result<Period, ImportError> {
        let p = Period::parse(field(column)).map_err(|e| refuse(line, column, e))?;
        if p.freq() != freq {
            return Err(refuse(
                line,
                column,
                format!("expected a {}, found `{p}`", freq.as_str()),
            ));
        }
        Ok(p)
    };
    let number = |column: &str| -> Result<i64, ImportError> {
        let text = field(column);
        text.parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_COUNT).contains(n))
            .ok_or_else(|| {
                refuse(
                    line,
                    column,
                    format!("expected a whole number from 0 to {MAX_COUNT}, found `{text}`"),
                )
            })
    };
    let route = |column: &str| -> Result<&'static str, ImportError> {
        vocab::route(field(column)).ok_or_else(|| {
            refuse(
                line,
                column,
                format!(
                    "`{}` is not one of Frontex's routes: {}",
                    field(column),
                    vocab::ROUTES.join(", ")
                ),
            )
        })
    };
    let border = |column: &str| -> Result<Border, ImportError> {
        Border::parse(field(column)).ok_or_else(|| {
            refuse(
                line,
                column,
                format!("expected Sea or Land, found `{}`", field(column)),
            )
        })
    };
    let nationality = |column: &str, empty_is_others: bool| -> Result<String, ImportError> {
        let code = field(column);
        if code.is_empty() && empty_is_others {
            return Ok(vocab::OTHERS.to_owned());
        }
        if vocab::is_nationality(code) {
            Ok(code.to_owned())
        } else {
            Err(refuse(
                line,
                column,
                format!(
                    "`{code}` is not an ISO 3166-1 alpha-3 code nor one of the sources' own ({})",
                    vocab::EXTRA_CODES
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let (period, route, border, nationality, count, basis) = match kind {
        FileKind::ItalyMonthly => (
            period("month", Freq::Month)?,
            None,
            Some(Border::Sea),
            None,
            number("arrivals")?,
            field("basis").to_owned(),
        ),
        FileKind::ItalyYearly => (
            period("year", Freq::Year)?,
            None,
            Some(Border::Sea),
            None,
            number("arrivals")?,
            field("basis").to_owned(),
        ),
        FileKind::ItalyByNationality => (
            period("year", Freq::Year)?,
            None,
            Some(Border::Sea),
            // The published "altre" row has no code: the other nationalities.
            Some(nationality("nationality_iso3", true)?),
            number("arrivals")?,
            "cruscotto_year_end".to_owned(),
        ),
        FileKind::FrontexByRoute => (
            period("month", Freq::Month)?,
            Some(route("route")?),
            Some(border("border_type")?),
            None,
            number("detections")?,
            "frontex_ibc".to_owned(),
        ),
        FileKind::FrontexByRouteNationality => (
            period("month", Freq::Month)?,
            Some(route("route")?),
            Some(border("border_type")?),
            Some(nationality("nationality_code", false)?),
            number("detections")?,
            "frontex_ibc".to_owned(),
        ),
    };
    if matches!(kind, FileKind::ItalyYearly | FileKind::ItalyByNationality) {
        let as_of = field("as_of");
        let year_end = format!("{}-12-31", period.year());
        if !as_of.is_empty() && as_of != year_end {
            return Err(refuse(
                line,
                "as_of",
                format!(
                    "a figure as of {as_of} is not the year's: expected {year_end}, or nothing"
                ),
            ));
        }
    }
    if matches!(kind, FileKind::ItalyMonthly | FileKind::ItalyYearly) && basis.is_empty() {
        return Err(refuse(
            line,
            "basis",
            "say how the figure was made (the basis)",
        ));
    }
    Ok(Count {
        source: kind.source(),
        period,
        route,
        border,
        nationality,
        count,
        basis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str, source: Source) -> ImportError {
        parse(text.as_bytes(), source).expect_err("refused")
    }

    #[test]
    fn each_kind_of_file_is_read_by_its_header() {
        let monthly = parse(
            b"month,arrivals,basis\n2023-01,4959,cruscotto_daily_sum\n",
            Source::Ita,
        )
        .unwrap();
        assert_eq!(monthly.kind, FileKind::ItalyMonthly);
        assert_eq!(monthly.counts[0].period, Period::Month(2023, 1));
        assert_eq!(monthly.counts[0].count, 4959);
        let frontex = parse(
            "\u{feff}month,route,border_type,nationality_code,detections\n2009-01,Central Mediterranean,Sea,XKX,3\n".as_bytes(),
            Source::Frontex,
        )
        .unwrap();
        assert_eq!(frontex.kind, FileKind::FrontexByRouteNationality);
        assert_eq!(frontex.counts[0].route, Some("Central Mediterranean"));
        assert_eq!(frontex.counts[0].nationality.as_deref(), Some("XKX"));
        let others = parse(
            "year,as_of,nationality_iso3,nationality_published,arrivals,extracted_by\n2023,2023-12-31,,altre,17000,x\n".as_bytes(),
            Source::Ita,
        )
        .unwrap();
        assert_eq!(others.counts[0].nationality.as_deref(), Some(vocab::OTHERS));
    }

    #[test]
    fn a_bad_row_refuses_the_file_by_line_and_column() {
        let cases: &[(&str, Source, u64, &str, &str)] = &[
            (
                "month,arrivals,basis\n2023-01,1,b\n2023-02,-4,b\n",
                Source::Ita,
                3,
                "arrivals",
                "from 0 to",
            ),
            (
                "month,arrivals,basis\n2023-01,1,b\n\n2023-02,9999999999,b\n",
                Source::Ita,
                4,
                "arrivals",
                "from 0 to",
            ),
            (
                "year,arrivals,as_of,basis,monthly_rows,monthly_sum,monthly_minus_yearly\n2024,5,2024-06-30,cruscotto_year_end,,,\n",
                Source::Ita,
                2,
                "as_of",
                "not the year's",
            ),
            (
                "month,arrivals,basis\n2023-02-30,1,b\n",
                Source::Ita,
                2,
                "month",
                "not a day of the calendar",
            ),
            (
                "month,arrivals,basis\n2023-13,1,b\n",
                Source::Ita,
                2,
                "month",
                "month 13",
            ),
            (
                "month,arrivals,basis\n2023,1,b\n",
                Source::Ita,
                2,
                "month",
                "expected a month",
            ),
            (
                "month,arrivals,basis\n2023-01,1,\n",
                Source::Ita,
                2,
                "basis",
                "basis",
            ),
            (
                "month,arrivals,basis\n2023-01,1,b\n2023-01,2,b\n",
                Source::Ita,
                3,
                "month",
                "same figure as line 2",
            ),
            (
                "month,route,border_type,detections\n2009-01,Central Med,Sea,1\n",
                Source::Frontex,
                2,
                "route",
                "not one of Frontex's routes",
            ),
            (
                "month,route,border_type,detections\n2009-01,Other,Air,1\n",
                Source::Frontex,
                2,
                "border_type",
                "Sea or Land",
            ),
            (
                "month,route,border_type,nationality_code,detections\n2009-01,Other,Land,XYZ,1\n",
                Source::Frontex,
                2,
                "nationality_code",
                "not an ISO 3166-1",
            ),
            (
                "month,route,border_type,detections\n2009-01,Other,Land\n",
                Source::Frontex,
                2,
                "",
                "3 fields",
            ),
            ("a,b\n1,2\n", Source::Ita, 1, "", "not one of the files"),
            (
                "month,arrivals,basis\n2023-01,1,b\n",
                Source::Frontex,
                1,
                "",
                "a file of ITA",
            ),
        ];
        for (text, source, line, column, says) in cases {
            let e = refused(text, *source);
            assert_eq!((e.line, e.column.as_str()), (*line, *column), "{text}: {e}");
            assert!(e.reason.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn a_year_that_sums_its_months_is_left_to_them() {
        let text = "year,arrivals,as_of,basis,monthly_rows,monthly_sum,monthly_minus_yearly\n\
                    2014,170100,,unhcr_monthly_sum,12,170100,0\n\
                    2023,157652,2023-12-31,cruscotto_year_end,12,155515,-2137\n";
        let parsed = parse(text.as_bytes(), Source::Ita).unwrap();
        assert_eq!(parsed.restated, 1);
        assert_eq!(parsed.counts.len(), 1);
        assert_eq!(parsed.counts[0].period, Period::Year(2023));
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_at_its_line() {
        let mut bytes = b"month,arrivals,basis\n2023-01,1,b\n2023-02,2,".to_vec();
        bytes.extend([0xe0, 0x28, b'\n']);
        let e = parse(&bytes, Source::Ita).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.reason.contains("UTF-8"));
    }

    #[test]
    fn any_bytes_are_read_or_refused_without_panic() {
        use proptest::prelude::*;
        proptest!(|(bytes in proptest::collection::vec(any::<u8>(), 0..200))| {
            let mut with_header = b"month,route,border_type,nationality_code,detections\n".to_vec();
            with_header.extend(&bytes);
            for read in [parse(&with_header, Source::Frontex), parse(&bytes, Source::Ita)] {
                // Whatever is read holds only what the vocabulary allows.
                for c in read.map(|p| p.counts).unwrap_or_default() {
                    prop_assert!(c.count >= 0);
                    prop_assert!(c.route.is_none_or(|r| vocab::route(r).is_some()));
                    prop_assert!(c.nationality.as_deref().is_none_or(vocab::is_nationality));
                }
            }
        });
    }
}
