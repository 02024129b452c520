//! The layanan catalogue in force at this instansi: devices fetch it when it is newer than
//! theirs (each sync asks with the version they hold), the BKD's administrator publishes a new
//! one (a layanan switched off, a new version with its SOP). The hub checks a published
//! catalogue with core's rules, and applies approved data changes by the one in force.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::forms::LayananCatalog;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::openapi::ErrorBody;
use crate::service;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// The version the device holds: an answer only when the hub's is newer.
    have: Option<u32>,
}

#[utoipa::path(get, path = "/v1/layanan", tag = "records", security(("bearer" = [])), params(CatalogQuery),
    responses((status = 200, body = Object, description = "the catalogue in force"),
        (status = 204, description = "the device's version is current"), (status = 401, body = ErrorBody)))]
pub async fn get_catalog(
    State(state): State<AppState>,
    _caller: Caller,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, ApiError> {
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
pub async fn put_catalog(State(state): State<AppState>, caller: Caller, body: String) -> Result<Response, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishLayanan, Target::INSTANSI))?;
    let new = LayananCatalog::parse(&body).map_err(|e| ApiError::bad_request("layanan.definition", e.to_string()))?;
    let current = service::layanan_catalog(&state).await?.version;
    if new.version <= current {
        return Err(ApiError::bad_request(
            "layanan.not_newer",
            format!("catalogue version {} is not newer than the one in force ({current})", new.version),
        ));
    }
    service::set_layanan_catalog(&state, &body).await?;
    let detail = serde_json::json!({ "version": new.version, "published": new.published });
    state.store.audit(&caller.user.username, "layanan.publish", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(serde_json::json!({ "version": new.version })).into_response())
}
