--
-- 17_store: add_revision(), add_revisions() and load() store revision files
-- through one module, so an error raises one SQLSTATE whichever way the file
-- arrives, new or replacing a stored one: 22P02 for a malformed file, 42710
-- for one id in two files or a branch label declared twice, 42P17 for the
-- rest of the graph (unknown revises or depends, a label equal to an id, a
-- cycle), 55000 for an edited applied revision.  load() reads the same files
-- written on the server.
--
CREATE EXTENSION migrate;

SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 1700aaaa0001
-- migrate:revises base
-- migrate:branch core
-- migrate:upgrade
SELECT 1;
$$,
$$-- migrate:revision 1700aaaa0002
-- migrate:revises 1700aaaa0001
-- migrate:upgrade
SELECT 2;
$$]);
SELECT * FROM migrate.upgrade();
-- two unapplied revisions, the second built on the first
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 1700aaaa0003
-- migrate:revises 1700aaaa0002
-- migrate:upgrade
SELECT 3;
$$,
$$-- migrate:revision 1700aaaa0004
-- migrate:revises 1700aaaa0003
-- migrate:upgrade
SELECT 4;
$$]);

-- Files for load(), in a directory of the data directory (a superuser's
-- COPY TO PROGRAM runs there, and relative paths of lo_export and load()
-- are resolved there).
CREATE FUNCTION pg_temp.write_files(dir text, scripts text[], names text[])
RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  o oid;
BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L',
                 format('mkdir -p %s && rm -f %s/*.sql && cat >/dev/null', dir, dir));
  FOR i IN 1 .. cardinality(scripts) LOOP
    o := pg_catalog.lo_from_bytea(0, pg_catalog.convert_to(scripts[i], 'UTF8'));
    PERFORM pg_catalog.lo_export(o, dir || '/' || names[i]);
    PERFORM pg_catalog.lo_unlink(o);
  END LOOP;
END
$f$;

-- Store the files one way and report 'ok' or the SQLSTATE and message; the
-- exception block undoes whatever was stored.
CREATE FUNCTION pg_temp.via(way text, scripts text[], names text[])
RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  IF way = 'add_revision' THEN
    PERFORM migrate.add_revision(scripts[1], names[1]);
  ELSIF way = 'add_revisions' THEN
    PERFORM migrate.add_revisions(scripts, names);
  ELSE
    PERFORM pg_temp.write_files('migrate_17_store', scripts, names);
    PERFORM migrate.load('migrate_17_store');
  END IF;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$f$;

CREATE TEMP TABLE cases (n int, name text, scripts text[], names text[]);
-- the error kind of each case
CREATE TEMP TABLE kinds (n int, kind text);
INSERT INTO kinds VALUES (1, 'malformed file'), (2, 'unknown reference'),
  (3, 'unknown reference'), (4, 'label declared twice'), (5, 'label is an id'),
  (6, 'label is an id'), (7, 'cycle'), (8, 'applied revision edited'),
  (9, 'duplicate id'), (10, 'duplicate id'), (11, 'cycle'),
  (12, 'label declared twice'), (13, 'label declared twice'),
  (14, 'unknown reference');
INSERT INTO cases VALUES
(1, 'malformed file', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:upgrade
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_bad.sql']),
(2, 'unknown parent', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002, 1700ffff0000
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_orphan.sql']),
(3, 'unknown dependency', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:depends nowhere
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_depends.sql']),
(4, 'label taken', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:branch core
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_label.sql']),
(5, 'label is an id', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:branch 1700aaaa0001
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_label.sql']),
(6, 'id is a label', ARRAY[$$-- migrate:revision core
-- migrate:revises 1700aaaa0002
-- migrate:upgrade
$$], ARRAY['core.sql']),
(7, 'cycle through the catalog', ARRAY[$$-- migrate:revision 1700aaaa0003
-- migrate:revises 1700aaaa0004
-- migrate:upgrade
SELECT 3;
$$], ARRAY['1700aaaa0003_cycle.sql']),
(8, 'applied revision edited', ARRAY[$$-- migrate:revision 1700aaaa0002
-- migrate:revises 1700aaaa0001
-- migrate:upgrade
SELECT 22;
$$], ARRAY['1700aaaa0002_edited.sql']),
(9, 'one id in two files', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises base
-- migrate:upgrade
$$, $$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_a.sql', '1700bbbb0001_b.sql']),
(10, 'one id in two files, one in the catalog', ARRAY[$$-- migrate:revision 1700aaaa0004
-- migrate:revises 1700aaaa0003
-- migrate:upgrade
SELECT 4;
$$, $$-- migrate:revision 1700aaaa0004
-- migrate:revises 1700aaaa0003
-- migrate:upgrade
SELECT 44;
$$], ARRAY['1700aaaa0004_a.sql', '1700aaaa0004_b.sql']),
(11, 'cycle among new files', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700bbbb0002
-- migrate:upgrade
$$, $$-- migrate:revision 1700bbbb0002
-- migrate:revises 1700bbbb0001
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_x.sql', '1700bbbb0002_y.sql']),
(12, 'one label in two new files', ARRAY[$$-- migrate:revision 1700bbbb0001
-- migrate:revises 1700aaaa0002
-- migrate:branch feature
-- migrate:upgrade
$$, $$-- migrate:revision 1700bbbb0002
-- migrate:revises 1700aaaa0002
-- migrate:branch feature
-- migrate:upgrade
$$], ARRAY['1700bbbb0001_x.sql', '1700bbbb0002_y.sql']),
(13, 'label taken, by a changed revision', ARRAY[$$-- migrate:revision 1700aaaa0004
-- migrate:revises 1700aaaa0003
-- migrate:branch core
-- migrate:upgrade
SELECT 4;
$$], ARRAY['1700aaaa0004_label.sql']),
(14, 'unknown parent, of a changed revision', ARRAY[$$-- migrate:revision 1700aaaa0004
-- migrate:revises 1700ffff0000
-- migrate:upgrade
SELECT 4;
$$], ARRAY['1700aaaa0004_orphan.sql']);

-- Every case each way (add_revision takes one file at a time: the cases
-- of two files are add_revisions() and load() only).
CREATE TEMP TABLE outcome AS
SELECT c.n, c.name, w.way, pg_temp.via(w.way, c.scripts, c.names) AS result
FROM cases c,
     (VALUES (1, 'add_revision'), (2, 'add_revisions'), (3, 'load')) AS w(k, way)
WHERE cardinality(c.scripts) = 1 OR w.way <> 'add_revision'
ORDER BY c.n, w.k;

SELECT n, name, way, pg_catalog.left(result, 5) AS sqlstate,
       pg_catalog.substr(result, 8) AS message
FROM outcome ORDER BY n, way;

-- one SQLSTATE per kind of error, whichever way and whatever the case
SELECT k.kind, pg_catalog.string_agg(DISTINCT pg_catalog.left(o.result, 5), ', ') AS sqlstates
FROM outcome o JOIN kinds k USING (n) GROUP BY k.kind ORDER BY k.kind;
SELECT count(*) AS kinds_with_two_sqlstates
FROM (SELECT k.kind FROM outcome o JOIN kinds k USING (n) GROUP BY k.kind
      HAVING count(DISTINCT pg_catalog.left(o.result, 5)) > 1) AS t;

-- nothing was stored by any of them
SELECT id, revises, branch FROM migrate.revision ORDER BY id;
SELECT id, upgrade FROM migrate.revision WHERE id IN ('1700aaaa0002', '1700aaaa0004')
ORDER BY id;

COPY (SELECT 1) TO PROGRAM 'rm -rf migrate_17_store && cat >/dev/null';
DROP EXTENSION migrate CASCADE;
