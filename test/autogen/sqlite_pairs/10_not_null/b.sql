-- kinds: column, not null
-- checks: NOT NULL set on one column and dropped from another (each a rebuild); rows without NULLs kept
CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT NOT NULL, owner TEXT, due TEXT NOT NULL DEFAULT '2000-01-01');
