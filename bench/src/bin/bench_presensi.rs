//! Presence recap benchmark: the hub builds an OPD's recap for one report time (one unit of
//! 2,000 staff) and the BKD's recap across every unit, over STAFF staff x 3 check-ins x DAYS
//! working days, on SQLite (and PostgreSQL when `BERKAS_BENCH_POSTGRES` names an admin URL),
//! through the real HTTP API. Beside each, measured in the same run on the same backend: a
//! plain SQL aggregate over the same check-ins in a plain table (unit, record, time taken,
//! time arrived), counting per unit who reported in the window by the recap's moment, which is
//! what a hand-written report would do, with none of the flags, arrangement or per-person lines.
//!
//! `cargo run --release -p berkas-bench --bin bench-presensi -- [STAFF] [DAYS]`
//! (default 10000 20)

use berkas_bench::start_hub;
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{Change, HlcClock};
use berkas_server::store::{BatchItem, PostgresStorage, SqliteStorage, Storage};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use std::time::Instant;

const OPD: usize = 2000;
/// Local times (WIB) of the three check-ins of a day, just before each report time.
const TIMES: [(u32, u32); 3] = [(7, 10), (11, 5), (15, 0)];

/// `days` working days (Monday-Friday) ending the Friday before `today`.
fn working_days(today: NaiveDate, days: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = today - Duration::days(1);
    while out.len() < days {
        if d.weekday().num_days_from_monday() < 5 {
            out.push(d);
        }
        d -= Duration::days(1);
    }
    out.reverse();
    out
}

fn wib(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(h, m, 0).expect("time")) - Duration::hours(7)
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// A check-in as the plain table holds it: unit, record, taken and arrived (Unix seconds).
type PlainRow = (String, String, i64, i64);

struct Staff {
    id: String,
    unit: String,
}

/// Every record and check-in as changes the hub applies: data utama with the unit and eselon,
/// then three fixes a day, stamped as arrived a few minutes after each was taken.
fn changes(staff: &[Staff], days: &[NaiveDate]) -> (Vec<Change>, Vec<PlainRow>) {
    let mut clock = HlcClock::default();
    let mut out = Vec::new();
    let mut plain = Vec::new();
    for (i, s) in staff.iter().enumerate() {
        let mut du = FieldMap::new();
        du.insert("nip_baru".into(), text(format!("19800101{:06}1{:03}", i, i % 1000)));
        du.insert("nama".into(), text(format!("Pegawai {i}")));
        du.insert("unit".into(), text(s.unit.clone()));
        let eselon = match i % 100 {
            0 => Some("31"),
            1..=4 => Some("41"),
            _ => None,
        };
        if let Some(e) = eselon {
            du.insert("eselon_id".into(), text(e));
        }
        out.push(change(&mut clock, Entity::DataUtama, s.id.clone(), &s.id, du));
        for day in days {
            for (h, m) in TIMES {
                let taken = wib(*day, h, m);
                let arrived = taken + Duration::minutes(3);
                let mut f = FieldMap::new();
                f.insert("jenis".into(), text("HADIR"));
                f.insert("lintang".into(), Value::Int(-6_120_100 + (i % 50) as i64));
                f.insert("bujur".into(), Value::Int(106_150_300));
                f.insert("akurasi_m".into(), Value::Int(12));
                f.insert("provider".into(), text("fused"));
                f.insert("lokasi_palsu".into(), Value::Bool(i % 97 == 0));
                f.insert("waktu_perangkat".into(), text(taken.to_rfc3339()));
                f.insert("diterima".into(), text(arrived.to_rfc3339()));
                out.push(change(&mut clock, Entity::Presensi, uuid::Uuid::now_v7().to_string(), &s.id, f));
                plain.push((s.unit.clone(), s.id.clone(), taken.timestamp(), arrived.timestamp()));
            }
        }
    }
    (out, plain)
}

fn change(clock: &mut HlcClock, entity: Entity, row: String, pegawai: &str, fields: FieldMap) -> Change {
    Change {
        id: uuid::Uuid::now_v7().to_string(),
        entity,
        row,
        pegawai: pegawai.to_string(),
        delete: false,
        fields,
        hlc: clock.tick(HlcClock::now_ms()),
        device: "bench".into(),
        base: None,
    }
}

/// The plain table and its aggregate, on the same backend as the hub.
enum Plain {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

const PLAIN_TABLE: &str = "CREATE TABLE plain_presensi (unit TEXT NOT NULL, pegawai TEXT NOT NULL,
    taken BIGINT NOT NULL, arrived BIGINT NOT NULL);
    CREATE INDEX plain_presensi_unit ON plain_presensi(unit, taken);
    CREATE INDEX plain_presensi_taken ON plain_presensi(taken);";

impl Plain {
    async fn fill(&mut self, rows: &[PlainRow]) {
        match self {
            Plain::Sqlite(c) => {
                c.execute_batch(PLAIN_TABLE).expect("plain table");
                let tx = c.transaction().expect("tx");
                {
                    let mut ins = tx.prepare("INSERT INTO plain_presensi VALUES (?1, ?2, ?3, ?4)").expect("insert");
                    for (u, p, t, a) in rows {
                        ins.execute(rusqlite::params![u, p, t, a]).expect("row");
                    }
                }
                tx.commit().expect("commit");
            }
            Plain::Postgres(c) => {
                c.batch_execute(PLAIN_TABLE).await.expect("plain table");
                fill_pg(c, rows).await;
            }
        }
    }

    /// Per unit, how many reported in the window `(from, to]` by `as_of`.
    async fn aggregate(&self, unit: Option<&str>, from: i64, to: i64, as_of: i64) -> Vec<(String, i64)> {
        let sql = "SELECT unit, count(DISTINCT pegawai) FROM plain_presensi
                   WHERE taken > $1 AND taken <= $2 AND arrived <= $3 AND ($4 = '' OR unit = $4)
                   GROUP BY unit ORDER BY unit";
        let u = unit.unwrap_or("").to_string();
        match self {
            Plain::Sqlite(c) => {
                let sql = sql.replace('$', "?");
                let mut st = c.prepare_cached(&sql).expect("prepare");
                st.query_map(rusqlite::params![from, to, as_of, u], |r| Ok((r.get(0)?, r.get(1)?)))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows")
            }
            Plain::Postgres(c) => c
                .query(sql, &[&from, &to, &as_of, &u])
                .await
                .expect("query")
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect(),
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let n_days: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let today = Utc::now().date_naive();
    let days = working_days(today, n_days);
    let staff: Vec<Staff> = (0..n)
        .map(|i| Staff { id: uuid::Uuid::now_v7().to_string(), unit: format!("OPD-{:02}", i / OPD + 1) })
        .collect();
    let (all, plain_rows) = changes(&staff, &days);
    let units = n.div_ceil(OPD);
    println!(
        "bench-presensi: {n} staff in {units} OPD of up to {OPD}, 3 check-ins x {n_days} working days = {} fixes",
        plain_rows.len()
    );
    let day = *days.last().expect("a day");
    // The 11.30 window: from 07.30 to 11.30 WIB, as of 16.00 (everything has arrived).
    let (from, to, as_of) = (wib(day, 7, 30), wib(day, 11, 30), wib(day, 16, 0));
    let mut backends: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    if let Ok(url) = std::env::var("BERKAS_BENCH_POSTGRES") {
        backends.push(("postgres", Some(url)));
    }
    println!("{:<9} {:<22} {:>11} {:>13} {:>8}", "backend", "recap", "hub ms", "plain SQL ms", "ratio");
    for (name, pg) in backends {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, mut plain): (Arc<dyn Storage>, Plain) = match &pg {
            None => {
                let path = dir.path().join("hub.db");
                let store = Arc::new(SqliteStorage::open(&path).expect("sqlite"));
                (store, Plain::Sqlite(rusqlite::Connection::open(&path).expect("plain")))
            }
            Some(admin) => {
                let url = berkas_bench::fresh_postgres_database(admin).await;
                let store = Arc::new(PostgresStorage::connect(&url).await.expect("postgres storage"));
                let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("plain");
                tokio::spawn(conn);
                (store, Plain::Postgres(c))
            }
        };
        let t = Instant::now();
        for chunk in all.chunks(5000) {
            let items = chunk.iter().cloned().map(BatchItem::Apply).collect();
            store.apply_batch(items, "bench").await.expect("seed");
        }
        println!("{name}: seeded through the hub's write path in {:.1} s", t.elapsed().as_secs_f64());
        plain.fill(&plain_rows).await;
        let (base, token) = start_hub(store, dir.path()).await;
        let http = reqwest::Client::new();
        let as_of_q = as_of.to_rfc3339().replace('+', "%2B");
        for (label, unit, rounds) in [("OPD (2,000 staff)", Some("OPD-01"), 5), ("BKD (every OPD)", None, 3)] {
            let mut hub_ms = Vec::new();
            let mut lines = 0;
            let mut present = 0;
            for _ in 0..rounds {
                let mut url = format!("{base}/v1/presensi/rekap?tanggal={day}&jam=11:30&as_of={as_of_q}");
                if let Some(u) = unit {
                    url.push_str(&format!("&unit={u}"));
                }
                let t = Instant::now();
                let r = http.get(url).bearer_auth(&token).send().await.expect("rekap");
                assert_eq!(r.status().as_u16(), 200);
                let recaps: serde_json::Value = r.json().await.expect("json");
                hub_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                let list = recaps.as_array().expect("recaps");
                lines = list.iter().map(|r| r["lines"].as_array().map_or(0, Vec::len)).sum::<usize>();
                present = list.iter().map(|r| r["jumlah"]["DI_RUMAH"].as_u64().unwrap_or(0)).sum::<u64>();
            }
            let mut plain_ms = Vec::new();
            let mut counted = 0;
            for _ in 0..rounds {
                let t = Instant::now();
                let rows = plain.aggregate(unit, from.timestamp(), to.timestamp(), as_of.timestamp()).await;
                plain_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                counted = rows.iter().map(|(_, c)| *c).sum::<i64>();
            }
            // Both agree on who reported: every staff member, once.
            assert_eq!(present, u64::try_from(counted).unwrap_or(0), "the recap and the aggregate disagree");
            assert_eq!(lines, unit.map_or(n, |_| n.min(OPD)));
            let (h, p) = (median(hub_ms), median(plain_ms));
            println!("{name:<9} {label:<22} {h:>11.1} {p:>13.1} {:>7.1}x", h / p.max(1e-6));
        }
    }
    println!("hub = GET /v1/presensi/rekap over HTTP (per-person lines, flags, arrangement, audit); plain SQL = count of who reported per unit; medians; ratio = hub / plain (same run)");
}

async fn fill_pg(c: &tokio_postgres::Client, rows: &[PlainRow]) {
    for chunk in rows.chunks(5000) {
        let (mut u, mut p, mut t, mut a) = (vec![], vec![], vec![], vec![]);
        for (uu, pp, tt, aa) in chunk {
            u.push(uu.clone());
            p.push(pp.clone());
            t.push(*tt);
            a.push(*aa);
        }
        c.execute(
            "INSERT INTO plain_presensi SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])",
            &[&u, &p, &t, &a],
        )
        .await
        .expect("rows");
    }
    c.batch_execute("ANALYZE plain_presensi").await.expect("analyze");
}
