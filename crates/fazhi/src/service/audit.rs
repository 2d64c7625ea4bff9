//! The audit trail: every change is appended, in the same transaction as the change, to a
//! hash-chained log (`audit_log`). Each entry's hash covers its content and the previous
//! entry's hash, and the chain head lives in `audit_head`, so editing, deleting or
//! truncating entries is detected by [`verify`].

use crate::infra::clock::to_db_time;
use crate::infra::db::Tx;
use crate::infra::secret::sha256_hex;
use crate::repo::multi_row::{chunk_sizes, values_rows};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

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
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let at = to_db_time(now);
    let content = event.content.to_string();
    let hash = entry_hash(
        seq,
        &at,
        &actor.0,
        (event.action, event.entity, event.entity_id),
        &content,
        &prev,
    );
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, content, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(&at)
    .bind(&actor.0)
    .bind(event.action)
    .bind(event.entity)
    .bind(event.entity_id)
    .bind(&content)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
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
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(count)
        .fetch_one(&mut **tx)
        .await?;
    let last: i64 = head.try_get("seq")?;
    let mut prev: String = head.try_get("hash")?;
    let first = last - count + 1;
    let mut rows = Vec::with_capacity(entries.len());
    for (i, (actor, now, event)) in entries.iter().enumerate() {
        let seq = first + i as i64;
        let at = to_db_time(*now);
        let content = event.content.to_string();
        let hash = entry_hash(
            seq,
            &at,
            &actor.0,
            (event.action, event.entity, event.entity_id),
            &content,
            &prev,
        );
        rows.push((
            seq,
            at,
            content,
            std::mem::replace(&mut prev, hash.clone()),
            hash,
        ));
    }
    const COLS: usize = 9;
    let mut start = 0;
    for size in chunk_sizes(rows.len(), COLS) {
        let chunk = &rows[start..start + size];
        let values = values_rows(tx, chunk.len(), COLS);
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, content, prev_hash, hash) VALUES {values}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, (seq, at, content, prev_hash, hash)) in chunk.iter().enumerate() {
            let (actor, _, event) = &entries[start + i];
            q = q
                .bind(*seq)
                .bind(at)
                .bind(&actor.0)
                .bind(event.action)
                .bind(event.entity)
                .bind(event.entity_id)
                .bind(content)
                .bind(prev_hash)
                .bind(hash);
        }
        q.execute(&mut **tx).await?;
        start += size;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&mut **tx)
        .await?;
    Ok(first)
}

/// One problem found in the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditProblem {
    /// The entry concerned (for a missing tail: the last expected sequence number).
    pub seq: i64,
    /// `edited`, `missing`, `broken_link` or `head_mismatch`.
    pub kind: &'static str,
    pub message: String,
}

/// Result of checking the whole chain.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    pub ok: bool,
    pub problems: Vec<AuditProblem>,
}

/// Re-computes every hash and link; reports every edited, deleted or reordered entry.
pub async fn verify(conn: &mut AnyConnection) -> Result<AuditReport, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, entity, entity_id, content, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let mut problems = Vec::new();
    let mut expected_seq = 1i64;
    let mut prev_hash: Option<String> = None;
    for row in &rows {
        let seq: i64 = row.try_get("seq")?;
        let stored_prev: String = row.try_get("prev_hash")?;
        let stored_hash: String = row.try_get("hash")?;
        if seq != expected_seq {
            problems.push(AuditProblem {
                seq: expected_seq,
                kind: "missing",
                message: format!("第{expected_seq}至{}条审计记录缺失（被删除）", seq - 1),
            });
        }
        if let Some(prev) = &prev_hash
            && *prev != stored_prev
        {
            problems.push(AuditProblem {
                seq,
                kind: "broken_link",
                message: format!("第{seq}条审计记录与前一条的哈希链接不一致"),
            });
        }
        let recomputed = entry_hash(
            seq,
            &row.try_get::<String, _>("at")?,
            &row.try_get::<String, _>("actor")?,
            (
                &row.try_get::<String, _>("action")?,
                &row.try_get::<String, _>("entity")?,
                &row.try_get::<String, _>("entity_id")?,
            ),
            &row.try_get::<String, _>("content")?,
            &stored_prev,
        );
        if recomputed != stored_hash {
            problems.push(AuditProblem {
                seq,
                kind: "edited",
                message: format!("第{seq}条审计记录的内容被篡改（哈希不符）"),
            });
        }
        prev_hash = Some(stored_hash);
        expected_seq = seq + 1;
    }
    let last_seq = expected_seq - 1;
    if last_seq != head_seq || prev_hash.as_deref().unwrap_or(ZERO_HASH) != head_hash {
        problems.push(AuditProblem {
            seq: head_seq,
            kind: "head_mismatch",
            message: format!(
                "审计链末端应为第{head_seq}条，实际为第{last_seq}条：末尾记录被删除或链头被改动"
            ),
        });
    }
    Ok(AuditReport {
        entries: rows.len() as i64,
        ok: problems.is_empty(),
        problems,
    })
}

const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
