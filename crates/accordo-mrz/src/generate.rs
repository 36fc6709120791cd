//! Fields → MRZ text, computing every check digit.

use std::fmt;

use jiff::civil::Date;

use crate::digits::check_digit;
use crate::eval::{document_code_ok, p_filler_too_late};
use crate::layout::{DOCUMENT_CODE, ISSUING_STATE, Pos, Span, layout};
use crate::{Fields, Format};

/// Why [`generate`] could not write an MRZ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    /// A field holds a character that cannot be written in it.
    BadCharacter {
        field: &'static str,
        character: char,
    },
    /// A field is longer than the format has room for.
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    /// The document code does not suit the format (e.g. `V` for a TD3).
    DocumentCode { format: Format, code: String },
    /// A state or nationality code is empty.
    EmptyCode { field: &'static str },
    /// Sex is not `M`, `F`, `X` or `<`.
    Sex(String),
    /// The expiry date is missing.
    NoExpiryDate,
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::BadCharacter { field, character } => {
                write!(f, "{field}: {character:?} cannot be written in an MRZ")
            }
            GenerateError::TooLong { field, len, max } => {
                write!(
                    f,
                    "{field}: {len} characters, the format has room for {max}"
                )
            }
            GenerateError::DocumentCode { format, code } => write!(
                f,
                "document code {code:?} does not suit {} (TD3: P..., and P alone only for passports expiring before 2038; TD1/TD2: A, C or I...; visas: V...)",
                format.label()
            ),
            GenerateError::EmptyCode { field } => write!(f, "{field}: a code is required"),
            GenerateError::Sex(s) => write!(f, "sex {s:?}: expected M, F, X or <"),
            GenerateError::NoExpiryDate => f.write_str("an expiry date is required"),
        }
    }
}

impl std::error::Error for GenerateError {}

struct Lines(Vec<Vec<u8>>);

impl Lines {
    fn put(&mut self, span: Span, bytes: &[u8]) {
        if let Some(line) = self.0.get_mut(span.line) {
            for (i, &b) in bytes.iter().take(span.len).enumerate() {
                if let Some(cell) = line.get_mut(span.start + i) {
                    *cell = b;
                }
            }
        }
    }

    fn get(&self, span: Span) -> &[u8] {
        self.0
            .get(span.line)
            .and_then(|l| l.get(span.start..span.start + span.len))
            .unwrap_or(&[])
    }

    fn put_digit(&mut self, pos: Pos, over: &[Span]) {
        let mut all = Vec::new();
        for sp in over {
            all.extend_from_slice(self.get(*sp));
        }
        // Every byte written is in the character set, so the digit exists.
        let d = check_digit(&all).unwrap_or(0);
        self.put(pos.span(), &[b'0' + d]);
    }
}

fn code(field: &'static str, text: &str, max: usize) -> Result<Vec<u8>, GenerateError> {
    if text.is_empty() {
        return Err(GenerateError::EmptyCode { field });
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii_uppercase()) {
        return Err(GenerateError::BadCharacter {
            field,
            character: c,
        });
    }
    if text.len() > max {
        return Err(GenerateError::TooLong {
            field,
            len: text.len(),
            max,
        });
    }
    Ok(text.as_bytes().to_vec())
}

/// `A`–`Z` words separated by spaces; `-` becomes `<`, `'` is dropped.
fn name_part(field: &'static str, text: &str) -> Result<Vec<u8>, GenerateError> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(b'<');
        }
        for c in word.chars() {
            match c {
                'A'..='Z' => out.push(c as u8),
                '-' => out.push(b'<'),
                '\'' => {}
                _ => {
                    return Err(GenerateError::BadCharacter {
                        field,
                        character: c,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The name field, truncated as Doc 9303 allows when it does not fit.
fn name_field(primary: &[u8], secondary: &[u8], room: usize) -> Vec<u8> {
    let mut full = primary.to_vec();
    if !secondary.is_empty() {
        full.extend_from_slice(b"<<");
        full.extend_from_slice(secondary);
    }
    if full.len() <= room {
        return full;
    }
    if secondary.is_empty() {
        full.truncate(room);
        return full;
    }
    if primary.len() + 3 <= room {
        // Keep the primary identifier whole; cut the secondary.
        full.truncate(room);
        return full;
    }
    // Cut the primary identifier, keep the initial of the secondary.
    let mut out = primary
        .get(..room.saturating_sub(3))
        .unwrap_or(primary)
        .to_vec();
    while out.last() == Some(&b'<') {
        out.pop();
    }
    out.extend_from_slice(b"<<");
    out.extend(secondary.first());
    out
}

fn yymmdd(d: Date) -> [u8; 6] {
    let y = i32::from(d.year()).rem_euclid(100);
    let two = |v: i32| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
    let [a, b] = two(y);
    let [c, e] = two(i32::from(d.month()));
    let [f, g] = two(i32::from(d.day()));
    [a, b, c, e, f, g]
}

/// Writes the MRZ of `fields` (lines joined with `\n`), computing every check digit.
///
/// A document number longer than 9 characters continues in the optional data on TD1 (up to
/// 23 characters) and TD2 (up to 15). A name that does not fit is truncated. Dates are
/// written with two-digit years; the century is not kept. State codes must be 1–3 capital
/// letters (they are not checked against the list, so that negative cases can be written).
///
/// ```
/// use accordo_mrz::{Fields, Format, Names, check, generate};
/// use jiff::civil::date;
/// let fields = Fields {
///     format: Format::Td3,
///     document_code: "P".into(),
///     issuing_state: "UTO".into(),
///     names: Names { primary: "ERIKSSON".into(), secondary: "ANNA MARIA".into(), truncated: false },
///     document_number: "L898902C3".into(),
///     nationality: "UTO".into(),
///     birth_date: Some(date(1974, 8, 12)),
///     sex: "F".into(),
///     expiry_date: Some(date(2012, 4, 15)),
///     optional_data: "ZE184226B".into(),
/// };
/// let mrz = generate(&fields).unwrap();
/// assert_eq!(mrz, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
///                  L898902C36UTO7408122F1204159ZE184226B<<<<<10");
/// assert_eq!(check(&mrz, date(2026, 11, 23)).fields, Some(fields));
/// ```
pub fn generate(fields: &Fields) -> Result<String, GenerateError> {
    let f = fields.format;
    let l = layout(f);
    let (count, len) = f.shape();
    let mut lines = Lines(vec![vec![b'<'; len]; count]);

    // Document code.
    let dc = fields.document_code.as_bytes();
    let pair = [
        dc.first().copied().unwrap_or(b'<'),
        dc.get(1).copied().unwrap_or(b'<'),
    ];
    if dc.is_empty()
        || dc.len() > 2
        || !document_code_ok(f, pair)
        || p_filler_too_late(f, pair, fields.expiry_date)
    {
        return Err(GenerateError::DocumentCode {
            format: f,
            code: fields.document_code.clone(),
        });
    }
    lines.put(DOCUMENT_CODE, &pair);
    lines.put(
        ISSUING_STATE,
        &code("issuing_state", &fields.issuing_state, 3)?,
    );
    lines.put(l.nationality, &code("nationality", &fields.nationality, 3)?);

    // Names.
    let primary = name_part("names.primary", &fields.names.primary)?;
    let secondary = name_part("names.secondary", &fields.names.secondary)?;
    lines.put(l.name, &name_field(&primary, &secondary, l.name.len));

    // Document number, possibly long.
    let number = fields.document_number.as_bytes();
    if let Some(c) = fields
        .document_number
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return Err(GenerateError::BadCharacter {
            field: "document_number",
            character: c,
        });
    }
    let o = l.optional;
    // The optional-data region left after a long number.
    let mut region = o;
    if number.len() <= l.number.len {
        lines.put(l.number, number);
        lines.put_digit(l.number_cd, &[l.number]);
    } else {
        let max = if l.long_numbers {
            l.number.len + o.len - 1
        } else {
            l.number.len
        };
        if number.len() > max {
            return Err(GenerateError::TooLong {
                field: "document_number",
                len: number.len(),
                max,
            });
        }
        let (head, rest) = number.split_at(l.number.len);
        lines.put(l.number, head);
        // '<' stays in the check-digit position.
        let rest_span = Span::new(o.line, o.start, rest.len());
        lines.put(rest_span, rest);
        lines.put_digit(
            Pos::new(o.line, o.start + rest.len()),
            &[l.number, rest_span],
        );
        let used = (rest.len() + 2).min(o.len);
        region = Span::new(o.line, o.start + used, o.len - used);
    }

    // Optional data.
    let data = fields.optional_data.trim_end_matches('<');
    if let Some(c) = data
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<'))
    {
        return Err(GenerateError::BadCharacter {
            field: "optional_data",
            character: c,
        });
    }
    let data = data.as_bytes();
    let room = region.len + l.optional2.map_or(0, |s| s.len);
    if data.len() > room {
        return Err(GenerateError::TooLong {
            field: "optional_data",
            len: data.len(),
            max: room,
        });
    }
    let (first, second) = data.split_at(data.len().min(region.len));
    lines.put(region, first);
    if let Some(o2) = l.optional2 {
        lines.put(o2, second);
    }
    if let Some(cd) = l.optional_cd {
        lines.put_digit(cd, &[l.optional]);
    }

    // Dates and sex.
    let birth = fields.birth_date.map_or(*b"<<<<<<", yymmdd);
    lines.put(l.birth, &birth);
    lines.put_digit(l.birth_cd, &[l.birth]);
    let expiry = fields.expiry_date.ok_or(GenerateError::NoExpiryDate)?;
    lines.put(l.expiry, &yymmdd(expiry));
    lines.put_digit(l.expiry_cd, &[l.expiry]);
    let sex = match fields.sex.as_str() {
        "M" | "F" | "X" | "<" => fields.sex.as_bytes(),
        other => return Err(GenerateError::Sex(other.to_owned())),
    };
    lines.put(l.sex.span(), sex);

    if let Some((segs, cd)) = l.composite {
        lines.put_digit(cd, segs);
    }

    let text: Vec<String> = lines
        .0
        .into_iter()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .collect();
    Ok(text.join("\n"))
}
