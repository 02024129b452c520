//! Account rules below every handler: argon2id password hashes, the password policy, token
//! lifetimes, and the account changes the admin CLI makes (add, grant, revoke). The login
//! handlers (`auth.rs`) and `main.rs` use them; nothing here knows HTTP.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use berkas_core::authz::Role;

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
