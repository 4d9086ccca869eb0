-- kinds: table, column, primary key
-- checks: a second table created (down: dropped)
-- side b
CREATE TABLE author (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (
    id integer PRIMARY KEY,
    title text NOT NULL,
    pages integer,
    published date
);
