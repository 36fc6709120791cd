//! Hit/no-hit: the in-memory index from entity keys to the records holding them.
//!
//! A new message's entities are looked up here before its 201 is returned: each posting is
//! a record (a message) that names the same identifier, which the service then weighs
//! against what the sender may read. The index holds no content, only a 64-bit fingerprint
//! of the kind and key and the posting; a fingerprint collision can only propose a record
//! that the database, holding the keys themselves, then rules out.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use accordo_documents::{Fingerprint, PassThrough};

use crate::entity::Kind;

/// The fingerprint of an entity's kind and normalised key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u64);

impl Key {
    pub fn of(kind: Kind, normalised: &str) -> Self {
        let mut bytes = Vec::with_capacity(kind.as_str().len() + 1 + normalised.len());
        bytes.extend_from_slice(kind.as_str().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(normalised.as_bytes());
        Key(Fingerprint::of(&bytes).0)
    }
}

type Fast<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// Keys to postings. Most identifiers are named by one record: those postings sit inline
/// (`first`); a key named by more keeps the others in `more`.
pub struct MatchIndex<P> {
    first: Fast<P>,
    more: Fast<Vec<P>>,
}

impl<P> Default for MatchIndex<P> {
    fn default() -> Self {
        MatchIndex {
            first: Fast::default(),
            more: Fast::default(),
        }
    }
}

impl<P> std::fmt::Debug for MatchIndex<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchIndex")
            .field("keys", &self.first.len())
            .finish()
    }
}

impl<P: Copy + Eq> MatchIndex<P> {
    /// An empty index with room for `keys` keys without growing.
    pub fn with_capacity(keys: usize) -> Self {
        MatchIndex {
            first: Fast::with_capacity_and_hasher(keys, BuildHasherDefault::default()),
            more: Fast::default(),
        }
    }

    /// Records that `posting` names `key`; naming it twice changes nothing.
    pub fn insert(&mut self, key: Key, posting: P) {
        match self.first.get(&key.0) {
            None => {
                self.first.insert(key.0, posting);
            }
            Some(p) if *p == posting => {}
            Some(_) => {
                let others = self.more.entry(key.0).or_default();
                if !others.contains(&posting) {
                    others.push(posting);
                }
            }
        }
    }

    /// Forgets that `posting` names `key` (a record erased or withdrawn).
    pub fn remove(&mut self, key: Key, posting: P) {
        let Some(first) = self.first.get(&key.0).copied() else {
            return;
        };
        let others = self.more.get_mut(&key.0);
        if first == posting {
            match others.and_then(|o| o.pop()) {
                Some(next) => {
                    self.first.insert(key.0, next);
                }
                None => {
                    self.first.remove(&key.0);
                }
            }
        } else if let Some(o) = others {
            o.retain(|p| *p != posting);
        }
        if self.more.get(&key.0).is_some_and(Vec::is_empty) {
            self.more.remove(&key.0);
        }
    }

    /// Every posting of `key`.
    pub fn lookup(&self, key: Key) -> impl Iterator<Item = P> + '_ {
        self.first
            .get(&key.0)
            .copied()
            .into_iter()
            .chain(self.more.get(&key.0).into_iter().flatten().copied())
    }

    /// How many keys the index holds.
    pub fn keys(&self) -> usize {
        self.first.len()
    }

    /// The memory the index holds, in bytes: the tables' slots (key, posting and one
    /// control byte each, at their capacity) and the lists of further postings.
    pub fn bytes(&self) -> usize {
        let slot = std::mem::size_of::<(u64, P)>() + 1;
        let list_slot = std::mem::size_of::<(u64, Vec<P>)>() + 1;
        self.first.capacity() * slot
            + self.more.capacity() * list_slot
            + self
                .more
                .values()
                .map(|v| v.capacity() * std::mem::size_of::<P>())
                .sum::<usize>()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn postings_come_back_until_removed() {
        let mut index = MatchIndex::default();
        let phone = Key::of(Kind::Phone, "+390612345678");
        let other = Key::of(Kind::Handle, "+390612345678");
        assert_ne!(phone, other, "the kind is part of the key");
        index.insert(phone, 1u64);
        index.insert(phone, 1);
        index.insert(phone, 2);
        index.insert(phone, 3);
        index.insert(other, 9);
        let mut got: Vec<u64> = index.lookup(phone).collect();
        got.sort();
        assert_eq!(got, [1, 2, 3]);
        index.remove(phone, 1);
        let mut got: Vec<u64> = index.lookup(phone).collect();
        got.sort();
        assert_eq!(got, [2, 3]);
        index.remove(phone, 3);
        index.remove(phone, 2);
        assert_eq!(index.lookup(phone).count(), 0);
        assert_eq!(index.keys(), 1);
        assert_eq!(index.lookup(other).collect::<Vec<_>>(), [9]);
        index.remove(other, 8);
        assert_eq!(index.lookup(other).count(), 1, "another posting leaves it");
        assert!(index.bytes() > 0);
    }
}
