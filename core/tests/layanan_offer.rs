//! What an ASN is offered: core decides from the record which layanan apply and says why the
//! others do not; the form of a layanan holds typed inputs with the record's values.

use berkas_core::display::Lang;
use berkas_core::forms::InputKind;
use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use chrono::NaiveDate;

/// A profile holding two synthetic ASN: a PNS as generated, and the same made a PPPK (an NI
/// PPPK: digits 13-14 are a code above 12).
fn profile(dir: &tempfile::TempDir) -> (Berkas, String, String) {
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "tester").expect("init");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut rng = Rng::new(7);
    let pns = pegawai_document(&mut rng, 1, "UNIT-A", today);
    let mut pppk = pegawai_document(&mut rng, 2, "UNIT-A", today);
    let nip = pppk["dataUtama"]["nipBaru"].as_str().expect("nip").to_string();
    let pppk_nip = format!("{}2021{}{}", &nip[..8], "21", &nip[14..]);
    pppk["dataUtama"]["nipBaru"] = serde_json::Value::String(pppk_nip.clone());
    let input = serde_json::to_vec(&vec![pns.clone(), pppk]).expect("json");
    let r = b.import_siasn(&input[..], &mut |_| {}).expect("import");
    assert_eq!(r.refused.len(), 0, "{:?}", r.refused);
    let pns_nip = pns["dataUtama"]["nipBaru"].as_str().expect("nip").to_string();
    (b, pns_nip, pppk_nip)
}

fn set(b: &Berkas, nip: &str, field: &str, value: &str) {
    let change: FieldMap = [(field.to_string(), Value::Text(value.to_string()))].into_iter().collect();
    b.edit_pegawai(nip, &change).expect("edit");
}

fn offer_of(b: &Berkas, nip: &str, id: &str, lang: Lang) -> berkas_core::forms::LayananOffer {
    b.layanan_offer(nip, lang).expect("offer").into_iter().find(|o| o.id == id).expect("in the catalogue")
}

#[test]
fn each_asn_is_offered_what_applies_and_told_why_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, pns, pppk) = profile(&dir);
    let all = b.layanan_offer(&pns, Lang::Id).expect("offer");
    assert_eq!(all.len(), b.layanan_catalog().expect("catalog").layanan.len(), "every layanan is listed");
    let first_refused = all.iter().position(|o| !o.applies).unwrap_or(all.len());
    assert!(all[first_refused..].iter().all(|o| !o.applies), "those that apply come first");

    // A married PNS without a Karis/Karsu may ask for one; once held, or unmarried, not.
    assert!(offer_of(&b, &pns, "karis_karsu", Lang::Id).applies);
    assert!(offer_of(&b, &pns, "kp_reguler", Lang::Id).applies);
    set(&b, &pns, "karis_karsu", "KS-0001/2020");
    let held = offer_of(&b, &pns, "karis_karsu", Lang::En);
    assert_eq!(held.reason.as_ref().map(|r| r.code.as_str()), Some("layanan.has_karis_karsu"));
    set(&b, &pns, "karis_karsu", "");
    set(&b, &pns, "jenis_kawin_id", "4");
    let single = offer_of(&b, &pns, "karis_karsu", Lang::Id);
    assert!(!single.applies);
    let r = single.reason.expect("a reason");
    assert_eq!(r.code, "layanan.not_married");
    assert!(r.text.contains("Menikah"), "{}", r.text);
    assert_eq!(
        offer_of(&b, &pns, "izin_perceraian", Lang::Id).reason.map(|r| r.code),
        Some("layanan.not_married".into())
    );

    // A PPPK: no kenaikan pangkat, no pensiun; a data update still applies.
    for id in ["kp_reguler", "pensiun_reguler", "karis_karsu", "cpns_ke_pns"] {
        let o = offer_of(&b, &pppk, id, Lang::En);
        assert_eq!(o.reason.as_ref().map(|r| r.code.as_str()), Some("layanan.pns_only"), "{id}");
        assert_eq!(o.reason.map(|r| r.text), Some("For PNS only (not PPPK).".to_string()));
    }
    assert!(offer_of(&b, &pppk, "pemutakhiran_kontak", Lang::Id).applies);
    assert!(offer_of(&b, &pppk, "kgb", Lang::Id).applies);

    // The synthetic ASN hold pelaksana positions: no DUPAK, no KP JF.
    assert_eq!(offer_of(&b, &pns, "kp_jf", Lang::Id).reason.map(|r| r.code), Some("layanan.jf_only".into()));
    assert!(offer_of(&b, &pns, "pindah_jabatan_pelaksana", Lang::Id).applies);

    // A CPNS (no TMT PNS yet): CPNS to PNS applies, kenaikan pangkat not yet.
    assert_eq!(offer_of(&b, &pns, "cpns_ke_pns", Lang::Id).reason.map(|r| r.code), Some("layanan.cpns_only".into()));
    b.edit_pegawai(&pns, &[("tmt_pns".to_string(), Value::Null)].into_iter().collect()).expect("edit");
    assert!(offer_of(&b, &pns, "cpns_ke_pns", Lang::Id).applies);
    assert_eq!(offer_of(&b, &pns, "kp_reguler", Lang::Id).reason.map(|r| r.code), Some("layanan.not_cpns".into()));

    // An open request is offered to be continued.
    let id = b.create_usulan(&pns, "kgb", &FieldMap::new()).expect("draft");
    assert_eq!(offer_of(&b, &pns, "kgb", Lang::Id).open_request, Some(id));
}

#[test]
fn a_form_has_typed_inputs_holding_the_draft_or_the_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, pns, _) = profile(&dir);
    let form = b.layanan_form(&pns, "pemutakhiran_kontak", None, Lang::Id).expect("form");
    let input = |name: &str| form.iter().find(|i| i.name == name).expect("input").clone();
    assert_eq!(input("no_hp").kind, InputKind::Phone);
    assert_eq!(input("email").kind, InputKind::Email);
    assert_eq!(input("nik").kind, InputKind::Nik);
    let record = b.pegawai(&pns).expect("record");
    assert_eq!(input("no_hp").value, record.data_utama.values.get("no_hp").map(Value::to_text).unwrap_or_default());
    assert!(!input("no_hp").value.is_empty(), "a data update starts from the record's values");

    // A code is picked from its reference table and shown by name.
    let pendidikan = b.layanan_form(&pns, "tambah_riwayat_pendidikan", None, Lang::Id).expect("form");
    let tk = pendidikan.iter().find(|i| i.name == "tk_pendidikan_id").expect("input");
    assert_eq!(tk.kind, InputKind::Code);
    assert!(tk.ref_table.is_some());

    // A draft's answers come back in the form.
    let answers: FieldMap = [("tmt_kgb".to_string(), Value::Text("2027-04-01".into()))].into_iter().collect();
    let id = b.create_usulan(&pns, "kgb", &answers).expect("draft");
    let kgb = b.layanan_form(&pns, "kgb", Some(&id), Lang::En).expect("form");
    assert_eq!((kgb[0].name.as_str(), kgb[0].kind, kgb[0].value.as_str()), ("tmt_kgb", InputKind::Date, "2027-04-01"));
}
