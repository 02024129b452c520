//! Reference tables in the database, and the in-memory index that validation checks codes
//! against. Importing a table replaces it whole, in one transaction.

use rusqlite::{params, Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::refdata::{builtin_tables, CodeCheck, Codes, ParsedTable};

/// Installs built-in tables that are not present yet (an imported table is never overwritten).
pub(crate) fn install_builtin(conn: &Connection) -> Result<()> {
    for t in builtin_tables() {
        let exists: Option<String> =
            conn.query_row("SELECT source FROM ref_table WHERE name = ?1", [&t.name], |r| r.get(0)).optional()?;
        if exists.is_none() {
            replace_table(conn, &t, "builtin", None)?;
        }
    }
    Ok(())
}

/// Replaces a table's rows with the parsed ones; `version` is the hub's for a pulled table.
/// Call inside a transaction.
pub(crate) fn replace_table(conn: &Connection, t: &ParsedTable, source: &str, version: Option<&str>) -> Result<()> {
    conn.execute("DELETE FROM ref_row WHERE tbl = ?1", [&t.name])?;
    let mut ins = conn.prepare_cached("INSERT INTO ref_row (tbl, id, nama, attrs) VALUES (?1, ?2, ?3, ?4)")?;
    for row in &t.rows {
        let attrs =
            if row.attrs.is_empty() { None } else { Some(serde_json::Value::Object(row.attrs.clone()).to_string()) };
        ins.execute(params![t.name, row.id, row.nama, attrs])?;
    }
    conn.execute(
        "INSERT OR REPLACE INTO ref_table (name, source, imported_at, rows_in_file, row_count, problems, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            t.name,
            source,
            super::now(),
            t.rows_in_file as i64,
            t.rows.len() as i64,
            t.problems.len() as i64,
            version
        ],
    )?;
    Ok(())
}

/// The hub version each table here was pulled at (none for built-in or imported ones).
pub(crate) fn versions(conn: &Connection) -> Result<std::collections::BTreeMap<String, Option<String>>> {
    let mut st = conn.prepare("SELECT name, version FROM ref_table")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
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
    /// The hub's version of a pulled table.
    pub version: Option<String>,
}

pub(crate) fn list_tables(conn: &Connection) -> Result<Vec<RefTableInfo>> {
    let mut st = conn.prepare(
        "SELECT name, source, imported_at, rows_in_file, row_count, problems, version FROM ref_table ORDER BY name",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(RefTableInfo {
                name: r.get(0)?,
                source: r.get(1)?,
                imported_at: r.get(2)?,
                rows_in_file: r.get(3)?,
                row_count: r.get(4)?,
                problems: r.get(5)?,
                version: r.get(6)?,
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

impl RefCache {
    pub(crate) fn invalidate(&self) {
        self.tables.borrow_mut().clear();
    }

    /// Loads the code sets of `tables` (alternatives separated by `|`) that are not in memory.
    pub(crate) fn load(&self, conn: &Connection, tables: &str) -> Result<()> {
        for table in tables.split('|') {
            if self.tables.borrow().contains_key(table) {
                continue;
            }
            let loaded: Option<i64> =
                conn.query_row("SELECT row_count FROM ref_table WHERE name = ?1", [table], |r| r.get(0)).optional()?;
            let set = match loaded {
                None => None,
                Some(_) => {
                    let mut st = conn.prepare("SELECT id FROM ref_row WHERE tbl = ?1")?;
                    let ids = st.query_map([table], |r| r.get::<_, String>(0))?.collect::<Result<HashSet<_>, _>>()?;
                    Some(ids)
                }
            };
            self.tables.borrow_mut().insert(table.to_string(), set);
        }
        Ok(())
    }

    /// The code sets in memory, for `model::accept_value` (load the tables first).
    pub(crate) fn view(&self) -> RefView<'_> {
        RefView(self.tables.borrow())
    }

    /// Checks `code` against `tables` (alternatives separated by `|`).
    pub(crate) fn check(&self, conn: &Connection, tables: &str, code: &str) -> Result<CodeCheck> {
        self.load(conn, tables)?;
        Ok(self.view().check(tables, code))
    }
}

/// The device's loaded code sets, as the one validation reads them.
pub(crate) struct RefView<'a>(std::cell::Ref<'a, HashMap<String, Option<HashSet<String>>>>);

impl Codes for RefView<'_> {
    fn check(&self, tables: &str, code: &str) -> CodeCheck {
        crate::refdata::check_alternatives(tables, code, |t| self.0.get(t).and_then(Option::as_ref))
    }
}

/// Code names from this device's reference tables, for `display::show_value`; each table's
/// presence and each code looked up once per instance (one record's display).
pub(crate) struct StoreNames<'c> {
    conn: &'c Connection,
    loaded: RefCell<HashMap<String, bool>>,
    names: RefCell<HashMap<(String, String), Option<String>>>,
}

impl<'c> StoreNames<'c> {
    pub(crate) fn new(conn: &'c Connection) -> StoreNames<'c> {
        StoreNames { conn, loaded: RefCell::default(), names: RefCell::default() }
    }

    fn is_loaded(&self, table: &str) -> bool {
        if let Some(l) = self.loaded.borrow().get(table) {
            return *l;
        }
        let l = self
            .conn
            .query_row("SELECT 1 FROM ref_table WHERE name = ?1", [table], |_| Ok(()))
            .optional()
            .ok()
            .flatten()
            .is_some();
        self.loaded.borrow_mut().insert(table.to_string(), l);
        l
    }

    fn name(&self, table: &str, code: &str) -> Option<String> {
        let key = (table.to_string(), code.to_string());
        if let Some(n) = self.names.borrow().get(&key) {
            return n.clone();
        }
        let row: Option<(Option<String>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT nama, attrs FROM ref_row WHERE tbl = ?1 AND id = ?2")
            .and_then(|mut st| st.query_row([table, code], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .ok()
            .flatten();
        let name = row.map(|(nama, attrs)| {
            let attrs = attrs.and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok());
            crate::display::ref_display(table, nama.as_deref(), attrs.as_ref()).unwrap_or_else(|| code.to_string())
        });
        self.names.borrow_mut().insert(key, name.clone());
        name
    }
}

impl crate::display::CodeNames for StoreNames<'_> {
    fn code_name(&self, tables: &str, code: &str) -> crate::display::CodeName {
        use crate::display::CodeName;
        let mut any = false;
        for t in tables.split('|') {
            if self.is_loaded(t) {
                any = true;
                if let Some(n) = self.name(t, code) {
                    return CodeName::Known(n);
                }
            }
        }
        if any {
            CodeName::Unknown
        } else {
            CodeName::NotLoaded
        }
    }
}

/// One reference row as an offline look-up shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RefRowView {
    pub id: String,
    pub nama: Option<String>,
    /// The name as records show it (`IV/b Pembina Tingkat I`).
    pub display: String,
    /// Every other column, as the table has it.
    pub attrs: serde_json::Value,
}

/// Rows of `table` whose code, name or another column (golongan's pangkat, a jabatan's
/// rumpun) contains `search` (case-insensitive for ASCII), in code order.
pub(crate) fn rows(conn: &Connection, table: &str, search: Option<&str>, limit: u32) -> Result<Vec<RefRowView>> {
    let pattern = search.map(|s| format!("%{}%", s.trim().replace(['%', '_'], "")));
    let mut st = conn.prepare(
        "SELECT id, nama, attrs FROM ref_row WHERE tbl = ?1
           AND (?2 IS NULL OR id LIKE ?2 OR nama LIKE ?2 OR attrs LIKE ?2)
         ORDER BY length(id), id LIMIT ?3",
    )?;
    let rows = st
        .query_map(rusqlite::params![table, pattern, i64::from(limit)], |r| {
            let (id, nama, attrs): (String, Option<String>, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let attrs = attrs.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or(serde_json::Value::Null);
            let display =
                crate::display::ref_display(table, nama.as_deref(), Some(&attrs)).unwrap_or_else(|| id.clone());
            Ok(RefRowView { id, nama, display, attrs })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
