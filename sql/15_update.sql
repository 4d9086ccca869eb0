--
-- 15_update: ALTER EXTENSION migrate UPDATE from 0.1 to 0.2 keeps every
-- catalog row (not even rewritten), adds the functions of 0.2, and leaves
-- the same objects and privileges as a fresh CREATE EXTENSION of 0.2.
--
CREATE EXTENSION migrate VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'migrate';
-- the functions of 0.2 do not exist yet
SELECT migrate.status();
\echo :SQLSTATE

SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 15aa00000001
-- migrate:revises base
-- migrate:message create crates
-- migrate:created 2026-01-05T08:00:00Z
-- migrate:branch crates

-- migrate:upgrade
CREATE TABLE crates (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE crates, pallets;
$$,
$$-- migrate:revision 15bb00000002
-- migrate:revises 15aa00000001
-- migrate:message add crate size

-- migrate:upgrade postgresql
ALTER TABLE crates ADD COLUMN size integer;

-- migrate:upgrade sqlite
ALTER TABLE crates ADD COLUMN size int;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN size;
$$,
$$-- migrate:revision 15cc00000003
-- migrate:revises 15bb00000002
-- migrate:message add crate label

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN label text;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN label;
$$], ARRAY['15aa00000001_create_crates.sql', '15bb00000002_add_crate_size.sql',
           '15cc00000003_add_crate_label.sql']);
SELECT migrate.upgrade();
SELECT migrate.downgrade();
SELECT migrate.upgrade('15bb00000002');

-- Everything in the catalog.
CREATE TEMP TABLE rev_before AS SELECT * FROM migrate.revision;
CREATE TEMP TABLE ver_before AS SELECT * FROM migrate.version;
CREATE TEMP TABLE hist_before AS SELECT * FROM migrate.history;
SELECT count(*) AS revisions FROM rev_before;
SELECT revision, action FROM hist_before ORDER BY id;

-- ---------------------------------------------------------------------------
-- The update.
-- ---------------------------------------------------------------------------
ALTER EXTENSION migrate UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'migrate';
ALTER EXTENSION migrate UPDATE TO '0.2';

-- All catalog data intact: no row added or removed, no value of 0.1's
-- columns changed.
SELECT count(*) AS revisions,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM rev_before b
           WHERE row(b.id, b.revises, b.depends, b.branch, b.message, b.created,
                     b.upgrade, b.downgrade, b.transactional, b.checksum, b.source,
                     b.loaded_at, b.script, b.upgrade_line, b.downgrade_line)
                 IS NOT DISTINCT FROM
                 row(r.id, r.revises, r.depends, r.branch, r.message, r.created,
                     r.upgrade, r.downgrade, r.transactional, r.checksum, r.source,
                     r.loaded_at, r.script, r.upgrade_line, r.downgrade_line))) AS unchanged
FROM migrate.revision r;
(SELECT * FROM migrate.version EXCEPT SELECT * FROM ver_before)
UNION ALL (SELECT * FROM ver_before EXCEPT SELECT * FROM migrate.version);
(SELECT * FROM migrate.history EXCEPT SELECT * FROM hist_before)
UNION ALL (SELECT * FROM hist_before EXCEPT SELECT * FROM migrate.history);
SELECT * FROM migrate.current();
-- the catalog tables are still configuration tables, dumped in full
SELECT c.reloid::regclass AS config, cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(reloid, cond)
WHERE e.extname = 'migrate' ORDER BY c.reloid::regclass::text;

-- The functions of 0.2 work on the data of 0.1.
SELECT * FROM migrate.status();
SELECT migrate.check();
\echo :SQLSTATE
SELECT * FROM migrate.validate();
SELECT migrate.script('15bb') = script AS script_is_the_file
FROM migrate.revision WHERE id = '15bb00000002';
SELECT count(*) FILTER (WHERE migrate.add_revision(migrate.script(id)) = id) AS no_ops
FROM migrate.revision;
SELECT migrate.revision('add crate owner', 'ALTER TABLE crates ADD COLUMN owner text;',
                        'ALTER TABLE crates DROP COLUMN owner;', id => '15dd00000004');
SELECT revises FROM migrate.revision WHERE id = '15dd00000004';
SELECT migrate.revision('create pallets', 'CREATE TABLE pallets (id integer);',
                        'DROP TABLE pallets;', revises => '{}', id => '15ee00000005');
SELECT migrate.merge(ARRAY['15dd00000004', '15ee00000005'], 'merge crates and pallets') AS m \gset
SELECT :'m' ~ '^[0-9a-f]{12}$' AS id_is_12_hex;
SELECT length(migrate.upgrade_sql()) > 0 AS has_upgrade_sql;
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
SELECT migrate.check();
SELECT current = ARRAY[:'m'] AS at_merge, pending, problems FROM migrate.status();
-- the history id sequence carried on
SELECT min(id) > (SELECT max(id) FROM hist_before) AS ids_continue
FROM migrate.history WHERE id NOT IN (SELECT id FROM hist_before);

-- ---------------------------------------------------------------------------
-- Same objects and privileges as a fresh install of 0.2.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE updated_objects AS
SELECT pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate');
CREATE TEMP TABLE updated_privileges AS
SELECT p.oid::regprocedure::text AS object, p.prosecdef AS secdef,
       p.provolatile AS volatility, p.proisstrict AS strict,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p WHERE p.pronamespace = 'migrate'::regnamespace
UNION ALL
SELECT c.relname, false, NULL, NULL,
       has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
FROM pg_class c WHERE c.relnamespace = 'migrate'::regnamespace;
-- PUBLIC may execute nothing after the update
SELECT object FROM updated_privileges WHERE public_execute;
-- (the old functions and the new ones)
SELECT count(*) >= 20 AS functions FROM updated_privileges WHERE volatility IS NOT NULL;

SET client_min_messages = warning;
SELECT migrate.downgrade('15bb00000002');
RESET client_min_messages;
DROP EXTENSION migrate;
CREATE EXTENSION migrate VERSION '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'migrate';
(SELECT pg_describe_object(classid, objid, objsubid) AS object
 FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')
 EXCEPT SELECT object FROM updated_objects)
UNION ALL
(SELECT object FROM updated_objects
 EXCEPT
 SELECT pg_describe_object(classid, objid, objsubid)
 FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate'));
CREATE TEMP TABLE fresh_privileges AS
SELECT p.oid::regprocedure::text AS object, p.prosecdef AS secdef,
       p.provolatile AS volatility, p.proisstrict AS strict,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p WHERE p.pronamespace = 'migrate'::regnamespace
UNION ALL
SELECT c.relname, false, NULL, NULL,
       has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
FROM pg_class c WHERE c.relnamespace = 'migrate'::regnamespace;
(SELECT * FROM fresh_privileges EXCEPT SELECT * FROM updated_privileges)
UNION ALL
(SELECT * FROM updated_privileges EXCEPT SELECT * FROM fresh_privileges);

-- ---------------------------------------------------------------------------
-- Updating a database that is at its heads: check() passes right away; and
-- a checksum edited while at 0.1 is found after the update.
-- ---------------------------------------------------------------------------
DROP EXTENSION migrate;
CREATE EXTENSION migrate VERSION '0.1';
SELECT migrate.add_revisions(ARRAY[$$-- migrate:revision 15ff00000001
-- migrate:revises base
-- migrate:upgrade
CREATE TABLE bins (id integer);
-- migrate:downgrade
DROP TABLE bins;
$$, $$-- migrate:revision 15ff00000002
-- migrate:revises 15ff00000001
-- migrate:upgrade
ALTER TABLE bins ADD COLUMN size integer;
-- migrate:downgrade
ALTER TABLE bins DROP COLUMN size;
$$]);
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
ALTER EXTENSION migrate UPDATE;
SELECT migrate.check();
SELECT * FROM migrate.status();
SELECT migrate.upgrade();
DROP EXTENSION migrate;
DROP TABLE bins;
CREATE EXTENSION migrate VERSION '0.1';
SELECT migrate.add_revisions(ARRAY[$$-- migrate:revision 15ff00000001
-- migrate:revises base
-- migrate:upgrade
CREATE TABLE bins (id integer);
-- migrate:downgrade
DROP TABLE bins;
$$]);
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
UPDATE migrate.revision SET checksum = repeat('5', 64);
ALTER EXTENSION migrate UPDATE;
SELECT * FROM migrate.validate();
SELECT migrate.check();
\echo :SQLSTATE
SELECT pending, cardinality(problems) AS problems FROM migrate.status();

DROP EXTENSION migrate CASCADE;
DROP TABLE crates, pallets, bins;
