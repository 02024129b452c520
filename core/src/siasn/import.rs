//! Import and export on the facade: reference tables (whole table per transaction) and SIASN
//! pegawai documents (each document all or nothing; a refused document is reported with its
//! position and the fields at fault, and the others go on).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use super::{convert, for_each_document};
use crate::completeness;
use crate::error::{Error, Result};
use crate::model::{Entity, FieldError, FieldMap, Value};
use crate::pegawai::validate_known;
use crate::profile::Berkas;
use crate::refdata::{self, RowProblem};
use crate::store::records::{self, RowData};
use crate::store::{audit, new_id, now, refs, search, RefCache};

#[derive(Debug, Clone, Serialize)]
pub struct RefImportReport {
    pub table: String,
    pub file: String,
    pub rows_in_file: usize,
    pub imported: usize,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiasnProblem {
    /// 0-based position of the document in the file.
    pub index: usize,
    pub nip: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SiasnImportReport {
    pub documents: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub riwayat_rows: usize,
    pub refused: Vec<SiasnProblem>,
}

/// Documents per transaction: large enough to amortise commits (an index page touched by many
/// documents is written to the WAL once per batch), small enough to bound the WAL.
const BATCH: usize = 10_000;

impl Berkas {
    /// Imports every `*.json` / `*.json.gz` reference table in `dir`, each in its own
    /// transaction. `progress(done, total)` is called after each file.
    pub fn import_referensi_dir(&self, dir: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<RefImportReport>> {
        let mut files: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| refdata::table_name_of(p).is_some())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::BadDocument(format!("no *.json or *.json.gz reference tables in {}", dir.display())));
        }
        let total = files.len() as u64;
        let mut out = Vec::with_capacity(files.len());
        for (i, path) in files.iter().enumerate() {
            out.push(self.import_referensi_file(path)?);
            progress(i as u64 + 1, total);
        }
        Ok(out)
    }

    pub fn import_referensi_file(&self, path: &Path) -> Result<RefImportReport> {
        let name = refdata::table_name_of(path)
            .ok_or_else(|| Error::BadDocument(format!("{}: not a .json or .json.gz file", path.display())))?;
        let bytes = refdata::read_json_file(path)?;
        let parsed = refdata::parse_table(&name, &bytes)?;
        let mut store = self.store();
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        refs::replace_table(
            &tx,
            &parsed,
            &format!("file:{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("")),
            None,
        )?;
        let at = now();
        audit::record(
            &tx,
            &at,
            self.actor(),
            "import_referensi",
            Some(&name),
            None,
            None,
            Some(&serde_json::json!({ "rows": parsed.rows.len(), "problems": parsed.problems.len() })),
        )?;
        tx.commit()?;
        store.refs.invalidate();
        Ok(RefImportReport {
            table: name,
            file: path.display().to_string(),
            rows_in_file: parsed.rows_in_file,
            imported: parsed.rows.len(),
            problems: parsed.problems,
        })
    }

    pub fn ref_tables(&self) -> Result<Vec<refs::RefTableInfo>> {
        refs::list_tables(&self.store().conn)
    }

    /// Imports SIASN pegawai documents. `progress(documents done, bytes unknown=0)`.
    /// A profile that syncs with a hub refuses: records imported here would never reach the
    /// hub, and the hub's own copies of them could not be applied beside them.
    pub fn import_siasn<R: Read>(&self, reader: R, progress: &mut dyn FnMut(u64)) -> Result<SiasnImportReport> {
        let mut store = self.store();
        let s = &mut *store;
        if crate::store::replica::meta_get(&s.conn, "sync.server")?.is_some() {
            return Err(Error::invalid(
                "profile",
                "siasn.profile_syncs",
                "this profile syncs with a hub: import the SIASN file into the hub (berkas-server import siasn), \
                 and its records arrive here by sync",
            ));
        }
        let mut report = SiasnImportReport::default();
        let actor = self.actor().to_string();
        // A bigger page cache while importing (every miss costs a page decryption), and one
        // checkpoint at the end instead of one per batch.
        s.conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0;")?;
        let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut mark = search::defer_index(&tx)?;
        let mut in_batch = 0usize;
        let refs = &s.refs;
        // One timestamp for the whole import: it is one event.
        let at = now();
        for_each_document(reader, |index, doc| {
            report.documents += 1;
            let doc_nip = doc
                .pointer("/dataUtama/nipBaru")
                .or_else(|| doc.get("nipBaru"))
                .and_then(|v| v.as_str())
                .map(str::to_string);
            match prepare(&tx, refs, doc) {
                // Everything that can refuse a document was checked in `prepare`, so writing
                // needs no savepoint (whose page copies cost more than the writes); an error
                // here is a storage failure and rolls back the open batch.
                Ok(p) => {
                    if let Err(errors) = write_document(&tx, p, &actor, &at, &mut report)? {
                        report.refused.push(SiasnProblem { index, nip: doc_nip, errors });
                    }
                }
                Err(errors) => report.refused.push(SiasnProblem { index, nip: doc_nip, errors }),
            }
            in_batch += 1;
            if in_batch >= BATCH {
                // Commit and continue in a fresh transaction on the same connection.
                search::index_deferred(&tx, mark)?;
                tx.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
                mark = search::defer_index(&tx)?;
                in_batch = 0;
            }
            progress(report.documents as u64);
            Ok(())
        })?;
        search::index_deferred(&tx, mark)?;
        tx.commit()?;
        s.conn.execute_batch(
            "PRAGMA cache_size = -16000; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        Ok(report)
    }

    /// One pegawai as a SIASN document; the export is recorded in the audit log.
    pub fn export_siasn(&self, nip: &str) -> Result<serde_json::Value> {
        let store = self.store();
        let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let (du, riwayat) = records::load_all(&store.conn, &id)?.ok_or(Error::NotFound("pegawai"))?;
        audit::record(&store.conn, &now(), self.actor(), "export_siasn", Some("pegawai"), Some(&id), Some(&id), None)?;
        Ok(convert::document_to_siasn(&du, &riwayat))
    }

    /// Every pegawai as a JSON array of SIASN documents, streamed to `out`.
    pub fn export_siasn_all<W: Write>(&self, mut out: W) -> Result<usize> {
        let store = self.store();
        let ids: Vec<String> = store
            .conn
            .prepare("SELECT id FROM pegawai ORDER BY nip_baru")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        out.write_all(b"[")?;
        for (i, id) in ids.iter().enumerate() {
            let Some((du, riwayat)) = records::load_all(&store.conn, id)? else {
                continue;
            };
            if i > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut out, &convert::document_to_siasn(&du, &riwayat))
                .map_err(|e| Error::Io(std::io::Error::other(e)))?;
        }
        out.write_all(b"]\n")?;
        audit::record(
            &store.conn,
            &now(),
            self.actor(),
            "export_siasn",
            Some("pegawai"),
            None,
            None,
            Some(&serde_json::json!({ "count": ids.len() })),
        )?;
        Ok(ids.len())
    }
}

fn nip_of(du: &FieldMap) -> Option<String> {
    du.get("nip_baru").and_then(Value::as_str).map(str::to_string)
}

/// A document mapped and validated, ready to write.
struct Prepared {
    data_utama: FieldMap,
    riwayat: Vec<(Entity, Option<String>, FieldMap)>,
}

fn prepare(conn: &Connection, refs: &RefCache, doc: serde_json::Value) -> Result<Prepared, Vec<FieldError>> {
    let parsed = convert::parse_document_owned(doc)?;
    let mut errors = Vec::new();
    let du = match validate_known(conn, refs, parsed.data_utama, Vec::new()) {
        Ok(v) => v,
        Err(Error::Invalid(e)) => {
            errors.extend(e);
            FieldMap::new()
        }
        Err(e) => return Err(vec![FieldError::new("document", e.code(), e.to_string())]),
    };
    if errors.is_empty() && du.get("nip_baru").is_none_or(Value::is_null) {
        errors.push(FieldError::new("nipBaru", "field.required", "is required"));
    }
    let mut riwayat = Vec::with_capacity(parsed.riwayat.len());
    for (entity, siasn_id, fields) in parsed.riwayat {
        match validate_known(conn, refs, fields, Vec::new()) {
            Ok(v) => riwayat.push((entity, siasn_id, v)),
            Err(Error::Invalid(e)) => errors.extend(e.into_iter().map(|mut fe| {
                fe.field = format!("riwayat.{}.{}", entity.def().siasn_key, fe.field);
                fe
            })),
            Err(e) => return Err(vec![FieldError::new("document", e.code(), e.to_string())]),
        }
    }
    if errors.is_empty() {
        check_siasn_ids(conn, &du, &riwayat)
            .map_err(|e| vec![FieldError::new("document", e.code(), e.to_string())])?
            .map_or(Ok(()), |e| Err(vec![e]))?;
        Ok(Prepared { data_utama: du, riwayat })
    } else {
        Err(errors)
    }
}

/// A SIASN row id may appear once per document and must not belong to another pegawai. For a
/// pegawai new to this profile the unique index answers that while writing (see
/// `write_document`), so only an update looks rows up here.
fn check_siasn_ids(
    conn: &Connection,
    du: &FieldMap,
    riwayat: &[(Entity, Option<String>, FieldMap)],
) -> Result<Option<FieldError>> {
    let mut seen = std::collections::HashSet::new();
    for (entity, sid, _) in riwayat {
        if let Some(sid) = sid {
            if !seen.insert((*entity, sid.as_str())) {
                let field = format!("riwayat.{}.id", entity.def().siasn_key);
                return Ok(Some(FieldError::new(&field, "siasn.duplicate_id", "the same SIASN row id appears twice")));
            }
        }
    }
    let Some(owner) = nip_of(du).map(|nip| records::pegawai_id_by_nip(conn, &nip)).transpose()?.flatten() else {
        return Ok(None);
    };
    for (entity, sid, _) in riwayat {
        let Some(sid) = sid else { continue };
        let holder: Option<String> = conn
            .prepare_cached(&format!("SELECT pegawai_id FROM {} WHERE siasn_id = ?1", entity.def().table))?
            .query_row([sid], |r| r.get(0))
            .optional()?;
        if holder.is_some_and(|h| h != owner) {
            let field = format!("riwayat.{}.id", entity.def().siasn_key);
            return Ok(Some(FieldError::new(
                &field,
                "siasn.duplicate_id",
                "this SIASN row id belongs to another pegawai",
            )));
        }
    }
    Ok(None)
}

/// Writes one prepared document. The outer `Err` is a storage failure (the batch rolls back);
/// the inner one refuses this document, whose rows are already undone.
fn write_document(
    conn: &Connection,
    p: Prepared,
    actor: &str,
    at: &str,
    report: &mut SiasnImportReport,
) -> Result<Result<(), Vec<FieldError>>> {
    let riwayat_rows = p.riwayat.len();
    let nip = nip_of(&p.data_utama).unwrap_or_default();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let Some(id) = records::pegawai_id_by_nip(conn, &nip)? else {
        let id = new_id();
        let du = RowData::new(id.clone(), None, None, p.data_utama);
        let mut grouped: BTreeMap<Entity, Vec<RowData>> = BTreeMap::new();
        for (entity, siasn_id, values) in p.riwayat {
            grouped.entry(entity).or_default().push(RowData::new(new_id(), Some(id.clone()), siasn_id, values));
        }
        // A new record has no documents yet: completeness comes from what is in hand, and is
        // stored with the row rather than by a second write.
        let c = completeness::evaluate(&du, &grouped, &[]);
        records::insert_pegawai(conn, &du, c.score, actor, at)?;
        for (entity, rows) in &grouped {
            for row in rows {
                if let Err(e) = records::insert_row(conn, entity.def(), row, actor, at) {
                    let refused = duplicate_siasn_id(e, *entity)?;
                    // Undo this document without a savepoint: its riwayat rows go with the pegawai.
                    records::delete_row(conn, Entity::DataUtama.def(), &id)?;
                    return Ok(Err(refused));
                }
            }
            counts.insert(entity.def().table, rows.len());
        }
        let detail = serde_json::json!({ "created": true, "rows": counts });
        audit::record(conn, at, actor, "import_siasn", Some("pegawai"), Some(&id), Some(&id), Some(&detail))?;
        report.created += 1;
        report.riwayat_rows += riwayat_rows;
        return Ok(Ok(()));
    };
    // The one import rule (`siasn::import_changes`): the ASN's own data is only filled where empty.
    let stored = records::load_row(conn, Entity::DataUtama.def(), &id)?.map(|r| r.values);
    let du = super::import_changes(Entity::DataUtama, &p.data_utama, stored.as_ref());
    let mut changed = records::update_row(conn, Entity::DataUtama.def(), &id, &du, actor, at)?.len();
    for (entity, siasn_id, values) in p.riwayat {
        let def = entity.def();
        let found: Option<String> = match &siasn_id {
            Some(sid) => conn
                .prepare_cached(&format!("SELECT id FROM {} WHERE siasn_id = ?1 AND pegawai_id = ?2", def.table))?
                .query_row(params![sid, id], |r| r.get(0))
                .optional()?,
            None => records::load_rows(conn, def, &id)?.into_iter().find(|r| r.values == values).map(|r| r.id),
        };
        match found {
            Some(row_id) => {
                let stored = records::load_row(conn, def, &row_id)?.map(|r| r.values);
                let set = super::import_changes(entity, &values, stored.as_ref());
                changed += records::update_row(conn, def, &row_id, &set, actor, at)?.len()
            }
            None => {
                let row = RowData::new(new_id(), Some(id.clone()), siasn_id, values);
                // Ownership of SIASN ids was checked in `prepare`.
                records::insert_row(conn, def, &row, actor, at)?;
                *counts.entry(def.table).or_default() += 1;
                changed += 1;
            }
        }
    }
    if changed > 0 {
        records::refresh_completeness(conn, &id)?;
        let detail = serde_json::json!({ "created": false, "fields_changed": changed, "rows_added": counts });
        audit::record(conn, at, actor, "import_siasn", Some("pegawai"), Some(&id), Some(&id), Some(&detail))?;
        report.updated += 1;
    } else {
        report.unchanged += 1;
    }
    report.riwayat_rows += riwayat_rows;
    Ok(Ok(()))
}

/// A SIASN row id that already belongs to another pegawai is bad input, not a crash.
fn duplicate_siasn_id(e: Error, entity: Entity) -> Result<Vec<FieldError>> {
    match &e {
        Error::Sql(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Ok(vec![FieldError::new(
                &format!("riwayat.{}.id", entity.def().siasn_key),
                "siasn.duplicate_id",
                "this SIASN row id belongs to another pegawai",
            )])
        }
        _ => Err(e),
    }
}
