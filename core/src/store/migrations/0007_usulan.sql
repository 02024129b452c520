-- 0007: layanan requests (usulan). A row syncs like a riwayat row (entity `usulan`); its
-- answers and its status history are JSON text.
CREATE TABLE usulan (
    id TEXT PRIMARY KEY,
    pegawai_id TEXT NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    siasn_id TEXT,
    layanan_id TEXT,
    layanan_versi INTEGER,
    answers TEXT,
    status TEXT,
    status_at TEXT,
    status_by TEXT,
    status_reason TEXT,
    history TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX usulan_pegawai ON usulan(pegawai_id);
CREATE INDEX usulan_status ON usulan(status);
