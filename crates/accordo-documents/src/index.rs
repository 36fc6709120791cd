//! The in-memory register index: the fingerprints of every document with a live report.
//!
//! A check asks the index first; only a hit goes to the database, which holds the reports
//! themselves and settles a fingerprint collision (two keys with one 64-bit fingerprint: at
//! 100 million records, about one chance in 3,700 that any pair exists at all). The index
//! therefore never answers "clear" for a reported document, and costs 8 bytes per record plus
//! the hash table's control byte and slack: about 12 bytes per record at 100 million.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A 64-bit fingerprint of a document key (FNV-1a, then the SplitMix64 finaliser so that
/// every bit depends on every byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= h >> 30;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
        h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
        Fingerprint(h)
    }
}

/// Fingerprints are already well mixed: hashing them again would only cost time.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `Fingerprint`'s derived `Hash`; stay correct otherwise.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The set of fingerprints of reported documents.
#[derive(Default)]
pub struct Index {
    set: HashSet<u64, BuildHasherDefault<PassThrough>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("len", &self.len()).finish()
    }
}

impl Index {
    /// An empty index with room for `n` fingerprints without growing.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            set: HashSet::with_capacity_and_hasher(n, BuildHasherDefault::default()),
        }
    }

    pub fn insert(&mut self, f: Fingerprint) -> bool {
        self.set.insert(f.0)
    }

    pub fn remove(&mut self, f: Fingerprint) -> bool {
        self.set.remove(&f.0)
    }

    /// Whether a document with this fingerprint may be reported (a database read confirms).
    pub fn may_contain(&self, f: Fingerprint) -> bool {
        self.set.contains(&f.0)
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Bytes the table holds (buckets and control bytes), for the benchmark and /metrics.
    pub fn bytes(&self) -> usize {
        let buckets = self
            .set
            .capacity()
            .saturating_mul(8)
            .div_ceil(7)
            .next_power_of_two();
        buckets * (std::mem::size_of::<u64>() + 1)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::DocumentKey;
    use proptest::prelude::*;

    #[test]
    fn reported_documents_are_found_and_others_are_not() {
        let mut index = Index::default();
        let reported = DocumentKey::new("ITA", "P", "YA1234567").unwrap();
        let other = DocumentKey::new("ITA", "P", "YA1234568").unwrap();
        assert!(index.insert(reported.fingerprint()));
        assert!(
            !index.insert(reported.fingerprint()),
            "a second report adds nothing"
        );
        assert!(index.may_contain(reported.fingerprint()));
        assert!(!index.may_contain(other.fingerprint()));
        assert!(index.remove(reported.fingerprint()));
        assert!(!index.may_contain(reported.fingerprint()));
        assert!(index.is_empty());
    }

    #[test]
    fn fingerprints_of_a_million_sequential_numbers_do_not_collide() {
        let mut seen = HashSet::new();
        for n in 0..1_000_000u32 {
            let key = DocumentKey::new("PAK", "P", &format!("AB{n:07}")).unwrap();
            assert!(seen.insert(key.fingerprint()), "collision at {n}");
        }
    }

    proptest! {
        #[test]
        fn an_inserted_fingerprint_is_always_found(numbers in proptest::collection::vec("[A-Z0-9]{1,12}", 1..200)) {
            let mut index = Index::with_capacity(numbers.len());
            let keys: Vec<_> = numbers.iter().map(|n| DocumentKey::new("TUN", "I", n).unwrap()).collect();
            for k in &keys {
                index.insert(k.fingerprint());
            }
            for k in &keys {
                prop_assert!(index.may_contain(k.fingerprint()));
            }
        }
    }
}
