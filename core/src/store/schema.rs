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
    include_str!("migrations/0005_sync.sql"),
    include_str!("migrations/0006_document_store.sql"),
    include_str!("migrations/0007_usulan.sql"),
    include_str!("migrations/0008_verifikasi.sql"),
    include_str!("migrations/0009_sync_row_lean.sql"),
    include_str!("migrations/0010_sync_parked.sql"),
    include_str!("migrations/0011_ref_version.sql"),
    include_str!("migrations/0012_rekon.sql"),
    include_str!("migrations/0013_helpdesk.sql"),
    include_str!("migrations/0014_search_prefix3.sql"),
    include_str!("migrations/0015_presensi.sql"),
    include_str!("migrations/0016_aktivitas.sql"),
];

pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the schema to `target` (normally `LATEST`). Returns the version found.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(Error::SchemaTooNew { found, known: LATEST });
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
    // Built-in tables missing from this database (new ones ship with new versions).
    super::refs::install_builtin(&tx)?;
    if found < 4 {
        let ids: Vec<String> =
            tx.prepare("SELECT id FROM pegawai")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for id in ids {
            super::records::refresh_completeness(&tx, &id)?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Secret;

    fn open_raw(path: &std::path::Path, key: &Secret) -> Connection {
        let conn = Connection::open(path).expect("open");
        crate::store::apply_key(&conn, key).expect("key");
        conn.execute_batch("PRAGMA foreign_keys = ON;").expect("pragmas");
        conn
    }

    /// Schema as a comparable list: every object's type, name and normalised SQL.
    fn schema_of(conn: &Connection) -> Vec<(String, String, String)> {
        let mut st = conn
            .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
            .expect("prepare");
        st.query_map([], |r| {
            let sql: String = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, sql.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    #[test]
    fn upgrading_from_every_version_gives_the_fresh_schema_and_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = Secret::random_key().expect("key");
        let fresh_path = dir.path().join("fresh.db");
        let mut fresh = open_raw(&fresh_path, &key);
        migrate_to(&mut fresh, LATEST).expect("fresh");
        let want = schema_of(&fresh);
        assert_eq!(version(&fresh).expect("version"), LATEST);

        for start in 1..LATEST {
            let path = dir.path().join(format!("from-{start}.db"));
            let mut conn = open_raw(&path, &key);
            migrate_to(&mut conn, start).expect("old version");
            assert_eq!(version(&conn).expect("version"), start);
            // A record written by that version (these columns exist since version 1).
            conn.execute(
                "INSERT INTO pegawai (id, nip_baru, nama, changed_at, changed_by) VALUES ('p1', '198503122010011002', 'Siti Aminah', 't', 'u')",
                [],
            )
            .expect("insert");
            conn.execute(
                "INSERT INTO riwayat_golongan (id, pegawai_id, golongan_id, changed_at, changed_by) VALUES ('g1', 'p1', '32', 't', 'u')",
                [],
            )
            .expect("insert riwayat");
            drop(conn);

            let mut conn = open_raw(&path, &key);
            assert_eq!(migrate_to(&mut conn, LATEST).expect("upgrade"), start);
            assert_eq!(schema_of(&conn), want, "schema after upgrading from version {start}");
            let nama: String =
                conn.query_row("SELECT nama FROM pegawai WHERE id = 'p1'", [], |r| r.get(0)).expect("row kept");
            assert_eq!(nama, "Siti Aminah");
            let found: i64 = conn
                .query_row("SELECT count(*) FROM pegawai_fts WHERE pegawai_fts MATCH '\"siti\"*'", [], |r| r.get(0))
                .expect("fts");
            assert_eq!(found, 1, "rows from version {start} are searchable");
            let score: i64 =
                conn.query_row("SELECT completeness FROM pegawai WHERE id = 'p1'", [], |r| r.get(0)).expect("score");
            if start < 4 {
                // Versions before 4 had no score; from 4 on, the app stored it with the row.
                assert!(score > 0 && score < 100, "completeness computed for old rows, got {score}");
            }
            let builtin: i64 = conn
                .query_row("SELECT count(*) FROM ref_row WHERE tbl = 'golonganPns'", [], |r| r.get(0))
                .expect("refs");
            assert_eq!(builtin, 17);
        }
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = Secret::random_key().expect("key");
        let mut conn = open_raw(&dir.path().join("new.db"), &key);
        migrate_to(&mut conn, LATEST).expect("migrate");
        conn.pragma_update(None, "user_version", LATEST + 1).expect("bump");
        match migrate_to(&mut conn, LATEST) {
            Err(Error::SchemaTooNew { found, known }) => assert_eq!((found, known), (LATEST + 1, LATEST)),
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        assert_eq!(version(&conn).expect("version"), LATEST + 1);
    }

    #[test]
    fn entity_definitions_match_the_tables() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = Secret::random_key().expect("key");
        let mut conn = open_raw(&dir.path().join("x.db"), &key);
        migrate_to(&mut conn, LATEST).expect("migrate");
        for e in crate::model::Entity::ALL {
            let def = e.def();
            let mut st = conn.prepare(&format!("PRAGMA table_info({})", def.table)).expect("info");
            let cols: Vec<(String, String)> =
                st.query_map([], |r| Ok((r.get(1)?, r.get(2)?))).expect("q").collect::<Result<_, _>>().expect("cols");
            let system = ["seq", "id", "pegawai_id", "siasn_id", "changed_at", "changed_by", "completeness"];
            // Device-only columns of document metadata.
            let local = ["has_thumbnail", "created_at"];
            for (name, ty) in &cols {
                if system.contains(&name.as_str()) || (def.table == "dokumen" && local.contains(&name.as_str())) {
                    continue;
                }
                let f = def.field(name).unwrap_or_else(|| panic!("{}.{name} has no field definition", def.table));
                let want = if matches!(f.kind, crate::model::FieldKind::Int | crate::model::FieldKind::Bool) {
                    "INTEGER"
                } else {
                    "TEXT"
                };
                assert_eq!(ty, want, "{}.{name}", def.table);
            }
            for f in def.fields {
                assert!(cols.iter().any(|(n, _)| n == f.name), "{}.{} has no column", def.table, f.name);
            }
        }
    }
}
