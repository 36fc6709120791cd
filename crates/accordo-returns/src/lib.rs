//! The returns pillar's rules, as plain values and functions:
//! - [`case`]: the return case's states, and [`case::check`], which says whether a
//!   transition may happen and, when it may not, names *every* rule that blocks it;
//! - [`agreement`]: a readmission agreement's terms (reply time, silence as acceptance,
//!   travel-document validity …) as data, and the reply deadline they give.

pub mod agreement;
pub mod case;

pub use agreement::{Deadline, Pause, Terms};
pub use case::{Asylum, Rule, State, Transition, Vulnerability};
