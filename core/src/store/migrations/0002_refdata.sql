-- 0002: reference tables (SIASN codes) as data, built-in or imported, and a key-value meta table.
CREATE TABLE ref_table (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows_in_file INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    problems INTEGER NOT NULL
);
CREATE TABLE ref_row (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    nama TEXT,
    attrs TEXT,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
