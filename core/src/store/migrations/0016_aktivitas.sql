-- 0016: daily activities and the atasan relation. `atasan_nip` names the direct superior who
-- approves a record's daily activities; an activity is a row of the ASN's record, submitted
-- per day, approved or returned by the atasan (the hub writes the decision).
ALTER TABLE pegawai ADD COLUMN atasan_nip TEXT;
CREATE INDEX pegawai_atasan ON pegawai(atasan_nip) WHERE atasan_nip IS NOT NULL;
CREATE TABLE aktivitas (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tanggal TEXT,
    rencana TEXT,
    tambahan INTEGER,
    uraian TEXT,
    output TEXT,
    kuantitas INTEGER,
    satuan TEXT,
    menit INTEGER,
    dokumen_id TEXT,
    status TEXT,
    alasan TEXT,
    diputus_oleh TEXT,
    diputus_pada TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX aktivitas_pegawai ON aktivitas(pegawai_id, tanggal);
