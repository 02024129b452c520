//! A layanan request across two devices and the hub: the ASN fills and submits offline (refused
//! first, with the list of what is missing), the facilitator returns it for correction with a
//! reason, the ASN sees the reason, fixes and resubmits, the facilitator approves, the ASN sees
//! it. A step outside the ASN's part is refused by the hub. The hub signs a receipt of the
//! submitted request, and only of a submitted one the caller may read.

use berkas_core::docs::DocLink;
use berkas_core::model::FieldMap;
use berkas_core::signing::receipt_title;
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{access_token, add_page, device, pages, HubProcess, DEMO_PASSWORD};

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
    let early = phone.signed_receipt(&id, &SyncOptions::default()).await.expect_err("not at the hub yet");
    assert!(matches!(&early, Error::Invalid(f) if f[0].code == "signature.not_synced"), "{early:?}");
    let report = sync(&phone).await;
    assert_eq!(report.refused, 0, "{report:?}");
    assert!(!phone.usulan(&id).expect("usulan").queued);

    // The hub's signed receipt, checked offline on the phone.
    let receipt = phone.signed_receipt(&id, &SyncOptions::default()).await.expect("the receipt");
    let signed = phone.verify_signed(&receipt.bytes, None).expect("checks out");
    assert_eq!(
        (signed.kind.as_str(), signed.title.as_str()),
        ("tanda_terima", receipt_title("kartu_pegawai", &id).as_str())
    );
    let shown = format!("NIP: {nip}");
    assert!(receipt.bytes.windows(shown.len()).any(|w| w == shown.as_bytes()), "the receipt names the ASN");
    // The hub vouches only for a request it holds as submitted, for whoever may read it.
    let http = reqwest::Client::new();
    let ask = |token: String, usulan: String, title: String| {
        let body = serde_json::json!({"code": "7QKM-2XPD-9AZC", "kind": "tanda_terima", "title": title,
            "sha256": "0f".repeat(32), "usulan": usulan});
        let rq = http.post(format!("{}/v1/signatures", hub.url)).bearer_auth(token).json(&body);
        async move {
            let r = rq.send().await.expect("send");
            (r.status().as_u16(), r.json::<serde_json::Value>().await.expect("json")["error"]["code"].clone())
        }
    };
    let other_nip = fas
        .list_pegawai(&ListFilter { unit: Some("UNIT-A".into()), limit: 5, ..ListFilter::default() })
        .expect("list")[2]
        .nip
        .clone();
    let other = access_token(&hub.url, &other_nip).await;
    let mine = access_token(&hub.url, &nip).await;
    let title = receipt_title("kartu_pegawai", &id);
    assert_eq!(ask(other, id.clone(), title.clone()).await, (404, "not_found".into()), "another ASN's request");
    assert_eq!(ask(mine.clone(), id.clone(), "Tanda terima palsu".into()).await.0, 400);
    let draft = phone.create_usulan(&nip, "kartu_pegawai", &FieldMap::new()).expect("another draft");
    sync(&phone).await;
    let draft_title = receipt_title("kartu_pegawai", &draft);
    assert_eq!(ask(mine, draft, draft_title).await, (409, "signature.not_submitted".into()));

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
