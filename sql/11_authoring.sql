--
-- 11_authoring: writing revisions in SQL.  revision() creates a revision
-- (id: 12 random lowercase hex digits unless given; revises: the graph's
-- heads unless given), merge() an empty revision over the given or all
-- heads, and script() gives any revision back as file text such that
-- add_revision(script(x)) is a no-op -- also for files with dialect
-- sections, branch labels, depends, "transaction false" and CRLF line ends.
-- Generated ids and the "created" timestamp are never printed: they are
-- captured with \gset and checked by pattern.
--
CREATE EXTENSION migrate;

-- script() with the "created" line (the time of the call) masked
CREATE FUNCTION pg_temp.script(rev text) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(migrate.script(rev),
                          '^-- migrate:created [0-9T:Z-]+$', '-- migrate:created <now>', 'n')
$$;

-- try(sql): run sql; the SQLSTATE, message, DETAIL and HINT of its error
-- (state 'ok' if it did not fail).
CREATE FUNCTION pg_temp.try(sql text, OUT state text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    state := 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;

-- ---------------------------------------------------------------------------
-- revision() on an empty graph: a root with a generated id.
-- ---------------------------------------------------------------------------
SELECT migrate.revision('create shapes',
                        E'CREATE TABLE shapes (id integer PRIMARY KEY);\n',
                        'DROP TABLE shapes;') AS r1 \gset
SELECT :'r1' ~ '^[0-9a-f]{12}$' AS id_is_12_hex;
SELECT revises, depends, branch, message, upgrade, downgrade, transactional,
       source, upgrade_line, downgrade_line,
       created BETWEEN now() - interval '1 minute' AND clock_timestamp() AS created_now,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id = :'r1';
-- the file text: canonical header, a created timestamp in UTC
SELECT migrate.script(:'r1') ~ ('^-- migrate:revision ' || :'r1' || E'\n') AS starts_with_id,
       substring(migrate.script(:'r1') from '-- migrate:created (\S+)')
           ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' AS created_is_utc_iso;
SELECT replace(pg_temp.script(:'r1'), :'r1', '<r1>') AS script;

-- Two more generated ids are distinct and well-formed.
BEGIN;
SELECT migrate.revision('a', 'SELECT 1;') AS ra \gset
SELECT migrate.revision('b', 'SELECT 1;') AS rb \gset
SELECT :'ra' ~ '^[0-9a-f]{12}$' AND :'rb' ~ '^[0-9a-f]{12}$' AS well_formed,
       :'ra' <> :'rb' AS distinct_ids,
       (SELECT revises FROM migrate.revision WHERE id = :'rb') = ARRAY[:'ra'] AS rb_revises_ra;
ROLLBACK;

-- ---------------------------------------------------------------------------
-- Given ids; revises defaults to the heads of the graph (one here).
-- ---------------------------------------------------------------------------
SELECT migrate.revision('add shape name', 'ALTER TABLE shapes ADD COLUMN name text;',
                        'ALTER TABLE shapes DROP COLUMN name;',
                        id => 'a1a1a1a1a102', branch => ARRAY['geometry']);
SELECT revises = ARRAY[:'r1'] AS revises_r1, branch, message
FROM migrate.revision WHERE id = 'a1a1a1a1a102';
-- an explicit root, and one depending on a branch label
SELECT migrate.revision('create colours', 'CREATE TABLE colours (id integer);',
                        'DROP TABLE colours;', revises => '{}',
                        id => 'b2b2b2b2b201', branch => ARRAY['paint', 'colour']);
SELECT migrate.revision('shape colour', 'ALTER TABLE shapes ADD COLUMN colour integer;',
                        'ALTER TABLE shapes DROP COLUMN colour;',
                        revises => ARRAY['a1a1a1a1a102'], id => 'c3c3c3c3c303',
                        depends => ARRAY['paint']);
SELECT pg_temp.script('c3c3c3c3c303') AS script;
SELECT pg_temp.script('b2b2b2b2b201') AS script;
SELECT revision, branch, message FROM migrate.heads() ORDER BY revision;

-- With two heads, revises defaults to both: the new revision merges them.
SELECT migrate.revision('join', 'SELECT 1;', 'SELECT 1;', id => 'd4d4d4d4d404');
SELECT revises FROM migrate.revision WHERE id = 'd4d4d4d4d404';
SELECT revision FROM migrate.heads();

-- SQL is stored the way a file stores a section: LF line ends, trailing
-- blank lines dropped; the checksum is the SHA-256 of that body.
SELECT migrate.revision(E'crlf', E'CREATE TABLE crlf (id integer);\r\nINSERT INTO crlf VALUES (1);\r\n\r\n\n',
                        E'DROP TABLE crlf;\r\n', id => 'e5e5e5e5e505');
SELECT upgrade, downgrade, upgrade LIKE E'%\r%' AS has_cr,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id = 'e5e5e5e5e505';
-- an empty message is no message
SELECT migrate.revision('', 'SELECT 1;', 'SELECT 1;', id => 'f6f6f6f6f606');
SELECT message IS NULL AS no_message, pg_temp.script('f6f6f6f6f606') AS script
FROM migrate.revision WHERE id = 'f6f6f6f6f606';

-- ---------------------------------------------------------------------------
-- revision() errors: nothing is stored.
-- ---------------------------------------------------------------------------
SELECT count(*) AS revisions_before FROM migrate.revision;
SELECT call, t.* FROM unnest(ARRAY[
  $$migrate.revision(NULL, 'SELECT 1;')$$,
  $$migrate.revision('no upgrade', NULL)$$,
  $$migrate.revision(E'two\nlines', 'SELECT 1;')$$,
  $$migrate.revision(E'carriage\rreturn', 'SELECT 1;')$$,
  $$migrate.revision(E'escape\x1b[2J', 'SELECT 1;')$$,
  -- a body that would change the file's meaning
  $$migrate.revision('marker', E'SELECT 1;\n-- migrate:downgrade\nSELECT 2;')$$,
  $$migrate.revision('marker', 'SELECT 1;', E'SELECT 2;\n\n-- migrate:upgrade postgresql\nSELECT 3;')$$,
  $$migrate.revision('typo', E'SELECT 1;\n--migrate:downgrade\nSELECT 2;')$$,
  $$migrate.revision('bad id', 'SELECT 1;', id => 'not an id')$$,
  $$migrate.revision('bad id', 'SELECT 1;', id => '.hidden')$$,
  $$migrate.revision('bad id', 'SELECT 1;', id => repeat('x', 65))$$,
  $$migrate.revision('taken', 'SELECT 1;', id => 'a1a1a1a1a102')$$,
  $$migrate.revision('unknown parent', 'SELECT 1;', revises => ARRAY['nope'], id => 'aaaa00000001')$$,
  $$migrate.revision('unknown dependency', 'SELECT 1;', depends => ARRAY['nope'], id => 'aaaa00000002')$$,
  $$migrate.revision('label taken', 'SELECT 1;', branch => ARRAY['paint'], id => 'aaaa00000003')$$,
  $$migrate.revision('label is an id', 'SELECT 1;', branch => ARRAY['a1a1a1a1a102'], id => 'aaaa00000004')$$,
  $$migrate.revision('id is a label', 'SELECT 1;', id => 'geometry')$$,
  $$migrate.revision('bad label', 'SELECT 1;', branch => ARRAY['two words'], id => 'aaaa00000005')$$,
  $$migrate.revision('null parent', 'SELECT 1;', revises => ARRAY[NULL]::text[])$$,
  $$migrate.revision('null label', 'SELECT 1;', branch => ARRAY['x', NULL])$$
]) AS call, LATERAL pg_temp.try('SELECT ' || call) AS t;
SELECT count(*) AS revisions_after FROM migrate.revision;

-- ---------------------------------------------------------------------------
-- merge(): an empty revision over all heads (default) or the given ones.
-- ---------------------------------------------------------------------------
SELECT migrate.revision('side', 'SELECT 1;', 'SELECT 1;', revises => ARRAY['b2b2b2b2b201'], id => 'a7a7a7a7a707');
SELECT revision FROM migrate.heads();
SELECT migrate.merge() AS m1 \gset
SELECT :'m1' ~ '^[0-9a-f]{12}$' AS id_is_12_hex;
SELECT revises, message, upgrade, downgrade, transactional, branch, depends
FROM migrate.revision WHERE id = :'m1';
SELECT replace(pg_temp.script(:'m1'), :'m1', '<m1>') AS script;
SELECT revision = :'m1' AS merge_is_the_head FROM migrate.heads();
-- a single head: nothing to merge
SELECT migrate.merge();
\echo :SQLSTATE
-- given revisions are targets (id, prefix, label); any order; a message
SELECT migrate.revision('left', 'SELECT 1;', 'SELECT 1;', id => 'a8a8a8a8a808');
SELECT migrate.revision('right', 'SELECT 1;', 'SELECT 1;', revises => ARRAY[:'m1'], id => 'a9a9a9a9a909',
                        branch => ARRAY['right']);
SELECT migrate.merge(ARRAY['right', 'a8a8'], 'merge left and right') AS m2 \gset
SELECT revises, message FROM migrate.revision WHERE id = :'m2';
-- a merge with no message
SELECT migrate.revision('left again', 'SELECT 1;', 'SELECT 1;', revises => ARRAY[:'m2'], id => 'aa0aa0aa0a10');
SELECT migrate.revision('right again', 'SELECT 1;', 'SELECT 1;', revises => ARRAY[:'m2'], id => 'ab0ab0ab0a11');
SELECT migrate.merge(message => NULL) AS m3 \gset
SELECT revises, message IS NULL AS no_message,
       migrate.script(:'m3') !~ 'migrate:message' AS no_message_line
FROM migrate.revision WHERE id = :'m3';
-- errors
SELECT migrate.revision('x', 'SELECT 1;', 'SELECT 1;', revises => ARRAY[:'m3'], id => 'ac0ac0ac0a12');
SELECT migrate.revision('y', 'SELECT 1;', 'SELECT 1;', revises => ARRAY[:'m3'], id => 'ad0ad0ad0a13');
SELECT call, t.* FROM unnest(ARRAY[
  $$migrate.merge(ARRAY['ac0ac0ac0a12'])$$,
  $$migrate.merge('{}')$$,
  $$migrate.merge(ARRAY['ac0ac0ac0a12', 'ac0a'])$$,
  $$migrate.merge(ARRAY['ac0ac0ac0a12', 'nothing'])$$,
  $$migrate.merge(ARRAY['ac0ac0ac0a12', NULL])$$,
  $$migrate.merge(ARRAY['ac0ac0ac0a12', 'ad0ad0ad0a13'], E'multi\nline')$$
]) AS call, LATERAL pg_temp.try('SELECT ' || call) AS t;
SELECT migrate.merge(ARRAY['ac0ac0ac0a12', 'ad0ad0ad0a13'], 'ok') AS m4 \gset
SELECT revision = :'m4' AS single_head FROM migrate.heads();

-- ---------------------------------------------------------------------------
-- Everything authored here applies and reverts like any revision.
-- ---------------------------------------------------------------------------
SET client_min_messages = warning;
SELECT migrate.upgrade() AS applied;
SELECT count(*) AS rows FROM crlf;
SELECT column_name FROM information_schema.columns
WHERE table_name = 'shapes' ORDER BY ordinal_position;
SELECT migrate.downgrade('base') AS reverted;
RESET client_min_messages;
SELECT to_regclass('shapes') AS shapes, to_regclass('colours') AS colours;

-- ---------------------------------------------------------------------------
-- Files with everything the format has: dialect sections, labels, depends,
-- transaction false, CRLF line ends.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 11110000aaaa
-- migrate:revises base
-- migrate:message dialects
-- migrate:created 2026-03-01T10:00:00Z
-- migrate:branch files, dialect

-- migrate:upgrade postgresql
CREATE TABLE dialects (id serial PRIMARY KEY);

-- migrate:upgrade sqlite
CREATE TABLE dialects (id integer PRIMARY KEY AUTOINCREMENT);

-- migrate:downgrade
DROP TABLE dialects;
$$,
$$-- migrate:revision 22220000bbbb
-- migrate:revises 11110000aaaa
-- migrate:depends a1a1a1a1a102, paint
-- migrate:transaction false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY dialects_idx ON dialects (id);

-- migrate:downgrade postgresql
DROP INDEX CONCURRENTLY dialects_idx;

-- migrate:downgrade sqlite
DROP INDEX dialects_idx;
$$,
E'-- migrate:revision 33330000cccc\r\n-- migrate:revises 22220000bbbb\r\n-- migrate:message crlf file\r\n-- migrate:branch crlf\r\n\r\n-- migrate:upgrade\r\nSELECT 1;\r\nSELECT 2;\r\n\r\n-- migrate:downgrade\r\nSELECT 3;\r\n'],
ARRAY['11110000aaaa_dialects.sql', '22220000bbbb_index.sql', '33330000cccc_crlf.sql']);
SELECT id, revises, depends, branch, message, transactional, upgrade, downgrade,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id IN ('11110000aaaa', '22220000bbbb', '33330000cccc')
ORDER BY id;
-- script() gives the file back byte for byte (CRLF included) ...
SELECT migrate.script('33330000cccc') = E'-- migrate:revision 33330000cccc\r\n-- migrate:revises 22220000bbbb\r\n-- migrate:message crlf file\r\n-- migrate:branch crlf\r\n\r\n-- migrate:upgrade\r\nSELECT 1;\r\nSELECT 2;\r\n\r\n-- migrate:downgrade\r\nSELECT 3;\r\n'
       AS crlf_kept;
SELECT migrate.script('11110000aaaa') AS script;
-- ... and takes any target: an id prefix, a branch label
SELECT migrate.script('2222') = migrate.script('22220000bbbb') AS by_prefix,
       migrate.script('crlf') = migrate.script('33330000cccc') AS by_label;

-- ---------------------------------------------------------------------------
-- add_revision(script(x)) is a no-op for EVERY revision: the rows are not
-- rewritten (same xmin, same loaded_at), even in a later transaction.
-- ---------------------------------------------------------------------------
SELECT migrate.stamp('33330000cccc');   -- some of them applied, too
CREATE TEMP TABLE before AS
SELECT id, xmin::text AS row_xmin, loaded_at, script, checksum FROM migrate.revision;
SELECT count(*) AS revisions FROM before;
SELECT count(*) FILTER (WHERE migrate.add_revision(migrate.script(id)) = id) AS same_id
FROM migrate.revision;
SELECT migrate.add_revisions(array_agg(migrate.script(id))) AS changed FROM migrate.revision;
SELECT migrate.add_revisions(array_agg(script), array_agg(source)) AS changed FROM migrate.revision;
SELECT b.id FROM before b LEFT JOIN migrate.revision r USING (id)
WHERE r.id IS NULL OR r.xmin::text <> b.row_xmin OR r.loaded_at <> b.loaded_at
   OR r.script <> b.script OR r.checksum <> b.checksum;
SELECT count(*) AS revisions FROM migrate.revision;
SELECT * FROM migrate.current();

-- script() errors
SELECT call, t.* FROM unnest(ARRAY[
  $$migrate.script('nothing')$$,
  $$migrate.script('heads')$$,
  $$migrate.script('a')$$
]) AS call, LATERAL pg_temp.try('SELECT ' || call) AS t;
SELECT migrate.script(NULL) IS NULL AS strict;

-- ---------------------------------------------------------------------------
-- revision() and merge() are state changes: they take the migrate lock
-- and are refused in REPEATABLE READ / SERIALIZABLE.
-- ---------------------------------------------------------------------------
BEGIN;
SELECT migrate.revision('locked', 'SELECT 1;', revises => '{}', id => 'ae0ae0ae0a14');
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
BEGIN;
SELECT migrate.merge() IS NOT NULL AS merged;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid()
  AND (classid::bigint << 32 | objid::bigint) = 30796665482998885;
ROLLBACK;
-- script() takes none
BEGIN;
SELECT length(migrate.script('crlf')) > 0 AS read;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.revision('rr', 'SELECT 1;', id => 'af0af0af0a15');
\echo :SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT migrate.merge();
\echo :SQLSTATE
ROLLBACK;
SELECT count(*) AS none FROM migrate.revision WHERE id IN ('ae0ae0ae0a14', 'af0af0af0a15');

DROP EXTENSION migrate CASCADE;
