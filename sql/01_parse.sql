--
-- 01_parse: the revision file parser, seen through add_revision().
--
-- Every parse error is SQLSTATE 22P02 and its message starts with
-- "source:line:" (the source argument, or "(script)" when it is NULL).
-- Each expected error shows its SQLSTATE (\echo :SQLSTATE, or a column).
--
CREATE EXTENSION migrate;

-- A valid revision with every header key is accepted; add_revision returns
-- its id.
SELECT migrate.add_revision($$-- migrate:revision 5aa5020316c5
-- migrate:revises base
-- migrate:message create colors table
-- migrate:created 2026-02-17T12:07:59Z
-- migrate:branch colors
-- migrate:transaction true

-- migrate:upgrade
CREATE TABLE colors (
    id_color integer PRIMARY KEY,
    name     varchar(50) NOT NULL UNIQUE
);

-- migrate:downgrade
DROP TABLE colors;
$$, '5aa5020316c5_create_colors_table.sql');

-- What was stored: the bodies are the lines between the markers, trailing
-- blank lines trimmed; upgrade_line is the file line of the body's first line.
SELECT id, revises, depends, branch, message,
       created = '2026-02-17T12:07:59Z' AS created_ok, transactional,
       source, upgrade, downgrade, upgrade_line, downgrade_line,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_is_sha256
FROM migrate.revision;

-- ---------------------------------------------------------------------------
-- Parse errors: each names the source and the line.
-- ---------------------------------------------------------------------------

-- refused(source, script): add_revision(script, source) must fail; the
-- error's SQLSTATE and message ('accepted' if it did not fail).
CREATE FUNCTION pg_temp.refused(source text, script text, OUT state text, OUT message text)
LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM migrate.add_revision(script, source);
  state := 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
END $f$;

-- One row a case; "what" says what it checks and on which line it fails.
SELECT what, r.*
FROM (VALUES
  ('unknown directive (line 3)', 'aaaa01_unknown.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:author someone\n-- migrate:upgrade\nSELECT 1;\n'),
  ('duplicate header (line 3)', 'aaaa01_dup_header.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:revision aaaa02\n-- migrate:upgrade\nSELECT 1;\n'),
  ('duplicate section (line 6)', 'aaaa01_dup_section.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n-- migrate:upgrade\nSELECT 2;\n'),
  ('a dialect section may appear once as well (line 5)', 'aaaa01_dup_dialect.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:upgrade postgresql\nSELECT 1;\n-- migrate:upgrade postgresql\nSELECT 2;\n'),
  ('header line after the first section (line 5)', 'aaaa01_late_header.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:upgrade\nSELECT 1;\n-- migrate:message too late\n'),
  ('text before the first section; an indented comment is fine (line 4)', 'aaaa01_text.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n   -- an indented comment is fine\nCREATE TABLE t (id int);\n-- migrate:upgrade\nSELECT 1;\n'),
  ('unknown dialect (line 3)', 'aaaa01_dialect.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:upgrade mysql\nSELECT 1;\n'),
  -- invalid revision ids: bad characters, leading dot, too long, reserved word
  ('id with bad characters', 'bad_id.sql',
   E'-- migrate:revision bad-id\n-- migrate:revises base\n-- migrate:upgrade\n'),
  ('id with a leading dot', 'hidden.sql',
   E'-- migrate:revision .hidden\n-- migrate:revises base\n-- migrate:upgrade\n'),
  ('id of 65 characters', 'long.sql',
   format(E'-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n', repeat('a', 65))),
  ('reserved word as id', 'head.sql',
   E'-- migrate:revision head\n-- migrate:revises base\n-- migrate:upgrade\n'),
  -- invalid ids in revises / depends, and invalid branch labels (line 2/3)
  ('bad id in revises', 'aaaa01_revises.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises 5aa5020316c5, no/slash\n-- migrate:upgrade\n'),
  ('base with other parents', 'aaaa01_revises_base.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base, 5aa5020316c5\n-- migrate:upgrade\n'),
  ('bad branch label', 'aaaa01_branch.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises 5aa5020316c5\n-- migrate:branch has space\n-- migrate:upgrade\n'),
  ('id twice in depends', 'aaaa01_depends.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises 5aa5020316c5\n-- migrate:depends x1, x1\n-- migrate:upgrade\n'),
  ('bad timestamp (line 3)', 'aaaa01_created.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:created yesterday\n-- migrate:upgrade\n'),
  ('a well-formed but impossible date (line 3)', 'aaaa01_feb30.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:created 2026-02-30T12:00:00Z\n-- migrate:upgrade\n'),
  ('bad transaction value (line 3)', 'aaaa01_transaction.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:transaction maybe\n-- migrate:upgrade\n'),
  -- missing revision, missing revises, missing upgrade section, empty file
  ('missing revision', 'no_revision.sql',
   E'-- migrate:revises base\n-- migrate:upgrade\nSELECT 1;\n'),
  ('missing revises', 'aaaa01_no_revises.sql',
   E'-- migrate:revision aaaa01\n-- migrate:upgrade\nSELECT 1;\n'),
  ('missing upgrade section', 'aaaa01_no_upgrade.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:downgrade\nSELECT 1;\n'),
  ('empty file', 'empty.sql', ''),
  ('without a source the message says "(script)"', NULL,
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:nonsense\n-- migrate:upgrade\n'),
  -- A typo'd directive is never silently SQL: "-- migrate:downgrde" inside
  -- the upgrade body, and "-- migrate: upgrade" with a space after the colon.
  ('typo inside the upgrade body (line 5)', 'aaaa01_typo.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate:upgrade\nCREATE TABLE t (id int);\n-- migrate:downgrde\nDROP TABLE t;\n'),
  ('space after the colon (line 3)', 'aaaa01_space.sql',
   E'-- migrate:revision aaaa01\n-- migrate:revises base\n-- migrate: upgrade\nSELECT 1;\n'),
  ('a NULL script is refused', NULL, NULL)
) AS c(what, source, script),
LATERAL pg_temp.refused(c.source, c.script) AS r;

-- ... a 64-character id is still valid (checked, then discarded)
BEGIN;
SELECT length(migrate.add_revision(format(E'-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n',
                                          repeat('a', 64)), 'long.sql'));
ROLLBACK;

-- None of the bad scripts left anything behind.
SELECT id FROM migrate.revision ORDER BY id;

-- ---------------------------------------------------------------------------
-- Accepted spellings.
-- ---------------------------------------------------------------------------

-- "--migrate:downgrade" without the space is still the downgrade marker, so
-- it is not run as part of the upgrade.
SELECT migrate.add_revision($$-- migrate:revision bbbb01
-- migrate:revises 5aa5020316c5
--migrate:message no space

--migrate:upgrade
ALTER TABLE colors ADD COLUMN hex char(7);
--migrate:downgrade
ALTER TABLE colors DROP COLUMN hex;
$$, 'bbbb01_nospace.sql');
SELECT message, upgrade, downgrade, upgrade_line, downgrade_line
FROM migrate.revision WHERE id = 'bbbb01';

-- An empty upgrade section (e.g. a merge) and no downgrade; "revises" empty
-- means base; an empty message is no message.
SELECT migrate.add_revision($$-- migrate:revision bbbb02
-- migrate:revises
-- migrate:message
-- migrate:upgrade
$$, 'bbbb02_empty.sql');
SELECT revises, message IS NULL AS no_message, upgrade = '' AS empty_upgrade,
       downgrade IS NULL AS irreversible
FROM migrate.revision WHERE id = 'bbbb02';

-- A file with CRLF line endings parses the same, bodies normalised to LF.
SELECT migrate.add_revision(replace($$-- migrate:revision cccc01
-- migrate:revises bbbb01
-- migrate:message windows file
-- migrate:depends colors

-- migrate:upgrade
INSERT INTO colors VALUES (1, 'red');
INSERT INTO colors VALUES (2, 'green');


-- migrate:downgrade
DELETE FROM colors;
$$, E'\n', E'\r\n'), 'cccc01_windows.sql');
SELECT message, depends, upgrade, downgrade, upgrade_line, downgrade_line,
       strpos(upgrade, E'\r') = 0 AS no_cr
FROM migrate.revision WHERE id = 'cccc01';

-- ...and a CRLF file's parse errors still carry the right line (line 4).
SELECT migrate.add_revision(replace($$-- migrate:revision cccc02
-- migrate:revises base

-- migrate:bogus
-- migrate:upgrade
$$, E'\n', E'\r\n'), 'cccc02_windows.sql');
\echo :SQLSTATE

-- ---------------------------------------------------------------------------
-- Dialect sections.
-- ---------------------------------------------------------------------------

-- Only a sqlite upgrade section: nothing to run on PostgreSQL (0A000); the
-- error points at the sqlite marker (line 4).
SELECT migrate.add_revision($$-- migrate:revision dddd01
-- migrate:revises base

-- migrate:upgrade sqlite
CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);
$$, 'dddd01_sqlite_only.sql');
\echo :SQLSTATE

-- Plain and postgresql sections: the postgresql one wins, for the upgrade
-- and the downgrade; the checksum is that of the postgresql upgrade body.
SELECT migrate.add_revision($$-- migrate:revision dddd02
-- migrate:revises base
-- migrate:message dialects

-- migrate:upgrade
CREATE TABLE dialect_t (id integer);
-- migrate:upgrade sqlite
CREATE TABLE dialect_t (id INTEGER PRIMARY KEY AUTOINCREMENT);
-- migrate:upgrade postgresql
CREATE TABLE dialect_t (id integer GENERATED ALWAYS AS IDENTITY);
-- migrate:downgrade
DROP TABLE dialect_t;
-- migrate:downgrade postgresql
DROP TABLE IF EXISTS dialect_t;
$$, 'dddd02_dialects.sql');
SELECT upgrade, downgrade, upgrade_line, downgrade_line,
       checksum = encode(sha256(convert_to(upgrade, 'UTF8')), 'hex') AS checksum_ok
FROM migrate.revision WHERE id = 'dddd02';

-- A plain downgrade is used when there is no postgresql one.
SELECT migrate.add_revision($$-- migrate:revision dddd03
-- migrate:revises base
-- migrate:upgrade postgresql
SELECT 1;
-- migrate:downgrade
SELECT 2;
-- migrate:downgrade sqlite
SELECT 3;
$$, 'dddd03_mixed.sql');
SELECT upgrade, downgrade, upgrade_line, downgrade_line
FROM migrate.revision WHERE id = 'dddd03';

-- The checksum of a fixed text is stable.
SELECT id, checksum FROM migrate.revision ORDER BY id;

DROP EXTENSION migrate CASCADE;
