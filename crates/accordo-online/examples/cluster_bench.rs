//! Near-duplicate clustering of a synthetic stream of posts (issue 20 §4): posts a second
//! through `Clusters::add` (MinHash LSH by gaoya on the text, PDQ on the images), and how many
//! re-posts found their first post's cluster; beside it, in the same run, the peer: comparing
//! each post's word pairs with every earlier post's (exact Jaccard), on the first posts only.
//!
//!   cargo run --release -p accordo-online --example cluster_bench -- [POSTS [PEER_POSTS]]
//!
//! The stream: posts of 15 to 40 words from a vocabulary of 20,000; 30% are re-posts of an
//! earlier post with one to three words changed (a telephone number, a price) and, when the
//! first had an image, that image with up to 20 bits changed; a quarter of the posts carry an
//! image. Tab-separated lines on standard output.

use std::collections::HashSet;
use std::time::Instant;

use accordo_online::cluster::{Clusters, TEXT_SIMILARITY, words};
use accordo_online::pdq::PdqHash;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Post {
    text: String,
    images: Vec<PdqHash>,
    /// The post this one re-posts.
    source: Option<usize>,
}

fn stream(n: usize, seed: u64) -> Vec<Post> {
    let mut rng = Rng(seed);
    let mut posts: Vec<Post> = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 && rng.below(10) < 3 {
            let source = rng.below(i as u64) as usize;
            // Re-post the first of its cluster, so that the truth is known.
            let source = posts[source].source.unwrap_or(source);
            let mut w: Vec<String> = posts[source].text.split(' ').map(str::to_owned).collect();
            for _ in 0..=rng.below(3) {
                let at = rng.below(w.len() as u64) as usize;
                w[at] = format!("{}", 100_000 + rng.below(900_000));
            }
            let images = posts[source]
                .images
                .iter()
                .map(|h| {
                    let mut out = *h;
                    for _ in 0..rng.below(21) {
                        let b = rng.below(256) as usize;
                        out.0[b / 8] ^= 1 << (b % 8);
                    }
                    out
                })
                .collect();
            posts.push(Post {
                text: w.join(" "),
                images,
                source: Some(source),
            });
        } else {
            let len = 15 + rng.below(26);
            let text: Vec<String> = (0..len)
                .map(|_| format!("w{}", rng.below(20_000)))
                .collect();
            let images = if rng.below(4) == 0 {
                let mut h = [0u8; 32];
                for chunk in h.chunks_mut(8) {
                    chunk.copy_from_slice(&rng.next().to_le_bytes());
                }
                vec![PdqHash(h)]
            } else {
                Vec::new()
            };
            posts.push(Post {
                text: text.join(" "),
                images,
                source: None,
            });
        }
    }
    posts
}

fn pairs(text: &str) -> HashSet<String> {
    let w = words(text);
    w.windows(2).map(|p| format!("{} {}", p[0], p[1])).collect()
}

/// The peer: each post against every earlier one, exact Jaccard of word pairs, and PDQ
/// distance; joins the most similar at or above the same threshold.
fn brute_force(posts: &[Post]) -> Vec<usize> {
    let mut sets: Vec<HashSet<String>> = Vec::with_capacity(posts.len());
    let mut cluster: Vec<usize> = Vec::with_capacity(posts.len());
    for (i, p) in posts.iter().enumerate() {
        let s = pairs(&p.text);
        let mut best: Option<(usize, f64)> = None;
        for (j, other) in sets.iter().enumerate() {
            let image = p
                .images
                .iter()
                .any(|h| posts[j].images.iter().any(|o| o.distance(h) <= 31));
            let inter = s.intersection(other).count() as f64;
            let union = (s.len() + other.len()) as f64 - inter;
            let jac = if union > 0.0 { inter / union } else { 0.0 };
            let sim = if image { 1.0 } else { jac };
            if sim >= TEXT_SIMILARITY && best.is_none_or(|(_, b)| sim > b) {
                best = Some((j, sim));
            }
        }
        cluster.push(best.map_or(i, |(j, _)| cluster[j]));
        sets.push(s);
    }
    cluster
}

fn recall(posts: &[Post], cluster_of: impl Fn(usize) -> usize) -> (usize, usize, usize) {
    let (mut reposts, mut found, mut wrong) = (0, 0, 0);
    for (i, p) in posts.iter().enumerate() {
        match p.source {
            Some(s) => {
                reposts += 1;
                if cluster_of(i) == cluster_of(s) {
                    found += 1;
                }
            }
            None => {
                if cluster_of(i) != i {
                    wrong += 1;
                }
            }
        }
    }
    (reposts, found, wrong)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let peer_n = args.get(1).copied().unwrap_or(10_000).min(n);
    let posts = stream(n, 20);
    println!(
        "method\tposts\tseconds\tposts_per_s\treposts\tjoined_their_first\tfresh_posts_joined"
    );

    let started = Instant::now();
    let mut clusters = Clusters::new();
    for p in &posts {
        clusters.add(&p.text, &p.images);
    }
    let secs = started.elapsed().as_secs_f64();
    let (reposts, found, wrong) = recall(&posts, |i| {
        clusters.cluster_of(i as u32).expect("added") as usize
    });
    println!(
        "minhash_lsh+pdq_index\t{n}\t{secs:.2}\t{:.0}\t{reposts}\t{found}\t{wrong}",
        n as f64 / secs
    );

    let head = &posts[..peer_n];
    let started = Instant::now();
    let exact = brute_force(head);
    let secs = started.elapsed().as_secs_f64();
    let (reposts, found, wrong) = recall(head, |i| exact[i]);
    println!(
        "brute_force_exact\t{peer_n}\t{secs:.2}\t{:.0}\t{reposts}\t{found}\t{wrong}",
        peer_n as f64 / secs
    );
    let started = Instant::now();
    let mut small = Clusters::new();
    for p in head {
        small.add(&p.text, &p.images);
    }
    let secs = started.elapsed().as_secs_f64();
    let (reposts, found, wrong) = recall(head, |i| {
        small.cluster_of(i as u32).expect("added") as usize
    });
    println!(
        "minhash_lsh+pdq_index\t{peer_n}\t{secs:.2}\t{:.0}\t{reposts}\t{found}\t{wrong}",
        peer_n as f64 / secs
    );
}
