//! The year-ahead outlook counts what the due list says month by month: each month's count
//! per kind is the number of ASN the due list of that month and kind names, for the whole
//! profile and for one unit; units side by side add up to the whole.

use berkas_core::due::{DueKind, DueRules};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::synth::{pegawai_document, Rng};
use berkas_core::Berkas;
use chrono::NaiveDate;

#[test]
fn the_outlook_counts_what_the_due_lists_name_month_by_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = Berkas::init(&dir.path().join("p"), SecretStoreKind::File, "tester").expect("init");
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    let mut rng = Rng::new(11);
    let docs: Vec<_> =
        (0..120).map(|i| pegawai_document(&mut rng, i, if i % 3 == 0 { "UNIT-B" } else { "UNIT-A" }, today)).collect();
    let input = serde_json::to_vec(&docs).expect("json");
    assert_eq!(b.import_siasn(&input[..], &mut |_| {}).expect("import").refused.len(), 0);
    let rules = DueRules::default();

    for unit in [None, Some("UNIT-B")] {
        let outlook = b.due_outlook("2027-01", 12, &rules, unit).expect("outlook");
        assert_eq!(outlook.len(), 12);
        assert_eq!(outlook[0].period, "2027-01");
        assert_eq!(outlook[11].period, "2027-12");
        let mut any = 0;
        for m in &outlook {
            let count = |k| b.due(k, &m.period, &rules, unit).expect("due").due.len() as u64;
            assert_eq!(
                (m.kp, m.kgb, m.pensiun, m.satyalencana),
                (count(DueKind::Kp), count(DueKind::Kgb), count(DueKind::Pensiun), count(DueKind::SatyaLencana)),
                "{} {unit:?}",
                m.period
            );
            any += m.kp + m.kgb + m.pensiun + m.satyalencana;
        }
        assert!(any > 0, "120 synthetic ASN have something due in a year");
    }
    let wrapped = b.due_outlook("2027-11", 3, &rules, None).expect("outlook");
    let periods: Vec<&str> = wrapped.iter().map(|m| m.period.as_str()).collect();
    assert_eq!(periods, ["2027-11", "2027-12", "2028-01"]);
    let e = b.due_outlook("2027-13", 12, &rules, None).expect_err("a month that is not one");
    assert!(matches!(&e, berkas_core::Error::Invalid(f) if f[0].field == "period"), "{e:?}");

    let units = b.unit_progress().expect("units");
    let names: Vec<&str> = units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(names, ["UNIT-A", "UNIT-B"]);
    assert_eq!(units.iter().map(|u| u.asn).sum::<u64>(), 120);
    let whole = b.work_progress(None).expect("whole");
    for band in 0..5 {
        assert_eq!(
            units.iter().map(|u| u.progress.completeness_bands[band]).sum::<u64>(),
            whole.completeness_bands[band]
        );
    }
}
