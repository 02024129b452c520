//! Reference tables in the database, and the in-memory index that validation checks codes
//! against. Importing a table replaces it whole, in one transaction.

use rusqlite::{params, Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::refdata::{builtin_tables, ParsedTable};

/// Installs built-in tables that are not present yet (an imported table is never overwritten).
pub(crate) fn install_builtin(conn: &Connection) -> Result<()> {
    for t in builtin_tables() {
        let exists: Option<String> =
            conn.query_row("SELECT source FROM ref_table WHERE name = ?1", [&t.name], |r| r.get(0)).optional()?;
        if exists.is_none() {
            replace_table(conn, &t, "builtin")?;
        }
    }
    Ok(())
}

/// Replaces a table's rows with the parsed ones. Call inside a transaction.
pub(crate) fn replace_table(conn: &Connection, t: &ParsedTable, source: &str) -> Result<()> {
    conn.execute("DELETE FROM ref_row WHERE tbl = ?1", [&t.name])?;
    let mut ins = conn.prepare_cached("INSERT INTO ref_row (tbl, id, nama, attrs) VALUES (?1, ?2, ?3, ?4)")?;
    for row in &t.rows {
        let attrs =
            if row.attrs.is_empty() { None } else { Some(serde_json::Value::Object(row.attrs.clone()).to_string()) };
        ins.execute(params![t.name, row.id, row.nama, attrs])?;
    }
    conn.execute(
        "INSERT OR REPLACE INTO ref_table (name, source, imported_at, rows_in_file, row_count, problems)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![t.name, source, super::now(), t.rows_in_file as i64, t.rows.len() as i64, t.problems.len() as i64],
    )?;
    Ok(())
}

/// Summary of a loaded table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RefTableInfo {
    pub name: String,
    pub source: String,
    pub imported_at: String,
    pub rows_in_file: i64,
    pub row_count: i64,
    pub problems: i64,
}

pub(crate) fn list_tables(conn: &Connection) -> Result<Vec<RefTableInfo>> {
    let mut st = conn
        .prepare("SELECT name, source, imported_at, rows_in_file, row_count, problems FROM ref_table ORDER BY name")?;
    let rows = st
        .query_map([], |r| {
            Ok(RefTableInfo {
                name: r.get(0)?,
                source: r.get(1)?,
                imported_at: r.get(2)?,
                rows_in_file: r.get(3)?,
                row_count: r.get(4)?,
                problems: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn lookup_name(conn: &Connection, table: &str, id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT nama FROM ref_row WHERE tbl = ?1 AND id = ?2", [table, id], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

/// Loaded code sets, per table, filled on first use and dropped when a table is imported.
#[derive(Default)]
pub struct RefCache {
    tables: RefCell<HashMap<String, Option<HashSet<String>>>>,
}

/// Outcome of checking one code.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RefCheck {
    Known,
    Unknown,
    /// None of the tables is loaded: the code cannot be checked here.
    NotLoaded,
}

impl RefCache {
    pub(crate) fn invalidate(&self) {
        self.tables.borrow_mut().clear();
    }

    /// Checks `code` against `tables` (alternatives separated by `|`).
    pub(crate) fn check(&self, conn: &Connection, tables: &str, code: &str) -> Result<RefCheck> {
        let mut any_loaded = false;
        for table in tables.split('|') {
            let mut cache = self.tables.borrow_mut();
            if !cache.contains_key(table) {
                let loaded: Option<i64> = conn
                    .query_row("SELECT row_count FROM ref_table WHERE name = ?1", [table], |r| r.get(0))
                    .optional()?;
                let set = match loaded {
                    None => None,
                    Some(_) => {
                        let mut st = conn.prepare("SELECT id FROM ref_row WHERE tbl = ?1")?;
                        let ids =
                            st.query_map([table], |r| r.get::<_, String>(0))?.collect::<Result<HashSet<_>, _>>()?;
                        Some(ids)
                    }
                };
                cache.insert(table.to_string(), set);
            }
            if let Some(Some(set)) = cache.get(table) {
                any_loaded = true;
                if set.contains(code) {
                    return Ok(RefCheck::Known);
                }
            }
        }
        Ok(if any_loaded { RefCheck::Unknown } else { RefCheck::NotLoaded })
    }
}
