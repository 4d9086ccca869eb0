--
-- 03_targets: the target grammar on a linear history, through upgrade(),
-- downgrade() and plan().  Every revision's upgrade inserts its id into
-- table steps and its downgrade deletes it, so "TABLE steps" shows what ran.
--
CREATE EXTENSION migrate;
CREATE TABLE steps (id text PRIMARY KEY);

-- rev(id, revises, message): add a revision that records itself in steps.
CREATE FUNCTION pg_temp.rev(id text, revises text, message text)
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision(
    format(E'-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n'
           '\n-- migrate:upgrade\nINSERT INTO steps VALUES (%L);\n'
           '\n-- migrate:downgrade\nDELETE FROM steps WHERE id = %L;\n',
           id, revises, message, id, id),
    id || '.sql')
$f$;

-- a1 -> b2 -> c3 -> d4, with ids long enough for prefixes.
SELECT pg_temp.rev('a1a1a1a1', 'base', 'one');
SELECT pg_temp.rev('b2b2b2b2', 'a1a1a1a1', 'two');
SELECT pg_temp.rev('c3c3c3c3', 'b2b2b2b2', 'three');
SELECT pg_temp.rev('d4d4d4d4', 'c3c3c3c3', 'four');

-- From base, plan() lists every revision in order.
SELECT * FROM migrate.plan();
SELECT * FROM migrate.plan('head');

-- +N from base.
SELECT migrate.upgrade('+1');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('+2');
SELECT * FROM migrate.current();
TABLE steps;

-- +N past the head is an error and applies nothing.
SELECT migrate.upgrade('+2');
SELECT * FROM migrate.current();

-- Nothing to do returns 0.
SELECT migrate.upgrade('c3c3c3c3');

-- head (single head) and heads.
SELECT migrate.upgrade('head');
SELECT migrate.upgrade('heads');
SELECT migrate.upgrade();
SELECT * FROM migrate.current();

-- -N from the current state; downgrade() defaults to -1.
SELECT * FROM migrate.plan('-1');
SELECT migrate.downgrade();
SELECT * FROM migrate.current();
SELECT migrate.downgrade('-2');
SELECT * FROM migrate.current();
TABLE steps;
-- -N past base
SELECT migrate.downgrade('-2');
SELECT * FROM migrate.current();

-- Exact id, and a unique prefix (4 characters or more).
SELECT migrate.upgrade('c3c3c3c3');
SELECT migrate.downgrade('b2b2');
SELECT migrate.upgrade('d4d4d');
SELECT * FROM migrate.current();

-- <id>-N and <id>+N are relative to that revision, not to the current state.
SELECT migrate.downgrade('d4d4d4d4-2');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('a1a1a1a1+2');
SELECT * FROM migrate.current();
SELECT migrate.downgrade('c3c3-3');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('a1a1a1a1+4');
SELECT migrate.downgrade('d4d4d4d4-5');
SELECT * FROM migrate.current();

-- base.
SELECT * FROM migrate.plan('base');
SELECT migrate.downgrade('base');
SELECT * FROM migrate.current();
TABLE steps;
-- nothing applied: -1 is an error, base is a no-op
SELECT migrate.downgrade('-1');
SELECT migrate.downgrade('base');

-- Downgrading to a revision that is not applied is an error.
SELECT migrate.upgrade('b2b2b2b2');
SELECT migrate.downgrade('c3c3c3c3');
\echo :SQLSTATE
-- Downgrading to the current revision does nothing; "upgrading" to an
-- ancestor does nothing either (upgrade never removes).
SELECT migrate.downgrade('b2b2b2b2');
SELECT migrate.upgrade('a1a1a1a1');
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- Invalid targets: each an error with a SQLSTATE, and nothing applied.
-- ---------------------------------------------------------------------------
SELECT migrate.upgrade('a1a');          -- too short for a prefix
\echo :SQLSTATE
SELECT migrate.upgrade('ffff');         -- no such revision
\echo :SQLSTATE
SELECT migrate.upgrade('');
\echo :SQLSTATE
SELECT migrate.upgrade('+0');
\echo :SQLSTATE
SELECT migrate.upgrade('+x');
\echo :SQLSTATE
SELECT migrate.upgrade('d4d4d4d4+-1');
\echo :SQLSTATE
SELECT migrate.upgrade('a@b@c');
\echo :SQLSTATE
SELECT migrate.upgrade('nolabel@head');
\echo :SQLSTATE
SELECT migrate.upgrade(NULL);            -- STRICT: NULL in, NULL out
SELECT * FROM migrate.current();
TABLE steps;

-- ---------------------------------------------------------------------------
-- An ambiguous prefix lists the candidates; a longer one resolves.
-- ---------------------------------------------------------------------------
SELECT pg_temp.rev('c3c3c3ff', 'b2b2b2b2', 'three, other branch');
SELECT migrate.upgrade('c3c3');
\echo :SQLSTATE
SELECT migrate.upgrade('c3c3c3f');
SELECT * FROM migrate.current();

DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
