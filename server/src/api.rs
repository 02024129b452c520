//! Routes and thin handlers: map the request, call `service`, map errors to `ApiError`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use berkas_core::authz::{self, Action, Target};
use berkas_core::sync::Change;
use serde::Deserialize;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

/// Largest JSON request body (after decompression): a push of 1,000 changes fits easily.
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

use crate::auth::{self, Caller};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::openapi::ApiDoc;
use crate::service::{self, HubPullPage, RecordView};
use crate::state::AppState;
use crate::store::{AuditRow, PegawaiEntry};
use berkas_core::sync::protocol::{ErrorBody, PullPage, PushRequest, PushResponse};
use berkas_core::sync::{PulledChange, MAX_PUSH, PROTOCOL_HEADER, PROTOCOL_VERSION};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: AppState) -> Router {
    let (router, doc) = documented_router();
    let doc = Arc::new(doc);
    router.route("/v1/openapi.json", get(move || async move { Json((*doc).clone()) })).with_state(state)
}

/// The routes and their OpenAPI document, built together.
pub fn documented_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let sync = OpenApiRouter::new()
        .routes(routes!(push))
        .routes(routes!(pull))
        .route_layer(middleware::from_fn(require_protocol));
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::reset))
        .routes(routes!(crate::recovery::forgot_password))
        .routes(routes!(crate::recovery::send_reset_code))
        .routes(routes!(crate::aktivitas_api::bawahan))
        .routes(routes!(crate::aktivitas_api::putusan))
        .routes(routes!(crate::presensi_api::rekap))
        .routes(routes!(crate::presensi_api::publish))
        .routes(routes!(crate::presensi_retensi::pangkas))
        .routes(routes!(crate::presensi_api::bawahan))
        .routes(routes!(crate::admin_api::list_accounts, crate::admin_api::create_account))
        .routes(routes!(crate::admin_api::change_account))
        .routes(routes!(crate::admin_api::reset_account))
        .routes(routes!(crate::admin_api::devices))
        .routes(routes!(crate::admin_api::backup_status, crate::admin_api::create_backup))
        .routes(routes!(crate::layanan_api::switch_layanan))
        .routes(routes!(me))
        .routes(routes!(list_pegawai))
        .routes(routes!(get_pegawai))
        .routes(routes!(pegawai_audit))
        .routes(routes!(audit_all))
        .routes(routes!(crate::due_api::due))
        .routes(routes!(crate::layanan_api::get_catalog, crate::layanan_api::put_catalog))
        .routes(routes!(crate::referensi_api::get_manifest))
        .routes(routes!(crate::referensi_api::get_table, crate::referensi_api::put_table))
        .routes(routes!(crate::referensi_api::get_settings))
        .routes(routes!(crate::signing_api::signing_key))
        .routes(routes!(crate::signing_api::sign))
        .routes(routes!(crate::signing_api::lookup))
        .merge(sync)
        // JSON travels compressed when the client asks (gzip or zstd, both ways); a compressed
        // request is limited after decompression, so a small bomb cannot grow past the limit.
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        .layer(RequestDecompressionLayer::new().gzip(true).zstd(true))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_JSON_BODY));
    // Documents are already compressed (JPEG, PDF); their chunks go as they are.
    let blobs = OpenApiRouter::new()
        .routes(routes!(crate::blob_api::head_blob, crate::blob_api::put_blob, crate::blob_api::get_blob))
        .layer(axum::extract::DefaultBodyLimit::max(crate::blobs::MAX_CHUNK + 64 * 1024));
    let (router, mut doc) = api.merge(blobs).split_for_parts();
    crate::openapi::complete_error_answers(&mut doc);
    // A path no route knows: the same JSON error body as everything else.
    (router.fallback(not_found), doc)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

#[utoipa::path(get, path = "/v1/health", tag = "auth", responses((status = 200, body = Object, description = "status and protocol version")))]
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "protocol": PROTOCOL_VERSION }))
}

/// Sync needs a client that speaks this protocol; an older or newer one is told to upgrade.
async fn require_protocol(req: Request, next: Next) -> Response {
    let version = req.headers().get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u32>().ok());
    match version {
        Some(PROTOCOL_VERSION) => next.run(req).await,
        Some(_) | None => ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            "protocol.upgrade_required",
            format!("this server speaks sync protocol {PROTOCOL_VERSION}; update the Berkas app"),
        )
        .into_response(),
    }
}

#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = berkas_core::authz::Principal), (status = 401, body = ErrorBody)))]
async fn me(caller: Caller) -> Json<berkas_core::authz::Principal> {
    Json(caller.principal)
}

#[utoipa::path(post, path = "/v1/sync/push", tag = "sync", security(("bearer" = [])), request_body = PushRequest<Change>,
    params(("x-berkas-protocol" = u32, Header, description = "protocol version, 1")),
    responses((status = 200, body = PushResponse, headers(("x-berkas-hub-time" = u64, description = "the hub's clock, Unix milliseconds"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 426, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "store.busy: concurrent writes kept meeting this batch; retry")))]
async fn push(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PushRequest<Change>>,
) -> Result<Response, ApiError> {
    if req.changes.len() > MAX_PUSH {
        return Err(ApiError::bad_request(
            "sync.batch_too_large",
            format!("push at most {MAX_PUSH} changes at a time"),
        ));
    }
    let pegawai: Vec<String> = req.changes.iter().map(|c| c.pegawai.clone()).collect();
    let outcomes = service::push_batch(&state, &caller.principal, req.changes).await?;
    // One audit entry per record written, with where the write came from.
    let written = pegawai.into_iter().zip(&outcomes).filter(|(_, o)| o.seq.is_some()).map(|(p, _)| p);
    service::audit_writes(&state, &caller.principal.username, "write", written, caller.remote.as_deref()).await?;
    // Our clock beside the answer: a device told its clock is ahead stamps again by it.
    let now = berkas_core::sync::HlcClock::now_ms().to_string();
    Ok(([(berkas_core::sync::HUB_TIME_HEADER, now)], Json(PushResponse { outcomes })).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PullQuery {
    #[serde(default)]
    cursor: i64,
    /// The scope version the device's copy was pulled under.
    scope: Option<i64>,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    500
}

#[utoipa::path(get, path = "/v1/sync/pull", tag = "sync", security(("bearer" = [])),
    params(PullQuery, ("x-berkas-protocol" = u32, Header, description = "protocol version, 1")),
    responses((status = 200, body = PullPage<PulledChange>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 426, body = ErrorBody)))]
async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Json<HubPullPage>, ApiError> {
    if q.cursor < 0 || q.limit == 0 {
        return Err(ApiError::bad_request("request.query", "cursor must be 0 or more and limit at least 1"));
    }
    let (page, lokasi) =
        service::pull(&state, &caller.principal, caller.user.scope_version, q.scope, q.cursor, q.limit).await?;
    if !page.changes.is_empty() {
        let detail = serde_json::json!({ "cursor": q.cursor, "changes": page.changes.len() });
        state.store.audit(&caller.principal.username, "pull", None, Some(detail), caller.remote.as_deref()).await?;
    }
    if !lokasi.is_empty() {
        // Someone else's location went to this device: each record's read is on its own line.
        let entries = lokasi.into_iter().map(|p| (p, serde_json::json!({ "via": "pull" }))).collect();
        state
            .store
            .audit_many(&caller.principal.username, "presensi.lokasi", entries, caller.remote.as_deref())
            .await?;
    }
    Ok(Json(page))
}

#[utoipa::path(get, path = "/v1/pegawai/{nip}", tag = "records", security(("bearer" = [])),
    params(("nip" = String, Path)),
    responses((status = 200, body = RecordView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn get_pegawai(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(nip): ApiPath<String>,
) -> Result<Json<RecordView>, ApiError> {
    let view = service::read_record(&state, &caller.principal, &nip).await?;
    state.store.audit(&caller.principal.username, "read", Some(&view.id), None, caller.remote.as_deref()).await?;
    let located = view
        .riwayat
        .keys()
        .any(|e| matches!(e, berkas_core::model::Entity::Presensi | berkas_core::model::Entity::TempatWfh));
    if located && caller.principal.pegawai_id.as_deref() != Some(view.id.as_str()) {
        let detail = serde_json::json!({ "via": "record" });
        let remote = caller.remote.as_deref();
        state.store.audit(&caller.principal.username, "presensi.lokasi", Some(&view.id), Some(detail), remote).await?;
    }
    Ok(Json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    unit: Option<String>,
    #[serde(default = "default_limit")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

#[utoipa::path(get, path = "/v1/pegawai", tag = "records", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Vec<PegawaiEntry>, description = "without `unit`, a facilitator's own units (named in x-berkas-units), or the whole instansi for the BKD"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_pegawai(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let p = &caller.principal;
    let limit = q.limit.min(5000);
    // No unit named: what the caller may list, which for a facilitator is their own units.
    let units: Option<Vec<String>> = match (&q.unit, p.role) {
        (Some(u), _) => Some(vec![u.clone()]),
        (None, berkas_core::authz::Role::Fasilitator) => Some(p.units.clone()),
        (None, _) => None,
    };
    let list = match &units {
        None => {
            ApiError::unless_allowed(authz::may(p, Action::ListUnit, Target::INSTANSI))?;
            state.store.list_pegawai(None, limit, q.offset).await?
        }
        Some(units) => {
            let mut all = Vec::new();
            for u in units {
                ApiError::unless_allowed(authz::may(p, Action::ListUnit, Target::unit(u)))?;
                // Enough of each unit to fill the page after the offset over all of them.
                all.extend(state.store.list_pegawai(Some(u), limit.saturating_add(q.offset), 0).await?);
            }
            all.into_iter().skip(q.offset as usize).take(limit as usize).collect()
        }
    };
    let detail = serde_json::json!({ "unit": q.unit, "units": units, "count": list.len() });
    state.store.audit(&p.username, "list", None, Some(detail), None).await?;
    let mut r = Json(list).into_response();
    if let Some(v) = units.map(|u| u.join(",")).and_then(|u| axum::http::HeaderValue::from_str(&u).ok()) {
        r.headers_mut().insert("x-berkas-units", v);
    }
    Ok(r)
}

#[utoipa::path(get, path = "/v1/pegawai/{nip}/audit", tag = "audit", security(("bearer" = [])),
    params(("nip" = String, Path)),
    responses((status = 200, body = Vec<AuditRow>), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn pegawai_audit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(nip): ApiPath<String>,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    let entry = state.store.pegawai_by_nip(&nip).await?.ok_or_else(ApiError::not_found)?;
    if !caller.principal.may(Action::ReadAudit, Target { pegawai_id: &entry.id, unit: entry.unit.as_deref() }) {
        return Err(ApiError::not_found());
    }
    Ok(Json(state.store.audit_list(Some(&entry.id), 500).await?))
}

#[utoipa::path(get, path = "/v1/audit", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = Vec<AuditRow>), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn audit_all(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<AuditRow>>, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::ReadAuditLog, Target::INSTANSI))?;
    Ok(Json(state.store.audit_list(None, 1000).await?))
}
