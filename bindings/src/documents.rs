//! Document capture for the app: check a capture (the readability message before "Simpan"),
//! add it, list, open, thumbnail, delete.

use berkas_core::docs::{
    CaptureOptions, CropQuad, DocLink, DocumentInfo, NewDocument, PageInput, Point, Prepared, Problem, Readability,
    Verdict,
};
use berkas_core::model::Entity;

use crate::error::{BerkasError, Result};
use crate::profile::BerkasProfile;

/// One photo or file of a capture; `crop` is the page's corners as 8 numbers (x,y of top-left,
/// top-right, bottom-right, bottom-left, in pixels of the upright photo) when the camera UI
/// found them.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CapturePage {
    pub bytes: Vec<u8>,
    pub crop: Option<Vec<f32>>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ReadabilityProblem {
    /// `blurred`, `too_dark`, `washed_out`, `low_contrast`, `too_small`.
    pub code: String,
    pub page: u32,
    pub message_id: String,
    pub message_en: String,
}

/// What a capture came out as, before it is stored.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CaptureResult {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    pub original_size: u64,
    pub pages: u32,
    pub width: u32,
    pub height: u32,
    /// `readable`, `flagged` or `not_checked` (a PDF).
    pub verdict: String,
    pub problems: Vec<ReadabilityProblem>,
    pub thumbnail: Option<Vec<u8>>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct DocumentEntry {
    pub id: String,
    pub id_ref_dokumen: String,
    pub jenis: Option<String>,
    /// `data_utama`, a riwayat group, or `usulan`.
    pub entity: String,
    pub row_id: String,
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    pub pages: Option<u32>,
    pub verdict: String,
    pub problems: Vec<ReadabilityProblem>,
    /// Kept although flagged; the facilitator sees it.
    pub readability_override: bool,
    pub has_thumbnail: bool,
    pub created_at: Option<String>,
    /// The facilitator's decision (`DITERIMA`, `DIKEMBALIKAN`, `DITOLAK`, `TIDAK_ASLI`), if any.
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    /// Its bytes on the way to the hub: `pending` (waiting, on mobile data perhaps),
    /// `uploaded`, or `cached` (fetched from the hub).
    pub upload: String,
}

/// What a document supports.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum DocumentLink {
    DataUtama,
    Riwayat { entity: String, row_id: String },
    Usulan { id: String },
}

fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Readable => "readable",
        Verdict::Flagged => "flagged",
        Verdict::NotChecked => "not_checked",
    }
    .to_string()
}

fn problems(r: &Readability) -> Vec<ReadabilityProblem> {
    r.problems.iter().map(problem).collect()
}

fn problem(p: &Problem) -> ReadabilityProblem {
    ReadabilityProblem {
        code: p.code.clone(),
        page: p.page,
        message_id: p.message_id.clone(),
        message_en: p.message_en.clone(),
    }
}

fn capture(p: Prepared) -> CaptureResult {
    CaptureResult {
        problems: problems(&p.readability),
        verdict: verdict(p.readability.verdict),
        mime: p.format.mime().to_string(),
        sha256: p.sha256,
        size: p.size,
        original_size: p.original_size,
        pages: p.pages,
        width: p.width,
        height: p.height,
        thumbnail: p.thumbnail,
    }
}

fn entry(d: DocumentInfo, upload: Option<String>) -> DocumentEntry {
    let (v, ps) = match &d.readability {
        Some(r) => (verdict(r.verdict), problems(r)),
        None => ("not_checked".to_string(), vec![]),
    };
    DocumentEntry {
        id: d.id,
        id_ref_dokumen: d.id_ref_dokumen,
        jenis: d.jenis,
        entity: d.entity,
        row_id: d.row_id,
        sha256: d.sha256,
        mime: d.mime,
        size: d.size,
        pages: d.pages,
        verdict: v,
        problems: ps,
        readability_override: d.readability_override,
        has_thumbnail: d.has_thumbnail,
        created_at: d.created_at,
        decision: d.verifikasi.as_ref().map(|v| v.putusan.clone()),
        decision_reason: d.verifikasi.as_ref().and_then(|v| v.alasan.clone()),
        decided_by: d.verifikasi.and_then(|v| v.oleh),
        upload: upload.unwrap_or_else(|| "pending".into()),
    }
}

fn bad(code: &str, detail: &str) -> BerkasError {
    // A call the app made wrongly (not the person): its words are for support, in English.
    BerkasError::Failed {
        code: code.into(),
        detail: detail.into(),
        fields: vec![],
        message_id: detail.into(),
        message_en: detail.into(),
    }
}

fn inputs(pages: &[CapturePage]) -> Result<Vec<PageInput<'_>>> {
    pages
        .iter()
        .map(|p| {
            let crop = match &p.crop {
                None => None,
                Some(v) if v.len() == 8 => {
                    Some(CropQuad(std::array::from_fn(|i| Point { x: v[2 * i], y: v[2 * i + 1] })))
                }
                Some(_) => return Err(bad("doc.bad_crop", "a crop is 8 numbers: x,y of four corners")),
            };
            Ok(PageInput { bytes: &p.bytes, crop })
        })
        .collect()
}

fn link(l: DocumentLink) -> Result<DocLink> {
    Ok(match l {
        DocumentLink::DataUtama => DocLink::DataUtama,
        DocumentLink::Usulan { id } => DocLink::Usulan { id },
        DocumentLink::Riwayat { entity, row_id } => DocLink::Riwayat {
            entity: Entity::from_key(&entity).ok_or_else(|| bad("entity.unknown", "no such riwayat group"))?,
            row_id,
        },
    })
}

#[uniffi::export]
impl BerkasProfile {
    /// Normalises and judges a capture without storing it: what the app shows before saving.
    pub fn check_document(&self, pages: Vec<CapturePage>) -> Result<CaptureResult> {
        Ok(capture(self.inner.check_document(&inputs(&pages)?, &CaptureOptions::default())?))
    }

    /// Adds a document: one photo stays a JPEG, several become one PDF, a PDF is kept as it is.
    /// A flagged capture is refused (`doc.unreadable`) unless `keep_unreadable`.
    pub fn add_document(
        &self,
        nip: String,
        id_ref_dokumen: String,
        link_to: DocumentLink,
        pages: Vec<CapturePage>,
        file_name: Option<String>,
        keep_unreadable: bool,
    ) -> Result<DocumentEntry> {
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen: &id_ref_dokumen,
            link: link(link_to)?,
            files: inputs(&pages)?,
            file_name,
            keep_unreadable,
        };
        Ok(entry(self.inner.add_document(&new, &CaptureOptions::default())?.0, None))
    }

    /// Attaches a document the record already holds to `link_to` as paper `id_ref_dokumen`,
    /// without new bytes (an SK sent with an earlier request, reused for a new one).
    pub fn reuse_document(&self, id: String, id_ref_dokumen: String, link_to: DocumentLink) -> Result<DocumentEntry> {
        let d = self.inner.reuse_document(&id, &id_ref_dokumen, &link(link_to)?)?;
        let upload = self.inner.blob_state(&d.sha256)?;
        Ok(entry(d, upload))
    }

    /// Adds a document from a file the app holds (a PDF picked from storage, a camera file).
    pub fn add_document_from_path(
        &self,
        nip: String,
        id_ref_dokumen: String,
        link_to: DocumentLink,
        path: String,
        keep_unreadable: bool,
    ) -> Result<DocumentEntry> {
        let opts = CaptureOptions::default();
        let path = std::path::Path::new(&path);
        let bytes = berkas_core::docs::read_file(path, &opts.limits)?;
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen: &id_ref_dokumen,
            link: link(link_to)?,
            files: vec![PageInput { bytes: &bytes, crop: None }],
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            keep_unreadable,
        };
        Ok(entry(self.inner.add_document(&new, &opts)?.0, None))
    }

    pub fn documents(&self, nip: String) -> Result<Vec<DocumentEntry>> {
        let docs = self.inner.documents(&nip)?;
        docs.into_iter()
            .map(|d| {
                let upload = self.inner.blob_state(&d.sha256)?;
                Ok(entry(d, upload))
            })
            .collect()
    }

    /// The document's bytes, decrypted in memory.
    pub fn document_bytes(&self, id: String) -> Result<Vec<u8>> {
        Ok(self.inner.document_bytes(&id)?)
    }

    pub fn document_thumbnail(&self, id: String) -> Result<Option<Vec<u8>>> {
        Ok(self.inner.document_thumbnail(&id)?)
    }

    pub fn delete_document(&self, id: String) -> Result<()> {
        Ok(self.inner.delete_document(&id)?)
    }
}
