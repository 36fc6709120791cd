//! Services of accordo, shared by the HTTP server and the CLI.
//!
//! A service method takes a [`Ctx`] (who acts, for which request), asks
//! [`accordo_domain::can`], calls the store with the actor's scope, and writes the audit entry
//! in the same transaction as the change. Nothing here knows about HTTP.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cooperation;
pub mod demo;
mod demo_returns;
pub mod documents;
pub mod error;
pub mod notifications;
pub mod passwords;
pub mod policy;
pub mod retention;
pub mod returns;

use std::sync::Arc;

use accordo_domain::Actor;
use accordo_domain::clock::{Clock, SystemClock};
use accordo_store::Store;

pub use error::{AuthFailure, ServiceError};
pub use passwords::PasswordCost;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Settings of a running platform.
#[derive(Debug, Clone)]
pub struct Settings {
    pub password_cost: PasswordCost,
    /// Lifetime of a browser session.
    pub session_hours: i64,
    /// Idle time after which a session ends.
    pub session_idle_minutes: i64,
    /// Default and longest lifetime of an API token.
    pub token_days_default: i64,
    pub token_days_max: i64,
    /// Consecutive failed sign-ins that lock an account, and for how long.
    pub lockout_after: i64,
    pub lockout_minutes: i64,
    /// Failed sign-ins from one address within the window that block the address.
    pub address_failures: u32,
    pub address_window_seconds: i64,
    /// Languages a user may choose: the built-in catalogues, plus any loaded at start
    /// (`serve --locales`).
    pub languages: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            password_cost: PasswordCost::Standard,
            session_hours: 12,
            session_idle_minutes: 120,
            token_days_default: 90,
            token_days_max: 365,
            lockout_after: 5,
            lockout_minutes: 15,
            address_failures: 30,
            address_window_seconds: 900,
            languages: accounts::LANGUAGES
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
        }
    }
}

/// The running platform: the store, the clock, the settings and shared in-memory state.
#[derive(Clone)]
pub struct Platform {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub(crate) throttle: Arc<auth::AddressThrottle>,
    /// The document register's in-memory index.
    pub register: Arc<documents::Register>,
}

impl Platform {
    pub fn new(store: Store, settings: Settings) -> Self {
        Self::with_clock(store, settings, Arc::new(SystemClock))
    }

    pub fn with_clock(store: Store, settings: Settings, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            throttle: Arc::default(),
            register: Arc::default(),
        }
    }

    pub fn now_us(&self) -> i64 {
        self.clock.now().as_microsecond()
    }

    /// Applies missing migrations and the reference data every installation has, and
    /// builds the document register's index.
    pub async fn prepare(&self) -> Result<Vec<&'static str>> {
        let applied = accordo_store::migrate::run(&self.store, self.now_us()).await?;
        demo::ensure_reference_data(self).await?;
        documents::load_index(self).await?;
        Ok(applied)
    }
}

/// Who acts, and for which request: passed to every service call.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub request_id: Option<String>,
}

/// A new record identifier (UUIDv7: time-ordered).
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
