//! The case record (`case_records`, migration 0011): one JSON document per case.

use sqlx::AnyConnection;

/// The record's JSON, if one was written.
pub async fn get(conn: &mut AnyConnection, case_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT record FROM case_records WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(conn)
        .await
}

/// Writes (or replaces) the record.
pub async fn put(
    conn: &mut AnyConnection,
    case_id: &str,
    record: &str,
    by: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_records (case_id, record, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (case_id) DO UPDATE SET record = excluded.record, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(case_id)
    .bind(record)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a complaint with this id exists.
pub async fn complaint_exists(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}
