--
-- 16_update_03: ALTER EXTENSION migrate UPDATE from 0.2 to 0.3 keeps every
-- catalog row, and leaves the same objects and privileges as a fresh
-- CREATE EXTENSION of 0.3.
--
CREATE EXTENSION migrate VERSION '0.2';
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 16aa00000001
-- migrate:revises base
-- migrate:message create sacks
-- migrate:branch sacks

-- migrate:upgrade
CREATE TABLE sacks (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE sacks;
$$,
$$-- migrate:revision 16bb00000002
-- migrate:revises 16aa00000001
-- migrate:message add sack weight

-- migrate:upgrade
ALTER TABLE sacks ADD COLUMN weight integer;

-- migrate:downgrade
ALTER TABLE sacks DROP COLUMN weight;
$$,
$$-- migrate:revision 16cc00000003
-- migrate:revises 16bb00000002
-- migrate:message add sack label

-- migrate:upgrade
ALTER TABLE sacks ADD COLUMN label text;

-- migrate:downgrade
ALTER TABLE sacks DROP COLUMN label;
$$], ARRAY['16aa00000001_create_sacks.sql', '16bb00000002_add_sack_weight.sql',
           '16cc00000003_add_sack_label.sql']);
SET client_min_messages = warning;
SELECT migrate.upgrade();
SELECT migrate.downgrade();
RESET client_min_messages;
CREATE TEMP TABLE rev_before AS SELECT * FROM migrate.revision;
CREATE TEMP TABLE ver_before AS SELECT * FROM migrate.version;
CREATE TEMP TABLE hist_before AS
SELECT id, revision, action, checksum, started_at, duration, role, xid
FROM migrate.history;

ALTER EXTENSION migrate UPDATE TO '0.3';
SELECT extversion FROM pg_extension WHERE extname = 'migrate';

-- every row and value of 0.2 is still there
SELECT count(*) AS revisions,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM rev_before b
           WHERE row(b.*)::text = row(r.id, r.revises, r.depends, r.branch,
                     r.message, r.created, r.upgrade, r.downgrade,
                     r.transactional, r.checksum, r.source, r.loaded_at,
                     r.script, r.upgrade_line, r.downgrade_line, r.tip,
                     r.applied_checksum)::text)) AS unchanged
FROM migrate.revision r;
(SELECT * FROM migrate.version EXCEPT SELECT * FROM ver_before)
UNION ALL (SELECT * FROM ver_before EXCEPT SELECT * FROM migrate.version);
(SELECT id, revision, action, checksum, started_at, duration, role, xid
 FROM migrate.history EXCEPT SELECT * FROM hist_before)
UNION ALL (SELECT * FROM hist_before EXCEPT
 SELECT id, revision, action, checksum, started_at, duration, role, xid
 FROM migrate.history);
SELECT * FROM migrate.current();
SELECT c.reloid::regclass AS config, cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(reloid, cond)
WHERE e.extname = 'migrate' ORDER BY c.reloid::regclass::text;
SELECT migrate.check();
\echo :SQLSTATE
SELECT * FROM migrate.validate();
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
SELECT migrate.check();

-- same objects and privileges as a fresh install of 0.3
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
SELECT object FROM updated_privileges WHERE public_execute;
CREATE TEMP TABLE updated_columns AS
SELECT c.relname, a.attname, a.atttypid::regtype AS type, a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'migrate'::regnamespace AND a.attnum > 0
  AND NOT a.attisdropped;

SET client_min_messages = warning;
SELECT migrate.downgrade('base');
RESET client_min_messages;
DROP EXTENSION migrate;
CREATE EXTENSION migrate;
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
-- and the same columns
(SELECT c.relname, a.attname, a.atttypid::regtype AS type, a.attnotnull
 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'migrate'::regnamespace AND a.attnum > 0
   AND NOT a.attisdropped
 EXCEPT SELECT * FROM updated_columns)
UNION ALL
(SELECT * FROM updated_columns EXCEPT
 SELECT c.relname, a.attname, a.atttypid::regtype, a.attnotnull
 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'migrate'::regnamespace AND a.attnum > 0
   AND NOT a.attisdropped);
DROP EXTENSION migrate;
