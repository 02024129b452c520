//! How a synced row's per-field stamps are stored. Each distinct stamp is written once (a row
//! written in one go has one stamp for all its fields), and the fields that carry it are named
//! by their position in the entity's definition: one character per field, the stamp's index
//! or `-` for a field never written. Spelled out by name, the stamps were larger than the row
//! itself; by position they are a tenth of that, which a first pull of a whole unit writes
//! once per row. Positions are stored, so fields are only ever appended to a definition
//! (`stamp_positions.txt` and its test keep that). A field the definition does not know
//! (written by a newer hub), or more distinct stamps than there are characters, falls back to
//! naming the fields, and both forms are read.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::model::Entity;
use crate::sync::Stamp;

const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NONE: u8 = b'-';

#[derive(Deserialize)]
struct Stored {
    s: Vec<Stamp>,
    /// By position: one character per field of the definition.
    #[serde(default)]
    p: Option<String>,
    /// By name (the fallback, and every row stored before positions).
    #[serde(default)]
    f: Option<BTreeMap<String, usize>>,
}

/// The entity's fields with their positions, sorted by name: stamps come in name order, so
/// one walk down both lists places them (hashing every name cost a twentieth of a pull).
fn positions(entity: Entity) -> &'static [(&'static str, usize)] {
    static ALL: OnceLock<BTreeMap<Entity, Vec<(&'static str, usize)>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Entity::ALL
            .iter()
            .map(|e| {
                let mut by_name: Vec<(&'static str, usize)> =
                    e.def().fields.iter().enumerate().map(|(i, f)| (f.name, i)).collect();
                by_name.sort_unstable();
                (*e, by_name)
            })
            .collect()
    });
    // Every entity is in ALL; no positions only makes the encoder name the fields.
    all.get(&entity).map_or(&[], Vec::as_slice)
}

/// The position of each of `names` (in ascending order), or `None` if one is not a field of
/// the definition (or they come out of order).
fn place<'a>(by_name: &[(&str, usize)], names: impl Iterator<Item = &'a str>) -> Option<Vec<usize>> {
    let mut rest = by_name.iter();
    names
        .map(|name| loop {
            match rest.next() {
                Some((field, pos)) if *field == name => break Some(*pos),
                Some((field, _)) if *field < name => continue,
                _ => break None,
            }
        })
        .collect()
}

fn damaged(what: impl std::fmt::Display) -> Error {
    Error::BadDocument(format!("stored stamps are damaged: {what}"))
}

pub(crate) fn encode(entity: Entity, stamps: &BTreeMap<String, Stamp>) -> Result<String> {
    encode_fields(entity, stamps.len(), stamps.iter().map(|(f, s)| (f.as_str(), s)))
}

/// The stamps of a row whose every field was written by `stamp` (a row a pull sees for the
/// first time), without building the map first.
pub(crate) fn encode_one<'a>(
    entity: Entity,
    fields: impl ExactSizeIterator<Item = &'a str> + Clone,
    stamp: &Stamp,
) -> Result<String> {
    encode_fields(entity, fields.len(), fields.map(|f| (f, stamp)))
}

/// `stamps` in field-name order, as both maps keep them.
fn encode_fields<'a>(
    entity: Entity,
    len: usize,
    stamps: impl Iterator<Item = (&'a str, &'a Stamp)> + Clone,
) -> Result<String> {
    let mut distinct: Vec<&Stamp> = Vec::new();
    let mut index = Vec::with_capacity(len);
    for (_, stamp) in stamps.clone() {
        let i = match distinct.iter().position(|s| *s == stamp) {
            Some(i) => i,
            None => {
                distinct.push(stamp);
                distinct.len() - 1
            }
        };
        index.push(i);
    }
    let mut out = Vec::with_capacity(4 * len + 96);
    out.extend_from_slice(b"{\"s\":");
    serde_json::to_writer(&mut out, &distinct).map_err(damaged)?;
    let placed = place(positions(entity), stamps.clone().map(|(f, _)| f));
    match placed {
        Some(placed) if distinct.len() <= DIGITS.len() => {
            let mut p = vec![NONE; placed.iter().max().map_or(0, |m| m + 1)];
            for (pos, i) in placed.into_iter().zip(index) {
                p[pos] = DIGITS[i];
            }
            out.extend_from_slice(b",\"p\":\"");
            out.extend_from_slice(&p);
            out.extend_from_slice(b"\"}");
        }
        _ => {
            out.extend_from_slice(b",\"f\":{");
            for (n, ((field, _), i)) in stamps.zip(index).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, field).map_err(damaged)?;
                write!(out, ":{i}").map_err(damaged)?;
            }
            out.extend_from_slice(b"}}");
        }
    }
    String::from_utf8(out).map_err(damaged)
}

pub(crate) fn decode(entity: Entity, text: &str) -> Result<BTreeMap<String, Stamp>> {
    let c: Stored = serde_json::from_str(text).map_err(damaged)?;
    let stamp = |i: usize| c.s.get(i).cloned().ok_or_else(|| damaged(format!("no stamp {i}")));
    let mut out = BTreeMap::new();
    if let Some(p) = &c.p {
        let fields = entity.def().fields;
        for (pos, ch) in p.bytes().enumerate().filter(|(_, ch)| *ch != NONE) {
            let i = DIGITS.iter().position(|d| *d == ch).ok_or_else(|| damaged(format!("character {ch}")))?;
            let field = fields.get(pos).ok_or_else(|| damaged(format!("position {pos} of {}", entity.key())))?;
            out.insert(field.name.to_string(), stamp(i)?);
        }
    }
    for (field, i) in c.f.into_iter().flatten() {
        out.insert(field, stamp(i)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Hlc;

    fn stamp(wall: u64, device: &str) -> Stamp {
        Stamp { hlc: Hlc { wall_ms: wall, counter: 0 }, device: device.into() }
    }

    #[test]
    fn stamps_come_back_by_position_and_by_name() {
        let fields = Entity::DataUtama.def().fields;
        let mut stamps = BTreeMap::new();
        for f in fields.iter().step_by(2) {
            stamps.insert(f.name.to_string(), stamp(1_700_000_000_000, "dev-a"));
        }
        stamps.insert(fields[1].name.to_string(), stamp(1_700_000_000_500, "dev-b"));
        let text = encode(Entity::DataUtama, &stamps).expect("encode");
        assert!(text.contains("\"p\":") && !text.contains(fields[0].name), "{text}");
        assert_eq!(decode(Entity::DataUtama, &text).expect("decode"), stamps);

        // One stamp for every field, written without the map: the same text as with it.
        let one = stamp(1_700_000_000_700, "dev-d");
        let mut names: Vec<&str> = fields.iter().step_by(3).map(|f| f.name).collect();
        names.push("dari_versi_baru");
        for named in [&names[..names.len() - 1], &names[..]] {
            let mut sorted = named.to_vec();
            sorted.sort_unstable();
            let map: BTreeMap<String, Stamp> = sorted.iter().map(|f| (f.to_string(), one.clone())).collect();
            let text = encode_one(Entity::DataUtama, sorted.iter().copied(), &one).expect("encode one");
            assert_eq!(text, encode(Entity::DataUtama, &map).expect("encode"));
            assert_eq!(decode(Entity::DataUtama, &text).expect("decode"), map);
        }

        // A field this version does not know: named, and read back the same.
        stamps.insert("dari_versi_baru".into(), stamp(1_700_000_000_900, "dev-c"));
        let text = encode(Entity::DataUtama, &stamps).expect("encode");
        assert!(text.contains("\"f\":") && text.contains("dari_versi_baru"), "{text}");
        assert_eq!(decode(Entity::DataUtama, &text).expect("decode"), stamps);

        // The form rows were stored in before positions.
        let old = r#"{"s":[{"hlc":"001700000000000-000000","device":"d"}],"f":{"nama":0}}"#;
        let back = decode(Entity::DataUtama, old).expect("old form");
        assert_eq!(back.get("nama").map(|s| s.device.as_str()), Some("d"));
        assert_eq!(
            decode(Entity::DataUtama, &encode(Entity::DataUtama, &BTreeMap::new()).expect("e")).expect("d").len(),
            0
        );
        for bad in [
            r#"{"s":[],"p":"0"}"#,
            r#"{"s":[],"p":"!"}"#,
            "{\"s\":[],\"p\":\"-\"",
            r#"{"s":[{"hlc":"001700000000000-000000","device":"d"}],"p":"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}"#,
        ] {
            assert!(decode(Entity::DataUtama, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_are_placed_by_one_walk_in_name_order() {
        let fields = Entity::DataUtama.def().fields;
        let at = |name: &str| fields.iter().position(|f| f.name == name);
        let by_name = positions(Entity::DataUtama);
        assert_eq!(
            place(by_name, ["alamat", "nama", "unit"].into_iter()),
            ["alamat", "nama", "unit"].map(at).into_iter().collect()
        );
        assert_eq!(place(by_name, ["nama", "alamat"].into_iter()), None, "out of order");
        assert_eq!(place(by_name, ["alamat", "bukan_field"].into_iter()), None, "unknown");
        assert_eq!(place(by_name, std::iter::empty()), Some(vec![]));
    }

    /// Stored stamps name fields by position: an existing position must never change. A new
    /// field goes at the end of its definition; then regenerate the list with
    /// `BERKAS_UPDATE_GOLDEN=1 cargo test -p berkas-core stamp_positions`.
    #[test]
    fn stamp_positions_only_grow() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/stamp_positions.txt");
        let now: String = Entity::ALL
            .iter()
            .map(|e| format!("{}: {}\n", e.key(), e.def().fields.iter().map(|f| f.name).collect::<Vec<_>>().join(" ")))
            .collect();
        // The old list is judged before anything is written: regenerating never hides a move.
        let was = std::fs::read_to_string(&path).expect("src/store/stamp_positions.txt");
        for line in was.lines() {
            let (key, fields) = line.split_once(": ").expect("entity: fields");
            let current = now.lines().find_map(|l| l.strip_prefix(&format!("{key}: "))).unwrap_or_default();
            assert!(
                current.split(' ').collect::<Vec<_>>().starts_with(&fields.split(' ').collect::<Vec<_>>()),
                "{key}: the fields' positions changed; stored stamps would name the wrong fields. Append new fields at the end"
            );
        }
        if std::env::var_os("BERKAS_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &now).expect("write");
            return;
        }
        assert_eq!(
            was, now,
            "fields were appended: regenerate with BERKAS_UPDATE_GOLDEN=1 cargo test -p berkas-core stamp_positions"
        );
    }
}
