//! The local audit log: every change (and every export of personal data) with who, what and
//! when. Values live in the encrypted database only; nothing here is written to logs.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: Option<String>,
    pub row_id: Option<String>,
    pub pegawai_id: Option<String>,
    pub detail: Option<serde_json::Value>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    entity: Option<&str>,
    row_id: Option<&str>,
    pegawai_id: Option<&str>,
    detail: Option<&serde_json::Value>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, action, entity, row_id, pegawai_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![at, actor, action, entity, row_id, pegawai_id, detail.map(|d| d.to_string())])?;
    Ok(())
}

pub(crate) fn for_pegawai(conn: &Connection, pegawai_id: &str, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(
        "SELECT seq, at, actor, action, entity, row_id, pegawai_id, detail FROM audit_log
         WHERE pegawai_id = ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![pegawai_id, limit], |r| {
            let detail: Option<String> = r.get(7)?;
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                row_id: r.get(5)?,
                pegawai_id: r.get(6)?,
                detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
