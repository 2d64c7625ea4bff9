//! The audit trail: every change is appended, in the same transaction as the change, to a
//! hash-chained log (`audit_log`). Each entry's hash covers its content and the previous
//! entry's hash, and the chain head lives in `audit_head`, so editing, deleting or
//! truncating entries is detected by [`verify`].
//!
//! The chain alone cannot stop someone who can write the database from rewriting it and
//! recomputing every hash: the database refuses UPDATE and DELETE on `audit_log` (triggers,
//! migration 0010) and signed checkpoints outside the database anchor it
//! ([`super::audit_checkpoint`]). Entries hold salted digests of personal data, never the
//! text ([`super::personal_data`]); reads of personal data are recorded with [`record_read`].

use crate::infra::clock::to_db_time;
use crate::infra::db::Tx;
use crate::infra::secret::sha256_hex;
use crate::repo::audit_repo;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// Who did it: a user id, or `system` for start-up and demo seeding.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

/// One change to record.
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub content: serde_json::Value,
}

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    ev: (&str, &str, &str),
    content: &str,
    prev: &str,
) -> String {
    let (action, entity, entity_id) = ev;
    let material =
        format!("{seq}\n{at}\n{actor}\n{action}\n{entity}\n{entity_id}\n{content}\n{prev}");
    sha256_hex(material.as_bytes())
}

/// Appends one entry inside the caller's write transaction.
pub async fn append(
    tx: &mut Tx<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    event: AuditEvent<'_>,
) -> Result<i64, sqlx::Error> {
    append_many(tx, &[(actor, now, event)]).await
}

/// Appends several entries, in order, inside the caller's write transaction: the same chain
/// as calling [`append`] once per entry, with one head update and multi-row inserts (group
/// commit of the complaint intake). Returns the sequence number of the first entry.
pub async fn append_many(
    tx: &mut Tx<'_>,
    entries: &[(&Actor, DateTime<Utc>, AuditEvent<'_>)],
) -> Result<i64, sqlx::Error> {
    let count = entries.len() as i64;
    if count == 0 {
        return Ok(0);
    }
    let (last, mut prev) = audit_repo::advance_head(tx, count).await?;
    let first = last - count + 1;
    let mut rows = Vec::with_capacity(entries.len());
    for (i, (actor, now, event)) in entries.iter().enumerate() {
        let mut row = StoredEntry {
            seq: first + i as i64,
            at: to_db_time(*now),
            actor: actor.0.clone(),
            action: event.action.to_string(),
            entity: event.entity.to_string(),
            entity_id: event.entity_id.to_string(),
            content: event.content.to_string(),
            prev_hash: prev,
            hash: String::new(),
        };
        row.hash = row.recomputed_hash();
        prev = row.hash.clone();
        rows.push(row);
    }
    audit_repo::insert(tx, &rows).await?;
    audit_repo::set_head_hash(tx, &prev).await?;
    Ok(first)
}

/// Records that `actor` read personal data (a complaint record, a party's details, an
/// export): who, what and when, in the chain like every change. `what` names the data shown,
/// e.g. `{"masked": false}` or the year of an export; never the data itself.
pub async fn record_read(
    state: &super::AppState,
    actor: &str,
    action: &str,
    (entity, entity_id): (&str, &str),
    what: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    append(
        &mut tx,
        &Actor(actor.to_string()),
        state.clock.now(),
        AuditEvent {
            action,
            entity,
            entity_id,
            content: what,
        },
    )
    .await?;
    tx.commit().await
}

/// One problem found in the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditProblem {
    /// The entry concerned (for a missing tail: the last expected sequence number; for a
    /// range: its first entry).
    pub seq: i64,
    /// The last entry of a range of entries with the same problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub through: Option<i64>,
    /// In the chain: `edited`, `missing`, `broken_link` or `head_mismatch`. Against the
    /// signed checkpoints: `rewritten`, `deleted`, `renumbered`, `truncated`,
    /// `checkpoint_invalid` or `checkpoint_gap` (see `audit_checkpoint::verify_against`).
    pub kind: &'static str,
    pub message: String,
}

impl AuditProblem {
    pub(crate) fn at(seq: i64, kind: &'static str, message: String) -> Self {
        Self {
            seq,
            through: None,
            kind,
            message,
        }
    }
}

/// Result of checking the whole chain.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    pub ok: bool,
    pub problems: Vec<AuditProblem>,
    /// Set when the chain was also checked against signed checkpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoints: Option<super::audit_checkpoint::CheckpointSummary>,
}

/// One stored entry, as read back for verification and checkpoints (the row of
/// `repo::audit_repo`; its hashes are computed here).
pub use crate::repo::audit_repo::StoredEntry;

impl StoredEntry {
    /// The chain hash this entry should have after `prev_hash`.
    pub fn recomputed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.at,
            &self.actor,
            (&self.action, &self.entity, &self.entity_id),
            &self.content,
            &self.prev_hash,
        )
    }

    /// What a checkpoint signs of this entry: the first 128 bits of SHA-256 over everything
    /// but its position (sequence number and previous hash), so that an entry moved to
    /// another sequence number is still recognised as the same entry.
    pub fn digest(&self) -> [u8; 16] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [
            &self.at,
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.content,
        ] {
            h.update(part.as_bytes());
            h.update(b"\n");
        }
        let full = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }
}

/// The entries with `from <= seq <= to`, in order.
pub async fn load_entries(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<StoredEntry>, sqlx::Error> {
    audit_repo::entries(conn, from, to).await
}

/// The chain head: the last sequence number given out and its hash.
pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String), sqlx::Error> {
    audit_repo::head(conn).await
}

/// Re-computes every hash and link; reports every edited, deleted or reordered entry.
pub async fn verify(conn: &mut AnyConnection) -> Result<AuditReport, sqlx::Error> {
    let rows = load_entries(conn, i64::MIN, i64::MAX).await?;
    let (head_seq, head_hash) = head(conn).await?;
    Ok(verify_chain(&rows, head_seq, &head_hash))
}

/// [`verify`] on entries already read.
pub fn verify_chain(rows: &[StoredEntry], head_seq: i64, head_hash: &str) -> AuditReport {
    let mut problems = Vec::new();
    let mut expected_seq = 1i64;
    let mut prev_hash: Option<String> = None;
    for row in rows {
        let seq = row.seq;
        let stored_prev = &row.prev_hash;
        let stored_hash = &row.hash;
        if seq != expected_seq {
            problems.push(AuditProblem {
                seq: expected_seq,
                through: Some(seq - 1),
                kind: "missing",
                message: format!("第{expected_seq}至{}条审计记录缺失（被删除）", seq - 1),
            });
        }
        if let Some(prev) = &prev_hash
            && prev != stored_prev
        {
            problems.push(AuditProblem::at(
                seq,
                "broken_link",
                format!("第{seq}条审计记录与前一条的哈希链接不一致"),
            ));
        }
        if row.recomputed_hash() != *stored_hash {
            problems.push(AuditProblem::at(
                seq,
                "edited",
                format!("第{seq}条审计记录的内容被篡改（哈希不符）"),
            ));
        }
        prev_hash = Some(stored_hash.clone());
        expected_seq = seq + 1;
    }
    let last_seq = expected_seq - 1;
    if last_seq != head_seq || prev_hash.as_deref().unwrap_or(ZERO_HASH) != head_hash {
        problems.push(AuditProblem::at(
            head_seq,
            "head_mismatch",
            format!(
                "审计链末端应为第{head_seq}条，实际为第{last_seq}条：末尾记录被删除或链头被改动"
            ),
        ));
    }
    AuditReport {
        entries: rows.len() as i64,
        ok: problems.is_empty(),
        problems,
        checkpoints: None,
    }
}

/// The hash before the first entry.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
