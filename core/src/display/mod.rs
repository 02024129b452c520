//! How a value is shown to a person, once for every shell: a code with its name from the
//! table its field names (agama `1` -> `Islam`, golongan `42` -> `IV/b Pembina Tingkat I`),
//! dates as `12 Maret 1985` / `12 March 1985`, booleans as ya/tidak or yes/no, empty as a dash,
//! and a code no table knows as the code with a warning mark (never dropped). The CLI, the
//! desktop and the bindings all call [`show_value`]; none keeps a rule of its own.
//!
//! Field and group labels come in Bahasa Indonesia (the definitions in `model::entity`) and in
//! English (`labels_en`).

mod errors;
mod labels_en;
pub mod record;

pub use errors::{error_text, field_error_text};
pub use record::{RecordDisplay, ShownField, ShownGroup, ShownRow};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::model::{Entity, FieldDef, FieldKind, Value};

/// The language a person reads: Bahasa Indonesia by default, English on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    /// `id`, `en`, or a locale such as `en_US.UTF-8` / `id-ID`.
    pub fn parse(s: &str) -> Option<Lang> {
        let lower = s.trim().to_ascii_lowercase();
        let primary = lower.split(['_', '-', '.', '@']).next().unwrap_or("");
        match primary {
            "id" | "in" | "indonesia" | "indonesian" => Some(Lang::Id),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the environment's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`); Indonesian
    /// when none names English.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Picks the Indonesian or the English text.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// What a reference table says of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeName {
    /// The code and its display name (`IV/b Pembina Tingkat I`).
    Known(String),
    /// The table is here and has no such code.
    Unknown,
    /// None of the field's tables is on this device yet.
    NotLoaded,
}

/// Looks codes up in reference tables (the device's store, or tables held in memory).
pub trait CodeNames {
    /// `tables` as field kinds name them: alternatives separated by `|`.
    fn code_name(&self, tables: &str, code: &str) -> CodeName;
}

/// The mark beside a code no table knows (or that cannot be checked here).
pub const WARNING_MARK: &str = "⚠";

/// A value as shown: its text, and a warning when it is a code the tables do not name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shown {
    pub display: String,
    /// Why the value is shown with a warning mark, in the reader's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl Shown {
    fn plain(display: impl Into<String>) -> Shown {
        Shown { display: display.into(), warning: None }
    }
}

/// The one display rule for a field's value.
pub fn show_value(names: &dyn CodeNames, field: &FieldDef, value: &Value, lang: Lang) -> Shown {
    if value.is_null() {
        return Shown::plain("-");
    }
    match (field.kind, value) {
        (_, Value::Bool(b)) => Shown::plain(yes_no(*b, lang)),
        (FieldKind::Bool, v) => match v.as_int() {
            Some(i) => Shown::plain(yes_no(i != 0, lang)),
            None => Shown::plain(v.to_text()),
        },
        (FieldKind::Date, v) => match v.as_date() {
            Some(d) => Shown::plain(format_date(d, lang)),
            None => Shown::plain(v.to_text()),
        },
        (FieldKind::Sex, v) => {
            let code = v.to_text();
            match sex_name(&code, lang) {
                Some(n) => Shown::plain(n),
                None => unknown(&code, lang.pick("jenis kelamin M atau F", "sex M or F"), lang),
            }
        }
        (FieldKind::Choice(options), v) => {
            let code = v.to_text();
            if options.contains(&code.as_str()) {
                Shown::plain(choice_name(&code, lang))
            } else {
                unknown(&code, &options.join(", "), lang)
            }
        }
        (FieldKind::Ref(tables), v) => {
            let code = v.to_text();
            match names.code_name(tables, &code) {
                CodeName::Known(name) => Shown::plain(name),
                CodeName::Unknown => unknown(&code, &tables.replace('|', "/"), lang),
                CodeName::NotLoaded => Shown {
                    display: format!("{code} {WARNING_MARK}"),
                    warning: Some(match lang {
                        Lang::Id => format!("tabel referensi {} belum ada di perangkat ini", tables.replace('|', "/")),
                        Lang::En => format!("reference table {} is not on this device yet", tables.replace('|', "/")),
                    }),
                },
            }
        }
        (_, v) => Shown::plain(v.to_text()),
    }
}

fn unknown(code: &str, table: &str, lang: Lang) -> Shown {
    Shown {
        display: format!("{code} {WARNING_MARK}"),
        warning: Some(match lang {
            Lang::Id => format!("kode {code} tidak dikenal ({table})"),
            Lang::En => format!("code {code} is unknown ({table})"),
        }),
    }
}

pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Id) => "ya",
        (false, Lang::Id) => "tidak",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `12 Maret 1985` / `12 March 1985`.
pub fn format_date(d: crate::model::Date, lang: Lang) -> String {
    let months = match lang {
        Lang::Id => &BULAN,
        Lang::En => &MONTHS,
    };
    let month = months.get(d.month0() as usize).copied().unwrap_or("");
    format!("{} {month} {}", d.day(), d.year())
}

fn sex_name(code: &str, lang: Lang) -> Option<&'static str> {
    match code {
        "M" => Some(lang.pick("Laki-laki", "Male")),
        "F" => Some(lang.pick("Perempuan", "Female")),
        _ => None,
    }
}

/// Names of the fixed choices (`Choice` fields).
fn choice_name(code: &str, lang: Lang) -> String {
    let (id, en) = match code {
        "AYAH" => ("Ayah", "Father"),
        "IBU" => ("Ibu", "Mother"),
        "KANDUNG" => ("Kandung", "Biological"),
        "TIRI" => ("Tiri", "Step"),
        "ANGKAT" => ("Angkat", "Adopted"),
        "MENIKAH" => ("Menikah", "Married"),
        "CERAI" => ("Cerai", "Divorced"),
        "JANDA_DUDA" => ("Janda/duda", "Widowed"),
        "TAHUNAN" => ("Cuti tahunan", "Annual leave"),
        "BESAR" => ("Cuti besar", "Long service leave"),
        "SAKIT" => ("Cuti sakit", "Sick leave"),
        "MELAHIRKAN" => ("Cuti melahirkan", "Maternity leave"),
        "ALASAN_PENTING" => ("Cuti karena alasan penting", "Compassionate leave"),
        "CLTN" => ("Cuti di luar tanggungan negara", "Unpaid leave (CLTN)"),
        "DITERIMA" => ("Diterima", "Accepted"),
        "DIKEMBALIKAN" => ("Dikembalikan", "Returned"),
        "DITOLAK" => ("Ditolak", "Rejected"),
        "TIDAK_ASLI" => ("Tidak asli", "Not authentic"),
        "DRAFT" => ("Draf", "Draft"),
        "SUBMITTED" => ("Diajukan", "Submitted"),
        "IN_REVIEW" => ("Diperiksa", "In review"),
        "RETURNED" => ("Dikembalikan untuk diperbaiki", "Returned for correction"),
        "RESUBMITTED" => ("Diajukan ulang", "Resubmitted"),
        "APPROVED" => ("Disetujui", "Approved"),
        "REJECTED" => ("Ditolak", "Rejected"),
        "COMPLETED" => ("Selesai", "Completed"),
        "APPLIED" => ("Diterapkan", "Applied"),
        "DIKIRIM" => ("Dikirim", "Sent"),
        "ACC" => ("ACC (disetujui)", "ACC (approved)"),
        "TMS" => ("TMS (tidak memenuhi syarat)", "TMS (requirements not met)"),
        "BTL" => ("BTL (berkas tidak lengkap)", "BTL (papers incomplete)"),
        "KP" => ("Kenaikan pangkat", "Promotion"),
        "KGB" => ("Kenaikan gaji berkala", "Periodic salary increase"),
        "PENSIUN" => ("Pensiun", "Retirement"),
        "SATYA_LENCANA" => ("Satya Lencana", "Satya Lencana"),
        other => return other.to_string(),
    };
    lang.pick(id, en).to_string()
}

/// A field's label in the reader's language.
pub fn field_label(field: &FieldDef, lang: Lang) -> &'static str {
    match lang {
        Lang::Id => field.label,
        Lang::En => labels_en::label(field.label).unwrap_or(field.label),
    }
}

/// Any of core's Indonesian labels (a field's, a group's, a completeness item's) in the
/// reader's language; a label with no English is kept as it is.
pub fn label(label: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::Id => label,
        Lang::En => labels_en::label(label).unwrap_or(label),
    }
}

/// A group's label in the reader's language.
pub fn entity_label(entity: Entity, lang: Lang) -> &'static str {
    let label = entity.def().label;
    match lang {
        Lang::Id => label,
        Lang::En => labels_en::label(label).unwrap_or(label),
    }
}

/// A reference row's display name: its `nama`, and for golongan the pangkat beside the ruang.
pub fn ref_display(table: &str, nama: Option<&str>, attrs: Option<&serde_json::Value>) -> Option<String> {
    let nama = nama.filter(|n| !n.is_empty())?;
    let extra = match table {
        "golonganPns" => attrs.and_then(|a| a.get("namaPangkat")).and_then(|v| v.as_str()),
        _ => None,
    };
    Some(match extra {
        Some(e) if !e.is_empty() => format!("{nama} {e}"),
        _ => nama.to_string(),
    })
}

#[cfg(test)]
mod tests;

/// A request's or proposal's status in words (`RETURNED`: "Dikembalikan untuk perbaikan").
/// An unknown status is shown as it is.
pub fn status_text(status: &str, lang: Lang) -> &str {
    let (id, en) = match status {
        "DRAFT" => ("Draf", "Draft"),
        "SUBMITTED" => ("Diajukan", "Submitted"),
        "RESUBMITTED" => ("Diajukan ulang", "Resubmitted"),
        "IN_REVIEW" => ("Sedang diverifikasi", "In review"),
        "RETURNED" => ("Dikembalikan untuk perbaikan", "Returned for correction"),
        "APPROVED" => ("Disetujui", "Approved"),
        "REJECTED" => ("Ditolak", "Rejected"),
        "COMPLETED" => ("Selesai", "Completed"),
        "APPLIED" => ("Diterapkan", "Applied"),
        "DIKIRIM" => ("Dikirim ke BKN", "Sent to BKN"),
        "ACC" => ("Disetujui BKN (ACC)", "Approved by BKN (ACC)"),
        "TMS" => ("Tidak memenuhi syarat (TMS)", "Not eligible (TMS)"),
        "BTL" => ("Berkas tidak lengkap (BTL)", "Incomplete papers (BTL)"),
        _ => return status,
    };
    lang.pick(id, en)
}
