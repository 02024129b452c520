//! The ASN's phone, through core, against a real hub: the app opens offline after a restart on
//! the session it kept; a sync tells the ASN what happened to their requests; a revoked account
//! is asked to sign in again without losing what waits; a large document waits for Wi-Fi while
//! the contact update goes on mobile data.

use berkas_core::display::Lang;
use berkas_core::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::sync::{Network, SyncOptions};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{add_page, bin, device, pages, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

/// A facilitator of UNIT-A, synced, and the NIP of an ASN of that unit.
async fn facilitator(dir: &std::path::Path, hub: &HubProcess) -> (Berkas, String) {
    let fas = device(dir, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas-a login");
    sync(&fas).await;
    let filter = ListFilter { unit: Some("UNIT-A".into()), limit: 10, ..ListFilter::default() };
    let nip = fas.list_pegawai(&filter).expect("list")[0].nip.clone();
    (fas, nip)
}

fn text(pairs: &[(&str, &str)]) -> FieldMap {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn the_phone_opens_offline_hears_its_news_and_is_asked_to_sign_in_when_revoked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let (fas, nip) = facilitator(tmp.path(), &hub).await;
    let phone_dir = tmp.path().join("phone");
    {
        let phone = Berkas::init(&phone_dir, SecretStoreKind::File, "phone").expect("profile");
        assert!(!phone.session().expect("session").signed_in, "a new phone asks to sign in");
        phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
        let first = sync(&phone).await;
        assert_eq!(first.news, vec![], "what the hub held before signing in is not news");
        phone.set_language(Lang::En).expect("language");
    }

    // The app restarts with no hub in reach: it opens on the record, in the chosen language.
    let hub_url = hub.url.clone();
    let data = hub.data.clone();
    drop(hub);
    let phone = Berkas::open(&phone_dir).expect("reopen");
    let s = phone.session().expect("session");
    assert!(s.signed_in && s.last_sync.is_some(), "{s:?}");
    assert_eq!(s.own_nip.as_deref(), Some(nip.as_str()));
    assert_eq!(s.server.as_deref(), Some(hub_url.as_str()));
    assert_eq!(phone.language().expect("language"), Some(Lang::En));
    assert!(phone.pegawai(&nip).is_ok(), "the record opens offline");
    let id = phone.create_usulan(&nip, "koreksi_data_utama", &text(&[("gelar_belakang", "S.Kom")])).expect("draft");
    let page = pages::jpeg(&pages::scanned_page(1240, 1754), 85, None);
    add_page(&phone, &nip, "dokumen_pendukung", DocLink::Usulan { id: id.clone() }, &page);
    phone.submit_usulan(&id).map(|_| ()).unwrap_or_else(|e| panic!("submit offline: {e}"));
    assert!(phone.session().expect("session").outbox > 0, "signing out now would lose the request");

    // The hub is back (same data dir): one sync sends the request; the facilitator returns it.
    // Where the phone knows it; its access tokens live one second (used below).
    let hub = HubProcess::demo_at(&data, 2, &hub_url, &["--access-ttl", "1"]);
    let sent = sync(&phone).await;
    assert_eq!((sent.refused, sent.news.len()), (0, 0), "{sent:?}");
    sync(&fas).await;
    fas.decide_usulan(&id, "RETURNED", Some("Lampirkan ijazah S1")).expect("return");
    sync(&fas).await;
    let news = sync(&phone).await.news;
    assert_eq!(news.len(), 1, "{news:?}");
    assert_eq!(
        (news[0].kind.as_str(), news[0].id.as_str(), news[0].layanan_id.as_deref(), news[0].reason.as_deref()),
        ("returned", id.as_str(), Some("koreksi_data_utama"), Some("Lampirkan ijazah S1"))
    );
    assert_eq!(sync(&phone).await.news, vec![], "told once");

    // The account is revoked: the next sync ends the session here, nothing waiting is lost.
    phone.update_usulan(&id, &text(&[("gelar_belakang", "S.Kom., M.T.")])).expect("answer the return");
    let revoked = std::process::Command::new(bin("berkas-server"))
        .args(["user", "revoke", "--data"])
        .arg(&hub.data)
        .arg(&nip)
        .output()
        .expect("revoke");
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    // Access tokens live one second on this hub: the next sync must refresh, and is refused.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let err = phone.sync(&SyncOptions::default()).await.expect_err("a revoked account syncs no more");
    assert_eq!(err.code(), "sync.session_ended", "{err}");
    let after = phone.session().expect("session");
    assert!(!after.signed_in, "the app asks to sign in at its next launch");
    assert!(after.outbox > 0, "the answer still waits");
    assert_eq!(
        phone.usulan(&id).expect("request").answers.get("gelar_belakang").map(Value::to_text).as_deref(),
        Some("S.Kom., M.T.")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_large_document_waits_for_an_unmetered_network_unless_sent_now() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let (fas, nip) = facilitator(tmp.path(), &hub).await;
    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
    sync(&phone).await;
    let limit = phone.hub_settings().expect("settings").expect("fetched at sync").metered_document_bytes;

    // Four photographed pages make one PDF well above the limit; a contact update beside it.
    let photos: Vec<Vec<u8>> = (0..4).map(|i| pages::jpeg(&pages::phone_photo(i).0, 95, None)).collect();
    let new = NewDocument {
        nip: &nip,
        id_ref_dokumen: "889",
        link: DocLink::DataUtama,
        files: photos.iter().map(|p| PageInput { bytes: p, crop: None }).collect(),
        file_name: Some("sk-cpns.pdf".into()),
        keep_unreadable: true,
    };
    let (doc, prepared) = phone.add_document(&new, &CaptureOptions::default()).expect("capture");
    assert!(prepared.bytes.len() as u64 > limit, "the test's document must exceed {limit} bytes");
    phone.edit_pegawai(&nip, &text(&[("no_hp", "081234567890")])).expect("contact update");

    let metered = SyncOptions { network: Network::Metered, ..SyncOptions::default() };
    let r = phone.sync(&metered).await.expect("sync on mobile data");
    assert_eq!((r.blobs_uploaded, r.blobs_held), (0, 1), "{r:?}");
    sync(&fas).await;
    assert_eq!(
        fas.pegawai(&nip).expect("record").data_utama.values.get("no_hp").map(Value::to_text).as_deref(),
        Some("+6281234567890")
    );
    assert!(fas.documents(&nip).expect("documents").iter().all(|d| d.id != doc.id), "the row waits with its bytes");

    // On Wi-Fi it goes.
    let r = sync(&phone).await;
    assert_eq!((r.blobs_uploaded, r.blobs_held), (1, 0), "{r:?}");
    sync(&fas).await;
    assert!(fas.documents(&nip).expect("documents").iter().any(|d| d.id == doc.id));

    // Reused for a request as its supporting paper: a new row, the same bytes, no upload, and
    // on mobile data too (the hub holds the bytes already).
    let request = phone.create_usulan(&nip, "koreksi_data_utama", &text(&[("gelar_depan", "Dr.")])).expect("draft");
    let reused =
        phone.reuse_document(&doc.id, "dokumen_pendukung", &DocLink::Usulan { id: request.clone() }).expect("reuse");
    assert_eq!((reused.sha256.as_str(), reused.entity.as_str()), (doc.sha256.as_str(), "usulan"));
    phone.submit_usulan(&request).expect("the paper counts for the checklist");
    let r = phone.sync(&metered).await.expect("sync on mobile data");
    assert_eq!((r.blobs_uploaded, r.blobs_held, r.refused), (0, 0, 0), "{r:?}");
    sync(&fas).await;
    assert!(fas.documents(&nip).expect("documents").iter().any(|d| d.id == reused.id && d.sha256 == doc.sha256));

    // "Send now" on one document sends it on mobile data.
    let others: Vec<Vec<u8>> = (10..14).map(|i| pages::jpeg(&pages::phone_photo(i).0, 95, None)).collect();
    let files = others.iter().map(|p| PageInput { bytes: p, crop: None }).collect();
    let (second, _) = phone
        .add_document(&NewDocument { id_ref_dokumen: "872", file_name: None, files, ..new }, &CaptureOptions::default())
        .expect("capture");
    phone.send_document_now(&second.id).expect("send now");
    let r = phone.sync(&metered).await.expect("sync on mobile data");
    assert_eq!((r.blobs_uploaded, r.blobs_held), (1, 0), "{r:?}");
}
