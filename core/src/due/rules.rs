//! The rules, one function each, over plain field maps.

use chrono::{Datelike, Months, NaiveDate};

use super::gaji::{golongan_name, rupiah};
use super::{DueKind, DueRules, Judgement, Period};
use crate::model::{Entity, FieldMap, Value};

/// A record as the rules see it: data utama and every riwayat row with its group.
pub struct DueRecord<'a> {
    pub data_utama: &'a FieldMap,
    pub rows: Vec<(Entity, &'a FieldMap)>,
}

/// Reference facts the rules need: a JF's own BUP, a hukuman's level.
pub trait RefLookup {
    /// `usiaBup` of a jabatan fungsional, if the table is loaded and gives one.
    fn usia_bup(&self, jabatan_fungsional_id: &str) -> Option<u32>;
    /// `jenisTingkatHukumanId` (R ringan, S sedang, B berat) of a jenis hukuman.
    fn tingkat_hukuman(&self, jenis_hukuman_id: &str) -> Option<String>;
}

fn text<'a>(m: &'a FieldMap, f: &str) -> Option<&'a str> {
    m.get(f).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn date(m: &FieldMap, f: &str) -> Option<NaiveDate> {
    m.get(f).and_then(Value::as_date)
}

fn int(m: &FieldMap, f: &str) -> Option<i64> {
    match m.get(f) {
        Some(Value::Int(i)) => Some(*i),
        Some(Value::Text(t)) => t.trim().parse().ok(),
        _ => None,
    }
}

fn plus_years(d: NaiveDate, years: u32) -> Option<NaiveDate> {
    d.checked_add_months(Months::new(years * 12))
}

/// Whole months from `a` to `b` (negative if `b` is earlier), counting a month only once its
/// day is reached.
fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let m = (b.year() as i64 - a.year() as i64) * 12 + b.month() as i64 - a.month() as i64;
    if b >= a && b.day() < a.day() {
        m - 1
    } else if b < a && b.day() > a.day() {
        m + 1
    } else {
        m
    }
}

/// Judges one record for one kind of event in `period`.
pub fn evaluate(kind: DueKind, period: Period, rules: &DueRules, r: &DueRecord<'_>, refs: &dyn RefLookup) -> Judgement {
    match kind {
        DueKind::Pensiun => pensiun(period, rules, r, refs),
        DueKind::Kp => kp(period, rules, r, refs),
        DueKind::Kgb => kgb(period, rules, r, refs),
        DueKind::SatyaLencana => satya(period, rules, r, refs),
    }
}

/// The BUP of this ASN and why; an error naming what is missing when the ASN holds a
/// jabatan fungsional that no reference table here knows (its own BUP may be 60 or 65: the
/// default 58 would list a JF-65 holder seven years early).
fn bup(rules: &DueRules, du: &FieldMap, refs: &dyn RefLookup) -> Result<(u32, String), String> {
    if let Some(jf) = text(du, "jabatan_fungsional_id") {
        match refs.usia_bup(jf) {
            Some(age) if age > 0 => return Ok((age, format!("BUP jabatan fungsional {age} tahun"))),
            // The table knows the JF and gives it no own BUP: the general rules hold.
            Some(_) => {}
            None => {
                return Err(format!(
                    "BUP belum pasti: tabel jabatan fungsional tidak ada atau tidak memuat JF {jf} (usiaBup)"
                ))
            }
        }
    }
    if text(du, "eselon_id").is_some_and(|e| rules.jpt_eselon.iter().any(|j| j == e)) {
        return Ok((rules.bup_jpt, format!("BUP pimpinan tinggi {} tahun", rules.bup_jpt)));
    }
    Ok((rules.bup_default, format!("BUP {} tahun", rules.bup_default)))
}

/// TMT pensiun: the 1st of the month after the month in which the BUP birthday falls (a
/// 29 February birthday falls in February every year, so it needs no special case).
pub(crate) fn tmt_pensiun(born: NaiveDate, bup: u32) -> Option<NaiveDate> {
    let birth_month = NaiveDate::from_ymd_opt(born.year() + bup as i32, born.month(), 1)?;
    birth_month.checked_add_months(Months::new(1))
}

fn pensiun(period: Period, rules: &DueRules, r: &DueRecord<'_>, refs: &dyn RefLookup) -> Judgement {
    let du = r.data_utama;
    let Some(born) = date(du, "tgl_lahir") else { return Judgement::Unknown("tgl_lahir".into()) };
    let (age, why) = match bup(rules, du, refs) {
        Ok(b) => b,
        Err(missing) => return Judgement::Unknown(missing),
    };
    match tmt_pensiun(born, age) {
        Some(tmt) if tmt == period.tmt() => Judgement::Due { tmt, reason: format!("{why}, lahir {born}") },
        Some(_) => Judgement::NotDue,
        None => Judgement::Unknown("tgl_lahir".into()),
    }
}

fn is_pns_golongan(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 2 && (b'1'..=b'4').contains(&b[0]) && (b'1'..=b'5').contains(&b[1])
}

fn kp(period: Period, rules: &DueRules, r: &DueRecord<'_>, refs: &dyn RefLookup) -> Judgement {
    let du = r.data_utama;
    let tmt = period.tmt();
    let Some(periods) = rules.kp_periods.iter().filter(|p| p.from <= tmt).max_by_key(|p| p.from) else {
        return Judgement::NotDue;
    };
    if !periods.months.contains(&period.month) {
        return Judgement::NotDue;
    }
    let Some(gol) = text(du, "gol_ruang_akhir_id") else { return Judgement::Unknown("gol_ruang_akhir_id".into()) };
    if !is_pns_golongan(gol) || gol == rules.golongan_max {
        return Judgement::NotDue; // PPPK, or at the top
    }
    let Some(since) = date(du, "tmt_gol_akhir") else { return Judgement::Unknown("tmt_gol_akhir".into()) };
    // Retired by then: no KP.
    if let Some(born) = date(du, "tgl_lahir") {
        // An uncertain BUP excludes no one: the KP is listed, the pensiun judged unknown.
        let retired = bup(rules, du, refs).ok().and_then(|(age, _)| tmt_pensiun(born, age));
        if retired.is_some_and(|p| p <= tmt) {
            return Judgement::NotDue;
        }
    }
    match plus_years(since, rules.kp_years) {
        Some(ready) if ready <= tmt => {
            let years = months_between(since, tmt) / 12;
            Judgement::Due {
                tmt,
                reason: format!(
                    "{years} tahun dalam pangkat sejak {since} (minimal {}; {})",
                    rules.kp_years, periods.basis
                ),
            }
        }
        Some(_) => Judgement::NotDue,
        None => Judgement::Unknown("tmt_gol_akhir".into()),
    }
}

/// The golongan in force at `at` and its masa kerja golongan (months) then: from the latest
/// golongan SK that gives one, else from the data utama as of TMT golongan terakhir.
fn golongan_mkg<'a>(r: &DueRecord<'a>, at: NaiveDate) -> Option<(Option<&'a str>, i64)> {
    let du = r.data_utama;
    let from_riwayat = r
        .rows
        .iter()
        .filter(|(e, _)| *e == Entity::RiwayatGolongan)
        .filter_map(|(_, m)| {
            let tmt = date(m, "tmt_golongan")?;
            let mk = int(m, "mk_golongan_tahun")? * 12 + int(m, "mk_golongan_bulan").unwrap_or(0);
            Some((tmt, mk, text(m, "golongan_id")))
        })
        // The golongan in force at `at`: a KP taking effect later is not counted yet.
        .filter(|(tmt, _, _)| *tmt <= at)
        .max_by_key(|(tmt, _, _)| *tmt);
    let (base, mk, golongan) = match from_riwayat {
        Some((tmt, mk, g)) => (tmt, mk, g.or_else(|| text(du, "gol_ruang_akhir_id"))),
        None => (
            date(du, "tmt_gol_akhir")?,
            int(du, "mk_tahun")? * 12 + int(du, "mk_bulan").unwrap_or(0),
            text(du, "gol_ruang_akhir_id"),
        ),
    };
    Some((golongan, mk + months_between(base, at)))
}

fn kgb(period: Period, rules: &DueRules, r: &DueRecord<'_>, refs: &dyn RefLookup) -> Judgement {
    let tmt = period.tmt();
    let du = r.data_utama;
    // Retired by then: no KGB (an uncertain BUP excludes no one).
    if let Some(born) = date(du, "tgl_lahir") {
        let retired = bup(rules, du, refs).ok().and_then(|(age, _)| tmt_pensiun(born, age));
        if retired.is_some_and(|p| p <= tmt) {
            return Judgement::NotDue;
        }
    }
    // A KP taking effect this month: its SK sets the new gaji pokok by masa kerja golongan, so
    // no KGB is proposed beside it.
    let kp_now =
        r.rows.iter().filter(|(e, _)| *e == Entity::RiwayatGolongan).any(|(_, m)| date(m, "tmt_golongan") == Some(tmt))
            || date(du, "tmt_gol_akhir") == Some(tmt);
    if kp_now {
        return Judgement::NotDue;
    }
    let Some((golongan, mkg)) = golongan_mkg(r, tmt) else { return Judgement::Unknown("masa kerja golongan".into()) };
    let Some(golongan) = golongan else { return Judgement::Unknown("golongan".into()) };
    let Some(table) = rules.gaji_pokok_at(tmt) else {
        return Judgement::Unknown("tabel gaji pokok tidak dimuat".into());
    };
    if !table.has(golongan) {
        if is_pns_golongan(golongan) {
            return Judgement::Unknown(format!("golongan {golongan} tidak ada di tabel gaji pokok {}", table.basis));
        }
        // PPPK: their own salary table is not shipped. Flag the years a step is likely instead
        // of judging (or staying silent) every month.
        return if mkg > 0 && mkg % 24 == 0 {
            Judgement::Unknown(format!(
                "KGB PPPK belum pasti (MKG {} tahun): tabel gaji PPPK tidak dimuat, periksa manual",
                mkg / 12
            ))
        } else {
            Judgement::NotDue
        };
    }
    let Some(step) = table.step_at(golongan, mkg) else { return Judgement::NotDue };
    let name = golongan_name(golongan).unwrap_or_else(|| golongan.to_string());
    let reason = if tmt >= table.berlaku {
        format!(
            "masa kerja golongan {} tahun, golongan {name}: gaji pokok {} (baris MKG {} {}), dari {} (MKG {})",
            step.to.mkg,
            rupiah(step.to.rupiah),
            step.to.mkg,
            table.basis,
            rupiah(step.from.rupiah),
            step.from.mkg
        )
    } else {
        // Earlier tables had the same rows with other amounts; the amount is not guessed.
        format!(
            "masa kerja golongan {} tahun, golongan {name}: baris MKG {} (dari MKG {}); besaran sebelum {} \
             menurut tabel yang lalu, tidak dimuat",
            step.to.mkg, step.to.mkg, step.from.mkg, table.berlaku
        )
    };
    Judgement::Due { tmt, reason }
}

fn satya(period: Period, rules: &DueRules, r: &DueRecord<'_>, refs: &dyn RefLookup) -> Judgement {
    let du = r.data_utama;
    let Some(cpns) = date(du, "tmt_cpns") else { return Judgement::Unknown("tmt_cpns".into()) };
    let Some(years) =
        rules.satya_years.iter().copied().find(|y| plus_years(cpns, *y).is_some_and(|d| Period::of(d) == period))
    else {
        return Judgement::NotDue;
    };
    // Continuous service: no CLTN; no hukuman disiplin sedang or berat.
    if r.rows.iter().any(|(e, _)| *e == Entity::RiwayatCltn) {
        return Judgement::NotDue;
    }
    for (_, h) in r.rows.iter().filter(|(e, _)| *e == Entity::RiwayatHukdis) {
        let Some(jenis) = text(h, "jenis_hukuman_id") else { continue };
        match refs.tingkat_hukuman(jenis) {
            Some(t) if rules.satya_barring_hukdis.contains(&t) => return Judgement::NotDue,
            Some(_) => {}
            None => return Judgement::Unknown("tingkat hukuman disiplin (tabel jenisHukuman)".into()),
        }
    }
    let tmt = plus_years(cpns, years).unwrap_or(cpns);
    Judgement::Due { tmt, reason: format!("{years} tahun masa kerja sejak TMT CPNS {cpns}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::GajiPokokTable;

    struct Refs;
    impl RefLookup for Refs {
        fn usia_bup(&self, jf: &str) -> Option<u32> {
            match jf {
                "GURU" => Some(60),
                "NOL" => Some(0),
                _ => None,
            }
        }
        fn tingkat_hukuman(&self, id: &str) -> Option<String> {
            match id {
                "1" => Some("R".into()),
                "7" => Some("S".into()),
                _ => None,
            }
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn du(pairs: &[(&str, &str)]) -> FieldMap {
        pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
    }

    fn judge(kind: DueKind, period: &str, du: &FieldMap, rows: Vec<(Entity, &FieldMap)>) -> Judgement {
        let r = DueRecord { data_utama: du, rows };
        evaluate(kind, Period::parse(period).expect("period"), &DueRules::default(), &r, &Refs)
    }

    fn due(j: &Judgement) -> Option<NaiveDate> {
        match j {
            Judgement::Due { tmt, .. } => Some(*tmt),
            _ => None,
        }
    }

    #[test]
    fn tmt_pensiun_is_the_first_of_the_month_after_the_bup_birthday() {
        for (born, bup, tmt) in [
            ("1969-01-15", 58, "2027-02-01"),
            ("1969-01-31", 58, "2027-02-01"),
            ("1969-01-01", 58, "2027-02-01"),
            ("1968-12-31", 58, "2027-01-01"),
            ("1968-02-29", 58, "2026-03-01"),
            ("1966-02-28", 60, "2026-03-01"),
            ("1961-11-30", 65, "2026-12-01"),
        ] {
            assert_eq!(tmt_pensiun(d(born), bup), Some(d(tmt)), "{born} BUP {bup}");
        }
    }

    #[test]
    fn pensiun_uses_the_jf_bup_then_jpt_then_the_default() {
        let plain = du(&[("tgl_lahir", "1968-12-03")]);
        assert_eq!(due(&judge(DueKind::Pensiun, "2027-01", &plain, vec![])), Some(d("2027-01-01")));
        assert_eq!(due(&judge(DueKind::Pensiun, "2026-12", &plain, vec![])), None);
        assert_eq!(due(&judge(DueKind::Pensiun, "2027-02", &plain, vec![])), None);
        let guru = du(&[("tgl_lahir", "1966-12-03"), ("jabatan_fungsional_id", "GURU")]);
        assert_eq!(due(&judge(DueKind::Pensiun, "2027-01", &guru, vec![])), Some(d("2027-01-01")));
        let jpt = du(&[("tgl_lahir", "1966-12-03"), ("eselon_id", "21")]);
        assert_eq!(due(&judge(DueKind::Pensiun, "2027-01", &jpt, vec![])), Some(d("2027-01-01")));
        // A JF no table knows: not listed at the default 58, judged unknown by name.
        let unknown_jf = du(&[("tgl_lahir", "1968-12-03"), ("jabatan_fungsional_id", "X")]);
        match judge(DueKind::Pensiun, "2027-01", &unknown_jf, vec![]) {
            Judgement::Unknown(m) => assert!(m.starts_with("BUP belum pasti") && m.contains("JF X"), "{m}"),
            other => panic!("a JF without its usiaBup was judged: {other:?}"),
        }
        // A JF the table gives usiaBup 0 (no own BUP), held by an eselon II: BUP 60 of a JPT.
        let jf_zero = du(&[("tgl_lahir", "1966-12-03"), ("jabatan_fungsional_id", "NOL"), ("eselon_id", "21")]);
        assert_eq!(due(&judge(DueKind::Pensiun, "2027-01", &jf_zero, vec![])), Some(d("2027-01-01")));
        assert_eq!(judge(DueKind::Pensiun, "2027-01", &du(&[]), vec![]), Judgement::Unknown("tgl_lahir".into()));
    }

    #[test]
    fn kp_needs_four_full_years_and_a_kp_month() {
        let r = du(&[("gol_ruang_akhir_id", "32"), ("tmt_gol_akhir", "2022-04-01"), ("tgl_lahir", "1985-03-12")]);
        assert_eq!(due(&judge(DueKind::Kp, "2026-04", &r, vec![])), Some(d("2026-04-01")));
        assert_eq!(due(&judge(DueKind::Kp, "2026-03", &r, vec![])), None, "four years minus one month");
        let day_short = du(&[("gol_ruang_akhir_id", "32"), ("tmt_gol_akhir", "2022-04-02")]);
        assert_eq!(due(&judge(DueKind::Kp, "2026-04", &day_short, vec![])), None, "four years minus one day");
        // Before October 2025 only the period months count.
        let old = du(&[("gol_ruang_akhir_id", "32"), ("tmt_gol_akhir", "2019-01-01")]);
        assert_eq!(due(&judge(DueKind::Kp, "2024-03", &old, vec![])), None, "March was no KP month in 2024");
        assert_eq!(due(&judge(DueKind::Kp, "2024-04", &old, vec![])), Some(d("2024-04-01")));
        assert_eq!(due(&judge(DueKind::Kp, "2023-02", &old, vec![])), None, "April/October before June 2023");
        let top = du(&[("gol_ruang_akhir_id", "45"), ("tmt_gol_akhir", "2010-04-01")]);
        assert_eq!(due(&judge(DueKind::Kp, "2026-04", &top, vec![])), None, "IV/e is the top");
        let retired = du(&[("gol_ruang_akhir_id", "32"), ("tmt_gol_akhir", "2010-04-01"), ("tgl_lahir", "1968-02-10")]);
        assert_eq!(due(&judge(DueKind::Kp, "2026-04", &retired, vec![])), None, "pensiun on 2026-03-01");
    }

    fn golongan_row(tmt: &str, golongan: &str, mk_tahun: i64, mk_bulan: i64) -> FieldMap {
        let mut g = FieldMap::new();
        g.insert("tmt_golongan".into(), Value::Text(tmt.into()));
        g.insert("golongan_id".into(), Value::Text(golongan.into()));
        g.insert("mk_golongan_tahun".into(), Value::Int(mk_tahun));
        g.insert("mk_golongan_bulan".into(), Value::Int(mk_bulan));
        g
    }

    #[test]
    fn no_kgb_after_retirement_nor_in_the_month_a_kp_takes_effect() {
        // III/b with MKG 4 on 2020-04-01: 6 years on 2022-04-01 ...
        let g = golongan_row("2020-04-01", "32", 4, 0);
        let young = du(&[("tgl_lahir", "1985-03-12")]);
        assert!(due(&judge(DueKind::Kgb, "2022-04", &young, vec![(Entity::RiwayatGolongan, &g)])).is_some());
        // Born 1964-01-10: BUP 58 on 2022-01, pensiun from 2022-02-01.
        let retired = du(&[("tgl_lahir", "1964-01-10")]);
        assert_eq!(due(&judge(DueKind::Kgb, "2022-04", &retired, vec![(Entity::RiwayatGolongan, &g)])), None);
        // A KP to III/c with TMT 2022-04-01 (MKG 6): its SK sets the gaji, no KGB.
        let kp = golongan_row("2022-04-01", "33", 6, 0);
        let rows = vec![(Entity::RiwayatGolongan, &g), (Entity::RiwayatGolongan, &kp)];
        assert_eq!(due(&judge(DueKind::Kgb, "2022-04", &young, rows.clone())), None, "the KP's month");
        // Two years later the KGB counts from the KP's row.
        assert!(due(&judge(DueKind::Kgb, "2024-04", &young, rows.clone())).is_some());
        // Before the KP takes effect, the golongan in force counts (a later row is not yet).
        assert!(due(&judge(DueKind::Kgb, "2022-04", &young, vec![(Entity::RiwayatGolongan, &g)])).is_some());
        assert_eq!(due(&judge(DueKind::Kgb, "2021-10", &young, rows)), None, "5y6m: no step");
    }

    #[test]
    fn kgb_steps_on_the_rows_of_the_golongan_s_column() {
        let dum = du(&[]);
        let table = GajiPokokTable::builtin().expect("table");
        // MKG 3y6m on 2020-04-01 -> 4y on 2020-10-01, 5y on 2021-10-01, 6y on 2022-10-01.
        for (golongan, period, is_due) in [
            ("32", "2020-10", true), // III/b steps on even years
            ("32", "2021-10", false),
            ("32", "2022-10", true),
            ("32", "2022-09", false),
            ("12", "2020-10", false), // I/b steps on odd years
            ("12", "2021-10", true),
            ("24", "2021-10", true), // II/d too
            ("24", "2022-10", false),
        ] {
            let g = golongan_row("2020-04-01", golongan, 3, 6);
            let j = judge(DueKind::Kgb, period, &dum, vec![(Entity::RiwayatGolongan, &g)]);
            assert_eq!(due(&j).is_some(), is_due, "{golongan} {period}: {j:?}");
        }
        // The judgement names the row of the table that applies and what it pays.
        let g = golongan_row("2020-04-01", "32", 3, 6);
        let Judgement::Due { reason, .. } = judge(DueKind::Kgb, "2026-10", &dum, vec![(Entity::RiwayatGolongan, &g)])
        else {
            panic!("III/b reaches MKG 10 in October 2026")
        };
        let (to, from) = (table.columns["32"][&10], table.columns["32"][&8]);
        for part in ["golongan III/b", &rupiah(to), "baris MKG 10 PP 5/2024", &rupiah(from), "(MKG 8)"] {
            assert!(reason.contains(part), "{part} in {reason}");
        }
        // I/a stops at MKG 26, IV/e at 32: no KGB past the top.
        let top_ia = golongan_row("2020-04-01", "11", 24, 0);
        assert!(due(&judge(DueKind::Kgb, "2022-04", &dum, vec![(Entity::RiwayatGolongan, &top_ia)])).is_some());
        assert_eq!(due(&judge(DueKind::Kgb, "2024-04", &dum, vec![(Entity::RiwayatGolongan, &top_ia)])), None);
        let top_ive = golongan_row("2020-04-01", "45", 32, 0);
        assert_eq!(due(&judge(DueKind::Kgb, "2022-04", &dum, vec![(Entity::RiwayatGolongan, &top_ive)])), None);
        // Before the table's amounts apply, the row is named and the amount is not guessed.
        let early = golongan_row("2019-04-01", "32", 4, 0);
        match judge(DueKind::Kgb, "2021-04", &dum, vec![(Entity::RiwayatGolongan, &early)]) {
            Judgement::Due { reason, .. } => {
                assert!(reason.contains("baris MKG 6") && !reason.contains("Rp"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        // A PPPK golongan: its table is not shipped, so the likely years are flagged, not judged.
        let pppk = golongan_row("2022-04-01", "IX", 0, 0);
        match judge(DueKind::Kgb, "2024-04", &dum, vec![(Entity::RiwayatGolongan, &pppk)]) {
            Judgement::Unknown(m) => assert!(m.contains("tabel gaji PPPK"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(judge(DueKind::Kgb, "2023-04", &dum, vec![(Entity::RiwayatGolongan, &pppk)]), Judgement::NotDue);
        assert!(matches!(judge(DueKind::Kgb, "2022-10", &dum, vec![]), Judgement::Unknown(_)));
        // No table at all: unknown, never the old two-year guess.
        let bare = DueRules { gaji_pokok: vec![], ..DueRules::default() };
        let r = DueRecord { data_utama: &dum, rows: vec![(Entity::RiwayatGolongan, &g)] };
        let j = evaluate(DueKind::Kgb, Period::parse("2026-10").expect("period"), &bare, &r, &Refs);
        assert_eq!(j, Judgement::Unknown("tabel gaji pokok tidak dimuat".into()));
    }

    #[test]
    fn satya_lencana_at_10_20_30_years_without_cltn_or_heavy_hukdis() {
        let r = du(&[("tmt_cpns", "2016-03-01")]);
        assert_eq!(due(&judge(DueKind::SatyaLencana, "2026-03", &r, vec![])), Some(d("2026-03-01")));
        assert_eq!(due(&judge(DueKind::SatyaLencana, "2026-04", &r, vec![])), None);
        let r20 = du(&[("tmt_cpns", "2006-03-31")]);
        assert_eq!(due(&judge(DueKind::SatyaLencana, "2026-03", &r20, vec![])), Some(d("2026-03-31")));
        let light = du(&[("jenis_hukuman_id", "1")]);
        let heavy = du(&[("jenis_hukuman_id", "7")]);
        let odd = du(&[("jenis_hukuman_id", "99")]);
        let cltn = FieldMap::new();
        assert!(due(&judge(DueKind::SatyaLencana, "2026-03", &r, vec![(Entity::RiwayatHukdis, &light)])).is_some());
        assert_eq!(due(&judge(DueKind::SatyaLencana, "2026-03", &r, vec![(Entity::RiwayatHukdis, &heavy)])), None);
        assert_eq!(due(&judge(DueKind::SatyaLencana, "2026-03", &r, vec![(Entity::RiwayatCltn, &cltn)])), None);
        assert!(matches!(
            judge(DueKind::SatyaLencana, "2026-03", &r, vec![(Entity::RiwayatHukdis, &odd)]),
            Judgement::Unknown(_)
        ));
    }

    #[test]
    fn periods_parse_strictly() {
        assert_eq!(Period::parse("2027-01").expect("ok").tmt(), d("2027-01-01"));
        for bad in ["2027-1", "2027-13", "27-01", "2027/01", "", "2027-00"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
