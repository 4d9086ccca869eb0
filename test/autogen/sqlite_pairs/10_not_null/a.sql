-- kinds: column, not null
-- checks: NOT NULL set on one column and dropped from another (each a rebuild); rows without NULLs kept
CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT, owner TEXT NOT NULL, due TEXT);
