//! `berkas due kp|kgb|pensiun|satyalencana --period YYYY-MM`: who is due, from the records on
//! this device.

use berkas_core::due::{DueKind, DueRules};

use crate::output::CliError;
use crate::Ctx;

pub fn run(ctx: &Ctx, kind: &str, period: &str, unit: Option<&str>) -> Result<(), CliError> {
    let kind = DueKind::parse(kind)
        .ok_or_else(|| CliError::usage(format!("due wants kp, kgb, pensiun or satyalencana, not {kind}")))?;
    let b = ctx.open()?;
    let report = b.due(kind, period, &DueRules::default(), unit)?;
    ctx.out.emit(&report, || {
        let mut s = format!("Periode {} (TMT 1 bulan itu): {} ASN", report.period, report.due.len());
        for d in &report.due {
            s.push_str(&format!("\n{}  {:<32} TMT {}  {}", d.nip, d.nama, d.tmt, d.reason));
        }
        if !report.unknown.is_empty() {
            s.push_str(&format!("\nTidak dapat dinilai ({}):", report.unknown.len()));
            for u in &report.unknown {
                s.push_str(&format!("\n{}  {:<32} kurang: {}", u.nip, u.nama, u.missing));
            }
        }
        s
    });
    Ok(())
}
