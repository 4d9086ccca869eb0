-- kinds: foreign key, table, column
-- checks: a new column with ON DELETE CASCADE to a new table, created in the same revision (down: both go)
CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE invoice (
    id INTEGER PRIMARY KEY,
    total REAL NOT NULL,
    customer_id INTEGER REFERENCES customer (id) ON DELETE CASCADE
);
