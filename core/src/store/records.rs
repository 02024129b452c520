//! Generic row storage driven by the entity definitions: insert, update, delete and load for
//! data utama and every riwayat table, with the column list built once per entity.

use rusqlite::{params_from_iter, Connection, OptionalExtension};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::completeness::{self, Completeness};
use crate::error::Result;
use crate::model::{Entity, EntityDef, FieldKind, FieldMap, Value};

/// One stored row: its id, owner pegawai (for riwayat), SIASN id if it came from SIASN, and
/// the field values that are set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowData {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pegawai_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siasn_id: Option<String>,
    pub values: FieldMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
}

impl RowData {
    pub fn new(id: String, pegawai_id: Option<String>, siasn_id: Option<String>, values: FieldMap) -> RowData {
        RowData { id, pegawai_id, siasn_id, values, changed_at: None, changed_by: None }
    }
}

/// Every table but `pegawai` hangs off a pegawai (riwayat, documents, requests).
fn has_pegawai_column(def: &EntityDef) -> bool {
    def.entity != Entity::DataUtama
}

struct Sql {
    insert: String,
    /// Data utama only: the insert with its completeness score.
    insert_scored: String,
    select_by_id: String,
    select_by_pegawai: String,
    /// Rows of many pegawai at once (ids as a JSON array in ?1).
    select_by_pegawai_many: String,
}

fn sql(def: &'static EntityDef) -> &'static Sql {
    static ALL: OnceLock<BTreeMap<Entity, Sql>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Entity::ALL
            .iter()
            .map(|e| {
                let d = e.def();
                let mut cols: Vec<&str> = vec!["id"];
                if has_pegawai_column(d) {
                    cols.extend(["pegawai_id", "siasn_id"]);
                }
                cols.extend(d.fields.iter().map(|f| f.name));
                cols.extend(["changed_at", "changed_by"]);
                let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                let insert = format!("INSERT INTO {} ({}) VALUES ({})", d.table, cols.join(", "), marks.join(", "));
                let insert_scored = format!(
                    "INSERT INTO {} ({}, completeness) VALUES ({}, ?{})",
                    d.table,
                    cols.join(", "),
                    marks.join(", "),
                    cols.len() + 1
                );
                let select = format!("SELECT {} FROM {}", cols.join(", "), d.table);
                let by_pegawai = if has_pegawai_column(d) {
                    format!("{select} WHERE pegawai_id = ?1 ORDER BY id")
                } else {
                    format!("{select} WHERE id = ?1")
                };
                (
                    *e,
                    Sql {
                        insert,
                        insert_scored,
                        select_by_id: format!("{select} WHERE id = ?1"),
                        select_by_pegawai: by_pegawai,
                        select_by_pegawai_many: format!(
                            "{select} WHERE {} IN (SELECT value FROM json_each(?1)) ORDER BY id",
                            if has_pegawai_column(d) { "pegawai_id" } else { "id" }
                        ),
                    },
                )
            })
            .collect()
    });
    &all[&def.entity]
}

pub(crate) fn insert_row(
    conn: &Connection,
    def: &'static EntityDef,
    row: &RowData,
    actor: &str,
    at: &str,
) -> Result<()> {
    insert(conn, def, row, None, actor, at)
}

/// Inserts a pegawai's data utama with its completeness score already computed.
pub(crate) fn insert_pegawai(conn: &Connection, row: &RowData, score: u8, actor: &str, at: &str) -> Result<()> {
    insert(conn, Entity::DataUtama.def(), row, Some(score), actor, at)
}

fn insert(
    conn: &Connection,
    def: &'static EntityDef,
    row: &RowData,
    score: Option<u8>,
    actor: &str,
    at: &str,
) -> Result<()> {
    let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(def.fields.len() + 6);
    values.push(&row.id);
    if has_pegawai_column(def) {
        values.push(&row.pegawai_id);
        values.push(&row.siasn_id);
    }
    for f in def.fields {
        values.push(row.values.get(f.name).unwrap_or(&Value::Null));
    }
    values.push(&at);
    values.push(&actor);
    let sql = match &score {
        Some(score) => {
            values.push(score);
            &sql(def).insert_scored
        }
        None => &sql(def).insert,
    };
    conn.prepare_cached(sql)?.execute(&values[..])?;
    Ok(())
}

/// Sets the given fields; returns the previous values of the fields that really changed.
pub(crate) fn update_row(
    conn: &Connection,
    def: &'static EntityDef,
    id: &str,
    changes: &FieldMap,
    actor: &str,
    at: &str,
) -> Result<BTreeMap<String, (Value, Value)>> {
    let Some(current) = load_row(conn, def, id)? else {
        return Err(crate::Error::NotFound("row"));
    };
    let mut diff = BTreeMap::new();
    for (name, new) in changes {
        let old = current.values.get(name).cloned().unwrap_or(Value::Null);
        if old != *new {
            diff.insert(name.clone(), (old, new.clone()));
        }
    }
    if diff.is_empty() {
        return Ok(diff);
    }
    // Column names come from the static definitions, never from input.
    let sets: Vec<String> = diff.keys().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect();
    let n = diff.len();
    let q = format!(
        "UPDATE {} SET {}, changed_at = ?{}, changed_by = ?{} WHERE id = ?{}",
        def.table,
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3
    );
    let mut params: Vec<Value> = diff.values().map(|(_, new)| new.clone()).collect();
    params.extend([Value::Text(at.into()), Value::Text(actor.into()), Value::Text(id.into())]);
    conn.prepare_cached(&q)?.execute(params_from_iter(params.iter()))?;
    Ok(diff)
}

pub(crate) fn delete_row(conn: &Connection, def: &'static EntityDef, id: &str) -> Result<bool> {
    let n = conn.execute(&format!("DELETE FROM {} WHERE id = ?1", def.table), [id])?;
    Ok(n > 0)
}

fn read_row(def: &'static EntityDef, r: &rusqlite::Row<'_>) -> rusqlite::Result<RowData> {
    let mut i = 0;
    let id: String = r.get(i)?;
    i += 1;
    let (pegawai_id, siasn_id) = if has_pegawai_column(def) {
        i += 2;
        (r.get(1)?, r.get(2)?)
    } else {
        (None, None)
    };
    let mut values = FieldMap::new();
    for f in def.fields {
        let v = Value::from_sql(r.get_ref(i)?);
        i += 1;
        let v = match (f.kind, v) {
            (FieldKind::Bool, Value::Int(n)) => Value::Bool(n != 0),
            (_, v) => v,
        };
        if !v.is_null() {
            values.insert(f.name.to_string(), v);
        }
    }
    Ok(RowData { id, pegawai_id, siasn_id, values, changed_at: r.get(i)?, changed_by: r.get(i + 1)? })
}

pub(crate) fn load_row(conn: &Connection, def: &'static EntityDef, id: &str) -> Result<Option<RowData>> {
    Ok(conn.prepare_cached(&sql(def).select_by_id)?.query_row([id], |r| read_row(def, r)).optional()?)
}

pub(crate) fn load_rows(conn: &Connection, def: &'static EntityDef, pegawai_id: &str) -> Result<Vec<RowData>> {
    let mut st = conn.prepare_cached(&sql(def).select_by_pegawai)?;
    let rows = st.query_map([pegawai_id], |r| read_row(def, r))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn pegawai_id_by_nip(conn: &Connection, nip: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT id FROM pegawai WHERE nip_baru = ?1")?.query_row([nip], |r| r.get(0)).optional()?)
}

/// Document links of a pegawai that count: (row id, id_ref_dokumen). A document returned,
/// rejected or found not authentic counts for nothing until it is replaced.
pub(crate) fn document_links(conn: &Connection, pegawai_id: &str) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT row_id, id_ref_dokumen FROM dokumen
          WHERE pegawai_id = ?1 AND (verifikasi IS NULL OR verifikasi = 'DITERIMA')",
    )?;
    let rows = st.query_map([pegawai_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Puts a group's rows in the order people read them (`Entity::row_order`): by its fields in
/// turn, an empty value last, ties in the order the rows were added (their ids are UUIDv7).
pub fn sort_rows(entity: Entity, rows: &mut [RowData]) {
    use std::cmp::Ordering;
    let order = entity.row_order();
    let key = |v: Option<&Value>| -> Option<(i64, String)> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::Text(t)) if t.is_empty() => None,
            Some(Value::Int(i)) => Some((*i, String::new())),
            Some(Value::Bool(b)) => Some((i64::from(*b), String::new())),
            // Dates (`YYYY-MM-DD`) and codes compare as text; a number kept as text as a number.
            Some(Value::Text(t)) => Some(t.parse::<i64>().map_or((0, t.clone()), |i| (i, String::new()))),
        }
    };
    rows.sort_by(|a, b| {
        for f in order.by {
            let (ka, kb) = (key(a.values.get(*f)), key(b.values.get(*f)));
            let o = match (ka, kb) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if order.newest_first => y.cmp(&x),
                (Some(x), Some(y)) => x.cmp(&y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.id.cmp(&b.id)
    });
}

/// Riwayat rows of one pegawai, by group.
pub type RiwayatRows = BTreeMap<Entity, Vec<RowData>>;

/// Everything stored about one pegawai.
pub(crate) fn load_all(conn: &Connection, pegawai_id: &str) -> Result<Option<(RowData, RiwayatRows)>> {
    let Some(du) = load_row(conn, Entity::DataUtama.def(), pegawai_id)? else {
        return Ok(None);
    };
    let mut riwayat = BTreeMap::new();
    for e in Entity::riwayat() {
        let rows = load_rows(conn, e.def(), pegawai_id)?;
        if !rows.is_empty() {
            riwayat.insert(e, rows);
        }
    }
    Ok(Some((du, riwayat)))
}

/// Recomputes and stores the completeness score of one pegawai.
pub(crate) fn refresh_completeness(conn: &Connection, pegawai_id: &str) -> Result<Option<Completeness>> {
    let Some((du, riwayat)) = load_all(conn, pegawai_id)? else {
        return Ok(None);
    };
    let docs = document_links(conn, pegawai_id)?;
    let c = completeness::evaluate(&du, &riwayat, &docs);
    store_score(conn, pegawai_id, c.score)?;
    Ok(Some(c))
}

/// Recomputes the completeness of many pegawai with one query per table (a sync page touches
/// hundreds at once; one by one would be twenty queries each).
/// Whether a table holds any row: a riwayat group nobody has is not read for every record.
fn has_rows(conn: &Connection, table: &str) -> Result<bool> {
    Ok(conn.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table})"))?.query_row([], |r| r.get(0))?)
}

/// Recomputes and stores the completeness of the records `ids`. `known` holds data utama rows
/// the caller already has in memory (a pull page has just written them), which are not read
/// back; the others, and every riwayat and document, are read in one query per table.
pub(crate) fn refresh_completeness_many(
    conn: &Connection,
    ids: &[&str],
    known: &HashMap<String, RowData>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let to_json = |v: &[&str]| serde_json::to_string(v).map_err(|e| crate::Error::BadDocument(e.to_string()));
    let list = to_json(ids)?;
    let unknown: Vec<&str> = ids.iter().copied().filter(|id| !known.contains_key(*id)).collect();
    let mut loaded: BTreeMap<String, RowData> = BTreeMap::new();
    if !unknown.is_empty() {
        let def = Entity::DataUtama.def();
        let mut st = conn.prepare_cached(&sql(def).select_by_pegawai_many)?;
        for row in st.query_map([&to_json(&unknown)?], |r| read_row(def, r))? {
            let row = row?;
            loaded.insert(row.id.clone(), row);
        }
    }
    let mut riwayat: BTreeMap<String, RiwayatRows> = BTreeMap::new();
    for e in Entity::riwayat() {
        let def = e.def();
        if !has_rows(conn, def.table)? {
            continue;
        }
        let mut st = conn.prepare_cached(&sql(def).select_by_pegawai_many)?;
        for row in st.query_map([&list], |r| read_row(def, r))? {
            let row = row?;
            let owner = row.pegawai_id.clone().unwrap_or_default();
            riwayat.entry(owner).or_default().entry(e).or_default().push(row);
        }
    }
    let mut docs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    if has_rows(conn, "dokumen")? {
        let mut st = conn.prepare_cached(
            "SELECT pegawai_id, row_id, id_ref_dokumen FROM dokumen WHERE pegawai_id IN (SELECT value FROM json_each(?1))
               AND (verifikasi IS NULL OR verifikasi = 'DITERIMA')",
        )?;
        for row in st.query_map([&list], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))? {
            let (p, r, d) = row?;
            docs.entry(p).or_default().push((r, d));
        }
    }
    let none = RiwayatRows::new();
    // A record deleted since (in neither map) has nothing to score.
    let scores: Vec<(&str, u8)> = ids
        .iter()
        .filter_map(|id| known.get(*id).or_else(|| loaded.get(*id)).map(|row| (*id, row)))
        .map(|(id, row)| {
            let docs = docs.get(id).map_or(&[][..], Vec::as_slice);
            (id, completeness::evaluate(row, riwayat.get(id).unwrap_or(&none), docs).score)
        })
        .collect();
    let scores = serde_json::to_string(&scores).map_err(|e| crate::Error::BadDocument(e.to_string()))?;
    conn.prepare_cached(
        "UPDATE pegawai SET completeness = json_extract(s.value, '$[1]') FROM json_each(?1) AS s
         WHERE pegawai.id = json_extract(s.value, '$[0]')",
    )?
    .execute([scores])?;
    Ok(())
}

pub(crate) fn store_score(conn: &Connection, pegawai_id: &str, score: u8) -> Result<()> {
    conn.prepare_cached("UPDATE pegawai SET completeness = ?1 WHERE id = ?2")?
        .execute(rusqlite::params![score, pegawai_id])?;
    Ok(())
}
