//! Verification of data-update requests, field by field. The facilitator judges each proposed
//! value beside the official one: approve, return with a reason, reject. Decisions are the
//! facilitator's own field of the request (`keputusan`), so they travel back to the ASN like
//! any change. Once every field is judged the request moves on by itself: returned if any
//! field was returned, approved if any was approved, else rejected. The hub applies the
//! approved values to the official record ([`approved_change`]), so the single writer of
//! official data stays the BKD's side, and every device receives the same change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{LayananCatalog, LayananDef, UsulanInfo};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::profile::Berkas;
use crate::store::{now, records};

/// A facilitator's decision on one proposed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Putusan {
    Setuju,
    Kembalikan,
    Tolak,
}

impl Putusan {
    /// Accepts the CLI's and the UI's words, in Indonesian or English.
    pub fn parse(s: &str) -> Option<Putusan> {
        match s.to_ascii_lowercase().as_str() {
            "setuju" | "approve" | "approved" => Some(Putusan::Setuju),
            "kembalikan" | "return" | "returned" => Some(Putusan::Kembalikan),
            "tolak" | "reject" | "rejected" => Some(Putusan::Tolak),
            _ => None,
        }
    }
}

/// A decision as stored: on which value, in which round of submission, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keputusan {
    pub putusan: Putusan,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alasan: Option<String>,
    /// The value judged: a changed value needs a new decision.
    pub nilai: Value,
    /// Which submission it judged (1 = first submit, 2 = first resubmit ...): a return is
    /// answered by the next resubmission.
    pub putaran: u32,
    pub oleh: String,
    pub pada: String,
}

/// One line of the verification screen: the official value beside the proposed one.
#[derive(Debug, Clone, Serialize)]
pub struct VerifikasiIsian {
    /// The group the field belongs to (`data_utama`, `anak` ...), for showing its values.
    pub entity: Option<Entity>,
    pub field: String,
    pub label: String,
    /// The record's current value (none for a new row).
    pub resmi: Option<Value>,
    pub usul: Value,
    pub keputusan: Option<Keputusan>,
    /// Still waits for a decision in this round.
    pub tertunda: bool,
}

/// One decision to record.
#[derive(Debug, Clone)]
pub struct FieldDecision {
    pub field: String,
    pub putusan: Putusan,
    pub alasan: Option<String>,
}

pub(crate) fn decisions_of(values: &FieldMap) -> BTreeMap<String, Keputusan> {
    values.get("keputusan").and_then(Value::as_str).and_then(|k| serde_json::from_str(k).ok()).unwrap_or_default()
}

/// The round a request is in: how many times it was submitted.
fn round(u: &UsulanInfo) -> u32 {
    u.history.iter().filter(|h| matches!(h.status.as_str(), "SUBMITTED" | "RESUBMITTED")).count() as u32
}

fn proposed(answers: &FieldMap) -> impl Iterator<Item = (&String, &Value)> {
    answers.iter().filter(|(_, v)| !matches!(v, Value::Null))
}

/// Whether `field` still waits: no decision, a decision on another value, or a return from an
/// earlier round (the ASN has resubmitted since).
fn pending(k: Option<&Keputusan>, value: &Value, round: u32) -> bool {
    match k {
        None => true,
        Some(k) => &k.nilai != value || (k.putusan == Putusan::Kembalikan && k.putaran < round),
    }
}

/// The data-update definition of a request's layanan, when it needs verification.
pub(crate) fn verified_form<'a>(catalog: &'a LayananCatalog, layanan: &str) -> Option<&'a LayananDef> {
    catalog.get(layanan).filter(|d| d.ubah.as_ref().is_some_and(|u| u.verifikasi))
}

/// The change an approved data-update request makes to the official record: its entity, the
/// row (data utama: the pegawai; a new riwayat row: the request's id) and the approved values.
/// `values` are the request row's merged values. The hub calls this when it accepts an
/// approval; every device then receives the one resulting change.
pub fn approved_change(
    catalog: &LayananCatalog,
    usulan_id: &str,
    pegawai_id: &str,
    values: &FieldMap,
) -> Option<(Entity, String, FieldMap)> {
    if !matches!(values.get("status").and_then(Value::as_str), Some("APPROVED" | "COMPLETED")) {
        return None;
    }
    let def = verified_form(catalog, values.get("layanan_id").and_then(Value::as_str)?)?;
    let ubah = def.ubah.as_ref()?;
    let entity = ubah.entity()?;
    let answers: FieldMap = serde_json::from_str(values.get("answers").and_then(Value::as_str)?).ok()?;
    let decisions = decisions_of(values);
    let approved: FieldMap = proposed(&answers)
        .filter(|(f, v)| decisions.get(*f).is_some_and(|k| k.putusan == Putusan::Setuju && &k.nilai == *v))
        .map(|(f, v)| (f.clone(), v.clone()))
        .collect();
    if approved.is_empty() {
        return None;
    }
    let row = if ubah.baris_baru { usulan_id.to_string() } else { pegawai_id.to_string() };
    Some((entity, row, approved))
}

impl Berkas {
    /// The verification screen of a data-update request: each proposed value beside the
    /// official one, with its decision so far.
    pub fn verifikasi_usulan(&self, id: &str) -> Result<Vec<VerifikasiIsian>> {
        let u = self.usulan(id)?;
        let catalog = self.layanan_catalog()?;
        // A layanan request (kartu pegawai, izin belajar ...) proposes no value to decide: it
        // is decided as a whole (`decide_usulan`), so it has no lines rather than an error.
        let Some(def) = verified_form(&catalog, &u.layanan_id) else { return Ok(Vec::new()) };
        let Some(ubah) = def.ubah.as_ref() else { return Ok(Vec::new()) };
        let official = if ubah.baris_baru {
            FieldMap::new()
        } else {
            let store = self.store();
            let pegawai = records::pegawai_id_by_nip(&store.conn, &u.nip)?.ok_or(Error::NotFound("pegawai"))?;
            records::load_row(&store.conn, Entity::DataUtama.def(), &pegawai)?.map(|r| r.values).unwrap_or_default()
        };
        let decisions = self.usulan_decisions(id)?;
        let round = round(&u);
        Ok(proposed(&u.answers)
            .map(|(f, v)| {
                let k = decisions.get(f).cloned();
                VerifikasiIsian {
                    entity: Entity::from_key(&ubah.entitas).or_else(|| Entity::from_table(&ubah.entitas)),
                    field: f.clone(),
                    label: def.fields.iter().find(|x| &x.name == f).map(|x| x.label.clone()).unwrap_or_default(),
                    resmi: (!ubah.baris_baru).then(|| official.get(f).cloned().unwrap_or(Value::Null)),
                    usul: v.clone(),
                    tertunda: pending(k.as_ref(), v, round),
                    keputusan: k,
                }
            })
            .collect())
    }

    /// A value of a verification line (official or proposed) as core's display shows it.
    pub fn show_isian(&self, line: &VerifikasiIsian, value: &Value, lang: crate::display::Lang) -> String {
        match line.entity {
            Some(e) => self.show_value(e, &line.field, value, lang),
            None if value.is_null() => "-".into(),
            None => value.to_text(),
        }
    }

    pub(crate) fn usulan_decisions(&self, id: &str) -> Result<BTreeMap<String, Keputusan>> {
        let store = self.store();
        let row = records::load_row(&store.conn, Entity::Usulan.def(), id)?.ok_or(Error::NotFound("usulan"))?;
        Ok(decisions_of(&row.values))
    }

    /// Records decisions on fields of a submitted data-update request. When no field waits any
    /// more, the request moves: returned (with every returned field and its reason), approved,
    /// or rejected; otherwise it is in review.
    pub fn review_usulan(&self, id: &str, decisions: &[FieldDecision]) -> Result<UsulanInfo> {
        let u = self.usulan(id)?;
        if !matches!(u.status.as_str(), "SUBMITTED" | "RESUBMITTED" | "IN_REVIEW") {
            return Err(Error::invalid(
                "status",
                "usulan.bad_step",
                format!("a {} request is not waiting for verification", u.status),
            ));
        }
        let catalog = self.layanan_catalog()?;
        verified_form(&catalog, &u.layanan_id).ok_or_else(not_a_data_change)?;
        let round = round(&u);
        let mut all = self.usulan_decisions(id)?;
        let mut errors = vec![];
        for d in decisions {
            let Some(value) = u.answers.get(&d.field).filter(|v| !matches!(v, Value::Null)) else {
                errors.push(crate::model::FieldError::new(
                    &d.field,
                    "verifikasi.unknown_field",
                    "the request proposes no value for this field",
                ));
                continue;
            };
            let alasan = d.alasan.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
            if d.putusan != Putusan::Setuju && alasan.is_none() {
                errors.push(crate::model::FieldError::new(
                    &d.field,
                    "usulan.reason_required",
                    "say why, so the ASN can act on it",
                ));
                continue;
            }
            all.insert(
                d.field.clone(),
                Keputusan {
                    putusan: d.putusan,
                    alasan,
                    nilai: value.clone(),
                    putaran: round,
                    oleh: self.actor().into(),
                    pada: now(),
                },
            );
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let waiting = proposed(&u.answers).any(|(f, v)| pending(all.get(f), v, round));
        let current = |p: Putusan| {
            proposed(&u.answers).filter_map(|(f, _)| all.get(f).map(|k| (f, k))).filter(move |(_, k)| k.putusan == p)
        };
        let (status, reason) = if waiting {
            ("IN_REVIEW", None)
        } else if current(Putusan::Kembalikan).next().is_some() {
            let why: Vec<String> = current(Putusan::Kembalikan)
                .map(|(f, k)| format!("{f}: {}", k.alasan.clone().unwrap_or_default()))
                .collect();
            ("RETURNED", Some(why.join("; ")))
        } else if current(Putusan::Setuju).next().is_some() {
            ("APPROVED", None)
        } else {
            ("REJECTED", Some("semua isian ditolak".to_string()))
        };
        let keputusan = serde_json::to_string(&all).map_err(|e| Error::BadDocument(e.to_string()))?;
        let extra: FieldMap = [("keputusan".to_string(), Value::Text(keputusan))].into_iter().collect();
        if status == "IN_REVIEW" && u.status == "IN_REVIEW" {
            self.edit_riwayat(Entity::Usulan, id, &extra)?;
            return self.usulan(id);
        }
        self.move_usulan_with(&u, status, reason.as_deref(), extra)
    }

    /// Approves every field still waiting (the "approve all" of a data-update request).
    pub(crate) fn approve_all_fields(&self, id: &str) -> Result<UsulanInfo> {
        let lines = self.verifikasi_usulan(id)?;
        let all: Vec<FieldDecision> = lines
            .iter()
            .filter(|l| l.tertunda)
            .map(|l| FieldDecision { field: l.field.clone(), putusan: Putusan::Setuju, alasan: None })
            .collect();
        self.review_usulan(id, &all)
    }
}

fn not_a_data_change() -> Error {
    Error::invalid("layanan", "verifikasi.not_a_data_change", "this request proposes no change to official data")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(status: &str, answers: &FieldMap, decisions: &BTreeMap<String, Keputusan>) -> FieldMap {
        let mut v = FieldMap::new();
        v.insert("layanan_id".into(), Value::Text("koreksi_data_utama".into()));
        v.insert("status".into(), Value::Text(status.into()));
        v.insert("answers".into(), Value::Text(serde_json::to_string(answers).expect("json")));
        v.insert("keputusan".into(), Value::Text(serde_json::to_string(decisions).expect("json")));
        v
    }

    fn k(p: Putusan, v: &str) -> Keputusan {
        Keputusan {
            putusan: p,
            alasan: None,
            nilai: Value::Text(v.into()),
            putaran: 1,
            oleh: "f".into(),
            pada: "t".into(),
        }
    }

    #[test]
    fn only_approved_fields_with_the_judged_value_are_applied() {
        let catalog = LayananCatalog::builtin();
        let answers: FieldMap = [
            ("tempat_lahir".to_string(), Value::Text("Bandung".into())),
            ("gelar_depan".to_string(), Value::Text("Dr.".into())),
            ("gelar_belakang".to_string(), Value::Text("S.Kom.".into())),
        ]
        .into_iter()
        .collect();
        let decisions: BTreeMap<String, Keputusan> = [
            ("tempat_lahir".to_string(), k(Putusan::Setuju, "Bandung")),
            ("gelar_depan".to_string(), k(Putusan::Tolak, "Dr.")),
            // Judged on an older value: not applied.
            ("gelar_belakang".to_string(), k(Putusan::Setuju, "S.T.")),
        ]
        .into_iter()
        .collect();
        let (entity, row, fields) =
            approved_change(&catalog, "u1", "p1", &values("APPROVED", &answers, &decisions)).expect("a change");
        assert_eq!((entity, row.as_str()), (Entity::DataUtama, "p1"));
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["tempat_lahir"]);
        assert!(approved_change(&catalog, "u1", "p1", &values("IN_REVIEW", &answers, &decisions)).is_none());
        let mut other = values("APPROVED", &answers, &decisions);
        other.insert("layanan_id".into(), Value::Text("kartu_pegawai".into()));
        assert!(approved_change(&catalog, "u1", "p1", &other).is_none(), "not a data change");
    }

    #[test]
    fn a_return_waits_for_the_next_round_and_a_changed_value_for_a_new_decision() {
        let v = Value::Text("x".into());
        let mut ret = k(Putusan::Kembalikan, "x");
        assert!(!pending(Some(&ret), &v, 1), "returned in this round");
        assert!(pending(Some(&ret), &v, 2), "resubmitted since");
        ret.putusan = Putusan::Setuju;
        assert!(!pending(Some(&ret), &v, 2), "an approval carries over");
        assert!(pending(Some(&ret), &Value::Text("y".into()), 2), "but not to another value");
        assert!(pending(None, &v, 1));
    }
}
