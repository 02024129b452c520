//! `berkas report nominatif|progress`: the daftar nominatif as CSV, XLSX or PDF, and the
//! counts behind the completeness and verification charts.

use berkas_core::reports::{render, ReportFormat};
use berkas_core::sync::SyncOptions;
use clap::Subcommand;
use std::path::PathBuf;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// The unit's staff list with each record's completeness.
    Nominatif {
        #[arg(long)]
        unit: Option<String>,
        /// csv, xlsx or pdf.
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Have the hub sign it (needs a hub session): a PDF shows the verification code and
        /// carries the signature, a CSV or XLSX gets OUT.sig beside it.
        #[arg(long)]
        sign: bool,
    },
    /// Records per completeness band and verification progress.
    Progress {
        #[arg(long)]
        unit: Option<String>,
    },
}

pub fn run(ctx: &Ctx, cmd: ReportCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        ReportCmd::Nominatif { unit, format, out, sign: true } => {
            let f = ReportFormat::parse(&format)
                .ok_or_else(|| CliError::usage(format!("--format is csv, xlsx or pdf, not {format}")))?;
            let rt = crate::sync::runtime()?;
            let signed = rt.block_on(b.signed_nominatif(unit.as_deref(), f, &SyncOptions::default()))?;
            signed.write(&out).map_err(|e| CliError::usage(format!("cannot write {}: {e}", out.display())))?;
            let summary = serde_json::json!({ "bytes": signed.bytes.len(), "out": out, "signed": signed.statement });
            ctx.out.emit(&summary, || {
                format!("{} ditulis; {}", out.display(), crate::signature::described(&signed.statement))
            });
        }
        ReportCmd::Nominatif { unit, format, out, sign: false } => {
            let f = ReportFormat::parse(&format)
                .ok_or_else(|| CliError::usage(format!("--format is csv, xlsx or pdf, not {format}")))?;
            let n = b.daftar_nominatif(unit.as_deref())?;
            let bytes = render(&n, f, None)?;
            std::fs::write(&out, &bytes)
                .map_err(|e| CliError::usage(format!("cannot write {}: {e}", out.display())))?;
            let summary = serde_json::json!({ "rows": n.rows.len(), "bytes": bytes.len(), "out": out });
            ctx.out.emit(&summary, || {
                let (rows, to) = (ctx.lang.pick("baris ditulis ke", "rows written to"), out.display());
                format!("{} {rows} {to}", n.rows.len())
            });
        }
        ReportCmd::Progress { unit } => {
            let p = b.work_progress(unit.as_deref())?;
            ctx.out.emit(&p, || {
                let b = p.completeness_bands;
                format!(
                    "Kelengkapan: 0-24%: {}, 25-49%: {}, 50-74%: {}, 75-99%: {}, 100%: {}\n\
                     Usulan: {} menunggu, {} dikembalikan, {} diputus; dokumen: {} menunggu, {} diputus",
                    b[0],
                    b[1],
                    b[2],
                    b[3],
                    b[4],
                    p.requests_waiting,
                    p.requests_returned,
                    p.requests_decided,
                    p.documents_waiting,
                    p.documents_decided
                )
            });
        }
    }
    Ok(())
}
