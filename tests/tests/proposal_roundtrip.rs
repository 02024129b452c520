//! A less-paper proposal (PPO) from the due list to BKN's answer, across the facilitator's
//! laptop, the ASN's phone and the hub: drafted for exactly those due, refused while papers
//! are missing (listing them), completed by the instansi's papers (the surat pengantar written
//! and signed by the hub) and the ASN's own pas foto,
//! sent, returned BTL with reasons, sent again, ACC with the pertek; the ASN reads every step
//! and cannot write any; the other unit's facilitator sees none of it.

use berkas_core::docs::DocLink;
use berkas_core::due::{DueKind, DueRules};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, Error, ListFilter};
use berkas_tests::{add_page, device, pages, HubProcess, DEMO_PASSWORD};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

fn add_doc(b: &Berkas, nip: &str, id_ref: &str, link: DocLink) {
    add_page(b, nip, id_ref, link, &pages::jpeg(&pages::scanned_page(1700, 2200), 90, None));
}

#[tokio::test(flavor = "current_thread")]
async fn a_ppo_proposal_from_the_due_list_to_acc() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 20);
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    sync(&fas).await;
    let rules = DueRules::default();
    let months = (2027..2057).flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}")));
    let (period, due) = months
        .map(|p| {
            let d = fas.due(DueKind::Pensiun, &p, &rules, None).expect("due");
            (p, d)
        })
        .find(|(_, d)| !d.due.is_empty())
        .expect("a month with a retirement in UNIT-A");

    let drafted = fas.draft_proposals(DueKind::Pensiun, &period, &rules, None).expect("draft");
    let mut got: Vec<(&str, &str)> = drafted.iter().map(|p| (p.nip.as_str(), p.tmt.as_str())).collect();
    let mut want: Vec<(&str, &str)> = due.due.iter().map(|d| (d.nip.as_str(), d.tmt.as_str())).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "one proposal for each ASN due, at their TMT pensiun");
    assert!(drafted.iter().all(|p| p.status == "DRAFT" && p.layanan_id == "pensiun_otomatis"));
    assert!(fas.draft_proposals(DueKind::Pensiun, &period, &rules, None).expect("again").is_empty(), "no doubles");

    let p = drafted[0].clone();
    let missing = match fas.send_proposal(&p.id) {
        Err(Error::Invalid(list)) => list.into_iter().map(|f| f.field).collect::<Vec<_>>(),
        other => panic!("an incomplete proposal went out: {other:?}"),
    };
    assert_eq!(missing, ["dokumen:surat_pengantar", "dokumen:dpcp", "dokumen:pas_foto"]);

    // The instansi's papers from the facilitator, the pas foto from the ASN's phone, then the
    // surat pengantar written by Berkas and signed by the hub, listing them.
    add_doc(&fas, &p.nip, "dpcp", DocLink::Proposal { id: p.id.clone() });
    let phone = device(tmp.path(), "phone");
    phone.login(&hub.url, &p.nip, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;
    add_doc(&phone, &p.nip, "pas_foto", DocLink::DataUtama);
    assert_eq!(sync(&phone).await.refused, 0);
    sync(&fas).await;
    let lettered = fas.sign_cover_letter(&p.id, &SyncOptions::default()).await.expect("the signed surat pengantar");
    assert!(lettered.checklist.complete, "{:?}", lettered.checklist.missing);
    let line = lettered.checklist.lines.iter().find(|l| l.id == "surat_pengantar").expect("the letter's line");
    let letter = fas.document_bytes(&line.have[0]).expect("the stored letter");
    let signed = fas.verify_signed(&letter, None).expect("the stored letter checks out offline");
    assert_eq!((signed.kind.as_str(), signed.title.contains(&p.nip)), ("surat_pengantar", false), "{signed:?}");
    for shown in [format!("NIP: {}", p.nip), "DPCP dan formulir pembayaran pensiun: ada".to_string()] {
        assert!(letter.windows(shown.len()).any(|w| w == shown.as_bytes()), "the letter shows {shown}");
    }
    let r = sync(&fas).await;
    assert_eq!(r.refused, 0, "the hub takes the facilitator's proposal and its papers: {r:?}");
    assert!(fas.proposal(&p.id).expect("proposal").checklist.complete);

    assert_eq!(fas.send_proposal(&p.id).expect("send").status, "DIKIRIM");
    assert_eq!(fas.answer_proposal(&p.id, "BTL", None, None).expect_err("reason").code(), "invalid");
    let btl = "DPCP belum ditandatangani PyB";
    assert_eq!(fas.answer_proposal(&p.id, "btl", Some(btl), None).expect("btl").status, "BTL");
    assert_eq!(fas.send_proposal(&p.id).expect("again").status, "DIKIRIM");
    let acc = fas.answer_proposal(&p.id, "ACC", None, Some("PERTEK-123/KR.I/2026")).expect("acc");
    assert_eq!((acc.status.as_str(), acc.alasan.as_deref()), ("ACC", None));
    assert_eq!(fas.answer_proposal(&p.id, "TMS", Some("x"), None).expect_err("answered").code(), "invalid");
    assert_eq!(sync(&fas).await.refused, 0);

    // The ASN reads every step with its reason.
    sync(&phone).await;
    let mine = phone.proposals(None, None).expect("proposals");
    assert_eq!(mine.len(), 1, "the ASN sees their own proposal only");
    let seen = &mine[0];
    assert_eq!((seen.status.as_str(), seen.nomor_pertek.as_deref()), ("ACC", Some("PERTEK-123/KR.I/2026")));
    let steps: Vec<&str> = seen.history.iter().map(|h| h.status.as_str()).collect();
    assert_eq!(steps, ["DRAFT", "DIKIRIM", "BTL", "DIKIRIM", "ACC"]);
    assert_eq!(seen.history[2].reason.as_deref(), Some(btl));

    // ... and cannot write any of it.
    let forged: FieldMap = [("nomor_pertek".to_string(), Value::Text("PALSU".into()))].into_iter().collect();
    phone.edit_riwayat(Entity::Proposal, &p.id, &forged).expect("a local write");
    assert_eq!(sync(&phone).await.refused, 1);
    let out = phone.outbox().expect("outbox");
    assert!(out.iter().any(|o| o.state == OutboxState::Refused && o.code.as_deref() == Some("forbidden.field")));
    sync(&fas).await;
    assert_eq!(fas.proposal(&p.id).expect("proposal").nomor_pertek.as_deref(), Some("PERTEK-123/KR.I/2026"));

    let other = device(tmp.path(), "fas-b");
    other.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("login");
    sync(&other).await;
    assert!(other.list_pegawai(&ListFilter { limit: 100, ..ListFilter::default() }).expect("list").len() > 1);
    assert!(other.proposals(None, None).expect("proposals").is_empty(), "another unit's proposals stay there");
}
