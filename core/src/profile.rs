//! A profile: a directory with `profile.json` (plain, no personal data: id, which secret store,
//! local user) and `berkas.db` (SQLCipher). The database key is a random 256-bit key kept in
//! the secret store under `berkas/<profile id>/db-key`.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::secrets::{Secret, SecretStore, SecretStoreKind};
use crate::store::Store;

pub const PROFILE_FILE: &str = "profile.json";
pub const DATABASE_FILE: &str = "berkas.db";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileConfig {
    pub id: String,
    pub secret_store: SecretStoreKind,
    /// Who changes records from this profile, until a server login says otherwise.
    pub user: String,
    pub created_at: String,
}

impl ProfileConfig {
    fn key_name(&self) -> String {
        format!("berkas/{}/db-key", self.id)
    }
}

/// The facade: one open profile.
pub struct Berkas {
    dir: PathBuf,
    config: ProfileConfig,
    store: Mutex<Store>,
    secrets: Arc<dyn SecretStore>,
    /// The HTTP client of the hub this profile syncs with, kept so that connections (and TLS
    /// sessions) live across syncs and uploads.
    #[cfg(feature = "client")]
    hub: Mutex<Option<crate::sync::CachedHub>>,
}

impl Berkas {
    /// Creates a profile in `dir` (created if needed; must not hold a profile yet).
    pub fn init(dir: &Path, kind: SecretStoreKind, user: &str) -> Result<Berkas> {
        let secrets = kind.open(dir)?;
        Self::init_with(dir, kind, secrets, user)
    }

    /// Creates a profile with a secret store supplied by the app (Android Keystore, tests).
    pub fn init_with(dir: &Path, kind: SecretStoreKind, secrets: Arc<dyn SecretStore>, user: &str) -> Result<Berkas> {
        std::fs::create_dir_all(dir)?;
        let profile_path = dir.join(PROFILE_FILE);
        let db_path = dir.join(DATABASE_FILE);
        if profile_path.exists() || db_path.exists() {
            return Err(Error::ProfileExists(dir.to_path_buf()));
        }
        let config = ProfileConfig {
            id: uuid::Uuid::now_v7().to_string(),
            secret_store: kind,
            user: user.to_string(),
            created_at: crate::store::now(),
        };
        let key = Secret::random_key()?;
        secrets.put(&config.key_name(), &key)?;
        // A store that accepts a key and forgets it would lose every record: read it back.
        if secrets.get(&config.key_name())?.as_ref() != Some(&key) {
            return Err(Error::KeyMissing { store: secrets.describe() });
        }
        let store = match Store::create(&db_path, &key) {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_file(&db_path);
                let _ = secrets.delete(&config.key_name());
                return Err(e);
            }
        };
        let json = serde_json::to_vec_pretty(&config).map_err(|e| Error::BadDocument(e.to_string()))?;
        std::fs::write(&profile_path, json)?;
        Ok(Berkas::assemble(dir, config, store, secrets))
    }

    fn assemble(dir: &Path, config: ProfileConfig, store: Store, secrets: Arc<dyn SecretStore>) -> Berkas {
        Berkas {
            dir: dir.to_path_buf(),
            config,
            store: Mutex::new(store),
            secrets,
            #[cfg(feature = "client")]
            hub: Mutex::default(),
        }
    }

    /// Opens the profile in `dir` with the secret store it was created with.
    pub fn open(dir: &Path) -> Result<Berkas> {
        let config = read_config(dir)?;
        let secrets = config.secret_store.open(dir)?;
        Self::open_config(dir, config, secrets)
    }

    /// Opens the profile with a secret store supplied by the app.
    pub fn open_with(dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Berkas> {
        let config = read_config(dir)?;
        Self::open_config(dir, config, secrets)
    }

    fn open_config(dir: &Path, config: ProfileConfig, secrets: Arc<dyn SecretStore>) -> Result<Berkas> {
        let key = secrets.get(&config.key_name())?.ok_or_else(|| Error::KeyMissing { store: secrets.describe() })?;
        let store = Store::open(&dir.join(DATABASE_FILE), &key)?;
        Ok(Berkas::assemble(dir, config, store, secrets))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config(&self) -> &ProfileConfig {
        &self.config
    }

    pub fn secret_store_description(&self) -> String {
        self.secrets.describe()
    }

    pub fn database_path(&self) -> PathBuf {
        self.dir.join(DATABASE_FILE)
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave a half-written row (SQLite rolls back an
        // open transaction), so a poisoned lock is safe to take over.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(feature = "client")]
    pub(crate) fn hub_cache(&self) -> MutexGuard<'_, Option<crate::sync::CachedHub>> {
        self.hub.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// Name of a secret of this profile in the secret store.
    pub(crate) fn secret_name(&self, what: &str) -> String {
        format!("berkas/{}/{what}", self.config.id)
    }

    pub(crate) fn actor(&self) -> &str {
        &self.config.user
    }

    pub fn schema_version(&self) -> Result<u32> {
        crate::store::schema::version(&self.store().conn)
    }

    /// SQLite's integrity check and the search index's own check; empty when all is well.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let store = self.store();
        let mut problems: Vec<String> = store
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|m| m != "ok")
            .collect();
        if let Err(e) =
            store.conn.execute("INSERT INTO pegawai_fts(pegawai_fts, rank) VALUES ('integrity-check', 1)", [])
        {
            problems.push(format!("search index: {e}"));
        }
        Ok(problems)
    }

    pub fn cipher_version(&self) -> Result<String> {
        self.store().cipher_version()
    }
}

fn read_config(dir: &Path) -> Result<ProfileConfig> {
    let path = dir.join(PROFILE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NoProfile(dir.to_path_buf())),
        Err(e) => return Err(e.into()),
    };
    serde_json::from_slice(&bytes).map_err(|e| Error::BadDocument(format!("{} is damaged: {e}", path.display())))
}
