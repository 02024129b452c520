//! The OS keyring through the `keyring` crate, with its real backends enabled explicitly in
//! Cargo.toml (Secret Service + kernel keyring on Linux, Keychain, Credential Manager).

use super::{Secret, SecretError, SecretStore};

pub struct KeyringSecretStore {
    service: String,
}

impl KeyringSecretStore {
    pub fn new(service: &str) -> KeyringSecretStore {
        KeyringSecretStore { service: service.to_string() }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(map_err)
    }
}

fn map_err(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(format!("OS keyring: {inner}")),
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(format!("OS keyring: {inner}")),
        keyring::Error::BadEncoding(_) => SecretError::Corrupt("OS keyring entry is not valid".into()),
        other => SecretError::Unavailable(format!("OS keyring: {other}")),
    }
}

impl SecretStore for KeyringSecretStore {
    fn describe(&self) -> String {
        let backend = if cfg!(target_os = "linux") {
            "Secret Service with the kernel keyring as cache"
        } else if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else {
            "platform keyring"
        };
        format!("OS keyring ({backend}), service \"{}\"", self.service)
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(hex) => Secret::from_hex(&hex).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        self.entry(name)?.set_password(&secret.to_hex()).map_err(map_err)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}
