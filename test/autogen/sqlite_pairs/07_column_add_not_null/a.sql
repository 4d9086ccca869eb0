-- kinds: column, not null
-- checks: a NOT NULL column without a default added to an empty table (SQLite's ADD COLUMN refuses it: a rebuild)
CREATE TABLE setting (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE);
