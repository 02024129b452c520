//! Blob endpoints. `HEAD` tells an uploader where to continue; `PUT ?offset=&total=` appends a
//! chunk; `GET` serves a blob (with `Range`) to those who may see it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::model::Entity;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::blobs::{valid_name, BlobError, BlobStatus, MAX_CHUNK};
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::state::AppState;

pub use berkas_core::sync::UPLOAD_OFFSET_HEADER as OFFSET_HEADER;

fn upload_key(username: &str) -> String {
    hex::encode(&Sha256::digest(username.as_bytes())[..8])
}

fn check_name(sha: &str) -> Result<(), ApiError> {
    if valid_name(sha) {
        Ok(())
    } else {
        Err(ApiError::bad_request("blob.bad_name", "a blob is named by its SHA-256 in 64 lower-case hex digits"))
    }
}

async fn may_read(state: &AppState, caller: &Caller, sha: &str) -> Result<bool, ApiError> {
    // Administrators, whoever proved they hold the bytes, and whoever may read the documents of
    // a pegawai whose document row names them (the ASN, the facilitator of the unit).
    let anyone = authz::may(&caller.principal, Action::Read, Target::INSTANSI).is_allowed();
    if anyone || state.store.blob_owned_by(sha, &caller.principal.username).await? {
        return Ok(true);
    }
    let readers = state.store.blob_pegawai(sha).await?;
    Ok(readers
        .iter()
        .any(|(id, unit)| caller.principal.may_read(Entity::Dokumen, Target { pegawai_id: id, unit: unit.as_deref() })))
}

fn blob_error(e: BlobError) -> ApiError {
    match e {
        BlobError::OffsetMismatch { .. } => ApiError::new(StatusCode::CONFLICT, "blob.offset_mismatch", e.to_string()),
        BlobError::HashMismatch => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "blob.hash_mismatch", e.to_string()),
        BlobError::TooLarge(m) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "blob.too_large", m),
        BlobError::BadName => ApiError::bad_request("blob.bad_name", "a blob is named by its SHA-256"),
        // The hub's own disk or key is at fault, not the request: the administrator must look.
        BlobError::Sealed(_) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "blob.unreadable", e.to_string()),
        BlobError::Unavailable(_) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "blob.store_unavailable", e.to_string())
        }
        BlobError::Io(e) => ApiError::internal(e),
    }
}

/// 200 when the caller holds the complete blob; otherwise 404 with the offset to continue from.
#[utoipa::path(head, path = "/v1/blobs/{sha256}", tag = "blobs", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the bytes, 64 hex digits")),
    responses((status = 200, headers(("x-berkas-upload-offset" = u64))), (status = 404, headers(("x-berkas-upload-offset" = u64))),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn head_blob(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(sha): ApiPath<String>,
) -> Result<Response, ApiError> {
    check_name(&sha)?;
    let s = state.blobs.state(&sha, &upload_key(&caller.principal.username)).await.map_err(blob_error)?;
    let owned = state.store.blob_owned_by(&sha, &caller.principal.username).await?;
    let (status, offset) = match s.complete {
        Some(n) if owned => (StatusCode::OK, n),
        _ => (StatusCode::NOT_FOUND, s.partial),
    };
    let mut r = status.into_response();
    r.headers_mut().insert(OFFSET_HEADER, HeaderValue::from(offset));
    if status == StatusCode::OK {
        r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(offset));
    }
    Ok(r)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PutQuery {
    offset: u64,
    total: u64,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadState {
    pub offset: u64,
    pub complete: bool,
}

#[utoipa::path(put, path = "/v1/blobs/{sha256}", tag = "blobs", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the bytes, 64 hex digits"), PutQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "a chunk of at most 8 MiB"),
    responses((status = 200, body = UploadState), (status = 409, body = crate::openapi::ErrorBody, headers(("x-berkas-upload-offset" = u64))),
        (status = 422, body = crate::openapi::ErrorBody), (status = 413, body = crate::openapi::ErrorBody),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn put_blob(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(sha): ApiPath<String>,
    ApiQuery(q): ApiQuery<PutQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_name(&sha)?;
    let user = caller.principal.username.clone();
    if state.store.blob_owned_by(&sha, &user).await? {
        if let Some(n) = state.blobs.state(&sha, &upload_key(&user)).await.map_err(blob_error)?.complete {
            return Ok(Json(UploadState { offset: n, complete: true }).into_response());
        }
    }
    let limit = state.settings.max_document_bytes;
    if q.total > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "blob.too_large",
            format!("this hub accepts documents of at most {limit} bytes"),
        ));
    }
    if body.len() > MAX_CHUNK {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "blob.chunk_too_large",
            format!("send at most {MAX_CHUNK} bytes per chunk"),
        ));
    }
    // The last chunk is checked and sealed before the document is the uploader's, which takes
    // a while for a large one. A phone that hangs up meanwhile (its timeout, a cut) must find
    // the document its own at the next try, so the append and the ownership finish in a task
    // of their own: dropping this request does not drop them halfway.
    let (blobs, store, key) = (state.blobs.clone(), state.store.clone(), upload_key(&user));
    let (task_sha, task_user) = (sha.clone(), user.clone());
    let finish = tokio::spawn(async move {
        let status = blobs.append(&task_sha, &key, q.offset, q.total, body.to_vec()).await;
        if let Ok(BlobStatus::Complete(_)) = status {
            store.add_blob_owner(&task_sha, &task_user).await?;
        }
        Ok::<_, ApiError>(status)
    });
    match finish.await.map_err(ApiError::internal)?? {
        Ok(BlobStatus::Complete(n)) => Ok(Json(UploadState { offset: n, complete: true }).into_response()),
        Ok(BlobStatus::Partial(n)) => Ok(Json(UploadState { offset: n, complete: false }).into_response()),
        Ok(BlobStatus::Absent) => Ok(Json(UploadState { offset: 0, complete: false }).into_response()),
        Err(BlobError::OffsetMismatch { expected, got }) => {
            // A retry of a last chunk that an abandoned request completed meanwhile.
            if state.store.blob_owned_by(&sha, &user).await? {
                if let Some(n) = state.blobs.state(&sha, &upload_key(&user)).await.map_err(blob_error)?.complete {
                    return Ok(Json(UploadState { offset: n, complete: true }).into_response());
                }
            }
            let mut r = blob_error(BlobError::OffsetMismatch { expected, got }).into_response();
            r.headers_mut().insert(OFFSET_HEADER, HeaderValue::from(expected));
            Ok(r)
        }
        Err(e) => Err(blob_error(e)),
    }
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range).
fn parse_range(v: &str, total: u64) -> Option<(u64, u64)> {
    let spec = v.strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (total.saturating_sub(n), total)
        }
        (a, "") => (a.parse().ok()?, total),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.saturating_add(1).min(total)),
    };
    (start < end && start < total).then_some((start, end))
}

#[utoipa::path(get, path = "/v1/blobs/{sha256}", tag = "blobs", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the bytes, 64 hex digits"),
        ("range" = Option<String>, Header, description = "bytes=a-b")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = crate::openapi::ErrorBody), (status = 416, body = crate::openapi::ErrorBody),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody)))]
pub async fn get_blob(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(sha): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_name(&sha)?;
    if !may_read(&state, &caller, &sha).await? {
        return Err(ApiError::not_found());
    }
    let Some((_, total)) = state.blobs.read(&sha, 0, Some(0)).await.map_err(blob_error)? else {
        return Err(ApiError::not_found());
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, end) = match range {
        None => (StatusCode::OK, 0, total),
        Some(r) => match parse_range(r, total) {
            Some((s, e)) => (StatusCode::PARTIAL_CONTENT, s, e),
            None => {
                let mut resp =
                    ApiError::new(StatusCode::RANGE_NOT_SATISFIABLE, "blob.bad_range", "the range is outside the blob")
                        .into_response();
                resp.headers_mut().insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{total}")).map_err(ApiError::internal)?,
                );
                return Ok(resp);
            }
        },
    };
    let Some((bytes, _)) = state.blobs.read(&sha, start, Some(end)).await.map_err(blob_error)? else {
        return Err(ApiError::not_found());
    };
    let mut resp = (status, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{}/{total}", end - 1)).map_err(ApiError::internal)?,
        );
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=95-200", 100), Some((95, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }
}
