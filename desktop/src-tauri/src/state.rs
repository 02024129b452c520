//! What the app holds: the profile directory and how its key is kept, the profile once
//! opened, the preferences, and the running sync (one at a time, with its cancel token and
//! when the background sync is next due).

use berkas_core::secrets::SecretStoreKind;
use berkas_core::sync::CancelToken;
use berkas_core::Berkas;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{CmdResult, CommandError};
use crate::prefs::Prefs;

pub struct Desktop {
    dir: PathBuf,
    kind: SecretStoreKind,
    profile: Mutex<Option<Arc<Berkas>>>,
    pub(crate) prefs: Mutex<Prefs>,
    /// Held while a sync runs: a manual sync waits for the background one, never overlaps it.
    pub(crate) gate: tokio::sync::Mutex<()>,
    pub(crate) cancel: Mutex<Option<CancelToken>>,
    next_sync: Mutex<Instant>,
}

pub(crate) fn locked<T>(m: &Mutex<T>) -> CmdResult<MutexGuard<'_, T>> {
    m.lock().map_err(|_| CommandError::new("internal", "a lock was poisoned"))
}

impl Desktop {
    pub fn new(dir: PathBuf, kind: SecretStoreKind) -> Desktop {
        let prefs = Prefs::load(&dir).unwrap_or_else(|e| {
            // Kept on disk as it is until the user saves a setting; the app runs on defaults.
            eprintln!("berkas-desktop: {e}; using the default settings");
            Prefs::default()
        });
        let first = Instant::now() + Duration::from_secs(prefs.sync_secs);
        Desktop {
            dir,
            kind,
            profile: Mutex::new(None),
            prefs: Mutex::new(prefs),
            gate: tokio::sync::Mutex::new(()),
            cancel: Mutex::new(None),
            next_sync: Mutex::new(first),
        }
    }

    /// The profile, opened on first use (created on the first run, with the key in `kind`).
    pub fn berkas(&self) -> CmdResult<Arc<Berkas>> {
        let mut slot = locked(&self.profile)?;
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

    pub fn prefs(&self) -> CmdResult<Prefs> {
        Ok(locked(&self.prefs)?.clone())
    }

    /// The language the person chose for the app (Bahasa Indonesia by default).
    pub fn lang(&self) -> CmdResult<berkas_core::display::Lang> {
        Ok(berkas_core::display::Lang::parse(&locked(&self.prefs)?.language).unwrap_or_default())
    }

    /// Saves new preferences and, when the interval changed, counts it from now.
    pub fn set_prefs(&self, p: Prefs) -> CmdResult<Prefs> {
        p.save(&self.dir)?;
        let mut slot = locked(&self.prefs)?;
        if slot.sync_secs != p.sync_secs {
            self.sync_done_now(p.sync_secs)?;
        }
        *slot = p.clone();
        Ok(p)
    }

    /// Whether the background sync is due (never when it is switched off).
    pub(crate) fn sync_due(&self) -> CmdResult<bool> {
        let secs = locked(&self.prefs)?.sync_secs;
        Ok(secs > 0 && Instant::now() >= *locked(&self.next_sync)?)
    }

    /// After any sync, manual or not, the next background one is a whole interval away.
    pub(crate) fn sync_done_now(&self, secs: u64) -> CmdResult<()> {
        *locked(&self.next_sync)? = Instant::now() + Duration::from_secs(secs);
        Ok(())
    }
}
