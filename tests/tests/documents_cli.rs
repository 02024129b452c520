//! `berkas doc` end to end: several photos become one PDF, the verdict and sizes are printed,
//! refusals exit 2 with the reason, export gives the bytes back, delete removes the file.

use berkas_tests::{berkas_cli as berkas, pages};
use serde_json::Value;

const NIP: &str = "198503122010011002";

fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
}

#[test]
fn doc_commands_end_to_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("profile");
    assert!(berkas(&p, &["init", "--secret-store", "file"], None).status.success());
    let add = berkas(
        &p,
        &["pegawai", "add", "--set", &format!("nip_baru={NIP}"), "--set", "nama=Siti Aminah", "--set", "unit=UNIT-A"],
        None,
    );
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));

    let page = pages::scanned_page(1700, 2200);
    let one = dir.path().join("hal-1.jpg");
    let two = dir.path().join("hal-2.dat"); // the name says nothing; the content is PNG
    std::fs::write(&one, pages::jpeg(&page, 92, None)).expect("write");
    std::fs::write(&two, pages::png(&page)).expect("write");
    let args =
        ["doc", "add", "--nip", NIP, "--type", "872", "--json", one.to_str().expect("p"), two.to_str().expect("p")];
    let v = json(&berkas(&p, &args, None));
    let doc = &v["document"];
    assert_eq!(doc["mime"], "application/pdf");
    assert_eq!(doc["pages"], 2);
    assert_eq!(v["prepared"]["readability"]["verdict"], "readable");
    let original = std::fs::metadata(&one).expect("m").len() + std::fs::metadata(&two).expect("m").len();
    assert_eq!(v["prepared"]["original_size"], original);
    let id = doc["id"].as_str().expect("id").to_string();
    let sha = doc["sha256"].as_str().expect("sha").to_string();

    // Human output names the verdict and both sizes.
    let check = berkas(&p, &["doc", "check", one.to_str().expect("p")], None);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && text.contains("terbaca") && text.contains("->"), "{text}");
    // A page the check flags: the verdict is printed and the exit status says it did not pass.
    let blurred = dir.path().join("kabur.jpg");
    std::fs::write(&blurred, pages::jpeg(&pages::blurred(&page, 6.0), 90, None)).expect("write");
    let flagged = berkas(&p, &["doc", "check", "--json", blurred.to_str().expect("p")], None);
    assert_eq!(flagged.status.code(), Some(2), "{}", String::from_utf8_lossy(&flagged.stderr));
    let v: Value = serde_json::from_slice(&flagged.stdout).expect("one JSON document, the verdict");
    assert_eq!(v["readability"]["verdict"], "flagged");

    let list = json(&berkas(&p, &["doc", "list", "--nip", NIP, "--json"], None));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let show = json(&berkas(&p, &["doc", "show", &id, "--json"], None));
    assert_eq!(show["sha256"], sha.as_str());

    let out = dir.path().join("sk.pdf");
    json(&berkas(&p, &["doc", "export", &id, "--out", out.to_str().expect("p"), "--json"], None));
    let exported = std::fs::read(&out).expect("exported");
    assert_eq!(hex(&berkas_tests::sha256(&exported)), sha);
    assert!(exported.starts_with(b"%PDF-"));

    // Refusals: exit 2 and the reason, nothing stored.
    let notes = dir.path().join("catatan.jpg");
    std::fs::write(&notes, "bukan gambar, hanya teks").expect("write");
    let bad = berkas(&p, &["doc", "add", "--nip", NIP, "--type", "872", "--json", notes.to_str().expect("p")], None);
    assert_eq!(bad.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&bad.stdout).expect("json error");
    assert_eq!(err["error"]["code"], "doc.unsupported");
    let blurred = dir.path().join("buram.jpg");
    std::fs::write(&blurred, pages::jpeg(&pages::blurred(&page, 3.0), 90, None)).expect("write");
    let flagged = berkas(&p, &["doc", "add", "--nip", NIP, "--type", "872", blurred.to_str().expect("p")], None);
    assert_eq!(flagged.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&flagged.stderr).contains("blurred"));
    let list = json(&berkas(&p, &["doc", "list", "--nip", NIP, "--json"], None));
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    json(&berkas(&p, &["doc", "delete", &id, "--json"], None));
    let list = json(&berkas(&p, &["doc", "list", "--nip", NIP, "--json"], None));
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    let gone = berkas(&p, &["doc", "show", &id], None);
    assert_eq!(gone.status.code(), Some(2));
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
