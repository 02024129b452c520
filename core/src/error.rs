//! Errors. `Error` is what core returns; every variant has a stable machine `code()` that the
//! shells (CLI, FFI, Tauri, HTTP) pass on and the UIs localise. Messages never carry personal
//! data: field errors name the field and the wrong part, not the value.

use std::path::PathBuf;

use crate::model::FieldError;
use crate::secrets::SecretError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no Berkas profile in {0}; run `berkas init` first")]
    NoProfile(PathBuf),
    #[error("a Berkas profile already exists in {0}")]
    ProfileExists(PathBuf),
    #[error("the profile's database file is missing: {0}")]
    DatabaseMissing(PathBuf),
    #[error("the key for this profile's database is not in the {store}; without it the data cannot be opened")]
    KeyMissing { store: String },
    #[error("the key does not open this database (wrong key, or not a Berkas database); nothing was changed")]
    WrongKey,
    #[error("the database was written by a newer Berkas (schema {found}); this build knows up to {known}")]
    SchemaTooNew { found: u32, known: u32 },
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("a pegawai with this NIP already exists")]
    DuplicateNip,
    #[error("{0}")]
    BadDocument(String),
    /// A document refused or damaged; `code` is `doc.*` (see `docs::codes`).
    #[error("{message}")]
    Document { code: &'static str, message: String },
    /// A document larger than the hub accepts (its limits are stored at each sync).
    #[error("the document is {}; the hub accepts at most {}", crate::sync::megabytes(*size), crate::sync::megabytes(*limit))]
    TooLargeForHub { size: u64, limit: u64 },
    #[error("not signed in to a Berkas hub; run `berkas login` first")]
    NotLoggedIn,
    #[error("cannot reach the hub: {0}")]
    Network(String),
    #[error("the hub answered {status} {code}: {message}")]
    Hub { status: u16, code: String, message: String },
    #[error("this version of Berkas is too old for the hub; update the app")]
    UpgradeRequired,
    #[error("the sign-in to the hub has ended; log in again")]
    SessionEnded,
    #[error("sync was cancelled; everything done before is kept")]
    Cancelled,
    /// The signed-in account may not do this here (the one authorization table said no);
    /// `code` is `forbidden.*`. Asked on the device before anything is written.
    #[error("{en}")]
    Forbidden { code: &'static str, en: &'static str, id: &'static str },
    /// A signed document that does not check out, or a signature that could not be made.
    #[error(transparent)]
    Signature(#[from] crate::signing::SignatureError),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoProfile(_) => "profile.missing",
            Error::ProfileExists(_) => "profile.exists",
            Error::DatabaseMissing(_) => "profile.database_missing",
            Error::KeyMissing { .. } => "profile.key_missing",
            Error::WrongKey => "profile.wrong_key",
            Error::SchemaTooNew { .. } => "profile.schema_too_new",
            Error::Secret(_) => "secret_store",
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::DuplicateNip => "duplicate_nip",
            Error::BadDocument(_) => "bad_document",
            Error::Document { code, .. } => code,
            Error::TooLargeForHub { .. } => "doc.too_large_for_hub",
            Error::NotLoggedIn => "sync.not_logged_in",
            Error::Network(_) => "sync.network",
            Error::Hub { .. } => "sync.hub",
            Error::UpgradeRequired => "sync.upgrade_required",
            Error::SessionEnded => "sync.session_ended",
            Error::Cancelled => "sync.cancelled",
            Error::Forbidden { code, .. } => code,
            Error::Signature(e) => e.code(),
            Error::Sql(_) => "database",
            Error::Io(_) => "io",
        }
    }

    pub(crate) fn document(code: &'static str, message: impl Into<String>) -> Error {
        Error::Document { code, message: message.into() }
    }

    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }
}
