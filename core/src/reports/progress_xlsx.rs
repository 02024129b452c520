//! The data behind the report charts as a workbook: units side by side, and how many are due
//! each month of the year ahead. What a BKD pastes into its own reports, numbers as numbers.

use rust_xlsxwriter::{Format, Workbook};

use super::UnitProgress;
use crate::due::DueMonth;
use crate::error::{Error, Result};

const UNIT_HEADERS: [&str; 14] = [
    "Unit kerja",
    "Jumlah ASN",
    "Rata-rata kelengkapan (%)",
    "Kelengkapan 0-24%",
    "25-49%",
    "50-74%",
    "75-99%",
    "100%",
    "Usulan menunggu",
    "Usulan dikembalikan",
    "Usulan diputus",
    "Dokumen menunggu",
    "Dokumen diputus",
    "Verifikasi selesai (%)",
];

const DUE_HEADERS: [&str; 6] =
    ["Bulan (TMT)", "Kenaikan pangkat", "Kenaikan gaji berkala", "Pensiun", "Satya Lencana", "Belum dapat dinilai"];

/// Share of decided among all, as a whole percent (100 when nothing waits).
fn done_percent(decided: u64, waiting: u64) -> f64 {
    let all = decided + waiting;
    if all == 0 {
        100.0
    } else {
        (decided as f64 * 100.0 / all as f64).round()
    }
}

/// Two sheets: `Kemajuan per unit` and `Jatuh tempo 12 bulan`; `title` heads both.
pub fn progress_xlsx(title: &str, units: &[UnitProgress], outlook: &[DueMonth]) -> Result<Vec<u8>> {
    let bad = |e: rust_xlsxwriter::XlsxError| Error::BadDocument(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let sheet = book.add_worksheet().set_name("Kemajuan per unit").map_err(bad)?;
        sheet.write_string_with_format(0, 0, title, &bold).map_err(bad)?;
        for (c, h) in UNIT_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &bold).map_err(bad)?;
        }
        for (i, u) in units.iter().enumerate() {
            let row = 3 + i as u32;
            let p = &u.progress;
            sheet.write_string(row, 0, &u.unit).map_err(bad)?;
            let decided = p.requests_decided + p.documents_decided;
            let waiting = p.requests_waiting + p.requests_returned + p.documents_waiting;
            let numbers = [
                u.asn as f64,
                f64::from(u.completeness_mean),
                p.completeness_bands[0] as f64,
                p.completeness_bands[1] as f64,
                p.completeness_bands[2] as f64,
                p.completeness_bands[3] as f64,
                p.completeness_bands[4] as f64,
                p.requests_waiting as f64,
                p.requests_returned as f64,
                p.requests_decided as f64,
                p.documents_waiting as f64,
                p.documents_decided as f64,
                done_percent(decided, waiting),
            ];
            for (c, n) in numbers.iter().enumerate() {
                sheet.write_number(row, 1 + c as u16, *n).map_err(bad)?;
            }
        }
        sheet.set_column_width(0, 28).map_err(bad)?;
        sheet.set_freeze_panes(3, 1).map_err(bad)?;
    }
    {
        let sheet = book.add_worksheet().set_name("Jatuh tempo 12 bulan").map_err(bad)?;
        sheet.write_string_with_format(0, 0, title, &bold).map_err(bad)?;
        for (c, h) in DUE_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &bold).map_err(bad)?;
        }
        for (i, m) in outlook.iter().enumerate() {
            let row = 3 + i as u32;
            sheet.write_string(row, 0, &m.period).map_err(bad)?;
            for (c, n) in [m.kp, m.kgb, m.pensiun, m.satyalencana, m.unknown].iter().enumerate() {
                sheet.write_number(row, 1 + c as u16, *n as f64).map_err(bad)?;
            }
        }
        sheet.set_column_width(0, 14).map_err(bad)?;
    }
    book.save_to_buffer().map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::Progress;

    #[test]
    fn the_workbook_holds_both_sheets_with_their_numbers() {
        let units = vec![UnitProgress {
            unit: "UNIT-A".into(),
            asn: 24,
            completeness_mean: 71,
            progress: Progress {
                completeness_bands: [1, 2, 3, 4, 14],
                requests_waiting: 3,
                requests_decided: 9,
                ..Progress::default()
            },
        }];
        let outlook =
            vec![DueMonth { period: "2027-01".into(), kp: 2, kgb: 5, pensiun: 1, satyalencana: 0, unknown: 0 }];
        let bytes = progress_xlsx("Laporan UNIT-A", &units, &outlook).expect("xlsx");
        // An XLSX is a zip: its sheets are named in the workbook part.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut workbook = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").expect("workbook"), &mut workbook)
            .expect("read");
        assert!(workbook.contains("Kemajuan per unit") && workbook.contains("Jatuh tempo 12 bulan"), "{workbook}");
        let mut strings = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").expect("strings"), &mut strings)
            .expect("read");
        assert!(strings.contains("UNIT-A") && strings.contains("2027-01"), "{strings}");
        assert_eq!(done_percent(9, 3), 75.0);
        assert_eq!(done_percent(0, 0), 100.0);
    }
}
