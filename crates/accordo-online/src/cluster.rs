//! Near-duplicate clusters of captured posts, built as they arrive: a post joins the cluster
//! of the earlier post its text is most like (MinHash LSH by the `gaoya` crate, estimated
//! Jaccard similarity of its word pairs at least [`TEXT_SIMILARITY`]) or whose image is within
//! [`MATCH_DISTANCE`] bits of one of its own (PDQ); otherwise it starts a cluster of its own.
//! So a re-posted advert, its telephone number or price changed, or its picture cropped and
//! re-compressed, is shown with the earlier post and the decision taken on it.
//!
//! The images are kept in a few [`HashIndex`]es of doubling sizes (as a log-structured merge
//! tree keeps its runs), the newest few hundred compared one by one, so that adding is cheap
//! and every query is exact.

use gaoya::minhash::{MinHashIndex, MinHasher, MinHasher32};
use serde::Serialize;

use crate::index::HashIndex;
use crate::pdq::{MATCH_DISTANCE, PdqHash};

/// The estimated Jaccard similarity of two posts' word pairs above which they are one
/// cluster.
pub const TEXT_SIMILARITY: f64 = 0.5;
/// 16 bands of 4 hashes: the probability that two posts of similarity `s` share a band is
/// `1 − (1 − s⁴)¹⁶`, 0.64 at 0.5 and 0.99 at 0.7.
const BANDS: usize = 16;
const BAND_WIDTH: usize = 4;
/// Images compared one by one before they are put in an index.
const RECENT: usize = 512;

/// Why a post joined a cluster: the earlier post it is most like, and how.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Why {
    /// Its text: the estimated Jaccard similarity of word pairs.
    Text { with: u32, similarity: f64 },
    /// One of its images: the Hamming distance of the PDQ hashes.
    Image { with: u32, distance: u32 },
}

impl Why {
    pub fn with(&self) -> u32 {
        match self {
            Why::Text { with, .. } | Why::Image { with, .. } => *with,
        }
    }
}

/// Where a post was put: its cluster (the number of the cluster's first post) and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Placement {
    pub cluster: u32,
    pub joined: Option<Why>,
}

/// The clusters of the posts added so far, each post numbered in the order added.
pub struct Clusters {
    hasher: MinHasher32<fnv::FnvBuildHasher>,
    text: MinHashIndex<u32, u32>,
    images: ImageSet,
    cluster: Vec<u32>,
}

impl Default for Clusters {
    fn default() -> Self {
        Clusters::new()
    }
}

impl Clusters {
    pub fn new() -> Clusters {
        Clusters {
            hasher: MinHasher32::new(BANDS * BAND_WIDTH),
            text: MinHashIndex::new(BANDS, BAND_WIDTH, TEXT_SIMILARITY),
            images: ImageSet::default(),
            cluster: Vec::new(),
        }
    }

    /// How many posts were added.
    pub fn len(&self) -> usize {
        self.cluster.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cluster.is_empty()
    }

    /// The cluster of post `n`.
    pub fn cluster_of(&self, n: u32) -> Option<u32> {
        self.cluster.get(n as usize).copied()
    }

    /// The earlier post `text` and `images` are most like, without adding them: an image
    /// match first (nearest), else the most similar text.
    pub fn nearest(&self, text: &str, images: &[PdqHash]) -> Option<Why> {
        self.nearest_with(&self.signature(text), images)
    }

    fn signature(&self, text: &str) -> Option<Vec<u32>> {
        let words = words(text);
        if words.is_empty() {
            return None;
        }
        let pairs: Vec<String> = if words.len() == 1 {
            words
        } else {
            words
                .windows(2)
                .map(|w| format!("{} {}", w[0], w[1]))
                .collect()
        };
        Some(self.hasher.create_signature(pairs.iter()))
    }

    fn nearest_with(&self, signature: &Option<Vec<u32>>, images: &[PdqHash]) -> Option<Why> {
        let image = images
            .iter()
            .filter_map(|h| self.images.nearest(h))
            .min_by_key(|(with, distance)| (*distance, *with))
            .map(|(with, distance)| Why::Image { with, distance });
        image.or_else(|| {
            let sig = signature.as_ref()?;
            self.text
                .query_one(sig)
                .map(|(with, similarity)| Why::Text {
                    with: *with,
                    similarity: (similarity * 100.0).round() / 100.0,
                })
        })
    }

    /// Adds a post, numbered [`Clusters::len`] before the call, and says where it went.
    pub fn add(&mut self, text: &str, images: &[PdqHash]) -> Placement {
        let n = self.cluster.len() as u32;
        let signature = self.signature(text);
        let joined = self.nearest_with(&signature, images);
        let cluster = joined.map_or(n, |why| self.cluster[why.with() as usize]);
        self.cluster.push(cluster);
        if let Some(sig) = signature {
            self.text.insert(n, sig);
        }
        for h in images {
            self.images.add(*h, n);
        }
        Placement { cluster, joined }
    }
}

/// A post's words: lower case, digits of any script as ASCII, split at anything that is not a
/// letter, a digit or a combining mark.
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .chars()
        .map(accordo_intel::entity::ascii_digit)
        .collect::<String>()
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Combining marks that scripts of the routes write inside words (Arabic's harakat, Bengali's
/// vowel signs).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0980}'..='\u{09FF}' | '\u{200C}' | '\u{200D}')
}

/// PDQ hashes added one at a time, each with a number of the caller's (a post, an entry of a
/// bank), searched exactly within [`MATCH_DISTANCE`].
#[derive(Default)]
pub struct ImageSet {
    /// Indexes of doubling sizes, each with the post of each of its hashes.
    runs: Vec<(HashIndex, Vec<PdqHash>, Vec<u32>)>,
    recent: Vec<(PdqHash, u32)>,
}

impl ImageSet {
    /// The number and distance of the stored hash nearest `h` within [`MATCH_DISTANCE`] (the
    /// lower number of those as near).
    pub fn nearest(&self, h: &PdqHash) -> Option<(u32, u32)> {
        let mut best: Option<(u32, u32)> = None;
        let mut consider = |post: u32, d: u32| {
            if d <= MATCH_DISTANCE && best.is_none_or(|(p, b)| (d, post) < (b, p)) {
                best = Some((post, d));
            }
        };
        for (stored, post) in &self.recent {
            consider(*post, stored.distance(h));
        }
        for (index, _, posts) in &self.runs {
            if let Some(m) = index.within(h, MATCH_DISTANCE).first() {
                consider(posts[m.id as usize], m.distance);
            }
        }
        best
    }

    /// How many hashes were added.
    pub fn len(&self) -> usize {
        self.recent.len() + self.runs.iter().map(|(_, h, _)| h.len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `h` under the number `post`.
    pub fn add(&mut self, h: PdqHash, post: u32) {
        self.recent.push((h, post));
        if self.recent.len() < RECENT {
            return;
        }
        let (mut hashes, mut posts): (Vec<PdqHash>, Vec<u32>) = self.recent.drain(..).unzip();
        // Merge with the runs no larger than what is being added, as a binary counter carries.
        while let Some((_, _, last)) = self.runs.last() {
            if last.len() > posts.len() {
                break;
            }
            let Some((_, h2, p2)) = self.runs.pop() else {
                break;
            };
            hashes.extend(h2);
            posts.extend(p2);
        }
        match HashIndex::build(&hashes) {
            Ok(index) => self.runs.push((index, hashes, posts)),
            // Past 16.7 million images in one run: kept in the list compared one by one.
            Err(_) => self.recent.extend(hashes.into_iter().zip(posts)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flipped(h: &PdqHash, bits: usize, from: usize) -> PdqHash {
        let mut out = *h;
        for b in from..from + bits {
            out.0[b / 8] ^= 1 << (b % 8);
        }
        out
    }

    #[test]
    fn a_repost_with_another_number_joins_the_first() {
        let mut c = Clusters::new();
        let first = c.add(
            "Safe boat trip from Zuwara to Lampedusa this Friday, 3500 euro, places limited, call +218 91 234 5678",
            &[],
        );
        assert_eq!(first.cluster, 0);
        c.add(
            "The weather in Rome is lovely this week, see our photos",
            &[],
        );
        let again = c.add(
            "Safe boat trip from Zuwara to Lampedusa this Friday, 3000 euro, places limited, call +218 92 765 4321",
            &[],
        );
        assert_eq!(again.cluster, 0, "{again:?}");
        assert!(matches!(again.joined, Some(Why::Text { with: 0, .. })));
        let other = c.add("Buy fresh bread and olives at the market in Sfax", &[]);
        assert_eq!(other.cluster, 3);
        assert_eq!(other.joined, None);
    }

    #[test]
    fn images_join_within_31_bits_across_runs() {
        let mut c = Clusters::new();
        let base = PdqHash([0x5a; 32]);
        c.add("", &[base]);
        // Enough unrelated images to push the first into an index.
        for i in 0..(RECENT as u32 * 3) {
            let mut h = [0u8; 32];
            for (k, b) in h.iter_mut().enumerate() {
                *b = (i.wrapping_mul(2_654_435_761).rotate_left(k as u32) >> 7) as u8;
            }
            c.add("", &[PdqHash(h)]);
        }
        assert!(!c.images.runs.is_empty());
        let near = c.add("", &[flipped(&base, 31, 3)]);
        assert_eq!(
            near.joined,
            Some(Why::Image {
                with: 0,
                distance: 31
            })
        );
        assert_eq!(near.cluster, 0);
        let far = c.nearest("", &[flipped(&base, 32, 3)]);
        assert!(far.is_none_or(|w| w.with() != 0), "{far:?}");
    }

    #[test]
    fn words_fold_case_and_digits() {
        assert_eq!(words("Trip ٣٥٠٠ EURO!"), vec!["trip", "3500", "euro"]);
        assert!(words("  ,,, ").is_empty());
    }
}
