//! A proposal's surat pengantar, written by Berkas and signed by the hub: who is proposed for
//! what, and which papers go with it. It is attached to the proposal as its `surat_pengantar`
//! paper, so the checklist counts it and BKN can check it against the BKD's key.

use super::{LineStatus, ProposalInfo};
use crate::reports::LetterLine;
// Signing goes through the hub: the device's sync client.
#[cfg(feature = "client")]
use crate::{error::Result, profile::Berkas, reports::letter_pdf, sync::SyncOptions};

/// The checklist line the letter fills.
pub const LETTER_LINE: &str = "surat_pengantar";

/// What the proposal's `jenis` is called in a letter.
fn jenis_label(jenis: &str) -> &str {
    match jenis {
        "KP" => "Kenaikan Pangkat",
        "KGB" => "Kenaikan Gaji Berkala",
        "PENSIUN" => "Pensiun Batas Usia Pensiun",
        "SATYA_LENCANA" => "Satyalancana Karya Satya",
        other => other,
    }
}

/// The letter's lines for proposal `p` of an ASN in `unit`, dated `date`, from `by`.
pub fn cover_letter_lines(p: &ProposalInfo, unit: &str, date: &str, by: &str) -> Vec<LetterLine> {
    use LetterLine::{Blank, Heading, Text};
    let jenis = jenis_label(&p.jenis);
    let mut lines = vec![
        Heading("SURAT PENGANTAR".into()),
        Text(format!("Usul {jenis}")),
        Blank,
        Text(format!("Tanggal: {date}")),
        Text("Kepada Yth. Kepala Badan Kepegawaian Negara, melalui Badan Kepegawaian Daerah".into()),
        Blank,
        Text(format!("Dengan hormat, bersama ini kami sampaikan usul {jenis} periode {} atas nama:", p.periode)),
        Text(format!("Nama: {}", p.nama)),
        Text(format!("NIP: {}", p.nip)),
        Text(format!("Unit kerja: {unit}")),
        Text(format!("TMT: {}", p.tmt)),
    ];
    if let Some(k) = p.keterangan.as_deref().filter(|k| !k.is_empty()) {
        lines.push(Text(format!("Keterangan: {k}")));
    }
    lines.extend([Blank, Text("Kelengkapan berkas:".into())]);
    let papers = p.checklist.lines.iter().filter(|l| l.id != LETTER_LINE);
    for (i, l) in papers.enumerate() {
        let state = match l.status {
            LineStatus::Lengkap => format!("ada ({} berkas)", l.have.len()),
            LineStatus::TidakPerlu => "tidak diperlukan".into(),
            LineStatus::Kurang | LineStatus::DilampirkanPadaUsulan => "belum ada".into(),
        };
        lines.push(Text(format!("{}. {}: {state}", i + 1, l.label)));
    }
    lines.extend([
        Blank,
        Text(
            "Demikian kami sampaikan untuk diproses lebih lanjut. Atas perhatiannya kami ucapkan terima kasih.".into(),
        ),
        Blank,
        Text(format!("Pengelola kepegawaian: {by}")),
    ]);
    lines
}

#[cfg(feature = "client")]
impl Berkas {
    /// Writes the proposal's surat pengantar, has the hub sign it, and attaches it to the
    /// proposal as its `surat_pengantar` paper; returns the proposal after.
    pub async fn sign_cover_letter(&self, id: &str, opts: &SyncOptions) -> Result<ProposalInfo> {
        let p = self.proposal(id)?;
        let unit: String = self.store().conn.query_row(
            "SELECT coalesce(unit, '') FROM pegawai WHERE nip_baru = ?1",
            [&p.nip],
            |r| r.get(0),
        )?;
        let date = crate::store::now();
        let lines = cover_letter_lines(&p, &unit, date.get(..10).unwrap_or(&date), self.actor());
        // The title is public to whoever holds the code: no name or NIP in it.
        let title = format!("Surat pengantar usul {} periode {}", p.jenis, p.periode);
        let letter = |code: &str| Ok(letter_pdf(&lines, Some(code)));
        let signed = self.sign_pdf("surat_pengantar", title.trim(), None, letter, opts).await?;
        let file_name = format!("surat-pengantar-{}.pdf", signed.statement.code);
        self.attach_proposal_paper(id, LETTER_LINE, &signed.bytes, Some(file_name), false)
    }
}
