//! Syntactic validation and normalisation of one field value by its kind. Reference codes are
//! checked by the store against the loaded tables (`refdata`); this module needs no database.

use chrono::NaiveDate;

use super::entity::{FieldDef, FieldKind};
use super::{Email, Nik, Nip, Value};

/// A field value that was refused: which field, a stable code, and a message that names the
/// wrong part without repeating the personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), code: code.to_string(), message: message.into() }
    }
}

/// Parses a date as `YYYY-MM-DD` or SIASN's `dd-mm-yyyy`; SIASN's `01-01-0001` is empty.
/// Hand-written because imports parse millions of dates.
pub fn parse_date(s: &str) -> Option<Option<NaiveDate>> {
    let s = s.trim();
    if s.is_empty() || s == "01-01-0001" || s == "0001-01-01" {
        return Some(None);
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (num(0..4)?, num(5..7)?, num(8..10)?),
        10 if b[2] == b'-' && b[5] == b'-' => (num(6..10)?, num(3..5)?, num(0..2)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).map(Some)
}

/// How the identifier of a non-ASN staff member's record (PPNPN: presence only) begins; their
/// NIK follows, since they have no NIP.
pub const PPNPN_PREFIX: &str = "PPNPN-";

/// The NIK part of a PPNPN record's identifier (`PPNPN-` + NIK, the prefix in any case).
pub fn ppnpn_nik(id: &str) -> Option<&str> {
    let id = id.trim();
    id.get(..PPNPN_PREFIX.len()).filter(|p| p.eq_ignore_ascii_case(PPNPN_PREFIX)).map(|_| &id[PPNPN_PREFIX.len()..])
}

/// Longest text a field may hold.
pub const MAX_TEXT_BYTES: usize = 4000;

/// Normalises a value for a field: trims text, parses and canonicalises identifiers, dates and
/// numbers. Empty text becomes `Null`. Text longer than [`MAX_TEXT_BYTES`] is refused.
/// The one validation of a field value, on a device before it writes and on the hub when a
/// change or an import arrives: normalised by its kind, and a code checked against the
/// reference tables at hand (a code no loaded table knows is refused; one whose tables are not
/// loaded cannot be judged and is kept).
pub fn accept_value(def: &FieldDef, value: Value, codes: &dyn crate::refdata::Codes) -> Result<Value, FieldError> {
    let v = normalize(def, value)?;
    if let (FieldKind::Ref(tables), Value::Text(code)) = (def.kind, &v) {
        if codes.check(tables, code) == crate::refdata::CodeCheck::Unknown {
            return Err(FieldError::new(
                def.name,
                "field.unknown_code",
                format!("code {code} is not in reference table {}", tables.replace('|', " or ")),
            ));
        }
    }
    Ok(v)
}

pub fn normalize(def: &FieldDef, value: Value) -> Result<Value, FieldError> {
    let name = def.name;
    if let Value::Text(s) = &value {
        // No field of a personnel record is an essay; a huge value is a mistake or an attack.
        if s.len() > MAX_TEXT_BYTES {
            return Err(FieldError::new(name, "field.too_long", format!("is longer than {MAX_TEXT_BYTES} bytes")));
        }
    }
    let text = match value {
        Value::Null => return Ok(Value::Null),
        // Values already in their stored form pass without a copy (imports are hot).
        Value::Int(i) if def.kind == FieldKind::Int => return Ok(Value::Int(i)),
        Value::Bool(b) if def.kind == FieldKind::Bool => return Ok(Value::Bool(b)),
        Value::Text(s) if s.trim().is_empty() => return Ok(Value::Null),
        Value::Text(s) if matches!(def.kind, FieldKind::Text | FieldKind::Ref(_)) && s.trim().len() == s.len() => {
            return Ok(Value::Text(s))
        }
        Value::Text(s) => s.trim().to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
    };
    let bad = |code: &str, msg: String| FieldError::new(name, code, msg);
    Ok(match def.kind {
        FieldKind::Text | FieldKind::Ref(_) => Value::Text(text),
        FieldKind::Date => match parse_date(&text) {
            Some(Some(d)) => Value::date(d),
            Some(None) => Value::Null,
            None => return Err(bad("field.date", "must be a date YYYY-MM-DD (or dd-mm-yyyy)".into())),
        },
        FieldKind::Int => match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => return Err(bad("field.int", "must be a whole number".into())),
        },
        FieldKind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "ya" | "y" | "yes" => Value::Bool(true),
            "false" | "0" | "tidak" | "t" | "no" | "n" => Value::Bool(false),
            _ => return Err(bad("field.bool", "must be true or false".into())),
        },
        // Non-ASN staff (PPNPN) have no NIP: their record is known by `PPNPN-` and their NIK.
        FieldKind::Nip if ppnpn_nik(&text).is_some() => match Nik::parse(ppnpn_nik(&text).unwrap_or_default()) {
            Ok(n) => Value::Text(format!("{PPNPN_PREFIX}{n}")),
            Err(e) => return Err(bad(e.code(), format!("a PPNPN record is known by its NIK: {e}"))),
        },
        FieldKind::Nip => match Nip::parse(&text) {
            Ok(n) if n.kind() != super::NipKind::NipLama => Value::Text(n.to_string()),
            Ok(_) => {
                return Err(bad("nip.length", "must be an 18-digit NIP (the 9-digit one goes in nip_lama)".into()))
            }
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::NipLama => match Nip::parse(&text) {
            Ok(n) if n.kind() == super::NipKind::NipLama => Value::Text(n.to_string()),
            Ok(_) => return Err(bad("nip.length", "the old NIP has 9 digits".into())),
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::Nik => match Nik::parse(&text) {
            Ok(n) => Value::Text(n.to_string()),
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::Phone => match super::Phone::parse(&text) {
            Ok(p) => Value::Text(p.to_string()),
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::Email => match Email::parse(&text) {
            Ok(e) => Value::Text(e.to_string()),
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::EmailGov => match Email::parse_gov(&text) {
            Ok(e) => Value::Text(e.to_string()),
            Err(e) => return Err(bad(e.code(), e.to_string())),
        },
        FieldKind::Sex => match text.to_ascii_uppercase().as_str() {
            "M" | "L" | "1" | "PRIA" | "LAKI-LAKI" => Value::Text("M".into()),
            "F" | "P" | "2" | "WANITA" | "PEREMPUAN" => Value::Text("F".into()),
            _ => return Err(bad("field.sex", "must be M (male) or F (female)".into())),
        },
        FieldKind::Choice(options) => {
            let up = text.to_ascii_uppercase();
            if options.contains(&up.as_str()) {
                Value::Text(up)
            } else {
                return Err(bad("field.choice", format!("must be one of {}", options.join(", "))));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    #[test]
    fn overlong_text_is_refused_by_name() {
        let def = Entity::DataUtama.def().field("alamat").expect("alamat");
        let err = normalize(def, Value::Text("x".repeat(MAX_TEXT_BYTES + 1))).expect_err("too long");
        assert_eq!((err.field.as_str(), err.code.as_str()), ("alamat", "field.too_long"));
        assert!(normalize(def, Value::Text("x".repeat(MAX_TEXT_BYTES))).is_ok());
    }

    fn field(name: &str) -> &'static FieldDef {
        Entity::DataUtama.def().field(name).expect("field")
    }

    #[test]
    fn normalises_by_kind() {
        let t = |n: &str, v: &str| normalize(field(n), Value::Text(v.into()));
        assert_eq!(t("no_hp", "0812 3456 7890"), Ok(Value::Text("+6281234567890".into())));
        assert_eq!(t("tgl_lahir", "12-03-1985"), Ok(Value::Text("1985-03-12".into())));
        assert_eq!(t("tgl_lahir", "01-01-0001"), Ok(Value::Null));
        assert_eq!(t("mk_tahun", "12"), Ok(Value::Int(12)));
        assert_eq!(t("jenis_kelamin", "p"), Ok(Value::Text("F".into())));
        assert_eq!(t("nama", "  "), Ok(Value::Null));
    }

    #[test]
    fn a_ppnpn_record_is_known_by_its_nik() {
        let t = |v: &str| normalize(field("nip_baru"), Value::Text(v.into()));
        assert_eq!(t("ppnpn-3273 0112 0385 0004"), Ok(Value::Text("PPNPN-3273011203850004".into())));
        let e = t("PPNPN-3273011203850").expect_err("short");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("nip_baru", "nik.length"));
        // Only with the prefix: a 16-digit NIK is no NIP.
        assert_eq!(t("3273011203850004").expect_err("no prefix").code, "nip.length");
        assert_eq!(ppnpn_nik(" PPNPN-123"), Some("123"));
        assert_eq!(ppnpn_nik("198503122010011002"), None);
    }

    #[test]
    fn errors_name_the_field_and_part() {
        let e = normalize(field("nip_baru"), Value::Text("198503122010013002".into())).expect_err("bad");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("nip_baru", "nip.sex"));
        let e = normalize(field("email_gov"), Value::Text("a@gmail.com".into())).expect_err("bad");
        assert_eq!(e.code, "email.not_go_id");
        let e = normalize(field("tgl_lahir"), Value::Text("31-02-1990".into())).expect_err("bad");
        assert_eq!(e.code, "field.date");
    }
}
