-- kinds: column, collation
-- checks: a column gains COLLATE "C", another loses it, a new one with COLLATE "POSIX"
-- side a
CREATE TABLE word (
    id integer NOT NULL,
    spelling text,
    sortkey text COLLATE "C"
);
