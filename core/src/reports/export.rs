//! The daftar nominatif as a file: CSV (UTF-8 with a BOM so that spreadsheet programs read
//! the names right), XLSX, or a landscape A4 PDF with a header on every page.

use super::pdf_text::TextPdf;

use super::{Nominatif, NominatifRow};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    Xlsx,
    Pdf,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Option<ReportFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(ReportFormat::Csv),
            "xlsx" => Some(ReportFormat::Xlsx),
            "pdf" => Some(ReportFormat::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }
}

const HEADERS: [&str; 10] = [
    "No",
    "NIP",
    "Nama",
    "Golongan",
    "TMT golongan",
    "Jabatan",
    "TMT jabatan",
    "Pendidikan",
    "Unit",
    "Kelengkapan (%)",
];

fn cells(i: usize, r: &NominatifRow) -> [String; 10] {
    [
        (i + 1).to_string(),
        r.nip.clone(),
        r.nama.clone(),
        r.golongan.clone(),
        r.tmt_golongan.clone(),
        r.jabatan.clone(),
        r.tmt_jabatan.clone(),
        r.pendidikan.clone(),
        r.unit.clone(),
        r.kelengkapan.to_string(),
    ]
}

/// RFC 4180 quoting; a NIP is written as text (a leading apostrophe-free `="..."` would break
/// other readers), so spreadsheet programs may show it in scientific notation unless the
/// column is set to text: XLSX keeps it as text.
pub fn to_csv(n: &Nominatif) -> Vec<u8> {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADERS.join(","));
    out.push_str("\r\n");
    for (i, r) in n.rows.iter().enumerate() {
        out.push_str(&cells(i, r).iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub fn to_xlsx(n: &Nominatif) -> Result<Vec<u8>> {
    let bad = |e: rust_xlsxwriter::XlsxError| Error::BadDocument(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Daftar nominatif").map_err(bad)?;
    let title = format!("Daftar nominatif {} ({})", n.units_named(), n.dibuat);
    sheet.write_string_with_format(0, 0, &title, &bold).map_err(bad)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold).map_err(bad)?;
    }
    for (i, r) in n.rows.iter().enumerate() {
        let row = 3 + i as u32;
        for (c, v) in cells(i, r).iter().enumerate() {
            // Numbers stay numbers; a NIP stays text (18 digits do not fit a spreadsheet number).
            if c == 0 || c == 9 {
                sheet.write_number(row, c as u16, v.parse::<f64>().unwrap_or(0.0)).map_err(bad)?;
            } else {
                sheet.write_string(row, c as u16, v).map_err(bad)?;
            }
        }
    }
    sheet.set_column_width(1, 21).map_err(bad)?;
    sheet.set_column_width(2, 36).map_err(bad)?;
    sheet.set_column_width(5, 30).map_err(bad)?;
    sheet.set_freeze_panes(3, 0).map_err(bad)?;
    book.save_to_buffer().map_err(bad)
}

/// The daftar nominatif as `format`; a PDF shows `code` at the foot of every page.
pub fn render(n: &Nominatif, format: ReportFormat, code: Option<&str>) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Csv => to_csv(n),
        ReportFormat::Xlsx => to_xlsx(n)?,
        ReportFormat::Pdf => to_pdf_coded(n, code),
    })
}

/// The PDF, with a signature's verification code at the foot of every page (see `signing`).
pub fn to_pdf_coded(n: &Nominatif, code: Option<&str>) -> Vec<u8> {
    const W: f32 = 841.89;
    const H: f32 = 595.28;
    const ROWS_PER_PAGE: usize = 32;
    let cols: [f32; 10] = [30.0, 58.0, 170.0, 340.0, 385.0, 440.0, 605.0, 660.0, 715.0, 768.0];
    let mut pdf = TextPdf::new(W, H);
    let chunks: Vec<&[NominatifRow]> =
        if n.rows.is_empty() { vec![&[][..]] } else { n.rows.chunks(ROWS_PER_PAGE).collect() };
    let pages = chunks.len();
    for (p, chunk) in chunks.into_iter().enumerate() {
        pdf.page(|c| {
            let title = format!(
                "Daftar nominatif {}  -  dibuat {}  -  halaman {} dari {}",
                n.units_named(),
                n.dibuat,
                p + 1,
                pages
            );
            c.show(30.0, H - 40.0, 12.0, &title);
            for (x, h) in cols.iter().zip(HEADERS) {
                c.show(*x, H - 70.0, 8.0, h);
            }
            for (i, r) in chunk.iter().enumerate() {
                let y = H - 86.0 - i as f32 * 14.5;
                let idx = p * ROWS_PER_PAGE + i;
                for (k, (x, v)) in cols.iter().zip(cells(idx, r)).enumerate() {
                    let limit = [4, 20, 34, 8, 10, 34, 10, 12, 12, 4][k];
                    let v: String = v.chars().take(limit).collect();
                    c.show(*x, y, 8.0, &v);
                }
            }
            if let Some(code) = code {
                c.show(30.0, 20.0, 8.0, &super::signed_foot(code));
            }
        });
    }
    pdf.finish()
}
