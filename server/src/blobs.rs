//! Document bytes, addressed by SHA-256. Uploads arrive in chunks that continue from the
//! server's offset, so a cut connection resumes instead of starting over; the hash is checked
//! before a blob becomes visible; a blob already held is not uploaded again. The store is a
//! trait: the file system under the data dir now, object storage later.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Largest chunk in one PUT.
pub const MAX_CHUNK: usize = 8 * 1024 * 1024;
/// Largest blob.
pub const MAX_BLOB: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobStatus {
    Absent,
    /// Bytes received so far of this uploader's unfinished upload.
    Partial(u64),
    Complete(u64),
}

/// What the store holds of a blob, for one uploader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobState {
    /// Size of the complete blob, if the store has it.
    pub complete: Option<u64>,
    /// Bytes of this uploader's unfinished upload.
    pub partial: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the upload continues at byte {expected}, not {got}")]
    OffsetMismatch { expected: u64, got: u64 },
    #[error("the bytes do not hash to the blob's name; the upload was discarded")]
    HashMismatch,
    #[error("{0}")]
    TooLarge(String),
    #[error("not a SHA-256 name")]
    BadName,
    #[error("blob storage: {0}")]
    Io(#[from] std::io::Error),
}

/// Uploads are kept per uploader (`upload_key`): a user who does not yet own a blob proves
/// they have it by sending its bytes, even when the store already holds a copy.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    async fn state(&self, sha256: &str, upload_key: &str) -> Result<BlobState, BlobError>;
    /// Appends `bytes` at `offset` of this uploader's upload whose whole size is `total`;
    /// `Complete` once the hash checked out (one copy is kept however many upload it).
    async fn append(
        &self,
        sha256: &str,
        upload_key: &str,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<BlobStatus, BlobError>;
    /// Bytes `start..end` (end exclusive, clamped) of a complete blob.
    async fn read(&self, sha256: &str, start: u64, end: Option<u64>) -> Result<Option<(Vec<u8>, u64)>, BlobError>;
}

pub fn valid_name(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub struct FsBlobStore {
    root: PathBuf,
    /// One upload step at a time per server: appends are short, and the order must hold.
    lock: tokio::sync::Mutex<()>,
}

impl FsBlobStore {
    pub fn new(root: &Path) -> std::io::Result<FsBlobStore> {
        std::fs::create_dir_all(root.join("partial"))?;
        Ok(FsBlobStore { root: root.to_path_buf(), lock: tokio::sync::Mutex::new(()) })
    }

    fn final_path(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2]).join(sha)
    }

    fn partial_path(&self, sha: &str, upload_key: &str) -> PathBuf {
        self.root.join("partial").join(format!("{sha}.{upload_key}"))
    }
}

fn state_of(store: &FsBlobStore, sha: &str, upload_key: &str) -> std::io::Result<BlobState> {
    let complete = std::fs::metadata(store.final_path(sha)).ok().map(|m| m.len());
    let partial = match std::fs::metadata(store.partial_path(sha, upload_key)) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e),
    };
    Ok(BlobState { complete, partial })
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn state(&self, sha256: &str, upload_key: &str) -> Result<BlobState, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        Ok(state_of(self, sha256, upload_key)?)
    }

    async fn append(
        &self,
        sha: &str,
        upload_key: &str,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<BlobStatus, BlobError> {
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        if total > MAX_BLOB {
            return Err(BlobError::TooLarge(format!("a document may have at most {MAX_BLOB} bytes")));
        }
        let _guard = self.lock.lock().await;
        let received = state_of(self, sha, upload_key)?.partial;
        if offset != received {
            return Err(BlobError::OffsetMismatch { expected: received, got: offset });
        }
        if offset + bytes.len() as u64 > total {
            return Err(BlobError::TooLarge("the chunk goes past the announced total".into()));
        }
        let partial = self.partial_path(sha, upload_key);
        let final_path = self.final_path(sha);
        let sha_owned = sha.to_string();
        tokio::task::spawn_blocking(move || -> Result<BlobStatus, BlobError> {
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&partial)?;
            f.write_all(&bytes)?;
            f.sync_data()?;
            let now = offset + bytes.len() as u64;
            if now < total {
                return Ok(BlobStatus::Partial(now));
            }
            // Complete: the name must be the hash of the bytes before anyone can read them.
            let mut f = std::fs::File::open(&partial)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            if hex::encode(hasher.finalize()) != sha_owned {
                std::fs::remove_file(&partial)?;
                return Err(BlobError::HashMismatch);
            }
            if final_path.exists() {
                // Proven by this uploader too; one copy is enough.
                std::fs::remove_file(&partial)?;
            } else {
                if let Some(dir) = final_path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::rename(&partial, &final_path)?;
            }
            Ok(BlobStatus::Complete(now))
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
    }

    async fn read(&self, sha: &str, start: u64, end: Option<u64>) -> Result<Option<(Vec<u8>, u64)>, BlobError> {
        if !valid_name(sha) {
            return Err(BlobError::BadName);
        }
        let path = self.final_path(sha);
        tokio::task::spawn_blocking(move || -> Result<Option<(Vec<u8>, u64)>, BlobError> {
            let mut f = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let total = f.metadata()?.len();
            let end = end.unwrap_or(total).min(total);
            let start = start.min(end);
            f.seek(SeekFrom::Start(start))?;
            let mut buf = vec![0u8; (end - start) as usize];
            f.read_exact(&mut buf)?;
            Ok(Some((buf, total)))
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
    }
}
