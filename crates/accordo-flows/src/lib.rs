//! The flows pillar's rules: where people cross, from where, and how that compares with the
//! year before, over the real public series and the platform's own events.
//!
//! - [`vocab`]: Frontex's routes, sea or land, the sources (`ITA`, `FRONTEX`, `PLATFORM`:
//!   never added to one another) and the nationality codes, ISO 3166-1 and the sources' own.
//! - [`event`]: an event a coast guard or police force records, checked field by field.
//! - [`map`]: countries of a TopoJSON topology drawn as SVG paths in a window of the world.
//! - [`period`]: days, ISO weeks, months and years.
//! - [`forecast_file`]: an analyst's own series (`series,period,value`) and their forecasts.
//! - [`import`]: the published files, recognised by their header and refused whole on one bad
//!   row, by line and column.
//! - [`stats`]: totals with their basis (a year's official figure beside the sum of its
//!   months), year to date, change, the largest shares.
//!
//! Pure: no I/O.

pub mod event;
pub mod forecast_file;
pub mod import;
pub mod map;
pub mod period;
pub mod stats;
pub mod vocab;
