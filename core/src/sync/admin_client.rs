//! The BKD administrator's tools as a device calls them (the desktop's admin screen, the
//! CLI), and the one call anyone makes without a session: trading a one-time reset code for a
//! new password. The hub decides who may; the device asks the same table before it offers.

use std::path::Path;

use super::admin::{
    AccountChange, AccountIssued, AccountView, BackupInfo, BackupRequest, BackupStatus, CodeSent, DeviceView,
    ForgotAnswer, ForgotPassword, HubAuditEntry, LayananSwitch, NewAccount, ResetCode, ResetRequest,
};
use super::client::{hub_error, Hub};
use super::protocol::{RefManifest, RefSetInfo, TokenPair};
use super::{HubPrincipal, SyncOptions};
use crate::error::{Error, Result};
use crate::profile::Berkas;

/// A path segment with what a URL would misread escaped (usernames are plain, but a typed
/// one may not be).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn parsed<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T> {
    if !(200..300).contains(&status) {
        return Err(hub_error(status, body));
    }
    serde_json::from_slice(body).map_err(|e| Error::Network(format!("the hub's answer was not understood: {e}")))
}

/// How a request's body goes.
enum Body {
    None,
    Json(serde_json::Value),
}

impl Berkas {
    async fn admin_call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Body,
        opts: &SyncOptions,
    ) -> Result<T> {
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let a = self
            .authed(&hub, opts, &mut token, &|c, base, t| {
                let r = c.request(method.clone(), format!("{base}{path}")).bearer_auth(t);
                match &body {
                    Body::None => r,
                    Body::Json(v) => r.json(v),
                }
            })
            .await?;
        parsed(a.status, &a.body)
    }

    /// The hub's audit log of the record of `nip`: who saw and changed it, newest first. The
    /// hub answers whoever may read the record's audit (the ASN, the unit's facilitator, the
    /// BKD), and `not found` to anyone else.
    pub async fn hub_audit(&self, nip: &str, opts: &SyncOptions) -> Result<Vec<HubAuditEntry>> {
        let path = format!("/v1/pegawai/{}/audit", segment(nip));
        self.admin_call(reqwest::Method::GET, &path, Body::None, opts).await
    }

    /// Every account of the instansi (administrators only).
    pub async fn admin_accounts(&self, opts: &SyncOptions) -> Result<Vec<AccountView>> {
        self.admin_call(reqwest::Method::GET, "/v1/admin/accounts", Body::None, opts).await
    }

    /// A new account, and its first one-time code (to be told to its owner once).
    pub async fn admin_create_account(&self, new: &NewAccount, opts: &SyncOptions) -> Result<AccountIssued> {
        let body = Body::Json(serde_json::to_value(new).map_err(|e| Error::BadDocument(e.to_string()))?);
        self.admin_call(reqwest::Method::POST, "/v1/admin/accounts", body, opts).await
    }

    /// Changes an account's role, units or whether it is enabled.
    pub async fn admin_change_account(
        &self,
        username: &str,
        change: &AccountChange,
        opts: &SyncOptions,
    ) -> Result<AccountView> {
        let body = Body::Json(serde_json::to_value(change).map_err(|e| Error::BadDocument(e.to_string()))?);
        let path = format!("/v1/admin/accounts/{}", segment(username));
        self.admin_call(reqwest::Method::PATCH, &path, body, opts).await
    }

    /// A one-time code for an account's owner to choose a new password with.
    pub async fn admin_reset_code(&self, username: &str, opts: &SyncOptions) -> Result<ResetCode> {
        let path = format!("/v1/admin/accounts/{}/reset", segment(username));
        self.admin_call(reqwest::Method::POST, &path, Body::None, opts).await
    }

    /// The devices the hub has seen and the catalogue version each runs.
    pub async fn admin_devices(&self, opts: &SyncOptions) -> Result<Vec<DeviceView>> {
        self.admin_call(reqwest::Method::GET, "/v1/admin/devices", Body::None, opts).await
    }

    /// The last backup's age and whether it checked out.
    pub async fn admin_backup_status(&self, opts: &SyncOptions) -> Result<BackupStatus> {
        self.admin_call(reqwest::Method::GET, "/v1/admin/backups", Body::None, opts).await
    }

    /// Has the hub write a backup now, sealed with `passphrase`, and read it back.
    pub async fn admin_backup_now(&self, passphrase: &str, opts: &SyncOptions) -> Result<BackupInfo> {
        let body = BackupRequest { passphrase: passphrase.to_string() };
        let body = Body::Json(serde_json::to_value(&body).map_err(|e| Error::BadDocument(e.to_string()))?);
        self.admin_call(reqwest::Method::POST, "/v1/admin/backups", body, opts).await
    }

    /// Switches a layanan on or off at the hub (the next catalogue version) and takes that
    /// version here at once; the version now in force.
    pub async fn admin_switch_layanan(&self, id: &str, aktif: bool, opts: &SyncOptions) -> Result<u32> {
        let body =
            Body::Json(serde_json::to_value(LayananSwitch { aktif }).map_err(|e| Error::BadDocument(e.to_string()))?);
        let path = format!("/v1/layanan/{}", segment(id));
        let answer: serde_json::Value = self.admin_call(reqwest::Method::PATCH, &path, body, opts).await?;
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        self.pull_layanan(&hub, opts, &mut token).await?;
        Ok(answer["version"].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(0))
    }

    /// The reference tables the hub serves, with their versions.
    pub async fn admin_referensi(&self, opts: &SyncOptions) -> Result<RefManifest> {
        self.admin_call(reqwest::Method::GET, "/v1/referensi", Body::None, opts).await
    }

    /// Uploads one SIASN reference table as its file was named (`NAME.json` or
    /// `NAME.json.gz`) and holds (gzip as it ships, or plain JSON): read and checked here
    /// first, so a wrong file is named before anything is sent.
    pub async fn admin_publish_referensi(
        &self,
        file_name: &str,
        raw: Vec<u8>,
        opts: &SyncOptions,
    ) -> Result<RefSetInfo> {
        let name = crate::refdata::table_name_of(Path::new(file_name)).ok_or_else(|| {
            Error::BadDocument(format!("{file_name}: a reference table is a NAME.json or NAME.json.gz file"))
        })?;
        let gzipped = raw.starts_with(&[0x1f, 0x8b]);
        let plain = if gzipped {
            let mut out = Vec::with_capacity(raw.len() * 8);
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out)
                .map_err(|e| Error::BadDocument(format!("{file_name}: damaged gzip: {e}")))?;
            out
        } else {
            raw.clone()
        };
        let table = crate::refdata::parse_table(&name, &plain)?;
        if table.rows.is_empty() {
            return Err(Error::BadDocument(format!("{file_name}: no rows could be read")));
        }
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let path = format!("/v1/referensi/{}", segment(&name));
        let a = self
            .authed(&hub, opts, &mut token, &|c, base, t| {
                let r = c
                    .put(format!("{base}{path}"))
                    .bearer_auth(t)
                    .header(reqwest::header::CONTENT_TYPE, "application/json");
                if gzipped {
                    r.header(reqwest::header::CONTENT_ENCODING, "gzip").body(raw.clone())
                } else {
                    r.body(raw.clone())
                }
            })
            .await?;
        parsed(a.status, &a.body)
    }

    /// Trades a one-time reset code for a new password of the owner's choosing, and signs
    /// this profile in with it (as [`Berkas::login`] does).
    pub async fn login_with_reset_code(
        &self,
        server: &str,
        username: &str,
        code: &str,
        new_password: &str,
        ca_pem: Option<&str>,
    ) -> Result<HubPrincipal> {
        let opts = SyncOptions { max_attempts: 2, ..SyncOptions::default() };
        let hub = Hub::new(server, ca_pem, opts.timeout)?;
        let body = ResetRequest { username: username.into(), code: code.into(), new_password: new_password.into() };
        let a = hub.call(&opts, &|c, base| c.post(format!("{base}/v1/auth/reset")).json(&body)).await?;
        let pair: TokenPair = parsed(a.status, &a.body)?;
        self.signed_in_as(&hub, &pair, ca_pem)
    }

    /// "Lupa password" from the sign-in screen, with no account: the hub answers the same
    /// whether the data match or not; when they do, a ticket opens for the helpdesk.
    pub async fn forgot_password(
        &self,
        server: &str,
        request: &ForgotPassword,
        ca_pem: Option<&str>,
    ) -> Result<ForgotAnswer> {
        let opts = SyncOptions { max_attempts: 2, ..SyncOptions::default() };
        let hub = Hub::new(server, ca_pem, opts.timeout)?;
        let a = hub.call(&opts, &|c, base| c.post(format!("{base}/v1/auth/lupa-password")).json(request)).await?;
        parsed(a.status, &a.body)
    }

    /// Has the hub send a one-time code to the ASN of an account ticket (their registered
    /// go.id e-mail or phone), after the helpdesk checked their identity. The answer says
    /// where it went, masked; nobody but the ASN sees the code.
    pub async fn send_reset_code(&self, tiket_id: &str, opts: &SyncOptions) -> Result<CodeSent> {
        let path = format!("/v1/tiket/{}/kode-reset", segment(tiket_id));
        self.admin_call(reqwest::Method::POST, &path, Body::None, opts).await
    }

    /// The submitted daily activities of the signed-in ASN's direct reports (of `tanggal`, or
    /// every day still waiting when `None`), as their atasan decides them. The hub audits the
    /// read.
    pub async fn bawahan_aktivitas(
        &self,
        tanggal: Option<chrono::NaiveDate>,
        opts: &SyncOptions,
    ) -> Result<Vec<crate::presensi::AktivitasBawahan>> {
        let path = match tanggal {
            Some(d) => format!("/v1/aktivitas/bawahan?tanggal={d}"),
            None => "/v1/aktivitas/bawahan".to_string(),
        };
        self.admin_call(reqwest::Method::GET, &path, Body::None, opts).await
    }

    /// The atasan approves a report's submitted day, or returns it with the reason the ASN
    /// reads. Refused before asking the hub when a return has no reason.
    pub async fn putus_aktivitas(
        &self,
        putusan: &crate::presensi::PutusanAktivitas,
        opts: &SyncOptions,
    ) -> Result<crate::presensi::PutusanDiterima> {
        if !putusan.setuju && putusan.alasan.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(Error::invalid("alasan", "aktivitas.alasan", "say why, so the ASN can correct it"));
        }
        let body = serde_json::to_value(putusan).map_err(|e| Error::BadDocument(e.to_string()))?;
        self.admin_call(reqwest::Method::POST, "/v1/aktivitas/putusan", Body::Json(body), opts).await
    }

    /// Publishes the work arrangement (the BKD's): devices take it with the hub's settings at
    /// their next sync. Refused before asking the hub when it cannot be followed.
    pub async fn publish_pengaturan(
        &self,
        pengaturan: &crate::presensi::PengaturanKerja,
        opts: &SyncOptions,
    ) -> Result<serde_json::Value> {
        pengaturan.checked().map_err(|(field, why)| Error::invalid(field, "presensi.pengaturan", why))?;
        let body = serde_json::to_value(pengaturan).map_err(|e| Error::BadDocument(e.to_string()))?;
        self.admin_call(reqwest::Method::PUT, "/v1/presensi/pengaturan", Body::Json(body), opts).await
    }

    /// The hub's recaps of a report time: the unit's, or every unit's for the BKD (`unit`
    /// `None`). A day past the retention period comes back as the counts kept when its fixes
    /// were purged (`dipangkas`).
    pub async fn hub_rekap(
        &self,
        unit: Option<&str>,
        day: chrono::NaiveDate,
        jam: chrono::NaiveTime,
        as_of: Option<chrono::DateTime<chrono::Utc>>,
        opts: &SyncOptions,
    ) -> Result<Vec<crate::presensi::Rekap>> {
        let mut path = format!("/v1/presensi/rekap?tanggal={day}&jam={}", jam.format("%H:%M"));
        if let Some(u) = unit {
            path.push_str(&format!("&unit={}", segment(u)));
        }
        if let Some(t) = as_of {
            path.push_str(&format!("&as_of={}", segment(&t.to_rfc3339())));
        }
        self.admin_call(reqwest::Method::GET, &path, Body::None, opts).await
    }

    /// A unit's recap as this device makes it from what it holds, or, for a day past the
    /// retention period (its fixes purged here too), the counts the hub kept.
    pub async fn presensi_rekap_or_kept(
        &self,
        unit: &str,
        day: chrono::NaiveDate,
        jam: chrono::NaiveTime,
        as_of: chrono::DateTime<chrono::Utc>,
        opts: &SyncOptions,
    ) -> Result<crate::presensi::Rekap> {
        match self.presensi_rekap(unit, day, jam, as_of) {
            Err(Error::Invalid(f)) if f.first().is_some_and(|f| f.code == "presensi.purged") => {
                let kept = self.hub_rekap(Some(unit), day, jam, Some(as_of), opts).await?;
                kept.into_iter().find(|r| r.unit == unit).ok_or(Error::NotFound("rekap"))
            }
            other => other,
        }
    }

    /// The signed-in ASN's direct reports' check-ins of `tanggal`, with where each was taken,
    /// as their atasan sees them. The hub audits each report's read.
    pub async fn bawahan_presensi(
        &self,
        tanggal: chrono::NaiveDate,
        opts: &SyncOptions,
    ) -> Result<Vec<crate::presensi::PresensiBawahan>> {
        let path = format!("/v1/presensi/bawahan?tanggal={tanggal}");
        self.admin_call(reqwest::Method::GET, &path, Body::None, opts).await
    }

    /// Has the hub purge the fixes past the retention period now (the BKD's; the hub also does
    /// it on its own every six hours). The answer says from which day fixes are kept and how
    /// many went.
    pub async fn pangkas_presensi(&self, opts: &SyncOptions) -> Result<serde_json::Value> {
        self.admin_call(reqwest::Method::POST, "/v1/presensi/pangkas", Body::None, opts).await
    }
}
