//! Documents the hub signed, checked on the phone: offline, with the hub key the profile kept
//! from its last fetch.

use crate::error::Result;
use crate::profile::BerkasProfile;

/// What the hub signed: a document of `kind` under the verification code it shows.
#[derive(uniffi::Record)]
pub struct SignedStatement {
    pub code: String,
    pub kind: String,
    pub title: String,
    pub sha256: String,
    /// When the hub signed it (UTC, RFC 3339).
    pub issued: String,
    /// Which hub key signed it.
    pub key: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl BerkasProfile {
    /// Fetches the hub's public key and keeps it for checks made offline; returns it (hex).
    pub async fn fetch_signing_key(&self) -> Result<String> {
        Ok(self.inner.fetch_signing_key(&berkas_core::sync::SyncOptions::default()).await?.to_hex())
    }

    /// The hub's signed receipt (a PDF) of a request it received: submitted and synced.
    pub async fn signed_receipt(&self, usulan_id: String) -> Result<Vec<u8>> {
        Ok(self.inner.signed_receipt(&usulan_id, &berkas_core::sync::SyncOptions::default()).await?.bytes)
    }
}

#[uniffi::export]
impl BerkasProfile {
    /// Checks a signed file offline: a PDF carries its signature; a CSV or XLSX comes with the
    /// text of its `.sig` file in `detached`.
    pub fn verify_signed(&self, file: Vec<u8>, detached: Option<String>) -> Result<SignedStatement> {
        let s = self.inner.verify_signed(&file, detached.as_deref())?;
        Ok(SignedStatement {
            code: s.code,
            kind: s.kind,
            title: s.title,
            sha256: s.sha256,
            issued: s.issued,
            key: s.key,
        })
    }
}
