//! Layanan (service) definitions as versioned data: the 18 layanan kepegawaian, their request
//! fields and their document checklists with conditions ("ijazah only if education changed",
//! "akta kelahiran for each child under 25"). Berkas ships defaults (`layanan.json`); a BKD
//! publishes newer versions, which replace them whole once they pass the same checks.

mod checklist;
mod cover_letter;
mod facade;
mod offer;
mod proposal;
mod receipt;
mod usulan;
mod verifikasi;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Entity;

pub use checklist::{checklist, Checklist, ChecklistLine, LineStatus};
pub use cover_letter::{cover_letter_lines, LETTER_LINE};
pub use offer::{FormInput, InputKind, LayananOffer, OfferReason};
pub use proposal::ProposalInfo;
pub use receipt::receipt_lines;
pub use usulan::{StatusEntry, UsulanInfo};
pub use verifikasi::{approved_change, FieldDecision, Keputusan, Putusan, VerifikasiIsian};

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
    /// The name in English (a BKD's catalogue may leave it out: the Indonesian name is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nama_en: Option<String>,
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
    /// A data-update form (pemutakhiran): its answers are values of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ubah: Option<Ubah>,
    pub fields: Vec<FormField>,
    pub dokumen: Vec<ChecklistItem>,
}

impl LayananDef {
    /// The layanan's name in the reader's language.
    pub fn name(&self, lang: crate::display::Lang) -> &str {
        match (lang, &self.nama_en) {
            (crate::display::Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.nama,
        }
    }
}

/// What a data-update form changes. Field names are the record's own field names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ubah {
    /// `data_utama` or a riwayat group (`anak`, `riwayat_pendidikan` ...).
    pub entitas: String,
    /// Official data: a facilitator decides per field and the approved values are applied by
    /// the hub. Otherwise the ASN's own data (contact, family), applied when submitted.
    pub verifikasi: bool,
    /// Adds a row (a child, a diploma) rather than changing data utama.
    #[serde(default)]
    pub baris_baru: bool,
}

impl Ubah {
    pub fn entity(&self) -> Option<Entity> {
        Entity::from_key(&self.entitas)
    }
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
            if let Some(u) = &l.ubah {
                check_ubah(l, u).or_else(|msg| bad(format!("{}: {msg}", l.id)))?;
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

/// A data-update form may only name fields of its group, each owned by the ASN when it
/// applies at once and official when it needs verification: the single-writer rule, kept
/// by the catalogue too.
fn check_ubah(l: &LayananDef, u: &Ubah) -> std::result::Result<(), String> {
    use crate::model::Owner;
    let entity = u.entity().ok_or_else(|| format!("changes an unknown group {}", u.entitas))?;
    if entity != Entity::DataUtama && !entity.is_riwayat() {
        return Err(format!("{} is not a record group", u.entitas));
    }
    if (entity == Entity::DataUtama) == u.baris_baru {
        return Err("data utama is changed in place, a riwayat group only gets new rows".into());
    }
    for f in &l.fields {
        let def = entity.def().field(&f.name).ok_or_else(|| format!("{} has no field {}", u.entitas, f.name))?;
        let want = if u.verifikasi { Owner::Admin } else { Owner::Personal };
        if def.owner != want {
            let whose = if u.verifikasi { "the ASN's own" } else { "official" };
            return Err(format!("{} is {whose} data, which this form cannot change", f.name));
        }
    }
    if u.baris_baru {
        let named = |n: &str| l.fields.iter().any(|f| f.name == n && f.required);
        if let Some(f) = entity.def().fields.iter().find(|f| f.required && !named(f.name)) {
            return Err(format!("a new {} row needs {}, which is no required field of the form", u.entitas, f.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_layanan_has_an_english_name() {
        let c = LayananCatalog::builtin();
        assert!(c.layanan.len() >= 18);
        for l in &c.layanan {
            let en = l.name(crate::display::Lang::En);
            assert!(l.nama_en.is_some() && en != l.nama, "{} has no English name", l.id);
            assert_eq!(l.name(crate::display::Lang::Id), l.nama);
        }
    }

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
        let want: std::collections::BTreeSet<&str> = want.into_iter().chain(["Pemutakhiran data"]).collect();
        assert_eq!(groups, want, "the 18 layanan of domain.md and the data-update forms");
        assert!(c.layanan.iter().all(|l| l.aktif && (l.ubah.is_some() || !l.dokumen.is_empty())));
        let ubah: Vec<&str> = c.layanan.iter().filter(|l| l.ubah.is_some()).map(|l| l.id.as_str()).collect();
        assert!(ubah.contains(&"pemutakhiran_kontak") && ubah.contains(&"koreksi_data_utama"), "{ubah:?}");
    }

    #[test]
    fn a_broken_update_is_refused_with_the_reason() {
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[0].dokumen[0].dari = "riwayat_entah".into();
        let err = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("unknown place");
        assert!(format!("{err:?}").contains("riwayat_entah"));
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[1].id = c.layanan[0].id.clone();
        let twice = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("one id twice");
        assert!(format!("{twice:?}").contains(&c.layanan[0].id), "{twice:?}");
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        c.layanan[0].dokumen[0].kondisi = Some(Kondisi { field: Some("tidak_ada".into()), ..Kondisi::default() });
        let unknown = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("unknown field");
        assert!(format!("{unknown:?}").contains("tidak_ada"), "{unknown:?}");
        let shape = LayananCatalog::parse("{\"version\": 1}").expect_err("no layanan");
        assert_eq!(shape.code(), "invalid", "{shape:?}");
        assert!(format!("{shape:?}").contains("layanan.format"), "{shape:?}");
        // A form that lets the ASN write official data directly, or names a field the group
        // lacks, is refused.
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        let kontak = c.layanan.iter_mut().find(|l| l.id == "pemutakhiran_kontak").expect("kontak");
        kontak.fields[0].name = "tgl_lahir".into();
        let err = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("official field");
        assert!(format!("{err:?}").contains("tgl_lahir is official data"), "{err:?}");
        let mut c = LayananCatalog::parse(BUILTIN).expect("builtin");
        let koreksi = c.layanan.iter_mut().find(|l| l.id == "koreksi_data_utama").expect("koreksi");
        koreksi.fields[0].name = "warna_favorit".into();
        let err = LayananCatalog::parse(&serde_json::to_string(&c).expect("json")).expect_err("unknown field");
        assert!(format!("{err:?}").contains("has no field warna_favorit"), "{err:?}");
    }
}
