//! What a module (a pillar) gives the platform below HTTP: its kinds of record, its tables
//! (for migrations, export and retention) and its hooks at start and in the demo.
//!
//! The platform names no module: the fronts (`accordo serve`, the CLI, the tests) list the
//! modules they compose and hand them to [`Platform::new`](crate::Platform::new), and every
//! place that once held a registry of every pillar (the migrations, the export's tables, the
//! retention targets, the demo seed) now reads this list.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::KindPolicy;
use accordo_store::migrate::Migration;
use accordo_store::retention::RetentionTarget;
use accordo_store::transfer::TableSpec;

use crate::{Platform, Result};

/// A step a module takes on the platform (reference data, an in-memory index, the demo).
pub type Hook = for<'a> fn(&'a Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// A module as the services see it. Each pillar crate has one `static`, inside its `Module`.
pub struct ModuleCore {
    /// Stable name, e.g. `documents`.
    pub name: &'static str,
    /// Its kinds of record and who may do what with them.
    pub policies: &'static [&'static KindPolicy],
    /// Its migrations; versions are one number space across modules (see
    /// `accordo_store::migrate`).
    pub migrations: &'static [Migration],
    /// Its tables, parents before children, for export and import.
    pub tables: &'static [TableSpec],
    /// How long its records are kept.
    pub retention: &'static [RetentionTarget],
    /// Run at every start, after the migrations and the platform's reference data: the
    /// module's reference data (written once) and its in-memory state.
    pub prepare: Option<Hook>,
    /// Run once when the demo partnership is seeded, after the platform's agencies and users.
    pub seed: Option<Hook>,
}
