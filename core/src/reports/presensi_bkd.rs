//! The BKD's daily recap across OPDs as a file, what goes to the governor through the Sekda: one
//! line per unit with its counts per whereabouts, its flagged lines and whether it kept the
//! office minimum, and the instansi's total; an A4 PDF (its verification code on every page
//! when the hub signs it) or XLSX.

use super::pdf_text::TextPdf;
use crate::error::{Error, Result};
use crate::presensi::{Keberadaan, Rekap};

const HEADERS: [&str; 10] = [
    "Unit",
    "Di rumah",
    "Di kantor",
    "Tugas",
    "Cuti/sakit",
    "Biasa",
    "Tidak lapor",
    "Ditandai",
    "Jumlah",
    "Minimum kantor",
];

const ORDER: [Keberadaan; 6] = [
    Keberadaan::DiRumah,
    Keberadaan::DiKantor,
    Keberadaan::Tugas,
    Keberadaan::CutiSakit,
    Keberadaan::Biasa,
    Keberadaan::TidakLapor,
];

/// The title: date, report time, the moment it stands at (WIB), and how many units.
pub fn rekap_bkd_title(recaps: &[Rekap]) -> String {
    let Some(first) = recaps.first() else { return "Rekap harian BKD: tidak ada unit".into() };
    let wib = chrono::FixedOffset::east_opt(7 * 3600)
        .map(|z| first.as_of.with_timezone(&z).format("%Y-%m-%d %H:%M WIB").to_string());
    format!(
        "Rekap harian kehadiran WFH {} jam {}, {} unit (keadaan {})",
        first.tanggal,
        first.jam_lapor.format("%H.%M"),
        recaps.len(),
        wib.unwrap_or_else(|| first.as_of.to_rfc3339())
    )
}

fn count(r: &Rekap, k: Keberadaan) -> usize {
    r.jumlah.get(&k).copied().unwrap_or(0)
}

fn minimum(r: &Rekap) -> String {
    let m = &r.minimum_kantor;
    format!(
        "{} ({}/{} adm., {}/{} peng.)",
        if m.terpenuhi { "terpenuhi" } else { "TIDAK" },
        m.hadir.administrator,
        m.minimum.administrator,
        m.hadir.pengawas,
        m.minimum.pengawas
    )
}

/// One row per unit, then the total.
fn rows(recaps: &[Rekap]) -> Vec<[String; 10]> {
    let mut out = Vec::with_capacity(recaps.len() + 1);
    let mut total = [0usize; 8];
    for r in recaps {
        let mut row: [String; 10] = Default::default();
        row[0] = if r.dipangkas { format!("{} (jumlah tersimpan)", r.unit) } else { r.unit.clone() };
        for (i, k) in ORDER.iter().enumerate() {
            let n = count(r, *k);
            total[i] += n;
            row[i + 1] = n.to_string();
        }
        let all: usize = r.jumlah.values().sum();
        total[6] += r.ditandai;
        total[7] += all;
        row[7] = r.ditandai.to_string();
        row[8] = all.to_string();
        row[9] = minimum(r);
        out.push(row);
    }
    let missed = recaps.iter().filter(|r| !r.minimum_kantor.terpenuhi).count();
    let mut sum: [String; 10] = Default::default();
    sum[0] = "JUMLAH".into();
    for (i, n) in total.iter().enumerate() {
        sum[i + 1] = n.to_string();
    }
    sum[9] = format!("{missed} unit tidak terpenuhi");
    out.push(sum);
    out
}

/// The recap across units as an A4 landscape PDF; `code`, when the hub signs it, at the foot of
/// every page.
pub fn rekap_bkd_pdf(recaps: &[Rekap], code: Option<&str>) -> Vec<u8> {
    const W: f32 = 841.89;
    const H: f32 = 595.28;
    const PER_PAGE: usize = 30;
    let cols: [f32; 10] = [30.0, 250.0, 310.0, 370.0, 420.0, 480.0, 530.0, 600.0, 660.0, 710.0];
    let all = rows(recaps);
    let chunks: Vec<&[[String; 10]]> = all.chunks(PER_PAGE).collect();
    let pages = chunks.len();
    let mut pdf = TextPdf::new(W, H);
    for (p, chunk) in chunks.into_iter().enumerate() {
        pdf.page(|c| {
            c.show(30.0, H - 40.0, 11.0, &rekap_bkd_title(recaps));
            c.show(30.0, H - 56.0, 8.0, &format!("halaman {} dari {}", p + 1, pages));
            for (x, h) in cols.iter().zip(HEADERS) {
                c.show(*x, H - 78.0, 8.0, h);
            }
            for (i, row) in chunk.iter().enumerate() {
                let y = H - 94.0 - i as f32 * 15.0;
                for (k, (x, v)) in cols.iter().zip(row).enumerate() {
                    let limit = if k == 0 {
                        40
                    } else if k == 9 {
                        30
                    } else {
                        10
                    };
                    c.show(*x, y, 8.0, &v.chars().take(limit).collect::<String>());
                }
            }
            if let Some(code) = code {
                c.show(30.0, 20.0, 7.0, &super::signed_foot(code));
            }
        });
    }
    pdf.finish()
}

/// The recap across units as XLSX: the title above the table, the total last.
pub fn rekap_bkd_xlsx(recaps: &[Rekap]) -> Result<Vec<u8>> {
    let bad = |e: rust_xlsxwriter::XlsxError| Error::BadDocument(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Rekap BKD").map_err(bad)?;
    sheet.write_string(0, 0, rekap_bkd_title(recaps)).map_err(bad)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).map_err(bad)?;
    }
    for (i, row) in rows(recaps).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let r = 2 + i as u32;
            match v.parse::<f64>() {
                Ok(n) if c > 0 && c < 9 => sheet.write_number(r, c as u16, n).map_err(bad)?,
                _ => sheet.write_string(r, c as u16, v).map_err(bad)?,
            };
        }
    }
    sheet.set_column_width(0, 36).map_err(bad)?;
    sheet.set_column_width(9, 30).map_err(bad)?;
    book.save_to_buffer().map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presensi::rekap::CekMinimumKantor;
    use crate::presensi::MinimumKantor;
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

    fn unit(name: &str, home: usize, office: usize, missing: usize, met: bool) -> Rekap {
        let mut jumlah = std::collections::BTreeMap::new();
        jumlah.insert(Keberadaan::DiRumah, home);
        jumlah.insert(Keberadaan::DiKantor, office);
        jumlah.insert(Keberadaan::TidakLapor, missing);
        Rekap {
            unit: name.into(),
            tanggal: NaiveDate::from_ymd_opt(2026, 12, 4).expect("date"),
            jam_lapor: NaiveTime::from_hms_opt(11, 30, 0).expect("time"),
            as_of: Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).single().expect("moment"),
            lines: Vec::new(),
            jumlah,
            ditandai: 1,
            minimum_kantor: CekMinimumKantor {
                terpenuhi: met,
                hadir: MinimumKantor { administrator: usize::from(met), pengawas: office.min(3) },
                minimum: MinimumKantor::SURAT_EDARAN,
            },
            dipangkas: false,
        }
    }

    #[test]
    fn a_line_per_unit_and_the_instansi_s_total() {
        let recaps = [unit("DINAS-A", 10, 4, 1, true), unit("DINAS-B", 7, 2, 3, false)];
        let rows = rows(&recaps);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][..4], ["DINAS-A", "10", "4", "0"].map(String::from));
        assert_eq!(rows[1][9], "TIDAK (0/1 adm., 2/3 peng.)");
        assert_eq!(rows[2][0], "JUMLAH");
        assert_eq!((rows[2][1].as_str(), rows[2][2].as_str(), rows[2][6].as_str()), ("17", "6", "4"));
        assert_eq!((rows[2][7].as_str(), rows[2][8].as_str()), ("2", "27"));
        assert_eq!(rows[2][9], "1 unit tidak terpenuhi");
        assert!(rekap_bkd_title(&recaps).contains("2026-12-04 jam 11.30, 2 unit (keadaan 2026-12-04 16:00 WIB)"));
        let pdf = rekap_bkd_pdf(&recaps, Some("ABCD-EFGH"));
        assert!(pdf.starts_with(b"%PDF"));
        assert!(rekap_bkd_xlsx(&recaps).expect("xlsx").starts_with(b"PK"));
    }
}
