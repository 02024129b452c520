//! A profile opened by the app: the record, edits, and sync (in `sync.rs`).

use berkas_core::model::{FieldMap, Value};
use berkas_core::secrets::SecretStoreKind;
use berkas_core::Berkas;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::error::Result;
use crate::keys::{ForeignSecrets, KeyStore};

#[derive(uniffi::Object)]
pub struct BerkasProfile {
    pub(crate) inner: Arc<Berkas>,
}

/// Text values from the app; an empty string empties the field.
pub(crate) fn fields(input: HashMap<String, String>) -> FieldMap {
    input.into_iter().map(|(k, v)| (k, if v.is_empty() { Value::Null } else { Value::Text(v) })).collect()
}

#[uniffi::export]
impl BerkasProfile {
    /// Creates a profile in `dir`; its database key goes to `keys`.
    #[uniffi::constructor]
    pub fn create(dir: String, user: String, keys: Arc<dyn KeyStore>) -> Result<Arc<BerkasProfile>> {
        let secrets = Arc::new(ForeignSecrets(keys));
        // Recorded as "file" only so that a desktop tool can tell it is not an OS keyring; the
        // app always opens it with its own store.
        let b = Berkas::init_with(Path::new(&dir), SecretStoreKind::File, secrets, &user)?;
        Ok(Arc::new(BerkasProfile { inner: Arc::new(b) }))
    }

    /// Opens the profile in `dir` with the key from `keys`.
    #[uniffi::constructor]
    pub fn open(dir: String, keys: Arc<dyn KeyStore>) -> Result<Arc<BerkasProfile>> {
        let b = Berkas::open_with(Path::new(&dir), Arc::new(ForeignSecrets(keys)))?;
        Ok(Arc::new(BerkasProfile { inner: Arc::new(b) }))
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self.inner.schema_version()?)
    }

    pub fn count_pegawai(&self) -> Result<u64> {
        Ok(self.inner.count_pegawai()?)
    }

    /// The whole record of `nip` as JSON (data utama, riwayat, completeness, warnings).
    pub fn record_json(&self, nip: String) -> Result<String> {
        let r = self.inner.pegawai(&nip)?;
        serde_json::to_string(&r).map_err(|e| berkas_core::Error::BadDocument(e.to_string()).into())
    }

    /// Changes data-utama fields (an empty value empties the field); returns what changed.
    pub fn edit_pegawai(&self, nip: String, changes: HashMap<String, String>) -> Result<Vec<String>> {
        Ok(self.inner.edit_pegawai(&nip, &fields(changes))?)
    }

    /// `synced`, `pending`, `uploading`, `refused` or `conflict`.
    pub fn record_sync_state(&self, nip: String) -> Result<String> {
        let s = self.inner.record_sync_state(&nip)?;
        Ok(serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
    }
}
