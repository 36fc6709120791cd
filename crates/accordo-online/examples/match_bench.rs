//! PDQ matching at scale (issue 20 §4): lookups per second within 31 bits against N stored
//! hashes, one core, for `accordo_online::index::HashIndex` and, in the same run, its peers:
//! a plain multi-index hash of 16 chunks of 16 bits (radius 1 each, every candidate compared in
//! full) and comparing against every hash. Half the queries have planted matches at distances
//! 0 to 31; every method's answers are checked against the brute force's on the queries it
//! answers. Run by `bench/online/match.sh`:
//!
//!     match_bench [N [QUERIES [ROUNDS]]]      (defaults 10000000, 4000, 5)
//!
//! Prints tab-separated lines: method, lookups/s (median of the rounds, and each round), bytes
//! per stored hash.
use std::time::Instant;

use accordo_online::index::{HashIndex, Match};
use accordo_online::pdq::{MATCH_DISTANCE, PdqHash};

/// xorshift64*: seeded, the same hashes every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn hash(&mut self) -> [u64; 4] {
        [self.next(), self.next(), self.next(), self.next()]
    }
}

fn distance(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    (0..4).map(|i| (a[i] ^ b[i]).count_ones()).sum()
}

/// The plain multi-index hash: 16 tables, one per 16-bit chunk, each bucket listing the
/// numbers of the hashes with that chunk; a query visits the 17 buckets within 1 bit of each
/// of its chunks and compares every hash listed.
struct PlainMih {
    hashes: Vec<[u64; 4]>,
    offsets: Vec<Vec<u32>>,
    ids: Vec<Vec<u32>>,
}

fn chunk16(h: &[u64; 4], c: usize) -> usize {
    ((h[c / 4] >> (48 - 16 * (c % 4))) & 0xffff) as usize
}

impl PlainMih {
    fn build(hashes: &[[u64; 4]]) -> PlainMih {
        let (mut offsets, mut ids) = (Vec::new(), Vec::new());
        for c in 0..16 {
            let mut off = vec![0u32; 65537];
            for h in hashes {
                off[chunk16(h, c) + 1] += 1;
            }
            for p in 0..65536 {
                off[p + 1] += off[p];
            }
            let mut next = off[..65536].to_vec();
            let mut list = vec![0u32; hashes.len()];
            for (id, h) in hashes.iter().enumerate() {
                let p = chunk16(h, c);
                list[next[p] as usize] = id as u32;
                next[p] += 1;
            }
            offsets.push(off);
            ids.push(list);
        }
        PlainMih {
            hashes: hashes.to_vec(),
            offsets,
            ids,
        }
    }

    fn within(&self, q: &[u64; 4]) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        for c in 0..16 {
            let p = chunk16(q, c);
            for flip in 0..=16 {
                let v = if flip == 16 { p } else { p ^ (1 << flip) };
                let (a, b) = (self.offsets[c][v] as usize, self.offsets[c][v + 1] as usize);
                for &id in &self.ids[c][a..b] {
                    let d = distance(&self.hashes[id as usize], q);
                    if d <= MATCH_DISTANCE && !out.iter().any(|m| m.id == id) {
                        out.push(Match { id, distance: d });
                    }
                }
            }
        }
        out.sort_unstable_by_key(|m| (m.distance, m.id));
        out
    }

    fn bytes_per_hash(&self) -> f64 {
        let n = self.hashes.len();
        (n * 32 + 16 * (65537 * 4 + n * 4)) as f64 / n as f64
    }
}

fn brute(hashes: &[[u64; 4]], q: &[u64; 4]) -> Vec<Match> {
    let mut out: Vec<Match> = hashes
        .iter()
        .enumerate()
        .filter_map(|(id, h)| {
            let d = distance(h, q);
            (d <= MATCH_DISTANCE).then_some(Match {
                id: id as u32,
                distance: d,
            })
        })
        .collect();
    out.sort_unstable_by_key(|m| (m.distance, m.id));
    out
}

/// Lookups per second of `f` over `queries`, and the number of matches found (kept so that
/// the work is not optimised away).
fn timed(queries: &[[u64; 4]], mut f: impl FnMut(&[u64; 4]) -> usize) -> (f64, usize) {
    let start = Instant::now();
    let found: usize = queries.iter().map(&mut f).sum();
    (queries.len() as f64 / start.elapsed().as_secs_f64(), found)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000_000);
    let q = args.get(1).copied().unwrap_or(4_000);
    let rounds = args.get(2).copied().unwrap_or(5);
    let mut rng = Rng(0x0dd5_eed5);
    let mut stored: Vec<[u64; 4]> = (0..n).map(|_| rng.hash()).collect();
    // Half the queries have a stored hash planted at a distance from 0 to 31.
    let queries: Vec<[u64; 4]> = (0..q).map(|_| rng.hash()).collect();
    for (i, query) in queries.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let mut h = *query;
        let k = (i / 2) % 32;
        let mut flipped = 0;
        while flipped < k {
            let bit = (rng.next() % 256) as usize;
            let before = h;
            h[bit / 64] ^= 1 << (bit % 64);
            if distance(&h, query) as usize == flipped + 1 {
                flipped += 1;
            } else {
                h = before;
            }
        }
        let at = (rng.next() % n as u64) as usize;
        stored[at] = h;
    }
    let hashes: Vec<PdqHash> = stored.iter().map(|w| PdqHash::from_words(*w)).collect();
    let t = Instant::now();
    let ours = HashIndex::build(&hashes).expect("under 4 billion");
    eprintln!("built the index in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let plain = PlainMih::build(&stored);
    eprintln!("built the plain one in {:.1} s", t.elapsed().as_secs_f64());
    let query_hashes: Vec<PdqHash> = queries.iter().map(|w| PdqHash::from_words(*w)).collect();

    // The answers, checked against comparing with every hash on the first queries.
    let checked = q.min(40);
    for (w, h) in queries.iter().zip(&query_hashes).take(checked) {
        let expected = brute(&stored, w);
        assert_eq!(ours.within(h, MATCH_DISTANCE), expected, "index");
        assert_eq!(plain.within(w), expected, "plain");
    }
    eprintln!("answers of both indexes = brute force's on {checked} queries");

    let brute_queries = &queries[..q.min(20)];
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let mut found = 0;
    for _ in 0..rounds {
        let (rate, f) = timed(&queries, |w| {
            ours.within(&PdqHash::from_words(*w), MATCH_DISTANCE).len()
        });
        a.push(rate);
        found = f;
        b.push(timed(&queries, |w| plain.within(w).len()).0);
        c.push(timed(brute_queries, |w| brute(&stored, w).len()).0);
    }
    let show = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    println!(
        "# {n} stored hashes, {q} queries ({found} matches within {MATCH_DISTANCE}), {rounds} rounds, one core"
    );
    println!("method\tlookups_per_s_median\trounds\tbytes_per_hash");
    for (name, v, bytes) in [
        (
            "accordo HashIndex (11 chunks)",
            &mut a,
            ours.bytes_per_hash(),
        ),
        (
            "plain multi-index hash (16 x 16 bits)",
            &mut b,
            plain.bytes_per_hash(),
        ),
        ("brute force", &mut c, 32.0),
    ] {
        let each = show(v);
        println!("{name}\t{:.0}\t{each}\t{bytes:.1}", median(v));
    }
}
