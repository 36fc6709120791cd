//! An analyst's own series, to forecast with the platform's pipeline: a long CSV
//! `series,period,value`, one frequency a file (months `YYYY-MM`, ISO weeks `YYYY-Www` or days
//! `YYYY-MM-DD`), values non-negative numbers (zeros and decimals allowed), every period of a
//! series from its first to its last (a period with none is a 0). One bad row refuses the
//! file, naming its line, column and rule. And the answer: `series,period,mean,lo80,hi80,
//! lo95,hi95,model` for the periods after each series' last.

use std::collections::BTreeMap;

pub use accordo_forecast::backtest::Model;

use accordo_forecast::backtest;

use crate::import::{ImportError, open_csv, refuse};
use crate::period::{Freq, Period};

/// The most periods ahead a forecast goes.
pub const MAX_HORIZON: usize = 60;

/// One series of the file, its periods consecutive.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub start: Period,
    pub values: Vec<f64>,
}

/// The file's series, in the order they first appear, and their frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub freq: Freq,
    pub series: Vec<Series>,
}

/// A frequency's season: 12 months, 52 weeks, 7 days.
pub fn season(freq: Freq) -> usize {
    match freq {
        Freq::Month => 12,
        Freq::Week => 52,
        Freq::Day => 7,
        Freq::Year => 1,
    }
}

/// Reads the file (UTF-8; a byte-order mark is skipped).
pub fn parse(bytes: &[u8]) -> Result<Input, ImportError> {
    let (_, mut reader, header) = open_csv(bytes)?;
    if header
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .ne(["series", "period", "value"])
    {
        return Err(refuse(
            1,
            "",
            format!(
                "the header must be `series,period,value`, not `{}`",
                header.join(",")
            ),
        ));
    }
    let mut freq: Option<(Freq, u64)> = None;
    let mut order: Vec<String> = Vec::new();
    let mut points: BTreeMap<String, BTreeMap<Period, (f64, u64)>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            refuse(line, "", format!("the row cannot be read: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let name = record[0].trim();
        if name.is_empty() {
            return Err(refuse(line, "series", "a series needs a name"));
        }
        let period = Period::parse(record[1].trim()).map_err(|e| refuse(line, "period", e))?;
        if period.freq() == Freq::Year {
            return Err(refuse(
                line,
                "period",
                "expected a month YYYY-MM, an ISO week YYYY-Www or a day YYYY-MM-DD",
            ));
        }
        match freq {
            None => freq = Some((period.freq(), line)),
            Some((f, first)) if f != period.freq() => {
                return Err(refuse(
                    line,
                    "period",
                    format!(
                        "one frequency a file: line {first} gives a {}, this line a {}",
                        f.as_str(),
                        period.freq().as_str()
                    ),
                ));
            }
            Some(_) => {}
        }
        let raw = record[2].trim();
        let value: f64 = raw
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                refuse(
                    line,
                    "value",
                    format!("`{raw}` is not a number (write 1200.5)"),
                )
            })?;
        if value < 0.0 {
            return Err(refuse(
                line,
                "value",
                format!("{raw} is negative: counts are 0 or more"),
            ));
        }
        let of = points.entry(name.to_owned()).or_insert_with(|| {
            order.push(name.to_owned());
            BTreeMap::new()
        });
        if let Some((_, earlier)) = of.insert(period, (value, line)) {
            return Err(refuse(
                line,
                "period",
                format!("{name} has {period} already, on line {earlier}"),
            ));
        }
    }
    let Some((freq, _)) = freq else {
        return Err(refuse(2, "", "the file has no rows"));
    };
    let mut series = Vec::new();
    for name in order {
        let of = &points[&name];
        let mut values = Vec::with_capacity(of.len());
        let mut expected: Option<Period> = None;
        for (period, (value, line)) in of {
            if let Some(want) = expected
                && want != *period
            {
                return Err(refuse(
                    *line,
                    "period",
                    format!("{name} lacks {want} before {period}: write 0 for a period with none"),
                ));
            }
            values.push(*value);
            expected = period.next();
        }
        let start = *of
            .keys()
            .next()
            .unwrap_or_else(|| unreachable!("a series has a row"));
        series.push(Series {
            name,
            start,
            values,
        });
    }
    Ok(Input { freq, series })
}

/// Why the file's forecast could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastFileError {
    #[error("line {}, column `{}`: {}", .0.line, .0.column, .0.reason)]
    Input(ImportError),
    #[error("the horizon must be from 1 to {MAX_HORIZON} periods, not {0}")]
    Horizon(usize),
    #[error("series {series}: {reason}")]
    Series { series: String, reason: String },
}

/// Forecasts every series of the file `horizon` periods ahead, each by the model its
/// backtest chose (or by `model` for all, with no backtest): the CSV answer, or the first
/// reason none can be given (nothing is written then).
pub fn forecast(
    bytes: &[u8],
    horizon: usize,
    model: Option<Model>,
) -> Result<String, ForecastFileError> {
    if horizon == 0 || horizon > MAX_HORIZON {
        return Err(ForecastFileError::Horizon(horizon));
    }
    let input = parse(bytes).map_err(ForecastFileError::Input)?;
    let m = season(input.freq);
    let mut out = String::from("series,period,mean,lo80,hi80,lo95,hi95,model\n");
    for s in &input.series {
        let refused = |e: accordo_forecast::ForecastError| ForecastFileError::Series {
            series: s.name.clone(),
            reason: e.to_string(),
        };
        let (f, used) = match model {
            Some(model) => (
                model.forecast(&s.values, m, horizon).map_err(refused)?,
                model,
            ),
            None => {
                let chosen = backtest::forecast_chosen(&s.values, m, horizon).map_err(refused)?;
                (chosen.forecast, chosen.choice.chosen)
            }
        };
        let mut period = s.start;
        for _ in 1..s.values.len() {
            period = period.next().unwrap_or(period);
        }
        for j in 0..horizon {
            period = period.next().ok_or_else(|| ForecastFileError::Series {
                series: s.name.clone(),
                reason: "the forecast would pass the year 2200".into(),
            })?;
            let name = if s.name.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.name.replace('"', "\"\""))
            } else {
                s.name.clone()
            };
            out.push_str(&format!(
                "{name},{period},{:.2},{:.2},{:.2},{:.2},{:.2},{}\n",
                // `+ 0.0` turns a -0.0 into 0.0, which prints without its sign.
                f.mean[j] + 0.0,
                f.lo80[j] + 0.0,
                f.hi80[j] + 0.0,
                f.lo95[j] + 0.0,
                f.hi95[j] + 0.0,
                used.as_str()
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(name: &str, from_year: i16, values: &[f64]) -> String {
        let mut p = Period::Month(from_year, 1);
        let mut out = String::new();
        for v in values {
            out.push_str(&format!("{name},{p},{v}\n"));
            p = p.next().unwrap();
        }
        out
    }

    fn seasonal(n: usize) -> Vec<f64> {
        (0..n)
            .map(|t| {
                100.0
                    + t as f64
                    + [
                        20.0, 0.0, -15.0, 5.0, 10.0, -5.0, 0.0, 3.0, -8.0, 6.0, 2.0, -18.0,
                    ][t % 12]
            })
            .collect()
    }

    #[test]
    fn each_series_gets_the_periods_after_its_last() {
        let file = format!(
            "series,period,value\n{}{}",
            months("arrivals", 2018, &seasonal(60)),
            months("other", 2019, &seasonal(48))
        );
        let out = forecast(file.as_bytes(), 3, None).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "series,period,mean,lo80,hi80,lo95,hi95,model");
        assert_eq!(lines.len(), 1 + 2 * 3);
        assert!(lines[1].starts_with("arrivals,2023-01,"), "{}", lines[1]);
        assert!(lines[4].starts_with("other,2023-01,"), "{}", lines[4]);
        for l in &lines[1..] {
            let f: Vec<&str> = l.split(',').collect();
            let v: Vec<f64> = f[2..7].iter().map(|x| x.parse().unwrap()).collect();
            assert!(v.iter().all(|x| *x >= 0.0));
            assert!(
                v[3] <= v[1] && v[1] <= v[0] && v[0] <= v[2] && v[2] <= v[4],
                "{l}"
            );
            assert!(["seasonal_naive", "theta", "ets", "mstl", "ets_theta"].contains(&f[7]));
        }
    }

    #[test]
    fn bad_input_is_refused_by_line_column_and_rule() {
        let good = months("a", 2020, &seasonal(40));
        for (file, line, column, says) in [
            ("series,period\n".to_owned(), 1, "", "series,period,value"),
            (
                format!("series,period,value\n{good}a,2023-05,-1\n"),
                42,
                "value",
                "negative",
            ),
            (
                format!("series,period,value\n{good}a,2023-05,lots\n"),
                42,
                "value",
                "not a number",
            ),
            (
                format!("series,period,value\n{good}b,2023-W05,3\n"),
                42,
                "period",
                "one frequency a file",
            ),
            (
                format!("series,period,value\n{good}a,2020-02,3\n"),
                42,
                "period",
                "on line 3",
            ),
            (
                format!("series,period,value\n{good}a,2023-06,3\n"),
                42,
                "period",
                "lacks 2023-05",
            ),
            (
                format!("series,period,value\n{good}a,2023-13,3\n"),
                42,
                "period",
                "month 13",
            ),
            (
                format!("series,period,value\n{good},2023-05,3\n"),
                42,
                "series",
                "a name",
            ),
        ] {
            let e = parse(file.as_bytes()).unwrap_err();
            assert_eq!((e.line, e.column.as_str()), (line, column), "{says}: {e:?}");
            assert!(e.reason.contains(says), "{says}: {}", e.reason);
        }
        assert_eq!(
            forecast(format!("series,period,value\n{good}").as_bytes(), 0, None),
            Err(ForecastFileError::Horizon(0))
        );
        assert_eq!(
            forecast(format!("series,period,value\n{good}").as_bytes(), 61, None),
            Err(ForecastFileError::Horizon(61))
        );
        let short = format!(
            "series,period,value\n{}",
            months("tiny", 2020, &[1.0, 2.0, 3.0])
        );
        assert!(matches!(
            forecast(short.as_bytes(), 6, None),
            Err(ForecastFileError::Series { series, .. }) if series == "tiny"
        ));
        let latin1 = b"series,period,value\nN\xe4he,2020-01,1\n";
        assert_eq!(parse(latin1).unwrap_err().line, 2);
    }
}
