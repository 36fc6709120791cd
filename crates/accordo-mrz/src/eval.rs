//! The checks. One code path serves both the full report (details built) and the fast
//! verdict (details never built: the closures are not called).

use jiff::civil::Date;

use crate::digits::{Acc, digit_value, dot_digits, is_mrz_byte};
use crate::input::{Input, MAX};
use crate::layout::{DOCUMENT_CODE, ISSUING_STATE, Layout, Pos, Span, layout};
use crate::{Check, Fields, Format, Names, codes};

/// Receives each check. `detail` is called only by sinks that keep details.
pub(crate) trait Sink {
    fn push<F: FnOnce() -> String>(&mut self, name: &'static str, ok: bool, detail: F);
}

/// Keeps only the verdict.
pub(crate) struct Fast {
    pub ok: bool,
}

impl Sink for Fast {
    #[inline(always)]
    fn push<F: FnOnce() -> String>(&mut self, _name: &'static str, ok: bool, _detail: F) {
        self.ok &= ok;
    }
}

/// Keeps every check with its detail.
pub(crate) struct Full {
    pub checks: Vec<Check>,
}

impl Sink for Full {
    fn push<F: FnOnce() -> String>(&mut self, name: &'static str, ok: bool, detail: F) {
        self.checks.push(Check {
            name,
            ok,
            detail: detail(),
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateVal {
    /// `<<<<<<`
    Unknown,
    Valid(Date),
    Invalid,
}

impl DateVal {
    fn date(self) -> Option<Date> {
        match self {
            DateVal::Valid(d) => Some(d),
            _ => None,
        }
    }
}

/// What the checks read, for building [`Fields`] and suggestions.
pub(crate) struct Parsed {
    pub format: Format,
    pub birth: DateVal,
    pub expiry: DateVal,
    /// A long document number: its continuation and check-digit position.
    pub long: Option<(Span, Pos)>,
    /// The optional-data region proper (after a long number's continuation).
    pub optional: Span,
    pub specimen: bool,
}

/// The format from line count, length of a line and first letter.
fn detect(inp: &Input) -> Option<Format> {
    match inp.count {
        3 => Some(Format::Td1),
        2 => {
            let len = if matches!(inp.lens[0], 36 | 44) {
                inp.lens[0]
            } else {
                inp.lens[1]
            };
            let visa = inp.buf[0][0] == b'V';
            match (len, visa) {
                (44, false) => Some(Format::Td3),
                (44, true) => Some(Format::MrvA),
                (36, false) => Some(Format::Td2),
                (36, true) => Some(Format::MrvB),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Structure checks, then (if the structure is usable) every field check.
pub(crate) fn run<S: Sink>(
    inp: &Input,
    today: Date,
    s: &mut S,
) -> (Option<Format>, Option<Parsed>) {
    let n = inp.count;
    s.push("line_count", n == 2 || n == 3, || {
        if n == 2 || n == 3 {
            format!("{n} lines (2 for TD2, TD3, MRV-A, MRV-B; 3 for TD1)")
        } else {
            format!("expected 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1), found {n}")
        }
    });

    let format = detect(inp);
    let lengths_ok = format.is_some_and(|f| {
        let (lines, len) = f.shape();
        n == lines && inp.lens[..lines].iter().all(|&l| l == len)
    });
    s.push("line_length", lengths_ok, || length_detail(inp, format));

    let shown = n.min(3);
    let charset_ok = inp.charset_ok[..shown].iter().all(|&ok| ok);
    s.push("charset", charset_ok, || charset_detail(inp));

    match format {
        Some(f) if lengths_ok => {
            let parsed = evaluate(inp, f, today, s);
            (format, Some(parsed))
        }
        _ => (format, None),
    }
}

fn length_detail(inp: &Input, format: Option<Format>) -> String {
    let shown = inp.count.min(3);
    let lens: Vec<String> = inp.lens[..shown].iter().map(|l| l.to_string()).collect();
    match format {
        Some(f) => {
            let (lines, len) = f.shape();
            let bad: Vec<String> = inp.lens[..shown]
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != len)
                .map(|(i, l)| format!("line {} has {l}", i + 1))
                .collect();
            if bad.is_empty() && inp.count == lines {
                format!("{}: {lines} lines of {len} characters", f.label())
            } else if bad.is_empty() {
                format!("{} needs {lines} lines of {len} characters", f.label())
            } else {
                format!(
                    "{} needs {lines} lines of {len} characters: {}",
                    f.label(),
                    bad.join(", ")
                )
            }
        }
        None => format!(
            "line lengths [{}] fit no format (TD1 3x30, TD2 and MRV-B 2x36, TD3 and MRV-A 2x44)",
            lens.join(", ")
        ),
    }
}

fn charset_detail(inp: &Input) -> String {
    let shown = inp.count.min(3);
    let bad: Vec<String> = inp.lines[..shown]
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.chars()
                .enumerate()
                .find(|(_, c)| !(c.is_ascii() && is_mrz_byte(*c as u8)))
                .map(|(col, c)| format!("line {}, column {}: {c:?}", i + 1, col + 1))
        })
        .collect();
    if bad.is_empty() {
        "every character is A-Z, 0-9 or <".to_owned()
    } else {
        format!(
            "expected only A-Z, 0-9 and <; first bad character {}",
            bad.join("; ")
        )
    }
}

/// Second letters of passport codes in Doc 9303 Part 4 (8th edition) and Part 8 (PU).
const PASSPORT_SECOND: &[u8] = b"PEDORTSLMU";

/// The first expiry date a passport without a second code letter (`P<`) may not have
/// (Doc 9303 Part 4, 8th edition: from 2028 every MRP carries one).
pub(crate) const P_FILLER_EXPIRES_BEFORE: Date = jiff::civil::date(2038, 1, 1);

/// `P<` on a passport that expires on or after 2038-01-01.
pub(crate) fn p_filler_too_late(f: Format, code: [u8; 2], expiry: Option<Date>) -> bool {
    f == Format::Td3 && code[1] == b'<' && expiry.is_some_and(|d| d >= P_FILLER_EXPIRES_BEFORE)
}

pub(crate) fn document_code_ok(f: Format, code: [u8; 2]) -> bool {
    let second_ok = |forbid_v: bool| {
        code[1] == b'<' || (code[1].is_ascii_uppercase() && !(forbid_v && code[1] == b'V'))
    };
    match f {
        Format::Td3 => code[0] == b'P' && second_ok(false),
        Format::Td1 | Format::Td2 => matches!(code[0], b'A' | b'C' | b'I') && second_ok(true),
        Format::MrvA | Format::MrvB => code[0] == b'V' && second_ok(false),
    }
}

fn document_code_detail(inp: &Input, f: Format, ok: bool, expiry: DateVal) -> String {
    let text = inp.text(0, 0, 2);
    let at = DOCUMENT_CODE.describe();
    let expected = match f {
        Format::Td3 => {
            "P followed by < or a letter (Part 4 codes: PP, PE, PD, PO, PR, PT, PS, PL, PM; PU)"
        }
        Format::Td1 | Format::Td2 => "A, C or I followed by < or a letter other than V",
        Format::MrvA | Format::MrvB => "V followed by < or a letter",
    };
    if let (false, DateVal::Valid(d)) = (ok, expiry)
        && p_filler_too_late(f, [inp.buf[0][0], inp.buf[0][1]], Some(d))
    {
        return format!(
            "P< at {at}: a passport without a second code letter must expire before {P_FILLER_EXPIRES_BEFORE}, this one expires {d} (Doc 9303 Part 4: PP, PE, PD, PO, PR, PT, PS, PL, PM)"
        );
    }
    if !ok {
        return format!("{text:?} at {at}: {} expects {expected}", f.label());
    }
    let mut out = format!("{text} at {at}: {} expects {expected}", f.label());
    if f == Format::Td3 {
        let second = inp.buf[0][1];
        if second != b'<' && !PASSPORT_SECOND.contains(&second) {
            out.push_str(
                "; this second letter is not a Part 4 code, which is allowed only on passports issued before 2026-01-01",
            );
        } else if second == b'<' {
            out.push_str(
                "; P< (no second letter) is allowed on passports that expire before 2038-01-01",
            );
        }
    }
    out
}

fn state_detail(inp: &Input, span: Span, what: &str, ok: bool) -> String {
    let raw = inp.text(span.line, span.start, span.len);
    let code = raw.trim_end_matches('<');
    let at = span.describe();
    if ok {
        let name = codes::name_of(code).unwrap_or("");
        format!("{what} {raw} at {at}: {name}")
    } else {
        format!(
            "{what} {raw:?} at {at}: expected an ISO 3166-1 alpha-3 code or one Doc 9303 adds (D<<, GBD, UNO, XXA, XXX, EUE, ...)"
        )
    }
}

fn names_detail(inp: &Input, span: Span, ok: bool) -> String {
    let at = span.describe();
    if ok {
        let names = parse_names(&inp.text(span.line, span.start, span.len));
        let mut out = format!(
            "name field at {at}: primary identifier {:?}, secondary identifier {:?}",
            names.primary, names.secondary
        );
        if names.truncated {
            out.push_str("; the name reaches the last column, so it may be truncated");
        }
        return out;
    }
    let bad = inp
        .text(span.line, span.start, span.len)
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_uppercase() || *c == '<'));
    match bad {
        Some((i, c)) => format!(
            "name field at {at}: expected only A-Z and <, found {c:?} at line {}, column {}",
            span.line + 1,
            span.start + i + 1
        ),
        None => format!("name field at {at}: expected at least one letter, found only fillers"),
    }
}

fn digit_over(buf: &[[u8; MAX]; 3], segs: &[Span]) -> Option<u8> {
    let mut acc = Acc::new();
    for sp in segs {
        acc.feed(sp.bytes(buf))?;
    }
    Some(acc.digit())
}

/// First character outside the set in `segs`: (line, col, char), for details.
fn first_bad(inp: &Input, segs: &[Span]) -> Option<(usize, usize, char)> {
    segs.iter().find_map(|sp| {
        sp.bytes(&inp.buf)
            .iter()
            .position(|&b| !is_mrz_byte(b))
            .map(|i| (sp.line, sp.start + i, inp.char_at(sp.line, sp.start + i)))
    })
}

fn describe_segs(segs: &[Span]) -> String {
    segs.iter()
        .map(|s| s.describe())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A check digit over `segs` at `cd`. With `empty_ok`, an all-filler field may have `<` or
/// `0`.
#[allow(clippy::too_many_arguments)]
fn digit_check<S: Sink>(
    s: &mut S,
    inp: &Input,
    name: &'static str,
    what: &'static str,
    segs: &[Span],
    fast: Option<u8>,
    cd: Pos,
    empty_ok: bool,
    show_value: bool,
) -> bool {
    let b = &inp.buf;
    // `fast`: computed from the weight tables when every line is in the character set.
    let computed = fast.or_else(|| digit_over(b, segs));
    let found = cd.byte(b);
    let empty = empty_ok && segs.iter().all(|sp| sp.bytes(b).iter().all(|&c| c == b'<'));
    let ok = if empty && (found == b'<' || found == b'0') {
        true
    } else {
        computed.is_some() && computed == digit_value(found)
    };
    s.push(name, ok, || {
        let field = if show_value && segs.len() == 1 {
            let sp = segs[0];
            format!("{what} {} ({})", inp.text(sp.line, sp.start, sp.len), sp.describe())
        } else {
            format!("{what} over {}", describe_segs(segs))
        };
        let at = cd.describe();
        let found_c = inp.char_at(cd.line, cd.col);
        match computed {
            _ if empty && ok => {
                format!("{field} is empty: check digit {found_c:?} at {at} accepted (< or 0)")
            }
            None => match first_bad(inp, segs) {
                Some((l, c, ch)) => format!(
                    "{field}: cannot be computed, {ch:?} at line {}, column {} is outside A-Z, 0-9, <",
                    l + 1,
                    c + 1
                ),
                None => format!("{field}: cannot be computed"),
            },
            Some(c) if ok => format!("{field}: check digit {c} at {at} is right"),
            Some(c) => format!("{field}: expected check digit {c}, found {found_c:?} at {at}"),
        }
    });
    ok
}

/// The document number's check digit, with the TD1/TD2 long-number rule.
/// Returns the long number's continuation and the optional-data region proper.
fn number_check<S: Sink>(
    s: &mut S,
    inp: &Input,
    l: &Layout,
    fast: Option<u8>,
) -> (Option<(Span, Pos)>, Span) {
    const NAME: &str = "document_number_check_digit";
    let b = &inp.buf;
    let found = l.number_cd.byte(b);
    let opt = l.optional.bytes(b);
    let first_opt = opt.first().copied().unwrap_or(b'<');
    if l.long_numbers && found == b'<' {
        if first_opt == b'<' {
            s.push(NAME, false, || {
                format!(
                    "'<' at {} marks a long document number, but the optional data at {} holds no continuation and check digit",
                    l.number_cd.describe(),
                    l.optional.describe()
                )
            });
            return (None, l.optional);
        }
        // Continuation, its check digit, then a filler; the rest is optional data.
        let k = opt.iter().position(|&c| c == b'<').unwrap_or(opt.len());
        let o = l.optional;
        let region = if k < opt.len() {
            Span::new(o.line, o.start + k + 1, o.len - k - 1)
        } else {
            Span::new(o.line, o.start + o.len, 0)
        };
        if k < 2 {
            s.push(NAME, false, || {
                format!(
                    "'<' at {} marks a long document number; expected its continuation and a check digit at {}, found only one character",
                    l.number_cd.describe(),
                    o.describe()
                )
            });
            return (None, region);
        }
        let rest = Span::new(o.line, o.start, k - 1);
        let cd = Pos::new(o.line, o.start + k - 1);
        let icao = digit_over(b, &[l.number, rest]);
        let belgian = inp.buf[0][2..5] == *b"BEL";
        let with_filler = digit_over(b, &[l.number, l.number_cd.span(), rest]);
        let fv = digit_value(cd.byte(b));
        let icao_ok = icao.is_some() && icao == fv;
        let bel_ok = belgian && with_filler.is_some() && with_filler == fv;
        let ok = icao_ok || bel_ok;
        s.push(NAME, ok, || {
            let number = format!(
                "{}{}",
                inp.text(l.number.line, l.number.start, l.number.len),
                inp.text(rest.line, rest.start, rest.len)
            );
            let field = format!(
                "long document number {number} ({} + {}; '<' at {} marks the long number)",
                l.number.describe(),
                rest.describe(),
                l.number_cd.describe()
            );
            let at = cd.describe();
            let found_c = inp.char_at(cd.line, cd.col);
            match icao {
                None => format!("{field}: cannot be computed, a character is outside A-Z, 0-9, <"),
                Some(c) if icao_ok => {
                    format!("{field}: check digit {c} at {at} is right (filler excluded, Doc 9303 Part 5)")
                }
                Some(c) if bel_ok => format!(
                    "{field}: check digit {found_c} at {at} is right only with the filler included (Belgian convention; Doc 9303 gives {c}) - flagged"
                ),
                Some(c) => {
                    let mut d = format!("{field}: expected check digit {c}, found {found_c:?} at {at}");
                    if let (true, Some(w)) = (belgian, with_filler) {
                        d.push_str(&format!(" (or {w} with the filler included, Belgian convention)"));
                    }
                    d
                }
            }
        });
        return (Some((rest, cd)), region);
    }
    digit_check(
        s,
        inp,
        NAME,
        "document number",
        &[l.number],
        fast,
        l.number_cd,
        false,
        true,
    );
    (None, l.optional)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Birth,
    Expiry,
}

fn two_digits(b: &[u8], i: usize) -> Option<i32> {
    let h = digit_value(*b.get(i)?)?;
    let l = digit_value(*b.get(i + 1)?)?;
    Some(i32::from(h) * 10 + i32::from(l))
}

/// Days since 1970-01-01 of a proleptic Gregorian (y, m, d); d may exceed the month.
fn days(y: i32, m: i32, d: i32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The full year of a two-digit year, as a border officer reads it.
pub(crate) fn infer_year(yy: i32, mm: i32, dd: i32, kind: Kind, today: Date) -> i32 {
    let ty = i32::from(today.year());
    let century = ty - ty.rem_euclid(100);
    match kind {
        Kind::Birth => {
            let y = century + yy;
            let t = (ty, i32::from(today.month()), i32::from(today.day()));
            if (y, mm, dd) > t { y - 100 } else { y }
        }
        Kind::Expiry => {
            let y = century + yy;
            let dy = y - ty;
            // Clear cases: the other centuries are at least 51 years away.
            if dy.abs() <= 48 {
                return y;
            } else if dy >= 52 {
                return y - 100;
            } else if dy <= -52 {
                return y + 100;
            }
            let t = days(ty, i32::from(today.month()), i32::from(today.day()));
            let mut best = century - 100 + yy;
            let mut best_dist = i64::MAX;
            for y in [century - 100 + yy, century + yy, century + 100 + yy] {
                let dist = (days(y, mm, dd) - t).abs();
                // Later candidates win ties.
                if dist <= best_dist {
                    best = y;
                    best_dist = dist;
                }
            }
            best
        }
    }
}

fn read_date(b: &[u8], kind: Kind, today: Date) -> DateVal {
    if b.iter().all(|&c| c == b'<') {
        return DateVal::Unknown;
    }
    let (Some(yy), Some(mm), Some(dd)) = (two_digits(b, 0), two_digits(b, 2), two_digits(b, 4))
    else {
        return DateVal::Invalid;
    };
    if !(1..=12).contains(&mm) || !(1..=31).contains(&dd) {
        return DateVal::Invalid;
    }
    let y = infer_year(yy, mm, dd, kind, today);
    match i16::try_from(y) {
        // mm and dd are in range for i8.
        Ok(y) => Date::new(y, mm as i8, dd as i8).map_or(DateVal::Invalid, DateVal::Valid),
        Err(_) => DateVal::Invalid,
    }
}

fn date_detail(inp: &Input, span: Span, kind: Kind, val: DateVal, today: Date) -> String {
    let raw = inp.text(span.line, span.start, span.len);
    let at = span.describe();
    let rule = match kind {
        Kind::Birth => "the latest century that does not put it after today",
        Kind::Expiry => "the century that puts it nearest to today",
    };
    match val {
        DateVal::Unknown if kind == Kind::Birth => {
            format!("{raw} at {at}: date of birth unknown (<<<<<<), allowed")
        }
        DateVal::Unknown => format!(
            "{raw} at {at}: expected a date YYMMDD; only a birth date may be unknown (<<<<<<)"
        ),
        DateVal::Valid(d) => {
            let mut out = format!("{raw} at {at} = {d}: two-digit year read in {rule} ({today})");
            if kind == Kind::Expiry && d < today {
                out.push_str("; the document has expired");
            }
            out
        }
        DateVal::Invalid => {
            let b = span.bytes(&inp.buf);
            if let Some(i) = b.iter().position(|c| !c.is_ascii_digit()) {
                return format!(
                    "{raw:?} at {at}: expected a date YYMMDD, found {:?} at line {}, column {}",
                    inp.char_at(span.line, span.start + i),
                    span.line + 1,
                    span.start + i + 1
                );
            }
            let (yy, mm, dd) = (
                two_digits(b, 0).unwrap_or(0),
                two_digits(b, 2).unwrap_or(0),
                two_digits(b, 4).unwrap_or(0),
            );
            if !(1..=12).contains(&mm) {
                return format!(
                    "{raw} at {at}: expected a date YYMMDD, month {mm:02} does not exist"
                );
            }
            let y = infer_year(yy, mm, dd.max(1), kind, today);
            format!(
                "{raw} at {at}: {y:04}-{mm:02}-{dd:02} is not a calendar date (year read in {rule}, {today})"
            )
        }
    }
}

/// Every field check, for a text whose line count and lengths fit `f`.
fn evaluate<S: Sink>(inp: &Input, f: Format, today: Date, s: &mut S) -> Parsed {
    let l = layout(f);
    let b = &inp.buf;

    // Read first: the document code check depends on it.
    let expiry = read_date(l.expiry.bytes(b), Kind::Expiry, today);

    let code = [b[0][0], b[0][1]];
    let code_ok = document_code_ok(f, code) && !p_filler_too_late(f, code, expiry.date());
    s.push("document_code", code_ok, || {
        document_code_detail(inp, f, code_ok, expiry)
    });

    let state = [b[0][2], b[0][3], b[0][4]];
    let state_ok = codes::is_known(&state);
    s.push("issuing_state", state_ok, || {
        state_detail(inp, ISSUING_STATE, "issuing state", state_ok)
    });

    let name = l.name.bytes(b);
    // Bit 0: a letter; bit 1: neither a letter nor a filler. No early exit: vectorises.
    let seen = name.iter().fold(0u8, |acc, &c| {
        let letter = c.is_ascii_uppercase();
        acc | u8::from(letter) | (u8::from(!letter & (c != b'<')) << 1)
    });
    let names_ok = seen == 1;
    s.push("names", names_ok, || names_detail(inp, l.name, names_ok));

    // Every check digit in one pass when the lines are clean.
    let fast = if inp.all_mrz {
        dot_digits(
            b,
            [
                &l.w_number,
                &l.w_birth,
                &l.w_expiry,
                &l.w_optional,
                &l.w_composite,
            ],
        )
        .map(Some)
    } else {
        [None; 5]
    };

    let (long, optional) = number_check(s, inp, l, fast[0]);

    let nat_bytes = l.nationality.bytes(b);
    let nat = [
        nat_bytes.first().copied().unwrap_or(0),
        nat_bytes.get(1).copied().unwrap_or(0),
        nat_bytes.get(2).copied().unwrap_or(0),
    ];
    let nat_ok = codes::is_known(&nat);
    s.push("nationality", nat_ok, || {
        state_detail(inp, l.nationality, "nationality", nat_ok)
    });

    let birth = read_date(l.birth.bytes(b), Kind::Birth, today);
    s.push("birth_date", birth != DateVal::Invalid, || {
        date_detail(inp, l.birth, Kind::Birth, birth, today)
    });
    digit_check(
        s,
        inp,
        "birth_date_check_digit",
        "birth date",
        &[l.birth],
        fast[1],
        l.birth_cd,
        false,
        true,
    );

    let sex = l.sex.byte(b);
    let sex_ok = matches!(sex, b'M' | b'F' | b'X' | b'<');
    s.push("sex", sex_ok, || {
        let at = l.sex.describe();
        let c = inp.char_at(l.sex.line, l.sex.col);
        match sex {
            b'M' => format!("M at {at}: male"),
            b'F' => format!("F at {at}: female"),
            b'X' => format!("X at {at}: unspecified"),
            b'<' => format!("< at {at}: unspecified"),
            _ => format!("{c:?} at {at}: expected M, F, X or <"),
        }
    });

    s.push("expiry_date", matches!(expiry, DateVal::Valid(_)), || {
        date_detail(inp, l.expiry, Kind::Expiry, expiry, today)
    });
    digit_check(
        s,
        inp,
        "expiry_date_check_digit",
        "expiry date",
        &[l.expiry],
        fast[2],
        l.expiry_cd,
        false,
        true,
    );

    if let Some(cd) = l.optional_cd {
        digit_check(
            s,
            inp,
            "optional_data_check_digit",
            "personal number",
            &[l.optional],
            fast[3],
            cd,
            true,
            true,
        );
    }

    if let Some((segs, cd)) = l.composite {
        digit_check(
            s,
            inp,
            "composite_check_digit",
            "composite",
            segs,
            fast[4],
            cd,
            false,
            false,
        );
    }

    let birth_ok = match birth {
        DateVal::Valid(d) => d <= today,
        DateVal::Unknown => true,
        DateVal::Invalid => false,
    };
    s.push("birth_not_in_future", birth_ok, || match birth {
        DateVal::Valid(d) if birth_ok => format!("birth date {d} is not after today ({today})"),
        DateVal::Valid(d) => format!("birth date {d} is after today ({today})"),
        DateVal::Unknown => "birth date unknown: nothing to compare".to_owned(),
        DateVal::Invalid => "not checked: the birth date is not a valid date".to_owned(),
    });

    let order_ok = match (birth, expiry) {
        (DateVal::Valid(bd), DateVal::Valid(ed)) => ed > bd,
        (DateVal::Unknown, DateVal::Valid(_)) => true,
        _ => false,
    };
    s.push("expiry_after_birth", order_ok, || match (birth, expiry) {
        (DateVal::Valid(bd), DateVal::Valid(ed)) if order_ok => {
            format!("expiry date {ed} is after birth date {bd}")
        }
        (DateVal::Valid(bd), DateVal::Valid(ed)) => {
            format!("expected an expiry date after the birth date {bd}, found {ed}")
        }
        (DateVal::Unknown, DateVal::Valid(_)) => {
            "birth date unknown: nothing to compare".to_owned()
        }
        _ => "not checked: the birth or expiry date is not a valid date".to_owned(),
    });

    let specimen = state == *codes::SPECIMEN || nat == *codes::SPECIMEN;
    if specimen {
        s.push("specimen_state", true, || {
            "UTO is Utopia, ICAO's specimen state: this is a specimen, not a real document"
                .to_owned()
        });
    }

    Parsed {
        format: f,
        birth,
        expiry,
        long,
        optional,
        specimen,
    }
}

/// Splits a name field at `<<`; `<` inside a part becomes a space.
pub(crate) fn parse_names(field: &str) -> Names {
    let truncated = field.chars().last().is_some_and(|c| c != '<');
    let trimmed = field.trim_end_matches('<');
    let (primary, secondary) = trimmed.split_once("<<").unwrap_or((trimmed, ""));
    let words = |s: &str| {
        s.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Names {
        primary: words(primary),
        secondary: words(secondary),
        truncated,
    }
}

/// The fields, as much as could be read.
pub(crate) fn fields(inp: &Input, p: &Parsed) -> Fields {
    let l = layout(p.format);
    let text = |sp: Span| inp.text(sp.line, sp.start, sp.len);
    let trimmed = |sp: Span| text(sp).trim_end_matches('<').to_owned();

    let document_number = match p.long {
        Some((rest, _)) => format!("{}{}", text(l.number), text(rest)),
        None => trimmed(l.number),
    };
    let optional_data = match l.optional2 {
        Some(o2) => {
            let second = trimmed(o2);
            if second.is_empty() {
                trimmed(p.optional)
            } else {
                format!("{}{second}", text(p.optional))
            }
        }
        None => trimmed(p.optional),
    };
    Fields {
        format: p.format,
        document_code: trimmed(DOCUMENT_CODE),
        issuing_state: trimmed(ISSUING_STATE),
        names: parse_names(&text(l.name)),
        document_number,
        nationality: trimmed(l.nationality),
        birth_date: p.birth.date(),
        sex: text(l.sex.span()),
        expiry_date: p.expiry.date(),
        optional_data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn centuries() {
        let today = date(2026, 11, 23);
        assert_eq!(infer_year(26, 11, 23, Kind::Birth, today), 2026);
        assert_eq!(infer_year(26, 11, 24, Kind::Birth, today), 1926);
        assert_eq!(infer_year(74, 8, 12, Kind::Birth, today), 1974);
        assert_eq!(infer_year(0, 1, 1, Kind::Birth, today), 2000);
        assert_eq!(infer_year(12, 4, 15, Kind::Expiry, today), 2012);
        assert_eq!(infer_year(94, 6, 23, Kind::Expiry, today), 1994);
        assert_eq!(infer_year(70, 1, 1, Kind::Expiry, today), 2070);
        assert_eq!(infer_year(80, 1, 1, Kind::Expiry, today), 1980);
        assert_eq!(infer_year(36, 1, 1, Kind::Expiry, today), 2036);
    }

    proptest::proptest! {
        /// The one-pass weight tables agree with the span-by-span computation.
        #[test]
        fn weight_tables_match_spans(
            lines in proptest::collection::vec("[A-Z0-9<]{44}", 3),
            f in proptest::sample::select(vec![
                Format::Td1, Format::Td2, Format::Td3, Format::MrvA, Format::MrvB,
            ]),
        ) {
            let text = lines.iter().map(|l| &l[..f.shape().1]).take(f.shape().0)
                .collect::<Vec<_>>().join("\n");
            let inp = Input::new(&text);
            proptest::prop_assert!(inp.all_mrz);
            let l = layout(f);
            let fast = dot_digits(
                &inp.buf,
                [&l.w_number, &l.w_birth, &l.w_expiry, &l.w_optional, &l.w_composite],
            );
            let b = &inp.buf;
            proptest::prop_assert_eq!(Some(fast[0]), digit_over(b, &[l.number]));
            proptest::prop_assert_eq!(Some(fast[1]), digit_over(b, &[l.birth]));
            proptest::prop_assert_eq!(Some(fast[2]), digit_over(b, &[l.expiry]));
            if l.optional_cd.is_some() {
                proptest::prop_assert_eq!(Some(fast[3]), digit_over(b, &[l.optional]));
            }
            if let Some((segs, _)) = l.composite {
                proptest::prop_assert_eq!(Some(fast[4]), digit_over(b, segs));
            }
        }
    }

    #[test]
    fn day_numbers() {
        assert_eq!(days(1970, 1, 1), 0);
        assert_eq!(days(2000, 3, 1), 11_017);
        assert_eq!(days(1969, 12, 31), -1);
    }
}
