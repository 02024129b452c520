//! berkas-core: the personnel record of Indonesian civil servants (ASN), offline first.
//!
//! One facade, [`Berkas`], opens a profile directory (an encrypted SQLite database whose key
//! lives in a [`secrets::SecretStore`]) and hands out typed operations: pegawai and riwayat,
//! search, completeness, reference data, SIASN exchange, the audit trail. Callers never see
//! SQL. No UI and no FFI here: the CLI, the bindings, the desktop app and the server are shells
//! around this crate.
//!
//! Feature `client` (on by default) adds the device's sync client, its HTTP to a hub. The hub
//! builds core without it: it shares the model, the merge and the wire types, not the client.

// Without the client, the device's outbox and thumbnails have no caller in this build.
#![cfg_attr(not(feature = "client"), allow(dead_code))]

pub mod authz;
pub mod completeness;
pub mod display;
pub mod docs;
pub mod due;
pub mod error;
pub mod forms;
pub mod helpdesk;
pub mod model;
mod pegawai;
pub mod presensi;
mod profile;
pub mod refdata;
pub mod rekon;
pub mod reports;
pub mod secrets;
pub mod siasn;
pub mod signing;
pub mod store;
pub mod sync;
pub mod synth;

pub use completeness::{Completeness, Missing};
pub use error::{Error, Result};
pub use pegawai::{AddedPegawai, PegawaiRecord, RecordMark, Warning};
pub use profile::{Berkas, ProfileConfig};
pub use refdata::RowProblem;
pub use siasn::{RefImportReport, SiasnImportReport};
pub use store::audit::AuditEntry;
pub use store::records::RowData;
pub use store::refs::RefTableInfo;
pub use store::search::{ListFilter, PegawaiSummary};
