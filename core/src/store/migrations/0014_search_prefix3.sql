-- 0014: the search index also keeps 3-letter prefixes. FTS5 reads a prefix it keeps lazily, in
-- record order; any other prefix makes it merge the postings of every word that starts with it
-- first, a cost that grows with the number of pegawai (search.rs asks by prefixes it keeps).
-- The triggers of 0003 name the table and keep working on the new one.
DROP TABLE pegawai_fts;
CREATE VIRTUAL TABLE pegawai_fts USING fts5(
    nama, nip_baru, nik,
    content = 'pegawai', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
INSERT INTO pegawai_fts(pegawai_fts) VALUES ('rebuild');
