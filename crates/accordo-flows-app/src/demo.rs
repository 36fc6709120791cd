//! The real public series the demo starts with, copied into `data/` with their provenance
//! (each folder's PROVENANCE.md): Italy's sea arrivals by month and year and by declared
//! nationality (Interior Ministry), and Frontex's detections by route, month and
//! nationality.

use accordo_flows::vocab::Source;
use accordo_service::{Platform, Result};

use crate::service;

/// The files, in the order they are imported: `(source, name, bytes)`.
pub const FILES: &[(Source, &str, &[u8])] = &[
    (
        Source::Ita,
        "italy-sea-arrivals/yearly.csv",
        include_bytes!("../data/italy-sea-arrivals/yearly.csv"),
    ),
    (
        Source::Ita,
        "italy-sea-arrivals/monthly.csv",
        include_bytes!("../data/italy-sea-arrivals/monthly.csv"),
    ),
    (
        Source::Ita,
        "italy-arrivals-by-nationality/year_end_by_nationality.csv",
        include_bytes!("../data/italy-arrivals-by-nationality/year_end_by_nationality.csv"),
    ),
    (
        Source::Frontex,
        "frontex-detections/by_route_month.csv",
        include_bytes!("../data/frontex-detections/by_route_month.csv"),
    ),
];

/// Frontex's detections by nationality (34,273 figures): imported by `serve --demo` once it
/// is ready, in the background, rather than with every demo (and every test's).
pub const LATER: (Source, &str, &[u8]) = (
    Source::Frontex,
    "frontex-detections/by_route_nationality_month.csv",
    include_bytes!("../data/frontex-detections/by_route_nationality_month.csv"),
);

/// Imports the files the demo starts with (once: a file already imported changes nothing).
pub async fn seed(platform: &Platform) -> Result<()> {
    let ctx = accordo_service::demo::command_line_ctx();
    for (source, _, bytes) in FILES {
        service::import(platform, &ctx, *source, bytes, &|_, _| {}).await?;
    }
    Ok(())
}

/// On a demo installation, imports [`LATER`] (again changes nothing).
pub async fn import_later(platform: &Platform) -> Result<()> {
    if !accordo_service::demo::is_demo(platform).await? {
        return Ok(());
    }
    let (source, name, bytes) = LATER;
    let ctx = accordo_service::demo::command_line_ctx();
    let done = service::import(platform, &ctx, source, bytes, &|_, _| {}).await?;
    tracing::info!(
        file = name,
        figures = done.rows,
        changed = done.changed,
        "demo flows imported"
    );
    Ok(())
}
