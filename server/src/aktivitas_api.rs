//! The atasan langsung's errand on the hub: the submitted daily activities of their direct
//! reports (the records whose `atasan_nip` is their NIP), and the decision on a day: approve,
//! or return with a reason. The decision is a change of the hub's own on each activity, which
//! the ASN's phone pulls at its next sync. Every read is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::{self, Action, Decision};
use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::presensi::aktivitas::from_row;
use berkas_core::presensi::{Aktivitas, AktivitasBawahan, PutusanAktivitas, PutusanDiterima};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::service::hub_change;
use crate::state::AppState;
use crate::store::{now_text, BatchItem, StoredRow};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BawahanQuery {
    /// `YYYY-MM-DD`; without it, every day still waiting for a decision.
    tanggal: Option<String>,
}

fn text(rows: &[StoredRow], entity: Entity, row: &str, field: &str) -> Option<String> {
    rows.iter()
        .find(|(e, id, s)| *e == entity && id == row && s.is_live())
        .and_then(|(_, _, s)| s.values.get(field).and_then(Value::as_str))
        .map(str::to_string)
}

/// The caller's own NIP (an atasan is an ASN with a record).
pub(crate) async fn own_nip(state: &AppState, caller: &Caller) -> Result<Option<String>, ApiError> {
    let Some(id) = caller.principal.pegawai_id.as_deref() else { return Ok(None) };
    Ok(state.store.pegawai_by_id(id).await?.map(|e| e.nip))
}

fn checked_day(s: &str) -> Result<String, ApiError> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.to_string())
        .map_err(|_| ApiError::bad_request("aktivitas.tanggal", format!("{s:?} is not a date (YYYY-MM-DD)")))
}

/// The live activities of a record.
fn activities(rows: &[StoredRow]) -> Vec<Aktivitas> {
    rows.iter()
        .filter(|(e, _, s)| *e == Entity::Aktivitas && s.is_live())
        .map(|(_, id, s)| from_row(id.clone(), &s.values))
        .collect()
}

#[utoipa::path(get, path = "/v1/aktivitas/bawahan", tag = "presensi", security(("bearer" = [])), params(BawahanQuery),
    responses((status = 200, body = Vec<AktivitasBawahan>, description = "the caller's direct reports' submitted days"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn bawahan(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BawahanQuery>,
) -> Result<Json<Vec<AktivitasBawahan>>, ApiError> {
    let day = q.tanggal.as_deref().map(checked_day).transpose()?;
    let Some(mine) = own_nip(&state, &caller).await? else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden.role",
            "only an ASN with a record has direct reports",
        ));
    };
    let mut out = Vec::new();
    for report in state.store.bawahan_of(&mine).await? {
        let rows = state.store.rows_of(&report.id).await?;
        let atasan = text(&rows, Entity::DataUtama, &report.id, "atasan_nip");
        if !authz::may_as_atasan(&caller.principal, Action::Atasan, Some(&mine), atasan.as_deref()).is_allowed() {
            continue;
        }
        let days = AktivitasBawahan::days_of(
            &report.nip,
            &report.nama,
            report.unit.as_deref(),
            activities(&rows),
            day.as_deref(),
        );
        if !days.is_empty() {
            let detail = json!({ "tanggal": days.iter().map(|d| d.tanggal.clone()).collect::<Vec<_>>() });
            state
                .store
                .audit(
                    &caller.user.username,
                    "aktivitas.read",
                    Some(&report.id),
                    Some(detail),
                    caller.remote.as_deref(),
                )
                .await?;
        }
        out.extend(days);
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/v1/aktivitas/putusan", tag = "presensi", security(("bearer" = [])), request_body = PutusanAktivitas,
    responses((status = 200, body = PutusanDiterima, description = "the day's submitted activities approved or returned"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody)))]
pub async fn putusan(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PutusanAktivitas>,
) -> Result<Json<PutusanDiterima>, ApiError> {
    let day = checked_day(&req.tanggal)?;
    let alasan = req.alasan.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
    if !req.setuju && alasan.is_none() {
        return Err(ApiError::bad_request("aktivitas.alasan", "say why, so the ASN can correct it"));
    }
    // The same answer for a record that is not the caller's report as for none at all.
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "pegawai.not_found", "no such direct report");
    let report = state.store.pegawai_by_nip(&req.nip).await?.ok_or_else(not_found)?;
    let rows = state.store.rows_of(&report.id).await?;
    let atasan = text(&rows, Entity::DataUtama, &report.id, "atasan_nip");
    let mine = own_nip(&state, &caller).await?;
    if let Decision::Deny { .. } =
        authz::may_as_atasan(&caller.principal, Action::Atasan, mine.as_deref(), atasan.as_deref())
    {
        return Err(not_found());
    }
    let waiting: Vec<Aktivitas> =
        activities(&rows).into_iter().filter(|a| a.tanggal == day && a.status == "DIAJUKAN").collect();
    if waiting.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "aktivitas.nothing",
            format!("no activity of {day} is waiting for a decision (not submitted yet, or decided)"),
        ));
    }
    let status = if req.setuju { "DISETUJUI" } else { "DIKEMBALIKAN" };
    let at = now_text();
    let items = waiting
        .iter()
        .map(|a| {
            let mut fields = FieldMap::new();
            fields.insert("status".into(), Value::Text(status.into()));
            fields.insert("alasan".into(), alasan.clone().map(Value::Text).unwrap_or(Value::Null));
            fields.insert("diputus_oleh".into(), Value::Text(caller.user.username.clone()));
            fields.insert("diputus_pada".into(), Value::Text(at.clone()));
            BatchItem::Apply(hub_change(Entity::Aktivitas, &a.id, &report.id, fields))
        })
        .collect();
    state.store.apply_batch(items, &caller.user.username).await?;
    let detail = json!({ "tanggal": day, "status": status, "jumlah": waiting.len() });
    state
        .store
        .audit(&caller.user.username, "aktivitas.decide", Some(&report.id), Some(detail), caller.remote.as_deref())
        .await?;
    Ok(Json(PutusanDiterima { diputus: u32::try_from(waiting.len()).unwrap_or(u32::MAX), status: status.into() }))
}
