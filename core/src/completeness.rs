//! Completeness: which required data and documents a pegawai's record lacks, and a score from
//! 0 to 100. Pure: it reads rows already loaded, so import, edit and reports share it.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::model::{Entity, EntityDef, Nip, NipKind};
use crate::store::records::RowData;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    pub entity: Entity,
    /// The riwayat row concerned; `None` for data utama or a missing group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_id: Option<String>,
    /// `field`, `rows` (the group has no row at all) or `document`.
    pub kind: &'static str,
    /// Field name or `id_ref_dokumen`.
    pub what: &'static str,
    /// Label in Bahasa Indonesia.
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub score: u8,
    pub total: u32,
    pub satisfied: u32,
    pub missing: Vec<Missing>,
}

/// Fields and documents that do not apply to PPPK (no CPNS period).
const NOT_FOR_PPPK: &[&str] = &["tmt_cpns", "nomor_sk_cpns", "889"];

pub fn evaluate(du: &RowData, riwayat: &BTreeMap<Entity, Vec<RowData>>, docs: &[(String, String)]) -> Completeness {
    let pppk = du
        .values
        .get("nip_baru")
        .and_then(|v| v.as_str())
        .and_then(|s| Nip::parse(s).ok())
        .is_some_and(|n| n.kind() == NipKind::Pppk);
    let applies = |what: &str| !(pppk && NOT_FOR_PPPK.contains(&what));
    let mut total = 0u32;
    let mut missing = Vec::new();
    let has_doc = |row_id: &str, id_ref: &str| docs.iter().any(|(r, d)| r == row_id && d == id_ref);

    let check_row =
        |def: &EntityDef, row: &RowData, row_id: Option<&str>, total: &mut u32, missing: &mut Vec<Missing>| {
            for f in def.fields.iter().filter(|f| f.required && applies(f.name)) {
                *total += 1;
                if row.values.get(f.name).is_none_or(|v| v.is_null()) {
                    missing.push(Missing {
                        entity: def.entity,
                        row_id: row_id.map(str::to_string),
                        kind: "field",
                        what: f.name,
                        label: f.label,
                    });
                }
            }
            for d in def.documents.iter().filter(|d| applies(d.id_ref_dokumen)) {
                *total += 1;
                if !has_doc(&row.id, d.id_ref_dokumen) {
                    missing.push(Missing {
                        entity: def.entity,
                        row_id: row_id.map(str::to_string),
                        kind: "document",
                        what: d.id_ref_dokumen,
                        label: d.label,
                    });
                }
            }
        };

    check_row(Entity::DataUtama.def(), du, None, &mut total, &mut missing);
    for e in Entity::riwayat() {
        let def = e.def();
        let rows = riwayat.get(&e).map(Vec::as_slice).unwrap_or(&[]);
        if def.required_rows {
            total += 1;
            if rows.is_empty() {
                missing.push(Missing { entity: e, row_id: None, kind: "rows", what: def.table, label: def.label });
            }
        }
        for row in rows {
            check_row(def, row, Some(&row.id), &mut total, &mut missing);
        }
    }
    let satisfied = total - missing.len() as u32;
    let score = if total == 0 { 100 } else { (u64::from(satisfied) * 100 / u64::from(total)) as u8 };
    Completeness { score, total, satisfied, missing }
}
