//! Layanan checklists held against real records: conditions on the family and on the
//! request's answers, one document per qualifying child, attachments of the request itself;
//! a catalogue the BKD publishes on the hub reaching devices at sync.

use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
use berkas_core::forms::{Checklist, LayananCatalog, LineStatus};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{berkas_cli as berkas, device, pages};

const NIP: &str = "196805122000031002";

fn set(pairs: &[(&str, &str)]) -> FieldMap {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
}

fn line<'a>(c: &'a Checklist, id: &str) -> &'a berkas_core::forms::ChecklistLine {
    c.lines.iter().find(|l| l.id == id).unwrap_or_else(|| panic!("no line {id}"))
}

fn add_doc(b: &Berkas, id_ref: &str, link: DocLink, page: &[u8]) {
    let new = NewDocument {
        nip: NIP,
        id_ref_dokumen: id_ref,
        link,
        files: vec![PageInput { bytes: page, crop: None }],
        file_name: None,
        keep_unreadable: false,
    };
    b.add_document(&new, &CaptureOptions::default()).expect("add document");
}

#[test]
fn pensiun_checklist_follows_the_family_and_the_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = device(dir.path(), "asn");
    b.add_pegawai(&set(&[("nip_baru", NIP), ("nama", "Bambang Sutrisno"), ("unit", "UNIT-A")])).expect("pegawai");
    let none = FieldMap::new();
    let c = b.layanan_checklist(NIP, "pensiun_reguler", &none, None).expect("checklist");
    assert_eq!(line(&c, "akta_nikah").status, LineStatus::TidakPerlu, "no spouse, no akta nikah");
    assert_eq!(line(&c, "akta_kelahiran").status, LineStatus::TidakPerlu, "no children");
    assert_eq!(line(&c, "surat_pengantar").status, LineStatus::DilampirkanPadaUsulan);
    assert_eq!(line(&c, "pas_foto").status, LineStatus::Kurang);
    assert!(!c.complete && c.missing.contains(&"Pas foto 3x4 (5 lembar)".to_string()), "{:?}", c.missing);

    let spouse = b
        .add_riwayat(
            NIP,
            Entity::SuamiIstri,
            &set(&[
                ("nama", "Sri Wahyuni"),
                ("tgl_lahir", "1970-02-01"),
                ("tgl_menikah", "1995-06-10"),
                ("status", "MENIKAH"),
            ]),
        )
        .expect("spouse");
    let young = b
        .add_riwayat(
            NIP,
            Entity::Anak,
            &set(&[("nama", "Dewi"), ("tgl_lahir", "2012-04-03"), ("jenis_kelamin", "F"), ("status_anak", "KANDUNG")]),
        )
        .expect("child");
    let grown = b
        .add_riwayat(
            NIP,
            Entity::Anak,
            &set(&[("nama", "Agus"), ("tgl_lahir", "1996-09-09"), ("jenis_kelamin", "M"), ("status_anak", "KANDUNG")]),
        )
        .expect("child");
    let c = b.layanan_checklist(NIP, "pensiun_reguler", &none, None).expect("checklist");
    assert_eq!((line(&c, "akta_nikah").status, line(&c, "akta_nikah").needed), (LineStatus::Kurang, 1));
    assert_eq!(line(&c, "akta_kelahiran").needed, 1, "only the child under 25");

    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    // A birth certificate on the grown child's row does not cover the young one.
    add_doc(&b, "akta_kelahiran", DocLink::Riwayat { entity: Entity::Anak, row_id: grown }, &page);
    let c = b.layanan_checklist(NIP, "pensiun_reguler", &none, None).expect("checklist");
    assert_eq!(line(&c, "akta_kelahiran").status, LineStatus::Kurang);
    add_doc(&b, "akta_kelahiran", DocLink::Riwayat { entity: Entity::Anak, row_id: young }, &page);
    add_doc(&b, "akta_nikah", DocLink::Riwayat { entity: Entity::SuamiIstri, row_id: spouse }, &page);
    add_doc(&b, "pas_foto", DocLink::DataUtama, &page);
    add_doc(&b, "surat_pengantar", DocLink::Usulan { id: "usulan-1".into() }, &page);
    let c = b.layanan_checklist(NIP, "pensiun_reguler", &none, Some("usulan-1")).expect("checklist");
    for id in ["akta_kelahiran", "akta_nikah", "pas_foto", "surat_pengantar"] {
        assert_eq!(line(&c, id).status, LineStatus::Lengkap, "{id}");
    }
    let other = b.layanan_checklist(NIP, "pensiun_reguler", &none, Some("usulan-2")).expect("checklist");
    assert_eq!(
        line(&other, "surat_pengantar").status,
        LineStatus::Kurang,
        "another request's attachment does not count"
    );

    // A condition on the request's answers.
    let kp = b.layanan_checklist(NIP, "kp_reguler", &none, None).expect("checklist");
    assert_eq!(line(&kp, "ijazah").status, LineStatus::TidakPerlu);
    let kp = b.layanan_checklist(NIP, "kp_reguler", &set(&[("pendidikan_berubah", "ya")]), None).expect("checklist");
    assert_eq!(line(&kp, "ijazah").status, LineStatus::Kurang);
    assert_eq!(b.layanan_checklist(NIP, "tidak_ada", &none, None).expect_err("unknown").code(), "not_found");
}

/// A CLI profile holding one pegawai.
fn cli_profile(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("profile");
    assert!(berkas(&p, &["init", "--secret-store", "file"], None).status.success());
    let add = berkas(
        &p,
        &["pegawai", "add", "--set", &format!("nip_baru={NIP}"), "--set", "nama=Bambang", "--set", "unit=UNIT-A"],
        None,
    );
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
    p
}

#[test]
fn layanan_from_the_command_line_and_a_bkd_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = cli_profile(dir.path());
    let out = berkas(&p, &["layanan", "list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let groups: std::collections::BTreeSet<&str> =
        list.as_array().expect("list").iter().map(|l| l["kelompok"].as_str().expect("kelompok")).collect();
    assert_eq!(groups.len(), 19, "the 18 layanan and the data-update forms: {groups:?}");
    assert!(groups.contains("Pemutakhiran data"));
    let out = berkas(
        &p,
        &["layanan", "checklist", "kp_reguler", "--nip", NIP, "--set", "pendidikan_berubah=ya", "--json"],
        None,
    );
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ijazah = c["lines"].as_array().expect("lines").iter().find(|l| l["id"] == "ijazah").expect("ijazah line");
    assert_eq!(ijazah["status"], "kurang");
    assert_eq!(c["complete"], false);

    // The BKD switches a layanan off in a newer catalogue; an older one is refused.
    let mut catalog: serde_json::Value =
        serde_json::from_slice(&berkas(&p, &["layanan", "list", "--all", "--json"], None).stdout).expect("json");
    let mut layanan = catalog.as_array_mut().expect("list").clone();
    layanan.iter_mut().filter(|l| l["id"] == "ujian_dinas").for_each(|l| l["aktif"] = false.into());
    let update = serde_json::json!({ "version": 2, "published": "2027-01-02", "layanan": layanan });
    let file = dir.path().join("katalog.json");
    std::fs::write(&file, update.to_string()).expect("write");
    assert!(berkas(&p, &["layanan", "install", file.to_str().expect("p")], None).status.success());
    let out = berkas(&p, &["layanan", "list", "--json"], None);
    catalog = serde_json::from_slice(&out.stdout).expect("json");
    assert!(catalog.as_array().expect("list").iter().all(|l| l["id"] != "ujian_dinas"), "switched off");
    let again = berkas(&p, &["layanan", "install", file.to_str().expect("p")], None);
    assert_eq!(again.status.code(), Some(2), "same version again is refused");
}

#[test]
fn form_and_verify_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = cli_profile(dir.path());
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let draft = json(berkas(&p, &["form", "fill", "kartu_pegawai", "--nip", NIP, "--json"], None));
    let id = draft["id"].as_str().expect("id").to_string();
    assert_eq!(draft["status"], "DRAFT");
    let refused = berkas(&p, &["form", "submit", &id, "--json"], None);
    assert_eq!(refused.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&refused.stdout).expect("json error");
    assert_eq!(err["error"]["fields"].as_array().map(Vec::len), Some(2), "{err}");
    let bad = berkas(&p, &["form", "fill", "--id", &id, "--set", "hobi=x"], None);
    assert_eq!(bad.status.code(), Some(2), "an unknown answer is refused");

    let page = dir.path().join("p.jpg");
    std::fs::write(&page, pages::jpeg(&pages::scanned_page(1700, 2200), 90, None)).expect("write");
    for t in ["887", "pas_foto"] {
        json(berkas(&p, &["doc", "add", "--nip", NIP, "--type", t, page.to_str().expect("p"), "--json"], None));
    }
    assert_eq!(json(berkas(&p, &["form", "submit", &id, "--json"], None))["status"], "SUBMITTED");
    let queue = json(berkas(&p, &["verify", "queue", "--json"], None));
    assert_eq!(queue["usulan"].as_array().map(Vec::len), Some(1), "{queue}");
    assert_eq!(queue["dokumen"].as_array().map(Vec::len), Some(2), "both documents wait for a decision: {queue}");
    let returned = json(berkas(&p, &["verify", "return", &id, "--reason", "Foto buram", "--json"], None));
    assert_eq!(
        (returned["status"].as_str(), returned["status_reason"].as_str()),
        (Some("RETURNED"), Some("Foto buram"))
    );
    let status = berkas(&p, &["form", "status", &id], None);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("RETURNED") && text.contains("Foto buram"), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_bkd_publishes_a_catalogue_and_every_device_takes_it_at_its_next_sync() {
    use berkas_core::sync::SyncOptions;
    use berkas_tests::{HubProcess, DEMO_PASSWORD};
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("login");
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    let opts = SyncOptions::default();
    let first = fas.sync(&opts).await.expect("sync");
    assert_eq!(first.layanan_version, None, "the hub holds the shipped catalogue");

    let mut c = LayananCatalog::builtin();
    let shipped = c.version;
    c.version += 1;
    c.layanan.iter_mut().find(|l| l.id == "kartu_pegawai").expect("kartu_pegawai").aktif = false;
    let json = serde_json::to_string(&c).expect("json");
    let hub_code = |e: Error| match e {
        Error::Hub { code, .. } => code,
        other => panic!("expected the hub's refusal, got {other:?}"),
    };
    assert_eq!(hub_code(fas.publish_layanan_catalog(&json, &opts).await.expect_err("not admin")), "forbidden.role");
    assert_eq!(admin.publish_layanan_catalog(&json, &opts).await.expect("publish"), shipped + 1);
    let again = admin.publish_layanan_catalog(&json, &opts).await.expect_err("same version");
    assert_eq!(hub_code(again), "layanan.not_newer");

    let r = fas.sync(&opts).await.expect("sync");
    assert_eq!(r.layanan_version, Some(shipped + 1));
    assert_eq!(fas.layanan_catalog().expect("catalog").version, shipped + 1);
    let nip = fas.list_pegawai(&ListFilter { limit: 1, ..ListFilter::default() }).expect("list")[0].nip.clone();
    match fas.create_usulan(&nip, "kartu_pegawai", &FieldMap::new()) {
        Err(Error::Invalid(f)) => assert_eq!(f[0].code, "layanan.inactive"),
        other => panic!("a switched-off layanan took a request: {other:?}"),
    }
    assert_eq!(fas.sync(&opts).await.expect("sync").layanan_version, None, "asked once, answered once");
}
