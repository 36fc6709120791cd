//! The crate's tests, one binary: ICAO's specimens and traps, and the properties (round trips,
//! no panic on any input, the fast path agreeing with the full check).

mod properties;
mod specimens;
