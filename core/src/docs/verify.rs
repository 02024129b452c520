//! A facilitator's decision on a document: accepted, returned for a better copy, rejected, or
//! not authentic. The decision is the facilitator's own fields of the document row, so it
//! travels back to the uploader. "Not authentic" also records a written warning (teguran
//! tertulis) on the uploader's record; the BKD decides whether a hukdis follows.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::DocumentInfo;
use crate::error::{Error, Result};
use crate::model::{today, Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{now, records};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocPutusan {
    Diterima,
    Dikembalikan,
    Ditolak,
    TidakAsli,
}

impl DocPutusan {
    /// Accepts the CLI's and the UI's words, in Indonesian or English.
    pub fn parse(s: &str) -> Option<DocPutusan> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "diterima" | "terima" | "approve" | "accept" => Some(DocPutusan::Diterima),
            "dikembalikan" | "kembalikan" | "return" => Some(DocPutusan::Dikembalikan),
            "ditolak" | "tolak" | "reject" => Some(DocPutusan::Ditolak),
            "tidak_asli" | "palsu" | "not_authentic" | "fake" => Some(DocPutusan::TidakAsli),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocPutusan::Diterima => "DITERIMA",
            DocPutusan::Dikembalikan => "DIKEMBALIKAN",
            DocPutusan::Ditolak => "DITOLAK",
            DocPutusan::TidakAsli => "TIDAK_ASLI",
        }
    }
}

/// A written warning as the ASN and the BKD see it.
#[derive(Debug, Clone, Serialize)]
pub struct Teguran {
    pub id: String,
    pub tanggal: String,
    pub dokumen_id: Option<String>,
    pub alasan: String,
    pub oleh: Option<String>,
}

impl Berkas {
    /// Records a decision on a document. Anything but acceptance needs a reason the uploader
    /// can act on. "Not authentic" adds one teguran for the document (deciding it twice adds
    /// none twice: the warning takes the document's id).
    pub fn verify_document(&self, id: &str, putusan: DocPutusan, alasan: Option<&str>) -> Result<DocumentInfo> {
        let doc = self.document(id)?;
        let alasan = alasan.map(str::trim).filter(|r| !r.is_empty());
        if putusan != DocPutusan::Diterima && alasan.is_none() {
            return Err(Error::invalid("alasan", "usulan.reason_required", "say why, so the uploader can act on it"));
        }
        let mut change = FieldMap::new();
        change.insert("verifikasi".into(), Value::Text(putusan.as_str().into()));
        change.insert("verifikasi_alasan".into(), alasan.map_or(Value::Null, |a| Value::Text(a.into())));
        change.insert("verifikasi_oleh".into(), Value::Text(self.actor().into()));
        change.insert("verifikasi_pada".into(), Value::Text(now()));
        self.edit_riwayat(Entity::Dokumen, id, &change)?;
        if putusan == DocPutusan::TidakAsli {
            let (nip, exists) = {
                let store = self.store();
                let nip: Option<String> = store
                    .conn
                    .query_row("SELECT nip_baru FROM pegawai WHERE id = ?1", [&doc.pegawai_id], |r| r.get(0))
                    .optional()?;
                (nip, records::load_row(&store.conn, Entity::Teguran.def(), id)?.is_some())
            };
            if !exists {
                let mut row = FieldMap::new();
                row.insert("tanggal".into(), Value::Text(today().to_string()));
                row.insert("dokumen_id".into(), Value::Text(id.into()));
                row.insert("alasan".into(), Value::Text(alasan.unwrap_or_default().into()));
                row.insert("oleh".into(), Value::Text(self.actor().into()));
                self.add_riwayat_row(&nip.ok_or(Error::NotFound("pegawai"))?, Entity::Teguran, &row, id.into())?;
            }
        }
        self.document(id)
    }

    /// Documents that wait for a decision (not decided yet, or replaced since), oldest first:
    /// on a facilitator's device, those of the units they hold.
    pub fn document_queue(&self) -> Result<Vec<DocumentInfo>> {
        let ids: Vec<String> = {
            let store = self.store();
            let mut st = store.conn.prepare(
                "SELECT id FROM dokumen WHERE verifikasi IS NULL AND sha256 IS NOT NULL ORDER BY changed_at, id",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.iter().map(|id| self.document(id)).collect()
    }

    /// The written warnings on a record.
    pub fn teguran(&self, nip: &str) -> Result<Vec<Teguran>> {
        let store = self.store();
        let pegawai = records::pegawai_id_by_nip(&store.conn, nip)?.ok_or(Error::NotFound("pegawai"))?;
        let rows = records::load_rows(&store.conn, Entity::Teguran.def(), &pegawai)?;
        let text = |m: &FieldMap, f: &str| m.get(f).and_then(Value::as_str).map(str::to_string);
        Ok(rows
            .into_iter()
            .map(|r| Teguran {
                tanggal: text(&r.values, "tanggal").unwrap_or_default(),
                dokumen_id: text(&r.values, "dokumen_id"),
                alasan: text(&r.values, "alasan").unwrap_or_default(),
                oleh: text(&r.values, "oleh"),
                id: r.id,
            })
            .collect())
    }
}
