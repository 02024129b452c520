//! Signed documents end to end: a facilitator's daftar nominatif signed by a real hub, checked
//! offline with the key the hub publishes, looked up by its code, and refused once changed.

use berkas_core::reports::ReportFormat;
use berkas_core::signing::{self, PublicKey, SignatureError};
use berkas_core::sync::SyncOptions;
use berkas_core::Error;
use berkas_tests::{access_token, berkas_cli as berkas, bin, device, HubProcess, DEMO_PASSWORD};
use std::process::Output;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

/// The key as the BKD publishes it: printed by `berkas-server signing-key` from the hub's data.
fn published_key(hub: &HubProcess) -> PublicKey {
    let out = std::process::Command::new(bin("berkas-server"))
        .args(["signing-key", "--data"])
        .arg(&hub.data)
        .output()
        .expect("run berkas-server signing-key");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    PublicKey::from_hex(String::from_utf8_lossy(&out.stdout).trim()).expect("a public key")
}

#[tokio::test]
async fn a_signed_nominatif_checks_out_offline_and_by_its_code_and_a_change_is_caught() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 3);
    let fas = device(tmp.path(), "fas-a");
    fas.login(&hub.url, "fas-a", DEMO_PASSWORD, None).await.expect("login");
    let opts = SyncOptions::default();
    fas.sync(&opts).await.expect("sync");

    let pdf = fas.signed_nominatif(Some("UNIT-A"), ReportFormat::Pdf, &opts).await.expect("sign the PDF");
    assert!(pdf.detached.is_none());
    let key = published_key(&hub);
    assert_eq!(fas.signing_key().expect("kept").as_ref(), Some(&key), "the device kept the hub's key");
    let checked = signing::verify(&pdf.bytes, None, &key).expect("the published key checks it");
    assert_eq!(checked, pdf.statement);
    assert_eq!((checked.kind.as_str(), checked.title.as_str()), ("nominatif", "Daftar nominatif UNIT-A"));
    assert_eq!(fas.verify_signed(&pdf.bytes, None).expect("checked with the kept key"), checked);
    assert_eq!(lopdf::Document::load_mem(&pdf.bytes).expect("still a PDF").get_pages().len(), 1);

    // The code as typed from paper: lower case, no dashes.
    let http = reqwest::Client::new();
    let typed = checked.code.replace('-', "").to_lowercase();
    let found: serde_json::Value = http
        .get(format!("{}/v1/signatures/{typed}", hub.url))
        .send()
        .await
        .expect("lookup")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (found["statement"]["sha256"].as_str(), found["statement"]["code"].as_str()),
        (Some(checked.sha256.as_str()), Some(checked.code.as_str()))
    );
    let unknown = http.get(format!("{}/v1/signatures/AAAA-BBBB-CCCC", hub.url)).send().await.expect("lookup");
    assert_eq!(unknown.status(), 404);

    // A NIP changed in the file.
    let mut changed = pdf.bytes.clone();
    let nip = fas.daftar_nominatif(Some("UNIT-A")).expect("nominatif").rows[0].nip.clone();
    let at = changed.windows(nip.len()).position(|w| w == nip.as_bytes()).expect("the NIP is in the page");
    changed[at + 17] = if changed[at + 17] == b'9' { b'8' } else { b'9' };
    assert!(matches!(fas.verify_signed(&changed, None), Err(Error::Signature(SignatureError::ContentChanged))));

    // A CSV gets its signature beside it.
    let csv = fas.signed_nominatif(None, ReportFormat::Csv, &opts).await.expect("sign the CSV");
    let sig = csv.detached.as_deref().expect("a .sig text");
    // fas-a's laptop holds UNIT-A alone: the title names it, not "all units".
    assert_eq!(signing::verify(&csv.bytes, Some(sig), &key).expect("verifies").title, "Daftar nominatif UNIT-A");
    assert_ne!(csv.statement.code, pdf.statement.code);
    // The CSV's signature does not vouch for another file.
    assert!(matches!(signing::verify(&pdf.bytes, Some(sig), &key), Err(SignatureError::ContentChanged)));

    // A retried request gets the first answer; the code on another document is refused.
    let token = access_token(&hub.url, "fas-a").await;
    let ask = |sha: &str| {
        let body =
            serde_json::json!({ "code": checked.code, "kind": "nominatif", "title": checked.title, "sha256": sha });
        http.post(format!("{}/v1/signatures", hub.url)).bearer_auth(&token).json(&body).send()
    };
    let again: serde_json::Value = ask(&checked.sha256).await.expect("retry").json().await.expect("json");
    assert_eq!(again["statement"]["issued"].as_str(), Some(checked.issued.as_str()));
    let other = ask(&"ab".repeat(32)).await.expect("another document");
    assert_eq!(other.status(), 409);
    assert_eq!(other.json::<serde_json::Value>().await.expect("json")["error"]["code"], "signature.code_taken");

    // An ASN does not have reports signed.
    let asn = device(tmp.path(), "asn");
    asn.login(&hub.url, &nip, DEMO_PASSWORD, None).await.expect("login");
    match asn.signed_nominatif(None, ReportFormat::Pdf, &opts).await {
        Err(Error::Hub { status: 403, code, .. }) => assert_eq!(code, "forbidden.role"),
        other => panic!("an ASN had a report signed: {other:?}"),
    }
    let admin = access_token(&hub.url, "admin").await;
    let audit: Vec<serde_json::Value> = http
        .get(format!("{}/v1/audit", hub.url))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let signs: Vec<_> = audit.iter().filter(|a| a["action"] == "document.sign").collect();
    assert_eq!(signs.len(), 2, "one entry per document, none for the retry: {signs:?}");
    assert!(signs.iter().all(|a| a["actor"] == "fas-a"), "{signs:?}");
}

#[test]
fn report_sign_and_signature_verify_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hub = HubProcess::demo(&tmp.path().join("hub"), 2);
    let fas = tmp.path().join("fas");
    assert!(berkas(&fas, &["init", "--secret-store", "file"], None).status.success());
    let login = ["login", "--server", hub.url.as_str(), "--user", "fas-b", "--password-stdin"];
    assert!(berkas(&fas, &login, Some(DEMO_PASSWORD)).status.success());
    assert!(berkas(&fas, &["sync"], None).status.success());

    let (pdf, xlsx) = (tmp.path().join("nominatif.pdf"), tmp.path().join("nominatif.xlsx"));
    for (format, out) in [("pdf", &pdf), ("xlsx", &xlsx)] {
        let out_s = out.to_string_lossy();
        let args = ["report", "nominatif", "--unit", "UNIT-B", "--format", format, "--out", &out_s, "--sign", "--json"];
        let signed = berkas(&fas, &args, None);
        assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
        assert_eq!(json(&signed)["signed"]["kind"], "nominatif");
    }
    let published = published_key(&hub);
    assert!(signing::verify(&std::fs::read(&pdf).expect("pdf"), None, &published).is_ok());
    assert!(tmp.path().join("nominatif.xlsx.sig").exists(), "the XLSX's signature beside it");

    // Offline: with the key the profile kept, and with the published key and no profile at all.
    drop(hub);
    for file in [&pdf, &xlsx] {
        let ok = berkas(&fas, &["signature", "verify", &file.to_string_lossy(), "--json"], None);
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        assert_eq!(json(&ok)["title"], "Daftar nominatif UNIT-B");
    }
    let nobody = tmp.path().join("no-profile");
    for file in [&pdf, &xlsx] {
        let args = ["signature", "verify", &file.to_string_lossy(), "--key", &published.to_hex(), "--json"];
        let ok = berkas(&nobody, &args, None);
        assert!(ok.status.success(), "no profile, the published key: {}", String::from_utf8_lossy(&ok.stderr));
        assert_eq!(json(&ok)["title"], "Daftar nominatif UNIT-B");
    }
    assert!(!nobody.exists(), "checking a signature made no profile");
    let mut bytes = std::fs::read(&xlsx).expect("xlsx");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&xlsx, &bytes).expect("change it");
    let refused = berkas(&fas, &["signature", "verify", &xlsx.to_string_lossy(), "--json"], None);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(json(&refused)["error"]["code"], "signature.content_changed");
    let wrong_key = "11".repeat(32);
    let other = berkas(&nobody, &["signature", "verify", &pdf.to_string_lossy(), "--key", &wrong_key, "--json"], None);
    assert_eq!(json(&other)["error"]["code"], "signature.other_key");
}
