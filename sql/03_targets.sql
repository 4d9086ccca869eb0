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

-- go(step, ...): run the steps in order, each "upgrade TARGET" or
-- "downgrade TARGET" (no target: the function's default; "upgrade " is the
-- empty target).  One row a step: what it returned, the version set after
-- it, and the error it raised if any (SQLSTATE: message HINT: hint).  A
-- failed step is rolled back on its own, so the version set shows that it
-- applied nothing.  The steps' NOTICEs come before the rows.
CREATE FUNCTION pg_temp.go(VARIADIC steps text[])
RETURNS TABLE (step text, returned integer, version_set text, error text)
LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; hint text;
BEGIN
  FOREACH step IN ARRAY steps LOOP
    BEGIN
      EXECUTE format('SELECT migrate.%s(%s)', split_part(step, ' ', 1),
                     CASE WHEN strpos(step, ' ') > 0 THEN quote_literal(split_part(step, ' ', 2)) END)
        INTO returned;
      error := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
      returned := NULL;
      error := st || ': ' || msg || coalesce(' HINT: ' || nullif(hint, ''), '');
    END;
    version_set := (SELECT string_agg(c, ', ' ORDER BY c) FROM migrate.current() AS c);
    RETURN NEXT;
  END LOOP;
END $f$;

-- From base, plan() lists every revision in order.
SELECT * FROM migrate.plan();
SELECT * FROM migrate.plan('head');

-- +N from base.
SELECT * FROM pg_temp.go('upgrade +1', 'upgrade +2');
TABLE steps;

-- +N past the head is an error and applies nothing; nothing to do returns 0;
-- head (single head), heads, and the default.
SELECT * FROM pg_temp.go('upgrade +2', 'upgrade c3c3c3c3', 'upgrade head', 'upgrade heads', 'upgrade');

-- -N from the current state; downgrade() defaults to -1.
SELECT * FROM migrate.plan('-1');
SELECT * FROM pg_temp.go('downgrade', 'downgrade -2');
TABLE steps;
-- -N past base
SELECT * FROM pg_temp.go('downgrade -2');

-- Exact id, and a unique prefix (4 characters or more).
SELECT * FROM pg_temp.go('upgrade c3c3c3c3', 'downgrade b2b2', 'upgrade d4d4d');

-- <id>-N and <id>+N are relative to that revision, not to the current state
-- (and may not go past the head or base either).
SELECT * FROM pg_temp.go('downgrade d4d4d4d4-2', 'upgrade a1a1a1a1+2', 'downgrade c3c3-3',
                         'upgrade a1a1a1a1+4', 'downgrade d4d4d4d4-5');

-- base.
SELECT * FROM migrate.plan('base');
SELECT * FROM pg_temp.go('downgrade base');
TABLE steps;
-- nothing applied: -1 is an error, base is a no-op
SELECT * FROM pg_temp.go('downgrade -1', 'downgrade base');

-- Downgrading to a revision that is not applied is an error (55000).
-- Downgrading to the current revision does nothing; "upgrading" to an
-- ancestor does nothing either (upgrade never removes).
SELECT * FROM pg_temp.go('upgrade b2b2b2b2', 'downgrade c3c3c3c3', 'downgrade b2b2b2b2', 'upgrade a1a1a1a1');

-- ---------------------------------------------------------------------------
-- Invalid targets: each an error with a SQLSTATE, and nothing applied.
-- ---------------------------------------------------------------------------
SELECT * FROM pg_temp.go(
  'upgrade a1a',                        -- too short for a prefix
  'upgrade ffff',                       -- no such revision
  'upgrade ',                           -- the empty target
  'upgrade +0', 'upgrade +x', 'upgrade d4d4d4d4+-1',
  'upgrade a@b@c', 'upgrade nolabel@head');
SELECT migrate.upgrade(NULL);            -- STRICT: NULL in, NULL out
SELECT * FROM migrate.current();
TABLE steps;

-- ---------------------------------------------------------------------------
-- An ambiguous prefix lists the candidates; a longer one resolves.
-- ---------------------------------------------------------------------------
SELECT pg_temp.rev('c3c3c3ff', 'b2b2b2b2', 'three, other branch');
SELECT * FROM pg_temp.go('upgrade c3c3', 'upgrade c3c3c3f');

DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
