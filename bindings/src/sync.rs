//! Login, sync with a progress listener and a cancel handle, the outbox and the conflict log.

use berkas_core::sync::{CancelToken, Network, SyncOptions, SyncPhase, SyncProgress};
use std::sync::Arc;

use crate::error::Result;
use crate::profile::BerkasProfile;

/// Told how a sync goes (called from a Rust thread; post to the UI thread yourself).
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    /// `phase` is `push` or `pull`; `items` done in it, `bytes` moved so far.
    fn on_progress(&self, phase: String, items: u64, bytes: u64);
}

/// Cancels a running sync; what was committed before stays.
#[derive(uniffi::Object, Default)]
pub struct CancelHandle {
    token: CancelToken,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<CancelHandle> {
        Arc::new(CancelHandle::default())
    }

    pub fn cancel(&self) {
        self.token.cancel();
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncSummary {
    pub pushed: u64,
    pub applied: u64,
    pub superseded: u64,
    pub refused: u64,
    pub wedged: u64,
    pub pulled: u64,
    pub scope_reset: bool,
    pub open_conflicts: u64,
    /// Document blobs sent before their metadata.
    pub blobs_uploaded: u64,
    /// Documents (with their rows) left for an unmetered network.
    pub blobs_held: u64,
    /// What happened to the ASN's own requests since they were last told: notifications.
    pub news: Vec<NewsEntry>,
    /// The phone's clock is far ahead of the hub's ("jam perangkat salah"): its changes were
    /// stamped again by the hub's time; the person should set the date and time.
    pub clock_ahead: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NewsEntry {
    /// `returned`, `approved`, `rejected`, `completed`, `in_review`, `teguran`.
    pub kind: String,
    /// The request (or the written warning).
    pub id: String,
    pub layanan_id: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OutboxEntry {
    pub id: String,
    pub entity: String,
    pub state: String,
    pub fields: Vec<String>,
    pub code: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ConflictEntry {
    pub id: i64,
    pub entity: String,
    pub field: String,
    pub mine: String,
    pub theirs: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncStatusInfo {
    pub server: Option<String>,
    pub user: Option<String>,
    pub last_sync: Option<String>,
    pub waiting: u64,
    pub refused: u64,
    pub wedged: u64,
    pub conflicts: u64,
}

fn name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[uniffi::export(async_runtime = "tokio")]
impl BerkasProfile {
    /// Signs in to a hub; returns the role (`personal`, `fasilitator`, `admin`).
    pub async fn login(
        &self,
        server: String,
        username: String,
        password: String,
        ca_pem: Option<String>,
    ) -> Result<String> {
        Ok(self.inner.login(&server, &username, &password, ca_pem.as_deref()).await?.role)
    }

    /// Pushes the outbox and pulls what changed. On a `metered` network (mobile data) large
    /// documents wait, with their rows, unless sent now.
    pub async fn sync(
        &self,
        metered: bool,
        listener: Option<Arc<dyn SyncListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<SyncSummary> {
        let network = if metered { Network::Metered } else { Network::Unmetered };
        let mut opts = SyncOptions { cancel: cancel.token.clone(), network, ..SyncOptions::default() };
        if let Some(l) = listener {
            opts.progress = Some(Arc::new(move |p: &SyncProgress| {
                let phase = match p.phase {
                    SyncPhase::Push => "push",
                    SyncPhase::Pull => "pull",
                };
                l.on_progress(phase.to_string(), p.items, p.bytes_sent + p.bytes_received);
            }));
        }
        let r = self.inner.sync(&opts).await?;
        Ok(SyncSummary {
            pushed: r.pushed,
            applied: r.applied,
            superseded: r.superseded,
            refused: r.refused,
            wedged: r.wedged,
            pulled: r.pulled,
            scope_reset: r.scope_reset,
            open_conflicts: self.inner.sync_status()?.conflicts,
            blobs_uploaded: r.blobs_uploaded,
            blobs_held: r.blobs_held,
            clock_ahead: r.clock_ahead,
            news: r
                .news
                .into_iter()
                .map(|n| NewsEntry { kind: n.kind, id: n.id, layanan_id: n.layanan_id, reason: n.reason })
                .collect(),
        })
    }
}

#[uniffi::export]
impl BerkasProfile {
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        Ok(self
            .inner
            .outbox()?
            .into_iter()
            .map(|i| OutboxEntry {
                id: i.id,
                entity: i.entity.key().to_string(),
                state: name(i.state),
                fields: i.fields.into_keys().collect(),
                code: i.code,
                reason: i.message,
            })
            .collect())
    }

    pub fn outbox_retry(&self, id: String) -> Result<()> {
        Ok(self.inner.outbox_retry(&id)?)
    }

    pub fn outbox_discard(&self, id: String) -> Result<()> {
        Ok(self.inner.outbox_discard(&id)?)
    }

    pub fn conflicts(&self) -> Result<Vec<ConflictEntry>> {
        Ok(self
            .inner
            .conflicts(false)?
            .into_iter()
            .map(|c| ConflictEntry {
                id: c.id,
                entity: c.entity.key().to_string(),
                field: c.field,
                mine: c.mine.to_string(),
                theirs: c.theirs.to_string(),
            })
            .collect())
    }

    pub fn dismiss_conflict(&self, id: i64) -> Result<()> {
        Ok(self.inner.dismiss_conflict(id)?)
    }

    pub fn sync_status(&self) -> Result<SyncStatusInfo> {
        let s = self.inner.sync_status()?;
        Ok(SyncStatusInfo {
            server: s.server,
            user: s.user,
            last_sync: s.last_sync,
            waiting: s.pending + s.uploading,
            refused: s.refused,
            wedged: s.wedged,
            conflicts: s.conflicts,
        })
    }
}
