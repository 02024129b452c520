//! Conversion between SIASN JSON and Berkas field maps, by the names in the entity definitions.

use serde_json::{Map, Value as Json};

use crate::model::{parse_date, Entity, EntityDef, FieldError, FieldKind, FieldMap, Value};
use crate::store::records::RowData;

/// A SIASN document mapped to Berkas fields (not yet validated).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPegawai {
    pub data_utama: FieldMap,
    /// (group, SIASN row id, fields)
    pub riwayat: Vec<(Entity, Option<String>, FieldMap)>,
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

fn map_fields(def: &EntityDef, obj: &Map<String, Json>) -> FieldMap {
    let mut out = FieldMap::new();
    for f in def.fields {
        if let Some(v) = obj.get(f.siasn).and_then(to_value) {
            out.insert(f.name.to_string(), v);
        }
    }
    out
}

/// Maps one SIASN document. Accepts `{"dataUtama": .., "riwayat": ..}`, BKN's envelope
/// `{"data": {..}}`, or a bare data-utama object.
pub fn parse_document(doc: &Json) -> Result<ParsedPegawai, Vec<FieldError>> {
    let Json::Object(top) = doc else {
        return Err(vec![FieldError::new("document", "siasn.not_object", "a SIASN document must be a JSON object")]);
    };
    let du = match (top.get("dataUtama"), top.get("data")) {
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
    match top.get("riwayat") {
        None | Some(Json::Null) => {}
        Some(Json::Object(groups)) => {
            for (key, rows) in groups {
                let Some(entity) = Entity::from_siasn_key(key).filter(|e| *e != Entity::DataUtama) else {
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
                for (i, row) in rows.iter().enumerate() {
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
