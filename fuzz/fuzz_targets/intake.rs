//! Document intake over arbitrary bytes: every input is either a document or a refusal with
//! a code; never a panic, a hang or an allocation past the limits. The first byte picks
//! whether a crop quad (from the next 32 bytes) and a second page are used, so the
//! perspective and multi-page paths are driven too.
#![no_main]

use berkas_core::docs::{prepare, CaptureOptions, CropQuad, PageInput, Point};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut o = CaptureOptions::default();
    // Small limits keep each run fast; the limit logic is what is under test.
    o.limits.max_pixels = 4_000_000;
    o.limits.max_dimension = 4096;
    o.limits.max_pages = 4;
    o.normalise.max_long_edge = 800;
    o.readability.analysis_edge = 400;
    let Some((&mode, rest)) = data.split_first() else { return };
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
    if let Err(e) = prepare(&pages, &o) {
        assert!(!e.code().is_empty());
    }
});
