//! What a device keeps of its hub between syncs, read with no network: who it is signed in as
//! and the hub's limits. The sync client (`client.rs`, `referensi.rs`) writes them.

use serde::{Deserialize, Serialize};

use super::protocol::HubSettings;
use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::store::replica::meta_get;

pub(crate) const PRINCIPAL: &str = "sync.principal";
pub(crate) const SETTINGS: &str = "hub.settings";
pub(crate) const SETTINGS_TAG: &str = "hub.settings.tag";

/// Who the hub says we are after login, as the shells show it (the role as text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubPrincipal {
    pub username: String,
    pub role: String,
    #[serde(default)]
    pub pegawai_id: Option<String>,
    #[serde(default)]
    pub units: Vec<String>,
}

impl From<&crate::authz::Principal> for HubPrincipal {
    fn from(p: &crate::authz::Principal) -> HubPrincipal {
        HubPrincipal {
            username: p.username.clone(),
            role: p.role.as_str().to_string(),
            pegawai_id: p.pegawai_id.clone(),
            units: p.units.clone(),
        }
    }
}

impl Berkas {
    /// Who this profile is signed in as, in the terms of `authz` (none for a profile that never
    /// signed in to a hub: a local tool, which the rules do not limit).
    pub fn principal(&self) -> Result<Option<crate::authz::Principal>> {
        let store = self.store();
        let Some(json) = meta_get(&store.conn, PRINCIPAL)? else { return Ok(None) };
        let Ok(p) = serde_json::from_str::<HubPrincipal>(&json) else { return Ok(None) };
        Ok(crate::authz::Role::parse(&p.role).map(|role| crate::authz::Principal {
            username: p.username,
            role,
            pegawai_id: p.pegawai_id,
            units: p.units,
        }))
    }

    /// The hub's limits as stored at the last sync (none before the first).
    pub fn hub_settings(&self) -> Result<Option<HubSettings>> {
        let store = self.store();
        Ok(meta_get(&store.conn, SETTINGS)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Refuses a document the hub would refuse at upload (larger than it accepts, of a content
    /// type it does not take), before it is stored or uploaded.
    pub(crate) fn check_hub_limit(&self, id_ref_dokumen: &str, size: u64, mime: &str) -> Result<()> {
        let Some(s) = self.hub_settings()? else { return Ok(()) };
        let limit = s.document_limit(id_ref_dokumen);
        if size > limit {
            return Err(Error::TooLargeForHub { size, limit });
        }
        if !s.document_types.is_empty() && !s.document_types.iter().any(|t| t == mime) {
            return Err(Error::document(
                crate::docs::codes::TYPE_NOT_ACCEPTED,
                format!("the hub accepts documents of type {}, not {mime}", s.document_types.join(", ")),
            ));
        }
        Ok(())
    }
}
