//! The device's side of sync, in SQL: per-field stamps of every synced row, the outbox that a
//! local write fills in the same transaction as the row, the remote changes a pull merges in,
//! and the answers a push brings back. Callers own the transaction; nothing here commits.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::records::{self, RowData};
use super::{new_id, now};
use crate::completeness;
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::sync::{
    merge_owned, Change, ChangeOutcome, Hlc, HlcClock, OutcomeStatus, RowState, Stamp, MAX_CLOCK_DRIFT_MS,
};

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?.execute([key, value])?;
    Ok(())
}

pub(crate) fn meta_delete(conn: &Connection, key: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM meta WHERE key = ?1")?.execute([key])?;
    Ok(())
}

/// This device's id, made on first use and kept with the data (a restored backup is the same
/// device, which is right: its stamps continue).
pub(crate) fn device_id(conn: &Connection) -> Result<String> {
    if let Some(d) = meta_get(conn, "sync.device")? {
        return Ok(d);
    }
    let d = new_id();
    meta_set(conn, "sync.device", &d)?;
    Ok(d)
}

fn clock(conn: &Connection) -> Result<HlcClock> {
    let last = meta_get(conn, "sync.hlc")?.and_then(|s| s.parse::<Hlc>().ok()).unwrap_or_default();
    Ok(HlcClock::new(last))
}

/// This device's wall clock, corrected by what the hub said when it was found far ahead
/// (`learn_hub_time`): a phone set to 2030 stamps by the hub's time instead.
fn wall_now(conn: &Connection) -> Result<u64> {
    let skew = meta_get(conn, SKEW)?.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    Ok(device_now(conn)?.saturating_sub(skew))
}

/// The device's own wall clock, as wrong as it is (tests set it ahead: `WALL_OFFSET`).
fn device_now(conn: &Connection) -> Result<u64> {
    let offset = meta_get(conn, WALL_OFFSET)?.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    Ok(HlcClock::now_ms().saturating_add_signed(offset))
}

const SKEW: &str = "sync.clock_skew_ms";
/// A wrong wall clock on purpose, for tests of a phone set to the wrong date.
pub(crate) const WALL_OFFSET: &str = "test.wall_offset_ms";

/// A new stamp of this device's clock, persisted with the write it stamps. Stamps issued
/// while the clock was far ahead are not followed: the clock starts again from the corrected
/// time (those stamps' changes are stamped again when the hub refuses them).
pub(crate) fn tick(conn: &Connection) -> Result<Hlc> {
    let now = wall_now(conn)?;
    let mut c = clock(conn)?;
    if c.last().wall_ms > now.saturating_add(MAX_CLOCK_DRIFT_MS) {
        c = HlcClock::new(Hlc { wall_ms: now, counter: 0 });
    }
    let h = c.tick(now);
    meta_set(conn, "sync.hlc", &h.to_string())?;
    Ok(h)
}

/// Takes a stamp seen from elsewhere into account, unless it is beyond the drift bound: a
/// remote clock far ahead never drags this one along.
pub(crate) fn observe(conn: &Connection, seen: Hlc) -> Result<()> {
    if seen.wall_ms > wall_now(conn)?.saturating_add(MAX_CLOCK_DRIFT_MS) {
        return Ok(());
    }
    let mut c = clock(conn)?;
    if seen > c.last() {
        c.observe(seen);
        meta_set(conn, "sync.hlc", &seen.to_string())?;
    }
    Ok(())
}

/// The hub's clock as its answer said: when this device's is further ahead than the drift
/// bound, the difference is kept and subtracted from then on; otherwise none is kept (a clock
/// set right again is trusted again).
pub(crate) fn learn_hub_time(conn: &Connection, hub_ms: u64) -> Result<bool> {
    let ahead = device_now(conn)?.saturating_sub(hub_ms);
    if ahead > MAX_CLOCK_DRIFT_MS {
        meta_set(conn, SKEW, &ahead.to_string())?;
        Ok(true)
    } else {
        meta_delete(conn, SKEW)?;
        Ok(false)
    }
}

/// Changes the hub refused because this device's clock was ahead are stamped again by the
/// corrected clock, under a new id (the hub keeps its answer to the old one), and wait to be
/// sent; the row's own stamps follow, so the next pull does not undo them. The count.
pub(crate) fn restamp_clock_ahead(conn: &Connection) -> Result<u64> {
    let items: Vec<(i64, String)> = conn
        .prepare("SELECT seq, change FROM outbox WHERE state = 'refused' AND code = 'sync.clock_ahead' ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (seq, json_text) in &items {
        let mut change: Change = from_json(json_text, "outbox change")?;
        let old = change.stamp();
        change.hlc = tick(conn)?;
        change.id = new_id();
        let new = change.stamp();
        if let Some(mut meta) = load_meta(conn, change.entity, &change.row)? {
            for stamp in meta.stamps.values_mut().filter(|s| **s == old) {
                *stamp = new.clone();
            }
            if meta.tombstone.as_ref() == Some(&old) {
                meta.tombstone = Some(new.clone());
            }
            save_meta(conn, change.entity, &change.row, &change.pegawai, &meta)?;
        }
        conn.prepare_cached(
            "UPDATE outbox SET id = ?1, change = ?2, state = 'pending', attempts = 0, code = NULL, message = NULL,
             updated_at = ?3 WHERE seq = ?4",
        )?
        .execute(params![change.id, json(&change)?, now(), seq])?;
    }
    Ok(items.len() as u64)
}

/// What sync knows of one row beyond its values.
#[derive(Debug, Clone, Default)]
pub(crate) struct SyncMeta {
    pub stamps: BTreeMap<String, Stamp>,
    pub tombstone: Option<Stamp>,
    pub server_seq: Option<i64>,
    pub mine: BTreeMap<String, i64>,
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::BadDocument(e.to_string()))
}

fn from_json<T: for<'de> Deserialize<'de>>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::BadDocument(format!("stored {what} is damaged: {e}")))
}

pub(crate) fn load_meta(conn: &Connection, entity: Entity, row: &str) -> Result<Option<SyncMeta>> {
    type Found = (String, Option<String>, Option<i64>, Option<String>);
    let found: Option<Found> = conn
        .prepare_cached("SELECT stamps, tombstone, server_seq, mine FROM sync_row WHERE entity = ?1 AND row_id = ?2")?
        .query_row([entity.key(), row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((stamps, tombstone, server_seq, mine)) = found else { return Ok(None) };
    Ok(Some(SyncMeta {
        stamps: super::stamps::decode(entity, &stamps)?,
        tombstone: tombstone.map(|t| from_json(&t, "tombstone")).transpose()?,
        server_seq,
        mine: mine.map(|m| from_json(&m, "own writes")).transpose()?.unwrap_or_default(),
    }))
}

pub(crate) fn save_meta(conn: &Connection, entity: Entity, row: &str, pegawai: &str, m: &SyncMeta) -> Result<()> {
    let tombstone = m.tombstone.as_ref().map(json).transpose()?;
    let mine = (!m.mine.is_empty()).then(|| json(&m.mine)).transpose()?;
    let stamps = super::stamps::encode(entity, &m.stamps)?;
    write_meta(conn, entity, row, pegawai, &stamps, tombstone.as_deref(), m.server_seq, mine.as_deref())
}

/// One `sync_row`, its stamps already encoded (a row first seen in a pull encodes them as one).
#[allow(clippy::too_many_arguments)]
fn write_meta(
    conn: &Connection,
    entity: Entity,
    row: &str,
    pegawai: &str,
    stamps: &str,
    tombstone: Option<&str>,
    server_seq: Option<i64>,
    mine: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sync_row (entity, row_id, pegawai_id, stamps, tombstone, server_seq, mine)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![entity.key(), row, pegawai, stamps, tombstone, server_seq, mine])?;
    Ok(())
}

/// Who this device's pulled rows are written as, and its device id: the signed-in hub user
/// (or the profile's user before any sign-in).
pub(crate) fn remote_identity(conn: &Connection, profile_user: &str) -> Result<(String, String)> {
    let actor = meta_get(conn, "sync.user")?.unwrap_or_else(|| profile_user.to_string());
    Ok((actor, device_id(conn)?))
}

/// What a change replaced, so that discarding it can put the row back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Prior {
    /// Old value of every field the change sets (Null when it had none).
    pub values: FieldMap,
    /// Old stamp of those fields (absent: never synced).
    pub stamps: BTreeMap<String, Stamp>,
    /// The row did not exist before the change.
    #[serde(default)]
    pub created: bool,
    /// For a delete: the whole row as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<FieldMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Stamp>,
}

/// One local write, about to be recorded.
pub(crate) struct LocalWrite<'a> {
    pub entity: Entity,
    pub row: &'a str,
    pub pegawai: &'a str,
    /// New values of the fields that really changed (Null empties a field).
    pub fields: FieldMap,
    /// Their values before.
    pub old: FieldMap,
    pub created: bool,
    /// A delete: `old` is then the whole row.
    pub delete: bool,
}

/// Records a local write in the outbox and stamps its fields, inside the caller's transaction.
/// Pending (never sent) changes to the same fields are folded into this one, so a field edited
/// 300 times offline travels once and the outbox does not grow with the number of edits.
pub(crate) fn record_local(conn: &Connection, author: &str, w: LocalWrite<'_>) -> Result<()> {
    if w.fields.is_empty() && !w.delete {
        return Ok(());
    }
    let device = device_id(conn)?;
    let hlc = tick(conn)?;
    let stamp = Stamp { hlc, device: device.clone() };
    let mut meta = load_meta(conn, w.entity, w.row)?.unwrap_or_default();
    let mut prior = Prior { created: w.created, ..Prior::default() };
    for (f, old) in &w.old {
        if w.delete || w.fields.contains_key(f) {
            prior.values.insert(f.clone(), old.clone());
            if let Some(s) = meta.stamps.get(f) {
                prior.stamps.insert(f.clone(), s.clone());
            }
        }
    }
    if w.delete {
        prior.row = Some(w.old.clone());
        prior.tombstone = meta.tombstone.clone();
        prior.stamps = meta.stamps.clone();
    }

    // Fold pending changes of this row into the new one.
    let mut never_synced = meta.server_seq.is_none();
    let pending: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT seq, change, prior FROM outbox WHERE entity = ?1 AND row_id = ?2 AND state = 'pending' ORDER BY seq",
        )?
        .query_map([w.entity.key(), w.row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let others: i64 = conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE entity = ?1 AND row_id = ?2 AND state <> 'pending'")?
        .query_row([w.entity.key(), w.row], |r| r.get(0))?;
    never_synced &= others == 0;
    let mut created_offline = false;
    for (seq, change_json, prior_json) in pending {
        let mut older: Change = from_json(&change_json, "outbox change")?;
        let older_prior: Prior = from_json(&prior_json, "outbox prior")?;
        created_offline |= older_prior.created;
        let take: Vec<String> = if w.delete {
            older.fields.keys().cloned().collect()
        } else {
            older.fields.keys().filter(|f| w.fields.contains_key(*f)).cloned().collect()
        };
        for f in &take {
            older.fields.remove(f);
            // The value before the first of the folded edits is what a discard restores.
            if let Some(v) = older_prior.values.get(f) {
                prior.values.insert(f.clone(), v.clone());
            }
            match older_prior.stamps.get(f) {
                Some(s) => prior.stamps.insert(f.clone(), s.clone()),
                None => prior.stamps.remove(f),
            };
            if let Some(row) = prior.row.as_mut() {
                if let Some(v) = older_prior.values.get(f) {
                    row.insert(f.clone(), v.clone());
                }
            }
        }
        prior.created |= older_prior.created && older.fields.is_empty();
        if older.fields.is_empty() && !older.delete {
            conn.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?.execute([seq])?;
        } else if !take.is_empty() {
            conn.prepare_cached("UPDATE outbox SET change = ?1, updated_at = ?2 WHERE seq = ?3")?.execute(params![
                json(&older)?,
                now(),
                seq
            ])?;
        }
    }

    if w.delete && never_synced && created_offline {
        // Made and removed offline: the hub never needs to hear of it.
        conn.prepare_cached("DELETE FROM outbox WHERE entity = ?1 AND row_id = ?2")?
            .execute([w.entity.key(), w.row])?;
        conn.prepare_cached("DELETE FROM sync_row WHERE entity = ?1 AND row_id = ?2")?
            .execute([w.entity.key(), w.row])?;
        return Ok(());
    }

    let change = Change {
        id: new_id(),
        entity: w.entity,
        row: w.row.to_string(),
        pegawai: w.pegawai.to_string(),
        delete: w.delete,
        fields: if w.delete { FieldMap::new() } else { w.fields.clone() },
        hlc,
        device,
        base: meta.server_seq,
    };
    if w.delete {
        meta.tombstone = Some(stamp);
    } else {
        for f in w.fields.keys() {
            meta.stamps.insert(f.clone(), stamp.clone());
        }
    }
    save_meta(conn, w.entity, w.row, w.pegawai, &meta)?;
    let at = now();
    conn.prepare_cached(
        "INSERT INTO outbox (id, entity, row_id, pegawai_id, author, change, prior, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![change.id, w.entity.key(), w.row, w.pegawai, author, json(&change)?, json(&prior)?, at])?;
    Ok(())
}

/// Who applies pulled changes here.
pub(crate) struct RemoteContext<'a> {
    pub actor: &'a str,
    pub device: &'a str,
    /// When the rows are written here (one time for a page).
    pub at: &'a str,
}

fn log_conflict(
    conn: &Connection,
    change_id: &str,
    c: &Change,
    field: &str,
    mine: &Value,
    theirs: &Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO conflict (change_id, entity, row_id, pegawai_id, field, mine, theirs, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![change_id, c.entity.key(), c.row, c.pegawai, field, json(mine)?, json(theirs)?, now()])?;
    Ok(())
}

/// The records a pull page changed, and the data utama rows it left in memory, so that their
/// completeness is computed without reading those rows back.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    pub ids: BTreeSet<String>,
    pub data_utama: HashMap<String, RowData>,
}

/// What became of one pulled change on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    Changed,
    /// Nothing new (our own change coming back, or an older write).
    Unchanged,
    /// Kept in `sync_parked` until its record can be stored here: the record's NIP belongs
    /// to a record made on this device, or the record itself waits there.
    Parked,
    /// Its record is not on this device and nothing here waits for it (a record outside this
    /// device's scope): dropped.
    Orphan,
}

/// Merges one pulled change into the local row, with the same rule the hub used.
pub(crate) fn apply_remote(
    conn: &Connection,
    seq: i64,
    mut change: Change,
    ctx: &RemoteContext<'_>,
    touched: &mut Touched,
) -> Result<Applied> {
    let actor = ctx.actor;
    let def = change.entity.def();
    let known = load_meta(conn, change.entity, &change.row)?;
    let seen = known.is_some();
    let mut meta = known.unwrap_or_default();
    if change.device == ctx.device && holds_already(&meta, &change) {
        // Our own change coming back, and this device still holds it (or something newer):
        // nothing to read or write. After a purge the stamps are gone and it is applied.
        return Ok(Applied::Unchanged);
    }
    let current = records::load_row(conn, def, &change.row)?;
    let existed = current.is_some();
    if !existed && !change.delete && !can_insert(conn, change.entity, &change.pegawai, &change.fields)? {
        return park_or_drop(conn, seq, &change);
    }
    if existed && nip_held_by_another(conn, &change)? {
        // A NIP changed on the hub to one a record made here holds: it waits like a new
        // record would (merging commutes, so it may be applied after later changes).
        return park_or_drop(conn, seq, &change);
    }
    if !seen && !existed && !change.delete {
        return insert_unseen(conn, seq, change, ctx, touched);
    }
    let mut state = RowState {
        values: current.map(|r| r.values).unwrap_or_default(),
        stamps: std::mem::take(&mut meta.stamps),
        tombstone: meta.tombstone.take(),
    };
    // Only our own unsent writes can be overwritten unseen: the row before is kept for those.
    let watch = change.device != ctx.device && !meta.mine.is_empty();
    let before = if watch { state.values.clone() } else { FieldMap::new() };
    // The change's values move into the row (a pull applies each change once).
    let fields = std::mem::take(&mut change.fields);
    let out = merge_owned(&mut state, change.stamp(), change.delete, fields);
    for f in out.applied.iter().filter(|_| watch) {
        // Our own write, overwritten by someone who had not seen it: show it to us.
        if let Some(my_seq) = meta.mine.remove(f) {
            let unseen = change.base.is_none_or(|b| b < my_seq);
            let mine = before.get(f).cloned().unwrap_or(Value::Null);
            let theirs = state.values.get(f).cloned().unwrap_or(Value::Null);
            if unseen && mine != theirs {
                log_conflict(conn, &change.id, &change, f, &mine, &theirs)?;
            }
        }
    }
    let live = state.is_live();
    meta.stamps = state.stamps;
    meta.tombstone = state.tombstone;
    meta.server_seq = Some(meta.server_seq.map_or(seq, |s| s.max(seq)));
    let at = ctx.at;
    let data_utama = change.entity == Entity::DataUtama;
    let result = match (existed, live) {
        (true, false) => {
            records::delete_row(conn, def, &change.row)?;
            if data_utama {
                touched.data_utama.remove(&change.pegawai);
            }
            Applied::Changed
        }
        (false, false) => Applied::Unchanged,
        (true, true) => {
            let set: FieldMap =
                out.applied.iter().map(|f| (f.clone(), state.values.get(f).cloned().unwrap_or(Value::Null))).collect();
            let diff = records::update_row(conn, def, &change.row, &set, actor, at)?;
            if data_utama {
                let row = RowData::new(change.row.clone(), None, None, state.values);
                touched.data_utama.insert(change.pegawai.clone(), row);
            }
            if diff.is_empty() {
                Applied::Unchanged
            } else {
                Applied::Changed
            }
        }
        (false, true) => {
            let pegawai_id = (!data_utama).then(|| change.pegawai.clone());
            let row = RowData::new(change.row.clone(), pegawai_id, None, state.values);
            records::insert_row(conn, def, &row, actor, at)?;
            if data_utama {
                touched.data_utama.insert(change.pegawai.clone(), row);
            }
            Applied::Changed
        }
    };
    save_meta(conn, change.entity, &change.row, &change.pegawai, &meta)?;
    if result == Applied::Changed {
        touched.ids.insert(change.pegawai.clone());
    }
    Ok(result)
}

/// A row this device has neither stored nor synced (every row of a first pull): every field
/// applies with the change's stamp, which is what the merge would decide, without its maps.
fn insert_unseen(
    conn: &Connection,
    seq: i64,
    change: Change,
    ctx: &RemoteContext<'_>,
    touched: &mut Touched,
) -> Result<Applied> {
    let stamps = super::stamps::encode_one(change.entity, change.fields.keys().map(String::as_str), &change.stamp())?;
    let Change { entity, row: id, pegawai, fields, .. } = change;
    let values: FieldMap = fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
    write_meta(conn, entity, &id, &pegawai, &stamps, None, Some(seq), None)?;
    if entity == Entity::DataUtama {
        // A record new to this device has no riwayat or documents yet (they cascade with
        // it), so its score is known now and written with the row.
        let row = RowData::new(id, None, None, values);
        let score = completeness::evaluate(&row, &records::RiwayatRows::new(), &[]).score;
        records::insert_pegawai(conn, &row, score, ctx.actor, ctx.at)?;
    } else {
        let row = RowData::new(id, Some(pegawai.clone()), None, values);
        records::insert_row(conn, entity.def(), &row, ctx.actor, ctx.at)?;
        touched.ids.insert(pegawai);
    }
    Ok(Applied::Changed)
}

/// The NIP a data utama change sets belongs to another record on this device.
fn nip_held_by_another(conn: &Connection, change: &Change) -> Result<bool> {
    if change.entity != Entity::DataUtama {
        return Ok(false);
    }
    let Some(nip) = change.fields.get("nip_baru").and_then(Value::as_str) else { return Ok(false) };
    Ok(records::pegawai_id_by_nip(conn, nip)?.is_some_and(|holder| holder != change.row))
}

/// A change whose record cannot be stored here. Kept when the record's NIP belongs to a record
/// made on this device (the hub refused that one; once its author discards it, this record
/// takes its place) or when its record is kept already; otherwise it is for a record this
/// device does not hold, and dropped.
fn park_or_drop(conn: &Connection, seq: i64, change: &Change) -> Result<Applied> {
    let waits = nip_held_by_another(conn, change)?
        || conn.prepare_cached("SELECT 1 FROM sync_parked WHERE pegawai_id = ?1 LIMIT 1")?.exists([&change.pegawai])?;
    if !waits {
        return Ok(Applied::Orphan);
    }
    conn.prepare_cached("INSERT OR REPLACE INTO sync_parked (seq, pegawai_id, change) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, change.pegawai, json(change)?])?;
    Ok(Applied::Parked)
}

/// Tries the kept changes again, oldest first, inside the caller's transaction. Returns how
/// many were stored and how many still wait.
pub(crate) fn retry_parked(conn: &Connection, ctx: &RemoteContext<'_>) -> Result<(u64, u64)> {
    let kept: Vec<(i64, String)> = conn
        .prepare_cached("SELECT seq, change FROM sync_parked ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if kept.is_empty() {
        return Ok((0, 0));
    }
    // Each is kept again if it still cannot be stored.
    conn.execute("DELETE FROM sync_parked", [])?;
    let mut touched = Touched::default();
    let (mut stored, mut waiting) = (0, 0);
    for (seq, text) in kept {
        let change: Change = from_json(&text, "kept change")?;
        match apply_remote(conn, seq, change, ctx, &mut touched)? {
            Applied::Changed | Applied::Unchanged => stored += 1,
            Applied::Parked => waiting += 1,
            Applied::Orphan => {}
        }
    }
    let ids: Vec<&str> = touched.ids.iter().map(String::as_str).collect();
    records::refresh_completeness_many(conn, &ids, &touched.data_utama)?;
    Ok((stored, waiting))
}

fn holds_already(meta: &SyncMeta, change: &Change) -> bool {
    let stamp = change.stamp();
    if change.delete {
        return meta.tombstone.as_ref().is_some_and(|t| *t >= stamp);
    }
    change.fields.keys().all(|f| meta.stamps.get(f).is_some_and(|s| *s >= stamp))
}

fn can_insert(conn: &Connection, entity: Entity, pegawai: &str, values: &FieldMap) -> Result<bool> {
    if entity == Entity::DataUtama {
        let Some(nip) = values.get("nip_baru").and_then(Value::as_str) else { return Ok(false) };
        return Ok(records::pegawai_id_by_nip(conn, nip)?.is_none());
    }
    let exists: Option<i64> =
        conn.prepare_cached("SELECT 1 FROM pegawai WHERE id = ?1")?.query_row([pegawai], |r| r.get(0)).optional()?;
    Ok(exists.is_some())
}

/// An outbox item ready to send.
pub(crate) struct Outgoing {
    pub seq: i64,
    pub change: Change,
}

/// Up to `limit` items to send after local sequence `after`: pending ones, and ones sent before
/// whose answer never arrived (the hub deduplicates by id, so resending is safe). Items of the
/// rows in `held` (a JSON array of row ids: documents waiting for another network) stay.
pub(crate) fn outgoing(conn: &Connection, after: i64, limit: usize, held: &str) -> Result<Vec<Outgoing>> {
    let rows: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT seq, change FROM outbox WHERE seq > ?1 AND state IN ('pending', 'uploading')
               AND row_id NOT IN (SELECT value FROM json_each(?3)) ORDER BY seq LIMIT ?2",
        )?
        .query_map(params![after, limit as i64, held], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter().map(|(seq, c)| Ok(Outgoing { seq, change: from_json(&c, "outbox change")? })).collect()
}

pub(crate) fn mark_uploading(conn: &Connection, items: &[Outgoing], held: &str) -> Result<()> {
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return Ok(()) };
    // The items are every pending or uploading one in this range (refused and wedged ones,
    // which were not taken, are the only others), so one statement marks them all.
    conn.prepare_cached(
        "UPDATE outbox SET state = 'uploading', updated_at = ?1 WHERE seq BETWEEN ?2 AND ?3 AND state = 'pending'
           AND row_id NOT IN (SELECT value FROM json_each(?4))",
    )?
    .execute(params![now(), first.seq, last.seq, held])?;
    Ok(())
}

/// Counts of what a push's answers did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PushCounts {
    pub applied: u64,
    pub superseded: u64,
    pub refused: u64,
}

/// Stores the hub's answers: applied and superseded items leave the outbox (losing fields go
/// to the conflict log); refused ones stay, with the reason, until their author acts.
pub(crate) fn take_outcomes(conn: &Connection, items: &[Outgoing], outcomes: &[ChangeOutcome]) -> Result<PushCounts> {
    let by_id: BTreeMap<&str, &Outgoing> = items.iter().map(|i| (i.change.id.as_str(), i)).collect();
    let mut counts = PushCounts::default();
    let at = now();
    for o in outcomes {
        let Some(item) = by_id.get(o.id.as_str()) else { continue };
        let c = &item.change;
        match o.status {
            OutcomeStatus::Applied | OutcomeStatus::Superseded => {
                conn.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?.execute([item.seq])?;
                if let (Some(seq), Some(mut meta)) = (o.seq, load_meta(conn, c.entity, &c.row)?) {
                    meta.server_seq = Some(meta.server_seq.map_or(seq, |s| s.max(seq)));
                    let stamp = c.stamp();
                    for f in c.fields.keys() {
                        if meta.stamps.get(f) == Some(&stamp) && !o.superseded.contains_key(f) {
                            meta.mine.insert(f.clone(), seq);
                        }
                    }
                    save_meta(conn, c.entity, &c.row, &c.pegawai, &meta)?;
                }
                if o.status == OutcomeStatus::Applied {
                    counts.applied += 1;
                } else {
                    counts.superseded += 1;
                }
                for (field, theirs) in &o.superseded {
                    let mine = c.fields.get(field).cloned().unwrap_or(Value::Null);
                    log_conflict(conn, &c.id, c, field, &mine, theirs)?;
                }
            }
            OutcomeStatus::Refused => {
                counts.refused += 1;
                conn.prepare_cached(
                    "UPDATE outbox SET state = 'refused', attempts = attempts + 1, code = ?1, message = ?2, updated_at = ?3
                     WHERE seq = ?4",
                )?
                .execute(params![o.code, o.message, at, item.seq])?;
            }
        }
    }
    Ok(counts)
}

/// A batch the hub could not take as a whole failed again for this one item: count it, and
/// set it aside as wedged after `max_attempts`, so the rest of the queue moves on.
pub(crate) fn note_failure(conn: &Connection, seq: i64, code: &str, message: &str, max_attempts: u32) -> Result<bool> {
    conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, code = ?1, message = ?2, updated_at = ?3,
         state = CASE WHEN attempts + 1 >= ?4 THEN 'wedged' ELSE 'pending' END WHERE seq = ?5",
    )?
    .execute(params![code, message, now(), max_attempts, seq])?;
    let state: Option<String> =
        conn.prepare_cached("SELECT state FROM outbox WHERE seq = ?1")?.query_row([seq], |r| r.get(0)).optional()?;
    Ok(state.as_deref() == Some("wedged"))
}

/// After a scope reset: forgets every record the device may no longer be shown, except those
/// with local changes still waiting (they are the author's and must not vanish).
pub(crate) fn purge_replica(conn: &Connection) -> Result<u64> {
    let n = conn.execute(
        "DELETE FROM pegawai WHERE id NOT IN (SELECT pegawai_id FROM outbox)
         AND id IN (SELECT pegawai_id FROM sync_row)",
        [],
    )?;
    conn.execute("DELETE FROM sync_row WHERE pegawai_id NOT IN (SELECT pegawai_id FROM outbox)", [])?;
    // The log is pulled again from its start: whatever waited comes again.
    conn.execute("DELETE FROM sync_parked", [])?;
    Ok(n as u64)
}
