//! `berkas doc`: add (photos or a PDF -> one normalised, checked, encrypted document), check
//! without storing, list, show, export, delete.

use berkas_core::docs::{CaptureOptions, CropQuad, DocLink, DocumentInfo, NewDocument, PageInput, Prepared, Verdict};
use berkas_core::model::Entity;
use berkas_core::sync::SyncOptions;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum DocCmd {
    /// Add a document: several files become one PDF.
    Add {
        #[arg(long)]
        nip: String,
        /// SIASN document type (id_ref_dokumen), e.g. 889 SK CPNS, 872 SK Jabatan.
        #[arg(long = "type", value_name = "ID")]
        id_ref_dokumen: String,
        /// The riwayat row it supports, as ENTITY:ROW_ID (e.g. riwayat_golongan:0192...).
        #[arg(long, conflicts_with = "usulan")]
        row: Option<String>,
        /// The layanan request it supports.
        #[arg(long, conflicts_with = "proposal")]
        usulan: Option<String>,
        /// The instansi's proposal it belongs to (surat pengantar, DPCP ...).
        #[arg(long, conflicts_with = "row")]
        proposal: Option<String>,
        /// Keep it although the readability check flags it (the facilitator sees this).
        #[arg(long)]
        keep: bool,
        #[command(flatten)]
        capture: CaptureArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run intake and the readability check without storing anything.
    Check {
        #[command(flatten)]
        capture: CaptureArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Documents of a pegawai.
    List {
        #[arg(long)]
        nip: String,
    },
    /// One document's metadata and readability verdict.
    Show { id: String },
    /// Download a synced document's bytes from the hub (and make its thumbnail).
    Fetch { id: String },
    /// Write the document's bytes (decrypted) to a file; fetched from the hub first if needed.
    Export {
        id: String,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Delete a document and its encrypted file.
    Delete { id: String },
}

#[derive(Args)]
pub struct CaptureArgs {
    /// Page corners per file, in order: x1,y1,x2,y2,x3,y3,x4,y4 (top-left, top-right,
    /// bottom-right, bottom-left, in pixels of the upright photo).
    #[arg(long, value_name = "QUAD")]
    crop: Vec<String>,
    /// Long edge of a normalised page, in pixels.
    #[arg(long, default_value_t = 2000)]
    max_edge: u32,
    /// Size each page's JPEG should stay under, in KB.
    #[arg(long, default_value_t = 600)]
    target_kb: u64,
    /// Wrap a single photo in a PDF too.
    #[arg(long)]
    pdf: bool,
}

impl CaptureArgs {
    /// The files' bytes with their crop corners, in order.
    fn pages<'a>(&self, bytes: &'a [Vec<u8>]) -> Result<Vec<PageInput<'a>>, CliError> {
        let quads = self.quads(bytes.len())?;
        Ok(bytes.iter().zip(quads).map(|(b, crop)| PageInput { bytes: b, crop }).collect())
    }

    fn options(&self) -> CaptureOptions {
        let mut o = CaptureOptions::default();
        o.normalise.max_long_edge = self.max_edge;
        o.normalise.target_bytes_per_page = self.target_kb * 1000;
        o.single_image_as_pdf = self.pdf;
        o
    }

    fn quads(&self, files: usize) -> Result<Vec<Option<CropQuad>>, CliError> {
        if self.crop.len() > files {
            return Err(CliError::usage(format!("{} --crop for {files} file(s)", self.crop.len())));
        }
        let mut out: Vec<Option<CropQuad>> = self
            .crop
            .iter()
            .map(|c| {
                CropQuad::parse(c)
                    .ok_or_else(|| CliError::usage(format!("--crop wants 8 numbers x1,y1,...,x4,y4, not {c}")))
            })
            .map(|r| r.map(Some))
            .collect::<Result<_, _>>()?;
        out.resize(files, None);
        Ok(out)
    }
}

fn read_files(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, CliError> {
    let limits = CaptureOptions::default().limits;
    files
        .iter()
        .map(|f| match berkas_core::docs::read_file(f, &limits) {
            Err(berkas_core::Error::Io(e)) => Err(CliError::usage(format!("cannot read {}: {e}", f.display()))),
            other => Ok(other?),
        })
        .collect()
}

fn parse_link(row: Option<&str>, usulan: Option<&str>, proposal: Option<&str>) -> Result<DocLink, CliError> {
    if let Some(id) = usulan {
        return Ok(DocLink::Usulan { id: id.to_string() });
    }
    if let Some(id) = proposal {
        return Ok(DocLink::Proposal { id: id.to_string() });
    }
    let Some(row) = row else { return Ok(DocLink::DataUtama) };
    let (entity, row_id) =
        row.split_once(':').ok_or_else(|| CliError::usage("--row wants ENTITY:ROW_ID, e.g. riwayat_golongan:ID"))?;
    let entity = Entity::from_key(entity).ok_or_else(|| CliError::usage(format!("unknown riwayat group {entity}")))?;
    Ok(DocLink::Riwayat { entity, row_id: row_id.to_string() })
}

fn verdict_text(p: &Prepared) -> String {
    let head = match p.readability.verdict {
        Verdict::Readable => "terbaca".to_string(),
        Verdict::NotChecked => "tidak diperiksa (PDF)".to_string(),
        Verdict::Flagged => "PERLU DIPERIKSA".to_string(),
    };
    let mut s = format!(
        "Keterbacaan  {head} (ketajaman {:.0}, kecerahan {:.0}, kontras {:.0})",
        p.readability.sharpness, p.readability.brightness, p.readability.contrast
    );
    for pr in &p.readability.problems {
        s.push_str(&format!("\n  - halaman {}: {}", pr.page, pr.message_id));
    }
    s
}

fn prepared_text(p: &Prepared) -> String {
    format!(
        "SHA-256      {}\nUkuran       {} -> {} ({} halaman, {}{})\n{}",
        p.sha256,
        human_bytes(p.original_size),
        human_bytes(p.size),
        p.pages,
        p.format.mime(),
        if p.width > 0 { format!(", {}x{} px", p.width, p.height) } else { String::new() },
        verdict_text(p)
    )
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{:.0} KB", n as f64 / 1024.0)
    }
}

fn info_text(d: &DocumentInfo) -> String {
    let verdict = match d.readability.as_ref().map(|r| r.verdict) {
        Some(Verdict::Readable) => "terbaca",
        Some(Verdict::Flagged) if d.readability_override => "ditandai, tetap disimpan oleh pengunggah",
        Some(Verdict::Flagged) => "ditandai",
        _ => "tidak diperiksa",
    };
    format!(
        "{}  {:<5} {:<28} {:<8} {:>8}  {}",
        d.id,
        d.id_ref_dokumen,
        d.jenis.as_deref().unwrap_or("").chars().take(28).collect::<String>(),
        d.mime.trim_start_matches("image/").trim_start_matches("application/"),
        human_bytes(d.size),
        verdict
    )
}

pub fn run(ctx: &Ctx, cmd: DocCmd) -> Result<(), CliError> {
    match cmd {
        DocCmd::Add { nip, id_ref_dokumen, row, usulan, proposal, keep, capture, files } => {
            let b = ctx.open()?;
            let link = parse_link(row.as_deref(), usulan.as_deref(), proposal.as_deref())?;
            let bytes = read_files(&files)?;
            let inputs = capture.pages(&bytes)?;
            let file_name = files.first().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned());
            let new = NewDocument {
                nip: &nip,
                id_ref_dokumen: &id_ref_dokumen,
                link,
                files: inputs,
                file_name,
                keep_unreadable: keep,
            };
            let (info, prepared) = b.add_document(&new, &capture.options())?;
            let v = serde_json::json!({ "document": info, "prepared": prepared });
            ctx.out.emit(&v, || {
                let saved = ctx.lang.pick("disimpan (terenkripsi)", "saved (encrypted)");
                format!("{} {} {saved}\n{}", ctx.lang.pick("Dokumen", "Document"), info.id, prepared_text(&prepared))
            });
            Ok(())
        }
        DocCmd::Check { capture, files } => {
            let bytes = read_files(&files)?;
            let inputs = capture.pages(&bytes)?;
            let prepared = berkas_core::docs::prepare(&inputs, &capture.options())?;
            ctx.out.emit(&prepared, || prepared_text(&prepared));
            // The exit status says whether the page passed, as `check nip` does: 2 when flagged.
            if prepared.readability.verdict == berkas_core::docs::Verdict::Flagged {
                return Err(CliError::already_reported("doc.unreadable"));
            }
            Ok(())
        }
        DocCmd::List { nip } => {
            let b = ctx.open()?;
            let docs = b.documents(&nip)?;
            ctx.out.emit(&docs, || {
                if docs.is_empty() {
                    ctx.lang.pick("Belum ada dokumen.", "No documents yet.").into()
                } else {
                    docs.iter().map(info_text).collect::<Vec<_>>().join("\n")
                }
            });
            Ok(())
        }
        DocCmd::Show { id } => {
            let b = ctx.open()?;
            let d = b.document(&id)?;
            ctx.out.emit(&d, || {
                let mut s = format!(
                    "{}\nJenis        {} {}\nUntuk        {} {}\nSHA-256      {}\nBerkas       {} {}{}\nDiunggah     {} oleh {}",
                    info_text(&d),
                    d.id_ref_dokumen,
                    d.jenis.as_deref().unwrap_or(""),
                    d.entity,
                    d.row_id,
                    d.sha256,
                    d.mime,
                    human_bytes(d.size),
                    d.pages.map(|p| format!(", {p} halaman")).unwrap_or_default(),
                    d.created_at.as_deref().unwrap_or("?"),
                    d.changed_by
                );
                for p in d.readability.iter().flat_map(|r| &r.problems) {
                    s.push_str(&format!("\n  - halaman {}: {}", p.page, p.message_id));
                }
                s
            });
            Ok(())
        }
        DocCmd::Fetch { id } => {
            let b = ctx.open()?;
            let fetched = crate::sync::runtime()?.block_on(b.fetch_document(&id, &SyncOptions::default()))?;
            let v = serde_json::json!({ "id": id, "downloaded": fetched });
            ctx.out.emit(&v, || {
                let what = if fetched {
                    ctx.lang.pick("diunduh", "downloaded")
                } else {
                    ctx.lang.pick("sudah ada di perangkat ini", "is already on this device")
                };
                format!("{} {id} {what}", ctx.lang.pick("Dokumen", "Document"))
            });
            Ok(())
        }
        DocCmd::Export { id, out } => {
            let b = ctx.open()?;
            let d = b.document(&id)?;
            if !b.has_document_bytes(&d.sha256) {
                crate::sync::runtime()?.block_on(b.fetch_document(&id, &SyncOptions::default()))?;
            }
            let n = b.export_document(&id, &out)?;
            let v = serde_json::json!({ "id": id, "path": out, "size": n });
            ctx.out.emit(&v, || {
                format!("{} ({}) {} {}", id, human_bytes(n), ctx.lang.pick("ditulis ke", "written to"), display(&out))
            });
            Ok(())
        }
        DocCmd::Delete { id } => {
            let b = ctx.open()?;
            b.delete_document(&id)?;
            ctx.out.emit(&serde_json::json!({ "deleted": id }), || {
                format!("{} {id} {}", ctx.lang.pick("Dokumen", "Document"), ctx.lang.pick("dihapus", "deleted"))
            });
            Ok(())
        }
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
