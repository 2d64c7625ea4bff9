//! The database: one code path for SQLite (default, embedded) and PostgreSQL, through
//! sqlx's `Any` driver. SQL is written in the common subset with `$1` placeholders;
//! schema files exist per dialect (`migrations/sqlite`, `migrations/postgres`) and are
//! embedded and applied at start-up. Writes open with `BEGIN IMMEDIATE` on SQLite, so a
//! write transaction holds the write lock from its first statement (see
//! `docs/decisions/001-storage.md`).

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;

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
}

/// A write transaction; dropping it without `commit` rolls back.
pub type Tx = Transaction<'static, Any>;

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    include_str!("../../migrations/sqlite/0001_init.sql"),
    include_str!("../../migrations/postgres/0001_init.sql"),
)];

impl Db {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
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
        let db = Self { pool, backend };
        db.migrate().await?;
        Ok(db)
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
        let statement = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        self.pool.begin_with(statement).await
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
