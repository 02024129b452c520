//! JPT non-PNS officials in the rekon: BKN's template names them by NIK (they have no NIP and
//! no record here), so they are kept as their own rows (`jpt_non_pns`) on the profile that
//! reconciles them, judged and applied like the PNS: a new NIK is a new official, a value the
//! row changed after the file's date is stale, one address or number per person.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::input::InputRow;
use super::verdict::{self, Judged, Verdict};
use super::{holder, RekonApplied, RekonItem};
use crate::error::Result;
use crate::store::now;

/// A JPT non-PNS official as kept here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JptNonPns {
    pub nik: String,
    pub nama: String,
    pub jabatan: Option<String>,
    pub email_gov: Option<String>,
    pub email: Option<String>,
    pub no_hp: Option<String>,
    /// The go.id address the instansi validated (counts while it equals `email_gov`).
    pub email_gov_valid: Option<String>,
    pub email_gov_valid_oleh: Option<String>,
    pub email_gov_valid_pada: Option<String>,
}

const COLUMNS: &str =
    "nik, nama, jabatan, email_gov, email, no_hp, email_gov_valid, email_gov_valid_oleh, email_gov_valid_pada";

fn of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JptNonPns> {
    Ok(JptNonPns {
        nik: r.get(0)?,
        nama: r.get(1)?,
        jabatan: r.get(2)?,
        email_gov: r.get(3)?,
        email: r.get(4)?,
        no_hp: r.get(5)?,
        email_gov_valid: r.get(6)?,
        email_gov_valid_oleh: r.get(7)?,
        email_gov_valid_pada: r.get(8)?,
    })
}

pub(super) fn by_nik(conn: &Connection, nik: &str) -> Result<Option<(JptNonPns, String)>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS}, changed_at FROM jpt_non_pns WHERE nik = ?1"))?
        .query_row([nik], |r| Ok((of_row(r)?, r.get::<_, String>(9)?)))
        .optional()?)
}

pub(super) fn all(conn: &Connection) -> Result<Vec<JptNonPns>> {
    let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM jpt_non_pns ORDER BY nama, nik"))?;
    let rows = st.query_map([], of_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(super) struct JudgedJpt {
    pub judged: Judged,
    pub nama: Option<String>,
}

fn millis(at: &str) -> Option<u64> {
    chrono::DateTime::parse_from_rfc3339(at).ok().and_then(|t| u64::try_from(t.timestamp_millis()).ok())
}

/// One row of a JPT file against the official its NIK names (if any).
pub(super) fn judge_row(conn: &Connection, row: &InputRow, cutoff: u64) -> Result<JudgedJpt> {
    let stored = match row.nik.as_deref() {
        Some(nik) => by_nik(conn, nik)?,
        None => None,
    };
    let values = stored.as_ref().map(|(j, _)| [j.email_gov.clone(), j.email.clone(), j.no_hp.clone()]);
    // The row keeps one time of change, not one per field.
    let changed = stored.as_ref().and_then(|(_, at)| millis(at));
    let own = row.nik.clone().unwrap_or_default();
    let judged =
        verdict::judge_jpt(row, values.as_ref(), cutoff, |_| Ok(changed), |i, value| holder(conn, i, value, "", &own))?;
    let nama = row.nama.clone().or_else(|| stored.map(|(j, _)| j.nama));
    Ok(JudgedJpt { judged, nama })
}

/// Applies one previewed JPT row: a new official is added, a known one's fields changed
/// (stale ones only with `override_stale`), a go.id address validated. Left alone when the
/// official changed since the preview.
pub(super) fn apply_item(
    conn: &Connection,
    batch: &str,
    item: &RekonItem,
    who: &str,
    today: &str,
    override_stale: bool,
    done: &mut RekonApplied,
) -> Result<()> {
    let (Some(nik), Some(nama)) = (item.nip.as_deref(), item.nama.as_deref()) else { return Ok(()) };
    if item.verdict == Verdict::Invalid {
        return Ok(());
    }
    let stored = by_nik(conn, nik)?.map(|(j, _)| j);
    let fields = [&item.email_gov, &item.email, &item.no_hp];
    let now_values =
        stored.as_ref().map(|j| [j.email_gov.clone(), j.email.clone(), j.no_hp.clone()]).unwrap_or_default();
    if fields.iter().zip(&now_values).any(|(f, v)| f.verdict.writes() && f.old != *v) {
        done.moved += 1;
        return Ok(());
    }
    let mut next = now_values.clone();
    let mut written = 0;
    let mut gov_taken = false;
    for (k, f) in fields.iter().enumerate() {
        let take = match f.verdict {
            Verdict::New | Verdict::Changed => true,
            Verdict::Stale if override_stale => true,
            Verdict::Stale => {
                done.kept_newer += 1;
                false
            }
            _ => false,
        };
        if take {
            next[k] = f.new.clone();
            written += 1;
            gov_taken |= k == 0;
        }
    }
    // The address the file gives (or confirms) is the one validated, never another.
    let gov = next[0].clone().filter(|_| gov_taken || item.email_gov.verdict == Verdict::Same);
    let validated_before = stored.as_ref().and_then(|j| j.email_gov_valid.clone());
    let validates = gov.is_some() && gov != validated_before;
    if written == 0 && !validates && stored.is_some() {
        return Ok(());
    }
    let (valid, oleh, pada) = if validates {
        (gov, Some(who.to_string()), Some(today.to_string()))
    } else {
        (
            validated_before,
            stored.as_ref().and_then(|j| j.email_gov_valid_oleh.clone()),
            stored.as_ref().and_then(|j| j.email_gov_valid_pada.clone()),
        )
    };
    let jabatan = item.jabatan.clone().or_else(|| stored.as_ref().and_then(|j| j.jabatan.clone()));
    conn.prepare_cached(
        "INSERT INTO jpt_non_pns (nik, nama, jabatan, email_gov, email, no_hp, email_gov_valid, email_gov_valid_oleh,
            email_gov_valid_pada, changed_at, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (nik) DO UPDATE SET nama = ?2, jabatan = ?3, email_gov = ?4, email = ?5, no_hp = ?6,
            email_gov_valid = ?7, email_gov_valid_oleh = ?8, email_gov_valid_pada = ?9, changed_at = ?10, changed_by = ?11",
    )?
    .execute(params![nik, nama, jabatan, next[0], next[1], next[2], valid, oleh, pada, now(), who])?;
    crate::store::audit::record(
        conn,
        &now(),
        who,
        "rekon.jpt",
        Some("jpt_non_pns"),
        Some(nik),
        None,
        Some(&serde_json::json!({ "line": item.line, "fields": written, "new": stored.is_none() })),
    )?;
    conn.execute(
        "UPDATE rekon_item SET applied_at = ?3 WHERE batch = ?1 AND line = ?2",
        params![batch, item.line as i64, now()],
    )?;
    done.records += 1;
    done.fields += written;
    done.validated += u64::from(validates);
    Ok(())
}
