-- kinds: column, array, type change
-- checks: array columns: one added, one changed from text[] to varchar(20)[], a two-dimensional one kept
-- side a
CREATE TABLE post (
    id integer PRIMARY KEY,
    tags text[],
    grid integer[][]
);
