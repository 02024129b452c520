//! Check-ins and the work-from-home place on the profile: written offline as rows of the ASN's
//! record (queued for the next sync), judged by `rules`, and recapped per unit and window from
//! whatever has reached the hub.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::rekap::{self, check_in_of, tempat_of, CheckIn, PersonRows, Rekap, TempatWfh};
use super::rules::{Fix, PengaturanKerja, Tempat};
use crate::authz::{self, Decision, RowWrite, Target};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{new_id, now, records};

/// A check-in as the phone hands it in: the OS's fix, and for an izin keluar its reason.
#[derive(Debug, Clone)]
pub struct NewCheckIn {
    pub fix: Fix,
    pub izin_keluar: bool,
    pub alasan: Option<String>,
}

/// Millionths of a degree: whole numbers in the record, about 11 cm apart.
fn micro(degrees: f64) -> i64 {
    (degrees * 1e6).round() as i64
}

fn time_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn checked_place(lat: f64, lon: f64) -> Result<()> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(Error::invalid("lintang", "presensi.lintang", format!("{lat} is no latitude (-90 to 90)")));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid("bujur", "presensi.bujur", format!("{lon} is no longitude (-180 to 180)")));
    }
    Ok(())
}

impl Berkas {
    /// The work arrangement in force: the one the BKD published on the hub (kept with the hub's
    /// settings at each sync), or the circular's for the current year in WIB until it does.
    pub fn pengaturan_kerja(&self) -> PengaturanKerja {
        #[cfg(feature = "client")]
        if let Ok(Some(p)) = self.hub_settings().map(|s| s.and_then(|s| s.presensi)) {
            return p;
        }
        PengaturanKerja::in_force(Utc::now())
    }

    /// Records a check-in on the record of `nip` (the ASN's own), offline if need be: one fix,
    /// never a track. Refused, naming the field, for coordinates that are no place on earth, a
    /// negative accuracy, or an izin keluar without its reason.
    pub fn check_in(&self, nip: &str, new: &NewCheckIn) -> Result<CheckIn> {
        let fix = &new.fix;
        checked_place(fix.lat, fix.lon)?;
        if !fix.akurasi_m.is_finite() || fix.akurasi_m < 0.0 {
            return Err(Error::invalid("akurasi_m", "presensi.akurasi", "the accuracy is a distance in metres"));
        }
        let alasan = new.alasan.as_deref().map(str::trim).filter(|a| !a.is_empty());
        if new.izin_keluar && alasan.is_none() {
            return Err(Error::invalid(
                "alasan",
                "presensi.alasan",
                "say why you leave home (food, health or safety): your atasan is told",
            ));
        }
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        let mut row = FieldMap::new();
        let jenis = if new.izin_keluar { "IZIN_KELUAR" } else { "HADIR" };
        row.insert("jenis".into(), Value::Text(jenis.into()));
        row.insert("lintang".into(), Value::Int(micro(fix.lat)));
        row.insert("bujur".into(), Value::Int(micro(fix.lon)));
        row.insert("akurasi_m".into(), Value::Int(fix.akurasi_m.round() as i64));
        row.insert("provider".into(), Value::Text(fix.provider.clone()));
        row.insert("lokasi_palsu".into(), Value::Bool(fix.mock));
        row.insert("waktu_perangkat".into(), Value::Text(time_text(fix.waktu_perangkat)));
        if let Some(gps) = fix.waktu_gps {
            row.insert("waktu_gps".into(), Value::Text(time_text(gps)));
        }
        if let Some(a) = alasan {
            row.insert("alasan".into(), Value::Text(a.into()));
        }
        let fields: Vec<&str> = row.keys().map(String::as_str).collect();
        let write = RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::Presensi, fields) };
        self.may_write_row("presensi", &write, Target { pegawai_id: &pegawai_id, unit: unit.as_deref() })?;
        let id = self.add_riwayat_row(nip, Entity::Presensi, &row, new_id())?;
        let home = self.tempat_wfh(nip)?.map(|t| t.tempat);
        let stored =
            records::load_row(&self.store().conn, Entity::Presensi.def(), &id)?.ok_or(Error::NotFound("presensi"))?;
        Ok(check_in_of(&self.pengaturan_kerja(), stored.id, &stored.values, home))
    }

    /// Sets where the ASN works from home (their own record); the facilitator confirms it.
    /// A new place needs confirming again.
    pub fn set_tempat_wfh(&self, nip: &str, tempat: Tempat, alamat: Option<&str>) -> Result<()> {
        checked_place(tempat.lat, tempat.lon)?;
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        let mut row = FieldMap::new();
        row.insert("lintang".into(), Value::Int(micro(tempat.lat)));
        row.insert("bujur".into(), Value::Int(micro(tempat.lon)));
        if let Some(a) = alamat.map(str::trim).filter(|a| !a.is_empty()) {
            row.insert("alamat".into(), Value::Text(a.into()));
        }
        let target = Target { pegawai_id: &pegawai_id, unit: unit.as_deref() };
        let exists = records::load_row(&self.store().conn, Entity::TempatWfh.def(), &pegawai_id)?.is_some();
        if exists {
            row.insert("dikonfirmasi_oleh".into(), Value::Null);
            row.insert("dikonfirmasi_pada".into(), Value::Null);
            let fields: Vec<&str> = row.keys().map(String::as_str).collect();
            // Clearing the confirmation is the ASN's own doing: judged on the place fields.
            let own: Vec<&str> = fields.iter().copied().filter(|f| !f.starts_with("dikonfirmasi")).collect();
            self.may_write_row("presensi", &RowWrite::fields(Entity::TempatWfh, own), target)?;
            self.edit_riwayat(Entity::TempatWfh, &pegawai_id, &row)?;
        } else {
            let fields: Vec<&str> = row.keys().map(String::as_str).collect();
            let write = RowWrite { creating_or_deleting: true, ..RowWrite::fields(Entity::TempatWfh, fields) };
            self.may_write_row("presensi", &write, target)?;
            self.add_riwayat_row(nip, Entity::TempatWfh, &row, pegawai_id.clone())?;
        }
        Ok(())
    }

    /// The facilitator (or the BKD) confirms an ASN's work-from-home place.
    pub fn confirm_tempat_wfh(&self, nip: &str) -> Result<()> {
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        if self.tempat_wfh(nip)?.is_none() {
            return Err(Error::invalid(
                "tempat_wfh",
                "presensi.no_place",
                "the ASN has not set a work-from-home place",
            ));
        }
        let who = self.principal()?.map(|p| p.username).unwrap_or_else(|| self.actor().to_string());
        let mut row = FieldMap::new();
        row.insert("dikonfirmasi_oleh".into(), Value::Text(who));
        row.insert("dikonfirmasi_pada".into(), Value::Text(now()));
        let fields: Vec<&str> = row.keys().map(String::as_str).collect();
        self.may_write_row(
            "presensi",
            &RowWrite::fields(Entity::TempatWfh, fields),
            Target { pegawai_id: &pegawai_id, unit: unit.as_deref() },
        )?;
        self.edit_riwayat(Entity::TempatWfh, &pegawai_id, &row)?;
        Ok(())
    }

    /// The registered work-from-home place of `nip`, if set.
    pub fn tempat_wfh(&self, nip: &str) -> Result<Option<TempatWfh>> {
        let (pegawai_id, _) = self.record_and_unit(nip)?;
        let row = records::load_row(&self.store().conn, Entity::TempatWfh.def(), &pegawai_id)?;
        Ok(row.and_then(|r| tempat_of(&r.values)))
    }

    /// The check-ins of `nip` taken on `day` (the instansi's local day), judged, oldest first.
    /// Reading someone else's (a facilitator, the BKD) is audited on this device, as the hub
    /// audits what it hands out: where a person was is theirs.
    pub fn check_ins(&self, nip: &str, day: NaiveDate) -> Result<Vec<CheckIn>> {
        let (pegawai_id, _) = self.record_and_unit(nip)?;
        let own = self.principal()?.is_none_or(|p| p.pegawai_id.as_deref() == Some(pegawai_id.as_str()));
        if !own {
            let detail = serde_json::json!({ "tanggal": day.to_string() });
            let store = self.store();
            crate::store::audit::record(
                &store.conn,
                &now(),
                self.actor(),
                "presensi.lokasi",
                Some("presensi"),
                None,
                Some(&pegawai_id),
                Some(&detail),
            )?;
        }
        let rules = self.pengaturan_kerja();
        let home = self.tempat_wfh(nip)?.map(|t| t.tempat);
        let rows = records::load_rows(&self.store().conn, Entity::Presensi.def(), &pegawai_id)?;
        Ok(rekap::day_check_ins(&rules, rows.into_iter().map(|r| (r.id, r.values)), home, day))
    }

    /// A unit's recap for the report window ending at `jam_lapor` on `day`, as known at `as_of`:
    /// only check-ins that had reached the hub by then count.
    pub fn presensi_rekap(
        &self,
        unit: &str,
        day: NaiveDate,
        jam_lapor: NaiveTime,
        as_of: DateTime<Utc>,
    ) -> Result<Rekap> {
        let rules = self.pengaturan_kerja();
        let window = rekap::window_for(&rules, day, jam_lapor)?;
        let kept_from = rules.kept_from(Utc::now());
        if day < kept_from {
            return Err(Error::invalid(
                "date",
                "presensi.purged",
                format!(
                    "fixes before {kept_from} are purged after {} days; the hub keeps the counts of {day}",
                    rules.retensi_hari
                ),
            ));
        }
        if let Some(p) = self.principal()? {
            if let Decision::Deny { code, reason } = authz::may(&p, authz::Action::ListUnit, Target::unit(unit)) {
                return Err(Error::invalid("unit", code, reason));
            }
        }
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT id, nip_baru, coalesce(nama, ''), eselon_id FROM pegawai WHERE unit = ?1 ORDER BY nama, nip_baru",
        )?;
        type Head = (String, String, String, Option<String>);
        let heads: Vec<Head> = st
            .query_map([unit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut people = Vec::with_capacity(heads.len());
        for (id, nip, nama, eselon) in heads {
            let mut person = PersonRows { nip, nama, unit: Some(unit.to_string()), eselon, ..PersonRows::default() };
            for entity in [Entity::Presensi, Entity::TempatWfh, Entity::Cuti] {
                for r in records::load_rows(&store.conn, entity.def(), &id)? {
                    person.take(&id, entity, r.id, r.values);
                }
            }
            people.push(person);
        }
        Ok(rekap::rekap(&rules, unit, window, as_of, &people))
    }

    /// Deletes the fixes this device holds from before the retention period (the BKD's, as the
    /// hub's settings carry it), as the hub does: locally, with no change to send. A check-in
    /// still waiting in the outbox is kept until the hub has it.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    pub(crate) fn purge_old_fixes(&self) -> Result<usize> {
        let rules = self.pengaturan_kerja();
        let (kept_from, offset) = (rules.kept_from(Utc::now()), rules.zona.offset());
        let store = self.store();
        let mut st = store.conn.prepare(
            "SELECT id, waktu_gps, waktu_perangkat FROM presensi p
             WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'presensi' AND o.row_id = p.id)",
        )?;
        let rows: Vec<(String, Option<String>, Option<String>)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        let old: Vec<String> = rows
            .into_iter()
            .filter(|(_, gps, device)| {
                let taken = rekap::taken_at(gps.as_deref(), device.as_deref());
                taken.is_none_or(|t| t.with_timezone(&offset).date_naive() < kept_from)
            })
            .map(|(id, _, _)| id)
            .collect();
        if old.is_empty() {
            return Ok(0);
        }
        let tx = store.conn.unchecked_transaction()?;
        for id in &old {
            tx.execute("DELETE FROM presensi WHERE id = ?1", [id])?;
            tx.execute("DELETE FROM sync_row WHERE entity = 'presensi' AND row_id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(old.len())
    }
}
