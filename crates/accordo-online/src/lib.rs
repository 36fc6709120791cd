//! The online pillar's rules (the "virtual dimension": smugglers' adverts on social media).
//!
//! - [`pdq`]: PDQ perceptual hashes of captured images, their text form and distance, and the
//!   guard that refuses an image too large to decode before decoding it.
//! - [`index`]: every stored hash within 31 bits of a query's, exactly (a multi-index hash).
//!
//! Pure: no I/O beyond the bytes it is given; names no other pillar.

pub mod index;
pub mod pdq;
