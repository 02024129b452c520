//! Rekon mandiri benchmark: preview and apply a rekon file of N rows (one per synthetic
//! pegawai: a third with a new go.id address, a third with a new phone, a tenth broken) on an
//! encrypted profile, beside a baseline measured in the same run: the same CSV streamed and
//! the same three columns read for each row's NIP by plain rusqlite from an unencrypted
//! database holding the same rows. Peak RSS of the preview is measured at N/10 and N rows
//! (the peak is reset between them), to show whether memory grows with the file.
//!
//! `cargo run --release -p berkas-bench --bin bench-rekon -- [N] [--no-apply]` (default 100000)

use berkas_bench::peak_rss_mb;
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// A child process of this benchmark: opens the profile and, given a file, previews it;
/// prints its own peak RSS, the preview's time and batch. A process of its own, so the peak
/// is the preview's and not the setup's.
fn child(args: &[String]) {
    let b = Berkas::open(Path::new(&args[0])).expect("open profile");
    let mut out = format!("count={}", b.count_pegawai().expect("count"));
    if let (Some(csv), Some(day)) = (args.get(1), args.get(2)) {
        let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
        let t = Instant::now();
        let p = b.rekon_preview(Path::new(csv), day).expect("preview");
        let c = &p.counts;
        out.push_str(&format!(
            " ms={:.1} batch={} rows={} same={} new={} changed={} stale={} duplicate={} invalid={}",
            t.elapsed().as_secs_f64() * 1000.0,
            p.batch,
            p.rows,
            c.same,
            c.new_value,
            c.changed,
            c.stale,
            c.duplicate,
            c.invalid
        ));
    }
    println!("{out} rss={:.1}", peak_rss_mb());
}

/// Runs a child; its `key=value` words.
fn run_child(args: &[&str]) -> std::collections::HashMap<String, String> {
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe).arg("--child").args(args).output().expect("child");
    assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

struct Row {
    nip: String,
    email_gov: Option<String>,
    email: Option<String>,
    no_hp: Option<String>,
}

fn write_csv(path: &Path, rows: &[Row], n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("csv"));
    writeln!(f, "NIP;Nama;Email go.id;Email pribadi;Nomor HP").expect("header");
    for (i, r) in rows.iter().take(n).enumerate() {
        let gov = match i % 10 {
            0 => "bukan-go-id@gmail.com".to_string(),
            1 | 4 | 7 => format!("asn.{i}@bkd.bench.go.id"),
            _ => r.email_gov.clone().unwrap_or_default(),
        };
        let phone = if i % 3 == 2 { format!("0813{:08}", i) } else { r.no_hp.clone().unwrap_or_default() };
        writeln!(f, "{};;{gov};{};{phone}", r.nip, r.email.clone().unwrap_or_default()).expect("row");
    }
}

/// The baseline: stream the same CSV and read the same columns by NIP, plain rusqlite.
fn baseline(db: &Path, csv: &Path) -> (Duration, usize) {
    let start = Instant::now();
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut st = conn.prepare("SELECT email_gov, email, no_hp FROM pegawai WHERE nip_baru = ?1").expect("prepare");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(csv).expect("csv");
    let mut found = 0;
    let mut rec = csv::ByteRecord::new();
    while reader.read_byte_record(&mut rec).expect("record") {
        let nip = std::str::from_utf8(&rec[0]).expect("utf-8");
        let hit: Option<(Option<String>, Option<String>, Option<String>)> =
            st.query_row([nip], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).ok();
        found += usize::from(hit.is_some());
    }
    (start.elapsed(), found)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    let mut rng = Rng::new(17);
    let docs: Vec<serde_json::Value> =
        (0..n).map(|i| pegawai_document(&mut rng, i as u64, ["UNIT-A", "UNIT-B", "UNIT-C"][i % 3], today)).collect();
    let rows: Vec<Row> = docs
        .iter()
        .map(|d| {
            let du = &d["dataUtama"];
            let s = |k: &str| du[k].as_str().map(str::to_string);
            Row { nip: s("nipBaru").unwrap_or_default(), email_gov: s("emailGov"), email: s("email"), no_hp: s("noHp") }
        })
        .collect();

    let b = Berkas::init(&dir.path().join("profile"), SecretStoreKind::File, "admin.bkd").expect("init");
    let input = dir.path().join("pegawai.json");
    std::fs::write(&input, serde_json::to_vec(&docs).expect("json")).expect("write");
    drop(docs);
    let t = Instant::now();
    b.import_siasn(std::fs::File::open(&input).expect("input"), &mut |_| {}).expect("import");
    println!("profile: {n} pegawai imported in {:.1} s", t.elapsed().as_secs_f64());

    // The baseline's database: the same NIPs and contact columns, unencrypted.
    let plain = dir.path().join("plain.db");
    {
        let mut conn = rusqlite::Connection::open(&plain).expect("plain");
        conn.execute_batch(
            "CREATE TABLE pegawai (nip_baru TEXT NOT NULL UNIQUE, email_gov TEXT, email TEXT, no_hp TEXT);",
        )
        .expect("table");
        let tx = conn.transaction().expect("tx");
        {
            let mut ins = tx.prepare("INSERT INTO pegawai VALUES (?1, ?2, ?3, ?4)").expect("insert");
            for r in &rows {
                ins.execute(rusqlite::params![r.nip, r.email_gov, r.email, r.no_hp]).expect("row");
            }
        }
        tx.commit().expect("commit");
    }

    let small = (n / 10).max(1);
    let csv_small = dir.path().join("rekon-small.csv");
    let csv = dir.path().join("rekon.csv");
    write_csv(&csv_small, &rows, small);
    write_csv(&csv, &rows, n);
    drop(rows);
    // After the file's data: the import's stamps are older than the file.
    let file_date = chrono::Utc::now().date_naive() + chrono::Duration::days(1);

    let profile = dir.path().join("profile").display().to_string();
    let day = file_date.to_string();
    let opened = run_child(&[&profile]);
    let small_run = run_child(&[&profile, &csv_small.display().to_string(), &day]);
    assert_eq!(small_run["rows"].parse::<usize>().ok(), Some(small));
    let (base, found) = baseline(&plain, &csv);
    assert_eq!(found, n, "the baseline found every NIP");
    let full = run_child(&[&profile, &csv.display().to_string(), &day]);
    let ms: f64 = full["ms"].parse().expect("ms");
    let f = |k: &str| full[k].clone();
    println!(
        "preview of {n} rows: same {}, new {}, changed {}, stale {}, duplicate {}, invalid {}",
        f("same"),
        f("new"),
        f("changed"),
        f("stale"),
        f("duplicate"),
        f("invalid")
    );
    println!(
        "baseline (stream the CSV, read the three columns by NIP, plain rusqlite): {:.0} ms",
        base.as_secs_f64() * 1000.0
    );
    println!(
        "preview (parse, judge, stamps of changed fields, duplicates, write the batch; SQLCipher): {ms:.0} ms  ratio {:.2}x the baseline",
        ms / (base.as_secs_f64() * 1000.0).max(1e-9)
    );
    let rss = |m: &std::collections::HashMap<String, String>| m["rss"].parse::<f64>().unwrap_or(0.0);
    println!(
        "peak RSS of a process: {:.1} MB opening the profile, {:.1} MB previewing {small} rows, {:.1} MB previewing {n} rows",
        rss(&opened),
        rss(&small_run),
        rss(&full)
    );
    let p_batch = full["batch"].clone();

    if std::env::args().any(|a| a == "--no-apply") {
        return;
    }
    let t = Instant::now();
    let done = b.rekon_apply(&p_batch, &berkas_core::rekon::RekonSelection::default()).expect("apply");
    let apply = t.elapsed();
    println!(
        "apply: {} records changed ({} fields, {} go.id validated) in {:.0} ms ({:.0} records/s; outbox, audit, completeness)",
        done.records,
        done.fields,
        done.validated,
        apply.as_secs_f64() * 1000.0,
        done.records as f64 / apply.as_secs_f64().max(1e-9)
    );
    println!("peak RSS of the run: {:.0} MB", peak_rss_mb());
}
