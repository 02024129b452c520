//! A pushed batch written to PostgreSQL in a fixed number of round trips, whatever its size:
//! what is known (earlier outcomes, the rows' states) is read in one pipelined round trip, the
//! merge runs in memory in the batch's order, and the log, the rows, the pegawai index and the
//! refusals are written as one multi-row statement each, pipelined.
//!
//! Batches that touch different records do not wait for each other. A batch first locks what
//! it touches (each row and each change id, as transaction-scoped advisory locks taken in one
//! sorted order, so two batches never deadlock), then reads, merges and writes the rows. Only
//! then does it take the change log's lock, draw its sequence numbers and write the log: that
//! short step is the one writers take turns on, so that sequence order is commit order and a
//! pull cursor never skips a change committed late.

use berkas_core::model::{Entity, Value};
use berkas_core::sync::{merge, Change, ChangeOutcome, MergeOutcome, RowState};
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;

use super::{entity_name, merged_outcome, now_text, status_text, BatchItem, StoreError, StoreResult};

/// The class of the advisory locks on rows and change ids (the two-key form, whose key space
/// is apart from the log's single-key lock).
const ROW_LOCKS: i32 = 0x4252;
/// The change log's lock: held from drawing sequence numbers to the commit.
pub(super) const LOG_LOCK: i64 = 7426;

/// Applies `items` inside `tx`; outcomes in order. The transaction takes the locks it needs
/// and must be committed by the caller at once.
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
    // A row and a change id are locked before they are read: a batch touching the same row
    // (or a retry of the same change) waits for this one to commit, others go on.
    let mut keys: Vec<String> = applies.iter().map(|c| format!("r:{}:{}", entity_name(c.entity), c.row)).collect();
    keys.extend(ids.iter().map(|id| format!("c:{id}")));
    tx.execute(
        "SELECT pg_advisory_xact_lock($2, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM UNNEST($1::text[]) k ORDER BY h) s",
        &[&keys, &ROW_LOCKS],
    )
    .await?;
    let p_seen: [&(dyn ToSql + Sync); 1] = [&ids];
    let p_rows: [&(dyn ToSql + Sync); 2] = [&entities, &row_ids];
    let (seen, stored) = tokio::try_join!(
        tx.query("SELECT id, outcome FROM changes WHERE id = ANY($1::text[])", &p_seen),
        tx.query(
            "SELECT entity, row_id, state FROM rows
             WHERE (entity, row_id) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
            &p_rows,
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
    // The merge, in the batch's order; what each item answers, once its number is drawn.
    let mut log = Log::default();
    let mut merged_changes: Vec<(&Change, MergeOutcome)> = Vec::new();
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    let mut touched: Vec<(Entity, String)> = Vec::new();
    let mut plan = Vec::with_capacity(items.len());
    for item in items {
        let change = match item {
            BatchItem::Apply(change) => change,
            BatchItem::Refuse(change, outcome) => {
                log.refused.push(change, serde_json::to_string(change)?, serde_json::to_string(outcome)?);
                plan.push(Answer::Given(outcome.clone()));
                continue;
            }
        };
        // A retry of a change already taken (before, or earlier in this batch) gets the first
        // answer, and nothing changes.
        if let Some(o) = known.get(&change.id) {
            plan.push(Answer::Given(o.clone()));
            continue;
        }
        if let Some(&n) = first_of.get(change.id.as_str()) {
            plan.push(Answer::Merged(n));
            continue;
        }
        let key = (change.entity, change.row.clone());
        let slot = states.entry(key.clone()).or_default();
        if !slot.touched {
            slot.touched = true;
            touched.push(key);
            // The row belongs to the pegawai of its first change (as the upsert keeps it).
            slot.pegawai = change.pegawai.clone();
        }
        first_of.insert(&change.id, merged_changes.len());
        plan.push(Answer::Merged(merged_changes.len()));
        merged_changes.push((change, merge(&mut slot.state, change)));
    }

    // The rows, the index and the refusals go in under the rows' locks alone. A row's `seq`
    // here orders its versions (drawn under its lock); the log's numbers are drawn below.
    let versions = if touched.is_empty() {
        Vec::new()
    } else {
        let n = touched.len() as i64;
        tx.query("SELECT nextval(pg_get_serial_sequence('changes', 'seq')) FROM generate_series(1, $1::bigint)", &[&n])
            .await?
            .iter()
            .map(|r| r.get::<_, i64>(0))
            .collect()
    };
    let mut rows = Rows::default();
    let mut index = Index::default();
    let mut times = Times::default();
    for (key, version) in touched.iter().zip(versions) {
        let Some(Slot { state, pegawai, .. }) = states.get(key) else { continue };
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
        rows.push(key, pegawai, serde_json::to_string(state)?, version);
    }
    write_rows(tx, &rows, &index, &times, &log.refused, author).await?;

    // The log's turn: numbers drawn and the log written under its lock, held to the commit.
    let applied = merged_changes.len() as i64;
    let seqs: Vec<i64> = if applied == 0 {
        Vec::new()
    } else {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOG_LOCK]).await?;
        tx.query(
            "SELECT nextval(pg_get_serial_sequence('changes', 'seq')) AS s FROM generate_series(1, $1::bigint) ORDER BY s",
            &[&applied],
        )
        .await?
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect()
    };
    let mut outcomes = Vec::with_capacity(merged_changes.len());
    for ((change, merged), seq) in merged_changes.into_iter().zip(&seqs) {
        let outcome = merged_outcome(change, merged, *seq);
        let status = status_text(outcome.status);
        log.applied.push(*seq, change, serde_json::to_string(change)?, status, serde_json::to_string(&outcome)?);
        outcomes.push(outcome);
    }
    if outcomes.len() as i64 != applied {
        return Err(StoreError::Task("fewer sequence numbers than changes".into()));
    }
    let a = &log.applied;
    if !a.seq.is_empty() {
        tx.execute(
            "INSERT INTO changes (seq, id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
             SELECT s, i, e, r, p, b, $7, $8, st, o
             FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $9::text[], $10::text[])
                  AS t(s, i, e, r, p, b, st, o)",
            &[&a.seq, &a.id, &a.entity, &a.row, &a.pegawai, &a.body, &author, &now_text(), &a.status, &a.outcome],
        )
        .await?;
    }
    Ok(plan
        .into_iter()
        .map(|p| match p {
            Answer::Given(o) => o,
            Answer::Merged(n) => outcomes[n].clone(),
        })
        .collect())
}

/// What an item of the batch answers: given already (a refusal, an earlier outcome), or the
/// outcome of the n-th merged change.
enum Answer {
    Given(ChangeOutcome),
    Merged(usize),
}

/// Writes the rows, the pegawai index, the check-in times and the refusals, pipelined.
async fn write_rows(
    tx: &Transaction<'_>,
    rows: &Rows,
    index: &Index,
    times: &Times,
    f: &Refused,
    author: &str,
) -> StoreResult<()> {
    let received = now_text();
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
    let (refused_done, rows_done, index_done, times_done) =
        tokio::join!(write_refused, write_rows, write_index, write_times);
    index_done?;
    refused_done?;
    rows_done?;
    times_done?;
    Ok(())
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
    /// Whether a change of the batch touched it (only those are written).
    touched: bool,
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
