-- kinds: comment
-- checks: comments on a schema, table, column, index, view, function, type, constraint, sequence: added, changed, removed
-- side a
CREATE TABLE city (id integer PRIMARY KEY, name text);
CREATE INDEX city_name_idx ON city (name);
CREATE VIEW city_v AS SELECT id, name FROM city;
CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TYPE kind AS ENUM ('a', 'b');
CREATE SEQUENCE city_seq;
COMMENT ON TABLE city IS 'cities';
COMMENT ON COLUMN city.name IS 'old name';
COMMENT ON FUNCTION one() IS 'returns one';
