//! The layanan catalogue in force at this instansi: devices fetch it when it is newer than
//! theirs (each sync asks with the version they hold), the BKD's administrator publishes a new
//! one (a layanan switched off, a new version with its SOP). The hub checks a published
//! catalogue with core's rules, and applies approved data changes by the one in force.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::forms::LayananCatalog;
use berkas_core::sync::admin::LayananSwitch;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::service;
use crate::state::AppState;
use crate::store::Storage;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// The version the device holds: an answer only when the hub's is newer.
    have: Option<u32>,
    /// The asking device's id: the administrator sees which devices run which version.
    device: Option<String>,
}

#[utoipa::path(get, path = "/v1/layanan", tag = "records", security(("bearer" = [])), params(CatalogQuery),
    responses((status = 200, body = Object, description = "the catalogue in force"),
        (status = 204, description = "the device's version is current"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn get_catalog(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> Result<Response, ApiError> {
    if let (Some(device), Some(have)) = (q.device.as_deref(), q.have) {
        if device.len() <= 64 && !device.is_empty() {
            state.store.note_device(device, &caller.user.username, i64::from(have)).await?;
        }
    }
    let c = service::layanan_catalog(&state).await?;
    if q.have.is_some_and(|h| h >= c.version) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(c).into_response())
}

#[utoipa::path(put, path = "/v1/layanan", tag = "records", security(("bearer" = [])),
    request_body(content = Object, description = "a layanan catalogue"),
    responses((status = 200, body = Object, description = "the version now in force"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put_catalog(
    State(state): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishLayanan, Target::INSTANSI))?;
    let body = std::str::from_utf8(&body)
        .map_err(|e| ApiError::bad_request("layanan.definition", format!("the catalogue is not UTF-8 text: {e}")))?;
    let new = LayananCatalog::parse(body).map_err(|e| ApiError::bad_request("layanan.definition", e.to_string()))?;
    let current = service::layanan_catalog(&state).await?.version;
    if new.version <= current {
        return Err(ApiError::bad_request(
            "layanan.not_newer",
            format!("catalogue version {} is not newer than the one in force ({current})", new.version),
        ));
    }
    service::set_layanan_catalog(&state, body).await?;
    let detail = serde_json::json!({ "version": new.version, "published": new.published });
    state.store.audit(&caller.user.username, "layanan.publish", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(serde_json::json!({ "version": new.version })).into_response())
}

#[utoipa::path(patch, path = "/v1/layanan/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "the layanan, e.g. kartu_pegawai")), request_body = LayananSwitch,
    responses((status = 200, body = Object, description = "the version now in force"),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn switch_layanan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<LayananSwitch>,
) -> Result<Json<serde_json::Value>, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishLayanan, Target::INSTANSI))?;
    let (version, changed) = switch(state.store.as_ref(), &id, req.aktif).await?;
    if changed {
        let detail = serde_json::json!({ "version": version, "layanan": id, "aktif": req.aktif });
        state
            .store
            .audit(&caller.user.username, "layanan.switch", None, Some(detail), caller.remote.as_deref())
            .await?;
    }
    Ok(Json(serde_json::json!({ "version": version, "changed": changed })))
}

/// Switches one layanan on or off by publishing the next catalogue version (the API and
/// `berkas-server layanan switch`); (the version in force, whether it changed).
pub async fn switch(store: &dyn Storage, id: &str, aktif: bool) -> Result<(u32, bool), ApiError> {
    let mut c = service::catalog_in(store).await?;
    let Some(def) = c.layanan.iter_mut().find(|l| l.id == id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "layanan.not_found",
            format!("no layanan {id} in the catalogue"),
        ));
    };
    if def.aktif == aktif {
        return Ok((c.version, false));
    }
    def.aktif = aktif;
    c.version += 1;
    c.published = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let json = serde_json::to_string(&c).map_err(ApiError::internal)?;
    // What devices will parse: checked by the same rules before it is put in force.
    LayananCatalog::parse(&json).map_err(ApiError::internal)?;
    service::set_catalog_in(store, &json).await?;
    Ok((c.version, true))
}
