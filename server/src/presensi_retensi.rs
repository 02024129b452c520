//! The retention period of presence fixes on the hub: a fix older than the BKD's period
//! (`PengaturanKerja::retensi_hari`, 90 days by default) is deleted with every logged change
//! that carried it, so no device pulls it again. Before a unit's fixes of a day go, the day's
//! recaps are kept as counts without lines: the OPD's and the BKD's figures outlive the
//! locations. Runs at start and every six hours while the hub serves, and on the BKD's request
//! (`POST /v1/presensi/pangkas`); running it again purges nothing twice.

use axum::extract::State;
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::model::Entity;
use berkas_core::presensi::rekap as recap;
use berkas_core::presensi::PengaturanKerja;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::presensi_api::{people_of, published, staff_of};
use crate::state::AppState;

/// What a purge did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pangkas {
    /// Fixes kept from this local day on.
    #[schema(value_type = String, example = "2026-09-07")]
    pub disimpan_sejak: NaiveDate,
    /// Fixes deleted.
    pub lokasi_dihapus: u64,
    /// Recaps (unit, day, report time) kept as counts.
    pub rekap_disimpan: usize,
}

/// A unit's fixes to purge, as `(pegawai id, row id)`, and the local days they were taken on.
type OldFixes = (Vec<(String, String)>, BTreeSet<NaiveDate>);

/// Purges the fixes older than the retention period at `now`, unit by unit.
pub async fn purge(state: &AppState, now: DateTime<Utc>) -> Result<Pangkas, ApiError> {
    let rules = published(state).await?.unwrap_or_else(|| PengaturanKerja::in_force(now));
    let kept_from = rules.kept_from(now);
    let mut done = Pangkas { disimpan_sejak: kept_from, lokasi_dihapus: 0, rekap_disimpan: 0 };
    let Some(cutoff) = rules.moment(kept_from, NaiveTime::MIN) else { return Ok(done) };
    let offset = rules.zona.offset();
    // The old fixes by the check-in times' index, by unit and local day.
    let mut units: BTreeMap<String, OldFixes> = BTreeMap::new();
    let mut unit_of: HashMap<String, String> = HashMap::new();
    for (pegawai, row, taken) in state.store.check_ins_before(cutoff.timestamp()).await? {
        let unit = match unit_of.get(&pegawai) {
            Some(u) => u.clone(),
            None => {
                let u = state.store.pegawai_by_id(&pegawai).await?.and_then(|e| e.unit).unwrap_or_default();
                unit_of.insert(pegawai.clone(), u.clone());
                u
            }
        };
        let day = DateTime::from_timestamp(taken, 0).map(|t| t.with_timezone(&offset).date_naive());
        let entry = units.entry(unit).or_default();
        entry.0.push((pegawai, row));
        entry.1.extend(day);
    }
    for (unit, (old, days)) in units {
        // The counts first: a purge cut short leaves fixes to purge again, never a day
        // without its figures.
        let mut counts = Vec::new();
        let staff = staff_of(state, Some(&unit)).await?;
        for day in days {
            let rules = rules.covering(day);
            let people = people_of(state, &rules, staff.clone(), Some(&unit), day).await?;
            let Some((_, people)) = people.into_iter().find(|(u, _)| *u == unit) else { continue };
            for jam in &rules.jam_lapor {
                let Ok(window) = recap::window_for(&rules, day, *jam) else { continue };
                let mut r = recap::rekap(&rules, &unit, window, now, &people);
                r.lines.clear();
                r.dipangkas = true;
                let json = serde_json::to_string(&r).map_err(ApiError::internal)?;
                counts.push((unit.clone(), day.to_string(), jam.format("%H:%M").to_string(), json));
            }
        }
        done.rekap_disimpan += counts.len();
        state.store.keep_rekap_counts(counts).await?;
        done.lokasi_dihapus += state.store.purge_rows(Entity::Presensi, old).await?;
    }
    Ok(done)
}

/// The kept counts of a day's report time, by unit.
pub async fn kept_counts(
    state: &AppState,
    day: NaiveDate,
    jam: chrono::NaiveTime,
) -> Result<BTreeMap<String, berkas_core::presensi::Rekap>, ApiError> {
    let mut out = BTreeMap::new();
    for (unit, json) in state.store.rekap_counts(&day.to_string(), &jam.format("%H:%M").to_string()).await? {
        out.insert(unit, serde_json::from_str(&json).map_err(ApiError::internal)?);
    }
    Ok(out)
}

/// Purges at start and every six hours while the hub serves; a failure is told and tried again.
pub fn spawn_periodic(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
        loop {
            every.tick().await;
            match purge(&state, Utc::now()).await {
                Ok(p) if p.lokasi_dihapus > 0 => {
                    eprintln!("presensi: {} fixes before {} purged", p.lokasi_dihapus, p.disimpan_sejak)
                }
                Ok(_) => {}
                Err(e) => eprintln!("presensi: the retention purge failed ({}), tried again in six hours", e.code),
            }
        }
    });
}

#[utoipa::path(post, path = "/v1/presensi/pangkas", tag = "presensi", security(("bearer" = [])),
    responses((status = 200, body = Pangkas, description = "fixes past the retention period purged, their recaps kept as counts"),
        (status = 401, body = crate::openapi::ErrorBody), (status = 403, body = crate::openapi::ErrorBody)))]
pub async fn pangkas(State(state): State<AppState>, caller: Caller) -> Result<Json<Pangkas>, ApiError> {
    ApiError::unless_allowed(authz::may(&caller.principal, Action::PublishPengaturan, Target::INSTANSI))?;
    let done = purge(&state, Utc::now()).await?;
    let detail = json!({ "disimpan_sejak": done.disimpan_sejak.to_string(), "lokasi_dihapus": done.lokasi_dihapus });
    state.store.audit(&caller.user.username, "presensi.pangkas", None, Some(detail), caller.remote.as_deref()).await?;
    Ok(Json(done))
}
