-- 0015: presence while working from home. A check-in is a row of the ASN's record, written once
-- (one location fix, never a track); `diterima` is the hub's time of arrival, which recaps
-- count by. The work-from-home place is one row per record (its id is the record's).
CREATE TABLE presensi (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis TEXT,
    lintang INTEGER,
    bujur INTEGER,
    akurasi_m INTEGER,
    provider TEXT,
    lokasi_palsu INTEGER,
    waktu_perangkat TEXT,
    waktu_gps TEXT,
    alasan TEXT,
    diterima TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX presensi_pegawai ON presensi(pegawai_id, waktu_perangkat);
CREATE TABLE tempat_wfh (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    lintang INTEGER,
    bujur INTEGER,
    alamat TEXT,
    dikonfirmasi_oleh TEXT,
    dikonfirmasi_pada TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX tempat_wfh_pegawai ON tempat_wfh(pegawai_id);
