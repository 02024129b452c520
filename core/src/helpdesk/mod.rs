//! The helpdesk: an ASN opens a ticket (offline if need be) in one of the BKN helpdesk's
//! categories, with text and attachments; it goes to their unit's facilitator, or to the BKD
//! for account and NIK/KK matters; both sides write steps to its thread; the 2x24 h clock
//! (`sla`) says what is left and escalates what is overdue; the ASN rates a closed ticket or a
//! completed request once. Tickets, steps and ratings are synced rows of the requester's
//! record, so scope and sync are the record's.

mod report;
pub mod sla;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::authz::{self, RowWrite, Target};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{new_id, now, records};

pub use report::{RatingRow, TiketReport, TiketReportRow};
pub use sla::Sla;

/// The longest message and title a ticket takes (a thread row must stay sync-sized).
pub const MAX_TEXT: usize = 4_000;
pub const MAX_TITLE: usize = 200;

/// A category of the helpdesk (the BKN helpdesk's menus, plus layanan and lainnya), as data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Kategori {
    pub id: String,
    pub label: String,
    pub label_en: String,
    /// Who answers it first: `UNIT` (the unit's facilitator) or `BKD`.
    pub tujuan: String,
    /// An account matter (password, e-mail, security answer).
    pub akun: bool,
}

/// Every category, from `kategori.json`.
pub fn categories() -> &'static [Kategori] {
    static CATS: OnceLock<Vec<Kategori>> = OnceLock::new();
    CATS.get_or_init(|| serde_json::from_str(include_str!("kategori.json")).unwrap_or_default())
}

pub fn category(id: &str) -> Option<&'static Kategori> {
    categories().iter().find(|k| k.id == id)
}

/// A new ticket.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTiket {
    pub kategori: String,
    pub judul: String,
    pub isi: String,
    /// Documents of the record attached (their ids).
    #[serde(default)]
    pub lampiran: Vec<String>,
    /// The layanan request it is about, if any.
    #[serde(default)]
    pub usulan_id: Option<String>,
}

/// A step someone adds to a ticket: words, a status, or both.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reply {
    #[serde(default)]
    pub isi: Option<String>,
    /// The status it sets; the requester's reply reopens a resolved or waiting ticket by itself.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub lampiran: Vec<String>,
}

/// One step of the thread.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TiketStep {
    pub id: String,
    /// `PEMOHON` or `PETUGAS`.
    pub peran: String,
    pub oleh: Option<String>,
    pub isi: Option<String>,
    pub status: Option<String>,
    pub dialihkan_ke: Option<String>,
    pub lampiran: Vec<String>,
    /// The device's time of writing.
    pub pada: Option<String>,
    /// The hub's time of arrival; none while it waits on this device for a sync.
    pub diterima: Option<String>,
}

/// A rating given.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rating {
    pub nilai: i64,
    pub komentar: Option<String>,
    pub pada: Option<String>,
}

/// A ticket as both sides see it.
#[derive(Debug, Clone, Serialize)]
pub struct TiketInfo {
    pub id: String,
    /// The number the requester quotes (`TK-261206-7KQ3MZ`).
    pub nomor: String,
    /// The requester's record.
    pub pegawai_id: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    pub kategori: String,
    pub kategori_label: String,
    pub judul: String,
    pub usulan_id: Option<String>,
    pub dibuat_pada: Option<String>,
    /// Who handles it now: `UNIT` or `BKD` (its category's, or where it was reassigned).
    pub tujuan: String,
    pub sla: Sla,
    pub steps: Vec<TiketStep>,
    pub rating: Option<Rating>,
    /// Steps of it wait on this device for the next sync.
    pub queued: bool,
}

/// Which tickets to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TiketFilter {
    #[serde(default)]
    pub nip: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    /// Only these statuses (all when empty).
    #[serde(default)]
    pub status: Vec<String>,
    /// `UNIT`: the facilitator's queue; `BKD`: the BKD's (its own and every overdue one).
    #[serde(default)]
    pub tujuan: Option<String>,
    /// Only tickets not resolved or closed.
    #[serde(default)]
    pub open_only: bool,
}

fn text(m: &FieldMap, f: &str) -> Option<String> {
    m.get(f).and_then(Value::as_str).map(str::to_string)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// A number a person can read out: the day and six letters of the ticket's own id (the hub
/// numbers the tickets it opens the same way).
pub fn ticket_number(id: &str, at: DateTime<Utc>) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = u64::from_str_radix(hex.get(hex.len().saturating_sub(8)..).unwrap_or("0"), 16).unwrap_or(0);
    let letters: String = (0..6).map(|i| ALPHABET[((tail >> (5 * i)) & 31) as usize] as char).collect();
    format!("TK-{}-{letters}", at.format("%y%m%d"))
}

/// A ticket's row as every side writes it: a device's `create_tiket` and the hub's recovery
/// ticket.
pub fn ticket_row(id: &str, kategori: &str, judul: &str, at: &str, usulan_id: Option<&str>) -> FieldMap {
    let mut row = FieldMap::new();
    row.insert("kategori".into(), Value::Text(kategori.into()));
    row.insert("nomor".into(), Value::Text(ticket_number(id, Utc::now())));
    row.insert("judul".into(), Value::Text(judul.into()));
    row.insert("dibuat_pada".into(), Value::Text(at.into()));
    if let Some(u) = usulan_id {
        row.insert("usulan_id".into(), Value::Text(u.into()));
    }
    row
}

/// One step of a ticket as written (`TiketStep` is the step as read back).
#[derive(Debug, Clone, Default)]
pub struct NewStep<'a> {
    pub tiket_id: &'a str,
    /// PEMOHON or PETUGAS.
    pub peran: &'a str,
    /// The account that writes it.
    pub oleh: &'a str,
    pub isi: Option<String>,
    pub status: Option<&'a str>,
    /// UNIT or BKD when the step hands the ticket over.
    pub tujuan: Option<&'a str>,
    pub lampiran: &'a [String],
    pub pada: &'a str,
}

/// A step's row, the same on every side (the hub adds its arrival time, `diterima`).
pub fn step_row(step: &NewStep<'_>) -> FieldMap {
    let mut row = FieldMap::new();
    row.insert("tiket_id".into(), Value::Text(step.tiket_id.into()));
    row.insert("peran".into(), Value::Text(step.peran.into()));
    row.insert("oleh".into(), Value::Text(step.oleh.into()));
    row.insert("pada".into(), Value::Text(step.pada.into()));
    if let Some(i) = &step.isi {
        row.insert("isi".into(), Value::Text(i.clone()));
    }
    if let Some(s) = step.status {
        row.insert("status".into(), Value::Text(s.into()));
    }
    if let Some(t) = step.tujuan {
        row.insert("dialihkan_ke".into(), Value::Text(t.into()));
    }
    if !step.lampiran.is_empty() {
        let json = serde_json::Value::from(step.lampiran.to_vec()).to_string();
        row.insert("lampiran".into(), Value::Text(json));
    }
    row
}

fn checked_text(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Error::invalid(field, "tiket.too_long", format!("at most {max} characters")));
    }
    Ok(t.to_string())
}

/// A ticket's row and steps as read from the store.
struct Stored {
    id: String,
    pegawai_id: String,
    nip: String,
    nama: String,
    unit: Option<String>,
    values: FieldMap,
}

impl Berkas {
    /// Opens a ticket on the record of `nip` (the requester's own): a ticket row and its first
    /// step, queued for the next sync when offline. Refused, naming the field, when the
    /// category is unknown, the title or text is empty or too long, or an attachment or the
    /// request named is not of this record.
    pub fn create_tiket(&self, nip: &str, new: &NewTiket) -> Result<TiketInfo> {
        let kategori = category(new.kategori.trim()).ok_or_else(|| {
            let known: Vec<&str> = categories().iter().map(|k| k.id.as_str()).collect();
            Error::invalid("kategori", "tiket.kategori", format!("is not a helpdesk category ({})", known.join(", ")))
        })?;
        let judul = checked_text("judul", &new.judul, MAX_TITLE)?;
        let isi = checked_text("isi", &new.isi, MAX_TEXT)?;
        if judul.is_empty() || isi.is_empty() {
            let field = if judul.is_empty() { "judul" } else { "isi" };
            return Err(Error::invalid(field, "tiket.empty", "say what the ticket is about"));
        }
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        let target = Target { pegawai_id: &pegawai_id, unit: unit.as_deref() };
        self.may_write_row(
            "tiket",
            &RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::Tiket, vec!["kategori"]) },
            target,
        )?;
        self.check_attachments(&pegawai_id, &new.lampiran)?;
        if let Some(u) = &new.usulan_id {
            let row = records::load_row(&self.store().conn, Entity::Usulan.def(), u)?;
            if row.and_then(|r| r.pegawai_id).as_deref() != Some(pegawai_id.as_str()) {
                return Err(Error::invalid("usulan_id", "tiket.usulan", "is not a request of this record"));
            }
        }
        let id = new_id();
        let row = ticket_row(&id, &kategori.id, &judul, &now(), new.usulan_id.as_deref());
        self.add_riwayat_row(nip, Entity::Tiket, &row, id.clone())?;
        self.add_step(nip, &id, "PEMOHON", Some(isi), Some("BARU"), None, &new.lampiran)?;
        self.tiket(&id)
    }

    /// Adds a step to a ticket: the requester's reply (which reopens a resolved ticket or one
    /// waiting for them) or close, or the helpdesk's answer and status. Who writes it decides
    /// which side it is on; a closed ticket takes no more steps.
    pub fn reply_tiket(&self, id: &str, reply: &Reply) -> Result<TiketInfo> {
        let t = self.tiket(id)?;
        if t.sla.status == "DITUTUP" {
            return Err(Error::invalid("status", "tiket.closed", "the ticket is closed; open a new one"));
        }
        let isi = reply.isi.as_deref().map(|s| checked_text("isi", s, MAX_TEXT)).transpose()?.filter(|s| !s.is_empty());
        let peran = self.side_of(&t)?;
        let wanted = reply.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = wanted {
            if !crate::model::entity::TIKET_STATUS.contains(&s) {
                return Err(Error::invalid("status", "tiket.status", format!("{s} is not a ticket status")));
            }
        }
        let status = match (peran, wanted) {
            ("PEMOHON", None) if matches!(t.sla.status.as_str(), "MENUNGGU_PEMOHON" | "SELESAI") => Some("DIPROSES"),
            ("PETUGAS", None) if t.sla.status == "BARU" && isi.is_some() => Some("DIPROSES"),
            (_, s) => s,
        };
        if status == Some("MENUNGGU_PEMOHON") && isi.is_none() {
            return Err(Error::invalid("isi", "tiket.empty", "say what the requester should answer"));
        }
        if isi.is_none() && status.is_none() && reply.lampiran.is_empty() {
            return Err(Error::invalid("isi", "tiket.empty", "a step needs a message, a status or an attachment"));
        }
        self.check_attachments(&t.pegawai_id.clone(), &reply.lampiran)?;
        self.add_step(&t.nip, id, peran, isi, status, None, &reply.lampiran)?;
        self.tiket(id)
    }

    /// Hands a ticket to the unit's facilitator or to the BKD, with a note why.
    pub fn reassign_tiket(&self, id: &str, tujuan: &str, note: Option<&str>) -> Result<TiketInfo> {
        let t = self.tiket(id)?;
        if !crate::model::entity::TIKET_TUJUAN.contains(&tujuan) {
            return Err(Error::invalid("tujuan", "tiket.tujuan", "is UNIT or BKD"));
        }
        if self.side_of(&t)? != "PETUGAS" {
            return Err(Error::Forbidden {
                code: "forbidden.role",
                en: "only the helpdesk (a facilitator or the BKD) reassigns a ticket",
                id: "hanya petugas (fasilitator atau BKD) yang mengalihkan tiket",
            });
        }
        let note = note.map(|n| checked_text("isi", n, MAX_TEXT)).transpose()?.filter(|n| !n.is_empty());
        self.add_step(&t.nip, id, "PETUGAS", note, None, Some(tujuan), &[])?;
        self.tiket(id)
    }

    /// One ticket, with its thread and its clock now.
    pub fn tiket(&self, id: &str) -> Result<TiketInfo> {
        let stored = self.stored_tikets("t.id = ?1", &[&id])?;
        let t = stored.into_iter().next().ok_or(Error::NotFound("tiket"))?;
        let mut steps = self.steps_of(std::slice::from_ref(&t.id))?;
        self.info(t, steps.remove(id).unwrap_or_default(), Utc::now())
    }

    /// Tickets on this device, most urgent first: overdue, then by the time left, then the
    /// resolved ones newest first.
    pub fn tiket_list(&self, filter: &TiketFilter) -> Result<Vec<TiketInfo>> {
        self.tiket_list_at(filter, Utc::now())
    }

    /// The same list with the clocks read at `now` (a report as of a time).
    pub fn tiket_list_at(&self, filter: &TiketFilter, now: DateTime<Utc>) -> Result<Vec<TiketInfo>> {
        let stored = self.stored_tikets(
            "(?1 IS NULL OR p.nip_baru = ?1) AND (?2 IS NULL OR p.unit = ?2)",
            &[&filter.nip, &filter.unit],
        )?;
        let ids: Vec<String> = stored.iter().map(|t| t.id.clone()).collect();
        let mut steps = self.steps_of(&ids)?;
        let mut out = Vec::new();
        for t in stored {
            let s = steps.remove(&t.id).unwrap_or_default();
            let info = self.info(t, s, now)?;
            let keep = (filter.status.is_empty() || filter.status.contains(&info.sla.status))
                && (!filter.open_only || !sla::is_resolved(&info.sla.status))
                && match filter.tujuan.as_deref() {
                    Some("BKD") => info.tujuan == "BKD" || info.sla.overdue,
                    Some(other) => info.tujuan == other,
                    None => true,
                };
            if keep {
                out.push(info);
            }
        }
        out.sort_by(|a, b| {
            let rank = |t: &TiketInfo| (sla::is_resolved(&t.sla.status), !t.sla.overdue, t.sla.paused);
            rank(a)
                .cmp(&rank(b))
                .then(a.sla.left_minutes.cmp(&b.sla.left_minutes))
                .then(b.dibuat_pada.cmp(&a.dibuat_pada))
        });
        Ok(out)
    }

    /// Which side of `t` the signed-in account writes on: the requester on their own record,
    /// the helpdesk otherwise (a local profile with no hub is its owner's own helpdesk tool).
    fn side_of(&self, t: &TiketInfo) -> Result<&'static str> {
        let Some(p) = self.principal()? else { return Ok("PETUGAS") };
        let pegawai_id = &t.pegawai_id;
        if p.pegawai_id.as_deref() == Some(pegawai_id.as_str()) {
            return Ok("PEMOHON");
        }
        if p.may(authz::Action::Tiket, Target { pegawai_id, unit: t.unit.as_deref() }) {
            return Ok("PETUGAS");
        }
        Err(Error::Forbidden {
            code: "forbidden.scope",
            en: "this ticket is not in your scope",
            id: "tiket ini di luar cakupan Anda",
        })
    }

    fn check_attachments(&self, pegawai_id: &str, ids: &[String]) -> Result<()> {
        let store = self.store();
        for d in ids {
            let owner: Option<String> =
                store.conn.query_row("SELECT pegawai_id FROM dokumen WHERE id = ?1", [d], |r| r.get(0)).optional()?;
            if owner.as_deref() != Some(pegawai_id) {
                return Err(Error::invalid(
                    "lampiran",
                    "tiket.lampiran",
                    format!("{d} is not a document of this record"),
                ));
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn add_step(
        &self,
        nip: &str,
        tiket_id: &str,
        peran: &str,
        isi: Option<String>,
        status: Option<&str>,
        tujuan: Option<&str>,
        lampiran: &[String],
    ) -> Result<String> {
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        // Who wrote it: the signed-in account (the profile's user on a local tool).
        let oleh = self.principal()?.map(|p| p.username).unwrap_or_else(|| self.actor().to_string());
        let row = step_row(&NewStep { tiket_id, peran, oleh: &oleh, isi, status, tujuan, lampiran, pada: &now() });
        let fields: Vec<&str> = row.keys().map(String::as_str).collect();
        let write = RowWrite {
            creating_or_deleting: true,
            status,
            peran: Some(peran),
            ..RowWrite::fields(Entity::TiketPesan, fields)
        };
        self.may_write_row("tiket", &write, Target { pegawai_id: &pegawai_id, unit: unit.as_deref() })?;
        self.add_riwayat_row(nip, Entity::TiketPesan, &row, new_id())
    }

    fn stored_tikets(&self, condition: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Stored>> {
        let store = self.store();
        let mut st = store.conn.prepare(&format!(
            "SELECT t.id, t.pegawai_id, coalesce(p.nip_baru, ''), coalesce(p.nama, ''), p.unit
             FROM tiket t JOIN pegawai p ON p.id = t.pegawai_id WHERE {condition}"
        ))?;
        let heads: Vec<(String, String, String, String, Option<String>)> = st
            .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut out = Vec::with_capacity(heads.len());
        for (id, pegawai_id, nip, nama, unit) in heads {
            let values =
                records::load_row(&store.conn, Entity::Tiket.def(), &id)?.map(|r| r.values).unwrap_or_default();
            out.push(Stored { id, pegawai_id, nip, nama, unit, values });
        }
        Ok(out)
    }

    fn steps_of(&self, ids: &[String]) -> Result<HashMap<String, Vec<TiketStep>>> {
        let store = self.store();
        let json = serde_json::to_string(ids).map_err(|e| Error::BadDocument(e.to_string()))?;
        let mut st = store.conn.prepare(
            "SELECT id, tiket_id, peran, oleh, isi, status, dialihkan_ke, lampiran, pada, diterima FROM tiket_pesan
             WHERE tiket_id IN (SELECT value FROM json_each(?1)) ORDER BY coalesce(diterima, pada), id",
        )?;
        let mut out: HashMap<String, Vec<TiketStep>> = HashMap::new();
        let rows = st.query_map([json], |r| {
            let lampiran: Option<String> = r.get(7)?;
            Ok((
                r.get::<_, String>(1)?,
                TiketStep {
                    id: r.get(0)?,
                    peran: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    oleh: r.get(3)?,
                    isi: r.get(4)?,
                    status: r.get(5)?,
                    dialihkan_ke: r.get(6)?,
                    lampiran: lampiran.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
                    pada: r.get(8)?,
                    diterima: r.get(9)?,
                },
            ))
        })?;
        for r in rows {
            let (tiket, step) = r?;
            out.entry(tiket).or_default().push(step);
        }
        Ok(out)
    }

    fn info(&self, t: Stored, steps: Vec<TiketStep>, now: DateTime<Utc>) -> Result<TiketInfo> {
        let kategori = text(&t.values, "kategori").unwrap_or_default();
        let cat = category(&kategori);
        let routed = steps.iter().rev().find_map(|s| s.dialihkan_ke.clone());
        let tujuan = routed.or_else(|| cat.map(|c| c.tujuan.clone())).unwrap_or_else(|| "UNIT".into());
        let clock_steps: Vec<sla::ClockStep> = steps
            .iter()
            .filter_map(|s| {
                let at = s.diterima.as_deref().or(s.pada.as_deref()).and_then(parse_time)?;
                Some(sla::ClockStep {
                    at,
                    helpdesk: s.peran == "PETUGAS",
                    answers: s.isi.as_deref().is_some_and(|i| !i.is_empty()),
                    status: s.status.clone(),
                })
            })
            .collect();
        let sla = sla::clock(&clock_steps, now);
        let (queued, rating) = {
            let store = self.store();
            let queued: i64 = store.conn.query_row(
                "SELECT count(*) FROM outbox WHERE state IN ('pending', 'uploading')
                   AND (row_id = ?1 OR row_id IN (SELECT id FROM tiket_pesan WHERE tiket_id = ?1))",
                [&t.id],
                |r| r.get(0),
            )?;
            let rating = store
                .conn
                .query_row("SELECT nilai, komentar, pada FROM penilaian WHERE id = ?1", [&t.id], |r| {
                    Ok(Rating {
                        nilai: r.get::<_, Option<i64>>(0)?.unwrap_or_default(),
                        komentar: r.get(1)?,
                        pada: r.get(2)?,
                    })
                })
                .optional()?;
            (queued > 0, rating)
        };
        Ok(TiketInfo {
            nomor: text(&t.values, "nomor").unwrap_or_default(),
            kategori_label: cat.map(|c| c.label.clone()).unwrap_or_else(|| kategori.clone()),
            kategori,
            judul: text(&t.values, "judul").unwrap_or_default(),
            usulan_id: text(&t.values, "usulan_id"),
            dibuat_pada: text(&t.values, "dibuat_pada"),
            tujuan,
            sla,
            steps,
            rating,
            queued,
            id: t.id,
            pegawai_id: t.pegawai_id,
            nip: t.nip,
            nama: t.nama,
            unit: t.unit,
        })
    }

    /// The rating given to a ticket or a request (by its id), if any.
    pub fn rating(&self, id: &str) -> Result<Option<Rating>> {
        let row = records::load_row(&self.store().conn, Entity::Penilaian.def(), id)?;
        Ok(row.map(|r| Rating {
            nilai: match r.values.get("nilai") {
                Some(Value::Int(n)) => *n,
                _ => 0,
            },
            komentar: text(&r.values, "komentar"),
            pada: text(&r.values, "pada"),
        }))
    }

    /// Rates a closed or resolved ticket, or a completed request, 1 to 5 with a comment:
    /// the requester, once.
    pub fn rate(&self, objek: &str, id: &str, nilai: i64, komentar: Option<&str>) -> Result<()> {
        if !(1..=5).contains(&nilai) {
            return Err(Error::invalid("nilai", "penilaian.nilai", "a rating is 1 to 5"));
        }
        let komentar = komentar.map(|k| checked_text("komentar", k, MAX_TEXT)).transpose()?.filter(|k| !k.is_empty());
        let (nip, layanan, done) = match objek {
            "TIKET" => {
                let t = self.tiket(id)?;
                (t.nip.clone(), None, sla::is_resolved(&t.sla.status))
            }
            "USULAN" => {
                let u = self.usulan(id)?;
                (u.nip.clone(), Some(u.layanan_id.clone()), matches!(u.status.as_str(), "COMPLETED" | "APPLIED"))
            }
            _ => return Err(Error::invalid("objek", "penilaian.objek", "is TIKET or USULAN")),
        };
        if !done {
            return Err(Error::invalid(
                "objek_id",
                "penilaian.not_done",
                "only a resolved ticket or a completed request is rated",
            ));
        }
        let exists = records::load_row(&self.store().conn, Entity::Penilaian.def(), id)?.is_some();
        if exists {
            return Err(Error::invalid("objek_id", "penilaian.once", "this has been rated already"));
        }
        let (pegawai_id, unit) = self.record_and_unit(&nip)?;
        if let Some(p) = self.principal()? {
            if p.pegawai_id.as_deref() != Some(pegawai_id.as_str()) {
                return Err(Error::Forbidden {
                    code: "forbidden.scope",
                    en: "only the requester rates their ticket or request",
                    id: "hanya pemohon yang menilai tiket atau usulannya",
                });
            }
        }
        let mut row = FieldMap::new();
        row.insert("objek".into(), Value::Text(objek.into()));
        row.insert("objek_id".into(), Value::Text(id.into()));
        row.insert("nilai".into(), Value::Int(nilai));
        row.insert("pada".into(), Value::Text(now()));
        if let Some(k) = komentar {
            row.insert("komentar".into(), Value::Text(k));
        }
        if let Some(l) = layanan {
            row.insert("layanan_id".into(), Value::Text(l));
        }
        let write = RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::Penilaian, vec!["nilai"]) };
        self.may_write_row("tiket", &write, Target { pegawai_id: &pegawai_id, unit: unit.as_deref() })?;
        self.add_riwayat_row(&nip, Entity::Penilaian, &row, id.to_string())?;
        Ok(())
    }
}
