//! Presence on the desktop: the facilitator's (or the BKD's) recap of a unit for a report time
//! (07.30, 11.30, 15.30) as known at a moment, with each ASN's whereabouts and flags, and the
//! confirmation of an ASN's work-from-home place. Each command calls core.

use berkas_core::presensi::{Keberadaan, Rekap, Tanda};
use berkas_core::reports::ReportFormat;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekapLineView {
    pub nip: String,
    pub nama: String,
    /// `DI_RUMAH`, `DI_KANTOR`, `TUGAS`, `CUTI_SAKIT`, `BIASA`, `TIDAK_LAPOR`.
    pub keberadaan: String,
    /// Flag codes (`lokasi_palsu`, `jauh_dari_rumah`, `terlambat_sinkron` ...).
    pub tanda: Vec<String>,
    /// Metres from the registered place, when flagged far.
    pub jarak_m: Option<u32>,
    /// `null`: no work-from-home place set; `false`: set, waiting for confirmation.
    pub tempat_dikonfirmasi: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RekapView {
    pub unit: String,
    pub tanggal: String,
    pub jam_lapor: String,
    pub as_of: String,
    pub lines: Vec<RekapLineView>,
    /// Count per whereabouts code, in the order of `keberadaan`.
    pub jumlah: Vec<(String, u32)>,
    pub ditandai: u32,
    /// The report times of the arrangement in force.
    pub jam_lapor_semua: Vec<String>,
    /// The office minimum among those at the office in this window.
    pub minimum_kantor: MinimumKantorView,
    /// The day's locations were purged after the retention period: no lines, the counts kept.
    pub dipangkas: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MinimumKantorView {
    pub terpenuhi: bool,
    pub administrator: u32,
    pub pengawas: u32,
    pub minimum_administrator: u32,
    pub minimum_pengawas: u32,
}

fn code<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn flag(t: &Tanda) -> String {
    serde_json::to_value(t).ok().and_then(|v| v["kode"].as_str().map(str::to_string)).unwrap_or_default()
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn minimum(r: &Rekap) -> MinimumKantorView {
    let m = r.minimum_kantor;
    MinimumKantorView {
        terpenuhi: m.terpenuhi,
        administrator: count(m.hadir.administrator),
        pengawas: count(m.hadir.pengawas),
        minimum_administrator: count(m.minimum.administrator),
        minimum_pengawas: count(m.minimum.pengawas),
    }
}

fn counts(r: &Rekap) -> Vec<(String, u32)> {
    r.jumlah.iter().map(|(k, n): (&Keberadaan, &usize)| (code(k), count(*n))).collect()
}

fn view(r: Rekap, times: Vec<String>) -> RekapView {
    RekapView {
        minimum_kantor: minimum(&r),
        jumlah: counts(&r),
        dipangkas: r.dipangkas,
        lines: r
            .lines
            .into_iter()
            .map(|l| RekapLineView {
                jarak_m: l.tanda.iter().find_map(|t| match t {
                    Tanda::JauhDariRumah { meter } => Some(*meter),
                    _ => None,
                }),
                tanda: l.tanda.iter().map(flag).collect(),
                tempat_dikonfirmasi: l.tempat_terdaftar.then_some(l.tempat_dikonfirmasi),
                keberadaan: code(&l.keberadaan),
                nip: l.nip,
                nama: l.nama,
            })
            .collect(),
        ditandai: count(r.ditandai),
        unit: r.unit,
        tanggal: r.tanggal.to_string(),
        jam_lapor: r.jam_lapor.format("%H:%M").to_string(),
        as_of: r.as_of.to_rfc3339(),
        jam_lapor_semua: times,
    }
}

fn bad(field: &str, message: String) -> CommandError {
    berkas_core::Error::invalid(field, "presensi.format", message).into()
}

/// The date, report time and moment a recap is asked for, checked.
fn asked(tanggal: &str, jam_lapor: &str, as_of: Option<String>) -> CmdResult<(NaiveDate, NaiveTime, DateTime<Utc>)> {
    let day = NaiveDate::parse_from_str(tanggal, "%Y-%m-%d")
        .map_err(|_| bad("tanggal", format!("{tanggal:?} is not YYYY-MM-DD")))?;
    let jam = NaiveTime::parse_from_str(jam_lapor, "%H:%M")
        .map_err(|_| bad("jam_lapor", format!("{jam_lapor:?} is not HH:MM")))?;
    let as_of = match as_of.filter(|a| !a.trim().is_empty()) {
        Some(a) => DateTime::parse_from_rfc3339(&a)
            .map_err(|_| bad("as_of", format!("{a:?} is not an RFC 3339 time")))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    Ok((day, jam, as_of))
}

/// A unit's recap for `jam_lapor` (`HH:MM`) on `tanggal` (`YYYY-MM-DD`), from what had reached
/// the hub by `as_of` (RFC 3339; now when absent); for a day past the retention period, the
/// counts the hub kept.
#[tauri::command]
pub async fn presensi_rekap(
    state: State<'_, Desktop>,
    unit: String,
    tanggal: String,
    jam_lapor: String,
    as_of: Option<String>,
) -> CmdResult<RekapView> {
    let (day, jam, as_of) = asked(&tanggal, &jam_lapor, as_of)?;
    let b = state.berkas()?;
    let times = b.pengaturan_kerja().jam_lapor.iter().map(|t| t.format("%H:%M").to_string()).collect();
    let opts = berkas_core::sync::SyncOptions::default();
    Ok(view(b.presensi_rekap_or_kept(&unit, day, jam, as_of, &opts).await?, times))
}

/// The recap as a PDF and an XLSX the hub signs (the XLSX's `.sig` beside it), written to the
/// downloads folder: what the OPD sends the BKD. The paths written.
#[tauri::command]
pub async fn presensi_export(
    state: State<'_, Desktop>,
    unit: String,
    tanggal: String,
    jam_lapor: String,
    as_of: Option<String>,
) -> CmdResult<Vec<String>> {
    let (day, jam, as_of) = asked(&tanggal, &jam_lapor, as_of)?;
    let b = state.berkas()?;
    let opts = berkas_core::sync::SyncOptions::default();
    let name = format!("rekap-wfh-{unit}-{tanggal}-{}", jam.format("%H%M"));
    let pdf = b.signed_rekap(&unit, day, jam, as_of, ReportFormat::Pdf, &opts).await?;
    let xlsx = b.signed_rekap(&unit, day, jam, as_of, ReportFormat::Xlsx, &opts).await?;
    write_signed(&name, &pdf, &xlsx)
}

/// A signed recap's PDF, XLSX and the XLSX's `.sig`, in the downloads folder: the paths.
fn write_signed(
    name: &str,
    pdf: &berkas_core::signing::SignedExport,
    xlsx: &berkas_core::signing::SignedExport,
) -> CmdResult<Vec<String>> {
    let mut written = vec![crate::reports::write_export(&format!("{name}.pdf"), &pdf.bytes)?];
    written.push(crate::reports::write_export(&format!("{name}.xlsx"), &xlsx.bytes)?);
    if let Some(sig) = &xlsx.detached {
        written.push(crate::reports::write_export(&format!("{name}.xlsx.sig"), sig.as_bytes())?);
    }
    Ok(written)
}

/// One unit's line of the BKD's daily recap.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RekapUnitView {
    pub unit: String,
    /// Count per whereabouts code, in the order of `keberadaan`.
    pub jumlah: Vec<(String, u32)>,
    pub ditandai: u32,
    pub minimum_kantor: MinimumKantorView,
    pub dipangkas: bool,
}

/// A unit's line of the BKD's recap: its counts, not its people.
fn unit_line(r: Rekap) -> RekapUnitView {
    RekapUnitView {
        jumlah: counts(&r),
        ditandai: count(r.ditandai),
        minimum_kantor: minimum(&r),
        dipangkas: r.dipangkas,
        unit: r.unit,
    }
}

/// The BKD's daily recap across every unit for `jam_lapor` on `tanggal`, from the hub (what goes
/// to the governor); the BKD's own.
#[tauri::command]
pub async fn presensi_rekap_bkd(
    state: State<'_, Desktop>,
    tanggal: String,
    jam_lapor: String,
    as_of: Option<String>,
) -> CmdResult<Vec<RekapUnitView>> {
    let (day, jam, as_of) = asked(&tanggal, &jam_lapor, as_of)?;
    let b = state.berkas()?;
    let opts = berkas_core::sync::SyncOptions::default();
    Ok(b.hub_rekap(None, day, jam, Some(as_of), &opts).await?.into_iter().map(unit_line).collect())
}

/// The BKD's daily recap as a PDF and an XLSX the hub signs, written to the downloads folder.
#[tauri::command]
pub async fn presensi_export_bkd(
    state: State<'_, Desktop>,
    tanggal: String,
    jam_lapor: String,
    as_of: Option<String>,
) -> CmdResult<Vec<String>> {
    let (day, jam, as_of) = asked(&tanggal, &jam_lapor, as_of)?;
    let b = state.berkas()?;
    let opts = berkas_core::sync::SyncOptions::default();
    let name = format!("rekap-wfh-bkd-{tanggal}-{}", jam.format("%H%M"));
    let recaps = b.hub_rekap(None, day, jam, Some(as_of), &opts).await?;
    let pdf = b.signed_rekap_bkd(&recaps, ReportFormat::Pdf, &opts).await?;
    let xlsx = b.signed_rekap_bkd(&recaps, ReportFormat::Xlsx, &opts).await?;
    write_signed(&name, &pdf, &xlsx)
}

/// Confirms an ASN's work-from-home place (sent at the next sync).
#[tauri::command]
pub fn presensi_confirm_place(state: State<'_, Desktop>, nip: String) -> CmdResult<()> {
    Ok(state.berkas()?.confirm_tempat_wfh(&nip)?)
}
