//! The gaji pokok table (golongan x masa kerja golongan -> rupiah) as reference data. The KGB
//! rule reads its step years and the top of each column from it instead of assuming a step
//! every two years: golongan I/b-I/d and II/b-II/d step on odd years, II/a after its first year,
//! and no column steps past its last row.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The table in force, shipped with the app.
const PP_5_2024: &str = include_str!("gaji_pokok_pp5_2024.csv");

/// One row of a column: the gaji pokok from this masa kerja golongan on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GajiRow {
    pub mkg: u32,
    pub rupiah: u64,
}

/// A KGB: the row left and the row reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GajiStep {
    pub from: GajiRow,
    pub to: GajiRow,
}

/// A regulation's gaji pokok table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GajiPokokTable {
    /// The regulation, as a judgement names it ("PP 5/2024").
    pub basis: String,
    /// The first day its amounts apply.
    pub berlaku: NaiveDate,
    /// SIASN golongan id (`golonganPns`: "11" I/a ... "45" IV/e) -> MKG in years -> rupiah.
    pub columns: BTreeMap<String, BTreeMap<u32, u64>>,
}

/// `I/a` -> `11`, `IV/e` -> `45`.
fn golongan_id(name: &str) -> Option<String> {
    let (roman, ruang) = name.trim().split_once('/')?;
    let g = ["I", "II", "III", "IV"].iter().position(|r| *r == roman)? + 1;
    let r = ["a", "b", "c", "d", "e"].iter().position(|x| *x == ruang)? + 1;
    Some(format!("{g}{r}"))
}

/// `11` -> `I/a`, for the judgement's text.
pub fn golongan_name(id: &str) -> Option<String> {
    let b = id.as_bytes();
    if b.len() != 2 {
        return None;
    }
    let roman = ["I", "II", "III", "IV"].get((b[0] as usize).checked_sub(b'1' as usize)?)?;
    let ruang = ["a", "b", "c", "d", "e"].get((b[1] as usize).checked_sub(b'1' as usize)?)?;
    Some(format!("{roman}/{ruang}"))
}

/// `3186600` -> `Rp3.186.600`.
pub fn rupiah(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp{out}")
}

impl GajiPokokTable {
    /// Parses the wide CSV of a lampiran: a header `mkg,I/a,...,IV/e`, one line per MKG, amounts
    /// written `1.685.700`; lines starting with `#` are notes. Every problem is named by line.
    pub fn parse_csv(basis: &str, berlaku: NaiveDate, text: &str) -> Result<GajiPokokTable, String> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let (_, header) = lines.next().ok_or("the gaji pokok table is empty")?;
        let mut cells = header.split(',');
        if cells.next().map(str::trim) != Some("mkg") {
            return Err("the gaji pokok table's header must start with mkg".into());
        }
        let ids = cells
            .map(|name| golongan_id(name).ok_or_else(|| format!("the header names no golongan: {name:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut columns: BTreeMap<String, BTreeMap<u32, u64>> =
            ids.iter().map(|id| (id.clone(), BTreeMap::new())).collect();
        for (n, line) in lines {
            let mut cells = line.split(',');
            let mkg: u32 = cells
                .next()
                .and_then(|c| c.trim().parse().ok())
                .ok_or_else(|| format!("line {}: no masa kerja golongan", n + 1))?;
            let amounts: Vec<&str> = cells.collect();
            if amounts.len() != ids.len() {
                return Err(format!("line {}: {} cells where the header has {}", n + 1, amounts.len(), ids.len()));
            }
            for (id, cell) in ids.iter().zip(amounts) {
                let cell = cell.trim();
                if cell.is_empty() {
                    continue;
                }
                let rupiah: u64 = cell
                    .replace('.', "")
                    .parse()
                    .map_err(|_| format!("line {}: {cell:?} is no amount in rupiah", n + 1))?;
                if columns.entry(id.clone()).or_default().insert(mkg, rupiah).is_some() {
                    return Err(format!("line {}: MKG {mkg} appears twice", n + 1));
                }
            }
        }
        for (id, column) in &columns {
            let amounts: Vec<u64> = column.values().copied().collect();
            if amounts.is_empty() || amounts.windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!("golongan {id}: the gaji pokok must rise with every row"));
            }
        }
        Ok(GajiPokokTable { basis: basis.into(), berlaku, columns })
    }

    /// The table of PP 5/2024 shipped with the app (`None` only if the shipped file were
    /// damaged, which a test rules out).
    pub fn builtin() -> Option<&'static GajiPokokTable> {
        static TABLE: OnceLock<Option<GajiPokokTable>> = OnceLock::new();
        TABLE
            .get_or_init(|| {
                let from = NaiveDate::from_ymd_opt(2024, 1, 1)?;
                GajiPokokTable::parse_csv("PP 5/2024", from, PP_5_2024).ok()
            })
            .as_ref()
    }

    /// The row that pays a golongan at `mkg` years: the last row not above it, or the first row
    /// for a masa kerja below the column's start. `None`: the table has no such golongan.
    pub fn row(&self, golongan: &str, mkg: u32) -> Option<GajiRow> {
        let column = self.columns.get(golongan)?;
        let (m, r) = column.range(..=mkg).next_back().or_else(|| column.iter().next())?;
        Some(GajiRow { mkg: *m, rupiah: *r })
    }

    /// The KGB a masa kerja golongan of exactly `mkg_months` brings: a row of the column is
    /// reached and the pay changes. `None` between rows, below the first and past the top.
    pub fn step_at(&self, golongan: &str, mkg_months: i64) -> Option<GajiStep> {
        if mkg_months <= 0 || mkg_months % 12 != 0 {
            return None;
        }
        let years = u32::try_from(mkg_months / 12).ok()?;
        let column = self.columns.get(golongan)?;
        let rupiah = *column.get(&years)?;
        let from = self.row(golongan, years - 1)?;
        (from.rupiah != rupiah).then_some(GajiStep { from, to: GajiRow { mkg: years, rupiah } })
    }

    /// Whether the table has this golongan (PPPK golongan are not in it).
    pub fn has(&self, golongan: &str) -> bool {
        self.columns.contains_key(golongan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static GajiPokokTable {
        GajiPokokTable::builtin().expect("the shipped table parses")
    }

    #[test]
    fn the_shipped_table_has_every_pns_golongan_rising_row_by_row() {
        let t = table();
        let ids: Vec<&str> = t.columns.keys().map(String::as_str).collect();
        let want: Vec<String> =
            (1..=4).flat_map(|g| (1..=if g == 4 { 5 } else { 4 }).map(move |r| format!("{g}{r}"))).collect();
        assert_eq!(ids, want);
        assert_eq!(t.columns.values().map(BTreeMap::len).sum::<usize>(), 272);
        // The lampiran's corners.
        assert_eq!(t.row("11", 0), Some(GajiRow { mkg: 0, rupiah: 1_685_700 }));
        assert_eq!(t.row("45", 32), Some(GajiRow { mkg: 32, rupiah: 6_373_200 }));
        assert_eq!(t.row("24", 33), Some(GajiRow { mkg: 33, rupiah: 4_125_600 }));
        // Golongan I/b starts at MKG 3: below it the first row pays.
        assert_eq!(t.row("12", 1), Some(GajiRow { mkg: 3, rupiah: 1_840_800 }));
        assert_eq!(t.row("12", 4), Some(GajiRow { mkg: 3, rupiah: 1_840_800 }));
        assert_eq!(t.row("41", 40), t.row("41", 32), "past the top the last row pays");
    }

    #[test]
    fn steps_fall_on_the_rows_of_each_column_and_stop_at_its_top() {
        let t = table();
        let step_years = |g: &str| (0..40).filter(|y| t.step_at(g, y * 12).is_some()).collect::<Vec<i64>>();
        assert_eq!(step_years("11"), (2..=26).step_by(2).collect::<Vec<_>>(), "I/a: even years up to 26");
        assert_eq!(step_years("13"), (5..=27).step_by(2).collect::<Vec<_>>(), "I/c: odd years from 5 to 27");
        assert_eq!(step_years("21").first(), Some(&1), "II/a: a first step after one year");
        assert_eq!(step_years("21").last(), Some(&33));
        assert_eq!(step_years("34"), (2..=32).step_by(2).collect::<Vec<_>>(), "III/d: even years up to 32");
        assert_eq!(t.step_at("45", 34 * 12), None, "IV/e has no row above 32");
        assert_eq!(t.step_at("32", 6 * 12 + 6), None, "not a whole year");
        assert_eq!(t.step_at("XI", 24), None, "a PPPK golongan is not in the table");
        let s = t.step_at("32", 72).expect("III/b at MKG 6");
        assert_eq!((s.from.mkg, s.from.rupiah, s.to.mkg, s.to.rupiah), (4, 3_089_300, 6, 3_186_600));
    }

    #[test]
    fn a_damaged_table_is_refused_by_line() {
        let from = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
        let e = GajiPokokTable::parse_csv("x", from, "mkg,I/a\n0,1.000\n2,abc\n").expect_err("not an amount");
        assert!(e.contains("line 3") && e.contains("abc"), "{e}");
        let e = GajiPokokTable::parse_csv("x", from, "mkg,I/z\n").expect_err("no golongan");
        assert!(e.contains("I/z"), "{e}");
        let e = GajiPokokTable::parse_csv("x", from, "mkg,I/a\n0,2.000\n2,1.000\n").expect_err("falling");
        assert!(e.contains("rise"), "{e}");
        let e = GajiPokokTable::parse_csv("x", from, "mkg,I/a,I/b\n0,2.000\n").expect_err("short line");
        assert!(e.contains("1 cells"), "{e}");
    }

    #[test]
    fn names_and_amounts_read_as_the_bkd_writes_them() {
        assert_eq!(golongan_name("34").as_deref(), Some("III/d"));
        assert_eq!(golongan_name("XI"), None);
        assert_eq!(rupiah(3_186_600), "Rp3.186.600");
        assert_eq!(rupiah(600), "Rp600");
        assert_eq!(rupiah(1_000), "Rp1.000");
    }
}
