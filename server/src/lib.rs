//! berkas-server: the hub an instansi runs. Devices log in, push their changes and pull what
//! their role and scope let them see. Validation, authorization rules and the merge come from
//! berkas-core, so device and server judge a change the same way; this crate adds HTTP,
//! accounts and tokens, and storage behind the `Storage` trait.

pub mod accounts;
pub mod admin_api;
pub mod aktivitas_api;
pub mod api;
pub mod atrest;
pub mod auth;
pub mod backup;
pub mod blob_api;
pub mod blobs;
pub mod delivery;
pub mod demo;
pub mod due_api;
pub mod error;
pub mod layanan_api;
pub mod openapi;
pub mod presensi_api;
pub mod presensi_retensi;
pub mod recovery;
pub mod referensi;
pub mod referensi_api;
pub mod service;
pub mod siasn_import;
pub mod signing_api;
pub mod state;
pub mod store;
pub mod tls;

pub use api::router;
pub use error::ApiError;
pub use state::AppState;

/// A hub's data dir: its documents, and its database on the embedded SQLite.
pub const DATABASE_FILE: &str = "berkas-server.db";
pub const BLOBS_DIR: &str = "blobs";

/// The wire protocol's version and header, core's (`berkas_core::sync::protocol`).
pub use berkas_core::sync::{PROTOCOL_HEADER, PROTOCOL_VERSION};
