//! The intel pillar's services: cases, messages with their entities and hits, the match
//! index that finds the hits, and the network behind the messages (`graph`). Each asks `can` (or builds its `Scope` from it) before it reads
//! or writes.

pub mod cases;
pub mod graph;
pub mod hits;
pub mod index;
pub mod messages;
pub mod sharing;
pub mod stix;
pub mod units;

/// At most this many records in one list.
pub const LIST_MAX: i64 = 500;
