//! What the BKD administrator's tools send and receive (`/v1/admin/*`, `/v1/auth/reset`): the
//! hub's handlers and the device's client both use these types. An administrator never sees or
//! sets a password: a new account and a reset get a one-time code, shown once, that the owner
//! trades for a password of their own.

use serde::{Deserialize, Serialize};

use crate::authz::Role;

/// How long a reset code is good for.
pub const RESET_CODE_TTL_SECS: i64 = 24 * 3600;

/// An account as the administrator sees it (never its password or hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub username: String,
    pub role: Role,
    /// The NIP of the account's own record, for an ASN.
    pub nip: Option<String>,
    /// The name on that record.
    pub nama: Option<String>,
    pub units: Vec<String>,
    pub disabled: bool,
}

/// `POST /v1/admin/accounts`: the account starts with no password, only a reset code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccount {
    pub username: String,
    pub role: Role,
    /// The account's own record, by NIP (an ASN's account).
    #[serde(default)]
    pub nip: Option<String>,
    #[serde(default)]
    pub units: Vec<String>,
}

/// `PATCH /v1/admin/accounts/{username}`: what is given changes, what is left out stays.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChange {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub units: Option<Vec<String>>,
    /// True disables the account and ends its sessions; false enables it again.
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// A one-time code: shown to the administrator once, told to the account's owner, traded
/// for a new password at `POST /v1/auth/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetCode {
    pub username: String,
    pub code: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// The answer to a new account: the account and its first code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountIssued {
    pub account: AccountView,
    pub reset: ResetCode,
}

/// `POST /v1/auth/reset`: a reset code traded for the owner's new password (and a session).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetRequest {
    pub username: String,
    pub code: String,
    pub new_password: String,
}

/// `POST /v1/auth/lupa-password`: who says they forgot their password, with what only they
/// and the record know.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPassword {
    pub nip: String,
    /// YYYY-MM-DD.
    pub tanggal_lahir: String,
    pub nik: String,
}

/// The one answer to every well-formed "lupa password", whether the data matched or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotAnswer {
    pub message: String,
}

/// `POST /v1/tiket/{id}/kode-reset`: where the hub sent a one-time code, as the helpdesk is
/// told (never the code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// `email` or `sms`.
    pub channel: String,
    /// The address, masked (`s***@bkd.go.id`, `***001`).
    pub sent_to: String,
    pub expires_at: String,
}

/// A device the hub has seen, and the catalogue version it ran then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    pub device: String,
    pub username: String,
    pub layanan_version: u32,
    pub seen_at: String,
}

/// `PATCH /v1/layanan/{id}`: switch one layanan on or off; the hub publishes the next version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayananSwitch {
    pub aktif: bool,
}

/// `POST /v1/admin/backups`: the passphrase the backup is sealed with (never stored).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupRequest {
    pub passphrase: String,
}

/// The last backup the hub made or was told of, and whether it was read back whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupInfo {
    /// The backup file's name (in the hub's backup folder).
    pub file: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub bytes: u64,
    pub documents: u64,
    /// The file was decrypted and every part checked right after it was written.
    pub verified: bool,
    /// What the check found wrong, if it failed.
    #[serde(default)]
    pub problem: Option<String>,
}

/// `GET /v1/admin/backups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupStatus {
    pub last: Option<BackupInfo>,
    /// Hours since the last backup was made.
    pub age_hours: Option<i64>,
    /// Whether this hub can make a backup when asked (it knows where its data is).
    pub can_create: bool,
}

/// One entry of the hub's audit log of a record (`GET /v1/pegawai/{nip}/audit`): who saw or
/// changed it, when, from where. The hub answers whoever may read the record's audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubAuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `read`, `write`, `login`, `import_siasn`, `blob.get` ...
    pub action: String,
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
    #[serde(default)]
    pub remote: Option<String>,
}
