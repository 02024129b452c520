-- 0003: full-text search over name, NIP and NIK; the local audit log of every change.
CREATE VIRTUAL TABLE pegawai_fts USING fts5(
    nama, nip_baru, nik,
    content = 'pegawai', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 4'
);
-- The triggers keep the index in step, except for rows above `meta.fts_defer_above`: a bulk
-- import sets it inside its transaction and indexes its new rows with one statement at the
-- end (FTS5 flushes its buffer at every statement savepoint, so row-by-row indexing of a bulk
-- load costs more than the load). The key never outlives the transaction that set it.
CREATE TRIGGER pegawai_fts_ai AFTER INSERT ON pegawai
WHEN new.seq <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_defer_above'), 9223372036854775807)
BEGIN
    INSERT INTO pegawai_fts(rowid, nama, nip_baru, nik) VALUES (new.seq, new.nama, new.nip_baru, new.nik);
END;
CREATE TRIGGER pegawai_fts_ad AFTER DELETE ON pegawai
WHEN old.seq <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_defer_above'), 9223372036854775807)
BEGIN
    INSERT INTO pegawai_fts(pegawai_fts, rowid, nama, nip_baru, nik) VALUES ('delete', old.seq, old.nama, old.nip_baru, old.nik);
END;
CREATE TRIGGER pegawai_fts_au AFTER UPDATE OF nama, nip_baru, nik ON pegawai
WHEN old.seq <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_defer_above'), 9223372036854775807)
BEGIN
    INSERT INTO pegawai_fts(pegawai_fts, rowid, nama, nip_baru, nik) VALUES ('delete', old.seq, old.nama, old.nip_baru, old.nik);
    INSERT INTO pegawai_fts(rowid, nama, nip_baru, nik) VALUES (new.seq, new.nama, new.nip_baru, new.nik);
END;
-- Rows written before this version.
INSERT INTO pegawai_fts(pegawai_fts) VALUES ('rebuild');

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT,
    row_id TEXT,
    pegawai_id TEXT,
    detail TEXT
);
CREATE INDEX audit_log_pegawai ON audit_log(pegawai_id, seq);
