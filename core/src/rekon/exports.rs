//! What a rekon hands out: the preview as a workbook, the template, the standing per unit
//! against the deadline, the report to BKN, the JPT non-PNS roster. Each export of personal
//! data is audited.

use super::{jpt, xlsx, JptNonPns, RekonProgress, DEADLINE};
use crate::error::Result;
use crate::model::Date;
use crate::profile::Berkas;
use crate::store::{audit, now, replica};

impl Berkas {
    /// One audit entry for an export of personal data (`what`, and the batch if any).
    fn audit_export(&self, conn: &rusqlite::Connection, batch: Option<&str>, detail: serde_json::Value) -> Result<()> {
        audit::record(conn, &now(), self.actor(), "export", None, batch, None, Some(&detail))
    }

    /// A preview as a workbook: every row with its verdict, and the counts per unit.
    pub fn rekon_preview_xlsx(&self, batch: &str) -> Result<Vec<u8>> {
        let preview = self.rekon_batch(batch)?;
        let store = self.store();
        let bytes = xlsx::preview(&store.conn, &preview)?;
        self.audit_export(
            &store.conn,
            Some(batch),
            serde_json::json!({ "what": "rekon.preview", "rows": preview.rows }),
        )?;
        Ok(bytes)
    }

    /// The rekon template, filled with the records in reach (of `unit` if given): NIP, name and
    /// today's contact data, for the OPD to correct and send back.
    pub fn rekon_template_xlsx(&self, unit: Option<&str>) -> Result<Vec<u8>> {
        let principal = self.principal()?;
        let store = self.store();
        let bytes = xlsx::template(&store.conn, unit, principal.as_ref())?;
        self.audit_export(&store.conn, None, serde_json::json!({ "what": "rekon.template", "unit": unit }))?;
        Ok(bytes)
    }

    /// Per unit: how many ASN have a go.id address the instansi validated and a valid mobile
    /// number, and the deadline the admin set.
    pub fn rekon_progress(&self) -> Result<RekonProgress> {
        let principal = self.principal()?;
        let store = self.store();
        xlsx::progress(&store.conn, principal.as_ref())
    }

    /// The JPT non-PNS officials kept here, by name.
    pub fn rekon_jpt_list(&self) -> Result<Vec<JptNonPns>> {
        jpt::all(&self.store().conn)
    }

    /// The JPT non-PNS template, filled with the officials kept here.
    pub fn rekon_jpt_template_xlsx(&self) -> Result<Vec<u8>> {
        let store = self.store();
        let bytes = xlsx::jpt_template(&jpt::all(&store.conn)?)?;
        self.audit_export(&store.conn, None, serde_json::json!({ "what": "rekon.jpt_template" }))?;
        Ok(bytes)
    }

    /// Sets (or clears) the deadline of the rekon, as BKN's letter gives it.
    pub fn set_rekon_deadline(&self, deadline: Option<Date>) -> Result<()> {
        let store = self.store();
        match deadline {
            Some(d) => replica::meta_set(&store.conn, DEADLINE, &d.to_string()),
            None => replica::meta_delete(&store.conn, DEADLINE),
        }
    }

    /// The report to BKN: one row per ASN (NIP, name, go.id e-mail, phone, status).
    pub fn rekon_report_xlsx(&self, unit: Option<&str>) -> Result<Vec<u8>> {
        let principal = self.principal()?;
        let store = self.store();
        let bytes = xlsx::report(&store.conn, unit, principal.as_ref())?;
        self.audit_export(&store.conn, None, serde_json::json!({ "what": "rekon.report", "unit": unit }))?;
        Ok(bytes)
    }
}
