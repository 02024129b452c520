-- 0005: sync. The outbox holds every local change until the hub has answered it; sync_row
-- keeps each synced row's per-field stamps (the merge needs them) and the last server sequence
-- seen; conflict is the log of local edits that lost, shown to their author.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    author TEXT NOT NULL,
    change TEXT NOT NULL,
    -- The values and stamps the change replaced, to restore them when the change is discarded.
    prior TEXT NOT NULL,
    -- pending: not sent; uploading: sent, answer not yet stored; refused: the hub said no;
    -- wedged: the hub failed on it again and again; it waits for the author.
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    code TEXT,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_row ON outbox(entity, row_id);
CREATE INDEX outbox_pegawai ON outbox(pegawai_id);
CREATE TABLE sync_row (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    stamps TEXT NOT NULL,
    tombstone TEXT,
    server_seq INTEGER,
    -- Fields whose value is this device's own write, with the hub's sequence of that write:
    -- a later write from elsewhere that had not seen it is a conflict to show.
    mine TEXT,
    PRIMARY KEY (entity, row_id)
) WITHOUT ROWID;
CREATE INDEX sync_row_pegawai ON sync_row(pegawai_id);
CREATE TABLE conflict (
    id INTEGER PRIMARY KEY,
    change_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    pegawai_id TEXT NOT NULL,
    field TEXT NOT NULL,
    mine TEXT NOT NULL,
    theirs TEXT NOT NULL,
    at TEXT NOT NULL,
    dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conflict_pegawai ON conflict(pegawai_id);
-- Document bytes this device has sent or holds, by SHA-256. "uploaded" is set only once the
-- hub has confirmed the hash; "cached" means the bytes are in the profile's blob cache.
CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
