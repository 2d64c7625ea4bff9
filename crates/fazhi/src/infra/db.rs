//! The database: one code path for SQLite (default, embedded) and PostgreSQL, through
//! sqlx's `Any` driver. SQL is written in the common subset with `$1` placeholders;
//! schema files exist per dialect (`migrations/sqlite`, `migrations/postgres`) and are
//! embedded and applied at start-up. Writes open with `BEGIN IMMEDIATE` on SQLite, so a
//! write transaction holds the write lock from its first statement (see
//! `docs/decisions/001-storage.md`).
//!
//! SQLite runs with `synchronous = FULL` unless the URL says otherwise
//! (`sqlite://…?mode=rwc&synchronous=normal`): in WAL mode `NORMAL` may lose the last
//! commits on a power cut, and an acknowledged complaint must survive one. Complaint intake
//! commits in groups (`infra/group_commit.rs`), so the flush is paid once per batch.

use super::group_commit::Slot;
use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which SQL server is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool plus the knowledge of its backend.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite has one writer at a time; queueing writers here (fairly, without polling)
    /// instead of in SQLite's busy handler keeps tail latency low.
    write_lock: Arc<Mutex<()>>,
    /// The background writer of the complaint intake (group commit), started on first use.
    group_commit: Arc<Slot>,
}

/// A write transaction; dropping it without `commit` rolls back. Derefs to the connection,
/// so repository functions taking `&mut AnyConnection` accept `&mut tx`. Usually on a
/// connection of the pool (`'static`), or on a [`KeptConnection`] it borrows.
pub struct Tx<'c> {
    inner: Transaction<'c, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl Tx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../../migrations/sqlite/0001_init.sql"),
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        include_str!("../../migrations/sqlite/0002_complaints.sql"),
        include_str!("../../migrations/postgres/0002_complaints.sql"),
    ),
    (
        3,
        include_str!("../../migrations/sqlite/0003_complaint_workflow.sql"),
        include_str!("../../migrations/postgres/0003_complaint_workflow.sql"),
    ),
    (
        4,
        include_str!("../../migrations/sqlite/0004_documents.sql"),
        include_str!("../../migrations/postgres/0004_documents.sql"),
    ),
    (
        5,
        include_str!("../../migrations/sqlite/0005_complaint_listing.sql"),
        include_str!("../../migrations/postgres/0005_complaint_listing.sql"),
    ),
    (
        6,
        include_str!("../../migrations/sqlite/0006_portal.sql"),
        include_str!("../../migrations/postgres/0006_portal.sql"),
    ),
    (
        7,
        include_str!("../../migrations/sqlite/0007_case_search.sql"),
        include_str!("../../migrations/postgres/0007_case_search.sql"),
    ),
    (
        8,
        include_str!("../../migrations/sqlite/0008_accounts.sql"),
        include_str!("../../migrations/postgres/0008_accounts.sql"),
    ),
    (
        9,
        include_str!("../../migrations/sqlite/0009_calendar.sql"),
        include_str!("../../migrations/postgres/0009_calendar.sql"),
    ),
    (
        10,
        include_str!("../../migrations/sqlite/0010_audit_protection.sql"),
        include_str!("../../migrations/postgres/0010_audit_protection.sql"),
    ),
    (
        11,
        include_str!("../../migrations/sqlite/0011_case_records.sql"),
        include_str!("../../migrations/postgres/0011_case_records.sql"),
    ),
    (
        12,
        include_str!("../../migrations/sqlite/0012_party_birth_date.sql"),
        include_str!("../../migrations/postgres/0012_party_birth_date.sql"),
    ),
    (
        13,
        include_str!("../../migrations/sqlite/0013_rule_settings.sql"),
        include_str!("../../migrations/postgres/0013_rule_settings.sql"),
    ),
];

/// The version of the newest migration this build knows: the schema a fully migrated database has.
pub fn latest_schema_version() -> i64 {
    MIGRATIONS.iter().map(|(v, _, _)| *v).max().unwrap_or(0)
}

impl Db {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let db = Self::connect_only(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects without touching the schema (`fazhi migrate` reports what it applies).
    pub async fn connect_only(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("unsupported database URL: expected sqlite: or postgres:");
        };
        let (url, synchronous) = match backend {
            Backend::Sqlite => sqlite_synchronous(url)?,
            Backend::Postgres => (url.to_string(), "FULL"),
        };
        let options = AnyConnectOptions::from_str(&url).context("invalid database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // An embedded SQLite connection cannot go stale; pinging it before every use
            // costs a round trip to its worker thread per query.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA synchronous = {synchronous}"
                        )))
                        .await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // A statement writing several rows keeps a statement journal (to
                        // undo itself alone on a constraint error); with the default it
                        // spills to a temporary file past 64 KiB, which made multi-row
                        // inserts half again as slow as single rows.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("cannot connect to the database")?;
        Ok(Self {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            group_commit: Arc::default(),
        })
    }

    /// The slot of the complaint intake's group-commit writer.
    pub fn group_commit_slot(&self) -> &Slot {
        &self.group_commit
    }

    /// The same pool and write queue without the group-commit slot: what the writer task
    /// itself holds, so that it ends when the last application handle is dropped.
    pub fn detached(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            backend: self.backend,
            write_lock: self.write_lock.clone(),
            group_commit: Arc::default(),
        }
    }

    /// Applies every embedded migration not yet recorded in `schema_migrations`.
    /// An application role without DDL rights (PostgreSQL, `scripts/postgres-roles.sql`) runs
    /// this too: with every migration applied it only reads.
    pub async fn migrate(&self) -> anyhow::Result<Vec<i64>> {
        let exists_sql = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
            }
        };
        let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(&self.pool).await?;
        if exists == 0 {
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            )
            .execute(&self.pool)
            .await?;
        }
        // The SHA-256 of each applied migration's text: an edited migration file is noticed
        // at the next start instead of silently diverging from databases migrated before.
        // (Looked up first: an application role without CREATE on the schema must still start.)
        let checksums_sql = exists_sql.replace("schema_migrations", "schema_migration_checksums");
        let has_checksums: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(checksums_sql))
            .fetch_one(&self.pool)
            .await?;
        if has_checksums == 0 {
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS schema_migration_checksums (version BIGINT PRIMARY KEY, sha256 TEXT NOT NULL)",
            )
            .execute(&self.pool)
            .await?;
        }
        let mut applied = Vec::new();
        for (version, sqlite_sql, pg_sql) in MIGRATIONS {
            let sql = match self.backend {
                Backend::Sqlite => sqlite_sql,
                Backend::Postgres => pg_sql,
            };
            let checksum = crate::infra::secret::sha256_hex(sql.as_bytes());
            let mut tx = self.begin_write().await?;
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                let stored: Option<String> = sqlx::query_scalar(
                    "SELECT sha256 FROM schema_migration_checksums WHERE version = $1",
                )
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
                match stored {
                    Some(stored) if stored != checksum => anyhow::bail!(
                        "迁移 {version:04} 在应用之后被修改过（校验和不一致），请恢复原文件后再启动 / \
                         migration {version:04} was edited after it was applied (checksum {stored} \
                         in the database, {checksum} in this build)"
                    ),
                    Some(_) => {}
                    None => {
                        // Applied before checksums were kept: record the text as it is now.
                        sqlx::query(
                            "INSERT INTO schema_migration_checksums (version, sha256) VALUES ($1, $2)",
                        )
                        .bind(*version)
                        .bind(&checksum)
                        .execute(&mut *tx)
                        .await?;
                        tx.commit().await?;
                    }
                }
                continue;
            }
            for statement in split_sql(sql) {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("migration {version} failed at: {statement}"))?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(crate::infra::clock::to_db_time(chrono::Utc::now()))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO schema_migration_checksums (version, sha256) VALUES ($1, $2)")
                .bind(*version)
                .bind(&checksum)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            applied.push(*version);
        }
        Ok(applied)
    }

    /// Refreshes the query planner's statistics. SQLite has none until `ANALYZE` runs, and
    /// without them it may sort a whole table instead of walking an index (the case list);
    /// `PRAGMA optimize` analyzes only the tables that need it. PostgreSQL's autovacuum does
    /// this by itself. Run at start and hourly by `fazhi serve`.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA optimize=0x10002")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE` on SQLite) on a connection of the pool.
    pub async fn begin_write(&self) -> Result<Tx<'static>, sqlx::Error> {
        let writer = self.queue_writer().await;
        Ok(Tx {
            inner: self.pool.begin_with(self.begin_statement()).await?,
            _writer: writer,
        })
    }

    /// Waits for this writer's turn (SQLite; PostgreSQL writers run concurrently).
    async fn queue_writer(&self) -> Option<OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    fn begin_statement(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }
}

/// One connection kept by a long-lived writer (the complaint intake) for all its
/// transactions. Each SQLite connection has its own page cache, which it must drop when
/// another connection wrote since its last transaction; the pool hands its connections out
/// in turn, so a writer taking whichever is idle would re-read every index page it touches
/// on every transaction. Kept, the connection finds them cached. After a failed transaction
/// the writer hands the connection back ([`KeptConnection::release`]); the pool checks it
/// before lending it again (PostgreSQL) and the writer takes a fresh one next time.
pub struct KeptConnection {
    db: Db,
    conn: Option<PoolConnection<Any>>,
}

impl KeptConnection {
    pub fn new(db: Db) -> Self {
        Self { db, conn: None }
    }

    /// Opens a write transaction on the kept connection, taken from the pool first if needed.
    pub async fn begin_write(&mut self) -> Result<Tx<'_>, sqlx::Error> {
        let writer = self.db.queue_writer().await;
        let conn = match &mut self.conn {
            Some(conn) => conn,
            empty => empty.insert(self.db.pool.acquire().await?),
        };
        Ok(Tx {
            inner: conn.begin_with(self.db.begin_statement()).await?,
            _writer: writer,
        })
    }

    /// Hands the connection back to the pool (after a failure).
    pub fn release(&mut self) {
        self.conn = None;
    }
}

/// Takes our own `synchronous=normal|full|extra` parameter out of a SQLite URL (sqlx does
/// not know it); the default is `FULL`.
fn sqlite_synchronous(url: &str) -> anyhow::Result<(String, &'static str)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), "FULL"));
    };
    let mut synchronous = "FULL";
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case("synchronous") => {
                synchronous = match value.to_ascii_uppercase().as_str() {
                    "NORMAL" => "NORMAL",
                    "FULL" => "FULL",
                    "EXTRA" => "EXTRA",
                    _ => anyhow::bail!("synchronous must be normal, full or extra"),
                };
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, synchronous))
}

/// Splits a schema file into statements: comments (`--` to end of line) are removed first;
/// our schema files have no semicolons inside string literals. Two bodies keep their inner
/// semicolons: PostgreSQL function bodies quoted with `$$ … $$`, and SQLite trigger bodies
/// (`CREATE TRIGGER … BEGIN … END;`).
fn split_sql(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut statements = Vec::new();
    let mut current = String::new();
    for piece in without_comments.split_inclusive(';') {
        current.push_str(piece);
        let dollar_quotes = current.matches("$$").count();
        let text = current.trim_end_matches(';').trim();
        let upper = text.to_ascii_uppercase();
        let open_trigger = upper.starts_with("CREATE TRIGGER")
            && upper.split_whitespace().any(|w| w == "BEGIN")
            && !upper.ends_with("END");
        if dollar_quotes % 2 == 1 || open_trigger {
            continue;
        }
        if !text.is_empty() {
            statements.push(text.to_string());
        }
        current.clear();
    }
    let rest = current.trim().trim_end_matches(';').trim();
    if !rest.is_empty() {
        statements.push(rest.to_string());
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::split_sql;

    #[test]
    fn statements_split_at_semicolons_outside_bodies() {
        let sql = "CREATE TABLE a (x INTEGER); -- a comment; with a semicolon\n\
            CREATE TRIGGER t BEFORE DELETE ON a\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\n\
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'x';\nEND;\n$$;\n\
            CREATE INDEX i ON a(x)";
        let statements = split_sql(sql);
        assert_eq!(statements.len(), 4, "{statements:#?}");
        assert_eq!(statements[0], "CREATE TABLE a (x INTEGER)");
        assert!(statements[1].starts_with("CREATE TRIGGER t") && statements[1].ends_with("END"));
        assert!(statements[2].contains("RAISE EXCEPTION 'x';") && statements[2].ends_with("$$"));
        assert_eq!(statements[3], "CREATE INDEX i ON a(x)");
    }
}
