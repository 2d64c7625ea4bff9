//! Backups of a running platform and their restore (issue 9 §5).
//!
//! A backup is a directory:
//!
//! - `fazhi.db` (SQLite) — a consistent copy made with `VACUUM INTO` on a read transaction.
//!   In WAL mode a reader never blocks writers, so the server keeps accepting complaints and
//!   case steps while the copy is written (unlike the `.backup` command, which restarts
//!   whenever a writer commits, or holds a lock). Or `fazhi.pgdump` (PostgreSQL) — `pg_dump
//!   --format=custom`, itself a consistent snapshot taken without blocking writers.
//! - `files/` — every other file of the data directory (evidence photos and videos,
//!   generated documents, …), copied after the database snapshot. Evidence and documents
//!   are written to disk before the row that names them is committed, so every file the
//!   copied database refers to is already there when the files are copied.
//! - `manifest.json` — written last: the format, the time, the database kind, the schema
//!   version and the size and SHA-256 of every file above. A directory without a manifest is
//!   an unfinished backup.
//!
//! [`restore`] checks every file against the manifest before touching the target, refuses a
//! target that already holds data unless forced, puts the database and files back, applies
//! any newer migrations (an upgrade) and re-checks the audit log's hash chain.

use super::audit;
use crate::infra::db::{Backend, Db};
use crate::infra::secret::Secret;
use crate::repo::backup_repo;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The manifest's file name inside a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The SQLite database's file name, in a data directory and in a backup.
pub const SQLITE_FILE: &str = "fazhi.db";
/// The PostgreSQL dump's file name in a backup.
pub const PG_DUMP_FILE: &str = "fazhi.pgdump";
/// The folder of a backup holding the data directory's other files.
pub const FILES_DIR: &str = "files";
const FORMAT: u32 = 1;

/// What a backup holds; see the module documentation.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub fazhi_version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The highest migration applied to the copied database.
    pub schema_version: i64,
    pub files: Vec<ManifestFile>,
}

/// One file of a backup, by its path relative to the backup directory (`/`-separated).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What [`backup`] did.
#[derive(Debug)]
pub struct BackupReport {
    pub dir: PathBuf,
    pub database: &'static str,
    /// Data-directory files copied (the database not counted).
    pub files: usize,
    pub bytes: u64,
    pub database_seconds: f64,
    pub total_seconds: f64,
}

/// What [`restore`] did, with the audit chain's check of the restored copy.
#[derive(Debug)]
pub struct RestoreReport {
    pub files: usize,
    pub migrations_applied: Vec<i64>,
    pub audit: audit::AuditReport,
}

/// Files of a data directory that belong to the live SQLite database or are being written.
fn is_live_file(name: &str) -> bool {
    name == SQLITE_FILE
        || name.starts_with("fazhi.db-")
        || name.ends_with(".part")
        || name.ends_with(".tmp")
}

/// Copies `from` to `to` (creating parents), returning its size and SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> anyhow::Result<(u64, String)> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut input =
        std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut output =
        std::fs::File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        size += n as u64;
    }
    output.sync_all()?;
    Ok((size, hex::encode(hasher.finalize())))
}

/// Size and SHA-256 of a file.
fn hash_file(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut input =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Every regular file under `dir` (relative paths, sorted), leaving out the live database
/// files at its top and anything under `skip`.
fn data_files(dir: &Path, skip: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let here = dir.join(&rel);
        if skip.is_some_and(|s| here.canonicalize().is_ok_and(|c| c == s)) {
            continue;
        }
        let entries = match std::fs::read_dir(&here) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", here.display())),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(rel.join(&name));
            } else if kind.is_file() && !is_live_file(&name) {
                out.push(rel.join(&name));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a directory is missing or empty.
fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

async fn schema_version(db: &Db) -> anyhow::Result<i64> {
    let mut conn = db.pool.acquire().await?;
    Ok(backup_repo::schema_version(&mut conn).await?)
}

/// The `pg_dump` / `pg_restore` program, if installed.
fn pg_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What to do when PostgreSQL's tools are missing (Chinese and English, for operators).
fn pg_tool_missing(name: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "未找到 {name}：PostgreSQL 部署的备份需要与服务器同版本或更新的 PostgreSQL 客户端工具（Debian：apt-get install postgresql-client）。\
         也可以按 docs/operations.md 手工执行 pg_dump --format=custom，并另行复制数据目录中的文件。\n\
         {name} not found: backing up a PostgreSQL deployment needs the PostgreSQL client tools of the server's version or newer \
         (Debian: apt-get install postgresql-client), or run pg_dump --format=custom by hand as docs/operations.md describes and copy the data directory's files."
    )
}

/// Runs a PostgreSQL tool on the database at `url`. The password goes in `PGPASSWORD`,
/// not on the command line, where other users of the machine could read it.
fn run_pg(tool: &str, args: &[&str], url: &Secret) -> anyhow::Result<()> {
    let program = pg_tool(tool).ok_or_else(|| pg_tool_missing(tool))?;
    let mut parsed = url::Url::parse(url.expose()).context("invalid database URL")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .to_string()
    });
    let _ = parsed.set_password(None);
    let mut command = Command::new(program);
    command.args(args).arg("--dbname").arg(parsed.as_str());
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let output = command
        .output()
        .with_context(|| format!("cannot run {tool}"))?;
    if !output.status.success() {
        bail!(
            "{tool} 失败（{tool} failed）：{}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Makes a backup of the platform whose database is `db` (at `database_url`) and whose
/// files are under `data_dir`, into the new or empty directory `to`.
pub async fn backup(
    db: &Db,
    database_url: &Secret,
    data_dir: &Path,
    to: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<BackupReport> {
    let started = Instant::now();
    if !is_empty_dir(to)? {
        bail!(
            "备份目录 {} 不是空目录；请指定新的目录（the backup directory must be new or empty）",
            to.display()
        );
    }
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let to = to.canonicalize()?;
    if let Ok(data) = data_dir.canonicalize()
        && to.starts_with(&data)
    {
        bail!(
            "备份目录不能位于数据目录之内：{}（the backup directory must be outside the data directory）",
            to.display()
        );
    }
    let schema_version = schema_version(db).await?;
    let mut files = Vec::new();
    let database = match db.backend {
        Backend::Sqlite => {
            let target = to.join(SQLITE_FILE);
            // One read transaction: a consistent snapshot, writers go on in the WAL.
            let mut conn = db.pool.acquire().await?;
            backup_repo::vacuum_into(&mut conn, &target.to_string_lossy())
                .await
                .context("VACUUM INTO failed")?;
            drop(conn);
            let (size, sha256) = hash_file(&target)?;
            files.push(ManifestFile {
                path: SQLITE_FILE.into(),
                size,
                sha256,
            });
            "sqlite"
        }
        Backend::Postgres => {
            let target = to.join(PG_DUMP_FILE);
            let target_s = target.to_string_lossy().to_string();
            let url = database_url.clone();
            tokio::task::spawn_blocking(move || {
                run_pg(
                    "pg_dump",
                    &["--format=custom", "--no-owner", "--file", &target_s],
                    &url,
                )
            })
            .await??;
            let (size, sha256) = hash_file(&target)?;
            files.push(ManifestFile {
                path: PG_DUMP_FILE.into(),
                size,
                sha256,
            });
            "postgres"
        }
    };
    let database_seconds = started.elapsed().as_secs_f64();
    let data_dir = data_dir.to_path_buf();
    let to_files = to.clone();
    let copied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<ManifestFile>> {
        let mut out = Vec::new();
        for rel in data_files(&data_dir, Some(&to_files))? {
            let from = data_dir.join(&rel);
            let dest = to_files.join(FILES_DIR).join(&rel);
            match copy_hashed(&from, &dest) {
                Ok((size, sha256)) => out.push(ManifestFile {
                    path: format!("{FILES_DIR}/{}", slash_path(&rel)),
                    size,
                    sha256,
                }),
                // A temporary file renamed or removed while we walked: not part of the data.
                Err(_) if !from.exists() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    })
    .await??;
    let bytes = files.iter().chain(&copied).map(|f| f.size).sum();
    let file_count = copied.len();
    files.extend(copied);
    let manifest = Manifest {
        format: FORMAT,
        created_at: crate::infra::clock::to_db_time(now),
        fazhi_version: env!("CARGO_PKG_VERSION").into(),
        database: database.into(),
        schema_version,
        files,
    };
    let tmp = to.join("manifest.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&tmp, to.join(MANIFEST))?;
    Ok(BackupReport {
        dir: to,
        database,
        files: file_count,
        bytes,
        database_seconds,
        total_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Reads a backup's manifest and checks every file it lists (size and SHA-256).
pub fn check_backup(from: &Path) -> anyhow::Result<Manifest> {
    let text = std::fs::read(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} 中没有 {MANIFEST}：不是完整的备份（no manifest: not a complete backup）",
            from.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_slice(&text).context("manifest.json 无法读取（unreadable manifest）")?;
    if manifest.format != FORMAT {
        bail!(
            "不支持的备份格式 {}（unsupported backup format）",
            manifest.format
        );
    }
    let mut problems = Vec::new();
    for f in &manifest.files {
        if f.path
            .split('/')
            .any(|part| part == ".." || part.is_empty())
        {
            problems.push(format!("{}：路径不合法", f.path));
            continue;
        }
        match hash_file(&from.join(&f.path)) {
            Ok((size, sha256)) if size == f.size && sha256 == f.sha256 => {}
            Ok(_) => problems.push(format!("{}：内容与清单不符", f.path)),
            Err(_) => problems.push(format!("{}：文件缺失", f.path)),
        }
    }
    if !problems.is_empty() {
        bail!(
            "备份已损坏，未做任何恢复（the backup is damaged; nothing was restored）：\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(manifest)
}

/// Whether the target database already holds any account or case (PostgreSQL).
async fn postgres_has_data(url: &Secret) -> anyhow::Result<bool> {
    let db = Db::connect_only(url.expose()).await?;
    let mut conn = db.pool.acquire().await?;
    let tables = backup_repo::public_table_count(&mut conn).await?;
    drop(conn);
    db.pool.close().await;
    Ok(tables > 0)
}

/// Puts the backup in `from` back into `data_dir` (and, for PostgreSQL, the database at
/// `database_url`). Refuses a target holding data unless `force`; then checks the audit log.
pub async fn restore(
    from: &Path,
    data_dir: &Path,
    database_url: Option<&Secret>,
    force: bool,
) -> anyhow::Result<RestoreReport> {
    let manifest = check_backup(from)?;
    let files: Vec<&ManifestFile> = manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with(&format!("{FILES_DIR}/")))
        .collect();
    let postgres_url = database_url.filter(|u| !u.expose().starts_with("sqlite:"));
    match (manifest.database.as_str(), postgres_url) {
        ("sqlite", None) | ("postgres", Some(_)) => {}
        ("sqlite", Some(_)) => bail!(
            "这是 SQLite 数据库的备份，不能恢复到 PostgreSQL（a SQLite backup cannot be restored into PostgreSQL）"
        ),
        _ => bail!(
            "这是 PostgreSQL 数据库的备份：请用 --database-url 指定要恢复到的 PostgreSQL 数据库（a PostgreSQL backup needs --database-url）"
        ),
    }
    let target_has_data = match postgres_url {
        None => !is_empty_dir(data_dir)?,
        Some(url) => {
            postgres_has_data(url).await? || data_files(data_dir, None).is_ok_and(|f| !f.is_empty())
        }
    };
    if target_has_data && !force {
        bail!(
            "目标已有数据，未做任何恢复；确认要覆盖时加 --force（the target already holds data; nothing was restored. Add --force to overwrite it）"
        );
    }
    std::fs::create_dir_all(data_dir)?;
    let sqlite_url;
    let url = match postgres_url {
        None => {
            for name in ["fazhi.db-wal", "fazhi.db-shm", "fazhi.db-journal"] {
                let p = data_dir.join(name);
                if p.exists() {
                    std::fs::remove_file(&p)?;
                }
            }
            let tmp = data_dir.join("fazhi.db.restore.tmp");
            copy_hashed(&from.join(SQLITE_FILE), &tmp)?;
            std::fs::rename(&tmp, data_dir.join(SQLITE_FILE))?;
            sqlite_url = Secret::new(format!(
                "sqlite://{}?mode=rwc",
                data_dir.join(SQLITE_FILE).display()
            ));
            &sqlite_url
        }
        Some(url) => {
            let dump = from.join(PG_DUMP_FILE).to_string_lossy().to_string();
            let url_owned = url.clone();
            tokio::task::spawn_blocking(move || {
                let mut args = vec!["--no-owner", "--exit-on-error", "--single-transaction"];
                if force {
                    args.extend(["--clean", "--if-exists"]);
                }
                args.push(&dump);
                run_pg("pg_restore", &args, &url_owned)
            })
            .await??;
            url
        }
    };
    for f in &files {
        let rel = f.path.trim_start_matches(&format!("{FILES_DIR}/"));
        copy_hashed(&from.join(&f.path), &data_dir.join(rel))?;
    }
    let db = Db::connect_only(url.expose()).await?;
    let migrations_applied = db.migrate().await?;
    let mut conn = db.pool.acquire().await?;
    let audit = audit::verify(&mut conn).await?;
    drop(conn);
    db.pool.close().await;
    Ok(RestoreReport {
        files: files.len(),
        migrations_applied,
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_database_files_and_partial_writes_are_not_data_files() {
        for name in [
            "fazhi.db",
            "fazhi.db-wal",
            "fazhi.db-shm",
            "abc.part",
            "x.tmp",
        ] {
            assert!(is_live_file(name), "{name}");
        }
        assert!(!is_live_file(
            "3f2a9b0c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a"
        ));
    }

    #[test]
    fn a_damaged_backup_is_named_file_by_file() {
        let dir = std::env::temp_dir().join(format!("fazhi-backup-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(dir.join("files/evidence")).expect("dir");
        std::fs::write(dir.join("files/evidence/a"), b"photo").expect("file");
        let (size, sha256) = hash_file(&dir.join("files/evidence/a")).expect("hash");
        let manifest = Manifest {
            format: FORMAT,
            created_at: "2026-12-01T00:00:00.000000Z".into(),
            fazhi_version: "0".into(),
            database: "sqlite".into(),
            schema_version: 8,
            files: vec![
                ManifestFile {
                    path: "files/evidence/a".into(),
                    size,
                    sha256,
                },
                ManifestFile {
                    path: "files/evidence/missing".into(),
                    size: 1,
                    sha256: "00".into(),
                },
            ],
        };
        std::fs::write(
            dir.join(MANIFEST),
            serde_json::to_vec(&manifest).expect("json"),
        )
        .expect("manifest");
        let err = check_backup(&dir).expect_err("damaged").to_string();
        assert!(err.contains("files/evidence/missing：文件缺失"), "{err}");
        assert!(!err.contains("files/evidence/a："), "{err}");
        std::fs::write(dir.join("files/evidence/a"), b"edited").expect("edit");
        let err = check_backup(&dir).expect_err("damaged").to_string();
        assert!(err.contains("files/evidence/a：内容与清单不符"), "{err}");
        std::fs::remove_dir_all(&dir).expect("clean");
    }
}
