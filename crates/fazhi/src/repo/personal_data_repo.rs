//! `personal_data_salts` (migration 0010): the random salt of each record holding personal
//! data, which its audit digests are computed with, and the reference count that decides
//! whether a stored file may be deleted after an erasure. SQL only: the digests and the
//! erasure rules live in `service::personal_data`; the complaint columns it empties are
//! written by `complaint_repo`.

use super::multi_row::{chunk_sizes, values_rows};
use sqlx::AnyConnection;

/// Stores the salts (hex) of new records of `entity` (`complaint` or `case`), as
/// `(entity_id, salt)` pairs, with multi-row inserts.
pub async fn insert_salts(
    conn: &mut AnyConnection,
    entity: &str,
    salts: &[(&str, &str)],
) -> Result<(), sqlx::Error> {
    let mut rest = salts;
    for size in chunk_sizes(salts.len(), 3) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let sql = format!(
            "INSERT INTO personal_data_salts (entity, entity_id, salt) VALUES {}",
            values_rows(conn, size, 3)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, salt) in chunk {
            q = q.bind(entity).bind(*id).bind(*salt);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The salt of one record, if it has one.
pub async fn salt(
    conn: &mut AnyConnection,
    entity: &str,
    entity_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT salt FROM personal_data_salts WHERE entity = $1 AND entity_id = $2")
        .bind(entity)
        .bind(entity_id)
        .fetch_optional(conn)
        .await
}

/// Deletes the salt of one record (its digests can no longer be tested against guesses).
pub async fn delete_salt(
    conn: &mut AnyConnection,
    entity: &str,
    entity_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM personal_data_salts WHERE entity = $1 AND entity_id = $2")
        .bind(entity)
        .bind(entity_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many records of any kind (complaint media and photos, evidence, documents) name the
/// stored file `sha256`.
pub async fn file_references(conn: &mut AnyConnection, sha256: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM complaint_media WHERE sha256 = $1) \
         + (SELECT COUNT(*) FROM complaint_photos WHERE sha256 = $1) \
         + (SELECT COUNT(*) FROM evidence_files WHERE sha256 = $1) \
         + (SELECT COUNT(*) FROM documents WHERE sha256 = $1)",
    )
    .bind(sha256)
    .fetch_one(conn)
    .await
}
