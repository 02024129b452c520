//! Rekon mandiri (BKN letter 685/B-SI.01.01/SD/E.III/2021): the instansi reconciles the go.id
//! e-mail, personal e-mail and mobile number of its ASN in bulk, because BKN's SSO, digital
//! signatures and MySAPK key on them. A file is previewed first (nothing in a record is
//! written): every row gets a verdict per field, kept as a batch in the profile so a facilitator
//! can prepare it and the BKD can apply it, all rows or some. Applying makes ordinary changes
//! (outbox, audit, sync, one merge rule) and marks a go.id address validated by the instansi.

mod apply;
mod exports;
mod input;
mod jpt;
mod summary;
mod verdict;
mod xlsx;

pub use input::{Format, Roster, JPT_HEADERS, MAX_FILE_BYTES, TEMPLATE_HEADERS};
pub use jpt::JptNonPns;
pub use summary::summary_lines;
#[cfg(feature = "client")]
pub use summary::SignedRekonReport;
pub use verdict::Verdict;

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::path::Path;

use crate::authz::{self, Action, Target};
use crate::error::{Error, Result};
use crate::model::{Date, Entity};
use crate::profile::Berkas;
use crate::store::{audit, new_id, now, replica};

/// The contact fields a rekon file carries, in the order of the template.
pub const FIELDS: [&str; 3] = ["email_gov", "email", "no_hp"];

/// One field of one row: what the record holds, what the file says, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RekonField {
    pub old: Option<String>,
    pub new: Option<String>,
    pub verdict: Verdict,
}

/// One row of a previewed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RekonItem {
    pub line: u64,
    pub nip: Option<String>,
    pub nama: Option<String>,
    pub unit: Option<String>,
    /// A JPT non-PNS row's position (its `nip` holds the NIK).
    pub jabatan: Option<String>,
    /// The row's verdict: the gravest of its fields'.
    pub verdict: Verdict,
    /// Why, in words (what is invalid, who holds the address already, when the record changed).
    pub reason: Option<String>,
    pub email_gov: RekonField,
    pub email: RekonField,
    pub no_hp: RekonField,
    pub applied: bool,
}

/// Rows per verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RekonCounts {
    pub same: u64,
    pub new_value: u64,
    pub changed: u64,
    pub stale: u64,
    pub duplicate: u64,
    pub invalid: u64,
}

impl RekonCounts {
    fn add(&mut self, v: Verdict, n: u64) {
        match v {
            Verdict::Absent | Verdict::Same => self.same += n,
            Verdict::New => self.new_value += n,
            Verdict::Changed => self.changed += n,
            Verdict::Stale => self.stale += n,
            Verdict::Duplicate => self.duplicate += n,
            Verdict::Invalid => self.invalid += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.same + self.new_value + self.changed + self.stale + self.duplicate + self.invalid
    }
}

/// Rows per verdict of one unit ("" for rows that name no known record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RekonUnitCounts {
    pub unit: String,
    pub counts: RekonCounts,
}

/// A previewed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RekonPreview {
    pub batch: String,
    pub file_name: String,
    pub file_date: String,
    pub format: String,
    /// `pns` (rows by NIP) or `jpt` (JPT non-PNS officials by NIK).
    pub roster: String,
    pub created_at: String,
    pub created_by: String,
    pub rows: u64,
    pub counts: RekonCounts,
    pub units: Vec<RekonUnitCounts>,
    /// Rows already applied.
    pub applied: u64,
}

/// Which rows of a batch to apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RekonSelection {
    /// File lines to apply; `None` is every row.
    pub lines: Option<Vec<u64>>,
    /// Apply "stale" fields too: the admin decided the file wins over the ASN's newer value.
    pub override_stale: bool,
}

/// What applying did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RekonApplied {
    /// Records changed.
    pub records: u64,
    /// Fields written.
    pub fields: u64,
    /// go.id addresses marked validated by the instansi.
    pub validated: u64,
    /// Rows whose record changed since the preview: left alone; preview the file again.
    pub moved: u64,
    /// Stale fields kept at the ASN's newer value.
    pub kept_newer: u64,
}

/// The record a NIP names, as the preview needs it.
pub(crate) struct Stored {
    id: String,
    unit: Option<String>,
    nama: Option<String>,
    values: [Option<String>; 3],
}

pub(crate) fn stored_by_nip(conn: &rusqlite::Connection, nip: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached("SELECT id, unit, nama, email_gov, email, no_hp FROM pegawai WHERE nip_baru = ?1")?
        .query_row([nip], |r| {
            Ok(Stored { id: r.get(0)?, unit: r.get(1)?, nama: r.get(2)?, values: [r.get(3)?, r.get(4)?, r.get(5)?] })
        })
        .optional()?)
}

/// Who else holds `value` in contact field `i` (of [`FIELDS`]): another PNS record (not
/// `own_id`) or a JPT non-PNS official (not `own_nik`), in words for the reason.
pub(crate) fn holder(
    conn: &rusqlite::Connection,
    i: usize,
    value: &str,
    own_id: &str,
    own_nik: &str,
) -> Result<Option<String>> {
    let (pns, jpt) = match i {
        0 => (
            "SELECT nip_baru FROM pegawai WHERE lower(email_gov) = lower(?1) AND email_gov IS NOT NULL AND id <> ?2 LIMIT 1",
            "SELECT nik FROM jpt_non_pns WHERE lower(email_gov) = lower(?1) AND email_gov IS NOT NULL AND nik <> ?2 LIMIT 1",
        ),
        1 => (
            "SELECT nip_baru FROM pegawai WHERE lower(email) = lower(?1) AND email IS NOT NULL AND id <> ?2 LIMIT 1",
            "SELECT nik FROM jpt_non_pns WHERE lower(email) = lower(?1) AND email IS NOT NULL AND nik <> ?2 LIMIT 1",
        ),
        _ => (
            "SELECT nip_baru FROM pegawai WHERE no_hp = ?1 AND no_hp IS NOT NULL AND id <> ?2 LIMIT 1",
            "SELECT nik FROM jpt_non_pns WHERE no_hp = ?1 AND no_hp IS NOT NULL AND nik <> ?2 LIMIT 1",
        ),
    };
    let one = |sql: &str, own: &str| -> Result<Option<String>> {
        Ok(conn.prepare_cached(sql)?.query_row(params![value, own], |r| r.get(0)).optional()?)
    };
    if let Some(nip) = one(pns, own_id)? {
        return Ok(Some(format!("NIP {nip}")));
    }
    Ok(one(jpt, own_nik)?.map(|nik| format!("JPT non-PNS NIK {nik}")))
}

/// What a preview is of.
#[derive(Clone, Copy)]
struct Head<'a> {
    batch: &'a str,
    at: &'a str,
    file_name: &'a str,
    file_date: Date,
    roster: Roster,
}

/// The instant after which a change of the record is newer than the file: the end of the
/// file's day in WIB (UTC+7), the earliest of Indonesia's zones, so no change of that day counts.
pub(crate) fn cutoff_ms(file_date: Date) -> u64 {
    let next = file_date.succ_opt().unwrap_or(file_date);
    let utc = next.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis() - 7 * 3_600_000).unwrap_or(0);
    u64::try_from(utc).unwrap_or(0)
}

impl Berkas {
    /// Reads a rekon file and writes its preview (a new batch); nothing in a record changes.
    /// `file_date` is the day the file's data was taken: a field the record changed after it
    /// is "stale". Rows outside the signed-in account's scope are invalid, not shown.
    pub fn rekon_preview(&self, path: &Path, file_date: Date) -> Result<RekonPreview> {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        self.rekon_preview_from(&file_name, file, size, file_date, Roster::Pns)
    }

    /// A JPT non-PNS file (NIK, Nama, Jabatan, contact columns) previewed against the
    /// officials kept here: an unknown NIK is a new official.
    pub fn rekon_preview_jpt(&self, path: &Path, file_date: Date) -> Result<RekonPreview> {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        self.rekon_preview_from(&file_name, file, size, file_date, Roster::JptNonPns)
    }

    /// The same over bytes in hand (a file the desktop's page picked), named `file_name`.
    pub fn rekon_preview_bytes(
        &self,
        file_name: &str,
        bytes: &[u8],
        file_date: Date,
        roster: Roster,
    ) -> Result<RekonPreview> {
        self.rekon_preview_from(file_name, std::io::Cursor::new(bytes), bytes.len() as u64, file_date, roster)
    }

    fn rekon_preview_from<R: std::io::Read + std::io::Seek>(
        &self,
        file_name: &str,
        src: R,
        size: u64,
        file_date: Date,
        roster: Roster,
    ) -> Result<RekonPreview> {
        let principal = self.principal()?;
        let batch = new_id();
        let at = now();
        let mut store = self.store();
        // The preview writes a row per file row while it reads the records: with the usual
        // 16 MB cache the two evict each other (measured: 2.5 s instead of 1.45 s for 100,000
        // rows). 64 MB for its length (the peak stays bounded by it), given back after.
        store.conn.execute_batch("PRAGMA cache_size = -65536")?;
        let head = Head { batch: &batch, at: &at, file_name, file_date, roster };
        let written = self.write_preview(&mut store, &head, src, size, principal);
        store.conn.execute_batch(&format!("PRAGMA cache_size = {}", crate::store::CACHE_KIB))?;
        drop(store);
        written?;
        self.rekon_batch(&batch)
    }

    fn write_preview<R: std::io::Read + std::io::Seek>(
        &self,
        store: &mut crate::store::Store,
        head: &Head<'_>,
        src: R,
        size: u64,
        principal: Option<authz::Principal>,
    ) -> Result<()> {
        let Head { batch, at, file_name, file_date, roster } = *head;
        let cutoff = cutoff_ms(file_date);
        let sees_instansi = sees_instansi(principal.as_ref());
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO rekon_batch (id, created_at, created_by, file_name, file_date, format, roster, rows)
             VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, 0)",
            params![
                batch,
                at,
                principal.as_ref().map_or(self.actor(), |p| p.username.as_str()),
                file_name,
                file_date.to_string(),
                roster.as_str()
            ],
        )?;
        let mut rows = 0u64;
        let format = {
            let mut insert = tx.prepare(
                "INSERT INTO rekon_item (batch, line, nip, pegawai_id, unit, nama, verdict, reason,
                   email_gov_old, email_gov_new, email_gov_verdict, email_old, email_new, email_verdict,
                   no_hp_old, no_hp_new, no_hp_verdict, jabatan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?;
            input::read_from(src, size, roster, |row| {
                rows += 1;
                if roster == Roster::JptNonPns {
                    let j = jpt::judge_row(&tx, &row, cutoff)?;
                    insert.execute(params![
                        batch,
                        row.line as i64,
                        row.nik,
                        Option::<String>::None,
                        Option::<String>::None,
                        j.nama,
                        j.judged.verdict.as_str(),
                        j.judged.reason,
                        j.judged.fields[0].old,
                        j.judged.fields[0].new,
                        j.judged.fields[0].verdict.as_str(),
                        j.judged.fields[1].old,
                        j.judged.fields[1].new,
                        j.judged.fields[1].verdict.as_str(),
                        j.judged.fields[2].old,
                        j.judged.fields[2].new,
                        j.judged.fields[2].verdict.as_str(),
                        row.jabatan,
                    ])?;
                    return Ok(());
                }
                let stored = match row.nip.as_deref() {
                    Some(nip) if !row.nip_was_number => stored_by_nip(&tx, nip)?,
                    _ => None,
                };
                let in_scope = match (&stored, &principal) {
                    (Some(s), Some(p)) => p.may(Action::Read, Target { pegawai_id: &s.id, unit: s.unit.as_deref() }),
                    _ => true,
                };
                let stamps = |field: &str| -> Result<Option<u64>> {
                    let Some(s) = &stored else { return Ok(None) };
                    let meta = replica::load_meta(&tx, Entity::DataUtama, &s.id)?;
                    Ok(meta.and_then(|m| m.stamps.get(field).map(|st| st.hlc.wall_ms)))
                };
                let own = stored.as_ref().map(|s| s.id.as_str()).unwrap_or_default();
                let held_by = |i: usize, value: &str| holder(&tx, i, value, own, "");
                let values = stored.as_ref().map(|s| &s.values);
                let judged = verdict::judge(&row, values, in_scope, sees_instansi, cutoff, stamps, held_by)?;
                // A row outside the caller's scope shows nothing of the record.
                let shown = stored.as_ref().filter(|_| in_scope);
                insert.execute(params![
                    batch,
                    row.line as i64,
                    row.nip,
                    shown.map(|s| &s.id),
                    shown.and_then(|s| s.unit.as_deref()),
                    shown.and_then(|s| s.nama.as_deref()).or(row.nama.as_deref()),
                    judged.verdict.as_str(),
                    judged.reason,
                    judged.fields[0].old,
                    judged.fields[0].new,
                    judged.fields[0].verdict.as_str(),
                    judged.fields[1].old,
                    judged.fields[1].new,
                    judged.fields[1].verdict.as_str(),
                    judged.fields[2].old,
                    judged.fields[2].new,
                    judged.fields[2].verdict.as_str(),
                    Option::<String>::None,
                ])?;
                Ok(())
            })?
        };
        verdict::mark_duplicates(&tx, batch, if roster == Roster::Pns { "NIP" } else { "NIK" })?;
        tx.execute(
            "UPDATE rekon_batch SET format = ?2, rows = ?3 WHERE id = ?1",
            params![batch, format.as_str(), rows as i64],
        )?;
        audit::record(
            &tx,
            at,
            self.actor(),
            "rekon.preview",
            None,
            Some(batch),
            None,
            Some(&serde_json::json!({ "file": file_name, "rows": rows, "file_date": file_date.to_string() })),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One previewed file with its counts per verdict and per unit.
    pub fn rekon_batch(&self, batch: &str) -> Result<RekonPreview> {
        let store = self.store();
        let conn = &store.conn;
        let head = conn
            .query_row(
                "SELECT file_name, file_date, format, created_at, created_by, rows, roster FROM rekon_batch WHERE id = ?1",
                [batch],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound("rekon batch"))?;
        let mut counts = RekonCounts::default();
        let mut units: Vec<RekonUnitCounts> = Vec::new();
        let mut st = conn.prepare(
            "SELECT coalesce(unit, ''), verdict, count(*) FROM rekon_item WHERE batch = ?1 GROUP BY 1, 2 ORDER BY 1",
        )?;
        let mut q = st.query([batch])?;
        while let Some(r) = q.next()? {
            let unit: String = r.get(0)?;
            let v = Verdict::parse(&r.get::<_, String>(1)?);
            let n = r.get::<_, i64>(2)? as u64;
            counts.add(v, n);
            match units.last_mut() {
                Some(u) if u.unit == unit => u.counts.add(v, n),
                _ => {
                    let mut c = RekonCounts::default();
                    c.add(v, n);
                    units.push(RekonUnitCounts { unit, counts: c });
                }
            }
        }
        let applied: i64 = conn.query_row(
            "SELECT count(*) FROM rekon_item WHERE batch = ?1 AND applied_at IS NOT NULL",
            [batch],
            |r| r.get(0),
        )?;
        Ok(RekonPreview {
            batch: batch.to_string(),
            file_name: head.0,
            file_date: head.1,
            format: head.2,
            roster: head.6,
            created_at: head.3,
            created_by: head.4,
            rows: head.5 as u64,
            counts,
            units,
            applied: applied as u64,
        })
    }

    /// The previews kept in this profile, newest first.
    pub fn rekon_batches(&self) -> Result<Vec<RekonPreview>> {
        let ids: Vec<String> = {
            let store = self.store();
            let mut st = store.conn.prepare("SELECT id FROM rekon_batch ORDER BY created_at DESC, id DESC")?;
            let ids = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            ids
        };
        ids.iter().map(|id| self.rekon_batch(id)).collect()
    }

    /// Rows of a preview in file order, optionally of one verdict, a page at a time.
    pub fn rekon_items(&self, batch: &str, only: Option<Verdict>, offset: u64, limit: u64) -> Result<Vec<RekonItem>> {
        let store = self.store();
        verdict::items(&store.conn, batch, only, offset, limit)
    }
}

/// Where the admin's deadline is kept in the profile.
pub(crate) const DEADLINE: &str = "rekon.deadline";

/// One unit's standing in the rekon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RekonUnitProgress {
    pub unit: String,
    pub asn: u64,
    /// A go.id address, validated by the instansi, still the record's address.
    pub email_validated: u64,
    /// A go.id address not (or no longer) validated.
    pub email_unvalidated: u64,
    pub phone_valid: u64,
}

/// The rekon's standing, unit by unit, against the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RekonProgress {
    pub deadline: Option<String>,
    /// Days left to the deadline (negative once passed).
    pub days_left: Option<i64>,
    pub units: Vec<RekonUnitProgress>,
}

/// Whether `principal` reads every record of the instansi (a local profile, with no hub, is its
/// owner's own tool): only then do the BKD's own rows (JPT non-PNS) and the whole roster show.
pub(super) fn sees_instansi(principal: Option<&authz::Principal>) -> bool {
    principal.is_none_or(|p| authz::scope(p.role, Action::Read) == authz::Scope::Instansi)
}
