//! A change as it travels: one row of one entity, some fields (or a delete), stamped with the
//! author's clock and device. Ids are UUIDv7, so pushing twice is harmless.

use serde::{Deserialize, Serialize};

use super::{Hlc, Stamp};
use crate::model::{Entity, FieldMap};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// UUIDv7, unique per change; the server deduplicates on it.
    pub id: String,
    pub entity: Entity,
    /// The row's id (for data utama, the pegawai id).
    pub row: String,
    /// The pegawai the row belongs to (scope checks use it).
    pub pegawai: String,
    /// True to delete the row; `fields` is then empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    #[serde(default)]
    pub fields: FieldMap,
    /// Hybrid logical clock, `WALLMS-COUNTER` (fixed width).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001763900000000-000000"))]
    pub hlc: Hlc,
    pub device: String,
    /// The server sequence the author had seen of this row, for the conflict log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
}

impl Change {
    /// The last-writer-wins key of every field this change sets.
    pub fn stamp(&self) -> Stamp {
        Stamp { hlc: self.hlc, device: self.device.clone() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Every field (or the delete) took effect.
    Applied,
    /// Some or all fields lost to later writes; see `superseded`.
    Superseded,
    /// Not allowed or not valid; nothing took effect.
    Refused,
}

/// The server's answer for one change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeOutcome {
    pub id: String,
    pub status: OutcomeStatus,
    /// The server sequence of the change (absent when refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// Fields that lost, with the value that won.
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub superseded: FieldMap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A change as a pull delivers it: the change and its server sequence, side by side on the
/// wire (no nesting). Spelled out rather than `#[serde(flatten)]`, which buffers every field
/// and made pulls several times slower.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledChange {
    pub seq: i64,
    pub id: String,
    pub entity: Entity,
    pub row: String,
    pub pegawai: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    #[serde(default)]
    pub fields: FieldMap,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001763900000000-000000"))]
    pub hlc: Hlc,
    pub device: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
}

impl PulledChange {
    pub fn new(seq: i64, c: Change) -> PulledChange {
        PulledChange {
            seq,
            id: c.id,
            entity: c.entity,
            row: c.row,
            pegawai: c.pegawai,
            delete: c.delete,
            fields: c.fields,
            hlc: c.hlc,
            device: c.device,
            base: c.base,
        }
    }

    pub fn into_change(self) -> (i64, Change) {
        let PulledChange { seq, id, entity, row, pegawai, delete, fields, hlc, device, base } = self;
        (seq, Change { id, entity, row, pegawai, delete, fields, hlc, device, base })
    }
}
