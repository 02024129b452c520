//! A unit's recap from stored rows, the same wherever the rows are: a facilitator's profile
//! (`Berkas::presensi_rekap`) or the hub (`GET /v1/presensi/rekap`, the BKD's daily recap
//! across units). Pure: the caller hands in the rows and the moment.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::rules::{self, Fix, Keberadaan, MinimumKantor, Orang, PengaturanKerja, Tanda, Tempat, Window};
use crate::error::{Error, Result};
use crate::model::{field_int as int, field_text as text};
use crate::model::{Entity, FieldMap, Value};

/// A stored check-in, judged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: String,
    pub izin_keluar: bool,
    pub fix: Fix,
    pub alasan: Option<String>,
    /// When the hub stamped it; `None` while it waits on the device.
    pub diterima: Option<DateTime<Utc>>,
    pub judged: rules::Judged,
}

/// The registered work-from-home place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TempatWfh {
    pub tempat: Tempat,
    pub alamat: Option<String>,
    pub dikonfirmasi_oleh: Option<String>,
    pub dikonfirmasi_pada: Option<String>,
}

/// One person's line of a recap.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RekapLine {
    pub nip: String,
    pub nama: String,
    pub keberadaan: Keberadaan,
    pub tanda: Vec<Tanda>,
    /// The ASN has set a work-from-home place.
    pub tempat_terdaftar: bool,
    /// And the facilitator (or the BKD) confirmed it.
    pub tempat_dikonfirmasi: bool,
}

/// Whether a unit had the office minimum (`PengaturanKerja::minimum_kantor`) at the office in a
/// window, and who of each rank was there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CekMinimumKantor {
    pub terpenuhi: bool,
    pub hadir: MinimumKantor,
    pub minimum: MinimumKantor,
}

/// A unit's recap for one report window as known at `as_of`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rekap {
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-04"))]
    pub tanggal: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "11:30:00"))]
    pub jam_lapor: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub as_of: DateTime<Utc>,
    pub lines: Vec<RekapLine>,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, u32>))]
    pub jumlah: BTreeMap<Keberadaan, usize>,
    /// Lines with at least one flag.
    pub ditandai: usize,
    /// The office minimum among those at the office in this window (1 Administrator and 3
    /// Pengawas by the circular), counted from each one's eselon in their record.
    pub minimum_kantor: CekMinimumKantor,
    /// The day's fixes are past the retention period and purged: the lines are gone, the counts
    /// are what the recap showed when they were purged.
    #[serde(default)]
    pub dipangkas: bool,
}

/// A direct report's check-ins of a day as their atasan sees them (`GET /v1/presensi/bawahan`):
/// where they were at each report time, and why they left home for an izin keluar.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PresensiBawahan {
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    pub tanggal: NaiveDate,
    pub check_ins: Vec<CheckIn>,
    pub tempat: Option<TempatWfh>,
}

/// One person's rows, as a profile or the hub holds them.
#[derive(Debug, Clone, Default)]
pub struct PersonRows {
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    /// Their check-ins: row id and fields.
    pub check_ins: Vec<(String, FieldMap)>,
    /// Their work-from-home place's fields, if set.
    pub tempat: Option<FieldMap>,
    /// Their eselon now (SIASN `eselonId`), from their record's data utama.
    pub eselon: Option<String>,
    /// Their leave (cuti, sick leave among it): first and last day.
    pub cuti: Vec<(NaiveDate, NaiveDate)>,
}

impl PersonRows {
    /// Takes what a recap needs from one live row of the person's record (`pegawai_id` is the
    /// record's id: the work-from-home place and the data utama carry it as their row id).
    pub fn take(&mut self, pegawai_id: &str, entity: Entity, row_id: String, values: FieldMap) {
        match entity {
            Entity::Presensi => self.check_ins.push((row_id, values)),
            Entity::TempatWfh if row_id == pegawai_id => self.tempat = Some(values),
            Entity::DataUtama => self.eselon = text(&values, "eselon_id").filter(|e| !e.is_empty()),
            Entity::Cuti => {
                let date = |f: &str| text(&values, f).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
                if let (Some(from), Some(to)) = (date("tanggal_mulai"), date("tanggal_selesai")) {
                    self.cuti.push((from, to));
                }
            }
            _ => {}
        }
    }

    fn on_leave(&self, day: NaiveDate) -> bool {
        self.cuti.iter().any(|(from, to)| *from <= day && day <= *to)
    }
}

pub(crate) fn degrees(micro: i64) -> f64 {
    micro as f64 / 1e6
}

pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// When a check-in was taken, from its stored fields: the satellites' time when the fix has it,
/// else the device's (what `check_in_of` judges it by).
pub fn taken_of(v: &FieldMap) -> Option<DateTime<Utc>> {
    taken_at(text(v, "waktu_gps").as_deref(), text(v, "waktu_perangkat").as_deref())
}

/// When a check-in was taken from its two stored times: the satellites' when it parses, else the
/// device's.
pub fn taken_at(waktu_gps: Option<&str>, waktu_perangkat: Option<&str>) -> Option<DateTime<Utc>> {
    waktu_gps.and_then(parse_time).or_else(|| waktu_perangkat.and_then(parse_time))
}

/// A person's check-ins taken on `day` (the instansi's local day), judged against their place,
/// oldest first: what the ASN sees of their day and their atasan of a report's.
pub fn day_check_ins(
    rules: &PengaturanKerja,
    rows: impl IntoIterator<Item = (String, FieldMap)>,
    home: Option<Tempat>,
    day: NaiveDate,
) -> Vec<CheckIn> {
    let offset = rules.zona.offset();
    let mut out: Vec<CheckIn> = rows
        .into_iter()
        .map(|(id, v)| check_in_of(rules, id, &v, home))
        .filter(|c| c.judged.taken_at.with_timezone(&offset).date_naive() == day)
        .collect();
    out.sort_by_key(|c| c.judged.taken_at);
    out
}

/// A check-in from its stored fields, judged by `rules` against the registered place.
pub fn check_in_of(rules: &PengaturanKerja, id: String, v: &FieldMap, home: Option<Tempat>) -> CheckIn {
    let fix = Fix {
        lat: degrees(int(v, "lintang").unwrap_or_default()),
        lon: degrees(int(v, "bujur").unwrap_or_default()),
        akurasi_m: int(v, "akurasi_m").unwrap_or_default() as f64,
        provider: text(v, "provider").unwrap_or_default(),
        mock: matches!(v.get("lokasi_palsu"), Some(Value::Bool(true)) | Some(Value::Int(1))),
        waktu_perangkat: text(v, "waktu_perangkat").and_then(|t| parse_time(&t)).unwrap_or_default(),
        waktu_gps: text(v, "waktu_gps").and_then(|t| parse_time(&t)),
    };
    let diterima = text(v, "diterima").and_then(|t| parse_time(&t));
    let judged = rules::judge(rules, &fix, home, diterima, None);
    CheckIn {
        id,
        izin_keluar: text(v, "jenis").as_deref() == Some("IZIN_KELUAR"),
        fix,
        alasan: text(v, "alasan"),
        diterima,
        judged,
    }
}

/// The work-from-home place from its stored fields.
pub fn tempat_of(v: &FieldMap) -> Option<TempatWfh> {
    let (lat, lon) = (int(v, "lintang")?, int(v, "bujur")?);
    Some(TempatWfh {
        tempat: Tempat { lat: degrees(lat), lon: degrees(lon) },
        alamat: text(v, "alamat"),
        dikonfirmasi_oleh: text(v, "dikonfirmasi_oleh"),
        dikonfirmasi_pada: text(v, "dikonfirmasi_pada"),
    })
}

/// The window a recap is made for, or a refusal naming the report time or the day.
pub fn window_for(rules: &PengaturanKerja, day: NaiveDate, jam_lapor: NaiveTime) -> Result<Window> {
    if !rules.jam_lapor.contains(&jam_lapor) {
        let times: Vec<String> = rules.jam_lapor.iter().map(|t| t.format("%H:%M").to_string()).collect();
        return Err(Error::invalid(
            "window",
            "presensi.window",
            format!("{} is no report time ({})", jam_lapor.format("%H:%M"), times.join(", ")),
        ));
    }
    rules
        .moment(day, jam_lapor)
        .and_then(|at| rules.window_of(at))
        .ok_or_else(|| Error::invalid("date", "presensi.not_working_day", format!("{day} is not a working day")))
}

/// A unit's recap for `window` as known at `as_of`: only check-ins that had reached the hub by
/// then count. Lines in the order given.
pub fn rekap(
    rules: &PengaturanKerja,
    unit: &str,
    window: Window,
    as_of: DateTime<Utc>,
    people: &[PersonRows],
) -> Rekap {
    let mut lines = Vec::with_capacity(people.len());
    let mut at_office: Vec<&str> = Vec::new();
    for p in people {
        let place = p.tempat.as_ref().and_then(tempat_of);
        let home = place.as_ref().map(|t| t.tempat);
        let held: Vec<_> = p
            .check_ins
            .iter()
            .map(|(id, v)| check_in_of(rules, id.clone(), v, home))
            .map(|c| (c.judged, c.diterima, c.izin_keluar))
            .collect();
        let mode = rules.mode_of(&p.nip, p.unit.as_deref());
        let orang = Orang { mode, cuti_atau_sakit: p.on_leave(window.day), check_ins: &held };
        let (keberadaan, tanda) = rules::keberadaan(&orang, window, as_of);
        if keberadaan == Keberadaan::DiKantor {
            at_office.extend(p.eselon.as_deref());
        }
        lines.push(RekapLine {
            nip: p.nip.clone(),
            nama: p.nama.clone(),
            keberadaan,
            tanda,
            tempat_terdaftar: place.is_some(),
            tempat_dikonfirmasi: place.as_ref().is_some_and(|t| t.dikonfirmasi_oleh.is_some()),
        });
    }
    let mut jumlah = BTreeMap::new();
    for l in &lines {
        *jumlah.entry(l.keberadaan).or_insert(0) += 1;
    }
    let ditandai = lines.iter().filter(|l| !l.tanda.is_empty()).count();
    let minimum = rules.minimum_kantor;
    let (terpenuhi, hadir) = minimum.check(at_office);
    let minimum_kantor = CekMinimumKantor { terpenuhi, hadir, minimum };
    Rekap {
        unit: unit.into(),
        tanggal: window.day,
        jam_lapor: window.lapor,
        as_of,
        lines,
        jumlah,
        ditandai,
        minimum_kantor,
        dipangkas: false,
    }
}
