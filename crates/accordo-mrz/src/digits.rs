//! Character values and the 7-3-1 check digit.

use crate::input::MAX;
use crate::layout::Weights;

/// Whether the byte is in the MRZ character set (`A`–`Z`, `0`–`9`, `<`). Plain range
/// tests, so that loops over lines vectorise.
#[inline]
pub(crate) fn is_mrz_byte(b: u8) -> bool {
    b.is_ascii_uppercase() | b.is_ascii_digit() | (b == b'<')
}

/// Whether every byte is in the MRZ character set (no early exit: vectorises).
#[inline]
pub(crate) fn all_mrz(s: &[u8]) -> bool {
    s.iter().fold(true, |ok, &b| ok & is_mrz_byte(b))
}

/// The value of a check-digit character: `0`–`9` only.
#[inline]
pub(crate) fn digit_value(b: u8) -> Option<u8> {
    b.is_ascii_digit().then(|| b - b'0')
}

/// A running 7-3-1 sum, so that a check digit can span several fields.
#[derive(Clone, Copy)]
pub(crate) struct Acc {
    sum: u64,
    /// Characters fed so far (the next weight is `WEIGHTS[n % 3]`).
    n: usize,
}

/// Weights 7, 3, 1 repeated, so that `&WEIGHTS[phase..]` covers a chunk of [`CHUNK`].
const WEIGHTS: [u32; CHUNK + 2] = {
    let mut w = [0u32; CHUNK + 2];
    let mut i = 0;
    while i < CHUNK + 2 {
        w[i] = [7, 3, 1][i % 3];
        i += 1;
    }
    w
};

/// A multiple of 3, so that the weights' phase carries over from chunk to chunk.
const CHUNK: usize = 48;

/// The value of a byte known to be in the set: `0`–`9` → 0–9, `A`–`Z` → 10–35, `<` → 0.
/// Branch-free arithmetic, so that loops vectorise.
#[inline]
pub(crate) fn value(b: u8) -> u8 {
    let d = b.wrapping_sub(b'0');
    let letter = u8::from(b >= b'A');
    let filler = u8::from(b == b'<');
    d.wrapping_sub(7 * letter).wrapping_mul(1 - filler)
}

/// The check digits of lines known to be in the character set, one per weight table, in a
/// single pass: fixed-size dot products, which vectorise.
#[inline]
pub(crate) fn dot_digits<const K: usize>(
    lines: &[[u8; MAX]; 3],
    weights: [&Weights; K],
) -> [u8; K] {
    let mut sums = [0u32; K];
    for (r, line) in lines.iter().enumerate() {
        if !weights.iter().any(|w| w.rows[r]) {
            continue;
        }
        let values = line.map(value);
        for (sum, w) in sums.iter_mut().zip(&weights) {
            // At most 44 × 35 × 7 = 10 780 per line: u16 is enough.
            let s = values.iter().zip(&w.table[r]).fold(0u16, |s, (&v, &w)| {
                s.wrapping_add(u16::from(v) * u16::from(w))
            });
            *sum += u32::from(s);
        }
    }
    sums.map(|s| (s % 10) as u8)
}

/// The 7-3-1 sum of at most `CHUNK` valid bytes.
#[inline]
fn weighted(s: &[u8], weights: &[u32]) -> u32 {
    s.iter()
        .zip(weights)
        .map(|(&b, &w)| u32::from(value(b)) * w)
        .sum()
}

impl Acc {
    pub(crate) const fn new() -> Self {
        Acc { sum: 0, n: 0 }
    }

    /// Adds bytes; `None` on a byte outside the character set.
    #[inline]
    pub(crate) fn feed(&mut self, s: &[u8]) -> Option<()> {
        if !all_mrz(s) {
            return None;
        }
        let weights = &WEIGHTS[self.n % 3..];
        if s.len() <= CHUNK {
            self.sum += u64::from(weighted(s, weights));
        } else {
            for chunk in s.chunks(CHUNK) {
                self.sum += u64::from(weighted(chunk, weights));
            }
        }
        self.n += s.len();
        Some(())
    }

    #[inline]
    pub(crate) fn digit(&self) -> u8 {
        (self.sum % 10) as u8
    }
}

/// The Doc 9303 check digit of `s` (weights 7, 3, 1; `<` = 0, `A`–`Z` = 10–35), as the
/// number 0–9 (not its ASCII code). `None` on a byte outside `A`–`Z`, `0`–`9`, `<`.
///
/// ```
/// assert_eq!(accordo_mrz::check_digit(b"520727"), Some(3));
/// assert_eq!(accordo_mrz::check_digit(b"AB2134<<<"), Some(5));
/// assert_eq!(accordo_mrz::check_digit(b"ab"), None);
/// ```
pub fn check_digit(s: &[u8]) -> Option<u8> {
    let mut acc = Acc::new();
    acc.feed(s)?;
    Some(acc.digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part3_examples() {
        assert_eq!(check_digit(b"520727"), Some(3));
        assert_eq!(check_digit(b"AB2134<<<"), Some(5));
        assert_eq!(check_digit(b""), Some(0));
        assert_eq!(check_digit(b"<<<<<<"), Some(0));
        assert_eq!(check_digit(b"L898902C3"), Some(6));
        assert_eq!(
            check_digit(b"HA672242<658022549601086<<<<<<<<<<<<<<0"),
            Some(8)
        );
        assert_eq!(check_digit(b"a"), None);
        assert_eq!(check_digit("É".as_bytes()), None);
    }

    #[test]
    fn belgian_conventions() {
        // R2: filler included vs excluded.
        assert_eq!(check_digit(b"000590240<601"), Some(3));
        assert_eq!(check_digit(b"600001795015"), Some(2));
        assert_eq!(check_digit(b"D23145890734"), Some(9));
        assert_eq!(check_digit(b"D23145890<734"), Some(9));
    }
}
