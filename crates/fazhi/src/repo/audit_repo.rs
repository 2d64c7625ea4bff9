//! The audit trail's tables: `audit_log` (one row per entry) and `audit_head` (the one row
//! holding the last sequence number given out and its hash). SQL only: the hash chain, what
//! an entry holds and the verification live in `service::audit`. The database refuses
//! `UPDATE` and `DELETE` on `audit_log` (migration 0010), so this module only appends and reads.

use super::multi_row::{chunk_sizes, values_rows};
use sqlx::{AnyConnection, FromRow, Row};

/// One stored entry, every column.
#[derive(Debug, Clone, FromRow)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub content: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Moves the head on by `count` sequence numbers (inside a write transaction: the head row
/// is what serialises writers on PostgreSQL); returns the new last sequence number and the
/// hash the head held before, which the first new entry links to.
pub async fn advance_head(
    conn: &mut AnyConnection,
    count: i64,
) -> Result<(i64, String), sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(count)
        .fetch_one(&mut *conn)
        .await?;
    Ok((head.try_get("seq")?, head.try_get("hash")?))
}

/// Sets the hash of the head (the last entry's, after [`insert`]).
pub async fn set_head_hash(conn: &mut AnyConnection, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends `entries`, in order, with multi-row inserts.
pub async fn insert(conn: &mut AnyConnection, entries: &[StoredEntry]) -> Result<(), sqlx::Error> {
    const COLS: usize = 9;
    let mut rest = entries;
    for size in chunk_sizes(entries.len(), COLS) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, content, prev_hash, hash) VALUES {}",
            values_rows(conn, size, COLS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(&e.at)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.entity)
                .bind(&e.entity_id)
                .bind(&e.content)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The entries with `from <= seq <= to`, in order.
pub async fn entries(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<StoredEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT seq, at, actor, action, entity, entity_id, content, prev_hash, hash FROM audit_log \
         WHERE seq >= $1 AND seq <= $2 ORDER BY seq",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await
}

/// The head: the last sequence number given out and its hash.
pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String), sqlx::Error> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok((head.try_get("seq")?, head.try_get("hash")?))
}
