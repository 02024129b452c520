//! Hub benchmark: push and pull throughput with 1, 10 and 50 concurrent clients, p50/p99 push
//! latency, on SQLite (and PostgreSQL when `BERKAS_BENCH_POSTGRES` names an admin URL), beside
//! a naive reference measured in the same run: rusqlite behind a bare HTTP handler that stores
//! and returns the same JSON batches, with no accounts, checks, merge or log.
//!
//! `cargo run --release -p berkas-bench --bin bench-hub -- [RECORDS] [CLIENTS,...]`

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use berkas_bench::{records, start_hub};
use berkas_server::store::{PostgresStorage, SqliteStorage, Storage};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BATCH: usize = 500;

// --- the naive reference: a table, an INSERT per record, SELECT for the pull ---------------
type Naive = Arc<Mutex<rusqlite::Connection>>;

async fn naive_push(State(db): State<Naive>, Json(body): Json<Value>) -> Json<Value> {
    let changes = body["changes"].as_array().cloned().unwrap_or_default();
    let n = tokio::task::spawn_blocking(move || {
        let mut c = db.lock().unwrap_or_else(|p| p.into_inner());
        let tx = c.transaction().expect("tx");
        for ch in &changes {
            tx.execute(
                "INSERT INTO rec (id, body) VALUES (?1, ?2)",
                rusqlite::params![ch["id"].as_str(), ch.to_string()],
            )
            .expect("insert");
        }
        tx.commit().expect("commit");
        changes.len()
    })
    .await
    .expect("join");
    Json(json!({ "stored": n }))
}

async fn naive_pull(State(db): State<Naive>) -> Json<Value> {
    let rows = tokio::task::spawn_blocking(move || {
        let c = db.lock().unwrap_or_else(|p| p.into_inner());
        let mut st = c.prepare("SELECT body FROM rec ORDER BY seq").expect("prepare");
        st.query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .filter_map(|r| r.ok())
            .filter_map(|s| serde_json::from_str::<Value>(&s).ok())
            .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    Json(json!({ "changes": rows }))
}

async fn start_naive(dir: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(dir.join("naive.db")).expect("open");
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE rec (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, body TEXT);").expect("schema");
    let app = Router::new()
        .route("/push", post(naive_push))
        .route("/pull", get(naive_pull))
        .with_state(Arc::new(Mutex::new(c)));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, app).await });
    base
}

struct Run {
    total: Duration,
    latencies: Vec<Duration>,
    bytes: usize,
}

/// Pushes `recs` in batches from `clients` concurrent clients.
async fn push_all(url: &str, token: Option<&str>, recs: &[Value], clients: usize) -> Run {
    let batches: Vec<Vec<Value>> = recs.chunks(BATCH).map(|c| c.to_vec()).collect();
    let queue = Arc::new(Mutex::new(batches));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (queue, url, token) = (queue.clone(), url.to_string(), token.map(str::to_string));
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut lat = Vec::new();
            let mut bytes = 0;
            loop {
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let Some(batch) = next else { break };
                let body = serde_json::to_vec(&json!({ "changes": batch })).expect("json");
                bytes += body.len();
                let mut rq = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-berkas-protocol", "1")
                    .body(body);
                if let Some(t) = &token {
                    rq = rq.bearer_auth(t);
                }
                let t0 = Instant::now();
                let r = rq.send().await.expect("push");
                assert!(r.status().is_success(), "push failed: {}", r.status());
                let answer: Value = r.json().await.expect("json");
                if let Some(outcomes) = answer["outcomes"].as_array() {
                    assert!(
                        outcomes.iter().all(|o| o["status"] == "applied"),
                        "a change was not applied: {}",
                        outcomes[0]
                    );
                }
                lat.push(t0.elapsed());
            }
            (lat, bytes)
        }));
    }
    let mut latencies = Vec::new();
    let mut bytes = 0;
    for t in tasks {
        let (l, b) = t.await.expect("client");
        latencies.extend(l);
        bytes += b;
    }
    latencies.sort();
    Run { total: start.elapsed(), latencies, bytes }
}

/// Pulls everything, page by page (the hub) or in one answer (the reference).
async fn pull_all(base: &str, token: Option<&str>) -> (Duration, usize, usize) {
    let http = reqwest::Client::new();
    let start = Instant::now();
    let (mut n, mut bytes) = (0, 0);
    match token {
        None => {
            let b = http.get(format!("{base}/pull")).send().await.expect("pull").bytes().await.expect("bytes");
            bytes += b.len();
            n += serde_json::from_slice::<Value>(&b).expect("json")["changes"].as_array().map(Vec::len).unwrap_or(0);
        }
        Some(t) => {
            let mut cursor = 0;
            loop {
                let b = http
                    .get(format!("{base}/v1/sync/pull?cursor={cursor}&limit=5000"))
                    .bearer_auth(t)
                    .header("x-berkas-protocol", "1")
                    .send()
                    .await
                    .expect("pull")
                    .bytes()
                    .await
                    .expect("bytes");
                bytes += b.len();
                let page: Value = serde_json::from_slice(&b).expect("json");
                n += page["changes"].as_array().map(Vec::len).unwrap_or(0);
                cursor = page["next_cursor"].as_i64().unwrap_or(cursor);
                if !page["has_more"].as_bool().unwrap_or(false) {
                    break;
                }
            }
        }
    }
    (start.elapsed(), n, bytes)
}

fn pct(v: &[Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let clients: Vec<usize> =
        args.get(2).map(|s| s.split(',').filter_map(|c| c.parse().ok()).collect()).unwrap_or(vec![1, 10, 50]);
    let recs = records(n);
    let rec_bytes = recs.iter().map(|r| r.to_string().len()).sum::<usize>() / n.max(1);
    println!("bench-hub: {n} records of ~{rec_bytes} bytes, batches of {BATCH}, clients {clients:?}");
    println!(
        "{:<10} {:>7} {:>10} {:>10} {:>11} {:>11} {:>10} {:>10}",
        "server", "clients", "push s", "rec/s", "p50 ms", "p99 ms", "pull s", "ratio"
    );
    let mut backends: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    if let Ok(url) = std::env::var("BERKAS_BENCH_POSTGRES") {
        backends.push(("postgres", Some(url)));
    }
    for &c in &clients {
        let dir = tempfile::tempdir().expect("tempdir");
        let naive = start_naive(dir.path()).await;
        let base_push = push_all(&format!("{naive}/push"), None, &recs, c).await;
        let (base_pull, pulled, _) = pull_all(&naive, None).await;
        assert_eq!(pulled, n);
        println!(
            "{:<10} {:>7} {:>10.2} {:>10.0} {:>11.1} {:>11.1} {:>10.2} {:>10}",
            "reference",
            c,
            base_push.total.as_secs_f64(),
            n as f64 / base_push.total.as_secs_f64(),
            pct(&base_push.latencies, 0.5),
            pct(&base_push.latencies, 0.99),
            base_pull.as_secs_f64(),
            "1.00x"
        );
        for (name, pg) in &backends {
            let store: Arc<dyn Storage> = match pg {
                None => Arc::new(SqliteStorage::open(&dir.path().join("hub.db")).expect("sqlite")),
                Some(admin) => {
                    let url = berkas_bench::fresh_postgres_database(admin).await;
                    Arc::new(PostgresStorage::connect(&url).await.expect("postgres storage"))
                }
            };
            let (base, token) = start_hub(store, dir.path()).await;
            let run = push_all(&format!("{base}/v1/sync/push"), Some(&token), &recs, c).await;
            let (pull_t, pulled, pull_bytes) = pull_all(&base, Some(&token)).await;
            assert_eq!(pulled, n, "the hub returned every record once");
            println!(
                "{:<10} {:>7} {:>10.2} {:>10.0} {:>11.1} {:>11.1} {:>10.2} {:>4.1}x/{:.1}x",
                name,
                c,
                run.total.as_secs_f64(),
                n as f64 / run.total.as_secs_f64(),
                pct(&run.latencies, 0.5),
                pct(&run.latencies, 0.99),
                pull_t.as_secs_f64(),
                run.total.as_secs_f64() / base_push.total.as_secs_f64(),
                pull_t.as_secs_f64() / base_pull.as_secs_f64()
            );
            let _ = (run.bytes, pull_bytes);
        }
    }
    println!("ratio = push time / reference push time, pull time / reference pull time (same run)");
}
