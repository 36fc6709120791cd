//! The hash chain of the audit log.
//!
//! Each entry's hash covers the previous entry's hash, the entry's canonical bytes and the
//! hash of its details. Details (which may hold personal data) are stored apart, so that they
//! can be erased under a retention rule while the chain still verifies: the entry keeps the
//! details' hash.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digest256(pub [u8; 32]);

impl Digest256 {
    pub const GENESIS: Digest256 = Digest256([0; 32]);

    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Debug for Digest256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

/// One entry of the audit log, without its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    pub id: Uuid,
    /// Microseconds since the Unix epoch.
    pub at_us: i64,
    pub actor_user: Option<Uuid>,
    /// The username at the time (kept so the log reads without joins, and survives renames).
    pub actor_name: String,
    pub actor_agency: Option<String>,
    /// What was done, `<kind>.<verb>`: `user.create`, `auth.login_failed`, `return_case.read`.
    pub action: String,
    pub resource_kind: String,
    pub resource_id: Option<String>,
    pub request_id: Option<String>,
}

impl AuditEntry {
    /// The canonical bytes the hash covers: a version tag, then each field length-prefixed,
    /// so no two different entries share bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"accordo-audit-v1");
        out.extend_from_slice(&self.seq.to_be_bytes());
        put(&mut out, Some(self.id.to_string().as_str()));
        out.extend_from_slice(&self.at_us.to_be_bytes());
        put(&mut out, self.actor_user.map(|u| u.to_string()).as_deref());
        put(&mut out, Some(&self.actor_name));
        put(&mut out, self.actor_agency.as_deref());
        put(&mut out, Some(&self.action));
        put(&mut out, Some(&self.resource_kind));
        put(&mut out, self.resource_id.as_deref());
        put(&mut out, self.request_id.as_deref());
        out
    }

    /// This entry's link in the chain.
    pub fn chain_hash(&self, prev: Digest256, details: Digest256) -> Digest256 {
        let mut h = Sha256::new();
        h.update(prev.0);
        h.update(self.canonical_bytes());
        h.update(details.0);
        Digest256(h.finalize().into())
    }
}

fn put(out: &mut Vec<u8>, field: Option<&str>) {
    match field {
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
        Some(text) => {
            // An entry's field is far below 4 GiB; saturate rather than wrap if ever not.
            let len = u32::try_from(text.len()).unwrap_or(u32::MAX - 1);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// An entry as stored: its links and, unless erased, its details.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub details_hash: String,
    pub hash: String,
    /// `None` once erased under retention.
    pub details: Option<String>,
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: expected entry {expected} here; entries were removed or reordered")]
    Gap { seq: i64, expected: i64 },
    #[error(
        "entry {seq}: its link to the previous entry does not match; entries were removed, inserted or reordered"
    )]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: its contents do not match its hash; the entry was changed")]
    Altered { seq: i64 },
    #[error(
        "entry {seq}: its details do not match the hash recorded for them; the details were changed"
    )]
    DetailsAltered { seq: i64 },
    #[error(
        "the log ends at entry {last} but the chain head says {head}; entries at the end were removed"
    )]
    Truncated { last: i64, head: i64 },
    #[error("the chain head does not match the last entry {seq}")]
    HeadMismatch { seq: i64 },
    #[error(
        "entry {seq}: its details are missing and no erasure entry names it; the details were deleted"
    )]
    DetailsMissing { seq: i64 },
    #[error(
        "entry {seq}: the chain's hash here differs from the one a signed checkpoint kept; the log was rewritten up to here"
    )]
    CheckpointMismatch { seq: i64 },
    #[error(
        "the log ends at entry {last} but a signed checkpoint saw entry {checkpoint}; entries were removed and the head rewound"
    )]
    BehindCheckpoint { last: i64, checkpoint: i64 },
}

impl ChainBreak {
    /// The first entry found bad.
    pub fn seq(&self) -> i64 {
        match *self {
            ChainBreak::Gap { seq, .. }
            | ChainBreak::BrokenLink { seq }
            | ChainBreak::Altered { seq }
            | ChainBreak::DetailsAltered { seq }
            | ChainBreak::DetailsMissing { seq }
            | ChainBreak::CheckpointMismatch { seq }
            | ChainBreak::HeadMismatch { seq } => seq,
            ChainBreak::BehindCheckpoint { last, .. } => last + 1,
            ChainBreak::Truncated { last, .. } => last + 1,
        }
    }
}

/// Recomputes the chain one entry at a time, in `seq` order, so a log of any length
/// verifies in constant memory.
#[derive(Debug)]
pub struct ChainVerifier {
    prev: Digest256,
    next_seq: i64,
    erased: u64,
    /// What erasure entries name as erased: (from, to, the erasure entry, its time), sorted.
    recorded: Vec<(i64, i64, i64, i64)>,
    /// Head hashes that signed checkpoints kept, by entry.
    checkpoints: std::collections::BTreeMap<i64, Digest256>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev: Digest256::GENESIS,
            next_seq: 1,
            erased: 0,
            recorded: Vec::new(),
            checkpoints: std::collections::BTreeMap::new(),
        }
    }
}

/// A signed statement of the chain's head: entry `seq` ends the chain with hash `head_hash`,
/// at `at_us` (microseconds since the epoch), signed with Ed25519 by the key whose public half
/// is `public_key` (all hex). Certificate Transparency's signed tree head is the model: a
/// monitor keeps them, and a log rewritten or cut behind one no longer matches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub head_hash: String,
    pub at_us: i64,
    pub public_key: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint at entry {seq}: the public key is not an Ed25519 key")]
    BadKey { seq: i64 },
    #[error("checkpoint at entry {seq}: its signature does not verify; it was forged or altered")]
    BadSignature { seq: i64 },
    #[error("checkpoint at entry {seq}: signed by {found}, not by the key given ({expected})")]
    OtherKey {
        seq: i64,
        found: String,
        expected: String,
    },
}

impl Checkpoint {
    /// The bytes signed: a fixed, versioned text, so no field can be read as another.
    fn message(seq: i64, head_hash: &str, at_us: i64) -> String {
        format!("accordo audit checkpoint v1\nseq {seq}\nhead {head_hash}\nat {at_us}\n")
    }

    pub fn sign(key: &ed25519_dalek::SigningKey, seq: i64, head_hash: &str, at_us: i64) -> Self {
        use ed25519_dalek::Signer;
        let signature = key.sign(Self::message(seq, head_hash, at_us).as_bytes());
        Checkpoint {
            seq,
            head_hash: head_hash.to_owned(),
            at_us,
            public_key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Checks the signature against the checkpoint's own key, and that key against
    /// `expected` (hex) when the reader pinned one.
    pub fn verify(&self, expected: Option<&str>) -> Result<(), CheckpointError> {
        use ed25519_dalek::Verifier;
        let seq = self.seq;
        if let Some(expected) = expected
            && !expected.eq_ignore_ascii_case(&self.public_key)
        {
            return Err(CheckpointError::OtherKey {
                seq,
                found: self.public_key.clone(),
                expected: expected.to_owned(),
            });
        }
        let key: [u8; 32] = hex::decode(&self.public_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadKey { seq })?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
            .map_err(|_| CheckpointError::BadKey { seq })?;
        let signature: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadSignature { seq })?;
        key.verify(
            Self::message(seq, &self.head_hash, self.at_us).as_bytes(),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .map_err(|_| CheckpointError::BadSignature { seq })
    }
}

/// The `resource_kind` of an erasure entry: the audit entry that records which entries'
/// details retention erased (its details: `{"erased": [[from, to], …], …}`). Its own details
/// are never erased.
pub const ERASURE_KIND: &str = "audit_details";

const DAY_US: i64 = 86_400_000_000;

/// The youngest an entry may be when retention erases its details: the shortest period
/// the `audit_details` retention rule allows (180 days).
pub const MIN_DETAILS_AGE_US: i64 = 180 * DAY_US;

/// An erasure entry as the verifier needs it: its place and time in the chain, and what it
/// names as erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub seq: i64,
    pub at_us: i64,
    pub ranges: Vec<(i64, i64)>,
}

/// The ranges an erasure entry's details name (empty if they name none).
pub fn erased_ranges(details: &str) -> Vec<(i64, i64)> {
    serde_json::from_str::<serde_json::Value>(details)
        .ok()
        .and_then(|v| {
            v.get("erased")?.as_array().map(|ranges| {
                ranges
                    .iter()
                    .filter_map(|r| Some((r.get(0)?.as_i64()?, r.get(1)?.as_i64()?)))
                    .collect()
            })
        })
        .unwrap_or_default()
}

/// Sorted entry numbers as inclusive ranges: `[1, 2, 3, 7]` → `[(1, 3), (7, 7)]`.
pub fn ranges_of(seqs: &[i64]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &s in seqs {
        match out.last_mut() {
            Some((_, to)) if *to + 1 == s => *to = s,
            _ => out.push((s, s)),
        }
    }
    out
}

impl ChainVerifier {
    /// A verifier that accepts missing details only where an erasure entry (see
    /// [`ERASURE_KIND`]) names them, and only as retention could have erased them: entries
    /// before the erasure entry and older than it by [`MIN_DETAILS_AGE_US`], by an erasure
    /// entry not dated after `now_us` (plus a day of clock skew). So even an erasure entry
    /// forged by whoever can write to the database can hide no more than retention may erase.
    pub fn with_erasures(erasures: Vec<Erasure>, now_us: i64) -> Self {
        let mut recorded: Vec<(i64, i64, i64, i64)> = erasures
            .into_iter()
            .filter(|e| e.at_us <= now_us.saturating_add(DAY_US))
            .flat_map(|e| {
                e.ranges
                    .into_iter()
                    .map(move |(from, to)| (from, to.min(e.seq - 1), e.seq, e.at_us))
            })
            .filter(|(from, to, _, _)| from <= to)
            .collect();
        recorded.sort_unstable();
        Self {
            recorded,
            ..Self::default()
        }
    }

    /// Also holds the chain to these checkpoints (their signatures checked by the caller):
    /// at each one's entry the hash must be the one it kept, and the log must reach it.
    pub fn with_checkpoints(mut self, checkpoints: &[Checkpoint]) -> Result<Self, ChainBreak> {
        for c in checkpoints {
            let hash = Digest256::from_hex(&c.head_hash)
                .filter(|_| c.seq >= 1)
                .ok_or(ChainBreak::CheckpointMismatch { seq: c.seq })?;
            // Two signed heads for one entry are a fork: proof of a rewrite by themselves.
            if let Some(kept) = self.checkpoints.insert(c.seq, hash)
                && kept != hash
            {
                return Err(ChainBreak::CheckpointMismatch { seq: c.seq });
            }
        }
        Ok(self)
    }

    /// Whether an erasure entry names entry `seq`, dated `at_us`, as erased, as retention
    /// could have erased it (see [`ChainVerifier::with_erasures`]).
    pub fn names(&self, seq: i64, at_us: i64) -> bool {
        let end = self.recorded.partition_point(|(from, ..)| *from <= seq);
        self.recorded[..end].iter().any(|(_, to, _, erased_at)| {
            seq <= *to && at_us < erased_at.saturating_sub(MIN_DETAILS_AGE_US)
        })
    }

    pub fn push(&mut self, stored: &StoredEntry) -> Result<(), ChainBreak> {
        let seq = stored.entry.seq;
        if seq != self.next_seq {
            return Err(ChainBreak::Gap {
                seq,
                expected: self.next_seq,
            });
        }
        if Digest256::from_hex(&stored.prev_hash) != Some(self.prev) {
            return Err(ChainBreak::BrokenLink { seq });
        }
        let details_hash =
            Digest256::from_hex(&stored.details_hash).ok_or(ChainBreak::Altered { seq })?;
        match &stored.details {
            Some(details) if Digest256::of(details.as_bytes()) != details_hash => {
                return Err(ChainBreak::DetailsAltered { seq });
            }
            Some(_) => {}
            None if self.names(seq, stored.entry.at_us) => {
                self.erased += 1;
            }
            None => return Err(ChainBreak::DetailsMissing { seq }),
        }
        let hash = stored.entry.chain_hash(self.prev, details_hash);
        if Digest256::from_hex(&stored.hash) != Some(hash) {
            return Err(ChainBreak::Altered { seq });
        }
        if self.checkpoints.get(&seq).is_some_and(|kept| *kept != hash) {
            return Err(ChainBreak::CheckpointMismatch { seq });
        }
        self.prev = hash;
        self.next_seq += 1;
        Ok(())
    }

    /// Checks the end of the log against the chain head (which catches a removed tail).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<ChainSummary, ChainBreak> {
        let last = self.next_seq - 1;
        if let Some((&checkpoint, _)) = self.checkpoints.range(last + 1..).next_back() {
            return Err(ChainBreak::BehindCheckpoint { last, checkpoint });
        }
        if head_seq != last {
            return Err(ChainBreak::Truncated {
                last,
                head: head_seq,
            });
        }
        if Digest256::from_hex(head_hash) != Some(self.prev) {
            return Err(ChainBreak::HeadMismatch { seq: last });
        }
        Ok(ChainSummary {
            entries: last,
            erased_details: self.erased,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSummary {
    pub entries: i64,
    pub erased_details: u64,
}

/// Builds the stored form of the next entry, given the chain head.
pub fn link(entry: AuditEntry, details: &str, prev: Digest256) -> StoredEntry {
    let details_hash = Digest256::of(details.as_bytes());
    let hash = entry.chain_hash(prev, details_hash);
    StoredEntry {
        entry,
        prev_hash: prev.to_hex(),
        details_hash: details_hash.to_hex(),
        hash: hash.to_hex(),
        details: Some(details.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = Digest256::GENESIS;
        (1..=n)
            .map(|seq| {
                let entry = AuditEntry {
                    seq,
                    id: Uuid::from_u128(seq as u128),
                    at_us: 1_700_000_000_000_000 + seq,
                    actor_user: Some(Uuid::from_u128(7)),
                    actor_name: "ita.caseworker".into(),
                    actor_agency: Some("IT-MI".into()),
                    action: "return_case.read".into(),
                    resource_kind: "return_case".into(),
                    resource_id: Some(format!("case-{seq}")),
                    request_id: None,
                };
                let stored = link(entry, &format!("{{\"n\":{seq}}}"), prev);
                prev = Digest256::from_hex(&stored.hash).unwrap();
                stored
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry]) -> Result<ChainSummary, ChainBreak> {
        verify_with(entries, Vec::new())
    }

    fn verify_with(
        entries: &[StoredEntry],
        erasures: Vec<(i64, i64)>,
    ) -> Result<ChainSummary, ChainBreak> {
        // As if the last entry were the erasure entry, a year after the others.
        let year = 365 * DAY_US;
        let erasure = Erasure {
            seq: entries.last().map_or(1, |e| e.entry.seq),
            at_us: 1_700_000_000_000_000 + year,
            ranges: erasures,
        };
        let mut v = ChainVerifier::with_erasures(vec![erasure], 1_700_000_000_000_000 + year);
        for e in entries {
            v.push(e)?;
        }
        let (seq, hash) = entries
            .last()
            .map(|e| (e.entry.seq, e.hash.clone()))
            .unwrap_or((0, Digest256::GENESIS.to_hex()));
        v.finish(seq, &hash)
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(
            verify(&chain(5)),
            Ok(ChainSummary {
                entries: 5,
                erased_details: 0
            })
        );
        assert_eq!(
            verify(&[]),
            Ok(ChainSummary {
                entries: 0,
                erased_details: 0
            })
        );
    }

    #[test]
    fn erased_details_keep_the_chain_when_an_erasure_entry_names_them() {
        let mut log = chain(4);
        log[1].details = None;
        assert_eq!(
            verify_with(&log, vec![(1, 2)]),
            Ok(ChainSummary {
                entries: 4,
                erased_details: 1
            })
        );
        // Deleted without an erasure entry naming it: tampering.
        assert_eq!(
            verify_with(&log, vec![(3, 4)]),
            Err(ChainBreak::DetailsMissing { seq: 2 })
        );
        assert_eq!(verify(&log), Err(ChainBreak::DetailsMissing { seq: 2 }));
        // An erasure entry names only what retention could erase: older entries, before it,
        // and it is not dated in the future.
        let at = |days: i64| 1_700_000_000_000_000 + days * DAY_US;
        let named = |seq: i64, erasure_at: i64, now: i64| {
            ChainVerifier::with_erasures(
                vec![Erasure {
                    seq: 10,
                    at_us: erasure_at,
                    ranges: vec![(1, 20)],
                }],
                now,
            )
            .names(seq, at(0))
        };
        assert!(named(2, at(200), at(200)));
        assert!(!named(2, at(100), at(100)), "younger than 180 days");
        assert!(!named(12, at(200), at(200)), "after the erasure entry");
        assert!(
            !named(2, at(400), at(200)),
            "an erasure dated in the future"
        );
    }

    #[test]
    fn checkpoints_catch_a_rewrite_or_a_cut_behind_them_and_forgeries() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let log = chain(6);
        let at4 = Checkpoint::sign(&key, 4, &log[3].hash, 1);
        assert_eq!(at4.verify(None), Ok(()));
        assert_eq!(at4.verify(Some(&at4.public_key)), Ok(()));
        let run = |entries: &[StoredEntry], cps: &[Checkpoint]| {
            let mut v = ChainVerifier::default().with_checkpoints(cps)?;
            for e in entries {
                v.push(e)?;
            }
            let last = entries.last().unwrap();
            v.finish(last.entry.seq, &last.hash)
        };
        assert!(run(&log, std::slice::from_ref(&at4)).is_ok());
        // Cut to entry 3, with the head rewound to match: only the checkpoint sees it.
        assert_eq!(
            run(&log[..3], std::slice::from_ref(&at4)),
            Err(ChainBreak::BehindCheckpoint {
                last: 3,
                checkpoint: 4
            })
        );
        // Rewritten from entry 2 on, every hash recomputed: the checkpoint's hash differs.
        let mut rewritten = chain(6);
        rewritten[1].entry.actor_name = "someone.else".into();
        let mut prev = rewritten[0].hash.clone();
        for e in rewritten.iter_mut().skip(1) {
            let p = Digest256::from_hex(&prev).unwrap();
            let relinked = link(e.entry.clone(), e.details.as_deref().unwrap(), p);
            *e = relinked;
            prev = e.hash.clone();
        }
        assert_eq!(
            run(&rewritten, std::slice::from_ref(&at4)),
            Err(ChainBreak::CheckpointMismatch { seq: 4 })
        );
        // Two signed heads for one entry are a fork; an entry 0 or below is no checkpoint.
        let fork = Checkpoint::sign(&key, 4, &log[2].hash, 2);
        assert_eq!(
            ChainVerifier::default()
                .with_checkpoints(&[at4.clone(), fork])
                .err(),
            Some(ChainBreak::CheckpointMismatch { seq: 4 })
        );
        let zero = Checkpoint::sign(&key, 0, &log[0].hash, 2);
        assert!(ChainVerifier::default().with_checkpoints(&[zero]).is_err());
        // A forged signature, an altered field, another key.
        let mut forged = at4.clone();
        forged.signature = hex::encode([1u8; 64]);
        assert_eq!(
            forged.verify(None),
            Err(CheckpointError::BadSignature { seq: 4 })
        );
        let mut moved = at4.clone();
        moved.seq = 5;
        assert_eq!(
            moved.verify(None),
            Err(CheckpointError::BadSignature { seq: 5 })
        );
        let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        let theirs = Checkpoint::sign(&other, 4, &log[3].hash, 1);
        assert!(matches!(
            theirs.verify(Some(&at4.public_key)),
            Err(CheckpointError::OtherKey { .. })
        ));
    }

    #[test]
    fn erased_ranges_are_read_and_written() {
        assert_eq!(
            ranges_of(&[1, 2, 3, 7, 9, 10]),
            vec![(1, 3), (7, 7), (9, 10)]
        );
        assert_eq!(
            erased_ranges(r#"{"erased": [[1, 3], [7, 7]], "keep_days": 730}"#),
            vec![(1, 3), (7, 7)]
        );
        assert!(erased_ranges("{}").is_empty());
        assert!(erased_ranges("not json").is_empty());
    }

    #[test]
    fn each_tampering_names_the_first_bad_entry() {
        let changed_field = {
            let mut log = chain(5);
            log[2].entry.actor_name = "someone.else".into();
            verify(&log)
        };
        assert_eq!(changed_field, Err(ChainBreak::Altered { seq: 3 }));

        let changed_details = {
            let mut log = chain(5);
            log[1].details = Some("{\"n\":99}".into());
            verify(&log)
        };
        assert_eq!(changed_details, Err(ChainBreak::DetailsAltered { seq: 2 }));

        let removed = {
            let mut log = chain(5);
            log.remove(2);
            verify(&log)
        };
        assert_eq!(
            removed,
            Err(ChainBreak::Gap {
                seq: 4,
                expected: 3
            })
        );

        let reordered = {
            let mut log = chain(5);
            log.swap(1, 2);
            verify(&log)
        };
        assert_eq!(
            reordered,
            Err(ChainBreak::Gap {
                seq: 3,
                expected: 2
            })
        );

        let renumbered_after_removal = {
            // An attacker removes entry 3 and renumbers the rest: the links give it away.
            let mut log = chain(5);
            log.remove(2);
            for (i, e) in log.iter_mut().enumerate() {
                e.entry.seq = i as i64 + 1;
            }
            verify(&log)
        };
        assert_eq!(
            renumbered_after_removal,
            Err(ChainBreak::BrokenLink { seq: 3 })
        );

        let tail_removed = {
            let log = chain(5);
            let mut v = ChainVerifier::default();
            for e in &log[..4] {
                v.push(e).unwrap();
            }
            v.finish(5, &log[4].hash)
        };
        assert_eq!(
            tail_removed,
            Err(ChainBreak::Truncated { last: 4, head: 5 })
        );
        assert_eq!(tail_removed.unwrap_err().seq(), 5);
    }

    #[test]
    fn canonical_bytes_separate_fields() {
        let [a, _] = <[StoredEntry; 2]>::try_from(chain(2)).unwrap();
        let mut moved = a.entry.clone();
        // Moving a character from one field to the next must change the bytes.
        moved.action = "return_case.rea".into();
        moved.resource_kind = "dreturn_case".into();
        assert_ne!(a.entry.canonical_bytes(), moved.canonical_bytes());
    }
}
