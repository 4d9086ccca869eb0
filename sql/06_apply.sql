--
-- 06_apply: running revisions.  One NOTICE per revision; all of a call
-- commits or none of it does; a failing statement keeps its SQLSTATE and
-- gets a CONTEXT line naming the revision, its message, its file and the
-- statement's line in that file; "transaction false" revisions and
-- REPEATABLE READ / SERIALIZABLE callers are refused before anything runs.
--
CREATE EXTENSION migrate;

SELECT migrate.add_revision($$-- migrate:revision 100000000001
-- migrate:revises base
-- migrate:message create widgets

-- migrate:upgrade
CREATE TABLE widgets (id integer PRIMARY KEY, name text UNIQUE);

-- migrate:downgrade
DROP TABLE widgets;
$$, '100000000001_create_widgets.sql');

-- seed(upgrade, downgrade): (re)add revision 200000000002 "seed widgets" of
-- file 200000000002_seed_widgets.sql, its upgrade body starting on file
-- line 6:
--   -- migrate:revision 200000000002
--   -- migrate:revises 100000000001
--   -- migrate:message seed widgets
--
--   -- migrate:upgrade
--   <upgrade>
--   -- migrate:downgrade
--   <downgrade, by default DELETE FROM widgets;>
CREATE FUNCTION pg_temp.seed(upgrade text, downgrade text DEFAULT E'DELETE FROM widgets;\n')
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision(E'-- migrate:revision 200000000002\n-- migrate:revises 100000000001\n'
                              || E'-- migrate:message seed widgets\n\n-- migrate:upgrade\n'
                              || upgrade || E'-- migrate:downgrade\n' || downgrade,
                              '200000000002_seed_widgets.sql')
$f$;

-- The 3rd statement (file line 12) fails: widgets_log does not exist.
SELECT pg_temp.seed($$-- a comment, then three statements
INSERT INTO widgets VALUES (1, 'one');
INSERT INTO widgets
    VALUES (2, 'two');

/* a block comment */
INSERT INTO widgets_log VALUES ('seeded');
INSERT INTO widgets VALUES (3, 'three');
$$);

-- Both revisions start (two NOTICEs, the first from base), the second
-- fails: 42P01 with the file line of the failing statement.
SELECT migrate.upgrade();
\echo :SQLSTATE
-- Nothing remains: no widgets table (created by the first revision), no
-- version, no history.
SELECT to_regclass('widgets') AS widgets;
SELECT * FROM migrate.current();
SELECT count(*) AS history_rows FROM migrate.history;

-- Same inside an explicit transaction: the error aborts it.
BEGIN;
SELECT migrate.upgrade();
SELECT * FROM migrate.current();
ROLLBACK;

-- A unique violation (23505) in the 2nd statement of the body, file line 7;
-- the error keeps its DETAIL.
SELECT pg_temp.seed($$INSERT INTO widgets VALUES (1, 'one');
INSERT INTO widgets VALUES (2, 'one');
$$);
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT to_regclass('widgets') AS widgets;

-- A syntax error anywhere in the body is found before the body runs, and
-- the CONTEXT names its line (file line 8, the statement after the missing
-- semicolon).
SELECT pg_temp.seed($$INSERT INTO widgets VALUES (1, 'one');
INSERT INTO widgets VALUES (2, 'two')
INSERT INTO widgets VALUES (3, 'three');
$$);
SELECT migrate.upgrade();
\echo :SQLSTATE

-- An error raised from a DO block keeps its SQLSTATE (P0001 here) and the
-- line of the DO statement (file line 6).
SELECT pg_temp.seed($$DO $do$
BEGIN
    RAISE EXCEPTION 'widgets are not ready';
END
$do$;
$$);
SELECT migrate.upgrade();
\echo :SQLSTATE

-- Multibyte text before the error does not shift the line: the bad token
-- is on file line 11, inside a statement that starts on line 9.
SELECT $$-- migrate:revision 200000000002
-- migrate:revises 100000000001
-- migrate:message seed widgets ✓

-- migrate:upgrade

-- café crème ☕ ☕ ☕
INSERT INTO widgets VALUES (1, 'naïve ☕');
INSERT INTO widgets VALUES (2, '日本語'),
  (3, 'more ☕'),
  (4, no_such_column);
$$ AS multibyte \gset
SELECT migrate.add_revision(:'multibyte', '200000000002_seed_widgets_ünï.sql');
SELECT migrate.upgrade();
\echo :SQLSTATE
-- ... and the same for a syntax error: the same file with "oops" in place
-- of the last row (still file line 11)
SELECT migrate.add_revision(replace(:'multibyte', E',\n  (4, no_such_column);', E'\n  oops;'),
                            '200000000002_seed_widgets_ünï.sql');
SELECT migrate.upgrade();
\echo :SQLSTATE

-- A revision whose body has dollar-quoted semicolons and comments runs
-- statement by statement; the NOTICEs name parents (none for a root).
SELECT pg_temp.seed($$CREATE FUNCTION widget_name(i integer) RETURNS text
LANGUAGE plpgsql AS $fn$
BEGIN
    RETURN 'widget ' || i;  -- a semicolon; and a comment
END
$fn$;
INSERT INTO widgets SELECT g, widget_name(g) FROM generate_series(1, 3) g;
$$,
                    $$DELETE FROM widgets;
DROP FUNCTION widget_name(integer);
$$);
SELECT migrate.upgrade();
SELECT * FROM widgets ORDER BY id;
SELECT * FROM migrate.current();

-- A failing downgrade: CONTEXT says "downgrade of" and gives the file line
-- of the downgrade statement (line 8); nothing is downgraded.
SELECT migrate.add_revision($$-- migrate:revision 300000000003
-- migrate:revises 200000000002
-- migrate:message add gadgets
-- migrate:upgrade
CREATE TABLE gadgets (id integer);
-- migrate:downgrade
DROP TABLE gadgets;
DROP TABLE no_such_gadgets;
$$, '300000000003_add_gadgets.sql');
SELECT migrate.upgrade();
SELECT migrate.downgrade('base');
\echo :SQLSTATE
SELECT * FROM migrate.current();
SELECT to_regclass('gadgets') AS gadgets, to_regclass('widgets') AS widgets;

-- The downgrade section of an applied revision may be fixed (its upgrade
-- section, hence its checksum, is unchanged); then the downgrade works.
SELECT migrate.add_revision($$-- migrate:revision 300000000003
-- migrate:revises 200000000002
-- migrate:message add gadgets
-- migrate:upgrade
CREATE TABLE gadgets (id integer);
-- migrate:downgrade
DROP TABLE gadgets;
$$, '300000000003_add_gadgets.sql');
SELECT migrate.downgrade('-1');
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- The caller's transaction: upgrade() inside BEGIN ... ROLLBACK leaves
-- nothing; inside a savepoint, a failure can be rolled back and retried.
-- ---------------------------------------------------------------------------
BEGIN;
SELECT migrate.upgrade();
SELECT * FROM migrate.current();
ROLLBACK;
SELECT * FROM migrate.current();
SELECT to_regclass('gadgets') AS gadgets;

CREATE TABLE gadgets (id integer);  -- makes the upgrade fail (42P07)
BEGIN;
SAVEPOINT before_upgrade;
SELECT migrate.upgrade();
\echo :SQLSTATE
ROLLBACK TO SAVEPOINT before_upgrade;
DROP TABLE gadgets;
SELECT migrate.upgrade();
COMMIT;
SELECT * FROM migrate.current();

-- A revision cannot call migrate itself.
SELECT migrate.add_revision($$-- migrate:revision 400000000004
-- migrate:revises 300000000003
-- migrate:message reentrant
-- migrate:upgrade
SELECT migrate.upgrade();
$$, '400000000004_reentrant.sql');
SELECT migrate.upgrade();
\echo :SQLSTATE
-- Transaction control in a revision is refused, not executed.
SELECT migrate.add_revision($$-- migrate:revision 400000000004
-- migrate:revises 300000000003
-- migrate:message commits
-- migrate:upgrade
CREATE TABLE t400 (id integer);
COMMIT;
$$, '400000000004_commits.sql');
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT * FROM migrate.current();
SELECT to_regclass('t400') AS t400;

-- ---------------------------------------------------------------------------
-- "-- migrate:transaction false": upgrade() stops before running anything,
-- even the revisions planned before it (25001, with a hint about the
-- migrate program).
-- ---------------------------------------------------------------------------
SELECT migrate.add_revision($$-- migrate:revision 400000000004
-- migrate:revises 300000000003
-- migrate:message widen widgets
-- migrate:upgrade
ALTER TABLE widgets ADD COLUMN size integer;
-- migrate:downgrade
ALTER TABLE widgets DROP COLUMN size;
$$, '400000000004_widen_widgets.sql');
SELECT migrate.add_revision($$-- migrate:revision 500000000005
-- migrate:revises 400000000004
-- migrate:message index widgets concurrently
-- migrate:transaction false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY widgets_size_idx ON widgets (size);

-- migrate:downgrade
DROP INDEX CONCURRENTLY widgets_size_idx;
$$, '500000000005_index_widgets.sql');
SELECT * FROM migrate.plan();
SELECT migrate.upgrade();
\echo :SQLSTATE
SELECT * FROM migrate.current();
-- the revisions before it can be applied on their own
SELECT migrate.upgrade('400000000004');
-- downgrading across it is refused too (after a stamp past it)
SELECT migrate.stamp('500000000005');
SELECT migrate.downgrade('base');
\echo :SQLSTATE
SELECT migrate.stamp('400000000004');

-- ---------------------------------------------------------------------------
-- REPEATABLE READ and SERIALIZABLE callers are refused (25000) by every
-- state-changing function; read-only functions are fine there.
-- ---------------------------------------------------------------------------
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.upgrade();
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT migrate.upgrade();
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT migrate.downgrade();
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.stamp('base');
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.add_revision($$-- migrate:revision 600000000006
-- migrate:revises 400000000004
-- migrate:upgrade
$$);
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT * FROM migrate.current();
SELECT count(*) AS planned FROM migrate.plan();
COMMIT;
-- READ COMMITTED in an explicit transaction is fine.
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT migrate.downgrade();
ROLLBACK;
SELECT * FROM migrate.current();

DROP EXTENSION migrate CASCADE;
DROP TABLE widgets;
DROP FUNCTION widget_name(integer);
DROP TABLE gadgets;
