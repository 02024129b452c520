-- 0010: pulled changes this device cannot store yet are kept instead of skipped. A record
-- whose NIP belongs to a record made here (the hub refused that one, and its author decides
-- what becomes of it) waits, with every later change of it; they are tried again after every
-- pull and when an outbox item is discarded. `seq` is the hub's.
CREATE TABLE sync_parked (
    seq INTEGER PRIMARY KEY,
    pegawai_id TEXT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX sync_parked_pegawai ON sync_parked(pegawai_id);
