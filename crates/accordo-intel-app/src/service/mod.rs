//! The intel pillar's services: cases, messages with their entities and hits, the match
//! index that finds the hits, the network behind the messages (`graph`), and joint
//! operations whose interceptions and rescues are the flows pillar's events (`operations`), and
//! joint training, which the cooperation index counts (`training`). Each asks `can` (or builds its `Scope` from it) before it reads
//! or writes.

pub mod cases;
pub mod graph;
pub mod hits;
pub mod index;
pub mod messages;
pub mod operations;
pub mod sharing;
pub mod stix;
pub mod training;
pub mod units;

/// At most this many records in one list.
pub const LIST_MAX: i64 = 500;
