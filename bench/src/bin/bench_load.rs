//! Load on the hub: simulated phones doing an ASN's daily mix against one `berkas-server`
//! process and against two over one PostgreSQL, beside a plain PostgreSQL baseline of the same
//! queries in the same run.
//!
//! `BERKAS_BENCH_POSTGRES=postgres://... cargo run --release -p berkas-bench --bin bench-load --
//! [PEGAWAI] [DEVICES] [SECONDS]` (defaults 1,000,000, 500, 30). The instansi holds PEGAWAI
//! records: DEVICES of them ASN with accounts (the demo's, seeded through the SIASN import),
//! the rest their data utama cloned in SQL from one of those (a record's own index row, row
//! and logged change) and spread over 500 OPDs. Each device logs in, syncs to the head, then
//! until the time is up does at random: a pull (50%), a push of two edits of its record (30%),
//! a presence check-in (15%), an upload of a 100 KB document (5%). Device i goes to hub
//! i mod N. The baseline runs the same number of clients over 16 connections for the same
//! time: the scoped SELECT of a pull, an INSERT of a change-sized row for a push or a
//! check-in, an INSERT of the 100 KB bytes for an upload, with no HTTP, checks or merge.
//! Loopback only; bounded in time; prints p50/p99 per operation, throughput, hub RSS, and
//! the ratio of each hub setup's throughput to the baseline's and of two hubs' to one's.

use berkas_bench::fresh_postgres_database;
use berkas_core::sync::HlcClock;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-load-sandi";
const OPS: [&str; 4] = ["pull", "push", "check-in", "upload"];

/// A `berkas-server demo` process on PostgreSQL; killed when dropped.
struct Hub {
    child: Child,
    url: String,
}

impl Hub {
    fn start(db: &str, data: &std::path::Path, per_unit: usize) -> Hub {
        let exe = std::env::current_exe().expect("exe");
        let server = exe.parent().expect("target dir").join("berkas-server");
        let mut child = Command::new(&server)
            .args(["demo", "--listen", "127.0.0.1:0", "--password", PASSWORD, "--per-unit"])
            .arg(per_unit.to_string())
            .arg("--data")
            .arg(data)
            .args(["--database", db, "--access-ttl", "86400"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", server.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let url = loop {
            let line = lines.next().expect("berkas-server ended before listening").expect("read");
            if let Some(addr) = line.strip_prefix("berkas-server listening on ") {
                break addr.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Hub { child, url }
    }

    /// Resident and peak resident memory, MB.
    fn rss(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Latencies per operation, and failures.
#[derive(Default)]
struct Tally {
    ms: BTreeMap<&'static str, Vec<f64>>,
    failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        for (k, v) in other.ms {
            self.ms.entry(k).or_default().extend(v);
        }
        self.failed += other.failed;
    }

    fn total(&self) -> usize {
        self.ms.values().map(Vec::len).sum()
    }

    fn pct(&self, op: Option<&str>, p: f64) -> f64 {
        let mut all: Vec<f64> = match op {
            Some(op) => self.ms.get(op).cloned().unwrap_or_default(),
            None => self.ms.values().flatten().copied().collect(),
        };
        if all.is_empty() {
            return 0.0;
        }
        all.sort_by(f64::total_cmp);
        all[((all.len() as f64 * p) as usize).min(all.len() - 1)]
    }
}

/// A small deterministic generator (xorshift), one per device.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Device {
    http: reqwest::Client,
    url: String,
    token: String,
    pegawai: String,
    cursor: i64,
    clock: HlcClock,
    rng: Rng,
}

impl Device {
    async fn login(url: &str, nip: &str, seed: u64) -> Option<Device> {
        let http = reqwest::Client::new();
        let answer = |r: reqwest::RequestBuilder| async move { r.send().await.ok()?.json::<Value>().await.ok() };
        let login =
            answer(http.post(format!("{url}/v1/auth/login")).json(&json!({ "username": nip, "password": PASSWORD })))
                .await?;
        let token = login["access_token"].as_str()?.to_string();
        let rec =
            answer(http.get(format!("{url}/v1/pegawai/{nip}")).bearer_auth(&token).header("x-berkas-protocol", "1"))
                .await?;
        let pegawai = rec["id"].as_str()?.to_string();
        Some(Device {
            http,
            url: url.to_string(),
            token,
            pegawai,
            cursor: 0,
            clock: HlcClock::default(),
            rng: Rng(seed.max(1)),
        })
    }

    async fn pull(&mut self) -> Result<bool, String> {
        let r = self
            .http
            .get(format!("{}/v1/sync/pull?cursor={}&limit=500", self.url, self.cursor))
            .bearer_auth(&self.token)
            .header("x-berkas-protocol", "1")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("pull {}", r.status()));
        }
        let page: Value = r.json().await.map_err(|e| e.to_string())?;
        self.cursor = page["next_cursor"].as_i64().unwrap_or(self.cursor);
        Ok(page["has_more"] == Value::Bool(true))
    }

    async fn push(&mut self, changes: Vec<Value>) -> Result<(), String> {
        let r = self
            .http
            .post(format!("{}/v1/sync/push", self.url))
            .bearer_auth(&self.token)
            .header("x-berkas-protocol", "1")
            .json(&json!({ "changes": changes }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status();
        let body: Value = r.json().await.map_err(|e| e.to_string())?;
        let refused = body["outcomes"].as_array().is_none_or(|o| o.iter().any(|o| o["status"] == "refused"));
        if !status.is_success() || refused {
            return Err(format!("push {status}: {body}"));
        }
        Ok(())
    }

    fn change(&mut self, entity: &str, row: String, fields: Value) -> Value {
        json!({
            "id": uuid::Uuid::now_v7().to_string(), "entity": entity, "row": row, "pegawai": self.pegawai,
            "fields": fields, "hlc": self.clock.tick(HlcClock::now_ms()), "device": format!("load-{}", self.pegawai),
        })
    }

    async fn edit(&mut self) -> Result<(), String> {
        let pegawai = self.pegawai.clone();
        let (phone, mail) = (self.rng.below(100_000_000), self.rng.below(1_000_000));
        let a = self.change("data_utama", pegawai.clone(), json!({ "no_hp": format!("0812{phone:08}") }));
        let b = self.change("data_utama", pegawai, json!({ "email": format!("asn{mail}@example.org") }));
        self.push(vec![a, b]).await
    }

    async fn check_in(&mut self) -> Result<(), String> {
        let now = chrono::Utc::now();
        let fields = json!({
            "jenis": "HADIR", "lintang": -6_120_100 + self.rng.below(500) as i64, "bujur": 106_150_300,
            "akurasi_m": 12, "provider": "fused", "lokasi_palsu": false,
            "waktu_perangkat": now.to_rfc3339(),
        });
        let c = self.change("presensi", uuid::Uuid::now_v7().to_string(), fields);
        self.push(vec![c]).await
    }

    async fn upload(&mut self) -> Result<(), String> {
        use sha2::{Digest, Sha256};
        let mut bytes = vec![0u8; 100 * 1024];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.rng.below(u64::MAX).to_le_bytes()[..chunk.len()]);
        }
        let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let r = self
            .http
            .put(format!("{}/v1/blobs/{sha}?offset=0&total={}", self.url, bytes.len()))
            .bearer_auth(&self.token)
            .header("x-berkas-protocol", "1")
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("upload {}", r.status()))
        }
    }

    /// The daily mix until `until`.
    async fn run(mut self, until: Instant) -> Tally {
        let mut tally = Tally::default();
        while Instant::now() < until {
            let pick = self.rng.below(100);
            let started = Instant::now();
            let (op, result) = match pick {
                0..50 => ("pull", self.pull().await.map(|_| ())),
                50..80 => ("push", self.edit().await),
                80..95 => ("check-in", self.check_in().await),
                _ => ("upload", self.upload().await),
            };
            match result {
                Ok(()) => tally.ms.entry(op).or_default().push(started.elapsed().as_secs_f64() * 1000.0),
                Err(e) => {
                    if tally.failed < 3 {
                        eprintln!("  {op} failed: {e}");
                    }
                    tally.failed += 1;
                }
            }
        }
        tally
    }
}

/// Clones the data utama of `template` into `n` more records over 500 OPDs, in SQL.
async fn clone_records(db: &tokio_postgres::Client, template: &str, n: i64) {
    let sql = r#"
    WITH t AS (SELECT id, nip, unit FROM pegawai WHERE id = $1),
         g AS (SELECT g, 'bulk-' || g AS id, '9' || lpad(g::text, 17, '0') AS nip, 'OPD-' || (g % 500) AS unit
               FROM generate_series(1, $2::bigint) g)
    INSERT INTO pegawai (id, nip, nama, unit) SELECT g.id, g.nip, 'Pegawai ' || g.g, g.unit FROM g;
    "#;
    db.execute(sql, &[&template, &n]).await.expect("clone pegawai");
    let sql = r#"
    WITH t AS (SELECT id, nip, unit FROM pegawai WHERE id = $1),
         g AS (SELECT g, 'bulk-' || g AS id, '9' || lpad(g::text, 17, '0') AS nip, 'OPD-' || (g % 500) AS unit
               FROM generate_series(1, $2::bigint) g)
    INSERT INTO rows (entity, row_id, pegawai_id, state, seq)
    SELECT 'data_utama', g.id, g.id,
           replace(replace(replace(r.state, t.id, g.id), t.nip, g.nip), '"' || t.unit || '"', '"' || g.unit || '"'), 0
    FROM g, t, rows r WHERE r.entity = 'data_utama' AND r.row_id = t.id;
    "#;
    db.execute(sql, &[&template, &n]).await.expect("clone rows");
    let sql = r#"
    WITH t AS (SELECT id, nip, unit FROM pegawai WHERE id = $1),
         c AS (SELECT * FROM changes WHERE pegawai_id = $1 AND entity = 'data_utama' ORDER BY seq LIMIT 1),
         g AS (SELECT g, 'bulk-' || g AS id, '9' || lpad(g::text, 17, '0') AS nip, 'OPD-' || (g % 500) AS unit
               FROM generate_series(1, $2::bigint) g)
    INSERT INTO changes (id, entity, row_id, pegawai_id, body, author, received_at, status, outcome)
    SELECT c.id || '-' || g.g, c.entity, g.id, g.id,
           replace(replace(replace(replace(c.body, c.id, c.id || '-' || g.g), t.id, g.id), t.nip, g.nip),
                   '"' || t.unit || '"', '"' || g.unit || '"'),
           c.author, c.received_at, c.status, replace(c.outcome, c.id, c.id || '-' || g.g)
    FROM g, t, c ORDER BY g.g;
    "#;
    db.execute(sql, &[&template, &n]).await.expect("clone changes");
    db.batch_execute("ANALYZE").await.expect("analyze");
}

async fn run_hubs(urls: &[String], nips: &[String], seconds: u64) -> (Tally, f64) {
    let mut devices = Vec::new();
    for (i, nip) in nips.iter().enumerate() {
        let url = &urls[i % urls.len()];
        let mut d = Device::login(url, nip, 0x9e37_79b9 + i as u64).await.expect("device login");
        // The first sync: to the head (its own record's changes).
        while d.pull().await.expect("first sync") {}
        devices.push(d);
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = devices.into_iter().map(|d| tokio::spawn(d.run(until))).collect();
    let mut tally = Tally::default();
    for t in tasks {
        tally.add(t.await.expect("device"));
    }
    (tally, started.elapsed().as_secs_f64())
}

async fn run_plain(url: &str, ids: &[String], seconds: u64) -> (Tally, f64) {
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(conn);
        clients.push(Arc::new(c));
    }
    clients[0]
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS plain_changes (id TEXT PRIMARY KEY, pegawai_id TEXT, body TEXT);
             CREATE TABLE IF NOT EXISTS plain_blobs (sha TEXT PRIMARY KEY, bytes BYTEA);",
        )
        .await
        .expect("plain tables");
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (db, id) = (clients[i % clients.len()].clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x5151 + i as u64);
            let mut tally = Tally::default();
            let ids = vec![id.clone()];
            while Instant::now() < until {
                let t = Instant::now();
                let pick = rng.below(100);
                let body = json!({ "id": uuid::Uuid::now_v7().to_string(), "pegawai": id, "fields": { "no_hp": "+6281234567890" } }).to_string();
                let (op, ok) = match pick {
                    0..50 => (
                        "pull",
                        db.query(
                            "SELECT c.seq, c.body, p.unit, c.entity, c.pegawai_id FROM changes c
                             LEFT JOIN pegawai p ON p.id = c.pegawai_id
                             WHERE c.pegawai_id = ANY($1) AND c.seq > 0 AND c.status <> 'refused'
                             ORDER BY c.seq LIMIT 500",
                            &[&ids],
                        )
                        .await
                        .is_ok(),
                    ),
                    50..95 => {
                        let op = if pick < 80 { "push" } else { "check-in" };
                        let key = uuid::Uuid::now_v7().to_string();
                        let sql = "INSERT INTO plain_changes (id, pegawai_id, body) VALUES ($1, $2, $3)";
                        (op, db.execute(sql, &[&key, &id, &body]).await.is_ok())
                    }
                    _ => {
                        let bytes = vec![(i % 251) as u8; 100 * 1024];
                        let key = uuid::Uuid::now_v7().to_string();
                        let sql = "INSERT INTO plain_blobs (sha, bytes) VALUES ($1, $2)";
                        ("upload", db.execute(sql, &[&key, &bytes]).await.is_ok())
                    }
                };
                if ok {
                    tally.ms.entry(op).or_default().push(t.elapsed().as_secs_f64() * 1000.0);
                } else {
                    tally.failed += 1;
                }
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for t in tasks {
        tally.add(t.await.expect("plain"));
    }
    (tally, started.elapsed().as_secs_f64())
}

fn line(name: &str, tally: &Tally, secs: f64, rss: &str) -> f64 {
    let rate = tally.total() as f64 / secs;
    let per_op: Vec<String> =
        OPS.iter().map(|op| format!("{:.0}/{:.0}", tally.pct(Some(op), 0.5), tally.pct(Some(op), 0.99))).collect();
    println!(
        "{name:<10} {:>8} {:>9.0} {:>15} {:>30} {:>6}  {rss}",
        tally.total(),
        rate,
        format!("{:.0}/{:.0}", tally.pct(None, 0.5), tally.pct(None, 0.99)),
        per_op.join(" "),
        tally.failed,
    );
    rate
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pegawai: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let devices: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(500).max(2);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(30);
    let Ok(admin) = std::env::var("BERKAS_BENCH_POSTGRES") else {
        eprintln!("bench-load needs BERKAS_BENCH_POSTGRES (an admin URL of a PostgreSQL server)");
        std::process::exit(2);
    };
    let db_url = fresh_postgres_database(&admin).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let per_unit = devices.div_ceil(2);
    println!("bench-load: {pegawai} pegawai, {devices} devices, {seconds} s per setup, PostgreSQL");

    // The demo's ASN with accounts (through the SIASN import), then the rest cloned in SQL.
    let t = Instant::now();
    let a = Hub::start(&db_url, &tmp.path().join("a"), per_unit);
    let (db, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let asn: Vec<(String, String)> = db
        .query("SELECT u.username, u.pegawai_id FROM users u WHERE u.pegawai_id IS NOT NULL ORDER BY u.username", &[])
        .await
        .expect("accounts")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .take(devices)
        .collect();
    let bulk = pegawai.saturating_sub(asn.len()) as i64;
    if bulk > 0 {
        clone_records(&db, &asn[0].1, bulk).await;
    }
    let held: i64 = db.query_one("SELECT count(*) FROM pegawai", &[]).await.expect("count").get(0);
    let log: i64 = db.query_one("SELECT count(*) FROM changes", &[]).await.expect("count").get(0);
    println!("seeded {held} pegawai, {log} logged changes in {:.1} s", t.elapsed().as_secs_f64());
    let nips: Vec<String> = asn.iter().map(|(n, _)| n.clone()).collect();
    let ids: Vec<String> = asn.iter().map(|(_, i)| i.clone()).collect();

    println!(
        "{:<10} {:>8} {:>9} {:>15} {:>30} {:>6}  hub RSS MB (now/peak)",
        "setup", "ops", "ops/s", "p50/p99 ms", "pull push check-in upload p50/p99 ms", "failed"
    );
    let (plain, secs) = run_plain(&db_url, &ids, seconds).await;
    let base = line("plain SQL", &plain, secs, "-");
    let (one, secs) = run_hubs(std::slice::from_ref(&a.url), &nips, seconds).await;
    let (rss, peak) = a.rss();
    let one_rate = line("1 hub", &one, secs, &format!("{rss:.0}/{peak:.0}"));
    let b = Hub::start(&db_url, &tmp.path().join("b"), per_unit);
    let (two, secs) = run_hubs(&[a.url.clone(), b.url.clone()], &nips, seconds).await;
    let ((ra, pa), (rb, pb)) = (a.rss(), b.rss());
    let two_rate = line("2 hubs", &two, secs, &format!("{ra:.0}/{pa:.0} + {rb:.0}/{pb:.0}"));
    println!(
        "ratio: plain SQL / 1 hub {:.2}x, plain SQL / 2 hubs {:.2}x; 2 hubs / 1 hub throughput {:.2}x",
        base / one_rate.max(f64::MIN_POSITIVE),
        base / two_rate.max(f64::MIN_POSITIVE),
        two_rate / one_rate.max(f64::MIN_POSITIVE)
    );
}
