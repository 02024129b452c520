//! A layanan request across two devices and the hub: the ASN fills and submits offline (refused
//! first, with the list of what is missing), the facilitator returns it for correction with a
//! reason, the ASN sees the reason, fixes and resubmits, the facilitator approves, the ASN sees
//! it. A step outside the ASN's part is refused by the hub.

use berkas_core::docs::DocLink;
use berkas_core::model::FieldMap;
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{add_page, device, pages, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

#[tokio::test(flavor = "current_thread")]
async fn submit_offline_return_for_correction_resubmit_approve() {
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

    // Offline from here until the phone syncs.
    let id = phone.create_usulan(&nip, "kartu_pegawai", &FieldMap::new()).expect("draft");
    match phone.submit_usulan(&id) {
        Err(Error::Invalid(missing)) => {
            let codes: Vec<&str> = missing.iter().map(|m| m.code.as_str()).collect();
            assert_eq!(codes, ["usulan.missing_document", "usulan.missing_document"], "{missing:?}");
            assert!(missing.iter().any(|m| m.message.contains("SK PNS")));
        }
        other => panic!("a request without its documents was submitted: {other:?}"),
    }
    let page = pages::jpeg(&pages::scanned_page(1700, 2200), 90, None);
    add_page(&phone, &nip, "887", DocLink::DataUtama, &page);
    add_page(&phone, &nip, "pas_foto", DocLink::DataUtama, &page);
    let submitted = phone.submit_usulan(&id).expect("submit");
    assert_eq!((submitted.status.as_str(), submitted.queued), ("SUBMITTED", true), "queued while offline");
    let report = sync(&phone).await;
    assert_eq!(report.refused, 0, "{report:?}");
    assert!(!phone.usulan(&id).expect("usulan").queued);

    // The facilitator's queue; a return for correction with the reason.
    sync(&fas).await;
    let queue = fas.usulan_list(None, &["SUBMITTED", "RESUBMITTED"]).expect("queue");
    assert_eq!(queue.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    assert_eq!(fas.decide_usulan(&id, "RETURNED", None).expect_err("no reason").code(), "invalid");
    fas.decide_usulan(&id, "RETURNED", Some("Pas foto harus berlatar merah")).expect("return");
    assert_eq!(sync(&fas).await.refused, 0);

    sync(&phone).await;
    let back = phone.usulan(&id).expect("usulan");
    assert_eq!(back.status, "RETURNED");
    assert_eq!(back.status_reason.as_deref(), Some("Pas foto harus berlatar merah"));
    let steps: Vec<&str> = back.history.iter().map(|h| h.status.as_str()).collect();
    assert_eq!(steps, ["DRAFT", "SUBMITTED", "RETURNED"]);
    assert!(back.history.iter().all(|h| !h.at.is_empty()), "every step has its date");
    assert_eq!(back.history[2].by, "fas-a");

    add_page(&phone, &nip, "pas_foto", DocLink::DataUtama, &pages::jpeg(&pages::scanned_page(1600, 2100), 90, None));
    assert_eq!(phone.submit_usulan(&id).expect("resubmit").status, "RESUBMITTED");
    sync(&phone).await;
    sync(&fas).await;
    assert_eq!(fas.usulan(&id).expect("usulan").status, "RESUBMITTED");
    fas.decide_usulan(&id, "APPROVED", None).expect("approve");
    sync(&fas).await;
    sync(&phone).await;
    assert_eq!(phone.usulan(&id).expect("usulan").status, "APPROVED");

    // The ASN may not move their own request past the reviewer: the hub refuses it.
    phone.decide_usulan(&id, "COMPLETED", None).expect("a local step");
    let report = sync(&phone).await;
    assert_eq!(report.refused, 1, "{report:?}");
    let refused = phone.outbox().expect("outbox");
    assert!(refused.iter().any(|o| o.state == OutboxState::Refused && o.code.as_deref() == Some("forbidden.usulan")));
    sync(&fas).await;
    assert_eq!(fas.usulan(&id).expect("usulan").status, "APPROVED", "the hub kept the reviewer's decision");
}
