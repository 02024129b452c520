//! Property tests: no parser panics on arbitrary input, and every well-formed NIP and NIK
//! decodes back to what was encoded.

use berkas_core::model::{parse_date, Email, Nik, Nip, NipKind, Phone, Sex};
use berkas_core::siasn::{for_each_document, parse_document};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = Nip::parse(&s);
        let _ = Nik::parse(&s);
        let _ = Phone::parse(&s);
        let _ = Email::parse(&s);
        let _ = Email::parse_gov(&s);
        let _ = parse_date(&s);
    }

    #[test]
    fn digit_strings_never_panic(s in "[0-9 ]{0,24}") {
        if let Ok(n) = Nip::parse(&s) { let _ = n.facts(); let _ = n.warnings(); }
        if let Ok(n) = Nik::parse(&s) { let _ = n.facts(); }
    }

    #[test]
    fn siasn_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = for_each_document(&bytes[..], |_, doc| { let _ = parse_document(&doc); Ok(()) });
    }

    #[test]
    fn pns_nip_round_trips(days in 0u32..20000, tmt_y in 1960i32..2030, tmt_m in 1u32..=12, female: bool, seq in 1u16..=999) {
        let birth = NaiveDate::from_ymd_opt(1940, 1, 1).expect("date") + chrono::Days::new(u64::from(days));
        let s = format!("{}{:04}{:02}{}{:03}", birth.format("%Y%m%d"), tmt_y, tmt_m, if female { 2 } else { 1 }, seq);
        let nip = Nip::parse(&s).expect("well-formed NIP");
        prop_assert_eq!(nip.kind(), NipKind::Pns);
        let f = nip.facts().expect("facts");
        prop_assert_eq!(f.birth_date, birth);
        prop_assert_eq!((f.tmt.year, f.tmt.month), (tmt_y, Some(tmt_m as u8)));
        prop_assert_eq!(f.sex, if female { Sex::F } else { Sex::M });
        prop_assert_eq!(f.sequence, seq);
    }

    #[test]
    fn pppk_nip_round_trips(days in 0u32..20000, year in 2019i32..2030, code in 13u8..=99, seq in 1u16..=999) {
        let birth = NaiveDate::from_ymd_opt(1960, 1, 1).expect("date") + chrono::Days::new(u64::from(days));
        let s = format!("{}{:04}{:02}1{:03}", birth.format("%Y%m%d"), year, code, seq);
        let nip = Nip::parse(&s).expect("well-formed PPPK");
        prop_assert_eq!(nip.kind(), NipKind::Pppk);
        let f = nip.facts().expect("facts");
        prop_assert_eq!((f.tmt.year, f.tmt.month, f.pppk_code), (year, None, Some(code)));
    }

    #[test]
    fn nik_round_trips(days in 0u32..30000, female: bool, serial in 1u16..=9999, kab in 1u8..=69, kec in 1u8..=99) {
        let birth = NaiveDate::from_ymd_opt(1940, 1, 1).expect("date") + chrono::Days::new(u64::from(days));
        let day = birth.day() + if female { 40 } else { 0 };
        let s = format!("33{:02}{:02}{:02}{:02}{:02}{:04}", kab, kec, day, birth.month(), birth.year() % 100, serial);
        let f = Nik::parse(&s).expect("well-formed NIK").facts();
        prop_assert_eq!((f.birth_day as u32, f.birth_month as u32, f.birth_yy as i32), (birth.day(), birth.month(), birth.year() % 100));
        prop_assert_eq!(f.sex, if female { Sex::F } else { Sex::M });
        prop_assert_eq!(f.serial, serial);
    }
}
