-- 0013: the helpdesk. A ticket belongs to the requester's record and syncs like a request;
-- its thread is rows of its own (one per message, status step or reassignment), written once
-- and never edited, so the requester's reply and the facilitator's answer never overwrite
-- each other. `diterima` is the hub's time of arrival, which the 2x24 h clock runs on. A
-- rating (penilaian) takes the id of what it rates, so there is one per ticket or request.
CREATE TABLE tiket (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    kategori TEXT,
    nomor TEXT,
    judul TEXT,
    usulan_id TEXT,
    dibuat_pada TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX tiket_pegawai ON tiket(pegawai_id);
CREATE INDEX tiket_nomor ON tiket(nomor);
CREATE TABLE tiket_pesan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tiket_id TEXT,
    isi TEXT,
    status TEXT,
    dialihkan_ke TEXT,
    lampiran TEXT,
    peran TEXT,
    oleh TEXT,
    pada TEXT,
    diterima TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX tiket_pesan_tiket ON tiket_pesan(tiket_id, pada);
CREATE TABLE penilaian (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    objek TEXT,
    objek_id TEXT,
    nilai INTEGER,
    komentar TEXT,
    layanan_id TEXT,
    pada TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX penilaian_pegawai ON penilaian(pegawai_id);
