//! Documents travel: an ASN captures on the phone, syncs; the facilitator of the unit sees the
//! metadata (with the readability verdict and the override) and fetches the bytes; the
//! facilitator of another unit sees neither, and the hub refuses them the blob. A delete
//! travels too.

use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput, Verdict};
use berkas_core::sync::SyncOptions;
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{access_token, device, pages, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

#[tokio::test(flavor = "current_thread")]
async fn a_document_reaches_the_units_facilitator_and_no_one_else() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let fas_a = device(tmp.path(), "fas-a");
    fas_a.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas-a login");
    sync(&fas_a).await;
    let filter = ListFilter { unit: Some("UNIT-A".into()), limit: 10, ..ListFilter::default() };
    let nip = fas_a.list_pegawai(&filter).expect("list")[0].nip.clone();

    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;
    // A blurred page, kept on purpose: the facilitator must see both the verdict and that.
    let page = pages::jpeg(&pages::blurred(&pages::scanned_page(1700, 2200), 3.0), 90, None);
    let new = NewDocument {
        nip: &nip,
        id_ref_dokumen: "889",
        link: DocLink::DataUtama,
        files: vec![PageInput { bytes: &page, crop: None }],
        file_name: Some("sk-cpns.jpg".into()),
        keep_unreadable: true,
    };
    let (doc, prepared) = phone.add_document(&new, &CaptureOptions::default()).expect("add");
    let report = sync(&phone).await;
    assert_eq!(report.blobs_uploaded, 1, "{report:?}");
    assert!(report.pushed >= 1 && report.refused == 0, "{report:?}");
    assert_eq!(sync(&phone).await.blobs_uploaded, 0, "a blob goes up once");

    sync(&fas_a).await;
    let seen = fas_a.documents(&nip).expect("documents on the facilitator's laptop");
    assert_eq!(seen.len(), 1);
    let d = &seen[0];
    assert_eq!(
        (d.id.as_str(), d.sha256.as_str(), d.id_ref_dokumen.as_str()),
        (doc.id.as_str(), doc.sha256.as_str(), "889")
    );
    assert!(d.readability_override);
    let verdict = d.readability.as_ref().expect("verdict travels");
    assert_eq!(verdict.verdict, Verdict::Flagged);
    assert_eq!(verdict.problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["blurred"]);
    // Metadata first; the bytes on demand, with a thumbnail made on arrival.
    assert_eq!(fas_a.document_bytes(&d.id).expect_err("not yet").code(), "doc.not_downloaded");
    assert!(fas_a.fetch_document(&d.id, &SyncOptions::default()).await.expect("facilitator fetches the bytes"));
    assert!(!fas_a.fetch_document(&d.id, &SyncOptions::default()).await.expect("once"), "fetched once");
    assert_eq!(fas_a.document_bytes(&d.id).expect("open"), prepared.bytes);
    let thumb = fas_a.document_thumbnail(&d.id).expect("thumbnail").expect("made on fetch");
    assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]) && thumb.len() < prepared.bytes.len() / 4);

    let fas_b = device(tmp.path(), "fas-b");
    fas_b.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("fas-b login");
    sync(&fas_b).await;
    let absent = fas_b.documents(&nip).expect_err("the record is not on fas-b's laptop at all");
    assert!(matches!(absent, berkas_core::Error::NotFound("pegawai")), "{absent:?}");
    let refused = fas_b.fetch_blob(&d.sha256, &SyncOptions::default()).await.expect_err("another unit's document");
    assert!(matches!(&refused, berkas_core::Error::Hub { status: 404, .. }), "{refused:?}");
    let raw = reqwest::Client::new()
        .get(format!("{}/v1/blobs/{}", hub.url, d.sha256))
        .bearer_auth(access_token(&hub.url, "fas-b").await)
        .send()
        .await
        .expect("get");
    assert_eq!(raw.status().as_u16(), 404, "another unit's facilitator may not read the blob");

    // A facilitator writes only decisions: a document they add to the ASN's record is refused
    // by the hub. The BKD's admin adds the SK it issued; it reaches the phone and the
    // facilitator.
    let scan = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    let for_asn = NewDocument {
        id_ref_dokumen: "887",
        files: vec![PageInput { bytes: &scan, crop: None }],
        keep_unreadable: false,
        ..new.clone()
    };
    let (not_theirs, _) = fas_a.add_document(&for_asn, &CaptureOptions::default()).expect("a local add");
    let up = sync(&fas_a).await;
    assert_eq!(up.refused, 1, "{up:?}");
    fas_a.outbox_discard(&fas_a.outbox().expect("outbox")[0].id).expect("discard");
    assert!(fas_a.documents(&nip).expect("documents").iter().all(|d| d.id != not_theirs.id));
    let admin = device(tmp.path(), "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    let (scanned, _) = admin.add_document(&for_asn, &CaptureOptions::default()).expect("admin adds");
    let up = sync(&admin).await;
    assert_eq!((up.blobs_uploaded, up.refused), (1, 0), "{up:?}");
    sync(&phone).await;
    assert!(phone.documents(&nip).expect("documents").iter().any(|d| d.id == scanned.id));
    phone.fetch_blob(&scanned.sha256, &SyncOptions::default()).await.expect("the ASN fetches the scan");

    phone.delete_document(&doc.id).expect("delete");
    sync(&phone).await;
    sync(&fas_a).await;
    let left: Vec<String> = fas_a.documents(&nip).expect("documents").into_iter().map(|d| d.id).collect();
    assert_eq!(left, [scanned.id.as_str()], "the delete travels, the other document stays");
    assert!(!fas_a.document_path(&d.sha256).exists(), "and the sealed file goes with it");
}
