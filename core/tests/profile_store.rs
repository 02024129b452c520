//! The profile on disk: encrypted, refuses a wrong or missing key without touching the file,
//! validates every write, keeps an audit trail, searches and scores completeness.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::secrets::{MemorySecretStore, Secret, SecretStore, SecretStoreKind};
use berkas_core::{Berkas, Error, ListFilter};
use std::sync::Arc;

fn fields(pairs: &[(&str, &str)]) -> FieldMap {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
}

fn budi() -> FieldMap {
    fields(&[
        ("nip_baru", "198503122010011002"),
        ("nama", "Budi Santoso"),
        ("nik", "3374011203850004"),
        ("tgl_lahir", "12-03-1985"),
        ("jenis_kelamin", "M"),
        ("no_hp", "0812-3456-7890"),
        ("agama_id", "1"),
        ("unit", "UNIT-A"),
        ("gol_ruang_akhir_id", "32"),
    ])
}

fn new_profile() -> (tempfile::TempDir, Berkas) {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "tester").expect("init");
    (dir, b)
}

fn sha(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

#[test]
fn database_file_is_ciphertext() {
    let (_d, b) = new_profile();
    b.add_pegawai(&budi()).expect("add");
    let path = b.database_path();
    drop(b);
    let bytes = std::fs::read(&path).expect("read db");
    assert!(!bytes.starts_with(b"SQLite format 3\0"), "plain SQLite header on disk");
    let needle = b"Budi Santoso";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "a name is readable in the file");
    // The sqlite3 shell (installed by .ci/run) cannot read it either.
    let out = std::process::Command::new("sqlite3").arg(&path).arg("SELECT count(*) FROM pegawai;").output();
    if let Ok(out) = out {
        assert!(!out.status.success(), "sqlite3 opened the encrypted database");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a database"));
    }
}

#[test]
fn wrong_key_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("p");
    let store = Arc::new(MemorySecretStore::default());
    let b = Berkas::init_with(&p, SecretStoreKind::Keyring, store.clone(), "tester").expect("init");
    b.add_pegawai(&budi()).expect("add");
    let key_name = format!("berkas/{}/db-key", b.config().id);
    drop(b);
    let before_db = sha(&p.join("berkas.db"));
    let files_before: Vec<_> = std::fs::read_dir(&p).expect("ls").map(|e| e.expect("e").file_name()).collect();

    let right = store.get(&key_name).expect("get").expect("key");
    store.put(&key_name, &Secret::random_key().expect("key")).expect("put wrong key");
    match Berkas::open_with(&p, store.clone()) {
        Err(Error::WrongKey) => {}
        Err(e) => panic!("expected WrongKey, got {e}"),
        Ok(_) => panic!("opened with the wrong key"),
    }
    assert_eq!(sha(&p.join("berkas.db")), before_db, "the database changed");
    let files_after: Vec<_> = std::fs::read_dir(&p).expect("ls").map(|e| e.expect("e").file_name()).collect();
    assert_eq!(files_before.len(), files_after.len(), "files appeared");

    store.delete(&key_name).expect("delete");
    assert!(matches!(Berkas::open_with(&p, store.clone()), Err(Error::KeyMissing { .. })));

    store.put(&key_name, &right).expect("restore");
    let b = Berkas::open_with(&p, store).expect("right key opens");
    assert_eq!(b.count_pegawai().expect("count"), 1);
}

#[test]
fn opening_where_no_profile_is_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("nothing-here");
    assert!(matches!(Berkas::open(&p), Err(Error::NoProfile(_))));
    assert!(!p.exists());
    let (_d, b) = new_profile();
    let again = Berkas::init(b.dir(), SecretStoreKind::File, "x");
    assert!(matches!(again, Err(Error::ProfileExists(_))));
}

#[test]
fn refused_input_names_fields_and_stores_nothing() {
    let (_d, b) = new_profile();
    b.add_pegawai(&budi()).expect("add");
    let before = b.pegawai("198503122010011002").expect("show");
    let e = b
        .edit_pegawai("198503122010011002", &fields(&[("no_hp", "021-555"), ("agama_id", "99"), ("hobi", "x")]))
        .expect_err("refused");
    let Error::Invalid(errs) = e else { panic!("expected Invalid") };
    let mut named: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    named.sort();
    assert_eq!(named, vec!["agama_id", "hobi", "no_hp"]);
    let after = b.pegawai("198503122010011002").expect("show");
    assert_eq!(before.data_utama, after.data_utama);
    assert_eq!(b.audit_trail("198503122010011002", 10).expect("audit").len(), 1, "only the create is audited");
    // The same NIP twice is refused.
    assert!(matches!(b.add_pegawai(&budi()), Err(Error::DuplicateNip)));
}

#[test]
fn edits_are_normalised_audited_and_rescored() {
    let (_d, b) = new_profile();
    let added = b.add_pegawai(&budi()).expect("add");
    assert!(added.warnings.is_empty(), "consistent NIP/NIK: {:?}", added.warnings);
    let changed = b
        .edit_pegawai(
            "198503122010011002",
            &fields(&[("no_hp", "+62 813 0000 1111"), ("email_gov", "budi@bkd.jatengprov.go.id")]),
        )
        .expect("edit");
    assert_eq!(changed, vec!["email_gov", "no_hp"]);
    let r = b.pegawai("198503122010011002").expect("show");
    assert_eq!(r.data_utama.values.get("no_hp"), Some(&Value::Text("+6281300001111".into())));
    assert!(r.completeness.score > added.completeness);
    let trail = b.audit_trail("198503122010011002", 10).expect("audit");
    assert_eq!(trail[0].action, "update");
    assert_eq!(trail[0].detail.as_ref().expect("detail")["no_hp"]["new"], "+6281300001111");

    let id = b
        .add_riwayat(
            "198503122010011002",
            Entity::RiwayatGolongan,
            &fields(&[("golongan_id", "32"), ("sk_nomor", "823/1/2014"), ("tmt_golongan", "2014-04-01")]),
        )
        .expect("riwayat");
    let r2 = b.pegawai("198503122010011002").expect("show");
    assert_eq!(r2.riwayat[&Entity::RiwayatGolongan][0].id, id);
    assert!(r2.completeness.missing.iter().any(|m| m.what == "sk_kp" && m.row_id.as_deref() == Some(id.as_str())));
    b.delete_riwayat(Entity::RiwayatGolongan, &id).expect("delete");
    assert!(!b.pegawai("198503122010011002").expect("show").riwayat.contains_key(&Entity::RiwayatGolongan));
}

#[test]
fn nip_nik_mismatch_is_a_warning_not_a_refusal() {
    let (_d, b) = new_profile();
    let mut f = budi();
    f.insert("nik".into(), Value::Text("3374015203850004".into())); // a woman's NIK
    let added = b.add_pegawai(&f).expect("stored despite the mismatch");
    assert!(added.warnings.iter().any(|w| w.code == "nip_nik.sex"));
}

#[test]
fn search_by_name_nip_and_nik() {
    let (_d, b) = new_profile();
    b.add_pegawai(&budi()).expect("add");
    b.add_pegawai(&fields(&[
        ("nip_baru", "199001152015032001"),
        ("nama", "Siti Nurhaliza Aminah"),
        ("unit", "UNIT-B"),
    ]))
    .expect("add");
    b.add_pegawai(&fields(&[("nip_baru", "199204112021212003"), ("nama", "Désy Rahmawati"), ("unit", "UNIT-B")]))
        .expect("add");
    let nips = |q: &str| b.search(q, 10).expect("search").into_iter().map(|s| s.nip).collect::<Vec<_>>();
    assert_eq!(nips("siti amin"), vec!["199001152015032001"]);
    assert_eq!(nips("1985031"), vec!["198503122010011002"]);
    assert_eq!(nips("3374011203850004"), vec!["198503122010011002"]);
    assert_eq!(nips("desy"), vec!["199204112021212003"], "diacritics fold");
    assert!(nips("tidakada").is_empty());
    assert!(nips("\"*) OR (").is_empty());
    let unit_b =
        b.list_pegawai(&ListFilter { unit: Some("UNIT-B".into()), limit: 10, ..Default::default() }).expect("list");
    assert_eq!(unit_b.len(), 2);
    let low =
        b.list_pegawai(&ListFilter { below_completeness: Some(20), limit: 10, ..Default::default() }).expect("list");
    assert!(low.iter().all(|p| p.completeness < 20));
}

/// A province's profile holds many people sharing a first name: search reads a bounded number
/// of matches, yet still finds the one rare name among them and puts whole-word matches first.
#[test]
fn search_finds_a_rare_name_among_many_sharing_its_prefix() {
    use berkas_core::synth::{pegawai_document, Rng};
    let (_d, b) = new_profile();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(7);
    let (mut lines, mut nip_of) = (String::new(), std::collections::HashMap::new());
    // 1,500 Muhammads (more than the quick lookup reads), a lone "Budi" among them early on,
    // and one Muhaimin last: only the whole-word lookup reaches him.
    for i in 0..1_502u64 {
        let mut d = pegawai_document(&mut rng, i, "UNIT-A", today);
        let nama = match i {
            10 => "Budi".to_string(),
            1_501 => "Muhaimin Iskandar".to_string(),
            _ => format!("Muhammad Budiman {i}"),
        };
        d["dataUtama"]["nama"] = serde_json::Value::String(nama.clone());
        nip_of.insert(nama, d["dataUtama"]["nipBaru"].as_str().expect("nip").to_string());
        lines.push_str(&d.to_string());
        lines.push('\n');
    }
    let report = b.import_siasn(lines.as_bytes(), &mut |_| {}).expect("import");
    assert_eq!(report.created, 1_502, "{:?}", report.refused.first());
    let found = |q: &str, limit| b.search(q, limit).expect("search").into_iter().map(|s| s.nama).collect::<Vec<_>>();
    assert_eq!(found("muhaimin", 10), vec!["Muhaimin Iskandar"]);
    assert_eq!(found("muhai isk", 10), vec!["Muhaimin Iskandar"]);
    let muhammad = found("muhammad", 20);
    assert_eq!(muhammad.len(), 20);
    assert!(muhammad.iter().all(|n| n.starts_with("Muhammad ")), "{muhammad:?}");
    // "Budi" is a whole word of one record and starts a word of every other.
    assert_eq!(found("budi", 20).first().map(String::as_str), Some("Budi"));
    let by_nip = b.search(&nip_of["Muhaimin Iskandar"], 5).expect("search");
    assert_eq!(by_nip.iter().map(|s| s.nama.as_str()).collect::<Vec<_>>(), vec!["Muhaimin Iskandar"]);
}
