//! The database: one code path for SQLite (default, embedded) and PostgreSQL, through
//! sqlx's `Any` driver. SQL is written in the common subset with `$1` placeholders;
//! schema files exist per dialect (`migrations/sqlite`, `migrations/postgres`) and are
//! embedded and applied at start-up. Writes open with `BEGIN IMMEDIATE` on SQLite, so a
//! write transaction holds the write lock from its first statement (see
//! `docs/decisions/001-storage.md`).

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
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
}

/// A write transaction; dropping it without `commit` rolls back. Derefs to the connection,
/// so repository functions taking `&mut AnyConnection` accept `&mut tx`.
pub struct Tx {
    inner: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
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
];

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
        let options = AnyConnectOptions::from_str(url).context("invalid database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
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
        })
    }

    /// Applies every embedded migration not yet recorded in `schema_migrations`.
    pub async fn migrate(&self) -> anyhow::Result<Vec<i64>> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let mut applied = Vec::new();
        for (version, sqlite_sql, pg_sql) in MIGRATIONS {
            let mut tx = self.begin_write().await?;
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => sqlite_sql,
                Backend::Postgres => pg_sql,
            };
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
            tx.commit().await?;
            applied.push(*version);
        }
        Ok(applied)
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let guard = self.write_lock.clone().lock_owned().await;
                let inner = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Tx {
                    inner,
                    _writer: Some(guard),
                })
            }
            Backend::Postgres => Ok(Tx {
                inner: self.pool.begin_with("BEGIN").await?,
                _writer: None,
            }),
        }
    }
}

/// Splits a schema file into statements: comments (`--` to end of line) are removed first;
/// our schema files have no semicolons inside string literals.
fn split_sql(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
