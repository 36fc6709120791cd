//! Forgery alerts: which documents an alert is about. An alert names an issuing state, a
//! document type, and the numbers concerned as a range (`number_from`..=`number_to`, same
//! length, compared character by character) or a pattern (`?` one character, `*` any run).

use crate::DocumentKey;

/// What an alert is about. Empty parts match anything; at least one part must be set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertTarget {
    pub issuing_state: Option<String>,
    pub document_type: Option<char>,
    pub number_from: Option<String>,
    pub number_to: Option<String>,
    pub number_pattern: Option<String>,
}

/// An alert target that cannot be used, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TargetError {
    pub field: &'static str,
    /// A stable code of the refusal, for the pages to say it in the reader's language.
    pub code: &'static str,
    pub message: String,
}

fn normal(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, '<' | ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl AlertTarget {
    /// Normalises and checks a target as typed.
    pub fn new(
        issuing_state: &str,
        document_type: &str,
        number_from: &str,
        number_to: &str,
        number_pattern: &str,
    ) -> Result<Self, TargetError> {
        let fail = |field, code, message: &str| TargetError {
            field,
            code,
            message: message.to_owned(),
        };
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let state = some(issuing_state).map(|s| s.to_ascii_uppercase());
        if state
            .as_ref()
            .is_some_and(|s| s.len() > 3 || !s.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(fail(
                "issuing_state",
                "alert-state",
                "expected 1 to 3 letters, such as PAK",
            ));
        }
        let kind = match some(document_type) {
            None => None,
            Some(t) => {
                // Reuse the register's rule for what a document type is.
                let key = DocumentKey::new("XXX", &t, "1")
                    .map_err(|_| fail("document_type", "alert-type", "expected P, I, A, C or V"))?;
                Some(key.document_type)
            }
        };
        let from = some(number_from).map(|n| normal(&n));
        let to = some(number_to).map(|n| normal(&n));
        let pattern = some(number_pattern).map(|p| {
            p.chars()
                .filter(|c| !matches!(c, ' ' | '-'))
                .map(|c| c.to_ascii_uppercase())
                .collect::<String>()
        });
        for (field, value) in [("number_from", &from), ("number_to", &to)] {
            if value
                .as_ref()
                .is_some_and(|v| v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric()))
            {
                return Err(fail(field, "alert-number", "expected letters and digits"));
            }
        }
        match (&from, &to) {
            (Some(a), Some(b)) if a.len() != b.len() => {
                return Err(fail(
                    "number_to",
                    "alert-range-length",
                    "a range's two ends must have the same length",
                ));
            }
            (Some(a), Some(b)) if a > b => {
                return Err(fail(
                    "number_to",
                    "alert-range-order",
                    "must not come before number_from",
                ));
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(fail(
                    "number_to",
                    "alert-range-ends",
                    "a range needs both ends",
                ));
            }
            _ => {}
        }
        if pattern.as_ref().is_some_and(|p| {
            !p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'?' || b == b'*')
        }) {
            return Err(fail(
                "number_pattern",
                "alert-pattern",
                "expected letters, digits, ? (one character) and * (any run)",
            ));
        }
        // An issuing state alone would flag every document of that state: a warning no
        // officer could act on, which would train them to ignore the alerts.
        if from.is_none() && pattern.is_none() {
            return Err(fail(
                "number_pattern",
                "alert-series",
                "an alert names a number range or a number pattern (a state alone would match every document of that state)",
            ));
        }
        Ok(Self {
            issuing_state: state,
            document_type: kind,
            number_from: from,
            number_to: to,
            number_pattern: pattern,
        })
    }

    /// Whether the document is one the alert is about.
    pub fn matches(&self, key: &DocumentKey) -> bool {
        if self
            .issuing_state
            .as_ref()
            .is_some_and(|s| *s != key.issuing_state)
        {
            return false;
        }
        if self.document_type.is_some_and(|t| t != key.document_type) {
            return false;
        }
        let number = key.document_number.as_str();
        if let (Some(from), Some(to)) = (&self.number_from, &self.number_to)
            && (number.len() != from.len() || number < from.as_str() || number > to.as_str())
        {
            return false;
        }
        if let Some(p) = &self.number_pattern
            && !glob(p.as_bytes(), number.as_bytes())
        {
            return false;
        }
        true
    }
}

/// `?` matches one byte, `*` any run; iterative, linear in practice, no recursion.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|b| *b == b'*')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(state: &str, number: &str) -> DocumentKey {
        DocumentKey::new(state, "P", number).unwrap()
    }

    #[test]
    fn a_range_matches_numbers_of_its_length_between_its_ends() {
        let a = AlertTarget::new("PAK", "P", "AB1000000", "AB1999999", "").unwrap();
        assert!(a.matches(&key("PAK", "AB1234567")));
        assert!(a.matches(&key("PAK", "AB1000000")) && a.matches(&key("PAK", "AB1999999")));
        assert!(!a.matches(&key("PAK", "AB2000000")));
        assert!(
            !a.matches(&key("PAK", "AB12345")),
            "another length is outside the range"
        );
        assert!(!a.matches(&key("AFG", "AB1234567")), "another state");
        assert!(
            !a.matches(&DocumentKey::new("PAK", "V", "AB1234567").unwrap()),
            "another type"
        );
    }

    #[test]
    fn a_pattern_matches_with_wildcards() {
        let a = AlertTarget::new("", "", "", "", "TN*9?").unwrap();
        assert!(a.matches(&key("TUN", "TN123490")));
        assert!(a.matches(&key("ITA", "TN95")));
        assert!(!a.matches(&key("TUN", "TN12349")));
        assert!(!a.matches(&key("TUN", "XTN1290")));
    }

    #[test]
    fn a_bad_target_names_its_field() {
        let e = |r: Result<AlertTarget, TargetError>| r.unwrap_err().field;
        assert_eq!(e(AlertTarget::new("", "", "", "", "")), "number_pattern");
        // A state alone would match every document of that state.
        assert_eq!(
            e(AlertTarget::new("PAK", "P", "", "", "")),
            "number_pattern"
        );
        assert_eq!(
            e(AlertTarget::new("PAKI", "", "", "", "A*")),
            "issuing_state"
        );
        assert_eq!(
            e(AlertTarget::new("PAK", "Z", "", "", "A*")),
            "document_type"
        );
        assert_eq!(
            e(AlertTarget::new("PAK", "", "A1", "A100", "")),
            "number_to"
        );
        assert_eq!(e(AlertTarget::new("PAK", "", "B1", "A1", "")), "number_to");
        assert_eq!(e(AlertTarget::new("PAK", "", "A1", "", "")), "number_to");
        assert_eq!(
            e(AlertTarget::new("PAK", "", "", "", "A%")),
            "number_pattern"
        );
    }

    proptest! {
        #[test]
        fn glob_agrees_with_a_simple_recursive_matcher(p in "[AB?*]{0,8}", t in "[AB]{0,10}") {
            fn slow(p: &[u8], t: &[u8]) -> bool {
                match (p.first(), t.first()) {
                    (None, None) => true,
                    (Some(b'*'), _) => slow(&p[1..], t) || (!t.is_empty() && slow(p, &t[1..])),
                    (Some(b'?'), Some(_)) => slow(&p[1..], &t[1..]),
                    (Some(a), Some(b)) if a == b => slow(&p[1..], &t[1..]),
                    _ => false,
                }
            }
            prop_assert_eq!(glob(p.as_bytes(), t.as_bytes()), slow(p.as_bytes(), t.as_bytes()));
        }
    }
}
