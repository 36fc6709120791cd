//! Every stored PDQ hash within a Hamming distance of a query's, exactly, without reading them
//! all: a multi-index hash (Norouzi, Punjani and Fleet 2012) whose chunks carry their own
//! filter.
//!
//! The 256 bits are cut into 11 chunks (three of 24 bits, eight of 23) with radii `tᵢ` (2 for
//! ten of them, 1 for one) such that `Σ (tᵢ + 1) = 32`: two hashes within 31 bits of each other
//! are within `tᵢ` on at least one chunk `i` (else they would differ by at least 32; the
//! generalised pigeonhole principle of Qin et al. 2018). Each chunk has a table of every stored
//! hash, bucketed by the chunk's first 16 bits, each entry holding the chunk's last 7 or 8 bits
//! and the hash's number (3 bytes). A query visits, in each table, the buckets whose 16 bits
//! are within the radius of its own (137 of 65,536 at radius 2), keeps the entries whose last
//! bits are within what the radius has left, and only those are compared in full.
//!
//! Against a plain multi-index hash of 16 chunks of 16 bits (radius 1 each), which compares in
//! full the 152 hashes of each of 272 buckets (41,000 random reads of 10 million hashes a
//! query), this compares about 2,900, the rest rejected in the tables' own bytes, and asks the
//! memory for each bucket, number and hash [`AHEAD`] reads before it reads them: 6 to 7 times
//! the lookups a second at 10 million hashes (`bench/online`).

use bytemuck::Pod;
use prefetch_index::prefetch_index;

use crate::pdq::{MATCH_DISTANCE, PdqHash};

/// How many buckets, numbers or hashes ahead of the one being read a query asks the memory for
/// (software prefetch, by the `prefetch-index` crate).
const AHEAD: usize = 16;

/// One chunk of the hash: `len` bits from bit `start` (0 is the highest bit of the first
/// hexadecimal digit), searched within `radius`.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: u32,
    len: u32,
    radius: u32,
}

/// The chunks: 3 × 24 + 8 × 23 = 256 bits; radii 2, and 1 for the last (Σ (t + 1) = 32).
const CHUNKS: [Chunk; 11] = {
    let mut out = [Chunk {
        start: 0,
        len: 0,
        radius: 2,
    }; 11];
    let mut i = 0;
    let mut start = 0;
    while i < 11 {
        let len = if i < 3 { 24 } else { 23 };
        out[i] = Chunk {
            start,
            len,
            radius: if i == 10 { 1 } else { 2 },
        };
        start += len;
        i += 1;
    }
    out
};

/// The bits of a chunk's bucket.
const PREFIX_BITS: u32 = 16;
/// A table's buckets.
const BUCKETS: usize = 1 << PREFIX_BITS;

impl Chunk {
    /// The chunk's value in `words`: its `len` bits, the first the highest.
    fn of(&self, words: &[u64; 4]) -> u32 {
        let w = (self.start / 64) as usize;
        let offset = self.start % 64;
        let hi = u128::from(words[w]) << 64;
        let lo = u128::from(words.get(w + 1).copied().unwrap_or(0));
        // The chunk's bits at the top of 128, then down to the bottom.
        (((hi | lo) << offset) >> (128 - self.len)) as u32
    }

    fn suffix_bits(&self) -> u32 {
        self.len - PREFIX_BITS
    }
}

/// One chunk's table: entries bucketed by the chunk's first 16 bits.
struct Table {
    chunk: Chunk,
    /// Where its buckets' bounds begin in the index's `offsets`: bucket `p` holds entries
    /// `offsets[base + p]..offsets[base + p + 1]`.
    base: usize,
    /// Each entry's last bits of the chunk, and the number of its hash in three bytes (little
    /// end first: [`MAX_HASHES`]).
    suffixes: Pages<u8>,
    ids: Pages<[u8; 3]>,
}

/// The most hashes an index holds: numbers of three bytes, 16.7 million (the partners' bank of
/// confirmed adverts is far smaller; a fourth byte would cost 11 bytes a hash).
pub const MAX_HASHES: usize = 1 << 24;

impl Table {
    /// The table of `chunk`, its buckets' bounds written into `offsets` (its own
    /// [`BUCKETS`] + 1 of the index's, from `base`).
    fn build(chunk: Chunk, base: usize, offsets: &mut [u32], hashes: &[[u64; 4]]) -> Table {
        let buckets = BUCKETS;
        let mask = (1u32 << chunk.suffix_bits()) - 1;
        let values: Vec<u32> = hashes.iter().map(|h| chunk.of(h)).collect();
        for v in &values {
            offsets[(v >> chunk.suffix_bits()) as usize + 1] += 1;
        }
        for p in 0..buckets {
            offsets[p + 1] += offsets[p];
        }
        let mut next: Vec<u32> = offsets[..buckets].to_vec();
        let mut suffixes = Pages::<u8>::zeroed(hashes.len());
        let mut ids = Pages::<[u8; 3]>::zeroed(hashes.len());
        let (slots, numbers) = (suffixes.as_mut_slice(), ids.as_mut_slice());
        for (id, v) in values.iter().enumerate() {
            let p = (v >> chunk.suffix_bits()) as usize;
            let at = next[p] as usize;
            next[p] += 1;
            // At most 8 bits: the mask keeps them.
            slots[at] = (v & mask) as u8;
            let [a, b, c, _] = (id as u32).to_le_bytes();
            numbers[at] = [a, b, c];
        }
        Table {
            chunk,
            base,
            suffixes,
            ids,
        }
    }

    /// Adds to `ranges` the buckets to read for `query` (this table's number `table`): every
    /// bucket whose 16 bits are within the chunk's radius of the query's, with the query's last
    /// bits and the budget the radius leaves for them.
    fn buckets(&self, table: u8, offsets: &[u32], query: &[u64; 4], ranges: &mut Vec<Range>) {
        let chunk = self.chunk;
        let offsets = &offsets[self.base..self.base + BUCKETS + 1];
        let value = chunk.of(query);
        let prefix = value >> chunk.suffix_bits();
        let suffix = (value & ((1 << chunk.suffix_bits()) - 1)) as u8;
        let mut visit = |p: u32, used: u32| {
            ranges.push(Range {
                table,
                suffix,
                budget: (chunk.radius - used) as u8,
                from: offsets[p as usize],
                to: offsets[p as usize + 1],
            });
        };
        visit(prefix, 0);
        if chunk.radius >= 1 {
            for i in 0..PREFIX_BITS {
                visit(prefix ^ (1 << i), 1);
                if chunk.radius >= 2 {
                    for j in i + 1..PREFIX_BITS {
                        visit(prefix ^ (1 << i) ^ (1 << j), 2);
                    }
                }
            }
        }
    }
}

/// A bucket to read: its entries `from..to` in table `table`, the query's last bits and the
/// bits they may differ by.
struct Range {
    table: u8,
    suffix: u8,
    budget: u8,
    from: u32,
    to: u32,
}

/// Calls `pass` with the place of every byte of `bytes` within `budget` bits of `target`:
/// eight bytes at a time, in one 64-bit word (bit counts of each byte side by side), the rest
/// one by one.
#[inline]
fn scan(bytes: &[u8], target: u8, budget: u8, mut pass: impl FnMut(usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let broadcast = ONES * u64::from(target);
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    for (k, word) in words.enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(word);
        let x = u64::from_le_bytes(b) ^ broadcast;
        // Each byte's count of bits set, in that byte.
        let x = x - ((x >> 1) & 0x5555_5555_5555_5555);
        let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
        let counts = (x + (x >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        // A count over the budget carries into its byte's high bit (at most 8 + 127).
        let over = (counts + ONES * u64::from(0x7f - budget)) & HIGH;
        let mut within = !over & HIGH;
        while within != 0 {
            pass(k * 8 + within.trailing_zeros() as usize / 8);
            within &= within - 1;
        }
    }
    let base = bytes.len() - rest.len();
    for (i, s) in rest.iter().enumerate() {
        if POPCOUNT[(s ^ target) as usize] <= budget {
            pass(base + i);
        }
    }
}

/// The number of bits set in each byte.
const POPCOUNT: [u8; 256] = {
    let mut out = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        out[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    out
};

/// A match: the number of the stored hash (its place in the order given) and its distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub id: u32,
    pub distance: u32,
}

/// Stored PDQ hashes, searched within [`MATCH_DISTANCE`].
pub struct HashIndex {
    hashes: Pages<[u64; 4]>,
    tables: Vec<Table>,
    /// Every table's buckets' bounds, one array (read at random: its own huge pages).
    offsets: Pages<u32>,
}

/// A huge page (x86-64 and most others): 2 MiB.
const HUGE_PAGE: usize = 2 << 20;
/// Where an array is at least this large, it is asked for in huge pages.
const HUGE_FROM: usize = 1 << 20;

/// An array of plain values, zeroed at first. From [`HUGE_FROM`] bytes, its memory is mapped
/// on its own, from a 2 MiB boundary to one, and the kernel asked to back it with transparent
/// huge pages (Linux's `madvise`): a query reads the index at random places among hundreds of
/// megabytes, and on 4 KiB pages nearly every such read also misses the processor's table of
/// pages (the TLB). Measured at 10 million hashes: 2,850 lookups a second on 4 KiB pages,
/// 3,700 to 4,300 on huge ones (`bench/online`). Where the kernel gives none, or the mapping
/// fails, ordinary memory: the index is as right, only slower.
enum Pages<T: Pod> {
    Heap(Vec<T>),
    Mapped {
        map: memmap2::MmapMut,
        /// Where the array begins in the mapping (its first 2 MiB boundary).
        start: usize,
        len: usize,
        values: std::marker::PhantomData<T>,
    },
}

impl<T: Pod> Pages<T> {
    fn zeroed(len: usize) -> Pages<T> {
        let bytes = len * std::mem::size_of::<T>();
        // Room for the array from the mapping's first 2 MiB boundary to the one after its end.
        let span = bytes.next_multiple_of(HUGE_PAGE) + HUGE_PAGE;
        if bytes >= HUGE_FROM
            && let Ok(map) = memmap2::MmapMut::map_anon(span)
        {
            #[cfg(target_os = "linux")]
            let _ = map.advise(memmap2::Advice::HugePage);
            let at = map.as_ptr().addr();
            let start = at.next_multiple_of(HUGE_PAGE) - at;
            return Pages::Mapped {
                map,
                start,
                len,
                values: std::marker::PhantomData,
            };
        }
        Pages::Heap(vec![T::zeroed(); len])
    }

    fn as_slice(&self) -> &[T] {
        match self {
            Pages::Heap(v) => v,
            // From a 2 MiB boundary: aligned for any `T`.
            Pages::Mapped {
                map, start, len, ..
            } => bytemuck::cast_slice(&map[*start..*start + len * std::mem::size_of::<T>()]),
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Pages::Heap(v) => v,
            Pages::Mapped {
                map, start, len, ..
            } => {
                bytemuck::cast_slice_mut(&mut map[*start..*start + *len * std::mem::size_of::<T>()])
            }
        }
    }
}

impl<T: Pod> AsRef<[T]> for Pages<T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Pod> std::ops::Deref for Pages<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

/// Why an index could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an index holds at most {max} hashes; {got} given")]
pub struct TooMany {
    pub max: usize,
    pub got: usize,
}

impl HashIndex {
    /// The index of `hashes`, numbered in their order.
    pub fn build(hashes: &[PdqHash]) -> Result<HashIndex, TooMany> {
        if hashes.len() > MAX_HASHES {
            return Err(TooMany {
                max: MAX_HASHES,
                got: hashes.len(),
            });
        }
        let mut words = Pages::<[u64; 4]>::zeroed(hashes.len());
        for (w, h) in words.as_mut_slice().iter_mut().zip(hashes) {
            *w = h.words();
        }
        let mut offsets = Pages::<u32>::zeroed(CHUNKS.len() * (BUCKETS + 1));
        let tables = CHUNKS
            .iter()
            .zip(offsets.as_mut_slice().chunks_exact_mut(BUCKETS + 1))
            .enumerate()
            .map(|(t, (c, bounds))| Table::build(*c, t * (BUCKETS + 1), bounds, &words))
            .collect();
        Ok(HashIndex {
            hashes: words,
            tables,
            offsets,
        })
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Every stored hash within `max_distance` (at most [`MATCH_DISTANCE`]; more is read as
    /// that) of `query`, nearest first, then by number.
    pub fn within(&self, query: &PdqHash, max_distance: u32) -> Vec<Match> {
        let max_distance = max_distance.min(MATCH_DISTANCE);
        let q = query.words();
        // In phases, each reading memory at places that do not depend on each other (which
        // the processor overlaps): the buckets' bounds, then their entries' last bits, then
        // the numbers of the entries that pass, then those hashes.
        let mut ranges = Vec::with_capacity(1600);
        for (t, table) in self.tables.iter().enumerate() {
            // At most 11 tables: the number fits a byte.
            table.buckets(t as u8, &self.offsets, &q, &mut ranges);
        }
        let mut hits: Vec<(u8, u32)> = Vec::new();
        for (k, r) in ranges.iter().enumerate() {
            // Each bucket is at a random place: ask for the one AHEAD buckets on while this one
            // is read, so that the memory's latency is paid many at a time, not one by one.
            if let Some(next) = ranges.get(k + AHEAD) {
                let bytes = &self.tables[next.table as usize].suffixes;
                let (from, to) = (next.from as usize, next.to as usize);
                let mut at = from;
                while at < to {
                    prefetch_index(bytes, at);
                    at += 64;
                }
            }
            let (from, to) = (r.from as usize, r.to as usize);
            scan(
                &self.tables[r.table as usize].suffixes[from..to],
                r.suffix,
                r.budget,
                |i| hits.push((r.table, (from + i) as u32)),
            );
        }
        for &(t, at) in hits.iter().take(AHEAD) {
            prefetch_index(&self.tables[t as usize].ids, at as usize);
        }
        let candidates: Vec<u32> = hits
            .iter()
            .enumerate()
            .map(|(k, &(t, at))| {
                if let Some(&(t2, at2)) = hits.get(k + AHEAD) {
                    prefetch_index(&self.tables[t2 as usize].ids, at2 as usize);
                }
                let [a, b, c] = self.tables[t as usize].ids[at as usize];
                u32::from_le_bytes([a, b, c, 0])
            })
            .collect();
        for &id in candidates.iter().take(AHEAD) {
            prefetch_index(&self.hashes, id as usize);
        }
        let mut out: Vec<Match> = candidates
            .iter()
            .enumerate()
            .filter_map(|(k, &id)| {
                if let Some(&next) = candidates.get(k + AHEAD) {
                    prefetch_index(&self.hashes, next as usize);
                }
                let h = &self.hashes[id as usize];
                let d = (h[0] ^ q[0]).count_ones()
                    + (h[1] ^ q[1]).count_ones()
                    + (h[2] ^ q[2]).count_ones()
                    + (h[3] ^ q[3]).count_ones();
                (d <= max_distance).then_some(Match { id, distance: d })
            })
            .collect();
        // A hash near the query is near it on several chunks: found once a table.
        out.sort_unstable_by_key(|m| (m.distance, m.id));
        out.dedup_by_key(|m| m.id);
        out
    }

    /// The bytes the index holds per stored hash: the hash itself (32) and its tables'.
    pub fn bytes_per_hash(&self) -> f64 {
        let tables: usize = self
            .tables
            .iter()
            .map(|t| t.suffixes.len() + t.ids.len() * 3)
            .sum::<usize>()
            + self.offsets.len() * 4;
        (self.hashes.len() * 32 + tables) as f64 / self.hashes.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded source of hashes (xorshift64*).
    pub(crate) struct Hashes(u64);

    impl Hashes {
        fn next_word(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn hash(&mut self) -> PdqHash {
            PdqHash::from_words([
                self.next_word(),
                self.next_word(),
                self.next_word(),
                self.next_word(),
            ])
        }

        /// `h` with `k` distinct bits flipped.
        fn flipped(&mut self, h: &PdqHash, k: u32) -> PdqHash {
            let mut w = h.words();
            let mut done = 0;
            while done < k {
                let bit = (self.next_word() % 256) as usize;
                let mask = 1u64 << (bit % 64);
                let before = w[bit / 64];
                w[bit / 64] ^= mask;
                if PdqHash::from_words(w).distance(h) == done + 1 {
                    done += 1;
                } else {
                    w[bit / 64] = before;
                }
            }
            PdqHash::from_words(w)
        }
    }

    /// What comparing `q` with every stored hash finds within `radius`, in the index's order.
    fn compared_with_each(stored: &[PdqHash], q: &PdqHash, radius: u32) -> Vec<Match> {
        let mut found: Vec<Match> = stored
            .iter()
            .enumerate()
            .map(|(id, h)| Match {
                id: id as u32,
                distance: h.distance(q),
            })
            .filter(|m| m.distance <= radius)
            .collect();
        found.sort_unstable_by_key(|m| (m.distance, m.id));
        found
    }

    #[test]
    fn the_chunks_cover_every_bit_once_and_their_radii_add_up() {
        let mut covered = [0u32; 256];
        for c in CHUNKS {
            for b in c.start..c.start + c.len {
                covered[b as usize] += 1;
            }
            assert!(c.len - PREFIX_BITS <= 8, "a suffix fits a byte");
        }
        assert!(covered.iter().all(|n| *n == 1), "{covered:?}");
        assert_eq!(
            CHUNKS.iter().map(|c| c.radius + 1).sum::<u32>(),
            MATCH_DISTANCE + 1
        );
        // A chunk reads its bits, across a word boundary too.
        let h = PdqHash::from_words([0, 0x0000_0000_0000_0001, 0x8000_0000_0000_0000, 0]);
        let w = h.words();
        let across = Chunk {
            start: 120,
            len: 16,
            radius: 0,
        };
        assert_eq!(across.of(&w), 0b0000_0001_1000_0000);
        let last = CHUNKS[10];
        assert_eq!(last.start + last.len, 256);
        assert_eq!(last.of(&[0, 0, 0, 1]), 1);
    }

    #[test]
    fn the_scan_passes_exactly_the_bytes_within_the_budget() {
        let mut g = Hashes(7);
        for len in [0, 1, 7, 8, 9, 63, 152] {
            let bytes: Vec<u8> = (0..len).map(|_| g.next_word() as u8).collect();
            for target in [0u8, 0x5a, 0xff] {
                for budget in 0..=3u8 {
                    let mut got = Vec::new();
                    scan(&bytes, target, budget, |i| got.push(i));
                    let expected: Vec<usize> = (0..len)
                        .filter(|&i| (bytes[i] ^ target).count_ones() <= u32::from(budget))
                        .collect();
                    assert_eq!(
                        got, expected,
                        "{len} bytes, target {target}, budget {budget}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_large_array_is_mapped_on_its_own_and_reads_back_what_was_written() {
        let len = HUGE_FROM / 32 + 1;
        let mut big = Pages::<[u64; 4]>::zeroed(len);
        assert!(
            matches!(big, Pages::Mapped { .. }),
            "{} bytes: mapped",
            len * 32
        );
        assert_eq!(big.len(), len);
        assert_eq!(big.as_ptr().addr() % HUGE_PAGE, 0, "from a 2 MiB boundary");
        assert!(big.iter().all(|w| *w == [0; 4]), "zeroed");
        for (i, w) in big.as_mut_slice().iter_mut().enumerate() {
            *w = [i as u64, !(i as u64), 7, u64::MAX - i as u64];
        }
        assert_eq!(
            big[len - 1],
            [
                len as u64 - 1,
                !(len as u64 - 1),
                7,
                u64::MAX - len as u64 + 1
            ]
        );
        let small = Pages::<u8>::zeroed(HUGE_FROM - 1);
        assert!(matches!(small, Pages::Heap(..)));
        assert!(matches!(Pages::<u8>::zeroed(0), Pages::Heap(..)));
    }

    #[test]
    fn an_index_in_mapped_memory_finds_what_comparing_every_hash_finds() {
        // Enough hashes that their array is mapped (over 4 MiB), with near ones planted.
        let mut g = Hashes(0xB16);
        let mut stored: Vec<PdqHash> = (0..140_000).map(|_| g.hash()).collect();
        let queries: Vec<PdqHash> = (0..20).map(|_| g.hash()).collect();
        for (i, q) in queries.iter().enumerate() {
            stored.push(g.flipped(q, (i as u32 * 7) % 32));
            stored.push(g.flipped(q, 31));
        }
        let index = HashIndex::build(&stored).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(index.hashes, Pages::Mapped { .. }));
        assert!(
            matches!(index.offsets, Pages::Mapped { .. }),
            "11 × 65,537 bounds"
        );
        for q in &queries {
            let expected = compared_with_each(&stored, q, MATCH_DISTANCE);
            assert!(expected.len() >= 2, "the planted ones");
            assert_eq!(index.within(q, MATCH_DISTANCE), expected);
        }
    }

    #[test]
    fn more_hashes_than_three_bytes_number_are_refused() {
        let too_many = vec![PdqHash([0; 32]); MAX_HASHES + 1];
        assert_eq!(
            HashIndex::build(&too_many).err(),
            Some(TooMany {
                max: MAX_HASHES,
                got: MAX_HASHES + 1
            })
        );
    }

    #[test]
    fn every_hash_within_31_bits_is_found_and_none_further() {
        // 20,000 random hashes, and planted near ones at every distance from 0 to 40: the index
        // answers exactly what comparing against every hash answers.
        let mut g = Hashes(0x5EED);
        let mut stored: Vec<PdqHash> = (0..20_000).map(|_| g.hash()).collect();
        let queries: Vec<PdqHash> = (0..60).map(|_| g.hash()).collect();
        for (i, q) in queries.iter().enumerate() {
            for k in 0..=40 {
                if (k + i as u32).is_multiple_of(3) {
                    stored.push(g.flipped(q, k));
                }
            }
        }
        let index = HashIndex::build(&stored).unwrap_or_else(|e| panic!("{e}"));
        let mut planted_found = 0;
        for q in &queries {
            for radius in [MATCH_DISTANCE, 10, 0] {
                let expected = compared_with_each(&stored, q, radius);
                assert_eq!(index.within(q, radius), expected, "radius {radius}");
                if radius == MATCH_DISTANCE {
                    planted_found += expected.len();
                }
            }
        }
        // Planted at 0..=31 with every third distance: about 10 a query.
        assert!(planted_found >= 500, "{planted_found}");
    }
}
