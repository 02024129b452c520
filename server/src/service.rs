//! What the handlers do, apart from HTTP: judge and apply pushed changes, select what a caller
//! may pull, and assemble a record for reading. Authorization is core's rule table; values are
//! normalised by core's field definitions; the merge is core's.

use berkas_core::authz::{row_action, write_action, Action, Principal, Target};
use berkas_core::model::{normalize, Entity, FieldMap};
use berkas_core::sync::{Change, ChangeOutcome, OutcomeStatus};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::api::AppState;
use crate::error::ApiError;
use crate::store::PegawaiEntry;

fn refused(change: &Change, code: &str, message: impl Into<String>) -> ChangeOutcome {
    ChangeOutcome {
        id: change.id.clone(),
        status: OutcomeStatus::Refused,
        seq: None,
        superseded: FieldMap::new(),
        code: Some(code.to_string()),
        message: Some(message.into()),
    }
}

/// Decides whether `principal` may make `change`; `None` means allowed.
fn judge(
    principal: &Principal,
    change: &Change,
    entry: Option<&PegawaiEntry>,
    row_exists: bool,
) -> Option<(String, String)> {
    let unit = entry.and_then(|e| e.unit.clone()).or_else(|| {
        (change.entity == Entity::DataUtama)
            .then(|| change.fields.get("unit").and_then(|v| v.as_str()).map(str::to_string))
            .flatten()
    });
    let target = Target { pegawai_id: &change.pegawai, unit: unit.as_deref() };
    if !principal.may(Action::Read, target) {
        // Same answer whether the pegawai exists or not.
        return Some(("forbidden.scope".into(), "this record is not in your scope".into()));
    }
    if entry.is_none() && change.entity != Entity::DataUtama {
        return Some(("pegawai.unknown".into(), "no pegawai with this id".into()));
    }
    let creating_or_deleting = change.delete || !row_exists;
    if creating_or_deleting {
        let action = if change.entity == Entity::DataUtama { Action::WriteOfficial } else { row_action(change.entity) };
        if !principal.may(action, target) {
            return Some((
                "forbidden.row".into(),
                format!("your role may not add or delete {} rows", change.entity.def().table),
            ));
        }
    }
    for field in change.fields.keys() {
        match write_action(change.entity, field) {
            None => {
                return Some(("field.unknown".into(), format!("{} has no field {field}", change.entity.def().table)))
            }
            Some(action) if !principal.may(action, target) => {
                return Some(("forbidden.field".into(), format!("your role may not change {field} of this record")));
            }
            Some(_) => {}
        }
    }
    None
}

/// Judges and applies one pushed change. Retries of a change already seen get the first answer.
pub async fn push_one(state: &AppState, principal: &Principal, mut change: Change) -> Result<ChangeOutcome, ApiError> {
    if change.id.is_empty() || change.row.is_empty() || change.pegawai.is_empty() {
        return Err(ApiError::bad_request("sync.bad_change", "every change needs id, row and pegawai"));
    }
    if let Some(o) = state.store.outcome_of(&change.id).await? {
        return Ok(o);
    }
    let entry = state.store.pegawai_by_id(&change.pegawai).await?;
    let rows = match &entry {
        Some(_) => state.store.rows_of(&change.pegawai).await?,
        None => Vec::new(),
    };
    let row = rows.iter().find(|(e, id, _)| *e == change.entity && *id == change.row);
    // A row id that belongs to another pegawai cannot be reached through this one.
    if row.is_none() {
        if let Some(other) = state.store.row_owner(change.entity, &change.row).await? {
            if other != change.pegawai {
                let o = refused(&change, "row.pegawai_mismatch", "this row belongs to another record");
                state.store.record_refusal(change, &principal.username, &o).await?;
                return Ok(o);
            }
        }
    }
    if let Some((code, message)) = judge(principal, &change, entry.as_ref(), row.is_some()) {
        let o = refused(&change, &code, message);
        state.store.record_refusal(change, &principal.username, &o).await?;
        return Ok(o);
    }
    let def = change.entity.def();
    let mut clean = FieldMap::new();
    for (name, value) in std::mem::take(&mut change.fields) {
        let Some(field) = def.field(&name) else { continue };
        match normalize(field, value) {
            Ok(v) => {
                clean.insert(name, v);
            }
            Err(e) => {
                let o = refused(&change, &e.code, format!("{}: {}", e.field, e.message));
                state.store.record_refusal(change, &principal.username, &o).await?;
                return Ok(o);
            }
        }
    }
    change.fields = clean;
    let moved_from = entry.as_ref().and_then(|e| e.unit.clone());
    let moves = change.entity == Entity::DataUtama && change.fields.contains_key("unit");
    let pegawai_id = change.pegawai.clone();
    let outcome = state.store.apply(change, &principal.username).await?;
    if moves {
        // A mutasi: the facilitators of the old and the new unit now see different records.
        let now_in = state.store.pegawai_by_id(&pegawai_id).await?.and_then(|e| e.unit);
        if now_in != moved_from {
            let units: Vec<String> = moved_from.into_iter().chain(now_in).collect();
            state.store.bump_scope_of_units(&units).await?;
        }
    }
    Ok(outcome)
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PulledChange {
    pub seq: i64,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    pub next_cursor: i64,
    pub has_more: bool,
    /// The caller's current scope version; send it back as `scope` on the next pull.
    pub scope_version: i64,
    /// What the caller may see changed since the `scope` they sent: purge the local copy and
    /// pull again from cursor 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scope_reset: bool,
}

/// Changes after `cursor` that the caller may see, at most `limit`; the cursor moves past the
/// ones they may not see too.
pub async fn pull(
    state: &AppState,
    principal: &Principal,
    scope_version: i64,
    known_scope: Option<i64>,
    cursor: i64,
    limit: u32,
) -> Result<PullPage, ApiError> {
    if known_scope.is_some_and(|k| k != scope_version) {
        return Ok(PullPage { changes: Vec::new(), next_cursor: 0, has_more: true, scope_version, scope_reset: true });
    }
    let page =
        |changes, next_cursor, has_more| PullPage { changes, next_cursor, has_more, scope_version, scope_reset: false };
    let limit = limit.clamp(1, 5000);
    let mut units: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::new();
    let mut next = cursor;
    loop {
        let batch = state.store.changes_after(next, 1000).await?;
        let exhausted = batch.len() < 1000;
        for logged in batch {
            if out.len() as u32 >= limit {
                return Ok(page(out, next, true));
            }
            next = logged.seq;
            let pid = logged.change.pegawai.clone();
            if !units.contains_key(&pid) {
                let unit = state.store.pegawai_by_id(&pid).await?.and_then(|e| e.unit);
                units.insert(pid.clone(), unit);
            }
            let unit = units.get(&pid).cloned().flatten();
            if principal.may_read(logged.change.entity, Target { pegawai_id: &pid, unit: unit.as_deref() }) {
                out.push(PulledChange { seq: logged.seq, change: logged.change });
            }
        }
        if exhausted {
            return Ok(page(out, next, false));
        }
    }
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordRow {
    pub id: String,
    pub values: FieldMap,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordView {
    pub id: String,
    pub nip: String,
    pub unit: Option<String>,
    pub data_utama: FieldMap,
    pub riwayat: BTreeMap<Entity, Vec<RecordRow>>,
}

/// The record of `nip` as the caller may see it, or not-found (also when out of scope).
pub async fn read_record(state: &AppState, principal: &Principal, nip: &str) -> Result<RecordView, ApiError> {
    let entry = state.store.pegawai_by_nip(nip).await?.ok_or_else(ApiError::not_found)?;
    let target = Target { pegawai_id: &entry.id, unit: entry.unit.as_deref() };
    if !principal.may(Action::Read, target) {
        return Err(ApiError::not_found());
    }
    let mut view = RecordView {
        id: entry.id.clone(),
        nip: entry.nip.clone(),
        unit: entry.unit.clone(),
        data_utama: FieldMap::new(),
        riwayat: BTreeMap::new(),
    };
    for (entity, row_id, state_row) in state.store.rows_of(&entry.id).await? {
        if !state_row.is_live() || !principal.may_read(entity, target) {
            continue;
        }
        if entity == Entity::DataUtama {
            view.data_utama = state_row.values;
        } else {
            view.riwayat.entry(entity).or_default().push(RecordRow { id: row_id, values: state_row.values });
        }
    }
    Ok(view)
}
