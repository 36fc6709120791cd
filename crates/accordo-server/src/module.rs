//! A module as the server composes it: its services' part ([`ModuleCore`]) and its routes,
//! pages, navigation, home-page cards, templates and catalogues.
//!
//! Each pillar crate has one `pub static MODULE: Module`; the fronts list them (the binary's
//! `accordo::MODULES`) and hand the list to [`AppState::new`](crate::AppState::new). This
//! crate names no module: adding one touches its own crate and that list.

use std::future::Future;
use std::pin::Pin;

use accordo_service::{ModuleCore, Platform};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::pages::home::Card;
use crate::pages::{NavItem, Viewer};

/// The cards a module shows on the home page for this reader (none when it may read nothing).
pub type Cards =
    for<'a> fn(&'a AppState, &'a Viewer) -> Pin<Box<dyn Future<Output = Vec<Card>> + Send + 'a>>;

/// Work a module runs beside the server for as long as it serves (following another node's
/// changes); it returns when there is nothing (more) to do.
pub type Background = fn(Platform) -> Pin<Box<dyn Future<Output = ()> + Send>>;

pub struct Module {
    pub core: ModuleCore,
    /// Its JSON API, each route described for the OpenAPI document.
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its web pages.
    pub pages: fn() -> crate::pages::PageRoutes,
    /// Its entries in the main navigation, after the home page's and before administration.
    pub nav: &'static [NavItem],
    /// Its cards on the home page, after the notifications.
    pub cards: Option<Cards>,
    /// Its templates, `(name, source)`; names start with the module's folder
    /// (`documents/check.html`) and may extend the platform's `layout.html` and import
    /// `macros.html`.
    pub templates: &'static [(&'static str, &'static str)],
    /// Its Fluent messages, `(language code, text)`; ids start with the module's name.
    pub locales: &'static [(&'static str, &'static str)],
    /// Started by `accordo serve`.
    pub background: Option<Background>,
    /// Its rows of the access matrix and the records they are tried on (see
    /// [`crate::testing::matrix`]).
    pub access: crate::testing::matrix::AccessMatrix,
}

impl Module {
    /// The services' part of each module, for [`Platform::new`].
    pub fn cores(modules: &[&'static Module]) -> Vec<&'static ModuleCore> {
        modules.iter().map(|m| &m.core).collect()
    }
}
