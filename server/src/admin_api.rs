//! The BKD administrator's tools over HTTP: accounts (create, change, disable, a one-time
//! reset code), the devices seen and their catalogue version, and backups. Each handler asks
//! core's one authorization table, then calls `accounts` or `backup::now`; an administrator
//! never sees or sets a password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::sync::admin::{
    AccountChange, AccountIssued, AccountView, BackupInfo, BackupRequest, BackupStatus, DeviceView, NewAccount,
    ResetCode,
};

use crate::accounts;
use crate::auth::Caller;
use crate::backup::{now, KeyCost};
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::openapi::ErrorBody;
use crate::state::AppState;

fn allowed(caller: &Caller, action: Action) -> Result<(), ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, action, Target::INSTANSI))
}

#[utoipa::path(get, path = "/v1/admin/accounts", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<AccountView>), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_accounts(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<AccountView>>, ApiError> {
    allowed(&caller, Action::ManageUsers)?;
    let mut out = Vec::new();
    for u in state.store.list_users().await? {
        out.push(accounts::view(state.store.as_ref(), &u).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/v1/admin/accounts", tag = "admin", security(("bearer" = [])), request_body = NewAccount,
    responses((status = 200, body = AccountIssued, description = "the account and its first one-time code"),
        (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<Json<AccountIssued>, ApiError> {
    allowed(&caller, Action::ManageUsers)?;
    Ok(Json(accounts::create_with_code(state.store.as_ref(), &new, &caller.user.username).await?))
}

#[utoipa::path(patch, path = "/v1/admin/accounts/{username}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)), request_body = AccountChange,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(username): ApiPath<String>,
    ApiJson(change): ApiJson<AccountChange>,
) -> Result<Json<AccountView>, ApiError> {
    allowed(&caller, Action::ManageUsers)?;
    if username == caller.user.username && change.disabled == Some(true) {
        return Err(ApiError::bad_request("account.self", "an administrator cannot disable their own account"));
    }
    let user = accounts::change(state.store.as_ref(), &username, &change, &caller.user.username).await?;
    Ok(Json(accounts::view(state.store.as_ref(), &user).await?))
}

#[utoipa::path(post, path = "/v1/admin/accounts/{username}/reset", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, body = ResetCode, description = "shown once: single use, good for 24 hours"),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn reset_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<ResetCode>, ApiError> {
    allowed(&caller, Action::ManageUsers)?;
    Ok(Json(accounts::issue_reset_code(state.store.as_ref(), &username, &caller.user.username).await?))
}

#[utoipa::path(get, path = "/v1/admin/devices", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<DeviceView>), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn devices(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DeviceView>>, ApiError> {
    allowed(&caller, Action::ListDevices)?;
    let seen = state.store.devices().await?;
    Ok(Json(
        seen.into_iter()
            .map(|d| DeviceView {
                device: d.device,
                username: d.username,
                layanan_version: u32::try_from(d.layanan_version).unwrap_or(0),
                seen_at: d.seen_at,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/v1/admin/backups", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = BackupStatus), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn backup_status(State(state): State<AppState>, caller: Caller) -> Result<Json<BackupStatus>, ApiError> {
    allowed(&caller, Action::ManageBackups)?;
    Ok(Json(now::status(state.store.as_ref(), state.backups.is_some()).await?))
}

#[utoipa::path(post, path = "/v1/admin/backups", tag = "admin", security(("bearer" = [])), request_body = BackupRequest,
    responses((status = 200, body = BackupInfo, description = "written, read back and recorded"),
        (status = 400, body = ErrorBody), (status = 409, body = ErrorBody, description = "this hub was started without a backup folder"),
        (status = 500, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create_backup(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<BackupRequest>,
) -> Result<Json<BackupInfo>, ApiError> {
    allowed(&caller, Action::ManageBackups)?;
    let Some(target) = state.backups.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "backup.unavailable",
            "this hub does not know where its data is",
        ));
    };
    let made = target.create_now(state.store.as_ref(), &req.passphrase, KeyCost::STANDARD).await;
    let info = made.map_err(|e| match e {
        crate::backup::BackupError::WeakPassphrase => ApiError::bad_request("backup.weak_passphrase", e.to_string()),
        e => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "backup.failed", e.to_string()),
    })?;
    let detail = serde_json::json!({ "file": info.file, "verified": info.verified, "documents": info.documents });
    state.store.audit(&caller.user.username, "backup.create", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(info))
}
