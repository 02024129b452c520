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

/// What to do when no keyring service answers: a server or an SSH session has no desktop
/// session bus, and the keyring's own error ("Unable to autolaunch a dbus-daemon without a
/// $DISPLAY") does not say so.
fn unreachable_hint(inner: &str) -> String {
    let lower = inner.to_ascii_lowercase();
    if lower.contains("dbus") || lower.contains("d-bus") || lower.contains("secret service") {
        format!(
            "OS keyring: no keyring service is reachable here (no desktop session: {inner}). Run in a desktop \
             session, or use --secret-store file (the key then sits in a file beside the profile: whoever can \
             read the profile's folder can open it), or the kernel keyring inside `keyctl session`"
        )
    } else {
        format!("OS keyring: {inner}")
    }
}

fn map_err(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(unreachable_hint(&inner.to_string())),
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(unreachable_hint(&inner.to_string())),
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_session_bus_is_named_with_what_to_do() {
        let hint = super::unreachable_hint("DBus error: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11");
        assert!(hint.contains("no desktop session") && hint.contains("--secret-store file"), "{hint}");
        assert_eq!(super::unreachable_hint("locked"), "OS keyring: locked");
    }
}
