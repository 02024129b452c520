//! Document benchmark: a 12 MP phone photo (JPEG with EXIF orientation, a typeset page on a
//! desk) normalised end to end by Berkas (decode, orient, fit to 2000 px, readability check,
//! size-targeted JPEG, thumbnail), beside libvips' `vipsthumbnail` doing the same resize of the
//! same file in the same run. Each side runs in its own process under GNU time for wall time
//! and peak RSS; medians of several rounds, alternating. Prints figures and ratios; asserts
//! nothing.
//!
//! `cargo run --release -p berkas-bench --bin bench-doc -- [ROUNDS]` (default 7). Needs
//! `vipsthumbnail` (Debian libvips-tools) and `/usr/bin/time` (Debian time).

use berkas_core::docs::{self, CaptureOptions};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Wall seconds (measured here; GNU time's are centiseconds) and peak RSS (MB, from GNU time)
/// of a command.
fn timed(cmd: &[&str]) -> (f64, f64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "BENCH %e %M"])
        .args(cmd)
        .output()
        .unwrap_or_else(|e| panic!("/usr/bin/time: {e} (apt-get install time)"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed: {err}");
    let line = err.lines().rev().find(|l| l.starts_with("BENCH ")).expect("GNU time output");
    let mut parts = line.split_whitespace().skip(1);
    let secs = start.elapsed().as_secs_f64();
    let _centiseconds = parts.next();
    let kb: f64 = parts.next().and_then(|s| s.parse().ok()).expect("max rss");
    (secs, kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// The Berkas side: one `prepare_one` in a fresh process, with its own timer.
fn child(input: &Path, output: &Path) {
    let bytes = std::fs::read(input).expect("read input");
    let start = Instant::now();
    let p = docs::prepare_one(&bytes, &CaptureOptions::default()).expect("normalise");
    let secs = start.elapsed().as_secs_f64();
    std::fs::write(output, &p.bytes).expect("write output");
    println!(
        "{{\"secs\": {secs}, \"size\": {}, \"width\": {}, \"height\": {}, \"verdict\": \"{:?}\"}}",
        p.size, p.width, p.height, p.readability.verdict
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return child(Path::new(&args[2]), Path::new(&args[3]));
    }
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let dir = tempfile::tempdir().expect("tempdir");
    let (stored, _) = berkas_tests::pages::phone_photo(11);
    let decoded_mb = (stored.width() * stored.height() * 3) as f64 / (1 << 20) as f64;
    let jpeg = berkas_tests::pages::jpeg(&stored, 92, Some(&berkas_tests::pages::exif(6)));
    // The same photo as PNG: no shrink-on-load is possible, the whole image is decoded.
    let png = berkas_tests::pages::png(&stored);
    let (w, h) = (stored.width(), stored.height());
    drop(stored);
    for (name, bytes, file) in
        [("JPEG q92, EXIF orientation 6", jpeg, "foto.jpg"), ("PNG (no orientation)", png, "foto.png")]
    {
        let input = dir.path().join(file);
        std::fs::write(&input, &bytes).expect("write input");
        println!(
            "\ninput: {w}x{h} {name}, {:.2} MB; decoded RGB {decoded_mb:.1} MB",
            bytes.len() as f64 / (1 << 20) as f64
        );
        run_case(&input, dir.path(), decoded_mb, rounds);
    }
}

fn run_case(input: &Path, dir: &Path, decoded_mb: f64, rounds: usize) {
    let me = std::env::current_exe().expect("exe");
    let me = me.to_str().expect("utf-8 path");
    let ours_out = dir.join("berkas.jpg");
    let vips_out = dir.join("vips.jpg");
    let (inp, oo) = (input.to_str().expect("p"), ours_out.to_str().expect("p"));
    // Same job: fit into 2000x2000, auto-rotate (vipsthumbnail's default), JPEG at Berkas'
    // first quality.
    let q = CaptureOptions::default().normalise.quality;
    let vips_target = format!("{}[Q={q},strip]", vips_out.display());
    let vips_cmd = ["vipsthumbnail", inp, "--size", "2000x2000", "-o", vips_target.as_str()];
    let ours_cmd = [me, "--child", inp, oo];
    timed(&vips_cmd); // warm the page cache and the libraries
    timed(&ours_cmd);
    let (mut vt, mut vm, mut bt, mut bm) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let (t, m) = timed(&vips_cmd);
        vt.push(t);
        vm.push(m);
        let (t, m) = timed(&ours_cmd);
        bt.push(t);
        bm.push(m);
    }
    let summary = Command::new(me).args(["--child", inp, oo]).output().expect("child");
    let vips_size = std::fs::metadata(&vips_out).map(|m| m.len()).unwrap_or(0);
    let (vt, vm, bt, bm) = (median(vt), median(vm), median(bt), median(bm));
    println!("rounds: {rounds} (medians, each run a fresh process: wall time and peak RSS)");
    println!("vipsthumbnail  {:>7.4} s  {:>6.1} MB peak  {:>7} bytes out", vt, vm, vips_size);
    println!("berkas         {:>7.4} s  {:>6.1} MB peak  {}", bt, bm, String::from_utf8_lossy(&summary.stdout).trim());
    println!("time ratio berkas/vips: {:.2}x (goal <= 1.5x)", bt / vt);
    println!("peak memory / decoded image: berkas {:.2}x, vips {:.2}x (goal < 3x)", bm / decoded_mb, vm / decoded_mb);
}
