-- kinds: column, foreign key
-- checks: a column with a foreign key dropped (its key goes with it: a rebuild), and a referenced table dropped with the key to it
CREATE TABLE region (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE store (
    id INTEGER PRIMARY KEY,
    zone_id INTEGER,
    name TEXT
);
