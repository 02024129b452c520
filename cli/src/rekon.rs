//! `berkas rekon`: rekon mandiri of go.id e-mail, personal e-mail and mobile number. A file is
//! previewed (nothing written), its rows listed by verdict, and applied by the BKD, all rows
//! or some; the template, the preview and the report to BKN are written as XLSX.

use berkas_core::model::Date;
use berkas_core::rekon::{RekonPreview, RekonSelection, Verdict};
use clap::Subcommand;
use std::path::{Path, PathBuf};

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum RekonCmd {
    /// Write the template (filled with the records in reach) for an OPD to correct.
    Template {
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// The JPT non-PNS template (NIK, Nama, Jabatan, contact columns) instead.
        #[arg(long)]
        jpt: bool,
    },
    /// Read a CSV, XLSX or SIASN export and show what it would change; nothing is written.
    Preview {
        file: PathBuf,
        /// The day the file's data was taken (YYYY-MM-DD): the record's later changes win.
        #[arg(long)]
        tanggal: String,
        /// Also write the preview, every row with its verdict, as XLSX.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// A JPT non-PNS file (by NIK), kept as the officials' own records.
        #[arg(long)]
        jpt: bool,
    },
    /// The JPT non-PNS officials kept here.
    Jpt,
    /// Rows of a preview: all, or of one verdict (same, new, changed, stale, duplicate, invalid).
    Rows {
        batch: String,
        #[arg(long)]
        verdict: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Apply a preview: every row, or the given file lines. Only the BKD (admin) may.
    Apply {
        batch: String,
        /// File lines to apply, e.g. 2,5,17.
        #[arg(long, value_delimiter = ',')]
        lines: Option<Vec<u64>>,
        /// Apply rows whose record changed after the file's date too.
        #[arg(long)]
        override_stale: bool,
    },
    /// The previews kept in this profile.
    List,
    /// Per unit: validated go.id e-mail and valid phone, against the deadline.
    Progress {
        /// Set the deadline (YYYY-MM-DD), or "none" to clear it.
        #[arg(long)]
        deadline: Option<String>,
    },
    /// The report to BKN: one row per ASN (NIP, name, e-mail, phone, status), as XLSX.
    Report {
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// Also write the summary as a PDF the hub signs (needs a hub session); it names the
        /// workbook's SHA-256.
        #[arg(long)]
        signed_pdf: Option<PathBuf>,
    },
}

fn date(s: &str, what: &str) -> Result<Date, CliError> {
    Date::parse_from_str(s, "%Y-%m-%d").map_err(|_| CliError::usage(format!("{what} must be YYYY-MM-DD, not {s:?}")))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))
}

fn summary(p: &RekonPreview) -> String {
    let c = &p.counts;
    let mut s = format!(
        "Pratinjau {} ({} baris, data {})\n  sama {}, baru {}, berubah {}, lebih lama dari data {}, ganda {}, tidak sah {}",
        p.batch, p.rows, p.file_date, c.same, c.new_value, c.changed, c.stale, c.duplicate, c.invalid
    );
    for u in &p.units {
        let c = &u.counts;
        let name = if u.unit.is_empty() { "(tidak dikenal)" } else { &u.unit };
        s.push_str(&format!(
            "\n  {name}: {} baris; baru {}, berubah {}, ganda {}, tidak sah {}",
            c.total(),
            c.new_value,
            c.changed,
            c.duplicate,
            c.invalid
        ));
    }
    if p.applied > 0 {
        s.push_str(&format!("\n  {} baris sudah diterapkan", p.applied));
    }
    s
}

pub fn run(ctx: &Ctx, cmd: RekonCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        RekonCmd::Template { unit, out, jpt } => {
            let bytes = if jpt { b.rekon_jpt_template_xlsx()? } else { b.rekon_template_xlsx(unit.as_deref())? };
            write(&out, &bytes)?;
            ctx.out.emit(&serde_json::json!({ "out": out }), || format!("templat ditulis ke {}", out.display()));
        }
        RekonCmd::Preview { file, tanggal, xlsx, jpt } => {
            let day = date(&tanggal, "--tanggal")?;
            let p = if jpt { b.rekon_preview_jpt(&file, day)? } else { b.rekon_preview(&file, day)? };
            if let Some(x) = &xlsx {
                write(x, &b.rekon_preview_xlsx(&p.batch)?)?;
            }
            ctx.out.emit(&p, || summary(&p));
        }
        RekonCmd::Rows { batch, verdict, offset, limit } => {
            let only = match verdict.as_deref() {
                None => None,
                Some(v) => Some(Verdict::ALL.into_iter().find(|x| x.as_str() == v).ok_or_else(|| {
                    CliError::usage(format!("--verdict is same, new, changed, stale, duplicate or invalid, not {v}"))
                })?),
            };
            let items = b.rekon_items(&batch, only, offset, limit)?;
            ctx.out.emit(&items, || {
                items
                    .iter()
                    .map(|i| {
                        let fields = [("email go.id", &i.email_gov), ("email", &i.email), ("HP", &i.no_hp)]
                            .iter()
                            .filter(|(_, f)| f.verdict != Verdict::Absent)
                            .map(|(n, f)| {
                                format!(
                                    "{n} {} -> {} ({})",
                                    f.old.as_deref().unwrap_or("-"),
                                    f.new.as_deref().unwrap_or("-"),
                                    f.verdict.label()
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        let why = i.reason.as_deref().map(|r| format!(" [{r}]")).unwrap_or_default();
                        format!(
                            "{:>6} {} {}: {}{why}",
                            i.line,
                            i.nip.as_deref().unwrap_or("-"),
                            i.verdict.label(),
                            fields
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RekonCmd::Apply { batch, lines, override_stale } => {
            let done = b.rekon_apply(&batch, &RekonSelection { lines, override_stale })?;
            ctx.out.emit(&done, || {
                format!(
                    "{} rekaman diubah ({} isian), {} email go.id divalidasi; {} tetap dengan nilai ASN yang lebih baru; \
                     {} berubah sejak pratinjau (pratinjau ulang); sinkronkan untuk mengirim",
                    done.records, done.fields, done.validated, done.kept_newer, done.moved
                )
            });
        }
        RekonCmd::Jpt => {
            let all = b.rekon_jpt_list()?;
            ctx.out.emit(&all, || {
                all.iter()
                    .map(|j| {
                        let valid = j.email_gov.is_some() && j.email_gov == j.email_gov_valid;
                        format!(
                            "{} {} ({}): {} {}{}",
                            j.nik,
                            j.nama,
                            j.jabatan.as_deref().unwrap_or("-"),
                            j.email_gov.as_deref().unwrap_or("-"),
                            j.no_hp.as_deref().unwrap_or("-"),
                            if valid { " [tervalidasi]" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RekonCmd::List => {
            let all = b.rekon_batches()?;
            ctx.out.emit(&all, || all.iter().map(summary).collect::<Vec<_>>().join("\n"));
        }
        RekonCmd::Progress { deadline } => {
            if let Some(d) = deadline {
                b.set_rekon_deadline(if d == "none" { None } else { Some(date(&d, "--deadline")?) })?;
            }
            let p = b.rekon_progress()?;
            ctx.out.emit(&p, || {
                let mut s = match (&p.deadline, p.days_left) {
                    (Some(d), Some(n)) if n >= 0 => format!("Batas waktu {d}: {n} hari lagi"),
                    (Some(d), _) => format!("Batas waktu {d}: sudah lewat"),
                    _ => "Batas waktu belum ditetapkan".into(),
                };
                for u in &p.units {
                    s.push_str(&format!(
                        "\n  {}: {} ASN; email go.id tervalidasi {}, belum divalidasi {}; nomor HP sah {}",
                        u.unit, u.asn, u.email_validated, u.email_unvalidated, u.phone_valid
                    ));
                }
                s
            });
        }
        RekonCmd::Report { unit, out, signed_pdf: None } => {
            write(&out, &b.rekon_report_xlsx(unit.as_deref())?)?;
            ctx.out.emit(&serde_json::json!({ "out": out }), || format!("laporan rekon ditulis ke {}", out.display()));
        }
        RekonCmd::Report { unit, out, signed_pdf: Some(pdf) } => {
            let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let rt = crate::sync::runtime()?;
            let r =
                rt.block_on(b.signed_rekon_report(unit.as_deref(), &name, &berkas_core::sync::SyncOptions::default()))?;
            write(&out, &r.report)?;
            r.summary.write(&pdf).map_err(|e| CliError::usage(format!("cannot write {}: {e}", pdf.display())))?;
            let summary = serde_json::json!({ "out": out, "signed_pdf": pdf, "signed": r.summary.statement });
            ctx.out.emit(&summary, || {
                format!(
                    "laporan rekon ditulis ke {}; ringkasan {}",
                    out.display(),
                    crate::signature::described(&r.summary.statement)
                )
            });
        }
    }
    Ok(())
}
