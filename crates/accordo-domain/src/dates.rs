//! Calendar dates as people and partners exchange them: ISO 8601 `YYYY-MM-DD`, and nothing
//! else. `20260101`, ` 2026-01-01`, `+002026-01-01` and `2026-1-1` are refused rather than
//! guessed at; so are years outside what any record of the partnership can hold.

use jiff::civil::Date;

/// The earliest and latest year a date of the platform may carry.
pub const FIRST_YEAR: i16 = 1900;
pub const LAST_YEAR: i16 = 2200;

/// Parses `YYYY-MM-DD` exactly, a real calendar day between [`FIRST_YEAR`] and [`LAST_YEAR`];
/// the error says what was expected.
pub fn parse(text: &str) -> Result<Date, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!(
            "`{}` is not a date: expected YYYY-MM-DD, such as 2026-01-31",
            text.escape_debug()
        ));
    }
    let number = |range: std::ops::Range<usize>| -> i16 {
        b[range]
            .iter()
            .fold(0i16, |n, c| n * 10 + i16::from(c - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(format!(
            "`{text}`: the year must be between {FIRST_YEAR} and {LAST_YEAR}"
        ));
    }
    Date::new(year, month as i8, day as i8)
        .map_err(|_| format!("`{text}` is not a day of the calendar"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_iso_calendar_dates_of_plausible_years() {
        assert_eq!(parse("2026-01-31").unwrap().to_string(), "2026-01-31");
        assert_eq!(parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in [
            "20260101",
            " 2026-01-01",
            "2026-01-01 ",
            "+002026-01-01",
            "0000-01-01",
            "9999-12-31",
            "1899-12-31",
            "2026-1-1",
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026/01/01",
            "２０２６-01-01",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
