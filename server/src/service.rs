//! What the handlers do, apart from HTTP: judge and apply pushed changes, select what a caller
//! may pull, and assemble a record for reading. Authorization is core's rule table; values are
//! normalised by core's field definitions; the merge is core's.

use berkas_core::authz::{self, Action, Decision, Principal, RowWrite, Target};
use berkas_core::docs::sha256_hex;
use berkas_core::forms::approved_change;
use berkas_core::model::{Entity, FieldDef, FieldError, FieldMap, Value};
use berkas_core::sync::{Change, ChangeOutcome, OutcomeStatus};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::{ApiError, STORE_BUSY};
use crate::state::AppState;
use crate::store::{BatchItem, PegawaiEntry, PullScope, StoreError};

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
    let write = change_write(change, row_exists);
    if let Decision::Deny { code: "forbidden.scope", reason } = authz::may(principal, Action::Read, target) {
        return Some(("forbidden.scope".into(), reason));
    }
    if entry.is_none() && change.entity != Entity::DataUtama {
        return Some(("pegawai.unknown".into(), "no pegawai with this id".into()));
    }
    match authz::may_write(principal, &write, target) {
        Decision::Allow => None,
        Decision::Deny { code, reason } => Some((code.into(), reason)),
    }
}

/// A pushed change as the one authorization function reads a write.
pub(crate) fn change_write(change: &Change, row_exists: bool) -> RowWrite<'_> {
    RowWrite {
        entity: change.entity,
        fields: change.fields.keys().map(String::as_str).collect(),
        creating_or_deleting: change.delete || !row_exists,
        status: change.fields.get("status").and_then(|v| v.as_str()),
        // The instansi's own papers of a proposal (surat pengantar, DPCP) are its facilitator's.
        of_proposal: change.entity == Entity::Dokumen
            && change.fields.get("entity").and_then(|v| v.as_str()) == Some(Entity::Proposal.key()),
        peran: change.fields.get("peran").and_then(|v| v.as_str()),
    }
}

/// Judges and applies a pushed batch. A batch whose write met one committed after it was
/// judged (another batch giving the same NIP to another record) is judged again, against
/// what is now stored, so it is refused by name instead of failing.
pub async fn push_batch(
    state: &AppState,
    principal: &Principal,
    changes: Vec<Change>,
) -> Result<Vec<ChangeOutcome>, ApiError> {
    const ATTEMPTS: usize = 3;
    for attempt in 1..ATTEMPTS {
        match judge_and_write(state, principal, changes.clone(), attempt == 1).await {
            Err(e) if e.code == STORE_BUSY => state.push_races.count_rejudged(),
            answer => return answer,
        }
    }
    judge_and_write(state, principal, changes, false).await
}

/// One round trip to learn what is known, judging in memory, one transaction to write.
/// Retries of a change already seen get the first answer.
async fn judge_and_write(
    state: &AppState,
    principal: &Principal,
    changes: Vec<Change>,
    first: bool,
) -> Result<Vec<ChangeOutcome>, ApiError> {
    if changes.iter().any(|c| c.id.is_empty() || c.row.is_empty() || c.pegawai.is_empty()) {
        return Err(ApiError::bad_request("sync.bad_change", "every change needs id, row and pegawai"));
    }
    let ids = changes.iter().map(|c| c.id.clone()).collect();
    let mut pegawai_ids: Vec<String> = changes.iter().map(|c| c.pegawai.clone()).collect();
    pegawai_ids.sort();
    pegawai_ids.dedup();
    let rows = changes.iter().map(|c| (c.entity, c.row.clone())).collect();
    let ctx = state.store.batch_context(ids, pegawai_ids, rows).await?;
    // Who holds each NIP the batch sets: a NIP is one person's, so a second record with it
    // (the same ASN typed in again on another device) is refused, not merged or failed.
    let nips: Vec<String> = changes
        .iter()
        .filter(|c| c.entity == Entity::DataUtama)
        .filter_map(|c| c.fields.get("nip_baru").and_then(|v| v.as_str()).map(str::to_string))
        .collect();
    let mut nip_holders: HashMap<String, String> = if nips.is_empty() {
        HashMap::new()
    } else {
        state.store.pegawai_by_nips(nips).await?.into_iter().map(|e| (e.nip, e.id)).collect()
    };
    let mut entries = ctx.pegawai.clone();
    let mut owners = ctx.row_owners.clone();
    let mut known: Vec<Option<ChangeOutcome>> = Vec::with_capacity(changes.len());
    let mut items = Vec::new();
    let mut moved_units: Vec<String> = Vec::new();
    let mut approvals: Vec<(usize, Change)> = Vec::new();
    let mut arrivals: Vec<(usize, Change)> = Vec::new();
    for mut change in changes {
        if change.entity == Entity::Usulan
            && matches!(change.fields.get("status").and_then(|v| v.as_str()), Some("APPROVED" | "COMPLETED"))
        {
            approvals.push((known.len(), change.clone()));
        }
        if let Some(o) = ctx.outcomes.get(&change.id) {
            known.push(Some(o.clone()));
            continue;
        }
        known.push(None);
        // A stamp from a clock far ahead of ours would win every later edit: refused, and the
        // device stamps it again by our time (nothing is lost).
        let now = berkas_core::sync::HlcClock::now_ms();
        if change.hlc.wall_ms > now.saturating_add(berkas_core::sync::MAX_CLOCK_DRIFT_MS) {
            let minutes = (change.hlc.wall_ms - now) / 60_000;
            let o = refused(
                &change,
                "sync.clock_ahead",
                format!("the device's clock is about {minutes} minutes ahead of the hub's; set the date and time"),
            );
            items.push(BatchItem::Refuse(change, o));
            continue;
        }
        if owners.get(&(change.entity, change.row.clone())).is_some_and(|owner| *owner != change.pegawai) {
            let o = refused(&change, "row.pegawai_mismatch", "this row belongs to another record");
            items.push(BatchItem::Refuse(change, o));
            continue;
        }
        let row_exists = owners.contains_key(&(change.entity, change.row.clone()));
        // The hub's time of arrival: a ticket's clock and a presence recap run on it.
        if matches!(change.entity, Entity::TiketPesan | Entity::Presensi) && !row_exists && !change.delete {
            arrivals.push((known.len() - 1, change.clone()));
        }
        if let Some((code, message)) = judge(principal, &change, entries.get(&change.pegawai), row_exists) {
            let o = refused(&change, &code, message);
            items.push(BatchItem::Refuse(change, o));
            continue;
        }
        let def = change.entity.def();
        let mut clean = FieldMap::new();
        let mut bad = None;
        for (name, value) in std::mem::take(&mut change.fields) {
            let Some(field) = def.field(&name) else { continue };
            match accept_value(state, field, value) {
                Ok(v) => {
                    clean.insert(name, v);
                }
                Err(e) => {
                    bad = Some(refused(&change, &e.code, e.to_string()));
                    break;
                }
            }
        }
        if let Some(o) = bad {
            items.push(BatchItem::Refuse(change, o));
            continue;
        }
        change.fields = clean;
        if let Some(nip) =
            change.fields.get("nip_baru").and_then(|v| v.as_str()).filter(|_| change.entity == Entity::DataUtama)
        {
            match nip_holders.get(nip) {
                Some(holder) if *holder != change.pegawai => {
                    let o = refused(&change, "nip.taken", format!("NIP {nip} is already another record's"));
                    items.push(BatchItem::Refuse(change, o));
                    continue;
                }
                Some(_) => {}
                None => {
                    nip_holders.insert(nip.to_string(), change.pegawai.clone());
                }
            }
        }
        if change.entity == Entity::DataUtama {
            let new_unit = change.fields.get("unit").and_then(|v| v.as_str()).map(str::to_string);
            match entries.get_mut(&change.pegawai) {
                // A mutasi: the facilitators of the old and the new unit see different records.
                Some(e) if change.fields.contains_key("unit") && e.unit != new_unit => {
                    moved_units.extend(e.unit.iter().cloned().chain(new_unit.iter().cloned()));
                    e.unit = new_unit;
                }
                Some(_) => {}
                // A pegawai created by this batch: later changes in it may refer to them.
                None => {
                    let text = |f: &str| change.fields.get(f).and_then(|v| v.as_str()).map(str::to_string);
                    entries.insert(
                        change.pegawai.clone(),
                        PegawaiEntry {
                            id: change.pegawai.clone(),
                            nip: text("nip_baru").unwrap_or_default(),
                            nama: text("nama").unwrap_or_default(),
                            unit: new_unit,
                        },
                    );
                }
            }
        }
        owners.insert((change.entity, change.row.clone()), change.pegawai.clone());
        items.push(BatchItem::Apply(change));
    }
    if let Some(hold) = state.push_races.hold_after_judging.as_ref().filter(|_| first) {
        hold.wait().await;
    }
    let mut written = state.store.apply_batch(items, &principal.username).await?.into_iter();
    let outcomes = known.into_iter().map(|k| k.or_else(|| written.next())).collect::<Option<Vec<_>>>();
    if !moved_units.is_empty() {
        moved_units.sort();
        moved_units.dedup();
        state.store.bump_scope_of_units(&moved_units).await?;
    }
    let outcomes = outcomes.ok_or_else(|| ApiError::internal("the store answered fewer outcomes than changes"))?;
    // A retried approval (known already) is looked at again: if the hub stopped between the
    // approval and its application, the retry completes it; the derived id keeps it single.
    let accepted = approvals.into_iter().filter(|(i, _)| outcomes[*i].status != OutcomeStatus::Refused);
    for (_, approval) in accepted {
        apply_approved(state, principal, &approval).await?;
    }
    let arrived: Vec<Change> =
        arrivals.into_iter().filter(|(i, _)| outcomes[*i].status != OutcomeStatus::Refused).map(|(_, c)| c).collect();
    stamp_arrival(state, principal, &arrived).await?;
    Ok(outcomes)
}

/// A pushed (or imported) value as the official record takes it: normalised and checked like
/// on a device, reference codes included (an old or foreign client cannot put a code the tables
/// do not know into the record).
pub(crate) fn accept_value(state: &AppState, field: &FieldDef, value: Value) -> Result<Value, FieldError> {
    berkas_core::model::accept_value(field, value, state.referensi.codes().as_ref())
}

/// One audit entry per record written (`pegawai` holds a record once per change written), with
/// how many changes it took.
pub(crate) async fn audit_writes(
    state: &AppState,
    actor: &str,
    action: &str,
    pegawai: impl IntoIterator<Item = String>,
    remote: Option<&str>,
) -> Result<(), StoreError> {
    let mut touched: BTreeMap<String, usize> = BTreeMap::new();
    for p in pegawai {
        *touched.entry(p).or_default() += 1;
    }
    let entries = touched.into_iter().map(|(p, n)| (p, serde_json::json!({ "changes": n }))).collect();
    state.store.audit_many(actor, action, entries, remote).await
}

/// An id of its own for what is derived from `key` (an approval's application, an
/// imported SIASN row): the same key always gives the same id, so a retry adds nothing.
pub(crate) fn derived_id(key: &str) -> String {
    let h = sha256_hex(key.as_bytes());
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// An approved data-update request becomes one change of the official record, made by the
/// hub in the approver's name at the approval's clock, which every device then pulls. The
/// rule for what an approval changes is core's ([`approved_change`]).
async fn apply_approved(state: &AppState, principal: &Principal, approval: &Change) -> Result<(), ApiError> {
    let rows = state.store.rows_of(&approval.pegawai).await?;
    let Some((_, _, usulan)) =
        rows.iter().find(|(e, id, r)| *e == Entity::Usulan && *id == approval.row && r.is_live())
    else {
        return Ok(());
    };
    let catalog = layanan_catalog(state).await?;
    let Some((entity, row, fields)) = approved_change(&catalog, &approval.row, &approval.pegawai, &usulan.values)
    else {
        return Ok(());
    };
    let id = derived_id(&format!("berkas-apply:{}", approval.id));
    let ctx = state.store.batch_context(vec![id.clone()], vec![], vec![]).await?;
    if ctx.outcomes.contains_key(&id) {
        return Ok(());
    }
    let def = entity.def();
    let mut clean = FieldMap::new();
    for (name, value) in fields {
        let Some(field) = def.field(&name) else { continue };
        // Checked on the device when proposed; a value the hub cannot accept stays unapplied
        // rather than putting a bad value into the official record.
        match accept_value(state, field, value) {
            Ok(v) => {
                clean.insert(name, v);
            }
            Err(e) => eprintln!("warning: an approved {name} is not valid ({}); not applied", e.code),
        }
    }
    if clean.is_empty() {
        return Ok(());
    }
    let derived = Change {
        id,
        entity,
        row,
        pegawai: approval.pegawai.clone(),
        delete: false,
        fields: clean,
        hlc: approval.hlc,
        device: "hub".into(),
        base: None,
    };
    state.store.apply_batch(vec![BatchItem::Apply(derived)], &principal.username).await?;
    Ok(())
}

/// A change of the hub's own (a recovery ticket, an atasan's decision): stamped by the hub's
/// clock now, so it wins over what devices wrote before it.
pub(crate) fn hub_change(entity: Entity, row: &str, pegawai: &str, fields: FieldMap) -> Change {
    Change {
        id: uuid::Uuid::now_v7().to_string(),
        entity,
        row: row.into(),
        pegawai: pegawai.into(),
        delete: false,
        fields,
        hlc: berkas_core::sync::HlcClock::new(berkas_core::sync::Hlc { wall_ms: 0, counter: 0 })
            .tick(berkas_core::sync::HlcClock::now_ms()),
        device: "hub".into(),
        base: None,
    }
}

/// Each new step of a ticket and each check-in gets the hub's time of arrival (`diterima`), a
/// change of the hub's own that every device pulls: the 2x24 h clock runs on it, never on a
/// device's clock, a ticket written offline starts its clock when it reaches the helpdesk, and a
/// presence recap counts what had arrived by its time.
async fn stamp_arrival(state: &AppState, principal: &Principal, steps: &[Change]) -> Result<(), ApiError> {
    if steps.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = steps.iter().map(|c| derived_id(&format!("berkas-diterima:{}", c.id))).collect();
    let ctx = state.store.batch_context(ids.clone(), vec![], vec![]).await?;
    let now_ms = berkas_core::sync::HlcClock::now_ms();
    let at = chrono::DateTime::from_timestamp_millis(now_ms as i64)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let items = steps
        .iter()
        .zip(ids)
        .filter(|(_, id)| !ctx.outcomes.contains_key(id))
        .map(|(step, id)| {
            let fields: FieldMap = [("diterima".to_string(), Value::Text(at.clone()))].into_iter().collect();
            // After the step's own stamp, so it never loses to it.
            let hlc = berkas_core::sync::HlcClock::new(step.hlc).tick(now_ms);
            BatchItem::Apply(Change {
                id,
                entity: step.entity,
                row: step.row.clone(),
                pegawai: step.pegawai.clone(),
                delete: false,
                fields,
                hlc,
                device: "hub".into(),
                base: None,
            })
        })
        .collect::<Vec<_>>();
    if !items.is_empty() {
        state.store.apply_batch(items, &principal.username).await?;
    }
    Ok(())
}

/// A stored change with its sequence put in front, as raw JSON: a pull page is mostly bytes
/// the hub already holds, and parsing and re-serialising each change cost more than the rest
/// of the pull together.
fn pulled_json(seq: i64, body: &str) -> Result<Box<RawValue>, ApiError> {
    let rest = body.strip_prefix('{').ok_or_else(|| ApiError::internal("a stored change is not a JSON object"))?;
    let sep = if rest.trim_start().starts_with('}') { "" } else { "," };
    RawValue::from_string(format!("{{\"seq\":{seq}{sep}{rest}"))
        .map_err(|_| ApiError::internal("a stored change is not valid JSON"))
}

/// A pull page as the hub sends it: each change the raw JSON it logged.
pub type HubPullPage = berkas_core::sync::protocol::PullPage<Box<RawValue>>;

/// Changes after `cursor` that the caller may see, at most `limit`; the cursor moves past the
/// ones they may not see too.
pub async fn pull(
    state: &AppState,
    principal: &Principal,
    scope_version: i64,
    known_scope: Option<i64>,
    cursor: i64,
    limit: u32,
) -> Result<(HubPullPage, BTreeSet<String>), ApiError> {
    if known_scope.is_some_and(|k| k != scope_version) {
        let reset =
            HubPullPage { changes: Vec::new(), next_cursor: 0, has_more: true, scope_version, scope_reset: true };
        return Ok((reset, BTreeSet::new()));
    }
    let page = |changes, next_cursor, has_more| HubPullPage {
        changes,
        next_cursor,
        has_more,
        scope_version,
        scope_reset: false,
    };
    let limit = limit.clamp(1, 5000);
    let mut out = Vec::new();
    // Whose locations this page carries, other than the caller's own: each such read is audited.
    let mut lokasi = BTreeSet::new();
    let mut next = cursor;
    let scope = pull_scope(principal);
    loop {
        // An ASN's or a unit's pull reads its records' changes by index; an instansi-wide one
        // reads the log. Either way each change is judged again below.
        let (batch, exhausted) = match &scope {
            Some(scope) => {
                let (batch, head) = state.store.changes_in_scope_after(next, 1000, scope).await?;
                let exhausted = batch.len() < 1000;
                (batch, exhausted.then_some(head))
            }
            None => {
                let batch = state.store.changes_after(next, 1000).await?;
                let exhausted = batch.len() < 1000;
                (batch, exhausted.then_some(next))
            }
        };
        for logged in batch {
            if out.len() as u32 >= limit {
                return Ok((page(out, next, true), lokasi));
            }
            next = logged.seq;
            let target = Target { pegawai_id: &logged.pegawai, unit: logged.unit.as_deref() };
            if principal.may_read(logged.entity, target) {
                out.push(pulled_json(logged.seq, &logged.body)?);
                let located = matches!(logged.entity, Entity::Presensi | Entity::TempatWfh);
                if located && principal.pegawai_id.as_deref() != Some(logged.pegawai.as_str()) {
                    lokasi.insert(logged.pegawai.clone());
                }
            }
        }
        if let Some(head) = exhausted {
            // Past the changes the caller may not see too, up to the log's head.
            return Ok((page(out, next.max(head), false), lokasi));
        }
    }
}

/// The records a pull of `principal` may show at most, or `None` when it may read changes of
/// the whole instansi (the log is then read as it is).
fn pull_scope(principal: &Principal) -> Option<PullScope> {
    use berkas_core::authz::{scope, Action, Scope};
    let widest = [Action::Read, Action::ReadConfidential].map(|a| scope(principal.role, a));
    if widest.contains(&Scope::Instansi) {
        return None;
    }
    let units = if widest.contains(&Scope::Unit) { principal.units.clone() } else { Vec::new() };
    Some(PullScope { own: principal.pegawai_id.clone(), units })
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

const LAYANAN_CATALOG: &str = "layanan.catalog";

/// The layanan catalogue in force: the published one, else the one Berkas ships.
pub async fn layanan_catalog(state: &AppState) -> Result<berkas_core::forms::LayananCatalog, ApiError> {
    catalog_in(state.store.as_ref()).await
}

/// The catalogue in force in `store` (the built-in one until one is published).
pub async fn catalog_in(store: &dyn crate::store::Storage) -> Result<berkas_core::forms::LayananCatalog, ApiError> {
    match store.setting(LAYANAN_CATALOG).await? {
        Some(json) => berkas_core::forms::LayananCatalog::parse(&json).map_err(ApiError::internal),
        None => Ok(berkas_core::forms::LayananCatalog::builtin()),
    }
}

/// Puts a catalogue in force (checked by the caller).
pub async fn set_layanan_catalog(state: &AppState, json: &str) -> Result<(), ApiError> {
    set_catalog_in(state.store.as_ref(), json).await
}

pub async fn set_catalog_in(store: &dyn crate::store::Storage, json: &str) -> Result<(), ApiError> {
    Ok(store.set_setting(LAYANAN_CATALOG, json).await?)
}
