-- 0011: the hub's version of a reference table pulled by sync (NULL for built-in or imported).
ALTER TABLE ref_table ADD COLUMN version TEXT;
