//! Numbered migrations under `PRAGMA user_version`, one immediate transaction per step. A
//! database from a newer Berkas is refused, never "downgraded". Add a step by appending a file;
//! never edit a released one (the upgrade test compares a migrated DB with a fresh one).

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// SQL of each version, in order: index 0 brings version 0 to 1.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_records.sql"),
    include_str!("migrations/0002_refdata.sql"),
    include_str!("migrations/0003_search_audit.sql"),
    include_str!("migrations/0004_documents_completeness.sql"),
];

pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the schema to `target` (normally `LATEST`). Returns the version found.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(Error::SchemaTooNew {
            found,
            known: LATEST,
        });
    }
    for v in found..target.min(LATEST) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(MIGRATIONS[v as usize])?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
    if target >= LATEST && found < LATEST {
        after_upgrade(conn, found)?;
    }
    Ok(found)
}

/// Data work that SQL alone cannot do. It runs once the schema is the latest, so it may use
/// today's code; each part says from which older version it is needed.
fn after_upgrade(conn: &mut Connection, found: u32) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if found < 2 {
        super::refs::install_builtin(&tx)?;
    }
    if found < 4 {
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM pegawai")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            super::records::refresh_completeness(&tx, &id)?;
        }
    }
    tx.commit()?;
    Ok(())
}
