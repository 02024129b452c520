//! The encrypted local store: one SQLCipher database per profile, opened with a raw 256-bit
//! key. Callers above `store` never see SQL. WAL, foreign keys, in-memory temp store (Android
//! needs it) and a busy timeout are set on every connection.

pub mod audit;
pub mod records;
pub mod refs;
pub(crate) mod replica;
pub mod schema;
pub mod search;
mod stamps;

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secrets::Secret;

pub(crate) use audit::AuditEntry;
pub(crate) use refs::RefCache;

/// The page cache of a profile's connection (negative: KiB), as SQLite's `cache_size` takes it.
pub(crate) const CACHE_KIB: i64 = -16000;

pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) refs: RefCache,
}

impl Store {
    /// Creates a new encrypted database; refuses if the file exists.
    pub fn create(path: &Path, key: &Secret) -> Result<Store> {
        if path.exists() {
            return Err(Error::ProfileExists(path.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::open_with(path, key, flags)
    }

    /// Opens an existing database; never creates one (a wrong path or key must not leave a new
    /// empty database behind).
    pub fn open(path: &Path, key: &Secret) -> Result<Store> {
        if !path.exists() {
            return Err(Error::DatabaseMissing(path.to_path_buf()));
        }
        Self::open_with(path, key, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
    }

    fn open_with(path: &Path, key: &Secret, flags: OpenFlags) -> Result<Store> {
        let mut conn = Connection::open_with_flags(path, flags)?;
        apply_key(&conn, key)?;
        // The first read decrypts page 1: a wrong key shows here as "not a database".
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
                return Err(Error::WrongKey)
            }
            Err(e) => return Err(e.into()),
        }
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = {CACHE_KIB};"
        ))?;
        // Twenty entity tables, each with several statements: the default cache of 16 would
        // re-parse SQL on every sync page and import batch.
        conn.set_prepared_statement_cache_capacity(256);
        schema::migrate_to(&mut conn, schema::LATEST)?;
        conn.execute_batch(search::UNIT_INDEX)?;
        Ok(Store { conn, refs: RefCache::default() })
    }

    /// SQLCipher's version, proving the build really encrypts.
    pub fn cipher_version(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))?)
    }
}

/// Applies a raw key (no passphrase derivation: the key is already random).
pub(crate) fn apply_key(conn: &Connection, key: &Secret) -> Result<()> {
    if key.expose().len() != 32 {
        return Err(Error::Secret(crate::secrets::SecretError::Corrupt("database key must be 32 bytes".into())));
    }
    let sql = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()));
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Current UTC time as stored in `changed_at` and the audit log.
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A fresh UUIDv7 as text.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
