//! A map drawn by the server: the countries of a TopoJSON topology (Natural Earth's, as the
//! `world-atlas` package ships them) projected onto a window of the world and written as
//! SVG paths, clipped to the window and thinned to what a screen shows.
//!
//! The projection is equirectangular with its longitudes shrunk by the cosine of the
//! window's middle latitude: at the Mediterranean's latitudes shapes keep their look, and a
//! point's place is a line of arithmetic that a test can check by hand.

use serde::Deserialize;

/// A point in degrees: longitude, latitude.
pub type LonLat = (f64, f64);

/// A country: its ISO 3166-1 numeric id, its English name, its polygons (each a list of
/// rings, the first the outer one).
#[derive(Debug, Clone)]
pub struct Country {
    pub id: String,
    pub name: String,
    pub polygons: Vec<Vec<Vec<LonLat>>>,
}

#[derive(Deserialize)]
struct Topology {
    #[serde(rename = "type")]
    kind: String,
    transform: Option<Transform>,
    arcs: Vec<Vec<[f64; 2]>>,
    objects: std::collections::BTreeMap<String, Collection>,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    arcs: serde_json::Value,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Reads the countries of the object `object` of a TopoJSON topology.
pub fn countries(json: &[u8], object: &str) -> Result<Vec<Country>, String> {
    let topology: Topology =
        serde_json::from_slice(json).map_err(|e| format!("not a TopoJSON topology: {e}"))?;
    if topology.kind != "Topology" {
        return Err(format!(
            "a TopoJSON `Topology` was expected, not `{}`",
            topology.kind
        ));
    }
    // Arcs to degrees: quantised arcs are delta-encoded.
    let arcs: Vec<Vec<LonLat>> = topology
        .arcs
        .iter()
        .map(|arc| match &topology.transform {
            Some(t) => {
                let (mut x, mut y) = (0.0, 0.0);
                arc.iter()
                    .map(|[dx, dy]| {
                        x += dx;
                        y += dy;
                        (
                            x * t.scale[0] + t.translate[0],
                            y * t.scale[1] + t.translate[1],
                        )
                    })
                    .collect()
            }
            None => arc.iter().map(|[x, y]| (*x, *y)).collect(),
        })
        .collect();
    let collection = topology
        .objects
        .get(object)
        .ok_or_else(|| format!("the topology has no object `{object}`"))?;
    let ring = |indexes: &serde_json::Value| -> Result<Vec<LonLat>, String> {
        let mut points: Vec<LonLat> = Vec::new();
        for index in indexes
            .as_array()
            .ok_or("a ring is a list of arc indexes")?
        {
            let i = index.as_i64().ok_or("an arc index is a whole number")?;
            // A negative index ~i is arc i reversed.
            let (n, reversed) = if i < 0 { (!i, true) } else { (i, false) };
            let arc = usize::try_from(n)
                .ok()
                .and_then(|n| arcs.get(n))
                .ok_or_else(|| format!("no arc {n}"))?;
            let mut part: Vec<LonLat> = arc.clone();
            if reversed {
                part.reverse();
            }
            // Each arc after the first starts where the one before ended.
            let skip = usize::from(!points.is_empty());
            points.extend(part.into_iter().skip(skip));
        }
        Ok(points)
    };
    let polygon = |rings: &serde_json::Value| -> Result<Vec<Vec<LonLat>>, String> {
        rings
            .as_array()
            .ok_or("a polygon is a list of rings")?
            .iter()
            .map(ring)
            .collect()
    };
    collection
        .geometries
        .iter()
        .map(|g| {
            let polygons = match g.kind.as_str() {
                "Polygon" => vec![polygon(&g.arcs)?],
                "MultiPolygon" => g
                    .arcs
                    .as_array()
                    .ok_or("a multipolygon is a list of polygons")?
                    .iter()
                    .map(polygon)
                    .collect::<Result<_, _>>()?,
                _ => Vec::new(),
            };
            let text = |v: Option<&serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            Ok(Country {
                id: text(g.id.as_ref()),
                name: text(g.properties.as_ref().and_then(|p| p.get("name"))),
                polygons,
            })
        })
        .collect()
}

/// A window of the world drawn `width` units wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
    pub width: f64,
}

impl View {
    /// How much a degree of longitude is shortened.
    fn squeeze(&self) -> f64 {
        ((self.south + self.north) / 2.0).to_radians().cos()
    }

    /// Units per degree of latitude.
    fn unit(&self) -> f64 {
        self.width / ((self.east - self.west) * self.squeeze())
    }

    /// The height that keeps the projection's proportions.
    pub fn height(&self) -> f64 {
        (self.north - self.south) * self.unit()
    }

    /// A point's place in the drawing: x to the east, y downwards.
    pub fn project(&self, (lon, lat): LonLat) -> (f64, f64) {
        (
            (lon - self.west) * self.squeeze() * self.unit(),
            (self.north - lat) * self.unit(),
        )
    }

    /// Whether the point is inside the window.
    pub fn contains(&self, (lon, lat): LonLat) -> bool {
        (self.west..=self.east).contains(&lon) && (self.south..=self.north).contains(&lat)
    }
}

/// A ring clipped to a rectangle (Sutherland–Hodgman: each edge of the window in turn).
fn clip(ring: &[(f64, f64)], (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
    type Inside = fn((f64, f64), f64) -> bool;
    type Cross = fn((f64, f64), (f64, f64), f64) -> (f64, f64);
    let at_x: Cross = |a, b, x| (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0));
    let at_y: Cross = |a, b, y| (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y);
    let edges: [(Inside, Cross, f64); 4] = [
        (|p, v| p.0 >= v, at_x, x0),
        (|p, v| p.0 <= v, at_x, x1),
        (|p, v| p.1 >= v, at_y, y0),
        (|p, v| p.1 <= v, at_y, y1),
    ];
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    for (inside, cross, v) in edges {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut prev = last;
        for p in input {
            match (inside(p, v), inside(prev, v)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cross(prev, p, v));
                    out.push(p);
                }
                (false, true) => out.push(cross(prev, p, v)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

/// The countries in the window as SVG path data, `(name, d)`: clipped to the window (with a
/// margin), points closer than `min_step` units to the last one kept left out, rings that
/// shrink to nothing dropped. Coordinates are written to one decimal.
pub fn paths(countries: &[Country], view: &View, min_step: f64) -> Vec<(String, String)> {
    let margin = 2.0;
    let bounds = (
        -margin,
        -margin,
        view.width + margin,
        view.height() + margin,
    );
    let mut out = Vec::new();
    for country in countries {
        let mut d = String::new();
        for polygon in &country.polygons {
            for ring in polygon {
                let projected: Vec<(f64, f64)> = ring.iter().map(|p| view.project(*p)).collect();
                let clipped = clip(&projected, bounds);
                let mut kept: Vec<(f64, f64)> = Vec::with_capacity(clipped.len());
                for p in clipped {
                    let far = kept.last().is_none_or(|q: &(f64, f64)| {
                        (p.0 - q.0).abs() >= min_step || (p.1 - q.1).abs() >= min_step
                    });
                    if far {
                        kept.push(p);
                    }
                }
                if kept.len() < 3 {
                    continue;
                }
                for (i, (x, y)) in kept.iter().enumerate() {
                    d.push(if i == 0 { 'M' } else { 'L' });
                    d.push_str(&format!("{x:.1} {y:.1}"));
                }
                d.push('Z');
            }
        }
        if !d.is_empty() {
            out.push((country.name.clone(), d));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A topology of two squares sharing an edge, quantised as world-atlas writes them.
    const TWO: &str = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[10,30]},
        "arcs":[[[0,0],[0,2]],[[0,2],[2,0],[0,-2],[-2,0]],[[0,0],[-2,0],[0,2],[2,0]]],
        "objects":{"countries":{"type":"GeometryCollection","geometries":[
          {"type":"Polygon","arcs":[[0,1]],"id":"470","properties":{"name":"East"}},
          {"type":"MultiPolygon","arcs":[[[~0,2]]],"id":"380","properties":{"name":"West"}}]}}}"#;

    #[test]
    fn arcs_are_decoded_joined_and_reversed() {
        let json = TWO.replace("~0", "-1");
        let c = countries(json.as_bytes(), "countries").unwrap();
        assert_eq!((c[0].name.as_str(), c[0].id.as_str()), ("East", "470"));
        // Arc 0 from (10,30) up to (10,32); arc 1 round the east square back to (10,30).
        assert_eq!(
            c[0].polygons[0][0],
            vec![
                (10.0, 30.0),
                (10.0, 32.0),
                (12.0, 32.0),
                (12.0, 30.0),
                (10.0, 30.0)
            ]
        );
        // The shared edge reversed (~0 = -1), then round the west square.
        assert_eq!(
            c[1].polygons[0][0],
            vec![
                (10.0, 32.0),
                (10.0, 30.0),
                (8.0, 30.0),
                (8.0, 32.0),
                (10.0, 32.0)
            ]
        );
        assert!(countries(b"{}", "countries").is_err());
        assert!(countries(json.as_bytes(), "land").is_err());
        let bad = json.replace("[[0,1]]", "[[0,7]]");
        assert!(
            countries(bad.as_bytes(), "countries")
                .unwrap_err()
                .contains("no arc 7")
        );
    }

    #[test]
    fn the_projection_keeps_proportions_at_the_window_s_latitude() {
        let v = View {
            west: 0.0,
            east: 20.0,
            south: 50.0,
            north: 70.0,
            width: 100.0,
        };
        // At 60°N a degree of longitude is half a degree of latitude.
        assert!((v.height() - 200.0).abs() < 1e-9, "{}", v.height());
        assert_eq!(v.project((0.0, 70.0)), (0.0, 0.0));
        let (x, y) = v.project((20.0, 50.0));
        assert!((x - 100.0).abs() < 1e-9 && (y - 200.0).abs() < 1e-9);
        assert!(v.contains((10.0, 60.0)) && !v.contains((21.0, 60.0)));
    }

    #[test]
    fn a_ring_is_clipped_to_the_window() {
        let square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let clipped = clip(&square, (0.0, 0.0, 10.0, 10.0));
        let mut corners = clipped.clone();
        corners.sort_by(|a, b| a.partial_cmp(b).unwrap());
        corners.dedup();
        assert_eq!(
            corners,
            vec![(0.0, 0.0), (0.0, 5.0), (5.0, 0.0), (5.0, 5.0)]
        );
        assert!(
            clip(
                &[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)],
                (0.0, 0.0, 10.0, 10.0)
            )
            .is_empty()
        );
    }

    #[test]
    fn paths_leave_out_what_is_outside_or_too_small() {
        let json = TWO.replace("~0", "-1");
        let c = countries(json.as_bytes(), "countries").unwrap();
        let v = View {
            west: 9.0,
            east: 13.0,
            south: 29.0,
            north: 33.0,
            width: 400.0,
        };
        let drawn = paths(&c, &v, 0.5);
        // The west square is mostly outside: clipped, not dropped.
        assert_eq!(drawn.len(), 2);
        assert!(drawn[0].1.starts_with('M') && drawn[0].1.ends_with('Z'));
        // Seen from afar both squares are a dot: nothing is drawn.
        let far = View { width: 0.5, ..v };
        assert!(paths(&c, &far, 0.5).is_empty());
    }
}
