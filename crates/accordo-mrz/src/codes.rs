//! State and organisation codes: ISO 3166-1 alpha-3 plus the codes Doc 9303 adds.

/// The ISO 3166-1 alpha-3 list, code TAB English name, one per line, sorted by code
/// (a copy of accordo-domain's list; see `data/PROVENANCE.md`).
const ISO_3166_ALPHA3: &str = include_str!("../data/iso3166-alpha3.tsv");

/// Codes Doc 9303 Part 3 uses besides ISO 3166-1 alpha-3, with what they stand for.
pub(crate) const DOC9303_EXTRA: &[(&str, &str)] = &[
    ("D", "Germany (Doc 9303 one-letter code)"),
    ("EUE", "European Union"),
    ("GBD", "British Overseas Territories Citizen"),
    ("GBN", "British National (Overseas)"),
    ("GBO", "British Overseas Citizen"),
    ("GBP", "British Protected Person"),
    ("GBS", "British Subject"),
    ("RKS", "Kosovo"),
    ("UNA", "specialized agency of the United Nations"),
    ("UNK", "resident of Kosovo, document issued by UNMIK"),
    ("UNO", "United Nations Organization"),
    ("XBA", "African Development Bank"),
    ("XCC", "Caribbean Community (CARICOM)"),
    ("XCE", "Council of Europe"),
    (
        "XCO",
        "Common Market for Eastern and Southern Africa (COMESA)",
    ),
    ("XDC", "Southern African Development Community (SADC)"),
    ("XEC", "Economic Community of West African States (ECOWAS)"),
    ("XES", "Organisation of Eastern Caribbean States (OECS)"),
    ("XIM", "African Export-Import Bank (Afreximbank)"),
    ("XMP", "Parliamentary Assembly of the Mediterranean"),
    ("XOM", "Sovereign Military Order of Malta"),
    (
        "XPO",
        "International Criminal Police Organization (INTERPOL)",
    ),
    ("XXA", "stateless person (1954 Convention)"),
    ("XXB", "refugee (1951 Convention)"),
    ("XXC", "refugee (other than under the 1951 Convention)"),
    ("XXX", "person of unspecified nationality"),
];

/// ICAO's fictional specimen state.
pub(crate) const SPECIMEN: &[u8; 3] = b"UTO";

const WORDS: usize = (26usize * 26 * 26).div_ceil(64);

/// Index of a three-letter code A–Z in 0..26³, or `None`.
const fn index3(a: u8, b: u8, c: u8) -> Option<usize> {
    if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_uppercase() {
        Some(((a - b'A') as usize * 26 + (b - b'A') as usize) * 26 + (c - b'A') as usize)
    } else {
        None
    }
}

/// A bitmap of every three-letter code that is accepted, built at compile time.
const KNOWN: [u64; WORDS] = build_known();

const fn set(table: &mut [u64; WORDS], code: &[u8]) {
    if code.len() == 3
        && let Some(i) = index3(code[0], code[1], code[2])
    {
        table[i / 64] |= 1 << (i % 64);
    }
}

const fn build_known() -> [u64; WORDS] {
    let mut table = [0u64; WORDS];
    let bytes = ISO_3166_ALPHA3.as_bytes();
    let mut i = 0;
    // Each line starts with a three-letter code followed by a TAB.
    while i + 3 < bytes.len() {
        if let Some(idx) = index3(bytes[i], bytes[i + 1], bytes[i + 2])
            && bytes[i + 3] == b'\t'
        {
            table[idx / 64] |= 1 << (idx % 64);
        }
        while i < bytes.len() && bytes[i] != b'\n' {
            i += 1;
        }
        i += 1;
    }
    let mut k = 0;
    while k < DOC9303_EXTRA.len() {
        set(&mut table, DOC9303_EXTRA[k].0.as_bytes());
        k += 1;
    }
    set(&mut table, SPECIMEN);
    table
}

/// Whether the three bytes of a state field (with `<` padding, e.g. `D<<`) name an accepted
/// state or organisation, including the specimen state `UTO`.
#[inline]
pub(crate) fn is_known(field: &[u8; 3]) -> bool {
    match field {
        [b'D', b'<', b'<'] => true,
        [a, b, c] => match index3(*a, *b, *c) {
            Some(i) => KNOWN[i / 64] & (1 << (i % 64)) != 0,
            None => false,
        },
    }
}

/// The English name of an accepted code (without `<` padding).
pub(crate) fn name_of(code: &str) -> Option<&'static str> {
    if code == "UTO" {
        return Some("Utopia, ICAO's specimen state");
    }
    if let Some((_, n)) = DOC9303_EXTRA.iter().find(|(c, _)| *c == code) {
        return Some(n);
    }
    // The list is sorted by code: binary search over the line starts.
    let i = LINE_STARTS
        .binary_search_by(|&start| {
            let start = start as usize;
            ISO_3166_ALPHA3
                .as_bytes()
                .get(start..start + 3)
                .unwrap_or(&[])
                .cmp(code.as_bytes())
        })
        .ok()?;
    let start = LINE_STARTS[i] as usize;
    let line = ISO_3166_ALPHA3.get(start..)?.lines().next()?;
    line.split_once('\t').map(|(_, n)| n)
}

const LINES: usize = 249;

/// Byte offset of each line of the list, computed at compile time.
const LINE_STARTS: [u16; LINES] = {
    let bytes = ISO_3166_ALPHA3.as_bytes();
    let mut starts = [0u16; LINES];
    let mut n = 1;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\n' {
            // A list that does not have 249 lines fails to compile here.
            starts[n] = (i + 1) as u16;
            n += 1;
        }
        i += 1;
    }
    assert!(n == LINES);
    starts
};

/// Every accepted code (ISO 3166-1 alpha-3, Doc 9303 additions, and `UTO`), unpadded.
pub fn known_codes() -> impl Iterator<Item = &'static str> {
    ISO_3166_ALPHA3
        .lines()
        .filter_map(|line| line.split_once('\t').map(|(c, _)| c))
        .chain(DOC9303_EXTRA.iter().map(|(c, _)| *c))
        .chain(std::iter::once("UTO"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_shape() {
        let codes: Vec<&str> = ISO_3166_ALPHA3
            .lines()
            .filter_map(|l| l.split_once('\t').map(|(c, _)| c))
            .collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn bitmap_matches_lists() {
        for code in known_codes() {
            let mut f = [b'<'; 3];
            for (i, b) in code.bytes().enumerate() {
                f[i] = b;
            }
            assert!(is_known(&f), "{code}");
            assert!(name_of(code).is_some(), "{code}");
        }
        let count = KNOWN.iter().map(|w| w.count_ones()).sum::<u32>();
        // 249 ISO codes + 25 three-letter additions + UTO (D is handled apart).
        assert_eq!(count, 249 + 25 + 1);
        for bad in [b"YTO", b"XYZ", b"D<X", b"<<<", b"UT<", b"ita"] {
            assert!(!is_known(bad), "{bad:?}");
        }
        assert!(is_known(b"ITA") && is_known(b"D<<") && is_known(b"XXX"));
    }
}
