//! The SIASN reference tables this hub was given (`--referensi DIR`, `import referensi`), kept
//! in its store as versioned sets that devices pull, and the code sets the hub judges pushed
//! values by.
//!
//! Each table is kept as its canonical JSON (the rows as core parses them) under
//! `referensi.table.<name>`, prefixed with its version (the SHA-256 of that JSON), and listed in
//! the manifest `referensi.manifest`. The table is written before the manifest names it, so a
//! device that reads a manifest can always fetch what it names; the version travels with the
//! body and the device checks the body against it.

use berkas_core::due::TableRefs;
use berkas_core::refdata::{builtin_tables, parse_table, CodeSets, ParsedTable};
use berkas_core::sync::{RefManifest, RefSetInfo};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::error::ApiError;
use crate::store::Storage;

const MANIFEST: &str = "referensi.manifest";
const TABLE_PREFIX: &str = "referensi.table.";

/// The manifest of `tables`, tagged by their names and versions.
fn manifest_of(tables: BTreeMap<String, RefSetInfo>) -> RefManifest {
    let tables: Vec<RefSetInfo> = tables.into_values().collect();
    let mut h = Sha256::new();
    for t in &tables {
        h.update(t.name.as_bytes());
        h.update([0]);
        h.update(t.version.as_bytes());
        h.update([0]);
    }
    RefManifest { tag: hex::encode(&h.finalize()[..16]), tables }
}

/// The canonical JSON of a parsed table: what devices parse back with core's `parse_table`.
pub fn canonical_json(t: &ParsedTable) -> String {
    let rows: Vec<serde_json::Value> = t
        .rows
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::with_capacity(r.attrs.len() + 2);
            o.insert("id".into(), serde_json::Value::String(r.id.clone()));
            if let Some(n) = &r.nama {
                o.insert("nama".into(), serde_json::Value::String(n.clone()));
            }
            for (k, v) in &r.attrs {
                o.insert(k.clone(), v.clone());
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

pub fn version_of(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The manifest in force (empty when no table was given).
pub async fn manifest(store: &dyn Storage) -> Result<RefManifest, ApiError> {
    match store.setting(MANIFEST).await? {
        Some(json) => serde_json::from_str(&json).map_err(ApiError::internal),
        None => Ok(RefManifest::default()),
    }
}

/// A table's version and JSON, if the hub serves it.
pub async fn table(store: &dyn Storage, name: &str) -> Result<Option<(String, String)>, ApiError> {
    let Some(stored) = store.setting(&format!("{TABLE_PREFIX}{name}")).await? else { return Ok(None) };
    let (version, body) = stored.split_once('\n').ok_or_else(|| ApiError::internal("a stored table has no version"))?;
    Ok(Some((version.to_string(), body.to_string())))
}

/// What publishing one table did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub info: RefSetInfo,
    /// False when the hub already served this exact table.
    pub changed: bool,
}

/// Stores `tables` as the versions devices pull next; a table identical to the one served is
/// left alone. Tables are written before the manifest names them.
pub async fn publish(store: &dyn Storage, tables: &[ParsedTable]) -> Result<Vec<Published>, ApiError> {
    let current = manifest(store).await?;
    let mut listed: BTreeMap<String, RefSetInfo> = current.tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        if !valid_table_name(&t.name) {
            return Err(ApiError::bad_request("referensi.name", format!("{:?} is not a reference table name", t.name)));
        }
        let body = canonical_json(t);
        let version = version_of(&body);
        let info = RefSetInfo {
            name: t.name.clone(),
            version: version.clone(),
            rows: t.rows.len() as u64,
            bytes: body.len() as u64,
        };
        let changed = listed.get(&t.name).is_none_or(|old| old.version != version);
        if changed {
            store.set_setting(&format!("{TABLE_PREFIX}{}", t.name), &format!("{version}\n{body}")).await?;
            listed.insert(t.name.clone(), info.clone());
        }
        out.push(Published { info, changed });
    }
    if out.iter().any(|p| p.changed) {
        let m = manifest_of(listed);
        store.set_setting(MANIFEST, &serde_json::to_string(&m).map_err(ApiError::internal)?).await?;
    }
    Ok(out)
}

/// Table names as SIASN files name them (`jabatanFungsional`): letters, digits, `_` and `-`.
pub fn valid_table_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What the hub judges by: the codes pushed values are checked against and the facts of the
/// due rules, built from the built-in tables and the ones it serves. Rebuilt when the manifest
/// changed (an import by another process while this one serves).
pub struct HubReferensi {
    loaded: RwLock<Loaded>,
}

#[derive(Clone)]
struct Loaded {
    tag: String,
    codes: Arc<CodeSets>,
    refs: Arc<TableRefs>,
}

impl Default for HubReferensi {
    fn default() -> Self {
        HubReferensi::from_tables(String::new(), Vec::new())
    }
}

impl HubReferensi {
    fn from_tables(tag: String, tables: Vec<ParsedTable>) -> HubReferensi {
        HubReferensi { loaded: RwLock::new(Loaded::of(tag, tables)) }
    }

    pub fn codes(&self) -> Arc<CodeSets> {
        self.read().codes
    }

    pub fn refs(&self) -> Arc<TableRefs> {
        self.read().refs
    }

    fn read(&self) -> Loaded {
        self.loaded.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Loads every served table from the store.
    pub async fn load(store: &dyn Storage) -> Result<HubReferensi, ApiError> {
        let r = HubReferensi::default();
        r.refresh(store).await?;
        Ok(r)
    }

    /// Reloads when the store's manifest is not the one loaded; returns the manifest.
    pub async fn refresh(&self, store: &dyn Storage) -> Result<RefManifest, ApiError> {
        let m = manifest(store).await?;
        if m.tag == self.read().tag {
            return Ok(m);
        }
        let mut tables = Vec::with_capacity(m.tables.len());
        for info in &m.tables {
            let Some((_, body)) = table(store, &info.name).await? else { continue };
            tables.push(parse_table(&info.name, body.as_bytes()).map_err(ApiError::internal)?);
        }
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = Loaded::of(m.tag.clone(), tables);
        Ok(m)
    }

    /// (tables with codes, jabatan fungsional with a usiaBup, jenis hukuman with a level).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let l = self.read();
        let (jf, hukuman) = l.refs.sizes();
        (l.codes.table_count(), jf, hukuman)
    }
}

impl Loaded {
    fn of(tag: String, tables: Vec<ParsedTable>) -> Loaded {
        let all: Vec<ParsedTable> = builtin_tables().into_iter().chain(tables.iter().cloned()).collect();
        Loaded { tag, refs: Arc::new(TableRefs::from_tables(&all)), codes: Arc::new(CodeSets::with_builtin(tables)) }
    }
}
