--
-- 05_stamp_history: stamp() sets the version set without running anything;
-- the history table logs every upgrade, downgrade and stamp; a downgrade
-- across an irreversible revision fails before running anything.
--
CREATE EXTENSION migrate;
CREATE TABLE steps (id text PRIMARY KEY);

CREATE FUNCTION pg_temp.rev(id text, revises text, message text,
                            branch text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision(
    format(E'-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n', id, revises, message)
    || coalesce(format(E'-- migrate:branch %s\n', branch), '')
    || format(E'\n-- migrate:upgrade\nINSERT INTO steps VALUES (%L);\n'
              '\n-- migrate:downgrade\nDELETE FROM steps WHERE id = %L;\n', id, id),
    id || '.sql')
$f$;

--   a1 -> b1 -+-> c1 (billing) -> d1
--             +-> c2 (reports)
SELECT pg_temp.rev('a1a1a1', 'base', 'one');
SELECT pg_temp.rev('b1b1b1', 'a1a1a1', 'two');
SELECT pg_temp.rev('c1c1c1', 'b1b1b1', 'billing one', 'billing');
SELECT pg_temp.rev('c2c2c2', 'b1b1b1', 'reports one', 'reports');
SELECT pg_temp.rev('d1d1d1', 'c1c1c1', 'billing two');

-- ---------------------------------------------------------------------------
-- stamp
-- ---------------------------------------------------------------------------
-- stamp runs no SQL: steps stays empty.
SELECT migrate.stamp('b1b1b1');
SELECT * FROM migrate.current();
TABLE steps;

-- Stamping a revision moves only that line: b1b1b1 is below c2c2c2, so the
-- version set becomes c2c2c2.
SELECT migrate.stamp('reports@head');
SELECT * FROM migrate.current();
-- Stamping the other branch keeps the reports head.
SELECT migrate.stamp('d1d1d1');
SELECT * FROM migrate.current();
-- Stamping down one branch (d1 -> c1) keeps the other.
SELECT migrate.stamp('c1c1c1');
SELECT * FROM migrate.current();
-- Stamping below the branch point replaces both heads.
SELECT migrate.stamp('a1a1a1');
SELECT * FROM migrate.current();
-- heads
SELECT migrate.stamp('heads');
SELECT * FROM migrate.current();
-- purge: the version set becomes exactly the target, whatever was there.
SELECT migrate.stamp('c1c1c1', true);
SELECT * FROM migrate.current();
SELECT migrate.stamp('c2c2c2', purge => true);
SELECT * FROM migrate.current();
-- relative targets work from the stamped state
SELECT migrate.stamp('-1');
SELECT * FROM migrate.current();
-- stamp base
SELECT migrate.stamp('base');
SELECT * FROM migrate.current();
SELECT count(*) AS version_rows FROM migrate.version;
-- errors: head with several heads, nothing below base, unknown revision
SELECT migrate.stamp('head');
\echo :SQLSTATE
SELECT migrate.stamp('-1');
\echo :SQLSTATE
SELECT migrate.stamp('nosuch');
\echo :SQLSTATE
SELECT * FROM migrate.current();
TABLE steps;

-- Each revision a stamp marks is logged with its checksum, each it unmarks
-- without one; role is the caller.
SELECT h.revision, h.action, h.checksum = r.checksum AS checksum_matches,
       h.checksum IS NULL AS unmarked, h.role = current_user AS by_me
FROM migrate.history h JOIN migrate.revision r ON r.id = h.revision
ORDER BY h.id;
TRUNCATE migrate.history;

-- A stamped state upgrades from there (a1, b1 are not run again).
SELECT migrate.stamp('b1b1b1');
SELECT migrate.upgrade('billing@head');
TABLE steps;
SELECT migrate.downgrade('b1b1b1');
SELECT migrate.stamp('base');

-- ---------------------------------------------------------------------------
-- history rows of upgrade and downgrade
-- ---------------------------------------------------------------------------
TRUNCATE migrate.history;
SELECT migrate.upgrade('heads');
SELECT migrate.downgrade('billing@-1');
SELECT h.revision, h.action, h.checksum = r.checksum AS checksum_matches,
       h.role = current_user AS by_me, h.duration >= '0'::interval AS duration_ok
FROM migrate.history h JOIN migrate.revision r ON r.id = h.revision
ORDER BY h.id;
-- all rows of one upgrade() call share its transaction id
SELECT action, count(DISTINCT xid) AS transactions, count(*) AS rows
FROM migrate.history GROUP BY action ORDER BY action;
-- a failed upgrade logs nothing
SELECT migrate.add_revision($$-- migrate:revision e1e1e1
-- migrate:revises d1d1d1, c2c2c2
-- migrate:message broken merge
-- migrate:upgrade
SELECT 1/0;
$$, 'e1e1e1.sql');
SELECT migrate.upgrade();
SELECT count(*) AS history_rows FROM migrate.history;
SELECT migrate.downgrade('base');

-- ---------------------------------------------------------------------------
-- Downgrading across a revision without a downgrade section fails before
-- running anything, naming the revision and its file.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revision($$-- migrate:revision 9f9f9f
-- migrate:revises a1a1a1
-- migrate:message drop legacy data

-- migrate:upgrade
INSERT INTO steps VALUES ('9f9f9f');
$$, '9f9f9f_drop_legacy_data.sql');
SELECT migrate.add_revision($$-- migrate:revision 9f9f9g
-- migrate:revises 9f9f9f
-- migrate:message after legacy

-- migrate:upgrade
INSERT INTO steps VALUES ('9f9f9g');
-- migrate:downgrade
DELETE FROM steps WHERE id = '9f9f9g';
$$, '9f9f9g_after_legacy.sql');
SELECT migrate.upgrade('9f9f9g');
SELECT * FROM migrate.current();
-- the plan shows it; running it fails before 9f9f9g's downgrade runs
SELECT * FROM migrate.plan('a1a1a1');
SELECT migrate.downgrade('a1a1a1');
\echo :SQLSTATE
SELECT migrate.downgrade('base');
\echo :SQLSTATE
SELECT * FROM migrate.current();
TABLE steps ORDER BY id;
-- downgrading only what is above it works
SELECT migrate.downgrade('-1');
-- stamp moves past it without running anything
SELECT migrate.stamp('a1a1a1');
SELECT * FROM migrate.current();

DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
