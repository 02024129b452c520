//! "Terlihat dan terbaca dengan jelas": a quick judgement of a page before it is accepted.
//!
//! Sharpness is the variance of the Laplacian, but per tile, averaging the sharpest tenth: a
//! document is mostly white paper, and a whole-image variance would call a sharp page with
//! little text "blurred". Everything is measured at one analysis size so the thresholds do not
//! depend on the camera's resolution.

use fast_image_resize as fr;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadabilityThresholds {
    /// Below this the page is called blurred.
    pub min_sharpness: f32,
    /// Mean brightness (0-255) below which the page is too dark.
    pub min_brightness: f32,
    /// Mean brightness above which a page without contrast is washed out (clean white paper is
    /// bright too: brightness alone says nothing).
    pub max_brightness: f32,
    /// Spread between the 1st and 99th brightness percentile below which text cannot stand
    /// out from the paper.
    pub min_contrast: f32,
    /// Long edge (px) below which the page is too small to read.
    pub min_long_edge: u32,
    /// Long edge the measures are taken at.
    pub analysis_edge: u32,
}

impl Default for ReadabilityThresholds {
    fn default() -> Self {
        ReadabilityThresholds {
            min_sharpness: 150.0,
            min_brightness: 60.0,
            max_brightness: 235.0,
            min_contrast: 60.0,
            min_long_edge: 1000,
            analysis_edge: 1200,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Readable,
    Flagged,
    /// A PDF as uploaded: Berkas does not render PDFs; the facilitator reads it.
    NotChecked,
}

/// One reason a page may not be readable, with messages the UI can show as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// `blurred`, `too_dark`, `washed_out`, `low_contrast`, `too_small`.
    pub code: String,
    /// 1-based page.
    pub page: u32,
    pub message_id: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readability {
    pub verdict: Verdict,
    pub problems: Vec<Problem>,
    /// Measures of the weakest page (lowest sharpness).
    pub sharpness: f32,
    pub brightness: f32,
    pub contrast: f32,
}

impl Readability {
    pub fn not_checked() -> Readability {
        Readability { verdict: Verdict::NotChecked, problems: vec![], sharpness: 0.0, brightness: 0.0, contrast: 0.0 }
    }

    /// The document's verdict from its pages'.
    pub(crate) fn combine(pages: Vec<Readability>) -> Readability {
        let mut problems = vec![];
        let mut weakest: Option<Readability> = None;
        for p in pages {
            problems.extend(p.problems.iter().cloned());
            if weakest.as_ref().is_none_or(|w| p.sharpness < w.sharpness) {
                weakest = Some(p);
            }
        }
        let mut r = weakest.unwrap_or_else(Readability::not_checked);
        r.verdict = if problems.is_empty() { Verdict::Readable } else { Verdict::Flagged };
        r.problems = problems;
        r
    }
}

fn problem(code: &str, page: u32, id: String, en: String) -> Problem {
    Problem { code: code.into(), page, message_id: id, message_en: en }
}

/// Judges one page from its luma.
pub(crate) fn assess(gray: &[u8], w: u32, h: u32, page: u32, th: &ReadabilityThresholds) -> Readability {
    let small = shrink(gray, w, h, th.analysis_edge);
    let (g, aw, ah) = small.as_ref().map(|(g, w, h)| (g.as_slice(), *w, *h)).unwrap_or((gray, w, h));
    let (brightness, contrast) = tone(g);
    // The Laplacian's variance falls with the square of the light: a sharp page photographed
    // in a dim room would read as blurred. It is judged as if lit like paper in daylight.
    let sharpness = sharpness(g, aw as usize, ah as usize) * light_gain(brightness);
    let mut problems = vec![];
    let long = w.max(h);
    if long < th.min_long_edge {
        problems.push(problem(
            "too_small",
            page,
            format!(
                "Gambar terlalu kecil ({long} piksel pada sisi panjang; minimal {}). Foto ulang dengan resolusi kamera yang lebih tinggi.",
                th.min_long_edge
            ),
            format!("The image is too small ({long} px on the long edge; at least {} needed). Take it again at a higher camera resolution.", th.min_long_edge),
        ));
    }
    if brightness < th.min_brightness {
        problems.push(problem(
            "too_dark",
            page,
            "Foto terlalu gelap. Foto ulang di tempat yang lebih terang.".into(),
            "The photo is too dark. Take it again in better light.".into(),
        ));
    } else if brightness > th.max_brightness && contrast < th.min_contrast {
        problems.push(problem(
            "washed_out",
            page,
            "Foto terlalu terang atau pucat; tulisan tidak terlihat jelas. Hindari pantulan cahaya dan lampu kilat."
                .into(),
            "The photo is washed out; the writing does not show clearly. Avoid glare and the flash.".into(),
        ));
    } else if contrast < th.min_contrast {
        problems.push(problem(
            "low_contrast",
            page,
            "Kontras terlalu rendah: tulisan sulit dibedakan dari kertas.".into(),
            "Contrast is too low: the writing is hard to tell from the paper.".into(),
        ));
    }
    // In poor light the one advice is more light: it fixes the darkness and the shake a slow
    // shutter brings; "hold still" beside it would send the person after the wrong cause.
    let too_dark = problems.iter().any(|p| p.code == "too_dark");
    if sharpness < th.min_sharpness && !too_dark {
        problems.push(problem(
            "blurred",
            page,
            "Dokumen buram: tulisan tidak tajam. Pegang kamera dengan diam dan fokuskan pada tulisan.".into(),
            "The document is blurred: the writing is not sharp. Hold the camera still and focus on the text.".into(),
        ));
    }
    let verdict = if problems.is_empty() { Verdict::Readable } else { Verdict::Flagged };
    Readability { verdict, problems, sharpness, brightness, contrast }
}

/// Mean brightness of paper in daylight, by which a dim page's sharpness is judged.
const DAYLIGHT_BRIGHTNESS: f32 = 200.0;

/// How much a page's Laplacian variance is scaled for its light: 1 for a page as bright as
/// paper in daylight or brighter, up to 64 for a very dark one (noise is not made into detail
/// beyond that).
fn light_gain(brightness: f32) -> f32 {
    if brightness >= DAYLIGHT_BRIGHTNESS || brightness <= 0.0 {
        return 1.0;
    }
    (DAYLIGHT_BRIGHTNESS / brightness).powi(2).min(64.0)
}

fn shrink(gray: &[u8], w: u32, h: u32, edge: u32) -> Option<(Vec<u8>, u32, u32)> {
    if w.max(h) <= edge {
        return None;
    }
    let f = edge as f64 / w.max(h) as f64;
    let (nw, nh) = (((w as f64 * f).round() as u32).max(1), ((h as f64 * f).round() as u32).max(1));
    let src = fr::images::ImageRef::new(w, h, gray, fr::PixelType::U8).ok()?;
    let mut dst = fr::images::Image::new(nw, nh, fr::PixelType::U8);
    let opts = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear));
    fr::Resizer::new().resize(&src, &mut dst, &opts).ok()?;
    Some((dst.into_vec(), nw, nh))
}

/// Mean of the Laplacian variance over the sharpest 10% of 32x32 tiles.
fn sharpness(g: &[u8], w: usize, h: usize) -> f32 {
    const T: usize = 32;
    if w < 3 || h < 3 {
        return 0.0;
    }
    let mut vars = vec![];
    for ty in (1..h - 1).step_by(T) {
        for tx in (1..w - 1).step_by(T) {
            let (mut n, mut sum, mut sq) = (0f64, 0f64, 0f64);
            for y in ty..(ty + T).min(h - 1) {
                let row = y * w;
                for x in tx..(tx + T).min(w - 1) {
                    let c = g[row + x] as i32;
                    let l =
                        g[row + x - 1] as i32 + g[row + x + 1] as i32 + g[row - w + x] as i32 + g[row + w + x] as i32
                            - 4 * c;
                    n += 1.0;
                    sum += l as f64;
                    sq += (l * l) as f64;
                }
            }
            if n >= 64.0 {
                let mean = sum / n;
                vars.push((sq / n - mean * mean) as f32);
            }
        }
    }
    if vars.is_empty() {
        return 0.0;
    }
    vars.sort_by(|a, b| b.total_cmp(a));
    let top = (vars.len() / 10).max(1);
    vars[..top].iter().sum::<f32>() / top as f32
}

/// Mean brightness and the 1st-99th percentile spread (text may cover only a few percent of a
/// page).
fn tone(g: &[u8]) -> (f32, f32) {
    if g.is_empty() {
        return (0.0, 0.0);
    }
    let mut hist = [0u64; 256];
    let mut sum = 0u64;
    for &v in g {
        hist[v as usize] += 1;
        sum += v as u64;
    }
    let n = g.len() as u64;
    let pct = |p: f64| {
        let want = (n as f64 * p) as u64;
        let mut acc = 0;
        for (v, &c) in hist.iter().enumerate() {
            acc += c;
            if acc > want {
                return v as f32;
            }
        }
        255.0
    };
    (sum as f32 / n as f32, pct(0.99) - pct(0.01))
}
