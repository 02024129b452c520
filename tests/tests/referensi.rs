//! Reference tables travel with sync: a fresh ASN's profile that signs in and syncs once
//! names every code of its record offline and refuses an unknown one; a table an admin changes
//! on the hub reaches a device at its next sync; a sync cut in the middle of a table leaves the
//! device on the old complete table.

use berkas_core::display::Lang;
use berkas_core::model::{Entity, FieldKind, Value};
use berkas_core::sync::SyncOptions;
use berkas_core::Berkas;
use berkas_tests::proxy::{FaultPlan, FaultProxy};
use berkas_tests::{berkas_cli, bin, device, HubProcess, DEMO_PASSWORD};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn shared_referensi() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siasn-referensi")
}

/// The rows of a shared reference table file, counted from the file itself.
fn rows_in_shared(table: &str) -> i64 {
    use std::io::Read;
    let mut s = String::new();
    let file = std::fs::File::open(shared_referensi().join(format!("{table}.json.gz"))).expect("open");
    flate2::read::GzDecoder::new(file).read_to_string(&mut s).expect("gunzip");
    serde_json::from_str::<Vec<serde_json::Value>>(&s).expect("array").len() as i64
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The NIP of one demo ASN (each has an account named by it).
fn some_asn(admin: &Path, url: &str) -> String {
    ok(&berkas_cli(admin, &["init", "--secret-store", "file"], None));
    ok(&berkas_cli(admin, &["login", "--server", url, "--user", "admin", "--password-stdin"], Some(DEMO_PASSWORD)));
    ok(&berkas_cli(admin, &["sync"], None));
    let list: serde_json::Value =
        serde_json::from_str(&ok(&berkas_cli(admin, &["pegawai", "list", "--json"], None))).expect("json");
    list[0]["nip"].as_str().expect("nip").to_string()
}

#[test]
fn a_fresh_asn_profile_names_every_code_after_one_sync_and_refuses_unknown_ones_offline() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let refs = shared_referensi().to_string_lossy().into_owned();
    let hub = HubProcess::demo_with(&tmp.path().join("hub"), 2, &["--referensi", &refs]);
    let nip = some_asn(&tmp.path().join("admin"), &hub.url);

    let phone = tmp.path().join("phone");
    ok(&berkas_cli(&phone, &["init", "--secret-store", "file"], None));
    ok(&berkas_cli(&phone, &["login", "--server", &hub.url, "--user", &nip, "--password-stdin"], Some(DEMO_PASSWORD)));
    let sync: serde_json::Value =
        serde_json::from_str(&ok(&berkas_cli(&phone, &["sync", "--json"], None))).expect("json");
    let pulled: Vec<&str> = sync["referensi"].as_array().expect("tables").iter().filter_map(|t| t.as_str()).collect();
    // Every table a field's codes come from arrives in the first sync (the built-in ones too:
    // the hub's copies replace them), and no table no field uses.
    let wanted = berkas_core::refdata::device_tables();
    for name in &wanted {
        let given = shared_referensi().join(format!("{name}.json.gz")).exists();
        assert_eq!(pulled.contains(name), given, "{name}: {pulled:?}");
    }
    assert!(pulled.len() >= 20 && pulled.iter().all(|t| wanted.contains(t)), "{pulled:?}");
    assert!(!pulled.contains(&"kabupaten"), "a table no field uses stays on the hub");
    // No `import referensi` on this profile: the tables came with sync.
    let tables: serde_json::Value =
        serde_json::from_str(&ok(&berkas_cli(&phone, &["referensi", "list", "--json"], None))).expect("json");
    let jf = tables.as_array().expect("tables").iter().find(|t| t["name"] == "jabatanFungsional").expect("jf");
    let in_file = rows_in_shared("jabatanFungsional");
    assert_eq!((jf["source"].as_str(), jf["row_count"].as_i64()), (Some("hub"), Some(in_file)));

    // Every coded field of the record is named, none marked unknown.
    let record: serde_json::Value =
        serde_json::from_str(&ok(&berkas_cli(&phone, &["pegawai", "show", &nip, "--json"], None))).expect("json");
    let mut named = 0;
    let groups = std::iter::once((Entity::DataUtama, vec![record["data_utama"].clone()]))
        .chain(Entity::riwayat().map(|e| (e, record["riwayat"][e.key()].as_array().cloned().unwrap_or_default())));
    for (entity, rows) in groups {
        for row in rows {
            for f in entity.def().fields {
                let shown = &row["fields"][f.name];
                assert!(shown["label"].is_string() && shown["display"].is_string(), "{}: {shown}", f.name);
                let coded = matches!(f.kind, FieldKind::Ref(_) | FieldKind::Sex | FieldKind::Choice(_));
                if coded && !shown["value"].is_null() {
                    assert!(shown["warning"].is_null(), "{} is not named: {shown}", f.name);
                    assert_ne!(shown["display"], shown["value"], "{} shows its code, not a name", f.name);
                    named += 1;
                }
            }
        }
    }
    assert!(named >= 8, "a demo record has coded fields ({named})");
    let text = ok(&berkas_cli(&phone, &["pegawai", "show", &nip], None));
    let gol = record["data_utama"]["fields"]["gol_ruang_akhir_id"].clone();
    let line = format!("{} ({})", gol["display"].as_str().expect("display"), gol["value"].as_str().expect("code"));
    assert!(text.contains(&line), "the text names the golongan beside its code ({line}):\n{text}");
    assert!(text.contains("Golongan ruang terakhir"), "labels in Bahasa Indonesia by default");
    let en = ok(&berkas_cli(&phone, &["--lang", "en", "pegawai", "show", &nip], None));
    assert!(en.contains("Current rank (golongan)") && !en.contains("Golongan ruang terakhir"), "{en}");

    // Offline: the hub is gone, and a code no table knows is refused, naming the table.
    drop(hub);
    let jf_code =
        ok(&berkas_cli(&phone, &["referensi", "show", "jabatanFungsional", "--search", "guru", "--json"], None));
    let rows: serde_json::Value = serde_json::from_str(&jf_code).expect("json");
    let guru = rows[0]["id"].as_str().expect("a jabatan fungsional guru").to_string();
    let known = ok(&berkas_cli(&phone, &["check", "field", "jabatan_fungsional_id", &guru, "--json"], None));
    assert!(known.contains(&format!("\"display\": {}", rows[0]["display"])), "{known}");
    let bad = berkas_cli(&phone, &["check", "field", "jabatan_fungsional_id", "BUKAN-KODE"], None);
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("Jabatan fungsional") && err.contains("field.unknown_code"), "{err}");
    let before = ok(&berkas_cli(&phone, &["pegawai", "show", &nip, "--json"], None));
    let edit = berkas_cli(&phone, &["pegawai", "edit", &nip, "--set", "agama_id=99"], None);
    assert_eq!(edit.status.code(), Some(2), "an unknown agama is refused on the device");
    assert!(String::from_utf8_lossy(&edit.stderr).contains("Agama"), "the refusal names the field");
    assert_eq!(ok(&berkas_cli(&phone, &["pegawai", "show", &nip, "--json"], None)), before, "nothing changed");
}

fn opts() -> SyncOptions {
    opts_new_client(0)
}

/// A device keeps its HTTP connections alive; another timeout makes it build a new client,
/// whose connections meet the proxy's current plan.
fn opts_new_client(n: u64) -> SyncOptions {
    SyncOptions { max_attempts: 1, timeout: Duration::from_millis(5_000 + n), ..SyncOptions::default() }
}

/// A folder with a few small reference tables and the jabatanFungsional table (the hub wants
/// it), taken from the shared SIASN set.
fn small_referensi(dir: &Path) -> PathBuf {
    let out = dir.join("referensi");
    std::fs::create_dir_all(&out).expect("mkdir");
    for t in ["agama", "kawin", "eselon", "jabatanFungsional", "jenisJabatan", "kedudukanHukum", "golonganPns"] {
        let name = format!("{t}.json.gz");
        std::fs::copy(shared_referensi().join(&name), out.join(&name)).expect("copy table");
    }
    out
}

fn held(b: &Berkas, table: &str) -> (Option<String>, i64) {
    let t = b.ref_tables().expect("tables").into_iter().find(|t| t.name == table).expect("table held");
    (t.version, t.row_count)
}

fn jf_is_known(b: &Berkas, code: &str) -> bool {
    b.check_field(Entity::DataUtama, "jabatan_fungsional_id", Value::Text(code.into()), Lang::Id).is_ok()
}

#[tokio::test(flavor = "current_thread")]
async fn a_table_changed_on_the_hub_reaches_devices_and_a_cut_sync_keeps_the_old_table_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let refs = small_referensi(tmp.path());
    let hub_dir = tmp.path().join("hub");
    let hub = HubProcess::demo_with(&hub_dir, 2, &["--referensi", &refs.to_string_lossy()]);
    let proxy = FaultProxy::start(&hub.url, FaultPlan::clean());
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&proxy.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    let first = laptop.sync(&opts()).await.expect("first sync");
    assert!(first.referensi.contains(&"jabatanFungsional".to_string()), "{:?}", first.referensi);
    let (v1, rows1) = held(&laptop, "jabatanFungsional");
    assert_eq!(rows1, rows_in_shared("jabatanFungsional"));
    let again = laptop.sync(&opts()).await.expect("second sync");
    assert!(again.referensi.is_empty(), "an unchanged table is not fetched again: {:?}", again.referensi);

    // The BKD adds a jabatan fungsional and imports the table while the hub serves.
    let raw = berkas_core::refdata::read_json_file(&refs.join("jabatanFungsional.json.gz")).expect("read");
    let mut rows: Vec<serde_json::Value> = serde_json::from_slice(&raw).expect("rows");
    rows.push(serde_json::json!({"id": "JF-UJI-BARU", "nama": "PENATA KEPEGAWAIAN AHLI UJI", "usiaBup": 60}));
    let changed = tmp.path().join("jabatanFungsional.json");
    std::fs::write(&changed, serde_json::to_vec(&rows).expect("json")).expect("write");
    let out = Command::new(bin("berkas-server"))
        .args(["import", "referensi", "--data"])
        .arg(&hub_dir)
        .arg(&changed)
        .output()
        .expect("import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!jf_is_known(&laptop, "JF-UJI-BARU"));

    // Every answer is cut after 6-14 KB: the table (about 35 KB on the wire) never arrives
    // whole. The device keeps the old table, complete, and the code stays unknown.
    proxy.set_plan(FaultPlan::cut_responses(7, 6_000, 14_000));
    for _ in 0..3 {
        let cut = laptop.sync(&opts_new_client(1)).await.expect_err("the table is cut");
        assert!(matches!(cut, berkas_core::Error::Network(_)), "{cut:?}");
        assert_eq!(held(&laptop, "jabatanFungsional"), (v1.clone(), rows1), "never half a table");
        assert!(!jf_is_known(&laptop, "JF-UJI-BARU"));
        assert!(jf_is_known(&laptop, rows[0]["id"].as_str().expect("id")), "the old table still checks codes");
    }

    proxy.set_plan(FaultPlan::clean());
    let r = laptop.sync(&opts_new_client(2)).await.expect("sync after the cut");
    assert_eq!(r.referensi, vec!["jabatanFungsional".to_string()], "only the changed table is fetched");
    let (v2, rows2) = held(&laptop, "jabatanFungsional");
    assert_ne!(v2, v1);
    assert_eq!(rows2, rows1 + 1);
    assert!(jf_is_known(&laptop, "JF-UJI-BARU"), "the new jabatan reaches the device");
    let shown = laptop
        .check_field(Entity::DataUtama, "jabatan_fungsional_id", Value::Text("JF-UJI-BARU".into()), Lang::Id)
        .expect("known");
    assert_eq!(shown.display, "PENATA KEPEGAWAIAN AHLI UJI");

    // The hub judges by the new table too: a push naming the new code is applied.
    let nip = laptop.list_pegawai(&Default::default()).expect("list")[0].nip.clone();
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    admin.sync(&opts()).await.expect("admin sync");
    let fields = [("jabatan_fungsional_id".to_string(), Value::Text("JF-UJI-BARU".into()))].into();
    admin.edit_pegawai(&nip, &fields).expect("edit with the new code");
    let pushed = admin.sync(&opts()).await.expect("push");
    assert_eq!((pushed.applied, pushed.refused), (1, 0), "{pushed:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_document_larger_than_the_hub_accepts_is_refused_on_the_device_naming_the_limit() {
    use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_with(&tmp.path().join("hub"), 1, &["--max-document-mb", "1"]);
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    assert!(laptop.hub_settings().expect("settings").is_none(), "nothing known before a sync");
    laptop.sync(&opts()).await.expect("sync");
    let s = laptop.hub_settings().expect("settings").expect("stored at sync");
    assert_eq!((s.protocol, s.max_document_bytes), (1, 1 << 20));
    assert!(s.document_types.iter().any(|t| t == "application/pdf"), "{s:?}");

    // Six photographed pages make a PDF of more than 1 MB.
    let photos: Vec<Vec<u8>> =
        (0..6).map(|i| berkas_tests::pages::jpeg(&berkas_tests::pages::phone_photo(i).0, 92, None)).collect();
    let nip = laptop.list_pegawai(&Default::default()).expect("list")[0].nip.clone();
    let new = NewDocument {
        nip: &nip,
        id_ref_dokumen: "889",
        link: DocLink::DataUtama,
        files: photos.iter().map(|p| PageInput { bytes: p, crop: None }).collect(),
        file_name: None,
        keep_unreadable: true,
    };
    let before = laptop.documents(&nip).expect("docs").len();
    let e = laptop.add_document(&new, &CaptureOptions::default()).expect_err("over the hub's limit");
    assert_eq!(e.code(), "doc.too_large_for_hub");
    let text = berkas_core::display::error_text(&e, Lang::Id);
    assert!(text.starts_with("berkas ") && text.ends_with("melebihi batas 1 MB dari server"), "{text}");
    assert!(e.to_string().contains("at most 1 MB"), "{e}");
    assert_eq!(laptop.documents(&nip).expect("docs").len(), before, "nothing stored");
    assert!(laptop.outbox().expect("outbox").is_empty(), "nothing queued for upload");

    // One page fits, and the hub takes it.
    let one = NewDocument { files: vec![PageInput { bytes: &photos[0], crop: None }], ..new };
    laptop.add_document(&one, &CaptureOptions::default()).expect("a page under the limit");
    let r = laptop.sync(&opts()).await.expect("upload");
    assert_eq!(r.blobs_uploaded, 1);
    let e = berkas_core::Error::TooLargeForHub { size: 48 << 20, limit: 40 << 20 };
    assert_eq!(berkas_core::display::error_text(&e, Lang::Id), "berkas 48 MB melebihi batas 40 MB dari server");
}
