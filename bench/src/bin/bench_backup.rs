//! Backup benchmark: a hub of N synthetic pegawai (SIASN documents with riwayat, through the
//! hub's own import) and D documents of 1 MB, backed up with `berkas-server backup create`
//! (argon2id, XChaCha20-Poly1305, a consistent database copy, every document's hash checked),
//! checked with `verify` and restored with `restore`. Beside it, in the same run and on the same
//! data dir, what an administrator would otherwise do: `tar -cf` (nothing encrypted), and
//! `tar | openssl enc -chacha20 -pbkdf2` with its reverse (encrypted, nothing checked). Each
//! command runs in its own process under GNU time for wall time and peak RSS; medians of
//! several rounds, alternating. Prints figures and ratios; asserts nothing.
//!
//! `cargo build --release -p berkas-server -p berkas-bench` then
//! `target/release/bench-backup [PEGAWAI] [DOCUMENTS] [ROUNDS]` (default 10000 300 3). Needs
//! tar, openssl and `/usr/bin/time` (Debian time).

use berkas_core::synth::{pegawai_document, Rng};
use berkas_server::blobs::{BlobStore, FsBlobStore};
use berkas_server::store::SqliteStorage;
use berkas_server::{siasn_import, AppState};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

const PASSPHRASE: &str = "bench-backup-passphrase";

/// Wall seconds (measured here) and peak RSS in MB (GNU time's, the largest process of the
/// command) of `cmd`, with standard input from `stdin`.
fn timed(cmd: &[&str], stdin: &Path) -> (f64, f64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "BENCH %M"])
        .args(cmd)
        .stdin(Stdio::from(std::fs::File::open(stdin).expect("stdin file")))
        .output()
        .unwrap_or_else(|e| panic!("/usr/bin/time: {e} (apt-get install time)"));
    let secs = start.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed: {err}");
    let line = err.lines().rev().find(|l| l.starts_with("BENCH ")).expect("GNU time output");
    let kb: f64 = line[6..].trim().parse().expect("max rss");
    (secs, kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn size_of(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path).expect("read dir").map(|e| size_of(&e.expect("entry").path())).sum()
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

/// A hub's data dir with `pegawai` records and `documents` incompressible 1 MB documents.
fn build_hub(data: &Path, pegawai: usize, documents: usize) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        std::fs::create_dir_all(data).expect("data dir");
        let store = Arc::new(SqliteStorage::open(&data.join(berkas_server::DATABASE_FILE)).expect("store"));
        let blobs = Arc::new(FsBlobStore::new(&data.join(berkas_server::BLOBS_DIR)).expect("blobs"));
        let state = AppState::new(store, blobs.clone()).expect("state");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let mut rng = Rng::new(11);
        let docs = (0..pegawai)
            .map(|i| pegawai_document(&mut rng, i as u64, if i % 2 == 0 { "UNIT-A" } else { "UNIT-B" }, today))
            .collect();
        siasn_import::import_documents(&state, docs, "bench").await.expect("import");
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..documents {
            let bytes: Vec<u8> = (0..1 << 20)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let sha = hex_of(&Sha256::digest(&bytes));
            blobs.append(&sha, "bench", 0, bytes.len() as u64, bytes).await.expect("document");
        }
    });
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (pegawai, documents, rounds) = (
        args.first().copied().unwrap_or(10_000),
        args.get(1).copied().unwrap_or(300),
        args.get(2).copied().unwrap_or(3),
    );
    let server: PathBuf = std::env::current_exe().expect("exe").with_file_name("berkas-server");
    assert!(server.exists(), "{} is missing: cargo build --release -p berkas-server", server.display());
    let server = server.to_str().expect("utf-8 path").to_string();

    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("utf-8 path").to_string();
    let (data, pass) = (p("hub"), p("pass"));
    std::fs::write(&pass, format!("{PASSPHRASE}\n")).expect("passphrase file");
    let started = Instant::now();
    build_hub(Path::new(&data), pegawai, documents);
    // Encrypted at rest (database and documents), as every hub since that release is.
    let encrypted = Command::new(&server).args(["encrypt", "--data", &data]).output().expect("berkas-server encrypt");
    assert!(encrypted.status.success(), "{}", String::from_utf8_lossy(&encrypted.stderr));
    let db = size_of(&Path::new(&data).join(berkas_server::DATABASE_FILE));
    let total = size_of(Path::new(&data));
    println!(
        "hub: {pegawai} pegawai ({:.0} MB database), {documents} documents of 1 MB; {:.0} MB in all (built in {:.1} s)",
        db as f64 / 1e6,
        total as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let (bkp, tar, enc, restored) = (p("hub.bkp"), p("hub.tar"), p("hub.tar.enc"), p("restored"));
    let openssl_pass = format!("file:{pass}");
    let mut runs: std::collections::BTreeMap<&str, (Vec<f64>, Vec<f64>)> = Default::default();
    let mut record = |name: &'static str, (secs, rss): (f64, f64)| {
        let e = runs.entry(name).or_default();
        e.0.push(secs);
        e.1.push(rss);
    };
    for _ in 0..rounds {
        for f in [&bkp, &tar, &enc] {
            let _ = std::fs::remove_file(f);
        }
        record("berkas create", timed(&[&server, "backup", "create", "--data", &data, &bkp], Path::new(&pass)));
        record("tar", timed(&["tar", "-cf", &tar, "-C", &data, "."], Path::new(&pass)));
        let tar_enc =
            format!("tar -cf - -C '{data}' . | openssl enc -chacha20 -pbkdf2 -pass '{openssl_pass}' -out '{enc}'");
        record("tar | openssl", timed(&["sh", "-c", &tar_enc], Path::new(&pass)));
        record("berkas verify", timed(&[&server, "backup", "verify", &bkp], Path::new(&pass)));
        let _ = std::fs::remove_dir_all(&restored);
        record("berkas restore", timed(&[&server, "backup", "restore", "--data", &restored, &bkp], Path::new(&pass)));
        let _ = std::fs::remove_dir_all(&restored);
        std::fs::create_dir_all(&restored).expect("restore dir");
        let dec =
            format!("openssl enc -d -chacha20 -pbkdf2 -pass '{openssl_pass}' -in '{enc}' | tar -xf - -C '{restored}'");
        record("openssl | tar -x", timed(&["sh", "-c", &dec], Path::new(&pass)));
    }
    let m = |name: &str| {
        let (secs, rss) = &runs[name];
        (median(secs.clone()), median(rss.clone()))
    };
    let mb = total as f64 / 1e6;
    let line = |name: &str, base: Option<&str>| {
        let (secs, rss) = m(name);
        let ratio = base.map(|b| format!(", {:.2}x {b}", secs / m(b).0)).unwrap_or_default();
        println!("{name:>18}: {secs:.2} s ({:.0} MB/s), peak RSS {rss:.0} MB{ratio}", mb / secs);
    };
    println!("medians of {rounds} rounds:");
    line("tar", None);
    line("tar | openssl", None);
    line("berkas create", Some("tar | openssl"));
    println!("{:>18}  {:.2}x tar (unencrypted)", "", m("berkas create").0 / m("tar").0);
    line("berkas verify", None);
    line("openssl | tar -x", None);
    line("berkas restore", Some("openssl | tar -x"));
    println!(
        "sizes: backup {:.0} MB ({:.3}x the data), tar | openssl {:.0} MB",
        size_of(Path::new(&bkp)) as f64 / 1e6,
        size_of(Path::new(&bkp)) as f64 / total as f64,
        size_of(Path::new(&enc)) as f64 / 1e6
    );
}
