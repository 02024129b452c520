use super::rules::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// A moment given as WIB wall-clock time (UTC+7), computed without the code under test.
fn wib(date: &str, h: u32, m: u32) -> DateTime<Utc> {
    let d = day(date);
    Utc.from_utc_datetime(&d.and_hms_opt(h, m, 0).expect("time")) - Duration::hours(7)
}

fn december() -> PengaturanKerja {
    let mut rules = PengaturanKerja::surat_edaran(day("2026-12-01"), day("2026-12-31"), ZonaWaktu::Wib);
    rules.libur.push(day("2026-12-25"));
    rules
}

fn window(rules: &PengaturanKerja, at: DateTime<Utc>) -> Option<usize> {
    rules.window_of(at).map(|w| w.index)
}

#[test]
fn a_check_in_answers_the_next_report_time_of_a_working_day() {
    let r = december();
    // 2026-12-07 is a Monday, 2026-12-11 a Friday, 2026-12-12 a Saturday.
    assert_eq!(window(&r, wib("2026-12-07", 5, 59)), None, "before the first window opens");
    assert_eq!(window(&r, wib("2026-12-07", 6, 0)), Some(0), "an hour before work starts");
    assert_eq!(window(&r, wib("2026-12-07", 7, 30)), Some(0), "at the report time itself");
    assert_eq!(window(&r, wib("2026-12-07", 7, 31)), Some(1));
    assert_eq!(window(&r, wib("2026-12-07", 11, 30)), Some(1));
    assert_eq!(window(&r, wib("2026-12-11", 15, 20)), Some(2));
    assert_eq!(window(&r, wib("2026-12-07", 15, 31)), None, "after the last report");
    assert_eq!(window(&r, wib("2026-12-12", 9, 0)), None, "Saturday");
    assert_eq!(window(&r, wib("2026-12-25", 9, 0)), None, "a holiday");
    assert_eq!(window(&r, wib("2027-01-04", 9, 0)), None, "outside the period");
    assert_eq!(r.jam_kerja(day("2026-12-11")).map(|j| j.selesai.to_string()), Some("15:30:00".into()), "Friday");
    assert_eq!(r.jam_kerja(day("2026-12-10")).map(|j| j.selesai.to_string()), Some("15:00:00".into()));
}

#[test]
fn report_times_are_the_instansi_s_local_time() {
    let mut wita = december();
    wita.zona = ZonaWaktu::Wita;
    // 07:45 WIB is 08:45 WITA: the second window there, still the first in WIB.
    let at = wib("2026-12-07", 7, 45) - Duration::hours(1);
    assert_eq!(window(&december(), at), Some(0));
    assert_eq!(window(&wita, at), Some(1));
}

#[test]
fn distance_is_the_great_circle() {
    // One degree of latitude on a sphere of the mean radius: 2 pi R / 360.
    let one_degree = 2.0 * std::f64::consts::PI * 6_371_008.8 / 360.0;
    let d = distance_m(Tempat { lat: -6.0, lon: 106.0 }, Tempat { lat: -7.0, lon: 106.0 });
    assert!((d - one_degree).abs() < 0.01, "{d} vs {one_degree}");
    assert_eq!(distance_m(Tempat { lat: -6.2, lon: 106.8 }, Tempat { lat: -6.2, lon: 106.8 }), 0.0);
}

fn fix(at: DateTime<Utc>, lat: f64, lon: f64) -> Fix {
    Fix { lat, lon, akurasi_m: 15.0, provider: "fused".into(), mock: false, waktu_perangkat: at, waktu_gps: None }
}

const HOME: Tempat = Tempat { lat: -6.1201, lon: 106.1503 };

#[test]
fn a_fix_far_from_home_or_mocked_is_flagged_not_hidden() {
    let r = december();
    let at = wib("2026-12-07", 7, 10);
    let near = judge(&r, &fix(at, -6.1205, 106.1503), Some(HOME), Some(at), None);
    assert_eq!(near.tanda, vec![], "44 m away is home");
    assert_eq!(near.window.map(|w| w.index), Some(0));
    // About 1.1 km south.
    let far = judge(&r, &fix(at, -6.1301, 106.1503), Some(HOME), Some(at), None);
    let expected = distance_m(HOME, Tempat { lat: -6.1301, lon: 106.1503 }).round() as u32;
    assert_eq!(far.tanda, vec![Tanda::JauhDariRumah { meter: expected }]);
    let mut mocked = fix(at, -6.1201, 106.1503);
    mocked.mock = true;
    assert_eq!(judge(&r, &mocked, Some(HOME), Some(at), None).tanda, vec![Tanda::LokasiPalsu]);
    assert_eq!(judge(&r, &fix(at, 0.0, 0.0), None, Some(at), None).tanda, vec![Tanda::RumahBelumTerdaftar]);
    let mut vague = fix(at, -6.1201, 106.1503);
    vague.akurasi_m = 1200.0;
    assert_eq!(judge(&r, &vague, Some(HOME), Some(at), None).tanda, vec![Tanda::TidakAkurat { meter: 1200 }]);
}

#[test]
fn a_wrong_device_clock_neither_moves_the_window_nor_passes_unflagged() {
    let r = december();
    let truth = wib("2026-12-07", 11, 0);
    // The phone thinks it is two years later; the satellites know better.
    let mut f = fix(truth + Duration::days(730), -6.1201, 106.1503);
    f.waktu_gps = Some(truth);
    let j = judge(&r, &f, Some(HOME), Some(truth), None);
    assert_eq!((j.taken_at, j.window.map(|w| w.index)), (truth, Some(1)));
    assert_eq!(j.tanda, vec![Tanda::JamPerangkatBerbeda { menit: 730 * 24 * 60 }]);
    // No satellite time: the offset the hub measured at sync corrects it.
    let ahead = Duration::minutes(47);
    let j = judge(&r, &fix(truth + ahead, -6.1201, 106.1503), Some(HOME), Some(truth), Some(ahead));
    assert_eq!((j.taken_at, j.tanda.clone()), (truth, vec![Tanda::JamPerangkatBerbeda { menit: 47 }]));
    // A few minutes off is a clock, not a lie.
    let j = judge(&r, &fix(truth, -6.1201, 106.1503), Some(HOME), Some(truth), Some(Duration::minutes(3)));
    assert_eq!(j.tanda, vec![]);
}

/// The day: two ASN check in offline at the three windows and sync at 16.00.
#[test]
fn the_07_30_recap_made_at_07_31_knows_only_what_had_synced() {
    let r = december();
    let date = "2026-12-08";
    let synced = wib(date, 16, 0);
    let day_of = |lat: f64| -> Vec<(Judged, Option<DateTime<Utc>>, bool)> {
        [(7, 5), (11, 10), (15, 15)]
            .iter()
            .map(|&(h, m)| {
                (judge(&r, &fix(wib(date, h, m), lat, 106.1503), Some(HOME), Some(synced), None), Some(synced), false)
            })
            .collect()
    };
    let (a, b) = (day_of(-6.1201), day_of(-6.1202));
    let staff = [
        Orang { mode: ModeKerja::Rumah, cuti_atau_sakit: false, check_ins: &a },
        Orang { mode: ModeKerja::Rumah, cuti_atau_sakit: false, check_ins: &b },
    ];
    let first = r.window_of(wib(date, 7, 0)).expect("window");
    for o in &staff {
        assert_eq!(keberadaan(o, first, wib(date, 7, 31)).0, Keberadaan::TidakLapor);
        let (where_, flags) = keberadaan(o, first, wib(date, 16, 5));
        assert_eq!(where_, Keberadaan::DiRumah);
        assert_eq!(flags, vec![Tanda::TerlambatSinkron]);
    }
    // Each window of the day is answered by its own check-in.
    for h in [7, 11, 15] {
        let w = r.window_of(wib(date, h, 0)).expect("window");
        assert_eq!(keberadaan(&staff[0], w, wib(date, 16, 5)).0, Keberadaan::DiRumah, "{h}:00");
    }
}

#[test]
fn leave_usual_work_and_izin_keluar_are_their_own_lines() {
    let r = december();
    let at = wib("2026-12-08", 10, 0);
    let w = r.window_of(at).expect("window");
    let out = [(judge(&r, &fix(at, -6.2, 106.8), Some(HOME), Some(at), None), Some(at), true)];
    let izin = Orang { mode: ModeKerja::Rumah, cuti_atau_sakit: false, check_ins: &out };
    let (where_, flags) = keberadaan(&izin, w, at);
    assert_eq!(where_, Keberadaan::Tugas);
    assert!(matches!(flags.as_slice(), [Tanda::JauhDariRumah { .. }]), "{flags:?}");
    let sick = Orang { mode: ModeKerja::Rumah, cuti_atau_sakit: true, check_ins: &out };
    assert_eq!(keberadaan(&sick, w, at).0, Keberadaan::CutiSakit);
    let guard = Orang { mode: ModeKerja::Biasa, cuti_atau_sakit: false, check_ins: &[] };
    assert_eq!(keberadaan(&guard, w, at).0, Keberadaan::Biasa);
    let office = [(judge(&r, &fix(at, -6.1201, 106.1503), Some(HOME), Some(at), None), Some(at), false)];
    let at_desk = Orang { mode: ModeKerja::Kantor, cuti_atau_sakit: false, check_ins: &office };
    assert_eq!(keberadaan(&at_desk, w, at).0, Keberadaan::DiKantor);
}

#[test]
fn the_office_minimum_counts_administrators_and_pengawas() {
    let rule = MinimumKantor::SURAT_EDARAN;
    assert_eq!(rule.check(["31", "41", "42", "41"]), (true, MinimumKantor { administrator: 1, pengawas: 3 }));
    assert_eq!(rule.check(["32", "41", "42", "51"]), (false, MinimumKantor { administrator: 1, pengawas: 2 }));
    assert_eq!(rule.check(["41", "41", "41", "42"]), (false, MinimumKantor { administrator: 0, pengawas: 4 }));
}

fn stored_check_in(at: DateTime<Utc>, arrived: DateTime<Utc>) -> crate::model::FieldMap {
    use crate::model::Value;
    let mut v = crate::model::FieldMap::new();
    v.insert("jenis".into(), Value::Text("HADIR".into()));
    v.insert("lintang".into(), Value::Int(-6_120_100));
    v.insert("bujur".into(), Value::Int(106_150_300));
    v.insert("akurasi_m".into(), Value::Int(15));
    v.insert("provider".into(), Value::Text("gps".into()));
    v.insert("waktu_perangkat".into(), Value::Text(at.to_rfc3339()));
    v.insert("diterima".into(), Value::Text(arrived.to_rfc3339()));
    v
}

fn person(nip: &str, eselon: Option<&str>, checked_in: Option<DateTime<Utc>>) -> super::PersonRows {
    let check_ins = checked_in.map(|at| vec![(format!("c-{nip}"), stored_check_in(at, at))]).unwrap_or_default();
    super::PersonRows {
        nip: nip.into(),
        nama: nip.into(),
        unit: Some("DINAS-X".into()),
        eselon: eselon.map(Into::into),
        check_ins,
        ..super::PersonRows::default()
    }
}

/// The case: an OPD at the office with its Administrator and only two Pengawas there.
#[test]
fn an_opd_with_two_pengawas_at_the_office_is_flagged() {
    let mut r = december();
    r.mode_unit.insert("DINAS-X".into(), ModeKerja::Kantor);
    let at = wib("2026-12-08", 9, 0);
    let w = r.window_of(at).expect("window");
    let mut staff = vec![
        person("kabid", Some("31"), Some(at)),
        person("kasubag-1", Some("41"), Some(at)),
        person("kasubag-2", Some("42"), Some(at)),
        // A third Pengawas who did not report is not counted at the office.
        person("kasubag-3", Some("41"), None),
        person("pelaksana", None, Some(at)),
    ];
    let short = super::rekap::rekap(&r, "DINAS-X", w, wib("2026-12-08", 11, 0), &staff);
    assert!(!short.minimum_kantor.terpenuhi);
    assert_eq!(short.minimum_kantor.hadir, MinimumKantor { administrator: 1, pengawas: 2 });
    assert_eq!(short.minimum_kantor.minimum, MinimumKantor::SURAT_EDARAN);
    staff[3] = person("kasubag-3", Some("41"), Some(at));
    let met = super::rekap::rekap(&r, "DINAS-X", w, wib("2026-12-08", 11, 0), &staff);
    assert!(met.minimum_kantor.terpenuhi, "{:?}", met.minimum_kantor);
    // Working from home, the same people are not at the office.
    r.mode_unit.clear();
    let home = super::rekap::rekap(&r, "DINAS-X", w, wib("2026-12-08", 11, 0), &staff);
    assert_eq!(home.minimum_kantor.hadir, MinimumKantor { administrator: 0, pengawas: 0 });
    // The BKD may ask for another minimum.
    r.mode_unit.insert("DINAS-X".into(), ModeKerja::Kantor);
    r.minimum_kantor = MinimumKantor { administrator: 1, pengawas: 4 };
    assert!(!super::rekap::rekap(&r, "DINAS-X", w, at, &staff).minimum_kantor.terpenuhi);
}

#[test]
fn leave_in_the_record_puts_its_days_on_the_leave_line() {
    use crate::model::{Entity, FieldMap, Value};
    let r = december();
    let at = wib("2026-12-09", 9, 0);
    let w = r.window_of(at).expect("window");
    let mut p = person("cuti", None, None);
    let mut leave = FieldMap::new();
    leave.insert("jenis_cuti".into(), Value::Text("SAKIT".into()));
    leave.insert("tanggal_mulai".into(), Value::Text("2026-12-08".into()));
    leave.insert("tanggal_selesai".into(), Value::Text("2026-12-09".into()));
    p.take("id-cuti", Entity::Cuti, "row-1".into(), leave);
    let on = super::rekap::rekap(&r, "DINAS-X", w, at, std::slice::from_ref(&p));
    assert_eq!(on.lines[0].keberadaan, Keberadaan::CutiSakit);
    let next = r.window_of(wib("2026-12-10", 9, 0)).expect("window");
    let back = super::rekap::rekap(&r, "DINAS-X", next, wib("2026-12-10", 9, 0), &[p]);
    assert_eq!(back.lines[0].keberadaan, Keberadaan::TidakLapor, "the day after the leave ends");
}

#[test]
fn fixes_are_kept_for_the_retention_period_in_local_days() {
    let mut r = december();
    assert_eq!(r.retensi_hari, RETENSI_HARI);
    r.retensi_hari = 2;
    // 2026-12-10 00:30 WIB is still 12-09 in UTC: the local day counts.
    assert_eq!(r.kept_from(wib("2026-12-10", 0, 30)), day("2026-12-08"));
    r.retensi_hari = 0;
    assert_eq!(r.checked().map_err(|e| e.0), Err("retensi_hari"));
    // An arrangement published before retention existed keeps the default.
    let mut old = serde_json::to_value(december()).expect("json");
    old.as_object_mut().expect("object").remove("retensi_hari");
    let read: PengaturanKerja = serde_json::from_value(old).expect("read");
    assert_eq!((read.retensi_hari, read.minimum_kantor), (RETENSI_HARI, MinimumKantor::SURAT_EDARAN));
}

#[test]
fn an_atasan_sees_a_report_s_days_submitted_or_decided_never_drafts() {
    use super::aktivitas::{Aktivitas, AktivitasBawahan};
    let act = |id: &str, tanggal: &str, status: &str| Aktivitas {
        id: id.into(),
        tanggal: tanggal.into(),
        status: status.into(),
        ..Aktivitas::default()
    };
    let all = vec![
        act("c", "2026-12-08", "DIAJUKAN"),
        act("a", "2026-12-07", "DIAJUKAN"),
        act("b", "2026-12-07", "DIAJUKAN"),
        act("d", "2026-12-08", "DRAFT"),
        act("e", "2026-12-09", "DISETUJUI"),
    ];
    let waiting = AktivitasBawahan::days_of("n", "Nama", Some("U"), all.clone(), None);
    let shape: Vec<(String, Vec<String>)> =
        waiting.iter().map(|d| (d.tanggal.clone(), d.aktivitas.iter().map(|a| a.id.clone()).collect())).collect();
    assert_eq!(
        shape,
        vec![("2026-12-07".into(), vec!["a".into(), "b".into()]), ("2026-12-08".into(), vec!["c".into()])]
    );
    let one_day = AktivitasBawahan::days_of("n", "Nama", None, all.clone(), Some("2026-12-08"));
    assert_eq!(one_day.len(), 1);
    assert_eq!(one_day[0].aktivitas.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["c"], "no drafts");
    let decided = AktivitasBawahan::days_of("n", "Nama", None, all, Some("2026-12-09"));
    assert_eq!(decided[0].aktivitas[0].status, "DISETUJUI", "a decided day is shown when asked for");
}
