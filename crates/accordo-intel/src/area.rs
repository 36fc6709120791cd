//! The area of a joint operation: a polygon drawn on a map (say, the stretch of sea off Libya
//! that Italian and Turkish coast guards patrol together), checked once when it is drawn, then
//! asked whether a reported position lies inside it.
//!
//! Coordinates are treated as planar, longitude as x and latitude as y. Operation areas are
//! small sea zones, where the difference between a straight line on the chart and a great
//! circle is far below what anyone draws; there is no handling of the antimeridian (an area
//! crossing longitude 180 must be drawn as two areas) nor of the poles.
//!
//! Every coordinate is kept to 6 decimals (about 11 cm), the precision of the text form, so
//! that an area written out with [`Area::to_text`] and read back is the same area. The checks
//! and [`Area::contains`] work on that grid in whole micro-degrees with integer arithmetic, so
//! their answers are exact: a point on a sloping edge is on it, and no rounding can make a
//! ring pass as simple when it is not.

use std::fmt;

use serde::Serialize;

/// The most vertices an area may have. A drawn sea zone needs a few dozen at most; the bound
/// keeps the quadratic self-intersection check cheap.
pub const MAX_VERTICES: usize = 200;

/// Micro-degrees per degree: the grid coordinates are kept on.
const SCALE: f64 = 1e6;

/// The longest piece of a user's text quoted back in an error message.
const QUOTE_CHARS: usize = 40;

/// A point in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

impl Point {
    pub const fn new(latitude: f64, longitude: f64) -> Point {
        Point {
            latitude,
            longitude,
        }
    }
}

/// A checked simple polygon: its ring without the closing repeat, 3..=[`MAX_VERTICES`]
/// vertices, no two consecutive vertices equal, not all on one line, and no edge crossing or
/// touching another except consecutive edges at their shared vertex.
///
/// There is deliberately no `Deserialize`: an area is only made through [`Area::new`] or
/// [`Area::parse`], so every `Area` has passed the checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    vertices: Vec<Point>,
}

/// Why an area is refused: a stable code (kebab-case, prefixed `area-`) for programs and
/// translations, the vertex it concerns when one does (1-based, as the user counts the lines
/// they typed), and English text.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaError {
    pub code: &'static str,
    pub vertex: Option<usize>,
    pub message: String,
}

impl AreaError {
    fn new(code: &'static str, vertex: Option<usize>, message: String) -> AreaError {
        AreaError {
            code,
            vertex,
            message,
        }
    }
}

impl fmt::Display for AreaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AreaError {}

/// A vertex on the grid, in whole micro-degrees: `x` is the longitude, `y` the latitude.
/// Coordinates are at most 1.8e8 in size, so differences fit in 2^29 and the products the
/// tests take (done in `i128`) are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    x: i64,
    y: i64,
}

impl Grid {
    /// The grid point of a point already known to be finite and in range.
    fn of(p: Point) -> Grid {
        Grid {
            x: to_micro(p.longitude),
            y: to_micro(p.latitude),
        }
    }
}

fn to_micro(degrees: f64) -> i64 {
    (degrees * SCALE).round() as i64
}

fn from_micro(micro: i64) -> f64 {
    micro as f64 / SCALE
}

/// The point on the grid: what an area keeps of a vertex.
fn snap(p: Point) -> Point {
    let g = Grid::of(p);
    Point::new(from_micro(g.y), from_micro(g.x))
}

/// Twice the signed area of the triangle `a b c`: positive when `c` lies to the left of the
/// line from `a` to `b`, negative to the right, zero on it.
fn orient(a: Grid, b: Grid, c: Grid) -> i128 {
    let (abx, aby) = (i128::from(b.x - a.x), i128::from(b.y - a.y));
    let (acx, acy) = (i128::from(c.x - a.x), i128::from(c.y - a.y));
    abx * acy - aby * acx
}

/// Whether `p`, known to lie on the line through `a` and `b`, lies between them.
fn within_box(a: Grid, b: Grid, p: Grid) -> bool {
    a.x.min(b.x) <= p.x && p.x <= a.x.max(b.x) && a.y.min(b.y) <= p.y && p.y <= a.y.max(b.y)
}

/// Whether `p` lies on the segment from `a` to `b`, ends included.
fn on_segment(a: Grid, b: Grid, p: Grid) -> bool {
    orient(a, b, p) == 0 && within_box(a, b, p)
}

/// Whether the segments `p1 p2` and `q1 q2` have any point in common: a crossing, an end
/// touching the other segment, or an overlap along one line.
fn segments_meet(p1: Grid, p2: Grid, q1: Grid, q2: Grid) -> bool {
    let d1 = orient(q1, q2, p1).signum();
    let d2 = orient(q1, q2, p2).signum();
    let d3 = orient(p1, p2, q1).signum();
    let d4 = orient(p1, p2, q2).signum();
    if d1 * d2 < 0 && d3 * d4 < 0 {
        return true;
    }
    (d1 == 0 && within_box(q1, q2, p1))
        || (d2 == 0 && within_box(q1, q2, p2))
        || (d3 == 0 && within_box(p1, p2, q1))
        || (d4 == 0 && within_box(p1, p2, q2))
}

/// Whether the boundary, coming into `here` from `before` and leaving for `after`, turns
/// straight back along itself, so the two edges overlap beyond their shared vertex.
fn turns_back(before: Grid, here: Grid, after: Grid) -> bool {
    let dot = i128::from(before.x - here.x) * i128::from(after.x - here.x)
        + i128::from(before.y - here.y) * i128::from(after.y - here.y);
    orient(before, here, after) == 0 && dot > 0
}

/// The start of a user's text, for quoting it back in a message without echoing a page.
fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

fn too_many() -> AreaError {
    AreaError::new(
        "area-too-many",
        None,
        format!("an area may have at most {MAX_VERTICES} vertices; this one has more"),
    )
}

/// Refuses a vertex that is not a finite point on the map. `number` is 1-based.
fn check_range(number: usize, p: Point) -> Result<(), AreaError> {
    let range = |message: String| Err(AreaError::new("area-vertex-range", Some(number), message));
    if !p.latitude.is_finite() || !p.longitude.is_finite() {
        return range(format!(
            "vertex {number} has a coordinate that is not a finite number"
        ));
    }
    if !(-90.0..=90.0).contains(&p.latitude) {
        // The commonest slip: longitude first, as GeoJSON and many GIS tools write it.
        let swapped = p.latitude.abs() <= 180.0 && p.longitude.abs() <= 90.0;
        let hint = if swapped {
            " (is it written longitude first? latitude comes first)"
        } else {
            ""
        };
        return range(format!(
            "vertex {number}: latitude {} is outside -90 to 90{hint}",
            p.latitude
        ));
    }
    if !(-180.0..=180.0).contains(&p.longitude) {
        return range(format!(
            "vertex {number}: longitude {} is outside -180 to 180",
            p.longitude
        ));
    }
    Ok(())
}

/// One vertex as typed: `LAT LON` or `LAT, LON`. `number` is 1-based.
fn parse_vertex(number: usize, entry: &str) -> Result<Point, AreaError> {
    let parts: Vec<&str> = if entry.contains(',') {
        entry.split(',').map(str::trim).collect()
    } else {
        entry.split_whitespace().collect()
    };
    if let [latitude, longitude] = parts.as_slice()
        && let (Ok(latitude), Ok(longitude)) = (latitude.parse(), longitude.parse())
    {
        return Ok(Point::new(latitude, longitude));
    }
    Err(AreaError::new(
        "area-vertex-form",
        Some(number),
        format!(
            "vertex {number} is not two numbers, latitude then longitude in decimal degrees: \"{}\"",
            quote(entry)
        ),
    ))
}

/// The vertex entries of a text: split at line ends and `;`, trimmed, blanks left out.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', ';'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
}

impl Area {
    /// An area from text as a user types it: one vertex per line or separated by `;`, each
    /// `LAT LON` or `LAT, LON` in decimal degrees, latitude first. Blank lines are ignored,
    /// and a last vertex equal to the first is dropped, since many tools write a ring closed.
    ///
    /// Errors name vertices by their place among the non-blank entries, counting from 1.
    pub fn parse(text: &str) -> Result<Area, AreaError> {
        // Counted first, so that a pasted file of thousands of points is refused as too many
        // rather than for a typo on line 3000, and not parsed at all.
        if entries(text).count() > MAX_VERTICES + 1 {
            return Err(too_many());
        }
        let mut vertices = Vec::new();
        for (index, entry) in entries(text).enumerate() {
            let p = parse_vertex(index + 1, entry)?;
            check_range(index + 1, p)?;
            vertices.push(p);
        }
        Area::new(vertices)
    }

    /// An area from vertices already read as numbers, in ring order, latitude and longitude
    /// in decimal degrees. As with [`Area::parse`], a last vertex equal to the first is
    /// dropped. Coordinates are rounded to 6 decimals before the checks, so that two vertices
    /// within 11 cm of each other count as one.
    pub fn new(vertices: Vec<Point>) -> Result<Area, AreaError> {
        // One more than the bound is allowed here: it may be the closing repeat.
        if vertices.len() > MAX_VERTICES + 1 {
            return Err(too_many());
        }
        for (index, p) in vertices.iter().enumerate() {
            check_range(index + 1, *p)?;
        }
        let mut vertices: Vec<Point> = vertices.into_iter().map(snap).collect();
        if vertices.len() >= 2 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        if vertices.len() > MAX_VERTICES {
            return Err(too_many());
        }
        let grid: Vec<Grid> = vertices.iter().copied().map(Grid::of).collect();
        check_distinct(&grid)?;
        check_repeats(&grid)?;
        check_collinear(&grid)?;
        check_simple(&grid)?;
        // A ring that is simple and not all on one line encloses a positive area, and the
        // tests above are exact, so no separate zero-area test is needed.
        Ok(Area { vertices })
    }

    /// The vertices, in ring order, without the closing repeat, on the 6-decimal grid.
    pub fn vertices(&self) -> &[Point] {
        &self.vertices
    }

    /// Whether the point lies inside the area or on its boundary. A point that is not finite
    /// or not on the map is outside. The point is taken to 6 decimals, like the vertices, so
    /// that the answer is exact on that grid: a position on an edge is inside, whatever the
    /// edge's slope.
    pub fn contains(&self, p: Point) -> bool {
        if check_range(0, p).is_err() {
            return false;
        }
        let q = Grid::of(p);
        let grid: Vec<Grid> = self.vertices.iter().copied().map(Grid::of).collect();
        // The winding number: how many times the boundary goes round `q`, counting edges that
        // cross the horizontal line through it upwards to its right and downwards to its left.
        // Edges are half-open in y, so a vertex at q's height is counted once.
        let mut winding = 0i32;
        for (index, &a) in grid.iter().enumerate() {
            let b = grid[(index + 1) % grid.len()];
            if on_segment(a, b, q) {
                return true;
            }
            if a.y <= q.y {
                if b.y > q.y && orient(a, b, q) > 0 {
                    winding += 1;
                }
            } else if b.y <= q.y && orient(a, b, q) < 0 {
                winding -= 1;
            }
        }
        winding != 0
    }

    /// The text form that [`Area::parse`] reads back: one `LAT LON` line per vertex, joined
    /// with `\n`, at most 6 decimals with trailing zeros dropped. Written from the grid
    /// integers rather than by formatting floats, so it is exact.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (index, p) in self.vertices.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            write_micro(&mut out, to_micro(p.latitude));
            out.push(' ');
            write_micro(&mut out, to_micro(p.longitude));
        }
        out
    }
}

/// Writes a micro-degree count as decimal degrees: `33500000` as `33.5`, `-1` as
/// `-0.000001`.
fn write_micro(out: &mut String, micro: i64) {
    if micro < 0 {
        out.push('-');
    }
    let magnitude = micro.unsigned_abs();
    out.push_str(&(magnitude / 1_000_000).to_string());
    let fraction = magnitude % 1_000_000;
    if fraction != 0 {
        out.push('.');
        out.push_str(format!("{fraction:06}").trim_end_matches('0'));
    }
}

/// At least three distinct points: anything less is not an area at all.
fn check_distinct(grid: &[Grid]) -> Result<(), AreaError> {
    let mut distinct: Vec<Grid> = Vec::with_capacity(3);
    for &g in grid {
        if !distinct.contains(&g) {
            distinct.push(g);
            if distinct.len() == 3 {
                return Ok(());
            }
        }
    }
    Err(AreaError::new(
        "area-too-few",
        None,
        format!(
            "an area needs at least 3 distinct vertices; this one has {}",
            distinct.len()
        ),
    ))
}

/// No vertex equal to the one before it (a double click on the map): the edge between them
/// would have no length and no direction. The later of the two is named, as the one to
/// delete; for the last and first vertex, the last.
fn check_repeats(grid: &[Grid]) -> Result<(), AreaError> {
    let n = grid.len();
    for index in 0..n {
        let next = (index + 1) % n;
        if grid[index] == grid[next] {
            let (first, second) = if next == 0 {
                (1, n)
            } else {
                (index + 1, next + 1)
            };
            return Err(AreaError::new(
                "area-repeated-vertex",
                Some(second),
                format!("vertex {second} is the same point as vertex {first}, next to it"),
            ));
        }
    }
    Ok(())
}

/// Not all vertices on one line: such a ring encloses nothing. Tested before
/// self-intersection, since a line doubling back on itself is better called degenerate.
fn check_collinear(grid: &[Grid]) -> Result<(), AreaError> {
    let a = grid[0];
    let Some(&b) = grid.iter().find(|&&g| g != a) else {
        return Ok(()); // unreachable after check_distinct; nothing to say here
    };
    if grid.iter().all(|&c| orient(a, b, c) == 0) {
        return Err(AreaError::new(
            "area-degenerate",
            None,
            "all vertices lie on one line, so the area encloses nothing".to_owned(),
        ));
    }
    Ok(())
}

/// A simple ring: consecutive edges meet only at their shared vertex (the boundary never
/// turns straight back), and other edges do not meet at all. A crossing ring, such as a
/// bow-tie, has no single inside: different tests of "inside" would disagree about it.
fn check_simple(grid: &[Grid]) -> Result<(), AreaError> {
    let n = grid.len();
    let label = |index: usize| index % n + 1;
    for here in 0..n {
        let before = grid[(here + n - 1) % n];
        let after = grid[(here + 1) % n];
        if turns_back(before, grid[here], after) {
            return Err(AreaError::new(
                "area-self-intersecting",
                Some(here + 1),
                format!(
                    "at vertex {} the boundary turns straight back along itself",
                    here + 1
                ),
            ));
        }
    }
    for i in 0..n {
        for j in i + 1..n {
            // Consecutive edges, including the last and the first, share a vertex, and
            // were checked above.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if segments_meet(grid[i], grid[(i + 1) % n], grid[j], grid[(j + 1) % n]) {
                return Err(AreaError::new(
                    "area-self-intersecting",
                    Some(i + 1),
                    format!(
                        "the edge from vertex {} to vertex {} crosses or touches the edge from vertex {} to vertex {}",
                        label(i),
                        label(i + 1),
                        label(j),
                        label(j + 1)
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIBYA: &str = "33.0 11.0\n33.0 14.0\n34.5 14.0\n34.5 11.0";

    fn p(latitude: f64, longitude: f64) -> Point {
        Point::new(latitude, longitude)
    }

    fn code(text: &str) -> (&'static str, Option<usize>) {
        let error = Area::parse(text).unwrap_err();
        (error.code, error.vertex)
    }

    #[test]
    fn a_square_off_libya_holds_what_is_inside_and_on_its_edge() {
        let area = Area::parse(LIBYA).unwrap();
        assert_eq!(area.vertices().len(), 4);
        assert!(area.contains(p(33.5, 12.5)));
        assert!(!area.contains(p(35.0, 12.0)));
        assert!(!area.contains(p(33.5, 10.0)));
        // On the boundary: an edge, a vertex, each side.
        assert!(area.contains(p(33.0, 12.5)));
        assert!(area.contains(p(34.5, 12.0)));
        assert!(area.contains(p(33.5, 11.0)));
        assert!(area.contains(p(33.5, 14.0)));
        assert!(area.contains(p(33.0, 11.0)));
        assert!(area.contains(p(34.5, 14.0)));
        // Just off the edge, one grid step out.
        assert!(!area.contains(p(33.5, 14.000001)));
        assert!(!area.contains(p(32.999999, 12.0)));
        // Not a point on the map.
        assert!(!area.contains(p(f64::NAN, 12.0)));
        assert!(!area.contains(p(33.5, f64::INFINITY)));
        assert!(!area.contains(p(1e300, 1e300)));
    }

    #[test]
    fn a_point_on_a_sloping_edge_is_inside() {
        let area = Area::parse("33 11; 33 14; 34.5 12.5").unwrap();
        // Midpoint of the edge from (33, 14) to (34.5, 12.5).
        assert!(area.contains(p(33.75, 13.25)));
        assert!(!area.contains(p(33.750001, 13.25)));
        assert!(area.contains(p(33.749999, 13.25)));
    }

    #[test]
    fn the_notch_of_an_l_shape_is_outside() {
        // An L: the square 33..35 x 11..13 without its corner 34..35 x 12..13.
        let area = Area::parse("33 11\n33 13\n34 13\n34 12\n35 12\n35 11").unwrap();
        assert!(!area.contains(p(34.5, 12.5)));
        assert!(area.contains(p(33.5, 12.5)));
        assert!(area.contains(p(34.5, 11.5)));
        assert!(area.contains(p(34.0, 12.5))); // on the notch's lower edge
        assert!(area.contains(p(34.0, 12.0))); // the inner corner
        // On the horizontal line through the inner corner, but right of the notch: outside.
        assert!(!area.contains(p(34.0, 13.5)));
    }

    #[test]
    fn a_bow_tie_is_refused() {
        assert_eq!(
            code("33 11; 34 12; 33 12; 34 11"),
            ("area-self-intersecting", Some(1))
        );
    }

    #[test]
    fn edges_that_only_touch_are_refused() {
        // Two triangles joined at one point (34, 12), passed through twice.
        assert_eq!(
            code("33 11\n33 13\n34 12\n35 13\n35 11\n34 12").0,
            "area-self-intersecting"
        );
        // A vertex lying on a non-adjacent edge.
        assert_eq!(
            code("33 11; 33 13; 34 13; 33 12; 34 11").0,
            "area-self-intersecting"
        );
    }

    #[test]
    fn a_boundary_turning_straight_back_is_refused() {
        assert_eq!(
            code("33 11; 33 13; 33 12; 34 12"),
            ("area-self-intersecting", Some(2))
        );
    }

    #[test]
    fn a_vertex_in_the_middle_of_a_straight_edge_is_accepted() {
        let area = Area::parse("33 11; 33 12.5; 33 14; 34.5 14; 34.5 11").unwrap();
        assert!(area.contains(p(33.0, 12.0)));
        assert!(area.contains(p(33.5, 12.5)));
    }

    #[test]
    fn collinear_vertices_are_refused() {
        assert_eq!(code("33 11; 33.5 11.5; 34 12"), ("area-degenerate", None));
        assert_eq!(code("33 11; 34 12; 33.5 11.5"), ("area-degenerate", None));
        assert_eq!(
            code("33 11; 34 11; 35 11; 36 11"),
            ("area-degenerate", None)
        );
    }

    #[test]
    fn fewer_than_three_distinct_vertices_are_refused() {
        assert_eq!(code("33 11; 34 12"), ("area-too-few", None));
        assert_eq!(code("33 11; 34 12; 33 11"), ("area-too-few", None));
        assert_eq!(code("33 11; 34 12; 33 11; 34 12"), ("area-too-few", None));
        assert_eq!(code(""), ("area-too-few", None));
        assert_eq!(code("\n  \n;;"), ("area-too-few", None));
    }

    #[test]
    fn repeated_consecutive_vertices_are_refused() {
        assert_eq!(
            code("33 11; 33 11; 33 14; 34.5 14"),
            ("area-repeated-vertex", Some(2))
        );
        // Closed twice: the first closing repeat is dropped, the second is a repeat.
        assert_eq!(
            code("33 11; 33 14; 34.5 14; 33 11; 33 11"),
            ("area-repeated-vertex", Some(4))
        );
        // Equal once kept to 6 decimals.
        assert_eq!(
            code("33 11; 33.0000001 11; 33 14; 34.5 14"),
            ("area-repeated-vertex", Some(2))
        );
    }

    #[test]
    fn a_vertex_that_is_not_two_numbers_is_named() {
        assert_eq!(code("33 11\n33 x14\n34 12"), ("area-vertex-form", Some(2)));
        assert_eq!(
            code("33 11\n\n33 14 1\n34 12"),
            ("area-vertex-form", Some(2))
        );
        assert_eq!(code("33 11; 33 14; 34"), ("area-vertex-form", Some(3)));
        assert_eq!(code("33, 11; 33,; 34 12"), ("area-vertex-form", Some(2)));
        assert_eq!(
            code("33,5 11,2; 33 14; 34 12"),
            ("area-vertex-form", Some(1))
        );
        let error = Area::parse("33 11\n33 x14\n34 12").unwrap_err();
        assert!(error.message.contains("vertex 2"), "{error}");
        assert!(error.message.contains("33 x14"), "{error}");
        assert_eq!(error.to_string(), error.message);
    }

    #[test]
    fn the_quoted_text_is_cut_short() {
        let long = format!("33 {}", "é".repeat(500));
        let error = Area::parse(&long).unwrap_err();
        assert_eq!(error.code, "area-vertex-form");
        assert!(error.message.chars().count() < 150, "{error}");
    }

    #[test]
    fn separators_and_spacing_as_users_type_them() {
        let square = Area::parse(LIBYA).unwrap();
        for text in [
            "33.0, 11.0; 33.0,14.0\n\n  34.5 14.0  \r\n34.5\t11.0\n",
            "33 11;33 14;34.5 14;34.5 11;",
            "  33.000 11 \n 33 14.0 \n 34.50 14 \n 34.5 +11 ",
        ] {
            assert_eq!(Area::parse(text).unwrap(), square, "{text:?}");
        }
    }

    #[test]
    fn a_closed_ring_equals_the_open_one() {
        let open = Area::parse(LIBYA).unwrap();
        let closed = Area::parse(&format!("{LIBYA}\n33.0 11.0")).unwrap();
        assert_eq!(closed, open);
        let mut vertices = open.vertices().to_vec();
        vertices.push(vertices[0]);
        assert_eq!(Area::new(vertices).unwrap(), open);
    }

    #[test]
    fn out_of_range_vertices_are_refused() {
        assert_eq!(code("91 11; 33 14; 34 12"), ("area-vertex-range", Some(1)));
        assert_eq!(code("33 11; 33 181; 34 12"), ("area-vertex-range", Some(2)));
        assert_eq!(
            code("33 11; 33 14; -90.5 12"),
            ("area-vertex-range", Some(3))
        );
        assert_eq!(code("33 11; 33 14; nan 12"), ("area-vertex-range", Some(3)));
        assert_eq!(code("33 11; inf 14; 34 12"), ("area-vertex-range", Some(2)));
        let swapped = Area::parse("11 33; 14 33; 112 34").unwrap_err();
        assert!(swapped.message.contains("longitude first"), "{swapped}");
        let error = Area::new(vec![p(33.0, 11.0), p(33.0, f64::NAN), p(34.0, 12.0)]).unwrap_err();
        assert_eq!((error.code, error.vertex), ("area-vertex-range", Some(2)));
        // The limits themselves are on the map.
        assert!(Area::parse("-90 -180; -90 180; 90 180; 90 -180").is_ok());
    }

    fn circle(n: usize) -> Vec<Point> {
        (0..n)
            .map(|i| {
                let angle = std::f64::consts::TAU * i as f64 / n as f64;
                p(33.5 + angle.sin(), 12.5 + angle.cos())
            })
            .collect()
    }

    #[test]
    fn at_most_max_vertices() {
        assert!(Area::new(circle(MAX_VERTICES)).is_ok());
        let mut closed = circle(MAX_VERTICES);
        closed.push(closed[0]);
        assert!(Area::new(closed).is_ok());
        let error = Area::new(circle(MAX_VERTICES + 1)).unwrap_err();
        assert_eq!((error.code, error.vertex), ("area-too-many", None));
        let text = Area::new(circle(MAX_VERTICES)).unwrap().to_text();
        assert!(Area::parse(&text).is_ok());
        assert_eq!(code(&format!("{text}\n33 11")).0, "area-too-many");
        // Refused as too many before a typo far down the list is looked at.
        let long = format!("{text}\n{text}\nnot a number");
        assert_eq!(code(&long).0, "area-too-many");
    }

    #[test]
    fn to_text_reads_back_as_the_same_area() {
        let area = Area::parse(LIBYA).unwrap();
        assert_eq!(area.to_text(), "33 11\n33 14\n34.5 14\n34.5 11");
        assert_eq!(Area::parse(&area.to_text()).unwrap(), area);

        let fine = Area::new(vec![
            p(-33.1234567, -11.5),
            p(-33.000001, -10.25),
            p(-32.5, -10.999999),
            p(-0.0000004, 0.1),
        ])
        .unwrap();
        assert_eq!(
            fine.to_text(),
            "-33.123457 -11.5\n-33.000001 -10.25\n-32.5 -10.999999\n0 0.1"
        );
        assert_eq!(Area::parse(&fine.to_text()).unwrap(), fine);
        assert_eq!(fine.vertices()[0], p(-33.123457, -11.5));
    }

    #[test]
    fn an_area_serialises_as_its_vertices() {
        let area = Area::parse("33 11; 33 14; 34.5 12.5").unwrap();
        assert_eq!(
            serde_json::to_value(&area).unwrap(),
            serde_json::json!({"vertices": [
                {"latitude": 33.0, "longitude": 11.0},
                {"latitude": 33.0, "longitude": 14.0},
                {"latitude": 34.5, "longitude": 12.5},
            ]})
        );
    }

    /// A convex polygon: points on a circle at increasing angles, each a random step past
    /// the one before, with steps far enough apart that rounding to 6 decimals keeps the
    /// ring simple.
    fn convex() -> impl Strategy<Value = Vec<Point>> {
        (
            -80.0..80.0f64,
            -170.0..170.0f64,
            0.1..5.0f64,
            0.0..std::f64::consts::TAU,
            prop::collection::vec(0.0..0.5f64, 3..=60),
        )
            .prop_map(|(latitude, longitude, radius, start, jitter)| {
                let step = std::f64::consts::TAU / jitter.len() as f64;
                jitter
                    .iter()
                    .enumerate()
                    .map(|(i, j)| {
                        let angle = start + (i as f64 + j) * step;
                        p(
                            latitude + radius * angle.sin(),
                            longitude + radius * angle.cos(),
                        )
                    })
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = Area::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_near_miss_text(text in "[-+0-9., ;\n\teEnaif]{0,300}") {
            let _ = Area::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_numbers(
            numbers in prop::collection::vec(
                (prop::num::f64::ANY, prop::num::f64::ANY), 0..12),
        ) {
            let text: Vec<String> =
                numbers.iter().map(|(a, b)| format!("{a} {b}")).collect();
            let _ = Area::parse(&text.join("\n"));
        }

        #[test]
        fn convex_polygons_round_trip_and_hold_their_centroid(vertices in convex()) {
            let area = Area::new(vertices.clone()).unwrap();
            prop_assert_eq!(Area::parse(&area.to_text()).unwrap(), area.clone());
            let n = vertices.len() as f64;
            let centroid = p(
                vertices.iter().map(|v| v.latitude).sum::<f64>() / n,
                vertices.iter().map(|v| v.longitude).sum::<f64>() / n,
            );
            prop_assert!(area.contains(centroid));
            for v in area.vertices() {
                prop_assert!(area.contains(*v));
            }
            // Reversed, the same ring drawn the other way, holds the same points.
            let mut reversed = vertices.clone();
            reversed.reverse();
            prop_assert!(Area::new(reversed).unwrap().contains(centroid));
        }
    }
}
