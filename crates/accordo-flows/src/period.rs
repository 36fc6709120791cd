//! Periods of a series: a day (`2024-01-31`), an ISO week (`2024-W05`), a month (`2024-01`) or
//! a year (`2024`). One file or series has one frequency.

use std::fmt;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::Serialize;

/// How often a series counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Freq {
    Day,
    Week,
    Month,
    Year,
}

impl Freq {
    pub fn as_str(self) -> &'static str {
        match self {
            Freq::Day => "day",
            Freq::Week => "week",
            Freq::Month => "month",
            Freq::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Freq::Day),
            "week" => Some(Freq::Week),
            "month" => Some(Freq::Month),
            "year" => Some(Freq::Year),
            _ => None,
        }
    }
}

/// One period. Periods of one frequency order by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i16),
    Month(i16, i8),
    Week(i16, i8),
    Day(Date),
}

/// The years a period may fall in (as `accordo_domain::dates` allows for dates).
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

impl Period {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-Www` or `YYYY-MM-DD`; the message says what was
    /// expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad =
            || format!("expected a period YYYY, YYYY-MM, YYYY-Www or YYYY-MM-DD, found `{text}`");
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let year = |s: &str| -> Result<i16, String> {
            let y: i16 = s.parse().map_err(|_| bad())?;
            if YEARS.contains(&y) {
                Ok(y)
            } else {
                Err(format!("the year {y} is outside 1900–2200"))
            }
        };
        if !text.is_ascii() {
            return Err(bad());
        }
        match text.len() {
            4 if digits(text, 4) => Ok(Period::Year(year(text)?)),
            7 if digits(&text[..4], 4) && &text[4..5] == "-" && digits(&text[5..], 2) => {
                let m: i8 = text[5..].parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) {
                    return Err(format!("month {m:02} does not exist (in `{text}`)"));
                }
                Ok(Period::Month(year(&text[..4])?, m))
            }
            8 if digits(&text[..4], 4) && &text[4..6] == "-W" && digits(&text[6..], 2) => {
                let y = year(&text[..4])?;
                let w: i8 = text[6..].parse().map_err(|_| bad())?;
                if ISOWeekDate::new(y, w, Weekday::Monday).is_err() {
                    return Err(format!("week {w:02} does not exist in {y} (in `{text}`)"));
                }
                Ok(Period::Week(y, w))
            }
            10 => accordo_domain::dates::parse(text).map(Period::Day),
            _ => Err(bad()),
        }
    }

    pub fn freq(self) -> Freq {
        match self {
            Period::Year(_) => Freq::Year,
            Period::Month(..) => Freq::Month,
            Period::Week(..) => Freq::Week,
            Period::Day(_) => Freq::Day,
        }
    }

    /// The calendar year (an ISO week's own year for a week).
    pub fn year(self) -> i16 {
        match self {
            Period::Year(y) | Period::Month(y, _) | Period::Week(y, _) => y,
            Period::Day(d) => d.year(),
        }
    }

    /// The month of a month or a day.
    pub fn month(self) -> Option<i8> {
        match self {
            Period::Month(_, m) => Some(m),
            Period::Day(d) => Some(d.month()),
            _ => None,
        }
    }

    /// The period after this one, of the same frequency (`None` past the year 2200).
    pub fn next(self) -> Option<Period> {
        let next = match self {
            Period::Year(y) => Period::Year(y + 1),
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
            Period::Week(y, w) => {
                let monday = ISOWeekDate::new(y, w, Weekday::Monday).ok()?.date();
                let after = monday
                    .checked_add(jiff::Span::new().days(7))
                    .ok()?
                    .iso_week_date();
                Period::Week(after.year(), after.week())
            }
            Period::Day(d) => Period::Day(d.tomorrow().ok()?),
        };
        YEARS.contains(&next.year()).then_some(next)
    }

    /// The period of frequency `freq` that holds this one (`None` when it does not nest:
    /// a week in a month, or a coarser period in a finer one).
    pub fn within(self, freq: Freq) -> Option<Period> {
        match (self, freq) {
            (p, f) if p.freq() == f => Some(p),
            (_, Freq::Year) if !matches!(self, Period::Week(..)) => Some(Period::Year(self.year())),
            (Period::Week(y, _), Freq::Year) => Some(Period::Year(y)),
            (Period::Day(d), Freq::Month) => Some(Period::Month(d.year(), d.month())),
            (Period::Day(d), Freq::Week) => {
                let w = d.iso_week_date();
                Some(Period::Week(w.year(), w.week()))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Period::Week(y, w) => write!(f, "{y:04}-W{w:02}"),
            Period::Day(d) => write!(f, "{d}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_form_parses_and_prints_back() {
        for text in ["2024", "2024-01", "2020-W53", "2024-02-29"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Period::parse("2024-01").unwrap().freq(), Freq::Month);
    }

    #[test]
    fn periods_that_do_not_exist_are_refused_with_the_reason() {
        for (text, says) in [
            ("2023-02-29", ""),
            ("2024-13", "month 13"),
            ("2021-W53", "week 53 does not exist in 2021"),
            ("1899", "outside"),
            ("24-01", "expected a period"),
            ("2024-1", "expected a period"),
            ("", "expected a period"),
        ] {
            let e = Period::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn each_period_has_the_next() {
        for (from, to) in [
            ("2024-12", "2025-01"),
            ("2020-W53", "2021-W01"),
            ("2024-W52", "2025-W01"),
            ("2024-02-28", "2024-02-29"),
            ("2024-12-31", "2025-01-01"),
            ("2024", "2025"),
        ] {
            assert_eq!(Period::parse(from).unwrap().next().unwrap().to_string(), to);
        }
        assert_eq!(Period::Year(2200).next(), None);
    }

    #[test]
    fn a_period_rolls_up_into_the_ones_that_hold_it() {
        let d = Period::parse("2024-12-30").unwrap();
        assert_eq!(d.within(Freq::Month), Some(Period::Month(2024, 12)));
        assert_eq!(d.within(Freq::Year), Some(Period::Year(2024)));
        // 30 Dec 2024 is in ISO week 1 of 2025.
        assert_eq!(d.within(Freq::Week), Some(Period::Week(2025, 1)));
        assert_eq!(Period::Week(2025, 1).within(Freq::Month), None);
        assert_eq!(Period::Month(2024, 3).within(Freq::Day), None);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panic(text in ".{0,12}") {
            if let Ok(p) = Period::parse(&text) {
                prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
            }
        }

        #[test]
        fn months_order_by_time(a in 1900i16..2200, b in 1i8..=12, c in 1900i16..2200, d in 1i8..=12) {
            let (p, q) = (Period::Month(a, b), Period::Month(c, d));
            prop_assert_eq!(p.cmp(&q), p.to_string().cmp(&q.to_string()));
        }
    }
}
