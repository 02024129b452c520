//! Devices against a real hub process: an ASN's phone and laptop and the BKD's admin edit the
//! same record offline and sync in every order; all copies converge, each person's fields are
//! kept, and the edit that lost is in its author's conflict log. Refused changes stay visible.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{OutboxState, RecordSyncState, SyncOptions};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};

fn text(v: &str) -> Value {
    Value::Text(v.to_string())
}

fn set(pairs: &[(&str, &str)]) -> FieldMap {
    pairs.iter().map(|(k, v)| (k.to_string(), text(v))).collect()
}

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

fn data_utama(b: &Berkas, nip: &str) -> FieldMap {
    b.pegawai(nip).expect("record on device").data_utama.values
}

/// An administrator's device, signed in and synced.
async fn admin_device(tmp: &tempfile::TempDir, hub: &HubProcess, name: &str) -> Berkas {
    let d = device(tmp.path(), name);
    d.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    sync(&d).await;
    d
}

fn unit_nips(b: &Berkas, unit: &str) -> Vec<String> {
    let filter = ListFilter { unit: Some(unit.into()), limit: 100, ..ListFilter::default() };
    b.list_pegawai(&filter).expect("list").into_iter().map(|p| p.nip).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn offline_edits_converge_in_every_order_and_the_loser_sees_the_conflict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 8);
    converge_in_every_order(&hub, &tmp).await;
}

#[tokio::test(flavor = "current_thread")]
async fn offline_edits_converge_in_every_order_on_postgresql() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 8).await;
    converge_in_every_order(&hub, &tmp).await;
}

async fn converge_in_every_order(hub: &HubProcess, tmp: &tempfile::TempDir) {
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    let first = sync(&admin).await;
    assert_eq!(admin.count_pegawai().expect("count"), 16, "admin pulls the whole instansi: {first:?}");
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fas).await;
    let unit_a = unit_nips(&admin, "UNIT-A");
    assert_eq!(unit_nips(&fas, "UNIT-A"), unit_a);
    assert_eq!(fas.count_pegawai().expect("count"), 8, "a facilitator holds only their unit");

    let orders: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (round, order) in orders.iter().enumerate() {
        let nip = &unit_a[round];
        let phone = device(tmp.path(), &format!("phone-{round}"));
        let laptop = device(tmp.path(), &format!("laptop-{round}"));
        for d in [&phone, &laptop] {
            d.login(&hub.url, nip, DEMO_PASSWORD, None).await.expect("asn login");
            sync(d).await;
            assert_eq!(d.count_pegawai().expect("count"), 1, "an ASN holds only their own record");
        }
        sync(&admin).await;

        // Offline: the phone edits the phone number, the laptop later the same field and the
        // address; the admin a field of the SK. Three devices, one record.
        phone.edit_pegawai(nip, &set(&[("no_hp", "081234500001")])).expect("phone edit");
        std::thread::sleep(std::time::Duration::from_millis(5));
        laptop.edit_pegawai(nip, &set(&[("no_hp", "081234500002"), ("alamat", "Jl. Laptop 2")])).expect("laptop");
        admin.edit_pegawai(nip, &set(&[("jabatan_nama", &format!("Analis Kepegawaian {round}"))])).expect("admin");
        assert_eq!(phone.record_sync_state(nip).expect("state"), RecordSyncState::Pending);

        let devices = [&phone, &laptop, &admin];
        for &i in order {
            sync(devices[i]).await;
        }
        for d in devices.iter().chain([&&fas]) {
            sync(d).await;
        }
        let want = data_utama(&admin, nip);
        assert_eq!(want.get("no_hp"), Some(&text("+6281234500002")), "order {order:?}: the later edit wins");
        assert_eq!(want.get("alamat"), Some(&text("Jl. Laptop 2")));
        assert_eq!(want.get("jabatan_nama"), Some(&text(&format!("Analis Kepegawaian {round}"))));
        for (name, d) in [("phone", &phone), ("laptop", &laptop), ("fas-a", &fas)] {
            assert_eq!(data_utama(d, nip), want, "order {order:?}: {name} converged with admin");
            assert!(d.outbox().expect("outbox").is_empty(), "{name}: outbox settled");
        }
        let lost = phone.conflicts(false).expect("conflicts");
        assert_eq!(lost.len(), 1, "order {order:?}: the phone's losing edit is logged: {lost:?}");
        assert_eq!((lost[0].field.as_str(), &lost[0].mine), ("no_hp", &text("+6281234500001")));
        assert_eq!(lost[0].theirs, text("+6281234500002"));
        assert!(laptop.conflicts(false).expect("conflicts").is_empty());
        assert_eq!(phone.record_sync_state(nip).expect("state"), RecordSyncState::Conflict);
        phone.dismiss_conflict(lost[0].id).expect("dismiss");
        assert_eq!(phone.record_sync_state(nip).expect("state"), RecordSyncState::Synced);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_change_stays_visible_until_discarded_and_discard_restores_the_value() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    sync(&admin).await;
    let nip = unit_nips(&admin, "UNIT-A").remove(0);
    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
    sync(&phone).await;
    let before = data_utama(&phone, &nip);

    // An ASN may not change their own jabatan: that comes from an SK, through the BKD.
    phone.edit_pegawai(&nip, &set(&[("jabatan_nama", "Kepala Badan"), ("alamat", "Jl. Baru 1")])).expect("edit");
    let report = sync(&phone).await;
    assert_eq!((report.pushed, report.refused), (1, 1), "{report:?}");
    let outbox = phone.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].state, OutboxState::Refused);
    assert_eq!(outbox[0].code.as_deref(), Some("forbidden.field"));
    assert!(outbox[0].message.as_deref().unwrap_or_default().contains("jabatan_nama"));
    assert_eq!(phone.record_sync_state(&nip).expect("state"), RecordSyncState::Refused);
    // The refusal does not block later changes.
    phone.edit_pegawai(&nip, &set(&[("no_hp", "081299900001")])).expect("edit");
    let report = sync(&phone).await;
    assert_eq!((report.pushed, report.applied), (1, 1), "{report:?}");
    sync(&admin).await;
    assert_eq!(data_utama(&admin, &nip).get("no_hp"), Some(&text("+6281299900001")));
    assert_eq!(data_utama(&admin, &nip).get("jabatan_nama"), before.get("jabatan_nama"), "refused: hub unchanged");

    phone.outbox_discard(&outbox[0].id).expect("discard");
    let after = data_utama(&phone, &nip);
    assert_eq!(after.get("jabatan_nama"), before.get("jabatan_nama"), "discard puts back the hub's value");
    assert_eq!(after.get("alamat"), before.get("alamat"));
    assert!(phone.outbox().expect("outbox").is_empty());
    assert_eq!(phone.record_sync_state(&nip).expect("state"), RecordSyncState::Synced);
}

#[tokio::test(flavor = "current_thread")]
async fn bad_credentials_and_a_missing_login_are_clear_errors_and_change_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 1);
    let d = device(tmp.path(), "d");
    match d.sync(&SyncOptions::default()).await {
        Err(berkas_core::Error::NotLoggedIn) => {}
        other => panic!("expected NotLoggedIn, got {other:?}"),
    }
    match d.login(&hub.url, "admin", "salah", None).await {
        Err(berkas_core::Error::Hub { status: 401, code, .. }) => assert_eq!(code, "auth.invalid_credentials"),
        other => panic!("expected 401, got {other:?}"),
    }
    assert_eq!(d.sync_status().expect("status").server, None, "a failed login leaves no half-session");
    let nowhere = "http://127.0.0.1:9";
    match d.login(nowhere, "admin", DEMO_PASSWORD, None).await {
        Err(berkas_core::Error::Network(_)) => {}
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_mutasi_moves_the_record_between_the_facilitators_devices() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 4);
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    sync(&admin).await;
    let (fas_a, fas_b) = (device(tmp.path(), "fas-a"), device(tmp.path(), "fas-b"));
    fas_a.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    fas_b.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("login");
    sync(&fas_a).await;
    sync(&fas_b).await;
    assert_eq!((fas_a.count_pegawai().expect("n"), fas_b.count_pegawai().expect("n")), (4, 4));

    let moved = unit_nips(&admin, "UNIT-A").remove(0);
    admin.edit_pegawai(&moved, &set(&[("unit", "UNIT-B")])).expect("mutasi");
    sync(&admin).await;

    let a = sync(&fas_a).await;
    assert!(a.scope_reset, "UNIT-A's facilitator is told to start over: {a:?}");
    assert_eq!(fas_a.count_pegawai().expect("n"), 3);
    assert!(matches!(fas_a.pegawai(&moved), Err(berkas_core::Error::NotFound(_))), "gone from UNIT-A's laptop");
    let b = sync(&fas_b).await;
    assert!(b.scope_reset, "{b:?}");
    assert_eq!(fas_b.count_pegawai().expect("n"), 5);
    assert_eq!(data_utama(&fas_b, &moved), data_utama(&admin, &moved), "UNIT-B gets the whole record");
    assert_eq!(unit_nips(&fas_b, "UNIT-B").len(), 5);
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_sync_keeps_whole_pages_only_and_the_next_sync_finishes() {
    use std::sync::{Arc, Mutex};
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 30);
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    let seen: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
    let opts = SyncOptions { pull_page: 50, ..SyncOptions::default() };
    let (cancel, log) = (opts.cancel.clone(), seen.clone());
    let opts = SyncOptions {
        progress: Some(Arc::new(move |p: &berkas_core::sync::SyncProgress| {
            let mut log = log.lock().expect("log");
            log.push((p.items, p.bytes_received));
            if log.len() == 3 {
                cancel.cancel();
            }
        })),
        ..opts
    };
    match laptop.sync(&opts).await {
        Err(berkas_core::Error::Cancelled) => {}
        other => panic!("expected Cancelled, got {other:?}"),
    }
    let progress = seen.lock().expect("log").clone();
    assert_eq!(progress.len(), 3, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "progress only grows: {progress:?}");
    let kept = laptop.count_pegawai().expect("count");
    let cursor = laptop.sync_status().expect("status").cursor;
    assert!(kept > 0 && kept < 60, "whole pages kept, not everything: {kept}");
    assert!(cursor > 0, "the cursor moved with the pages that were applied");

    let report = laptop.sync(&SyncOptions::default()).await.expect("sync again");
    assert_eq!(laptop.count_pegawai().expect("count"), 60, "{report:?}");
    assert_eq!(laptop.integrity_check().expect("check"), Vec::<String>::new());

    // Two records with no riwayat yet, made on another device: their score is written as they
    // arrive, the demo records' as their riwayat arrive (in other pages).
    let desk = device(tmp.path(), "desk");
    desk.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    for (nip, nama) in [("198503122010011002", "Rina Wulandari"), ("196805122000031002", "Bambang Sutrisno")] {
        desk.add_pegawai(&set(&[("nip_baru", nip), ("nama", nama), ("unit", "UNIT-A"), ("tempat_lahir", "Kupang")]))
            .expect("add");
    }
    let sent = sync(&desk).await;
    assert_eq!((sent.pushed, sent.refused), (2, 0), "{sent:?} {:?}", desk.outbox());
    sync(&laptop).await;
    let listed = laptop.list_pegawai(&ListFilter { limit: 100, ..ListFilter::default() }).expect("list");
    assert_eq!(listed.len(), 62);
    let mut without_riwayat = 0;
    for p in listed {
        let whole = laptop.pegawai(&p.nip).expect("record");
        without_riwayat += usize::from(whole.riwayat.values().all(Vec::is_empty));
        assert_eq!(p.completeness, whole.completeness.score, "stored score of {}", p.nip);
    }
    assert_eq!(without_riwayat, 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_record_typed_in_twice_is_refused_and_the_hubs_copy_arrives_once_the_other_is_discarded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let (desk, laptop) = (admin_device(&tmp, &hub, "desk").await, admin_device(&tmp, &hub, "laptop").await);
    const NIP: &str = "198503122010011002";
    desk.add_pegawai(&set(&[("nip_baru", NIP), ("nama", "Rina Wulandari"), ("unit", "UNIT-A")])).expect("add");
    let sk = set(&[("sk_nomor", "800/12/BKD/2010"), ("sk_tanggal", "2010-01-05"), ("tmt_golongan", "2010-01-01")]);
    desk.add_riwayat(NIP, Entity::RiwayatGolongan, &sk).expect("riwayat golongan");
    let sent = sync(&desk).await;
    assert_eq!((sent.applied, sent.refused), (2, 0), "{:?}", desk.outbox());

    // The laptop, offline, types the same ASN in again (another record, same NIP) and edits
    // someone else.
    laptop.add_pegawai(&set(&[("nip_baru", NIP), ("nama", "Rina W."), ("unit", "UNIT-A")])).expect("add");
    let other = unit_nips(&laptop, "UNIT-B")[0].clone();
    laptop.edit_pegawai(&other, &set(&[("jabatan_nama", "Analis SDM")])).expect("edit");
    let report = sync(&laptop).await;
    assert_eq!((report.applied, report.refused, report.waiting), (1, 1, 2), "{report:?}");
    let outbox = laptop.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1, "only the second record waits for its author: {outbox:?}");
    assert_eq!(outbox[0].code.as_deref(), Some("nip.taken"));
    assert!(outbox[0].message.as_deref().is_some_and(|m| m.contains(NIP)), "{outbox:?}");
    assert_eq!(data_utama(&laptop, NIP)["nama"], text("Rina W."), "the laptop's copy stays until its author decides");
    assert_eq!(data_utama(&laptop, &other)["jabatan_nama"], text("Analis SDM"));
    // A second sync keeps waiting and loses nothing.
    assert_eq!(sync(&laptop).await.waiting, 2);

    // Discarding it puts the hub's record (and its riwayat) in its place at once.
    laptop.outbox_discard(&outbox[0].id).expect("discard");
    let record = laptop.pegawai(NIP).expect("the hub's record");
    assert_eq!(record.data_utama.values, data_utama(&desk, NIP));
    assert_eq!(record.riwayat.get(&Entity::RiwayatGolongan).map(Vec::len), Some(1));
    assert_eq!(sync(&laptop).await.waiting, 0);
    assert_eq!(laptop.integrity_check().expect("check"), Vec::<String>::new());
    let listed = laptop.list_pegawai(&ListFilter { limit: 100, ..ListFilter::default() }).expect("list");
    let mine = listed.iter().find(|p| p.nip == NIP).expect("listed");
    assert_eq!(mine.completeness, record.completeness.score);
    assert!(laptop.search("Wulandari", 5).expect("search").iter().any(|p| p.nip == NIP), "found by name");
}

#[tokio::test(flavor = "current_thread")]
async fn a_nip_corrected_on_the_hub_to_one_held_here_waits_and_then_applies() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let (desk, laptop) = (admin_device(&tmp, &hub, "desk").await, admin_device(&tmp, &hub, "laptop").await);
    const TYPO: &str = "196805122000031002";
    const RIGHT: &str = "198503122010011002";
    desk.add_pegawai(&set(&[("nip_baru", TYPO), ("nama", "Rina Wulandari"), ("unit", "UNIT-A")])).expect("add");
    sync(&desk).await;
    sync(&laptop).await;
    // The laptop, offline, types her in again with the right NIP; the desk corrects the NIP.
    laptop.add_pegawai(&set(&[("nip_baru", RIGHT), ("nama", "Rina W."), ("unit", "UNIT-A")])).expect("add");
    desk.edit_pegawai(TYPO, &set(&[("nip_baru", RIGHT)])).expect("correct the NIP");
    sync(&desk).await;
    let report = sync(&laptop).await;
    assert_eq!((report.refused, report.waiting), (1, 1), "{report:?}");
    assert_eq!(data_utama(&laptop, RIGHT)["nama"], text("Rina W."));
    assert_eq!(data_utama(&laptop, TYPO)["nama"], text("Rina Wulandari"), "the correction waits");

    let refused = laptop.outbox().expect("outbox");
    assert_eq!(refused.len(), 1);
    laptop.outbox_discard(&refused[0].id).expect("discard");
    assert_eq!(data_utama(&laptop, RIGHT), data_utama(&desk, RIGHT));
    assert!(
        matches!(laptop.pegawai(TYPO), Err(berkas_core::Error::NotFound(_))),
        "the corrected record no longer has the old NIP"
    );
    assert_eq!(sync(&laptop).await.waiting, 0);
    assert_eq!(laptop.integrity_check().expect("check"), Vec::<String>::new());
}
