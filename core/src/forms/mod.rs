//! Layanan (service) definitions as versioned data: the 18 layanan kepegawaian, their request
//! fields and their document checklists with conditions ("ijazah only if education changed",
//! "akta kelahiran for each child under 25"). Berkas ships defaults (`layanan.json`); a BKD
//! publishes newer versions, which replace them whole once they pass the same checks.

mod checklist;
mod facade;
mod usulan;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Entity;

pub use checklist::{checklist, Checklist, ChecklistLine, LineStatus};
pub use usulan::{StatusEntry, UsulanInfo};

const BUILTIN: &str = include_str!("layanan.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayananCatalog {
    pub version: u32,
    pub published: String,
    #[serde(default)]
    pub note: String,
    pub layanan: Vec<LayananDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayananDef {
    pub id: String,
    pub nama: String,
    /// Which of the 18 layanan kepegawaian it belongs to.
    pub kelompok: String,
    pub versi: u32,
    /// A BKD may switch a layanan off.
    pub aktif: bool,
    /// A default list the BKD has not confirmed yet.
    #[serde(default)]
    pub konfirmasi_bkd: bool,
    /// The SOP this version follows.
    #[serde(default)]
    pub sop: Option<String>,
    pub fields: Vec<FormField>,
    pub dokumen: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormFieldKind {
    Text,
    Int,
    Bool,
    Date,
    /// `YYYY-MM`.
    Month,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub kind: FormFieldKind,
    pub required: bool,
}

/// One line of a layanan's document checklist.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// `id_ref_dokumen`, or Berkas' own name where SIASN's list has none.
    pub id: String,
    pub label: String,
    /// Where the document lives: `usulan` (attached to the request), `data_utama`, or a
    /// riwayat group (`riwayat_golongan`, `anak` ...).
    pub dari: String,
    #[serde(default = "one")]
    pub jumlah: u32,
    /// One per qualifying row of `dari` (each child ...).
    #[serde(default)]
    pub per_baris: bool,
    #[serde(default = "yes")]
    pub wajib: bool,
    #[serde(default)]
    pub kondisi: Option<Kondisi>,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}

/// When a checklist line applies; all given parts must hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Kondisi {
    /// A yes/no field of the request is yes.
    #[serde(default)]
    pub field: Option<String>,
    /// An integer field of the request is at least this.
    #[serde(default)]
    pub field_min: Option<(String, i64)>,
    /// The record has a row of this riwayat group.
    #[serde(default)]
    pub ada: Option<String>,
    /// For rows of `anak`: the child is younger than this many years.
    #[serde(default)]
    pub anak_di_bawah: Option<u32>,
}

impl LayananCatalog {
    /// The catalogue Berkas ships.
    pub fn builtin() -> LayananCatalog {
        // Checked by a test; a broken build-in would be a build bug, not user input.
        LayananCatalog::parse(BUILTIN).unwrap_or(LayananCatalog {
            version: 0,
            published: String::new(),
            note: String::new(),
            layanan: vec![],
        })
    }

    /// Parses and checks a catalogue (a BKD's update is input like any other).
    pub fn parse(json: &str) -> Result<LayananCatalog> {
        let c: LayananCatalog = serde_json::from_str(json)
            .map_err(|e| Error::invalid("layanan", "layanan.format", format!("not a layanan catalogue: {e}")))?;
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::invalid("layanan", "layanan.definition", msg));
        let mut ids = std::collections::HashSet::new();
        for l in &self.layanan {
            if !ids.insert(l.id.as_str()) {
                return bad(format!("layanan {} is defined twice", l.id));
            }
            let mut lines = std::collections::HashSet::new();
            for d in &l.dokumen {
                if !lines.insert((d.id.as_str(), d.dari.as_str())) {
                    return bad(format!("{}: document {} from {} is listed twice", l.id, d.id, d.dari));
                }
                if d.dari != "usulan"
                    && d.dari != "data_utama"
                    && Entity::from_key(&d.dari).is_none_or(|e| !e.is_riwayat())
                {
                    return bad(format!("{}: document {} comes from an unknown place {}", l.id, d.id, d.dari));
                }
                if d.jumlah == 0 {
                    return bad(format!("{}: document {} wants 0 copies", l.id, d.id));
                }
                let Some(k) = &d.kondisi else { continue };
                if let Some(f) = &k.field {
                    if !l.fields.iter().any(|x| &x.name == f && x.kind == FormFieldKind::Bool) {
                        return bad(format!("{}: condition on {f}, which is no yes/no field of the request", l.id));
                    }
                }
                if let Some((f, _)) = &k.field_min {
                    if !l.fields.iter().any(|x| &x.name == f && x.kind == FormFieldKind::Int) {
                        return bad(format!("{}: condition on {f}, which is no number field of the request", l.id));
                    }
                }
                if let Some(e) = &k.ada {
                    if Entity::from_key(e).is_none_or(|e| !e.is_riwayat()) {
                        return bad(format!("{}: condition on an unknown riwayat group {e}", l.id));
                    }
                }
                if k.anak_di_bawah.is_some() && d.dari != "anak" {
                    return bad(format!("{}: anak_di_bawah applies to documents from anak only", l.id));
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&LayananDef> {
        self.layanan.iter().find(|l| l.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_holds_the_18_layanan_and_passes_its_checks() {
        let c = LayananCatalog::parse(BUILTIN).expect("builtin parses");
        let groups: std::collections::BTreeSet<&str> = c.layanan.iter().map(|l| l.kelompok.as_str()).collect();
        let want = [
            "Karis/Karsu",
            "Taspen",
            "Satya Lencana",
            "Kartu kesehatan",
            "Ujian dinas",
            "Ujian penyetaraan ijazah",
            "Kenaikan pangkat",
            "Mutasi",
            "Kartu pegawai",
            "Gaji berkala",
            "Pensiun",
            "Pengangkatan PNS",
            "Izin belajar",
            "Ujian KP Pembina",
            "Izin perceraian",
            "Hukuman disiplin",
            "DUPAK",
            "Pindah jabatan pelaksana",
        ];
        assert_eq!(groups, want.into_iter().collect(), "the 18 layanan of domain.md");
        assert!(c.layanan.iter().all(|l| l.aktif && !l.dokumen.is_empty()));
    }

    #[test]
    fn a_broken_update_is_refused_with_the_reason() {
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[0].dokumen[0].dari = "riwayat_entah".into();
        let err = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("unknown place");
        assert!(format!("{err:?}").contains("riwayat_entah"));
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[1].id = c.layanan[0].id.clone();
        assert!(LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).is_err());
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[0].dokumen[0].kondisi = Some(Kondisi { field: Some("tidak_ada".into()), ..Kondisi::default() });
        assert!(LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).is_err());
        assert!(LayananCatalog::parse("{\"version\": 1}").is_err());
    }
}
