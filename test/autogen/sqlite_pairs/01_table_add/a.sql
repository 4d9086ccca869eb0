-- kinds: table, primary key, foreign key
-- checks: a new table with an inline primary key and a foreign key (ON DELETE CASCADE) to an existing table with rows
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
