-- 0004: document metadata linked to the row it supports, and a stored completeness score so
-- that a unit of 10,000 can be filtered by it (recomputed by the upgrade step in Rust).
CREATE TABLE dokumen (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    id_ref_dokumen TEXT NOT NULL,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    sha256 TEXT,
    nama_file TEXT,
    mime TEXT,
    size INTEGER,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX dokumen_pegawai ON dokumen(pegawai_id);
CREATE INDEX dokumen_row ON dokumen(row_id);
ALTER TABLE pegawai ADD COLUMN completeness INTEGER NOT NULL DEFAULT 0;
