//! The online pillar's rules (the "virtual dimension": smugglers' adverts on social media).
//!
//! - [`pdq`]: PDQ perceptual hashes of captured images, their text form and distance, and the
//!   guard that refuses an image too large to decode before decoding it.
//! - [`index`]: every stored hash within 31 bits of a query's, exactly (a multi-index hash).
//! - [`lang`]: the language of a post, Pashto and Tigrinya told apart by their letters.
//! - [`signals`]: what a post says (the intel pillar's identifiers, contact links, prices,
//!   places, the words of a crossing), and [`score`]: the transparent score that ranks review.
//! - [`cluster`]: near-duplicate clusters of posts by text (MinHash) and image (PDQ).
//!
//! Pure: no I/O beyond the bytes it is given. It reads identifiers as the intel pillar's rules
//! do (`accordo-intel`), so that they match what officers exchange.

pub mod cluster;
pub mod index;
pub mod lang;
pub mod pdq;
pub mod score;
pub mod signals;
