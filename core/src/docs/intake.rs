//! Intake: bytes in, one normalised document out (or a refusal that names what was wrong).

use serde::{Deserialize, Serialize};

use super::image::{self as img, Rgb};
use super::pdf::{self, JpegPage};
use super::readability::{self, Readability};
use super::{codes, sha256_hex, CaptureOptions, CropQuad, NormaliseOptions};
use crate::error::{Error, Result};

/// What a file is, judged by its first bytes, never by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Format {
    pub fn sniff(b: &[u8]) -> Option<Format> {
        if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if b[..b.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
            // Some producers put junk before the header; readers accept it within 1 KB.
            Some(Format::Pdf)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Pdf => "pdf",
        }
    }
}

/// What a refused file looks like, to say so in the error.
fn looks_like(b: &[u8]) -> &'static str {
    if b.starts_with(b"PK\x03\x04") {
        "a ZIP archive (or a Word/Excel file)"
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" && (b[8..12].starts_with(b"hei") || b[8..12].starts_with(b"mif1")) {
        "a HEIC photo (set the camera to JPEG, or share it as JPEG)"
    } else if b.starts_with(b"GIF8") {
        "a GIF image"
    } else if b.starts_with(b"BM") {
        "a BMP image"
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        "a TIFF image"
    } else if b.starts_with(b"\xD0\xCF\x11\xE0") {
        "an old Office document"
    } else if b.iter().take(512).all(|&c| c == b'\t' || c == b'\n' || c == b'\r' || (0x20..0x7F).contains(&c)) {
        "plain text"
    } else {
        "an unknown kind of file"
    }
}

/// One file of a capture, with the page corners if the capture UI marked them.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub bytes: &'a [u8],
    pub crop: Option<CropQuad>,
}

/// A document ready to be stored.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// `Jpeg` or `Pdf`: what was stored.
    pub format: Format,
    pub sha256: String,
    pub size: u64,
    /// Sum of the input files' sizes.
    pub original_size: u64,
    pub pages: u32,
    /// Pixel size of the first page (0 for an uploaded PDF).
    pub width: u32,
    pub height: u32,
    pub readability: Readability,
    #[serde(skip)]
    pub thumbnail: Option<Vec<u8>>,
}

/// Reads a file for intake, refusing one over the size limit before reading it (a 4 GB "photo"
/// is never loaded).
pub fn read_file(path: &std::path::Path, limits: &super::IntakeLimits) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)?.len();
    if len > limits.max_file_bytes {
        return Err(Error::document(
            codes::TOO_LARGE,
            format!("the file is {:.1} MB; the limit is {:.0} MB", mb(len), mb(limits.max_file_bytes)),
        ));
    }
    Ok(std::fs::read(path)?)
}

/// Intake of a single file (what the fuzz target drives).
pub fn prepare_one(bytes: &[u8], opts: &CaptureOptions) -> Result<Prepared> {
    prepare(&[PageInput { bytes, crop: None }], opts)
}

/// Recognises, checks and normalises one or more files into one document: an image stays one
/// JPEG (or a one-page PDF if asked), several images become one PDF, a PDF is kept as it is
/// once checked.
pub fn prepare(inputs: &[PageInput<'_>], opts: &CaptureOptions) -> Result<Prepared> {
    if inputs.is_empty() {
        return Err(Error::document(codes::EMPTY, "no file was given"));
    }
    let limits = &opts.limits;
    if inputs.len() as u64 > limits.max_pages as u64 {
        return Err(Error::document(
            codes::TOO_MANY_PAGES,
            format!("{} files for one document; the limit is {} pages", inputs.len(), limits.max_pages),
        ));
    }
    let mut formats = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let which = if inputs.len() > 1 { format!("file {}: ", i + 1) } else { String::new() };
        let b = input.bytes;
        if b.is_empty() {
            return Err(Error::document(codes::EMPTY, format!("{which}the file is empty")));
        }
        if b.len() as u64 > limits.max_file_bytes {
            return Err(Error::document(
                codes::TOO_LARGE,
                format!(
                    "{which}the file is {:.1} MB; the limit is {:.0} MB",
                    mb(b.len() as u64),
                    mb(limits.max_file_bytes)
                ),
            ));
        }
        let f = Format::sniff(b).ok_or_else(|| {
            Error::document(
                codes::UNSUPPORTED,
                format!("{which}only JPEG, PNG or WebP photos and PDF files are accepted; this is {}", looks_like(b)),
            )
        })?;
        formats.push(f);
    }
    let original_size = inputs.iter().map(|i| i.bytes.len() as u64).sum();
    if formats.contains(&Format::Pdf) {
        if inputs.len() > 1 {
            return Err(Error::document(codes::MIXED, "a PDF cannot be combined with other files; add it on its own"));
        }
        let bytes = inputs[0].bytes.to_vec();
        let pages = pdf::inspect(&bytes, limits)?;
        return Ok(Prepared {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            bytes,
            format: Format::Pdf,
            original_size,
            pages,
            width: 0,
            height: 0,
            readability: Readability::not_checked(),
            thumbnail: None,
        });
    }
    let mut pages = Vec::with_capacity(inputs.len());
    let mut verdicts = Vec::with_capacity(inputs.len());
    let mut thumbnail = None;
    for (i, (input, f)) in inputs.iter().zip(&formats).enumerate() {
        let page = normalise_page(input, *f, opts, i as u32 + 1).map_err(|e| {
            if inputs.len() > 1 {
                page_error(e, i + 1)
            } else {
                e
            }
        })?;
        if i == 0 {
            let t =
                img::fit(Rgb { w: page.img.w, h: page.img.h, px: page.img.px.clone() }, opts.normalise.thumbnail_edge)?;
            thumbnail = Some(img::encode_jpeg(&t, 70)?);
        }
        verdicts.push(page.readability.clone());
        pages.push(page);
    }
    let (w, h) = (pages[0].img.w, pages[0].img.h);
    let (bytes, format) = if pages.len() == 1 && !opts.single_image_as_pdf {
        (pages.pop().map(|p| p.jpeg).unwrap_or_default(), Format::Jpeg)
    } else {
        let refs: Vec<JpegPage<'_>> =
            pages.iter().map(|p| JpegPage { jpeg: &p.jpeg, w: p.img.w, h: p.img.h }).collect();
        (pdf::from_jpegs(&refs), Format::Pdf)
    };
    Ok(Prepared {
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
        bytes,
        format,
        original_size,
        pages: inputs.len() as u32,
        width: w,
        height: h,
        readability: Readability::combine(verdicts),
        thumbnail,
    })
}

fn mb(b: u64) -> f64 {
    b as f64 / (1 << 20) as f64
}

fn page_error(e: Error, page: usize) -> Error {
    match e {
        Error::Document { code, message } => Error::Document { code, message: format!("file {page}: {message}") },
        other => other,
    }
}

pub(crate) struct Page {
    pub img: Rgb,
    pub jpeg: Vec<u8>,
    pub readability: Readability,
}

/// Decode, straighten, fit, judge, and encode under the size target.
pub(crate) fn normalise_page(input: &PageInput<'_>, f: Format, opts: &CaptureOptions, page: u32) -> Result<Page> {
    let n = &opts.normalise;
    let long = n.max_long_edge.clamp(64, u16::MAX as u32);
    let d = img::decode(input.bytes, f, &opts.limits, long, input.crop.as_ref())?;
    let im = match &input.crop {
        Some(q) => img::straighten(&d.img, q, d.scale, long)?,
        None => img::fit(d.img, long)?,
    };
    let readability = readability::assess(&im.gray(), im.w, im.h, page, &opts.readability);
    let (im, jpeg) = encode_to_target(im, n)?;
    Ok(Page { img: im, jpeg, readability })
}

/// Steps the quality down, then the size, until the page fits its byte target.
fn encode_to_target(mut im: Rgb, n: &NormaliseOptions) -> Result<(Rgb, Vec<u8>)> {
    let min_q = n.min_quality.clamp(1, n.quality.max(1));
    let mut q = n.quality.clamp(1, 100);
    for _ in 0..12 {
        let jpeg = img::encode_jpeg(&im, q)?;
        if jpeg.len() as u64 <= n.target_bytes_per_page || im.long_edge() <= 640 {
            return Ok((im, jpeg));
        }
        if q > min_q {
            // JPEG size falls roughly linearly with quality in this range: aim, then step.
            let ratio = n.target_bytes_per_page as f64 / jpeg.len() as f64;
            let aim = (q as f64 - (1.0 - ratio) * 60.0).round() as i32;
            let step_down = (q as i32 - 5).max(min_q as i32);
            q = aim.clamp(min_q as i32, step_down) as u8;
        } else {
            let f = (n.target_bytes_per_page as f64 / jpeg.len() as f64).sqrt() * 0.95;
            let (w, h) = (((im.w as f64 * f) as u32).max(1), ((im.h as f64 * f) as u32).max(1));
            im = img::resize(im, w, h)?;
        }
    }
    let jpeg = img::encode_jpeg(&im, min_q)?;
    Ok((im, jpeg))
}
