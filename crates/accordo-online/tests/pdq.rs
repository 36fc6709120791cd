#![allow(clippy::unwrap_used)] // a test that panics is a failed test
//! PDQ against Meta's reference implementation, on test images of Meta's ThreatExchange
//! repository (`tests/pdq/`; their source, licence and where the expected hashes come from
//! are in `tests/pdq/PROVENANCE.md`, the hashes in `EXPECTED.txt`).

use accordo_online::cluster::{Clusters, Why};
use accordo_online::pdq::{self, MATCH_DISTANCE, PdqHash};
use pdqhash::image::{self, DynamicImage, GenericImageView, ImageOutputFormat};

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/pdq/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_hashes_and_qualities_are_those_of_meta_s_reference_implementation() {
    let expected = include_str!("pdq/EXPECTED.txt");
    let mut compared = 0;
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (hash, quality, file) = (fields[0], fields[1], fields[2]);
        let ours = pdq::hash_image(&read(file)).unwrap();
        let theirs: PdqHash = hash.parse().unwrap();
        assert_eq!(ours.hash, theirs, "{file}");
        assert_eq!(ours.quality.to_string(), quality, "{file}");
        compared += 1;
    }
    assert_eq!(compared, 3);
}

fn hash_of(image: &DynamicImage, format: ImageOutputFormat) -> PdqHash {
    let mut bytes = Vec::new();
    image.write_to(&mut bytes, format).unwrap();
    pdq::hash_image(&bytes).unwrap().hash
}

#[test]
fn a_reposted_image_with_small_edits_stays_within_the_match_distance() {
    // The same photograph re-compressed, shrunk, cropped at its edges, or converted to PNG, as
    // a re-post carries it: within 31 bits of the original's hash. Another photograph is not.
    let original = image::load_from_memory(&read("bridge-1-original.jpg")).unwrap();
    let base = pdq::hash_image(&read("bridge-1-original.jpg"))
        .unwrap()
        .hash;
    let (w, h) = original.dimensions();
    let edits: Vec<(&str, PdqHash)> = vec![
        (
            "JPEG at quality 40",
            hash_of(&original, ImageOutputFormat::Jpeg(40)),
        ),
        (
            "half the size",
            hash_of(
                &original.resize(w / 2, h / 2, image::imageops::FilterType::Triangle),
                ImageOutputFormat::Jpeg(85),
            ),
        ),
        (
            "1% cropped from each edge",
            hash_of(
                &original.crop_imm(w / 100, h / 100, w * 98 / 100, h * 98 / 100),
                ImageOutputFormat::Jpeg(85),
            ),
        ),
        ("PNG", hash_of(&original, ImageOutputFormat::Png)),
    ];
    for (what, hash) in &edits {
        let d = hash.distance(&base);
        assert!(d <= MATCH_DISTANCE, "{what}: {d} bits from the original");
    }
    let other = pdq::hash_image(&read("wee.jpg")).unwrap().hash;
    assert!(
        other.distance(&base) > 2 * MATCH_DISTANCE,
        "{}",
        other.distance(&base)
    );

    // Posted again with other words, each edited copy joins the original's cluster by its
    // image; the other photograph starts a cluster of its own.
    let mut clusters = Clusters::new();
    clusters.add("Boat to Lampedusa from Zuwara, call now", &[base]);
    clusters.add("A photograph of a bridge at dusk", &[other]);
    for (what, hash) in &edits {
        let placed = clusters.add("New departures every week, ask for the price", &[*hash]);
        assert_eq!(placed.cluster, 0, "{what}: {placed:?}");
        assert!(
            // With the original or an earlier copy, whichever is nearest.
            matches!(placed.joined, Some(Why::Image { .. })),
            "{what}: {placed:?}"
        );
    }
    assert_eq!(clusters.cluster_of(1), Some(1));
}
