-- 0008: verification. A facilitator's decisions are their own fields (single writer): per
-- field of a request (`usulan.keputusan`, JSON by field name) and per document (`dokumen`
-- columns). A document found not authentic records a written warning (teguran) on the
-- uploader's record.
ALTER TABLE usulan ADD COLUMN keputusan TEXT;
ALTER TABLE dokumen ADD COLUMN verifikasi TEXT;
ALTER TABLE dokumen ADD COLUMN verifikasi_alasan TEXT;
ALTER TABLE dokumen ADD COLUMN verifikasi_oleh TEXT;
ALTER TABLE dokumen ADD COLUMN verifikasi_pada TEXT;
CREATE INDEX dokumen_verifikasi ON dokumen(verifikasi);
CREATE TABLE teguran (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    tanggal TEXT,
    dokumen_id TEXT,
    alasan TEXT,
    oleh TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX teguran_pegawai ON teguran(pegawai_id);
-- Proposals the instansi sends to BKN/Kanreg (KPO, PPO, KGB, Satya Lencana) for an ASN found
-- due; the facilitator's own rows. Their documents link as entity `proposal`.
CREATE TABLE proposal (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    jenis TEXT,
    layanan_id TEXT,
    periode TEXT,
    tmt TEXT,
    keterangan TEXT,
    answers TEXT,
    status TEXT,
    status_at TEXT,
    status_by TEXT,
    alasan TEXT,
    nomor_pertek TEXT,
    history TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX proposal_pegawai ON proposal(pegawai_id);
CREATE INDEX proposal_periode ON proposal(jenis, periode);
