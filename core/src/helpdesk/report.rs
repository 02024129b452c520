//! The helpdesk's figures: per unit and category, tickets received, answered within 2x24 h,
//! and the median and 90th percentile (nearest rank) of clock time to the first answer and to
//! resolution; and the ASN's ratings per layanan and per unit. All from the tickets' steps
//! on this device, so a facilitator sees their units and the BKD the instansi.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use super::sla::{percentile, SLA};
use super::{TiketFilter, TiketInfo};
use crate::error::Result;
use crate::profile::Berkas;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TiketReportRow {
    pub unit: String,
    pub kategori: String,
    pub received: u64,
    /// Tickets with a first answer in words.
    pub answered: u64,
    /// Of them, answered within 2x24 h of clock time.
    pub answered_within_sla: u64,
    pub first_answer_p50_minutes: Option<i64>,
    pub first_answer_p90_minutes: Option<i64>,
    pub resolved: u64,
    pub resolution_p50_minutes: Option<i64>,
    pub resolution_p90_minutes: Option<i64>,
    /// Open and past the 2x24 h now.
    pub overdue: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TiketReport {
    pub rows: Vec<TiketReportRow>,
    pub ratings: Vec<RatingRow>,
}

/// Ratings of one group: a layanan (`layanan`, by its id, `helpdesk` for tickets) or a unit.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RatingRow {
    /// `layanan` or `unit`.
    pub by: String,
    pub key: String,
    pub count: u64,
    /// Mean of the ratings, to two decimals.
    pub mean: f64,
}

/// The figures of `tickets` at `now`.
pub fn figures(tickets: &[TiketInfo]) -> Vec<TiketReportRow> {
    let mut groups: BTreeMap<(String, String), Vec<&TiketInfo>> = BTreeMap::new();
    for t in tickets {
        groups.entry((t.unit.clone().unwrap_or_default(), t.kategori.clone())).or_default().push(t);
    }
    groups
        .into_iter()
        .map(|((unit, kategori), ts)| {
            let first: Vec<i64> = ts.iter().filter_map(|t| t.sla.first_answer_minutes).collect();
            let resolved: Vec<i64> = ts.iter().filter_map(|t| t.sla.resolved_minutes).collect();
            TiketReportRow {
                unit,
                kategori,
                received: ts.len() as u64,
                answered: first.len() as u64,
                answered_within_sla: first.iter().filter(|m| **m <= SLA.num_minutes()).count() as u64,
                first_answer_p50_minutes: percentile(&first, 50),
                first_answer_p90_minutes: percentile(&first, 90),
                resolved: resolved.len() as u64,
                resolution_p50_minutes: percentile(&resolved, 50),
                resolution_p90_minutes: percentile(&resolved, 90),
                overdue: ts.iter().filter(|t| t.sla.overdue).count() as u64,
            }
        })
        .collect()
}

impl Berkas {
    /// The helpdesk report over the tickets and ratings on this device (of `unit`, or all).
    pub fn tiket_report(&self, unit: Option<&str>) -> Result<TiketReport> {
        self.tiket_report_at(unit, Utc::now())
    }

    /// The same report with the clocks read at `now`.
    pub fn tiket_report_at(&self, unit: Option<&str>, now: DateTime<Utc>) -> Result<TiketReport> {
        let filter = TiketFilter { unit: unit.map(str::to_string), ..TiketFilter::default() };
        let tickets = self.tiket_list_at(&filter, now)?;
        Ok(TiketReport { rows: figures(&tickets), ratings: self.ratings(unit)? })
    }

    fn ratings(&self, unit: Option<&str>) -> Result<Vec<RatingRow>> {
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT 'layanan', coalesce(r.layanan_id, 'helpdesk'), count(*), avg(r.nilai) FROM penilaian r
               JOIN pegawai p ON p.id = r.pegawai_id WHERE ?1 IS NULL OR p.unit = ?1 GROUP BY 2
             UNION ALL
             SELECT 'unit', coalesce(p.unit, ''), count(*), avg(r.nilai) FROM penilaian r
               JOIN pegawai p ON p.id = r.pegawai_id WHERE ?1 IS NULL OR p.unit = ?1 GROUP BY 2
             ORDER BY 1, 2",
        )?;
        let rows = st.query_map([unit], |r| {
            let mean: f64 = r.get::<_, Option<f64>>(3)?.unwrap_or_default();
            Ok(RatingRow {
                by: r.get(0)?,
                key: r.get(1)?,
                count: r.get::<_, i64>(2)?.max(0) as u64,
                mean: (mean * 100.0).round() / 100.0,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
