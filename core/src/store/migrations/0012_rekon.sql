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
    -- pns: rows name PNS records by NIP; jpt: JPT non-PNS officials by NIK (their own table).
    roster TEXT NOT NULL DEFAULT 'pns',
    rows INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rekon_item (
    batch TEXT NOT NULL REFERENCES rekon_batch(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    nip TEXT,
    pegawai_id TEXT,
    unit TEXT,
    nama TEXT,
    jabatan TEXT,
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

-- JPT non-PNS officials (BKN's template: name, NIK, jabatan, e-mail, phone): no NIP, no
-- record of their own in SIASN, so kept here as their own rows, reconciled the same way.
CREATE TABLE jpt_non_pns (
    nik TEXT PRIMARY KEY,
    nama TEXT NOT NULL,
    jabatan TEXT,
    email_gov TEXT,
    email TEXT,
    no_hp TEXT,
    email_gov_valid TEXT,
    email_gov_valid_oleh TEXT,
    email_gov_valid_pada TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX jpt_non_pns_email_gov ON jpt_non_pns(lower(email_gov)) WHERE email_gov IS NOT NULL;
CREATE INDEX jpt_non_pns_email ON jpt_non_pns(lower(email)) WHERE email IS NOT NULL;
CREATE INDEX jpt_non_pns_no_hp ON jpt_non_pns(no_hp) WHERE no_hp IS NOT NULL;
