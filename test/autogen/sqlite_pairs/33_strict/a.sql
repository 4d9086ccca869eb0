-- kinds: table, strict
-- checks: a STRICT table created; a STRICT table gains a column and has one retyped (INTEGER -> ANY, a rebuild); STRICT, WITHOUT ROWID together
CREATE TABLE metric (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v INTEGER) STRICT;
