//! A whole record as a person reads it: every field with its label, raw value and display
//! text; riwayat groups newest first. What the CLI prints, the desktop shows and the phone's
//! screens bind to.

use serde::Serialize;

use super::{entity_label, field_label, show_value, CodeNames, Lang};
use crate::model::{Entity, EntityDef, FieldDef, FieldKind, FieldMap, Value};
use crate::PegawaiRecord;

/// One field as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownField {
    /// The field's name (`agama_id`).
    pub name: String,
    /// Its label in the reader's language (`Agama` / `Religion`).
    pub label: String,
    /// The stored value (`1`).
    pub value: Value,
    /// The value as shown (`Islam`; a dash when empty).
    pub display: String,
    /// Why the value carries a warning mark (a code no table knows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The ASN's own data (contact, family): changed directly; official data goes through a
    /// correction request.
    pub own: bool,
    /// The field holds a code (a reference table's, jenis kelamin, a fixed choice): shells show
    /// it beside its name (`Islam (1)`).
    pub coded: bool,
    /// The signed-in account may change it here (core's authorization, as the hub will judge
    /// it): a screen offers an edit only for these.
    pub editable: bool,
}

/// Whether a field of a group may be edited by whoever reads the record.
pub type Editable<'a> = &'a dyn Fn(Entity, &FieldDef) -> bool;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownRow {
    pub id: String,
    pub fields: Vec<ShownField>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownGroup {
    /// `riwayat_golongan`, `anak` ...
    pub entity: String,
    pub label: String,
    /// Newest first (by the group's TMT or date).
    pub rows: Vec<ShownRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordDisplay {
    pub lang: Lang,
    pub nip: String,
    pub nama: String,
    pub data_utama: Vec<ShownField>,
    pub riwayat: Vec<ShownGroup>,
}

/// Every field of `def` as shown (empty ones as a dash), in the definition's order.
pub fn show_fields(
    names: &dyn CodeNames,
    def: &EntityDef,
    values: &FieldMap,
    lang: Lang,
    editable: Editable<'_>,
) -> Vec<ShownField> {
    def.fields
        .iter()
        .map(|f| {
            let value = values.get(f.name).cloned().unwrap_or(Value::Null);
            let shown = show_value(names, f, &value, lang);
            ShownField {
                name: f.name.to_string(),
                label: field_label(f, lang).to_string(),
                value,
                display: shown.display,
                warning: shown.warning,
                own: f.owner == crate::model::Owner::Personal,
                coded: matches!(f.kind, FieldKind::Ref(_) | FieldKind::Sex | FieldKind::Choice(_)),
                editable: editable(def.entity, f),
            }
        })
        .collect()
}

impl RecordDisplay {
    /// The record as shown; riwayat rows are taken in the order the record holds them (core's
    /// `Berkas::pegawai` gives them newest first).
    pub fn of(record: &PegawaiRecord, names: &dyn CodeNames, lang: Lang, editable: Editable<'_>) -> RecordDisplay {
        let du = &record.data_utama.values;
        let text = |k: &str| du.get(k).map(Value::to_text).unwrap_or_default();
        RecordDisplay {
            lang,
            nip: text("nip_baru"),
            nama: text("nama"),
            data_utama: show_fields(names, Entity::DataUtama.def(), du, lang, editable),
            riwayat: record
                .riwayat
                .iter()
                .map(|(e, rows)| ShownGroup {
                    entity: e.key().to_string(),
                    label: entity_label(*e, lang).to_string(),
                    rows: rows
                        .iter()
                        .map(|r| ShownRow {
                            id: r.id.clone(),
                            fields: show_fields(names, e.def(), &r.values, lang, editable),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
