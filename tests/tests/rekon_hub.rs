//! Rekon mandiri across devices and a real hub, on both backends: a facilitator previews a
//! file of their unit (a row of another unit is out of scope) but cannot apply it, on the
//! device or by pushing contact data of others to the hub; the BKD admin applies it, and the
//! ASN's phone shows the new contact data, validated by the instansi, after its next sync.

use berkas_core::model::Value;
use berkas_core::rekon::{RekonSelection, Verdict};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{device, HubProcess, DEMO_PASSWORD};

fn text(b: &Berkas, nip: &str, field: &str) -> Option<String> {
    b.pegawai(nip).expect("record").data_utama.values.get(field).and_then(Value::as_str).map(str::to_string)
}

fn nips_of(b: &Berkas, unit: &str) -> Vec<String> {
    let filter = ListFilter { unit: Some(unit.into()), ..ListFilter::default() };
    b.list_pegawai(&filter).expect("list").into_iter().map(|p| p.nip).collect()
}

async fn rekon_through_the_hub(hub: HubProcess, tmp: &std::path::Path) {
    let opts = SyncOptions::default();
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    admin.sync(&opts).await.expect("admin sync");
    let (a, b) = (nips_of(&admin, "UNIT-A"), nips_of(&admin, "UNIT-B"));
    let asn = device(tmp, "asn");
    asn.login(&hub.url, &a[0], DEMO_PASSWORD, None).await.expect("asn login");
    asn.sync(&opts).await.expect("asn sync");
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    fas.sync(&opts).await.expect("fas sync");

    let file = tmp.join("rekon-unit-a.csv");
    let csv = format!(
        "NIP,Email go.id,Nomor HP\n{},asn.satu@bkd.demo.go.id,0813-7000-0001\n{},,0813-7000-0002\n{},,0813-7000-0003\n",
        a[0], a[1], b[0]
    );
    std::fs::write(&file, csv).expect("write");
    // The file was made after the hub was seeded (a record changed after the file's date would
    // keep its newer value).
    let day = berkas_core::model::today() + chrono::Duration::days(1);

    // The facilitator: the row of UNIT-B is out of scope; applying is refused before anything.
    let seen = fas.rekon_preview(&file, day).expect("a facilitator previews");
    let items = fas.rekon_items(&seen.batch, None, 0, 10).expect("items");
    assert!(items[..2].iter().all(|i| i.verdict != Verdict::Invalid), "{items:?}");
    assert_eq!(items[2].verdict, Verdict::Invalid);
    assert!(items[2].reason.as_deref().is_some_and(|r| r.contains("di luar")), "{:?}", items[2].reason);
    assert_eq!(items[2].no_hp.old, None, "nothing of another unit's record is shown");
    let refused = fas.rekon_apply(&seen.batch, &RekonSelection::default()).expect_err("facilitator");
    assert!(matches!(&refused, Error::Forbidden { code: "forbidden.role", .. }), "{refused}");
    assert_eq!(fas.outbox().expect("outbox").len(), 0, "nothing was written");
    // Pushed anyway (an edit of another ASN's number), the hub's table refuses it.
    let phone: berkas_core::model::FieldMap =
        [("no_hp".to_string(), Value::Text("081370009999".into()))].into_iter().collect();
    fas.edit_pegawai(&a[1], &phone).expect("local edit");
    let pushed = fas.sync(&opts).await.expect("fas sync");
    assert_eq!(pushed.refused, 1, "{pushed:?}");
    assert!(fas.outbox().expect("outbox").iter().all(|o| o.state == OutboxState::Refused));

    // The BKD admin applies the same file; the hub takes every change.
    let p = admin.rekon_preview(&file, day).expect("admin preview");
    let rows = admin.rekon_items(&p.batch, None, 0, 10).expect("items");
    assert!(rows.iter().all(|i| matches!(i.verdict, Verdict::New | Verdict::Changed)), "{rows:?}");
    let done = admin.rekon_apply(&p.batch, &RekonSelection::default()).expect("admin applies");
    assert_eq!((done.records, done.validated), (3, 1), "{done:?}");
    let report = admin.sync(&opts).await.expect("admin sync");
    assert_eq!((report.pushed, report.refused), (3, 0), "{report:?}");

    // The ASN's phone: the new address and number, validated by the instansi, with its source.
    asn.sync(&opts).await.expect("asn sync");
    assert_eq!(text(&asn, &a[0], "email_gov").as_deref(), Some("asn.satu@bkd.demo.go.id"));
    assert_eq!(text(&asn, &a[0], "no_hp").as_deref(), Some("+6281370000001"));
    assert_eq!(text(&asn, &a[0], "email_gov_valid").as_deref(), Some("asn.satu@bkd.demo.go.id"));
    assert_eq!(text(&asn, &a[0], "email_gov_valid_oleh").as_deref(), Some("admin"));
    assert!(text(&asn, &a[0], "rekon_terakhir").is_some_and(|s| s.contains("admin")));
    // The report to BKN, its summary signed by the hub and naming the workbook's SHA-256.
    let signed = admin.signed_rekon_report(None, "laporan-rekon.xlsx", &opts).await.expect("signed report");
    let statement = admin.verify_signed(&signed.summary.bytes, None).expect("the summary checks out offline");
    assert_eq!(statement.kind, "rekon");
    let sha = berkas_core::signing::sha256_hex(&signed.report);
    assert!(signed.summary.bytes.windows(sha.len()).any(|w| w == sha.as_bytes()), "the summary names the workbook");
    let mut tampered = signed.summary.bytes.clone();
    if let Some(at) = tampered.windows(3).position(|w| w == b"ASN") {
        tampered[at] = b'X';
    }
    let changed = admin.verify_signed(&tampered, None).expect_err("a changed summary no longer checks out");
    assert!(changed.to_string().contains("changed after it was signed"), "{changed}");
    // And the facilitator's refused edit never reached anyone.
    fas.sync(&opts).await.expect("fas sync");
    assert_eq!(text(&admin, &a[1], "no_hp").as_deref(), Some("+6281370000002"));
}

#[tokio::test(flavor = "current_thread")]
async fn rekon_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    rekon_through_the_hub(hub, tmp.path()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn rekon_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 2).await;
    rekon_through_the_hub(hub, tmp.path()).await;
}
