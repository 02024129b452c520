//! Reports a facilitator hands in: the daftar nominatif (the unit's staff list) with each
//! record's completeness, exported as CSV, XLSX or PDF, and the counts behind the charts
//! (completeness per band, verification progress).

mod export;
mod letter;
mod pdf_text;
mod presensi_bkd;
mod presensi_file;
mod progress_xlsx;

use serde::Serialize;

use crate::error::Result;
use crate::profile::Berkas;

pub use export::{render, to_csv, to_pdf_coded, to_xlsx, ReportFormat};
pub use letter::{letter_pdf, LetterLine};
pub use presensi_bkd::{rekap_bkd_pdf, rekap_bkd_title, rekap_bkd_xlsx};
pub use presensi_file::{rekap_pdf, rekap_title, rekap_xlsx};
pub use progress_xlsx::progress_xlsx;

/// The line at the foot of every page of a file the hub signs: its code, and how to check it.
pub(crate) fn signed_foot(code: &str) -> String {
    format!(
        "Kode verifikasi: {code}  -  ditandatangani secara elektronik oleh hub Berkas; \
         periksa dengan kunci publik BKD: berkas signature verify"
    )
}

/// One line of the daftar nominatif.
#[derive(Debug, Clone, Serialize)]
pub struct NominatifRow {
    pub nip: String,
    /// With gelar depan and belakang.
    pub nama: String,
    pub golongan: String,
    pub tmt_golongan: String,
    pub jabatan: String,
    pub tmt_jabatan: String,
    pub pendidikan: String,
    pub unit: String,
    pub kelengkapan: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Nominatif {
    pub unit: Option<String>,
    pub dibuat: String,
    pub rows: Vec<NominatifRow>,
}

impl Nominatif {
    /// The units it holds, as its title names them: the one asked for, else every unit of its
    /// rows ("UNIT-A" for a facilitator whose laptop holds one unit, never "semua unit").
    pub fn units_named(&self) -> String {
        if let Some(u) = &self.unit {
            return u.clone();
        }
        let units: std::collections::BTreeSet<&str> =
            self.rows.iter().map(|r| r.unit.as_str()).filter(|u| !u.is_empty()).collect();
        if units.is_empty() {
            "tanpa unit".into()
        } else {
            units.into_iter().collect::<Vec<_>>().join(", ")
        }
    }
}

/// The counts behind the charts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// Records per completeness band: 0-24, 25-49, 50-74, 75-99, 100.
    pub completeness_bands: [u64; 5],
    /// Requests waiting for a decision, returned, decided (approved, rejected, completed, applied).
    pub requests_waiting: u64,
    pub requests_returned: u64,
    pub requests_decided: u64,
    /// Documents waiting for a decision, and decided.
    pub documents_waiting: u64,
    pub documents_decided: u64,
}

/// One unit's progress beside the others'.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitProgress {
    pub unit: String,
    pub asn: u64,
    /// The mean completeness of the unit's records, 0-100.
    pub completeness_mean: u8,
    pub progress: Progress,
}

impl Berkas {
    /// Every unit on this device side by side (by name), for comparing OPDs.
    pub fn unit_progress(&self) -> Result<Vec<UnitProgress>> {
        let units: Vec<(String, i64, f64)> = {
            let store = self.store();
            let mut st = store.conn.prepare(
                "SELECT unit, count(*), avg(coalesce(completeness, 0)) FROM pegawai WHERE unit IS NOT NULL AND unit <> ''
                 AND nip_baru NOT LIKE 'PPNPN-%' GROUP BY unit ORDER BY unit",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<f64>>(2)?.unwrap_or(0.0))))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        units
            .into_iter()
            .map(|(unit, asn, mean)| {
                let progress = self.work_progress(Some(&unit))?;
                Ok(UnitProgress {
                    unit,
                    asn: asn as u64,
                    completeness_mean: mean.round().clamp(0.0, 100.0) as u8,
                    progress,
                })
            })
            .collect()
    }

    /// The daftar nominatif of a unit (or of every record on this device), by name: ASN only,
    /// not the PPNPN's presence-only records.
    pub fn daftar_nominatif(&self, unit: Option<&str>) -> Result<Nominatif> {
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT p.nip_baru, p.nama, p.gelar_depan, p.gelar_belakang,
                    coalesce(g1.nama, g2.nama, p.gol_ruang_akhir_id), p.tmt_gol_akhir, p.jabatan_nama, p.tmt_jabatan,
                    coalesce(t.nama, p.tk_pendidikan_terakhir_id), p.unit, p.completeness
               FROM pegawai p
               LEFT JOIN ref_row g1 ON g1.tbl = 'golonganPns' AND g1.id = p.gol_ruang_akhir_id
               LEFT JOIN ref_row g2 ON g2.tbl = 'golonganPppk' AND g2.id = p.gol_ruang_akhir_id
               LEFT JOIN ref_row t ON t.tbl = 'tingkatPendidikan' AND t.id = p.tk_pendidikan_terakhir_id
              WHERE (?1 IS NULL OR p.unit = ?1) AND p.nip_baru NOT LIKE 'PPNPN-%'
              ORDER BY p.nama, p.nip_baru",
        )?;
        let text = |r: &rusqlite::Row<'_>, i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default);
        let rows = st
            .query_map([unit], |r| {
                let (depan, nama, belakang) = (text(r, 2)?, text(r, 1)?, text(r, 3)?);
                let mut full = if depan.is_empty() { nama } else { format!("{depan} {nama}") };
                if !belakang.is_empty() {
                    full = format!("{full}, {belakang}");
                }
                Ok(NominatifRow {
                    nip: text(r, 0)?,
                    nama: full,
                    golongan: text(r, 4)?,
                    tmt_golongan: text(r, 5)?,
                    jabatan: text(r, 6)?,
                    tmt_jabatan: text(r, 7)?,
                    pendidikan: text(r, 8)?,
                    unit: text(r, 9)?,
                    kelengkapan: r.get::<_, Option<u8>>(10)?.unwrap_or(0),
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Nominatif { unit: unit.map(str::to_string), dibuat: crate::store::now(), rows })
    }

    /// Completeness bands and verification progress on this device (a unit, or all).
    pub fn work_progress(&self, unit: Option<&str>) -> Result<Progress> {
        let store = self.store();
        let c = &store.conn;
        let mut p = Progress::default();
        // ASN only: a PPNPN's presence-only record has no SIASN data to be complete.
        let mut st = c.prepare(
            "SELECT completeness FROM pegawai WHERE (?1 IS NULL OR unit = ?1) AND nip_baru NOT LIKE 'PPNPN-%'",
        )?;
        for score in st.query_map([unit], |r| r.get::<_, Option<i64>>(0))? {
            let s = score?.unwrap_or(0).clamp(0, 100);
            p.completeness_bands[if s == 100 { 4 } else { (s / 25) as usize }] += 1;
        }
        let of_unit = "pegawai_id IN (SELECT id FROM pegawai WHERE ?1 IS NULL OR unit = ?1)";
        let count = |sql: &str| -> Result<u64> {
            Ok(c.query_row(&format!("{sql} AND {of_unit}"), [unit], |r| r.get::<_, i64>(0))? as u64)
        };
        p.requests_waiting =
            count("SELECT count(*) FROM usulan WHERE status IN ('SUBMITTED', 'RESUBMITTED', 'IN_REVIEW')")?;
        p.requests_returned = count("SELECT count(*) FROM usulan WHERE status = 'RETURNED'")?;
        p.requests_decided =
            count("SELECT count(*) FROM usulan WHERE status IN ('APPROVED', 'REJECTED', 'COMPLETED', 'APPLIED')")?;
        p.documents_waiting = count("SELECT count(*) FROM dokumen WHERE verifikasi IS NULL")?;
        p.documents_decided = count("SELECT count(*) FROM dokumen WHERE verifikasi IS NOT NULL")?;
        Ok(p)
    }
}
