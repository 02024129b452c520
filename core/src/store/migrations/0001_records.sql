-- 0001: data utama (pegawai) and every riwayat group.
-- Columns mirror core/src/model/entity.rs; ids are UUIDv7 text; every row records who changed it and when.

CREATE TABLE pegawai (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    nip_baru TEXT NOT NULL UNIQUE,
    nip_lama TEXT,
    nama TEXT,
    gelar_depan TEXT,
    gelar_belakang TEXT,
    tempat_lahir TEXT,
    tgl_lahir TEXT,
    jenis_kelamin TEXT,
    agama_id TEXT,
    jenis_kawin_id TEXT,
    email TEXT,
    email_gov TEXT,
    nik TEXT,
    valid_nik INTEGER,
    alamat TEXT,
    no_hp TEXT,
    jenis_pegawai_id TEXT,
    kedudukan_pns_id TEXT,
    tk_pendidikan_terakhir_id TEXT,
    tmt_cpns TEXT,
    nomor_sk_cpns TEXT,
    tmt_pns TEXT,
    nomor_sk_pns TEXT,
    instansi_induk_id TEXT,
    satuan_kerja_id TEXT,
    unor_id TEXT,
    unit TEXT,
    jenis_jabatan_id TEXT,
    jabatan_fungsional_id TEXT,
    jabatan_nama TEXT,
    tmt_jabatan TEXT,
    eselon_id TEXT,
    gol_ruang_akhir_id TEXT,
    tmt_gol_akhir TEXT,
    mk_tahun INTEGER,
    mk_bulan INTEGER,
    gaji_pokok INTEGER,
    no_npwp TEXT,
    bpjs TEXT,
    kartu_asn TEXT,
    karis_karsu TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX pegawai_unit_nama ON pegawai(unit, nama);

CREATE TABLE riwayat_golongan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    golongan_id TEXT,
    jenis_kp_id TEXT,
    sk_nomor TEXT,
    sk_tanggal TEXT,
    tmt_golongan TEXT,
    no_pertek_bkn TEXT,
    tgl_pertek_bkn TEXT,
    mk_golongan_tahun INTEGER,
    mk_golongan_bulan INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_golongan_pegawai ON riwayat_golongan(pegawai_id);
CREATE UNIQUE INDEX riwayat_golongan_siasn ON riwayat_golongan(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_pmk (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    nama_instansi TEXT,
    tanggal_awal TEXT,
    tanggal_selesai TEXT,
    masa_kerja_tahun INTEGER,
    masa_kerja_bulan INTEGER,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_pmk_pegawai ON riwayat_pmk(pegawai_id);
CREATE UNIQUE INDEX riwayat_pmk_siasn ON riwayat_pmk(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_pendidikan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tk_pendidikan_id TEXT,
    pendidikan_id TEXT,
    nama_sekolah TEXT,
    tahun_lulus INTEGER,
    tgl_lulus TEXT,
    nomor_ijazah TEXT,
    gelar_depan TEXT,
    gelar_belakang TEXT,
    pendidikan_pertama INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_pendidikan_pegawai ON riwayat_pendidikan(pegawai_id);
CREATE UNIQUE INDEX riwayat_pendidikan_siasn ON riwayat_pendidikan(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_jabatan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_jabatan_id TEXT,
    unor_id TEXT,
    eselon_id TEXT,
    jabatan_fungsional_id TEXT,
    jabatan_pelaksana_id TEXT,
    nama_jabatan TEXT,
    tmt_jabatan TEXT,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    tmt_pelantikan TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_jabatan_pegawai ON riwayat_jabatan(pegawai_id);
CREATE UNIQUE INDEX riwayat_jabatan_siasn ON riwayat_jabatan(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_diklat (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_diklat_id TEXT,
    latihan_struktural_id TEXT,
    nama_diklat TEXT,
    penyelenggara TEXT,
    nomor_sertifikat TEXT,
    tanggal_mulai TEXT,
    tanggal_selesai TEXT,
    tahun INTEGER,
    jumlah_jam INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_diklat_pegawai ON riwayat_diklat(pegawai_id);
CREATE UNIQUE INDEX riwayat_diklat_siasn ON riwayat_diklat(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_kursus (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_kursus_id TEXT,
    nama_kursus TEXT,
    penyelenggara TEXT,
    nomor_sertifikat TEXT,
    tanggal_mulai TEXT,
    tanggal_selesai TEXT,
    tahun INTEGER,
    jumlah_jam INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_kursus_pegawai ON riwayat_kursus(pegawai_id);
CREATE UNIQUE INDEX riwayat_kursus_siasn ON riwayat_kursus(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE orang_tua (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    hubungan TEXT,
    nama TEXT,
    nik TEXT,
    tgl_lahir TEXT,
    tgl_meninggal TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX orang_tua_pegawai ON orang_tua(pegawai_id);
CREATE UNIQUE INDEX orang_tua_siasn ON orang_tua(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE suami_istri (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    nama TEXT,
    nik TEXT,
    tempat_lahir TEXT,
    tgl_lahir TEXT,
    tgl_menikah TEXT,
    akta_menikah TEXT,
    status TEXT,
    tgl_cerai_atau_meninggal TEXT,
    nip TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX suami_istri_pegawai ON suami_istri(pegawai_id);
CREATE UNIQUE INDEX suami_istri_siasn ON suami_istri(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE anak (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    nama TEXT,
    nik TEXT,
    tempat_lahir TEXT,
    tgl_lahir TEXT,
    jenis_kelamin TEXT,
    status_anak TEXT,
    akta_kelahiran TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX anak_pegawai ON anak(pegawai_id);
CREATE UNIQUE INDEX anak_siasn ON anak(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_penghargaan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    penghargaan_id TEXT,
    sk_nomor TEXT,
    sk_tanggal TEXT,
    tahun INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_penghargaan_pegawai ON riwayat_penghargaan(pegawai_id);
CREATE UNIQUE INDEX riwayat_penghargaan_siasn ON riwayat_penghargaan(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_kinerja (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tahun INTEGER,
    hasil_kinerja_id TEXT,
    perilaku_kerja_id TEXT,
    kuadran_kinerja_id TEXT,
    nilai_skp TEXT,
    penilai_nip TEXT,
    penilai_nama TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_kinerja_pegawai ON riwayat_kinerja(pegawai_id);
CREATE UNIQUE INDEX riwayat_kinerja_siasn ON riwayat_kinerja(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_hukdis (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_hukuman_id TEXT,
    alasan_hukuman_id TEXT,
    sk_nomor TEXT,
    sk_tanggal TEXT,
    tmt_hukuman TEXT,
    masa_tahun INTEGER,
    masa_bulan INTEGER,
    akhir_hukuman TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_hukdis_pegawai ON riwayat_hukdis(pegawai_id);
CREATE UNIQUE INDEX riwayat_hukdis_siasn ON riwayat_hukdis(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_pindah_instansi (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    instansi_asal_id TEXT,
    instansi_tujuan_id TEXT,
    sk_nomor TEXT,
    sk_tanggal TEXT,
    tmt_pindah TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_pindah_instansi_pegawai ON riwayat_pindah_instansi(pegawai_id);
CREATE UNIQUE INDEX riwayat_pindah_instansi_siasn ON riwayat_pindah_instansi(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_cltn (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_cltn_id TEXT,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    tanggal_awal TEXT,
    tanggal_akhir TEXT,
    tanggal_aktif TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_cltn_pegawai ON riwayat_cltn(pegawai_id);
CREATE UNIQUE INDEX riwayat_cltn_siasn ON riwayat_cltn(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_pemberhentian (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_pemberhentian_id TEXT,
    jenis_pensiun_id TEXT,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    tmt_pemberhentian TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_pemberhentian_pegawai ON riwayat_pemberhentian(pegawai_id);
CREATE UNIQUE INDEX riwayat_pemberhentian_siasn ON riwayat_pemberhentian(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_angka_kredit (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jabatan_fungsional_id TEXT,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    bulan_mulai INTEGER,
    tahun_mulai INTEGER,
    bulan_selesai INTEGER,
    tahun_selesai INTEGER,
    kredit_utama TEXT,
    kredit_penunjang TEXT,
    kredit_total TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_angka_kredit_pegawai ON riwayat_angka_kredit(pegawai_id);
CREATE UNIQUE INDEX riwayat_angka_kredit_siasn ON riwayat_angka_kredit(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_unor (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    unor_id TEXT,
    nama_unor TEXT,
    unor_lama_id TEXT,
    nomor_sk TEXT,
    tanggal_sk TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_unor_pegawai ON riwayat_unor(pegawai_id);
CREATE UNIQUE INDEX riwayat_unor_siasn ON riwayat_unor(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE riwayat_kesehatan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tanggal TEXT,
    keterangan TEXT,
    nomor_surat TEXT,
    fasilitas TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX riwayat_kesehatan_pegawai ON riwayat_kesehatan(pegawai_id);
CREATE UNIQUE INDEX riwayat_kesehatan_siasn ON riwayat_kesehatan(siasn_id) WHERE siasn_id IS NOT NULL;

CREATE TABLE cuti (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis_cuti TEXT,
    tanggal_mulai TEXT,
    tanggal_selesai TEXT,
    nomor_surat TEXT,
    keterangan TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX cuti_pegawai ON cuti(pegawai_id);
CREATE UNIQUE INDEX cuti_siasn ON cuti(siasn_id) WHERE siasn_id IS NOT NULL;
