//! `kill -9` of `berkas sync` at random moments, 50 times in a row, with new edits in between;
//! then one clean sync. The hub must hold every change exactly once, and the device's records
//! must equal the hub's.

use berkas_core::model::{FieldMap, Value};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{berkas_cli as cli, bin, hub_log, HubProcess, TestRng, DEMO_PASSWORD};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Edits `count` (record, field) pairs not edited before; adds the new outbox ids to `seen`.
fn edit(profile: &Path, nips: &[String], next: &mut usize, count: usize, seen: &mut BTreeSet<String>) {
    let b = Berkas::open(profile).expect("open profile");
    // Distinct (record, field) pairs, so that no edit folds into a waiting one.
    let fields = [
        "jabatan_nama",
        "nomor_sk_pns",
        "nomor_sk_cpns",
        "gelar_belakang",
        "gelar_depan",
        "tempat_lahir",
        "kartu_asn",
        "karis_karsu",
    ];
    assert!(*next + count <= nips.len() * fields.len());
    for _ in 0..count {
        let nip = &nips[*next % nips.len()];
        let field = fields[(*next / nips.len()) % fields.len()];
        let mut set = FieldMap::new();
        set.insert(field.to_string(), Value::Text(format!("edit-{next}")));
        b.edit_pegawai(nip, &set).expect("edit");
        *next += 1;
    }
    seen.extend(b.outbox().expect("outbox").into_iter().map(|i| i.id));
}

#[tokio::test(flavor = "current_thread")]
async fn kill_9_during_sync_fifty_times_loses_and_doubles_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 10);
    kill_loop(&hub, &tmp).await;
}

#[tokio::test(flavor = "current_thread")]
async fn kill_9_during_sync_fifty_times_loses_and_doubles_nothing_on_postgresql() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 10).await;
    kill_loop(&hub, &tmp).await;
}

async fn kill_loop(hub: &HubProcess, tmp: &tempfile::TempDir) {
    let profile = tmp.path().join("admin");
    let ok = |out: std::process::Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    ok(cli(&profile, &["init", "--secret-store", "file", "--user", "admin"], None));
    ok(cli(&profile, &["login", "--server", &hub.url, "--user", "admin", "--password-stdin"], Some(DEMO_PASSWORD)));
    ok(cli(&profile, &["sync"], None));
    let nips: Vec<String> = {
        let b = Berkas::open(&profile).expect("open");
        let filter = ListFilter { limit: 100, ..ListFilter::default() };
        b.list_pegawai(&filter).expect("list").into_iter().map(|p| p.nip).collect()
    };
    assert_eq!(nips.len(), 20);

    let mut created = BTreeSet::new();
    let mut next = 0;
    edit(&profile, &nips, &mut next, 120, &mut created);
    let mut rng = TestRng::new(0x6b696c6c);
    let mut killed_mid_way = 0;
    for round in 0..50 {
        if round % 5 == 4 {
            edit(&profile, &nips, &mut next, 4, &mut created);
        }
        let mut child = Command::new(bin("berkas"))
            .arg("--profile")
            .arg(&profile)
            .args(["sync", "--push-batch", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sync");
        // A sync with nothing to push takes a few tens of milliseconds here (less as sync got
        // faster); one that pushes the outbox item by item, much longer. Killing within 25 ms
        // interrupts most of them, at every stage from opening the profile to the last page.
        std::thread::sleep(Duration::from_millis(rng.below(25)));
        if child.try_wait().expect("poll").is_none() {
            killed_mid_way += 1;
        }
        child.kill().ok(); // SIGKILL on Unix
        child.wait().expect("reap");
    }
    eprintln!("kill -9 loop: {killed_mid_way} of 50 syncs were interrupted");
    assert!(killed_mid_way >= 25, "the loop must really interrupt syncs (only {killed_mid_way} of 50 were)");

    // Changes the hub holds that the device still has waiting: a kill landed between the hub's
    // commit and the device recording it (the clean sync must not send them a second time).
    let waiting: BTreeSet<String> =
        Berkas::open(&profile).expect("open").outbox().expect("outbox").into_iter().map(|i| i.id).collect();
    let device_id = Berkas::open(&profile).expect("open").sync_status().expect("status").device;
    let landed_between = hub_log(&hub.url, "admin")
        .await
        .iter()
        .filter(|c| device_id.as_deref().is_some_and(|d| c["device"] == d))
        .filter(|c| c["id"].as_str().is_some_and(|id| waiting.contains(id)))
        .count();
    eprintln!("kill -9 loop: {landed_between} changes were on the hub but not yet recorded as sent");

    let out = ok(cli(&profile, &["sync", "--json"], None));
    let report: serde_json::Value = serde_json::from_slice(&out).expect("report");
    assert_eq!(report["refused"], 0, "{report}");
    let b = Berkas::open(&profile).expect("open");
    assert!(b.outbox().expect("outbox").is_empty(), "everything settled after a clean sync");

    let device = b.sync_status().expect("status").device.expect("device id");
    let log = hub_log(&hub.url, "admin").await;
    let mut from_device: BTreeMap<String, usize> = BTreeMap::new();
    // Each edit wrote a value of its own: a change sent again under another id would show here.
    let mut values: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for c in log.iter().filter(|c| c["device"] == device.as_str()) {
        *from_device.entry(c["id"].as_str().expect("id").to_string()).or_default() += 1;
        for (f, v) in c["fields"].as_object().expect("fields") {
            let key = (c["row"].as_str().expect("row").to_string(), f.clone(), v.to_string());
            *values.entry(key).or_default() += 1;
        }
    }
    assert_eq!(values.len(), next, "every edit's value is on the hub");
    assert!(values.values().all(|n| *n == 1), "no value arrived twice: {values:?}");
    assert_eq!(from_device.keys().cloned().collect::<BTreeSet<_>>(), created, "every change reached the hub");
    assert!(from_device.values().all(|n| *n == 1), "no change is in the hub's log twice");
    assert_eq!(created.len(), next, "each edit was one change");

    // The device's copy equals the hub's for every record.
    let fresh = berkas_tests::device(tmp.path(), "fresh");
    fresh.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    fresh.sync(&Default::default()).await.expect("sync");
    for nip in &nips {
        assert_eq!(
            fresh.pegawai(nip).expect("hub copy").data_utama.values,
            b.pegawai(nip).expect("device").data_utama.values
        );
    }
}
