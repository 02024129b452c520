//! Full-text search over name, NIP and NIK (FTS5, diacritics folded, prefix indexes), and the
//! paged unit list. Input words become quoted prefix terms, so no user text is ever parsed as
//! FTS syntax.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;

/// One line of a list or search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PegawaiSummary {
    pub id: String,
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    /// The golongan's code (`42`).
    pub golongan: Option<String>,
    /// Its name as records show it (`IV/b Pembina Tingkat I`), when the tables here know it.
    pub golongan_nama: Option<String>,
    pub completeness: u8,
}

/// Names each line's golongan (a few dozen codes at most: each is looked up once).
fn name_golongan(conn: &Connection, rows: &mut [PegawaiSummary]) {
    use crate::display::{CodeName, CodeNames};
    let names = super::refs::StoreNames::new(conn);
    for r in rows {
        r.golongan_nama = r.golongan.as_deref().and_then(|g| match names.code_name("golonganPns|golonganPppk", g) {
            CodeName::Known(n) => Some(n),
            _ => None,
        });
    }
}

const COLS: &str = "p.id, p.nip_baru, p.nama, p.unit, p.gol_ruang_akhir_id, p.completeness";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<PegawaiSummary> {
    Ok(PegawaiSummary {
        id: r.get(0)?,
        nip: r.get(1)?,
        nama: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        unit: r.get(3)?,
        golongan: r.get(4)?,
        golongan_nama: None,
        completeness: r.get(5)?,
    })
}

/// Turns free text into an FTS5 query: every word must match as a prefix.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

pub(crate) fn search(conn: &Connection, input: &str, limit: u32) -> Result<Vec<PegawaiSummary>> {
    let Some(q) = fts_query(input) else {
        return Ok(Vec::new());
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM pegawai_fts f JOIN pegawai p ON p.seq = f.rowid
         WHERE pegawai_fts MATCH ?1 ORDER BY f.rank LIMIT ?2"
    ))?;
    let mut rows = st.query_map(params![q, limit], summary)?.collect::<Result<Vec<_>, _>>()?;
    name_golongan(conn, &mut rows);
    Ok(rows)
}

/// Starts deferring the search index for pegawai rows inserted from now on, inside the caller's
/// transaction; `index_deferred` indexes them and ends the deferral. Returns the mark.
pub(crate) fn defer_index(conn: &Connection) -> Result<i64> {
    let above: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM pegawai", [], |r| r.get(0))?;
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_defer_above', ?1)", [above.to_string()])?;
    Ok(above)
}

/// The unit list's index (migration 0001). An initial pull into an empty profile drops it and
/// builds it in one pass at its end (rows arriving in NIP order would otherwise each insert
/// at a random place); opening a profile builds it if a killed pull left it missing.
pub(crate) const UNIT_INDEX: &str = "CREATE INDEX IF NOT EXISTS pegawai_unit_nama ON pegawai(unit, nama);";

pub(crate) fn index_deferred(conn: &Connection, above: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO pegawai_fts (rowid, nama, nip_baru, nik) SELECT seq, nama, nip_baru, nik FROM pegawai WHERE seq > ?1",
        [above],
    )?;
    conn.execute("DELETE FROM meta WHERE key = 'fts_defer_above'", [])?;
    Ok(())
}

/// Filters for the unit list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub unit: Option<String>,
    /// Only records whose completeness is below this score.
    pub below_completeness: Option<u8>,
    pub limit: u32,
    pub offset: u32,
}

pub(crate) fn list(conn: &Connection, f: &ListFilter) -> Result<Vec<PegawaiSummary>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM pegawai p
         WHERE (?1 IS NULL OR p.unit = ?1) AND (?2 IS NULL OR p.completeness < ?2)
         ORDER BY p.nama, p.nip_baru LIMIT ?3 OFFSET ?4"
    ))?;
    let limit = if f.limit == 0 { u32::MAX } else { f.limit };
    let mut rows = st
        .query_map(params![f.unit, f.below_completeness, limit, f.offset], summary)?
        .collect::<Result<Vec<_>, _>>()?;
    name_golongan(conn, &mut rows);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_never_becomes_fts_syntax() {
        assert_eq!(fts_query("Siti NUR*"), Some("\"siti\"* AND \"nur\"*".into()));
        assert_eq!(fts_query("\" OR 1=1 --"), Some("\"or\"* AND \"1\"* AND \"1\"*".into()));
        assert_eq!(fts_query("  ,. "), None);
    }
}
