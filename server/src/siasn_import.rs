//! `berkas-server import siasn FILE`: a BKD's SIASN export into the hub. Each document becomes
//! changes in the hub's log, so every device in scope pulls it like any other edit. What is
//! already stored is compared first: only what differs travels, and importing the same file
//! again adds nothing.
//!
//! Official fields take SIASN's value. Fields the ASN owns (contact data) are only filled where
//! the record has none: an e-mail or phone an ASN corrected in Berkas is newer than BKN's copy.
//! A riwayat row keeps one id per SIASN row id, so a re-import updates it in place; a row the
//! hub deleted stays deleted, and a row typed in by hand with the same values is not doubled.

use berkas_core::model::{Entity, FieldError, FieldMap, Value};
use berkas_core::siasn::{for_each_document, parse_document_owned, SiasnImportReport, SiasnProblem};
use berkas_core::sync::{Change, HlcClock, RowState};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::service::{accept_value, audit_writes, derived_id};
use crate::state::AppState;
use crate::store::{BatchItem, StoreError};

/// Documents judged and written per transaction.
const BATCH: usize = 500;
/// The device name the import's changes carry (devices show it as their author's).
pub const IMPORT_DEVICE: &str = "siasn-import";

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Count what would be created and updated, and write nothing.
    pub dry_run: bool,
}

/// One document, parsed and its values accepted.
struct Doc {
    index: usize,
    nip: String,
    data_utama: FieldMap,
    /// (group, SIASN row id, values)
    riwayat: Vec<(Entity, Option<String>, FieldMap)>,
}

/// Imports every document of `path` (a JSON array, one object, or JSON Lines). The whole file is
/// read once before anything is written, so a cut or malformed file changes nothing.
/// `progress(documents done)` after every batch. Each record written gets an audit entry
/// (`import_siasn`, by `author`).
pub async fn import_siasn(
    state: &AppState,
    path: &Path,
    author: &str,
    options: ImportOptions,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<SiasnImportReport, ImportError> {
    let open = |path: &Path| {
        std::fs::File::open(path).map_err(|e| ImportError::File(format!("cannot read {}: {e}", path.display())))
    };
    let checked = open(path)?;
    tokio::task::spawn_blocking(move || for_each_document(checked, |_, _| Ok(())))
        .await
        .map_err(|e| ImportError::File(e.to_string()))?
        .map_err(|e| ImportError::File(format!("{}: {e}; nothing was imported", path.display())))?;

    let file = open(path)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Json)>(BATCH);
    let reader = tokio::task::spawn_blocking(move || {
        for_each_document(file, |i, doc| tx.blocking_send((i, doc)).map_err(|_| berkas_core::Error::Cancelled))
    });
    let mut run = Run { dry_run: options.dry_run, ..Run::default() };
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        if rx.recv_many(&mut batch, BATCH).await == 0 {
            break;
        }
        run.import_batch(state, batch, author).await?;
        progress(run.report.documents);
    }
    reader
        .await
        .map_err(|e| ImportError::File(e.to_string()))?
        .map_err(|e| ImportError::File(format!("{}: {e}", path.display())))?;
    Ok(run.report)
}

/// Imports documents in hand (the demo's synthetic instansi) the same way.
pub async fn import_documents(
    state: &AppState,
    docs: Vec<Json>,
    author: &str,
) -> Result<SiasnImportReport, ImportError> {
    let mut run = Run::default();
    let mut docs = docs.into_iter().enumerate().peekable();
    while docs.peek().is_some() {
        run.import_batch(state, docs.by_ref().take(BATCH).collect(), author).await?;
    }
    Ok(run.report)
}

/// One import's report so far, the clock its changes are stamped by, and whether it is only a
/// preview.
#[derive(Default)]
struct Run {
    report: SiasnImportReport,
    clock: HlcClock,
    dry_run: bool,
}

impl Run {
    async fn import_batch(
        &mut self,
        state: &AppState,
        batch: Vec<(usize, Json)>,
        author: &str,
    ) -> Result<(), ImportError> {
        let mut docs = Vec::with_capacity(batch.len());
        for (index, json) in batch {
            self.report.documents += 1;
            match accept_document(state, index, json) {
                Ok(d) => docs.push(d),
                Err(p) => self.report.refused.push(p),
            }
        }
        write_batch(state, &docs, author, self.dry_run, &mut self.clock, &mut self.report).await
    }
}

/// Maps a document to fields and checks every value as a push would be checked.
fn accept_document(state: &AppState, index: usize, json: Json) -> Result<Doc, SiasnProblem> {
    let hint =
        json.pointer("/dataUtama/nipBaru").or_else(|| json.get("nipBaru")).and_then(|v| v.as_str()).map(str::to_string);
    let problem = |errors| SiasnProblem { index, nip: hint.clone(), errors };
    let parsed = parse_document_owned(json).map_err(problem)?;
    let mut errors = Vec::new();
    let mut accept = |fields| {
        let mut out = FieldMap::new();
        for (def, value) in fields {
            match accept_value(state, def, value) {
                Ok(v) => {
                    out.insert(def.name.to_string(), v);
                }
                Err(e) => errors.push(e),
            }
        }
        out
    };
    let data_utama = accept(parsed.data_utama);
    let riwayat: Vec<_> = parsed.riwayat.into_iter().map(|(e, sid, fields)| (e, sid, accept(fields))).collect();
    let nip = data_utama.get("nip_baru").and_then(|v| v.as_str()).map(str::to_string);
    let nip = match nip {
        Some(nip) if errors.is_empty() => nip,
        Some(_) => return Err(problem(errors)),
        None => {
            errors.push(FieldError::new("nip_baru", "field.required", "a SIASN document needs nipBaru"));
            return Err(problem(errors));
        }
    };
    Ok(Doc { index, nip, data_utama, riwayat })
}

/// Writes a batch in one transaction; a batch that met a concurrent push (another record given
/// one of its NIPs meanwhile) is compared again and rewritten.
async fn write_batch(
    state: &AppState,
    docs: &[Doc],
    author: &str,
    dry_run: bool,
    clock: &mut HlcClock,
    report: &mut SiasnImportReport,
) -> Result<(), ImportError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut counts = SiasnImportReport::default();
        let (items, moved) = changes_of(state, docs, clock, &mut counts).await?;
        // A preview stops here: the counts of what would be written.
        if !dry_run && !items.is_empty() {
            let written: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    BatchItem::Apply(c) => Some(c.pegawai.clone()),
                    BatchItem::Refuse(..) => None,
                })
                .collect();
            match state.store.apply_batch(items, author).await {
                Err(StoreError::Conflict(_)) if attempt < 3 => continue,
                r => {
                    r?;
                }
            }
            audit_writes(state, author, "import_siasn", written, None).await?;
            if !moved.is_empty() {
                state.store.bump_scope_of_units(&moved).await?;
            }
        }
        report.created += counts.created;
        report.updated += counts.updated;
        report.unchanged += counts.unchanged;
        report.riwayat_rows += counts.riwayat_rows;
        report.refused.extend(counts.refused);
        return Ok(());
    }
}

/// The changes that bring the hub's records to the batch's documents, and the units whose
/// members changed (a mutasi in SIASN).
async fn changes_of(
    state: &AppState,
    docs: &[Doc],
    clock: &mut HlcClock,
    counts: &mut SiasnImportReport,
) -> Result<(Vec<BatchItem>, Vec<String>), ImportError> {
    let nips = docs.iter().map(|d| d.nip.clone()).collect();
    let mut holders: HashMap<String, (String, Option<String>)> =
        state.store.pegawai_by_nips(nips).await?.into_iter().map(|e| (e.nip, (e.id, e.unit))).collect();
    let known = holders.values().map(|(id, _)| id.clone()).collect();
    let mut rows_of = state.store.rows_of_many(known).await?;
    let mut items = Vec::new();
    let mut moved = Vec::new();
    for doc in docs {
        let existed = holders.contains_key(&doc.nip);
        let (pegawai, unit, stored) = match holders.get(&doc.nip) {
            Some((id, unit)) => {
                // Read with the batch; a NIP met twice in one batch is read again on its own.
                let rows = match rows_of.remove(id) {
                    Some(rows) => rows,
                    None => state.store.rows_of(id).await?,
                };
                (id.clone(), unit.clone(), rows.into_iter().map(|(e, r, s)| ((e, r), s)).collect())
            }
            None => (uuid::Uuid::now_v7().to_string(), None, BTreeMap::new()),
        };
        if stored.get(&(Entity::DataUtama, pegawai.clone())).is_some_and(|s| !s.is_live()) {
            let e = FieldError::new("nip_baru", "pegawai.deleted", "the record with this NIP was deleted on the hub");
            counts.refused.push(SiasnProblem { index: doc.index, nip: Some(doc.nip.clone()), errors: vec![e] });
            continue;
        }
        let mut wrote = false;
        let mut change = |entity: Entity, row: String, fields: FieldMap| {
            let hlc = clock.tick(HlcClock::now_ms());
            let id = uuid::Uuid::now_v7().to_string();
            let pegawai = pegawai.clone();
            let device = IMPORT_DEVICE.to_string();
            items.push(BatchItem::Apply(Change {
                id,
                entity,
                row,
                pegawai,
                delete: false,
                fields,
                hlc,
                device,
                base: None,
            }));
        };
        let du = to_set(Entity::DataUtama, &doc.data_utama, stored.get(&(Entity::DataUtama, pegawai.clone())));
        if !du.is_empty() {
            let new_unit = du.get("unit").and_then(|v| v.as_str()).map(str::to_string);
            if existed && du.contains_key("unit") && new_unit != unit {
                moved.extend(unit.clone().into_iter().chain(new_unit));
            }
            change(Entity::DataUtama, pegawai.clone(), du);
            wrote = true;
        }
        for (entity, siasn_id, values) in &doc.riwayat {
            let key = match siasn_id {
                Some(sid) => format!("siasn:{pegawai}:{}:{sid}", entity.key()),
                None => {
                    format!("siasn:{pegawai}:{}:{}", entity.key(), serde_json::to_string(values).unwrap_or_default())
                }
            };
            let row = derived_id(&key);
            match stored.get(&(*entity, row.clone())) {
                // Deleted on the hub on purpose: it stays deleted.
                Some(s) if !s.is_live() => {}
                Some(s) => {
                    let set = to_set(*entity, values, Some(s));
                    if !set.is_empty() {
                        change(*entity, row, set);
                        wrote = true;
                    }
                }
                // The same facts typed in by hand already: not doubled.
                None if stored.iter().any(|((e, _), s)| e == entity && s.is_live() && same_facts(values, s)) => {}
                None => {
                    change(*entity, row, values.clone());
                    counts.riwayat_rows += 1;
                    wrote = true;
                }
            }
        }
        if !existed {
            counts.created += 1;
            holders.insert(
                doc.nip.clone(),
                (pegawai.clone(), doc.data_utama.get("unit").and_then(|v| v.as_str()).map(str::to_string)),
            );
        } else if wrote {
            counts.updated += 1;
        } else {
            counts.unchanged += 1;
        }
    }
    Ok((items, moved))
}

/// The fields of `values` to write over `stored`: core's one import rule.
fn to_set(entity: Entity, values: &FieldMap, stored: Option<&RowState>) -> FieldMap {
    berkas_core::siasn::import_changes(entity, values, stored.map(|s| &s.values))
}

/// Whether a stored row holds every value of an imported one.
fn same_facts(values: &FieldMap, stored: &RowState) -> bool {
    values.iter().all(|(k, v)| stored.values.get(k).unwrap_or(&Value::Null) == v)
}
