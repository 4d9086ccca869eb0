-- kinds: column, default
-- checks: a column dropped and two added (one with a constant default, one nullable)
-- side a
CREATE TABLE customer (
    id integer PRIMARY KEY,
    name text NOT NULL,
    fax text
);
