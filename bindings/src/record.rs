//! The record as typed values for the app's screens: data utama fields with their labels and
//! whether the ASN may change them, riwayat groups, completeness, written warnings and the
//! instansi's proposals about them.

use berkas_core::display::{Lang, RecordDisplay, ShownField};
use berkas_core::PegawaiRecord;

use crate::error::Result;
use crate::profile::BerkasProfile;

#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldEntry {
    pub name: String,
    /// In the language asked for.
    pub label: String,
    /// The value as stored, as text (what an edit field starts from); empty when not filled.
    pub value: String,
    /// The value as a person reads it (core's display: `Islam`, `IV/b Pembina Tingkat I`,
    /// `12 Maret 1985`, a dash when empty, a code no table knows with a warning mark).
    pub display: String,
    /// Why `display` carries a warning mark.
    pub warning: Option<String>,
    /// The ASN's own data (contact, family), changed at once; official data goes through a
    /// correction request.
    pub own: bool,
    /// The signed-in account may change it here: core's authorization, the same the hub
    /// judges the change by. A screen offers an edit only for these.
    pub editable: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RiwayatRow {
    pub id: String,
    pub fields: Vec<FieldEntry>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RiwayatGroup {
    /// `riwayat_golongan`, `anak` ...
    pub entity: String,
    pub label: String,
    pub rows: Vec<RiwayatRow>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct MissingEntry {
    /// `field`, `rows` or `document`.
    pub kind: String,
    pub entity: String,
    pub label: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RecordView {
    pub nip: String,
    pub nama: String,
    pub data_utama: Vec<FieldEntry>,
    pub riwayat: Vec<RiwayatGroup>,
    /// 0-100.
    pub completeness: u8,
    pub missing: Vec<MissingEntry>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct TeguranEntry {
    pub id: String,
    pub tanggal: String,
    pub document_id: Option<String>,
    pub reason: String,
    pub by: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ProposalEntry {
    pub id: String,
    /// `KP`, `KGB`, `PENSIUN`, `SATYA_LENCANA`.
    pub jenis: String,
    pub periode: String,
    pub tmt: String,
    /// `DRAFT`, `DIKIRIM`, `ACC`, `TMS`, `BTL`.
    pub status: String,
    pub reason: Option<String>,
    pub nomor_pertek: Option<String>,
    /// Labels of the documents still missing.
    pub missing: Vec<String>,
}

fn entries(shown: &[ShownField]) -> Vec<FieldEntry> {
    shown
        .iter()
        .map(|f| FieldEntry {
            name: f.name.clone(),
            label: f.label.clone(),
            value: f.value.to_text(),
            display: f.display.clone(),
            warning: f.warning.clone(),
            own: f.own,
            editable: f.editable,
        })
        .collect()
}

fn view(r: &PegawaiRecord, d: RecordDisplay) -> RecordView {
    RecordView {
        nama: d.nama,
        data_utama: entries(&d.data_utama),
        riwayat: d
            .riwayat
            .into_iter()
            .map(|g| RiwayatGroup {
                entity: g.entity,
                label: g.label,
                rows: g.rows.into_iter().map(|row| RiwayatRow { id: row.id, fields: entries(&row.fields) }).collect(),
            })
            .collect(),
        completeness: r.completeness.score,
        missing: r
            .completeness
            .missing
            .iter()
            .map(|m| MissingEntry {
                kind: m.kind.to_string(),
                entity: m.entity.key().to_string(),
                label: m.label.to_string(),
            })
            .collect(),
        nip: d.nip,
    }
}

/// `id` or `en` (a locale such as `en-US` too); Bahasa Indonesia for anything else.
pub(crate) fn lang_of(lang: &str) -> Lang {
    Lang::parse(lang).unwrap_or_default()
}

#[uniffi::export]
impl BerkasProfile {
    /// The record of `nip` for the "my record" screen, worded in `lang` (`id` or `en`).
    pub fn record(&self, nip: String, lang: String) -> Result<RecordView> {
        let r = self.inner.pegawai(&nip)?;
        let d = self.inner.display_of(&r, lang_of(&lang));
        Ok(view(&r, d))
    }

    /// Written warnings on the record of `nip`.
    pub fn teguran(&self, nip: String) -> Result<Vec<TeguranEntry>> {
        Ok(self
            .inner
            .teguran(&nip)?
            .into_iter()
            .map(|t| TeguranEntry {
                id: t.id,
                tanggal: t.tanggal,
                document_id: t.dokumen_id,
                reason: t.alasan,
                by: t.oleh,
            })
            .collect())
    }

    /// The instansi's proposals (KP, KGB, pensiun, Satya Lencana) this device holds; on an
    /// ASN's phone, their own.
    pub fn proposals(&self) -> Result<Vec<ProposalEntry>> {
        Ok(self
            .inner
            .proposals(None, None)?
            .into_iter()
            .map(|p| ProposalEntry {
                missing: p.checklist.missing.clone(),
                id: p.id,
                jenis: p.jenis,
                periode: p.periode,
                tmt: p.tmt,
                status: p.status,
                reason: p.alasan,
                nomor_pertek: p.nomor_pertek,
            })
            .collect())
    }
}
