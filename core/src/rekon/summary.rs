//! The rekon's summary for BKN (pusat: Direktorat PDPIK; daerah: its Kanreg) as a PDF the hub
//! signs: the standing per unit against the deadline, and the SHA-256 of the report workbook
//! (one row per ASN) it goes with, so the pair is checked as one.

use super::RekonProgress;
use crate::reports::LetterLine;

/// A whole percent, rounded; 0 of none.
fn pct(n: u64, of: u64) -> u64 {
    (n * 100 + of / 2).checked_div(of).unwrap_or(0)
}

/// The summary's lines: `report_name` and `report_sha256` name the workbook it goes with.
pub fn summary_lines(p: &RekonProgress, day: &str, report_name: &str, report_sha256: &str) -> Vec<LetterLine> {
    let mut lines = vec![
        LetterLine::Heading("Laporan rekon mandiri email dan nomor HP ASN".into()),
        LetterLine::Text(format!(
            "Dasar: surat BKN nomor 685/B-SI.01.01/SD/E.III/2021 tentang rekon mandiri. Keadaan per {day}."
        )),
    ];
    lines.push(LetterLine::Text(match (&p.deadline, p.days_left) {
        (Some(d), Some(n)) if n >= 0 => format!("Batas waktu: {d} ({n} hari lagi)."),
        (Some(d), _) => format!("Batas waktu: {d} (sudah lewat)."),
        _ => "Batas waktu: belum ditetapkan.".into(),
    }));
    lines.push(LetterLine::Blank);
    let (mut asn, mut valid, mut unvalidated, mut phone) = (0, 0, 0, 0);
    for u in &p.units {
        lines.push(LetterLine::Text(format!(
            "{}: {} ASN; email go.id tervalidasi {} ({}%), belum divalidasi {}, tanpa email go.id {}; nomor HP sah {} ({}%).",
            u.unit,
            u.asn,
            u.email_validated,
            pct(u.email_validated, u.asn),
            u.email_unvalidated,
            u.asn - u.email_validated - u.email_unvalidated,
            u.phone_valid,
            pct(u.phone_valid, u.asn)
        )));
        asn += u.asn;
        valid += u.email_validated;
        unvalidated += u.email_unvalidated;
        phone += u.phone_valid;
    }
    lines.push(LetterLine::Blank);
    lines.push(LetterLine::Text(format!(
        "Jumlah: {asn} ASN; email go.id tervalidasi {valid} ({}%), belum divalidasi {unvalidated}; nomor HP sah {phone} ({}%).",
        pct(valid, asn),
        pct(phone, asn)
    )));
    lines.push(LetterLine::Blank);
    lines.push(LetterLine::Text(format!(
        "Rincian per ASN (NIP, nama, email go.id, nomor HP, status): lampiran {report_name}, SHA-256 {report_sha256}."
    )));
    lines
}

#[cfg(feature = "client")]
mod signed {
    use super::summary_lines;
    use crate::error::Result;
    use crate::profile::Berkas;
    use crate::signing::{sha256_hex, SignedExport};
    use crate::sync::SyncOptions;

    /// The report to BKN and its summary signed by the hub.
    pub struct SignedRekonReport {
        /// The workbook, one row per ASN.
        pub report: Vec<u8>,
        /// The summary PDF, signed, naming the workbook's SHA-256.
        pub summary: SignedExport,
    }

    impl Berkas {
        /// The report to BKN (of `unit`, or all in reach) with a summary PDF the hub signs;
        /// `report_name` is the name the workbook is saved under (the summary names it).
        pub async fn signed_rekon_report(
            &self,
            unit: Option<&str>,
            report_name: &str,
            opts: &SyncOptions,
        ) -> Result<SignedRekonReport> {
            let report = self.rekon_report_xlsx(unit)?;
            let progress = self.rekon_progress()?;
            let sha = sha256_hex(&report);
            let day = crate::model::today().to_string();
            let lines = summary_lines(&progress, &day, report_name, &sha);
            let scope = unit.unwrap_or("semua unit");
            let title = format!("Laporan rekon mandiri {scope} {day}");
            let title: String = title.chars().filter(|c| !c.is_control()).take(200).collect();
            let summary = self
                .sign_pdf("rekon", &title, None, |code| Ok(crate::reports::letter_pdf(&lines, Some(code))), opts)
                .await?;
            Ok(SignedRekonReport { report, summary })
        }

        /// The report to BKN as the profile can make it: signed by the hub when the profile is
        /// connected to one, the workbook alone on a local profile (nobody to sign it).
        pub async fn rekon_report(
            &self,
            unit: Option<&str>,
            report_name: &str,
            opts: &SyncOptions,
        ) -> Result<(Vec<u8>, Option<SignedExport>)> {
            if self.principal()?.is_none() {
                return Ok((self.rekon_report_xlsx(unit)?, None));
            }
            let r = self.signed_rekon_report(unit, report_name, opts).await?;
            Ok((r.report, Some(r.summary)))
        }
    }
}

#[cfg(feature = "client")]
pub use signed::SignedRekonReport;
