--
-- 04_branches: branches with labels, merges, depends (expand/contract),
-- and the deterministic order of revisions that are ready together.
-- Every revision's upgrade inserts its id into table steps, its downgrade
-- deletes it.
--
CREATE EXTENSION migrate;
CREATE TABLE steps (id text PRIMARY KEY);

-- rev(id, revises, message, branch, depends): add a revision that records
-- itself in steps.
CREATE FUNCTION pg_temp.rev(id text, revises text, message text,
                            branch text DEFAULT NULL, depends text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision(
    concat(format(E'-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n', id, revises, message),
           E'-- migrate:branch ' || branch || E'\n', E'-- migrate:depends ' || depends || E'\n',
           format(E'\n-- migrate:upgrade\nINSERT INTO steps VALUES (%L);\n'
                  '\n-- migrate:downgrade\nDELETE FROM steps WHERE id = %L;\n', id, id)),
    id || '.sql')
$f$;

-- go(step, ...): run "upgrade T", "downgrade T" or "stamp T" (T left out:
-- the default) one after the other.  A row a step: what it returned, the
-- version set and the steps table after it, and its error if it failed
-- (SQLSTATE: message HINT: hint), in which case it is rolled back on its own.
-- The NOTICEs of the steps come before the rows.
CREATE FUNCTION pg_temp.go(VARIADIC steps text[])
RETURNS TABLE (step text, returned text, version_set text, ran text, error text)
LANGUAGE plpgsql AS $f$
DECLARE err_state text; err_msg text; err_hint text;
BEGIN
  FOREACH step IN ARRAY steps LOOP
    returned := NULL; error := NULL;
    BEGIN
      EXECUTE format('SELECT migrate.%s(%s)::text', split_part(step, ' ', 1),
                     quote_literal(nullif(split_part(step, ' ', 2), ''))) INTO returned;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_hint = PG_EXCEPTION_HINT;
      error := format('%s: %s', err_state, err_msg) || coalesce(' HINT: ' || nullif(err_hint, ''), '');
    END;
    SELECT string_agg(c, ', ' ORDER BY c) INTO version_set FROM migrate.current() AS c;
    SELECT string_agg(id, ', ' ORDER BY id) INTO ran FROM steps;
    RETURN NEXT;
  END LOOP;
END $f$;

-- ---------------------------------------------------------------------------
-- Two labelled branches off a common trunk:
--
--   a1b2c3 -> b1b2c3 -+-> c1aa01 (billing) -> d1aaaa
--                     +-> c1aa02 (reports)
-- ---------------------------------------------------------------------------
-- tree(): add these five revisions (again in the last part of this file).
CREATE FUNCTION pg_temp.tree() RETURNS SETOF text LANGUAGE sql AS $f$
  SELECT pg_temp.rev(id, revises, message, branch)
  FROM (VALUES ('a1b2c3', 'base', 'one', NULL), ('b1b2c3', 'a1b2c3', 'two', NULL),
               ('c1aa01', 'b1b2c3', 'billing one', 'billing'), ('c1aa02', 'b1b2c3', 'reports one', 'reports'),
               ('d1aaaa', 'c1aa01', 'billing two', NULL)) AS t(id, revises, message, branch)
$f$;
SELECT pg_temp.tree();

-- heads() shows the branch labels of each head, branches() the branch point.
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();

-- 'head' is refused when there are several heads, and nothing is applied.
SELECT * FROM migrate.plan('head');
SELECT * FROM pg_temp.go('upgrade head', 'stamp head');

-- Walking +N through the branch point needs a branch name.
SELECT * FROM pg_temp.go('upgrade b1b2c3', 'upgrade +1', 'upgrade b1b2c3+1', 'upgrade billing@+1');

-- A label names its revision; label@head the head of its branch.
SELECT * FROM pg_temp.go('upgrade reports', 'upgrade billing@head');

-- With two current heads, +N and -N are ambiguous unless the branch is named;
-- then <label>@<junk> and unknown labels.
SELECT * FROM pg_temp.go('downgrade -1', 'downgrade billing@-1', 'upgrade billing@+1', 'downgrade reports@-1',
                         'upgrade billing@tip', 'downgrade nolabel@-1');

-- label@base: the first revision of the branch (downgrade removes it and
-- what is above it on that branch; upgrade applies up to it).
SELECT * FROM pg_temp.go('downgrade billing@base', 'upgrade billing@base', 'downgrade reports@base');

-- 'heads' applies every branch; ready revisions go smallest id first
-- (c1aa02 before d1aaaa although d1aaaa's branch was started first).
SELECT * FROM pg_temp.go('downgrade b1b2c3');
SELECT * FROM migrate.plan('heads');
SELECT * FROM pg_temp.go('upgrade heads');

-- Downgrading below the branch point removes both branches, newest first.
SELECT * FROM migrate.plan('a1b2c3');
SELECT * FROM pg_temp.go('downgrade a1b2c3');

-- ---------------------------------------------------------------------------
-- A merge:  d1aaaa, c1aa02 -> e1e1e1.  The merge inherits both labels.
-- ---------------------------------------------------------------------------
SELECT pg_temp.rev('e1e1e1', 'd1aaaa, c1aa02', 'merge billing and reports');
SELECT * FROM migrate.heads();
SELECT * FROM migrate.plan('head');
-- the NOTICE of a merge names both parents
SELECT * FROM pg_temp.go('upgrade head');
-- billing@head and reports@head are now the merge
SELECT * FROM migrate.plan('billing@head');
SELECT * FROM migrate.plan('reports@head');

-- Walking -N down through a merge is ambiguous; -1 is fine; and back up
-- through the merge from one branch, but not past the head.
SELECT * FROM pg_temp.go('downgrade -2', 'downgrade e1e1e1-1', 'downgrade',
                         'upgrade c1aa02+1', 'upgrade c1aa02+2', 'downgrade base');

DROP EXTENSION migrate CASCADE;
TRUNCATE steps;

-- ---------------------------------------------------------------------------
-- depends: expand/contract.  The contract head depends on the expand head;
-- after upgrade('heads') the version set is only the contract head.
--
--   0000aa -+-> e0e0e0 (expand)
--           +-> c0c0c0 (contract, depends on e0e0e0)
-- ---------------------------------------------------------------------------
CREATE EXTENSION migrate;
SELECT pg_temp.rev('0000aa', 'base', 'core');
SELECT pg_temp.rev('e0e0e0', '0000aa', 'expand: add column', 'expand');
SELECT pg_temp.rev('c0c0c0', '0000aa', 'contract: drop old column', 'contract', 'e0e0e0');
SELECT * FROM migrate.heads();
-- c0c0c0 sorts first but must wait for e0e0e0
SELECT * FROM migrate.plan('heads');
SELECT * FROM pg_temp.go('upgrade heads');
SELECT revision FROM migrate.version;
-- upgrading to the contract head alone brings its dependency along
SELECT * FROM pg_temp.go('downgrade base');
SELECT * FROM migrate.plan('contract@head');
SELECT * FROM pg_temp.go('upgrade c0c0c0');
-- downgrading the dependency takes its dependents with it
SELECT * FROM migrate.plan('0000aa');
SELECT * FROM pg_temp.go('downgrade -1', 'downgrade base');

DROP EXTENSION migrate CASCADE;

-- ---------------------------------------------------------------------------
-- Ties: among revisions ready at the same time the smallest id goes first,
-- at every step (not depth first).
--
--   zz1 -> aa1 ;  mm1 ;  mm2 (depends on aa1)
-- ---------------------------------------------------------------------------
CREATE EXTENSION migrate;
SELECT pg_temp.rev('zz1', 'base', 'zed root');
SELECT pg_temp.rev('aa1', 'zz1', 'child of zed');
SELECT pg_temp.rev('mm1', 'base', 'em root');
SELECT pg_temp.rev('mm2', 'base', 'em two', NULL, 'aa1');
SELECT * FROM migrate.plan();
SELECT * FROM pg_temp.go('upgrade');
SELECT * FROM migrate.plan('base');
SELECT * FROM pg_temp.go('downgrade base');

DROP EXTENSION migrate CASCADE;
TRUNCATE steps;

-- ---------------------------------------------------------------------------
-- A relative step on a branch counts from what is applied on that branch,
-- trunk included: with only billing applied (current d1aaaa), the trunk
-- revision b1b2c3 is applied and is the reports branch's current position,
-- so reports@+1 is c1aa02 (and nothing is downgraded).
-- ---------------------------------------------------------------------------
CREATE EXTENSION migrate;
SELECT pg_temp.tree();
SELECT * FROM pg_temp.go('upgrade billing@head');
SELECT * FROM migrate.plan('reports@+1');
SELECT * FROM pg_temp.go('upgrade reports@+1');

DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
