//! Pixels: decode at the smallest size that is still big enough, orient, straighten, resize,
//! encode. A JPEG is decoded with DCT scaling (1/2, 1/4, 1/8), as libjpeg's shrink-on-load
//! does, so a 50 MP photo never becomes 150 MB of RGB.

use fast_image_resize as fr;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, RgbImage};

use super::{codes, CropQuad, Format, IntakeLimits, Point};
use crate::error::{Error, Result};

/// 8-bit RGB, row-major.
pub(crate) struct Rgb {
    pub w: u32,
    pub h: u32,
    pub px: Vec<u8>,
}

impl Rgb {
    pub fn long_edge(&self) -> u32 {
        self.w.max(self.h)
    }

    /// Luma (BT.601, integer).
    pub fn gray(&self) -> Vec<u8> {
        self.px
            .chunks_exact(3)
            .map(|p| ((77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32) >> 8) as u8)
            .collect()
    }
}

/// A decoded, upright image and how its pixels relate to the original's.
pub(crate) struct Decoded {
    pub img: Rgb,
    /// Decoded pixels per original pixel (1.0, or 1/2, 1/4, 1/8 for a scaled JPEG decode).
    pub scale: f32,
}

fn check_dims(w: u32, h: u32, limits: &IntakeLimits) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::document(codes::CORRUPT, "the image declares no pixels (width or height is 0)"));
    }
    let pixels = w as u64 * h as u64;
    if pixels > limits.max_pixels || w.max(h) > limits.max_dimension {
        return Err(Error::document(
            codes::TOO_MANY_PIXELS,
            format!(
                "the image declares {w} x {h} pixels ({:.1} MP); the limit is {:.0} MP and {} px per side",
                pixels as f64 / 1e6,
                limits.max_pixels as f64 / 1e6,
                limits.max_dimension
            ),
        ));
    }
    Ok(())
}

/// Decodes an image so that its long edge (or the crop's) is at least `want` where the
/// original allows, upright per EXIF.
pub(crate) fn decode(
    bytes: &[u8],
    format: Format,
    limits: &IntakeLimits,
    want: u32,
    crop: Option<&CropQuad>,
) -> Result<Decoded> {
    let (img, orientation, scale) = match format {
        Format::Jpeg => decode_jpeg(bytes, limits, want, crop)?,
        Format::Png => decode_generic(bytes, image::ImageFormat::Png, limits)?,
        Format::Webp => decode_generic(bytes, image::ImageFormat::WebP, limits)?,
        Format::Pdf => return Err(Error::document(codes::UNSUPPORTED, "a PDF is not an image")),
    };
    let img = orient(img, orientation)?;
    Ok(Decoded { img, scale })
}

fn jpeg_error(e: jpeg_decoder::Error) -> Error {
    match e {
        jpeg_decoder::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::document(codes::TRUNCATED, "the JPEG file ends before its image data does (incomplete copy?)")
        }
        jpeg_decoder::Error::Unsupported(f) => {
            Error::document(codes::UNSUPPORTED, format!("this kind of JPEG is not supported ({f:?})"))
        }
        other => Error::document(codes::CORRUPT, format!("the JPEG is damaged: {other}")),
    }
}

/// Walks the JPEG's segments to its end-of-image marker. Decoders fill missing data with grey
/// and say nothing, so a cut-off upload must be caught here. Data after EOI (motion photos,
/// vendor trailers) is allowed.
pub(crate) fn jpeg_is_complete(b: &[u8]) -> Result<()> {
    let truncated =
        || Error::document(codes::TRUNCATED, "the JPEG file is cut off: its end-of-image marker is missing");
    let mut i = 2; // after SOI
    loop {
        // Next marker: 0xFF followed by a non-0xFF byte.
        while i < b.len() && b[i] != 0xFF {
            i += 1;
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&m) = b.get(i) else { return Err(truncated()) };
        i += 1;
        match m {
            0xD9 => return Ok(()),
            0x01 | 0xD0..=0xD7 => {} // no length
            0x00 => {
                return Err(Error::document(codes::CORRUPT, "the JPEG is damaged: stray byte where a marker belongs"))
            }
            _ => {
                let len = match b.get(i..i + 2) {
                    Some(l) => u16::from_be_bytes([l[0], l[1]]) as usize,
                    None => return Err(truncated()),
                };
                if len < 2 {
                    return Err(Error::document(codes::CORRUPT, "the JPEG is damaged: a segment has a bad length"));
                }
                i += len;
                if i > b.len() {
                    return Err(truncated());
                }
                if m == 0xDA {
                    // Entropy-coded data: skip to the next real marker (0xFF00 is a stuffed
                    // byte, 0xFFD0-D7 restart markers).
                    loop {
                        while i < b.len() && b[i] != 0xFF {
                            i += 1;
                        }
                        match b.get(i + 1) {
                            None => return Err(truncated()),
                            Some(0x00) | Some(0xD0..=0xD7) | Some(0xFF) => i += 1,
                            Some(_) => break,
                        }
                    }
                }
            }
        }
    }
}

type Raw = (Rgb, Orientation, f32);

fn decode_jpeg(bytes: &[u8], limits: &IntakeLimits, want: u32, crop: Option<&CropQuad>) -> Result<Raw> {
    jpeg_is_complete(bytes)?;
    let mut d = jpeg_decoder::Decoder::new(bytes);
    d.read_info().map_err(jpeg_error)?;
    let info = d.info().ok_or_else(|| Error::document(codes::CORRUPT, "the JPEG has no image header"))?;
    let (w0, h0) = (info.width as u32, info.height as u32);
    check_dims(w0, h0, limits)?;
    let orientation = d.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    // The content that must keep `want` pixels: the whole image, or the crop within it.
    let content = crop.map(|q| quad_extent(q).max(1.0)).unwrap_or(w0.max(h0) as f32);
    let factor = (want as f32 / content).min(1.0);
    let req = |x: u32| ((x as f32 * factor).ceil() as u32).clamp(1, u16::MAX as u32) as u16;
    let (sw, sh) = d.scale(req(w0), req(h0)).map_err(jpeg_error)?;
    d.set_max_decoding_buffer_size((limits.max_pixels as usize).saturating_mul(4));
    let px = d.decode().map_err(jpeg_error)?;
    let (w, h) = (sw as u32, sh as u32);
    let fmt = d.info().map(|i| i.pixel_format);
    let px = match fmt {
        Some(jpeg_decoder::PixelFormat::RGB24) => px,
        Some(jpeg_decoder::PixelFormat::L8) => px.iter().flat_map(|&l| [l, l, l]).collect(),
        Some(jpeg_decoder::PixelFormat::L16) => l16_to_rgb(&px),
        Some(jpeg_decoder::PixelFormat::CMYK32) => cmyk_to_rgb(&px),
        None => return Err(Error::document(codes::CORRUPT, "the JPEG decoded to nothing")),
    };
    if px.len() != (w * h * 3) as usize {
        return Err(Error::document(codes::CORRUPT, "the JPEG decoded to the wrong number of pixels"));
    }
    Ok((Rgb { w, h, px }, orientation, w as f32 / w0 as f32))
}

/// 16-bit greyscale samples (native byte order, as the decoder gives them) to RGB: the high
/// bits kept, by the precision the samples use (12-bit lossless scans never pass 4095).
fn l16_to_rgb(px: &[u8]) -> Vec<u8> {
    let samples: Vec<u16> = px.chunks_exact(2).map(|c| u16::from_ne_bytes([c[0], c[1]])).collect();
    let max = samples.iter().copied().max().unwrap_or(0);
    let shift = if max > 4095 {
        8
    } else if max > 255 {
        4
    } else {
        0
    };
    samples
        .iter()
        .flat_map(|&v| {
            let l = (v >> shift).min(255) as u8;
            [l, l, l]
        })
        .collect()
}

/// CMYK as the decoder gives it (ink amounts, 0 = none: it already undid the inversion Adobe
/// files store) to RGB: white paper stays white, full black ink is black.
fn cmyk_to_rgb(px: &[u8]) -> Vec<u8> {
    px.chunks_exact(4)
        .flat_map(|c| {
            let paper = 255 - c[3] as u32;
            let ink = |x: u8| ((255 - x as u32) * paper / 255) as u8;
            [ink(c[0]), ink(c[1]), ink(c[2])]
        })
        .collect()
}

fn image_error(e: image::ImageError) -> Error {
    use image::ImageError as E;
    match e {
        E::Limits(l) => Error::document(codes::TOO_MANY_PIXELS, format!("the image is too large to open safely: {l}")),
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::document(codes::TRUNCATED, "the image file ends before its data does (incomplete copy?)")
        }
        E::Unsupported(u) => Error::document(codes::UNSUPPORTED, format!("this image variant is not supported: {u}")),
        other => {
            let msg = other.to_string();
            if msg.contains("EOF") || msg.contains("end of") || msg.contains("truncated") {
                Error::document(codes::TRUNCATED, format!("the image file is cut off: {msg}"))
            } else {
                Error::document(codes::CORRUPT, format!("the image is damaged: {msg}"))
            }
        }
    }
}

/// Walks a WebP's RIFF chunks: each must fit inside the file. The WebP decoder allocates a
/// chunk's declared size before reading it (found by fuzzing: a 2.4 GB EXIF chunk in a 3 KB
/// file), so a size that cannot be true is refused here.
pub(crate) fn webp_chunks_fit(b: &[u8]) -> Result<()> {
    let cut =
        || Error::document(codes::TRUNCATED, "the WebP file is cut off: a part of it claims more bytes than remain");
    let riff = b.get(4..8).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize).ok_or_else(cut)?;
    let end = riff.checked_add(8).ok_or_else(cut)?;
    if end > b.len() || riff < 4 {
        return Err(cut());
    }
    let mut at = 12;
    while at + 8 <= end {
        let size = u32::from_le_bytes([b[at + 4], b[at + 5], b[at + 6], b[at + 7]]) as usize;
        let next = (at + 8).checked_add(size + (size & 1)).ok_or_else(cut)?;
        if at + 8 + size > end {
            return Err(cut());
        }
        at = next;
    }
    Ok(())
}

fn decode_generic(bytes: &[u8], fmt: image::ImageFormat, limits: &IntakeLimits) -> Result<Raw> {
    if fmt == image::ImageFormat::WebP {
        webp_chunks_fit(bytes)?;
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), fmt);
    let mut lim = image::Limits::default();
    // Width and height are checked below with a message that names them; this caps the
    // decoder's allocations whatever the header says. RGBA16 is the widest buffer a PNG decodes to.
    lim.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(1 << 20));
    reader.limits(lim);
    let mut dec = reader.into_decoder().map_err(image_error)?;
    let (w, h) = dec.dimensions();
    check_dims(w, h, limits)?;
    let orientation = dec.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(dec).map_err(image_error)?;
    let px = if img.color().has_alpha() {
        // A transparent scan would turn black on a plain RGB drop: put it on white paper.
        img.into_rgba8()
            .pixels()
            .flat_map(|p| {
                let a = p[3] as u32;
                let over = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
                [over(p[0]), over(p[1]), over(p[2])]
            })
            .collect()
    } else {
        img.into_rgb8().into_raw()
    };
    Ok((Rgb { w, h, px }, orientation, 1.0))
}

fn orient(img: Rgb, o: Orientation) -> Result<Rgb> {
    if o == Orientation::NoTransforms {
        return Ok(img);
    }
    let buf = RgbImage::from_raw(img.w, img.h, img.px)
        .ok_or_else(|| Error::document(codes::CORRUPT, "the image decoded to the wrong number of pixels"))?;
    let mut d = DynamicImage::ImageRgb8(buf);
    d.apply_orientation(o);
    let out = d.into_rgb8();
    Ok(Rgb { w: out.width(), h: out.height(), px: out.into_raw() })
}

fn dist(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// The longer of the quad's straightened width and height.
fn quad_extent(q: &CropQuad) -> f32 {
    let [a, b, c, d] = q.0;
    dist(a, b).max(dist(d, c)).max(dist(a, d)).max(dist(b, c))
}

/// Resizes to fit `long_edge` (never enlarges).
pub(crate) fn fit(img: Rgb, long_edge: u32) -> Result<Rgb> {
    if img.long_edge() <= long_edge {
        return Ok(img);
    }
    let f = long_edge as f64 / img.long_edge() as f64;
    let nw = ((img.w as f64 * f).round() as u32).max(1);
    let nh = ((img.h as f64 * f).round() as u32).max(1);
    resize(img, nw, nh)
}

pub(crate) fn resize(img: Rgb, nw: u32, nh: u32) -> Result<Rgb> {
    let internal = |e: String| Error::document(codes::CORRUPT, format!("resizing failed: {e}"));
    let src = fr::images::Image::from_vec_u8(img.w, img.h, img.px, fr::PixelType::U8x3)
        .map_err(|e| internal(e.to_string()))?;
    let mut dst = fr::images::Image::new(nw, nh, fr::PixelType::U8x3);
    let opts = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new().resize(&src, &mut dst, &opts).map_err(|e| internal(e.to_string()))?;
    Ok(Rgb { w: nw, h: nh, px: dst.into_vec() })
}

/// Straightens the page inside `quad` (original pixels, upright) into a rectangle whose long
/// edge is at most `long_edge`.
pub(crate) fn straighten(img: &Rgb, quad: &CropQuad, scale: f32, long_edge: u32) -> Result<Rgb> {
    let bad = |why: &str| Error::document(codes::BAD_CROP, format!("the crop corners are not usable: {why}"));
    let p: [Point; 4] = quad.0.map(|p| Point { x: p.x * scale, y: p.y * scale });
    let (w, h) = (img.w as f32, img.h as f32);
    let slack = 0.02 * w.max(h);
    if p.iter().any(|q| q.x < -slack || q.y < -slack || q.x > w + slack || q.y > h + slack) {
        return Err(bad("a corner lies outside the photo"));
    }
    // Convex and in order: every turn has the same sign.
    let cross = |a: Point, b: Point, c: Point| (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    let turns: Vec<f32> = (0..4).map(|i| cross(p[i], p[(i + 1) % 4], p[(i + 2) % 4])).collect();
    if !(turns.iter().all(|&t| t > 0.0) || turns.iter().all(|&t| t < 0.0)) {
        return Err(bad("they must be the page's corners in order, forming a convex shape"));
    }
    let area = 0.5 * (0..4).map(|i| p[i].x * p[(i + 1) % 4].y - p[(i + 1) % 4].x * p[i].y).sum::<f32>().abs();
    if area < 0.01 * w * h {
        return Err(bad("the marked page is too small (under 1% of the photo)"));
    }
    let qw = dist(p[0], p[1]).max(dist(p[3], p[2]));
    let qh = dist(p[0], p[3]).max(dist(p[1], p[2]));
    let f = (long_edge as f32 / qw.max(qh)).min(1.0);
    if f < 0.5 {
        // A page much larger than the output: the warp's few samples per output pixel would
        // skip thin strokes (a large PNG or WebP comes here at full size). Shrunk first with a
        // filter, to a little over the output's size, then straightened.
        let k = (f * 1.25).min(1.0);
        let (nw, nh) = (((w * k).round() as u32).max(1), ((h * k).round() as u32).max(1));
        let copy = Rgb { w: img.w, h: img.h, px: img.px.clone() };
        let small = resize(copy, nw, nh)?;
        return straighten(&small, quad, scale * nw as f32 / img.w as f32, long_edge);
    }
    let (ow, oh) = (((qw * f).round() as u32).max(1), ((qh * f).round() as u32).max(1));
    let hm = homography([(0.0, 0.0), (ow as f64, 0.0), (ow as f64, oh as f64), (0.0, oh as f64)], p)
        .ok_or_else(|| bad("three of them lie on one line"))?;
    let mut px = vec![0u8; (ow * oh * 3) as usize];
    let (iw, ih) = (img.w as i64, img.h as i64);
    let at =
        |x: i64, y: i64, c: usize| img.px[((y.clamp(0, ih - 1) * iw + x.clamp(0, iw - 1)) * 3) as usize + c] as f32;
    for v in 0..oh {
        for u in 0..ow {
            let (uf, vf) = (u as f64 + 0.5, v as f64 + 0.5);
            let den = hm[6] * uf + hm[7] * vf + 1.0;
            let x = ((hm[0] * uf + hm[1] * vf + hm[2]) / den - 0.5) as f32;
            let y = ((hm[3] * uf + hm[4] * vf + hm[5]) / den - 0.5) as f32;
            let (x0, y0) = (x.floor(), y.floor());
            let (fx, fy) = (x - x0, y - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let o = ((v * ow + u) * 3) as usize;
            for c in 0..3 {
                let top = at(x0, y0, c) * (1.0 - fx) + at(x0 + 1, y0, c) * fx;
                let bot = at(x0, y0 + 1, c) * (1.0 - fx) + at(x0 + 1, y0 + 1, c) * fx;
                px[o + c] = (top * (1.0 - fy) + bot * fy).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    Ok(Rgb { w: ow, h: oh, px })
}

/// The projective map taking each `from` point to the matching `to` point, as the 8
/// coefficients `[a b c d e f g h]` of x = (au+bv+c)/(gu+hv+1), y = (du+ev+f)/(gu+hv+1).
fn homography(from: [(f64, f64); 4], to: [Point; 4]) -> Option<[f64; 8]> {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (u, v) = from[i];
        let (x, y) = (to[i].x as f64, to[i].y as f64);
        m[2 * i] = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
        m[2 * i + 1] = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-9 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some(std::array::from_fn(|i| m[i][8] / m[i][i]))
}

/// Baseline JPEG, 4:2:0 below quality 90.
pub(crate) fn encode_jpeg(img: &Rgb, quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity((img.w * img.h / 4) as usize);
    let enc = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    let (w, h) = (u16::try_from(img.w), u16::try_from(img.h));
    let (Ok(w), Ok(h)) = (w, h) else {
        return Err(Error::document(codes::TOO_MANY_PIXELS, "a normalised page may not exceed 65535 px per side"));
    };
    enc.encode(&img.px, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| Error::document(codes::CORRUPT, format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scanner's CMYK JPEG (Adobe APP14, inverted ink, as scanners and jpeg-encoder write
    /// it) of white paper with a black band: the paper comes out white, the band black, and a
    /// cyan band keeps its colour.
    #[test]
    fn a_cmyk_scan_keeps_white_paper_white() {
        let (w, h) = (96u16, 64u16);
        let mut cmyk = Vec::with_capacity(w as usize * h as usize * 4);
        for y in 0..h {
            for _ in 0..w {
                cmyk.extend_from_slice(match y {
                    20..=29 => &[0u8, 0, 0, 255],
                    40..=49 => &[255u8, 0, 0, 0],
                    _ => &[0u8, 0, 0, 0],
                });
            }
        }
        let mut jpg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpg, 95).encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk).expect("encode");
        let (img, _, _) = decode_jpeg(&jpg, &IntakeLimits::default(), 96, None).expect("decode");
        let at = |x: u32, y: u32| {
            let i = ((y * img.w + x) * 3) as usize;
            [img.px[i], img.px[i + 1], img.px[i + 2]]
        };
        let paper = at(48, 5);
        assert!(paper.iter().all(|&c| c > 240), "paper {paper:?}");
        let black = at(48, 25);
        assert!(black.iter().all(|&c| c < 20), "black ink {black:?}");
        let cyan = at(48, 45);
        assert!(cyan[0] < 40 && cyan[1] > 200 && cyan[2] > 200, "cyan ink {cyan:?}");
    }

    #[test]
    fn sixteen_bit_grey_keeps_its_high_bits() {
        let ne = |v: u16| v.to_ne_bytes();
        let px: Vec<u8> = [0x0000u16, 0x8000, 0xffff, 0x00ff].iter().flat_map(|&v| ne(v)).collect();
        assert_eq!(l16_to_rgb(&px), vec![0, 0, 0, 128, 128, 128, 255, 255, 255, 0, 0, 0]);
        // Twelve-bit samples: 4095 is white, not nearly black.
        let twelve: Vec<u8> = [0u16, 2048, 4095].iter().flat_map(|&v| ne(v)).collect();
        assert_eq!(l16_to_rgb(&twelve), vec![0, 0, 0, 128, 128, 128, 255, 255, 255]);
    }

    #[test]
    fn a_sixteen_bit_grey_png_decodes_by_its_high_byte() {
        let mut img = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::new(8, 8);
        for (i, p) in img.pixels_mut().enumerate() {
            // High bytes light, low bytes near zero: keeping the low byte would show black.
            *p = image::Luma([if i % 2 == 0 { 0xf000 } else { 0xe001 }]);
        }
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma16(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encode");
        let (rgb, _, _) = decode_generic(&png, image::ImageFormat::Png, &IntakeLimits::default()).expect("decode");
        // Each pixel is its high byte (scaled by 255/65535), never the low one.
        let want = [0xf0u8, 0xf0, 0xf0, 0xe0, 0xe0, 0xe0];
        assert!(rgb.px[..6].iter().zip(want).all(|(&c, w)| c.abs_diff(w) <= 1), "{:?}", &rgb.px[..6]);
    }

    /// A large page of thin lines (one dark pixel in four) cropped to a much smaller output:
    /// the strokes' ink averages in (about 191 grey), it does not vanish or alias.
    #[test]
    fn a_large_page_cropped_small_keeps_its_thin_strokes() {
        let (w, h) = (4000u32, 3000u32);
        let px: Vec<u8> = (0..w * h).flat_map(|i| if (i % w) % 4 == 0 { [0u8; 3] } else { [255u8; 3] }).collect();
        let img = Rgb { w, h, px };
        let all = CropQuad([
            Point { x: 0.0, y: 0.0 },
            Point { x: w as f32, y: 0.0 },
            Point { x: w as f32, y: h as f32 },
            Point { x: 0.0, y: h as f32 },
        ]);
        let out = straighten(&img, &all, 1.0, 500).expect("straighten");
        assert_eq!(out.w.max(out.h), 500);
        let mean = out.px.iter().map(|&v| v as f64).sum::<f64>() / out.px.len() as f64;
        assert!((mean - 191.25).abs() < 12.0, "mean {mean}: the strokes were sampled, not filtered");
    }

    #[test]
    fn homography_maps_corners() {
        let to = [
            Point { x: 10.0, y: 20.0 },
            Point { x: 300.0, y: 5.0 },
            Point { x: 320.0, y: 400.0 },
            Point { x: 0.0, y: 380.0 },
        ];
        let from = [(0.0, 0.0), (100.0, 0.0), (100.0, 200.0), (0.0, 200.0)];
        let h = homography(from, to).expect("solvable");
        for (f, t) in from.iter().zip(to) {
            let den = h[6] * f.0 + h[7] * f.1 + 1.0;
            let x = (h[0] * f.0 + h[1] * f.1 + h[2]) / den;
            let y = (h[3] * f.0 + h[4] * f.1 + h[5]) / den;
            assert!((x - t.x as f64).abs() < 1e-6 && (y - t.y as f64).abs() < 1e-6, "{f:?} -> ({x}, {y}) not {t:?}");
        }
    }

    #[test]
    fn jpeg_walk_finds_the_end_and_the_cut() {
        let img = Rgb { w: 64, h: 48, px: (0..64 * 48 * 3).map(|i| (i * 7 % 251) as u8).collect() };
        let jpg = encode_jpeg(&img, 80).expect("encode");
        assert!(jpeg_is_complete(&jpg).is_ok());
        let mut trailer = jpg.clone();
        trailer.extend_from_slice(b"motion photo video follows");
        assert!(jpeg_is_complete(&trailer).is_ok());
        for cut in [jpg.len() - 2, jpg.len() / 2, 20] {
            let err = jpeg_is_complete(&jpg[..cut]).expect_err("cut");
            assert_eq!(err.code(), codes::TRUNCATED, "cut at {cut}");
        }
    }
}
