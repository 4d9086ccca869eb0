-- kinds: enum, type, column
-- checks: a new enum type and a column using it, with a default; an array of the enum
-- side a
CREATE TABLE issue (id integer PRIMARY KEY, title text);
