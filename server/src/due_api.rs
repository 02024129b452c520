//! `GET /v1/due/{kind}?period=YYYY-MM`: who in the caller's scope is due, judged by core's
//! `due::evaluate` over the hub's rows, so a facilitator's laptop and the hub agree.

use axum::extract::{Path, Query, State};
use axum::Json;
use berkas_core::authz::Role;
use berkas_core::due::{DueKind, DueRecord, DueReport, DueRules, Period, Who};
use berkas_core::model::{Entity, FieldMap, Value};
use serde::Deserialize;

use crate::api::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::openapi::ErrorBody;
use crate::store::PegawaiEntry;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// The month of the TMT, `YYYY-MM`.
    period: String,
    /// One unit (a facilitator: one of theirs; default all of them).
    unit: Option<String>,
}

async fn unit_entries(state: &AppState, unit: Option<&str>) -> Result<Vec<PegawaiEntry>, ApiError> {
    let mut out = Vec::new();
    loop {
        let page = state.store.list_pegawai(unit, 5000, out.len() as u32).await?;
        let done = page.len() < 5000;
        out.extend(page);
        if done {
            return Ok(out);
        }
    }
}

#[utoipa::path(get, path = "/v1/due/{kind}", tag = "records", security(("bearer" = [])),
    params(("kind" = String, Path, description = "kp, kgb, pensiun or satyalencana"), DueQuery),
    responses((status = 200, body = DueReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    Query(q): Query<DueQuery>,
) -> Result<Json<DueReport>, ApiError> {
    let kind = DueKind::parse(&kind)
        .ok_or_else(|| ApiError::bad_request("due.kind", "the kind is kp, kgb, pensiun or satyalencana"))?;
    let period = Period::parse(&q.period)
        .map_err(|_| ApiError::bad_request("period.format", "period must be a month YYYY-MM, e.g. 2027-01"))?;
    let p = &caller.principal;
    let entries = match p.role {
        Role::Admin => unit_entries(&state, q.unit.as_deref()).await?,
        Role::Fasilitator => {
            let units = match &q.unit {
                Some(u) if p.units.contains(u) => vec![u.clone()],
                Some(_) => return Err(ApiError::forbidden("forbidden.scope", "that unit is not assigned to you")),
                None => p.units.clone(),
            };
            let mut all = Vec::new();
            for u in units {
                all.extend(unit_entries(&state, Some(&u)).await?);
            }
            all
        }
        Role::Personal => state.store.pegawai_by_nip(&p.username).await?.into_iter().collect(),
    };
    let rules = DueRules::default();
    let mut report = DueReport { period: period.to_string(), ..DueReport::default() };
    for e in entries {
        let rows: Vec<(Entity, FieldMap)> = state
            .store
            .rows_of(&e.id)
            .await?
            .into_iter()
            .filter(|(_, _, s)| s.is_live())
            .map(|(entity, _, s)| (entity, s.values))
            .collect();
        let du = rows.iter().find(|(en, _)| *en == Entity::DataUtama).map(|(_, v)| v.clone()).unwrap_or_default();
        let record = DueRecord {
            data_utama: &du,
            rows: rows.iter().filter(|(en, _)| en.is_riwayat()).map(|(en, v)| (*en, v)).collect(),
        };
        let nama = du.get("nama").and_then(Value::as_str).unwrap_or(&e.nama).to_string();
        let who = Who { pegawai_id: e.id.clone(), nip: e.nip.clone(), nama, unit: e.unit.clone() };
        report.judge(kind, period, &rules, who, &record, state.referensi.refs().as_ref());
    }
    let detail = serde_json::json!({ "kind": kind, "period": report.period, "due": report.due.len() });
    state.store.audit(&p.username, "due", None, Some(detail), None).await?;
    Ok(Json(report))
}
