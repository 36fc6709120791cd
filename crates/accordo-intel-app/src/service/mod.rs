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

/// A refusal of `field` by the rule `id` (its catalogue message `intel-error-<id>`).
pub(crate) fn refused(
    field: &str,
    id: &'static str,
    args: Vec<(&'static str, String)>,
    text: String,
) -> accordo_service::ServiceError {
    accordo_service::ServiceError::refused_value(field, id, args, text)
}

/// A date as written, or its refusal added to `no`.
pub(crate) fn date_of(
    field: &str,
    text: &str,
    no: &mut Vec<accordo_service::ServiceError>,
) -> Option<jiff::civil::Date> {
    match accordo_domain::dates::parse(text.trim()) {
        Ok(d) => Some(d),
        Err(e) => {
            no.push(refused(
                field,
                "date",
                vec![("given", text.to_owned())],
                e.to_string(),
            ));
            None
        }
    }
}
