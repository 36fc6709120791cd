//! Where each data element sits, per format (0-based lines and columns).

use crate::Format;
use crate::input::MAX;
use crate::message::{Message, msg};

/// A run of characters on one line (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub line: usize,
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub(crate) const fn new(line: usize, start: usize, len: usize) -> Self {
        Span { line, start, len }
    }

    /// The bytes of this span (empty if it would fall outside the buffers).
    #[inline]
    pub(crate) fn bytes(self, buf: &[[u8; MAX]; 3]) -> &[u8] {
        buf.get(self.line)
            .and_then(|l| l.get(self.start..self.start + self.len))
            .unwrap_or(&[])
    }

    /// "line 2, columns 1-9" (1-based).
    pub(crate) fn describe(self) -> Message {
        let line = (self.line + 1).to_string();
        match self.len {
            0 => msg!(
                "documents-mrz-at-empty",
                line = line,
                column = self.start.to_string()
            ),
            1 => msg!(
                "documents-mrz-at-column",
                line = line,
                column = (self.start + 1).to_string()
            ),
            n => msg!(
                "documents-mrz-at-columns",
                line = line,
                from = (self.start + 1).to_string(),
                to = (self.start + n).to_string(),
            ),
        }
    }
}

/// One character position (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub(crate) const fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }

    #[inline]
    pub(crate) fn byte(self, buf: &[[u8; MAX]; 3]) -> u8 {
        buf.get(self.line)
            .and_then(|l| l.get(self.col))
            .copied()
            .unwrap_or(b'<')
    }

    pub(crate) const fn span(self) -> Span {
        Span::new(self.line, self.col, 1)
    }

    pub(crate) fn describe(self) -> Message {
        self.span().describe()
    }
}

pub(crate) struct Layout {
    pub name: Span,
    pub number: Span,
    pub number_cd: Pos,
    pub nationality: Span,
    pub birth: Span,
    pub birth_cd: Pos,
    pub sex: Pos,
    pub expiry: Span,
    pub expiry_cd: Pos,
    /// TD1: optional data 1 (line 1); others: the optional data / personal number of line 2.
    pub optional: Span,
    /// TD1: optional data 2 (line 2).
    pub optional2: Option<Span>,
    /// TD3: the personal number's check digit.
    pub optional_cd: Option<Pos>,
    /// TD1, TD2, TD3: the spans the composite covers, and its position.
    pub composite: Option<(&'static [Span], Pos)>,
    /// TD1, TD2: a number longer than 9 characters continues in the optional data.
    pub long_numbers: bool,
    /// Weight tables of the check digits (see [`Weights`]).
    pub w_number: Weights,
    pub w_birth: Weights,
    pub w_expiry: Weights,
    pub w_optional: Weights,
    pub w_composite: Weights,
}

/// The weight (7, 3, 1, 0 outside the spans) of each position of each line in one check
/// digit, so that a check digit over valid lines is a fixed-size dot product; `rows` tells
/// which lines have any weight.
#[derive(Clone, Copy)]
pub(crate) struct Weights {
    pub table: [[u8; MAX]; 3],
    pub rows: [bool; 3],
}

/// The weight table of a check digit over `segs`, in order (the 7-3-1 phase carries over).
pub(crate) const fn weights(segs: &[Span]) -> Weights {
    let mut w = Weights {
        table: [[0u8; MAX]; 3],
        rows: [false; 3],
    };
    let mut n = 0;
    let mut k = 0;
    while k < segs.len() {
        let sp = segs[k];
        w.rows[sp.line] = true;
        let mut i = 0;
        while i < sp.len {
            w.table[sp.line][sp.start + i] = [7, 3, 1][n % 3];
            n += 1;
            i += 1;
        }
        k += 1;
    }
    w
}

const NONE: Weights = weights(&[]);

pub(crate) const DOCUMENT_CODE: Span = Span::new(0, 0, 2);
pub(crate) const ISSUING_STATE: Span = Span::new(0, 2, 3);

const TD1: Layout = Layout {
    name: Span::new(2, 0, 30),
    number: Span::new(0, 5, 9),
    number_cd: Pos::new(0, 14),
    nationality: Span::new(1, 15, 3),
    birth: Span::new(1, 0, 6),
    birth_cd: Pos::new(1, 6),
    sex: Pos::new(1, 7),
    expiry: Span::new(1, 8, 6),
    expiry_cd: Pos::new(1, 14),
    optional: Span::new(0, 15, 15),
    optional2: Some(Span::new(1, 18, 11)),
    optional_cd: None,
    composite: Some((TD1_COMPOSITE, Pos::new(1, 29))),
    long_numbers: true,
    w_number: weights(&[Span::new(0, 5, 9)]),
    w_birth: weights(&[Span::new(1, 0, 6)]),
    w_expiry: weights(&[Span::new(1, 8, 6)]),
    w_optional: NONE,
    w_composite: weights(TD1_COMPOSITE),
};

const TD1_COMPOSITE: &[Span] = &[
    Span::new(0, 5, 25),
    Span::new(1, 0, 7),
    Span::new(1, 8, 7),
    Span::new(1, 18, 11),
];
const TD2_COMPOSITE: &[Span] = &[
    Span::new(1, 0, 10),
    Span::new(1, 13, 7),
    Span::new(1, 21, 14),
];
const TD3_COMPOSITE: &[Span] = &[
    Span::new(1, 0, 10),
    Span::new(1, 13, 7),
    Span::new(1, 21, 22),
];

/// Line 2 of TD2, TD3 and visas shares its first 28 positions.
const fn two_line(name_len: usize, optional_len: usize) -> Layout {
    Layout {
        name: Span::new(0, 5, name_len),
        number: Span::new(1, 0, 9),
        number_cd: Pos::new(1, 9),
        nationality: Span::new(1, 10, 3),
        birth: Span::new(1, 13, 6),
        birth_cd: Pos::new(1, 19),
        sex: Pos::new(1, 20),
        expiry: Span::new(1, 21, 6),
        expiry_cd: Pos::new(1, 27),
        optional: Span::new(1, 28, optional_len),
        optional2: None,
        optional_cd: None,
        composite: None,
        long_numbers: false,
        w_number: weights(&[Span::new(1, 0, 9)]),
        w_birth: weights(&[Span::new(1, 13, 6)]),
        w_expiry: weights(&[Span::new(1, 21, 6)]),
        w_optional: weights(&[Span::new(1, 28, optional_len)]),
        w_composite: NONE,
    }
}

const TD2: Layout = Layout {
    composite: Some((TD2_COMPOSITE, Pos::new(1, 35))),
    w_composite: weights(TD2_COMPOSITE),
    long_numbers: true,
    ..two_line(31, 7)
};

const TD3: Layout = Layout {
    optional_cd: Some(Pos::new(1, 42)),
    composite: Some((TD3_COMPOSITE, Pos::new(1, 43))),
    w_composite: weights(TD3_COMPOSITE),
    ..two_line(39, 14)
};

const MRV_A: Layout = two_line(39, 16);
const MRV_B: Layout = two_line(31, 8);

pub(crate) fn layout(f: Format) -> &'static Layout {
    match f {
        Format::Td1 => &TD1,
        Format::Td2 => &TD2,
        Format::Td3 => &TD3,
        Format::MrvA => &MRV_A,
        Format::MrvB => &MRV_B,
    }
}

/// Bit offsets of TD3's five check-digit sums in [`TD3_PACKED`]: document number, birth
/// date, expiry date, personal number, composite.
pub(crate) const TD3_SHIFTS: [u32; 5] = [0, 12, 24, 36, 48];

/// TD3's five check-digit weights (all on line 2) packed into one `u64` per column, each in
/// a bit field of its own at [`TD3_SHIFTS`]: `Σ value(c) × TD3_PACKED[col]` over line 2 gives
/// the five 7-3-1 sums at once. The fields are wide enough that no sum carries into the
/// next (checked at compile time for the largest value, 35).
pub(crate) const TD3_PACKED: [u64; MAX] = {
    let tables = [
        &TD3.w_number,
        &TD3.w_birth,
        &TD3.w_expiry,
        &TD3.w_optional,
        &TD3.w_composite,
    ];
    let mut packed = [0u64; MAX];
    let mut f = 0;
    while f < tables.len() {
        let w = tables[f];
        assert!(!w.rows[0] && !w.rows[2]);
        let shift = TD3_SHIFTS[f];
        let width = if f + 1 < TD3_SHIFTS.len() {
            TD3_SHIFTS[f + 1] - shift
        } else {
            64 - shift
        };
        let mut max = 0u64;
        let mut col = 0;
        while col < MAX {
            let weight = w.table[1][col] as u64;
            packed[col] |= weight << shift;
            max += weight * 35;
            col += 1;
        }
        assert!(max < 1 << width);
        f += 1;
    }
    packed
};
