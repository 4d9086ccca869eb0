-- kinds: table, column, primary key
-- checks: a second table created (down: dropped)
-- side a
CREATE TABLE author (id integer PRIMARY KEY, name text NOT NULL);
