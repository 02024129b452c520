//! The verdict of each field of a rekon row, and of the row: what the file would do to the
//! record, or why it must not. Duplicates are found over the whole batch once every row is in.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::input::InputRow;
use super::{RekonField, RekonItem};
use crate::error::Result;
use crate::model::{Email, EmailError, Nip, NipError, Phone, PhoneError};

/// Ordered by gravity: a row's verdict is its gravest field's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The file has nothing for this field.
    Absent,
    /// The record holds the file's value already.
    Same,
    /// The record holds nothing; the file fills it.
    New,
    /// The record holds another value; the file's replaces it.
    Changed,
    /// The record changed after the file's date: its newer value is kept unless the admin says
    /// otherwise.
    Stale,
    /// Another ASN holds this address or number already (or another row of the file gives it,
    /// or the NIP comes twice): one official e-mail per PNS.
    Duplicate,
    /// Malformed, unknown or out of the caller's scope.
    Invalid,
}

impl Verdict {
    pub const ALL: [Verdict; 7] = [
        Verdict::Absent,
        Verdict::Same,
        Verdict::New,
        Verdict::Changed,
        Verdict::Stale,
        Verdict::Duplicate,
        Verdict::Invalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Absent => "absent",
            Verdict::Same => "same",
            Verdict::New => "new",
            Verdict::Changed => "changed",
            Verdict::Stale => "stale",
            Verdict::Duplicate => "duplicate",
            Verdict::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Verdict {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s).unwrap_or(Verdict::Invalid)
    }

    /// The verdict in the UI's words (Bahasa Indonesia).
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Absent => "tidak diisi",
            Verdict::Same => "sama",
            Verdict::New => "baru",
            Verdict::Changed => "berubah",
            Verdict::Stale => "lebih lama dari data",
            Verdict::Duplicate => "ganda",
            Verdict::Invalid => "tidak sah",
        }
    }

    /// Would applying write this field (given the admin's word for stale ones)?
    pub fn writes(self) -> bool {
        matches!(self, Verdict::New | Verdict::Changed | Verdict::Stale)
    }
}

pub(super) struct Judged {
    pub verdict: Verdict,
    pub reason: Option<String>,
    pub fields: [RekonField; 3],
}

const LABELS: [&str; 3] = ["Email go.id", "Email pribadi", "Nomor HP"];

fn normalized(i: usize, raw: &str) -> std::result::Result<String, String> {
    match i {
        0 => Email::parse_gov(raw).map(|e| e.as_str().to_string()).map_err(|e| email_words(&e)),
        1 => Email::parse(raw).map(|e| e.as_str().to_string()).map_err(|e| email_words(&e)),
        _ => Phone::parse(raw).map(|p| p.as_str().to_string()).map_err(|e| phone_words(&e)),
    }
}

// The reasons are kept with the preview and shown to a BKD as they are: in Bahasa Indonesia.
fn email_words(e: &EmailError) -> String {
    match e {
        EmailError::Empty => "kosong".into(),
        EmailError::At => "harus memuat tepat satu @".into(),
        EmailError::Local => "bagian sebelum @ tidak sah".into(),
        EmailError::Domain => "domain sesudah @ tidak sah".into(),
        EmailError::NotGoId => "harus alamat go.id (mis. nama@bkd.provinsi.go.id)".into(),
    }
}

fn phone_words(e: &PhoneError) -> String {
    match e {
        PhoneError::Empty => "kosong".into(),
        PhoneError::InvalidChar { position } => format!("ada karakter bukan angka di posisi {position}"),
        PhoneError::Prefix => "harus diawali 08, +628 atau 628".into(),
        PhoneError::NotMobile => "bukan nomor seluler (sesudah 0 atau +62 harus 8)".into(),
        PhoneError::Length { found } => format!("nomor seluler 9-12 angka sesudah 0, ditemukan {found}"),
    }
}

fn nip_words(e: &NipError) -> String {
    match e {
        NipError::Empty => "kosong".into(),
        NipError::NotDigit { position } => format!("ada karakter bukan angka di posisi {position}"),
        NipError::Length { found } => format!("harus 18 angka (atau 9 untuk NIP lama), ditemukan {found}"),
        NipError::BirthDate { .. } => "angka 1-8 harus tanggal lahir yang ada (ttttbbhh)".into(),
        NipError::TmtMonth { .. } => "angka 13-14 harus bulan TMT CPNS".into(),
        NipError::TmtYear { .. } => "angka 9-12 harus tahun pengangkatan".into(),
        NipError::Sex { .. } => "angka 15 harus 1 (laki-laki) atau 2 (perempuan)".into(),
        NipError::Sequence => "angka 16-18 harus nomor urut mulai 001".into(),
    }
}

fn same_value(i: usize, a: &str, b: &str) -> bool {
    if i == 2 {
        a == b
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// Judges one row against the record its NIP names (`stored`: go.id e-mail, e-mail, phone).
/// `changed_at` gives when a field of the record last changed (HLC wall time, ms); `holder`
/// who else holds a value already.
pub(super) fn judge(
    row: &InputRow,
    stored: Option<&[Option<String>; 3]>,
    in_scope: bool,
    sees_instansi: bool,
    cutoff_ms: u64,
    changed_at: impl FnMut(&str) -> Result<Option<u64>>,
    holder: impl FnMut(usize, &str) -> Result<Option<String>>,
) -> Result<Judged> {
    let Some(nip) = row.nip.as_deref() else { return Ok(refuse(row, "NIP kosong".into())) };
    if row.nip_was_number {
        return Ok(refuse(
            row,
            "NIP tersimpan sebagai angka (spreadsheet hanya menyimpan 15 digit): format kolom NIP sebagai teks".into(),
        ));
    }
    if let Err(e) = Nip::parse(nip) {
        return Ok(refuse(row, format!("NIP tidak sah: {}", nip_words(&e))));
    }
    let Some(stored) = stored else {
        // A facilitator's device holds their units only: the NIP may be of another unit.
        let why = if sees_instansi {
            "NIP tidak ada di data instansi"
        } else {
            "NIP tidak dikenal atau di luar unit kerja Anda"
        };
        return Ok(refuse(row, why.into()));
    };
    if !in_scope {
        return Ok(refuse(row, "NIP di luar unit kerja Anda".into()));
    }
    judge_fields(row, stored, cutoff_ms, changed_at, holder)
}

/// Judges one row of a JPT non-PNS file: a NIK and a name, then the fields against the
/// official's row if there is one (an unknown NIK is a new official: every field new).
pub(super) fn judge_jpt(
    row: &InputRow,
    stored: Option<&[Option<String>; 3]>,
    cutoff_ms: u64,
    changed_at: impl FnMut(&str) -> Result<Option<u64>>,
    holder: impl FnMut(usize, &str) -> Result<Option<String>>,
) -> Result<Judged> {
    let Some(nik) = row.nik.as_deref() else { return Ok(refuse(row, "NIK kosong".into())) };
    if let Err(e) = crate::model::Nik::parse(nik) {
        return Ok(refuse(row, format!("NIK tidak sah ({})", e.code())));
    }
    if row.nama.is_none() {
        return Ok(refuse(row, "Nama kosong".into()));
    }
    let none = [None, None, None];
    judge_fields(row, stored.unwrap_or(&none), cutoff_ms, changed_at, holder)
}

/// The row refused whole: each field the file fills is invalid too.
fn refuse(row: &InputRow, why: String) -> Judged {
    let raws = [&row.email_gov, &row.email, &row.no_hp];
    Judged {
        verdict: Verdict::Invalid,
        reason: Some(why),
        fields: [0, 1, 2].map(|i| RekonField {
            old: None,
            new: raws[i].clone(),
            verdict: if raws[i].is_some() { Verdict::Invalid } else { Verdict::Absent },
        }),
    }
}

fn judge_fields(
    row: &InputRow,
    stored: &[Option<String>; 3],
    cutoff_ms: u64,
    mut changed_at: impl FnMut(&str) -> Result<Option<u64>>,
    mut holder: impl FnMut(usize, &str) -> Result<Option<String>>,
) -> Result<Judged> {
    let raws = [&row.email_gov, &row.email, &row.no_hp];
    let mut reasons = Vec::new();
    let mut fields: [RekonField; 3] =
        [0, 1, 2].map(|i| RekonField { old: stored[i].clone(), new: None, verdict: Verdict::Absent });
    for (i, field) in super::FIELDS.iter().enumerate() {
        let old = stored[i].clone();
        let Some(raw) = raws[i] else { continue };
        let new = match normalized(i, raw) {
            Ok(v) => v,
            Err(why) => {
                reasons.push(format!("{}: {why}", LABELS[i]));
                fields[i] = RekonField { old, new: Some(raw.clone()), verdict: Verdict::Invalid };
                continue;
            }
        };
        let verdict = match &old {
            None => Verdict::New,
            Some(o) if same_value(i, o, &new) => Verdict::Same,
            Some(_) => match changed_at(field)? {
                Some(ms) if ms >= cutoff_ms => {
                    let when = chrono::DateTime::from_timestamp_millis(ms as i64)
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    reasons.push(format!("{}: diubah {when}, sesudah tanggal data berkas", LABELS[i]));
                    Verdict::Stale
                }
                _ => Verdict::Changed,
            },
        };
        // One address or number per person: another holding it already makes a duplicate.
        let verdict = match (verdict.writes(), verdict) {
            (true, v) => match holder(i, &new)? {
                Some(other) => {
                    reasons.push(format!("{}: sudah dipakai {other}", LABELS[i]));
                    Verdict::Duplicate
                }
                None => v,
            },
            (false, v) => v,
        };
        fields[i] = RekonField { old, new: Some(new), verdict };
    }
    let verdict = fields.iter().map(|f| f.verdict).max().unwrap_or(Verdict::Absent).max(Verdict::Same);
    Ok(Judged { verdict, reason: (!reasons.is_empty()).then(|| reasons.join("; ")), fields })
}

/// Marks what would give one address or number to two ASN within the file: a value two rows
/// give to different NIPs, and every repeat of a NIP after its first row. (A value another
/// record holds is found row by row, by `holder`.) A duplicate row stays invalid if it was.
pub(super) fn mark_duplicates(conn: &Connection, batch: &str, id_label: &str) -> Result<()> {
    for (i, f) in super::FIELDS.iter().enumerate() {
        let label = LABELS[i];
        // Given to two NIPs by the file itself.
        conn.execute(
            &format!(
                "UPDATE rekon_item SET {f}_verdict = 'duplicate',
                   verdict = CASE verdict WHEN 'invalid' THEN 'invalid' ELSE 'duplicate' END,
                   reason = coalesce(reason || '; ', '') || ?2 || ': sama dengan baris lain berkas ini'
                 WHERE batch = ?1 AND {f}_verdict IN ('new', 'changed', 'stale')
                   AND lower({f}_new) IN (SELECT lower({f}_new) FROM rekon_item
                        WHERE batch = ?1 AND {f}_verdict IN ('new', 'changed', 'stale')
                        GROUP BY lower({f}_new) HAVING count(DISTINCT nip) > 1)"
            ),
            params![batch, label],
        )?;
    }
    conn.execute(
        "UPDATE rekon_item SET verdict = 'duplicate',
           email_gov_verdict = CASE WHEN email_gov_verdict = 'absent' THEN 'absent' ELSE 'duplicate' END,
           email_verdict = CASE WHEN email_verdict = 'absent' THEN 'absent' ELSE 'duplicate' END,
           no_hp_verdict = CASE WHEN no_hp_verdict = 'absent' THEN 'absent' ELSE 'duplicate' END,
           reason = coalesce(reason || '; ', '') || ?2 || ' sudah ada di baris ' ||
             (SELECT min(o.line) FROM rekon_item o WHERE o.batch = rekon_item.batch AND o.nip = rekon_item.nip)
         WHERE batch = ?1 AND verdict <> 'invalid'
           AND nip IN (SELECT nip FROM rekon_item WHERE batch = ?1 AND nip IS NOT NULL GROUP BY nip HAVING count(*) > 1)
           AND line > (SELECT min(o.line) FROM rekon_item o WHERE o.batch = ?1 AND o.nip = rekon_item.nip)",
        params![batch, id_label],
    )?;
    Ok(())
}

pub(super) fn items(
    conn: &Connection,
    batch: &str,
    only: Option<Verdict>,
    offset: u64,
    limit: u64,
) -> Result<Vec<RekonItem>> {
    let mut st = conn.prepare_cached(
        "SELECT line, nip, nama, unit, verdict, reason, email_gov_old, email_gov_new, email_gov_verdict,
                email_old, email_new, email_verdict, no_hp_old, no_hp_new, no_hp_verdict, applied_at IS NOT NULL,
                jabatan
         FROM rekon_item WHERE batch = ?1 AND (?2 IS NULL OR verdict = ?2)
         ORDER BY line LIMIT ?3 OFFSET ?4",
    )?;
    let field = |r: &rusqlite::Row<'_>, at: usize| -> rusqlite::Result<RekonField> {
        Ok(RekonField { old: r.get(at)?, new: r.get(at + 1)?, verdict: Verdict::parse(&r.get::<_, String>(at + 2)?) })
    };
    let rows = st
        .query_map(params![batch, only.map(Verdict::as_str), limit.min(i64::MAX as u64) as i64, offset as i64], |r| {
            Ok(RekonItem {
                line: r.get::<_, i64>(0)? as u64,
                nip: r.get(1)?,
                nama: r.get(2)?,
                unit: r.get(3)?,
                verdict: Verdict::parse(&r.get::<_, String>(4)?),
                reason: r.get(5)?,
                email_gov: field(r, 6)?,
                email: field(r, 9)?,
                no_hp: field(r, 12)?,
                applied: r.get(15)?,
                jabatan: r.get(16)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
