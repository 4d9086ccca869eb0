-- kinds: foreign key
-- checks: a foreign key's actions change (ON DELETE SET NULL -> CASCADE, ON UPDATE added); a key's target table changes
CREATE TABLE folder (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE drive (id INTEGER PRIMARY KEY);
CREATE TABLE file (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER REFERENCES folder (id) ON DELETE SET NULL,
    place_id INTEGER REFERENCES folder (id)
);
