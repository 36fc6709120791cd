//! The flows page's map: Natural Earth's countries (`data/world-atlas`, embedded) drawn once
//! by the server as SVG over the window where Frontex's routes are, with each route's
//! detections and the events the reader may read placed on it.

use std::sync::OnceLock;

use accordo_flows::map::{self, View};

/// Natural Earth's countries at 1:50m, as the `world-atlas` package ships them.
pub const WORLD: &[u8] = include_bytes!("../data/world-atlas/countries-50m.json");

/// From the Canaries to the Black Sea's east shore, from the Sahara to the Baltic.
pub const VIEW: View = View {
    west: -25.0,
    east: 45.0,
    south: 22.0,
    north: 56.0,
    width: 600.0,
};

/// Points closer than this (in drawing units, about 0.6 of a pixel at full width) are one.
const STEP: f64 = 0.6;

/// The countries, read once.
fn world() -> &'static [map::Country] {
    static WORLD_COUNTRIES: OnceLock<Vec<map::Country>> = OnceLock::new();
    WORLD_COUNTRIES.get_or_init(|| match map::countries(WORLD, "countries") {
        Ok(countries) => countries,
        Err(e) => {
            tracing::error!(error = %e, "the embedded world map could not be read");
            Vec::new()
        }
    })
}

/// The countries in another window of the same map (a joint operation's area, say), as SVG
/// paths; drawn for each call.
pub fn land_in(view: &View) -> String {
    map::paths(world(), view, STEP)
        .into_iter()
        .map(|(_, d)| format!("<path d=\"{d}\"/>"))
        .collect()
}

/// The countries as SVG paths (one `<path>` each), drawn on first use.
pub fn land() -> &'static str {
    static LAND: OnceLock<String> = OnceLock::new();
    LAND.get_or_init(|| land_in(&VIEW))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_map_has_the_countries_of_the_routes_and_is_light() {
        let countries = map::countries(WORLD, "countries").unwrap();
        let drawn: Vec<String> = map::paths(&countries, &VIEW, STEP)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        for name in [
            "Italy", "Malta", "Libya", "Tunisia", "Turkey", "Greece", "Spain", "Morocco", "Poland",
        ] {
            assert!(drawn.iter().any(|n| n == name), "{name} is drawn");
        }
        for far in ["Australia", "Brazil", "Pakistan"] {
            assert!(
                !drawn.iter().any(|n| n == far),
                "{far} is outside the window"
            );
        }
        // Malta's main island, at its place (14.4°E, 35.9°N), falls inside the drawing.
        let (x, y) = VIEW.project((14.4, 35.9));
        assert!((0.0..600.0).contains(&x) && (0.0..VIEW.height()).contains(&y));
        let svg = land();
        assert!(svg.starts_with("<path d=\"M"));
        // Thinned for a page: well under the 756 KB of the whole world.
        assert!(svg.len() < 200_000, "{} bytes", svg.len());
    }
}
