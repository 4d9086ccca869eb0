--
-- 18_repair: the way out after editing an applied revision (Flyway's
-- repair).  add_revision(..., repair => true) stores the edited text of
-- an applied revision instead of refusing it; repair() then accepts the
-- checksums applied revisions have now, one history row "repair" each
-- (checksum: the new one, previous_checksum: the old one), after which
-- validate() and check() are satisfied.  stamp(..., purge => true) works
-- whatever the checksums.  repair() is a state change: owner only, under
-- the migrate lock, not in REPEATABLE READ.
--
CREATE EXTENSION migrate;
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 17aa00000001
-- migrate:revises base
-- migrate:message create crates

-- migrate:upgrade
CREATE TABLE crates (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE crates;
$$,
$$-- migrate:revision 17bb00000002
-- migrate:revises 17aa00000001
-- migrate:message add crate size

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN size integer;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN size;
$$,
$$-- migrate:revision 17cc00000003
-- migrate:revises 17bb00000002
-- migrate:message add crate label

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN label text;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN label;
$$], ARRAY['17aa00000001_create_crates.sql', '17bb00000002_add_crate_size.sql',
           '17cc00000003_add_crate_label.sql']);
SET client_min_messages = warning;
SELECT migrate.upgrade('17bb00000002');
RESET client_min_messages;
-- nothing to repair
SELECT migrate.repair();
SELECT count(*) AS repairs FROM migrate.history WHERE action = 'repair';

-- ---------------------------------------------------------------------------
-- An applied revision's upgrade section is edited.
-- ---------------------------------------------------------------------------
SELECT checksum AS bb_old FROM migrate.revision WHERE id = '17bb00000002' \gset
SELECT applied_at AS bb_applied_at FROM migrate.show('17bb00000002') \gset
\set bb_new_script '-- migrate:revision 17bb00000002\n-- migrate:revises 17aa00000001\n-- migrate:message add crate size\n\n-- migrate:upgrade\nALTER TABLE crates ADD COLUMN size bigint;\n\n-- migrate:downgrade\nALTER TABLE crates DROP COLUMN size;\n'
-- without repair: refused as before, the hint names repair
SELECT migrate.add_revision(:'bb_new_script', '17bb00000002_add_crate_size.sql');
\echo :SQLSTATE
-- the program's hint names its command
SET migrate.caller = 'program';
SELECT migrate.add_revision(:'bb_new_script', '17bb00000002_add_crate_size.sql');
RESET migrate.caller;
-- with repair => true: stored
SELECT migrate.add_revision(:'bb_new_script', '17bb00000002_add_crate_size.sql',
                            repair => true);
SELECT checksum <> :'bb_old' AS new_checksum,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok,
       upgrade ~ 'bigint' AS new_text
FROM migrate.revision WHERE id = '17bb00000002';
-- ... which is not accepted yet: validate() and check() say so
SELECT revision, problem ~ '^checksum changed' AS checksum_changed FROM migrate.validate();
SELECT migrate.check();
\echo :SQLSTATE
-- repair => true still keeps revises and depends of an applied revision
SELECT migrate.add_revision($$-- migrate:revision 17bb00000002
-- migrate:revises base
-- migrate:message add crate size

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN size bigint;
$$, '17bb00000002_add_crate_size.sql', repair => true);
\echo :SQLSTATE

-- ---------------------------------------------------------------------------
-- repair(): one row per applied revision whose checksum changed.
-- ---------------------------------------------------------------------------
-- an unapplied revision that changed is not repaired, just replaced
SELECT migrate.add_revision(replace(script, 'label text', 'label varchar(40)'), source)
FROM migrate.revision WHERE id = '17cc00000003';
SELECT migrate.repair();
SELECT revision, action, checksum = (SELECT checksum FROM migrate.revision WHERE id = revision) AS checksum_is_new,
       previous_checksum = :'bb_old' AS previous_is_old, duration, role = current_user AS by_me
FROM migrate.history WHERE action = 'repair' ORDER BY id;
-- validate(), check() and status() are satisfied; the fast path too
SELECT * FROM migrate.validate();
SELECT problems FROM migrate.status();
SELECT applied_checksum = checksum AS applied_checksum_follows
FROM migrate.revision WHERE id = '17bb00000002';
-- when it was applied does not change
SELECT applied_at = :'bb_applied_at' AS same_applied_at FROM migrate.show('17bb00000002');
-- repairing again: nothing to do
SELECT migrate.repair();
-- the edited revision can be re-added (no-op) and downgraded, and its
-- downgrade is logged with the new checksum
SELECT migrate.add_revision(:'bb_new_script', '17bb00000002_add_crate_size.sql');
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
SELECT migrate.check();
SELECT up_to_date FROM migrate.state;
SET client_min_messages = warning;
SELECT migrate.downgrade('17aa00000001');
RESET client_min_messages;
SELECT revision, action FROM migrate.history ORDER BY id;

-- a batch with repair => true, and a repair of several revisions
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
CREATE TEMP TABLE edited AS
SELECT id, replace(script, E';\n\n-- migrate:downgrade', E';\nSELECT 1;\n\n-- migrate:downgrade') AS script,
       source, checksum AS old_checksum
FROM migrate.revision;
SELECT migrate.add_revisions(ARRAY(SELECT script FROM edited ORDER BY id),
                             ARRAY(SELECT source FROM edited ORDER BY id));
\echo :SQLSTATE
SELECT migrate.add_revisions(ARRAY(SELECT script FROM edited ORDER BY id),
                             ARRAY(SELECT source FROM edited ORDER BY id), true);
SELECT revision FROM migrate.validate() ORDER BY 1;
SELECT max(id) AS before_repair FROM migrate.history \gset
SELECT migrate.repair();
SELECT h.revision, h.action, h.previous_checksum = e.old_checksum AS previous_is_old,
       h.checksum = r.checksum AS checksum_is_new
FROM migrate.history h JOIN edited e ON e.id = h.revision
JOIN migrate.revision r ON r.id = h.revision
WHERE h.id > :before_repair ORDER BY h.id;
SELECT migrate.check();

-- previous_checksum belongs to repair rows only
\set VERBOSITY terse
INSERT INTO migrate.history (revision, action, checksum, previous_checksum, started_at, duration)
VALUES ('17aa00000001', 'upgrade', 'x', 'y', now(), '0');
\set VERBOSITY default
\echo :SQLSTATE

-- ---------------------------------------------------------------------------
-- stamp(..., purge => true) whatever the checksums.
-- ---------------------------------------------------------------------------
-- an edit stored, but not repaired
SELECT migrate.add_revision(replace(script, 'PRIMARY KEY', 'PRIMARY KEY, note text'),
                            source, repair => true)
FROM migrate.revision WHERE id = '17aa00000001';
SELECT revision, problem ~ '^checksum changed' AS checksum_changed FROM migrate.validate();
-- a version row that names no known revision as well
INSERT INTO migrate.version VALUES ('17ff0000ffff');
SELECT migrate.stamp('17bb00000002', purge => true);
SELECT * FROM migrate.current();
SELECT revision, problem ~ '^checksum changed' AS checksum_changed FROM migrate.validate();
SELECT migrate.stamp('base', purge => true);
SELECT * FROM migrate.current();
SELECT * FROM migrate.validate();
SELECT revision, action, checksum IS NOT NULL AS has_checksum
FROM migrate.history WHERE action = 'stamp' ORDER BY id;

-- ---------------------------------------------------------------------------
-- A state change: the lock, the isolation level, the owner.
-- ---------------------------------------------------------------------------
BEGIN;
SELECT migrate.repair();
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.repair();
\echo :SQLSTATE
ROLLBACK;
CREATE ROLE regress_migrate_repairer;
GRANT USAGE ON SCHEMA migrate TO regress_migrate_repairer;
SET ROLE regress_migrate_repairer;
SELECT migrate.repair();
\echo :SQLSTATE
RESET ROLE;
GRANT EXECUTE ON FUNCTION migrate.repair() TO regress_migrate_repairer;
SET ROLE regress_migrate_repairer;
SELECT migrate.repair();
\echo :SQLSTATE
RESET ROLE;
REVOKE ALL ON FUNCTION migrate.repair() FROM regress_migrate_repairer;
REVOKE ALL ON SCHEMA migrate FROM regress_migrate_repairer;
DROP ROLE regress_migrate_repairer;

DROP EXTENSION migrate CASCADE;
DROP TABLE IF EXISTS crates;
