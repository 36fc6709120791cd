//! What a check says, as a message id with arguments, so that each reader gets it in their
//! own language. The words are in the crate's Fluent catalogues (`locales/<lang>/mrz.ftl`);
//! [`Message::english`] renders the English one without a Fluent library, since every
//! message is one line whose only placeables are variables (`{ $name }`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The crate's catalogues, `(language, Fluent source)`, for an application to load.
pub const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en/mrz.ftl")),
    ("it", include_str!("../locales/it/mrz.ftl")),
];

/// A message of the catalogue and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// A message id, e.g. `mrz-digit-right` (of `mrz.ftl`; an application may keep its own
    /// catalogues' messages in this shape too).
    pub id: Cow<'static, str>,
    /// Named arguments, in the order given.
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument: text as it stands (a code, a date, a number), or a message of its own (a
/// place in the zone, a field's name), rendered first in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Message(Message),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Message(m)
    }
}

macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::message::Message {
            id: std::borrow::Cow::Borrowed($id),
            args: vec![$((stringify!($name), $crate::message::Arg::from($value))),*],
        }
    };
}
pub(crate) use msg;

/// Gives a message's words in one language: `(id, [(name, value)])` to text.
pub type Lookup<'a> = dyn FnMut(&str, &[(&str, String)]) -> String + 'a;

impl Message {
    /// Renders the message with `lookup(id, args)`, which gives a message's words in one
    /// language; arguments that are messages are rendered first, with the same lookup.
    pub fn render(&self, lookup: &mut Lookup<'_>) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(t) => t.clone(),
                    Arg::Message(m) => m.render(lookup),
                };
                (*name, value)
            })
            .collect();
        lookup(&self.id, &args)
    }

    /// The message in English.
    pub fn english(&self) -> String {
        let mut out = String::with_capacity(96);
        self.english_into(&mut out);
        out
    }

    /// Appends the message in English to `out`, its arguments rendered in place (the check
    /// report renders one for every check, so this path allocates only what it must).
    fn english_into(&self, out: &mut String) {
        for segment in english_pattern(&self.id) {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Variable(name) => match self.args.iter().find(|(n, _)| n == name) {
                    Some((_, Arg::Text(t))) => out.push_str(t),
                    Some((_, Arg::Message(m))) => m.english_into(out),
                    None => {
                        out.push_str("{$");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
    }

    /// Joins messages with a message of two arguments, `a` and `b` (`documents-mrz-plus`: "a + b + c").
    pub fn joined(parts: Vec<Message>, id: &'static str) -> Message {
        let mut parts = parts.into_iter();
        let first = parts.next().unwrap_or(Message {
            id: Cow::Borrowed("documents-mrz-nothing"),
            args: Vec::new(),
        });
        parts.fold(first, |a, b| Message {
            id: Cow::Borrowed(id),
            args: vec![("a", Arg::Message(a)), ("b", Arg::Message(b))],
        })
    }
}

impl Message {
    /// A message of any catalogue, with text arguments.
    pub fn new(id: impl Into<Cow<'static, str>>, args: Vec<(&'static str, Arg)>) -> Self {
        Message {
            id: id.into(),
            args,
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// A piece of an English pattern: words, or a variable's place.
enum Segment {
    Text(&'static str),
    Variable(&'static str),
}

/// The English pattern of `id`, cut at its variables once (`⟦?⟧` when the catalogue lacks
/// the id, which a test rules out).
fn english_pattern(id: &str) -> &'static [Segment] {
    static ENGLISH: OnceLock<HashMap<&'static str, Vec<Segment>>> = OnceLock::new();
    static MISSING: [Segment; 1] = [Segment::Text("⟦?⟧")];
    ENGLISH
        .get_or_init(|| {
            CATALOGUES[0]
                .1
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once(" = "))
                .map(|(id, pattern)| (id.trim(), segments(pattern)))
                .collect()
        })
        .get(id)
        .map_or(&MISSING[..], Vec::as_slice)
}

/// Cuts a pattern at each `{ $name }`.
fn segments(pattern: &'static str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find("{ $") {
        let after = &rest[open + 3..];
        let Some(close) = after.find(" }") else {
            break;
        };
        out.push(Segment::Text(&rest[..open]));
        out.push(Segment::Variable(&after[..close]));
        rest = &after[close + 2..];
    }
    out.push(Segment::Text(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_once(" = ").expect("one line per message").0)
            .collect()
    }

    #[test]
    fn every_language_has_the_same_messages_on_one_line_each() {
        let en = ids(CATALOGUES[0].1);
        assert!(en.len() > 30, "{en:?}");
        for (lang, source) in CATALOGUES {
            assert_eq!(ids(source), en, "{lang}");
        }
    }

    #[test]
    fn arguments_and_nested_messages_are_substituted() {
        let m = msg!(
            "documents-mrz-digit-right",
            field = msg!(
                "documents-mrz-field-named",
                what = msg!("documents-mrz-what-birth"),
                value = "740812",
                at = msg!("documents-mrz-at-column", line = "2", column = "14")
            ),
            digit = "2",
            at = msg!("documents-mrz-at-column", line = "2", column = "20"),
        );
        assert_eq!(
            m.english(),
            "birth date 740812 (line 2, column 14): check digit 2 at line 2, column 20 is right"
        );
        let mut seen = Vec::new();
        m.render(&mut |id, _| {
            seen.push(id.to_owned());
            String::new()
        });
        assert_eq!(
            seen.last().map(String::as_str),
            Some("documents-mrz-digit-right")
        );
        assert_eq!(seen.len(), 5);
    }
}
