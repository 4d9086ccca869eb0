--
-- 21_snapshot: snapshots, drift and the built-in test suite (SPEC
-- section 8).  Every state-changing call records the snapshot of
-- migrate.schemas for its new version set; drift() lists what changed
-- since, object by object, with the SQL that repairs it; check() fails on
-- drift; record_snapshot() accepts the schema as it is.  test() runs
-- pytest-alembic's tests in a subtransaction that is rolled back.
--
CREATE EXTENSION migrate;
SET client_min_messages = warning;
CREATE ROLE regress_snap_app;

-- rev(id, revises, message, up, down): add a revision; down NULL: none
CREATE FUNCTION pg_temp.rev(id text, revises text, message text, up text, down text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision('-- migrate:revision ' || id || E'\n-- migrate:revises ' || revises
                              || E'\n-- migrate:message ' || message || E'\n\n-- migrate:upgrade\n'
                              || up || E'\n' || COALESCE(E'-- migrate:downgrade\n' || down || E'\n', ''),
                              id || '.sql')
$f$;

SELECT pg_temp.rev('21aa00000001', 'base', 'create t',
  $$CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text);
CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';$$,
  $$DROP FUNCTION f(integer);
DROP TABLE t;$$);
SELECT migrate.upgrade();

-- ---- snapshots ------------------------------------------------------------------
-- one row per version set, its hash the SHA-256 of its text
SELECT version_set, schemas, sha256 = encode(sha256(convert_to(text, 'UTF8')), 'hex') AS hash_ok,
       text = migrate.snapshot() AS same_text
FROM migrate.snapshot;
SELECT migrate.snapshot();
-- deterministic: the same schema, the same text
SELECT migrate.snapshot() = migrate.snapshot() AS deterministic;
-- the catalog table travels with pg_dump
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS x(oid) JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'migrate' AND c.relname = 'snapshot';
-- downgrade records too (base: the empty schema)
SELECT migrate.downgrade('base');
SELECT version_set, text = E'CREATE SCHEMA public;\n' AS empty FROM migrate.snapshot ORDER BY 1;
SELECT migrate.upgrade();
-- and stamp (base, with the tables still there), the same row updated
SELECT migrate.stamp('base');
SELECT version_set, text LIKE '%CREATE TABLE public.t%' AS has_t FROM migrate.snapshot ORDER BY 1;
SELECT migrate.stamp('heads');

-- ---- drift ----------------------------------------------------------------------
SELECT * FROM migrate.drift();
SELECT migrate.check();
ALTER TABLE t ADD COLUMN c integer;
CREATE INDEX t_b_idx ON t (b);
ALTER TABLE t DROP CONSTRAINT t_pkey;
CREATE OR REPLACE FUNCTION f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';
GRANT SELECT ON t TO regress_snap_app;
SELECT * FROM migrate.drift();
SELECT migrate.check();
-- migrate.check_drift = off: check() leaves drift alone
SET migrate.check_drift = off;
SELECT migrate.check();
RESET migrate.check_drift;
-- the repair SQL, run in order, brings the schema back
DO $$
DECLARE
    s text;
BEGIN
    FOR s IN SELECT sql FROM migrate.drift() LOOP
        EXECUTE s;
    END LOOP;
END $$;
SELECT * FROM migrate.drift();
SELECT migrate.check();
SELECT f(1);

-- record_snapshot() accepts a change made by hand
ALTER TABLE t ADD COLUMN d text;
SELECT count(*) FROM migrate.drift();
SELECT migrate.record_snapshot();
SELECT count(*) FROM migrate.drift();
ALTER TABLE t DROP COLUMN d;
SELECT migrate.record_snapshot();

-- another schema list: drift of schemas nobody snapshotted is an error
CREATE SCHEMA app;
SELECT * FROM migrate.drift('{app}');
-- migrate.schemas names the managed schemas; snapshots cover them
SET migrate.schemas = 'public, app';
SELECT migrate.record_snapshot();
SELECT schemas FROM migrate.snapshot ORDER BY 1;
CREATE TABLE app.x (id integer);
SELECT * FROM migrate.drift();
SELECT migrate.check();
DROP TABLE app.x;
SELECT count(*) FROM migrate.drift();
RESET migrate.schemas;
DROP SCHEMA app;

-- migrate.snapshots = off: no snapshot taken
DELETE FROM migrate.snapshot;
SET migrate.snapshots = off;
SELECT migrate.downgrade('base');
SELECT migrate.upgrade();
SELECT count(*) FROM migrate.snapshot;
-- check() does not fail where no snapshot was recorded
SELECT migrate.check();
RESET migrate.snapshots;
SELECT migrate.downgrade('base');

-- only the migrate admin: PUBLIC has none of these
SET ROLE regress_snap_app;
SELECT migrate.snapshot();
SELECT * FROM migrate.drift();
SELECT migrate.record_snapshot();
SELECT * FROM migrate.test();
SELECT * FROM migrate.snapshot;
RESET ROLE;

-- ---- the test suite -------------------------------------------------------------
-- a history with a downgrade that forgets an index, one that drops the
-- wrong column, an irreversible revision and a correct one
SELECT pg_temp.rev('21bb00000002', '21aa00000001', 'index t.b',
  'CREATE INDEX t_b_idx ON t (b);', 'SELECT 1;');
SELECT pg_temp.rev('21cc00000003', '21bb00000002', 'add t.e',
  'ALTER TABLE t ADD COLUMN e integer;', 'ALTER TABLE t DROP COLUMN a;');
SELECT pg_temp.rev('21dd00000004', '21cc00000003', 'seed t',
  'INSERT INTO t (id, a) VALUES (1, 1);');
SELECT pg_temp.rev('21ee00000005', '21dd00000004', 'add u',
  'CREATE TABLE u (id integer PRIMARY KEY REFERENCES t);', 'DROP TABLE u;');
CREATE TEMP TABLE before AS
  SELECT (SELECT count(*) FROM migrate.history) AS history, (SELECT count(*) FROM migrate.snapshot) AS snapshots;
SELECT * FROM migrate.test();
-- nothing of it is left: state, schema, history, snapshots
SELECT * FROM migrate.current();
SELECT to_regclass('public.t') IS NULL AS no_t,
       (SELECT count(*) FROM migrate.history) = history AS same_history,
       (SELECT count(*) FROM migrate.snapshot) = snapshots AS same_snapshots
FROM before;
-- a target: only the stairway up to it
SELECT * FROM migrate.test('21bb00000002');

-- fixed downgrades: every row passes; with the model, the last row too
SELECT pg_temp.rev('21bb00000002', '21aa00000001', 'index t.b',
  'CREATE INDEX t_b_idx ON t (b);', 'DROP INDEX t_b_idx;');
SELECT pg_temp.rev('21cc00000003', '21bb00000002', 'add t.e',
  'ALTER TABLE t ADD COLUMN e integer;', 'ALTER TABLE t DROP COLUMN e;');
SELECT * FROM migrate.test('heads', $$
CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text, e integer);
CREATE INDEX t_b_idx ON t (b);
CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE TABLE u (id integer PRIMARY KEY REFERENCES t);
$$);
-- a model that differs from the migrations
SELECT step, test, ok, detail FROM migrate.test('heads', $$
CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text, e integer, phone text);
CREATE INDEX t_b_idx ON t (b);
CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE TABLE u (id integer PRIMARY KEY REFERENCES t);
$$) WHERE test = 'test_model_definitions_match_ddl';

-- from the current state: applied revisions are not tested again
SELECT migrate.upgrade('21bb00000002');
SELECT step, revision, test, ok FROM migrate.test();
SELECT * FROM migrate.current();

-- an upgrade that fails: its row names the error, what needs it is skipped
SELECT pg_temp.rev('21ff00000006', '21ee00000005', 'broken',
  'ALTER TABLE nosuch ADD COLUMN z integer;', 'SELECT 1;');
SELECT pg_temp.rev('21ab00000007', '21ff00000006', 'after broken',
  'CREATE TABLE v (id integer);', 'DROP TABLE v;');
SELECT step, revision, test, ok, detail FROM migrate.test();

-- two heads: test_single_head_revision fails, the rest still runs
SELECT migrate.forget('21ab00000007');
SELECT migrate.forget('21ff00000006');
SELECT pg_temp.rev('21ac00000008', '21cc00000003', 'a branch',
  'CREATE TABLE w (id integer);', 'DROP TABLE w;');
SELECT step, revision, test, ok, detail FROM migrate.test() WHERE step = 0 OR revision = '21ac00000008';
SELECT migrate.forget('21ac00000008');

-- transaction false: not run inside the rolled-back subtransaction
SELECT migrate.add_revision($$-- migrate:revision 21ad00000009
-- migrate:revises 21ee00000005
-- migrate:message concurrent index
-- migrate:transaction false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY u_id_idx ON u (id);

-- migrate:downgrade
DROP INDEX CONCURRENTLY u_id_idx;
$$, '21ad00000009.sql');
SELECT step, revision, test, ok, detail FROM migrate.test() WHERE step > 3;
SELECT * FROM migrate.current();

-- test() is read-only for the caller: a transaction that ran it commits
-- nothing of it, and the caller's own work is kept
BEGIN;
CREATE TABLE keep_me (id integer);
SELECT count(*) FROM migrate.test();
SELECT to_regclass('public.keep_me') IS NOT NULL AS kept, to_regclass('public.u') IS NULL AS no_u;
ROLLBACK;

SELECT migrate.downgrade('base');
DROP EXTENSION migrate;
DROP ROLE regress_snap_app;
