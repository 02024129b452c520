//! Account rules below every handler: argon2id password hashes, the password policy, token
//! lifetimes, and the account changes the admin CLI makes (add, grant, revoke). The login
//! handlers (`auth.rs`) and `main.rs` use them; nothing here knows HTTP.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::StatusCode;
use berkas_core::authz::Role;
use berkas_core::sync::admin::{
    AccountChange, AccountIssued, AccountView, NewAccount, ResetCode, ResetRequest, RESET_CODE_TTL_SECS,
};
use serde_json::json;
use sha2::Digest;

use crate::error::ApiError;
use crate::store::{Storage, User};

pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;
/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 8;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(ApiError::internal)?.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// The one password policy (the API's password change and the admin CLI both ask it).
pub fn check_new_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "auth.weak_password",
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Adds an account; its own record (for an ASN) found by NIP.
pub async fn add(
    store: &dyn Storage,
    username: &str,
    role: Role,
    password: &str,
    nip: Option<&str>,
    units: Vec<String>,
) -> Result<User, String> {
    if store.user(username).await.map_err(|e| e.to_string())?.is_some() {
        return Err(format!("account {username} exists; use `user grant`"));
    }
    check_new_password(password).map_err(|e| e.message)?;
    let pegawai_id = match nip {
        Some(nip) => Some(
            store
                .pegawai_by_nip(nip)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no pegawai with NIP {nip}"))?
                .id,
        ),
        None => None,
    };
    let user = User {
        username: username.into(),
        password_hash: hash_password(password).map_err(|e| e.message)?,
        role,
        pegawai_id,
        units,
        disabled: false,
        scope_version: 1,
    };
    store.upsert_user(&user).await.map_err(|e| e.to_string())?;
    Ok(user)
}

/// Changes an account's role or units. A change of what it may see bumps its scope version,
/// so its devices purge and pull again (a mutasi).
pub async fn grant(
    store: &dyn Storage,
    username: &str,
    role: Option<Role>,
    units: Option<Vec<String>>,
) -> Result<User, String> {
    let mut u =
        store.user(username).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("no account {username}"))?;
    let before = (u.role, u.units.clone());
    if let Some(r) = role {
        u.role = r;
    }
    if let Some(units) = units {
        u.units = units;
    }
    if before != (u.role, u.units.clone()) {
        u.scope_version += 1;
    }
    u.disabled = false;
    store.upsert_user(&u).await.map_err(|e| e.to_string())?;
    Ok(u)
}

/// Disables an account and ends its sessions.
pub async fn revoke(store: &dyn Storage, username: &str) -> Result<(), String> {
    let mut u =
        store.user(username).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("no account {username}"))?;
    u.disabled = true;
    store.upsert_user(&u).await.map_err(|e| e.to_string())?;
    store.revoke_user_tokens(username).await.map_err(|e| e.to_string())
}

/// The letters of a reset code: no 0/O, 1/I, so it can be read out over the phone.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new one-time code, `XXXX-XXXX-XXXX` (60 random bits).
fn new_code() -> Result<String, ApiError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(ApiError::internal)?;
    let letters: Vec<char> = b.iter().map(|x| CODE_ALPHABET[usize::from(x & 31)] as char).collect();
    Ok(letters.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// What a code is kept as: the SHA-256 of its letters, however it was typed (case, dashes,
/// spaces).
pub fn code_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    hex::encode(sha2::Sha256::digest(normal.as_bytes()))
}

/// Issues a one-time code for `username` (replacing an earlier one): single use, good for
/// 24 hours. The password stays as it is until the code is used.
pub async fn issue_reset_code(store: &dyn Storage, username: &str, issued_by: &str) -> Result<ResetCode, ApiError> {
    issue_reset_code_for(store, username, issued_by, RESET_CODE_TTL_SECS).await
}

/// The same, good for `ttl_secs` (the hub's setting; 24 hours but in tests of expiry).
pub async fn issue_reset_code_for(
    store: &dyn Storage,
    username: &str,
    issued_by: &str,
    ttl_secs: i64,
) -> Result<ResetCode, ApiError> {
    let user = store.user(username).await?.ok_or_else(|| no_account(username))?;
    let code = new_code()?;
    let expires = chrono::Utc::now().timestamp() + ttl_secs;
    store.put_reset_code(&user.username, &code_hash(&code), expires, issued_by).await?;
    store
        .audit(issued_by, "account.reset_code", user.pegawai_id.as_deref(), Some(json!({ "account": username })), None)
        .await?;
    let expires_at = chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default().to_rfc3339();
    Ok(ResetCode { username: user.username, code, expires_at })
}

/// Trades a reset code for the owner's new password: the code is used up, every session of
/// the account ends, and the account is enabled.
pub async fn redeem_reset_code(store: &dyn Storage, req: &ResetRequest) -> Result<User, ApiError> {
    check_new_password(&req.new_password)?;
    let now = chrono::Utc::now().timestamp();
    let wrong = || ApiError::new(StatusCode::UNAUTHORIZED, "auth.invalid_code", "wrong or expired reset code");
    let mut user = store.user(&req.username).await?.ok_or_else(wrong)?;
    if !store.take_reset_code(&user.username, &code_hash(&req.code), now).await? {
        return Err(wrong());
    }
    let new = req.new_password.clone();
    user.password_hash =
        tokio::task::spawn_blocking(move || hash_password(&new)).await.map_err(ApiError::internal)??;
    user.disabled = false;
    store.upsert_user(&user).await?;
    store.revoke_user_tokens(&user.username).await?;
    store.audit(&user.username, "account.password_reset", user.pegawai_id.as_deref(), None, None).await?;
    Ok(user)
}

fn no_account(username: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "account.not_found", format!("no account {username}"))
}

/// An account as the administrator sees it: its record named, never its password.
pub async fn view(store: &dyn Storage, user: &User) -> Result<AccountView, ApiError> {
    let record = match &user.pegawai_id {
        Some(id) => store.pegawai_by_id(id).await?,
        None => None,
    };
    Ok(AccountView {
        username: user.username.clone(),
        role: user.role,
        nip: record.as_ref().map(|r| r.nip.clone()),
        nama: record.map(|r| r.nama),
        units: user.units.clone(),
        disabled: user.disabled,
    })
}

/// A new account with no password, only a first reset code for its owner.
pub async fn create_with_code(store: &dyn Storage, new: &NewAccount, by: &str) -> Result<AccountIssued, ApiError> {
    let name_ok = !new.username.is_empty()
        && new.username.len() <= 64
        && new.username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if !name_ok {
        return Err(ApiError::bad_request(
            "account.username",
            "a username is 1-64 letters, digits, '-', '_', '.' or '@'",
        ));
    }
    if new.role == Role::Fasilitator && new.units.is_empty() {
        return Err(ApiError::bad_request("account.units", "a facilitator needs at least one unit"));
    }
    // A presence-only account is a PPNPN's, on their record; an ASN's record gets an ASN's.
    let ppnpn_record = new.nip.as_deref().is_some_and(|n| berkas_core::model::ppnpn_nik(n).is_some());
    if (new.role == Role::Ppnpn) != ppnpn_record && (new.role == Role::Ppnpn || new.role == Role::Personal) {
        return Err(ApiError::bad_request(
            "account.record",
            "a presence-only (ppnpn) account is for a PPNPN record (PPNPN- and the NIK), and a PPNPN record has no other",
        ));
    }
    // Nobody knows this password: the account is reached only through its code.
    let mut unknown = [0u8; 32];
    getrandom::fill(&mut unknown).map_err(ApiError::internal)?;
    let password = hex::encode(unknown);
    let user = add(store, &new.username, new.role, &password, new.nip.as_deref(), new.units.clone())
        .await
        .map_err(|m| ApiError::new(StatusCode::CONFLICT, "account.invalid", m))?;
    let detail = json!({ "account": user.username, "role": user.role.as_str(), "units": user.units });
    store.audit(by, "account.create", user.pegawai_id.as_deref(), Some(detail), None).await?;
    let reset = issue_reset_code(store, &user.username, by).await?;
    Ok(AccountIssued { account: view(store, &user).await?, reset })
}

/// Changes an account's role, units or whether it is enabled.
pub async fn change(store: &dyn Storage, username: &str, c: &AccountChange, by: &str) -> Result<User, ApiError> {
    let before = store.user(username).await?.ok_or_else(|| no_account(username))?;
    let role = c.role.unwrap_or(before.role);
    let units = c.units.clone().unwrap_or_else(|| before.units.clone());
    if role == Role::Fasilitator && units.is_empty() {
        return Err(ApiError::bad_request("account.units", "a facilitator needs at least one unit"));
    }
    if role == Role::Ppnpn && role != before.role {
        let record = match before.pegawai_id.as_deref() {
            Some(id) => store.pegawai_by_id(id).await?,
            None => None,
        };
        if record.is_none_or(|e| berkas_core::model::ppnpn_nik(&e.nip).is_none()) {
            return Err(ApiError::bad_request(
                "account.record",
                "a presence-only (ppnpn) account is for a PPNPN record",
            ));
        }
    }
    let not_found = |m: String| ApiError::new(StatusCode::NOT_FOUND, "account.not_found", m);
    let mut user = grant(store, username, c.role, c.units.clone()).await.map_err(not_found)?;
    // `grant` enables the account (the CLI's meaning); here it stays as it was unless told.
    if c.disabled.unwrap_or(before.disabled) {
        revoke(store, username).await.map_err(not_found)?;
        user.disabled = true;
    }
    let detail =
        json!({ "account": username, "role": user.role.as_str(), "units": user.units, "disabled": user.disabled });
    store.audit(by, "account.change", user.pegawai_id.as_deref(), Some(detail), None).await?;
    Ok(user)
}
