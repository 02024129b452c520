//! The helpdesk for the app: the categories, a ticket opened offline on the ASN's own record,
//! its thread and its 2x24 h clock, the requester's reply (which reopens it) and close, the
//! rating of a resolved ticket or a completed request; and, from the sign-in screen, "lupa
//! password" and the one-time code traded for a new password.

use berkas_core::helpdesk::{self, NewTiket, Reply, TiketFilter, TiketInfo};

use crate::error::Result;
use crate::profile::BerkasProfile;

#[derive(Debug, Clone, uniffi::Record)]
pub struct KategoriEntry {
    pub id: String,
    pub label: String,
    pub label_en: String,
    /// `UNIT` or `BKD`: who answers it.
    pub tujuan: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct TiketStepEntry {
    /// `PEMOHON` (the ASN) or `PETUGAS` (the helpdesk).
    pub peran: String,
    pub oleh: Option<String>,
    pub isi: Option<String>,
    pub status: Option<String>,
    /// The hub's time of arrival, or this phone's while the step waits to be sent.
    pub at: Option<String>,
    pub sent: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct TiketEntry {
    pub id: String,
    /// The number to quote.
    pub nomor: String,
    pub nip: String,
    pub kategori: String,
    pub kategori_label: String,
    pub judul: String,
    /// `BARU`, `DIPROSES`, `MENUNGGU_PEMOHON`, `SELESAI`, `DITUTUP`.
    pub status: String,
    /// Minutes left of the 2x24 h (negative once overdue).
    pub left_minutes: i64,
    pub due_at: Option<String>,
    /// Waiting for the ASN's answer: the clock stands still.
    pub paused: bool,
    pub overdue: bool,
    pub steps: Vec<TiketStepEntry>,
    /// The rating given, if any.
    pub rating: Option<i64>,
    pub queued: bool,
}

fn entry(t: TiketInfo) -> TiketEntry {
    TiketEntry {
        steps: t
            .steps
            .into_iter()
            .map(|s| TiketStepEntry {
                sent: s.diterima.is_some(),
                at: s.diterima.or(s.pada),
                peran: s.peran,
                oleh: s.oleh,
                isi: s.isi,
                status: s.status,
            })
            .collect(),
        rating: t.rating.map(|r| r.nilai),
        status: t.sla.status,
        left_minutes: t.sla.left_minutes,
        due_at: t.sla.due_at,
        paused: t.sla.paused,
        overdue: t.sla.overdue,
        id: t.id,
        nomor: t.nomor,
        nip: t.nip,
        kategori: t.kategori,
        kategori_label: t.kategori_label,
        judul: t.judul,
        queued: t.queued,
    }
}

#[uniffi::export]
impl BerkasProfile {
    pub fn tiket_categories(&self) -> Vec<KategoriEntry> {
        helpdesk::categories()
            .iter()
            .map(|k| KategoriEntry {
                id: k.id.clone(),
                label: k.label.clone(),
                label_en: k.label_en.clone(),
                tujuan: k.tujuan.clone(),
            })
            .collect()
    }

    /// Opens a ticket on the record of `nip` (offline too: sent at the next sync), with
    /// documents of the record attached by id.
    pub fn create_tiket(
        &self,
        nip: String,
        kategori: String,
        judul: String,
        isi: String,
        lampiran: Vec<String>,
    ) -> Result<TiketEntry> {
        let new = NewTiket { kategori, judul, isi, lampiran, usulan_id: None };
        Ok(entry(self.inner.create_tiket(&nip, &new)?))
    }

    /// Tickets of `nip` (or all on this device), most urgent first.
    pub fn tiket_list(&self, nip: Option<String>) -> Result<Vec<TiketEntry>> {
        let filter = TiketFilter { nip, ..TiketFilter::default() };
        Ok(self.inner.tiket_list(&filter)?.into_iter().map(entry).collect())
    }

    pub fn tiket(&self, id: String) -> Result<TiketEntry> {
        Ok(entry(self.inner.tiket(&id)?))
    }

    /// The ASN's reply (it reopens a ticket resolved or waiting for them), or their close.
    pub fn reply_tiket(&self, id: String, isi: Option<String>, close: bool) -> Result<TiketEntry> {
        let status = close.then(|| "DITUTUP".to_string());
        Ok(entry(self.inner.reply_tiket(&id, &Reply { isi, status, lampiran: vec![] })?))
    }

    /// The rating given to a ticket or a request, if any (1-5).
    pub fn rating(&self, id: String) -> Result<Option<i64>> {
        Ok(self.inner.rating(&id)?.map(|r| r.nilai))
    }

    /// Rates a resolved ticket (`TIKET`) or a completed request (`USULAN`) 1-5, once.
    pub fn rate(&self, objek: String, id: String, nilai: i64, komentar: Option<String>) -> Result<()> {
        Ok(self.inner.rate(&objek, &id, nilai, komentar.as_deref())?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BerkasProfile {
    /// "Lupa password" from the sign-in screen (no account): the hub's one answer, in words,
    /// whether the data match or not.
    pub async fn forgot_password(
        &self,
        server: String,
        nip: String,
        tanggal_lahir: String,
        nik: String,
        ca_pem: Option<String>,
    ) -> Result<String> {
        let request = berkas_core::sync::admin::ForgotPassword { nip, tanggal_lahir, nik };
        Ok(self.inner.forgot_password(&server, &request, ca_pem.as_deref()).await?.message)
    }

    /// Trades the one-time code the ASN received for a new password of their choosing, and
    /// signs in with it; returns the role.
    pub async fn login_with_reset_code(
        &self,
        server: String,
        username: String,
        code: String,
        new_password: String,
        ca_pem: Option<String>,
    ) -> Result<String> {
        let p = self.inner.login_with_reset_code(&server, &username, &code, &new_password, ca_pem.as_deref()).await?;
        Ok(p.role)
    }
}
