//! The working-from-home rules of the Banten circular 800/734-BKD/2020 as pure functions: which
//! report window a check-in answers, what is flagged about it, and who counts as where in a
//! unit's recap at a given moment. No storage, no clock: the caller hands in the times.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The instansi's time zone: report times are local times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ZonaWaktu {
    Wib,
    Wita,
    Wit,
}

impl ZonaWaktu {
    pub fn offset(self) -> FixedOffset {
        let hours = match self {
            ZonaWaktu::Wib => 7,
            ZonaWaktu::Wita => 8,
            ZonaWaktu::Wit => 9,
        };
        FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
    }
}

/// Where a group of staff works under an arrangement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ModeKerja {
    /// Works from home and reports where they are at each report time.
    Rumah,
    /// Works at the office (the office-minimum rule counts them).
    Kantor,
    /// Works as usual (security, cleaning staff, the task force): no WFH reports.
    Biasa,
}

/// Working hours of one weekday, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JamKerja {
    pub mulai: NaiveTime,
    pub selesai: NaiveTime,
}

/// A work arrangement the BKD sets for a period: the schedule, the report times, the zone and
/// the holidays. Which staff work where is decided per person by `ModeKerja`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PengaturanKerja {
    pub dari: NaiveDate,
    pub sampai: NaiveDate,
    pub zona: ZonaWaktu,
    /// Monday first; `None` for a day off.
    pub jadwal: [Option<JamKerja>; 7],
    /// The times each unit reports its staff's whereabouts, ascending (07:30, 11:30, 15:30).
    pub jam_lapor: Vec<NaiveTime>,
    pub libur: Vec<NaiveDate>,
    /// Where a unit works when it does not work from home (the office, or as usual).
    #[serde(default)]
    pub mode_unit: std::collections::BTreeMap<String, ModeKerja>,
    /// Staff groups by NIP (security, cleaning staff, the task force: as usual), over their unit's.
    #[serde(default)]
    pub mode_pegawai: std::collections::BTreeMap<String, ModeKerja>,
    /// Who must be at each unit's office every working day.
    #[serde(default = "MinimumKantor::surat_edaran")]
    pub minimum_kantor: MinimumKantor,
    /// How many days location fixes are kept, on the hub and on devices; the recaps' counts stay.
    #[serde(default = "retensi_default")]
    pub retensi_hari: u32,
}

/// The retention the issue sets until the BKD says otherwise.
pub const RETENSI_HARI: u32 = 90;

fn retensi_default() -> u32 {
    RETENSI_HARI
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl PengaturanKerja {
    /// The circular's arrangement: Monday-Thursday 07.00-15.00, Friday 07.00-15.30, reports at
    /// 07.30, 11.30 and 15.30.
    pub fn surat_edaran(dari: NaiveDate, sampai: NaiveDate, zona: ZonaWaktu) -> PengaturanKerja {
        let weekday = Some(JamKerja { mulai: hm(7, 0), selesai: hm(15, 0) });
        let friday = Some(JamKerja { mulai: hm(7, 0), selesai: hm(15, 30) });
        PengaturanKerja {
            dari,
            sampai,
            zona,
            jadwal: [weekday, weekday, weekday, weekday, friday, None, None],
            jam_lapor: vec![hm(7, 30), hm(11, 30), hm(15, 30)],
            libur: Vec::new(),
            mode_unit: Default::default(),
            mode_pegawai: Default::default(),
            minimum_kantor: MinimumKantor::SURAT_EDARAN,
            retensi_hari: RETENSI_HARI,
        }
    }

    /// This arrangement stretched to cover `day`: a day of an earlier period is recapped by
    /// today's schedule when its fixes are purged.
    pub fn covering(&self, day: NaiveDate) -> PengaturanKerja {
        PengaturanKerja { dari: self.dari.min(day), sampai: self.sampai.max(day), ..self.clone() }
    }

    /// The first local day whose fixes are still kept at `now`: earlier ones are purged.
    pub fn kept_from(&self, now: DateTime<Utc>) -> NaiveDate {
        let today = now.with_timezone(&self.zona.offset()).date_naive();
        today - Duration::days(i64::from(self.retensi_hari))
    }

    /// Where `nip` of `unit` works under this arrangement: their own group's, else their unit's,
    /// else from home.
    pub fn mode_of(&self, nip: &str, unit: Option<&str>) -> ModeKerja {
        self.mode_pegawai
            .get(nip)
            .or_else(|| unit.and_then(|u| self.mode_unit.get(u)))
            .copied()
            .unwrap_or(ModeKerja::Rumah)
    }

    /// Refuses an arrangement that cannot be followed, naming what is wrong: a period that ends
    /// before it starts, no report time or times out of order, a working day that ends before
    /// it starts.
    pub fn checked(&self) -> Result<(), (&'static str, String)> {
        if self.sampai < self.dari {
            return Err(("sampai", format!("the period ends ({}) before it starts ({})", self.sampai, self.dari)));
        }
        if self.jam_lapor.is_empty() || self.jam_lapor.windows(2).any(|w| w[0] >= w[1]) {
            return Err(("jam_lapor", "report times are given ascending, at least one".into()));
        }
        if !(1..=3650).contains(&self.retensi_hari) {
            return Err(("retensi_hari", format!("{} days: keep fixes 1 to 3650 days", self.retensi_hari)));
        }
        for (i, j) in self.jadwal.iter().enumerate() {
            if let Some(j) = j.filter(|j| j.selesai <= j.mulai) {
                return Err(("jadwal", format!("day {} ends ({}) before it starts ({})", i + 1, j.selesai, j.mulai)));
            }
        }
        Ok(())
    }

    /// The arrangement in force at `now` until the BKD publishes its own: the circular's, in
    /// WIB, from the year before to the year after.
    pub fn in_force(now: DateTime<Utc>) -> PengaturanKerja {
        let year = now.year();
        match (NaiveDate::from_ymd_opt(year - 1, 1, 1), NaiveDate::from_ymd_opt(year + 1, 12, 31)) {
            (Some(from), Some(to)) => PengaturanKerja::surat_edaran(from, to, ZonaWaktu::Wib),
            _ => PengaturanKerja::surat_edaran(NaiveDate::MIN, NaiveDate::MAX, ZonaWaktu::Wib),
        }
    }

    /// The working hours of `day`, or `None` when it is outside the period, a weekend or a
    /// holiday.
    pub fn jam_kerja(&self, day: NaiveDate) -> Option<JamKerja> {
        if day < self.dari || day > self.sampai || self.libur.contains(&day) {
            return None;
        }
        self.jadwal[day.weekday().num_days_from_monday() as usize]
    }

    /// The moment of a local time on a day, in UTC.
    pub fn moment(&self, day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        self.zona.offset().from_local_datetime(&day.and_time(time)).single().map(|d| d.with_timezone(&Utc))
    }

    /// The report window a moment falls in on a working day: window `k` runs from the report
    /// before it (the first from an hour before work starts) up to and including its own report
    /// time. Outside working days, before the first window and after the last report: `None`.
    pub fn window_of(&self, at: DateTime<Utc>) -> Option<Window> {
        let local = at.with_timezone(&self.zona.offset());
        let day = local.date_naive();
        let jam = self.jam_kerja(day)?;
        let mut opens = jam.mulai - Duration::hours(1);
        for (k, lapor) in self.jam_lapor.iter().enumerate() {
            let t = local.time();
            if t > opens && t <= *lapor || (k == 0 && t == opens) {
                return Some(Window { day, index: k, lapor: *lapor });
            }
            opens = *lapor;
        }
        None
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.jam_kerja(day).is_some()
    }
}

/// One report window of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub day: NaiveDate,
    /// 0 for the first report time of the day.
    pub index: usize,
    /// The report time (local).
    pub lapor: NaiveTime,
}

/// A location fix as the phone took it: one per check-in, never a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    /// The fix's accuracy radius in metres, as the OS gives it.
    pub akurasi_m: f64,
    /// `gps`, `network`, `fused` ...
    pub provider: String,
    /// The OS said the location came from a mock provider.
    pub mock: bool,
    /// The device clock when the fix was taken.
    pub waktu_perangkat: DateTime<Utc>,
    /// The fix's own time from the satellites, when the provider is GPS (independent of the
    /// device clock).
    pub waktu_gps: Option<DateTime<Utc>>,
}

/// Where someone registered they work from home (set once by the ASN, confirmed by the
/// facilitator).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tempat {
    pub lat: f64,
    pub lon: f64,
}

/// Metres between two points on the earth (haversine, mean radius).
pub fn distance_m(a: Tempat, b: Tempat) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let (dp, dl) = ((b.lat - a.lat).to_radians(), (b.lon - a.lon).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// How far from the registered place a fix may be (beyond its own accuracy) before it is
/// flagged.
pub const RADIUS_RUMAH_M: f64 = 200.0;
/// How far a device clock may be from the satellites' or the hub's before it is flagged.
pub const SELISIH_JAM_MAKS: Duration = Duration::minutes(5);
/// A fix vaguer than this says little about where someone is.
pub const AKURASI_MAKS_M: f64 = 500.0;

/// What a recap shows about a check-in; flagged check-ins still count, marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kode", rename_all = "snake_case")]
pub enum Tanda {
    /// The OS reported a mock location.
    LokasiPalsu,
    /// Farther from the registered place than the radius plus the fix's accuracy.
    JauhDariRumah { meter: u32 },
    /// No place registered yet, so distance cannot be judged.
    RumahBelumTerdaftar,
    /// The device clock differs from the satellites' time or the hub's by more than allowed.
    JamPerangkatBerbeda { menit: i64 },
    /// The fix is vaguer than `AKURASI_MAKS_M`.
    TidakAkurat { meter: u32 },
    /// Reached the hub after its window's report time (taken offline and synced later).
    TerlambatSinkron,
}

/// A check-in judged: its window (by the best time known for when it was taken) and flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub taken_at: DateTime<Utc>,
    pub window: Option<Window>,
    pub tanda: Vec<Tanda>,
}

/// Judges one check-in. `arrived` is when the hub stamped it (`None` while still on the device);
/// `clock_offset` is how far the device clock was ahead of the hub's at the sync that brought it
/// (measured by the hub), when known.
pub fn judge(
    rules: &PengaturanKerja,
    fix: &Fix,
    rumah: Option<Tempat>,
    arrived: Option<DateTime<Utc>>,
    clock_offset: Option<Duration>,
) -> Judged {
    let mut tanda = Vec::new();
    if fix.mock {
        tanda.push(Tanda::LokasiPalsu);
    }
    match rumah {
        Some(home) => {
            let d = distance_m(home, Tempat { lat: fix.lat, lon: fix.lon });
            if d > RADIUS_RUMAH_M + fix.akurasi_m.max(0.0) {
                tanda.push(Tanda::JauhDariRumah { meter: d.round() as u32 });
            }
        }
        None => tanda.push(Tanda::RumahBelumTerdaftar),
    }
    if fix.akurasi_m > AKURASI_MAKS_M {
        tanda.push(Tanda::TidakAkurat { meter: fix.akurasi_m.round() as u32 });
    }
    // The satellites' time is the best witness of when the fix was taken; otherwise the device
    // clock corrected by what the hub measured.
    let skew = match (fix.waktu_gps, clock_offset) {
        (Some(gps), _) => Some(fix.waktu_perangkat - gps),
        (None, Some(offset)) => Some(offset),
        (None, None) => None,
    };
    if let Some(s) = skew.filter(|s| s.abs() > SELISIH_JAM_MAKS) {
        tanda.push(Tanda::JamPerangkatBerbeda { menit: s.num_minutes() });
    }
    let taken_at = match (fix.waktu_gps, clock_offset) {
        (Some(gps), _) => gps,
        (None, Some(offset)) => fix.waktu_perangkat - offset,
        (None, None) => fix.waktu_perangkat,
    };
    let window = rules.window_of(taken_at);
    if let (Some(w), Some(arrived)) = (window, arrived) {
        if rules.moment(w.day, w.lapor).is_some_and(|due| arrived > due) {
            tanda.push(Tanda::TerlambatSinkron);
        }
    }
    Judged { taken_at, window, tanda }
}

/// Where a recap puts a person in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Keberadaan {
    DiRumah,
    DiKantor,
    /// On duty elsewhere, or out for food, health or safety with the atasan told (izin keluar).
    Tugas,
    CutiSakit,
    /// Works as usual: not asked to report.
    Biasa,
    TidakLapor,
}

/// One person's day as the recap sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Orang<'a> {
    pub mode: ModeKerja,
    pub cuti_atau_sakit: bool,
    /// Their judged check-ins with when the hub stamped each (`None`: not on the hub yet) and
    /// whether it is an izin keluar.
    pub check_ins: &'a [(Judged, Option<DateTime<Utc>>, bool)],
}

/// Where a person is in `window` as known at `as_of`: only check-ins that reached the hub by
/// then count, so the 07.30 recap made at 07.31 does not know what syncs at 16.00.
pub fn keberadaan(orang: &Orang<'_>, window: Window, as_of: DateTime<Utc>) -> (Keberadaan, Vec<Tanda>) {
    if orang.cuti_atau_sakit {
        return (Keberadaan::CutiSakit, Vec::new());
    }
    if orang.mode == ModeKerja::Biasa {
        return (Keberadaan::Biasa, Vec::new());
    }
    let known = orang
        .check_ins
        .iter()
        .filter(|(j, arrived, _)| j.window == Some(window) && arrived.is_some_and(|a| a <= as_of))
        .max_by_key(|(j, _, _)| j.taken_at);
    match known {
        None => (Keberadaan::TidakLapor, Vec::new()),
        Some((j, _, true)) => (Keberadaan::Tugas, j.tanda.clone()),
        Some((j, _, false)) => {
            let place = if orang.mode == ModeKerja::Kantor { Keberadaan::DiKantor } else { Keberadaan::DiRumah };
            (place, j.tanda.clone())
        }
    }
}

/// The circular's office minimum: at least one Administrator (eselon III) and three Pengawas
/// (eselon IV) at the office each working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MinimumKantor {
    pub administrator: usize,
    pub pengawas: usize,
}

impl MinimumKantor {
    pub const SURAT_EDARAN: MinimumKantor = MinimumKantor { administrator: 1, pengawas: 3 };

    fn surat_edaran() -> MinimumKantor {
        MinimumKantor::SURAT_EDARAN
    }

    /// Whether the eselon codes (SIASN `eselonId`: 31/32 Administrator, 41/42 Pengawas) of those
    /// at the office meet the minimum, and how many of each were there.
    pub fn check<'a>(self, at_office: impl IntoIterator<Item = &'a str>) -> (bool, MinimumKantor) {
        let mut seen = MinimumKantor { administrator: 0, pengawas: 0 };
        for e in at_office {
            match e.chars().next() {
                Some('3') => seen.administrator += 1,
                Some('4') => seen.pengawas += 1,
                _ => {}
            }
        }
        (seen.administrator >= self.administrator && seen.pengawas >= self.pengawas, seen)
    }
}

/// The weekday name the schedule is indexed by (Monday first), for messages.
pub fn hari(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "Senin",
        Weekday::Tue => "Selasa",
        Weekday::Wed => "Rabu",
        Weekday::Thu => "Kamis",
        Weekday::Fri => "Jumat",
        Weekday::Sat => "Sabtu",
        Weekday::Sun => "Minggu",
    }
}
