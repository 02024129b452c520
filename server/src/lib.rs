//! berkas-server: the hub an instansi runs. Devices log in, push their changes and pull what
//! their role and scope let them see. Validation, authorization rules and the merge come from
//! berkas-core, so device and server judge a change the same way; this crate adds HTTP,
//! accounts and tokens, and storage behind the `Storage` trait.

pub mod api;
pub mod auth;
pub mod backup;
pub mod blob_api;
pub mod blobs;
pub mod demo;
pub mod due_api;
pub mod error;
pub mod layanan_api;
pub mod openapi;
pub mod referensi;
pub mod referensi_api;
pub mod service;
pub mod siasn_import;
pub mod signing_api;
pub mod store;
pub mod tls;

pub use api::{router, AppState};
pub use error::ApiError;

/// A hub's data dir: its documents, and its database on the embedded SQLite.
pub const DATABASE_FILE: &str = "berkas-server.db";
pub const BLOBS_DIR: &str = "blobs";

/// The wire protocol's major version; a client that speaks another one is told to upgrade.
pub const PROTOCOL_VERSION: u32 = 1;
pub const PROTOCOL_HEADER: &str = "x-berkas-protocol";
