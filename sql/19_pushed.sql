--
-- 19_pushed: migrate.pushed(digest) records the program's last push in
-- migrate.state (digest and heads); any change to the stored revisions
-- clears both, applying them does not.
--
CREATE EXTENSION migrate;
SELECT migrate.add_revisions(ARRAY[
$$-- migrate:revision 17aa00000001
-- migrate:revises base
-- migrate:branch crates

-- migrate:upgrade
CREATE TABLE crates (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE crates;
$$,
$$-- migrate:revision 17bb00000002
-- migrate:revises 17aa00000001

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN weight integer;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN weight;
$$,
$$-- migrate:revision 17cc00000003
-- migrate:revises 17aa00000001
-- migrate:depends 17bb00000002

-- migrate:upgrade
ALTER TABLE crates ADD COLUMN label text;

-- migrate:downgrade
ALTER TABLE crates DROP COLUMN label;
$$]);
SELECT pushed_digest, pushed_heads, up_to_date FROM migrate.state;
-- heads: both childless revisions (17bb is a head that 17cc depends on)
SELECT migrate.pushed('d1');
SELECT pushed_digest, pushed_heads, up_to_date FROM migrate.state;
-- applying keeps the digest (up_to_date follows the version set)
SET client_min_messages = warning;
SELECT migrate.upgrade();
RESET client_min_messages;
SELECT pushed_digest, up_to_date FROM migrate.state;
UPDATE migrate.revision SET tip = tip;
SELECT pushed_digest FROM migrate.state;
SET client_min_messages = warning;
SELECT migrate.downgrade('17bb00000002');
SELECT migrate.stamp('heads');
RESET client_min_messages;
SELECT pushed_digest, up_to_date FROM migrate.state;
-- any change to the stored revisions clears it
UPDATE migrate.revision SET message = 'by hand' WHERE id = '17aa00000001';
SELECT pushed_digest, pushed_heads FROM migrate.state;
SELECT migrate.pushed('d2');
SELECT migrate.revision('more', 'SELECT 1', revises => ARRAY['17cc00000003'], id => '17dd00000004');
SELECT pushed_digest, pushed_heads FROM migrate.state;
SELECT migrate.pushed('d3');
SELECT migrate.forget('17dd00000004');
SELECT pushed_digest FROM migrate.state;
SELECT migrate.pushed('d4');
DELETE FROM migrate.revision WHERE false;
SELECT pushed_digest FROM migrate.state;
-- pushed() is a state change: owner only, READ COMMITTED only
SELECT migrate.pushed('d5');
CREATE ROLE migrate_pushed_other;
GRANT USAGE ON SCHEMA migrate TO migrate_pushed_other;
GRANT EXECUTE ON FUNCTION migrate.pushed(text) TO migrate_pushed_other;
SET ROLE migrate_pushed_other;
SELECT migrate.pushed('evil');
\echo :SQLSTATE
RESET ROLE;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT migrate.pushed('rr');
\echo :SQLSTATE
ROLLBACK;
SELECT pushed_digest FROM migrate.state;
DROP OWNED BY migrate_pushed_other;
DROP ROLE migrate_pushed_other;
-- stamp('heads') above left 17cc applied without running it
SELECT migrate.stamp('base');
DROP TABLE crates;
DROP EXTENSION migrate;
