//! Applying a previewed file: the rows chosen become ordinary changes of the records (the
//! edit path: audit, outbox, completeness), a go.id address is marked validated by the
//! instansi, the BKD's right alone (asked before anything is written).

use rusqlite::{params, TransactionBehavior};

use super::input::Roster;
use super::{jpt, stored_by_nip, verdict, RekonApplied, RekonSelection, Verdict, FIELDS};
use crate::authz::{self, Action};
use crate::error::{Error, Result};
use crate::model::{Entity, FieldMap, Value};
use crate::pegawai::{validate, write_data_utama};
use crate::profile::Berkas;
use crate::store::now;

fn batch_short(batch: &str) -> &str {
    batch.get(batch.len().saturating_sub(8)..).unwrap_or(batch)
}

impl Berkas {
    /// Whether this profile may apply a rekon file: the BKD's right (a local profile with no
    /// hub is its owner's own tool, so yes). The screens ask it to offer the button or not.
    pub fn may_reconcile(&self) -> Result<bool> {
        Ok(self.principal()?.is_none_or(|p| authz::scope(p.role, Action::ReconcileContact) != authz::Scope::None))
    }

    /// Applies a previewed file: the selected rows' new and changed fields become ordinary
    /// changes of the records (and stale ones when the admin overrides), a go.id address is
    /// marked validated by the instansi. Only the BKD may; a facilitator is refused before
    /// anything is written. A row whose record changed since the preview is left alone.
    pub fn rekon_apply(&self, batch: &str, selection: &RekonSelection) -> Result<RekonApplied> {
        if !self.may_reconcile()? {
            return Err(Error::Forbidden {
                code: "forbidden.role",
                en: "only the BKD (admin) applies a rekon file; a facilitator prepares and previews it",
                id: "hanya BKD (admin) yang menerapkan rekon; fasilitator menyiapkan berkas dan pratinjaunya",
            });
        }
        let principal = self.principal()?;
        // Who validates: the signed-in account (the profile's user on a local tool).
        let who = principal.map(|p| p.username).unwrap_or_else(|| self.actor().to_string());
        let head = self.rekon_batch(batch)?;
        let file_date = head.file_date;
        let roster = Roster::parse(&head.roster);
        let mut items = Vec::new();
        {
            let store = self.store();
            let mut offset = 0;
            loop {
                let page = verdict::items(&store.conn, batch, None, offset, 5_000)?;
                if page.is_empty() {
                    break;
                }
                offset += page.len() as u64;
                items.extend(
                    page.into_iter()
                        .filter(|i| !i.applied && selection.lines.as_ref().is_none_or(|l| l.contains(&i.line))),
                );
            }
        }
        let today = crate::model::today().to_string();
        let mut done = RekonApplied::default();
        for chunk in items.chunks(1_000) {
            let mut store = self.store();
            let s = &mut *store;
            let tx = s.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            for item in chunk {
                if roster == Roster::JptNonPns {
                    jpt::apply_item(&tx, batch, item, &who, &today, selection.override_stale, &mut done)?;
                    continue;
                }
                let Some(nip) = item.nip.as_deref() else { continue };
                let Some(now_stored) = stored_by_nip(&tx, nip)? else { continue };
                let fields = [&item.email_gov, &item.email, &item.no_hp];
                // The record moved since the preview: the preview's old values no longer hold.
                if fields.iter().zip(&now_stored.values).any(|(f, v)| f.verdict.writes() && f.old != *v) {
                    done.moved += 1;
                    continue;
                }
                let mut changes = FieldMap::new();
                for (name, f) in FIELDS.iter().zip(fields) {
                    let take = match f.verdict {
                        Verdict::New | Verdict::Changed => true,
                        Verdict::Stale if selection.override_stale => true,
                        Verdict::Stale => {
                            done.kept_newer += 1;
                            false
                        }
                        _ => false,
                    };
                    if let (true, Some(v)) = (take, &f.new) {
                        changes.insert(name.to_string(), Value::Text(v.clone()));
                    }
                }
                let gov = changes.get("email_gov").and_then(Value::as_str).map(str::to_string).or_else(|| {
                    (item.email_gov.verdict == Verdict::Same).then(|| item.email_gov.new.clone()).flatten()
                });
                let already: Option<String> =
                    tx.query_row("SELECT email_gov_valid FROM pegawai WHERE id = ?1", [&now_stored.id], |r| r.get(0))?;
                let validates = gov.as_ref().is_some_and(|g| already.as_deref() != Some(g.as_str()));
                if changes.is_empty() && !validates {
                    continue;
                }
                let written: Vec<String> = changes.keys().cloned().collect();
                let mut note = format!("{today} oleh {who} (berkas {}, data {file_date})", batch_short(batch));
                if !written.is_empty() {
                    note.push_str(&format!(": {}", written.join(", ")));
                }
                if let (true, Some(g)) = (validates, gov) {
                    changes.insert("email_gov_valid".into(), Value::Text(g));
                    changes.insert("email_gov_valid_oleh".into(), Value::Text(who.clone()));
                    changes.insert("email_gov_valid_pada".into(), Value::Text(today.clone()));
                    done.validated += 1;
                }
                changes.insert("rekon_terakhir".into(), Value::Text(note));
                done.fields += written.len() as u64;
                let clean = validate(&tx, &s.refs, Entity::DataUtama.def(), changes)?;
                let why = serde_json::json!({ "batch": batch, "line": item.line });
                let diff = write_data_utama(&tx, self.actor(), &now_stored.id, &clean, &at, Some(("rekon", why)))?;
                if !diff.is_empty() {
                    done.records += 1;
                }
                tx.execute(
                    "UPDATE rekon_item SET applied_at = ?3 WHERE batch = ?1 AND line = ?2",
                    params![batch, item.line as i64, at],
                )?;
            }
            tx.commit()?;
        }
        Ok(done)
    }
}
