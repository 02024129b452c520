//! Reference tables and the hub's limits travel with sync. Each sync asks the hub's manifest
//! (`304` when the device holds it), then fetches only the tables whose version changed, each
//! checked against its version and installed whole in one transaction: a sync cut in the
//! middle of a table leaves the device on the old complete table, and the next sync fetches
//! only the tables still missing. The hub's settings (the largest document it accepts, the
//! content types, its protocol) are stored at each sync so that a capture is refused here,
//! before any upload.

use rusqlite::TransactionBehavior;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use super::client::{hub_error, Hub, SyncReport};
use super::protocol::{HubSettings, RefManifest, RefSetInfo, REF_VERSION_HEADER};
use super::SyncOptions;
use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::refdata::parse_table;
use crate::store::refs;
use crate::store::replica::{meta_get, meta_set};

use super::session::{SETTINGS, SETTINGS_TAG};
const MANIFEST_TAG: &str = "referensi.tag";

/// What one sync did to the reference tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefSyncReport {
    /// Tables installed in this sync (new or changed on the hub).
    pub updated: Vec<String>,
    /// Bytes of table bodies received (as decoded).
    pub bytes: u64,
}

fn quoted(tag: &str) -> String {
    format!("\"{tag}\"")
}

impl Berkas {
    /// Fetches the hub's settings unless unchanged since the last sync.
    pub(super) async fn pull_settings(&self, hub: &Hub, opts: &SyncOptions, report: &mut SyncReport) -> Result<()> {
        let tag = meta_get(&self.store().conn, SETTINGS_TAG)?;
        let a = hub
            .call(opts, &|c, base| {
                let r = c.get(format!("{base}/v1/settings"));
                match &tag {
                    Some(t) => r.header(reqwest::header::IF_NONE_MATCH, quoted(t)),
                    None => r,
                }
            })
            .await?;
        report.bytes_received += a.body.len() as u64;
        match a.status {
            200 => {
                let s: HubSettings = serde_json::from_slice(&a.body)
                    .map_err(|e| Error::Network(format!("the hub's settings were not understood: {e}")))?;
                let etag =
                    a.headers.get(reqwest::header::ETAG).and_then(|v| v.to_str().ok()).map(|v| v.trim_matches('"'));
                let store = self.store();
                meta_set(&store.conn, SETTINGS, &serde_json::to_string(&s).unwrap_or_default())?;
                if let Some(t) = etag {
                    meta_set(&store.conn, SETTINGS_TAG, t)?;
                }
                Ok(())
            }
            // 404: a hub from before settings were served; nothing to keep.
            304 | 404 => Ok(()),
            s => Err(hub_error(s, &a.body)),
        }
    }

    /// Takes every reference table the hub changed since this device last asked, of those a
    /// device uses (`refdata::device_tables`).
    pub(super) async fn pull_referensi(
        &self,
        hub: &Hub,
        opts: &SyncOptions,
        token: &mut String,
        report: &mut SyncReport,
    ) -> Result<RefSyncReport> {
        let mut out = RefSyncReport::default();
        let tag = meta_get(&self.store().conn, MANIFEST_TAG)?;
        let a = self
            .authed(hub, opts, token, &|c, base, t| {
                let r = c.get(format!("{base}/v1/referensi")).bearer_auth(t);
                match &tag {
                    Some(tag) => r.header(reqwest::header::IF_NONE_MATCH, quoted(tag)),
                    None => r,
                }
            })
            .await?;
        report.bytes_received += a.body.len() as u64;
        let manifest: RefManifest = match a.status {
            200 => serde_json::from_slice(&a.body)
                .map_err(|e| Error::Network(format!("the hub's list of reference tables was not understood: {e}")))?,
            // 404: a hub from before reference tables were served.
            304 | 404 => return Ok(out),
            s => return Err(hub_error(s, &a.body)),
        };
        let held: BTreeMap<String, Option<String>> = {
            let store = self.store();
            refs::versions(&store.conn)?
        };
        let wanted = crate::refdata::device_tables();
        let mut missed = false;
        for t in &manifest.tables {
            if !wanted.contains(t.name.as_str()) {
                continue;
            }
            if held.get(&t.name).is_some_and(|v| v.as_deref() == Some(t.version.as_str())) {
                continue;
            }
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            match self.pull_table(hub, opts, token, t).await? {
                Some(bytes) => {
                    report.bytes_received += bytes;
                    out.bytes += bytes;
                    out.updated.push(t.name.clone());
                }
                None => missed = true,
            }
        }
        // Only once every table is in: a cut sync asks the manifest again next time.
        if !missed {
            meta_set(&self.store().conn, MANIFEST_TAG, &manifest.tag)?;
        }
        Ok(out)
    }

    /// Fetches one table, checks it against its version and installs it whole.
    async fn pull_table(
        &self,
        hub: &Hub,
        opts: &SyncOptions,
        token: &mut String,
        t: &RefSetInfo,
    ) -> Result<Option<u64>> {
        let name = t.name.clone();
        let a = self
            .authed(hub, opts, token, &|c, base, tok| c.get(format!("{base}/v1/referensi/{name}")).bearer_auth(tok))
            .await?;
        match a.status {
            200 => {}
            // Named in a manifest read a moment before an import replaced it: taken next time.
            404 => return Ok(None),
            s => return Err(hub_error(s, &a.body)),
        }
        let version = a
            .headers
            .get(REF_VERSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| Error::Network(format!("reference table {name} came without its version")))?;
        let got = hex::encode(Sha256::digest(&a.body));
        if got != version {
            return Err(Error::Network(format!(
                "reference table {name} arrived damaged or cut ({} bytes); the table in use is kept",
                a.body.len()
            )));
        }
        let parsed = parse_table(&name, &a.body)?;
        let mut store = self.store();
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        refs::replace_table(&tx, &parsed, "hub", Some(&version))?;
        tx.commit()?;
        store.refs.invalidate();
        Ok(Some(a.body.len() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::megabytes;

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(megabytes(40 << 20), "40 MB");
        assert_eq!(megabytes(48 * 1024 * 1024 + 1000), "48 MB");
        assert_eq!(megabytes(1536 * 1024), "1.5 MB");
        let s = HubSettings {
            protocol: 1,
            max_document_bytes: 40 << 20,
            max_document_bytes_by_type: [("pas_foto".to_string(), 2 << 20)].into(),
            document_types: vec![],
            max_chunk_bytes: 8 << 20,
            max_push: 1000,
            metered_document_bytes: 1 << 20,
            presensi: None,
        };
        assert_eq!(s.document_limit("pas_foto"), 2 << 20);
        assert_eq!(s.document_limit("872"), 40 << 20);
    }
}
