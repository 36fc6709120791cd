//! Hit/no-hit at scale, for `bench/intel/match.sh`: the intel pillar's match index
//! ([`MatchIndex`]) against the index one would write first — a `HashMap` from the key text
//! to its postings — on the same synthetic entities, in the same run.
//!
//! ```sh
//! cargo build --profile bench-lto -p accordo-intel --example match_bench
//! taskset -c 1 target/bench-lto/examples/match_bench 10_000_000 2_000_000
//! ```
//!
//! `[N [M]]` (defaults 10,000,000 entities and 2,000,000 probes), on the calling thread:
//!
//! 1. lays out N normalised keys (not timed: the server reads them from its database):
//!    telephone numbers, IBANs, e-mail addresses, handles, links, IMO numbers and names in
//!    the mix of a message, each a pure function of its position and distinct by
//!    construction; one in ten is named by a second record too;
//! 2. builds each index from them, timing the build and reading `VmRSS` before and after
//!    (`/proc/self/status`), so the memory per entity is measured, not estimated;
//! 3. draws M probes, half hits and half misses (keys no record has, by construction), and
//!    times `Key::of` + `lookup` (ours) and a lookup by text (the peer), grouped as messages
//!    of 50 entities: the median of 5 rounds, every round's hit count asserted.
//!
//! Prints tab-separated lines: `what  N  value  unit`.

use std::collections::HashMap;
use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use accordo_intel::{Key, Kind, MatchIndex};

const PER_MESSAGE: usize = 50;

/// xorshift64*, seeded per position: the same keys on every run.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// The `i`-th entity, or (with `miss`) a key of the same shape that no entity has: records
/// carry an even tail, misses an odd one.
fn entity(i: u64, miss: bool) -> (Kind, String) {
    let n = 2 * i + u64::from(miss);
    let r = mix(i + 1);
    match i % 7 {
        0 | 1 => (
            Kind::Phone,
            format!("+{}{:010}", [39, 92, 90, 216][(r % 4) as usize], n),
        ),
        2 => (Kind::Iban, format!("IT{:02}X0542811101{:012}", r % 97, n)),
        3 => (Kind::Email, format!("u{n}@mail{}.example", r % 1000)),
        4 => (Kind::Handle, format!("user_{n}")),
        5 => (Kind::Url, format!("https://t.me/c{n}")),
        _ => (Kind::Person, format!("NAME{} SURNAME{n}", r % 5000)),
    }
}

fn rss() -> Result<u64, Box<dyn Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS line in /proc/self/status")?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?;
    Ok(kib * 1024)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn emit(what: &str, n: usize, value: f64, unit: &str) {
    println!("{what}\t{n}\t{value:.1}\t{unit}");
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.replace('_', "").parse())
        .collect::<Result<_, _>>()?;
    let n = args.first().copied().unwrap_or(10_000_000);
    let m = args.get(1).copied().unwrap_or(2_000_000);
    let entities: Vec<(Kind, String)> = (0..n as u64).map(|i| entity(i, false)).collect();
    let mut rng = 0x5EED_u64;
    let probes: Vec<((Kind, String), bool)> = (0..m)
        .map(|_| {
            rng = mix(rng);
            let hit = rng & 1 == 0;
            let (kind, key) = entity((rng >> 1) % n as u64, !hit);
            ((kind, key), hit)
        })
        .collect();
    let hits_expected = probes.iter().filter(|(_, hit)| *hit).count();

    // Ours.
    let before = rss()?;
    let t = Instant::now();
    let mut ours: MatchIndex<u64> = MatchIndex::with_capacity(n);
    for (i, (kind, key)) in entities.iter().enumerate() {
        let k = Key::of(*kind, key);
        ours.insert(k, i as u64);
        if i % 10 == 0 {
            ours.insert(k, (n + i) as u64);
        }
    }
    let build = t.elapsed().as_secs_f64();
    let ours_rss = rss()?.saturating_sub(before);
    emit("ours-build", n, build, "s");
    emit(
        "ours-bytes-per-entity",
        n,
        ours.bytes() as f64 / n as f64,
        "bytes (counted)",
    );
    emit(
        "ours-rss-per-entity",
        n,
        ours_rss as f64 / n as f64,
        "bytes (VmRSS growth)",
    );

    // The peer: the key text to its postings.
    let before = rss()?;
    let t = Instant::now();
    let mut peer: HashMap<String, Vec<u64>> = HashMap::with_capacity(n);
    for (i, (kind, key)) in entities.iter().enumerate() {
        let postings = peer.entry(format!("{kind}:{key}")).or_default();
        postings.push(i as u64);
        if i % 10 == 0 {
            postings.push((n + i) as u64);
        }
    }
    let build = t.elapsed().as_secs_f64();
    let peer_rss = rss()?.saturating_sub(before);
    emit("peer-build", n, build, "s");
    emit(
        "peer-rss-per-entity",
        n,
        peer_rss as f64 / n as f64,
        "bytes (VmRSS growth)",
    );

    let mut ours_rates = Vec::new();
    let mut peer_rates = Vec::new();
    let mut text = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut hits = 0;
        for message in probes.chunks(PER_MESSAGE) {
            for ((kind, key), _) in message {
                hits += usize::from(ours.lookup(Key::of(*kind, key)).next().is_some());
            }
        }
        ours_rates.push(m as f64 / t.elapsed().as_secs_f64());
        assert_eq!(black_box(hits), hits_expected, "ours: hits");

        let t = Instant::now();
        let mut hits = 0;
        for message in probes.chunks(PER_MESSAGE) {
            for ((kind, key), _) in message {
                text.clear();
                text.push_str(kind.as_str());
                text.push(':');
                text.push_str(key);
                hits += usize::from(peer.get(text.as_str()).is_some_and(|p| !p.is_empty()));
            }
        }
        peer_rates.push(m as f64 / t.elapsed().as_secs_f64());
        assert_eq!(black_box(hits), hits_expected, "peer: hits");
    }
    let (ours_rate, peer_rate) = (median(ours_rates), median(peer_rates));
    emit(
        "ours-lookups-per-s",
        m,
        ours_rate,
        "lookups/s (median of 5)",
    );
    emit(
        "peer-lookups-per-s",
        m,
        peer_rate,
        "lookups/s (median of 5)",
    );
    emit(
        "ours-microseconds-per-message",
        PER_MESSAGE,
        1e6 * PER_MESSAGE as f64 / ours_rate,
        "µs for 50 entities",
    );
    emit(
        "peer-microseconds-per-message",
        PER_MESSAGE,
        1e6 * PER_MESSAGE as f64 / peer_rate,
        "µs for 50 entities",
    );
    Ok(())
}
