//! Pure domain rules of accordo.
//!
//! This crate does no I/O: no database, no network, no file system, no wall clock
//! (time comes in through [`clock::Clock`]). Everything here can be tested with plain
//! values, and every other crate builds on it.

pub mod access;
pub mod audit;
pub mod clock;
pub mod codes;
pub mod dates;
pub mod net;
pub mod retention;
pub mod role;
pub mod tlp;

pub use access::{
    Action, Actor, Addressee, Denied, KindPolicy, Reach, RecordScope, Resource, Scope, can, scope,
};
pub use codes::{AgencyCode, CodeError, CountryCode};
pub use role::{Role, RoleSet};
pub use tlp::Handling;
