//! Entity definitions: data utama and every riwayat group, field by field, with the SIASN
//! JSON name, the kind of value, the single role that may write it (architecture principle 1),
//! whether completeness requires it, and the documents each row needs. The SQL schema in
//! `store/migrations` matches these tables; a test keeps the two in step.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The one role that writes a field (single writer per field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The ASN themselves: contact data, family, own documents and requests.
    Personal,
    /// Official career data from an SK, confidential hukdis: the BKD.
    Admin,
    /// Verification decisions and the warnings they record: the facilitator of the unit (and
    /// the BKD).
    Verifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    Int,
    Bool,
    /// A code in the named reference table (alternatives separated by `|`).
    Ref(&'static str),
    Nip,
    NipLama,
    Nik,
    Phone,
    Email,
    EmailGov,
    Sex,
    /// One of a fixed set of codes.
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Column name, also the field name in Berkas JSON and sync changes.
    pub name: &'static str,
    /// Name in SIASN web-service JSON.
    pub siasn: &'static str,
    pub kind: FieldKind,
    pub owner: Owner,
    /// Completeness counts it as missing when empty.
    pub required: bool,
    /// Label in Bahasa Indonesia.
    pub label: &'static str,
}

/// A document (`id_ref_dokumen`) that each row of an entity should carry.
#[derive(Debug, Clone, Copy)]
pub struct DocRequirement {
    pub id_ref_dokumen: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    DataUtama,
    RiwayatGolongan,
    RiwayatPmk,
    RiwayatPendidikan,
    RiwayatJabatan,
    RiwayatDiklat,
    RiwayatKursus,
    OrangTua,
    SuamiIstri,
    Anak,
    RiwayatPenghargaan,
    RiwayatKinerja,
    RiwayatHukdis,
    RiwayatPindahInstansi,
    RiwayatCltn,
    RiwayatPemberhentian,
    RiwayatAngkaKredit,
    RiwayatUnor,
    RiwayatKesehatan,
    Cuti,
    /// Metadata of a captured document (the bytes travel as a blob named by `sha256`).
    Dokumen,
    /// A layanan request and its status.
    Usulan,
    /// A written warning (teguran tertulis) recorded when a document proved not authentic.
    Teguran,
    /// A proposal the instansi sends to BKN for an ASN found due (KPO, PPO, KGB, Satya Lencana).
    Proposal,
    /// A helpdesk ticket the ASN opened (lupa password, NIK/KK, data tidak sesuai ...).
    Tiket,
    /// One step of a ticket's thread: a message, a status, a reassignment. Never edited, so
    /// the requester's and the facilitator's steps never overwrite each other.
    TiketPesan,
    /// The ASN's rating (1-5) of a closed ticket or a completed request: one per object.
    Penilaian,
    /// A presence check-in while working from home: one location fix at a report time, or an
    /// izin keluar (out for food, health or safety) with its reason. Written once.
    Presensi,
    /// Where the ASN works from home: set by the ASN, confirmed by the unit's facilitator. Its
    /// id is the record's, so there is one.
    TempatWfh,
    /// One daily activity against the ASN's SKP targets or an agreed extra task; submitted per
    /// day, approved or returned by the atasan langsung.
    Aktivitas,
}

#[derive(Debug)]
pub struct EntityDef {
    pub entity: Entity,
    pub table: &'static str,
    pub label: &'static str,
    /// Key of this group in a SIASN exchange document (`riwayat.<key>`).
    pub siasn_key: &'static str,
    /// SIASN `jenisRiwayat` id, where SIASN has one.
    pub jenis_riwayat: Option<u8>,
    /// Who adds and removes rows.
    pub owner: Owner,
    /// Specific personal data (UU PDP): children, health, discipline.
    pub sensitive: bool,
    /// Completeness wants at least one row.
    pub required_rows: bool,
    pub fields: &'static [FieldDef],
    pub documents: &'static [DocRequirement],
}

impl EntityDef {
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field with this SIASN JSON name (hashed: imports look up millions of names).
    pub fn field_by_siasn(&self, siasn: &str) -> Option<&'static FieldDef> {
        static INDEX: OnceLock<HashMap<(Entity, &'static str), &'static FieldDef>> = OnceLock::new();
        let index = INDEX
            .get_or_init(|| DEFS.iter().flat_map(|d| d.fields.iter().map(move |f| ((d.entity, f.siasn), f))).collect());
        index.get(&(self.entity, siasn)).copied()
    }
}

impl Entity {
    pub const ALL: [Entity; 30] = [
        Entity::DataUtama,
        Entity::RiwayatGolongan,
        Entity::RiwayatPmk,
        Entity::RiwayatPendidikan,
        Entity::RiwayatJabatan,
        Entity::RiwayatDiklat,
        Entity::RiwayatKursus,
        Entity::OrangTua,
        Entity::SuamiIstri,
        Entity::Anak,
        Entity::RiwayatPenghargaan,
        Entity::RiwayatKinerja,
        Entity::RiwayatHukdis,
        Entity::RiwayatPindahInstansi,
        Entity::RiwayatCltn,
        Entity::RiwayatPemberhentian,
        Entity::RiwayatAngkaKredit,
        Entity::RiwayatUnor,
        Entity::RiwayatKesehatan,
        Entity::Cuti,
        Entity::Dokumen,
        Entity::Usulan,
        Entity::Teguran,
        Entity::Proposal,
        Entity::Tiket,
        Entity::TiketPesan,
        Entity::Penilaian,
        Entity::Presensi,
        Entity::TempatWfh,
        Entity::Aktivitas,
    ];

    /// The riwayat groups (everything but data utama, documents, requests, warnings, proposals).
    pub fn riwayat() -> impl Iterator<Item = Entity> {
        Entity::ALL.into_iter().filter(|e| e.is_riwayat())
    }

    pub fn is_riwayat(self) -> bool {
        !matches!(
            self,
            Entity::DataUtama
                | Entity::Dokumen
                | Entity::Usulan
                | Entity::Teguran
                | Entity::Proposal
                | Entity::Tiket
                | Entity::TiketPesan
                | Entity::Penilaian
                | Entity::Presensi
                | Entity::TempatWfh
                | Entity::Aktivitas
        )
    }

    pub fn def(self) -> &'static EntityDef {
        DEFS.iter().find(|d| d.entity == self).unwrap_or(&DEFS[0])
    }

    pub fn from_table(table: &str) -> Option<Entity> {
        DEFS.iter().find(|d| d.table == table).map(|d| d.entity)
    }

    /// The name on the wire and in sync tables (`data_utama`, `riwayat_golongan` ...).
    pub fn key(self) -> &'static str {
        static KEYS: OnceLock<HashMap<Entity, String>> = OnceLock::new();
        let keys = KEYS.get_or_init(|| {
            Entity::ALL
                .iter()
                .map(|e| {
                    let name = serde_json::to_value(e).ok().and_then(|v| v.as_str().map(str::to_string));
                    (*e, name.unwrap_or_default())
                })
                .collect()
        });
        keys.get(&self).map(String::as_str).unwrap_or_default()
    }

    pub fn from_key(key: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.key() == key)
    }

    pub fn from_siasn_key(key: &str) -> Option<Entity> {
        DEFS.iter().find(|d| d.siasn_key == key).map(|d| d.entity)
    }
}

/// How a group's rows are read: by which fields, and whether newest first.
#[derive(Debug, Clone, Copy)]
pub struct RowOrder {
    /// Compared in turn; an empty value sorts last.
    pub by: &'static [&'static str],
    /// Newest first (riwayat); family is read oldest first (a KK lists the eldest child first).
    pub newest_first: bool,
}

impl Entity {
    /// The one rule per group for the order people read its rows in: riwayat newest first by
    /// its TMT or date (golongan by `tmt_golongan`, jabatan by `tmt_jabatan`, pendidikan by
    /// `tahun_lulus` ...). Rows that tie keep the order they were added in.
    pub fn row_order(self) -> RowOrder {
        let newest = |by| RowOrder { by, newest_first: true };
        match self {
            Entity::RiwayatGolongan => newest(&["tmt_golongan", "sk_tanggal"]),
            Entity::RiwayatPmk => newest(&["tanggal_awal", "tanggal_sk"]),
            Entity::RiwayatPendidikan => newest(&["tahun_lulus", "tgl_lulus"]),
            Entity::RiwayatJabatan => newest(&["tmt_jabatan", "tanggal_sk"]),
            Entity::RiwayatDiklat | Entity::RiwayatKursus => newest(&["tahun", "tanggal_mulai"]),
            Entity::RiwayatPenghargaan => newest(&["tahun", "sk_tanggal"]),
            Entity::RiwayatKinerja => newest(&["tahun"]),
            Entity::RiwayatHukdis => newest(&["tmt_hukuman", "sk_tanggal"]),
            Entity::RiwayatPindahInstansi => newest(&["tmt_pindah", "sk_tanggal"]),
            Entity::RiwayatCltn => newest(&["tanggal_awal", "tanggal_sk"]),
            Entity::RiwayatPemberhentian => newest(&["tmt_pemberhentian", "tanggal_sk"]),
            Entity::RiwayatAngkaKredit => newest(&["tanggal_sk", "tahun_selesai"]),
            Entity::RiwayatUnor => newest(&["tanggal_sk"]),
            Entity::RiwayatKesehatan | Entity::Teguran => newest(&["tanggal"]),
            Entity::Cuti => newest(&["tanggal_mulai"]),
            Entity::SuamiIstri => newest(&["tgl_menikah"]),
            Entity::Anak => RowOrder { by: &["tgl_lahir"], newest_first: false },
            Entity::OrangTua => RowOrder { by: &["hubungan"], newest_first: false },
            Entity::DataUtama | Entity::Dokumen | Entity::Usulan | Entity::Proposal | Entity::Tiket => newest(&[]),
            Entity::TiketPesan => RowOrder { by: &["pada"], newest_first: false },
            Entity::Penilaian => newest(&["pada"]),
            Entity::Presensi => newest(&["waktu_perangkat"]),
            Entity::TempatWfh => newest(&[]),
            Entity::Aktivitas => newest(&["tanggal"]),
        }
    }
}

use FieldKind::*;
use Owner::{Admin, Personal, Verifier};

const fn f(name: &'static str, siasn: &'static str, kind: FieldKind, owner: Owner, label: &'static str) -> FieldDef {
    FieldDef { name, siasn, kind, owner, required: false, label }
}
const fn req(name: &'static str, siasn: &'static str, kind: FieldKind, owner: Owner, label: &'static str) -> FieldDef {
    FieldDef { name, siasn, kind, owner, required: true, label }
}
const fn doc(id_ref_dokumen: &'static str, label: &'static str) -> DocRequirement {
    DocRequirement { id_ref_dokumen, label }
}

const HUBUNGAN_ORTU: &[&str] = &["AYAH", "IBU"];
const STATUS_ANAK: &[&str] = &["KANDUNG", "TIRI", "ANGKAT"];
const STATUS_NIKAH: &[&str] = &["MENIKAH", "CERAI", "JANDA_DUDA"];
const JENIS_CUTI: &[&str] = &["TAHUNAN", "BESAR", "SAKIT", "MELAHIRKAN", "ALASAN_PENTING", "CLTN"];

#[rustfmt::skip]
const DATA_UTAMA: &[FieldDef] = &[
    req("nip_baru", "nipBaru", Nip, Admin, "NIP"),
    f("nip_lama", "nipLama", NipLama, Admin, "NIP lama"),
    req("nama", "nama", Text, Admin, "Nama"),
    f("gelar_depan", "gelarDepan", Text, Admin, "Gelar depan"),
    f("gelar_belakang", "gelarBelakang", Text, Admin, "Gelar belakang"),
    req("tempat_lahir", "tempatLahir", Text, Admin, "Tempat lahir"),
    req("tgl_lahir", "tglLahir", Date, Admin, "Tanggal lahir"),
    req("jenis_kelamin", "jenisKelamin", Sex, Admin, "Jenis kelamin"),
    req("agama_id", "agamaId", Ref("agama"), Personal, "Agama"),
    req("jenis_kawin_id", "jenisKawinId", Ref("kawin"), Personal, "Status perkawinan"),
    req("email", "email", Email, Personal, "Email pribadi"),
    req("email_gov", "emailGov", EmailGov, Personal, "Email go.id"),
    req("nik", "nik", Nik, Personal, "NIK"),
    f("valid_nik", "validNik", Bool, Admin, "NIK tervalidasi Dukcapil"),
    req("alamat", "alamat", Text, Personal, "Alamat"),
    req("no_hp", "noHp", Phone, Personal, "Nomor HP"),
    req("jenis_pegawai_id", "jenisPegawaiId", Ref("jenisPegawai"), Admin, "Jenis pegawai"),
    req("kedudukan_pns_id", "kedudukanPnsId", Ref("kedudukanHukum"), Admin, "Kedudukan hukum"),
    req("tk_pendidikan_terakhir_id", "tkPendidikanTerakhirId", Ref("tingkatPendidikan"), Admin, "Tingkat pendidikan terakhir"),
    req("tmt_cpns", "tmtCpns", Date, Admin, "TMT CPNS"),
    req("nomor_sk_cpns", "nomorSkCpns", Text, Admin, "Nomor SK CPNS"),
    f("tmt_pns", "tmtPns", Date, Admin, "TMT PNS"),
    f("nomor_sk_pns", "nomorSkPns", Text, Admin, "Nomor SK PNS"),
    f("instansi_induk_id", "instansiIndukId", Ref("instansi"), Admin, "Instansi induk"),
    f("satuan_kerja_id", "satuanKerjaKerjaId", Ref("satuanKerja"), Admin, "Satuan kerja"),
    f("unor_id", "unorId", Text, Admin, "Unit organisasi (SIASN)"),
    req("unit", "unitBerkas", Text, Admin, "Unit (Berkas)"),
    req("jenis_jabatan_id", "jenisJabatanId", Ref("jenisJabatan"), Admin, "Jenis jabatan"),
    f("jabatan_fungsional_id", "jabatanFungsionalId", Ref("jabatanFungsional"), Admin, "Jabatan fungsional"),
    f("jabatan_nama", "jabatanNama", Text, Admin, "Nama jabatan"),
    req("tmt_jabatan", "tmtJabatan", Date, Admin, "TMT jabatan"),
    f("eselon_id", "eselonId", Ref("eselon"), Admin, "Eselon"),
    req("gol_ruang_akhir_id", "golRuangAkhirId", Ref("golonganPns|golonganPppk"), Admin, "Golongan ruang terakhir"),
    req("tmt_gol_akhir", "tmtGolAkhir", Date, Admin, "TMT golongan terakhir"),
    f("mk_tahun", "mkTahun", Int, Admin, "Masa kerja (tahun)"),
    f("mk_bulan", "mkBulan", Int, Admin, "Masa kerja (bulan)"),
    f("gaji_pokok", "gajiPokok", Int, Admin, "Gaji pokok"),
    f("no_npwp", "noNpwp", Text, Personal, "NPWP"),
    f("bpjs", "bpjs", Text, Personal, "Nomor BPJS"),
    f("kartu_asn", "kartuAsn", Text, Admin, "Kartu ASN"),
    f("karis_karsu", "karis_karsu", Text, Admin, "Karis/Karsu"),
    // Rekon mandiri: the go.id address the instansi validated, by whom and when. It counts as
    // validated only while it equals `email_gov` (the ASN may change their address later).
    f("email_gov_valid", "emailGovValidBerkas", EmailGov, Admin, "Email go.id divalidasi instansi"),
    f("email_gov_valid_oleh", "emailGovValidOlehBerkas", Text, Admin, "Email go.id divalidasi oleh"),
    f("email_gov_valid_pada", "emailGovValidPadaBerkas", Date, Admin, "Email go.id divalidasi pada"),
    f("rekon_terakhir", "rekonTerakhirBerkas", Text, Admin, "Rekon mandiri terakhir"),
    // The direct superior who approves the daily activities and sees the presence of their
    // reports (the BKD keeps it, as it keeps the jabatan).
    f("atasan_nip", "atasanNipBerkas", Nip, Admin, "NIP atasan langsung"),
];

#[rustfmt::skip]
const GOLONGAN: &[FieldDef] = &[
    req("golongan_id", "golonganId", Ref("golonganPns|golonganPppk"), Admin, "Golongan"),
    f("jenis_kp_id", "jenisKPId", Ref("kenaikanPangkat"), Admin, "Jenis KP"),
    req("sk_nomor", "skNomor", Text, Admin, "Nomor SK"),
    f("sk_tanggal", "skTanggal", Date, Admin, "Tanggal SK"),
    req("tmt_golongan", "tmtGolongan", Date, Admin, "TMT golongan"),
    f("no_pertek_bkn", "noPertekBkn", Text, Admin, "Nomor pertek BKN"),
    f("tgl_pertek_bkn", "tglPertekBkn", Date, Admin, "Tanggal pertek BKN"),
    f("mk_golongan_tahun", "masaKerjaGolonganTahun", Int, Admin, "Masa kerja golongan (tahun)"),
    f("mk_golongan_bulan", "masaKerjaGolonganBulan", Int, Admin, "Masa kerja golongan (bulan)"),
];

#[rustfmt::skip]
const PMK: &[FieldDef] = &[
    req("nama_instansi", "pengalaman", Text, Admin, "Instansi/perusahaan"),
    f("tanggal_awal", "tanggalAwal", Date, Admin, "Tanggal awal"),
    f("tanggal_selesai", "tanggalSelesai", Date, Admin, "Tanggal selesai"),
    f("masa_kerja_tahun", "masaKerjaTahun", Int, Admin, "Masa kerja (tahun)"),
    f("masa_kerja_bulan", "masaKerjaBulan", Int, Admin, "Masa kerja (bulan)"),
    req("nomor_sk", "nomorSk", Text, Admin, "Nomor SK"),
    f("tanggal_sk", "tanggalSk", Date, Admin, "Tanggal SK"),
];

#[rustfmt::skip]
const PENDIDIKAN: &[FieldDef] = &[
    req("tk_pendidikan_id", "tkPendidikanId", Ref("tingkatPendidikan"), Admin, "Tingkat pendidikan"),
    f("pendidikan_id", "pendidikanId", Ref("pendidikan"), Admin, "Pendidikan"),
    req("nama_sekolah", "namaSekolah", Text, Admin, "Nama sekolah/PT"),
    req("tahun_lulus", "tahunLulus", Int, Admin, "Tahun lulus"),
    f("tgl_lulus", "tglLulus", Date, Admin, "Tanggal lulus"),
    f("nomor_ijazah", "nomorIjasah", Text, Admin, "Nomor ijazah"),
    f("gelar_depan", "gelarDepan", Text, Admin, "Gelar depan"),
    f("gelar_belakang", "gelarBelakang", Text, Admin, "Gelar belakang"),
    f("pendidikan_pertama", "isPendidikanPertama", Bool, Admin, "Pendidikan saat CPNS"),
];

#[rustfmt::skip]
const JABATAN: &[FieldDef] = &[
    req("jenis_jabatan_id", "jenisJabatan", Ref("jenisJabatan"), Admin, "Jenis jabatan"),
    f("unor_id", "unorId", Text, Admin, "Unit organisasi"),
    f("eselon_id", "eselonId", Ref("eselon"), Admin, "Eselon"),
    f("jabatan_fungsional_id", "jabatanFungsionalId", Ref("jabatanFungsional"), Admin, "Jabatan fungsional"),
    f("jabatan_pelaksana_id", "jabatanFungsionalUmumId", Ref("jabatanPelaksana"), Admin, "Jabatan pelaksana"),
    f("nama_jabatan", "namaJabatan", Text, Admin, "Nama jabatan"),
    req("tmt_jabatan", "tmtJabatan", Date, Admin, "TMT jabatan"),
    req("nomor_sk", "nomorSk", Text, Admin, "Nomor SK"),
    f("tanggal_sk", "tanggalSk", Date, Admin, "Tanggal SK"),
    f("tmt_pelantikan", "tmtPelantikan", Date, Admin, "TMT pelantikan"),
];

#[rustfmt::skip]
const DIKLAT: &[FieldDef] = &[
    req("jenis_diklat_id", "jenisDiklatId", Ref("jenisDiklat"), Admin, "Jenis diklat"),
    f("latihan_struktural_id", "latihanStrukturalId", Ref("latihanStruktural"), Admin, "Diklat struktural"),
    req("nama_diklat", "namaDiklat", Text, Admin, "Nama diklat"),
    f("penyelenggara", "institusiPenyelenggara", Text, Admin, "Penyelenggara"),
    f("nomor_sertifikat", "nomor", Text, Admin, "Nomor sertifikat"),
    f("tanggal_mulai", "tanggal", Date, Admin, "Tanggal mulai"),
    f("tanggal_selesai", "tanggalSelesai", Date, Admin, "Tanggal selesai"),
    req("tahun", "tahun", Int, Admin, "Tahun"),
    f("jumlah_jam", "jumlahJam", Int, Admin, "Jumlah jam"),
];

#[rustfmt::skip]
const KURSUS: &[FieldDef] = &[
    f("jenis_kursus_id", "jenisKursusId", Ref("jenisKursus"), Admin, "Jenis kursus"),
    req("nama_kursus", "namaKursus", Text, Admin, "Nama kursus"),
    f("penyelenggara", "institusiPenyelenggara", Text, Admin, "Penyelenggara"),
    f("nomor_sertifikat", "noSertifikat", Text, Admin, "Nomor sertifikat"),
    f("tanggal_mulai", "tanggalKursus", Date, Admin, "Tanggal mulai"),
    f("tanggal_selesai", "tanggalSelesaiKursus", Date, Admin, "Tanggal selesai"),
    req("tahun", "tahunKursus", Int, Admin, "Tahun"),
    f("jumlah_jam", "jumlahJam", Int, Admin, "Jumlah jam"),
];

#[rustfmt::skip]
const ORANG_TUA: &[FieldDef] = &[
    req("hubungan", "hubungan", Choice(HUBUNGAN_ORTU), Personal, "Hubungan"),
    req("nama", "nama", Text, Personal, "Nama"),
    f("nik", "nik", Nik, Personal, "NIK"),
    f("tgl_lahir", "tglLahir", Date, Personal, "Tanggal lahir"),
    f("tgl_meninggal", "tglMeninggal", Date, Personal, "Tanggal meninggal"),
];

#[rustfmt::skip]
const SUAMI_ISTRI: &[FieldDef] = &[
    req("nama", "nama", Text, Personal, "Nama"),
    f("nik", "nik", Nik, Personal, "NIK"),
    f("tempat_lahir", "tempatLahir", Text, Personal, "Tempat lahir"),
    req("tgl_lahir", "tglLahir", Date, Personal, "Tanggal lahir"),
    req("tgl_menikah", "tglMenikah", Date, Personal, "Tanggal menikah"),
    f("akta_menikah", "aktaMenikah", Text, Personal, "Nomor akta nikah"),
    req("status", "statusPernikahan", Choice(STATUS_NIKAH), Personal, "Status"),
    f("tgl_cerai_atau_meninggal", "tglCeraiMeninggal", Date, Personal, "Tanggal cerai/meninggal"),
    f("nip", "nipSuamiIstri", Nip, Personal, "NIP (jika ASN)"),
];

#[rustfmt::skip]
const ANAK: &[FieldDef] = &[
    req("nama", "nama", Text, Personal, "Nama"),
    f("nik", "nik", Nik, Personal, "NIK"),
    f("tempat_lahir", "tempatLahir", Text, Personal, "Tempat lahir"),
    req("tgl_lahir", "tglLahir", Date, Personal, "Tanggal lahir"),
    req("jenis_kelamin", "jenisKelamin", Sex, Personal, "Jenis kelamin"),
    req("status_anak", "statusAnak", Choice(STATUS_ANAK), Personal, "Status anak"),
    f("akta_kelahiran", "aktaKelahiran", Text, Personal, "Nomor akta kelahiran"),
];

#[rustfmt::skip]
const PENGHARGAAN: &[FieldDef] = &[
    req("penghargaan_id", "hargaId", Ref("penghargaan"), Admin, "Penghargaan"),
    req("sk_nomor", "skNomor", Text, Admin, "Nomor SK"),
    f("sk_tanggal", "skDate", Date, Admin, "Tanggal SK"),
    req("tahun", "tahun", Int, Admin, "Tahun"),
];

#[rustfmt::skip]
const KINERJA: &[FieldDef] = &[
    req("tahun", "tahun", Int, Admin, "Tahun"),
    f("hasil_kinerja_id", "hasilKinerjaNilai", Ref("perilakuDanKinerja"), Admin, "Hasil kerja"),
    f("perilaku_kerja_id", "perilakuKerjaNilai", Ref("perilakuDanKinerja"), Admin, "Perilaku kerja"),
    req("kuadran_kinerja_id", "kuadranKinerjaNilai", Ref("kuadranNilai"), Admin, "Predikat kinerja"),
    f("nilai_skp", "nilaiSkp", Text, Admin, "Nilai SKP (lama)"),
    f("penilai_nip", "nipNrpPenilai", Nip, Admin, "NIP pejabat penilai"),
    f("penilai_nama", "penilaiNama", Text, Admin, "Nama pejabat penilai"),
];

#[rustfmt::skip]
const HUKDIS: &[FieldDef] = &[
    req("jenis_hukuman_id", "jenisHukumanId", Ref("jenisHukuman"), Admin, "Jenis hukuman"),
    f("alasan_hukuman_id", "alasanHukumanDisiplinId", Ref("alasanHukumanDisiplin"), Admin, "Alasan hukuman"),
    req("sk_nomor", "skNomor", Text, Admin, "Nomor SK"),
    f("sk_tanggal", "skTanggal", Date, Admin, "Tanggal SK"),
    req("tmt_hukuman", "hukumanTanggal", Date, Admin, "TMT hukuman"),
    f("masa_tahun", "masaTahun", Int, Admin, "Masa (tahun)"),
    f("masa_bulan", "masaBulan", Int, Admin, "Masa (bulan)"),
    f("akhir_hukuman", "akhirHukumanTanggal", Date, Admin, "Akhir hukuman"),
];

#[rustfmt::skip]
const PINDAH_INSTANSI: &[FieldDef] = &[
    f("instansi_asal_id", "instansiIndukLamaId", Ref("instansi"), Admin, "Instansi asal"),
    req("instansi_tujuan_id", "instansiIndukBaruId", Ref("instansi"), Admin, "Instansi tujuan"),
    req("sk_nomor", "skNomor", Text, Admin, "Nomor SK"),
    f("sk_tanggal", "skTanggal", Date, Admin, "Tanggal SK"),
    req("tmt_pindah", "tmtPi", Date, Admin, "TMT pindah"),
];

#[rustfmt::skip]
const CLTN: &[FieldDef] = &[
    req("jenis_cltn_id", "jenisCltn", Ref("cltn"), Admin, "Jenis CLTN"),
    req("nomor_sk", "nomorSk", Text, Admin, "Nomor SK"),
    f("tanggal_sk", "tanggalSk", Date, Admin, "Tanggal SK"),
    req("tanggal_awal", "tanggalAwal", Date, Admin, "Tanggal awal"),
    f("tanggal_akhir", "tanggalAkhir", Date, Admin, "Tanggal akhir"),
    f("tanggal_aktif", "tanggalAktif", Date, Admin, "Tanggal aktif kembali"),
];

#[rustfmt::skip]
const PEMBERHENTIAN: &[FieldDef] = &[
    req("jenis_pemberhentian_id", "jenisPemberhentianId", Ref("jenisPemberhentian"), Admin, "Jenis pemberhentian"),
    f("jenis_pensiun_id", "jenisPensiunId", Ref("jenisPensiun"), Admin, "Jenis pensiun"),
    req("nomor_sk", "skNomor", Text, Admin, "Nomor SK"),
    f("tanggal_sk", "skTanggal", Date, Admin, "Tanggal SK"),
    req("tmt_pemberhentian", "tmtPemberhentian", Date, Admin, "TMT pemberhentian"),
];

#[rustfmt::skip]
const ANGKA_KREDIT: &[FieldDef] = &[
    f("jabatan_fungsional_id", "rwJabatanFungsionalId", Ref("jabatanFungsional"), Admin, "Jabatan fungsional"),
    req("nomor_sk", "nomorSk", Text, Admin, "Nomor SK PAK"),
    f("tanggal_sk", "tanggalSk", Date, Admin, "Tanggal SK PAK"),
    f("bulan_mulai", "bulanMulaiPenailan", Int, Admin, "Bulan mulai penilaian"),
    f("tahun_mulai", "tahunMulaiPenailan", Int, Admin, "Tahun mulai penilaian"),
    f("bulan_selesai", "bulanSelesaiPenailan", Int, Admin, "Bulan selesai penilaian"),
    f("tahun_selesai", "tahunSelesaiPenailan", Int, Admin, "Tahun selesai penilaian"),
    f("kredit_utama", "kreditUtamaBaru", Text, Admin, "Kredit utama"),
    f("kredit_penunjang", "kreditPenunjangBaru", Text, Admin, "Kredit penunjang"),
    req("kredit_total", "kreditBaruTotal", Text, Admin, "Total angka kredit"),
];

#[rustfmt::skip]
const UNOR: &[FieldDef] = &[
    req("unor_id", "unorBaruId", Text, Admin, "Unit organisasi baru"),
    f("nama_unor", "namaUnorBaru", Text, Admin, "Nama unit organisasi"),
    f("unor_lama_id", "unorLamaId", Text, Admin, "Unit organisasi lama"),
    req("nomor_sk", "nomorSk", Text, Admin, "Nomor SK"),
    f("tanggal_sk", "tanggalSk", Date, Admin, "Tanggal SK"),
];

#[rustfmt::skip]
const KESEHATAN: &[FieldDef] = &[
    req("tanggal", "tanggal", Date, Personal, "Tanggal"),
    req("keterangan", "keterangan", Text, Personal, "Keterangan"),
    f("nomor_surat", "nomorSurat", Text, Personal, "Nomor surat keterangan"),
    f("fasilitas", "fasilitasKesehatan", Text, Personal, "Fasilitas kesehatan"),
];

#[rustfmt::skip]
const CUTI: &[FieldDef] = &[
    req("jenis_cuti", "jenisCuti", Choice(JENIS_CUTI), Admin, "Jenis cuti"),
    req("tanggal_mulai", "tanggalMulai", Date, Admin, "Tanggal mulai"),
    req("tanggal_selesai", "tanggalSelesai", Date, Admin, "Tanggal selesai"),
    f("nomor_surat", "nomorSurat", Text, Admin, "Nomor surat"),
    f("keterangan", "keterangan", Text, Admin, "Keterangan"),
];

/// Document metadata as it syncs; `has_thumbnail` and `created_at` stay on the device.
#[rustfmt::skip]
const DOKUMEN: &[FieldDef] = &[
    req("id_ref_dokumen", "idRefDokumen", Text, Personal, "Jenis dokumen"),
    req("entity", "entitas", Text, Personal, "Kelompok yang didukung"),
    req("row_id", "idBaris", Text, Personal, "Baris yang didukung"),
    req("sha256", "sha256", Text, Personal, "SHA-256"),
    f("nama_file", "namaFile", Text, Personal, "Nama berkas"),
    req("mime", "mime", Text, Personal, "Jenis berkas"),
    req("size", "ukuran", Int, Personal, "Ukuran (byte)"),
    f("original_size", "ukuranAsli", Int, Personal, "Ukuran asli (byte)"),
    f("pages", "halaman", Int, Personal, "Jumlah halaman"),
    f("width", "lebar", Int, Personal, "Lebar (px)"),
    f("height", "tinggi", Int, Personal, "Tinggi (px)"),
    f("readability", "keterbacaan", Text, Personal, "Hasil pemeriksaan keterbacaan"),
    f("readability_override", "tetapDisimpan", Bool, Personal, "Tetap disimpan walau ditandai"),
    f("verifikasi", "verifikasi", Choice(VERIFIKASI_DOKUMEN), Verifier, "Hasil verifikasi"),
    f("verifikasi_alasan", "verifikasiAlasan", Text, Verifier, "Alasan verifikasi"),
    f("verifikasi_oleh", "verifikasiOleh", Text, Verifier, "Diverifikasi oleh"),
    f("verifikasi_pada", "verifikasiPada", Text, Verifier, "Waktu verifikasi"),
];

/// A facilitator's decision on a document.
pub const VERIFIKASI_DOKUMEN: &[&str] = &["DITERIMA", "DIKEMBALIKAN", "DITOLAK", "TIDAK_ASLI"];

/// Status codes of a layanan request.
pub const USULAN_STATUS: &[&str] =
    &["DRAFT", "SUBMITTED", "IN_REVIEW", "RETURNED", "RESUBMITTED", "APPROVED", "REJECTED", "COMPLETED", "APPLIED"];

/// A layanan request: the ASN fills and submits, the facilitator decides; both travel.
#[rustfmt::skip]
const USULAN: &[FieldDef] = &[
    req("layanan_id", "layananId", Text, Personal, "Layanan"),
    f("layanan_versi", "layananVersi", Int, Personal, "Versi layanan"),
    f("answers", "isian", Text, Personal, "Isian formulir"),
    req("status", "status", Choice(USULAN_STATUS), Personal, "Status"),
    f("status_at", "statusTanggal", Text, Personal, "Waktu status"),
    f("status_by", "statusOleh", Text, Personal, "Status oleh"),
    f("status_reason", "statusAlasan", Text, Personal, "Alasan"),
    f("history", "riwayatStatus", Text, Personal, "Riwayat status"),
    f("keputusan", "keputusan", Text, Verifier, "Keputusan per isian"),
];

/// Steps of a proposal: drafted, sent to BKN/Kanreg, and its answer: ACC (approved, with the
/// nota persetujuan teknis), TMS (tidak memenuhi syarat) or BTL (berkas tidak lengkap).
pub const PROPOSAL_STATUS: &[&str] = &["DRAFT", "DIKIRIM", "ACC", "TMS", "BTL"];

/// What a proposal is for.
pub const PROPOSAL_JENIS: &[&str] = &["KP", "KGB", "PENSIUN", "SATYA_LENCANA"];

/// A proposal of the instansi: the facilitator's rows from start to answer.
#[rustfmt::skip]
const PROPOSAL: &[FieldDef] = &[
    req("jenis", "jenis", Choice(PROPOSAL_JENIS), Verifier, "Jenis usul"),
    req("layanan_id", "layananId", Text, Verifier, "Layanan"),
    req("periode", "periode", Text, Verifier, "Periode"),
    req("tmt", "tmt", Date, Verifier, "TMT"),
    f("keterangan", "keterangan", Text, Verifier, "Keterangan"),
    f("answers", "isian", Text, Verifier, "Isian"),
    req("status", "status", Choice(PROPOSAL_STATUS), Verifier, "Status"),
    f("status_at", "statusTanggal", Text, Verifier, "Waktu status"),
    f("status_by", "statusOleh", Text, Verifier, "Status oleh"),
    f("alasan", "alasan", Text, Verifier, "Alasan TMS/BTL"),
    f("nomor_pertek", "nomorPertek", Text, Verifier, "Nomor pertimbangan teknis"),
    f("history", "riwayatStatus", Text, Verifier, "Riwayat status"),
];

/// A written warning from verification; the BKD decides whether a hukdis follows.
#[rustfmt::skip]
const TEGURAN: &[FieldDef] = &[
    req("tanggal", "tanggal", Date, Verifier, "Tanggal"),
    f("dokumen_id", "dokumenId", Text, Verifier, "Dokumen"),
    req("alasan", "alasan", Text, Verifier, "Alasan"),
    f("oleh", "oleh", Text, Verifier, "Dicatat oleh"),
];

/// Steps of a helpdesk ticket: new, being handled, waiting for the requester (the 2x24 h clock
/// pauses), resolved, closed.
pub const TIKET_STATUS: &[&str] = &["BARU", "DIPROSES", "MENUNGGU_PEMOHON", "SELESAI", "DITUTUP"];

/// Who a ticket is for: the requester's unit facilitator or the BKD.
pub const TIKET_TUJUAN: &[&str] = &["UNIT", "BKD"];

/// Who wrote a step of a ticket.
pub const TIKET_PERAN: &[&str] = &["PEMOHON", "PETUGAS"];

/// What a rating is of.
pub const PENILAIAN_OBJEK: &[&str] = &["TIKET", "USULAN"];

/// A helpdesk ticket: what the requester asked, in which category; its life is its steps.
#[rustfmt::skip]
const TIKET: &[FieldDef] = &[
    req("kategori", "kategori", Text, Personal, "Kategori"),
    req("nomor", "nomor", Text, Personal, "Nomor tiket"),
    req("judul", "judul", Text, Personal, "Judul"),
    f("usulan_id", "usulanId", Text, Personal, "Usulan terkait"),
    f("dibuat_pada", "dibuatPada", Text, Personal, "Dibuat pada"),
];

/// One step of a ticket. `diterima` is the hub's own time of arrival: the 2x24 h clock runs
/// on it, never on a device's clock.
#[rustfmt::skip]
const TIKET_PESAN: &[FieldDef] = &[
    req("tiket_id", "tiketId", Text, Personal, "Tiket"),
    f("isi", "isi", Text, Personal, "Pesan"),
    f("status", "status", Choice(TIKET_STATUS), Personal, "Status"),
    f("dialihkan_ke", "dialihkanKe", Choice(TIKET_TUJUAN), Verifier, "Dialihkan ke"),
    f("lampiran", "lampiran", Text, Personal, "Lampiran"),
    req("peran", "peran", Choice(TIKET_PERAN), Personal, "Peran penulis"),
    f("oleh", "oleh", Text, Personal, "Ditulis oleh"),
    f("pada", "pada", Text, Personal, "Waktu di perangkat"),
    f("diterima", "diterima", Text, Admin, "Diterima hub"),
];

/// A rating of a closed ticket or a completed request; its id is the object's.
#[rustfmt::skip]
const PENILAIAN: &[FieldDef] = &[
    req("objek", "objek", Choice(PENILAIAN_OBJEK), Personal, "Yang dinilai"),
    req("objek_id", "objekId", Text, Personal, "Nomor yang dinilai"),
    req("nilai", "nilai", Int, Personal, "Nilai"),
    f("komentar", "komentar", Text, Personal, "Komentar"),
    f("layanan_id", "layananId", Text, Personal, "Layanan"),
    f("pada", "pada", Text, Personal, "Waktu penilaian"),
];

/// What a check-in reports: present at a report time, or out for food, health or safety.
pub const PRESENSI_JENIS: &[&str] = &["HADIR", "IZIN_KELUAR"];

/// A check-in: one fix, as the phone's OS gave it (coordinates in millionths of a degree, about
/// 11 cm). `diterima` is the hub's time of arrival: a recap counts what had arrived by its time.
#[rustfmt::skip]
const PRESENSI: &[FieldDef] = &[
    req("jenis", "jenis", Choice(PRESENSI_JENIS), Personal, "Jenis laporan"),
    req("lintang", "lintang", Int, Personal, "Lintang (mikroderajat)"),
    req("bujur", "bujur", Int, Personal, "Bujur (mikroderajat)"),
    req("akurasi_m", "akurasiM", Int, Personal, "Akurasi (m)"),
    f("provider", "provider", Text, Personal, "Sumber lokasi"),
    f("lokasi_palsu", "lokasiPalsu", Bool, Personal, "Lokasi palsu menurut perangkat"),
    f("waktu_perangkat", "waktuPerangkat", Text, Personal, "Waktu di perangkat"),
    f("waktu_gps", "waktuGps", Text, Personal, "Waktu satelit"),
    f("alasan", "alasan", Text, Personal, "Alasan"),
    f("diterima", "diterima", Text, Admin, "Diterima hub"),
];

/// The registered work-from-home place; the facilitator confirms it.
#[rustfmt::skip]
const TEMPAT_WFH: &[FieldDef] = &[
    req("lintang", "lintang", Int, Personal, "Lintang (mikroderajat)"),
    req("bujur", "bujur", Int, Personal, "Bujur (mikroderajat)"),
    f("alamat", "alamat", Text, Personal, "Alamat"),
    f("dikonfirmasi_oleh", "dikonfirmasiOleh", Text, Verifier, "Dikonfirmasi oleh"),
    f("dikonfirmasi_pada", "dikonfirmasiPada", Text, Verifier, "Dikonfirmasi pada"),
];

/// A daily activity's life: the ASN drafts and submits it (per day); the atasan approves or
/// returns it (the hub writes those two, on the atasan's decision).
pub const AKTIVITAS_STATUS: &[&str] = &["DRAFT", "DIAJUKAN", "DISETUJUI", "DIKEMBALIKAN"];

/// A daily activity (the circular: activities against SKP targets and extra tasks agreed with
/// the atasan, who directs, checks and evaluates them).
#[rustfmt::skip]
const AKTIVITAS: &[FieldDef] = &[
    req("tanggal", "tanggal", Date, Personal, "Tanggal"),
    req("rencana", "rencana", Text, Personal, "Rencana kinerja"),
    f("tambahan", "tambahan", Bool, Personal, "Tugas tambahan"),
    req("uraian", "uraian", Text, Personal, "Uraian kegiatan"),
    f("output", "output", Text, Personal, "Hasil"),
    f("kuantitas", "kuantitas", Int, Personal, "Kuantitas"),
    f("satuan", "satuan", Text, Personal, "Satuan"),
    f("menit", "menit", Int, Personal, "Waktu (menit)"),
    f("dokumen_id", "dokumenId", Text, Personal, "Dokumen bukti"),
    f("status", "status", Choice(AKTIVITAS_STATUS), Personal, "Status"),
    f("alasan", "alasan", Text, Admin, "Alasan dikembalikan"),
    f("diputus_oleh", "diputusOleh", Text, Admin, "Diputus oleh"),
    f("diputus_pada", "diputusPada", Text, Admin, "Diputus pada"),
];

#[allow(clippy::too_many_arguments)]
const fn def(
    entity: Entity,
    table: &'static str,
    label: &'static str,
    siasn_key: &'static str,
    jenis_riwayat: Option<u8>,
    owner: Owner,
    sensitive: bool,
    required_rows: bool,
    fields: &'static [FieldDef],
    documents: &'static [DocRequirement],
) -> EntityDef {
    EntityDef { entity, table, label, siasn_key, jenis_riwayat, owner, sensitive, required_rows, fields, documents }
}

/// Every entity. Document ids are SIASN `id_ref_dokumen` where SIASN has one; Berkas-local
/// names (`sk_kp`, `ijazah` ...) where the SIASN list has none.
#[rustfmt::skip]
pub static DEFS: [EntityDef; 30] = [
    def(Entity::DataUtama, "pegawai", "Data utama", "dataUtama", Some(1), Admin, false, true, DATA_UTAMA, &[doc("889", "SK CPNS"), doc("888", "SPMT"), doc("pas_foto", "Pas foto")]),
    def(Entity::RiwayatGolongan, "riwayat_golongan", "Riwayat golongan", "golongan", Some(5), Admin, false, true, GOLONGAN, &[doc("sk_kp", "SK kenaikan pangkat")]),
    def(Entity::RiwayatPmk, "riwayat_pmk", "Riwayat PMK", "pmk", Some(6), Admin, false, false, PMK, &[doc("sk_pmk", "SK PMK")]),
    def(Entity::RiwayatPendidikan, "riwayat_pendidikan", "Riwayat pendidikan", "pendidikan", Some(7), Admin, false, true, PENDIDIKAN, &[doc("ijazah", "Ijazah"), doc("transkrip", "Transkrip nilai")]),
    def(Entity::RiwayatJabatan, "riwayat_jabatan", "Riwayat jabatan", "jabatan", Some(8), Admin, false, true, JABATAN, &[doc("872", "SK jabatan")]),
    def(Entity::RiwayatDiklat, "riwayat_diklat", "Riwayat diklat", "diklat", Some(9), Admin, false, false, DIKLAT, &[doc("874", "Sertifikat diklat")]),
    def(Entity::RiwayatKursus, "riwayat_kursus", "Riwayat kursus", "kursus", Some(13), Admin, false, false, KURSUS, &[doc("881", "Sertifikat kursus")]),
    def(Entity::OrangTua, "orang_tua", "Orang tua", "orangTua", Some(10), Personal, false, false, ORANG_TUA, &[]),
    def(Entity::SuamiIstri, "suami_istri", "Suami/istri", "pasangan", Some(11), Personal, false, false, SUAMI_ISTRI, &[doc("akta_nikah", "Akta nikah")]),
    def(Entity::Anak, "anak", "Anak", "anak", Some(12), Personal, true, false, ANAK, &[doc("akta_kelahiran", "Akta kelahiran")]),
    def(Entity::RiwayatPenghargaan, "riwayat_penghargaan", "Riwayat penghargaan", "penghargaan", Some(14), Admin, false, false, PENGHARGAAN, &[doc("892", "Sertifikat penghargaan")]),
    def(Entity::RiwayatKinerja, "riwayat_kinerja", "Riwayat kinerja (SKP)", "skp", Some(25), Admin, false, true, KINERJA, &[doc("891", "Realisasi SKP")]),
    def(Entity::RiwayatHukdis, "riwayat_hukdis", "Riwayat hukuman disiplin", "hukdis", Some(16), Admin, true, false, HUKDIS, &[doc("882", "SK hukuman disiplin")]),
    def(Entity::RiwayatPindahInstansi, "riwayat_pindah_instansi", "Riwayat pindah instansi", "pindahInstansi", Some(18), Admin, false, false, PINDAH_INSTANSI, &[]),
    def(Entity::RiwayatCltn, "riwayat_cltn", "Riwayat CLTN", "cltn", Some(19), Admin, false, false, CLTN, &[]),
    def(Entity::RiwayatPemberhentian, "riwayat_pemberhentian", "Riwayat pemberhentian", "pemberhentian", Some(22), Admin, false, false, PEMBERHENTIAN, &[]),
    def(Entity::RiwayatAngkaKredit, "riwayat_angka_kredit", "Riwayat angka kredit", "angkaKredit", Some(23), Admin, false, false, ANGKA_KREDIT, &[doc("880", "SK PAK")]),
    def(Entity::RiwayatUnor, "riwayat_unor", "Riwayat unit organisasi", "pnsUnor", Some(21), Admin, false, false, UNOR, &[]),
    def(Entity::RiwayatKesehatan, "riwayat_kesehatan", "Riwayat kesehatan", "kesehatan", Some(28), Personal, true, false, KESEHATAN, &[]),
    def(Entity::Cuti, "cuti", "Cuti", "cuti", None, Admin, false, false, CUTI, &[]),
    def(Entity::Dokumen, "dokumen", "Dokumen", "dokumen", None, Personal, false, false, DOKUMEN, &[]),
    def(Entity::Usulan, "usulan", "Usulan layanan", "usulan", None, Personal, false, false, USULAN, &[]),
    def(Entity::Teguran, "teguran", "Teguran tertulis", "teguran", None, Verifier, true, false, TEGURAN, &[]),
    def(Entity::Proposal, "proposal", "Usul ke BKN", "proposal", None, Verifier, false, false, PROPOSAL, &[]),
    def(Entity::Tiket, "tiket", "Tiket helpdesk", "tiket", None, Personal, false, false, TIKET, &[]),
    def(Entity::TiketPesan, "tiket_pesan", "Percakapan tiket", "tiketPesan", None, Personal, false, false, TIKET_PESAN, &[]),
    def(Entity::Penilaian, "penilaian", "Penilaian layanan", "penilaian", None, Personal, false, false, PENILAIAN, &[]),
    def(Entity::Presensi, "presensi", "Laporan kehadiran", "presensi", None, Personal, false, false, PRESENSI, &[]),
    def(Entity::TempatWfh, "tempat_wfh", "Tempat kerja dari rumah", "tempatWfh", None, Personal, false, false, TEMPAT_WFH, &[]),
    def(Entity::Aktivitas, "aktivitas", "Aktivitas harian", "aktivitas", None, Personal, false, false, AKTIVITAS, &[]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_entity_has_one_definition_and_unique_names() {
        for e in Entity::ALL {
            assert_eq!(e.def().entity, e);
        }
        let tables: HashSet<_> = DEFS.iter().map(|d| d.table).collect();
        assert_eq!(tables.len(), DEFS.len());
        for d in DEFS.iter() {
            let names: HashSet<_> = d.fields.iter().map(|f| f.name).collect();
            assert_eq!(names.len(), d.fields.len(), "duplicate field in {}", d.table);
            let siasn: HashSet<_> = d.fields.iter().map(|f| f.siasn).collect();
            assert_eq!(siasn.len(), d.fields.len(), "duplicate SIASN name in {}", d.table);
        }
    }
}

#[cfg(test)]
mod doc_tests {
    use super::*;

    #[test]
    fn data_model_doc_lists_every_field() {
        let doc = include_str!("../../../docs/data-model.md");
        for d in DEFS.iter() {
            assert!(
                doc.contains(&format!("## `{}`", d.table)),
                "docs/data-model.md lacks {}; run scripts/gen-data-model.py",
                d.table
            );
            for f in d.fields {
                let row = format!("| `{}` | `{}` |", f.name, f.siasn);
                assert!(
                    doc.contains(&row),
                    "docs/data-model.md lacks {}.{}; run scripts/gen-data-model.py",
                    d.table,
                    f.name
                );
            }
        }
    }
}
