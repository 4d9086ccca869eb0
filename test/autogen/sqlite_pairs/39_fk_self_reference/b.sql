-- kinds: foreign key, column
-- checks: a self-referencing foreign key added on a new column and on an existing one (rows pointing at rows of the same table)
CREATE TABLE node (
    id INTEGER PRIMARY KEY,
    label TEXT,
    next_id INTEGER REFERENCES node (id) ON DELETE SET NULL,
    parent_id INTEGER REFERENCES node (id)
);
