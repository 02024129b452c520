use super::*;
use crate::model::{Entity, EntityDef};
use crate::refdata::builtin_tables;
use std::collections::HashMap;

/// The built-in tables held in memory, named as a device names them.
struct Builtin(HashMap<String, HashMap<String, String>>);

impl Builtin {
    fn new() -> Builtin {
        let mut m = HashMap::new();
        for t in builtin_tables() {
            let rows = t
                .rows
                .iter()
                .map(|r| {
                    let attrs = serde_json::Value::Object(r.attrs.clone());
                    (r.id.clone(), ref_display(&t.name, r.nama.as_deref(), Some(&attrs)).unwrap_or_default())
                })
                .collect();
            m.insert(t.name.clone(), rows);
        }
        Builtin(m)
    }
}

impl CodeNames for Builtin {
    fn code_name(&self, tables: &str, code: &str) -> CodeName {
        let mut any = false;
        for t in tables.split('|') {
            if let Some(rows) = self.0.get(t) {
                any = true;
                if let Some(n) = rows.get(code) {
                    return CodeName::Known(n.clone());
                }
            }
        }
        if any {
            CodeName::Unknown
        } else {
            CodeName::NotLoaded
        }
    }
}

fn du(name: &str) -> &'static crate::model::FieldDef {
    Entity::DataUtama.def().field(name).expect("field")
}

fn show(name: &str, v: Value, lang: Lang) -> Shown {
    show_value(&Builtin::new(), du(name), &v, lang)
}

#[test]
fn codes_are_shown_with_their_names() {
    let t = |s: &str| Value::Text(s.into());
    assert_eq!(show("agama_id", t("1"), Lang::Id).display, "Islam");
    assert_eq!(show("jenis_kawin_id", t("1"), Lang::Id).display, "Menikah");
    assert_eq!(show("gol_ruang_akhir_id", t("42"), Lang::Id).display, "IV/b Pembina Tingkat I");
    assert_eq!(show("gol_ruang_akhir_id", t("IX"), Lang::En).display, "IX", "PPPK golongan from the second table");
    assert_eq!(show("kedudukan_pns_id", t("01"), Lang::Id).display, "Aktif");
    assert_eq!(show("jenis_kelamin", t("M"), Lang::Id).display, "Laki-laki");
    assert_eq!(show("jenis_kelamin", t("F"), Lang::En).display, "Female");
    for s in [show("agama_id", t("1"), Lang::Id), show("jenis_kelamin", t("M"), Lang::En)] {
        assert_eq!(s.warning, None);
    }
}

#[test]
fn an_unknown_code_is_kept_with_a_warning_mark() {
    let s = show("agama_id", Value::Text("99".into()), Lang::Id);
    assert_eq!(s.display, format!("99 {WARNING_MARK}"));
    assert!(s.warning.as_deref().is_some_and(|w| w.contains("99") && w.contains("agama")), "{s:?}");
    let s = show("jenis_kelamin", Value::Text("X".into()), Lang::En);
    assert!(s.display.starts_with('X') && s.warning.is_some());
    // A table this device does not hold: the code, marked, and why.
    let s = show("jabatan_fungsional_id", Value::Text("JF-1".into()), Lang::En);
    assert_eq!(s.display, format!("JF-1 {WARNING_MARK}"));
    assert!(s.warning.as_deref().is_some_and(|w| w.contains("not on this device")), "{s:?}");
}

#[test]
fn dates_booleans_and_empty_values_read_in_either_language() {
    let d = Value::Text("1985-03-12".into());
    assert_eq!(show("tgl_lahir", d.clone(), Lang::Id).display, "12 Maret 1985");
    assert_eq!(show("tgl_lahir", d, Lang::En).display, "12 March 1985");
    assert_eq!(show("valid_nik", Value::Bool(true), Lang::Id).display, "ya");
    assert_eq!(show("valid_nik", Value::Bool(false), Lang::En).display, "no");
    assert_eq!(show("valid_nik", Value::Int(1), Lang::En).display, "yes", "SQLite keeps booleans as 0/1");
    assert_eq!(show("nama", Value::Null, Lang::Id).display, "-");
    assert_eq!(show("nama", Value::Text(String::new()), Lang::En).display, "-");
    assert_eq!(show("mk_tahun", Value::Int(12), Lang::En).display, "12");
    // A malformed date is shown as it is, not dropped.
    assert_eq!(show("tgl_lahir", Value::Text("1985-13-40".into()), Lang::Id).display, "1985-13-40");
}

#[test]
fn choices_have_names_in_both_languages() {
    let ortu = Entity::OrangTua.def().field("hubungan").expect("field");
    assert_eq!(show_value(&Builtin::new(), ortu, &Value::Text("IBU".into()), Lang::Id).display, "Ibu");
    assert_eq!(show_value(&Builtin::new(), ortu, &Value::Text("IBU".into()), Lang::En).display, "Mother");
    let odd = show_value(&Builtin::new(), ortu, &Value::Text("PAMAN".into()), Lang::Id);
    assert!(odd.display.starts_with("PAMAN") && odd.warning.is_some());
}

#[test]
fn every_label_has_an_english_translation_and_the_table_is_sorted() {
    let defs: Vec<&EntityDef> = Entity::ALL.iter().map(|e| e.def()).collect();
    for d in &defs {
        assert!(labels_en::label(d.label).is_some(), "no English label for group {:?}", d.label);
        for f in d.fields {
            assert!(labels_en::label(f.label).is_some(), "no English label for {}.{} ({:?})", d.table, f.name, f.label);
        }
    }
    assert!(labels_en::LABELS.windows(2).all(|w| w[0].0 < w[1].0), "labels_en::LABELS must be sorted");
    assert_eq!(field_label(du("agama_id"), Lang::En), "Religion");
    assert_eq!(field_label(du("agama_id"), Lang::Id), "Agama");
    assert_eq!(entity_label(Entity::RiwayatGolongan, Lang::En), "Rank history");
}

#[test]
fn languages_are_read_from_flags_and_locales() {
    assert_eq!(Lang::parse("en"), Some(Lang::En));
    assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::parse("id-ID"), Some(Lang::Id));
    assert_eq!(Lang::parse("fr"), None);
}

#[test]
fn errors_read_in_one_language() {
    let e = crate::Error::TooLargeForHub { size: 48 << 20, limit: 40 << 20 };
    assert_eq!(error_text(&e, Lang::Id), "berkas 48 MB melebihi batas 40 MB dari server");
    assert_eq!(error_text(&e, Lang::En), "the document is 48 MB; the hub accepts at most 40 MB");
    let f = crate::model::FieldError::new("dokumen:872", e.code(), e.to_string());
    assert_eq!(
        field_error_text(&f, Some("SK jabatan"), Lang::Id),
        "SK jabatan: berkas 48 MB melebihi batas 40 MB dari server"
    );
    let unreadable = crate::Error::Document {
        code: crate::docs::codes::UNREADABLE,
        message: "file 2: the document may not be readable: blurred (page 1), dark (page 1); take it again".into(),
    };
    let id = error_text(&unreadable, Lang::Id);
    assert!(
        id.starts_with("berkas 2: dokumen mungkin tidak terbaca")
            && id.contains("[blurred (halaman 1), dark (halaman 1)]"),
        "{id}"
    );
    assert_eq!(error_text(&crate::Error::WrongKey, Lang::En), crate::Error::WrongKey.to_string());
    let required = crate::model::FieldError::new("nama", "field.required", "is required");
    assert_eq!(field_error_text(&required, Some("Nama"), Lang::Id), "Nama: wajib diisi");
    assert_eq!(field_error_text(&required, Some("Name"), Lang::En), "Name: is required");
}
