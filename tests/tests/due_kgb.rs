//! KGB judgements for three periods equal a computation over the shipped gaji pokok table
//! (PP 5/2024), done here from the table file itself: a KGB falls in the month the masa kerja
//! golongan reaches a whole year at which the table's pay for the golongan changes. The same
//! records are judged by a device and by the hub, over a grid of every PNS golongan and masa
//! kerja golongan 0..37 (odd-year columns, II/a's first year, the top of each column).

use berkas_core::due::{DueKind, DueRules};
use berkas_core::synth::{pegawai_document, Rng};
use berkas_tests::{access_token, bin, device, HubProcess, DEMO_PASSWORD};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const UNIT: &str = "UNIT-KGB";
const PERIODS: [&str; 3] = ["2027-01", "2027-02", "2027-03"];

/// SIASN golongan id -> MKG years -> rupiah, read from the shipped file; column names mapped
/// to ids by the built-in golonganPns reference table.
fn shipped_table() -> BTreeMap<String, BTreeMap<i64, u64>> {
    let core = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string(core.join("refdata/builtin.json")).expect("builtin"))
            .expect("json");
    let id_of: BTreeMap<String, String> = refs["golonganPns"]
        .as_array()
        .expect("golonganPns")
        .iter()
        .map(|g| (g["nama"].as_str().expect("nama").to_string(), g["id"].as_str().expect("id").to_string()))
        .collect();
    let csv = std::fs::read_to_string(core.join("due/gaji_pokok_pp5_2024.csv")).expect("table file");
    let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<String> = lines.next().expect("header").split(',').skip(1).map(|n| id_of[n].clone()).collect();
    let mut table: BTreeMap<String, BTreeMap<i64, u64>> = BTreeMap::new();
    for line in lines {
        let mut cells = line.split(',');
        let mkg: i64 = cells.next().expect("mkg").parse().expect("mkg number");
        for (id, cell) in header.iter().zip(cells) {
            if !cell.is_empty() {
                table.entry(id.clone()).or_default().insert(mkg, cell.replace('.', "").parse().expect("rupiah"));
            }
        }
    }
    assert_eq!(table.len(), 17);
    table
}

/// What a golongan pays at `years` of MKG: the last row not above it, else its first row.
fn pay(column: &BTreeMap<i64, u64>, years: i64) -> u64 {
    column.range(..=years).next_back().or_else(|| column.iter().next()).map(|(_, r)| *r).expect("a row")
}

fn rupiah(n: u64) -> String {
    let s = n.to_string();
    let groups: Vec<&str> = (0..s.len()).rev().step_by(3).map(|end| &s[end.saturating_sub(2)..=end]).collect();
    format!("Rp{}", groups.into_iter().rev().collect::<Vec<_>>().join("."))
}

fn months_of(period: &str) -> i64 {
    period[..4].parse::<i64>().expect("year") * 12 + period[5..7].parse::<i64>().expect("month") - 1
}

struct Case {
    nip: String,
    golongan: String,
    mkg_months_at: BTreeMap<&'static str, i64>,
}

#[tokio::test(flavor = "current_thread")]
async fn kgb_judgements_equal_the_gaji_pokok_table_on_device_and_hub() {
    let table = shipped_table();
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);

    // The grid: each golongan, a masa kerja golongan at its SK, and an SK TMT on the 1st of a
    // month spread so that each record reaches a whole year in one of the three periods.
    let mut rng = Rng::new(22);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    let mut grid: Vec<(String, i64, String)> = Vec::new();
    for golongan in table.keys() {
        for mk in 0..=33 {
            grid.push((golongan.clone(), mk, format!("01-{:02}-2023", 1 + mk % 3)));
        }
        // Near the start of a column: II/a's first year, I/b's first row at 3.
        for mk in 0..=2 {
            grid.push((golongan.clone(), mk, format!("01-{:02}-2026", 1 + mk % 3)));
        }
    }
    // PPPK: no table shipped; two years on they are flagged, not judged.
    for off in 0..3 {
        grid.push(("IX".into(), 0, format!("01-{:02}-2025", 1 + off)));
    }
    let mut docs = Vec::new();
    let mut cases = Vec::new();
    let mut index = 90_000;
    for (golongan, mk, tmt) in grid {
        // Born after 1972: no one retires in 2027 (BUP 58).
        let mut doc = loop {
            index += 1;
            let d = pegawai_document(&mut rng, index, UNIT, today);
            if d["dataUtama"]["tglLahir"].as_str().is_some_and(|b| b[6..].parse::<i32>().unwrap_or(0) >= 1972) {
                break d;
            }
        };
        doc["riwayat"]["golongan"] = json!([{
            "id": format!("G-KGB-{index}"), "golonganId": golongan, "jenisKPId": "101",
            "skNomor": format!("823/{index}/2023"), "skTanggal": tmt, "tmtGolongan": tmt,
            "masaKerjaGolonganTahun": mk, "masaKerjaGolonganBulan": 0,
        }]);
        doc["dataUtama"]["golRuangAkhirId"] = json!(golongan);
        doc["dataUtama"]["tmtGolAkhir"] = json!(tmt);
        let tmt_months = tmt[6..].parse::<i64>().expect("year") * 12 + tmt[3..5].parse::<i64>().expect("month") - 1;
        let nip = doc["dataUtama"]["nipBaru"].as_str().expect("nip").to_string();
        let mkg_months_at = PERIODS.iter().map(|p| (*p, mk * 12 + months_of(p) - tmt_months)).collect();
        cases.push(Case { nip, golongan, mkg_months_at });
        docs.push(doc);
    }
    let file = tmp.path().join("siasn.json");
    std::fs::write(&file, serde_json::to_vec(&docs).expect("json")).expect("write");
    let out = std::process::Command::new(bin("berkas-server"))
        .args(["import", "siasn", "--data"])
        .arg(&hub.data)
        .arg(&file)
        .output()
        .expect("run the import");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    admin.sync(&Default::default()).await.expect("sync");
    let token = access_token(&hub.url, "admin").await;
    let http = reqwest::Client::new();

    let mut due_total = 0;
    for period in PERIODS {
        // The computation over the table: whole years reached now, and the pay changes.
        let mut want_due: BTreeMap<String, String> = BTreeMap::new();
        let mut want_flagged = BTreeSet::new();
        for c in &cases {
            let months = c.mkg_months_at[period];
            let Some(column) = table.get(&c.golongan) else {
                if months > 0 && months % 24 == 0 {
                    want_flagged.insert(c.nip.clone());
                }
                continue;
            };
            if months > 0 && months % 12 == 0 && pay(column, months / 12) != pay(column, (months - 1) / 12) {
                want_due.insert(c.nip.clone(), rupiah(pay(column, months / 12)));
            }
        }
        assert!(!want_due.is_empty() && !want_flagged.is_empty(), "{period}: the grid reaches steps");
        due_total += want_due.len();

        let device_report = admin.due(DueKind::Kgb, period, &DueRules::default(), Some(UNIT)).expect("due");
        let hub_report: Value = http
            .get(format!("{}/v1/due/kgb?period={period}&unit={UNIT}", hub.url))
            .bearer_auth(&token)
            .send()
            .await
            .expect("hub due")
            .json()
            .await
            .expect("json");
        let hub_due: BTreeMap<String, String> = hub_report["due"]
            .as_array()
            .expect("due")
            .iter()
            .map(|d| (d["nip"].as_str().expect("nip").into(), d["reason"].as_str().expect("reason").into()))
            .collect();
        let device_due: BTreeMap<String, String> =
            device_report.due.iter().map(|d| (d.nip.clone(), d.reason.clone())).collect();
        for (surface, got) in [("device", &device_due), ("hub", &hub_due)] {
            assert_eq!(
                got.keys().collect::<BTreeSet<_>>(),
                want_due.keys().collect::<BTreeSet<_>>(),
                "{surface} {period}"
            );
            for (nip, amount) in &want_due {
                assert!(got[nip].contains(amount), "{surface} {period} {nip}: {amount} in {}", got[nip]);
            }
        }
        let flagged: BTreeSet<String> = hub_report["unknown"]
            .as_array()
            .expect("unknown")
            .iter()
            .filter(|u| u["missing"].as_str().is_some_and(|m| m.contains("tabel gaji PPPK")))
            .map(|u| u["nip"].as_str().expect("nip").to_string())
            .collect();
        assert_eq!(flagged, want_flagged, "hub {period}: PPPK flagged, not judged");
        let device_flagged: BTreeSet<String> = device_report.unknown.iter().map(|u| u.nip.clone()).collect();
        assert_eq!(device_flagged, want_flagged, "device {period}: nothing else unknown");
    }
    // Each record reaches a whole year in one of the three months; on about 40% of them the
    // table's pay changes.
    assert!(due_total > 200, "{due_total}");
}
