-- kinds: column, index
-- checks: columns dropped: a plain one (SQLite's DROP COLUMN), one an index uses (the index goes first), one with a UNIQUE constraint (a rebuild)
CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
