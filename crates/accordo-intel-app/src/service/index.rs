//! The match index of this node: every valid entity key of every message, to the messages
//! naming it (`accordo_intel::MatchIndex`). Built from the database at start, added to by
//! every message written here (before its transaction commits) and, on PostgreSQL, by every
//! other node's ([`follow_changes`]). Messages are never taken out of it (none is erased
//! yet), so a reload adds and loses nothing.
//!
//! On SQLite, the one node writes one message at a time, and the index is complete for the
//! writer: a key no posting holds is named by no other message, and the database is not
//! asked. On PostgreSQL another node may have just written a message this node has not yet
//! heard of, so the database is always asked (by the keys' index, under a lock per key:
//! `Store::write_locked`).

use std::sync::RwLock;
use std::time::Duration;

use accordo_intel::{Key, Kind, MatchIndex};
use accordo_service::{Platform, Result};
use uuid::Uuid;

use crate::store;

/// The index behind a lock, shared by the requests of this node.
#[derive(Debug, Default)]
pub struct Matches(RwLock<MatchIndex<u128>>);

/// The fingerprint of a stored `(kind, normalised)` key.
pub fn key_of(kind: &str, normalised: &str) -> Option<Key> {
    Kind::parse(kind).ok().map(|k| Key::of(k, normalised))
}

impl Matches {
    /// Whether any message the index holds names one of `keys`.
    pub fn names_any(&self, keys: &[(String, String)]) -> bool {
        let index = self.0.read().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|(kind, normalised)| key_of(kind, normalised))
            .any(|key| index.lookup(key).next().is_some())
    }

    /// Adds a message's keys.
    pub fn add(&self, message: Uuid, keys: &[(String, String)]) {
        let mut index = self.0.write().unwrap_or_else(|p| p.into_inner());
        for (kind, normalised) in keys {
            if let Some(key) = key_of(kind, normalised) {
                index.insert(key, message.as_u128());
            }
        }
    }

    /// How many keys the index holds.
    pub fn keys(&self) -> usize {
        self.0.read().unwrap_or_else(|p| p.into_inner()).keys()
    }
}

/// Adds every key of the database to the index; returns how many entities it read.
pub async fn load(platform: &Platform) -> Result<u64> {
    let matches = platform.state::<Matches>();
    let mut batch: Vec<(Key, u128)> = Vec::new();
    let n = store::for_each_key(&platform.store, |message, kind, normalised| {
        if let Some(key) = key_of(kind, normalised) {
            batch.push((key, message.as_u128()));
        }
    })
    .await?;
    let mut index = matches.0.write().unwrap_or_else(|p| p.into_inner());
    for (key, posting) in batch {
        index.insert(key, posting);
    }
    Ok(n)
}

/// Follows the messages other nodes write. Returns at once on SQLite, where this node is the
/// only one; on PostgreSQL listens again after a lost connection or a failed read, and then
/// loads the database again (what was announced meanwhile is in it).
pub async fn follow_changes(platform: Platform) -> Result<()> {
    loop {
        let mut changes = match store::listen(&platform.store).await {
            Ok(Some(changes)) => changes,
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen to the other nodes' intel messages; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Anything written before the LISTEN took effect is caught by a load after it.
        if let Err(e) = load(&platform).await {
            tracing::warn!(error = %e, "the intel match index was not reloaded; trying again");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        loop {
            let (heard, sent) = match changes.next().await {
                Ok(Some(message)) => message,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "stopped hearing the other nodes' intel messages; listening again");
                    break;
                }
            };
            let keys = match sent {
                Some(keys) => Ok(keys),
                None => {
                    async {
                        let mut conn = platform.store.read().await?;
                        store::keys_of(&mut conn, heard).await
                    }
                    .await
                }
            };
            match keys {
                Ok(keys) => platform.state::<Matches>().add(heard, &keys),
                Err(e) => {
                    tracing::warn!(error = %e, "a message announced by another node was not read; reloading");
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
