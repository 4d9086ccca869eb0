--
-- 23_journal: the journal of transaction-false revisions (SPEC section 9).
-- journal_write() counts the statements the program completed (only for
-- transaction-false revisions, by the owner), validate()/status()/check()
-- report the partial run, record() deletes the row with the history row,
-- stamp() clears the journal; journal_inspect() says what an interrupted
-- statement left: the INVALID index of an interrupted CREATE INDEX
-- CONCURRENTLY (drop it, build again), an index built or dropped already.
--
CREATE EXTENSION migrate;
SET client_min_messages = notice;
CREATE ROLE regress_journal_nobody;

CREATE FUNCTION pg_temp.rev(id text, revises text, up text, extra text DEFAULT '',
                            down text DEFAULT 'SELECT 1;')
RETURNS text LANGUAGE sql AS $f$
  SELECT migrate.add_revision('-- migrate:revision ' || id || E'\n-- migrate:revises ' || revises
                              || E'\n-- migrate:message ' || id || E'\n' || extra
                              || E'\n-- migrate:upgrade\n' || up || E'\n-- migrate:downgrade\n' || down || E'\n',
                              id || '.sql')
$f$;

SELECT pg_temp.rev('23aa00000001', 'base', 'CREATE TABLE jt (x integer);', '', 'DROP TABLE jt;');
SELECT pg_temp.rev('23bb00000002', '23aa00000001',
                   E'CREATE INDEX CONCURRENTLY jt_x ON jt (x);\nCREATE INDEX CONCURRENTLY jt_y ON jt (x);',
                   '-- migrate:transaction false',
                   E'DROP INDEX CONCURRENTLY jt_y;\nDROP INDEX CONCURRENTLY jt_x;');
SELECT migrate.upgrade('23aa00000001');

-- only transaction-false revisions are journaled; bad counts are refused
SELECT migrate.journal_write('23aa00000001', 'upgrade', 0, 2, '');
SELECT migrate.journal_write('23bb00000002', 'sideways', 0, 2, '');
SELECT migrate.journal_write('23bb00000002', 'upgrade', 3, 2, '');
SELECT migrate.journal_write('23zz00000009', 'upgrade', 0, 2, '');
SET ROLE regress_journal_nobody;
SELECT migrate.journal_write('23bb00000002', 'upgrade', 0, 2, '');
RESET ROLE;

-- one statement done: every report names the partial run
SELECT migrate.journal_write('23bb00000002', 'upgrade', 1, 2, 'h1');
SELECT revision, action, done, total, done_hash, pid = pg_backend_pid() AS mine FROM migrate.journal;
SELECT * FROM migrate.validate();
SELECT problems FROM migrate.status();
SELECT migrate.check();
SELECT up_to_date FROM migrate.state;

-- what an interrupted statement left
CREATE TABLE jdup (x integer);
INSERT INTO jdup VALUES (1), (1);
SET client_min_messages = error;
CREATE UNIQUE INDEX CONCURRENTLY jdup_x ON jdup (x);
SET client_min_messages = notice;
SELECT * FROM migrate.journal_inspect('CREATE UNIQUE INDEX CONCURRENTLY jdup_x ON jdup (x)');
SELECT * FROM migrate.journal_inspect('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS jdup_x ON public.jdup (x)');
CREATE INDEX jt_z ON jt (x);
SELECT * FROM migrate.journal_inspect('CREATE INDEX CONCURRENTLY jt_z ON jt (x)');
SELECT * FROM migrate.journal_inspect('CREATE INDEX CONCURRENTLY jt_new ON jt (x)');
SELECT * FROM migrate.journal_inspect('DROP INDEX CONCURRENTLY jt_gone');
SELECT * FROM migrate.journal_inspect('DROP INDEX CONCURRENTLY IF EXISTS jt_gone');
SELECT * FROM migrate.journal_inspect('DROP INDEX CONCURRENTLY public.jt_z');
SELECT * FROM migrate.journal_inspect('CREATE DATABASE ' || current_database());
SELECT * FROM migrate.journal_inspect('VACUUM jt');

-- record() deletes the row with the history row
SELECT migrate.record('23bb00000002', 'upgrade', now(), now());
SELECT count(*) AS journal_rows FROM migrate.journal;
SELECT up_to_date FROM migrate.state;
-- stamp() clears the journal, saying so
SELECT migrate.journal_write('23bb00000002', 'downgrade', 1, 2, 'h1');
SELECT migrate.stamp('23aa00000001');
SELECT count(*) AS journal_rows FROM migrate.journal;

-- a revision's SQL cannot change the state the call running it is moving:
-- stamp(), add_revision(), record() and the journal are refused from it,
-- reading is fine (issue 15 item 9)
SELECT pg_temp.rev('23cc00000003', '23aa00000001', E'SELECT migrate.stamp(''base'', true);');
SELECT migrate.upgrade('23cc00000003');
SELECT pg_temp.rev('23dd00000004', '23aa00000001', E'SELECT migrate.add_revision(E''-- migrate:revision 23ee00000005\\n-- migrate:revises base\\n\\n-- migrate:upgrade\\nSELECT 1;\\n'');');
SELECT migrate.upgrade('23dd00000004');
SELECT pg_temp.rev('23ff00000006', '23aa00000001', E'SELECT migrate.record(''23bb00000002'', ''upgrade'', now(), now());');
SELECT migrate.upgrade('23ff00000006');
SELECT pg_temp.rev('23ab00000007', '23aa00000001', E'CREATE TABLE jread AS SELECT count(*) AS n FROM migrate.current();');
SELECT migrate.upgrade('23ab00000007');
SELECT n FROM jread;
SELECT string_agg(v, ',' ORDER BY v) AS current FROM migrate.current() v;
SELECT count(*) AS history_rows_with_null_checksum FROM migrate.history WHERE checksum IS NULL AND action <> 'stamp';

DROP TABLE jdup, jread;
DROP EXTENSION migrate CASCADE;
DROP TABLE jt;
DROP ROLE regress_journal_nobody;
