//! Field-level last-writer-wins by (HLC, device). A row's state keeps, per field, the stamp of
//! the value it holds, and a tombstone stamp for deletes; applying changes in any order, any
//! number of times, gives the same state. A field whose incoming stamp is older loses, and the
//! outcome says so, so the author can be shown what won.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{Change, Stamp};
use crate::model::{FieldMap, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowState {
    pub values: FieldMap,
    pub stamps: BTreeMap<String, Stamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Stamp>,
}

impl RowState {
    /// A row is deleted when its tombstone is later than every field write.
    pub fn is_live(&self) -> bool {
        match &self.tombstone {
            None => true,
            Some(t) => self.stamps.values().any(|s| s > t),
        }
    }

    /// The newest stamp in the row.
    pub fn latest(&self) -> Option<&Stamp> {
        self.stamps.values().chain(self.tombstone.iter()).max()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeOutcome {
    /// Fields whose value this change set (or confirmed, when it was seen before).
    pub applied: Vec<String>,
    /// Fields that lost, with the value that holds.
    pub superseded: FieldMap,
    /// The change was a delete and it took effect.
    pub deleted: bool,
}

pub fn merge(state: &mut RowState, change: &Change) -> MergeOutcome {
    let fields = change.fields.iter().map(|(f, v)| (f.clone(), v.clone()));
    merge_fields(state, change.stamp(), change.delete, fields)
}

/// `merge` taking the change's fields by value: a device applies each pulled change once, so
/// its values move into the row instead of being copied.
pub fn merge_owned(state: &mut RowState, stamp: Stamp, delete: bool, fields: FieldMap) -> MergeOutcome {
    if !delete && state.stamps.is_empty() && state.values.is_empty() && state.tombstone.is_none() {
        // A row this device has never seen (every row of a first pull): every field applies,
        // and the maps are built whole from the sorted fields rather than one insert at a time.
        state.stamps = fields.keys().map(|f| (f.clone(), stamp.clone())).collect();
        let applied = fields.keys().cloned().collect();
        state.values = fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
        return MergeOutcome { applied, ..MergeOutcome::default() };
    }
    merge_fields(state, stamp, delete, fields.into_iter())
}

fn merge_fields(
    state: &mut RowState,
    stamp: Stamp,
    delete: bool,
    fields: impl Iterator<Item = (String, Value)>,
) -> MergeOutcome {
    let mut out = MergeOutcome::default();
    if delete {
        if state.tombstone.as_ref().is_none_or(|t| stamp >= *t) {
            state.tombstone = Some(stamp);
            out.deleted = true;
        }
        return out;
    }
    for (field, value) in fields {
        match state.stamps.get(&field) {
            Some(held) if *held > stamp => {
                let holds = state.values.get(&field).cloned().unwrap_or(Value::Null);
                out.superseded.insert(field, holds);
            }
            _ => {
                if value.is_null() {
                    state.values.remove(&field);
                } else {
                    state.values.insert(field.clone(), value);
                }
                state.stamps.insert(field.clone(), stamp.clone());
                out.applied.push(field);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_by_value_gives_what_merging_by_reference_gives() {
        let stamp = |wall: u64| Stamp { hlc: crate::sync::Hlc { wall_ms: wall, counter: 0 }, device: "d".into() };
        let fields =
            |pairs: &[(&str, Value)]| -> FieldMap { pairs.iter().map(|(f, v)| (f.to_string(), v.clone())).collect() };
        let first =
            fields(&[("nama", Value::Text("A".into())), ("gelar", Value::Null), ("nip_baru", Value::Text("1".into()))]);
        let later = fields(&[("nama", Value::Text("B".into())), ("alamat", Value::Text("Jl. C".into()))]);
        let older = fields(&[("nama", Value::Text("Z".into())), ("gelar", Value::Text("S.T.".into()))]);
        let steps = [
            (first, stamp(5), false),
            (later, stamp(9), false),
            (older, stamp(7), false),
            (FieldMap::new(), stamp(8), true),
        ];
        let (mut by_value, mut by_ref) = (RowState::default(), RowState::default());
        for (f, s, delete) in steps {
            let c = Change {
                id: "x".into(),
                entity: crate::model::Entity::DataUtama,
                row: "r".into(),
                pegawai: "r".into(),
                delete,
                fields: f.clone(),
                hlc: s.hlc,
                device: s.device.clone(),
                base: None,
            };
            let a = merge(&mut by_ref, &c);
            let b = merge_owned(&mut by_value, s, delete, f);
            assert_eq!(a, b);
            assert_eq!(by_ref, by_value);
        }
        assert_eq!(by_value.values.get("nama"), Some(&Value::Text("B".into())));
        assert_eq!(
            by_value.values.get("gelar"),
            Some(&Value::Text("S.T.".into())),
            "an older write to a field nobody wrote since"
        );
        assert!(by_value.is_live(), "the delete at 8 is older than the write at 9");
    }
    use crate::model::Entity;
    use crate::sync::Hlc;

    fn change(id: &str, wall: u64, device: &str, fields: &[(&str, &str)]) -> Change {
        Change {
            id: id.into(),
            entity: Entity::DataUtama,
            row: "p".into(),
            pegawai: "p".into(),
            delete: false,
            fields: fields.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect(),
            hlc: Hlc { wall_ms: wall, counter: 0 },
            device: device.into(),
            base: None,
        }
    }

    #[test]
    fn different_fields_both_survive_and_same_field_is_last_writer() {
        let mut s = RowState::default();
        merge(&mut s, &change("1", 10, "phone", &[("no_hp", "+628111")]));
        merge(&mut s, &change("2", 5, "laptop", &[("alamat", "Jl. A")]));
        let lost = merge(&mut s, &change("3", 7, "laptop", &[("no_hp", "+628222")]));
        assert_eq!(s.values["no_hp"], Value::Text("+628111".into()));
        assert_eq!(s.values["alamat"], Value::Text("Jl. A".into()));
        assert_eq!(lost.superseded["no_hp"], Value::Text("+628111".into()));
    }

    #[test]
    fn equal_clocks_break_on_device_and_replays_change_nothing() {
        let mut a = RowState::default();
        let c1 = change("1", 10, "a", &[("nama", "X")]);
        let c2 = change("2", 10, "b", &[("nama", "Y")]);
        merge(&mut a, &c1);
        merge(&mut a, &c2);
        let mut b = RowState::default();
        merge(&mut b, &c2);
        merge(&mut b, &c1);
        merge(&mut b, &c2);
        assert_eq!(a, b);
        assert_eq!(a.values["nama"], Value::Text("Y".into()));
    }

    #[test]
    fn delete_wins_over_older_writes_only() {
        let mut s = RowState::default();
        merge(&mut s, &change("1", 10, "a", &[("nama", "X")]));
        let mut del = change("2", 20, "b", &[]);
        del.delete = true;
        merge(&mut s, &del);
        assert!(!s.is_live());
        merge(&mut s, &change("3", 30, "a", &[("nama", "Z")]));
        assert!(s.is_live());
    }
}
