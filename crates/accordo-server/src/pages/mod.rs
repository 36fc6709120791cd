//! The web pages: server-rendered HTML in the reader's language and time zone, built on the
//! same services as the API (handlers gather, services decide, `accordo-web` renders).
//!
//! This is the page kit the modules build on, and the platform's own pages. A module brings
//! its pages in its `Module` (see [`crate::module`]): its routes, its templates (extending
//! `layout.html`), its entries in the navigation and its cards on the home page.
//!
//! Security rules every page keeps, enforced by the extractors here rather than by each
//! handler: [`Viewer`] authenticates the session cookie (never a bearer token) and sends an
//! expired session back to sign-in; a form is read through [`SignedForm`], which refuses it
//! unless its hidden `csrf` field matches the session; htmx requests carry the same token in
//! the `X-CSRF-Token` header.

pub mod account;
pub mod admin;
pub mod audit;
pub mod chart;
pub mod home;
pub mod list;
pub mod sign_in;

use std::collections::BTreeMap;

use crate::extract::Path;
use accordo_domain::access::{Action, Actor, Resource};
use accordo_domain::can;
use accordo_service::auth::{self, Authenticated};
use accordo_service::{AuthFailure, Ctx, ServiceError, policy};
use accordo_store::auth::CredentialKind;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Serialize;

use crate::AppState;
use crate::extract::{CSRF_HEADER, SESSION_COOKIE, cookie, request_id};

/// The cookie that remembers a language chosen before signing in.
pub const LANG_COOKIE: &str = "accordo_lang";
/// The cookie that carries a one-shot message to the next page (a catalogue message id).
pub const FLASH_COOKIE: &str = "accordo_flash";
/// The cookie that binds the sign-in form to the browser that loaded it.
pub const PRESESSION_COOKIE: &str = "accordo_presession";

/// Page routes that say what they are: each registered method and path is listed, so that the
/// access matrix (`crates/accordo/tests/app/access_matrix.rs`) finds every page, as it finds
/// every API route in the OpenAPI document.
#[derive(Default)]
pub struct PageRoutes {
    router: Router<AppState>,
    listed: Vec<(&'static str, &'static str)>,
}

impl PageRoutes {
    pub fn new() -> Self {
        Self::default()
    }

    /// A `GET` page.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, axum::routing::get(handler));
        self.listed.push(("get", path));
        self
    }

    /// A form's `POST`.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, axum::routing::post(handler));
        self.listed.push(("post", path));
        self
    }

    pub fn merge(mut self, other: PageRoutes) -> Self {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// `(method, path)` of every route, paths as registered (`/returns/cases/{id}`).
    pub fn listed(&self) -> &[(&'static str, &'static str)] {
        &self.listed
    }
}

/// The platform's pages and each module's.
pub fn routes(modules: &[&'static crate::Module]) -> PageRoutes {
    let platform = PageRoutes::new()
        .get("/", root)
        .get("/static/{version}/{*path}", asset)
        .merge(sign_in::routes())
        .merge(home::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(audit::routes());
    modules
        .iter()
        .fold(platform, |routes, module| routes.merge((module.pages)()))
}

/// Every page route.
pub fn router(modules: &[&'static crate::Module]) -> Router<AppState> {
    routes(modules).router
}

async fn root(headers: HeaderMap) -> Redirect {
    if cookie(&headers, SESSION_COOKIE).is_some() {
        Redirect::to("/home")
    } else {
        Redirect::to("/sign-in")
    }
}

async fn asset(
    State(state): State<AppState>,
    Path((version, path)): Path<(String, String)>,
) -> Response {
    let assets = &state.web.assets;
    let Some((bytes, media)) = assets.get(&path) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    // An old version's URL still gets the file, but must not be cached as if it were it.
    let cache = if version == assets.version {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, media),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response()
}

/// A link of the main navigation, shown to whoever `shown` lets see it.
pub struct NavItem {
    pub href: &'static str,
    /// Catalogue message id of its label.
    pub label: &'static str,
    pub shown: fn(&Actor) -> bool,
}

/// Whether `actor` may read some of the collection of `kind` (a module's entry in the
/// navigation is shown on this).
pub fn may_read(actor: &Actor, kind: &'static accordo_domain::KindPolicy) -> bool {
    can(actor, Action::Read, Resource::collection(kind)).is_ok()
}

/// The navigation before the modules' entries.
static NAV_FIRST: &[NavItem] = &[NavItem {
    href: "/home",
    label: "nav-home",
    shown: |_| true,
}];

/// The navigation after the modules' entries.
static NAV_LAST: &[NavItem] = &[
    NavItem {
        href: "/admin/users",
        label: "nav-admin",
        shown: |a| may_read(a, &policy::USER) && a.roles.contains(accordo_domain::Role::Admin),
    },
    NavItem {
        href: "/audit",
        label: "nav-audit",
        shown: |a| may_read(a, &policy::AUDIT),
    },
    NavItem {
        href: "/account",
        label: "nav-account",
        shown: |_| true,
    },
];

/// The main navigation: home, each module's entries in order, then the platform's.
fn nav<'a>(modules: &'a [&'static crate::Module]) -> impl Iterator<Item = &'static NavItem> + 'a {
    NAV_FIRST
        .iter()
        .chain(modules.iter().flat_map(|m| m.nav.iter()))
        .chain(NAV_LAST.iter())
}

/// A signed-in reader of a page (session cookie only).
pub struct Viewer {
    pub ctx: Ctx,
    pub auth: Authenticated,
    pub csrf: String,
    pub lang: String,
}

impl Viewer {
    pub fn tz(&self) -> &str {
        &self.auth.user.time_zone
    }
}

/// Where an unauthenticated page request goes: the sign-in page, which then returns to it.
fn to_sign_in(parts: &Parts, why: Option<&str>) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or("/home");
    let mut target = format!("/sign-in?next={}", encode(next));
    if let Some(why) = why {
        target.push_str("&why=");
        target.push_str(why);
    }
    if parts.headers.contains_key("hx-request") {
        // htmx follows this header with a full page load.
        return (StatusCode::UNAUTHORIZED, [("hx-redirect", target.as_str())]).into_response();
    }
    Redirect::to(&target).into_response()
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE).filter(|s| !s.is_empty()) else {
            return Err(to_sign_in(parts, None));
        };
        let secret = secret.to_owned();
        let authed =
            match auth::authenticate(&state.platform, CredentialKind::Session, &secret).await {
                Ok(a) => a,
                Err(ServiceError::Unauthenticated(AuthFailure::Disabled)) => {
                    return Err(to_sign_in(parts, Some("disabled")));
                }
                Err(ServiceError::Unauthenticated(_)) => {
                    return Err(to_sign_in(parts, Some("session_ended")));
                }
                Err(other) => {
                    let lang = request_language(state, &parts.headers);
                    return Err(error_page(state, &lang, &other));
                }
            };
        let csrf = auth::csrf_token(&secret);
        let lang = if state.web.catalogues.has(&authed.user.language) {
            authed.user.language.clone()
        } else {
            request_language(state, &parts.headers)
        };
        // htmx requests that change something carry the token in a header; forms carry it in
        // their body and are read through `SignedForm`, which checks it there.
        if !matches!(parts.method, Method::GET | Method::HEAD)
            && parts.headers.contains_key("hx-request")
            && parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) != Some(&csrf)
        {
            return Err(csrf_page(state, &lang));
        }
        // Signed in with a temporary password: the account page, to change it, and sign-out.
        if authed.user.must_change_password
            && !matches!(
                parts.uri.path(),
                "/account" | "/account/password" | "/account/language" | "/sign-out"
            )
        {
            return Err(Redirect::to("/account#password").into_response());
        }
        let ctx = Ctx {
            actor: authed.actor.clone(),
            request_id: request_id(&parts.headers),
        };
        Ok(Viewer {
            ctx,
            auth: authed,
            csrf,
            lang,
        })
    }
}

/// The fields of a submitted form, in order (a name may repeat: checkboxes).
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Fields(
            form_pairs(body)
                .into_iter()
                .map(|(k, v)| (k, v.replace("\r\n", "\n")))
                .collect(),
        )
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The value of `name` exactly as typed (passwords: spaces count).
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// What was typed, to show the form again: everything but secrets.
    pub fn kept(&self) -> BTreeMap<&str, &str> {
        self.0
            .iter()
            .filter(|(k, _)| !k.contains("password") && k != "csrf" && k != "totp")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A form posted by a signed-in user, its CSRF token checked.
pub struct SignedForm {
    pub viewer: Viewer,
    pub fields: Fields,
}

impl FromRequest<AppState> for SignedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| too_large_page(state, &viewer.lang))?;
        let fields = Fields::parse(&bytes);
        if fields.get("csrf") != viewer.csrf {
            return Err(csrf_page(state, &viewer.lang));
        }
        if let Some((name, _)) = fields.0.iter().find(|(_, v)| v.contains('\0')) {
            let error = ServiceError::invalid(name, crate::extract::NUL_MESSAGE);
            return Err(viewer_error_page(state, &viewer, &error));
        }
        Ok(SignedForm { viewer, fields })
    }
}

/// The language of a request from someone not signed in: the one they chose, else the
/// browser's preference, else English.
pub fn request_language(state: &AppState, headers: &HeaderMap) -> String {
    let catalogues = &state.web.catalogues;
    if let Some(chosen) = cookie(headers, LANG_COOKIE).filter(|c| catalogues.has(c)) {
        return chosen.to_owned();
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    catalogues.negotiate(accept).to_owned()
}

#[derive(Serialize)]
struct LanguageOption {
    code: String,
    name: String,
    current: bool,
}

#[derive(Serialize)]
struct NavLink {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// The first segment of a path: `/documents/check` → `documents`.
fn section(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// What every page's layout needs.
pub struct Chrome<'a> {
    pub lang: &'a str,
    pub tz: &'a str,
    pub path: &'a str,
    pub viewer: Option<&'a Viewer>,
    /// A one-shot message id to show (from the flash cookie or the handler).
    pub flash: Option<String>,
}

impl<'a> Chrome<'a> {
    /// The frame of a signed-in viewer's page; `headers` carry the flash message, when the
    /// page follows a redirect.
    pub fn signed_in(viewer: &'a Viewer, path: &'a str, headers: Option<&HeaderMap>) -> Self {
        Chrome {
            lang: &viewer.lang,
            tz: viewer.tz(),
            path,
            viewer: Some(viewer),
            flash: headers.and_then(|h| cookie(h, FLASH_COOKIE).map(str::to_owned)),
        }
    }
}

impl Chrome<'_> {
    fn value(&self, state: &AppState) -> Value {
        let catalogues = &state.web.catalogues;
        let languages: Vec<LanguageOption> = state
            .platform
            .settings
            .languages
            .iter()
            .filter(|c| catalogues.has(c))
            .map(|c| LanguageOption {
                code: c.clone(),
                name: accordo_web::i18n::native_name(c).to_owned(),
                current: c == self.lang,
            })
            .collect();
        let (user, nav, csrf) = match self.viewer {
            Some(v) => {
                let nav: Vec<NavLink> = nav(&state.modules)
                    .filter(|item| (item.shown)(&v.ctx.actor))
                    .map(|item| NavLink {
                        href: item.href,
                        label: item.label,
                        // The same first segment: `/returns/inbox` is under "/returns".
                        current: section(self.path) == section(item.href),
                    })
                    .collect();
                let user = context! {
                    username => v.auth.user.username,
                    display_name => v.auth.user.display_name,
                    agency => v.ctx.actor.agency.to_string(),
                    roles => v.ctx.actor.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    totp_enrolled => v.auth.user.totp_secret.is_some(),
                    must_change_password => v.auth.user.must_change_password,
                };
                (Some(user), nav, Some(v.csrf.clone()))
            }
            None => (None, Vec::new(), None),
        };
        let flash = self.flash.as_deref().filter(|id| {
            catalogues
                .ids(accordo_web::i18n::FALLBACK)
                .iter()
                .any(|k| k == id)
        });
        context! {
            lang => self.lang,
            dir => accordo_web::i18n::direction(self.lang),
            tz => self.tz,
            path => self.path,
            languages => languages,
            user => user,
            nav => nav,
            csrf => csrf,
            flash => flash,
        }
    }
}

/// Renders a page; a template failure becomes the error page (and a log line), not a panic.
pub fn render(
    state: &AppState,
    chrome: &Chrome<'_>,
    status: StatusCode,
    template: &str,
    page: Value,
) -> Response {
    // The page's own values come first: they win over the frame's (a sign-in form's token).
    let value = context! { ..page, ..chrome.value(state) };
    match state.web.render(template, value) {
        Ok(html) => {
            let mut response = (status, html_headers(), html).into_response();
            if chrome.flash.is_some() {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_cookie(FLASH_COOKIE));
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            failed_page(state, chrome.lang)
        }
    }
}

/// The page for a page that could not be rendered: in the reader's language, without the
/// templates (one of which just failed), with the way home.
fn failed_page(state: &AppState, lang: &str) -> Response {
    let say = |id: &str| state.web.message(lang, id);
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · accordo</title><main style=\"font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem\"><h1>{title}</h1><p>{body}</p><p><a href=\"/home\">{home}</a></p></main></html>",
        lang = lang
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>(),
        dir = accordo_web::i18n::direction(lang),
        title = say("error-render-title"),
        body = say("error-render-body"),
        home = say("error-go-home"),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, html_headers(), html).into_response()
}

fn html_headers() -> [(header::HeaderName, &'static str); 4] {
    [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "same-origin"),
    ]
}

/// A page for a signed-in viewer, with the flash message of the request if any.
pub fn page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    path: &str,
    template: &str,
    page: Value,
) -> Response {
    let chrome = Chrome {
        lang: &viewer.lang,
        tz: viewer.tz(),
        path,
        viewer: Some(viewer),
        flash: cookie(headers, FLASH_COOKIE).map(str::to_owned),
    };
    render(state, &chrome, StatusCode::OK, template, page)
}

/// Field errors of a form, as catalogue message ids or the service's words.
#[derive(Debug, Default, Serialize)]
pub struct FormErrors {
    pub by_field: BTreeMap<String, FieldError>,
}

#[derive(Debug, Serialize)]
pub struct FieldError {
    /// A catalogue message id, when the page knows the error.
    pub id: Option<String>,
    /// Otherwise the service's own words.
    pub text: Option<String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// Notes a field error by catalogue message id.
    pub fn add(&mut self, field: &str, id: &str) {
        self.by_field.entry(field.to_owned()).or_insert(FieldError {
            id: Some(id.to_owned()),
            text: None,
        });
    }

    pub fn require(&mut self, fields: &Fields, names: &[&str]) {
        for name in names {
            if fields.get(name).is_empty() {
                self.add(name, "error-required");
            }
        }
    }

    /// Adds each of a service's `refusals` (every mistake of a form at once) beside its field,
    /// the API's field name turned into the form's by `field_of` (a row's field, say); a field
    /// keeps its first error. An error that is no fault of the form is left out.
    pub fn add_refusals(
        &mut self,
        state: &AppState,
        lang: &str,
        refusals: &[ServiceError],
        default_field: &str,
        field_of: impl Fn(&str) -> String,
    ) {
        for e in refusals {
            if let Some(more) = Self::from_service(state, lang, e, default_field) {
                for (field, error) in more.by_field {
                    self.by_field.entry(field_of(&field)).or_insert(error);
                }
            }
        }
    }

    /// A service's refusal, next to the field it names (or `form` when it names none).
    /// A service's refusal as the error of a field, in the reader's language where the
    /// refusal has a code (each rule by its catalogue message, `<module>-rule-<code>`);
    /// `None` for an error that is no fault of the form (it gets the error page).
    pub fn from_service(
        state: &AppState,
        lang: &str,
        error: &ServiceError,
        default_field: &str,
    ) -> Option<Self> {
        let mut errors = Self::default();
        let (field, text) = match error {
            ServiceError::Invalid { field, .. } => {
                (field.clone(), refusal_text(state, lang, error))
            }
            ServiceError::Conflict(what) => (
                default_field.to_owned(),
                format!(
                    "{} ({what})",
                    catalogue_text(state, lang, "error-conflict").unwrap_or_default()
                ),
            ),
            ServiceError::Rules { rules } => (
                default_field.to_owned(),
                rules
                    .iter()
                    .map(|rule| rule_text(state, lang, rule))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => return None,
        };
        errors.by_field.insert(
            field,
            FieldError {
                id: None,
                text: Some(text),
            },
        );
        Some(errors)
    }
}

/// Redirects after a successful form (so a reload does not post it again), with a message.
pub fn done(to: &str, flash_id: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={flash_id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

/// A clear page for a refusal or a failure: never a stack trace.
pub fn message_page(
    state: &AppState,
    lang: &str,
    status: StatusCode,
    title: &str,
    body: &str,
    detail: Option<Value>,
) -> Response {
    let chrome = Chrome {
        lang,
        tz: "UTC",
        path: "",
        viewer: None,
        flash: None,
    };
    render(
        state,
        &chrome,
        status,
        "error.html",
        context! { status => status.as_u16(), title => title, body => body, detail => detail },
    )
}

/// The page for a form whose CSRF token does not match.
pub fn csrf_page(state: &AppState, lang: &str) -> Response {
    message_page(
        state,
        lang,
        StatusCode::FORBIDDEN,
        "error-csrf-title",
        "error-csrf-body",
        None,
    )
}

fn too_large_page(state: &AppState, lang: &str) -> Response {
    message_page(
        state,
        lang,
        StatusCode::PAYLOAD_TOO_LARGE,
        "error-too-large-title",
        "error-too-large-body",
        None,
    )
}

/// What a page says about a service error: status, title, body (from the one mapping,
/// `problem::classify`), and the detail to show. What the reader may not see reads as not
/// found, so a page of another tenant tells nothing of what is there. A refusal by rules
/// names each rule in the reader's language (`<module>-rule-<code>`, else its code).
fn error_parts(
    state: &AppState,
    lang: &str,
    error: &ServiceError,
) -> (StatusCode, &'static str, &'static str, Option<Value>) {
    let c = crate::problem::classify(error);
    let say = |id: &str| catalogue_text(state, lang, id).unwrap_or_else(|| id.to_owned());
    // The detail in the reader's words, and the stable code beside it, small.
    let (text, code): (String, String) = match error {
        ServiceError::NotFound { .. } | ServiceError::Unauthenticated(_) => {
            return (c.status, c.title, c.body, None);
        }
        ServiceError::Store(e) => {
            tracing::error!(error = %e, "database error behind a page");
            return (c.status, c.title, c.body, None);
        }
        ServiceError::Rules { rules } => (
            rules
                .iter()
                .map(|rule| rule_text(state, lang, rule))
                .collect::<Vec<_>>()
                .join("; "),
            rules.join(", "),
        ),
        ServiceError::Invalid {
            code: Some(code), ..
        } => (refusal_text(state, lang, error), code.id.to_owned()),
        ServiceError::Invalid { field, message, .. } => {
            (say("error-invalid-value"), format!("{field}: {message}"))
        }
        ServiceError::Forbidden(accordo_domain::Denied::NoGrant { action, kind }) => {
            (say(&format!("error-denied-{action}")), (*kind).to_owned())
        }
        ServiceError::Forbidden(accordo_domain::Denied::OutOfReach { kind }) => {
            (say("error-denied-reach"), (*kind).to_owned())
        }
        ServiceError::Conflict(what) => (say("error-conflict"), what.clone()),
    };
    (
        c.status,
        c.title,
        c.body,
        Some(context! { text => text, code => code }),
    )
}

/// A refused value's words: in the reader's language when the refusal has a code, else the
/// service's own words.
pub fn refusal_text(state: &AppState, lang: &str, error: &ServiceError) -> String {
    match error {
        ServiceError::Invalid {
            code: Some(code), ..
        } => {
            let args: Vec<(&str, accordo_web::i18n::ArgValue)> = code
                .args
                .iter()
                .map(|(n, v)| (*n, accordo_web::i18n::ArgValue::Text(v.clone())))
                .collect();
            catalogue_text_with(state, lang, &format!("error-{}", code.id), &args)
                .unwrap_or_else(|| error.to_string())
        }
        ServiceError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// A rule's words in the reader's language: the first module whose catalogue names it.
pub fn rule_text(state: &AppState, lang: &str, rule: &str) -> String {
    catalogue_text(state, lang, &format!("rule-{rule}")).unwrap_or_else(|| rule.to_owned())
}

/// Message `id` of the platform's catalogue, else `<module>-<id>` of the first module whose
/// catalogue has it, in the reader's language; `None` when no catalogue has it.
pub fn catalogue_text(state: &AppState, lang: &str, id: &str) -> Option<String> {
    catalogue_text_with(state, lang, id, &[])
}

/// The same with arguments.
pub fn catalogue_text_with(
    state: &AppState,
    lang: &str,
    id: &str,
    args: &[(&str, accordo_web::i18n::ArgValue)],
) -> Option<String> {
    let catalogues = &state.web.catalogues;
    let known = catalogues.ids(accordo_web::i18n::FALLBACK);
    std::iter::once(id.to_owned())
        .chain(
            state
                .modules
                .iter()
                .map(|m| format!("{}-{id}", m.core.name)),
        )
        .find(|candidate| known.iter().any(|k| k == candidate))
        .map(|found| catalogues.message(lang, &found, args))
}

/// A clear page for a service error, before sign-in or without the reader's navigation.
pub fn error_page(state: &AppState, lang: &str, error: &ServiceError) -> Response {
    let (status, title, body, detail) = error_parts(state, lang, error);
    message_page(state, lang, status, title, body, detail)
}

/// The same for a signed-in reader: inside the layout with their navigation, so they can go
/// on from where they are (not for an ended session, which has no navigation to offer).
pub fn viewer_error_page(state: &AppState, viewer: &Viewer, error: &ServiceError) -> Response {
    if matches!(error, ServiceError::Unauthenticated(_)) {
        return error_page(state, &viewer.lang, error);
    }
    let (status, title, body, detail) = error_parts(state, &viewer.lang, error);
    let chrome = Chrome::signed_in(viewer, "", None);
    render(
        state,
        &chrome,
        status,
        "error.html",
        context! { status => status.as_u16(), title => title, body => body, detail => detail },
    )
}

/// The 404 page of a path that is no page: for a signed-in reader, in their language and
/// with their navigation; otherwise in the browser's language.
pub async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    if cookie(&parts.headers, SESSION_COOKIE).is_some_and(|s| !s.is_empty())
        && let Ok(viewer) = Viewer::from_request_parts(&mut parts, &state).await
    {
        return viewer_error_page(
            &state,
            &viewer,
            &ServiceError::not_found("page", parts.uri.path()),
        );
    }
    let lang = request_language(&state, &parts.headers);
    message_page(
        &state,
        &lang,
        StatusCode::NOT_FOUND,
        "error-not-found-title",
        "error-not-found-body",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode_plus_percent_and_repeats() {
        let f = Fields::parse(b"username=ita.admin&display_name=Anna+Rossi%20%C3%A8&roles=admin&roles=analyst&bad=%ZZ&end=%4");
        assert_eq!(f.get("username"), "ita.admin");
        assert_eq!(f.get("display_name"), "Anna Rossi è");
        assert_eq!(f.all("roles"), vec!["admin", "analyst"]);
        assert_eq!(f.get("bad"), "%ZZ");
        assert_eq!(f.get("end"), "%4");
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn kept_values_never_include_secrets() {
        let f = Fields::parse(b"username=u&password=p&new_password=n&csrf=c&totp=1&label=x");
        let kept = f.kept();
        assert_eq!(
            kept.keys().copied().collect::<Vec<_>>(),
            vec!["label", "username"]
        );
    }

    #[test]
    fn encode_keeps_paths_and_escapes_the_rest() {
        assert_eq!(
            encode("/admin/users?x=1&y=2"),
            "/admin/users%3Fx%3D1%26y%3D2"
        );
    }
}
