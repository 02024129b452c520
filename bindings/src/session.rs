//! What the phone needs at launch and around a request, known offline: the session it kept,
//! the language the ASN chose, the layanan that apply to them (and why others do not), a
//! layanan's form as typed inputs, codes to pick by name, and a large document sent now.

use crate::error::Result;
use crate::profile::BerkasProfile;
use crate::record::lang_of;

#[derive(Debug, Clone, uniffi::Record)]
pub struct SessionEntry {
    /// Open on the records (offline too); otherwise on the sign-in form.
    pub signed_in: bool,
    pub server: Option<String>,
    pub username: Option<String>,
    /// `personal`, `fasilitator`, `admin`.
    pub role: Option<String>,
    /// The signed-in ASN's own record on this device.
    pub own_nip: Option<String>,
    pub last_sync: Option<String>,
    /// Changes not yet accepted by the hub: signing out now would lose them.
    pub outbox: u64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct LayananOfferEntry {
    pub id: String,
    pub nama: String,
    pub kelompok: String,
    pub applies: bool,
    /// Why not (`layanan.pns_only` ...), and in words of the language asked.
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    /// An open request of this layanan, to continue.
    pub open_request: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FormInputEntry {
    pub name: String,
    pub label: String,
    /// `text`, `int`, `bool`, `date`, `month`, `code`, `phone`, `email`, `nik`.
    pub kind: String,
    pub required: bool,
    /// For `code`: the reference table to pick from (`ref_options`).
    pub ref_table: Option<String>,
    pub value: String,
    pub display: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RefOption {
    pub code: String,
    /// As records show it.
    pub name: String,
}

#[uniffi::export]
impl BerkasProfile {
    /// Where this profile stands, with no network.
    pub fn session(&self) -> Result<SessionEntry> {
        let s = self.inner.session()?;
        Ok(SessionEntry {
            signed_in: s.signed_in,
            server: s.server,
            username: s.principal.as_ref().map(|p| p.username.clone()),
            role: s.principal.map(|p| p.role),
            own_nip: s.own_nip,
            last_sync: s.last_sync,
            outbox: s.outbox,
        })
    }

    /// The language chosen in the app (`id`, `en`), none to follow the system.
    pub fn language(&self) -> Result<Option<String>> {
        Ok(self.inner.language()?.map(|l| l.code().to_string()))
    }

    pub fn set_language(&self, lang: String) -> Result<()> {
        Ok(self.inner.set_language(lang_of(&lang))?)
    }

    /// Every layanan as offered to `nip`: those that apply first, the others with why not.
    pub fn layanan_offer(&self, nip: String, lang: String) -> Result<Vec<LayananOfferEntry>> {
        Ok(self
            .inner
            .layanan_offer(&nip, lang_of(&lang))?
            .into_iter()
            .map(|o| LayananOfferEntry {
                id: o.id,
                nama: o.nama,
                kelompok: o.kelompok,
                applies: o.applies,
                reason_code: o.reason.as_ref().map(|r| r.code.clone()),
                reason: o.reason.map(|r| r.text),
                open_request: o.open_request,
            })
            .collect())
    }

    /// The inputs of a layanan's form, holding a draft's answers or the record's values.
    pub fn layanan_form(
        &self,
        nip: String,
        layanan: String,
        usulan: Option<String>,
        lang: String,
    ) -> Result<Vec<FormInputEntry>> {
        Ok(self
            .inner
            .layanan_form(&nip, &layanan, usulan.as_deref(), lang_of(&lang))?
            .into_iter()
            .map(|i| FormInputEntry {
                kind: serde_json::to_value(i.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                name: i.name,
                label: i.label,
                required: i.required,
                ref_table: i.ref_table,
                value: i.value,
                display: i.display,
            })
            .collect())
    }

    /// Codes of reference table `table` (the first of `a|b` alternatives that is loaded) whose
    /// code or name contains `search`, for a picker.
    pub fn ref_options(&self, table: String, search: String, limit: u32) -> Result<Vec<RefOption>> {
        let search = Some(search.trim()).filter(|s| !s.is_empty());
        let mut last = None;
        for t in table.split('|') {
            match self.inner.ref_rows(t, search, limit) {
                Ok(rows) => return Ok(rows.into_iter().map(|r| RefOption { code: r.id, name: r.display }).collect()),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(berkas_core::Error::NotFound("reference table")).into())
    }

    /// Sends document `id` at the next sync even on mobile data.
    pub fn send_document_now(&self, id: String) -> Result<()> {
        Ok(self.inner.send_document_now(&id)?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BerkasProfile {
    /// Ends the session (on the hub when reachable) and forgets its tokens here; the records
    /// stay for the next sign-in of the same account.
    pub async fn logout(&self) -> Result<()> {
        Ok(self.inner.logout().await?)
    }
}
