//! The cooperation pillar's arithmetic, as plain functions: how a partner's cooperation is
//! scored ([`index`]) and how legal-entry quotas are divided among partners by that score
//! ([`apportion`]). No I/O: the service feeds it values from the store, and `accordo quotas
//! apportion` runs [`apportion`] alone.

pub mod apportion;
pub mod index;

pub use apportion::{ApportionError, Claim, Method, apportion, apportion_by_code};
pub use index::{Policy, PolicyError, Score};
