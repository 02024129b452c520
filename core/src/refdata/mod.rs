//! Reference data (SIASN codes) as data. Small tables from domain.md ship built in
//! (`builtin.json`); the large ones (jabatanFungsional, pendidikan, instansi ...) are imported
//! from SIASN reference JSON and, later, synced from the server. Parsing here is pure: it turns
//! a file into rows and a list of problems, and never drops a row without reporting it.

use serde_json::{Map, Value as Json};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The built-in tables, in the SIASN reference JSON shape: `{table: [{id, nama, ...}]}`.
pub const BUILTIN_JSON: &str = include_str!("builtin.json");

/// One row of a reference table.
#[derive(Debug, Clone, PartialEq)]
pub struct RefRow {
    pub id: String,
    pub nama: Option<String>,
    /// Every other column, as the file had it.
    pub attrs: Map<String, Json>,
}

/// A row the importer could not take, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    /// 0-based position in the file.
    pub index: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTable {
    pub name: String,
    pub rows_in_file: usize,
    pub rows: Vec<RefRow>,
    pub problems: Vec<RowProblem>,
}

/// Columns that hold a row's label, in order of preference. SIASN's `dokumen` table labels its
/// name column "Dokumen Evaluasi Kinerja" for every row.
const NAME_KEYS: &[&str] = &["nama", "NAMA", "name", "jenis", "jabatan", "Dokumen Evaluasi Kinerja"];
const ID_KEYS: &[&str] = &["id", "ID", "Id"];

/// Table name from a file name: `jabatanFungsional.json.gz` -> `jabatanFungsional`.
pub fn table_name_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".json.gz").or_else(|| name.strip_suffix(".json"))?;
    (!stem.is_empty()).then(|| stem.to_string())
}

/// Reads a `.json` or gzipped `.json.gz` file (gzip recognised by its magic bytes).
pub fn read_json_file(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 8);
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::BadDocument(format!("{}: damaged gzip: {e}", path.display())))?;
        Ok(strip_bom(out))
    } else {
        Ok(strip_bom(raw))
    }
}

/// A UTF-8 byte-order mark (Windows tools write one) is not content.
fn strip_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    bytes
}

/// Parses a reference table: a JSON array of objects, or BKN's `{"data": [...]}` envelope.
pub fn parse_table(name: &str, bytes: &[u8]) -> Result<ParsedTable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Json = serde_json::from_slice(bytes)
        .map_err(|e| Error::BadDocument(format!("reference table {name}: not valid JSON: {e}")))?;
    let items = match doc {
        Json::Array(items) => items,
        Json::Object(mut o) => match o.remove("data") {
            Some(Json::Array(items)) => items,
            _ => {
                return Err(Error::BadDocument(format!(
                    "reference table {name}: expected a JSON array of rows (or {{\"data\": [...]}})"
                )))
            }
        },
        _ => return Err(Error::BadDocument(format!("reference table {name}: expected a JSON array of rows"))),
    };
    Ok(parse_rows(name, items))
}

/// Built-in tables, parsed.
pub fn builtin_tables() -> Vec<ParsedTable> {
    let Ok(Json::Object(map)) = serde_json::from_str::<Json>(BUILTIN_JSON) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(name, rows)| match rows {
            Json::Array(items) => Some(parse_rows(&name, items)),
            _ => None,
        })
        .collect()
}

fn parse_rows(name: &str, items: Vec<Json>) -> ParsedTable {
    let rows_in_file = items.len();
    let mut rows = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    let mut seen = HashSet::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let Json::Object(mut obj) = item else {
            problems.push(RowProblem { index, reason: "row is not a JSON object".into() });
            continue;
        };
        let id_key = ID_KEYS.iter().find(|k| obj.contains_key(**k)).copied();
        let id = match id_key.and_then(|k| obj.remove(k)) {
            Some(Json::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Json::Number(n)) => n.to_string(),
            Some(Json::String(_)) => {
                problems.push(RowProblem { index, reason: "id is empty".into() });
                continue;
            }
            Some(_) => {
                problems.push(RowProblem { index, reason: "id is not a string or number".into() });
                continue;
            }
            None => {
                problems.push(RowProblem { index, reason: "row has no id".into() });
                continue;
            }
        };
        if !seen.insert(id.clone()) {
            problems.push(RowProblem { index, reason: format!("duplicate id {id} (the first row with it is kept)") });
            continue;
        }
        let name_key = NAME_KEYS.iter().find(|k| obj.contains_key(**k)).copied();
        let nama = match name_key.and_then(|k| obj.remove(k)) {
            Some(Json::String(s)) => Some(s.trim().to_string()),
            Some(Json::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        rows.push(RefRow { id, nama, attrs: obj });
    }
    ParsedTable { name: name.to_string(), rows_in_file, rows, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_rows_are_reported_with_their_position() {
        let t = parse_table(
            "x",
            br#"[{"id":"1","nama":"A"},{"nama":"no id"},7,{"id":"1","nama":"dup"},{"ID":2,"NAMA":"B"},{"id":""},{"id":[1]}]"#,
        )
        .expect("parses");
        assert_eq!(t.rows_in_file, 7);
        assert_eq!(t.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["1", "2"]);
        assert_eq!(t.problems.iter().map(|p| p.index).collect::<Vec<_>>(), vec![1, 2, 3, 5, 6]);
        assert_eq!(t.rows.len() + t.problems.len(), t.rows_in_file);
        assert_eq!(t.rows[1].nama.as_deref(), Some("B"));
    }

    #[test]
    fn not_an_array_is_a_clear_error() {
        let e = parse_table("agama", br#"{"id":"1"}"#).expect_err("refused");
        assert!(e.to_string().contains("agama"));
        let cut = parse_table("agama", b"[{\"id\":").expect_err("cut");
        assert!(cut.to_string().contains("agama: not valid JSON"), "{cut}");
        assert_eq!(parse_table("agama", br#"{"data":[{"id":"1","nama":"Islam"}]}"#).expect("ok").rows.len(), 1);
    }

    #[test]
    fn builtin_tables_are_clean() {
        let tables = builtin_tables();
        assert!(tables.iter().any(|t| t.name == "golonganPns" && t.rows.len() == 17));
        assert!(tables.iter().any(|t| t.name == "kedudukanHukum" && t.rows.len() == 31));
        for t in &tables {
            assert!(t.problems.is_empty(), "builtin {} has problems", t.name);
        }
    }

    #[test]
    fn file_names_become_table_names() {
        assert_eq!(table_name_of(Path::new("/x/jabatanFungsional.json.gz")).as_deref(), Some("jabatanFungsional"));
        assert_eq!(table_name_of(Path::new("agama.json")).as_deref(), Some("agama"));
        assert_eq!(table_name_of(Path::new("README.md")), None);
    }
}

/// The tables a device needs: every table a field's codes come from, and the document types.
/// A device pulls these from its hub and no others (kabupaten, kpkn, taspen ... stay on the
/// hub), so a phone on a poor connection fetches what it uses.
pub fn device_tables() -> std::collections::BTreeSet<&'static str> {
    let mut out: std::collections::BTreeSet<&'static str> = crate::model::entity::DEFS
        .iter()
        .flat_map(|d| d.fields.iter())
        .filter_map(|f| match f.kind {
            crate::model::FieldKind::Ref(tables) => Some(tables.split('|')),
            _ => None,
        })
        .flatten()
        .collect();
    out.insert("dokumen");
    out
}

/// Reference codes held in memory, per table (the hub's copy; a device keeps them in SQLite).
#[derive(Debug, Default)]
pub struct CodeSets {
    tables: std::collections::HashMap<String, std::collections::HashSet<String>>,
}

/// Reference tables at hand to check a code against: the hub's in memory ([`CodeSets`]), a
/// device's from its store. `model::accept_value` asks it.
pub trait Codes {
    /// `tables`: alternatives separated by `|`, as field kinds name them.
    fn check(&self, tables: &str, code: &str) -> CodeCheck;
}

/// Whether a code is known to the loaded tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Known,
    Unknown,
    /// None of the tables is loaded: the code cannot be checked.
    NotLoaded,
}

impl CodeSets {
    /// The built-in tables plus `extra` (a later table of the same name replaces the earlier).
    pub fn with_builtin(extra: Vec<ParsedTable>) -> CodeSets {
        let mut sets = CodeSets::default();
        for t in builtin_tables().into_iter().chain(extra) {
            sets.tables.insert(t.name.clone(), t.rows.into_iter().map(|r| r.id).collect());
        }
        sets
    }

    pub fn table_count(&self) -> usize {
        self.tables.len()
    }
}

impl Codes for CodeSets {
    fn check(&self, tables: &str, code: &str) -> CodeCheck {
        check_alternatives(tables, code, |t| self.tables.get(t))
    }
}

/// A code against `tables` (alternatives separated by `|`), each looked up by `set_of`
/// (`None`: that table is not loaded): the one rule every [`Codes`] follows.
pub(crate) fn check_alternatives<'a>(
    tables: &str,
    code: &str,
    set_of: impl Fn(&str) -> Option<&'a std::collections::HashSet<String>>,
) -> CodeCheck {
    let mut loaded = false;
    for t in tables.split('|') {
        if let Some(set) = set_of(t) {
            loaded = true;
            if set.contains(code) {
                return CodeCheck::Known;
            }
        }
    }
    if loaded {
        CodeCheck::Unknown
    } else {
        CodeCheck::NotLoaded
    }
}
