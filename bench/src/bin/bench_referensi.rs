//! What the SIASN reference tables add to a sync: a fresh device's first sync from a hub that
//! serves the tables, beside the same first sync from a hub that serves none, measured in the
//! same run (wire bytes through a counting relay, seconds); then a later sync with every table
//! unchanged, beside the same later sync without tables (the goal: under 1 KB more). Prints
//! the figures and ratios; asserts nothing.
//!
//! ```sh
//! cargo run --release -p berkas-bench --bin bench-referensi -- [N] [--referensi DIR]
//! ```

use berkas_bench::{records, start_hub, CountingRelay, BENCH_PASSWORD};
use berkas_core::refdata::{parse_table, read_json_file, table_name_of};
use berkas_core::secrets::{MemorySecretStore, SecretStoreKind};
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;
use berkas_server::store::{SqliteStorage, Storage};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A hub holding `n` pegawai records, and the reference tables of `referensi` if given.
async fn hub(dir: &Path, n: usize, referensi: Option<&Path>) -> (String, CountingRelay) {
    std::fs::create_dir_all(dir).expect("hub dir");
    let store: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.join("hub.db")).expect("hub store"));
    if let Some(refs) = referensi {
        let mut tables = Vec::new();
        for e in std::fs::read_dir(refs).expect("referensi dir").flatten() {
            let Some(name) = table_name_of(&e.path()) else { continue };
            tables.push(parse_table(&name, &read_json_file(&e.path()).expect("read")).expect("parse"));
        }
        berkas_server::referensi::publish(store.as_ref(), &tables).await.expect("publish");
    }
    let (url, token) = start_hub(store, dir).await;
    let http = reqwest::Client::new();
    for batch in records(n).chunks(1000) {
        let r = http
            .post(format!("{url}/v1/sync/push"))
            .bearer_auth(&token)
            .header("x-berkas-protocol", "1")
            .json(&serde_json::json!({ "changes": batch }))
            .send()
            .await
            .expect("push");
        assert!(r.status().is_success(), "seeding the hub: {}", r.status());
    }
    let relay = CountingRelay::start(&url).await;
    (url, relay)
}

struct Sync {
    first_s: f64,
    first_bytes: u64,
    later_bytes: u64,
    tables: usize,
}

/// A fresh device signs in, syncs once (timed, counted), then syncs again with nothing new.
async fn device_syncs(dir: &Path, relay: &CountingRelay) -> Sync {
    let b = Berkas::init_with(dir, SecretStoreKind::File, Arc::new(MemorySecretStore::default()), "bench")
        .expect("profile");
    b.login(&relay.url, "admin", BENCH_PASSWORD, None).await.expect("login");
    let opts = SyncOptions::default();
    let b0 = relay.bytes();
    let t = Instant::now();
    let first = b.sync(&opts).await.expect("first sync");
    let first_s = t.elapsed().as_secs_f64();
    let first_bytes = relay.bytes() - b0;
    let b1 = relay.bytes();
    b.sync(&opts).await.expect("later sync");
    Sync { first_s, first_bytes, later_bytes: relay.bytes() - b1, tables: first.referensi.len() }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().filter(|a| !a.starts_with("--")).find_map(|a| a.parse().ok()).unwrap_or(1_000);
    let refs: PathBuf = args
        .iter()
        .position(|a| a == "--referensi")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/siasn-referensi"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_, with_relay) = hub(&tmp.path().join("hub-with"), n, Some(&refs)).await;
    let (_, without_relay) = hub(&tmp.path().join("hub-without"), n, None).await;
    println!("bench-referensi: {n} pegawai; {} reference tables from {}", count_tables(&refs), refs.display());

    let (mut with, mut without) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternated, so that a noisy moment of the machine does not favour one side.
        without.push(device_syncs(&tmp.path().join(format!("without-{round}")), &without_relay).await);
        with.push(device_syncs(&tmp.path().join(format!("with-{round}")), &with_relay).await);
    }
    let m = |v: &[Sync], f: fn(&Sync) -> f64| median(v.iter().map(f).collect());
    let (ws, wos) = (m(&with, |s| s.first_s), m(&without, |s| s.first_s));
    let (wb, wob) = (m(&with, |s| s.first_bytes as f64), m(&without, |s| s.first_bytes as f64));
    let (wl, wol) = (m(&with, |s| s.later_bytes as f64), m(&without, |s| s.later_bytes as f64));
    println!("tables pulled in a first sync: {}", with[0].tables);
    println!(
        "first sync: {ws:.2} s with the tables, {wos:.2} s without: +{:.2} s ({:.2}x)",
        ws - wos,
        ws / wos.max(1e-9)
    );
    println!(
        "first sync on the wire: {:.2} MB with, {:.2} MB without: +{:.2} MB ({:.2}x)",
        wb / 1e6,
        wob / 1e6,
        (wb - wob) / 1e6,
        wb / wob.max(1.0)
    );
    println!(
        "later sync, tables unchanged: {wl:.0} bytes with, {wol:.0} bytes without: +{:.0} bytes (goal: under 1 KB)",
        wl - wol
    );
}

fn count_tables(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.flatten().filter(|e| table_name_of(&e.path()).is_some()).count()).unwrap_or(0)
}
