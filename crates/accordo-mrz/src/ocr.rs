//! A tolerant reading of OCR output: letters misread for digits in numeric fields.

use jiff::civil::Date;

use crate::eval::Parsed;
use crate::input::Input;
use crate::layout::{Pos, Span, layout};
use crate::{Change, Suggestion, validate};

/// The digit a letter is typically misread for.
fn confusion(b: u8) -> Option<u8> {
    Some(match b {
        b'O' | b'Q' | b'D' => b'0',
        b'I' | b'L' => b'1',
        b'Z' => b'2',
        b'S' => b'5',
        b'G' => b'6',
        b'B' => b'8',
        _ => return None,
    })
}

/// The corrected MRZ, if replacing confusable letters in numeric positions (dates and check
/// digits) makes it pass every check.
pub(crate) fn suggest(inp: &Input, p: &Parsed, today: Date) -> Option<Suggestion> {
    let (lines, _) = p.format.shape();
    let originals = inp.lines.get(..lines)?;
    if !originals.iter().all(|l| l.is_ascii()) {
        return None;
    }
    let l = layout(p.format);
    let mut spans: Vec<Span> = vec![
        l.birth,
        l.birth_cd.span(),
        l.expiry,
        l.expiry_cd.span(),
        l.number_cd.span(),
    ];
    if let Some(cd) = l.optional_cd {
        spans.push(cd.span());
    }
    if let Some((_, cd)) = l.composite {
        spans.push(cd.span());
    }
    if let Some((_, cd)) = p.long {
        spans.push(cd.span());
    }

    let mut fixed: Vec<Vec<u8>> = originals.iter().map(|l| l.as_bytes().to_vec()).collect();
    let mut changes = Vec::new();
    for sp in spans {
        for col in sp.start..sp.start + sp.len {
            let pos = Pos::new(sp.line, col);
            let Some(cell) = fixed.get_mut(pos.line).and_then(|l| l.get_mut(pos.col)) else {
                continue;
            };
            if let Some(to) = confusion(*cell) {
                changes.push(Change {
                    line: pos.line + 1,
                    column: pos.col + 1,
                    from: char::from(*cell),
                    to: char::from(to),
                });
                *cell = to;
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    changes.sort_by_key(|c| (c.line, c.column));
    let mrz = fixed
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    validate(&mrz, today).then_some(Suggestion { mrz, changes })
}
