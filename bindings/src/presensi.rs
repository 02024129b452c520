//! Presence for the app: the ASN checks in from the phone's location fix (offline too: sent at
//! the next sync), leaves home with a reason (izin keluar), sets their work-from-home place, and
//! sees today's check-ins with their report time and flags; a unit's recap for whoever may make
//! it (the facilitator's, the BKD's).

use berkas_core::presensi::{CheckIn, Fix, NewCheckIn, Tanda, Tempat};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::error::{BerkasError, Result};
use crate::profile::BerkasProfile;

/// A location fix as Android's `Location` gives it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LocationFix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    /// `gps`, `network`, `fused` ...
    pub provider: String,
    /// `Location.isMock()` (API 31+) or `isFromMockProvider()`.
    pub mock: bool,
    /// `System.currentTimeMillis()` when the fix was taken.
    pub device_time_ms: i64,
    /// `Location.getTime()` for a GPS fix: the satellites' time, independent of the phone's clock.
    pub gps_time_ms: Option<i64>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CheckInEntry {
    pub id: String,
    pub izin_keluar: bool,
    pub alasan: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    /// When it was taken (the best time known), RFC 3339.
    pub taken_at: String,
    /// The report time it answers (`07:30`), if it falls in a window of a working day.
    pub report_time: Option<String>,
    /// Flag codes: `lokasi_palsu`, `jauh_dari_rumah`, `rumah_belum_terdaftar`,
    /// `jam_perangkat_berbeda`, `tidak_akurat`, `terlambat_sinkron`.
    pub flags: Vec<String>,
    /// Reached the hub (it stamped its arrival).
    pub sent: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct WfhPlace {
    pub lat: f64,
    pub lon: f64,
    pub alamat: Option<String>,
    /// The facilitator who confirmed it; `None` until then.
    pub confirmed_by: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RecapLineEntry {
    pub nip: String,
    pub nama: String,
    /// `DI_RUMAH`, `DI_KANTOR`, `TUGAS`, `CUTI_SAKIT`, `BIASA`, `TIDAK_LAPOR`.
    pub keberadaan: String,
    pub flags: Vec<String>,
}

/// A direct report's check-ins of a day, as their atasan sees them.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReportPresenceEntry {
    pub nip: String,
    pub nama: String,
    pub check_ins: Vec<CheckInEntry>,
    /// Their registered work-from-home place, if set.
    pub place: Option<WfhPlace>,
}

/// The code of a flag, as the recap and the app's words name it.
pub(crate) fn flag_code(t: &Tanda) -> String {
    serde_json::to_value(t).ok().and_then(|v| v["kode"].as_str().map(str::to_string)).unwrap_or_default()
}

fn invalid(field: &str, code: &str, message: String) -> BerkasError {
    berkas_core::Error::invalid(field, code, message).into()
}

fn time(ms: i64, field: &str) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| invalid(field, "presensi.waktu", format!("{ms} is no time")))
}

fn day(date: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| invalid("date", "presensi.date", format!("{date:?} is not YYYY-MM-DD")))
}

fn entry(c: CheckIn) -> CheckInEntry {
    CheckInEntry {
        report_time: c.judged.window.map(|w| w.lapor.format("%H:%M").to_string()),
        flags: c.judged.tanda.iter().map(flag_code).collect(),
        taken_at: c.judged.taken_at.to_rfc3339(),
        sent: c.diterima.is_some(),
        id: c.id,
        izin_keluar: c.izin_keluar,
        alasan: c.alasan,
        lat: c.fix.lat,
        lon: c.fix.lon,
        accuracy_m: c.fix.akurasi_m,
    }
}

#[uniffi::export]
impl BerkasProfile {
    /// Reports where the ASN is now (one fix), or with `izin_keluar` that they leave home for
    /// food, health or safety and why. Works offline.
    pub fn check_in(
        &self,
        nip: String,
        fix: LocationFix,
        izin_keluar: bool,
        alasan: Option<String>,
    ) -> Result<CheckInEntry> {
        let fix = Fix {
            lat: fix.lat,
            lon: fix.lon,
            akurasi_m: fix.accuracy_m,
            provider: fix.provider,
            mock: fix.mock,
            waktu_perangkat: time(fix.device_time_ms, "device_time_ms")?,
            waktu_gps: fix.gps_time_ms.map(|ms| time(ms, "gps_time_ms")).transpose()?,
        };
        Ok(entry(self.inner.check_in(&nip, &NewCheckIn { fix, izin_keluar, alasan })?))
    }

    /// The check-ins of a day (`YYYY-MM-DD`, the instansi's local date), oldest first.
    pub fn check_ins(&self, nip: String, date: String) -> Result<Vec<CheckInEntry>> {
        Ok(self.inner.check_ins(&nip, day(&date)?)?.into_iter().map(entry).collect())
    }

    /// Today's date and the next report time in the instansi's zone (`None` after the last one,
    /// on weekends and holidays), for the screen's header.
    pub fn presence_today(&self) -> Vec<String> {
        let rules = self.inner.pengaturan_kerja();
        let now = Utc::now();
        let today = now.with_timezone(&rules.zona.offset()).date_naive().to_string();
        let next = rules.window_of(now).map(|w| w.lapor.format("%H:%M").to_string());
        std::iter::once(today).chain(next).collect()
    }

    pub fn set_wfh_place(&self, nip: String, lat: f64, lon: f64, alamat: Option<String>) -> Result<()> {
        Ok(self.inner.set_tempat_wfh(&nip, Tempat { lat, lon }, alamat.as_deref())?)
    }

    pub fn wfh_place(&self, nip: String) -> Result<Option<WfhPlace>> {
        Ok(self.inner.tempat_wfh(&nip)?.map(|t| WfhPlace {
            lat: t.tempat.lat,
            lon: t.tempat.lon,
            alamat: t.alamat,
            confirmed_by: t.dikonfirmasi_oleh,
        }))
    }

    /// A unit's recap for one report time (`HH:MM`) of `date`, from what had reached the hub by
    /// `as_of_ms` (now when `None`).
    pub fn presence_recap(
        &self,
        unit: String,
        date: String,
        report_time: String,
        as_of_ms: Option<i64>,
    ) -> Result<Vec<RecapLineEntry>> {
        let jam = NaiveTime::parse_from_str(&report_time, "%H:%M")
            .map_err(|_| invalid("window", "presensi.window", format!("{report_time:?} is not HH:MM")))?;
        let as_of = as_of_ms.map(|ms| time(ms, "as_of_ms")).transpose()?.unwrap_or_else(Utc::now);
        let r = self.inner.presensi_rekap(&unit, day(&date)?, jam, as_of)?;
        Ok(r.lines
            .into_iter()
            .map(|l| RecapLineEntry {
                keberadaan: serde_json::to_value(l.keberadaan)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                flags: l.tanda.iter().map(flag_code).collect(),
                nip: l.nip,
                nama: l.nama,
            })
            .collect())
    }
}

/// A daily activity, as the phone shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActivityEntry {
    pub id: String,
    pub tanggal: String,
    pub rencana: String,
    pub tambahan: bool,
    pub uraian: String,
    pub output: Option<String>,
    pub kuantitas: Option<i64>,
    pub satuan: Option<String>,
    pub menit: Option<i64>,
    /// DRAFT, DIAJUKAN, DISETUJUI, DIKEMBALIKAN.
    pub status: String,
    /// Why the atasan returned it.
    pub alasan: Option<String>,
    pub diputus_oleh: Option<String>,
}

/// One report's submitted day, as their atasan sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReportDayEntry {
    pub nip: String,
    pub nama: String,
    pub tanggal: String,
    pub activities: Vec<ActivityEntry>,
}

fn activity(a: berkas_core::presensi::Aktivitas) -> ActivityEntry {
    ActivityEntry {
        id: a.id,
        tanggal: a.tanggal,
        rencana: a.rencana,
        tambahan: a.tambahan,
        uraian: a.uraian,
        output: a.output,
        kuantitas: a.kuantitas,
        satuan: a.satuan,
        menit: a.menit,
        status: a.status,
        alasan: a.alasan,
        diputus_oleh: a.diputus_oleh,
    }
}

#[uniffi::export]
impl BerkasProfile {
    /// Records an activity of the day `tanggal` (`YYYY-MM-DD`) as a draft; offline too.
    #[allow(clippy::too_many_arguments)]
    pub fn add_activity(
        &self,
        nip: String,
        tanggal: String,
        rencana: String,
        tambahan: bool,
        uraian: String,
        output: Option<String>,
        kuantitas: Option<i64>,
        satuan: Option<String>,
        menit: Option<i64>,
    ) -> Result<ActivityEntry> {
        let new = berkas_core::presensi::NewAktivitas {
            tanggal: day(&tanggal)?,
            rencana,
            tambahan,
            uraian,
            output,
            kuantitas,
            satuan,
            menit,
            dokumen_id: None,
        };
        Ok(activity(self.inner.add_aktivitas(&nip, &new)?))
    }

    /// The activities of a day, or all when `tanggal` is `None`.
    pub fn activities(&self, nip: String, tanggal: Option<String>) -> Result<Vec<ActivityEntry>> {
        let d = tanggal.as_deref().map(day).transpose()?;
        Ok(self.inner.aktivitas(&nip, d)?.into_iter().map(activity).collect())
    }

    /// Submits a day's drafts and returned activities to the atasan (sent at the next sync).
    pub fn submit_activities(&self, nip: String, tanggal: String) -> Result<Vec<ActivityEntry>> {
        Ok(self.inner.submit_aktivitas(&nip, day(&tanggal)?)?.into_iter().map(activity).collect())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BerkasProfile {
    /// As an atasan: the direct reports' submitted days (of `tanggal`, or all waiting).
    pub async fn report_days(&self, tanggal: Option<String>) -> Result<Vec<ReportDayEntry>> {
        let d = tanggal.as_deref().map(day).transpose()?;
        let days = self.inner.bawahan_aktivitas(d, &berkas_core::sync::SyncOptions::default()).await?;
        Ok(days
            .into_iter()
            .map(|r| ReportDayEntry {
                nip: r.nip,
                nama: r.nama,
                tanggal: r.tanggal,
                activities: r.aktivitas.into_iter().map(activity).collect(),
            })
            .collect())
    }

    /// As an atasan: the direct reports' check-ins of `tanggal` (`YYYY-MM-DD`), with where each
    /// was taken and an izin keluar's reason. Online; the hub audits each report's read.
    pub async fn report_presence(&self, tanggal: String) -> Result<Vec<ReportPresenceEntry>> {
        let d = day(&tanggal)?;
        let reports = self.inner.bawahan_presensi(d, &berkas_core::sync::SyncOptions::default()).await?;
        Ok(reports
            .into_iter()
            .map(|r| ReportPresenceEntry {
                nip: r.nip,
                nama: r.nama,
                check_ins: r.check_ins.into_iter().map(entry).collect(),
                place: r.tempat.map(|t| WfhPlace {
                    lat: t.tempat.lat,
                    lon: t.tempat.lon,
                    alamat: t.alamat,
                    confirmed_by: t.dikonfirmasi_oleh,
                }),
            })
            .collect())
    }

    /// As an atasan: approve a report's day, or return it with a reason (required).
    pub async fn decide_report_day(
        &self,
        nip: String,
        tanggal: String,
        approve: bool,
        alasan: Option<String>,
    ) -> Result<String> {
        let p = berkas_core::presensi::PutusanAktivitas { nip, tanggal, setuju: approve, alasan };
        Ok(self.inner.putus_aktivitas(&p, &berkas_core::sync::SyncOptions::default()).await?.status)
    }
}
