//! The catalogue and checklists on the facade.

use super::{checklist, Checklist, LayananCatalog};
use crate::error::{Error, Result};
use crate::model::FieldMap;
use crate::profile::Berkas;
use crate::store::replica::{meta_get, meta_set};

const CATALOG_KEY: &str = "forms.catalog";

impl Berkas {
    /// The layanan catalogue in force here: the newest a BKD published, else the shipped one.
    pub fn layanan_catalog(&self) -> Result<LayananCatalog> {
        let stored = meta_get(&self.store().conn, CATALOG_KEY)?;
        match stored {
            Some(json) => LayananCatalog::parse(&json),
            None => Ok(LayananCatalog::builtin()),
        }
    }

    /// Installs a catalogue a BKD published, if it passes the checks and is newer than the one
    /// in force. Returns its version.
    pub fn install_layanan_catalog(&self, json: &str) -> Result<u32> {
        let new = LayananCatalog::parse(json)?;
        let current = self.layanan_catalog()?.version;
        if new.version <= current {
            return Err(Error::invalid(
                "layanan",
                "layanan.not_newer",
                format!("catalogue version {} is not newer than the one in force ({current})", new.version),
            ));
        }
        meta_set(&self.store().conn, CATALOG_KEY, json)?;
        Ok(new.version)
    }

    /// `layanan`'s document checklist held against the record of `nip`: what applies, what is
    /// stored, what is missing. `answers` are the request's field values (conditions read
    /// them); `usulan` the request whose attachments count.
    pub fn layanan_checklist(
        &self,
        nip: &str,
        layanan: &str,
        answers: &FieldMap,
        usulan: Option<&str>,
    ) -> Result<Checklist> {
        let catalog = self.layanan_catalog()?;
        let def = catalog.get(layanan).ok_or(Error::NotFound("layanan"))?;
        let record = self.pegawai(nip)?;
        // A document the facilitator did not accept covers nothing: it has to be replaced.
        let mut docs = self.documents(nip)?;
        docs.retain(|d| d.verifikasi.as_ref().is_none_or(|v| v.putusan == "DITERIMA"));
        Ok(checklist(def, &record.riwayat, &docs, answers, usulan, crate::model::today()))
    }
}
