//! The app's own preferences, kept beside the profile in `desktop.json`: the UI language and
//! how often to sync in the background. Written whole to a temporary file and renamed, so a
//! crash mid-write leaves the previous file.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::error::{CmdResult, CommandError};

/// The background sync runs this often unless the user picks another interval.
pub const DEFAULT_SYNC_SECS: u64 = 15 * 60;
/// A day: anything longer is a typo, not a wish.
const MAX_SYNC_SECS: u64 = 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// `id` (Bahasa Indonesia, the default) or `en`.
    pub language: String,
    /// Seconds between background syncs; 0 syncs only on demand.
    pub sync_secs: u64,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs { language: "id".into(), sync_secs: DEFAULT_SYNC_SECS }
    }
}

impl Prefs {
    fn path(dir: &Path) -> PathBuf {
        dir.join("desktop.json")
    }

    /// The saved preferences; the defaults when none were saved. A file we cannot read is
    /// reported (and left as it is) rather than silently replaced.
    pub fn load(dir: &Path) -> Result<Prefs, String> {
        match std::fs::read(Self::path(dir)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("desktop.json is not readable: {e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Prefs::default()),
            Err(e) => Err(format!("desktop.json: {e}")),
        }
    }

    pub fn save(&self, dir: &Path) -> CmdResult<()> {
        let io = |e: std::io::Error| CommandError::new("settings.io", e.to_string());
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join("desktop.json.tmp");
        let json = serde_json::to_vec_pretty(self).map_err(|e| CommandError::new("internal", e.to_string()))?;
        std::fs::write(&tmp, json).map_err(io)?;
        std::fs::rename(&tmp, Self::path(dir)).map_err(io)
    }

    pub fn with_language(&self, language: &str) -> CmdResult<Prefs> {
        if !matches!(language, "id" | "en") {
            return Err(CommandError::new("settings.language", format!("the language is id or en, not {language}")));
        }
        Ok(Prefs { language: language.into(), ..self.clone() })
    }

    pub fn with_sync_secs(&self, secs: u64) -> CmdResult<Prefs> {
        if secs > MAX_SYNC_SECS {
            return Err(CommandError::new("settings.sync_interval", format!("at most a day ({MAX_SYNC_SECS} s)")));
        }
        Ok(Prefs { sync_secs: secs, ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_preferences_come_back_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Prefs::load(dir.path()).expect("defaults"), Prefs::default());
        let p = Prefs::default().with_language("en").and_then(|p| p.with_sync_secs(300)).expect("valid");
        p.save(dir.path()).expect("save");
        assert_eq!(Prefs::load(dir.path()).expect("load"), p);
        assert_eq!(p.with_language("fr").expect_err("fr").code, "settings.language");
        assert_eq!(p.with_sync_secs(MAX_SYNC_SECS + 1).expect_err("too long").code, "settings.sync_interval");
        std::fs::write(dir.path().join("desktop.json"), b"{\"language\": ").expect("corrupt");
        assert!(Prefs::load(dir.path()).expect_err("corrupt").contains("desktop.json"));
    }
}
