//! What the app holds: the profile directory and how its key is kept, the profile once
//! opened, the running sync's cancel token, and the UI language.

use berkas_core::secrets::SecretStoreKind;
use berkas_core::sync::CancelToken;
use berkas_core::Berkas;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::error::{CmdResult, CommandError};

pub struct Desktop {
    dir: PathBuf,
    kind: SecretStoreKind,
    profile: Mutex<Option<Arc<Berkas>>>,
    pub(crate) sync: Mutex<Option<CancelToken>>,
    pub(crate) lang: Mutex<String>,
}

impl Desktop {
    pub fn new(dir: PathBuf, kind: SecretStoreKind) -> Desktop {
        Desktop { dir, kind, profile: Mutex::new(None), sync: Mutex::new(None), lang: Mutex::new("id".into()) }
    }

    /// The profile, opened on first use (created on the first run, with the key in `kind`).
    pub fn berkas(&self) -> CmdResult<Arc<Berkas>> {
        let mut slot = self.profile.lock().map_err(|_| CommandError::new("internal", "profile lock poisoned"))?;
        if let Some(b) = slot.as_ref() {
            return Ok(b.clone());
        }
        let b = if self.dir.join("profile.json").exists() {
            Berkas::open(&self.dir)?
        } else {
            std::fs::create_dir_all(&self.dir).map_err(|e| CommandError::new("profile.io", e.to_string()))?;
            Berkas::init(&self.dir, self.kind, "desktop")?
        };
        let b = Arc::new(b);
        *slot = Some(b.clone());
        Ok(b)
    }
}
