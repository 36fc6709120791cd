//! Telephone numbers to E.164, read in the dialling plan of the agency that wrote them.
//!
//! libphonenumber's metadata (through the `phonenumber` crate) knows each country's plan, but
//! the crate reads an international prefix wrongly: `0039 06 1234 5678` with region PK
//! becomes `+39612345678`, Italy's leading 0 dropped. So the prefix of the writer's country
//! (`00` in Pakistan, `011` in the United States, `810` in Russia) is turned into `+` here,
//! and a number with `+` is parsed with no region.

use accordo_domain::CountryCode;
use phonenumber::{Mode, country, metadata::DATABASE};

use crate::entity::{Reason, ascii_digit};

/// ISO 3166-1 alpha-3 TAB alpha-2, one per line (data/PROVENANCE.md).
const ALPHA2: &str = include_str!("../data/iso3166-alpha2.tsv");

/// The alpha-2 code of `country`.
pub(crate) fn alpha2(country: CountryCode) -> Option<&'static str> {
    ALPHA2.lines().find_map(|line| {
        line.split_once('\t')
            .filter(|(a3, _)| *a3 == country.as_str())
            .map(|(_, a2)| a2)
    })
}

/// `value` in E.164, or why not.
pub(crate) fn normalise(value: &str, country: Option<CountryCode>) -> Result<String, Reason> {
    let text = value.strip_prefix("tel:").unwrap_or(value).trim();
    let mut digits = String::with_capacity(text.len());
    let mut plus = false;
    for (i, c) in text.chars().enumerate() {
        match ascii_digit(c) {
            d @ '0'..='9' => digits.push(d),
            '+' | '\u{FF0B}' if i == 0 => plus = true,
            ' ' | '\u{00A0}' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return Err(Reason::PhoneUnreadable),
        }
    }
    if !(4..=17).contains(&digits.len()) {
        return Err(Reason::PhoneUnreadable);
    }
    let international = if plus {
        Some(digits)
    } else {
        let region = country.and_then(alpha2).ok_or(Reason::PhoneNoCountry)?;
        let prefix = DATABASE
            .by_id(region)
            .and_then(|meta| meta.international_prefix())
            .and_then(|re| re.find(&digits))
            .filter(|m| m.start() == 0 && m.end() < digits.len())
            .map(|m| m.end());
        match prefix {
            Some(end) => Some(digits[end..].to_owned()),
            None => {
                let id: country::Id = region.parse().map_err(|_| Reason::PhoneNoCountry)?;
                return finish(phonenumber::parse(Some(id), &digits));
            }
        }
    };
    finish(phonenumber::parse(
        None,
        format!("+{}", international.unwrap_or_default()),
    ))
}

fn finish(
    parsed: Result<phonenumber::PhoneNumber, phonenumber::ParseError>,
) -> Result<String, Reason> {
    let number = parsed.map_err(|_| Reason::PhoneUnreadable)?;
    let e164 = number.format().mode(Mode::E164).to_string();
    if phonenumber::is_valid(&number) {
        Ok(e164)
    } else {
        Err(Reason::PhoneNotInPlan(e164))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn c(code: &str) -> Option<CountryCode> {
        Some(CountryCode::parse(code).unwrap())
    }

    #[test]
    fn every_country_has_its_alpha_2_code() {
        let mut n = 0;
        for (code, _) in CountryCode::all() {
            let a2 = alpha2(CountryCode::parse(code).unwrap()).unwrap();
            assert!(a2.len() == 2 && a2.bytes().all(|b| b.is_ascii_uppercase()));
            n += 1;
        }
        assert_eq!(n, ALPHA2.lines().count());
        assert_eq!(alpha2(c("PAK").unwrap()), Some("PK"));
        assert_eq!(alpha2(c("ITA").unwrap()), Some("IT"));
    }

    #[test]
    fn a_foreign_number_is_read_in_the_writer_s_plan() {
        // The crate's own reading drops Italy's leading 0; ours keeps it.
        let rome = Ok("+390612345678".to_owned());
        assert_eq!(normalise("0039 06 1234 5678", c("PAK")), rome);
        assert_eq!(normalise("+39 06 1234 5678", c("PAK")), rome);
        assert_eq!(normalise("+39 06 1234 5678", None), rome);
        assert_eq!(normalise("06-1234-5678", c("ITA")), rome);
        assert_eq!(normalise("(06) 1234.5678", c("ITA")), rome);
        // The United States dial 011 abroad; 00 is not their international prefix.
        assert_eq!(normalise("011 39 06 1234 5678", c("USA")), rome);
        assert!(normalise("0039 06 1234 5678", c("USA")).is_err());
    }

    #[test]
    fn national_numbers_and_other_scripts() {
        let mobile = Ok("+923001234567".to_owned());
        assert_eq!(normalise("0300 1234567", c("PAK")), mobile);
        assert_eq!(normalise("٠٣٠٠ ١٢٣٤٥٦٧", c("PAK")), mobile);
        assert_eq!(normalise("۰۳۰۰ ۱۲۳۴۵۶۷", c("PAK")), mobile);
        assert_eq!(normalise("+92 300 1234567", c("TUR")), mobile);
        assert_eq!(
            normalise("0532 123 45 67", c("TUR")),
            Ok("+905321234567".to_owned())
        );
        assert_eq!(
            normalise("tel:+216 20 123 456", None),
            Ok("+21620123456".to_owned())
        );
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        assert_eq!(normalise("0300 1234567", None), Err(Reason::PhoneNoCountry));
        assert_eq!(normalise("call me", c("ITA")), Err(Reason::PhoneUnreadable));
        assert_eq!(normalise("12", c("ITA")), Err(Reason::PhoneUnreadable));
        assert_eq!(
            normalise("1+2345678", c("ITA")),
            Err(Reason::PhoneUnreadable)
        );
        assert!(matches!(
            normalise("+39 612345678", None),
            Err(Reason::PhoneNotInPlan(read)) if read == "+39612345678"
        ));
    }
}
