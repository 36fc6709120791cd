//! Statistics over a series: totals by period with the basis of each, year to date against
//! the same months of the year before, change in percent, the largest shares.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::period::{Freq, Period};

/// One figure of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    pub period: Period,
    pub count: i64,
}

/// Where a total comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// As the source published it for that period (a month, or a year's official total).
    Published,
    /// The sum of the months the source published (it gave no total for the year).
    SumOfMonths,
    /// The sum of the events recorded on the platform within the period.
    Recorded,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Published => "published",
            Basis::SumOfMonths => "sum_of_months",
            Basis::Recorded => "recorded",
        }
    }
}

/// A series' figure for one period, with its basis; for a year whose official total is
/// known and whose months are too, the sum of the months beside it (they differ when the
/// source revised its total but not its months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub period: Period,
    pub count: i64,
    pub basis: Basis,
    /// Months of the year the source published (a year only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<u8>,
    /// Their sum, when the count is not it (a year only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_sum: Option<i64>,
}

/// The totals of a series at frequency `freq` (month or year), oldest first. `published`
/// holds the source's own figures at any frequency; a year takes its published total when
/// there is one, else the sum of its months (saying so); months are as published.
pub fn totals(published: &[Point], freq: Freq) -> Vec<Total> {
    let mut official: BTreeMap<Period, i64> = BTreeMap::new();
    let mut months: BTreeMap<Period, (i64, u8)> = BTreeMap::new();
    for p in published {
        if p.period.freq() == freq {
            *official.entry(p.period).or_default() += p.count;
        } else if freq == Freq::Year && p.period.freq() == Freq::Month {
            let m = months.entry(Period::Year(p.period.year())).or_default();
            m.0 += p.count;
            m.1 += 1;
        }
    }
    let mut out: BTreeMap<Period, Total> = BTreeMap::new();
    for (period, count) in official {
        let summed = months.get(&period);
        out.insert(
            period,
            Total {
                period,
                count,
                basis: Basis::Published,
                months: summed.map(|s| s.1),
                monthly_sum: summed.map(|s| s.0).filter(|s| *s != count),
            },
        );
    }
    for (period, (sum, n)) in months {
        out.entry(period).or_insert(Total {
            period,
            count: sum,
            basis: Basis::SumOfMonths,
            months: Some(n),
            monthly_sum: None,
        });
    }
    out.into_values().collect()
}

/// Figures by day (the platform's events) summed into periods of `freq`, oldest first, each
/// of basis [`Basis::Recorded`]; a period without an event is left out.
pub fn recorded(days: &[Point], freq: Freq) -> Vec<Total> {
    let mut sums: BTreeMap<Period, i64> = BTreeMap::new();
    for p in days {
        if let Some(period) = p.period.within(freq) {
            *sums.entry(period).or_default() += p.count;
        }
    }
    sums.into_iter()
        .map(|(period, count)| Total {
            period,
            count,
            basis: Basis::Recorded,
            months: None,
            monthly_sum: None,
        })
        .collect()
}

/// The figures of `known` for every period from `first` to `last` (one frequency), a period
/// it lacks a zero: a source that leaves out its empty periods, on a time axis.
pub fn dense(known: &BTreeMap<Period, i64>, first: Period, last: Period) -> Vec<Point> {
    let mut out = Vec::new();
    let mut period = Some(first);
    while let Some(p) = period.filter(|p| *p <= last) {
        out.push(Point {
            period: p,
            count: known.get(&p).copied().unwrap_or(0),
        });
        period = p.next();
    }
    out
}

/// `from` → `to` in percent, to one decimal; `None` from zero.
pub fn change_percent(from: i64, to: i64) -> Option<f64> {
    (from != 0).then(|| ((to - from) as f64 * 1000.0 / from as f64).round() / 10.0)
}

/// The latest year's months so far against the same months of the year before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearToDate {
    pub year: i16,
    /// The last month counted (1–12).
    pub through_month: i8,
    pub count: i64,
    pub previous: i64,
    pub change_percent: Option<f64>,
}

/// Year to date over monthly figures: the latest year with a month, through its last
/// month, against the same months of the year before (`None` when that year lacks one of
/// them).
pub fn year_to_date(published: &[Point]) -> Option<YearToDate> {
    let months: BTreeMap<(i16, i8), i64> = published
        .iter()
        .filter_map(|p| match p.period {
            Period::Month(y, m) => Some(((y, m), p.count)),
            _ => None,
        })
        .fold(BTreeMap::new(), |mut acc, (k, v)| {
            *acc.entry(k).or_default() += v;
            acc
        });
    let (&(year, last), _) = months.last_key_value()?;
    let sum = |y: i16| -> Option<i64> {
        (1..=last)
            .map(|m| months.get(&(y, m)).copied())
            .sum::<Option<i64>>()
    };
    let (count, previous) = (sum(year)?, sum(year - 1)?);
    Some(YearToDate {
        year,
        through_month: last,
        count,
        previous,
        change_percent: change_percent(previous, count),
    })
}

/// The `n` largest shares, largest first (ties by key), each with its percent of `total`.
pub fn top(
    shares: &BTreeMap<String, i64>,
    total: i64,
    n: usize,
) -> Vec<(String, i64, Option<f64>)> {
    let mut v: Vec<(&String, &i64)> = shares.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(n)
        .map(|(k, c)| {
            let pct = (total > 0).then(|| (*c as f64 * 1000.0 / total as f64).round() / 10.0);
            (k.clone(), *c, pct)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(y: i16, m: i8, count: i64) -> Point {
        Point {
            period: Period::Month(y, m),
            count,
        }
    }

    #[test]
    fn a_year_shows_its_official_total_and_the_months_that_differ() {
        // Italy 2023: the year-end total is 157,652; its months as first published add up to
        // 155,515.
        let mut points: Vec<Point> = (1..=12).map(|m| month(2023, m, 12_959)).collect();
        points[0].count += 7;
        points.push(Point {
            period: Period::Year(2023),
            count: 157_652,
        });
        // 2014: no published total, only months.
        points.extend((1..=12).map(|m| month(2014, m, 100)));
        let years = totals(&points, Freq::Year);
        assert_eq!(years.len(), 2);
        assert_eq!(
            years[0],
            Total {
                period: Period::Year(2014),
                count: 1200,
                basis: Basis::SumOfMonths,
                months: Some(12),
                monthly_sum: None,
            }
        );
        assert_eq!(years[1].count, 157_652);
        assert_eq!(years[1].basis, Basis::Published);
        assert_eq!(years[1].monthly_sum, Some(155_515));
        let months = totals(&points, Freq::Month);
        assert_eq!(months.len(), 24);
        assert!(months.iter().all(|t| t.basis == Basis::Published));
    }

    #[test]
    fn recorded_days_sum_into_weeks_months_and_years() {
        let day = |y, m, d, count| Point {
            period: Period::Day(jiff::civil::date(y, m, d)),
            count,
        };
        // 2024-12-30 is a Monday of ISO week 2025-W01.
        let days = [
            day(2024, 12, 29, 5),
            day(2024, 12, 30, 7),
            day(2025, 1, 2, 11),
        ];
        let of = |freq| -> Vec<(String, i64)> {
            recorded(&days, freq)
                .into_iter()
                .map(|t| {
                    assert_eq!(t.basis, Basis::Recorded);
                    (t.period.to_string(), t.count)
                })
                .collect()
        };
        let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(p, c)| (p.to_string(), *c)).collect()
        };
        assert_eq!(of(Freq::Week), pairs(&[("2024-W52", 5), ("2025-W01", 18)]));
        assert_eq!(of(Freq::Month), pairs(&[("2024-12", 12), ("2025-01", 11)]));
        assert_eq!(of(Freq::Year), pairs(&[("2024", 12), ("2025", 11)]));
        assert_eq!(of(Freq::Day).len(), 3);
    }

    #[test]
    fn missing_periods_are_zeros_between_the_first_and_the_last() {
        let known: BTreeMap<Period, i64> =
            [(Period::Month(2024, 11), 5), (Period::Month(2025, 2), 7)].into();
        let d = dense(&known, Period::Month(2024, 11), Period::Month(2025, 2));
        let counts: Vec<i64> = d.iter().map(|p| p.count).collect();
        assert_eq!(counts, [5, 0, 0, 7]);
        assert_eq!(d[2].period, Period::Month(2025, 1));
    }

    #[test]
    fn change_is_in_percent_to_one_decimal() {
        assert_eq!(change_percent(157_652, 66_317), Some(-57.9));
        assert_eq!(change_percent(0, 5), None);
        assert_eq!(change_percent(200, 300), Some(50.0));
    }

    #[test]
    fn year_to_date_compares_the_same_months() {
        let mut points: Vec<Point> = (1..=12).map(|m| month(2024, m, 10)).collect();
        points.extend((1..=4).map(|m| month(2025, m, 5)));
        let ytd = year_to_date(&points).unwrap();
        assert_eq!((ytd.year, ytd.through_month), (2025, 4));
        assert_eq!((ytd.count, ytd.previous), (20, 40));
        assert_eq!(ytd.change_percent, Some(-50.0));
        // Without the year before, there is nothing to compare.
        assert_eq!(year_to_date(&points[12..]), None);
    }

    #[test]
    fn the_largest_shares_come_first() {
        let shares: BTreeMap<String, i64> = [("TUN", 30), ("BGD", 50), ("EGY", 30), ("PAK", 10)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let t = top(&shares, 120, 3);
        let keys: Vec<&str> = t.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["BGD", "EGY", "TUN"]);
        assert_eq!(t[0].2, Some(41.7));
    }
}
