//! Daily activities and the atasan langsung across a phone, the atasan's device and a real hub,
//! on both backends: the ASN records activities offline on two days and submits them; their
//! atasan (the record's `atasan_nip`) sees them, approves one day and returns the other with a
//! reason; the phone learns both at its next sync, corrects the returned day and submits it
//! again; another ASN of the unit is no one's atasan here and gets nothing; a facilitator with
//! no record has no reports; the phone cannot approve its own day (the hub refuses); every
//! read by the atasan is in the hub's audit log.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::presensi::{NewAktivitas, PutusanAktivitas};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};
use chrono::{Duration, NaiveDate, Utc};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

fn activity(day: NaiveDate, uraian: &str, menit: i64) -> NewAktivitas {
    NewAktivitas {
        tanggal: day,
        rencana: "Terlaksananya pemutakhiran data kepegawaian".into(),
        uraian: uraian.into(),
        output: Some("Data terverifikasi".into()),
        kuantitas: Some(12),
        satuan: Some("berkas".into()),
        menit: Some(menit),
        ..NewAktivitas::default()
    }
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

async fn activities_through_the_hub(hub: HubProcess, tmp: &std::path::Path) {
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    // Who is whose atasan, as the BKD's records say.
    let unit_a = ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() };
    let mut pairs = Vec::new();
    for p in admin.list_pegawai(&unit_a).expect("list") {
        let rec = admin.pegawai(&p.nip).expect("record");
        if let Some(Value::Text(atasan)) = rec.data_utama.values.get("atasan_nip") {
            pairs.push((p.nip.clone(), atasan.clone()));
        }
    }
    assert!(pairs.len() >= 2, "the demo gives the unit's first ASN two reports: {pairs:?}");
    let (asn, atasan_nip) = pairs[0].clone();
    let other_report = pairs[1].0.clone();
    assert_eq!(pairs[1].1, atasan_nip);

    let phone = device(tmp, "phone");
    phone.login(&hub.url, &asn, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;
    let (day1, day2) = {
        let today = (Utc::now() + Duration::hours(7)).date_naive();
        (today - Duration::days(2), today - Duration::days(1))
    };
    // Refusals name the field; nothing is stored.
    let mut wrong = activity(day1, "x", 0);
    assert_eq!(code(phone.add_aktivitas(&asn, &wrong).expect_err("0 minutes")), "menit: aktivitas.menit");
    wrong.menit = Some(30);
    wrong.uraian = "  ".into();
    assert_eq!(code(phone.add_aktivitas(&asn, &wrong).expect_err("no description")), "uraian: aktivitas.uraian");
    assert_eq!(code(phone.submit_aktivitas(&asn, day1).expect_err("nothing yet")), "tanggal: aktivitas.nothing");
    // Offline: two activities on day 1, one on day 2, both days submitted.
    phone.add_aktivitas(&asn, &activity(day1, "Memverifikasi usul kenaikan pangkat", 150)).expect("add");
    phone.add_aktivitas(&asn, &activity(day1, "Memutakhirkan data SKP", 90)).expect("add");
    phone.add_aktivitas(&asn, &activity(day2, "Menyusun rekap kehadiran", 60)).expect("add");
    for d in [day1, day2] {
        let submitted = phone.submit_aktivitas(&asn, d).expect("submit");
        assert!(submitted.iter().all(|a| a.status == "DIAJUKAN"), "{submitted:?}");
    }
    assert_eq!(sync(&phone).await.refused, 0);

    // The atasan sees both days; the other ASN of the unit, no one's atasan, sees nothing.
    let boss = device(tmp, "atasan");
    boss.login(&hub.url, &atasan_nip, DEMO_PASSWORD, None).await.expect("atasan login");
    let opts = SyncOptions::default();
    let waiting = boss.bawahan_aktivitas(None, &opts).await.expect("reports");
    let mine: Vec<(String, usize)> =
        waiting.iter().filter(|d| d.nip == asn).map(|d| (d.tanggal.clone(), d.aktivitas.len())).collect();
    assert_eq!(mine, vec![(day1.to_string(), 2), (day2.to_string(), 1)]);
    assert!(waiting.iter().all(|d| d.nip == asn || d.nip == other_report), "only direct reports: {waiting:?}");
    let peer = device(tmp, "peer");
    peer.login(&hub.url, &other_report, DEMO_PASSWORD, None).await.expect("peer login");
    assert!(peer.bawahan_aktivitas(None, &opts).await.expect("none").is_empty());
    let not_theirs = PutusanAktivitas { nip: asn.clone(), tanggal: day1.to_string(), setuju: true, alasan: None };
    assert_eq!(code(peer.putus_aktivitas(&not_theirs, &opts).await.expect_err("not the atasan")), "pegawai.not_found");
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    assert_eq!(code(fas.bawahan_aktivitas(None, &opts).await.expect_err("no record")), "forbidden.role");

    // Day 1 approved; day 2 returned, which needs its reason.
    let approve = PutusanAktivitas { nip: asn.clone(), tanggal: day1.to_string(), setuju: true, alasan: None };
    let done = boss.putus_aktivitas(&approve, &opts).await.expect("approve");
    assert_eq!((done.diputus, done.status.as_str()), (2, "DISETUJUI"));
    assert_eq!(code(boss.putus_aktivitas(&approve, &opts).await.expect_err("twice")), "aktivitas.nothing");
    let mut back = PutusanAktivitas { nip: asn.clone(), tanggal: day2.to_string(), setuju: false, alasan: None };
    assert_eq!(code(boss.putus_aktivitas(&back, &opts).await.expect_err("no reason")), "alasan: aktivitas.alasan");
    back.alasan = Some("Lampirkan rekap yang disusun.".into());
    assert_eq!(boss.putus_aktivitas(&back, &opts).await.expect("return").status, "DIKEMBALIKAN");

    // The phone learns both; it cannot approve its own day.
    sync(&phone).await;
    let d1 = phone.aktivitas(&asn, Some(day1)).expect("day 1");
    assert!(
        d1.iter().all(|a| a.status == "DISETUJUI" && a.diputus_oleh.as_deref() == Some(atasan_nip.as_str())),
        "{d1:?}"
    );
    let d2 = phone.aktivitas(&asn, Some(day2)).expect("day 2");
    assert_eq!(d2[0].status, "DIKEMBALIKAN");
    assert_eq!(d2[0].alasan.as_deref(), Some("Lampirkan rekap yang disusun."));
    let mut self_approve = FieldMap::new();
    self_approve.insert("status".into(), Value::Text("DISETUJUI".into()));
    phone.edit_riwayat(Entity::Aktivitas, &d2[0].id, &self_approve).expect("local edit");
    sync(&phone).await;
    let refused =
        phone.outbox().expect("outbox").into_iter().find(|o| o.state == OutboxState::Refused).expect("refused");
    assert_eq!(refused.code.as_deref(), Some("aktivitas.status"));
    phone.outbox_discard(&refused.id).expect("discard");

    // Corrected and submitted again, it is approved.
    let mut fix = FieldMap::new();
    fix.insert("uraian".into(), Value::Text("Menyusun rekap kehadiran, terlampir".into()));
    phone.edit_riwayat(Entity::Aktivitas, &d2[0].id, &fix).expect("correct");
    phone.submit_aktivitas(&asn, day2).expect("resubmit");
    sync(&phone).await;
    let again = boss.bawahan_aktivitas(Some(day2), &opts).await.expect("day 2");
    assert_eq!(again.iter().find(|d| d.nip == asn).map(|d| d.aktivitas[0].status.as_str()), Some("DIAJUKAN"));
    let approve2 = PutusanAktivitas { nip: asn.clone(), tanggal: day2.to_string(), setuju: true, alasan: None };
    boss.putus_aktivitas(&approve2, &opts).await.expect("approve day 2");
    sync(&phone).await;
    assert_eq!(phone.aktivitas(&asn, Some(day2)).expect("day 2")[0].status, "DISETUJUI");

    // Every look the atasan took is in the hub's audit trail of the report's record.
    let trail = admin.hub_audit(&asn, &opts).await.expect("audit trail");
    let by_atasan = |action: &str| trail.iter().filter(|e| e.action == action && e.actor == atasan_nip).count();
    assert!(by_atasan("aktivitas.read") >= 2, "{} audited reads", by_atasan("aktivitas.read"));
    assert_eq!(by_atasan("aktivitas.decide"), 3);
}

#[tokio::test]
async fn activities_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    activities_through_the_hub(hub, tmp.path()).await;
}

#[tokio::test]
async fn activities_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 3).await;
    activities_through_the_hub(hub, tmp.path()).await;
}
