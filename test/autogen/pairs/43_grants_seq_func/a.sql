-- kinds: grant, sequence, function
-- checks: sequence USAGE granted; EXECUTE revoked from PUBLIC and granted to a role; a view's SELECT granted
-- side a
CREATE SEQUENCE counter;
CREATE FUNCTION bump() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('counter') $$;
CREATE VIEW counter_v AS SELECT 1 AS one;
