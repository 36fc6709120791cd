//! An event a coast guard or police force records on the platform: a landing, an
//! interception, a rescue, a detection or a prevented departure, where and when, with the
//! people in it by nationality when known. [`check`] turns what was typed into an [`Event`]
//! or names the first field it refuses and why.

use accordo_domain::{CountryCode, dates};
use jiff::civil::Date;
use serde::Serialize;

use crate::vocab::{self, Border};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// People arrived on shore by their own means.
    Landing,
    /// A boat stopped at sea and its people taken back or ashore.
    Interception,
    /// People in distress taken aboard.
    Rescue,
    /// An irregular crossing detected (at sea or by land).
    Detection,
    /// A departure stopped before it began.
    PreventedDeparture,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::Landing,
        EventKind::Interception,
        EventKind::Rescue,
        EventKind::Detection,
        EventKind::PreventedDeparture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Landing => "landing",
            EventKind::Interception => "interception",
            EventKind::Rescue => "rescue",
            EventKind::Detection => "detection",
            EventKind::PreventedDeparture => "prevented_departure",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether it happens at sea only (a landing ends a sea crossing).
    pub fn at_sea_only(self) -> bool {
        matches!(
            self,
            EventKind::Landing | EventKind::Interception | EventKind::Rescue
        )
    }
}

/// The kind of boat, as the coast guards' reports name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vessel {
    Rubber,
    Wooden,
    Metal,
    Fibreglass,
    Sailing,
    Fishing,
    Other,
}

impl Vessel {
    pub const ALL: [Vessel; 7] = [
        Vessel::Rubber,
        Vessel::Wooden,
        Vessel::Metal,
        Vessel::Fibreglass,
        Vessel::Sailing,
        Vessel::Fishing,
        Vessel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Vessel::Rubber => "rubber",
            Vessel::Wooden => "wooden",
            Vessel::Metal => "metal",
            Vessel::Fibreglass => "fibreglass",
            Vessel::Sailing => "sailing",
            Vessel::Fishing => "fishing",
            Vessel::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

/// The most people, dead or missing one event may count (the largest known shipwrecks
/// carried well under 1,000; a typing slip of a few zeros is refused).
pub const MAX_PEOPLE: i64 = 10_000;

/// The longest place name.
pub const MAX_PLACE: usize = 200;

/// An event as typed, before it is checked. Numbers come as the caller parsed them.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub date: String,
    pub kind: String,
    /// A route by name (`Central Mediterranean`) or key (`central-mediterranean`).
    pub route: String,
    /// `sea` or `land`.
    pub border: String,
    pub place: String,
    pub latitude: f64,
    pub longitude: f64,
    /// ISO 3166-1 alpha-3; empty when unknown.
    pub departure_country: String,
    /// Empty when unknown, or by land.
    pub vessel: String,
    pub people: i64,
    pub dead: i64,
    pub missing: i64,
    /// People by nationality, where known: `(code, count)`.
    pub nationalities: Vec<(String, i64)>,
}

/// A checked event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub date: Date,
    pub kind: EventKind,
    pub route: &'static str,
    pub border: Border,
    pub place: String,
    /// Coordinates in millionths of a degree (about 11 cm).
    pub latitude_e6: i64,
    pub longitude_e6: i64,
    pub departure_country: Option<CountryCode>,
    pub vessel: Option<Vessel>,
    pub people: i64,
    pub dead: i64,
    pub missing: i64,
    /// By nationality, largest first; their sum is at most `people`.
    pub nationalities: Vec<(String, i64)>,
}

/// Why a field was refused: the field, a stable code (the message `flows-error-<code>`),
/// its arguments, and the English words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub message: String,
}

fn refuse(
    field: &'static str,
    code: &'static str,
    args: Vec<(&'static str, String)>,
    message: impl Into<String>,
) -> Refusal {
    Refusal {
        field,
        code,
        args,
        message: message.into(),
    }
}

/// Degrees to millionths of a degree, if within `limit` either side of zero.
fn micro_degrees(value: f64, limit: f64) -> Option<i64> {
    (value.is_finite() && value.abs() <= limit).then(|| (value * 1e6).round() as i64)
}

/// Checks an event recorded on `today` (the recorder's date): the event, or every field it
/// refuses, in the form's order (one refusal a field).
pub fn check(input: &EventInput, today: Date) -> Result<Event, Vec<Refusal>> {
    let mut refused: Vec<Refusal> = Vec::new();
    let mut keep = |r: Result<(), Refusal>| {
        if let Err(r) = r {
            refused.push(r);
        }
    };
    let date =
        dates::parse(input.date.trim()).map_err(|e| refuse("date", "event-date", Vec::new(), e));
    let date = match date {
        Ok(d) if d > today => {
            keep(Err(refuse(
                "date",
                "event-future",
                vec![("date", d.to_string())],
                format!("{d} is after today: record an event once it has happened"),
            )));
            None
        }
        Ok(d) => Some(d),
        Err(r) => {
            keep(Err(r));
            None
        }
    };
    let kind = EventKind::parse(input.kind.trim());
    if kind.is_none() {
        keep(Err(refuse(
            "kind",
            "event-kind",
            Vec::new(),
            "expected landing, interception, rescue, detection or prevented_departure",
        )));
    }
    let route =
        vocab::route(input.route.trim()).or_else(|| vocab::route_of_key(input.route.trim()));
    if route.is_none() {
        keep(Err(refuse(
            "route",
            "event-route",
            Vec::new(),
            format!(
                "expected one of Frontex's routes: {}",
                vocab::ROUTES.join(", ")
            ),
        )));
    }
    let border = Border::parse(input.border.trim());
    match (border, kind) {
        (None, _) => keep(Err(refuse(
            "border",
            "event-border",
            Vec::new(),
            "expected sea or land",
        ))),
        (Some(Border::Land), Some(k)) if k.at_sea_only() => keep(Err(refuse(
            "border",
            "event-border-kind",
            vec![("kind", k.as_str().to_owned())],
            format!("a {} happens at sea", k.as_str()),
        ))),
        _ => {}
    }
    let place = input.place.trim();
    if place.is_empty() {
        keep(Err(refuse("place", "required", Vec::new(), "is required")));
    } else if place.chars().count() > MAX_PLACE {
        keep(Err(refuse(
            "place",
            "event-place-long",
            vec![("max", MAX_PLACE.to_string())],
            format!("longer than {MAX_PLACE} characters"),
        )));
    }
    let latitude_e6 = micro_degrees(input.latitude, 90.0);
    if latitude_e6.is_none() {
        keep(Err(refuse(
            "latitude",
            "event-latitude",
            Vec::new(),
            "expected decimal degrees between -90 and 90 (north positive)",
        )));
    }
    let longitude_e6 = micro_degrees(input.longitude, 180.0);
    if longitude_e6.is_none() {
        keep(Err(refuse(
            "longitude",
            "event-longitude",
            Vec::new(),
            "expected decimal degrees between -180 and 180 (east positive)",
        )));
    }
    let departure_country = match input.departure_country.trim() {
        "" => None,
        code => match CountryCode::parse(code) {
            Ok(c) => Some(c),
            Err(_) => {
                keep(Err(refuse(
                    "departure_country",
                    "country",
                    Vec::new(),
                    format!("`{code}` is not an ISO 3166-1 alpha-3 code (LBY, TUN, TUR)"),
                )));
                None
            }
        },
    };
    let vessel = match input.vessel.trim() {
        "" => None,
        v => {
            let parsed = Vessel::parse(v);
            if parsed.is_none() {
                keep(Err(refuse(
                    "vessel",
                    "event-vessel",
                    Vec::new(),
                    "expected rubber, wooden, metal, fibreglass, sailing, fishing or other",
                )));
            } else if border == Some(Border::Land) {
                keep(Err(refuse(
                    "vessel",
                    "event-vessel-land",
                    Vec::new(),
                    "a crossing by land has no vessel",
                )));
            }
            parsed
        }
    };
    let mut counts_ok = true;
    for (field, value) in [
        ("people", input.people),
        ("dead", input.dead),
        ("missing", input.missing),
    ] {
        if !(0..=MAX_PEOPLE).contains(&value) {
            counts_ok = false;
            keep(Err(refuse(
                field,
                "event-count",
                vec![("max", MAX_PEOPLE.to_string())],
                format!("expected a whole number from 0 to {MAX_PEOPLE}"),
            )));
        }
    }
    if counts_ok && input.people + input.dead + input.missing == 0 {
        keep(Err(refuse(
            "people",
            "event-empty",
            Vec::new(),
            "an event counts at least one person (alive, dead or missing)",
        )));
    }
    let mut nationalities: Vec<(String, i64)> = Vec::new();
    let mut breakdown: Option<Refusal> = None;
    for (code, count) in &input.nationalities {
        let code = code.trim();
        let wrong = if !vocab::is_nationality(code) {
            Some(refuse(
                "nationalities",
                "event-nationality",
                vec![("code", code.to_owned())],
                format!("`{code}` is not an ISO 3166-1 alpha-3 code nor XKX, STL, OOO, OOS or OTH"),
            ))
        } else if nationalities.iter().any(|(c, _)| c == code) {
            Some(refuse(
                "nationalities",
                "event-nationality-twice",
                vec![("code", code.to_owned())],
                format!("{code} is given twice"),
            ))
        } else if !(1..=MAX_PEOPLE).contains(count) {
            Some(refuse(
                "nationalities",
                "event-nationality-count",
                vec![("code", code.to_owned())],
                format!("the count of {code} must be a whole number from 1 to {MAX_PEOPLE}"),
            ))
        } else {
            None
        };
        match wrong {
            Some(r) => {
                breakdown.get_or_insert(r);
            }
            None => nationalities.push((code.to_owned(), *count)),
        }
    }
    let named: i64 = nationalities.iter().map(|(_, n)| n).sum();
    if breakdown.is_none() && counts_ok && named > input.people {
        breakdown = Some(refuse(
            "nationalities",
            "event-breakdown",
            vec![
                ("named", named.to_string()),
                ("people", input.people.to_string()),
            ],
            format!(
                "the nationalities add up to {named}, more than the {} people of the event",
                input.people
            ),
        ));
    }
    if let Some(r) = breakdown {
        keep(Err(r));
    }
    match (date, kind, route, border, latitude_e6, longitude_e6) {
        (
            Some(date),
            Some(kind),
            Some(route),
            Some(border),
            Some(latitude_e6),
            Some(longitude_e6),
        ) if refused.is_empty() => {
            nationalities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Ok(Event {
                date,
                kind,
                route,
                border,
                place: place.to_owned(),
                latitude_e6,
                longitude_e6,
                departure_country,
                vessel,
                people: input.people,
                dead: input.dead,
                missing: input.missing,
                nationalities,
            })
        }
        _ => Err(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 5)
    }

    fn lampedusa() -> EventInput {
        EventInput {
            date: "2026-11-30".into(),
            kind: "landing".into(),
            route: "Central Mediterranean".into(),
            border: "sea".into(),
            place: "Lampedusa, Molo Favarolo".into(),
            latitude: 35.4997,
            longitude: 12.6056,
            departure_country: "LBY".into(),
            vessel: "metal".into(),
            people: 48,
            dead: 0,
            missing: 2,
            nationalities: vec![("BGD".into(), 20), ("EGY".into(), 25)],
        }
    }

    #[test]
    fn a_landing_is_checked_into_an_event() {
        let e = check(&lampedusa(), today()).unwrap();
        assert_eq!(e.route, "Central Mediterranean");
        assert_eq!(e.border, Border::Sea);
        assert_eq!((e.latitude_e6, e.longitude_e6), (35_499_700, 12_605_600));
        assert_eq!(e.departure_country.unwrap().as_str(), "LBY");
        assert_eq!(
            e.nationalities,
            vec![("EGY".to_owned(), 25), ("BGD".to_owned(), 20)],
            "largest first"
        );
        // A route by its key, and a detection by land without a vessel.
        let mut land = lampedusa();
        land.route = "western-balkan".into();
        land.kind = "detection".into();
        land.border = "land".into();
        land.vessel = String::new();
        assert_eq!(check(&land, today()).unwrap().route, "Western Balkan");
    }

    fn refused(change: impl FnOnce(&mut EventInput)) -> Refusal {
        let mut input = lampedusa();
        change(&mut input);
        let all = check(&input, today()).expect_err("refused");
        assert_eq!(all.len(), 1, "{all:?}");
        all[0].clone()
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases: Vec<(Refusal, &str, &str)> = vec![
            (
                refused(|i| i.date = "2026-02-30".into()),
                "date",
                "event-date",
            ),
            (
                refused(|i| i.date = "2026-12-06".into()),
                "date",
                "event-future",
            ),
            (refused(|i| i.kind = "arrival".into()), "kind", "event-kind"),
            (
                refused(|i| i.route = "Balkans".into()),
                "route",
                "event-route",
            ),
            (
                refused(|i| i.border = "air".into()),
                "border",
                "event-border",
            ),
            (
                refused(|i| {
                    i.border = "land".into();
                    i.vessel = String::new();
                }),
                "border",
                "event-border-kind",
            ),
            (refused(|i| i.place = "  ".into()), "place", "required"),
            (refused(|i| i.latitude = 91.0), "latitude", "event-latitude"),
            (
                refused(|i| i.longitude = f64::NAN),
                "longitude",
                "event-longitude",
            ),
            (
                refused(|i| i.departure_country = "XX".into()),
                "departure_country",
                "country",
            ),
            (
                refused(|i| i.vessel = "yacht".into()),
                "vessel",
                "event-vessel",
            ),
            (refused(|i| i.people = -1), "people", "event-count"),
            (refused(|i| i.dead = MAX_PEOPLE + 1), "dead", "event-count"),
            (
                refused(|i| {
                    i.people = 0;
                    i.missing = 0;
                    i.nationalities.clear();
                }),
                "people",
                "event-empty",
            ),
            (
                refused(|i| i.nationalities.push(("XYZ".into(), 1))),
                "nationalities",
                "event-nationality",
            ),
            (
                refused(|i| i.nationalities.push(("BGD".into(), 1))),
                "nationalities",
                "event-nationality-twice",
            ),
            (
                refused(|i| i.nationalities.push(("SDN".into(), 0))),
                "nationalities",
                "event-nationality-count",
            ),
        ];
        for (r, field, code) in cases {
            assert_eq!((r.field, r.code), (field, code), "{r:?}");
            assert!(!r.message.is_empty());
        }
        let mut land = lampedusa();
        land.kind = "detection".into();
        land.border = "land".into();
        let r = check(&land, today()).unwrap_err();
        assert_eq!((r[0].field, r[0].code), ("vessel", "event-vessel-land"));
    }

    #[test]
    fn every_refused_field_is_named_at_once_in_the_form_s_order() {
        let mut input = lampedusa();
        input.date = "2027-01-01".into();
        input.latitude = 135.0;
        input.longitude = -200.0;
        input.departure_country = "Libia".into();
        input.people = 10;
        let fields: Vec<&str> = check(&input, today())
            .unwrap_err()
            .iter()
            .map(|r| r.field)
            .collect();
        assert_eq!(
            fields,
            [
                "date",
                "latitude",
                "longitude",
                "departure_country",
                "nationalities"
            ]
        );
    }

    #[test]
    fn a_breakdown_may_not_exceed_the_people() {
        let r = refused(|i| i.nationalities.push(("SDN".into(), 4)));
        assert_eq!(r.code, "event-breakdown");
        assert_eq!(
            r.args,
            vec![("named", "49".to_owned()), ("people", "48".to_owned())]
        );
        // Up to the people is fine; the rest are of unknown nationality.
        let mut input = lampedusa();
        input.nationalities.push(("SDN".into(), 3));
        assert!(check(&input, today()).is_ok());
    }

    #[test]
    fn the_sources_codes_are_nationalities_of_an_event() {
        let mut input = lampedusa();
        input.nationalities = vec![("STL".into(), 3), ("OOS".into(), 10)];
        assert!(check(&input, today()).is_ok());
    }
}
