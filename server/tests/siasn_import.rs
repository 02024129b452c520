//! `berkas-server import siasn`: a SIASN export into the hub's records as logged changes, on
//! both storage backends. Importing again adds nothing; a changed document changes only what
//! differs, and never an ASN's own contact data; bad documents are refused by name while the
//! rest go in; a cut file changes nothing.

mod common;

use berkas_core::model::{Entity, Value};
use berkas_core::synth::{pegawai_document, Rng};
use berkas_server::siasn_import::{import_siasn, ImportOptions};
use berkas_server::store::Storage;
use berkas_server::{demo, AppState};
use chrono::NaiveDate;
use common::Backend;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

fn documents(n: u64) -> Vec<Json> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(7);
    // Far from the demo's indexes, so no NIP is the demo's.
    (5000..5000 + n)
        .map(|i| pegawai_document(&mut rng, i, if i % 2 == 0 { "UNIT-A" } else { "UNIT-B" }, today))
        .collect()
}

fn write_lines(dir: &Path, name: &str, docs: &[Json]) -> PathBuf {
    let path = dir.join(name);
    let text: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    std::fs::write(&path, text.join("\n")).expect("write documents");
    path
}

fn riwayat_count(doc: &Json) -> usize {
    doc["riwayat"].as_object().map_or(0, |groups| groups.values().filter_map(|g| g.as_array()).map(Vec::len).sum())
}

fn nip_of(doc: &Json) -> String {
    doc["dataUtama"]["nipBaru"].as_str().expect("nip").to_string()
}

async fn log_end(store: &dyn Storage) -> i64 {
    store.changes_after(0, u32::MAX).await.expect("log").last().map_or(0, |c| c.seq)
}

/// The live rows of the record holding `nip`: (entity, values).
async fn record(store: &dyn Storage, nip: &str) -> Vec<(Entity, berkas_core::model::FieldMap)> {
    let p = store.pegawai_by_nip(nip).await.expect("lookup").expect("the record is in the hub");
    let rows = store.rows_of(&p.id).await.expect("rows");
    rows.into_iter().filter(|(_, _, s)| s.is_live()).map(|(e, _, s)| (e, s.values)).collect()
}

fn field<'a>(rows: &'a [(Entity, berkas_core::model::FieldMap)], name: &str) -> Option<&'a Value> {
    rows.iter().find(|(e, _)| *e == Entity::DataUtama).and_then(|(_, v)| v.get(name))
}

async fn import_creates_then_changes_only_what_differs(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(backend, dir.path()).await;
    let blobs = std::sync::Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store.clone(), blobs).expect("state");
    demo::seed(&state, "rahasia-demo", 2).await.expect("seed");
    // The demo's records were typed in before (their rows have ids of their own): their SIASN
    // documents match them by NIP and by values, and add nothing.
    let mut rng = Rng::new(demo::SEED);
    let demo_docs: Vec<Json> = (0..4)
        .map(|i| pegawai_document(&mut rng, i, demo::UNITS[(i % 2) as usize], berkas_core::model::today()))
        .collect();
    let before = log_end(&*store).await;
    let file = write_lines(dir.path(), "demo.jsonl", &demo_docs);
    let r = import_siasn(&state, &file, "admin", ImportOptions::default(), &mut |_| {}).await.expect("import");
    assert_eq!((r.documents, r.created, r.updated, r.unchanged, r.riwayat_rows), (4, 0, 0, 4, 0), "{:?}", r.refused);
    assert_eq!(log_end(&*store).await, before);

    let mut docs = documents(12);

    let file = write_lines(dir.path(), "siasn.jsonl", &docs);
    let r = import_siasn(&state, &file, "admin", ImportOptions::default(), &mut |_| {}).await.expect("import");
    assert_eq!((r.documents, r.created, r.updated, r.refused.len()), (12, 12, 0, 0), "{:?}", r.refused);
    assert_eq!(r.riwayat_rows, docs.iter().map(riwayat_count).sum::<usize>());
    let first = record(&*store, &nip_of(&docs[0])).await;
    assert_eq!(field(&first, "nama").and_then(Value::as_str), docs[0]["dataUtama"]["nama"].as_str());
    let id = store.pegawai_by_nip(&nip_of(&docs[0])).await.expect("lookup").expect("record").id;
    let audit = store.audit_list(Some(&id), 10).await.expect("audit");
    assert!(audit.iter().any(|a| a.action == "import_siasn" && a.actor == "admin"), "{audit:?}");
    assert_eq!(first.iter().filter(|(e, _)| *e != Entity::DataUtama).count(), riwayat_count(&docs[0]));
    // Every row went into the log, which is what devices pull.
    let imported = store.changes_after(before, u32::MAX).await.expect("log");
    assert_eq!(imported.len(), 12 + r.riwayat_rows);
    assert!(imported.iter().all(|c| c.body.contains("\"siasn-import\"")));

    // The same file again: nothing to do.
    let end = log_end(&*store).await;
    let again = import_siasn(&state, &file, "admin", ImportOptions::default(), &mut |_| {}).await.expect("again");
    assert_eq!((again.created, again.updated, again.unchanged, again.riwayat_rows), (0, 0, 12, 0));
    assert_eq!(log_end(&*store).await, end, "a re-import logs nothing");

    // BKN corrected an official field and a decree number, and has an older e-mail; two
    // documents are bad.
    let old_email = field(&first, "email").cloned();
    docs[0]["dataUtama"]["tempatLahir"] = json!("Kota Baru");
    docs[0]["dataUtama"]["email"] = json!("lama@mail.example.id");
    docs[1]["riwayat"]["golongan"][0]["skNomor"] = json!("823/999/2001");
    let mut bad_code = documents(13).pop().expect("doc");
    bad_code["dataUtama"]["agamaId"] = json!("99");
    let mut no_nip = documents(14).pop().expect("doc");
    no_nip["dataUtama"].as_object_mut().expect("object").remove("nipBaru");
    docs.extend([bad_code.clone(), no_nip]);
    let file = write_lines(dir.path(), "siasn-2.jsonl", &docs);
    let end = log_end(&*store).await;
    // A preview first: the same counts, and nothing written.
    let preview = ImportOptions { dry_run: true };
    let seen = import_siasn(&state, &file, "admin", preview, &mut |_| {}).await.expect("preview");
    assert_eq!((seen.documents, seen.created, seen.updated, seen.unchanged, seen.refused.len()), (14, 0, 2, 10, 2));
    assert_eq!(log_end(&*store).await, end, "a preview writes nothing");
    let changed = import_siasn(&state, &file, "admin", ImportOptions::default(), &mut |_| {}).await.expect("changed");
    assert_eq!((changed.documents, changed.created, changed.updated, changed.unchanged), (14, 0, 2, 10));
    let refused: Vec<(usize, &str)> = changed.refused.iter().map(|p| (p.index, p.errors[0].code.as_str())).collect();
    assert_eq!(refused, [(12, "field.unknown_code"), (13, "field.required")]);
    assert_eq!(changed.refused[0].nip.as_deref(), Some(nip_of(&bad_code).as_str()));
    assert!(store.pegawai_by_nip(&nip_of(&bad_code)).await.expect("lookup").is_none(), "a refused document is not in");
    assert_eq!(store.changes_after(end, u32::MAX).await.expect("log").len(), 2, "one change per changed row");
    let first = record(&*store, &nip_of(&docs[0])).await;
    assert_eq!(field(&first, "tempat_lahir").and_then(Value::as_str), Some("Kota Baru"));
    assert_eq!(field(&first, "email").cloned(), old_email, "the ASN's own e-mail stays");
    let second = record(&*store, &nip_of(&docs[1])).await;
    let golongan: Vec<_> = second.iter().filter(|(e, _)| *e == Entity::RiwayatGolongan).collect();
    assert_eq!(golongan.len(), docs[1]["riwayat"]["golongan"].as_array().map_or(0, Vec::len), "updated in place");
    assert!(golongan.iter().any(|(_, v)| v.get("sk_nomor").and_then(Value::as_str) == Some("823/999/2001")));

    // One record twice in a file (two days of an export joined): the later document wins,
    // and each is judged against what is stored, so only the changed field is logged.
    let mut later = docs[2].clone();
    later["dataUtama"]["tempatLahir"] = json!("Kota Lama");
    let rows_before = record(&*store, &nip_of(&docs[2])).await.len();
    let twice = write_lines(dir.path(), "twice.jsonl", &[docs[2].clone(), later]);
    let end = log_end(&*store).await;
    let r = import_siasn(&state, &twice, "admin", ImportOptions::default(), &mut |_| {}).await.expect("twice");
    assert_eq!((r.documents, r.updated, r.unchanged, r.riwayat_rows), (2, 1, 1, 0), "{:?}", r.refused);
    assert_eq!(store.changes_after(end, u32::MAX).await.expect("log").len(), 1);
    let third = record(&*store, &nip_of(&docs[2])).await;
    assert_eq!(field(&third, "tempat_lahir").and_then(Value::as_str), Some("Kota Lama"));
    assert_eq!(third.len(), rows_before, "no row doubled");

    // A cut file: refused whole, naming the file, and nothing is written.
    let text = std::fs::read_to_string(&file).expect("read");
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, format!("{}\n{}", documents(20)[19], &text[..text.len() / 2])).expect("write");
    let end = log_end(&*store).await;
    let e = import_siasn(&state, &cut, "admin", ImportOptions::default(), &mut |_| {}).await.expect_err("a cut file");
    assert!(e.to_string().contains("cut.jsonl") && e.to_string().contains("nothing was imported"), "{e}");
    assert_eq!(log_end(&*store).await, end);
    assert!(store.pegawai_by_nip(&nip_of(&documents(20)[19])).await.expect("lookup").is_none());
}

#[tokio::test]
async fn import_creates_then_changes_only_what_differs_sqlite() {
    import_creates_then_changes_only_what_differs(Backend::Sqlite).await
}

#[tokio::test]
async fn import_creates_then_changes_only_what_differs_postgres() {
    import_creates_then_changes_only_what_differs(Backend::Postgres).await
}
