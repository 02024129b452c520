//! `berkas aktivitas`: daily activities from the terminal. The ASN records what they did
//! against their SKP targets (offline too) and submits a day; their atasan langsung lists what
//! waits and approves a day or returns it with a reason (online: the hub decides who is whose
//! atasan).

use berkas_core::presensi::{Aktivitas, AktivitasBawahan, NewAktivitas, PutusanAktivitas};
use berkas_core::sync::SyncOptions;
use chrono::NaiveDate;
use clap::Subcommand;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum AktivitasCmd {
    /// Record an activity (a draft until the day is submitted).
    Tambah {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        tanggal: String,
        /// The SKP target (rencana kinerja) it serves, or the extra task.
        #[arg(long)]
        rencana: String,
        /// It is an extra task agreed with the atasan.
        #[arg(long)]
        tambahan: bool,
        #[arg(long)]
        uraian: String,
        #[arg(long)]
        output: Option<String>,
        #[arg(long)]
        kuantitas: Option<i64>,
        #[arg(long)]
        satuan: Option<String>,
        #[arg(long)]
        menit: Option<i64>,
        /// A document of the record as evidence (its id).
        #[arg(long)]
        dokumen: Option<String>,
    },
    /// Your activities (of a day, or all).
    List {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        tanggal: Option<String>,
    },
    /// Submit a day's drafts (and returned ones) to your atasan; sent at the next sync.
    Ajukan {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        tanggal: String,
    },
    /// As an atasan: your direct reports' submitted days (of a date, or all waiting).
    Bawahan {
        #[arg(long)]
        tanggal: Option<String>,
    },
    /// As an atasan: approve a report's day.
    Setujui {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        tanggal: String,
    },
    /// As an atasan: return a report's day with the reason they read.
    Kembalikan {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        tanggal: String,
        #[arg(long)]
        alasan: String,
    },
}

fn date(s: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| CliError::usage(format!("--tanggal {s:?} is not YYYY-MM-DD")))
}

fn line(a: &Aktivitas) -> String {
    let amount = match (a.kuantitas, a.satuan.as_deref()) {
        (Some(k), Some(s)) => format!(" {k} {s}"),
        (Some(k), None) => format!(" {k}"),
        _ => String::new(),
    };
    let time = a.menit.map(|m| format!(" {m} mnt")).unwrap_or_default();
    let why = a.alasan.as_deref().map(|r| format!("  ({r})")).unwrap_or_default();
    format!("{}  {:<12} {}{}{}  [{}]{why}", a.tanggal, a.status, a.uraian, amount, time, a.rencana)
}

fn days(list: &[AktivitasBawahan]) -> String {
    let mut s = String::new();
    for d in list {
        s.push_str(&format!("{} {} ({}) {}\n", d.tanggal, d.nip, d.nama, d.unit.as_deref().unwrap_or("")));
        for a in &d.aktivitas {
            s.push_str(&format!("  {}\n", line(a)));
        }
    }
    s.trim_end().to_string()
}

pub fn run(ctx: &Ctx, cmd: AktivitasCmd) -> Result<(), CliError> {
    let lang = ctx.lang;
    let b = ctx.open()?;
    let opts = SyncOptions::default();
    match cmd {
        AktivitasCmd::Tambah { nip, tanggal, rencana, tambahan, uraian, output, kuantitas, satuan, menit, dokumen } => {
            let new = NewAktivitas {
                tanggal: date(&tanggal)?,
                rencana,
                tambahan,
                uraian,
                output,
                kuantitas,
                satuan,
                menit,
                dokumen_id: dokumen,
            };
            let a = b.add_aktivitas(&nip, &new)?;
            ctx.out.emit(&a, || line(&a));
        }
        AktivitasCmd::List { nip, tanggal } => {
            let list = b.aktivitas(&nip, tanggal.as_deref().map(date).transpose()?)?;
            ctx.out.emit(&list, || list.iter().map(line).collect::<Vec<_>>().join("\n"));
        }
        AktivitasCmd::Ajukan { nip, tanggal } => {
            let list = b.submit_aktivitas(&nip, date(&tanggal)?)?;
            ctx.out.emit(&list, || {
                format!(
                    "{}\n{}",
                    lang.pick(
                        "Diajukan ke atasan; terkirim pada sinkronisasi berikutnya.",
                        "Submitted to your atasan; sent at the next sync."
                    ),
                    list.iter().map(line).collect::<Vec<_>>().join("\n")
                )
            });
        }
        AktivitasCmd::Bawahan { tanggal } => {
            let day = tanggal.as_deref().map(date).transpose()?;
            let list = crate::sync::runtime()?.block_on(b.bawahan_aktivitas(day, &opts))?;
            ctx.out.emit(&list, || {
                if list.is_empty() {
                    lang.pick("Tidak ada yang menunggu.", "Nothing waits.").into()
                } else {
                    days(&list)
                }
            });
        }
        AktivitasCmd::Setujui { nip, tanggal } => {
            date(&tanggal)?;
            let p = PutusanAktivitas { nip, tanggal, setuju: true, alasan: None };
            let done = crate::sync::runtime()?.block_on(b.putus_aktivitas(&p, &opts))?;
            ctx.out.emit(&done, || {
                format!("{} {}", done.diputus, lang.pick("aktivitas disetujui", "activities approved"))
            });
        }
        AktivitasCmd::Kembalikan { nip, tanggal, alasan } => {
            date(&tanggal)?;
            let p = PutusanAktivitas { nip, tanggal, setuju: false, alasan: Some(alasan) };
            let done = crate::sync::runtime()?.block_on(b.putus_aktivitas(&p, &opts))?;
            ctx.out.emit(&done, || {
                format!("{} {}", done.diputus, lang.pick("aktivitas dikembalikan", "activities returned"))
            });
        }
    }
    Ok(())
}
