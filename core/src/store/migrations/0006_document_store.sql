-- 0006: documents captured on the device. The bytes live encrypted under docs/ by their
-- SHA-256; this row says what they are, how they were judged and what they support.
-- `entity`/`row_id` name the riwayat row (or `data_utama` and the pegawai id), or `usulan` and
-- a layanan request id.
ALTER TABLE dokumen ADD COLUMN pages INTEGER;
ALTER TABLE dokumen ADD COLUMN width INTEGER;
ALTER TABLE dokumen ADD COLUMN height INTEGER;
ALTER TABLE dokumen ADD COLUMN original_size INTEGER;
-- JSON of the readability verdict, and whether the uploader kept a flagged document anyway
-- (the facilitator sees both).
ALTER TABLE dokumen ADD COLUMN readability TEXT;
ALTER TABLE dokumen ADD COLUMN readability_override INTEGER;
-- Rows sync like riwayat rows (entity `dokumen`); SIASN DMS ids where known.
ALTER TABLE dokumen ADD COLUMN siasn_id TEXT;
ALTER TABLE dokumen ADD COLUMN has_thumbnail INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dokumen ADD COLUMN created_at TEXT;
CREATE INDEX dokumen_sha ON dokumen(sha256);
