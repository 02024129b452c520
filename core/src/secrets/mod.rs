//! Where keys and tokens live. The app hands Berkas a `SecretStore`: the OS keyring on desktops
//! (`keyring` feature `os-keyring`, real backends only), a Kotlin implementation over Android
//! Keystore through the bindings, and for tests and headless servers an explicit file or
//! environment store that says plainly what it is. A store never calls back into Berkas.

#[cfg(feature = "os-keyring")]
mod keyring_store;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

#[cfg(feature = "os-keyring")]
pub use keyring_store::KeyringSecretStore;

/// Secret bytes; zeroed on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(Zeroizing::new(bytes))
    }

    /// 32 random bytes from the OS.
    pub fn random_key() -> Result<Secret, SecretError> {
        let mut k = vec![0u8; 32];
        getrandom::fill(&mut k).map_err(|e| SecretError::Unavailable(format!("no OS randomness: {e}")))?;
        Ok(Secret::new(k))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&*self.0))
    }

    pub fn from_hex(s: &str) -> Result<Secret, SecretError> {
        hex::decode(s.trim()).map(Secret::new).map_err(|_| SecretError::Corrupt("stored secret is not hex".into()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes>)", self.0.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret store unavailable: {0}")]
    Unavailable(String),
    #[error("secret store is read-only: {0}")]
    ReadOnly(String),
    #[error("secret store content is damaged: {0}")]
    Corrupt(String),
    #[error("secret store I/O: {0}")]
    Io(#[from] std::io::Error),
}

pub trait SecretStore: Send + Sync {
    /// A human description that says what protects the secrets ("OS keyring", "plain file ...").
    fn describe(&self) -> String;
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError>;
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError>;
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// Which store a profile uses; recorded in the profile so it reopens with the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretStoreKind {
    /// The OS keyring (requires the `os-keyring` feature).
    Keyring,
    /// A JSON file beside the profile, protected only by file permissions.
    File,
    /// Read-only, from `BERKAS_SECRET_<NAME>` environment variables (headless servers).
    Env,
}

impl SecretStoreKind {
    pub fn parse(s: &str) -> Option<SecretStoreKind> {
        match s {
            "keyring" => Some(SecretStoreKind::Keyring),
            "file" => Some(SecretStoreKind::File),
            "env" => Some(SecretStoreKind::Env),
            _ => None,
        }
    }

    /// Opens the store of this kind for a profile directory.
    pub fn open(self, profile_dir: &Path) -> Result<Arc<dyn SecretStore>, SecretError> {
        match self {
            SecretStoreKind::File => Ok(Arc::new(FileSecretStore::new(profile_dir.join("secrets.json")))),
            SecretStoreKind::Env => Ok(Arc::new(EnvSecretStore)),
            #[cfg(feature = "os-keyring")]
            SecretStoreKind::Keyring => Ok(Arc::new(KeyringSecretStore::new("berkas"))),
            #[cfg(not(feature = "os-keyring"))]
            SecretStoreKind::Keyring => Err(SecretError::Unavailable(
                "this build has no OS keyring support (feature os-keyring); use --secret-store file".into(),
            )),
        }
    }
}

/// Secrets in a JSON file written with mode 0600. Not OS-protected: for tests and headless
/// servers whose disk is already protected.
pub struct FileSecretStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileSecretStore {
    pub fn new(path: PathBuf) -> FileSecretStore {
        FileSecretStore { path, lock: Mutex::new(()) }
    }

    fn load(&self) -> Result<BTreeMap<String, String>, SecretError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SecretError::Corrupt(format!("{}: {e}", self.path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(e.into()),
        }
    }

    fn save(&self, map: &BTreeMap<String, String>) -> Result<(), SecretError> {
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(map).map_err(|e| SecretError::Corrupt(e.to_string()))?;
        write_private(&tmp, &bytes)?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

impl SecretStore for FileSecretStore {
    fn describe(&self) -> String {
        format!("plain file secret store (protected only by file permissions): {}", self.path.display())
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        let _g = self.lock.lock().map_err(|_| SecretError::Unavailable("lock poisoned".into()))?;
        self.load()?.get(name).map(|h| Secret::from_hex(h)).transpose()
    }

    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        let _g = self.lock.lock().map_err(|_| SecretError::Unavailable("lock poisoned".into()))?;
        let mut map = self.load()?;
        map.insert(name.to_string(), secret.to_hex().to_string());
        self.save(&map)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        let _g = self.lock.lock().map_err(|_| SecretError::Unavailable("lock poisoned".into()))?;
        let mut map = self.load()?;
        if map.remove(name).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
}

/// Read-only secrets from the environment: `BERKAS_SECRET_<NAME>` with every character that is
/// not a letter or digit turned into `_`, value in hex. For servers configured by their
/// service manager.
pub struct EnvSecretStore;

impl EnvSecretStore {
    pub fn var_name(name: &str) -> String {
        let tail: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
        format!("BERKAS_SECRET_{tail}")
    }
}

impl SecretStore for EnvSecretStore {
    fn describe(&self) -> String {
        "environment variables BERKAS_SECRET_* (read-only)".into()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        std::env::var(Self::var_name(name)).ok().map(|v| Secret::from_hex(&v)).transpose()
    }

    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        match self.get(name)? {
            Some(existing) if existing == *secret => Ok(()),
            _ => Err(SecretError::ReadOnly(format!("set {} in the environment", Self::var_name(name)))),
        }
    }

    fn delete(&self, _name: &str) -> Result<(), SecretError> {
        Err(SecretError::ReadOnly("unset the variable in the environment".into()))
    }
}

/// In-memory store for tests: says so, and keeps nothing after the process ends.
#[derive(Default)]
pub struct MemorySecretStore {
    map: Mutex<BTreeMap<String, Secret>>,
}

impl SecretStore for MemorySecretStore {
    fn describe(&self) -> String {
        "in-memory secret store (tests only; forgets everything at exit)".into()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.map.lock().map_err(|_| SecretError::Unavailable("lock poisoned".into()))?.get(name).cloned())
    }

    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        self.map
            .lock()
            .map_err(|_| SecretError::Unavailable("lock poisoned".into()))?
            .insert(name.into(), secret.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.map.lock().map_err(|_| SecretError::Unavailable("lock poisoned".into()))?.remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_store_round_trips_and_is_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = FileSecretStore::new(dir.path().join("s.json"));
        assert!(store.get("a").expect("get").is_none());
        let k = Secret::random_key().expect("key");
        store.put("a", &k).expect("put");
        assert_eq!(store.get("a").expect("get"), Some(k));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("s.json")).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store.delete("a").expect("delete");
        assert!(store.get("a").expect("get").is_none());
        assert!(store.describe().contains("plain file"));
    }

    #[test]
    fn damaged_file_store_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("s.json"), b"{not json").expect("write");
        let store = FileSecretStore::new(dir.path().join("s.json"));
        assert!(matches!(store.get("a"), Err(SecretError::Corrupt(_))));
    }

    #[test]
    fn secrets_never_print() {
        let k = Secret::new(vec![1, 2, 3]);
        assert_eq!(format!("{k:?}"), "Secret(<3 bytes>)");
    }

    #[test]
    fn env_store_names() {
        assert_eq!(EnvSecretStore::var_name("berkas/abc-1/db-key"), "BERKAS_SECRET_BERKAS_ABC_1_DB_KEY");
    }
}
