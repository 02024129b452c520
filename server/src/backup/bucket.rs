//! Where a backup reads documents from and a restore puts them: the hub's `DATA/blobs`, or the
//! S3 bucket several hub processes share (`blobs::S3BlobStore`). A backup of a hub on a bucket
//! is `pg_dump` and every document of the bucket in the one sealed file, made by the same
//! command; its restore checks the whole file into a staging dir first, then puts the
//! documents into an empty bucket and the database into an empty PostgreSQL.

use berkas_core::secrets::Secret;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::archive::Document;
use super::BackupError;
use crate::blobs::{self, BlobError, BlobStore, S3BlobStore};

/// Where a backup's documents are read from.
pub(super) enum DocSource {
    Dir(PathBuf),
    /// The bucket, and the runtime its client runs on (the backup reads on its own threads).
    Bucket(Arc<S3BlobStore>, tokio::runtime::Handle),
}

fn bucket_error(bucket: &S3BlobStore, e: BlobError) -> BackupError {
    match e {
        BlobError::Sealed(sha) => BackupError::DocumentSealed(sha),
        other => BackupError::Bucket(format!("{}: {other}", bucket.bucket())),
    }
}

impl DocSource {
    /// The documents of the hub at `data`, or of `bucket`. Called on the runtime.
    pub(super) fn of(data: &Path, bucket: Option<&Arc<S3BlobStore>>) -> DocSource {
        match bucket {
            Some(b) => DocSource::Bucket(b.clone(), tokio::runtime::Handle::current()),
            None => DocSource::Dir(super::blobs_path(data)),
        }
    }

    pub(super) fn list(&self) -> Result<Vec<Document>, BackupError> {
        match self {
            DocSource::Dir(root) => super::archive::list_documents(root),
            DocSource::Bucket(b, rt) => Ok(rt
                .block_on(b.documents())
                .map_err(|e| bucket_error(b, e))?
                .into_iter()
                .map(|(sha256, size)| Document { sha256, size, path: PathBuf::new() })
                .collect()),
        }
    }

    /// Plain bytes `at..at + n` of the document `doc`.
    pub(super) fn read(&self, key: Option<&Secret>, doc: &Document, at: u64, n: u64) -> Result<Vec<u8>, BackupError> {
        let got = match self {
            DocSource::Dir(_) => blobs::read_document(key, &doc.sha256, &doc.path, at, Some(at + n)),
            DocSource::Bucket(b, rt) => match rt.block_on(b.read(&doc.sha256, at, Some(at + n))) {
                Err(e @ BlobError::Unavailable(_)) => return Err(bucket_error(b, e)),
                other => other,
            },
        };
        match got {
            Ok(Some((bytes, _))) if bytes.len() as u64 == n => Ok(bytes),
            Err(BlobError::Sealed(_)) => Err(BackupError::DocumentSealed(doc.sha256.clone())),
            Ok(_) | Err(_) => Err(BackupError::DocumentCorrupt(doc.sha256.clone())),
        }
    }
}

/// Refused unless the bucket holds no document yet.
pub(super) async fn check_empty(bucket: &S3BlobStore) -> Result<(), BackupError> {
    match bucket.holds_documents().await {
        Ok(false) => Ok(()),
        Ok(true) => Err(BackupError::BucketNotEmpty(bucket.bucket().to_string())),
        Err(e) => Err(bucket_error(bucket, e)),
    }
}

/// Puts the staged documents (sealed under the bucket's key, each checked against its name
/// already) into the bucket and takes them out of the staging dir; the names put, for
/// [`remove`] when a later step fails.
pub(super) async fn install(staging: &Path, bucket: &S3BlobStore) -> Result<Vec<String>, BackupError> {
    let root = staging.join(crate::BLOBS_DIR);
    let staged = {
        let root = root.clone();
        tokio::task::spawn_blocking(move || blobs::documents(&root))
            .await
            .map_err(|e| BackupError::Io(std::io::Error::other(e.to_string())))??
    };
    let mut put = Vec::with_capacity(staged.len());
    for (sha, path) in staged {
        if let Err(e) = bucket.put_sealed_file(&sha, &path).await {
            remove(bucket, &put).await;
            return Err(bucket_error(bucket, e));
        }
        put.push(sha);
    }
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    Ok(put)
}

/// Takes back what [`install`] put (best effort: the restore's error is what matters).
pub(super) async fn remove(bucket: &S3BlobStore, shas: &[String]) {
    for sha in shas {
        let _ = bucket.remove_document(sha).await;
    }
}
