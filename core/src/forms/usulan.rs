//! Layanan requests (usulan): a draft the ASN fills (it lives in the encrypted database, so it
//! survives the app being killed), a submit that refuses, with a list, what lacks a required
//! answer or document, and the facilitator's decisions. Every step is a synced row change, so
//! a submit made offline is queued and each status reaches the other side with its date and
//! reason.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{FormField, FormFieldKind, LayananDef};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldError, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{now, records};

/// One step in a request's life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub status: String,
    pub at: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UsulanInfo {
    pub id: String,
    pub nip: String,
    pub layanan_id: String,
    pub layanan_versi: Option<i64>,
    pub answers: FieldMap,
    pub status: String,
    pub status_at: Option<String>,
    pub status_by: Option<String>,
    pub status_reason: Option<String>,
    pub history: Vec<StatusEntry>,
    /// A data-update request's decisions per field (reasons for returned fields included).
    pub keputusan: std::collections::BTreeMap<String, super::Keputusan>,
    /// A change of it waits for the next sync (made offline).
    pub queued: bool,
}

/// The steps a history keeps (the oldest go first; the row must stay a sync-sized field).
const HISTORY_KEPT: usize = 30;

fn text(m: &FieldMap, f: &str) -> Option<String> {
    m.get(f).and_then(Value::as_str).map(str::to_string)
}

fn check_answer(f: &FormField, v: &Value) -> std::result::Result<Value, FieldError> {
    let bad = |why: &str| FieldError::new(&f.name, "usulan.answer", why.to_string());
    let t = match v {
        Value::Null => return Ok(Value::Null),
        Value::Text(t) => t.trim().to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
    };
    Ok(match f.kind {
        FormFieldKind::Text => Value::Text(t),
        FormFieldKind::Int => Value::Int(t.parse().map_err(|_| bad("must be a whole number"))?),
        FormFieldKind::Bool => Value::Bool(match t.to_ascii_lowercase().as_str() {
            "ya" | "yes" | "true" | "1" => true,
            "tidak" | "no" | "false" | "0" => false,
            _ => return Err(bad("must be ya or tidak")),
        }),
        FormFieldKind::Date => match crate::model::parse_date(&t) {
            Some(Some(d)) => Value::Text(d.to_string()),
            _ => return Err(bad("must be a date YYYY-MM-DD")),
        },
        FormFieldKind::Month => match crate::due::Period::parse(&t) {
            Ok(p) => Value::Text(p.to_string()),
            Err(_) => return Err(bad("must be a month YYYY-MM")),
        },
    })
}

/// The answers, checked against the layanan's fields (unknown names and wrong kinds refused).
fn check_answers(def: &LayananDef, answers: &FieldMap) -> Result<FieldMap> {
    let mut out = FieldMap::new();
    let mut errors = vec![];
    for (name, v) in answers {
        match def.fields.iter().find(|f| &f.name == name) {
            None => {
                errors.push(FieldError::new(name, "usulan.unknown_field", format!("{} has no field {name}", def.id)))
            }
            Some(f) => match check_answer(f, v) {
                Ok(v) => {
                    out.insert(name.clone(), v);
                }
                Err(e) => errors.push(e),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(errors))
    }
}

fn to_json(m: &impl Serialize) -> Result<String> {
    serde_json::to_string(m).map_err(|e| Error::BadDocument(e.to_string()))
}

impl Berkas {
    /// The answers checked by kind, and for a data-update form by the record's own rules too
    /// (NIK structure, phone, e-mail, reference codes), so a bad value is refused while the
    /// ASN is still filling in, not at the facilitator's desk.
    fn checked_answers(&self, def: &LayananDef, answers: &FieldMap) -> Result<FieldMap> {
        let out = check_answers(def, answers)?;
        let Some(entity) = def.ubah.as_ref().and_then(|u| u.entity()) else { return Ok(out) };
        let (nulls, values): (FieldMap, FieldMap) = out.into_iter().partition(|(_, v)| matches!(v, Value::Null));
        let store = self.store();
        let mut clean = crate::pegawai::validate(&store.conn, &store.refs, entity.def(), values)?;
        clean.extend(nulls);
        Ok(clean)
    }

    fn usulan_row(&self, id: &str) -> Result<(FieldMap, String)> {
        let store = self.store();
        let row = records::load_row(&store.conn, Entity::Usulan.def(), id)?.ok_or(Error::NotFound("usulan"))?;
        let pegawai = row.pegawai_id.unwrap_or_default();
        let nip: Option<String> =
            store.conn.query_row("SELECT nip_baru FROM pegawai WHERE id = ?1", [&pegawai], |r| r.get(0)).optional()?;
        Ok((row.values, nip.unwrap_or_default()))
    }

    /// One request as the ASN and the facilitator see it.
    pub fn usulan(&self, id: &str) -> Result<UsulanInfo> {
        let (v, nip) = self.usulan_row(id)?;
        let queued: i64 = self.store().conn.query_row(
            "SELECT count(*) FROM outbox WHERE row_id = ?1 AND state IN ('pending', 'uploading')",
            [id],
            |r| r.get(0),
        )?;
        Ok(UsulanInfo {
            id: id.to_string(),
            nip,
            layanan_id: text(&v, "layanan_id").unwrap_or_default(),
            layanan_versi: match v.get("layanan_versi") {
                Some(Value::Int(i)) => Some(*i),
                _ => None,
            },
            answers: text(&v, "answers").and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default(),
            status: text(&v, "status").unwrap_or_default(),
            status_at: text(&v, "status_at"),
            status_by: text(&v, "status_by"),
            status_reason: text(&v, "status_reason"),
            history: text(&v, "history").and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default(),
            keputusan: super::verifikasi::decisions_of(&v),
            queued: queued > 0,
        })
    }

    /// Requests of one pegawai, or of everyone on this device; optionally of some statuses
    /// (a facilitator's queue: `SUBMITTED`, `RESUBMITTED`).
    pub fn usulan_list(&self, nip: Option<&str>, statuses: &[&str]) -> Result<Vec<UsulanInfo>> {
        let ids: Vec<String> = {
            let store = self.store();
            let pegawai = match nip {
                Some(n) => Some(records::pegawai_id_by_nip(&store.conn, n)?.ok_or(Error::NotFound("pegawai"))?),
                None => None,
            };
            let statuses = to_json(&statuses)?;
            let mut st = store.conn.prepare(
                "SELECT id FROM usulan WHERE (?1 IS NULL OR pegawai_id = ?1)
                   AND (json_array_length(?2) = 0 OR status IN (SELECT value FROM json_each(?2)))
                 ORDER BY status_at DESC, id DESC",
            )?;
            let rows = st.query_map(rusqlite::params![pegawai, statuses], |r| r.get(0))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        ids.iter().map(|id| self.usulan(id)).collect()
    }

    /// Starts a draft request for `layanan` with what is known so far.
    pub fn create_usulan(&self, nip: &str, layanan: &str, answers: &FieldMap) -> Result<String> {
        let catalog = self.layanan_catalog()?;
        let def = catalog.get(layanan).ok_or(Error::NotFound("layanan"))?;
        if !def.aktif {
            return Err(Error::invalid("layanan", "layanan.inactive", "this layanan is switched off by the BKD"));
        }
        let answers = self.checked_answers(def, answers)?;
        let at = now();
        let history =
            vec![StatusEntry { status: "DRAFT".into(), at: at.clone(), by: self.actor().into(), reason: None }];
        let mut row = FieldMap::new();
        row.insert("layanan_id".into(), Value::Text(def.id.clone()));
        row.insert("layanan_versi".into(), Value::Int(def.versi as i64));
        row.insert("answers".into(), Value::Text(to_json(&answers)?));
        row.insert("status".into(), Value::Text("DRAFT".into()));
        row.insert("status_at".into(), Value::Text(at));
        row.insert("status_by".into(), Value::Text(self.actor().into()));
        row.insert("history".into(), Value::Text(to_json(&history)?));
        self.add_riwayat(nip, Entity::Usulan, &row)
    }

    /// Changes answers of a draft or a returned request.
    pub fn update_usulan(&self, id: &str, answers: &FieldMap) -> Result<UsulanInfo> {
        let u = self.usulan(id)?;
        if !matches!(u.status.as_str(), "DRAFT" | "RETURNED") {
            return Err(Error::invalid("status", "usulan.locked", format!("a {} request cannot be changed", u.status)));
        }
        let catalog = self.layanan_catalog()?;
        let def = catalog.get(&u.layanan_id).ok_or(Error::NotFound("layanan"))?;
        let mut merged = u.answers.clone();
        merged.extend(self.checked_answers(def, answers)?);
        let change: FieldMap = [("answers".to_string(), Value::Text(to_json(&merged)?))].into_iter().collect();
        self.edit_riwayat(Entity::Usulan, id, &change)?;
        self.usulan(id)
    }

    fn move_usulan(&self, u: &UsulanInfo, status: &str, reason: Option<&str>) -> Result<UsulanInfo> {
        self.move_usulan_with(u, status, reason, FieldMap::new())
    }

    /// A status step, with other fields of the same writer in the same change.
    pub(crate) fn move_usulan_with(
        &self,
        u: &UsulanInfo,
        status: &str,
        reason: Option<&str>,
        extra: FieldMap,
    ) -> Result<UsulanInfo> {
        let at = now();
        let mut history = u.history.clone();
        history.push(StatusEntry {
            status: status.into(),
            at: at.clone(),
            by: self.actor().into(),
            reason: reason.map(str::to_string),
        });
        let skip = history.len().saturating_sub(HISTORY_KEPT);
        history.drain(..skip);
        let mut change = extra;
        change.insert("status".into(), Value::Text(status.into()));
        change.insert("status_at".into(), Value::Text(at));
        change.insert("status_by".into(), Value::Text(self.actor().into()));
        change.insert("history".into(), Value::Text(to_json(&history)?));
        if let Some(r) = reason {
            change.insert("status_reason".into(), Value::Text(r.into()));
        }
        self.edit_riwayat(Entity::Usulan, &u.id, &change)?;
        self.usulan(&u.id)
    }

    /// Submits a draft (or resubmits a returned request). Refused, listing every missing
    /// required answer and document, when anything is missing; works offline (queued).
    pub fn submit_usulan(&self, id: &str) -> Result<UsulanInfo> {
        let u = self.usulan(id)?;
        let next = match u.status.as_str() {
            "DRAFT" => "SUBMITTED",
            "RETURNED" => "RESUBMITTED",
            other => {
                return Err(Error::invalid(
                    "status",
                    "usulan.not_submittable",
                    format!("a {other} request cannot be submitted"),
                ))
            }
        };
        let catalog = self.layanan_catalog()?;
        let def = catalog.get(&u.layanan_id).ok_or(Error::NotFound("layanan"))?;
        let mut missing = vec![];
        for f in def.fields.iter().filter(|f| f.required) {
            if u.answers.get(&f.name).is_none_or(|v| matches!(v, Value::Null)) {
                missing.push(FieldError::new(&f.name, "usulan.missing_answer", format!("{} is required", f.label)));
            }
        }
        missing.extend(self.layanan_checklist(&u.nip, &u.layanan_id, &u.answers, Some(id))?.missing_errors());
        missing.extend(self.papers_over_hub_limit(id)?);
        if let Some(ubah) = &def.ubah {
            if !u.answers.values().any(|v| !matches!(v, Value::Null)) {
                missing.push(FieldError::new("answers", "usulan.empty", "the form proposes no value"));
            }
            if missing.is_empty() && !ubah.verifikasi {
                return self.apply_own_data(&u, ubah);
            }
        }
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        self.move_usulan(&u, next, None)
    }

    /// Papers of a request that the hub would refuse at upload (captured before its limit was
    /// known here, or lowered since): the request is refused on the device, naming the limit.
    fn papers_over_hub_limit(&self, id: &str) -> Result<Vec<FieldError>> {
        let Some(hub) = self.hub_settings()? else { return Ok(Vec::new()) };
        let papers: Vec<(String, i64)> = {
            let store = self.store();
            let mut st = store
                .conn
                .prepare_cached("SELECT id_ref_dokumen, size FROM dokumen WHERE entity = 'usulan' AND row_id = ?1")?;
            let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        Ok(papers
            .into_iter()
            .filter_map(|(jenis, size)| {
                let (size, limit) = (size.max(0) as u64, hub.document_limit(&jenis));
                (size > limit).then(|| {
                    let e = Error::TooLargeForHub { size, limit };
                    FieldError::new(&format!("dokumen:{jenis}"), e.code(), e.to_string())
                })
            })
            .collect())
    }

    /// A data-update form of the ASN's own data (contact, family) applies when submitted: the
    /// record change and the request's step are two queued changes. Applying twice changes
    /// nothing twice (a new row takes the request's id), so a crash between them is healed by
    /// submitting again.
    fn apply_own_data(&self, u: &UsulanInfo, ubah: &super::Ubah) -> Result<UsulanInfo> {
        let values: FieldMap =
            u.answers.iter().filter(|(_, v)| !matches!(v, Value::Null)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let entity = ubah.entity().ok_or(Error::NotFound("layanan"))?;
        if ubah.baris_baru {
            let exists = records::load_row(&self.store().conn, entity.def(), &u.id)?.is_some();
            if !exists {
                self.add_riwayat_row(&u.nip, entity, &values, u.id.clone())?;
            }
        } else {
            self.edit_pegawai(&u.nip, &values)?;
        }
        self.move_usulan(u, "APPLIED", None)
    }

    /// A reviewer's step: `IN_REVIEW`, `RETURNED` (for correction), `APPROVED`, `REJECTED`,
    /// `COMPLETED`. Returning and rejecting need a reason, which the ASN sees.
    pub fn decide_usulan(&self, id: &str, status: &str, reason: Option<&str>) -> Result<UsulanInfo> {
        let u = self.usulan(id)?;
        let status = status.to_ascii_uppercase();
        let allowed = match u.status.as_str() {
            "SUBMITTED" | "RESUBMITTED" => &["IN_REVIEW", "RETURNED", "APPROVED", "REJECTED"][..],
            "IN_REVIEW" => &["RETURNED", "APPROVED", "REJECTED"][..],
            "APPROVED" => &["COMPLETED"][..],
            _ => &[][..],
        };
        if !allowed.contains(&status.as_str()) {
            return Err(Error::invalid(
                "status",
                "usulan.bad_step",
                format!("a {} request cannot become {status} (possible: {})", u.status, allowed.join(", ")),
            ));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if matches!(status.as_str(), "RETURNED" | "REJECTED") && reason.is_none() {
            return Err(Error::invalid("reason", "usulan.reason_required", "say why, so the ASN can act on it"));
        }
        let catalog = self.layanan_catalog()?;
        if status == "APPROVED" && super::verifikasi::verified_form(&catalog, &u.layanan_id).is_some() {
            return self.approve_all_fields(id);
        }
        self.move_usulan(&u, &status, reason)
    }
}
