use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

use super::*;
use crate::reports::{to_csv, to_pdf_coded, Nominatif, NominatifRow};

/// A hub's key, made here: signing needs nothing but the key pair.
fn hub_key() -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("generate");
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("parse")
}

fn public(k: &Ed25519KeyPair) -> PublicKey {
    PublicKey::from_bytes(<[u8; 32]>::try_from(k.public_key().as_ref()).expect("32 bytes"))
}

fn sign(k: &Ed25519KeyPair, code: &str, sha256: String) -> Signed {
    let statement = Statement {
        code: code.into(),
        kind: "nominatif".into(),
        title: "Daftar nominatif UNIT-A".into(),
        sha256,
        issued: "2026-11-26T10:00:00.000Z".into(),
        key: public(k).key_id(),
    };
    statement.check().expect("a sound statement");
    let signature = k.sign(statement.to_text().as_bytes()).as_ref().to_vec();
    Signed { statement, signature }
}

fn nominatif(rows: usize) -> Nominatif {
    let row = |i: usize| NominatifRow {
        nip: format!("19800101200501{i:04}"),
        nama: format!("Pegawai {i}"),
        golongan: "III/a".into(),
        tmt_golongan: "2020-04-01".into(),
        jabatan: "Analis".into(),
        tmt_jabatan: "2021-01-01".into(),
        pendidikan: "S1".into(),
        unit: "UNIT-A".into(),
        kelengkapan: 80,
    };
    Nominatif { unit: Some("UNIT-A".into()), dibuat: "2026-11-26".into(), rows: (0..rows).map(row).collect() }
}

/// A sealed nominatif PDF of `rows` rows, and the key that signed it.
fn sealed_pdf(rows: usize) -> (Vec<u8>, Ed25519KeyPair, String) {
    let k = hub_key();
    let code = new_code().expect("code");
    let body = PdfBody::new(to_pdf_coded(&nominatif(rows), Some(&code))).expect("a whole PDF");
    let signed = sign(&k, &code, body.sha256());
    (body.seal(&signed), k, code)
}

#[test]
fn a_sealed_pdf_checks_out_opens_in_a_pdf_reader_and_shows_its_code() {
    let (pdf, k, code) = sealed_pdf(70);
    let s = verify(&pdf, None, &public(&k)).expect("verifies");
    assert_eq!((s.code.as_str(), s.kind.as_str()), (code.as_str(), "nominatif"));
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF reader opens the signed file");
    assert_eq!(doc.get_pages().len(), 3);
    let page = doc.get_and_decode_page_content(*doc.get_pages().get(&1).expect("page 1")).expect("content");
    let shown = format!("{:?}", page.operations);
    assert!(shown.contains(&code), "the code is shown on the page");
}

#[test]
fn every_change_after_signing_is_caught_and_named() {
    let (pdf, k, _) = sealed_pdf(5);
    let key = public(&k);
    let block = pdf.windows(PDF_BLOCK_START.len()).rposition(|w| w == PDF_BLOCK_START).expect("block");

    // One byte of the document (a digit of a NIP, say).
    let mut changed = pdf.clone();
    let at = changed.windows(6).position(|w| w == b"198001").expect("a NIP in the page");
    changed[at + 5] = b'2';
    assert_eq!(verify(&changed, None, &key), Err(SignatureError::ContentChanged));

    // The statement: another title, or the hash of the changed document.
    let retitled = String::from_utf8_lossy(&pdf).replace("UNIT-A\n%sha256", "UNIT-B\n%sha256");
    assert_eq!(verify(retitled.as_bytes(), None, &key), Err(SignatureError::Invalid));

    // An incremental update after the block, as a PDF editor would append it.
    let mut updated = pdf.clone();
    updated.extend_from_slice(b"5 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
    assert_eq!(verify(&updated, None, &key), Err(SignatureError::Appended));

    // Cut anywhere in the block.
    for cut in [block + 3, pdf.len() - 7, pdf.len() - 40] {
        let e = verify(&pdf[..cut], None, &key).expect_err("a cut file");
        assert!(
            matches!(e, SignatureError::Malformed(_) | SignatureError::Appended | SignatureError::NotSigned),
            "{e:?}"
        );
    }
    // No block at all, and another hub's key.
    assert_eq!(verify(&pdf[..block], None, &key), Err(SignatureError::NotSigned));
    let other = public(&hub_key());
    assert!(matches!(verify(&pdf, None, &other), Err(SignatureError::OtherKey { .. })));
}

#[test]
fn a_signed_pdf_must_show_the_code_it_was_signed_with() {
    let k = hub_key();
    let body = PdfBody::new(to_pdf_coded(&nominatif(2), Some("AAAA-BBBB-CCCC"))).expect("pdf");
    let signed = sign(&k, "ZZZZ-YYYY-XXXX", body.sha256());
    assert_eq!(verify(&body.seal(&signed), None, &public(&k)), Err(SignatureError::CodeNotShown));
}

#[test]
fn a_csv_is_checked_with_its_sig_file() {
    let k = hub_key();
    let csv = to_csv(&nominatif(3));
    let signed = sign(&k, &new_code().expect("code"), sha256_hex(&csv));
    let sig = detached_text(&signed);
    assert_eq!(verify(&csv, Some(&sig), &public(&k)).expect("verifies"), signed.statement);
    let mut changed = csv.clone();
    changed.extend_from_slice(b"4,1980,extra\n");
    assert_eq!(verify(&changed, Some(&sig), &public(&k)), Err(SignatureError::ContentChanged));
    assert_eq!(verify(&csv, None, &public(&k)), Err(SignatureError::NotSigned));
    let bad = sig.replace("signature: ", "signature: 00");
    assert!(matches!(verify(&csv, Some(&bad), &public(&k)), Err(SignatureError::Malformed(_))));
    assert!(matches!(verify(&csv, Some("hello"), &public(&k)), Err(SignatureError::Malformed(_))));
}

#[test]
fn codes_are_random_readable_and_checked() {
    let codes: std::collections::HashSet<String> = (0..1000).map(|_| new_code().expect("code")).collect();
    assert_eq!(codes.len(), 1000);
    assert!(codes.iter().all(|c| is_code(c)), "{codes:?}");
    for bad in ["AAAA-BBBB-CCC", "AAAA-BBBB-CCCI", "aaaa-bbbb-cccc", "AAAABBBB-CCCC-"] {
        assert!(!is_code(bad), "{bad}");
    }
    let k = hub_key();
    let mut s = sign(&k, "AAAA-BBBB-CCCC", "0".repeat(64)).statement;
    s.title = "two\nlines".into();
    assert!(matches!(s.check(), Err(SignatureError::Malformed(m)) if m.contains("title")));
    assert!(matches!(PublicKey::from_hex("abc"), Err(SignatureError::BadKey(_))));
}
