//! Reading a rekon file: CSV (any of `,` `;` tab, as Indonesian Excel writes them), XLSX (the
//! first sheet, streamed cell by cell) or a SIASN export (JSON). Each row comes out as text
//! cells under one header map; a file that is not a table, has no NIP or contact column, is
//! too large or mixes encodings is refused whole, naming what was wrong, before a row is read.

use calamine::{open_workbook_from_rs, DataRef, Reader, Xlsx};
use serde_json::Value as Json;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use crate::error::{Error, Result};

/// Larger files are refused before reading: 100,000 rows of a rekon template are about 10 MB,
/// so this leaves room for every real instansi and stops a wrong 2 GB file at once.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What the file is, as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    SiasnJson,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::SiasnJson => "siasn",
        }
    }
}

/// One row of the file, as text (trimmed; empty cells are `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputRow {
    /// The row's line in the file (1 is the header of a table; a SIASN document's number).
    pub line: u64,
    pub nip: Option<String>,
    /// The NIP cell held a number: a spreadsheet keeps 15 digits, so an 18-digit NIP lost its end.
    pub nip_was_number: bool,
    pub nama: Option<String>,
    pub email_gov: Option<String>,
    pub email: Option<String>,
    pub no_hp: Option<String>,
    /// A JPT non-PNS file's identity and position.
    pub nik: Option<String>,
    pub jabatan: Option<String>,
}

/// Whose contact data a file reconciles: the PNS (by NIP) or the JPT non-PNS officials (by
/// NIK, kept as their own records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Roster {
    #[default]
    Pns,
    JptNonPns,
}

impl Roster {
    pub fn as_str(self) -> &'static str {
        match self {
            Roster::Pns => "pns",
            Roster::JptNonPns => "jpt",
        }
    }

    pub fn parse(s: &str) -> Roster {
        if s == "jpt" {
            Roster::JptNonPns
        } else {
            Roster::Pns
        }
    }
}

/// Which column holds what.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Columns {
    nip: Option<usize>,
    nik: Option<usize>,
    jabatan: Option<usize>,
    nama: Option<usize>,
    email_gov: Option<usize>,
    email: Option<usize>,
    no_hp: Option<usize>,
}

/// The header names the template writes, in its order.
pub const TEMPLATE_HEADERS: [&str; 5] = ["NIP", "Nama", "Email go.id", "Email pribadi", "Nomor HP"];
/// The JPT non-PNS template's headers.
pub const JPT_HEADERS: [&str; 6] = ["NIK", "Nama", "Jabatan", "Email go.id", "Email pribadi", "Nomor HP"];

fn norm(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn role_of(header: &str) -> Option<&'static str> {
    match norm(header).as_str() {
        "nip" | "nipbaru" | "nipasn" | "nippns" => Some("nip"),
        "nik" | "noktp" | "nomorktp" | "nomorindukkependudukan" => Some("nik"),
        "jabatan" | "namajabatan" => Some("jabatan"),
        "nama" | "namalengkap" | "namapegawai" | "namaasn" => Some("nama"),
        "emailgoid" | "emailgov" | "emailresmi" | "emaildinas" | "emailgovid" | "emailkantor" | "emailinstansi" => {
            Some("email_gov")
        }
        "email" | "emailpribadi" | "emailpersonal" => Some("email"),
        "nomorhp" | "nohp" | "hp" | "nomorponsel" | "noponsel" | "nomortelepon" | "notelp" | "notelepon"
        | "telepon" | "nohandphone" | "nomorhandphone" | "nowa" | "nomorwa" => Some("no_hp"),
        _ => None,
    }
}

fn columns(headers: &[String], roster: Roster) -> Result<Columns> {
    let mut c = Columns::default();
    for (i, h) in headers.iter().enumerate() {
        let Some(role) = role_of(h) else { continue };
        let slot = match role {
            "nip" => &mut c.nip,
            "nik" => &mut c.nik,
            "jabatan" => &mut c.jabatan,
            "nama" => &mut c.nama,
            "email_gov" => &mut c.email_gov,
            "email" => &mut c.email,
            _ => &mut c.no_hp,
        };
        if let Some(first) = slot {
            return Err(Error::BadDocument(format!(
                "kolom \"{}\" dan \"{}\" berarti sama (kolom {} dan {}); hapus salah satu",
                headers[*first],
                h,
                *first + 1,
                i + 1
            )));
        }
        *slot = Some(i);
    }
    let found = || headers.iter().filter(|h| !h.trim().is_empty()).cloned().collect::<Vec<_>>().join(", ");
    if roster == Roster::Pns && c.nip.is_none() {
        return Err(Error::BadDocument(format!(
            "tidak ada kolom NIP di baris judul (ditemukan: {}); pakai templat rekon: {}",
            found(),
            TEMPLATE_HEADERS.join(", ")
        )));
    }
    if roster == Roster::JptNonPns && (c.nik.is_none() || c.nama.is_none()) {
        return Err(Error::BadDocument(format!(
            "templat JPT non-PNS memerlukan kolom NIK dan Nama (ditemukan: {}); pakai: {}",
            found(),
            JPT_HEADERS.join(", ")
        )));
    }
    if c.email_gov.is_none() && c.email.is_none() && c.no_hp.is_none() {
        return Err(Error::BadDocument(format!(
            "tidak ada kolom Email go.id, Email pribadi atau Nomor HP (ditemukan: {}); pakai templat rekon",
            found()
        )));
    }
    Ok(c)
}

fn cell(cells: &[String], at: Option<usize>) -> Option<String> {
    at.and_then(|i| cells.get(i)).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

impl Columns {
    fn row(&self, line: u64, cells: &[String]) -> InputRow {
        InputRow {
            line,
            nip: cell(cells, self.nip),
            nip_was_number: false,
            nama: cell(cells, self.nama),
            email_gov: cell(cells, self.email_gov),
            email: cell(cells, self.email),
            no_hp: cell(cells, self.no_hp),
            nik: cell(cells, self.nik),
            jabatan: cell(cells, self.jabatan),
        }
    }
}

/// What the first bytes say the file is; refuses what is plainly not a table.
fn sniff(head: &[u8]) -> Result<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let not_table = |what: &str| {
        Err(Error::BadDocument(format!("berkas ini {what}, bukan tabel; pakai CSV, XLSX atau ekspor SIASN (JSON)")))
    };
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(Error::BadDocument(
            "berkas ini Excel 97-2003 (.xls); simpan ulang sebagai .xlsx atau CSV UTF-8".into(),
        ));
    }
    if head.starts_with(b"%PDF") {
        return not_table("PDF");
    }
    if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        return not_table("gambar");
    }
    if head.contains(&0) {
        return not_table("berkas biner");
    }
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(Error::BadDocument("berkas kosong".into())),
        Some(b'[' | b'{') => Ok(Format::SiasnJson),
        Some(_) => Ok(Format::Csv),
    }
}

/// Opens `path`, tells its format and calls `each` for every data row, in file order.
#[cfg(test)]
pub fn read_rows(path: &std::path::Path, each: impl FnMut(InputRow) -> Result<()>) -> Result<Format> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    read_from(file, size, Roster::Pns, each)
}

/// The same over bytes already in hand (a file the desktop's page picked).
pub fn read_from<R: Read + Seek>(
    mut src: R,
    size: u64,
    roster: Roster,
    mut each: impl FnMut(InputRow) -> Result<()>,
) -> Result<Format> {
    if size > MAX_FILE_BYTES {
        return Err(Error::BadDocument(format!(
            "berkas terlalu besar: {} MB; batasnya {} MB (bagi per unit kerja)",
            size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let mut head = [0u8; 512];
    let n = read_up_to(&mut src, &mut head)?;
    let format = sniff(&head[..n])?;
    src.seek(SeekFrom::Start(0))?;
    match format {
        Format::Csv => read_csv(src, roster, &mut each)?,
        Format::Xlsx => read_xlsx(src, roster, &mut each)?,
        Format::SiasnJson if roster == Roster::JptNonPns => {
            return Err(Error::BadDocument("ekspor SIASN memuat PNS; JPT non-PNS memakai templatnya sendiri".into()))
        }
        Format::SiasnJson => read_siasn(src, &mut each)?,
    }
    Ok(format)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The separator of the header line: the one of `,` `;` tab it holds most of.
fn delimiter(header_line: &[u8]) -> u8 {
    [b',', b';', b'\t'].into_iter().max_by_key(|d| header_line.iter().filter(|b| *b == d).count()).unwrap_or(b',')
}

fn read_csv<R: Read>(file: R, roster: Roster, each: &mut dyn FnMut(InputRow) -> Result<()>) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let first_line: Vec<u8> = {
        let buf = reader.fill_buf()?;
        buf.split(|b| *b == b'\n').next().unwrap_or_default().to_vec()
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter(&first_line))
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut cols: Option<Columns> = None;
    let mut cells: Vec<String> = Vec::new();
    while csv.read_byte_record(&mut record).map_err(|e| csv_error(&e))? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        cells.clear();
        for field in record.iter() {
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::BadDocument(format!(
                    "baris {line}: teks bukan UTF-8 (berkas bercampur encoding); simpan ulang sebagai \"CSV UTF-8\""
                ))
            })?;
            cells.push(text.to_string());
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match &cols {
            None => cols = Some(columns(&cells, roster)?),
            Some(c) => each(c.row(line, &cells))?,
        }
    }
    if cols.is_none() {
        return Err(Error::BadDocument("berkas kosong: tidak ada baris judul".into()));
    }
    Ok(())
}

fn csv_error(e: &csv::Error) -> Error {
    let line = e.position().map(|p| format!("baris {}: ", p.line())).unwrap_or_default();
    Error::BadDocument(format!("{line}CSV tidak terbaca: {e}"))
}

/// A cell as text. Whole numbers print without a decimal point; a mobile number stored as a
/// number lost its leading 0, which is put back.
fn text_of(value: &DataRef<'_>) -> Option<String> {
    let s = match value {
        DataRef::Empty => return None,
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    };
    Some(s)
}

fn is_number(value: &DataRef<'_>) -> bool {
    matches!(value, DataRef::Int(_) | DataRef::Float(_))
}

fn read_xlsx<R: Read + Seek>(file: R, roster: Roster, each: &mut dyn FnMut(InputRow) -> Result<()>) -> Result<()> {
    let bad = |e: calamine::XlsxError| Error::BadDocument(format!("XLSX tidak terbaca: {e}"));
    let mut book: Xlsx<_> = open_workbook_from_rs(BufReader::new(file)).map_err(bad)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(Error::BadDocument("XLSX tanpa lembar kerja".into()));
    };
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(bad)?;
    let mut cols: Option<Columns> = None;
    let mut row_at: Option<u32> = None;
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<bool> = Vec::new();
    let mut flush = |row: u32, texts: &mut Vec<String>, numbers: &mut Vec<bool>| -> Result<()> {
        if texts.iter().any(|c| !c.trim().is_empty()) {
            match &cols {
                None => cols = Some(columns(texts, roster)?),
                Some(c) => {
                    let mut r = c.row(u64::from(row) + 1, texts);
                    r.nip_was_number = c.nip.is_some_and(|i| numbers.get(i).copied().unwrap_or(false));
                    if c.no_hp.is_some_and(|i| numbers.get(i).copied().unwrap_or(false)) {
                        r.no_hp = r.no_hp.map(|n| if n.starts_with('8') { format!("0{n}") } else { n });
                    }
                    each(r)?;
                }
            }
        }
        texts.clear();
        numbers.clear();
        Ok(())
    };
    while let Some(c) = cells.next_cell().map_err(bad)? {
        let (row, col) = c.get_position();
        if row_at != Some(row) {
            if let Some(prev) = row_at {
                flush(prev, &mut texts, &mut numbers)?;
            }
            row_at = Some(row);
        }
        let col = col as usize;
        if col >= 64 {
            continue; // far right of any rekon table
        }
        if texts.len() <= col {
            texts.resize(col + 1, String::new());
            numbers.resize(col + 1, false);
        }
        texts[col] = text_of(c.get_value()).unwrap_or_default();
        numbers[col] = is_number(c.get_value());
    }
    if let Some(prev) = row_at {
        flush(prev, &mut texts, &mut numbers)?;
    }
    if cols.is_none() {
        return Err(Error::BadDocument("lembar pertama XLSX kosong: tidak ada baris judul".into()));
    }
    Ok(())
}

fn read_siasn<R: Read>(file: R, each: &mut dyn FnMut(InputRow) -> Result<()>) -> Result<()> {
    crate::siasn::for_each_document(file, |i, doc: Json| {
        let du = doc.get("dataUtama").unwrap_or(&doc);
        let text =
            |k: &str| du.get(k).and_then(Json::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        each(InputRow {
            line: i as u64 + 1,
            nip: text("nipBaru"),
            nip_was_number: du.get("nipBaru").is_some_and(Json::is_number),
            nama: text("nama"),
            email_gov: text("emailGov"),
            email: text("email"),
            no_hp: text("noHp"),
            nik: None,
            jabatan: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(name: &str, bytes: &[u8]) -> Result<Vec<InputRow>> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let mut out = Vec::new();
        read_rows(&path, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn semicolon_csv_with_bom_and_indonesian_headers() {
        let rows = rows_of(
            "a.csv",
            "\u{feff}NIP;Nama;Email Resmi;No. HP\n199001012015031001;Budi;budi@bkd.jabarprov.go.id;0812-3456-7890\n\n"
                .as_bytes(),
        )
        .expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].nip.as_deref(), Some("199001012015031001"));
        assert_eq!(rows[0].email_gov.as_deref(), Some("budi@bkd.jabarprov.go.id"));
        assert_eq!(rows[0].no_hp.as_deref(), Some("0812-3456-7890"));
        assert_eq!(rows[0].email, None);
    }

    #[test]
    fn wrong_files_are_refused_naming_what_is_wrong() {
        let no_nip = rows_of("b.csv", b"Nama,Email go.id\nBudi,b@x.go.id\n").expect_err("no NIP column");
        assert!(no_nip.to_string().contains("tidak ada kolom NIP"), "{no_nip}");
        let no_contact = rows_of("c.csv", b"NIP,Nama\n1,Budi\n").expect_err("no contact column");
        assert!(no_contact.to_string().contains("Nomor HP"), "{no_contact}");
        let twice = rows_of("d.csv", b"NIP,No HP,Nomor HP\n").expect_err("two phone columns");
        assert!(twice.to_string().contains("berarti sama"), "{twice}");
        let mixed = rows_of("e.csv", b"NIP,Nama,Nomor HP\n1,Budi,0812\n2,Sri \xe9,0813\n").expect_err("latin-1 row");
        assert!(mixed.to_string().contains("baris 3") && mixed.to_string().contains("UTF-8"), "{mixed}");
        let pdf = rows_of("f.csv", b"%PDF-1.7 ...").expect_err("pdf");
        assert!(pdf.to_string().contains("PDF"), "{pdf}");
        let xls = rows_of("g.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").expect_err("xls");
        assert!(xls.to_string().contains(".xls"), "{xls}");
        let broken_zip = rows_of("h.xlsx", b"PK\x03\x04 not really a zip").expect_err("broken xlsx");
        assert!(broken_zip.to_string().contains("XLSX"), "{broken_zip}");
        let blank = rows_of("i.csv", b"   \n").expect_err("blank");
        assert!(blank.to_string().contains("kosong"), "{blank}");
    }

    #[test]
    fn a_file_larger_than_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.csv");
        let f = std::fs::File::create(&path).expect("create");
        f.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
        let e = read_rows(&path, |_| panic!("no row is read")).expect_err("too large");
        assert!(e.to_string().contains("terlalu besar"), "{e}");
    }

    #[test]
    fn an_xlsx_nip_stored_as_a_number_is_flagged_and_a_numeric_phone_gets_its_zero_back() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["NIP", "Nama", "Nomor HP"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("header");
        }
        sheet.write_number(1, 0, 199001012015031001.0).expect("nip as number");
        sheet.write_string(1, 1, "Budi").expect("nama");
        sheet.write_number(1, 2, 81234567890.0).expect("phone as number");
        sheet.write_string(2, 0, "199001012015031002").expect("nip as text");
        let bytes = book.save_to_buffer().expect("xlsx");
        let rows = rows_of("a.xlsx", &bytes).expect("rows");
        assert_eq!(rows.len(), 2);
        assert!(rows[0].nip_was_number && !rows[1].nip_was_number);
        assert_eq!(rows[0].no_hp.as_deref(), Some("081234567890"));
        assert_eq!((rows[0].line, rows[1].line), (2, 3));
        assert_eq!(rows[1].nip.as_deref(), Some("199001012015031002"));
    }
}
