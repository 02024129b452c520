//! The helpdesk across devices and a real hub, on both backends: a ticket opened offline on
//! the ASN's phone reaches the unit's facilitator with the hub's time of arrival, is answered
//! with a question (the 2x24 h clock pauses), reopened by the requester's reply, resolved,
//! reopened again and resolved, and rated once; one left unanswered is overdue after 2x24 h and
//! escalated to the BKD; the other unit's facilitator sees none of it; a forged helpdesk step
//! from the phone is refused by the hub; the report's figures match a recomputation from the
//! tickets' own steps.

use berkas_core::helpdesk::{NewTiket, Reply, TiketFilter, TiketInfo};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{device, reopen, HubProcess, DEMO_PASSWORD};
use chrono::{DateTime, Duration, Utc};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

fn reply(isi: Option<&str>, status: Option<&str>) -> Reply {
    Reply { isi: isi.map(str::to_string), status: status.map(str::to_string), lampiran: vec![] }
}

/// The code of a refusal naming a field.
fn refusal(e: berkas_core::Error) -> String {
    match e {
        berkas_core::Error::Invalid(list) => {
            list.first().map(|f| format!("{}: {}", f.field, f.code)).unwrap_or_default()
        }
        other => panic!("not a refusal naming a field: {other}"),
    }
}

fn one(b: &Berkas, id: &str) -> TiketInfo {
    b.tiket(id).expect("ticket")
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("an RFC 3339 time").with_timezone(&Utc)
}

/// The clock minutes to the first helpdesk answer, recomputed from the steps alone: the time
/// from arrival to the answer, less the time spent waiting for the requester.
fn first_answer_minutes(t: &TiketInfo) -> Option<i64> {
    let at = |s: &berkas_core::helpdesk::TiketStep| time(s.diterima.as_deref().expect("every step reached the hub"));
    let start = at(&t.steps[0]);
    let mut paused = Duration::zero();
    let mut waiting_since = None;
    for s in &t.steps {
        if s.peran == "PETUGAS" && s.isi.is_some() {
            return Some((at(s) - start - paused).num_minutes());
        }
        match (s.status.as_deref(), waiting_since) {
            (Some("MENUNGGU_PEMOHON"), None) => waiting_since = Some(at(s)),
            (Some(_), Some(w)) => {
                paused += at(s) - w;
                waiting_since = None;
            }
            _ => {}
        }
    }
    None
}

async fn helpdesk_through_the_hub(hub: HubProcess, tmp: &std::path::Path) {
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    let filter = ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() };
    let nip = admin.list_pegawai(&filter).expect("list")[0].nip.clone();
    let phone = device(tmp, "phone");
    phone.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("asn login");
    sync(&phone).await;
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    let other = device(tmp, "fas-b");
    other.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("fas-b login");

    // Offline on the phone: a ticket about data that do not match, and one about a request.
    let new = NewTiket {
        kategori: "DATA_TIDAK_SESUAI".into(),
        judul: "Tanggal lahir salah".into(),
        isi: "Tanggal lahir saya tercatat 1985-03-12, seharusnya 1985-03-21.".into(),
        ..NewTiket::default()
    };
    let t = phone.create_tiket(&nip, &new).expect("a ticket offline");
    assert!(t.queued && t.steps[0].diterima.is_none() && t.nomor.starts_with("TK-"), "{t:?}");
    assert_eq!((t.tujuan.as_str(), t.sla.status.as_str()), ("UNIT", "BARU"));
    let bad = NewTiket { kategori: "LUPA_SEMUA".into(), ..new.clone() };
    assert_eq!(refusal(phone.create_tiket(&nip, &bad).expect_err("an unknown category")), "kategori: tiket.kategori");
    let late = phone
        .create_tiket(&nip, &NewTiket { kategori: "LAINNYA".into(), judul: "Tidak dijawab".into(), ..new.clone() })
        .expect("a second ticket");
    // The app is killed before it could sync; launched again, both tickets wait to be sent.
    drop(phone);
    let phone = reopen(tmp, "phone");
    assert!(one(&phone, &t.id).queued && one(&phone, &late.id).queued, "the offline tickets survived the restart");
    let r = sync(&phone).await;
    assert_eq!(r.refused, 0, "{r:?}");
    assert!(one(&phone, &t.id).steps[0].diterima.is_some(), "the hub's time of arrival came back");

    // The facilitator's queue has both; the other unit's facilitator sees neither.
    sync(&fas).await;
    sync(&other).await;
    let queue = fas.tiket_list(&TiketFilter { tujuan: Some("UNIT".into()), ..TiketFilter::default() }).expect("queue");
    assert_eq!(queue.len(), 2, "{queue:?}");
    assert!(other.tiket_list(&TiketFilter::default()).expect("list").is_empty(), "another unit's tickets");

    // Answered with a question: the clock pauses while the requester is asked.
    let asked = fas
        .reply_tiket(&t.id, &reply(Some("Mohon unggah akta kelahiran."), Some("MENUNGGU_PEMOHON")))
        .expect("the facilitator asks");
    assert!(asked.sla.paused);
    sync(&fas).await;
    let news = sync(&phone).await.news;
    assert!(
        news.iter()
            .any(|n| n.kind == "tiket" && n.id == t.id && n.reason.as_deref() == Some("Mohon unggah akta kelahiran.")),
        "{news:?}"
    );
    let waiting = one(&phone, &t.id);
    let now = Utc::now();
    let later = phone.tiket_list_at(&TiketFilter::default(), now + Duration::hours(72)).expect("three days on");
    let waiting_later = later.iter().find(|x| x.id == t.id).expect("the ticket");
    assert!(waiting_later.sla.paused && !waiting_later.sla.overdue, "waiting for the requester is not overdue");
    assert!(waiting_later.sla.used_minutes <= waiting.sla.used_minutes + 1, "the clock stood still");
    let unanswered = later.iter().find(|x| x.id == late.id).expect("the other ticket");
    assert!(unanswered.sla.overdue, "{:?}", unanswered.sla);

    // The requester's reply reopens it; the facilitator resolves it; a new reply reopens it.
    assert_eq!(
        phone.reply_tiket(&t.id, &reply(Some("Sudah saya unggah."), None)).expect("reply").sla.status,
        "DIPROSES"
    );
    sync(&phone).await;
    sync(&fas).await;
    fas.reply_tiket(&t.id, &reply(Some("Sudah diperbaiki."), Some("SELESAI"))).expect("resolve");
    sync(&fas).await;
    sync(&phone).await;
    assert_eq!(one(&phone, &t.id).sla.status, "SELESAI");
    let too_early = phone.rate("TIKET", &late.id, 4, None).expect_err("an open ticket");
    assert_eq!(refusal(too_early), "objek_id: penilaian.not_done");
    phone.rate("TIKET", &t.id, 5, Some("Cepat")).expect("a rating");
    assert_eq!(refusal(phone.rate("TIKET", &t.id, 1, None).expect_err("twice")), "objek_id: penilaian.once");
    // A request completed (a contact update applies when submitted) is rated once too.
    let contact: FieldMap = [("no_hp".to_string(), Value::Text("081377001122".into()))].into();
    let request = phone.create_usulan(&nip, "pemutakhiran_kontak", &contact).expect("a contact update");
    assert_eq!(refusal(phone.rate("USULAN", &request, 4, None).expect_err("a draft")), "objek_id: penilaian.not_done");
    assert_eq!(phone.submit_usulan(&request).expect("submit").status, "APPLIED");
    phone.rate("USULAN", &request, 4, Some("Mudah")).expect("a rating of the request");
    assert_eq!(phone.rating(&request).expect("rating").map(|r| r.nilai), Some(4));
    let r = sync(&phone).await;
    assert_eq!(r.refused, 0, "{r:?}");
    // A forged helpdesk step from the phone: written locally, refused by the hub by name.
    let forged: FieldMap = [
        ("tiket_id", Value::Text(late.id.clone())),
        ("peran", Value::Text("PETUGAS".into())),
        ("status", Value::Text("SELESAI".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    phone.add_riwayat(&nip, Entity::TiketPesan, &forged).expect("a local write");
    let r = sync(&phone).await;
    assert_eq!((r.refused, r.pushed), (1, 1), "{r:?}");
    let refused =
        phone.outbox().expect("outbox").into_iter().find(|o| o.state == OutboxState::Refused).expect("refused");
    assert_eq!(refused.code.as_deref(), Some("tiket.peran"), "{refused:?}");

    // The BKD's queue holds the overdue one (escalated) two days on; the report's figures
    // recomputed from the steps.
    sync(&admin).await;
    let bkd = admin
        .tiket_list_at(&TiketFilter { tujuan: Some("BKD".into()), ..TiketFilter::default() }, now + Duration::hours(49))
        .expect("the BKD's queue");
    assert_eq!(bkd.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), [late.id.as_str()]);
    let report = admin.tiket_report(Some("UNIT-A")).expect("report");
    let all = admin.tiket_list(&TiketFilter { unit: Some("UNIT-A".into()), ..TiketFilter::default() }).expect("list");
    for row in &report.rows {
        let mine: Vec<&TiketInfo> = all.iter().filter(|x| x.kategori == row.kategori).collect();
        let answers: Vec<i64> = mine.iter().filter_map(|x| first_answer_minutes(x)).collect();
        assert_eq!(row.received, mine.len() as u64, "{row:?}");
        assert_eq!(row.answered, answers.len() as u64, "{row:?}");
        assert_eq!(row.answered_within_sla, answers.iter().filter(|m| **m <= 48 * 60).count() as u64);
        assert_eq!(row.first_answer_p50_minutes, answers.iter().copied().min(), "one answer each: the median is it");
        let resolved =
            mine.iter().filter(|x| x.steps.last().and_then(|s| s.status.as_deref()) == Some("SELESAI")).count();
        assert_eq!(row.resolved, resolved as u64, "{row:?}");
    }
    assert_eq!(report.rows.iter().map(|r| r.received).sum::<u64>(), 2);
    let rating = report.ratings.iter().find(|r| r.by == "unit" && r.key == "UNIT-A").expect("the unit's rating");
    assert_eq!((rating.count, rating.mean), (2, 4.5));
    let per = |key: &str| report.ratings.iter().find(|r| r.by == "layanan" && r.key == key).map(|r| (r.count, r.mean));
    assert_eq!(per("helpdesk"), Some((1, 5.0)), "{:?}", report.ratings);
    assert_eq!(per("pemutakhiran_kontak"), Some((1, 4.0)), "{:?}", report.ratings);
}

#[tokio::test(flavor = "current_thread")]
async fn helpdesk_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    helpdesk_through_the_hub(hub, tmp.path()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn helpdesk_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 2).await;
    helpdesk_through_the_hub(hub, tmp.path()).await;
}
