//! The fast path of [`crate::validate`] for its common case: a TD3 passport MRZ written as
//! exactly two lines of 44 characters of the MRZ set, the first starting with `P`, joined by
//! `\n` or `\r\n` (and at most one line ending after them), nothing around them.
//!
//! For that shape the general splitter would find exactly these two lines, untrimmed, so the
//! checks can read fixed offsets: one pass per line for the character set, the check digits
//! as one packed multiply-add per column ([`TD3_PACKED`]), dates as integers, no allocation.
//! Anything else (another shape, a byte outside the set, a visa) answers `None` and takes
//! the general path, the checks [`crate::check`] runs. The property test
//! `validate_agrees_with_check_on_td3` (tests/properties.rs) holds this path to `check`'s
//! verdict: valid TD3s, one byte changed, dates at the century and `P<` boundaries, line
//! endings and whitespace around.

use jiff::civil::Date;

use crate::codes;
use crate::digits::{is_mrz_byte, value};
use crate::eval::{Kind, infer_year};
use crate::input::MAX;
use crate::layout::{TD3_PACKED, TD3_SHIFTS};

/// `Some(check(text, today).valid)` when `text` has the shape above, else `None`.
#[inline]
pub(crate) fn validate(text: &[u8], today: Date) -> Option<bool> {
    let (l1, l2) = split(text)?;
    fields_ok(l1, l2, today)
}

/// The two lines, if the text is `L1 (\r)\n L2 [(\r)\n]` with lines of 44 bytes.
#[inline]
fn split(text: &[u8]) -> Option<(&[u8; MAX], &[u8; MAX])> {
    let text = match text {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => rest,
        _ => text,
    };
    let (l1, rest) = text.split_first_chunk::<MAX>()?;
    let l2 = match rest {
        [b'\r', b'\n', l2 @ ..] | [b'\n', l2 @ ..] => l2,
        _ => return None,
    };
    Some((l1, l2.try_into().ok()?))
}

/// A date as one comparable integer (month and day below 512).
#[inline]
const fn pack(y: i32, m: i32, d: i32) -> i32 {
    y * 512 + m * 32 + d
}

/// The general path's `read_date`, with dates [`pack`]ed.
#[derive(Clone, Copy)]
enum DateVal {
    Unknown,
    Valid(i32),
    Invalid,
}

/// A line padded with `<` to three 16-byte vectors.
const PADDED: usize = 48;

/// 1 at the columns of line 1 that hold the name (6-44), else 0.
const NAME_COLS: [u8; PADDED] = cols(5, 44);
/// 1 at the columns of line 2 that hold the personal number (29-42), else 0.
const OPTIONAL_COLS: [u8; PADDED] = cols(28, 42);

const fn cols(start: usize, end: usize) -> [u8; PADDED] {
    let mut m = [0u8; PADDED];
    let mut i = start;
    while i < end {
        m[i] = 1;
        i += 1;
    }
    m
}

#[inline]
fn padded(line: &[u8; MAX]) -> [u8; PADDED] {
    let mut p = [b'<'; PADDED];
    p[..MAX].copy_from_slice(line);
    p
}

/// The or of `f` over the columns: lane by lane over 16-byte blocks, branch-free, so that
/// it compiles to a few vector instructions per block.
#[inline(always)]
fn any(line: &[u8; PADDED], mask: &[u8; PADDED], f: impl Fn(u8, u8) -> u8) -> u8 {
    let mut acc = [0u8; 16];
    let (lines, _) = line.as_chunks::<16>();
    let (masks, _) = mask.as_chunks::<16>();
    for (l, m) in lines.iter().zip(masks) {
        for ((a, &b), &m) in acc.iter_mut().zip(l).zip(m) {
            *a |= f(b, m);
        }
    }
    acc.iter().fold(0, |a, &b| a | b)
}

/// The flags of line 1: bit 0, a byte outside the set; bit 1, a digit in the name; bit 2, a
/// letter in the name.
#[inline]
fn line1_flags(line: &[u8; PADDED]) -> u8 {
    any(line, &NAME_COLS, |b, m| {
        let digit = u8::from(b.wrapping_sub(b'0') < 10);
        let letter = u8::from(b.wrapping_sub(b'A') < 26);
        u8::from(!is_mrz_byte(b)) | ((digit & m) << 1) | ((letter & m) << 2)
    })
}

/// The flags of line 2: bit 0, a byte outside the set; bit 1, a byte other than `<` in the
/// personal number.
#[inline]
fn line2_flags(line: &[u8; PADDED]) -> u8 {
    any(line, &OPTIONAL_COLS, |b, m| {
        u8::from(!is_mrz_byte(b)) | ((u8::from(b != b'<') & m) << 1)
    })
}

/// Six bytes as the low 48 bits of a little-endian integer (the first byte lowest).
#[inline]
fn word6(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..6].copy_from_slice(&b[..6]);
    u64::from_le_bytes(w)
}

/// `today` as [`pack`] and its century, for the two-digit years.
#[derive(Clone, Copy)]
struct Today {
    date: Date,
    packed: i32,
    year: i32,
    century: i32,
}

const ONES6: u64 = 0x0101_0101_0101;

/// The general path's `read_date` for a six-byte field (see [`word6`]) known to be in the
/// character set, with `infer_year`'s clear cases worked out inline.
#[inline]
fn read_date(field: u64, kind: Kind, t: Today) -> DateVal {
    if field == b'<' as u64 * ONES6 {
        return DateVal::Unknown;
    }
    // Every byte 0x30-0x39: high nibble 3, and still 3 after adding 6.
    let nibbles = 0xF0 * ONES6;
    if field & nibbles != 0x30 * ONES6 || (field + 6 * ONES6) & nibbles != 0x30 * ONES6 {
        return DateVal::Invalid;
    }
    // Digit values, then tens × 10 + units in the even bytes (at most 99: no carry).
    let d = field - 0x30 * ONES6;
    let pairs = d * 10 + (d >> 8);
    let yy = (pairs & 0xFF) as i32;
    let mm = ((pairs >> 16) & 0xFF) as i32;
    let dd = ((pairs >> 32) & 0xFF) as i32;
    if !(1..=12).contains(&mm) || !(1..=31).contains(&dd) {
        return DateVal::Invalid;
    }
    let y = t.century + yy;
    let y = match kind {
        Kind::Birth if pack(y, mm, dd) > t.packed => y - 100,
        Kind::Birth => y,
        Kind::Expiry => match y - t.year {
            -48..=48 => y,
            52.. => y - 100,
            ..=-52 => y + 100,
            _ => infer_year(yy, mm, dd, kind, t.date),
        },
    };
    // The day exists in every month up to the 28th; beyond, and out of jiff's range of
    // years, ask jiff, as the general path does.
    let exists = if dd <= 28 && (-9999..=9999).contains(&y) {
        true
    } else {
        // mm and dd are in range for i8.
        i16::try_from(y).is_ok_and(|y| Date::new(y, mm as i8, dd as i8).is_ok())
    };
    if exists {
        DateVal::Valid(pack(y, mm, dd))
    } else {
        DateVal::Invalid
    }
}

/// The first expiry date a passport with `P<` may not have, as [`pack`]
/// ([`crate::eval::P_FILLER_EXPIRES_BEFORE`]; a test holds them equal).
const P_FILLER_LIMIT: i32 = pack(2038, 1, 1);

/// Every check of a TD3, for two lines of 44 bytes; `None` when a byte is outside the
/// character set or line 1 does not start with `P` (the general path reports those).
#[inline]
fn fields_ok(l1: &[u8; MAX], l2: &[u8; MAX], today: Date) -> Option<bool> {
    let (p1, p2) = (padded(l1), padded(l2));
    let (f1, f2) = (line1_flags(&p1), line2_flags(&p2));
    if (f1 | f2) & 1 != 0 || l1[0] != b'P' {
        return None;
    }
    let ty = i32::from(today.year());
    let t = Today {
        date: today,
        packed: pack(ty, i32::from(today.month()), i32::from(today.day())),
        year: ty,
        century: ty - ty.rem_euclid(100),
    };

    // Line 1: document code, issuing state, names (no digit, a letter).
    let code_ok = l1[1] == b'<' || l1[1].is_ascii_uppercase();
    let state_ok = codes::is_known(&[l1[2], l1[3], l1[4]]);
    let names_ok = f1 & 0b110 == 0b100;

    // Line 2: the five check digits in one multiply-add per column.
    let values = p2.map(value);
    let sums = values
        .iter()
        .zip(&TD3_PACKED)
        .fold(0u64, |acc, (&v, &k)| acc + u64::from(v) * k);
    let digit = |f: usize| b'0' + (((sums >> TD3_SHIFTS[f]) & 0xFFF) % 10) as u8;
    let composite = b'0' + ((sums >> TD3_SHIFTS[4]) % 10) as u8;
    let number_ok = l2[9] == digit(0);
    let birth_cd_ok = l2[19] == digit(1);
    let expiry_cd_ok = l2[27] == digit(2);
    let optional_empty = f2 & 2 == 0;
    let optional_ok = l2[42] == digit(3) || (optional_empty && (l2[42] == b'<' || l2[42] == b'0'));
    let composite_ok = l2[43] == composite;

    let nationality_ok = codes::is_known(&[l2[10], l2[11], l2[12]]);
    let sex_ok = matches!(l2[20], b'M' | b'F' | b'X' | b'<');

    let birth = read_date(word6(&l2[13..19]), Kind::Birth, t);
    let DateVal::Valid(expiry) = read_date(word6(&l2[21..27]), Kind::Expiry, t) else {
        return Some(false);
    };
    // `P<` only on a passport that expires before 2038.
    let code_ok = code_ok && !(l1[1] == b'<' && expiry >= P_FILLER_LIMIT);
    let dates_ok = match birth {
        DateVal::Valid(birth) => birth <= t.packed && expiry > birth,
        DateVal::Unknown => true,
        DateVal::Invalid => false,
    };

    Some(
        code_ok
            & state_ok
            & names_ok
            & number_ok
            & birth_cd_ok
            & expiry_cd_ok
            & optional_ok
            & composite_ok
            & nationality_ok
            & sex_ok
            & dates_ok,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::P_FILLER_EXPIRES_BEFORE;

    #[test]
    fn p_filler_limit() {
        let d = P_FILLER_EXPIRES_BEFORE;
        let packed = pack(
            i32::from(d.year()),
            i32::from(d.month()),
            i32::from(d.day()),
        );
        assert_eq!(P_FILLER_LIMIT, packed);
    }

    #[test]
    fn shapes() {
        let l1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
        let l2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let today = jiff::civil::date(2026, 11, 23);
        for sep in ["\n", "\r\n"] {
            for end in ["", "\n", "\r\n"] {
                let text = format!("{l1}{sep}{l2}{end}");
                assert!(validate(text.as_bytes(), today).is_some(), "{text:?}");
            }
        }
        for text in [
            format!(" {l1}\n{l2}"),
            format!("{l1}\n{l2} "),
            format!("{l1}\n\n{l2}"),
            format!("{l1}\r{l2}"),
            format!("{l1}\n{l2}\n\n"),
            format!("{l1}\n{l2}\r"),
            format!("{l1}\n{l2}<"),
            format!("V{}\n{l2}", &l1[1..]),
            format!("{l1}\n{}a", &l2[..43]),
        ] {
            assert!(validate(text.as_bytes(), today).is_none(), "{text:?}");
        }
    }
}
