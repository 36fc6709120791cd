//! Splitting the text into lines, without allocating.

use crate::digits::all_mrz;

/// The longest MRZ line.
pub(crate) const MAX: usize = 44;

/// Byte standing for a non-ASCII character in the buffers (outside the character set).
const NON_ASCII: u8 = 0x80;

pub(crate) struct Input<'a> {
    /// The first three non-blank lines, trimmed.
    pub lines: [&'a str; 3],
    /// How many non-blank lines there are (may exceed 3).
    pub count: usize,
    /// Length of each of the first three lines, in characters.
    pub lens: [usize; 3],
    /// The first 44 characters of each line, one byte per character (non-ASCII → 0x80),
    /// padded with `<`.
    pub buf: [[u8; MAX]; 3],
    /// Whether each of the first three lines holds only `A`–`Z`, `0`–`9` and `<`.
    pub charset_ok: [bool; 3],
    /// Every line (of the first three) holds only `A`–`Z`, `0`–`9` and `<`.
    pub all_mrz: bool,
}

impl<'a> Input<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        // Lines end with LF (a CR before it is trimmed as whitespace); a text without LF
        // is split at CR.
        let inp = Self::split(text, '\n');
        if inp.count <= 1 && text.contains('\r') {
            Self::split(text, '\r')
        } else {
            inp
        }
    }

    fn split(text: &'a str, sep: char) -> Self {
        let mut inp = Input {
            lines: [""; 3],
            count: 0,
            lens: [0; 3],
            buf: [[b'<'; MAX]; 3],
            charset_ok: [true; 3],
            all_mrz: false,
        };
        for line in text.split(sep) {
            let mut line = line.trim_ascii();
            if line.bytes().next().is_some_and(|b| !b.is_ascii())
                || line.bytes().last().is_some_and(|b| !b.is_ascii())
            {
                line = line.trim();
            }
            if line.is_empty() {
                continue;
            }
            if let (Some(slot), Some(len), Some(buf)) = (
                inp.lines.get_mut(inp.count),
                inp.lens.get_mut(inp.count),
                inp.buf.get_mut(inp.count),
            ) {
                *slot = line;
                let bytes = line.as_bytes();
                // The character set implies ASCII.
                let mrz = all_mrz(bytes);
                if let Ok(full) = <&[u8; MAX]>::try_from(bytes) {
                    *buf = *full;
                } else {
                    let m = bytes.len().min(MAX);
                    buf[..m].copy_from_slice(&bytes[..m]);
                }
                if let Some(c) = inp.charset_ok.get_mut(inp.count) {
                    *c = mrz;
                }
                if mrz || line.is_ascii() {
                    *len = line.len();
                } else {
                    *buf = [b'<'; MAX];
                    let mut n = 0;
                    for ch in line.chars() {
                        if let Some(b) = buf.get_mut(n) {
                            *b = if ch.is_ascii() { ch as u8 } else { NON_ASCII };
                        }
                        n += 1;
                    }
                    *len = n;
                }
            }
            inp.count += 1;
        }
        inp.all_mrz = inp.charset_ok.iter().all(|&ok| ok);
        inp
    }

    /// The characters of line `line` (0-based) from `start`, `len` of them, as in the text.
    pub(crate) fn text(&self, line: usize, start: usize, len: usize) -> String {
        let Some(l) = self.lines.get(line) else {
            return String::new();
        };
        if l.is_ascii() {
            l.get(start..start + len).unwrap_or("").to_owned()
        } else {
            l.chars().skip(start).take(len).collect()
        }
    }

    /// The character at line `line`, column `col` (0-based), as in the text.
    pub(crate) fn char_at(&self, line: usize, col: usize) -> char {
        self.lines
            .get(line)
            .and_then(|l| l.chars().nth(col))
            .unwrap_or('<')
    }
}
