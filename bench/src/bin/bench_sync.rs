//! Device sync benchmark. A device (a real encrypted profile and the real client) against an
//! in-process hub on loopback, every byte counted by a relay between them:
//! - push of N ~1 KB records written on the device; initial pull of them into an empty device
//!   (a child process, so that its peak RSS is the device's alone); incremental sync after 1%
//!   changed. Beside the raw limit measured in the same run: a plain rusqlite insert of the same
//!   rows plus one HTTP transfer of the same JSON on loopback.
//! - history: 100 records edited 300 times each offline, then synced: the cost per write and
//!   the bytes pushed must not grow with the number of past edits.
//! - documents: upload and download of 100 x 0.2 MB, 20 x 1 MB and 10 x 5 MB files.
//! - with `--pouchdb DIR` (the baseline, `npm install`ed), PouchDB's figures from the same run.
//!
//! `cargo run --release -p berkas-bench --bin bench-sync -- [N] [--pouchdb DIR] [--no-docs]`

use berkas_bench::{peak_rss_mb, records, start_hub, CountingRelay, BENCH_PASSWORD};
use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;
use berkas_server::store::SqliteStorage;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn new_device(dir: &Path) -> Berkas {
    Berkas::init(dir, SecretStoreKind::File, "bench").expect("device profile")
}

/// Runs `bench-sync child-sync DIR` and returns its report (with its own peak RSS, MB) and
/// the wall time.
fn child_sync(profile: &Path) -> (serde_json::Value, Duration, f64) {
    let exe = std::env::current_exe().expect("exe");
    let t = Instant::now();
    // BERKAS_BENCH_WRAP="perf record -g -o /tmp/device.perf --" profiles the device alone.
    let wrap = std::env::var("BERKAS_BENCH_WRAP").unwrap_or_default();
    let mut cmd: Vec<String> = wrap.split_whitespace().map(str::to_string).collect();
    cmd.push(exe.to_string_lossy().to_string());
    let out =
        std::process::Command::new(&cmd[0]).args(&cmd[1..]).arg("child-sync").arg(profile).output().expect("run child");
    let elapsed = t.elapsed();
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child sync failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("child report");
    let rss = report["peak_rss_mb"].as_f64().unwrap_or(f64::NAN);
    (report, elapsed, rss)
}

async fn child_main(profile: &Path) {
    let t = Instant::now();
    let b = Berkas::open(profile).expect("open");
    let opened = t.elapsed();
    let r = b.sync(&SyncOptions::default()).await.expect("sync");
    let mut v = serde_json::to_value(&r).expect("json");
    v["open_s"] = json!(secs(opened));
    v["sync_s"] = json!(secs(t.elapsed() - opened));
    v["peak_rss_mb"] = json!(peak_rss_mb());
    println!("{v}");
}

/// The same rows into one table in one transaction; `keyed` encrypts the file as a profile's
/// is (SQLCipher with a raw 256-bit key), to show what encryption alone costs.
fn raw_insert(dir: &Path, rows: &[FieldMap], keyed: bool) -> Duration {
    let name = if keyed { "raw-keyed.db" } else { "raw.db" };
    let conn = rusqlite::Connection::open(dir.join(name)).expect("raw db");
    if keyed {
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "42".repeat(32))).expect("key");
    }
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").expect("pragmas");
    let cols: Vec<&String> = rows[0].keys().collect();
    let names = cols.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
    conn.execute_batch(&format!("CREATE TABLE pegawai (id TEXT PRIMARY KEY, {names})")).expect("table");
    let marks = (1..=cols.len() + 1).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let t = Instant::now();
    let mut conn = conn;
    let tx = conn.transaction().expect("tx");
    {
        let mut st = tx.prepare(&format!("INSERT INTO pegawai (id, {names}) VALUES ({marks})")).expect("prepare");
        for (i, r) in rows.iter().enumerate() {
            let mut vals: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(cols.len() + 1);
            let id = uuid::Uuid::now_v7().to_string();
            vals.push(&id);
            for c in &cols {
                vals.push(r.get(*c).unwrap_or(&Value::Null));
            }
            st.execute(&vals[..]).unwrap_or_else(|e| panic!("row {i}: {e}"));
        }
    }
    tx.commit().expect("commit");
    t.elapsed()
}

/// One GET of `body` over loopback through a bare axum handler.
async fn raw_transfer(body: Vec<u8>) -> Duration {
    let body = Arc::new(body);
    let app = axum::Router::new().route(
        "/all",
        axum::routing::get(move || {
            let b = body.clone();
            async move { (*b).clone() }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/all", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, app).await });
    let http = reqwest::Client::new();
    let _ = http.get(&url).send().await.expect("warm").bytes().await;
    let t = Instant::now();
    let got = http.get(&url).send().await.expect("get").bytes().await.expect("body");
    let e = t.elapsed();
    assert!(!got.is_empty());
    e
}

fn pouchdb(dir: &Path, n: usize) -> Option<serde_json::Value> {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(args[0]).args(&args[1..]).current_dir(dir).output().ok()?;
        if !out.status.success() {
            eprintln!("pouchdb baseline: {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        Some(String::from_utf8_lossy(&out.stdout).to_string())
    };
    if !dir.join(format!("data/records_{n}.jsonl")).exists() {
        run(&["python3", "gen_records.py", &n.to_string()])?;
    }
    let records = run(&["node", "bench_pouchdb.js", &n.to_string(), "100"])?;
    let mut v: serde_json::Value = serde_json::from_str(records.lines().last()?).ok()?;
    let att = run(&["node", "bench_pouchdb_attachments.js", "20", "1"])?;
    v["attachments"] = serde_json::from_str(att.lines().last()?).ok()?;
    Some(v)
}

fn files(dir: &Path, count: usize, size: usize, tag: u32) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let mut x: u32 = tag.wrapping_mul(7919).wrapping_add(i as u32 + 1);
            let mut bytes = Vec::with_capacity(size + 4);
            while bytes.len() < size {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                bytes.extend_from_slice(&x.to_le_bytes());
            }
            bytes.truncate(size);
            let p = dir.join(format!("doc-{tag}-{i}.pdf"));
            std::fs::write(&p, bytes).expect("write file");
            p
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child-sync") {
        return child_main(Path::new(&args[2])).await;
    }
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let pouch_dir = args.iter().position(|a| a == "--pouchdb").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let docs = !args.iter().any(|a| a == "--no-docs");
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(SqliteStorage::open(&tmp.path().join("hub.db")).expect("hub store"));
    let (hub, token) = start_hub(store, tmp.path()).await;
    let relay = CountingRelay::start(&hub).await;

    let changes = records(n);
    let rows: Vec<FieldMap> =
        changes.iter().map(|c| serde_json::from_value(c["fields"].clone()).expect("fields")).collect();
    let json_bytes: usize = rows.iter().map(|r| serde_json::to_vec(r).map(|v| v.len()).unwrap_or(0)).sum();
    println!("bench-sync: {n} pegawai records, ~{} bytes of JSON each", json_bytes / n.max(1));

    // Device A writes every record, then pushes.
    let a = new_device(&tmp.path().join("device-a"));
    a.login(&relay.url, "admin", BENCH_PASSWORD, None).await.expect("login a");
    let t = Instant::now();
    let nips: Vec<String> = rows.iter().map(|r| a.add_pegawai(r).expect("add").nip).collect();
    let local_write = t.elapsed();
    let b0 = relay.bytes();
    let t = Instant::now();
    let pushed = a.sync(&SyncOptions::default()).await.expect("push");
    let push = t.elapsed();
    let push_wire = relay.bytes() - b0;
    assert_eq!(pushed.applied as usize, n, "{pushed:?}");

    // Device B (a child process) pulls everything into an empty profile.
    let b_dir = tmp.path().join("device-b");
    let b = new_device(&b_dir);
    b.login(&relay.url, "admin", BENCH_PASSWORD, None).await.expect("login b");
    drop(b);
    let b0 = relay.bytes();
    let (pull_report, pull, pull_rss) = child_sync(&b_dir);
    let pull_wire = relay.bytes() - b0;
    assert_eq!(pull_report["pulled"].as_u64(), Some(n as u64));
    eprintln!("child: open {} s, sync {} s", pull_report["open_s"], pull_report["sync_s"]);

    // How much of the pull is the hub's: the same pages fetched and dropped.
    let hub_pull = {
        let http = reqwest::Client::new();
        let t = Instant::now();
        let mut cursor = 0;
        loop {
            let page: serde_json::Value = http
                .get(format!("{hub}/v1/sync/pull?cursor={cursor}&limit=1000"))
                .bearer_auth(&token)
                .header("x-berkas-protocol", "1")
                .send()
                .await
                .expect("pull")
                .json()
                .await
                .expect("page");
            cursor = page["next_cursor"].as_i64().unwrap_or(cursor);
            if page["has_more"] != json!(true) {
                break;
            }
        }
        t.elapsed()
    };

    // The raw limit: the same rows into plain SQLite, the same JSON over one HTTP request.
    let raw_db = raw_insert(tmp.path(), &rows, false);
    let raw_keyed = raw_insert(tmp.path(), &rows, true);
    let all_json = serde_json::to_vec(&changes).expect("json");
    let raw_http = raw_transfer(all_json.clone()).await;
    let raw = raw_db + raw_http;

    // 1% changed on A: three official fields of every hundredth record.
    let changed: Vec<&String> = nips.iter().step_by(100).collect();
    let mut changed_bytes = 0;
    for (k, nip) in changed.iter().enumerate() {
        let set: FieldMap = [
            ("jabatan_nama".to_string(), Value::Text(format!("Analis Kebijakan Ahli Muda {k}"))),
            ("nomor_sk_pns".to_string(), Value::Text(format!("800/{k}/BKD/2026"))),
            ("gelar_belakang".to_string(), Value::Text("M.Si.".into())),
        ]
        .into_iter()
        .collect();
        changed_bytes += serde_json::to_vec(&set).map(|v| v.len()).unwrap_or(0);
        a.edit_pegawai(nip, &set).expect("edit");
    }
    let b0 = relay.bytes();
    let t = Instant::now();
    a.sync(&SyncOptions::default()).await.expect("incremental push");
    let incr_push = t.elapsed();
    let incr_push_wire = relay.bytes() - b0;
    let b0 = relay.bytes();
    let (incr_report, incr_pull, _) = child_sync(&b_dir);
    let incr_pull_wire = relay.bytes() - b0;
    assert!(incr_report["changed"].as_u64() >= Some(changed.len() as u64), "{incr_report}");

    let pull_ratio = secs(pull) / secs(raw);
    println!("\n{:<34} {:>9} {:>10} {:>10} {:>9}", "step", "seconds", "records/s", "wire MB", "RSS MB");
    let line = |name: &str, d: Duration, recs: usize, wire: u64, rss: Option<f64>| {
        println!(
            "{:<34} {:>9.2} {:>10.0} {:>10.2} {:>9}",
            name,
            secs(d),
            recs as f64 / secs(d).max(1e-9),
            mb(wire),
            rss.map(|r| format!("{r:.0}")).unwrap_or_default()
        )
    };
    line("device writes (local)", local_write, n, 0, None);
    line("push", push, n, push_wire, None);
    line("initial pull (empty device)", pull, n, pull_wire, Some(pull_rss));
    line("  of which the hub's pages", hub_pull, n, 0, None);
    line("raw limit: rusqlite insert", raw_db, n, 0, None);
    line("raw limit: one HTTP transfer", raw_http, n, all_json.len() as u64, None);
    line("  (for scale: the insert encrypted)", raw_keyed, n, 0, None);
    line("incremental push (1%)", incr_push, changed.len(), incr_push_wire, None);
    line("incremental pull (1%)", incr_pull, changed.len(), incr_pull_wire, None);
    println!(
        "initial pull / raw limit = {pull_ratio:.2}x (goal 3x); incremental push wire {} bytes for {} bytes of changed fields ({:.2}x)",
        incr_push_wire,
        changed_bytes,
        incr_push_wire as f64 / changed_bytes.max(1) as f64
    );

    // History: 100 records, 300 offline edits each, then one sync.
    let hist: Vec<&String> = nips.iter().take(100).collect();
    let edit_round = |round: usize| {
        let t = Instant::now();
        for nip in &hist {
            let set: FieldMap = [("jabatan_nama".to_string(), Value::Text(format!("Jabatan putaran {round:03}")))]
                .into_iter()
                .collect();
            a.edit_pegawai(nip, &set).expect("edit");
        }
        t.elapsed() / hist.len() as u32
    };
    let first_write = edit_round(0);
    let b0 = relay.bytes();
    a.sync(&SyncOptions::default()).await.expect("sync one edit");
    let one_edit_wire = relay.bytes() - b0;
    let mut early = Duration::ZERO;
    let mut late = Duration::ZERO;
    for round in 1..=300 {
        let per = edit_round(round);
        if round <= 10 {
            early += per / 10;
        } else if round > 290 {
            late += per / 10;
        }
    }
    let b0 = relay.bytes();
    a.sync(&SyncOptions::default()).await.expect("sync 300 edits");
    let many_edits_wire = relay.bytes() - b0;
    println!(
        "history: per write {:.3} ms (edit 1-10) -> {:.3} ms (edit 291-300), first {:.3} ms; pushed {} bytes after 1 edit per record, {} bytes after 300 ({:.2}x)",
        early.as_secs_f64() * 1e3,
        late.as_secs_f64() * 1e3,
        first_write.as_secs_f64() * 1e3,
        one_edit_wire,
        many_edits_wire,
        many_edits_wire as f64 / one_edit_wire.max(1) as f64
    );

    let mut doc_results = Vec::new();
    if docs {
        let opened_b = Berkas::open(&b_dir).expect("open b");
        let dir = tmp.path().join("files");
        std::fs::create_dir_all(&dir).expect("files dir");
        println!("\n{:<16} {:>10} {:>10} {:>10} {:>12}", "documents", "up MB/s", "down MB/s", "file MB", "wire/files");
        for (tag, (count, size)) in [(100usize, 200_000usize), (20, 1_000_000), (10, 5_000_000)].into_iter().enumerate()
        {
            let paths = files(&dir, count, size, tag as u32);
            let total = (count * size) as u64;
            let b0 = relay.bytes();
            let t = Instant::now();
            let mut shas = Vec::new();
            for p in &paths {
                shas.push(a.upload_blob(p, &SyncOptions::default()).await.expect("upload").sha256);
            }
            let up = t.elapsed();
            let up_wire = relay.bytes() - b0;
            let b0 = relay.bytes();
            let t = Instant::now();
            for s in &shas {
                opened_b.fetch_blob(s, &SyncOptions::default()).await.expect("download");
            }
            let down = t.elapsed();
            let down_wire = relay.bytes() - b0;
            println!(
                "{:<16} {:>10.0} {:>10.0} {:>10.1} {:>6.3}/{:.3}",
                format!("{count} x {:.1} MB", size as f64 / 1e6),
                mb(total) / secs(up),
                mb(total) / secs(down),
                mb(total),
                up_wire as f64 / total as f64,
                down_wire as f64 / total as f64
            );
            doc_results.push(json!({"files": count, "size": size, "up_mb_s": mb(total) / secs(up),
                "down_mb_s": mb(total) / secs(down), "up_wire_ratio": up_wire as f64 / total as f64,
                "down_wire_ratio": down_wire as f64 / total as f64}));
        }
    }

    let mut summary = json!({
        "n": n, "local_write_s": secs(local_write), "push_s": secs(push), "push_wire": push_wire,
        "pull_s": secs(pull), "pull_wire": pull_wire, "pull_peak_rss_mb": pull_rss,
        "raw_insert_s": secs(raw_db), "raw_insert_keyed_s": secs(raw_keyed), "raw_http_s": secs(raw_http), "pull_vs_raw": pull_ratio,
        "incr_push_s": secs(incr_push), "incr_push_wire": incr_push_wire, "incr_pull_s": secs(incr_pull),
        "incr_pull_wire": incr_pull_wire, "changed_field_bytes": changed_bytes,
        "history_write_ms_early": early.as_secs_f64() * 1e3, "history_write_ms_late": late.as_secs_f64() * 1e3,
        "history_wire_one": one_edit_wire, "history_wire_300": many_edits_wire, "documents": doc_results,
    });
    if let Some(dir) = pouch_dir {
        match pouchdb(&dir, n) {
            Some(p) => {
                let ratio = |k: &str, ours: f64| p[k].as_f64().map(|v| v / ours).unwrap_or(f64::NAN);
                println!(
                    "\nPouchDB (same run): push {:.2} s, pull {:.2} s, incremental push {:.2} s; Berkas is {:.1}x faster at push, {:.1}x at pull (goal 10x)",
                    p["push_s"].as_f64().unwrap_or(f64::NAN),
                    p["pull_s"].as_f64().unwrap_or(f64::NAN),
                    p["incr_push_s"].as_f64().unwrap_or(f64::NAN),
                    ratio("push_s", secs(push)),
                    ratio("pull_s", secs(pull)),
                );
                // PouchDB times its replicate() call alone, in a running process with the
                // database open; the figure above is the device's whole process.
                let sync_call = pull_report["sync_s"].as_f64().unwrap_or(f64::NAN);
                println!(
                    "pull, the sync call alone ({sync_call:.2} s, as PouchDB's replicate() is timed): {:.1}x faster",
                    ratio("pull_s", sync_call)
                );
                summary["pull_sync_call_s"] = json!(sync_call);
                println!("PouchDB attachments: {}", p["attachments"]);
                summary["pouchdb"] = p;
            }
            None => println!("\nPouchDB baseline could not run (see above)"),
        }
    }
    println!("\n{summary}");
}
