//! The register index at scale, for `bench/register/run.sh`: build time, memory per record
//! and single-core lookups per second, on synthetic document keys.
//!
//! ```sh
//! cargo build --profile bench-lto -p accordo-documents --example register_bench
//! taskset -c 1 target/bench-lto/examples/register_bench index 100_000_000 20_000_000
//! target/bench-lto/examples/register_bench csv 10_000_000 /tmp/keys.csv
//! target/bench-lto/examples/register_bench probes 10_000_000 1_000_000 /tmp/probes.csv
//! ```
//!
//! Keys are a pure function of their position, so the `csv` file of the first N keys holds
//! exactly the records the `index` run of the same N builds from, and `probes` can draw hits
//! from them without storing them. A record is `STATE|TYPE|NUMBER` as
//! [`DocumentKey::as_text`] writes it: one of 20 real ISO 3166 alpha-3 states, type P, I or
//! V, and a number of 8 or 9 letters and digits. A record's number starts with a letter and
//! carries a bijective scramble of its position (so records are distinct by construction);
//! a miss's number starts with a digit (so misses are not records by construction, and the
//! only way a miss can "hit" is a 64-bit fingerprint collision, about one chance in 10^4
//! over 20 million probes of 100 million records — the assertion would then fail loudly).
//!
//! `[index] [N [M]]` (defaults 100,000,000 and 20,000,000), on the calling thread only:
//!
//! 1. lays out the N key texts in one buffer (not timed; the server reads them from its
//!    database), then builds `Index::with_capacity(N)` from them — fingerprint and insert,
//!    what the server does at start — and times it; reads `VmRSS` from `/proc/self/status`
//!    before and after, so the index's real memory is measured beside `Index::bytes()`;
//! 2. times the insert alone (fingerprints precomputed) into a second index, once;
//! 3. draws M probes, each a hit (a random record) or a miss with probability 1/2, and times
//!    `may_contain` over precomputed fingerprints, `Fingerprint::of` + `may_contain` over the
//!    key texts, and `DocumentKey::fingerprint` + `may_contain` over parsed keys (which is
//!    exactly what a check calls: it formats the text, then hashes it). Median of 5 rounds,
//!    each one pass over all M probes; every round's hit count is asserted. One more
//!    variant does the fingerprint-and-lookup work in two passes per batch of 10,000
//!    (fingerprint the batch into a buffer, then look the buffer up), timed in full: the
//!    lookups of a batch then overlap their cache misses, which a loop that hashes between
//!    lookups does not let the CPU do.
//!
//! Prints tab-separated lines (and `#` lines with details and the spread of the rounds):
//!
//! ```text
//! index-build                          N  seconds
//! index-insert-only                    N  seconds
//! index-bytes-per-record               N  bytes
//! index-rss-bytes-per-record           N  bytes
//! index-lookups-per-s                  M  rate
//! index-lookups-with-fingerprint-per-s M  rate
//! index-lookups-fingerprint-batch-first-per-s M rate
//! index-lookups-from-key-per-s         M  rate
//! ```
//!
//! `csv N FILE` writes the first N keys, one `doc_key` per line under a `doc_key` header;
//! `probes N M FILE` writes M probes against the first N keys as `id,k,hit` lines (`hit` is
//! `t` or `f`), the same mix as the index run, for the PostgreSQL peer.

use std::error::Error;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::time::Instant;

use accordo_documents::{DocumentKey, Fingerprint, Index};

/// Rounds whose median is reported.
const ROUNDS: usize = 5;
/// The HTTP batch check's largest batch.
const BATCH: usize = 10_000;

/// Twenty real ISO 3166-1 alpha-3 codes.
const STATES: [&str; 20] = [
    "ITA", "FRA", "DEU", "ESP", "PRT", "GRC", "NLD", "BEL", "AUT", "POL", "ROU", "TUN", "MAR",
    "EGY", "PAK", "NGA", "TUR", "ALB", "UKR", "SEN",
];
const TYPES: [&str; 3] = ["P", "I", "V"];
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// 36^7: a record's number carries its position as 7 base-36 digits, so N may not exceed it.
const BODY_SPACE: u64 = 78_364_164_096;
/// Odd and not a multiple of 3, so coprime to 36^7: `i -> (i * A + B) mod 36^7` is a bijection.
const SCRAMBLE_A: u64 = 48_271_083_907;
const SCRAMBLE_B: u64 = 17_932_451_203;

const RECORD_SEED: u64 = 0x5EED_0000_0000_0001;
const MISS_SEED: u64 = 0x5EED_0000_0000_0002;
const PROBE_SEED: u64 = 0x5EED_0000_0000_0003;

/// xorshift64* (Vigna).
struct Rng(u64);

impl Rng {
    /// A generator for item `i` of a stream: SplitMix64 of the seed and position, never 0.
    fn at(seed: u64, i: u64) -> Self {
        let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform enough in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet[self.below(alphabet.len() as u64) as usize]
    }
}

/// Appends record `i`'s key text, `STATE|TYPE|NUMBER`.
fn push_record(out: &mut Vec<u8>, i: u64) {
    let mut rng = Rng::at(RECORD_SEED, i);
    push_prefix(out, &mut rng);
    out.push(rng.pick(LETTERS));
    let mut body = (i.wrapping_mul(SCRAMBLE_A).wrapping_add(SCRAMBLE_B)) % BODY_SPACE;
    let mut digits = [0u8; 7];
    for d in digits.iter_mut().rev() {
        *d = ALNUM[(body % 36) as usize];
        body /= 36;
    }
    out.extend_from_slice(&digits);
    if rng.below(2) == 1 {
        out.push(rng.pick(ALNUM));
    }
}

/// Appends miss `j`'s key text: like a record's, but its number starts with a digit.
fn push_miss(out: &mut Vec<u8>, j: u64) {
    let mut rng = Rng::at(MISS_SEED, j);
    push_prefix(out, &mut rng);
    out.push(rng.pick(DIGITS));
    let len = 7 + rng.below(2);
    for _ in 0..len {
        out.push(rng.pick(ALNUM));
    }
}

fn push_prefix(out: &mut Vec<u8>, rng: &mut Rng) {
    out.extend_from_slice(STATES[rng.below(STATES.len() as u64) as usize].as_bytes());
    out.push(b'|');
    out.extend_from_slice(TYPES[rng.below(TYPES.len() as u64) as usize].as_bytes());
    out.push(b'|');
}

/// Many short texts in one buffer: `text(i)` is `bytes[ends[i-1]..ends[i]]`.
struct Texts {
    bytes: Vec<u8>,
    ends: Vec<u64>,
}

impl Texts {
    fn with_capacity(n: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(n * 16),
            ends: Vec::with_capacity(n),
        }
    }

    fn push_with(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        f(&mut self.bytes);
        self.ends.push(self.bytes.len() as u64);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The M probes against the first N records: (text, is it a hit). Probe `p`'s coin and its
/// record (for a hit) come from the probe stream; a miss is miss number `p`.
fn probe(n: u64, p: u64, out: &mut Vec<u8>) -> bool {
    let mut rng = Rng::at(PROBE_SEED, p);
    if rng.below(2) == 1 {
        push_record(out, rng.below(n));
        true
    } else {
        push_miss(out, p);
        false
    }
}

fn vm_rss_bytes() -> Result<u64, Box<dyn Error>> {
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

fn spread(name: &str, rates: &[f64]) {
    let mut s = rates.to_vec();
    s.sort_by(f64::total_cmp);
    let show: Vec<String> = s.iter().map(|r| format!("{:.2}", r / 1e6)).collect();
    println!(
        "# {name}: {} rounds, M/s sorted: {} (max-min spread {:.1}% of median)",
        s.len(),
        show.join(" "),
        100.0 * (s[s.len() - 1] - s[0]) / s[s.len() / 2]
    );
}

/// Times `ROUNDS` passes of `lookup_all`, asserting each returns `expected` hits.
fn rounds(name: &str, m: usize, expected: usize, mut lookup_all: impl FnMut() -> usize) -> f64 {
    let mut rates = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let hits = black_box(lookup_all());
        let s = t.elapsed().as_secs_f64();
        assert_eq!(hits, expected, "{name}: hit count");
        rates.push(m as f64 / s);
    }
    spread(name, &rates);
    median(rates)
}

fn parse_count(s: &str) -> Result<usize, Box<dyn Error>> {
    Ok(s.replace(['_', ','], "").parse()?)
}

fn run_index(n: usize, m: usize) -> Result<(), Box<dyn Error>> {
    if n as u64 > BODY_SPACE {
        return Err(format!("N may not exceed {BODY_SPACE}").into());
    }
    println!("# register index: N = {n} records, M = {m} probes (1/2 hits), one thread");

    let t = Instant::now();
    let mut records = Texts::with_capacity(n);
    for i in 0..n as u64 {
        records.push_with(|out| push_record(out, i));
    }
    println!(
        "# generated the {n} key texts in {:.1} s ({:.1} bytes of text each on average; e.g. {})",
        t.elapsed().as_secs_f64(),
        records.bytes.len() as f64 / n.max(1) as f64,
        String::from_utf8_lossy(records.get(0))
    );

    // 1. Build from key texts, as the server does from its database at start.
    let rss_before = vm_rss_bytes()?;
    let t = Instant::now();
    let mut index = Index::with_capacity(n);
    for text in records.iter() {
        index.insert(Fingerprint::of(text));
    }
    let build = t.elapsed().as_secs_f64();
    let rss_after = vm_rss_bytes()?;
    if index.len() != n {
        println!(
            "# warning: {} fingerprint collisions among the records (index holds {})",
            n - index.len(),
            index.len()
        );
    }
    let per_record = index.bytes() as f64 / n as f64;
    let rss_per_record = rss_after.saturating_sub(rss_before) as f64 / n as f64;
    println!(
        "# index: len {}, Index::bytes() {} ({:.2} GiB); VmRSS {} -> {} bytes (+{:.2} GiB)",
        index.len(),
        index.bytes(),
        index.bytes() as f64 / (1u64 << 30) as f64,
        rss_before,
        rss_after,
        rss_after.saturating_sub(rss_before) as f64 / (1u64 << 30) as f64
    );
    println!("index-build\t{n}\t{build:.3}");

    // 2. Insert alone, fingerprints precomputed, into a second index (then dropped).
    {
        let fps: Vec<Fingerprint> = records.iter().map(Fingerprint::of).collect();
        let t = Instant::now();
        let mut second = Index::with_capacity(n);
        for f in &fps {
            second.insert(*f);
        }
        let insert = t.elapsed().as_secs_f64();
        assert_eq!(second.len(), index.len());
        black_box(&second);
        println!("index-insert-only\t{n}\t{insert:.3}");
    }
    println!("index-bytes-per-record\t{n}\t{per_record:.2}");
    println!("index-rss-bytes-per-record\t{n}\t{rss_per_record:.2}");
    drop(records);

    // 3. Lookups.
    let mut probes = Texts::with_capacity(m);
    let mut expected = 0usize;
    for p in 0..m as u64 {
        let mut hit = false;
        probes.push_with(|out| hit = probe(n as u64, p, out));
        expected += usize::from(hit);
    }
    let fps: Vec<Fingerprint> = probes.iter().map(Fingerprint::of).collect();
    let keys: Vec<DocumentKey> = probes
        .iter()
        .map(|t| {
            let text = std::str::from_utf8(t)?;
            let mut parts = text.split('|');
            let (Some(s), Some(k), Some(num)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("bad probe {text}").into());
            };
            let key = DocumentKey::new(s, k, num)?;
            assert_eq!(key.as_text(), text);
            Ok(key)
        })
        .collect::<Result<_, Box<dyn Error>>>()?;
    println!(
        "# {expected} of the {m} probes are hits ({:.2}%)",
        100.0 * expected as f64 / m.max(1) as f64
    );

    let plain = rounds("lookup", m, expected, || {
        fps.iter()
            .filter(|f| index.may_contain(black_box(**f)))
            .count()
    });
    println!("index-lookups-per-s\t{m}\t{plain:.0}");
    let with_fp = rounds("fingerprint+lookup", m, expected, || {
        probes
            .iter()
            .filter(|t| index.may_contain(Fingerprint::of(black_box(t))))
            .count()
    });
    println!("index-lookups-with-fingerprint-per-s\t{m}\t{with_fp:.0}");
    // The same work in two passes a batch: fingerprint 10,000 keys into a buffer, then look
    // them all up, so that the lookups' cache misses overlap (timed in full).
    let two_pass = rounds("fingerprint batch, then lookup", m, expected, || {
        let mut buffer = Vec::with_capacity(BATCH);
        let mut hits = 0;
        for start in (0..m).step_by(BATCH) {
            buffer.clear();
            buffer.extend((start..m.min(start + BATCH)).map(|i| Fingerprint::of(probes.get(i))));
            hits += buffer.iter().filter(|f| index.may_contain(**f)).count();
        }
        hits
    });
    println!("index-lookups-fingerprint-batch-first-per-s\t{m}\t{two_pass:.0}");
    let from_key = rounds("DocumentKey::fingerprint+lookup", m, expected, || {
        keys.iter()
            .filter(|k| index.may_contain(black_box(*k).fingerprint()))
            .count()
    });
    println!("index-lookups-from-key-per-s\t{m}\t{from_key:.0}");
    Ok(())
}

fn write_csv(n: usize, path: &str) -> Result<(), Box<dyn Error>> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut line = Vec::with_capacity(32);
    out.write_all(b"doc_key\n")?;
    for i in 0..n as u64 {
        line.clear();
        push_record(&mut line, i);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()?;
    Ok(())
}

fn write_probes(n: usize, m: usize, path: &str) -> Result<(), Box<dyn Error>> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut text = Vec::with_capacity(32);
    let mut hits = 0usize;
    out.write_all(b"id,k,hit\n")?;
    for p in 0..m as u64 {
        text.clear();
        let hit = probe(n as u64, p, &mut text);
        hits += usize::from(hit);
        write!(out, "{},", p + 1)?;
        out.write_all(&text)?;
        out.write_all(if hit { b",t\n" } else { b",f\n" })?;
    }
    out.flush()?;
    println!("probes\t{m}\t{hits}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["csv", n, path] => write_csv(parse_count(n)?, path),
        ["probes", n, m, path] => write_probes(parse_count(n)?, parse_count(m)?, path),
        [] | ["index", ..] | [_] | [_, _] if args.len() <= 3 => {
            let rest = args.strip_prefix(&["index"]).unwrap_or(&args);
            let n = rest.first().map_or(Ok(100_000_000), |s| parse_count(s))?;
            let m = rest.get(1).map_or(Ok(20_000_000), |s| parse_count(s))?;
            run_index(n, m)
        }
        _ => Err("usage: register_bench index [N [M]] | csv N FILE | probes N M FILE".into()),
    }
}
