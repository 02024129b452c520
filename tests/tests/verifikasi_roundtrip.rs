//! Verification of a correction to official data across the ASN's phone, their laptop, the
//! facilitator's laptop and the hub: the ASN proposes offline, the facilitator sees each value
//! beside the official one, approves one field and returns the other with a reason, the ASN
//! fixes and resubmits, the facilitator approves, and the official record changes on every
//! device. Documents are decided one by one; a fake earns the uploader a teguran. The ASN's
//! own contact data applies at once.

use berkas_core::docs::{DocLink, DocPutusan};
use berkas_core::forms::{FieldDecision, Putusan};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{add_page, device, pages, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    let r = b.sync(&SyncOptions::default()).await.expect("sync");
    assert_eq!(r.refused, 0, "{r:?}");
    r
}

fn answers(pairs: &[(&str, &str)]) -> FieldMap {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
}

fn add_doc(b: &Berkas, nip: &str, id_ref: &str, usulan: &str, seed: u32) -> String {
    let page = pages::jpeg(&pages::scanned_page(1600 + seed, 2100), 90, None);
    add_page(b, nip, id_ref, DocLink::Usulan { id: usulan.to_string() }, &page)
}

fn official(b: &Berkas, nip: &str, field: &str) -> Option<String> {
    let rec = b.pegawai(nip).expect("record");
    rec.data_utama.values.get(field).and_then(Value::as_str).map(str::to_string)
}

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Invalid(list) => list.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected a field list, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_correction_is_returned_per_field_fixed_and_applied_everywhere() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fas).await;
    let nip = fas
        .list_pegawai(&ListFilter { unit: Some("UNIT-A".into()), limit: 5, ..ListFilter::default() })
        .expect("list")[2]
        .nip
        .clone();
    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;
    let laptop = device(tmp.path(), "laptop");
    laptop.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login on a second device");
    sync(&laptop).await;
    let old_tempat = official(&phone, &nip, "tempat_lahir").expect("a birthplace");

    // Offline on the phone. Values are checked by the record's own rules while filling in.
    let bad = phone.create_usulan(&nip, "koreksi_data_utama", &answers(&[("jenis_kelamin", "X")]));
    assert_eq!(codes(bad.expect_err("a bad sex code")), [("jenis_kelamin".into(), "field.sex".into())]);
    let sneaky = phone.create_usulan(&nip, "pemutakhiran_kontak", &answers(&[("tgl_lahir", "1990-01-01")]));
    assert_eq!(codes(sneaky.expect_err("official data in a contact form"))[0].1, "usulan.unknown_field");
    let id = phone
        .create_usulan(
            &nip,
            "koreksi_data_utama",
            &answers(&[("tempat_lahir", "Kota Bandung"), ("gelar_belakang", "S.T")]),
        )
        .expect("draft");
    let missing = codes(phone.submit_usulan(&id).expect_err("no supporting document"));
    assert_eq!(missing, [("dokumen:dokumen_pendukung".into(), "usulan.missing_document".into())]);
    let good = add_doc(&phone, &nip, "dokumen_pendukung", &id, 0);
    let fake = add_doc(&phone, &nip, "ijazah", &id, 40);
    let submitted = phone.submit_usulan(&id).expect("submit");
    assert_eq!((submitted.status.as_str(), submitted.queued), ("SUBMITTED", true));
    assert_eq!(official(&phone, &nip, "tempat_lahir").as_deref(), Some(old_tempat.as_str()), "not applied yet");
    sync(&phone).await;

    // The facilitator: each proposed value beside the official one.
    sync(&fas).await;
    let queue = fas.usulan_list(None, &["SUBMITTED", "RESUBMITTED", "IN_REVIEW"]).expect("queue");
    assert_eq!(queue.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    let docs: Vec<String> = fas.document_queue().expect("documents").into_iter().map(|d| d.id).collect();
    assert!(docs.contains(&good) && docs.contains(&fake), "{docs:?}");
    let lines = fas.verifikasi_usulan(&id).expect("lines");
    let tempat = lines.iter().find(|l| l.field == "tempat_lahir").expect("tempat_lahir line");
    assert_eq!(tempat.resmi, Some(Value::Text(old_tempat.clone())));
    assert_eq!(tempat.usul, Value::Text("Kota Bandung".into()));
    assert!(lines.iter().all(|l| l.tertunda));

    let no_reason = FieldDecision { field: "gelar_belakang".into(), putusan: Putusan::Kembalikan, alasan: None };
    assert_eq!(codes(fas.review_usulan(&id, &[no_reason]).expect_err("reason"))[0].1, "usulan.reason_required");
    let half = fas
        .review_usulan(&id, &[FieldDecision { field: "tempat_lahir".into(), putusan: Putusan::Setuju, alasan: None }])
        .expect("one field");
    assert_eq!(half.status, "IN_REVIEW", "one field still waits");
    let why = "Tulis gelar sesuai ijazah: S.T.";
    let returned = fas
        .review_usulan(
            &id,
            &[FieldDecision { field: "gelar_belakang".into(), putusan: Putusan::Kembalikan, alasan: Some(why.into()) }],
        )
        .expect("return one field");
    assert_eq!(returned.status, "RETURNED");
    assert!(returned.status_reason.as_deref().is_some_and(|r| r.contains("gelar_belakang") && r.contains(why)));
    fas.verify_document(&good, DocPutusan::Diterima, None).expect("accept");
    let no_reason = fas.verify_document(&fake, DocPutusan::TidakAsli, None).expect_err("a fake needs a reason");
    assert!(format!("{no_reason:?}").contains("usulan.reason_required"), "{no_reason:?}");
    fas.verify_document(&fake, DocPutusan::TidakAsli, Some("Nomor ijazah tidak terdaftar di PDDikti")).expect("fake");
    fas.verify_document(&fake, DocPutusan::TidakAsli, Some("Nomor ijazah tidak terdaftar di PDDikti")).expect("again");
    assert!(fas.document_queue().expect("queue").iter().all(|d| d.id != good && d.id != fake));
    sync(&fas).await;

    // Back on the phone: the returned field with its reason, the approved one not applied yet,
    // the document decisions, and one written warning.
    sync(&phone).await;
    let back = phone.usulan(&id).expect("usulan");
    assert_eq!(back.status, "RETURNED");
    assert_eq!(back.keputusan["gelar_belakang"].putusan, Putusan::Kembalikan);
    assert_eq!(back.keputusan["gelar_belakang"].alasan.as_deref(), Some(why));
    assert_eq!(back.keputusan["tempat_lahir"].putusan, Putusan::Setuju);
    assert_eq!(official(&phone, &nip, "tempat_lahir").as_deref(), Some(old_tempat.as_str()));
    let fake_seen = phone.document(&fake).expect("document").verifikasi.expect("decided");
    assert_eq!((fake_seen.putusan.as_str(), fake_seen.oleh.as_deref()), ("TIDAK_ASLI", Some("fas-a")));
    let teguran = phone.teguran(&nip).expect("teguran");
    assert_eq!(teguran.len(), 1, "one warning for one document, decided twice");
    assert_eq!(teguran[0].dokumen_id.as_deref(), Some(fake.as_str()));

    // The ASN may not write the facilitator's decisions: the hub refuses it.
    let forged: FieldMap = [("keputusan".to_string(), Value::Text("{}".into()))].into_iter().collect();
    phone.edit_riwayat(Entity::Usulan, &id, &forged).expect("a local write");
    let r = phone.sync(&SyncOptions::default()).await.expect("sync");
    assert_eq!(r.refused, 1, "{r:?}");
    let refused = phone.outbox().expect("outbox");
    let item = refused.iter().find(|o| o.state == OutboxState::Refused).expect("refused item");
    assert_eq!(item.code.as_deref(), Some("forbidden.field"));
    phone.outbox_discard(&item.id).expect("discard");

    // Fix and resubmit; the approved field carries over, the fixed one waits.
    phone.update_usulan(&id, &answers(&[("gelar_belakang", "S.T.")])).expect("fix");
    assert_eq!(phone.submit_usulan(&id).expect("resubmit").status, "RESUBMITTED");
    sync(&phone).await;
    sync(&fas).await;
    let lines = fas.verifikasi_usulan(&id).expect("lines");
    let waiting: Vec<&str> = lines.iter().filter(|l| l.tertunda).map(|l| l.field.as_str()).collect();
    assert_eq!(waiting, ["gelar_belakang"]);
    let approved = fas.decide_usulan(&id, "APPROVED", None).expect("approve the rest");
    assert_eq!(approved.status, "APPROVED");
    sync(&fas).await;

    // The hub applied the approved values: every device holds them after a sync.
    for (name, b) in [("facilitator", &fas), ("phone", &phone), ("laptop", &laptop)] {
        sync(b).await;
        assert_eq!(official(b, &nip, "tempat_lahir").as_deref(), Some("Kota Bandung"), "{name}");
        assert_eq!(official(b, &nip, "gelar_belakang").as_deref(), Some("S.T."), "{name}");
        assert_eq!(b.usulan(&id).expect("usulan").status, "APPROVED", "{name}");
    }
    let fresh = device(tmp.path(), "fresh");
    fresh.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    sync(&fresh).await;
    assert_eq!(official(&fresh, &nip, "tempat_lahir").as_deref(), Some("Kota Bandung"), "a new device too");
}

#[tokio::test(flavor = "current_thread")]
async fn own_contact_data_and_family_apply_when_submitted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fas).await;
    let nip = fas
        .list_pegawai(&ListFilter { unit: Some("UNIT-A".into()), limit: 5, ..ListFilter::default() })
        .expect("list")[1]
        .nip
        .clone();
    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;

    let bad = phone.create_usulan(&nip, "pemutakhiran_kontak", &answers(&[("nik", "12345")]));
    assert_eq!(codes(bad.expect_err("a short NIK"))[0].0, "nik");
    let id = phone.create_usulan(&nip, "pemutakhiran_kontak", &answers(&[("no_hp", "0812 3456 7890")])).expect("draft");
    let done = phone.submit_usulan(&id).expect("submit");
    assert_eq!(done.status, "APPLIED");
    assert_eq!(official(&phone, &nip, "no_hp").as_deref(), Some("+6281234567890"), "applied at once, normalised");

    let child = answers(&[
        ("nama", "Siti Aminah"),
        ("tgl_lahir", "2015-02-28"),
        ("jenis_kelamin", "F"),
        ("status_anak", "KANDUNG"),
    ]);
    let anak = phone.create_usulan(&nip, "pemutakhiran_anak", &child).expect("draft");
    let akta = add_doc(&phone, &nip, "akta_kelahiran", &anak, 0);
    assert_eq!(phone.submit_usulan(&anak).expect("submit").status, "APPLIED");
    assert_eq!(phone.submit_usulan(&anak).expect_err("once").code(), "invalid", "an applied form is done");
    sync(&phone).await;
    sync(&fas).await;
    assert_eq!(official(&fas, &nip, "no_hp").as_deref(), Some("+6281234567890"));
    let rec = fas.pegawai(&nip).expect("record");
    let before = rec.completeness.score;
    let children = rec.riwayat.get(&Entity::Anak).cloned().unwrap_or_default();
    assert_eq!(children.iter().filter(|r| r.id == anak).count(), 1, "the child row takes the request's id");

    // A rejected document covers nothing any more: the checklist wants a new one.
    let have = |b: &Berkas| {
        let c = b.layanan_checklist(&nip, "pemutakhiran_anak", &FieldMap::new(), Some(&anak)).expect("checklist");
        c.lines[0].have.len()
    };
    assert_eq!(have(&fas), 1);
    fas.verify_document(&akta, DocPutusan::Ditolak, Some("Akta terpotong di bagian bawah")).expect("reject");
    assert_eq!(have(&fas), 0);
    sync(&fas).await;
    sync(&phone).await;
    assert_eq!(have(&phone), 0, "the decision reached the phone");
    assert!(fas.pegawai(&nip).expect("record").completeness.score <= before);
}
