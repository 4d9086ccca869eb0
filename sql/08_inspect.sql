--
-- 08_inspect: the read-only functions current(), heads(), branches(),
-- history(range), show() and plan().
--
CREATE EXTENSION migrate;
CREATE TABLE steps (id text PRIMARY KEY);

-- rev(id, revises, message, branch, depends): a revision created at a fixed
-- time that records itself in steps; fails(fn, arg): migrate.fn(arg) (no
-- argument if arg is NULL) must fail, and what it raised.
CREATE FUNCTION pg_temp.rev(id text, revises text, message text, branch text DEFAULT NULL, depends text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision(concat_ws(E'\n',
    '-- migrate:revision ' || id, '-- migrate:revises ' || revises, '-- migrate:message ' || message,
    '-- migrate:created 2026-01-01 10:00:00Z', '-- migrate:branch ' || branch, '-- migrate:depends ' || depends,
    '', '-- migrate:upgrade', format('INSERT INTO steps VALUES (%L);', id),
    '', '-- migrate:downgrade', format('DELETE FROM steps WHERE id = %L;', id), ''), id || '.sql')
$f$;
CREATE FUNCTION pg_temp.fails(fn text, arg text, OUT state text, OUT message text, OUT hint text)
LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE format('SELECT FROM migrate.%s(%s)', fn, quote_literal(arg));
  state := 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
END $f$;

-- An empty catalog: nothing anywhere.
SELECT * FROM migrate.current();
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();
SELECT * FROM migrate.history();
SELECT * FROM migrate.plan();
SELECT * FROM migrate.show('anything');

--   1111aa -> 2222bb -+-> 3333cc (billing) -> 4444dd -+-> 6666ff (merge)
--                     +-> 3333ee (reports) -----------+
--   and 5555aa (audit), a second root
SELECT pg_temp.rev('1111aa', 'base', 'one');
SELECT pg_temp.rev('2222bb', '1111aa', 'two');
SELECT pg_temp.rev('3333cc', '2222bb', 'billing one', 'billing');
SELECT pg_temp.rev('3333ee', '2222bb', 'reports one', 'reports, reporting');
SELECT pg_temp.rev('4444dd', '3333cc', 'billing two');
SELECT pg_temp.rev('5555aa', 'base', 'audit root', 'audit', '1111aa');

-- ---------------------------------------------------------------------------
-- heads() and branches(): revision, branch labels (own and inherited), message
-- ---------------------------------------------------------------------------
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();

SELECT migrate.upgrade('billing@head');

-- ---------------------------------------------------------------------------
-- current(): the version set
-- ---------------------------------------------------------------------------
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- history(): newest first, with head / applied flags
-- ---------------------------------------------------------------------------
SELECT revision, revises, message, is_head, is_applied,
       (applied_at IS NOT NULL) = is_applied AS applied_at_iff_applied
FROM migrate.history();
SELECT revision FROM migrate.history(NULL);
-- A:B, A:, :B
SELECT revision FROM migrate.history('2222bb:4444dd');
SELECT revision FROM migrate.history('3333:');
SELECT revision FROM migrate.history(':3333cc');
SELECT revision FROM migrate.history('reports:');
SELECT revision FROM migrate.history('billing@base:billing@head');
-- current-based
SELECT revision FROM migrate.history('current:');
SELECT revision FROM migrate.history(':current');
SELECT revision FROM migrate.history('-1:current');
-- base and heads
SELECT revision FROM migrate.history('base:2222bb');
SELECT revision FROM migrate.history(':base');
SELECT revision FROM migrate.history('heads:');
-- errors: not a range, too many colons, unknown revision, ambiguous prefix,
-- several heads
SELECT arg, f.* FROM unnest(ARRAY['current', 'a:b:c', 'zzzz:', ':3333', ':head']) AS arg,
                     LATERAL pg_temp.fails('history', arg) AS f;

-- ---------------------------------------------------------------------------
-- show(): by id, prefix or label; stable columns only
-- ---------------------------------------------------------------------------
SELECT revision, revises, depends, branch, children, message,
       created = '2026-01-01T10:00:00Z' AS created_ok, transactional,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok,
       source, is_head, is_applied, applied_at IS NOT NULL AS has_applied_at,
       upgrade, downgrade
FROM migrate.show('3333c');
SELECT revision, branch, children, is_head, is_applied FROM migrate.show('reports');
SELECT revision, branch, children, is_head, is_applied FROM migrate.show('reporting');
SELECT revision, depends, branch, is_applied FROM migrate.show('audit');
SELECT revision, is_head FROM migrate.show('billing@head');
SELECT revision FROM migrate.show('4444dd-1');
-- errors: not a single revision (heads, base), ambiguous prefix, unknown
SELECT arg, f.* FROM unnest(ARRAY['heads', 'base', '3333', 'nope']) AS arg,
                     LATERAL pg_temp.fails('show', arg) AS f;

-- ---------------------------------------------------------------------------
-- plan(): upgrade plans, and downgrade plans when the target is below
-- ---------------------------------------------------------------------------
SELECT * FROM migrate.plan();
SELECT * FROM migrate.plan('reports@head');
SELECT * FROM migrate.plan('audit');
SELECT * FROM migrate.plan('-1');
SELECT * FROM migrate.plan('2222bb');
SELECT * FROM migrate.plan('base');
SELECT * FROM migrate.plan('4444dd');   -- already there: nothing
SELECT * FROM migrate.plan('head');
\echo :SQLSTATE
-- plan() changes nothing
SELECT * FROM migrate.current();
TABLE steps ORDER BY id;

-- A merge joins the two branches: heads() shows it with every label
-- (next to the audit root).
SELECT pg_temp.rev('6666ff', '4444dd, 3333ee', 'merge billing and reports');
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();
SELECT * FROM migrate.plan('heads');
SELECT revision, revises, is_head FROM migrate.history('4444dd:');

-- A version set naming a revision the catalog does not know is reported by
-- every function that reads it, and by stamp without purge; stamp with
-- purge repairs it.
INSERT INTO migrate.version VALUES ('deadbeef');
SELECT fn, arg, f.* FROM (VALUES ('current', NULL), ('plan', NULL), ('upgrade', NULL), ('stamp', '4444dd')) AS c(fn, arg),
                         LATERAL pg_temp.fails(fn, arg) AS f;
SELECT migrate.stamp('4444dd', purge => true);
SELECT * FROM migrate.current();

-- Redundant rows (ancestors of a stored revision) do not change the state,
-- and the next state change stores the canonical version set again.
INSERT INTO migrate.version VALUES ('1111aa'), ('3333cc');
SELECT * FROM migrate.current();
SELECT migrate.upgrade('4444dd');
SELECT revision FROM migrate.version ORDER BY revision;

SELECT migrate.downgrade('base');
DROP EXTENSION migrate CASCADE;
DROP TABLE steps;
