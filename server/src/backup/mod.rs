//! Encrypted backups of a hub: its database and every document in one file, sealed with a
//! key from the administrator's passphrase (UU PDP: a backup holds all personal data and
//! leaves the server). Taken while the hub serves: the database is read as one moment of it
//! (`VACUUM INTO` on SQLite, `pg_dump` on PostgreSQL), and documents never change once stored.
//!
//! Inside the sealed stream (`sealed.rs`) entries follow each other, each
//! `kind u8 | name length u16 | name | size u64 | bytes`: the manifest (JSON) first, then the
//! database, then each document under its SHA-256 name, then an end entry whose size is the
//! count of entries before it (`archive.rs`).
//!
//! A restore goes into a hub that holds nothing yet, through a staging dir inside its data
//! dir; the database and documents are put in place only after every byte decrypted, every
//! document matched its hash and the database checked out. A wrong passphrase, a cut or
//! changed file, or a target that holds a hub is refused with nothing written.

mod archive;
mod bucket;
pub mod now;
mod postgres;
mod sealed;
mod sqlite;

use berkas_core::secrets::Secret;
use std::sync::Arc;

use crate::blobs::S3BlobStore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use archive::RemoveOnDrop;

pub const SQLITE: &str = "sqlite";
pub const POSTGRES: &str = "postgres";

/// Entries of the stream: a change of layout is a new `FORMAT`.
pub const FORMAT: u32 = 1;
/// A passphrase shorter than this is refused when a backup is made.
pub const MIN_PASSPHRASE: usize = 12;

/// The cost of deriving the key from the passphrase; stored in the file, so a reader follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCost {
    pub memory_kib: u32,
    pub passes: u32,
}

impl KeyCost {
    /// argon2id at 64 MiB and three passes: each guess at a stolen backup's passphrase costs
    /// about a second of a server's time.
    pub const STANDARD: KeyCost = KeyCost { memory_kib: 64 * 1024, passes: 3 };
    /// For tests only, where the key is derived many times.
    pub const LIGHT: KeyCost = KeyCost { memory_kib: 256, passes: 1 };
}

/// What a backup holds, written first inside it and given back by each operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub server_version: String,
    pub backend: String,
    /// The database's schema version (`store::schema`).
    pub schema_version: i64,
    pub database_bytes: u64,
    pub documents: u64,
    pub document_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the passphrase must have at least {MIN_PASSPHRASE} characters")]
    WeakPassphrase,
    #[error("{} already exists; a backup never overwrites a file", .0.display())]
    OutputExists(PathBuf),
    #[error("{} exists: a backup to this name is running, or was cut off; remove it once none runs", .0.display())]
    PartialExists(PathBuf),
    #[error("{} holds no hub database ({})", .0.display(), crate::DATABASE_FILE)]
    NoHub(PathBuf),
    #[error("the data dir {} already holds a hub's database or documents; restore into an empty data dir (nothing was changed)", .0.display())]
    TargetNotEmpty(PathBuf),
    #[error("the document {0} on disk does not match its hash; the disk may be failing (no backup was written)")]
    DocumentCorrupt(String),
    #[error("the document {0} is sealed and does not open under the document key given (the hub's key store?), or was changed on disk; no backup was written")]
    DocumentSealed(String),
    #[error("not a Berkas hub backup: {0}")]
    NotABackup(String),
    #[error("the passphrase does not open this backup (or its first MiB was changed or cut); nothing was written")]
    WrongPassphrase,
    #[error("the backup is damaged or cut short near byte {offset}; nothing was written")]
    Damaged { offset: u64 },
    #[error("the backup holds schema version {found}, but this berkas-server knows versions up to {known}: restore it with that release or a later one")]
    NewerSchema { found: i64, known: i64 },
    #[error("the restored database fails SQLite's integrity check: {0}")]
    Integrity(String),
    #[error("the PostgreSQL database already holds tables; restore into an empty database (nothing was changed)")]
    DatabaseNotEmpty,
    #[error("this is a backup of a hub on {backup}; it restores into a hub on {backup} only")]
    BackendMismatch { backup: String },
    #[error("database: {0}")]
    Database(String),
    #[error("the bucket {0} already holds documents; restore into an empty bucket (nothing was changed)")]
    BucketNotEmpty(String),
    #[error("the document bucket {0}")]
    Bucket(String),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// How a hub's data is kept at rest: the keys it is encrypted under, and the bucket of a hub
/// whose documents are in object storage. A backup holds plain copies, sealed with the
/// passphrase like everything in it, so that it restores without the old hub's keys; a
/// restore encrypts under the restoring hub's.
#[derive(Clone, Default)]
pub struct AtRestKeys {
    /// The SQLite database's (SQLCipher).
    pub database: Option<Secret>,
    /// The documents' (`blobs`).
    pub documents: Option<Secret>,
    /// The bucket the documents are in, instead of `DATA/blobs` (sealed under `documents`).
    pub bucket: Option<Arc<S3BlobStore>>,
}

/// Writes the backup of the hub in `data` (on SQLite there, or on PostgreSQL at `database`)
/// to `out`, which must not exist yet. The file appears under its name only once complete and
/// on disk.
pub async fn create(
    data: &Path,
    database: Option<&str>,
    out: &Path,
    passphrase: &str,
    cost: KeyCost,
) -> Result<Manifest, BackupError> {
    create_keyed(data, database, out, passphrase, cost, AtRestKeys::default()).await
}

/// [`create`] for a hub encrypted at rest under `keys`.
pub async fn create_keyed(
    data: &Path,
    database: Option<&str>,
    out: &Path,
    passphrase: &str,
    cost: KeyCost,
    keys: AtRestKeys,
) -> Result<Manifest, BackupError> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(BackupError::WeakPassphrase);
    }
    if out.exists() {
        return Err(BackupError::OutputExists(out.to_path_buf()));
    }
    let copy = match database {
        None => {
            let data = data.to_path_buf();
            let key = keys.database.clone();
            blocking(move || sqlite::copy(&data, key.as_ref())).await?
        }
        Some(url) => postgres::copy(data, url).await?,
    };
    let source = bucket::DocSource::of(data, keys.bucket.as_ref());
    let (out, passphrase) = (out.to_path_buf(), passphrase.to_string());
    blocking(move || archive::write(&copy, &source, &out, &passphrase, cost, keys.documents.as_ref())).await
}

/// Decrypts the whole backup and checks its structure and every document's hash; writes
/// nothing.
pub async fn verify(file: &Path, passphrase: &str) -> Result<Manifest, BackupError> {
    let (file, passphrase) = (file.to_path_buf(), passphrase.to_string());
    blocking(move || archive::read(&file, &passphrase, None, None)).await
}

/// Restores the backup into the hub at `data` (and `database`, for a hub on PostgreSQL),
/// which must hold no records and no documents yet.
pub async fn restore(
    file: &Path,
    data: &Path,
    database: Option<&str>,
    passphrase: &str,
) -> Result<Manifest, BackupError> {
    restore_keyed(file, data, database, passphrase, AtRestKeys::default()).await
}

/// [`restore`] into a hub to be encrypted at rest under `keys`.
pub async fn restore_keyed(
    file: &Path,
    data: &Path,
    database: Option<&str>,
    passphrase: &str,
    keys: AtRestKeys,
) -> Result<Manifest, BackupError> {
    let (file, data, passphrase) = (file.to_path_buf(), data.to_path_buf(), passphrase.to_string());
    let manifest = {
        let (file, passphrase) = (file.clone(), passphrase.clone());
        blocking(move || archive::manifest(&file, &passphrase)).await?
    };
    let target = if database.is_some() { POSTGRES } else { SQLITE };
    if manifest.backend != target {
        return Err(BackupError::BackendMismatch { backup: manifest.backend });
    }
    match database {
        None if database_path(&data).exists() => return Err(BackupError::TargetNotEmpty(data)),
        None => {}
        Some(url) => postgres::check_empty(url).await?,
    }
    if let Some(b) = &keys.bucket {
        bucket::check_empty(b).await?;
    }
    let staging = {
        let (data, documents_key) = (data.clone(), keys.documents.clone());
        blocking(move || {
            if archive::has_documents(&data)? {
                return Err(BackupError::TargetNotEmpty(data));
            }
            std::fs::create_dir_all(&data).map_err(|e| archive::at(&data, e))?;
            let staging = RemoveOnDrop(data.join(format!(".restore-{}", archive::random_hex()?)));
            std::fs::create_dir(&staging.0)?;
            archive::read(&file, &passphrase, Some(&staging.0), documents_key.as_ref())?;
            Ok(staging)
        })
        .await?
    };
    // Documents into the bucket first: taken back if the database does not go in.
    let put = match &keys.bucket {
        Some(b) => bucket::install(&staging.0, b).await?,
        None => Vec::new(),
    };
    let installed = match database {
        None => {
            let m = manifest.clone();
            let key = keys.database.clone();
            blocking(move || sqlite::install(&staging.0, &data, &m, key.as_ref())).await
        }
        Some(url) => postgres::install(&staging.0, &data, url, &manifest).await,
    };
    if let (Err(_), Some(b)) = (&installed, &keys.bucket) {
        bucket::remove(b, &put).await;
    }
    installed.map(|()| manifest)
}

/// Runs file and database work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| BackupError::Io(std::io::Error::other(e.to_string())))?
}

/// Where a hub on SQLite keeps its database and documents.
fn database_path(data: &Path) -> PathBuf {
    data.join(crate::DATABASE_FILE)
}

fn blobs_path(data: &Path) -> PathBuf {
    data.join(crate::BLOBS_DIR)
}

#[cfg(test)]
mod tests;
