--
-- 01_parse: the revision file parser, seen through add_revision().
--
-- Every parse error is SQLSTATE 22P02 and its message starts with
-- "source:line:" (the source argument, or "(script)" when it is NULL).
-- After each expected error, \echo :SQLSTATE prints the error's SQLSTATE.
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

-- unknown directive (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:author someone
-- migrate:upgrade
SELECT 1;
$$, 'aaaa01_unknown.sql');
\echo :SQLSTATE

-- duplicate header (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:revision aaaa02
-- migrate:upgrade
SELECT 1;
$$, 'aaaa01_dup_header.sql');
\echo :SQLSTATE

-- duplicate section (line 6)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:upgrade
SELECT 1;
-- migrate:downgrade
-- migrate:upgrade
SELECT 2;
$$, 'aaaa01_dup_section.sql');
\echo :SQLSTATE

-- a dialect section may appear once as well (line 5)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:upgrade postgresql
SELECT 1;
-- migrate:upgrade postgresql
SELECT 2;
$$, 'aaaa01_dup_dialect.sql');
\echo :SQLSTATE

-- header line after the first section (line 5)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:upgrade
SELECT 1;
-- migrate:message too late
$$, 'aaaa01_late_header.sql');
\echo :SQLSTATE

-- text other than comments and blank lines before the first section (line 4)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
   -- an indented comment is fine
CREATE TABLE t (id int);
-- migrate:upgrade
SELECT 1;
$$, 'aaaa01_text.sql');
\echo :SQLSTATE

-- unknown dialect (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:upgrade mysql
SELECT 1;
$$, 'aaaa01_dialect.sql');
\echo :SQLSTATE

-- invalid revision ids: bad characters, leading dot, too long, reserved word
SELECT migrate.add_revision($$-- migrate:revision bad-id
-- migrate:revises base
-- migrate:upgrade
$$, 'bad_id.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision .hidden
-- migrate:revises base
-- migrate:upgrade
$$, 'hidden.sql');
\echo :SQLSTATE
SELECT migrate.add_revision(format(E'-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n',
                                   repeat('a', 65)), 'long.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision head
-- migrate:revises base
-- migrate:upgrade
$$, 'head.sql');
\echo :SQLSTATE
-- ... a 64-character id is still valid (checked, then discarded)
BEGIN;
SELECT length(migrate.add_revision(format(E'-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n',
                                          repeat('a', 64)), 'long.sql'));
ROLLBACK;

-- invalid ids in revises / depends, and invalid branch labels (line 2/3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises 5aa5020316c5, no/slash
-- migrate:upgrade
$$, 'aaaa01_revises.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base, 5aa5020316c5
-- migrate:upgrade
$$, 'aaaa01_revises_base.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises 5aa5020316c5
-- migrate:branch has space
-- migrate:upgrade
$$, 'aaaa01_branch.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises 5aa5020316c5
-- migrate:depends x1, x1
-- migrate:upgrade
$$, 'aaaa01_depends.sql');
\echo :SQLSTATE

-- bad timestamp (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:created yesterday
-- migrate:upgrade
$$, 'aaaa01_created.sql');
\echo :SQLSTATE

-- a well-formed but impossible date is a parse error too (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:created 2026-02-30T12:00:00Z
-- migrate:upgrade
$$, 'aaaa01_feb30.sql');
\echo :SQLSTATE

-- bad transaction value (line 3)
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:transaction maybe
-- migrate:upgrade
$$, 'aaaa01_transaction.sql');
\echo :SQLSTATE

-- missing revision, missing revises, missing upgrade section
SELECT migrate.add_revision($$-- migrate:revises base
-- migrate:upgrade
SELECT 1;
$$, 'no_revision.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:upgrade
SELECT 1;
$$, 'aaaa01_no_revises.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:downgrade
SELECT 1;
$$, 'aaaa01_no_upgrade.sql');
\echo :SQLSTATE
SELECT migrate.add_revision('', 'empty.sql');
\echo :SQLSTATE

-- without a source the message says "(script)"
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:nonsense
-- migrate:upgrade
$$);
\echo :SQLSTATE

-- A typo'd directive is never silently SQL.  "-- migrate:downgrde" inside the
-- upgrade body is an unknown directive (line 5), and so is "-- migrate: upgrade"
-- with a space after the colon (line 3).
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate:upgrade
CREATE TABLE t (id int);
-- migrate:downgrde
DROP TABLE t;
$$, 'aaaa01_typo.sql');
\echo :SQLSTATE
SELECT migrate.add_revision($$-- migrate:revision aaaa01
-- migrate:revises base
-- migrate: upgrade
SELECT 1;
$$, 'aaaa01_space.sql');
\echo :SQLSTATE

-- A NULL script is refused.
SELECT migrate.add_revision(NULL);
\echo :SQLSTATE

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
