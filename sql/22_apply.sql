--
-- 22_apply: CALL migrate.apply(target) commits after each revision under
-- the session-level migrate lock (SPEC section 9): a failure keeps the
-- revisions before it applied and recorded, each in its own transaction;
-- inside a transaction block it is refused; the lock is released however
-- it ends; the snapshot is taken once, for the final version set.
--
CREATE EXTENSION migrate;
SET client_min_messages = notice;
CREATE ROLE regress_apply_nobody;

CREATE FUNCTION pg_temp.rev(id text, revises text, up text, extra text DEFAULT '',
                            down text DEFAULT 'SELECT 1;')
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision('-- migrate:revision ' || id || E'\n-- migrate:revises ' || revises
                              || E'\n-- migrate:message ' || id || E'\n' || extra
                              || E'\n-- migrate:upgrade\n' || up || E'\n-- migrate:downgrade\n' || down || E'\n',
                              id || '.sql')
$f$;
CREATE FUNCTION pg_temp.locks() RETURNS bigint LANGUAGE sql AS
  $$SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'$$;

SELECT pg_temp.rev('22aa00000001', 'base', 'CREATE TABLE ap (id integer PRIMARY KEY);', '', 'DROP TABLE ap;');
SELECT pg_temp.rev('22bb00000002', '22aa00000001', 'INSERT INTO ap VALUES (1);');
SELECT pg_temp.rev('22cc00000003', '22bb00000002', 'INSERT INTO ap VALUES (1);');

-- the third fails: the first two stay applied, each committed on its own
CALL migrate.apply();
SELECT * FROM migrate.current();
SELECT revision, action FROM migrate.history ORDER BY id;
SELECT count(DISTINCT xid) AS transactions FROM migrate.history;
SELECT count(*) AS rows FROM ap;
SELECT pg_temp.locks() AS advisory_locks;

-- fixed, it finishes; one snapshot, of the final version set
SELECT pg_temp.rev('22cc00000003', '22bb00000002', 'INSERT INTO ap VALUES (3);');
DELETE FROM migrate.snapshot;
CALL migrate.apply();
SELECT * FROM migrate.current();
SELECT version_set FROM migrate.snapshot;
SELECT pg_temp.locks() AS advisory_locks;
-- nothing to do
CALL migrate.apply();
SELECT count(*) AS history_rows FROM migrate.history;

-- a target
SELECT migrate.downgrade('base');
CALL migrate.apply('22aa00000001');
SELECT * FROM migrate.current();
CALL migrate.apply('nosuch');
SELECT pg_temp.locks() AS advisory_locks;

-- inside a transaction block it cannot commit: refused before anything
BEGIN;
CALL migrate.apply();
ROLLBACK;
SELECT * FROM migrate.current();

-- transaction false: refused as upgrade() refuses it, before anything runs
SELECT pg_temp.rev('22dd00000004', '22cc00000003', 'CREATE INDEX CONCURRENTLY ap_id ON ap (id);',
                   '-- migrate:transaction false');
CALL migrate.apply();
SELECT * FROM migrate.current();
SELECT pg_temp.locks() AS advisory_locks;
SELECT migrate.forget('22dd00000004');

-- only the migrate admin
SET ROLE regress_apply_nobody;
CALL migrate.apply();
RESET ROLE;

SELECT migrate.downgrade('base');
DROP EXTENSION migrate;
DROP ROLE regress_apply_nobody;
