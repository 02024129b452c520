//! What devices pull besides records: the reference tables (a manifest, then each table whose
//! version changed) and the hub's settings and limits. Both answer `304 Not Modified` to a
//! device that names the version it holds, so a sync with nothing new costs a few hundred bytes.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::refdata::parse_table;
use berkas_core::sync::{HubSettings, RefManifest, RefSetInfo};

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath};
use crate::openapi::ErrorBody;
use crate::referensi;
use crate::state::AppState;

/// The header that carries a table's version beside its body.
pub const VERSION_HEADER: &str = berkas_core::sync::REF_VERSION_HEADER;

fn etag(tag: &str) -> String {
    format!("\"{tag}\"")
}

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag(tag))
}

fn with_etag(mut r: Response, tag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&etag(tag)) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

#[utoipa::path(get, path = "/v1/referensi", tag = "records", security(("bearer" = [])),
    params(("if-none-match" = Option<String>, Header, description = "the manifest tag the device holds, quoted")),
    responses((status = 200, body = RefManifest), (status = 304, description = "the device's manifest is current"),
        (status = 401, body = ErrorBody)))]
pub async fn get_manifest(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A table imported by another process while this one serves is judged by from now on.
    let m = state.referensi.refresh(state.store.as_ref()).await?;
    if not_modified(&headers, &m.tag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &m.tag));
    }
    let tag = m.tag.clone();
    Ok(with_etag(Json(m).into_response(), &tag))
}

#[utoipa::path(get, path = "/v1/referensi/{name}", tag = "records", security(("bearer" = [])),
    params(("name" = String, Path, description = "the table, e.g. jabatanFungsional")),
    responses((status = 200, body = [Object], description = "the table's rows; its version in x-berkas-ref-version"),
        (status = 304, description = "the device holds this version"), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn get_table(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(name): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !referensi::valid_table_name(&name) {
        return Err(ApiError::bad_request("referensi.name", "not a reference table name"));
    }
    let Some((version, body)) = referensi::table(state.store.as_ref(), &name).await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "referensi.not_found", "this hub serves no such table"));
    };
    if not_modified(&headers, &version) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &version));
    }
    let mut r = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&version) {
        r.headers_mut().insert(VERSION_HEADER, v);
    }
    Ok(with_etag(r, &version))
}

#[utoipa::path(get, path = "/v1/settings", tag = "auth",
    params(("if-none-match" = Option<String>, Header, description = "the settings tag the device holds, quoted")),
    responses((status = 200, body = HubSettings), (status = 304, description = "unchanged")))]
pub async fn get_settings(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut s = state.settings.as_ref().clone();
    // The work arrangement the BKD published, if any: its change changes the tag, so devices
    // take it at their next sync.
    s.presensi = crate::presensi_api::published(&state).await.ok().flatten();
    let json = serde_json::to_string(&s).unwrap_or_default();
    let tag = referensi::version_of(&json)[..16].to_string();
    if not_modified(&headers, &tag) {
        return with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag);
    }
    with_etag(([(header::CONTENT_TYPE, "application/json")], json).into_response(), &tag)
}

#[utoipa::path(put, path = "/v1/referensi/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path, description = "the table, e.g. jabatanFungsional")),
    request_body(content = [Object], description = "the table as SIASN exports it (a JSON array, or {\"data\": [...]}); gzip with content-encoding"),
    responses((status = 200, body = RefSetInfo, description = "the table's version now served"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(name): ApiPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<RefSetInfo>, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishReferensi, Target::INSTANSI))?;
    if !referensi::valid_table_name(&name) {
        return Err(ApiError::bad_request("referensi.name", "not a reference table name"));
    }
    let table = parse_table(&name, &body).map_err(|e| ApiError::bad_request("referensi.table", e.to_string()))?;
    if table.rows.is_empty() {
        return Err(ApiError::bad_request("referensi.empty", format!("the table {name} has no rows it could read")));
    }
    let published = referensi::publish(state.store.as_ref(), std::slice::from_ref(&table)).await?;
    let Some(p) = published.into_iter().next() else { return Err(ApiError::internal("a published table vanished")) };
    state.referensi.refresh(state.store.as_ref()).await?;
    let detail = serde_json::json!({ "table": name, "version": p.info.version, "rows": p.info.rows,
        "refused": table.problems.len(), "changed": p.changed });
    state.store.audit(&caller.user.username, "referensi.publish", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(p.info))
}
