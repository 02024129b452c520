//! Presence recaps on the hub: a unit's whereabouts for a report time as the hub knew them at a
//! moment (the OPD's report to the BKD), or every unit's for the BKD's daily recap to the
//! governor. The same pure recap as a facilitator's device makes (`core::presensi::rekap`),
//! over the hub's rows. Every recap made is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::{self, Action, Scope, Target};
use berkas_core::model::Entity;
use berkas_core::presensi::rekap::{self as recap, PersonRows};
use berkas_core::presensi::{PengaturanKerja, PresensiBawahan, Rekap};
use berkas_core::sync::RowState;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

use crate::auth::Caller;
use crate::error::{ApiError, ApiQuery};
use crate::state::AppState;
use crate::store::PegawaiEntry;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RekapQuery {
    /// The unit; without it, every unit of the instansi (the BKD only).
    unit: Option<String>,
    /// `YYYY-MM-DD`.
    tanggal: String,
    /// The report time, `HH:MM` (07:30, 11:30, 15:30).
    jam: String,
    /// The moment the recap is made as of (RFC 3339); now when absent.
    as_of: Option<String>,
}

fn day_of(tanggal: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(tanggal, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request("presensi.tanggal", format!("{tanggal:?} is not a date (YYYY-MM-DD)")))
}

fn refused(e: berkas_core::Error) -> ApiError {
    let (code, message) = match &e {
        berkas_core::Error::Invalid(list) => match list.first().map(|f| f.code.as_str()) {
            Some("presensi.window") => ("presensi.window", e.to_string()),
            Some("presensi.not_working_day") => ("presensi.not_working_day", e.to_string()),
            _ => ("presensi.invalid", e.to_string()),
        },
        _ => return ApiError::internal(e),
    };
    ApiError::bad_request(code, message)
}

/// Where the published arrangement is kept among the hub's settings.
const ARRANGEMENT: &str = "presensi.pengaturan";

/// The work arrangement the BKD published, if any.
pub async fn published(state: &AppState) -> Result<Option<PengaturanKerja>, ApiError> {
    let Some(json) = state.store.setting(ARRANGEMENT).await? else { return Ok(None) };
    serde_json::from_str(&json).map(Some).map_err(ApiError::internal)
}

#[utoipa::path(put, path = "/v1/presensi/pengaturan", tag = "presensi", security(("bearer" = [])),
    request_body(content = Object, description = "the arrangement: dari, sampai, zona (WIB/WITA/WIT), jadwal (Monday first, null for a day off), jam_lapor, libur, mode_unit, mode_pegawai"),
    responses((status = 200, body = Object, description = "published (the period and how many units and staff groups it names); devices take it at their next sync"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishPengaturan, Target::INSTANSI))?;
    let p: PengaturanKerja = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("presensi.pengaturan", format!("not a work arrangement: {e}")))?;
    p.checked().map_err(|(field, why)| ApiError::bad_request("presensi.pengaturan", format!("{field}: {why}")))?;
    let json = serde_json::to_string(&p).map_err(ApiError::internal)?;
    state.store.set_setting(ARRANGEMENT, &json).await?;
    let detail = json!({ "dari": p.dari.to_string(), "sampai": p.sampai.to_string(), "units": p.mode_unit.len(), "staff": p.mode_pegawai.len() });
    state
        .store
        .audit(&caller.user.username, "presensi.pengaturan", None, Some(detail.clone()), caller.remote.as_deref())
        .await?;
    Ok(Json(detail))
}

/// The people of `staff` with what a recap of `day` reads, by unit: their data utama, place and
/// leave, and only the check-ins taken that local day (by the check-in times' index), never
/// every check-in of every record.
pub(crate) async fn people_of(
    state: &AppState,
    rules: &PengaturanKerja,
    staff: Vec<PegawaiEntry>,
    unit: Option<&str>,
    day: NaiveDate,
) -> Result<Vec<(String, Vec<PersonRows>)>, ApiError> {
    let ids: Vec<String> = staff.iter().map(|e| e.id.clone()).collect();
    let wanted = vec![Entity::DataUtama, Entity::TempatWfh, Entity::Cuti];
    let mut rows = state.store.rows_of_many_in(ids, wanted).await?;
    let from = rules
        .moment(day, NaiveTime::MIN)
        .ok_or_else(|| ApiError::bad_request("presensi.tanggal", format!("{day} has no start in the zone")))?;
    let to = from + chrono::Duration::days(1);
    let mut fixes: HashMap<String, Vec<(String, RowState)>> = HashMap::new();
    for (pegawai, row, s) in
        state.store.check_ins_between(unit.map(str::to_string), from.timestamp(), to.timestamp()).await?
    {
        fixes.entry(pegawai).or_default().push((row, s));
    }
    let mut units: Vec<(String, Vec<PersonRows>)> = Vec::new();
    for e in staff {
        let own = rows.remove(&e.id).unwrap_or_default();
        let mut person = PersonRows { nip: e.nip, nama: e.nama, unit: e.unit.clone(), ..PersonRows::default() };
        for (entity, row, s) in own.into_iter().filter(|(_, _, s)| s.is_live()) {
            person.take(&e.id, entity, row, s.values);
        }
        for (row, s) in fixes.remove(&e.id).unwrap_or_default().into_iter().filter(|(_, s)| s.is_live()) {
            person.take(&e.id, Entity::Presensi, row, s.values);
        }
        let unit = e.unit.unwrap_or_default();
        match units.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, people)) => people.push(person),
            None => units.push((unit, vec![person])),
        }
    }
    Ok(units)
}

/// Every record of `unit`, page by page.
pub(crate) async fn staff_of(state: &AppState, unit: Option<&str>) -> Result<Vec<PegawaiEntry>, ApiError> {
    const PAGE: u32 = 5000;
    let mut out = Vec::new();
    loop {
        let page = state.store.list_pegawai(unit, PAGE, u32::try_from(out.len()).unwrap_or(u32::MAX)).await?;
        let n = page.len();
        out.extend(page);
        if n < PAGE as usize {
            return Ok(out);
        }
    }
}

#[utoipa::path(get, path = "/v1/presensi/rekap", tag = "presensi", security(("bearer" = [])), params(RekapQuery),
    responses((status = 200, body = Vec<Rekap>, description = "one recap per unit: the unit asked for, or every unit for the BKD"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn rekap(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RekapQuery>,
) -> Result<Json<Vec<Rekap>>, ApiError> {
    let day = day_of(&q.tanggal)?;
    let jam = NaiveTime::parse_from_str(&q.jam, "%H:%M")
        .map_err(|_| ApiError::bad_request("presensi.window", format!("{:?} is not a report time (HH:MM)", q.jam)))?;
    let as_of = match q.as_of.as_deref() {
        Some(a) => DateTime::parse_from_rfc3339(a)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| ApiError::bad_request("presensi.as_of", format!("{a:?} is not an RFC 3339 time")))?,
        None => Utc::now(),
    };
    let rules = published(&state).await?.unwrap_or_else(|| PengaturanKerja::in_force(Utc::now()));
    let window = recap::window_for(&rules, day, jam).map_err(refused)?;
    let p = &caller.principal;
    let staff = match q.unit.as_deref() {
        Some(unit) => {
            if let authz::Decision::Deny { code, reason } = authz::may(p, Action::ListUnit, Target::unit(unit)) {
                let code = if code == "forbidden.role" { "forbidden.role" } else { "forbidden.scope" };
                return Err(ApiError::new(StatusCode::FORBIDDEN, code, reason));
            }
            staff_of(&state, Some(unit)).await?
        }
        None if authz::scope(p.role, Action::ListUnit) == Scope::Instansi => staff_of(&state, None).await?,
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden.scope",
                "name your unit: the recap of every unit is the BKD's",
            ))
        }
    };
    let mut units = people_of(&state, &rules, staff, q.unit.as_deref(), day).await?;
    units.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<Rekap> =
        units.iter().map(|(unit, people)| recap::rekap(&rules, unit, window, as_of, people)).collect();
    // A day past the retention period: its fixes are gone, the counts kept when they went stand.
    if day < rules.kept_from(Utc::now()) {
        let mut kept = crate::presensi_retensi::kept_counts(&state, day, jam).await?;
        for r in &mut out {
            if let Some(k) = kept.remove(&r.unit) {
                *r = k;
            }
        }
    }
    let detail = json!({ "tanggal": day.to_string(), "jam": jam.format("%H:%M").to_string(), "units": out.iter().map(|r| r.unit.clone()).collect::<Vec<_>>() });
    state.store.audit(&caller.user.username, "presensi.rekap", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BawahanQuery {
    /// `YYYY-MM-DD`.
    tanggal: String,
}

#[utoipa::path(get, path = "/v1/presensi/bawahan", tag = "presensi", security(("bearer" = [])), params(BawahanQuery),
    responses((status = 200, body = Vec<Object>, description = "the caller's direct reports' check-ins of the day, with where each was taken and an izin keluar's reason"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 401, body = crate::openapi::ErrorBody),
        (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn bawahan(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BawahanQuery>,
) -> Result<Json<Vec<PresensiBawahan>>, ApiError> {
    let day = day_of(&q.tanggal)?;
    let Some(mine) = crate::aktivitas_api::own_nip(&state, &caller).await? else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden.role",
            "only an ASN with a record has direct reports",
        ));
    };
    let rules = published(&state).await?.unwrap_or_else(|| PengaturanKerja::in_force(Utc::now()));
    let mut out = Vec::new();
    for report in state.store.bawahan_of(&mine).await? {
        let rows = state.store.rows_of(&report.id).await?;
        let mut person = PersonRows::default();
        let mut atasan = None;
        for (entity, row, s) in rows.into_iter().filter(|(_, _, s)| s.is_live()) {
            if entity == Entity::DataUtama {
                atasan = s.values.get("atasan_nip").and_then(|v| v.as_str()).map(str::to_string);
            }
            person.take(&report.id, entity, row, s.values);
        }
        // The relation is judged by core's table on the record as stored, not on the index.
        if !authz::may_as_atasan(&caller.principal, Action::Atasan, Some(&mine), atasan.as_deref()).is_allowed() {
            continue;
        }
        let tempat = person.tempat.as_ref().and_then(recap::tempat_of);
        let home = tempat.as_ref().map(|t| t.tempat);
        let check_ins = recap::day_check_ins(&rules, person.check_ins, home, day);
        let detail = json!({ "tanggal": day.to_string(), "check_ins": check_ins.len() });
        state
            .store
            .audit(&caller.user.username, "presensi.lokasi", Some(&report.id), Some(detail), caller.remote.as_deref())
            .await?;
        out.push(PresensiBawahan {
            nip: report.nip,
            nama: report.nama,
            unit: report.unit,
            tanggal: day,
            check_ins,
            tempat,
        });
    }
    Ok(Json(out))
}
