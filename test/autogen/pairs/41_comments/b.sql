-- kinds: comment
-- checks: comments on a schema, table, column, index, view, function, type, constraint, sequence: added, changed, removed
-- side b
CREATE TABLE city (id integer PRIMARY KEY, name text);
CREATE INDEX city_name_idx ON city (name);
CREATE VIEW city_v AS SELECT id, name FROM city;
CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TYPE kind AS ENUM ('a', 'b');
CREATE SEQUENCE city_seq;
COMMENT ON TABLE city IS 'every city we ship to';
COMMENT ON COLUMN city.name IS 'the name, in English';
COMMENT ON COLUMN city.id IS 'surrogate key';
COMMENT ON INDEX city_name_idx IS 'lookups by name';
COMMENT ON VIEW city_v IS 'the public view';
COMMENT ON TYPE kind IS 'two kinds';
COMMENT ON CONSTRAINT city_pkey ON city IS 'the key';
COMMENT ON SEQUENCE city_seq IS 'spare numbers';
