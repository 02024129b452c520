//! `berkas presensi`: presence while working from home from the terminal. The ASN checks in
//! (offline too; one fix, sent at the next sync) and sets their work-from-home place; the
//! facilitator confirms places and makes a unit's recap for a report time.

use berkas_core::display::Lang;
use berkas_core::presensi::{CheckIn, Fix, Keberadaan, NewCheckIn, Rekap, Tanda, Tempat};
use berkas_core::reports::ReportFormat;
use berkas_core::sync::SyncOptions;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::Subcommand;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum PresensiCmd {
    /// Report where you are now (or leave home with --izin-keluar and a reason).
    CheckIn {
        #[arg(long)]
        nip: String,
        #[arg(long, allow_negative_numbers = true)]
        lat: f64,
        #[arg(long, allow_negative_numbers = true)]
        lon: f64,
        /// The fix's accuracy in metres.
        #[arg(long, default_value_t = 20.0)]
        akurasi: f64,
        #[arg(long, default_value = "manual")]
        provider: String,
        /// The location came from a mock provider.
        #[arg(long)]
        mock: bool,
        #[arg(long)]
        izin_keluar: bool,
        #[arg(long)]
        alasan: Option<String>,
        /// When the fix was taken (RFC 3339); now by default.
        #[arg(long)]
        waktu: Option<String>,
        /// The satellites' time of the fix (RFC 3339), when the provider is GPS.
        #[arg(long)]
        waktu_gps: Option<String>,
    },
    /// Your check-ins of a day (the instansi's local date), judged.
    List {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        date: String,
    },
    /// Set where you work from home (your facilitator confirms it).
    Tempat {
        #[arg(long)]
        nip: String,
        #[arg(long, allow_negative_numbers = true)]
        lat: f64,
        #[arg(long, allow_negative_numbers = true)]
        lon: f64,
        #[arg(long)]
        alamat: Option<String>,
    },
    /// Confirm an ASN's work-from-home place (facilitator, BKD).
    Konfirmasi {
        #[arg(long)]
        nip: String,
    },
    /// The work arrangement in force (`show`), or publish one from a JSON file (`set`, the BKD):
    /// period, zone, hours per weekday, report times, holidays, units and staff at the office
    /// or working as usual.
    Pengaturan {
        /// show or set
        action: String,
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// A unit's recap for one report time, from what had reached the hub by --as-of (now);
    /// without --unit, the BKD's daily recap across every unit, from the hub.
    Rekap {
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        date: String,
        /// The report time, HH:MM (07:30, 11:30, 15:30).
        #[arg(long)]
        window: String,
        #[arg(long)]
        as_of: Option<String>,
        /// Also write it as a PDF signed by the hub (its code on every page).
        #[arg(long)]
        signed_pdf: Option<std::path::PathBuf>,
        /// Also write it as XLSX with the hub's signature in FILE.sig beside it.
        #[arg(long)]
        signed_xlsx: Option<std::path::PathBuf>,
    },
    /// Your direct reports' check-ins of a day, where each was taken (you as their atasan).
    Bawahan {
        #[arg(long)]
        date: String,
    },
    /// Purge the fixes past the retention period now (the BKD; the hub also does it on its own).
    Pangkas,
}

fn moment(field: &str, s: &str) -> Result<DateTime<Utc>, CliError> {
    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).map_err(|e| {
        CliError::usage(format!("--{field} {s:?} is not an RFC 3339 time (2026-12-07T07:05:00+07:00): {e}"))
    })
}

fn date(s: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| CliError::usage(format!("--date {s:?} is not YYYY-MM-DD")))
}

fn kode(t: &Tanda) -> String {
    serde_json::to_value(t).ok().and_then(|v| v["kode"].as_str().map(str::to_string)).unwrap_or_default()
}

fn where_(k: Keberadaan, lang: Lang) -> &'static str {
    match k {
        Keberadaan::DiRumah => lang.pick("di rumah", "at home"),
        Keberadaan::DiKantor => lang.pick("di kantor", "at the office"),
        Keberadaan::Tugas => lang.pick("tugas/izin keluar", "on duty/out"),
        Keberadaan::CutiSakit => lang.pick("cuti/sakit", "on leave/sick"),
        Keberadaan::Biasa => lang.pick("bekerja biasa", "works as usual"),
        Keberadaan::TidakLapor => lang.pick("TIDAK LAPOR", "NOT REPORTED"),
    }
}

fn check_in_line(c: &CheckIn, lang: Lang) -> String {
    let window = c.judged.window.map(|w| w.lapor.format("%H:%M").to_string()).unwrap_or_else(|| "-".into());
    let flags: Vec<String> = c.judged.tanda.iter().map(kode).collect();
    format!(
        "{}  {} {:.6},{:.6} ±{}m  {}: {}{}{}",
        c.judged.taken_at.format("%Y-%m-%d %H:%M UTC"),
        if c.izin_keluar { "IZIN_KELUAR" } else { "HADIR" },
        c.fix.lat,
        c.fix.lon,
        c.fix.akurasi_m,
        lang.pick("jam lapor", "report time"),
        window,
        if flags.is_empty() { String::new() } else { format!("  [{}]", flags.join(", ")) },
        if c.diterima.is_none() { lang.pick(" (menunggu sinkronisasi)", " (waiting for sync)") } else { "" }
    )
}

fn rekap_text(r: &Rekap, lang: Lang) -> String {
    let mut s = format!(
        "{} {} {} {} ({} {})",
        lang.pick("Rekap", "Recap"),
        r.unit,
        r.tanggal,
        r.jam_lapor.format("%H:%M"),
        lang.pick("per", "as of"),
        r.as_of.format("%Y-%m-%d %H:%M UTC")
    );
    for l in &r.lines {
        let flags: Vec<String> = l.tanda.iter().map(kode).collect();
        s.push_str(&format!("\n  {}  {:<32} {}", l.nip, l.nama, where_(l.keberadaan, lang)));
        if !flags.is_empty() {
            s.push_str(&format!("  [{}]", flags.join(", ")));
        }
    }
    let counts: Vec<String> = r.jumlah.iter().map(|(k, n)| format!("{}: {n}", where_(*k, lang))).collect();
    s.push_str(&format!("\n{}; {} {}", counts.join(", "), lang.pick("ditandai", "flagged"), r.ditandai));
    let m = &r.minimum_kantor;
    s.push_str(&format!(
        "\n{}: {} {}/{} Administrator, {}/{} Pengawas",
        lang.pick("Minimum di kantor", "Office minimum"),
        if m.terpenuhi { lang.pick("terpenuhi", "met") } else { lang.pick("TIDAK TERPENUHI", "NOT MET") },
        m.hadir.administrator,
        m.minimum.administrator,
        m.hadir.pengawas,
        m.minimum.pengawas
    ));
    if r.dipangkas {
        s.push_str(lang.pick(
            "\nLokasi hari ini sudah dihapus setelah masa simpan; yang tersisa jumlahnya.",
            "\nThis day's locations were purged after the retention period; the counts remain.",
        ));
    }
    s
}

/// The BKD's recap across units: one line per unit with its counts and the office minimum.
fn bkd_text(recaps: &[Rekap], lang: Lang) -> String {
    let mut s = berkas_core::reports::rekap_bkd_title(recaps);
    for r in recaps {
        let counts: Vec<String> = r.jumlah.iter().map(|(k, n)| format!("{}: {n}", where_(*k, lang))).collect();
        let m = &r.minimum_kantor;
        s.push_str(&format!(
            "\n  {:<16} {}; {} {}; {} {}",
            r.unit,
            counts.join(", "),
            lang.pick("ditandai", "flagged"),
            r.ditandai,
            lang.pick("minimum di kantor", "office minimum"),
            if m.terpenuhi { lang.pick("terpenuhi", "met") } else { lang.pick("TIDAK TERPENUHI", "NOT MET") }
        ));
    }
    s
}

pub fn run(ctx: &Ctx, cmd: PresensiCmd) -> Result<(), CliError> {
    let lang = ctx.lang;
    let b = ctx.open()?;
    match cmd {
        PresensiCmd::CheckIn { nip, lat, lon, akurasi, provider, mock, izin_keluar, alasan, waktu, waktu_gps } => {
            let waktu_perangkat = waktu.as_deref().map(|w| moment("waktu", w)).transpose()?.unwrap_or_else(Utc::now);
            let waktu_gps = waktu_gps.as_deref().map(|w| moment("waktu-gps", w)).transpose()?;
            let fix = Fix { lat, lon, akurasi_m: akurasi, provider, mock, waktu_perangkat, waktu_gps };
            let c = b.check_in(&nip, &NewCheckIn { fix, izin_keluar, alasan })?;
            ctx.out.emit(&c, || check_in_line(&c, lang));
        }
        PresensiCmd::List { nip, date: d } => {
            let list = b.check_ins(&nip, date(&d)?)?;
            ctx.out.emit(&list, || list.iter().map(|c| check_in_line(c, lang)).collect::<Vec<_>>().join("\n"));
        }
        PresensiCmd::Tempat { nip, lat, lon, alamat } => {
            b.set_tempat_wfh(&nip, Tempat { lat, lon }, alamat.as_deref())?;
            let place = b.tempat_wfh(&nip)?;
            ctx.out.emit(&place, || {
                lang.pick(
                    "Tempat kerja dari rumah disimpan; fasilitator mengonfirmasinya setelah sinkronisasi.",
                    "Work-from-home place saved; your facilitator confirms it after the sync.",
                )
                .to_string()
            });
        }
        PresensiCmd::Konfirmasi { nip } => {
            b.confirm_tempat_wfh(&nip)?;
            let place = b.tempat_wfh(&nip)?;
            ctx.out.emit(&place, || lang.pick("Dikonfirmasi.", "Confirmed.").to_string());
        }
        PresensiCmd::Pengaturan { action, file } => match (action.as_str(), file) {
            ("show", _) => {
                let p = b.pengaturan_kerja();
                ctx.out.emit(&p, || serde_json::to_string_pretty(&p).unwrap_or_default());
            }
            ("set", Some(path)) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
                let p: berkas_core::presensi::PengaturanKerja = serde_json::from_str(&text).map_err(|e| {
                    CliError::invalid(
                        "presensi.pengaturan",
                        format!("{} is not a work arrangement: {e}", path.display()),
                    )
                })?;
                let done = crate::sync::runtime()?.block_on(b.publish_pengaturan(&p, &SyncOptions::default()))?;
                ctx.out.emit(&done, || {
                    lang.pick(
                        "Pengaturan kerja diterbitkan; perangkat mengikutinya setelah sinkronisasi.",
                        "Work arrangement published; devices follow it after their sync.",
                    )
                    .to_string()
                });
            }
            _ => return Err(CliError::usage("presensi pengaturan show | set --file F.json")),
        },
        PresensiCmd::Rekap { unit, date: d, window, as_of, signed_pdf, signed_xlsx } => {
            let jam = NaiveTime::parse_from_str(&window, "%H:%M")
                .map_err(|_| CliError::usage(format!("--window {window:?} is not HH:MM")))?;
            let as_of = as_of.as_deref().map(|a| moment("as-of", a)).transpose()?.unwrap_or_else(Utc::now);
            let day = date(&d)?;
            let rt = crate::sync::runtime()?;
            let opts = SyncOptions::default();
            let files = [(signed_pdf, ReportFormat::Pdf), (signed_xlsx, ReportFormat::Xlsx)];
            let Some(unit) = unit else {
                // The BKD's daily recap across units: the hub's rows, what goes to the governor.
                let recaps = rt.block_on(b.hub_rekap(None, day, jam, Some(as_of), &opts))?;
                for (path, format) in files.into_iter().filter_map(|(p, f)| p.map(|p| (p, f))) {
                    let signed = rt.block_on(b.signed_rekap_bkd(&recaps, format, &opts))?;
                    signed
                        .write(&path)
                        .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
                }
                ctx.out.emit(&recaps, || bkd_text(&recaps, lang));
                return Ok(());
            };
            let r = rt.block_on(b.presensi_rekap_or_kept(&unit, day, jam, as_of, &opts))?;
            for (path, format) in files.into_iter().filter_map(|(p, f)| p.map(|p| (p, f))) {
                let signed = rt.block_on(b.signed_rekap(&unit, day, jam, as_of, format, &opts))?;
                signed.write(&path).map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
            }
            ctx.out.emit(&r, || rekap_text(&r, lang));
        }
        PresensiCmd::Bawahan { date: d } => {
            let rt = crate::sync::runtime()?;
            let list = rt.block_on(b.bawahan_presensi(date(&d)?, &SyncOptions::default()))?;
            ctx.out.emit(&list, || {
                let mut s = String::new();
                for p in &list {
                    s.push_str(&format!("{}  {}\n", p.nip, p.nama));
                    if p.check_ins.is_empty() {
                        s.push_str(lang.pick("  (belum ada laporan)\n", "  (no check-in yet)\n"));
                    }
                    for c in &p.check_ins {
                        s.push_str(&format!("  {}", check_in_line(c, lang)));
                        if let Some(a) = &c.alasan {
                            s.push_str(&format!("  {}: {a}", lang.pick("alasan", "reason")));
                        }
                        s.push('\n');
                    }
                }
                s.trim_end().to_string()
            });
        }
        PresensiCmd::Pangkas => {
            let done = crate::sync::runtime()?.block_on(b.pangkas_presensi(&SyncOptions::default()))?;
            ctx.out.emit(&done, || {
                format!(
                    "{} {} {}; {} {}",
                    done["lokasi_dihapus"],
                    lang.pick("lokasi dihapus, disimpan sejak", "fixes purged, kept from"),
                    done["disimpan_sejak"].as_str().unwrap_or_default(),
                    done["rekap_disimpan"],
                    lang.pick("rekap disimpan sebagai jumlah", "recaps kept as counts")
                )
            });
        }
    }
    Ok(())
}
