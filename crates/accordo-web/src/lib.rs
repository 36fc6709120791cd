//! How accordo's pages look and speak: the templates (MiniJinja), the translation catalogues
//! (Fluent), times in the reader's zone, and the embedded design system (bootstrap-italia,
//! htmx) with the platform's own small stylesheet.
//!
//! This crate does no I/O and knows nothing of HTTP or the database: the server's page
//! handlers gather what a page shows, and [`Web::render`] turns it into HTML. Every template
//! under `templates/` and every file under `assets/` is embedded by `build.rs`.

pub mod countries;
pub mod i18n;
pub mod time;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, UndefinedBehavior};
use sha2::{Digest, Sha256};

pub use i18n::Catalogues;

/// A page that could not be rendered: a bug in a template or in its handler's context.
#[derive(Debug, thiserror::Error)]
#[error("template {template}: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

/// Why the pages could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Catalogue(#[from] i18n::CatalogueError),
    #[error(transparent)]
    Template(#[from] RenderError),
}

/// The embedded static files, served under a path that changes with their content, so
/// browsers may keep them for a year.
#[derive(Debug)]
pub struct Assets {
    /// Hash of every asset, the path segment after `/static/`.
    pub version: String,
    files: HashMap<&'static str, &'static [u8]>,
}

impl Assets {
    fn embedded() -> Self {
        let mut hasher = Sha256::new();
        let mut files = HashMap::new();
        for (path, bytes) in embedded::ASSETS {
            hasher.update(path.as_bytes());
            hasher.update(bytes);
            files.insert(*path, *bytes);
        }
        let version = hex::encode(&hasher.finalize()[..6]);
        Self { version, files }
    }

    /// The URL of an asset.
    pub fn url(&self, path: &str) -> String {
        format!("/static/{}/{path}", self.version)
    }

    /// The file at `path` (relative to `assets/`) and its media type.
    pub fn get(&self, path: &str) -> Option<(&'static [u8], &'static str)> {
        let bytes = self.files.get(path)?;
        let media = match path.rsplit_once('.').map(|(_, ext)| ext) {
            Some("css") => "text/css; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("svg") => "image/svg+xml",
            Some("woff2") => "font/woff2",
            Some("woff") => "font/woff",
            Some("ttf") => "font/ttf",
            Some("png") => "image/png",
            Some("ico") => "image/x-icon",
            _ => "application/octet-stream",
        };
        Some((bytes, media))
    }

    pub fn paths(&self) -> impl Iterator<Item = &&'static str> {
        self.files.keys()
    }
}

/// Templates, catalogues and assets, built once at start.
pub struct Web {
    env: Environment<'static>,
    pub catalogues: Arc<Catalogues>,
    pub assets: Arc<Assets>,
}

impl std::fmt::Debug for Web {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Web")
            .field("catalogues", &self.catalogues)
            .finish_non_exhaustive()
    }
}

/// The names of every embedded template.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    embedded::TEMPLATES.iter().map(|(name, _)| *name)
}

/// The source of an embedded template (for the tests that check its messages).
pub fn template_source(name: &str) -> Option<&'static str> {
    embedded::TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

impl Web {
    /// With the built-in catalogues.
    pub fn new() -> Result<Self, WebError> {
        Self::with_catalogues(Catalogues::builtin()?)
    }

    /// With the given catalogues; fails on a template that does not parse.
    pub fn with_catalogues(catalogues: Catalogues) -> Result<Self, WebError> {
        Self::with_parts(catalogues, &[])
    }

    /// With the given catalogues and the modules' templates (`(name, source)`, beside the
    /// platform's own); fails on a template that does not parse.
    pub fn with_parts(
        catalogues: Catalogues,
        templates: &[(&'static str, &'static str)],
    ) -> Result<Self, WebError> {
        let catalogues = Arc::new(catalogues);
        let assets = Arc::new(Assets::embedded());
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_formatter(html_formatter);
        for (name, source) in embedded::TEMPLATES.iter().chain(templates) {
            env.add_template(name, source).map_err(|e| RenderError {
                template: (*name).to_owned(),
                message: format!("{e:#}"),
            })?;
        }
        let cats = Arc::clone(&catalogues);
        env.add_function(
            "t",
            move |id: &str, kwargs: Kwargs| -> Result<String, Error> {
                let lang = READER.with(|r| r.borrow().0.clone());
                let mut args = Vec::new();
                for name in kwargs.args() {
                    let value: Value = kwargs.get(name)?;
                    let arg = match i64::try_from(value.clone()) {
                        Ok(n) => i18n::ArgValue::Number(n as f64),
                        Err(_) => i18n::ArgValue::Text(value.to_string()),
                    };
                    args.push((name, arg));
                }
                Ok(cats.message(&lang, id, &args))
            },
        );
        // A message kept as data (a notification, a check's finding): `{id, args}`, its
        // arguments a map or a list of `[name, value]` pairs, a value itself such a message;
        // a plain string (what older records kept) is shown as it stands.
        let cats = Arc::clone(&catalogues);
        env.add_function("tm", move |message: Value| -> String {
            let lang = READER.with(|r| r.borrow().0.clone());
            kept_message(&cats, &lang, &message)
        });
        let urls = Arc::clone(&assets);
        env.add_function("asset", move |path: &str| urls.url(path));
        env.add_filter("datetime", |us: i64| {
            READER.with(|r| time::date_time(us, &r.borrow().1))
        });
        env.add_filter("date", |us: i64| {
            READER.with(|r| time::date(us, &r.borrow().1))
        });
        env.add_filter("machine_time", |us: i64| time::machine(us));
        // A whole number with its thousands grouped as the reader writes them.
        env.add_filter("number", |n: i64| {
            READER.with(|r| group_thousands(n, if r.borrow().0 == "en" { ',' } else { '.' }))
        });
        // A number with `places` decimals (1 unless told), grouped and marked as the reader
        // writes numbers: 1,234.5 in English, 1.234,5 in Italian.
        env.add_filter("decimal", |x: f64, places: Option<usize>| {
            READER.with(|r| decimal(x, places.unwrap_or(1), r.borrow().0 == "en"))
        });
        // A share (0 to 1) as a percentage with one decimal, in the reader's decimal mark.
        env.add_filter("percent", |share: f64| {
            let text = format!("{:.1}%", share * 100.0);
            READER.with(|r| {
                if r.borrow().0 == "en" {
                    text
                } else {
                    text.replace('.', ",")
                }
            })
        });
        Ok(Self {
            env,
            catalogues,
            assets,
        })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, RenderError> {
        let fail = |e: Error| RenderError {
            template: name.to_owned(),
            message: format!("{e:#}"),
        };
        let template = self.env.get_template(name).map_err(fail)?;
        // Macros imported from another template do not see the page's variables, so the
        // reader's language and zone travel beside the render, on its thread.
        let lang = context
            .get_attr("lang")
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .filter(|l| self.catalogues.has(l))
            .unwrap_or_else(|| i18n::FALLBACK.to_owned());
        let tz = context
            .get_attr("tz")
            .ok()
            .and_then(|v| v.as_str().map(time::zone))
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let previous = READER.with(|r| r.replace((lang, tz)));
        let rendered = template.render(context).map_err(fail);
        READER.with(|r| r.replace(previous));
        rendered
    }

    /// A message outside a template (titles of redirects, flash messages).
    pub fn message(&self, lang: &str, id: &str) -> String {
        self.catalogues.message(lang, id, &[])
    }
}

/// `n` with its thousands grouped by `sep`: `157652` → `157.652`.
pub fn group_thousands(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `x` with `places` decimals, its thousands grouped: English's marks (`1,234.5`) when `en`,
/// otherwise the Italian and continental ones (`1.234,5`).
pub fn decimal(x: f64, places: usize, en: bool) -> String {
    let text = format!("{x:.places$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let (sign, digits) = whole
        .strip_prefix('-')
        .map_or(("", whole), |digits| ("-", digits));
    let Ok(n) = digits.parse::<i64>() else {
        return text; // not finite, or beyond any count a page shows
    };
    let (thousands, mark) = if en { (',', '.') } else { ('.', ',') };
    let mut out = format!("{sign}{}", group_thousands(n, thousands));
    if !fraction.is_empty() {
        out.push(mark);
        out.push_str(fraction);
    }
    out
}

/// Renders a message kept as data (see the `tm` template function) in language `lang`.
pub fn kept_message(catalogues: &Catalogues, lang: &str, message: &Value) -> String {
    if let Some(text) = message.as_str() {
        return text.to_owned();
    }
    let Some(id) = message
        .get_attr("id")
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
    else {
        return message.to_string();
    };
    let arg = |value: Value| match i64::try_from(value.clone()) {
        Ok(n) if value.as_str().is_none() => i18n::ArgValue::Number(n as f64),
        _ if value.as_str().is_some() => i18n::ArgValue::Text(value.to_string()),
        _ => i18n::ArgValue::Text(kept_message(catalogues, lang, &value)),
    };
    let mut args: Vec<(String, i18n::ArgValue)> = Vec::new();
    if let Ok(given) = message.get_attr("args")
        && let Ok(items) = given.try_iter()
    {
        if given.kind() == minijinja::value::ValueKind::Map {
            for name in items {
                if let (Some(n), Ok(v)) = (name.as_str(), given.get_item(&name)) {
                    args.push((n.to_owned(), arg(v)));
                }
            }
        } else {
            for pair in items {
                let name = pair.get_item(&Value::from(0)).ok();
                let value = pair.get_item(&Value::from(1)).ok();
                if let (Some(n), Some(v)) = (name.as_ref().and_then(Value::as_str), value) {
                    args.push((n.to_owned(), arg(v)));
                }
            }
        }
    }
    let borrowed: Vec<(&str, i18n::ArgValue)> =
        args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    catalogues.message(lang, &id, &borrowed)
}

/// Escapes what HTML needs escaped (`& < > " '`), leaving `/` as it is, so URLs in
/// the markup read as written; everything else as MiniJinja's own formatter does.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    let Some(text) = value
        .as_str()
        .filter(|_| !value.is_safe() && matches!(state.auto_escape(), minijinja::AutoEscape::Html))
    else {
        return minijinja::escape_formatter(out, state, value);
    };
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped).map_err(Error::from)
}

thread_local! {
    /// The language and time zone of the page being rendered on this thread.
    static READER: std::cell::RefCell<(String, jiff::tz::TimeZone)> =
        std::cell::RefCell::new((i18n::FALLBACK.to_owned(), jiff::tz::TimeZone::UTC));
}

#[cfg(test)]
mod tests;
