//! The composition of accordo: which modules the platform is made of, in order. The binary
//! (`accordo serve` and every command) and the tests of the whole application use this list;
//! adding a pillar adds its crate here.
//!
//! The order matters twice: modules are shown in it (navigation, home page), and a module
//! that reads another's records comes after it (intel after flows, cooperation after returns
//! and intel).

use accordo_server::Module;

/// Every module of the platform.
pub static MODULES: &[&Module] = &[
    &accordo_documents_app::MODULE,
    &accordo_returns_app::MODULE,
    &accordo_flows_app::MODULE,
    &accordo_intel_app::MODULE,
    // After intel: the index counts its joint courses.
    &accordo_cooperation_app::MODULE,
    &accordo_online_app::MODULE,
    // After cooperation: a window's shares are its published allocations.
    &accordo_pathways_app::MODULE,
];
