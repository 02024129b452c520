//! Errors as a person reads them, in their language: every shell words a refusal the same way
//! (the machine `code` stays the same in both). A field error names the field by its label.

use super::Lang;
use crate::model::FieldError;
use crate::sync::megabytes;
use crate::Error;

/// The error in `lang`. Field errors are listed by [`field_error_text`].
pub fn error_text(e: &Error, lang: Lang) -> String {
    if lang == Lang::En {
        return match e {
            Error::Invalid(_) => "invalid input".into(),
            other => other.to_string(),
        };
    }
    match e {
        Error::NoProfile(p) => format!("tidak ada profil Berkas di {}; jalankan `berkas init` dulu", p.display()),
        Error::ProfileExists(p) => format!("profil Berkas sudah ada di {}", p.display()),
        Error::DatabaseMissing(p) => format!("berkas basis data profil ini hilang: {}", p.display()),
        Error::KeyMissing { store } => {
            format!("kunci basis data profil ini tidak ada di {store}; tanpa kunci itu data tidak dapat dibuka")
        }
        Error::WrongKey => {
            "kunci ini tidak membuka basis data (kunci salah, atau bukan basis data Berkas); tidak ada yang diubah"
                .into()
        }
        Error::SchemaTooNew { found, known } => {
            format!("basis data ditulis oleh Berkas yang lebih baru (skema {found}); versi ini mengenal sampai {known}")
        }
        Error::Secret(s) => format!("penyimpanan kunci: {s}"),
        Error::Invalid(_) => "isian tidak valid".into(),
        Error::NotFound(what) => format!("{} tidak ditemukan", thing(what)),
        Error::DuplicateNip => "pegawai dengan NIP ini sudah ada".into(),
        Error::BadDocument(m) => format!("dokumen tidak dapat dibaca: {m}"),
        Error::Document { code, message } => document_in_indonesian(code, message),
        Error::TooLargeForHub { size, limit } => {
            format!("berkas {} melebihi batas {} dari server", megabytes(*size), megabytes(*limit))
        }
        Error::NotLoggedIn => "belum masuk ke server Berkas; jalankan `berkas login` dulu".into(),
        Error::Network(m) => format!("server tidak dapat dihubungi: {m}"),
        Error::Hub { status, code, message } => format!("server menjawab {status} {code}: {message}"),
        Error::UpgradeRequired => "versi Berkas ini terlalu lama untuk server; perbarui aplikasi".into(),
        Error::SessionEnded => "sesi masuk ke server telah berakhir; masuk lagi".into(),
        Error::Cancelled => "sinkronisasi dibatalkan; semua yang sudah selesai tetap tersimpan".into(),
        Error::Forbidden { id, .. } => (*id).into(),
        Error::Signature(s) => format!("tanda tangan: {s}"),
        Error::Sql(s) => format!("kesalahan basis data: {s}"),
        Error::Io(s) => format!("kesalahan baca/tulis: {s}"),
    }
}

fn thing(what: &str) -> &str {
    match what {
        "pegawai" => "pegawai",
        "riwayat row" => "baris riwayat",
        "reference table" => "tabel referensi",
        "document" => "dokumen",
        "usulan" | "request" => "usulan",
        "proposal" => "usul",
        other => other,
    }
}

/// A refused document in Indonesian, keeping what the English message says of where and which
/// problems (`file 2: ...`, `blurred (page 1), dark (page 2)`: stable codes, not prose).
fn document_in_indonesian(code: &str, message: &str) -> String {
    let (file, rest) = match message.strip_prefix("file ").and_then(|m| m.split_once(": ")) {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => (Some(n), rest),
        _ => (None, message),
    };
    let Some(text) = document_text(code) else { return message.to_string() };
    let mut out = match file {
        Some(n) => format!("berkas {n}: {text}"),
        None => text.to_string(),
    };
    if code == crate::docs::codes::UNREADABLE {
        if let Some(problems) = rest.split_once(": ").and_then(|(_, p)| p.split(';').next()) {
            out.push_str(&format!(" [{}]", problems.replace("(page ", "(halaman ")));
        }
    }
    out
}

fn document_text(code: &str) -> Option<&'static str> {
    use crate::docs::codes::*;
    Some(match code {
        UNSUPPORTED => "jenis berkas tidak didukung: kirim foto JPEG/PNG/WebP atau PDF",
        EMPTY => "berkas kosong",
        TOO_LARGE => "berkas terlalu besar",
        TOO_MANY_PIXELS => "gambar terlalu besar (terlalu banyak piksel)",
        TOO_MANY_PAGES => "terlalu banyak halaman",
        TRUNCATED => "berkas terpotong: kirim ulang berkas lengkapnya",
        CORRUPT => "berkas rusak dan tidak dapat dibaca",
        ENCRYPTED_PDF => "PDF ini terkunci kata sandi",
        MIXED => "PDF tidak dapat digabung dengan foto dalam satu dokumen",
        BAD_CROP => "potongan gambar tidak valid",
        UNREADABLE => {
            "dokumen mungkin tidak terbaca (buram, gelap atau terlalu kecil): ambil ulang, atau simpan saja (fasilitator akan melihat tandanya)"
        }
        TAMPERED => "berkas dokumen di perangkat ini berubah atau rusak",
        NOT_DOWNLOADED => "dokumen belum diunduh dari server",
        TYPE_NOT_ACCEPTED => "server tidak menerima dokumen berjenis ini",
        _ => return None,
    })
}

/// One field error: the field's label (in `lang` where the entity is known) and what is wrong.
pub fn field_error_text(e: &FieldError, label: Option<&str>, lang: Lang) -> String {
    let field = label.unwrap_or(&e.field);
    let what = match (lang, e.code.as_str()) {
        (Lang::Id, "field.required") => "wajib diisi".to_string(),
        (Lang::Id, "field.unknown") => "bukan isian yang dikenal".to_string(),
        (Lang::Id, "field.unknown_code") => "kode ini tidak ada di tabel referensinya".to_string(),
        (Lang::Id, "field.date") => "bukan tanggal yang valid (TTTT-BB-HH atau HH-BB-TTTT)".to_string(),
        (Lang::Id, "field.int") => "harus berupa bilangan bulat".to_string(),
        (Lang::Id, "field.bool") => "harus ya/tidak".to_string(),
        (Lang::Id, "field.sex") => "harus M (laki-laki) atau F (perempuan)".to_string(),
        (Lang::Id, "field.choice") => "bukan salah satu pilihan yang dikenal".to_string(),
        (Lang::Id, "field.too_long") => "terlalu panjang".to_string(),
        (Lang::Id, "doc.too_large_for_hub") => {
            // "the document is 48 MB; the hub accepts at most 40 MB": the two figures, reworded.
            let mb: Vec<&str> = e.message.split(';').filter_map(|p| p.split_whitespace().rev().nth(1)).collect();
            match mb.as_slice() {
                [size, limit] => format!("berkas {size} MB melebihi batas {limit} MB dari server"),
                _ => e.message.clone(),
            }
        }
        (Lang::Id, c) if c.starts_with("nip.") => format!("NIP tidak valid ({})", e.message),
        (Lang::Id, c) if c.starts_with("nik.") => format!("NIK tidak valid ({})", e.message),
        _ => e.message.clone(),
    };
    format!("{field}: {what}")
}
