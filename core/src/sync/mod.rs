//! Sync, the part both sides share: hybrid logical clocks, the change format on the wire, and
//! the deterministic field-level merge. The device's outbox and HTTP client, and the server's
//! endpoints, are built on these so both judge a change the same way.

mod blobs;
mod catalog;
mod change;
mod client;
mod hlc;
mod local;
mod merge;
pub mod protocol;
mod referensi;

pub use blobs::BlobTransfer;
pub use change::{Change, ChangeOutcome, OutcomeStatus, PulledChange};
pub(crate) use client::{hub_error, CachedHub};
pub use client::{CancelToken, HubPrincipal, ProgressFn, SyncOptions, SyncPhase, SyncProgress, SyncReport};
pub use hlc::{Hlc, HlcClock, Stamp};
pub use local::{Conflict, OutboxItem, OutboxState, RecordSyncState, SyncStatus};
pub use merge::{merge, merge_owned, MergeOutcome, RowState};
pub use protocol::{
    HubSettings, RefManifest, RefSetInfo, MAX_PUSH, PROTOCOL_HEADER, PROTOCOL_VERSION, REF_VERSION_HEADER,
    UPLOAD_OFFSET_HEADER,
};
pub use referensi::{megabytes, RefSyncReport};
