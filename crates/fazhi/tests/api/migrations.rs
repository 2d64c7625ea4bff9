//! The schema is written twice (SQLite and PostgreSQL migrations): these tests prove that each
//! pair builds the same tables, columns, explicit indexes and triggers, and that a migration
//! edited after it was applied stops the next start with a clear message.

use fazhi::infra::db::Db;
use std::collections::BTreeSet;

/// Everything the application relies on, by name: `table.column (not null)`, `index name`,
/// `trigger name`.
async fn schema_of(db: &Db) -> BTreeSet<String> {
    let pg = db.backend == fazhi::infra::db::Backend::Postgres;
    let columns_sql = if pg {
        "SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END \
         FROM information_schema.columns WHERE table_schema = current_schema()"
    } else {
        "SELECT m.name || '.' || p.name || CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN ' not null' ELSE '' END \
         FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
    };
    let indexes_sql = if pg {
        "SELECT 'index ' || i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = current_schema() \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
    } else {
        "SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    };
    let triggers_sql = if pg {
        "SELECT DISTINCT 'trigger ' || trigger_name FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()"
    } else {
        "SELECT 'trigger ' || name FROM sqlite_master WHERE type = 'trigger'"
    };
    let mut all = BTreeSet::new();
    for sql in [columns_sql, indexes_sql, triggers_sql] {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(&db.pool)
            .await
            .unwrap();
        all.extend(rows);
    }
    all
}

#[tokio::test]
async fn the_sqlite_and_postgres_migrations_build_the_same_schema() {
    let Ok(server) = std::env::var("FAZHI_TEST_POSTGRES") else {
        eprintln!("PostgreSQL not configured: the pair comparison runs in the PostgreSQL pass");
        return;
    };
    if server.is_empty() {
        eprintln!("PostgreSQL not configured: the pair comparison runs in the PostgreSQL pass");
        return;
    }
    let dir = std::env::temp_dir().join(format!("fazhi-migrations-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}?mode=rwc", dir.join("a.db").display()))
        .await
        .unwrap();
    let postgres = Db::connect(&crate::helpers::fresh_database_url(&dir).await)
        .await
        .unwrap();
    let (a, b) = (schema_of(&sqlite).await, schema_of(&postgres).await);
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration pairs disagree\n only in SQLite: {only_sqlite:#?}\n only in PostgreSQL: {only_postgres:#?}"
    );
    assert!(a.iter().any(|s| s.starts_with("audit_log.")), "{a:?}");
}

#[tokio::test]
async fn a_migration_edited_after_it_was_applied_stops_the_start() {
    let dir = std::env::temp_dir().join(format!("fazhi-migrations-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = crate::helpers::fresh_database_url(&dir).await;
    let db = Db::connect(&url).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migration_checksums")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stored as usize, {
        let v: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        v as usize
    });
    // Unchanged files start again.
    drop(Db::connect(&url).await.unwrap());
    // What an edited 0002 would look like to the database.
    sqlx::query("UPDATE schema_migration_checksums SET sha256 = 'edited' WHERE version = 2")
        .execute(&db.pool)
        .await
        .unwrap();
    let Err(err) = Db::connect(&url).await else {
        panic!("an edited migration must stop the start");
    };
    let err = err.to_string();
    assert!(err.contains("迁移 0002 在应用之后被修改过"), "{err}");
}
