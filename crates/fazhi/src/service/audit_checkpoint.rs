//! Signed checkpoints of the audit chain, kept outside the database (issue 11 §1).
//!
//! The hash chain (`service::audit`) shows that entries were changed only while its head is
//! trusted, and the head lives in the same database. A checkpoint fixes a stretch of the
//! chain outside it: the sequence numbers it covers, the chain hash before and after, and a
//! 128-bit digest of every entry in the stretch, signed with an Ed25519 key held in a file
//! (`--audit-key`, created by [`create_key_file`]) and appended as one JSON line to a file in
//! a directory the database cannot reach (`--audit-checkpoints`).
//!
//! - Taken every `audit_checkpoint_every` entries (at exact multiples, by a task that looks
//!   at the chain head every two seconds), every hour, and on demand (`fazhi audit
//!   checkpoint`, the admin's audit page).
//! - Before signing, the stretch is checked against the previous checkpoint: a chain already
//!   broken is never signed.
//! - [`verify_against`] compares the database with every checkpoint and names each entry
//!   rewritten, deleted, renumbered or cut off since, by sequence number.
//!
//! Not protected (docs/decisions/011-audit-anchoring-and-personal-data.md): entries after
//! the last checkpoint, and anything done by someone who holds the signing key and can
//! write the checkpoint directory.

use super::audit::{self, AuditProblem, StoredEntry, ZERO_HASH};
use crate::infra::clock::{Clock, to_db_time};
use crate::infra::db::Db;
use anyhow::Context;
use chrono::{DateTime, Utc};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Default number of entries between two automatic checkpoints.
pub const DEFAULT_EVERY: i64 = 1000;

const FORMAT: &str = "fazhi-audit-checkpoint/1";

// ---- keys --------------------------------------------------------------------------------

/// Creates a new Ed25519 signing key in `path` (PKCS#8 PEM, readable by its owner only) and
/// its public key beside it in `<path>.pub`. Refuses to overwrite either file: a lost key
/// only stops new checkpoints, a replaced one would orphan every checkpoint already signed.
/// Called by `fazhi audit keygen` (and by `fazhi init`).
pub fn create_key_file(path: &Path) -> anyhow::Result<VerifyingKey> {
    let public_path = public_key_path(path);
    for p in [path, public_path.as_path()] {
        anyhow::ensure!(
            !p.exists(),
            "{} 已存在，不会覆盖（already exists; refusing to overwrite）",
            p.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("random source failed: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot encode the key: {e}"))?;
    write_new_file(path, pem.as_bytes(), true)?;
    let public = key.verifying_key();
    let public_pem = public
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot encode the public key: {e}"))?;
    write_new_file(&public_path, public_pem.as_bytes(), false)?;
    Ok(public)
}

/// `<key file>.pub`.
pub fn public_key_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

fn write_new_file(path: &Path, bytes: &[u8], private: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Reads a signing key written by [`create_key_file`].
pub fn load_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "无法读取审计签名密钥 {}（cannot read the audit key; create it with `fazhi audit keygen --audit-key {}`）",
            path.display(),
            path.display()
        )
    })?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} 不是 Ed25519 私钥（not an Ed25519 PKCS#8 key）: {e}",
            path.display()
        )
    })
}

/// The public key in `path`: a public key (`.pub`) or a signing key's public half.
pub fn load_public_key(path: &Path) -> anyhow::Result<VerifyingKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取密钥文件 {}", path.display()))?;
    if let Ok(public) = VerifyingKey::from_public_key_pem(&text) {
        return Ok(public);
    }
    SigningKey::from_pkcs8_pem(&text)
        .map(|k| k.verifying_key())
        .map_err(|e| {
            anyhow::anyhow!(
                "{} 不是 Ed25519 密钥（not an Ed25519 key）: {e}",
                path.display()
            )
        })
}

/// The checkpoint settings of a running server: the signing key, the directory and the
/// interval. Debug output never shows the key.
#[derive(Clone)]
pub struct CheckpointSettings {
    pub key: Arc<SigningKey>,
    pub dir: PathBuf,
    /// Entries between two automatic checkpoints.
    pub every: i64,
}

impl fmt::Debug for CheckpointSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointSettings")
            .field("key", &"[REDACTED]")
            .field("dir", &self.dir)
            .field("every", &self.every)
            .finish()
    }
}

impl CheckpointSettings {
    /// Loads the key and makes sure the directory exists.
    pub fn load(key_file: &Path, dir: &Path, every: i64) -> anyhow::Result<Self> {
        anyhow::ensure!(every >= 1, "--audit-checkpoint-every must be at least 1");
        let key = load_signing_key(key_file)?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the checkpoint directory {}", dir.display()))?;
        Ok(Self {
            key: Arc::new(key),
            dir: dir.to_path_buf(),
            every,
        })
    }
}

/// The demo's checkpoints: a key made in the data directory on first use and a fresh
/// checkpoint directory beside it (the demo database is recreated at every start, so the
/// old checkpoints would not match it). Real deployments keep both away from the data.
pub fn demo_settings(data_dir: &Path, every: i64) -> anyhow::Result<CheckpointSettings> {
    let key = data_dir.join("audit-key.pem");
    if !key.exists() {
        let _ = std::fs::remove_file(public_key_path(&key));
        create_key_file(&key)?;
    }
    let dir = data_dir.join("audit-checkpoints");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot reset {}", dir.display()))?;
    }
    CheckpointSettings::load(&key, &dir, every)
}

// ---- checkpoints -------------------------------------------------------------------------

/// One checkpoint: one JSON line of a checkpoint file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    /// First entry covered.
    pub from_seq: i64,
    /// Last entry covered.
    pub seq: i64,
    /// Chain hash of entry `from_seq - 1` (all zeros before the first entry).
    pub prev_hash: String,
    /// Chain hash of entry `seq`.
    pub hash: String,
    /// The digest of every entry covered, 32 hex digits each, in order
    /// ([`StoredEntry::digest`]).
    pub digests: String,
    /// When it was signed (UTC).
    pub taken_at: String,
    /// `entries` (every N entries), `hourly`, `manual`.
    pub reason: String,
    /// Public key of the signer (hex).
    pub key: String,
    /// Ed25519 signature over [`Checkpoint::message`] (hex).
    pub signature: String,
}

impl Checkpoint {
    /// The signed text: every field but the key and the signature.
    fn message(&self) -> String {
        format!(
            "{FORMAT}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.from_seq,
            self.seq,
            self.prev_hash,
            self.hash,
            self.taken_at,
            self.reason,
            self.digests
        )
    }

    fn sign(mut self, key: &SigningKey) -> Self {
        self.key = hex::encode(key.verifying_key().as_bytes());
        self.signature = hex::encode(key.sign(self.message().as_bytes()).to_bytes());
        self
    }

    /// Whether the signature is valid and made by one of `trusted`.
    fn signed_by(&self, trusted: &[VerifyingKey]) -> bool {
        let Some(signer) = trusted
            .iter()
            .find(|k| hex::encode(k.as_bytes()) == self.key)
        else {
            return false;
        };
        let Ok(bytes) = hex::decode(&self.signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        signer.verify(self.message().as_bytes(), &signature).is_ok()
    }

    /// The digests, parsed; `None` when malformed or not one per entry.
    fn parsed_digests(&self) -> Option<Vec<[u8; 16]>> {
        let count = usize::try_from(self.seq - self.from_seq + 1).ok()?;
        if self.digests.len() != count * 32 {
            return None;
        }
        (0..count)
            .map(|i| {
                let mut d = [0u8; 16];
                hex::decode_to_slice(&self.digests[i * 32..(i + 1) * 32], &mut d).ok()?;
                Some(d)
            })
            .collect()
    }
}

/// Why a checkpoint is taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Every N entries: only whole stretches ending at a multiple of N are signed.
    Entries,
    /// The hourly checkpoint: everything up to the head.
    Hourly,
    /// On demand: everything up to the head.
    Manual,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Entries => "entries",
            Reason::Hourly => "hourly",
            Reason::Manual => "manual",
        }
    }
}

/// What [`take`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Taken {
    /// Checkpoints written now.
    pub written: usize,
    /// The last entry covered by a checkpoint afterwards (0: none).
    pub covered_through: i64,
    /// The chain head when taken.
    pub head: i64,
}

/// Why no checkpoint could be signed.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The database's chain does not continue the last checkpoint: it was changed. Nothing
    /// is signed; `fazhi audit verify --checkpoints` tells what changed.
    #[error("审计链第{seq}条与已签名的检查点不连续（被改动），拒绝签署新的检查点")]
    ChainBroken { seq: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// Signs checkpoints for every entry not yet covered, up to the head (hourly, manual) or up
/// to the last multiple of `every` (entries), in stretches of at most `every` entries that
/// end at multiples of `every` or at the head. Holds a lock file in the directory so that
/// a server and `fazhi audit checkpoint` never write at the same time.
pub async fn take(
    db: &Db,
    settings: &CheckpointSettings,
    now: DateTime<Utc>,
    reason: Reason,
) -> Result<Taken, CheckpointError> {
    let lock = lock_dir(&settings.dir).await?;
    let mut conn = db.pool.acquire().await?;
    let (head, _) = audit::head(&mut conn).await?;
    let last = read_checkpoints(&settings.dir)?.last_valid(settings);
    let (mut covered, mut prev_hash) = match &last {
        Some(c) => (c.seq, c.hash.clone()),
        None => (0, ZERO_HASH.to_string()),
    };
    if head < covered {
        // Entries already signed are gone: the tail was cut.
        return Err(CheckpointError::ChainBroken { seq: head + 1 });
    }
    if covered > 0 {
        // The last signed entry must still be there with the hash that was signed.
        let signed = audit::load_entries(&mut conn, covered, covered).await?;
        if signed.first().is_none_or(|e| e.hash != prev_hash) {
            return Err(CheckpointError::ChainBroken { seq: covered });
        }
    }
    let every = settings.every;
    let upto = match reason {
        Reason::Entries => head - head.rem_euclid(every),
        Reason::Hourly | Reason::Manual => head,
    };
    let mut written = 0;
    let taken_at = to_db_time(now);
    while covered < upto {
        let end = ((covered / every + 1) * every).min(upto);
        let entries = audit::load_entries(&mut conn, covered + 1, end).await?;
        let mut digests = String::with_capacity(entries.len() * 32);
        let mut expected = covered + 1;
        for e in &entries {
            if e.seq != expected || e.prev_hash != prev_hash || e.recomputed_hash() != e.hash {
                return Err(CheckpointError::ChainBroken { seq: expected });
            }
            digests.push_str(&hex::encode(e.digest()));
            prev_hash = e.hash.clone();
            expected += 1;
        }
        if expected != end + 1 {
            return Err(CheckpointError::ChainBroken { seq: expected });
        }
        let checkpoint = Checkpoint {
            from_seq: covered + 1,
            seq: end,
            prev_hash: entries
                .first()
                .map_or_else(|| ZERO_HASH.to_string(), |e| e.prev_hash.clone()),
            hash: prev_hash.clone(),
            digests,
            taken_at: taken_at.clone(),
            reason: reason.as_str().to_string(),
            key: String::new(),
            signature: String::new(),
        }
        .sign(&settings.key);
        append_line(&settings.dir, now, &checkpoint)?;
        crate::infra::metrics::audit_checkpoint_taken(now);
        covered = end;
        written += 1;
    }
    drop(lock);
    Ok(Taken {
        written,
        covered_through: covered,
        head,
    })
}

/// The file a checkpoint taken at `now` goes to: one per month.
fn file_for(dir: &Path, now: DateTime<Utc>) -> PathBuf {
    dir.join(format!("audit-checkpoints-{}.jsonl", now.format("%Y-%m")))
}

/// Appends one line (the file is only ever opened for appending) and flushes it to disk.
fn append_line(dir: &Path, now: DateTime<Utc>, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let path = file_for(dir, now);
    let created = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut line = serde_json::to_string(checkpoint)?;
    line.push('\n');
    if !created && !ends_with_newline(&path)? {
        // A line torn by a crash stays a line of its own; the new one starts afresh.
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all()?;
    if created {
        // The new file's directory entry must survive a crash too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn ends_with_newline(path: &Path) -> anyhow::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// Holds an exclusive lock on `<dir>/.lock` until dropped.
async fn lock_dir(dir: &Path) -> anyhow::Result<std::fs::File> {
    let path = dir.join(".lock");
    tokio::task::spawn_blocking(move || -> anyhow::Result<std::fs::File> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(file)
    })
    .await
    .map_err(|e| anyhow::anyhow!("lock task failed: {e}"))?
}

/// Every line of every checkpoint file of a directory, in order.
struct Lines {
    /// (file name, line number, parsed line or the parse error)
    lines: Vec<(String, usize, Result<Checkpoint, String>)>,
}

impl Lines {
    /// The last checkpoint signed with our own key (what the next one continues).
    fn last_valid(&self, settings: &CheckpointSettings) -> Option<Checkpoint> {
        let own = [settings.key.verifying_key()];
        self.lines
            .iter()
            .rev()
            .filter_map(|(_, _, c)| c.as_ref().ok())
            .find(|c| c.signed_by(&own))
            .cloned()
    }
}

fn read_checkpoints(dir: &Path) -> anyhow::Result<Lines> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("audit-checkpoints-") && n.ends_with(".jsonl"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", dir.display())),
    };
    files.sort();
    let mut lines = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed = serde_json::from_str::<Checkpoint>(&line).map_err(|e| e.to_string());
            lines.push((name.clone(), i + 1, parsed));
        }
    }
    Ok(Lines { lines })
}

// ---- verification ------------------------------------------------------------------------

/// What the checkpoints cover, beside the problems they reveal.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct CheckpointSummary {
    /// Valid checkpoints read.
    pub checkpoints: usize,
    /// The last entry covered by a valid checkpoint (0: none).
    pub covered_through: i64,
    /// When the last valid checkpoint was signed.
    pub last_taken_at: Option<String>,
    /// Entries after the last checkpoint: in the chain, not yet anchored.
    pub not_covered: i64,
}

/// Checks the database's entries against every checkpoint in `dir` signed by one of
/// `trusted`, and adds what it finds to `report` (its `ok` is recomputed).
pub async fn verify_against(
    conn: &mut AnyConnection,
    dir: &Path,
    trusted: &[VerifyingKey],
) -> anyhow::Result<audit::AuditReport> {
    let rows = audit::load_entries(conn, i64::MIN, i64::MAX).await?;
    let (head_seq, head_hash) = audit::head(conn).await?;
    let mut report = audit::verify_chain(&rows, head_seq, &head_hash);
    let lines = read_checkpoints(dir)?;
    let (summary, problems) = compare(&rows, &lines, trusted);
    report.problems.extend(problems);
    report.ok = report.problems.is_empty();
    report.checkpoints = Some(summary);
    Ok(report)
}

/// The checkpoint part of [`verify_against`], on entries already read.
fn compare(
    rows: &[StoredEntry],
    lines: &Lines,
    trusted: &[VerifyingKey],
) -> (CheckpointSummary, Vec<AuditProblem>) {
    let mut problems = Vec::new();
    // The signed digests, by sequence number.
    let mut expected: Vec<(i64, [u8; 16])> = Vec::new();
    let mut summary = CheckpointSummary::default();
    let mut last: Option<&Checkpoint> = None;
    for (file, line, parsed) in &lines.lines {
        let checkpoint = match parsed {
            Ok(c) if c.signed_by(trusted) => c,
            Ok(_) => {
                problems.push(AuditProblem::at(
                    0,
                    "checkpoint_invalid",
                    format!("检查点文件 {file} 第{line}行的签名无效或不是本系统的签名密钥所签"),
                ));
                continue;
            }
            Err(_) => {
                problems.push(AuditProblem::at(
                    0,
                    "checkpoint_invalid",
                    format!("检查点文件 {file} 第{line}行无法读取（格式错误）"),
                ));
                continue;
            }
        };
        let Some(digests) = checkpoint.parsed_digests() else {
            problems.push(AuditProblem::at(
                checkpoint.seq,
                "checkpoint_invalid",
                format!("检查点文件 {file} 第{line}行的条目摘要不完整"),
            ));
            continue;
        };
        let (last_seq, last_hash) = last.map_or((0, ZERO_HASH), |c| (c.seq, c.hash.as_str()));
        if checkpoint.seq <= last_seq {
            // Written twice (e.g. by two processes): the same stretch again adds nothing.
            continue;
        }
        if checkpoint.from_seq != last_seq + 1 || checkpoint.prev_hash != last_hash {
            problems.push(AuditProblem {
                seq: last_seq + 1,
                through: Some(checkpoint.from_seq - 1),
                kind: "checkpoint_gap",
                message: format!(
                    "检查点不连续：第{}条之后的检查点缺失（检查点文件被删改），文件 {file} 第{line}行",
                    last_seq
                ),
            });
        }
        expected.extend((checkpoint.from_seq..=checkpoint.seq).zip(digests));
        summary.checkpoints += 1;
        summary.covered_through = checkpoint.seq;
        summary.last_taken_at = Some(checkpoint.taken_at.clone());
        last = Some(checkpoint);
    }

    let actual: HashMap<i64, [u8; 16]> = rows.iter().map(|r| (r.seq, r.digest())).collect();
    let mut found_at: HashMap<[u8; 16], Vec<i64>> = HashMap::new();
    for (seq, d) in &actual {
        found_at.entry(*d).or_default().push(*seq);
    }
    let signed: HashSet<[u8; 16]> = expected.iter().map(|(_, d)| *d).collect();
    let max_seq = rows.iter().map(|r| r.seq).max().unwrap_or(0);
    summary.not_covered = (max_seq - summary.covered_through).max(0);

    // One finding per signed entry that is not where it was signed, then runs merged.
    let mut findings: Vec<(i64, &'static str, i64)> = Vec::new();
    for (seq, digest) in &expected {
        if actual.get(seq) == Some(digest) {
            continue;
        }
        if let Some(elsewhere) = found_at
            .get(digest)
            .and_then(|seqs| seqs.iter().find(|s| *s != seq))
        {
            findings.push((*seq, "renumbered", elsewhere - seq));
        } else if *seq > max_seq {
            findings.push((*seq, "truncated", 0));
        } else if actual.get(seq).is_some_and(|d| !signed.contains(d)) {
            findings.push((*seq, "rewritten", 0));
        } else {
            findings.push((*seq, "deleted", 0));
        }
    }
    let mut i = 0;
    while i < findings.len() {
        let (first, kind, shift) = findings[i];
        let mut j = i;
        while j + 1 < findings.len()
            && findings[j + 1].0 == findings[j].0 + 1
            && findings[j + 1].1 == kind
            && findings[j + 1].2 == shift
            && kind != "rewritten"
        {
            j += 1;
        }
        let through = findings[j].0;
        let range = if through == first {
            format!("第{first}条")
        } else {
            format!("第{first}至{through}条")
        };
        let message = match kind {
            "renumbered" => format!(
                "{range}审计记录被移到第{}条起（重新编号，前面有记录被删除或插入）",
                first + shift
            ),
            "truncated" => format!("{range}审计记录已签入检查点，现已不存在（链尾被截断）"),
            "rewritten" => format!("{range}审计记录与检查点签名时的内容不同（被改写）"),
            _ => format!("{range}审计记录已签入检查点，现已被删除"),
        };
        problems.push(AuditProblem {
            seq: first,
            through: (through != first).then_some(through),
            kind,
            message,
        });
        i = j + 1;
    }
    (summary, problems)
}

/// Takes checkpoints in the background of a running server: every `every` entries (the head
/// is read every two seconds) and every hour. Failures are logged loudly, never fatal; a
/// broken chain is never signed.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, settings: CheckpointSettings) {
    // The age gauge starts from the newest checkpoint already on disk.
    if let Ok(Some(last)) = status(&settings)
        && let Ok(at) = DateTime::parse_from_rfc3339(&last.taken_at)
    {
        crate::infra::metrics::audit_checkpoint_taken(at.with_timezone(&Utc));
    }
    tokio::spawn(async move {
        let mut last_hourly = std::time::Instant::now();
        let mut broken_reported = false;
        loop {
            let hourly = last_hourly.elapsed() >= std::time::Duration::from_secs(3600);
            let reason = if hourly {
                last_hourly = std::time::Instant::now();
                Reason::Hourly
            } else {
                Reason::Entries
            };
            let due = match reason {
                Reason::Entries => needs_entries_checkpoint(&db, &settings).await,
                _ => true,
            };
            if due {
                match take(&db, &settings, clock.now(), reason).await {
                    Ok(t) if t.written > 0 => {
                        broken_reported = false;
                        tracing::info!(
                            written = t.written,
                            covered_through = t.covered_through,
                            "audit checkpoint signed"
                        );
                    }
                    Ok(_) => {}
                    Err(e @ CheckpointError::ChainBroken { .. }) => {
                        if !broken_reported {
                            tracing::error!(error = %e, "AUDIT CHAIN CHANGED: no checkpoint signed; run `fazhi audit verify --checkpoints`");
                            broken_reported = true;
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "audit checkpoint failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    });
}

/// Cheap check of the poll loop: has the head passed the next multiple of `every` since the
/// last checkpoint? (The files are read only when the head moved into a new stretch.)
async fn needs_entries_checkpoint(db: &Db, settings: &CheckpointSettings) -> bool {
    let Ok(mut conn) = db.pool.acquire().await else {
        return false;
    };
    let Ok((head, _)) = audit::head(&mut conn).await else {
        return false;
    };
    if head < settings.every {
        return false;
    }
    let boundary = head - head.rem_euclid(settings.every);
    match read_checkpoints(&settings.dir) {
        Ok(lines) => lines.last_valid(settings).is_none_or(|c| c.seq < boundary),
        Err(_) => true,
    }
}

/// The age and coverage of the checkpoints in `dir` (for the admin's audit page).
pub fn status(settings: &CheckpointSettings) -> anyhow::Result<Option<Checkpoint>> {
    Ok(read_checkpoints(&settings.dir)?.last_valid(settings))
}

// ---- the running server's view (admin page, API) -----------------------------------------

/// The audit trail at a glance, for the admin's audit page.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Entries in the chain (its head).
    pub entries: i64,
    /// Whether this server signs checkpoints.
    pub checkpoints_configured: bool,
    /// The last checkpoint signed by this server's key: last entry covered and when.
    pub covered_through: i64,
    pub last_taken_at: Option<String>,
    /// Closed complaints past the retention period whose personal data is still kept.
    pub expired_complaints: i64,
    pub retention_days: i64,
}

/// The audit trail's state (admin).
pub async fn overview(
    state: &super::AppState,
    actor: &super::auth::CurrentUser,
) -> super::ServiceResult<Overview> {
    actor.require(super::permissions::Action::AuditOverview)?;
    let mut conn = state.db.pool.acquire().await?;
    let (entries, _) = audit::head(&mut conn).await?;
    drop(conn);
    let last = match &state.settings.audit_checkpoints {
        Some(s) => status(s)?,
        None => None,
    };
    Ok(Overview {
        entries,
        checkpoints_configured: state.settings.audit_checkpoints.is_some(),
        covered_through: last.as_ref().map_or(0, |c| c.seq),
        last_taken_at: last.map(|c| c.taken_at),
        expired_complaints: super::personal_data::expired_count(state, actor).await?,
        retention_days: state.settings.complaint_retention_days,
    })
}

/// Signs a checkpoint now (admin): [`take`] with this server's settings.
pub async fn take_now(
    state: &super::AppState,
    actor: &super::auth::CurrentUser,
) -> super::ServiceResult<Taken> {
    actor.require(super::permissions::Action::AuditCheckpoint)?;
    let settings = state.settings.audit_checkpoints.as_ref().ok_or_else(|| {
        super::ServiceError::invalid(
            "checkpoints_not_configured",
            "本服务器未配置审计检查点（--audit-key、--audit-checkpoints），无法签署",
        )
    })?;
    match take(&state.db, settings, state.clock.now(), Reason::Manual).await {
        Ok(t) => Ok(t),
        Err(CheckpointError::ChainBroken { seq }) => Err(super::ServiceError::invalid(
            "audit_chain_changed",
            format!("审计链第{seq}条与已签名的检查点不一致，已拒绝签署；请立即核验审计链并报告"),
        )),
        Err(CheckpointError::Database(e)) => Err(e.into()),
        Err(CheckpointError::Io(e)) => Err(e.into()),
    }
}

/// Verifies the chain, and against this server's checkpoints when it signs them (admin,
/// legal office): the API's `/audit/verify` and the admin's audit page.
pub async fn verify_configured(
    state: &super::AppState,
    actor: &super::auth::CurrentUser,
) -> super::ServiceResult<audit::AuditReport> {
    actor.require(super::permissions::Action::VerifyAudit)?;
    let mut conn = state.db.pool.acquire().await?;
    match &state.settings.audit_checkpoints {
        Some(s) => Ok(verify_against(&mut conn, &s.dir, &[s.key.verifying_key()]).await?),
        None => Ok(audit::verify(&mut conn).await?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, content: &str) -> StoredEntry {
        StoredEntry {
            seq,
            at: "2026-12-01T00:00:00.000000Z".into(),
            actor: "system".into(),
            action: "test".into(),
            entity: "x".into(),
            entity_id: "1".into(),
            content: content.into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn signed(key: &SigningKey, rows: &[StoredEntry]) -> Lines {
        let digests: String = rows.iter().map(|r| hex::encode(r.digest())).collect();
        let c = Checkpoint {
            from_seq: 1,
            seq: rows.len() as i64,
            prev_hash: ZERO_HASH.into(),
            hash: "h".into(),
            digests,
            taken_at: "t".into(),
            reason: "manual".into(),
            key: String::new(),
            signature: String::new(),
        }
        .sign(key);
        Lines {
            lines: vec![("f".into(), 1, Ok(c))],
        }
    }

    fn kinds(problems: &[AuditProblem]) -> Vec<(i64, Option<i64>, &'static str)> {
        problems
            .iter()
            .map(|p| (p.seq, p.through, p.kind))
            .collect()
    }

    #[test]
    fn each_kind_of_change_is_named_with_its_sequence_number() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let trusted = [key.verifying_key()];
        let rows: Vec<_> = (1..=6).map(|i| entry(i, &format!("c{i}"))).collect();
        let lines = signed(&key, &rows);

        let (summary, problems) = compare(&rows, &lines, &trusted);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(summary.covered_through, 6);

        let mut edited = rows.clone();
        edited[2].content = "forged".into();
        assert_eq!(
            kinds(&compare(&edited, &lines, &trusted).1),
            [(3, None, "rewritten")]
        );

        // Entry 3 deleted, 4–6 moved down to 3–5.
        let renumbered: Vec<_> = rows
            .iter()
            .filter(|r| r.seq != 3)
            .enumerate()
            .map(|(i, r)| StoredEntry {
                seq: i as i64 + 1,
                ..r.clone()
            })
            .collect();
        assert_eq!(
            kinds(&compare(&renumbered, &lines, &trusted).1),
            [(3, None, "deleted"), (4, Some(6), "renumbered")]
        );

        let cut = &rows[..4];
        assert_eq!(
            kinds(&compare(cut, &lines, &trusted).1),
            [(5, Some(6), "truncated")]
        );

        let other = SigningKey::from_bytes(&[8u8; 32]);
        let (summary, problems) = compare(&rows, &signed(&other, &rows), &trusted);
        assert_eq!(kinds(&problems), [(0, None, "checkpoint_invalid")]);
        assert_eq!(summary.covered_through, 0);
        assert_eq!(summary.not_covered, 6);
    }
}
