//! `Berkas::due`: the rules over the records on this device.

use std::collections::HashMap;

use super::{DueKind, DueRecord, DueReport, DueRules, Period, RefLookup, Who};
use crate::error::Result;
use crate::model::Value;
use crate::profile::Berkas;
use crate::store::records;

/// The two reference facts the rules need, read once per run from the loaded tables.
#[derive(Default)]
pub struct TableRefs {
    usia_bup: HashMap<String, u32>,
    tingkat: HashMap<String, String>,
}

impl RefLookup for TableRefs {
    fn usia_bup(&self, jf: &str) -> Option<u32> {
        self.usia_bup.get(jf).copied()
    }
    fn tingkat_hukuman(&self, id: &str) -> Option<String> {
        self.tingkat.get(id).cloned()
    }
}

impl TableRefs {
    /// From parsed reference tables (the hub reads them from files): `jabatanFungsional`
    /// (`usiaBup`) and `jenisHukuman` (`jenisTingkatHukumanId`); others are ignored.
    pub fn from_tables(tables: &[crate::refdata::ParsedTable]) -> TableRefs {
        let mut refs = TableRefs::default();
        for t in tables {
            for row in &t.rows {
                let attr = |name: &str| match row.attrs.get(name) {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                match t.name.as_str() {
                    "jabatanFungsional" => {
                        if let Some(age) = attr("usiaBup").and_then(|a| a.parse().ok()) {
                            refs.usia_bup.insert(row.id.clone(), age);
                        }
                    }
                    "jenisHukuman" => {
                        if let Some(level) = attr("jenisTingkatHukumanId") {
                            refs.tingkat.insert(row.id.clone(), level);
                        }
                    }
                    _ => {}
                }
            }
        }
        refs
    }

    /// Tables it holds facts from, for the hub's start-up line.
    pub fn sizes(&self) -> (usize, usize) {
        (self.usia_bup.len(), self.tingkat.len())
    }
}

fn attr_map(conn: &rusqlite::Connection, table: &str, attr: &str) -> Result<HashMap<String, String>> {
    let mut st = conn.prepare("SELECT id, attrs FROM ref_row WHERE tbl = ?1 AND attrs IS NOT NULL")?;
    let rows = st.query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, attrs) = row?;
        let v: serde_json::Value = serde_json::from_str(&attrs).unwrap_or_default();
        let val = match &v[attr] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        out.insert(id, val);
    }
    Ok(out)
}

/// The reference facts the rules need, from the tables on this device.
fn table_refs(conn: &rusqlite::Connection) -> Result<TableRefs> {
    Ok(TableRefs {
        usia_bup: attr_map(conn, "jabatanFungsional", "usiaBup")?
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.parse().ok()?)))
            .collect(),
        tingkat: attr_map(conn, "jenisHukuman", "jenisTingkatHukumanId")?,
    })
}

impl Berkas {
    /// Who among the records on this device is due for `kind` in `period` (`YYYY-MM`), and
    /// which records lack what the rule needs.
    pub fn due(&self, kind: DueKind, period: &str, rules: &DueRules, unit: Option<&str>) -> Result<DueReport> {
        let period = Period::parse(period)?;
        let store = self.store();
        let conn = &store.conn;
        let refs = table_refs(conn)?;
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM pegawai WHERE ?1 IS NULL OR unit = ?1 ORDER BY nama, nip_baru")?
            .query_map([unit], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut report = DueReport { period: period.to_string(), ..DueReport::default() };
        for id in ids {
            let Some((du, riwayat)) = records::load_all(conn, &id)? else { continue };
            let rows = riwayat.iter().flat_map(|(e, rows)| rows.iter().map(move |r| (*e, &r.values))).collect();
            let record = DueRecord { data_utama: &du.values, rows };
            let text = |f: &str| du.values.get(f).and_then(Value::as_str).unwrap_or_default().to_string();
            let who = Who {
                pegawai_id: id.clone(),
                nip: text("nip_baru"),
                nama: text("nama"),
                unit: Some(text("unit")).filter(|u| !u.is_empty()),
            };
            report.judge(kind, period, rules, who, &record, &refs);
        }
        Ok(report)
    }

    /// How many are due for each kind in each of `months` months from `from`: the outlook a
    /// BKD plans its year by. Each record is read once and judged for every month and kind
    /// by the same rules as [`Berkas::due`].
    pub fn due_outlook(&self, from: &str, months: u32, rules: &DueRules, unit: Option<&str>) -> Result<Vec<DueMonth>> {
        let from = Period::parse(from)?;
        let periods: Vec<Period> = (0..months.min(60)).map(|i| from.plus(i)).collect();
        let mut reports: Vec<[DueReport; 4]> = periods.iter().map(|_| Default::default()).collect();
        let store = self.store();
        let conn = &store.conn;
        let refs = table_refs(conn)?;
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM pegawai WHERE ?1 IS NULL OR unit = ?1")?
            .query_map([unit], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            let Some((du, riwayat)) = records::load_all(conn, &id)? else { continue };
            let rows = riwayat.iter().flat_map(|(e, rows)| rows.iter().map(move |r| (*e, &r.values))).collect();
            let record = DueRecord { data_utama: &du.values, rows };
            for (period, kinds) in periods.iter().zip(reports.iter_mut()) {
                for (kind, report) in DueKind::ALL.iter().zip(kinds.iter_mut()) {
                    let who = Who { pegawai_id: id.clone(), nip: String::new(), nama: String::new(), unit: None };
                    report.judge(*kind, *period, rules, who, &record, &refs);
                }
            }
        }
        Ok(periods
            .iter()
            .zip(reports)
            .map(|(p, [kp, kgb, pensiun, satya])| DueMonth {
                period: p.to_string(),
                kp: kp.due.len() as u64,
                kgb: kgb.due.len() as u64,
                pensiun: pensiun.due.len() as u64,
                satyalencana: satya.due.len() as u64,
                unknown: (kp.unknown.len() + kgb.unknown.len() + pensiun.unknown.len() + satya.unknown.len()) as u64,
            })
            .collect())
    }
}

/// How many are due in one month, per kind; `unknown` counts the judgements that could not
/// be made (a date missing from a record).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueMonth {
    pub period: String,
    pub kp: u64,
    pub kgb: u64,
    pub pensiun: u64,
    pub satyalencana: u64,
    pub unknown: u64,
}
