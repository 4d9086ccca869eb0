-- kinds: grant, sequence, function
-- checks: sequence USAGE granted; EXECUTE revoked from PUBLIC and granted to a role; a view's SELECT granted
-- side b
CREATE SEQUENCE counter;
CREATE FUNCTION bump() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('counter') $$;
CREATE VIEW counter_v AS SELECT 1 AS one;
GRANT USAGE, SELECT ON SEQUENCE counter TO autogen_writer;
REVOKE ALL ON FUNCTION bump() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bump() TO autogen_writer;
GRANT SELECT ON counter_v TO autogen_reader;
