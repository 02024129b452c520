//! Document images for tests and benchmarks: a page of real typeset text (DejaVu, as a scanner
//! would see it), blurred, darkened, or photographed on a desk by a 12 MP phone held sideways.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

use crate::TestRng;

pub const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";

const LINES: &[&str] = &[
    "KEPUTUSAN BUPATI NOMOR 800/123/BKPSDM/2026",
    "TENTANG KENAIKAN PANGKAT PEGAWAI NEGERI SIPIL",
    "Menimbang : bahwa pegawai negeri sipil yang namanya tersebut",
    "dalam lampiran keputusan ini telah memenuhi syarat untuk",
    "dinaikkan pangkatnya setingkat lebih tinggi;",
    "Mengingat : Undang-Undang Nomor 20 Tahun 2023 tentang ASN;",
    "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen",
    "Pegawai Negeri Sipil sebagaimana telah diubah;",
    "MEMUTUSKAN: Menetapkan terhitung mulai tanggal 1 April 2026",
    "pangkat Penata Muda Tingkat I golongan ruang III/b dengan",
    "masa kerja golongan 8 tahun 0 bulan, gaji pokok Rp 3.200.000.",
];

fn font_bytes() -> Vec<u8> {
    std::fs::read(FONT).unwrap_or_else(|e| panic!("{FONT}: {e} (install fonts-dejavu-core)"))
}

/// A white page `w` x `h` with lines of black serif text filling it, as a 200 dpi scan.
pub fn scanned_page(w: u32, h: u32) -> RgbImage {
    let bytes = font_bytes();
    let font = FontRef::try_from_slice(&bytes).expect("font parses");
    let mut img = RgbImage::from_pixel(w, h, Rgb([250, 250, 247]));
    let px = (h as f32 / 60.0).max(8.0);
    let scaled = font.as_scaled(PxScale::from(px));
    let margin = w as f32 * 0.08;
    let mut y = h as f32 * 0.06 + px;
    let mut line = 0;
    while y < h as f32 * 0.94 {
        let mut x = margin;
        for c in LINES[line % LINES.len()].chars() {
            let g = scaled.scaled_glyph(c);
            let adv = scaled.h_advance(g.id);
            let g = ab_glyph::Glyph { position: ab_glyph::point(x, y), ..g };
            if let Some(o) = font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| {
                    let (ix, iy) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                    if ix >= 0 && iy >= 0 && (ix as u32) < w && (iy as u32) < h {
                        let p = img.get_pixel_mut(ix as u32, iy as u32);
                        let v = (250.0 * (1.0 - cov.clamp(0.0, 1.0)) + 15.0 * cov) as u8;
                        *p = Rgb([v.min(p[0]), v.min(p[1]), v.min(p[2])]);
                    }
                });
            }
            x += adv;
            if x > w as f32 - margin {
                break;
            }
        }
        y += px * 1.6;
        line += 1;
    }
    img
}

/// The same page out of focus.
pub fn blurred(img: &RgbImage, sigma: f32) -> RgbImage {
    image::imageops::blur(img, sigma)
}

/// The same page in a dim room.
pub fn darkened(img: &RgbImage, factor: f32) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        for c in p.0.iter_mut() {
            *c = (*c as f32 * factor) as u8;
        }
    }
    out
}

/// Where the page lies in [`phone_photo`], in the photo's upright (displayed) pixels.
pub struct PhotoLayout {
    /// Displayed size (portrait).
    pub width: u32,
    pub height: u32,
    /// Corners of the page: top-left, top-right, bottom-right, bottom-left.
    pub page: [(f32, f32); 4],
}

/// A 12 MP phone photo (4000 x 3000 as stored) of a portrait page on a dark desk, taken with
/// the phone turned: EXIF orientation 6 says "rotate 90 degrees clockwise to display", so it
/// shows as 3000 x 4000. A red mark sits at the page's top-left corner as displayed. Light
/// falls off across the frame and there is sensor noise, as in real photos.
pub fn phone_photo(seed: u64) -> (RgbImage, PhotoLayout) {
    let (dw, dh) = (3000u32, 4000u32);
    let (pw, ph) = (2400u32, 3400u32);
    let (ox, oy) = ((dw - pw) / 2, (dh - ph) / 2);
    let page = scanned_page(pw, ph);
    let mut rng = TestRng::new(seed);
    let mut upright = RgbImage::from_pixel(dw, dh, Rgb([60, 48, 40]));
    for y in 0..dh {
        for x in 0..dw {
            let mut p = if x >= ox && x < ox + pw && y >= oy && y < oy + ph {
                *page.get_pixel(x - ox, y - oy)
            } else {
                Rgb([60, 48, 40])
            };
            // Red registration mark near the page's top-left corner.
            if x >= ox + 20 && x < ox + 220 && y >= oy + 20 && y < oy + 220 {
                p = Rgb([220, 30, 30]);
            }
            let light = 1.0 - 0.15 * (x as f32 / dw as f32);
            let n = rng.below(9) as f32 - 4.0;
            upright.put_pixel(x, y, Rgb(p.0.map(|c| (c as f32 * light + n).clamp(0.0, 255.0) as u8)));
        }
    }
    // Stored the way the sensor saw it: displayed = rotate90cw(stored), so stored = rotate270.
    let stored = image::imageops::rotate270(&upright);
    let layout = PhotoLayout {
        width: dw,
        height: dh,
        page: [
            (ox as f32, oy as f32),
            ((ox + pw) as f32, oy as f32),
            ((ox + pw) as f32, (oy + ph) as f32),
            (ox as f32, (oy + ph) as f32),
        ],
    };
    (stored, layout)
}

/// A minimal EXIF block: orientation, plus a GPS position (which must not survive).
pub fn exif(orientation: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes()); // entries
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&orientation.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    // GPS IFD pointer (0x8825) to an IFD with a latitude ref "S".
    t.extend_from_slice(&0x8825u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&38u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes()); // next IFD
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"S\0\0\0");
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

/// JPEG at `quality`, with an EXIF segment if given.
pub fn jpeg(img: &RgbImage, quality: u8, exif: Option<&[u8]>) -> Vec<u8> {
    let mut out = vec![];
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    if let Some(e) = exif {
        enc.add_app_segment(1, e).expect("exif segment");
    }
    enc.encode(img.as_raw(), img.width() as u16, img.height() as u16, jpeg_encoder::ColorType::Rgb).expect("encode");
    out
}

/// PNG of an image.
pub fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(vec![]);
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

/// A tiny PNG that declares `w` x `h` pixels: opening it naively would allocate w*h*3 bytes.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let body = [kind, data].concat();
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = vec![];
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    // zlib stream of a few KB of zeros: the rest "decompresses" from nothing.
    chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

/// A JPEG header that declares `w` x `h` pixels and then ends.
pub fn jpeg_bomb(w: u16, h: u16) -> Vec<u8> {
    let small = jpeg(&RgbImage::from_pixel(16, 16, Rgb([200, 200, 200])), 80, None);
    // Patch the frame header (SOF0: FF C0, length, precision, height, width).
    let mut b = small;
    let at = b.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF0");
    b[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
    b[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
    b
}
