//! Opening a profile of N records (default 10,000) through the bindings, beside core's
//! `Berkas::open` in the same run: each round opens the profile, counts the pegawai and reads
//! one whole record. The bindings side is Python over the same cdylib and wrappers the Kotlin
//! app uses (no JVM or Android device here); it also pays the foreign key-store callback.
//! Prints medians and the ratio; asserts nothing.
//!
//! ```sh
//! cargo build --release -p berkas-ffi --features bindgen
//! target/release/uniffi-bindgen generate --library target/release/libberkas_ffi.so --language python --out-dir /tmp/py
//! cp target/release/libberkas_ffi.so /tmp/py/
//! cargo run --release -p berkas-bench --bin bench-open -- --py /tmp/py [N]
//! ```

use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

const ROUNDS: usize = 9;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let py = args.iter().position(|a| a == "--py").and_then(|i| args.get(i + 1)).cloned();
    let n: u64 = args.iter().filter(|a| !a.starts_with("--")).filter_map(|a| a.parse().ok()).next().unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("pegawai.jsonl");
    let today = berkas_core::model::today();
    let mut rng = Rng::new(7);
    let mut nip = String::new();
    {
        let mut w = BufWriter::new(std::fs::File::create(&input).expect("create"));
        for i in 0..n {
            let d = pegawai_document(&mut rng, i, ["UNIT-A", "UNIT-B"][(i % 2) as usize], today);
            if i == n / 2 {
                nip = d["dataUtama"]["nipBaru"].as_str().unwrap_or_default().to_string();
            }
            serde_json::to_writer(&mut w, &d).expect("write");
            w.write_all(b"\n").expect("write");
        }
    }
    let profile = dir.path().join("profile");
    {
        let b = Berkas::init(&profile, SecretStoreKind::File, "bench").expect("init");
        b.import_siasn(std::fs::File::open(&input).expect("input"), &mut |_| {}).expect("import");
    }
    let size = std::fs::metadata(profile.join("berkas.db")).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "bench-open: profile of {n} pegawai with riwayat, {size:.1} MB; {ROUNDS} rounds of open + count + one record"
    );

    let mut core = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let b = Berkas::open(&profile).expect("open");
        let count = b.count_pegawai().expect("count");
        let rec = b.pegawai(&nip).expect("record");
        core.push(t.elapsed().as_secs_f64());
        assert_eq!((count, rec.data_utama.values.is_empty()), (n, false));
    }
    let core = median(core);
    println!("core Berkas::open      {:>8.2} ms", core * 1e3);

    let Some(py) = py else {
        println!("bindings: skipped (give --py DIR with berkas_ffi.py and libberkas_ffi.so; see the header)");
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/open_bindings.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&profile)
        .arg(&nip)
        .arg(ROUNDS.to_string())
        .env("PYTHONPATH", &py)
        .output()
        .expect("python3");
    assert!(out.status.success(), "bindings run failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json from the script");
    let secs: Vec<f64> = v["secs"].as_array().expect("secs").iter().filter_map(|s| s.as_f64()).collect();
    assert_eq!(v["count"].as_u64(), Some(n));
    let ffi = median(secs);
    println!("bindings (Python)      {:>8.2} ms", ffi * 1e3);
    println!("ratio bindings/core: {:.2}x", ffi / core);
}
