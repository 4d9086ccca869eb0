-- kinds: foreign key, unique, table, column, type
-- checks: a new table's foreign key names a UNIQUE the revision adds to a table that is rebuilt twice (another table's change between): the key is added after the UNIQUE (inline, a rebuild of the parent before would fail SQLite's foreign key mismatch); down: the child goes before the UNIQUE
CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE, x TEXT);
CREATE TABLE q (id INTEGER PRIMARY KEY, y TEXT);
CREATE TABLE c (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code) ON DELETE CASCADE);
CREATE UNIQUE INDEX q_y ON q (y);
CREATE TABLE d (id INTEGER PRIMARY KEY, y TEXT CONSTRAINT d_y_q REFERENCES q (y));
