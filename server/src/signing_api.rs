//! Signed documents. The hub holds the instansi's Ed25519 key: made at first use and kept in
//! the hub's settings, so every hub process on one database signs with it and a backup holds
//! it. Facilitators and administrators have statements about their documents signed (the hub
//! sees a hash, never the document); anyone may fetch the public key to check a document
//! offline, or look a code up to see what was issued under it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::{self, Action, Principal, Target};
use berkas_core::model::{Entity, Value};
use berkas_core::signing::{receipt_title, PublicKey, Signed, Statement};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::openapi::ErrorBody;
use crate::state::AppState;
use crate::store::{SignatureRecord, Storage};

const KEY_SETTING: &str = "signing.key";

/// The instansi's signing key.
pub struct HubKey {
    pair: Ed25519KeyPair,
    pub public: PublicKey,
}

impl HubKey {
    /// The key in force, made (once, whichever hub process gets there first) if there is none.
    pub async fn load(store: &dyn Storage) -> Result<HubKey, ApiError> {
        let stored = match store.setting(KEY_SETTING).await? {
            Some(v) => v,
            None => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                    .map_err(|_| ApiError::internal("no randomness for the signing key"))?;
                store.init_setting(KEY_SETTING, &hex::encode(pkcs8.as_ref())).await?
            }
        };
        let pair = hex::decode(stored)
            .ok()
            .and_then(|b| Ed25519KeyPair::from_pkcs8(&b).ok())
            .ok_or_else(|| ApiError::internal("the stored signing key is damaged"))?;
        let public = <[u8; 32]>::try_from(pair.public_key().as_ref())
            .map(PublicKey::from_bytes)
            .map_err(|_| ApiError::internal("the signing key's public half is not 32 bytes"))?;
        Ok(HubKey { pair, public })
    }

    pub fn sign(&self, statement: Statement) -> Signed {
        let signature = self.pair.sign(statement.to_text().as_bytes()).as_ref().to_vec();
        Signed { statement, signature }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyAnswer {
    /// Always `Ed25519`.
    algorithm: &'static str,
    /// What statements name the key by: the first 8 bytes of its SHA-256, hex.
    key_id: String,
    /// The 32-byte public key, hex.
    public_key: String,
}

#[utoipa::path(get, path = "/v1/signing-key", tag = "documents",
    responses((status = 200, body = KeyAnswer, description = "the key documents of this hub are signed with")))]
pub async fn signing_key(State(state): State<AppState>) -> Result<Json<KeyAnswer>, ApiError> {
    let key = HubKey::load(state.store.as_ref()).await?;
    Ok(Json(KeyAnswer { algorithm: "Ed25519", key_id: key.public.key_id(), public_key: key.public.to_hex() }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignRequest {
    /// The code the document shows, `XXXX-XXXX-XXXX`, made by the device.
    code: String,
    /// `nominatif` or `surat_pengantar` (facilitators and administrators), or `tanda_terima`
    /// (anyone who may read the request it names).
    kind: String,
    /// For `tanda_terima`, exactly `Tanda terima usulan LAYANAN USULAN-ID`.
    title: String,
    /// SHA-256 of the signed bytes, hex.
    sha256: String,
    /// The request a `tanda_terima` is for.
    #[serde(default)]
    usulan: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignAnswer {
    #[schema(value_type = Object)]
    statement: Statement,
    /// Hex of the Ed25519 signature over the statement's text.
    signature: String,
}

#[utoipa::path(post, path = "/v1/signatures", tag = "documents", security(("bearer" = [])), request_body = SignRequest,
    responses((status = 200, body = SignAnswer, description = "the signed statement (the first answer again for a retried request)"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<SignRequest>,
) -> Result<Json<SignAnswer>, ApiError> {
    if req.kind == "tanda_terima" {
        check_receipt(&state, &caller.principal, req.usulan.as_deref(), &req.title).await?;
    } else {
        ApiError::unless_allowed(authz::may(&caller.principal, Action::SignDocument, Target::INSTANSI))?;
    }
    let key = HubKey::load(state.store.as_ref()).await?;
    let statement = Statement {
        code: req.code,
        kind: req.kind,
        title: req.title,
        sha256: req.sha256,
        issued: crate::store::now_text(),
        key: key.public.key_id(),
    };
    statement.check().map_err(|e| ApiError::bad_request("signature.request", e.to_string()))?;
    let signed = key.sign(statement);
    let s = &signed.statement;
    let record = SignatureRecord {
        code: s.code.clone(),
        kind: s.kind.clone(),
        title: s.title.clone(),
        sha256: s.sha256.clone(),
        issued: s.issued.clone(),
        key_id: s.key.clone(),
        signed_by: caller.user.username.clone(),
        signature: hex::encode(&signed.signature),
    };
    let stored = state.store.insert_signature(&record).await?;
    if (&stored.kind, &stored.title, &stored.sha256) != (&record.kind, &record.title, &record.sha256) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "signature.code_taken",
            "this verification code already names another document; make the document again with a new code",
        ));
    }
    if stored == record {
        let detail = serde_json::json!({ "code": stored.code, "kind": stored.kind });
        state.store.audit(&caller.user.username, "document.sign", None, Some(detail), caller.remote.as_deref()).await?;
    }
    Ok(Json(answer_of(stored)))
}

/// A receipt vouches for a request the hub holds: it must exist, be the caller's to read and
/// have been submitted, and the receipt's title must be the one the hub gives it.
async fn check_receipt(
    state: &AppState,
    principal: &Principal,
    usulan: Option<&str>,
    title: &str,
) -> Result<(), ApiError> {
    let id =
        usulan.ok_or_else(|| ApiError::bad_request("signature.request", "a receipt names its request (usulan)"))?;
    let key = (Entity::Usulan, id.to_string());
    let ctx = state.store.batch_context(vec![], vec![], vec![key.clone()]).await?;
    let owner = ctx.row_owners.get(&key).ok_or_else(ApiError::not_found)?;
    let entry = state.store.pegawai_by_id(owner).await?.ok_or_else(ApiError::not_found)?;
    let target = Target { pegawai_id: &entry.id, unit: entry.unit.as_deref() };
    if !principal.may_read(Entity::Usulan, target) {
        return Err(ApiError::not_found());
    }
    let rows = state.store.rows_of(&entry.id).await?;
    let row = rows
        .into_iter()
        .find(|(e, r, s)| *e == Entity::Usulan && r == id && s.is_live())
        .map(|(_, _, s)| s)
        .ok_or_else(ApiError::not_found)?;
    let text = |f: &str| row.values.get(f).and_then(Value::as_str).unwrap_or_default().to_string();
    if matches!(text("status").as_str(), "" | "DRAFT") {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "signature.not_submitted",
            "the hub holds this request as a draft: submit it and sync, then ask again",
        ));
    }
    let expected = receipt_title(&text("layanan_id"), id);
    if title != expected {
        return Err(ApiError::bad_request("signature.request", format!("a receipt's title is \"{expected}\"")));
    }
    Ok(())
}

fn answer_of(r: SignatureRecord) -> SignAnswer {
    let statement =
        Statement { code: r.code, kind: r.kind, title: r.title, sha256: r.sha256, issued: r.issued, key: r.key_id };
    SignAnswer { statement, signature: r.signature }
}

#[utoipa::path(get, path = "/v1/signatures/{code}", tag = "documents", params(("code" = String, Path)),
    responses((status = 200, body = SignAnswer, description = "what was signed under this code"),
        (status = 404, body = ErrorBody)))]
pub async fn lookup(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<SignAnswer>, ApiError> {
    // Codes are typed from paper: lower case and missing dashes are forgiven.
    let compact: String = code.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect::<String>().to_uppercase();
    let code = if compact.len() == 12 && compact.is_ascii() {
        format!("{}-{}-{}", &compact[..4], &compact[4..8], &compact[8..])
    } else {
        code
    };
    match state.store.signature(&code).await? {
        Some(r) => Ok(Json(answer_of(r))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "signature.unknown_code",
            "this hub signed nothing under this code",
        )),
    }
}
