-- kinds: index, table
-- checks: an index renamed (dropped and created under the new name) and one moved to another table
CREATE TABLE alpha (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);
CREATE TABLE beta (id INTEGER PRIMARY KEY, x INTEGER);
CREATE INDEX alpha_x ON alpha (x);
CREATE INDEX shared_ix ON alpha (y);
