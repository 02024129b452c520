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

/// How many matches a search keeps at most for each result asked for, to rank them. Reading
/// matches in record order and stopping there keeps a search's cost flat in the number of
/// pegawai (ranking every match with bm25 grew linearly: 15 ms at a million).
const CANDIDATES_PER_RESULT: usize = 2;

/// How many index matches the quick lookup reads before it gives way to the whole words.
const QUICK_BUDGET: usize = 400;

/// A typed word, lowercased and without diacritics, as the index folds it.
fn fold(word: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The words of a text as the index splits them (FTS5's unicode61: letters and digits).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold)
}

/// How the index is asked for a typed word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Lookup {
    /// By a prefix the index keeps (2, 3 and 4 letters, migration 0014), which FTS5 reads lazily
    /// in record order; any other prefix makes it merge every matching word's postings first. A
    /// longer word is asked by its first 4 letters, and each candidate is then checked against
    /// the whole word. A number of 6 digits or more (a NIP, a NIK) is asked whole: few words
    /// share its prefix.
    Quick,
    /// Every word whole: costs as many postings as there are pegawai with such a word, which is
    /// few when the quick lookup found too few of them.
    Whole,
}

fn index_prefix(word: &str, lookup: Lookup) -> Option<&str> {
    let len = word.chars().count();
    match (lookup, len) {
        (_, 1) => None,
        (Lookup::Whole, _) => Some(word),
        _ if len >= 6 && word.chars().all(|c| c.is_ascii_digit()) => Some(word),
        (_, n) if n > 4 => Some(word.char_indices().nth(4).map_or(word, |(i, _)| &word[..i])),
        _ => Some(word),
    }
}

/// Turns free text into an FTS5 query: every word must match as a prefix (see `Lookup`).
/// Words are quoted, so no user text is ever parsed as FTS syntax.
pub(crate) fn fts_query(input: &str, lookup: Lookup) -> Option<String> {
    let typed: Vec<String> = words(input).collect();
    let mut terms: Vec<String> =
        typed.iter().filter_map(|w| index_prefix(w, lookup)).map(|p| format!("\"{p}\"*")).collect();
    if terms.is_empty() {
        // Single letters only: the index answers them too, if not lazily.
        terms = typed.iter().map(|w| format!("\"{w}\"*")).collect();
    }
    terms.sort();
    terms.dedup();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// How well a candidate answers the typed words: `None` when a word starts none of its words;
/// otherwise the fewest typed words left not matching a word whole, then the shortest name.
fn relevance(typed: &[String], nama: &str, nip: &str, nik: Option<&str>) -> Option<(usize, usize)> {
    let own: Vec<String> = words(nama).chain(words(nip)).chain(nik.into_iter().flat_map(words)).collect();
    let mut partial = 0;
    for w in typed {
        if !own.iter().any(|o| o.starts_with(w.as_str())) {
            return None;
        }
        partial += usize::from(!own.iter().any(|o| o == w));
    }
    Some((partial, words(nama).count()))
}

type Ranked = ((usize, usize), PegawaiSummary);

/// Reads matches of `q` in record order until `keep` candidates answer every typed word.
/// `None` when `budget` index matches were read first.
fn candidates(
    conn: &Connection,
    q: &str,
    typed: &[String],
    keep: usize,
    budget: Option<usize>,
) -> Result<Option<Vec<Ranked>>> {
    // No ORDER BY rank: FTS5 hands matches over in rowid order as it reads them.
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS}, p.nik FROM pegawai_fts f JOIN pegawai p ON p.seq = f.rowid
         WHERE pegawai_fts MATCH ?1 ORDER BY f.rowid"
    ))?;
    let mut rows = st.query([q])?;
    let (mut found, mut read) = (Vec::new(), 0);
    while let Some(r) = rows.next()? {
        read += 1;
        if budget.is_some_and(|b| read > b) {
            return Ok(None);
        }
        let line = summary(r)?;
        let nik: Option<String> = r.get(6)?;
        if let Some(rank) = relevance(typed, &line.nama, &line.nip, nik.as_deref()) {
            found.push((rank, line));
            if found.len() >= keep {
                break;
            }
        }
    }
    Ok(Some(found))
}

/// Name, NIP or NIK search: every typed word starts a word of the record. When more match
/// than `limit` x `CANDIDATES_PER_RESULT`, the best of the first that many in record order
/// are shown (those matching more words whole, then shorter names): type more to narrow.
pub(crate) fn search(conn: &Connection, input: &str, limit: u32) -> Result<Vec<PegawaiSummary>> {
    let typed: Vec<String> = words(input).collect();
    let (Some(quick), Some(whole)) = (fts_query(input, Lookup::Quick), fts_query(input, Lookup::Whole)) else {
        return Ok(Vec::new());
    };
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    let keep = wanted.saturating_mul(CANDIDATES_PER_RESULT);
    let mut found = match candidates(conn, &quick, &typed, keep, (quick != whole).then_some(QUICK_BUDGET))? {
        Some(found) => found,
        // The typed words are rare among their prefixes' matches: ask for them whole.
        None => candidates(conn, &whole, &typed, keep, None)?.unwrap_or_default(),
    };
    found.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.nama.cmp(&y.nama)).then_with(|| x.nip.cmp(&y.nip)));
    let mut lines: Vec<PegawaiSummary> = found.into_iter().take(wanted).map(|(_, l)| l).collect();
    name_golongan(conn, &mut lines);
    Ok(lines)
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
        assert_eq!(fts_query("Siti NUR*", Lookup::Quick), Some("\"nur\"* AND \"siti\"*".into()));
        assert_eq!(fts_query("\" OR 1=1 --", Lookup::Whole), Some("\"or\"*".into()));
        assert_eq!(fts_query("  ,. ", Lookup::Quick), None);
    }

    #[test]
    fn the_quick_lookup_asks_for_prefixes_the_index_keeps() {
        let quick = |s| fts_query(s, Lookup::Quick);
        assert_eq!(quick("Santoso"), Some("\"sant\"*".into()));
        assert_eq!(quick("Ani"), Some("\"ani\"*".into()));
        assert_eq!(quick("André"), Some("\"andr\"*".into()));
        // A NIP prefix stays whole; a lone letter is kept only when nothing else is typed.
        assert_eq!(quick("198503122010"), Some("\"198503122010\"*".into()));
        assert_eq!(quick("19850"), Some("\"1985\"*".into()));
        assert_eq!(quick("Budi S"), Some("\"budi\"*".into()));
        assert_eq!(quick("S"), Some("\"s\"*".into()));
    }

    #[test]
    fn a_candidate_must_start_a_word_with_every_typed_word() {
        let typed: Vec<String> = words("siti sant").collect();
        let aminah = relevance(&typed, "Siti Aminah Santoso", "1", None);
        assert_eq!(aminah, Some((1, 3)));
        assert_eq!(relevance(&typed, "Siti Aminah Wijaya", "1", None), None);
        // Both typed words only start the name's words: ranked after a whole match.
        let sitiani = relevance(&typed, "Sitiani Santoso", "1", None);
        assert!(sitiani.is_some_and(|r| Some(r) > aminah), "{sitiani:?}");
        // Diacritics and case are folded on both sides; the NIK counts as a word.
        let typed: Vec<String> = words("ANDRE 3374").collect();
        assert_eq!(relevance(&typed, "André Wijaya", "1", Some("3374010101900001")), Some((1, 2)));
    }
}
