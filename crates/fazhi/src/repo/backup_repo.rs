//! What a backup and a restore ask of the database itself: its schema version, a consistent
//! copy of a SQLite database, and whether a PostgreSQL database holds any table yet. SQL
//! only: the backup directory, the manifest and the checks live in `service::backup`.

use sqlx::AnyConnection;

/// The highest migration applied (0 on an empty database).
pub async fn schema_version(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(conn)
        .await
}

/// SQLite: writes a consistent copy of the database to the file `target` (`VACUUM INTO`, one
/// read transaction: writers go on in the WAL meanwhile).
pub async fn vacuum_into(conn: &mut AnyConnection, target: &str) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(conn)
        .await?;
    Ok(())
}

/// PostgreSQL: how many tables the `public` schema holds.
pub async fn public_table_count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(conn)
    .await
}
