--
-- 12_integrity: edited migrations are caught.  Re-adding an applied
-- revision whose upgrade body changed is refused naming both checksums; an
-- unapplied one is replaced.  validate() lists applied revisions that are
-- missing or whose checksum changed; check() raises unless the database is
-- at heads with matching checksums; status() sums it up in one row.  The
-- three are read-only: no lock, usable in any isolation level.
--
CREATE EXTENSION migrate;

SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 12aa00000001
-- migrate:revises base
-- migrate:message create ledgers

-- migrate:upgrade
CREATE TABLE ledgers (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE ledgers;
$$,
$$-- migrate:revision 12bb00000002
-- migrate:revises 12aa00000001
-- migrate:message add ledger name

-- migrate:upgrade postgresql
ALTER TABLE ledgers ADD COLUMN name text COLLATE "C";

-- migrate:upgrade sqlite
ALTER TABLE ledgers ADD COLUMN name text;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN name;
$$,
$$-- migrate:revision 12cc00000003
-- migrate:revises 12bb00000002
-- migrate:message add ledger owner
-- migrate:branch owners

-- migrate:upgrade
ALTER TABLE ledgers ADD COLUMN owner text;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN owner;
$$,
$$-- migrate:revision 12dd00000004
-- migrate:revises 12bb00000002
-- migrate:message add ledger total

-- migrate:upgrade
ALTER TABLE ledgers ADD COLUMN total numeric;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN total;
$$], ARRAY['12aa00000001_create_ledgers.sql', '12bb00000002_add_ledger_name.sql',
           '12cc00000003_add_ledger_owner.sql', '12dd00000004_add_ledger_total.sql']);
SELECT id, checksum FROM migrate.revision ORDER BY id;

-- ---------------------------------------------------------------------------
-- Before anything is applied: no problems, everything pending.
-- ---------------------------------------------------------------------------
SELECT * FROM migrate.validate();
SELECT * FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE

SELECT migrate.upgrade('12cc00000003');
SELECT * FROM migrate.validate();
SELECT * FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE

-- ---------------------------------------------------------------------------
-- Edits of revision files.
-- ---------------------------------------------------------------------------
-- An applied revision whose upgrade body changed: refused, both checksums.
SELECT migrate.add_revision($$-- migrate:revision 12aa00000001
-- migrate:revises base
-- migrate:message create ledgers

-- migrate:upgrade
CREATE TABLE ledgers (id bigint PRIMARY KEY);

-- migrate:downgrade
DROP TABLE ledgers;
$$, '12aa00000001_create_ledgers.sql');
\echo :SQLSTATE
-- ... also in a batch, which is all or nothing
SELECT migrate.add_revisions(ARRAY[$$-- migrate:revision 12ee00000005
-- migrate:revises 12dd00000004
-- migrate:upgrade
SELECT 1;
$$, $$-- migrate:revision 12cc00000003
-- migrate:revises 12bb00000002
-- migrate:message add ledger owner
-- migrate:branch owners

-- migrate:upgrade
ALTER TABLE ledgers ADD COLUMN owner varchar(100);

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN owner;
$$]);
\echo :SQLSTATE
SELECT count(*) AS revisions FROM migrate.revision;
-- An applied revision whose PostgreSQL section changed: refused ...
SELECT migrate.add_revision($$-- migrate:revision 12bb00000002
-- migrate:revises 12aa00000001
-- migrate:message add ledger name

-- migrate:upgrade postgresql
ALTER TABLE ledgers ADD COLUMN name text;

-- migrate:upgrade sqlite
ALTER TABLE ledgers ADD COLUMN name text;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN name;
$$, '12bb00000002_add_ledger_name.sql');
\echo :SQLSTATE
-- ... but a change of its SQLite section only is not a change for
-- PostgreSQL: the checksum is the one of the PostgreSQL body.
SELECT checksum AS bb_checksum FROM migrate.revision WHERE id = '12bb00000002' \gset
SELECT migrate.add_revision($$-- migrate:revision 12bb00000002
-- migrate:revises 12aa00000001
-- migrate:message add ledger name

-- migrate:upgrade postgresql
ALTER TABLE ledgers ADD COLUMN name text COLLATE "C";

-- migrate:upgrade sqlite
ALTER TABLE ledgers ADD COLUMN name text COLLATE NOCASE;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN name;
$$, '12bb00000002_add_ledger_name.sql');
SELECT checksum = :'bb_checksum' AS same_checksum, script ~ 'NOCASE' AS new_text
FROM migrate.revision WHERE id = '12bb00000002';
-- An applied revision whose message and downgrade changed (same upgrade
-- body): replaced.
SELECT loaded_at AS aa_loaded FROM migrate.revision WHERE id = '12aa00000001' \gset
SELECT migrate.add_revision($$-- migrate:revision 12aa00000001
-- migrate:revises base
-- migrate:message create the ledgers table

-- migrate:upgrade
CREATE TABLE ledgers (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE IF EXISTS ledgers;
$$, '12aa00000001_create_ledgers_table.sql');
SELECT message, downgrade, source, loaded_at > :'aa_loaded' AS reloaded
FROM migrate.revision WHERE id = '12aa00000001';
-- The same file with CRLF line ends has the same checksum: accepted.
SELECT migrate.add_revision(replace(script, E'\n', E'\r\n'), source)
FROM migrate.revision WHERE id = '12cc00000003';
SELECT script LIKE E'%\r\n%' AS crlf, checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id = '12cc00000003';
-- An applied revision may not get other parents, even with the same body.
SELECT migrate.add_revision($$-- migrate:revision 12cc00000003
-- migrate:revises 12aa00000001
-- migrate:message add ledger owner
-- migrate:branch owners

-- migrate:upgrade
ALTER TABLE ledgers ADD COLUMN owner text;

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN owner;
$$, '12cc00000003_add_ledger_owner.sql');
\echo :SQLSTATE
-- An unapplied revision is simply replaced, new checksum and all.
SELECT checksum AS dd_checksum FROM migrate.revision WHERE id = '12dd00000004' \gset
SELECT migrate.add_revision($$-- migrate:revision 12dd00000004
-- migrate:revises 12bb00000002
-- migrate:message add ledger total and currency

-- migrate:upgrade
ALTER TABLE ledgers ADD COLUMN total numeric;
ALTER TABLE ledgers ADD COLUMN currency char(3);

-- migrate:downgrade
ALTER TABLE ledgers DROP COLUMN currency;
ALTER TABLE ledgers DROP COLUMN total;
$$, '12dd00000004_add_ledger_total.sql');
SELECT message, checksum <> :'dd_checksum' AS checksum_changed,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id = '12dd00000004';
-- none of this is a problem
SELECT * FROM migrate.validate();

-- ---------------------------------------------------------------------------
-- At heads: check() passes, status() says so.
-- ---------------------------------------------------------------------------
SELECT migrate.upgrade();
SELECT migrate.check();
SELECT * FROM migrate.status();
SELECT * FROM migrate.validate();

-- ---------------------------------------------------------------------------
-- A checksum changed behind migrate's back (simulated by an UPDATE).
-- ---------------------------------------------------------------------------
UPDATE migrate.revision SET checksum = repeat('0', 64) WHERE id = '12cc00000003';
SELECT * FROM migrate.validate();
SELECT migrate.check();
\echo :SQLSTATE
SELECT current, heads, pending, problems FROM migrate.status();
-- two of them: check() names the first and counts them all
UPDATE migrate.revision SET checksum = repeat('1', 64) WHERE id = '12aa00000001';
SELECT * FROM migrate.validate();
SELECT migrate.check();
\echo :SQLSTATE
SELECT cardinality(problems) AS problems FROM migrate.status();
-- The history says which checksum it was applied with; once the right
-- checksum is back, all is well again.
UPDATE migrate.revision SET checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex')
WHERE id IN ('12aa00000001', '12cc00000003');
SELECT * FROM migrate.validate();
SELECT migrate.check();

-- A revision that is not applied (anymore) is not checked: after a
-- downgrade its checksum may change, and check() only reports it pending.
SELECT migrate.downgrade('owners@-1');
UPDATE migrate.revision SET checksum = repeat('2', 64) WHERE id = '12cc00000003';
SELECT * FROM migrate.validate();
SELECT migrate.check();
\echo :SQLSTATE
SELECT * FROM migrate.status();
UPDATE migrate.revision SET checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex')
WHERE id = '12cc00000003';

-- A stamp records the checksum too, and a changed one is then a problem.
SELECT migrate.stamp('heads');
SELECT revision, action, checksum IS NOT NULL AS has_checksum
FROM migrate.history WHERE action = 'stamp' ORDER BY id;
UPDATE migrate.revision SET checksum = repeat('3', 64) WHERE id = '12cc00000003';
SELECT * FROM migrate.validate();
UPDATE migrate.revision SET checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex')
WHERE id = '12cc00000003';
SELECT migrate.check();

-- ---------------------------------------------------------------------------
-- Missing revisions: an applied revision deleted from the catalog, and a
-- version row naming a revision the catalog never had.
-- ---------------------------------------------------------------------------
BEGIN;
DELETE FROM migrate.revision WHERE id = '12dd00000004';
-- one row per revision, saying it is missing
SELECT revision, count(*) AS rows, bool_and(problem ~ '^missing') AS missing
FROM migrate.validate() GROUP BY revision;
SELECT current, heads, pending, cardinality(problems) AS problems
FROM migrate.status();
\set VERBOSITY sqlstate
SELECT migrate.check();
\set VERBOSITY default
ROLLBACK;
BEGIN;
INSERT INTO migrate.version VALUES ('12ff0000ffff');
SELECT * FROM migrate.validate();
SELECT * FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE
ROLLBACK;
-- an applied revision that other revisions build on is gone: the graph
-- itself is broken, which is a clean error naming the missing revision
BEGIN;
DELETE FROM migrate.revision WHERE id = '12bb00000002';
SAVEPOINT broken;
\set VERBOSITY sqlstate
SELECT * FROM migrate.validate();
ROLLBACK TO broken;
SELECT :'LAST_ERROR_MESSAGE' ~ 'unknown revision 12bb00000002' AS names_it;
SELECT migrate.check();
ROLLBACK TO broken;
SELECT :'LAST_ERROR_MESSAGE' ~ 'unknown revision 12bb00000002' AS names_it;
SELECT * FROM migrate.status();
ROLLBACK TO broken;
SELECT :'LAST_ERROR_MESSAGE' ~ 'unknown revision 12bb00000002' AS names_it;
\set VERBOSITY default
ROLLBACK;
SELECT * FROM migrate.validate();
SELECT migrate.check();

-- ---------------------------------------------------------------------------
-- Read-only: no lock taken, and allowed in REPEATABLE READ / SERIALIZABLE.
-- ---------------------------------------------------------------------------
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT * FROM migrate.validate();
SELECT migrate.check();
SELECT pending FROM migrate.status();
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

-- An empty catalog is up to date.
SELECT migrate.stamp('base');
DELETE FROM migrate.revision;
SELECT * FROM migrate.status();
SELECT migrate.check();
SELECT * FROM migrate.validate();

DROP EXTENSION migrate CASCADE;
DROP TABLE ledgers;
