-- kinds: rename, column, type, index, check
-- checks: a renamed column changed too (type, NOT NULL, a CHECK) and indexed in the same revision: the RENAME COLUMN first, then the rebuild with the new name
CREATE TABLE reading (id INTEGER PRIMARY KEY, val INTEGER, at TEXT);
