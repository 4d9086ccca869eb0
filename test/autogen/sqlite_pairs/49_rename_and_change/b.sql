-- kinds: rename, column, type, index, check
-- checks: a renamed column changed too (type, NOT NULL, a CHECK) and indexed in the same revision: the RENAME COLUMN first, then the rebuild with the new name
CREATE TABLE reading (id INTEGER PRIMARY KEY, value REAL NOT NULL CHECK (value >= 0), at TEXT);
CREATE INDEX reading_value ON reading (value);
