#![allow(clippy::unwrap_used)]
//! ICAO Doc 9303 specimens (shared/reference/icao9303-vectors.md), every field asserted,
//! and one-character-changed negatives.

use accordo_mrz::{
    CHECK_NAMES, Change, Fields, Format, Names, Report, check, check_digit, generate, validate,
};
use jiff::civil::{Date, date};

fn today() -> Date {
    date(2026, 11, 23)
}

fn report(lines: &[&str]) -> Report {
    let r = check(&lines.join("\n"), today());
    assert_eq!(
        r.valid,
        validate(&lines.join("\n"), today()),
        "validate disagrees"
    );
    r
}

fn failing(r: &Report) -> Vec<&'static str> {
    r.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
}

fn assert_valid(r: &Report) {
    for c in &r.checks {
        assert!(c.ok, "{}: {}", c.name, c.detail);
        assert!(
            CHECK_NAMES.contains(&c.name),
            "{} not in CHECK_NAMES",
            c.name
        );
        assert!(!c.detail.is_empty());
    }
    assert!(r.valid);
    assert!(r.suggestion.is_none());
}

fn names(primary: &str, secondary: &str, truncated: bool) -> Names {
    Names {
        primary: primary.into(),
        secondary: secondary.into(),
        truncated,
    }
}

#[allow(clippy::too_many_arguments)]
fn fields(
    format: Format,
    document_code: &str,
    issuing_state: &str,
    names: Names,
    document_number: &str,
    nationality: &str,
    birth_date: Option<Date>,
    sex: &str,
    expiry_date: Option<Date>,
    optional_data: &str,
) -> Fields {
    Fields {
        format,
        document_code: document_code.into(),
        issuing_state: issuing_state.into(),
        names,
        document_number: document_number.into(),
        nationality: nationality.into(),
        birth_date,
        sex: sex.into(),
        expiry_date,
        optional_data: optional_data.into(),
    }
}

fn names_of(r: &Report) -> Vec<&'static str> {
    r.checks.iter().map(|c| c.name).collect()
}

/// Replaces the character at (line, column), both 1-based.
fn flip(lines: &[&str], line: usize, column: usize, to: char) -> Vec<String> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                l.chars()
                    .enumerate()
                    .map(|(j, c)| if j + 1 == column { to } else { c })
                    .collect()
            } else {
                (*l).to_owned()
            }
        })
        .collect()
}

fn report_owned(lines: &[String]) -> Report {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    report(&refs)
}

const S1: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];
const S2: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<14",
];
const S3: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];
const S4: [&str; 3] = [
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
];
const S5: [&str; 2] = [
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
];
const S6: [&str; 2] = [
    "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<",
    "D23145890<UTO3407127M95071227349<<<8",
];
const S7: [&str; 2] = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<<<",
];
const S8: [&str; 2] = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226",
];
const R1: [&str; 2] = [
    "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
    "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0",
];

const TD3_CHECKS: &[&str] = &[
    "line_count",
    "line_length",
    "charset",
    "document_code",
    "issuing_state",
    "names",
    "document_number_check_digit",
    "nationality",
    "birth_date",
    "birth_date_check_digit",
    "sex",
    "expiry_date",
    "expiry_date_check_digit",
    "optional_data_check_digit",
    "composite_check_digit",
    "birth_not_in_future",
    "expiry_after_birth",
];

fn with_specimen(list: &[&'static str]) -> Vec<&'static str> {
    let mut v = list.to_vec();
    v.push("specimen_state");
    v
}

fn without(list: &[&'static str], drop: &[&str]) -> Vec<&'static str> {
    list.iter().copied().filter(|n| !drop.contains(n)).collect()
}

#[test]
fn s1_td3_passport() {
    let r = report(&S1);
    assert_valid(&r);
    assert_eq!(r.format, Some(Format::Td3));
    assert!(r.specimen);
    assert_eq!(names_of(&r), with_specimen(TD3_CHECKS));
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td3,
            "P",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L898902C3",
            "UTO",
            Some(date(1974, 8, 12)),
            "F",
            Some(date(2012, 4, 15)),
            "ZE184226B",
        )
    );
    let specimen = r.check("specimen_state").unwrap();
    assert!(specimen.ok && specimen.detail.contains("Utopia"));
    let dn = r.check("document_number_check_digit").unwrap();
    assert!(dn.detail.contains("check digit 6"), "{}", dn.detail);
    let bd = r.check("birth_date").unwrap();
    assert!(bd.detail.contains("1974-08-12") && bd.detail.contains("century"));
    let ed = r.check("expiry_date").unwrap();
    assert!(ed.detail.contains("2012-04-15") && ed.detail.contains("nearest"));
}

#[test]
fn s2_td3_bac_specimen() {
    let r = report(&S2);
    assert_valid(&r);
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td3,
            "P",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L898902C",
            "UTO",
            Some(date(1969, 8, 6)),
            "F",
            Some(date(1994, 6, 23)),
            "ZE184226B",
        )
    );
    assert!(
        r.check("composite_check_digit")
            .unwrap()
            .detail
            .contains("check digit 4")
    );
}

#[test]
fn s3_td1_id_card() {
    let r = report(&S3);
    assert_valid(&r);
    assert_eq!(r.format, Some(Format::Td1));
    assert_eq!(
        names_of(&r),
        with_specimen(&without(TD3_CHECKS, &["optional_data_check_digit"]))
    );
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td1,
            "I",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "D23145890",
            "UTO",
            Some(date(1974, 8, 12)),
            "F",
            Some(date(2012, 4, 15)),
            "",
        )
    );
}

#[test]
fn s4_td1_long_number() {
    let r = report(&S4);
    assert_valid(&r);
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td1,
            "I",
            "UTO",
            names("STEVENSON", "PETER JOHN", false),
            "D23145890734",
            "UTO",
            Some(date(1934, 7, 12)),
            "M",
            Some(date(1995, 7, 12)),
            "",
        )
    );
    let dn = r.check("document_number_check_digit").unwrap();
    assert!(dn.detail.contains("long document number D23145890734"));
    assert!(dn.detail.contains("line 1, column 19"));
    // The long number's check digit is checked: change 9 → 8.
    let bad = report_owned(&flip(&S4, 1, 19, '8'));
    assert_eq!(
        failing(&bad),
        ["document_number_check_digit", "composite_check_digit"]
    );
    // A digit of the continuation.
    let bad = report_owned(&flip(&S4, 1, 17, '5'));
    assert_eq!(
        failing(&bad),
        ["document_number_check_digit", "composite_check_digit"]
    );
}

#[test]
fn s5_td2() {
    let r = report(&S5);
    assert_valid(&r);
    assert_eq!(r.format, Some(Format::Td2));
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td2,
            "I",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "D23145890",
            "UTO",
            Some(date(1974, 8, 12)),
            "F",
            Some(date(2012, 4, 15)),
            "",
        )
    );
}

#[test]
fn s6_td2_long_number() {
    let r = report(&S6);
    assert_valid(&r);
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td2,
            "I",
            "UTO",
            names("STEVENSON", "PETER JOHN", false),
            "D23145890734",
            "UTO",
            Some(date(1934, 7, 12)),
            "M",
            Some(date(1995, 7, 12)),
            "",
        )
    );
    assert!(
        r.check("composite_check_digit")
            .unwrap()
            .detail
            .contains("check digit 8")
    );
}

fn visa_checks() -> Vec<&'static str> {
    with_specimen(&without(
        TD3_CHECKS,
        &["optional_data_check_digit", "composite_check_digit"],
    ))
}

#[test]
fn s7_mrv_a() {
    let r = report(&S7);
    assert_valid(&r);
    assert_eq!(r.format, Some(Format::MrvA));
    assert_eq!(names_of(&r), visa_checks());
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::MrvA,
            "V",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L898902C",
            "UTO",
            Some(date(1969, 8, 6)),
            "F",
            Some(date(1994, 6, 23)),
            "ZE184226B",
        )
    );
}

#[test]
fn s8_mrv_b() {
    let r = report(&S8);
    assert_valid(&r);
    assert_eq!(r.format, Some(Format::MrvB));
    assert_eq!(names_of(&r), visa_checks());
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::MrvB,
            "V",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L898902C",
            "UTO",
            Some(date(1969, 8, 6)),
            "F",
            Some(date(1994, 6, 23)),
            "ZE184226",
        )
    );
}

#[test]
fn s9_older_visas_nationality_xxx() {
    let a = report(&[S7[0], "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"]);
    assert_valid(&a);
    // Positions 29-44 hold `6ZE184226B`: the 6 is part of the optional data.
    assert_eq!(
        a.fields.clone().unwrap(),
        fields(
            Format::MrvA,
            "V",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L8988901C",
            "XXX",
            Some(date(1940, 9, 7)),
            "F",
            Some(date(1996, 12, 10)),
            "6ZE184226B",
        )
    );
    let nat = a.check("nationality").unwrap();
    assert!(
        nat.detail.contains("unspecified nationality"),
        "{}",
        nat.detail
    );

    let b = report(&[S8[0], "L8988901C4XXX4009078F9612109<<<<<<<<"]);
    assert_valid(&b);
    assert_eq!(
        b.fields.clone().unwrap(),
        fields(
            Format::MrvB,
            "V",
            "UTO",
            names("ERIKSSON", "ANNA MARIA", false),
            "L8988901C",
            "XXX",
            Some(date(1940, 9, 7)),
            "F",
            Some(date(1996, 12, 10)),
            "",
        )
    );
}

#[test]
fn s10_part3_worked_examples() {
    assert_eq!(check_digit(b"520727"), Some(3));
    assert_eq!(check_digit(b"AB2134<<<"), Some(5));
    assert_eq!(
        check_digit(b"HA672242<658022549601086<<<<<<<<<<<<<<0"),
        Some(8)
    );
    assert_eq!(
        check_digit(b"D231458907<<<<<<<<<<<<<<<34071279507122<<<<<<<<<<<"),
        Some(2)
    );

    // YTO is not a code: only the nationality (and TD1 issuing state) fail; every check
    // digit, composite included, is right.
    let td3 = report(&[S1[0], "HA672242<6YTO5802254M9601086<<<<<<<<<<<<<<08"]);
    assert_eq!(failing(&td3), ["nationality"]);
    let f = td3.fields.clone().unwrap();
    assert_eq!(f.document_number, "HA672242");
    assert_eq!(f.nationality, "YTO");
    assert_eq!(f.birth_date, Some(date(1958, 2, 25)));
    assert_eq!(f.expiry_date, Some(date(1996, 1, 8)));
    assert_eq!(f.sex, "M");
    assert_eq!(f.optional_data, "");
    // An empty personal number with check digit 0.
    assert!(td3.check("optional_data_check_digit").unwrap().ok);

    let td1 = report(&[
        "I<YTOD231458907<<<<<<<<<<<<<<<",
        "3407127M9507122YTO<<<<<<<<<<<2",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]);
    assert_eq!(failing(&td1), ["issuing_state", "nationality"]);
    assert!(!td1.specimen);

    let td2 = report(&[S5[0], "HA672242<6YTO5802254M9601086<<<<<<<8"]);
    assert_eq!(failing(&td2), ["nationality"]);
}

#[test]
fn s11_name_encoding() {
    let cases = [
        (
            "PPUTOSMITH<JONES<<SUSIE<MARGARET<<<<<<<<<<<<",
            names("SMITH JONES", "SUSIE MARGARET", false),
        ),
        (
            "PPUTOOCONNOR<<ENYA<SIOBHAN<<<<<<<<<<<<<<<<<<",
            names("OCONNOR", "ENYA SIOBHAN", false),
        ),
        (
            "PPUTOARKFREITH<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
            names("ARKFREITH", "", false),
        ),
        (
            "PPUTOPAPANDROPOULOUS<<JONATHON<WARREN<TREVOR",
            names("PAPANDROPOULOUS", "JONATHON WARREN TREVOR", true),
        ),
    ];
    for (line1, expected) in cases {
        let r = report(&[line1, S1[1]]);
        assert_valid(&r);
        let f = r.fields.clone().unwrap();
        assert_eq!(f.document_code, "PP");
        assert_eq!(f.issuing_state, "UTO");
        assert_eq!(f.names, expected);
        assert_eq!(f.document_number, "L898902C3");
        assert_eq!(f.nationality, "UTO");
        assert_eq!(f.birth_date, Some(date(1974, 8, 12)));
        assert_eq!(f.sex, "F");
        assert_eq!(f.expiry_date, Some(date(2012, 4, 15)));
        assert_eq!(f.optional_data, "ZE184226B");
    }
}

#[test]
fn r1_german_passport_d() {
    let r = report(&R1);
    assert_valid(&r);
    assert!(!r.specimen);
    assert_eq!(names_of(&r), TD3_CHECKS);
    assert_eq!(
        r.fields.clone().unwrap(),
        fields(
            Format::Td3,
            "P",
            "D",
            names("MUSTERMANN", "ERIKA", false),
            "C01X0006H",
            "D",
            Some(date(1964, 8, 12)),
            "F",
            Some(date(2017, 10, 31)),
            "",
        )
    );
    let st = r.check("issuing_state").unwrap();
    assert!(st.detail.contains("Germany"), "{}", st.detail);
    // '<' accepted as the empty personal number's check digit.
    assert!(r.check("optional_data_check_digit").unwrap().ok);
    // ... but not when the personal number is not empty.
    let bad = report_owned(&flip(&R1, 2, 29, 'B'));
    assert_eq!(
        failing(&bad),
        ["optional_data_check_digit", "composite_check_digit"]
    );
}

#[test]
fn r2_belgian_long_numbers() {
    // ICAO rule (filler excluded): generated. Then the Belgian variant (filler included).
    let f = fields(
        Format::Td1,
        "ID",
        "BEL",
        names("PEETERS", "JAN", false),
        "000590240601",
        "BEL",
        Some(date(1980, 1, 1)),
        "M",
        Some(date(2030, 1, 1)),
        "",
    );
    let icao = generate(&f).unwrap();
    let lines: Vec<&str> = icao.lines().collect();
    assert_eq!(&lines[0][14..18], "<601");
    assert_valid(&check(&icao, today()));

    // Belgian convention: 000590240<601 → 3; recompute the composite.
    let mut l1 = lines[0].as_bytes().to_vec();
    l1[18] = b'3';
    let mut l2 = lines[1].as_bytes().to_vec();
    let mut comp = l1[5..30].to_vec();
    comp.extend_from_slice(&l2[0..7]);
    comp.extend_from_slice(&l2[8..15]);
    comp.extend_from_slice(&l2[18..29]);
    l2[29] = b'0' + check_digit(&comp).unwrap();
    let bel = [
        String::from_utf8(l1).unwrap(),
        String::from_utf8(l2).unwrap(),
        lines[2].to_owned(),
    ];
    let r = report_owned(&bel);
    assert_valid(&r);
    let dn = r.check("document_number_check_digit").unwrap();
    assert!(dn.detail.contains("Belgian") && dn.detail.contains("flagged"));
    assert_eq!(r.fields.clone().unwrap().document_number, "000590240601");

    // The same layout from another issuer is refused.
    let mut other = bel.clone();
    other[0].replace_range(2..5, "NLD");
    let r = report_owned(&other);
    assert!(failing(&r).contains(&"document_number_check_digit"));
}

#[test]
fn negatives_td3_one_character_changed() {
    let cases: &[(usize, usize, char, &[&str])] = &[
        // document number
        (
            2,
            1,
            'M',
            &["document_number_check_digit", "composite_check_digit"],
        ),
        // its check digit
        (
            2,
            10,
            '7',
            &["document_number_check_digit", "composite_check_digit"],
        ),
        // nationality (not in the composite)
        (2, 13, 'Q', &["nationality"]),
        // birth date digit: still a date, check digit wrong
        (
            2,
            19,
            '3',
            &["birth_date_check_digit", "composite_check_digit"],
        ),
        // birth date check digit
        (
            2,
            20,
            '3',
            &["birth_date_check_digit", "composite_check_digit"],
        ),
        // sex (not in the composite)
        (2, 21, 'Q', &["sex"]),
        // expiry date digit
        (
            2,
            27,
            '6',
            &["expiry_date_check_digit", "composite_check_digit"],
        ),
        // expiry check digit
        (
            2,
            28,
            '8',
            &["expiry_date_check_digit", "composite_check_digit"],
        ),
        // personal number
        (
            2,
            29,
            'Y',
            &["optional_data_check_digit", "composite_check_digit"],
        ),
        // personal number check digit
        (
            2,
            43,
            '2',
            &["optional_data_check_digit", "composite_check_digit"],
        ),
        // composite
        (2, 44, '1', &["composite_check_digit"]),
        // document code, issuing state
        (1, 1, 'I', &["document_code"]),
        (1, 5, 'Q', &["issuing_state"]),
        // a digit in the name
        (1, 8, '1', &["names"]),
        // lower case
        (1, 8, 'i', &["charset", "names"]),
    ];
    for &(line, column, to, expected) in cases {
        let r = report_owned(&flip(&S1, line, column, to));
        assert_eq!(failing(&r), expected, "line {line} column {column} → {to}");
        assert!(!r.valid);
        assert!(r.fields.is_some());
        for name in expected {
            let c = r.check(name).unwrap();
            assert!(
                c.detail.contains("line "),
                "{name} detail says where: {}",
                c.detail
            );
        }
    }
}

#[test]
fn negatives_details_say_where() {
    let r = report_owned(&flip(&S1, 2, 10, '7'));
    let c = r.check("document_number_check_digit").unwrap();
    assert!(
        c.detail.contains("expected check digit 6")
            && c.detail.contains("'7'")
            && c.detail.contains("line 2, column 10"),
        "{}",
        c.detail
    );
    let r = report_owned(&flip(&S1, 1, 8, 'i'));
    let c = r.check("charset").unwrap();
    assert!(c.detail.contains("line 1, column 8"), "{}", c.detail);
}

#[test]
fn negatives_dates() {
    // Month 38.
    let r = report_owned(&flip(&S1, 2, 16, '3'));
    let f = failing(&r);
    assert!(f.contains(&"birth_date") && f.contains(&"birth_not_in_future"));
    assert!(f.contains(&"birth_date_check_digit"));
    assert!(r.check("birth_date").unwrap().detail.contains("month 38"));
    assert_eq!(r.fields.clone().unwrap().birth_date, None);
    // 30 February (expiry 120230).
    let mut lines: Vec<String> = S1.iter().map(|s| (*s).to_owned()).collect();
    lines[1].replace_range(21..27, "120230");
    let r = report_owned(&lines);
    let ed = r.check("expiry_date").unwrap();
    assert!(!ed.ok && ed.detail.contains("2012-02-30"), "{}", ed.detail);
    assert!(!r.check("expiry_after_birth").unwrap().ok);
}

#[test]
fn negatives_td1_composite_excludes_line_3() {
    // Changing the name line breaks no check digit.
    let r = report_owned(&flip(&S3, 3, 1, 'F'));
    assert_valid(&r);
    // Optional data 1 and 2 are in the composite.
    // (A = 10 would be invisible where the weight is 1 or 7: a check-digit blind spot.)
    let r = report_owned(&flip(&S3, 1, 20, 'B'));
    assert_eq!(failing(&r), ["composite_check_digit"]);
    let r = report_owned(&flip(&S3, 2, 25, 'B'));
    assert_eq!(failing(&r), ["composite_check_digit"]);
    // Nationality and sex are not.
    let r = report_owned(&flip(&S3, 2, 8, 'M'));
    assert_valid(&r);
    // Document number.
    let r = report_owned(&flip(&S3, 1, 6, 'E'));
    assert_eq!(
        failing(&r),
        ["document_number_check_digit", "composite_check_digit"]
    );
}

#[test]
fn negatives_visas_have_no_composite() {
    let r = report_owned(&flip(&S7, 2, 44, 'A'));
    assert_valid(&r);
    assert_eq!(r.fields.clone().unwrap().optional_data, "ZE184226B<<<<<<A");
    let r = report_owned(&flip(&S8, 2, 1, 'M'));
    assert_eq!(failing(&r), ["document_number_check_digit"]);
}

#[test]
fn structure_failures() {
    let r = report(&[S1[0]]);
    assert_eq!(failing(&r), ["line_count", "line_length"]);
    assert_eq!(r.format, None);
    assert!(r.fields.is_none());

    let short = &S1[1][..43];
    let r = report(&[S1[0], short]);
    assert_eq!(failing(&r), ["line_length"]);
    assert_eq!(r.format, Some(Format::Td3));
    assert!(r.fields.is_none());
    assert!(
        r.check("line_length")
            .unwrap()
            .detail
            .contains("line 2 has 43")
    );

    let r = report(&[S3[0], S3[1], S3[2], S3[2]]);
    assert_eq!(failing(&r), ["line_count", "line_length"]);

    let r = check("", today());
    assert!(!r.valid && r.fields.is_none());
}

#[test]
fn whitespace_crlf_and_blank_lines() {
    let text = format!("\r\n   {}\r\n{}  \r\n\n", S1[0], S1[1]);
    let r = check(&text, today());
    assert_valid(&r);
    let text = format!("{}\n\n{}\n{}", S3[0], S3[1], S3[2]);
    assert_valid(&check(&text, today()));
}

#[test]
fn century_inference_is_said() {
    let base = fields(
        Format::Td3,
        "PP",
        "ITA",
        names("ROSSI", "MARIO", false),
        "YA1234567",
        "ITA",
        Some(date(2026, 11, 23)),
        "M",
        Some(date(2076, 11, 22)),
        "",
    );
    // Born today: this century. Expiry 50 years ahead minus a day: next century? No:
    // 2076-11-22 is nearer today than 1976-11-22.
    let r = check(&generate(&base).unwrap(), today());
    assert_valid(&r);
    assert_eq!(r.fields.as_ref().unwrap(), &base);

    // Born tomorrow a century ago: 261124 reads as 1926.
    let mut f = base.clone();
    f.birth_date = Some(date(1926, 11, 24));
    f.expiry_date = Some(date(2030, 1, 1));
    let r = check(&generate(&f).unwrap(), today());
    assert_eq!(
        r.fields.clone().unwrap().birth_date,
        Some(date(1926, 11, 24))
    );
    // Expiry 80 → 1980, 70 → 2070.
    f.expiry_date = Some(date(1980, 1, 1));
    let r = check(&generate(&f).unwrap(), today());
    assert_eq!(
        r.fields.clone().unwrap().expiry_date,
        Some(date(1980, 1, 1))
    );
    f.expiry_date = Some(date(2070, 1, 1));
    let r = check(&generate(&f).unwrap(), today());
    assert_eq!(
        r.fields.clone().unwrap().expiry_date,
        Some(date(2070, 1, 1))
    );

    // Unknown birth date.
    f.birth_date = None;
    let r = check(&generate(&f).unwrap(), today());
    assert_valid(&r);
    assert!(r.check("birth_date").unwrap().detail.contains("unknown"));
    assert_eq!(r.fields.clone().unwrap().birth_date, None);

    // Expiry before birth.
    f.birth_date = Some(date(2020, 5, 5));
    f.expiry_date = Some(date(2019, 5, 5));
    let r = check(&generate(&f).unwrap(), today());
    assert_eq!(failing(&r), ["expiry_after_birth"]);
}

#[test]
fn ocr_suggestion() {
    // O for 0 in the birth date, I for 1 in the expiry date.
    let mangled = [
        S1[0].to_owned(),
        "L898902C36UTO74O8122FI204159ZE184226B<<<<<10".to_owned(),
    ];
    let r = report_owned(&mangled);
    assert!(!r.valid);
    let s = r.suggestion.expect("a suggestion");
    assert_eq!(s.mrz, S1.join("\n"));
    assert_eq!(
        s.changes,
        [
            Change {
                line: 2,
                column: 16,
                from: 'O',
                to: '0'
            },
            Change {
                line: 2,
                column: 22,
                from: 'I',
                to: '1'
            },
        ]
    );
    // Check digits too.
    let r = report_owned(&flip(&S4, 2, 30, 'Z'));
    let s = r.suggestion.expect("composite Z → 2");
    assert_eq!(s.mrz, S4.join("\n"));

    // A confusion in the (alphanumeric) document number is not corrected.
    let r = report_owned(&flip(&S1, 2, 2, 'B'));
    assert!(!r.valid && r.suggestion.is_none());
    // A confusion plus another fault: no suggestion.
    let lines = flip(&S1, 2, 16, 'O');
    let lines = flip(
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        13,
        'Q',
    );
    let r = report_owned(&lines);
    assert!(!r.valid && r.suggestion.is_none());
}

#[test]
fn report_json_shape() {
    let r = report(&S2);
    let v = serde_json::to_value(&r).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        6,
        "valid, format, fields, checks, specimen, suggestion: {keys:?}"
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["format"], "TD3");
    assert_eq!(v["fields"]["birth_date"], "1969-08-06");
    assert_eq!(v["fields"]["expiry_date"], "1994-06-23");
    assert_eq!(v["fields"]["format"], "TD3");
    assert_eq!(v["checks"][0]["name"], "line_count");
    assert_eq!(v["checks"][0]["ok"], true);
    assert!(v["checks"][0]["detail"].is_string());
    assert_eq!(v["specimen"], true);
    assert!(v["suggestion"].is_null());

    let formats: Vec<String> = [
        Format::Td1,
        Format::Td2,
        Format::Td3,
        Format::MrvA,
        Format::MrvB,
    ]
    .iter()
    .map(|f| serde_json::to_string(f).unwrap())
    .collect();
    assert_eq!(
        formats,
        ["\"TD1\"", "\"TD2\"", "\"TD3\"", "\"MRVA\"", "\"MRVB\""]
    );

    // Fields deserialize back.
    let f: Fields = serde_json::from_value(v["fields"].clone()).unwrap();
    assert_eq!(Some(f), r.fields);

    let mangled = flip(&S1, 2, 16, 'O');
    let v = serde_json::to_value(report_owned(&mangled)).unwrap();
    assert_eq!(v["suggestion"]["changes"][0]["from"], "O");
    assert_eq!(v["suggestion"]["changes"][0]["column"], 16);
}

#[test]
fn generator_reproduces_specimens() {
    for lines in [&S1[..], &S2, &S3, &S4, &S5, &S6, &S7, &S8] {
        let r = report(lines);
        let f = r.fields.clone().unwrap();
        let text = generate(&f).unwrap();
        assert_eq!(text, lines.join("\n"));
    }
    // R1 has '<' as the empty personal number's check digit; the generator writes 0
    // (as Part 3's worked example does). Both are accepted.
    let text = generate(&report(&R1).fields.unwrap()).unwrap();
    assert_eq!(text, R1.join("\n").replace("<<0", "<00"));
    assert_valid(&check(&text, today()));
}

#[test]
fn generator_truncates_names_and_refuses_bad_fields() {
    let mut f = fields(
        Format::Td1,
        "I",
        "UTO",
        names("PAPANDROPOULOUS", "JONATHON WARREN TREVOR", false),
        "D23145890",
        "UTO",
        Some(date(1974, 8, 12)),
        "F",
        Some(date(2030, 4, 15)),
        "",
    );
    let text = generate(&f).unwrap();
    assert_eq!(
        text.lines().nth(2).unwrap(),
        "PAPANDROPOULOUS<<JONATHON<WARR"
    );
    let r = check(&text, today());
    assert_valid(&r);
    assert_eq!(
        r.fields.clone().unwrap().names,
        names("PAPANDROPOULOUS", "JONATHON WARR", true)
    );

    f.names = names("WOLFESCHLEGELSTEINHAUSENBERGERDORFF", "HUBERT", false);
    let text = generate(&f).unwrap();
    assert_eq!(
        text.lines().nth(2).unwrap(),
        "WOLFESCHLEGELSTEINHAUSENBER<<H"
    );

    let mut bad = f.clone();
    bad.document_code = "P".into();
    assert!(generate(&bad).is_err());
    let mut bad = f.clone();
    bad.sex = "Q".into();
    assert!(generate(&bad).unwrap_err().to_string().contains("sex"));
    let mut bad = f.clone();
    bad.document_number = "123456789012345678901234".into();
    assert!(generate(&bad).is_err());
    let mut bad = f.clone();
    bad.names.primary = "MÜLLER".into();
    assert!(generate(&bad).is_err());
    let mut bad = f;
    bad.format = Format::Td3;
    bad.document_number = "1234567890".into();
    assert!(generate(&bad).is_err());
}

#[test]
fn generator_long_numbers_fill_the_room() {
    let base = fields(
        Format::Td1,
        "I",
        "UTO",
        names("STEVENSON", "PETER", false),
        "D23145890734",
        "UTO",
        Some(date(1934, 7, 12)),
        "M",
        Some(date(2030, 7, 12)),
        "",
    );
    // (format, number, optional data) at the limits of the room.
    let cases = [
        (Format::Td1, "ABCDEFGHI12345678901234", "ABCDEFGHIJK"),
        (Format::Td1, "ABCDEFGHI1234567890123", "ABCDEFGHIJK"),
        (Format::Td1, "ABCDEFGHI123", "123456789<ABCDEFGHIJK"),
        (Format::Td1, "ABCDEFGHI", "123456789012345ABCDEFGHIJK"),
        (Format::Td1, "ABC", "<<<<<<<<<<<<<<<X"),
        (Format::Td2, "ABCDEFGHI123456", ""),
        (Format::Td2, "ABCDEFGHI1234", "Z"),
        (Format::Td2, "ABCDEFGHI1", "12<4"),
    ];
    for (format, number, optional) in cases {
        let mut f = base.clone();
        f.format = format;
        f.names.truncated = false;
        f.document_number = number.into();
        f.optional_data = optional.into();
        let text = generate(&f).unwrap();
        let r = check(&text, today());
        assert_valid(&r);
        assert_eq!(r.fields.unwrap(), f, "{text}");
    }
    let mut f = base;
    f.document_number = "ABCDEFGHI1234".into();
    // Room: 15 - (4 + 2) on line 1, 11 on line 2.
    f.optional_data = "12345678901234567890".into();
    assert!(generate(&f).is_ok());
    f.optional_data = "123456789012345678901".into();
    assert!(generate(&f).is_err());
}

#[test]
fn p_without_second_letter_expires_before_2038() {
    let mut f = fields(
        Format::Td3,
        "PP",
        "UTO",
        names("ERIKSSON", "ANNA", false),
        "L898902C3",
        "UTO",
        Some(date(1974, 8, 12)),
        "F",
        Some(date(2038, 1, 1)),
        "",
    );
    let text = generate(&f).unwrap();
    assert_valid(&check(&text, today()));
    // The same with P<: the document code fails, and the detail says why.
    let p = text.replacen("PP", "P<", 1);
    let r = check(&p, today());
    assert_eq!(failing(&r), ["document_code"]);
    assert!(
        r.check("document_code")
            .unwrap()
            .detail
            .contains("must expire before 2038-01-01")
    );
    f.document_code = "P".into();
    assert!(generate(&f).is_err());
    f.expiry_date = Some(date(2037, 12, 31));
    assert_valid(&check(&generate(&f).unwrap(), today()));
}
