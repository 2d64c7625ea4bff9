//! The file store: every file the platform keeps besides the database — case evidence,
//! complaint photos and media, generated documents and their PDF renderings — addressed by
//! the SHA-256 of its bytes.
//!
//! One store instead of a copy of the same write-to-temp-and-rename code in each service:
//! - **content addressed**: a file's name is its hash (plus an extension on the documents
//!   shelf), so the same bytes are stored once and a name can never point at other bytes;
//! - **unique temporary files**: each write goes to a temporary file with a random name in
//!   the same directory, is flushed to disk, then renamed into place, so two uploads of the
//!   same file at the same moment cannot interleave and a crash leaves no half file under a
//!   real name;
//! - **no path from outside**: a key is checked to be 64 lower-case hex digits before it
//!   becomes part of a path.
//!
//! Callers check the actor's right to the case or complaint *before* they hand bytes to
//! [`BlobStore::put`]. The layout on disk (`<data-dir>/evidence/<sha256>`,
//! `<data-dir>/documents/<sha256>.docx|.pdf`) is the one backups copy (`service/backup.rs`).

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

/// Where on the store a file lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// Case evidence, complaint photos and media (`evidence/<sha256>`).
    Evidence,
    /// Generated documents (`documents/<sha256>.docx`) and their PDFs (`.pdf`).
    Documents,
}

impl Shelf {
    const fn dir(self) -> &'static str {
        match self {
            Shelf::Evidence => "evidence",
            Shelf::Documents => "documents",
        }
    }
}

/// The name of one stored file: its hash and, on the documents shelf, its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobKey<'a> {
    pub shelf: Shelf,
    pub sha256: &'a str,
    /// `Some("docx")`, `Some("pdf")` on the documents shelf; `None` for evidence.
    pub extension: Option<&'static str>,
}

impl<'a> BlobKey<'a> {
    /// An evidence file (photo, media, evidence) by its hash.
    pub const fn evidence(sha256: &'a str) -> Self {
        BlobKey {
            shelf: Shelf::Evidence,
            sha256,
            extension: None,
        }
    }

    /// A document rendering (`docx` or `pdf`) by its hash.
    pub const fn document(sha256: &'a str, extension: &'static str) -> Self {
        BlobKey {
            shelf: Shelf::Documents,
            sha256,
            extension: Some(extension),
        }
    }

    fn file_name(&self) -> String {
        match self.extension {
            Some(ext) => format!("{}.{ext}", self.sha256),
            None => self.sha256.to_string(),
        }
    }
}

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The key is not a SHA-256 in hex (a stored row was edited, or a caller passed input).
    #[error("not a file key: {0:?}")]
    BadKey(String),
    /// The file system refused.
    #[error("file store: {0}")]
    Io(#[from] io::Error),
}

/// Whether `key` is a SHA-256 as the store writes it: 64 lower-case hex digits.
pub fn is_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The file store on the local disk, below the data directory.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// The store below `data_dir`.
    pub fn on_disk(data_dir: &Path) -> Self {
        BlobStore {
            root: data_dir.to_path_buf(),
        }
    }

    fn path(&self, key: &BlobKey<'_>) -> Result<PathBuf, BlobError> {
        if !is_key(key.sha256) {
            return Err(BlobError::BadKey(key.sha256.chars().take(80).collect()));
        }
        Ok(self.root.join(key.shelf.dir()).join(key.file_name()))
    }

    /// Stores `bytes` once under their SHA-256 and returns it; storing bytes that are already
    /// there does nothing.
    pub async fn put(
        &self,
        shelf: Shelf,
        extension: Option<&'static str>,
        bytes: &[u8],
    ) -> Result<String, BlobError> {
        let sha = crate::infra::secret::sha256_hex(bytes);
        let key = BlobKey {
            shelf,
            sha256: &sha,
            extension,
        };
        let path = self.path(&key)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(sha);
        }
        let dir = self.root.join(shelf.dir());
        tokio::fs::create_dir_all(&dir).await?;
        let tmp = dir.join(format!(
            ".{}.{}.part",
            key.file_name(),
            uuid::Uuid::now_v7()
        ));
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e.into());
        }
        Ok(sha)
    }

    /// The bytes stored under `key`; `None` when there are none.
    pub async fn get(&self, key: BlobKey<'_>) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path(&key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes the file under `key`; `false` when there was none.
    pub async fn delete(&self, key: BlobKey<'_>) -> Result<bool, BlobError> {
        let path = self.path(&key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (BlobStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!("fazhi-blob-{}", uuid::Uuid::now_v7()));
        (BlobStore::on_disk(&dir), dir)
    }

    #[tokio::test]
    async fn files_are_stored_once_by_their_hash_and_read_back() {
        let (store, dir) = temp_store();
        let sha = store
            .put(Shelf::Evidence, None, b"photo")
            .await
            .expect("put");
        assert_eq!(sha, crate::infra::secret::sha256_hex(b"photo"));
        assert!(dir.join("evidence").join(&sha).is_file());
        assert_eq!(
            store
                .put(Shelf::Evidence, None, b"photo")
                .await
                .expect("again"),
            sha
        );
        assert_eq!(
            store.get(BlobKey::evidence(&sha)).await.expect("get"),
            Some(b"photo".to_vec())
        );
        let doc = store
            .put(Shelf::Documents, Some("docx"), b"PK")
            .await
            .expect("docx");
        assert!(dir.join("documents").join(format!("{doc}.docx")).is_file());
        assert!(
            store
                .get(BlobKey::document(&doc, "pdf"))
                .await
                .expect("get")
                .is_none()
        );
        assert!(store.delete(BlobKey::evidence(&sha)).await.expect("delete"));
        assert!(!store.delete(BlobKey::evidence(&sha)).await.expect("again"));
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[tokio::test]
    async fn keys_that_are_not_hashes_never_become_paths() {
        let (store, dir) = temp_store();
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &"0".repeat(63)] {
            assert!(matches!(
                store.get(BlobKey::evidence(bad)).await,
                Err(BlobError::BadKey(_))
            ));
            assert!(matches!(
                store.delete(BlobKey::evidence(bad)).await,
                Err(BlobError::BadKey(_))
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn simultaneous_uploads_of_the_same_file_leave_one_whole_file() {
        let (store, dir) = temp_store();
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                let bytes = bytes.clone();
                tokio::spawn(async move { store.put(Shelf::Evidence, None, &bytes).await })
            })
            .collect();
        let mut shas = Vec::new();
        for t in tasks {
            shas.push(t.await.expect("join").expect("put"));
        }
        shas.dedup();
        assert_eq!(shas.len(), 1);
        let stored = store
            .get(BlobKey::evidence(&shas[0]))
            .await
            .expect("get")
            .expect("present");
        assert_eq!(stored, bytes);
        let leftovers = std::fs::read_dir(dir.join("evidence"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
            .count();
        assert_eq!(leftovers, 0, "no temporary file is left behind");
        std::fs::remove_dir_all(&dir).expect("clean");
    }
}
