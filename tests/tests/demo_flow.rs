//! The main job's flow as a newcomer runs it: synthetic ASN out of the CLI, into a fresh
//! profile, listed by unit and found by search; every NIP and NIK in the demo is valid.

use berkas_core::model::{check_nip_nik, Nik, Nip};
use std::process::Command;

#[test]
fn synthetic_demo_imports_lists_and_searches() {
    let berkas = berkas_tests::bin("berkas");
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");
    let run = |args: &[&str]| {
        let out = Command::new(&berkas).arg("--profile").arg(&profile).args(args).output().expect("run berkas");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    run(&["init", "--secret-store", "file"]);
    let docs: serde_json::Value = serde_json::from_slice(&run(&["synth", "--count", "40"])).expect("json");
    let docs = docs.as_array().expect("array");
    assert_eq!(docs.len(), 40);
    for d in docs {
        let nip = Nip::parse(d["dataUtama"]["nipBaru"].as_str().expect("nip")).expect("valid NIP");
        let nik = Nik::parse(d["dataUtama"]["nik"].as_str().expect("nik")).expect("valid NIK");
        assert!(check_nip_nik(&nip, &nik).is_empty());
    }
    let file = dir.path().join("demo.json");
    std::fs::write(&file, serde_json::to_vec(docs).expect("json")).expect("write");
    let report: serde_json::Value =
        serde_json::from_slice(&run(&["import", "siasn", file.to_str().expect("path"), "--json"])).expect("json");
    assert_eq!((report["created"].as_u64(), report["refused"].as_array().map(Vec::len)), (Some(40), Some(0)));
    let unit_a: serde_json::Value =
        serde_json::from_slice(&run(&["pegawai", "list", "--unit", "UNIT-A", "--json"])).expect("json");
    assert_eq!(unit_a.as_array().expect("array").len(), 20);
    let first = &docs[0]["dataUtama"];
    let name_word = first["nama"].as_str().expect("nama").split(' ').next().expect("word");
    let found: serde_json::Value =
        serde_json::from_slice(&run(&["pegawai", "search", name_word, "--limit", "50", "--json"])).expect("json");
    assert!(found.as_array().expect("array").iter().any(|p| p["nip"] == first["nipBaru"]));
}
