-- 0012: rekon mandiri. The go.id address the instansi validated (and by whom, when), the last
-- reconciliation that touched a record's contact data, and the previews of reconciliation
-- files: one batch per file, one item per file row, each field with its old value, the file's
-- value and a verdict. A preview is written before anything in a record is; applying it
-- marks the items it applied.
ALTER TABLE pegawai ADD COLUMN email_gov_valid TEXT;
ALTER TABLE pegawai ADD COLUMN email_gov_valid_oleh TEXT;
ALTER TABLE pegawai ADD COLUMN email_gov_valid_pada TEXT;
ALTER TABLE pegawai ADD COLUMN rekon_terakhir TEXT;
-- One address or number per ASN: who holds a value already is a lookup, not a scan.
CREATE INDEX pegawai_email_gov ON pegawai(lower(email_gov)) WHERE email_gov IS NOT NULL;
CREATE INDEX pegawai_email ON pegawai(lower(email)) WHERE email IS NOT NULL;
CREATE INDEX pegawai_no_hp ON pegawai(no_hp) WHERE no_hp IS NOT NULL;

CREATE TABLE rekon_batch (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    -- The day the file's data was taken: a field the record changed after it is "stale".
    file_date TEXT NOT NULL,
    format TEXT NOT NULL,
    rows INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rekon_item (
    batch TEXT NOT NULL REFERENCES rekon_batch(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    nip TEXT,
    pegawai_id TEXT,
    unit TEXT,
    nama TEXT,
    verdict TEXT NOT NULL,
    reason TEXT,
    email_gov_old TEXT,
    email_gov_new TEXT,
    email_gov_verdict TEXT NOT NULL,
    email_old TEXT,
    email_new TEXT,
    email_verdict TEXT NOT NULL,
    no_hp_old TEXT,
    no_hp_new TEXT,
    no_hp_verdict TEXT NOT NULL,
    applied_at TEXT,
    PRIMARY KEY (batch, line)
) WITHOUT ROWID;
CREATE INDEX rekon_item_verdict ON rekon_item(batch, verdict);
CREATE INDEX rekon_item_nip ON rekon_item(batch, nip);
