//! What a device shows and does about sync without the network: the outbox (list, retry,
//! discard), the conflict log, the sync state of a record, and the status line.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::records::{self, RowData};
use crate::store::replica::{self, meta_get, Prior};
use crate::store::{audit, now};
use crate::sync::Change;

/// Where an outbox item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Uploading,
    Refused,
    Wedged,
}

impl OutboxState {
    fn parse(s: &str) -> OutboxState {
        match s {
            "uploading" => OutboxState::Uploading,
            "refused" => OutboxState::Refused,
            "wedged" => OutboxState::Wedged,
            _ => OutboxState::Pending,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxItem {
    pub id: String,
    pub entity: Entity,
    pub row_id: String,
    pub pegawai_id: String,
    pub author: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub delete: bool,
    pub fields: FieldMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub created_at: String,
}

/// A local edit that lost to a later one: what the author wrote and what holds now.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub id: i64,
    pub change_id: String,
    pub entity: Entity,
    pub row_id: String,
    pub pegawai_id: String,
    pub field: String,
    pub mine: Value,
    pub theirs: Value,
    pub at: String,
}

/// The sync state of one record, for the badge beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSyncState {
    /// Nothing waiting, nothing refused, no unseen conflict.
    Synced,
    Pending,
    Uploading,
    /// A change of it was refused or wedged; see the outbox for the reason.
    Refused,
    /// A local edit lost; see the conflict log.
    Conflict,
}

impl RecordSyncState {
    /// The state's code, as it is serialised (`pending`, `refused` ...).
    pub fn code(self) -> &'static str {
        match self {
            RecordSyncState::Synced => "synced",
            RecordSyncState::Pending => "pending",
            RecordSyncState::Uploading => "uploading",
            RecordSyncState::Refused => "refused",
            RecordSyncState::Conflict => "conflict",
        }
    }

    /// What an outbox item in `state` makes its record.
    pub(crate) fn of_outbox(state: &str) -> RecordSyncState {
        match state {
            "refused" | "wedged" => RecordSyncState::Refused,
            "uploading" => RecordSyncState::Uploading,
            _ => RecordSyncState::Pending,
        }
    }

    /// The one a record shows when several apply: what needs the person's action first.
    pub(crate) fn worst(self, other: RecordSyncState) -> RecordSyncState {
        let rank = |s: RecordSyncState| match s {
            RecordSyncState::Synced => 0,
            RecordSyncState::Pending => 1,
            RecordSyncState::Uploading => 2,
            RecordSyncState::Conflict => 3,
            RecordSyncState::Refused => 4,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    pub server: Option<String>,
    pub user: Option<String>,
    /// The signed-in account's role on the hub (`asn`, `fasilitator`, `admin` ...).
    pub role: Option<String>,
    pub device: Option<String>,
    pub cursor: i64,
    pub last_sync: Option<String>,
    pub pending: u64,
    pub uploading: u64,
    pub refused: u64,
    pub wedged: u64,
    pub conflicts: u64,
}

fn parse_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<(OutboxItem, String)> {
    let change: String = r.get(6)?;
    let entity: String = r.get(1)?;
    Ok((
        OutboxItem {
            id: r.get(0)?,
            entity: Entity::from_key(&entity).unwrap_or(Entity::DataUtama),
            row_id: r.get(2)?,
            pegawai_id: r.get(3)?,
            author: r.get(4)?,
            state: OutboxState::parse(&r.get::<_, String>(5)?),
            attempts: r.get(7)?,
            delete: false,
            fields: FieldMap::new(),
            code: r.get(8)?,
            message: r.get(9)?,
            created_at: r.get(10)?,
        },
        change,
    ))
}

const ITEM_COLUMNS: &str = "id, entity, row_id, pegawai_id, author, state, change, attempts, code, message, created_at";

fn with_change(item: (OutboxItem, String)) -> Result<OutboxItem> {
    let (mut item, json) = item;
    let c: Change =
        serde_json::from_str(&json).map_err(|e| Error::BadDocument(format!("stored outbox change is damaged: {e}")))?;
    item.delete = c.delete;
    item.fields = c.fields;
    Ok(item)
}

impl Berkas {
    /// Every change not yet settled with the hub, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        let store = self.store();
        let mut st = store.conn.prepare(&format!("SELECT {ITEM_COLUMNS} FROM outbox ORDER BY seq"))?;
        let rows = st.query_map([], parse_item)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(with_change).collect()
    }

    /// Sends a refused or wedged change again at the next sync (after the author fixed what the
    /// hub objected to, or the hub was fixed).
    pub fn outbox_retry(&self, id: &str) -> Result<()> {
        let store = self.store();
        let n = store.conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, code = NULL, message = NULL, updated_at = ?1
             WHERE id = ?2 AND state IN ('refused', 'wedged')",
            params![now(), id],
        )?;
        if n == 0 {
            return Err(Error::NotFound("refused or wedged outbox item"));
        }
        Ok(())
    }

    /// Gives up a change that has not reached the hub, and puts back what it replaced where
    /// nothing newer has been written since. A change being uploaded cannot be discarded.
    pub fn outbox_discard(&self, id: &str) -> Result<()> {
        let mut store = self.store();
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(i64, String, String, String)> = tx
            .query_row("SELECT seq, state, change, prior FROM outbox WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((seq, state, change, prior)) = found else { return Err(Error::NotFound("outbox item")) };
        if state == "uploading" {
            return Err(Error::invalid("id", "outbox.uploading", "is being uploaded; sync first, then decide"));
        }
        let bad = |e: serde_json::Error| Error::BadDocument(format!("stored outbox item is damaged: {e}"));
        let change: Change = serde_json::from_str(&change).map_err(bad)?;
        let prior: Prior = serde_json::from_str(&prior).map_err(bad)?;
        let def = change.entity.def();
        let mine = change.stamp();
        let mut meta = replica::load_meta(&tx, change.entity, &change.row)?.unwrap_or_default();
        let at = now();
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        if change.delete {
            let gone = records::load_row(&tx, def, &change.row)?.is_none();
            if gone && meta.tombstone.as_ref() == Some(&mine) {
                if let Some(values) = prior.row.clone() {
                    let pegawai_id = (change.entity != Entity::DataUtama).then(|| change.pegawai.clone());
                    let row = RowData::new(change.row.clone(), pegawai_id, None, values);
                    records::insert_row(&tx, def, &row, self.actor(), &at)?;
                }
                meta.tombstone = prior.tombstone.clone();
                meta.stamps = prior.stamps.clone();
            }
        } else if prior.created {
            // The row exists only because of this change: it goes, with what was queued on it.
            records::delete_row(&tx, def, &change.row)?;
            tx.execute(
                "DELETE FROM outbox WHERE entity = ?1 AND row_id = ?2",
                params![change.entity.key(), change.row],
            )?;
            tx.execute(
                "DELETE FROM sync_row WHERE entity = ?1 AND row_id = ?2",
                params![change.entity.key(), change.row],
            )?;
        } else {
            let mut restore = FieldMap::new();
            for f in change.fields.keys() {
                if meta.stamps.get(f) == Some(&mine) {
                    restore.insert(f.clone(), prior.values.get(f).cloned().unwrap_or(Value::Null));
                    match prior.stamps.get(f) {
                        Some(s) => meta.stamps.insert(f.clone(), s.clone()),
                        None => meta.stamps.remove(f),
                    };
                }
            }
            if records::load_row(&tx, def, &change.row)?.is_some() {
                records::update_row(&tx, def, &change.row, &restore, self.actor(), &at)?;
            }
        }
        if !prior.created || change.delete {
            replica::save_meta(&tx, change.entity, &change.row, &change.pegawai, &meta)?;
        }
        audit::record(
            &tx,
            &at,
            self.actor(),
            "discard",
            Some(def.table),
            Some(&change.row),
            Some(&change.pegawai),
            Some(&serde_json::json!({ "fields": change.fields.keys().collect::<Vec<_>>(), "delete": change.delete })),
        )?;
        records::refresh_completeness(&tx, &change.pegawai)?;
        if prior.created && change.entity == Entity::DataUtama {
            // The hub's record with the same NIP may have waited for this one to go.
            let (actor, device) = replica::remote_identity(&tx, self.actor())?;
            replica::retry_parked(&tx, &replica::RemoteContext { actor: &actor, device: &device, at: &at })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The conflict log: local edits that lost, newest first (dismissed ones only if asked).
    pub fn conflicts(&self, include_dismissed: bool) -> Result<Vec<Conflict>> {
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT id, change_id, entity, row_id, pegawai_id, field, mine, theirs, at FROM conflict
             WHERE dismissed = 0 OR ?1 ORDER BY id DESC",
        )?;
        let rows = st
            .query_map([include_dismissed], |r| {
                let entity: String = r.get(2)?;
                let mine: String = r.get(6)?;
                let theirs: String = r.get(7)?;
                Ok(Conflict {
                    id: r.get(0)?,
                    change_id: r.get(1)?,
                    entity: Entity::from_key(&entity).unwrap_or(Entity::DataUtama),
                    row_id: r.get(3)?,
                    pegawai_id: r.get(4)?,
                    field: r.get(5)?,
                    mine: serde_json::from_str(&mine).unwrap_or(Value::Null),
                    theirs: serde_json::from_str(&theirs).unwrap_or(Value::Null),
                    at: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The author has seen a conflict; it leaves the list but stays in the log.
    pub fn dismiss_conflict(&self, id: i64) -> Result<()> {
        let n = self.store().conn.execute("UPDATE conflict SET dismissed = 1 WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(Error::NotFound("conflict"));
        }
        Ok(())
    }

    /// The sync state of the record of `nip`.
    pub fn record_sync_state(&self, nip: &str) -> Result<RecordSyncState> {
        let store = self.store();
        let id = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let states: Vec<String> = store
            .conn
            .prepare("SELECT DISTINCT state FROM outbox WHERE pegawai_id = ?1")?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let conflicts: i64 = store.conn.query_row(
            "SELECT count(*) FROM conflict WHERE pegawai_id = ?1 AND dismissed = 0",
            [&id],
            |r| r.get(0),
        )?;
        let state = states.iter().fold(RecordSyncState::Synced, |s, x| s.worst(RecordSyncState::of_outbox(x)));
        Ok(if conflicts > 0 { state.worst(RecordSyncState::Conflict) } else { state })
    }

    /// Makes the next sync pull the whole visible log again, keeping everything here: a repair
    /// for support, and harmless, since applying a change twice changes nothing.
    pub fn resync_from_start(&self) -> Result<()> {
        replica::meta_set(&self.store().conn, "sync.cursor", "0")
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let store = self.store();
        let c = &store.conn;
        let mut s = SyncStatus {
            server: meta_get(c, "sync.server")?,
            user: meta_get(c, "sync.user")?,
            role: meta_get(c, "sync.role")?,
            device: meta_get(c, "sync.device")?,
            cursor: meta_get(c, "sync.cursor")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            last_sync: meta_get(c, "sync.last")?,
            ..SyncStatus::default()
        };
        let mut st = c.prepare("SELECT state, count(*) FROM outbox GROUP BY state")?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (state, n) = row?;
            let n = n as u64;
            match OutboxState::parse(&state) {
                OutboxState::Pending => s.pending = n,
                OutboxState::Uploading => s.uploading = n,
                OutboxState::Refused => s.refused = n,
                OutboxState::Wedged => s.wedged = n,
            }
        }
        s.conflicts =
            c.query_row("SELECT count(*) FROM conflict WHERE dismissed = 0", [], |r| r.get::<_, i64>(0))? as u64;
        Ok(s)
    }
}
