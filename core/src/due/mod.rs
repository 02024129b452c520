//! Who is due for what in a period: kenaikan pangkat reguler, kenaikan gaji berkala, pensiun
//! BUP, Satya Lencana Karya Satya. Pure rules over a record (data utama and riwayat), so the
//! device and the hub give the same answer; the numbers that change with regulations live in
//! [`DueRules`].
//!
//! A period is a month, `YYYY-MM`, and means the TMT of the 1st of that month: "usul pensiun
//! periode Januari 2027" lists those whose TMT pensiun is 1 January 2027, as the BKD works.

mod gaji;
mod local;
mod rules;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use gaji::{GajiPokokTable, GajiRow, GajiStep};
pub use local::{DueMonth, TableRefs};
pub use rules::{evaluate, DueRecord, RefLookup};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// Kenaikan pangkat reguler.
    Kp,
    /// Kenaikan gaji berkala.
    Kgb,
    /// Pensiun at the batas usia pensiun.
    Pensiun,
    /// Satya Lencana Karya Satya (10, 20, 30 years).
    SatyaLencana,
}

impl DueKind {
    /// Every kind, in the order reports show them.
    pub const ALL: [DueKind; 4] = [DueKind::Kp, DueKind::Kgb, DueKind::Pensiun, DueKind::SatyaLencana];

    pub fn parse(s: &str) -> Option<DueKind> {
        match s {
            "kp" => Some(DueKind::Kp),
            "kgb" => Some(DueKind::Kgb),
            "pensiun" => Some(DueKind::Pensiun),
            "satyalencana" | "satya_lencana" => Some(DueKind::SatyaLencana),
            _ => None,
        }
    }
}

/// A month; its TMT is the 1st.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Period> {
        let bad = || Error::invalid("period", "period.format", "must be a month YYYY-MM, e.g. 2027-01");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let (year, month) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
        if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Period { year, month })
    }

    pub fn tmt(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn of(d: NaiveDate) -> Period {
        Period { year: d.year(), month: d.month() }
    }

    /// The month `n` months after this one.
    pub fn plus(self, n: u32) -> Period {
        let index = self.year * 12 + self.month as i32 - 1 + n as i32;
        Period { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The months in which KP takes effect, from a date on (regulations change; the latest entry
/// whose `from` is not after the period applies).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KpPeriods {
    pub from: NaiveDate,
    pub months: Vec<u32>,
    /// The rule it follows, for the message.
    pub basis: String,
}

/// The numbers of the rules, as configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DueRules {
    /// BUP of administrasi and JF without their own `usiaBup`.
    pub bup_default: u32,
    /// BUP of pimpinan tinggi (eselon I and II).
    pub bup_jpt: u32,
    /// Eselon ids that are JPT.
    pub jpt_eselon: Vec<String>,
    /// Years in the current pangkat before KP reguler.
    pub kp_years: u32,
    pub kp_periods: Vec<KpPeriods>,
    /// The highest golongan of PNS (no KP beyond it).
    pub golongan_max: String,
    /// The gaji pokok tables, each from its `berlaku` on; KGB steps are read from them.
    pub gaji_pokok: Vec<GajiPokokTable>,
    /// Satya Lencana milestones.
    pub satya_years: Vec<u32>,
    /// `jenisTingkatHukumanId` levels that bar Satya Lencana (sedang, berat).
    pub satya_barring_hukdis: Vec<String>,
}

impl Default for DueRules {
    fn default() -> Self {
        let date = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
        DueRules {
            bup_default: 58,
            bup_jpt: 60,
            jpt_eselon: ["10", "11", "12", "21", "22"].map(String::from).to_vec(),
            kp_years: 4,
            kp_periods: vec![
                KpPeriods { from: date(1900, 1), months: vec![4, 10], basis: "April dan Oktober".into() },
                KpPeriods { from: date(2023, 6), months: vec![2, 4, 6, 8, 10, 12], basis: "Per BKN 4/2023".into() },
                KpPeriods { from: date(2025, 10), months: (1..=12).collect(), basis: "Per BKN 4/2025".into() },
            ],
            golongan_max: "45".into(),
            gaji_pokok: GajiPokokTable::builtin().into_iter().cloned().collect(),
            satya_years: vec![10, 20, 30],
            satya_barring_hukdis: vec!["S".into(), "B".into()],
        }
    }
}

impl DueRules {
    /// The gaji pokok table for a TMT: the latest in force then, else the earliest (earlier
    /// regulations kept its rows; the judgement then names the row, not the amount).
    pub fn gaji_pokok_at(&self, tmt: NaiveDate) -> Option<&GajiPokokTable> {
        let in_force = self.gaji_pokok.iter().filter(|t| t.berlaku <= tmt).max_by_key(|t| t.berlaku);
        in_force.or_else(|| self.gaji_pokok.iter().min_by_key(|t| t.berlaku))
    }
}

/// One ASN due in the period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueEntry {
    pub pegawai_id: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    pub kind: DueKind,
    /// The TMT it takes effect (`YYYY-MM-DD`).
    pub tmt: String,
    /// Why, in Bahasa Indonesia (e.g. "BUP 58 tahun, lahir 1968-12-03").
    pub reason: String,
}

/// A record the rules could not judge, and what it lacks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueUnknown {
    pub nip: String,
    pub nama: String,
    pub missing: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DueReport {
    pub period: String,
    pub due: Vec<DueEntry>,
    pub unknown: Vec<DueUnknown>,
}

/// Who a judgement is about.
pub struct Who {
    pub pegawai_id: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
}

impl DueReport {
    /// Judges one record and files the answer: due, or cannot be judged (and why).
    pub fn judge(
        &mut self,
        kind: DueKind,
        period: Period,
        rules: &DueRules,
        who: Who,
        record: &DueRecord<'_>,
        refs: &dyn RefLookup,
    ) {
        match evaluate(kind, period, rules, record, refs) {
            Judgement::Due { tmt, reason } => self.due.push(DueEntry {
                pegawai_id: who.pegawai_id,
                nip: who.nip,
                nama: who.nama,
                unit: who.unit,
                kind,
                tmt: tmt.to_string(),
                reason,
            }),
            Judgement::NotDue => {}
            Judgement::Unknown(missing) => self.unknown.push(DueUnknown { nip: who.nip, nama: who.nama, missing }),
        }
    }
}

/// What judging one record gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgement {
    Due { tmt: NaiveDate, reason: String },
    NotDue,
    Unknown(String),
}
