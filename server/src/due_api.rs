//! `GET /v1/due/{kind}?period=YYYY-MM`: who in the caller's scope is due, judged by core's
//! `due::evaluate` over the hub's rows, so a facilitator's laptop and the hub agree.

use axum::extract::State;
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::due::{DueKind, DueRecord, DueReport, DueRules, Period, Who};
use berkas_core::model::{Entity, FieldMap, Value};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::state::AppState;
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
    ApiPath(kind): ApiPath<String>,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> Result<Json<DueReport>, ApiError> {
    let kind = DueKind::parse(&kind)
        .ok_or_else(|| ApiError::bad_request("due.kind", "the kind is kp, kgb, pensiun or satyalencana"))?;
    let period = Period::parse(&q.period)
        .map_err(|_| ApiError::bad_request("period.format", "period must be a month YYYY-MM, e.g. 2027-01"))?;
    let p = &caller.principal;
    // What is in reach: a unit asked for, the instansi, the facilitator's units, or the
    // caller's own record (found by the account's link to it, not by its name).
    let entries = if let Some(u) = &q.unit {
        ApiError::unless_allowed(authz::may(p, Action::ListDue, Target::unit(u)))?;
        unit_entries(&state, Some(u)).await?
    } else if authz::may(p, Action::ListDue, Target::INSTANSI).is_allowed() {
        unit_entries(&state, None).await?
    } else if p.units.iter().any(|u| authz::may(p, Action::ListDue, Target::unit(u)).is_allowed()) {
        let mut all = Vec::new();
        for u in p.units.iter().filter(|u| authz::may(p, Action::ListDue, Target::unit(u)).is_allowed()) {
            all.extend(unit_entries(&state, Some(u)).await?);
        }
        all
    } else {
        let own = match &p.pegawai_id {
            Some(id) => state.store.pegawai_by_id(id).await?,
            None => None,
        };
        match own {
            Some(e) => {
                ApiError::unless_allowed(authz::may(
                    p,
                    Action::ListDue,
                    Target { pegawai_id: &e.id, unit: e.unit.as_deref() },
                ))?;
                vec![e]
            }
            None => Vec::new(),
        }
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
