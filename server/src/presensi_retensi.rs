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
use berkas_core::presensi::rekap::{self as recap, check_in_of, PersonRows};
use berkas_core::presensi::PengaturanKerja;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::presensi_api::{published, staff_of};
use crate::state::AppState;
use crate::store::PegawaiEntry;

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

/// Purges the fixes older than the retention period at `now`, unit by unit.
pub async fn purge(state: &AppState, now: DateTime<Utc>) -> Result<Pangkas, ApiError> {
    let rules = published(state).await?.unwrap_or_else(|| PengaturanKerja::in_force(now));
    let kept_from = rules.kept_from(now);
    let mut done = Pangkas { disimpan_sejak: kept_from, lokasi_dihapus: 0, rekap_disimpan: 0 };
    // Which records hold old fixes: a scan of the check-ins by key, a page at a time.
    let offset = rules.zona.offset();
    let mut holders: BTreeSet<String> = BTreeSet::new();
    let mut after = String::new();
    loop {
        let page = state.store.entity_rows_after(Entity::Presensi, &after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.1.clone();
        let full = page.len() == PAGE as usize;
        for (pegawai, row, s) in page {
            let taken = check_in_of(&rules, row, &s.values, None).judged.taken_at;
            if taken.with_timezone(&offset).date_naive() < kept_from {
                holders.insert(pegawai);
            }
        }
        if !full {
            break;
        }
    }
    let mut units: BTreeSet<String> = BTreeSet::new();
    for id in holders {
        if let Some(e) = state.store.pegawai_by_id(&id).await? {
            units.insert(e.unit.unwrap_or_default());
        }
    }
    for unit in units {
        let staff = staff_of(state, Some(&unit)).await?;
        let (people, old) = unit_rows(state, &rules, staff, kept_from).await?;
        if old.is_empty() {
            continue;
        }
        // The counts first: a purge cut short leaves fixes to purge again, never a day
        // without its figures.
        let days: BTreeSet<NaiveDate> = old.iter().filter_map(|(_, d)| *d).collect();
        let mut counts = Vec::new();
        for day in days {
            let rules = rules.covering(day);
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
        let ids = old.into_iter().map(|(id, _)| id).collect();
        done.lokasi_dihapus += state.store.purge_rows(Entity::Presensi, ids).await?;
    }
    Ok(done)
}

/// Check-ins read per page of the scan.
const PAGE: u32 = 5000;

/// A unit's people with the rows a recap reads, and its check-ins taken before `kept_from`:
/// row id, and the local day of a live one (a deleted one counted in no recap).
async fn unit_rows(
    state: &AppState,
    rules: &PengaturanKerja,
    staff: Vec<PegawaiEntry>,
    kept_from: NaiveDate,
) -> Result<(Vec<PersonRows>, Vec<(String, Option<NaiveDate>)>), ApiError> {
    let offset = rules.zona.offset();
    let mut rows = state.store.rows_of_many(staff.iter().map(|e| e.id.clone()).collect()).await?;
    let (mut people, mut old) = (Vec::with_capacity(staff.len()), Vec::new());
    for e in staff {
        let mut person = PersonRows { nip: e.nip, nama: e.nama, unit: e.unit, ..PersonRows::default() };
        for (entity, row, s) in rows.remove(&e.id).unwrap_or_default() {
            if entity == Entity::Presensi {
                // Tombstones too: a deleted fix's logged changes still carry where it was.
                let taken = check_in_of(rules, row.clone(), &s.values, None).judged.taken_at;
                let day = taken.with_timezone(&offset).date_naive();
                if day < kept_from {
                    old.push((row.clone(), s.is_live().then_some(day)));
                }
            }
            if s.is_live() {
                person.take(&e.id, entity, row, s.values);
            }
        }
        people.push(person);
    }
    Ok((people, old))
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
