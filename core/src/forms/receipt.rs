//! The tanda terima of a request: proof for the ASN that the hub received it, signed by the
//! hub. Unlike a report, the hub vouches for what it says: it signs only for a request it
//! holds as submitted, which the caller may read, under the title it would give it.

use super::UsulanInfo;
use crate::reports::LetterLine;
// Signing goes through the hub: the device's sync client.
#[cfg(feature = "client")]
use crate::{
    error::{Error, Result},
    profile::Berkas,
    reports::letter_pdf,
    signing::{receipt_title, SignedExport},
    sync::SyncOptions,
};

/// The receipt's lines for request `u` of `nama`, named `layanan`.
pub fn receipt_lines(u: &UsulanInfo, nama: &str, layanan: &str) -> Vec<LetterLine> {
    use LetterLine::{Blank, Heading, Text};
    let mut lines = vec![
        Heading("TANDA TERIMA USULAN".into()),
        Blank,
        Text(format!("Layanan: {layanan}")),
        Text(format!("Nomor usulan: {}", u.id)),
        Text(format!("Nama: {nama}")),
        Text(format!("NIP: {}", u.nip)),
        Text(format!("Status: {} sejak {}", u.status, u.status_at.as_deref().unwrap_or("-"))),
        Blank,
        Text("Riwayat:".into()),
    ];
    for h in &u.history {
        lines.push(Text(format!("{}  {}  oleh {}", h.at, h.status, h.by)));
    }
    lines.extend([
        Blank,
        Text(
            "Usulan ini telah diterima server Berkas instansi. Tanda terima ini ditandatangani secara \
             elektronik oleh server tersebut dan dapat diperiksa dengan kunci publiknya."
                .into(),
        ),
    ]);
    lines
}

#[cfg(feature = "client")]
impl Berkas {
    /// The hub's signed receipt of a request it received; the request must have reached the
    /// hub (submitted and synced).
    pub async fn signed_receipt(&self, id: &str, opts: &SyncOptions) -> Result<SignedExport> {
        let u = self.usulan(id)?;
        if u.status == "DRAFT" {
            return Err(Error::invalid("usulan", "usulan.draft", "a draft has not been submitted: submit it first"));
        }
        if u.queued {
            return Err(Error::invalid(
                "usulan",
                "signature.not_synced",
                "the hub has not received this request's last change yet: sync first",
            ));
        }
        let nama: String = self.store().conn.query_row(
            "SELECT coalesce(nama, '') FROM pegawai WHERE nip_baru = ?1",
            [&u.nip],
            |r| r.get(0),
        )?;
        let layanan =
            self.layanan_catalog()?.get(&u.layanan_id).map(|l| l.nama.clone()).unwrap_or(u.layanan_id.clone());
        let lines = receipt_lines(&u, &nama, &layanan);
        let title = receipt_title(&u.layanan_id, &u.id);
        self.sign_pdf("tanda_terima", &title, Some(&u.id), |code| Ok(letter_pdf(&lines, Some(code))), opts).await
    }
}
