//! The layanan catalogue travels with sync: each sync asks the hub for a newer one than the
//! device holds (an empty answer when there is none), and a BKD administrator publishes one.

use super::client::{hub_error, Hub};
use super::SyncOptions;
use crate::error::{Error, Result};
use crate::forms::LayananCatalog;
use crate::profile::Berkas;

impl Berkas {
    /// Installs the hub's catalogue when it is newer than the one here; its version if so.
    pub(super) async fn pull_layanan(&self, hub: &Hub, opts: &SyncOptions, token: &mut String) -> Result<Option<u32>> {
        let have = self.layanan_catalog()?.version.to_string();
        // The hub keeps which device runs which version, for its administrator.
        let device = crate::store::replica::device_id(&self.store().conn)?;
        let a = self
            .authed(hub, opts, token, &|c, base, t| {
                c.get(format!("{base}/v1/layanan")).query(&[("have", &have), ("device", &device)]).bearer_auth(t)
            })
            .await?;
        match a.status {
            200 => self.install_layanan_catalog(&String::from_utf8_lossy(&a.body)).map(Some),
            // 404: a hub from before catalogues were served.
            204 | 404 => Ok(None),
            s => Err(hub_error(s, &a.body)),
        }
    }

    /// Publishes a layanan catalogue to the hub (the BKD's administrators): checked here
    /// first, then by the hub, which refuses one not newer than the catalogue in force. Every
    /// device takes it at its next sync. Returns the version now in force.
    pub async fn publish_layanan_catalog(&self, json: &str, opts: &SyncOptions) -> Result<u32> {
        let new = LayananCatalog::parse(json)?;
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let body = json.to_string();
        let a = self
            .authed(&hub, opts, &mut token, &|c, base, t| {
                c.put(format!("{base}/v1/layanan"))
                    .bearer_auth(t)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
            })
            .await?;
        if a.status != 200 {
            return Err(hub_error(a.status, &a.body));
        }
        if new.version > self.layanan_catalog()?.version {
            self.install_layanan_catalog(json)?;
        }
        let v: serde_json::Value = serde_json::from_slice(&a.body)
            .map_err(|e| Error::Network(format!("the hub's answer was not understood: {e}")))?;
        Ok(v["version"].as_u64().unwrap_or(u64::from(new.version)) as u32)
    }
}
