//! Exchange with BKN's SIASN web services: reference tables, and pegawai documents in the
//! SIASN JSON shape (`{"dataUtama": {...}, "riwayat": {"golongan": [...], ...}}`, field names
//! as SIASN spells them, dates `dd-mm-yyyy`). Large files stream document by document.

mod convert;
mod import;

pub use convert::{document_to_siasn, parse_document, parse_document_owned, ParsedPegawai};
pub use import::{RefImportReport, SiasnImportReport, SiasnProblem};

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::io::{BufRead, BufReader, Read};

use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Owner};

/// What a SIASN import may write over a stored row, decided once for a device's import and
/// the hub's: the fields whose value differs, except fields the ASN owns (contact data,
/// family) that already hold a value: an ASN's own correction in Berkas is newer than BKN's
/// copy, so SIASN only fills what is empty there. Official fields take SIASN's value.
pub fn import_changes(entity: Entity, incoming: &FieldMap, stored: Option<&FieldMap>) -> FieldMap {
    let def = entity.def();
    incoming
        .iter()
        .filter(|(name, value)| {
            let now = stored.and_then(|s| s.get(*name)).filter(|v| !v.is_null());
            let personal = def.field(name).is_some_and(|f| f.owner == Owner::Personal);
            match now {
                Some(now) => now != *value && !personal,
                None => true,
            }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Calls `f` for every document in `reader`: a JSON array (streamed element by element), one
/// object, or JSON Lines.
pub fn for_each_document<R: Read>(reader: R, mut f: impl FnMut(usize, Json) -> Result<()>) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    // A UTF-8 byte-order mark (Windows tools write one) is not content.
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let first = loop {
        let buf = reader.fill_buf()?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                reader.consume(i);
                break Some(b);
            }
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    match first {
        None => Err(Error::BadDocument("the SIASN file is empty".into())),
        Some(b'[') => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            let mut failure = None;
            let seed = EachElement { f: &mut f, failure: &mut failure };
            let outcome = seed.deserialize(&mut de);
            if let Some(e) = failure {
                return Err(e);
            }
            outcome.map_err(|e| Error::BadDocument(format!("the SIASN file is not valid JSON: {e}")))?;
            de.end().map_err(|e| Error::BadDocument(format!("unexpected data after the JSON array: {e}")))
        }
        Some(b'{') => {
            for (i, doc) in serde_json::Deserializer::from_reader(reader).into_iter::<Json>().enumerate() {
                let doc = doc.map_err(|e| Error::BadDocument(format!("document {} is not valid JSON: {e}", i + 1)))?;
                f(i, doc)?;
            }
            Ok(())
        }
        Some(_) => Err(Error::BadDocument("the SIASN file must hold a JSON array or JSON objects".into())),
    }
}

struct EachElement<'a, F> {
    f: &'a mut F,
    failure: &'a mut Option<Error>,
}

impl<'de, F: FnMut(usize, Json) -> Result<()>> DeserializeSeed<'de> for EachElement<'_, F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Json) -> Result<()>> Visitor<'de> for EachElement<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of SIASN documents")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(doc) = seq.next_element::<Json>()? {
            if let Err(e) = (self.f)(i, doc) {
                *self.failure = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(input: &str) -> Result<usize> {
        let mut n = 0;
        for_each_document(input.as_bytes(), |_, _| {
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }

    #[test]
    fn arrays_objects_and_lines() {
        assert_eq!(count(" [{\"a\":1},{\"a\":2}] ").expect("ok"), 2);
        assert_eq!(count("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n").expect("ok"), 3);
        assert_eq!(count("{\"a\":1}").expect("ok"), 1);
    }

    /// Refused as a bad document whose message says why.
    fn refused(r: Result<usize>, why: &str) -> bool {
        matches!(r, Err(Error::BadDocument(m)) if m.contains(why))
    }

    #[test]
    fn a_byte_order_mark_is_not_content() {
        assert_eq!(count("\u{feff}[{\"a\":1},{\"a\":2}]").expect("ok"), 2);
        assert_eq!(count("\u{feff}{\"a\":1}\n{\"a\":2}\n").expect("ok"), 2);
        assert!(refused(count("\u{feff}"), "empty"), "a mark alone is an empty file");
    }

    #[test]
    fn truncated_and_foreign_input_is_refused() {
        assert!(refused(count("[{\"a\":1},{\"a\":"), "not valid JSON"));
        assert!(refused(count("{\"a\":1}\n{\"a\""), "document 2 is not valid JSON"));
        assert!(refused(count(""), "empty"));
        assert!(refused(count("nip,nama\n"), "must hold a JSON array or JSON objects"));
    }
}

#[cfg(test)]
mod import_rule_tests {
    use super::*;
    use crate::model::Value;

    #[test]
    fn siasn_fills_what_the_asn_left_empty_and_overwrites_official_data() {
        let t = |s: &str| Value::Text(s.into());
        let stored: FieldMap =
            [("no_hp".into(), t("+6281200000001")), ("nama".into(), t("Lama")), ("alamat".into(), Value::Null)].into();
        let incoming: FieldMap = [
            ("no_hp".into(), t("+6281299999999")),
            ("nama".into(), t("Baru")),
            ("alamat".into(), t("Jl. SIASN")),
            ("tempat_lahir".into(), t("Mataram")),
        ]
        .into();
        let set = import_changes(Entity::DataUtama, &incoming, Some(&stored));
        let names: Vec<&str> = set.keys().map(String::as_str).collect();
        assert_eq!(names, ["alamat", "nama", "tempat_lahir"], "the ASN's own phone is kept");
        assert_eq!(import_changes(Entity::DataUtama, &incoming, None).len(), 4, "a new record takes everything");
        let filled: FieldMap = [("no_hp".into(), t("+6281200000001")), ("nama".into(), t("Lama"))].into();
        assert!(import_changes(Entity::DataUtama, &filled, Some(&filled)).is_empty(), "nothing differs");
    }
}
