//! Services of accordo, shared by the HTTP server and the CLI.
//!
//! A service method takes a [`Ctx`] (who acts, for which request), asks
//! [`accordo_domain::can`], calls the store with the actor's scope, and writes the audit entry
//! in the same transaction as the change. Nothing here knows about HTTP.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod demo;
pub mod error;
pub mod module;
pub mod notifications;
pub mod passwords;
pub mod policy;
pub mod retention;
pub mod sharing;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accordo_domain::Actor;
use accordo_domain::clock::{Clock, SystemClock};
use accordo_store::Store;

pub use error::{AuthFailure, ServiceError};
pub use module::ModuleCore;
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
    /// Failed sign-ins of one username from one address before each further attempt of the
    /// pair waits (1, 2, 4 … seconds), and the longest wait. No account is ever locked.
    pub pair_free_failures: u32,
    pub pair_max_delay_seconds: i64,
    /// Failed sign-ins from one address within the window that block the address.
    pub address_failures: u32,
    pub address_window_seconds: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy`);
    /// from any other peer the header is ignored.
    pub trusted_proxies: Vec<accordo_domain::net::Cidr>,
    /// The key that signs the audit chain's checkpoints (`serve --audit-key`), kept outside
    /// the data directory; none, no checkpoints.
    pub audit_key: Option<std::sync::Arc<ed25519_dalek::SigningKey>>,
    /// Languages a user may choose: the built-in catalogues, plus any loaded at start
    /// (`serve --locales`).
    pub languages: Vec<String>,
    /// The host state's time zone (IANA name): the calendar of its own records, such as the
    /// day a return decision or a stay is dated. Partners' deadlines use their own zones.
    pub host_time_zone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            password_cost: PasswordCost::Standard,
            session_hours: 12,
            session_idle_minutes: 120,
            token_days_default: 90,
            token_days_max: 365,
            pair_free_failures: 5,
            pair_max_delay_seconds: 900,
            address_failures: 30,
            address_window_seconds: 900,
            trusted_proxies: Vec::new(),
            audit_key: None,
            languages: accounts::LANGUAGES
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            host_time_zone: "Europe/Rome".to_owned(),
        }
    }
}

/// The running platform: the store, the clock, the settings, the modules it was composed
/// with and their shared in-memory state.
#[derive(Clone)]
pub struct Platform {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub(crate) throttle: Arc<auth::AddressThrottle>,
    pub(crate) pair_throttle: Arc<auth::PairThrottle>,
    /// The modules, in the order the front composed them.
    pub modules: Arc<[&'static ModuleCore]>,
    state: Arc<ModuleState>,
}

/// Each module's in-memory state (an index, a cache), one value per type, made on first use.
#[derive(Default)]
struct ModuleState(Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Platform {
    pub fn new(store: Store, settings: Settings, modules: &[&'static ModuleCore]) -> Self {
        Self::with_clock(store, settings, Arc::new(SystemClock), modules)
    }

    pub fn with_clock(
        store: Store,
        settings: Settings,
        clock: Arc<dyn Clock>,
        modules: &[&'static ModuleCore],
    ) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            throttle: Arc::default(),
            pair_throttle: Arc::default(),
            modules: modules.into(),
            state: Arc::default(),
        }
    }

    pub fn now_us(&self) -> i64 {
        self.clock.now().as_microsecond()
    }

    /// A module's shared in-memory value of type `T`, made with `T::default()` on first use.
    /// Clones of this platform share it; another platform (another database) has its own.
    pub fn state<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        // A poisoned lock only means another thread panicked while inserting: the map holds
        // whole values, so it is still sound to use.
        let mut map = self.state.0.lock().unwrap_or_else(|e| e.into_inner());
        let value = map
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        drop(map);
        // The entry for `TypeId::of::<T>()` holds a `T` by construction.
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("the state of a type holds that type"))
    }

    /// The migrations of the platform and of every module.
    pub fn migrations(&self) -> Vec<&'static [accordo_store::migrate::Migration]> {
        std::iter::once(accordo_store::migrate::FOUNDATION)
            .chain(self.modules.iter().map(|m| m.migrations))
            .collect()
    }

    /// Every table, the platform's first, then each module's in order (the export order).
    pub fn tables(&self) -> Vec<&'static accordo_store::transfer::TableSpec> {
        accordo_store::transfer::FOUNDATION
            .iter()
            .chain(self.modules.iter().flat_map(|m| m.tables.iter()))
            .collect()
    }

    /// Every retention target, the platform's first.
    pub fn retention_targets(&self) -> Vec<&'static accordo_store::retention::RetentionTarget> {
        accordo_store::retention::FOUNDATION
            .iter()
            .chain(self.modules.iter().flat_map(|m| m.retention.iter()))
            .collect()
    }

    /// Refuses modules that claim one name twice: a kind of record, a table, a retention
    /// kind (the second would silently lose to the first).
    pub fn check_modules(&self) -> Result<()> {
        let kinds = policy::ALL.iter().map(|p| p.kind).chain(
            self.modules
                .iter()
                .flat_map(|m| m.policies.iter().map(|p| p.kind)),
        );
        let tables = self.tables().into_iter().map(|t| t.name);
        let retention = self.retention_targets().into_iter().map(|t| t.rule.kind);
        for (what, names) in [
            ("kind of record", kinds.collect::<Vec<_>>()),
            ("table", tables.collect()),
            ("retention kind", retention.collect()),
        ] {
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = names.into_iter().find(|n| !seen.insert(*n)) {
                return Err(ServiceError::invalid(
                    "modules",
                    format!(
                        "two modules (or a module and the platform) declare the {what} `{twice}`"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Applies missing migrations and the platform's reference data, then each module's
    /// `prepare` (its reference data, its in-memory state).
    pub async fn prepare(&self) -> Result<Vec<&'static str>> {
        self.check_modules()?;
        let applied =
            accordo_store::migrate::run(&self.store, self.now_us(), &self.migrations()).await?;
        demo::ensure_reference_data(self).await?;
        audit::record_erasures_of_earlier_versions(self).await?;
        for module in self.modules.iter() {
            if let Some(prepare) = module.prepare {
                prepare(self).await?;
            }
        }
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
