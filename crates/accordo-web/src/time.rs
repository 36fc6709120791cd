//! Times as users read them: in their own time zone, with dates that cannot be misread
//! (ISO 8601 `2026-11-23 09:05 CET`), and the machine form for `<time datetime>`.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The zone named `name`, or UTC when the name is unknown (a user's stored zone is checked
/// when set, so this only guards against a zone dropped from the database).
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

fn at(us: i64) -> Option<Timestamp> {
    Timestamp::from_microsecond(us).ok()
}

/// `2026-11-23 09:05 CET`: date, 24-hour time and the zone's abbreviation.
pub fn date_time(us: i64, tz: &TimeZone) -> String {
    at(us).map_or_else(String::new, |t| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    })
}

/// `2026-11-23`: the calendar date in the zone.
pub fn date(us: i64, tz: &TimeZone) -> String {
    at(us).map_or_else(String::new, |t| {
        t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string()
    })
}

/// RFC 3339 in UTC, for `<time datetime="…">` and exports.
pub fn machine(us: i64) -> String {
    at(us).map_or_else(String::new, |t| t.to_string())
}

/// Every time zone the embedded database knows, sorted, for the preferences form.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|n| {
            n.contains('/')
                && !n.starts_with("Etc/")
                && !n.starts_with("posix/")
                && !n.starts_with("right/")
        })
        .collect();
    names.push("UTC".to_owned());
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON_UTC_2026_11_23: i64 = 1_795_435_200_000_000;

    #[test]
    fn a_time_is_shown_in_the_users_zone_with_its_abbreviation() {
        assert_eq!(
            date_time(NOON_UTC_2026_11_23, &zone("Europe/Rome")),
            "2026-11-23 13:00 CET"
        );
        assert_eq!(
            date_time(NOON_UTC_2026_11_23, &zone("Asia/Karachi")),
            "2026-11-23 17:00 PKT"
        );
        assert_eq!(machine(NOON_UTC_2026_11_23), "2026-11-23T12:00:00Z");
    }

    #[test]
    fn the_date_is_the_one_in_the_users_zone() {
        let late_evening_utc = NOON_UTC_2026_11_23 + 11 * 3_600_000_000;
        assert_eq!(date(late_evening_utc, &zone("UTC")), "2026-11-23");
        assert_eq!(
            date(late_evening_utc, &zone("Europe/Istanbul")),
            "2026-11-24"
        );
    }

    #[test]
    fn an_unknown_zone_falls_back_to_utc() {
        assert_eq!(
            date_time(NOON_UTC_2026_11_23, &zone("Mars/Olympus")),
            "2026-11-23 12:00 UTC"
        );
    }

    #[test]
    fn the_zone_list_holds_the_partners_zones() {
        let names = zone_names();
        for z in [
            "Europe/Rome",
            "Asia/Karachi",
            "Africa/Tunis",
            "Europe/Istanbul",
            "UTC",
        ] {
            assert!(names.iter().any(|n| n == z), "{z} missing");
        }
    }
}
