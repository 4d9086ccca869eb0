--
-- 07_search_path: revision SQL runs with the caller's search_path and
-- identity; the extension's own queries are immune to the caller's
-- search_path, even one that puts look-alike tables and hostile operators
-- and functions ahead of pg_catalog.
--
CREATE EXTENSION migrate;
CREATE SCHEMA app;

SELECT migrate.add_revision($$-- migrate:revision 0a0a0a0a0001
-- migrate:revises base
-- migrate:message create accounts
-- migrate:branch accounts

-- migrate:upgrade
CREATE TABLE accounts (id integer PRIMARY KEY, owner text);
CREATE TABLE ran_as (who name, path text);
INSERT INTO ran_as VALUES (current_user, current_setting('search_path'));

-- migrate:downgrade
DROP TABLE ran_as;
DROP TABLE accounts;
$$, '0a0a0a0a0001_create_accounts.sql');

-- ---------------------------------------------------------------------------
-- The caller's search_path decides where unqualified objects go.
-- ---------------------------------------------------------------------------
SET search_path = app;
SELECT migrate.upgrade();
RESET search_path;
SELECT to_regclass('app.accounts') AS in_app, to_regclass('public.accounts') AS in_public;
-- ... and the revision ran as the caller, with the caller's search_path
SELECT who = current_user AS ran_as_caller, path FROM app.ran_as;
-- The downgrade's unqualified names resolve through the caller's path too:
-- from the default path the tables are not found ...
SELECT migrate.downgrade('base');
\echo :SQLSTATE
-- ... from app they are.
SET search_path = app;
SELECT migrate.downgrade('base');
RESET search_path;
SELECT to_regclass('app.accounts') AS in_app;

-- With an empty search_path, an unqualified CREATE TABLE has nowhere to go.
SET search_path = '';
SELECT migrate.upgrade();
\echo :SQLSTATE
RESET search_path;

-- ---------------------------------------------------------------------------
-- A hostile search_path: schema evil, ahead of pg_catalog, holds tables named
-- like the catalog's and operators and functions that raise when called.
-- ---------------------------------------------------------------------------
CREATE SCHEMA evil;
CREATE TABLE evil.version (revision text);
INSERT INTO evil.version VALUES ('not-a-revision');
CREATE TABLE evil.revision (id text, revises text[], depends text[], branch text[],
                            message text, transactional boolean);
INSERT INTO evil.revision VALUES ('fake', '{}', '{}', '{}', 'fake', true);
CREATE TABLE evil.history (id bigint);

-- The traps: each function raises "evil <what> called"; the operators
-- listed with it call it.
SELECT format('CREATE FUNCTION evil.%s(%s) RETURNS %s LANGUAGE plpgsql AS $b$ BEGIN RAISE EXCEPTION %L; END $b$;',
              fn, args, returns, 'evil ' || what || ' called')
       || coalesce((SELECT string_agg(format(' CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.%s);',
                                             op, split_part(args, ', ', 1), split_part(args, ', ', 2), fn), '')
                    FROM unnest(ops) AS op), '')
FROM (VALUES
  ('trap', 'text, text', 'boolean', 'operator', '{=,<>}'::text[]),
  ('trap_arr', 'text[], text[]', 'boolean', 'array operator', '{&&,@>}'),
  ('trap_cat', 'text[], text', 'text[]', '||', '{||}'),
  ('trap_ts', 'timestamptz, timestamptz', 'interval', '-', '{-}'),
  ('unnest', 'text[]', 'SETOF text', 'unnest', NULL),
  ('now', '', 'timestamptz', 'now', NULL)
) AS t(fn, args, returns, what, ops) \gexec

SET search_path = app, evil, pg_catalog;
-- the trap works: an unqualified = on text is evil's
SELECT 'a'::text = 'a'::text;

-- Everything below behaves exactly as without the traps.
SELECT migrate.add_revision($$-- migrate:revision 0b0b0b0b0002
-- migrate:revises 0a0a0a0a0001
-- migrate:message add balance
-- migrate:depends accounts

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN balance numeric;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN balance;
$$, '0b0b0b0b0002_add_balance.sql');
-- identical re-add, replacement, and a refused duplicate label
SELECT migrate.add_revision(script, source) FROM migrate.revision
WHERE id OPERATOR(pg_catalog.=) '0b0b0b0b0002';
SELECT migrate.add_revision($$-- migrate:revision 0b0b0b0b0002
-- migrate:revises 0a0a0a0a0001
-- migrate:message add balance (numeric)
-- migrate:depends accounts

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN balance numeric;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN balance;
$$, '0b0b0b0b0002_add_balance.sql');
SELECT migrate.add_revision($$-- migrate:revision 0c0c0c0c0003
-- migrate:revises 0b0b0b0b0002
-- migrate:branch accounts
-- migrate:upgrade
$$, '0c0c0c0c0003_dup_label.sql');
SELECT migrate.add_revisions(ARRAY[$$-- migrate:revision 0c0c0c0c0003
-- migrate:revises 0b0b0b0b0002
-- migrate:message add index
-- migrate:upgrade
CREATE INDEX accounts_owner_idx ON accounts (owner);
-- migrate:downgrade
DROP INDEX accounts_owner_idx;
$$], ARRAY['0c0c0c0c0003_add_index.sql']);

SELECT * FROM migrate.plan();
SELECT migrate.upgrade();
SELECT * FROM migrate.current();
SELECT * FROM migrate.heads();
SELECT * FROM migrate.branches();
SELECT revision, revises, message, is_head, is_applied, applied_at IS NOT NULL AS has_applied_at
FROM migrate.history();
SELECT revision FROM migrate.history('0a0a:0b0b');
SELECT revision, children, is_applied, applied_at IS NOT NULL AS has_applied_at
FROM migrate.show('0b0b');
SELECT migrate.downgrade();
SELECT migrate.stamp('heads');
SELECT * FROM migrate.current();
SELECT migrate.stamp('0b0b', true);
SELECT * FROM migrate.current();
SELECT migrate.downgrade('base');
SELECT migrate.upgrade('accounts@head');
SELECT * FROM migrate.current();

RESET search_path;
-- the look-alike tables were never touched
SELECT * FROM evil.version;
SELECT id FROM evil.revision;
SELECT count(*) FROM evil.history;
-- the revisions' tables went to app
SELECT to_regclass('app.accounts') AS in_app, to_regclass('evil.accounts') AS in_evil;

-- ---------------------------------------------------------------------------
-- An = operator that says every text equals every other: still no effect.
-- ---------------------------------------------------------------------------
CREATE FUNCTION evil.always(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT true';
DROP OPERATOR evil.= (text, text);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always);
SET search_path = app, evil, pg_catalog;
SELECT 'a'::text = 'b'::text AS a_equals_b;
SELECT migrate.add_revision($$-- migrate:revision 0d0d0d0d0004
-- migrate:revises 0c0c0c0c0003
-- migrate:message add currency
-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN currency char(3);
-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN currency;
$$, '0d0d0d0d0004_add_currency.sql');
SELECT migrate.upgrade();
SELECT migrate.downgrade();
SELECT revision, message FROM migrate.show('0d0d0d0d0004');
SELECT * FROM migrate.current();
RESET search_path;

DROP EXTENSION migrate CASCADE;
SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
DROP SCHEMA evil CASCADE;
