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
    format(E'-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n', id, revises, message)
    || coalesce(format(E'-- migrate:branch %s\n', branch), '')
    || coalesce(format(E'-- migrate:depends %s\n', depends), '')
    || format(E'\n-- migrate:upgrade\nINSERT INTO steps VALUES (%L);\n'
              '\n-- migrate:downgrade\nDELETE FROM steps WHERE id = %L;\n', id, id),
    id || '.sql')
$f$;

-- ---------------------------------------------------------------------------
-- Two labelled branches off a common trunk:
--
--   a1b2c3 -> b1b2c3 -+-> c1aa01 (billing) -> d1aaaa
--                     +-> c1aa02 (reports)
-- ---------------------------------------------------------------------------
SELECT pg_temp.rev('a1b2c3', 'base', 'one');
SELECT pg_temp.rev('b1b2c3', 'a1b2c3', 'two');
SELECT pg_temp.rev('c1aa01', 'b1b2c3', 'billing one', 'billing');
SELECT pg_temp.rev('c1aa02', 'b1b2c3', 'reports one', 'reports');
SELECT pg_temp.rev('d1aaaa', 'c1aa01', 'billing two');

-- heads() shows the branch labels of each head, branches() the branch point.
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();

-- 'head' is refused when there are several heads, and nothing is applied.
SELECT migrate.upgrade('head');
\echo :SQLSTATE
SELECT * FROM migrate.plan('head');
SELECT migrate.stamp('head');
SELECT * FROM migrate.current();
TABLE steps;

-- Walking +N through the branch point needs a branch name.
SELECT migrate.upgrade('b1b2c3');
SELECT migrate.upgrade('+1');
\echo :SQLSTATE
SELECT migrate.upgrade('b1b2c3+1');
SELECT migrate.upgrade('billing@+1');
SELECT * FROM migrate.current();

-- A label names its revision; label@head the head of its branch.
SELECT migrate.upgrade('reports');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('billing@head');
SELECT * FROM migrate.current();
TABLE steps ORDER BY id;

-- With two current heads, +N and -N are ambiguous unless the branch is named.
SELECT migrate.downgrade('-1');
\echo :SQLSTATE
SELECT migrate.downgrade('billing@-1');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('billing@+1');
SELECT * FROM migrate.current();
SELECT migrate.downgrade('reports@-1');
SELECT * FROM migrate.current();
-- <label>@<junk> and unknown labels
SELECT migrate.upgrade('billing@tip');
\echo :SQLSTATE
SELECT migrate.downgrade('nolabel@-1');
\echo :SQLSTATE

-- label@base: the first revision of the branch (downgrade removes it and
-- what is above it on that branch; upgrade applies up to it).
SELECT migrate.downgrade('billing@base');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('billing@base');
SELECT * FROM migrate.current();
SELECT migrate.downgrade('reports@base');
SELECT * FROM migrate.current();

-- 'heads' applies every branch; ready revisions go smallest id first
-- (c1aa02 before d1aaaa although d1aaaa's branch was started first).
SELECT migrate.downgrade('b1b2c3');
SELECT * FROM migrate.plan('heads');
SELECT migrate.upgrade('heads');
SELECT * FROM migrate.current();

-- Downgrading below the branch point removes both branches, newest first.
SELECT * FROM migrate.plan('a1b2c3');
SELECT migrate.downgrade('a1b2c3');
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- A merge:  d1aaaa, c1aa02 -> e1e1e1.  The merge inherits both labels.
-- ---------------------------------------------------------------------------
SELECT pg_temp.rev('e1e1e1', 'd1aaaa, c1aa02', 'merge billing and reports');
SELECT * FROM migrate.heads();
SELECT * FROM migrate.plan('head');
-- the NOTICE of a merge names both parents
SELECT migrate.upgrade('head');
SELECT * FROM migrate.current();
-- billing@head and reports@head are now the merge
SELECT * FROM migrate.plan('billing@head');
SELECT * FROM migrate.plan('reports@head');

-- Walking -N down through a merge is ambiguous; -1 is fine.
SELECT migrate.downgrade('-2');
\echo :SQLSTATE
SELECT migrate.downgrade('e1e1e1-1');
\echo :SQLSTATE
SELECT migrate.downgrade();
SELECT * FROM migrate.current();
-- and back up through the merge from one branch
SELECT migrate.upgrade('c1aa02+1');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('c1aa02+2');
\echo :SQLSTATE
SELECT migrate.downgrade('base');
TABLE steps;

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
SELECT migrate.upgrade('heads');
SELECT * FROM migrate.current();
SELECT revision FROM migrate.version;
-- upgrading to the contract head alone brings its dependency along
SELECT migrate.downgrade('base');
SELECT * FROM migrate.plan('contract@head');
SELECT migrate.upgrade('c0c0c0');
SELECT * FROM migrate.current();
-- downgrading the dependency takes its dependents with it
SELECT * FROM migrate.plan('0000aa');
SELECT migrate.downgrade('-1');
SELECT * FROM migrate.current();
SELECT migrate.downgrade('base');

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
SELECT migrate.upgrade();
SELECT * FROM migrate.current();
SELECT * FROM migrate.plan('base');
SELECT migrate.downgrade('base');

DROP EXTENSION migrate CASCADE;
TRUNCATE steps;

-- ---------------------------------------------------------------------------
-- A relative step on a branch counts from what is applied on that branch,
-- trunk included: with only billing applied (current d1aaaa), the trunk
-- revision b1b2c3 is applied and is the reports branch's current position,
-- so reports@+1 is c1aa02 (and nothing is downgraded).
-- ---------------------------------------------------------------------------
CREATE EXTENSION migrate;
SELECT pg_temp.rev('a1b2c3', 'base', 'one');
SELECT pg_temp.rev('b1b2c3', 'a1b2c3', 'two');
SELECT pg_temp.rev('c1aa01', 'b1b2c3', 'billing one', 'billing');
SELECT pg_temp.rev('c1aa02', 'b1b2c3', 'reports one', 'reports');
SELECT pg_temp.rev('d1aaaa', 'c1aa01', 'billing two');
SELECT migrate.upgrade('billing@head');
SELECT * FROM migrate.plan('reports@+1');
SELECT migrate.upgrade('reports@+1');
SELECT * FROM migrate.current();

DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
