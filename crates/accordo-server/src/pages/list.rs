//! The list component of every list page: search, filters, sorting, paging and CSV export over
//! the rows a service returned for the viewer (already within the viewer's scope), with the
//! state of each in the URL, so that a list can be bookmarked, shared with a colleague who may
//! read it, and walked with the browser's back button.
//!
//! A page describes its list once ([`Spec`]: columns, what the search reads, filters, the CSV
//! row) and hands the rows and the query to [`Spec::apply`]; the template draws it with the
//! `list_controls`, `sort_header` and `pager` macros of `macros.html`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::encode;

/// Rows on one page of a list.
pub const PER_PAGE: usize = 25;

/// The list's part of a query string: `q` (search), `sort` and `dir`, `page`, `format=csv`, and
/// one parameter per filter.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Params {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub format: String,
    #[serde(flatten)]
    pub filters: BTreeMap<String, String>,
}

/// What a row is sorted by in one column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Number(i64),
    Text(String),
}

/// A column: its parameter value, its heading (a message id), and how it sorts, if it does.
pub struct Column<T> {
    pub key: &'static str,
    pub label: &'static str,
    pub sort: Option<fn(&T) -> Option<Key>>,
}

/// A filter: its parameter, its label, its choices (value and message id; the first is "all"
/// and passes every row), and whether a row passes a choice.
pub struct Filter<T> {
    pub key: &'static str,
    pub label: &'static str,
    pub choices: Vec<(String, String)>,
    /// Whether a choice other than the first narrows the list (the empty state then says
    /// that nothing matches, and offers to clear); false for a filter that chooses what the
    /// list holds (the inbox's open or all).
    pub narrows: bool,
    pub passes: Passes<T>,
}

/// Whether a row passes a filter's choice.
pub type Passes<T> = Box<dyn Fn(&T, &str) -> bool + Send + Sync>;

/// A list's description.
pub struct Spec<T> {
    /// The page's path, for the links the list makes.
    pub path: &'static str,
    pub columns: Vec<Column<T>>,
    /// The sort when the query names none: a column key, and whether descending.
    pub default_sort: (&'static str, bool),
    /// The text the search looks in, for one row (compared ignoring case).
    pub search: fn(&T) -> String,
    pub filters: Vec<Filter<T>>,
    /// The CSV export: a header, and a row's fields.
    pub csv_header: &'static [&'static str],
    pub csv_row: fn(&T) -> Vec<String>,
}

/// A list as its template draws it.
#[derive(Debug, Serialize)]
pub struct View<T> {
    pub rows: Vec<T>,
    /// Rows that pass the search and the filters; `all` before them.
    pub total: usize,
    pub all: usize,
    pub page: usize,
    pub pages: usize,
    /// The first and last row shown, counted from 1.
    pub first: usize,
    pub last: usize,
    pub q: String,
    pub filters: Vec<FilterView>,
    pub columns: Vec<ColumnView>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub csv_href: String,
    /// Whether a search or a filter narrows the list (the empty state says so).
    pub narrowed: bool,
}

#[derive(Debug, Serialize)]
pub struct FilterView {
    pub key: &'static str,
    pub label: &'static str,
    pub choices: Vec<ChoiceView>,
}

#[derive(Debug, Serialize)]
pub struct ChoiceView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct ColumnView {
    pub key: &'static str,
    pub label: &'static str,
    /// Where a click on the heading goes (sorting by it, or the other way), if it sorts.
    pub href: Option<String>,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
}

/// What [`Spec::apply`] gives: a page to draw, or the whole list as CSV.
pub enum Outcome<T> {
    Page(View<T>),
    Csv(Response),
}

impl<T> Spec<T> {
    pub fn apply(&self, rows: Vec<T>, params: &Params) -> Outcome<T> {
        let all = rows.len();
        let needle = params.q.trim().to_lowercase();
        let chosen: Vec<(&Filter<T>, String)> = self
            .filters
            .iter()
            .map(|f| {
                let value = params.filters.get(f.key).cloned().unwrap_or_default();
                // Only a choice the filter offers narrows; anything else is "all".
                let value = if f.choices.iter().skip(1).any(|(v, _)| *v == value) {
                    value
                } else {
                    String::new()
                };
                (f, value)
            })
            .collect();
        let mut kept: Vec<T> = rows
            .into_iter()
            .filter(|row| {
                (needle.is_empty() || (self.search)(row).to_lowercase().contains(&needle))
                    && chosen
                        .iter()
                        .all(|(f, v)| v.is_empty() || (f.passes)(row, v))
            })
            .collect();
        let (sort_key, descending) = self.sort_of(params);
        if let Some(key_of) = self
            .columns
            .iter()
            .find(|c| c.key == sort_key)
            .and_then(|c| c.sort)
        {
            // Rows without a value go last, whichever the direction; ties keep the service's order.
            kept.sort_by(|a, b| match (key_of(a), key_of(b)) {
                (Some(x), Some(y)) if descending => y.cmp(&x),
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            });
        }
        if params.format == "csv" {
            return Outcome::Csv(self.csv(&kept));
        }
        let total = kept.len();
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = params.page.parse::<usize>().unwrap_or(1).clamp(1, pages);
        let first = (page - 1) * PER_PAGE;
        let rows: Vec<T> = kept.into_iter().skip(first).take(PER_PAGE).collect();
        let last = first + rows.len();
        let base = |overrides: &[(&str, String)]| self.href(params, &chosen, overrides);
        Outcome::Page(View {
            total,
            all,
            page,
            pages,
            first: if rows.is_empty() { 0 } else { first + 1 },
            last,
            q: params.q.trim().to_owned(),
            narrowed: !needle.is_empty() || chosen.iter().any(|(f, v)| f.narrows && !v.is_empty()),
            filters: chosen
                .iter()
                .map(|(f, v)| FilterView {
                    key: f.key,
                    label: f.label,
                    choices: f
                        .choices
                        .iter()
                        .enumerate()
                        .map(|(i, (value, label))| ChoiceView {
                            value: value.clone(),
                            label: label.clone(),
                            selected: if v.is_empty() { i == 0 } else { value == v },
                        })
                        .collect(),
                })
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|c| {
                    let current = c.key == sort_key;
                    ColumnView {
                        key: c.key,
                        label: c.label,
                        href: c.sort.map(|_| {
                            let dir = if current && !descending {
                                "desc"
                            } else {
                                "asc"
                            };
                            base(&[
                                ("sort", c.key.to_owned()),
                                ("dir", dir.to_owned()),
                                ("page", String::new()),
                            ])
                        }),
                        aria_sort: match (current, descending) {
                            (false, _) => "none",
                            (true, false) => "ascending",
                            (true, true) => "descending",
                        },
                    }
                })
                .collect(),
            prev_href: (page > 1).then(|| base(&[("page", (page - 1).to_string())])),
            next_href: (page < pages).then(|| base(&[("page", (page + 1).to_string())])),
            csv_href: base(&[("format", "csv".to_owned()), ("page", String::new())]),
            rows,
        })
    }

    /// The sort the query asks for, if the column sorts; else the default.
    fn sort_of(&self, params: &Params) -> (&'static str, bool) {
        match self
            .columns
            .iter()
            .find(|c| c.key == params.sort && c.sort.is_some())
        {
            Some(c) => (c.key, params.dir == "desc"),
            None => self.default_sort,
        }
    }

    /// This list's URL with its current state, some parameters replaced (an empty value drops
    /// the parameter).
    fn href(
        &self,
        params: &Params,
        chosen: &[(&Filter<T>, String)],
        overrides: &[(&str, String)],
    ) -> String {
        let (sort, descending) = self.sort_of(params);
        let mut pairs: Vec<(String, String)> = vec![("q".into(), params.q.trim().to_owned())];
        for (f, v) in chosen {
            pairs.push((f.key.to_owned(), v.clone()));
        }
        if (sort, descending) != self.default_sort {
            pairs.push(("sort".into(), sort.to_owned()));
            pairs.push((
                "dir".into(),
                if descending { "desc" } else { "asc" }.to_owned(),
            ));
        }
        pairs.push(("page".into(), params.page.clone()));
        for (name, value) in overrides {
            match pairs.iter_mut().find(|(n, _)| n == name) {
                Some(pair) => pair.1 = value.clone(),
                None => pairs.push(((*name).to_owned(), value.clone())),
            }
        }
        let query: Vec<String> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| format!("{n}={}", encode(&v)))
            .collect();
        if query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{}", self.path, query.join("&"))
        }
    }

    fn csv(&self, rows: &[T]) -> Response {
        csv_file(
            &self.path.trim_start_matches('/').replace('/', "-"),
            self.csv_header,
            rows.iter().map(self.csv_row),
        )
    }
}

/// A cell as a spreadsheet may read it safely: text that begins as a formula would (`=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, so that a value written by one
/// agency cannot run in another's spreadsheet; a number stays as it is.
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A table as a CSV file to download as `name.csv`: the header, then the rows (fields quoted
/// where RFC 4180 needs it, formulas defused). Every list's export, and any page's table.
pub fn csv_file(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Response {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut ok = out.write_record(header).is_ok();
    for row in rows {
        ok &= out
            .write_record(row.iter().map(|cell| defused(cell).into_owned()))
            .is_ok();
    }
    match out.into_inner() {
        Ok(bytes) if ok => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        _ => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Serialize)]
    struct Row {
        name: &'static str,
        n: Option<i64>,
    }

    fn spec() -> Spec<Row> {
        Spec {
            path: "/things",
            columns: vec![
                Column {
                    key: "name",
                    label: "name",
                    sort: Some(|r| Some(Key::Text(r.name.to_owned()))),
                },
                Column {
                    key: "n",
                    label: "n",
                    sort: Some(|r| r.n.map(Key::Number)),
                },
            ],
            default_sort: ("name", false),
            search: |r| r.name.to_owned(),
            filters: vec![Filter {
                key: "has",
                label: "has",
                choices: vec![(String::new(), "all".into()), ("yes".into(), "yes".into())],
                narrows: true,
                passes: Box::new(|r, _| r.n.is_some()),
            }],
            csv_header: &["name", "n"],
            csv_row: |r| {
                vec![
                    r.name.to_owned(),
                    r.n.map(|n| n.to_string()).unwrap_or_default(),
                ]
            },
        }
    }

    fn rows(k: usize) -> Vec<Row> {
        (0..k)
            .map(|i| Row {
                name: ["alpha", "Beta", "gamma", "delta"][i % 4],
                n: (i % 3 != 0).then_some(i as i64),
            })
            .collect()
    }

    #[test]
    fn a_filter_that_chooses_what_the_list_holds_does_not_narrow_it() {
        let mut holds = spec();
        holds.filters[0].narrows = false;
        let mut params = Params::default();
        params.filters.insert("has".into(), "yes".into());
        let Outcome::Page(view) = holds.apply(rows(8), &params) else {
            panic!("a page was asked for");
        };
        assert!(!view.narrowed);
        assert!(view.total < view.all, "the choice still applies");
        assert!(page(&params, 8).narrowed, "a narrowing filter narrows");
    }

    fn page(params: &Params, k: usize) -> View<Row> {
        match spec().apply(rows(k), params) {
            Outcome::Page(v) => v,
            Outcome::Csv(_) => panic!("a page was asked for"),
        }
    }

    #[test]
    fn searches_filters_sorts_and_pages() {
        let v = page(&Params::default(), 60);
        assert_eq!(
            (v.total, v.pages, v.rows.len(), v.first, v.last),
            (60, 3, 25, 1, 25)
        );
        assert_eq!(v.next_href.as_deref(), Some("/things?page=2"));
        assert!(v.prev_href.is_none());
        let p = Params {
            q: " BETA ".into(),
            ..Params::default()
        };
        let v = page(&p, 60);
        assert_eq!(
            v.total, 15,
            "the search ignores case and the spaces around it"
        );
        assert!(v.rows.iter().all(|r| r.name == "Beta"));
        let mut p = Params {
            sort: "n".into(),
            dir: "desc".into(),
            ..Params::default()
        };
        p.filters.insert("has".into(), "yes".into());
        let v = page(&p, 10);
        let ns: Vec<i64> = v.rows.iter().map(|r| r.n.unwrap()).collect();
        assert_eq!(ns, vec![8, 7, 5, 4, 2, 1]);
        assert_eq!(v.columns[1].aria_sort, "descending");
        assert_eq!(
            v.columns[1].href.as_deref(),
            Some("/things?has=yes&sort=n&dir=asc"),
            "a click on the sorted column turns the order"
        );
        assert!(v.narrowed);
    }

    #[test]
    fn rows_without_a_value_sort_last_both_ways() {
        for dir in ["asc", "desc"] {
            let p = Params {
                sort: "n".into(),
                dir: dir.into(),
                ..Params::default()
            };
            let v = page(&p, 7);
            let tail: Vec<Option<i64>> = v.rows.iter().rev().take(3).map(|r| r.n).collect();
            assert_eq!(tail, vec![None, None, None], "{dir}");
        }
    }

    #[test]
    fn unknown_values_fall_back_and_pages_are_clamped() {
        let mut p = Params {
            sort: "nope".into(),
            page: "99".into(),
            ..Params::default()
        };
        p.filters.insert("has".into(), "maybe".into());
        let v = page(&p, 30);
        assert_eq!((v.page, v.pages, v.total), (2, 2, 30));
        assert_eq!(v.columns[0].aria_sort, "ascending");
        assert!(
            !v.narrowed,
            "a choice the filter does not offer narrows nothing"
        );
        let p = Params {
            page: "x".into(),
            ..Params::default()
        };
        assert_eq!(page(&p, 0).page, 1);
    }

    #[test]
    fn csv_holds_every_row_that_passes_not_one_page() {
        let p = Params {
            format: "csv".into(),
            q: "gamma".into(),
            ..Params::default()
        };
        let Outcome::Csv(response) = spec().apply(rows(100), &p) else {
            panic!("CSV was asked for")
        };
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/csv; charset=utf-8"
        );
        let body = futures_body(response);
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines[0], "name,n");
        assert_eq!(lines.len(), 1 + 25);
    }

    #[test]
    fn a_cell_that_would_be_a_formula_is_defused_and_a_number_is_not() {
        let response = csv_file(
            "t",
            &["a", "b", "c", "d"],
            [vec![
                "=HYPERLINK(\"http://x\")".to_owned(),
                "@SUM(A1)".to_owned(),
                "-5.5".to_owned(),
                "+390646861000".to_owned(),
            ]],
        );
        let body = futures_body(response);
        assert_eq!(
            body.lines().nth(1).unwrap(),
            "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),-5.5,+390646861000"
        );
        assert_eq!(defused("-x"), "'-x");
        assert_eq!(defused("plain"), "plain");
    }

    fn futures_body(response: Response) -> String {
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
