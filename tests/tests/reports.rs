//! The daftar nominatif from the command line as CSV, XLSX and PDF, and the counts behind the
//! completeness and verification charts, on a profile of synthetic ASN.

use berkas_tests::berkas_cli as berkas;

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn the_daftar_nominatif_as_csv_xlsx_and_pdf_and_the_progress_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    assert!(berkas(&p, &["init", "--secret-store", "file"], None).status.success());
    let synth = berkas(&p, &["synth", "--count", "70", "--units", "UNIT-A,UNIT-B"], None);
    assert!(synth.status.success());
    let file = dir.path().join("synth.json");
    std::fs::write(&file, &synth.stdout).expect("write");
    json(berkas(&p, &["import", "siasn", file.to_str().expect("path"), "--json"], None));
    let list = json(berkas(&p, &["pegawai", "list", "--unit", "UNIT-A", "--limit", "0", "--json"], None));
    let nips: Vec<String> =
        list.as_array().expect("list").iter().map(|r| r["nip"].as_str().expect("nip").into()).collect();
    assert_eq!(nips.len(), 35);

    let csv = dir.path().join("a.csv");
    let r = json(berkas(
        &p,
        &["report", "nominatif", "--unit", "UNIT-A", "--format", "csv", "--out", csv.to_str().expect("p"), "--json"],
        None,
    ));
    assert_eq!(r["rows"], 35);
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("\u{feff}No,NIP,Nama"), "a BOM and the header: {}", lines[0]);
    assert_eq!(lines.len(), 36);
    for nip in &nips {
        assert_eq!(lines.iter().filter(|l| l.contains(nip.as_str())).count(), 1, "{nip} once");
    }
    assert!(lines[1..]
        .iter()
        .all(|l| l.split(',').next_back().is_some_and(|k| k.parse::<u8>().is_ok_and(|k| k <= 100))));

    let xlsx = dir.path().join("a.xlsx");
    json(berkas(
        &p,
        &["report", "nominatif", "--unit", "UNIT-A", "--format", "xlsx", "--out", xlsx.to_str().expect("p"), "--json"],
        None,
    ));
    let bytes = std::fs::read(&xlsx).expect("xlsx");
    assert_eq!(&bytes[..2], b"PK", "a zip container");
    let names = String::from_utf8_lossy(&bytes);
    assert!(names.contains("xl/worksheets/sheet1.xml") && names.contains("[Content_Types].xml"));

    let pdf = dir.path().join("all.pdf");
    json(berkas(&p, &["report", "nominatif", "--format", "pdf", "--out", pdf.to_str().expect("p"), "--json"], None));
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
    assert!(String::from_utf8_lossy(&bytes).contains("/Count 3"), "70 rows on 32-row pages");

    let bad = berkas(&p, &["report", "nominatif", "--format", "doc", "--out", "x.doc"], None);
    assert_eq!(bad.status.code(), Some(2), "an unknown format is refused");

    let progress = json(berkas(&p, &["report", "progress", "--unit", "UNIT-A", "--json"], None));
    let bands: u64 = progress["completeness_bands"].as_array().expect("bands").iter().filter_map(|b| b.as_u64()).sum();
    assert_eq!(bands, 35, "every record is in one band");
    assert_eq!(progress["requests_waiting"], 0);
}
