//! A presence-only account for non-ASN staff (PPNPN; issue 24, item 6) across the BKD's device,
//! a PPNPN's phone, a facilitator and a real hub, on both backends: the BKD adds the PPNPN's
//! record (known by `PPNPN-` and their NIK: they have no NIP) and gives it a presence-only
//! account (a one-time code, no password seen); the PPNPN signs in with the code, checks in
//! offline and sets their place; the unit's recap counts them; anything else they write is
//! refused on the phone and, pushed by hand, by the hub; the account goes to no ASN record and
//! the record to no ASN account.

use berkas_core::authz::{Decision, Role};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::presensi::{Fix, Keberadaan, NewAktivitas, NewCheckIn, Tempat};
use berkas_core::sync::admin::NewAccount;
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{access_token_with, device, HubProcess, DEMO_PASSWORD};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

const NIK: &str = "3273011203850004";

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

fn wib(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(h, m, 0).expect("time")) - Duration::hours(7)
}

fn code(e: berkas_core::Error) -> String {
    match e {
        berkas_core::Error::Invalid(list) => list.first().map(|f| f.code.clone()).unwrap_or_default(),
        berkas_core::Error::Hub { code, .. } => code,
        other => panic!("not a refusal with a code: {other}"),
    }
}

async fn presence_only(hub: HubProcess, tmp: &std::path::Path) {
    let opts = SyncOptions::default();
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    // The BKD adds the PPNPN's record: their NIK (in the identifier), name and unit.
    let mut record = FieldMap::new();
    record.insert("nip_baru".into(), Value::Text(format!("ppnpn-{NIK}")));
    record.insert("nama".into(), Value::Text("Dedi Kurniawan".into()));
    record.insert("unit".into(), Value::Text("UNIT-A".into()));
    let added = admin.add_pegawai(&record).expect("the PPNPN's record");
    let id = format!("PPNPN-{NIK}");
    assert_eq!(added.nip, id, "known by the prefix and the NIK");
    let mut bad = record.clone();
    bad.insert("nip_baru".into(), Value::Text("PPNPN-12345".into()));
    assert_eq!(code(admin.add_pegawai(&bad).expect_err("no NIK")), "nik.length");
    let pushed = sync(&admin).await;
    let refused: Vec<_> =
        admin.outbox().expect("outbox").into_iter().filter(|o| o.code.is_some()).map(|o| (o.code, o.message)).collect();
    assert_eq!(pushed.refused, 0, "{refused:?}");

    // Not an ASN: not in the daftar nominatif nor the unit's completeness.
    let nominatif = admin.daftar_nominatif(Some("UNIT-A")).expect("nominatif");
    assert!(!nominatif.rows.is_empty() && nominatif.rows.iter().all(|r| r.nip != id));
    let listed =
        admin.list_pegawai(&ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() }).expect("list");
    let unit_a = admin.unit_progress().expect("progress").into_iter().find(|u| u.unit == "UNIT-A").expect("UNIT-A");
    assert_eq!(unit_a.asn as usize, listed.len() - 1, "counted among the unit's people, not its ASN");

    // A presence-only account for that record, and for no ASN's; no other account for it.
    let asn = admin.list_pegawai(&ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() }).expect("list");
    let asn_nip = asn.iter().find(|p| !p.nip.starts_with("PPNPN-")).expect("an ASN").nip.clone();
    let wrong = NewAccount { username: asn_nip.clone(), role: Role::Ppnpn, nip: Some(asn_nip.clone()), units: vec![] };
    assert_eq!(code(admin.admin_create_account(&wrong, &opts).await.expect_err("an ASN")), "account.record");
    let as_asn = NewAccount { username: id.clone(), role: Role::Personal, nip: Some(id.clone()), units: vec![] };
    assert_eq!(code(admin.admin_create_account(&as_asn, &opts).await.expect_err("not an ASN")), "account.record");
    let new = NewAccount { username: id.clone(), role: Role::Ppnpn, nip: Some(id.clone()), units: vec![] };
    let issued = admin.admin_create_account(&new, &opts).await.expect("presence-only account");
    assert_eq!(issued.account.role, Role::Ppnpn);
    // Nor does an ASN's account become one.
    let demote = berkas_core::sync::admin::AccountChange { role: Some(Role::Ppnpn), ..Default::default() };
    assert_eq!(code(admin.admin_change_account(&asn_nip, &demote, &opts).await.expect_err("an ASN")), "account.record");

    // The PPNPN signs in with the code and chooses a password; offline, checks in and sets
    // their place, then syncs.
    let phone = device(tmp, "ppnpn");
    let me = phone
        .login_with_reset_code(&hub.url, &id, &issued.reset.code, "sandi-ppnpn-baru", None)
        .await
        .expect("signed in with the code");
    assert_eq!(me.role, "ppnpn");
    sync(&phone).await;
    assert_eq!(phone.session().expect("session").own_nip.as_deref(), Some(id.as_str()));
    let rules = phone.pengaturan_kerja();
    let mut day = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1);
    while !rules.is_working_day(day) {
        day -= Duration::days(1);
    }
    let home = Tempat { lat: -6.2, lon: 106.8 };
    phone.set_tempat_wfh(&id, home, Some("Jl. Kenanga 7")).expect("place");
    let fix = Fix {
        lat: home.lat,
        lon: home.lon,
        akurasi_m: 15.0,
        provider: "fused".into(),
        mock: false,
        waktu_perangkat: wib(day, 9, 0),
        waktu_gps: None,
    };
    phone.check_in(&id, &NewCheckIn { fix, izin_keluar: false, alasan: None }).expect("check-in");
    // Nothing else is offered on the phone (the one authorization table says why), and what
    // is tried anyway is refused, naming why; nothing is stored.
    match phone.may_edit(&id, Entity::DataUtama, &["alamat"], false).expect("asked") {
        Decision::Deny { code, .. } => assert_eq!(code, "forbidden.role"),
        Decision::Allow => panic!("a presence-only account may not edit its record"),
    }
    let activity = NewAktivitas {
        tanggal: day,
        rencana: "Menjaga keamanan kantor".into(),
        uraian: "Patroli".into(),
        menit: Some(60),
        ..NewAktivitas::default()
    };
    assert_eq!(code(phone.add_aktivitas(&id, &activity).expect_err("activities are the ASN's")), "forbidden.role");
    assert!(phone.aktivitas(&id, None).expect("none").is_empty());
    assert_eq!(sync(&phone).await.refused, 0);

    // Pushed by hand, the hub refuses it too.
    let token = access_token_with(&hub.url, &id, "sandi-ppnpn-baru").await;
    let change = serde_json::json!({ "changes": [{
        "id": uuid::Uuid::now_v7().to_string(), "entity": "data_utama", "row": added.id, "pegawai": added.id,
        "fields": { "alamat": "Jl. Lain" }, "hlc": format!("{:015}-000000", Utc::now().timestamp_millis()),
        "device": "forged" }] });
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/sync/push", hub.url))
        .bearer_auth(&token)
        .header("x-berkas-protocol", "1")
        .json(&change)
        .send()
        .await
        .expect("push")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["outcomes"][0]["status"], "refused", "{answer}");
    assert_eq!(answer["outcomes"][0]["code"], "forbidden.role", "{answer}");

    // The unit's facilitator counts them in the recap.
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fas).await;
    let jam = NaiveTime::from_hms_opt(11, 30, 0).expect("time");
    let recap = fas.presensi_rekap("UNIT-A", day, jam, Utc::now()).expect("recap");
    let line = recap.lines.iter().find(|l| l.nip == id).expect("the PPNPN is in the unit's recap");
    assert_eq!(line.keberadaan, Keberadaan::DiRumah);
    assert!(line.tempat_terdaftar);
}

#[tokio::test]
async fn presence_only_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    presence_only(hub, tmp.path()).await;
}

#[tokio::test]
async fn presence_only_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 2).await;
    presence_only(hub, tmp.path()).await;
}
