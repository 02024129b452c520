//! The list's marks agree with the record: a record is marked by the sync state
//! `record_sync_state` gives it and by the warnings its own view carries; a synced record
//! without warnings is not marked.

use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::sync::RecordSyncState;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use chrono::NaiveDate;

#[test]
fn marks_follow_the_sync_state_and_the_warnings_of_each_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "tester").expect("init");
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    let mut rng = Rng::new(3);
    let mut docs: Vec<_> = (0..6).map(|i| pegawai_document(&mut rng, i, "UNIT-A", today)).collect();
    // One NIK whose birth date (digits 7-12) is not the NIP's.
    let nik = docs[1]["dataUtama"]["nik"].as_str().expect("nik").to_string();
    let wrong = format!("{}{}{}", &nik[..6], if &nik[6..12] == "010170" { "020270" } else { "010170" }, &nik[12..]);
    docs[1]["dataUtama"]["nik"] = serde_json::Value::String(wrong);
    let input = serde_json::to_vec(&docs).expect("json");
    assert_eq!(b.import_siasn(&input[..], &mut |_| {}).expect("import").refused.len(), 0);
    let nips: Vec<String> = docs.iter().map(|d| d["dataUtama"]["nipBaru"].as_str().expect("nip").to_string()).collect();
    // An edit waits to be sent.
    let change: FieldMap = [("alamat".to_string(), Value::Text("Jl. Merdeka 1".into()))].into_iter().collect();
    b.edit_pegawai(&nips[2], &change).expect("edit");

    let marks = b.list_marks(Some("UNIT-A")).expect("marks");
    for nip in &nips {
        let state = b.record_sync_state(nip).expect("state");
        let warnings: Vec<String> = b.pegawai(nip).expect("record").warnings.into_iter().map(|w| w.code).collect();
        match marks.iter().find(|m| &m.nip == nip) {
            Some(m) => {
                assert_eq!(m.sync, state, "{nip}");
                assert_eq!(m.warnings, warnings, "{nip}");
            }
            None => assert!(state == RecordSyncState::Synced && warnings.is_empty(), "{nip} should be marked"),
        }
    }
    let marked: Vec<&str> = marks.iter().map(|m| m.nip.as_str()).collect();
    assert!(marked.contains(&nips[1].as_str()) && marked.contains(&nips[2].as_str()), "{marked:?}");
    assert!(marks.iter().any(|m| m.warnings.iter().any(|w| w == "nip_nik.birth_date")));
    assert_eq!(b.list_marks(Some("UNIT-B")).expect("marks"), vec![], "another unit's list");
}

#[test]
fn a_sync_state_reads_as_it_is_serialised() {
    use RecordSyncState as S;
    for s in [S::Synced, S::Pending, S::Uploading, S::Refused, S::Conflict] {
        assert_eq!(serde_json::to_value(s).expect("json"), serde_json::Value::String(s.code().into()));
    }
}
