//! Layanan and requests for the app: the catalogue, a checklist held against the record,
//! drafts, submit, decisions, status with history.

use berkas_core::forms::{ChecklistLine, UsulanInfo};
use std::collections::HashMap;

use crate::error::Result;
use crate::profile::{fields, BerkasProfile};

#[derive(Debug, Clone, uniffi::Record)]
pub struct LayananEntry {
    pub id: String,
    pub nama: String,
    /// The name in English (the Indonesian one where the catalogue has none).
    pub nama_en: String,
    pub kelompok: String,
    pub versi: u32,
    pub aktif: bool,
    /// Request fields as `name:kind:required` (kind text, int, bool, date, month).
    pub fields: Vec<String>,
    pub documents: u32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ChecklistEntry {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub needed: u32,
    pub have: u32,
    /// `lengkap`, `kurang`, `tidak_perlu`, `dilampirkan_pada_usulan`.
    pub status: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct StatusStep {
    pub status: String,
    pub at: String,
    pub by: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct UsulanEntry {
    pub id: String,
    pub nip: String,
    pub layanan_id: String,
    pub answers: HashMap<String, String>,
    pub status: String,
    pub status_at: Option<String>,
    pub status_reason: Option<String>,
    pub history: Vec<StatusStep>,
    /// A data-update request's decisions per field, with the reasons of returned fields.
    pub decisions: Vec<FieldDecisionEntry>,
    pub queued: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldDecisionEntry {
    pub field: String,
    /// `SETUJU`, `KEMBALIKAN` or `TOLAK`.
    pub decision: String,
    pub reason: Option<String>,
    pub by: String,
}

fn line(l: ChecklistLine) -> ChecklistEntry {
    ChecklistEntry {
        status: l.status.code().to_string(),
        have: l.have.len() as u32,
        id: l.id,
        label: l.label,
        required: l.wajib,
        needed: l.needed,
    }
}

fn entry(u: UsulanInfo) -> UsulanEntry {
    UsulanEntry {
        decisions: u
            .keputusan
            .into_iter()
            .map(|(field, k)| FieldDecisionEntry {
                field,
                decision: serde_json::to_value(k.putusan)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                reason: k.alasan,
                by: k.oleh,
            })
            .collect(),
        answers: u.answers.into_iter().map(|(k, v)| (k, v.to_text())).collect(),
        history: u
            .history
            .into_iter()
            .map(|h| StatusStep { status: h.status, at: h.at, by: h.by, reason: h.reason })
            .collect(),
        id: u.id,
        nip: u.nip,
        layanan_id: u.layanan_id,
        status: u.status,
        status_at: u.status_at,
        status_reason: u.status_reason,
        queued: u.queued,
    }
}

#[uniffi::export]
impl BerkasProfile {
    /// Active layanan of the catalogue in force.
    pub fn layanan_list(&self) -> Result<Vec<LayananEntry>> {
        let c = self.inner.layanan_catalog()?;
        Ok(c.layanan
            .into_iter()
            .filter(|l| l.aktif)
            .map(|l| LayananEntry {
                fields: l
                    .fields
                    .iter()
                    .map(|f| {
                        let kind = serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_string));
                        format!("{}:{}:{}", f.name, kind.unwrap_or_default(), f.required)
                    })
                    .collect(),
                documents: l.dokumen.len() as u32,
                nama_en: l.name(berkas_core::display::Lang::En).to_string(),
                id: l.id,
                nama: l.nama,
                kelompok: l.kelompok,
                versi: l.versi,
                aktif: l.aktif,
            })
            .collect())
    }

    /// The layanan's documents for this record: what is there, what is missing.
    pub fn layanan_checklist(
        &self,
        nip: String,
        layanan: String,
        answers_so_far: HashMap<String, String>,
        usulan: Option<String>,
    ) -> Result<Vec<ChecklistEntry>> {
        let c = self.inner.layanan_checklist(&nip, &layanan, &fields(answers_so_far), usulan.as_deref())?;
        Ok(c.lines.into_iter().map(line).collect())
    }

    /// Starts a draft request; returns its id.
    pub fn create_usulan(
        &self,
        nip: String,
        layanan: String,
        answers_so_far: HashMap<String, String>,
    ) -> Result<String> {
        Ok(self.inner.create_usulan(&nip, &layanan, &fields(answers_so_far))?)
    }

    pub fn update_usulan(&self, id: String, changes: HashMap<String, String>) -> Result<UsulanEntry> {
        Ok(entry(self.inner.update_usulan(&id, &fields(changes))?))
    }

    /// Submits (or resubmits); refused with `usulan.*` codes in `fields` for what is missing.
    pub fn submit_usulan(&self, id: String) -> Result<UsulanEntry> {
        Ok(entry(self.inner.submit_usulan(&id)?))
    }

    pub fn usulan(&self, id: String) -> Result<UsulanEntry> {
        Ok(entry(self.inner.usulan(&id)?))
    }

    /// Requests of a pegawai (or all on this device).
    pub fn usulan_list(&self, nip: Option<String>) -> Result<Vec<UsulanEntry>> {
        Ok(self.inner.usulan_list(nip.as_deref(), &[])?.into_iter().map(entry).collect())
    }
}
