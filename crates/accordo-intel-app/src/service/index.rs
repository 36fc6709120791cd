//! The match index of this node: every valid entity key of every message, to the messages
//! naming it (`accordo_intel::MatchIndex`). Built from the database at start, kept current on
//! every message written here and, on PostgreSQL, on every other node's
//! ([`follow_changes`]). It proposes; the database confirms (`store::hidden_matches`).

use std::sync::RwLock;

use accordo_intel::{Key, Kind, MatchIndex};
use accordo_service::{Platform, Result};
use uuid::Uuid;

use crate::store;

/// The index behind a lock, shared by the requests of this node.
#[derive(Debug, Default)]
pub struct Matches(RwLock<MatchIndex<u128>>);

impl Matches {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, MatchIndex<u128>> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The messages the index says name `(kind, normalised)`.
    pub fn candidates(&self, keys: &[(String, String)]) -> Vec<Uuid> {
        let index = self.0.read().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<Uuid> = Vec::new();
        for (kind, normalised) in keys {
            let Ok(kind) = Kind::parse(kind) else {
                continue;
            };
            for posting in index.lookup(Key::of(kind, normalised)) {
                let id = Uuid::from_u128(posting);
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    /// Adds a message's keys.
    pub fn add(&self, message: Uuid, keys: &[(String, String)]) {
        let mut index = self.write();
        for (kind, normalised) in keys {
            if let Ok(kind) = Kind::parse(kind) {
                index.insert(Key::of(kind, normalised), message.as_u128());
            }
        }
    }

    /// How many keys the index holds.
    pub fn keys(&self) -> usize {
        self.0.read().unwrap_or_else(|p| p.into_inner()).keys()
    }
}

/// (Re)builds the index from the database; returns how many entities it read.
pub async fn load(platform: &Platform) -> Result<u64> {
    let mut fresh: MatchIndex<u128> = MatchIndex::default();
    let n = store::for_each_key(&platform.store, |message, kind, normalised| {
        if let Ok(kind) = Kind::parse(kind) {
            fresh.insert(Key::of(kind, normalised), message.as_u128());
        }
    })
    .await?;
    *platform.state::<Matches>().write() = fresh;
    Ok(n)
}

/// Follows the messages other nodes write, until the connection cannot be made again.
/// Returns at once on SQLite, where this node is the only one.
pub async fn follow_changes(platform: Platform) -> Result<()> {
    let Some(mut changes) = store::listen(&platform.store).await? else {
        return Ok(());
    };
    // Anything written between the first load and the LISTEN is caught by a second load.
    load(&platform).await?;
    loop {
        match changes.next().await? {
            Some(message) => {
                let mut conn = platform.store.read().await?;
                let keys = store::keys_of(&mut conn, message).await?;
                drop(conn);
                platform.state::<Matches>().add(message, &keys);
            }
            None => {
                load(&platform).await?;
            }
        }
    }
}
