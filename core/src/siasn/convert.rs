//! Conversion between SIASN JSON and Berkas field maps, by the names in the entity definitions.

use serde_json::{Map, Value as Json};

use crate::model::{parse_date, Entity, EntityDef, FieldDef, FieldError, FieldKind, FieldMap, Value};
use crate::store::records::RowData;

/// Field values of one SIASN object, with the definition each belongs to.
pub type KnownFields = Vec<(&'static FieldDef, Value)>;

/// A SIASN document mapped to Berkas fields (not yet validated).
#[derive(Debug, Clone)]
pub struct ParsedPegawai {
    pub data_utama: KnownFields,
    /// (group, SIASN row id, fields)
    pub riwayat: Vec<(Entity, Option<String>, KnownFields)>,
}

impl ParsedPegawai {
    /// Values by Berkas field name.
    pub fn field_map(fields: &KnownFields) -> FieldMap {
        fields.iter().map(|(f, v)| (f.name.to_string(), v.clone())).collect()
    }
}

fn to_value(j: &Json) -> Option<Value> {
    match j {
        Json::Null => None,
        Json::Bool(b) => Some(Value::Bool(*b)),
        Json::Number(n) => Some(n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Text(n.to_string()))),
        Json::String(s) => Some(Value::Text(s.clone())),
        Json::Array(_) | Json::Object(_) => None,
    }
}

fn into_value(j: Json) -> Option<Value> {
    match j {
        Json::String(s) => Some(Value::Text(s)),
        other => to_value(&other),
    }
}

/// Takes the known fields out of a SIASN object, moving the values; unknown keys (BKN sends
/// many Berkas does not keep) are ignored.
fn map_fields(def: &'static EntityDef, obj: Map<String, Json>) -> KnownFields {
    let mut out = Vec::with_capacity(obj.len());
    for (key, json) in obj {
        if let Some(f) = def.field_by_siasn(&key) {
            if let Some(v) = into_value(json) {
                out.push((f, v));
            }
        }
    }
    out
}

/// Maps one SIASN document. Accepts `{"dataUtama": .., "riwayat": ..}`, BKN's envelope
/// `{"data": {..}}`, or a bare data-utama object.
pub fn parse_document(doc: &Json) -> Result<ParsedPegawai, Vec<FieldError>> {
    parse_document_owned(doc.clone())
}

/// As `parse_document`, consuming the document (the import path: no copies of the values).
pub fn parse_document_owned(doc: Json) -> Result<ParsedPegawai, Vec<FieldError>> {
    let Json::Object(mut top) = doc else {
        return Err(vec![FieldError::new("document", "siasn.not_object", "a SIASN document must be a JSON object")]);
    };
    let riwayat_json = top.remove("riwayat");
    let du = match (top.remove("dataUtama"), top.remove("data")) {
        (Some(Json::Object(o)), _) => o,
        (None, Some(Json::Object(o))) => o,
        _ if top.contains_key("nipBaru") => top,
        _ => {
            return Err(vec![FieldError::new(
                "dataUtama",
                "siasn.no_data_utama",
                "the document has no dataUtama object",
            )])
        }
    };
    let data_utama = map_fields(Entity::DataUtama.def(), du);
    let mut riwayat = Vec::new();
    let mut errors = Vec::new();
    match riwayat_json {
        None | Some(Json::Null) => {}
        Some(Json::Object(groups)) => {
            for (key, rows) in groups {
                let Some(entity) = Entity::from_siasn_key(&key).filter(|e| *e != Entity::DataUtama) else {
                    errors.push(FieldError::new(
                        &format!("riwayat.{key}"),
                        "siasn.unknown_group",
                        "is not a riwayat group Berkas knows",
                    ));
                    continue;
                };
                let Json::Array(rows) = rows else {
                    errors.push(FieldError::new(
                        &format!("riwayat.{key}"),
                        "siasn.not_array",
                        "must be an array of rows",
                    ));
                    continue;
                };
                for (i, row) in rows.into_iter().enumerate() {
                    let Json::Object(obj) = row else {
                        errors.push(FieldError::new(
                            &format!("riwayat.{key}[{i}]"),
                            "siasn.not_object",
                            "must be an object",
                        ));
                        continue;
                    };
                    let siasn_id = obj.get("id").and_then(to_value).map(|v| v.to_string()).filter(|s| !s.is_empty());
                    riwayat.push((entity, siasn_id, map_fields(entity.def(), obj)));
                }
            }
        }
        Some(_) => errors.push(FieldError::new("riwayat", "siasn.not_object", "must be an object of groups")),
    }
    if errors.is_empty() {
        Ok(ParsedPegawai { data_utama, riwayat })
    } else {
        Err(errors)
    }
}

fn to_siasn_value(kind: FieldKind, v: Option<&Value>) -> Json {
    match (kind, v) {
        (_, None) | (_, Some(Value::Null)) => Json::Null,
        (FieldKind::Date, Some(Value::Text(s))) => match parse_date(s) {
            Some(Some(d)) => Json::String(d.format("%d-%m-%Y").to_string()),
            _ => Json::Null,
        },
        (_, Some(Value::Int(i))) => Json::from(*i),
        (_, Some(Value::Bool(b))) => Json::Bool(*b),
        (_, Some(Value::Text(s))) => Json::String(s.clone()),
    }
}

fn row_to_siasn(def: &EntityDef, row: &RowData, with_id: bool) -> Json {
    let mut o = Map::new();
    if with_id {
        o.insert("id".into(), Json::String(row.siasn_id.clone().unwrap_or_else(|| row.id.clone())));
    }
    for f in def.fields {
        o.insert(f.siasn.into(), to_siasn_value(f.kind, row.values.get(f.name)));
    }
    Json::Object(o)
}

/// One pegawai as a SIASN document.
pub fn document_to_siasn(du: &RowData, riwayat: &std::collections::BTreeMap<Entity, Vec<RowData>>) -> Json {
    let mut groups = Map::new();
    for (e, rows) in riwayat {
        let def = e.def();
        groups.insert(def.siasn_key.into(), Json::Array(rows.iter().map(|r| row_to_siasn(def, r, true)).collect()));
    }
    serde_json::json!({ "dataUtama": row_to_siasn(Entity::DataUtama.def(), du, false), "riwayat": groups })
}
