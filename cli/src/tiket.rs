//! `berkas tiket`: the helpdesk from the terminal. The ASN opens a ticket (offline too) and
//! follows it; the facilitator and the BKD work their queue, answer, reassign, have a reset
//! code sent on an account ticket; anyone with a hub reads the report. `berkas lupa-password`
//! asks for recovery with no account.

use berkas_core::display::Lang;
use berkas_core::helpdesk::{self, NewTiket, Reply, TiketFilter, TiketInfo};
use clap::Subcommand;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum TiketCmd {
    /// The helpdesk's categories.
    Kategori,
    /// Open a ticket on your record (works offline; sent at the next sync).
    Buat {
        #[arg(long)]
        nip: String,
        /// A category id (see `tiket kategori`), e.g. DATA_TIDAK_SESUAI.
        #[arg(long)]
        kategori: String,
        #[arg(long)]
        judul: String,
        #[arg(long)]
        isi: String,
        /// A document of the record to attach (its id); repeat for more.
        #[arg(long = "lampiran")]
        lampiran: Vec<String>,
        /// The layanan request it is about.
        #[arg(long)]
        usulan: Option<String>,
    },
    /// Tickets on this device, most urgent first.
    List {
        #[arg(long)]
        nip: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// UNIT (the facilitator's queue) or BKD (the BKD's, with every overdue ticket).
        #[arg(long)]
        untuk: Option<String>,
        /// Only open tickets.
        #[arg(long)]
        terbuka: bool,
    },
    /// One ticket and its thread.
    Show { id: String },
    /// Write on a ticket: an answer, a question (--status MENUNGGU_PEMOHON), a resolution
    /// (--status SELESAI), a close (--status DITUTUP), or the requester's reply.
    Balas {
        id: String,
        #[arg(long)]
        isi: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long = "lampiran")]
        lampiran: Vec<String>,
    },
    /// Hand a ticket to UNIT or BKD.
    Alihkan {
        id: String,
        tujuan: String,
        #[arg(long)]
        catatan: Option<String>,
    },
    /// Rate a resolved ticket (TIKET) or a completed request (USULAN), 1-5, once.
    Nilai {
        /// TIKET or USULAN.
        objek: String,
        id: String,
        nilai: i64,
        #[arg(long)]
        komentar: Option<String>,
    },
    /// After checking the requester's identity on an account ticket: the hub sends them a
    /// one-time code (you are told only where it went).
    KirimKode { id: String },
    /// Received, answered within 2x24 h, median and p90 times per unit and category; ratings.
    Laporan {
        #[arg(long)]
        unit: Option<String>,
    },
}

fn minutes(m: Option<i64>) -> String {
    m.map(|m| format!("{}j{:02}m", m / 60, m % 60)).unwrap_or_else(|| "-".into())
}

fn clock(t: &TiketInfo, lang: Lang) -> String {
    let s = &t.sla;
    if helpdesk::sla::is_resolved(&s.status) {
        lang.pick("selesai", "resolved").to_string()
    } else if s.overdue {
        format!(
            "{} {}",
            lang.pick("TERLAMBAT, dieskalasi ke BKD, lewat", "OVERDUE, escalated to the BKD, by"),
            minutes(Some(-s.left_minutes))
        )
    } else if s.paused {
        format!(
            "{} {}",
            lang.pick("dijeda (menunggu pemohon), sisa", "paused (waiting for the requester),"),
            minutes(Some(s.left_minutes))
        )
    } else {
        format!("{} {}", lang.pick("sisa", "left"), minutes(Some(s.left_minutes)))
    }
}

fn line(t: &TiketInfo, lang: Lang) -> String {
    format!(
        "{}  {:<18} {:<16} {:<4} {}  {}  {}{}",
        t.nomor,
        t.sla.status,
        t.kategori,
        t.tujuan,
        t.nip,
        t.judul,
        clock(t, lang),
        if t.queued { lang.pick(" (menunggu sinkronisasi)", " (waiting for sync)") } else { "" }
    )
}

fn shown(t: &TiketInfo, lang: Lang) -> String {
    let mut s = format!("{}\n{}: {}\n{}", line(t, lang), t.kategori_label, t.id, t.nama);
    for step in &t.steps {
        let when = step.diterima.as_deref().or(step.pada.as_deref()).unwrap_or("");
        s.push_str(&format!(
            "\n  {when} {} {}{}{}",
            step.peran,
            step.oleh.as_deref().unwrap_or(""),
            step.status.as_deref().map(|x| format!(" -> {x}")).unwrap_or_default(),
            step.dialihkan_ke.as_deref().map(|x| format!(" => {x}")).unwrap_or_default(),
        ));
        if let Some(i) = &step.isi {
            s.push_str(&format!("\n    {i}"));
        }
    }
    if let Some(r) = &t.rating {
        s.push_str(&format!(
            "\n{}: {}/5 {}",
            lang.pick("Penilaian", "Rating"),
            r.nilai,
            r.komentar.as_deref().unwrap_or("")
        ));
    }
    s
}

pub fn run(ctx: &Ctx, cmd: TiketCmd) -> Result<(), CliError> {
    let lang = ctx.lang;
    if let TiketCmd::Kategori = cmd {
        let cats = helpdesk::categories();
        ctx.out.emit(&cats, || {
            cats.iter()
                .map(|k| format!("{:<18} {:<4} {}", k.id, k.tujuan, lang.pick(&k.label, &k.label_en)))
                .collect::<Vec<_>>()
                .join("\n")
        });
        return Ok(());
    }
    let b = ctx.open()?;
    let t = match cmd {
        TiketCmd::Kategori => return Ok(()),
        TiketCmd::Buat { nip, kategori, judul, isi, lampiran, usulan } => {
            b.create_tiket(&nip, &NewTiket { kategori, judul, isi, lampiran, usulan_id: usulan })?
        }
        TiketCmd::List { nip, unit, untuk, terbuka } => {
            let filter = TiketFilter {
                nip,
                unit,
                tujuan: untuk.map(|u| u.to_uppercase()),
                open_only: terbuka,
                ..TiketFilter::default()
            };
            let list = b.tiket_list(&filter)?;
            ctx.out.emit(&list, || list.iter().map(|t| line(t, lang)).collect::<Vec<_>>().join("\n"));
            return Ok(());
        }
        TiketCmd::Show { id } => b.tiket(&id)?,
        TiketCmd::Balas { id, isi, status, lampiran } => {
            b.reply_tiket(&id, &Reply { isi, status: status.map(|s| s.to_uppercase()), lampiran })?
        }
        TiketCmd::Alihkan { id, tujuan, catatan } => {
            b.reassign_tiket(&id, &tujuan.to_uppercase(), catatan.as_deref())?
        }
        TiketCmd::Nilai { objek, id, nilai, komentar } => {
            b.rate(&objek.to_uppercase(), &id, nilai, komentar.as_deref())?;
            ctx.out.emit(&serde_json::json!({ "objek_id": id, "nilai": nilai }), || {
                lang.pick(
                    "Penilaian disimpan; terkirim pada sinkronisasi berikutnya.",
                    "Rating saved; sent at the next sync.",
                )
                .to_string()
            });
            return Ok(());
        }
        TiketCmd::KirimKode { id } => {
            let rt = crate::sync::runtime()?;
            let sent = rt.block_on(b.send_reset_code(&id, &berkas_core::sync::SyncOptions::default()))?;
            ctx.out.emit(&sent, || {
                format!(
                    "{} {} ({}); {} {}",
                    lang.pick("Kode sekali pakai dikirim ke", "One-time code sent to"),
                    sent.sent_to,
                    sent.channel,
                    lang.pick("berlaku sampai", "good until"),
                    sent.expires_at
                )
            });
            return Ok(());
        }
        TiketCmd::Laporan { unit } => {
            let r = b.tiket_report(unit.as_deref())?;
            ctx.out.emit(&r, || {
                let mut s = lang
                    .pick(
                        "Unit        Kategori           Masuk Dijawab <=2x24j  Jawab p50/p90     Selesai  Selesai p50/p90   Terlambat",
                        "Unit        Category           In    Answered <=48h   Answer p50/p90    Resolved Resolve p50/p90   Overdue",
                    )
                    .to_string();
                for x in &r.rows {
                    s.push_str(&format!(
                        "\n{:<11} {:<18} {:>5} {:>7} {:>7}  {:>7}/{:<8} {:>7}  {:>7}/{:<8} {:>5}",
                        x.unit,
                        x.kategori,
                        x.received,
                        x.answered,
                        x.answered_within_sla,
                        minutes(x.first_answer_p50_minutes),
                        minutes(x.first_answer_p90_minutes),
                        x.resolved,
                        minutes(x.resolution_p50_minutes),
                        minutes(x.resolution_p90_minutes),
                        x.overdue
                    ));
                }
                for x in &r.ratings {
                    s.push_str(&format!("\n{} {:<24} {} x, {:.2}/5", x.by, x.key, x.count, x.mean));
                }
                s
            });
            return Ok(());
        }
    };
    ctx.out.emit(&t, || shown(&t, lang));
    Ok(())
}
