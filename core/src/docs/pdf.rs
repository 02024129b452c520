//! PDFs: check an uploaded one (parses, not encrypted, page count within limits), and bind
//! normalised JPEG pages into one (the JPEG bytes go in as they are, DCTDecode).

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

use super::{codes, IntakeLimits};
use crate::error::{Error, Result};

/// Pages of an uploaded PDF, or why it is refused.
pub(crate) fn inspect(bytes: &[u8], limits: &IntakeLimits) -> Result<u32> {
    // A PDF's trailer is at its end; without `%%EOF` near the end the copy was cut.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Error::document(codes::TRUNCATED, "the PDF file is cut off: its end marker (%%EOF) is missing"));
    }
    let doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| Error::document(codes::CORRUPT, format!("the PDF is damaged and cannot be read: {e}")))?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(Error::document(
            codes::ENCRYPTED_PDF,
            "the PDF is password-protected; the facilitator could not open it. Save it without a password and add it again",
        ));
    }
    let pages = doc.get_pages().len() as u32;
    if pages == 0 {
        return Err(Error::document(codes::CORRUPT, "the PDF has no pages"));
    }
    if pages > limits.max_pages {
        return Err(Error::document(
            codes::TOO_MANY_PAGES,
            format!("the PDF has {pages} pages; the limit is {}", limits.max_pages),
        ));
    }
    Ok(pages)
}

/// A page: JPEG bytes and their pixel size.
pub(crate) struct JpegPage<'a> {
    pub jpeg: &'a [u8],
    pub w: u32,
    pub h: u32,
}

/// One PDF, a page per image, each fitted to A4 in the image's own orientation.
pub(crate) fn from_jpegs(pages: &[JpegPage<'_>]) -> Vec<u8> {
    const A4: (f32, f32) = (595.28, 841.89);
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut next = 3;
    let mut alloc = || {
        next += 1;
        Ref::new(next - 1)
    };
    pdf.catalog(catalog).pages(tree);
    let mut kids = vec![];
    for p in pages {
        let (page_id, image_id, content_id) = (alloc(), alloc(), alloc());
        kids.push(page_id);
        let (pw, ph) = if p.w > p.h { (A4.1, A4.0) } else { A4 };
        let s = (pw / p.w as f32).min(ph / p.h as f32);
        let (iw, ih) = (p.w as f32 * s, p.h as f32 * s);
        let name = Name(b"Im1");
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, pw, ph)).parent(tree).contents(content_id);
        page.resources().x_objects().pair(name, image_id);
        page.finish();
        let mut img = pdf.image_xobject(image_id, p.jpeg);
        img.filter(Filter::DctDecode);
        img.width(p.w as i32).height(p.h as i32).bits_per_component(8);
        img.color_space().device_rgb();
        img.finish();
        let mut c = Content::new();
        c.save_state().transform([iw, 0.0, 0.0, ih, (pw - iw) / 2.0, (ph - ih) / 2.0]).x_object(name).restore_state();
        pdf.stream(content_id, &c.finish());
    }
    let count = kids.len() as i32;
    pdf.pages(tree).kids(kids).count(count);
    pdf.finish()
}
