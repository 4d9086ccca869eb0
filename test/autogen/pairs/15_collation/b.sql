-- kinds: column, collation
-- checks: a column gains COLLATE "C", another loses it, a new one with COLLATE "POSIX"
-- side b
CREATE TABLE word (
    id integer NOT NULL,
    spelling text COLLATE "C",
    sortkey text,
    raw varchar(40) COLLATE "POSIX"
);
