//! Who sees a location, the office minimum from the records, and the retention period, across
//! phones, an atasan, facilitators and a real hub on both backends (issue 24, items 4 and 5):
//! - the atasan langsung sees their direct reports' check-ins of a day, where each was taken
//!   and an izin keluar's reason; a colleague is nobody's atasan and sees nothing;
//! - another unit's facilitator and a colleague can read no location over HTTP (the record,
//!   the sync pull), the unit's facilitator can, and every read of someone else's location is
//!   in the hub's audit log;
//! - a unit at the office with two Pengawas (eselon IV in their records) and no Administrator
//!   present misses the office minimum;
//! - fixes older than the BKD's retention period are gone from the hub (its rows and change
//!   log) and from the phone after a sync; the day's recap keeps its counts.

use berkas_core::model::{FieldMap, Value};
use berkas_core::presensi::{Fix, Keberadaan, ModeKerja, NewCheckIn, Tempat};
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{access_token, berkas_cli, device, HubProcess, DEMO_PASSWORD};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

/// A WIB wall-clock time on `day`, computed here (UTC+7) rather than by the code under test.
fn wib(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(h, m, 0).expect("time")) - Duration::hours(7)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

const HOME: Tempat = Tempat { lat: -6.1201, lon: 106.1503 };

fn fix(at: DateTime<Utc>, lat: f64) -> Fix {
    Fix {
        lat,
        lon: HOME.lon,
        akurasi_m: 10.0,
        provider: "gps".into(),
        mock: false,
        waktu_perangkat: at,
        waktu_gps: None,
    }
}

fn present(at: DateTime<Utc>) -> NewCheckIn {
    NewCheckIn { fix: fix(at, HOME.lat), izin_keluar: false, alasan: None }
}

fn code(e: berkas_core::Error) -> String {
    match e {
        berkas_core::Error::Invalid(list) => {
            list.first().map(|f| format!("{}: {}", f.field, f.code)).unwrap_or_default()
        }
        berkas_core::Error::Hub { code, .. } => code,
        other => panic!("not a refusal with a code: {other}"),
    }
}

async fn get(url: String, token: &str) -> (u16, serde_json::Value) {
    let r =
        reqwest::Client::new().get(url).bearer_auth(token).header("x-berkas-protocol", "1").send().await.expect("send");
    (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap_or_default())
}

/// The entities of every change a pull from scratch gives `token`, with the record each is of.
async fn pulled(hub: &str, token: &str) -> Vec<(String, String)> {
    let (status, page) = get(format!("{hub}/v1/sync/pull?cursor=0&limit=5000"), token).await;
    assert_eq!(status, 200, "{page}");
    page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| (c["entity"].as_str().unwrap_or("").to_string(), c["pegawai"].as_str().unwrap_or("").to_string()))
        .collect()
}

async fn retention_privacy_and_the_atasan(hub: HubProcess, tmp: &std::path::Path) {
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    let unit_a = ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() };
    let mut pairs = Vec::new();
    for p in admin.list_pegawai(&unit_a).expect("list") {
        let rec = admin.pegawai(&p.nip).expect("record");
        if let Some(Value::Text(atasan)) = rec.data_utama.values.get("atasan_nip") {
            pairs.push((p.nip.clone(), rec.id.clone(), atasan.clone()));
        }
    }
    assert!(pairs.len() >= 2, "the demo gives the unit's first ASN two reports: {pairs:?}");
    let (asn, asn_id, atasan_nip) = pairs[0].clone();
    let (peer, peer_id) = (pairs[1].0.clone(), pairs[1].1.clone());
    // Both are Pengawas in their records, as the BKD keeps them.
    for (nip, eselon) in [(&asn, "41"), (&peer, "42")] {
        let mut e = FieldMap::new();
        e.insert("eselon_id".into(), Value::Text(eselon.into()));
        admin.edit_pegawai(nip, &e).expect("eselon");
    }
    assert_eq!(sync(&admin).await.refused, 0);

    let phone = device(tmp, "phone");
    phone.login(&hub.url, &asn, DEMO_PASSWORD, None).await.expect("asn login");
    let peer_phone = device(tmp, "peer");
    peer_phone.login(&hub.url, &peer, DEMO_PASSWORD, None).await.expect("peer login");
    sync(&phone).await;
    sync(&peer_phone).await;
    let rules = phone.pengaturan_kerja();
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let working_before = |mut d: NaiveDate| {
        while !rules.is_working_day(d) {
            d -= Duration::days(1);
        }
        d
    };
    let recent = working_before(today - Duration::days(1));
    let old = working_before(recent - Duration::days(2));

    // Offline: an old day and a recent one; on the recent one the ASN also leaves home after
    // 11.30 to see a doctor. The colleague checks in on the recent day only.
    phone.set_tempat_wfh(&asn, HOME, Some("Jl. Melati 3")).expect("place");
    phone.check_in(&asn, &present(wib(old, 9, 0))).expect("old day");
    phone.check_in(&asn, &present(wib(recent, 9, 0))).expect("recent day");
    let out = NewCheckIn {
        fix: fix(wib(recent, 12, 0), -6.1300),
        izin_keluar: true,
        alasan: Some("Berobat ke puskesmas".into()),
    };
    phone.check_in(&asn, &out).expect("izin keluar");
    peer_phone.check_in(&peer, &present(wib(recent, 9, 5))).expect("peer");
    assert_eq!(sync(&phone).await.refused, 0);
    assert_eq!(sync(&peer_phone).await.refused, 0);

    // The atasan sees each report's day: where, and why they left home.
    let opts = SyncOptions::default();
    let boss = device(tmp, "atasan");
    boss.login(&hub.url, &atasan_nip, DEMO_PASSWORD, None).await.expect("atasan login");
    let reports = boss.bawahan_presensi(recent, &opts).await.expect("reports");
    let mine = reports.iter().find(|r| r.nip == asn).expect("the ASN is a direct report");
    assert_eq!(mine.check_ins.len(), 2, "{mine:?}");
    assert!((mine.check_ins[0].fix.lat - HOME.lat).abs() < 1e-6 && !mine.check_ins[0].izin_keluar);
    assert!(mine.check_ins[1].izin_keluar);
    assert_eq!(mine.check_ins[1].alasan.as_deref(), Some("Berobat ke puskesmas"));
    assert_eq!(mine.tempat.as_ref().map(|t| t.tempat), Some(HOME));
    assert!(reports.iter().all(|r| pairs.iter().any(|(n, _, a)| *n == r.nip && *a == atasan_nip)), "only reports");
    assert!(peer_phone.bawahan_presensi(recent, &opts).await.expect("none").is_empty(), "a colleague is no atasan");
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    assert_eq!(code(fas.bawahan_presensi(recent, &opts).await.expect_err("no record")), "forbidden.role");

    // Over HTTP: the colleague and another unit's facilitator read no location of the ASN.
    let url = &hub.url;
    let (peer_token, fas_b_token) = (access_token(url, &peer).await, access_token(url, "fas-b").await);
    assert_eq!(get(format!("{url}/v1/pegawai/{asn}"), &peer_token).await.0, 404, "a colleague");
    assert_eq!(get(format!("{url}/v1/pegawai/{asn}"), &fas_b_token).await.0, 404, "another unit's facilitator");
    let located = |e: &str| e == "presensi" || e == "tempat_wfh";
    let by_peer = pulled(url, &peer_token).await;
    assert!(by_peer.iter().any(|(e, p)| located(e) && *p == peer_id), "the colleague's own check-in comes back");
    assert!(by_peer.iter().all(|(e, p)| !located(e) || *p == peer_id), "nobody else's: {by_peer:?}");
    let by_fas_b = pulled(url, &fas_b_token).await;
    assert!(by_fas_b.iter().all(|(e, p)| !located(e) || (*p != asn_id && *p != peer_id)), "{by_fas_b:?}");
    // The unit's facilitator may, and the read is audited.
    let fas_token = access_token(url, "fas-a").await;
    let (status, record) = get(format!("{url}/v1/pegawai/{asn}"), &fas_token).await;
    assert_eq!(status, 200);
    assert_eq!(record["riwayat"]["presensi"].as_array().map(Vec::len), Some(3), "{}", record["riwayat"]);
    let by_fas = pulled(url, &fas_token).await;
    assert!(by_fas.iter().any(|(e, p)| e == "presensi" && *p == asn_id));
    let (_, audit) = get(format!("{url}/v1/pegawai/{asn}/audit"), &access_token(url, "admin").await).await;
    let reads: Vec<(String, String)> = audit
        .as_array()
        .expect("audit rows")
        .iter()
        .filter(|a| a["action"] == "presensi.lokasi")
        .map(|a| (a["actor"].as_str().unwrap_or("").to_string(), a["detail"]["via"].as_str().unwrap_or("").to_string()))
        .collect();
    for who in [("fas-a", "record"), ("fas-a", "pull"), (atasan_nip.as_str(), "")] {
        assert!(reads.iter().any(|(a, v)| a == who.0 && v == who.1), "{who:?} not in {reads:?}");
    }
    assert!(reads.iter().all(|(a, _)| a != &peer && a != "fas-b"), "{reads:?}");

    // The BKD puts UNIT-A at the office and keeps fixes until the day before the recent one.
    let mut arrangement = admin.pengaturan_kerja();
    arrangement.mode_unit.insert("UNIT-A".into(), ModeKerja::Kantor);
    arrangement.retensi_hari = u32::try_from((today - recent).num_days() + 1).expect("days");
    admin.publish_pengaturan(&arrangement, &opts).await.expect("publish");
    let admin_token = access_token(url, "admin").await;
    let rekap =
        |day: NaiveDate| get(format!("{url}/v1/presensi/rekap?unit=UNIT-A&tanggal={day}&jam=11:30"), &fas_token);
    // Two Pengawas at the office and no Administrator: the minimum is missed, and said so.
    let (status, at_office) = rekap(recent).await;
    assert_eq!(status, 200, "{at_office}");
    let minimum = &at_office[0]["minimum_kantor"];
    assert_eq!(minimum["hadir"], serde_json::json!({ "administrator": 0, "pengawas": 2 }), "{minimum}");
    assert_eq!(minimum["terpenuhi"], false);
    let (_, before) = rekap(old).await;
    let counts_before = before[0]["jumlah"].clone();
    assert_eq!(counts_before["DI_KANTOR"], 1, "{before}");

    // Purged: the old fix goes, its day's counts stay; nothing twice.
    let http = reqwest::Client::new();
    let purge = || async {
        let r = http.post(format!("{url}/v1/presensi/pangkas")).bearer_auth(&admin_token).send().await.expect("send");
        assert_eq!(r.status().as_u16(), 200);
        r.json::<serde_json::Value>().await.expect("json")
    };
    let by_fas = http.post(format!("{url}/v1/presensi/pangkas")).bearer_auth(&fas_token).send().await.expect("send");
    assert_eq!(by_fas.status().as_u16(), 403, "the BKD's");
    let done = purge().await;
    assert_eq!(done["lokasi_dihapus"], 1, "{done}");
    assert_eq!(done["disimpan_sejak"], (recent - Duration::days(1)).to_string());
    assert_eq!(purge().await["lokasi_dihapus"], 0);
    let (_, after) = rekap(old).await;
    assert_eq!(after[0]["dipangkas"], true, "{after}");
    assert_eq!(after[0]["lines"].as_array().map(Vec::len), Some(0));
    assert_eq!(after[0]["jumlah"], counts_before, "the counts remain");
    let (_, record) = get(format!("{url}/v1/pegawai/{asn}"), &fas_token).await;
    assert_eq!(record["riwayat"]["presensi"].as_array().map(Vec::len), Some(2), "the recent ones stay");
    let fresh = device(tmp, "fas-a-new");
    fresh.login(url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fresh).await;
    assert!(fresh.check_ins(&asn, old).expect("old").is_empty(), "not in the change log either");
    assert_eq!(fresh.check_ins(&asn, recent).expect("recent").len(), 2);
    // The facilitator's device keeps its own line of each read of someone's locations.
    let reads =
        |b: &Berkas| b.audit_trail(&asn, 200).expect("audit").iter().filter(|e| e.action == "presensi.lokasi").count();
    assert_eq!(reads(&fresh), 2, "the two days read");

    // The phone drops its own copy at its next sync; its recent day stays.
    assert_eq!(phone.check_ins(&asn, old).expect("old").len(), 1, "still there before the sync");
    sync(&phone).await;
    assert!(phone.check_ins(&asn, old).expect("old").is_empty());
    assert_eq!(phone.check_ins(&asn, recent).expect("recent").len(), 2);
    assert_eq!(reads(&phone), 0, "the ASN's own are theirs to read");
    // A device no longer recaps the day; the CLI asks the hub for its counts.
    sync(&fas).await;
    let refused = fas.presensi_rekap("UNIT-A", old, hm(11, 30), Utc::now()).expect_err("purged");
    assert_eq!(code(refused), "date: presensi.purged");
    let cli = berkas_cli(
        &tmp.join("fas-a"),
        &["--json", "presensi", "rekap", "--unit", "UNIT-A", "--date", &old.to_string(), "--window", "11:30"],
        None,
    );
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let from_cli: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("JSON");
    assert_eq!((from_cli["dipangkas"].clone(), from_cli["jumlah"].clone()), (serde_json::json!(true), counts_before));
    assert_eq!(
        fas.presensi_rekap("UNIT-A", recent, hm(11, 30), Utc::now()).expect("recent").minimum_kantor.hadir.pengawas,
        2,
        "the device counts the Pengawas as the hub does"
    );
    let line = fas.presensi_rekap("UNIT-A", recent, hm(11, 30), Utc::now()).expect("recent");
    assert_eq!(line.lines.iter().filter(|l| l.keberadaan == Keberadaan::DiKantor).count(), 2);
}

#[tokio::test]
async fn retention_and_privacy_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    retention_privacy_and_the_atasan(hub, tmp.path()).await;
}

#[tokio::test]
async fn retention_and_privacy_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 3).await;
    retention_privacy_and_the_atasan(hub, tmp.path()).await;
}
