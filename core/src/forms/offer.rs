//! What an ASN may ask for, and the form they fill: core decides, the shells show. A layanan
//! that does not apply to this ASN is shown with why (a PPPK asks for no kenaikan pangkat, an
//! unmarried ASN for no Karis/Karsu), so nobody starts a request the BKD must turn down.

use serde::Serialize;

use super::{FormFieldKind, LayananDef};
use crate::display::Lang;
use crate::error::Result;
use crate::model::{Entity, FieldKind, NipKind, Value};
use crate::profile::Berkas;

/// One layanan of the catalogue as offered to one ASN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayananOffer {
    pub id: String,
    /// In the reader's language.
    pub nama: String,
    pub kelompok: String,
    pub applies: bool,
    /// Why it does not apply (none when it does).
    pub reason: Option<OfferReason>,
    /// An open request of this layanan (draft, submitted, returned), to continue instead.
    pub open_request: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferReason {
    /// Stable: `layanan.pns_only`, `layanan.cpns_only`, `layanan.not_married`,
    /// `layanan.has_karis_karsu`, `layanan.jf_only`, `layanan.pelaksana_only`,
    /// `layanan.retired`, `layanan.inactive`.
    pub code: String,
    /// In the reader's language.
    pub text: String,
}

/// The kind of input a form field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Text,
    Int,
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM`.
    Month,
    /// A code from a reference table (`FormInput::ref_table`), picked by name.
    Code,
    Phone,
    Email,
    Nik,
}

/// One input of a layanan's form, with the value it holds now (the draft's answer, or for a
/// data update the record's current value).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormInput {
    pub name: String,
    pub label: String,
    pub kind: InputKind,
    pub required: bool,
    /// For `Code`: the reference table(s) to pick from (`a|b` for alternatives).
    pub ref_table: Option<String>,
    /// The raw value (a code, an ISO date), empty when none.
    pub value: String,
    /// The value as shown (a code's name, a date in words).
    pub display: String,
}

/// The ASN's situation the rules look at.
struct Situation {
    pppk: bool,
    cpns: bool,
    married: bool,
    has_karis_karsu: bool,
    jenis_jabatan: String,
    retired: bool,
}

fn text(values: &crate::model::FieldMap, name: &str) -> String {
    values.get(name).map(Value::to_text).unwrap_or_default()
}

fn reason(code: &str, lang: Lang) -> OfferReason {
    let (id, en) = match code {
        "layanan.pns_only" => ("Hanya untuk PNS (bukan PPPK).", "For PNS only (not PPPK)."),
        "layanan.cpns_only" => {
            ("Hanya untuk CPNS yang akan diangkat menjadi PNS.", "For CPNS about to become PNS only.")
        }
        "layanan.not_cpns" => ("Belum berlaku bagi CPNS.", "Does not apply to a CPNS yet."),
        "layanan.not_married" => (
            "Status perkawinan di data Anda bukan Menikah; perbarui data pasangan dahulu.",
            "Your record's marital status is not married; update your spouse's data first.",
        ),
        "layanan.has_karis_karsu" => ("Anda sudah memiliki Karis/Karsu.", "You already hold a Karis/Karsu."),
        "layanan.jf_only" => {
            ("Hanya untuk pemangku jabatan fungsional tertentu.", "For holders of a functional position only.")
        }
        "layanan.pelaksana_only" => ("Hanya untuk jabatan pelaksana.", "For pelaksana positions only."),
        "layanan.retired" => ("Data Anda menunjukkan sudah pensiun.", "Your record shows you have retired."),
        _ => ("Layanan ini dinonaktifkan oleh BKD.", "The BKD has switched this layanan off."),
    };
    OfferReason { code: code.to_string(), text: lang.pick(id, en).to_string() }
}

const PNS_ONLY: &[&str] = &[
    "kp_reguler",
    "kp_otomatis",
    "kp_jf",
    "pensiun_reguler",
    "pensiun_otomatis",
    "karis_karsu",
    "satya_lencana",
    "izin_belajar",
    "ujian_dinas",
    "ujian_kp_pembina",
    "ujian_penyetaraan_ijazah",
    "cpns_ke_pns",
];

/// Why `def` does not apply in `s` (none: it applies). Rules from the layanan's own terms
/// (`docs/workflows.md`); a BKD's own layanan (an id not named here) applies to everyone.
fn why_not(def: &LayananDef, s: &Situation) -> Option<&'static str> {
    let id = def.id.as_str();
    if !def.aktif {
        return Some("layanan.inactive");
    }
    if s.pppk && PNS_ONLY.contains(&id) {
        return Some("layanan.pns_only");
    }
    if s.retired && id != "taspen" {
        return Some("layanan.retired");
    }
    match id {
        "cpns_ke_pns" if !s.cpns => Some("layanan.cpns_only"),
        "kp_reguler" | "kp_otomatis" | "kp_jf" | "satya_lencana" | "ujian_kp_pembina" | "izin_belajar" if s.cpns => {
            Some("layanan.not_cpns")
        }
        "karis_karsu" if !s.married => Some("layanan.not_married"),
        "karis_karsu" if s.has_karis_karsu => Some("layanan.has_karis_karsu"),
        "izin_perceraian" if !s.married => Some("layanan.not_married"),
        "kp_jf" | "dupak" if s.jenis_jabatan != "2" => Some("layanan.jf_only"),
        "pindah_jabatan_pelaksana" if s.jenis_jabatan != "4" => Some("layanan.pelaksana_only"),
        _ => None,
    }
}

impl Berkas {
    fn situation(&self, nip: &str) -> Result<Situation> {
        let record = self.pegawai(nip)?;
        let v = &record.data_utama.values;
        let pppk = matches!(crate::model::Nip::parse(nip).map(|n| n.kind()), Ok(NipKind::Pppk));
        let kedudukan = text(v, "kedudukan_pns_id");
        Ok(Situation {
            pppk,
            cpns: !pppk && text(v, "tmt_pns").is_empty(),
            married: text(v, "jenis_kawin_id") == "1",
            has_karis_karsu: !text(v, "karis_karsu").trim().is_empty(),
            jenis_jabatan: text(v, "jenis_jabatan_id"),
            retired: matches!(kedudukan.as_str(), "99" | "98" | "66"),
        })
    }

    /// Every layanan of the catalogue in force as offered to the ASN `nip`: those that apply
    /// first, each with why not where it does not, and the open request to continue.
    pub fn layanan_offer(&self, nip: &str, lang: Lang) -> Result<Vec<LayananOffer>> {
        let s = self.situation(nip)?;
        let open: Vec<(String, String)> = self
            .usulan_list(Some(nip), &["DRAFT", "SUBMITTED", "RESUBMITTED", "RETURNED", "IN_REVIEW"])?
            .into_iter()
            .map(|u| (u.layanan_id, u.id))
            .collect();
        let catalog = self.layanan_catalog()?;
        let mut out: Vec<LayananOffer> = catalog
            .layanan
            .iter()
            .map(|def| {
                let why = why_not(def, &s);
                LayananOffer {
                    id: def.id.clone(),
                    nama: def.name(lang).to_string(),
                    kelompok: def.kelompok.clone(),
                    applies: why.is_none(),
                    reason: why.map(|c| reason(c, lang)),
                    open_request: open.iter().find(|(l, _)| *l == def.id).map(|(_, id)| id.clone()),
                }
            })
            .collect();
        out.sort_by_key(|o| !o.applies);
        Ok(out)
    }

    /// The inputs of `layanan`'s form, holding the answers of request `usulan` (a draft being
    /// continued) or, for a data update of `nip`'s own record, the record's current values.
    pub fn layanan_form(&self, nip: &str, layanan: &str, usulan: Option<&str>, lang: Lang) -> Result<Vec<FormInput>> {
        let catalog = self.layanan_catalog()?;
        let def = catalog.get(layanan).ok_or(crate::error::Error::NotFound("layanan"))?;
        let entity = def.ubah.as_ref().and_then(|u| u.entity());
        let answers = match usulan {
            Some(id) => self.usulan(id)?.answers,
            None => Default::default(),
        };
        // A data update of data utama starts from what the record holds.
        let current = match entity {
            Some(Entity::DataUtama) if usulan.is_none() => self.pegawai(nip)?.data_utama.values,
            _ => Default::default(),
        };
        let store = self.store();
        let names = crate::store::refs::StoreNames::new(&store.conn);
        Ok(def
            .fields
            .iter()
            .map(|f| {
                let record_field = entity.and_then(|e| e.def().field(&f.name));
                let (kind, ref_table) = match record_field.map(|r| r.kind) {
                    Some(FieldKind::Ref(t)) => (InputKind::Code, Some(t.to_string())),
                    Some(FieldKind::Date) => (InputKind::Date, None),
                    Some(FieldKind::Int) => (InputKind::Int, None),
                    Some(FieldKind::Bool) => (InputKind::Bool, None),
                    Some(FieldKind::Phone) => (InputKind::Phone, None),
                    Some(FieldKind::Email) | Some(FieldKind::EmailGov) => (InputKind::Email, None),
                    Some(FieldKind::Nik) => (InputKind::Nik, None),
                    _ => (
                        match f.kind {
                            FormFieldKind::Text => InputKind::Text,
                            FormFieldKind::Int => InputKind::Int,
                            FormFieldKind::Bool => InputKind::Bool,
                            FormFieldKind::Date => InputKind::Date,
                            FormFieldKind::Month => InputKind::Month,
                        },
                        None,
                    ),
                };
                let value = answers.get(&f.name).or_else(|| current.get(&f.name)).cloned().unwrap_or(Value::Null);
                let display = match record_field {
                    Some(rf) if !value.is_null() => crate::display::show_value(&names, rf, &value, lang).display,
                    _ if value.is_null() => String::new(),
                    _ => value.to_text(),
                };
                FormInput {
                    label: match (record_field, lang) {
                        (Some(rf), _) => crate::display::field_label(rf, lang).to_string(),
                        _ => f.label.clone(),
                    },
                    name: f.name.clone(),
                    kind,
                    required: f.required,
                    ref_table,
                    value: if value.is_null() { String::new() } else { value.to_text() },
                    display,
                }
            })
            .collect())
    }
}
