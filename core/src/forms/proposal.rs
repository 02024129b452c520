//! Proposals of the instansi (less-paper KPO, PPO, KGB, Satya Lencana): from the due list to
//! BKN's answer. The facilitator drafts one per ASN found due, the proposal gathers its
//! checklist documents (the ASN's own and the instansi's papers attached to it) and shows what
//! is missing, goes out only when complete, and records the answer: ACC with the nota
//! persetujuan teknis, or TMS / BTL with the reasons. A BTL proposal goes out again once the
//! papers are complete. Each step is a synced row change the ASN can read.

use serde::Serialize;

use super::{Checklist, StatusEntry};
use crate::due::{DueKind, DueRules};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{now, records};

#[derive(Debug, Clone, Serialize)]
pub struct ProposalInfo {
    pub id: String,
    pub nip: String,
    pub nama: String,
    pub jenis: String,
    pub layanan_id: String,
    pub periode: String,
    pub tmt: String,
    pub keterangan: Option<String>,
    pub status: String,
    pub status_at: Option<String>,
    pub status_by: Option<String>,
    /// The reasons of a TMS or BTL answer.
    pub alasan: Option<String>,
    pub nomor_pertek: Option<String>,
    pub history: Vec<StatusEntry>,
    /// The layanan's documents held against the record and the proposal's attachments.
    pub checklist: Checklist,
}

/// The less-paper layanan and the answer field each due kind proposes.
fn layanan_of(kind: DueKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        DueKind::Kp => ("KP", "kp_otomatis", "periode"),
        DueKind::Kgb => ("KGB", "kgb", "tmt_kgb"),
        DueKind::Pensiun => ("PENSIUN", "pensiun_otomatis", "tmt_pensiun"),
        DueKind::SatyaLencana => ("SATYA_LENCANA", "satya_lencana", "masa"),
    }
}

fn text(m: &FieldMap, f: &str) -> Option<String> {
    m.get(f).and_then(Value::as_str).map(str::to_string)
}

fn json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::BadDocument(e.to_string()))
}

impl Berkas {
    /// Drafts a proposal for everyone due for `kind` in `period` on this device (a unit, or
    /// all). Someone who already has a proposal of this kind and period gets no second one,
    /// so running it again after new records arrive adds only the new ones.
    pub fn draft_proposals(
        &self,
        kind: DueKind,
        period: &str,
        rules: &DueRules,
        unit: Option<&str>,
    ) -> Result<Vec<ProposalInfo>> {
        let report = self.due(kind, period, rules, unit)?;
        let (jenis, layanan, field) = layanan_of(kind);
        let mut out = vec![];
        for e in report.due {
            let exists: bool = self.store().conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM proposal WHERE pegawai_id = ?1 AND jenis = ?2 AND periode = ?3)",
                rusqlite::params![e.pegawai_id, jenis, report.period],
                |r| r.get(0),
            )?;
            if exists {
                continue;
            }
            let mut answers = FieldMap::new();
            let answer = match kind {
                DueKind::Kp => Value::Text(report.period.clone()),
                // The rule's reason starts with the years served ("20 tahun masa kerja ...").
                DueKind::SatyaLencana => {
                    e.reason.split_whitespace().next().and_then(|y| y.parse().ok()).map_or(Value::Null, Value::Int)
                }
                _ => Value::Text(e.tmt.clone()),
            };
            answers.insert(field.into(), answer);
            let at = now();
            let history =
                vec![StatusEntry { status: "DRAFT".into(), at: at.clone(), by: self.actor().into(), reason: None }];
            let mut row = FieldMap::new();
            row.insert("jenis".into(), Value::Text(jenis.into()));
            row.insert("layanan_id".into(), Value::Text(layanan.into()));
            row.insert("periode".into(), Value::Text(report.period.clone()));
            row.insert("tmt".into(), Value::Text(e.tmt.clone()));
            row.insert("keterangan".into(), Value::Text(e.reason.clone()));
            row.insert("answers".into(), Value::Text(json(&answers)?));
            row.insert("status".into(), Value::Text("DRAFT".into()));
            row.insert("status_at".into(), Value::Text(at));
            row.insert("status_by".into(), Value::Text(self.actor().into()));
            row.insert("history".into(), Value::Text(json(&history)?));
            let id = self.add_riwayat(&e.nip, Entity::Proposal, &row)?;
            out.push(self.proposal(&id)?);
        }
        Ok(out)
    }

    /// Attaches one of the instansi's papers (surat pengantar, DPCP ...) to a proposal, as a
    /// document of the proposal's ASN checked like any other; returns the proposal after.
    pub fn attach_proposal_paper(
        &self,
        id: &str,
        id_ref_dokumen: &str,
        bytes: &[u8],
        file_name: Option<String>,
        keep_unreadable: bool,
    ) -> Result<ProposalInfo> {
        use crate::docs::{CaptureOptions, DocLink, NewDocument, PageInput};
        let nip = self.proposal(id)?.nip;
        let new = NewDocument {
            nip: &nip,
            id_ref_dokumen,
            link: DocLink::Proposal { id: id.to_string() },
            files: vec![PageInput { bytes, crop: None }],
            file_name,
            keep_unreadable,
        };
        self.add_document(&new, &CaptureOptions::default())?;
        self.proposal(id)
    }

    /// One proposal with its checklist.
    pub fn proposal(&self, id: &str) -> Result<ProposalInfo> {
        let (v, nip, nama) = {
            let store = self.store();
            let row = records::load_row(&store.conn, Entity::Proposal.def(), id)?.ok_or(Error::NotFound("proposal"))?;
            let (nip, nama): (String, String) = store.conn.query_row(
                "SELECT nip_baru, coalesce(nama, '') FROM pegawai WHERE id = ?1",
                [row.pegawai_id.unwrap_or_default()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            (row.values, nip, nama)
        };
        let layanan_id = text(&v, "layanan_id").unwrap_or_default();
        let answers: FieldMap = text(&v, "answers").and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default();
        let checklist = self.layanan_checklist(&nip, &layanan_id, &answers, Some(id))?;
        Ok(ProposalInfo {
            id: id.to_string(),
            nip,
            nama,
            jenis: text(&v, "jenis").unwrap_or_default(),
            layanan_id,
            periode: text(&v, "periode").unwrap_or_default(),
            tmt: text(&v, "tmt").unwrap_or_default(),
            keterangan: text(&v, "keterangan"),
            status: text(&v, "status").unwrap_or_default(),
            status_at: text(&v, "status_at"),
            status_by: text(&v, "status_by"),
            alasan: text(&v, "alasan"),
            nomor_pertek: text(&v, "nomor_pertek"),
            history: text(&v, "history").and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default(),
            checklist,
        })
    }

    /// Proposals on this device, optionally of one jenis (`KP` ...) and period.
    pub fn proposals(&self, jenis: Option<&str>, period: Option<&str>) -> Result<Vec<ProposalInfo>> {
        let ids: Vec<String> = {
            let store = self.store();
            let mut st = store.conn.prepare(
                "SELECT p.id FROM proposal p JOIN pegawai g ON g.id = p.pegawai_id
                  WHERE (?1 IS NULL OR p.jenis = ?1) AND (?2 IS NULL OR p.periode = ?2)
                  ORDER BY p.periode, g.nama, g.nip_baru",
            )?;
            let rows = st.query_map(rusqlite::params![jenis.map(str::to_ascii_uppercase), period], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.iter().map(|id| self.proposal(id)).collect()
    }

    fn move_proposal(&self, p: &ProposalInfo, status: &str, extra: FieldMap) -> Result<ProposalInfo> {
        let at = now();
        let reason = extra.get("alasan").and_then(Value::as_str).map(str::to_string);
        let mut history = p.history.clone();
        history.push(StatusEntry { status: status.into(), at: at.clone(), by: self.actor().into(), reason });
        let mut change = extra;
        change.insert("status".into(), Value::Text(status.into()));
        change.insert("status_at".into(), Value::Text(at));
        change.insert("status_by".into(), Value::Text(self.actor().into()));
        change.insert("history".into(), Value::Text(json(&history)?));
        self.edit_riwayat(Entity::Proposal, &p.id, &change)?;
        self.proposal(&p.id)
    }

    /// Sends a drafted (or BTL-returned) proposal; refused, listing every missing document,
    /// while the checklist is incomplete.
    pub fn send_proposal(&self, id: &str) -> Result<ProposalInfo> {
        let p = self.proposal(id)?;
        if !matches!(p.status.as_str(), "DRAFT" | "BTL") {
            return Err(Error::invalid(
                "status",
                "proposal.bad_step",
                format!("a {} proposal cannot be sent", p.status),
            ));
        }
        let missing = p.checklist.missing_errors();
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        self.move_proposal(&p, "DIKIRIM", FieldMap::new())
    }

    /// Records BKN's answer to a sent proposal: `ACC` (with the pertek number when known), or
    /// `TMS` / `BTL` with the reasons.
    pub fn answer_proposal(
        &self,
        id: &str,
        answer: &str,
        reason: Option<&str>,
        nomor_pertek: Option<&str>,
    ) -> Result<ProposalInfo> {
        let p = self.proposal(id)?;
        let answer = answer.to_ascii_uppercase();
        if p.status != "DIKIRIM" {
            return Err(Error::invalid(
                "status",
                "proposal.bad_step",
                format!("only a sent proposal gets an answer (this one is {})", p.status),
            ));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut extra = FieldMap::new();
        match answer.as_str() {
            "ACC" => {
                if let Some(n) = nomor_pertek.map(str::trim).filter(|n| !n.is_empty()) {
                    extra.insert("nomor_pertek".into(), Value::Text(n.into()));
                }
                extra.insert("alasan".into(), Value::Null);
            }
            "TMS" | "BTL" => {
                let r = reason.ok_or_else(|| {
                    Error::invalid("alasan", "usulan.reason_required", "write BKN's reasons, so they can be acted on")
                })?;
                extra.insert("alasan".into(), Value::Text(r.into()));
            }
            other => {
                return Err(Error::invalid(
                    "answer",
                    "proposal.bad_answer",
                    format!("{other}: the answer is ACC, TMS or BTL"),
                ))
            }
        }
        self.move_proposal(&p, &answer, extra)
    }
}
