-- kinds: exclusion, constraint, index
-- checks: an exclusion constraint (gist, &&) added to a table
-- side a
CREATE TABLE booking (
    id integer PRIMARY KEY,
    room integer NOT NULL,
    during tstzrange NOT NULL
);
