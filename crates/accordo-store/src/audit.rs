//! The audit log: append in the caller's transaction, search within a scope, stream for
//! verification.

use accordo_domain::audit::{
    AuditEntry, ChainBreak, ChainSummary, ChainVerifier, Checkpoint, Digest256, ERASURE_KIND,
    Erasure, StoredEntry, erased_ranges, link,
};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use accordo_domain::access::{Reach, Scope};

use crate::{Audited, Conn, Result, Store, StoreError, Tx};

/// An entry to append; the store numbers and links it.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub id: Uuid,
    pub at_us: i64,
    pub actor_user: Option<Uuid>,
    pub actor_name: String,
    pub actor_agency: Option<String>,
    pub action: String,
    pub resource_kind: String,
    pub resource_id: Option<String>,
    pub request_id: Option<String>,
    /// JSON text; may hold personal data, which retention can erase.
    pub details: String,
}

/// Appends one entry inside `tx`; the [`Audited`] it returns is what lets `tx` commit. The
/// entry commits with the change, in `audit_pending`, and [`seal`] numbers and chains it after:
/// writers touch no shared row.
pub async fn append(tx: &mut Tx, new: NewEntry) -> Result<Audited> {
    Ok(append_with(tx, new, crate::inserts::Inserts::new())
        .await?
        .0)
}

/// [`append`], the entry written with the change's own `rows`: on PostgreSQL one statement
/// for both, one round trip. Returns the rows of their query ([`Inserts::select`]), if any.
///
/// [`Inserts::select`]: crate::inserts::Inserts::select
pub async fn append_with(
    tx: &mut Tx,
    new: NewEntry,
    rows: crate::inserts::Inserts,
) -> Result<(Audited, Vec<AnyRow>)> {
    append_each(tx, vec![new], rows).await
}

/// [`append_with`] for several entries (a batch of actions, each by its own actor), written
/// with `rows` in one round trip. `entries` must not be empty.
pub async fn append_each(
    tx: &mut Tx,
    entries: Vec<NewEntry>,
    mut rows: crate::inserts::Inserts,
) -> Result<(Audited, Vec<AnyRow>)> {
    if entries.is_empty() {
        return Err(StoreError::Invalid(
            "a write to audit needs at least one entry".into(),
        ));
    }
    let audited = tx.audited();
    for new in entries {
        audit_row(&mut rows, new);
    }
    let selected = rows.run(tx).await?;
    Ok((audited, selected))
}

fn audit_row(rows: &mut crate::inserts::Inserts, new: NewEntry) {
    rows.row(
        "audit_pending",
        &[
            "id",
            "at",
            "actor_user",
            "actor_name",
            "actor_agency",
            "action",
            "resource_kind",
            "resource_id",
            "request_id",
            "details",
        ],
        vec![
            new.id.to_string().into(),
            new.at_us.into(),
            new.actor_user.map(|u| u.to_string()).into(),
            new.actor_name.into(),
            new.actor_agency.into(),
            new.action.into(),
            new.resource_kind.into(),
            new.resource_id.into(),
            new.request_id.into(),
            new.details.into(),
        ],
    );
}

/// Entries chained by one sealing transaction at most.
const SEAL_BATCH: i64 = 2000;
/// Rows of one multi-row INSERT (13 parameters each: within both engines' limits).
const INSERT_ROWS: usize = 250;

/// Chains every committed pending entry: numbers them after the head in the order they were
/// written, links them, moves them into `audit_log` and `audit_details` and moves the head, in
/// one transaction per batch. Sealers exclude one another on the head row, so any number of
/// processes may seal. Returns how many entries were chained.
pub async fn seal(store: &Store) -> Result<u64> {
    let mut total = 0;
    loop {
        let waiting = sqlx::query("SELECT pid FROM audit_pending LIMIT 1")
            .fetch_optional(store.pool())
            .await?;
        if waiting.is_none() {
            return Ok(total);
        }
        let sealed = seal_batch(store).await?;
        total += sealed;
        if sealed < SEAL_BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn seal_batch(store: &Store) -> Result<u64> {
    let mut tx = store.write().await?;
    let conn = tx.conn();
    // The head row first: the sealers' mutual exclusion (a no-op write takes its lock).
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let mut seq: i64 = head.try_get("seq")?;
    let prev_hex: String = head.try_get("hash")?;
    let mut prev = Digest256::from_hex(&prev_hex).ok_or_else(|| {
        StoreError::Invalid("the audit chain head is corrupt; run `accordo audit verify`".into())
    })?;
    // One statement takes the rows it returns: a row committed meanwhile stays for the next.
    let mut rows = sqlx::query(
        "DELETE FROM audit_pending WHERE pid IN (SELECT pid FROM audit_pending ORDER BY pid LIMIT $1)
         RETURNING pid, id, at, actor_user, actor_name, actor_agency, action, resource_kind, resource_id,
                   request_id, details",
    )
    .bind(SEAL_BATCH)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let pid: i64 = row.try_get("pid")?;
        let details: String = row.try_get("details")?;
        Ok((pid, entry_numbered(row, 0)?, details))
    })
    .collect::<Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok(0);
    }
    rows.sort_unstable_by_key(|(pid, _, _)| *pid);
    let mut linked = Vec::with_capacity(rows.len());
    for (_, entry, details) in rows {
        seq += 1;
        let stored = link(AuditEntry { seq, ..entry }, &details, prev);
        prev = Digest256::from_hex(&stored.hash)
            .ok_or_else(|| StoreError::Invalid("an audit entry's hash is not hex".into()))?;
        linked.push(stored);
    }
    for chunk in linked.chunks(INSERT_ROWS) {
        insert_many(&mut *conn, chunk).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(prev.to_hex())
        .execute(&mut *conn)
        .await?;
    let sealed = linked.len() as u64;
    tx.commit_restored().await?;
    Ok(sealed)
}

/// Chains pending entries as they come, for as long as the server runs: woken by each commit
/// of an audit entry (and every second in any case, for entries committed by another process),
/// it waits a moment for more to gather, then seals them all in a few transactions.
pub async fn run_sealer(store: Store) {
    loop {
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(1),
            store.audit_entries_committed(),
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if let Err(e) = seal(&store).await {
            tracing::error!(error = %e, "cannot chain the pending audit entries; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

/// Seals, or says in the log why it could not and goes on: reading and verifying the chain as
/// it stands needs no write (a read-only replica or role cannot seal).
async fn seal_if_possible(store: &Store) {
    if let Err(e) = seal(store).await {
        tracing::warn!(error = %e, "cannot chain the pending audit entries; reading the chain as it stands");
    }
}

/// Entries still waiting to be chained.
pub async fn pending(store: &Store) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_pending")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// Several linked entries in one statement each for the log and the details.
async fn insert_many(conn: &mut Conn, chunk: &[StoredEntry]) -> Result<()> {
    let sql = format!(
        "INSERT INTO audit_log (seq, id, at, actor_user, actor_name, actor_agency, action, resource_kind,
            resource_id, request_id, details_hash, prev_hash, hash) VALUES {}",
        crate::values(chunk.len(), 13)
    );
    let mut query = sqlx::query(&sql);
    for stored in chunk {
        let e = &stored.entry;
        query = query
            .bind(e.seq)
            .bind(e.id.to_string())
            .bind(e.at_us)
            .bind(e.actor_user.map(|u| u.to_string()))
            .bind(e.actor_name.clone())
            .bind(e.actor_agency.clone())
            .bind(e.action.clone())
            .bind(e.resource_kind.clone())
            .bind(e.resource_id.clone())
            .bind(e.request_id.clone())
            .bind(stored.details_hash.clone())
            .bind(stored.prev_hash.clone())
            .bind(stored.hash.clone());
    }
    query.execute(&mut *conn).await?;
    let with_details: Vec<&StoredEntry> = chunk.iter().filter(|s| s.details.is_some()).collect();
    if with_details.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO audit_details (seq, details) VALUES {}",
        crate::values(with_details.len(), 2)
    );
    let mut query = sqlx::query(&sql);
    for stored in with_details {
        query = query.bind(stored.entry.seq).bind(stored.details.clone());
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Search criteria; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub resource_kind: Option<String>,
    pub resource_id: Option<String>,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    /// Entries with `seq` below this (for paging backwards from the newest).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// An entry of the log with its details: the entry's fields (`seq`, `id`, `at_us`, `actor_user`,
/// `actor_name`, `actor_agency`, `action`, `resource_kind`, `resource_id`, `request_id`) and
/// `details`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub entry: AuditEntry,
    /// `None` once erased under retention.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// Searches the log, newest first, within `scope`.
pub async fn search(store: &Store, scope: &Scope, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
    seal_if_possible(store).await;
    let mut sql = String::from(
        "SELECT l.seq, l.id, l.at, l.actor_user, l.actor_name, l.actor_agency, l.action, l.resource_kind,
                l.resource_id, l.request_id, d.details
         FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq WHERE ",
    );
    let mut args = crate::scope::Binds::default();
    // The scope first: no criterion can widen it.
    let Some(within) = scope_clause(scope, &mut args) else {
        return Ok(Vec::new());
    };
    sql.push_str(&within);
    if let Some(actor) = &query.actor {
        sql.push_str(&format!(" AND l.actor_name = {}", args.text(actor)));
    }
    if let Some(action) = &query.action {
        sql.push_str(&format!(" AND l.action = {}", args.text(action)));
    }
    if let Some(kind) = &query.resource_kind {
        sql.push_str(&format!(" AND l.resource_kind = {}", args.text(kind)));
    }
    if let Some(id) = &query.resource_id {
        sql.push_str(&format!(" AND l.resource_id = {}", args.text(id)));
    }
    if let Some(from) = query.from_us {
        sql.push_str(&format!(" AND l.at >= {}", args.int(from)));
    }
    if let Some(to) = query.to_us {
        sql.push_str(&format!(" AND l.at < {}", args.int(to)));
    }
    if let Some(before) = query.before_seq {
        sql.push_str(&format!(" AND l.seq < {}", args.int(before)));
    }
    sql.push_str(&format!(
        " ORDER BY l.seq DESC LIMIT {}",
        args.int(query.limit.clamp(1, 10_000))
    ));
    let rows = args
        .bind_all(sqlx::query(&sql))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let details: Option<String> = row.try_get("details")?;
            Ok(AuditRecord {
                entry: entry_from_row(row)?,
                details: details
                    .map(|d| serde_json::from_str(&d).unwrap_or(serde_json::Value::String(d))),
            })
        })
        .collect()
}

/// The condition that keeps the entries `scope` may read (`None`: it may read none). The
/// operator's admin reads everything, an agency's admin the entries of its actors, the monitor
/// the entries about the kinds in its mandate (not the log's own kind: that would show what
/// others searched for).
fn scope_clause(scope: &Scope, args: &mut crate::scope::Binds) -> Option<String> {
    let mut ors = Vec::new();
    if scope.has(Reach::Platform) {
        ors.push("1 = 1".to_owned());
    }
    if scope.has(Reach::OwnAgency) {
        ors.push(format!(
            "l.actor_agency = {}",
            args.text(scope.actor().agency.as_str())
        ));
    }
    if scope.has(Reach::Mandate) {
        let kinds: Vec<String> = scope
            .actor()
            .mandate
            .iter()
            .filter(|k| k.as_str() != scope.kind())
            .map(|k| args.text(k))
            .collect();
        if !kinds.is_empty() {
            ors.push(format!("l.resource_kind IN ({})", kinds.join(", ")));
        }
    }
    (!ors.is_empty()).then(|| format!("({})", ors.join(" OR ")))
}

/// The actions of the entries `scope` may read, in order: the choices of the search's action
/// filter.
pub async fn actions(store: &Store, scope: &Scope) -> Result<Vec<String>> {
    let mut args = crate::scope::Binds::default();
    let Some(within) = scope_clause(scope, &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT DISTINCT l.action FROM audit_log l WHERE {within} ORDER BY l.action");
    let rows = args
        .bind_all(sqlx::query(&sql))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("action")?))
        .collect()
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry> {
    entry_numbered(row, row.try_get("seq")?)
}

/// An entry's fields from a row of `audit_log` or `audit_pending`, numbered `seq`.
fn entry_numbered(row: &AnyRow, seq: i64) -> Result<AuditEntry> {
    let uuid = |text: String| {
        Uuid::parse_str(&text)
            .map_err(|_| StoreError::Invalid(format!("bad UUID `{text}` in the audit log")))
    };
    Ok(AuditEntry {
        seq,
        id: uuid(row.try_get("id")?)?,
        at_us: row.try_get("at")?,
        actor_user: row
            .try_get::<Option<String>, _>("actor_user")?
            .map(uuid)
            .transpose()?,
        actor_name: row.try_get("actor_name")?,
        actor_agency: row.try_get("actor_agency")?,
        action: row.try_get("action")?,
        resource_kind: row.try_get("resource_kind")?,
        resource_id: row.try_get("resource_id")?,
        request_id: row.try_get("request_id")?,
    })
}

/// The chain's head, once every committed entry is chained: its last entry and that entry's
/// hash.
pub async fn head(store: &Store) -> Result<(i64, String)> {
    seal(store).await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    Ok((head.try_get("seq")?, head.try_get("hash")?))
}

/// Keeps a signed checkpoint. It states the head and so is no action to audit: it commits on
/// its own (an entry for it would move the head it states).
pub async fn save_checkpoint(store: &Store, checkpoint: &Checkpoint) -> Result<()> {
    let mut tx = store.write().await?;
    sqlx::query(
        "INSERT INTO audit_checkpoints (seq, head_hash, at, public_key, signature) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (seq, public_key) DO NOTHING",
    )
    .bind(checkpoint.seq)
    .bind(&checkpoint.head_hash)
    .bind(checkpoint.at_us)
    .bind(&checkpoint.public_key)
    .bind(&checkpoint.signature)
    .execute(tx.conn())
    .await?;
    tx.commit_restored().await
}

/// The checkpoints, at most `limit`: the newest first, or with `after` the oldest after that
/// entry first (so that a monitor fetching rarely misses none).
pub async fn checkpoints(store: &Store, after: Option<i64>, limit: i64) -> Result<Vec<Checkpoint>> {
    let order = if after.is_some() { "ASC" } else { "DESC" };
    let rows = sqlx::query(&format!(
        "SELECT seq, head_hash, at, public_key, signature FROM audit_checkpoints
         WHERE seq > $1 ORDER BY seq {order}, public_key LIMIT $2"
    ))
    .bind(after.unwrap_or(0))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Checkpoint {
                seq: r.try_get("seq")?,
                head_hash: r.try_get("head_hash")?,
                at_us: r.try_get("at")?,
                public_key: r.try_get("public_key")?,
                signature: r.try_get("signature")?,
            })
        })
        .collect()
}

/// Chains what is pending, reads the whole chain in pages and verifies it, holding it to
/// `checkpoints` (whose signatures the caller checked); `progress` is told how many entries are
/// done out of how many. Writers may go on meanwhile: a break seen once is looked at again,
/// since a write landing during the walk can look like one (a retention's erasure entry chained
/// just after the details it names were deleted); tampering stays and is reported.
pub async fn verify(
    store: &Store,
    checkpoints: &[Checkpoint],
    now_us: i64,
    mut progress: impl FnMut(i64, i64),
) -> Result<Result<ChainSummary, ChainBreak>> {
    let first = verify_once(store, checkpoints, now_us, &mut progress).await?;
    if first.is_ok() {
        return Ok(first);
    }
    verify_once(store, checkpoints, now_us, &mut progress).await
}

async fn verify_once(
    store: &Store,
    checkpoints: &[Checkpoint],
    now_us: i64,
    mut progress: impl FnMut(i64, i64),
) -> Result<Result<ChainSummary, ChainBreak>> {
    seal_if_possible(store).await;
    let head_seq: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?
        .try_get("seq")?;
    // What the erasure entries say was erased; their own details are checked in the walk.
    let verifier = ChainVerifier::with_erasures(recorded_erasures(store).await?, now_us);
    let mut verifier = match verifier.with_checkpoints(checkpoints) {
        Ok(v) => v,
        Err(broken) => return Ok(Err(broken)),
    };
    let mut after = 0_i64;
    // Walks until the last entry read is where the head is. The sealer moves the head with the
    // entries it adds, in one transaction: a head beyond the walk means entries chained since,
    // read in the next round; a head behind the walk (entries past it) is a break.
    loop {
        let walked_to = after;
        loop {
            let rows = sqlx::query(
                "SELECT l.seq, l.id, l.at, l.actor_user, l.actor_name, l.actor_agency, l.action, l.resource_kind,
                        l.resource_id, l.request_id, l.details_hash, l.prev_hash, l.hash, d.details
                 FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq
                 WHERE l.seq > $1 ORDER BY l.seq LIMIT 5000",
            )
            .bind(after)
            .fetch_all(store.pool())
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            for row in &rows {
                let stored = stored_from_row(row)?;
                if let Err(broken) = verifier.push(&stored) {
                    return Ok(Err(broken));
                }
            }
            progress(after, head_seq.max(after));
        }
        let end = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(store.pool())
            .await?;
        let end_seq: i64 = end.try_get("seq")?;
        // Another round only while entries keep coming; a head past entries that are not
        // there (the last ones deleted) ends the walk and is reported.
        if end_seq > after && after > walked_to {
            continue;
        }
        return Ok(verifier.finish(end_seq, &end.try_get::<String, _>("hash")?));
    }
}

pub(crate) fn stored_from_row(row: &AnyRow) -> Result<StoredEntry> {
    Ok(StoredEntry {
        entry: entry_from_row(row)?,
        prev_hash: row.try_get("prev_hash")?,
        details_hash: row.try_get("details_hash")?,
        hash: row.try_get("hash")?,
        details: row.try_get("details")?,
    })
}

/// The erasure entries: where they are, when, and what they name as erased.
pub async fn recorded_erasures(store: &Store) -> Result<Vec<Erasure>> {
    let rows = sqlx::query(
        "SELECT l.seq, l.at, d.details FROM audit_log l JOIN audit_details d ON d.seq = l.seq WHERE l.resource_kind = $1 ORDER BY l.seq",
    )
    .bind(ERASURE_KIND)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Erasure {
                seq: row.try_get("seq")?,
                at_us: row.try_get("at")?,
                ranges: erased_ranges(&row.try_get::<String, _>("details")?),
            })
        })
        .collect()
}

/// The entries whose details the retention of `audit_details` erases at `cutoff_us`: older
/// than it, details still there, and not erasure entries (whose details are kept for ever).
/// Same condition as that target's SQL.
pub async fn details_to_erase(tx: &mut Tx, cutoff_us: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT l.seq FROM audit_log l JOIN audit_details d ON d.seq = l.seq WHERE l.at < $1 AND l.resource_kind <> $2 ORDER BY l.seq",
    )
    .bind(cutoff_us)
    .bind(ERASURE_KIND)
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64, _>("seq")?))
        .collect()
}

/// Entries whose details are gone, with their times, in order (erased, or deleted).
pub async fn without_details(store: &Store) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT l.seq, l.at FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq WHERE d.seq IS NULL ORDER BY l.seq",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>("seq")?, r.try_get::<i64, _>("at")?)))
        .collect()
}

/// The number of entries in the chain, once every committed entry is chained.
pub async fn len(store: &Store) -> Result<i64> {
    seal(store).await?;
    let row = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("seq")?)
}
