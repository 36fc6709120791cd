//! The checks. One code path serves both the full report (details built) and the fast
//! verdict (details never built: the closures are not called).

use jiff::civil::Date;

use crate::digits::{Acc, digit_value, dot_digits, is_mrz_byte};
use crate::input::{Input, MAX};
use crate::layout::{DOCUMENT_CODE, ISSUING_STATE, Layout, Pos, Span, layout};
use crate::message::{Message, msg};
use crate::{Check, Fields, Format, Names, codes};

/// Receives each check. `detail` is called only by sinks that keep details.
pub(crate) trait Sink {
    fn push<F: FnOnce() -> Message>(&mut self, name: &'static str, ok: bool, detail: F);
}

/// Keeps only the verdict.
pub(crate) struct Fast {
    pub ok: bool,
}

impl Sink for Fast {
    #[inline(always)]
    fn push<F: FnOnce() -> Message>(&mut self, _name: &'static str, ok: bool, _detail: F) {
        self.ok &= ok;
    }
}

/// Keeps every check with its detail.
pub(crate) struct Full {
    pub checks: Vec<Check>,
}

impl Sink for Full {
    fn push<F: FnOnce() -> Message>(&mut self, name: &'static str, ok: bool, detail: F) {
        let message = detail();
        self.checks.push(Check {
            name,
            ok,
            detail: message.english(),
            message,
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
            msg!("documents-mrz-line-count-ok", count = n.to_string())
        } else {
            msg!("documents-mrz-line-count-bad", count = n.to_string())
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

fn length_detail(inp: &Input, format: Option<Format>) -> Message {
    let shown = inp.count.min(3);
    let lens: Vec<String> = inp.lens[..shown].iter().map(|l| l.to_string()).collect();
    match format {
        Some(f) => {
            let (lines, len) = f.shape();
            let bad: Vec<Message> = inp.lens[..shown]
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != len)
                .map(|(i, l)| {
                    msg!(
                        "documents-mrz-line-has",
                        line = (i + 1).to_string(),
                        length = l.to_string()
                    )
                })
                .collect();
            let (format, lines, length) = (f.label(), lines.to_string(), len.to_string());
            if bad.is_empty() && inp.count == f.shape().0 {
                msg!(
                    "documents-mrz-length-ok",
                    format = format,
                    lines = lines,
                    length = length
                )
            } else if bad.is_empty() {
                msg!(
                    "documents-mrz-length-needs",
                    format = format,
                    lines = lines,
                    length = length
                )
            } else {
                msg!(
                    "documents-mrz-length-needs-bad",
                    format = format,
                    lines = lines,
                    length = length,
                    bad = Message::joined(bad, "documents-mrz-comma"),
                )
            }
        }
        None => msg!("documents-mrz-length-no-format", lengths = lens.join(", ")),
    }
}

fn charset_detail(inp: &Input) -> Message {
    let shown = inp.count.min(3);
    let bad: Vec<Message> = inp.lines[..shown]
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.chars()
                .enumerate()
                .find(|(_, c)| !(c.is_ascii() && is_mrz_byte(*c as u8)))
                .map(|(col, c)| {
                    msg!(
                        "documents-mrz-charset-at",
                        line = (i + 1).to_string(),
                        column = (col + 1).to_string(),
                        char = format!("{c:?}"),
                    )
                })
        })
        .collect();
    if bad.is_empty() {
        msg!("documents-mrz-charset-ok")
    } else {
        msg!(
            "documents-mrz-charset-bad",
            bad = Message::joined(bad, "documents-mrz-semicolon")
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

fn document_code_detail(inp: &Input, f: Format, ok: bool, expiry: DateVal) -> Message {
    let text = inp.text(0, 0, 2);
    let at = DOCUMENT_CODE.describe();
    let expected = match f {
        Format::Td3 => msg!("documents-mrz-code-expect-td3"),
        Format::Td1 | Format::Td2 => msg!("documents-mrz-code-expect-id"),
        Format::MrvA | Format::MrvB => msg!("documents-mrz-code-expect-visa"),
    };
    if let (false, DateVal::Valid(d)) = (ok, expiry)
        && p_filler_too_late(f, [inp.buf[0][0], inp.buf[0][1]], Some(d))
    {
        return msg!(
            "documents-mrz-code-filler-late",
            at = at,
            before = P_FILLER_EXPIRES_BEFORE.to_string(),
            expiry = d.to_string(),
        );
    }
    let code = if ok { text } else { format!("{text:?}") };
    let out = msg!(
        "documents-mrz-code-expects",
        code = code,
        at = at,
        format = f.label(),
        expected = expected,
    );
    if ok && f == Format::Td3 {
        let second = inp.buf[0][1];
        if second != b'<' && !PASSPORT_SECOND.contains(&second) {
            return msg!("documents-mrz-code-not-part4", detail = out);
        } else if second == b'<' {
            return msg!("documents-mrz-code-filler-ok", detail = out);
        }
    }
    out
}

fn state_detail(inp: &Input, span: Span, what: Message, ok: bool) -> Message {
    let raw = inp.text(span.line, span.start, span.len);
    let code = raw.trim_end_matches('<');
    let at = span.describe();
    if ok {
        let name = codes::name_of(code).unwrap_or("");
        msg!(
            "documents-mrz-state-ok",
            what = what,
            code = raw.as_str(),
            at = at,
            name = name
        )
    } else {
        msg!(
            "documents-mrz-state-bad",
            what = what,
            code = format!("{raw:?}"),
            at = at
        )
    }
}

fn names_detail(inp: &Input, span: Span, ok: bool) -> Message {
    let at = span.describe();
    if ok {
        let names = parse_names(&inp.text(span.line, span.start, span.len));
        let out = msg!(
            "documents-mrz-names-ok",
            at = at,
            primary = format!("{:?}", names.primary),
            secondary = format!("{:?}", names.secondary),
        );
        if names.truncated {
            return msg!("documents-mrz-names-truncated", detail = out);
        }
        return out;
    }
    let bad = inp
        .text(span.line, span.start, span.len)
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_uppercase() || *c == '<'));
    match bad {
        Some((i, c)) => msg!(
            "documents-mrz-names-bad-char",
            at = at,
            char = format!("{c:?}"),
            line = (span.line + 1).to_string(),
            column = (span.start + i + 1).to_string(),
        ),
        None => msg!("documents-mrz-names-fillers", at = at),
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

fn describe_segs(segs: &[Span]) -> Message {
    Message::joined(
        segs.iter().map(|s| s.describe()).collect(),
        "documents-mrz-plus",
    )
}

/// A check digit over `segs` at `cd`. With `empty_ok`, an all-filler field may have `<` or
/// `0`.
#[allow(clippy::too_many_arguments)]
fn digit_check<S: Sink>(
    s: &mut S,
    inp: &Input,
    name: &'static str,
    what: Message,
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
            msg!(
                "documents-mrz-field-named",
                what = what,
                value = inp.text(sp.line, sp.start, sp.len),
                at = sp.describe(),
            )
        } else {
            msg!(
                "documents-mrz-field-over",
                what = what,
                at = describe_segs(segs)
            )
        };
        let at = cd.describe();
        let found_c = format!("{:?}", inp.char_at(cd.line, cd.col));
        match computed {
            _ if empty && ok => msg!(
                "documents-mrz-digit-empty",
                field = field,
                found = found_c,
                at = at
            ),
            None => match first_bad(inp, segs) {
                Some((l, c, ch)) => msg!(
                    "documents-mrz-digit-uncomputable-at",
                    field = field,
                    char = format!("{ch:?}"),
                    line = (l + 1).to_string(),
                    column = (c + 1).to_string(),
                ),
                None => msg!("documents-mrz-digit-uncomputable", field = field),
            },
            Some(c) if ok => msg!(
                "documents-mrz-digit-right",
                field = field,
                digit = c.to_string(),
                at = at
            ),
            Some(c) => msg!(
                "documents-mrz-digit-wrong",
                field = field,
                digit = c.to_string(),
                found = found_c,
                at = at,
            ),
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
                msg!(
                    "documents-mrz-long-no-continuation",
                    at = l.number_cd.describe(),
                    optional = l.optional.describe(),
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
                msg!(
                    "documents-mrz-long-too-short",
                    at = l.number_cd.describe(),
                    optional = o.describe(),
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
            let field = msg!(
                "documents-mrz-field-long",
                number = number,
                first = l.number.describe(),
                rest = rest.describe(),
                marker = l.number_cd.describe(),
            );
            let at = cd.describe();
            let found_c = inp.char_at(cd.line, cd.col);
            match icao {
                None => msg!("documents-mrz-long-uncomputable", field = field),
                Some(c) if icao_ok => {
                    msg!(
                        "documents-mrz-long-right",
                        field = field,
                        digit = c.to_string(),
                        at = at
                    )
                }
                Some(c) if bel_ok => msg!(
                    "documents-mrz-long-belgian",
                    field = field,
                    found = found_c.to_string(),
                    at = at,
                    digit = c.to_string(),
                ),
                Some(c) => {
                    let d = msg!(
                        "documents-mrz-digit-wrong",
                        field = field,
                        digit = c.to_string(),
                        found = format!("{found_c:?}"),
                        at = at,
                    );
                    match (belgian, with_filler) {
                        (true, Some(w)) => {
                            msg!(
                                "documents-mrz-long-wrong-belgian",
                                detail = d,
                                other = w.to_string()
                            )
                        }
                        _ => d,
                    }
                }
            }
        });
        return (Some((rest, cd)), region);
    }
    digit_check(
        s,
        inp,
        NAME,
        msg!("documents-mrz-what-document-number"),
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

fn date_detail(inp: &Input, span: Span, kind: Kind, val: DateVal, today: Date) -> Message {
    let raw = inp.text(span.line, span.start, span.len);
    let at = span.describe();
    let rule = || match kind {
        Kind::Birth => msg!("documents-mrz-rule-birth"),
        Kind::Expiry => msg!("documents-mrz-rule-expiry"),
    };
    let today_text = today.to_string();
    match val {
        DateVal::Unknown if kind == Kind::Birth => {
            msg!("documents-mrz-date-birth-unknown", raw = raw, at = at)
        }
        DateVal::Unknown => msg!("documents-mrz-date-unknown-not-allowed", raw = raw, at = at),
        DateVal::Valid(d) => {
            let out = msg!(
                "documents-mrz-date-read",
                raw = raw,
                at = at,
                date = d.to_string(),
                rule = rule(),
                today = today_text,
            );
            if kind == Kind::Expiry && d < today {
                return msg!("documents-mrz-date-expired", detail = out);
            }
            out
        }
        DateVal::Invalid => {
            let b = span.bytes(&inp.buf);
            if let Some(i) = b.iter().position(|c| !c.is_ascii_digit()) {
                return msg!(
                    "documents-mrz-date-bad-char",
                    raw = format!("{raw:?}"),
                    at = at,
                    char = format!("{:?}", inp.char_at(span.line, span.start + i)),
                    line = (span.line + 1).to_string(),
                    column = (span.start + i + 1).to_string(),
                );
            }
            let (yy, mm, dd) = (
                two_digits(b, 0).unwrap_or(0),
                two_digits(b, 2).unwrap_or(0),
                two_digits(b, 4).unwrap_or(0),
            );
            if !(1..=12).contains(&mm) {
                return msg!(
                    "documents-mrz-date-bad-month",
                    raw = raw,
                    at = at,
                    month = format!("{mm:02}"),
                );
            }
            let y = infer_year(yy, mm, dd.max(1), kind, today);
            msg!(
                "documents-mrz-date-not-calendar",
                raw = raw,
                at = at,
                date = format!("{y:04}-{mm:02}-{dd:02}"),
                rule = rule(),
                today = today_text,
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
        state_detail(
            inp,
            ISSUING_STATE,
            msg!("documents-mrz-what-issuing-state"),
            state_ok,
        )
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
        state_detail(
            inp,
            l.nationality,
            msg!("documents-mrz-what-nationality"),
            nat_ok,
        )
    });

    let birth = read_date(l.birth.bytes(b), Kind::Birth, today);
    s.push("birth_date", birth != DateVal::Invalid, || {
        date_detail(inp, l.birth, Kind::Birth, birth, today)
    });
    digit_check(
        s,
        inp,
        "birth_date_check_digit",
        msg!("documents-mrz-what-birth"),
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
            b'M' => msg!("documents-mrz-sex-m", at = at),
            b'F' => msg!("documents-mrz-sex-f", at = at),
            b'X' => msg!("documents-mrz-sex-x", at = at),
            b'<' => msg!("documents-mrz-sex-filler", at = at),
            _ => msg!("documents-mrz-sex-bad", char = format!("{c:?}"), at = at),
        }
    });

    s.push("expiry_date", matches!(expiry, DateVal::Valid(_)), || {
        date_detail(inp, l.expiry, Kind::Expiry, expiry, today)
    });
    digit_check(
        s,
        inp,
        "expiry_date_check_digit",
        msg!("documents-mrz-what-expiry"),
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
            msg!("documents-mrz-what-personal-number"),
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
            msg!("documents-mrz-what-composite"),
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
        DateVal::Valid(d) if birth_ok => {
            msg!(
                "documents-mrz-birth-past",
                birth = d.to_string(),
                today = today.to_string()
            )
        }
        DateVal::Valid(d) => {
            msg!(
                "documents-mrz-birth-future",
                birth = d.to_string(),
                today = today.to_string()
            )
        }
        DateVal::Unknown => msg!("documents-mrz-birth-unknown"),
        DateVal::Invalid => msg!("documents-mrz-birth-invalid"),
    });

    let order_ok = match (birth, expiry) {
        (DateVal::Valid(bd), DateVal::Valid(ed)) => ed > bd,
        (DateVal::Unknown, DateVal::Valid(_)) => true,
        _ => false,
    };
    s.push("expiry_after_birth", order_ok, || match (birth, expiry) {
        (DateVal::Valid(bd), DateVal::Valid(ed)) if order_ok => {
            msg!(
                "documents-mrz-order-ok",
                expiry = ed.to_string(),
                birth = bd.to_string()
            )
        }
        (DateVal::Valid(bd), DateVal::Valid(ed)) => {
            msg!(
                "documents-mrz-order-bad",
                birth = bd.to_string(),
                expiry = ed.to_string()
            )
        }
        (DateVal::Unknown, DateVal::Valid(_)) => msg!("documents-mrz-birth-unknown"),
        _ => msg!("documents-mrz-order-invalid"),
    });

    let specimen = state == *codes::SPECIMEN || nat == *codes::SPECIMEN;
    if specimen {
        s.push("specimen_state", true, || msg!("documents-mrz-specimen"));
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
