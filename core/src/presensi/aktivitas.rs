//! Daily activities against the ASN's SKP targets or an extra task agreed with the atasan:
//! written on the profile (offline too), submitted per day, approved or returned by the atasan
//! langsung through the hub. What the atasan sees and decides is in `sync::aktivitas_client`.

use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::authz::{RowWrite, Target};
use crate::error::{Error, Result};
use crate::model::{field_int as int, field_text as text};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{new_id, records};

/// The most a day's activity may take, in minutes.
pub const MENIT_MAKS: i64 = 24 * 60;

/// An activity as the ASN writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewAktivitas {
    pub tanggal: NaiveDate,
    /// The SKP target (rencana kinerja) it serves, or the extra task.
    pub rencana: String,
    pub tambahan: bool,
    pub uraian: String,
    pub output: Option<String>,
    pub kuantitas: Option<i64>,
    pub satuan: Option<String>,
    pub menit: Option<i64>,
    /// A document of the record as evidence.
    pub dokumen_id: Option<String>,
}

/// A stored activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aktivitas {
    pub id: String,
    pub tanggal: String,
    pub rencana: String,
    pub tambahan: bool,
    pub uraian: String,
    pub output: Option<String>,
    pub kuantitas: Option<i64>,
    pub satuan: Option<String>,
    pub menit: Option<i64>,
    pub dokumen_id: Option<String>,
    /// DRAFT, DIAJUKAN, DISETUJUI, DIKEMBALIKAN.
    pub status: String,
    /// Why the atasan returned it.
    pub alasan: Option<String>,
    pub diputus_oleh: Option<String>,
    pub diputus_pada: Option<String>,
}

/// A direct report's activities of a day, as their atasan sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AktivitasBawahan {
    pub nip: String,
    pub nama: String,
    pub unit: Option<String>,
    pub tanggal: String,
    pub aktivitas: Vec<Aktivitas>,
}

impl AktivitasBawahan {
    /// A report's days as their atasan sees them, oldest first: of `day` every activity submitted
    /// or decided (not drafts), or without a day every activity still waiting (`DIAJUKAN`).
    pub fn days_of(
        nip: &str,
        nama: &str,
        unit: Option<&str>,
        mut activities: Vec<Aktivitas>,
        day: Option<&str>,
    ) -> Vec<AktivitasBawahan> {
        activities.sort_by(|a, b| a.tanggal.cmp(&b.tanggal).then(a.id.cmp(&b.id)));
        let shown = activities.into_iter().filter(|a| match day {
            Some(d) => a.tanggal == d && a.status != "DRAFT",
            None => a.status == "DIAJUKAN",
        });
        let mut days: Vec<AktivitasBawahan> = Vec::new();
        for a in shown {
            match days.iter_mut().find(|d| d.tanggal == a.tanggal) {
                Some(d) => d.aktivitas.push(a),
                None => days.push(AktivitasBawahan {
                    nip: nip.to_string(),
                    nama: nama.to_string(),
                    unit: unit.map(str::to_string),
                    tanggal: a.tanggal.clone(),
                    aktivitas: vec![a],
                }),
            }
        }
        days
    }
}

/// The atasan's decision on a report's submitted day: approve, or return with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PutusanAktivitas {
    pub nip: String,
    /// `YYYY-MM-DD`.
    pub tanggal: String,
    pub setuju: bool,
    /// Required when returning.
    pub alasan: Option<String>,
}

/// What the hub decided: how many activities, and to which status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PutusanDiterima {
    pub diputus: u32,
    /// DISETUJUI or DIKEMBALIKAN.
    pub status: String,
}

/// An activity from its stored fields (the hub reads rows the same way).
pub fn from_row(id: String, v: &FieldMap) -> Aktivitas {
    Aktivitas {
        id,
        tanggal: text(v, "tanggal").unwrap_or_default(),
        rencana: text(v, "rencana").unwrap_or_default(),
        tambahan: matches!(v.get("tambahan"), Some(Value::Bool(true)) | Some(Value::Int(1))),
        uraian: text(v, "uraian").unwrap_or_default(),
        output: text(v, "output"),
        kuantitas: int(v, "kuantitas"),
        satuan: text(v, "satuan"),
        menit: int(v, "menit"),
        dokumen_id: text(v, "dokumen_id"),
        status: text(v, "status").unwrap_or_else(|| "DRAFT".into()),
        alasan: text(v, "alasan"),
        diputus_oleh: text(v, "diputus_oleh"),
        diputus_pada: text(v, "diputus_pada"),
    }
}

impl Berkas {
    /// Records an activity of `nip` (the ASN's own record) as a draft. Refused, naming the
    /// field, without a target or a description, on a day more than one day ahead, with time
    /// outside 1-1,440 minutes or a negative quantity, or with evidence not of this record.
    pub fn add_aktivitas(&self, nip: &str, new: &NewAktivitas) -> Result<Aktivitas> {
        let rencana = new.rencana.trim();
        let uraian = new.uraian.trim();
        if rencana.is_empty() {
            return Err(Error::invalid("rencana", "aktivitas.rencana", "name the SKP target or the extra task"));
        }
        if uraian.is_empty() {
            return Err(Error::invalid("uraian", "aktivitas.uraian", "say what was done"));
        }
        if new.tanggal > (Utc::now() + Duration::days(1)).date_naive() {
            return Err(Error::invalid("tanggal", "aktivitas.tanggal", "an activity is recorded on or after its day"));
        }
        if new.menit.is_some_and(|m| !(1..=MENIT_MAKS).contains(&m)) {
            return Err(Error::invalid("menit", "aktivitas.menit", format!("between 1 and {MENIT_MAKS} minutes")));
        }
        if new.kuantitas.is_some_and(|k| k < 0) {
            return Err(Error::invalid("kuantitas", "aktivitas.kuantitas", "a quantity is not negative"));
        }
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        if let Some(doc) = &new.dokumen_id {
            let row = records::load_row(&self.store().conn, Entity::Dokumen.def(), doc)?;
            if row.and_then(|r| r.pegawai_id).as_deref() != Some(pegawai_id.as_str()) {
                return Err(Error::invalid("dokumen_id", "aktivitas.dokumen", "is not a document of this record"));
            }
        }
        let mut row = FieldMap::new();
        row.insert("tanggal".into(), Value::Text(new.tanggal.to_string()));
        row.insert("rencana".into(), Value::Text(rencana.into()));
        row.insert("tambahan".into(), Value::Bool(new.tambahan));
        row.insert("uraian".into(), Value::Text(uraian.into()));
        row.insert("status".into(), Value::Text("DRAFT".into()));
        let optional =
            [("output", new.output.clone()), ("satuan", new.satuan.clone()), ("dokumen_id", new.dokumen_id.clone())];
        for (f, v) in optional {
            if let Some(v) = v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
                row.insert(f.into(), Value::Text(v));
            }
        }
        for (f, v) in [("kuantitas", new.kuantitas), ("menit", new.menit)] {
            if let Some(v) = v {
                row.insert(f.into(), Value::Int(v));
            }
        }
        let fields: Vec<&str> = row.keys().map(String::as_str).collect();
        let write = RowWrite {
            creating_or_deleting: true,
            status: Some("DRAFT"),
            ..RowWrite::fields(Entity::Aktivitas, fields)
        };
        self.may_write_row("aktivitas", &write, Target { pegawai_id: &pegawai_id, unit: unit.as_deref() })?;
        let id = self.add_riwayat_row(nip, Entity::Aktivitas, &row, new_id())?;
        self.one_aktivitas(&id)
    }

    /// The activities of `nip` on `tanggal`, or all of them when `None`, oldest day first.
    pub fn aktivitas(&self, nip: &str, tanggal: Option<NaiveDate>) -> Result<Vec<Aktivitas>> {
        let (pegawai_id, _) = self.record_and_unit(nip)?;
        let rows = records::load_rows(&self.store().conn, Entity::Aktivitas.def(), &pegawai_id)?;
        let day = tanggal.map(|d| d.to_string());
        let mut out: Vec<Aktivitas> = rows
            .into_iter()
            .map(|r| from_row(r.id, &r.values))
            .filter(|a| day.as_ref().is_none_or(|d| a.tanggal == *d))
            .collect();
        out.sort_by(|a, b| a.tanggal.cmp(&b.tanggal).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Submits a day's activities to the atasan: the drafts and those returned (after the ASN
    /// changed them) become DIAJUKAN, sent at the next sync. Refused when there is nothing to
    /// submit that day.
    pub fn submit_aktivitas(&self, nip: &str, tanggal: NaiveDate) -> Result<Vec<Aktivitas>> {
        let (pegawai_id, unit) = self.record_and_unit(nip)?;
        let open: Vec<Aktivitas> = self
            .aktivitas(nip, Some(tanggal))?
            .into_iter()
            .filter(|a| matches!(a.status.as_str(), "DRAFT" | "DIKEMBALIKAN"))
            .collect();
        if open.is_empty() {
            return Err(Error::invalid(
                "tanggal",
                "aktivitas.nothing",
                format!("no draft or returned activity on {tanggal}"),
            ));
        }
        let write = RowWrite { status: Some("DIAJUKAN"), ..RowWrite::fields(Entity::Aktivitas, vec!["status"]) };
        self.may_write_row("aktivitas", &write, Target { pegawai_id: &pegawai_id, unit: unit.as_deref() })?;
        let mut change = FieldMap::new();
        change.insert("status".into(), Value::Text("DIAJUKAN".into()));
        for a in &open {
            self.edit_riwayat(Entity::Aktivitas, &a.id, &change)?;
        }
        self.aktivitas(nip, Some(tanggal))
    }

    fn one_aktivitas(&self, id: &str) -> Result<Aktivitas> {
        let row =
            records::load_row(&self.store().conn, Entity::Aktivitas.def(), id)?.ok_or(Error::NotFound("aktivitas"))?;
        Ok(from_row(row.id, &row.values))
    }
}
