//! `berkas form` (the ASN: fill, submit, follow a layanan request) and `berkas verify` (the
//! facilitator: the queue and decisions).

use berkas_core::display::Lang;
use berkas_core::docs::{DocPutusan, DocumentInfo};
use berkas_core::forms::{FieldDecision, Putusan, UsulanInfo, VerifikasiIsian};
use berkas_core::Berkas;
use clap::Subcommand;
use serde::Serialize;

use crate::output::CliError;
use crate::pegawai::parse_sets;
use crate::Ctx;

#[derive(Subcommand)]
pub enum FormCmd {
    /// Start a draft request for a layanan, or change the answers of one (--id).
    Fill {
        /// Layanan id (see `layanan list`); not needed with --id.
        layanan: Option<String>,
        #[arg(long)]
        nip: Option<String>,
        /// A draft or returned request to change.
        #[arg(long)]
        id: Option<String>,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Submit (or resubmit) a request; refused with the list of what is missing.
    Submit { id: String },
    /// The hub's signed receipt (tanda terima) of a submitted, synced request, as a PDF.
    Receipt {
        id: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Requests with their status, date and reason (one, or all of a pegawai).
    Status {
        id: Option<String>,
        #[arg(long)]
        nip: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum VerifyCmd {
    /// Requests and documents on this device waiting for a decision.
    Queue,
    /// A data-update request: each proposed value beside the official one, and its decision.
    Show { id: String },
    /// Decide one proposed value: setuju|kembalikan|tolak (approve|return|reject).
    Field {
        id: String,
        field: String,
        decision: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Decide a document: diterima|dikembalikan|ditolak|tidak-asli (not authentic records a
    /// written warning on the uploader's record).
    Doc {
        id: String,
        decision: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Take a request into review.
    Review { id: String },
    /// Return a request for correction, saying what to fix.
    Return {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Approve {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Mark an approved request done (the SK is out).
    Complete { id: String },
}

fn text(u: &UsulanInfo, lang: Lang) -> String {
    let mut s = format!(
        "{}  {:<22} NIP {}  {}{}",
        u.id,
        u.layanan_id,
        u.nip,
        u.status,
        if u.queued { lang.pick(" (menunggu sinkronisasi)", " (waiting for sync)") } else { "" }
    );
    for h in &u.history {
        s.push_str(&format!("\n    {}  {:<12} {}", h.at, h.status, h.by));
        if let Some(r) = &h.reason {
            s.push_str(&format!(": {r}"));
        }
    }
    for (field, k) in &u.keputusan {
        s.push_str(&format!("\n    isian {field}: {:?}", k.putusan));
        if let Some(r) = &k.alasan {
            s.push_str(&format!(" ({r})"));
        }
    }
    s
}

fn lines_text(b: &Berkas, lines: &[VerifikasiIsian], lang: Lang) -> String {
    let heads = lang.pick("isian|data resmi|usulan|keputusan", "field|official|proposed|decision");
    let h: Vec<&str> = heads.split('|').collect();
    let mut out = format!("{:<26} {:<28} {:<28} {}", h[0], h[1], h[2], h[3]);
    for l in lines {
        let k = match (&l.keputusan, l.tertunda) {
            (_, true) => lang.pick("menunggu", "waiting").to_string(),
            (Some(k), false) => {
                format!("{:?}{}", k.putusan, k.alasan.as_ref().map(|a| format!(" ({a})")).unwrap_or_default())
            }
            (None, false) => String::new(),
        };
        let resmi = l
            .resmi
            .as_ref()
            .map(|v| b.show_isian(l, v, lang))
            .unwrap_or_else(|| lang.pick("(baris baru)", "(new row)").into());
        out.push_str(&format!("\n{:<26} {:<28} {:<28} {k}", l.label, resmi, b.show_isian(l, &l.usul, lang)));
    }
    out
}

fn doc_text(d: &DocumentInfo) -> String {
    let v = d
        .verifikasi
        .as_ref()
        .map(|v| format!("{}{}", v.putusan, v.alasan.as_ref().map(|a| format!(" ({a})")).unwrap_or_default()));
    format!("{}  {:<14} {} {}  {}", d.id, d.id_ref_dokumen, d.entity, d.mime, v.unwrap_or_else(|| "menunggu".into()))
}

#[derive(Serialize)]
struct Queue {
    usulan: Vec<UsulanInfo>,
    dokumen: Vec<DocumentInfo>,
}

pub fn run(ctx: &Ctx, cmd: FormCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let u = match cmd {
        FormCmd::Fill { layanan, nip, id, set } => {
            let answers = parse_sets(&set)?;
            match (id, layanan, nip) {
                (Some(id), _, _) => b.update_usulan(&id, &answers)?,
                (None, Some(l), Some(nip)) => {
                    let id = b.create_usulan(&nip, &l, &answers)?;
                    b.usulan(&id)?
                }
                _ => return Err(CliError::usage("give LAYANAN and --nip for a new request, or --id for a draft")),
            }
        }
        FormCmd::Submit { id } => b.submit_usulan(&id)?,
        FormCmd::Receipt { id, out } => {
            let opts = berkas_core::sync::SyncOptions::default();
            let receipt = crate::sync::runtime()?.block_on(b.signed_receipt(&id, &opts))?;
            std::fs::write(&out, &receipt.bytes)
                .map_err(|e| CliError::usage(format!("cannot write {}: {e}", out.display())))?;
            let s = &receipt.statement;
            let summary = serde_json::json!({ "out": out, "signed": s });
            ctx.out.emit(&summary, || format!("{} ditulis; {}", out.display(), crate::signature::described(s)));
            return Ok(());
        }
        FormCmd::Status { id: Some(id), .. } => b.usulan(&id)?,
        FormCmd::Status { id: None, nip } => {
            let list = b.usulan_list(nip.as_deref(), &[])?;
            ctx.out.emit(&list, || list.iter().map(|u| text(u, ctx.lang)).collect::<Vec<_>>().join("\n"));
            return Ok(());
        }
    };
    ctx.out.emit(&u, || text(&u, ctx.lang));
    Ok(())
}

pub fn run_verify(ctx: &Ctx, cmd: VerifyCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let u = match cmd {
        VerifyCmd::Queue => {
            let q = Queue {
                usulan: b.usulan_list(None, &["SUBMITTED", "RESUBMITTED", "IN_REVIEW"])?,
                dokumen: b.document_queue()?,
            };
            ctx.out.emit(&q, || {
                if q.usulan.is_empty() && q.dokumen.is_empty() {
                    return ctx
                        .lang
                        .pick("Tidak ada usulan atau dokumen yang menunggu.", "No request or document waits.")
                        .into();
                }
                let u = q.usulan.iter().map(|u| text(u, ctx.lang));
                let d = q.dokumen.iter().map(doc_text);
                u.chain(d).collect::<Vec<_>>().join("\n")
            });
            return Ok(());
        }
        VerifyCmd::Show { id } => {
            let lines = b.verifikasi_usulan(&id)?;
            if lines.is_empty() {
                // A layanan request (kartu pegawai ...): no value to decide; the request and
                // its papers, decided as a whole with `verify approve|return|reject`.
                let u = b.usulan(&id)?;
                let c = b.layanan_checklist(&u.nip, &u.layanan_id, &u.answers, Some(&id))?;
                ctx.out.emit(&lines, || {
                    let mut s = text(&u, ctx.lang);
                    for l in &c.lines {
                        s.push_str(&format!("\n  [{}] {}", crate::layanan::status_text(l.status, ctx.lang), l.label));
                    }
                    s.push_str(ctx.lang.pick(
                        "\nputuskan usulan ini: berkas verify approve|return|reject ID",
                        "\ndecide this request: berkas verify approve|return|reject ID",
                    ));
                    s
                });
                return Ok(());
            }
            ctx.out.emit(&lines, || lines_text(&b, &lines, ctx.lang));
            return Ok(());
        }
        VerifyCmd::Field { id, field, decision, reason } => {
            let putusan = Putusan::parse(&decision)
                .ok_or_else(|| CliError::usage(format!("{decision}: say setuju, kembalikan or tolak")))?;
            b.review_usulan(&id, &[FieldDecision { field, putusan, alasan: reason }])?
        }
        VerifyCmd::Doc { id, decision, reason } => {
            let putusan = DocPutusan::parse(&decision).ok_or_else(|| {
                CliError::usage(format!("{decision}: say diterima, dikembalikan, ditolak or tidak-asli"))
            })?;
            let d = b.verify_document(&id, putusan, reason.as_deref())?;
            ctx.out.emit(&d, || doc_text(&d));
            return Ok(());
        }
        VerifyCmd::Review { id } => b.decide_usulan(&id, "IN_REVIEW", None)?,
        VerifyCmd::Return { id, reason } => b.decide_usulan(&id, "RETURNED", Some(&reason))?,
        VerifyCmd::Approve { id, reason } => b.decide_usulan(&id, "APPROVED", reason.as_deref())?,
        VerifyCmd::Reject { id, reason } => b.decide_usulan(&id, "REJECTED", Some(&reason))?,
        VerifyCmd::Complete { id } => b.decide_usulan(&id, "COMPLETED", None)?,
    };
    ctx.out.emit(&u, || text(&u, ctx.lang));
    Ok(())
}
