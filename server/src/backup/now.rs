//! A backup made while the hub serves, when its administrator asks (`POST /v1/admin/backups`)
//! or from the command line: written into the hub's backup folder, read back whole at once
//! (decrypted, every document's hash checked), and recorded in the hub's settings so the admin
//! screen shows the last backup's age and whether it checked out.

use berkas_core::sync::admin::{BackupInfo, BackupStatus};
use std::path::{Path, PathBuf};

use super::{create_keyed, verify, AtRestKeys, BackupError, KeyCost, Manifest};
use crate::error::ApiError;
use crate::store::Storage;

/// The setting the last backup is recorded under.
const LAST_BACKUP: &str = "backup.last";

/// What a serving hub needs to back itself up.
#[derive(Clone)]
pub struct BackupTarget {
    /// The hub's data dir (its documents, its SQLite database).
    pub data: PathBuf,
    /// The PostgreSQL URL of a hub on PostgreSQL.
    pub database: Option<String>,
    pub keys: AtRestKeys,
    /// Where backups are written.
    pub dir: PathBuf,
}

impl BackupTarget {
    /// Writes a backup named by the time now, checks it, records it; the record either way
    /// once the file exists (a backup that does not check out is shown as such).
    pub async fn create_now(
        &self,
        store: &dyn Storage,
        passphrase: &str,
        cost: KeyCost,
    ) -> Result<BackupInfo, BackupError> {
        std::fs::create_dir_all(&self.dir)?;
        let name = format!("berkas-{}.bkp", chrono::Utc::now().format("%Y%m%d-%H%M%S-%3f"));
        let file = self.dir.join(&name);
        let manifest =
            create_keyed(&self.data, self.database.as_deref(), &file, passphrase, cost, self.keys.clone()).await?;
        let info = checked(&file, passphrase, &manifest).await;
        record(store, &info).await.map_err(|e| BackupError::Database(e.message))?;
        Ok(info)
    }
}

/// The record of `file`, read back whole with `passphrase`.
pub async fn checked(file: &Path, passphrase: &str, made: &Manifest) -> BackupInfo {
    let problem = match verify(file, passphrase).await {
        Ok(read) if &read == made => None,
        Ok(_) => Some("the backup read back holds another manifest than the one written".to_string()),
        Err(e) => Some(e.to_string()),
    };
    BackupInfo {
        file: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        created_at: made.created_at.clone(),
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
        documents: made.documents,
        verified: problem.is_none(),
        problem,
    }
}

/// Keeps `info` as the last backup.
pub async fn record(store: &dyn Storage, info: &BackupInfo) -> Result<(), ApiError> {
    store.set_setting(LAST_BACKUP, &serde_json::to_string(info).map_err(ApiError::internal)?).await?;
    Ok(())
}

/// The last backup and its age.
pub async fn status(store: &dyn Storage, can_create: bool) -> Result<BackupStatus, ApiError> {
    let last: Option<BackupInfo> = match store.setting(LAST_BACKUP).await? {
        Some(json) => Some(serde_json::from_str(&json).map_err(ApiError::internal)?),
        None => None,
    };
    let age_hours = last
        .as_ref()
        .and_then(|b| chrono::DateTime::parse_from_rfc3339(&b.created_at).ok())
        .map(|t| (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_hours());
    Ok(BackupStatus { last, age_hours, can_create })
}
