//! Pegawai and riwayat operations on the facade. Every write validates first (all errors at
//! once, naming fields), then commits the row change, its audit entry and the new completeness
//! score in one transaction. A refused input changes nothing.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::authz::{self, RowWrite, Target};
use crate::completeness::{self, Completeness};
use crate::error::{Error, Result};
use crate::model::{
    accept_value, check_nip_nik, Entity, EntityDef, FieldDef, FieldError, FieldKind, FieldMap, Nik, Nip, Value,
};
use crate::profile::Berkas;
use crate::store::records::{self, RowData};
use crate::store::refs::RefCache;
use crate::store::replica::{self, LocalWrite};
use crate::store::search::{self, ListFilter, PegawaiSummary};
use crate::store::{audit, new_id, now, AuditEntry};

/// A soft finding shown beside a record (and routed to the facilitator), never a block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddedPegawai {
    pub id: String,
    pub nip: String,
    pub completeness: u8,
    pub warnings: Vec<Warning>,
}

/// A pegawai's whole record as stored on this device.
#[derive(Debug, Clone, Serialize)]
pub struct PegawaiRecord {
    pub id: String,
    pub data_utama: RowData,
    pub riwayat: BTreeMap<Entity, Vec<RowData>>,
    pub completeness: Completeness,
    pub warnings: Vec<Warning>,
}

/// Validates and normalises input for an entity: unknown fields, values by kind, and codes
/// against the loaded reference tables. Returns every problem at once.
pub(crate) fn validate(conn: &Connection, refs: &RefCache, def: &EntityDef, input: FieldMap) -> Result<FieldMap> {
    let mut known = Vec::with_capacity(input.len());
    let mut errors = Vec::new();
    for (name, value) in input {
        match def.field(&name) {
            Some(field) => known.push((field, value)),
            None => errors.push(FieldError::new(
                &name,
                "field.unknown",
                format!("{} has no field with this name", def.table),
            )),
        }
    }
    validate_known(conn, refs, known, errors)
}

/// Validates values whose field is already known (the SIASN import maps names itself), by
/// the one validation the hub uses too (`model::accept_value`).
pub(crate) fn validate_known(
    conn: &Connection,
    refs: &RefCache,
    input: Vec<(&'static FieldDef, Value)>,
    mut errors: Vec<FieldError>,
) -> Result<FieldMap> {
    for (field, _) in &input {
        if let FieldKind::Ref(tables) = field.kind {
            refs.load(conn, tables)?;
        }
    }
    let codes = refs.view();
    let mut out = FieldMap::new();
    for (field, value) in input {
        match accept_value(field, value, &codes) {
            Ok(v) => {
                out.insert(field.name.to_string(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Warnings about data utama: NIP structure, NIP vs NIK, NIP vs recorded birth date and sex.
pub(crate) fn warnings_for(du: &FieldMap) -> Vec<Warning> {
    let mut out = Vec::new();
    let nip = du.get("nip_baru").and_then(Value::as_str).and_then(|s| Nip::parse(s).ok());
    let nik = du.get("nik").and_then(Value::as_str).and_then(|s| Nik::parse(s).ok());
    if let Some(nip) = &nip {
        for w in nip.warnings() {
            out.push(Warning { code: "nip.tmt_before_adulthood".into(), message: w.to_string() });
        }
        if let Some(nik) = &nik {
            for w in check_nip_nik(nip, nik) {
                let code = match w {
                    crate::model::ConsistencyWarning::BirthDateMismatch { .. } => "nip_nik.birth_date",
                    crate::model::ConsistencyWarning::SexMismatch { .. } => "nip_nik.sex",
                };
                out.push(Warning { code: code.into(), message: w.to_string() });
            }
        }
        if let Some(f) = nip.facts() {
            if let Some(d) = du.get("tgl_lahir").and_then(Value::as_date) {
                if d != f.birth_date {
                    out.push(Warning {
                        code: "nip.tgl_lahir".into(),
                        message: "tanggal lahir differs from the birth date in the NIP".into(),
                    });
                }
            }
            if let Some(s) = du.get("jenis_kelamin").and_then(Value::as_str) {
                if s != f.sex.to_string() {
                    out.push(Warning {
                        code: "nip.jenis_kelamin".into(),
                        message: "jenis kelamin differs from the sex digit in the NIP".into(),
                    });
                }
            }
        }
    }
    out
}

/// Queues the fields an edit really changed for sync.
fn record_diff(
    conn: &Connection,
    actor: &str,
    entity: Entity,
    row: &str,
    pegawai: &str,
    diff: &BTreeMap<String, (Value, Value)>,
) -> Result<()> {
    let fields = diff.iter().map(|(k, (_, new))| (k.clone(), new.clone())).collect();
    let old = diff.iter().map(|(k, (old, _))| (k.clone(), old.clone())).collect();
    replica::record_local(conn, actor, LocalWrite { entity, row, pegawai, fields, old, created: false, delete: false })
}

fn field_names(m: &FieldMap) -> serde_json::Value {
    serde_json::Value::Array(m.keys().map(|k| serde_json::Value::String(k.clone())).collect())
}

/// Writes validated data utama fields of the record `id` inside `tx`, as every edit does: the
/// row, its audit entry (`why` added to its detail: a rekon's batch and line), the outbox and
/// the completeness score. Returns what really changed.
pub(crate) fn write_data_utama(
    tx: &Connection,
    actor: &str,
    id: &str,
    clean: &FieldMap,
    at: &str,
    why: Option<(&str, serde_json::Value)>,
) -> Result<BTreeMap<String, (Value, Value)>> {
    let diff = records::update_row(tx, Entity::DataUtama.def(), id, clean, actor, at)?;
    if !diff.is_empty() {
        let mut detail = diff_json(&diff);
        if let (Some(o), Some((key, value))) = (detail.as_object_mut(), why) {
            o.insert(key.into(), value);
        }
        audit::record(tx, at, actor, "update", Some("pegawai"), Some(id), Some(id), Some(&detail))?;
        record_diff(tx, actor, Entity::DataUtama, id, id, &diff)?;
        records::refresh_completeness(tx, id)?;
    }
    Ok(diff)
}

fn diff_json(diff: &BTreeMap<String, (Value, Value)>) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    for (k, (old, new)) in diff {
        o.insert(k.clone(), serde_json::json!({ "old": old, "new": new }));
    }
    serde_json::Value::Object(o)
}

impl Berkas {
    pub fn add_pegawai(&self, input: &FieldMap) -> Result<AddedPegawai> {
        let mut store = self.store();
        let s = &mut *store;
        let du = validate(&s.conn, &s.refs, Entity::DataUtama.def(), input.clone())?;
        let mut missing = Vec::new();
        for f in ["nip_baru", "nama"] {
            if du.get(f).is_none_or(Value::is_null) {
                missing.push(FieldError::new(f, "field.required", "is required to add a pegawai"));
            }
        }
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        let nip = du.get("nip_baru").and_then(Value::as_str).unwrap_or_default().to_string();
        let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if records::pegawai_id_by_nip(&tx, &nip)?.is_some() {
            return Err(Error::DuplicateNip);
        }
        let id = new_id();
        let at = now();
        let row = RowData {
            id: id.clone(),
            pegawai_id: None,
            siasn_id: None,
            values: du.clone(),
            changed_at: None,
            changed_by: None,
        };
        records::insert_row(&tx, Entity::DataUtama.def(), &row, self.actor(), &at)?;
        audit::record(
            &tx,
            &at,
            self.actor(),
            "create",
            Some("pegawai"),
            Some(&id),
            Some(&id),
            Some(&serde_json::json!({ "fields": field_names(&du) })),
        )?;
        let old = du.keys().map(|k| (k.clone(), Value::Null)).collect();
        let write = LocalWrite {
            entity: Entity::DataUtama,
            row: &id,
            pegawai: &id,
            fields: du.clone(),
            old,
            created: true,
            delete: false,
        };
        replica::record_local(&tx, self.actor(), write)?;
        let score = records::refresh_completeness(&tx, &id)?.map(|c| c.score).unwrap_or(0);
        tx.commit()?;
        Ok(AddedPegawai { id, nip, completeness: score, warnings: warnings_for(&du) })
    }

    /// Changes data utama fields; returns the names of the fields that really changed.
    pub fn edit_pegawai(&self, nip: &str, changes: &FieldMap) -> Result<Vec<String>> {
        let mut store = self.store();
        let s = &mut *store;
        let clean = validate(&s.conn, &s.refs, Entity::DataUtama.def(), changes.clone())?;
        if clean.get("nip_baru").is_some_and(Value::is_null) {
            return Err(Error::invalid("nip_baru", "field.required", "cannot be emptied"));
        }
        let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = records::pegawai_id_by_nip(&tx, nip)?.ok_or(Error::NotFound("pegawai"))?;
        if let Some(Value::Text(new_nip)) = clean.get("nip_baru") {
            if new_nip != nip && records::pegawai_id_by_nip(&tx, new_nip)?.is_some() {
                return Err(Error::DuplicateNip);
            }
        }
        let diff = write_data_utama(&tx, self.actor(), &id, &clean, &now(), None)?;
        tx.commit()?;
        Ok(diff.into_keys().collect())
    }

    /// Adds a riwayat row to a pegawai; returns the new row id.
    /// The record of `nip` and its unit, as the authorization table's target needs them.
    pub(crate) fn record_and_unit(&self, nip: &str) -> Result<(String, Option<String>)> {
        let store = self.store();
        let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let unit: Option<String> =
            store.conn.query_row("SELECT unit FROM pegawai WHERE id = ?1", [&id], |r| r.get(0)).optional()?.flatten();
        Ok((id, unit))
    }

    /// Refuses, naming `field`, a write the signed-in account may not make, by the one
    /// authorization table the hub judges by too (a profile with no hub is its owner's tool).
    pub(crate) fn may_write_row(&self, field: &str, write: &RowWrite<'_>, target: Target<'_>) -> Result<()> {
        let Some(p) = self.principal()? else { return Ok(()) };
        match authz::may_write(&p, write, target) {
            authz::Decision::Allow => Ok(()),
            authz::Decision::Deny { code, reason } => Err(Error::invalid(field, code, reason)),
        }
    }

    pub fn add_riwayat(&self, nip: &str, entity: Entity, input: &FieldMap) -> Result<String> {
        self.add_riwayat_row(nip, entity, input, new_id())
    }

    /// Adds a riwayat row under a given id (a data-update request's rows take the request's
    /// id, so applying it twice adds nothing twice).
    pub(crate) fn add_riwayat_row(&self, nip: &str, entity: Entity, input: &FieldMap, id: String) -> Result<String> {
        if entity == Entity::DataUtama {
            return Err(Error::invalid("entity", "entity.not_riwayat", "data utama is not a riwayat group"));
        }
        let def = entity.def();
        let mut store = self.store();
        let s = &mut *store;
        let values = validate(&s.conn, &s.refs, def, input.clone())?;
        let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let pegawai_id = records::pegawai_id_by_nip(&tx, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let at = now();
        let row = RowData {
            id: id.clone(),
            pegawai_id: Some(pegawai_id.clone()),
            siasn_id: None,
            values: values.clone(),
            changed_at: None,
            changed_by: None,
        };
        records::insert_row(&tx, def, &row, self.actor(), &at)?;
        audit::record(
            &tx,
            &at,
            self.actor(),
            "create",
            Some(def.table),
            Some(&id),
            Some(&pegawai_id),
            Some(&serde_json::json!({ "fields": field_names(&values) })),
        )?;
        let old = values.keys().map(|k| (k.clone(), Value::Null)).collect();
        let write =
            LocalWrite { entity, row: &id, pegawai: &pegawai_id, fields: values, old, created: true, delete: false };
        replica::record_local(&tx, self.actor(), write)?;
        records::refresh_completeness(&tx, &pegawai_id)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn edit_riwayat(&self, entity: Entity, row_id: &str, changes: &FieldMap) -> Result<Vec<String>> {
        let def = entity.def();
        let mut store = self.store();
        let s = &mut *store;
        let clean = validate(&s.conn, &s.refs, def, changes.clone())?;
        let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = records::load_row(&tx, def, row_id)?.ok_or(Error::NotFound("riwayat row"))?;
        let pegawai_id = row.pegawai_id.unwrap_or_else(|| row.id.clone());
        let at = now();
        let diff = records::update_row(&tx, def, row_id, &clean, self.actor(), &at)?;
        if !diff.is_empty() {
            audit::record(
                &tx,
                &at,
                self.actor(),
                "update",
                Some(def.table),
                Some(row_id),
                Some(&pegawai_id),
                Some(&diff_json(&diff)),
            )?;
            record_diff(&tx, self.actor(), entity, row_id, &pegawai_id, &diff)?;
            records::refresh_completeness(&tx, &pegawai_id)?;
        }
        tx.commit()?;
        Ok(diff.into_keys().collect())
    }

    pub fn delete_riwayat(&self, entity: Entity, row_id: &str) -> Result<()> {
        if entity == Entity::DataUtama {
            return Err(Error::invalid("entity", "entity.not_riwayat", "data utama is not a riwayat group"));
        }
        let def = entity.def();
        let mut store = self.store();
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = records::load_row(&tx, def, row_id)?.ok_or(Error::NotFound("riwayat row"))?;
        let pegawai_id = row.pegawai_id.clone().unwrap_or_default();
        let at = now();
        records::delete_row(&tx, def, row_id)?;
        audit::record(
            &tx,
            &at,
            self.actor(),
            "delete",
            Some(def.table),
            Some(row_id),
            Some(&pegawai_id),
            Some(&serde_json::json!({ "old": row.values })),
        )?;
        let write = LocalWrite {
            entity,
            row: row_id,
            pegawai: &pegawai_id,
            fields: FieldMap::new(),
            old: row.values.clone(),
            created: false,
            delete: true,
        };
        replica::record_local(&tx, self.actor(), write)?;
        records::refresh_completeness(&tx, &pegawai_id)?;
        tx.commit()?;
        Ok(())
    }

    /// The whole record of one pegawai, by NIP.
    pub fn pegawai(&self, nip: &str) -> Result<PegawaiRecord> {
        let store = self.store();
        let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let (du, mut riwayat) = records::load_all(&store.conn, &id)?.ok_or(Error::NotFound("pegawai"))?;
        for (e, rows) in riwayat.iter_mut() {
            records::sort_rows(*e, rows);
        }
        let docs = records::document_links(&store.conn, &id)?;
        let completeness = completeness::evaluate(&du, &riwayat, &docs);
        let warnings = warnings_for(&du.values);
        Ok(PegawaiRecord { id, data_utama: du, riwayat, completeness, warnings })
    }

    pub fn list_pegawai(&self, filter: &ListFilter) -> Result<Vec<PegawaiSummary>> {
        search::list(&self.store().conn, filter)
    }

    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<PegawaiSummary>> {
        search::search(&self.store().conn, query, limit)
    }

    pub fn count_pegawai(&self) -> Result<u64> {
        Ok(self.store().conn.query_row("SELECT count(*) FROM pegawai", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The audit trail of one pegawai's record, newest first.
    pub fn audit_trail(&self, nip: &str, limit: u32) -> Result<Vec<AuditEntry>> {
        let store = self.store();
        let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        audit::for_pegawai(&store.conn, &id, limit)
    }

    /// The record of `nip` as a person reads it: every code with its name, dates and
    /// booleans in `lang`, riwayat newest first. What every shell shows.
    pub fn display_record(&self, nip: &str, lang: crate::display::Lang) -> Result<crate::display::RecordDisplay> {
        let record = self.pegawai(nip)?;
        Ok(self.display_of(&record, lang))
    }

    /// A record already read, as shown, each field marked with whether the signed-in account
    /// may edit it (core's authorization, as the hub will judge the change).
    pub fn display_of(&self, record: &PegawaiRecord, lang: crate::display::Lang) -> crate::display::RecordDisplay {
        let principal = self.principal().ok().flatten();
        let unit = record.data_utama.values.get("unit").and_then(Value::as_str);
        let target = Target { pegawai_id: &record.id, unit };
        let editable = |entity: Entity, f: &FieldDef| match &principal {
            Some(p) => authz::may_write(p, &RowWrite::fields(entity, vec![f.name]), target).is_allowed(),
            None => true,
        };
        let store = self.store();
        let names = crate::store::refs::StoreNames::new(&store.conn);
        crate::display::RecordDisplay::of(record, &names, lang, &editable)
    }

    /// The one authorization function, asked on this device before an edit is offered (the
    /// hub asks the same when the change arrives): may the signed-in account write `fields` of
    /// `entity` on the record of `nip`, adding or deleting the row if `creating_or_deleting`?
    /// A profile that never signed in to a hub (a local tool) may.
    pub fn may_edit(
        &self,
        nip: &str,
        entity: Entity,
        fields: &[&str],
        creating_or_deleting: bool,
    ) -> Result<authz::Decision> {
        let Some(p) = self.principal()? else { return Ok(authz::Decision::Allow) };
        let (id, unit) = {
            let store = self.store();
            let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
            let du = records::load_row(&store.conn, Entity::DataUtama.def(), &id)?;
            let unit = du.and_then(|r| r.values.get("unit").and_then(Value::as_str).map(str::to_string));
            (id, unit)
        };
        let write = RowWrite { creating_or_deleting, ..RowWrite::fields(entity, fields.to_vec()) };
        Ok(authz::may_write(&p, &write, Target { pegawai_id: &id, unit: unit.as_deref() }))
    }

    /// Fields of one row of `entity` as shown (a request's answers, a verification's side by
    /// side view).
    pub fn display_fields(
        &self,
        entity: Entity,
        values: &FieldMap,
        lang: crate::display::Lang,
    ) -> Vec<crate::display::ShownField> {
        let store = self.store();
        let names = crate::store::refs::StoreNames::new(&store.conn);
        crate::display::record::show_fields(&names, entity.def(), values, lang, &|_, _| false)
    }

    /// One value of a field of `entity` as shown (a request's answer, a conflict's two
    /// sides); a field no group has is shown as its text.
    pub fn show_value(&self, entity: Entity, field: &str, value: &Value, lang: crate::display::Lang) -> String {
        match entity.def().field(field) {
            Some(f) => {
                let store = self.store();
                let names = crate::store::refs::StoreNames::new(&store.conn);
                crate::display::show_value(&names, f, value, lang).display
            }
            None if value.is_null() => "-".into(),
            None => value.to_text(),
        }
    }

    /// Checks one value of a field offline as an edit would (its kind, and a code against the
    /// reference tables here) and shows it; refused with the same error an edit gets.
    pub fn check_field(
        &self,
        entity: Entity,
        field: &str,
        value: Value,
        lang: crate::display::Lang,
    ) -> Result<crate::display::ShownField> {
        let clean = {
            let store = self.store();
            let input = FieldMap::from([(field.to_string(), value)]);
            validate(&store.conn, &store.refs, entity.def(), input)?
        };
        self.display_fields(entity, &clean, lang).into_iter().find(|f| f.name == field).ok_or(Error::NotFound("field"))
    }

    /// Rows of a reference table on this device, those whose code, name or another column
    /// contains `search`.
    pub fn ref_rows(
        &self,
        table: &str,
        search: Option<&str>,
        limit: u32,
    ) -> Result<Vec<crate::store::refs::RefRowView>> {
        let store = self.store();
        if crate::store::refs::list_tables(&store.conn)?.iter().all(|t| t.name != table) {
            return Err(Error::NotFound("reference table"));
        }
        crate::store::refs::rows(&store.conn, table, search, limit)
    }

    /// Name of a reference code, if the table is loaded.
    pub fn ref_name(&self, table: &str, id: &str) -> Result<Option<String>> {
        crate::store::refs::lookup_name(&self.store().conn, table, id)
    }
}

/// What marks a record in a list: its sync state, and how many consistency warnings its
/// data utama raises (NIP against NIK, birth date and sex). Only marked records are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordMark {
    pub nip: String,
    pub sync: crate::sync::RecordSyncState,
    pub warnings: Vec<String>,
}

impl Berkas {
    /// The records of `unit` (or all here) that are not synced or carry a warning, for the
    /// list's filters. One pass over the list's columns and the outbox, no record loaded.
    pub fn list_marks(&self, unit: Option<&str>) -> Result<Vec<RecordMark>> {
        use crate::sync::RecordSyncState as S;
        let store = self.store();
        let c = &store.conn;
        let mut sync: std::collections::HashMap<String, S> = std::collections::HashMap::new();
        let mut st = c.prepare(
            "SELECT pegawai_id, state FROM outbox
             UNION ALL SELECT pegawai_id, 'conflict' FROM conflict WHERE dismissed = 0",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, state) = row?;
            let s = if state == "conflict" { S::Conflict } else { S::of_outbox(&state) };
            let e = sync.entry(id).or_insert(S::Synced);
            *e = e.worst(s);
        }
        let mut st = c.prepare(
            "SELECT id, nip_baru, nik, tgl_lahir, jenis_kelamin FROM pegawai WHERE ?1 IS NULL OR unit = ?1 ORDER BY nama, nip_baru",
        )?;
        let mut out = Vec::new();
        let text = |v: Option<String>| v.map(Value::Text).unwrap_or(Value::Null);
        let rows = st.query_map([unit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, nip, nik, tgl_lahir, jenis_kelamin) = row?;
            let du: FieldMap = [
                ("nip_baru".to_string(), Value::Text(nip.clone())),
                ("nik".to_string(), text(nik)),
                ("tgl_lahir".to_string(), text(tgl_lahir)),
                ("jenis_kelamin".to_string(), text(jenis_kelamin)),
            ]
            .into_iter()
            .collect();
            let warnings: Vec<String> = warnings_for(&du).into_iter().map(|w| w.code).collect();
            let state = sync.get(&id).copied().unwrap_or(S::Synced);
            if state != S::Synced || !warnings.is_empty() {
                out.push(RecordMark { nip, sync: state, warnings });
            }
        }
        Ok(out)
    }
}
