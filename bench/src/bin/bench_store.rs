//! Store benchmark: import N synthetic pegawai with riwayat through Berkas (validation,
//! SQLCipher, FTS, audit, completeness) beside a baseline measured in the same run: plain
//! rusqlite inserts of the same rows into an unencrypted database with the same tables. Then
//! search latency over the imported profile. Prints figures and ratios; asserts nothing.
//!
//! `cargo run --release -p berkas-bench --bin bench-store -- [N ...]` (default 100000): each size
//! in turn, in one run, so search latency at 10k, 100k and 1M is compared on the same machine
//! state (`-- 10000 100000 1000000`).

use berkas_bench::peak_rss_mb;
use berkas_core::model::Entity;
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use serde_json::Value;
use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

fn json_to_sql(v: Option<&Value>) -> rusqlite::types::Value {
    match v {
        None | Some(Value::Null) => rusqlite::types::Value::Null,
        Some(Value::Bool(b)) => rusqlite::types::Value::Integer(i64::from(*b)),
        Some(Value::Number(n)) => {
            n.as_i64().map(rusqlite::types::Value::Integer).unwrap_or(rusqlite::types::Value::Null)
        }
        Some(Value::String(s)) => rusqlite::types::Value::Text(s.clone()),
        Some(_) => rusqlite::types::Value::Null,
    }
}

/// Plain rusqlite: same tables, same rows (UUIDv7 ids as Berkas gives them); no key, no
/// validation, no FTS, no audit, one transaction.
fn baseline(path: &std::path::Path, input: &std::path::Path) -> (Duration, usize) {
    let start = Instant::now();
    let mut conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").expect("pragmas");
    // Every table Berkas has (the inserts below name each entity's), without its full-text
    // triggers: the baseline indexes nothing.
    for step in berkas_core::store::schema::MIGRATIONS {
        conn.execute_batch(step).expect("schema");
    }
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS pegawai_fts_ai; DROP TRIGGER IF EXISTS pegawai_fts_ad; DROP TRIGGER IF EXISTS pegawai_fts_au;",
    )
    .expect("no full-text triggers");
    let tx = conn.transaction().expect("tx");
    let mut rows = 0;
    {
        let mut stmts = std::collections::BTreeMap::new();
        for e in Entity::ALL {
            let d = e.def();
            let mut cols = vec!["id"];
            if e != Entity::DataUtama {
                cols.extend(["pegawai_id", "siasn_id"]);
            }
            cols.extend(d.fields.iter().map(|f| f.name));
            cols.extend(["changed_at", "changed_by"]);
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            let sql = format!("INSERT INTO {} ({}) VALUES ({})", d.table, cols.join(","), marks.join(","));
            stmts.insert(e, tx.prepare(&sql).expect("prepare"));
        }
        let file = std::io::BufReader::new(std::fs::File::open(input).expect("input"));
        for (i, line) in file.lines().enumerate() {
            let doc: Value = serde_json::from_str(&line.expect("line")).expect("json");
            // The same ids Berkas gives rows (UUIDv7 text): the same rows, not shorter keys.
            let _ = i;
            let id = uuid::Uuid::now_v7().to_string();
            let du = &doc["dataUtama"];
            let mut vals = vec![rusqlite::types::Value::Text(id.clone())];
            vals.extend(Entity::DataUtama.def().fields.iter().map(|f| json_to_sql(du.get(f.siasn))));
            vals.extend([rusqlite::types::Value::Text("t".into()), rusqlite::types::Value::Text("bench".into())]);
            stmts.get_mut(&Entity::DataUtama).expect("stmt").execute(rusqlite::params_from_iter(vals)).expect("insert");
            rows += 1;
            for (key, list) in doc["riwayat"].as_object().expect("riwayat") {
                let e = Entity::from_siasn_key(key).expect("group");
                for (j, r) in list.as_array().expect("rows").iter().enumerate() {
                    let mut vals = vec![
                        rusqlite::types::Value::Text({
                            let _ = (key, j);
                            uuid::Uuid::now_v7().to_string()
                        }),
                        rusqlite::types::Value::Text(id.clone()),
                        json_to_sql(r.get("id")),
                    ];
                    vals.extend(e.def().fields.iter().map(|f| json_to_sql(r.get(f.siasn))));
                    vals.extend([
                        rusqlite::types::Value::Text("t".into()),
                        rusqlite::types::Value::Text("bench".into()),
                    ]);
                    stmts.get_mut(&e).expect("stmt").execute(rusqlite::params_from_iter(vals)).expect("insert");
                    rows += 1;
                }
            }
        }
    }
    tx.commit().expect("commit");
    (start.elapsed(), rows)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let mut sizes: Vec<u64> = std::env::args().skip(1).filter_map(|s| s.parse().ok()).collect();
    if sizes.is_empty() {
        sizes.push(100_000);
    }
    let mut summary = Vec::new();
    for n in sizes {
        summary.push((n, run(n)));
    }
    if summary.len() > 1 {
        println!("search p95 by size (ratio to the exact NIP lookup on the plain database, same size):");
        for (n, (p50, p95, ratio)) in &summary {
            println!("  {n:>9} pegawai: p50 {p50:.3} ms  p95 {p95:.3} ms  ratio {ratio:.1}x");
        }
    }
}

/// One size: generate, import both ways, search. Returns search p50 and p95 (ms) and the p95
/// ratio to the plain lookup. The size's files are removed before the next size starts.
fn run(n: u64) -> (f64, f64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("pegawai.jsonl");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(2026);
    let mut docs_sample = Vec::new();
    {
        let mut w = BufWriter::new(std::fs::File::create(&input).expect("create"));
        for i in 0..n {
            let d = pegawai_document(&mut rng, i, ["UNIT-A", "UNIT-B", "UNIT-C", "UNIT-D"][(i % 4) as usize], today);
            if i % (n / 1000).max(1) == 0 {
                docs_sample.push(d.clone());
            }
            serde_json::to_writer(&mut w, &d).expect("write");
            w.write_all(b"\n").expect("write");
        }
    }
    let input_mb = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("bench-store: {n} pegawai, input {input_mb:.1} MB JSON Lines");

    let (base_t, rows) = baseline(&dir.path().join("plain.db"), &input);
    println!(
        "baseline  plain rusqlite, unencrypted: {:>8.2} s  {:>9.0} rows/s  ({rows} rows)",
        base_t.as_secs_f64(),
        rows as f64 / base_t.as_secs_f64()
    );

    let b = Berkas::init(&dir.path().join("profile"), SecretStoreKind::File, "bench").expect("init");
    let start = Instant::now();
    let report = b.import_siasn(std::fs::File::open(&input).expect("input"), &mut |_| {}).expect("import");
    let berkas_t = start.elapsed();
    assert_eq!(report.created as u64, n, "refused: {:?}", report.refused.first());
    println!(
        "berkas    import (SQLCipher, validation, FTS, audit, completeness): {:>8.2} s  {:>9.0} rows/s",
        berkas_t.as_secs_f64(),
        rows as f64 / berkas_t.as_secs_f64()
    );
    println!("ratio     import berkas / baseline = {:.2}x (goal <= 2x)", berkas_t.as_secs_f64() / base_t.as_secs_f64());

    // Queries people type: a name and part of a family name (3 to 7 letters), a whole name, a
    // NIP prefix, a whole NIK.
    let mut queries = Vec::new();
    for (i, d) in docs_sample.iter().enumerate() {
        let du = &d["dataUtama"];
        let nama = du["nama"].as_str().unwrap_or("");
        let q = match i % 4 {
            0 => {
                let parts: Vec<&str> = nama.split(' ').collect();
                let family = parts[parts.len() - 1];
                format!("{} {}", parts[0], &family[..family.len().min(3 + i % 5)])
            }
            1 => du["nipBaru"].as_str().unwrap_or("")[..10].to_string(),
            2 => du["nik"].as_str().unwrap_or("").to_string(),
            _ => nama.to_string(),
        };
        queries.push(q);
    }
    let mut lat = Vec::with_capacity(queries.len());
    let mut by_kind: [Vec<Duration>; 4] = Default::default();
    let mut hits = 0;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let found = b.search(q, 20).expect("search");
        lat.push(t.elapsed());
        by_kind[i % 4].push(t.elapsed());
        hits += usize::from(!found.is_empty());
    }
    lat.sort();
    let plain = rusqlite::Connection::open(dir.path().join("plain.db")).expect("open");
    let mut base_lat = Vec::new();
    for d in &docs_sample {
        let t = Instant::now();
        let _: Option<String> = plain
            .query_row("SELECT nama FROM pegawai WHERE nip_baru = ?1", [d["dataUtama"]["nipBaru"].as_str()], |r| {
                r.get(0)
            })
            .ok();
        base_lat.push(t.elapsed());
    }
    base_lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "search    {} queries ({} with hits): p50 {:.3} ms  p95 {:.3} ms  max {:.3} ms (goal p95 < 5 ms)",
        lat.len(),
        hits,
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.95)),
        ms(*lat.last().unwrap_or(&Duration::ZERO))
    );
    let kinds = ["name + family prefix", "NIP prefix", "NIK", "whole name"];
    let each: Vec<String> = kinds
        .iter()
        .zip(by_kind.iter_mut())
        .map(|(k, l)| {
            l.sort();
            format!("{k} {:.3}", ms(percentile(l, 0.95)))
        })
        .collect();
    println!("search    p95 by kind (ms): {}", each.join(", "));
    let ratio = percentile(&lat, 0.95).as_secs_f64() / percentile(&base_lat, 0.95).as_secs_f64().max(1e-9);
    println!(
        "baseline  exact NIP lookup on the plain database: p50 {:.3} ms  p95 {:.3} ms; ratio p95 {ratio:.1}x",
        ms(percentile(&base_lat, 0.5)),
        ms(percentile(&base_lat, 0.95)),
    );
    println!("memory    peak RSS {:.0} MB", peak_rss_mb());
    (ms(percentile(&lat, 0.5)), ms(percentile(&lat, 0.95)), ratio)
}
