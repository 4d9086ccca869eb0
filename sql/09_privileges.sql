--
-- 09_privileges: only the extension owner and superusers change state.
-- Other roles get a clean 42501: "permission denied for function ..." when
-- they lack EXECUTE (revoked from PUBLIC), and the owner check when EXECUTE
-- was granted.  Revision SQL runs with the caller's privileges.
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
GRANT USAGE ON SCHEMA migrate TO regress_migrate_user;

-- A script that would be valid, for the calls below.
\set script '''-- migrate:revision 7b7b7b7b0002\n-- migrate:revises 7a7a7a7a0001\n-- migrate:upgrade\n'''

-- ---------------------------------------------------------------------------
-- Without EXECUTE: every state-changing function is refused by PostgreSQL.
-- ---------------------------------------------------------------------------
SET ROLE regress_migrate_user;
SELECT migrate.add_revision(E:script);
\echo :SQLSTATE
SELECT migrate.add_revisions(ARRAY[E:script]);
\echo :SQLSTATE
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT migrate.downgrade();
\echo :SQLSTATE
SELECT migrate.stamp('base');
\echo :SQLSTATE
-- The catalog tables are closed to it too.
SELECT * FROM migrate.version;
\echo :SQLSTATE
INSERT INTO migrate.version VALUES ('7a7a7a7a0001');
\echo :SQLSTATE
-- Read-only functions are executable, but read the catalog with the
-- caller's privileges: without SELECT on it they fail cleanly (42501).
\set SHOW_CONTEXT never
SELECT * FROM migrate.current();
\echo :SQLSTATE
SELECT * FROM migrate.heads();
\echo :SQLSTATE
SELECT * FROM migrate.plan();
\echo :SQLSTATE
\set SHOW_CONTEXT errors
RESET ROLE;

-- Granting SELECT on the catalog makes the read-only functions usable.
GRANT SELECT ON ALL TABLES IN SCHEMA migrate TO regress_migrate_user;
SET ROLE regress_migrate_user;
SELECT * FROM migrate.current();
SELECT revision, message FROM migrate.heads();
SELECT revision, message, is_applied FROM migrate.history();
SELECT * FROM migrate.plan();
SELECT revision, message FROM migrate.show('7a7a');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- With EXECUTE (and even full table privileges) but not the owner: refused
-- by the owner check, before anything is read or changed.
-- ---------------------------------------------------------------------------
GRANT EXECUTE ON FUNCTION migrate.add_revision(text, text),
    migrate.add_revisions(text[], text[]), migrate.upgrade(text),
    migrate.downgrade(text), migrate.stamp(text, boolean)
    TO regress_migrate_user;
GRANT ALL ON ALL TABLES IN SCHEMA migrate TO regress_migrate_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA migrate TO regress_migrate_user;
SET ROLE regress_migrate_user;
SELECT migrate.add_revision(E:script);
\echo :SQLSTATE
SELECT migrate.add_revisions(ARRAY[E:script]);
\echo :SQLSTATE
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT migrate.downgrade();
\echo :SQLSTATE
SELECT migrate.stamp('base');
\echo :SQLSTATE
-- a parse error is still reported as such (parsing needs no privilege)
SELECT migrate.add_revision('nonsense', 'x.sql');
\echo :SQLSTATE
RESET ROLE;
SELECT * FROM migrate.current();
SELECT count(*) AS revisions FROM migrate.revision;
SELECT to_regclass('notes') AS notes;

-- ---------------------------------------------------------------------------
-- Another superuser may change state; history records who did it.
-- ---------------------------------------------------------------------------
CREATE ROLE regress_migrate_admin SUPERUSER;
SET ROLE regress_migrate_admin;
SELECT migrate.upgrade();
RESET ROLE;
SELECT revision, action, role FROM migrate.history ORDER BY id;
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
              regress_migrate_member, regress_migrate_other;
DROP ROLE regress_migrate_user;
DROP ROLE regress_migrate_admin;
DROP ROLE regress_migrate_member;
DROP ROLE regress_migrate_other;
