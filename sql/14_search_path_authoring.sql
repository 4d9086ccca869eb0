--
-- 14_search_path_authoring: the functions of version 0.2 -- revision(),
-- merge(), script(), validate(), check(), status(), upgrade_sql(),
-- downgrade_sql() and load() -- are as immune to a hostile search_path as
-- the others (07_search_path): look-alike tables, and operators and
-- functions that raise when called, ahead of pg_catalog.
--
CREATE EXTENSION migrate;
CREATE SCHEMA app;

CREATE SCHEMA evil;
CREATE TABLE evil.version (revision text);
INSERT INTO evil.version VALUES ('not-a-revision');
CREATE TABLE evil.revision (id text, revises text[], depends text[], branch text[],
                            message text, transactional boolean, script text,
                            checksum text, upgrade text, created timestamptz,
                            loaded_at timestamptz);
INSERT INTO evil.revision (id, revises, depends, branch, message, transactional, script)
VALUES ('fake', '{}', '{}', '{}', 'fake', true, 'fake');
CREATE TABLE evil.history (id bigint, revision text, action text, checksum text);
INSERT INTO evil.history VALUES (1, 'fake', 'upgrade', 'fake');

-- The trap functions, [name, arguments, result, what]: each raises
-- "evil <what> called".
DO $do$
DECLARE t text[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[
    ['trap', 'text, text', 'boolean', 'operator'],
    ['trap_arr', 'text[], text[]', 'boolean', 'array operator'],
    ['trap_cat', 'text[], text', 'text[]', '||'],
    ['trap_ts', 'timestamptz, timestamptz', 'interval', '-'],
    ['unnest', 'text[]', 'SETOF text', 'unnest'],
    ['now', '', 'timestamptz', 'now'],
    ['clock_timestamp', '', 'timestamptz', 'clock_timestamp'],
    ['set_config', 'text, text, boolean', 'text', 'set_config'],
    ['current_setting', 'text', 'text', 'current_setting'],
    ['pg_advisory_xact_lock', 'bigint', 'void', 'lock'],
    ['array_agg_trap', 'text[], text', 'text[]', 'array_agg'],
    ['sha256', 'bytea', 'bytea', 'sha256']]
  LOOP
    EXECUTE format('CREATE FUNCTION evil.%s(%s) RETURNS %s LANGUAGE plpgsql AS $b$ BEGIN RAISE EXCEPTION %L; END $b$',
                   t[1], t[2], t[3], 'evil ' || t[4] || ' called');
  END LOOP;
END $do$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.< (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = text[], RIGHTARG = text[], FUNCTION = evil.trap_arr);
CREATE OPERATOR evil.<> (LEFTARG = text[], RIGHTARG = text[], FUNCTION = evil.trap_arr);
CREATE OPERATOR evil.&& (LEFTARG = text[], RIGHTARG = text[], FUNCTION = evil.trap_arr);
CREATE OPERATOR evil.@> (LEFTARG = text[], RIGHTARG = text[], FUNCTION = evil.trap_arr);
CREATE OPERATOR evil.|| (LEFTARG = text[], RIGHTARG = text, FUNCTION = evil.trap_cat);
CREATE OPERATOR evil.- (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.trap_ts);
CREATE AGGREGATE evil.array_agg(text) (SFUNC = evil.array_agg_trap, STYPE = text[]);

SET search_path = app, evil, pg_catalog;
-- the traps work
SELECT 'a'::text = 'a'::text;
SELECT now();

-- ---------------------------------------------------------------------------
-- Authoring.
-- ---------------------------------------------------------------------------
SELECT migrate.revision('create boxes', 'CREATE TABLE boxes (id integer PRIMARY KEY);',
                        'DROP TABLE boxes;', id => '14aa00000001', branch => ARRAY['boxes']);
SELECT migrate.revision('create lids', 'CREATE TABLE lids (id integer PRIMARY KEY);',
                        'DROP TABLE lids;', revises => '{}', id => '14bb00000002',
                        depends => ARRAY['boxes']);
SELECT migrate.revision('generated id', 'SELECT 1;', 'SELECT 1;',
                        revises => ARRAY['14aa00000001']) AS generated \gset
SELECT :'generated' OPERATOR(pg_catalog.~) '^[0-9a-f]{12}$' AS id_is_12_hex;
-- revises defaults to the heads
SELECT migrate.revision('after both', 'SELECT 1;', 'SELECT 1;', id => '14cc00000003') AS c3;
SELECT migrate.merge();
SELECT migrate.merge(ARRAY['14cc00000003']);
\echo :SQLSTATE
SELECT migrate.revision('side', 'SELECT 1;', 'SELECT 1;', revises => ARRAY['14bb00000002'],
                        id => '14dd00000004');
SELECT migrate.merge(ARRAY['14cc', '14dd00000004'], 'merge side') AS m \gset
SELECT revises, message FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) :'m';
SELECT migrate.revision('taken', 'SELECT 1;', id => '14aa00000001');
\echo :SQLSTATE
SELECT migrate.revision('label taken', 'SELECT 1;', branch => ARRAY['boxes'], id => '14ee00000005');
\echo :SQLSTATE
-- script() and the round trip
SELECT pg_catalog.regexp_replace(migrate.script('14bb'), 'created \S+', 'created <now>') AS script;
SELECT pg_catalog.count(*) AS no_ops
FROM migrate.revision r
WHERE migrate.add_revision(migrate.script(r.id)) OPERATOR(pg_catalog.=) r.id;

-- ---------------------------------------------------------------------------
-- Integrity and offline SQL.
-- ---------------------------------------------------------------------------
SELECT * FROM migrate.validate();
SELECT current, heads OPERATOR(pg_catalog.=) ARRAY[:'m'] AS at_merge_head, pending, problems
FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE
SELECT pg_catalog.md5(migrate.upgrade_sql()) AS upgrade_sql_md5 \gset
SET client_min_messages = warning;
SELECT migrate.upgrade();
-- the scripts are the same as with a sane search_path
SET search_path = app;
SELECT migrate.downgrade('base');
SELECT md5(migrate.upgrade_sql()) = :'upgrade_sql_md5' AS same_upgrade_sql;
SELECT migrate.upgrade();
SELECT md5(migrate.downgrade_sql('14aa00000001')) AS downgrade_sql_md5 \gset
RESET client_min_messages;
SET search_path = app, evil, pg_catalog;
SELECT pg_catalog.md5(migrate.downgrade_sql('14aa00000001')) OPERATOR(pg_catalog.=) :'downgrade_sql_md5'
    AS same_downgrade_sql;
SELECT migrate.check();
SELECT current OPERATOR(pg_catalog.=) ARRAY[:'m'] AS at_merge, pending, problems
FROM migrate.status();
-- an edited checksum and a version row naming nothing are found
UPDATE migrate.revision SET checksum = pg_catalog.repeat('0', 64)
WHERE id OPERATOR(pg_catalog.=) '14bb00000002';
INSERT INTO migrate.version VALUES ('14zz0000ffff');
SELECT * FROM migrate.validate();
SELECT pending, pg_catalog.cardinality(problems) AS problems FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE
-- load() reads nothing from the search path either
SELECT migrate.load('/nonexistent/migrate_regress_dir');
\echo :SQLSTATE

RESET search_path;
-- the look-alike tables were never touched
SELECT * FROM evil.version;
SELECT id, script FROM evil.revision;
SELECT id, revision FROM evil.history;
SELECT to_regclass('app.boxes') AS in_app, to_regclass('evil.boxes') AS in_evil;

DROP EXTENSION migrate CASCADE;
SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
DROP SCHEMA evil CASCADE;
