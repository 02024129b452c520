//! Documents: capture pipeline, encrypted store and verification.
//!
//! A capture goes intake (recognise the bytes by content, refuse bombs) -> normalise (EXIF
//! orientation, optional crop quad with perspective correction, downscale, recompress to a
//! target size, no metadata carried over) -> readability check -> one JPEG, or one PDF for
//! several pages -> sealed under the profile's document key, named by SHA-256.
//!
//! Everything here works on bytes in memory: plaintext never touches the disk (a document is
//! a few MB; a 50 MP photo decodes at a reduced DCT scale, see `image`).

pub(crate) mod crypt;
mod image;
mod intake;
mod pdf;
mod readability;
pub(crate) mod store;
mod verify;

use serde::{Deserialize, Serialize};

pub use crypt::{
    is_sealed, open_range, plain_len, sealed_segment, sealed_span, stream_nonce, SealWriter, SEALED_HEADER,
};
pub use intake::{prepare, prepare_one, read_file, Format, PageInput, Prepared};
pub use readability::{Problem, Readability, ReadabilityThresholds, Verdict};
pub use store::{DocLink, DocumentInfo, NewDocument, Verifikasi};
pub use verify::{DocPutusan, Teguran};

/// Stable error codes of refused documents (`Error::Document`).
pub mod codes {
    pub const UNSUPPORTED: &str = "doc.unsupported";
    pub const EMPTY: &str = "doc.empty";
    pub const TOO_LARGE: &str = "doc.too_large";
    pub const TOO_MANY_PIXELS: &str = "doc.too_many_pixels";
    pub const TOO_MANY_PAGES: &str = "doc.too_many_pages";
    pub const TRUNCATED: &str = "doc.truncated";
    pub const CORRUPT: &str = "doc.corrupt";
    pub const ENCRYPTED_PDF: &str = "doc.pdf_encrypted";
    pub const MIXED: &str = "doc.mixed_pdf";
    pub const BAD_CROP: &str = "doc.bad_crop";
    pub const UNREADABLE: &str = "doc.unreadable";
    pub const TAMPERED: &str = "doc.tampered";
    pub const NOT_DOWNLOADED: &str = "doc.not_downloaded";
    /// The hub does not take documents of this content type (its settings say which it does).
    pub const TYPE_NOT_ACCEPTED: &str = "doc.type_not_accepted";
}

/// Limits that refuse a file before it can exhaust memory (decompression bombs).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntakeLimits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest image by its declared pixel count (width x height), checked before decoding.
    pub max_pixels: u64,
    /// Longest side in pixels.
    pub max_dimension: u32,
    /// Most pages in one PDF, or images combined into one.
    pub max_pages: u32,
}

impl Default for IntakeLimits {
    fn default() -> Self {
        // 50 MP phones exist (8160 x 6144): room for them, not for a 1-gigapixel bomb.
        IntakeLimits { max_file_bytes: 40 << 20, max_pixels: 80_000_000, max_dimension: 16_384, max_pages: 100 }
    }
}

/// How images are normalised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NormaliseOptions {
    /// Long edge of a normalised page; A4 at ~170 dpi stays readable.
    pub max_long_edge: u32,
    /// Size a page's JPEG should stay under; quality steps down (then the size) until it does.
    pub target_bytes_per_page: u64,
    /// JPEG quality tried first.
    pub quality: u8,
    /// Lowest quality before the image is made smaller instead.
    pub min_quality: u8,
    /// Long edge of the thumbnail.
    pub thumbnail_edge: u32,
}

impl Default for NormaliseOptions {
    fn default() -> Self {
        NormaliseOptions {
            max_long_edge: 2000,
            target_bytes_per_page: 600_000,
            quality: 82,
            min_quality: 50,
            thumbnail_edge: 320,
        }
    }
}

/// Everything a capture is judged by; the defaults suit SK, ijazah and SKP pages.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CaptureOptions {
    pub limits: IntakeLimits,
    pub normalise: NormaliseOptions,
    pub readability: ReadabilityThresholds,
    /// Wrap a single image in a PDF too (SIASN wants PDF for most `id_ref_dokumen`).
    pub single_image_as_pdf: bool,
}

/// A point in the displayed image (after EXIF orientation), in pixels of the original.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// The corners of a page as the capture UI found or the user dragged them: top-left,
/// top-right, bottom-right, bottom-left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CropQuad(pub [Point; 4]);

impl CropQuad {
    /// Parses `x1,y1,x2,y2,x3,y3,x4,y4`.
    pub fn parse(s: &str) -> Option<CropQuad> {
        let v: Vec<f32> = s.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
        if v.len() != 8 || v.iter().any(|x| !x.is_finite()) {
            return None;
        }
        Some(CropQuad(std::array::from_fn(|i| Point { x: v[2 * i], y: v[2 * i + 1] })))
    }
}

/// A small JPEG of a stored JPEG (decoded at a reduced DCT scale).
pub(crate) fn thumbnail_of_jpeg(jpeg: &[u8], edge: u32) -> crate::error::Result<Vec<u8>> {
    let d = image::decode(jpeg, Format::Jpeg, &IntakeLimits::default(), edge, None)?;
    image::encode_jpeg(&image::fit(d.img, edge)?, 70)
}

/// SHA-256 in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The intake fuzz harness, shared by `fuzz/fuzz_targets/intake.rs` (libFuzzer, unbounded) and
/// a bounded run over mutated seeds in the ordinary tests: every input is either a document or
/// a refusal with a code; never a panic, a hang or an allocation past the limits. The first
/// byte picks whether a crop quad (from the next 32 bytes) and a second page are used, so the
/// perspective and multi-page paths are driven too. Answers whether a document was made.
#[doc(hidden)]
pub fn fuzz_intake(data: &[u8]) -> bool {
    let mut o = CaptureOptions::default();
    // Small limits keep each run fast; the limit logic is what is under test.
    o.limits.max_pixels = 4_000_000;
    o.limits.max_dimension = 4096;
    o.limits.max_pages = 4;
    o.normalise.max_long_edge = 800;
    o.readability.analysis_edge = 400;
    let Some((&mode, rest)) = data.split_first() else { return false };
    let (crop, body) = if mode & 1 == 1 && rest.len() > 32 {
        let f = |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]) as f32 / 1e6;
        let q = CropQuad(std::array::from_fn(|k| Point { x: f(8 * k), y: f(8 * k + 4) }));
        (Some(q), &rest[32..])
    } else {
        (None, rest)
    };
    let pages = if mode & 2 == 2 {
        vec![PageInput { bytes: body, crop }, PageInput { bytes: body, crop: None }]
    } else {
        vec![PageInput { bytes: body, crop }]
    };
    match prepare(&pages, &o) {
        Ok(_) => true,
        Err(e) => {
            assert!(!e.code().is_empty(), "a refusal without a code");
            false
        }
    }
}
