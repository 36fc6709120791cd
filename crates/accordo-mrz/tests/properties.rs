#![allow(clippy::unwrap_used)]
//! Property tests: `check(generate(x))` gives back `x` for every format; no input panics;
//! the fast path agrees with the report; a changed digit is always caught.

use accordo_mrz::{CHECK_NAMES, Fields, Format, Names, check, generate, known_codes, validate};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::sample::select;

fn today() -> Date {
    date(2026, 11, 23)
}

const FORMATS: [Format; 5] = [
    Format::Td1,
    Format::Td2,
    Format::Td3,
    Format::MrvA,
    Format::MrvB,
];

fn name_room(f: Format) -> usize {
    match f {
        Format::Td1 => 30,
        Format::Td2 | Format::MrvB => 31,
        Format::Td3 | Format::MrvA => 39,
    }
}

/// Longest document number per format.
fn number_max(f: Format) -> usize {
    match f {
        Format::Td1 => 23,
        Format::Td2 => 15,
        _ => 9,
    }
}

/// Room for optional data given the document number's length.
fn optional_room(f: Format, number_len: usize) -> usize {
    let rest = number_len.saturating_sub(9);
    let used = |room: usize| if rest == 0 { 0 } else { (rest + 2).min(room) };
    match f {
        Format::Td1 => 15 - used(15) + 11,
        Format::Td2 => 7 - used(7),
        Format::Td3 => 14,
        Format::MrvA => 16,
        Format::MrvB => 8,
    }
}

fn code_strategy(f: Format) -> BoxedStrategy<String> {
    match f {
        Format::Td3 => "P[PEDORTSLMU]?".boxed(),
        Format::Td1 | Format::Td2 => "[ACI][A-UW-Z]?".boxed(),
        Format::MrvA | Format::MrvB => "V[A-Z]?".boxed(),
    }
}

fn names_strategy(room: usize) -> impl Strategy<Value = Names> {
    (
        prop::collection::vec("[A-Z]{1,8}", 1..=3),
        prop::collection::vec("[A-Z]{1,8}", 0..=3),
    )
        .prop_filter_map("name must fit", move |(p, s)| {
            let primary = p.join(" ");
            let secondary = s.join(" ");
            let len = primary.len()
                + if secondary.is_empty() {
                    0
                } else {
                    2 + secondary.len()
                };
            (len <= room).then_some(Names {
                primary,
                secondary,
                // A name that reaches the last column reads as possibly truncated.
                truncated: len == room,
            })
        })
}

fn dates_strategy() -> impl Strategy<Value = (Option<Date>, Date)> {
    (
        prop::option::weighted(0.9, 0i64..36_000),
        -18_000i64..18_000,
    )
        .prop_filter_map("expiry after birth", |(back, ahead)| {
            let birth = back.map(|n| today().checked_sub(n.days()).unwrap());
            let expiry = today().checked_add(ahead.days()).unwrap();
            match birth {
                Some(b) if expiry <= b => None,
                _ => Some((birth, expiry)),
            }
        })
}

fn fields_strategy(f: Format) -> impl Strategy<Value = Fields> {
    let codes: Vec<&'static str> = known_codes().collect();
    let number =
        proptest::string::string_regex(&format!("[A-Z0-9]{{0,{}}}", number_max(f))).unwrap();
    (
        code_strategy(f),
        select(codes.clone()),
        select(codes),
        names_strategy(name_room(f)),
        number,
        dates_strategy(),
        select(vec!["M", "F", "X", "<"]),
    )
        .prop_flat_map(move |(code, state, nat, names, number, dates, sex)| {
            let room = optional_room(f, number.len());
            let optional =
                proptest::string::string_regex(&format!("[A-Z0-9<]{{0,{room}}}")).unwrap();
            (
                Just((code, state, nat, names, number, dates, sex)),
                optional,
            )
        })
        .prop_map(
            move |((code, state, nat, names, number, (birth, expiry), sex), optional)| Fields {
                format: f,
                // `P` alone only on passports that expire before 2038.
                document_code: if code == "P" && expiry >= date(2038, 1, 1) {
                    "PP".to_owned()
                } else {
                    code
                },
                issuing_state: state.to_owned(),
                names,
                document_number: number,
                nationality: nat.to_owned(),
                birth_date: birth,
                sex: sex.to_owned(),
                expiry_date: Some(expiry),
                optional_data: optional.trim_end_matches('<').to_owned(),
            },
        )
}

fn any_fields() -> impl Strategy<Value = Fields> {
    select(FORMATS.to_vec()).prop_flat_map(fields_strategy)
}

/// Everything `check` promises, for any input.
fn invariants(text: &str, today: Date) {
    let r = check(text, today);
    assert_eq!(
        r.valid,
        validate(text, today),
        "fast path disagrees on {text:?}"
    );
    assert_eq!(r.valid, r.checks.iter().all(|c| c.ok));
    for c in &r.checks {
        assert!(CHECK_NAMES.contains(&c.name), "{}", c.name);
        assert!(!c.detail.is_empty());
    }
    if r.fields.is_some() {
        assert!(r.format.is_some());
    }
    if let Some(s) = &r.suggestion {
        assert!(!r.valid);
        assert!(!s.changes.is_empty());
        assert!(validate(&s.mrz, today));
    }
    let _ = serde_json::to_string(&r).unwrap();
}

fn any_today() -> impl Strategy<Value = Date> {
    (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generate_then_check_gives_back_the_fields(fields in any_fields()) {
        let text = generate(&fields).unwrap();
        let r = check(&text, today());
        prop_assert!(r.valid, "{text}\n{:#?}", r.checks.iter().filter(|c| !c.ok).collect::<Vec<_>>());
        prop_assert_eq!(r.format, Some(fields.format));
        prop_assert_eq!(r.fields.as_ref(), Some(&fields), "{}", text);
        prop_assert!(validate(&text, today()));
        let (lines, len) = fields.format.shape();
        prop_assert_eq!(text.lines().count(), lines);
        prop_assert!(text.lines().all(|l| l.len() == len));
    }

    #[test]
    fn a_changed_digit_is_caught(fields in any_fields(), pick in any::<prop::sample::Index>(), to in 0u8..9) {
        let text = generate(&fields).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Positions holding a digit that some check digit covers (visas' optional data has none).
        let mut positions = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            for (j, b) in l.bytes().enumerate() {
                let uncovered = fields.format.is_visa() && i == 1 && j >= 28;
                if b.is_ascii_digit() && !uncovered {
                    positions.push((i, j));
                }
            }
        }
        prop_assume!(!positions.is_empty());
        let (i, j) = positions[pick.index(positions.len())];
        let mut bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
        let old = bytes[i][j];
        // A different digit.
        bytes[i][j] = b'0' + (old - b'0' + 1 + to) % 10;
        let changed = bytes.iter().map(|l| String::from_utf8(l.clone()).unwrap()).collect::<Vec<_>>().join("\n");
        prop_assert!(!validate(&changed, today()), "{changed}");
        invariants(&changed, today());
    }

    #[test]
    fn no_panic_on_any_string(s in any::<String>(), today in any_today()) {
        invariants(&s, today);
    }

    #[test]
    fn no_panic_on_any_bytes(b in prop::collection::vec(any::<u8>(), 0..300)) {
        invariants(&String::from_utf8_lossy(&b), today());
    }

    #[test]
    fn no_panic_on_mrz_shaped_text(
        lines in prop::collection::vec("[A-Z0-9<]{28,46}|[A-Z0-9<a-zÉ ]{30}|[A-Z0-9<]{36}|[A-Z0-9<]{44}", 0..5),
        crlf in any::<bool>(),
        today in any_today(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        invariants(&text, today);
    }

    #[test]
    fn no_panic_on_mutated_mrz(
        fields in any_fields(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), select(vec!['<', '0', '9', 'O', 'I', 'A', 'É', ' ', '\n', 'x'])), 1..4),
        today in any_today(),
    ) {
        let mut chars: Vec<char> = generate(&fields).unwrap().chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        invariants(&text, today);
    }

    #[test]
    fn ocr_confusions_in_dates_are_suggested(fields in any_fields(), pick in any::<prop::sample::Index>()) {
        let text = generate(&fields).unwrap();
        // Birth date, line 2 columns 14-19 (TD1: line 2 columns 1-6).
        let (line, start) = if fields.format == Format::Td1 { (1, 0) } else { (1, 13) };
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let col = start + pick.index(6);
        let b = lines[line].as_bytes()[col];
        let to = match b { b'0' => 'O', b'1' => 'I', b'8' => 'B', b'5' => 'S', b'2' => 'Z', b'6' => 'G', _ => return Ok(()) };
        lines[line].replace_range(col..col + 1, &to.to_string());
        let r = check(&lines.join("\n"), today());
        prop_assert!(!r.valid);
        let s = r.suggestion.unwrap();
        prop_assert_eq!(s.mrz, text);
        prop_assert_eq!(s.changes.len(), 1);
        prop_assert_eq!((s.changes[0].line, s.changes[0].column), (line + 1, col + 1));
    }
}

/// Recomputes the check digits of a TD3's line 2 (so that a changed field is the only
/// fault, or none); `optional_cd` overrides the personal number's.
fn fix_td3_digits(l2: &mut [u8], optional_cd: Option<u8>) {
    let cd = |s: &[u8]| b'0' + accordo_mrz::check_digit(s).unwrap_or(0);
    l2[9] = cd(&l2[0..9]);
    l2[19] = cd(&l2[13..19]);
    l2[27] = cd(&l2[21..27]);
    l2[42] = optional_cd.unwrap_or_else(|| cd(&l2[28..42]));
    let composite: Vec<u8> = [&l2[0..10], &l2[13..20], &l2[21..43]].concat();
    l2[43] = cd(&composite);
}

/// `YYMMDD` of a date.
fn yymmdd(d: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        i32::from(d.year()).rem_euclid(100),
        d.month(),
        d.day()
    )
}

/// A date field: any digits, days 29-31, near `today` (both sides of the birth and expiry
/// century rules), 2037-12-31 and 2038-01-01 (the `P<` limit), unknown, anything.
fn date_field(today: Date) -> impl Strategy<Value = String> {
    let near = (-2i64..=2).prop_map(move |days| {
        let d = today
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(today);
        yymmdd(d)
    });
    let half = (0i64..=3, 0i16..=1).prop_map(move |(days, side)| {
        // About half a century away from today: where the expiry rule changes century.
        let y = i32::from(today.year()) + if side == 0 { 50 } else { -50 };
        let d = i16::try_from(y)
            .ok()
            .and_then(|y| Date::new(y, today.month(), 1).ok())
            .and_then(|d| d.checked_add(jiff::Span::new().days(days - 1)).ok())
            .unwrap_or(today);
        yymmdd(d)
    });
    prop_oneof![
        3 => "[0-9]{6}",
        2 => "[0-9]{2}(0[1-9]|1[0-2])(29|30|31)",
        1 => "[0-9]{2}[0-1][0-9][0-3][0-9]",
        3 => near,
        2 => half,
        1 => select(vec!["371231".to_owned(), "380101".to_owned(), "000229".to_owned()]),
        1 => Just("<<<<<<".to_owned()),
        1 => "[0-9<A-Z]{6}",
    ]
}

fn near_today() -> impl Strategy<Value = Date> {
    prop_oneof![
        Just(today()),
        (1900i16..=2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)),
        any_today(),
        (-9999i16..=9999, 1i8..=12).prop_map(|(y, m)| date(y, m, 1).last_of_month()),
        select(vec![
            date(-9999, 1, 1),
            date(9999, 12, 31),
            date(-9901, 3, 1),
            date(9950, 6, 30),
            date(2000, 2, 29),
            date(1999, 12, 31),
        ]),
    ]
}

/// Valid TD3s and TD3s one step from valid, in the shapes `validate`'s fast path reads
/// (and the ones just outside it), with the `today` to check them on.
fn td3_variants() -> impl Strategy<Value = (String, Date)> {
    let byte = prop_oneof![
        4 => select(b"<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        1 => select(b" \t\r\nabcxz\x0b\x0c".to_vec()),
        1 => any::<u8>().prop_filter("ASCII", u8::is_ascii),
    ];
    near_today().prop_flat_map(move |today| {
        (
            fields_strategy(Format::Td3),
            0..15u8,
            any::<prop::sample::Index>(),
            byte.clone(),
            date_field(today),
            date_field(today),
            any::<bool>(),
            Just(today),
        )
            .prop_map(|(fields, how, at, byte, birth, expiry, fix, today)| {
                (variant(&fields, how, at, byte, &birth, &expiry, fix), today)
            })
    })
}

fn variant(
    fields: &Fields,
    how: u8,
    at: prop::sample::Index,
    byte: u8,
    birth: &str,
    expiry: &str,
    fix: bool,
) -> String {
    let text = generate(fields).unwrap();
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    let joined = |lines: &[Vec<u8>], sep: &str| {
        lines
            .iter()
            .map(|l| String::from_utf8(l.clone()).unwrap())
            .collect::<Vec<_>>()
            .join(sep)
    };
    match how {
        // As generated.
        0 => text,
        // One byte changed anywhere (line ending included).
        1 | 2 => {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            String::from_utf8(bytes).unwrap()
        }
        // One byte changed in line 1, or in line 2 with its check digits made right again
        // (or not).
        3 | 4 => {
            let line = usize::from(how - 3);
            lines[line][at.index(44)] = byte;
            if fix
                && lines[1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'<')
            {
                fix_td3_digits(&mut lines[1], None);
            }
            joined(&lines, "\n")
        }
        // Other dates (or the same date twice), check digits right; `P<` or not.
        5..=7 => {
            lines[1][13..19].copy_from_slice(birth.as_bytes());
            let expiry = if how == 7 { birth } else { expiry };
            lines[1][21..27].copy_from_slice(expiry.as_bytes());
            if fix {
                lines[0][1] = b'<';
            }
            fix_td3_digits(&mut lines[1], None);
            joined(&lines, if how == 6 { "\r\n" } else { "\n" })
        }
        // An empty personal number with `<` or `0` as its check digit, or a filled one
        // with `<`.
        8 => {
            if fix {
                lines[1][28..42].fill(b'<');
            }
            let cd = [b'<', b'0', b'1'][at.index(3)];
            fix_td3_digits(&mut lines[1], Some(cd));
            joined(&lines, "\n")
        }
        9 => {
            lines.swap(0, 1);
            joined(&lines, "\n")
        }
        10 => joined(&lines, "\r\n"),
        11 => format!(
            "{}{}",
            joined(&lines, "\n"),
            if fix { "\n" } else { "\r\n" }
        ),
        12 => {
            let ws = [" ", "\n", "\r\n", "\t", "\n\n", "\u{a0}", "\r"][at.index(7)];
            if fix {
                format!("{ws}{}", joined(&lines, "\n"))
            } else {
                format!("{}{ws}", joined(&lines, "\n"))
            }
        }
        // A name of at most one character (or only fillers).
        13 => {
            lines[0][5..].fill(b'<');
            lines[0][5 + at.index(39)] = byte;
            joined(&lines, "\n")
        }
        // A visa's or another document's first letter.
        _ => {
            lines[0][0] = [b'V', b'I', b'A', b'C', b'<'][at.index(5)];
            joined(&lines, "\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// `validate` (and its fixed-offset TD3 path) gives `check`'s verdict on TD3s: valid,
    /// one byte changed, dates replaced (at the century and `P<` boundaries too), the
    /// personal number's check digit, a one-letter name, lines swapped, CRLF, line endings
    /// and whitespace around, another first letter.
    #[test]
    fn validate_agrees_with_check_on_td3((text, today) in td3_variants()) {
        prop_assert_eq!(
            validate(&text, today),
            check(&text, today).valid,
            "{:?} on {}", text, today
        );
    }
}
