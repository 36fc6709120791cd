//! The normalised keys of every kind but telephone numbers ([`crate::phone`]).

use accordo_documents::DocumentKey;
use accordo_domain::CountryCode;
use iban::{BaseIban, Iban, IbanLike as _, ParseIbanError};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::entity::{Kind, Note, Reason, ascii_digit};

/// The key of `text` (trimmed, not empty) as an entity of `kind` (not a phone or an IBAN).
pub(crate) fn normalise(kind: Kind, text: &str) -> Result<String, Reason> {
    match kind {
        Kind::Person => person(text),
        Kind::Imo => imo(text),
        Kind::Mmsi => mmsi(text),
        Kind::Vehicle => vehicle(text),
        Kind::Email => email(text),
        Kind::Handle => handle(text),
        Kind::Url => url(text),
        Kind::Document => document(text),
        Kind::Phone | Kind::Iban => unreachable!("checked by their own functions"),
    }
}

/// A name folded for matching: compatibility forms and accents (and Arabic vowel marks)
/// removed, upper case, words separated by one space; hyphens and apostrophes separate words
/// (`Al-Masri`, `al Masri` and `AL MASRI` are one). The order of the words is kept.
fn person(text: &str) -> Result<String, Reason> {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let letters = words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| c.is_alphabetic())
        .count();
    if letters < 2 {
        return Err(Reason::PersonFormat);
    }
    Ok(words.join(" "))
}

/// The ASCII digits of `text` after an optional `label` (any case) and separators; `None`
/// when anything else is there.
fn labelled_digits(text: &str, label: &str) -> Option<String> {
    let rest = match text.get(..label.len()) {
        Some(head) if head.eq_ignore_ascii_case(label) => &text[label.len()..],
        _ => text,
    };
    let mut digits = String::new();
    for c in rest.chars().map(ascii_digit) {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | ':' | '-' | '.' | '\u{00A0}' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// IMO numbers: seven digits, the seventh the last digit of Σ dᵢ·(7 − i) over the first six.
fn imo(text: &str) -> Result<String, Reason> {
    let digits = labelled_digits(text, "IMO")
        .filter(|d| d.len() == 7)
        .ok_or(Reason::ImoFormat)?;
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let expected = (0..6).map(|i| d[i] * (7 - i as u32)).sum::<u32>() % 10;
    if d[6] != expected {
        return Err(Reason::ImoCheckDigit { expected });
    }
    Ok(digits)
}

/// MMSI: nine digits whose maritime identification digits (MID, 201–775) name a country —
/// the first three for a ship; after `0` for a group of ships, `00` for a coast station,
/// `111` for a search-and-rescue aircraft, `98` for a craft with a parent ship and `99` for
/// an aid to navigation. AIS search-and-rescue transmitters, man-overboard devices and
/// EPIRBs (`970`, `972`, `974`) carry no MID.
fn mmsi(text: &str) -> Result<String, Reason> {
    let digits = labelled_digits(text, "MMSI")
        .filter(|d| d.len() == 9)
        .ok_or(Reason::MmsiFormat)?;
    if ["970", "972", "974"].iter().any(|p| digits.starts_with(p)) {
        return Ok(digits);
    }
    let at = if digits.starts_with("111") {
        3
    } else if digits.starts_with("00") || digits.starts_with("98") || digits.starts_with("99") {
        2
    } else if digits.starts_with('0') {
        1
    } else {
        0
    };
    let mid = &digits[at..at + 3];
    match mid.parse::<u32>() {
        Ok(201..=775) => Ok(digits),
        _ => Err(Reason::MmsiCountry(mid.to_owned())),
    }
}

/// A vehicle: the registration country (ISO 3166 alpha-3, first or last word) and the plate,
/// its letters and digits in upper case (`ITA:AB123CD`).
fn vehicle(text: &str) -> Result<String, Reason> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ':' || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let country_at = |i: usize| {
        words
            .get(i)
            .and_then(|w| CountryCode::parse(&w.to_uppercase()).ok())
    };
    let (country, plate_words) = match (words.len(), country_at(0)) {
        (0 | 1, _) => return Err(Reason::VehicleFormat),
        (_, Some(c)) => (c, &words[1..]),
        (n, None) => match country_at(n - 1) {
            Some(c) => (c, &words[..n - 1]),
            None => return Err(Reason::VehicleFormat),
        },
    };
    let mut plate = String::new();
    for c in plate_words.iter().flat_map(|w| w.chars()).map(ascii_digit) {
        if c.is_alphanumeric() {
            plate.extend(c.to_uppercase());
        } else if !matches!(c, '-' | '.') {
            return Err(Reason::VehicleFormat);
        }
    }
    if !(2..=12).contains(&plate.chars().count()) {
        return Err(Reason::VehicleFormat);
    }
    Ok(format!("{}:{plate}", country.as_str()))
}

/// An IBAN in its electronic form (no spaces, upper case), checked by the `iban_validate`
/// crate: the check digits (ISO 13616's mod 97) and the country's account format. A country
/// whose format the crate does not know is checked by its check digits alone, and noted.
pub(crate) fn iban(text: &str) -> Result<(String, Option<Note>), Reason> {
    let compact: String = text
        .strip_prefix("IBAN")
        .unwrap_or(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    match compact.parse::<Iban>() {
        Ok(iban) => Ok((iban.electronic_str().to_owned(), None)),
        Err(ParseIbanError::UnknownCountry(base)) => Ok((
            base.electronic_str().to_owned(),
            Some(Note::IbanFormatUnchecked),
        )),
        Err(ParseIbanError::InvalidBban(base)) => {
            Err(Reason::IbanFormat(base.country_code().to_owned()))
        }
        Err(ParseIbanError::InvalidBaseIban { .. }) => match compact.parse::<BaseIban>() {
            Err(iban::ParseBaseIbanError::InvalidChecksum) => Err(Reason::IbanChecksum),
            _ => Err(Reason::IbanShape),
        },
    }
}

/// An e-mail address: `mailto:` dropped, the domain in lower case (the local part is kept
/// as written: only its domain may be folded without changing the mailbox).
fn email(text: &str) -> Result<String, Reason> {
    let text = text.strip_prefix("mailto:").unwrap_or(text);
    let (local, domain) = text.rsplit_once('@').ok_or(Reason::EmailFormat)?;
    let domain = domain.to_lowercase();
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && local.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '@' | '<' | '>' | ',' | ';')
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if !(local_ok && domain_ok) {
        return Err(Reason::EmailFormat);
    }
    Ok(format!("{local}@{domain}"))
}

/// An account name: without its `@`, in lower case (the networks the routes use match
/// names without regard to case).
fn handle(text: &str) -> Result<String, Reason> {
    let name = text.strip_prefix('@').unwrap_or(text).to_lowercase();
    let ok = (2..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if ok {
        Ok(name)
    } else {
        Err(Reason::HandleFormat)
    }
}

/// Query parameters that say how a link travelled, not where it leads.
fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || matches!(
            name.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "igshid"
                | "igsh"
                | "mc_cid"
                | "mc_eid"
                | "_ga"
                | "si"
                | "ref_src"
                | "ref_url"
        )
}

/// A link: `https://` added to a bare address (`wa.me/…`, `t.me/…`), `http` read as
/// `https`, the host in lower case without `www.`, the default port, fragment, tracking
/// parameters and a trailing `/` dropped; a WhatsApp link's prefilled `text` too.
fn url(text: &str) -> Result<String, Reason> {
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let mut link = url::Url::parse(&with_scheme).map_err(|_| Reason::UrlFormat)?;
    match link.scheme() {
        "https" => {}
        "http" => link.set_scheme("https").map_err(|_| Reason::UrlFormat)?,
        other => return Err(Reason::UrlScheme(other.to_owned())),
    }
    let host = link.host_str().ok_or(Reason::UrlFormat)?.to_owned();
    let bare = host.strip_prefix("www.").unwrap_or(&host);
    if !bare.contains('.') {
        return Err(Reason::UrlFormat);
    }
    if bare != host {
        link.set_host(Some(bare)).map_err(|_| Reason::UrlFormat)?;
    }
    let whatsapp = matches!(link.host_str(), Some("wa.me" | "api.whatsapp.com"));
    let kept: Vec<(String, String)> = link
        .query_pairs()
        .filter(|(k, _)| !(is_tracking(k) || (whatsapp && k == "text")))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        link.set_query(None);
    } else {
        link.query_pairs_mut().clear().extend_pairs(kept);
    }
    link.set_fragment(None);
    let path = link.path().to_owned();
    if path.len() > 1 && path.ends_with('/') {
        link.set_path(path.trim_end_matches('/'));
    }
    let _ = link.set_username("");
    let _ = link.set_password(None);
    Ok(link.to_string())
}

/// A travel document by the documents pillar's key: issuing state, document type and
/// number, separated by spaces, `|` or `/` (`UTO P L898902C3`).
fn document(text: &str) -> Result<String, Reason> {
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '|' || c == '/')
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 3 {
        return Err(Reason::Document("found fewer than three parts".to_owned()));
    }
    DocumentKey::new(parts[0], parts[1], &parts[2..].concat())
        .map(|key| key.as_text())
        .map_err(|e| Reason::Document(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(kind: Kind, text: &str) -> Result<String, Reason> {
        normalise(kind, text)
    }

    #[test]
    fn names_fold_accents_case_and_separators() {
        let k = key(Kind::Person, "José  Al-Masri").unwrap();
        assert_eq!(k, "JOSE AL MASRI");
        assert_eq!(key(Kind::Person, "jose al masri"), Ok(k));
        // Arabic vowel marks are combining marks: with and without them, one name.
        assert_eq!(key(Kind::Person, "مُحَمَّد"), key(Kind::Person, "محمد"));
        assert_eq!(key(Kind::Person, "A."), Err(Reason::PersonFormat));
    }

    #[test]
    fn imo_numbers_carry_a_check_digit() {
        assert_eq!(key(Kind::Imo, "IMO 9074729"), Ok("9074729".to_owned()));
        assert_eq!(key(Kind::Imo, "imo:9074729"), Ok("9074729".to_owned()));
        assert_eq!(
            key(Kind::Imo, "9074728"),
            Err(Reason::ImoCheckDigit { expected: 9 })
        );
        assert_eq!(key(Kind::Imo, "IMO 907472"), Err(Reason::ImoFormat));
        assert_eq!(key(Kind::Imo, "IMO 907472x"), Err(Reason::ImoFormat));
    }

    #[test]
    fn mmsi_numbers_name_a_country() {
        // 247: Italy; 271: Turkey; a coast station of Italy; an EPIRB carries no MID.
        assert_eq!(key(Kind::Mmsi, "247 123 456"), Ok("247123456".to_owned()));
        assert_eq!(
            key(Kind::Mmsi, "MMSI 271000001"),
            Ok("271000001".to_owned())
        );
        assert_eq!(key(Kind::Mmsi, "002470001"), Ok("002470001".to_owned()));
        assert_eq!(key(Kind::Mmsi, "974123456"), Ok("974123456".to_owned()));
        assert_eq!(
            key(Kind::Mmsi, "123456789"),
            Err(Reason::MmsiCountry("123".to_owned()))
        );
        assert_eq!(key(Kind::Mmsi, "24712345"), Err(Reason::MmsiFormat));
    }

    #[test]
    fn vehicles_are_a_country_and_a_plate() {
        let k = Ok("ITA:AB123CD".to_owned());
        assert_eq!(key(Kind::Vehicle, "ITA AB 123 CD"), k);
        assert_eq!(key(Kind::Vehicle, "ab-123-cd ita"), k);
        assert_eq!(key(Kind::Vehicle, "ita:AB123CD"), k);
        assert_eq!(key(Kind::Vehicle, "AB123CD"), Err(Reason::VehicleFormat));
        assert_eq!(
            key(Kind::Vehicle, "XYZ AB123CD"),
            Err(Reason::VehicleFormat)
        );
        assert_eq!(
            key(Kind::Vehicle, "TUN ١٢٣ تونس ٤٥"),
            Ok("TUN:123تونس45".to_owned())
        );
    }

    #[test]
    fn ibans_are_checked_by_country_and_by_check_digits() {
        let it = Ok(("IT60X0542811101000000123456".to_owned(), None));
        assert_eq!(iban("IT60 X054 2811 1010 0000 0123 456"), it);
        assert_eq!(iban("it60x0542811101000000123456"), it);
        // Pakistan's format is not in the crate's registry: the check digits alone.
        assert_eq!(
            iban("PK36SCBL0000001123456702"),
            Ok((
                "PK36SCBL0000001123456702".to_owned(),
                Some(Note::IbanFormatUnchecked)
            ))
        );
        assert_eq!(iban("PK36SCBL0000001123456703"), Err(Reason::IbanChecksum));
        assert_eq!(iban("hello"), Err(Reason::IbanShape));
    }

    #[test]
    fn e_mail_domains_fold_and_local_parts_stay() {
        assert_eq!(
            key(Kind::Email, "mailto:Ahmed.K@Example.COM"),
            Ok("Ahmed.K@example.com".to_owned())
        );
        for bad in [
            "no-at-sign",
            "a@b",
            "@example.com",
            "a b@example.com",
            "a@-x.com",
        ] {
            assert_eq!(key(Kind::Email, bad), Err(Reason::EmailFormat), "{bad}");
        }
    }

    #[test]
    fn handles_and_links_drop_what_does_not_identify() {
        assert_eq!(
            key(Kind::Handle, "@Boss_Zuwara"),
            Ok("boss_zuwara".to_owned())
        );
        assert_eq!(key(Kind::Handle, "a b"), Err(Reason::HandleFormat));
        let wa = Ok("https://wa.me/390612345678".to_owned());
        assert_eq!(key(Kind::Url, "wa.me/390612345678"), wa);
        assert_eq!(key(Kind::Url, "http://WA.ME/390612345678?text=ciao"), wa);
        assert_eq!(
            key(
                Kind::Url,
                "https://www.facebook.com/groups/x/?utm_source=a&fbclid=b&id=3#top"
            ),
            Ok("https://facebook.com/groups/x?id=3".to_owned())
        );
        assert_eq!(
            key(Kind::Url, "ftp://files.example.com/a"),
            Err(Reason::UrlScheme("ftp".to_owned()))
        );
        assert_eq!(key(Kind::Url, "not a link"), Err(Reason::UrlFormat));
    }

    #[test]
    fn documents_take_the_documents_pillar_s_key() {
        let k = Ok("UTO|P|L898902C3".to_owned());
        assert_eq!(key(Kind::Document, "UTO P L898902C3"), k);
        assert_eq!(key(Kind::Document, "uto|PP|l898902c3"), k);
        assert!(matches!(
            key(Kind::Document, "UTO L898902C3"),
            Err(Reason::Document(_))
        ));
        assert!(
            matches!(key(Kind::Document, "UTO Z L898902C3"), Err(Reason::Document(d)) if d.contains("document_type"))
        );
    }
}
