//! The rekon's workbooks: the template an OPD fills, a preview with every row's verdict, the
//! standing per unit, and the report to BKN in its fixed layout (one row per ASN).

use rusqlite::Connection;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::input::{JPT_HEADERS, TEMPLATE_HEADERS};
use super::JptNonPns;
use super::{verdict, RekonPreview, RekonProgress, RekonUnitProgress, Verdict, DEADLINE};
use crate::authz::{Action, Principal, Target};
use crate::error::{Error, Result};
use crate::model::Phone;
use crate::store::replica;

fn bad(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::BadDocument(format!("xlsx: {e}"))
}

fn headers(sheet: &mut Worksheet, row: u32, names: &[&str]) -> Result<()> {
    let bold = Format::new().set_bold();
    for (c, h) in names.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *h, &bold).map_err(bad)?;
    }
    Ok(())
}

/// One record as the rekon sees it.
struct Asn {
    nip: String,
    nama: String,
    unit: String,
    email_gov: Option<String>,
    email: Option<String>,
    no_hp: Option<String>,
    email_gov_valid: Option<String>,
}

impl Asn {
    fn validated(&self) -> bool {
        matches!((&self.email_gov, &self.email_gov_valid), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
    }

    fn phone_valid(&self) -> bool {
        self.no_hp.as_deref().is_some_and(|p| Phone::parse(p).is_ok())
    }

    /// The status column of the report to BKN.
    fn status(&self) -> &'static str {
        match (self.email_gov.is_some(), self.validated(), self.phone_valid()) {
            (true, true, true) => "Lengkap: email go.id tervalidasi, nomor HP sah",
            (true, true, false) => "Nomor HP belum sah",
            (true, false, _) => "Email go.id belum divalidasi instansi",
            (false, _, _) => "Belum punya email go.id",
        }
    }
}

/// Every record in `principal`'s reach (of `unit` if given), by unit then name.
fn each_asn(
    conn: &Connection,
    unit: Option<&str>,
    principal: Option<&Principal>,
    mut f: impl FnMut(Asn) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT id, nip_baru, coalesce(nama, ''), coalesce(unit, ''), email_gov, email, no_hp, email_gov_valid
         FROM pegawai WHERE (?1 IS NULL OR unit = ?1) ORDER BY unit, nama, nip_baru",
    )?;
    let mut rows = st.query([unit])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let asn = Asn {
            nip: r.get(1)?,
            nama: r.get(2)?,
            unit: r.get(3)?,
            email_gov: r.get(4)?,
            email: r.get(5)?,
            no_hp: r.get(6)?,
            email_gov_valid: r.get(7)?,
        };
        let reach =
            principal.is_none_or(|p| p.may(Action::Read, Target { pegawai_id: &id, unit: Some(asn.unit.as_str()) }));
        if reach {
            f(asn)?;
        }
    }
    Ok(())
}

pub(super) fn template(conn: &Connection, unit: Option<&str>, principal: Option<&Principal>) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Rekon mandiri").map_err(bad)?;
    headers(sheet, 0, &TEMPLATE_HEADERS)?;
    // NIP and phone as text, so a spreadsheet keeps all 18 digits and the leading 0.
    let text = Format::new().set_num_format("@");
    for c in [0u16, 4] {
        sheet.set_column_format(c, &text).map_err(bad)?;
    }
    let mut row = 1u32;
    each_asn(conn, unit, principal, |a| {
        sheet.write_string_with_format(row, 0, &a.nip, &text).map_err(bad)?;
        sheet.write_string(row, 1, &a.nama).map_err(bad)?;
        for (c, v) in [(2u16, &a.email_gov), (3, &a.email)] {
            if let Some(v) = v {
                sheet.write_string(row, c, v).map_err(bad)?;
            }
        }
        if let Some(p) = &a.no_hp {
            // 08.., as people write it, not the stored +628..
            let local = p.strip_prefix("+62").map(|n| format!("0{n}")).unwrap_or_else(|| p.clone());
            sheet.write_string_with_format(row, 4, &local, &text).map_err(bad)?;
        }
        row += 1;
        Ok(())
    })?;
    for (c, w) in [(0u16, 22.0), (1, 30.0), (2, 34.0), (3, 30.0), (4, 18.0)] {
        sheet.set_column_width(c, w).map_err(bad)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(bad)?;
    book.save_to_buffer().map_err(bad)
}

const PREVIEW_HEADERS: [&str; 16] = [
    "Baris",
    "NIP",
    "Nama",
    "Unit",
    "Putusan",
    "Keterangan",
    "Email go.id (lama)",
    "Email go.id (berkas)",
    "Email go.id",
    "Email pribadi (lama)",
    "Email pribadi (berkas)",
    "Email pribadi",
    "Nomor HP (lama)",
    "Nomor HP (berkas)",
    "Nomor HP",
    "Diterapkan",
];

pub(super) fn preview(conn: &Connection, p: &RekonPreview) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    {
        let sheet = book.add_worksheet().set_name("Pratinjau").map_err(bad)?;
        headers(sheet, 0, &PREVIEW_HEADERS)?;
        let mut offset = 0;
        loop {
            let page = verdict::items(conn, &p.batch, None, offset, 5_000)?;
            if page.is_empty() {
                break;
            }
            for it in &page {
                offset += 1;
                let row = offset as u32;
                sheet.write_number(row, 0, it.line as f64).map_err(bad)?;
                let mut put = |c: u16, v: Option<&str>| -> Result<()> {
                    if let Some(v) = v {
                        sheet.write_string(row, c, v).map_err(bad)?;
                    }
                    Ok(())
                };
                put(1, it.nip.as_deref())?;
                put(2, it.nama.as_deref())?;
                put(3, it.unit.as_deref())?;
                put(4, Some(it.verdict.label()))?;
                put(5, it.reason.as_deref())?;
                for (k, f) in [&it.email_gov, &it.email, &it.no_hp].into_iter().enumerate() {
                    let c = 6 + 3 * k as u16;
                    put(c, f.old.as_deref())?;
                    put(c + 1, f.new.as_deref())?;
                    put(c + 2, Some(f.verdict.label()))?;
                }
                put(15, it.applied.then_some("ya"))?;
            }
        }
        sheet.set_freeze_panes(1, 2).map_err(bad)?;
    }
    {
        let sheet = book.add_worksheet().set_name("Ringkasan").map_err(bad)?;
        let bold = Format::new().set_bold();
        sheet
            .write_string_with_format(0, 0, format!("Rekon mandiri: {} (data {})", p.file_name, p.file_date), &bold)
            .map_err(bad)?;
        let verdicts =
            [Verdict::Same, Verdict::New, Verdict::Changed, Verdict::Stale, Verdict::Duplicate, Verdict::Invalid];
        let mut names = vec!["Unit kerja", "Baris"];
        names.extend(verdicts.iter().map(|v| v.label()));
        headers(sheet, 2, &names)?;
        let mut put = |row: u32, unit: &str, c: &super::RekonCounts| -> Result<()> {
            sheet.write_string(row, 0, unit).map_err(bad)?;
            let n = [c.total(), c.same, c.new_value, c.changed, c.stale, c.duplicate, c.invalid];
            for (k, v) in n.iter().enumerate() {
                sheet.write_number(row, 1 + k as u16, *v as f64).map_err(bad)?;
            }
            Ok(())
        };
        put(3, "Semua", &p.counts)?;
        for (i, u) in p.units.iter().enumerate() {
            put(4 + i as u32, if u.unit.is_empty() { "(tidak dikenal)" } else { &u.unit }, &u.counts)?;
        }
        sheet.set_column_width(0, 28).map_err(bad)?;
    }
    book.save_to_buffer().map_err(bad)
}

pub(super) fn jpt_template(officials: &[JptNonPns]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("JPT non-PNS").map_err(bad)?;
    headers(sheet, 0, &JPT_HEADERS)?;
    let text = Format::new().set_num_format("@");
    for c in [0u16, 5] {
        sheet.set_column_format(c, &text).map_err(bad)?;
    }
    for (i, j) in officials.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string_with_format(row, 0, &j.nik, &text).map_err(bad)?;
        sheet.write_string(row, 1, &j.nama).map_err(bad)?;
        for (c, v) in [(2u16, &j.jabatan), (3, &j.email_gov), (4, &j.email)] {
            if let Some(v) = v {
                sheet.write_string(row, c, v).map_err(bad)?;
            }
        }
        if let Some(p) = &j.no_hp {
            let local = p.strip_prefix("+62").map(|n| format!("0{n}")).unwrap_or_else(|| p.clone());
            sheet.write_string_with_format(row, 5, &local, &text).map_err(bad)?;
        }
    }
    for (c, w) in [(0u16, 20.0), (1, 30.0), (2, 34.0), (3, 34.0), (4, 30.0), (5, 18.0)] {
        sheet.set_column_width(c, w).map_err(bad)?;
    }
    book.save_to_buffer().map_err(bad)
}

/// The JPT non-PNS officials as the rekon counts them (one "unit").
fn jpt_progress(officials: &[JptNonPns]) -> Option<RekonUnitProgress> {
    if officials.is_empty() {
        return None;
    }
    let validated =
        |j: &JptNonPns| matches!((&j.email_gov, &j.email_gov_valid), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
    Some(RekonUnitProgress {
        unit: "JPT non-PNS".into(),
        asn: officials.len() as u64,
        email_validated: officials.iter().filter(|j| validated(j)).count() as u64,
        email_unvalidated: officials.iter().filter(|j| j.email_gov.is_some() && !validated(j)).count() as u64,
        phone_valid: officials.iter().filter(|j| j.no_hp.as_deref().is_some_and(|p| Phone::parse(p).is_ok())).count()
            as u64,
    })
}

pub(super) fn progress(conn: &Connection, principal: Option<&Principal>) -> Result<RekonProgress> {
    let mut units: Vec<RekonUnitProgress> = Vec::new();
    each_asn(conn, None, principal, |a| {
        let u = match units.last_mut() {
            Some(u) if u.unit == a.unit => u,
            _ => {
                units.push(RekonUnitProgress {
                    unit: a.unit.clone(),
                    asn: 0,
                    email_validated: 0,
                    email_unvalidated: 0,
                    phone_valid: 0,
                });
                units.last_mut().ok_or(Error::NotFound("unit"))?
            }
        };
        u.asn += 1;
        if a.validated() {
            u.email_validated += 1;
        } else if a.email_gov.is_some() {
            u.email_unvalidated += 1;
        }
        if a.phone_valid() {
            u.phone_valid += 1;
        }
        Ok(())
    })?;
    // The BKD's own roster of JPT non-PNS officials, for those who reach the whole instansi.
    if super::sees_instansi(principal) {
        units.extend(jpt_progress(&super::jpt::all(conn)?));
    }
    let deadline = replica::meta_get(conn, DEADLINE)?;
    let days_left = deadline
        .as_deref()
        .and_then(|d| crate::model::parse_date(d).flatten())
        .map(|d| (d - crate::model::today()).num_days());
    Ok(RekonProgress { deadline, days_left, units })
}

const REPORT_HEADERS: [&str; 7] = ["No", "NIP", "Nama", "Unit kerja", "Email go.id", "Nomor HP", "Status"];

/// One row of the report to BKN: No, NIP (or NIK), name, unit (or jabatan), go.id e-mail,
/// phone, status.
fn report_row(sheet: &mut Worksheet, row: u32, a: &Asn, text: &Format) -> Result<()> {
    sheet.write_number(row, 0, f64::from(row)).map_err(bad)?;
    sheet.write_string_with_format(row, 1, &a.nip, text).map_err(bad)?;
    sheet.write_string(row, 2, &a.nama).map_err(bad)?;
    sheet.write_string(row, 3, &a.unit).map_err(bad)?;
    if let Some(e) = &a.email_gov {
        sheet.write_string(row, 4, e).map_err(bad)?;
    }
    if let Some(p) = &a.no_hp {
        sheet.write_string_with_format(row, 5, p, text).map_err(bad)?;
    }
    sheet.write_string(row, 6, a.status()).map_err(bad)?;
    Ok(())
}

pub(super) fn report(conn: &Connection, unit: Option<&str>, principal: Option<&Principal>) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Rekon mandiri").map_err(bad)?;
    headers(sheet, 0, &REPORT_HEADERS)?;
    let text = Format::new().set_num_format("@");
    let mut row = 1u32;
    each_asn(conn, unit, principal, |a| {
        report_row(sheet, row, &a, &text)?;
        row += 1;
        Ok(())
    })?;
    for (c, w) in [(1u16, 22.0), (2, 30.0), (3, 24.0), (4, 34.0), (5, 18.0), (6, 40.0)] {
        sheet.set_column_width(c, w).map_err(bad)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(bad)?;
    let officials = super::jpt::all(conn)?;
    let everyone = super::sees_instansi(principal);
    if unit.is_none() && everyone && !officials.is_empty() {
        let sheet = book.add_worksheet().set_name("JPT non-PNS").map_err(bad)?;
        headers(sheet, 0, &["No", "NIK", "Nama", "Jabatan", "Email go.id", "Nomor HP", "Status"])?;
        for (i, j) in officials.iter().enumerate() {
            let row = 1 + i as u32;
            let asn = Asn {
                nip: j.nik.clone(),
                nama: j.nama.clone(),
                unit: j.jabatan.clone().unwrap_or_default(),
                email_gov: j.email_gov.clone(),
                email: j.email.clone(),
                no_hp: j.no_hp.clone(),
                email_gov_valid: j.email_gov_valid.clone(),
            };
            report_row(sheet, row, &asn, &text)?;
        }
    }
    book.save_to_buffer().map_err(bad)
}
