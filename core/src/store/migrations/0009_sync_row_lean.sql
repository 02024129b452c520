-- 0009: sync_row loses its index by pegawai. Nothing looks a row up by pegawai there (the
-- purge after a scope reset scans it whole), and a first pull wrote every record's entry into
-- it as well: one B-tree fewer per synced row.
DROP INDEX sync_row_pegawai;
