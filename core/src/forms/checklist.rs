//! A layanan's document checklist held against one record: which lines apply, which are
//! covered by documents already stored, what is missing.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

use super::{ChecklistItem, Kondisi, LayananDef};
use crate::docs::DocumentInfo;
use crate::model::{Entity, FieldMap, Value};
use crate::store::records::RowData;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Enough documents are stored.
    Lengkap,
    /// Some are missing.
    Kurang,
    /// The condition does not hold for this record or request.
    TidakPerlu,
    /// Attached to the request itself, which does not exist yet.
    DilampirkanPadaUsulan,
}

impl LineStatus {
    /// The stable code the shells show and send: `lengkap`, `kurang`, `tidak_perlu`,
    /// `dilampirkan_pada_usulan`.
    pub fn code(self) -> &'static str {
        match self {
            LineStatus::Lengkap => "lengkap",
            LineStatus::Kurang => "kurang",
            LineStatus::TidakPerlu => "tidak_perlu",
            LineStatus::DilampirkanPadaUsulan => "dilampirkan_pada_usulan",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistLine {
    pub id: String,
    pub label: String,
    pub dari: String,
    pub wajib: bool,
    pub needed: u32,
    /// Ids of the stored documents that cover it.
    pub have: Vec<String>,
    pub status: LineStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub layanan: String,
    pub nama: String,
    pub versi: u32,
    pub lines: Vec<ChecklistLine>,
    /// Every required line that can be covered from the record is covered.
    pub complete: bool,
    /// Labels of the required lines still missing.
    pub missing: Vec<String>,
}

impl Checklist {
    /// The required lines still short that come from `dari` (`usulan`: papers attached to the
    /// request or proposal itself).
    pub fn missing_from<'a>(&'a self, dari: &'a str) -> impl Iterator<Item = &'a ChecklistLine> + 'a {
        self.lines.iter().filter(move |l| l.dari == dari && l.wajib && l.status == LineStatus::Kurang)
    }

    /// One `usulan.missing_document` error per required line still short, as submit and send
    /// refuse with: "label (have of needed)" under `dokumen:<id>`.
    pub fn missing_errors(&self) -> Vec<crate::model::FieldError> {
        self.lines
            .iter()
            .filter(|l| l.wajib && l.status == LineStatus::Kurang)
            .map(|l| {
                crate::model::FieldError::new(
                    &format!("dokumen:{}", l.id),
                    "usulan.missing_document",
                    format!("{} ({} of {})", l.label, l.have.len(), l.needed),
                )
            })
            .collect()
    }
}

fn yes(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Text(t)) => matches!(t.to_ascii_lowercase().as_str(), "true" | "ya" | "yes" | "1"),
        Some(Value::Int(i)) => *i != 0,
        _ => false,
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Int(i)) => Some(*i),
        Some(Value::Text(t)) => t.trim().parse().ok(),
        _ => None,
    }
}

fn applies(k: &Kondisi, riwayat: &BTreeMap<Entity, Vec<RowData>>, answers: &FieldMap) -> bool {
    if let Some(f) = &k.field {
        if !yes(answers.get(f)) {
            return false;
        }
    }
    if let Some((f, min)) = &k.field_min {
        if int(answers.get(f)).is_none_or(|v| v < *min) {
            return false;
        }
    }
    if let Some(e) = &k.ada {
        if Entity::from_key(e).and_then(|e| riwayat.get(&e)).is_none_or(|rows| rows.is_empty()) {
            return false;
        }
    }
    true
}

/// The rows of `dari` a line asks about (children under the age limit ...).
fn qualifying<'a>(item: &ChecklistItem, rows: &'a [RowData], today: NaiveDate) -> Vec<&'a RowData> {
    rows.iter()
        .filter(|r| match item.kondisi.as_ref().and_then(|k| k.anak_di_bawah) {
            None => true,
            Some(age) => r
                .values
                .get("tgl_lahir")
                .and_then(Value::as_date)
                .and_then(|born| born.checked_add_months(Months::new(age * 12)))
                .is_some_and(|limit| limit > today),
        })
        .collect()
}

/// Holds `def`'s checklist against a record's riwayat and stored documents. `usulan` is the
/// request whose attachments count for `dari: usulan` lines; `answers` its field values.
pub fn checklist(
    def: &LayananDef,
    riwayat: &BTreeMap<Entity, Vec<RowData>>,
    docs: &[DocumentInfo],
    answers: &FieldMap,
    usulan: Option<&str>,
    today: NaiveDate,
) -> Checklist {
    let mut lines = Vec::with_capacity(def.dokumen.len());
    for item in &def.dokumen {
        let line = |needed: u32, have: Vec<String>, status: LineStatus| ChecklistLine {
            id: item.id.clone(),
            label: item.label.clone(),
            dari: item.dari.clone(),
            wajib: item.wajib,
            needed,
            have,
            status,
        };
        if item.kondisi.as_ref().is_some_and(|k| !applies(k, riwayat, answers)) {
            lines.push(line(0, vec![], LineStatus::TidakPerlu));
            continue;
        }
        let of_type = docs.iter().filter(|d| d.id_ref_dokumen == item.id);
        let (needed, have): (u32, Vec<String>) = match item.dari.as_str() {
            "usulan" => {
                let Some(u) = usulan else {
                    lines.push(line(item.jumlah, vec![], LineStatus::DilampirkanPadaUsulan));
                    continue;
                };
                (
                    item.jumlah,
                    of_type
                        .filter(|d| matches!(d.entity.as_str(), "usulan" | "proposal") && d.row_id == u)
                        .map(|d| d.id.clone())
                        .collect(),
                )
            }
            "data_utama" => (
                item.jumlah,
                of_type.filter(|d| !matches!(d.entity.as_str(), "usulan" | "proposal")).map(|d| d.id.clone()).collect(),
            ),
            group => {
                let rows = Entity::from_key(group).and_then(|e| riwayat.get(&e)).map(Vec::as_slice).unwrap_or(&[]);
                let rows = qualifying(item, rows, today);
                let on_row = |d: &&DocumentInfo| d.entity == group && rows.iter().any(|r| r.id == d.row_id);
                if item.per_baris {
                    if rows.is_empty() {
                        lines.push(line(0, vec![], LineStatus::TidakPerlu));
                        continue;
                    }
                    // One per row: a row counts once however many copies it has.
                    let mut covered: Vec<String> = vec![];
                    for r in &rows {
                        if let Some(d) =
                            docs.iter().find(|d| d.id_ref_dokumen == item.id && d.entity == group && d.row_id == r.id)
                        {
                            covered.push(d.id.clone());
                        }
                    }
                    (rows.len() as u32, covered)
                } else {
                    (item.jumlah, of_type.filter(on_row).map(|d| d.id.clone()).collect())
                }
            }
        };
        let status = if have.len() as u32 >= needed { LineStatus::Lengkap } else { LineStatus::Kurang };
        lines.push(line(needed, have, status));
    }
    let missing: Vec<String> =
        lines.iter().filter(|l| l.wajib && l.status == LineStatus::Kurang).map(|l| l.label.clone()).collect();
    Checklist {
        layanan: def.id.clone(),
        nama: def.nama.clone(),
        versi: def.versi,
        complete: missing.is_empty(),
        missing,
        lines,
    }
}
