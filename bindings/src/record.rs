//! The record as typed values for the app's screens: data utama fields with their labels and
//! whether the ASN may change them, riwayat groups, completeness, written warnings and the
//! instansi's proposals about them.

use berkas_core::model::{Entity, FieldDef, FieldMap, Owner, Value};
use berkas_core::PegawaiRecord;

use crate::error::Result;
use crate::profile::BerkasProfile;

#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldEntry {
    pub name: String,
    pub label: String,
    /// The value as text; empty when not filled.
    pub value: String,
    /// The ASN's own data (contact, family), changed at once; official data goes through a
    /// correction request.
    pub own: bool,
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

fn entries(defs: &[FieldDef], values: &FieldMap) -> Vec<FieldEntry> {
    defs.iter()
        .map(|f| FieldEntry {
            name: f.name.to_string(),
            label: f.label.to_string(),
            value: values.get(f.name).map(Value::to_text).unwrap_or_default(),
            own: f.owner == Owner::Personal,
        })
        .collect()
}

fn view(nip: String, r: PegawaiRecord) -> RecordView {
    let du = &r.data_utama.values;
    RecordView {
        nama: du.get("nama").map(Value::to_text).unwrap_or_default(),
        data_utama: entries(Entity::DataUtama.def().fields, du),
        riwayat: r
            .riwayat
            .iter()
            .map(|(e, rows)| RiwayatGroup {
                entity: e.key().to_string(),
                label: e.def().label.to_string(),
                rows: rows
                    .iter()
                    .map(|row| RiwayatRow { id: row.id.clone(), fields: entries(e.def().fields, &row.values) })
                    .collect(),
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
        nip,
    }
}

#[uniffi::export]
impl BerkasProfile {
    /// The record of `nip` for the "my record" screen.
    pub fn record(&self, nip: String) -> Result<RecordView> {
        let r = self.inner.pegawai(&nip)?;
        Ok(view(nip, r))
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
