//! A pushed batch written to PostgreSQL in a fixed number of round trips, whatever its size:
//! what is known (earlier outcomes, the rows' states, sequence numbers) is read in one pipelined
//! round trip, the merge runs in memory in the batch's order, and the log, the rows, the pegawai
//! index and the refusals are written as one multi-row statement each, pipelined. A change
//! costs no round trip of its own (it cost two), which matters because writers take turns.

use berkas_core::model::{Entity, Value};
use berkas_core::sync::{merge, Change, ChangeOutcome, RowState};
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;

use super::{entity_name, merged_outcome, now_text, status_text, BatchItem, StoreError, StoreResult};

/// Applies `items` inside `tx`, which holds the log's write lock; outcomes in order.
pub(super) async fn apply_items(
    tx: &Transaction<'_>,
    items: &[BatchItem],
    author: &str,
) -> StoreResult<Vec<ChangeOutcome>> {
    let applies: Vec<&Change> = items
        .iter()
        .filter_map(|i| match i {
            BatchItem::Apply(c) => Some(c),
            BatchItem::Refuse(..) => None,
        })
        .collect();
    let ids: Vec<&str> = applies.iter().map(|c| c.id.as_str()).collect();
    let entities: Vec<String> = applies.iter().map(|c| entity_name(c.entity)).collect();
    let row_ids: Vec<&str> = applies.iter().map(|c| c.row.as_str()).collect();
    let count = applies.len() as i64;
    let p_seen: [&(dyn ToSql + Sync); 1] = [&ids];
    let p_rows: [&(dyn ToSql + Sync); 2] = [&entities, &row_ids];
    let p_seqs: [&(dyn ToSql + Sync); 1] = [&count];
    let (seen, stored, seqs) = tokio::try_join!(
        tx.query("SELECT id, outcome FROM changes WHERE id = ANY($1::text[])", &p_seen),
        tx.query(
            "SELECT entity, row_id, state FROM rows
             WHERE (entity, row_id) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
            &p_rows,
        ),
        // Numbers a change does not use (a retry's) leave a gap, which the cursor does not mind.
        tx.query(
            "SELECT nextval(pg_get_serial_sequence('changes', 'seq')) AS s FROM generate_series(1, $1::bigint) ORDER BY s",
            &p_seqs,
        ),
    )?;
    let mut known: HashMap<String, ChangeOutcome> = HashMap::with_capacity(seen.len());
    for r in &seen {
        known.insert(r.get(0), serde_json::from_str(r.get(1))?);
    }
    let mut states: HashMap<(Entity, String), Slot> = HashMap::with_capacity(stored.len());
    for r in &stored {
        let Some(entity) = super::entity_from(r.get(0)) else { continue };
        states.insert((entity, r.get(1)), Slot { state: serde_json::from_str(r.get(2))?, ..Slot::default() });
    }
    let mut seqs = seqs.iter().map(|r| r.get::<_, i64>(0));
    let mut log = Log::default();
    let received = now_text();
    let mut touched: Vec<(Entity, String)> = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let change = match item {
            BatchItem::Apply(change) => change,
            BatchItem::Refuse(change, outcome) => {
                log.refused.push(change, serde_json::to_string(change)?, serde_json::to_string(outcome)?);
                out.push(outcome.clone());
                continue;
            }
        };
        // A retry of a change already taken (before, or earlier in this batch) gets the first
        // answer, and nothing changes.
        if let Some(o) = known.get(&change.id) {
            out.push(o.clone());
            continue;
        }
        let seq = seqs.next().ok_or_else(|| StoreError::Task("fewer sequence numbers than changes".into()))?;
        let key = (change.entity, change.row.clone());
        let slot = states.entry(key.clone()).or_default();
        if slot.seq.is_none() {
            touched.push(key);
            // The row belongs to the pegawai of its first change (as the upsert keeps it).
            slot.pegawai = change.pegawai.clone();
        }
        let merged = merge(&mut slot.state, change);
        slot.seq = Some(seq);
        let outcome = merged_outcome(change, merged, seq);
        let status = status_text(outcome.status);
        log.applied.push(seq, change, serde_json::to_string(change)?, status, serde_json::to_string(&outcome)?);
        known.insert(change.id.clone(), outcome.clone());
        out.push(outcome);
    }

    let mut rows = Rows::default();
    let mut index = Index::default();
    let mut times = Times::default();
    for key in touched {
        let Some(Slot { state, pegawai, seq: Some(seq) }) = states.get(&key) else { continue };
        if key.0 == Entity::DataUtama {
            index.push(&key.1, state);
        }
        if key.0 == Entity::Presensi {
            if let Some(taken) = super::schema::taken_second(state) {
                times.row.push(key.1.clone());
                times.pegawai.push(pegawai.clone());
                times.taken.push(taken);
            }
        }
        rows.push(&key, pegawai, serde_json::to_string(state)?, *seq);
    }
    let a = &log.applied;
    let write_log = async {
        if a.seq.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "INSERT INTO changes (seq, id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
             SELECT s, i, e, r, p, b, $7, $8, st, o
             FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $9::text[], $10::text[])
                  AS t(s, i, e, r, p, b, st, o)",
            &[&a.seq, &a.id, &a.entity, &a.row, &a.pegawai, &a.body, &author, &received, &a.status, &a.outcome],
        )
        .await
    };
    let f = &log.refused;
    let write_refused = async {
        if f.id.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "INSERT INTO changes (id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
             SELECT i, e, r, p, b, $6, $7, 'refused', o
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $8::text[]) AS t(i, e, r, p, b, o)
             ON CONFLICT (id) DO NOTHING",
            &[&f.id, &f.entity, &f.row, &f.pegawai, &f.body, &author, &received, &f.outcome],
        )
        .await
    };
    let write_rows = async {
        if rows.row.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "INSERT INTO rows (entity, row_id, pegawai_id, state, seq)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
             ON CONFLICT (entity, row_id) DO UPDATE SET state = EXCLUDED.state, seq = EXCLUDED.seq",
            &[&rows.entity, &rows.row, &rows.pegawai, &rows.state, &rows.seq],
        )
        .await
    };
    let write_index = async {
        if index.id.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "INSERT INTO pegawai (id, nip, nama, unit)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])
             ON CONFLICT (id) DO UPDATE SET nip = EXCLUDED.nip, nama = EXCLUDED.nama, unit = EXCLUDED.unit",
            &[&index.id, &index.nip, &index.nama, &index.unit],
        )
        .await
        .map_err(|e| match e.code() {
            // The id is the upsert's key, so a unique failure here is a NIP's: another batch gave
            // it to another record after this one was judged.
            Some(&SqlState::UNIQUE_VIOLATION) => StoreError::Conflict("pegawai.nip"),
            _ => e.into(),
        })
    };
    let write_times = async {
        if times.row.is_empty() {
            return Ok(0);
        }
        tx.execute(
            "INSERT INTO presensi_waktu (row_id, pegawai_id, taken)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[])
             ON CONFLICT (row_id) DO UPDATE SET taken = EXCLUDED.taken",
            &[&times.row, &times.pegawai, &times.taken],
        )
        .await
    };
    // Pipelined: when the index refuses, the others may answer "transaction aborted" first, so
    // the index's answer is looked at first.
    let (log_done, refused_done, rows_done, index_done, times_done) =
        tokio::join!(write_log, write_refused, write_rows, write_index, write_times);
    index_done?;
    log_done?;
    refused_done?;
    rows_done?;
    times_done?;
    Ok(out)
}

/// Columns of the check-in times (the recap's and the purge's index).
#[derive(Default)]
struct Times {
    row: Vec<String>,
    pegawai: Vec<String>,
    taken: Vec<i64>,
}

/// A row as the batch leaves it: its merged state, the pegawai it is written under, and the
/// last change's number (none while no change of the batch touched it).
#[derive(Default)]
struct Slot {
    state: RowState,
    pegawai: String,
    seq: Option<i64>,
}

/// Columns of the changes logged as applied or superseded.
#[derive(Default)]
struct Applied {
    seq: Vec<i64>,
    id: Vec<String>,
    entity: Vec<String>,
    row: Vec<String>,
    pegawai: Vec<String>,
    body: Vec<String>,
    status: Vec<&'static str>,
    outcome: Vec<String>,
}

impl Applied {
    fn push(&mut self, seq: i64, c: &Change, body: String, status: &'static str, outcome: String) {
        self.seq.push(seq);
        self.id.push(c.id.clone());
        self.entity.push(entity_name(c.entity));
        self.row.push(c.row.clone());
        self.pegawai.push(c.pegawai.clone());
        self.body.push(body);
        self.status.push(status);
        self.outcome.push(outcome);
    }
}

/// Columns of the refused changes (logged once; a retry's second refusal is not).
#[derive(Default)]
struct Refused {
    id: Vec<String>,
    entity: Vec<String>,
    row: Vec<String>,
    pegawai: Vec<String>,
    body: Vec<String>,
    outcome: Vec<String>,
}

impl Refused {
    fn push(&mut self, c: &Change, body: String, outcome: String) {
        self.id.push(c.id.clone());
        self.entity.push(entity_name(c.entity));
        self.row.push(c.row.clone());
        self.pegawai.push(c.pegawai.clone());
        self.body.push(body);
        self.outcome.push(outcome);
    }
}

#[derive(Default)]
struct Log {
    applied: Applied,
    refused: Refused,
}

/// Each touched row's final state, once (an upsert may not touch a row twice).
#[derive(Default)]
struct Rows {
    entity: Vec<String>,
    row: Vec<String>,
    pegawai: Vec<String>,
    state: Vec<String>,
    seq: Vec<i64>,
}

impl Rows {
    fn push(&mut self, key: &(Entity, String), pegawai: &str, state: String, seq: i64) {
        self.entity.push(entity_name(key.0));
        self.row.push(key.1.clone());
        self.pegawai.push(pegawai.to_string());
        self.state.push(state);
        self.seq.push(seq);
    }
}

/// The pegawai index rows of the touched data utama.
#[derive(Default)]
struct Index {
    id: Vec<String>,
    nip: Vec<Option<String>>,
    nama: Vec<String>,
    unit: Vec<Option<String>>,
}

impl Index {
    fn push(&mut self, id: &str, state: &RowState) {
        let text = |f: &str| state.values.get(f).and_then(Value::as_str).map(str::to_string);
        self.id.push(id.to_string());
        self.nip.push(text("nip_baru"));
        self.nama.push(text("nama").unwrap_or_default());
        self.unit.push(text("unit"));
    }
}
