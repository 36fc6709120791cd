//! The intel pillar's rules, as plain values and functions: what police and coast-guard
//! messages name, and how the partnership finds that two messages name the same thing.
//!
//! - [`entity`]: the kinds of entity ([`Kind`]) and [`check`], which turns a value as an
//!   officer wrote it into its normalised key, or says why it is not a valid identifier of
//!   its kind. Two spellings of one identifier give one key; an invalid value gets no key, so
//!   it is never matched.
//! - [`extract`]: the entities a message's text names (telephone numbers, e-mail addresses,
//!   IBANs, IMO and MMSI numbers, links, handles), in any script's digits.
//! - [`attachment`]: the types a message may carry, each checked against its content.
//! - [`grading`]: the 4×4 grading of the source's reliability and the information's
//!   credibility.
//! - [`hits`]: the in-memory index from keys to the records that hold them (hit/no-hit).
//! - [`graph`]: the network behind the messages a reader may read: entities and cases, joined
//!   by the messages that name them together and by what they state (`petgraph`).
//! - [`relation`]: what a message states between two of its entities (uses, owns, paid to,
//!   travelled with), and the kinds each joins.
//!
//! Pure: no I/O.

pub mod area;
pub mod attachment;
pub mod entity;
pub mod extract;
pub mod grading;
pub mod graph;
pub mod hits;
mod identifiers;
mod phone;
pub mod relation;

pub use entity::{Checked, Kind, Note, Reason, check};
pub use grading::{Credibility, Reliability};
pub use hits::{Key, MatchIndex};
