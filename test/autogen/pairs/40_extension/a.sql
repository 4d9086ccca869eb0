-- kinds: extension, column, index
-- checks: extensions: citext and pg_trgm created, a citext column and a gin_trgm_ops index using them
-- side a
CREATE TABLE person (id integer PRIMARY KEY, nick text);
