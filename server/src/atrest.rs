//! The hub's database encrypted at rest: a hub on the embedded SQLite keeps everyone's NIK,
//! address, health and disciplinary records, so its file is SQLCipher with a random 256-bit
//! key, as a device's is. The key lives in a secret store chosen by the operator (the OS
//! keyring, a key file, or an environment variable: core's `SecretStore`), never in the
//! database's folder unless the operator puts the key file there.
//!
//! A new hub is created encrypted. A hub from before is served as it is, with a warning, until
//! `berkas-server encrypt` migrates it in place (once: it refuses an encrypted one);
//! `berkas-server rekey` rotates the key, keeping the new key under a second name until the
//! database has taken it, so a crash between the two loses nothing.
//!
//! Documents are sealed under a second key in the same store (`HubKeys::documents_key`, used
//! by `blobs`, for hubs on SQLite and on PostgreSQL alike); `encrypt` seals a hub's plain ones
//! and `rekey` rotates that key too.

use berkas_core::secrets::{FileSecretStore, Secret, SecretStore, SecretStoreKind};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

/// The secret's name in the store.
const KEY_NAME: &str = "berkas-hub/db-key";
/// A rotation's new key until the database has taken it.
const NEXT_KEY_NAME: &str = "berkas-hub/db-key-next";
/// The key documents are sealed under (`blobs`), and a rotation's new one.
const DOCUMENT_KEY_NAME: &str = "berkas-hub/document-key";
const NEXT_DOCUMENT_KEY_NAME: &str = "berkas-hub/document-key-next";
/// The bucket whose documents are sealed under the document key, when they are in one.
const DOCUMENT_BUCKET_NAME: &str = "berkas-hub/document-bucket";
/// Where the file store keeps keys when no `--key-file` is given.
pub const DEFAULT_KEY_FILE: &str = "hub-key.json";

/// Where a hub's key is kept.
pub struct HubKeys {
    store: Arc<dyn SecretStore>,
}

/// Why the database could not be opened, or a migration refused.
#[derive(Debug, thiserror::Error)]
pub enum AtRestError {
    #[error("{0}")]
    Refused(String),
    #[error("the hub's key store: {0}")]
    Secret(#[from] berkas_core::secrets::SecretError),
    #[error("the hub's database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl HubKeys {
    /// The store of `kind`: a key file (`key_file`, default `DATA/hub-key.json`), the
    /// environment (`BERKAS_SECRET_...`, read-only), or the OS keyring.
    pub fn open(kind: SecretStoreKind, key_file: Option<&Path>, data: &Path) -> Result<HubKeys, AtRestError> {
        let store: Arc<dyn SecretStore> = match kind {
            SecretStoreKind::File => Arc::new(FileSecretStore::new(
                key_file.map(Path::to_path_buf).unwrap_or_else(|| data.join(DEFAULT_KEY_FILE)),
            )),
            other => other.open(data)?,
        };
        Ok(HubKeys { store })
    }

    /// Keys in a given store (tests, and hubs embedding their own).
    pub fn with_store(store: Arc<dyn SecretStore>) -> HubKeys {
        HubKeys { store }
    }

    pub fn describe(&self) -> String {
        self.store.describe()
    }

    pub fn current(&self) -> Result<Option<Secret>, AtRestError> {
        Ok(self.store.get(KEY_NAME)?)
    }

    /// The key, made and stored now if there is none (a new hub).
    pub fn current_or_new(&self) -> Result<Secret, AtRestError> {
        if let Some(k) = self.current()? {
            return Ok(k);
        }
        let key = Secret::random_key()?;
        self.store.put(KEY_NAME, &key)?;
        // Read back: a store that silently forgets would lose every record.
        match self.store.get(KEY_NAME)? {
            Some(k) if k.expose() == key.expose() => Ok(key),
            _ => Err(AtRestError::Refused(format!("the key store did not keep the hub's key ({})", self.describe()))),
        }
    }
}

impl HubKeys {
    /// The key the hub's documents are sealed under, made and stored now if there is none.
    /// Refused while a rotation is unfinished: some documents would not open.
    pub fn documents_key(&self) -> Result<Secret, AtRestError> {
        if self.store.get(NEXT_DOCUMENT_KEY_NAME)?.is_some() {
            return Err(AtRestError::Refused(
                "a rotation of the document key was cut off; run berkas-server rekey again to finish it".into(),
            ));
        }
        if let Some(k) = self.store.get(DOCUMENT_KEY_NAME)? {
            return Ok(k);
        }
        let key = Secret::random_key()?;
        self.store.put(DOCUMENT_KEY_NAME, &key)?;
        match self.store.get(DOCUMENT_KEY_NAME)? {
            Some(k) if k.expose() == key.expose() => Ok(key),
            _ => {
                Err(AtRestError::Refused(format!("the key store did not keep the document key ({})", self.describe())))
            }
        }
    }

    /// Records that the documents sealed under the document key are in `bucket`: a rotation
    /// run from a data dir alone must not leave them unopenable. A read-only store (env) keeps
    /// nothing, and its key cannot be rotated here anyway.
    pub fn bind_bucket(&self, bucket: &str) {
        let _ = self.store.put(DOCUMENT_BUCKET_NAME, &Secret::new(bucket.as_bytes().to_vec()));
    }

    /// Refused when the documents are in a bucket: their key cannot be rotated here.
    fn refuse_if_in_bucket(&self) -> Result<(), AtRestError> {
        match self.store.get(DOCUMENT_BUCKET_NAME)? {
            None => Ok(()),
            Some(bucket) => Err(AtRestError::Refused(format!(
                "the documents are in the S3 bucket {}, sealed under this document key; rotating it there is not \
                 supported yet, so nothing was changed",
                String::from_utf8_lossy(bucket.expose())
            ))),
        }
    }

    /// Re-seals every document under a new key. The new key is kept under a second name first;
    /// a rotation cut off is finished by running this again (each document opens under one of
    /// the two). The hub must be stopped. Returns how many documents were re-sealed.
    pub fn rotate_documents(&self, blobs_root: &Path) -> Result<u64, AtRestError> {
        self.refuse_if_in_bucket()?;
        let old = match self.store.get(DOCUMENT_KEY_NAME)? {
            Some(k) => k,
            None => return Ok(0),
        };
        let new = match self.store.get(NEXT_DOCUMENT_KEY_NAME)? {
            Some(k) => k,
            None => {
                let k = Secret::random_key()?;
                self.store.put(NEXT_DOCUMENT_KEY_NAME, &k)?;
                k
            }
        };
        let store = crate::blobs::FsBlobStore::sealed(blobs_root, old)?;
        let n = store.reseal_all(&new).map_err(|e| AtRestError::Refused(e.to_string()))?;
        self.store.put(DOCUMENT_KEY_NAME, &new)?;
        self.store.delete(NEXT_DOCUMENT_KEY_NAME)?;
        Ok(n)
    }
}

/// `PRAGMA key` with a raw 256-bit key: before anything reads the file, every page is
/// encrypted under it. The one place the hub keys a connection.
pub fn apply_key(conn: &Connection, key: &Secret) -> rusqlite::Result<()> {
    let sql = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()));
    conn.execute_batch(&sql)
}

/// Whether a database file opens without a key (a hub from before encryption).
pub fn is_plain(path: &Path) -> Result<bool, AtRestError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok())
}

/// Whether `key` opens the database file.
pub fn opens_with(path: &Path, key: &Secret) -> Result<bool, AtRestError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    apply_key(&conn, key)?;
    Ok(conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok())
}

/// The key the hub's database at `path` opens with: `None` for a plain database (served as it
/// is until encrypted), a new key for a new hub. A rotation cut after the database took its new
/// key is finished here.
pub fn key_for(path: &Path, keys: &HubKeys) -> Result<Option<Secret>, AtRestError> {
    if !path.exists() {
        return Ok(Some(keys.current_or_new()?));
    }
    if is_plain(path)? {
        return Ok(None);
    }
    if let Some(k) = keys.current()? {
        if opens_with(path, &k)? {
            return Ok(Some(k));
        }
    }
    if let Some(next) = keys.store.get(NEXT_KEY_NAME)? {
        if opens_with(path, &next)? {
            keys.store.put(KEY_NAME, &next)?;
            keys.store.delete(NEXT_KEY_NAME)?;
            return Ok(Some(next));
        }
    }
    Err(AtRestError::Refused(format!(
        "the hub's database is encrypted and no key in {} opens it; start the hub with the key store it was \
         encrypted with (--key-store, --key-file)",
        keys.describe()
    )))
}

/// Rows per table, to compare a database with its encrypted copy.
fn counts(conn: &Connection) -> Result<Vec<(String, i64)>, AtRestError> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        let n: i64 =
            conn.query_row(&format!("SELECT count(*) FROM \"{}\"", t.replace('"', "\"\"")), [], |r| r.get(0))?;
        out.push((t, n));
    }
    Ok(out)
}

/// Copies the database `conn` reads into `target` (which must not exist) under `key` (`None`:
/// a plain copy), with its schema version, in one read transaction; returns its row counts.
pub fn export(conn: &Connection, target: &Path, key: Option<&Secret>) -> Result<Vec<(String, i64)>, AtRestError> {
    let target_str = target.to_str().ok_or_else(|| AtRestError::Refused("the path is not UTF-8".into()))?;
    let hex = Zeroizing::new(key.map(|k| k.to_hex().as_str().to_string()).unwrap_or_default());
    let key_sql = Zeroizing::new(if key.is_some() { format!("x'{}'", hex.as_str()) } else { String::new() });
    conn.execute("ATTACH DATABASE ?1 AS berkas_export KEY ?2", rusqlite::params![target_str, key_sql.as_str()])?;
    let exported = (|| {
        conn.execute_batch("BEGIN")?;
        conn.query_row("SELECT sqlcipher_export('berkas_export')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA berkas_export.user_version = {version}"))?;
        let c = counts(conn)?;
        conn.execute_batch("COMMIT")?;
        Ok::<_, AtRestError>(c)
    })();
    if exported.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn.execute_batch("DETACH DATABASE berkas_export")?;
    exported
}

fn side_files(db: &Path) -> [PathBuf; 2] {
    let s = db.as_os_str().to_string_lossy();
    [PathBuf::from(format!("{s}-wal")), PathBuf::from(format!("{s}-shm"))]
}

/// Encrypts a plain hub database in place: the copy is made under a new key, checked table by
/// table against the original, and only then put in the original's place. Refuses a database
/// that is already encrypted. The hub must be stopped.
pub fn encrypt(db: &Path, keys: &HubKeys) -> Result<Vec<(String, i64)>, AtRestError> {
    if !db.exists() {
        return Err(AtRestError::Refused(format!("no hub database at {}", db.display())));
    }
    if !is_plain(db)? {
        return Err(AtRestError::Refused(format!(
            "{} is already encrypted; nothing was changed (to change its key: berkas-server rekey)",
            db.display()
        )));
    }
    let key = keys.current_or_new()?;
    let staged = db.with_extension("db.encrypting");
    if staged.exists() {
        std::fs::remove_file(&staged)?;
    }
    let conn = Connection::open(db)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE);")?;
    let expected = export(&conn, &staged, Some(&key))?;
    drop(conn);
    let copy = Connection::open(&staged)?;
    apply_key(&copy, &key)?;
    let got = counts(&copy)?;
    let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    drop(copy);
    if got != expected || check != "ok" {
        let _ = std::fs::remove_file(&staged);
        return Err(AtRestError::Refused(format!(
            "the encrypted copy does not match the database ({check}); nothing was changed"
        )));
    }
    std::fs::File::open(&staged)?.sync_all()?;
    for f in side_files(db) {
        if f.exists() {
            std::fs::remove_file(f)?;
        }
    }
    std::fs::rename(&staged, db)?;
    if let Some(dir) = db.parent() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(got)
}

/// Gives the encrypted hub database a new key. The new key is kept under a second name first,
/// so a crash before the store's key is replaced is finished at the next start.
pub fn rekey(db: &Path, keys: &HubKeys) -> Result<(), AtRestError> {
    let Some(old) = key_for(db, keys)? else {
        return Err(AtRestError::Refused(format!(
            "{} is not encrypted yet; run berkas-server encrypt first",
            db.display()
        )));
    };
    let new = Secret::random_key()?;
    keys.store.put(NEXT_KEY_NAME, &new)?;
    let conn = Connection::open(db)?;
    apply_key(&conn, &old)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000;")?;
    let sql = Zeroizing::new(format!("PRAGMA rekey = \"x'{}'\";", new.to_hex().as_str()));
    conn.execute_batch(&sql)?;
    drop(conn);
    if !opens_with(db, &new)? {
        return Err(AtRestError::Refused("the database did not take the new key; the old one still opens it".into()));
    }
    keys.store.put(KEY_NAME, &new)?;
    keys.store.delete(NEXT_KEY_NAME)?;
    Ok(())
}

/// What `berkas-server encrypt` did to a hub's data dir.
#[derive(Debug, Clone, Default)]
pub struct EncryptReport {
    /// Tables and rows of the SQLite database encrypted now (none: it was already, or the hub
    /// is on PostgreSQL).
    pub tables: Vec<(String, i64)>,
    pub documents: crate::blobs::SealReport,
}

/// Encrypts what of the hub in `data` is still plain: its SQLite database and its documents.
/// Refuses when everything is encrypted already. The hub must be stopped.
pub fn encrypt_hub(data: &Path, keys: &HubKeys) -> Result<EncryptReport, AtRestError> {
    let db = data.join(crate::DATABASE_FILE);
    let blobs = data.join(crate::BLOBS_DIR);
    if !db.exists() && !blobs.exists() {
        return Err(AtRestError::Refused(format!("no hub in {}", data.display())));
    }
    let mut report = EncryptReport::default();
    if db.exists() && is_plain(&db)? {
        report.tables = encrypt(&db, keys)?;
    }
    let store = crate::blobs::FsBlobStore::sealed(&blobs, keys.documents_key()?)?;
    report.documents = store.seal_existing().map_err(|e| AtRestError::Refused(e.to_string()))?;
    if report.tables.is_empty() && report.documents.sealed == 0 && report.documents.partials_removed == 0 {
        return Err(AtRestError::Refused(format!(
            "the hub in {} is already encrypted; nothing was changed (to change its keys: berkas-server rekey)",
            data.display()
        )));
    }
    Ok(report)
}

/// Gives the hub in `data` new keys: its SQLite database's (when it has one) and its
/// documents'. Returns how many documents were re-sealed. The hub must be stopped.
pub fn rekey_hub(data: &Path, keys: &HubKeys) -> Result<u64, AtRestError> {
    keys.refuse_if_in_bucket()?;
    let db = data.join(crate::DATABASE_FILE);
    if db.exists() {
        rekey(&db, keys)?;
    }
    keys.rotate_documents(&data.join(crate::BLOBS_DIR))
}
