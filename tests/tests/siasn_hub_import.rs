//! A BKD loads its SIASN export into a running hub with `berkas-server import siasn`, and a
//! facilitator's laptop receives its unit's records by an ordinary sync.

use berkas_core::model::Entity;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_tests::{bin, device, HubProcess, DEMO_PASSWORD};
use serde_json::Value;

#[tokio::test(flavor = "current_thread")]
async fn a_siasn_export_imported_into_a_serving_hub_reaches_the_unit_s_devices() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    laptop.sync(&Default::default()).await.expect("first sync");
    let before = laptop.count_pegawai().expect("count");

    let mut rng = Rng::new(11);
    let today = berkas_core::model::today();
    let docs: Vec<Value> = (7000..7020)
        .map(|i| pegawai_document(&mut rng, i, if i % 2 == 0 { "UNIT-A" } else { "UNIT-B" }, today))
        .collect();
    let file = tmp.path().join("siasn.json");
    std::fs::write(&file, serde_json::to_vec(&docs).expect("json")).expect("write");
    // The hub keeps serving while the import writes into its database.
    let import = |extra: &[&str]| {
        let out = std::process::Command::new(bin("berkas-server"))
            .args(["import", "siasn", "--data"])
            .arg(&hub.data)
            .args(extra)
            .arg(&file)
            .output()
            .expect("run the import");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        stdout
    };
    let preview = import(&["--dry-run"]);
    assert!(preview.contains("tidak ada yang ditulis: 20 dokumen: 20 baru"), "{preview}");
    let stdout = import(&[]);
    assert!(stdout.contains("20 dokumen: 20 baru, 0 diperbarui, 0 tetap"), "{stdout}");

    let report = laptop.sync(&Default::default()).await.expect("sync");
    assert_eq!(laptop.count_pegawai().expect("count"), before + 10, "the unit's ten imported ASN: {report:?}");
    for doc in &docs {
        let nip = doc["dataUtama"]["nipBaru"].as_str().expect("nip");
        let held = laptop.pegawai(nip);
        if doc["dataUtama"]["unitBerkas"] == "UNIT-A" {
            let record = held.expect("an imported record of the facilitator's unit");
            assert_eq!(
                record.data_utama.values.get("nama").and_then(|v| v.as_str()),
                doc["dataUtama"]["nama"].as_str()
            );
            let golongan = record.riwayat.get(&Entity::RiwayatGolongan).map_or(0, Vec::len);
            assert_eq!(golongan, doc["riwayat"]["golongan"].as_array().map_or(0, Vec::len));
        } else {
            assert!(
                matches!(held, Err(berkas_core::Error::NotFound("pegawai"))),
                "another unit's record is not on this laptop"
            );
        }
    }
}

/// The one problem of a refused action.
fn refusal(e: berkas_core::Error) -> String {
    match e {
        berkas_core::Error::Invalid(list) if list.len() == 1 => list[0].code.clone(),
        other => panic!("expected one refusal, got {other:?}"),
    }
}

/// A device's own import writes its profile only, so it is kept apart from a hub both ways: a
/// profile that syncs refuses it, and a profile holding imported records may not sign in
/// (the hub's records with the same NIPs could never be applied beside them).
#[tokio::test(flavor = "current_thread")]
async fn a_device_import_and_a_hub_are_kept_apart() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let mut rng = Rng::new(12);
    let today = berkas_core::model::today();
    let docs: Vec<Value> = (8000..8003).map(|i| pegawai_document(&mut rng, i, "UNIT-A", today)).collect();
    let bytes = serde_json::to_vec(&docs).expect("json");

    let laptop = device(tmp.path(), "laptop");
    laptop.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    laptop.sync(&Default::default()).await.expect("sync");
    let held = laptop.count_pegawai().expect("count");
    let e = laptop.import_siasn(&bytes[..], &mut |_| {}).expect_err("a syncing profile");
    assert_eq!(refusal(e), "siasn.profile_syncs");
    assert_eq!(laptop.count_pegawai().expect("count"), held);

    let standalone = device(tmp.path(), "standalone");
    let r = standalone.import_siasn(&bytes[..], &mut |_| {}).expect("import");
    assert_eq!(r.created, 3);
    let e = standalone.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect_err("imported records");
    assert_eq!(refusal(e), "sync.local_records");
    assert_eq!(standalone.count_pegawai().expect("count"), 3, "the imported records stay");
    let e = standalone.sync(&Default::default()).await.expect_err("not signed in");
    assert!(matches!(e, berkas_core::Error::NotLoggedIn), "{e:?}");
}
