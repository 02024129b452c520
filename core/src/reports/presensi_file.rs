//! A unit's presence recap as a file: an A4 PDF (its verification code on every page when the
//! hub signs it) or XLSX, with the whereabouts and flags in words and the counts.

use super::pdf_text::TextPdf;
use crate::error::{Error, Result};
use crate::presensi::{Keberadaan, Rekap, Tanda};

const HEADERS: [&str; 5] = ["No", "NIP", "Nama", "Keberadaan", "Tanda"];

fn where_(k: Keberadaan) -> &'static str {
    match k {
        Keberadaan::DiRumah => "di rumah",
        Keberadaan::DiKantor => "di kantor",
        Keberadaan::Tugas => "tugas/izin keluar",
        Keberadaan::CutiSakit => "cuti/sakit",
        Keberadaan::Biasa => "bekerja biasa",
        Keberadaan::TidakLapor => "tidak lapor",
    }
}

fn flag(t: &Tanda) -> String {
    match t {
        Tanda::LokasiPalsu => "lokasi palsu".into(),
        Tanda::JauhDariRumah { meter } => format!("jauh dari rumah ({meter} m)"),
        Tanda::RumahBelumTerdaftar => "tempat WFH belum diatur".into(),
        Tanda::JamPerangkatBerbeda { menit } => format!("jam perangkat selisih {menit} menit"),
        Tanda::TidakAkurat { meter } => format!("lokasi kurang akurat ({meter} m)"),
        Tanda::TerlambatSinkron => "terkirim setelah jam lapor".into(),
    }
}

/// The recap's title: unit, date, report time, and the moment it stands at (WIB).
pub fn rekap_title(r: &Rekap) -> String {
    let wib = chrono::FixedOffset::east_opt(7 * 3600)
        .map(|z| r.as_of.with_timezone(&z).format("%Y-%m-%d %H:%M WIB").to_string());
    format!(
        "Rekap kehadiran WFH {} {} jam {} (keadaan {})",
        r.unit,
        r.tanggal,
        r.jam_lapor.format("%H.%M"),
        wib.unwrap_or_else(|| r.as_of.to_rfc3339())
    )
}

fn counts(r: &Rekap) -> String {
    let mut parts: Vec<String> = r.jumlah.iter().map(|(k, n)| format!("{}: {n}", where_(*k))).collect();
    parts.push(format!("ditandai: {}", r.ditandai));
    parts.join("; ")
}

/// The office minimum, and whether the day's locations are gone.
fn minimum(r: &Rekap) -> String {
    let m = &r.minimum_kantor;
    let mut s = format!(
        "Minimum di kantor {}: Administrator {}/{}, Pengawas {}/{}",
        if m.terpenuhi { "terpenuhi" } else { "TIDAK TERPENUHI" },
        m.hadir.administrator,
        m.minimum.administrator,
        m.hadir.pengawas,
        m.minimum.pengawas
    );
    if r.dipangkas {
        s.push_str("  -  lokasi hari ini dihapus setelah masa simpan; jumlah tetap");
    }
    s
}

fn rows(r: &Rekap) -> Vec<[String; 5]> {
    r.lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let flags: Vec<String> = l.tanda.iter().map(flag).collect();
            [(i + 1).to_string(), l.nip.clone(), l.nama.clone(), where_(l.keberadaan).into(), flags.join(", ")]
        })
        .collect()
}

/// The recap as an A4 PDF; `code`, when the hub signs it, at the foot of every page.
pub fn rekap_pdf(r: &Rekap, code: Option<&str>) -> Vec<u8> {
    const W: f32 = 595.28;
    const H: f32 = 841.89;
    const PER_PAGE: usize = 47;
    let cols: [f32; 5] = [30.0, 55.0, 160.0, 330.0, 410.0];
    let all = rows(r);
    let chunks: Vec<&[[String; 5]]> = if all.is_empty() { vec![&[][..]] } else { all.chunks(PER_PAGE).collect() };
    let pages = chunks.len();
    let mut pdf = TextPdf::new(W, H);
    for (p, chunk) in chunks.into_iter().enumerate() {
        pdf.page(|c| {
            c.show(30.0, H - 40.0, 11.0, &rekap_title(r));
            c.show(30.0, H - 56.0, 8.0, &format!("{}  -  halaman {} dari {}", counts(r), p + 1, pages));
            c.show(30.0, H - 67.0, 8.0, &minimum(r));
            for (x, h) in cols.iter().zip(HEADERS) {
                c.show(*x, H - 84.0, 8.0, h);
            }
            for (i, row) in chunk.iter().enumerate() {
                let y = H - 100.0 - i as f32 * 15.0;
                for (k, (x, v)) in cols.iter().zip(row).enumerate() {
                    let limit = [4, 20, 30, 18, 40][k];
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

/// The recap as XLSX: the title and counts above the table.
pub fn rekap_xlsx(r: &Rekap) -> Result<Vec<u8>> {
    let bad = |e: rust_xlsxwriter::XlsxError| Error::BadDocument(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Rekap").map_err(bad)?;
    sheet.write_string(0, 0, rekap_title(r)).map_err(bad)?;
    sheet.write_string(1, 0, counts(r)).map_err(bad)?;
    sheet.write_string(2, 0, minimum(r)).map_err(bad)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).map_err(bad)?;
    }
    for (i, row) in rows(r).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(4 + i as u32, c as u16, v).map_err(bad)?;
        }
    }
    sheet.set_column_width(1, 21).map_err(bad)?;
    sheet.set_column_width(2, 36).map_err(bad)?;
    sheet.set_column_width(3, 18).map_err(bad)?;
    sheet.set_column_width(4, 48).map_err(bad)?;
    book.save_to_buffer().map_err(bad)
}
