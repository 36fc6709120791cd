//! Translation catalogues (Project Fluent), the languages they offer, and the choice of a
//! language from a browser's `Accept-Language`.
//!
//! A catalogue is `locales/<code>/accordo.ftl`. English is complete and is the fallback for
//! any message another catalogue lacks, so a new language can start small. Adding Urdu,
//! Turkish or Arabic is adding its file and its code to the offered languages: plural rules
//! come from the language code, and the direction from [`direction`].

use std::collections::BTreeMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The language every message exists in.
pub const FALLBACK: &str = "en";

/// Writing direction of a language.
pub fn direction(code: &str) -> &'static str {
    match code {
        "ar" | "ur" | "fa" | "he" | "ps" | "dv" | "yi" | "ckb" => "rtl",
        _ => "ltr",
    }
}

/// The name of a language in that language, for the language menu.
pub fn native_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "it" => "Italiano",
        "es" => "Español",
        "el" => "Ελληνικά",
        "fr" => "Français",
        "de" => "Deutsch",
        "tr" => "Türkçe",
        "ur" => "اردو",
        "ar" => "العربية",
        "ps" => "پښتو",
        "fa" => "فارسی",
        other => other,
    }
}

/// A catalogue that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("`{0}` is not a language code")]
    BadCode(String),
    #[error("catalogue {code}: line {line}: {message}")]
    Syntax {
        code: String,
        line: usize,
        message: String,
    },
    #[error("catalogue {code}: message `{id}` is defined twice")]
    Duplicate { code: String, id: String },
}

/// One language's messages.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    ids: Vec<String>,
}

/// Every offered language's catalogue.
pub struct Catalogues {
    by_code: BTreeMap<String, Catalogue>,
}

impl std::fmt::Debug for Catalogues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogues")
            .field("languages", &self.codes())
            .finish()
    }
}

impl Catalogues {
    /// The catalogues built into the binary (the platform's messages only).
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::builtin_and(&[], &[])
    }

    /// The built-in catalogues with each module's messages (`(code, Fluent text)`, added to
    /// the platform's catalogue of that language) and `extra` ones (loaded at start by
    /// `serve --locales`, so that a translator sees a new language or a changed message
    /// without a rebuild). An extra message replaces the built-in one with its id; the others
    /// stay, so a file with a few messages changes just those.
    pub fn builtin_and(
        modules: &[(&str, &str)],
        extra: &[(String, String)],
    ) -> Result<Self, CatalogueError> {
        let builtin = crate::embedded::LOCALES.iter().filter_map(|(path, text)| {
            let (code, file) = path.split_once('/')?;
            (file == "accordo.ftl").then_some((code, *text))
        });
        let mut catalogues = Self::from_sources(builtin.chain(modules.iter().copied()))?;
        for (code, text) in extra {
            catalogues.add(code, text, true)?;
        }
        Ok(catalogues)
    }

    /// Catalogues from `(language code, Fluent text)` pairs; several texts of one language
    /// make one catalogue (an id defined twice is refused).
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, CatalogueError> {
        let mut catalogues = Self {
            by_code: BTreeMap::new(),
        };
        for (code, text) in sources {
            catalogues.add(code, text, false)?;
        }
        Ok(catalogues)
    }

    /// Adds `text` to the catalogue of `code` (made if there is none); `replace` lets its
    /// messages take the place of those with the same id.
    fn add(&mut self, code: &str, text: &str, replace: bool) -> Result<(), CatalogueError> {
        let langid: LanguageIdentifier = code
            .parse()
            .map_err(|_| CatalogueError::BadCode(code.to_owned()))?;
        let resource = FluentResource::try_new(text.to_owned()).map_err(|(_, errors)| {
            let first = &errors[0];
            let line = text[..first.pos.start.min(text.len())]
                .lines()
                .count()
                .max(1);
            CatalogueError::Syntax {
                code: code.to_owned(),
                line,
                message: first.kind.to_string(),
            }
        })?;
        let catalogue = self.by_code.entry(code.to_owned()).or_insert_with(|| {
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Values are placed into HTML whose direction the page sets; the invisible
            // isolation marks would only get in the way of copy and paste.
            bundle.set_use_isolating(false);
            Catalogue {
                bundle,
                ids: Vec::new(),
            }
        });
        for id in message_ids(&resource) {
            if !catalogue.ids.contains(&id) {
                catalogue.ids.push(id);
            }
        }
        if replace {
            catalogue.bundle.add_resource_overriding(resource);
            return Ok(());
        }
        catalogue
            .bundle
            .add_resource(resource)
            .map_err(|errors| CatalogueError::Duplicate {
                code: code.to_owned(),
                id: format!("{:?}", errors.first()),
            })
    }

    /// The language codes there are catalogues for.
    pub fn codes(&self) -> Vec<&str> {
        self.by_code.keys().map(String::as_str).collect()
    }

    pub fn has(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// The message ids of one catalogue.
    pub fn ids(&self, code: &str) -> &[String] {
        self.by_code.get(code).map_or(&[], |c| c.ids.as_slice())
    }

    /// The message `id` in language `code`, falling back to English, then to `⟦id⟧` (so a
    /// missing message shows up on the page instead of failing it; the page tests look for
    /// the brackets on every page, in every language).
    pub fn message(&self, code: &str, id: &str, args: &[(&str, ArgValue)]) -> String {
        let fluent_args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (name, value) in args {
                match value {
                    ArgValue::Number(n) => a.set(*name, FluentValue::from(*n)),
                    ArgValue::Text(t) => a.set(*name, FluentValue::from(t.clone())),
                }
            }
            a
        });
        for candidate in [code, FALLBACK] {
            let Some(catalogue) = self.by_code.get(candidate) else {
                continue;
            };
            let Some(pattern) = catalogue.bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            return catalogue
                .bundle
                .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                .into_owned();
        }
        // Visible and searchable: a test renders every page and looks for these brackets.
        format!("⟦{id}⟧")
    }

    /// The best offered language for an `Accept-Language` header (RFC 9110 §12.5.4):
    /// highest weight first, a region falling back to its language, English when none fits.
    pub fn negotiate(&self, accept_language: &str) -> &str {
        let mut wanted: Vec<(f32, &str)> = accept_language
            .split(',')
            .filter_map(|item| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        // Stable: equal weights keep the browser's order.
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in wanted {
            let primary = tag.split(['-', '_']).next().unwrap_or(tag);
            if let Some((code, _)) = self.by_code.get_key_value(&primary.to_ascii_lowercase()) {
                return code;
            }
        }
        FALLBACK
    }
}

/// An argument of a message.
#[derive(Debug, Clone)]
pub enum ArgValue {
    Number(f64),
    Text(String),
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}
