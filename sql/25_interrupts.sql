--
-- 25_interrupts: a cancel reaches the work of the state-changing functions
-- that parse what they are given (issue 15 item 5): the parser, the graph,
-- the plan and the store check for interrupts in every loop whose length
-- the input decides, so a statement_timeout or pg_cancel_backend() ends
-- add_revision() of a huge header instead of waiting for the parse.
--
-- To be deterministic the cancel is sent before the call, by the backend
-- itself, in the same statement (the WHERE clause runs just before the
-- call, with no interrupt check between them): the call then has a
-- pending cancel from its first instruction.  Each script is malformed
-- further down, so a call that parses it without checking reports the
-- syntax error (22P02 / 22023) instead of 57014.  test/suites/interrupts.sh
-- cancels a long parse from another session.  Where the server turns an
-- error into a result (test()'s steps, the snapshot's warning), a cancel
-- still ends the statement.
--
CREATE EXTENSION migrate;
CREATE TEMP TABLE bad AS
SELECT E'-- migrate:revision 23aa00000001\n-- migrate:revises base\n-- migrate:depends '
       || string_agg('d' || i, ',') || E'\n-- migrate:bogus typo\n\n-- migrate:upgrade\nSELECT 1;\n' AS script
FROM generate_series(1, 1000) i;

-- without a cancel: the syntax error, naming file and line
SELECT migrate.add_revision(script, 'bad.sql') FROM bad;
-- with one: 57014, before the parse reaches line 4
SELECT migrate.add_revision(script, 'bad.sql') FROM bad WHERE pg_cancel_backend(pg_backend_pid());
\echo :SQLSTATE
SELECT migrate.add_revisions(ARRAY[script], ARRAY['bad.sql']) FROM bad
WHERE pg_cancel_backend(pg_backend_pid());
\echo :SQLSTATE
-- a section body is parsed too
SELECT migrate.revision('m', E'SELECT 1;\n-- migrate:bogus')
FROM bad WHERE pg_cancel_backend(pg_backend_pid());
\echo :SQLSTATE
-- the session is usable afterwards, and nothing was stored
SELECT count(*) AS revisions FROM migrate.revision;

-- test() reports a failing step as a row and goes on, and a failed
-- snapshot as a warning; a cancel is neither: here a revision's own SQL
-- cancels the statement, and test() ends with 57014 instead of a row
-- saying the step failed.
SELECT migrate.add_revision(E'-- migrate:revision 23cc00000001\n-- migrate:revises base\n\n'
                            '-- migrate:upgrade\nSELECT pg_cancel_backend(pg_backend_pid());\n'
                            '-- migrate:downgrade\nSELECT 1;\n', 'cancels.sql');
SELECT step, revision, test, ok FROM migrate.test();
\echo :SQLSTATE
SELECT * FROM migrate.current();

DROP EXTENSION migrate CASCADE;
