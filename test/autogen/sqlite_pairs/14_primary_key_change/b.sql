-- kinds: primary key
-- checks: the primary key moves: from a rowid alias (INTEGER PRIMARY KEY) to a composite key, and from one text column to another
CREATE TABLE membership (id INTEGER, grp INTEGER NOT NULL, usr INTEGER NOT NULL, PRIMARY KEY (grp, usr));
CREATE TABLE code (a TEXT, b TEXT NOT NULL PRIMARY KEY);
