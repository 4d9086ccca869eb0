--
-- 02_add_revision: storing revisions.  Identical text is a no-op, a changed
-- revision is replaced until it is applied, references must exist, branch
-- labels are unique and distinct from ids, and add_revisions() takes a batch
-- in any order, all or nothing.
--
CREATE EXTENSION migrate;

SELECT migrate.add_revision($$-- migrate:revision 1000aaaa0001
-- migrate:revises base
-- migrate:message create tags
-- migrate:branch core

-- migrate:upgrade
CREATE TABLE tags (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE tags;
$$, '1000aaaa0001_create_tags.sql');

SELECT migrate.add_revision($$-- migrate:revision 2000bbbb0002
-- migrate:revises 1000aaaa0001
-- migrate:message add tag name

-- migrate:upgrade
ALTER TABLE tags ADD COLUMN name text;

-- migrate:downgrade
ALTER TABLE tags DROP COLUMN name;
$$, '2000bbbb0002_add_tag_name.sql');

-- ---------------------------------------------------------------------------
-- Identical re-add is a no-op: the row is not even rewritten (same xmin).
-- ---------------------------------------------------------------------------
SELECT xmin AS xmin_before, script AS script_2 FROM migrate.revision
WHERE id = '2000bbbb0002' \gset
SELECT migrate.add_revision(:'script_2', '2000bbbb0002_add_tag_name.sql');
SELECT xmin = :'xmin_before' AS unchanged FROM migrate.revision
WHERE id = '2000bbbb0002';
-- ... also with no source: the stored source is kept.
SELECT migrate.add_revision(:'script_2');
SELECT xmin = :'xmin_before' AS unchanged, source FROM migrate.revision
WHERE id = '2000bbbb0002';

-- ---------------------------------------------------------------------------
-- A changed revision that is not applied is replaced.
-- ---------------------------------------------------------------------------
SELECT checksum AS old_checksum FROM migrate.revision
WHERE id = '2000bbbb0002' \gset
SELECT migrate.add_revision($$-- migrate:revision 2000bbbb0002
-- migrate:revises 1000aaaa0001
-- migrate:message add tag name and color

-- migrate:upgrade
ALTER TABLE tags ADD COLUMN name text;
ALTER TABLE tags ADD COLUMN color text;

-- migrate:downgrade
ALTER TABLE tags DROP COLUMN name, DROP COLUMN color;
$$, '2000bbbb0002_add_tag_name_and_color.sql');
SELECT message, upgrade, source, checksum <> :'old_checksum' AS checksum_changed
FROM migrate.revision WHERE id = '2000bbbb0002';
SELECT count(*) AS revisions FROM migrate.revision;

-- Apply both.
SELECT migrate.upgrade();

-- ---------------------------------------------------------------------------
-- A changed revision that is applied is refused, naming both checksums.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revision($$-- migrate:revision 2000bbbb0002
-- migrate:revises 1000aaaa0001
-- migrate:message add tag name and color

-- migrate:upgrade
ALTER TABLE tags ADD COLUMN name varchar(20);
ALTER TABLE tags ADD COLUMN color text;

-- migrate:downgrade
ALTER TABLE tags DROP COLUMN name, DROP COLUMN color;
$$, '2000bbbb0002_add_tag_name_and_color.sql');
\echo :SQLSTATE

-- An applied revision may change where its upgrade body is the same (message,
-- downgrade, comments in the header) ...
SELECT migrate.add_revision($$-- migrate:revision 2000bbbb0002
-- migrate:revises 1000aaaa0001
-- migrate:message add tag name and color (reviewed)

-- migrate:upgrade
ALTER TABLE tags ADD COLUMN name text;
ALTER TABLE tags ADD COLUMN color text;

-- migrate:downgrade
ALTER TABLE tags DROP COLUMN color;
ALTER TABLE tags DROP COLUMN name;
$$, '2000bbbb0002_add_tag_name_and_color.sql');
SELECT message, downgrade FROM migrate.revision WHERE id = '2000bbbb0002';

-- ... but not its place in the graph.
SELECT migrate.add_revision($$-- migrate:revision 2000bbbb0002
-- migrate:revises base
-- migrate:message add tag name and color (reviewed)

-- migrate:upgrade
ALTER TABLE tags ADD COLUMN name text;
ALTER TABLE tags ADD COLUMN color text;
$$, '2000bbbb0002_add_tag_name_and_color.sql');
\echo :SQLSTATE

-- The failed attempts changed nothing.
SELECT id, revises, message FROM migrate.revision ORDER BY id;
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- References must exist.
-- ---------------------------------------------------------------------------
-- unknown parent
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0003
-- migrate:revises 2000bbbb0002, 9999ffff9999
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0003_orphan.sql');
\echo :SQLSTATE
-- unknown dependency
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0003
-- migrate:revises 2000bbbb0002
-- migrate:depends nowhere
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0003_depends.sql');
\echo :SQLSTATE
-- a dependency on oneself is refused as well
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0003
-- migrate:revises 2000bbbb0002
-- migrate:depends 3000cccc0003
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0003_self.sql');
\echo :SQLSTATE
-- a dependency may name a revision or a branch label
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0003
-- migrate:revises base
-- migrate:message side root
-- migrate:depends core
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0003_side.sql');
SELECT depends FROM migrate.revision WHERE id = '3000cccc0003';

-- Replacing an unapplied revision must keep the graph acyclic.
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0004
-- migrate:revises 3000cccc0003
-- migrate:message side child
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0004_side_child.sql');
SELECT migrate.add_revision($$-- migrate:revision 3000cccc0003
-- migrate:revises 3000cccc0004
-- migrate:message side root
-- migrate:upgrade
SELECT 1;
$$, '3000cccc0003_side.sql');
\echo :SQLSTATE
SELECT id, revises FROM migrate.revision WHERE id LIKE '3000%' ORDER BY id;

-- ---------------------------------------------------------------------------
-- Branch labels: unique, and never equal to a revision id.
-- ---------------------------------------------------------------------------
-- label already declared by 1000aaaa0001 (42710)
SELECT migrate.add_revision($$-- migrate:revision 4000dddd0001
-- migrate:revises 2000bbbb0002
-- migrate:branch feature, core
-- migrate:upgrade
SELECT 1;
$$, '4000dddd0001_dup_label.sql');
\echo :SQLSTATE
-- label equal to an existing id
SELECT migrate.add_revision($$-- migrate:revision 4000dddd0001
-- migrate:revises 2000bbbb0002
-- migrate:branch 1000aaaa0001
-- migrate:upgrade
SELECT 1;
$$, '4000dddd0001_label_is_id.sql');
\echo :SQLSTATE
-- id equal to an existing label
SELECT migrate.add_revision($$-- migrate:revision core
-- migrate:revises 2000bbbb0002
-- migrate:upgrade
SELECT 1;
$$, 'core_id_is_label.sql');
\echo :SQLSTATE
-- label equal to the revision's own id
SELECT migrate.add_revision($$-- migrate:revision 4000dddd0001
-- migrate:revises 2000bbbb0002
-- migrate:branch 4000dddd0001
-- migrate:upgrade
SELECT 1;
$$, '4000dddd0001_own_id.sql');
\echo :SQLSTATE
-- the catalog is still usable and holds none of them
SELECT id, branch FROM migrate.revision ORDER BY id;
SELECT * FROM migrate.current();

-- ---------------------------------------------------------------------------
-- add_revisions(): a batch in any order (parents first), all or nothing.
-- ---------------------------------------------------------------------------
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 5000eeee0003
-- migrate:revises 5000eeee0002
-- migrate:message batch three
-- migrate:depends 5000eeee0001
-- migrate:upgrade
SELECT 3;
$$,
$$-- migrate:revision 5000eeee0002
-- migrate:revises 5000eeee0001
-- migrate:message batch two
-- migrate:upgrade
SELECT 2;
$$,
$$-- migrate:revision 5000eeee0001
-- migrate:revises 2000bbbb0002
-- migrate:message batch one
-- migrate:upgrade
SELECT 1;
$$], ARRAY['c.sql', 'b.sql', 'a.sql']);
SELECT id, revises, source FROM migrate.revision WHERE id LIKE '5000%' ORDER BY id;

-- The same batch again changes nothing (returns 0).
SELECT migrate.add_revisions(array_agg(script ORDER BY id DESC))
FROM migrate.revision WHERE id LIKE '5000%';

-- One bad file rejects the whole batch: neither the valid 6000... nor the
-- replacement of 5000eeee0003 is kept.
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 6000ffff0001
-- migrate:revises 5000eeee0003
-- migrate:upgrade
SELECT 1;
$$,
$$-- migrate:revision 5000eeee0003
-- migrate:revises 5000eeee0002
-- migrate:message batch three, edited
-- migrate:upgrade
SELECT 3;
$$,
$$-- migrate:revision 6000ffff0002
-- migrate:revises 6000ffff0001
-- migrate:upgrade
-- migrate:upgrade
$$], ARRAY['6a.sql', 'c.sql', '6b.sql']);
\echo :SQLSTATE
-- ... also when the bad one is refused by the catalog rather than the parser
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 6000ffff0001
-- migrate:revises 5000eeee0003
-- migrate:upgrade
SELECT 1;
$$,
$$-- migrate:revision 6000ffff0002
-- migrate:revises 6000ffff0001, 7777
-- migrate:upgrade
$$], ARRAY['6a.sql', '6b.sql']);
\echo :SQLSTATE
SELECT id, message FROM migrate.revision WHERE id LIKE '5000%' OR id LIKE '6000%'
ORDER BY id;

-- A batch with the same id twice, or with a cycle among its members.
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 6000ffff0001
-- migrate:revises base
-- migrate:upgrade
$$,
$$-- migrate:revision 6000ffff0001
-- migrate:revises 5000eeee0003
-- migrate:upgrade
$$], ARRAY['x.sql', 'y.sql']);
\echo :SQLSTATE
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 6000ffff0001
-- migrate:revises 6000ffff0002
-- migrate:upgrade
$$,
$$-- migrate:revision 6000ffff0002
-- migrate:revises 6000ffff0001
-- migrate:upgrade
$$]);
\echo :SQLSTATE
-- sources must match the scripts one for one
SELECT migrate.add_revisions(ARRAY['a', 'b'], ARRAY['a.sql']);
\echo :SQLSTATE
SELECT count(*) AS revisions FROM migrate.revision;

DROP EXTENSION migrate CASCADE;
DROP TABLE tags;
