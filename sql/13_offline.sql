--
-- 13_offline: upgrade_sql() and downgrade_sql() return one script for
-- "psql -v ON_ERROR_STOP=1 -f": BEGIN, a guard refusing any other state
-- than the one it was generated for, per revision a "-- Running upgrade
-- A -> B" comment, its SQL and its history row, the version set, COMMIT.
-- A "transaction false" revision is placed between transactions, under a
-- session-level lock.  Generating a script changes nothing and takes no
-- lock.  (test/suites/offline.sh runs the scripts and compares the result
-- with upgrade()/downgrade().)
--
CREATE EXTENSION migrate;
\pset format unaligned
\pset tuples_only on

SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 13aa00000001
-- migrate:revises base
-- migrate:message create parcels
-- migrate:branch parcels

-- migrate:upgrade
CREATE TABLE parcels (id integer PRIMARY KEY, weight numeric);
-- a comment after the last statement

-- migrate:downgrade
DROP TABLE parcels
$$,
$$-- migrate:revision 13bb00000002
-- migrate:revises 13aa00000001

-- migrate:upgrade
INSERT INTO parcels VALUES (1, 2.5), (2, 10);
CREATE FUNCTION parcel_count() RETURNS bigint LANGUAGE sql
AS $f$ SELECT count(*) FROM parcels; $f$;

-- migrate:downgrade
DROP FUNCTION parcel_count();
DELETE FROM parcels;
$$,
$$-- migrate:revision 13cc00000003
-- migrate:revises 13aa00000001
-- migrate:message create carriers
-- migrate:branch carriers

-- migrate:upgrade
CREATE TABLE carriers (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE carriers;
$$,
$$-- migrate:revision 13dd00000004
-- migrate:revises 13bb00000002, 13cc00000003
-- migrate:message merge parcels and carriers

-- migrate:upgrade

-- migrate:downgrade
$$,
$$-- migrate:revision 13ee00000005
-- migrate:revises 13dd00000004
-- migrate:message no way back

-- migrate:upgrade
ALTER TABLE parcels ADD COLUMN id_carrier integer REFERENCES carriers (id);
$$]);

-- From base to heads: five revisions in upgrade order, the merge empty.
SELECT migrate.upgrade_sql();
-- The default target is heads.
SELECT migrate.upgrade_sql() = migrate.upgrade_sql('heads') AS default_is_heads;
-- To a branch only.
SELECT migrate.upgrade_sql('carriers@head');

-- Generating changed nothing, and took no lock.
BEGIN;
SELECT length(migrate.upgrade_sql()) > 0 AS generated;
SELECT length(migrate.downgrade_sql('base')) > 0 AS generated;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
SELECT count(*) AS history_rows FROM migrate.history;
SELECT count(*) AS version_rows FROM migrate.version;

-- From a partial state: the guard names the current version set (sorted).
SET client_min_messages = warning;
SELECT migrate.upgrade('13cc00000003');
SELECT migrate.upgrade('13bb00000002');
RESET client_min_messages;
SELECT * FROM migrate.current();
SELECT migrate.upgrade_sql();
-- Nothing to do: still a valid script, with only the guard and bookkeeping.
SELECT migrate.upgrade_sql('13cc00000003');

-- Downgrades: to base, and relative.
SET client_min_messages = warning;
SELECT migrate.upgrade('13dd00000004');
RESET client_min_messages;
SELECT migrate.downgrade_sql('base');
SELECT migrate.downgrade_sql('-1');
SELECT migrate.downgrade_sql('carriers@-1');

-- ---------------------------------------------------------------------------
-- A "transaction false" revision: the state so far is committed, its SQL
-- runs outside a transaction block, the rest in a new one; the advisory
-- lock is taken at session level for the whole script.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revision($$-- migrate:revision 13ff00000006
-- migrate:revises 13ee00000005
-- migrate:message index parcels concurrently
-- migrate:transaction false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY parcels_weight_idx ON parcels (weight);

-- migrate:downgrade
DROP INDEX CONCURRENTLY parcels_weight_idx;
$$);
SELECT migrate.add_revision($$-- migrate:revision 13ff00000007
-- migrate:revises 13ff00000006
-- migrate:message after the index

-- migrate:upgrade
CREATE TABLE after_index (id integer);

-- migrate:downgrade
DROP TABLE after_index;
$$);
SELECT migrate.upgrade_sql();
-- upgrade() itself refuses it, before running anything
\pset tuples_only off
\pset format aligned
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT * FROM migrate.current();
\pset format unaligned
\pset tuples_only on
SELECT migrate.stamp('heads');
SELECT migrate.downgrade_sql('13ee00000005');

-- ---------------------------------------------------------------------------
-- Errors are the same as upgrade()'s and downgrade()'s.
-- ---------------------------------------------------------------------------
\pset tuples_only off
\pset format aligned
-- refused(call): SELECT call must fail; its SQLSTATE, message and HINT.
CREATE FUNCTION pg_temp.refused(call text, OUT state text, OUT message text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'SELECT ' || call;
    state := 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
END
$$;
-- an irreversible revision on the way down
SELECT * FROM pg_temp.refused($$migrate.downgrade_sql('base')$$);
-- several heads, an unknown target, a bad relative one, past the head
SELECT migrate.add_revision($$-- migrate:revision 13zz00000000
-- migrate:revises base
-- migrate:upgrade
$$);
SELECT call, r.*
FROM unnest(ARRAY[$$migrate.upgrade_sql('head')$$, $$migrate.upgrade_sql('nothing')$$,
                  $$migrate.upgrade_sql('+x')$$, $$migrate.downgrade_sql('+1')$$]) AS call,
     LATERAL pg_temp.refused(call) AS r;
SELECT migrate.upgrade_sql(NULL) IS NULL AS strict, migrate.downgrade_sql(NULL) IS NULL AS strict;
-- downgrade_sql() has no default target
SELECT migrate.downgrade_sql();
\echo :SQLSTATE

DROP EXTENSION migrate CASCADE;
DROP TABLE parcels, carriers CASCADE;
