//! The app hands in its key storage (Android Keystore, iOS Keychain) through a foreign trait;
//! core sees it as a `SecretStore`.

use berkas_core::secrets::{Secret, SecretError, SecretStore};
use std::sync::Arc;

#[uniffi::export(with_foreign)]
pub trait KeyStore: Send + Sync {
    /// The bytes stored under `name`, if any.
    fn get(&self, name: String) -> Option<Vec<u8>>;
    /// Stores `value` under `name`; false if the platform refused.
    fn put(&self, name: String, value: Vec<u8>) -> bool;
    fn delete(&self, name: String);
    /// What this store is, for support screens ("Android Keystore").
    fn describe(&self) -> String;
}

pub(crate) struct ForeignSecrets(pub Arc<dyn KeyStore>);

impl SecretStore for ForeignSecrets {
    fn describe(&self) -> String {
        self.0.describe()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.0.get(name.to_string()).map(Secret::new))
    }

    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        if self.0.put(name.to_string(), secret.expose().to_vec()) {
            Ok(())
        } else {
            Err(SecretError::Unavailable(format!("{} refused to store a key", self.0.describe())))
        }
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.0.delete(name.to_string());
        Ok(())
    }
}
