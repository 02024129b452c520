//! Rekon mandiri on one profile: a 20-row file with every verdict is previewed row by row
//! (nothing written), only the selected rows are applied, a stale row keeps the ASN's newer
//! value, and the file's own mistakes (a wrong file, a broken row) change nothing stored.

use berkas_core::model::{FieldMap, Value};
use berkas_core::rekon::{RekonSelection, Verdict};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use chrono::NaiveDate;

const DAY_MS: i64 = 86_400_000;

fn text(b: &Berkas, nip: &str, field: &str) -> Option<String> {
    b.pegawai(nip).expect("record").data_utama.values.get(field).and_then(Value::as_str).map(str::to_string)
}

fn set(b: &Berkas, nip: &str, fields: &[(&str, Option<&str>)]) {
    let m: FieldMap =
        fields.iter().map(|(k, v)| (k.to_string(), v.map(|v| Value::Text(v.into())).unwrap_or(Value::Null))).collect();
    b.edit_pegawai(nip, &m).expect("edit");
}

#[test]
fn a_twenty_row_file_gets_each_verdict_and_only_selected_rows_are_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "admin.bkd").expect("init");
    let today = chrono::Utc::now().date_naive();
    // The records and their contact data were written a month ago; the file's data is ten
    // days old; one ASN changed their number yesterday.
    b.set_wall_clock_offset_for_tests(-30 * DAY_MS).expect("clock");
    let mut rng = Rng::new(11);
    let docs: Vec<_> =
        (0..17).map(|i| pegawai_document(&mut rng, i, if i < 15 { "UNIT-A" } else { "UNIT-B" }, today)).collect();
    b.import_siasn(&serde_json::to_vec(&docs).expect("json")[..], &mut |_| {}).expect("import");
    let nip: Vec<String> = docs.iter().map(|d| d["dataUtama"]["nipBaru"].as_str().expect("nip").to_string()).collect();
    for n in &nip {
        set(&b, n, &[("email_gov", None), ("email", None), ("no_hp", None)]);
    }
    set(&b, &nip[1], &[("email_gov", Some("sari@bkd.jatengprov.go.id"))]);
    set(&b, &nip[2], &[("no_hp", Some("081200000002"))]);
    set(&b, &nip[3], &[("no_hp", Some("081200000003"))]);
    set(&b, &nip[13], &[("no_hp", Some("+62 812 0000 0013"))]);
    set(&b, &nip[14], &[("email_gov", Some("lama@dinkes.jatengprov.go.id"))]);
    set(&b, &nip[15], &[("no_hp", Some("081200000015"))]);
    b.set_wall_clock_offset_for_tests(-DAY_MS).expect("clock");
    set(&b, &nip[3], &[("no_hp", Some("081299999993"))]);
    b.set_wall_clock_offset_for_tests(0).expect("clock");
    let file_date = today - chrono::Duration::days(10);

    let rows: Vec<(String, &str, &str, &str)> = vec![
        (nip[0].clone(), "budi@bkd.jatengprov.go.id", "budi@gmail.com", "0811 0000 0000"), // 2 new
        (nip[1].clone(), "sari@BKD.jatengprov.go.id", "", ""),                             // 3 same
        (nip[2].clone(), "", "", "0813-0000-0002"),                                        // 4 changed
        (nip[3].clone(), "", "", "081300000003"),                                          // 5 stale
        (nip[4].clone(), "andi@gmail.com", "", ""),                                        // 6 invalid: not go.id
        ("12345".into(), "x@bkd.jatengprov.go.id", "", ""),                                // 7 invalid NIP
        ("199001012015031999".into(), "", "", "081311111111"),                             // 8 unknown NIP
        (nip[5].clone(), "", "", "021-5551234"),                                           // 9 invalid: landline
        (nip[6].clone(), "sari@bkd.jatengprov.go.id", "", ""),                             // 10 duplicate: held
        (nip[7].clone(), "", "", "081322222222"),                                          // 11 duplicate in file
        (nip[8].clone(), "", "", "0813 2222 2222"),                                        // 12 duplicate in file
        (nip[9].clone(), "", "", "081333333333"),                                          // 13 new
        (nip[9].clone(), "", "", "081344444444"),                                          // 14 NIP twice
        (nip[10].clone(), "", "ani@yahoo.co.id", ""),                                      // 15 new
        (nip[13].clone(), "", "", "0812-0000-0013"),                                       // 16 same (+62 form)
        (nip[14].clone(), "baru@dinkes.jatengprov.go.id", "", ""),                         // 17 changed
        (nip[11].clone(), "", "", ""),                                                     // 18 nothing: same
        (nip[12].clone(), "", "budi@@x.com", ""),                                          // 19 invalid e-mail
        (nip[16].clone(), "dewi@disdik.jatengprov.go.id", "", ""),                         // 20 new
        (nip[15].clone(), "", "", "081355555555"),                                         // 21 changed
    ];
    let mut csv = String::from("NIP;Nama;Email go.id;Email pribadi;Nomor HP\n");
    for (n, g, e, p) in &rows {
        csv.push_str(&format!("{n};;{g};{e};{p}\n"));
    }
    let path = dir.path().join("rekon-opd.csv");
    std::fs::write(&path, csv).expect("write");
    let before: Vec<_> = nip.iter().map(|n| b.pegawai(n).expect("record").data_utama.values).collect();

    let preview = b.rekon_preview(&path, file_date).expect("preview");
    assert_eq!(preview.rows, 20);
    let after: Vec<_> = nip.iter().map(|n| b.pegawai(n).expect("record").data_utama.values).collect();
    assert_eq!(before, after, "a preview writes nothing into a record");

    use Verdict::*;
    let expected = [
        New, Same, Changed, Stale, Invalid, Invalid, Invalid, Invalid, Duplicate, Duplicate, Duplicate, New, Duplicate,
        New, Same, Changed, Same, Invalid, New, Changed,
    ];
    let items = b.rekon_items(&preview.batch, None, 0, 100).expect("items");
    assert_eq!(items.len(), 20);
    for (i, (item, want)) in items.iter().zip(expected).enumerate() {
        assert_eq!(item.line, i as u64 + 2, "file lines after the header");
        assert_eq!(item.verdict, want, "line {}: {:?}", item.line, item.reason);
    }
    let reason = |line: u64| items.iter().find(|i| i.line == line).and_then(|i| i.reason.clone()).unwrap_or_default();
    assert!(reason(5).contains("sesudah tanggal data"), "{}", reason(5));
    assert!(reason(6).contains("go.id"), "{}", reason(6));
    assert!(reason(8).contains("tidak ada"), "{}", reason(8));
    assert!(reason(10).contains(&nip[1]), "names who holds the address: {}", reason(10));
    assert!(reason(14).contains("baris 13"), "{}", reason(14));
    assert_eq!(items[2].no_hp.old.as_deref(), Some("+6281200000002"));
    assert_eq!(items[2].no_hp.new.as_deref(), Some("+6281300000002"));
    assert_eq!(items[0].email.verdict, New);
    // Counts per category and per unit add up to the rows.
    let c = &preview.counts;
    assert_eq!((c.same, c.new_value, c.changed, c.stale, c.duplicate, c.invalid), (3, 4, 3, 1, 4, 5));
    let per_unit: u64 = preview.units.iter().map(|u| u.counts.total()).sum();
    assert_eq!(per_unit, 20);
    assert_eq!(preview.units.iter().find(|u| u.unit == "UNIT-B").map(|u| u.counts.total()), Some(2));
    let only_stale = b.rekon_items(&preview.batch, Some(Stale), 0, 100).expect("filtered");
    assert_eq!(only_stale.iter().map(|i| i.line).collect::<Vec<_>>(), vec![5]);

    // Apply lines 2, 4, 5, 10, 17 and 20 only: the stale one keeps the ASN's newer number,
    // the duplicate is never written.
    let pick = RekonSelection { lines: Some(vec![2, 4, 5, 10, 17, 20]), override_stale: false };
    let done = b.rekon_apply(&preview.batch, &pick).expect("apply");
    assert_eq!((done.records, done.kept_newer, done.moved), (4, 1, 0), "{done:?}");
    assert_eq!(done.validated, 3, "three go.id addresses: {done:?}");
    assert_eq!(text(&b, &nip[0], "email_gov").as_deref(), Some("budi@bkd.jatengprov.go.id"));
    assert_eq!(text(&b, &nip[0], "email").as_deref(), Some("budi@gmail.com"));
    assert_eq!(text(&b, &nip[0], "no_hp").as_deref(), Some("+6281100000000"));
    assert_eq!(text(&b, &nip[0], "email_gov_valid").as_deref(), Some("budi@bkd.jatengprov.go.id"));
    assert_eq!(text(&b, &nip[0], "email_gov_valid_oleh").as_deref(), Some("admin.bkd"));
    assert!(text(&b, &nip[0], "rekon_terakhir").is_some_and(|s| s.contains("admin.bkd")));
    assert_eq!(text(&b, &nip[2], "no_hp").as_deref(), Some("+6281300000002"));
    assert_eq!(text(&b, &nip[3], "no_hp").as_deref(), Some("+6281299999993"), "the ASN's newer number stays");
    assert_eq!(text(&b, &nip[6], "email_gov"), None, "a duplicate is never applied");
    assert_eq!(text(&b, &nip[14], "email_gov").as_deref(), Some("baru@dinkes.jatengprov.go.id"));
    assert_eq!(text(&b, &nip[15], "no_hp").as_deref(), Some("+6281200000015"), "line 21 was not selected");
    assert_eq!(text(&b, &nip[9], "no_hp"), None, "line 13 was not selected");
    // Each applied row is an ordinary change: audited and waiting to be sent.
    let trail = b.audit_trail(&nip[2], 5).expect("audit");
    assert!(trail.iter().any(|e| e.action == "update" && e.actor == "admin.bkd"), "{trail:?}");
    let outbox = b.outbox().expect("outbox");
    let pid = b.pegawai(&nip[2]).expect("record").id;
    assert!(outbox.iter().any(|o| o.pegawai_id == pid), "the change waits in the outbox");

    // Applying again does nothing twice; the admin then overrides the stale row.
    let again = b.rekon_apply(&preview.batch, &pick).expect("again");
    assert_eq!((again.records, again.fields), (0, 0), "{again:?}");
    let force = RekonSelection { lines: Some(vec![5]), override_stale: true };
    assert_eq!(b.rekon_apply(&preview.batch, &force).expect("override").records, 1);
    assert_eq!(text(&b, &nip[3], "no_hp").as_deref(), Some("+6281300000003"));
    assert_eq!(b.rekon_batch(&preview.batch).expect("batch").applied, 5, "lines 2, 4, 5, 17, 20");

    // A record that changed since the preview is left alone: the preview's old value no longer
    // holds, so applying its line would overwrite what the preview never showed.
    set(&b, &nip[15], &[("no_hp", Some("081266666666"))]);
    let moved = b.rekon_apply(&preview.batch, &RekonSelection { lines: Some(vec![21]), override_stale: false });
    assert_eq!(moved.expect("apply").moved, 1);
    assert_eq!(text(&b, &nip[15], "no_hp").as_deref(), Some("+6281266666666"));

    // The standing per unit: validated addresses and valid numbers.
    let progress = b.rekon_progress().expect("progress");
    let a = progress.units.iter().find(|u| u.unit == "UNIT-A").expect("UNIT-A");
    assert_eq!(a.asn, 15);
    assert_eq!(a.email_validated, 2, "nip 0 and nip 14");
    assert_eq!(a.email_unvalidated, 1, "nip 1 holds a go.id address no one validated");
    // 2, 3, 13 held numbers; 0 got one.
    assert_eq!(a.phone_valid, 4);
    // Exports open as workbooks.
    for bytes in [
        b.rekon_preview_xlsx(&preview.batch).expect("preview xlsx"),
        b.rekon_template_xlsx(Some("UNIT-A")).expect("template"),
        b.rekon_report_xlsx(None).expect("report"),
    ] {
        assert!(bytes.starts_with(b"PK\x03\x04") && bytes.len() > 1000);
    }
}

#[test]
fn the_template_round_trips_and_a_wrong_file_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "admin.bkd").expect("init");
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    let mut rng = Rng::new(5);
    let docs: Vec<_> = (0..4).map(|i| pegawai_document(&mut rng, i, "UNIT-A", today)).collect();
    b.import_siasn(&serde_json::to_vec(&docs).expect("json")[..], &mut |_| {}).expect("import");
    // The template the app writes, read back unchanged: every row the same.
    let template = dir.path().join("templat.xlsx");
    std::fs::write(&template, b.rekon_template_xlsx(None).expect("template")).expect("write");
    let p = b.rekon_preview(&template, today).expect("preview of the template");
    assert_eq!(p.rows, 4);
    let verdicts: Vec<_> = b.rekon_items(&p.batch, None, 0, 10).expect("items").iter().map(|i| i.verdict).collect();
    assert!(verdicts.iter().all(|v| *v == Verdict::Same), "{verdicts:?}");

    // A SIASN export is read as it ships.
    let siasn = dir.path().join("siasn.json");
    std::fs::write(
        &siasn,
        b.export_siasn(docs[0]["dataUtama"]["nipBaru"].as_str().expect("nip")).expect("export").to_string(),
    )
    .expect("write");
    assert_eq!(b.rekon_preview(&siasn, today).expect("siasn").format, "siasn");

    // A file broken half-way is refused whole: no batch, no row.
    let batches = b.rekon_batches().expect("batches").len();
    let broken = dir.path().join("rusak.csv");
    let nip = docs[1]["dataUtama"]["nipBaru"].as_str().expect("nip");
    let mut bytes = format!("NIP,Nomor HP\n{nip},081234567890\n{nip},08").into_bytes();
    bytes.extend_from_slice(b"\xff1\n");
    std::fs::write(&broken, bytes).expect("write");
    let e = b.rekon_preview(&broken, today).expect_err("mixed encodings");
    assert!(e.to_string().contains("baris 3"), "{e}");
    assert_eq!(b.rekon_batches().expect("batches").len(), batches, "nothing of the broken file was kept");
}

#[test]
fn jpt_non_pns_officials_are_kept_as_their_own_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "admin.bkd").expect("init");
    let today = chrono::Utc::now().date_naive();
    let mut rng = Rng::new(9);
    let docs: Vec<_> = (0..2).map(|i| pegawai_document(&mut rng, i, "UNIT-A", today)).collect();
    b.import_siasn(&serde_json::to_vec(&docs).expect("json")[..], &mut |_| {}).expect("import");
    let pns_phone = b
        .pegawai(docs[0]["dataUtama"]["nipBaru"].as_str().expect("nip"))
        .expect("record")
        .data_utama
        .values
        .get("no_hp")
        .and_then(Value::as_str)
        .expect("a PNS phone")
        .to_string();
    let file = dir.path().join("jpt.csv");
    std::fs::write(
        &file,
        format!(
            "NIK,Nama,Jabatan,Email go.id,Nomor HP\n\
             3374015203850004,Rina Staf Ahli,Staf Ahli Gubernur,rina@jatengprov.go.id,081377700001\n\
             3374011505800001,Budi Tenaga Ahli,Tenaga Ahli,budi@gmail.com,\n\
             33740115058,Salah NIK,Tenaga Ahli,,\n\
             3374014507900002,,Tenaga Ahli,,\n\
             3374015203850004,Rina Lagi,Staf Ahli Gubernur,,081377700009\n\
             3374016512750003,Sari Penasihat,Penasihat,sari@jatengprov.go.id,{pns_phone}\n"
        ),
    )
    .expect("write");
    let day = today + chrono::Duration::days(1);
    // A JPT file is not a PNS file: the PNS preview wants a NIP column.
    let e = b.rekon_preview(&file, day).expect_err("no NIP column");
    assert_eq!(e.code(), "bad_document", "{e:?}");
    assert!(e.to_string().contains("NIP"), "the refusal names the missing column: {e}");
    let p = b.rekon_preview_jpt(&file, day).expect("jpt preview");
    assert_eq!(p.roster, "jpt");
    let verdicts: Vec<Verdict> =
        b.rekon_items(&p.batch, None, 0, 10).expect("items").iter().map(|i| i.verdict).collect();
    use Verdict::*;
    assert_eq!(verdicts, vec![New, Invalid, Invalid, Invalid, Duplicate, Duplicate]);
    let items = b.rekon_items(&p.batch, None, 0, 10).expect("items");
    assert!(items[5].reason.as_deref().is_some_and(|r| r.contains("NIP")), "{:?}", items[5].reason);
    assert_eq!(items[0].jabatan.as_deref(), Some("Staf Ahli Gubernur"));

    // Field by field, as for the PNS: Sari's address is applied, her number (a PNS's) is not.
    let done = b.rekon_apply(&p.batch, &RekonSelection::default()).expect("apply");
    assert_eq!((done.records, done.validated), (2, 2), "{done:?}");
    let kept = b.rekon_jpt_list().expect("list");
    assert_eq!(kept.iter().map(|j| j.nama.as_str()).collect::<Vec<_>>(), vec!["Rina Staf Ahli", "Sari Penasihat"]);
    assert_eq!(kept[0].nik, "3374015203850004");
    assert_eq!(kept[0].no_hp.as_deref(), Some("+6281377700001"));
    assert_eq!(kept[0].email_gov_valid.as_deref(), Some("rina@jatengprov.go.id"));
    assert_eq!(kept[1].no_hp, None, "a number a PNS holds is not given to an official");
    // The same file again: the official is there now, nothing new.
    let again = b.rekon_preview_jpt(&file, day).expect("again");
    assert_eq!(b.rekon_items(&again.batch, None, 0, 1).expect("items")[0].verdict, Same);
    // Counted in the standing, and in the report's own sheet.
    let jpt = b.rekon_progress().expect("progress").units.into_iter().find(|u| u.unit == "JPT non-PNS");
    assert_eq!(jpt.map(|u| (u.asn, u.email_validated, u.phone_valid)), Some((2, 2, 1)));
    let report = b.rekon_report_xlsx(None).expect("report");
    let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(report)).expect("xlsx");
    use calamine::Reader;
    assert_eq!(book.sheet_names(), vec!["Rekon mandiri".to_string(), "JPT non-PNS".to_string()]);
}
