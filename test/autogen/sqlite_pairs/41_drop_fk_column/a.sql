-- kinds: column, foreign key
-- checks: a column with a foreign key dropped (its key goes with it: a rebuild), and a referenced table dropped with the key to it
CREATE TABLE region (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE zone (id INTEGER PRIMARY KEY);
CREATE TABLE store (
    id INTEGER PRIMARY KEY,
    region_id INTEGER REFERENCES region (id),
    zone_id INTEGER,
    name TEXT,
    CONSTRAINT store_zone FOREIGN KEY (zone_id) REFERENCES zone (id)
);
