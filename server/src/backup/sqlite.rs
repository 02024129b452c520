//! The embedded SQLite's side of a backup: a consistent copy of the live file, and a restored
//! one checked and put in place.

use berkas_core::secrets::Secret;
use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::path::Path;

use super::archive::{at, install_documents, random_hex, sync_dir, DatabaseCopy, RemoveOnDrop};
use super::{database_path, BackupError, Manifest, SQLITE};

/// A copy of the database as one moment of it (`VACUUM INTO` reads in one transaction while
/// the hub goes on writing), beside the live file: the same protection as the original.
pub(super) fn copy(data: &Path, key: Option<&Secret>) -> Result<DatabaseCopy, BackupError> {
    let db = database_path(data);
    if !db.is_file() {
        return Err(BackupError::NoHub(data.to_path_buf()));
    }
    let file = RemoveOnDrop(data.join(format!(".backup-{}.db", random_hex()?)));
    let target = file.0.to_str().ok_or_else(|| at(&file.0, std::io::Error::other("the path is not UTF-8")))?;
    // CREATE lets an encrypted hub's plain copy be attached; the live file exists (checked above).
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    if let Some(key) = key {
        crate::atrest::apply_key(&conn, key)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // The copy lives only until it is sealed into the backup, which is synced itself: syncing
    // the copy too (VACUUM INTO follows this connection's setting) took half its time. This
    // connection writes nothing to the live file.
    conn.pragma_update(None, "synchronous", "OFF")?;
    match key {
        // An encrypted hub: a plain copy in one read transaction, sealed into the backup.
        Some(_) => {
            crate::atrest::export(&conn, &file.0, None).map_err(|e| BackupError::Database(e.to_string()))?;
        }
        None => {
            conn.execute("VACUUM INTO ?1", [target])?;
        }
    }
    // One self-contained file: the copy carries the original's WAL mode, which would want
    // side files beside it when opened again.
    let copy = Connection::open_with_flags(&file.0, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    let schema_version = copy.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(DatabaseCopy { file, backend: SQLITE, schema_version })
}

/// Checks the staged database (SQLite's integrity check, the manifest's schema version), then
/// moves the documents and the database into `data`: documents first, so a hub never starts
/// on records whose files are missing.
pub(super) fn install(
    staging: &Path,
    data: &Path,
    manifest: &Manifest,
    key: Option<&Secret>,
) -> Result<(), BackupError> {
    let mut db = staging.join(crate::DATABASE_FILE);
    {
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(BackupError::Integrity(check));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != manifest.schema_version {
            return Err(BackupError::Integrity(format!(
                "schema version {version}, but its manifest says {}",
                manifest.schema_version
            )));
        }
    }
    if let Some(key) = key {
        // Encrypted at rest under the restoring hub's key before it takes its place.
        let sealed = staging.join("encrypted.db");
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
        crate::atrest::export(&conn, &sealed, Some(key)).map_err(|e| BackupError::Database(e.to_string()))?;
        drop(conn);
        db = sealed;
    }
    install_documents(staging, data)?;
    fs::rename(&db, database_path(data))?;
    sync_dir(data)
}
