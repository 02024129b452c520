//! `berkas layanan`: the layanan catalogue in force, and a layanan's document checklist held
//! against a record.

use berkas_core::display::Lang;
use berkas_core::forms::LineStatus;
use clap::Subcommand;
use std::path::PathBuf;

use crate::output::CliError;
use crate::pegawai::parse_sets;
use crate::Ctx;

#[derive(Subcommand)]
pub enum LayananCmd {
    /// The layanan of the catalogue in force (active ones; --all for every one).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Which documents a layanan needs for this record, which are stored, what is missing.
    Checklist {
        /// Layanan id (see `layanan list`), e.g. pensiun_reguler.
        id: String,
        #[arg(long)]
        nip: String,
        /// Request field values the conditions read, e.g. --set pendidikan_berubah=ya.
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// The request whose attachments count.
        #[arg(long)]
        usulan: Option<String>,
    },
    /// Install a catalogue a BKD published (JSON); it must pass the checks and be newer.
    Install { file: PathBuf },
    /// Publish a catalogue to the hub (BKD administrators); every device takes it at its next
    /// sync.
    Publish { file: PathBuf },
}

pub(crate) fn status_text(s: LineStatus, lang: Lang) -> &'static str {
    match s {
        LineStatus::Lengkap => lang.pick("lengkap", "complete"),
        LineStatus::Kurang => lang.pick("KURANG", "MISSING"),
        LineStatus::TidakPerlu => lang.pick("tidak perlu", "not needed"),
        LineStatus::DilampirkanPadaUsulan => lang.pick("dilampirkan pada usulan", "attached to the request"),
    }
}

pub fn run(ctx: &Ctx, cmd: LayananCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        LayananCmd::List { all } => {
            let catalog = b.layanan_catalog()?;
            let list: Vec<_> = catalog.layanan.iter().filter(|l| all || l.aktif).collect();
            ctx.out.emit(&list, || {
                let lang = ctx.lang;
                let head = lang.pick("Katalog layanan versi", "Layanan catalogue version");
                let mut s = format!("{head} {} ({})", catalog.version, catalog.published);
                for l in &list {
                    s.push_str(&format!(
                        "\n{:<26} {:<44} v{} {} {}{}{}",
                        l.id,
                        l.name(lang),
                        l.versi,
                        l.dokumen.len(),
                        lang.pick("dokumen", "documents"),
                        if l.aktif { "" } else { lang.pick(", nonaktif", ", switched off") },
                        if l.konfirmasi_bkd {
                            lang.pick(", daftar bawaan (perlu dikonfirmasi BKD)", ", default list (the BKD to confirm)")
                        } else {
                            ""
                        }
                    ));
                }
                s
            });
        }
        LayananCmd::Checklist { id, nip, set, usulan } => {
            let answers = parse_sets(&set)?;
            let c = b.layanan_checklist(&nip, &id, &answers, usulan.as_deref())?;
            ctx.out.emit(&c, || {
                let lang = ctx.lang;
                let state = if c.complete {
                    lang.pick("lengkap", "complete")
                } else {
                    lang.pick("belum lengkap", "incomplete")
                };
                let mut s = format!("{} (v{}): {state}", c.nama, c.versi);
                for l in &c.lines {
                    let count = if l.needed > 1 { format!(" {}/{}", l.have.len(), l.needed) } else { String::new() };
                    s.push_str(&format!(
                        "\n  [{}{}] {}{}",
                        status_text(l.status, lang),
                        count,
                        l.label,
                        if l.wajib { "" } else { lang.pick(" (opsional)", " (optional)") }
                    ));
                }
                s
            });
        }
        LayananCmd::Install { file } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
            let version = b.install_layanan_catalog(&json)?;
            ctx.out.emit(&serde_json::json!({ "version": version }), || match ctx.lang {
                Lang::Id => format!("Katalog layanan versi {version} dipasang"),
                Lang::En => format!("Layanan catalogue version {version} installed"),
            });
        }
        LayananCmd::Publish { file } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
            let opts = berkas_core::sync::SyncOptions::default();
            let version = crate::sync::runtime()?.block_on(b.publish_layanan_catalog(&json, &opts))?;
            ctx.out.emit(&serde_json::json!({ "version": version }), || match ctx.lang {
                Lang::Id => {
                    format!(
                        "Katalog layanan versi {version} berlaku di server; perangkat menerimanya saat sinkronisasi"
                    )
                }
                Lang::En => format!(
                    "Layanan catalogue version {version} is in force on the hub; devices take it at their next sync"
                ),
            });
        }
    }
    Ok(())
}
