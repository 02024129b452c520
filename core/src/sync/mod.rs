//! Sync, the part both sides share: hybrid logical clocks, the change format on the wire, and
//! the deterministic field-level merge. The device's outbox and HTTP client, and the server's
//! endpoints, are built on these so both judge a change the same way.

pub mod admin;
#[cfg(feature = "client")]
mod admin_client;
#[cfg(feature = "client")]
mod blobs;
#[cfg(feature = "client")]
mod catalog;
mod change;
#[cfg(feature = "client")]
mod client;
mod hlc;
mod local;
mod merge;
pub mod protocol;
#[cfg(feature = "client")]
mod referensi;
mod session;

#[cfg(feature = "client")]
pub use blobs::BlobTransfer;
pub use change::{Change, ChangeOutcome, OutcomeStatus, PulledChange};
#[cfg(feature = "client")]
pub(crate) use client::{hub_error, CachedHub};
#[cfg(feature = "client")]
pub use client::{CancelToken, Network, ProgressFn, SyncOptions, SyncPhase, SyncProgress, SyncReport};
pub use hlc::{Hlc, HlcClock, Stamp};
pub use local::{Conflict, OutboxItem, OutboxState, RecordSyncState, SyncStatus};
pub use merge::{merge, merge_owned, MergeOutcome, RowState};
pub use protocol::{
    megabytes, HubSettings, RefManifest, RefSetInfo, HUB_TIME_HEADER, MAX_CLOCK_DRIFT_MS, MAX_PUSH, PROTOCOL_HEADER,
    PROTOCOL_VERSION, REF_VERSION_HEADER, UPLOAD_OFFSET_HEADER,
};
#[cfg(feature = "client")]
pub use referensi::RefSyncReport;
pub use session::{HubPrincipal, News, Session};
