--
-- 09_privileges: only the extension owner and superusers change state.
-- Nothing is executable by PUBLIC: other roles get a clean 42501
-- ("permission denied for schema/function ...") for every function, and
-- the owner check when EXECUTE was granted.  A monitoring role with the
-- grants documented in the README can call every read-only function.
-- Revision SQL runs with the caller's privileges.
--
CREATE EXTENSION migrate;
SELECT migrate.add_revision($$-- migrate:revision 7a7a7a7a0001
-- migrate:revises base
-- migrate:message create notes
-- migrate:upgrade
CREATE TABLE notes (id integer);
-- migrate:downgrade
DROP TABLE notes;
$$, '7a7a7a7a0001_create_notes.sql');

CREATE ROLE regress_migrate_user;
CREATE ROLE regress_migrate_nobody;
CREATE ROLE regress_migrate_monitor;
GRANT USAGE ON SCHEMA migrate TO regress_migrate_user;

-- try(sql): run sql, return 'ok' or "SQLSTATE: message", followed by
-- " DETAIL: detail" and " HINT: hint" when the error has them -- never raises.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE detail text; hint text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' DETAIL: ' || nullif(detail, ''), '')
           || coalesce(' HINT: ' || nullif(hint, ''), '');
END
$$;
-- One call of every function of the schema, all arguments NULL -- as
-- sub-selects, so that a STRICT function is not folded away by the planner
-- before its EXECUTE privilege is checked (a procedure: CALL, with plain
-- NULLs, which CALL takes).
CREATE TEMP TABLE every_call AS
SELECT p.proname::text AS fn,
       CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
       format(CASE p.prokind WHEN 'p' THEN 'CALL' ELSE 'SELECT' END || ' migrate.%I(%s)', p.proname,
              (SELECT string_agg(CASE p.prokind WHEN 'p' THEN 'NULL::' || format_type(t, NULL)
                                 ELSE '(SELECT NULL::' || format_type(t, NULL) || ')' END, ', ' ORDER BY i)
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i))) AS call
FROM pg_proc p WHERE p.pronamespace = 'migrate'::regnamespace;
GRANT SELECT ON every_call TO PUBLIC;
SELECT count(*) >= 20 AS many_functions FROM every_call;

-- A script that would be valid, for the calls below.
CREATE FUNCTION pg_temp.script() RETURNS text LANGUAGE sql
AS $$ SELECT E'-- migrate:revision 7b7b7b7b0002\n-- migrate:revises 7a7a7a7a0001\n-- migrate:upgrade\n' $$;

-- ---------------------------------------------------------------------------
-- A role with no grant at all: every function is refused at the schema.
-- ---------------------------------------------------------------------------
SET ROLE regress_migrate_nobody;
SELECT migrate.current();
\echo :SQLSTATE
SELECT fn, result FROM (SELECT fn, pg_temp.try(call) AS result FROM every_call) r
WHERE result <> '42501: permission denied for schema migrate' ORDER BY fn;
RESET ROLE;

-- ---------------------------------------------------------------------------
-- USAGE on the schema only: every function is refused by PostgreSQL, since
-- nothing is executable by PUBLIC -- read-only ones included.
-- ---------------------------------------------------------------------------
SET ROLE regress_migrate_user;
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['SELECT migrate.add_revision(pg_temp.script())',
                  'SELECT migrate.add_revisions(ARRAY[pg_temp.script()])',
                  'SELECT migrate.upgrade()', 'SELECT migrate.downgrade()', $$SELECT migrate.stamp('base')$$,
                  $$SELECT migrate.revision('new', 'SELECT 1;')$$, 'SELECT migrate.merge()',
                  $$SELECT migrate.load('/nonexistent')$$,
                  'SELECT * FROM migrate.current()', 'SELECT * FROM migrate.status()']) AS call;
-- all of them, whatever they are
SELECT fn, result FROM (SELECT fn, kind, pg_temp.try(call) AS result FROM every_call) r
WHERE result <> '42501: permission denied for ' || kind || ' ' || fn ORDER BY fn;
-- The catalog tables are closed to it too.
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['SELECT * FROM migrate.version', $$INSERT INTO migrate.version VALUES ('7a7a7a7a0001')$$]) AS call;
RESET ROLE;

-- EXECUTE on the read-only functions without SELECT on the catalog: they
-- fail cleanly (42501) on the first table they read.
GRANT EXECUTE ON FUNCTION migrate.current(), migrate.status(), migrate.check(),
    migrate.script(text), migrate.upgrade_sql(text)
    TO regress_migrate_user;
SET ROLE regress_migrate_user;
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['SELECT * FROM migrate.current()', 'SELECT * FROM migrate.status()',
                  'SELECT migrate.check()', $$SELECT migrate.script('7a7a')$$,
                  'SELECT migrate.upgrade_sql()']) AS call;
RESET ROLE;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate FROM regress_migrate_user;

-- ---------------------------------------------------------------------------
-- A monitoring role with exactly the grants of the README can call every
-- read-only function.
-- ---------------------------------------------------------------------------
GRANT USAGE ON SCHEMA migrate TO regress_migrate_monitor;
GRANT SELECT ON migrate.revision, migrate.version, migrate.history TO regress_migrate_monitor;
GRANT EXECUTE ON FUNCTION migrate.current(), migrate.heads(), migrate.branches(),
      migrate.history(text), migrate.show(text), migrate.plan(text),
      migrate.status(), migrate.check(), migrate.validate(),
      migrate.script(text), migrate.upgrade_sql(text), migrate.downgrade_sql(text)
   TO regress_migrate_monitor;
SELECT migrate.upgrade();
SET ROLE regress_migrate_monitor;
SELECT * FROM migrate.current();
SELECT revision, message FROM migrate.heads();
SELECT revision, message FROM migrate.branches();
SELECT revision, message, is_applied, applied_at IS NOT NULL AS has_applied_at
FROM migrate.history();
SELECT revision, message, is_applied, checksum FROM migrate.show('7a7a');
SELECT * FROM migrate.plan('base');
SELECT * FROM migrate.status();
SELECT migrate.check();
SELECT * FROM migrate.validate();
SELECT migrate.script('7a7a7a7a0001');
SELECT migrate.upgrade_sql() LIKE '%offline upgrade to ''heads'', 0 revisions%' AS upgrade_sql;
SELECT migrate.downgrade_sql('base') LIKE '%-- Running downgrade 7a7a7a7a0001 -> , create notes%'
    AS downgrade_sql;
-- ... and nothing else: every other function is refused
SELECT fn, result FROM (SELECT fn, kind, pg_temp.try(call) AS result FROM every_call) r
WHERE fn NOT IN ('current', 'heads', 'branches', 'history', 'show', 'plan',
                 'status', 'check', 'validate', 'script', 'upgrade_sql', 'downgrade_sql')
  AND result <> '42501: permission denied for ' || kind || ' ' || fn ORDER BY fn;
-- nor can it write the catalog
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['DELETE FROM migrate.version', $$UPDATE migrate.revision SET checksum = 'x'$$,
                  $$INSERT INTO migrate.history (revision, action, started_at, duration)
                    VALUES ('7a7a7a7a0001', 'stamp', now(), '0')$$]) AS call;
RESET ROLE;
SELECT migrate.downgrade('base');

-- ---------------------------------------------------------------------------
-- With EXECUTE (and even full table privileges) but not the owner: refused
-- by the owner check, before anything is read or changed.
-- ---------------------------------------------------------------------------
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate
    TO regress_migrate_user, regress_migrate_monitor;
GRANT ALL ON ALL TABLES IN SCHEMA migrate TO regress_migrate_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA migrate TO regress_migrate_user;
-- Privileges come before any parsing (issue 15 item 5): a malformed file,
-- a malformed section body and a header listing 100,000 ids with a bad one
-- at the end are all refused with 42501, not 22P02 / 22023, and none of
-- them is parsed.
SET ROLE regress_migrate_user;
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['SELECT migrate.add_revision(pg_temp.script())',
                  'SELECT migrate.add_revisions(ARRAY[pg_temp.script()])',
                  'SELECT migrate.upgrade()', 'SELECT migrate.downgrade()', $$SELECT migrate.stamp('base')$$,
                  $$SELECT migrate.revision('new', 'SELECT 1;', id => '7c7c7c7c0003')$$,
                  $$SELECT migrate.merge(ARRAY['7a7a7a7a0001', '7a7a7a7a0001'])$$,
                  $$SELECT migrate.add_revision('nonsense', 'x.sql')$$,
                  $$SELECT migrate.add_revisions(ARRAY['nonsense'], ARRAY['x.sql'])$$,
                  $$SELECT migrate.revision('new', E'SELECT 1;\n-- migrate:bogus')$$]) AS call;
SELECT pg_temp.try($$SELECT migrate.add_revision(E'-- migrate:revision 7d7d7d7d0004\n-- migrate:revises base\n-- migrate:depends '
                   || string_agg('d' || i, ',') || E',not an id!\n\n-- migrate:upgrade\nSELECT 1;\n', 'huge.sql')
                   FROM generate_series(1, 100000) i$$) AS huge_malformed_header;
RESET ROLE;
-- the monitoring role granted EXECUTE on the state-changing functions; the
-- last call: load() needs superuser or pg_read_server_files first ...
SET ROLE regress_migrate_monitor;
SELECT call, pg_temp.try(call) AS result
FROM unnest(ARRAY['SELECT migrate.upgrade()', $$SELECT migrate.upgrade('7a7a7a7a0001')$$,
                  $$SELECT migrate.stamp('heads')$$, $$SELECT migrate.revision('new', 'SELECT 1;')$$,
                  'SELECT migrate.add_revisions(ARRAY[pg_temp.script()])',
                  $$SELECT migrate.load('/nonexistent')$$]) AS call;
RESET ROLE;
-- ... and with pg_read_server_files, still the owner check
GRANT pg_read_server_files TO regress_migrate_monitor;
SET ROLE regress_migrate_monitor;
SELECT migrate.load('/nonexistent');
\echo :SQLSTATE
RESET ROLE;
REVOKE pg_read_server_files FROM regress_migrate_monitor;
SELECT * FROM migrate.current();
SELECT count(*) AS revisions FROM migrate.revision;
SELECT count(*) AS history_rows FROM migrate.history;
SELECT to_regclass('notes') AS notes;

-- ---------------------------------------------------------------------------
-- Another superuser may change state; history records who did it.
-- ---------------------------------------------------------------------------
CREATE ROLE regress_migrate_admin SUPERUSER;
SET ROLE regress_migrate_admin;
SELECT migrate.upgrade();
RESET ROLE;
SELECT revision, action, role FROM migrate.history ORDER BY id DESC LIMIT 1;
SELECT migrate.downgrade('base');

-- ---------------------------------------------------------------------------
-- Revision SQL runs with the caller's privileges, not the owner's: a member
-- of the owning role passes the owner check, but a revision reading a table
-- it may not read fails with 42501 (a superuser would have read it).
-- ---------------------------------------------------------------------------
CREATE ROLE regress_migrate_member;
CREATE ROLE regress_migrate_other;
DO $$
BEGIN
    EXECUTE format('GRANT %I TO regress_migrate_member',
                   (SELECT extowner::regrole::text FROM pg_extension
                    WHERE extname = 'migrate'));
END
$$;
CREATE SCHEMA regress_private AUTHORIZATION regress_migrate_other;
CREATE TABLE regress_private.secrets (x integer);
ALTER TABLE regress_private.secrets OWNER TO regress_migrate_other;
SELECT migrate.add_revision($$-- migrate:revision 7b7b7b7b0002
-- migrate:revises 7a7a7a7a0001
-- migrate:message copy secrets
-- migrate:upgrade
CREATE TABLE notes_secrets AS SELECT * FROM regress_private.secrets;
-- migrate:downgrade
DROP TABLE notes_secrets;
$$, '7b7b7b7b0002_copy_secrets.sql');
SET ROLE regress_migrate_member;
SELECT migrate.upgrade();
\echo :SQLSTATE
RESET ROLE;
SELECT * FROM migrate.current();
-- once the owner of the table grants access, the same call works
GRANT USAGE ON SCHEMA regress_private TO regress_migrate_member;
GRANT SELECT ON regress_private.secrets TO regress_migrate_member;
SET ROLE regress_migrate_member;
SELECT migrate.upgrade();
RESET ROLE;
SELECT * FROM migrate.current();
SELECT revision, action, role FROM migrate.history
WHERE revision = '7b7b7b7b0002' ORDER BY id;
SELECT migrate.downgrade('base');

DROP EXTENSION migrate CASCADE;
SET client_min_messages = warning;
DROP SCHEMA regress_private CASCADE;
DROP OWNED BY regress_migrate_user, regress_migrate_admin,
              regress_migrate_member, regress_migrate_other,
              regress_migrate_nobody, regress_migrate_monitor;
DROP ROLE regress_migrate_user;
DROP ROLE regress_migrate_nobody;
DROP ROLE regress_migrate_monitor;
DROP ROLE regress_migrate_admin;
DROP ROLE regress_migrate_member;
DROP ROLE regress_migrate_other;
