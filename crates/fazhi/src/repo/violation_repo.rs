//! The bureau's violation catalogue and discretion benchmarks, one JSON document per
//! violation code (validated by the domain's `Catalogue` before it is stored).

use sqlx::{AnyConnection, Row};

pub async fn all(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT code, entry FROM violations ORDER BY code")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("entry")?)))
        .collect()
}

pub async fn upsert(
    conn: &mut AnyConnection,
    code: &str,
    entry: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO violations (code, entry, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (code) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at",
    )
    .bind(code)
    .bind(entry)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
