-- kinds: primary key
-- checks: the primary key moves: from a rowid alias (INTEGER PRIMARY KEY) to a composite key, and from one text column to another
CREATE TABLE membership (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, usr INTEGER NOT NULL);
CREATE TABLE code (a TEXT PRIMARY KEY, b TEXT NOT NULL);
