//! SIASN JSON import and export: a round trip through two profiles gives the same documents,
//! a re-import changes nothing, and refused documents are reported while the rest go in.

use berkas_core::model::Entity;
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use chrono::NaiveDate;
use serde_json::{json, Value};

fn profile(dir: &tempfile::TempDir, name: &str) -> Berkas {
    Berkas::init(&dir.path().join(name), SecretStoreKind::File, "tester").expect("init")
}

fn docs(n: u64) -> Vec<Value> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(42);
    (0..n).map(|i| pegawai_document(&mut rng, i, if i % 2 == 0 { "UNIT-A" } else { "UNIT-B" }, today)).collect()
}

fn export_all(b: &Berkas) -> Value {
    let mut out = Vec::new();
    b.export_siasn_all(&mut out).expect("export");
    serde_json::from_slice(&out).expect("valid JSON")
}

#[test]
fn round_trip_through_two_profiles_is_lossless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = profile(&dir, "a");
    let input = serde_json::to_vec(&docs(30)).expect("json");
    let r = a.import_siasn(&input[..], &mut |_| {}).expect("import");
    assert_eq!((r.documents, r.created, r.refused.len()), (30, 30, 0), "{:?}", r.refused);
    // Family and confidential groups travel too.
    let nip = a.list_pegawai(&Default::default()).expect("list")[0].nip.clone();
    let f = |pairs: &[(&str, &str)]| {
        pairs.iter().map(|(k, v)| (k.to_string(), berkas_core::model::Value::Text(v.to_string()))).collect()
    };
    a.add_riwayat(
        &nip,
        Entity::Anak,
        &f(&[("nama", "Putri"), ("tgl_lahir", "2015-06-01"), ("jenis_kelamin", "F"), ("status_anak", "kandung")]),
    )
    .expect("anak");
    a.add_riwayat(
        &nip,
        Entity::RiwayatHukdis,
        &f(&[("jenis_hukuman_id", "2"), ("sk_nomor", "800/1/2020"), ("tmt_hukuman", "01-02-2020")]),
    )
    .expect("hukdis");

    let first = export_all(&a);
    let b = profile(&dir, "b");
    let r = b.import_siasn(serde_json::to_vec(&first).expect("json").as_slice(), &mut |_| {}).expect("import");
    assert_eq!((r.created, r.refused.len()), (30, 0));
    let second = export_all(&b);
    assert_eq!(first, second, "export -> import -> export changed the documents");

    let one = a.export_siasn(&nip).expect("one");
    assert_eq!(one["dataUtama"]["nipBaru"], Value::String(nip.clone()));
    assert!(one["dataUtama"]["tglLahir"].as_str().expect("date").chars().nth(2) == Some('-'), "dates are dd-mm-yyyy");
    assert_eq!(one["riwayat"]["anak"][0]["statusAnak"], "KANDUNG");
    assert_eq!(one["riwayat"]["hukdis"][0]["hukumanTanggal"], "01-02-2020");
}

#[test]
fn re_import_is_idempotent_and_updates_only_what_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = profile(&dir, "a");
    let mut input = docs(10);
    let bytes = serde_json::to_vec(&input).expect("json");
    a.import_siasn(&bytes[..], &mut |_| {}).expect("first");
    let again = a.import_siasn(&bytes[..], &mut |_| {}).expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 10));
    input[3]["dataUtama"]["alamat"] = json!("Jl. Baru No. 1");
    input[3]["riwayat"]["golongan"][0]["skNomor"] = json!("823/KOREKSI");
    let changed = a.import_siasn(serde_json::to_vec(&input).expect("json").as_slice(), &mut |_| {}).expect("changed");
    assert_eq!((changed.created, changed.updated, changed.unchanged), (0, 1, 9));
    let nip = input[3]["dataUtama"]["nipBaru"].as_str().expect("nip");
    let rec = a.pegawai(nip).expect("record");
    assert_eq!(
        rec.riwayat[&Entity::RiwayatGolongan].len(),
        input[3]["riwayat"]["golongan"].as_array().expect("arr").len()
    );
    assert_eq!(a.audit_trail(nip, 10).expect("audit")[0].action, "import_siasn");
}

#[test]
fn bad_documents_are_refused_with_reasons_and_the_rest_imported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = profile(&dir, "a");
    let mut input = docs(5);
    input[1]["dataUtama"]["nipBaru"] = json!("19850312201001300X");
    input[2]["dataUtama"]["noHp"] = json!("021-555");
    input[2]["riwayat"]["golongan"][0]["golonganId"] = json!("99");
    input[3]["riwayat"]["gajiBerkalaTidakAda"] = json!([]);
    let r = a.import_siasn(serde_json::to_vec(&input).expect("json").as_slice(), &mut |_| {}).expect("import");
    assert_eq!((r.documents, r.created), (5, 2));
    let refused: Vec<usize> = r.refused.iter().map(|p| p.index).collect();
    assert_eq!(refused, vec![1, 2, 3]);
    let fields: Vec<&str> = r.refused[1].errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["no_hp", "riwayat.golongan.golongan_id"]);
    assert_eq!(r.refused[0].errors[0].code, "nip.not_digit");
    assert_eq!(a.count_pegawai().expect("count"), 2);
    let nip2 = input[2]["dataUtama"]["nipBaru"].as_str().expect("nip");
    assert!(
        matches!(a.pegawai(nip2), Err(berkas_core::Error::NotFound("pegawai"))),
        "a refused document left nothing behind"
    );
}

#[test]
fn truncated_file_is_refused_without_storing_the_partial_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = profile(&dir, "a");
    let bytes = serde_json::to_vec(&docs(4)).expect("json");
    let cut = &bytes[..bytes.len() * 3 / 4];
    let e = a.import_siasn(cut, &mut |_| {}).expect_err("truncated");
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    assert_eq!(a.count_pegawai().expect("count"), 0);
}

#[test]
fn a_siasn_row_id_owned_by_another_pegawai_refuses_only_that_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = profile(&dir, "a");
    let mut input = docs(4);
    let taken = input[0]["riwayat"]["golongan"][0]["id"].clone();
    input[2]["riwayat"]["golongan"][1]["id"] = taken;
    let nama2 = input[2]["dataUtama"]["nama"].as_str().expect("nama").to_string();
    let nip2 = input[2]["dataUtama"]["nipBaru"].as_str().expect("nip").to_string();
    let r = a.import_siasn(serde_json::to_vec(&input).expect("json").as_slice(), &mut |_| {}).expect("import");
    assert_eq!((r.created, r.refused.len()), (3, 1));
    assert_eq!(r.refused[0].index, 2);
    assert_eq!(r.refused[0].errors[0].code, "siasn.duplicate_id");
    assert!(
        matches!(a.pegawai(&nip2), Err(berkas_core::Error::NotFound("pegawai"))),
        "the refused document left its pegawai behind"
    );
    assert!(a.search(&nip2, 5).expect("search").is_empty(), "the refused pegawai is in the search index");
    assert!(a.search(&nama2, 5).expect("search").iter().all(|p| p.nip != nip2));
    assert_eq!(a.integrity_check().expect("check"), Vec::<String>::new());
    // Every imported pegawai is searchable by NIP once the import is done.
    for d in input.iter().filter(|d| d["dataUtama"]["nipBaru"] != nip2.as_str()) {
        let nip = d["dataUtama"]["nipBaru"].as_str().expect("nip");
        assert_eq!(a.search(nip, 5).expect("search").len(), 1, "{nip} not indexed");
    }
}
