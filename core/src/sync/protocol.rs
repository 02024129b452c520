//! The wire protocol, once for both sides: its version and header names, and every body that
//! crosses between a device and the hub (login, tokens, push, pull, errors, the hub's settings
//! and reference manifest). The device's client and the hub's handlers both use these types,
//! and the bench and the tests too, so the two cannot drift apart.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::ChangeOutcome;
use crate::authz::Principal;

/// The protocol's major version; a client that speaks another one is told to upgrade (426).
pub const PROTOCOL_VERSION: u32 = 1;
/// The header that carries the version on `/v1/sync/*`.
pub const PROTOCOL_HEADER: &str = "x-berkas-protocol";
/// The header that carries a reference table's version beside its body.
pub const REF_VERSION_HEADER: &str = "x-berkas-ref-version";
/// The most changes one push may carry.
pub const MAX_PUSH: usize = 1000;
/// How far ahead of the hub's clock a change's stamp may be. A phone whose clock is set years
/// ahead would otherwise win every field it touches until real time catches up; the hub
/// refuses such a change (`sync.clock_ahead`) and the device stamps it again by the hub's time.
pub const MAX_CLOCK_DRIFT_MS: u64 = 5 * 60 * 1000;
/// The header that carries the hub's clock (Unix milliseconds) on a push's answer.
pub const HUB_TIME_HEADER: &str = "x-berkas-hub-time";
/// The header that says where an unfinished upload continues (on a `409`).
pub const UPLOAD_OFFSET_HEADER: &str = "x-berkas-upload-offset";

/// `POST /v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /v1/auth/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The answer to a login or a refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token is good for.
    pub expires_in: i64,
    /// Who the hub says the caller is.
    pub principal: Principal,
}

/// `POST /v1/sync/push`: at most 1,000 changes. Generic so that a device sends borrowed
/// changes and the hub reads owned ones.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest<C> {
    pub changes: Vec<C>,
}

/// The answer to a push: one outcome per change, in order.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub outcomes: Vec<ChangeOutcome>,
}

/// `GET /v1/sync/pull`: the changes after a cursor. Generic so that the hub passes each
/// change on as the raw JSON it logged and a device reads them as [`PulledChange`].
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullPage<C> {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::sync::PulledChange>))]
    pub changes: Vec<C>,
    pub next_cursor: i64,
    pub has_more: bool,
    /// The caller's current scope version; send it back as `scope` on the next pull.
    pub scope_version: i64,
    /// What the caller may see changed since the `scope` they sent: purge the local copy and
    /// pull again from cursor 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scope_reset: bool,
}

/// Every error the hub answers: a stable code and a message without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `forbidden.scope`, `auth.invalid_credentials`.
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: code.into(), message: message.into() } }
    }
}

/// One table as the hub's manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefSetInfo {
    pub name: String,
    /// SHA-256 (hex) of the table's JSON as served.
    pub version: String,
    pub rows: u64,
    /// Size of the JSON as served (before compression on the wire).
    pub bytes: u64,
}

/// Every table a hub serves; `tag` names this exact list (the ETag of `GET /v1/referensi`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefManifest {
    pub tag: String,
    pub tables: Vec<RefSetInfo>,
}

/// The hub's limits and settings (`GET /v1/settings`), as the device keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HubSettings {
    /// The sync protocol the hub speaks.
    pub protocol: u32,
    /// The largest document (blob) the hub accepts, in bytes.
    pub max_document_bytes: u64,
    /// Per document type (`id_ref_dokumen`) limits, where lower than the general one.
    #[serde(default)]
    pub max_document_bytes_by_type: BTreeMap<String, u64>,
    /// Content types a document may have.
    #[serde(default)]
    pub document_types: Vec<String>,
    /// The largest upload chunk.
    pub max_chunk_bytes: u64,
    /// Changes per push.
    pub max_push: u64,
    /// Documents larger than this wait for an unmetered network on a phone (unless the user
    /// sends one now); records and requests go on any network.
    #[serde(default = "default_metered_document_bytes")]
    pub metered_document_bytes: u64,
    /// The work arrangement the BKD published (presence while working from home); absent until
    /// it does, when devices follow the circular's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub presensi: Option<crate::presensi::PengaturanKerja>,
}

/// 1 MiB: a photo of a page passes, a many-page scan waits for Wi-Fi.
pub const DEFAULT_METERED_DOCUMENT_BYTES: u64 = 1 << 20;

fn default_metered_document_bytes() -> u64 {
    DEFAULT_METERED_DOCUMENT_BYTES
}

impl HubSettings {
    /// The limit for a document of type `id_ref_dokumen`.
    pub fn document_limit(&self, id_ref_dokumen: &str) -> u64 {
        self.max_document_bytes_by_type
            .get(id_ref_dokumen)
            .copied()
            .map_or(self.max_document_bytes, |t| t.min(self.max_document_bytes))
    }
}

/// `MB` with one decimal, for messages that name a limit.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 || (mb.fract() < 0.05) {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_page_reads_what_the_hub_writes() {
        let raw = serde_json::value::RawValue::from_string(
            r#"{"seq":7,"id":"c","entity":"data_utama","row":"r","pegawai":"p","fields":{"nama":"A"},
                "hlc":{"wall_ms":1,"counter":0},"device":"d","author":"u"}"#
                .into(),
        )
        .expect("raw");
        let sent =
            PullPage { changes: vec![raw], next_cursor: 7, has_more: false, scope_version: 1, scope_reset: false };
        let json = serde_json::to_string(&sent).expect("json");
        assert!(!json.contains("scope_reset"), "false is left out: {json}");
        let read: PullPage<serde_json::Value> = serde_json::from_str(&json).expect("read");
        assert_eq!((read.next_cursor, read.changes.len(), read.scope_reset), (7, 1, false));
        let e: ErrorBody = serde_json::from_str(r#"{"error":{"code":"x.y","message":"m"}}"#).expect("error");
        assert_eq!(e, ErrorBody::new("x.y", "m"));
    }
}
