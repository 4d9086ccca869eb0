--
-- 10_catalog: the extension's catalog and packaging: the tables are
-- dumped by pg_dump (pg_extension_config_dump), PUBLIC has no privilege on
-- them nor on any function, nothing is SECURITY DEFINER,
-- state changes take the documented advisory lock and read-only functions
-- none, and the extension can be dropped and re-created in one session.
--
CREATE EXTENSION migrate;

-- The objects of the extension.
SELECT pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')
ORDER BY 1;

-- The three tables (and the history id sequence) are configuration
-- tables, dumped in full.
SELECT c.relname, c.relkind, cond.cond AS dump_condition
FROM pg_extension e,
     unnest(e.extconfig, e.extcondition) AS cond(reloid, cond)
     JOIN pg_class c ON c.oid = cond.reloid
WHERE e.extname = 'migrate'
ORDER BY c.relname;

-- PUBLIC has no privilege at all on them.
SELECT c.relname,
       has_table_privilege('public', c.oid, 'SELECT') AS sel,
       has_table_privilege('public', c.oid, 'INSERT') AS ins,
       has_table_privilege('public', c.oid, 'UPDATE') AS upd,
       has_table_privilege('public', c.oid, 'DELETE') AS del,
       has_table_privilege('public', c.oid, 'TRUNCATE') AS trunc,
       EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = 0) AS public_in_acl
FROM pg_class c
WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'S')
ORDER BY c.relname;

-- Functions: PUBLIC may execute none of them (read-only ones are granted
-- to monitoring roles explicitly, see 09_privileges); none is SECURITY
-- DEFINER; read-only ones are STABLE.
SELECT p.oid::regprocedure AS function,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
       p.prosecdef AS security_definer, p.provolatile AS volatility
FROM pg_proc p
WHERE p.pronamespace = 'migrate'::regnamespace
ORDER BY p.proname;

-- ---------------------------------------------------------------------------
-- Locking: a state change holds the transaction-level advisory lock on the
-- fixed key 30796665482998885 (the bytes of "migrate"); reading takes none.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revision($$-- migrate:revision 8c8c8c8c0001
-- migrate:revises base
-- migrate:message nothing much
-- migrate:upgrade
SELECT 1;
-- migrate:downgrade
SELECT 2;
$$, '8c8c8c8c0001_nothing_much.sql');

BEGIN;
SELECT * FROM migrate.current();
SELECT * FROM migrate.plan();
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
SELECT migrate.upgrade();
SELECT classid::bigint << 32 | objid::bigint AS key, objsubid, mode, granted
FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
-- released at commit
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();

-- the read-only functions of 0.2 take none either
BEGIN;
SELECT pending FROM migrate.status();
SELECT migrate.check();
SELECT count(*) AS problems FROM migrate.validate();
SELECT length(migrate.script('8c8c')) > 0 AS script,
       length(migrate.upgrade_sql()) > 0 AS upgrade_sql,
       length(migrate.downgrade_sql('base')) > 0 AS downgrade_sql;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

-- stamp and add_revision take it too
BEGIN;
SELECT migrate.stamp('base');
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
BEGIN;
SELECT migrate.add_revision(script) FROM migrate.revision;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
-- ... and so do revision() and load() (merge(): 11_authoring)
BEGIN;
SELECT migrate.revision('locked', 'SELECT 1;', id => '8c8c8c8c0002');
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
BEGIN;
-- an empty directory (relative paths are relative to the data directory)
SELECT migrate.load('pg_tblspc');
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;

-- ---------------------------------------------------------------------------
-- Drop and re-create in the same session: nothing cached goes stale.
-- ---------------------------------------------------------------------------
SELECT migrate.downgrade('base');
DROP EXTENSION migrate;
CREATE EXTENSION migrate;
SELECT migrate.add_revision($$-- migrate:revision 8d8d8d8d0001
-- migrate:revises base
-- migrate:message again
-- migrate:upgrade
CREATE TABLE again (id integer);
-- migrate:downgrade
DROP TABLE again;
$$, '8d8d8d8d0001_again.sql');
SELECT migrate.upgrade();
SELECT revision, action FROM migrate.history ORDER BY id;
SELECT revision, source FROM migrate.show('8d8d');
SELECT migrate.downgrade('base');

DROP EXTENSION migrate CASCADE;
