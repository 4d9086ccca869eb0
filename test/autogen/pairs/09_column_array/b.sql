-- kinds: column, array, type change
-- checks: array columns: one added, one changed from text[] to varchar(20)[], a two-dimensional one kept
-- side b
CREATE TABLE post (
    id integer PRIMARY KEY,
    tags varchar(20)[],
    grid integer[][],
    scores numeric[] DEFAULT '{}'::numeric[] NOT NULL
);
