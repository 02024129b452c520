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
        let l = ctx.lang;
        let period = l.pick("Periode", "Period");
        let first = l.pick("TMT 1 bulan itu", "TMT on the 1st of that month");
        let mut s = format!("{period} {} ({first}): {} ASN", report.period, report.due.len());
        for d in &report.due {
            s.push_str(&format!("\n{}  {:<32} TMT {}  {}", d.nip, d.nama, d.tmt, d.reason));
        }
        if !report.unknown.is_empty() {
            let cannot = l.pick("Tidak dapat dinilai", "Cannot be judged");
            s.push_str(&format!("\n{cannot} ({}):", report.unknown.len()));
            for u in &report.unknown {
                s.push_str(&format!("\n{}  {:<32} {}: {}", u.nip, u.nama, l.pick("kurang", "missing"), u.missing));
            }
        }
        s
    });
    Ok(())
}
