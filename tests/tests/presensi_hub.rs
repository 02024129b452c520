//! Presence across phones, a facilitator's laptop and a real hub, on both backends (issue 24's
//! day): two ASN check in offline at the three report times of a working day and sync only
//! afterwards; the 07.30 recap made at 07.31 shows them as not reported, the day's final recap
//! shows them at home with their late-sync flag; a mock location is flagged; the facilitator
//! confirms a work-from-home place; a check-in is never edited (the hub refuses); another unit's
//! facilitator gets no recap of this unit; bad fixes are refused naming the field.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::presensi::{Fix, Keberadaan, NewCheckIn, Rekap, Tanda, Tempat};
use berkas_core::sync::{OutboxState, SyncOptions};
use berkas_core::{Berkas, ListFilter};
use berkas_tests::{access_token, berkas_cli, device, HubProcess, DEMO_PASSWORD};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

async fn sync(b: &Berkas) -> berkas_core::sync::SyncReport {
    b.sync(&SyncOptions::default()).await.expect("sync")
}

/// A WIB wall-clock time on `day`, computed here (UTC+7) rather than by the code under test.
fn wib(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(h, m, 0).expect("time")) - Duration::hours(7)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

/// The last Monday-Friday before today in WIB: its report times have all passed.
fn last_working_day(b: &Berkas) -> NaiveDate {
    let rules = b.pengaturan_kerja();
    let mut day = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1);
    while !rules.is_working_day(day) {
        day -= Duration::days(1);
    }
    day
}

fn at_home(home: Tempat, at: DateTime<Utc>, mock: bool) -> NewCheckIn {
    NewCheckIn {
        fix: Fix {
            lat: home.lat + 0.0002,
            lon: home.lon,
            akurasi_m: 12.0,
            provider: "fused".into(),
            mock,
            waktu_perangkat: at,
            waktu_gps: None,
        },
        izin_keluar: false,
        alasan: None,
    }
}

fn line<'a>(r: &'a Rekap, nip: &str) -> &'a berkas_core::presensi::RekapLine {
    r.lines.iter().find(|l| l.nip == nip).expect("the ASN is in the unit's recap")
}

fn refusal(e: berkas_core::Error) -> String {
    match e {
        berkas_core::Error::Invalid(list) => {
            list.first().map(|f| format!("{}: {}", f.field, f.code)).unwrap_or_default()
        }
        other => panic!("not a refusal naming a field: {other}"),
    }
}

async fn presence_through_the_hub(hub: HubProcess, tmp: &std::path::Path) {
    let admin = device(tmp, "admin");
    admin.login(&hub.url, "admin", DEMO_PASSWORD, None).await.expect("admin login");
    sync(&admin).await;
    let unit_a = ListFilter { unit: Some("UNIT-A".into()), ..ListFilter::default() };
    let staff: Vec<String> = admin.list_pegawai(&unit_a).expect("list").into_iter().map(|p| p.nip).collect();
    assert!(staff.len() >= 2, "the demo unit has two ASN at least");
    let (nip_1, nip_2) = (staff[0].clone(), staff[1].clone());
    let fas = device(tmp, "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("fas login");
    let mut phones = Vec::new();
    let homes = [Tempat { lat: -6.1201, lon: 106.1503 }, Tempat { lat: -6.3012, lon: 106.6519 }];
    for (i, nip) in [&nip_1, &nip_2].into_iter().enumerate() {
        let phone = device(tmp, &format!("phone-{i}"));
        phone.login(&hub.url, nip, DEMO_PASSWORD, None).await.expect("asn login");
        sync(&phone).await;
        phone.set_tempat_wfh(nip, homes[i], Some("Jl. Contoh No. 1")).expect("home");
        phones.push(phone);
    }
    let day = last_working_day(&phones[0]);

    // Bad fixes are refused naming the field; nothing is stored.
    let mut wrong = at_home(homes[0], wib(day, 7, 0), false);
    wrong.fix.lat = 91.0;
    assert_eq!(refusal(phones[0].check_in(&nip_1, &wrong).expect_err("no latitude")), "lintang: presensi.lintang");
    let mut out = at_home(homes[0], wib(day, 9, 0), false);
    out.izin_keluar = true;
    assert_eq!(refusal(phones[0].check_in(&nip_1, &out).expect_err("no reason")), "alasan: presensi.alasan");

    // Offline all day: three check-ins each; the second ASN's 11.30 one from a mock provider.
    for (i, nip) in [&nip_1, &nip_2].into_iter().enumerate() {
        for (h, m) in [(7, 5), (11, 10), (15, 15)] {
            let mock = i == 1 && h == 11;
            let c = phones[i].check_in(nip, &at_home(homes[i], wib(day, h, m), mock)).expect("check in");
            assert_eq!(c.diterima, None, "waits on the phone");
            assert_eq!(c.judged.tanda.contains(&Tanda::LokasiPalsu), mock);
        }
        assert_eq!(phones[i].check_ins(nip, day).expect("list").len(), 3);
    }
    let synced_at = Utc::now();
    for p in &phones {
        assert_eq!(sync(p).await.refused, 0);
    }
    sync(&fas).await;

    // The 07.30 recap as it stood at 07.31 knew nothing of them.
    let early = fas.presensi_rekap("UNIT-A", day, hm(7, 30), wib(day, 7, 31)).expect("07.30 recap");
    for nip in [&nip_1, &nip_2] {
        assert_eq!(line(&early, nip).keberadaan, Keberadaan::TidakLapor);
    }
    assert_eq!(early.jumlah.get(&Keberadaan::TidakLapor).copied(), Some(early.lines.len()));
    // Made now, every window shows them at home, flagged as synced late.
    for (jam, mocked) in [(hm(7, 30), false), (hm(11, 30), true), (hm(15, 30), false)] {
        let now = fas.presensi_rekap("UNIT-A", day, jam, Utc::now()).expect("recap");
        assert_eq!(line(&now, &nip_1).keberadaan, Keberadaan::DiRumah, "{jam}");
        assert_eq!(line(&now, &nip_1).tanda, vec![Tanda::TerlambatSinkron], "{jam}");
        let second = line(&now, &nip_2);
        assert_eq!(second.keberadaan, Keberadaan::DiRumah, "{jam}");
        assert_eq!(second.tanda.contains(&Tanda::LokasiPalsu), mocked, "{jam}: {:?}", second.tanda);
        assert!(second.tanda.contains(&Tanda::TerlambatSinkron), "{jam}");
        assert_eq!(now.jumlah.get(&Keberadaan::DiRumah).copied(), Some(2), "{jam}");
        assert_eq!(now.ditandai, 2);
    }
    // The same recap from the CLI, as a script reads it.
    let cli = berkas_cli(
        &tmp.join("fas-a"),
        &["--json", "presensi", "rekap", "--unit", "UNIT-A", "--date", &day.to_string(), "--window", "11:30"],
        None,
    );
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let rekap: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("JSON");
    let second = rekap["lines"].as_array().expect("lines").iter().find(|l| l["nip"] == nip_2.as_str()).expect("line");
    assert_eq!(second["keberadaan"], "DI_RUMAH");
    let flags: Vec<&str> =
        second["tanda"].as_array().expect("flags").iter().filter_map(|t| t["kode"].as_str()).collect();
    assert_eq!(flags, ["lokasi_palsu", "terlambat_sinkron"]);
    // And as files the hub signs, checked offline with its key.
    let (pdf, xlsx) = (tmp.join("rekap.pdf"), tmp.join("rekap.xlsx"));
    let (pdf_arg, xlsx_arg) = (pdf.to_string_lossy().to_string(), xlsx.to_string_lossy().to_string());
    let day_arg = day.to_string();
    let signed = berkas_cli(
        &tmp.join("fas-a"),
        &[
            "presensi",
            "rekap",
            "--unit",
            "UNIT-A",
            "--date",
            &day_arg,
            "--window",
            "11:30",
            "--signed-pdf",
            &pdf_arg,
            "--signed-xlsx",
            &xlsx_arg,
        ],
        None,
    );
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let pdf_bytes = std::fs::read(&pdf).expect("pdf");
    let statement = fas.verify_signed(&pdf_bytes, None).expect("the signed PDF checks out");
    assert_eq!(statement.kind, "presensi");
    assert!(statement.title.contains("UNIT-A") && statement.title.contains(&day_arg), "{}", statement.title);
    let sig = std::fs::read_to_string(tmp.join("rekap.xlsx.sig")).expect("the .sig beside the XLSX");
    let xlsx_bytes = std::fs::read(&xlsx).expect("xlsx");
    assert_eq!(fas.verify_signed(&xlsx_bytes, Some(&sig)).expect("the XLSX checks out").kind, "presensi");
    let mut changed = pdf_bytes.clone();
    changed[pdf_bytes.len() / 3] ^= 1;
    let refused = fas.verify_signed(&changed, None).expect_err("a changed recap fails");
    assert!(refused.to_string().contains("changed after it was signed"), "{refused}");

    // The hub makes the same recap from its own rows (the OPD's report, the BKD's daily recap).
    let http = reqwest::Client::new();
    let hub_rekap = |token: String, query: String| {
        let (http, url) = (http.clone(), hub.url.clone());
        async move {
            let r = http.get(format!("{url}/v1/presensi/rekap?{query}")).bearer_auth(token).send().await.expect("send");
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let fas_token = access_token(&hub.url, "fas-a").await;
    let q = format!("unit=UNIT-A&tanggal={day}&jam=11:30");
    let (status, from_hub) = hub_rekap(fas_token.clone(), q.clone()).await;
    assert_eq!(status, 200, "{from_hub}");
    let on_device = fas.presensi_rekap("UNIT-A", day, hm(11, 30), Utc::now()).expect("recap");
    let hub_lines: Vec<(String, String, Vec<String>)> = from_hub[0]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            let flags =
                l["tanda"].as_array().expect("flags").iter().map(|t| t["kode"].as_str().unwrap_or("").to_string());
            (
                l["nip"].as_str().unwrap_or("").to_string(),
                l["keberadaan"].as_str().unwrap_or("").to_string(),
                flags.collect(),
            )
        })
        .collect();
    let device_lines: Vec<(String, String, Vec<String>)> = on_device
        .lines
        .iter()
        .map(|l| {
            let v = serde_json::to_value(l).expect("json");
            let flags =
                v["tanda"].as_array().expect("flags").iter().map(|t| t["kode"].as_str().unwrap_or("").to_string());
            (l.nip.clone(), v["keberadaan"].as_str().unwrap_or("").to_string(), flags.collect())
        })
        .collect();
    assert_eq!(hub_lines, device_lines, "the hub and the facilitator's device give one answer");
    let early =
        format!("unit=UNIT-A&tanggal={day}&jam=07:30&as_of={}", wib(day, 7, 31).to_rfc3339().replace('+', "%2B"));
    let (_, at_0731) = hub_rekap(fas_token.clone(), early).await;
    assert!(
        at_0731[0]["lines"].as_array().expect("lines").iter().all(|l| l["keberadaan"] == "TIDAK_LAPOR"),
        "{at_0731}"
    );
    let (status, _) = hub_rekap(fas_token.clone(), format!("tanggal={day}&jam=11:30")).await;
    assert_eq!(status, 403, "every unit's recap is the BKD's");
    let (status, odd) = hub_rekap(fas_token.clone(), format!("unit=UNIT-A&tanggal={day}&jam=10:00")).await;
    assert_eq!((status, odd["error"]["code"].as_str()), (400, Some("presensi.window")));
    let (status, _) = hub_rekap(access_token(&hub.url, "fas-b").await, q).await;
    assert_eq!(status, 403, "another unit's facilitator");
    let (status, all) = hub_rekap(access_token(&hub.url, "admin").await, format!("tanggal={day}&jam=11:30")).await;
    assert_eq!(status, 200);
    let units: Vec<&str> = all.as_array().expect("recaps").iter().filter_map(|r| r["unit"].as_str()).collect();
    assert_eq!(units, ["UNIT-A", "UNIT-B"]);
    // The BKD's daily recap across units from its CLI, signed by the hub for the governor.
    let bkd_pdf = tmp.join("rekap-bkd.pdf");
    let bkd_arg = bkd_pdf.to_string_lossy().to_string();
    let cli = berkas_cli(
        &tmp.join("admin"),
        &["--json", "presensi", "rekap", "--date", &day.to_string(), "--window", "11:30", "--signed-pdf", &bkd_arg],
        None,
    );
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let across: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("JSON");
    let home: Vec<(String, u64)> = across
        .as_array()
        .expect("recaps")
        .iter()
        .map(|r| (r["unit"].as_str().unwrap_or("").to_string(), r["jumlah"]["DI_RUMAH"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(home, vec![("UNIT-A".to_string(), 2), ("UNIT-B".to_string(), 0)]);
    let statement =
        admin.verify_signed(&std::fs::read(&bkd_pdf).expect("pdf"), None).expect("the BKD's recap checks out");
    assert_eq!(statement.kind, "presensi");
    assert!(statement.title.contains("2 unit"), "{}", statement.title);
    let by_fas =
        berkas_cli(&tmp.join("fas-a"), &["presensi", "rekap", "--date", &day.to_string(), "--window", "11:30"], None);
    assert!(!by_fas.status.success(), "every unit's recap is the BKD's");

    // The hub stamped each arrival; the phone learns it at its next sync.
    sync(&phones[0]).await;
    for c in phones[0].check_ins(&nip_1, day).expect("list") {
        let arrived = c.diterima.expect("stamped by the hub");
        assert!(arrived >= synced_at - Duration::seconds(5) && arrived <= Utc::now(), "{arrived}");
    }

    // The facilitator confirms the first ASN's place; the phone sees who did.
    fas.confirm_tempat_wfh(&nip_1).expect("confirm");
    sync(&fas).await;
    sync(&phones[0]).await;
    let place = phones[0].tempat_wfh(&nip_1).expect("place").expect("set");
    assert_eq!(place.dikonfirmasi_oleh.as_deref(), Some("fas-a"));
    let r = fas.presensi_rekap("UNIT-A", day, hm(11, 30), Utc::now()).expect("recap");
    let (first, second) = (line(&r, &nip_1), line(&r, &nip_2));
    assert_eq!((first.tempat_terdaftar, first.tempat_dikonfirmasi), (true, true));
    assert_eq!((second.tempat_terdaftar, second.tempat_dikonfirmasi), (true, false));
    let unset = r.lines.iter().find(|l| l.nip != nip_1 && l.nip != nip_2).expect("a third ASN in the unit");
    assert!(!unset.tempat_terdaftar);

    // A check-in is what was reported then: an edit from the phone is refused by the hub.
    let first = phones[0].check_ins(&nip_1, day).expect("list").remove(0);
    let mut moved = FieldMap::new();
    moved.insert("lintang".into(), Value::Int(-6_200_000));
    phones[0].edit_riwayat(Entity::Presensi, &first.id, &moved).expect("local edit");
    sync(&phones[0]).await;
    let refused = phones[0]
        .outbox()
        .expect("outbox")
        .into_iter()
        .find(|o| o.state == OutboxState::Refused)
        .expect("the edit is refused");
    assert_eq!(refused.code.as_deref(), Some("presensi.fixed"));

    // Another unit's facilitator gets no recap of this unit.
    let other = device(tmp, "fas-b");
    other.login(&hub.url, "fas-b", DEMO_PASSWORD, None).await.expect("fas-b login");
    sync(&other).await;
    let denied = other.presensi_rekap("UNIT-A", day, hm(11, 30), Utc::now()).expect_err("out of scope");
    assert_eq!(refusal(denied), "unit: forbidden.scope");
    // The BKD publishes an arrangement: the day a holiday, UNIT-A at the office. Devices take it
    // at their next sync; the hub's own recap follows it at once.
    let mut arrangement = fas.pengaturan_kerja();
    arrangement.libur.push(day);
    arrangement.mode_unit.insert("UNIT-A".into(), berkas_core::presensi::ModeKerja::Kantor);
    let opts = SyncOptions::default();
    let mut broken = arrangement.clone();
    broken.sampai = broken.dari - Duration::days(1);
    assert_eq!(
        refusal(admin.publish_pengaturan(&broken, &opts).await.expect_err("ends first")),
        "sampai: presensi.pengaturan"
    );
    let by_fas = fas.publish_pengaturan(&arrangement, &opts).await.expect_err("the BKD's");
    assert!(matches!(&by_fas, berkas_core::Error::Hub { code, .. } if code == "forbidden.role"), "{by_fas:?}");
    admin.publish_pengaturan(&arrangement, &opts).await.expect("publish");
    sync(&fas).await;
    assert_eq!(fas.pengaturan_kerja(), arrangement, "the device follows the published arrangement");
    let holiday = fas.presensi_rekap("UNIT-A", day, hm(11, 30), Utc::now()).expect_err("a holiday");
    assert_eq!(refusal(holiday), "date: presensi.not_working_day");
    arrangement.libur.clear();
    admin.publish_pengaturan(&arrangement, &opts).await.expect("publish again");
    sync(&fas).await;
    let at_office = fas.presensi_rekap("UNIT-A", day, hm(11, 30), Utc::now()).expect("recap");
    assert_eq!(line(&at_office, &nip_1).keberadaan, Keberadaan::DiKantor);
    let (_, from_hub) =
        hub_rekap(access_token(&hub.url, "fas-a").await, format!("unit=UNIT-A&tanggal={day}&jam=11:30")).await;
    let hub_first =
        from_hub[0]["lines"].as_array().expect("lines").iter().find(|l| l["nip"] == nip_1.as_str()).cloned();
    assert_eq!(hub_first.map(|l| l["keberadaan"].clone()), Some(serde_json::json!("DI_KANTOR")));

    // And a time that is no report time is named.
    let odd = fas.presensi_rekap("UNIT-A", day, hm(10, 0), Utc::now()).expect_err("no report time");
    assert_eq!(refusal(odd), "window: presensi.window");
}

#[tokio::test]
async fn presence_on_the_embedded_sqlite_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    presence_through_the_hub(hub, tmp.path()).await;
}

#[tokio::test]
async fn presence_on_a_postgresql_hub() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo_postgres(&tmp.path().join("hub"), 3).await;
    presence_through_the_hub(hub, tmp.path()).await;
}
