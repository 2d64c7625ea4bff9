//! The public portal's tables (migration 0006): `portal_secrets` (the key that signs form
//! stamps) and `portal_submissions` (one-time submission ids and the complaint each filed).
//! SQL only: the stamps and what a claim means live in `service::portal`.

use sqlx::AnyConnection;

/// The value of the secret `name`, if stored.
pub async fn secret(conn: &mut AnyConnection, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM portal_secrets WHERE name = $1")
        .bind(name)
        .fetch_optional(conn)
        .await
}

/// Stores the secret `name` unless one is already stored (the first writer wins).
pub async fn insert_secret_if_absent(
    conn: &mut AnyConnection,
    name: &str,
    value: &str,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO portal_secrets (name, value, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(value)
    .bind(created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims a submission id; false when it was claimed before (the primary key decides, so
/// two concurrent claims cannot both succeed).
pub async fn claim_submission(
    conn: &mut AnyConnection,
    submission_id: &str,
    created_at: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO portal_submissions (submission_id, created_at) VALUES ($1, $2) \
         ON CONFLICT (submission_id) DO NOTHING",
    )
    .bind(submission_id)
    .bind(created_at)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// What a claimed submission id filed: `None` when the id is unknown, `Some(None)` while
/// the filing is still under way.
pub async fn submission(
    conn: &mut AnyConnection,
    submission_id: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT service_request_id FROM portal_submissions WHERE submission_id = $1")
        .bind(submission_id)
        .fetch_optional(conn)
        .await
}

/// Records the complaint a claimed submission filed.
pub async fn complete_submission(
    conn: &mut AnyConnection,
    submission_id: &str,
    service_request_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE portal_submissions SET service_request_id = $1 WHERE submission_id = $2")
        .bind(service_request_id)
        .bind(submission_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives back a submission id that has not filed anything.
pub async fn release_submission(
    conn: &mut AnyConnection,
    submission_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM portal_submissions WHERE submission_id = $1 AND service_request_id IS NULL",
    )
    .bind(submission_id)
    .execute(conn)
    .await?;
    Ok(())
}
