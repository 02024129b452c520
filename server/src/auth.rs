//! Accounts and tokens: argon2id password hashes, short-lived access tokens and rotating
//! refresh tokens (only their SHA-256 is stored), rate-limited login, logout, and a password
//! change that only the owner can make.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::Principal;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::store::{Token, TokenKind, User};

/// Failed logins per username allowed in `FAILURE_WINDOW_SECS` before login is refused.
pub const MAX_FAILURES: u32 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;

pub use crate::accounts::{hash_password, verify_password, ACCESS_TTL_SECS, REFRESH_TTL_SECS};
pub use berkas_core::sync::admin::ResetRequest;
pub use berkas_core::sync::protocol::{LoginRequest, RefreshRequest, TokenPair};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn random_token(prefix: &str) -> Result<String, ApiError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(ApiError::internal)?;
    Ok(format!("{prefix}{}", hex::encode(b)))
}

pub fn principal_of(user: &User) -> Principal {
    Principal {
        username: user.username.clone(),
        role: user.role,
        pegawai_id: user.pegawai_id.clone(),
        units: user.units.clone(),
    }
}

async fn issue(state: &AppState, user: &User, family: Option<String>) -> Result<TokenPair, ApiError> {
    let access = random_token("bka_")?;
    let refresh = random_token("bkr_")?;
    let family = match family {
        Some(f) => f,
        None => uuid::Uuid::now_v7().to_string(),
    };
    let t = now();
    state
        .store
        .insert_token(&Token {
            hash: sha256_hex(&access),
            username: user.username.clone(),
            kind: TokenKind::Access,
            expires_at: t + state.access_ttl,
            revoked: false,
            family: family.clone(),
        })
        .await?;
    state
        .store
        .insert_token(&Token {
            hash: sha256_hex(&refresh),
            username: user.username.clone(),
            kind: TokenKind::Refresh,
            expires_at: t + state.refresh_ttl,
            revoked: false,
            family,
        })
        .await?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.access_ttl,
        principal: principal_of(user),
    })
}

/// The key failed sign-ins of an account are counted under (logins, reset codes, password
/// changes alike).
fn failure_key(username: &str) -> String {
    format!("user:{username}")
}

/// Refuses once an account had `MAX_FAILURES` failed attempts in the window.
async fn not_rate_limited(state: &AppState, key: &str, t: i64) -> Result<(), ApiError> {
    if state.store.login_failures_since(key, t - FAILURE_WINDOW_SECS).await? >= MAX_FAILURES {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "auth.rate_limited",
            "too many failed attempts; wait 15 minutes",
        ));
    }
    Ok(())
}

fn invalid_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "auth.invalid_credentials", "wrong username or password")
}

#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::openapi::ErrorBody),
        (status = 429, body = crate::openapi::ErrorBody), (status = 400, body = crate::openapi::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let (key, t) = (failure_key(&req.username), now());
    not_rate_limited(&state, &key, t).await?;
    let user = state.store.user(&req.username).await?;
    // Verify even for an unknown user, so timing does not tell which usernames exist.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| state.dummy_hash.clone());
    let password = req.password.clone();
    let ok =
        tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(ApiError::internal)?;
    match user {
        Some(u) if ok && !u.disabled => {
            state.store.clear_login_failures(&key).await?;
            state.store.audit(&u.username, "login", u.pegawai_id.as_deref(), None, None).await?;
            Ok(Json(issue(&state, &u, None).await?))
        }
        Some(u) if state.store.reset_code_valid(&u.username, &crate::accounts::code_hash(&req.password), t).await? => {
            // A one-time code given as the password: the owner is told to choose a password
            // (`POST /v1/auth/reset`); the code is not used up by this.
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "auth.reset_required",
                "this is a one-time code: choose a new password to sign in",
            ))
        }
        _ => {
            state.store.add_login_failure(&key, t).await?;
            Err(invalid_credentials())
        }
    }
}

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let hash = sha256_hex(&req.refresh_token);
    let token = state.store.token(&hash).await?.filter(|t| t.kind == TokenKind::Refresh);
    let Some(token) = token else { return Err(ApiError::unauthorized("unknown refresh token")) };
    if token.revoked {
        // A rotated token again. The answer to a refresh can be lost on a bad connection, and
        // the device then retries with the token it still holds: if the token that replaced
        // it was never used, that is what happened, and it is replaced once more. If it was
        // used, someone holds a copy: the whole session ends.
        let successor = state.store.successor(&hash).await?;
        let Some(next) = successor else {
            // Never rotated: its session was ended as a whole (a logout, a disabled account).
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "auth.session_ended",
                "this session was ended; sign in again",
            ));
        };
        let unused = state.store.token(&next).await?.filter(|n| !n.revoked && n.expires_at >= now());
        let Some(unused) = unused else {
            state.store.revoke_family(&token.family).await?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "auth.refresh_reused",
                "this session was ended; log in again",
            ));
        };
        state.store.revoke_token(&unused.hash).await?;
    }
    if token.expires_at < now() {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "auth.expired", "the session expired; log in again"));
    }
    let user = state
        .store
        .user(&token.username)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| ApiError::unauthorized("account disabled"))?;
    state.store.revoke_token(&hash).await?;
    let pair = issue(&state, &user, Some(token.family)).await?;
    state.store.set_successor(&hash, &sha256_hex(&pair.refresh_token)).await?;
    Ok(Json(pair))
}

/// A one-time code from the administrator traded for the owner's own password; the answer
/// is a session, as a login's. Wrong codes count as failed logins.
#[utoipa::path(post, path = "/v1/auth/reset", tag = "auth", request_body = ResetRequest,
    responses((status = 200, body = TokenPair), (status = 400, body = crate::openapi::ErrorBody),
        (status = 401, body = crate::openapi::ErrorBody), (status = 429, body = crate::openapi::ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let (key, t) = (failure_key(&req.username), now());
    not_rate_limited(&state, &key, t).await?;
    match crate::accounts::redeem_reset_code(state.store.as_ref(), &req).await {
        Ok(user) => {
            state.store.clear_login_failures(&key).await?;
            Ok(Json(issue(&state, &user, None).await?))
        }
        Err(e) if e.code == "auth.invalid_code" => {
            state.store.add_login_failure(&key, t).await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The authenticated caller of a request.
pub struct Caller {
    pub user: User,
    pub principal: Principal,
    pub family: String,
    /// Where the request came from (for the audit trail), when the server knows it.
    pub remote: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        // The scheme is case-insensitive (RFC 9110 11.1): `bearer`, `Bearer`, `BEARER`.
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token,
            _ => return Err(ApiError::unauthorized("missing bearer token")),
        };
        let t =
            state.store.token(&sha256_hex(token.trim())).await?.filter(|t| t.kind == TokenKind::Access && !t.revoked);
        let Some(t) = t else { return Err(ApiError::unauthorized("invalid or revoked token")) };
        if t.expires_at < now() {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "auth.expired", "access token expired; refresh it"));
        }
        let user = state
            .store
            .user(&t.username)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| ApiError::unauthorized("account disabled"))?;
        let principal = principal_of(&user);
        let remote =
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(Caller { user, principal, family: t.family, remote })
    }
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    state.store.revoke_family(&caller.family).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Only the owner changes a password, and must know the old one; other sessions end.
#[utoipa::path(post, path = "/v1/auth/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 204), (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 429, body = crate::openapi::ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    crate::accounts::check_new_password(&req.new_password)?;
    // Wrong old passwords count with failed logins: a stolen access token cannot be used to
    // guess the password without limit.
    let (key, t) = (failure_key(&caller.user.username), now());
    not_rate_limited(&state, &key, t).await?;
    let (old, hash) = (req.old_password.clone(), caller.user.password_hash.clone());
    if !tokio::task::spawn_blocking(move || verify_password(&old, &hash)).await.map_err(ApiError::internal)? {
        state.store.add_login_failure(&key, t).await?;
        return Err(invalid_credentials());
    }
    state.store.clear_login_failures(&key).await?;
    let new = req.new_password.clone();
    let new_hash = tokio::task::spawn_blocking(move || hash_password(&new)).await.map_err(ApiError::internal)??;
    let mut user = caller.user.clone();
    user.password_hash = new_hash;
    state.store.upsert_user(&user).await?;
    state.store.revoke_user_tokens(&user.username).await?;
    state.store.audit(&user.username, "password_change", user.pegawai_id.as_deref(), None, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
