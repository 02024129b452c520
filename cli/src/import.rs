//! `berkas import siasn|referensi` and `berkas export siasn`, with a progress bar on a terminal.

use berkas_core::display::Lang;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub(crate) enum ImportCmd {
    /// Pegawai documents in SIASN JSON (array, one object, or JSON Lines).
    Siasn { file: PathBuf },
    /// SIASN reference tables: every *.json / *.json.gz in DIR.
    Referensi { dir: PathBuf },
}

#[derive(Subcommand)]
pub(crate) enum ExportCmd {
    /// One pegawai (or all with --all) as SIASN JSON.
    Siasn {
        nip: Option<String>,
        #[arg(long)]
        all: bool,
        /// Write to a file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

fn bar(len: u64, template: &str) -> ProgressBar {
    // Draws only on a terminal (stderr); silent in scripts and CI.
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    pb
}

pub(crate) fn run(ctx: &Ctx, cmd: ImportCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        ImportCmd::Siasn { file } => {
            let f = std::fs::File::open(&file)?;
            let size = f.metadata()?.len();
            let pb = bar(size, "{spinner} {bytes}/{total_bytes} {wide_bar} {msg} dokumen");
            let reader = pb.wrap_read(f);
            let report = b.import_siasn(reader, &mut |n| {
                if n % 500 == 0 {
                    pb.set_message(n.to_string());
                }
            })?;
            pb.finish_and_clear();
            ctx.out.emit(&report, || {
                let r = &report;
                let w = match ctx.lang {
                    Lang::Id => ["dokumen", "baru", "diperbarui", "tetap", "baris riwayat", "ditolak"],
                    Lang::En => ["documents", "new", "updated", "unchanged", "riwayat rows", "refused"],
                };
                let mut s = format!(
                    "{} {}: {} {}, {} {}, {} {}, {} {}; {} {}",
                    r.documents,
                    w[0],
                    r.created,
                    w[1],
                    r.updated,
                    w[2],
                    r.unchanged,
                    w[3],
                    r.riwayat_rows,
                    w[4],
                    r.refused.len(),
                    w[5]
                );
                let doc = ctx.lang.pick("dokumen", "document");
                for p in report.refused.iter().take(50) {
                    s.push_str(&format!("\n  {doc} #{} (NIP {}):", p.index + 1, p.nip.as_deref().unwrap_or("?")));
                    for e in &p.errors {
                        s.push_str(&format!("\n    {}: {} [{}]", e.field, e.message, e.code));
                    }
                }
                s
            });
            if !report.refused.is_empty() && report.created + report.updated + report.unchanged == 0 {
                return Err(CliError::invalid("import.all_refused", "every document was refused"));
            }
        }
        ImportCmd::Referensi { dir } => {
            let pb = bar(0, "{spinner} {pos}/{len} {wide_bar} {msg}");
            let reports = b.import_referensi_dir(&dir, &mut |done, total| {
                pb.set_length(total);
                pb.set_position(done);
            })?;
            pb.finish_and_clear();
            ctx.out.emit(&reports, || {
                reports
                    .iter()
                    .map(|r| {
                        let (rows, row) = match ctx.lang {
                            Lang::Id => ("baris dari", "baris"),
                            Lang::En => ("rows of", "row"),
                        };
                        let mut line = format!("{:<24} {:>7} {rows} {:>7}", r.table, r.imported, r.rows_in_file);
                        for p in &r.problems {
                            line.push_str(&format!("\n    {row} #{}: {}", p.index + 1, p.reason));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub(crate) fn run_export(ctx: &Ctx, cmd: ExportCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let ExportCmd::Siasn { nip, all, output } = cmd;
    let mut sink: Box<dyn std::io::Write> = match &output {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match (nip, all) {
        (Some(nip), false) => {
            let doc = b.export_siasn(&nip)?;
            serde_json::to_writer_pretty(&mut sink, &doc).map_err(|e| CliError::from(std::io::Error::other(e)))?;
            writeln!(sink)?;
        }
        (None, true) => {
            b.export_siasn_all(&mut sink)?;
        }
        _ => return Err(CliError::usage("give a NIP or --all")),
    }
    sink.flush()?;
    Ok(())
}
