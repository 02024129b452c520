//! The sync commands of `berkas` as a newcomer uses them against a hub: login (a wrong password
//! is a clear error), sync, status, the outbox with a refused change, discard, conflicts.

use berkas_tests::{berkas_cli as berkas, HubProcess, DEMO_PASSWORD};
use std::process::Output;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn login_sync_status_outbox_and_discard_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let admin = tmp.path().join("admin");
    assert!(berkas(&admin, &["init", "--secret-store", "file"], None).status.success());
    let login = ["login", "--server", hub.url.as_str(), "--user", "admin", "--password-stdin", "--json"];
    let wrong = berkas(&admin, &login, Some("not-the-password\n"));
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(json(&wrong)["error"]["code"], "auth.invalid_credentials");
    let ok = berkas(&admin, &login, Some(DEMO_PASSWORD));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(json(&ok)["role"], "admin");
    let synced = json(&berkas(&admin, &["sync", "--json"], None));
    assert_eq!(synced["pulled"].as_u64().map(|n| n >= 4), Some(true), "{synced}");
    let list = json(&berkas(&admin, &["pegawai", "list", "--unit", "UNIT-A", "--json"], None));
    let nip = list[0]["nip"].as_str().expect("nip").to_string();

    // The ASN on their own phone: a change to an official field is refused, and shown.
    let phone = tmp.path().join("phone");
    assert!(berkas(&phone, &["init", "--secret-store", "file"], None).status.success());
    let login = ["login", "--server", hub.url.as_str(), "--user", nip.as_str(), "--password-stdin"];
    assert!(berkas(&phone, &login, Some(DEMO_PASSWORD)).status.success());
    assert!(berkas(&phone, &["sync"], None).status.success());
    let edit = berkas(&phone, &["pegawai", "edit", &nip, "--set", "jabatan_nama=Sekretaris Daerah"], None);
    assert!(edit.status.success(), "{}", String::from_utf8_lossy(&edit.stderr));
    let status = json(&berkas(&phone, &["status", "--json"], None));
    assert_eq!((status["pending"].as_u64(), status["user"].as_str()), (Some(1), Some(nip.as_str())));
    let report = json(&berkas(&phone, &["sync", "--json"], None));
    assert_eq!((report["pushed"].as_u64(), report["refused"].as_u64()), (Some(1), Some(1)));
    let outbox = json(&berkas(&phone, &["outbox", "list", "--json"], None));
    assert_eq!(outbox[0]["state"], "refused");
    assert_eq!(outbox[0]["code"], "forbidden.field");
    let human = berkas(&phone, &["outbox", "list"], None);
    assert!(String::from_utf8_lossy(&human.stdout).contains("forbidden.field"));
    let id = outbox[0]["id"].as_str().expect("id");
    assert!(berkas(&phone, &["outbox", "discard", id], None).status.success());
    assert_eq!(json(&berkas(&phone, &["outbox", "list", "--json"], None)), serde_json::json!([]));
    assert_eq!(json(&berkas(&phone, &["status", "--json"], None))["refused"], 0);
    assert_eq!(json(&berkas(&phone, &["conflicts", "--json"], None)), serde_json::json!([]));
    let missing = berkas(&phone, &["outbox", "retry", "no-such-id"], None);
    assert_eq!(missing.status.code(), Some(2), "an unknown item is bad input");
}
