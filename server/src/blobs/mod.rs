//! Document bytes, addressed by SHA-256. Uploads arrive in chunks that continue from the
//! server's offset, so a cut connection resumes instead of starting over; the hash is checked
//! before a blob becomes visible; a blob already held is not uploaded again. The store is a
//! trait: the file system under the data dir (`fs.rs`, the default), or an S3-compatible
//! object store shared by several hub processes (`s3.rs`).
//!
//! Documents are sealed at rest (`sealed.rs`): a stolen disk or backup of the data dir shows
//! no scanned KTP, diploma or decree. A hub from before keeps serving its plain files until
//! `berkas-server encrypt` seals them.

mod fs;
mod s3;
mod sealed;

pub use fs::{documents, read_document, stored_len, FsBlobStore, SealReport};
pub use s3::{S3BlobStore, S3Config};

use async_trait::async_trait;

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
    #[error("the stored document {0} does not open under this hub's document key: it was changed, cut or sealed by another hub")]
    Sealed(String),
    /// The object store did not answer, or refused: the request may be tried again.
    #[error("the document store does not answer: {0}")]
    Unavailable(String),
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

/// What every store checks of an append before it reads anything: the name and the size.
fn check_append(sha: &str, total: u64) -> Result<(), BlobError> {
    if !valid_name(sha) {
        return Err(BlobError::BadName);
    }
    if total > MAX_BLOB {
        return Err(BlobError::TooLarge(format!("a document may have at most {MAX_BLOB} bytes")));
    }
    Ok(())
}

/// A chunk of `len` bytes at `offset` must continue the upload where it stands (`at`) and stay
/// within the announced `total`.
fn check_continues(at: u64, offset: u64, len: usize, total: u64) -> Result<(), BlobError> {
    if offset != at {
        return Err(BlobError::OffsetMismatch { expected: at, got: offset });
    }
    if offset + len as u64 > total {
        return Err(BlobError::TooLarge("the chunk goes past the announced total".into()));
    }
    Ok(())
}

pub fn valid_name(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests;
