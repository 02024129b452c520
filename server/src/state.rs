//! What every handler works with, below them all: the store, the blobs, the reference tables
//! the hub judges by, its limits and token lifetimes. Handlers, the service, the SIASN import
//! and the demo take an `AppState`; it imports none of them.

use std::sync::Arc;

use crate::accounts;
use crate::backup::now::BackupTarget;
use crate::blobs::BlobStore;
use crate::error::ApiError;
use crate::referensi::HubReferensi;
use crate::store::Storage;
use berkas_core::sync::HubSettings;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub blobs: Arc<dyn BlobStore>,
    /// A real argon2id hash to verify against when the username is unknown (constant timing).
    pub dummy_hash: String,
    /// Lifetimes of access and refresh tokens, in seconds.
    pub access_ttl: i64,
    pub refresh_ttl: i64,
    /// The reference tables the hub serves and judges by (built-in, `--referensi DIR`,
    /// `import referensi`): its codes and the due rules' facts.
    pub referensi: Arc<HubReferensi>,
    /// The limits devices are told of (`GET /v1/settings`).
    pub settings: Arc<HubSettings>,
    /// Where this hub's backups go and what they read (set by `serve`; a hub built without
    /// one answers that it cannot make a backup when asked).
    pub backups: Option<Arc<BackupTarget>>,
    /// How reset codes reach their owners (SMTP for e-mail when configured, SMS logged).
    pub deliveries: crate::delivery::Deliveries,
    /// How long a code the helpdesk has sent is good for, in seconds (24 hours).
    pub reset_code_ttl: i64,
    /// What the push path counts of its races (and where a test holds it).
    pub push_races: PushRaces,
}

/// Batches judged side by side can both find a NIP free; the later write meets the earlier one
/// and its batch is judged again. This counts those second judgements, and lets a test hold
/// every batch between its first judgement and its write until all were judged, so the race it
/// proves is certain to have happened.
#[derive(Clone, Default)]
pub struct PushRaces {
    rejudged: Arc<std::sync::atomic::AtomicU64>,
    /// Set by tests only: each batch's first judgement waits here before it writes.
    pub hold_after_judging: Option<Arc<tokio::sync::Barrier>>,
}

impl PushRaces {
    /// Batches judged again after their write met a concurrent one, since the hub started.
    pub fn rejudged(&self) -> u64 {
        self.rejudged.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn count_rejudged(&self) {
        self.rejudged.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Storage>, blobs: Arc<dyn BlobStore>) -> Result<AppState, ApiError> {
        Ok(AppState {
            store,
            blobs,
            dummy_hash: accounts::hash_password("berkas-dummy-password")?,
            access_ttl: accounts::ACCESS_TTL_SECS,
            refresh_ttl: accounts::REFRESH_TTL_SECS,
            referensi: Arc::new(HubReferensi::default()),
            settings: Arc::new(settings_of_this_hub()),
            backups: None,
            deliveries: crate::delivery::Deliveries(vec![std::sync::Arc::new(crate::delivery::LogSms)]),
            reset_code_ttl: berkas_core::sync::admin::RESET_CODE_TTL_SECS,
            push_races: PushRaces::default(),
        })
    }
}

/// The limits of this hub build, as `GET /v1/settings` tells devices.
pub fn settings_of_this_hub() -> HubSettings {
    HubSettings {
        protocol: berkas_core::sync::PROTOCOL_VERSION,
        max_document_bytes: crate::blobs::MAX_BLOB,
        max_document_bytes_by_type: Default::default(),
        document_types: vec!["application/pdf".into(), "image/jpeg".into()],
        max_chunk_bytes: crate::blobs::MAX_CHUNK as u64,
        max_push: berkas_core::sync::MAX_PUSH as u64,
        metered_document_bytes: berkas_core::sync::protocol::DEFAULT_METERED_DOCUMENT_BYTES,
        presensi: None,
    }
}
