//! Open311 client keys (接入密钥): issuing, looking up by hash, listing and revoking. SQL
//! only; who may list or revoke and the audit entries live in `service::open311_key` and
//! `service::complaint`. The key itself is never stored, only its SHA-256.

use sqlx::{AnyConnection, FromRow};

/// An Open311 client key (the key itself is never stored, only its SHA-256).
#[derive(Debug, Clone, FromRow)]
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub key_hash: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

pub async fn insert(conn: &mut AnyConnection, key: &KeyRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO open311_keys (id, name, key_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&key.id)
    .bind(&key.name)
    .bind(&key.key_hash)
    .bind(&key.created_at)
    .bind(&key.revoked_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_hash(
    conn: &mut AnyConnection,
    key_hash: &str,
) -> Result<Option<KeyRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        "SELECT id, name, key_hash, created_at, revoked_at FROM open311_keys WHERE key_hash = $1",
        &[key_hash],
    )
    .await
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<KeyRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        "SELECT id, name, key_hash, created_at, revoked_at FROM open311_keys WHERE id = $1",
        &[id],
    )
    .await
}

/// The id of the oldest key, revoked or not.
pub async fn oldest_id(conn: &mut AnyConnection) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM open311_keys ORDER BY created_at LIMIT 1")
        .fetch_optional(conn)
        .await
}

/// Every key, revoked ones included, oldest first.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<KeyRow>, sqlx::Error> {
    super::fetch::all(conn, "SELECT id, name, key_hash, created_at, revoked_at FROM open311_keys ORDER BY created_at, id", &[]).await
}

/// Marks a key revoked at `at` (a database time) unless it already is; returns whether a row
/// changed.
pub async fn revoke(conn: &mut AnyConnection, id: &str, at: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// How many of these key ids are stored and not revoked.
pub async fn active_count(conn: &mut AnyConnection, ids: &[&str]) -> Result<i64, sqlx::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM open311_keys WHERE revoked_at IS NULL AND id IN ({})",
        super::multi_row::placeholders(1, ids.len())
    );
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_one(conn).await
}
