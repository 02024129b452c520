//! Signing through the hub, and checking here with the hub's key (kept from the last time it
//! was fetched, so a check needs no network).

use serde::Deserialize;
use std::path::{Path, PathBuf};

use super::{detached_text, new_code, sha256_hex, PdfBody, PublicKey, SignatureError, Signed, Statement};
use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::reports::{render, ReportFormat};
use crate::store::replica::{meta_get, meta_set};
use crate::sync::SyncOptions;

const KEY_META: &str = "signing.key";

#[derive(Deserialize)]
struct KeyAnswer {
    algorithm: String,
    key_id: String,
    public_key: String,
}

#[derive(Deserialize)]
struct SignAnswer {
    statement: Statement,
    signature: String,
}

/// What the hub is asked to sign: a statement about bytes with `sha256` that show `code`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignRequest<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub sha256: &'a str,
    /// The request a receipt (`tanda_terima`) is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usulan: Option<&'a str>,
}

/// A generated document, signed: the file's bytes, and for a CSV or XLSX its `.sig` text.
#[derive(Debug, Clone)]
pub struct SignedExport {
    pub bytes: Vec<u8>,
    pub detached: Option<String>,
    pub statement: Statement,
}

impl SignedExport {
    /// Writes the file to `path`, and its `.sig` beside it first: a file left without it reads
    /// as unsigned, never the reverse.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(text) = &self.detached {
            std::fs::write(sig_path(path), text)?;
        }
        std::fs::write(path, &self.bytes)
    }
}

/// Where a file's detached signature is kept: `FILE.sig`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(".sig");
    PathBuf::from(name)
}

impl Berkas {
    /// The hub's public key, fetched now and kept for checks made offline later.
    pub async fn fetch_signing_key(&self, opts: &SyncOptions) -> Result<PublicKey> {
        let hub = self.hub(opts)?;
        let a = hub.call(opts, &|c, base| c.get(format!("{base}/v1/signing-key"))).await?;
        if a.status != 200 {
            return Err(crate::sync::hub_error(a.status, &a.body));
        }
        let k: KeyAnswer = serde_json::from_slice(&a.body)
            .map_err(|e| Error::Network(format!("the hub's key answer was not understood: {e}")))?;
        let key = PublicKey::from_hex(&k.public_key)?;
        if k.algorithm != "Ed25519" || k.key_id != key.key_id() {
            return Err(SignatureError::BadKey("the hub's key answer does not agree with itself".into()).into());
        }
        meta_set(&self.store().conn, KEY_META, &key.to_hex())?;
        Ok(key)
    }

    /// The hub's key as last fetched, if ever.
    pub fn signing_key(&self) -> Result<Option<PublicKey>> {
        let hex = meta_get(&self.store().conn, KEY_META)?;
        Ok(hex.map(|h| PublicKey::from_hex(&h)).transpose()?)
    }

    /// Has the hub sign a statement about bytes with `sha256` that show `code`; the answer is
    /// checked against the hub's key and the request before it is used.
    pub async fn sign_statement(&self, ask: &SignRequest<'_>, opts: &SyncOptions) -> Result<Signed> {
        let hub = self.hub(opts)?;
        let mut token = self.access_token(&hub, opts, false).await?;
        let body = serde_json::to_value(ask).map_err(|e| Error::BadDocument(e.to_string()))?;
        let a = self
            .authed(&hub, opts, &mut token, &|c, base, t| {
                c.post(format!("{base}/v1/signatures")).bearer_auth(t).json(&body)
            })
            .await?;
        if a.status != 200 {
            return Err(crate::sync::hub_error(a.status, &a.body));
        }
        let answer: SignAnswer = serde_json::from_slice(&a.body)
            .map_err(|e| Error::Network(format!("the hub's signing answer was not understood: {e}")))?;
        let signature = hex::decode(&answer.signature)
            .map_err(|_| SignatureError::Malformed("the hub's signature is not hex".into()))?;
        let signed = Signed { statement: answer.statement, signature };
        let s = &signed.statement;
        if (s.code.as_str(), s.kind.as_str(), s.title.as_str(), s.sha256.as_str())
            != (ask.code, ask.kind, ask.title, ask.sha256)
        {
            return Err(
                SignatureError::Malformed("the hub signed another statement than the one asked for".into()).into()
            );
        }
        s.check()?;
        let key = match self.signing_key()? {
            Some(k) if k.key_id() == s.key => k,
            _ => self.fetch_signing_key(opts).await?,
        };
        key.check(&signed)?;
        Ok(signed)
    }

    /// Has the hub sign a PDF that `draw` makes showing the code it is given; the PDF comes
    /// back sealed with its signature.
    pub(crate) async fn sign_pdf(
        &self,
        kind: &str,
        title: &str,
        usulan: Option<&str>,
        draw: impl FnOnce(&str) -> Result<Vec<u8>>,
        opts: &SyncOptions,
    ) -> Result<SignedExport> {
        let code = new_code()?;
        let body = PdfBody::new(draw(&code)?)?;
        let sha256 = body.sha256();
        let signed =
            self.sign_statement(&SignRequest { code: &code, kind, title, sha256: &sha256, usulan }, opts).await?;
        let statement = signed.statement.clone();
        Ok(SignedExport { bytes: body.seal(&signed), detached: None, statement })
    }

    /// Has the hub sign a file that cannot carry its signature (CSV, XLSX): the bytes as they
    /// are, with the `.sig` text to keep beside them.
    async fn sign_detached(&self, kind: &str, title: &str, bytes: Vec<u8>, opts: &SyncOptions) -> Result<SignedExport> {
        let code = new_code()?;
        let ask = SignRequest { code: &code, kind, title, sha256: &sha256_hex(&bytes), usulan: None };
        let signed = self.sign_statement(&ask, opts).await?;
        Ok(SignedExport { bytes, detached: Some(detached_text(&signed)), statement: signed.statement })
    }

    /// The daftar nominatif, signed by the hub: a PDF shows its code on every page and carries
    /// the signature; a CSV or XLSX gets a `.sig` text to keep beside it.
    pub async fn signed_nominatif(
        &self,
        unit: Option<&str>,
        format: ReportFormat,
        opts: &SyncOptions,
    ) -> Result<SignedExport> {
        let n = self.daftar_nominatif(unit)?;
        let title = format!("Daftar nominatif {}", n.units_named());
        let title: String = title.chars().filter(|c| !c.is_control()).take(200).collect::<String>().trim().to_string();
        if format == ReportFormat::Pdf {
            return self.sign_pdf("nominatif", &title, None, |code| render(&n, format, Some(code)), opts).await;
        }
        self.sign_detached("nominatif", &title, render(&n, format, None)?, opts).await
    }

    /// A unit's presence recap for a report time as it stood at `as_of`, signed by the hub: a
    /// PDF with its code on every page, or an XLSX with its `.sig` text.
    pub async fn signed_rekap(
        &self,
        unit: &str,
        day: chrono::NaiveDate,
        jam_lapor: chrono::NaiveTime,
        as_of: chrono::DateTime<chrono::Utc>,
        format: ReportFormat,
        opts: &SyncOptions,
    ) -> Result<SignedExport> {
        let r = self.presensi_rekap_or_kept(unit, day, jam_lapor, as_of, opts).await?;
        let title: String = crate::reports::rekap_title(&r).chars().filter(|c| !c.is_control()).take(200).collect();
        match format {
            ReportFormat::Pdf => {
                self.sign_pdf("presensi", &title, None, |code| Ok(crate::reports::rekap_pdf(&r, Some(code))), opts)
                    .await
            }
            ReportFormat::Xlsx => self.sign_detached("presensi", &title, crate::reports::rekap_xlsx(&r)?, opts).await,
            ReportFormat::Csv => Err(Error::invalid("format", "presensi.format", "a recap is a PDF or an XLSX")),
        }
    }

    /// The BKD's daily recap across units (`hub_rekap` without a unit), signed by the hub: a
    /// PDF with its code on every page, or an XLSX with its `.sig` text.
    pub async fn signed_rekap_bkd(
        &self,
        recaps: &[crate::presensi::Rekap],
        format: ReportFormat,
        opts: &SyncOptions,
    ) -> Result<SignedExport> {
        let title: String =
            crate::reports::rekap_bkd_title(recaps).chars().filter(|c| !c.is_control()).take(200).collect();
        match format {
            ReportFormat::Pdf => {
                let draw = |code: &str| Ok(crate::reports::rekap_bkd_pdf(recaps, Some(code)));
                self.sign_pdf("presensi", &title, None, draw, opts).await
            }
            ReportFormat::Xlsx => {
                self.sign_detached("presensi", &title, crate::reports::rekap_bkd_xlsx(recaps)?, opts).await
            }
            ReportFormat::Csv => Err(Error::invalid("format", "presensi.format", "a recap is a PDF or an XLSX")),
        }
    }

    /// Checks a signed file offline with the hub key kept here.
    pub fn verify_signed(&self, file: &[u8], detached: Option<&str>) -> Result<Statement> {
        let key = self.signing_key()?.ok_or(SignatureError::NoKey)?;
        Ok(super::verify(file, detached, &key)?)
    }
}
