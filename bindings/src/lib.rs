//! berkas-ffi: the core facade for Kotlin (Android), Swift and Python through uniffi. Thin
//! wrappers only: every method converts arguments, calls `berkas_core`, and maps the result and
//! the error; no logic lives here.

uniffi::setup_scaffolding!();

mod documents;
mod error;
mod forms;
mod helpdesk;
mod identifiers;
mod keys;
mod presensi;
mod profile;
mod record;
mod session;
mod signing;
mod sync;

pub use documents::{CapturePage, CaptureResult, DocumentEntry, DocumentLink, ReadabilityProblem};
pub use error::BerkasError;
pub use forms::{ChecklistEntry, FieldDecisionEntry, LayananEntry, StatusStep, UsulanEntry};
pub use helpdesk::{KategoriEntry, TiketEntry, TiketStepEntry};
pub use identifiers::{parse_nip, NipFacts};
pub use keys::KeyStore;
pub use profile::BerkasProfile;
pub use record::{FieldEntry, MissingEntry, ProposalEntry, RecordView, RiwayatGroup, RiwayatRow, TeguranEntry};
pub use session::{FormInputEntry, LayananOfferEntry, RefOption, SessionEntry};
pub use sync::{CancelHandle, ConflictEntry, NewsEntry, OutboxEntry, SyncListener, SyncStatusInfo, SyncSummary};
