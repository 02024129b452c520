//! The BKD administrator's screen: accounts, one-time reset codes, the layanan catalogue and
//! the devices running each version, reference tables and backups. Each command calls core's
//! admin client (the hub decides who may) and maps what comes back for the UI; the one call
//! without a session, a reset code traded for a password, lives here too.

use berkas_core::authz::Role;
use berkas_core::sync::admin::{AccountChange, AccountView, BackupStatus, NewAccount, ResetCode};
use berkas_core::sync::SyncOptions;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::dto::LoginInfo;
use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

#[derive(Debug, Clone, Serialize, TS)]
pub struct AdminAccount {
    pub username: String,
    /// `personal`, `fasilitator` or `admin`.
    pub role: String,
    pub nip: Option<String>,
    pub nama: Option<String>,
    pub units: Vec<String>,
    pub disabled: bool,
}

impl From<AccountView> for AdminAccount {
    fn from(a: AccountView) -> AdminAccount {
        AdminAccount {
            username: a.username,
            role: a.role.as_str().into(),
            nip: a.nip,
            nama: a.nama,
            units: a.units,
            disabled: a.disabled,
        }
    }
}

/// A one-time code, shown once to the administrator to hand to the account's owner.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IssuedCode {
    pub username: String,
    pub code: String,
    pub expires_at: String,
}

impl From<ResetCode> for IssuedCode {
    fn from(r: ResetCode) -> IssuedCode {
        IssuedCode { username: r.username, code: r.code, expires_at: r.expires_at }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AdminLayanan {
    pub id: String,
    pub nama: String,
    pub aktif: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceCount {
    pub version: u32,
    pub devices: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AdminCatalog {
    pub version: u32,
    pub published: String,
    pub layanan: Vec<AdminLayanan>,
    /// How many devices run each catalogue version (as they last told the hub).
    pub devices: Vec<DeviceCount>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RefTableRow {
    pub name: String,
    /// The first 12 hex digits of the table's version.
    pub version: String,
    pub rows: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AdminBackups {
    pub file: Option<String>,
    pub created_at: Option<String>,
    pub age_hours: Option<i32>,
    pub verified: bool,
    pub problem: Option<String>,
    pub documents: u32,
    pub bytes: f64,
    pub can_create: bool,
}

impl From<BackupStatus> for AdminBackups {
    fn from(s: BackupStatus) -> AdminBackups {
        let last = s.last.as_ref();
        AdminBackups {
            file: last.map(|b| b.file.clone()),
            created_at: last.map(|b| b.created_at.clone()),
            age_hours: s.age_hours.and_then(|h| i32::try_from(h).ok()),
            verified: last.is_some_and(|b| b.verified),
            problem: last.and_then(|b| b.problem.clone()),
            documents: last.map_or(0, |b| u32::try_from(b.documents).unwrap_or(u32::MAX)),
            bytes: last.map_or(0.0, |b| b.bytes as f64),
            can_create: s.can_create,
        }
    }
}

fn role_of(role: &str) -> CmdResult<Role> {
    Role::parse(role).ok_or_else(|| CommandError::new("account.role", role))
}

fn opts() -> SyncOptions {
    SyncOptions::default()
}

#[tauri::command]
pub async fn admin_accounts(state: State<'_, Desktop>) -> CmdResult<Vec<AdminAccount>> {
    Ok(state.berkas()?.admin_accounts(&opts()).await?.into_iter().map(Into::into).collect())
}

/// A new account; its first one-time code comes back to be shown once.
#[tauri::command]
pub async fn admin_create_account(
    state: State<'_, Desktop>,
    username: String,
    role: String,
    nip: Option<String>,
    units: Vec<String>,
) -> CmdResult<IssuedCode> {
    let new = NewAccount { username, role: role_of(&role)?, nip: nip.filter(|n| !n.trim().is_empty()), units };
    Ok(state.berkas()?.admin_create_account(&new, &opts()).await?.reset.into())
}

#[tauri::command]
pub async fn admin_change_account(
    state: State<'_, Desktop>,
    username: String,
    role: Option<String>,
    units: Option<Vec<String>>,
    disabled: Option<bool>,
) -> CmdResult<AdminAccount> {
    let change = AccountChange { role: role.as_deref().map(role_of).transpose()?, units, disabled };
    Ok(state.berkas()?.admin_change_account(&username, &change, &opts()).await?.into())
}

#[tauri::command]
pub async fn admin_reset_code(state: State<'_, Desktop>, username: String) -> CmdResult<IssuedCode> {
    Ok(state.berkas()?.admin_reset_code(&username, &opts()).await?.into())
}

async fn catalog(state: &Desktop) -> CmdResult<AdminCatalog> {
    let b = state.berkas()?;
    let c = b.layanan_catalog()?;
    let mut counts = std::collections::BTreeMap::<u32, u32>::new();
    for d in b.admin_devices(&opts()).await? {
        *counts.entry(d.layanan_version).or_default() += 1;
    }
    Ok(AdminCatalog {
        version: c.version,
        published: c.published.clone(),
        layanan: c
            .layanan
            .iter()
            .map(|l| AdminLayanan { id: l.id.clone(), nama: l.nama.clone(), aktif: l.aktif })
            .collect(),
        devices: counts.into_iter().rev().map(|(version, devices)| DeviceCount { version, devices }).collect(),
    })
}

/// The catalogue in force and how many devices run each version.
#[tauri::command]
pub async fn admin_catalog(state: State<'_, Desktop>) -> CmdResult<AdminCatalog> {
    catalog(&state).await
}

/// Switches a layanan on or off for every device (at its next sync).
#[tauri::command]
pub async fn admin_switch_layanan(state: State<'_, Desktop>, id: String, aktif: bool) -> CmdResult<AdminCatalog> {
    state.berkas()?.admin_switch_layanan(&id, aktif, &opts()).await?;
    catalog(&state).await
}

#[tauri::command]
pub async fn admin_referensi(state: State<'_, Desktop>) -> CmdResult<Vec<RefTableRow>> {
    let m = state.berkas()?.admin_referensi(&opts()).await?;
    Ok(m.tables
        .into_iter()
        .map(|t| RefTableRow { name: t.name, version: short(&t.version), rows: t.rows as u32 })
        .collect())
}

fn short(version: &str) -> String {
    version.chars().take(12).collect()
}

/// A SIASN reference table: the file's bytes raw, its name in the `file-name` header.
#[tauri::command]
pub async fn admin_publish_referensi(
    state: State<'_, Desktop>,
    request: tauri::ipc::Request<'_>,
) -> CmdResult<RefTableRow> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("referensi.body", "the table's bytes must be sent raw"));
    };
    let name = request
        .headers()
        .get("file-name")
        .and_then(|v| v.to_str().ok())
        .map(crate::views::percent_decode)
        .ok_or_else(|| CommandError::new("referensi.name", "the file's name is missing"))?;
    let info = state.berkas()?.admin_publish_referensi(&name, bytes.clone(), &opts()).await?;
    Ok(RefTableRow { name: info.name, version: short(&info.version), rows: info.rows as u32 })
}

#[tauri::command]
pub async fn admin_backups(state: State<'_, Desktop>) -> CmdResult<AdminBackups> {
    Ok(state.berkas()?.admin_backup_status(&opts()).await?.into())
}

/// Has the hub write a backup now, sealed with `passphrase` (never stored), and read it back.
#[tauri::command]
pub async fn admin_backup_now(state: State<'_, Desktop>, passphrase: String) -> CmdResult<AdminBackups> {
    let b = state.berkas()?;
    // Writing and reading back a whole hub takes longer than an ordinary request.
    let long = SyncOptions { timeout: std::time::Duration::from_secs(30 * 60), max_attempts: 1, ..opts() };
    b.admin_backup_now(&passphrase, &long).await?;
    Ok(b.admin_backup_status(&opts()).await?.into())
}

/// A one-time code traded for a password the owner chooses; signs this laptop in.
#[tauri::command]
pub async fn login_with_code(
    state: State<'_, Desktop>,
    server: String,
    user: String,
    code: String,
    new_password: String,
) -> CmdResult<LoginInfo> {
    let p = state.berkas()?.login_with_reset_code(&server, &user, &code, &new_password, None).await?;
    Ok(LoginInfo { user: p.username, role: p.role })
}
